package openrpc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
)

type Base struct {
	ID int64 `json:"id"`
}

type richParams struct {
	Base
	Name   string                `json:"name"`
	Small  int8                  `json:"small,omitempty"`
	Count  uint16                `json:"count,omitempty"`
	Ratio  float32               `json:"ratio,omitempty"`
	On     bool                  `json:"on,omitempty"`
	Tags   []string              `json:"tags,omitempty"`
	Meta   map[string]int        `json:"meta,omitempty"`
	When   time.Time             `json:"when,omitzero"`
	Ptr    *int                  `json:"ptr"`
	Opt    openrpc.Optional[int] `json:"opt"`
	Any    any                   `json:"any"`
	Raw    json.RawMessage       `json:"raw"`
	Nested *struct{ X int }      `json:"nested"`
	//lint:ignore U1000 unexported fields are not params, and this one proves it.
	skipped int
	Ignored int                     `json:"-"`
	Renamed openrpc.Optional[[]int] `json:"other name"`
}

// echo returns its params as the handler saw them.
func echo(_ context.Context, p richParams) (string, error) {
	opt := "absent"
	if p.Opt.IsNull() {
		opt = "null"
	} else if v, ok := p.Opt.Get(); ok {
		opt = fmt.Sprint(v)
	}
	ptr := "nil"
	if p.Ptr != nil {
		ptr = fmt.Sprint(*p.Ptr)
	}
	return fmt.Sprintf("id=%d name=%s small=%d count=%d ratio=%g on=%v tags=%v meta=%v when=%s ptr=%s opt=%s any=%v raw=%s nested=%v",
		p.ID, p.Name, p.Small, p.Count, p.Ratio, p.On, p.Tags, p.Meta, p.When.Format(time.RFC3339), ptr, opt, p.Any, p.Raw, p.Nested), nil
}

