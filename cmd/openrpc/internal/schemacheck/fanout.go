package schemacheck

import "github.com/santhosh-tekuri/jsonschema/v6"

// maxFanOut bounds the schemas one value is checked against at once, through allOf,
// anyOf, oneOf, not, if/then/else, dependencies and $refs: allOf naming the next level
// twice, 40 levels deep, would check each value against 2^40 schemas.
const maxFanOut = 1 << 16

// fanOut measures the schemas reachable from a compiled schema.
type fanOut struct {
	memo   map[*jsonschema.Schema]int
	onPath map[*jsonschema.Schema]bool
	seen   map[*jsonschema.Schema]bool
}

// tooCostly reports whether checking a value against s, or against any schema reachable
// from it, visits more than maxFanOut schemas for one value.
func tooCostly(s *jsonschema.Schema) bool {
	f := &fanOut{memo: map[*jsonschema.Schema]int{}, onPath: map[*jsonschema.Schema]bool{}, seen: map[*jsonschema.Schema]bool{}}
	return f.walk(s)
}

// walk checks s and every schema it leads to, for the same value or a part of it.
func (f *fanOut) walk(s *jsonschema.Schema) bool {
	if s == nil || f.seen[s] {
		return false
	}
	f.seen[s] = true
	if f.sameValue(s) > maxFanOut {
		return true
	}
	for _, t := range children(s) {
		if f.walk(t) {
			return true
		}
	}
	return false
}

// sameValue returns how many schemas checking one value against s visits (saturating
// past maxFanOut); a schema that leads back to itself for the same value counts once.
func (f *fanOut) sameValue(s *jsonschema.Schema) int {
	if s == nil {
		return 0
	}
	if c, ok := f.memo[s]; ok {
		return c
	}
	if f.onPath[s] {
		return 1
	}
	f.onPath[s] = true
	c := 1
	for _, t := range sameValueChildren(s) {
		c = min(c+f.sameValue(t), maxFanOut+1)
	}
	delete(f.onPath, s)
	f.memo[s] = c
	return c
}

// sameValueChildren are the schemas a value checked against s is checked against too.
func sameValueChildren(s *jsonschema.Schema) []*jsonschema.Schema {
	out := []*jsonschema.Schema{s.Ref, s.RecursiveRef, s.Not, s.If, s.Then, s.Else}
	if s.DynamicRef != nil {
		out = append(out, s.DynamicRef.Ref)
	}
	out = append(out, s.AllOf...)
	out = append(out, s.AnyOf...)
	out = append(out, s.OneOf...)
	for _, t := range s.DependentSchemas {
		out = append(out, t)
	}
	for _, d := range s.Dependencies {
		if t, ok := d.(*jsonschema.Schema); ok {
			out = append(out, t)
		}
	}
	return out
}

// children are all the schemas s leads to: for the same value, and for its parts.
func children(s *jsonschema.Schema) []*jsonschema.Schema {
	out := sameValueChildren(s)
	out = append(out, s.PropertyNames, s.UnevaluatedProperties, s.Contains, s.Items2020, s.UnevaluatedItems, s.ContentSchema)
	for _, t := range s.Properties {
		out = append(out, t)
	}
	for _, t := range s.PatternProperties {
		out = append(out, t)
	}
	out = append(out, s.PrefixItems...)
	for _, v := range []any{s.AdditionalProperties, s.Items, s.AdditionalItems} {
		switch v := v.(type) {
		case *jsonschema.Schema:
			out = append(out, v)
		case []*jsonschema.Schema:
			out = append(out, v...)
		}
	}
	return out
}
