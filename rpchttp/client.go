package rpchttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
)

// ClientOptions configures [NewClient] and [DialWebSocket]. The zero value (or nil) gives
// the defaults.
type ClientOptions struct {
	// HTTPClient sends the requests (and the WebSocket handshake); default a client without
	// a timeout: bound calls with their context.
	HTTPClient *http.Client
	// Header is sent with every request, and with the WebSocket handshake.
	Header http.Header
	// BearerToken, when set, is sent as "Authorization: Bearer <token>".
	BearerToken string
	// MaxResponseBytes caps a response (or WebSocket message), default 64 MiB.
	MaxResponseBytes int64
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

func (o *ClientOptions) httpClient() *http.Client {
	if o != nil && o.HTTPClient != nil {
		return o.HTTPClient
	}
	return &http.Client{}
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
	return nil, fmt.Errorf("rpchttp: %s: %s", resp.Status, bytes.TrimSpace(body))
}

// DialWebSocket connects to the WebSocket endpoint url (ws:// or wss://; http:// and
// https:// are accepted too) and returns a client whose calls share the connection.
func DialWebSocket(ctx context.Context, url string, opts *ClientOptions) (*openrpc.Client, error) {
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: opts.httpClient(), HTTPHeader: opts.inject(ctx, opts.header())})
	if err != nil {
		return nil, err
	}
	max := opts.maxResponse()
	c.SetReadLimit(max)
	return openrpc.NewConnClient(&clientConn{c: c}, &openrpc.ClientOptions{Observer: opts.observer()}), nil
}

// clientConn is the client's side of a WebSocket.
type clientConn struct{ c *websocket.Conn }

func (w *clientConn) Recv(ctx context.Context) ([]byte, error) {
	_, msg, err := w.c.Read(ctx)
	return msg, err
}

func (w *clientConn) Send(ctx context.Context, msg []byte) error {
	return w.c.Write(ctx, websocket.MessageText, msg)
}

func (w *clientConn) Close() error { return w.c.Close(websocket.StatusNormalClosure, "") }
