package openrpc

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/openrpc-go/openrpc/internal/suggest"
	"github.com/openrpc-go/openrpc/internal/wire"
)

// A params decoder is compiled once per method, in Register, from the Go type of its params.
// Decoding a call then walks the raw params once and sets fields through a tree of
// precompiled decoders, one per Go type (shared, so recursive types work) or per field with
// constraints (validate.go): no reflection over types and no tag parsing per call.
//
// Decoding is strict at every depth: member names match exactly, unknown members are
// refused, required members must be present, null is accepted only where the Go type has a
// null, and integers must fit. Every problem is collected with a JSON Pointer to the value.
// encoding/json remains the decoder of interface types, json.RawMessage (copied), []byte
// (base64), and of types that decode or describe themselves (json.Unmarshaler,
// encoding.TextUnmarshaler, SchemaProvider), such as time.Time.

type paramsKind uint8

const (
	paramsStruct paramsKind = iota // each field is a param
	paramsSlice                    // variadic: each element is a param
	paramsRaw                      // json.RawMessage: the params as sent
)

type paramsDecoder struct {
	kind      paramsKind
	structure ParamStructure
	fields    []paramField
	byName    map[string]int // for structs with many fields
	elem      *decoder       // for variadic params
}

type paramField struct {
	fieldInfo
	pointer string // JSON Pointer of the param: "/" + escaped name
	dec     *decoder
	def     []byte // the default tag as JSON, set when the param is absent; nil for none
}

// decoder sets one Go value from one raw JSON value, and checks the constraints of the field
// it was compiled for, if any.
type decoder struct {
	nullable bool
	decode   decodeFunc // called for null only when nullable is set
}

// decodeFunc sets v, a settable value, from raw, appending any problems to errs with paths
// relative to v.
type decodeFunc = func(raw []byte, v reflect.Value, errs []ParamError) []ParamError

// maxParamErrors bounds the problems listed in one response: an array of a million bad
// items must not make a response fifty times the size of the request.
const maxParamErrors = 100

var (
	rawMessageType       = reflect.TypeFor[json.RawMessage]()
	jsonUnmarshalerType  = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType  = reflect.TypeFor[encoding.TextUnmarshaler]()
	optionalTypeIface    = reflect.TypeFor[optionalType]()
	emptyStructType      = reflect.TypeFor[struct{}]()
	maxBitsetFields      = 64
	byNameMapFieldsLimit = 8
)

// newParamsDecoder compiles the decoder of params type t, or returns an error saying why t
// cannot be params.
func newParamsDecoder(t reflect.Type, structure ParamStructure) (*paramsDecoder, error) {
	d := &paramsDecoder{structure: structure}
	switch {
	case t == rawMessageType:
		d.kind = paramsRaw
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if structure == ByName {
			return nil, fmt.Errorf("variadic params %s cannot be passed by-name", t)
		}
		if err := checkDecodable(t.Elem()); err != nil {
			return nil, err
		}
		d.kind = paramsSlice
		d.structure = ByPosition
		var err error
		if d.elem, err = compileDecoder(t.Elem(), nil); err != nil {
			return nil, fmt.Errorf("params: %w", err)
		}
	case t.Kind() == reflect.Struct:
		d.kind = paramsStruct
		if err := d.addFields(t); err != nil {
			return nil, err
		}
		if len(d.fields) > byNameMapFieldsLimit {
			d.byName = make(map[string]int, len(d.fields))
			for i, f := range d.fields {
				d.byName[f.name] = i
			}
		}
	default:
		return nil, fmt.Errorf("params type %s must be a struct, a slice (variadic params) or json.RawMessage", t)
	}
	return d, nil
}

// hasNamedFields reports whether struct t has a field other than a blank one (_).
func hasNamedFields(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).Name != "_" {
			return true
		}
	}
	return false
}

