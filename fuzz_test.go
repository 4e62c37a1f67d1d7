package openrpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

// FuzzProcess checks that any message gets a well-formed answer: nothing only when every
// request in it is a valid notification, otherwise one response object (or a non-empty array
// of them) whose ids come from the message.
func FuzzProcess(f *testing.F) {
	for _, v := range openrpctest.SpecVectors() {
		f.Add([]byte(v.Request))
	}
	for _, s := range []string{
		`{"jsonrpc":"2.0","method":"echo","params":{"id":1,"name":"n","tags":["a"],"opt":null,"nested":{"X":1}},"id":1}`,
		`{"jsonrpc":"2.0","method":"echo","params":[1,"n",1,2,0.5,true],"id":"x"}`,
		`{"jsonrpc":"2.0","method":"add","params":{"a":1e2,"b":-0},"id":12345678901234567890}`,
		`[{"jsonrpc":"2.0","method":"panic","id":1},{"jsonrpc":"2.0","method":"panic"}]`,
		`{"jsonrpc":"2.0","method":"\u0061dd","params":{"\u0061":1,"b":2},"id":null}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	} {
		f.Add([]byte(s))
	}
	srv := newSpecServer(f, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxDepth: 32, MaxBatchItems: 50}})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	openrpc.Register(srv, openrpc.Method{Name: "echo"}, echo)
	openrpc.Register(srv, openrpc.Method{Name: "panic"}, func(context.Context, struct{}) (int, error) { panic("boom") })

	f.Fuzz(func(t *testing.T, msg []byte) {
		reply := srv.Process(context.Background(), msg)
		if reply == nil {
			if !allNotifications(msg) {
				t.Fatalf("no reply to %q, which is not only notifications", msg)
			}
			return
		}
		if !json.Valid(reply) || !utf8.Valid(reply) {
			t.Fatalf("reply is not JSON: %q", reply)
		}
		ids := requestIDs(msg)
		if reply[0] == '[' {
			var items []json.RawMessage
			if err := json.Unmarshal(reply, &items); err != nil || len(items) == 0 {
				t.Fatalf("bad batch reply %q to %q", reply, msg)
			}
			for _, it := range items {
				checkResponse(t, it, ids, msg)
			}
			return
		}
		checkResponse(t, reply, ids, msg)
	})
}

func checkResponse(t *testing.T, raw json.RawMessage, ids map[string]bool, msg []byte) {
	t.Helper()
	var r map[string]json.RawMessage
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("response %q is not an object", raw)
	}
	res, hasRes := r["result"]
	e, hasErr := r["error"]
	if string(r["jsonrpc"]) != `"2.0"` || hasRes == hasErr || r["id"] == nil || len(r) != 3 {
		t.Fatalf("malformed response %q to %q", raw, msg)
	}
	if hasRes && len(res) == 0 {
		t.Fatalf("empty result in %q", raw)
	}
	if hasErr {
		var eo struct {
			Code    *int
			Message *string
		}
		if err := json.Unmarshal(e, &eo); err != nil || eo.Code == nil || eo.Message == nil {
			t.Fatalf("malformed error %q", e)
		}
	}
	if id := string(r["id"]); id != "null" && !ids[id] {
		t.Fatalf("response id %s is not an id of the message %q", id, msg)
	}
}

// requestIDs returns the raw ids of the message's requests, as encoding/json sees them.
func requestIDs(msg []byte) map[string]bool {
	ids := map[string]bool{}
	var one map[string]json.RawMessage
	if json.Unmarshal(msg, &one) == nil {
		ids[string(bytes.TrimSpace(one["id"]))] = true
	}
	var many []map[string]json.RawMessage
	if json.Unmarshal(msg, &many) == nil {
		for _, r := range many {
			ids[string(bytes.TrimSpace(r["id"]))] = true
		}
	}
	var mixed []json.RawMessage
	if json.Unmarshal(msg, &mixed) == nil {
		for _, it := range mixed {
			var r map[string]json.RawMessage
			if json.Unmarshal(it, &r) == nil {
				ids[string(bytes.TrimSpace(r["id"]))] = true
			}
		}
	}
	return ids
}

// allNotifications reports whether msg is a valid notification or a non-empty batch of them.
func allNotifications(msg []byte) bool {
	isNotification := func(raw []byte) bool {
		var r map[string]json.RawMessage
		if json.Unmarshal(raw, &r) != nil {
			return false
		}
		_, hasID := r["id"]
		m := r["method"]
		p, hasParams := r["params"]
		return !hasID && string(r["jsonrpc"]) == `"2.0"` && len(m) > 0 && m[0] == '"' &&
			(!hasParams || p[0] == '[' || p[0] == '{')
	}
	msg = bytes.TrimSpace(msg)
	if len(msg) > 0 && msg[0] == '[' {
		var items []json.RawMessage
		if json.Unmarshal(msg, &items) != nil || len(items) == 0 {
			return false
		}
		for _, it := range items {
			if !isNotification(it) {
				return false
			}
		}
		return true
	}
	return isNotification(msg)
}
