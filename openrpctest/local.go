package openrpctest

import (
	"context"

	"github.com/openrpc-go/openrpc"
)

// NewLocal returns a client that calls srv in process, through the full JSON encoding and
// [openrpc.Server.Process] but no network: for examples and tests of services. Calls carry a
// [openrpc.Caller] with Transport "local" and the given headers.
func NewLocal(srv *openrpc.Server, header map[string][]string) *openrpc.Client {
	return openrpc.NewClient(local{srv: srv, caller: &openrpc.Caller{Transport: "local", Header: header}}, nil)
}

type local struct {
	srv    *openrpc.Server
	caller *openrpc.Caller
}

func (l local) RoundTrip(ctx context.Context, msg []byte) ([]byte, error) {
	return l.srv.Process(openrpc.WithCaller(ctx, l.caller), msg), nil
}
