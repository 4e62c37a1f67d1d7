package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openrpc-go/openrpc/docsui"
)

// thirdPartyDir holds the six service descriptions of the npm package @open-rpc/examples
// (see its README.md).
const thirdPartyDir = "testdata/open-rpc-examples"

// docPage serves doc on the documentation page, through docsui.NewHandler's Document
// option, at /docs/ of a test server whose /rpc endpoint records the params of each call
// and answers with a result.
func docPage(t *testing.T, doc []byte, title string) (page string, sent <-chan json.RawMessage) {
	t.Helper()
	rpc, sent := recordCalls(`"result":true`)
	mux := http.NewServeMux()
	mux.Handle("POST /rpc", rpc)
	mux.Handle("/docs/", http.StripPrefix("/docs", docsui.NewHandler(&docsui.Options{Document: doc, Endpoint: "/rpc", Title: title})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/docs/", sent
}

// openDocPage opens page and waits until it shows the document (or fails with the page's
// load error).
func openDocPage(t *testing.T, b *browser, page string) {
	t.Helper()
	b.do(t, "open the page", chromedp.Navigate(page))
	b.waitFor(t, "the document rendered", `document.querySelector('#methods, .load-error')`)
	if msg := eval[string](t, b, `(document.querySelector('.load-error') || {}).textContent || ''`); msg != "" {
		b.failureScreenshot(t)
		t.Fatalf("the page could not load the document: %s%s", msg, b.problemReport())
	}
}

// checkNoStrayText fails the test when the page shows "null", "undefined", "NaN" or
// "[object Object]" where it should show nothing: in any text (the closed Try it panels
// included) or in an attribute people read (title, placeholder, aria-label, value, href).
// allow lists the JSON-like texts the document itself puts on the page, such as a type
// named "null".
func checkNoStrayText(t *testing.T, b *browser, words []string, allow ...string) {
	t.Helper()
	texts := eval[[]string](t, b, `(() => {
		const out = [];
		const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n; (n = walk.nextNode());) out.push(n.parentElement.tagName.toLowerCase() + ': ' + n.data);
		for (const el of document.body.querySelectorAll('*')) {
			for (const a of ['title', 'placeholder', 'aria-label', 'value', 'href', 'alt']) {
				if (el.hasAttribute(a)) out.push(el.tagName.toLowerCase() + '[' + a + ']: ' + el.getAttribute(a));
			}
		}
		return out;
	})()`)
	for _, s := range texts {
		if slices.Contains(allow, s) {
			continue
		}
		for _, w := range words {
			if containsWord(s, w) {
				t.Errorf("the page shows %q in %q", w, s)
			}
		}
	}
}

// containsWord tells whether w occurs in s with no letter or digit on either side.
func containsWord(s, w string) bool {
	isWordByte := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !isWordByte(s[j-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		i = j + 1
	}
}

// TestDocsUI_SparseDocuments renders documents that leave out every optional field of the
// OpenRPC specification, or give optional objects with only their required members, and one
// with values of the wrong types everywhere: the page shows no "null" or "undefined" where a
// field is absent, and throws nothing.
func TestDocsUI_SparseDocuments(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
	}{
		{"bare", `{
			"openrpc": "1.3.2",
			"info": {"title": "Bare", "version": "1"},
			"methods": [
				{"name": "ping", "params": [], "result": {"name": "pong", "schema": {}}},
				{"name": "echo", "params": [{"name": "text", "schema": {"type": "string"}}], "result": {"name": "text", "schema": {"type": "string"}}},
				{"name": "fire", "params": [{"name": "what", "schema": {}}]},
				{"name": "poke", "params": []}
			]
		}`},
		{"sparse objects", `{
			"openrpc": "1.2.6",
			"info": {"title": "Sparse", "version": "1", "contact": {}, "license": {"name": "MIT"}},
			"servers": [{"url": "http://127.0.0.1:1/rpc"}, {"url": "/rpc", "variables": {"v": {"default": "x"}}}],
			"externalDocs": {"url": "https://example.com/docs"},
			"methods": [
				{"name": "a", "tags": [{"name": "t"}, {"$ref": "#/components/tags/u"}], "params": [{"$ref": "#/components/contentDescriptors/p"}, {"name": "q", "schema": {"$ref": "#/components/schemas/Q"}}],
				 "result": {"$ref": "#/components/contentDescriptors/r"},
				 "errors": [{"code": 1, "message": "one"}, {"$ref": "#/components/errors/E"}],
				 "examples": [{"name": "ex", "params": []}, {"name": "ex2", "params": [{"$ref": "#/components/examples/two"}], "result": {"$ref": "#/components/examples/two"}}],
				 "links": [{"name": "l"}, {"$ref": "#/components/links/L"}],
				 "externalDocs": {"url": "https://example.com/a"},
				 "servers": [{"url": "http://127.0.0.1:1/a"}],
				 "x-security": {"Bearer": [], "Key": ["s"]}},
				{"$ref": "#/components/methods/missing"},
				{"name": "b", "params": [{"name": "obj", "required": true, "schema": {"type": "object", "properties": {"x": {}, "y": {"type": "array", "items": {}}}}}], "result": {"name": "r", "schema": {"type": "object"}}, "deprecated": true}
			],
			"components": {
				"contentDescriptors": {"p": {"name": "p", "schema": {"type": "integer"}}, "r": {"name": "r", "schema": {"$ref": "#/components/schemas/Q"}}},
				"schemas": {"Q": {"type": "object", "properties": {"n": {"type": "number"}}}, "Bare": {}},
				"errors": {"E": {"code": 2, "message": "two"}},
				"examples": {"two": {"name": "two", "value": 2}},
				"links": {"L": {"name": "L"}},
				"tags": {"u": {"name": "u"}},
				"x-securitySchemes": {"Bearer": {"type": "http", "scheme": "bearer"}, "Key": {"type": "apiKey", "in": "header", "name": "X-Key"}, "Odd": {}}
			}
		}`},
		{"wrong types", `{
			"openrpc": 3,
			"info": {"title": {"text": "Odd"}, "version": 2, "description": ["x"], "contact": "me", "license": {"name": 5}, "termsOfService": {}},
			"servers": "http://127.0.0.1:1",
			"externalDocs": {"url": 5},
			"methods": [null, {"name": 5}, {"name": "ok", "summary": {}, "description": [], "params": {"a": 1}, "result": 5,
				"errors": [null, {"code": "x"}], "examples": {}, "tags": "t", "links": [5, {"method": 7, "params": "p"}], "externalDocs": {"url": 5},
				"servers": [{"url": 1}], "paramStructure": 1, "x-security": []},
				{"name": "odd", "params": [null, 3, {"name": {}, "schema": {"type": 5, "properties": [], "enum": {}}}, {"name": "p", "schema": {"allOf": [{"$ref": "#/components/schemas/Loop"}]}}],
				 "examples": [{"name": [], "params": [null, {"name": "p"}], "result": 4}], "x-security": {"S": "scope"}}
			],
			"components": {"schemas": {"Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}]}}, "x-securitySchemes": {"S": 5, "T": {"type": "apiKey"}}}
		}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t)
			page, sent := docPage(t, []byte(tt.doc), "")
			b.viewport(t, 1400, 900, false)
			openDocPage(t, b, page)
			if tt.name == "bare" {
				// A call's response, and a notification's empty one, add nothing stray.
				for _, m := range []string{"ping", "poke"} {
					b.do(t, "send "+m, chromedp.Click(chromedp.CSS(`#method-`+m+` .try-toggle`)), chromedp.Click(chromedp.CSS(`#method-`+m+` button.send`)))
					receive(t, b, sent, m)
				}
			}
			b.do(t, "open every Try it panel", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.try-toggle').forEach(b => b.click())`))
			b.do(t, "include every optional param", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.form-field.is-excluded > .field-line .toggle input').forEach(b => b.click())`))
			checkNoStrayText(t, b, []string{"null", "undefined", "NaN", "[object Object]"})
			b.do(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
			b.screenshot(t, "docsui-sparse-"+strings.ReplaceAll(tt.name, " ", "-"), true)
			b.checkNoProblems(t)
		})
	}
}

// TestThirdPartyDocuments_Unchanged checks the copies in testdata against the documents in
// ../shared/openrpc/examples beside the repository, when that folder is there (it is in CI):
// the copies are the project's documents as published, not edited to suit the page.
func TestThirdPartyDocuments_Unchanged(t *testing.T) {
	shared := filepath.Join(repoRoot(t), "..", "shared", "openrpc", "examples")
	originals, err := filepath.Glob(filepath.Join(shared, "*.json"))
	if err != nil || len(originals) == 0 {
		t.Skipf("no documents in %s to compare the copies with", shared)
	}
	for _, orig := range originals {
		want, err := os.ReadFile(orig)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(thirdPartyDir, filepath.Base(orig)))
		if err != nil {
			t.Errorf("%s is not copied into %s: %v", filepath.Base(orig), thirdPartyDir, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s/%s differs from %s", thirdPartyDir, filepath.Base(orig), orig)
		}
	}
}

// documentMethod is what the test reads of a method with Go, to compare with the page.
type documentMethod struct {
	Name   string
	Params []string // names, with $refs to content descriptors resolved
}

// readMethods parses the methods of an OpenRPC document, resolving local $refs.
func readMethods(t *testing.T, doc []byte) []documentMethod {
	t.Helper()
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	deref := func(v any) map[string]any {
		for range 8 {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			ref, ok := m["$ref"].(string)
			if !ok {
				return m
			}
			v = root
			for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
				obj, _ := v.(map[string]any)
				v = obj[part]
			}
		}
		return nil
	}
	var out []documentMethod
	methods, _ := root.(map[string]any)["methods"].([]any)
	for _, mv := range methods {
		m := deref(mv)
		if m == nil {
			t.Fatalf("a method does not resolve: %v", mv)
		}
		dm := documentMethod{Name: m["name"].(string)}
		params, _ := m["params"].([]any)
		for _, pv := range params {
			p := deref(pv)
			if p == nil {
				t.Fatalf("method %s: a param does not resolve: %v", dm.Name, pv)
			}
			dm.Params = append(dm.Params, p["name"].(string))
		}
		out = append(out, dm)
	}
	return out
}

// TestDocsUI_ThirdPartyDocuments renders the service descriptions of @open-rpc/examples,
// documents written by the OpenRPC project (OpenRPC 1.0.0-rc1, $refs to content
// descriptors, schemas, examples and links, by-position and by-name params): each loads
// without a script error, shows every method with a link in the contents, and builds a Try
// it form with an input for every param.
func TestDocsUI_ThirdPartyDocuments(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(thirdPartyDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 6 {
		t.Fatalf("%s holds %d documents, want the 6 of @open-rpc/examples", thirdPartyDir, len(files))
	}
	screenshots := map[string]string{ // document -> method to show with its form open
		"simple-math-openrpc.json":       "addition",
		"petstore-openrpc.json":          "get_pet",
		"petstore-expanded-openrpc.json": "create_pet",
		"link-example-openrpc.json":      "get_user_by_name",
		"api-with-examples-openrpc.json": "get_version_details",
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, "-openrpc.json"), func(t *testing.T) {
			doc, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			methods := readMethods(t, doc)
			b := newBrowser(t)
			page, sent := docPage(t, doc, "")
			b.viewport(t, 1400, 900, false)
			openDocPage(t, b, page)

			got := eval[[]string](t, b, `[...document.querySelectorAll('article.method')].map(a => a.dataset.method)`)
			var want []string
			for _, m := range methods {
				want = append(want, m.Name)
			}
			if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
				t.Errorf("methods on the page: %v, want those of the document: %v", got, want)
			}
			for _, m := range methods {
				card := `article.method[data-method="` + m.Name + `"]`
				if n := eval[int](t, b, `document.querySelectorAll('#nav a[href="#method-`+m.Name+`"]').length`); n != 1 {
					t.Errorf("links to %s in the contents: got %d, want 1", m.Name, n)
				}
				b.do(t, "open the Try it form of "+m.Name,
					chromedp.Evaluate[chromedp.Void](`document.querySelector('`+card+` .try-toggle').click()`),
					chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('`+card+` .try-fields > .form-field.is-excluded > .field-line .toggle input').forEach(b => b.click())`),
					chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('`+card+` .try-fields .add-item, `+card+` .try-fields .add-entry').forEach(b => b.click())`))
				for _, p := range m.Params {
					field := card + ` .try-fields > .form-field[data-field="/` + p + `"]`
					inputs := eval[int](t, b, `(f => f ? f.querySelectorAll('.control input, .control select, .control textarea, .control button.add-item, .control button.add-entry').length : -1)(document.querySelector(`+strconv.Quote(field)+`))`)
					switch {
					case inputs < 0:
						t.Errorf("%s: no form field for param %s", m.Name, p)
					case inputs == 0:
						t.Errorf("%s: the form field of param %s has no input", m.Name, p)
					}
				}
				if n := eval[int](t, b, `document.querySelectorAll('`+card+` .try-fields > .form-field').length`); n != len(m.Params) {
					t.Errorf("%s: %d form fields, want one for each of its params %v", m.Name, n, m.Params)
				}
			}
			checkNoStrayText(t, b, []string{"undefined", "NaN", "[object Object]"})
			if check := thirdPartyChecks[name]; check != nil {
				check(t, b, sent)
			}
			if m, ok := screenshots[name]; ok {
				shot := "docsui-thirdparty-" + strings.TrimSuffix(name, "-openrpc.json")
				b.do(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
				b.screenshot(t, shot+"-top", false)
				b.screenshot(t, shot+"-full", true)
				b.do(t, "follow the link to "+m, chromedp.Evaluate[chromedp.Void](`location.hash = '#method-`+m+`'`))
				b.screenshot(t, shot+"-"+m, false)
			}
			// The whole page at a desktop's width and a phone's: nothing wider than the window.
			for _, width := range []int64{1400, 390} {
				b.viewport(t, width, 900, width < 500)
				b.do(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
				b.screenshot(t, "docsui-thirdparty-"+strings.TrimSuffix(name, "-openrpc.json")+"-"+strconv.FormatInt(width, 10), true)
				checkFits(t, b, width)
			}
			b.checkNoProblems(t)
		})
	}
}

