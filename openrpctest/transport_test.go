package openrpctest_test

import (
	"context"
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
