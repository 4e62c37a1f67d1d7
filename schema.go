package openrpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"unicode"
)

// Schema is a JSON Schema, in the draft-07 vocabulary OpenRPC documents use. The framework
// builds one for every params field and result from its Go type and tags; a type supplies its
// own by implementing [SchemaProvider].
type Schema struct {
	Ref                  string          `json:"$ref,omitempty"`
	Title                string          `json:"title,omitempty"`
	Description          string          `json:"description,omitempty"`
	Type                 SchemaType      `json:"type,omitempty"`
	Format               string          `json:"format,omitempty"`
	ContentEncoding      string          `json:"contentEncoding,omitempty"`
	Enum                 []any           `json:"enum,omitempty"`
	Default              json.RawMessage `json:"default,omitempty"`
	Examples             []any           `json:"examples,omitempty"`
	Minimum              *float64        `json:"minimum,omitempty"`
	Maximum              *float64        `json:"maximum,omitempty"`
	ExclusiveMinimum     *float64        `json:"exclusiveMinimum,omitempty"`
	ExclusiveMaximum     *float64        `json:"exclusiveMaximum,omitempty"`
	MultipleOf           *float64        `json:"multipleOf,omitempty"`
	MinLength            *int            `json:"minLength,omitempty"`
	MaxLength            *int            `json:"maxLength,omitempty"`
	Pattern              string          `json:"pattern,omitempty"`
	Items                *Schema         `json:"items,omitempty"`
	MinItems             *int            `json:"minItems,omitempty"`
	MaxItems             *int            `json:"maxItems,omitempty"`
	UniqueItems          bool            `json:"uniqueItems,omitempty"`
	Properties           Properties      `json:"properties,omitempty"`
	Required             []string        `json:"required,omitempty"`
	AdditionalProperties *Schema         `json:"additionalProperties,omitempty"`
	PropertyNames        *Schema         `json:"propertyNames,omitempty"`
	OneOf                []*Schema       `json:"oneOf,omitempty"`
	AnyOf                []*Schema       `json:"anyOf,omitempty"`
	AllOf                []*Schema       `json:"allOf,omitempty"`
	Deprecated           bool            `json:"deprecated,omitempty"`
	ReadOnly             bool            `json:"readOnly,omitempty"`

	// never makes the schema the boolean schema false, which no value satisfies.
	never bool
}

// False returns the schema no value satisfies, e.g. for AdditionalProperties of a closed
// object.
func False() *Schema { return &Schema{never: true} }

// MarshalJSON encodes s, as false for [False].
func (s *Schema) MarshalJSON() ([]byte, error) {
	if s.never {
		return []byte("false"), nil
	}
	type plain Schema
	return json.Marshal((*plain)(s))
}

// UnmarshalJSON decodes a schema object or a boolean schema.
func (s *Schema) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "false":
		*s = Schema{never: true}
		return nil
	case "true":
		*s = Schema{}
		return nil
	}
	type plain Schema
	return json.Unmarshal(b, (*plain)(s))
}

// SchemaType is the type keyword: one JSON type, or several such as ["string", "null"].
type SchemaType []string

// MarshalJSON encodes a single type as a string.
func (t SchemaType) MarshalJSON() ([]byte, error) {
	if len(t) == 1 {
		return json.Marshal(t[0])
	}
	return json.Marshal([]string(t))
}

// UnmarshalJSON accepts a string or an array of strings.
func (t *SchemaType) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = SchemaType{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(t))
}

// Property is one member of [Properties].
type Property struct {
	Name   string
	Schema *Schema
}

// Properties are the properties of an object schema, kept in the order of the Go fields.
type Properties []Property

// MarshalJSON encodes the properties as a JSON object, in order.
func (p Properties) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, prop := range p {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, err := json.Marshal(prop.Name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(prop.Schema)
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}

// UnmarshalJSON decodes a JSON object of schemas, keeping the members' order.
func (p *Properties) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("properties must be an object")
	}
	*p = nil
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		s := new(Schema)
		if err := dec.Decode(s); err != nil {
			return err
		}
		*p = append(*p, Property{Name: tok.(string), Schema: s})
	}
	return nil
}

