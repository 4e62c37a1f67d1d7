package rpchttp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// Issue 18: a body of exactly the size limit is served, one byte more is refused with 413,
// whether the client declares the length or sends the body chunked, and whether the limit
// is the server's or the handler's own.
func TestHandler_sizeLimitBoundary(t *testing.T) {
	const limit = 1000
	for _, cfg := range []struct {
		name    string
		server  openrpc.Limits
		handler *rpchttp.HandlerOptions
	}{
		{"server limit", openrpc.Limits{MaxRequestBytes: limit}, nil},
		{"handler limit", openrpc.Limits{}, &rpchttp.HandlerOptions{MaxRequestBytes: limit}},
	} {
		srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: cfg.server})
		openrpctest.RegisterSpecMethods(srv)
		ts := httptest.NewServer(rpchttp.NewHandler(srv, cfg.handler))
		t.Cleanup(ts.Close)
		tooLarge := fmt.Sprintf(`{"jsonrpc":"2.0","error":{"code":-32003,"message":"Request too large","data":{"error":"the message exceeds the limit of %d bytes"}},"id":null}`, limit)
		for _, tt := range []struct {
			name       string
			size       int
			chunked    bool
			wantStatus int
			want       string
		}{
			{"Content-Length at the limit", limit, false, http.StatusOK, `{"jsonrpc":"2.0","result":3,"id":1}`},
			{"Content-Length over the limit", limit + 1, false, http.StatusRequestEntityTooLarge, tooLarge},
			{"chunked at the limit", limit, true, http.StatusOK, `{"jsonrpc":"2.0","result":3,"id":1}`},
			{"chunked over the limit", limit + 1, true, http.StatusRequestEntityTooLarge, tooLarge},
		} {
			t.Run(cfg.name+"/"+tt.name, func(t *testing.T) {
				var body io.Reader = bytes.NewReader(openrpctest.CallOfSize(tt.size))
				if tt.chunked {
					body = struct{ io.Reader }{body} // no length known: sent chunked, without Content-Length
				}
				req, _ := http.NewRequest(http.MethodPost, ts.URL, body)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				got, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status %d, want %d (body %s)", resp.StatusCode, tt.wantStatus, got)
				}
				if err := openrpctest.EqualJSON([]byte(tt.want), got); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// Issue 18: a WebSocket message of exactly the size limit is served on a connection that
// stays open; one byte more is answered with -32003 and the connection closed with 1009.
func TestWebSocket_sizeLimitBoundary(t *testing.T) {
	const limit = 1000
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxRequestBytes: limit}})
	openrpctest.RegisterSpecMethods(srv)
	ts := serve(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL(ts), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	exchange := func(msg []byte) []byte {
		t.Helper()
		if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
			t.Fatal(err)
		}
		_, reply, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return reply
	}
	for range 2 { // the connection goes on after a message at the limit
		if err := openrpctest.EqualJSON([]byte(`{"jsonrpc":"2.0","result":3,"id":1}`), exchange(openrpctest.CallOfSize(limit))); err != nil {
			t.Errorf("a message of exactly the limit: %v", err)
		}
	}
	want := `{"jsonrpc":"2.0","error":{"code":-32003,"message":"Request too large","data":{"error":"the message exceeds the size limit"}},"id":null}`
	if err := openrpctest.EqualJSON([]byte(want), exchange(openrpctest.CallOfSize(limit+1))); err != nil {
		t.Errorf("a message one byte over the limit: %v", err)
	}
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("after a message one byte over the limit: got %v, want the connection closed with 1009", err)
	}
}

// blockedBody sends nothing until its context ends.
type blockedBody struct{ ctx context.Context }

func (b blockedBody) Read([]byte) (int, error) {
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

// Issue 18: a declared Content-Length one byte over the limit is refused from the header
// alone, before any of the body is read. (Over 256 KiB, so that net/http does not try to
// read the rest of the body after the reply either.)
func TestHandler_declaredLengthOneOverTheLimit(t *testing.T) {
	const limit = 1 << 20
	ts := newTestServer(t, &rpchttp.HandlerOptions{MaxRequestBytes: limit})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL, blockedBody{ctx})
	req.ContentLength = limit + 1
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("got %v, want 413 before the body is sent", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}
