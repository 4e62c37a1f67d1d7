package docmodel

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Schema is a JSON Schema as documents in the wild write it: draft-04 to draft-2020-12
// keywords, boolean schemas, and keywords this package does not know kept in Extra.
type Schema struct {
	// Bool is set for a boolean schema: true (anything) or false (nothing).
	Bool *bool

	Ref         string
	ID          string
	Title       string
	Description string
	Type        []string
	Format      string
	Enum        []json.RawMessage
	Const       json.RawMessage
	Default     json.RawMessage
	Examples    []json.RawMessage

	Minimum          *float64
	Maximum          *float64
	ExclusiveMinimum *float64
	ExclusiveMaximum *float64
	MultipleOf       *float64

	MinLength       *int
	MaxLength       *int
	Pattern         string
	ContentEncoding string
	ContentMedia    string

	// Items is the schema of every item (items as one schema); TupleItems the schemas of
	// the first items, by position (items as an array, or prefixItems).
	Items           *Schema
	TupleItems      []*Schema
	AdditionalItems *Schema
	Contains        *Schema
	MinItems        *int
	MaxItems        *int
	UniqueItems     bool

	Properties           []Property
	Required             []string
	AdditionalProperties *Schema
	PatternProperties    []Property
	PropertyNames        *Schema
	MinProperties        *int
	MaxProperties        *int

	AllOf []*Schema
	AnyOf []*Schema
	OneOf []*Schema
	Not   *Schema
	If    *Schema
	Then  *Schema
	Else  *Schema

	// Definitions holds definitions and $defs, in order.
	Definitions []Property

	Deprecated bool
	ReadOnly   bool
	WriteOnly  bool
	// Nullable is OpenAPI's nullable: true, which some OpenRPC documents use.
	Nullable bool

	// Extra holds the members of the schema object this type has no field for.
	Extra map[string]json.RawMessage
}

// Property is a named schema: a member of properties, patternProperties or definitions.
type Property struct {
	Name   string
	Schema *Schema
}

// IsTrue reports whether s accepts any value: the schema true, {}, or a nil schema.
func (s *Schema) IsTrue() bool {
	if s == nil {
		return true
	}
	if s.Bool != nil {
		return *s.Bool
	}
	return s.Ref == "" && len(s.Type) == 0 && s.Enum == nil && s.Const == nil &&
		s.Minimum == nil && s.Maximum == nil && s.ExclusiveMinimum == nil &&
		s.ExclusiveMaximum == nil && s.MultipleOf == nil && s.MinLength == nil &&
		s.MaxLength == nil && s.Pattern == "" && s.Format == "" && s.Items == nil &&
		s.TupleItems == nil && s.AdditionalItems == nil && s.Contains == nil &&
		s.MinItems == nil && s.MaxItems == nil && !s.UniqueItems && s.Properties == nil &&
		s.Required == nil && s.AdditionalProperties == nil && s.PatternProperties == nil &&
		s.PropertyNames == nil && s.MinProperties == nil && s.MaxProperties == nil &&
		s.AllOf == nil && s.AnyOf == nil && s.OneOf == nil && s.Not == nil && s.If == nil &&
		!s.Nullable
}

// IsFalse reports whether s is the boolean schema false.
func (s *Schema) IsFalse() bool { return s != nil && s.Bool != nil && !*s.Bool }

// HasType reports whether s lists t in its type keyword.
func (s *Schema) HasType(t string) bool {
	if s == nil {
		return false
	}
	for _, x := range s.Type {
		if x == t {
			return true
		}
	}
	return false
}

// Property returns the schema of the named property, or nil.
func (s *Schema) Property(name string) *Schema {
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema
		}
	}
	return nil
}

// IsRequired reports whether name is in the required keyword.
func (s *Schema) IsRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}

// TightenBounds sets s's bounds (minimum, maximum and their exclusive forms, lengths, item
// and property counts) to the tighter of its own and p's: the greater lower bound, the
// smaller upper bound, as both hold when a value must meet both schemas (allOf). It leaves
// multipleOf, whose combination is the caller's choice, alone.
func (s *Schema) TightenBounds(p *Schema) {
	s.Minimum = Tighter(s.Minimum, p.Minimum, true)
	s.ExclusiveMinimum = Tighter(s.ExclusiveMinimum, p.ExclusiveMinimum, true)
	s.Maximum = Tighter(s.Maximum, p.Maximum, false)
	s.ExclusiveMaximum = Tighter(s.ExclusiveMaximum, p.ExclusiveMaximum, false)
	s.MinLength = Tighter(s.MinLength, p.MinLength, true)
	s.MaxLength = Tighter(s.MaxLength, p.MaxLength, false)
	s.MinItems = Tighter(s.MinItems, p.MinItems, true)
	s.MaxItems = Tighter(s.MaxItems, p.MaxItems, false)
	s.MinProperties = Tighter(s.MinProperties, p.MinProperties, true)
	s.MaxProperties = Tighter(s.MaxProperties, p.MaxProperties, false)
}