func TestRegister_params(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "echo"}, echo)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	openrpc.Register(srv, openrpc.Method{Name: "byName", ParamStructure: openrpc.ByName}, add)
	openrpc.Register(srv, openrpc.Method{Name: "byPosition", ParamStructure: openrpc.ByPosition}, add)
	openrpc.Register(srv, openrpc.Method{Name: "none"}, func(context.Context, struct{}) (string, error) { return "ok", nil })
	openrpc.Register(srv, openrpc.Method{Name: "raw"}, func(_ context.Context, p json.RawMessage) (string, error) {
		if p == nil {
			return "absent", nil
		}
		return string(p), nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "lengths"}, func(_ context.Context, xs []string) (int, error) { return len(xs), nil })
	openrpc.Register(srv, openrpc.Method{Name: "nothing"}, func(context.Context, struct{}) (struct{}, error) { return struct{}{}, nil })
	openrpc.Register(srv, openrpc.Method{Name: "signUp"}, func(context.Context, struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}) (struct{}, error) {
		return struct{}{}, nil
	})

	const zero = "id=0 name= small=0 count=0 ratio=0 on=false tags=[] meta=map[] when=0001-01-01T00:00:00Z ptr=nil opt=absent any=<nil> raw= nested=<nil>"
	ok := func(result string) string { return `{"jsonrpc":"2.0","result":` + result + `,"id":1}` }
	invalid := func(errs ...string) string {
		return `{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":[` + strings.Join(errs, ",") + `]}},"id":1}`
	}
	pe := func(path, msg string) string { return fmt.Sprintf(`{"path":%q,"message":%q}`, path, msg) }
	for _, tt := range []struct {
		name, method, params, want string
	}{
		{"required only", "echo", `{"id":1,"name":"n"}`, ok(`"` + strings.Replace(strings.Replace(zero, "id=0", "id=1", 1), "name=", "name=n", 1) + `"`)},
		{"all set", "echo", `{"id":1,"name":"n\"q","small":-128,"count":65535,"ratio":0.5,"on":true,"tags":["a"],"meta":{"k":1},"when":"2026-11-28T10:00:00Z","ptr":7,"opt":8,"any":{"x":[1]},"raw":[1, 2],"nested":{"X":3}}`,
			ok(`"id=1 name=n\"q small=-128 count=65535 ratio=0.5 on=true tags=[a] meta=map[k:1] when=2026-11-28T10:00:00Z ptr=7 opt=8 any=map[x:[1]] raw=[1, 2] nested=\u0026{3}"`)},
		{"explicit nulls where allowed", "echo", `{"id":1,"name":"","ptr":null,"opt":null,"any":null,"raw":null,"nested":null}`,
			ok(`"` + strings.NewReplacer("id=0", "id=1", "opt=absent", "opt=null", "raw=", "raw=null").Replace(zero) + `"`)},
		{"by position follows field order", "echo", `[2,"p"]`, ok(`"` + strings.Replace(strings.Replace(zero, "id=0", "id=2", 1), "name=", "name=p", 1) + `"`)},
		{"escaped key", "add", `{"\u0061":1,"b":2}`, ok(`3`)},
		{"integral float accepted as integer", "add", `{"a":1.0,"b":2e1}`, ok(`21`)},
		{"missing required", "echo", `{}`, invalid(pe("/id", "required param is missing"), pe("/name", "required param is missing"))},
		{"absent params", "add", ``, invalid(pe("/a", "required param is missing"), pe("/b", "required param is missing"))},
		{"null for a plain type", "add", `{"a":null,"b":1}`, invalid(pe("/a", "must not be null"))},
		{"wrong types", "echo", `{"id":"1","name":2,"on":"yes","tags":"a","ratio":"x"}`,
			invalid(pe("/id", "expected integer, got string"), pe("/name", "expected string, got number"), pe("/on", "expected boolean, got string"),
				pe("/tags", "expected array, got string"), pe("/ratio", "expected number, got string"))},
		{"wrong type deep inside", "echo", `{"id":1,"name":"n","nested":{"X":"s"}}`, invalid(pe("/nested/X", "expected integer, got string"))},
		{"out of range", "echo", `{"id":9223372036854775808,"name":"n","small":128,"count":-1}`,
			invalid(pe("/id", "integer 9223372036854775808 out of range [-9223372036854775808, 9223372036854775807]"),
				pe("/small", "integer 128 out of range [-128, 127]"), pe("/count", "integer -1 out of range [0, 65535]"))},
		{"fraction for an integer", "add", `{"a":1.5,"b":1}`, invalid(pe("/a", "expected integer, got 1.5"))},
		{"float32 overflow", "echo", `{"id":1,"name":"n","ratio":1e39}`, invalid(pe("/ratio", "number out of range: 1e39"))},
		{"unknown param", "add", `{"a":1,"b":2,"c":3}`, invalid(pe("/c", "unknown param"))},
		{"names are case sensitive", "add", `{"A":1,"b":2}`, invalid(pe("/A", `unknown param; did you mean "a"?`), pe("/a", "required param is missing"))},
		{"near miss of a param name", "signUp", `{"usrename":"ada","password":"secret"}`, invalid(pe("/usrename", `unknown param; did you mean "username"?`), pe("/username", "required param is missing"))},
		{"no hint when nothing is near", "signUp", `{"username":"ada","password":"secret","color":"red"}`, invalid(pe("/color", "unknown param"))},
		{"pointer escaping in unknown names", "add", `{"a":1,"b":2,"x/y~z":3}`, invalid(pe("/x~1y~0z", "unknown param"))},
		{"param given twice", "add", `{"a":1,"b":2,"a":3}`, invalid(pe("/a", "param given more than once"))},
		{"extra positional", "add", `[1,2,3]`, invalid(pe("/2", "unexpected param at position 2: the method takes 2"))},
		{"too few positional", "add", `[1]`, invalid(pe("/b", "required param is missing"))},
		{"by-name refuses array", "byName", `[1,2]`, invalid(pe("", "params must be an object: this method takes params by-name"))},
		{"by-name accepts object", "byName", `{"a":1,"b":2}`, ok(`3`)},
		{"by-position refuses object", "byPosition", `{"a":1,"b":2}`, invalid(pe("", "params must be an array: this method takes params by-position"))},
		{"by-position accepts array", "byPosition", `[1,2]`, ok(`3`)},
		{"no params: absent", "none", ``, ok(`"ok"`)},
		{"no params: empty array", "none", `[]`, ok(`"ok"`)},
		{"no params: empty object", "none", `{}`, ok(`"ok"`)},
		{"no params: given one", "none", `[1]`, invalid(pe("/0", "unexpected param at position 0: the method takes 0"))},
		{"raw params", "raw", `{"a": [1, 2]}`, ok(`"{\"a\": [1, 2]}"`)},
		{"raw params absent", "raw", ``, ok(`"absent"`)},
		{"variadic", "lengths", `["a","b","c"]`, ok(`3`)},
		{"variadic empty", "lengths", `[]`, ok(`0`)},
		{"variadic absent", "lengths", ``, ok(`0`)},
		{"variadic by name refused", "lengths", `{"a":"b"}`, invalid(pe("", "params must be an array: this method takes params by-position"))},
		{"variadic element errors", "lengths", `["a",1,null]`, invalid(pe("/1", "expected string, got number"), pe("/2", "must not be null"))},
		{"struct{} result is null", "nothing", ``, ok(`null`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			msg := `{"jsonrpc":"2.0","method":"` + tt.method + `","id":1`
			if tt.params != "" {
				msg += `,"params":` + tt.params
			}
			checkJSON(t, process(t, srv, msg+"}"), tt.want)
		})
	}
}

