package callargs_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/callargs"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

const doc = `{
  "openrpc": "1.3.2",
  "info": {"title": "t", "version": "1"},
  "methods": [
    {"name": "mixed", "params": [
      {"name": "s", "schema": {"type": "string"}},
      {"name": "i", "schema": {"type": "integer", "minimum": 0}},
      {"name": "n", "schema": {"type": "number"}},
      {"name": "b", "schema": {"type": "boolean"}},
      {"name": "o", "schema": {"$ref": "#/components/schemas/Point"}},
      {"name": "a", "schema": {"type": "array", "items": {"type": "string"}}},
      {"name": "ns", "schema": {"type": ["string", "null"]}},
      {"name": "e", "schema": {"enum": ["asc", "desc"]}},
      {"name": "any", "schema": {}}
    ], "result": {"name": "r", "schema": {}}},
    {"name": "login", "params": [
      {"name": "username", "required": true, "schema": {"type": "string", "minLength": 3}},
      {"name": "password", "required": true, "schema": {"type": "string"}}
    ], "result": {"name": "r", "schema": {}}},
    {"name": "subtract", "paramStructure": "by-position", "params": [
      {"name": "minuend", "required": true, "schema": {"type": "number"}},
      {"name": "subtrahend", "schema": {"type": "number"}},
      {"name": "scale", "schema": {"type": "integer"}}
    ], "result": {"name": "r", "schema": {"type": "number"}}},
    {"name": "sum", "paramStructure": "by-position", "params": [
      {"name": "numbers", "schema": {"type": "number"}, "x-variadic": true}
    ], "result": {"name": "r", "schema": {"type": "number"}}},
    {"name": "named", "paramStructure": "by-name", "params": [
      {"name": "x", "schema": {"type": "integer"}},
      {"name": "y", "schema": {"type": "integer"}}
    ], "result": {"name": "r", "schema": {}}},
    {"name": "none", "params": [], "result": {"name": "r", "schema": {}}},
    {"name": "window", "paramStructure": "by-position", "params": [
      {"name": "a", "required": true, "schema": {"type": "integer"}},
      {"name": "size", "schema": {"type": "integer", "default": 10}},
      {"name": "label", "schema": {"type": ["string", "null"]}},
      {"name": "page", "schema": {"type": "integer", "minimum": 1}},
      {"name": "p", "schema": {"$ref": "#/components/schemas/Point"}},
      {"name": "tags", "schema": {"type": "array", "items": {"type": "string"}}},
      {"name": "last", "schema": {"type": "boolean"}}
    ], "result": {"name": "r", "schema": {}}}
  ],
  "components": {"schemas": {"Point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}}}
}`

func builder(t *testing.T) (*callargs.Builder, *docmodel.Document) {
	t.Helper()
	d, err := docmodel.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	b, err := callargs.NewBuilder(d)
	if err != nil {
		t.Fatal(err)
	}
	return b, d
}

