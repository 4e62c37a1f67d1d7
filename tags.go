package openrpc

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openrpc-go/openrpc/internal/suggest"
)

// constraints are the JSON Schema keywords of one struct field, parsed once from its tags.
// The same values are published in the document and enforced on incoming params.
//
// Keywords about a value (minimum, maxLength, pattern, format, enum...) apply to the field's
// value, or to its items when the field is a slice or an array; minItems, maxItems and
// uniqueItems apply to the slice itself.
type constraints struct {
	doc                                string
	minimum, maximum                   *float64
	exclusiveMinimum, exclusiveMaximum *float64
	multipleOf                         *float64
	minLength, maxLength               *int
	minItems, maxItems                 *int
	pattern                            *regexp.Regexp
	format                             string
	enum                               []any // values of the value type: string, float64 or bool
	def, example                       any
	hasDefault, hasExample             bool
	uniqueItems, deprecated, readOnly  bool
	// notNull is set by nullable:"false" on a pointer or an Optional: the field stays
	// optional, but null is neither published nor accepted.
	notNull bool
	// required is set by required:"true" on a pointer, an interface or a json.RawMessage:
	// the member must be present, though null is one of its values.
	required bool
}

// tagKeys are the struct tags read as schema keywords (huma's names).
var tagKeys = []string{
	"doc", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
	"minLength", "maxLength", "pattern", "format", "enum", "default", "example",
	"minItems", "maxItems", "uniqueItems", "deprecated", "readOnly", "nullable", "required",
}

// formats are the values of the format tag that are known, and checked on strings.
var formats = map[string]func(string) bool{
	"date-time": isDateTime,
	"date":      func(s string) bool { _, err := time.Parse(time.DateOnly, s); return err == nil },
	"time":      func(s string) bool { return parseTimeOfDay(s) },
	"email":     isEmail,
	"uri":       isURI,
	"uuid":      isUUID,
	"ipv4":      isIPv4,
	"ipv6":      isIPv6,
	"hostname":  isHostname,
	"duration":  isISODuration,
	"regex":     func(s string) bool { _, err := regexp.Compile(s); return err == nil },
}

// valueType is the type the value keywords of a field apply to: the field's type without
// pointers, or its element type for slices and arrays (but not []byte, a string).
func valueType(t reflect.Type) reflect.Type {
	seen := map[reflect.Type]bool{}
	for t = derefType(t); isList(t) && !seen[t]; t = derefType(t.Elem()) {
		seen[t] = true // a recursive list type (type Tree []Tree) ends here
	}
	return t
}

func isListType(t reflect.Type) bool {
	return isList(derefType(t))
}

// isList reports a slice or array type that is a JSON array: not []byte, a base64 string
// ([N]byte is an array, as for encoding/json).
func isList(t reflect.Type) bool {
	return t.Kind() == reflect.Array || t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8
}

// derefType strips pointers and Optional from t: the type of the value when there is one.
func derefType(t reflect.Type) reflect.Type {
	for {
		switch {
		case t.Kind() == reflect.Pointer:
			t = t.Elem()
		case t.Implements(optionalTypeIface):
			t = t.Field(0).Type
		default:
			return t
		}
	}
}

type valueKind uint8

const (
	kindOther valueKind = iota
	kindString
	kindNumber
	kindInteger
	kindBool
)

func kindOfType(t reflect.Type) valueKind {
	if t == rawMessageType {
		return kindOther // any JSON value
	}
	if t == timeType || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		return kindString
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		return kindOther
	}
	switch t.Kind() {
	case reflect.String:
		return kindString
	case reflect.Float32, reflect.Float64:
		return kindNumber
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return kindInteger
	case reflect.Bool:
		return kindBool
	}
	return kindOther
}

var timeType = reflect.TypeFor[time.Time]()

