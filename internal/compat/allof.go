package compat

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// merge reads {"allOf": [S1, S2, …], ...keywords} as the one schema that accepts what
// every part accepts (the keywords beside allOf are one part more), so that an object
// written as a base and an extension compares equal to the same object written flat, and
// a change inside a part is found at the member it changes. It returns the same copy for
// the same schema, so recursive schemas end, and s itself when its parts cannot be merged
// (see combine); {"allOf": [S], ...keywords} whose parts cannot be merged is read, as
// before, as S with the keywords set on it (override).
func (c *comparer) merge(doc *docmodel.Document, s *docmodel.Schema) *docmodel.Schema {
	if m, ok := c.merged[s]; ok {
		return m
	}
	if c.merged == nil {
		c.merged = make(map[*docmodel.Schema]*docmodel.Schema)
	}
	c.merged[s] = s // while merging: a schema that is its own allOf stays as it is
	m := c.mergeParts(doc, s)
	if m == nil && len(s.AllOf) == 1 {
		m = c.override(doc, s)
	}
	if m == nil {
		m = s
	}
	c.merged[s] = m
	return m
}

// mergeParts simplifies the parts of s and combines them, nil when they cannot be.
func (c *comparer) mergeParts(doc *docmodel.Document, s *docmodel.Schema) *docmodel.Schema {
	parts := slices.Clone(s.AllOf)
	rest := *s
	rest.AllOf = nil
	// nullable: true beside allOf, without a type, makes the whole nullable, as OpenAPI
	// documents mean it (and as it was read before allOf was merged).
	orNull := rest.Nullable && len(rest.Type) == 0
	if orNull {
		rest.Nullable = false
	}
	if !text(rest).IsTrue() || len(rest.Extra) > 0 {
		parts = append(parts, &rest)
	}
	m := c.mergeSimplified(doc, parts)
	if m == nil || !orNull || m.Bool != nil || typeSet(m) == nil {
		return m
	}
	n := *m
	n.Nullable = true
	return &n
}

// mergeSimplified simplifies parts and combines them, nil when they cannot be.
func (c *comparer) mergeSimplified(doc *docmodel.Document, parts []*docmodel.Schema) *docmodel.Schema {
	var simple []*docmodel.Schema
	for _, p := range parts {
		p = c.simplify(doc, p)
		switch {
		case p == nil || len(p.AllOf) > 0:
			return nil // unresolved, or an allOf that cannot be merged (or is merging)
		case p.IsFalse():
			return p // nothing is accepted
		case p.IsTrue() || slices.Contains(simple, p):
			continue
		}
		simple = append(simple, p)
	}
	switch len(simple) {
	case 0:
		return &docmodel.Schema{}
	case 1:
		return simple[0]
	}
	m, ok := c.combine(simple)
	if !ok {
		return nil
	}
	return m
}

// text returns s without the keywords that do not constrain values.
func text(s docmodel.Schema) *docmodel.Schema {
	s.Title, s.Description, s.Examples, s.Default = "", "", nil, nil
	s.Deprecated, s.ReadOnly, s.WriteOnly, s.Definitions = false, false, false, nil
	s.ID, s.ContentEncoding, s.ContentMedia = "", "", ""
	return &s
}

// override reads {"allOf": [S], ...keywords} as S with the keywords set on it, those of
// the keywords winning: how it was read before allOf was merged, kept for the schemas
// combine refuses (a type beside a $ref of another type, say).
func (c *comparer) override(doc *docmodel.Document, s *docmodel.Schema) *docmodel.Schema {
	base := c.simplify(doc, s.AllOf[0])
	if base == nil || base.Bool != nil {
		return nil
	}
	m := *base
	dst, src := reflect.ValueOf(&m).Elem(), reflect.ValueOf(s).Elem()
	for i := range src.NumField() {
		if f := src.Field(i); !f.IsZero() && src.Type().Field(i).Name != "AllOf" {
			dst.Field(i).Set(f)
		}
	}
	return &m
}

