package rpchttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/hostcheck"
)

// ClientOptions configures [NewClient] and [DialWebSocket]. The zero value (or nil) gives
// the defaults.
type ClientOptions struct {
	// HTTPClient sends the requests (and the WebSocket handshake); default a client without
	// a timeout (bound calls with their context) that follows redirects only to the same
	// host, so that Header and BearerToken go nowhere else.
	HTTPClient *http.Client
	// Header is sent with every request, and with the WebSocket handshake.
	Header http.Header
	// BearerToken, when set, is sent as "Authorization: Bearer <token>".
	BearerToken string
	// MaxResponseBytes caps a response (or WebSocket message), default 64 MiB.
	MaxResponseBytes int64

	// PingInterval is how often the WebSocket client pings the server; a server that does
	// not answer within the interval, while nothing else arrives, is taken for gone (at
	// most two intervals after it fell silent): the connection is lost (its calls in flight
	// fail with [openrpc.ErrConnectionLost]) and a reconnecting client dials again. Default 30s; negative disables pings. The server
	// answers only while it reads: one that holds back because this connection's calls fill
	// its [openrpc.Limits.MaxInFlight] for a whole interval is taken for gone too.
	PingInterval time.Duration
	// Reconnect, when set, makes [DialWebSocket]'s client dial again when its connection is
	// lost, with the same URL and headers, and restore its subscriptions: see
	// [openrpc.NewReconnectingClient] for the behaviour and [openrpc.ReconnectOptions] for
	// the backoff and the callbacks. Without it, a lost connection closes the client.
	Reconnect *openrpc.ReconnectOptions
	// Observer receives the events of every call (see [openrpc.ClientOptions]); its Inject
	// adds headers to every HTTP request, and to the WebSocket handshake, which carries them
	// for all the calls of the connection. Default none.
	Observer *openrpc.ClientObserver
}

func (o *ClientOptions) observer() *openrpc.ClientObserver {
	if o == nil {
		return nil
	}
	return o.Observer
}

// inject adds the observer's headers for a message sent with ctx to header, and returns it.
func (o *ClientOptions) inject(ctx context.Context, header http.Header) http.Header {
	if obs := o.observer(); obs != nil && obs.Inject != nil {
		obs.Inject(ctx, header)
	}
	return header
}

func (o *ClientOptions) header() http.Header {
	h := http.Header{}
	if o == nil {
		return h
	}
	for k, v := range o.Header {
		h[k] = append([]string(nil), v...)
	}
	if o.BearerToken != "" {
		h.Set("Authorization", "Bearer "+o.BearerToken)
	}
	return h
}

func (o *ClientOptions) maxResponse() int64 {
	if o != nil && o.MaxResponseBytes > 0 {
		return o.MaxResponseBytes
	}
	return 64 << 20
}

func (o *ClientOptions) pingInterval() time.Duration {
	switch {
	case o == nil || o.PingInterval == 0:
		return 30 * time.Second
	case o.PingInterval < 0:
		return 0
	}
	return o.PingInterval
}

func (o *ClientOptions) httpClient() *http.Client {
	if o != nil && o.HTTPClient != nil {
		return o.HTTPClient
	}
	return &http.Client{CheckRedirect: hostcheck.SameHostRedirect}
}

// NewClient returns a client that POSTs each call to url.
func NewClient(url string, opts *ClientOptions) *openrpc.Client {
	rt := &roundTripper{url: url, header: opts.header(), client: opts.httpClient(), max: opts.maxResponse()}
	if obs := opts.observer(); obs != nil {
		rt.inject = obs.Inject
	}
	return openrpc.NewClient(rt, &openrpc.ClientOptions{Observer: opts.observer()})
}

type roundTripper struct {
	url    string
	header http.Header
	client *http.Client
	max    int64
	inject func(ctx context.Context, header map[string][]string)
}

func (rt *roundTripper) RoundTrip(ctx context.Context, msg []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rt.url, bytes.NewReader(msg))
	if err != nil {
		return nil, err
	}
	for k, v := range rt.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	if rt.inject != nil {
		rt.inject(ctx, req.Header)
	}
	resp, err := rt.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, rt.max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > rt.max {
		return nil, fmt.Errorf("%w: response over %d bytes", openrpc.ErrTooLarge, rt.max)
	}
	switch {
	case resp.StatusCode == http.StatusNoContent:
		return nil, nil
	case resp.StatusCode == http.StatusOK, resp.Header.Get("Content-Type") == "application/json":
		return body, nil // 413 carries a JSON-RPC error too
	}
	body = bytes.TrimSpace(body)
	if len(body) > maxErrorBody { // a proxy's error page: its start says enough
		n := maxErrorBody
		for n > 0 && !utf8.RuneStart(body[n]) {
			n--
		}
		body = append(body[:n:n], "..."...)
	}
	return nil, fmt.Errorf("rpchttp: %s: %s", resp.Status, body)
}

// maxErrorBody bounds the bytes of a response body an error quotes.
const maxErrorBody = 512

// DialWebSocket connects to the WebSocket endpoint url (ws:// or wss://; http:// and
// https:// are accepted too) and returns a client whose calls share the connection. The
// client pings the server (see [ClientOptions.PingInterval]). When the connection is lost,
// its calls in flight fail with [openrpc.ErrConnectionLost]; the client is closed then,
// unless [ClientOptions.Reconnect] is set: it then dials again and restores its
// subscriptions.
func DialWebSocket(ctx context.Context, url string, opts *ClientOptions) (*openrpc.Client, error) {
	dial := func(ctx context.Context) (openrpc.Conn, error) { return dialWebSocket(ctx, url, opts) }
	client := &openrpc.ClientOptions{Observer: opts.observer()}
	if opts != nil && opts.Reconnect != nil {
		ro := *opts.Reconnect
		if ro.Client == nil {
			ro.Client = client
		}
		return openrpc.NewReconnectingClient(ctx, dial, &ro)
	}
	conn, err := dial(ctx)
	if err != nil {
		return nil, err
	}
	return openrpc.NewConnClient(conn, client), nil
}

// dialWebSocket opens one WebSocket connection, pinged every PingInterval.
func dialWebSocket(ctx context.Context, url string, opts *ClientOptions) (*clientConn, error) {
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: opts.httpClient(), HTTPHeader: opts.inject(ctx, opts.header())})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(opts.maxResponse())
	w := &clientConn{c: c}
	var pingCtx context.Context
	pingCtx, w.stop = context.WithCancel(context.Background())
	if interval := opts.pingInterval(); interval > 0 {
		// A dead server is dropped at once: the calls in flight fail now, not after a
		// closing handshake that cannot happen.
		go keepAlive(pingCtx, c, &w.liveness, interval, func() { c.CloseNow() })
	}
	return w, nil
}

// clientConn is the client's side of a WebSocket.
type clientConn struct {
	c    *websocket.Conn
	stop context.CancelFunc // stops the pings
	liveness
}

var _ openrpc.Conn = (*clientConn)(nil)

func (w *clientConn) Recv(ctx context.Context) ([]byte, error) {
	w.startRead()
	_, msg, err := w.c.Read(ctx)
	w.endRead()
	if err != nil {
		w.stop()
	}
	return msg, err
}

func (w *clientConn) Send(ctx context.Context, msg []byte) error {
	return w.c.Write(ctx, websocket.MessageText, msg)
}

func (w *clientConn) Close() error {
	w.stop()
	return w.c.Close(websocket.StatusNormalClosure, "")
}
