package docsui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/openrpc-go/openrpc/docsui"
)

// A document read from a file (here inline) is served beside the page, which sends calls to
// the endpoint given.
func ExampleNewHandler_document() {
	doc := []byte(`{"openrpc": "1.3.2", "info": {"title": "Math", "version": "1"},
		"methods": [{"name": "add", "params": [], "result": {"name": "sum", "schema": {"type": "integer"}}}]}`)
	mux := http.NewServeMux()
	mux.Handle("/docs/", http.StripPrefix("/docs", docsui.NewHandler(&docsui.Options{
		Document: doc,
		Endpoint: "https://math.example.com/rpc",
	})))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	res, err := http.Get(srv.URL + "/docs/openrpc.json")
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	fmt.Println(res.Header.Get("Content-Type"), len(b) == len(doc))
	// Output: application/json true
}