// parseConstraints reads the schema tags of field f, reporting unknown spellings of known
// keys and values that do not parse or do not fit the field's type.
func parseConstraints(f reflect.StructField) (*constraints, error) {
	if err := checkTagSpelling(f.Tag); err != nil {
		return nil, err
	}
	c := &constraints{}
	vt := valueType(f.Type)
	vk := kindOfType(vt)
	list := isListType(f.Type)
	var errs []string
	fail := func(key, val, why string) { errs = append(errs, fmt.Sprintf("tag %s:%q: %s", key, val, why)) }

	number := func(key string, applies bool) *float64 {
		val, ok := f.Tag.Lookup(key)
		if !ok {
			return nil
		}
		if !applies {
			fail(key, val, "applies to numbers only")
			return nil
		}
		x, err := strconv.ParseFloat(val, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			fail(key, val, "not a number")
			return nil
		}
		return &x
	}
	count := func(key string, applies bool, what string) *int {
		val, ok := f.Tag.Lookup(key)
		if !ok {
			return nil
		}
		if !applies {
			fail(key, val, "applies to "+what+" only")
			return nil
		}
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			fail(key, val, "not a non-negative integer")
			return nil
		}
		return &n
	}
	flag := func(key string) bool {
		val, ok := f.Tag.Lookup(key)
		if !ok {
			return false
		}
		b, err := strconv.ParseBool(val)
		if err != nil {
			fail(key, val, "not true or false")
		}
		return b
	}
	numeric := vk == kindNumber || vk == kindInteger
	c.doc = f.Tag.Get("doc")
	c.minimum = number("minimum", numeric)
	c.maximum = number("maximum", numeric)
	c.exclusiveMinimum = number("exclusiveMinimum", numeric)
	c.exclusiveMaximum = number("exclusiveMaximum", numeric)
	c.multipleOf = number("multipleOf", numeric)
	if c.multipleOf != nil && *c.multipleOf <= 0 {
		fail("multipleOf", f.Tag.Get("multipleOf"), "must be greater than 0")
	}
	isString := vk == kindString && vt != timeType
	c.minLength = count("minLength", isString, "strings")
	c.maxLength = count("maxLength", isString, "strings")
	c.minItems = count("minItems", list, "slices and arrays")
	c.maxItems = count("maxItems", list, "slices and arrays")
	if val, ok := f.Tag.Lookup("pattern"); ok {
		re, err := regexp.Compile(val)
		switch {
		case !isString:
			fail("pattern", val, "applies to strings only")
		case err != nil:
			fail("pattern", val, err.Error())
		default:
			c.pattern = re
		}
	}
	if val, ok := f.Tag.Lookup("format"); ok {
		if _, known := formats[val]; !known {
			fail("format", val, "unknown format; known: date-time, date, time, email, uri, uuid, ipv4, ipv6, hostname, duration, regex")
		} else if !isString {
			fail("format", val, "applies to strings only")
		}
		c.format = val
	}
	if val, ok := f.Tag.Lookup("enum"); ok && vk == kindOther {
		fail("enum", val, "applies to strings, numbers and booleans only")
	} else if ok {
		for _, s := range strings.Split(val, ",") {
			v, err := parseTagValue(s, vk)
			if err != nil {
				fail("enum", val, err.Error())
				break
			}
			c.enum = append(c.enum, v)
		}
	}
	for _, k := range []struct {
		key string
		dst *any
		has *bool
	}{{"default", &c.def, &c.hasDefault}, {"example", &c.example, &c.hasExample}} {
		val, ok := f.Tag.Lookup(k.key)
		if !ok {
			continue
		}
		kind := vk
		if list {
			kind = kindOther // a list is written as JSON
		}
		v, err := parseTagValue(val, kind)
		if err != nil {
			fail(k.key, val, err.Error())
			continue
		}
		*k.dst, *k.has = v, true
	}
	if val, ok := f.Tag.Lookup("uniqueItems"); ok && !list {
		fail("uniqueItems", val, "applies to slices and arrays only")
	}
	c.uniqueItems = flag("uniqueItems")
	c.deprecated = flag("deprecated")
	c.readOnly = flag("readOnly")
	if val, ok := f.Tag.Lookup("nullable"); ok {
		switch nullable := f.Type.Kind() == reflect.Pointer || f.Type.Implements(optionalTypeIface); {
		case val != "false":
			fail("nullable", val, `only "false" is read: a pointer or an Optional is nullable without it, and other types cannot be`)
		case !nullable:
			fail("nullable", val, "applies to pointers and Optional only")
		default:
			c.notNull = true
		}
	}
	if val, ok := f.Tag.Lookup("required"); ok {
		switch {
		case val != "true":
			fail("required", val, `only "true" is read: a pointer, an interface or a json.RawMessage is optional without it, and a field of another type is required unless tagged omitempty or omitzero or given a default`)
		case f.Type.Implements(optionalTypeIface):
			fail("required", val, "an Optional may be absent: use a pointer for a member that must be present but may be null")
		case !isNullable(f.Type):
			fail("required", val, "applies to pointers, interfaces and json.RawMessage only: a field of another type is required unless tagged omitempty or omitzero or given a default")
		case c.hasDefault:
			fail("required", val, "a default is for an absent member, and a required one is never absent")
		default:
			c.required = true
		}
	}
	for _, p := range []struct {
		lo, hi *int
		name   string
	}{{c.minLength, c.maxLength, "minLength > maxLength"}, {c.minItems, c.maxItems, "minItems > maxItems"}} {
		if p.lo != nil && p.hi != nil && *p.lo > *p.hi {
			errs = append(errs, p.name)
		}
	}
	if c.minimum != nil && c.maximum != nil && *c.minimum > *c.maximum {
		errs = append(errs, "minimum > maximum")
	}
	if errs != nil {
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return c, nil
}