// addFields adds the params of struct t.
func (d *paramsDecoder) addFields(t reflect.Type) error {
	fields, err := structFields(t)
	if err != nil {
		return err
	}
	if len(fields) == 0 && hasNamedFields(t) {
		return fmt.Errorf("params type %s has fields but none is a JSON member (unexported or json:\"-\"), so the method would take no params: export them, or use struct{} for a method without params", t)
	}
	for _, f := range fields {
		if err := checkDecodable(f.typ); err != nil {
			return fmt.Errorf("param %q: %w", f.name, err)
		}
		dec, err := compileDecoder(f.typ, f.c)
		if err != nil {
			return fmt.Errorf("param %q: %w", f.name, err)
		}
		def, err := defaultJSON(f, dec)
		if err != nil {
			return fmt.Errorf("param %q: %w", f.name, err)
		}
		d.fields = append(d.fields, paramField{
			fieldInfo: f,
			pointer:   "/" + escapePointer(f.name),
			dec:       dec,
			def:       def,
		})
	}
	return nil
}

// decode sets v, an addressable value of the params type, from raw (nil when absent).
func (d *paramsDecoder) decode(raw []byte, v reflect.Value) *Error {
	switch d.kind {
	case paramsRaw:
		if raw != nil {
			v.SetBytes(bytes.Clone(raw))
		}
		return nil
	case paramsSlice:
		return d.decodeVariadic(raw, v)
	}
	if raw != nil {
		if raw[0] == '[' && d.structure == ByName {
			return invalidParams([]ParamError{{Message: "params must be an object: this method takes params by-name"}})
		}
		if raw[0] == '{' && d.structure == ByPosition {
			return invalidParams([]ParamError{{Message: "params must be an array: this method takes params by-position"}})
		}
	}
	var (
		errs []ParamError
		seen bitset
	)
	if len(d.fields) > maxBitsetFields {
		seen.big = make([]bool, len(d.fields))
	}
	if raw != nil {
		it := wire.NewIter(raw)
		if raw[0] == '[' {
			for i := 0; len(errs) <= maxParamErrors; i++ {
				val, ok := it.Element()
				if !ok {
					break
				}
				if i >= len(d.fields) {
					errs = append(errs, ParamError{Path: "/" + strconv.Itoa(i), Message: fmt.Sprintf("unexpected param at position %d: the method takes %d", i, len(d.fields))})
					continue
				}
				seen.set(i)
				errs = d.fields[i].set(errs, val, v)
			}
		} else {
			for len(errs) <= maxParamErrors {
				key, val, ok := it.Member()
				if !ok {
					break
				}
				i := d.lookup(key)
				switch {
				case i < 0:
					errs = append(errs, ParamError{Path: "/" + escapePointer(string(key)),
						Message: unknownMessage("param", key, len(d.fields), func(i int) string { return d.fields[i].name })})
				case seen.has(i):
					errs = append(errs, ParamError{Path: d.fields[i].pointer, Message: "param given more than once"})
				default:
					seen.set(i)
					errs = d.fields[i].set(errs, val, v)
				}
			}
		}
	}
	for i := range d.fields {
		switch f := &d.fields[i]; {
		case seen.has(i):
		case f.def != nil:
			errs = f.set(errs, f.def, v)
		case f.required:
			errs = append(errs, ParamError{Path: f.pointer, Message: "required param is missing"})
		}
	}
	if errs != nil {
		return invalidParams(capErrors(errs))
	}
	return nil
}

// defaultJSON returns the default tag of f as JSON, checked once against f's own type and
// constraints: a default the server would refuse from a client is a registration mistake.
func defaultJSON(f fieldInfo, dec *decoder) ([]byte, error) {
	if !f.c.hasDefault {
		return nil, nil
	}
	def := mustJSON(f.c.def)
	if errs := dec.set(def, reflect.New(f.typ).Elem(), nil); len(errs) > 0 {
		return nil, fmt.Errorf("default %s: %s", def, errs[0].Message)
	}
	return def, nil
}

func (d *paramsDecoder) decodeVariadic(raw []byte, v reflect.Value) *Error {
	if raw == nil {
		return nil
	}
	if raw[0] == '{' {
		return invalidParams([]ParamError{{Message: "params must be an array: this method takes params by-position"}})
	}
	if errs, _ := decodeList(raw, v, d.elem, -1, -1, nil); errs != nil {
		return invalidParams(capErrors(errs))
	}
	if v.Len() == 0 {
		v.SetZero() // no params: nil, as when absent
	}
	return nil
}