// SchemaProvider is implemented by types that describe themselves: the framework publishes
// the schema JSONSchema returns, called on the zero value, instead of one built from the Go
// type. Such a type should also decode itself (UnmarshalJSON) and check what its schema
// says, as the framework does not validate it further.
type SchemaProvider interface {
	JSONSchema() *Schema
}

var schemaProviderType = reflect.TypeFor[SchemaProvider]()

// schemaGen builds schemas for one document, collecting named struct types as components.
type schemaGen struct {
	components map[string]*Schema
	names      map[reflect.Type]string // the component name of each named struct type
	taken      map[string]reflect.Type
	building   map[reflect.Type]bool // non-struct types being described, to refuse recursion
}

func newSchemaGen() *schemaGen {
	return &schemaGen{components: map[string]*Schema{}, names: map[reflect.Type]string{}, taken: map[string]reflect.Type{}}
}

const componentsPrefix = "#/components/schemas/"

// typeSchema returns the schema of values of type t.
func (g *schemaGen) typeSchema(t reflect.Type) (*Schema, error) {
	if k := t.Kind(); t.Name() != "" && (k == reflect.Slice || k == reflect.Array || k == reflect.Map || k == reflect.Pointer) {
		if g.building[t] {
			return nil, fmt.Errorf("type %s refers to itself: only struct types may be recursive", t)
		}
		if g.building == nil {
			g.building = map[reflect.Type]bool{}
		}
		g.building[t] = true
		defer delete(g.building, t)
	}
	if s, ok := providedSchema(t); ok {
		return s, nil
	}
	switch {
	case t == timeType:
		return &Schema{Type: SchemaType{"string"}, Format: "date-time"}, nil
	case t == rawMessageType:
		return &Schema{}, nil
	case t.Implements(optionalTypeIface):
		s, err := g.typeSchema(t.Field(0).Type)
		if err != nil {
			return nil, err
		}
		return nullable(s), nil
	case reflect.PointerTo(t).Implements(textUnmarshalerType) && !reflect.PointerTo(t).Implements(jsonUnmarshalerType):
		return &Schema{Type: SchemaType{"string"}}, nil // decoded from its text form, like netip.Addr
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t).Implements(jsonUnmarshalerType):
		return &Schema{Type: SchemaType{"string"}, ContentEncoding: "base64"}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: SchemaType{"boolean"}}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s := &Schema{Type: SchemaType{"integer"}, Format: fmt.Sprintf("int%d", t.Bits())}
		if t.Bits() < 64 { // 64-bit bounds have no exact float64, and so no exact JSON number here
			lo, hi := -math.Ldexp(1, t.Bits()-1), math.Ldexp(1, t.Bits()-1)-1
			s.Minimum, s.Maximum = &lo, &hi
		}
		return s, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		lo := 0.0
		s := &Schema{Type: SchemaType{"integer"}, Format: fmt.Sprintf("uint%d", t.Bits()), Minimum: &lo}
		if t.Bits() < 64 {
			hi := math.Ldexp(1, t.Bits()) - 1
			s.Maximum = &hi
		}
		return s, nil
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: SchemaType{"number"}}, nil
	case reflect.String:
		return &Schema{Type: SchemaType{"string"}}, nil
	case reflect.Interface:
		return &Schema{}, nil
	case reflect.Pointer:
		s, err := g.typeSchema(t.Elem())
		if err != nil {
			return nil, err
		}
		return nullable(s), nil
	case reflect.Slice, reflect.Array:
		items, err := g.typeSchema(t.Elem())
		if err != nil {
			return nil, err
		}
		s := &Schema{Type: SchemaType{"array"}, Items: items}
		if t.Kind() == reflect.Array {
			n := t.Len()
			s.MinItems, s.MaxItems = &n, &n
		}
		return s, nil
	case reflect.Map:
		v, err := g.typeSchema(t.Elem())
		if err != nil {
			return nil, err
		}
		s := &Schema{Type: SchemaType{"object"}, AdditionalProperties: v}
		switch t.Key().Kind() { // integer keys, as encoding/json writes them
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if !reflect.PointerTo(t.Key()).Implements(textUnmarshalerType) {
				s.PropertyNames = &Schema{Pattern: "^-?(0|[1-9][0-9]*)$"}
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			if !reflect.PointerTo(t.Key()).Implements(textUnmarshalerType) {
				s.PropertyNames = &Schema{Pattern: "^(0|[1-9][0-9]*)$"}
			}
		}
		return s, nil
	case reflect.Struct:
		if t.Name() == "" {
			return g.structSchema(t)
		}
		return g.component(t)
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		return &Schema{}, nil
	}
	return nil, fmt.Errorf("type %s cannot be described in JSON Schema", t)
}

