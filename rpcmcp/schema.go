package rpcmcp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/openrpc-go/openrpc"
)

// componentPrefix starts the references of the OpenRPC document to its component schemas.
const componentPrefix = "#/components/schemas/"

// defsPrefix starts the same references in a self-contained MCP schema.
const defsPrefix = "#/$defs/"

// schemas turns the schemas of an OpenRPC document, which refer to the document's
// components, into self-contained JSON Schemas: the components a schema uses, directly or
// through other components, go into its $defs, and its references point there.
type schemas struct {
	components map[string]any // the document's component schemas, as JSON values
}

func newSchemas(doc *openrpc.Document) (*schemas, error) {
	s := &schemas{components: map[string]any{}}
	if doc.Components == nil {
		return s, nil
	}
	for name, sc := range doc.Components.Schemas {
		v, err := toJSON(sc)
		if err != nil {
			return nil, fmt.Errorf("component schema %q: %w", name, err)
		}
		s.components[name] = v
	}
	return s, nil
}

// toJSON returns v as a generic JSON value: maps, slices, strings, float64s, bools, nil.
func toJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// linker gathers the components one self-contained schema needs.
type linker struct {
	s    *schemas
	defs map[string]any
}

func (s *schemas) linker() *linker { return &linker{s: s, defs: map[string]any{}} }

// link rewrites, in place, the component references in v to $defs references, and adds
// the components they name (and the ones those name) to l.defs.
func (l *linker) link(v any) error {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if ref, ok := e.(string); ok && k == "$ref" {
				name, ok := strings.CutPrefix(ref, componentPrefix)
				if !ok {
					continue
				}
				v[k] = defsPrefix + name
				if err := l.add(unescapePointer(name)); err != nil {
					return err
				}
				continue
			}
			if err := l.link(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := l.link(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// add copies the component called name into l.defs, linked in turn.
func (l *linker) add(name string) error {
	if _, ok := l.defs[name]; ok {
		return nil
	}
	c, ok := l.s.components[name]
	if !ok {
		return fmt.Errorf("schema refers to %s%s, which the document's components do not have", componentPrefix, name)
	}
	c = deepCopy(c)
	l.defs[name] = c // before linking, so that a recursive schema ends
	return l.link(c)
}

// resolve returns the schema v stands for: the component it refers to, and its name, when
// it is only a reference; v itself and "" otherwise.
func (l *linker) resolve(v any) (any, string) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return v, ""
	}
	ref, _ := m["$ref"].(string)
	name, ok := strings.CutPrefix(ref, defsPrefix)
	if !ok {
		return v, ""
	}
	name = unescapePointer(name)
	if c, ok := l.defs[name]; ok {
		return c, name
	}
	return v, ""
}

// dropUnused removes the component called name from l.defs when nothing refers to it:
// the one a root schema was resolved from, unless it is recursive or used elsewhere.
func (l *linker) dropUnused(name string, root map[string]any) {
	if name == "" {
		return
	}
	ref, _ := json.Marshal(defsPrefix + escapePointer(name))
	b, _ := json.Marshal(root)
	if bytes.Contains(b, ref) {
		return
	}
	for _, v := range l.defs {
		if b, _ := json.Marshal(v); bytes.Contains(b, ref) {
			return
		}
	}
	delete(l.defs, name)
}

// finish adds the gathered $defs to the root schema.
func (l *linker) finish(root map[string]any) map[string]any {
	if len(l.defs) > 0 {
		root["$defs"] = l.defs
	}
	return root
}

// inputSchema returns the tool input schema of a method: an object with one property per
// param, keyed by the param's name, whichever way the method takes its params.
func (s *schemas) inputSchema(m *openrpc.MethodObject) (map[string]any, error) {
	l := s.linker()
	props := map[string]any{}
	required := []string{}
	for _, p := range m.Params {
		v, err := toJSON(p.Schema)
		if err != nil {
			return nil, fmt.Errorf("param %q: %w", p.Name, err)
		}
		if v == nil {
			v = map[string]any{}
		}
		if p.Variadic {
			v = map[string]any{"type": "array", "items": v}
		}
		if err := l.link(v); err != nil {
			return nil, fmt.Errorf("param %q: %w", p.Name, err)
		}
		if d := describe(p.Summary, p.Description); d != "" && !p.Variadic { // a variadic one describes positional params
			if o, ok := v.(map[string]any); ok {
				if _, has := o["description"]; !has {
					o["description"] = d
				}
			}
		}
		props[p.Name] = v
		if p.Required {
			required = append(required, p.Name)
		}
	}
	root := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		root["required"] = required
	}
	return l.finish(root), nil
}