func TestRegister_panics(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "taken"}, add)
	type dupNames struct {
		A int
		B int `json:"A"`
	}
	type chanParam struct{ C chan int }
	type embeddedPtr struct{ *Base }
	type stringOpt struct {
		N int `json:"n,string"`
	}
	type unexported struct {
		a, b int
	}
	type allHidden struct {
		A int `json:"-"`
	}
	for _, tt := range []struct {
		name     string
		register func()
		want     string
	}{
		{"empty name", func() { openrpc.Register(srv, openrpc.Method{}, add) }, `empty method name`},
		{"duplicate", func() { openrpc.Register(srv, openrpc.Method{Name: "taken"}, add) }, `"taken": a method with this name is already registered`},
		{"reserved", func() { openrpc.Register(srv, openrpc.Method{Name: "rpc.discover"}, add) }, `"rpc.discover": names starting with "rpc." are reserved`},
		{"nil handler", func() { openrpc.Register[addParams, int](srv, openrpc.Method{Name: "nil"}, nil) }, `"nil": nil handler`},
		{"scalar params", func() {
			openrpc.Register(srv, openrpc.Method{Name: "scalar"}, func(context.Context, int) (int, error) { return 0, nil })
		}, `"scalar": params type int must be a struct`},
		{"duplicate param names", func() {
			openrpc.Register(srv, openrpc.Method{Name: "dup"}, func(context.Context, dupNames) (int, error) { return 0, nil })
		}, `"dup": two fields are named "A"`},
		{"channel param", func() {
			openrpc.Register(srv, openrpc.Method{Name: "chan"}, func(context.Context, chanParam) (int, error) { return 0, nil })
		}, `"chan": param "C": type chan int cannot be represented in JSON`},
		{"func result", func() {
			openrpc.Register(srv, openrpc.Method{Name: "func"}, func(context.Context, struct{}) (func(), error) { return nil, nil })
		}, `"func": result: type func() cannot be represented in JSON`},
		{"embedded pointer", func() {
			openrpc.Register(srv, openrpc.Method{Name: "emb"}, func(context.Context, embeddedPtr) (int, error) { return 0, nil })
		}, `"emb": embedded pointer *openrpc_test.Base is not supported`},
		{"string option", func() {
			openrpc.Register(srv, openrpc.Method{Name: "str"}, func(context.Context, stringOpt) (int, error) { return 0, nil })
		}, `"str": field "n": the json ,string option is not supported`},
		{"only unexported fields", func() {
			openrpc.Register(srv, openrpc.Method{Name: "hidden"}, func(_ context.Context, p unexported) (int, error) { return p.a + p.b, nil })
		}, `"hidden": params type openrpc_test.unexported has fields but none is a JSON member`},
		{"only fields left out of JSON", func() {
			openrpc.Register(srv, openrpc.Method{Name: "dash"}, func(context.Context, allHidden) (int, error) { return 0, nil })
		}, `"dash": params type openrpc_test.allHidden has fields but none is a JSON member`},
		{"variadic by name", func() {
			openrpc.Register(srv, openrpc.Method{Name: "var", ParamStructure: openrpc.ByName}, func(context.Context, []int) (int, error) { return 0, nil })
		}, `"var": variadic params []int cannot be passed by-name`},
		{"unknown param structure", func() {
			openrpc.Register(srv, openrpc.Method{Name: "ps", ParamStructure: "by-magic"}, add)
		}, `"ps": unknown ParamStructure "by-magic"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				got := fmt.Sprint(recover())
				if !strings.Contains(got, tt.want) {
					t.Errorf("panic %q, want it to contain %q", got, tt.want)
				}
			}()
			tt.register()
		})
	}
}

func TestRegisterNotification(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	got := make(chan int, 1)
	openrpc.RegisterNotification(srv, openrpc.Method{Name: "ping"}, func(_ context.Context, p struct {
		N int `json:"n"`
	}) error {
		got <- p.N
		return nil
	})
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"ping","params":{"n":4}}`), ``)
	if n := <-got; n != 4 {
		t.Errorf("handler got %d, want 4", n)
	}
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"ping","params":{"n":4},"id":9}`),
		`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":{"error":"method \"ping\" accepts only notifications: send it without an id"}},"id":9}`)
	if len(got) != 0 {
		t.Error("the handler ran for a call with an id")
	}
}

func TestOptional(t *testing.T) {
	type T struct {
		O openrpc.Optional[string] `json:"o,omitzero"`
	}
	for _, tt := range []struct {
		in                 string
		absent, null, okay bool
		value, encoded     string
	}{
		{`{}`, true, false, false, "", `{}`},
		{`{"o":null}`, false, true, false, "", `{"o":null}`},
		{`{"o":"x"}`, false, false, true, "x", `{"o":"x"}`},
	} {
		var v T
		if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
			t.Fatal(err)
		}
		got, ok := v.O.Get()
		if v.O.IsAbsent() != tt.absent || v.O.IsNull() != tt.null || ok != tt.okay || got != tt.value {
			t.Errorf("%s: absent=%v null=%v ok=%v value=%q", tt.in, v.O.IsAbsent(), v.O.IsNull(), ok, got)
		}
		b, err := json.Marshal(v)
		if err != nil || string(b) != tt.encoded {
			t.Errorf("%s: encoded %s, %v; want %s", tt.in, b, err, tt.encoded)
		}
	}
	if got := openrpc.Some(3).Or(5); got != 3 {
		t.Errorf("Some(3).Or(5) = %d", got)
	}
	if got := openrpc.Null[int]().Or(5); got != 5 {
		t.Errorf("Null().Or(5) = %d", got)
	}
	var o openrpc.Optional[int]
	if err := json.Unmarshal([]byte(`"x"`), &o); err == nil || !o.IsAbsent() {
		t.Errorf("decoding a string into Optional[int]: err %v, absent %v; want an error and still absent", err, o.IsAbsent())
	}
}

// TestRegister_nullableFalse checks that nullable:"false" keeps a pointer or an Optional
// optional but takes null out of its schema and refuses null, at any depth; a value (zero
// included) and absence still come through.
func TestRegister_nullableFalse(t *testing.T) {
	type inner struct {
		X openrpc.Optional[int] `json:"x,omitzero" nullable:"false"`
	}
	type params struct {
		Flag  openrpc.Optional[bool]  `json:"flag,omitzero" nullable:"false"`
		Name  *string                 `json:"name,omitempty" nullable:"false" minLength:"1"`
		Inner inner                   `json:"inner,omitzero"`
		Null  openrpc.Optional[int64] `json:"null,omitzero"`
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p params) (string, error) {
		show := func(absent, null bool, v any) string {
			switch {
			case absent:
				return "absent"
			case null:
				return "null"
			}
			return fmt.Sprint(v)
		}
		name := "absent"
		if p.Name != nil {
			name = *p.Name
		}
		return strings.Join([]string{
			show(p.Flag.IsAbsent(), p.Flag.IsNull(), p.Flag.Or(true)), name,
			show(p.Inner.X.IsAbsent(), p.Inner.X.IsNull(), p.Inner.X.Or(7)),
			show(p.Null.IsAbsent(), p.Null.IsNull(), p.Null.Or(9)),
		}, " "), nil
	})
	for _, tt := range []struct{ params, want string }{
		{`{}`, `"result":"absent absent absent absent"`},
		{`{"flag":false,"name":"n","inner":{"x":0},"null":0}`, `"result":"false n 0 0"`},
		{`{"null":null}`, `"result":"absent absent absent null"`},
		{`{"flag":null}`, `"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/flag","message":"must not be null"}]}}`},
		{`{"name":null}`, `"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/name","message":"must not be null"}]}}`},
		{`{"inner":{"x":null}}`, `"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/inner/x","message":"must not be null"}]}}`},
		{`[null]`, `"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/flag","message":"must not be null"}]}}`},
	} {
		got := process(t, srv, `{"jsonrpc":"2.0","method":"m","params":`+tt.params+`,"id":1}`)
		checkJSON(t, got, `{"jsonrpc":"2.0",`+tt.want+`,"id":1}`)
	}
	d := publishedDoc(t, srv)
	var got []string
	for _, p := range d.Methods[0].Params {
		got = append(got, fmt.Sprintf("%s %v %s", p.Name, p.Required, p.Schema))
	}
	for _, s := range d.Components.Schemas {
		got = append(got, string(s))
	}
	want := []string{
		`flag false {"type":"boolean"}`,
		`name false {"type":"string","minLength":1}`,
		`inner false {"$ref":"#/components/schemas/inner"}`,
		`null false {"type":["integer","null"],"format":"int64"}`,
		`{"type":"object","properties":{"x":{"type":"integer","format":"int64"}},"additionalProperties":false}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("published:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// nullNode is a list that refuses null links: the field's decoder wraps the decoder of a
// type still being compiled.
type nullNode struct {
	V    int       `json:"v"`
	Next *nullNode `json:"next,omitempty" nullable:"false"`
}

func TestRegister_nullableFalseRecursive(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "sum"}, func(_ context.Context, p struct {
		Head nullNode `json:"head"`
	}) (int, error) {
		total := 0
		for n := &p.Head; n != nil; n = n.Next {
			total += n.V
		}
		return total, nil
	})
	for _, tt := range []struct{ params, want string }{
		{`{"head":{"v":1,"next":{"v":2,"next":{"v":3}}}}`, `"result":6`},
		{`{"head":{"v":1,"next":null}}`, `"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/head/next","message":"must not be null"}]}}`},
		{`{"head":{"v":1,"next":{"v":2,"next":null}}}`, `"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/head/next/next","message":"must not be null"}]}}`},
	} {
		got := process(t, srv, `{"jsonrpc":"2.0","method":"sum","params":`+tt.params+`,"id":1}`)
		checkJSON(t, got, `{"jsonrpc":"2.0",`+tt.want+`,"id":1}`)
	}
}

