package openrpc_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

// Issue 11: clients that survive a dropped connection. These tests run in synctest bubbles
// over in-memory connections (openrpctest.Pipe): the backoff waits take no real time, and
// synctest.Wait tells when the client has gone as far as it can.

// FeedParams are the params of the feed subscription.
type FeedParams struct {
	Tag string `json:"tag"`
}

// FeedEvent is an event of the feed subscription.
type FeedEvent struct {
	Tag string `json:"tag"`
	N   int    `json:"n"`
}

// feedServer has "feed", a subscription whose running handler emits each number sent on
// feed, tagged with its params; "block", which reports on blocked and waits for its
// context; and "echo".
type feedServer struct {
	srv     *openrpc.Server
	feed    chan int
	running chan string // "started TAG" and "ended TAG" from the feed handlers
	blocked chan struct{}
}

func newFeedServer() *feedServer {
	fs := &feedServer{feed: make(chan int), running: make(chan string, 16), blocked: make(chan struct{}, 16)}
	fs.srv = openrpc.NewServer(openrpc.Info{Title: "feed", Version: "1"}, &openrpc.ServerOptions{Logger: slog.New(slog.DiscardHandler)})
	openrpc.RegisterSubscription(fs.srv, openrpc.Method{Name: "feed"},
		func(ctx context.Context, p FeedParams, emit func(FeedEvent) error) error {
			fs.running <- "started " + p.Tag
			defer func() { fs.running <- "ended " + p.Tag }()
			for {
				select {
				case n := <-fs.feed:
					if err := emit(FeedEvent{Tag: p.Tag, N: n}); err != nil {
						return err
					}
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		})
	openrpc.Register(fs.srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (int, error) {
		fs.blocked <- struct{}{}
		<-ctx.Done()
		return 0, ctx.Err()
	})
	openrpc.Register(fs.srv, openrpc.Method{Name: "echo"}, func(ctx context.Context, p struct {
		S string `json:"s"`
	}) (string, error) {
		return p.S, nil
	})
	return fs
}

// pipeNet serves a server over in-memory connections that the test can cut, and refuse.
type pipeNet struct {
	mu      sync.Mutex
	srv     *openrpc.Server
	refuse  bool
	servers []openrpc.Conn // the server ends of the connections made
	dials   []time.Time    // when each dial happened
}

var errRefused = errors.New("connection refused")

func (n *pipeNet) dial(ctx context.Context) (openrpc.Conn, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dials = append(n.dials, time.Now())
	if n.refuse {
		return nil, errRefused
	}
	client, server := openrpctest.Pipe()
	n.servers = append(n.servers, server)
	go n.srv.ServeConn(context.Background(), server, nil)
	return client, nil
}

// cut closes every connection, as a network failure would, and sets whether the next dials
// are refused.
func (n *pipeNet) cut(refuse bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, s := range n.servers {
		s.Close()
	}
	n.servers = nil
	n.refuse = refuse
}

func (n *pipeNet) setRefuse(refuse bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.refuse = refuse
}

func (n *pipeNet) dialTimes() []time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]time.Time(nil), n.dials...)
}

// fixture is a reconnecting client of a feedServer over a pipeNet, its callbacks recorded.
type fixture struct {
	fs  *feedServer
	net *pipeNet
	rec *callbackLog
	c   *openrpc.Client
}

