package mock

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// Limits of generated values: recursive schemas stop growing past maxRefDepth visits of
// the same $ref, optional members stop past maxDepth levels, and nothing goes deeper than
// hardDepth.
const (
	maxRefDepth = 2
	maxDepth    = 6
	hardDepth   = 48
	maxItems    = 3  // items of an array without a tighter bound
	maxRepeat   = 4  // repetitions of * and + in a pattern
	maxStrLen   = 64 // length of a string padded to its minLength, at most this past it
	// maxGenLength is the longest minLength generated.
	maxGenLength = 1 << 20
	// maxSteps bounds the schemas one Generate visits: without it, alternatives that fail
	// deep down are retried level by level (exponential time), and nested minItems
	// multiply (10000 arrays of 10000 items).
	maxSteps = 1 << 18
	// maxBytes bounds the strings and document values (enum, const, examples) one
	// Generate writes: without it, minItems multiply long strings (1000 strings of
	// minLength 1000000 took over 2 GB).
	maxBytes = 8 << 20
)

// errUnsatisfiable is returned for a schema no value satisfies (false).
var errUnsatisfiable = errors.New("the schema accepts no value")

// Generate returns a value that satisfies s, a schema of doc, generated deterministically
// from seed: the same schema and seed give the same value. It follows $refs, bounding
// recursion, and honours type, enum, const, format, pattern, numeric and length bounds,
// minItems/maxItems, required properties, allOf/oneOf/anyOf and nullable. Keywords it does
// not read (not, if/then/else, dependencies) may make the value invalid: check it.
func Generate(doc *docmodel.Document, s *docmodel.Schema, seed string) (json.RawMessage, error) {
	v, _, err := generate(doc, s, seed, maxSteps)
	return v, err
}

// generate is Generate visiting at most limit schemas; it also returns how many it visited.
func generate(doc *docmodel.Document, s *docmodel.Schema, seed string, limit int) (json.RawMessage, int, error) {
	h := fnv.New64a()
	h.Write([]byte(seed))
	g := &generator{doc: doc, rng: rand.New(rand.NewPCG(h.Sum64(), 0x6f70656e727063)), refs: map[string]int{}, limit: limit}
	v, err := g.value(s, 0)
	if err != nil {
		return nil, g.steps, err
	}
	b, err := json.Marshal(v)
	return b, g.steps, err
}

// errGaveUp is returned when a value takes more schemas than the generator may visit.
var errGaveUp = errors.New("gave up")

type generator struct {
	doc  *docmodel.Document
	rng  *rand.Rand
	refs map[string]int // $refs being expanded, with their depth of nesting
	// name is the property being generated, which plain strings start with ("name-42").
	name string
	// steps counts the schemas visited, up to limit.
	steps, limit int
	// bytes counts the bytes of the strings and document values written, up to maxBytes.
	bytes int
	// merging are the schemas whose allOf are being merged.
	merging map[*docmodel.Schema]bool
	// patterns are the patternProperties compiled, nil for one that does not compile.
	patterns map[string]*regexp.Regexp
}

// spend counts the bytes of v, a value just written, against maxBytes.
func (g *generator) spend(v any, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case string:
		g.bytes += len(v)
	case json.RawMessage:
		g.bytes += len(v)
	}
	if g.bytes > maxBytes {
		return nil, fmt.Errorf("gave up past %d bytes: its sizes make a value too large to generate", maxBytes)
	}
	return v, nil
}

// deep reports whether the generator should keep values minimal at depth: past maxDepth,
// or inside a $ref already expanded maxRefDepth times.
func (g *generator) deep(depth int) bool {
	if depth > maxDepth {
		return true
	}
	for _, n := range g.refs {
		if n >= maxRefDepth {
			return true
		}
	}
	return false
}

