// Package rpchttp serves an [openrpc.Server] over HTTP and WebSocket, and calls servers over
// both.
//
// [NewHandler] answers JSON-RPC messages POSTed to it: the reply is the body of a 200
// response with Content-Type application/json, or an empty 204 when there is nothing to
// answer (notifications). A body over the server's request size limit is refused with 413
// and a JSON-RPC error, after reading at most the limit. Bodies count against the server's
// memory bound ([openrpc.Limits.MaxTotalRequestBytes]), reserved before reading when the
// Content-Length is known and as they arrive otherwise: past it the request is refused at
// once with 503, Retry-After and a -32004 error.
//
// The same handler serves WebSocket upgrade requests: each WebSocket message is one
// JSON-RPC message (a request or a batch), answered in a message of its own. A
// connection's messages are processed concurrently, up to the server's MaxInFlight; the
// handshake headers and remote address are the [openrpc.Caller] details; a message over the
// size limit is answered with -32003 and the connection closed with 1009; a message past the
// server's memory bound is read without being kept and answered with -32004; a text message
// that is not UTF-8 closes the connection with 1007; a message must arrive within
// [HandlerOptions.MessageReadTimeout] of its first frame (else 1008) and each reply be taken
// by the peer within [HandlerOptions.MessageWriteTimeout] (else the peer is dropped), and
// either way the peer's calls are canceled; idle peers are pinged; only same-origin pages may
// connect unless [HandlerOptions.OriginPatterns] says otherwise. A browser, which cannot set
// headers on the handshake, sends a bearer token as a subprotocol ([BearerSubprotocolPrefix]);
// subscriptions and calls back to the client work over WebSocket (see
// openrpc.RegisterSubscription and openrpc.Peer).
// [Serve] shuts down gracefully: calls in flight finish, WebSockets get a close frame.
//
// [NewClient] and [DialWebSocket] return an [openrpc.Client] over HTTP and WebSocket. The
// WebSocket client pings the server ([ClientOptions.PingInterval]); with
// [ClientOptions.Reconnect] it dials again when the connection is lost and restores its
// subscriptions ([openrpc.NewReconnectingClient]).
//
// Accepted request content types: application/json, application/json-rpc,
// application/jsonrequest, and application/x-www-form-urlencoded (what curl -d sends);
// a missing Content-Type is accepted too. Others get 415, and so do bodies the server
// cannot read as UTF-8 JSON: a charset other than utf-8, or a Content-Encoding other than
// identity (gzip, say).
//
// # Browsers and other origins
//
// A browser lets any page POST a form-encoded or untyped body to any server without asking
// the server first, and JSON-RPC reads such a body as a call: unchecked, any web site
// could make its visitors' browsers call the server, with their cookies and from inside
// their network. So the handler refuses cross-origin browser requests with 403 Forbidden
// before it reads the body, judging them as [net/http.CrossOriginProtection] does: a
// Sec-Fetch-Site header (sent by current browsers) of same-origin or none passes; without
// one, an Origin header naming the request's Host passes; a request with neither header
// passes, since it does not come from a browser page (curl, Go programs, server-to-server
// calls). WebSocket handshakes are judged the same way, against the same list, so HTTP
// and WebSocket agree on every page.
//
// [HandlerOptions.OriginPatterns] lists the other origins whose pages may call, such as
// "https://app.example.com". Their requests pass; their CORS preflights (OPTIONS) are
// answered with 204, Access-Control-Allow-Origin echoing the origin,
// Access-Control-Allow-Methods POST, Access-Control-Allow-Headers Authorization,
// Content-Type and [HandlerOptions.CORSAllowHeaders], Access-Control-Max-Age and Vary:
// Origin; their replies carry Access-Control-Allow-Origin. Calls that carry cookies (fetch
// with credentials: "include") fail in the browser unless
// [HandlerOptions.CORSAllowCredentials] is set: a page on another origin is expected to
// send a bearer token in Authorization instead. Pages on any other origin get 403 and no
// CORS headers, preflights included.
//
// Same-site is not same-origin: a page on www.example.com calling api.example.com, or on
// another port of the same host, needs an entry. Chromium sends no Sec-Fetch-Site with a
// WebSocket handshake, so there the Origin is compared with the Host: behind a proxy that
// rewrites Host, list the public origin.
//
// Origin checks cannot stop DNS rebinding: a page on http://evil.example:8080 whose name
// the attacker makes resolve to 127.0.0.1 is same-origin, to the browser, with a server
// listening there, and its calls carry Host: evil.example:8080. So a request that reaches
// the handler on a loopback address must name an IP address, "localhost" or a name under
// it ("app.localhost") as its Host, or one of [HandlerOptions.AllowedHosts]; any other is
// refused with 403 before anything else, a call with a JSON-RPC error (-32099) saying
// what to do, a WebSocket handshake with plain text. Requests on other addresses are not
// checked.
//
// [NewDocumentHandler] serves the document to pages on any origin
// (Access-Control-Allow-Origin: *): it is public and the same for everyone.
package rpchttp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/hostcheck"
	"github.com/openrpc-go/openrpc/internal/wire"
)

