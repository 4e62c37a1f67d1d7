package prefs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"

	"gentest/prefs"
)

// show prints a result: the params the server's handler got, and its optional member.
func show(r prefs.PrefsResult) string {
	zero := "absent"
	if v, ok := r.Zero.Get(); ok {
		zero = fmt.Sprint(v)
	} else if r.Zero.IsNull() {
		zero = "null"
	}
	return fmt.Sprintf("%v %d %q zero:%s", r.Enabled, r.Limit, r.Name, zero)
}

// calls are the calls both tests make, with what the handler must get: the server's
// defaults (true, 10, "anonymous") for absent params, and the zeros when sent.
var calls = []struct {
	name string
	call func(context.Context, *prefs.Client) (prefs.PrefsResult, error)
	want string
}{
	{"absent", func(ctx context.Context, c *prefs.Client) (prefs.PrefsResult, error) {
		return c.Prefs(ctx, prefs.PrefsParams{})
	}, `true 10 "anonymous" zero:absent`},
	{"zeros", func(ctx context.Context, c *prefs.Client) (prefs.PrefsResult, error) {
		return c.Prefs(ctx, prefs.PrefsParams{Enabled: openrpc.Some(false), Limit: openrpc.Some(int32(0)), Name: openrpc.Some("")})
	}, `false 0 "" zero:0`},
	{"one zero", func(ctx context.Context, c *prefs.Client) (prefs.PrefsResult, error) {
		return c.Prefs(ctx, prefs.PrefsParams{Limit: openrpc.Some(int32(0))})
	}, `true 0 "anonymous" zero:0`},
	{"by position, trailing absent left out", func(ctx context.Context, c *prefs.Client) (prefs.PrefsResult, error) {
		return c.PrefsByPosition(ctx, prefs.PrefsByPositionParams{Enabled: openrpc.Some(false)})
	}, `false 10 "anonymous" zero:absent`},
	{"by position, zeros", func(ctx context.Context, c *prefs.Client) (prefs.PrefsResult, error) {
		return c.PrefsByPosition(ctx, prefs.PrefsByPositionParams{Enabled: openrpc.Some(false), Limit: openrpc.Some(int32(0)), Name: openrpc.Some("")})
	}, `false 0 "" zero:0`},
}

// TestClient calls the server the package was generated from.
func TestClient(t *testing.T) {
	url := os.Getenv("PREFS_URL")
	if url == "" {
		t.Fatal("PREFS_URL is not set")
	}
	c := prefs.NewClient(rpchttp.NewClient(url, nil))
	for _, tt := range calls {
		r, err := tt.call(context.Background(), c)
		if got := show(r); err != nil || got != tt.want {
			t.Errorf("%s: got %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	// By position, an absent param before a set one goes as null, which enabled, a bool,
	// does not take: never as false, which the caller did not say.
	var e *openrpc.Error
	if _, err := c.PrefsByPosition(context.Background(), prefs.PrefsByPositionParams{Limit: openrpc.Some(int32(0))}); !errors.As(err, &e) || e.Code != openrpc.CodeInvalidParams || !strings.Contains(string(e.Data), "must not be null") {
		t.Errorf("by position, enabled absent before limit: %v, want invalid params (null)", err)
	}
}

// service implements the generated Service as the source server does, defaults included.
type service struct{}

func (service) Prefs(_ context.Context, p prefs.PrefsParams) (prefs.PrefsResult, error) {
	r := prefs.PrefsResult{Enabled: p.Enabled.Or(true), Limit: p.Limit.Or(10), Name: p.Name.Or("anonymous")}
	if r.Limit == 0 {
		r.Zero = openrpc.Some(int32(0))
	}
	return r, nil
}

func (s service) PrefsByPosition(ctx context.Context, p prefs.PrefsByPositionParams) (prefs.PrefsResult, error) {
	return s.Prefs(ctx, prefs.PrefsParams(p))
}

// TestServer calls the generated server with the generated client, over HTTP, checks that
// it refuses null where the document has none, and writes its document to $SERVED_DOC.
func TestServer(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "prefs", Version: "1"}, nil)
	prefs.Register(srv, service{})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	rpc := rpchttp.NewClient(ts.URL, nil)
	c := prefs.NewClient(rpc)
	for _, tt := range calls {
		r, err := tt.call(context.Background(), c)
		if got := show(r); err != nil || got != tt.want {
			t.Errorf("%s: got %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	var e *openrpc.Error
	if err := rpc.Call(context.Background(), "prefs", map[string]any{"limit": nil}, nil); !errors.As(err, &e) || e.Code != openrpc.CodeInvalidParams {
		t.Errorf("limit null: %v, want invalid params", err)
	}
	doc, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("SERVED_DOC"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
}