// providedSchema returns the schema a SchemaProvider type gives.
func providedSchema(t reflect.Type) (*Schema, bool) {
	var p SchemaProvider
	switch {
	case t.Implements(schemaProviderType):
		p, _ = reflect.Zero(t).Interface().(SchemaProvider)
		if t.Kind() == reflect.Pointer {
			p, _ = reflect.New(t.Elem()).Interface().(SchemaProvider)
		}
	case reflect.PointerTo(t).Implements(schemaProviderType):
		p, _ = reflect.New(t).Interface().(SchemaProvider)
	default:
		return nil, false
	}
	s := p.JSONSchema()
	if s == nil {
		return &Schema{}, true
	}
	c := *s
	return &c, true
}

// component returns a reference to the component of named struct type t, building it once.
func (g *schemaGen) component(t reflect.Type) (*Schema, error) {
	name, ok := g.names[t]
	if !ok {
		name = g.componentName(t)
		g.names[t] = name
		g.taken[name] = t
		g.components[name] = nil // reserved: recursive types refer to it while it is built
		s, err := g.structSchema(t)
		if err != nil {
			return nil, err
		}
		g.components[name] = s
	}
	return &Schema{Ref: componentsPrefix + name}, nil
}

// componentName picks a unique component name for t: its Go name, then prefixed with its
// package's name, then numbered.
func (g *schemaGen) componentName(t reflect.Type) string {
	base := sanitizeName(t.Name())
	if _, taken := g.taken[base]; !taken {
		return base
	}
	pkg := t.PkgPath()
	pkg = pkg[strings.LastIndexByte(pkg, '/')+1:]
	name := sanitizeName(pkg + "_" + t.Name())
	for i := 2; ; i++ {
		if _, taken := g.taken[name]; !taken {
			return name
		}
		name = fmt.Sprintf("%s_%s%d", sanitizeName(pkg), sanitizeName(t.Name()), i)
	}
}

// sanitizeName turns a Go type name into a component name of letters, digits and
// underscores: package paths inside type arguments are dropped, so the instantiation
// Page[example.com/x.User] becomes Page_User.
func sanitizeName(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '[' || r == ']' || r == ',' || r == ' ' })
	for i, p := range parts {
		parts[i] = p[strings.LastIndexAny(p, "./")+1:]
	}
	s = strings.Join(parts, "_")
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			return r
		}
		return '_'
	}, s)
}

// structSchema describes struct t as a closed object.
func (g *schemaGen) structSchema(t reflect.Type) (*Schema, error) {
	fields, err := structFields(t)
	if err != nil {
		return nil, err
	}
	s := &Schema{Type: SchemaType{"object"}, AdditionalProperties: False()}
	s.Properties = Properties{}
	for _, f := range fields {
		fs, err := g.fieldSchema(f, true)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t, f.name, err)
		}
		s.Properties = append(s.Properties, Property{Name: f.name, Schema: fs})
		if f.required {
			s.Required = append(s.Required, f.name)
		}
	}
	return s, nil
}