// newFixture connects the client, with opts for the backoff (nil for the defaults); it is
// closed at the end of the test.
func newFixture(t *testing.T, opts *openrpc.ReconnectOptions) *fixture {
	t.Helper()
	f := &fixture{fs: newFeedServer(), rec: newCallbackLog()}
	f.net = &pipeNet{srv: f.fs.srv}
	if opts == nil {
		opts = &openrpc.ReconnectOptions{}
	}
	c, err := openrpc.NewReconnectingClient(t.Context(), f.net.dial, f.rec.options(opts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	f.c = c
	return f
}

// subscribe subscribes to feed with tag, waits until the server's handler runs, and returns
// the subscription with its events.
func (f *fixture) subscribe(t *testing.T, tag string) (*openrpc.Subscription[FeedEvent], <-chan string) {
	t.Helper()
	sub, err := openrpc.Subscribe[FeedEvent](t.Context(), f.c, "feed", FeedParams{Tag: tag})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, f.fs.running, "started "+tag)
	return sub, events(sub)
}

// events ranges over sub.Events() in one loop, for the whole life of the subscription, and
// sends what it yields on the returned channel, which it closes at the end.
func events(sub *openrpc.Subscription[FeedEvent]) <-chan string {
	out := make(chan string, 16)
	go func() {
		defer close(out)
		for ev, err := range sub.Events() {
			if err != nil {
				out <- "error: " + err.Error()
				continue
			}
			out <- fmt.Sprintf("%s %d", ev.Tag, ev.N)
		}
	}()
	return out
}

// callbackLog collects the reconnection callbacks.
type callbackLog struct{ ch chan string }

func newCallbackLog() *callbackLog { return &callbackLog{ch: make(chan string, 64)} }

// options sets the callbacks of o to record, then call the ones o had.
func (r *callbackLog) options(o *openrpc.ReconnectOptions) *openrpc.ReconnectOptions {
	next := o.OnReconnect
	o.OnDisconnect = func(err error) { r.ch <- "disconnect: " + err.Error() }
	o.OnReconnect = func(attempt int, err error) {
		if err != nil {
			r.ch <- fmt.Sprintf("reconnect %d: %v", attempt, err)
		} else {
			r.ch <- fmt.Sprintf("reconnect %d", attempt)
		}
		if next != nil {
			next(attempt, err)
		}
	}
	return o
}

// waitReconnected waits for a successful reconnection, past the failed redials.
func (r *callbackLog) waitReconnected() {
	for got := range r.ch {
		if strings.HasPrefix(got, "reconnect ") && !strings.Contains(got, ":") {
			return
		}
	}
}

// expect receives from ch and checks what. Within a synctest bubble, where a client that
// keeps redialing keeps the clock running, the hour is fake: a wait that would never end
// fails at once.
func expect(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	case <-time.After(time.Hour):
		t.Fatalf("still waiting for %q", want)
	}
}

// expectEnd checks that the events end, with nothing more.
func expectEnd(t *testing.T, evs <-chan string) {
	t.Helper()
	select {
	case got, ok := <-evs:
		if ok {
			t.Errorf("got %q, want the end of the events", got)
		}
	case <-time.After(time.Hour):
		t.Fatal("the events did not end")
	}
}

func TestNewReconnectingClient_callInFlightFailsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, nil)
		errc := make(chan error, 1)
		go func() {
			_, err := openrpc.Call[int](context.Background(), f.c, "block", nil)
			errc <- err
		}()
		<-f.fs.blocked
		lostAt := time.Now()
		f.net.cut(false)
		err := <-errc
		if !errors.Is(err, openrpc.ErrConnectionLost) || errors.Is(err, openrpc.ErrClientClosed) {
			t.Errorf("call in flight: %v, want ErrConnectionLost (and the client not closed)", err)
		}
		if d := time.Since(lostAt); d != 0 {
			t.Errorf("the call failed %v after the loss, want at once (before any backoff)", d)
		}
		// The client reconnects; the next call goes out on the new connection.
		if got, err := openrpc.Call[string](t.Context(), f.c, "echo", map[string]string{"s": "back"}); err != nil || got != "back" {
			t.Errorf("call after the loss: %q, %v", got, err)
		}
	})
}

// A client over one connection is closed by the loss; its calls in flight fail with
// ErrConnectionLost too.
func TestNewConnClient_callInFlightFailsWithErrConnectionLost(t *testing.T) {
	fs := newFeedServer()
	client, server := openrpctest.Pipe()
	go fs.srv.ServeConn(context.Background(), server, nil)
	c := openrpc.NewConnClient(client, nil)
	defer c.Close()
	errc := make(chan error, 1)
	go func() {
		_, err := openrpc.Call[int](context.Background(), c, "block", nil)
		errc <- err
	}()
	<-fs.blocked
	server.Close()
	if err := <-errc; !errors.Is(err, openrpc.ErrConnectionLost) || !errors.Is(err, openrpc.ErrClientClosed) {
		t.Errorf("call in flight: %v, want ErrConnectionLost and ErrClientClosed", err)
	}
}

func TestClient_Close_isNotALoss(t *testing.T) {
	fs := newFeedServer()
	client, server := openrpctest.Pipe()
	go fs.srv.ServeConn(context.Background(), server, nil)
	c := openrpc.NewConnClient(client, nil)
	c.Close()
	if _, err := openrpc.Call[string](t.Context(), c, "echo", nil); !errors.Is(err, openrpc.ErrClientClosed) || errors.Is(err, openrpc.ErrConnectionLost) {
		t.Errorf("call after Close: %v, want ErrClientClosed alone", err)
	}
}

