package gengo

import (
	"bytes"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

func TestExportName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"user_id", "UserID"},
		{"get caller", "GetCaller"},
		{"getCaller", "GetCaller"},
		{"HTTPServer", "HTTPServer"},
		{"http_server_url", "HTTPServerURL"},
		{"interval_ms", "IntervalMs"},
		{"api-key", "APIKey"},
		{"2fa", "X2fa"},
		{"type", "Type"},
		{"func", "Func"},
		{"", "X"},
		{"---", "X"},
		{"shapes.area", "ShapesArea"},
		{"include details?", "IncludeDetails"},
		{"Area in m²", "AreaInM"},
		{"名前", "X名前"},
		{"éclair", "Éclair"},
		{"JSONData", "JSONData"},
		{"userIDs", "UserIDs"},
	} {
		if got := exportName(tt.in); got != tt.want {
			t.Errorf("exportName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := exportName(tt.in); !token.IsExported(got) || !token.IsIdentifier(got) {
			t.Errorf("exportName(%q) = %q is not an exported identifier", tt.in, got)
		}
	}
}

func TestNamespace(t *testing.T) {
	ns := namespace{}
	var got []string
	for _, n := range []string{"User", "User", "User2", "User", "Client"} {
		got = append(got, ns.take(n))
	}
	want := []string{"User", "User2", "User22", "User3", "Client"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("names %v, want %v", got, want)
	}
}

// generate generates a package from a document's JSON and fails t on an error.
func generate(t *testing.T, doc string, server bool) (string, []string) {
	t.Helper()
	d, err := docmodel.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	files, notes, err := Generate(d, Options{Package: "p", Source: "test", Server: server})
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for _, name := range []string{"types.go", "client.go", "server.go"} {
		all = append(all, files[name]...)
	}
	return string(all), notes
}

func TestTypeMapping(t *testing.T) {
	doc := `{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [{
		"name": "m",
		"params": [
			{"name": "s", "required": true, "schema": {"type": "string", "minLength": 2}},
			{"name": "i", "required": true, "schema": {"type": "integer"}},
			{"name": "i32", "required": true, "schema": {"type": "integer", "format": "int32"}},
			{"name": "f", "schema": {"type": "number", "maximum": 5}},
			{"name": "b", "schema": {"type": "boolean"}},
			{"name": "when", "schema": {"type": "string", "format": "date-time"}},
			{"name": "list", "schema": {"type": "array", "items": {"type": "string", "pattern": "^a"}}},
			{"name": "dict", "schema": {"type": "object", "additionalProperties": {"type": "integer"}}},
			{"name": "maybe", "required": true, "schema": {"type": ["string", "null"]}},
			{"name": "color", "schema": {"type": "string", "enum": ["red", "dark blue"]}},
			{"name": "any", "schema": true},
			{"name": "either", "schema": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
			{"name": "count", "schema": {"type": ["integer", "null"]}},
			{"name": "filter", "schema": {"type": "object", "properties": {"q": {"type": "string"}}}},
			{"name": "tree", "schema": {"$ref": "#/components/schemas/Tree"}},
			{"name": "blob", "required": true, "schema": true}
		],
		"result": {"name": "r", "schema": {"type": "object", "required": ["id", "at"], "properties": {"id": {"type": "integer"}, "note": {"type": "string", "nullable": true}, "at": {"type": ["string", "null"]}}}}
	}], "components": {"schemas": {"Tree": {"type": "object", "required": ["up"], "properties": {"left": {"$ref": "#/components/schemas/Tree"}, "right": {"oneOf": [{"$ref": "#/components/schemas/Tree"}, {"type": "null"}]}, "up": {"oneOf": [{"$ref": "#/components/schemas/Tree"}, {"type": "null"}]}}}}}}`
	code, _ := generate(t, doc, true)
	for _, want := range []string{
		"S string `json:\"s\" minLength:\"2\"`",
		"I int64 `json:\"i\"`",
		"I32 int32 `json:\"i32\"`",
		"F openrpc.Optional[float64] `json:\"f,omitzero\" nullable:\"false\" maximum:\"5\"`",
		"B openrpc.Optional[bool] `json:\"b,omitzero\" nullable:\"false\"`",
		"When openrpc.Optional[time.Time] `json:\"when,omitzero\" nullable:\"false\"`",
		"List []string `json:\"list,omitzero\" pattern:\"^a\"`",
		"Dict map[string]int64 `json:\"dict,omitzero\"`",
		"Maybe *string `json:\"maybe\" required:\"true\"`",
		"Blob json.RawMessage `json:\"blob\" required:\"true\"`",
		"At *string `json:\"at\" required:\"true\"`",
		"Up *Tree `json:\"up\" required:\"true\"`",
		"Color openrpc.Optional[MColor] `json:\"color,omitzero\" nullable:\"false\" enum:\"red,dark blue\"`",
		"MColorDarkBlue MColor = \"dark blue\"",
		"Any json.RawMessage `json:\"any,omitzero\"`",
		"Either MEither `json:\"either,omitzero\"`",
		"func (u MEither) AsString() (string, error)",
		"func (u MEither) AsInt64() (int64, error)",
		"type MResult struct",
		"ID int64 `json:\"id\"`",
		"Note openrpc.Optional[string] `json:\"note,omitzero\"`",
		"Count openrpc.Optional[int64] `json:\"count,omitzero\"`",
		"Filter openrpc.Optional[MFilter] `json:\"filter,omitzero\" nullable:\"false\"`",
		"Q openrpc.Optional[string] `json:\"q,omitzero\" nullable:\"false\"`",
		"Tree openrpc.Optional[Tree] `json:\"tree,omitzero\" nullable:\"false\"`",
		"Left *Tree `json:\"left,omitzero\" nullable:\"false\"`",
		"Right *Tree `json:\"right,omitzero\"`",
		"func (c *Client) M(ctx context.Context, params MParams) (MResult, error)",
		"M(ctx context.Context, params MParams) (MResult, error)",
	} {
		if !strings.Contains(code, want) {
			t.Errorf("no %q in\n%s", want, code)
		}
	}
}