// sendExample puts the example at index i of a method into its form, sends it, and
// returns the params the endpoint received.
func sendExample(t *testing.T, b *browser, sent <-chan json.RawMessage, method string, i int) json.RawMessage {
	t.Helper()
	card := `article.method[data-method="` + method + `"]`
	b.do(t, "send "+method+"'s example "+strconv.Itoa(i),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('`+card+` .example button')[`+strconv.Itoa(i)+`].click()`),
		chromedp.Click(chromedp.CSS(card+` button.send`)))
	return receive(t, b, sent, method)
}

// receive returns the params of the next call the endpoint receives, once the page shows
// the response: until then the page's layout may still move.
func receive(t *testing.T, b *browser, sent <-chan json.RawMessage, method string) json.RawMessage {
	t.Helper()
	select {
	case p := <-sent:
		b.waitFor(t, method+"'s response", `document.querySelector('article.method[data-method="`+method+`"] .response .status')`)
		return p
	case <-time.After(10 * time.Second):
		b.failureScreenshot(t)
		t.Fatalf("%s was not sent; form errors: %s", method, eval[string](t, b, `[...document.querySelectorAll('.form-errors')].map(e => e.textContent).join(' ')`))
		return nil
	}
}

// thirdPartyChecks go further into some of the third-party documents: examples whose
// params are $refs or named otherwise than the method's params, a param that is a $ref to a
// content descriptor, an allOf object schema, and links.
var thirdPartyChecks = map[string]func(t *testing.T, b *browser, sent <-chan json.RawMessage){
	"simple-math-openrpc.json": func(t *testing.T, b *browser, sent <-chan json.RawMessage) {

		// The example params are $refs to examples named "two" and "four": by position.
		for _, tt := range []struct {
			method string
			i      int
			want   string
		}{
			{"addition", 0, `{"a":2,"b":2}`},
			{"addition", 1, `{"a":4,"b":4}`},
			{"subtraction", 1, `{"a":8,"b":4}`},
		} {
			if got := sendExample(t, b, sent, tt.method, tt.i); !jsonEqual(t, got, tt.want) {
				t.Errorf("%s example %d sent params %s, want %s", tt.method, tt.i, got, tt.want)
			}
		}
		if n := eval[int](t, b, `document.querySelectorAll('article.method[data-method="addition"] .link a[href="#method-subtraction"]').length`); n != 1 {
			t.Errorf("addition's link to subtraction: %d links to the method, want 1", n)
		}
		// Last, as it leaves the page: without an endpoint option, calls go to the document's server, its ${variables}
		// replaced with their defaults.
		doc, err := os.ReadFile(filepath.Join(thirdPartyDir, "simple-math-openrpc.json"))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(docsui.NewHandler(&docsui.Options{Document: doc}))
		t.Cleanup(srv.Close)
		openDocPage(t, b, srv.URL+"/")
		if got, want := eval[string](t, b, `document.querySelector('.endpoint-input').value`), "http://demo.simple-math.example.org:443/jsonrpc/"; got != want {
			t.Errorf("endpoint %q, want the server's URL with its variables' defaults, %q", got, want)
		}
	},
	"petstore-openrpc.json": func(t *testing.T, b *browser, sent <-chan json.RawMessage) {
		// create_pet's example names its second param "tag", not "newPetTag": by position.
		if got, want := sendExample(t, b, sent, "create_pet", 0), `{"newPetName":"fluffy","newPetTag":"poodle"}`; !jsonEqual(t, got, want) {
			t.Errorf("create_pet example sent params %s, want %s", got, want)
		}
		// get_pet's param is a $ref to a content descriptor, whose schema is a $ref.
		if got, want := sendExample(t, b, sent, "get_pet", 0), `{"petId":7}`; !jsonEqual(t, got, want) {
			t.Errorf("get_pet example sent params %s, want %s", got, want)
		}
		if got := eval[string](t, b, `document.querySelector('article.method[data-method="get_pet"] .method-docs .field-name').textContent`); got != "petId" {
			t.Errorf("get_pet's param is shown as %q, want petId", got)
		}
	},
	"petstore-expanded-openrpc.json": func(t *testing.T, b *browser, sent <-chan json.RawMessage) {
		// NewPet is an object: its properties get inputs of their own.
		const card = `article.method[data-method="create_pet"]`
		b.do(t, "fill create_pet",
			chromedp.SendKeys(chromedp.CSS(card+` [data-path="/newPet/name"]`), "rex"),
			chromedp.Click(chromedp.CSS(card+` button.send`)))
		if got, want := receive(t, b, sent, "create_pet"), `{"newPet":{"name":"rex"}}`; !jsonEqual(t, got, want) {
			t.Errorf("create_pet sent params %s, want %s", got, want)
		}
		// Pet is allOf NewPet and an id: its card lists the three properties.
		got := eval[[]string](t, b, `[...document.querySelectorAll('#schema-Pet .field-name')].map(e => e.textContent)`)
		if want := []string{"name", "tag", "id"}; !slices.Equal(got, want) {
			t.Errorf("the Pet schema shows properties %v, want %v", got, want)
		}
	},
	"link-example-openrpc.json": func(t *testing.T, b *browser, sent <-chan json.RawMessage) {
		// A link to a method the document describes is a link; to one it does not, a name.
		if n := eval[int](t, b, `document.querySelectorAll('article.method[data-method="get_user_by_name"] .link a[href="#method-get_repositories_by_owner"]').length`); n != 1 {
			t.Errorf("get_user_by_name's link: %d links to get_repositories_by_owner, want 1", n)
		}
		if got := eval[string](t, b, `document.querySelector('article.method[data-method="get_repositories_by_owner"] .link').textContent`); !strings.Contains(got, "getRepository (not a method of this document)") {
			t.Errorf("get_repositories_by_owner's link reads %q, want getRepository marked as not a method of this document", got)
		}
	},
}
