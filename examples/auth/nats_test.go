package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcnats"
)

// natsURL returns OPENRPC_TEST_NATS, the NATS server of the integration tests. Without it
// the test is skipped, except under CI=true, where it fails.
func natsURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("OPENRPC_TEST_NATS")
	if url == "" {
		msg := "OPENRPC_TEST_NATS is not set: set it to a NATS server URL such as nats://127.0.0.1:4222 to run the NATS tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: NATS tests must run)")
		}
		t.Skip(msg)
	}
	return url
}

// TestNATS_crossInstance: a user signs in over HTTP on one instance and calls get_caller
// over NATS, answered by another instance on the same PostgreSQL database (the only one
// serving the subject).
func TestNATS_crossInstance(t *testing.T) {
	url := natsURL(t)
	db := postgresURL(t)
	subject := "auth.test." + randomSuffix()
	a := startServer(t, nil, "-db", db)
	b := startServer(t, nil, "-db", db, "-nats", url, "-nats-subject", subject)

	signUp(t, a.url, "alice", "alice password")
	token := signIn(t, a.url, "alice", "alice password")

	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type caller struct {
		Username string   `json:"username"`
		Scopes   []string `json:"scopes"`
	}
	got, err := openrpc.Call[caller](ctx, rpcnats.NewClient(nc, subject, &rpcnats.ClientOptions{BearerToken: token}), "get_caller", nil)
	if err != nil || got.Username != "alice" {
		t.Errorf("get_caller over NATS with a token from the other instance: got %+v, %v; want alice", got, err)
	}
	if n := b.logs.count("serving JSON-RPC on NATS"); n != 1 || a.logs.count("NATS") != 0 {
		t.Errorf("the instance serving NATS is not the one the user signed in on: logs of a:\n%s\nlogs of b:\n%s", a.logs, b.logs)
	}
	_, err = openrpc.Call[caller](ctx, rpcnats.NewClient(nc, subject, nil), "get_caller", nil)
	var rpcErr *openrpc.Error
	if !errors.As(err, &rpcErr) || rpcErr.Code != openrpc.CodePermissionError {
		t.Errorf("get_caller over NATS without a token: got %v, want a %d error", err, openrpc.CodePermissionError)
	}

	// Shutting the instance down ends its NATS service too: nobody answers the subject.
	b.stop()
	if _, err := openrpc.Call[caller](ctx, rpcnats.NewClient(nc, subject, nil), "get_caller", nil); !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("get_caller over NATS after the instance stopped: got %v, want nats.ErrNoResponders", err)
	}
}

// A NATS server that cannot be reached stops the command at start-up, naming the flag.
func TestNATS_unreachable(t *testing.T) {
	ln, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // a port nobody listens on
	var logs syncBuffer
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", sqlitePath(t), "-bcrypt-cost", testCost, "-nats", "nats://" + addr}, func(string) string { return "" }, &logs, nil)
	if err == nil || !strings.Contains(err.Error(), "-nats nats://"+addr) {
		t.Errorf("got %v, want an error naming -nats", err)
	}
}