// capErrors keeps the first maxParamErrors problems, and says when there were more.
func capErrors(errs []ParamError) []ParamError {
	if len(errs) <= maxParamErrors {
		return errs
	}
	return append(errs[:maxParamErrors:maxParamErrors], ParamError{
		Message: fmt.Sprintf("too many errors: only the first %d are listed", maxParamErrors),
	})
}

func (d *paramsDecoder) lookup(key []byte) int {
	if d.byName != nil {
		if i, ok := d.byName[string(key)]; ok {
			return i
		}
		return -1
	}
	for i := range d.fields {
		if d.fields[i].name == string(key) {
			return i
		}
	}
	return -1
}

func (f *paramField) set(errs []ParamError, raw []byte, params reflect.Value) []ParamError {
	n := len(errs)
	errs = f.dec.set(raw, fieldOf(params, f.index), errs)
	prefixPaths(errs[n:], f.pointer)
	return errs
}

// set decodes raw into v, refusing null unless the type has one.
func (d *decoder) set(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
	if raw[0] == 'n' && !d.nullable {
		return append(errs, ParamError{Message: "must not be null"})
	}
	return d.decode(raw, v, errs)
}

// prefixPaths puts seg before the paths of errs: a parent names the child that failed.
func prefixPaths(errs []ParamError, seg string) {
	for i := range errs {
		errs[i].Path = seg + errs[i].Path
	}
}

// bitset records which members a value gave.
type bitset struct {
	small uint64
	big   []bool
}

func (b *bitset) set(i int) {
	if b.big != nil {
		b.big[i] = true
	} else {
		b.small |= 1 << i
	}
}

func (b *bitset) has(i int) bool {
	if b.big != nil {
		return b.big[i]
	}
	return b.small&(1<<i) != 0
}

// decoders caches the decoder of each Go type (without field constraints), so that a type
// used by several methods is compiled once and recursive types refer to themselves.
var decoders struct {
	sync.Mutex
	m map[reflect.Type]*decoder
}

// compileDecoder returns the decoder of values of type t with the constraints c of the field
// they are in (nil for none).
func compileDecoder(t reflect.Type, c *constraints) (*decoder, error) {
	decoders.Lock()
	defer decoders.Unlock()
	if decoders.m == nil {
		decoders.m = map[reflect.Type]*decoder{}
	}
	comp := &compiler{pending: map[reflect.Type]*decoder{}}
	d, err := comp.field(t, c)
	if err != nil {
		return nil, err
	}
	for t, d := range comp.pending {
		decoders.m[t] = d
	}
	return d, nil
}

// compiler builds decoders; pending holds the types compiled by this run, published to the
// cache when the whole run succeeds.
type compiler struct {
	pending map[reflect.Type]*decoder
}

// typeDecoder returns the shared decoder of type t.
func (c *compiler) typeDecoder(t reflect.Type) (*decoder, error) {
	if d := decoders.m[t]; d != nil {
		return d, nil
	}
	if d := c.pending[t]; d != nil {
		return d, nil // t is being built: its decode func is set before any call
	}
	d := &decoder{nullable: isNullable(t)}
	c.pending[t] = d
	fn, err := c.build(t)
	if err != nil {
		return nil, err
	}
	d.decode = fn
	return d, nil
}

// build returns the decode func of type t.
func (c *compiler) build(t reflect.Type) (decodeFunc, error) {
	if isOptional(t) {
		value, err := c.typeDecoder(t.Field(0).Type)
		if err != nil {
			return nil, err
		}
		return decodeOptional(value), nil
	}
	if fn := specialDecoder(t); fn != nil {
		return fn, nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem, err := c.typeDecoder(t.Elem())
		if err != nil {
			return nil, err
		}
		return decodePointer(t, elem), nil
	case reflect.Slice, reflect.Array:
		elem, err := c.typeDecoder(t.Elem())
		if err != nil {
			return nil, err
		}
		return listDecoder(t, elem, nil), nil
	case reflect.Map:
		return c.mapDecoder(t)
	case reflect.Struct:
		return c.structDecoder(t)
	}
	return scalarDecoder(t, nil), nil
}

