package rpchttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

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
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept has written the HTTP error
	}
	c.SetReadLimit(h.maxBytes + 1)

	ctx, shutdown := context.WithCancel(context.WithoutCancel(r.Context()))
	defer shutdown()
	conn := &wsConn{c: c, max: h.maxBytes}
	hs, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	s := &session{server: hs, shutdown: shutdown, conn: c}
	h.track(s)
	defer h.untrack(s)

	if h.pingInterval > 0 {
		go keepAlive(ctx, conn, h.pingInterval)
	}
	caller := &openrpc.Caller{Transport: "websocket", RemoteAddr: r.RemoteAddr, Header: r.Header, Value: r}
	h.srv.ServeConn(ctx, conn, &openrpc.ConnOptions{Caller: caller})
	c.CloseNow()
}

// keepAlive pings the peer until ctx ends; a peer that does not answer within the interval
// is disconnected. A pong is only read while the server reads the connection, so a ping is
// sent, and its loss held against the peer, only while the server is waiting for a message
// all along (not while it holds back because the connection's calls fill MaxInFlight).
func keepAlive(ctx context.Context, w *wsConn, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if !w.reading.Load() {
				continue
			}
			epoch := w.received.Load()
			pctx, cancel := context.WithTimeout(ctx, interval)
			err := w.c.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil && w.reading.Load() && w.received.Load() == epoch {
				w.c.Close(websocket.StatusPolicyViolation, "ping timeout")
				return
			}
		}
	}
}

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
	c      *websocket.Conn
	max    int64
	tooBig bool

	reading  atomic.Bool  // inside Recv, waiting for a message
	received atomic.Int64 // messages received, to tell whether reading stopped meanwhile
}

var _ openrpc.Conn = (*wsConn)(nil)

var errMessageTooBig = errors.New("websocket message too big")

func (w *wsConn) Recv(ctx context.Context) ([]byte, error) {
	if w.tooBig {
		// The rest of the oversized message is unread: the connection cannot go on.
		w.c.Close(websocket.StatusMessageTooBig, "message too big")
		return nil, errMessageTooBig
	}
	w.reading.Store(true)
	_, r, err := w.c.Reader(ctx)
	w.reading.Store(false)
	w.received.Add(1)
	if err != nil {
		if errors.Is(err, io.EOF) {
			// The peer vanished without a close frame: on a WebSocket that is a lost
			// connection (its calls are canceled), not the end of its requests.
			return nil, fmt.Errorf("websocket connection lost: %v", err)
		}
		return nil, err
	}
	msg, err := io.ReadAll(io.LimitReader(r, w.max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(msg)) > w.max {
		w.tooBig = true
		return nil, fmt.Errorf("%w: over %d bytes", openrpc.ErrTooLarge, w.max)
	}
	return msg, nil
}

func (w *wsConn) Send(ctx context.Context, msg []byte) error {
	return w.c.Write(ctx, websocket.MessageText, msg)
}

func (w *wsConn) Close() error {
	return w.c.Close(websocket.StatusGoingAway, "server shutting down")
}
