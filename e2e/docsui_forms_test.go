package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openrpc-go/openrpc/docsui"
	"github.com/openrpc-go/openrpc/internal/exampletest"
)

// startExample builds and runs one of the example commands (examples/NAME) on 127.0.0.1,
// with env added to the environment, and returns its base URL.
func startExample(t *testing.T, name string, env []string, args ...string) string {
	t.Helper()
	return exampletest.Start(t, name, env, args...)
}

// TestDocsUI_SpecExample drives the page examples/spec serves at "/": by-name and
// variadic calls, an example put into the form, and a notification.
func TestDocsUI_SpecExample(t *testing.T) {
	b := newBrowser(t)
	base := startExample(t, "spec", nil)
	b.viewport(t, 1400, 900, false)
	b.do(t, "open the page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#method-subtract`)))
	if n := eval[int](t, b, `document.querySelectorAll('article.method').length`); n != 9 {
		t.Errorf("the page shows %d methods, want 9 (with ticker and ticker_unsubscribe)", n)
	}
	result := func(m string) string {
		t.Helper()
		b.waitFor(t, m+"'s response", `document.querySelector('#method-`+m+` .response .status')`)
		return eval[string](t, b, `(document.querySelector('#method-`+m+` .response-body') || {}).textContent || document.querySelector('#method-`+m+` .response .status').textContent`)
	}

	b.do(t, "subtract 23 from 42",
		chromedp.Click(chromedp.CSS(`#method-subtract .try-toggle`)),
		chromedp.SendKeys(chromedp.CSS(`#method-subtract [data-path="/minuend"]`), "42"),
		chromedp.SendKeys(chromedp.CSS(`#method-subtract [data-path="/subtrahend"]`), "23"),
		chromedp.Click(chromedp.CSS(`#method-subtract button.send`)))
	if r := result("subtract"); !strings.Contains(r, `"result": 19`) {
		t.Errorf("subtract: got %s, want 19", r)
	}

	b.do(t, "sum 1, 2 and 4",
		chromedp.Click(chromedp.CSS(`#method-sum .try-toggle`)),
		chromedp.Click(chromedp.CSS(`#method-sum .add-item`)),
		chromedp.SendKeys(chromedp.CSS(`#method-sum [data-path="/numbers/0"]`), "1"),
		chromedp.Click(chromedp.CSS(`#method-sum .add-item`)),
		chromedp.SendKeys(chromedp.CSS(`#method-sum [data-path="/numbers/1"]`), "2"),
		chromedp.Click(chromedp.CSS(`#method-sum .add-item`)),
		chromedp.SendKeys(chromedp.CSS(`#method-sum [data-path="/numbers/2"]`), "4"),
		chromedp.Click(chromedp.CSS(`#method-sum button.send`)))
	if r := result("sum"); !strings.Contains(r, `"result": 7`) {
		t.Errorf("sum: got %s, want 7", r)
	}

	b.do(t, "add with the documented example",
		chromedp.Click(chromedp.CSS(`#method-add .example button`)),
		chromedp.Click(chromedp.CSS(`#method-add button.send`)))
	if r := result("add"); !strings.Contains(r, `"result": 5`) {
		t.Errorf("add: got %s, want 5", r)
	}

	b.do(t, "notify_hello",
		chromedp.Click(chromedp.CSS(`#method-notify_hello .try-toggle`)),
		chromedp.Click(chromedp.CSS(`#method-notify_hello button.send`)))
	if r := result("notify_hello"); r != "Notification sent" {
		t.Errorf("notify_hello: got %q, want Notification sent", r)
	}

	// Search narrows the methods.
	b.do(t, "search", chromedp.SendKeys(chromedp.CSS(`#search`), "notify"))
	if n := eval[int](t, b, `document.querySelectorAll('article.method:not([hidden])').length`); n != 2 {
		t.Errorf("searching notify shows %d methods, want notify_hello and notify_sum", n)
	}
	b.screenshot(t, "docsui-spec-1400-search", false)
	b.checkNoProblems(t)
}

// TestDocsUI_Forms renders the kitchen-sink document, whose params use every schema shape
// the framework generates, fills the generated form, checks that the page refuses invalid
// values before sending, and checks the params it sends.
func TestDocsUI_Forms(t *testing.T) {
	b := newBrowser(t)
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", "kitchensink.openrpc.golden"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openrpc.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	})
	// Answer as the framework does for a param it refuses.
	rpc, sent := recordCalls(`"error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/name","message":"name is taken (from the server)"}]}}`)
	mux.Handle("POST /rpc", rpc)
	mux.Handle("/docs/", http.StripPrefix("/docs", docsui.NewHandler(&docsui.Options{Endpoint: "/rpc", Title: "Kitchen sink"})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	b.viewport(t, 1400, 900, false)
	b.do(t, "open the page", chromedp.Navigate(srv.URL+"/docs/"), chromedp.WaitVisible(chromedp.CSS(`article[data-method="people.create"]`)))
	const m = `article[data-method="people.create"]`
	in := func(path string) chromedp.CSS { return chromedp.CSS(m + ` [data-path="` + path + `"]`) }
	b.do(t, "fill people.create with invalid values",
		chromedp.Click(chromedp.CSS(m+` .try-toggle`)),
		chromedp.SendKeys(in("/createdBy"), "admin"),
		chromedp.SendKeys(in("/name"), "Ann"),
		chromedp.SendKeys(in("/email"), "not-an-email"),
		chromedp.SendKeys(in("/age"), "12"),
		chromedp.SendKeys(in("/tags/0"), "a-very-long-tag"),
		chromedp.SendKeys(in("/home/street"), "1 Main St"),
		chromedp.SendKeys(in("/home/zip"), "1234"),
		chromedp.Click(chromedp.CSS(m+` button.send`)))
	b.waitFor(t, "inline errors", `!document.querySelector('`+m+` .form-errors').hidden`)
	errs := eval[[]string](t, b, `[...document.querySelectorAll('`+m+` .form-field.has-error')].map(f => f.dataset.field)`)
	for _, want := range []string{"/name", "/email", "/age", "/tags/0", "/home/zip"} {
		if !strings.Contains(strings.Join(errs, " "), want) {
			t.Errorf("no inline error at %s; errors at %v", want, errs)
		}
	}
	select {
	case p := <-sent:
		t.Fatalf("invalid params were sent: %s", p)
	default:
	}
	b.screenshot(t, "docsui-forms-1400-errors", false)

	// Fix the values, add a tag, include optional params.
	b.do(t, "fix people.create",
		clearInput(in("/name")), chromedp.SendKeys(in("/name"), "ann"),
		clearInput(in("/email")), chromedp.SendKeys(in("/email"), "ann@example.com"),
		clearInput(in("/age")), chromedp.SendKeys(in("/age"), "30"),
		clearInput(in("/tags/0")), chromedp.SendKeys(in("/tags/0"), "x"),
		chromedp.Click(chromedp.CSS(m+` [data-field="/tags"] .add-item`)),
		chromedp.SendKeys(in("/tags/1"), "y"),
		clearInput(in("/home/zip")), chromedp.SendKeys(in("/home/zip"), "12345"),
		// color: an enum, as a select.
		chromedp.Click(chromedp.CSS(m+` [data-field="/color"] .toggle input`)),
		chromedp.SetValue(in("/color"), "1"),
		// work: a nullable object, sent as null.
		chromedp.Click(chromedp.CSS(m+` [data-field="/work"] .toggle input`)),
		chromedp.Click(chromedp.CSS(m+` [data-field="/work"] .field-line > .toggle:nth-of-type(2) input`)),
		// big: an int64 beyond 2^53, sent exactly.
		chromedp.Click(chromedp.CSS(m+` [data-field="/big"] .toggle input`)),
		chromedp.SendKeys(in("/big"), "9007199254740993"),
		// anything: raw JSON.
		chromedp.Click(chromedp.CSS(m+` [data-field="/anything"] .toggle input`)),
		chromedp.SendKeys(in("/anything"), `{"k": [1, true]}`),
		chromedp.Click(chromedp.CSS(m+` button.send`)))
	var got json.RawMessage
	select {
	case got = <-sent:
	case <-time.After(10 * time.Second):
		b.failureScreenshot(t)
		t.Fatalf("people.create was not sent; form errors: %v", eval[string](t, b, `document.querySelector('`+m+` .form-errors').textContent`))
	}
	want := `{"createdBy":"admin","name":"ann","email":"ann@example.com","age":30,"tags":["x","y"],"big":9007199254740993,"home":{"street":"1 Main St","zip":"12345"},"work":null,"color":"green","anything":{"k":[1,true]}}`
	if !jsonEqual(t, got, want) {
		t.Errorf("params sent:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(string(got), "9007199254740993") {
		t.Errorf("the int64 param lost precision: %s", got)
	}
	// The server's -32602 is shown next to the field it names.
	b.waitFor(t, "the server's error at /name", `document.querySelector('`+m+` [data-field="/name"]').classList.contains('has-error')`)
	b.do(t, "scroll to the form", chromedp.ScrollIntoView(chromedp.CSS(m+` [data-field="/home"]`)))
	b.screenshot(t, "docsui-forms-1400", false)
	b.checkNoProblems(t)
}

// recordCalls returns a JSON-RPC endpoint that sends the params of each call to the channel
// (which holds a few) and answers with reply, the members of the response but jsonrpc and
// id: `"result":true`; a notification gets 204 and no body.
func recordCalls(reply string) (http.Handler, <-chan json.RawMessage) {
	sent := make(chan json.RawMessage, 8)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Params json.RawMessage `json:"params"`
			ID     json.RawMessage `json:"id"`
		}
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case sent <- req.Params:
		default:
		}
		if req.ID == nil {
			w.WriteHeader(http.StatusNoContent) // a notification
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"jsonrpc":"2.0",`+reply+`,"id":`+string(req.ID)+`}`)
	}), sent
}

// jsonEqual compares two JSON texts by value, with numbers as written.
func jsonEqual(t *testing.T, got json.RawMessage, want string) bool {
	t.Helper()
	norm := func(b []byte) any {
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("bad JSON %s: %v", b, err)
		}
		return v
	}
	g, _ := json.Marshal(norm(got))
	w, _ := json.Marshal(norm([]byte(want)))
	return string(g) == string(w)
}
