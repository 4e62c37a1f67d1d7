package docsui_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/docsui"
)

// get serves one request through h.
func get(t *testing.T, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assetRE finds the page's asset references.
var assetRE = regexp.MustCompile(`(?:src|href)="(assets/[^"]+)"`)

func TestNewHandler_ContentTypes(t *testing.T) {
	h := docsui.NewHandler(nil)
	for _, tt := range []struct {
		path, contentType string
	}{
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/assets/app.js", "text/javascript; charset=utf-8"},
		{"/assets/app.css", "text/css; charset=utf-8"},
		{"/assets/favicon.png", "image/png"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, h, http.MethodGet, tt.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d, want 200", tt.path, res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.contentType)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", tt.path, got)
			}
			if res.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("GET %s: no Content-Security-Policy", tt.path)
			}
			if b := body(t, res); len(b) == 0 {
				t.Errorf("GET %s: empty body", tt.path)
			}
		})
	}
}

// directives parses a Content-Security-Policy into directive name -> sources.
func directives(t *testing.T, csp string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for d := range strings.SplitSeq(csp, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		if _, dup := out[f[0]]; dup {
			t.Errorf("directive %s given twice in %q", f[0], csp)
		}
		out[f[0]] = f[1:]
	}
	return out
}

func TestNewHandler_ContentSecurityPolicy(t *testing.T) {
	strict := map[string][]string{
		"default-src":     {"'none'"},
		"script-src":      {"'self'"},
		"style-src":       {"'self'"},
		"img-src":         {"'self'", "data:"},
		"connect-src":     {"'self'"},
		"base-uri":        {"'none'"},
		"form-action":     {"'none'"},
		"frame-ancestors": {"'none'"},
	}
	with := func(connect ...string) map[string][]string {
		m := map[string][]string{}
		for k, v := range strict {
			m[k] = v
		}
		m["connect-src"] = append([]string{"'self'"}, connect...)
		return m
	}
	for _, tt := range []struct {
		name string
		opts *docsui.Options
		want map[string][]string
	}{
		{"nil options", nil, strict},
		{"relative URLs", &docsui.Options{DocumentURL: "/v2/openrpc.json", Endpoint: "rpc"}, strict},
		{"remote document", &docsui.Options{DocumentURL: "https://api.example.com/openrpc.json"}, with("https://api.example.com", "wss://api.example.com")},
		{"remote endpoint and more origins", &docsui.Options{
			Endpoint:       "http://127.0.0.1:9000/api/v1",
			ConnectOrigins: []string{"https://eu.example.com", "https://us.example.com/", "https://eu.example.com"},
		}, with("http://127.0.0.1:9000", "https://eu.example.com", "https://us.example.com",
			"ws://127.0.0.1:9000", "wss://eu.example.com", "wss://us.example.com")},
		// Try it calls the endpoint over WebSocket too, and the same URL over HTTP POST.
		{"WebSocket endpoint", &docsui.Options{Endpoint: "wss://api.example.com/rpc", ConnectOrigins: []string{"ws://127.0.0.1:8080"}},
			with("http://127.0.0.1:8080", "https://api.example.com", "ws://127.0.0.1:8080", "wss://api.example.com")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := docsui.NewHandler(tt.opts)
			for _, path := range []string{"/", "/assets/app.js"} {
				res := get(t, h, http.MethodGet, path)
				csp := res.Header.Get("Content-Security-Policy")
				got := directives(t, csp)
				for k, want := range tt.want {
					if !slices.Equal(got[k], want) {
						t.Errorf("GET %s: %s %v, want %v (policy %q)", path, k, got[k], want, csp)
					}
				}
				for k := range got {
					if _, ok := tt.want[k]; !ok {
						t.Errorf("GET %s: unexpected directive %s in %q", path, k, csp)
					}
				}
				for _, weak := range []string{"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} {
					if slices.ContainsFunc(strings.Fields(csp), func(s string) bool { return strings.TrimSuffix(s, ";") == weak }) {
						t.Errorf("GET %s: policy allows %s: %q", path, weak, csp)
					}
				}
				for k, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
					if got := res.Header.Get(k); got != want {
						t.Errorf("GET %s: %s %q, want %q", path, k, got, want)
					}
				}
			}
		})
	}
}

