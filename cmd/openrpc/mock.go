package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"strings"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/mock"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/source"
	"github.com/openrpc-go/openrpc/docsui"
	"github.com/openrpc-go/openrpc/rpchttp"
)

var mockCmd = &command{
	name:    "mock",
	usage:   "DOC [--addr HOST:PORT]",
	summary: "serve a mock of any document: every method answers from its examples or schemas",
	help: `
DOC is a file, - for standard input, the URL of a document, or a live service's URL
(http, https, ws, wss), whose rpc.discover is called.

The mock serves JSON-RPC 2.0 over HTTP POST and WebSocket at every path of --addr, so a
client configured with any endpoint path reaches it; a browser gets the documentation
page at /, whose Try it calls the mock, and the document at /openrpc.json. Each method
answers:

  - with the result of the document's example pairing whose params are those of the call
    (by name or by position);
  - otherwise with a value generated to satisfy the method's result schema (type, enum,
    const, format, pattern, bounds, lengths, required properties, allOf/oneOf/anyOf,
    recursive $refs), the same for every call;
  - a method without a result is a notification: accepted, never answered;
  - a subscription (x-subscription) answers over WebSocket with an id, then sends an
    event generated from its event schema every second until it is unsubscribed.

Params are checked against the document's own schemas first: a call that does not fit
gets -32602 Invalid params, its data listing each problem with a JSON Pointer to it:
{"errors":[{"path":"/limit","message":"..."}]}. rpc.discover returns the document as
given. What the mock cannot do as the document says is printed on standard error.

It listens on the loopback interface only unless --addr says otherwise; stop it with
Ctrl-C.

Examples:

  openrpc mock petstore-openrpc.json
  openrpc mock api.json --addr 127.0.0.1:0
  openrpc mock https://example.com/openrpc.json --addr :8089

  curl -s -d '{"jsonrpc":"2.0","id":1,"method":"list_pets","params":[2]}' http://127.0.0.1:8089/
  openrpc docs http://127.0.0.1:8089/
`,
}

func init() {
	var (
		addr    string
		headers headerFlag
	)
	mockCmd.flags = func(fs *flag.FlagSet) {
		headers = nil // a run starts from the defaults, also in tests that run several
		fs.StringVar(&addr, "addr", "127.0.0.1:8089", "the address to listen on (`HOST:PORT`; port 0 picks a free one)")
		fs.Var(&headers, "header", "a header for reading the document from a service, `Name: value` (repeatable)")
	}
	mockCmd.run = func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
		switch {
		case len(args) == 0:
			return usagef("no document: give a file or a URL, as in \"openrpc mock openrpc.json\"")
		case len(args) > 1:
			return usagef("unexpected arguments %q: give one document", args[1:])
		}
		raw, err := source.Load(ctx, args[0], &source.Options{Header: http.Header(headers), Stdin: e.stdin})
		if err != nil {
			return err
		}
		mk, err := mock.New(raw, nil)
		if err != nil {
			return fmt.Errorf("%s: %w; check it with \"openrpc validate %s\"", args[0], err, args[0])
		}
		for _, n := range mk.Notes {
			fmt.Fprintf(e.stderr, "note: %s\n", n)
		}
		rpc := rpchttp.NewHandler(mk.Server, nil)
		var page http.Handler
		if checkDocument(raw) == nil {
			page = docsui.NewHandler(&docsui.Options{Document: raw, Endpoint: "/"})
		}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			read := (r.Method == http.MethodGet || r.Method == http.MethodHead) && !isUpgrade(r)
			if page != nil && read && (r.URL.Path == "/" || r.URL.Path == "/openrpc.json" || strings.HasPrefix(r.URL.Path, "/assets/")) {
				page.ServeHTTP(w, r) // the documentation page, the document and the page's assets
				return
			}
			rpc.ServeHTTP(w, r)
		})
		title := mk.Doc.Info.Title
		if title == "" {
			title = args[0]
		}
		return serveHTTP(ctx, e, addr, func(base string) (http.Handler, string, error) {
			return h, fmt.Sprintf("mocking %s (%d methods) at %s (JSON-RPC over HTTP POST and WebSocket; open it in a browser for the documentation page)",
				title, len(mk.Doc.Methods), base), nil
		})
	}
}