// fieldSchema is the schema of one struct field with its tags applied. withDoc puts the doc
// tag in the schema's description (for object properties; a param's content descriptor
// carries it instead).
func (g *schemaGen) fieldSchema(f fieldInfo, withDoc bool) (*Schema, error) {
	t := derefType(f.typ)
	null := t != f.typ && !f.c.notNull
	s, err := g.typeSchema(t)
	if err != nil {
		return nil, err
	}
	c := f.c
	if isListType(t) {
		applyToItems(s, c)
		s.MinItems = orInt(c.minItems, s.MinItems)
		s.MaxItems = orInt(c.maxItems, s.MaxItems)
		s.UniqueItems = c.uniqueItems
	} else {
		s = applyValueKeywords(s, c)
	}
	if null {
		s = nullable(s)
	}
	if (withDoc && c.doc != "") || c.hasDefault || c.hasExample || c.deprecated || c.readOnly {
		if s.Ref != "" {
			s = &Schema{AllOf: []*Schema{s}}
		}
		if withDoc {
			s.Description = c.doc
		}
		if c.hasDefault {
			s.Default = mustJSON(c.def)
		}
		if c.hasExample {
			s.Examples = []any{c.example}
		}
		s.Deprecated = c.deprecated
		s.ReadOnly = c.readOnly
	}
	return s, nil
}

// applyToItems puts the value keywords of c on the innermost items of list schema s, through
// nested lists (a [][]int field's minimum constrains the ints), as the decoder checks them.
func applyToItems(s *Schema, c *constraints) {
	list := unwrapNullable(s)
	if list.Items == nil {
		return
	}
	if items := unwrapNullable(list.Items); hasType(items, "array") && items.Items != nil {
		applyToItems(list.Items, c)
		return
	}
	list.Items = applyValueKeywords(list.Items, c)
}

func orInt(a, b *int) *int {
	if a != nil {
		return a
	}
	return b
}

func hasValueKeywords(c *constraints) bool {
	return c.minimum != nil || c.maximum != nil || c.exclusiveMinimum != nil || c.exclusiveMaximum != nil ||
		c.multipleOf != nil || c.minLength != nil || c.maxLength != nil || c.pattern != nil ||
		c.format != "" || c.enum != nil
}

// applyValueKeywords returns s with the value keywords of c, wrapping a reference (whose
// siblings draft-07 ignores) in allOf.
func applyValueKeywords(s *Schema, c *constraints) *Schema {
	if !hasValueKeywords(c) {
		return s
	}
	if inner := unwrapNullable(s); inner != s {
		s.OneOf[0] = applyValueKeywords(inner, c)
		return s
	}
	if s.Ref != "" {
		s = &Schema{AllOf: []*Schema{s}}
	}
	// A tag bound wider than the Go type's does not widen what the server accepts.
	if c.minimum != nil && (s.Minimum == nil || *c.minimum > *s.Minimum) {
		s.Minimum = c.minimum
	}
	if c.maximum != nil && (s.Maximum == nil || *c.maximum < *s.Maximum) {
		s.Maximum = c.maximum
	}
	s.ExclusiveMinimum = c.exclusiveMinimum
	s.ExclusiveMaximum = c.exclusiveMaximum
	s.MultipleOf = c.multipleOf
	s.MinLength = c.minLength
	s.MaxLength = c.maxLength
	if c.pattern != nil {
		s.Pattern = c.pattern.String()
	}
	if c.format != "" {
		s.Format = c.format
	}
	if c.enum != nil {
		s.Enum = c.enum
		if hasType(s, "null") {
			s.Enum = append(s.Enum[:len(s.Enum):len(s.Enum)], nil)
		}
	}
	return s
}

// nullable returns a schema that also accepts null.
func nullable(s *Schema) *Schema {
	switch {
	case s.Ref != "" || len(s.Type) == 0 && (s.OneOf != nil || s.AllOf != nil || s.AnyOf != nil):
		return &Schema{OneOf: []*Schema{s, {Type: SchemaType{"null"}}}}
	case len(s.Type) == 0 || hasType(s, "null"):
		return s // any value, null included
	}
	s.Type = append(s.Type, "null")
	if s.Enum != nil {
		s.Enum = append(s.Enum, nil)
	}
	return s
}

func hasType(s *Schema, t string) bool {
	for _, x := range s.Type {
		if x == t {
			return true
		}
	}
	return false
}

// unwrapNullable returns the non-null branch of a schema made by nullable.
func unwrapNullable(s *Schema) *Schema {
	if len(s.OneOf) == 2 && len(s.OneOf[1].Type) == 1 && s.OneOf[1].Type[0] == "null" {
		return s.OneOf[0]
	}
	return s
}