func TestBuild(t *testing.T) {
	b, d := builder(t)
	for _, tt := range []struct {
		method string
		args   []string
		want   string
	}{
		{"mixed", []string{"s=42"}, `{"s":"42"}`},
		{"mixed", []string{"s=hello world"}, `{"s":"hello world"}`},
		{"mixed", []string{"s=true"}, `{"s":"true"}`},
		{"mixed", []string{`s="quoted"`}, `{"s":"\"quoted\""}`},
		{"mixed", []string{"s="}, `{"s":""}`},
		{"mixed", []string{`s:="42"`}, `{"s":"42"}`},
		{"mixed", []string{"i=7", "n=-2.5e3", "b=false"}, `{"i":7,"n":-2.5e3,"b":false}`},
		{"mixed", []string{"o={\"x\": 1}"}, `{"o":{"x":1}}`},
		{"mixed", []string{`a=["p","q"]`}, `{"a":["p","q"]}`},
		{"mixed", []string{"ns=null"}, `{"ns":null}`},
		{"mixed", []string{"ns=nothing"}, `{"ns":"nothing"}`},
		{"mixed", []string{"e=desc"}, `{"e":"desc"}`},
		{"mixed", []string{"any=3"}, `{"any":3}`},
		{"mixed", []string{"any=three"}, `{"any":"three"}`},
		{"mixed", []string{"any={\"k\":[1]}"}, `{"any":{"k":[1]}}`},
		// Params in the document's order, whatever the order given.
		{"mixed", []string{"b=true", "s=x"}, `{"s":"x","b":true}`},
		{"mixed", nil, ``},
		{"mixed", []string{"s=x=y"}, `{"s":"x=y"}`},
		{"mixed", []string{"1+1=2"}, `{"s":"1+1=2"}`}, // a value by position: not a name on the left
		{"login", []string{"alice", "pw"}, `{"username":"alice","password":"pw"}`},
		{"login", []string{`{"password":"pw","username":"alice"}`}, `{"username":"alice","password":"pw"}`},
		{"login", []string{`["alice","pw"]`}, `{"username":"alice","password":"pw"}`},
		{"subtract", []string{"42", "23"}, `[42,23]`},
		{"subtract", []string{"subtrahend=23", "minuend=42"}, `[42,23]`},
		// An optional param left out before a given one: its default, else null where its
		// schema allows it (a server refuses null for a number); never a guessed zero.
		{"window", []string{"a=1", "label=x"}, `[1,10,"x"]`},
		{"window", []string{"a=1", "page=2"}, `[1,10,null,2]`},
		{"window", []string{"a=1", "page=2", "p={\"x\":1}", "tags=[]", "last=true"}, `[1,10,null,2,{"x":1},[],true]`},
		{"subtract", []string{`{"subtrahend":1,"minuend":2}`}, `[2,1]`},
		{"subtract", []string{`[5,1]`}, `[5,1]`},
		{"subtract", []string{"-5"}, `[-5]`},
		{"sum", []string{"1", "2", "3.5"}, `[1,2,3.5]`},
		{"sum", []string{"[1, 2, 3]"}, `[1,2,3]`},
		{"sum", nil, `[]`},
		{"named", []string{"1", "2"}, `{"x":1,"y":2}`},
		{"none", nil, ``},
	} {
		got, err := b.Build(d.Method(tt.method), tt.args)
		if err != nil {
			t.Errorf("%s %q: %v", tt.method, tt.args, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s %q = %s, want %s", tt.method, tt.args, got, tt.want)
		}
	}
}

func TestBuildRefuses(t *testing.T) {
	b, d := builder(t)
	for _, tt := range []struct {
		method string
		args   []string
		param  string // the param the error names
		msg    string // a part of the message
	}{
		{"mixed", []string{"i=abc"}, "i", `want integer, got "abc"`},
		{"mixed", []string{"i=1.5"}, "i", "integer"},
		{"mixed", []string{"i=-1"}, "i", "minimum"},
		{"mixed", []string{"b=yes"}, "b", "boolean"},
		{"mixed", []string{"o={\"y\":1}"}, "o", "missing property 'x'"},
		{"mixed", []string{"o={x"}, "o", "not JSON"},
		{"mixed", []string{"o=5"}, "o", `want Point, got "5": write it as JSON, o='{...}'`},
		{"mixed", []string{"a=p"}, "a", `want []string, got "p": write it as JSON, a='[...]'`},
		{"mixed", []string{"e=up"}, "e", "must be one of"},
		{"mixed", []string{"s:=nope"}, "s", "not JSON"},
		{"mixed", []string{"s=1", "s=2"}, "s", "given twice"},
		{"mixed", []string{"anyy=1"}, "anyy", `did you mean "any"?`},
		{"mixed", []string{"s:=42"}, "s", "want string"},
		{"mixed", []string{"zzz=1"}, "zzz", "no such param; it takes s, i, n"},
		{"login", []string{"username=alice"}, "password", "missing: it is required (string); add password=VALUE"},
		{"login", []string{"username=al", "password=x"}, "username", "minLength"},
		{"login", []string{"usernme=alice"}, "usernme", `did you mean "username"?`},
		{"login", []string{`{"username":"alice","passwrd":"x"}`}, "passwrd", `did you mean "password"?`},
		{"login", []string{"a", "b", "c"}, "", "takes 2 params"},
		{"login", []string{"username=alice", "pw"}, "", "comes after params given by name"},
		{"subtract", []string{"x"}, "minuend", `want number, got "x"`},
		{"sum", []string{"1", "two"}, "numbers", `want number, got "two"`},
		{"sum", []string{`[1,"two"]`}, "numbers", "number"},
		{"none", []string{"x=1"}, "x", "none takes no params"},
		{"window", []string{"a=1", "last=true"}, "page", "must be given when a later param is"},
		{"window", []string{"a=1", "page=1", "tags=[]"}, "p", "must be given when a later param is"},
		{"window", []string{"a=1", "page=1", "p={\"x\":1}", "last=true"}, "tags", "must be given when a later param is"},
		{"subtract", []string{"minuend=42", "scale=2"}, "subtrahend", "has no default and is not nullable"},
		{"login", []string{`{"username":`}, "", "not a JSON object"},
	} {
		_, err := b.Build(d.Method(tt.method), tt.args)
		var pe *callargs.Error
		if !errors.As(err, &pe) {
			t.Errorf("%s %q: err = %v, want a *callargs.Error", tt.method, tt.args, err)
			continue
		}
		if pe.Param != tt.param || !strings.Contains(pe.Error(), tt.msg) {
			t.Errorf("%s %q: err = %v (param %q), want param %q and %q", tt.method, tt.args, err, pe.Param, tt.param, tt.msg)
		}
	}
}

func TestLoose(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"a=1", "b=x", "c=true", "d:=\"7\"", `e={"k":1}`}, `{"a":1,"b":"x","c":true,"d":"7","e":{"k":1}}`},
		{[]string{"1", "two", "null"}, `[1,"two",null]`},
		{[]string{`{"a": [1, 2]}`}, `{"a":[1,2]}`},
		{[]string{`[1, 2]`}, `[1,2]`},
	} {
		got, err := callargs.Loose(tt.args)
		if err != nil || string(got) != tt.want {
			t.Errorf("Loose(%q) = %s, %v; want %s", tt.args, got, err, tt.want)
		}
	}
	for _, args := range [][]string{{"a=1", "2"}, {"2", "a=1"}, {"a=1", "a=2"}, {"{x"}, {"a:=x"}} {
		if got, err := callargs.Loose(args); err == nil {
			t.Errorf("Loose(%q) = %s, want an error", args, got)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		line string
		want []string
	}{
		{"", nil},
		{"  sign_in  username=alice\tpassword=x ", []string{"sign_in", "username=alice", "password=x"}},
		{`m 'a b' "c \"d\" \\ e" f\ g`, []string{"m", "a b", `c "d" \ e`, "f g"}},
		{`m p='{"x": 1}'`, []string{"m", `p={"x": 1}`}},
		{`m ''`, []string{"m", ""}},
	} {
		got, err := callargs.Split(tt.line)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", tt.line, got, err, tt.want)
		}
	}
	for _, line := range []string{`m 'a`, `m "a`} {
		if _, err := callargs.Split(line); err == nil {
			t.Errorf("Split(%q): no error", line)
		}
	}
}