// HandlerOptions configures the handler. The zero value (or nil) gives the defaults.
type HandlerOptions struct {
	// MaxRequestBytes caps request bodies and WebSocket messages; default the server's
	// [openrpc.Limits.MaxRequestBytes].
	MaxRequestBytes int64
	// OriginPatterns are the origins, besides the server's own, whose browser pages may
	// call the handler, over HTTP and WebSocket alike; pages on them get CORS answers. An
	// entry with a scheme is matched against the page's scheme://host[:port], as in
	// "https://app.example.com" or "https://*.example.com"; one without is matched against
	// its host[:port] whatever the scheme, as in "example.com" or "*.example.com". Matching
	// is case-insensitive, with path.Match wildcards, and the port is part of the host:
	// "http://localhost:3000" allows that port only. Prefer entries with a scheme: a host
	// pattern trusts the plain-http pages of that host too; "*" trusts every page on the
	// web, for a public API that relies on neither cookies nor the network position of its
	// callers. An opaque origin ("null") matches no entry. By default only same-origin
	// pages may call; programs that send neither Origin nor Sec-Fetch-Site (curl, Go
	// clients) always may. NewHandler panics on a malformed entry.
	OriginPatterns []string
	// CORSAllowHeaders are request headers, besides Authorization and Content-Type, that
	// pages on the OriginPatterns origins may send (Access-Control-Allow-Headers).
	CORSAllowHeaders []string
	// CORSAllowCredentials makes browsers let pages on the OriginPatterns origins make calls
	// that carry cookies (fetch with credentials: "include") and read their replies
	// (Access-Control-Allow-Credentials: true). Off by default: cross-origin pages
	// authenticate with an Authorization header.
	CORSAllowCredentials bool
	// CORSMaxAge is how long browsers may cache a preflight answer (Access-Control-Max-Age),
	// default 10 minutes; negative sends none (browsers then ask again within seconds).
	CORSMaxAge time.Duration
	// AllowedHosts are the names, besides IP addresses, "localhost" and names under it
	// ("app.localhost"), that a request reaching the handler on a loopback address
	// (127.0.0.1, ::1) may give as its Host; such a request naming another host is refused
	// with 403, HTTP calls and WebSocket handshakes alike. That request is what a DNS
	// rebinding attack sends: a page on http://evil.example:8080 whose name is made to
	// resolve to 127.0.0.1, which the browser takes as same-origin with this server. List
	// the names a local reverse proxy that keeps the Host, or an /etc/hosts entry, gives
	// the server, as in "app.internal" or "*.dev.example.com". An entry without a port
	// matches the host on any port, one with a port ("app.internal:8080") on that port
	// only; matching is case-insensitive, ignores a trailing dot and takes path.Match
	// wildcards ("*.example.com" matches a.example.com and a.b.example.com, not
	// example.com). The entry "*" turns the check off. Requests arriving on other
	// addresses (a server on a LAN or public address) and those whose local address is
	// unknown (the handler called without net/http's server, as with
	// httptest.NewRecorder) are not checked. NewHandler panics on a malformed entry, such
	// as a URL.
	AllowedHosts []string
	// PingInterval is how often WebSocket peers are pinged; one that does not answer within
	// the interval is disconnected. Default 30s; negative disables pings.
	PingInterval time.Duration
	// DisableWebSocket refuses WebSocket upgrades.
	DisableWebSocket bool
	// ShutdownGrace is how long a WebSocket session may take to finish its calls when the
	// http.Server shuts down before it is closed at once, default 30s.
	ShutdownGrace time.Duration
	// MessageReadTimeout is how long a WebSocket message may take to arrive once its first
	// frame has: a peer that starts a message and stalls is disconnected then (close code
	// 1008) and its calls are canceled. Default 30s, enough for a message of the default
	// 5 MiB size limit at 1.5 Mbit/s; negative disables it. Idle peers are not concerned:
	// pings watch them.
	MessageReadTimeout time.Duration
	// MessageWriteTimeout is how long a write to a WebSocket peer may go without progress:
	// each piece of a reply handed to the network (at most 64 KiB) must be taken within it,
	// so a peer that does not read its replies is disconnected then and its calls are
	// canceled (it holds neither memory nor a graceful shutdown), while one that reads
	// steadily, however slowly, gets even a large reply. Default 10s, a third of
	// ShutdownGrace; negative disables it.
	MessageWriteTimeout time.Duration
}

