package openrpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openrpc-go/openrpc"
)

// The params of FuzzValidate: every kind of value the strict decoder handles, with
// constraints.
type (
	fuzzParams struct {
		Name   string                   `json:"name" minLength:"1" maxLength:"8" pattern:"^[a-z]+$"`
		Kind   string                   `json:"kind,omitempty" enum:"a,b,c"`
		Count  int8                     `json:"count" minimum:"-5" maximum:"5"`
		Ratio  float64                  `json:"ratio,omitempty" exclusiveMinimum:"0" exclusiveMaximum:"1"`
		Step   float32                  `json:"step,omitempty" multipleOf:"0.5"`
		Even   uint16                   `json:"even,omitempty" multipleOf:"2" maximum:"1000"`
		Tags   []string                 `json:"tags,omitempty" maxItems:"3" uniqueItems:"true" maxLength:"3" pattern:"^[a-z0-9]*$"`
		Ptr    *int                     `json:"ptr" minimum:"0"`
		Opt    openrpc.Optional[string] `json:"opt" pattern:"[0-9]"`
		Inner  *fuzzInner               `json:"inner"`
		Items  []fuzzInner              `json:"items,omitempty" maxItems:"4"`
		ByName map[string]fuzzInner     `json:"byName,omitempty"`
		ByID   map[int8]uint8           `json:"byID,omitempty"`
		Fixed  [2]bool                  `json:"fixed,omitempty"`
		Any    any                      `json:"any"`
	}
	fuzzInner struct {
		X     int                      `json:"x" minimum:"0" maximum:"100"`
		Label openrpc.Optional[string] `json:"label" enum:"on,off"`
		Next  *fuzzInner               `json:"next"`
		Vals  []int                    `json:"vals,omitempty" minItems:"1" minimum:"-1"`
	}
)

var (
	fuzzParamNames = []string{"name", "count", "kind", "ratio", "step", "even", "tags", "ptr", "opt", "inner", "items", "byName", "byID", "fixed", "any"}
	fuzzInnerNames = []string{"x", "label", "next", "vals"}
	fuzzNameRE     = regexp.MustCompile(`^[a-z]+$`)
	fuzzTagRE      = regexp.MustCompile(`^[a-z0-9]*$`)
	fuzzOptRE      = regexp.MustCompile(`[0-9]`)
)

// FuzzValidate sends arbitrary params to a method with rich constrained params. The server
// must not panic; a result means the params satisfy every constraint (checked here, by hand,
// on what the handler got and on the params as encoding/json reads them); an error must be
// Invalid params listing problems.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		`{"name":"ada","count":1}`,
		`{"name":"ada","kind":"b","count":-5,"ratio":0.5,"step":1.5,"even":4,"tags":["a","b1"],"ptr":0,"opt":"x1",` +
			`"inner":{"x":3,"label":"on","next":{"x":100,"vals":[-1,7]}},"items":[{"x":0},{"x":1,"label":null}],` +
			`"byName":{"k":{"x":2}},"byID":{"-3":255},"fixed":[true,false],"any":{"z":[1,"2"]}}`,
		`["ada",2,"c",0.25]`,
		`{"name":"Ada","count":9,"extra":1}`,
		`{"name":"ada","count":1,"tags":["a","a"],"inner":{"next":{"y":1}}}`,
		`{"name":"ada","count":1.0,"even":3,"step":0.3,"byID":{"x":1,"200":1}}`,
		`{"name":"ada","count":1,"fixed":[true],"opt":null,"ptr":null,"items":[null]}`,
		`{"name":"\u00e9","count":1e0,"ratio":1,"any":null}`,
		`[]`, `{}`, `[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]`,
	} {
		f.Add([]byte(s))
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "fuzz", Version: "1"}, nil)
	var got fuzzParams
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p fuzzParams) (int, error) {
		got = p
		return 1, nil
	})

	f.Fuzz(func(t *testing.T, params []byte) {
		params = bytes.TrimSpace(params)
		if len(params) == 0 || params[0] != '{' && params[0] != '[' || !json.Valid(params) || !utf8.Valid(params) {
			t.Skip()
		}
		checkFuzzCall(t, srv, &got, params)
		// Most inputs miss a required param or break a constraint somewhere. So that more
		// calls get through to the handler, also send each member alone beside valid
		// required params.
		var members map[string]json.RawMessage
		if json.Unmarshal(params, &members) != nil {
			return
		}
		for _, name := range slices.Sorted(maps.Keys(members)) {
			one := map[string]json.RawMessage{"name": json.RawMessage(`"ada"`), "count": json.RawMessage(`1`), name: members[name]}
			b, err := json.Marshal(one)
			if err != nil {
				t.Fatal(err)
			}
			checkFuzzCall(t, srv, &got, b)
		}
	})
}

