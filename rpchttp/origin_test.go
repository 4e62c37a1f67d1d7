package rpchttp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// countingServer returns a server whose method "create" counts its calls, as a method that
// creates an account would change state.
func countingServer(calls *atomic.Int64) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "create"}, func(ctx context.Context, _ struct{}) (bool, error) {
		calls.Add(1)
		return true, nil
	})
	return srv
}

const createCall = `{"jsonrpc":"2.0","method":"create","id":1}`

// Origin policy, issue 10: a page on another origin could POST a form-encoded (or
// untyped) JSON-RPC call, which needs no CORS preflight, and the call ran. Over HTTP and
// over WebSocket, the verdict is the same for every combination of headers.
func TestHandler_crossOrigin(t *testing.T) {
	for _, tt := range []struct {
		name     string
		patterns []string
		site     string // Sec-Fetch-Site
		origin   string // "SAME" stands for the server's own origin
		wantOK   bool
	}{
		{"curl: neither header", nil, "", "", true},
		{"Sec-Fetch-Site same-origin", nil, "same-origin", "SAME", true},
		{"Sec-Fetch-Site same-origin behind a proxy that changes Host", nil, "same-origin", "https://public.example", true},
		{"Sec-Fetch-Site none (typed by the user)", nil, "none", "", true},
		{"Sec-Fetch-Site same-site is another origin", nil, "same-site", "http://other.localhost", false},
		{"Sec-Fetch-Site cross-site", nil, "cross-site", "https://evil.example", false},
		{"Sec-Fetch-Site cross-site without Origin", nil, "cross-site", "", false},
		{"Sec-Fetch-Site wins over an Origin that matches Host", nil, "cross-site", "SAME", false},
		{"old browser: Origin matches Host", nil, "", "SAME", true},
		{"old browser: Origin does not match Host", nil, "", "https://evil.example", false},
		{"opaque origin null", nil, "cross-site", "null", false},
		{"opaque origin null, pattern *", []string{"*"}, "cross-site", "null", false},
		{"allowed full origin", []string{"https://app.example.com"}, "cross-site", "https://app.example.com", true},
		{"allowed full origin, old browser", []string{"https://app.example.com"}, "", "https://app.example.com", true},
		{"allowed full origin, upper case", []string{"HTTPS://App.Example.com"}, "cross-site", "https://app.example.com", true},
		{"full origin pins the scheme", []string{"https://app.example.com"}, "cross-site", "http://app.example.com", false},
		{"full origin pins the port", []string{"http://localhost:3000"}, "same-site", "http://localhost:3001", false},
		{"full origin with a port", []string{"http://localhost:3000"}, "same-site", "http://localhost:3000", true},
		{"full origin wildcard", []string{"https://*.example.com"}, "cross-site", "https://a.b.example.com", true},
		{"full origin wildcard, another domain", []string{"https://*.example.com"}, "cross-site", "https://example.com.evil.example", false},
		{"IPv6 literal", []string{"http://[::1]:3000"}, "cross-site", "http://[::1]:3000", true},
		{"IPv6 literal, another port", []string{"http://[::1]:3000"}, "cross-site", "http://[::1]:3001", false},
		{"IPv6 brackets are not a class", []string{"[::1]"}, "cross-site", "http://1", false},
		{"host pattern, any scheme", []string{"*.example.com"}, "cross-site", "http://app.example.com", true},
		{"host pattern does not match the parent", []string{"*.example.com"}, "cross-site", "https://example.com", false},
		{"host pattern, another origin", []string{"example.com"}, "cross-site", "https://evil.example", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			ts := httptest.NewServer(rpchttp.NewHandler(countingServer(&calls), &rpchttp.HandlerOptions{OriginPatterns: tt.patterns}))
			defer ts.Close()
			hdr := http.Header{}
			if tt.site != "" {
				hdr.Set("Sec-Fetch-Site", tt.site)
			}
			origin := tt.origin
			if origin == "SAME" {
				origin = ts.URL
			}
			if origin != "" {
				hdr.Set("Origin", origin)
			}

			// A form-encoded POST: what a page may send without a preflight.
			req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(createCall))
			req.Header = hdr.Clone()
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			acao := resp.Header.Get("Access-Control-Allow-Origin")
			if tt.wantOK {
				if resp.StatusCode != http.StatusOK || calls.Load() != 1 {
					t.Errorf("HTTP: got %d %q with %d calls run, want 200 and the call run", resp.StatusCode, body, calls.Load())
				}
				if want := map[bool]string{true: origin}[len(tt.patterns) > 0]; acao != want {
					t.Errorf("HTTP: Access-Control-Allow-Origin %q, want %q", acao, want)
				}
			} else {
				if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(string(body), "cross-origin request refused: ") {
					t.Errorf("HTTP: got %d %q, want 403 cross-origin request refused", resp.StatusCode, body)
				}
				if n := calls.Load(); n != 0 {
					t.Errorf("HTTP: the call ran %d times, want none", n)
				}
				if acao != "" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
					t.Errorf("HTTP: a refused request got CORS headers: %v", resp.Header)
				}
			}

			// The WebSocket handshake gets the same verdict.
			c, resp, err := websocket.Dial(context.Background(), wsURL(ts), &websocket.DialOptions{HTTPHeader: hdr})
			if tt.wantOK != (err == nil) {
				t.Fatalf("WebSocket: dial error %v, want ok=%v", err, tt.wantOK)
			}
			if err == nil {
				c.CloseNow()
			} else if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Errorf("WebSocket refusal: got %v, want 403", resp)
			}
		})
	}
}