// Handler is an http.Handler serving JSON-RPC over HTTP POST, and over WebSocket for
// upgrade requests on the same path.
type Handler struct {
	srv            *openrpc.Server
	maxBytes       int64
	trustedOrigins *originPolicy
	hosts          *hostcheck.Policy
	pingInterval   time.Duration
	noWebSocket    bool
	shutdownGrace  time.Duration
	readTimeout    time.Duration
	writeTimeout   time.Duration

	mu       sync.Mutex
	sessions map[*session]struct{}
	servers  map[*http.Server]*serverState
}

var _ http.Handler = (*Handler)(nil)

// NewHandler returns a handler serving srv.
func NewHandler(srv *openrpc.Server, opts *HandlerOptions) *Handler {
	h := &Handler{
		srv:           srv,
		maxBytes:      srv.Limits().MaxRequestBytes,
		pingInterval:  30 * time.Second,
		shutdownGrace: 30 * time.Second,
		readTimeout:   30 * time.Second,
		writeTimeout:  10 * time.Second,
		sessions:      map[*session]struct{}{},
		servers:       map[*http.Server]*serverState{},
	}
	h.trustedOrigins = newOriginPolicy(opts)
	h.hosts = newHostPolicy(opts)
	if opts != nil {
		if opts.MaxRequestBytes > 0 {
			h.maxBytes = opts.MaxRequestBytes
		}
		if opts.PingInterval != 0 {
			h.pingInterval = opts.PingInterval
		}
		if opts.ShutdownGrace > 0 {
			h.shutdownGrace = opts.ShutdownGrace
		}
		if opts.MessageReadTimeout != 0 {
			h.readTimeout = opts.MessageReadTimeout
		}
		if opts.MessageWriteTimeout != 0 {
			h.writeTimeout = opts.MessageWriteTimeout
		}
		h.noWebSocket = opts.DisableWebSocket
	}
	return h
}

