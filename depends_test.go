package openrpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/openrpc-go/openrpc"
)

type user struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

func TestDependency_sharedByAuthorizerAndHandler(t *testing.T) {
	var computed atomic.Int32
	currentUser := openrpc.Provide("current_user", func(ctx context.Context) (user, error) {
		computed.Add(1)
		token, err := openrpc.BearerToken(ctx)
		if err != nil {
			return user{}, err
		}
		return user{Name: token, Scopes: []string{"scope1"}}, nil
	})
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}},
		Authorize: func(ctx context.Context) (openrpc.Grants, error) {
			u, err := currentUser.Get(ctx)
			if err != nil {
				return nil, err
			}
			return openrpc.Grants{"Bearer": u.Scopes}, nil
		},
		Middleware: []openrpc.Middleware{func(next openrpc.Handler) openrpc.Handler {
			return func(ctx context.Context, req openrpc.Request) (json.RawMessage, error) {
				if _, err := currentUser.Get(ctx); err != nil && !errors.Is(err, openrpc.ErrNoCredentials) {
					return nil, err
				}
				return next(ctx, req)
			}
		}},
	})
	openrpc.Register(srv, openrpc.Method{Name: "whoami", Security: openrpc.Require("Bearer", "scope1")},
		func(ctx context.Context, p struct {
			N int `json:"n"`
		}) (string, error) {
			u, err := currentUser.Get(ctx)
			return fmt.Sprintf("%s/%d", u.Name, p.N), err
		})

	got := processCtx(withAuth("Bearer ann"), srv, `{"jsonrpc":"2.0","method":"whoami","params":[1],"id":1}`)
	checkJSON(t, got, `{"jsonrpc":"2.0","result":"ann/1","id":1}`)
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times for one call, want 1", n)
	}

	// A batch: each item is its own call, so the dependency runs once per item.
	computed.Store(0)
	var b strings.Builder
	b.WriteString("[")
	for i := range 100 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"jsonrpc":"2.0","method":"whoami","params":[%d],"id":%d}`, i, i)
	}
	b.WriteString("]")
	got = processCtx(withAuth("Bearer ann"), srv, b.String())
	for i := range 100 {
		if !strings.Contains(got, fmt.Sprintf(`{"jsonrpc":"2.0","result":"ann/%d","id":%d}`, i, i)) {
			t.Fatalf("batch item %d missing from %s", i, got)
		}
	}
	if n := computed.Load(); n != 100 {
		t.Errorf("computed %d times for a batch of 100 calls, want 100", n)
	}
}

func TestDependency_nested(t *testing.T) {
	var users, orgs atomic.Int32
	currentUser := openrpc.Provide("user", func(ctx context.Context) (string, error) {
		users.Add(1)
		return "ann", nil
	})
	currentOrg := openrpc.Provide("org", func(ctx context.Context) (string, error) {
		orgs.Add(1)
		u, err := currentUser.Get(ctx)
		return u + "'s org", err
	})
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(ctx context.Context, _ struct{}) (string, error) {
		o, err := currentOrg.Get(ctx)
		if err != nil {
			return "", err
		}
		u, err := currentUser.Get(ctx)
		return u + " in " + o, err
	})
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","id":1}`), `{"jsonrpc":"2.0","result":"ann in ann's org","id":1}`)
	if users.Load() != 1 || orgs.Load() != 1 {
		t.Errorf("user computed %d times, org %d times; want once each", users.Load(), orgs.Load())
	}
}

func TestDependency_errors(t *testing.T) {
	plain := openrpc.Provide("plain", func(context.Context) (int, error) { return 0, errors.New("database is down") })
	typed := openrpc.Provide("typed", func(context.Context) (int, error) { return 0, openrpc.Errorf(404, "User not found") })
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Debug: true})
	for name, d := range map[string]*openrpc.Dependency[int]{"plain": plain, "typed": typed} {
		openrpc.Register(srv, openrpc.Method{Name: name}, func(ctx context.Context, _ struct{}) (int, error) { return d.Get(ctx) })
	}
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"plain","id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32000,"message":"Server error","data":{"error":"database is down"}},"id":1}`)
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"typed","id":1}`),
		`{"jsonrpc":"2.0","error":{"code":404,"message":"User not found"},"id":1}`)
}

func TestDependency_cycle(t *testing.T) {
	var a, b *openrpc.Dependency[int]
	a = openrpc.Provide("a", func(ctx context.Context) (int, error) { return b.Get(ctx) })
	b = openrpc.Provide("b", func(ctx context.Context) (int, error) { return a.Get(ctx) })
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Debug: true})
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(ctx context.Context, _ struct{}) (int, error) { return a.Get(ctx) })
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32000,"message":"Server error","data":{"error":"openrpc: dependency cycle: a -> b -> a"}},"id":1}`)
	var cycle *openrpc.DependencyCycleError
	if _, err := a.Get(context.Background()); !errors.As(err, &cycle) || len(cycle.Names) != 3 {
		t.Errorf("Get outside a call: got %v, want a cycle error", err)
	}
}

func TestDependency_concurrentGetInOneCall(t *testing.T) {
	var computed atomic.Int32
	slow := openrpc.Provide("slow", func(ctx context.Context) (int, error) {
		computed.Add(1)
		return 42, nil
	})
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(ctx context.Context, _ struct{}) (int, error) {
		var wg sync.WaitGroup
		var sum atomic.Int64
		for range 20 {
			wg.Go(func() {
				v, _ := slow.Get(ctx)
				sum.Add(int64(v))
			})
		}
		wg.Wait()
		return int(sum.Load()), nil
	})
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","id":1}`), `{"jsonrpc":"2.0","result":840,"id":1}`)
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times, want 1", n)
	}
}

func TestDependency_outsideACall(t *testing.T) {
	var computed atomic.Int32
	d := openrpc.Provide("d", func(context.Context) (int32, error) { return computed.Add(1), nil })
	v1, _ := d.Get(context.Background())
	v2, _ := d.Get(context.Background())
	if v1 != 1 || v2 != 2 || d.Name() != "d" {
		t.Errorf("got %d then %d (name %q), want 1 then 2: no caching outside a call", v1, v2, d.Name())
	}
}

func TestDependency_panicInProvider(t *testing.T) {
	d := openrpc.Provide("boom", func(context.Context) (int, error) { panic("provider broke") })
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(ctx context.Context, _ struct{}) (int, error) { return d.Get(ctx) })
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}`)
}
