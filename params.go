package openrpc

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/openrpc-go/openrpc/internal/wire"
)

// A params decoder is compiled once per method, in Register, from the Go type of its params.
// Decoding a call then walks the raw params once and sets fields through precomputed
// decoders: no reflection over types per call.

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
	elem      *valueDecoder  // for variadic params
}

type paramField struct {
	fieldInfo
	pointer string // JSON Pointer of the param: "/" + escaped name
	dec     valueDecoder
}

// valueDecoder sets one Go value from one raw JSON value.
type valueDecoder struct {
	nullable bool
	decode   func(raw []byte, v reflect.Value) *fieldError
}

// fieldError is a problem inside one param: path is relative to the param ("" or "/x/0").
type fieldError struct {
	path string
	msg  string
}

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
		elem := newValueDecoder(t.Elem())
		d.elem = &elem
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

// addFields adds the params of struct t.
func (d *paramsDecoder) addFields(t reflect.Type) error {
	fields, err := structFields(t)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if err := checkDecodable(f.typ); err != nil {
			return fmt.Errorf("param %q: %w", f.name, err)
		}
		d.fields = append(d.fields, paramField{
			fieldInfo: f,
			pointer:   "/" + escapePointer(f.name),
			dec:       newValueDecoder(f.typ),
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
			for i := 0; ; i++ {
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
			for {
				key, val, ok := it.Member()
				if !ok {
					break
				}
				i := d.lookup(key)
				switch {
				case i < 0:
					errs = append(errs, ParamError{Path: "/" + escapePointer(string(key)), Message: "unknown param"})
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
		if d.fields[i].required && !seen.has(i) {
			errs = append(errs, ParamError{Path: d.fields[i].pointer, Message: "required param is missing"})
		}
	}
	if errs != nil {
		return invalidParams(errs)
	}
	return nil
}

func (d *paramsDecoder) decodeVariadic(raw []byte, v reflect.Value) *Error {
	if raw == nil {
		return nil
	}
	if raw[0] == '{' {
		return invalidParams([]ParamError{{Message: "params must be an array: this method takes params by-position"}})
	}
	n := wire.Count(raw)
	if n == 0 {
		return nil
	}
	s := reflect.MakeSlice(v.Type(), n, n)
	var errs []ParamError
	it := wire.NewIter(raw)
	for i := range n {
		val, _ := it.Element()
		if fe := d.elem.set(val, s.Index(i)); fe != nil {
			errs = append(errs, ParamError{Path: "/" + strconv.Itoa(i) + fe.path, Message: fe.msg})
		}
	}
	if errs != nil {
		return invalidParams(errs)
	}
	v.Set(s)
	return nil
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
	var v reflect.Value
	if len(f.index) == 1 {
		v = params.Field(f.index[0])
	} else {
		v = params.FieldByIndex(f.index)
	}
	if fe := f.dec.set(raw, v); fe != nil {
		errs = append(errs, ParamError{Path: f.pointer + fe.path, Message: fe.msg})
	}
	return errs
}

func (d *valueDecoder) set(raw []byte, v reflect.Value) *fieldError {
	if raw[0] == 'n' && !d.nullable {
		return &fieldError{msg: "must not be null"}
	}
	return d.decode(raw, v)
}

// bitset records which params a call gave.
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

// newValueDecoder picks the decoder of one Go type: a direct parser for plain numbers,
// strings and booleans, encoding/json for everything else and for any type with its own
// UnmarshalJSON or UnmarshalText.
func newValueDecoder(t reflect.Type) valueDecoder {
	pt := reflect.PointerTo(t)
	custom := pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType)
	d := valueDecoder{nullable: isNullable(t), decode: decodeJSON}
	if custom {
		return d
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.decode = decodeInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		d.decode = decodeUint
	case reflect.Float32, reflect.Float64:
		d.decode = decodeFloat
	case reflect.String:
		d.decode = decodeString
	case reflect.Bool:
		d.decode = decodeBool
	}
	return d
}

func decodeJSON(raw []byte, v reflect.Value) *fieldError {
	err := json.Unmarshal(raw, v.Addr().Interface())
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		fe := &fieldError{msg: fmt.Sprintf("expected %s, got %s", jsonTypeName(te.Type), te.Value)}
		if te.Field != "" {
			fe.path = "/" + strings.ReplaceAll(te.Field, ".", "/")
		}
		return fe
	}
	return &fieldError{msg: err.Error()}
}

func typeError(want string, raw []byte) *fieldError {
	return &fieldError{msg: "expected " + want + ", got " + kindOf(raw)}
}

// parseInteger returns the integer raw holds, accepting integral values written with a
// fraction or an exponent (1.0, 1e3) as JSON Schema's "integer" does. neg reports a value
// below zero, whose magnitude is in i; u holds values from zero up.
func parseInteger(raw []byte) (i int64, u uint64, neg bool, fe *fieldError) {
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return 0, 0, false, typeError("integer", raw)
	}
	if bytes.ContainsAny(raw, ".eE") {
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxUint64 {
			return 0, 0, false, &fieldError{msg: "expected integer, got " + string(raw)}
		}
		if f < 0 {
			return int64(f), 0, true, nil
		}
		return int64(min(f, math.MaxInt64)), uint64(f), false, nil
	}
	if raw[0] == '-' {
		i, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return 0, 0, true, &fieldError{msg: "integer out of range: " + string(raw)}
		}
		return i, 0, i < 0, nil
	}
	u, err := strconv.ParseUint(string(raw), 10, 64)
	if err != nil {
		return 0, 0, false, &fieldError{msg: "integer out of range: " + string(raw)}
	}
	return int64(u), u, false, nil
}

func decodeInt(raw []byte, v reflect.Value) *fieldError {
	i, u, neg, fe := parseInteger(raw)
	if fe != nil {
		return fe
	}
	if (!neg && u > math.MaxInt64) || v.OverflowInt(i) {
		bits := v.Type().Bits()
		return &fieldError{msg: fmt.Sprintf("integer %s out of range [%d, %d]", raw, int64(-1)<<(bits-1), uint64(1)<<(bits-1)-1)}
	}
	v.SetInt(i)
	return nil
}

func decodeUint(raw []byte, v reflect.Value) *fieldError {
	_, u, neg, fe := parseInteger(raw)
	if fe != nil {
		return fe
	}
	if neg || v.OverflowUint(u) {
		bits := v.Type().Bits()
		return &fieldError{msg: fmt.Sprintf("integer %s out of range [0, %d]", raw, uint64(math.MaxUint64)>>(64-bits))}
	}
	v.SetUint(u)
	return nil
}

func decodeFloat(raw []byte, v reflect.Value) *fieldError {
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return typeError("number", raw)
	}
	f, err := strconv.ParseFloat(string(raw), v.Type().Bits())
	if err != nil {
		return &fieldError{msg: "number out of range: " + string(raw)}
	}
	v.SetFloat(f)
	return nil
}

func decodeString(raw []byte, v reflect.Value) *fieldError {
	if raw[0] != '"' {
		return typeError("string", raw)
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		v.SetString(string(body))
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return &fieldError{msg: err.Error()}
	}
	v.SetString(s)
	return nil
}

func decodeBool(raw []byte, v reflect.Value) *fieldError {
	switch raw[0] {
	case 't':
		v.SetBool(true)
	case 'f':
		v.SetBool(false)
	default:
		return typeError("boolean", raw)
	}
	return nil
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
