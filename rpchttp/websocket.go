package rpchttp

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
)

// isWebSocketUpgrade reports whether r asks to switch to the WebSocket protocol.
func isWebSocketUpgrade(r *http.Request) bool {
	return r.Method == http.MethodGet &&
		headerHasToken(r.Header, "Connection", "upgrade") &&
		headerHasToken(r.Header, "Upgrade", "websocket")
}

func headerHasToken(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// serveWebSocket serves one WebSocket connection until it ends. It returns when the peer
// closes, the connection fails, or the http.Server shuts down (then calls in flight finish
// and the connection is closed with 1001 Going Away; a session still busy after
// ShutdownGrace is closed at once).
func (h *Handler) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	// ServeHTTP has checked the origin, as for HTTP requests: one policy for both.
	header, cleaned := headerWithSubprotocolToken(r.Header)
	hj := &hijackRecorder{ResponseWriter: w, writeTimeout: h.writeTimeout}
	c, err := websocket.Accept(hj, r, &websocket.AcceptOptions{InsecureSkipVerify: true, Subprotocols: []string{Subprotocol}})
	if err != nil {
		return // Accept has written the HTTP error
	}
	c.SetReadLimit(h.maxBytes + 1)

	ctx, shutdown := context.WithCancel(context.WithoutCancel(r.Context()))
	defer shutdown()
	conn := &wsConn{c: c, nc: hj.conn, srv: h.srv, max: h.maxBytes, readTimeout: h.readTimeout}
	hs, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	s := &session{server: hs, shutdown: shutdown, conn: c}
	h.track(s)
	defer h.untrack(s)

	if h.pingInterval > 0 {
		go keepAlive(ctx, c, &conn.liveness, h.pingInterval, func() {
			c.Close(websocket.StatusPolicyViolation, "ping timeout")
		})
	}
	value := r
	if cleaned {
		// The handshake request as handlers see it carries the cleaned headers too.
		rc := *r
		rc.Header = header
		value = &rc
	}
	caller := &openrpc.Caller{Transport: "websocket", RemoteAddr: r.RemoteAddr, Header: header, Value: value}
	h.srv.ServeConn(ctx, conn, &openrpc.ConnOptions{Caller: caller})
	c.CloseNow()
}

// Subprotocol is the WebSocket subprotocol the handler selects when a client offers it:
// JSON-RPC 2.0 messages, one per WebSocket message. Clients need not offer any.
const Subprotocol = "jsonrpc-2.0"

// BearerSubprotocolPrefix starts a WebSocket subprotocol that carries a bearer token, for
// clients that cannot set headers on the handshake (browsers): a client offers
// [Subprotocol] and BearerSubprotocolPrefix + the token encoded as unpadded base64url, and
// the handler takes the token as if it came in "Authorization: Bearer <token>", so
// openrpc.BearerToken and every bearer scheme work unchanged. The token never appears in
// the caller's headers as a subprotocol. A real Authorization header wins.
const BearerSubprotocolPrefix = "openrpc.bearer."

// headerWithSubprotocolToken returns the handshake's headers as handlers see them: with a
// bearer token offered as a subprotocol moved to Authorization, and whether they differ
// from h.
func headerWithSubprotocolToken(h http.Header) (http.Header, bool) {
	var token string
	var rest []string
	found := false
	for _, v := range h.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(v, ",") {
			p = strings.TrimSpace(p)
			if enc, ok := strings.CutPrefix(p, BearerSubprotocolPrefix); ok {
				found = true
				if b, err := base64.RawURLEncoding.DecodeString(enc); err == nil && token == "" {
					token = string(b)
				}
				continue
			}
			rest = append(rest, p)
		}
	}
	if !found {
		return h, false
	}
	h = h.Clone()
	if token != "" && h.Get("Authorization") == "" {
		h.Set("Authorization", "Bearer "+token)
	}
	h.Del("Sec-WebSocket-Protocol")
	if len(rest) > 0 {
		h.Set("Sec-WebSocket-Protocol", strings.Join(rest, ", "))
	}
	return h, true
}

// hijackRecorder keeps the connection websocket.Accept hijacks, to set read deadlines on it,
// and hands the library a connection whose writes must make progress: each write to the
// network gets writeTimeout from its start (see progressConn).
type hijackRecorder struct {
	http.ResponseWriter
	writeTimeout time.Duration
	conn         net.Conn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return c, brw, err
	}
	if h.writeTimeout > 0 {
		if err := brw.Writer.Flush(); err != nil {
			return c, brw, err
		}
		c = &progressConn{Conn: c, timeout: h.writeTimeout}
		brw = bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(c, brw.Writer.Size()))
	}
	h.conn = c
	return c, brw, err
}

// progressConn is a network connection whose every write must finish within timeout of its
// start: a peer that stops reading is found within timeout, while one that reads steadily,
// however slowly, keeps a large reply going (a deadline for the whole reply would drop a
// 25 MB reply to a peer on a link slower than about 20 Mbit/s).
type progressConn struct {
	net.Conn
	timeout time.Duration
}

// progressChunk is the most written under one deadline: a large frame goes out in pieces,
// each of which must make it within the timeout.
const progressChunk = 64 << 10

