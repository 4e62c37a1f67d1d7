package openrpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
)

func TestRouter_Include(t *testing.T) {
	math := openrpc.NewRouter()
	openrpc.Register(math, openrpc.Method{Name: "add", Tags: []openrpc.Tag{{Name: "arith"}}}, add)
	openrpc.Register(math, openrpc.Method{Name: "gone"}, add)
	if !math.Remove("gone") || math.Remove("gone") {
		t.Fatal("Remove: want true once, then false")
	}
	outer := openrpc.NewRouter()
	outer.Include(math, &openrpc.IncludeOptions{Prefix: "math.", Tags: []openrpc.Tag{{Name: "math"}}})

	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	srv.Include(outer, &openrpc.IncludeOptions{Prefix: "v1."})
	srv.Include(math, nil)

	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"v1.math.add","params":[1,2],"id":1}`), `{"jsonrpc":"2.0","result":3,"id":1}`)
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}`), `{"jsonrpc":"2.0","result":3,"id":1}`)
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"math.add","params":[1,2],"id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}`)

	var names, tags []string
	for _, m := range srv.Methods() {
		names = append(names, m.Name)
		for _, tg := range m.Tags {
			tags = append(tags, m.Name+":"+tg.Name)
		}
	}
	if want := []string{"v1.math.add", "add"}; !slices.Equal(names, want) {
		t.Errorf("methods %v, want %v", names, want)
	}
	if want := []string{"v1.math.add:arith", "v1.math.add:math", "add:arith"}; !slices.Equal(tags, want) {
		t.Errorf("tags %v, want %v", tags, want)
	}
	// Including copies: the router's own method keeps its tags.
	if srv.Remove("v1.math.add"); len(srv.Methods()) != 1 {
		t.Errorf("after Remove: %d methods, want 1", len(srv.Methods()))
	}
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"v1.math.add","params":[1,2],"id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}`)

	defer func() {
		if got := fmt.Sprint(recover()); !strings.Contains(got, `"add": a method with this name is already registered`) {
			t.Errorf("including a taken name: panic %q", got)
		}
	}()
	srv.Include(math, nil)
}

func TestRouter_Include_reservedPrefix(t *testing.T) {
	r := openrpc.NewRouter()
	openrpc.Register(r, openrpc.Method{Name: "discover"}, add)
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	defer func() {
		if got := fmt.Sprint(recover()); !strings.Contains(got, "reserved") {
			t.Errorf("panic %q, want a reserved-name panic", got)
		}
	}()
	srv.Include(r, &openrpc.IncludeOptions{Prefix: "rpc."})
}

func TestServerOptions_Middleware(t *testing.T) {
	var trace []string
	record := func(name string) openrpc.Middleware {
		return func(next openrpc.Handler) openrpc.Handler {
			return func(ctx context.Context, req openrpc.Request) (json.RawMessage, error) {
				trace = append(trace, fmt.Sprintf("%s>%s %s notif=%v caller=%v", name, req.Method, req.Params, req.IsNotification(), req.Caller != nil))
				res, err := next(ctx, req)
				trace = append(trace, fmt.Sprintf("%s<%s %v", name, res, err))
				return res, err
			}
		}
	}
	deny := func(next openrpc.Handler) openrpc.Handler {
		return func(ctx context.Context, req openrpc.Request) (json.RawMessage, error) {
			switch req.Method {
			case "secret":
				return nil, openrpc.Errorf(openrpc.CodePermissionError, "Permission error")
			case "broken":
				return json.RawMessage(`{oops`), nil
			}
			return next(ctx, req)
		}
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Middleware: []openrpc.Middleware{record("outer"), record("inner"), deny},
	})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	openrpc.Register(srv, openrpc.Method{Name: "secret"}, add)
	openrpc.Register(srv, openrpc.Method{Name: "broken"}, add)

	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}`), `{"jsonrpc":"2.0","result":3,"id":1}`)
	want := []string{
		"outer>add [1,2] notif=false caller=false", "inner>add [1,2] notif=false caller=false",
		"inner<3 <nil>", "outer<3 <nil>",
	}
	if !slices.Equal(trace, want) {
		t.Errorf("trace\n%q\nwant\n%q", trace, want)
	}
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"secret","params":[1,2],"id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32099,"message":"Permission error"},"id":1}`)
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"broken","params":[1,2],"id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}`)
}

func TestCodeOf(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want openrpc.Code
	}{
		{nil, 0},
		{errors.New("x"), openrpc.CodeServerError},
		{fmt.Errorf("w: %w", openrpc.Errorf(7, "seven")), 7},
		{fmt.Errorf("w: %w", context.DeadlineExceeded), openrpc.CodeTimeout},
		{context.Canceled, openrpc.CodeCanceled},
	} {
		if got := openrpc.CodeOf(tt.err); got != tt.want {
			t.Errorf("CodeOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
	for _, tt := range []struct {
		code openrpc.Code
		want string
	}{
		{openrpc.CodeParseError, "Parse error"},
		{openrpc.CodeInvalidParams, "Invalid params"},
		{-32042, "Server error"},
		{-32500, "Reserved error -32500"},
		{1, "Application error"},
	} {
		if got := tt.code.String(); got != tt.want {
			t.Errorf("Code(%d).String() = %q, want %q", tt.code, got, tt.want)
		}
	}
	e := openrpc.NewError(3, "m", map[string]any{"f": func() {}})
	if !strings.Contains(string(e.Data), "unencodable error data") {
		t.Errorf("NewError with unencodable data: data %s", e.Data)
	}
	if got := openrpc.NewError(3, "m", []int{1}).Error(); got != "jsonrpc error 3: m (data: [1])" {
		t.Errorf("Error() = %q", got)
	}
}
