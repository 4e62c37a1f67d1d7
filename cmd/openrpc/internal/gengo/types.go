package gengo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// maxDepth bounds how deep inline schemas nest before the generator gives up on them.
const maxDepth = 32

// kind is what a Go type is made of, for the choices that depend on it: which struct tags
// fit a field, whether null needs a pointer, whether the value compares with ==.
type kind int

const (
	kindRaw    kind = iota // json.RawMessage or any: holds any value, null included
	kindString             // a string, or a type defined over one
	kindInt
	kindFloat
	kindBool
	kindTime   // time.Time
	kindSlice  // a slice: nil is null
	kindMap    // a map: nil is null
	kindStruct // a struct type of ours
	kindUnion  // a union type of ours, which keeps the raw JSON (null included)
	kindNull   // the schema of null alone
)

// goType is a Go type expression with what the generator needs to know about it.
type goType struct {
	expr string
	kind kind
	// nullable is set when the schema also allows null: a use makes it a pointer when the
	// type has no null of its own.
	nullable bool
	// named is the name of the struct type of ours, when expr names one (for the pointer
	// that breaks a recursive struct).
	named string
	// elem is a slice's element type, whose value keywords the struct tags describe.
	elem *goType
	// schema is the resolved schema the type was made from, for struct tags.
	schema *docmodel.Schema
}

// field returns the type of a struct field holding t: a pointer when t is nullable and
// has no null of its own, or when t is a struct being generated (a recursive type).
func (g *gen) field(t goType) string {
	switch t.kind {
	case kindRaw, kindSlice, kindMap, kindUnion, kindNull:
		return t.expr
	}
	if t.nullable || (t.named != "" && g.building[t.named]) {
		return "*" + t.expr
	}
	return t.expr
}

// memberField is the Go type of a struct field (a property or a param) and the tags that
// make a server publish and enforce what the document says of it.
type memberField struct {
	expr string
	// notNull tags the field nullable:"false": a pointer or an Optional without null.
	notNull bool
	// required tags the field required:"true": a pointer or raw JSON, which the framework
	// reads as optional, that the document requires.
	required bool
}

// member returns the field holding t, a required member unless optional. An optional
// member whose Go zero value is a JSON value of its own (a string, number, boolean, time or
// struct of ours) is an openrpc.Optional, so that absent and zero differ both ways: a
// client sends Some(0) and Some(false), and a decoded result tells an absent member from a
// zero one. Optional also tells null from absent, so an optional nullable member needs no
// pointer; one that is not nullable is tagged nullable:"false", which a server publishes
// without null and enforces. Slices, maps, unions and raw JSON are absent when nil already
// and stay as they are. A struct containing itself stays a pointer (Go cannot hold it by
// value), tagged nullable:"false" when null is no value of it. A required pointer (a
// nullable member, or a struct containing itself) or raw JSON is tagged required:"true".
func (g *gen) member(t goType, optional bool) memberField {
	ft := g.field(t)
	required := !optional && (strings.HasPrefix(ft, "*") || t.kind == kindRaw)
	switch {
	case strings.HasPrefix(ft, "*") && !t.nullable:
		return memberField{expr: ft, notNull: true, required: required} // a struct containing itself
	case !optional || t.named != "" && g.building[t.named]:
		return memberField{expr: ft, required: required} // required, or a struct containing itself that may be null
	}
	switch t.kind {
	case kindString, kindInt, kindFloat, kindBool, kindTime, kindStruct:
		return memberField{expr: "openrpc.Optional[" + t.expr + "]", notNull: !t.nullable}
	}
	return memberField{expr: ft}
}

var (
	rawType  = goType{expr: "json.RawMessage", kind: kindRaw}
	nullType = goType{expr: "struct{}", kind: kindNull}
)

// note records a simplification, at a JSON Pointer of the document.
func (g *gen) note(ptr, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if ptr != "" {
		msg = ptr + ": " + msg
	}
	g.notes = append(g.notes, msg)
}

// raw returns json.RawMessage for a schema the generator does not express, and notes why.
func (g *gen) raw(ptr, why string) goType {
	g.note(ptr, "%s: json.RawMessage", why)
	return rawType
}

