package e2e

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/docsui"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// wsService is an openrpc server behind rpchttp.NewHandler, with the docs page beside it on
// one origin, that counts WebSocket handshakes and can drop the connections they opened.
type wsService struct {
	url string

	mu         sync.Mutex
	handshakes int
	conns      []net.Conn
}

// newWSService serves, at /api/v1 over HTTP POST and WebSocket:
//   - where: returns the transport the call came over (openrpc.CallerFrom);
//   - add: a + b;
//   - whoami: secured with a bearer token, returns it;
//
// with the document at /openrpc.json and the docs page at /docs/. setup, when given,
// registers more methods.
func newWSService(t *testing.T, setup func(srv *openrpc.Server)) *wsService {
	t.Helper()
	s := &wsService{}
	srv := openrpc.NewServer(openrpc.Info{Title: "WebSocket target", Version: "1.0.0"}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}},
		Authorize: openrpc.BearerAuthorizer(func(ctx context.Context, token string) (openrpc.Grants, error) {
			if token != "s3cret" {
				return nil, errors.New("unknown token")
			}
			return openrpc.Grants{"Bearer": {"user"}}, nil
		}),
	})
	openrpc.Register(srv, openrpc.Method{Name: "where", Summary: "The transport the call came over."},
		func(ctx context.Context, _ struct{}) (string, error) {
			return openrpc.CallerFrom(ctx).Transport, nil
		})
	type sum struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(ctx context.Context, p sum) (int, error) { return p.A + p.B, nil })
	openrpc.Register(srv, openrpc.Method{Name: "whoami", Security: openrpc.Security{"Bearer": {"user"}}},
		func(ctx context.Context, _ struct{}) (string, error) {
			tok, err := openrpc.BearerToken(ctx)
			return tok, err
		})
	if setup != nil {
		setup(srv)
	}
	api := rpchttp.NewHandler(srv, nil)
	mux := http.NewServeMux()
	mux.Handle("/api/v1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			s.mu.Lock()
			s.handshakes++
			s.mu.Unlock()
			w = &connRecorder{ResponseWriter: w, s: s}
		}
		api.ServeHTTP(w, r)
	}))
	mux.Handle("/openrpc.json", rpchttp.NewDocumentHandler(srv))
	mux.Handle("/docs/", http.StripPrefix("/docs", docsui.NewHandler(&docsui.Options{Endpoint: "/api/v1"})))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

// connRecorder keeps the connection a WebSocket handshake hijacks.
type connRecorder struct {
	http.ResponseWriter
	s *wsService
}

func (c *connRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(c.ResponseWriter).Hijack()
	if err == nil {
		c.s.mu.Lock()
		c.s.conns = append(c.s.conns, conn)
		c.s.mu.Unlock()
	}
	return conn, brw, err
}

func (c *connRecorder) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (s *wsService) handshakeCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handshakes
}

