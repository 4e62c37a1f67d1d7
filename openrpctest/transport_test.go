package openrpctest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

func TestTransport_local(t *testing.T) {
	openrpctest.TestTransport(t, openrpctest.Transport{
		Name: "local",
		Connect: func(t *testing.T, srv *openrpc.Server) *openrpc.Client {
			return openrpctest.NewLocal(srv, nil)
		},
		RoundTrip: func(t *testing.T, srv *openrpc.Server) func(context.Context, []byte) ([]byte, error) {
			return func(ctx context.Context, msg []byte) ([]byte, error) { return srv.Process(ctx, msg), nil }
		},
		Cancels: true,
	})
}

func TestTransport_localConn(t *testing.T) {
	openrpctest.TestTransport(t, openrpctest.Transport{
		Name: "local",
		Connect: func(t *testing.T, srv *openrpc.Server) *openrpc.Client {
			return openrpctest.NewLocalConn(srv, nil)
		},
		Dial: func(t *testing.T, srv *openrpc.Server) openrpc.Conn {
			client, server := openrpctest.Pipe()
			go srv.ServeConn(context.Background(), server, &openrpc.ConnOptions{Caller: &openrpc.Caller{Transport: "local"}})
			return client
		},
		Cancels: true,
	})
}

// A size limit tested on both sides of its boundary.
func ExampleCallOfSize() {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Limits: openrpc.Limits{MaxRequestBytes: 100},
	})
	openrpctest.RegisterSpecMethods(srv)
	fmt.Printf("%s\n", srv.Process(context.Background(), openrpctest.CallOfSize(100)))
	fmt.Printf("%s\n", srv.Process(context.Background(), openrpctest.CallOfSize(101)))
	// Output:
	// {"jsonrpc":"2.0","result":3,"id":1}
	// {"jsonrpc":"2.0","error":{"code":-32003,"message":"Request too large","data":{"error":"the message exceeds the limit of 100 bytes"}},"id":null}
}