// checkFuzzCall calls the method of FuzzValidate with params and checks the outcome; got is
// where its handler leaves the params it receives.
func checkFuzzCall(t *testing.T, srv *openrpc.Server, got *fuzzParams, params []byte) {
	*got = fuzzParams{}
	msg := append(append([]byte(`{"jsonrpc":"2.0","method":"m","id":1,"params":`), params...), '}')
	reply := srv.Process(context.Background(), msg)
	var resp struct {
		Result json.RawMessage
		Error  *struct {
			Code int
			Data json.RawMessage
		}
	}
	if err := json.Unmarshal(reply, &resp); err != nil {
		t.Fatalf("reply %q to %q: %v", reply, params, err)
	}
	if resp.Error != nil {
		if resp.Error.Code == -32600 && bytes.Contains(resp.Error.Data, []byte("nesting depth")) {
			return
		}
		var data struct{ Errors []openrpc.ParamError }
		if resp.Error.Code != -32602 || json.Unmarshal(resp.Error.Data, &data) != nil || len(data.Errors) == 0 {
			t.Fatalf("params %s: got error %s, want Invalid params listing problems", params, reply)
		}
		for _, e := range data.Errors {
			if e.Message == "" || e.Path != "" && e.Path[0] != '/' {
				t.Fatalf("params %s: malformed problem %+v", params, e)
			}
		}
		return
	}
	if string(resp.Result) != "1" {
		t.Fatalf("params %s: got reply %s", params, reply)
	}
	// The call succeeded: check the params as sent, then as the handler got them.
	object := params
	if params[0] == '[' {
		object = positionalToObject(t, params)
	}
	var tree any
	if err := json.Unmarshal(object, &tree); err != nil {
		t.Fatal(err)
	}
	if err := checkFuzzTree(tree); err != nil {
		t.Fatalf("params %s accepted: %v", params, err)
	}
	if err := checkFuzzParams(got); err != nil {
		t.Fatalf("params %s accepted, but the handler got %+v: %v", params, *got, err)
	}
	var want fuzzParams
	if err := json.Unmarshal(object, &want); err != nil {
		// encoding/json refuses integers written 1.0 or 1e2, which JSON Schema's
		// integer (and so the server) accepts.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || !strings.HasPrefix(te.Value, "number ") || !strings.ContainsAny(te.Value, ".eE") {
			t.Fatalf("params %s accepted, but encoding/json says %v", params, err)
		}
		return
	}
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("params %s: the handler got\n%+v\nencoding/json reads\n%+v", params, *got, want)
	}
}

