package openrpc_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/openrpc-go/openrpc"
)

// The seed of this project, the Python openrpc "Authorization" guide, in Go: a Bearer scheme,
// a get_user dependency reading the Authorization header, an authorizer using it, and the
// methods get_caller (any signed-in user) and require_scopes (scope1 only).
func Example_authorization() {
	type User struct {
		Username string   `json:"username"`
		Scopes   []string `json:"scopes"`
	}
	// A real service verifies a signed token (examples/auth uses JWT); a map stands in here.
	sessions := map[string]User{
		"token-of-ann": {Username: "ann", Scopes: []string{"scope1"}},
		"token-of-bob": {Username: "bob"},
	}
	getUser := openrpc.Provide("get_user", func(ctx context.Context) (User, error) {
		token, err := openrpc.BearerToken(ctx)
		if err != nil {
			return User{}, err
		}
		u, ok := sessions[token]
		if !ok {
			return User{}, errors.New("invalid token")
		}
		return u, nil
	})

	srv := openrpc.NewServer(openrpc.Info{Title: "Auth", Version: "1.0.0"}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{Format: "JWT"}},
		Authorize: func(ctx context.Context) (openrpc.Grants, error) {
			u, err := getUser.Get(ctx) // computed once per call, shared with the handler
			if err != nil {
				return nil, err
			}
			return openrpc.Grants{"Bearer": u.Scopes}, nil
		},
	})
	openrpc.Register(srv, openrpc.Method{Name: "get_caller", Security: openrpc.Require("Bearer")},
		func(ctx context.Context, _ struct{}) (User, error) { return getUser.Get(ctx) })
	openrpc.Register(srv, openrpc.Method{Name: "require_scopes", Security: openrpc.Require("Bearer", "scope1")},
		func(ctx context.Context, _ struct{}) (bool, error) { return true, nil })

	call := func(authorization, method string) {
		// Transports attach what they know of the caller; rpchttp passes the HTTP headers.
		ctx := openrpc.WithCaller(context.Background(), &openrpc.Caller{
			Transport: "example",
			Header:    map[string][]string{"Authorization": {authorization}},
		})
		fmt.Printf("%s\n", srv.Process(ctx, []byte(`{"jsonrpc":"2.0","method":"`+method+`","id":1}`)))
	}
	call("Bearer token-of-bob", "get_caller")
	call("Bearer token-of-bob", "require_scopes")
	call("Bearer token-of-ann", "require_scopes")
	call("Bearer forged", "get_caller")
	// Output:
	// {"jsonrpc":"2.0","result":{"username":"bob","scopes":null},"id":1}
	// {"jsonrpc":"2.0","error":{"code":-32099,"message":"Permission error","data":{"reason":"insufficient_scope","missing":{"Bearer":["scope1"]}}},"id":1}
	// {"jsonrpc":"2.0","result":true,"id":1}
	// {"jsonrpc":"2.0","error":{"code":-32099,"message":"Permission error","data":{"reason":"unauthenticated"}},"id":1}
}