func TestNewReconnectingClient_restoresSubscriptions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c *openrpc.Client
		echoed := make(chan string, 1)
		f := newFixture(t, &openrpc.ReconnectOptions{OnReconnect: func(attempt int, err error) {
			if err == nil { // callbacks may call the client
				got, err := openrpc.Call[string](context.Background(), c, "echo", map[string]string{"s": "from the callback"})
				echoed <- fmt.Sprintf("%s %v", got, err)
			}
		}})
		c = f.c
		sub, evs := f.subscribe(t, "a")
		f.fs.feed <- 1
		expect(t, evs, "a 1")
		firstID := sub.ID()

		f.net.cut(false)
		expect(t, f.fs.running, "ended a") // the server saw the connection go
		expect(t, f.rec.ch, "disconnect: io: read/write on closed pipe")
		expect(t, f.fs.running, "started a") // the same params, on the new connection
		expect(t, f.rec.ch, "reconnect 1")
		expect(t, echoed, "from the callback <nil>")
		f.fs.feed <- 2
		expect(t, evs, "a 2") // through the same Events loop
		if sub.ID() == firstID {
			t.Errorf("subscription id %s after the reconnect, want the new connection's", sub.ID())
		}

		// A second loss, with redials refused for a while.
		f.net.cut(true)
		expect(t, f.fs.running, "ended a")
		expect(t, f.rec.ch, "disconnect: io: read/write on closed pipe")
		expect(t, f.rec.ch, "reconnect 1: connection refused")
		expect(t, f.rec.ch, "reconnect 2: connection refused")
		f.net.setRefuse(false)
		expect(t, f.fs.running, "started a")
		expect(t, f.rec.ch, "reconnect 3")
		<-echoed
		f.fs.feed <- 3
		expect(t, evs, "a 3")

		if err := sub.Unsubscribe(t.Context()); err != nil {
			t.Fatal(err)
		}
		expect(t, f.fs.running, "ended a")
		expectEnd(t, evs)
	})
}

// The bound of each wait doubles from BaseDelay up to MaxDelay, and the wait is random
// below it; after MaxAttempts failed redials the client gives up and closes.
func TestNewReconnectingClient_backoffAndGivingUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, &openrpc.ReconnectOptions{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxAttempts: 8})
		_, evs := f.subscribe(t, "a")
		f.net.cut(true)
		lostAt := time.Now()
		expect(t, f.rec.ch, "disconnect: io: read/write on closed pipe")
		for i := 1; i <= 8; i++ {
			expect(t, f.rec.ch, fmt.Sprintf("reconnect %d: connection refused", i))
		}
		expect(t, evs, "error: openrpc: client closed: openrpc: connection lost: gave up after 8 attempts to reconnect: connection refused")
		_, err := openrpc.Call[string](t.Context(), f.c, "echo", nil)
		if !errors.Is(err, openrpc.ErrClientClosed) || !errors.Is(err, openrpc.ErrConnectionLost) {
			t.Errorf("call after giving up: %v, want ErrClientClosed and ErrConnectionLost", err)
		}

		dials := f.net.dialTimes()[1:] // the first is NewReconnectingClient's
		if len(dials) != 8 {
			t.Fatalf("%d redials, want 8", len(dials))
		}
		ceilings := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000, 1000}
		prev := lostAt
		var total time.Duration
		for i, at := range dials {
			wait := at.Sub(prev)
			if ceiling := ceilings[i] * time.Millisecond; wait < 0 || wait > ceiling {
				t.Errorf("wait before redial %d: %v, want within [0, %v]", i+1, wait, ceiling)
			}
			total += wait
			prev = at
		}
		if total == 0 {
			t.Error("no wait before any redial")
		}
	})
}

// Calls made while the client reconnects wait for the new connection, up to their context.
func TestNewReconnectingClient_callsWaitForTheNewConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, nil)
		f.net.cut(true)
		expect(t, f.rec.ch, "disconnect: io: read/write on closed pipe")

		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		if _, err := openrpc.Call[string](ctx, f.c, "echo", nil); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("call with a deadline while reconnecting: %v, want DeadlineExceeded", err)
		}
		result := make(chan string, 1)
		go func() {
			got, err := openrpc.Call[string](context.Background(), f.c, "echo", map[string]string{"s": "waited"})
			result <- fmt.Sprintf("%s %v", got, err)
		}()
		synctest.Wait()
		select {
		case got := <-result:
			t.Fatalf("call while reconnecting: %s, want it to wait", got)
		default:
		}
		f.net.setRefuse(false)
		expect(t, result, "waited <nil>")
	})
}