// parseTagValue parses the text of an enum, default or example tag for a value of kind k:
// strings are taken as they are, numbers and booleans parsed, anything else read as JSON.
func parseTagValue(s string, k valueKind) (any, error) {
	switch k {
	case kindString:
		return s, nil
	case kindInteger:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return float64(n), nil
	case kindNumber:
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return x, nil
	case kindBool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", s)
		}
		return b, nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("%q is not JSON", s)
	}
	return v, nil
}

// checkTagSpelling reports tag keys that look like a misspelt keyword: spelt with another
// case or separators (maxlength, max_length), or a typo away from it (minLenght, patern,
// maximun, enums). Such a tag would otherwise be silently ignored: neither published nor
// enforced. Tag keys of other well-known libraries (form, db...) are never taken for typos.
func checkTagSpelling(tag reflect.StructTag) error {
	norm := func(s string) string { return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s)) }
	for _, key := range tagKeyNames(string(tag)) {
		if slices.Contains(tagKeys, key) || foreignTagKeys[key] {
			continue
		}
		if known := suggest.Nearest(norm(key), len(tagKeys), func(i int) string { return norm(tagKeys[i]) }); known != "" {
			i := slices.IndexFunc(tagKeys, func(k string) bool { return norm(k) == known })
			return fmt.Errorf("tag %q: did you mean %q?", key, tagKeys[i])
		}
	}
	return nil
}

// foreignTagKeys are struct tag keys of other common libraries (encoders, validators, ORMs,
// web frameworks) that are a few edits from one of ours but no typo of it.
var foreignTagKeys = map[string]bool{
	"json": true, "xml": true, "yaml": true, "yml": true, "toml": true, "hcl": true, "ini": true,
	"csv": true, "bson": true, "msgpack": true, "cbor": true, "protobuf": true, "avro": true,
	"db": true, "sql": true, "gorm": true, "bun": true, "pg": true, "dynamodbav": true,
	"form": true, "query": true, "header": true, "uri": true, "url": true, "path": true,
	"param": true, "params": true, "schema": true, "validate": true, "binding": true,
	"mapstructure": true, "env": true, "envDefault": true, "default_value": true,
	"faker": true, "fake": true, "copier": true, "label": true, "title": true,
}

// tagKeyNames lists the keys of a conventional struct tag (key:"value" pairs).
func tagKeyNames(tag string) []string {
	var keys []string
	for tag != "" {
		tag = strings.TrimLeft(tag, " ")
		i := strings.IndexByte(tag, ':')
		if i <= 0 || i+1 >= len(tag) || tag[i+1] != '"' {
			return keys
		}
		keys = append(keys, tag[:i])
		rest := tag[i+2:]
		j := 0
		for j < len(rest) && rest[j] != '"' {
			if rest[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(rest) {
			return keys
		}
		tag = rest[j+1:]
	}
	return keys
}
