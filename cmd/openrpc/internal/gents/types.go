package gents

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// named is a TypeScript type declared for a schema the document refers to by $ref: a
// component schema, or any other local schema a $ref points at.
type named struct {
	name    string
	ptr     string // JSON Pointer of the schema
	schema  *docmodel.Schema
	decl    string // the declaration, without its doc comment
	doc     []string
	direct  []string // pointers of named types referenced outside any object or array
	invalid bool     // part of a cycle TypeScript refuses: declared as unknown
}

// types turns schemas into TypeScript types and collects the named ones.
type types struct {
	doc    *docmodel.Document
	names  *namer
	byPtr  map[string]*named
	order  []*named // declaration order: components first, then in order of discovery
	notes  map[string]bool
	noted  []noteAt // the notes in the order they were made, for doc comments
	cur    *named   // the named type being declared, for its direct references
	guards int      // > 0 inside an object member, array item or index signature
	depth  int
}

// maxDepth bounds the nesting of inline schemas (and const values) the generator follows.
const maxDepth = 64

func newTypes(doc *docmodel.Document) *types {
	t := &types{
		doc:   doc,
		names: newNamer(reserved, globals, runtimeNames),
		byPtr: map[string]*named{},
		notes: map[string]bool{},
	}
	for _, p := range doc.Components.Schemas {
		t.declare("/components/schemas/"+escapePointer(p.Name), p.Name, p.Schema)
	}
	return t
}

// noteAt is a simplification and the JSON Pointer of the schema it concerns.
type noteAt struct{ ptr, msg string }

func (t *types) note(ptr, format string, args ...any) {
	if ptr == "" {
		ptr = "/"
	}
	msg := fmt.Sprintf(format, args...)
	if !t.notes[ptr+": "+msg] {
		t.notes[ptr+": "+msg] = true
		t.noted = append(t.noted, noteAt{ptr, msg})
	}
}

// notesUnder returns the doc comment lines of the notes about the schemas at or under
// the pointers.
func (t *types) notesUnder(ptrs ...string) []string {
	var lines []string
	for _, n := range t.noted {
		for _, p := range ptrs {
			if p != "" && (n.ptr == p || strings.HasPrefix(n.ptr, p+"/")) {
				lines = append(lines, "Simplified: "+n.msg+" ("+n.ptr+").")
				break
			}
		}
	}
	return lines
}

// declare registers a named type for the schema at ptr.
func (t *types) declare(ptr, name string, s *docmodel.Schema) *named {
	n := &named{name: t.names.name(pascal(name), "Schema"), ptr: ptr, schema: s}
	t.byPtr[ptr] = n
	t.order = append(t.order, n)
	return n
}

// ref returns the TypeScript name of the schema a $ref points at, declaring it on first
// sight, or "" with a note when the reference cannot be followed.
func (t *types) ref(ref, at string) string {
	ptr := docmodel.RefPointer(ref)
	if ptr == "" {
		t.note(at, "$ref %q is not a reference inside the document: unknown", ref)
		return ""
	}
	n, ok := t.byPtr[ptr]
	if !ok {
		s, err := t.doc.Schema(ref)
		if err != nil || s == nil {
			t.note(at, "$ref %q cannot be resolved: unknown", ref)
			return ""
		}
		n = t.declare(ptr, docmodel.RefName(ref), s)
	}
	if t.guards == 0 && t.cur != nil {
		t.cur.direct = append(t.cur.direct, ptr)
	}
	return n.name
}

// declareAll renders every named type, including those discovered while rendering, and
// turns the ones TypeScript would refuse as circular into unknown.
func (t *types) declareAll() {
	for i := 0; i < len(t.order); i++ {
		n := t.order[i]
		t.cur = n
		n.doc = schemaDoc(n.schema)
		if isInterface(n.schema) {
			n.decl = "export interface " + n.name + " " + t.object(n.schema, n.ptr, "")
		} else {
			n.decl = "export type " + n.name + " = " + t.typ(n.schema, n.ptr, "") + ";"
		}
		n.doc = append(n.doc, t.notesUnder(n.ptr)...)
		t.cur = nil
	}
	for _, n := range t.order {
		if t.cyclic(n) {
			n.invalid = true
			n.decl = "export type " + n.name + " = unknown;"
			t.note(n.ptr, "refers to itself through unions or intersections alone, which TypeScript cannot declare: unknown")
			n.doc = append(schemaDoc(n.schema), t.notesUnder(n.ptr)...)
		}
	}
}