// dropConnections cuts every WebSocket connection at the TCP level, as a network failure
// would.
func (s *wsService) dropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// TestDocsUI_WebSocket switches the docs page to WebSocket, calls methods of a real server
// over one connection, sees the connection reopened after it drops, and sends a bearer token
// over WebSocket (as a subprotocol: browsers set no handshake headers) and over HTTP.
func TestDocsUI_WebSocket(t *testing.T) {
	b := newBrowser(t)
	svc := newWSService(t, nil)

	b.viewport(t, 1400, 900, false)
	b.do(t, "open the page", chromedp.Navigate(svc.url+"/docs/"), chromedp.WaitVisible(chromedp.CSS(`#method-where`)))
	if got := eval[string](t, b, `document.querySelector('#overview .transport-switch [aria-pressed="true"]').dataset.transport`); got != "http" {
		t.Errorf("transport at first: %q, want http", got)
	}
	const where = `#method-where`
	result := func(m string) string {
		t.Helper()
		return eval[string](t, b, `(document.querySelector('#method-`+m+` .response-body') || {}).textContent || ''`)
	}
	callAndWait := func(m string, before string) {
		t.Helper()
		b.do(t, "send "+m, chromedp.Click(chromedp.CSS(`#method-`+m+` button.send`)))
		b.waitFor(t, m+"'s reply", `(document.querySelector('#method-`+m+` .response-body') || {}).textContent && document.querySelector('#method-`+m+` .response-body').textContent !== `+jsString(before))
	}

	// Over HTTP first, for comparison.
	b.do(t, "open where", chromedp.Click(chromedp.CSS(where+` .try-toggle`)))
	callAndWait("where", "")
	if got := result("where"); !strings.Contains(got, `"http"`) {
		t.Fatalf("where over HTTP: %s, want the result \"http\"", got)
	}

	// Switch to WebSocket in the method's own switch: every switch on the page follows.
	b.do(t, "switch to WebSocket", chromedp.Click(chromedp.CSS(where+` .transport-switch [data-transport="ws"]`)))
	if got := eval[int](t, b, `document.querySelectorAll('.transport-switch [data-transport="ws"][aria-pressed="true"]').length`); got != eval[int](t, b, `document.querySelectorAll('.transport-switch').length`) {
		t.Errorf("after switching, %d switches show WebSocket, want all", got)
	}
	before := result("where")
	callAndWait("where", before)
	if got := result("where"); !strings.Contains(got, `"websocket"`) {
		t.Fatalf("where over WebSocket: %s, want the result \"websocket\"", got)
	}
	if got := eval[string](t, b, `document.querySelector('#method-where .response-head .hint').textContent`); !strings.HasPrefix(got, "WebSocket · ") {
		t.Errorf("reply detail %q, want WebSocket · N B", got)
	}
	if got := eval[string](t, b, `document.querySelector('#method-where .response-head .timing').textContent`); !strings.HasSuffix(got, "ms") && !strings.HasSuffix(got, " s") {
		t.Errorf("timing %q, want a duration", got)
	}
	b.waitFor(t, "the connection state", `document.querySelector('#overview .ws-status').dataset.wsState === 'open'`)
	if got := eval[string](t, b, `document.querySelector('#overview .ws-status').textContent`); !strings.Contains(got, "Connected to ws://") {
		t.Errorf("connection status %q, want Connected to ws://…", got)
	}
	b.do(t, "scroll to the top", chromedp.ScrollIntoView(chromedp.CSS(`#overview`)))
	b.screenshot(t, "docsui-ws-1400-overview", false)

	// A second method goes over the same connection, and its reply is matched by id.
	b.do(t, "fill add", chromedp.Click(chromedp.CSS(`#method-add .try-toggle`)),
		chromedp.SendKeys(chromedp.CSS(`#method-add [data-path="/a"]`), "40"),
		chromedp.SendKeys(chromedp.CSS(`#method-add [data-path="/b"]`), "2"))
	callAndWait("add", "")
	if got := result("add"); !strings.Contains(got, `"result": 42`) {
		t.Errorf("add over WebSocket: %s, want result 42", got)
	}
	if n := svc.handshakeCount(); n != 1 {
		t.Errorf("WebSocket handshakes after three calls: %d, want 1 (one connection for every call)", n)
	}
	b.do(t, "scroll to where", chromedp.ScrollIntoView(chromedp.CSS(where)))
	b.screenshot(t, "docsui-ws-1400-call", false)

	// The connection drops: the page says so, reconnects, and calls go on.
	svc.dropConnections()
	// The page waits about a second before reconnecting; on a loaded machine it may have
	// reconnected before it is looked at.
	for deadline := time.Now().Add(20 * time.Second); ; {
		status := eval[string](t, b, `(s => s.dataset.wsState + ' ' + s.textContent)(document.querySelector('#overview .ws-status'))`)
		if strings.HasPrefix(status, "retrying ") {
			if !strings.Contains(status, "reconnecting in") {
				t.Errorf("connection status after the drop %q, want reconnecting in…", status)
			}
			b.screenshot(t, "docsui-ws-1400-reconnecting", false)
			break
		}
		if strings.HasPrefix(status, "open ") && svc.handshakeCount() == 2 {
			t.Logf("the page reconnected before its status was read")
			break
		}
		if time.Now().After(deadline) {
			b.failureScreenshot(t)
			t.Fatalf("after the drop the connection status is %q", status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.waitFor(t, "the connection reopened", `document.querySelector('#overview .ws-status').dataset.wsState === 'open'`)
	if n := svc.handshakeCount(); n != 2 {
		t.Errorf("WebSocket handshakes after the drop: %d, want 2", n)
	}
	b.do(t, "clear where's reply", chromedp.Evaluate[chromedp.Void](`document.querySelector('#method-where .response').replaceChildren()`))
	callAndWait("where", "")
	if got := result("where"); !strings.Contains(got, `"websocket"`) {
		t.Errorf("where after the reconnect: %s", got)
	}

	// A bearer token goes over WebSocket as a subprotocol (rpchttp.BearerSubprotocolPrefix):
	// no warning, and the server sees it; the connection is opened again with it.
	b.do(t, "enter the token", chromedp.SendKeys(chromedp.CSS(`[data-scheme-input="Bearer"]`), "s3cret"),
		chromedp.Click(chromedp.CSS(`#method-whoami .try-toggle`)))
	if got := eval[string](t, b, `document.querySelector('#method-whoami .ws-note').hidden ? '' : document.querySelector('#method-whoami .ws-note').textContent`); strings.Contains(got, "cannot send") {
		t.Errorf("whoami over WebSocket: note %q, want none about the token", got)
	}
	callAndWait("whoami", "")
	if got := result("whoami"); !strings.Contains(got, `"s3cret"`) {
		t.Errorf("whoami over WebSocket: %s, want the token", got)
	}
	if n := svc.handshakeCount(); n != 3 {
		t.Errorf("WebSocket handshakes after the token was entered: %d, want 3 (reopened with the token)", n)
	}
	b.do(t, "scroll to whoami", chromedp.ScrollIntoView(chromedp.CSS(`#method-whoami`)))
	b.screenshot(t, "docsui-ws-1400-bearer", false)

	// Over HTTP the token goes.
	b.do(t, "switch to HTTP", chromedp.Click(chromedp.CSS(`#method-whoami .transport-switch [data-transport="http"]`)))
	before = result("whoami")
	callAndWait("whoami", before)
	if got := result("whoami"); !strings.Contains(got, `"s3cret"`) {
		t.Errorf("whoami over HTTP: %s, want the token", got)
	}

	// Disconnect closes the connection, and no new one is opened by itself.
	b.do(t, "disconnect", chromedp.Click(chromedp.CSS(`#overview .ws-connect`)))
	b.waitFor(t, "the connection closed", `document.querySelector('#overview .ws-status').dataset.wsState === 'idle'`)
	if got := eval[string](t, b, `document.querySelector('#overview .ws-status').textContent`); !strings.Contains(got, "was closed on this page") {
		t.Errorf("status after Disconnect %q", got)
	}
	if n := svc.handshakeCount(); n != 3 {
		t.Errorf("WebSocket handshakes after Disconnect: %d, want still 3", n)
	}
	b.checkNoProblems(t)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return "'" + r.Replace(s) + "'"
}

// TestDocsUI_WebSocketOtherOrigin calls over WebSocket from a docs page on one origin to an
// endpoint on another: the page's Content-Security-Policy allows the endpoint's ws origin
// (from docsui.Options.Endpoint), and the server trusts the page's origin.
func TestDocsUI_WebSocketOtherOrigin(t *testing.T) {
	b := newBrowser(t)
	page := httptest.NewUnstartedServer(nil)
	page.Start()
	t.Cleanup(page.Close)

	srv := openrpc.NewServer(openrpc.Info{Title: "Remote", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "where"}, func(ctx context.Context, _ struct{}) (string, error) {
		return openrpc.CallerFrom(ctx).Transport, nil
	})
	mux := http.NewServeMux()
	mux.Handle("/api/v1", rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{OriginPatterns: []string{page.URL}}))
	mux.Handle("/openrpc.json", rpchttp.NewDocumentHandler(srv))
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)
	page.Config.Handler = docsui.NewHandler(&docsui.Options{DocumentURL: api.URL + "/openrpc.json", Endpoint: api.URL + "/api/v1"})

	b.viewport(t, 1400, 900, false)
	b.do(t, "open the page", chromedp.Navigate(page.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#method-where`)),
		chromedp.Click(chromedp.CSS(`#overview .transport-switch [data-transport="ws"]`)),
		chromedp.Click(chromedp.CSS(`#method-where .try-toggle`)),
		chromedp.Click(chromedp.CSS(`#method-where button.send`)))
	b.waitFor(t, "where's reply", `(document.querySelector('#method-where .response-body') || {}).textContent`)
	if got := eval[string](t, b, `document.querySelector('#method-where .response-body').textContent`); !strings.Contains(got, `"websocket"`) {
		t.Errorf("where over WebSocket from another origin: %s", got)
	}
	b.checkNoProblems(t)
}

// TestDocsUI_WebSocketBlocked points the page at an endpoint its Content-Security-Policy
// does not allow: Chromium blocks the WebSocket without any event on it, and the page must
// say why instead of waiting for ever.
func TestDocsUI_WebSocketBlocked(t *testing.T) {
	b := newBrowser(t)
	svc := newWSService(t, nil)
	other := newWSService(t, nil) // another origin, not in the page's policy

	b.viewport(t, 1400, 900, false)
	b.do(t, "open the page", chromedp.Navigate(svc.url+"/docs/"), chromedp.WaitVisible(chromedp.CSS(`#method-where`)),
		clearInput(chromedp.CSS(`#overview .endpoint-input`)),
		chromedp.SendKeys(chromedp.CSS(`#overview .endpoint-input`), other.url+"/api/v1\n"),
		chromedp.Click(chromedp.CSS(`#overview .transport-switch [data-transport="ws"]`)),
		chromedp.Click(chromedp.CSS(`#method-where .try-toggle`)),
		chromedp.Click(chromedp.CSS(`#method-where button.send`)))
	b.waitFor(t, "the network error", `(document.querySelector('#method-where .response .status') || {}).textContent === 'Network error'`)
	if got := eval[string](t, b, `document.querySelector('#method-where .response-body').textContent`); !strings.Contains(got, "Content-Security-Policy") {
		t.Errorf("the blocked call says %q, want that the page's Content-Security-Policy blocks it", got)
	}
	if got := eval[string](t, b, `document.querySelector('#overview .ws-status').dataset.wsState`); got != "failed" {
		t.Errorf("connection state %q, want failed", got)
	}
	if n := other.handshakeCount(); n != 0 {
		t.Errorf("handshakes at the blocked endpoint: %d, want 0", n)
	}
}