// ServeHTTP answers one JSON-RPC message, or serves a WebSocket connection.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.hosts.Allows(r) {
		refuseHost(w, r)
		return
	}
	if isPreflight(r) {
		h.trustedOrigins.preflight(w, r)
		return
	}
	if !h.trustedOrigins.allows(r) {
		refuse(w, r)
		return
	}
	if !h.noWebSocket && isWebSocketUpgrade(r) {
		h.serveWebSocket(w, r)
		return
	}
	h.trustedOrigins.allowOrigin(w.Header(), r)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "JSON-RPC requests must be POSTed", http.StatusMethodNotAllowed)
		return
	}
	if reason := checkContent(r); reason != "" {
		unsupportedContent(w, reason)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	body, err := h.readBody(buf, r)
	switch {
	case errors.Is(err, openrpc.ErrTooLarge):
		writeJSON(w, http.StatusRequestEntityTooLarge, wire.AppendError(nil, nil, int64(openrpc.CodeTooLarge),
			openrpc.CodeTooLarge.String(), fmt.Appendf(nil, `{"error":"the message exceeds the limit of %d bytes"}`, h.maxBytes)))
		return
	case errors.Is(err, openrpc.ErrOverloaded):
		w.Header().Set("Retry-After", "1")
		if r.ProtoMajor < 2 {
			// The rest of the body stays unread. (HTTP/2 resets just this stream; there
			// "Connection: close" would end the connection for every call on it.)
			w.Header().Set("Connection", "close")
		}
		writeJSON(w, http.StatusServiceUnavailable, h.srv.OverloadedResponse())
		return
	case err != nil:
		http.Error(w, "reading request body failed", http.StatusBadRequest)
		return
	}
	release := sync.OnceFunc(func() { h.srv.Release(int64(len(body))) })
	defer release() // also when Process panics (an observer's bug): the bytes must come back
	caller := &openrpc.Caller{Transport: "http", RemoteAddr: r.RemoteAddr, Header: r.Header, Value: r}
	reply := h.srv.Process(openrpc.WithCaller(r.Context(), caller), body)
	release() // the request is answered: its bytes are no longer needed
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

// smallBody is the largest body reserved and read in one piece: a Content-Length up to it
// is reserved before its bytes arrive, so a peer that announces a body and sends nothing
// holds at most this much of the server's request memory. Larger bodies are reserved as
// they arrive (readReserved).
const smallBody = 64 << 10

// readBody reads the body, refusing more than the size limit without reading past it, and
// returns it with its bytes reserved on the server's request memory: a small body with a
// Content-Length all at once (into buf), any other as its bytes arrive (see readReserved).
// Over the server's bound it stops reading and returns openrpc.ErrOverloaded. After an
// error it holds nothing.
func (h *Handler) readBody(buf *bytes.Buffer, r *http.Request) ([]byte, error) {
	switch {
	case r.ContentLength > h.maxBytes:
		return nil, fmt.Errorf("%w: over %d bytes", openrpc.ErrTooLarge, h.maxBytes)
	case r.ContentLength < 0 || r.ContentLength > smallBody:
		return readReserved(h.srv, r.Body, h.maxBytes)
	case !h.srv.Reserve(r.ContentLength):
		return nil, openrpc.ErrOverloaded
	}
	// net/http ends the body at its Content-Length.
	buf.Grow(int(r.ContentLength))
	b := buf.AvailableBuffer()[:r.ContentLength]
	if _, err := io.ReadFull(r.Body, b); err != nil {
		h.srv.Release(r.ContentLength)
		return nil, err
	}
	return b, nil
}

// maxStep is the most readReserved reserves ahead of the bytes that have arrived.
const maxStep = 256 << 10

// readReserved reads r up to max bytes, reserving its bytes on srv's request memory as they
// come: the buffer is allocated with exactly the capacity reserved, which grows only when
// it is full, doubling from 512 bytes but by at most maxStep (smaller steps near the bound),
// so a peer that stops sending holds little more than what it sent. It returns the message
// with exactly len(msg) bytes reserved, copied to a buffer of its size when the spare
// capacity would be large; seeing the end of r takes one byte more. Past max it returns an
// error wrapping openrpc.ErrTooLarge, having read one byte more; when srv's bound is
// reached, one wrapping openrpc.ErrOverloaded, the rest of r unread. After an error it holds
// nothing.
func readReserved(srv *openrpc.Server, r io.Reader, max int64) ([]byte, error) {
	limit := max + 1
	var (
		buf  []byte
		held int64
	)
	for {
		if int64(len(buf)) == held {
			n := min(held+512, maxStep, limit-held)
			if n == 0 {
				srv.Release(held)
				return nil, fmt.Errorf("%w: over %d bytes", openrpc.ErrTooLarge, max)
			}
			for n > 0 && !srv.Reserve(n) {
				n /= 2
			}
			if n == 0 {
				srv.Release(held)
				return nil, openrpc.ErrOverloaded
			}
			held += n
			grown := make([]byte, len(buf), held)
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):held])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			if int64(len(buf)) > max { // the last read may bring the byte past the limit with EOF
				srv.Release(held)
				return nil, fmt.Errorf("%w: over %d bytes", openrpc.ErrTooLarge, max)
			}
			srv.Release(held - int64(len(buf)))
			if spare := cap(buf) - len(buf); spare > 4<<10 && spare > len(buf)/8 {
				buf = slices.Clone(buf) // the spare capacity is memory nobody reserved
			}
			return buf, nil
		}
		if err != nil {
			srv.Release(held)
			return nil, err
		}
	}
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
