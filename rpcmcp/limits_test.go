package rpcmcp_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcmcp"
)

// TestNewHandler_requestLimit checks that a tool call over streamable HTTP is bounded by the
// server's Limits.MaxRequestBytes, not by the SDK's own default body limit (4 MiB): within
// the server's limit it succeeds, past it it is refused with -32003 as a tool error.
func TestNewHandler_requestLimit(t *testing.T) {
	for _, tt := range []struct {
		name  string
		limit int64
		arg   int
		code  openrpc.Code // 0: success
	}{
		{"within a limit larger than the SDK's default", 8 << 20, 5 << 20, 0},
		{"past a small limit", 64 << 10, 80 << 10, openrpc.CodeTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, &openrpc.ServerOptions{
				Logger: slog.New(slog.DiscardHandler),
				Limits: openrpc.Limits{MaxRequestBytes: tt.limit},
			})
			openrpc.Register(srv, openrpc.Method{Name: "size"}, func(ctx context.Context, p struct {
				Data string `json:"data"`
			}) (int, error) {
				return len(p.Data), nil
			})
			h, err := rpcmcp.NewHandler(srv, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(h)
			defer hs.Close()
			cs := connectHTTP(t, hs.URL, "")
			res := callTool(t, cs, "size", map[string]any{"data": strings.Repeat("a", tt.arg)})
			if tt.code == 0 {
				if res.IsError {
					t.Fatalf("tool error %s", toolText(t, res))
				}
				return
			}
			if e := toolError(t, res); e.Code != tt.code {
				t.Errorf("code %d (%s), want %d", e.Code, e.Message, tt.code)
			}
		})
	}
}

// TestNewServer_overloaded refuses a tool call with -32004 while the server's request
// memory (Limits.MaxTotalRequestBytes) is held by calls in flight, and accepts it again
// once they are answered.
func TestNewServer_overloaded(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, &openrpc.ServerOptions{
		Logger: slog.New(slog.DiscardHandler),
		Limits: openrpc.Limits{MaxRequestBytes: 1 << 10, MaxTotalRequestBytes: 1 << 10},
	})
	entered, release := make(chan struct{}), make(chan struct{})
	openrpc.Register(srv, openrpc.Method{Name: "hold"}, func(ctx context.Context, p struct {
		Data string `json:"data"`
	}) (int, error) {
		if p.Data[0] == 'h' {
			entered <- struct{}{}
			<-release
		}
		return len(p.Data), nil
	})
	cs := connect(t, srv, nil)
	held := make(chan *mcp.CallToolResult)
	go func() {
		res, _ := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "hold", Arguments: map[string]any{"data": "h" + strings.Repeat("a", 600)}})
		held <- res
	}()
	<-entered
	e := toolError(t, callTool(t, cs, "hold", map[string]any{"data": strings.Repeat("b", 600)}))
	if e.Code != openrpc.CodeOverloaded {
		t.Errorf("while the first call holds its bytes: code %d (%s), want %d", e.Code, e.Message, openrpc.CodeOverloaded)
	}
	close(release)
	if res := <-held; res == nil || res.IsError {
		t.Fatalf("the held call: %v", res)
	}
	if res := callTool(t, cs, "hold", map[string]any{"data": strings.Repeat("b", 600)}); res.IsError {
		t.Errorf("once the first call is answered: %s", toolText(t, res))
	}
}