func TestMethodKinds(t *testing.T) {
	doc := `{"openrpc": "1.2.6", "info": {"title": "t", "version": "1"}, "methods": [
		{"name": "notify", "params": [{"name": "x", "required": true, "schema": {"type": "integer"}}]},
		{"name": "pos", "paramStructure": "by-position", "params": [{"name": "a", "required": true, "schema": {"type": "integer"}}, {"name": "b", "schema": {"type": "integer"}}], "result": {"name": "r", "schema": {"type": "integer"}}},
		{"name": "sum", "paramStructure": "by-position", "params": [{"name": "n", "schema": {"type": "number"}, "x-variadic": true}], "result": {"name": "r", "schema": {"type": "number"}}},
		{"name": "nothing", "params": [], "result": {"name": "r", "schema": {"type": "null"}}},
		{"name": "old", "deprecated": true, "summary": "Old.", "params": [], "result": {"name": "r", "schema": {"type": "string"}}, "errors": [{"code": 7, "message": "too old"}]},
		{"name": "watch", "params": [], "result": {"name": "subscription", "schema": {"type": "string"}},
		 "x-subscription": {"event": {"type": "object", "properties": {"n": {"type": "integer"}}}, "unsubscribe": "watch_unsubscribe"}},
		{"name": "watch_unsubscribe", "params": [{"name": "subscription", "required": true, "schema": {"type": "string"}}], "result": {"name": "ok", "schema": {"type": "boolean"}}}
	]}`
	code, _ := generate(t, doc, true)
	flat := strings.Join(strings.Fields(code), " ")
	for _, want := range []string{
		"func (c *Client) Notify(ctx context.Context, params NotifyParams) error",
		"c.rpc.Notify(ctx, \"notify\", params)",
		"c.rpc.Call(ctx, \"pos\", params.positional(), &result)",
		// a, required, is sent even when it is zero.
		"for len(params) > 1 && reflect.ValueOf(params[len(params)-1]).IsZero()",
		"func (c *Client) Sum(ctx context.Context, params ...float64) (float64, error)",
		"func (c *Client) Nothing(ctx context.Context) error",
		"// Deprecated: the document marks it deprecated.\nfunc (c *Client) Old(",
		"ErrTooOld = &openrpc.Error{Code: 7, Message: \"too old\"}",
		"func (c *Client) Watch(ctx context.Context) (*openrpc.Subscription[WatchEvent], error)",
		"Watch(ctx context.Context, emit func(WatchEvent) error) error",
		"openrpc.RegisterSubscription(r, ",
		"openrpc.RegisterNotification(r, ",
		"VariadicName: \"n\"",
		"ParamStructure: openrpc.ByPosition",
		"Deprecated: true",
	} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("no %q in\n%s", want, code)
		}
	}
	if strings.Contains(code, "WatchUnsubscribe(ctx context.Context, params WatchUnsubscribeParams) (bool, error)\n") {
		t.Error("the Service has the unsubscribe method RegisterSubscription adds")
	}
}