// combine returns the schema that accepts what every one of parts (simplified schemas,
// none an allOf or a boolean) accepts: types and enums intersected, the tightest bounds,
// properties and required united. A member that several parts constrain, or that a part
// constrains through its additionalProperties because it does not name it, gets the allOf
// of those schemas, merged in turn when compared. So a member that a part closed with
// additionalProperties: false does not name is false in the merge: JSON Schema refuses it,
// even where another part names it, and the comparison says so.
//
// It returns false when the parts do not merge into one schema: types or enums with
// nothing in common, different patterns or formats, multipleOfs neither a multiple of the
// other, several parts with contains, not, anyOf, oneOf or if/then/else, prefix items
// beside other items, or patternProperties beside an additionalProperties (which of the
// names the patterns match a part's additionalProperties covers cannot be told). Such an
// allOf is compared as it is written.
func (c *comparer) combine(parts []*docmodel.Schema) (*docmodel.Schema, bool) {
	m := &docmodel.Schema{}
	var ok bool
	if m.Type, ok = intersectTypes(parts); !ok {
		return nil, false
	}
	if m.Enum, ok = intersectValues(parts); !ok {
		return nil, false
	}
	if !tightestBounds(m, parts) {
		return nil, false
	}
	for _, p := range parts {
		if m.Pattern, ok = same(m.Pattern, p.Pattern); !ok {
			return nil, false
		}
		if m.Format, ok = same(m.Format, p.Format); !ok {
			return nil, false
		}
		m.UniqueItems = m.UniqueItems || p.UniqueItems
		for _, r := range p.Required {
			if !slices.Contains(m.Required, r) {
				m.Required = append(m.Required, r)
			}
		}
	}
	// The keywords only one part may hold.
	for _, k := range []struct {
		has  func(*docmodel.Schema) bool
		copy func(from *docmodel.Schema)
	}{
		{func(s *docmodel.Schema) bool { return s.Contains != nil }, func(f *docmodel.Schema) { m.Contains = f.Contains }},
		{func(s *docmodel.Schema) bool { return s.Not != nil }, func(f *docmodel.Schema) { m.Not = f.Not }},
		{func(s *docmodel.Schema) bool { return s.AnyOf != nil }, func(f *docmodel.Schema) { m.AnyOf = f.AnyOf }},
		{func(s *docmodel.Schema) bool { return s.OneOf != nil }, func(f *docmodel.Schema) { m.OneOf = f.OneOf }},
		{func(s *docmodel.Schema) bool { return s.If != nil || s.Then != nil || s.Else != nil },
			func(f *docmodel.Schema) { m.If, m.Then, m.Else = f.If, f.Then, f.Else }},
		{func(s *docmodel.Schema) bool { return s.TupleItems != nil }, func(f *docmodel.Schema) { m.TupleItems = f.TupleItems }},
	} {
		var from *docmodel.Schema
		for _, p := range parts {
			if k.has(p) {
				if from != nil {
					return nil, false
				}
				from = p
			}
		}
		if from != nil {
			k.copy(from)
		}
	}
	if m.TupleItems != nil && slices.ContainsFunc(parts, func(p *docmodel.Schema) bool {
		return p.TupleItems == nil && (p.Items != nil || p.AdditionalItems != nil)
	}) {
		return nil, false
	}
	var items, additionalItems, propertyNames []*docmodel.Schema
	for _, p := range parts {
		items = appendSchema(items, p.Items)
		additionalItems = appendSchema(additionalItems, p.AdditionalItems)
		propertyNames = appendSchema(propertyNames, p.PropertyNames)
	}
	m.Items, m.AdditionalItems, m.PropertyNames = c.allOf(items), c.allOf(additionalItems), c.allOf(propertyNames)
	if !c.combineObjects(m, parts) {
		return nil, false
	}
	return m, true
}

// combineObjects sets m's properties, patternProperties and additionalProperties.
func (c *comparer) combineObjects(m *docmodel.Schema, parts []*docmodel.Schema) bool {
	patterns := slices.ContainsFunc(parts, func(p *docmodel.Schema) bool { return p.PatternProperties != nil })
	var additional []*docmodel.Schema
	for _, p := range parts {
		additional = appendSchema(additional, p.AdditionalProperties)
	}
	if patterns && additional != nil {
		return false
	}
	united := func(list func(*docmodel.Schema) []docmodel.Property, rest bool) []docmodel.Property {
		var out []docmodel.Property
		for _, p := range parts {
			for _, prop := range list(p) {
				if slices.ContainsFunc(out, func(q docmodel.Property) bool { return q.Name == prop.Name }) {
					continue
				}
				var all []*docmodel.Schema
				for _, q := range parts {
					i := slices.IndexFunc(list(q), func(q docmodel.Property) bool { return q.Name == prop.Name })
					switch {
					case i >= 0:
						all = append(all, list(q)[i].Schema)
					case rest && q.AdditionalProperties != nil:
						all = append(all, q.AdditionalProperties)
					}
				}
				out = append(out, docmodel.Property{Name: prop.Name, Schema: c.allOf(all)})
			}
		}
		return out
	}
	m.Properties = united(func(s *docmodel.Schema) []docmodel.Property { return s.Properties }, true)
	m.PatternProperties = united(func(s *docmodel.Schema) []docmodel.Property { return s.PatternProperties }, false)
	if i := slices.IndexFunc(additional, (*docmodel.Schema).IsFalse); i >= 0 {
		m.AdditionalProperties = additional[i]
	} else {
		m.AdditionalProperties = c.allOf(additional)
	}
	return true
}

