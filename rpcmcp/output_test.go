package rpcmcp_test

import (
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