// typeOf returns the Go type of schema s, found at ptr; hint names an inline type that
// needs a name (a struct, an enum, a union).
func (g *gen) typeOf(s *docmodel.Schema, ptr, hint string, depth int) goType {
	if depth > maxDepth {
		return g.raw(ptr, "schema nested too deep")
	}
	if s == nil || s.IsTrue() {
		return goType{expr: "json.RawMessage", kind: kindRaw, schema: s}
	}
	if s.IsFalse() {
		return g.raw(ptr, "schema false accepts no value")
	}
	if s.Ref != "" {
		return g.refType(s, ptr, depth)
	}
	if s.Title != "" && !g.named[hint] {
		hint = s.Title
	}
	nullable := s.Nullable || s.HasType("null")
	var types []string
	for _, t := range s.Type {
		if t != "null" && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	with := func(t goType) goType {
		t.nullable = t.nullable || nullable
		if t.schema == nil {
			t.schema = s
		}
		return t
	}
	switch {
	case len(s.AllOf) > 0:
		return with(g.allOf(s, ptr, hint, depth))
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return with(g.union(s, ptr, hint, depth))
	case len(s.Enum) > 0 || s.Const != nil:
		return with(g.enum(s, types, ptr, hint))
	}
	if len(types) == 0 {
		switch {
		case len(s.Properties) > 0 || s.AdditionalProperties != nil:
			types = []string{"object"}
		case s.Items != nil || len(s.TupleItems) > 0:
			types = []string{"array"}
		case nullable:
			return nullType
		default:
			return goType{expr: "json.RawMessage", kind: kindRaw, schema: s}
		}
	}
	if len(types) > 1 {
		return g.raw(ptr, fmt.Sprintf("a value of types %s", strings.Join(types, ", ")))
	}
	switch types[0] {
	case "string":
		if s.Format == "date-time" {
			return with(goType{expr: "time.Time", kind: kindTime})
		}
		return with(goType{expr: "string", kind: kindString})
	case "integer":
		return with(goType{expr: integerType(s.Format), kind: kindInt})
	case "number":
		return with(goType{expr: "float64", kind: kindFloat})
	case "boolean":
		return with(goType{expr: "bool", kind: kindBool})
	case "array":
		if len(s.TupleItems) > 0 {
			g.note(ptr, "items by position (a tuple): []json.RawMessage")
			return with(goType{expr: "[]json.RawMessage", kind: kindSlice, elem: &rawType})
		}
		e := g.typeOf(s.Items, ptr+"/items", hint+" item", depth+1)
		expr := "[]" + g.field(e)
		if e.kind == kindStruct && e.named != "" && g.building[e.named] {
			expr = "[]" + e.expr
		}
		return with(goType{expr: expr, kind: kindSlice, elem: &e})
	case "object":
		if len(s.Properties) == 0 {
			if s.AdditionalProperties != nil && !s.AdditionalProperties.IsTrue() && !s.AdditionalProperties.IsFalse() {
				v := g.typeOf(s.AdditionalProperties, ptr+"/additionalProperties", hint+" value", depth+1)
				return with(goType{expr: "map[string]" + g.field(v), kind: kindMap})
			}
			return with(goType{expr: "map[string]json.RawMessage", kind: kindMap})
		}
		return with(g.object(s, ptr, hint, depth))
	case "null":
		return nullType
	}
	return g.raw(ptr, fmt.Sprintf("unknown type %q", types[0]))
}

// refType returns the type of a $ref: a named type of ours for each schema referred to,
// defined once, so recursive schemas end.
func (g *gen) refType(s *docmodel.Schema, ptr string, depth int) goType {
	target := docmodel.RefPointer(s.Ref)
	if target == "" {
		return g.raw(ptr, fmt.Sprintf("$ref %q is not in this document", s.Ref))
	}
	if t, ok := g.refs[target]; ok {
		if g.building[t.named] {
			g.recursive[t.named] = true
		}
		return t
	}
	if g.resolving[target] {
		// A chain of references that comes back to itself before any type.
		return g.raw(ptr, fmt.Sprintf("$ref %q refers to itself", s.Ref))
	}
	ts, err := g.doc.Schema(s.Ref)
	if err != nil {
		return g.raw(ptr, err.Error())
	}
	if ts.Ref != "" {
		// A reference to a reference: the type of the last one.
		g.resolving[target] = true
		t := g.refType(ts, target, depth+1)
		delete(g.resolving, target)
		g.refs[target] = t
		return t
	}
	rs := ts
	name := docmodel.RefName(s.Ref)
	if rs.Title != "" && !strings.HasPrefix(target, "/components/schemas/") {
		name = rs.Title
	}
	if !needsName(rs) {
		g.resolving[target] = true
		t := g.constrained(g.typeOf(rs, target, name, depth+1), target, exportName(name))
		delete(g.resolving, target)
		g.refs[target] = t
		return t
	}
	// Reserve the name first: the schema may refer to itself.
	goName := g.names.take(exportName(name))
	g.refs[target] = goType{expr: goName, kind: kindStruct, named: goName, schema: rs}
	g.building[goName] = true
	ds := rs
	if rs.Title == "" && rs.Description == "" {
		c := *rs
		c.Description = fmt.Sprintf("the schema %s of the document.", strconv.Quote(docmodel.RefName(s.Ref)))
		ds = &c
	}
	t := g.define(goName, ds, target, depth+1)
	delete(g.building, goName)
	g.refs[target] = t
	return t
}

// needsName reports whether schema s becomes a type of its own: an object with members, an
// enum, a union, an allOf.
func needsName(s *docmodel.Schema) bool {
	return len(s.Properties) > 0 || len(s.Enum) > 0 || s.Const != nil || len(s.AllOf) > 0 ||
		len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.HasType("array") || s.Items != nil
}

// define declares the named type name for schema s and returns it.
func (g *gen) define(name string, s *docmodel.Schema, ptr string, depth int) goType {
	g.named[name] = true
	t := g.typeOf(s, ptr, name, depth)
	if t.expr == name {
		return t
	}
	switch t.kind {
	case kindStruct, kindUnion:
		// typeOf defined a type under its own (title) name: alias it.
		g.decl(name, s, fmt.Sprintf("type %s = %s\n", name, t.expr))
		t.expr, t.named = name, name
		return t
	case kindSlice, kindMap, kindString, kindInt, kindFloat, kindBool:
		code := fmt.Sprintf("type %s %s\n", name, t.expr)
		if g.recursive[name] && (t.kind == kindSlice || t.kind == kindMap) {
			// The framework describes only struct types that contain themselves.
			what := map[kind]string{kindSlice: "array", kindMap: "object"}[t.kind]
			g.note(ptr, "%s contains itself: a server built from this package publishes it as any %s", name, what)
			g.usesSchema = true
			code += fmt.Sprintf("\n// JSONSchema describes the value as any %s: the framework describes only struct types that contain themselves.\nfunc (%s) JSONSchema() *openrpc.Schema {\n\treturn documentSchema(%s)\n}\n",
				what, name, strconv.Quote(`{"type":"`+what+`"}`))
		}
		g.decl(name, s, code)
		t.expr = name
		return t
	}
	g.decl(name, s, fmt.Sprintf("type %s = %s\n", name, t.expr))
	t.expr = name
	return t
}

// decl adds a type declaration with the schema's doc comment.
func (g *gen) decl(name string, s *docmodel.Schema, code string) {
	var b strings.Builder
	text := ""
	if s != nil {
		text = joinText(s.Title, s.Description)
	}
	if text == "" {
		text = "is a schema of the document."
	} else {
		text = "is " + lowerFirst(text)
	}
	comment(&b, name+" "+text)
	if s != nil && s.Deprecated {
		comment(&b, "")
		comment(&b, "Deprecated: the document marks it deprecated.")
	}
	b.WriteString(code)
	g.types = append(g.types, b.String())
}

// object returns a struct type for schema s.
func (g *gen) object(s *docmodel.Schema, ptr, hint string, depth int) goType {
	props := slices.Clone(s.Properties)
	required := slices.Clone(s.Required)
	return g.structOf(s, props, required, ptr, hint, depth)
}

// structOf declares a struct type named after hint for the given properties.
func (g *gen) structOf(s *docmodel.Schema, props []docmodel.Property, required []string, ptr, hint string, depth int) goType {
	name := hint
	if !g.named[name] {
		name = g.names.take(exportName(hint))
	}
	delete(g.named, hint)
	g.building[name] = true
	defer delete(g.building, name)
	var b strings.Builder
	fmt.Fprintf(&b, "type %s struct {\n", name)
	fields := namespace{}
	for i, p := range props {
		fptr := ptr + "/properties/" + escapePointer(p.Name)
		if !validJSONName(p.Name) {
			g.note(fptr, "property name %q cannot be a json tag: left out", p.Name)
			continue
		}
		if p.Schema.IsFalse() {
			continue
		}
		t := g.typeOf(p.Schema, fptr, name+" "+p.Name, depth+1)
		fname := fields.take(exportName(p.Name))
		desc, deprecated := "", false
		if p.Schema != nil {
			desc, deprecated = joinText(p.Schema.Title, p.Schema.Description), p.Schema.Deprecated
		}
		if i > 0 {
			b.WriteString("\n")
		}
		if desc != "" {
			comment(&b, fname+" is "+lowerFirst(desc))
		}
		if deprecated {
			if desc != "" {
				comment(&b, "")
			}
			comment(&b, "Deprecated: the document marks it deprecated.")
		}
		opt := !slices.Contains(required, p.Name)
		m := g.member(t, opt)
		fmt.Fprintf(&b, "%s %s %s\n", fname, m.expr, g.tag(p.Name, opt, m, t, desc, fptr))
	}
	b.WriteString("}\n")
	g.decl(name, s, b.String())
	return goType{expr: name, kind: kindStruct, named: name, schema: s}
}

// allOf merges the object members of an allOf (nested ones and $refs included) into one
// struct.
func (g *gen) allOf(s *docmodel.Schema, ptr, hint string, depth int) goType {
	var parts []*docmodel.Schema
	seen := map[*docmodel.Schema]bool{}
	var flatten func(x *docmodel.Schema, n int) bool
	flatten = func(x *docmodel.Schema, n int) bool {
		if n > maxDepth {
			return false
		}
		x, _, err := g.doc.Resolve(x)
		if err != nil || x == nil {
			return false
		}
		if seen[x] {
			// A part met before (allOf of a schema referring to itself): nothing new.
			return true
		}
		seen[x] = true
		if x.IsTrue() {
			return true
		}
		if x.Bool != nil {
			return false
		}
		parts = append(parts, x)
		for _, y := range x.AllOf {
			if !flatten(y, n+1) {
				return false
			}
		}
		return true
	}
	outer := *s
	outer.AllOf = nil
	parts = append(parts, &outer)
	for _, x := range s.AllOf {
		if !flatten(x, 0) {
			return g.raw(ptr, "allOf with a part that cannot be read")
		}
	}
	var objects, others []*docmodel.Schema
	for _, x := range parts {
		switch {
		case len(x.Properties) > 0 || x.HasType("object"):
			objects = append(objects, x)
		case x.IsTrue() || (len(x.Type) == 0 && len(x.OneOf) == 0 && len(x.AnyOf) == 0 && len(x.Enum) == 0 && x.Const == nil):
			// Only annotations or required: nothing to merge but the required list.
			objects = append(objects, x)
		default:
			others = append(others, x)
		}
	}
	if len(others) > 0 {
		if len(others) == 1 && len(objects) == 1 && objects[0] == &outer && len(outer.Properties) == 0 {
			o := *others[0]
			return g.typeOf(&o, ptr+"/allOf", hint, depth+1)
		}
		return g.raw(ptr, "allOf of other than objects")
	}
	var props []docmodel.Property
	var required []string
	for _, x := range objects {
		for _, p := range x.Properties {
			if !slices.ContainsFunc(props, func(q docmodel.Property) bool { return q.Name == p.Name }) {
				props = append(props, p)
			}
		}
		for _, r := range x.Required {
			if !slices.Contains(required, r) {
				required = append(required, r)
			}
		}
	}
	if len(props) == 0 {
		return goType{expr: "map[string]json.RawMessage", kind: kindMap, schema: s}
	}
	return g.structOf(s, props, required, ptr, hint, depth)
}

// union returns the type of a oneOf or anyOf: the one alternative besides null, or a union
// type keeping the raw JSON with an accessor per alternative.
func (g *gen) union(s *docmodel.Schema, ptr, hint string, depth int) goType {
	alts, key := s.OneOf, "/oneOf/"
	if len(alts) == 0 {
		alts, key = s.AnyOf, "/anyOf/"
	}
	type alt struct {
		t   goType
		ptr string
	}
	var rest []*docmodel.Schema
	var ptrs []string
	nullable := false
	for i, a := range alts {
		rs, _, err := g.doc.Resolve(a)
		if err == nil && rs != nil && len(rs.Type) == 1 && rs.Type[0] == "null" {
			nullable = true
			continue
		}
		rest = append(rest, a)
		ptrs = append(ptrs, ptr+key+strconv.Itoa(i))
	}
	if len(rest) == 0 {
		return nullType
	}
	if len(rest) == 1 {
		t := g.typeOf(rest[0], ptrs[0], hint, depth+1)
		t.nullable = t.nullable || nullable
		return t
	}
	name := hint
	if !g.named[name] {
		name = g.names.take(exportName(hint))
	}
	delete(g.named, hint)
	var list []alt
	for i, a := range rest {
		list = append(list, alt{g.typeOf(a, ptrs[i], name+" "+strconv.Itoa(i+1), depth+1), ptrs[i]})
	}
	var b strings.Builder
	var names []string
	accessors := namespace{"Raw": true, "MarshalJSON": true, "UnmarshalJSON": true, "JSONSchema": true}
	for i, a := range list {
		names = append(names, accessors.take(altName(a.t, i)))
	}
	fmt.Fprintf(&b, "type %s struct {\n\traw json.RawMessage\n}\n\n", name)
	fmt.Fprintf(&b, "// Raw returns the value as JSON.\nfunc (u %s) Raw() json.RawMessage { return u.raw }\n\n", name)
	fmt.Fprintf(&b, "// MarshalJSON returns the value as it was received or set (null when unset).\n"+
		"func (u %s) MarshalJSON() ([]byte, error) {\n\tif u.raw == nil {\n\t\treturn []byte(\"null\"), nil\n\t}\n\treturn u.raw, nil\n}\n\n", name)
	fmt.Fprintf(&b, "// UnmarshalJSON keeps the value as it is, for the As accessors to decode.\n"+
		"func (u *%s) UnmarshalJSON(b []byte) error {\n\tu.raw = append(json.RawMessage(nil), b...)\n\treturn nil\n}\n\n", name)
	fmt.Fprintf(&b, "// JSONSchema describes the value as the document does.\nfunc (%s) JSONSchema() *openrpc.Schema {\n\treturn documentSchema(%s)\n}\n", name, strconv.Quote(g.schemaJSON(ptr)))
	g.usesSchema = true
	for i, a := range list {
		n := names[i]
		fmt.Fprintf(&b, "\n// As%s decodes the value as %s.\nfunc (u %s) As%s() (%s, error) {\n\tvar v %s\n\terr := json.Unmarshal(u.raw, &v)\n\treturn v, err\n}\n",
			n, a.t.expr, name, n, a.t.expr, a.t.expr)
		fmt.Fprintf(&b, "\n// %sFrom%s returns v as a %s.\nfunc %sFrom%s(v %s) (%s, error) {\n\tb, err := json.Marshal(v)\n\treturn %s{raw: b}, err\n}\n",
			name, n, name, name, n, a.t.expr, name, name)
	}
	g.names.take(name + "From")
	for _, n := range names {
		g.names.take(name + "From" + n)
	}
	var doc []string
	for _, a := range list {
		doc = append(doc, a.t.expr)
	}
	what := "one"
	if key == "/anyOf/" {
		what = "any"
	}
	text := fmt.Sprintf("%s of %s: it keeps the JSON it was decoded from, and the As methods decode it.", what, strings.Join(doc, ", "))
	if d := joinText(s.Title, s.Description); d != "" {
		text += "\n\n" + d
	}
	s2 := &docmodel.Schema{Description: text, Deprecated: s.Deprecated}
	g.decl(name, s2, b.String())
	return goType{expr: name, kind: kindUnion, named: name, nullable: nullable, schema: s}
}

// altName names an alternative of a union for its accessor.
func altName(t goType, i int) string {
	switch {
	case t.kind == kindSlice:
		return "Array"
	case t.kind == kindMap:
		return "Object"
	case t.kind == kindRaw:
		return "Value" + strconv.Itoa(i+1)
	case t.kind == kindNull:
		return "Null"
	}
	return exportName(strings.TrimPrefix(t.expr, "time."))
}

// schemaJSON returns the schema at ptr without $refs, for a union's JSONSchema, or {} when
// it has references (which would not resolve in the served document).
func (g *gen) schemaJSON(ptr string) string {
	raw, err := g.doc.Lookup(ptr)
	if err != nil || bytes.Contains(raw, []byte(`"$ref"`)) {
		return "{}"
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return "{}"
	}
	return buf.String()
}

// enum returns a typed enum for s: a type with one constant per value when the values are
// strings or integers and s has a name, the base type otherwise.
func (g *gen) enum(s *docmodel.Schema, types []string, ptr, hint string) goType {
	values := s.Enum
	if len(values) == 0 {
		values = []json.RawMessage{s.Const}
	}
	var strs []string
	var ints []int64
	nulls, floats, bools := false, 0, 0
	for _, v := range values {
		var str string
		var n int64
		var f float64
		var b bool
		switch {
		case string(bytes.TrimSpace(v)) == "null":
			nulls = true
		case json.Unmarshal(v, &str) == nil:
			strs = append(strs, str)
		case json.Unmarshal(v, &n) == nil:
			ints = append(ints, n)
		case json.Unmarshal(v, &f) == nil:
			floats++
		case json.Unmarshal(v, &b) == nil:
			bools++
		default:
			return g.raw(ptr, "enum of objects or arrays")
		}
	}
	switch {
	case floats > 0 && len(strs) == 0 && bools == 0:
		// Numbers that are not all integers: float64, the enum tag lists them.
		return goType{expr: "float64", kind: kindFloat, nullable: nulls, schema: s}
	case bools > 0 && len(strs) == 0 && len(ints) == 0 && floats == 0:
		return goType{expr: "bool", kind: kindBool, nullable: nulls, schema: s}
	case floats > 0 || bools > 0:
		return g.raw(ptr, "enum of values of several types")
	}
	base, k := "string", kindString
	switch {
	case len(strs) > 0 && len(ints) > 0:
		return g.raw(ptr, "enum of strings and numbers")
	case len(ints) > 0:
		base, k = integerType(s.Format), kindInt
		if len(types) == 1 && types[0] == "number" {
			base, k = "float64", kindFloat
		}
	case len(strs) == 0:
		return nullType
	}
	name := hint
	if !g.named[name] {
		name = g.names.take(exportName(hint))
	}
	delete(g.named, hint)
	var b strings.Builder
	fmt.Fprintf(&b, "type %s %s\n\n// The values of %s.\nconst (\n", name, base, name)
	consts := namespace{}
	for _, v := range strs {
		c := g.names.take(consts.take(name + exportName(v)))
		fmt.Fprintf(&b, "%s %s = %s\n", c, name, strconv.Quote(v))
	}
	for _, n := range ints {
		word := strconv.FormatInt(n, 10)
		if n < 0 {
			word = "Minus" + strconv.FormatInt(-n, 10)
			if n == math.MinInt64 {
				word = "Min"
			}
		}
		c := g.names.take(consts.take(name + word))
		fmt.Fprintf(&b, "%s %s = %d\n", c, name, n)
	}
	b.WriteString(")\n")
	g.decl(name, s, b.String())
	return goType{expr: name, kind: k, nullable: nulls, schema: s}
}

// validJSONName reports whether encoding/json accepts name in a struct tag.
func validJSONName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		default:
			if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
				return false
			}
		}
	}
	return true
}

