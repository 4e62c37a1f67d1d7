package openrpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Validation enforces on incoming params the JSON Schema keywords the document publishes for
// them, read from the same struct tags (tags.go). The keywords of a field are compiled in
// Register into rules checked by the field's decoder (params.go) as it sets each value, so a
// call pays for a few comparisons, not for interpreting a schema.
//
// Semantics follow JSON Schema: lengths count Unicode code points, patterns are RE2 and
// unanchored (a search, as "pattern" is), numeric keywords compare the number sent (integers
// exactly), and the value keywords of a slice or array field apply to each of its items.

// valueRules are the compiled value keywords of a field: one of num, str, bools or others
// is set, after the kind of the value.
type valueRules struct {
	num     *numberRules
	str     *stringRules
	bools   []bool // enum of a boolean
	others  []any  // enum of any other value, as decoded from JSON into an any
	enumMsg string
}

type numberRules struct {
	bounds     []numberBound
	multipleOf float64
	multInt    int64    // multipleOf when it is an integer, for integer values
	multRat    *big.Rat // multipleOf as written, for exact decimal checks
	multMsg    string
	enum       []float64
	enumMsg    string
}

// numberBound is one of minimum, maximum, exclusiveMinimum and exclusiveMaximum, with its
// exact equivalents for integer values: v >= lo (lower) or v <= hi (upper).
type numberBound struct {
	x             float64
	lower, strict bool
	ilim          int64 // bound for int64 values
	inone, iall   bool  // no int64 value passes; every int64 value passes
	ulim          uint64
	unone, uall   bool
	msg           string
}

type stringRules struct {
	minLen, maxLen int // -1 when not set
	minMsg, maxMsg string
	pattern        *regexp.Regexp
	fastPattern    *fastPattern // pattern, when simple enough to match without regexp
	patternMsg     string
	format         func(string) bool
	formatMsg      string
	enum           []string
	enumMsg        string
}

type listRules struct {
	minItems, maxItems int // -1 when not set
	unique             bool
	minMsg, maxMsg     string
}

// field returns the decoder of a value of type t in a field with constraints cs (nil for
// none): the shared decoder of t when cs has no keyword to enforce. A field tagged
// nullable:"false" refuses null, which its type would take.
func (c *compiler) field(t reflect.Type, cs *constraints) (*decoder, error) {
	d, err := c.fieldValue(t, cs)
	if err != nil || cs == nil || !cs.notNull {
		return d, err
	}
	// The shared decoder may still be under construction (a recursive type): call through it.
	return &decoder{decode: func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
		return d.decode(raw, v, errs)
	}}, nil
}

// fieldValue is field without nullable:"false".
func (c *compiler) fieldValue(t reflect.Type, cs *constraints) (*decoder, error) {
	var (
		vr *valueRules
		lr *listRules
	)
	if cs != nil {
		vr = compileValueRules(valueType(t), cs)
		lr = compileListRules(cs)
	}
	if vr == nil && lr == nil {
		return c.typeDecoder(t)
	}
	return c.ruled(t, vr, lr)
}

// ruled returns the decoder of type t checking vr on its values and lr on its list, going
// through pointers, Optionals and (for vr) list items as valueType and isListType do.
func (c *compiler) ruled(t reflect.Type, vr *valueRules, lr *listRules) (*decoder, error) {
	d := &decoder{nullable: isNullable(t)}
	switch {
	case isOptional(t):
		value, err := c.ruled(t.Field(0).Type, vr, lr)
		if err != nil {
			return nil, err
		}
		d.decode = decodeOptional(value)
	case t.Kind() == reflect.Pointer:
		elem, err := c.ruled(t.Elem(), vr, lr)
		if err != nil {
			return nil, err
		}
		d.decode = decodePointer(t, elem)
	case specialDecoder(t) != nil:
		d.decode = checkAfter(specialDecoder(t), vr, lr)
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		var (
			elem *decoder
			err  error
		)
		if vr != nil {
			elem, err = c.ruled(t.Elem(), vr, nil)
		} else {
			elem, err = c.typeDecoder(t.Elem())
		}
		if err != nil {
			return nil, err
		}
		d.decode = listDecoder(t, elem, lr)
	case vr == nil:
		return c.typeDecoder(t)
	case kindOfType(t) == kindOther:
		// An enum on an object: checked on the value the shared decoder sets, which may
		// still be being compiled (a recursive type), hence the late binding.
		base, err := c.typeDecoder(t)
		if err != nil {
			return nil, err
		}
		d.decode = checkAfter(func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
			return base.decode(raw, v, errs)
		}, vr, nil)
	default:
		d.decode = scalarDecoder(t, vr)
	}
	return d, nil
}