func TestNearest(t *testing.T) {
	names := []string{"sign_up", "sign_in", "get_caller"}
	for name, want := range map[string]string{"sign_inn": "sign_in", "SIGN_UP": "sign_up", "getcaller": "get_caller", "logout": "", "sing_in": "sign_in"} {
		if got := callargs.Nearest(name, names); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", name, got, want)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	d, err := docmodel.Parse([]byte(doc))
	if err != nil {
		b.Fatal(err)
	}
	bl, err := callargs.NewBuilder(d)
	if err != nil {
		b.Fatal(err)
	}
	m := d.Method("login")
	args := []string{"username=alice", "password=correct-horse-1"}
	for b.Loop() {
		if _, err := bl.Build(m, args); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBuildRefusesInOrder: of several unknown params in a JSON object, the error names the
// first by name, every time (map order named any of them).
func TestBuildRefusesInOrder(t *testing.T) {
	b, d := builder(t)
	for range 20 {
		_, err := b.Build(d.Method("login"), []string{`{"zz":1,"yy":2,"xx":3,"ww":4,"username":"alice","password":"pw"}`})
		var pe *callargs.Error
		if !errors.As(err, &pe) || pe.Param != "ww" {
			t.Fatalf("err = %v, want one naming ww", err)
		}
	}
}
