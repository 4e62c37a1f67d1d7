package openrpc_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

func ExampleRegister() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)

	type AddParams struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	openrpc.Register(srv, openrpc.Method{Name: "add", Summary: "Add two integers."},
		func(ctx context.Context, p AddParams) (int, error) {
			return p.A + p.B, nil
		})

	ctx := context.Background()
	fmt.Printf("%s\n", srv.Process(ctx, []byte(`{"jsonrpc":"2.0","method":"add","params":{"a":2,"b":3},"id":1}`)))
	fmt.Printf("%s\n", srv.Process(ctx, []byte(`{"jsonrpc":"2.0","method":"add","params":[2,3],"id":2}`)))
	fmt.Printf("%s\n", srv.Process(ctx, []byte(`{"jsonrpc":"2.0","method":"add","params":{"a":2},"id":3}`)))
	// Output:
	// {"jsonrpc":"2.0","result":5,"id":1}
	// {"jsonrpc":"2.0","result":5,"id":2}
	// {"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/b","message":"required param is missing"}]}},"id":3}
}

// Positions follow the document, which lists the required params first: here "query" and
// "sort", then the optional "limit".
func ExampleRegister_positions() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Search", Version: "1.0.0"}, nil)
	type SearchParams struct {
		Query string `json:"query"`
		Limit *int   `json:"limit"`
		Sort  string `json:"sort" enum:"asc,desc"`
	}
	openrpc.Register(srv, openrpc.Method{
		Name: "search",
		Examples: []openrpc.ExamplePairing{{
			Name:   "first ten",
			Params: []openrpc.Example{{Name: "query", Value: "go"}, {Name: "sort", Value: "asc"}, {Name: "limit", Value: 10}},
			Result: &openrpc.Example{Name: "result", Value: "go asc 10"},
		}},
	}, func(ctx context.Context, p SearchParams) (string, error) {
		limit := 20
		if p.Limit != nil {
			limit = *p.Limit
		}
		return fmt.Sprintf("%s %s %d", p.Query, p.Sort, limit), nil
	})
	doc, _ := srv.Document()
	for _, p := range doc.Methods[0].Params {
		fmt.Println(p.Name, p.Required)
	}
	fmt.Printf("%s\n", srv.Process(context.Background(), []byte(`{"jsonrpc":"2.0","method":"search","params":["go","asc",10],"id":1}`)))
	fmt.Printf("%s\n", srv.Process(context.Background(), []byte(`{"jsonrpc":"2.0","method":"search","params":["go","asc"],"id":2}`)))
	// Output:
	// query true
	// sort true
	// limit false
	// {"jsonrpc":"2.0","result":"go asc 10","id":1}
	// {"jsonrpc":"2.0","result":"go asc 20","id":2}
}

func ExampleRegister_variadic() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "sum"}, func(ctx context.Context, xs []float64) (float64, error) {
		var total float64
		for _, x := range xs {
			total += x
		}
		return total, nil
	})
	fmt.Printf("%s\n", srv.Process(context.Background(), []byte(`{"jsonrpc":"2.0","method":"sum","params":[1,2,4],"id":"a"}`)))
	// Output:
	// {"jsonrpc":"2.0","result":7,"id":"a"}
}

func ExampleRegisterNotification() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Events", Version: "1.0.0"}, nil)
	openrpc.RegisterNotification(srv, openrpc.Method{Name: "log"}, func(ctx context.Context, p struct {
		Line string `json:"line"`
	}) error {
		fmt.Println("logged:", p.Line)
		return nil
	})
	reply := srv.Process(context.Background(), []byte(`{"jsonrpc":"2.0","method":"log","params":{"line":"hello"}}`))
	fmt.Println("reply is nil:", reply == nil)
	// Output:
	// logged: hello
	// reply is nil: true
}

