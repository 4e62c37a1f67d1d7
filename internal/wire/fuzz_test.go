package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// specRequests are request strings from the JSON-RPC 2.0 specification examples
// (openrpctest/jsonrpc-spec-vectors.json).
var specRequests = []string{
	`{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}`,
	`{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}`,
	`{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}`,
	`{"jsonrpc": "2.0", "method": "foobar", "id": "1"}`,
	`{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]`,
	`{"jsonrpc": "2.0", "method": 1, "params": "bar"}`,
	"[\n  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n  {\"jsonrpc\": \"2.0\", \"method\"\n]",
	`[]`,
	`[1]`,
	`[1,2,3]`,
	"[\n        {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n        {\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]},\n        {\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42,23], \"id\": \"2\"},\n        {\"foo\": \"boo\"},\n        {\"jsonrpc\": \"2.0\", \"method\": \"foo.get\", \"params\": {\"name\": \"myself\"}, \"id\": \"5\"},\n        {\"jsonrpc\": \"2.0\", \"method\": \"get_data\", \"id\": \"9\"} \n    ]",
	"[\n        {\"jsonrpc\": \"2.0\", \"method\": \"notify_sum\", \"params\": [1,2,4]},\n        {\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]}\n    ]",
}

// extraRequests are envelope corner cases.
var extraRequests = []string{
	`{"jsonrpc":"2\u002e0","\u006dethod":"\u0061dd","params":{"a":[1,{"b":null}]},"id":12345678901234567890123}`,
	`{"jsonrpc":"2.0","method":"m","method":"m","id":1.5e3}`,
	`{"jsonrpc":"2.0","method":"m","id":"\u0041","params":null}`,
	`{"jsonrpc":"2.0","method":"m","id":{},"extra":true}`,
	`{"jsonrpc":2.0,"method":"m","id":-0}`,
	`[{"jsonrpc":"2.0","method":"m"},1,"x",[],{}]`,
	" \t\r\n{ \"jsonrpc\" : \"2.0\" , \"method\" : \"m\" , \"params\" : [ ] , \"id\" : null }\n",
	"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}",
	"{}\x00",
	`"\ud800"`,
	`[[[[[[[[[[]]]]]]]]]]`,
}

func FuzzValid(f *testing.F) {
	for _, tt := range validTests {
		f.Add([]byte(tt.in))
	}
	for _, s := range specRequests {
		f.Add([]byte(s))
	}
	for _, s := range extraRequests {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := Valid(b, 10000)
		switch k := errKind(err); k {
		case kindOK, kindDepth:
		case kindSyntax:
			var se *SyntaxError
			errors.As(err, &se)
			if se.Offset < 0 || se.Offset > len(b) {
				t.Fatalf("Valid(%q): got offset %d, want within [0, %d]", b, se.Offset, len(b))
			}
		default:
			t.Fatalf("Valid(%q): got error %v, want *SyntaxError or *DepthError", b, err)
		}

		jsonOK := json.Valid(b) && utf8.Valid(b)
		if err == nil && !jsonOK {
			t.Fatalf("Valid(%q) = nil, want an error: json.Valid %v, utf8.Valid %v", b, json.Valid(b), utf8.Valid(b))
		}
		// encoding/json rejects nesting deeper than 10000, but use an unbounded depth anyway so
		// this direction does not depend on that.
		if jsonOK {
			if err := Valid(b, math.MaxInt); err != nil {
				t.Fatalf("Valid(%q) = %v, want nil as encoding/json accepts it", b, err)
			}
		}
		if err == nil {
			checkIter(t, b)
		}
	})
}

