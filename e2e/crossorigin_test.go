package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// exchange is one request the API server answered, as it answered it.
type exchange struct {
	method, site, origin string // HTTP method, Sec-Fetch-Site, Origin
	status               int
}

func (e exchange) String() string {
	return fmt.Sprintf("%s (Sec-Fetch-Site %q, Origin %q) -> %d", e.method, e.site, e.origin, e.status)
}

// brief returns the method and status of each exchange, as in "POST 403".
func brief(exchanges []exchange) []string {
	var s []string
	for _, e := range exchanges {
		s = append(s, e.method+" "+strconv.Itoa(e.status))
	}
	return s
}

// crossOriginAPI is a JSON-RPC server that records which calls ran and every request it
// answered.
type crossOriginAPI struct {
	url string

	mu        sync.Mutex
	created   []string   // usernames create_account ran with
	exchanges []exchange // requests to /api/v1
}

// newCrossOriginAPI serves create_account (which changes state) and whoami (which echoes the
// Authorization header) at /api/v1, and the document at /openrpc.json, trusting pages on
// the trusted origins.
func newCrossOriginAPI(t *testing.T, trusted ...string) *crossOriginAPI {
	t.Helper()
	a := &crossOriginAPI{}
	srv := openrpc.NewServer(openrpc.Info{Title: "Cross-origin target", Version: "1.0.0"}, nil)
	type account struct {
		Username string `json:"username"`
	}
	openrpc.Register(srv, openrpc.Method{Name: "create_account"}, func(ctx context.Context, p account) (bool, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.created = append(a.created, p.Username)
		return true, nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "whoami"}, func(ctx context.Context, _ struct{}) (string, error) {
		return openrpc.CallerFrom(ctx).Get("Authorization"), nil
	})
	h := rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{OriginPatterns: trusted})
	mux := http.NewServeMux()
	mux.Handle("/api/v1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&recordingWriter{ResponseWriter: w, record: func(status int) {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.exchanges = append(a.exchanges, exchange{r.Method, r.Header.Get("Sec-Fetch-Site"), r.Header.Get("Origin"), status})
		}}, r)
	}))
	mux.Handle("/openrpc.json", rpchttp.NewDocumentHandler(srv))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	a.url = ts.URL
	return a
}

// take returns the calls that ran and the requests answered since the last take.
func (a *crossOriginAPI) take() (created []string, exchanges []exchange) {
	a.mu.Lock()
	defer a.mu.Unlock()
	created, exchanges = a.created, a.exchanges
	a.created, a.exchanges = nil, nil
	return created, exchanges
}

// recordingWriter records the status of a response before any of it is sent, so that the
// record exists by the time the page sees the response.
type recordingWriter struct {
	http.ResponseWriter
	record  func(status int)
	written bool
}

