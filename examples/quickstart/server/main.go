// Command server is the README's quickstart: one typed method over HTTP and WebSocket at
// /api/v1, its OpenRPC document at /openrpc.json and the documentation page at /.
package main

import (
	"context"
	"log"
	"net/http"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/docsui"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// AddParams are the params of add, published in the document with their descriptions.
type AddParams struct {
	A int `json:"a" doc:"The first addend."`
	B int `json:"b" doc:"The second addend."`
}

func main() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add", Summary: "Add two integers."},
		func(ctx context.Context, p AddParams) (int, error) { return p.A + p.B, nil })

	http.Handle("/api/v1", rpchttp.NewHandler(srv, nil))          // JSON-RPC: POST and WebSocket
	http.Handle("/openrpc.json", rpchttp.NewDocumentHandler(srv)) // the OpenRPC document
	http.Handle("/", docsui.NewHandler(nil))                      // the docs page, with Try it
	log.Print("docs at http://localhost:8080/, JSON-RPC at http://localhost:8080/api/v1")
	log.Fatal(http.ListenAndServe("localhost:8080", nil))
}
