package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// dialTicker starts the command and dials its endpoint over WebSocket.
func dialTicker(t *testing.T) (*openrpc.Client, context.Context) {
	t.Helper()
	url := startServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	c, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(url, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, ctx
}

// ticker over a real WebSocket: count ticks numbered from 1, in order, their times
// never going back, then a clean end.
func TestTicker_overWebSocket(t *testing.T) {
	c, ctx := dialTicker(t)
	for _, params := range []any{[]int{10, 5}, map[string]int{"interval_ms": 10, "count": 5}} {
		sub, err := openrpc.Subscribe[Tick](ctx, c, "ticker", params)
		if err != nil {
			t.Fatal(err)
		}
		var got []Tick
		for ev, err := range sub.Events() {
			if err != nil {
				t.Fatalf("after %d ticks: %v", len(got), err)
			}
			got = append(got, ev)
		}
		if len(got) != 5 || sub.Err() != nil {
			t.Fatalf("%v: %d ticks and %v, want 5 and done", params, len(got), sub.Err())
		}
		for i, ev := range got {
			if ev.N != i+1 {
				t.Errorf("tick %d has n %d", i, ev.N)
			}
			if i > 0 && ev.Time.Before(got[i-1].Time) {
				t.Errorf("tick %d at %v, not after tick %d at %v", ev.N, ev.Time, got[i-1].N, got[i-1].Time)
			}
		}
	}
}

// ticker_unsubscribe ends a running ticker: no tick follows, and a second unsubscribe
// finds nothing to end.
func TestTicker_unsubscribe(t *testing.T) {
	c, ctx := dialTicker(t)
	sub, err := openrpc.Subscribe[Tick](ctx, c, "ticker", []int{10, 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for ev, err := range sub.Events() {
		if err != nil {
			t.Fatal(err)
		}
		if n++; ev.N != n {
			t.Fatalf("tick %d, want %d", ev.N, n)
		}
		if n == 2 {
			break
		}
	}
	if err := sub.Unsubscribe(ctx); err != nil {
		t.Fatal(err)
	}
	for ev, err := range sub.Events() { // what arrived before the unsubscribe, at most
		if err != nil {
			t.Fatal(err)
		}
		if ev.N <= 2 {
			t.Errorf("tick %d again after unsubscribing", ev.N)
		}
	}
	var ended bool
	if err := c.Call(ctx, "ticker_unsubscribe", []string{sub.ID()}, &ended); err != nil || ended {
		t.Errorf("second unsubscribe: %v, %v; want false", ended, err)
	}
	// The connection still serves calls.
	var sum int
	if err := c.Call(ctx, "add", []int{2, 3}, &sum); err != nil || sum != 5 {
		t.Errorf("add after unsubscribing: %d, %v", sum, err)
	}
}

// Params out of the documented bounds are refused with Invalid params naming the param;
// over HTTP POST the subscription is refused with a message naming the transports.
func TestTicker_refused(t *testing.T) {
	c, ctx := dialTicker(t)
	for _, tt := range []struct {
		params any
		path   string
	}{
		{[]int{9, 5}, "/interval_ms"},
		{[]int{60001, 5}, "/interval_ms"},
		{[]int{10, 0}, "/count"},
		{[]int{10, 1001}, "/count"},
		{[]int{10}, "/count"},
	} {
		_, err := openrpc.Subscribe[Tick](ctx, c, "ticker", tt.params)
		var rerr *openrpc.Error
		if !errors.As(err, &rerr) || rerr.Code != openrpc.CodeInvalidParams || !strings.Contains(string(rerr.Data), `"path":"`+tt.path+`"`) {
			t.Errorf("%v: %v, want Invalid params at %s", tt.params, err, tt.path)
		}
	}

	_, body := post(t, startServer(t), "application/json", []byte(`{"jsonrpc":"2.0","method":"ticker","params":[10,5],"id":1}`))
	if !strings.Contains(string(body), `"code":-32600`) || !strings.Contains(string(body), "WebSocket") {
		t.Errorf("ticker over HTTP POST: %s, want Invalid Request naming WebSocket", body)
	}
}
