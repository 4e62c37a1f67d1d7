package rpchttp

import (
	"net/http"
	"strconv"

	"github.com/openrpc-go/openrpc"
)

// NewDocumentHandler returns a handler that serves the server's OpenRPC document, as
// rpc.discover returns it, on GET and HEAD: mount it at /openrpc.json. The document is built
// once and served from cached bytes.
//
// The document is readable from pages on any origin (Access-Control-Allow-Origin: *), so
// that tools such as the OpenRPC playground can load it: it is public, read-only, the same
// for every caller, and what any program that can reach the server reads with a plain GET.
// A server that must keep its document from pages on other sites (on an intranet, say)
// wraps the handler or does not mount it.
func NewDocumentHandler(srv *openrpc.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the OpenRPC document is read with GET", http.StatusMethodNotAllowed)
			return
		}
		doc, err := srv.DocumentJSON()
		if err != nil {
			http.Error(w, "the OpenRPC document could not be built", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(doc)))
		h.Set("Cache-Control", "no-cache")
		h.Set("Access-Control-Allow-Origin", "*")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			w.Write(doc)
		}
	})
}