func (c *progressConn) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), progressChunk)]
		if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
			return written, err
		}
		n, err := c.Conn.Write(chunk)
		written += n
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

func (h *hijackRecorder) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// session is one WebSocket connection being served.
type session struct {
	server   *http.Server // the http.Server it came through, when known
	shutdown context.CancelFunc
	conn     *websocket.Conn
}

// close asks the session to finish its calls and close, and closes it at once if it is still
// busy after grace (a peer that does not read its replies must not hold the shutdown).
func (s *session) close(grace time.Duration) {
	s.shutdown()
	time.AfterFunc(grace, func() { s.conn.CloseNow() })
}

// track registers a session with the handler, and the handler with the http.Server serving
// it, so that the server's Shutdown ends WebSocket sessions gracefully too (http.Server does
// not track hijacked connections). A session that arrives while its server shuts down is
// closed straight away.
func (h *Handler) track(s *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sessions[s] = struct{}{}
	if s.server == nil {
		return
	}
	state, ok := h.servers[s.server]
	if !ok {
		state = &serverState{}
		h.servers[s.server] = state
		hs := s.server
		hs.RegisterOnShutdown(func() { h.shutdownSessions(hs) })
	}
	if state.shuttingDown {
		s.close(h.shutdownGrace)
	}
}

// serverState is what the handler knows of an http.Server it serves through.
type serverState struct{ shuttingDown bool }

func (h *Handler) untrack(s *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sessions, s)
}

// shutdownSessions asks every WebSocket session of hs to finish its calls and close.
func (h *Handler) shutdownSessions(hs *http.Server) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.servers[hs].shuttingDown = true
	for s := range h.sessions {
		if s.server == hs {
			s.close(h.shutdownGrace)
		}
	}
}

// wsConn is a WebSocket as an openrpc.Conn: one JSON-RPC message per WebSocket message.
type wsConn struct {
	c           *websocket.Conn
	nc          net.Conn // the connection under c
	srv         *openrpc.Server
	max         int64
	readTimeout time.Duration
	tooBig      bool
	liveness
}

var (
	_ openrpc.Conn            = (*wsConn)(nil)
	_ openrpc.MessageReleaser = (*wsConn)(nil)
)

var (
	errMessageTooBig = errors.New("websocket message too big")
	errReadTimeout   = errors.New("websocket message not received in time")
	errInvalidUTF8   = errors.New("websocket text message is not valid UTF-8")
)

// Recv reads the next message. Its bytes are reserved on the server's request memory as
// they arrive, and released by ReleaseMessage; past the server's bound the rest of the
// message is read and dropped, and Recv reports openrpc.ErrOverloaded. Once its first frame
// has come, the whole message must arrive within the read timeout, else the connection is
// closed with 1008 Policy Violation.
func (w *wsConn) Recv(ctx context.Context) ([]byte, error) {
	if w.tooBig {
		// The rest of the oversized message is unread: the connection cannot go on.
		w.c.Close(websocket.StatusMessageTooBig, "message too big")
		return nil, errMessageTooBig
	}
	w.startRead()
	typ, r, err := w.c.Reader(ctx)
	w.endRead()
	if err != nil {
		if errors.Is(err, io.EOF) {
			// The peer vanished without a close frame: on a WebSocket that is a lost
			// connection (its calls are canceled), not the end of its requests.
			return nil, fmt.Errorf("websocket connection lost: %v", err)
		}
		return nil, err
	}
	if w.readTimeout > 0 && w.nc != nil {
		w.nc.SetReadDeadline(time.Now().Add(w.readTimeout))
		defer w.nc.SetReadDeadline(time.Time{})
	}
	msg, err := readReserved(w.srv, r, w.max)
	if errors.Is(err, openrpc.ErrOverloaded) {
		// Drop the rest of the message without holding it (the read limit still holds).
		if _, err = io.Copy(io.Discard, r); err == nil {
			err = fmt.Errorf("%w: a message was skipped", openrpc.ErrOverloaded)
		}
	}
	switch {
	case errors.Is(err, openrpc.ErrOverloaded):
		return nil, err
	case errors.Is(err, openrpc.ErrTooLarge):
		w.tooBig = true
		return nil, err
	case err != nil:
		if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
			w.c.Close(websocket.StatusPolicyViolation, "message read timeout")
			return nil, fmt.Errorf("%w: %v", errReadTimeout, err)
		}
		return nil, err
	}
	if typ == websocket.MessageText && !utf8.Valid(msg) {
		w.ReleaseMessage(msg)
		w.c.Close(websocket.StatusInvalidFramePayloadData, "text message is not valid UTF-8")
		return nil, errInvalidUTF8
	}
	return msg, nil
}

// ReleaseMessage gives back the reserved bytes of a message Recv returned.
func (w *wsConn) ReleaseMessage(msg []byte) { w.srv.Release(int64(len(msg))) }

// Send writes msg; a peer that does not take it within the write timeout is disconnected.
// Send writes one message. Its writes to the network must make progress within
// writeTimeout each (progressConn); a peer that stops reading is dropped then.
func (w *wsConn) Send(ctx context.Context, msg []byte) error {
	return w.c.Write(ctx, websocket.MessageText, msg)
}

func (w *wsConn) Close() error {
	return w.c.Close(websocket.StatusGoingAway, "server shutting down")
}
