package prefs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
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
	// By position, an absent param before a set one goes as its default: enabled, a bool,
	// takes no null, and false is not what the caller said.
	r, err := c.PrefsByPosition(context.Background(), prefs.PrefsByPositionParams{Limit: openrpc.Some(int32(0))})
	if got, want := show(r), `true 0 "anonymous" zero:0`; err != nil || got != want {
		t.Errorf("by position, enabled absent before limit: got %s, %v; want %s", got, err, want)
	}
	checkPage(t, c)
}

// showPage prints a result of page_by_position: the params its handler got.
func showPage(r prefs.PageResult) string {
	cursor := "absent"
	if v, ok := r.Cursor.Get(); ok {
		cursor = fmt.Sprintf("%q", v)
	} else if r.Cursor.IsNull() {
		cursor = "null"
	}
	return fmt.Sprintf("%d %s %q %q", r.Limit, cursor, r.Order, r.Tag)
}

// checkPage calls page_by_position, whose params are by position: unset before a set one,
// limit goes as its default 10, cursor as null (it may be null), and order, which has
// neither, makes the client refuse the call; page_received says what the server got.
func checkPage(t *testing.T, c *prefs.Client) {
	ctx := context.Background()
	before, err := c.PageReceived(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sent []string
	for _, tt := range []struct {
		params     prefs.PageByPositionParams
		sent, want string
	}{
		{prefs.PageByPositionParams{Order: openrpc.Some("asc")}, `[10,null,"asc"]`, `10 null "asc" ""`},
		{prefs.PageByPositionParams{Limit: openrpc.Some(int32(0)), Order: openrpc.Some("desc"), Tag: openrpc.Some("t")}, `[0,null,"desc","t"]`, `0 null "desc" "t"`},
		{prefs.PageByPositionParams{Cursor: openrpc.Some("c"), Order: openrpc.Some("asc")}, `[10,"c","asc"]`, `10 "c" "asc" ""`},
		{prefs.PageByPositionParams{Limit: openrpc.Some(int32(5))}, `[5]`, `5 absent "" ""`},
	} {
		r, err := c.PageByPosition(ctx, tt.params)
		if got := showPage(r); err != nil || got != tt.want {
			t.Errorf("%s: got %s, %v; want %s", tt.sent, got, err, tt.want)
		}
		sent = append(sent, tt.sent)
	}
	// Order is unset before tag, and has no default and no null: nothing is sent.
	_, err = c.PageByPosition(ctx, prefs.PageByPositionParams{Limit: openrpc.Some(int32(5)), Tag: openrpc.Some("t")})
	var e *openrpc.Error
	if err == nil || errors.As(err, &e) || !strings.Contains(err.Error(), "page_by_position: Order must be set") || !strings.Contains(err.Error(), `param "order" has no default and is not nullable`) {
		t.Errorf("order unset before tag: %v, want the client's error naming the method and order", err)
	}
	after, err := c.PageReceived(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(after[len(before):], " "), strings.Join(sent, " "); got != want {
		t.Errorf("page_by_position received %s, want %s", got, want)
	}
}

// service implements the generated Service as the source server does, defaults included.
type service struct {
	received *received
}

// received records the params of every page_by_position call as sent, for PageReceived.
type received struct {
	mu     sync.Mutex
	params []string
}

func (r *received) middleware(next openrpc.Handler) openrpc.Handler {
	return func(ctx context.Context, req openrpc.Request) (json.RawMessage, error) {
		if req.Method == "page_by_position" {
			r.mu.Lock()
			r.params = append(r.params, string(req.Params))
			r.mu.Unlock()
		}
		return next(ctx, req)
	}
}

func (s service) PageByPosition(_ context.Context, p prefs.PageByPositionParams) (prefs.PageResult, error) {
	return prefs.PageResult{Limit: p.Limit.Or(10), Cursor: p.Cursor, Order: p.Order.Or(""), Tag: p.Tag.Or("")}, nil
}

func (s service) PageReceived(context.Context) ([]string, error) {
	s.received.mu.Lock()
	defer s.received.mu.Unlock()
	return append([]string{}, s.received.params...), nil
}

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
	rec := &received{}
	srv := openrpc.NewServer(openrpc.Info{Title: "prefs", Version: "1"}, &openrpc.ServerOptions{Middleware: []openrpc.Middleware{rec.middleware}})
	prefs.Register(srv, service{received: rec})
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
	checkPage(t, c)
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
