package openrpc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

// Regression: MaxInFlight handlers that call back their peer deadlock the connection: the reader
// waits for a slot before it can read the peer's responses those handlers wait for.
func TestRegression_peerCallsFillMaxInFlightDeadlock(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxInFlight: 2}})
	openrpc.Register(srv, openrpc.Method{Name: "ask"}, func(ctx context.Context, _ struct{}) (string, error) {
		peer, _ := openrpc.Peer(ctx)
		return openrpc.Call[string](ctx, peer, "whoami", nil)
	})
	local := openrpc.NewServer(openrpc.Info{Title: "c", Version: "1"}, nil)
	gate := make(chan struct{})
	openrpc.Register(local, openrpc.Method{Name: "whoami"}, func(context.Context, struct{}) (string, error) { <-gate; return "alice", nil })
	client, server := openrpctest.Pipe()
	go srv.ServeConn(t.Context(), server, nil)
	c := openrpc.NewConnClient(client, &openrpc.ClientOptions{Server: local})
	defer c.Close()
	time.AfterFunc(200*time.Millisecond, func() { close(gate) }) // all three asks are read by then

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 { // one more than MaxInFlight
		wg.Go(func() {
			_, err := openrpc.Call[string](ctx, c, "ask", nil)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("3 concurrent calls with MaxInFlight 2: %v (deadlock)", err)
		}
	}
}

// halfClosed delivers its messages, then io.EOF (a stdio peer that closed stdin but still
// reads stdout). What is sent goes to sent.
type halfClosed struct {
	in   chan []byte
	sent chan []byte
	done chan struct{}
	once sync.Once
}

func (h *halfClosed) Recv(ctx context.Context) ([]byte, error) {
	select {
	case m, ok := <-h.in:
		if !ok {
			return nil, io.EOF
		}
		return m, nil
	case <-h.done:
		return nil, io.ErrClosedPipe
	}
}
func (h *halfClosed) Send(ctx context.Context, msg []byte) error {
	select {
	case h.sent <- append([]byte(nil), msg...):
	default:
	}
	return nil
}
func (h *halfClosed) Close() error { h.once.Do(func() { close(h.done) }); return nil }

// Regression: After the peer's EOF no response can come, but a handler waiting on Peer(ctx).Call
// is neither canceled nor failed: ServeConn waits for it forever.
func TestRegression_eofWhileHandlerCallsPeerHangs(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "ask"}, func(ctx context.Context, _ struct{}) (string, error) {
		peer, _ := openrpc.Peer(ctx)
		return openrpc.Call[string](ctx, peer, "whoami", nil)
	})
	conn := &halfClosed{in: make(chan []byte, 1), sent: make(chan []byte, 8), done: make(chan struct{})}
	conn.in <- []byte(`{"jsonrpc":"2.0","method":"ask","id":1}`)
	returned := make(chan error, 1)
	go func() { returned <- srv.ServeConn(context.Background(), conn, nil) }()
	<-conn.sent    // the server's call to the peer went out
	close(conn.in) // the peer is done sending
	select {
	case <-returned:
	case <-time.After(2 * time.Second):
		t.Fatal("ServeConn did not return after the peer's EOF: the handler waits for a reply that cannot come")
	}
}

func startRaw(t *testing.T, srv *openrpc.Server, ctx context.Context) (openrpc.Conn, chan error) {
	client, server := openrpctest.Pipe()
	done := make(chan error, 1)
	go func() { done <- srv.ServeConn(ctx, server, nil) }()
	t.Cleanup(func() { client.Close() })
	return client, done
}

func recvWithin(c openrpc.Conn, d time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return c.Recv(ctx)
}