// specialDecoder returns the decode func of the types not decoded by their kind, json.RawMessage
// and those encoding/json decodes; nil for the others.
func specialDecoder(t reflect.Type) decodeFunc {
	switch {
	case t == rawMessageType:
		return decodeRaw
	case t == timeType, t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8,
		reflect.PointerTo(t).Implements(textUnmarshalerType) && !reflect.PointerTo(t).Implements(jsonUnmarshalerType):
		return decodeJSONString
	case decodesItself(t), t.Kind() == reflect.Interface:
		return decodeJSON
	}
	return nil
}

// decodeJSONString decodes a type encoding/json decodes from strings only: base64 []byte,
// time.Time, encoding.TextUnmarshaler.
func decodeJSONString(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
	if raw[0] != '"' && raw[0] != 'n' {
		return append(errs, typeError("string", raw))
	}
	return decodeJSON(raw, v, errs)
}

// decodesItself reports a type encoding/json must decode: it implements json.Unmarshaler
// or encoding.TextUnmarshaler, or publishes its own schema (which the framework does not
// interpret).
func decodesItself(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType) ||
		t.Implements(schemaProviderType) || pt.Implements(schemaProviderType)
}

func decodeRaw(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
	v.SetBytes(bytes.Clone(raw))
	return errs
}

func decodeJSON(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
	err := json.Unmarshal(raw, v.Addr().Interface())
	if err == nil {
		return errs
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		pe := ParamError{Message: fmt.Sprintf("expected %s, got %s", jsonTypeName(te.Type), te.Value)}
		if te.Field != "" {
			pe.Path = "/" + strings.ReplaceAll(te.Field, ".", "/")
		}
		return append(errs, pe)
	}
	return append(errs, ParamError{Message: err.Error()})
}

func decodePointer(t reflect.Type, elem *decoder) decodeFunc {
	et := t.Elem()
	return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
		if raw[0] == 'n' {
			v.SetZero()
			return errs
		}
		p := reflect.New(et)
		errs = elem.set(raw, p.Elem(), errs)
		v.Set(p)
		return errs
	}
}

// listDecoder returns the decode func of slice or array type t, whose items elem decodes;
// rules, when not nil, are the minItems, maxItems and uniqueItems of the field.
func listDecoder(t reflect.Type, elem *decoder, rules *listRules) decodeFunc {
	length := -1
	if t.Kind() == reflect.Array {
		length = t.Len()
	}
	return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
		if raw[0] != '[' {
			return append(errs, typeError("array", raw))
		}
		n := len(errs)
		maxItems := -1
		if rules != nil {
			maxItems = rules.maxItems
		}
		errs, refused := decodeList(raw, v, elem, length, maxItems, errs)
		if refused {
			return append(errs, ParamError{Message: rules.maxMsg})
		}
		if rules != nil {
			errs = rules.check(v, len(errs) > n, errs)
		}
		return errs
	}
}

// maxListBytes bounds the memory a list may take once decoded, whatever its items: a 5 MiB
// message of 2.5 million tiny items must not become gigabytes of Go values.
const maxListBytes = 64 << 20

// shortList is the number of items a list decoder keeps track of on the stack, so that a
// short array is scanned once to find its items, not once more to count them.
const shortList = 16