// Tighter returns the tighter of two lower bounds (lower true: the greater) or two upper
// bounds (the smaller); a missing bound is no bound.
func Tighter[T cmp.Ordered](a, b *T, lower bool) *T {
	if a == nil || b != nil && *b != *a && (*b > *a) == lower {
		return b
	}
	return a
}

// UnmarshalJSON decodes a schema object or a boolean schema.
func (s *Schema) UnmarshalJSON(b []byte) error {
	*s = Schema{}
	b = bytes.TrimSpace(b)
	switch string(b) {
	case "true", "false":
		v := string(b) == "true"
		s.Bool = &v
		return nil
	}
	members, err := decodeObject(b)
	if err != nil {
		return errors.New("a schema must be an object or a boolean")
	}
	var exclMinBool, exclMaxBool bool
	for _, m := range members {
		if err := s.decodeMember(m.name, m.value, &exclMinBool, &exclMaxBool); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	// draft-04 writes exclusive bounds as booleans beside minimum and maximum.
	if exclMinBool && s.Minimum != nil {
		s.ExclusiveMinimum, s.Minimum = s.Minimum, nil
	}
	if exclMaxBool && s.Maximum != nil {
		s.ExclusiveMaximum, s.Maximum = s.Maximum, nil
	}
	return nil
}

func (s *Schema) decodeMember(name string, v json.RawMessage, exclMinBool, exclMaxBool *bool) error {
	str := func(dst *string) error { return json.Unmarshal(v, dst) }
	num := func(dst **float64) error { return json.Unmarshal(v, dst) }
	integer := func(dst **int) error { return json.Unmarshal(v, dst) }
	boolean := func(dst *bool) error { return json.Unmarshal(v, dst) }
	sub := func(dst **Schema) error { return decodeSub(v, dst) }
	list := func(dst *[]*Schema) error {
		items, err := decodeArray(v)
		if err != nil {
			return errors.New("must be an array of schemas")
		}
		*dst = make([]*Schema, len(items))
		for i, item := range items {
			if err := decodeSub(item, &(*dst)[i]); err != nil {
				return fmt.Errorf("%d: %w", i, err)
			}
		}
		return nil
	}
	switch name {
	case "$ref":
		return str(&s.Ref)
	case "$id", "id":
		if err := str(&s.ID); err != nil {
			s.extra(name, v) // "id" may be a property named id in a sloppy document
		}
		return nil
	case "title":
		return str(&s.Title)
	case "description":
		return str(&s.Description)
	case "type":
		var one string
		if json.Unmarshal(v, &one) == nil {
			s.Type = []string{one}
			return nil
		}
		return json.Unmarshal(v, &s.Type)
	case "format":
		return str(&s.Format)
	case "enum":
		return json.Unmarshal(v, &s.Enum)
	case "const":
		s.Const = v
	case "default":
		s.Default = v
	case "examples":
		if json.Unmarshal(v, &s.Examples) != nil {
			s.Examples = []json.RawMessage{v}
		}
	case "example":
		s.Examples = append(s.Examples, v)
	case "minimum":
		return num(&s.Minimum)
	case "maximum":
		return num(&s.Maximum)
	case "exclusiveMinimum":
		if json.Unmarshal(v, exclMinBool) == nil {
			return nil
		}
		return num(&s.ExclusiveMinimum)
	case "exclusiveMaximum":
		if json.Unmarshal(v, exclMaxBool) == nil {
			return nil
		}
		return num(&s.ExclusiveMaximum)
	case "multipleOf":
		return num(&s.MultipleOf)
	case "minLength":
		return integer(&s.MinLength)
	case "maxLength":
		return integer(&s.MaxLength)
	case "pattern":
		return str(&s.Pattern)
	case "contentEncoding":
		return str(&s.ContentEncoding)
	case "contentMediaType":
		return str(&s.ContentMedia)
	case "items":
		if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '[' {
			return list(&s.TupleItems)
		}
		return sub(&s.Items)
	case "prefixItems":
		return list(&s.TupleItems)
	case "additionalItems":
		return sub(&s.AdditionalItems)
	case "contains":
		return sub(&s.Contains)
	case "minItems":
		return integer(&s.MinItems)
	case "maxItems":
		return integer(&s.MaxItems)
	case "uniqueItems":
		return boolean(&s.UniqueItems)
	case "properties":
		p, err := decodeSchemas(v)
		s.Properties = p
		return err
	case "required":
		// draft-03 wrote required: true on the property; such a document is read as if it
		// had not said.
		if json.Unmarshal(v, &s.Required) != nil {
			s.extra(name, v)
		}
	case "additionalProperties":
		return sub(&s.AdditionalProperties)
	case "patternProperties":
		p, err := decodeSchemas(v)
		s.PatternProperties = p
		return err
	case "propertyNames":
		return sub(&s.PropertyNames)
	case "minProperties":
		return integer(&s.MinProperties)
	case "maxProperties":
		return integer(&s.MaxProperties)
	case "allOf":
		return list(&s.AllOf)
	case "anyOf":
		return list(&s.AnyOf)
	case "oneOf":
		return list(&s.OneOf)
	case "not":
		return sub(&s.Not)
	case "if":
		return sub(&s.If)
	case "then":
		return sub(&s.Then)
	case "else":
		return sub(&s.Else)
	case "definitions", "$defs":
		p, err := decodeSchemas(v)
		s.Definitions = append(s.Definitions, p...)
		return err
	case "deprecated":
		return boolean(&s.Deprecated)
	case "readOnly":
		return boolean(&s.ReadOnly)
	case "writeOnly":
		return boolean(&s.WriteOnly)
	case "nullable":
		return boolean(&s.Nullable)
	default:
		s.extra(name, v)
	}
	return nil
}

func (s *Schema) extra(name string, v json.RawMessage) {
	if s.Extra == nil {
		s.Extra = make(map[string]json.RawMessage)
	}
	s.Extra[name] = v
}

type member struct {
	name  string
	value json.RawMessage
}

// decodeObject returns the members of a JSON object in order. The values are slices of b,
// not copies: a schema nested n deep is decoded by n calls, each of which would otherwise
// copy all that is below it. b is valid JSON (json.Unmarshal checks it before it calls an
// UnmarshalJSON, Parse before it decodes the document): decodeObject only finds where
// each member starts and ends.
func decodeObject(b []byte) ([]member, error) {
	errNotObject := errors.New("not an object")
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, errNotObject
	}
	i = skipSpace(b, i+1)
	var out []member
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return nil, errNotObject
			}
			end, err := valueEnd(b, i)
			if err != nil {
				return nil, err
			}
			var name string
			if err := json.Unmarshal(b[i:end], &name); err != nil {
				return nil, err
			}
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ':' {
				return nil, errNotObject
			}
			i = skipSpace(b, i+1)
			if end, err = valueEnd(b, i); err != nil {
				return nil, err
			}
			out = append(out, member{name: name, value: b[i:end:end]})
			i = skipSpace(b, end)
			if i < len(b) && b[i] == ',' {
				i = skipSpace(b, i+1)
				continue
			}
			if i >= len(b) || b[i] != '}' {
				return nil, errNotObject
			}
			i++
			break
		}
	}
	if skipSpace(b, i) != len(b) {
		return nil, errNotObject
	}
	return out, nil
}

