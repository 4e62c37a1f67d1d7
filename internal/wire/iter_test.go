package wire

import (
	"slices"
	"testing"
)

func elements(raw string) []string {
	it := NewIter([]byte(raw))
	var out []string
	for e, ok := it.Element(); ok; e, ok = it.Element() {
		out = append(out, string(e))
	}
	// The iterator stays exhausted.
	if _, ok := it.Element(); ok {
		out = append(out, "<element after end>")
	}
	return out
}

func TestIterElement(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{`[]`, nil},
		{`[ ]`, nil},
		{"[\n\t\r ]", nil},
		{`[1]`, []string{`1`}},
		{`[""]`, []string{`""`}},
		{`[1,2,3]`, []string{`1`, `2`, `3`}},
		{"[\n\t1\r\n]", []string{`1`}},
		{`[ 1 , "a,b]" , [2, 3] , {"x" : []} , null , -1.5e3 , true , false ]`,
			[]string{`1`, `"a,b]"`, `[2, 3]`, `{"x" : []}`, `null`, `-1.5e3`, `true`, `false`}},
		{`[[],[],{}]`, []string{`[]`, `[]`, `{}`}},
		{`["\"]",  "\\"]`, []string{`"\"]"`, `"\\"`}},
		{`[[[[1]]]]`, []string{`[[[1]]]`}},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got := elements(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("elements of %s: got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIterMember(t *testing.T) {
	type member struct{ key, value string }
	for _, tt := range []struct {
		in   string
		want []member
	}{
		{`{}`, nil},
		{`{ }`, nil},
		{"{\r\n\t}", nil},
		{`{"a":1}`, []member{{"a", `1`}}},
		{`{"":null}`, []member{{"", `null`}}},
		{`{ "a" : 1 , "b" : [1, 2] , "c":{"d":{}} } `,
			[]member{{"a", `1`}, {"b", `[1, 2]`}, {"c", `{"d":{}}`}}},
		{`{"\u0061b":true,"c\"d":"x","e\\":"}","\ud83d\ude00":0}`,
			[]member{{"ab", `true`}, {`c"d`, `"x"`}, {`e\`, `"}"`}, {"\U0001F600", `0`}}},
		{`{"a":1,"a":2}`, []member{{"a", `1`}, {"a", `2`}}},
		{"{\"caf\xc3\xa9\":\"\\u00e9\"}", []member{{"caf\u00e9", `"\u00e9"`}}},
	} {
		t.Run(tt.in, func(t *testing.T) {
			it := NewIter([]byte(tt.in))
			var got []member
			for k, v, ok := it.Member(); ok; k, v, ok = it.Member() {
				got = append(got, member{string(k), string(v)})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("members of %s: got %q, want %q", tt.in, got, tt.want)
			}
			if _, _, ok := it.Member(); ok {
				t.Errorf("members of %s: got a member after the end, want none", tt.in)
			}
		})
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{`[]`, 0},
		{"[ \n ]", 0},
		{`[1]`, 1},
		{`[null,null]`, 2},
		{`[1,[2,3],{"a":[4,5,6]}]`, 3},
		{`[ "]" , "[" , "," ]`, 3},
		{`[[[]],[[]]]`, 2},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := Count([]byte(tt.in)); got != tt.want {
				t.Errorf("Count(%s): got %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

// TestIterParams iterates params exactly as Parse returns them.
func TestIterParams(t *testing.T) {
	in := `{"jsonrpc":"2.0","method":"m","params": [ 1 , {"k" : "v"} ] ,"id":1}`
	reqs, _, err := parse([]byte(in), testLimits)
	if err != nil {
		t.Fatalf("Parse: got error %v, want nil", err)
	}
	p := string(reqs[0].Params)
	if got, want := elements(p), []string{`1`, `{"k" : "v"}`}; !slices.Equal(got, want) {
		t.Errorf("elements of %s: got %q, want %q", p, got, want)
	}
	if got := Count(reqs[0].Params); got != 2 {
		t.Errorf("Count(%s): got %d, want 2", p, got)
	}

	in = `{"jsonrpc":"2.0","method":"m","params":{ "a" : [] , "b":"\u0041" }}`
	reqs, _, err = parse([]byte(in), testLimits)
	if err != nil {
		t.Fatalf("Parse: got error %v, want nil", err)
	}
	it := NewIter(reqs[0].Params)
	var keys, values []string
	for k, v, ok := it.Member(); ok; k, v, ok = it.Member() {
		keys = append(keys, string(k))
		values = append(values, string(v))
	}
	if want := []string{"a", "b"}; !slices.Equal(keys, want) {
		t.Errorf("keys: got %q, want %q", keys, want)
	}
	if want := []string{`[]`, `"\u0041"`}; !slices.Equal(values, want) {
		t.Errorf("values: got %q, want %q", values, want)
	}
}