func TestRegister_defaults(t *testing.T) {
	type Paging struct {
		Size  int    `json:"size,omitempty" default:"20" maximum:"100"`
		Order string `json:"order" enum:"asc,desc" default:"asc"`
	}
	type listParams struct {
		Query  string   `json:"query" default:"*"`
		Limit  int      `json:"limit" default:"10" minimum:"1"`
		Exact  bool     `json:"exact" default:"true"`
		Tags   []string `json:"tags" default:"[\"a\",\"b\"]"`
		Paging Paging   `json:"paging,omitzero"`
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "list"}, func(_ context.Context, p listParams) (string, error) {
		return fmt.Sprintf("%s %d %v %v %d %s", p.Query, p.Limit, p.Exact, p.Tags, p.Paging.Size, p.Paging.Order), nil
	})
	for _, tt := range []struct{ params, want string }{
		{`{}`, `"* 10 true [a b] 0 "`},
		{`{"query":"x","limit":3,"exact":false,"tags":[]}`, `"x 3 false [] 0 "`},
		{`{"paging":{}}`, `"* 10 true [a b] 20 asc"`},
		{`{"paging":{"order":"desc"}}`, `"* 10 true [a b] 20 desc"`},
		{`[]`, `"* 10 true [a b] 0 "`},
	} {
		got := process(t, srv, `{"jsonrpc":"2.0","method":"list","params":`+tt.params+`,"id":1}`)
		checkJSON(t, got, `{"jsonrpc":"2.0","result":`+tt.want+`,"id":1}`)
	}
	// A default the field's own constraints refuse is a registration mistake.
	defer func() {
		if got := fmt.Sprint(recover()); !strings.Contains(got, `Register "bad": param "limit": default 0: must be >= 1`) {
			t.Errorf("panic %q, want the default refused", got)
		}
	}()
	openrpc.Register(srv, openrpc.Method{Name: "bad"}, func(_ context.Context, p struct {
		Limit int `json:"limit" default:"0" minimum:"1"`
	}) (int, error) {
		return p.Limit, nil
	})
}

