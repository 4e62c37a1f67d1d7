package rpcmcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcmcp"
)

type GreetParams struct {
	Name  string `json:"name"`
	Times int    `json:"times,omitempty"`
}

type Greeting struct {
	Message string `json:"message"`
}

// Node is a recursive type: its schema refers to itself.
type Node struct {
	Value    int    `json:"value"`
	Children []Node `json:"children,omitempty"`
}

type TreeParams struct {
	Tree Node `json:"tree"`
}

type AddParams struct {
	A int `json:"a"`
	B int `json:"b"`
	C int `json:"c,omitempty"`
}

type Tick struct {
	N int `json:"n"`
}

// testToken is the bearer token the test authorizer grants scope "admin" for.
const testToken = "secret-token"

// newTestServer returns an openrpc server with by-name, by-position, variadic, recursive,
// failing, secured, notification and subscription methods.
func newTestServer(t testing.TB) *openrpc.Server {
	t.Helper()
	srv := openrpc.NewServer(openrpc.Info{Title: "Test", Version: "1.2.3", Description: "A test service."}, &openrpc.ServerOptions{
		Logger:          slog.New(slog.DiscardHandler),
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}},
		Authorize:       authorize,
	})
	openrpc.Register(srv, openrpc.Method{Name: "greet", Summary: "Greet someone.", Description: "Says hello, times times."},
		func(ctx context.Context, p GreetParams) (Greeting, error) {
			return Greeting{Message: strings.TrimSpace(strings.Repeat("hello "+p.Name+" ", max(p.Times, 1)))}, nil
		})
	openrpc.Register(srv, openrpc.Method{Name: "tree.sum", Summary: "Sum the values of a tree."},
		func(ctx context.Context, p TreeParams) (int, error) { return sum(p.Tree), nil })
	openrpc.Register(srv, openrpc.Method{Name: "tree.double", Summary: "Double every value of a tree."},
		func(ctx context.Context, p TreeParams) (Node, error) { return double(p.Tree), nil })
	openrpc.Register(srv, openrpc.Method{Name: "add", ParamStructure: openrpc.ByPosition},
		func(ctx context.Context, p AddParams) (int, error) { return p.A + p.B + p.C, nil })
	openrpc.Register(srv, openrpc.Method{Name: "sum", VariadicName: "numbers"},
		func(ctx context.Context, p []int) (int, error) {
			s := 0
			for _, n := range p {
				s += n
			}
			return s, nil
		})
	openrpc.Register(srv, openrpc.Method{Name: "boom"}, func(ctx context.Context, p struct{}) (int, error) { panic("boom") })
	openrpc.Register(srv, openrpc.Method{Name: "fail"}, func(ctx context.Context, p struct{}) (int, error) {
		return 0, openrpc.NewError(1001, "no luck", map[string]int{"tries": 3})
	})
	openrpc.Register(srv, openrpc.Method{Name: "whoami", Security: openrpc.Require("Bearer", "admin")},
		func(ctx context.Context, p struct{}) (string, error) {
			return openrpc.CallerFrom(ctx).Transport, nil
		})
	openrpc.RegisterNotification(srv, openrpc.Method{Name: "log"}, func(ctx context.Context, p struct {
		Line string `json:"line"`
	}) error {
		return nil
	})
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "ticks"}, func(ctx context.Context, p struct{}, emit func(Tick) error) error {
		return emit(Tick{N: 1})
	})
	return srv
}

// authorize grants scope admin to the bearer of testToken.
func authorize(ctx context.Context) (openrpc.Grants, error) {
	tok, err := openrpc.BearerToken(ctx)
	if err != nil {
		return nil, err
	}
	if tok != testToken {
		return nil, errors.New("unknown token")
	}
	return openrpc.Grants{"Bearer": {"admin"}}, nil
}

func sum(n Node) int {
	s := n.Value
	for _, c := range n.Children {
		s += sum(c)
	}
	return s
}

func double(n Node) Node {
	d := Node{Value: 2 * n.Value}
	for _, c := range n.Children {
		d.Children = append(d.Children, double(c))
	}
	return d
}

// connect serves the MCP server of srv over the SDK's in-memory transports and returns a
// connected client session, closed at the end of the test.
func connect(t testing.TB, srv *openrpc.Server, opts *rpcmcp.Options) *mcp.ClientSession {
	t.Helper()
	ms, err := rpcmcp.NewServer(srv, opts)
	if err != nil {
		t.Fatal(err)
	}
	ct, st := mcp.NewInMemoryTransports()
	ctx := context.Background()
	ss, err := ms.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs.Close()
		ss.Wait()
	})
	return cs
}

// callTool calls a tool and fails the test on a protocol error.
func callTool(t testing.TB, cs *mcp.ClientSession, name string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("CallTool %s: %v", name, err)
	}
	return res
}

// toolText returns the text of a result's one text content.
func toolText(t testing.TB, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("got %d contents, want 1", len(res.Content))
	}
	tc, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("got content %T, want *mcp.TextContent", res.Content[0])
	}
	return tc.Text
}

// toolError returns the JSON-RPC error a tool error result carries, checking that its text
// and structured content, when it has one, agree.
func toolError(t testing.TB, res *mcp.CallToolResult) *openrpc.Error {
	t.Helper()
	if !res.IsError {
		t.Fatalf("got a result (%s), want a tool error", toolText(t, res))
	}
	var e openrpc.Error
	if err := json.Unmarshal([]byte(toolText(t, res)), &e); err != nil {
		t.Fatalf("error text %q: %v", toolText(t, res), err)
	}
	if res.StructuredContent == nil {
		return &e
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, b, []byte(toolText(t, res))) {
		t.Errorf("structured content %s, want the error text %s", b, toolText(t, res))
	}
	return &e
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