// checkIter compares Iter and Count with encoding/json on the valid JSON b.
func checkIter(t *testing.T, b []byte) {
	raw := bytes.Trim(b, " \t\r\n")
	switch raw[0] {
	case '[':
		var want []json.RawMessage
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("Unmarshal(%q): got error %v, want nil", raw, err)
		}
		it := NewIter(raw)
		var got []json.RawMessage
		for e, ok := it.Element(); ok; e, ok = it.Element() {
			got = append(got, e)
		}
		if len(got) != len(want) {
			t.Fatalf("elements of %q: got %d, want %d", raw, len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("element %d of %q: got %q, want %q", i, raw, got[i], want[i])
			}
		}
		if n := Count(raw); n != len(want) {
			t.Fatalf("Count(%q): got %d, want %d", raw, n, len(want))
		}
	case '{':
		// encoding/json keeps the last of duplicate keys, as does this map.
		var want map[string]json.RawMessage
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("Unmarshal(%q): got error %v, want nil", raw, err)
		}
		got := map[string][]byte{}
		it := NewIter(raw)
		for k, v, ok := it.Member(); ok; k, v, ok = it.Member() {
			got[string(k)] = v
		}
		if len(got) != len(want) {
			t.Fatalf("members of %q: got %d distinct keys, want %d", raw, len(got), len(want))
		}
		for k, w := range want {
			if g, ok := got[k]; !ok || !bytes.Equal(g, w) {
				t.Fatalf("member %q of %q: got %q (present %v), want %q", k, raw, g, ok, w)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range specRequests {
		f.Add([]byte(s), uint8(64), uint8(100))
	}
	for _, s := range extraRequests {
		f.Add([]byte(s), uint8(3), uint8(2))
	}
	f.Add([]byte(`[1,2,3]`), uint8(10), uint8(2))
	f.Add([]byte(`[{"params":[]}]`), uint8(2), uint8(10))
	f.Fuzz(func(t *testing.T, data []byte, maxDepth, maxBatch uint8) {
		lim := Limits{MaxDepth: int(maxDepth % 40), MaxBatch: int(maxBatch % 20)}
		input := bytes.Clone(data)
		reqs, batch, err := parse(data, lim)
		if !bytes.Equal(data, input) {
			t.Fatalf("Parse modified its input")
		}

		// Parse validates exactly as Valid does, except that it may stop early at a batch
		// that is too long.
		verr := Valid(data, lim.MaxDepth)
		var be *BatchSizeError
		switch {
		case errors.As(err, &be):
			if be.Max != lim.MaxBatch || !batch {
				t.Fatalf("Parse(%q): got %v with batch %v, want Max %d and batch true", data, err, batch, lim.MaxBatch)
			}
			if errKind(verr) == kindOK && Count(bytes.Trim(data, " \t\r\n")) <= lim.MaxBatch {
				t.Fatalf("Parse(%q): got %v, but the batch has only %d items", data, err, Count(bytes.Trim(data, " \t\r\n")))
			}
		case errors.Is(err, ErrEmptyBatch):
			if verr != nil || !batch {
				t.Fatalf("Parse(%q): got %v with batch %v, want Valid nil (got %v) and batch true", data, err, batch, verr)
			}
		default:
			if errKind(err) != errKind(verr) {
				t.Fatalf("Parse(%q): got error %v, want the kind of Valid's %v", data, err, verr)
			}
			var pse, vse *SyntaxError
			if errors.As(err, &pse) && errors.As(verr, &vse) && pse.Offset != vse.Offset {
				t.Fatalf("Parse(%q): got %v, want the offset of Valid's %v", data, err, verr)
			}
		}
		if err != nil {
			if reqs != nil {
				t.Fatalf("Parse(%q): got %d requests with error %v, want none", data, len(reqs), err)
			}
			return
		}

		raw := bytes.Trim(data, " \t\r\n")
		var items []json.RawMessage
		if batch {
			if raw[0] != '[' {
				t.Fatalf("Parse(%q): got batch true for a non-array", data)
			}
			if err := json.Unmarshal(raw, &items); err != nil {
				t.Fatalf("Unmarshal(%q): got error %v, want nil", raw, err)
			}
			if len(items) == 0 || len(items) > lim.MaxBatch {
				t.Fatalf("Parse(%q): got a batch of %d with MaxBatch %d", data, len(items), lim.MaxBatch)
			}
		} else {
			if raw[0] == '[' {
				t.Fatalf("Parse(%q): got batch false for an array", data)
			}
			items = []json.RawMessage{raw}
		}
		if len(reqs) != len(items) {
			t.Fatalf("Parse(%q): got %d requests, want %d", data, len(reqs), len(items))
		}
		for i := range reqs {
			checkEnvelope(t, items[i], &reqs[i])
		}
	})
}

// checkEnvelope checks r, parsed from the JSON value item, against encoding/json.
func checkEnvelope(t *testing.T, item []byte, r *Request) {
	t.Helper()
	if r.Invalid == "" && r.Method == nil {
		t.Fatalf("request %q: got neither Invalid nor Method", item)
	}
	if r.Invalid != "" && (r.Method != nil || r.Params != nil) {
		t.Fatalf("request %q: got Invalid %q with Method %q and Params %q, want them nil", item, r.Invalid, r.Method, r.Params)
	}
	if r.ID != nil && !json.Valid(r.ID) {
		t.Fatalf("request %q: got invalid JSON ID %q", item, r.ID)
	}
	if r.Params != nil && !json.Valid(r.Params) {
		t.Fatalf("request %q: got invalid JSON Params %q", item, r.Params)
	}
	if got, want := r.IsNotification(), r.Invalid == "" && r.ID == nil; got != want {
		t.Fatalf("request %q: got IsNotification %v, want %v", item, got, want)
	}
	if rid := r.ResponseID(); (r.ID == nil && string(rid) != "null") || (r.ID != nil && !bytes.Equal(rid, r.ID)) {
		t.Fatalf("request %q: got ResponseID %q with ID %q", item, rid, r.ID)
	}
	if item[0] != '{' {
		if r.Invalid == "" {
			t.Fatalf("request %q: got a valid request from a non-object", item)
		}
		return
	}

	var m map[string]json.RawMessage
	if err := json.Unmarshal(item, &m); err != nil {
		t.Fatalf("Unmarshal(%q): got error %v, want nil", item, err)
	}
	if strings.Contains(r.Invalid, "duplicate") {
		// The map only holds the last of duplicate members: nothing more to compare.
		return
	}
	// Without duplicate envelope members, the map holds exactly the members Parse saw.
	id, hasID := m["id"]
	idOK := !hasID || isStringNumberOrNull(id)
	if hasID && idOK && !bytes.Equal(r.ID, id) {
		t.Fatalf("request %q: got ID %q, want %q", item, r.ID, id)
	}
	if (!hasID || !idOK) && r.ID != nil {
		t.Fatalf("request %q: got ID %q, want nil", item, r.ID)
	}
	var version, method string
	versionOK := json.Unmarshal(m["jsonrpc"], &version) == nil && version == "2.0" && m["jsonrpc"][0] == '"'
	methodRaw, hasMethod := m["method"]
	methodOK := hasMethod && methodRaw[0] == '"' && json.Unmarshal(methodRaw, &method) == nil
	params, hasParams := m["params"]
	paramsOK := !hasParams || params[0] == '[' || params[0] == '{'
	wantValid := idOK && versionOK && methodOK && paramsOK
	if got := r.Invalid == ""; got != wantValid {
		t.Fatalf("request %q: got Invalid %q, want valid %v (id %v, jsonrpc %v, method %v, params %v)",
			item, r.Invalid, wantValid, idOK, versionOK, methodOK, paramsOK)
	}
	if !wantValid {
		return
	}
	if string(r.Method) != method {
		t.Fatalf("request %q: got Method %q, want %q", item, r.Method, method)
	}
	if hasParams != (r.Params != nil) || !bytes.Equal(r.Params, params) {
		t.Fatalf("request %q: got Params %q, want %q", item, r.Params, params)
	}
}

// isStringNumberOrNull decodes raw with encoding/json and reports whether it is a valid id.
func isStringNumberOrNull(raw []byte) bool {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return false
	}
	switch v.(type) {
	case string, json.Number, nil:
		return true
	}
	return false
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{
		"", "abc", `a"b\c`, "\n\r\t\b\f\x00\x1f\x7f", "<&>", "\u00e9\u20ac\U0001F600",
		"\u2028\u2029", "\ufffd", "\xff", "a\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		`{"jsonrpc":"2.0"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString([]byte("x"), s)
		if out[0] != 'x' {
			t.Fatalf("AppendString(%q): got %q, want the prefix kept", s, out)
		}
		out = out[1:]
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("AppendString(%q): got %q, want valid JSON in UTF-8", s, out)
		}
		if Valid(out, 1) != nil {
			t.Fatalf("AppendString(%q): got %q, rejected by Valid: %v", s, out, Valid(out, 1))
		}
		if bytes.Contains(out, []byte("\u2028")) || bytes.Contains(out, []byte("\u2029")) {
			t.Fatalf("AppendString(%q): got %q, want U+2028 and U+2029 escaped", s, out)
		}
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("Unmarshal(%q): got error %v, want nil", out, err)
		}
		if utf8.ValidString(s) && got != s {
			t.Fatalf("AppendString(%q) = %q decodes to %q, want the input", s, out, got)
		}
		// Each byte of invalid UTF-8 becomes U+FFFD, as with json.Marshal.
		var want strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				want.WriteRune(utf8.RuneError)
			} else {
				want.WriteString(s[i : i+size])
			}
			i += size
		}
		if got != want.String() {
			t.Fatalf("AppendString(%q) = %q decodes to %q, want %q", s, out, got, want.String())
		}
		m, _ := json.Marshal(s)
		var viaMarshal string
		if err := json.Unmarshal(m, &viaMarshal); err != nil || viaMarshal != got {
			t.Fatalf("AppendString(%q) decodes to %q, json.Marshal's output to %q", s, got, viaMarshal)
		}
	})
}