// checkAfter checks the rules of a value encoding/json decodes once it is decoded.
func checkAfter(decode decodeFunc, vr *valueRules, lr *listRules) decodeFunc {
	return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
		n := len(errs)
		if errs = decode(raw, v, errs); len(errs) > n {
			return errs
		}
		if isList(v.Type()) { // a list type with its own UnmarshalJSON
			if lr != nil {
				errs = lr.check(v, false, errs)
			}
			if vr != nil {
				for i := range v.Len() {
					k := len(errs)
					errs = vr.checkValue(nil, v.Index(i), errs)
					prefixPaths(errs[k:], "/"+strconv.Itoa(i))
				}
			}
			return errs
		}
		if vr != nil {
			errs = vr.checkValue(raw, v, errs)
		}
		return errs
	}
}

// isOptional reports whether t is an instantiation of [Optional], and not merely a type that
// embeds one.
func isOptional(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == optionalPkgPath && strings.HasPrefix(t.Name(), "Optional[")
}

var optionalPkgPath = reflect.TypeFor[Optional[struct{}]]().PkgPath()

// optionalSlot is implemented by every *Optional: the decoder sets the state and fills the
// value in place.
type optionalSlot interface {
	optionalSlot(null bool) reflect.Value
}

// optionalSlot makes o null, or present and returns its value to decode into.
func (o *Optional[T]) optionalSlot(null bool) reflect.Value {
	if null {
		var zero T
		o.value, o.state = zero, isNull
		return reflect.Value{}
	}
	o.state = present
	return reflect.ValueOf(&o.value).Elem()
}

func decodeOptional(value *decoder) decodeFunc {
	return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
		o := v.Addr().Interface().(optionalSlot)
		if raw[0] == 'n' {
			o.optionalSlot(true)
			return errs
		}
		return value.set(raw, o.optionalSlot(false), errs)
	}
}

// compileValueRules compiles the value keywords of cs for values of type vt; nil when there
// are none.
func compileValueRules(vt reflect.Type, cs *constraints) *valueRules {
	vr := &valueRules{}
	if cs.enum != nil {
		vr.enumMsg = "must be one of " + string(mustJSON(cs.enum))
	}
	switch kindOfType(vt) {
	case kindNumber, kindInteger:
		vr.num = compileNumberRules(cs, vr.enumMsg)
	case kindString:
		vr.str = compileStringRules(cs, vr.enumMsg)
	case kindBool:
		for _, e := range cs.enum {
			b, _ := e.(bool)
			vr.bools = append(vr.bools, b)
		}
	default:
		vr.others = cs.enum
	}
	if vr.num == nil && vr.str == nil && vr.bools == nil && vr.others == nil {
		return nil
	}
	return vr
}

func compileNumberRules(cs *constraints, enumMsg string) *numberRules {
	r := &numberRules{enumMsg: enumMsg}
	for _, b := range []struct {
		x             *float64
		lower, strict bool
		op            string
	}{
		{cs.minimum, true, false, ">="},
		{cs.exclusiveMinimum, true, true, ">"},
		{cs.maximum, false, false, "<="},
		{cs.exclusiveMaximum, false, true, "<"},
	} {
		if b.x != nil {
			r.bounds = append(r.bounds, newNumberBound(*b.x, b.lower, b.strict, "must be "+b.op+" "+formatNumber(*b.x)))
		}
	}
	if cs.multipleOf != nil {
		m := *cs.multipleOf
		r.multipleOf = m
		r.multMsg = "must be a multiple of " + formatNumber(m)
		if m == math.Trunc(m) && m <= math.MaxInt64/2 {
			r.multInt = int64(m)
		}
		r.multRat, _ = new(big.Rat).SetString(strconv.FormatFloat(m, 'g', -1, 64))
	}
	for _, e := range cs.enum {
		x, _ := e.(float64)
		r.enum = append(r.enum, x)
	}
	if r.bounds == nil && r.multipleOf == 0 && r.enum == nil {
		return nil
	}
	return r
}