func (g *generator) value(s *docmodel.Schema, depth int) (any, error) {
	if depth > hardDepth {
		return nil, fmt.Errorf("the schema nests deeper than %d levels without a way out", hardDepth)
	}
	if g.steps++; g.steps > g.limit {
		return nil, fmt.Errorf("%w after %d schemas: its alternatives or sizes make a value too costly to generate", errGaveUp, g.limit)
	}
	if s == nil {
		return "value", nil
	}
	if s.Bool != nil {
		if !*s.Bool {
			return nil, errUnsatisfiable
		}
		return "value", nil
	}
	if s.Ref != "" {
		ref := s.Ref
		t, err := g.doc.Schema(ref)
		if err != nil {
			return nil, err
		}
		if g.refs[ref] > maxRefDepth+1 {
			// Keep expanding only when nothing else ends the recursion; hardDepth bounds it.
			if v, ok := g.minimal(t); ok {
				return v, nil
			}
		}
		g.refs[ref]++
		defer func() { g.refs[ref]-- }()
		return g.value(t, depth+1)
	}
	s, err := g.merge(s)
	if err != nil {
		return nil, err
	}
	if s.Const != nil {
		return g.spend(json.RawMessage(s.Const), nil)
	}
	if len(s.Enum) > 0 {
		if s.Nullable && g.deep(depth) {
			return nil, nil
		}
		return g.spend(json.RawMessage(s.Enum[g.rng.IntN(len(s.Enum))]), nil)
	}
	if alts := slices.Concat(s.OneOf, s.AnyOf); len(alts) > 0 {
		return g.alternative(s, alts, depth)
	}
	if s.Nullable && g.deep(depth) {
		return nil, nil
	}
	switch g.typeOf(s, depth) {
	case "null":
		return nil, nil
	case "boolean":
		return g.rng.IntN(2) == 0, nil
	case "integer":
		return g.integer(s)
	case "number":
		return g.number(s)
	case "array":
		return g.array(s, depth)
	case "object":
		return g.object(s, depth)
	default:
		return g.spend(g.str(s))
	}
}

// minimal returns a value for s, a schema reached through a $ref expanded too often, when
// one needs no further expansion: null or an empty array or object.
func (g *generator) minimal(s *docmodel.Schema) (any, bool) {
	switch {
	case s.Nullable || s.HasType("null"):
		return nil, true
	case s.HasType("array") && (s.MinItems == nil || *s.MinItems == 0) && len(s.TupleItems) == 0:
		return []any{}, true
	}
	return nil, false
}

