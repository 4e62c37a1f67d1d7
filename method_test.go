package openrpc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
)

type examplePerson struct {
	Name string   `json:"name" minLength:"2"`
	Age  int      `json:"age" minimum:"0"`
	Nick *string  `json:"nick"`
	Tags []string `json:"tags,omitempty"`
}

// exampleMoney encodes itself as a decimal string, and has no decoding of its own.
type exampleMoney struct{ cents int }

func (m exampleMoney) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`"%d.%02d"`, m.cents/100, m.cents%100)), nil
}

type exampleInvoice struct {
	Total exampleMoney `json:"total"`
}

func newPerson(_ context.Context, p examplePerson) (examplePerson, error) { return p, nil }

// pairing returns an example pairing named name of params given as name, value, name, value...
func pairing(name string, result any, params ...any) openrpc.ExamplePairing {
	ep := openrpc.ExamplePairing{Name: name, Params: []openrpc.Example{}}
	for i := 0; i < len(params); i += 2 {
		ep.Params = append(ep.Params, openrpc.Example{Name: params[i].(string), Value: params[i+1]})
	}
	if result != nil {
		ep.Result = &openrpc.Example{Name: "result", Value: result}
	}
	return ep
}

func TestRegister_examplesAreChecked(t *testing.T) {
	ann := map[string]any{"name": "ann", "age": 42}
	for _, tt := range []struct {
		name     string
		register func(r openrpc.Registrar)
		want     string // "" when registration succeeds
	}{
		{"by name", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{
				pairing("ann", ann, "age", 42, "name", "ann"),
				pairing("with nick", map[string]any{"name": "bo", "age": 1, "nick": "b"}, "name", "bo", "age", 1, "nick", "b"),
			}}, newPerson)
		}, ""},
		{"missing params", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("ann", ann, "name", "ann")}}, newPerson)
		}, `Register "m": example pairing "ann": params: /age: required param is missing`},
		{"every problem listed", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("bad", ann, "name", "a", "age", -1, "nickname", "x")}}, newPerson)
		}, `example pairing "bad": params: /name: length must be >= 2; /age: must be >= 0; /nickname: unknown param`},
		{"same name twice", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("twice", ann, "name", "ann", "age", 1, "age", 2)}}, newPerson)
		}, `example pairing "twice": params: /age: param given more than once`},
		{"examples named after their values are by position", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{
				pairing("ann", ann, "ann", "ann", "forty-two", 42),
			}}, newPerson)
		}, ""},
		{"examples named after their values, by name only", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", ParamStructure: openrpc.ByName, Examples: []openrpc.ExamplePairing{
				pairing("ann", ann, "ann", "ann", "forty-two", 42),
			}}, newPerson)
		}, `example pairing "ann": params: /ann: unknown param`},
		{"by position in the document's order", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", ParamStructure: openrpc.ByPosition, Examples: []openrpc.ExamplePairing{
				pairing("ann", ann, "name", "ann", "age", 42),
			}}, newPerson)
		}, ""},
		{"by position, wrong order", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", ParamStructure: openrpc.ByPosition, Examples: []openrpc.ExamplePairing{
				pairing("ann", ann, "age", 42, "name", "ann"),
			}}, newPerson)
		}, `example pairing "ann": params: /name: expected string, got number; /age: expected integer, got string`},
		{"variadic", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("sum", 3, "a", 1, "b", "two")}},
				func(context.Context, []int) (int, error) { return 0, nil })
		}, `example pairing "sum": params: /1: expected integer, got string`},
		{"result missing a member", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("ann", map[string]any{"name": "ann"}, "name", "ann", "age", 42)}}, newPerson)
		}, `example pairing "ann": result: /age: required property is missing`},
		{"result of the wrong type", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("sum", "3", "a", 1)}},
				func(context.Context, []int) (int, error) { return 0, nil })
		}, `example pairing "sum": result: expected integer, got string`},
		{"null result of a struct", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{{Name: "n", Params: []openrpc.Example{{Name: "name", Value: "ann"}, {Name: "age", Value: 1}}, Result: &openrpc.Example{Name: "r"}}}}, newPerson)
		}, `example pairing "n": result: must not be null`},
		{"struct{} result", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{{Name: "ok", Params: []openrpc.Example{}, Result: &openrpc.Example{Name: "r"}}}},
				func(context.Context, struct{}) (struct{}, error) { return struct{}{}, nil })
		}, ""},
		{"struct{} result not null", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("done", true)}},
				func(context.Context, struct{}) (struct{}, error) { return struct{}{}, nil })
		}, `example pairing "done": result: must be null`},
		{"result type left unchecked", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("any", "whatever")}},
				func(context.Context, struct{}) (fmt.Stringer, error) { return nil, nil })
		}, ""},
		{"result type that encodes itself but does not decode itself", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("price", "1.50")}},
				func(context.Context, struct{}) (exampleMoney, error) { return exampleMoney{cents: 150}, nil })
		}, ""},
		{"result holding a type that encodes itself but does not decode itself", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("price", map[string]any{"total": "1.50"})}},
				func(context.Context, struct{}) (exampleInvoice, error) { return exampleInvoice{}, nil })
		}, ""},
		{"params checked after an unchecked result", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("any", "whatever"), pairing("bad", "x", "extra", 1)}},
				func(context.Context, struct{}) (fmt.Stringer, error) { return nil, nil })
		}, `example pairing "bad": params: /extra: `},
		{"value JSON cannot encode", func(r openrpc.Registrar) {
			openrpc.Register(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("ch", ann, "name", make(chan int))}}, newPerson)
		}, `example pairing "ch": params: "name": json: unsupported type: chan int`},
		{"notification", func(r openrpc.Registrar) {
			openrpc.RegisterNotification(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("log", nil, "line", 3)}},
				func(context.Context, struct {
					Line string `json:"line"`
				}) error {
					return nil
				})
		}, `example pairing "log": params: /line: expected string, got number`},
		{"notification with a result", func(r openrpc.Registrar) {
			openrpc.RegisterNotification(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("log", "ok", "line", "x")}},
				func(context.Context, struct {
					Line string `json:"line"`
				}) error {
					return nil
				})
		}, `example pairing "log": has a result, but the method only accepts notifications`},
		{"subscription", func(r openrpc.Registrar) {
			openrpc.RegisterSubscription(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("tick", "sub-1", "every", 2)}},
				func(context.Context, struct {
					Every int `json:"every" minimum:"1"`
				}, func(int) error) error {
					return nil
				})
		}, ""},
		{"subscription params", func(r openrpc.Registrar) {
			openrpc.RegisterSubscription(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("tick", "sub-1", "every", 0)}},
				func(context.Context, struct {
					Every int `json:"every" minimum:"1"`
				}, func(int) error) error {
					return nil
				})
		}, `example pairing "tick": params: /every: must be >= 1`},
		{"subscription id of the wrong type", func(r openrpc.Registrar) {
			openrpc.RegisterSubscription(r, openrpc.Method{Name: "m", Examples: []openrpc.ExamplePairing{pairing("tick", 1, "every", 2)}},
				func(context.Context, struct {
					Every int `json:"every" minimum:"1"`
				}, func(int) error) error {
					return nil
				})
		}, `example pairing "tick": result: expected string, got number`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []openrpc.Registrar{openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil), openrpc.NewRouter()} {
				func() {
					defer func() {
						got := recover()
						switch {
						case tt.want == "" && got != nil:
							t.Errorf("%T: panic %v, want none", r, got)
						case tt.want != "" && !strings.Contains(fmt.Sprint(got), tt.want):
							t.Errorf("%T: panic %v, want it to contain %q", r, got, tt.want)
						}
					}()
					tt.register(r)
				}()
			}
		})
	}
}
