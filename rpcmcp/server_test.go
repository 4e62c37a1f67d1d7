package rpcmcp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcmcp"
)

func TestNewServer_tools(t *testing.T) {
	srv := newTestServer(t)
	cs := connect(t, srv, nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	tools := map[string]*mcp.Tool{}
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		tools[tool.Name] = tool
	}
	slices.Sort(names)
	// Not log (a notification), ticks or ticks_unsubscribe (a subscription).
	want := []string{"add", "boom", "fail", "greet", "sum", "tree.double", "tree.sum", "whoami"}
	if !slices.Equal(names, want) {
		t.Fatalf("tools %q, want %q", names, want)
	}

	doc, err := srv.Document()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range doc.Methods {
		tool, ok := tools[m.Name]
		if !ok {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			if tool.Title != m.Summary {
				t.Errorf("title %q, want %q", tool.Title, m.Summary)
			}
			if want := cmpDescription(m); tool.Description != want {
				t.Errorf("description %q, want %q", tool.Description, want)
			}
			in := tool.InputSchema.(map[string]any)
			if in["type"] != "object" {
				t.Errorf("input schema type %v, want object", in["type"])
			}
			props, _ := in["properties"].(map[string]any)
			if len(props) != len(m.Params) {
				t.Errorf("%d properties, want %d (the params)", len(props), len(m.Params))
			}
			var required []string
			for _, p := range m.Params {
				got, ok := props[p.Name]
				if !ok {
					t.Errorf("no property for param %q", p.Name)
					continue
				}
				// The param's schema, with its component references pointing at $defs.
				want := strings.ReplaceAll(string(mustJSON(t, p.Schema)), "#/components/schemas/", "#/$defs/")
				if p.Variadic {
					want = `{"type":"array","items":` + want + `}`
				} else if d := cmpDescription(openrpc.MethodObject{Summary: p.Summary, Description: p.Description}); d != "" && p.Schema.Description == "" {
					want = `{"description":` + string(mustJSON(t, d)) + `,` + want[1:]
				}
				if !jsonEqual(t, mustJSON(t, got), []byte(want)) {
					t.Errorf("param %q: schema %s, want %s", p.Name, mustJSON(t, got), want)
				}
				if p.Required {
					required = append(required, p.Name)
				}
			}
			gotRequired, _ := json.Marshal(in["required"])
			if len(required) == 0 {
				if in["required"] != nil {
					t.Errorf("required %s, want none", gotRequired)
				}
			} else if !jsonEqual(t, gotRequired, mustJSON(t, required)) {
				t.Errorf("required %s, want %q", gotRequired, required)
			}
			// Self-contained: it resolves with no loader, every reference inside.
			resolveSchema(t, tool.InputSchema)
			if tool.OutputSchema != nil {
				resolveSchema(t, tool.OutputSchema)
			}
		})
	}
	if tools["greet"].OutputSchema == nil || tools["tree.double"].OutputSchema == nil {
		t.Errorf("greet and tree.double return objects: want output schemas")
	}
	if defs := tools["greet"].OutputSchema.(map[string]any)["$defs"]; defs != nil {
		t.Errorf("greet output schema: $defs %s, want none (Greeting is inlined)", mustJSON(t, defs))
	}
	if defs, _ := tools["tree.double"].OutputSchema.(map[string]any)["$defs"].(map[string]any); defs["Node"] == nil {
		t.Errorf("tree.double output schema: want the recursive Node in $defs")
	}
	if tools["add"].OutputSchema != nil {
		t.Errorf("add returns an integer: got output schema %s, want none", mustJSON(t, tools["add"].OutputSchema))
	}
}

func cmpDescription(m openrpc.MethodObject) string {
	if m.Description != "" {
		return m.Description
	}
	return m.Summary
}

// resolveSchema resolves a tool schema with google/jsonschema-go, as the SDK does, and
// returns it ready to validate.
func resolveSchema(t testing.TB, v any) *jsonschema.Resolved {
	t.Helper()
	var s jsonschema.Schema
	if err := json.Unmarshal(mustJSON(t, v), &s); err != nil {
		t.Fatalf("schema %s: %v", mustJSON(t, v), err)
	}
	r, err := s.Resolve(nil)
	if err != nil {
		t.Fatalf("schema %s does not resolve: %v", mustJSON(t, v), err)
	}
	return r
}