// formats are the format tags the framework knows.
var formats = map[string]bool{
	"date": true, "time": true, "email": true, "uri": true, "uuid": true, "ipv4": true,
	"ipv6": true, "hostname": true, "duration": true, "regex": true,
}

// tag returns the struct tag of a field: its json name, omitzero when optional,
// required:"true" and nullable:"false" as m says, and the framework's schema keywords that
// fit its type, so a server publishes the constraints.
func (g *gen) tag(name string, optional bool, m memberField, t goType, desc, ptr string) string {
	jsonName := name
	switch {
	case optional:
		jsonName += ",omitzero"
	case name == "-":
		jsonName = "-,"
	}
	parts := []string{"json:" + strconv.Quote(jsonName)}
	add := func(key, val string) { parts = append(parts, key+":"+strconv.Quote(val)) }
	if m.required {
		add("required", "true")
	}
	if m.notNull {
		add("nullable", "false")
	}
	s := t.schema
	vt := t
	if t.kind == kindSlice && s != nil {
		if s.MinItems != nil {
			add("minItems", strconv.Itoa(*s.MinItems))
		}
		if s.MaxItems != nil {
			add("maxItems", strconv.Itoa(*s.MaxItems))
		}
		if s.UniqueItems {
			add("uniqueItems", "true")
		}
		if t.elem != nil {
			vt = *t.elem
			s = vt.schema
		}
	}
	if s != nil {
		num := func(key string, v *float64) {
			if v != nil && !math.IsInf(*v, 0) && !math.IsNaN(*v) && (key != "multipleOf" || *v > 0) {
				add(key, strconv.FormatFloat(*v, 'g', -1, 64))
			}
		}
		if vt.kind == kindInt || vt.kind == kindFloat {
			num("minimum", s.Minimum)
			num("maximum", s.Maximum)
			num("exclusiveMinimum", s.ExclusiveMinimum)
			num("exclusiveMaximum", s.ExclusiveMaximum)
			num("multipleOf", s.MultipleOf)
		}
		if vt.kind == kindString {
			if s.MinLength != nil && *s.MinLength >= 0 {
				add("minLength", strconv.Itoa(*s.MinLength))
			}
			if s.MaxLength != nil && *s.MaxLength >= 0 {
				add("maxLength", strconv.Itoa(*s.MaxLength))
			}
			if s.Pattern != "" {
				if _, err := regexp.Compile(s.Pattern); err == nil {
					add("pattern", s.Pattern)
				} else {
					g.note(ptr, "pattern %q is not a Go regular expression: left out", s.Pattern)
				}
			}
			if formats[s.Format] {
				add("format", s.Format)
			}
		}
		if (vt.kind == kindString || vt.kind == kindInt || vt.kind == kindFloat) && (len(s.Enum) > 0 || s.Const != nil) {
			if e, ok := enumTag(s, vt.kind); ok {
				add("enum", e)
			}
		}
		if s.Deprecated {
			add("deprecated", "true")
		}
	}
	if desc != "" {
		add("doc", desc)
	}
	tag := strings.Join(parts, " ")
	if strings.Contains(tag, "`") {
		return strconv.Quote(tag)
	}
	return "`" + tag + "`"
}

