package rpchttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/rpchttp"
)

// TestClient_errorPageCut: the error of a call answered with a status other than 200 and a
// body that is not JSON-RPC (a proxy's error page) quotes the start of the body, not all of
// it: openrpc call printed a 1 MB page on standard error.
func TestClient_errorPageCut(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html><title>Bad gateway</title>" + strings.Repeat("x", 1<<20) + "</html>"))
	}))
	defer hs.Close()
	c := rpchttp.NewClient(hs.URL, nil)
	defer c.Close()
	err := c.Call(context.Background(), "m", nil, nil)
	if err == nil {
		t.Fatal("no error")
	}
	if msg := err.Error(); len(msg) > 1024 || !strings.Contains(msg, "502 Bad Gateway") || !strings.Contains(msg, "<html><title>Bad gateway</title>") {
		t.Errorf("error of %d bytes: %.200s..., want the status and the start of the body, under 1 KB", len(msg), msg)
	}
}
