// Package rpchttp serves an [openrpc.Server] over HTTP.
//
// [NewHandler] answers JSON-RPC messages POSTed to it: the reply is the body of a 200
// response with Content-Type application/json, or an empty 204 when there is nothing to
// answer (notifications). A body over the server's request size limit is refused with 413
// and a JSON-RPC error, after reading at most the limit.
//
// Accepted request content types: application/json, application/json-rpc,
// application/jsonrequest, and application/x-www-form-urlencoded (what curl -d sends);
// a missing Content-Type is accepted too. Others get 415.
package rpchttp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/wire"
)

// HandlerOptions configures the handler. The zero value (or nil) gives the defaults.
type HandlerOptions struct {
	// MaxRequestBytes caps request bodies; default the server's
	// [openrpc.Limits.MaxRequestBytes].
	MaxRequestBytes int64
}

// Handler is an http.Handler serving JSON-RPC over HTTP POST.
type Handler struct {
	srv      *openrpc.Server
	maxBytes int64
}

var _ http.Handler = (*Handler)(nil)

// NewHandler returns a handler serving srv.
func NewHandler(srv *openrpc.Server, opts *HandlerOptions) *Handler {
	h := &Handler{srv: srv, maxBytes: srv.Limits().MaxRequestBytes}
	if opts != nil && opts.MaxRequestBytes > 0 {
		h.maxBytes = opts.MaxRequestBytes
	}
	return h
}

var acceptedTypes = map[string]bool{
	"application/json":                  true,
	"application/json-rpc":              true,
	"application/jsonrequest":           true,
	"application/x-www-form-urlencoded": true,
}

// ServeHTTP answers one JSON-RPC message.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "JSON-RPC requests must be POSTed", http.StatusMethodNotAllowed)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !acceptedTypes[mt] {
			http.Error(w, fmt.Sprintf("unsupported content type %q: send application/json", ct), http.StatusUnsupportedMediaType)
			return
		}
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	if err := readBody(buf, r, h.maxBytes); err != nil {
		if errors.Is(err, errTooLarge) {
			writeJSON(w, http.StatusRequestEntityTooLarge, wire.AppendError(nil, nil, int64(openrpc.CodeTooLarge),
				openrpc.CodeTooLarge.String(), fmt.Appendf(nil, `{"error":"the message exceeds the limit of %d bytes"}`, h.maxBytes)))
			return
		}
		http.Error(w, "reading request body failed", http.StatusBadRequest)
		return
	}
	caller := &openrpc.Caller{Transport: "http", RemoteAddr: r.RemoteAddr, Header: r.Header, Value: r}
	reply := h.srv.Process(openrpc.WithCaller(r.Context(), caller), buf.Bytes())
	if reply == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

var errTooLarge = errors.New("request body too large")

// readBody reads the body into buf, refusing more than max bytes without reading past them.
func readBody(buf *bytes.Buffer, r *http.Request, max int64) error {
	if r.ContentLength > max {
		return errTooLarge
	}
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(r.Body, max+1))
	if err != nil {
		return err
	}
	if n > max {
		return errTooLarge
	}
	return nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled keeps buffers of huge requests out of the pool.
const maxPooled = 64 << 10

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooled {
		return
	}
	b.Reset()
	bufPool.Put(b)
}
