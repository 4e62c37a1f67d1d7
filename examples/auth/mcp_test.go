package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
)

// TestMCP_http drives the service's MCP endpoint (-mcp) with the SDK's client over
// streamable HTTP: signing up and in are tools, and the bearer token of the HTTP requests
// decides the secured ones, as over JSON-RPC.
func TestMCP_http(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t), "-mcp")
	endpoint := "http://" + s.addr + "/mcp"

	anon := connectMCP(t, endpoint, "")
	list, err := anon.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	// watch_sign_ups is a subscription: not a tool.
	if want := []string{"get_caller", "grant_scopes", "require_scopes", "sign_in", "sign_up"}; !slices.Equal(names, want) {
		t.Errorf("tools %q, want %q", names, want)
	}

	creds := map[string]any{"username": "alice", "password": "correct horse battery"}
	if res := mcpCall(t, anon, "sign_up", creds); res.IsError {
		t.Fatalf("sign_up: %s", mcpText(t, res))
	}
	token := mcpSignIn(t, anon, creds)
	for _, tool := range []string{"get_caller", "require_scopes"} {
		e := mcpError(t, mcpCall(t, anon, tool, nil))
		if e.Code != openrpc.CodePermissionError || !jsonEqual(e.Data, []byte(`{"reason":"unauthenticated"}`)) {
			t.Errorf("%s without a token: got %d %s, want %d unauthenticated", tool, e.Code, e.Data, openrpc.CodePermissionError)
		}
	}

	alice := connectMCP(t, endpoint, token)
	res := mcpCall(t, alice, "get_caller", nil)
	if res.IsError {
		t.Fatalf("get_caller with alice's token: %s", mcpText(t, res))
	}
	var u User
	if err := json.Unmarshal([]byte(mcpText(t, res)), &u); err != nil || u.Username != "alice" {
		t.Errorf("get_caller: got %s (%v), want alice", mcpText(t, res), err)
	}
	if m, ok := res.StructuredContent.(map[string]any); !ok || m["username"] != "alice" {
		t.Errorf("get_caller structured content %v, want alice's user", res.StructuredContent)
	}
	e := mcpError(t, mcpCall(t, alice, "require_scopes", nil))
	if want := `{"reason":"insufficient_scope","missing":{"Bearer":["scope1"]}}`; e.Code != openrpc.CodePermissionError || !jsonEqual(e.Data, []byte(want)) {
		t.Errorf("require_scopes: got %d %s, want %d %s", e.Code, e.Data, openrpc.CodePermissionError, want)
	}
	e = mcpError(t, mcpCall(t, anon, "sign_in", map[string]any{"username": "alice", "password": "wrong password"}))
	if e.Code != errBadCredentialsRPC.Code {
		t.Errorf("sign_in with a wrong password: code %d, want %d", e.Code, errBadCredentialsRPC.Code)
	}
	e = mcpError(t, mcpCall(t, anon, "sign_up", map[string]any{"username": "bob"}))
	if e.Code != openrpc.CodeInvalidParams {
		t.Errorf("sign_up without a password: code %d, want %d", e.Code, openrpc.CodeInvalidParams)
	}
}