// Regression: a long list was allocated in full before its items or maxItems were checked,
// so 5 MB of "0," became hundreds of MB of Go values.
func TestRegister_longListsAreBounded(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "capped"}, func(_ context.Context, p struct {
		H [][256]byte `json:"h" maxItems:"4"`
	}) (int, error) {
		return len(p.H), nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "uncapped"}, func(_ context.Context, p struct {
		H [][256]byte `json:"h"`
	}) (int, error) {
		return len(p.H), nil
	})
	items := strings.TrimSuffix(strings.Repeat("0,", 2_400_000), ",")
	for _, tt := range []struct{ method, want string }{
		{"capped", "must have at most 4 items"},
		{"uncapped", "too many items: 2400000 items of [256]uint8 exceed the decoding limit of 64 MiB"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got := process(t, srv, `{"jsonrpc":"2.0","method":"`+tt.method+`","params":{"h":[`+items+`]},"id":1}`)
		runtime.ReadMemStats(&after)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %.200s, want %q", tt.method, got, tt.want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("%s: allocated %d MiB for a 5 MB message", tt.method, alloc>>20)
		}
	}
}

// Regression: integers written with a fraction or an exponent went through float64 and were
// rounded, or wrongly refused at the edges of the range.
func TestRegister_integerLiterals(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "i"}, func(_ context.Context, p []int64) (string, error) { return fmt.Sprint(p), nil })
	openrpc.Register(srv, openrpc.Method{Name: "u"}, func(_ context.Context, p []uint64) (string, error) { return fmt.Sprint(p), nil })
	for _, tt := range []struct{ method, params, want string }{
		{"i", `[9007199254740993.0, 9223372036854775807.0, -9223372036854775808e0, 1.5e1, 150e-1, 0.0, -0e5]`,
			`"[9007199254740993 9223372036854775807 -9223372036854775808 15 15 0 0]"`},
		{"u", `[18446744073709551615.0, 1e19]`, `"[18446744073709551615 10000000000000000000]"`},
	} {
		checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"`+tt.method+`","params":`+tt.params+`,"id":1}`),
			`{"jsonrpc":"2.0","result":`+tt.want+`,"id":1}`)
	}
	for _, tt := range []struct{ params, want string }{
		{`[1.0000000000000000001]`, "expected integer, got 1.0000000000000000001"},
		{`[1e-400]`, "expected integer, got 1e-400"},
		{`[-9223372036854775809.0]`, "integer out of range: -9223372036854775809.0"},
		{`[1e400]`, "integer out of range: 1e400"},
		{`[1e99999999999999999999]`, "integer out of range: 1e99999999999999999999"},
	} {
		got := process(t, srv, `{"jsonrpc":"2.0","method":"i","params":`+tt.params+`,"id":1}`)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %s, want %q", tt.params, got, tt.want)
		}
	}
}

// Regression: a recursive list or map type crashed Register with a stack overflow.
func TestRegister_recursiveNonStructTypes(t *testing.T) {
	type Tree []Tree
	type M map[string]M
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	for name, reg := range map[string]func(){
		"tree": func() {
			openrpc.Register(srv, openrpc.Method{Name: "tree"}, func(_ context.Context, p struct {
				T Tree `json:"t"`
			}) (int, error) {
				return len(p.T), nil
			})
		},
		"map": func() {
			openrpc.Register(srv, openrpc.Method{Name: "map"}, func(_ context.Context, p struct {
				M M `json:"m"`
			}) (int, error) {
				return len(p.M), nil
			})
		},
	} {
		func() {
			defer func() {
				if got := fmt.Sprint(recover()); !strings.Contains(got, "refers to itself") {
					t.Errorf("%s: panic %q, want a recursion error", name, got)
				}
			}()
			reg()
		}()
	}
}

// Regression: float32 params were checked after rounding to float32, so 0.1 broke
// maximum:"0.1" and enum:"0.1,0.2" although the published schema allows it.
func TestRegister_float32CheckedAsSent(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p struct {
		X float32 `json:"x" maximum:"0.1"`
		E float32 `json:"e" enum:"0.1,0.2"`
	}) (float32, error) {
		return p.X + p.E, nil
	})
	got := process(t, srv, `{"jsonrpc":"2.0","method":"m","params":{"x":0.1,"e":0.1},"id":1}`)
	if !strings.Contains(got, `"result":0.2`) {
		t.Errorf("got %s, want a result", got)
	}
	got = process(t, srv, `{"jsonrpc":"2.0","method":"m","params":{"x":0.10001,"e":0.3},"id":1}`)
	if !strings.Contains(got, `"path":"/x","message":"must be <= 0.1"`) || !strings.Contains(got, `"path":"/e"`) {
		t.Errorf("got %s, want both refused", got)
	}
}

// Regression: integer map keys accepted "+1" and "01" (the same key as "1"), which the
// published schema did not describe.
func TestRegister_integerMapKeys(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p struct {
		M map[int]string `json:"m"`
	}) (int, error) {
		return len(p.M), nil
	})
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","params":{"m":{"1":"a","-2":"b","0":"c"}},"id":1}`), `{"jsonrpc":"2.0","result":3,"id":1}`)
	for _, key := range []string{"+1", "01", "-0", "abc", ""} {
		got := process(t, srv, `{"jsonrpc":"2.0","method":"m","params":{"m":{"`+key+`":"a"}},"id":1}`)
		if !strings.Contains(got, `"code":-32602`) {
			t.Errorf("key %q: got %s, want -32602", key, got)
		}
	}
	d, _ := srv.Document()
	if got, _ := json.Marshal(d.Methods[0].Params[0].Schema); !strings.Contains(string(got), `"propertyNames":{"pattern":"^-?(0|[1-9][0-9]*)$"}`) {
		t.Errorf("schema %s lacks the key pattern", got)
	}
}