// cyclic reports whether n reaches itself through direct references.
func (t *types) cyclic(n *named) bool {
	seen := map[string]bool{}
	stack := slices.Clone(n.direct)
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if p == n.ptr {
			return true
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		if m := t.byPtr[p]; m != nil {
			stack = append(stack, m.direct...)
		}
	}
	return false
}

// isInterface reports whether s is a plain object schema, declared as an interface.
func isInterface(s *docmodel.Schema) bool {
	if s == nil || s.Bool != nil || s.Ref != "" || len(s.Properties) == 0 {
		return false
	}
	if len(s.Type) > 1 || len(s.Type) == 1 && s.Type[0] != "object" {
		return false
	}
	return len(s.AllOf)+len(s.AnyOf)+len(s.OneOf)+len(s.Enum) == 0 && s.Const == nil && !s.Nullable
}

// typ returns the TypeScript type of s, found at ptr; indent is the indentation of the
// line the type starts on.
func (t *types) typ(s *docmodel.Schema, ptr, indent string) string {
	if s == nil {
		return "unknown"
	}
	if s.Bool != nil {
		if *s.Bool {
			return "unknown"
		}
		return "never"
	}
	if t.depth >= maxDepth {
		t.note(ptr, "nested deeper than %d schemas: unknown", maxDepth)
		return "unknown"
	}
	t.depth++
	defer func() { t.depth-- }()

	if s.Ref != "" {
		name := t.ref(s.Ref, ptr)
		if name == "" {
			return "unknown"
		}
		return nullable(name, s.Nullable)
	}
	var parts []string // intersected
	switch {
	case s.Const != nil:
		parts = append(parts, t.literal(s.Const, ptr))
	case len(s.Enum) > 0:
		var alts []string
		for _, v := range s.Enum {
			alts = append(alts, t.literal(v, ptr))
		}
		parts = append(parts, union(alts))
	default:
		if own := t.own(s, ptr, indent); own != "unknown" {
			parts = append(parts, own)
		}
	}
	for i, sub := range s.AllOf {
		if p := t.typ(sub, fmt.Sprintf("%s/allOf/%d", ptr, i), indent); p != "unknown" {
			parts = append(parts, p)
		}
	}
	for _, kw := range []struct {
		name string
		subs []*docmodel.Schema
	}{{"anyOf", s.AnyOf}, {"oneOf", s.OneOf}} {
		if len(kw.subs) == 0 {
			continue
		}
		var alts []string
		for i, sub := range kw.subs {
			alts = append(alts, t.typ(sub, fmt.Sprintf("%s/%s/%d", ptr, kw.name, i), indent))
		}
		if u := union(alts); u != "unknown" {
			parts = append(parts, u)
		}
	}
	if s.Not != nil || s.If != nil {
		t.note(ptr, "not, if, then and else are not expressed in TypeScript")
	}
	if len(parts) == 0 {
		return "unknown"
	}
	parts = dedupe(parts)
	typ := parts[0]
	if len(parts) > 1 {
		for i, p := range parts {
			parts[i] = wrap(p)
		}
		typ = strings.Join(parts, " & ")
	}
	return nullable(typ, s.Nullable)
}

