package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/schemacheck"
	"github.com/openrpc-go/openrpc/internal/docmodel"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// documents are the documents every test serves: the @open-rpc/examples, the framework's
// golden documents and those of the example services.
func documents(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, g := range []string{"../../../../e2e/testdata/open-rpc-examples/*.json", "../../../../testdata/*.openrpc.golden", "../../../../examples/*/testdata/*.openrpc.golden", "testdata/*.json"} {
		files, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimPrefix(f, "../../../../")] = b
		}
	}
	if len(out) < 13 {
		t.Fatalf("found %d documents, want the 6 examples, 6 golden documents and the recursive ones", len(out))
	}
	return out
}

// reply is a JSON-RPC response.
type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// post sends body to url and returns the status and the reply's bytes.
func post(t *testing.T, url, body string) (int, []byte) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

func call(t *testing.T, url, method string, params any) reply {
	t.Helper()
	msg := map[string]any{"jsonrpc": "2.0", "id": 1, "method": method}
	if params != nil {
		msg["params"] = params
	}
	body, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	status, b := post(t, url, string(body))
	var r reply
	if err := json.Unmarshal(b, &r); err != nil || status != http.StatusOK {
		t.Fatalf("%s: status %d, reply %s (%v)", method, status, b, err)
	}
	return r
}