// TestNewHandler_BadOptionsPanic checks that each bad option is refused with a panic that
// says which option is wrong and why, not just any panic (issue 18).
func TestNewHandler_BadOptionsPanic(t *testing.T) {
	for _, tt := range []struct {
		opts docsui.Options
		want string
	}{
		{docsui.Options{DocumentURL: "javascript:alert(1)"},
			`docsui: NewHandler: URL "javascript:alert(1)": origin "javascript://": want an http, https, ws or wss origin`},
		{docsui.Options{Endpoint: "ftp://example.com/rpc"},
			`docsui: NewHandler: URL "ftp://example.com/rpc": origin "ftp://example.com": want an http, https, ws or wss origin`},
		// net/url's own words take the place of "..." in these two.
		{docsui.Options{Endpoint: "http://[::1"}, `docsui: NewHandler: parse "http://[::1": ...`},
		{docsui.Options{ConnectOrigins: []string{"https://example.com; script-src *"}},
			`docsui: NewHandler: ConnectOrigins: parse "https://example.com; script-src *": ...`},
		{docsui.Options{ConnectOrigins: []string{"https://example.com;script-src"}},
			`docsui: NewHandler: ConnectOrigins: origin "https://example.com;script-src": want scheme://host[:port] and nothing else`},
		{docsui.Options{ConnectOrigins: []string{"https://example.com/path"}},
			`docsui: NewHandler: ConnectOrigins: origin "https://example.com/path": want scheme://host[:port] and nothing else`},
		{docsui.Options{ConnectOrigins: []string{"https://user@example.com"}},
			`docsui: NewHandler: ConnectOrigins: origin "https://user@example.com": want scheme://host[:port] and nothing else`},
		{docsui.Options{ConnectOrigins: []string{"example.com"}},
			`docsui: NewHandler: ConnectOrigins: origin "example.com": want an http, https, ws or wss origin`},
		{docsui.Options{ConnectOrigins: []string{"'unsafe-inline'"}},
			`docsui: NewHandler: ConnectOrigins: origin "'unsafe-inline'": want an http, https, ws or wss origin`},
	} {
		func() {
			defer func() {
				v := recover()
				got, _ := v.(string)
				prefix, partial := strings.CutSuffix(tt.want, "...")
				if got != tt.want && !(partial && strings.HasPrefix(got, prefix) && len(got) > len(prefix)) {
					t.Errorf("NewHandler(%+v): panic %#v, want %q", tt.opts, v, tt.want)
				}
			}()
			docsui.NewHandler(&tt.opts)
		}()
	}
}

