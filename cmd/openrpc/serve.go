package main

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/openrpc-go/openrpc/rpchttp"
)

// serveHTTP listens on addr, builds the handler for the base URL it serves at
// ("http://127.0.0.1:8088/"), prints what the builder says, and serves the handler until
// ctx is done, then shuts down gracefully.
func serveHTTP(ctx context.Context, e *env, addr string, build func(base string) (h http.Handler, announce string, err error)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%v; choose another address with --addr, such as --addr 127.0.0.1:0 for any free port", err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	ip := net.ParseIP(host)
	shown := host
	if ip != nil && ip.IsUnspecified() {
		shown = "127.0.0.1"
	}
	base := "http://" + net.JoinHostPort(shown, port) + "/"
	h, announce, err := build(base)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintln(e.stdout, announce)
	if ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(e.stderr, "warning: listening on %s, not only on this machine's loopback: anyone who can reach it can use it\n", ln.Addr())
	}
	return rpchttp.Serve(ctx, ln, h, nil)
}
