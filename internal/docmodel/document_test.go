package docmodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// documents returns the documents the tools are tested against: the six third-party
// examples and the framework's golden documents.
func documents(t *testing.T) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	for _, glob := range []string{
		"../../e2e/testdata/open-rpc-examples/*.json",
		"../../testdata/*.openrpc.golden",
		"../../examples/*/testdata/*.openrpc.golden",
		"testdata/*.json",
	} {
		files, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[f] = b
		}
	}
	if len(out) < 12 {
		t.Fatalf("found %d documents, want the six examples and the golden documents", len(out))
	}
	return out
}

func TestParse_documents(t *testing.T) {
	for name, b := range documents(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			d, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Methods) == 0 {
				t.Fatal("no methods")
			}
			// Every schema reference of every param and result resolves.
			for _, m := range d.Methods {
				cds := append([]*ContentDescriptor{}, m.Params...)
				if m.Result != nil {
					cds = append(cds, m.Result)
				}
				for _, cd := range cds {
					if cd.Schema == nil {
						t.Fatalf("%s: %s has no schema", m.Name, cd.Name)
					}
					walk(cd.Schema, func(s *Schema) {
						if s.Ref == "" {
							return
						}
						if _, _, err := d.Resolve(s); err != nil {
							t.Errorf("%s: %v", m.Name, err)
						}
					})
				}
			}
		})
	}
}

func walk(s *Schema, f func(*Schema)) {
	seen := map[*Schema]bool{}
	var rec func(*Schema)
	rec = func(s *Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		f(s)
		for _, sub := range [][]*Schema{s.AllOf, s.AnyOf, s.OneOf, s.TupleItems,
			{s.Items, s.AdditionalItems, s.AdditionalProperties, s.Not, s.If, s.Then, s.Else, s.Contains, s.PropertyNames}} {
			for _, x := range sub {
				rec(x)
			}
		}
		for _, p := range s.Properties {
			rec(p.Schema)
		}
	}
	rec(s)
}

func TestParse_refs(t *testing.T) {
	doc := `{
	  "openrpc": "1.2.6",
	  "info": {"title": "t", "version": "1"},
	  "methods": [
	    {"$ref": "#/components/x-methods/m"},
	    {"name": "n", "params": [{"$ref": "#/components/contentDescriptors/A"}],
	     "result": {"$ref": "#/components/contentDescriptors/R"},
	     "errors": [{"$ref": "#/components/errors/E"}],
	     "examples": [{"$ref": "#/components/examplePairingObjects/P"}],
	     "paramStructure": "by-position"}
	  ],
	  "components": {
	    "x-methods": {"m": {"name": "m", "params": [], "result": {"name": "r", "schema": true}}},
	    "contentDescriptors": {
	      "A": {"name": "a b", "required": true, "schema": {"$ref": "#/components/schemas/S"}},
	      "R": {"name": "r", "schema": {"type": ["string", "null"], "exclusiveMinimum": true, "minimum": 3}}
	    },
	    "errors": {"E": {"code": 5, "message": "five"}},
	    "examplePairingObjects": {"P": {"name": "p", "params": [{"$ref": "#/components/examples/X"}], "result": {"name": "r", "value": 1}}},
	    "examples": {"X": {"name": "x", "value": [1, 2]}},
	    "schemas": {
	      "S": {"type": "object", "properties": {"z": {"type": "integer"}, "a": {"$ref": "#/components/schemas/S"}}, "items": [{"type": "string"}]}
	    }
	  }
	}`
	d, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Methods) != 2 || d.Methods[0].Name != "m" || d.Methods[0].Pointer != "/components/x-methods/m" {
		t.Fatalf("methods: %+v", d.Methods)
	}
	n := d.Methods[1]
	if n.ParamStructure != "by-position" || len(n.Params) != 1 || n.Params[0].Name != "a b" || !n.Params[0].Required {
		t.Fatalf("params: %+v", n.Params)
	}
	if n.Params[0].Pointer != "/components/contentDescriptors/A/schema" {
		t.Errorf("pointer %q", n.Params[0].Pointer)
	}
	s, ref, err := d.Resolve(n.Params[0].Schema)
	if err != nil || ref != "#/components/schemas/S" || RefName(ref) != "S" {
		t.Fatalf("resolve: %v %q", err, ref)
	}
	if len(s.Properties) != 2 || s.Properties[0].Name != "z" || s.Properties[1].Name != "a" {
		t.Errorf("property order: %+v", s.Properties)
	}
	if len(s.TupleItems) != 1 || s.Items != nil {
		t.Errorf("tuple items: %+v", s.TupleItems)
	}
	r := n.Result.Schema
	if !r.HasType("null") || r.ExclusiveMinimum == nil || *r.ExclusiveMinimum != 3 || r.Minimum != nil {
		t.Errorf("draft-04 exclusive bound: %+v", r)
	}
	if len(n.Errors) != 1 || n.Errors[0].Code != 5 {
		t.Errorf("errors: %+v", n.Errors)
	}
	if len(n.Examples) != 1 || string(n.Examples[0].Params[0].Value) != "[1, 2]" || string(n.Examples[0].Result.Value) != "1" {
		t.Errorf("examples: %+v", n.Examples)
	}
	if !d.Methods[0].Result.Schema.IsTrue() {
		t.Error("schema true is not true")
	}
}