func TestNewServer_recursiveSchema(t *testing.T) {
	srv := newTestServer(t)
	cs := connect(t, srv, nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.Tools, func(tool *mcp.Tool) bool { return tool.Name == "tree.double" })
	tool := res.Tools[i]
	defs, _ := tool.InputSchema.(map[string]any)["$defs"].(map[string]any)
	if _, ok := defs["Node"]; !ok {
		t.Fatalf("input schema %s: want Node in $defs", mustJSON(t, tool.InputSchema))
	}
	if strings.Contains(string(mustJSON(t, tool.InputSchema)), "#/components/") {
		t.Errorf("input schema %s refers to the document's components", mustJSON(t, tool.InputSchema))
	}
	tree := Node{Value: 1, Children: []Node{{Value: 2, Children: []Node{{Value: 3}}}, {Value: 4}}}
	args := map[string]any{"tree": tree}
	var instance map[string]any
	if err := json.Unmarshal(mustJSON(t, args), &instance); err != nil {
		t.Fatal(err)
	}
	in := resolveSchema(t, tool.InputSchema)
	if err := in.Validate(instance); err != nil {
		t.Errorf("valid arguments %s: %v", mustJSON(t, args), err)
	}
	bad := map[string]any{"tree": map[string]any{"value": 1, "children": []any{map[string]any{"value": "two"}}}}
	if err := in.Validate(bad); err == nil {
		t.Errorf("arguments %s with a string deep in the tree: want a validation error", mustJSON(t, bad))
	}

	out := callTool(t, cs, "tree.double", args)
	if out.IsError {
		t.Fatalf("tree.double: %s", toolText(t, out))
	}
	want := mustJSON(t, double(tree))
	if !jsonEqual(t, []byte(toolText(t, out)), want) {
		t.Errorf("text %s, want %s", toolText(t, out), want)
	}
	if !jsonEqual(t, mustJSON(t, out.StructuredContent), want) {
		t.Errorf("structured content %s, want %s", mustJSON(t, out.StructuredContent), want)
	}
	if err := resolveSchema(t, tool.OutputSchema).Validate(out.StructuredContent); err != nil {
		t.Errorf("structured content does not match the output schema: %v", err)
	}
	if got := toolText(t, callTool(t, cs, "tree.sum", args)); got != "10" {
		t.Errorf("tree.sum %s, want 10", got)
	}
}

func TestNewServer_calls(t *testing.T) {
	cs := connect(t, newTestServer(t), nil)
	for _, tt := range []struct {
		name string
		tool string
		args any
		want string
	}{
		{"by name", "greet", map[string]any{"name": "ada", "times": 2}, `{"message":"hello ada hello ada"}`},
		{"optional param left out", "greet", map[string]any{"name": "ada"}, `{"message":"hello ada"}`},
		{"by position", "add", map[string]any{"a": 1, "b": 2}, "3"},
		{"by position, in any order", "add", map[string]any{"c": 4, "b": 2, "a": 1}, "7"},
		{"variadic", "sum", map[string]any{"numbers": []int{1, 2, 3}}, "6"},
		{"variadic, none", "sum", map[string]any{}, "0"},
		{"no params, no arguments", "tree.sum", map[string]any{"tree": map[string]any{"value": 5}}, "5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := callTool(t, cs, tt.tool, tt.args)
			if res.IsError {
				t.Fatalf("tool error %s", toolText(t, res))
			}
			if got := toolText(t, res); !jsonEqual(t, []byte(got), []byte(tt.want)) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if strings.HasPrefix(tt.want, "{") != (res.StructuredContent != nil) {
				t.Errorf("structured content %v: want it exactly for object results", res.StructuredContent)
			}
		})
	}
}