// Regression: date-time and time used time.Parse, which takes a comma before the fraction and
// refuses lower-case t/z and the leap second that RFC 3339 allows.
func TestRegister_dateTimeFormats(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p struct {
		DT string `json:"dt" format:"date-time"`
		T  string `json:"t" format:"time"`
	}) (bool, error) {
		return true, nil
	})
	for _, tt := range []struct {
		dt, tm string
		ok     bool
	}{
		{"2026-11-28T10:20:30Z", "10:20:30Z", true},
		{"2026-11-28t10:20:30.123456789z", "23:59:60+02:00", true},
		{"2026-11-28T10:20:30,5Z", "10:20:30Z", false},
		{"2026-11-28T10:20:30Z", "10:20:30,5Z", false},
		{"2026-02-30T10:20:30Z", "10:20:30Z", false},
		{"2026-11-28T24:00:00Z", "10:20:30Z", false},
		{"2026-11-28 10:20:30Z", "10:20:30Z", false},
		{"2026-11-28T10:20:30Z", "10:20:30+24:00", false},
	} {
		got := process(t, srv, fmt.Sprintf(`{"jsonrpc":"2.0","method":"m","params":{"dt":%q,"t":%q},"id":1}`, tt.dt, tt.tm))
		if ok := strings.Contains(got, `"result":true`); ok != tt.ok {
			t.Errorf("%s / %s: got %s, want ok=%v", tt.dt, tt.tm, got, tt.ok)
		}
	}
}

// Regression: uniqueItems compared the Go encoding of any-JSON items, so equal JSON values
// written differently were not duplicates.
func TestRegister_uniqueItemsComparesJSONValues(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p struct {
		L []json.RawMessage `json:"l" uniqueItems:"true"`
	}) (int, error) {
		return len(p.L), nil
	})
	for _, tt := range []struct {
		list string
		dup  bool
	}{
		{`[{"a":1,"b":2},{"b":2,"a":1}]`, true},
		{`[1,1.0]`, true},
		{`[1.5,15e-1]`, true},
		{`["a","\u0061"]`, true},
		{`[1,"1"]`, false},
		{`[0.1,0.2,{"a":[1,2]},{"a":[2,1]}]`, false},
	} {
		got := process(t, srv, `{"jsonrpc":"2.0","method":"m","params":{"l":`+tt.list+`},"id":1}`)
		if dup := strings.Contains(got, "items must be unique"); dup != tt.dup {
			t.Errorf("%s: got %s, want duplicate=%v", tt.list, got, tt.dup)
		}
	}
}

// Regression: a struct embedding time.Time was published as an object but decoded from a
// string, through the promoted UnmarshalJSON.
func TestRegister_embeddedSelfDecodingTypeRefused(t *testing.T) {
	type Stamp struct {
		time.Time
		Note string `json:"note"`
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	defer func() {
		if got := fmt.Sprint(recover()); !strings.Contains(got, "embedded time.Time decodes itself") {
			t.Errorf("panic %q, want the embedding refused", got)
		}
	}()
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p struct {
		S Stamp `json:"s"`
	}) (string, error) {
		return p.S.Note, nil
	})
}