// alternative generates one of the oneOf/anyOf alternatives, merged with s's own keywords;
// deep down it prefers one without $refs, so recursion ends.
func (g *generator) alternative(s *docmodel.Schema, alts []*docmodel.Schema, depth int) (any, error) {
	base := *s
	base.OneOf, base.AnyOf = nil, nil
	order := make([]int, len(alts))
	start := g.rng.IntN(len(alts))
	for i := range order {
		order[i] = (start + i) % len(alts)
	}
	if g.deep(depth) {
		slices.SortStableFunc(order, func(a, b int) int { return cost(alts[a]) - cost(alts[b]) })
	}
	var firstErr error
	for _, i := range order {
		v, err := g.value(&docmodel.Schema{AllOf: []*docmodel.Schema{&base, alts[i]}}, depth)
		if err == nil {
			return v, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// cost orders alternatives for ending a recursion: null first, $refs last.
func cost(s *docmodel.Schema) int {
	switch {
	case s == nil:
		return 1
	case s.HasType("null") || s.Nullable:
		return 0
	case s.Ref != "" || s.HasType("object") || s.HasType("array"):
		return 2
	}
	return 1
}

// merge folds s's allOf (and theirs) into one schema. Each part counts as a schema visited,
// and a part that is being merged already (an allOf cycle) is an error.
func (g *generator) merge(s *docmodel.Schema) (*docmodel.Schema, error) {
	if len(s.AllOf) == 0 {
		return s, nil
	}
	if g.merging[s] {
		return nil, errors.New("its allOf refers back to itself")
	}
	if g.merging == nil {
		g.merging = map[*docmodel.Schema]bool{}
	}
	g.merging[s] = true
	defer delete(g.merging, s)
	out := *s
	out.AllOf = nil
	for _, part := range s.AllOf {
		if g.steps++; g.steps > g.limit {
			return nil, fmt.Errorf("%w after %d schemas: its allOf make a value too costly to generate", errGaveUp, g.limit)
		}
		p, _, err := g.doc.Resolve(part)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		if p.Bool != nil {
			if !*p.Bool {
				return nil, errUnsatisfiable
			}
			continue
		}
		p, err = g.merge(p)
		if err != nil {
			return nil, err
		}
		mergeInto(&out, p)
	}
	return &out, nil
}

// mergeInto adds p's keywords to s: properties and required are joined, types intersect,
// bounds take the tighter value, and the rest keep s's value when it has one.
func mergeInto(s, p *docmodel.Schema) {
	switch {
	case len(s.Type) == 0:
		s.Type = p.Type
	case len(p.Type) > 0:
		var both []string
		for _, t := range s.Type {
			if slices.Contains(p.Type, t) || (t == "integer" && slices.Contains(p.Type, "number")) {
				both = append(both, t)
			} else if t == "number" && slices.Contains(p.Type, "integer") {
				both = append(both, "integer")
			}
		}
		s.Type = both
	}
	s.Nullable = s.Nullable && p.Nullable
	if s.Const == nil {
		s.Const = p.Const
	}
	if s.Enum == nil {
		s.Enum = p.Enum
	}
	if s.Format == "" {
		s.Format = p.Format
	}
	if s.Pattern == "" {
		s.Pattern = p.Pattern
	}
	s.TightenBounds(p)
	if s.MultipleOf == nil {
		s.MultipleOf = p.MultipleOf
	}
	s.UniqueItems = s.UniqueItems || p.UniqueItems
	if s.Items == nil {
		s.Items = p.Items
	} else if p.Items != nil {
		s.Items = &docmodel.Schema{AllOf: []*docmodel.Schema{s.Items, p.Items}}
	}
	if s.TupleItems == nil {
		s.TupleItems = p.TupleItems
	}
	for _, prop := range p.Properties {
		i := slices.IndexFunc(s.Properties, func(q docmodel.Property) bool { return q.Name == prop.Name })
		if i < 0 {
			s.Properties = append(slices.Clip(s.Properties), prop)
			continue
		}
		props := slices.Clone(s.Properties)
		props[i].Schema = &docmodel.Schema{AllOf: []*docmodel.Schema{props[i].Schema, prop.Schema}}
		s.Properties = props
	}
	for _, r := range p.Required {
		if !slices.Contains(s.Required, r) {
			s.Required = append(slices.Clip(s.Required), r)
		}
	}
	// A closed object in one part must not receive the other parts' properties; leaving
	// additionalProperties out accepts them all (validation says when that is wrong).
	if s.AdditionalProperties == nil || p.AdditionalProperties == nil {
		s.AdditionalProperties = nil
	}
	s.OneOf = append(slices.Clip(s.OneOf), p.OneOf...)
	s.AnyOf = append(slices.Clip(s.AnyOf), p.AnyOf...)
}

// tighter returns the tighter of two bounds, either of which may be absent: the larger of
// typeOf chooses the JSON type to generate: one of the schema's types, or the one its
// keywords imply.
func (g *generator) typeOf(s *docmodel.Schema, depth int) string {
	types := s.Type
	if len(types) > 1 {
		var nonNull []string
		for _, t := range types {
			if t != "null" {
				nonNull = append(nonNull, t)
			}
		}
		if g.deep(depth) && len(nonNull) < len(types) {
			return "null"
		}
		if len(nonNull) > 0 {
			types = nonNull
		}
		return types[g.rng.IntN(len(types))]
	}
	if len(types) == 1 {
		return types[0]
	}
	switch {
	case len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties != nil || s.MinProperties != nil:
		return "object"
	case s.Items != nil || len(s.TupleItems) > 0 || s.MinItems != nil || s.MaxItems != nil:
		return "array"
	case s.Minimum != nil || s.Maximum != nil || s.ExclusiveMinimum != nil || s.ExclusiveMaximum != nil || s.MultipleOf != nil:
		return "number"
	}
	return "string"
}

// bounds returns the range a number may take, and whether each end is exclusive.
func bounds(s *docmodel.Schema) (lo, hi float64, loEx, hiEx, loSet, hiSet bool) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if s.Minimum != nil {
		lo, loSet = *s.Minimum, true
	}
	if s.ExclusiveMinimum != nil && *s.ExclusiveMinimum >= lo {
		lo, loEx, loSet = *s.ExclusiveMinimum, true, true
	}
	if s.Maximum != nil {
		hi, hiSet = *s.Maximum, true
	}
	if s.ExclusiveMaximum != nil && *s.ExclusiveMaximum <= hi {
		hi, hiEx, hiSet = *s.ExclusiveMaximum, true, true
	}
	return
}

func (g *generator) integer(s *docmodel.Schema) (any, error) {
	lo, hi, loEx, hiEx, loSet, hiSet := bounds(s)
	var a, b int64
	switch {
	case loSet:
		a = int64(math.Ceil(lo))
		if loEx && float64(a) == lo {
			a++
		}
	case hiSet:
		a = int64(math.Floor(hi)) - 100
	default:
		a = 1
	}
	switch {
	case hiSet:
		b = int64(math.Floor(hi))
		if hiEx && float64(b) == hi {
			b--
		}
	default:
		b = a + 100
	}
	if b < a {
		return nil, fmt.Errorf("no integer between %v and %v", lo, hi)
	}
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		m := *s.MultipleOf
		if m != math.Trunc(m) {
			// A fractional multipleOf: an integer multiple of it is a multiple of m*k.
			return nil, fmt.Errorf("multipleOf %v of an integer is not supported", m)
		}
		step := int64(m)
		first := (a + step - 1) / step * step
		if a <= 0 {
			first = a / step * step
		}
		if first < a {
			first += step
		}
		if first > b {
			return nil, fmt.Errorf("no multiple of %v between %v and %v", m, lo, hi)
		}
		n := (b - first) / step
		return first + step*g.rng.Int64N(min(n, 10)+1), nil
	}
	return a + g.rng.Int64N(min(b-a, 100)+1), nil
}

func (g *generator) number(s *docmodel.Schema) (any, error) {
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		m := *s.MultipleOf
		lo, hi, loEx, hiEx, _, _ := bounds(s)
		k := math.Ceil(lo / m)
		if math.IsInf(lo, -1) {
			k = 1
			if !math.IsInf(hi, 1) {
				k = math.Floor(hi/m) - 5
			}
		}
		for ; ; k++ {
			v := k * m
			if v < lo || (loEx && v == lo) {
				continue
			}
			if v > hi || (hiEx && v == hi) {
				return nil, fmt.Errorf("no multiple of %v between %v and %v", m, lo, hi)
			}
			return v, nil
		}
	}
	lo, hi, loEx, hiEx, loSet, hiSet := bounds(s)
	switch {
	case !loSet && !hiSet:
		return float64(g.rng.IntN(100)) + 0.5, nil
	case loSet && !hiSet:
		return math.Floor(lo) + 1 + float64(g.rng.IntN(100)), nil
	case !loSet && hiSet:
		return math.Ceil(hi) - 1 - float64(g.rng.IntN(100)), nil
	}
	if lo > hi || ((loEx || hiEx) && lo == hi) {
		return nil, fmt.Errorf("no number between %v and %v", lo, hi)
	}
	if !loEx {
		if v := math.Ceil(lo); v <= hi && !(hiEx && v == hi) {
			return v, nil
		}
		return lo, nil
	}
	if v := math.Floor(lo) + 1; v < hi || (!hiEx && v == hi) {
		return v, nil
	}
	return lo + (hi-lo)/2, nil
}