func TestNewServer_errors(t *testing.T) {
	cs := connect(t, newTestServer(t), nil)
	for _, tt := range []struct {
		name string
		tool string
		args any
		code openrpc.Code
		data string // the error's data; "" for any
	}{
		{"wrong type", "greet", map[string]any{"name": 1}, openrpc.CodeInvalidParams, `{"errors":[{"path":"/name","message":"expected string, got number"}]}`},
		{"missing param", "greet", map[string]any{}, openrpc.CodeInvalidParams, `{"errors":[{"path":"/name","message":"required param is missing"}]}`},
		{"unknown param", "greet", map[string]any{"name": "ada", "age": 3}, openrpc.CodeInvalidParams, ""},
		{"by position, missing param", "add", map[string]any{"a": 1}, openrpc.CodeInvalidParams, `{"errors":[{"path":"/b","message":"required param is missing"}]}`},
		{"by position, unknown param", "add", map[string]any{"a": 1, "b": 2, "d": 3}, openrpc.CodeInvalidParams, `{"errors":[{"path":"/d","message":"unknown param"}]}`},
		{"by position, wrong type", "add", map[string]any{"a": 1, "b": "2"}, openrpc.CodeInvalidParams, ""},
		{"variadic, not an array", "sum", map[string]any{"numbers": 3}, openrpc.CodeInvalidParams, ""},
		{"variadic, unknown param", "sum", map[string]any{"numbers": []int{1}, "more": 2}, openrpc.CodeInvalidParams, `{"errors":[{"path":"/more","message":"unknown param"}]}`},
		{"no params, given one", "boom", map[string]any{"x": 1}, openrpc.CodeInvalidParams, ""},
		{"arguments an array", "greet", json.RawMessage(`["ada"]`), openrpc.CodeInvalidParams, `{"errors":[{"path":"","message":"arguments must be an object"}]}`},
		{"arguments a string", "add", json.RawMessage(`"ada"`), openrpc.CodeInvalidParams, ""},
		{"too large", "greet", map[string]any{"name": strings.Repeat("a", 6<<20)}, openrpc.CodeTooLarge, ""},
		{"panic", "boom", nil, openrpc.CodeInternalError, ""},
		{"application error", "fail", nil, 1001, `{"tries":3}`},
		{"no credentials", "whoami", nil, openrpc.CodePermissionError, `{"reason":"unauthenticated"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := toolError(t, callTool(t, cs, tt.tool, tt.args))
			if e.Code != tt.code {
				t.Errorf("code %d (%s), want %d", e.Code, e.Message, tt.code)
			}
			if e.Message == "" {
				t.Errorf("no message")
			}
			if tt.data != "" && !jsonEqual(t, e.Data, []byte(tt.data)) {
				t.Errorf("data %s, want %s", e.Data, tt.data)
			}
		})
	}
}

func TestNewServer_include(t *testing.T) {
	cs := connect(t, newTestServer(t), &rpcmcp.Options{
		Include: func(m openrpc.MethodObject) bool { return strings.HasPrefix(m.Name, "tree.") },
	})
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tools) != 2 {
		t.Errorf("got %d tools, want tree.sum and tree.double", len(res.Tools))
	}
	if _, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "greet", Arguments: map[string]any{"name": "ada"}}); err == nil {
		t.Errorf("greet, left out: want a protocol error")
	}
}

func TestNewServer_document(t *testing.T) {
	srv := newTestServer(t)
	cs := connect(t, srv, nil)
	list, err := cs.ListResources(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Resources) != 1 || list.Resources[0].URI != rpcmcp.DefaultDocumentURI {
		t.Fatalf("resources %s, want the document at %s", mustJSON(t, list.Resources), rpcmcp.DefaultDocumentURI)
	}
	res, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: rpcmcp.DefaultDocumentURI})
	if err != nil {
		t.Fatal(err)
	}
	want, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contents) != 1 || res.Contents[0].Text != string(want) || res.Contents[0].MIMEType != "application/json" {
		t.Errorf("contents %s, want the document", mustJSON(t, res.Contents))
	}
	init := cs.InitializeResult()
	if init.ServerInfo.Name != "Test" || init.ServerInfo.Version != "1.2.3" || init.Instructions != "A test service." {
		t.Errorf("server info %s, instructions %q: want the document's info", mustJSON(t, init.ServerInfo), init.Instructions)
	}
}

func TestNewServer_badInput(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "a/b"}, func(ctx context.Context, p struct{}) (int, error) { return 0, nil })
	if _, err := rpcmcp.NewServer(srv, nil); err == nil || !strings.Contains(err.Error(), `"a/b"`) {
		t.Errorf("method a/b: got error %v, want one naming it", err)
	}
	if _, err := rpcmcp.NewServer(srv, &rpcmcp.Options{Include: func(m openrpc.MethodObject) bool { return false }}); err != nil {
		t.Errorf("with a/b left out: %v", err)
	}
	if _, err := rpcmcp.NewServer(nil, nil); err == nil {
		t.Errorf("nil server: want an error")
	}
}

// TestNewHandler runs the MCP server over streamable HTTP: the bearer token of each HTTP
// request reaches the server's authorizer, and HideForbidden lists only granted tools.
func TestNewHandler(t *testing.T) {
	srv := newTestServer(t)
	for _, tt := range []struct {
		name       string
		token      string
		hide       bool
		wantListed bool
		wantCode   openrpc.Code // of whoami; 0: success
	}{
		{"token", testToken, false, true, 0},
		{"no token", "", false, true, openrpc.CodePermissionError},
		{"wrong token", "nope", false, true, openrpc.CodePermissionError},
		{"token, hidden", testToken, true, true, 0},
		{"no token, hidden", "", true, false, openrpc.CodePermissionError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := &rpcmcp.Options{}
			if tt.hide {
				opts.HideForbidden = authorize
			}
			h, err := rpcmcp.NewHandler(srv, opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(h)
			defer hs.Close()
			cs := connectHTTP(t, hs.URL, tt.token)
			list, err := cs.ListTools(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			listed := slices.ContainsFunc(list.Tools, func(tool *mcp.Tool) bool { return tool.Name == "whoami" })
			if listed != tt.wantListed {
				t.Errorf("whoami listed: %v, want %v", listed, tt.wantListed)
			}
			if !slices.ContainsFunc(list.Tools, func(tool *mcp.Tool) bool { return tool.Name == "greet" }) {
				t.Errorf("greet, public, not listed")
			}
			res := callTool(t, cs, "whoami", nil)
			if tt.wantCode == 0 {
				if res.IsError || toolText(t, res) != `"mcp"` {
					t.Errorf("whoami: got %s, want \"mcp\"", toolText(t, res))
				}
				return
			}
			if e := toolError(t, res); e.Code != tt.wantCode {
				t.Errorf("whoami: code %d, want %d", e.Code, tt.wantCode)
			}
		})
	}
}

// connectHTTP connects an SDK client to the streamable HTTP endpoint url, sending token
// (when not empty) as a bearer token with every request.
func connectHTTP(t testing.TB, url, token string) *mcp.ClientSession {
	t.Helper()
	hc := &http.Client{Transport: bearerTransport{token: token, next: http.DefaultTransport}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(context.Background(),
		&mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// bearerTransport adds "Authorization: Bearer <token>" to every request.
type bearerTransport struct {
	token string
	next  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if b.token == "" {
		return b.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// TestNewServer_header gives calls without an HTTP request (stdio, in memory) the caller
// header of Options.Header.
func TestNewServer_header(t *testing.T) {
	srv := newTestServer(t)
	header := http.Header{"Authorization": {"Bearer " + testToken}}
	cs := connect(t, srv, &rpcmcp.Options{Header: header, HideForbidden: authorize})
	list, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(list.Tools, func(tool *mcp.Tool) bool { return tool.Name == "whoami" }) {
		t.Errorf("whoami not listed for the token of Options.Header")
	}
	if res := callTool(t, cs, "whoami", nil); res.IsError || toolText(t, res) != `"mcp"` {
		t.Errorf("whoami: got %s, want \"mcp\"", toolText(t, res))
	}
}

// The SDK's streamable HTTP handler refuses requests on loopback that name another Host
// (DNS rebinding), unless StreamableHTTPOptions.DisableLocalhostProtection is set.
func TestNewHandler_dnsRebinding(t *testing.T) {
	srv := newTestServer(t)
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	for _, tt := range []struct {
		name    string
		host    string // "PORT" stands for the server's port
		disable bool
		want    int
	}{
		{"a web site's name", "evil.example:PORT", false, http.StatusForbidden},
		{"127.0.0.1", "127.0.0.1:PORT", false, http.StatusOK},
		{"localhost", "localhost:PORT", false, http.StatusOK},
		{"a name under localhost, refused unlike by rpchttp (see NewHandler)", "app.localhost:PORT", false, http.StatusForbidden},
		{"protection off", "evil.example:PORT", true, http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, err := rpcmcp.NewHandler(srv, nil, &mcp.StreamableHTTPOptions{DisableLocalhostProtection: tt.disable})
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(h)
			defer hs.Close()
			req, _ := http.NewRequest(http.MethodPost, hs.URL, strings.NewReader(initialize))
			req.Host = strings.Replace(tt.host, "PORT", hs.URL[strings.LastIndex(hs.URL, ":")+1:], 1)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("Host %s: got %d, want %d", req.Host, resp.StatusCode, tt.want)
			}
		})
	}
}
