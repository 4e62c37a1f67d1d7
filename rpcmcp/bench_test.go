package rpcmcp_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
	"github.com/openrpc-go/openrpc/rpcmcp"
)

// BenchmarkCall compares one call of the same method, greet {"name": "ada"}, made by an
// agent through rpcmcp (the SDK's client, over its in-memory transport and over streamable
// HTTP on loopback) with the same call over JSON-RPC HTTP (rpchttp's client and handler).
// Client and server run in this process: ns/op and allocs/op cover both ends.
func BenchmarkCall(b *testing.B) {
	srv := newTestServer(b)
	args := map[string]any{"name": "ada"}
	mcpCall := func(b *testing.B, cs *mcp.ClientSession) {
		params := &mcp.CallToolParams{Name: "greet", Arguments: args}
		b.ReportAllocs()
		for b.Loop() {
			res, err := cs.CallTool(context.Background(), params)
			if err != nil || res.IsError {
				b.Fatalf("greet: %v %v", err, res)
			}
		}
	}

	b.Run("mcp-inmemory", func(b *testing.B) {
		mcpCall(b, connect(b, srv, nil))
	})
	b.Run("mcp-streamable-http", func(b *testing.B) {
		h, err := rpcmcp.NewHandler(srv, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		hs := httptest.NewServer(h)
		defer hs.Close()
		cs := connectHTTP(b, hs.URL, "")
		mcpCall(b, cs)
	})
	b.Run("jsonrpc-http", func(b *testing.B) {
		hs := httptest.NewServer(rpchttp.NewHandler(srv, nil))
		defer hs.Close()
		c := rpchttp.NewClient(hs.URL, nil)
		defer c.Close()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := openrpc.Call[Greeting](context.Background(), c, "greet", args); err != nil {
				b.Fatal(err)
			}
		}
	})
}