// formats are values of the string formats of JSON Schema, each a function of a number
// drawn from the generator, so that values differ between schemas but not between runs.
var formats = map[string]func(n int) string{
	"date-time": func(n int) string { return fmt.Sprintf("2024-%02d-%02dT%02d:%02d:00Z", n%12+1, n%28+1, n%24, n%60) },
	"date":      func(n int) string { return fmt.Sprintf("2024-%02d-%02d", n%12+1, n%28+1) },
	"time":      func(n int) string { return fmt.Sprintf("%02d:%02d:00Z", n%24, n%60) },
	"duration":  func(n int) string { return fmt.Sprintf("PT%dM", n%59+1) },
	"email":     func(n int) string { return fmt.Sprintf("user%d@example.com", n) },
	"idn-email": func(n int) string { return fmt.Sprintf("user%d@example.com", n) },
	"hostname":  func(n int) string { return fmt.Sprintf("host%d.example.com", n) },
	"idn-hostname": func(n int) string {
		return fmt.Sprintf("host%d.example.com", n)
	},
	"ipv4":                  func(n int) string { return fmt.Sprintf("192.0.2.%d", n%254+1) },
	"ipv6":                  func(n int) string { return fmt.Sprintf("2001:db8::%x", n%65535+1) },
	"uri":                   func(n int) string { return fmt.Sprintf("https://example.com/items/%d", n) },
	"iri":                   func(n int) string { return fmt.Sprintf("https://example.com/items/%d", n) },
	"url":                   func(n int) string { return fmt.Sprintf("https://example.com/items/%d", n) },
	"uri-reference":         func(n int) string { return fmt.Sprintf("/items/%d", n) },
	"iri-reference":         func(n int) string { return fmt.Sprintf("/items/%d", n) },
	"uri-template":          func(n int) string { return "https://example.com/items/{id}" },
	"json-pointer":          func(n int) string { return fmt.Sprintf("/items/%d", n) },
	"relative-json-pointer": func(n int) string { return fmt.Sprintf("%d/id", n%3) },
	"regex":                 func(n int) string { return "^[a-z]+$" },
	"byte":                  func(n int) string { return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "value %d", n)) },
	"uuid": func(n int) string {
		r := rand.New(rand.NewPCG(uint64(n), 7))
		return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff,
			0x8000|r.Uint32()&0x3fff, r.Uint64()&0xffffffffffff)
	},
}

