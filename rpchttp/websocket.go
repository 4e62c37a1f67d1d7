package rpchttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
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
// and the connection is closed with 1001 Going Away).
func (h *Handler) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: h.originPatterns})
	if err != nil {
		return // Accept has written the HTTP error (e.g. 403 for a foreign origin)
	}
	c.SetReadLimit(h.maxBytes + 1)

	ctx, shutdown := context.WithCancel(context.WithoutCancel(r.Context()))
	defer shutdown()
	s := &session{shutdown: shutdown}
	h.track(r, s)
	defer h.untrack(s)

	conn := &wsConn{c: c, max: h.maxBytes}
	if h.pingInterval > 0 {
		go keepAlive(ctx, c, h.pingInterval)
	}
	caller := &openrpc.Caller{Transport: "websocket", RemoteAddr: r.RemoteAddr, Header: r.Header, Value: r}
	h.srv.ServeConn(ctx, conn, &openrpc.ConnOptions{Caller: caller})
	c.CloseNow()
}

// keepAlive pings the peer until ctx ends; a peer that does not answer within the interval
// is disconnected.
func keepAlive(ctx context.Context, c *websocket.Conn, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, interval)
			err := c.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				c.Close(websocket.StatusPolicyViolation, "ping timeout")
				return
			}
		}
	}
}

// session is one WebSocket connection being served.
type session struct{ shutdown context.CancelFunc }

// track registers a session with the handler and its shutdown with the http.Server serving
// r, so that the server's Shutdown ends WebSocket sessions gracefully too (http.Server does
// not track hijacked connections).
func (h *Handler) track(r *http.Request, s *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sessions[s] = struct{}{}
	if hs, _ := r.Context().Value(http.ServerContextKey).(*http.Server); hs != nil && !h.hooked[hs] {
		h.hooked[hs] = true
		hs.RegisterOnShutdown(h.shutdownSessions)
	}
}

func (h *Handler) untrack(s *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sessions, s)
}

// shutdownSessions asks every WebSocket session to finish its calls and close.
func (h *Handler) shutdownSessions() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.sessions {
		s.shutdown()
	}
}

// wsConn is a WebSocket as an openrpc.Conn: one JSON-RPC message per WebSocket message.
type wsConn struct {
	c      *websocket.Conn
	max    int64
	tooBig bool
}

var _ openrpc.Conn = (*wsConn)(nil)

var errMessageTooBig = errors.New("websocket message too big")

func (w *wsConn) Recv(ctx context.Context) ([]byte, error) {
	if w.tooBig {
		// The rest of the oversized message is unread: the connection cannot go on.
		w.c.Close(websocket.StatusMessageTooBig, "message too big")
		return nil, errMessageTooBig
	}
	_, r, err := w.c.Reader(ctx)
	if err != nil {
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