// own returns the type the type keyword (or, without it, the keywords of one type) gives.
func (t *types) own(s *docmodel.Schema, ptr, indent string) string {
	kinds := s.Type
	if len(kinds) == 0 {
		switch {
		case len(s.Properties) > 0 || s.AdditionalProperties != nil && !s.AdditionalProperties.IsTrue() || len(s.Required) > 0:
			kinds = []string{"object"}
		case s.Items != nil || len(s.TupleItems) > 0:
			kinds = []string{"array"}
		default:
			return "unknown"
		}
	}
	var alts []string
	for _, k := range kinds {
		switch k {
		case "string":
			alts = append(alts, "string")
		case "integer", "number":
			alts = append(alts, "number")
		case "boolean":
			alts = append(alts, "boolean")
		case "null":
			alts = append(alts, "null")
		case "array":
			alts = append(alts, t.array(s, ptr, indent))
		case "object":
			alts = append(alts, t.object(s, ptr, indent))
		default:
			t.note(ptr, "type %q is not a JSON Schema type: unknown", k)
			return "unknown"
		}
	}
	return union(alts)
}

func (t *types) array(s *docmodel.Schema, ptr, indent string) string {
	t.guards++
	defer func() { t.guards-- }()
	if len(s.TupleItems) == 0 {
		if s.Items == nil {
			return "unknown[]"
		}
		return wrap(t.typ(s.Items, ptr+"/items", indent)) + "[]"
	}
	required := 0
	if s.MinItems != nil {
		required = *s.MinItems
	}
	var elems []string
	for i, item := range s.TupleItems {
		e := t.typ(item, fmt.Sprintf("%s/items/%d", ptr, i), indent)
		if i >= required {
			e = wrap(e) + "?"
		}
		elems = append(elems, e)
	}
	rest := s.AdditionalItems
	if rest == nil {
		rest = s.Items // prefixItems with items for the rest
	}
	switch {
	case rest != nil && rest.IsFalse():
	case rest == nil || rest.IsTrue():
		elems = append(elems, "...unknown[]")
	default:
		elems = append(elems, "..."+wrap(t.typ(rest, ptr+"/additionalItems", indent))+"[]")
	}
	return "[" + strings.Join(elems, ", ") + "]"
}

// object returns an object type literal, written over several lines with doc comments
// for its members.
func (t *types) object(s *docmodel.Schema, ptr, indent string) string {
	t.guards++
	defer func() { t.guards-- }()
	inner := indent + "  "
	var b strings.Builder
	b.WriteString("{\n")
	for _, p := range s.Properties {
		writeDoc(&b, inner, schemaDoc(p.Schema))
		opt := "?"
		if s.IsRequired(p.Name) {
			opt = ""
		}
		fmt.Fprintf(&b, "%s%s%s: %s;\n", inner, propertyName(p.Name), opt,
			t.typ(p.Schema, ptr+"/properties/"+escapePointer(p.Name), inner))
	}
	for _, r := range s.Required {
		if s.Property(r) == nil && len(s.Properties) > 0 {
			t.note(ptr, "required member %q has no schema in properties: left out", r)
		}
	}
	ap := s.AdditionalProperties
	switch {
	case len(s.PatternProperties) > 0:
		fmt.Fprintf(&b, "%s[key: string]: unknown;\n", inner)
		t.note(ptr, "patternProperties are not expressed: other members are unknown")
	case ap != nil && ap.IsFalse():
	case ap == nil || ap.IsTrue():
		if len(s.Properties) == 0 {
			fmt.Fprintf(&b, "%s[key: string]: unknown;\n", inner)
		}
	case len(s.Properties) == 0:
		fmt.Fprintf(&b, "%s[key: string]: %s;\n", inner, t.typ(ap, ptr+"/additionalProperties", inner))
	default:
		// An index signature must admit every member's type: other members stay unknown.
		t.typ(ap, ptr+"/additionalProperties", inner)
		fmt.Fprintf(&b, "%s[key: string]: unknown;\n", inner)
		t.note(ptr, "additionalProperties beside properties: other members are unknown")
	}
	b.WriteString(indent + "}")
	return b.String()
}

// literal returns the TypeScript type of a JSON value: a literal type, a tuple or an object
// type of literals.
func (t *types) literal(v json.RawMessage, ptr string) string {
	var x any
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	if err := d.Decode(&x); err != nil {
		t.note(ptr, "enum or const value is not JSON: unknown")
		return "unknown"
	}
	return literalOf(x, 0)
}

