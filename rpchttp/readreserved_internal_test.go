package rpchttp

import (
	"bytes"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// Regression: a message of unknown length is reserved as len(msg) once read, but its
// backing array keeps the capacity of the last doubled chunk: up to about twice the
// reserved bytes stay allocated while the message is held, so the server-wide bound
// under-counts memory by up to 2x.
func TestRegression_readReservedHoldsMoreThanReserved(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Limits: openrpc.Limits{MaxTotalRequestBytes: 64 << 20},
	})
	// held grows 512, 1536, 3584, ... 2096640, 4193792: one byte past a step.
	const n = 2096640 + 1
	msg, err := readReserved(srv, bytes.NewReader(bytes.Repeat([]byte{'x'}, n)), 5<<20)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("len %d, cap %d, reserved %d", len(msg), cap(msg), srv.Reserved())
	if int64(cap(msg)) > srv.Reserved()*5/4 {
		t.Errorf("message holds %d bytes of memory but only %d are reserved", cap(msg), srv.Reserved())
	}
}
