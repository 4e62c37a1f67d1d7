package wire

import (
	"errors"
	"strings"
	"testing"
)

var testLimits = Limits{MaxDepth: 64, MaxBatch: 100}

// nilBytes is how show prints a nil slice, to tell it apart from an empty one.
const nilBytes = "<nil>"

func show(b []byte) string {
	if b == nil {
		return nilBytes
	}
	return string(b)
}

// reqWant describes the expected fields of one Request. invalid is a substring of
// Request.Invalid ("" for a valid request); method, params and id are compared with show.
type reqWant struct {
	method, params, id string
	invalid            string
}

func checkRequest(t *testing.T, in string, r Request, want reqWant) {
	t.Helper()
	if want.invalid == "" {
		if r.Invalid != "" {
			t.Errorf("Parse(%q): got Invalid %q, want a valid request", in, r.Invalid)
		}
	} else if r.Invalid == "" || !strings.Contains(r.Invalid, want.invalid) {
		t.Errorf("Parse(%q): got Invalid %q, want it to mention %q", in, r.Invalid, want.invalid)
	}
	if got := show(r.Method); got != want.method {
		t.Errorf("Parse(%q): got Method %q, want %q", in, got, want.method)
	}
	if got := show(r.Params); got != want.params {
		t.Errorf("Parse(%q): got Params %q, want %q", in, got, want.params)
	}
	if got := show(r.ID); got != want.id {
		t.Errorf("Parse(%q): got ID %q, want %q", in, got, want.id)
	}
}

