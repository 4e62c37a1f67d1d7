package compat

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// doc builds a document of the given methods (JSON objects, comma-separated) and schemas
// (members of components.schemas).
func doc(t testing.TB, methods, schemas string) *docmodel.Document {
	t.Helper()
	d, err := docmodel.Parse([]byte(fmt.Sprintf(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"},
		"methods": [%s], "components": {"schemas": {%s}}}`, methods, schemas)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// method is a method m with the given params (JSON, comma-separated) and result schema.
func method(params, result string) string {
	return fmt.Sprintf(`{"name": "m", "params": [%s], "result": {"name": "r", "schema": %s}}`, params, result)
}

func param(name string, required bool, schema string) string {
	return fmt.Sprintf(`{"name": %q, "required": %v, "schema": %s}`, name, required, schema)
}

// TestRules checks each rule both ways: from old to new the change is found with the
// breaking flag wantBreaking, and from new to old the reverse change with reverseBreaking.
func TestRules(t *testing.T) {
	str := `{"type": "string"}`
	for _, tt := range []struct {
		name                          string
		old, new                      string // methods
		schemas                       string
		want                          string // a part of the change's text
		wantBreaking, reverseBreaking bool
	}{
		{name: "method removed", old: method("", str) + `, {"name": "n", "params": [], "result": {"name": "r", "schema": true}}`, new: method("", str),
			want: "n: method removed", wantBreaking: true, reverseBreaking: false},
		{name: "param removed", old: method(param("a", true, str)+","+param("b", false, str), str), new: method(param("a", true, str), str),
			want: "m/params/b: param removed", wantBreaking: true, reverseBreaking: false},
		{name: "param renamed", old: method(param("a", true, str), str), new: method(param("b", true, str), str),
			want: "m/params/a: param removed", wantBreaking: true, reverseBreaking: true},
		{name: "required param added", old: method(param("a", true, str), str), new: method(param("a", true, str)+","+param("b", true, str), str),
			want: "m/params/b: required param added", wantBreaking: true, reverseBreaking: true},
		{name: "optional param added", old: method(param("a", true, str), str), new: method(param("a", true, str)+","+param("b", false, str), str),
			want: "m/params/b: optional param added", wantBreaking: false, reverseBreaking: true},
		{name: "param made required", old: method(param("a", false, str), str), new: method(param("a", true, str), str),
			want: "m/params/a: param now required", wantBreaking: true, reverseBreaking: false},
		{name: "params swapped", old: method(param("a", true, str)+","+param("b", true, str), str), new: method(param("b", true, str)+","+param("a", true, str), str),
			want: "m/params/a: param moved from position 0 to 1", wantBreaking: true, reverseBreaking: true},
		{name: "params swapped by-name",
			old:  `{"name": "m", "paramStructure": "by-name", "params": [` + param("a", true, str) + "," + param("b", true, str) + `]}`,
			new:  `{"name": "m", "paramStructure": "by-name", "params": [` + param("b", true, str) + "," + param("a", true, str) + `]}`,
			want: "m/params/a: param moved from position 0 to 1", wantBreaking: false, reverseBreaking: false},
		{name: "either to by-name", old: `{"name": "m", "params": []}`, new: `{"name": "m", "paramStructure": "by-name", "params": []}`,
			want: "m: paramStructure changed from either to by-name", wantBreaking: true, reverseBreaking: false},
		{name: "by-name to by-position", old: `{"name": "m", "paramStructure": "by-name", "params": []}`, new: `{"name": "m", "paramStructure": "by-position", "params": []}`,
			want: "m: paramStructure changed from by-name to by-position", wantBreaking: true, reverseBreaking: true},
		{name: "param enum narrowed", old: method(param("a", true, `{"enum": ["x", "y"]}`), str), new: method(param("a", true, `{"enum": ["x"]}`), str),
			want: `m/params/a: enum values removed: "y"`, wantBreaking: true, reverseBreaking: false},
		{name: "result enum widened", old: method("", `{"enum": ["x"]}`), new: method("", `{"enum": ["x", "y"]}`),
			want: `m/result: enum values added: "y"`, wantBreaking: true, reverseBreaking: false},
		{name: "param enum added", old: method(param("a", true, str), str), new: method(param("a", true, `{"type": "string", "enum": ["x"]}`), str),
			want: `m/params/a: enum added: "x"`, wantBreaking: true, reverseBreaking: false},
		{name: "param const", old: method(param("a", true, `{"const": 1}`), str), new: method(param("a", true, `{"const": 2}`), str),
			want: `m/params/a: enum values removed: 1`, wantBreaking: true, reverseBreaking: true},
		{name: "minimum raised", old: method(param("a", true, `{"type": "integer", "minimum": 1}`), str), new: method(param("a", true, `{"type": "integer", "minimum": 2}`), str),
			want: "m/params/a: minimum raised from 1 to 2", wantBreaking: true, reverseBreaking: false},
		{name: "maximum lowered", old: method(param("a", true, `{"type": "integer", "maximum": 10}`), str), new: method(param("a", true, `{"type": "integer", "maximum": 9}`), str),
			want: "m/params/a: maximum lowered from 10 to 9", wantBreaking: true, reverseBreaking: false},
		{name: "maximum added", old: method(param("a", true, `{"type": "integer"}`), str), new: method(param("a", true, `{"type": "integer", "maximum": 9}`), str),
			want: "m/params/a: maximum 9 added", wantBreaking: true, reverseBreaking: false},
		{name: "exclusiveMinimum draft-04", old: method(param("a", true, `{"type": "number", "minimum": 0}`), str), new: method(param("a", true, `{"type": "number", "minimum": 0, "exclusiveMinimum": true}`), str),
			want: "m/params/a: exclusiveMinimum 0 added", wantBreaking: true, reverseBreaking: true},
		{name: "maxLength lowered", old: method(param("a", true, `{"type": "string", "maxLength": 10}`), str), new: method(param("a", true, `{"type": "string", "maxLength": 5}`), str),
			want: "m/params/a: maxLength lowered from 10 to 5", wantBreaking: true, reverseBreaking: false},
		{name: "minLength raised", old: method(param("a", true, `{"type": "string", "minLength": 1}`), str), new: method(param("a", true, `{"type": "string", "minLength": 8}`), str),
			want: "m/params/a: minLength raised from 1 to 8", wantBreaking: true, reverseBreaking: false},
		{name: "pattern changed", old: method(param("a", true, `{"type": "string", "pattern": "^a"}`), str), new: method(param("a", true, `{"type": "string", "pattern": "^b"}`), str),
			want: `m/params/a: pattern changed from "^a" to "^b"`, wantBreaking: true, reverseBreaking: true},
		{name: "pattern added", old: method(param("a", true, str), str), new: method(param("a", true, `{"type": "string", "pattern": "^b"}`), str),
			want: `m/params/a: pattern "^b" added`, wantBreaking: true, reverseBreaking: false},
		{name: "maxItems lowered", old: method(param("a", true, `{"type": "array", "maxItems": 3}`), str), new: method(param("a", true, `{"type": "array", "maxItems": 2}`), str),
			want: "m/params/a: maxItems lowered from 3 to 2", wantBreaking: true, reverseBreaking: false},
		{name: "items tighter", old: method(param("a", true, `{"type": "array", "items": {"type": "number"}}`), str), new: method(param("a", true, `{"type": "array", "items": {"type": "integer"}}`), str),
			want: "m/params/a/items: type changed from number to integer", wantBreaking: true, reverseBreaking: false},
		{name: "multipleOf", old: method(param("a", true, `{"type": "number", "multipleOf": 2}`), str), new: method(param("a", true, `{"type": "number", "multipleOf": 4}`), str),
			want: "m/params/a: multipleOf changed from 2 to 4", wantBreaking: true, reverseBreaking: false},
		{name: "uniqueItems", old: method(param("a", true, `{"type": "array"}`), str), new: method(param("a", true, `{"type": "array", "uniqueItems": true}`), str),
			want: "m/params/a: uniqueItems added", wantBreaking: true, reverseBreaking: false},
		{name: "param type changed", old: method(param("a", true, str), str), new: method(param("a", true, `{"type": "integer"}`), str),
			want: "m/params/a: type changed from string to integer", wantBreaking: true, reverseBreaking: true},
		{name: "result type changed", old: method("", str), new: method("", `{"type": "integer"}`),
			want: "m/result: type changed from string to integer", wantBreaking: true, reverseBreaking: true},
		{name: "result nullable", old: method("", str), new: method("", `{"type": ["string", "null"]}`),
			want: "m/result: now nullable", wantBreaking: true, reverseBreaking: false},
		{name: "result nullable keyword", old: method("", str), new: method("", `{"type": "string", "nullable": true}`),
			want: "m/result: now nullable", wantBreaking: true, reverseBreaking: false},
		{name: "param nullable", old: method(param("a", true, str), str), new: method(param("a", true, `{"type": ["string", "null"]}`), str),
			want: "m/params/a: now nullable", wantBreaking: false, reverseBreaking: true},
		{name: "result member removed",
			old:  method("", `{"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}`),
			new:  method("", `{"type": "object", "properties": {"id": {"type": "integer"}}}`),
			want: "m/result/properties/name: result member removed", wantBreaking: true, reverseBreaking: false},
		{name: "result member now optional",
			old:  method("", `{"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}`),
			new:  method("", `{"type": "object", "properties": {"id": {"type": "integer"}}}`),
			want: "m/result/properties/id: member now optional", wantBreaking: true, reverseBreaking: false},
		{name: "param member now required",
			old:  method(param("a", true, `{"type": "object", "properties": {"id": {"type": "integer"}}}`), str),
			new:  method(param("a", true, `{"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}`), str),
			want: "m/params/a/properties/id: member now required", wantBreaking: true, reverseBreaking: false},
		{name: "param member removed from closed object",
			old:  method(param("a", true, `{"type": "object", "additionalProperties": false, "properties": {"id": {"type": "integer"}, "x": {}}}`), str),
			new:  method(param("a", true, `{"type": "object", "additionalProperties": false, "properties": {"id": {"type": "integer"}}}`), str),
			want: "m/params/a/properties/x: member removed, and additionalProperties is false", wantBreaking: true, reverseBreaking: false},
		{name: "additionalProperties false",
			old:  method(param("a", true, `{"type": "object"}`), str),
			new:  method(param("a", true, `{"type": "object", "additionalProperties": false}`), str),
			want: "m/params/a: additionalProperties now false", wantBreaking: true, reverseBreaking: false},
		{name: "result anyOf branch added",
			old:  method("", `{"anyOf": [{"type": "string"}, {"type": "integer"}]}`),
			new:  method("", `{"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}`),
			want: "m/result: anyOf: 1 schemas added", wantBreaking: true, reverseBreaking: false},
		{name: "param anyOf added",
			old:  method(param("a", true, str), str),
			new:  method(param("a", true, `{"type": "string", "anyOf": [{"maxLength": 3}, {"pattern": "^x"}]}`), str),
			want: "m/params/a: anyOf: 2 schemas added", wantBreaking: true, reverseBreaking: false},
		{name: "result oneOf added",
			old:  method("", `{"type": "object"}`),
			new:  method("", `{"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}`),
			want: "m/result: oneOf: 2 schemas added", wantBreaking: false, reverseBreaking: true},
		{name: "contains tighter", old: method(param("a", true, `{"type": "array", "contains": {"type": "number"}}`), str), new: method(param("a", true, `{"type": "array", "contains": {"type": "integer"}}`), str),
			want: "m/params/a/contains: type changed from number to integer", wantBreaking: true, reverseBreaking: false},
		{name: "pattern property added", old: method(param("a", true, `{"type": "object"}`), str), new: method(param("a", true, `{"type": "object", "patternProperties": {"^x-": {"type": "string"}}}`), str),
			want: "m/params/a/patternProperties/^x-: pattern property added", wantBreaking: true, reverseBreaking: false},
		{name: "propertyNames", old: method(param("a", true, `{"type": "object"}`), str), new: method(param("a", true, `{"type": "object", "propertyNames": {"maxLength": 3}}`), str),
			want: "m/params/a/propertyNames: schema constrained", wantBreaking: true, reverseBreaking: false},
		{name: "if changed", old: method(param("a", true, `{"if": {"type": "string"}, "then": {"minLength": 1}}`), str), new: method(param("a", true, `{"if": {"type": "string"}, "then": {"minLength": 2}}`), str),
			want: "m/params/a/then: then changed", wantBreaking: true, reverseBreaking: true},
		{name: "not loosened", old: method(param("a", true, `{"not": {"type": "string"}}`), str), new: method(param("a", true, `{"not": {"type": "string", "minLength": 1}}`), str),
			want: "m/params/a/not: minLength 1 added", wantBreaking: false, reverseBreaking: true},
		{name: "result oneOf null", old: method("", `{"$ref": "#/components/schemas/A"}`), new: method("", `{"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}`),
			schemas: `"A": {"type": "object"}`,
			want:    "m/result: now nullable: type changed from object to null|object", wantBreaking: true, reverseBreaking: false},
		{name: "result removed", old: method("", str), new: `{"name": "m", "params": []}`,
			want: "m/result: result removed", wantBreaking: true, reverseBreaking: false},
		{name: "deprecated", old: method("", str), new: `{"name": "m", "deprecated": true, "params": [], "result": {"name": "r", "schema": {"type": "string"}}}`,
			want: "m: method deprecated", wantBreaking: false, reverseBreaking: false},
		{name: "security added", old: method("", str), new: `{"name": "m", "x-security": {"Bearer": []}, "params": [], "result": {"name": "r", "schema": {"type": "string"}}}`,
			want: "m: security requirement added: Bearer[]", wantBreaking: true, reverseBreaking: false},
		{name: "scope required",
			old:  `{"name": "m", "x-security": {"Bearer": []}, "params": []}`,
			new:  `{"name": "m", "x-security": {"Bearer": ["admin"]}, "params": []}`,
			want: "m: security requirement changed from Bearer[] to Bearer[admin]", wantBreaking: true, reverseBreaking: false},
		{name: "became a subscription", old: `{"name": "m", "params": []}`, new: `{"name": "m", "x-subscription": true, "params": []}`,
			want: "m: x-subscription changed from false to true", wantBreaking: true, reverseBreaking: true},
		{name: "subscription event widened",
			old:  `{"name": "m", "x-subscription": {"event": {"type": "integer"}, "unsubscribe": "u"}, "params": []}`,
			new:  `{"name": "m", "x-subscription": {"event": {"type": ["integer", "null"]}, "unsubscribe": "u"}, "params": []}`,
			want: "m/x-subscription/event: now nullable", wantBreaking: true, reverseBreaking: false},
		{name: "subscription event member removed",
			old:     `{"name": "m", "x-subscription": {"event": {"$ref": "#/components/schemas/E"}}, "params": []}`,
			new:     `{"name": "m", "x-subscription": {"event": {"type": "object"}}, "params": []}`,
			schemas: `"E": {"type": "object", "properties": {"n": {"type": "integer"}}}`,
			want:    "m/x-subscription/event/properties/n: result member removed", wantBreaking: true, reverseBreaking: false},
		{name: "unsubscribe renamed",
			old:  `{"name": "m", "x-subscription": {"unsubscribe": "u"}, "params": []}`,
			new:  `{"name": "m", "x-subscription": {"unsubscribe": "stop"}, "params": []}`,
			want: `m: x-subscription's unsubscribe method changed from "u" to "stop"`, wantBreaking: true, reverseBreaking: true},
		{name: "component schema tightened",
			old:     method(param("a", true, `{"$ref": "#/components/schemas/A"}`), str),
			new:     method(param("a", true, `{"$ref": "#/components/schemas/B"}`), str),
			schemas: `"A": {"type": "object", "properties": {"n": {"type": "integer"}}}, "B": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}}`,
			want:    "m/params/a/properties/n: minimum 0 added", wantBreaking: true, reverseBreaking: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			old, new := doc(t, tt.old, tt.schemas), doc(t, tt.new, tt.schemas)
			check := func(changes []Change, want string, breaking bool) {
				t.Helper()
				if want != "" {
					for _, c := range changes {
						if strings.HasPrefix(c.String(), want) {
							if c.Breaking != breaking {
								t.Errorf("%s: breaking %v, want %v", c, c.Breaking, breaking)
							}
							return
						}
					}
					t.Errorf("no change %q in\n%s", want, Report(changes))
				}
				if got := len(Breaking(changes)) > 0; got != breaking {
					t.Errorf("breaking changes %v, want %v:\n%s", got, breaking, Report(changes))
				}
			}
			check(Compare(old, new), tt.want, tt.wantBreaking)
			check(Compare(new, old), "", tt.reverseBreaking)
			if c := Compare(old, old); len(c) != 0 {
				t.Errorf("a document compared with itself:\n%s", Report(c))
			}
		})
	}
}

