package rpcmcp_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// paramPaths returns the paths of the Invalid params error a tool error result carries.
func paramPaths(t *testing.T, e *openrpc.Error) []string {
	t.Helper()
	if e.Code != openrpc.CodeInvalidParams {
		t.Fatalf("error %d %s, want -32602", e.Code, e.Message)
	}
	var d openrpc.InvalidParamsData
	if err := json.Unmarshal(e.Data, &d); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range d.Errors {
		paths = append(paths, p.Path)
	}
	return paths
}

// TestNewServer_unknownParamsInOrder: the unknown params of a by-position tool call are
// listed in name order, the same every time (map order listed them in any).
func TestNewServer_unknownParamsInOrder(t *testing.T) {
	cs := connect(t, newTestServer(t), nil)
	want := []string{"/ww", "/xx", "/yy", "/zz"}
	for range 10 {
		res := callTool(t, cs, "add", json.RawMessage(`{"zz": 1, "yy": 2, "xx": 3, "ww": 4, "a": 1, "b": 2}`))
		if got := paramPaths(t, toolError(t, res)); !slices.Equal(got, want) {
			t.Fatalf("paths %q, want %q", got, want)
		}
	}
}

// TestNewServer_variadicErrorPaths: the Invalid params error of a variadic tool points into
// its arguments, {"numbers": [...]}: "/numbers/1", not the server's "/1", which names no
// value of the arguments.
func TestNewServer_variadicErrorPaths(t *testing.T) {
	cs := connect(t, newTestServer(t), nil)
	res := callTool(t, cs, "sum", json.RawMessage(`{"numbers": [1, "x", 3, true]}`))
	if got, want := paramPaths(t, toolError(t, res)), []string{"/numbers/1", "/numbers/3"}; !slices.Equal(got, want) {
		t.Errorf("paths %q, want %q", got, want)
	}
}

// TestNewServer_byPositionDuplicate: a by-position tool call giving a param twice is
// refused, as a by-name one is by the server, not sent with the last value.
func TestNewServer_byPositionDuplicate(t *testing.T) {
	cs := connect(t, newTestServer(t), nil)
	for tool, args := range map[string]string{
		"add":   `{"a": 1, "b": 2, "a": 3}`,
		"greet": `{"name": "x", "name": "y"}`,
		"sum":   `{"numbers": [1], "numbers": [2]}`,
	} {
		res := callTool(t, cs, tool, json.RawMessage(args))
		if !res.IsError {
			t.Errorf("%s %s: result %s, want -32602", tool, args, toolText(t, res))
			continue
		}
		e := toolError(t, res)
		var d openrpc.InvalidParamsData
		json.Unmarshal(e.Data, &d)
		if len(d.Errors) != 1 || d.Errors[0].Message != "param given more than once" {
			t.Errorf("%s %s: error %s, want one problem: param given more than once", tool, args, toolText(t, res))
		}
	}
}