func TestParseSingle(t *testing.T) {
	const n = nilBytes
	for _, tt := range []struct {
		name string
		in   string
		want reqWant
	}{
		{"positional params", `{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}`,
			reqWant{"subtract", `[42,23]`, `1`, ""}},
		{"named params", `{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}`,
			reqWant{"subtract", `{"subtrahend": 23, "minuend": 42}`, `3`, ""}},
		{"members in any order", `{"id":1,"params":[],"method":"m","jsonrpc":"2.0"}`,
			reqWant{"m", `[]`, `1`, ""}},
		{"notification", `{"jsonrpc":"2.0","method":"update","params":[1,2,3,4,5]}`,
			reqWant{"update", `[1,2,3,4,5]`, n, ""}},
		{"no params", `{"jsonrpc":"2.0","method":"foobar","id":"1"}`,
			reqWant{"foobar", n, `"1"`, ""}},
		{"empty params array", `{"jsonrpc":"2.0","method":"m","params":[]}`,
			reqWant{"m", `[]`, n, ""}},
		{"empty params object", `{"jsonrpc":"2.0","method":"m","params":{}}`,
			reqWant{"m", `{}`, n, ""}},
		{"whitespace everywhere", " \t\r\n{ \"jsonrpc\" : \"2.0\" ,\n\"method\"\t:\t\"m\" , \"params\" : [ 1 , 2 ] , \"id\" : 7 }\r\n ",
			reqWant{"m", `[ 1 , 2 ]`, `7`, ""}},

		// ids are echoed byte for byte
		{"string id", `{"jsonrpc":"2.0","method":"m","id":"abc"}`, reqWant{"m", n, `"abc"`, ""}},
		{"empty string id", `{"jsonrpc":"2.0","method":"m","id":""}`, reqWant{"m", n, `""`, ""}},
		{"escaped string id", `{"jsonrpc":"2.0","method":"m","id":"\u0041"}`, reqWant{"m", n, `"\u0041"`, ""}},
		{"null id", `{"jsonrpc":"2.0","method":"m","id":null}`, reqWant{"m", n, `null`, ""}},
		{"big integer id", `{"jsonrpc":"2.0","method":"m","id":12345678901234567890123}`,
			reqWant{"m", n, `12345678901234567890123`, ""}},
		{"exponent id", `{"jsonrpc":"2.0","method":"m","id":1.5e3}`, reqWant{"m", n, `1.5e3`, ""}},
		{"negative zero id", `{"jsonrpc":"2.0","method":"m","id":-0}`, reqWant{"m", n, `-0`, ""}},
		{"negative fraction id", `{"jsonrpc":"2.0","method":"m","id":-0.50E-01}`, reqWant{"m", n, `-0.50E-01`, ""}},
		{"object id", `{"jsonrpc":"2.0","method":"m","id":{"a":1}}`, reqWant{n, n, n, `"id"`}},
		{"array id", `{"jsonrpc":"2.0","method":"m","id":[1]}`, reqWant{n, n, n, `"id"`}},
		{"true id", `{"jsonrpc":"2.0","method":"m","id":true}`, reqWant{n, n, n, `"id"`}},
		{"false id", `{"jsonrpc":"2.0","method":"m","id":false}`, reqWant{n, n, n, `"id"`}},

		// jsonrpc
		{"missing jsonrpc", `{"method":"m","id":1}`, reqWant{n, n, `1`, `"jsonrpc"`}},
		{"escaped jsonrpc value", `{"jsonrpc":"2\u002e0","method":"m"}`, reqWant{"m", n, n, ""}},
		{"fully escaped jsonrpc value", `{"jsonrpc":"\u0032\u002E\u0030","method":"m"}`, reqWant{"m", n, n, ""}},
		{"jsonrpc 2.00", `{"jsonrpc":"2.00","method":"m","id":1}`, reqWant{n, n, `1`, `"jsonrpc"`}},
		{"jsonrpc number", `{"jsonrpc":2.0,"method":"m","id":1}`, reqWant{n, n, `1`, `"jsonrpc"`}},
		{"jsonrpc 1.0", `{"jsonrpc":"1.0","method":"m","id":1}`, reqWant{n, n, `1`, `"jsonrpc"`}},
		{"jsonrpc 2", `{"jsonrpc":"2","method":"m"}`, reqWant{n, n, n, `"jsonrpc"`}},
		{"jsonrpc with space", `{"jsonrpc":"2.0 ","method":"m"}`, reqWant{n, n, n, `"jsonrpc"`}},
		{"jsonrpc null", `{"jsonrpc":null,"method":"m"}`, reqWant{n, n, n, `"jsonrpc"`}},
		{"jsonrpc array", `{"jsonrpc":["2.0"],"method":"m"}`, reqWant{n, n, n, `"jsonrpc"`}},
		{"JSONRPC key", `{"JSONRPC":"2.0","method":"m"}`, reqWant{n, n, n, `"jsonrpc"`}},

		// method
		{"missing method", `{"jsonrpc":"2.0","id":1}`, reqWant{n, n, `1`, `"method"`}},
		{"number method", `{"jsonrpc":"2.0","method":1,"params":"bar"}`, reqWant{n, n, n, `"method"`}},
		{"null method", `{"jsonrpc":"2.0","method":null}`, reqWant{n, n, n, `"method"`}},
		{"array method", `{"jsonrpc":"2.0","method":["m"]}`, reqWant{n, n, n, `"method"`}},
		{"escaped method", `{"jsonrpc":"2.0","method":"\u0061dd","id":1}`, reqWant{"add", n, `1`, ""}},
		{"quote in method", `{"jsonrpc":"2.0","method":"a\"b\\c"}`, reqWant{`a"b\c`, n, n, ""}},
		{"surrogate pair method", `{"jsonrpc":"2.0","method":"\ud83d\ude00"}`, reqWant{"\U0001F600", n, n, ""}},
		{"UTF-8 method", "{\"jsonrpc\":\"2.0\",\"method\":\"caf\xc3\xa9\"}", reqWant{"caf\u00e9", n, n, ""}},
		{"dotted method", `{"jsonrpc":"2.0","method":"rpc.discover"}`, reqWant{"rpc.discover", n, n, ""}},
		{"empty method", `{"jsonrpc":"2.0","method":""}`, reqWant{"", n, n, ""}},

		// params
		{"number params", `{"jsonrpc":"2.0","method":"m","params":1,"id":1}`, reqWant{n, n, `1`, `"params"`}},
		{"string params", `{"jsonrpc":"2.0","method":"m","params":"bar"}`, reqWant{n, n, n, `"params"`}},
		{"null params", `{"jsonrpc":"2.0","method":"m","params":null}`, reqWant{n, n, n, `"params"`}},
		{"true params", `{"jsonrpc":"2.0","method":"m","params":true}`, reqWant{n, n, n, `"params"`}},

		// member names
		{"escaped member names", `{"\u006Asonrpc":"2.0","\u006dethod":"m","p\u0061rams":[1],"\u0069\u0064":2}`,
			reqWant{"m", `[1]`, `2`, ""}},
		{"unknown members ignored", `{"x":1,"jsonrpc":"2.0","extra":{"deep":[1,{"id":true}]},"method":"m","Method":7,"ID":[],"id":1,"x":2}`,
			reqWant{"m", n, `1`, ""}},
		{"duplicate method", `{"jsonrpc":"2.0","method":"a","method":"b","id":1}`, reqWant{n, n, `1`, "duplicate"}},
		{"duplicate escaped method", `{"jsonrpc":"2.0","method":"a","\u006dethod":"a"}`, reqWant{n, n, n, "duplicate"}},
		{"duplicate jsonrpc", `{"jsonrpc":"2.0","jsonrpc":"2.0","method":"m"}`, reqWant{n, n, n, "duplicate"}},
		{"duplicate params", `{"jsonrpc":"2.0","method":"m","params":[],"params":[]}`, reqWant{n, n, n, "duplicate"}},
		{"duplicate id", `{"jsonrpc":"2.0","method":"m","id":1,"id":1}`, reqWant{n, n, `1`, "duplicate"}},
		{"empty object", `{}`, reqWant{n, n, n, `"jsonrpc"`}},
		{"spec invalid request", `{"jsonrpc": "2.0", "method": 1, "params": "bar"}`, reqWant{n, n, n, `"method"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reqs, batch, err := parse([]byte(tt.in), testLimits)
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want nil", tt.in, err)
			}
			if batch {
				t.Errorf("Parse(%q): got batch true, want false", tt.in)
			}
			if len(reqs) != 1 {
				t.Fatalf("Parse(%q): got %d requests, want 1", tt.in, len(reqs))
			}
			checkRequest(t, tt.in, reqs[0], tt.want)
		})
	}
}

func TestParseDuplicateNamesMember(t *testing.T) {
	in := `{"jsonrpc":"2.0","method":"a","method":"b","id":1}`
	reqs, _, err := parse([]byte(in), testLimits)
	if err != nil {
		t.Fatalf("Parse(%q): got error %v, want nil", in, err)
	}
	if got := reqs[0].Invalid; !strings.Contains(got, "duplicate") || !strings.Contains(got, "method") {
		t.Errorf("Parse(%q): got Invalid %q, want it to mention duplicate and method", in, got)
	}
}

func TestParseTopLevelNotContainer(t *testing.T) {
	for _, in := range []string{`1`, `-1.5`, `"x"`, `null`, `true`, `false`, " \n \"{}\" "} {
		t.Run(in, func(t *testing.T) {
			reqs, batch, err := parse([]byte(in), testLimits)
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want nil", in, err)
			}
			if batch {
				t.Errorf("Parse(%q): got batch true, want false", in)
			}
			if len(reqs) != 1 {
				t.Fatalf("Parse(%q): got %d requests, want 1", in, len(reqs))
			}
			checkRequest(t, in, reqs[0], reqWant{nilBytes, nilBytes, nilBytes, "object"})
			if got := string(reqs[0].ResponseID()); got != "null" {
				t.Errorf("Parse(%q): got ResponseID %q, want null", in, got)
			}
		})
	}
}

func TestParseBatch(t *testing.T) {
	const n = nilBytes
	for _, tt := range []struct {
		name string
		in   string
		want []reqWant
	}{
		{"one item", `[{"jsonrpc":"2.0","method":"m","id":1}]`, []reqWant{{"m", n, `1`, ""}}},
		{"spec mixed batch", `[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"} 
    ]`, []reqWant{
			{"sum", `[1,2,4]`, `"1"`, ""},
			{"notify_hello", `[7]`, n, ""},
			{"subtract", `[42,23]`, `"2"`, ""},
			{n, n, n, `"jsonrpc"`},
			{"foo.get", `{"name": "myself"}`, `"5"`, ""},
			{"get_data", n, `"9"`, ""},
		}},
		{"spec invalid batch", `[1,2,3]`, []reqWant{{n, n, n, "object"}, {n, n, n, "object"}, {n, n, n, "object"}}},
		{"non-object items", ` [ 1 , "x" , null , true , [] , [{"jsonrpc":"2.0","method":"m"}] , {} ] `, []reqWant{
			{n, n, n, "object"}, {n, n, n, "object"}, {n, n, n, "object"}, {n, n, n, "object"},
			{n, n, n, "object"}, {n, n, n, "object"}, {n, n, n, `"jsonrpc"`},
		}},
		{"invalid items keep their ids", `[{"jsonrpc":"1.0","method":"m","id":5},{"jsonrpc":"2.0","method":"m","id":{}}]`,
			[]reqWant{{n, n, `5`, `"jsonrpc"`}, {n, n, n, `"id"`}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reqs, batch, err := parse([]byte(tt.in), testLimits)
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want nil", tt.in, err)
			}
			if !batch {
				t.Errorf("Parse(%q): got batch false, want true", tt.in)
			}
			if len(reqs) != len(tt.want) {
				t.Fatalf("Parse(%q): got %d requests, want %d", tt.in, len(reqs), len(tt.want))
			}
			for i, w := range tt.want {
				checkRequest(t, tt.in, reqs[i], w)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name      string
		in        string
		lim       Limits
		wantBatch bool
		check     func(error) bool
		want      string
	}{
		{"empty batch", `[]`, testLimits, true, isEmptyBatch, "ErrEmptyBatch"},
		{"spaced empty batch", " [ \n ] ", testLimits, true, isEmptyBatch, "ErrEmptyBatch"},
		{"empty batch with trailing data", `[] x`, testLimits, true, isSyntax, "*SyntaxError"},
		{"empty input", ``, testLimits, false, isSyntax, "*SyntaxError"},
		{"only whitespace", " \r\n\t", testLimits, false, isSyntax, "*SyntaxError"},
		{"spec invalid JSON", `{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]`, testLimits, false, isSyntax, "*SyntaxError"},
		{"spec invalid JSON batch", "[\n  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n  {\"jsonrpc\": \"2.0\", \"method\"\n]",
			testLimits, true, isSyntax, "*SyntaxError"},
		{"trailing comma in batch", `[{},]`, testLimits, true, isSyntax, "*SyntaxError"},
		{"missing comma in batch", `[{} {}]`, testLimits, true, isSyntax, "*SyntaxError"},
		{"unclosed batch", `[{}`, testLimits, true, isSyntax, "*SyntaxError"},
		{"trailing data after object", `{"jsonrpc":"2.0","method":"m"} x`, testLimits, false, isSyntax, "*SyntaxError"},
		{"two objects", `{}{}`, testLimits, false, isSyntax, "*SyntaxError"},
		{"two batches", `[1] [2]`, testLimits, true, isSyntax, "*SyntaxError"},
		{"NUL after object", "{}\x00", testLimits, false, isSyntax, "*SyntaxError"},
		{"NUL after batch", "[1]\x00", testLimits, true, isSyntax, "*SyntaxError"},
		{"trailing comma in request", `{"jsonrpc":"2.0",}`, testLimits, false, isSyntax, "*SyntaxError"},
		{"invalid UTF-8 in method", "{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}", testLimits, false, isSyntax, "*SyntaxError"},
		{"invalid UTF-8 in key", "{\"\xc0\x80\":1}", testLimits, false, isSyntax, "*SyntaxError"},
		{"invalid UTF-8 in batch item", "[\"\xed\xa0\x80\"]", testLimits, true, isSyntax, "*SyntaxError"},
		{"unquoted key", `{method:"m"}`, testLimits, false, isSyntax, "*SyntaxError"},
		{"bad literal in params", `{"jsonrpc":"2.0","method":"m","params":[truE]}`, testLimits, false, isSyntax, "*SyntaxError"},
		{"scalar with trailing data", `1 2`, testLimits, false, isSyntax, "*SyntaxError"},

		{"batch over max", `[1,2,3]`, Limits{MaxDepth: 64, MaxBatch: 2}, true, isBatchSize(2), "*BatchSizeError{2}"},
		{"object batch over max", `[{},{}]`, Limits{MaxDepth: 64, MaxBatch: 1}, true, isBatchSize(1), "*BatchSizeError{1}"},
		{"batch at max", `[1,2]`, Limits{MaxDepth: 64, MaxBatch: 2}, true, isNil, "nil"},
		{"empty batch with max 0", `[]`, Limits{MaxDepth: 64, MaxBatch: 0}, true, isEmptyBatch, "ErrEmptyBatch"},

		{"object at depth 1", `{"jsonrpc":"2.0","method":"m"}`, Limits{MaxDepth: 1, MaxBatch: 10}, false, isNil, "nil"},
		{"params over depth 1", `{"jsonrpc":"2.0","method":"m","params":[]}`, Limits{MaxDepth: 1, MaxBatch: 10}, false, isDepth(1), "*DepthError{1}"},
		{"batch counts as depth", `[{}]`, Limits{MaxDepth: 1, MaxBatch: 10}, true, isDepth(1), "*DepthError{1}"},
		{"batch item at depth 2", `[{"jsonrpc":"2.0","method":"m"}]`, Limits{MaxDepth: 2, MaxBatch: 10}, true, isNil, "nil"},
		{"batch params over depth 2", `[{"jsonrpc":"2.0","method":"m","params":{}}]`, Limits{MaxDepth: 2, MaxBatch: 10}, true, isDepth(2), "*DepthError{2}"},
		{"non-object batch item over depth 2", `[1,[[]]]`, Limits{MaxDepth: 2, MaxBatch: 10}, true, isDepth(2), "*DepthError{2}"},
		{"batch at depth 0", `[]`, Limits{MaxDepth: 0, MaxBatch: 10}, true, isDepth(0), "*DepthError{0}"},
		{"object at depth 0", `{}`, Limits{MaxDepth: 0, MaxBatch: 10}, false, isDepth(0), "*DepthError{0}"},
		{"scalar at depth 0", `1`, Limits{MaxDepth: 0, MaxBatch: 10}, false, isNil, "nil"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reqs, batch, err := parse([]byte(tt.in), tt.lim)
			if !tt.check(err) {
				t.Fatalf("Parse(%q, %+v): got error %#v, want %s", tt.in, tt.lim, err, tt.want)
			}
			if batch != tt.wantBatch {
				t.Errorf("Parse(%q): got batch %v, want %v", tt.in, batch, tt.wantBatch)
			}
			if err != nil && reqs != nil {
				t.Errorf("Parse(%q): got %d requests with error %v, want nil", tt.in, len(reqs), err)
			}
		})
	}
}

func isNil(err error) bool        { return err == nil }
func isEmptyBatch(err error) bool { return errors.Is(err, ErrEmptyBatch) }
func isSyntax(err error) bool     { return errKind(err) == kindSyntax }

func isDepth(max int) func(error) bool {
	return func(err error) bool {
		var de *DepthError
		return errors.As(err, &de) && de.Max == max
	}
}

func isBatchSize(max int) func(error) bool {
	return func(err error) bool {
		var be *BatchSizeError
		return errors.As(err, &be) && be.Max == max
	}
}

func TestParseAliasesInput(t *testing.T) {
	in := []byte(`{"jsonrpc":"2.0","method":"m","params":[1],"id":7}`)
	reqs, _, err := parse(in, testLimits)
	if err != nil {
		t.Fatalf("Parse: got error %v, want nil", err)
	}
	in[len(in)-2] = '8'                          // the id
	in[len(in)-10] = '2'                         // the params element
	in[len(`{"jsonrpc":"2.0","method":"`)] = 'x' // the method
	checkRequest(t, "mutated input", reqs[0], reqWant{"x", `[2]`, `8`, ""})
}

func TestRequestIDHelpers(t *testing.T) {
	for _, tt := range []struct {
		name       string
		r          Request
		wantNotify bool
		wantRespID string
	}{
		{"valid without id", Request{Method: []byte("m")}, true, "null"},
		{"valid with id", Request{Method: []byte("m"), ID: []byte("1")}, false, "1"},
		{"valid with null id", Request{Method: []byte("m"), ID: []byte("null")}, false, "null"},
		{"valid with string id", Request{Method: []byte("m"), ID: []byte(`"a"`)}, false, `"a"`},
		{"invalid without id", Request{Invalid: "x"}, false, "null"},
		{"invalid with id", Request{Invalid: "x", ID: []byte(`"a"`)}, false, `"a"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.IsNotification(); got != tt.wantNotify {
				t.Errorf("IsNotification: got %v, want %v", got, tt.wantNotify)
			}
			if got := string(tt.r.ResponseID()); got != tt.wantRespID {
				t.Errorf("ResponseID: got %q, want %q", got, tt.wantRespID)
			}
		})
	}
}

func TestParseIDHelpers(t *testing.T) {
	for _, tt := range []struct {
		in         string
		wantNotify bool
		wantRespID string
	}{
		{`{"jsonrpc":"2.0","method":"m"}`, true, "null"},
		{`{"jsonrpc":"2.0","method":"m","id":null}`, false, "null"},
		{`{"jsonrpc":"2.0","method":"m","id":12345678901234567890123}`, false, "12345678901234567890123"},
		{`{"jsonrpc":"2.0","method":"m","id":"\u0041"}`, false, `"\u0041"`},
		{`{"jsonrpc":"2.0","method":1,"id":"x"}`, false, `"x"`},
		{`{"jsonrpc":"2.0","method":"m","id":true}`, false, "null"},
		{`{"jsonrpc":"2.0","method":1}`, false, "null"},
		{`1`, false, "null"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			reqs, _, err := parse([]byte(tt.in), testLimits)
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want nil", tt.in, err)
			}
			if got := reqs[0].IsNotification(); got != tt.wantNotify {
				t.Errorf("Parse(%q).IsNotification: got %v, want %v", tt.in, got, tt.wantNotify)
			}
			if got := string(reqs[0].ResponseID()); got != tt.wantRespID {
				t.Errorf("Parse(%q).ResponseID: got %q, want %q", tt.in, got, tt.wantRespID)
			}
		})
	}
}

// parse calls Parse and returns the requests as one slice, whether the message was a batch
// or not.
func parse(data []byte, lim Limits) ([]Request, bool, error) {
	var single Request
	batch, isBatch, err := Parse(data, &single, lim)
	if err != nil || isBatch {
		return batch, isBatch, err
	}
	return []Request{single}, false, nil
}
