package openrpc_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// recorder is an Observer that records what it sees.
type recorder struct {
	mu       sync.Mutex
	messages []openrpc.MessageInfo
	replies  []string
	calls    []string // "method code found bytes>0 parent"
}

type parentKey struct{}

func (r *recorder) observer() openrpc.Observer {
	return openrpc.Observer{
		Message: func(ctx context.Context, m openrpc.MessageInfo) (context.Context, func([]byte)) {
			r.mu.Lock()
			r.messages = append(r.messages, m)
			r.mu.Unlock()
			return context.WithValue(ctx, parentKey{}, "message"), func(reply []byte) {
				r.mu.Lock()
				r.replies = append(r.replies, string(reply))
				r.mu.Unlock()
			}
		},
		Call: func(ctx context.Context, req openrpc.Request) (context.Context, func(openrpc.CallOutcome)) {
			parent, _ := ctx.Value(parentKey{}).(string)
			ctx = context.WithValue(ctx, parentKey{}, "call "+req.Method)
			return ctx, func(o openrpc.CallOutcome) {
				r.mu.Lock()
				defer r.mu.Unlock()
				errText := ""
				if o.Err != nil {
					errText = " err=" + o.Err.Error()
				}
				r.calls = append(r.calls, strings.Join([]string{req.Method, fmt.Sprint(int(o.Code)), o.Message,
					map[bool]string{true: "found", false: "unknown"}[o.Found],
					map[bool]string{true: "sized", false: "unsized"}[o.ResponseBytes > 0], parent}, "|")+errText)
			}
		},
	}
}

func TestServer_Observers(t *testing.T) {
	rec := new(recorder)
	var order []string
	var orderMu sync.Mutex
	outer := openrpc.Observer{Call: func(ctx context.Context, req openrpc.Request) (context.Context, func(openrpc.CallOutcome)) {
		orderMu.Lock()
		order = append(order, "outer")
		orderMu.Unlock()
		return ctx, nil
	}}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Logger:    slog.New(slog.DiscardHandler),
		Observers: []openrpc.Observer{outer, rec.observer(), {}},
	})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	openrpc.Register(srv, openrpc.Method{Name: "where"}, func(ctx context.Context, _ struct{}) (string, error) {
		s, _ := ctx.Value(parentKey{}).(string)
		return s, nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "fail"}, func(context.Context, struct{}) (int, error) {
		return 0, errors.New("boom")
	})
	openrpc.Register(srv, openrpc.Method{Name: "panic"}, func(context.Context, struct{}) (int, error) {
		panic("kaboom")
	})

	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","id":1,"method":"where"}`), `{"jsonrpc":"2.0","id":1,"result":"call where"}`)
	batch := `[{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2}},{"jsonrpc":"2.0","id":2,"method":"fail"},{"jsonrpc":"2.0","id":3,"method":"panic"},{"jsonrpc":"2.0","id":4,"method":"nope"},{"jsonrpc":"2.0","method":"add","params":[1,2]},{"id":5}]`
	process(t, srv, batch)
	process(t, srv, `{"jsonrpc":`)

	wantMessages := []openrpc.MessageInfo{
		{Size: 41, Items: 1},
		{Size: len(batch), Batch: true, Items: 6},
		{Size: 11},
	}
	if !slices.Equal(rec.messages, wantMessages) {
		t.Errorf("messages: got %+v, want %+v", rec.messages, wantMessages)
	}
	if len(rec.replies) != 3 || !strings.Contains(rec.replies[1], `"id":4`) || !strings.Contains(rec.replies[2], "-32700") {
		t.Errorf("replies: got %q", rec.replies)
	}
	slices.Sort(rec.calls)
	want := []string{
		"add|0||found|sized|message",
		"add|0||found|unsized|message", // the notification
		"fail|-32000|Server error|found|sized|message err=boom",
		"nope|-32601|Method not found|unknown|sized|message",
		"panic|-32603|Internal error|found|sized|message err=panic: kaboom",
		"where|0||found|sized|message",
	}
	if !slices.Equal(rec.calls, want) {
		t.Errorf("calls:\n got %q\nwant %q", rec.calls, want)
	}
	if len(order) != 6 {
		t.Errorf("the first observer saw %d calls, want 6", len(order))
	}
}

func TestClient_Observer(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	var mu sync.Mutex
	var got []string
	obs := &openrpc.ClientObserver{Call: func(ctx context.Context, c openrpc.ClientCall) (context.Context, func(error)) {
		return ctx, func(err error) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, c.Method+"|"+string(c.ID)+"|"+strings.Repeat("b", c.Batch)+"|"+fmt.Sprint(int(openrpc.CodeOf(err))))
		}
	}}
	c := openrpc.NewClient(processor{srv}, &openrpc.ClientOptions{Observer: obs})
	ctx := context.Background()
	if _, err := openrpc.Call[int](ctx, c, "add", addParams{1, 2}); err != nil {
		t.Fatal(err)
	}
	openrpc.Call[int](ctx, c, "nope", nil)
	c.Notify(ctx, "add", addParams{1, 2})
	c.Batch(ctx, []openrpc.BatchCall{{Method: "add", Params: addParams{}}, {Method: "add", Notify: true}})
	want := []string{"add|1||0", "nope|2||-32601", "add|||0", "||bb|0"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// processor is a RoundTripper calling a server in process.
type processor struct{ srv *openrpc.Server }

func (p processor) RoundTrip(ctx context.Context, msg []byte) ([]byte, error) {
	return p.srv.Process(ctx, msg), nil
}