// decodeList decodes array raw into slice or array v (of length length, or -1 for a slice).
// A list longer than maxItems (-1: no limit) is refused, with refused true, before anything is
// allocated for it; so is one whose decoded items would exceed maxListBytes.
func decodeList(raw []byte, v reflect.Value, elem *decoder, length, maxItems int, errs []ParamError) (_ []ParamError, refused bool) {
	var short [shortList][]byte
	n := 0
	it := wire.NewIter(raw)
	for n < shortList {
		val, ok := it.Element()
		if !ok {
			break
		}
		short[n] = val
		n++
	}
	if n == shortList {
		n = wire.Count(raw) // a long list: counted, then scanned again
	}
	if maxItems >= 0 && n > maxItems {
		return errs, true
	}
	if size := v.Type().Elem().Size(); size > 0 && uint64(n) > maxListBytes/uint64(size) {
		return append(errs, ParamError{Message: fmt.Sprintf("too many items: %d items of %s exceed the decoding limit of %d MiB", n, v.Type().Elem(), maxListBytes>>20)}), false
	}
	switch {
	case length < 0 && n == 0:
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	case length < 0:
		v.Grow(n)
		v.SetLen(n)
	case n != length:
		errs = append(errs, ParamError{Message: fmt.Sprintf("must have %d items, got %d", length, n)})
		n = min(n, length)
	}
	it = wire.NewIter(raw)
	for i := 0; i < n && len(errs) <= maxParamErrors; i++ {
		var val []byte
		if n < shortList {
			val = short[i]
		} else {
			val, _ = it.Element()
		}
		k := len(errs)
		errs = elem.set(val, v.Index(i), errs)
		if len(errs) > k {
			prefixPaths(errs[k:], "/"+strconv.Itoa(i))
		}
	}
	return errs, false
}

// mapDecoder returns the decode func of map type t, whose keys are strings or integers.
// canonicalInt reports whether key is an integer written as encoding/json writes one: no
// sign but a minus, no leading zeros (so "1", "+1" and "01" cannot name one key thrice).
func canonicalInt(key []byte) bool {
	digits := bytes.TrimPrefix(key, []byte("-"))
	switch {
	case len(digits) == 0 || digits[0] < '0' || digits[0] > '9':
		return false // empty, or "+1"
	case digits[0] == '0':
		return len(key) == 1 // "0" alone: not "01", not "-0"
	}
	return true
}

func (c *compiler) mapDecoder(t reflect.Type) (decodeFunc, error) {
	kt := t.Key()
	if reflect.PointerTo(kt).Implements(textUnmarshalerType) {
		return decodeJSON, nil
	}
	elem, err := c.typeDecoder(t.Elem())
	if err != nil {
		return nil, err
	}
	var parseKey func(key []byte, kv reflect.Value) bool
	switch kt.Kind() {
	case reflect.String:
		parseKey = func(key []byte, kv reflect.Value) bool { kv.SetString(string(key)); return true }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		parseKey = func(key []byte, kv reflect.Value) bool {
			i, err := strconv.ParseInt(string(key), 10, kt.Bits())
			kv.SetInt(i)
			return err == nil && canonicalInt(key)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		parseKey = func(key []byte, kv reflect.Value) bool {
			u, err := strconv.ParseUint(string(key), 10, kt.Bits())
			kv.SetUint(u)
			return err == nil && canonicalInt(key)
		}
	default:
		return decodeJSON, nil // checkDecodable refused the others
	}
	var keyErr string
	if kt.Kind() != reflect.String {
		keyErr = fmt.Sprintf("key must be an integer in [%s]", intRange(kt))
	}
	et := t.Elem()
	return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
		if raw[0] != '{' {
			return append(errs, typeError("object", raw))
		}
		m := reflect.MakeMap(t)
		kv := reflect.New(kt).Elem()
		ev := reflect.New(et).Elem()
		it := wire.NewIter(raw)
		for len(errs) <= maxParamErrors {
			key, val, ok := it.Member()
			if !ok {
				break
			}
			if !parseKey(key, kv) {
				errs = append(errs, ParamError{Path: "/" + escapePointer(string(key)), Message: keyErr})
				continue
			}
			ev.SetZero()
			k := len(errs)
			errs = elem.set(val, ev, errs)
			if len(errs) > k {
				prefixPaths(errs[k:], "/"+escapePointer(string(key)))
				continue
			}
			size := m.Len()
			m.SetMapIndex(kv, ev)
			if m.Len() == size {
				errs = append(errs, ParamError{Path: "/" + escapePointer(string(key)), Message: "property given more than once"})
			}
		}
		v.Set(m)
		return errs
	}, nil
}

// structField is a member of a nested object.
type structField struct {
	name     string
	pointer  string // "/" + escaped name
	index    []int
	required bool
	dec      *decoder
	def      []byte // the default tag as JSON; nil for none
}