func TestSubscription_Unsubscribe_whileReconnecting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, nil)
		sub, evs := f.subscribe(t, "a")
		f.net.cut(true)
		expect(t, f.fs.running, "ended a")
		expect(t, f.rec.ch, "disconnect: io: read/write on closed pipe")
		if err := sub.Unsubscribe(t.Context()); err != nil {
			t.Errorf("Unsubscribe while reconnecting: %v", err)
		}
		expectEnd(t, evs)
		f.net.setRefuse(false)
		f.rec.waitReconnected()
		synctest.Wait()
		select {
		case got := <-f.fs.running:
			t.Errorf("server: %q, want the unsubscribed subscription not restored", got)
		default:
		}
	})
}

func TestNewReconnectingClient_subscriptionRefusedByTheNewServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, nil)
		sub, evs := f.subscribe(t, "a")
		// The server comes back without the subscription method.
		f.net.mu.Lock()
		f.net.srv = openrpc.NewServer(openrpc.Info{Title: "other", Version: "1"}, nil)
		f.net.mu.Unlock()
		f.net.cut(false)
		expect(t, evs, "error: openrpc: feed: restoring the subscription after a reconnect: jsonrpc error -32601: Method not found")
		expectEnd(t, evs)
		var rpcErr *openrpc.Error
		if !errors.As(sub.Err(), &rpcErr) || rpcErr.Code != openrpc.CodeMethodNotFound {
			t.Errorf("Err: %v, want the server's -32601", sub.Err())
		}
		expect(t, f.rec.ch, "disconnect: io: read/write on closed pipe")
		expect(t, f.rec.ch, "reconnect 1")
	})
}

func TestNewReconnectingClient_closeWhileReconnecting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, nil)
		_, evs := f.subscribe(t, "a")
		f.net.cut(true)
		expect(t, f.rec.ch, "disconnect: io: read/write on closed pipe")
		expect(t, f.rec.ch, "reconnect 1: connection refused")
		result := make(chan error, 1)
		go func() {
			_, err := openrpc.Call[string](context.Background(), f.c, "echo", nil)
			result <- err
		}()
		synctest.Wait()
		f.c.Close()
		if err := <-result; !errors.Is(err, openrpc.ErrClientClosed) || errors.Is(err, openrpc.ErrConnectionLost) {
			t.Errorf("waiting call after Close: %v, want ErrClientClosed alone", err)
		}
		expect(t, evs, "error: openrpc: client closed: Close was called")
		dials := len(f.net.dialTimes())
		time.Sleep(time.Minute)
		if n := len(f.net.dialTimes()); n != dials {
			t.Errorf("%d dials after Close, want none", n-dials)
		}
	})
}

func TestNewReconnectingClient_firstDialFails(t *testing.T) {
	net := &pipeNet{refuse: true}
	if _, err := openrpc.NewReconnectingClient(t.Context(), net.dial, nil); !errors.Is(err, errRefused) {
		t.Errorf("got %v, want the dial's error", err)
	}
}

// heldClose is a connection whose Close waits until release is closed.
type heldClose struct {
	openrpc.Conn
	release chan struct{}
}

func (c *heldClose) Close() error {
	<-c.release
	return c.Conn.Close()
}

// Unsubscribe right after the loss, before the client has set the subscription aside to
// restore it, ends it at once: it does not wait for the next connection to send the old
// connection's id there.
func TestSubscription_Unsubscribe_atTheLoss(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fs := newFeedServer()
		net := &pipeNet{srv: fs.srv}
		release := make(chan struct{})
		first := true
		dial := func(ctx context.Context) (openrpc.Conn, error) {
			conn, err := net.dial(ctx)
			if first {
				first = false
				return &heldClose{Conn: conn, release: release}, err
			}
			return conn, err
		}
		c, err := openrpc.NewReconnectingClient(t.Context(), dial, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		sub, err := openrpc.Subscribe[FeedEvent](t.Context(), c, "feed", FeedParams{Tag: "a"})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, fs.running, "started a")
		net.cut(false)
		expect(t, fs.running, "ended a")
		synctest.Wait() // the client's reader is in Close

		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		if err := sub.Unsubscribe(ctx); err != nil || time.Since(start) != 0 {
			t.Errorf("Unsubscribe at the loss: %v after %v, want nil at once", err, time.Since(start))
		}
		close(release)
		if got, err := openrpc.Call[string](t.Context(), c, "echo", map[string]string{"s": "x"}); err != nil || got != "x" {
			t.Fatalf("call after the reconnect: %q, %v", got, err)
		}
		synctest.Wait()
		select {
		case got := <-fs.running:
			t.Errorf("server: %q, want the unsubscribed subscription not restored", got)
		default:
		}
	})
}
