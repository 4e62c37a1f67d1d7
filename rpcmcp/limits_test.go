package rpcmcp_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

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