// A params struct with only blank fields (a guard against unkeyed literals) is a method
// without params, like struct{}.
func TestRegister_blankFieldsMeanNoParams(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "none"}, func(context.Context, struct{ _ struct{} }) (string, error) { return "ok", nil })
	if got, want := process(t, srv, `{"jsonrpc":"2.0","method":"none","id":1}`), `{"jsonrpc":"2.0","result":"ok","id":1}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// Regression: by-position calls followed the fields' order, so a struct with an optional
// field before a required one was published with the required param after the optional
// one (against OpenRPC) and took positions the document did not show.
func TestRegister_positionsFollowTheDocument(t *testing.T) {
	type Owner struct {
		Note  string `json:"note,omitempty"`
		Owner string `json:"owner"`
	}
	type searchParams struct {
		Owner
		Limit *int                     `json:"limit"`
		Query string                   `json:"query" minLength:"2"`
		Page  int                      `json:"page" default:"1"`
		Sort  openrpc.Optional[string] `json:"sort"`
		Kind  string                   `json:"kind"`
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "search"}, func(_ context.Context, p searchParams) (string, error) {
		limit := "nil"
		if p.Limit != nil {
			limit = fmt.Sprint(*p.Limit)
		}
		sort := "absent"
		if v, ok := p.Sort.Get(); ok {
			sort = v
		}
		return fmt.Sprintf("owner=%s query=%s kind=%s note=%s limit=%s page=%d sort=%s", p.Owner.Owner, p.Query, p.Kind, p.Note, limit, p.Page, sort), nil
	})

	doc, err := srv.Document()
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, p := range doc.Methods[0].Params {
		order = append(order, fmt.Sprintf("%s:%v", p.Name, p.Required))
	}
	if got, want := strings.Join(order, " "), "owner:true query:true kind:true note:false limit:false page:false sort:false"; got != want {
		t.Errorf("document params %s, want %s", got, want)
	}

	for _, tt := range []struct{ params, want string }{
		{`["ann","ab","k","n",5,2,"asc"]`, `"owner=ann query=ab kind=k note=n limit=5 page=2 sort=asc"`},
		{`["ann","ab","k"]`, `"owner=ann query=ab kind=k note= limit=nil page=1 sort=absent"`},
		{`["ann","ab","k","n",null]`, `"owner=ann query=ab kind=k note=n limit=nil page=1 sort=absent"`},
		{`{"kind":"k","owner":"ann","query":"ab","limit":5}`, `"owner=ann query=ab kind=k note= limit=5 page=1 sort=absent"`},
	} {
		checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"search","params":`+tt.params+`,"id":1}`),
			`{"jsonrpc":"2.0","result":`+tt.want+`,"id":1}`)
	}

	// Problems name the param at the position the document gives it.
	for _, tt := range []struct{ params, errors string }{
		{`["ann","a","k"]`, `[{"path":"/query","message":"length must be >= 2"}]`},
		{`["ann","ab"]`, `[{"path":"/kind","message":"required param is missing"}]`},
		{`["ann","ab","k","n","five"]`, `[{"path":"/limit","message":"expected integer, got string"}]`},
		{`["ann","ab","k","n",5,2,"asc",9]`, `[{"path":"/7","message":"unexpected param at position 7: the method takes 7"}]`},
	} {
		checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"search","params":`+tt.params+`,"id":1}`),
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":`+tt.errors+`}},"id":1}`)
	}
}

// reqInner has required members that may be null: a pointer and raw JSON.
type reqInner struct {
	Label *string         `json:"label" required:"true"`
	Extra json.RawMessage `json:"extra" required:"true"`
}

// reqParams has a required nullable param after an optional one in field order.
type reqParams struct {
	Limit *int     `json:"limit"`
	Note  *string  `json:"note" required:"true" maxLength:"3"`
	Inner reqInner `json:"inner"`
}

// reqResult is a result with a required member that may be null.
type reqResult struct {
	Note *string `json:"note" required:"true"`
}