func literalOf(x any, depth int) string {
	if depth > maxDepth {
		return "unknown"
	}
	switch x := x.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprint(x)
	case json.Number:
		if _, err := x.Float64(); err != nil {
			return "number" // out of float64's range: TypeScript has no literal for it
		}
		return x.String()
	case string:
		return quote(x)
	case []any:
		var elems []string
		for _, e := range x {
			elems = append(elems, literalOf(e, depth+1))
		}
		return "[" + strings.Join(elems, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var members []string
		for _, k := range keys {
			members = append(members, propertyName(k)+": "+literalOf(x[k], depth+1))
		}
		if len(members) == 0 {
			return "{}"
		}
		return "{ " + strings.Join(members, "; ") + " }"
	}
	return "unknown"
}

// union joins alternatives; unknown absorbs the others.
func union(alts []string) string {
	alts = dedupe(alts)
	if slices.Contains(alts, "unknown") || len(alts) == 0 {
		return "unknown"
	}
	if len(alts) == 1 {
		return alts[0]
	}
	for i, a := range alts {
		alts[i] = wrap(a)
	}
	return strings.Join(alts, " | ")
}

func nullable(typ string, null bool) string {
	if !null || typ == "unknown" || typ == "null" {
		return typ
	}
	return wrap(typ) + " | null"
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// wrap parenthesizes a union, an intersection or a function type, for use inside
// another union, an intersection or an array type.
func wrap(typ string) string {
	depth := 0
	inString := false
	for i := 0; i < len(typ); i++ {
		c := typ[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[' || c == '(' || c == '<':
			depth++
		case c == '}' || c == ']' || c == ')' || c == '>':
			depth--
		case depth == 0 && (c == '|' || c == '&'):
			return "(" + typ + ")"
		}
	}
	return typ
}

// propertyName returns a member name as an object type writes it: as it is when it is an
// identifier, else quoted.
func propertyName(name string) string {
	if isIdent(name) {
		return name
	}
	return quote(name)
}

// literalKey returns a member name as an object literal writes it: as propertyName does,
// but for __proto__, which in a literal sets the object's prototype unless it is computed.
func literalKey(name string) string {
	if name == "__proto__" {
		return `["__proto__"]`
	}
	return propertyName(name)
}

// quote returns s as a TypeScript string literal.
func quote(s string) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func escapePointer(token string) string {
	return strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
}

// schemaDoc returns the lines of a schema's doc comment.
func schemaDoc(s *docmodel.Schema) []string {
	if s == nil {
		return nil
	}
	var lines []string
	switch {
	case s.Description != "":
		lines = append(lines, s.Description)
	case s.Title != "":
		lines = append(lines, s.Title)
	}
	if s.Format != "" {
		lines = append(lines, "Format: "+s.Format+".")
	}
	if s.Deprecated {
		lines = append(lines, "@deprecated")
	}
	return lines
}

// writeDoc writes a JSDoc comment of lines (paragraphs that may hold newlines).
func writeDoc(b *strings.Builder, indent string, lines []string) {
	if len(lines) == 0 {
		return
	}
	var all []string
	for _, l := range lines {
		l = strings.ReplaceAll(l, "*/", "*\\/")
		for _, sub := range strings.Split(strings.ReplaceAll(l, "\r\n", "\n"), "\n") {
			all = append(all, strings.TrimRight(sub, " \t\r"))
		}
	}
	if len(all) == 1 {
		fmt.Fprintf(b, "%s/** %s */\n", indent, all[0])
		return
	}
	fmt.Fprintf(b, "%s/**\n", indent)
	for _, l := range all {
		if l == "" {
			fmt.Fprintf(b, "%s *\n", indent)
		} else {
			fmt.Fprintf(b, "%s * %s\n", indent, l)
		}
	}
	fmt.Fprintf(b, "%s */\n", indent)
}
