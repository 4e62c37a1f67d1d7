package rpcmcp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// TestNewServer_argumentsNotUTF8: arguments holding bytes that are not UTF-8 (which MCP
// clients and the SDK let through) are refused with Invalid params naming the param, not
// with a bare -32700 "Parse error", which says nothing of a request the client sent as
// valid JSON.
func TestNewServer_argumentsNotUTF8(t *testing.T) {
	cs := connect(t, newTestServer(t), nil)
	for _, tt := range []struct {
		tool, args, path string
	}{
		{"greet", "{\"name\": \"bad \xff byte\"}", "/name"},
		{"add", "{\"a\": 1, \"b\": 2, \"c\": \"\xfe\"}", "/c"},
		{"tree.sum", "{\"tree\": {\"value\": 1, \"children\": [{\"value\": \"\xff\"}]}}", "/tree"},
	} {
		res := callTool(t, cs, tt.tool, json.RawMessage(tt.args))
		e := toolError(t, res)
		if e.Code != openrpc.CodeInvalidParams || !strings.Contains(string(e.Data), `"path":"`+tt.path+`"`) || !strings.Contains(string(e.Data), "UTF-8") {
			t.Errorf("%s %q: error %d %q %s; want -32602 naming %s and UTF-8", tt.tool, tt.args, e.Code, e.Message, e.Data, tt.path)
		}
	}
}