// TestRegister_requiredTrue checks that required:"true" makes a pointer or raw JSON
// required, in the document (params, object schemas) and in calls (absent is refused at
// any depth, by name and by position), while null stays one of its values and reaches the
// handler as nil.
func TestRegister_requiredTrue(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	show := func(p *string) string {
		if p == nil {
			return "nil"
		}
		return *p
	}
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p reqParams) (string, error) {
		limit := "nil"
		if p.Limit != nil {
			limit = fmt.Sprint(*p.Limit)
		}
		return fmt.Sprintf("note=%s label=%s extra=%s limit=%s", show(p.Note), show(p.Inner.Label), p.Inner.Extra, limit), nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "r"}, func(context.Context, struct{}) (reqResult, error) { return reqResult{}, nil })
	for _, tt := range []struct{ params, want string }{
		{`{"note":"abc","inner":{"label":"x","extra":1}}`, `note=abc label=x extra=1 limit=nil`},
		{`{"note":null,"inner":{"label":null,"extra":null},"limit":2}`, `note=nil label=nil extra=null limit=2`},
		{`["abc",{"label":"x","extra":[]},5]`, `note=abc label=x extra=[] limit=5`},
		{`[null,{"label":null,"extra":{}}]`, `note=nil label=nil extra={} limit=nil`},
	} {
		checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","params":`+tt.params+`,"id":1}`),
			`{"jsonrpc":"2.0","result":"`+tt.want+`","id":1}`)
	}
	for _, tt := range []struct{ params, errors string }{
		{`{"inner":{"label":"x","extra":1}}`, `[{"path":"/note","message":"required param is missing"}]`},
		{`{"note":"a","inner":{"extra":1}}`, `[{"path":"/inner/label","message":"required property is missing"}]`},
		{`{"note":"a","inner":{}}`, `[{"path":"/inner/label","message":"required property is missing"},{"path":"/inner/extra","message":"required property is missing"}]`},
		{`{"note":"abcd","inner":{"label":null,"extra":null}}`, `[{"path":"/note","message":"length must be <= 3"}]`},
		{`[]`, `[{"path":"/note","message":"required param is missing"},{"path":"/inner","message":"required param is missing"}]`},
		{`[null]`, `[{"path":"/inner","message":"required param is missing"}]`},
		{`[null,{"label":null}]`, `[{"path":"/inner/extra","message":"required property is missing"}]`},
	} {
		checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","params":`+tt.params+`,"id":1}`),
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":`+tt.errors+`}},"id":1}`)
	}

	d := publishedDoc(t, srv)
	var got []string
	for _, p := range d.Methods[0].Params {
		got = append(got, fmt.Sprintf("%s %v %s", p.Name, p.Required, p.Schema))
	}
	got = append(got, string(d.Methods[1].Result.Schema))
	for _, name := range slices.Sorted(maps.Keys(d.Components.Schemas)) {
		got = append(got, name+" "+string(d.Components.Schemas[name]))
	}
	want := []string{
		`note true {"type":["string","null"],"maxLength":3}`,
		`inner true {"$ref":"#/components/schemas/reqInner"}`,
		`limit false {"type":["integer","null"],"format":"int64"}`,
		`{"$ref":"#/components/schemas/reqResult"}`,
		`reqInner {"type":"object","properties":{"label":{"type":["string","null"]},"extra":{}},"required":["label","extra"],"additionalProperties":false}`,
		`reqResult {"type":"object","properties":{"note":{"type":["string","null"]}},"required":["note"],"additionalProperties":false}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("published:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRegister_requiredTrueExamples checks that an example pairing leaving out a param
// tagged required:"true" stops Register, and one giving it as null does not.
func TestRegister_requiredTrueExamples(t *testing.T) {
	register := func(params []openrpc.Example) (msg string) {
		defer func() {
			if v := recover(); v != nil {
				msg = fmt.Sprint(v)
			}
		}()
		srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
		openrpc.Register(srv, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{{Name: "ex", Params: params, Result: &openrpc.Example{Name: "r", Value: map[string]any{"note": nil}}}}},
			func(context.Context, reqParams) (reqResult, error) { return reqResult{}, nil })
		return ""
	}
	inner := openrpc.Example{Name: "inner", Value: map[string]any{"label": nil, "extra": nil}}
	if got := register([]openrpc.Example{{Name: "note", Value: nil}, inner}); got != "" {
		t.Errorf("note given as null: got panic %q, want none", got)
	}
	if got, want := register([]openrpc.Example{inner}), `example pairing "ex": params: /note: required param is missing`; !strings.Contains(got, want) {
		t.Errorf("note left out: got panic %q, want one containing %q", got, want)
	}
}

// TestRegister_requiredNotNull checks required:"true" with nullable:"false": a pointer that
// must be present and not null, as a struct containing itself must be held.
func TestRegister_requiredNotNull(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p struct {
		P *int `json:"p" required:"true" nullable:"false"`
	}) (int, error) {
		return *p.P, nil
	})
	for _, tt := range []struct{ params, want string }{
		{`{"p":0}`, `"result":0`},
		{`{}`, `"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/p","message":"required param is missing"}]}}`},
		{`{"p":null}`, `"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/p","message":"must not be null"}]}}`},
	} {
		checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","params":`+tt.params+`,"id":1}`), `{"jsonrpc":"2.0",`+tt.want+`,"id":1}`)
	}
	doc, err := srv.Document()
	if err != nil {
		t.Fatal(err)
	}
	p := doc.Methods[0].Params[0]
	if s, _ := json.Marshal(p.Schema); !p.Required || string(s) != `{"type":"integer","format":"int64"}` {
		t.Errorf("published required %v, schema %s; want true and an integer", p.Required, s)
	}
}

// published is what the tests of params tags read of a server's document: each method's
// params and result schema, and the component schemas.
type published struct {
	Methods []struct {
		Params []struct {
			Name     string          `json:"name"`
			Required bool            `json:"required"`
			Schema   json.RawMessage `json:"schema"`
		} `json:"params"`
		Result struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"result"`
	} `json:"methods"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func publishedDoc(t *testing.T, srv *openrpc.Server) (d published) {
	t.Helper()
	doc, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	return d
}
