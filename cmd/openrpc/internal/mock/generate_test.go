package mock

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/mail"
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/schemacheck"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// generateChecked wraps schema in a document (with components) as a method's result,
// generates a value for it and checks it with schemacheck.
func generateChecked(t *testing.T, schema any, components map[string]any, seed string) json.RawMessage {
	t.Helper()
	doc := map[string]any{
		"openrpc": "1.3.2",
		"info":    map[string]any{"title": "t", "version": "1"},
		"methods": []any{map[string]any{"name": "m", "params": []any{}, "result": map[string]any{"name": "r", "schema": schema}}},
	}
	if components != nil {
		doc["components"] = map[string]any{"schemas": components}
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	d, err := docmodel.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	v, err := Generate(d, d.Methods[0].Result.Schema, seed)
	if err != nil {
		t.Fatalf("schema %s: %v", mustMarshal(schema), err)
	}
	check, err := schemacheck.New(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, err := check.Compile(d.Methods[0].Result.Pointer)
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Validate(v); len(p) > 0 {
		t.Fatalf("schema %s: generated %s: %v", mustMarshal(schema), v, p)
	}
	return v
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestGenerate_formats checks the values of formats, which schemacheck does not assert.
func TestGenerate_formats(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	check := map[string]func(string) error{
		"date-time": func(s string) error { _, err := time.Parse(time.RFC3339, s); return err },
		"date":      func(s string) error { _, err := time.Parse(time.DateOnly, s); return err },
		"email":     func(s string) error { _, err := mail.ParseAddress(s); return err },
		"uri": func(s string) error {
			u, err := url.Parse(s)
			if err == nil && (u.Scheme == "" || u.Host == "") {
				err = fmt.Errorf("not absolute")
			}
			return err
		},
		"uuid": func(s string) error {
			if !uuid.MatchString(s) {
				return fmt.Errorf("not a UUID")
			}
			return nil
		},
	}
	for format, ok := range check {
		for i := range 20 {
			var s string
			v := generateChecked(t, map[string]any{"type": "string", "format": format}, nil, fmt.Sprint(i))
			if err := json.Unmarshal(v, &s); err != nil {
				t.Fatal(err)
			}
			if err := ok(s); err != nil {
				t.Errorf("format %s: %q: %v", format, s, err)
			}
		}
	}
}

// TestGenerate_deterministic wants the same value for the same seed, and the seed to matter.
func TestGenerate_deterministic(t *testing.T) {
	schema := map[string]any{"type": "object", "required": []string{"id", "name"}, "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "name": map[string]any{"type": "string"}, "tags": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
	}}
	a := generateChecked(t, schema, nil, "get_pet")
	if b := generateChecked(t, schema, nil, "get_pet"); string(a) != string(b) {
		t.Errorf("same seed: %s, then %s", a, b)
	}
	if c := generateChecked(t, schema, nil, "list_pets"); string(a) == string(c) {
		t.Errorf("another seed gave the same value %s", a)
	}
}

func TestGenerate_patterns(t *testing.T) {
	for _, p := range []string{`^[a-z0-9_]+$`, `^\d{3}-\d{4}$`, `^(foo|bar)+baz?$`, `^[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8})?$`, `^0x[0-9a-fA-F]{40}$`, `v\d+\.\d+`, `^[^@\s]+@[^@\s]+\.[a-z]{2,}$`} {
		for i := range 10 {
			generateChecked(t, map[string]any{"type": "string", "pattern": p, "maxLength": 80}, nil, fmt.Sprint(i))
		}
	}
	// A pattern whose generated strings are too short falls back to the schema's example.
	long := strings.Repeat("ok", 45)
	v := generateChecked(t, map[string]any{"type": "string", "pattern": `^[a-z]+$`, "minLength": 90, "examples": []string{long}}, nil, "x")
	if string(v) != `"`+long+`"` {
		t.Errorf("fallback to the example: %s", v)
	}
}

// randomSchema returns a satisfiable schema of depth at most depth, using the keywords the
// generator honours, and components it may refer to.
func randomSchema(r *rand.Rand, depth int) any {
	kinds := []string{"string", "integer", "number", "boolean", "null", "enum", "const", "ref", "nullable"}
	if depth > 0 {
		kinds = append(kinds, "object", "object", "array", "array", "allOf", "oneOf", "anyOf")
	}
	switch kinds[r.IntN(len(kinds))] {
	case "string":
		s := map[string]any{"type": "string"}
		switch r.IntN(4) {
		case 0:
			s["format"] = []string{"date-time", "email", "uuid", "uri", "date", "ipv4", "hostname"}[r.IntN(7)]
		case 1:
			s["pattern"] = []string{`^[a-z]{3,6}$`, `^[A-Z]{2}\d{2,4}$`, `^(red|green|blue)$`, `^x+$`}[r.IntN(4)]
		case 2:
			lo := r.IntN(10)
			s["minLength"], s["maxLength"] = lo, lo+r.IntN(10)
		}
		return s
	case "integer", "number":
		s := map[string]any{"type": []string{"integer", "number"}[r.IntN(2)]}
		lo := float64(r.IntN(200) - 100)
		if r.IntN(2) == 0 {
			s["minimum"] = lo
		}
		if r.IntN(2) == 0 {
			s["maximum"] = lo + float64(r.IntN(50)+10)
		}
		if r.IntN(3) == 0 {
			s["exclusiveMinimum"] = lo - 1
		}
		if r.IntN(3) == 0 {
			s["multipleOf"] = float64(r.IntN(4) + 1)
		}
		return s
	case "boolean":
		return map[string]any{"type": "boolean"}
	case "null":
		return map[string]any{"type": "null"}
	case "enum":
		return map[string]any{"enum": []any{"a", 1, true, nil}[:r.IntN(4)+1]}
	case "const":
		return map[string]any{"const": map[string]any{"k": []any{1, "two"}}}
	case "ref":
		return map[string]any{"$ref": "#/components/schemas/" + []string{"Tree", "List", "Leaf"}[r.IntN(3)]}
	case "nullable":
		return map[string]any{"type": "string", "nullable": true, "minLength": 1}
	case "object":
		props := map[string]any{}
		var required []string
		for i := range r.IntN(4) {
			name := fmt.Sprintf("p%d", i)
			props[name] = randomSchema(r, depth-1)
			if r.IntN(2) == 0 {
				required = append(required, name)
			}
		}
		s := map[string]any{"type": "object", "properties": props}
		if required != nil {
			s["required"] = required
		}
		if r.IntN(3) == 0 {
			s["additionalProperties"] = false
		}
		return s
	case "array":
		s := map[string]any{"type": "array", "items": randomSchema(r, depth-1)}
		if r.IntN(2) == 0 {
			s["minItems"] = r.IntN(3)
			s["maxItems"] = 3 + r.IntN(3)
		}
		return s
	case "allOf":
		return map[string]any{"allOf": []any{
			map[string]any{"type": "object", "required": []string{"a"}, "properties": map[string]any{"a": randomSchema(r, depth-1)}},
			map[string]any{"type": "object", "properties": map[string]any{"b": randomSchema(r, depth-1)}},
		}}
	default: // oneOf, anyOf: alternatives of different types, so exactly one matches
		key := []string{"oneOf", "anyOf"}[r.IntN(2)]
		return map[string]any{key: []any{
			map[string]any{"type": "string", "maxLength": 5},
			map[string]any{"type": "array", "items": randomSchema(r, depth-1)},
			map[string]any{"type": "boolean"},
		}}
	}
}

var recursiveComponents = map[string]any{
	"Tree": map[string]any{"type": "object", "required": []string{"v", "kids"}, "properties": map[string]any{
		"v": map[string]any{"type": "integer"}, "kids": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Tree"}},
	}},
	"List": map[string]any{"type": "object", "required": []string{"next"}, "properties": map[string]any{
		"next": map[string]any{"anyOf": []any{map[string]any{"$ref": "#/components/schemas/List"}, map[string]any{"type": "null"}}},
	}},
	"Leaf": map[string]any{"type": "string", "enum": []string{"leaf"}},
}

// FuzzGenerate checks that the values generated for random schemas satisfy them.
func FuzzGenerate(f *testing.F) {
	for i := range 200 {
		f.Add(uint64(i), "m")
	}
	f.Fuzz(func(t *testing.T, seed uint64, name string) {
		r := rand.New(rand.NewPCG(seed, 1))
		schema := randomSchema(r, 4)
		v := generateChecked(t, schema, recursiveComponents, name)
		if len(v) > 1<<20 {
			t.Errorf("schema %s: a value of %d bytes", mustMarshal(schema), len(v))
		}
		if strings.Contains(string(v), "\x00") {
			t.Errorf("a NUL in %s", v)
		}
	})
}

// TestGenerateGivesUp: a recursive oneOf whose alternatives all recurse is refused with an
// error, not retried alternative by alternative at every level (2^48 tries).
func TestGenerateGivesUp(t *testing.T) {
	raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"m","params":[],"result":{"name":"r","schema":{"$ref":"#/components/schemas/Node"}}}],
		"components":{"schemas":{"Node":{"oneOf":[
			{"type":"object","required":["a"],"properties":{"a":{"$ref":"#/components/schemas/Node"}}},
			{"type":"array","minItems":1,"items":{"$ref":"#/components/schemas/Node"}}]}}}}`)
	d, err := docmodel.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Generate(d, d.Methods[0].Result.Schema, "m")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Generate found a value for a schema that has none")
		}
	case <-time.After(time.Minute):
		t.Fatal("Generate still runs after a minute")
	}
}

// TestGenerateBoundsSize: nested minItems that multiply to 10^8 items are refused, not
// generated into gigabytes.
func TestGenerateBoundsSize(t *testing.T) {
	raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"m","params":[],"result":{"name":"r","schema":
			{"type":"array","minItems":10000,"items":{"type":"array","minItems":10000,"items":{"type":"integer"}}}}}]}`)
	d, err := docmodel.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Generate(d, d.Methods[0].Result.Schema, "m"); err == nil {
		t.Errorf("Generate made %d bytes", len(v))
	}
}