func tickServer(started chan<- struct{}, limits ...openrpc.Limits) *openrpc.Server {
	opts := &openrpc.ServerOptions{}
	for _, l := range limits {
		opts.Limits = l
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, opts)
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "tick"}, func(ctx context.Context, _ struct{}, emit func(int) error) error {
		if started != nil {
			started <- struct{}{}
		}
		for i := 0; ; i++ {
			if err := emit(i); err != nil {
				return nil
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	openrpc.Register(srv, openrpc.Method{Name: "ping"}, func(context.Context, struct{}) (bool, error) { return true, nil })
	return srv
}

// Regression: A subscribe sent as a notification starts a subscription whose id the client never
// learns: events stream to it until the connection ends and it cannot be unsubscribed.
func TestRegression_subscribeAsNotificationStartsOrphan(t *testing.T) {
	c, _ := startRaw(t, tickServer(nil), t.Context())
	if err := c.Send(t.Context(), []byte(`{"jsonrpc":"2.0","method":"tick"}`)); err != nil {
		t.Fatal(err)
	}
	if msg, err := recvWithin(c, 300*time.Millisecond); err == nil {
		t.Fatalf("a notification started a subscription; got %s", msg)
	}
}

// Regression: No bound on the subscriptions of one connection: each costs two goroutines and a
// buffer; a client can open them until the server runs out of memory.
func TestRegression_subscriptionsPerConnectionUnbounded(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, nil)
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "idle"}, func(ctx context.Context, _ struct{}, emit func(int) error) error {
		<-ctx.Done()
		return nil
	})
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	before := runtime.NumGoroutine()
	const n = 5000
	for i := range n {
		if _, err := openrpc.Subscribe[int](t.Context(), c, "idle", nil); err != nil {
			t.Logf("refused at %d: %v", i, err)
			return
		}
	}
	t.Fatalf("%d subscriptions accepted on one connection, goroutines %d -> %d: no limit", n, before, runtime.NumGoroutine())
}

// Regression: ServeConn answers a response it did not ask for with -32600 carrying the response's
// id. With id null, the client fails every call in flight with that error.
func TestRegression_serverRepliesToUnsolicitedResponse(t *testing.T) {
	c, _ := startRaw(t, tickServer(nil), t.Context())
	c.Send(t.Context(), []byte(`{"jsonrpc":"2.0","id":7,"result":true}`))
	if msg, err := recvWithin(c, 300*time.Millisecond); err == nil {
		t.Errorf("the server answered a response: %s", msg)
	}
}

func TestRegression_unsolicitedNullErrorFailsClientCalls(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, nil)
	release := make(chan struct{})
	openrpc.Register(srv, openrpc.Method{Name: "slow"}, func(ctx context.Context, _ struct{}) (bool, error) {
		<-release
		return true, nil
	})
	client, server := openrpctest.Pipe()
	go srv.ServeConn(t.Context(), server, nil)
	c := openrpc.NewConnClient(client, nil)
	defer c.Close()
	res := make(chan error, 1)
	go func() { _, err := openrpc.Call[bool](t.Context(), c, "slow", nil); res <- err }()
	time.Sleep(50 * time.Millisecond)
	// A stray error response with id null (what any peer's parser sends for garbage) reaches
	// the server on the same connection.
	if err := sendRaw(client, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	if err := <-res; err != nil {
		t.Fatalf("an unrelated call failed with %v: the server answered a response with -32600 id null", err)
	}
}

func sendRaw(c openrpc.Conn, s string) error { return c.Send(context.Background(), []byte(s)) }

// Regression: Shutdown while a subscription's writer is blocked on a peer that does not read:
// ServeConn waits for the writer before it closes the connection, so it never returns.
func TestRegression_shutdownWithBlockedWriterHangs(t *testing.T) {
	started := make(chan struct{}, 1)
	ctx, shutdown := context.WithCancel(context.Background())
	// The last-notification phase of a shutdown is bounded by SubscriptionStall.
	c, done := startRaw(t, tickServer(started, openrpc.Limits{SubscriptionStall: 200 * time.Millisecond}), ctx)
	sendRaw(c, `{"jsonrpc":"2.0","method":"tick","id":1}`)
	if _, err := recvWithin(c, time.Second); err != nil { // the subscribe reply
		t.Fatal(err)
	}
	<-started
	time.Sleep(50 * time.Millisecond) // the writer is now blocked sending event 1: we do not read
	shutdown()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("ServeConn did not return after shutdown: waits for a writer blocked on a peer that does not read, and closes the conn only after")
	}
}