// assetFiles are the files the package embeds, read from its source directory.
func assetFiles(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if p == "index.html" || strings.HasPrefix(p, "assets/") {
			b, err := os.ReadFile(p)
			out[p] = b
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 4 {
		t.Fatalf("found only %d asset files", len(out))
	}
	return out
}

// TestAssets_NoExternalURLs checks that the page loads nothing from another origin: no
// absolute URL anywhere in its files, no protocol-relative URL, no CSS import, and no inline
// code that the policy would block.
func TestAssets_NoExternalURLs(t *testing.T) {
	absolute := regexp.MustCompile(`(?i)\b(https?|wss?|ftp):/`)
	protocolRelative := regexp.MustCompile(`(?i)(src|href|action)\s*=\s*["']?//|url\(\s*["']?//`)
	for name, b := range assetFiles(t) {
		s := string(b)
		if m := absolute.FindAllString(s, -1); m != nil {
			t.Errorf("%s has absolute URLs: %q", name, m)
		}
		if m := protocolRelative.FindAllString(s, -1); m != nil {
			t.Errorf("%s has protocol-relative URLs: %q", name, m)
		}
		switch {
		case strings.HasSuffix(name, ".css"):
			if strings.Contains(s, "@import") {
				t.Errorf("%s imports other style sheets", name)
			}
			for _, m := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(s, -1) {
				if !strings.HasPrefix(strings.Trim(m[1], `"' `), "data:") {
					t.Errorf("%s loads %s", name, m[0])
				}
			}
		case strings.HasSuffix(name, ".js"):
			for _, bad := range []string{"eval(", "new Function", ".innerHTML", "outerHTML =", "insertAdjacentHTML", "document.write"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s uses %s", name, bad)
				}
			}
		case name == "index.html":
			for _, m := range regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(s, -1) {
				if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
					t.Errorf("%s has an inline script: %s", name, m[0])
				}
			}
			if regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=`).MatchString(s) {
				t.Errorf("%s has inline styles or event handlers", name)
			}
		}
	}
}

// specDocument is the OpenRPC document of examples/spec, as its golden file holds it.
func specDocument(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../examples/spec/testdata/spec.openrpc.golden")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNewHandler_SpecDocument serves the page next to the document of examples/spec, at the
// root and under a prefix, and follows every URL the page loads.
func TestNewHandler_SpecDocument(t *testing.T) {
	doc := specDocument(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openrpc.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	})
	mux.Handle("/", docsui.NewHandler(nil))
	mux.Handle("/docs/", http.StripPrefix("/docs", docsui.NewHandler(&docsui.Options{Title: "Spec <examples>"})))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, page := range []string{"/", "/docs/"} {
		res, err := http.Get(srv.URL + page)
		if err != nil {
			t.Fatal(err)
		}
		html := body(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", page, res.StatusCode)
		}
		if !strings.Contains(html, `data-document-url="/openrpc.json"`) {
			t.Errorf("GET %s: the page does not name the document /openrpc.json", page)
		}
		refs := assetRE.FindAllStringSubmatch(html, -1)
		if len(refs) < 3 {
			t.Fatalf("GET %s: the page loads %d assets, want the script, the style sheet and the icon", page, len(refs))
		}
		base, _ := url.Parse(srv.URL + page)
		for _, ref := range refs {
			u, _ := base.Parse(ref[1])
			res, err := http.Get(u.String())
			if err != nil {
				t.Fatal(err)
			}
			body(t, res)
			if res.StatusCode != http.StatusOK {
				t.Errorf("page %s loads %s: status %d", page, u, res.StatusCode)
			}
		}
		// The document the page fetches is the spec's.
		docURL, _ := base.Parse("/openrpc.json")
		res, err = http.Get(docURL.String())
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Info    struct{ Title string }
			Methods []struct{ Name string }
		}
		if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if d.Info.Title != "JSON-RPC 2.0 specification examples" || len(d.Methods) != 9 {
			t.Errorf("document: title %q, %d methods; want the spec example's 9 (with ticker and ticker_unsubscribe)", d.Info.Title, len(d.Methods))
		}
	}

	// The title option is escaped into the page.
	res, _ := http.Get(srv.URL + "/docs/")
	if html := body(t, res); !strings.Contains(html, "<title>Spec &lt;examples&gt;</title>") {
		t.Errorf("the title is not escaped:\n%s", html)
	}

	// /docs, without the slash, redirects to docs/ so that relative URLs resolve.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(srv.URL + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusMovedPermanently && res.StatusCode != http.StatusTemporaryRedirect || !strings.HasSuffix(loc, "docs/") {
		t.Errorf("GET /docs: status %d, Location %q; want a redirect to docs/", res.StatusCode, loc)
	}
}

func TestNewHandler_NotFound(t *testing.T) {
	h := docsui.NewHandler(nil)
	for _, path := range []string{"/assets/nope.js", "/assets/", "/assets", "/app.js", "/openrpc.json", "/assets/app.js/", "/index.htm", "/assets/../index.html"} {
		res := get(t, h, http.MethodGet, path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, res.StatusCode)
		}
		if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: the 404 lacks the security headers", path)
		}
	}
}

func TestNewHandler_Methods(t *testing.T) {
	h := docsui.NewHandler(nil)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		res := get(t, h, m, "/")
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s /: status %d, want 405", m, res.StatusCode)
		}
		if got := res.Header.Get("Allow"); got != "GET, HEAD" {
			t.Errorf("%s /: Allow %q, want GET, HEAD", m, got)
		}
	}
	for _, path := range []string{"/", "/assets/app.js"} {
		full := get(t, h, http.MethodGet, path)
		n := len(body(t, full))
		head := get(t, h, http.MethodHead, path)
		if head.StatusCode != http.StatusOK || body(t, head) != "" {
			t.Errorf("HEAD %s: status %d with a body; want 200 and none", path, head.StatusCode)
		}
		if got, want := head.Header.Get("Content-Length"), full.Header.Get("Content-Length"); got != want || want == "" {
			t.Errorf("HEAD %s: Content-Length %q, GET's %q (%d bytes)", path, got, want, n)
		}
		etag := full.Header.Get("ETag")
		if etag == "" {
			t.Errorf("GET %s: no ETag", path)
			continue
		}
		if res := get(t, h, http.MethodGet, path, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match: status %d, want 304", path, res.StatusCode)
		}
	}
}

func TestNewHandler_AssetsVersioned(t *testing.T) {
	res := get(t, docsui.NewHandler(nil), http.MethodGet, "/")
	for _, ref := range assetRE.FindAllStringSubmatch(body(t, res), -1) {
		if !strings.Contains(ref[1], "?v=") {
			t.Errorf("asset %s is not versioned: caches could mix builds", ref[1])
		}
	}
}

// TestNewHandler_Document serves a document given as bytes beside the page, at the root and
// under a prefix, and refuses what is not an OpenRPC document.
func TestNewHandler_Document(t *testing.T) {
	doc := specDocument(t)
	given := slices.Clone(doc)
	mux := http.NewServeMux()
	mux.Handle("/", docsui.NewHandler(&docsui.Options{Document: given}))
	mux.Handle("/docs/", http.StripPrefix("/docs", docsui.NewHandler(&docsui.Options{Document: given, Endpoint: "/api/v1"})))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	given[0] = 'X' // the handler keeps its own copy

	for _, page := range []string{"/", "/docs/"} {
		res, err := http.Get(srv.URL + page)
		if err != nil {
			t.Fatal(err)
		}
		if html := body(t, res); !strings.Contains(html, `data-document-url="openrpc.json"`) {
			t.Errorf("GET %s: the page does not read the document beside it:\n%s", page, html)
		}
		base, _ := url.Parse(srv.URL + page)
		docURL, _ := base.Parse("openrpc.json")
		res, err = http.Get(docURL.String())
		if err != nil {
			t.Fatal(err)
		}
		got := body(t, res)
		if res.StatusCode != http.StatusOK || got != string(doc) {
			t.Errorf("GET %s: status %d, %d bytes; want 200 and the %d bytes given", docURL, res.StatusCode, len(got), len(doc))
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("GET %s: Content-Type %q, want application/json", docURL, ct)
		}
		if res.Header.Get("ETag") == "" || res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no ETag or no Content-Security-Policy", docURL)
		}
	}

	for _, opts := range []*docsui.Options{
		{Document: doc, DocumentURL: "/openrpc.json"},
		{Document: json.RawMessage(`[]`)},
		{Document: json.RawMessage(`null`)},
		{Document: json.RawMessage(`{"openrpc": "1.3.2"}`)},
		{Document: json.RawMessage(`{"methods": {}}`)},
		{Document: json.RawMessage(`{"methods": [`)},
		{Document: json.RawMessage(``)},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewHandler with Document %q and DocumentURL %q did not panic", opts.Document, opts.DocumentURL)
				}
			}()
			docsui.NewHandler(opts)
		}()
	}
}

// TestAssets_ChildrenThroughHelpers checks that the page's script adds child nodes only
// through its helpers h, add and put, which skip null and undefined: the DOM's own append,
// prepend and replaceChildren would show an absent optional field of a document as the
// text "null" or "undefined".
func TestAssets_ChildrenThroughHelpers(t *testing.T) {
	js := string(assetFiles(t)["assets/app.js"])
	raw := regexp.MustCompile(`\.(append|prepend|replaceChildren|before|after)\(`)
	helpers := 0
	for i, line := range strings.Split(js, "\n") {
		if !raw.MatchString(line) {
			continue
		}
		// The helpers themselves.
		if strings.Contains(line, "el.append(c)") || strings.Contains(line, "el.append(textOf(c))") ||
			strings.Contains(line, "el.replaceChildren(); append(el, children)") {
			helpers++
			continue
		}
		t.Errorf("app.js:%d adds children with the DOM's own method; use h, add or put:\n%s", i+1, strings.TrimSpace(line))
	}
	if helpers != 3 {
		t.Errorf("found %d of the 3 lines of the helpers that call the DOM: has append or put changed?", helpers)
	}
}