// structDecoder returns the decode func of struct type t: a closed object whose members are
// t's fields (flattening embedded structs), with their tags' constraints.
func (c *compiler) structDecoder(t reflect.Type) (decodeFunc, error) {
	infos, err := structFields(t)
	if err != nil {
		return nil, fmt.Errorf("type %s: %w", t, err)
	}
	fields := make([]structField, len(infos))
	for i, f := range infos {
		dec, err := c.field(f.typ, f.c)
		if err != nil {
			return nil, fmt.Errorf("type %s: field %q: %w", t, f.name, err)
		}
		fields[i] = structField{name: f.name, pointer: "/" + escapePointer(f.name), index: f.index, required: f.required, dec: dec}
		if f.c.hasDefault {
			// A scalar's decoder is complete here (a struct's may still be under construction,
			// for recursive types): check the default against it now.
			if kindOfType(valueType(f.typ)) != kindOther {
				if fields[i].def, err = defaultJSON(f, dec); err != nil {
					return nil, fmt.Errorf("type %s: field %q: %w", t, f.name, err)
				}
			} else {
				fields[i].def = mustJSON(f.c.def)
			}
		}
	}
	var byName map[string]int
	if len(fields) > byNameMapFieldsLimit {
		byName = make(map[string]int, len(fields))
		for i, f := range fields {
			byName[f.name] = i
		}
	}
	lookup := func(key []byte) int {
		if byName != nil {
			if i, ok := byName[string(key)]; ok {
				return i
			}
			return -1
		}
		for i := range fields {
			if fields[i].name == string(key) {
				return i
			}
		}
		return -1
	}
	big := len(fields) > maxBitsetFields
	return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
		if raw[0] != '{' {
			return append(errs, typeError("object", raw))
		}
		var seen bitset
		if big {
			seen.big = make([]bool, len(fields))
		}
		it := wire.NewIter(raw)
		for len(errs) <= maxParamErrors {
			key, val, ok := it.Member()
			if !ok {
				break
			}
			i := lookup(key)
			switch {
			case i < 0:
				errs = append(errs, ParamError{Path: "/" + escapePointer(string(key)),
					Message: unknownMessage("property", key, len(fields), func(i int) string { return fields[i].name })})
				continue
			case seen.has(i):
				errs = append(errs, ParamError{Path: fields[i].pointer, Message: "property given more than once"})
				continue
			}
			seen.set(i)
			f := &fields[i]
			k := len(errs)
			errs = f.dec.set(val, fieldOf(v, f.index), errs)
			prefixPaths(errs[k:], f.pointer)
		}
		for i := range fields {
			switch f := &fields[i]; {
			case seen.has(i):
			case f.def != nil:
				k := len(errs)
				errs = f.dec.set(f.def, fieldOf(v, f.index), errs)
				prefixPaths(errs[k:], f.pointer)
			case f.required:
				errs = append(errs, ParamError{Path: f.pointer, Message: "required property is missing"})
			}
		}
		return errs
	}, nil
}

// unknownMessage says that key names no param (or property) of the n named by name, and
// which one it probably means.
func unknownMessage(what string, key []byte, n int, name func(int) string) string {
	if near := suggest.Nearest(string(key), n, name); near != "" {
		return fmt.Sprintf("unknown %s; did you mean %q?", what, near)
	}
	return "unknown " + what
}

// fieldOf returns the field of struct v at index.
func fieldOf(v reflect.Value, index []int) reflect.Value {
	if len(index) == 1 {
		return v.Field(index[0])
	}
	return v.FieldByIndex(index)
}