func TestHandler_preflight(t *testing.T) {
	const app = "https://app.example.com"
	for _, tt := range []struct {
		name   string
		opts   rpchttp.HandlerOptions
		origin string
		want   map[string]string // response headers; "" means absent
	}{
		{"allowed origin", rpchttp.HandlerOptions{OriginPatterns: []string{app}}, app, map[string]string{
			"Access-Control-Allow-Origin":      app,
			"Access-Control-Allow-Methods":     "POST",
			"Access-Control-Allow-Headers":     "Authorization, Content-Type",
			"Access-Control-Max-Age":           "600",
			"Access-Control-Allow-Credentials": "",
		}},
		{"configured headers, credentials and max age", rpchttp.HandlerOptions{
			OriginPatterns: []string{app}, CORSAllowHeaders: []string{"x-request-id", "Traceparent"},
			CORSAllowCredentials: true, CORSMaxAge: 2 * time.Hour,
		}, app, map[string]string{
			"Access-Control-Allow-Origin":      app,
			"Access-Control-Allow-Headers":     "Authorization, Content-Type, X-Request-Id, Traceparent",
			"Access-Control-Max-Age":           "7200",
			"Access-Control-Allow-Credentials": "true",
		}},
		{"no max age", rpchttp.HandlerOptions{OriginPatterns: []string{app}, CORSMaxAge: -1}, app, map[string]string{
			"Access-Control-Allow-Origin": app,
			"Access-Control-Max-Age":      "",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			ts := httptest.NewServer(rpchttp.NewHandler(countingServer(&calls), &tt.opts))
			defer ts.Close()
			resp := preflight(t, ts.URL, tt.origin, "authorization,content-type")
			if resp.StatusCode != http.StatusNoContent {
				t.Errorf("status %d, want 204", resp.StatusCode)
			}
			for k, want := range tt.want {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s: got %q, want %q", k, got, want)
				}
			}
			if vary := strings.Join(resp.Header.Values("Vary"), ", "); !strings.Contains(vary, "Origin") {
				t.Errorf("Vary %q does not name Origin", vary)
			}

			// The call the preflight stands for: the reply is readable by the page.
			req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(createCall))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer x")
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || calls.Load() != 1 {
				t.Errorf("call: status %d, %d calls; want 200, 1", resp.StatusCode, calls.Load())
			}
			for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"} {
				if got, want := resp.Header.Get(k), tt.want[k]; got != want {
					t.Errorf("call: %s: got %q, want %q", k, got, want)
				}
			}
			if vary := resp.Header.Get("Vary"); vary != "Origin" {
				t.Errorf("call: Vary %q, want Origin", vary)
			}
		})
	}
}

