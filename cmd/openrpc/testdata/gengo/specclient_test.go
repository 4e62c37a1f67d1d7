package specclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"

	"gentest/specclient"
)

// TestSpec runs the client generated from examples/spec's rpc.discover (over WebSocket)
// against the service, over HTTP and WebSocket.
func TestSpec(t *testing.T) {
	base := os.Getenv("SPEC_URL")
	if base == "" {
		t.Fatal("SPEC_URL is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ws, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/v1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for name, rpc := range map[string]*openrpc.Client{"http": rpchttp.NewClient(base+"/api/v1", nil), "ws": ws} {
		c := specclient.NewClient(rpc)
		if got, err := c.Subtract(ctx, specclient.SubtractParams{Minuend: 42, Subtrahend: 23}); err != nil || got != 19 {
			t.Errorf("%s: Subtract = %v, %v", name, got, err)
		}
		if got, err := c.Sum(ctx, 1, 2, 4); err != nil || got != 7 {
			t.Errorf("%s: Sum = %v, %v", name, got, err)
		}
		if got, err := c.Sum(ctx); err != nil || got != 0 {
			t.Errorf("%s: Sum() = %v, %v", name, got, err)
		}
		if got, err := c.Add(ctx, specclient.AddParams{A: 2, B: 3}); err != nil || got != 5 {
			t.Errorf("%s: Add = %v, %v", name, got, err)
		}
		if got, err := c.GetData(ctx); err != nil || len(got) != 2 || string(got[0]) != `"hello"` {
			t.Errorf("%s: GetData = %s, %v", name, got, err)
		}
		if err := c.Update(ctx, json.RawMessage(`1`), json.RawMessage(`"two"`)); err != nil {
			t.Errorf("%s: Update: %v", name, err)
		}
		if err := c.NotifyHello(ctx, json.RawMessage(`7`)); err != nil {
			t.Errorf("%s: NotifyHello: %v", name, err)
		}
	}
	_, err = specclient.NewClient(ws).Ticker(ctx, specclient.TickerParams{IntervalMs: 1, Count: 1})
	if !errors.Is(err, specclient.ErrInvalidParams) {
		t.Errorf("Ticker below its minimum: %v, want ErrInvalidParams", err)
	}

	sub, err := specclient.NewClient(ws).Ticker(ctx, specclient.TickerParams{IntervalMs: 10, Count: 3})
	if err != nil {
		t.Fatalf("Ticker: %v", err)
	}
	var ns []int64
	for tick, err := range sub.Events() {
		if err != nil {
			t.Fatalf("Ticker event: %v", err)
		}
		if tick.Time.IsZero() {
			t.Errorf("tick %+v without a time", tick)
		}
		ns = append(ns, tick.N)
	}
	if len(ns) != 3 || ns[0] != 1 || ns[2] != 3 {
		t.Errorf("ticks %v, want 1, 2, 3", ns)
	}
	if err := sub.Err(); err != nil {
		t.Errorf("Ticker ended with %v", err)
	}
}
