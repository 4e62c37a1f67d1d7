package schemacheck

import (
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