// Regression: A client without ClientOptions.Server drops a server's call with an id instead of
// answering -32601: the handler's Peer call waits until the connection ends.
func TestRegression_clientWithoutServerNeverAnswersCalls(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "ask"}, func(ctx context.Context, _ struct{}) (string, error) {
		peer, _ := openrpc.Peer(ctx)
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		_, err := openrpc.Call[string](ctx, peer, "whoami", nil)
		return "", err
	})
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	_, err := openrpc.Call[string](t.Context(), c, "ask", nil)
	var e *openrpc.Error
	if !errors.As(err, &e) || e.Code != openrpc.CodeMethodNotFound {
		t.Fatalf("got %v; want the peer's -32601 Method not found promptly", err)
	}
}

// Regression: rpc.cancel needs an in-flight slot like any call: when MaxInFlight calls wait on
// their context, the cancel that would free them waits for a slot, and nothing moves.
func TestRegression_cancelStuckBehindMaxInFlight(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxInFlight: 1}})
	canceled := make(chan struct{}, 1)
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
		<-ctx.Done()
		canceled <- struct{}{}
		return false, ctx.Err()
	})
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	openrpc.Call[bool](ctx, c, "block", nil)
	select {
	case <-canceled:
	case <-time.After(2 * time.Second):
		t.Fatal("rpc.cancel never reached the call: it waits for the in-flight slot the call holds")
	}
}

// Regression: rpc.cancel that arrives right after its call can be processed before the call is
// tracked: it is lost and the call runs on.
func TestRegression_cancelOvertakesCall(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, nil)
	canceled := make(chan int, 1000)
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, p []int) (bool, error) {
		select {
		case <-ctx.Done():
			canceled <- p[0]
		case <-time.After(2 * time.Second):
		}
		return false, nil
	})
	c, _ := startRaw(t, srv, t.Context())
	go func() { // drain replies
		for {
			if _, err := c.Recv(context.Background()); err != nil {
				return
			}
		}
	}()
	const n = 40
	for i := range n {
		sendRaw(c, fmt.Sprintf(`{"jsonrpc":"2.0","method":"block","params":[%d],"id":%d}`, i, i))
		sendRaw(c, fmt.Sprintf(`{"jsonrpc":"2.0","method":"rpc.cancel","params":{"id":%d}}`, i))
	}
	got := 0
	timeout := time.After(1500 * time.Millisecond)
	for got < n {
		select {
		case <-canceled:
			got++
		case <-timeout:
			t.Fatalf("%d of %d calls canceled right after they were sent: the others' rpc.cancel was lost", got, n)
		}
	}
}

// Regression: A client with ClientOptions.Server runs each call or notification of the server in a
// goroutine of its own, with no bound: a server that pushes faster than the client's
// handlers finish grows the client's goroutines (and the messages they hold) without limit.
func TestRegression_clientServeUnbounded(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "flood"}, func(ctx context.Context, _ struct{}) (bool, error) {
		peer, _ := openrpc.Peer(ctx)
		for range 5000 {
			peer.Notify(ctx, "note", []int{1})
		}
		return true, nil
	})
	release := make(chan struct{})
	defer close(release)
	local := openrpc.NewServer(openrpc.Info{Title: "c", Version: "1"}, nil)
	openrpc.RegisterNotification(local, openrpc.Method{Name: "note"}, func(context.Context, []int) error { <-release; return nil })
	client, server := openrpctest.Pipe()
	go srv.ServeConn(t.Context(), server, nil)
	c := openrpc.NewConnClient(client, &openrpc.ClientOptions{Server: local})
	defer c.Close()
	before := runtime.NumGoroutine()
	if _, err := openrpc.Call[bool](t.Context(), c, "flood", nil); err != nil {
		t.Fatal(err)
	}
	if g := runtime.NumGoroutine() - before; g > 1000 {
		t.Fatalf("%d goroutines on the client for 5000 pushed notifications: no bound (a server's MaxInFlight has one)", g)
	}
}

