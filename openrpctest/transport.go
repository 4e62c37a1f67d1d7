package openrpctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
)

// Transport is what [TestTransport] needs of a transport under test.
type Transport struct {
	// Name is the Caller.Transport the transport attaches to calls, e.g. "websocket".
	Name string
	// Connect serves srv over the transport (until the end of t) and returns a client
	// connected to it; the suite closes the client.
	Connect func(t *testing.T, srv *openrpc.Server) *openrpc.Client
	// RoundTrip, when set, sends one raw message to srv over the transport and returns the
	// raw reply, nil when there is none, also when the transport refuses the message with a
	// JSON-RPC error (HTTP's 413). Set it for request/response transports.
	RoundTrip func(t *testing.T, srv *openrpc.Server) func(ctx context.Context, msg []byte) ([]byte, error)
	// Dial, when set, opens a raw connection to srv over the transport. Set it for stream
	// transports (WebSocket, stdio).
	Dial func(t *testing.T, srv *openrpc.Server) openrpc.Conn
	// Cancels reports whether a client going away cancels the calls it had in flight.
	Cancels bool
}

// TestTransport checks that a transport carries JSON-RPC 2.0 exactly: the specification's
// examples byte for byte, typed calls, notifications and batches through openrpc.Client,
// 200 concurrent calls, caller details, the size limit (a message of exactly
// MaxRequestBytes is served, one byte more is answered with [openrpc.CodeTooLarge] and id
// null, which the client returns to every call waiting for it; the server keeps serving),
// and cancellation of calls whose client went away.
func TestTransport(t *testing.T, tr Transport) {
	t.Run("spec vectors", func(t *testing.T) {
		// One message at a time, so that the reply to a message comes before the next one's.
		srv := openrpc.NewServer(openrpc.Info{Title: "conformance", Version: "1"}, &openrpc.ServerOptions{
			Limits: openrpc.Limits{MaxInFlight: 1},
		})
		RegisterSpecMethods(srv)
		roundTrip := rawRoundTrip(t, tr, srv)
		RunSpecVectors(t, func(t *testing.T, req []byte) []byte {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			reply, err := roundTrip(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			return reply
		})
	})

	t.Run("client", func(t *testing.T) {
		srv := suiteServer(tr.Name)
		c := tr.Connect(t, srv)
		t.Cleanup(func() { c.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if got, err := openrpc.Call[float64](ctx, c, "subtract", []int{42, 23}); err != nil || got != 19 {
			t.Errorf("subtract by position: got %v, %v; want 19", got, err)
		}
		if got, err := openrpc.Call[float64](ctx, c, "subtract", SubtractParams{Minuend: 42, Subtrahend: 23}); err != nil || got != 19 {
			t.Errorf("subtract by name: got %v, %v; want 19", got, err)
		}
		if err := c.Notify(ctx, "update", []int{1, 2, 3}); err != nil {
			t.Errorf("notify: %v", err)
		}
		var rpcErr *openrpc.Error
		if _, err := openrpc.Call[int](ctx, c, "foobar", nil); !errors.As(err, &rpcErr) || rpcErr.Code != openrpc.CodeMethodNotFound {
			t.Errorf("unknown method: got %v, want a -32601 *openrpc.Error", err)
		}
		var sum, diff float64
		var data []any
		calls := []openrpc.BatchCall{
			{Method: "sum", Params: []int{1, 2, 4}, Result: &sum},
			{Method: "notify_hello", Params: []int{7}, Notify: true},
			{Method: "subtract", Params: []int{42, 23}, Result: &diff},
			{Method: "foo.get", Params: map[string]string{"name": "myself"}},
			{Method: "get_data", Result: &data},
		}
		if err := c.Batch(ctx, calls); err != nil {
			t.Fatalf("batch: %v", err)
		}
		if sum != 7 || diff != 19 || fmt.Sprint(data) != "[hello 5]" || calls[0].Err != nil || calls[2].Err != nil || calls[4].Err != nil {
			t.Errorf("batch results: sum %v diff %v data %v errs %v %v %v", sum, diff, data, calls[0].Err, calls[2].Err, calls[4].Err)
		}
		if !errors.As(calls[3].Err, &rpcErr) || rpcErr.Code != openrpc.CodeMethodNotFound {
			t.Errorf("batch item of an unknown method: got %v", calls[3].Err)
		}
		if got, err := openrpc.Call[string](ctx, c, "openrpctest.transport", nil); err != nil || got != tr.Name {
			t.Errorf("caller transport: got %q, %v; want %q", got, err, tr.Name)
		}
	})

	t.Run("200 concurrent calls", func(t *testing.T) {
		srv := suiteServer(tr.Name)
		c := tr.Connect(t, srv)
		t.Cleanup(func() { c.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for i := range 200 {
			wg.Go(func() {
				got, err := openrpc.Call[float64](ctx, c, "openrpctest.slow_add", []int{i, 1000})
				if err != nil || got != float64(i+1000) {
					errs <- fmt.Errorf("call %d: got %v, %v", i, got, err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("oversized message", func(t *testing.T) {
		srv := openrpc.NewServer(openrpc.Info{Title: "conformance", Version: "1"}, &openrpc.ServerOptions{
			Limits: openrpc.Limits{MaxRequestBytes: 1024},
		})
		RegisterSpecMethods(srv)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		big := make([]int, 1000)
		// The server answers with an error whose id is null (it could not read the id): the
		// client must give that error, with its code, to the call.
		c := tr.Connect(t, srv)
		t.Cleanup(func() { c.Close() })
		if _, err := openrpc.Call[float64](ctx, c, "sum", big); openrpc.CodeOf(err) != openrpc.CodeTooLarge {
			t.Errorf("oversized call: got %v, want a %d error", err, openrpc.CodeTooLarge)
		}
		// In a batch, every call waiting for the reply fails with it.
		c2 := tr.Connect(t, srv)
		t.Cleanup(func() { c2.Close() })
		calls := []openrpc.BatchCall{
			{Method: "sum", Params: big},
			{Method: "subtract", Params: []int{42, 23}},
		}
		if err := c2.Batch(ctx, calls); err != nil {
			if openrpc.CodeOf(err) != openrpc.CodeTooLarge {
				t.Errorf("oversized batch: got %v, want a %d error (or one for each call)", err, openrpc.CodeTooLarge)
			}
		} else {
			for i, call := range calls {
				if openrpc.CodeOf(call.Err) != openrpc.CodeTooLarge {
					t.Errorf("oversized batch, call %d: got %v, want a %d error", i, call.Err, openrpc.CodeTooLarge)
				}
			}
		}
		// The server keeps serving: a new connection works.
		c3 := tr.Connect(t, srv)
		t.Cleanup(func() { c3.Close() })
		if got, err := openrpc.Call[float64](ctx, c3, "sum", []int{1, 2}); err != nil || got != 3 {
			t.Errorf("after an oversized message: got %v, %v; want 3", got, err)
		}
	})

	t.Run("size limit boundary", func(t *testing.T) {
		const limit = 1024
		srv := openrpc.NewServer(openrpc.Info{Title: "conformance", Version: "1"}, &openrpc.ServerOptions{
			Limits: openrpc.Limits{MaxRequestBytes: limit, MaxInFlight: 1},
		})
		RegisterSpecMethods(srv)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		reply, err := rawRoundTrip(t, tr, srv)(ctx, CallOfSize(limit))
		if err != nil {
			t.Fatalf("a message of exactly the limit: %v", err)
		}
		if err := EqualJSON([]byte(`{"jsonrpc":"2.0","result":3,"id":1}`), reply); err != nil {
			t.Errorf("a message of exactly the limit: %v", err)
		}
		reply, err = rawExchange(t, tr, srv)(ctx, CallOfSize(limit+1))
		if err != nil {
			t.Fatalf("a message one byte over the limit: %v", err)
		}
		var resp struct {
			Error *struct{ Code openrpc.Code }
			ID    json.RawMessage
		}
		if err := json.Unmarshal(reply, &resp); err != nil || resp.Error == nil || resp.Error.Code != openrpc.CodeTooLarge || string(resp.ID) != "null" {
			t.Errorf("a message one byte over the limit: got %s, want a %d error with id null", reply, openrpc.CodeTooLarge)
		}
	})

	t.Run("subscriptions", func(t *testing.T) { testSubscriptions(t, tr) })

	if tr.Cancels {
		t.Run("client going away cancels its calls", func(t *testing.T) {
			srv := openrpc.NewServer(openrpc.Info{Title: "conformance", Version: "1"}, nil)
			started := make(chan struct{})
			canceled := make(chan error, 1)
			openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
				close(started)
				select {
				case <-ctx.Done():
					canceled <- ctx.Err()
				case <-time.After(10 * time.Second):
					canceled <- nil
				}
				return true, nil
			})
			c := tr.Connect(t, srv)
			callCtx, cancelCall := context.WithCancel(context.Background())
			go openrpc.Call[bool](callCtx, c, "block", nil)
			select {
			case <-started:
			case <-time.After(10 * time.Second):
				t.Fatal("the call never started")
			}
			cancelCall()
			c.Close()
			if err := <-canceled; err == nil {
				t.Error("the handler's context was not canceled when the client went away")
			}
		})
	}
}

// testSubscriptions checks that a connection transport (one with Dial) carries
// subscriptions: events in order, the last notification, unsubscribe ending the handler;
// and that a request/response transport refuses them clearly.
func testSubscriptions(t *testing.T, tr Transport) {
	srv := openrpc.NewServer(openrpc.Info{Title: "conformance", Version: "1"}, nil)
	ended := make(chan error, 1)
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "count"}, func(ctx context.Context, n []int, emit func(int) error) error {
		for i := range n[0] {
			if err := emit(i); err != nil {
				return err
			}
		}
		if n[0] == 0 { // run until unsubscribed
			<-ctx.Done()
			ended <- context.Cause(ctx)
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if tr.Dial == nil {
		reply, err := rawExchange(t, tr, srv)(ctx, []byte(`{"jsonrpc":"2.0","method":"count","params":[3],"id":1}`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(reply), `"code":-32600`) || !strings.Contains(string(reply), "count is a subscription") {
			t.Errorf("a subscription over a request/response transport: got %s, want -32600 saying which transports carry it", reply)
		}
		return
	}
	c := tr.Connect(t, srv)
	t.Cleanup(func() { c.Close() })
	sub, err := openrpc.Subscribe[int](ctx, c, "count", []int{500})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for ev, err := range sub.Events() {
		if err != nil {
			t.Fatalf("after %d events: %v", want, err)
		}
		if ev != want {
			t.Fatalf("event %d is %d: lost or out of order", want, ev)
		}
		want++
	}
	if want != 500 || sub.Err() != nil {
		t.Errorf("got %d events, ended with %v; want 500 and a clean end", want, sub.Err())
	}

	forever, err := openrpc.Subscribe[int](ctx, c, "count", []int{0})
	if err != nil {
		t.Fatal(err)
	}
	if err := forever.Unsubscribe(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case cause := <-ended:
		if cause == nil || !strings.Contains(cause.Error(), "unsubscribed") {
			t.Errorf("the handler ended with %v, want unsubscribed", cause)
		}
	case <-ctx.Done():
		t.Error("unsubscribing did not end the handler")
	}
}

// suiteServer is a server with the spec methods and the suite's own.
func suiteServer(transport string) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{Title: "conformance", Version: "1"}, nil)
	RegisterSpecMethods(srv)
	openrpc.Register(srv, openrpc.Method{Name: "openrpctest.transport"}, func(ctx context.Context, _ struct{}) (string, error) {
		c := openrpc.CallerFrom(ctx)
		if c == nil {
			return "", errors.New("no caller details")
		}
		return c.Transport, nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "openrpctest.slow_add"}, func(ctx context.Context, xs []int) (int, error) {
		time.Sleep(time.Millisecond)
		return xs[0] + xs[1], nil
	})
	return srv
}

// CallOfSize returns a call of the specification's sum method (see [RegisterSpecMethods])
// with params [1,2] and id 1, padded with a member servers ignore to exactly n bytes: for
// tests of a size limit on both sides of its boundary. Its answer is
// {"jsonrpc":"2.0","result":3,"id":1}. CallOfSize panics when n is under 64 bytes.
func CallOfSize(n int) []byte {
	const head, tail = `{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1,"pad":"`, `"}`
	pad := n - len(head) - len(tail)
	if pad < 0 {
		panic(fmt.Sprintf("openrpctest: CallOfSize(%d): a call is at least %d bytes", n, len(head)+len(tail)))
	}
	return []byte(head + strings.Repeat(" ", pad) + tail)
}

// rawExchange returns a function that sends one raw message over a new connection and
// returns the first reply, for messages that may end a stream connection (one over the size
// limit closes a WebSocket).
func rawExchange(t *testing.T, tr Transport, srv *openrpc.Server) func(ctx context.Context, msg []byte) ([]byte, error) {
	if tr.RoundTrip != nil {
		return tr.RoundTrip(t, srv)
	}
	return func(ctx context.Context, msg []byte) ([]byte, error) {
		conn := tr.Dial(t, srv)
		defer conn.Close()
		if err := conn.Send(ctx, msg); err != nil {
			return nil, err
		}
		return conn.Recv(ctx)
	}
}

// marker is sent after a message on a stream transport: with one message processed at a
// time, its reply tells that the message before it got none.
const marker = `{"jsonrpc":"2.0","method":"get_data","id":"openrpctest-marker"}`

// rawRoundTrip returns a raw exchange over the transport.
func rawRoundTrip(t *testing.T, tr Transport, srv *openrpc.Server) func(ctx context.Context, msg []byte) ([]byte, error) {
	if tr.RoundTrip != nil {
		return tr.RoundTrip(t, srv)
	}
	conn := tr.Dial(t, srv)
	t.Cleanup(func() { conn.Close() })
	return func(ctx context.Context, msg []byte) ([]byte, error) {
		if err := conn.Send(ctx, msg); err != nil {
			return nil, err
		}
		if err := conn.Send(ctx, []byte(marker)); err != nil {
			return nil, err
		}
		var reply []byte
		for {
			got, err := conn.Recv(ctx)
			if err != nil {
				return nil, err
			}
			if strings.Contains(string(got), `"openrpctest-marker"`) {
				return reply, nil
			}
			if reply != nil {
				return nil, fmt.Errorf("two replies to one message: %s and %s", reply, got)
			}
			reply = got
		}
	}
}
