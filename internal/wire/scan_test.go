package wire

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// Expected outcome of Valid.
const (
	kindOK     = ""
	kindSyntax = "syntax"
	kindDepth  = "depth"
)

// noOff means the test does not check SyntaxError.Offset.
const noOff = -1

// errKind classifies an error returned by Valid or Parse.
func errKind(err error) string {
	var se *SyntaxError
	var de *DepthError
	switch {
	case err == nil:
		return kindOK
	case errors.As(err, &se):
		return kindSyntax
	case errors.As(err, &de):
		return kindDepth
	default:
		return "other: " + err.Error()
	}
}

var validTests = []struct {
	name     string
	in       string
	maxDepth int // 0 means 64, -1 means 0
	want     string
	off      int // expected SyntaxError.Offset, or noOff
}{
	// numbers
	{"zero", `0`, 0, kindOK, noOff},
	{"negative zero", `-0`, 0, kindOK, noOff},
	{"negative zero fraction", `-0.0`, 0, kindOK, noOff},
	{"integer", `123`, 0, kindOK, noOff},
	{"negative integer", `-123`, 0, kindOK, noOff},
	{"huge integer", `123456789012345678901234567890`, 0, kindOK, noOff},
	{"fraction", `1.5`, 0, kindOK, noOff},
	{"exponent", `1e5`, 0, kindOK, noOff},
	{"exponent upper plus", `1E+5`, 0, kindOK, noOff},
	{"exponent minus", `1e-5`, 0, kindOK, noOff},
	{"fraction exponent", `-1.5e3`, 0, kindOK, noOff},
	{"zero exponent", `0e0`, 0, kindOK, noOff},
	{"huge exponent", `1e999999`, 0, kindOK, noOff},
	{"leading zero", `01`, 0, kindSyntax, 1},
	{"negative leading zero", `-01`, 0, kindSyntax, 2},
	{"double zero", `00`, 0, kindSyntax, 1},
	{"trailing dot", `1.`, 0, kindSyntax, 2},
	{"dot exponent", `1.e5`, 0, kindSyntax, 2},
	{"leading dot", `.5`, 0, kindSyntax, 0},
	{"lone minus", `-`, 0, kindSyntax, 1},
	{"minus space", `- 1`, 0, kindSyntax, 1},
	{"double minus", `--1`, 0, kindSyntax, 1},
	{"plus", `+1`, 0, kindSyntax, 0},
	{"empty exponent", `1e`, 0, kindSyntax, 2},
	{"signed empty exponent", `1e+`, 0, kindSyntax, 3},
	{"two dots", `1.5.2`, 0, kindSyntax, 3},
	{"hex", `0x10`, 0, kindSyntax, 1},
	{"Infinity", `Infinity`, 0, kindSyntax, 0},
	{"NaN", `NaN`, 0, kindSyntax, 0},
	{"minus in array", `[-]`, 0, kindSyntax, 2},
	{"leading zero in array", `[01]`, 0, kindSyntax, 2},

	// literals
	{"true", `true`, 0, kindOK, noOff},
	{"false", `false`, 0, kindOK, noOff},
	{"null", `null`, 0, kindOK, noOff},
	{"truE", `truE`, 0, kindSyntax, 0},
	{"True", `True`, 0, kindSyntax, 0},
	{"short literal", `tru`, 0, kindSyntax, 0},
	{"nul", `nul`, 0, kindSyntax, 0},
	{"literal with trailing letter", `nulll`, 0, kindSyntax, 4},
	{"fals in array", `[fals]`, 0, kindSyntax, 1},

	// strings
	{"empty string", `""`, 0, kindOK, noOff},
	{"simple escapes", `"\"\\\/\b\f\n\r\t"`, 0, kindOK, noOff},
	{"unicode escape", `"\u00e9\u00E9"`, 0, kindOK, noOff},
	{"surrogate pair escape", `"\uD834\uDD1E"`, 0, kindOK, noOff},
	{"lone high surrogate escape", `"\ud800"`, 0, kindOK, noOff},
	{"lone low surrogate escape", `"\udc00"`, 0, kindOK, noOff},
	{"reversed surrogates escape", `"\udc00\ud800"`, 0, kindOK, noOff},
	{"escaped NUL", `"\u0000"`, 0, kindOK, noOff},
	{"short unicode escape", `"\u12"`, 0, kindSyntax, 1},
	{"unicode escape at end", `"\u12`, 0, kindSyntax, 1},
	{"bad hex in unicode escape", `"ab\u12g4"`, 0, kindSyntax, 3},
	{"upper U escape", `"\U0041"`, 0, kindSyntax, 1},
	{"bell escape", `"\a"`, 0, kindSyntax, 1},
	{"single quote escape", `"\'"`, 0, kindSyntax, 1},
	{"x escape", `"\x41"`, 0, kindSyntax, 1},
	{"escape at end", `"\`, 0, kindSyntax, 1},
	{"unterminated", `"abc`, 0, kindSyntax, 4},
	{"lone quote", `"`, 0, kindSyntax, 1},
	{"single quotes", `'a'`, 0, kindSyntax, 0},
	{"raw NUL", "\"a\x00\"", 0, kindSyntax, 2},
	{"raw control", "\"a\x01\"", 0, kindSyntax, 2},
	{"raw unit separator", "\"\x1f\"", 0, kindSyntax, 1},
	{"raw tab", "\"a\tb\"", 0, kindSyntax, 2},
	{"raw newline", "\"a\nb\"", 0, kindSyntax, 2},
	{"raw DEL", "\"\x7f\"", 0, kindOK, noOff},
	{"two byte UTF-8", "\"\xc3\xa9\"", 0, kindOK, noOff},
	{"three byte UTF-8", "\"\xe2\x82\xac\"", 0, kindOK, noOff},
	{"four byte UTF-8", "\"\xf0\x9f\x98\x80\"", 0, kindOK, noOff},
	{"raw U+FFFD", "\"\xef\xbf\xbd\"", 0, kindOK, noOff},
	{"raw U+2028", "\"\xe2\x80\xa8\"", 0, kindOK, noOff},
	{"max code point", "\"\xf4\x8f\xbf\xbf\"", 0, kindOK, noOff},
	{"invalid byte FF", "\"\xff\"", 0, kindSyntax, 1},
	{"lone continuation byte", "\"ab\x80\"", 0, kindSyntax, 3},
	{"truncated sequence", "\"\xc3\"", 0, kindSyntax, 1},
	{"truncated at end", "\"\xe2\x82", 0, kindSyntax, 1},
	{"overlong NUL", "\"\xc0\x80\"", 0, kindSyntax, 1},
	{"overlong slash", "\"\xe0\x80\xaf\"", 0, kindSyntax, 1},
	{"overlong four byte", "\"\xf0\x80\x80\xaf\"", 0, kindSyntax, 1},
	{"UTF-8 encoded surrogate", "\"\xed\xa0\x80\"", 0, kindSyntax, 1},
	{"above U+10FFFF", "\"\xf4\x90\x80\x80\"", 0, kindSyntax, 1},
	{"five byte sequence", "\"\xf8\x88\x80\x80\x80\"", 0, kindSyntax, 1},
	{"invalid UTF-8 in key", "{\"\xff\":1}", 0, kindSyntax, 2},
	{"invalid UTF-8 outside string", "\xff", 0, kindSyntax, 0},
	{"byte order mark", "\xef\xbb\xbf1", 0, kindSyntax, 0},

	// arrays and objects
	{"empty array", `[]`, 0, kindOK, noOff},
	{"empty object", `{}`, 0, kindOK, noOff},
	{"spaced empty array", " [ \t\r\n] ", 0, kindOK, noOff},
	{"spaced empty object", " {\n} ", 0, kindOK, noOff},
	{"array", `[1,"a",true,null,{},[]]`, 0, kindOK, noOff},
	{"object", `{"a":1,"b":[{"c":null}],"":""}`, 0, kindOK, noOff},
	{"whitespace everywhere", " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } }\n", 0, kindOK, noOff},
	{"duplicate keys", `{"a":1,"a":2}`, 0, kindOK, noOff},
	{"trailing comma in array", `[1,]`, 0, kindSyntax, 3},
	{"trailing comma in object", `{"a":1,}`, 0, kindSyntax, 7},
	{"leading comma in array", `[,1]`, 0, kindSyntax, 1},
	{"lone comma in object", `{,}`, 0, kindSyntax, 1},
	{"missing comma", `[1 2]`, 0, kindSyntax, 3},
	{"unquoted key", `{a:1}`, 0, kindSyntax, 1},
	{"number key", `{1:1}`, 0, kindSyntax, 1},
	{"missing colon", `{"a" 1}`, 0, kindSyntax, 5},
	{"missing value", `{"a":}`, 0, kindSyntax, 5},
	{"key only", `{"a"}`, 0, kindSyntax, 4},
	{"unclosed array", `[1`, 0, kindSyntax, 2},
	{"unclosed object", `{"a":1`, 0, kindSyntax, 6},
	{"lone open bracket", `[`, 0, kindSyntax, 1},
	{"lone close bracket", `]`, 0, kindSyntax, 0},
	{"lone close brace", `}`, 0, kindSyntax, 0},
	{"mismatched brackets", `[}`, 0, kindSyntax, 1},
	{"extra close bracket", `[1]]`, 0, kindSyntax, 3},
	{"extra close brace", `{}}`, 0, kindSyntax, 2},

	// whole input
	{"empty input", ``, 0, kindSyntax, 0},
	{"only whitespace", " \t\r\n", 0, kindSyntax, 4},
	{"form feed is not whitespace", "\f1", 0, kindSyntax, 0},
	{"vertical tab is not whitespace", "1\v", 0, kindSyntax, 1},
	{"NBSP is not whitespace", "\xc2\xa01", 0, kindSyntax, 0},
	{"surrounding whitespace", " \t\r\n1 \t\r\n", 0, kindOK, noOff},
	{"trailing value", `1 2`, 0, kindSyntax, 2},
	{"two literals", `null null`, 0, kindSyntax, 5},
	{"two objects", `{}{}`, 0, kindSyntax, 2},
	{"trailing comma at top level", `1,`, 0, kindSyntax, 1},
	{"trailing member", `"a":1`, 0, kindSyntax, 3},
	{"NUL after value", "1\x00", 0, kindSyntax, 1},
	{"NUL after array", "[1]\x00", 0, kindSyntax, 3},
	{"NUL after whitespace", "{} \x00", 0, kindSyntax, 3},
	{"only NUL", "\x00", 0, kindSyntax, 0},
	{"NUL inside array", "[\x00]", 0, kindSyntax, 1},
	{"comment", `1 // c`, 0, kindSyntax, 2},

	// depth
	{"scalar at depth 0", `1`, -1, kindOK, noOff},
	{"array at depth 0", `[]`, -1, kindDepth, noOff},
	{"object at depth 0", `{}`, -1, kindDepth, noOff},
	{"arrays at max depth", `[[[]]]`, 3, kindOK, noOff},
	{"arrays over max depth", `[[[[]]]]`, 3, kindDepth, noOff},
	{"objects at max depth", `{"a":{"b":{"c":1}}}`, 3, kindOK, noOff},
	{"objects over max depth", `{"a":{"b":{"c":{}}}}`, 3, kindDepth, noOff},
	{"mixed at max depth", `[{"a":[1,{}]}]`, 4, kindOK, noOff},
	{"mixed over max depth", `[{"a":[1,{"b":[]}]}]`, 4, kindDepth, noOff},
	{"siblings do not add depth", `[[],[],{"a":[]},[[]]]`, 3, kindOK, noOff},
	{"depth error before later syntax error", `[[[[ x`, 3, kindDepth, noOff},
	{"syntax error before depth error", `[x,[[[[`, 3, kindSyntax, 1},
	{"deep at max depth", strings.Repeat("[", 1000) + strings.Repeat("]", 1000), 1000, kindOK, noOff},
	{"deep over max depth", strings.Repeat("[", 1001) + strings.Repeat("]", 1001), 1000, kindDepth, noOff},
}

func maxDepthOf(d int) int {
	switch d {
	case 0:
		return 64
	case -1:
		return 0
	}
	return d
}

func TestValid(t *testing.T) {
	for _, tt := range validTests {
		t.Run(tt.name, func(t *testing.T) {
			maxDepth := maxDepthOf(tt.maxDepth)
			err := Valid([]byte(tt.in), maxDepth)
			if got := errKind(err); got != tt.want {
				t.Fatalf("Valid(%q, %d) = %v: got kind %q, want %q", tt.in, maxDepth, err, got, tt.want)
			}
			var de *DepthError
			if errors.As(err, &de) && de.Max != maxDepth {
				t.Errorf("Valid(%q, %d): got DepthError.Max %d, want %d", tt.in, maxDepth, de.Max, maxDepth)
			}
			var se *SyntaxError
			if errors.As(err, &se) {
				if se.Offset < 0 || se.Offset > len(tt.in) {
					t.Errorf("Valid(%q): got offset %d, want within [0, %d]", tt.in, se.Offset, len(tt.in))
				}
				if tt.off != noOff && se.Offset != tt.off {
					t.Errorf("Valid(%q): got offset %d (%v), want %d", tt.in, se.Offset, err, tt.off)
				}
				if se.Msg == "" {
					t.Errorf("Valid(%q): got empty SyntaxError.Msg, want a description", tt.in)
				}
			}
		})
	}
}

// TestValidMatchesEncodingJSON checks every table input against encoding/json (plus a UTF-8
// check, which encoding/json does not do) when depth is not the point of the case.
func TestValidMatchesEncodingJSON(t *testing.T) {
	for _, tt := range validTests {
		if tt.want == kindDepth {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.in)
			got := Valid(b, 10000) == nil
			want := json.Valid(b) && utf8.Valid(b)
			if got != want {
				t.Errorf("Valid(%q) == nil: got %v, want %v (encoding/json)", tt.in, got, want)
			}
		})
	}
}

func TestValidDepthMatchesEncodingJSON(t *testing.T) {
	// encoding/json also allows at most 10000 levels.
	for _, n := range []int{9999, 10000, 10001} {
		b := []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
		got := Valid(b, 10000) == nil
		want := json.Valid(b)
		if got != want {
			t.Errorf("depth %d: got Valid == nil %v, want %v (encoding/json)", n, got, want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&SyntaxError{Offset: 7, Msg: "oops"}, "invalid JSON at byte 7: oops"},
		{&DepthError{Max: 3}, "JSON nesting depth exceeds 3"},
		{&BatchSizeError{Max: 5}, "batch has more than 5 items"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
