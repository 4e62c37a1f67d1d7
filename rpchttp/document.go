package rpchttp

import (
	"net/http"
	"strconv"

	"github.com/openrpc-go/openrpc"
)

// NewDocumentHandler returns a handler that serves the server's OpenRPC document, as
// rpc.discover returns it, on GET and HEAD: mount it at /openrpc.json. The document is built
// once and served from cached bytes.
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
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			w.Write(doc)
		}
	})
}
