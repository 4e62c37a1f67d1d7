package openrpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

// TickerParams are the params of the test subscriptions.
type TickerParams struct {
	Count int    `json:"count" minimum:"0" maximum:"100000"`
	Fail  string `json:"fail,omitempty"`
}

// Tick is an event of the test subscriptions.
type Tick struct {
	N int `json:"n"`
}

// subscriptionServer has "ticker", which emits Count ticks at once and returns (with an
// error when Fail is set), and "forever", which emits nothing and reports on running when it
// starts and ends.
func subscriptionServer(t *testing.T, running chan<- string, opts *openrpc.ServerOptions) *openrpc.Server {
	t.Helper()
	if opts == nil {
		opts = &openrpc.ServerOptions{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "subscriptions", Version: "1"}, opts)
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "ticker", Summary: "Counts."},
		func(ctx context.Context, p TickerParams, emit func(Tick) error) error {
			for i := range p.Count {
				if err := emit(Tick{N: i}); err != nil {
					return err
				}
			}
			if p.Fail != "" {
				return openrpc.NewError(4000, p.Fail, nil)
			}
			return nil
		})
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "forever"},
		func(ctx context.Context, _ struct{}, emit func(Tick) error) error {
			running <- "started"
			<-ctx.Done()
			running <- "ended: " + context.Cause(ctx).Error()
			return ctx.Err()
		})
	return srv
}

func collect(t *testing.T, sub *openrpc.Subscription[Tick]) ([]int, error) {
	t.Helper()
	var got []int
	for ev, err := range sub.Events() {
		if err != nil {
			return got, err
		}
		got = append(got, ev.N)
	}
	return got, nil
}

func TestSubscribe_eventsInOrderThenDone(t *testing.T) {
	srv := subscriptionServer(t, nil, nil)
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	// All events are emitted before the subscribe call returns: none may be lost or come
	// before the reply.
	for range 20 {
		sub, err := openrpc.Subscribe[Tick](t.Context(), c, "ticker", TickerParams{Count: 200})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sub.ID(), "0x") || len(sub.ID()) != 34 {
			t.Errorf("subscription id %q, want 0x and 32 hex digits", sub.ID())
		}
		got, err := collect(t, sub)
		if err != nil {
			t.Fatalf("events ended with %v, want a clean end", err)
		}
		if len(got) != 200 {
			t.Fatalf("got %d events, want 200", len(got))
		}
		for i, n := range got {
			if n != i {
				t.Fatalf("event %d is %d: out of order", i, n)
			}
		}
	}
}