// decodeSub decodes the schema v, valid JSON, into *dst: here, not through json.Unmarshal,
// which would check all that is below it again at each level of nesting.
func decodeSub(v []byte, dst **Schema) error {
	if string(v) == "null" {
		*dst = nil
		return nil
	}
	*dst = new(Schema)
	return (*dst).UnmarshalJSON(v)
}

// decodeArray returns the items of a JSON array, valid JSON, as slices of b.
func decodeArray(b []byte) ([][]byte, error) {
	errNotArray := errors.New("not an array")
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, errNotArray
	}
	i = skipSpace(b, i+1)
	var out [][]byte
	if i < len(b) && b[i] == ']' {
		i++
	} else {
		for {
			end, err := valueEnd(b, i)
			if err != nil {
				return nil, err
			}
			out = append(out, b[i:end:end])
			i = skipSpace(b, end)
			if i < len(b) && b[i] == ',' {
				i = skipSpace(b, i+1)
				continue
			}
			if i >= len(b) || b[i] != ']' {
				return nil, errNotArray
			}
			i++
			break
		}
	}
	if skipSpace(b, i) != len(b) {
		return nil, errNotArray
	}
	return out, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the offset just past the JSON value that starts at b[i].
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, io.ErrUnexpectedEOF
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1, nil
			}
		}
		return 0, io.ErrUnexpectedEOF
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := valueEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, io.ErrUnexpectedEOF
	}
	j := i
	for j < len(b) && bytes.IndexByte([]byte(" \t\r\n,:]}"), b[j]) < 0 {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("no value at offset %d", i)
	}
	return j, nil
}

// decodeSchemas decodes an object of schemas, keeping the members' order.
func decodeSchemas(b []byte) ([]Property, error) {
	members, err := decodeObject(b)
	if err != nil {
		return nil, errors.New("must be an object of schemas")
	}
	out := make([]Property, 0, len(members))
	for _, m := range members {
		s := new(Schema)
		if err := s.UnmarshalJSON(m.value); err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		out = append(out, Property{Name: m.name, Schema: s})
	}
	return out, nil
}
