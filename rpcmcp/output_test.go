package rpcmcp_test

import (
	"context"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// TestNewServer_errorOfToolWithOutputSchema checks that the error result of a tool with an
// output schema carries no structured content: clients (the TypeScript SDK's among them)
// check structured content against the output schema even in error results, and an error
// object there failed the call as a protocol error the agent never saw. The error object
// is the result's text.
func TestNewServer_errorOfToolWithOutputSchema(t *testing.T) {
	cs := connect(t, newTestServer(t), nil)
	res := callTool(t, cs, "greet", map[string]any{"name": 1}) // greet has an output schema
	if !res.IsError {
		t.Fatalf("got a result %s, want a tool error", toolText(t, res))
	}
	if res.StructuredContent != nil {
		t.Errorf("structured content %v: want none, the output schema describes results", res.StructuredContent)
	}
	if e := toolError(t, res); e.Code != openrpc.CodeInvalidParams {
		t.Errorf("code %d, want %d", e.Code, openrpc.CodeInvalidParams)
	}
	// A tool without an output schema keeps the error object as structured content.
	if res := callTool(t, cs, "fail", nil); res.StructuredContent == nil {
		t.Errorf("fail, without an output schema: no structured content")
	}
}

// TestNewServer_mapResult gives no output schema to a method whose result is a Go map: a
// nil map is null, and a tool with an output schema must give structured content, an
// object, with every result (clients refuse the result otherwise).
func TestNewServer_mapResult(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "counts"}, func(ctx context.Context, p struct {
		Empty bool `json:"empty,omitempty"`
	}) (map[string]int, error) {
		if p.Empty {
			return nil, nil
		}
		return map[string]int{"a": 1}, nil
	})
	cs := connect(t, srv, nil)
	list, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	hasOutput := list.Tools[0].OutputSchema != nil
	for _, empty := range []bool{false, true} {
		res := callTool(t, cs, "counts", map[string]any{"empty": empty})
		if res.IsError {
			t.Fatalf("tool error %s", toolText(t, res))
		}
		if hasOutput && res.StructuredContent == nil {
			t.Errorf("empty %v: result %s without structured content, but the tool has an output schema %s",
				empty, toolText(t, res), mustJSON(t, list.Tools[0].OutputSchema))
		}
	}
}
