package rpchttp

import (
	"fmt"
	"net"
	"net/http"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/hostcheck"
	"github.com/openrpc-go/openrpc/internal/wire"
)

// newHostPolicy checks and compiles HandlerOptions.AllowedHosts. A malformed entry panics,
// like a malformed OriginPatterns entry.
func newHostPolicy(opts *HandlerOptions) *hostcheck.Policy {
	var allowed []string
	if opts != nil {
		allowed = opts.AllowedHosts
	}
	p, err := hostcheck.New(allowed)
	if err != nil {
		panic("rpchttp: AllowedHosts " + err.Error())
	}
	return p
}

// refuseHost answers a request the host policy refused with 403, saying why and what to
// do: a JSON-RPC error for a POST, as calls get, plain text for anything else (a WebSocket
// handshake). It reads no body and runs nothing.
func refuseHost(w http.ResponseWriter, r *http.Request) {
	scheme, port := "http", ""
	if r.TLS != nil {
		scheme = "https"
	}
	if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		_, port, _ = net.SplitHostPort(addr.String())
	}
	why := fmt.Sprintf("Host %q refused: this server, reached on a loopback address, answers requests for IP addresses and localhost only, "+
		"so that a web site whose name resolves to this machine (DNS rebinding) cannot call it; open it as %[2]s://127.0.0.1:%[3]s or %[2]s://localhost:%[3]s, "+
		"or, if %[1]q is yours (a local proxy that keeps the Host), list it in the server's rpchttp.HandlerOptions.AllowedHosts", r.Host, scheme, port)
	if r.Method != http.MethodPost {
		http.Error(w, why, http.StatusForbidden)
		return
	}
	data := append(append([]byte(`{"error":`), wire.AppendString(nil, why)...), '}')
	writeJSON(w, http.StatusForbidden, wire.AppendError(nil, nil, int64(openrpc.CodePermissionError), openrpc.CodePermissionError.String(), data))
}
