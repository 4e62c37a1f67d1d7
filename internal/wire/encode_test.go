package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"unicode/utf8"
)

func TestAppendString(t *testing.T) {
	for _, tt := range []struct {
		name    string
		in      string
		want    string // exact output
		decoded string // what encoding/json decodes the output to
	}{
		{"empty", "", `""`, ""},
		{"plain", "abc", `"abc"`, "abc"},
		{"quote", `a"b`, `"a\"b"`, `a"b`},
		{"backslash", `a\b`, `"a\\b"`, `a\b`},
		{"slash", "a/b", `"a/b"`, "a/b"},
		{"newline return tab", "\n\r\t", `"\n\r\t"`, "\n\r\t"},
		{"NUL", "\x00", `"\u0000"`, "\x00"},
		{"control characters", "\x01\x1f", `"\u0001\u001f"`, "\x01\x1f"},
		{"backspace form feed", "\b\f", `"\u0008\u000c"`, "\b\f"},
		{"escape char", "\x1b[0m", `"\u001b[0m"`, "\x1b[0m"},
		{"DEL", "\x7f", "\"\x7f\"", "\x7f"},
		{"HTML characters", "<a&b>", `"<a&b>"`, "<a&b>"},
		{"multibyte", "caf\u00e9 \u20ac \U0001F600", "\"caf\u00e9 \u20ac \U0001F600\"", "caf\u00e9 \u20ac \U0001F600"},
		{"U+FFFD", "\ufffd", "\"\ufffd\"", "\ufffd"},
		{"line separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`, "a\u2028b\u2029c"},
		{"U+202F", "\u202f", "\"\u202f\"", "\u202f"},
		{"invalid byte", "\xff", `"\ufffd"`, "\ufffd"},
		{"truncated sequence", "a\xc3", `"a\ufffd"`, "a\ufffd"},
		{"invalid before valid", "\x80\u00e9", "\"\\ufffd\u00e9\"", "\ufffd\u00e9"},
		{"overlong", "\xc0\x80", `"\ufffd\ufffd"`, "\ufffd\ufffd"},
		{"encoded surrogate", "\xed\xa0\x80", `"\ufffd\ufffd\ufffd"`, "\ufffd\ufffd\ufffd"},
		{"mixed", "\"\\\n\x00\xff\u2028x", `"\"\\\n\u0000\ufffd\u2028x"`, "\"\\\n\x00\ufffd\u2028x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("[1,")
			out := AppendString(bytes.Clone(prefix), tt.in)
			if !bytes.HasPrefix(out, prefix) {
				t.Fatalf("AppendString(%q): got %q, want it to keep the prefix %q", tt.in, out, prefix)
			}
			out = out[len(prefix):]
			if string(out) != tt.want {
				t.Errorf("AppendString(%q): got %s, want %s", tt.in, out, tt.want)
			}
			if !json.Valid(out) || !utf8.Valid(out) {
				t.Fatalf("AppendString(%q): got %q, want valid JSON in UTF-8", tt.in, out)
			}
			var got string
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("Unmarshal(%s): got error %v, want nil", out, err)
			}
			if got != tt.decoded {
				t.Errorf("AppendString(%q) decodes to %q, want %q", tt.in, got, tt.decoded)
			}
			if utf8.ValidString(tt.in) && got != tt.in {
				t.Errorf("AppendString(%q) decodes to %q, want the input back", tt.in, got)
			}
		})
	}
}

func TestAppendStringAllBytes(t *testing.T) {
	for c := 0; c < 256; c++ {
		s := string([]byte{'a', byte(c), 'b'})
		out := AppendString(nil, s)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("AppendString(%q) = %s: got Unmarshal error %v, want nil", s, out, err)
		}
		want := s
		if c >= utf8.RuneSelf {
			want = "a\ufffdb"
		}
		if got != want {
			t.Errorf("AppendString(%q) = %s decodes to %q, want %q", s, out, got, want)
		}
		if c < 0x20 && bytes.IndexByte(out, byte(c)) >= 0 {
			t.Errorf("AppendString(%q) = %q: got a raw control byte, want it escaped", s, out)
		}
	}
}

// decodeObject decodes a JSON object and fails the test unless it is valid.
func decodeObject(t *testing.T, b []byte) map[string]json.RawMessage {
	t.Helper()
	if !json.Valid(b) {
		t.Fatalf("got invalid JSON %s", b)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("Unmarshal(%s): got error %v, want nil", b, err)
	}
	return m
}

func checkMembers(t *testing.T, what string, m map[string]json.RawMessage, want map[string]string) {
	t.Helper()
	if len(m) != len(want) {
		t.Errorf("%s: got %d members %q, want %d", what, len(m), m, len(want))
	}
	for k, w := range want {
		got, ok := m[k]
		if !ok {
			t.Errorf("%s: got no %q member, want %s", what, k, w)
			continue
		}
		if string(got) != w {
			t.Errorf("%s: got %q = %s, want %s", what, k, got, w)
		}
	}
}

