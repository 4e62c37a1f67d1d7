package openrpc

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// shapeField is a field kind of the random params structs of TestParamOrder_randomShapes.
type shapeField struct {
	typ      reflect.Type
	tag      string // options after the name, and other tags
	required bool
}

var shapeKinds = []shapeField{
	{reflect.TypeFor[int](), `json:"%s"`, true},
	{reflect.TypeFor[int](), `json:"%s,omitempty"`, false},
	{reflect.TypeFor[int](), `json:"%s,omitzero"`, false},
	{reflect.TypeFor[*int](), `json:"%s"`, false},
	{reflect.TypeFor[int](), `json:"%s" default:"7"`, false},
	{reflect.TypeFor[Optional[int]](), `json:"%s"`, false},
	{reflect.TypeFor[int](), `json:"%s" minimum:"1"`, true},
}

// randomShape returns a struct type of up to 8 fields of random kinds, some embedded
// structs of their own fields, named f<n> in a sequence shared with the embedded ones, and
// whether each name is required.
func randomShape(r *rand.Rand, next *int, depth int) (reflect.Type, map[string]bool) {
	var fields []reflect.StructField
	required := map[string]bool{}
	for range r.IntN(8) {
		if depth < 2 && r.IntN(6) == 0 {
			et, req := randomShape(r, next, depth+1)
			fields = append(fields, reflect.StructField{Name: "E" + strconv.Itoa(*next), Type: et, Anonymous: true})
			*next++
			for k, v := range req {
				required[k] = v
			}
			continue
		}
		k := shapeKinds[r.IntN(len(shapeKinds))]
		name := "f" + strconv.Itoa(*next)
		*next++
		fields = append(fields, reflect.StructField{Name: strings.ToUpper(name), Type: k.typ, Tag: reflect.StructTag(fmt.Sprintf(k.tag, name))})
		required[name] = k.required
	}
	return reflect.StructOf(fields), required
}

// intAt returns the int a params field holds, and whether it holds one.
func intAt(v reflect.Value) (int, bool) {
	switch x := v.Interface().(type) {
	case int:
		return x, true
	case *int:
		if x == nil {
			return 0, false
		}
		return *x, true
	case Optional[int]:
		return x.Get()
	}
	return 0, false
}

// TestParamOrder_randomShapes registers random struct shapes (embedded structs, optional,
// omitzero, pointer, default and constrained fields) and checks that the document and the
// decoder agree: the document lists the required params first, a by-position call in the
// document's order sets each field to the value at its param's position, a wrong value is
// reported under the name of the param at its position, a call of the
// required params only is accepted, and one stopping short of them is refused naming the
// first param it leaves out.
func TestParamOrder_randomShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for shape := range 500 {
		next := 0
		typ, required := randomShape(r, &next, 0)
		dec, err := newParamsDecoder(typ, ByPosition)
		if err != nil {
			if len(required) == 0 && strings.Contains(err.Error(), "none is a JSON member") {
				continue // a struct of empty embedded structs only
			}
			t.Fatalf("shape %d %v: %v", shape, typ, err)
		}
		m := &method{Method: Method{Name: "m", ParamStructure: ByPosition}, paramsType: typ, params: dec, resultType: reflect.TypeFor[int]()}
		mo, err := newSchemaGen().describeMethod(m)
		if err != nil {
			t.Fatalf("shape %d %v: describe: %v", shape, typ, err)
		}
		if len(mo.Params) != len(required) {
			t.Fatalf("shape %d %v: %d params in the document, want %d", shape, typ, len(mo.Params), len(required))
		}
		nRequired := 0
		for i, p := range mo.Params {
			if p.Required != required[p.Name] {
				t.Errorf("shape %d %v: param %q required %v in the document, want %v", shape, typ, p.Name, p.Required, required[p.Name])
			}
			if p.Required {
				if i != nRequired {
					t.Errorf("shape %d %v: required param %q at position %d, after an optional one", shape, typ, p.Name, i)
				}
				nRequired++
			}
		}
		values := make([]int, len(mo.Params))
		for i := range values {
			values[i] = 100 + i
		}
		raw, _ := json.Marshal(values)
		v := reflect.New(typ).Elem()
		if e := dec.decode(raw, v); e != nil {
			t.Fatalf("shape %d %v: %s: %s", shape, typ, raw, e.Data)
		}
		for i, p := range mo.Params {
			sf, ok := typ.FieldByName(strings.ToUpper(p.Name))
			if !ok {
				t.Fatalf("shape %d %v: no field for param %q", shape, typ, p.Name)
			}
			if got, ok := intAt(v.FieldByIndex(sf.Index)); !ok || got != values[i] {
				t.Errorf("shape %d %v: %s: param %q (position %d) decoded as %d, %v; want %d", shape, typ, raw, p.Name, i, got, ok, values[i])
			}
		}
		for i, p := range mo.Params {
			wrong := make([]any, len(values))
			for j, n := range values {
				wrong[j] = n
			}
			wrong[i] = "x"
			raw, _ := json.Marshal(wrong)
			e := dec.decode(raw, reflect.New(typ).Elem())
			want := `"path":"/` + p.Name + `",`
			if e == nil || !strings.Contains(string(e.Data), want) || strings.Count(string(e.Data), `"path"`) != 1 {
				t.Errorf("shape %d %v: %s: got %v, want one error at /%s", shape, typ, raw, e, p.Name)
			}
		}
		raw, _ = json.Marshal(values[:nRequired])
		if e := dec.decode(raw, reflect.New(typ).Elem()); e != nil {
			t.Errorf("shape %d %v: the required params only, %s: %s", shape, typ, raw, e.Data)
		}
		if nRequired > 0 {
			raw, _ = json.Marshal(values[:nRequired-1])
			e := dec.decode(raw, reflect.New(typ).Elem())
			want := `"path":"/` + mo.Params[nRequired-1].Name + `","message":"required param is missing"`
			if e == nil || !strings.Contains(string(e.Data), want) {
				t.Errorf("shape %d %v: %s: got %v, want an error with %s", shape, typ, raw, e, want)
			}
		}
	}
}
