package openrpc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/openrpc-go/openrpc"
)

// chanConn is an in-memory Conn for tests of ServeConn and the client's reader, beside the
// real transports' tests in rpchttp and rpcstdio.
type chanConn struct {
	in     chan []byte
	mu     sync.Mutex
	out    [][]byte
	closed chan struct{}
	once   sync.Once
}

func newChanConn() *chanConn {
	return &chanConn{in: make(chan []byte, 100), closed: make(chan struct{})}
}

func (c *chanConn) Recv(ctx context.Context) ([]byte, error) {
	select {
	case <-c.closed: // like a real connection: nothing is read after Close
		return nil, errors.New("closed")
	default:
	}
	select {
	case m, ok := <-c.in:
		if !ok {
			return nil, io.EOF
		}
		return m, nil
	case <-c.closed:
		return nil, errors.New("closed")
	}
}

func (c *chanConn) Send(ctx context.Context, msg []byte) error {
	select {
	case <-c.closed:
		return errors.New("send on a closed connection")
	default:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = append(c.out, msg)
	return nil
}

// replies returns what was sent on the connection.
func (c *chanConn) replies() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.out {
		out = append(out, string(r))
	}
	return out
}

func (c *chanConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

// Regression: a shutdown racing with a message being admitted used to lose its reply, or
// panic with "WaitGroup is reused before previous Wait has returned". The first call runs
// and the second has been read, waiting for the in-flight slot, when the shutdown comes:
// both were read before it, so both are answered.
func TestServer_ServeConn_shutdownAnswersEveryMessageRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		started := make(chan struct{}, 2)
		release := make(chan struct{})
		srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxInFlight: 1}})
		openrpc.Register(srv, openrpc.Method{Name: "slow"}, func(context.Context, struct{}) (bool, error) {
			started <- struct{}{}
			<-release
			return true, nil
		})
		conn := newChanConn()
		conn.in <- []byte(`{"jsonrpc":"2.0","method":"slow","id":1}`)
		conn.in <- []byte(`{"jsonrpc":"2.0","method":"slow","id":2}`)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.ServeConn(ctx, conn, nil) }()
		<-started
		synctest.Wait() // the first call blocks; the loop has read the second and waits for the slot
		if len(conn.in) != 0 {
			t.Fatalf("%d messages unread, want the loop to have read both", len(conn.in))
		}
		cancel()
		synctest.Wait()
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("ServeConn: %v", err)
		}
		got := strings.Join(conn.replies(), " ")
		if n := len(conn.replies()); n != 2 || !strings.Contains(got, `"result":true,"id":1`) || !strings.Contains(got, `"id":2`) {
			t.Fatalf("got %d replies %s, want both calls answered, the first with its result", n, got)
		}
	})
}

// Shutdowns at moments spread over a call's life: never a panic or an error, every reply
// well-formed.
func TestServer_ServeConn_shutdownAtAnyMoment(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxInFlight: 1}})
	openrpc.Register(srv, openrpc.Method{Name: "slow"}, func(context.Context, struct{}) (bool, error) {
		for range 20 {
			runtime.Gosched()
		}
		return true, nil
	})
	for i := range 200 {
		conn := newChanConn()
		conn.in <- []byte(`{"jsonrpc":"2.0","method":"slow","id":1}`)
		conn.in <- []byte(`{"jsonrpc":"2.0","method":"slow","id":2}`)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.ServeConn(ctx, conn, nil) }()
		for range i % 40 {
			runtime.Gosched()
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("iteration %d: ServeConn: %v", i, err)
		}
		for _, r := range conn.replies() {
			if !strings.Contains(r, `"result":true`) && !strings.Contains(r, `"code":-32004`) {
				t.Fatalf("iteration %d: unexpected reply %s", i, r)
			}
		}
	}
}

func TestServer_ServeConn_eofFinishesCalls(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "echo"}, func(_ context.Context, p []int) ([]int, error) { return p, nil })
	conn := newChanConn()
	for i := range 10 {
		conn.in <- fmt.Appendf(nil, `{"jsonrpc":"2.0","method":"echo","params":[%d],"id":%d}`, i, i)
	}
	conn.in <- []byte(`{"jsonrpc":"2.0","method":"echo","params":[1]}`) // a notification: no reply
	close(conn.in)
	if err := srv.ServeConn(context.Background(), conn, nil); err != nil {
		t.Fatal(err)
	}
	if len(conn.out) != 10 {
		t.Errorf("got %d replies, want 10", len(conn.out))
	}
}

// replyThenEOF answers the first message it is sent, then ends.
type replyThenEOF struct {
	ch chan []byte
}

func (c *replyThenEOF) Recv(ctx context.Context) ([]byte, error) {
	m, ok := <-c.ch
	if !ok {
		return nil, io.EOF
	}
	return m, nil
}

func (c *replyThenEOF) Send(ctx context.Context, msg []byte) error {
	id := msg[strings.LastIndex(string(msg), `"id":`)+5 : len(msg)-1]
	c.ch <- []byte(`{"jsonrpc":"2.0","result":true,"id":` + string(id) + `}`)
	close(c.ch)
	return nil
}

func (c *replyThenEOF) Close() error { return nil }

// Regression: a reply that arrived just before the connection ended was sometimes dropped.
func TestClient_replyBeforeConnectionEnds(t *testing.T) {
	for i := range 300 {
		c := openrpc.NewConnClient(&replyThenEOF{ch: make(chan []byte, 1)}, nil)
		if ok, err := openrpc.Call[bool](context.Background(), c, "m", nil); err != nil || !ok {
			t.Fatalf("iteration %d: got %v, %v; want the reply", i, ok, err)
		}
	}
}