// positionalToObject names the params of an array after the fields, in the document's order
// (required ones first, then optional ones, each in field order).
func positionalToObject(t *testing.T, params []byte) []byte {
	var items []json.RawMessage
	if err := json.Unmarshal(params, &items); err != nil {
		t.Fatal(err)
	}
	if len(items) > len(fuzzParamNames) {
		t.Fatalf("params %s accepted with %d positions, more than the %d params", params, len(items), len(fuzzParamNames))
	}
	obj := map[string]json.RawMessage{}
	for i, it := range items {
		obj[fuzzParamNames[i]] = it
	}
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkFuzzTree checks the params as sent, decoded into maps: members are known, required
// ones present, null only where allowed.
func checkFuzzTree(tree any) error {
	obj, ok := tree.(map[string]any)
	if !ok {
		return fmt.Errorf("params are %T", tree)
	}
	if err := checkMembers(obj, fuzzParamNames, "name", "count"); err != nil {
		return err
	}
	for _, k := range []string{"name", "kind", "count", "ratio", "step", "even", "tags", "items", "byName", "byID", "fixed"} {
		if v, ok := obj[k]; ok && v == nil {
			return fmt.Errorf("%s is null", k)
		}
	}
	if in, ok := obj["inner"].(map[string]any); ok {
		if err := checkInnerTree(in); err != nil {
			return fmt.Errorf("inner: %v", err)
		}
	}
	if items, ok := obj["items"].([]any); ok {
		for i, it := range items {
			in, ok := it.(map[string]any)
			if !ok {
				return fmt.Errorf("items/%d is %T", i, it)
			}
			if err := checkInnerTree(in); err != nil {
				return fmt.Errorf("items/%d: %v", i, err)
			}
		}
	}
	if m, ok := obj["byName"].(map[string]any); ok {
		for k, it := range m {
			in, ok := it.(map[string]any)
			if !ok {
				return fmt.Errorf("byName/%s is %T", k, it)
			}
			if err := checkInnerTree(in); err != nil {
				return fmt.Errorf("byName/%s: %v", k, err)
			}
		}
	}
	return nil
}

func checkInnerTree(obj map[string]any) error {
	if err := checkMembers(obj, fuzzInnerNames, "x"); err != nil {
		return err
	}
	if v, ok := obj["vals"]; ok && v == nil {
		return errors.New("vals is null")
	}
	if next, ok := obj["next"].(map[string]any); ok {
		return checkInnerTree(next)
	}
	return nil
}

func checkMembers(obj map[string]any, known []string, required ...string) error {
	for k := range obj {
		if !contains(known, k) {
			return fmt.Errorf("unknown member %q", k)
		}
	}
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			return fmt.Errorf("required member %q is missing", k)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkFuzzParams checks the constraints of the tags of fuzzParams on p, by hand.
func checkFuzzParams(p *fuzzParams) error {
	if n := utf8.RuneCountInString(p.Name); n < 1 || n > 8 || !fuzzNameRE.MatchString(p.Name) {
		return fmt.Errorf("name %q", p.Name)
	}
	if p.Kind != "" && p.Kind != "a" && p.Kind != "b" && p.Kind != "c" {
		return fmt.Errorf("kind %q", p.Kind)
	}
	if p.Count < -5 || p.Count > 5 {
		return fmt.Errorf("count %d", p.Count)
	}
	if p.Ratio != 0 && (p.Ratio <= 0 || p.Ratio >= 1) {
		return fmt.Errorf("ratio %g", p.Ratio)
	}
	if math.Mod(float64(p.Step), 0.5) != 0 {
		return fmt.Errorf("step %g", p.Step)
	}
	if p.Even%2 != 0 || p.Even > 1000 {
		return fmt.Errorf("even %d", p.Even)
	}
	if len(p.Tags) > 3 {
		return fmt.Errorf("%d tags", len(p.Tags))
	}
	seen := map[string]bool{}
	for _, tag := range p.Tags {
		if utf8.RuneCountInString(tag) > 3 || !fuzzTagRE.MatchString(tag) || seen[tag] {
			return fmt.Errorf("tags %q", p.Tags)
		}
		seen[tag] = true
	}
	if p.Ptr != nil && *p.Ptr < 0 {
		return fmt.Errorf("ptr %d", *p.Ptr)
	}
	if s, ok := p.Opt.Get(); ok && !fuzzOptRE.MatchString(s) {
		return fmt.Errorf("opt %q", s)
	}
	if p.Inner != nil {
		if err := checkFuzzInner(p.Inner); err != nil {
			return fmt.Errorf("inner: %v", err)
		}
	}
	if len(p.Items) > 4 {
		return fmt.Errorf("%d items", len(p.Items))
	}
	for i := range p.Items {
		if err := checkFuzzInner(&p.Items[i]); err != nil {
			return fmt.Errorf("items/%d: %v", i, err)
		}
	}
	for k, in := range p.ByName {
		if err := checkFuzzInner(&in); err != nil {
			return fmt.Errorf("byName/%s: %v", k, err)
		}
	}
	return nil
}

func checkFuzzInner(in *fuzzInner) error {
	if in.X < 0 || in.X > 100 {
		return fmt.Errorf("x %d", in.X)
	}
	if s, ok := in.Label.Get(); ok && s != "on" && s != "off" {
		return fmt.Errorf("label %q", s)
	}
	if in.Vals != nil && len(in.Vals) < 1 {
		return errors.New("vals is empty")
	}
	for _, v := range in.Vals {
		if v < -1 {
			return fmt.Errorf("vals %v", in.Vals)
		}
	}
	if in.Next != nil {
		return checkFuzzInner(in.Next)
	}
	return nil
}
