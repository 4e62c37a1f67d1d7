package rpchttp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

func serve(t *testing.T, srv *openrpc.Server) *httptest.Server {
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	t.Cleanup(ts.Close)
	return ts
}

func wsURL(ts *httptest.Server) string { return "ws" + strings.TrimPrefix(ts.URL, "http") }

func TestTransport_HTTP(t *testing.T) {
	openrpctest.TestTransport(t, openrpctest.Transport{
		Name: "http",
		Connect: func(t *testing.T, srv *openrpc.Server) *openrpc.Client {
			return rpchttp.NewClient(serve(t, srv).URL, nil)
		},
		RoundTrip: func(t *testing.T, srv *openrpc.Server) func(context.Context, []byte) ([]byte, error) {
			url := serve(t, srv).URL
			return func(ctx context.Context, msg []byte) ([]byte, error) {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(msg))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return nil, err
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				if resp.StatusCode == http.StatusNoContent {
					return nil, err
				}
				if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusRequestEntityTooLarge {
					return nil, fmt.Errorf("status %d: %s", resp.StatusCode, body)
				}
				return body, err
			}
		},
		Cancels: true,
	})
}

func TestTransport_WebSocket(t *testing.T) {
	openrpctest.TestTransport(t, openrpctest.Transport{
		Name: "websocket",
		Connect: func(t *testing.T, srv *openrpc.Server) *openrpc.Client {
			c, err := rpchttp.DialWebSocket(context.Background(), wsURL(serve(t, srv)), nil)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Dial: func(t *testing.T, srv *openrpc.Server) openrpc.Conn {
			c, _, err := websocket.Dial(context.Background(), wsURL(serve(t, srv)), nil)
			if err != nil {
				t.Fatal(err)
			}
			return rawWS{c}
		},
		Cancels: true,
	})
}

type rawWS struct{ c *websocket.Conn }

func (w rawWS) Recv(ctx context.Context) ([]byte, error) {
	_, b, err := w.c.Read(ctx)
	return b, err
}
func (w rawWS) Send(ctx context.Context, b []byte) error {
	return w.c.Write(ctx, websocket.MessageText, b)
}
func (w rawWS) Close() error { return w.c.Close(websocket.StatusNormalClosure, "") }