func TestSubscribe_handlerErrorEndsIt(t *testing.T) {
	srv := subscriptionServer(t, nil, nil)
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	sub, err := openrpc.Subscribe[Tick](t.Context(), c, "ticker", TickerParams{Count: 2, Fail: "out of ticks"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(t, sub)
	var rpcErr *openrpc.Error
	if len(got) != 2 || !errors.As(err, &rpcErr) || rpcErr.Code != 4000 || rpcErr.Message != "out of ticks" {
		t.Errorf("got events %v and %v, want 2 events then the handler's error 4000", got, err)
	}
}

func TestSubscribe_paramsValidated(t *testing.T) {
	srv := subscriptionServer(t, nil, nil)
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	_, err := openrpc.Subscribe[Tick](t.Context(), c, "ticker", map[string]any{"count": -1})
	var rpcErr *openrpc.Error
	if !errors.As(err, &rpcErr) || rpcErr.Code != openrpc.CodeInvalidParams {
		t.Errorf("got %v, want -32602", err)
	}
}

func TestSubscribe_unsubscribeEndsTheHandler(t *testing.T) {
	running := make(chan string, 2)
	srv := subscriptionServer(t, running, nil)
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	sub, err := openrpc.Subscribe[Tick](t.Context(), c, "forever", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := <-running; got != "started" {
		t.Fatalf("handler: %s", got)
	}
	var ok bool
	if err := c.Call(t.Context(), "forever_unsubscribe", []string{sub.ID()}, &ok); err != nil || !ok {
		t.Fatalf("unsubscribe: %v, %v; want true", ok, err)
	}
	if got := <-running; got != "ended: unsubscribed" {
		t.Errorf("handler: %s, want it ended by the unsubscribe", got)
	}
	if err := c.Call(t.Context(), "forever_unsubscribe", map[string]string{"subscription": sub.ID()}, &ok); err != nil || ok {
		t.Errorf("second unsubscribe: %v, %v; want false", ok, err)
	}
	// Another connection cannot end it either.
	sub2, err := openrpc.Subscribe[Tick](t.Context(), c, "forever", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-running
	other := openrpctest.NewLocalConn(srv, nil)
	defer other.Close()
	if err := other.Call(t.Context(), "forever_unsubscribe", []string{sub2.ID()}, &ok); err != nil || ok {
		t.Errorf("unsubscribe from another connection: %v, %v; want false", ok, err)
	}
	if err := sub2.Unsubscribe(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-running
	if _, err := collect(t, sub2); err != nil {
		t.Errorf("events after Unsubscribe ended with %v, want a clean end", err)
	}
}

func TestSubscribe_disconnectEndsTheHandler(t *testing.T) {
	running := make(chan string, 2)
	srv := subscriptionServer(t, running, nil)
	c := openrpctest.NewLocalConn(srv, nil)
	sub, err := openrpc.Subscribe[Tick](t.Context(), c, "forever", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-running
	c.Close()
	if got := <-running; got != "ended: connection ended" {
		t.Errorf("handler: %s, want it ended by the disconnect", got)
	}
	if _, err := collect(t, sub); !errors.Is(err, openrpc.ErrClientClosed) {
		t.Errorf("client side: %v, want ErrClientClosed", err)
	}
}

func TestSubscribe_shutdownSendsALastNotification(t *testing.T) {
	running := make(chan string, 2)
	srv := subscriptionServer(t, running, nil)
	client, server := openrpctest.Pipe()
	ctx, shutdown := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.ServeConn(ctx, server, nil) }()
	c := openrpc.NewConnClient(client, nil)
	sub, err := openrpc.Subscribe[Tick](t.Context(), c, "forever", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-running
	shutdown()
	_, err = collect(t, sub)
	var rpcErr *openrpc.Error
	if !errors.As(err, &rpcErr) || rpcErr.Code != openrpc.CodeOverloaded || !strings.Contains(string(rpcErr.Data), "server shutting down") {
		t.Errorf("got %v, want -32004 server shutting down", err)
	}
	if got := <-running; got != "ended: server shutting down" {
		t.Errorf("handler: %s", got)
	}
	if err := <-served; err != nil {
		t.Errorf("ServeConn: %v", err)
	}
}

func TestSubscribe_overHTTPIsRefused(t *testing.T) {
	srv := subscriptionServer(t, nil, nil)
	got := string(srv.Process(t.Context(), []byte(`{"jsonrpc":"2.0","method":"ticker","params":{"count":1},"id":1}`)))
	want := `{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":{"error":"ticker is a subscription: call it over a connection (WebSocket, stdio, in memory) that can carry its events, not over HTTP POST"}},"id":1}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := openrpc.Subscribe[Tick](t.Context(), openrpctest.NewLocal(srv, nil), "ticker", nil); err == nil || !strings.Contains(err.Error(), "need a client over a connection") {
		t.Errorf("Subscribe on a round-trip client: %v", err)
	}
}

// stuckConn is a connection whose peer never reads: Send blocks until the test ends, as it
// would on a socket whose buffers are full.
type stuckConn struct {
	in      chan []byte
	release chan struct{}
	sent    chan []byte
}

func (c *stuckConn) Recv(ctx context.Context) ([]byte, error) {
	select {
	case m := <-c.in:
		return m, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *stuckConn) Send(ctx context.Context, msg []byte) error {
	select {
	case c.sent <- msg: // the first messages go through, then the peer stops reading
		return nil
	case <-c.release:
		return errors.New("closed")
	}
}

func (c *stuckConn) Close() error { return nil }

// A subscriber that stops reading loses its subscription once its buffer is full (the
// handler's emit fails, memory stays bounded), while a subscriber on another connection of
// the same server keeps receiving.
func TestSubscribe_slowSubscriberIsDropped(t *testing.T) {
	const buffer = 8
	emitted := make(chan error, 1)
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Limits: openrpc.Limits{SubscriptionBuffer: buffer, SubscriptionStall: 50 * time.Millisecond},
		Logger: slog.New(slog.DiscardHandler),
	})
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "flood"}, func(ctx context.Context, _ struct{}, emit func(Tick) error) error {
		for i := 0; ; i++ {
			if err := emit(Tick{N: i}); err != nil {
				emitted <- fmt.Errorf("after %d events: %w", i, err)
				return err
			}
			if i > 10*buffer {
				emitted <- errors.New("never dropped")
				<-ctx.Done()
				return nil
			}
		}
	})
	next := make(chan struct{})
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "paced"}, func(ctx context.Context, p TickerParams, emit func(Tick) error) error {
		for i := range p.Count {
			<-next // one event at a time, each once the previous one has arrived
			if err := emit(Tick{N: i}); err != nil {
				return err
			}
		}
		return nil
	})

	stuck := &stuckConn{in: make(chan []byte, 1), release: make(chan struct{}), sent: make(chan []byte)}
	defer close(stuck.release)
	go srv.ServeConn(t.Context(), stuck, nil)
	stuck.in <- []byte(`{"jsonrpc":"2.0","method":"flood","id":1}`)
	if reply := <-stuck.sent; !strings.Contains(string(reply), `"result":"0x`) {
		t.Fatalf("subscribe reply %s", reply)
	}

	err := <-emitted
	if !errors.Is(err, openrpc.ErrSubscriptionEnded) {
		t.Fatalf("emit: %v, want ErrSubscriptionEnded once the buffer is full", err)
	}
	var n int
	fmt.Sscanf(err.Error(), "after %d events", &n)
	if n > buffer+2 {
		t.Errorf("emit failed after %d events, want at most the buffer (%d) and the ones in flight", n, buffer)
	}
	// The peer reads again: what was queued is dropped, and the last notification says why.
	events := 0
	for msg := range stuck.sent {
		if !strings.Contains(string(msg), `"error"`) {
			events++
			continue
		}
		if !strings.Contains(string(msg), `"method":"flood"`) || !strings.Contains(string(msg), `"code":-32004`) || !strings.Contains(string(msg), `"buffer":8`) {
			t.Errorf("last notification %s, want -32004 with the buffer size", msg)
		}
		break
	}
	if events > 1 {
		t.Errorf("%d events sent after the subscription was dropped, want at most the one in flight", events)
	}

	// Another subscriber of the same server is not held up.
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	const count = 100
	sub, err := openrpc.Subscribe[Tick](ctx, c, "paced", TickerParams{Count: count})
	if err != nil {
		t.Fatal(err)
	}
	next <- struct{}{}
	got := 0
	for ev, err := range sub.Events() {
		if err != nil {
			t.Fatalf("the other subscriber: %v after %d events", err, got)
		}
		if ev.N != got {
			t.Fatalf("the other subscriber got event %d, want %d", ev.N, got)
		}
		got++
		if got < count {
			next <- struct{}{}
		}
	}
	if got != count || sub.Err() != nil {
		t.Errorf("the other subscriber got %d events and %v, want %d and a clean end", got, sub.Err(), count)
	}
}

// The document lists the subscription with its event schema and its unsubscribe method,
// also under a router's prefix.
func TestRegisterSubscription_document(t *testing.T) {
	r := openrpc.NewRouter()
	openrpc.RegisterSubscription(r, openrpc.Method{Name: "ticker"}, func(context.Context, TickerParams, func(Tick) error) error { return nil })
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	srv.Include(r, &openrpc.IncludeOptions{Prefix: "clock."})
	doc, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Methods []struct {
			Name   string `json:"name"`
			Result struct {
				Name   string          `json:"name"`
				Schema json.RawMessage `json:"schema"`
			} `json:"result"`
			Subscription *struct {
				Event       json.RawMessage `json:"event"`
				Unsubscribe string          `json:"unsubscribe"`
			} `json:"x-subscription"`
		} `json:"methods"`
		Extensions []struct {
			Name string `json:"name"`
		} `json:"x-extensions"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Methods) != 2 || d.Methods[0].Name != "clock.ticker" || d.Methods[1].Name != "clock.ticker_unsubscribe" {
		t.Fatalf("methods %s", doc)
	}
	m := d.Methods[0]
	if m.Result.Name != "subscription" || string(m.Result.Schema) != `{"type":"string"}` || m.Subscription == nil ||
		m.Subscription.Unsubscribe != "clock.ticker_unsubscribe" || !strings.Contains(string(m.Subscription.Event), "Tick") {
		t.Errorf("subscription method described as %s", doc)
	}
	if d.Methods[1].Subscription != nil {
		t.Error("the unsubscribe method is described as a subscription")
	}
	var declared bool
	for _, x := range d.Extensions {
		declared = declared || x.Name == "x-subscription"
	}
	if !declared {
		t.Errorf("x-subscription not declared in x-extensions: %s", doc)
	}
}

// Subscriptions made concurrently on one connection each get their own events.
func TestSubscribe_concurrent(t *testing.T) {
	srv := subscriptionServer(t, nil, nil)
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			sub, err := openrpc.Subscribe[Tick](t.Context(), c, "ticker", TickerParams{Count: 10 + i})
			if err != nil {
				t.Error(err)
				return
			}
			if got, err := collect(t, sub); err != nil || len(got) != 10+i {
				t.Errorf("subscription %d: %d events, %v", i, len(got), err)
			}
		})
	}
	wg.Wait()
}