// two63 is 2^63, the first float64 above every int64.
const two63 = 1 << 63

func newNumberBound(x float64, lower, strict bool, msg string) numberBound {
	b := numberBound{x: x, lower: lower, strict: strict, msg: msg}
	// The integer bound: v >= c for a lower bound, v <= c for an upper one.
	var c float64
	switch {
	case lower && strict:
		c = math.Floor(x) + 1
	case lower:
		c = math.Ceil(x)
	case strict:
		c = math.Ceil(x) - 1
	default:
		c = math.Floor(x)
	}
	if lower {
		switch {
		case c <= -two63:
			b.iall = true
		case c >= two63:
			b.inone = true
		default:
			b.ilim = int64(c)
		}
		switch {
		case c <= 0:
			b.uall = true
		case c >= 2*two63:
			b.unone = true
		default:
			b.ulim = uint64(c)
		}
	} else {
		switch {
		case c >= two63:
			b.iall = true
		case c < -two63:
			b.inone = true
		default:
			b.ilim = int64(c)
		}
		switch {
		case c >= 2*two63:
			b.uall = true
		case c < 0:
			b.unone = true
		default:
			b.ulim = uint64(c)
		}
	}
	return b
}

func (b *numberBound) okInt(v int64) bool {
	switch {
	case b.iall:
		return true
	case b.inone:
		return false
	case b.lower:
		return v >= b.ilim
	}
	return v <= b.ilim
}

func (b *numberBound) okUint(v uint64) bool {
	switch {
	case b.uall:
		return true
	case b.unone:
		return false
	case b.lower:
		return v >= b.ulim
	}
	return v <= b.ulim
}

func (b *numberBound) okFloat(v float64) bool {
	switch {
	case b.lower && b.strict:
		return v > b.x
	case b.lower:
		return v >= b.x
	case b.strict:
		return v < b.x
	}
	return v <= b.x
}

// checkInt checks integer v, written raw.
func (r *numberRules) checkInt(v int64, raw []byte, errs []ParamError) []ParamError {
	for i := range r.bounds {
		if !r.bounds[i].okInt(v) {
			errs = append(errs, ParamError{Message: r.bounds[i].msg})
		}
	}
	if r.multipleOf != 0 {
		var ok bool
		if r.multInt != 0 {
			ok = v%r.multInt == 0
		} else {
			ok = r.isMultiple(float64(v), raw)
		}
		if !ok {
			errs = append(errs, ParamError{Message: r.multMsg})
		}
	}
	if r.enum != nil && !slices.Contains(r.enum, float64(v)) {
		errs = append(errs, ParamError{Message: r.enumMsg})
	}
	return errs
}

// checkUint checks unsigned integer v, written raw.
func (r *numberRules) checkUint(v uint64, raw []byte, errs []ParamError) []ParamError {
	for i := range r.bounds {
		if !r.bounds[i].okUint(v) {
			errs = append(errs, ParamError{Message: r.bounds[i].msg})
		}
	}
	if r.multipleOf != 0 {
		var ok bool
		if r.multInt > 0 {
			ok = v%uint64(r.multInt) == 0
		} else {
			ok = r.isMultiple(float64(v), raw)
		}
		if !ok {
			errs = append(errs, ParamError{Message: r.multMsg})
		}
	}
	if r.enum != nil && !slices.Contains(r.enum, float64(v)) {
		errs = append(errs, ParamError{Message: r.enumMsg})
	}
	return errs
}

// checkFloat checks number v, written raw (nil when unknown).
func (r *numberRules) checkFloat(v float64, raw []byte, errs []ParamError) []ParamError {
	for i := range r.bounds {
		if !r.bounds[i].okFloat(v) {
			errs = append(errs, ParamError{Message: r.bounds[i].msg})
		}
	}
	if r.multipleOf != 0 && !r.isMultiple(v, raw) {
		errs = append(errs, ParamError{Message: r.multMsg})
	}
	if r.enum != nil && !slices.Contains(r.enum, v) {
		errs = append(errs, ParamError{Message: r.enumMsg})
	}
	return errs
}