func (g *generator) str(s *docmodel.Schema) (any, error) {
	n := g.rng.IntN(1000)
	var v string
	switch f, ok := formats[s.Format]; {
	case ok:
		v = f(n)
	case s.Pattern != "":
		p, err := patternString(s.Pattern, g.rng)
		if err != nil {
			if alt, ok := g.sample(s); ok {
				return alt, nil
			}
			return nil, err
		}
		v = p
	default:
		prefix := "value"
		if g.name != "" && len(g.name) <= 24 && isWord(g.name) {
			prefix = g.name
		}
		v = prefix + "-" + strconv.Itoa(n)
	}
	minLen, maxLen := 0, math.MaxInt
	if s.MinLength != nil {
		minLen = *s.MinLength
	}
	if s.MaxLength != nil {
		maxLen = *s.MaxLength
	}
	if minLen > maxLen {
		return nil, fmt.Errorf("minLength %d is over maxLength %d", minLen, maxLen)
	}
	if minLen > maxGenLength {
		return nil, fmt.Errorf("minLength %d is too long to generate", minLen)
	}
	if l := utf8.RuneCountInString(v); l >= minLen && l <= maxLen {
		return v, nil
	}
	if s.Pattern != "" || knownFormat(s.Format) {
		// Padding would break the format or the pattern: try the document's own values.
		if alt, ok := g.sample(s); ok {
			return alt, nil
		}
		if s.Pattern != "" {
			for range 8 {
				if p, err := patternString(s.Pattern, g.rng); err == nil {
					if l := utf8.RuneCountInString(p); l >= minLen && l <= maxLen {
						return p, nil
					}
				}
			}
		}
	}
	r := []rune(v)
	if len(r) > maxLen {
		r = r[:maxLen]
	}
	for len(r) < minLen {
		r = append(r, 'x')
	}
	return string(r), nil
}

