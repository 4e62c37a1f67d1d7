package rpcnats_test

import (
	"context"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpcnats"
)

func TestTransport_NATS(t *testing.T) {
	url := runNATS(t, 0)
	openrpctest.TestTransport(t, openrpctest.Transport{
		Name: "nats",
		Connect: func(t *testing.T, srv *openrpc.Server) *openrpc.Client {
			subject, _ := start(t, url, srv, nil)
			return rpcnats.NewClient(connect(t, url), subject, nil)
		},
		RoundTrip: func(t *testing.T, srv *openrpc.Server) func(context.Context, []byte) ([]byte, error) {
			subject, _ := start(t, url, srv, nil)
			nc := connect(t, url)
			return func(ctx context.Context, msg []byte) ([]byte, error) {
				reply, err := nc.RequestWithContext(ctx, subject, msg)
				if err != nil {
					return nil, err
				}
				if len(reply.Data) == 0 {
					return nil, nil
				}
				return reply.Data, nil
			}
		},
	})
}