// TestGenerateBoundsLength: a minLength of 2^40 is refused, not padded rune by rune.
func TestGenerateBoundsLength(t *testing.T) {
	raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"m","params":[],"result":{"name":"r","schema":{"type":"string","minLength":1099511627776}}}]}`)
	d, err := docmodel.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Generate(d, d.Methods[0].Result.Schema, "m"); err == nil {
		t.Errorf("Generate made %d bytes", len(v))
	}
}

// TestGenerateBoundsBytes: long strings or document values (enum, const) repeated by
// minItems are refused past a few megabytes, not generated into hundreds (1000 strings of
// minLength 1000000 took over 2 GB); one long string still is generated.
func TestGenerateBoundsBytes(t *testing.T) {
	long := strings.Repeat("x", 100000)
	for _, tt := range []struct {
		schema string
		ok     bool
	}{
		{`{"type":"string","minLength":1048576}`, true},
		{`{"type":"array","minItems":100,"items":{"type":"string","minLength":1000000}}`, false},
		{`{"type":"array","minItems":1000,"items":{"enum":["` + long + `"]}}`, false},
		{`{"type":"array","minItems":1000,"items":{"const":"` + long + `"}}`, false},
		{`{"type":"array","minItems":1000,"items":{"type":"string","pattern":"^x","examples":["` + long + `"],"minLength":99999}}`, false},
	} {
		raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
			"methods":[{"name":"m","params":[],"result":{"name":"r","schema":` + tt.schema + `}}]}`)
		d, err := docmodel.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		v, err := Generate(d, d.Methods[0].Result.Schema, "m")
		switch {
		case tt.ok && err != nil:
			t.Errorf("%.80s: %v", tt.schema, err)
		case !tt.ok && err == nil:
			t.Errorf("%.80s: Generate made %d bytes", tt.schema, len(v))
		case !tt.ok && !strings.Contains(err.Error(), "bytes"):
			t.Errorf("%.80s: error %q does not say the value is too large", tt.schema, err)
		}
	}
}