func appendSchema(list []*docmodel.Schema, s *docmodel.Schema) []*docmodel.Schema {
	if s == nil {
		return list
	}
	return append(list, s)
}

// same returns the value of a keyword two parts hold, false when they hold different ones.
func same(a, b string) (string, bool) {
	switch {
	case a == "":
		return b, true
	case b == "" || a == b:
		return a, true
	}
	return "", false
}

// allOf returns a schema for the allOf of list: nil for none, the schema for one, and
// otherwise the same made-up {"allOf": list} for the same schemas (an allOf among them
// made up before spread in it), so that comparisons of recursive schemas meet pairs they
// have seen and end. A made-up allOf whose schemas do not merge is compared as an allOf:
// the changes inside it are found under allOf/0, allOf/1… in the order of the parts.
func (c *comparer) allOf(list []*docmodel.Schema) *docmodel.Schema {
	var flat []*docmodel.Schema
	for _, s := range list {
		parts := []*docmodel.Schema{s}
		if made, ok := c.madeUp[s]; ok {
			parts = made
		}
		for _, p := range parts {
			if !slices.Contains(flat, p) {
				flat = append(flat, p)
			}
		}
	}
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	keys := make([]string, len(flat))
	for i, s := range flat {
		keys[i] = fmt.Sprintf("%p", s)
	}
	slices.Sort(keys)
	key := strings.Join(keys, ",")
	if s, ok := c.madeUpByKey[key]; ok {
		return s
	}
	s := &docmodel.Schema{AllOf: flat}
	if c.madeUp == nil {
		c.madeUp = make(map[*docmodel.Schema][]*docmodel.Schema)
		c.madeUpByKey = make(map[string]*docmodel.Schema)
	}
	c.madeUp[s], c.madeUpByKey[key] = flat, s
	return s
}

// tightestBounds sets on m the greatest of the parts' lower bounds and the least of their
// upper bounds, and the greatest of their multipleOfs when each is a multiple of the
// others; false when they are not.
func tightestBounds(m *docmodel.Schema, parts []*docmodel.Schema) bool {
	for _, p := range parts {
		m.TightenBounds(p)
		switch a, b := m.MultipleOf, p.MultipleOf; {
		case b == nil:
		case a == nil:
			m.MultipleOf = b
		case multiple(*a, *b):
		case multiple(*b, *a):
			m.MultipleOf = b
		default:
			return false
		}
	}
	return true
}

// multiple reports whether a is a multiple of b.
func multiple(a, b float64) bool {
	r := a / b
	return r == math.Trunc(r)
}

// intersectTypes returns the types every part admits (an integer is a number), nil for
// any type; false when there is none.
func intersectTypes(parts []*docmodel.Schema) ([]string, bool) {
	var out []string
	for _, p := range parts {
		t := typeSet(p)
		switch {
		case t == nil:
			continue
		case out == nil:
			out = t
			continue
		}
		var next []string
		for _, x := range out {
			switch {
			case slices.Contains(t, x):
				next = append(next, x)
			case x == "number" && slices.Contains(t, "integer"), x == "integer" && slices.Contains(t, "number"):
				next = append(next, "integer")
			}
		}
		if len(next) == 0 {
			return nil, false
		}
		slices.Sort(next)
		out = slices.Compact(next)
	}
	return out, true
}

// intersectValues returns the values (of an enum or const) every part allows, nil for
// any; false when there is none.
func intersectValues(parts []*docmodel.Schema) ([]json.RawMessage, bool) {
	var out []string
	for _, p := range parts {
		v := values(p)
		switch {
		case v == nil:
			continue
		case out == nil:
			out = v
			continue
		}
		out = slices.DeleteFunc(out, func(x string) bool { return !slices.Contains(v, x) })
		if len(out) == 0 {
			return nil, false
		}
	}
	if out == nil {
		return nil, true
	}
	raw := make([]json.RawMessage, len(out))
	for i, v := range out {
		raw[i] = json.RawMessage(v)
	}
	return raw, true
}
