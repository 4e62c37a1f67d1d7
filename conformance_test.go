package openrpc_test

import (
	"context"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

func newSpecServer(t testing.TB, opts *openrpc.ServerOptions) *openrpc.Server {
	t.Helper()
	srv := openrpc.NewServer(openrpc.Info{Title: "spec", Version: "1.0.0"}, opts)
	openrpctest.RegisterSpecMethods(srv)
	return srv
}

func TestServer_Process_specVectors(t *testing.T) {
	srv := newSpecServer(t, nil)
	openrpctest.RunSpecVectors(t, func(t *testing.T, req []byte) []byte {
		return srv.Process(context.Background(), req)
	})
}