// maxExactDigits bounds the numbers whose multipleOf is checked in exact decimal arithmetic:
// past it, the binary value decides, and a long number costs no big-number work.
const maxExactDigits = 32

// isMultiple reports whether v, written raw, is a multiple of multipleOf: exactly in binary
// (so 3.5 is a multiple of 0.5), or else as the decimals written (so 0.3 is one of 0.1).
func (r *numberRules) isMultiple(v float64, raw []byte) bool {
	if math.Mod(v, r.multipleOf) == 0 {
		return true
	}
	if math.IsInf(v, 0) || r.multRat == nil {
		return false
	}
	text := string(raw)
	if raw == nil || len(raw) > maxExactDigits {
		text = strconv.FormatFloat(v, 'g', -1, 64)
	}
	x, ok := new(big.Rat).SetString(text)
	return ok && x.Quo(x, r.multRat).IsInt()
}

// formatNumber writes a tag's number as a person would: 64, 0.5, 1e+30.
func formatNumber(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e21 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func compileStringRules(cs *constraints, enumMsg string) *stringRules {
	r := &stringRules{minLen: -1, maxLen: -1, enumMsg: enumMsg}
	if cs.minLength != nil {
		r.minLen = *cs.minLength
		r.minMsg = "length must be >= " + strconv.Itoa(r.minLen)
	}
	if cs.maxLength != nil {
		r.maxLen = *cs.maxLength
		r.maxMsg = "length must be <= " + strconv.Itoa(r.maxLen)
	}
	if cs.pattern != nil {
		r.pattern = cs.pattern
		r.fastPattern = compileFastPattern(cs.pattern.String())
		r.patternMsg = "must match pattern " + cs.pattern.String()
	}
	if cs.format != "" {
		r.format = formats[cs.format]
		r.formatMsg = "must be a valid " + cs.format
	}
	for _, e := range cs.enum {
		s, _ := e.(string)
		r.enum = append(r.enum, s)
	}
	if r.minLen <= 0 && r.maxLen < 0 && r.pattern == nil && r.format == nil && r.enum == nil {
		return nil
	}
	return r
}

// check checks string s.
func (r *stringRules) check(s string, errs []ParamError) []ParamError {
	if r.minLen > 0 || r.maxLen >= 0 {
		// A string has at most as many code points as bytes: count them only when the
		// byte length leaves the answer open.
		n := len(s)
		if (r.maxLen >= 0 && n > r.maxLen) || (r.minLen > 0 && n >= r.minLen && n < utf8.UTFMax*r.minLen) {
			n = utf8.RuneCountInString(s)
		}
		if n < r.minLen {
			errs = append(errs, ParamError{Message: r.minMsg})
		}
		if r.maxLen >= 0 && n > r.maxLen {
			errs = append(errs, ParamError{Message: r.maxMsg})
		}
	}
	if r.pattern != nil && !r.matchPattern(s) {
		errs = append(errs, ParamError{Message: r.patternMsg})
	}
	if r.format != nil && !r.format(s) {
		errs = append(errs, ParamError{Message: r.formatMsg})
	}
	if r.enum != nil && !slices.Contains(r.enum, s) {
		errs = append(errs, ParamError{Message: r.enumMsg})
	}
	return errs
}

func (r *stringRules) matchPattern(s string) bool {
	if r.fastPattern != nil {
		return r.fastPattern.match(s)
	}
	return r.pattern.MatchString(s)
}

// A fastPattern matches what most patterns in APIs are, a sequence of ASCII characters and
// classes, each repeated: ^[a-z][a-z0-9_]{2,31}$, ^[0-9]{5}$, ^[A-Z]{3}-\d{4}. It matches
// greedily, in one pass and without allocating, and is used only where that gives the same
// answer as the regexp: the pattern starts with ^, and each run of varying length is followed
// by the end or by a run of at least one character from a disjoint class (so where a run
// ends is never in doubt).
type fastPattern struct {
	runs []patternRun
	end  bool // anchored at the end with $
}

type patternRun struct {
	set      asciiSet
	min, max int // max < 0: no maximum
}

// asciiSet is a set of ASCII characters.
type asciiSet [2]uint64

func (s *asciiSet) has(c byte) bool { return c < utf8.RuneSelf && s[c>>6]&(1<<(c&63)) != 0 }

func (s *asciiSet) add(c rune) { s[c>>6] |= 1 << (c & 63) }

func (p *fastPattern) match(s string) bool {
	i := 0
	for _, r := range p.runs {
		n := 0
		for (r.max < 0 || n < r.max) && i < len(s) && r.set.has(s[i]) {
			i++
			n++
		}
		if n < r.min {
			return false
		}
	}
	return !p.end || i == len(s)
}

// compileFastPattern returns the fastPattern of expr, or nil when expr needs a regexp.
func compileFastPattern(expr string) *fastPattern {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	if len(subs) == 0 || subs[0].Op != syntax.OpBeginText {
		return nil
	}
	subs = subs[1:]
	p := &fastPattern{}
	if n := len(subs); n > 0 && subs[n-1].Op == syntax.OpEndText {
		p.end, subs = true, subs[:n-1]
	}
	for _, sub := range subs {
		lo, hi, repeated := 1, 1, true
		switch sub.Op {
		case syntax.OpStar:
			lo, hi = 0, -1
		case syntax.OpPlus:
			lo, hi = 1, -1
		case syntax.OpQuest:
			lo, hi = 0, 1
		case syntax.OpRepeat:
			lo, hi = sub.Min, sub.Max
		default:
			repeated = false
		}
		if repeated {
			sub = sub.Sub[0]
		}
		switch sub.Op {
		case syntax.OpLiteral:
			if sub.Flags&syntax.FoldCase != 0 || repeated && len(sub.Rune) != 1 {
				return nil
			}
			for _, c := range sub.Rune {
				if c >= utf8.RuneSelf {
					return nil
				}
				var set asciiSet
				set.add(c)
				p.runs = append(p.runs, patternRun{set: set, min: lo, max: hi})
			}
		case syntax.OpCharClass:
			var set asciiSet
			for i := 0; i < len(sub.Rune); i += 2 {
				if sub.Rune[i+1] >= utf8.RuneSelf {
					return nil
				}
				for c := sub.Rune[i]; c <= sub.Rune[i+1]; c++ {
					set.add(c)
				}
			}
			p.runs = append(p.runs, patternRun{set: set, min: lo, max: hi})
		default:
			return nil
		}
	}
	for i, r := range p.runs {
		if r.min == r.max || i == len(p.runs)-1 {
			continue
		}
		next := p.runs[i+1]
		if next.min < 1 || r.set[0]&next.set[0] != 0 || r.set[1]&next.set[1] != 0 {
			return nil
		}
	}
	return p
}

// checkValue checks v, decoded from raw (nil when unknown) by encoding/json: the rules apply
// to the JSON value, so a string's are checked on the text sent.
func (vr *valueRules) checkValue(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
	switch {
	case vr.str != nil:
		switch {
		case raw != nil && raw[0] == '"':
			return vr.str.check(unquoteString(raw), errs)
		case raw == nil && v.Kind() == reflect.String:
			return vr.str.check(v.String(), errs)
		}
	case vr.num != nil:
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return vr.num.checkInt(v.Int(), raw, errs)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return vr.num.checkUint(v.Uint(), raw, errs)
		case reflect.Float32, reflect.Float64:
			return vr.num.checkFloat(v.Float(), raw, errs)
		}
	case vr.bools != nil:
		if v.Kind() == reflect.Bool && !slices.Contains(vr.bools, v.Bool()) {
			return append(errs, ParamError{Message: vr.enumMsg})
		}
	case vr.others != nil:
		var (
			got any
			err error
		)
		if raw == nil {
			raw, err = json.Marshal(v.Interface())
		}
		if err == nil {
			err = json.Unmarshal(raw, &got)
		}
		if err != nil || !slices.ContainsFunc(vr.others, func(e any) bool { return reflect.DeepEqual(e, got) }) {
			return append(errs, ParamError{Message: vr.enumMsg})
		}
	}
	return errs
}