// Regression: A subscribe whose reply is replaced by an error (here: a batch past MaxResponseBytes;
// likewise a middleware that fails after next) still starts: the client got an error, not
// an id, yet events stream to it until the connection ends.
func TestRegression_subscribeReplyReplacedLeavesOrphan(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxResponseBytes: 200, BatchConcurrency: 1}})
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "tick"}, func(ctx context.Context, _ struct{}, emit func(int) error) error {
		for i := 0; ; i++ {
			if emit(i) != nil {
				return nil
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	openrpc.Register(srv, openrpc.Method{Name: "big"}, func(context.Context, struct{}) (string, error) { return strings.Repeat("x", 300), nil })
	c, _ := startRaw(t, srv, t.Context())
	sendRaw(c, `[{"jsonrpc":"2.0","method":"big","id":1},{"jsonrpc":"2.0","method":"tick","id":2}]`)
	reply, err := recvWithin(c, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(reply), `"result":"0x`) {
		t.Skipf("the subscribe reply went out: %s", reply)
	}
	if msg, err := recvWithin(c, 300*time.Millisecond); err == nil {
		t.Fatalf("reply %s\nbut the subscription runs: %s", reply, msg)
	}
}
func TestRegression_replyToServerCallGoesOutOnTheNextConnection(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "s", Version: "1"}, &openrpc.ServerOptions{Logger: slog.New(slog.DiscardHandler)})
	openrpc.Register(srv, openrpc.Method{Name: "ask"}, func(ctx context.Context, _ struct{}) (string, error) {
		peer, _ := openrpc.Peer(ctx)
		for range 4 { // peer ids 1..4
			if _, err := openrpc.Call[bool](ctx, peer, "noop", nil); err != nil {
				return "", err
			}
		}
		return openrpc.Call[string](ctx, peer, "whoami", nil) // peer id 5
	})
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
		<-ctx.Done()
		return false, ctx.Err()
	})
	entered, release := make(chan struct{}), make(chan struct{})
	local := openrpc.NewServer(openrpc.Info{Title: "c", Version: "1"}, nil)
	openrpc.Register(local, openrpc.Method{Name: "noop"}, func(context.Context, struct{}) (bool, error) { return true, nil })
	openrpc.Register(local, openrpc.Method{Name: "whoami"}, func(context.Context, struct{}) (string, error) {
		close(entered)
		<-release
		return "alice", nil
	})
	n := &pipeNet{srv: srv}
	back := make(chan struct{}, 1)
	c, err := openrpc.NewReconnectingClient(t.Context(), n.dial, &openrpc.ReconnectOptions{BaseDelay: time.Millisecond, Client: &openrpc.ClientOptions{Server: local},
		OnReconnect: func(_ int, err error) {
			if err == nil {
				back <- struct{}{}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go openrpc.Call[string](t.Context(), c, "ask", nil) // client id 1, on connection A
	<-entered
	n.cut(false) // A is lost; the client dials B
	<-back
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	errs := make(chan error, 4)
	for range 4 { // client ids 2..5 on B
		go func() { _, err := openrpc.Call[bool](ctx, c, "block", nil); errs <- err }()
	}
	time.Sleep(100 * time.Millisecond)
	close(release) // the answer to A's peer call 5 goes out on B
	for range 4 {
		if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a call on the new connection ended with %v, want its deadline", err)
		}
	}
}
