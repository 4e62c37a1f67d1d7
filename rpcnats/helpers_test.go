package rpcnats_test

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcnats"
)

// runNATS starts an in-process NATS server on a free loopback port for the test's
// duration; maxPayload 0 keeps the default (1 MiB).
func runNATS(t testing.TB, maxPayload int32) string {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true, MaxPayload: maxPayload})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("the NATS server did not start")
	}
	t.Cleanup(ns.Shutdown)
	return ns.ClientURL()
}

// connect opens a connection to url, closed at the end of the test.
func connect(t testing.TB, url string) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

var subjects atomic.Int64

// newSubject returns a subject no other test uses.
func newSubject() string { return fmt.Sprintf("test.rpc.%d", subjects.Add(1)) }

// start serves srv on a new subject over its own connection until the end of the test, and
// returns the subject.
func start(t testing.TB, url string, srv *openrpc.Server, opts *rpcnats.ServeOptions) (string, *rpcnats.Service) {
	t.Helper()
	subject := newSubject()
	svc, err := rpcnats.Start(connect(t, url), subject, srv, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Shutdown(t.Context()) })
	return subject, svc
}

var discard = slog.New(slog.DiscardHandler)
