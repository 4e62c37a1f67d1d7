package rpchttp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

func TestWebSocket_callerDetails(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "whoami"}, func(ctx context.Context, _ struct{}) ([]string, error) {
		c := openrpc.CallerFrom(ctx)
		_, isReq := c.Value.(*http.Request)
		return []string{c.Transport, c.Get("Authorization"), map[bool]string{true: "loopback"}[strings.HasPrefix(c.RemoteAddr, "127.0.0.1:")], map[bool]string{true: "request"}[isReq]}, nil
	})
	ts := serve(t, srv)
	c, err := rpchttp.DialWebSocket(context.Background(), wsURL(ts), &rpchttp.ClientOptions{BearerToken: "t0k"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := openrpc.Call[[]string](context.Background(), c, "whoami", nil)
	if want := "websocket Bearer t0k loopback request"; err != nil || strings.Join(got, " ") != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestWebSocket_oversizedMessageClosesWith1009(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxRequestBytes: 64}})
	ts := serve(t, srv)
	c, _, err := websocket.Dial(context.Background(), wsURL(ts), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"jsonrpc":"2.0","method":"x","params":["`+strings.Repeat("a", 1<<20)+`"],"id":1}`)); err != nil {
		t.Fatal(err)
	}
	_, reply, err := c.Read(ctx)
	if err != nil || !strings.Contains(string(reply), `"code":-32003`) {
		t.Fatalf("got %s, %v; want a -32003 error", reply, err)
	}
	_, _, err = c.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusMessageTooBig {
		t.Errorf("close status %v (%v), want 1009", got, err)
	}
}

// TestServe_gracefulShutdown starts calls over HTTP and WebSocket, shuts the server down while
// they run, and checks that Serve waits for them (also for the WebSocket calls alone, once
// the HTTP ones are done), that every one is answered and that the WebSocket is closed with
// 1001. It runs in a synctest bubble over in-memory connections, where time.Sleep lets the
// bubble's clock run and synctest.Wait tells when the shutdown has gone as far as it can
// while the calls block.
func TestServe_gracefulShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
		started := make(chan struct{}, 100)
		release := map[string]chan struct{}{"http": make(chan struct{}), "websocket": make(chan struct{})}
		openrpc.Register(srv, openrpc.Method{Name: "slow"}, func(ctx context.Context, p []int) (int, error) {
			started <- struct{}{}
			<-release[openrpc.CallerFrom(ctx).Transport]
			return p[0], nil
		})
		ln := newPipeListener()
		ctx, shutdown := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- rpchttp.Serve(ctx, ln, rpchttp.NewHandler(srv, nil), nil) }()
		stillServing := func(when string) {
			t.Helper()
			time.Sleep(time.Second) // in the bubble's clock: the shutdown polls for idle connections
			synctest.Wait()
			select {
			case err := <-served:
				t.Errorf("Serve returned %s: %v", when, err)
				served <- err
			default:
			}
		}

		opts := &rpchttp.ClientOptions{HTTPClient: ln.client()}
		defer opts.HTTPClient.CloseIdleConnections()
		ws, err := rpchttp.DialWebSocket(context.Background(), "ws://rpc.test/", opts)
		if err != nil {
			t.Fatal(err)
		}
		const n = 10
		calls := map[string]*sync.WaitGroup{"http": new(sync.WaitGroup), "websocket": new(sync.WaitGroup)}
		errs := make(chan error, 2*n)
		for transport, c := range map[string]*openrpc.Client{"websocket": ws, "http": rpchttp.NewClient("http://rpc.test/", opts)} {
			for i := range n {
				calls[transport].Go(func() {
					got, err := openrpc.Call[int](context.Background(), c, "slow", []int{i})
					if err != nil || got != i {
						errs <- fmt.Errorf("%s call %d: got %d, %v", transport, i, got, err)
					}
				})
			}
		}
		for range 2 * n {
			<-started
		}
		shutdown() // as SIGTERM would
		stillServing("with calls in flight")
		close(release["http"])
		calls["http"].Wait()
		stillServing("with WebSocket calls in flight")
		close(release["websocket"])
		calls["websocket"].Wait()
		close(errs)
		for err := range errs {
			t.Errorf("a call in flight was lost: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		// The WebSocket was closed by the server with a close frame.
		_, err = openrpc.Call[int](context.Background(), ws, "slow", []int{1})
		if !errors.Is(err, openrpc.ErrClientClosed) || websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Errorf("after shutdown: got %v, want the client closed by status 1001", err)
		}
	})
}

func TestServerOptions_callTimeout(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{CallTimeout: 20 * time.Millisecond}})
	openrpc.Register(srv, openrpc.Method{Name: "wait"}, func(ctx context.Context, _ struct{}) (bool, error) {
		<-ctx.Done()
		return false, ctx.Err()
	})
	c := rpchttp.NewClient(serve(t, srv).URL, nil)
	_, err := openrpc.Call[bool](context.Background(), c, "wait", nil)
	var e *openrpc.Error
	if !errors.As(err, &e) || e.Code != openrpc.CodeTimeout {
		t.Errorf("got %v, want a -32001 timeout", err)
	}
}

// Regression: pings went unanswered while a connection's calls filled MaxInFlight (nobody
// read the pong), and the keep-alive closed a healthy connection. In a synctest bubble, so
// that each call lasts several ping intervals of the bubble's clock.
func TestWebSocket_pingWhileInFlightIsFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxInFlight: 1}})
		openrpc.Register(srv, openrpc.Method{Name: "slow"}, func(ctx context.Context, _ struct{}) (bool, error) {
			time.Sleep(300 * time.Millisecond)
			return true, nil
		})
		ln := newBufferedPipeListener()
		ctx, shutdown := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() {
			served <- rpchttp.Serve(ctx, ln, rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{PingInterval: 50 * time.Millisecond}), nil)
		}()
		opts := &rpchttp.ClientOptions{HTTPClient: ln.client()}
		defer opts.HTTPClient.CloseIdleConnections()
		c, err := rpchttp.DialWebSocket(context.Background(), "ws://rpc.test/", opts)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				if ok, err := openrpc.Call[bool](context.Background(), c, "slow", nil); err != nil || !ok {
					t.Errorf("got %v, %v; want true", ok, err)
				}
			})
		}
		wg.Wait()
		shutdown()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		c.Close()
	})
}

// Regression: a peer vanishing without a close frame looked like the end of its requests,
// and its calls were not canceled.
func TestWebSocket_abruptDisconnectCancelsCalls(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	started := make(chan struct{})
	canceled := make(chan bool, 1)
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
		close(started)
		select {
		case <-ctx.Done():
			canceled <- true
		case <-time.After(5 * time.Second):
			canceled <- false
		}
		return true, nil
	})
	ts := serve(t, srv)
	c, _, err := websocket.Dial(context.Background(), wsURL(ts), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(context.Background(), websocket.MessageText, []byte(`{"jsonrpc":"2.0","method":"block","id":1}`)); err != nil {
		t.Fatal(err)
	}
	<-started
	c.CloseNow() // no close frame
	if !<-canceled {
		t.Error("the call of a vanished peer was not canceled")
	}
}
