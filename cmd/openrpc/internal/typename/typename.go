// Package typename renders a JSON Schema as a short type name for people reading a
// terminal: "string", "[]Pet" for an array of a component, "integer|null", `"asc"|"desc"`
// for an enum, "object" for an object. It is meant for tables and messages, not for code
// generation: it never follows a $ref and says "any" for what it cannot name.
package typename

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// maxEnum is how many values of an enum are shown before an ellipsis.
const maxEnum = 6

// maxDepth bounds the nesting rendered; deeper schemas are "…".
const maxDepth = 6

// Of returns the short name of s: a $ref's last token ("Pet"), the type keyword with
// arrays as "[]T" and tuples as "[T1, T2]", several types or anyOf/oneOf members joined by
// "|", allOf members by "&", an enum or const as its JSON values joined by "|", "any" for a
// schema that accepts anything (or a nil one) and "never" for false.
func Of(s *docmodel.Schema) string { return of(s, 0) }

func of(s *docmodel.Schema, depth int) string {
	if depth > maxDepth {
		return "…"
	}
	switch {
	case s == nil || s.IsTrue():
		return "any"
	case s.IsFalse():
		return "never"
	case s.Ref != "":
		return nullable(docmodel.RefName(s.Ref), s)
	case s.Const != nil:
		return compact(s.Const)
	case len(s.Enum) > 0:
		vals := make([]string, 0, min(len(s.Enum), maxEnum+1))
		for i, v := range s.Enum {
			if i == maxEnum {
				vals = append(vals, "…")
				break
			}
			vals = append(vals, compact(v))
		}
		return strings.Join(vals, "|")
	case len(s.AnyOf) > 0:
		return nullable(join(s.AnyOf, "|", depth), s)
	case len(s.OneOf) > 0:
		return nullable(join(s.OneOf, "|", depth), s)
	case len(s.AllOf) > 0:
		return nullable(join(s.AllOf, "&", depth), s)
	}
	types := s.Type
	if len(types) == 0 {
		switch {
		case len(s.Properties) > 0 || s.AdditionalProperties != nil || len(s.Required) > 0:
			types = []string{"object"}
		case s.Items != nil || len(s.TupleItems) > 0:
			types = []string{"array"}
		default:
			return "any"
		}
	}
	names := make([]string, 0, len(types)+1)
	for _, t := range types {
		switch t {
		case "array":
			names = append(names, array(s, depth))
		default:
			names = append(names, t)
		}
	}
	return nullable(strings.Join(names, "|"), s)
}

func array(s *docmodel.Schema, depth int) string {
	if len(s.TupleItems) > 0 {
		items := make([]string, len(s.TupleItems))
		for i, it := range s.TupleItems {
			items[i] = of(it, depth+1)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	item := of(s.Items, depth+1)
	if strings.ContainsAny(item, "|&") {
		item = "(" + item + ")"
	}
	return "[]" + item
}

func join(ss []*docmodel.Schema, sep string, depth int) string {
	names := make([]string, 0, len(ss))
	for _, m := range ss {
		n := of(m, depth+1)
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, sep)
}

// nullable adds "|null" for OpenAPI's nullable: true.
func nullable(name string, s *docmodel.Schema) string {
	if s.Nullable && !strings.HasSuffix(name, "|null") && name != "null" {
		return name + "|null"
	}
	return name
}

func compact(v json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return string(v)
	}
	return b.String()
}