// outputSchema returns the tool output schema of a method: its result's schema when that is
// an object with properties (MCP's structured content is an object, given with every result
// of a tool with an output schema), else nil. An object without properties is a Go map's,
// and a nil map is null.
func (s *schemas) outputSchema(m *openrpc.MethodObject) (map[string]any, error) {
	if m.Result == nil || m.Result.Schema == nil {
		return nil, nil
	}
	v, err := toJSON(m.Result.Schema)
	if err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	l := s.linker()
	if err := l.link(v); err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	resolved, name := l.resolve(v)
	root, ok := deepCopy(resolved).(map[string]any)
	if !ok || !isObjectType(root["type"]) {
		return nil, nil
	}
	if _, ok := root["properties"]; !ok {
		return nil, nil // a map's: a nil map is null, which no structured content can be
	}
	l.dropUnused(name, root)
	return l.finish(root), nil
}

// isObjectType reports whether a schema's "type" is exactly "object" (not nullable).
func isObjectType(t any) bool {
	switch t := t.(type) {
	case string:
		return t == "object"
	case []any:
		return len(t) == 1 && t[0] == "object"
	}
	return false
}

func describe(summary, description string) string {
	if description != "" {
		return description
	}
	return summary
}

// deepCopy copies a generic JSON value.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// unescapePointer decodes one JSON Pointer token (RFC 6901).
func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// maxZeroDepth bounds the nesting of the zero values absentValue builds.
const maxZeroDepth = 32

// absentValue returns the JSON value that stands, in a by-position call, for an optional
// param the arguments leave out before a given one: its default; null when its schema
// admits null; else the zero value of its type, an object's required members set to
// theirs. ok is false when the schema gives none of these, or constrains the value (a
// format, a minimum...), which the zero value may not meet.
func (s *schemas) absentValue(schema any) (value json.RawMessage, ok bool) {
	v, ok := s.zero(schema, 0)
	if !ok {
		return nil, false
	}
	b, err := json.Marshal(v)
	return b, err == nil
}

// zero returns the value absentValue describes, as a generic JSON value.
func (s *schemas) zero(schema any, depth int) (any, bool) {
	m, ok := schema.(map[string]any)
	if !ok || depth > maxZeroDepth {
		return nil, false
	}
	if d, ok := m["default"]; ok {
		return d, true
	}
	if ref, ok := m["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, componentPrefix)
		c, found := s.components[unescapePointer(name)]
		if !ok || !found {
			return nil, false
		}
		return s.zero(c, depth+1)
	}
	if admitsNull(m) {
		return nil, true
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if branches, ok := m[k].([]any); ok {
			for _, b := range branches {
				if z, ok := s.zero(b, depth+1); ok {
					return z, true
				}
			}
			return nil, false
		}
	}
	t, _ := m["type"].(string)
	if l, ok := m["type"].([]any); ok && len(l) == 1 {
		t, _ = l[0].(string)
	}
	for _, k := range constraintKeywords {
		if _, ok := m[k]; ok && (k != "format" || t == "string") { // 0 fits every integer format
			return nil, false // the zero value may not meet it
		}
	}
	switch t {
	case "integer", "number":
		return 0, true
	case "string":
		return "", true
	case "boolean":
		return false, true
	case "array":
		return []any{}, true
	case "object":
		props, _ := m["properties"].(map[string]any)
		required, _ := m["required"].([]any)
		obj := make(map[string]any, len(required))
		for _, r := range required {
			name, _ := r.(string)
			z, ok := s.zero(props[name], depth+1)
			if !ok {
				return nil, false
			}
			obj[name] = z
		}
		return obj, true
	}
	return nil, false
}

// constraintKeywords are the keywords a zero value may fail: a schema with one has no zero
// value to stand for an absent param.
var constraintKeywords = []string{"enum", "const", "format", "pattern", "minLength", "minimum",
	"exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf", "minItems", "minProperties",
	"not", "allOf"}

// admitsNull reports whether schema m accepts null: it has no type and no reference or
// branches (any value), its type list has "null", or one of its branches is the null type.
func admitsNull(m map[string]any) bool {
	switch t := m["type"].(type) {
	case nil:
		_, ref := m["$ref"]
		_, one := m["oneOf"]
		_, anyOf := m["anyOf"]
		_, all := m["allOf"]
		_, enum := m["enum"]
		_, cst := m["const"]
		if !ref && !one && !anyOf && !all && !enum && !cst {
			return true
		}
	case string:
		return t == "null"
	case []any:
		return slices.Contains(t, any("null"))
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		branches, _ := m[k].([]any)
		for _, b := range branches {
			if bm, ok := b.(map[string]any); ok && bm["type"] == "null" {
				return true
			}
		}
	}
	return false
}
