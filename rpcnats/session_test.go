package rpcnats_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpcnats"
)

// shortPings keeps liveness checks quick in tests.
var shortPings = &rpcnats.DialOptions{PingInterval: 20 * time.Millisecond}

func dial(t *testing.T, nc *nats.Conn, subject string, opts *rpcnats.DialOptions) *openrpc.Client {
	t.Helper()
	c, err := rpcnats.Dial(t.Context(), nc, subject, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestTransport_NATSSession(t *testing.T) {
	url := runNATS(t, 0)
	openrpctest.TestTransport(t, openrpctest.Transport{
		Name: "nats",
		Connect: func(t *testing.T, srv *openrpc.Server) *openrpc.Client {
			subject, _ := start(t, url, srv, nil)
			c, err := rpcnats.Dial(t.Context(), connect(t, url), subject, nil)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Dial: func(t *testing.T, srv *openrpc.Server) openrpc.Conn {
			subject, _ := start(t, url, srv, nil)
			conn, err := rpcnats.DialConn(t.Context(), connect(t, url), subject, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			return conn
		},
		Cancels: true,
	})
}

// blocker is a server whose "wait" subscription reports each handler's start and end.
type blocker struct {
	srv     *openrpc.Server
	started chan string
	ended   chan error
	emit    chan int
}

func newBlocker(name string) *blocker {
	b := &blocker{
		srv:     openrpc.NewServer(openrpc.Info{Title: "blocker", Version: "1"}, nil),
		started: make(chan string, 10), ended: make(chan error, 10), emit: make(chan int),
	}
	openrpc.RegisterSubscription(b.srv, openrpc.Method{Name: "wait"}, func(ctx context.Context, _ struct{}, emit func(int) error) error {
		b.started <- name
		for {
			select {
			case <-ctx.Done():
				b.ended <- context.Cause(ctx)
				return nil
			case n := <-b.emit:
				if err := emit(n); err != nil {
					return err
				}
			}
		}
	})
	openrpc.Register(b.srv, openrpc.Method{Name: "greet"}, func(ctx context.Context, _ struct{}) (string, error) {
		peer, ok := openrpc.Peer(ctx)
		if !ok {
			return "", errors.New("no peer")
		}
		name, err := openrpc.Call[string](ctx, peer, "name", nil)
		if err != nil {
			return "", err
		}
		return "hello " + name + " from " + name, nil
	})
	openrpc.Register(b.srv, openrpc.Method{Name: "whoami"}, func(ctx context.Context, _ struct{}) (string, error) {
		c := openrpc.CallerFrom(ctx)
		h := http.Header(c.Header)
		return c.Transport + " " + h.Get("Authorization") + " " + h.Get("X-Tenant"), nil
	})
	return b
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("nothing came")
		panic("unreachable")
	}
}

// A session carries the open request's headers as caller details, events in order, calls from the server back to the client (Peer), and
// unsubscribing.
func TestDial_subscriptionAndPeer(t *testing.T) {
	url := runNATS(t, 0)
	b := newBlocker("a")
	subject, _ := start(t, url, b.srv, nil)
	local := openrpc.NewServer(openrpc.Info{Title: "client", Version: "1"}, nil)
	openrpc.Register(local, openrpc.Method{Name: "name"}, func(ctx context.Context, _ struct{}) (string, error) {
		return "alice", nil
	})
	c := dial(t, connect(t, url), subject, &rpcnats.DialOptions{
		PingInterval: 20 * time.Millisecond, Client: &openrpc.ClientOptions{Server: local},
		BearerToken: "t0k", Header: nats.Header{"x-tenant": {"acme"}},
	})
	if got, err := openrpc.Call[string](t.Context(), c, "whoami", nil); err != nil || got != "nats Bearer t0k acme" {
		t.Errorf("caller details: got %q, %v", got, err)
	}
	if got, err := openrpc.Call[string](t.Context(), c, "greet", nil); err != nil || got != "hello alice from alice" {
		t.Fatalf("greet: got %q, %v", got, err)
	}
	sub, err := openrpc.Subscribe[int](t.Context(), c, "wait", nil)
	if err != nil {
		t.Fatal(err)
	}
	recv(t, b.started)
	next, stop := iterPull(sub)
	defer stop()
	for i := range 100 {
		b.emit <- i
		if got := next(t); got != i {
			t.Fatalf("event %d is %d", i, got)
		}
	}
	if err := sub.Unsubscribe(t.Context()); err != nil {
		t.Fatal(err)
	}
	if cause := recv(t, b.ended); cause == nil || !strings.Contains(cause.Error(), "unsubscribed") {
		t.Errorf("the handler ended with %v, want unsubscribed", cause)
	}
}

// iterPull reads a subscription's events one at a time.
func iterPull(sub *openrpc.Subscription[int]) (func(t *testing.T) int, func()) {
	evs := make(chan int)
	done := make(chan struct{})
	go func() {
		for ev, err := range sub.Events() {
			if err != nil {
				return
			}
			select {
			case evs <- ev:
			case <-done:
				return
			}
		}
	}()
	return func(t *testing.T) int { t.Helper(); return recv(t, evs) }, func() { close(done) }
}

// Closing the client ends its session on the service at once.
func TestDial_closeEndsTheSession(t *testing.T) {
	url := runNATS(t, 0)
	b := newBlocker("a")
	subject, svc := start(t, url, b.srv, nil)
	// Pings so rare that only the close message can end the session within the test.
	c, err := rpcnats.Dial(t.Context(), connect(t, url), subject, &rpcnats.DialOptions{PingInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openrpc.Subscribe[int](t.Context(), c, "wait", nil); err != nil {
		t.Fatal(err)
	}
	recv(t, b.started)
	if n := svc.Sessions(); n != 1 {
		t.Errorf("%d sessions, want 1", n)
	}
	c.Close()
	if cause := recv(t, b.ended); cause == nil {
		t.Error("the handler's context ended without a cause")
	}
}

// A client that goes silent (no message, no ping) loses its session after three intervals.
func TestService_endsIdleSessions(t *testing.T) {
	url := runNATS(t, 0)
	b := newBlocker("a")
	subject, _ := start(t, url, b.srv, nil)
	nc := connect(t, url)
	inbox := nc.NewInbox()
	fromService, err := nc.SubscribeSync(inbox)
	if err != nil {
		t.Fatal(err)
	}
	req := nats.NewMsg(subject)
	req.Header.Set(rpcnats.SessionHeader, "open")
	req.Header.Set("Openrpc-Session-Inbox", inbox)
	req.Header.Set(rpcnats.SessionIntervalHeader, "50")
	reply, err := nc.RequestMsgWithContext(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	session := reply.Header.Get(rpcnats.SessionHeader)
	if !strings.HasPrefix(session, subject+".session.") {
		t.Fatalf("session subject %q", session)
	}
	if err := nc.Publish(session, []byte(`{"jsonrpc":"2.0","method":"wait","id":1}`)); err != nil {
		t.Fatal(err)
	}
	recv(t, b.started)
	// The client never pings: the service ends the session, its subscription with it, and
	// says so on the client's inbox.
	if cause := recv(t, b.ended); cause == nil {
		t.Error("the handler's context ended without a cause")
	}
	for {
		m, err := fromService.NextMsgWithContext(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.Get(rpcnats.SessionHeader) == "close" {
			break
		}
	}
	// The session subject has no listener left.
	if _, err := nc.RequestWithContext(t.Context(), session+".ping", nil); !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("ping after the idle end: %v, want no responders", err)
	}
}

// The service's session limit refuses sessions past it with -32004.
func TestService_MaxSessions(t *testing.T) {
	url := runNATS(t, 0)
	b := newBlocker("a")
	subject, _ := start(t, url, b.srv, &rpcnats.ServeOptions{MaxSessions: 1})
	nc := connect(t, url)
	dial(t, nc, subject, shortPings)
	_, err := rpcnats.Dial(t.Context(), nc, subject, shortPings)
	if openrpc.CodeOf(err) != openrpc.CodeOverloaded || !strings.Contains(err.Error(), "too many sessions") {
		t.Errorf("a session over the limit: %v, want -32004 too many sessions", err)
	}
}

// When the serving instance shuts down, its subscriptions end with a last notification and
// the client's calls fail with ErrConnectionLost.
func TestDial_instanceShutdown(t *testing.T) {
	url := runNATS(t, 0)
	b := newBlocker("a")
	subject, svc := start(t, url, b.srv, nil)
	c := dial(t, connect(t, url), subject, shortPings)
	sub, err := openrpc.Subscribe[int](t.Context(), c, "wait", nil)
	if err != nil {
		t.Fatal(err)
	}
	recv(t, b.started)
	if err := svc.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitEnd(t, sub)
	if !strings.Contains(sub.Err().Error(), "shutting down") {
		t.Errorf("the subscription ended with %v, want the server shutting down", sub.Err())
	}
	if _, err := openrpc.Call[string](t.Context(), c, "greet", nil); !errors.Is(err, openrpc.ErrConnectionLost) {
		t.Errorf("a call after the shutdown: %v, want ErrConnectionLost", err)
	}
}

// When the serving instance's NATS connection dies, its pings find no responder and the
// call in flight fails with ErrConnectionLost.
func TestDial_instanceKilled(t *testing.T) {
	url := runNATS(t, 0)
	b := newBlocker("a")
	subject := newSubject()
	svcConn := connect(t, url)
	if _, err := rpcnats.Start(svcConn, subject, b.srv, nil); err != nil {
		t.Fatal(err)
	}
	c := dial(t, connect(t, url), subject, shortPings)
	sub, err := openrpc.Subscribe[int](t.Context(), c, "wait", nil)
	if err != nil {
		t.Fatal(err)
	}
	recv(t, b.started)
	svcConn.Close()
	waitEnd(t, sub)
	if !errors.Is(sub.Err(), openrpc.ErrConnectionLost) {
		t.Errorf("the subscription ended with %v, want ErrConnectionLost", sub.Err())
	}
	if _, err := openrpc.Call[string](t.Context(), c, "greet", nil); !errors.Is(err, openrpc.ErrConnectionLost) {
		t.Errorf("a call after the instance died: %v, want ErrConnectionLost", err)
	}
}

// A reconnecting client over DialConn lands on another instance of the queue group when
// its instance dies, and its subscription is restored there.
func TestDialConn_reconnectsToAnotherInstance(t *testing.T) {
	url := runNATS(t, 0)
	subject := newSubject()
	instances := map[string]*blocker{"a": newBlocker("a"), "b": newBlocker("b")}
	conns := map[string]*nats.Conn{}
	for name, b := range instances {
		conns[name] = connect(t, url)
		svc, err := rpcnats.Start(conns[name], subject, b.srv, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { svc.Shutdown(t.Context()) })
	}
	nc := connect(t, url)
	c, err := openrpc.NewReconnectingClient(t.Context(), func(ctx context.Context) (openrpc.Conn, error) {
		return rpcnats.DialConn(ctx, nc, subject, shortPings)
	}, &openrpc.ReconnectOptions{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sub, err := openrpc.Subscribe[int](t.Context(), c, "wait", nil)
	if err != nil {
		t.Fatal(err)
	}
	var first string
	select {
	case first = <-instances["a"].started:
	case first = <-instances["b"].started:
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription did not start")
	}
	other := map[string]string{"a": "b", "b": "a"}[first]
	next, stop := iterPull(sub)
	defer stop()
	instances[first].emit <- 1
	if got := next(t); got != 1 {
		t.Fatalf("event %d, want 1", got)
	}

	conns[first].Close()
	if got := recv(t, instances[other].started); got != other {
		t.Fatalf("restored on %q, want %q", got, other)
	}
	instances[other].emit <- 2
	if got := next(t); got != 2 {
		t.Fatalf("event %d after the reconnect, want 2", got)
	}
}

// An instance that holds a session but no longer answers its pings (hung, or cut off) loses
// the session after three unanswered pings: Recv fails with an unexpected EOF.
func TestDialConn_unansweredPings(t *testing.T) {
	url := runNATS(t, 0)
	subject := newSubject()
	hung := connect(t, url)
	session := subject + ".session.hung"
	pings := make(chan struct{}, 10)
	if _, err := hung.Subscribe(session+".ping", func(*nats.Msg) { pings <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	if _, err := hung.QueueSubscribe(subject, rpcnats.DefaultQueue, func(m *nats.Msg) {
		reply := nats.NewMsg(m.Reply)
		reply.Header.Set(rpcnats.SessionHeader, session)
		hung.PublishMsg(reply)
	}); err != nil {
		t.Fatal(err)
	}
	if err := hung.Flush(); err != nil {
		t.Fatal(err)
	}
	conn, err := rpcnats.DialConn(t.Context(), connect(t, url), subject, shortPings)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err = conn.Recv(ctx)
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "session lost") {
		t.Errorf("Recv: %v, want the session lost", err)
	}
	for range 3 { // the pings it sent reached the instance
		recv(t, pings)
	}
}

// waitEnd waits (at most 10s) for the subscription to end.
func waitEnd(t *testing.T, sub *openrpc.Subscription[int]) {
	t.Helper()
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for _, err := range sub.Events() {
			if err != nil {
				return
			}
		}
	}()
	recv(t, ended)
}