func TestAppendResult(t *testing.T) {
	for _, tt := range []struct {
		name       string
		id, result string
		nilID      bool
		want       string
	}{
		{"number id", "1", `19`, false, `{"jsonrpc":"2.0","result":19,"id":1}`},
		{"string id", `"abc"`, `{"a":[1,2]}`, false, `{"jsonrpc":"2.0","result":{"a":[1,2]},"id":"abc"}`},
		{"escaped id echoed", `"\u0041"`, `"x"`, false, `{"jsonrpc":"2.0","result":"x","id":"\u0041"}`},
		{"big id echoed", `12345678901234567890123`, `null`, false, `{"jsonrpc":"2.0","result":null,"id":12345678901234567890123}`},
		{"null id", "null", `[]`, false, `{"jsonrpc":"2.0","result":[],"id":null}`},
		{"nil id", "", `true`, true, `{"jsonrpc":"2.0","result":true,"id":null}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var id []byte
			if !tt.nilID {
				id = []byte(tt.id)
			}
			prefix := []byte("[")
			out := AppendResult(bytes.Clone(prefix), id, []byte(tt.result))
			if !bytes.HasPrefix(out, prefix) {
				t.Fatalf("got %q, want it to keep the prefix %q", out, prefix)
			}
			out = out[len(prefix):]
			if string(out) != tt.want {
				t.Errorf("got %s, want %s", out, tt.want)
			}
			wantID := tt.id
			if tt.nilID {
				wantID = "null"
			}
			m := decodeObject(t, out)
			checkMembers(t, string(out), m, map[string]string{
				"jsonrpc": `"2.0"`, "result": tt.result, "id": wantID,
			})
		})
	}
}

func TestAppendError(t *testing.T) {
	for _, tt := range []struct {
		name    string
		id      []byte
		code    int64
		message string
		data    []byte
		want    string // exact output, or "" to skip
	}{
		{"method not found", []byte(`"1"`), -32601, "Method not found", nil,
			`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"1"}`},
		{"parse error nil id", nil, -32700, "Parse error", nil,
			`{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`},
		{"with data", []byte("7"), -32602, "Invalid params", []byte(`{"field":"x","why":["a",1]}`),
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"field":"x","why":["a",1]}},"id":7}`},
		{"null data is kept", []byte("7"), 1, "m", []byte("null"),
			`{"jsonrpc":"2.0","error":{"code":1,"message":"m","data":null},"id":7}`},
		{"zero code empty message", []byte("0"), 0, "", nil,
			`{"jsonrpc":"2.0","error":{"code":0,"message":""},"id":0}`},
		{"min code", nil, math.MinInt64, "min", nil, ""},
		{"max code", nil, math.MaxInt64, "max", nil, ""},
		{"message needing escapes", []byte(`"x"`), -32000, "bad \"x\"\\\n\t\x00\u2028\xff", nil,
			`{"jsonrpc":"2.0","error":{"code":-32000,"message":"bad \"x\"\\\n\t\u0000\u2028\ufffd"},"id":"x"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("x")
			out := AppendError(bytes.Clone(prefix), tt.id, tt.code, tt.message, tt.data)
			if !bytes.HasPrefix(out, prefix) {
				t.Fatalf("got %q, want it to keep the prefix %q", out, prefix)
			}
			out = out[len(prefix):]
			if tt.want != "" && string(out) != tt.want {
				t.Errorf("got %s, want %s", out, tt.want)
			}
			wantID := "null"
			if tt.id != nil {
				wantID = string(tt.id)
			}
			m := decodeObject(t, out)
			checkMembers(t, string(out), m, map[string]string{
				"jsonrpc": `"2.0"`, "error": string(m["error"]), "id": wantID,
			})
			em := decodeObject(t, m["error"])
			want := map[string]string{
				"code":    strconv.FormatInt(tt.code, 10),
				"message": string(em["message"]),
			}
			if tt.data != nil {
				want["data"] = string(tt.data)
			}
			checkMembers(t, "error of "+string(out), em, want)
			var msg string
			if err := json.Unmarshal(em["message"], &msg); err != nil {
				t.Fatalf("Unmarshal(%s): got error %v, want nil", em["message"], err)
			}
			wantMsg := tt.message
			if !utf8.ValidString(wantMsg) {
				wantMsg = string(bytes.ToValidUTF8([]byte(wantMsg), []byte("\ufffd")))
			}
			if msg != wantMsg {
				t.Errorf("message: got %q, want %q", msg, wantMsg)
			}
		})
	}
}