func TestParse_errors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`[]`, "/: an OpenRPC document must be a JSON object"},
		{`{"openrpc": "1.3.2", "methods": [}`, "/: not JSON: invalid character"},
		{`{"openrpc": "1.3.2"} {}`, "/: not JSON: invalid character"},
		{`{"info": {}}`, "/openrpc: missing"},
		{`{"openrpc": "1.3.2", "methods": {}}`, "/methods: must be an array"},
		{`{"openrpc": "1.3.2", "methods": [{"params": []}]}`, "/methods/0/name: a method needs a name"},
		{`{"openrpc": "1.3.2", "methods": [{"name": "a", "params": [{"$ref": "#/nowhere"}]}]}`, `/methods/0/params/0/$ref: #/nowhere: no member "nowhere"`},
		{`{"openrpc": "1.3.2", "methods": [{"name": "a", "params": [{"$ref": "other.json#/x"}]}]}`, "references to other documents are not followed"},
		{`{"openrpc": "1.3.2", "methods": [{"name": "a", "params": [{"name": "x", "schema": 5}]}]}`, "/methods/0/params/0/schema: a schema must be an object or a boolean"},
		{`{"openrpc": "1.3.2", "methods": [{"name": "a", "paramStructure": "sideways"}]}`, "/methods/0/paramStructure"},
		{`{"openrpc": "1.3.2", "methods": [{"$ref": "#/methods/0"}]}`, "a chain of more than"},
	} {
		_, err := Parse([]byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.doc, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, b := range []string{`{"openrpc":"1","methods":[{"name":"a","params":[{"name":"x","schema":{"$ref":"#/methods"}}]}]}`} {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(b)
		if err != nil {
			return
		}
		for _, m := range d.Methods {
			for _, p := range m.Params {
				d.Resolve(p.Schema)
			}
		}
		_ = json.Valid(b)
	})
}

// TestParseDeepSchemaMemory parses a large value at the bottom of nested schemas: the
// bytes allocated do not grow with the nesting, as they would with one copy of the value
// per level.
func TestParseDeepSchemaMemory(t *testing.T) {
	parse := func(depth int) uint64 {
		var b strings.Builder
		b.WriteString(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [{"name": "m", "params": [{"name": "p", "schema": `)
		b.WriteString(strings.Repeat(`{"items": `, depth))
		b.WriteString(`{"enum": [`)
		for i := range 50000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"%07d"`, i)
		}
		b.WriteString(`]}`)
		b.WriteString(strings.Repeat(`}`, depth))
		b.WriteString(`}], "result": {"name": "r", "schema": true}}]}`)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d, err := Parse([]byte(b.String()))
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		s := d.Methods[0].Params[0].Schema
		for range depth {
			s = s.Items
		}
		if len(s.Enum) != 50000 {
			t.Fatalf("enum of %d values, want 50000", len(s.Enum))
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	if shallow, deep := parse(1), parse(60); deep > 2*shallow {
		t.Errorf("the value 1 schema deep: %d bytes allocated; 60 deep: %d bytes", shallow, deep)
	}
}

// FuzzDecodeObject compares decodeObject with encoding/json on valid JSON objects: the
// same members, in the same order, with the same values.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{}`, ` { "a" : 1 , "b\"c": "x\\\"}" , "d": [1, {"e": "]"}], "f": null } `, `{"a": {"b": {"c": []}}}`, `{"\u00e9": true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want map[string]json.RawMessage
		if !json.Valid(b) || json.Unmarshal(b, &want) != nil || want == nil {
			return // not an object (null decodes into a map as nil)
		}
		got, err := decodeObject(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		seen := map[string]json.RawMessage{}
		for _, m := range got {
			if !json.Valid(m.value) {
				t.Fatalf("%s: member %q: %s is not JSON", b, m.name, m.value)
			}
			seen[m.name] = m.value
		}
		if len(seen) != len(want) {
			t.Fatalf("%s: %d members, want %d", b, len(seen), len(want))
		}
		for k, v := range want {
			if !bytes.Equal(bytes.TrimSpace(v), seen[k]) {
				t.Fatalf("%s: member %q is %s, want %s", b, k, seen[k], v)
			}
		}
	})
}

func TestTightenBounds(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	n := func(v int) *int { return &v }
	s := &Schema{Minimum: f(1), Maximum: f(10), MaxLength: n(5), MultipleOf: f(2)}
	s.TightenBounds(&Schema{Minimum: f(3), Maximum: f(20), MinLength: n(2), MaxLength: n(4), MultipleOf: f(3)})
	if *s.Minimum != 3 || *s.Maximum != 10 || *s.MinLength != 2 || *s.MaxLength != 4 || *s.MultipleOf != 2 || s.MaxItems != nil {
		t.Errorf("got minimum %v maximum %v minLength %v maxLength %v multipleOf %v maxItems %v; want 3 10 2 4 2 nil",
			*s.Minimum, *s.Maximum, *s.MinLength, *s.MaxLength, *s.MultipleOf, s.MaxItems)
	}
}
