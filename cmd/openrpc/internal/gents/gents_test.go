package gents

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/internal/docmodel"
	"github.com/openrpc-go/openrpc/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

func parse(t *testing.T, path string) *docmodel.Document {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := docmodel.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func generate(t *testing.T, d *docmodel.Document, source string) (string, []string) {
	t.Helper()
	files, notes, err := Generate(d, Options{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[FileName] == nil {
		t.Fatalf("files %v, want only %s", files, FileName)
	}
	return string(files[FileName]), notes
}

// TestGolden compares the clients of the examples' documents with testdata/*.ts.golden;
// go test -update rewrites them.
func TestGolden(t *testing.T) {
	for _, name := range []string{"auth", "spec"} {
		t.Run(name, func(t *testing.T) {
			source := "examples/" + name + "/testdata/" + name + ".openrpc.golden"
			got, notes := generate(t, parse(t, filepath.Join("..", "..", "..", "..", source)), source)
			if len(notes) > 0 {
				t.Errorf("notes for our own document: %q", notes)
			}
			path := filepath.Join("testdata", name+".ts.golden")
			golden.Check(t, path, []byte(got), *update)
		})
	}
}

// TestDeterministic generates the messiest document many times: the bytes and the notes
// never change, whatever the order of Go's maps.
func TestDeterministic(t *testing.T) {
	d := parse(t, filepath.Join("..", "..", "testdata", "ts-messy.json"))
	first, firstNotes := generate(t, d, "x")
	for range 20 {
		again, notes := generate(t, parse(t, filepath.Join("..", "..", "testdata", "ts-messy.json")), "x")
		if again != first || strings.Join(notes, "\n") != strings.Join(firstNotes, "\n") {
			t.Fatal("two runs differ")
		}
	}
}

// TestMessy checks what the generator makes of the difficult parts of ts-messy.json (tsc
// checks that it compiles, in cmd/openrpc).
func TestMessy(t *testing.T) {
	got, notes := generate(t, parse(t, filepath.Join("..", "..", "testdata", "ts-messy.json")), "messy")
	for _, want := range []string{
		"export interface PetStore {",            // a name with a space
		"export type Json = string | Json[] | {", // recursion through arrays and objects
		"  parent?: Tree | null;",                // nullable $ref
		"export type A = unknown;",               // recursion through unions alone
		"export type Self = unknown;",            // a $ref to itself
		"export interface Error_ {",              // a global's name
		"export type Client_ = string;",          // the runtime's name
		"export type Client2 = number;",          // the same name twice
		"export interface Inner {",               // a $ref into definitions
		"  delete_(default_: string, myParam: number | undefined, _123abc: unknown, myParam_?: PetStore): Promise<Tree> {",
		`byName({ default: default_, "my param": myParam, "123abc": _123abc, "my-param": myParam_ })`,
		"  constructor_(first: string | undefined, second: string | null, third?: boolean): Promise<Union> {",
		"byPosition([first, second, third])",
		"  getData2(): Promise<never> {", // false schema; third getData
		"  notify(p?: {",
		"  }): Promise<void> {",
		`  watch(): Promise<Subscription<unknown>> {`,
		`"watch_unsubscribe"`,
		"tuple: [string, number?]",
		"prefix?: [string?, ...number[]]",
		`openTuple?: [{ a: [1, "x", null] }?, ...unknown[]]`,
		`enum_?: "a" | 1 | null | true | number | "quote\"d" | "*/"`,
		"  method11(): Promise<unknown> {", // a name without letters
		"     * has *\\/ inside",
		"    class?: number;",
		`    "\""?: null;`,
		"  /** A bad thing */\n  BadThing: 5,", // components' name first
		"@throws {JSONRPCError} 5 *\\/ closes comments",
		"  InvalidParams_: 7,",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
	if codes := got[strings.Index(got, "export const ErrorCode"):strings.Index(got, "export type ErrorCode")]; strings.Contains(codes, "Also invalid params") {
		t.Error("-32602 listed twice in ErrorCode")
	}
	for _, want := range []string{
		"/components/schemas/A: refers to itself through unions or intersections alone, which TypeScript cannot declare: unknown",
		`/methods/6/result/schema: $ref "https://example.com/other.json#/x" is not a reference inside the document: unknown`,
		`/methods/7/params/0/schema: $ref "#/components/schemas/Missing" cannot be resolved: unknown`,
		"/methods/10: x-subscription has no event schema: events are unknown",
		`/methods/12/params/7/schema: type "file" is not a JSON Schema type: unknown`,
	} {
		if !strings.Contains(strings.Join(notes, "\n"), want) {
			t.Errorf("notes miss %q:\n%s", want, strings.Join(notes, "\n"))
		}
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"sign_up": "signUp", "getCaller": "getCaller", "HTTPServer": "httpServer", "rpc.discover": "rpcDiscover",
		"get data!": "getData", "ID": "id", "x": "x", "2fa code": "2faCode", "---": "",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
	n := newNamer(reserved)
	for _, c := range []struct{ base, want string }{
		{"delete", "delete_"}, {"delete", "delete2"}, {"2fa", "_2fa"}, {"", "p0"}, {"Promise", "Promise_"},
	} {
		if got := n.name(c.base, "p0"); got != c.want {
			t.Errorf("name(%q) = %q, want %q", c.base, got, c.want)
		}
	}
}

func TestWrap(t *testing.T) {
	for in, want := range map[string]string{
		"string":               "string",
		"string | null":        "(string | null)",
		`"a|b"`:                `"a|b"`,
		`"a\"|b"`:              `"a\"|b"`,
		"{ a: string | null }": "{ a: string | null }",
		"A & B":                "(A & B)",
	} {
		if got := wrap(in); got != want {
			t.Errorf("wrap(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzGenerate: whatever document Parse accepts, Generate returns a module and no panic.
func FuzzGenerate(f *testing.F) {
	for _, p := range []string{
		filepath.Join("..", "..", "testdata", "ts-messy.json"),
		filepath.Join("..", "..", "..", "..", "examples", "auth", "testdata", "auth.openrpc.golden"),
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"openrpc":"1.2.6","info":{"title":"t","version":"1"},"methods":[{"name":"m","params":[{"name":"p","schema":{"$ref":"#/components/schemas/X"}}],"result":{"name":"r","schema":{"allOf":[{"$ref":"#/components/schemas/X"}]}}}],"components":{"schemas":{"X":{"oneOf":[{"$ref":"#/components/schemas/X"}]}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := docmodel.Parse(b)
		if err != nil {
			return
		}
		files, _, err := Generate(d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(files[FileName], []byte("export class Client extends Methods")) {
			t.Fatal("no Client")
		}
	})
}

func BenchmarkGenerate(b *testing.B) {
	for _, name := range []string{"auth", "kitchensink"} {
		path := filepath.Join("..", "..", "..", "..", "examples", "auth", "testdata", "auth.openrpc.golden")
		if name == "kitchensink" {
			path = filepath.Join("..", "..", "..", "..", "testdata", "kitchensink.openrpc.golden")
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		d, err := docmodel.Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Generate(d, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestProtoParam sends a param named __proto__ as a member of the params: in a JavaScript
// object literal, __proto__: value sets the object's prototype instead, and so does
// out["__proto__"] = value on an ordinary object, so neither may carry it.
func TestProtoParam(t *testing.T) {
	d, err := docmodel.Parse([]byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
		{"name": "m", "params": [{"name": "__proto__", "schema": {"type": "object"}}, {"name": "a", "schema": {"type": "string"}}],
		 "result": {"name": "r", "schema": {"type": "object", "properties": {"__proto__": {"type": "string"}}}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := generate(t, d, "proto")
	for _, want := range []string{
		`byName({ ["__proto__"]: proto, a: a })`,
		`const out: { [name: string]: unknown } = Object.create(null);`,
		"    __proto__?: string;", // a type's member is a plain name
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in\n%s", want, got)
		}
	}
}

// TestDuplicateParamNames leaves out the second of two params named alike in a by-name
// call: an object literal cannot hold both, and tsc refuses one that tries.
func TestDuplicateParamNames(t *testing.T) {
	d, err := docmodel.Parse([]byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
		{"name": "m", "params": [{"name": "limit", "schema": {"type": "integer"}}, {"name": "limit", "schema": {"type": "string"}}],
		 "result": {"name": "r", "schema": true}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, notes := generate(t, d, "dup")
	if !strings.Contains(got, `m(limit?: number): Promise<unknown>`) || !strings.Contains(got, `byName({ limit: limit })`) {
		t.Errorf("the method is not m(limit) sending limit once:\n%s", got)
	}
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, `a second param named "limit"`) }) {
		t.Errorf("notes %q do not say the second limit was left out", notes)
	}
}

// TestByPositionStandIn: an optional by-position param left undefined before a given one
// is sent as its default (a JSON literal), else as null when its schema accepts null, else
// the method throws before sending, naming the method and the param; a default its schema
// refuses is not used, and noted.
func TestByPositionStandIn(t *testing.T) {
	d, err := docmodel.Parse([]byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
		{"name": "page", "paramStructure": "by-position", "params": [
			{"name": "a", "required": true, "schema": {"type": "integer"}},
			{"name": "limit", "schema": {"type": "integer", "default": 10}},
			{"name": "sep", "schema": {"type": "string", "default": "*/\u2028"}},
			{"name": "cursor", "schema": {"type": ["string", "null"]}},
			{"name": "bad", "schema": {"type": "integer", "default": "ten"}},
			{"name": "proto", "schema": {"type": "object", "default": {"__proto__": {"x": 1}}}},
			{"name": "order", "schema": {"type": "string", "enum": ["asc", "desc"]}},
			{"name": "tags", "schema": {"type": "string"}}], "result": {"name": "r", "schema": {"type": "integer"}}},
		{"name": "nulls", "paramStructure": "by-position", "params": [
			{"name": "x", "schema": {"type": ["integer", "null"]}},
			{"name": "y", "schema": {"type": "integer"}}]},
		{"name": "rest", "paramStructure": "by-position", "params": [
			{"name": "first", "schema": {"type": "string"}},
			{"name": "more", "schema": {"type": "number"}, "x-variadic": true}], "result": {"name": "r", "schema": true}},
		{"name": "named", "params": [
			{"name": "order", "schema": {"type": "string"}},
			{"name": "tag", "schema": {"type": "string"}}], "result": {"name": "r", "schema": {"type": "integer"}}}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, notes := generate(t, d, "standin")
	for _, want := range []string{
		`
    if (bad === undefined && (proto !== undefined || order !== undefined || tags !== undefined)) {
      throw new Error("page: param \"bad\" must be given when a later param is: the method takes its params by position, and this param has no default and is not nullable");
    }
    if (order === undefined && tags !== undefined) {
      throw new Error("page: param \"order\" must be given when a later param is: the method takes its params by position, and this param has no default and is not nullable");
    }
    return this.$call("page", byPosition([a, limit, sep, cursor, bad, proto, order, tags], [null, 10, "*/\u2028", null, null, JSON.parse("{\"__proto__\":{\"x\":1}}")]));
`,
		"@throws {Error} At once, sending nothing, when bad or order is left undefined while a later param is given",
		`    return this.$notify("nulls", byPosition([x, y]));`,
		`
    if (first === undefined && more.length > 0) {
      throw new Error("rest: param \"first\" must be given when a later param is: the method takes its params by position, and this param has no default and is not nullable");
    }
    return this.$call("rest", byPosition([first, ...more]));
`,
		`    return this.$call("named", byName({ order: order, tag: tag }));`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no\n%s\nin\n%s", want, got)
		}
	}
	if strings.Count(got, "must be given when a later param is") != 3 {
		t.Errorf("want 3 refusals (page's bad and order, rest's first):\n%s", got)
	}
	if want := []string{`/methods/0/params/4/schema: the default of param "bad" is no value of its schema: the client refuses a call leaving it unset before a set param`}; !slices.Equal(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}
