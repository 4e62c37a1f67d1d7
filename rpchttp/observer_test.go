package rpchttp_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

type traceKey struct{}

// TestClient_observer: the client observer's Call sees each call and its context reaches
// Inject, whose headers go with every HTTP request and with the WebSocket handshake.
func TestClient_observer(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "trace"}, func(ctx context.Context, _ struct{}) (string, error) {
		return openrpc.CallerFrom(ctx).Get("X-Trace"), nil
	})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()

	var mu sync.Mutex
	var calls []string
	obs := &openrpc.ClientObserver{
		Call: func(ctx context.Context, c openrpc.ClientCall) (context.Context, func(error)) {
			mu.Lock()
			calls = append(calls, c.Method)
			mu.Unlock()
			return context.WithValue(ctx, traceKey{}, "call-"+string(c.ID)), nil
		},
		Inject: func(ctx context.Context, h map[string][]string) {
			v, _ := ctx.Value(traceKey{}).(string)
			if v == "" {
				v = "dial"
			}
			h["X-Trace"] = []string{v}
		},
	}
	opts := &rpchttp.ClientOptions{Observer: obs, Header: map[string][]string{"X-Other": {"kept"}}}
	c := rpchttp.NewClient(ts.URL, opts)
	for _, want := range []string{"call-1", "call-2"} {
		if got, err := openrpc.Call[string](context.Background(), c, "trace", nil); err != nil || got != want {
			t.Errorf("HTTP: got %q, %v; want %q", got, err, want)
		}
	}
	ws, err := rpchttp.DialWebSocket(context.Background(), "ws"+strings.TrimPrefix(ts.URL, "http"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if got, err := openrpc.Call[string](context.Background(), ws, "trace", nil); err != nil || got != "dial" {
		t.Errorf("WebSocket: got %q, %v; want the handshake's %q", got, err, "dial")
	}
	if want := "trace trace trace"; strings.Join(calls, " ") != want {
		t.Errorf("calls: got %q, want %q", calls, want)
	}
	if opts.Header["X-Trace"] != nil {
		t.Errorf("Inject changed ClientOptions.Header: %v", opts.Header)
	}
}