// enumTag returns the enum tag of s's values, when they fit a field of kind k: strings
// without commas, integers in int64, finite numbers.
func enumTag(s *docmodel.Schema, k kind) (string, bool) {
	values := s.Enum
	if len(values) == 0 {
		values = []json.RawMessage{s.Const}
	}
	var out []string
	for _, v := range values {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if dec.Decode(&x) != nil {
			return "", false
		}
		switch x := x.(type) {
		case string:
			if k != kindString || strings.Contains(x, ",") || x == "" {
				return "", false
			}
			out = append(out, x)
		case json.Number:
			switch k {
			case kindInt:
				if _, err := strconv.ParseInt(x.String(), 10, 64); err != nil {
					return "", false
				}
			case kindFloat:
				if f, err := x.Float64(); err != nil || math.IsInf(f, 0) {
					return "", false
				}
			default:
				return "", false
			}
			out = append(out, x.String())
		case nil:
		default:
			return "", false
		}
	}
	return strings.Join(out, ","), len(out) > 0
}

// escapePointer escapes a JSON Pointer token.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// integerType is the Go type of an integer of the given format: the sized type, which the
// framework publishes with the same format, or int64.
func integerType(format string) string {
	switch format {
	case "int8", "int16", "int32", "uint8", "uint16", "uint32", "uint64":
		return format
	}
	return "int64"
}
