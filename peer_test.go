package openrpc_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

// Both ends of a connection serve methods: a handler calls back the client that called it.
func TestPeer_callsTheCaller(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "server", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "greet"}, func(ctx context.Context, _ struct{}) (string, error) {
		peer, ok := openrpc.Peer(ctx)
		if !ok {
			return "", errors.New("no peer")
		}
		if err := peer.Notify(ctx, "note", []string{"greeting you"}); err != nil {
			return "", err
		}
		name, err := openrpc.Call[string](ctx, peer, "whoami", nil)
		if err != nil {
			return "", err
		}
		return "hello " + name, nil
	})

	notes := make(chan string, 1)
	local := openrpc.NewServer(openrpc.Info{Title: "client", Version: "1"}, nil)
	openrpc.Register(local, openrpc.Method{Name: "whoami"}, func(context.Context, struct{}) (string, error) { return "alice", nil })
	openrpc.RegisterNotification(local, openrpc.Method{Name: "note"}, func(_ context.Context, p []string) error {
		notes <- p[0]
		return nil
	})

	client, server := openrpctest.Pipe()
	go srv.ServeConn(t.Context(), server, nil)
	c := openrpc.NewConnClient(client, &openrpc.ClientOptions{Server: local})
	defer c.Close()
	for range 3 {
		got, err := openrpc.Call[string](t.Context(), c, "greet", nil)
		if err != nil || got != "hello alice" {
			t.Fatalf("got %q, %v; want hello alice", got, err)
		}
		if n := <-notes; n != "greeting you" {
			t.Errorf("notification %q", n)
		}
	}

	// Over HTTP POST (Process) there is no connection to call back.
	reply := srv.Process(t.Context(), []byte(`{"jsonrpc":"2.0","method":"greet","id":1}`))
	if string(reply) != `{"jsonrpc":"2.0","error":{"code":-32000,"message":"Server error"},"id":1}` {
		t.Errorf("greet over Process: %s", reply)
	}
}

// A client that gives up on a call cancels it on the server (rpc.cancel).
func TestClient_canceledCallIsCanceledOnTheServer(t *testing.T) {
	causes := make(chan string, 1)
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
		<-ctx.Done()
		causes <- context.Cause(ctx).Error()
		return false, ctx.Err()
	})
	openrpc.Register(srv, openrpc.Method{Name: "ping"}, func(context.Context, struct{}) (bool, error) { return true, nil })
	c := openrpctest.NewLocalConn(srv, nil)
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := openrpc.Call[bool](ctx, c, "block", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the call's deadline", err)
	}
	select {
	case cause := <-causes:
		if cause != "canceled by the caller (rpc.cancel)" {
			t.Errorf("the handler's context ended with %q", cause)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler was not canceled")
	}
	// The connection goes on.
	if ok, err := openrpc.Call[bool](t.Context(), c, "ping", nil); err != nil || !ok {
		t.Errorf("a call after the canceled one: %v, %v", ok, err)
	}
}
