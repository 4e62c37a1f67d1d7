package rpcmcp_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcmcp"
)

// TestNewServer_hideForbiddenPanic lists the public tools only when the authorizer of
// HideForbidden panics, as a call with that authorizer is refused: the panic took the whole
// process down.
func TestNewServer_hideForbiddenPanic(t *testing.T) {
	cs := connect(t, newTestServer(t), &rpcmcp.Options{HideForbidden: func(ctx context.Context) (openrpc.Grants, error) {
		panic("authorizer bug")
	}})
	list, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(list.Tools, func(tool *mcp.Tool) bool { return tool.Name == "whoami" }) {
		t.Errorf("whoami listed though the authorizer granted nothing")
	}
	if !slices.ContainsFunc(list.Tools, func(tool *mcp.Tool) bool { return tool.Name == "greet" }) {
		t.Errorf("greet, public, not listed")
	}
}

// TestNewServer_authorizerPanicOnCall checks the behaviour hideForbidden follows: the
// server's authorizer panicking during a call fails the call, not the process.
func TestNewServer_authorizerPanicOnCall(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, &openrpc.ServerOptions{
		Logger:          slog.New(slog.DiscardHandler),
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}},
		Authorize: func(ctx context.Context) (openrpc.Grants, error) {
			panic("authorizer bug")
		},
	})
	openrpc.Register(srv, openrpc.Method{Name: "secret", Security: openrpc.Require("Bearer")},
		func(ctx context.Context, p struct{}) (int, error) { return 1, nil })
	cs := connect(t, srv, nil)
	if e := toolError(t, callTool(t, cs, "secret", nil)); e.Code != openrpc.CodeInternalError {
		t.Errorf("code %d (%s), want %d", e.Code, e.Message, openrpc.CodeInternalError)
	}
}
