package compat

import (
	"fmt"
	"strings"
	"testing"
)

// TestAllOfMerged compares schemas written as an allOf of parts with the same schemas
// written flat: no change either way, as params and as results.
func TestAllOfMerged(t *testing.T) {
	schemas := `"Base": {"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}}, "required": ["id"]},
		"Closed": {"type": "object", "additionalProperties": false, "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}}},
		"Name": {"type": "string", "maxLength": 64},
		"List": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"next": {"$ref": "#/components/schemas/List"}}}]}`
	for _, tt := range []struct{ name, allOf, flat string }{
		{"base and extension",
			`{"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"extra": {"type": "string"}}, "required": ["extra"]}]}`,
			`{"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}, "extra": {"type": "string"}}, "required": ["id", "extra"]}`},
		{"nested allOf, keywords beside, nullable member",
			`{"title": "Record", "allOf": [{"$ref": "#/components/schemas/Base"}, {"allOf": [{"type": "object", "properties": {"extra": {"type": "string", "nullable": true}}, "required": ["extra"]}]},
			  {"properties": {"when": {"type": "string", "format": "date-time"}}}], "required": ["kind"]}`,
			`{"type": "object", "required": ["id", "kind", "extra"], "properties": {"id": {"type": "integer"}, "kind": {"type": "string"},
			  "extra": {"type": ["string", "null"]}, "when": {"type": "string", "format": "date-time"}}}`},
		{"a member in two parts",
			`{"allOf": [{"type": "object", "properties": {"a": {"type": "string", "maxLength": 10}}}, {"properties": {"a": {"minLength": 1, "maxLength": 20}}, "required": ["a"]}]}`,
			`{"type": "object", "properties": {"a": {"type": "string", "minLength": 1, "maxLength": 10}}, "required": ["a"]}`},
		{"closed part naming every member",
			`{"allOf": [{"$ref": "#/components/schemas/Closed"}, {"required": ["kind"], "properties": {"id": {"minimum": 1}}}]}`,
			`{"type": "object", "additionalProperties": false, "required": ["kind"], "properties": {"id": {"type": "integer", "minimum": 1}, "kind": {"type": "string"}}}`},
		{"tightest bounds, types and enums",
			`{"allOf": [{"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 2}, {"type": ["integer", "null"], "minimum": 10, "multipleOf": 4}, {"enum": [12, 16, 20, "x"]}, {"enum": [16, 20, 24]}]}`,
			`{"type": "integer", "minimum": 10, "maximum": 100, "multipleOf": 4, "enum": [16, 20]}`},
		{"$ref with keywords",
			`{"allOf": [{"$ref": "#/components/schemas/Name"}], "description": "d", "minLength": 3, "maxLength": 100}`,
			`{"type": "string", "minLength": 3, "maxLength": 64}`},
		{"$ref with keywords that do not merge: the keywords win",
			`{"allOf": [{"$ref": "#/components/schemas/Name"}], "type": "integer"}`,
			`{"type": "integer", "maxLength": 64}`},
		{"nullable beside allOf",
			`{"allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["kind"]}], "nullable": true}`,
			`{"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}}, "required": ["id", "kind"]}`},
		{"recursive",
			`{"$ref": "#/components/schemas/List"}`,
			`{"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}, "next": {"$ref": "#/methods/0/result/schema"}}, "required": ["id"]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := doc(t, method(param("p", true, tt.allOf), tt.allOf), schemas)
			f := doc(t, method(param("p", true, tt.flat), tt.flat), schemas)
			if c := Compare(a, f); len(c) > 0 {
				t.Errorf("allOf to flat:\n%s", Report(c))
			}
			if c := Compare(f, a); len(c) > 0 {
				t.Errorf("flat to allOf:\n%s", Report(c))
			}
		})
	}
}

// TestAllOfChanges changes a part of an allOf: the change is found at the member it
// changes, breaking as the same change to a flat schema.
func TestAllOfChanges(t *testing.T) {
	base := `"Base": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}`
	record := func(extra string) string {
		return `{"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"extra": {"type": "string"}}` + extra + `}]}`
	}
	for _, tt := range []struct {
		name                   string
		old, new               string // methods
		oldSchemas, newSchemas string
		want                   string
	}{
		{name: "param member now required in a part",
			old: method(param("a", true, record("")), "true"), new: method(param("a", true, record(`, "required": ["extra"]`)), "true"),
			oldSchemas: base, newSchemas: base,
			want: "Breaking changes (1):\n  m/params/a/properties/extra: member now required\n"},
		{name: "result member type changed in a part",
			old: method("", record("")), new: method("", record("")),
			oldSchemas: base, newSchemas: strings.Replace(base, `"integer"`, `"string"`, 1),
			want: "Breaking changes (1):\n  m/result/properties/id: type changed from integer to string\n"},
		{name: "result member now optional in a part",
			old: method("", record(`, "required": ["extra"]`)), new: method("", record("")),
			oldSchemas: base, newSchemas: base,
			want: "Breaking changes (1):\n  m/result/properties/extra: member now optional\n"},
		{name: "flat result to allOf with a member more",
			old: method("", `{"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}`), new: method("", record("")),
			oldSchemas: base, newSchemas: base,
			want: "Non-breaking changes (1):\n  m/result/properties/extra: optional member added\n"},
		{name: "a member more beside a closed part is refused",
			old:        method(param("a", true, `{"type": "object", "additionalProperties": false, "properties": {"id": {"type": "integer"}, "extra": {"type": "string"}}}`), "true"),
			new:        method(param("a", true, `{"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"extra": {"type": "string"}}}]}`), "true"),
			oldSchemas: base, newSchemas: strings.Replace(base, `"type": "object",`, `"type": "object", "additionalProperties": false,`, 1),
			want: "Breaking changes (2):\n  m/params/a/properties/extra: schema is false\n  m/params/a/properties/id: member now required\n"},
		{name: "parts that do not merge are compared as written",
			old:  method(param("a", true, `{"allOf": [{"type": "string"}, {"type": "integer"}]}`), "true"),
			new:  method(param("a", true, `{"allOf": [{"type": "string"}, {"type": "integer", "minimum": 1}]}`), "true"),
			want: "Breaking changes (1):\n  m/params/a/allOf/1: minimum 1 added\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Report(Compare(doc(t, tt.old, tt.oldSchemas), doc(t, tt.new, tt.newSchemas)))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestAllOfRecursive compares schemas whose allOf parts refer to themselves, directly
// (such an allOf is compared as written) or through members several parts name: the
// comparison ends, and finds a change deep inside.
func TestAllOfRecursive(t *testing.T) {
	schemas := func(max int) string {
		return fmt.Sprintf(`"A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"x": {"$ref": "#/components/schemas/A"}, "n": {"type": "integer", "maximum": %d}}}]},
			"B": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/B"}, "y": {"$ref": "#/components/schemas/A"}}},
			"C": {"allOf": [{"$ref": "#/components/schemas/D"}, {"properties": {"x": {"$ref": "#/components/schemas/C"}}}]},
			"D": {"allOf": [{"$ref": "#/components/schemas/C"}, {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/D"}}}]},
			"S": {"allOf": [{"$ref": "#/components/schemas/S"}, {"$ref": "#/components/schemas/S"}], "minimum": 1}`, max)
	}
	m := method(param("a", true, `{"$ref": "#/components/schemas/A"}`)+","+param("c", true, `{"$ref": "#/components/schemas/C"}`)+","+
		param("s", true, `{"$ref": "#/components/schemas/S"}`), `{"type": "array", "items": {"$ref": "#/components/schemas/B"}}`)
	old, new := doc(t, m, schemas(10)), doc(t, m, schemas(5))
	if c := Compare(old, old); len(c) > 0 {
		t.Errorf("compared with itself:\n%s", Report(c))
	}
	got := Report(Compare(old, new))
	// Each pair of schemas is compared once, at the first path that reaches it: x, the
	// first member, is A again (the allOf of B's x and A's, merged).
	want := `Breaking changes (1):
  m/params/a/properties/x/properties/n: maximum lowered from 10 to 5
Non-breaking changes (1):
  m/result/items/properties/y/properties/x/properties/n: maximum lowered from 10 to 5
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