func ExampleOptional() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Users", Version: "1.0.0"}, nil)
	type UpdateParams struct {
		Name     string                   `json:"name"`
		Nickname openrpc.Optional[string] `json:"nickname"`
	}
	openrpc.Register(srv, openrpc.Method{Name: "update"}, func(ctx context.Context, p UpdateParams) (string, error) {
		switch v, ok := p.Nickname.Get(); {
		case ok:
			return "set nickname to " + v, nil
		case p.Nickname.IsNull():
			return "cleared nickname", nil
		default:
			return "left nickname alone", nil
		}
	})
	for _, params := range []string{`{"name":"ann"}`, `{"name":"ann","nickname":null}`, `{"name":"ann","nickname":"a"}`} {
		fmt.Printf("%s\n", srv.Process(context.Background(), []byte(`{"jsonrpc":"2.0","method":"update","params":`+params+`,"id":1}`)))
	}
	// Output:
	// {"jsonrpc":"2.0","result":"left nickname alone","id":1}
	// {"jsonrpc":"2.0","result":"cleared nickname","id":1}
	// {"jsonrpc":"2.0","result":"set nickname to a","id":1}
}

// A pointer tagged required:"true" is a required param that may be null: a call must
// give it, as null or a value.
func ExampleRegister_requiredNullable() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Users", Version: "1.0.0"}, nil)
	type SetManagerParams struct {
		User    string  `json:"user"`
		Manager *string `json:"manager" required:"true"`
	}
	openrpc.Register(srv, openrpc.Method{Name: "setManager"}, func(ctx context.Context, p SetManagerParams) (string, error) {
		if p.Manager == nil {
			return p.User + " has no manager", nil
		}
		return p.User + " reports to " + *p.Manager, nil
	})
	for _, params := range []string{`{"user":"ann","manager":"bob"}`, `{"user":"ann","manager":null}`, `{"user":"ann"}`} {
		fmt.Printf("%s\n", srv.Process(context.Background(), []byte(`{"jsonrpc":"2.0","method":"setManager","params":`+params+`,"id":1}`)))
	}
	// Output:
	// {"jsonrpc":"2.0","result":"ann reports to bob","id":1}
	// {"jsonrpc":"2.0","result":"ann has no manager","id":1}
	// {"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/manager","message":"required param is missing"}]}},"id":1}
}

func ExampleServer_Include() {
	math := openrpc.NewRouter()
	openrpc.Register(math, openrpc.Method{Name: "neg"}, func(ctx context.Context, p struct {
		X int `json:"x"`
	}) (int, error) {
		return -p.X, nil
	})
	srv := openrpc.NewServer(openrpc.Info{Title: "API", Version: "1.0.0"}, nil)
	srv.Include(math, &openrpc.IncludeOptions{Prefix: "math.", Tags: []openrpc.Tag{{Name: "math"}}})
	fmt.Printf("%s\n", srv.Process(context.Background(), []byte(`{"jsonrpc":"2.0","method":"math.neg","params":[4],"id":1}`)))
	// Output:
	// {"jsonrpc":"2.0","result":-4,"id":1}
}

func ExampleError() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Users", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{
		Name:   "get_user",
		Errors: []openrpc.Error{{Code: 404, Message: "User not found"}},
	}, func(ctx context.Context, p struct {
		Name string `json:"name"`
	}) (string, error) {
		return "", openrpc.NewError(404, "User not found", map[string]string{"name": p.Name})
	})
	fmt.Printf("%s\n", srv.Process(context.Background(), []byte(`{"jsonrpc":"2.0","method":"get_user","params":["bob"],"id":1}`)))
	// Output:
	// {"jsonrpc":"2.0","error":{"code":404,"message":"User not found","data":{"name":"bob"}},"id":1}
}

func ExampleClient_Call() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(ctx context.Context, p struct {
		A int `json:"a"`
		B int `json:"b"`
	}) (int, error) {
		return p.A + p.B, nil
	})
	// In-memory here; rpchttp.NewClient, rpchttp.DialWebSocket and rpcstdio.NewClient give
	// the same client over the network.
	c := openrpctest.NewLocal(srv, nil)
	ctx := context.Background()

	sum, err := openrpc.Call[int](ctx, c, "add", map[string]int{"a": 2, "b": 3})
	fmt.Println(sum, err)

	_, err = openrpc.Call[int](ctx, c, "add", []int{2})
	var rpcErr *openrpc.Error
	if errors.As(err, &rpcErr) {
		fmt.Println(int(rpcErr.Code), rpcErr.Message, string(rpcErr.Data))
	}
	// Output:
	// 5 <nil>
	// -32602 Invalid params {"errors":[{"path":"/b","message":"required param is missing"}]}
}