func TestHandler_preflightRefused(t *testing.T) {
	for _, tt := range []struct {
		name     string
		patterns []string
		origin   string
	}{
		{"no patterns", nil, "https://evil.example"},
		{"origin not in the patterns", []string{"https://app.example.com"}, "https://evil.example"},
		{"another scheme", []string{"https://app.example.com"}, "http://app.example.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			ts := httptest.NewServer(rpchttp.NewHandler(countingServer(&calls), &rpchttp.HandlerOptions{OriginPatterns: tt.patterns}))
			defer ts.Close()
			resp := preflight(t, ts.URL, tt.origin, "authorization")
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
			for k := range resp.Header {
				if strings.HasPrefix(k, "Access-Control-") {
					t.Errorf("a refused preflight got %s: %q", k, resp.Header.Get(k))
				}
			}
		})
	}
}

// preflight sends the CORS preflight a page on origin sends before a POST with headers.
func preflight(t *testing.T, url, origin, headers string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, url, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Sec-Fetch-Mode", "cors")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", headers)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestNewHandler_badOriginOptions(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	for _, tt := range []struct {
		name string
		opts rpchttp.HandlerOptions
		want string
	}{
		{"path", rpchttp.HandlerOptions{OriginPatterns: []string{"https://app.example.com/"}}, `OriginPatterns entry "https://app.example.com/": an origin has no path`},
		{"bad pattern", rpchttp.HandlerOptions{OriginPatterns: []string{"[a-"}}, `OriginPatterns entry "[a-": syntax error in pattern`},
		{"no scheme", rpchttp.HandlerOptions{OriginPatterns: []string{"://example.com"}}, `OriginPatterns entry "://example.com": want a scheme`},
		{"no host", rpchttp.HandlerOptions{OriginPatterns: []string{"https://"}}, `OriginPatterns entry "https://": want a host`},
		{"empty", rpchttp.HandlerOptions{OriginPatterns: []string{""}}, `OriginPatterns entry "": want a host`},
		{"header", rpchttp.HandlerOptions{CORSAllowHeaders: []string{"X-A, X-B"}}, `CORSAllowHeaders: "X-A, X-B" is not a header name`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if msg := fmt.Sprint(recover()); !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one containing %q", msg, tt.want)
				}
			}()
			rpchttp.NewHandler(srv, &tt.opts)
		})
	}
}

// The OpenRPC document is public: pages on any origin may read it.
func TestNewDocumentHandler_crossOrigin(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	ts := httptest.NewServer(rpchttp.NewDocumentHandler(srv))
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL, nil)
	req.Header.Set("Origin", "https://playground.open-rpc.org")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"openrpc"`) {
		t.Errorf("got %d %q, want 200 and the document", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin %q, want *", got)
	}
	if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("Access-Control-Allow-Credentials %q, want none", got)
	}
}

func ExampleHandlerOptions_originPatterns() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	// Pages on https://app.example.com may call the server, besides its own pages.
	h := rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{OriginPatterns: []string{"https://app.example.com"}})

	for _, origin := range []string{"https://app.example.com", "https://evil.example"} {
		// The preflight a browser sends before a call with an Authorization header.
		req := httptest.NewRequest(http.MethodOptions, "/api/v1", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Printf("%s: %d, Access-Control-Allow-Origin %q, Access-Control-Allow-Headers %q\n", origin, rec.Code,
			rec.Header().Get("Access-Control-Allow-Origin"), rec.Header().Get("Access-Control-Allow-Headers"))
	}
	// Output:
	// https://app.example.com: 204, Access-Control-Allow-Origin "https://app.example.com", Access-Control-Allow-Headers "Authorization, Content-Type"
	// https://evil.example: 403, Access-Control-Allow-Origin "", Access-Control-Allow-Headers ""
}