func TestNotes(t *testing.T) {
	doc := `{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [{"name": "m",
		"params": [{"name": "x", "schema": {"type": ["string", "integer"]}}, {"name": "y", "schema": {"$ref": "other.json#/A"}}, {"name": "z", "schema": false}],
		"result": {"name": "r", "schema": {"type": "array", "items": [{"type": "string"}]}}}]}`
	code, notes := generate(t, doc, false)
	if len(notes) != 4 {
		t.Errorf("notes %q, want 4", notes)
	}
	if c := strings.Count(code, "json.RawMessage `json:"); c != 3 {
		t.Errorf("%d json.RawMessage params, want 3:\n%s", c, code)
	}
}

func TestBadPackageName(t *testing.T) {
	d, err := docmodel.Parse([]byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": []}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "a-b", "1x", "_", "go", "main"} {
		if _, _, err := Generate(d, Options{Package: name}); err == nil {
			t.Errorf("package %q accepted", name)
		}
	}
}

// FuzzGenerate generates code from any document docmodel reads: it must not panic, must
// parse as Go, and must be the same twice.
func FuzzGenerate(f *testing.F) {
	for _, pattern := range []string{"../../testdata/*.openrpc.json", "../../../../e2e/testdata/open-rpc-examples/*.json", "../../../../examples/*/testdata/*.openrpc.golden"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"openrpc":"1.0.0","info":{"title":"","version":""},"methods":[{"name":"a","params":[{"name":"b","schema":{"allOf":[{"allOf":[{"$ref":"#/components/schemas/X"}]}]}}],"result":{"name":"c","schema":{"oneOf":[{"type":"object","properties":{"x":{"$ref":"#"}}},{"enum":[1,"a"]}]}}}],"components":{"schemas":{"X":{"$ref":"#/components/schemas/X"}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := docmodel.Parse(b)
		if err != nil {
			return
		}
		var runs [2]map[string][]byte
		for i := range runs {
			d, _ := docmodel.Parse(b)
			runs[i], _, err = Generate(d, Options{Package: "p", Server: true})
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
		}
		if !maps.EqualFunc(runs[0], runs[1], bytes.Equal) {
			t.Fatal("two runs differ")
		}
		for name, src := range runs[0] {
			if _, err := parser.ParseFile(token.NewFileSet(), name, src, 0); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		_ = d
	})
}

// BenchmarkGenerate generates the client and server of examples/auth's document.
func BenchmarkGenerate(b *testing.B) {
	raw, err := os.ReadFile("../../../../examples/auth/testdata/auth.openrpc.golden")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		d, err := docmodel.Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Generate(d, Options{Package: "auth", Server: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestByPositionOptionalBeforeRequired generates a by-position param that the document
// gives as optional but places before a required one as required: every call sends it to
// reach the later one, and the framework takes required params first, so an optional field
// there would have moved it after them, swapping the server's positions with the
// document's (and its own client's). One that may be null is a pointer tagged
// required:"true", keeping its place; the server then publishes it as required: noted.
// A method taking params either way moves a required param after an optional one before
// it, by position: noted.
func TestByPositionOptionalBeforeRequired(t *testing.T) {
	doc := `{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
		{"name": "pos", "paramStructure": "by-position", "params": [
			{"name": "a", "schema": {"type": "integer"}},
			{"name": "b", "required": true, "schema": {"type": "string"}},
			{"name": "c", "schema": {"type": "integer"}}], "result": {"name": "r", "schema": {"type": "integer"}}},
		{"name": "nul", "paramStructure": "by-position", "params": [
			{"name": "n", "schema": {"type": ["integer", "null"]}},
			{"name": "b", "required": true, "schema": {"type": "string"}}], "result": {"name": "r", "schema": {"type": "integer"}}},
		{"name": "named", "params": [
			{"name": "a", "schema": {"type": "integer"}},
			{"name": "b", "required": true, "schema": {"type": "string"}}], "result": {"name": "r", "schema": {"type": "integer"}}},
		{"name": "onlyNamed", "paramStructure": "by-name", "params": [
			{"name": "a", "schema": {"type": "integer"}},
			{"name": "z", "required": true, "schema": {"type": "string"}}], "result": {"name": "r", "schema": {"type": "integer"}}}
	]}`
	code, notes := generate(t, doc, true)
	flat := strings.Join(strings.Fields(code), " ")
	for _, want := range []string{
		"type PosParams struct { A int64 `json:\"a\"`",
		"C openrpc.Optional[int64] `json:\"c,omitzero\" nullable:\"false\"`",
		"type NulParams struct { N *int64 `json:\"n\" required:\"true\"`",
		"type NamedParams struct { A openrpc.Optional[int64] `json:\"a,omitzero\" nullable:\"false\"`",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("no %q in\n%s", want, code)
		}
	}
	if !slices.ContainsFunc(notes, func(n string) bool {
		return strings.Contains(n, `"n"`) && strings.Contains(n, "before") && strings.Contains(n, "publishes it as required")
	}) {
		t.Errorf("notes %q: want one about n, which may be null, before required b", notes)
	}
	// Either way, a required param after an optional one moves before it by position.
	if !slices.ContainsFunc(notes, func(n string) bool {
		return strings.HasPrefix(n, "/methods/2/params/1/") && strings.Contains(n, `required param "b" comes after an optional one`)
	}) {
		t.Errorf("notes %q: want one about named's b, after optional a", notes)
	}
	if slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, `"z"`) }) {
		t.Errorf("notes %q: a by-name method's order is no position", notes)
	}
}

// TestByPositionStandIn generates by-position methods with optional params that can be
// unset before a set one, and checks what each is sent as: the document's default (as raw
// JSON, when its schema accepts it), nothing added for one that may be null (an unset
// field encodes as null), and an error naming the method and the param, returned before
// anything is sent, for one that has neither. A method whose optional params all may be
// null, and a by-name one, keep their code.
func TestByPositionStandIn(t *testing.T) {
	doc := `{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
		{"name": "page", "paramStructure": "by-position", "params": [
			{"name": "a", "required": true, "schema": {"type": "integer"}},
			{"name": "limit", "schema": {"type": "integer", "default": 10}},
			{"name": "sep", "schema": {"type": "string", "default": "` + "`,`" + `"}},
			{"name": "cursor", "schema": {"type": ["string", "null"]}},
			{"name": "bad", "schema": {"type": "integer", "default": "ten"}},
			{"name": "order", "schema": {"type": "string", "enum": ["asc", "desc"]}},
			{"name": "tag", "schema": {"type": "string"}}], "result": {"name": "r", "schema": {"type": "integer"}}},
		{"name": "nulls", "paramStructure": "by-position", "params": [
			{"name": "x", "schema": {"type": ["integer", "null"]}},
			{"name": "y", "schema": {"type": "integer"}}]},
		{"name": "named", "params": [
			{"name": "order", "schema": {"type": "string"}},
			{"name": "tag", "schema": {"type": "string"}}], "result": {"name": "r", "schema": {"type": "integer"}}}
	]}`
	code, notes := generate(t, doc, false)
	for _, want := range []string{`
func (p PageParams) positional() ([]any, error) {
	params := []any{p.A, p.Limit, p.Sep, p.Cursor, p.Bad, p.Order, p.Tag}
	for len(params) > 1 && reflect.ValueOf(params[len(params)-1]).IsZero() {
		params = params[:len(params)-1]
	}
	if len(params) > 2 && reflect.ValueOf(params[1]).IsZero() {
		params[1] = json.RawMessage(` + "`10`" + `)
	}
	if len(params) > 3 && reflect.ValueOf(params[2]).IsZero() {
		params[2] = json.RawMessage("\"` + "`,`" + `\"")
	}
	if len(params) > 5 && reflect.ValueOf(params[4]).IsZero() {
		return nil, errors.New("page: Bad must be set when a later param is: the method takes its params by position, and param \"bad\" has no default and is not nullable")
	}
	if len(params) > 6 && reflect.ValueOf(params[5]).IsZero() {
		return nil, errors.New("page: Order must be set when a later param is: the method takes its params by position, and param \"order\" has no default and is not nullable")
	}
	return params, nil
}
`, `
// It returns an error and sends nothing when params.Bad or params.Order is unset while a
// later param is set: the method takes its params by position, and no default or null can
// stand in for it.
func (c *Client) Page(ctx context.Context, params PageParams) (int64, error) {
	var result int64
	args, err := params.positional()
	if err != nil {
		return result, err
	}
	err = c.rpc.Call(ctx, "page", args, &result)
	return result, wrapError(err)
}
`, `
func (p NullsParams) positional() []any {
	params := []any{p.X, p.Y}
	for len(params) > 0 && reflect.ValueOf(params[len(params)-1]).IsZero() {
		params = params[:len(params)-1]
	}
	return params
}
`, `
	return wrapError(c.rpc.Notify(ctx, "nulls", params.positional()))
`, `
	err := c.rpc.Call(ctx, "named", params, &result)
`} {
		if !strings.Contains(code, want) {
			t.Errorf("no\n%s\nin\n%s", want, code)
		}
	}
	if strings.Contains(code, "NamedParams) positional") {
		t.Error("a by-name method has a positional method")
	}
	if want := []string{`/methods/0/params/4/schema: the default of param "bad" is no value of its schema: the client refuses a call leaving it unset before a set param`}; !slices.Equal(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}