// TestBranchOrder reorders the branches of anyOf, oneOf and allOf, which does not change
// what a schema accepts: no change either way; a branch changed among reordered ones is
// still found.
func TestBranchOrder(t *testing.T) {
	schemas := `"A": {"type": "object", "properties": {"x": {"type": "string"}}}, "B": {"type": "object", "properties": {"y": {"type": "integer"}}}`
	old := doc(t, method(param("a", true, `{"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}`),
		`{"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}`), schemas)
	new := doc(t, method(param("a", true, `{"anyOf": [{"type": "boolean"}, {"type": "integer"}, {"type": "string"}]}`),
		`{"oneOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}]}`), schemas)
	for _, c := range [][]Change{Compare(old, new), Compare(new, old)} {
		if len(c) != 0 {
			t.Errorf("branches reordered:\n%s", Report(c))
		}
	}
	changed := doc(t, method(param("a", true, `{"anyOf": [{"type": "boolean"}, {"type": "integer", "minimum": 0}, {"type": "string"}]}`),
		`{"oneOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}]}`), schemas)
	got := Report(Compare(old, changed))
	if want := "Breaking changes (1):\n  m/params/a/anyOf/1: minimum 0 added\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestEquivalentDocuments compares documents that differ only in the names and layout of
// their components, the order of members, descriptions and examples: no change either way.
func TestEquivalentDocuments(t *testing.T) {
	a := `{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
		{"name": "list", "params": [{"$ref": "#/components/contentDescriptors/Limit"}],
		 "result": {"name": "r", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
		 "examples": [{"name": "e", "params": [{"name": "limit", "value": 1}], "result": {"name": "r", "value": []}}]}],
		"components": {
		 "contentDescriptors": {"Limit": {"name": "limit", "required": true, "description": "How many.", "schema": {"type": "integer", "minimum": 1}}},
		 "schemas": {"Node": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}}}`
	b := `{"info": {"version": "1", "title": "t"}, "openrpc": "1.3.0", "methods": [
		{"result": {"schema": {"items": {"allOf": [{"$ref": "#/components/schemas/TreeNode"}]}, "type": "array"}, "name": "nodes", "summary": "The nodes."},
		 "name": "list", "description": "Lists.",
		 "params": [{"schema": {"minimum": 1, "type": "integer", "description": "At least one."}, "required": true, "name": "limit"}]}],
		"components": {"schemas": {
		 "TreeNode": {"title": "Node", "properties": {"children": {"items": {"$ref": "#/components/schemas/TreeNode"}, "type": "array"}, "id": {"type": "integer", "examples": [7]}}, "required": ["id"], "type": "object"}}}}`
	da, err := docmodel.Parse([]byte(a))
	if err != nil {
		t.Fatal(err)
	}
	db, err := docmodel.Parse([]byte(b))
	if err != nil {
		t.Fatal(err)
	}
	if c := Compare(da, db); len(c) > 0 {
		t.Errorf("a to b:\n%s", Report(c))
	}
	if c := Compare(db, da); len(c) > 0 {
		t.Errorf("b to a:\n%s", Report(c))
	}
}

// TestAllOfWithKeywords reads {"allOf": [{"$ref": A}], keywords}, the framework's way to
// write keywords beside a $ref, as A with the keywords.
func TestAllOfWithKeywords(t *testing.T) {
	schemas := `"Name": {"type": "string", "maxLength": 64}`
	wrapped := doc(t, method(param("a", true, `{"allOf": [{"$ref": "#/components/schemas/Name"}], "description": "d", "minLength": 3}`), `true`), schemas)
	inline := doc(t, method(param("a", true, `{"type": "string", "minLength": 3, "maxLength": 64}`), `true`), schemas)
	if c := Compare(wrapped, inline); len(c) > 0 {
		t.Errorf("wrapped to inline:\n%s", Report(c))
	}
	if c := Compare(inline, wrapped); len(c) > 0 {
		t.Errorf("inline to wrapped:\n%s", Report(c))
	}
	tighter := doc(t, method(param("a", true, `{"type": "string", "minLength": 4, "maxLength": 64}`), `true`), schemas)
	if got := Report(Compare(wrapped, tighter)); got != "Breaking changes (1):\n  m/params/a: minLength raised from 3 to 4\n" {
		t.Errorf("got %s", got)
	}
	self := doc(t, method(param("a", true, `{"$ref": "#/components/schemas/S"}`), `true`), `"S": {"allOf": [{"$ref": "#/components/schemas/S"}], "minimum": 1}`)
	Compare(self, self) // ends
}

// TestRecursiveSchemas compares mutually recursive schemas that differ deep inside.
func TestRecursiveSchemas(t *testing.T) {
	schemas := func(max int) string {
		return fmt.Sprintf(`"A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
			"B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}, "n": {"type": "integer", "maximum": %d}}}`, max)
	}
	m := method(param("a", true, `{"$ref": "#/components/schemas/A"}`), `{"$ref": "#/components/schemas/B"}`)
	changes := Compare(doc(t, m, schemas(10)), doc(t, m, schemas(5)))
	got := Report(changes)
	for _, want := range []string{
		"m/params/a/properties/b/properties/n: maximum lowered from 10 to 5",
		"m/result/properties/n: maximum lowered from 10 to 5",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	if len(Breaking(changes)) != 1 {
		t.Errorf("want one breaking change (the param's):\n%s", got)
	}
}

func TestReport(t *testing.T) {
	old := doc(t, method(param("a", false, `{"type": "string"}`), `{"type": "string"}`), "")
	new := doc(t, `{"name": "m", "deprecated": true, "params": [`+param("a", true, `{"type": "string"}`)+`], "result": {"name": "r", "schema": {"type": "string"}}},
		{"name": "n", "params": []}`, "")
	want := `Breaking changes (1):
  m/params/a: param now required
Non-breaking changes (2):
  m: method deprecated
  n: method added
`
	if got := Report(Compare(old, new)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// FuzzCompare compares garbage documents: never a panic or a hang.
func FuzzCompare(f *testing.F) {
	f.Add([]byte(`{"openrpc": "1.3.2", "methods": [{"name": "m", "params": [{"name": "a", "schema": {"$ref": "#/components/schemas/A"}}]}], "components": {"schemas": {"A": {"items": {"$ref": "#/components/schemas/A"}}}}}`),
		[]byte(`{"openrpc": "1.3.2", "methods": [{"name": "m", "params": [{"name": "a", "schema": {"$ref": "#"}}], "result": {"name": "r", "schema": {"not": {"$ref": "#/methods"}}}}]}`))
	f.Add([]byte(`{"openrpc": "1", "methods": [{"name": "m", "x-security": [{"a": ["b"]}], "params": [{"name": "a", "schema": {"anyOf": [{"$ref": "#/methods/0/params/0/schema"}]}}]}]}`),
		[]byte(`{"openrpc": "1", "methods": [{"name": "m", "x-security": 5, "params": [{"name": "a", "schema": {"oneOf": [{"enum": [1, "x", null]}, true, false]}}]}]}`))
	f.Add([]byte(`{"openrpc": "1", "methods": [{"name": "m", "params": [{"name": "a", "schema": {"$ref": "#/components/schemas/A"}}]}], "components": {"schemas": {
			"A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"x": {"$ref": "#/components/schemas/A"}}, "additionalProperties": false}]},
			"B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {"x": {"allOf": [{"$ref": "#/components/schemas/B"}, {"minimum": 1}]}}}]}}}}`),
		[]byte(`{"openrpc": "1", "methods": [{"name": "m", "params": [{"name": "a", "schema": {"allOf": [{"items": {"$ref": "#/methods/0/params/0/schema"}}, {"items": {"allOf": [{"$ref": "#/methods/0/params/0/schema"}, {"type": "array"}]}, "maxItems": 2}], "nullable": true}}]}]}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		da, err := docmodel.Parse(a)
		if err != nil {
			return
		}
		db, err := docmodel.Parse(b)
		if err != nil {
			return
		}
		Compare(da, db)
		Compare(db, da)
		Compare(da, da)
	})
}

// TestNullableForms compares the ways documents write "A or null": no change either way.
func TestNullableForms(t *testing.T) {
	schemas := `"A": {"type": "object", "properties": {"next": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}}},
		"B": {"type": "object", "properties": {"next": {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/B"}]}}}`
	forms := []string{
		`{"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}`,
		`{"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/B"}]}`,
		`{"type": ["object", "null"], "properties": {"next": {"$ref": "#/methods/0/result/schema"}}}`,
	}
	for i, a := range forms {
		for j, b := range forms {
			if i == j {
				continue
			}
			da, db := doc(t, method(param("p", true, a), a), schemas), doc(t, method(param("p", true, b), b), schemas)
			if c := Compare(da, db); len(c) > 0 {
				t.Errorf("%s to %s:\n%s", a, b, Report(c))
			}
		}
	}
}

// TestRealDocuments compares each of the OpenRPC project's example documents and the
// framework's golden documents with itself rewritten: members sorted, descriptions and
// summaries dropped. No change either way.
func TestRealDocuments(t *testing.T) {
	var paths []string
	for _, pattern := range []string{"../../e2e/testdata/open-rpc-examples/*-openrpc.json", "../../testdata/*.openrpc.golden", "../../examples/*/testdata/*.openrpc.golden"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 10 {
		t.Fatalf("found %d documents", len(paths))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			rewritten, err := json.Marshal(dropText(v))
			if err != nil {
				t.Fatal(err)
			}
			a, err := docmodel.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			r, err := docmodel.Parse(rewritten)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range [][]Change{Compare(a, a), Compare(a, r), Compare(r, a)} {
				if len(c) > 0 {
					t.Errorf("changes:\n%s", Report(c))
				}
			}
		})
	}
}

// dropText removes the string members description and summary of v.
func dropText(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if _, isString := c.(string); isString && (k == "description" || k == "summary") {
				delete(x, k)
				continue
			}
			x[k] = dropText(c)
		}
	case []any:
		for i, c := range x {
			x[i] = dropText(c)
		}
	}
	return v
}

// BenchmarkCompare compares the kitchen-sink golden document (26 params of every kind,
// recursive components) with itself.
func BenchmarkCompare(b *testing.B) {
	raw, err := os.ReadFile("../../testdata/kitchensink.openrpc.golden")
	if err != nil {
		b.Fatal(err)
	}
	d, err := docmodel.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if c := Compare(d, d); len(c) > 0 {
			b.Fatal(c)
		}
	}
}

// TestFormatBounds compares an integer format with the same format and its bounds written
// out, as the framework writes them: no change either way; a bound tighter than the
// format's is found, and a format changed is reported once.
func TestFormatBounds(t *testing.T) {
	for _, tt := range []struct{ old, new, want string }{
		{`{"type": "integer", "format": "int32"}`, `{"type": "integer", "format": "int32", "minimum": -2147483648, "maximum": 2147483647}`, ""},
		{`{"type": "integer", "format": "uint8"}`, `{"type": "integer", "format": "uint8", "minimum": 0, "maximum": 255}`, ""},
		{`{"type": "integer", "format": "uint64"}`, `{"type": "integer", "format": "uint64", "minimum": 0}`, ""},
		{`{"type": "integer", "format": "int16"}`, `{"type": "integer", "format": "int16", "minimum": 0, "maximum": 32767}`,
			"Breaking changes (1):\n  m/params/a: minimum raised from -32768 to 0\n"},
		{`{"type": "integer", "format": "int32"}`, `{"type": "integer", "format": "int64"}`,
			"Breaking changes (1):\n  m/params/a: format changed from \"int32\" to \"int64\"\n"},
	} {
		old, new := doc(t, method(param("a", true, tt.old), "true"), ""), doc(t, method(param("a", true, tt.new), "true"), "")
		if got := Report(Compare(old, new)); got != tt.want {
			t.Errorf("%s to %s: got\n%s\nwant\n%s", tt.old, tt.new, got, tt.want)
		}
		if tt.want == "" {
			if c := Compare(new, old); len(c) > 0 {
				t.Errorf("%s to %s:\n%s", tt.new, tt.old, Report(c))
			}
		}
	}
}