// TestMCP_stdio starts the built command with -mcp-stdio, as an agent does, and drives it
// with the SDK's client: once without a token, then with the token of AUTH_MCP_TOKEN.
func TestMCP_stdio(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	db := sqlitePath(t)
	start := func(env ...string) (*mcp.ClientSession, *syncBuffer) {
		cmd := exec.Command(bin, "-mcp-stdio", "-db", db, "-bcrypt-cost", testCost)
		cmd.Env = append(os.Environ(), env...)
		logs := new(syncBuffer)
		cmd.Stderr = logs
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-agent", Version: "1"}, nil).
			Connect(context.Background(), &mcp.CommandTransport{Command: cmd}, nil)
		if err != nil {
			t.Fatalf("connect: %v\n%s", err, logs)
		}
		return cs, logs
	}

	cs, logs := start()
	creds := map[string]any{"username": "alice", "password": "correct horse battery"}
	if res := mcpCall(t, cs, "sign_up", creds); res.IsError {
		t.Fatalf("sign_up: %s", mcpText(t, res))
	}
	token := mcpSignIn(t, cs, creds)
	if e := mcpError(t, mcpCall(t, cs, "get_caller", nil)); e.Code != openrpc.CodePermissionError {
		t.Errorf("get_caller without a token: code %d, want %d", e.Code, openrpc.CodePermissionError)
	}
	if err := cs.Close(); err != nil {
		t.Errorf("close: %v\n%s", err, logs)
	}

	cs, logs = start("AUTH_MCP_TOKEN=" + token)
	defer cs.Close()
	res := mcpCall(t, cs, "get_caller", nil)
	if res.IsError {
		t.Fatalf("get_caller with AUTH_MCP_TOKEN: %s\n%s", mcpText(t, res), logs)
	}
	var u User
	if err := json.Unmarshal([]byte(mcpText(t, res)), &u); err != nil || u.Username != "alice" {
		t.Errorf("get_caller: got %s (%v), want alice", mcpText(t, res), err)
	}
	if e := mcpError(t, mcpCall(t, cs, "require_scopes", nil)); e.Code != openrpc.CodePermissionError {
		t.Errorf("require_scopes: code %d, want %d", e.Code, openrpc.CodePermissionError)
	}
	doc, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: "openrpc://document"})
	if err != nil {
		t.Fatal(err)
	}
	var d openrpc.Document
	if err := json.Unmarshal([]byte(doc.Contents[0].Text), &d); err != nil || d.Info.Title != "Auth" {
		t.Errorf("document resource: title %q (%v), want Auth", d.Info.Title, err)
	}
}

// connectMCP connects the SDK's client to the streamable HTTP endpoint, with token (if any)
// as the bearer token of every request.
func connectMCP(t testing.TB, endpoint, token string) *mcp.ClientSession {
	t.Helper()
	hc := &http.Client{Transport: authTransport{authorization: bearer(token), token: token}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-agent", Version: "1"}, nil).Connect(context.Background(),
		&mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// authTransport sets the Authorization header of every request when token is not empty.
type authTransport struct {
	authorization, token string
}

func (a authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if a.token != "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", a.authorization)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func mcpCall(t testing.TB, cs *mcp.ClientSession, tool string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	return res
}

func mcpText(t testing.TB, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("got %d contents, want 1", len(res.Content))
	}
	tc, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("got content %T, want text", res.Content[0])
	}
	return tc.Text
}

// mcpError returns the JSON-RPC error of a tool error result.
func mcpError(t testing.TB, res *mcp.CallToolResult) *openrpc.Error {
	t.Helper()
	if !res.IsError {
		t.Fatalf("got result %s, want a tool error", mcpText(t, res))
	}
	var e openrpc.Error
	if err := json.Unmarshal([]byte(mcpText(t, res)), &e); err != nil {
		t.Fatalf("tool error %q: %v", mcpText(t, res), err)
	}
	return &e
}

// mcpSignIn calls the sign_in tool and returns the access token.
func mcpSignIn(t testing.TB, cs *mcp.ClientSession, creds map[string]any) string {
	t.Helper()
	res := mcpCall(t, cs, "sign_in", creds)
	if res.IsError {
		t.Fatalf("sign_in: %s", mcpText(t, res))
	}
	var tok Token
	if err := json.Unmarshal([]byte(mcpText(t, res)), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("sign_in: got %s (%v), want a token", mcpText(t, res), err)
	}
	return tok.AccessToken
}

// TestMCP_stdioAlone refuses -mcp-stdio with the flags of listeners it does not start: they
// were ignored without a word.
func TestMCP_stdioAlone(t *testing.T) {
	for _, args := range [][]string{
		{"-mcp-stdio", "-mcp"},
		{"-mcp-stdio", "-nats", "nats://127.0.0.1:4222"},
		{"-mcp-stdio", "-addr", "127.0.0.1:0"},
	} {
		var logs bytes.Buffer
		err := run(context.Background(), append(args, "-db", filepath.Join(t.TempDir(), "never.db")),
			func(string) string { return "" }, &logs, nil)
		if err == nil || !strings.Contains(err.Error(), "-mcp-stdio") {
			t.Errorf("%q: got %v, want an error naming -mcp-stdio", args, err)
		}
	}
}