func compileListRules(cs *constraints) *listRules {
	r := &listRules{minItems: -1, maxItems: -1, unique: cs.uniqueItems}
	if cs.minItems != nil {
		r.minItems = *cs.minItems
		r.minMsg = fmt.Sprintf("must have at least %d items", r.minItems)
	}
	if cs.maxItems != nil {
		r.maxItems = *cs.maxItems
		r.maxMsg = fmt.Sprintf("must have at most %d items", r.maxItems)
	}
	if r.minItems <= 0 && r.maxItems < 0 && !r.unique {
		return nil
	}
	return r
}

// check checks list v; itemErrs says some items did not decode, whose uniqueness cannot be
// judged.
func (r *listRules) check(v reflect.Value, itemErrs bool, errs []ParamError) []ParamError {
	n := v.Len()
	if n < r.minItems {
		errs = append(errs, ParamError{Message: r.minMsg})
	}
	if r.maxItems >= 0 && n > r.maxItems {
		errs = append(errs, ParamError{Message: r.maxMsg})
	}
	if r.unique && !itemErrs && hasDuplicates(v) {
		errs = append(errs, ParamError{Message: "items must be unique"})
	}
	return errs
}

// smallList is the length up to which items are compared pairwise rather than hashed.
const smallList = 16

// hasDuplicates reports whether two items of list v are equal as JSON values.
func hasDuplicates(v reflect.Value) bool {
	n := v.Len()
	if n < 2 {
		return false
	}
	switch v.Type().Elem().Kind() {
	case reflect.String:
		return duplicates(n, func(i int) string { return v.Index(i).String() })
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return duplicates(n, func(i int) int64 { return v.Index(i).Int() })
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return duplicates(n, func(i int) uint64 { return v.Index(i).Uint() })
	case reflect.Float32, reflect.Float64:
		return duplicates(n, func(i int) float64 { return v.Index(i).Float() })
	case reflect.Bool:
		return duplicates(n, func(i int) bool { return v.Index(i).Bool() })
	}
	// Any other item is compared as a JSON value: its encoding decoded again and written in
	// canonical form (members sorted, strings unescaped, numbers by value), so that
	// {"a":1,"b":2} and {"b":2,"a":1}, or 1 and 1.0 in a []json.RawMessage, are equal.
	return duplicates(n, func(i int) string {
		b, err := json.Marshal(v.Index(i).Interface())
		if err == nil {
			b, err = canonicalJSON(b)
		}
		if err != nil {
			return fmt.Sprint(i, err) // unequal to anything else
		}
		return string(b)
	})
}

