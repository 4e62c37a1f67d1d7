package schemacheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

const doc = `{
  "openrpc": "1.3.2", "info": {"title": "t", "version": "1"},
  "methods": [{"name": "m", "params": [
    {"name": "pet", "schema": {"$ref": "#/components/schemas/Pet"}},
    {"name": "n", "schema": {"type": "integer", "minimum": 1}}
  ], "result": {"name": "r", "schema": true}}],
  "components": {"schemas": {
    "Pet": {"type": "object", "required": ["name"], "properties": {
      "name": {"type": "string", "minLength": 2}, "tags": {"type": "array", "items": {"type": "string"}},
      "parent": {"$ref": "#/components/schemas/Pet"}}}
  }}
}`

func TestValidate(t *testing.T) {
	d, err := New([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	pet, err := d.Compile("/methods/0/params/0/schema")
	if err != nil {
		t.Fatal(err)
	}
	if p := pet.Validate([]byte(`{"name": "rex", "parent": {"name": "max"}}`)); p != nil {
		t.Errorf("valid pet: %v", p)
	}
	got := pet.Validate([]byte(`{"name": "r", "tags": ["a", 5], "parent": {}}`))
	var paths []string
	for _, p := range got {
		paths = append(paths, p.Path)
	}
	if strings.Join(paths, " ") != "/name /parent /tags/1" {
		t.Errorf("problems: %v", got)
	}
	n, _ := d.Compile("/methods/0/params/1/schema")
	if p := n.Validate([]byte(`0`)); len(p) != 1 || !strings.Contains(p[0].Message, "minimum") {
		t.Errorf("minimum: %v", p)
	}
	if _, err := d.Compile("/methods/0/params/7/schema"); err == nil {
		t.Error("a pointer to nothing compiled")
	}
}

// TestCompile_documents compiles every param and result schema of the third-party and
// golden documents.
func TestCompile_documents(t *testing.T) {
	var files []string
	for _, g := range []string{"../../../../e2e/testdata/open-rpc-examples/*.json", "../../../../testdata/*.openrpc.golden", "../../../../examples/*/testdata/*.openrpc.golden"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) < 12 {
		t.Fatalf("%d documents", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dm, err := docmodel.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		d, err := New(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, m := range dm.Methods {
			for _, p := range m.Params {
				if _, err := d.Compile(p.Pointer); err != nil {
					t.Errorf("%s: %s: %v", filepath.Base(f), m.Name, err)
				}
			}
			if m.Result != nil {
				if _, err := d.Compile(m.Result.Pointer); err != nil {
					t.Errorf("%s: %s: %v", filepath.Base(f), m.Name, err)
				}
			}
		}
	}
}

// TestPointerNeedsEscaping compiles schemas under names a URI fragment must escape: a
// percent sign, a space, a slash (~1 in a pointer), non-ASCII letters, a # and a ?.
func TestPointerNeedsEscaping(t *testing.T) {
	names := []string{"100%", "a b", "a/b", "日本", "x#y", "q?r", "%41"}
	var members []string
	for _, n := range names {
		members = append(members, strconv.Quote(n)+`: {"type": "integer"}`)
	}
	d, err := New([]byte(`{"openrpc": "1.3.2", "components": {"schemas": {` + strings.Join(members, ", ") + `}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		ptr := "/components/schemas/" + strings.ReplaceAll(strings.ReplaceAll(n, "~", "~0"), "/", "~1")
		s, err := d.Compile(ptr)
		if err != nil {
			t.Errorf("%s: %v", ptr, err)
			continue
		}
		if p := s.Validate([]byte(`"x"`)); len(p) != 1 {
			t.Errorf("%s: %q against an integer schema: %v", ptr, "x", p)
		}
	}
}

// TestValidateBoundsProblems: a value with many problems, or problems whose messages would
// quote a huge enum, a long pattern or a long value, gives at most MaxProblems problems of
// bounded messages (a call of 100 values not in an enum of 50000 took 22 s and 1.3 GB
// in the mock, to answer "Response too large").
func TestValidateBoundsProblems(t *testing.T) {
	enum := make([]string, 50000)
	for i := range enum {
		enum[i] = strconv.Quote("value-" + strconv.Itoa(i) + "-padding-padding")
	}
	long := strings.Repeat("x", 100000)
	d, err := New([]byte(`{"openrpc": "1.3.2", "components": {"schemas": {
		"E": {"type": "array", "items": {"enum": [` + strings.Join(enum, ",") + `]}},
		"I": {"type": "array", "items": {"type": "integer"}},
		"P": {"type": "array", "items": {"type": "string", "pattern": "^(` + long + `)$"}},
		"C": {"type": "array", "items": {"const": "` + long + `"}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{
		"E": `[` + strings.Repeat(`"bad",`, 200) + `"bad"]`,
		"I": `[` + strings.Repeat(`"bad",`, 100000) + `"bad"]`,
		"P": `["` + long + `y",` + strings.Repeat(`"bad",`, 200) + `"bad"]`,
		"C": `[` + strings.Repeat(`"bad",`, 200) + `"bad"]`,
	} {
		s, err := d.Compile("/components/schemas/" + name)
		if err != nil {
			t.Fatal(err)
		}
		problems := s.Validate([]byte(value))
		if len(problems) == 0 || len(problems) > MaxProblems {
			t.Errorf("%s: %d problems, want 1 to %d", name, len(problems), MaxProblems)
		}
		for _, p := range problems {
			if len(p.Message) > maxMessage {
				t.Errorf("%s: a message of %d bytes: %.200s...", name, len(p.Message), p.Message)
				break
			}
		}
		if len(problems) > 0 && problems[0].Path != "/0" {
			t.Errorf("%s: the first problem is at %q, want /0", name, problems[0].Path)
		}
	}
}

// TestCompileRefusesFanOut: a schema that checks one value against too many schemas at
// once (allOf naming the next level twice, 40 levels: 2^40) is refused when compiled; the
// mock checked every call's params against it, each call taking a core for ever.
func TestCompileRefusesFanOut(t *testing.T) {
	levels := func(n int) string {
		var l []string
		for i := range n {
			l = append(l, fmt.Sprintf(`"L%d": {"allOf": [{"$ref": "#/components/schemas/L%d"}, {"$ref": "#/components/schemas/L%d"}]}`, i, i+1, i+1))
		}
		return strings.Join(l, ",") + fmt.Sprintf(`, "L%d": {"type": "integer"}`, n)
	}
	for n, ok := range map[int]bool{40: false, 5: true} {
		d, err := New([]byte(`{"openrpc": "1.3.2", "components": {"schemas": {` + levels(n) + `}}}`))
		if err != nil {
			t.Fatal(err)
		}
		s, err := d.Compile("/components/schemas/L0")
		switch {
		case ok && err != nil:
			t.Errorf("%d levels: %v", n, err)
		case ok:
			if p := s.Validate([]byte(`"x"`)); len(p) == 0 {
				t.Errorf("%d levels: a string is valid", n)
			}
		case err == nil || !strings.Contains(err.Error(), "too costly"):
			t.Errorf("%d levels: error %v, want one saying the schema is too costly to check", n, err)
		}
	}
}

// TestCompileRefusesDeepSchemas: a schema nested deeper than maxSchemaDepth is refused
// when compiled: the library's compilation takes the square of the depth (2000 levels: 7 s
// of the mock's start-up; 2000 params of 120 levels: 75 s and 1.2 GB).
func TestCompileRefusesDeepSchemas(t *testing.T) {
	nested := func(n int) string {
		return strings.Repeat(`{"type": "array", "items": `, n) + `{"type": "integer"}` + strings.Repeat("}", n)
	}
	d, err := New([]byte(`{"openrpc": "1.3.2", "components": {"schemas": {"Deep": ` + nested(2000) + `, "Fine": ` + nested(20) + `}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Compile("/components/schemas/Deep"); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("2000 levels: error %v, want one saying the schema nests too deep", err)
	}
	if _, err := d.Compile("/components/schemas/Fine"); err != nil {
		t.Errorf("20 levels: %v", err)
	}
}