// scalarDecoder returns the decode func of a boolean, number or string type, which checks
// rules (nil for none) on the value.
func scalarDecoder(t reflect.Type, rules *valueRules) decodeFunc {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := t.Bits()
		lo, hi := int64(-1)<<(bits-1), int64(uint64(1)<<(bits-1)-1)
		rangeMsg := "out of range [" + intRange(t) + "]"
		var num *numberRules
		if rules != nil {
			num = rules.num
		}
		return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
			i, u, neg, pe := parseInteger(raw)
			if pe != nil {
				return append(errs, *pe)
			}
			if (!neg && u > math.MaxInt64) || i < lo || i > hi {
				return append(errs, ParamError{Message: "integer " + string(raw) + " " + rangeMsg})
			}
			if num != nil {
				errs = num.checkInt(i, raw, errs)
			}
			v.SetInt(i)
			return errs
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		hi := uint64(math.MaxUint64) >> (64 - t.Bits())
		rangeMsg := "out of range [" + intRange(t) + "]"
		var num *numberRules
		if rules != nil {
			num = rules.num
		}
		return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
			_, u, neg, pe := parseInteger(raw)
			if pe != nil {
				return append(errs, *pe)
			}
			if neg || u > hi {
				return append(errs, ParamError{Message: "integer " + string(raw) + " " + rangeMsg})
			}
			if num != nil {
				errs = num.checkUint(u, raw, errs)
			}
			v.SetUint(u)
			return errs
		}
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		var num *numberRules
		if rules != nil {
			num = rules.num
		}
		return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
			if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
				return append(errs, typeError("number", raw))
			}
			f, err := strconv.ParseFloat(string(raw), bits)
			if err != nil {
				return append(errs, ParamError{Message: "number out of range: " + string(raw)})
			}
			if num != nil {
				checked := f
				if bits == 32 { // check the value sent, not its float32 rounding
					checked, _ = strconv.ParseFloat(string(raw), 64)
				}
				errs = num.checkFloat(checked, raw, errs)
			}
			v.SetFloat(f)
			return errs
		}
	case reflect.String:
		var str *stringRules
		if rules != nil {
			str = rules.str
		}
		return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
			if raw[0] != '"' {
				return append(errs, typeError("string", raw))
			}
			s := unquoteString(raw)
			if str != nil {
				errs = str.check(s, errs)
			}
			v.SetString(s)
			return errs
		}
	case reflect.Bool:
		var enum []bool
		var enumMsg string
		if rules != nil {
			enum, enumMsg = rules.bools, rules.enumMsg
		}
		return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
			var b bool
			switch raw[0] {
			case 't':
				b = true
			case 'f':
			default:
				return append(errs, typeError("boolean", raw))
			}
			if enum != nil && !slices.Contains(enum, b) {
				errs = append(errs, ParamError{Message: enumMsg})
			}
			v.SetBool(b)
			return errs
		}
	}
	// Unreachable: checkDecodable refuses the other kinds.
	return func(raw []byte, v reflect.Value, errs []ParamError) []ParamError {
		return append(errs, ParamError{Message: "cannot decode into " + t.String()})
	}
}

// unquoteString returns the string a valid JSON string token holds.
func unquoteString(raw []byte) string {
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body)
	}
	var s string
	_ = json.Unmarshal(raw, &s) // cannot fail on a token the envelope parser accepted
	return s
}

func typeError(want string, raw []byte) ParamError {
	return ParamError{Message: "expected " + want + ", got " + kindOf(raw)}
}

// intRange is the range of integer type t, as "lo, hi".
func intRange(t reflect.Type) string {
	bits := t.Bits()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprintf("%d, %d", int64(-1)<<(bits-1), uint64(1)<<(bits-1)-1)
	}
	return fmt.Sprintf("0, %d", uint64(math.MaxUint64)>>(64-bits))
}

// parseInteger returns the integer raw holds, accepting integral values written with a
// fraction or an exponent (1.0, 1e3) as JSON Schema's "integer" does. neg reports a value
// below zero, whose magnitude is in i; u holds values from zero up.
func parseInteger(raw []byte) (i int64, u uint64, neg bool, pe *ParamError) {
	orig := raw
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		e := typeError("integer", raw)
		return 0, 0, false, &e
	}
	if bytes.ContainsAny(raw, ".eE") {
		canonical, ok, inRange := integralDigits(raw)
		switch {
		case !ok:
			return 0, 0, false, &ParamError{Message: "expected integer, got " + string(raw)}
		case !inRange:
			return 0, 0, raw[0] == '-', &ParamError{Message: "integer out of range: " + string(raw)}
		}
		raw = canonical
	}
	if raw[0] == '-' {
		i, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return 0, 0, true, &ParamError{Message: "integer out of range: " + string(orig)}
		}
		return i, 0, i < 0, nil
	}
	u, err := strconv.ParseUint(string(raw), 10, 64)
	if err != nil {
		return 0, 0, false, &ParamError{Message: "integer out of range: " + string(orig)}
	}
	return int64(u), u, false, nil
}