// canonicalJSON rewrites a JSON value so that equal values have equal encodings.
func canonicalJSON(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(canonicalNumbers(v))
}

// canonicalNumbers replaces the numbers in v by the exact decimal form of their value.
func canonicalNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		// A number with a huge exponent keeps its text: exact arithmetic on it would be
		// unbounded work, and no two distinct texts of such size are compared in practice.
		if _, exp, ok := strings.Cut(strings.ToLower(s), "e"); ok && len(strings.TrimLeft(exp, "+-")) > 3 {
			return x
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return x
		}
		// The shortest exact decimal: a decimal literal's denominator divides a power of ten.
		digits, t, ten := 0, new(big.Rat).Set(r), big.NewRat(10, 1)
		for !t.IsInt() {
			t.Mul(t, ten)
			digits++
		}
		return json.Number(r.FloatString(digits))
	case []any:
		for i := range x {
			x[i] = canonicalNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = canonicalNumbers(x[k])
		}
	}
	return v
}

func duplicates[K comparable](n int, key func(int) K) bool {
	if n <= smallList {
		var keys [smallList]K
		for i := range n {
			keys[i] = key(i)
			for j := range i {
				if keys[j] == keys[i] {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[K]struct{}, n)
	for i := range n {
		k := key(i)
		if _, dup := seen[k]; dup {
			return true
		}
		seen[k] = struct{}{}
	}
	return false
}
