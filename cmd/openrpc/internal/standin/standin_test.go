package standin_test

import (
	"testing"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/schemacheck"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/standin"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// TestOf: the default when the schema accepts it (compact), else null when the schema
// accepts it, else none; a schema that cannot be compiled takes its default as it is, and
// null as the caller says.
func TestOf(t *testing.T) {
	raw := []byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
		{"name": "m", "paramStructure": "by-position", "params": [
			{"name": "limit", "schema": {"type": "integer", "default": 10}},
			{"name": "where", "schema": {"type": "object", "default": { "a" : [1, 2] }}},
			{"name": "cursor", "schema": {"type": ["string", "null"]}},
			{"name": "order", "schema": {"type": "string"}},
			{"name": "bad", "schema": {"type": "integer", "default": "ten"}},
			{"name": "badNull", "schema": {"type": ["integer", "null"], "default": "ten"}},
			{"name": "ref", "schema": {"$ref": "#/components/schemas/Size"}},
			{"name": "far", "schema": {"$ref": "https://example.com/x.json"}},
			{"name": "last", "schema": {"type": "string"}}]}],
		"components": {"schemas": {"Size": {"type": "integer", "default": 3}}}}`)
	doc, err := docmodel.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	check, err := schemacheck.New(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		kind       standin.Kind
		value      string
		badDefault bool
		note       string
	}{
		{standin.Default, `10`, false, ""},
		{standin.Default, `{"a":[1,2]}`, false, ""},
		{standin.Null, `null`, false, ""},
		{standin.None, ``, false, ""},
		{standin.None, ``, true, `the default of param "bad" is no value of its schema: the client refuses a call leaving it unset before a set param`},
		{standin.Null, `null`, true, `the default of param "badNull" is no value of its schema: a call leaving it unset before a set param sends null`},
		{standin.Default, `3`, false, ""},
		{standin.Null, `null`, false, ""}, // not compiled: null as nullable says
	} {
		p := doc.Methods[0].Params[i]
		s, _ := check.Compile(p.Pointer)
		if (s == nil) != (p.Name == "far") {
			t.Fatalf("%s: compiled %v", p.Name, s != nil)
		}
		got := standin.Of(doc, p, s, true)
		if got.Kind != want.kind || string(got.Value) != want.value || got.BadDefault != want.badDefault || got.Note(p.Name) != want.note {
			t.Errorf("%s: got %+v (%s), note %q; want %+v", p.Name, got, got.Value, got.Note(p.Name), want)
		}
	}
	if got := standin.Of(doc, doc.Methods[0].Params[7], nil, false); got.Kind != standin.None {
		t.Errorf("far, not nullable: got %+v, want none", got)
	}
}