func (w *recordingWriter) WriteHeader(status int) {
	if !w.written {
		w.written = true
		w.record(status)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets the WebSocket handshake reach the connection.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// pageServer serves an empty page, the origin of the scripts the test runs.
func pageServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>another origin</title><p>A page on another origin.</p>`)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// onHost returns the URL of ts with its host name replaced (the port kept).
func onHost(t *testing.T, ts *httptest.Server, host string) string {
	t.Helper()
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + host + ":" + u.Port()
}

// run evaluates an async JavaScript expression in the page and returns what it resolves to.
func run(t *testing.T, b *browser, expr string) string {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v%s", expr, err, b.problemReport())
	}
	return v
}

// The scripts a page runs against the API. Each resolves to a short report of what the
// page saw; %[1]s is the API's base URL.
const (
	// A "simple" request: form-encoded, so the browser sends it without a preflight. A page
	// that does not need the reply uses no-cors and the request goes out all the same.
	jsFormPost = `fetch('%[1]s/api/v1', {method: 'POST', mode: 'no-cors',
		headers: {'Content-Type': 'application/x-www-form-urlencoded'},
		body: JSON.stringify({jsonrpc: '2.0', method: 'create_account', params: {username: %[2]q}, id: 1})})
		.then(r => 'response ' + r.type, e => 'error ' + e.message)`
	// A body without a type (a Blob), which needs no preflight either.
	jsUntypedPost = `fetch('%[1]s/api/v1', {method: 'POST', mode: 'no-cors',
		body: new Blob([JSON.stringify({jsonrpc: '2.0', method: 'create_account', params: {username: %[2]q}, id: 1})])})
		.then(r => 'response ' + r.type, e => 'error ' + e.message)`
	// A readable call with an Authorization header: the browser asks first (preflight).
	jsBearerCall = `fetch('%[1]s/api/v1', {method: 'POST',
		headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer tok-123'},
		body: JSON.stringify({jsonrpc: '2.0', method: 'whoami', id: 1})})
		.then(r => r.json()).then(j => 'result ' + j.result, e => 'error ' + e.message)`
	// A readable form-encoded call.
	jsFormCall = `fetch('%[1]s/api/v1', {method: 'POST',
		headers: {'Content-Type': 'application/x-www-form-urlencoded'},
		body: JSON.stringify({jsonrpc: '2.0', method: 'create_account', params: {username: %[2]q}, id: 1})})
		.then(r => r.json()).then(j => 'result ' + j.result, e => 'error ' + e.message)`
	// A WebSocket that calls create_account once open.
	jsWebSocket = `new Promise(resolve => {
		const ws = new WebSocket('%[1]s'.replace(/^http/, 'ws') + '/api/v1');
		ws.onopen = () => ws.send(JSON.stringify({jsonrpc: '2.0', method: 'create_account', params: {username: %[2]q}, id: 1}));
		ws.onmessage = m => { resolve('message ' + JSON.parse(m.data).result); ws.close(); };
		ws.onerror = () => resolve('error');
	})`
	// The OpenRPC document, read from the page.
	jsDocument = `fetch('%[1]s/openrpc.json').then(r => r.json()).then(d => 'document ' + d.info.title, e => 'error ' + e.message)`
)

// TestBrowser_CrossOriginCalls has pages on other origins call a JSON-RPC server from a
// real Chromium: the calls of pages the server does not trust never run (checked on the
// server), whatever the request looks like; a page on a trusted origin calls it, with an
// Authorization header (through a preflight) and over WebSocket; any page reads the
// document.
func TestBrowser_CrossOriginCalls(t *testing.T) {
	b := newBrowser(t)
	pages, trustedPages := pageServer(t), pageServer(t)
	trusted := onHost(t, trustedPages, "127.0.0.1")
	api := newCrossOriginAPI(t, trusted)

	// The API is at 127.0.0.1: a page on localhost is on another site; one on 127.0.0.1
	// with another port is on the same site but another origin. Neither is trusted.
	for _, foreign := range []struct{ page, site string }{
		{onHost(t, pages, "localhost"), "cross-site"},
		{onHost(t, pages, "127.0.0.1"), "same-site"},
	} {
		t.Run(foreign.site, func(t *testing.T) {
			b.do(t, "open the page", chromedp.Navigate(foreign.page+"/"))
			for _, tt := range []struct {
				name, script, want string
				wantExchanges      []string // method and status of each request the server answered
				noFetchMetadata    bool     // no Sec-Fetch-Site: the Origin decides
			}{
				{"form-encoded POST", jsFormPost, "response opaque", []string{"POST 403"}, false},
				{"untyped POST", jsUntypedPost, "response opaque", []string{"POST 403"}, false},
				{"call with Authorization", jsBearerCall, "error Failed to fetch", []string{"OPTIONS 403"}, false},
				// Chromium sends no Sec-Fetch-Site with a WebSocket handshake.
				{"WebSocket", jsWebSocket, "error", []string{"GET 403"}, true},
			} {
				t.Run(tt.name, func(t *testing.T) {
					got := run(t, b, fmt.Sprintf(tt.script, api.url, "from-"+foreign.site))
					created, exchanges := api.take()
					if len(created) != 0 {
						t.Errorf("create_account ran for %v: a page on %s called it", created, foreign.page)
					}
					if got != tt.want {
						t.Errorf("the page saw %q, want %q", got, tt.want)
					}
					for _, e := range exchanges {
						wantSite := foreign.site
						if tt.noFetchMetadata {
							wantSite = ""
						}
						if e.site != wantSite || e.origin != foreign.page {
							t.Errorf("%v: want Sec-Fetch-Site %q and Origin %q", e, wantSite, foreign.page)
						}
					}
					if !slices.Equal(brief(exchanges), tt.wantExchanges) {
						t.Errorf("the server answered %v, want %v", exchanges, tt.wantExchanges)
					}
				})
			}
			if got, want := run(t, b, fmt.Sprintf(jsDocument, api.url)), "document Cross-origin target"; got != want {
				t.Errorf("reading the document: the page saw %q, want %q", got, want)
			}
		})
	}

	t.Run("trusted origin", func(t *testing.T) {
		b.do(t, "open the page", chromedp.Navigate(trusted+"/"))
		b.mu.Lock()
		b.problems = nil // the refusals above, reported by the browser
		b.mu.Unlock()
		for _, tt := range []struct {
			name, script, user, want string
			wantCreated              []string
			wantExchanges            []string
		}{
			{"call with Authorization", jsBearerCall, "", "result Bearer tok-123", nil, []string{"OPTIONS 204", "POST 200"}},
			{"form-encoded call", jsFormCall, "trusted-form", "result true", []string{"trusted-form"}, []string{"POST 200"}},
			{"WebSocket", jsWebSocket, "trusted-ws", "message true", []string{"trusted-ws"}, []string{"GET 101"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got := run(t, b, fmt.Sprintf(tt.script, api.url, tt.user))
				created, exchanges := api.take()
				if got != tt.want {
					t.Errorf("the page saw %q, want %q%s", got, tt.want, b.problemReport())
				}
				if !slices.Equal(created, tt.wantCreated) {
					t.Errorf("create_account ran for %v, want %v", created, tt.wantCreated)
				}
				if !slices.Equal(brief(exchanges), tt.wantExchanges) {
					t.Errorf("the server answered %v, want %v", exchanges, tt.wantExchanges)
				}
			})
		}
		b.checkNoProblems(t)
	})
}
