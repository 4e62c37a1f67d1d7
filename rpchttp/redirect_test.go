package rpchttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// TestClient_redirects: a client follows a redirect to the same host, headers and token
// included, and refuses one to another host, which then sees nothing (regression: a
// header such as X-Api-Key went on to wherever the service pointed; net/http drops only
// Authorization and Cookie, and only for another domain, while two ports of one address
// are two services).
func TestClient_redirects(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "key"}, func(ctx context.Context, _ struct{}) (string, error) {
		return openrpc.CallerFrom(ctx).Get("X-Api-Key") + " " + openrpc.CallerFrom(ctx).Get("Authorization"), nil
	})
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		rpchttp.NewHandler(srv, nil).ServeHTTP(w, r)
	}))
	defer other.Close()
	mux := http.NewServeMux()
	mux.Handle("/api", rpchttp.NewHandler(srv, nil))
	mux.Handle("/old", http.RedirectHandler("/api", http.StatusPermanentRedirect))
	mux.Handle("/moved", http.RedirectHandler(other.URL+"/api", http.StatusTemporaryRedirect))
	hs := httptest.NewServer(mux)
	defer hs.Close()
	opts := &rpchttp.ClientOptions{Header: http.Header{"X-Api-Key": {"secret"}}, BearerToken: "tok"}

	c := rpchttp.NewClient(hs.URL+"/old", opts)
	defer c.Close()
	var got string
	if err := c.Call(t.Context(), "key", nil, &got); err != nil || got != "secret Bearer tok" {
		t.Errorf("through a same-host redirect: %q, %v; want the header and the token", got, err)
	}

	c2 := rpchttp.NewClient(hs.URL+"/moved", opts)
	defer c2.Close()
	err := c2.Call(t.Context(), "key", nil, &got)
	if err == nil || !strings.Contains(err.Error(), "another host") || !strings.Contains(err.Error(), other.URL) {
		t.Errorf("redirect to another host: %v, want an error naming it", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests, want none", n)
	}

	// A client of the caller's own keeps its own redirect policy.
	c3 := rpchttp.NewClient(hs.URL+"/moved", &rpchttp.ClientOptions{Header: opts.Header, HTTPClient: &http.Client{}})
	defer c3.Close()
	if err := c3.Call(t.Context(), "key", nil, &got); err != nil || elsewhere.Load() != 1 {
		t.Errorf("with the caller's http.Client: %v, %d requests elsewhere; want the redirect followed", err, elsewhere.Load())
	}
}