// knownFormat reports whether the generator writes values of format.
func knownFormat(format string) bool { _, found := formats[format]; return found }

// sample returns the schema's first example, or its default.
func (g *generator) sample(s *docmodel.Schema) (any, bool) {
	if len(s.Examples) > 0 {
		return json.RawMessage(s.Examples[0]), true
	}
	if s.Default != nil {
		return json.RawMessage(s.Default), true
	}
	return nil, false
}

// patternString returns a string the regular expression matches (anywhere, as JSON Schema's
// pattern does), built from its syntax tree: a literal, the first or a random character of a
// class, a bounded number of repetitions, one branch of an alternation.
func patternString(pattern string, rng *rand.Rand) (string, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("pattern %q: %v", pattern, err)
	}
	var b strings.Builder
	if err := writeMatch(&b, re.Simplify(), rng, 0); err != nil {
		return "", fmt.Errorf("pattern %q: %v", pattern, err)
	}
	out := b.String()
	if m, err := regexp.MatchString(pattern, out); err != nil || !m {
		return "", fmt.Errorf("pattern %q: no matching string found", pattern)
	}
	return out, nil
}

func writeMatch(b *strings.Builder, re *syntax.Regexp, rng *rand.Rand, depth int) error {
	if depth > 100 {
		return errors.New("too deep")
	}
	switch re.Op {
	case syntax.OpNoMatch:
		return errors.New("matches nothing")
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(classRune(re.Rune, rng))
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteRune(rune('a' + rng.IntN(26)))
	case syntax.OpCapture:
		return writeMatch(b, re.Sub[0], rng, depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, maxRepeat
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
			if hi < 0 {
				hi = lo + maxRepeat
			}
		}
		if lo > 1000 {
			return errors.New("repeats too many times")
		}
		n := lo + rng.IntN(min(hi-lo, maxRepeat)+1)
		for range n {
			if err := writeMatch(b, re.Sub[0], rng, depth+1); err != nil {
				return err
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if err := writeMatch(b, sub, rng, depth+1); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		return writeMatch(b, re.Sub[rng.IntN(len(re.Sub))], rng, depth+1)
	default:
		return fmt.Errorf("unsupported %v", re.Op)
	}
	return nil
}

// classRune picks a character of a class given as ranges, preferring printable ASCII.
func classRune(ranges []rune, rng *rand.Rand) rune {
	var printable [][2]rune
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := max(ranges[i], '!'), min(ranges[i+1], '~')
		if lo <= hi {
			printable = append(printable, [2]rune{lo, hi})
		}
	}
	if len(printable) > 0 {
		r := printable[rng.IntN(len(printable))]
		return r[0] + rune(rng.IntN(int(r[1]-r[0])+1))
	}
	if len(ranges) >= 2 {
		return ranges[0]
	}
	return 'x'
}

func (g *generator) array(s *docmodel.Schema, depth int) (any, error) {
	lo, hi := 0, math.MaxInt
	if s.MinItems != nil {
		lo = *s.MinItems
	}
	if s.MaxItems != nil {
		hi = *s.MaxItems
	}
	n := lo
	if !g.deep(depth) {
		n = max(lo, min(max(len(s.TupleItems), 2), maxItems))
	}
	n = max(n, 0)
	if len(s.TupleItems) > n && n < hi {
		n = min(len(s.TupleItems), hi)
	}
	if n > hi {
		return nil, fmt.Errorf("minItems %d is over maxItems %d", lo, hi)
	}
	if n > 10000 {
		return nil, fmt.Errorf("minItems %d is too many to generate", lo)
	}
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for i := 0; len(out) < n; i++ {
		if i > n+20 {
			if len(out) >= lo {
				break // as many distinct items as there are, enough for minItems
			}
			return nil, errors.New("could not generate enough unique items")
		}
		item := s.Items
		if len(out) < len(s.TupleItems) {
			item = s.TupleItems[len(out)]
		} else if len(s.TupleItems) > 0 && s.AdditionalItems != nil {
			item = s.AdditionalItems
		}
		if len(out) == 0 && s.Contains != nil {
			item = &docmodel.Schema{AllOf: []*docmodel.Schema{orTrue(item), s.Contains}}
		}
		v, err := g.value(item, depth+1)
		if err != nil {
			if len(out) >= lo && errors.Is(err, errUnsatisfiable) {
				break
			}
			return nil, err
		}
		if s.UniqueItems {
			k, _ := json.Marshal(v)
			if seen[string(k)] {
				continue
			}
			seen[string(k)] = true
		}
		out = append(out, v)
	}
	return out, nil
}

// isWord reports whether s is made of ASCII letters, digits and underscores.
func isWord(s string) bool {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func orTrue(s *docmodel.Schema) *docmodel.Schema {
	if s == nil {
		return &docmodel.Schema{}
	}
	return s
}

func (g *generator) object(s *docmodel.Schema, depth int) (any, error) {
	out := map[string]any{}
	deep := g.deep(depth)
	maxProps := math.MaxInt
	if s.MaxProperties != nil {
		maxProps = *s.MaxProperties
	}
	add := func(name string, schema *docmodel.Schema) error {
		outer := g.name
		g.name = name
		v, err := g.value(schema, depth+1)
		g.name = outer
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out[name] = v
		return nil
	}
	for _, r := range s.Required {
		schema := s.Property(r)
		if schema == nil {
			schema = g.unlisted(s, r)
		}
		if err := add(r, schema); err != nil {
			return nil, err
		}
	}
	if !deep {
		for _, p := range s.Properties {
			if _, done := out[p.Name]; done || len(out) >= maxProps {
				continue
			}
			if err := add(p.Name, p.Schema); err != nil {
				// An optional property that cannot be generated is left out.
				delete(out, p.Name)
			}
		}
	}
	if s.MinProperties != nil {
		extra := s.AdditionalProperties
		if extra.IsFalse() {
			return nil, fmt.Errorf("minProperties %d needs more properties than the schema allows", *s.MinProperties)
		}
		for i := 0; len(out) < *s.MinProperties; i++ {
			if i > *s.MinProperties+len(out)+10 {
				return nil, errors.New("could not generate enough properties")
			}
			name := "key" + strconv.Itoa(i)
			if _, taken := out[name]; taken {
				continue
			}
			if err := add(name, g.unlisted(s, name)); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// unlisted returns the schema of a property that properties does not list. Each pattern
// it checks name against counts as a schema visited.
func (g *generator) unlisted(s *docmodel.Schema, name string) *docmodel.Schema {
	for _, p := range s.PatternProperties {
		g.steps++
		if re := g.regexp(p.Name); re != nil && re.MatchString(name) {
			return p.Schema
		}
	}
	return s.AdditionalProperties
}

// regexp returns the compiled pattern, nil when it does not compile.
func (g *generator) regexp(pattern string) *regexp.Regexp {
	re, ok := g.patterns[pattern]
	if !ok {
		re, _ = regexp.Compile(pattern)
		if g.patterns == nil {
			g.patterns = map[string]*regexp.Regexp{}
		}
		g.patterns[pattern] = re
	}
	return re
}
