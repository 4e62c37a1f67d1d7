package e2e

import (
	"context"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// TickerParams are the params of the interop server's subscription.
type TickerParams struct {
	Count      int `json:"count" minimum:"0" maximum:"10000"`
	IntervalMS int `json:"interval_ms,omitempty" minimum:"0" maximum:"1000"`
}

// Tick is an event of the interop server's subscription.
type Tick struct {
	N int `json:"n"`
}

// TestClientJSInterop drives a server with the @open-rpc/client-js client (npm), over HTTP
// and WebSocket: interoperability beyond our own client. Over WebSocket it subscribes to
// "ticker" and reads the events through the client's notification callback. It needs node and the packages of
// clientjs/ installed (npm ci --prefix e2e/clientjs); under CI=true their absence fails.
func TestClientJSInterop(t *testing.T) {
	node := nodeWith(t, "clientjs", "@open-rpc/client-js")
	srv := openrpc.NewServer(openrpc.Info{Title: "interop", Version: "1.0.0"}, nil)
	openrpctest.RegisterSpecMethods(srv)
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "ticker"},
		func(ctx context.Context, p TickerParams, emit func(Tick) error) error {
			for n := range p.Count {
				if p.IntervalMS > 0 {
					select {
					case <-ctx.Done():
						return ctx.Err()
					case <-time.After(time.Duration(p.IntervalMS) * time.Millisecond):
					}
				}
				if err := emit(Tick{N: n}); err != nil {
					return err
				}
			}
			return nil
		})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "interop.mjs", ts.URL, "ws"+strings.TrimPrefix(ts.URL, "http"))
	cmd.Dir = "clientjs"
	out, err := cmd.CombinedOutput()
	t.Logf("node interop.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("@open-rpc/client-js interop failed: %v", err)
	}
	if !strings.Contains(string(out), "interop: all checks passed") {
		t.Fatal("the interop script did not report success")
	}
}