// integralDigits rewrites a JSON number with a fraction or an exponent (1.0, 2e3, 150e-2)
// as plain integer digits, exactly (never through float64): ok is false when the value is not
// an integer, inRange false when it has more than 20 digits (beyond any 64-bit integer).
func integralDigits(raw []byte) (digits []byte, ok, inRange bool) {
	num := raw
	neg := num[0] == '-'
	if neg {
		num = num[1:]
	}
	mant, expText, _ := bytes.Cut(bytes.ToLower(num), []byte("e"))
	intPart, frac, _ := bytes.Cut(mant, []byte("."))
	d := append(append([]byte(nil), intPart...), frac...)
	d = bytes.TrimLeft(d, "0")
	if len(d) == 0 {
		return []byte("0"), true, true // zero, whatever the exponent
	}
	exp, err := strconv.Atoi(string(expText))
	if len(expText) == 0 {
		exp, err = 0, nil
	}
	if err != nil { // an exponent beyond int: huge or vanishing
		return nil, expText[0] != '-', false
	}
	exp -= len(frac)
	for len(d) > 0 && d[len(d)-1] == '0' {
		d = d[:len(d)-1]
		exp++
	}
	switch {
	case exp < 0:
		return nil, false, false // a nonzero fraction remains
	case len(d)+exp > 20:
		return nil, true, false
	}
	out := make([]byte, 0, 1+len(d)+exp)
	if neg {
		out = append(out, '-')
	}
	out = append(out, d...)
	for range exp {
		out = append(out, '0')
	}
	return out, true, true
}

// kindOf names the JSON type of a raw value.
func kindOf(raw []byte) string {
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// jsonTypeName names the JSON type a Go type decodes from.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return "string (base64)"
		}
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	}
	return t.String()
}

// escapePointer escapes a JSON Pointer segment (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// checkDecodable reports a type encoding/json cannot decode into.
func checkDecodable(t reflect.Type) error {
	return checkJSONType(t, true, map[reflect.Type]bool{})
}

// checkEncodable reports a type encoding/json cannot encode.
func checkEncodable(t reflect.Type) error {
	return checkJSONType(t, false, map[reflect.Type]bool{})
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func checkJSONType(t reflect.Type, decode bool, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	pt := reflect.PointerTo(t)
	if decode && isOptional(t) {
		return checkJSONType(t.Field(0).Type, decode, seen)
	}
	if decode && (pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType)) {
		return nil
	}
	if !decode && (t.Implements(jsonMarshalerType) || pt.Implements(jsonMarshalerType) ||
		t.Implements(textMarshalerType) || pt.Implements(textMarshalerType)) {
		return nil
	}
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.Complex64, reflect.Complex128, reflect.UnsafePointer:
		return fmt.Errorf("type %s cannot be represented in JSON", t)
	case reflect.Interface:
		if decode && t.NumMethod() > 0 {
			return fmt.Errorf("cannot decode JSON into interface type %s", t)
		}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return checkJSONType(t.Elem(), decode, seen)
	case reflect.Map:
		k := t.Key()
		switch k.Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		default:
			if !reflect.PointerTo(k).Implements(textUnmarshalerType) && !k.Implements(textMarshalerType) {
				return fmt.Errorf("map key type %s cannot be represented in JSON", k)
			}
		}
		return checkJSONType(t.Elem(), decode, seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous || f.Tag.Get("json") == "-" {
				continue
			}
			if err := checkJSONType(f.Type, decode, seen); err != nil {
				return fmt.Errorf("field %s: %w", f.Name, err)
			}
		}
	}
	return nil
}