func serve(t *testing.T, raw []byte) (*Mock, string) {
	t.Helper()
	mk, err := New(raw, &Options{EventInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rpchttp.NewHandler(mk.Server, nil))
	t.Cleanup(srv.Close)
	return mk, srv.URL
}

// validParams generates params that fit m: each param's value from its schema, by name
// unless the method takes them by position.
func validParams(t *testing.T, doc *docmodel.Document, m *docmodel.Method) any {
	t.Helper()
	named := map[string]json.RawMessage{}
	var list []json.RawMessage
	for _, cd := range m.Params {
		v, err := Generate(doc, cd.Schema, m.Name+"/"+cd.Name)
		if err != nil {
			t.Fatalf("%s: param %s: %v", m.Name, cd.Name, err)
		}
		named[cd.Name] = v
		list = append(list, v)
	}
	if m.ParamStructure == "by-position" {
		return list
	}
	return named
}

func TestMock_documents(t *testing.T) {
	for name, raw := range documents(t) {
		t.Run(name, func(t *testing.T) {
			mk, url := serve(t, raw)
			for _, n := range mk.Notes {
				t.Errorf("note: %s", n)
			}
			check, err := schemacheck.New(raw)
			if err != nil {
				t.Fatal(err)
			}
			// rpc.discover returns the document as given.
			r := call(t, url, "rpc.discover", nil)
			if !bytes.Equal(r.Result, bytes.TrimSpace(raw)) && !jsonEqual(t, r.Result, raw) {
				t.Errorf("rpc.discover returned another document")
			}
			for _, m := range mk.Doc.Methods {
				if m.Result == nil {
					status, b := post(t, url, fmt.Sprintf(`{"jsonrpc":"2.0","method":%q,"params":%s}`, m.Name, mustJSON(t, validParams(t, mk.Doc, m))))
					if status != http.StatusNoContent || len(b) != 0 {
						t.Errorf("%s: notification answered %d %s", m.Name, status, b)
					}
					continue
				}
				schema, err := check.Compile(m.Result.Pointer)
				if err != nil {
					t.Fatal(err)
				}
				if unsub, ok := m.Subscription(); ok && unsub == m.Name+openrpc.UnsubscribeSuffix {
					checkSubscription(t, url, check, mk.Doc, m)
					continue
				}
				r := call(t, url, m.Name, validParams(t, mk.Doc, m))
				if r.Error != nil {
					t.Errorf("%s: error %d %s %s", m.Name, r.Error.Code, r.Error.Message, r.Error.Data)
					continue
				}
				if p := schema.Validate(r.Result); len(p) > 0 {
					t.Errorf("%s: result %s does not satisfy its schema: %v", m.Name, r.Result, p)
				}
				// The same call gets the same answer.
				if again := call(t, url, m.Name, validParams(t, mk.Doc, m)); !bytes.Equal(again.Result, r.Result) {
					t.Errorf("%s: answered %s, then %s", m.Name, r.Result, again.Result)
				}
				checkExamples(t, url, m)
				checkBadParams(t, url, m)
			}
		})
	}
}

// checkSubscription subscribes to m over WebSocket and wants events that satisfy the event
// schema, then unsubscribes.
func checkSubscription(t *testing.T, url string, check *schemacheck.Document, doc *docmodel.Document, m *docmodel.Method) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	schema, err := check.Compile(m.Pointer + "/x-subscription/event")
	if err != nil {
		t.Fatal(err)
	}
	c, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(url, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sub, err := openrpc.Subscribe[json.RawMessage](ctx, c, m.Name, validParams(t, doc, m))
	if err != nil {
		t.Fatalf("%s: %v", m.Name, err)
	}
	n := 0
	for ev, err := range sub.Events() {
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if p := schema.Validate(ev); len(p) > 0 {
			t.Errorf("%s: event %s does not satisfy its schema: %v", m.Name, ev, p)
		}
		if n++; n == 3 {
			break
		}
	}
	t.Logf("%s: %d events", m.Name, n)
	if err := sub.Unsubscribe(ctx); err != nil {
		t.Errorf("%s: unsubscribe: %v", m.Name, err)
	}
	// Over HTTP POST, a subscription is refused: it needs a connection.
	if r := call(t, url, m.Name, validParams(t, doc, m)); r.Error == nil || r.Error.Code != -32600 {
		t.Errorf("%s over HTTP: %s", m.Name, mustJSON(t, r))
	}
}

// checkExamples calls m with each example pairing's params, by position, and wants the
// pairing's result.
func checkExamples(t *testing.T, url string, m *docmodel.Method) {
	t.Helper()
	for _, ex := range m.Examples {
		if ex.Result == nil || len(ex.Params) > len(m.Params) {
			continue
		}
		byName := true
		for _, p := range ex.Params {
			byName = byName && hasParam(m, p.Name)
		}
		list := []json.RawMessage{}
		named := map[string]json.RawMessage{}
		for i, p := range ex.Params {
			list = append(list, p.Value)
			if byName {
				named[p.Name] = p.Value
			} else {
				named[m.Params[i].Name] = p.Value
			}
		}
		missing := false
		for _, cd := range m.Params {
			if _, ok := named[cd.Name]; cd.Required && !ok {
				missing = true
			}
		}
		if missing {
			t.Logf("%s: example %q lacks required params: not a call the mock can answer", m.Name, ex.Name)
			continue
		}
		var params any = list
		if m.ParamStructure == "by-name" || byName && len(named) > 0 {
			params = named
		}
		if len(ex.Params) == 0 {
			params = nil
		}
		r := call(t, url, m.Name, params)
		if r.Error != nil {
			t.Errorf("%s: example %q: error %d %s %s", m.Name, ex.Name, r.Error.Code, r.Error.Message, r.Error.Data)
			continue
		}
		if !jsonEqual(t, r.Result, ex.Result.Value) {
			t.Errorf("%s: example %q: result %s, want %s", m.Name, ex.Name, r.Result, ex.Result.Value)
		}
	}
}

// checkBadParams wants -32602 with the offending param's path for an unknown param and for
// a missing required one.
func checkBadParams(t *testing.T, url string, m *docmodel.Method) {
	t.Helper()
	var calls []struct {
		params any
		path   string
	}
	if m.ParamStructure != "by-position" {
		calls = append(calls, struct {
			params any
			path   string
		}{map[string]any{"zz_unknown": 1}, "/zz_unknown"})
	}
	for _, cd := range m.Params {
		if cd.Required {
			calls = append(calls, struct {
				params any
				path   string
			}{[]any{}, "/" + cd.Name})
			if m.ParamStructure == "by-name" {
				calls[len(calls)-1].params = map[string]any{}
			}
			break
		}
	}
	for _, c := range calls {
		r := call(t, url, m.Name, c.params)
		if r.Error == nil || r.Error.Code != -32602 {
			t.Errorf("%s(%v): got %s, want -32602", m.Name, c.params, mustJSON(t, r))
			continue
		}
		var data struct {
			Errors []struct{ Path, Message string }
		}
		if err := json.Unmarshal(r.Error.Data, &data); err != nil || len(data.Errors) == 0 {
			t.Errorf("%s: data %s: %v", m.Name, r.Error.Data, err)
			continue
		}
		found := false
		for _, e := range data.Errors {
			found = found || e.Path == c.path
		}
		if !found {
			t.Errorf("%s(%v): problems %s, want one at %s", m.Name, c.params, r.Error.Data, c.path)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	x, err1 := decode(a)
	y, err2 := decode(b)
	return err1 == nil && err2 == nil && equalJSON(x, y)
}

// BenchmarkMock_call measures one call through the server: params checked against their
// schemas, the example pairings compared, the result sent.
func BenchmarkMock_call(b *testing.B) {
	raw, err := os.ReadFile("../../../../e2e/testdata/open-rpc-examples/petstore-expanded-openrpc.json")
	if err != nil {
		b.Fatal(err)
	}
	mk, err := New(raw, &Options{EventInterval: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte(`{"jsonrpc":"2.0","id":1,"method":"get_pets","params":[["cat","dog"],10]}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if reply := mk.Server.Process(ctx, msg); !bytes.Contains(reply, []byte(`"result"`)) {
			b.Fatalf("%s", reply)
		}
	}
}

// BenchmarkNew measures building the mock of a document: parsing, compiling the param
// schemas, generating and checking every result.
func BenchmarkNew(b *testing.B) {
	raw, err := os.ReadFile("../../../../testdata/kitchensink.openrpc.golden")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(raw, &Options{EventInterval: time.Millisecond}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMock_concurrent calls the mock from several clients at once, single calls and
// batches, with examples and generated results: the same answers, and no data race under
// -race.
func TestMock_concurrent(t *testing.T) {
	raw, err := os.ReadFile("../../../../e2e/testdata/open-rpc-examples/petstore-openrpc.json")
	if err != nil {
		t.Fatal(err)
	}
	mk, url := serve(t, raw)
	want := string(mk.Result("list_pets"))
	body := `[{"jsonrpc":"2.0","id":1,"method":"list_pets","params":[]},{"jsonrpc":"2.0","id":2,"method":"get_pet","params":[7]},{"jsonrpc":"2.0","id":3,"method":"list_pets","params":["x"]}]`
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				res, err := http.Post(url, "application/json", strings.NewReader(body))
				if err != nil {
					errs <- err.Error()
					return
				}
				var replies []struct {
					ID     int             `json:"id"`
					Result json.RawMessage `json:"result"`
					Error  *struct{ Code int }
				}
				err = json.NewDecoder(res.Body).Decode(&replies)
				res.Body.Close()
				if err != nil || len(replies) != 3 {
					errs <- fmt.Sprintf("batch: %d replies, %v", len(replies), err)
					return
				}
				for _, r := range replies {
					switch {
					case r.ID == 1 && compactJSON(r.Result) != compactJSON([]byte(want)),
						r.ID == 2 && r.Result == nil,
						r.ID == 3 && (r.Error == nil || r.Error.Code != -32602):
						errs <- fmt.Sprintf("reply %d: %s %+v", r.ID, r.Result, r.Error)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func compactJSON(b []byte) string {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return string(b)
	}
	return out.String()
}

// TestMock_boundsResults: the results and events a mock keeps for a document of many
// methods with large values stay within its bound (maxMockBytes, 64 MiB: 80 results of 1
// MiB took 80 MiB, a short document could ask for gigabytes); the methods past it answer
// null, with a note.
func TestMock_boundsResults(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"methods":[`)
	const n, bound = 8, 4 << 20
	for i := range n {
		fmt.Fprintf(&b, `{"name":"m%d","params":[],"result":{"name":"r","schema":{"type":"string","minLength":1048576}}},`, i)
	}
	b.WriteString(`{"name":"s","params":[],"result":{"name":"id","schema":{"type":"string"}},
		"x-subscription":{"unsubscribe":"s_unsubscribe","event":{"type":"string","minLength":1048576}}}]}`)
	mk, err := New([]byte(b.String()), &Options{bytes: bound})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for i := range n {
		total += len(mk.Result(fmt.Sprintf("m%d", i)))
	}
	for _, ev := range mk.methods["s"].events {
		total += len(ev)
	}
	if total > bound {
		t.Errorf("the mock keeps %d bytes of results and events, over %d", total, bound)
	}
	if !strings.Contains(strings.Join(mk.Notes, "\n"), "bytes") {
		t.Errorf("no note says results were left out: %q", mk.Notes)
	}
}

// TestMock_boundsSteps: generating the results of all methods together visits a bounded
// number of schemas: a 21 KB document of 200 methods whose results take 200000 schemas
// each, and never validate (8 tries each), kept the mock from starting for 12 minutes. The
// methods past the bound answer null, with a note.
func TestMock_boundsSteps(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"methods":[`)
	const n = 10
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"m%d","params":[],"result":{"name":"r","schema":{"$ref":"#/components/schemas/Big"}}}`, i)
	}
	b.WriteString(`],"components":{"schemas":{"Big":{"type":"array","minItems":10000,"not":{},
		"items":{"type":"array","minItems":20,"items":{"type":"integer"}}}}}}`)
	mk, err := New([]byte(b.String()), &Options{steps: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	null := 0
	for i := range n {
		if string(mk.Result(fmt.Sprintf("m%d", i))) == "null" {
			null++
		}
	}
	if null < n-2 {
		t.Errorf("%d methods of %d answer null; want all but the first one or two (200000 schemas each, 8 tries, %d in all)", null, n, 1<<20)
	}
}
