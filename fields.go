package openrpc

import (
	"fmt"
	"reflect"
	"strings"
)

// fieldInfo is one JSON member of a struct type: a param of a params struct, or a property
// of a nested object. Schemas and decoders are both built from it, so what the document
// publishes is what the server enforces.
type fieldInfo struct {
	name     string
	index    []int
	typ      reflect.Type
	required bool
	c        *constraints
}

// structFields lists the JSON members of struct t, flattening embedded structs like
// encoding/json. A field is required unless it is nullable (a pointer, an interface,
// json.RawMessage, an Optional) or tagged omitempty or omitzero, or has a default; a
// nullable one tagged required:"true" is required, null being one of its values.
func structFields(t reflect.Type) ([]fieldInfo, error) {
	var out []fieldInfo
	err := appendFields(&out, t, nil)
	return out, err
}

func appendFields(out *[]fieldInfo, t reflect.Type, index []int) error {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if f.Anonymous && name == "" {
			ft := f.Type
			if pt := reflect.PointerTo(ft); ft.Kind() == reflect.Struct && (pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType)) {
				// Its UnmarshalJSON would be promoted to t, which encoding/json would then use
				// for t as a whole, ignoring t's other fields.
				return fmt.Errorf("embedded %s decodes itself, and embedding it hands that to %s as a whole: use a named field", ft, t)
			}
			if ft.Kind() == reflect.Struct {
				if err := appendFields(out, ft, idx); err != nil {
					return err
				}
				continue
			}
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				return fmt.Errorf("embedded pointer %s is not supported: embed the struct", ft)
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		var omit string // the option that omits the member when empty or zero
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "omitempty", "omitzero":
				omit = opt
			case "string":
				return fmt.Errorf("field %q: the json ,string option is not supported", name)
			}
		}
		for _, g := range *out {
			if g.name == name {
				return fmt.Errorf("two fields are named %q", name)
			}
		}
		c, err := parseConstraints(f)
		if err != nil {
			return fmt.Errorf("field %q: %w", name, err)
		}
		if c.required && omit != "" {
			// encoding/json would leave out the member the document says is always there.
			return fmt.Errorf("field %q: tag required:\"true\" with the json %s option: a required member is never omitted", name, omit)
		}
		*out = append(*out, fieldInfo{
			name:     name,
			index:    idx,
			typ:      f.Type,
			required: c.required || omit == "" && !isNullable(f.Type) && !c.hasDefault,
			c:        c,
		})
	}
	return nil
}

// isNullable reports whether JSON null is a value of t.
func isNullable(t reflect.Type) bool {
	return t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface || t == rawMessageType ||
		t.Implements(optionalTypeIface)
}
