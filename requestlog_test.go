package openrpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

type signInParams struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func TestRequestLog(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts *openrpc.RequestLogOptions
		want []map[string]any
	}{
		{"default", nil, []map[string]any{
			{"level": "INFO", "msg": "rpc call", "method": "sign_in", "id": "1", "outcome": "ok", "code": 0.0, "transport": "http"},
			{"level": "INFO", "msg": "rpc call", "method": "sign_in", "id": "2", "outcome": "error", "code": -32099.0, "error": "wrong password", "transport": "http"},
			{"level": "INFO", "msg": "rpc call", "method": "nope", "outcome": "error", "code": -32601.0, "error": "Method not found", "transport": "http"},
		}},
		{"params and headers", &openrpc.RequestLogOptions{Level: slog.LevelDebug, Params: true, Headers: []string{"user-agent"}}, []map[string]any{
			{"level": "DEBUG", "msg": "rpc call", "method": "sign_in", "id": "1", "outcome": "ok", "code": 0.0, "transport": "http",
				"params": `{"username":"ann","password":"secret-1"}`, "user-agent": "test-agent"},
			{"level": "DEBUG", "msg": "rpc call", "method": "sign_in", "id": "2", "outcome": "error", "code": -32099.0, "error": "wrong password", "transport": "http",
				"params": `{"username":"ann","password":"secret-2"}`, "user-agent": "test-agent"},
			{"level": "DEBUG", "msg": "rpc call", "method": "nope", "outcome": "error", "code": -32601.0, "error": "Method not found", "transport": "http",
				"params": `[]`, "user-agent": "test-agent"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
				Observers: []openrpc.Observer{openrpc.RequestLog(logger, tt.opts)},
			})
			openrpc.Register(srv, openrpc.Method{Name: "sign_in"}, func(_ context.Context, p signInParams) (bool, error) {
				if p.Password != "secret-1" {
					return false, openrpc.Errorf(openrpc.CodePermissionError, "wrong password")
				}
				return true, nil
			})
			ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
			defer ts.Close()
			c := rpchttp.NewClient(ts.URL, &rpchttp.ClientOptions{BearerToken: "token-xyz", Header: map[string][]string{"User-Agent": {"test-agent"}}})
			ctx := context.Background()
			openrpc.Call[bool](ctx, c, "sign_in", signInParams{"ann", "secret-1"})
			openrpc.Call[bool](ctx, c, "sign_in", signInParams{"ann", "secret-2"})
			c.Notify(ctx, "nope", []int{})

			if strings.Contains(buf.String(), "token-xyz") || (tt.opts == nil && strings.Contains(buf.String(), "secret")) {
				t.Errorf("the log holds a secret:\n%s", buf.String())
			}
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d records, want %d:\n%s", len(lines), len(tt.want), buf.String())
			}
			for i, line := range lines {
				var got map[string]any
				if err := json.Unmarshal([]byte(line), &got); err != nil {
					t.Fatal(err)
				}
				if d, ok := got["duration"].(float64); !ok || d <= 0 {
					t.Errorf("record %d: got duration %v, want a positive number", i, got["duration"])
				}
				if r, _ := got["remote"].(string); !strings.HasPrefix(r, "127.0.0.1:") {
					t.Errorf("record %d: got remote %q, want the client's address", i, r)
				}
				delete(got, "time")
				delete(got, "duration")
				delete(got, "remote")
				if !equalJSON(got, tt.want[i]) {
					t.Errorf("record %d:\n got %v\nwant %v", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestRequestLog_disabled(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Observers: []openrpc.Observer{openrpc.RequestLog(logger, nil)},
	})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	process(t, srv, `{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]}`)
	if buf.Len() != 0 {
		t.Errorf("got %s, want nothing below the logger's level", buf.String())
	}
}

func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
