package e2e

import (
	"context"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// TestClientJSInterop drives a server with the @open-rpc/client-js client (npm), over HTTP
// and WebSocket: interoperability beyond our own client. It needs node and the packages of
// clientjs/ installed (npm ci --prefix e2e/clientjs); under CI=true their absence fails.
func TestClientJSInterop(t *testing.T) {
	node := nodeWith(t, "clientjs", "@open-rpc/client-js")
	srv := openrpc.NewServer(openrpc.Info{Title: "interop", Version: "1.0.0"}, nil)
	openrpctest.RegisterSpecMethods(srv)
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "interop.mjs", ts.URL, "ws"+strings.TrimPrefix(ts.URL, "http"))
	cmd.Dir = "clientjs"
	out, err := cmd.CombinedOutput()
	t.Logf("node interop.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("@open-rpc/client-js interop failed: %v", err)
	}
	if !strings.Contains(string(out), "interop: all checks passed") {
		t.Fatal("the interop script did not report success")
	}
}