// TestGenerateBoundsPatternProperties: each property name checked against each of many
// patternProperties counts against the schemas Generate visits: 300 patterns and
// minProperties 100000 took minutes at start-up, compiling a regular expression each time.
func TestGenerateBoundsPatternProperties(t *testing.T) {
	var pp []string
	for i := range 300 {
		pp = append(pp, fmt.Sprintf(`"^p%d[a-z]*(x|y)+$": {"type": "integer"}`, i))
	}
	raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"m","params":[],"result":{"name":"r","schema":
			{"type":"object","minProperties":5000,"patternProperties":{` + strings.Join(pp, ",") + `}}}}]}`)
	d, err := docmodel.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Generate(d, d.Methods[0].Result.Schema, "m"); err == nil {
		t.Errorf("Generate made %d bytes, checking 1.5 million names against patterns", len(v))
	}
}

// TestGenerateAllOfCycle: schemas whose allOf refer to each other are refused with an
// error; merging them recursed until the stack overflowed (gigabytes, then a crash of the
// mock at start-up).
func TestGenerateAllOfCycle(t *testing.T) {
	raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"m","params":[],"result":{"name":"r","schema":{"$ref":"#/components/schemas/B"}}}],
		"components":{"schemas":{
			"B":{"type":"object","allOf":[{"$ref":"#/components/schemas/C"}]},
			"C":{"allOf":[{"$ref":"#/components/schemas/B"}]}}}}`)
	d, err := docmodel.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20)) // a recursion without end fails fast
	if _, err := Generate(d, d.Methods[0].Result.Schema, "m"); err == nil || !strings.Contains(err.Error(), "allOf") {
		t.Errorf("Generate: error %v, want one about the allOf cycle", err)
	}
	if _, err := New(raw, nil); err != nil {
		t.Errorf("New: %v", err)
	}

	// Each level's allOf names the next twice: 2^40 merges without a bound.
	var levels []string
	for i := range 40 {
		levels = append(levels, fmt.Sprintf(`"L%d":{"allOf":[{"$ref":"#/components/schemas/L%d"},{"$ref":"#/components/schemas/L%d"}]}`, i, i+1, i+1))
	}
	raw = []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"m","params":[],"result":{"name":"r","schema":{"$ref":"#/components/schemas/L0"}}}],
		"components":{"schemas":{` + strings.Join(levels, ",") + `,"L40":{"type":"integer"}}}}`)
	if d, err = docmodel.Parse(raw); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(d, d.Methods[0].Result.Schema, "m"); err == nil {
		t.Errorf("Generate merged 2^40 allOf")
	}
}
