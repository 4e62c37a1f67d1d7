package rpcmcp

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// TestServeIO_badLines sends, over the stdio transport of ServeStdio, lines that are no MCP
// message: each gets a JSON-RPC error and the server goes on serving the next line (the
// SDK's transport ended the server at the first: an agent's one bad line stopped its tools).
func TestServeIO_badLines(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, &openrpc.ServerOptions{
		Logger: slog.New(slog.DiscardHandler),
		Limits: openrpc.Limits{MaxRequestBytes: 1 << 20},
	})
	openrpc.Register(srv, openrpc.Method{Name: "echo"}, func(ctx context.Context, p struct {
		S string `json:"s"`
	}) (string, error) {
		return p.S, nil
	})
	ms, err := NewServer(srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := serveIO(t.Context(), ms, inR, outW, srv.Limits().MaxRequestBytes+envelopeBytes)
		outW.Close() // a reply that never comes fails the test
		inR.Close()  // and so does a line that cannot be sent
		done <- err
	}()
	out := bufio.NewReader(outR)
	send := func(line string) {
		t.Helper()
		if _, err := io.WriteString(inW, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	reply := func() map[string]any {
		t.Helper()
		line, err := out.ReadBytes('\n')
		if err != nil {
			t.Fatalf("reading a reply: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("reply %q: %v", line, err)
		}
		return m
	}
	call := `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"s":"ok"}}}`
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	reply()
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for i, bad := range []struct{ line, code string }{
		{"garbage", "-32700"},
		{`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"s":` + strings.Repeat("[", 1500) + strings.Repeat("]", 1500) + `}}}`, "-32600"},
		{`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"s":"` + strings.Repeat("x", 2<<20) + `"}}}`, "-32003"},
		{`[` + strings.Replace(call, "%d", "9", 1) + `]`, "-32600"},
		{`[]`, "-32600"},
		{`{"jsonrpc":"2.0"}`, "-32600"},
	} {
		send(bad.line)
		r := reply()
		e, _ := r["error"].(map[string]any)
		if code, _ := json.Marshal(e["code"]); string(code) != bad.code {
			t.Errorf("bad line %d (%.40s): reply %v, want error %s", i, bad.line, r, bad.code)
		}
		send(strings.Replace(call, "%d", "100", 1))
		if r := reply(); r["result"] == nil {
			t.Fatalf("after bad line %d (%.40s): reply %v, want the call's result", i, bad.line, r)
		}
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Errorf("serveIO: %v", err)
	}
}
