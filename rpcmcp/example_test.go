package rpcmcp_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
	"github.com/openrpc-go/openrpc/rpcmcp"
)

func ExampleNewServer() {
	type AddParams struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add", Summary: "Add two numbers."},
		func(ctx context.Context, p AddParams) (int, error) { return p.A + p.B, nil })

	ms, err := rpcmcp.NewServer(srv, nil)
	if err != nil {
		log.Fatal(err)
	}
	// An agent, here the SDK's client over its in-memory transport.
	ctx := context.Background()
	clientEnd, serverEnd := mcp.NewInMemoryTransports()
	if _, err := ms.Connect(ctx, serverEnd, nil); err != nil {
		log.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "agent", Version: "1"}, nil).Connect(ctx, clientEnd, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer cs.Close()

	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tools.Tools[0].Name+":", tools.Tools[0].Title)
	for _, args := range []map[string]any{{"a": 2, "b": 3}, {"a": 2}} {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "add", Arguments: args})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.IsError, res.Content[0].(*mcp.TextContent).Text)
	}
	// Output:
	// add: Add two numbers.
	// false 5
	// true {"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/b","message":"required param is missing"}]}}
}

func ExampleNewHandler() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	mcpHandler, err := rpcmcp.NewHandler(srv, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1", rpchttp.NewHandler(srv, nil)) // JSON-RPC
	mux.Handle("/mcp", mcpHandler)                      // MCP, streamable HTTP: the same methods as tools
	log.Fatal(http.ListenAndServe(":8080", mux))
}

func ExampleServeStdio() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	// In the command an agent starts (the "command" of its MCP configuration): serve until
	// the agent closes standard input.
	if err := rpcmcp.ServeStdio(context.Background(), srv, nil); err != nil {
		log.Fatal(err)
	}
}
