package rpchttp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
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

// DNS rebinding: a page on http://evil.example:PORT whose name resolves to 127.0.0.1 is
// same-origin with a server there and passes the origin checks; its requests, which carry
// Host: evil.example:PORT, are refused on a loopback address, over HTTP and WebSocket,
// unless the host is listed.
func TestHandler_dnsRebinding(t *testing.T) {
	for _, tt := range []struct {
		name    string
		allowed []string
		host    string // "PORT" stands for the server's port
		wantOK  bool
	}{
		{"a web site's name", nil, "evil.example:PORT", false},
		{"a web site's name, no port", nil, "evil.example", false},
		{"a web site's name, upper case with a trailing dot", nil, "EVIL.example.:PORT", false},
		{"127.0.0.1", nil, "127.0.0.1:PORT", true},
		{"localhost", nil, "localhost:PORT", true},
		{"localhost, upper case with a trailing dot", nil, "LocalHost.:PORT", true},
		{"a name under localhost", nil, "app.localhost:PORT", true},
		{"[::1]", nil, "[::1]:PORT", true},
		{"a listed host", []string{"app.internal"}, "app.internal:PORT", true},
		{"a listed host, another name", []string{"app.internal"}, "evil.example:PORT", false},
		{"a listed host and port, another port", []string{"app.internal:1"}, "app.internal:PORT", false},
		{"a listed pattern", []string{"*.dev.example.com"}, "a.dev.example.com:PORT", true},
		{"the check off", []string{"*"}, "evil.example:PORT", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			ts := httptest.NewServer(rpchttp.NewHandler(countingServer(&calls), &rpchttp.HandlerOptions{AllowedHosts: tt.allowed}))
			defer ts.Close()
			_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
			host := strings.Replace(tt.host, "PORT", port, 1)

			// A call, as the page's fetch sends it: same-origin with the Host it names.
			req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(createCall))
			req.Host = host
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", "http://"+host)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tt.wantOK {
				if resp.StatusCode != http.StatusOK || calls.Load() != 1 {
					t.Errorf("HTTP: got %d %s with %d calls run, want 200 and the call run", resp.StatusCode, body, calls.Load())
				}
			} else {
				checkHostRefusal(t, resp, body, host, port)
				if n := calls.Load(); n != 0 {
					t.Errorf("HTTP: the call ran %d times, want none", n)
				}
			}

			// The WebSocket handshake, by a client library.
			c, resp, err := websocket.Dial(context.Background(), wsURL(ts), &websocket.DialOptions{
				Host: host, HTTPHeader: http.Header{"Origin": {"http://" + host}},
			})
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

// checkHostRefusal checks the answer to a call for host: 403 with a JSON-RPC error that
// says what to do.
func checkHostRefusal(t *testing.T, resp *http.Response, body []byte, host, port string) {
	t.Helper()
	var reply struct {
		Error struct {
			Code    openrpc.Code
			Message string
			Data    struct{ Error string }
		}
		ID json.RawMessage
	}
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("HTTP: got %d %s %s, want 403 and a JSON-RPC error", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if err := json.Unmarshal(body, &reply); err != nil || reply.Error.Code != openrpc.CodePermissionError || string(reply.ID) != "null" {
		t.Fatalf("HTTP: body %s (%v), want a -32099 error with id null", body, err)
	}
	for _, want := range []string{fmt.Sprintf("Host %q refused", host), "DNS rebinding", "http://127.0.0.1:" + port, "rpchttp.HandlerOptions.AllowedHosts"} {
		if !strings.Contains(reply.Error.Data.Error, want) {
			t.Errorf("HTTP: error data %q does not say %q", reply.Error.Data.Error, want)
		}
	}
}

// A raw WebSocket handshake for a web site's name gets 403 and a plain-text reason;
// preflights and other requests are refused the same way, before anything else.
func TestHandler_dnsRebindingRaw(t *testing.T) {
	var calls atomic.Int64
	ts := httptest.NewServer(rpchttp.NewHandler(countingServer(&calls), &rpchttp.HandlerOptions{OriginPatterns: []string{"*"}}))
	defer ts.Close()
	addr := ts.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	host := "evil.example:" + port
	for _, tt := range []struct{ name, request string }{
		{"WebSocket handshake", "GET / HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"},
		{"preflight", "OPTIONS / HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host + "\r\nAccess-Control-Request-Method: POST\r\n\r\n"},
		{"GET", "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			nc.SetReadDeadline(time.Now().Add(20 * time.Second)) // a failing test must not hang
			io.WriteString(nc, tt.request)
			resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
				t.Fatalf("got %d %s %q, want 403 and plain text", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if want := fmt.Sprintf("Host %q refused", host); !strings.HasPrefix(string(body), want) || !strings.Contains(string(body), "AllowedHosts") {
				t.Errorf("body %q, want it to start with %q and name AllowedHosts", body, want)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("a refused request got CORS headers: %v", resp.Header)
			}
		})
	}
}

// A server on the IPv6 loopback address is guarded too.
func TestHandler_dnsRebindingIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	var calls atomic.Int64
	ts := httptest.NewUnstartedServer(rpchttp.NewHandler(countingServer(&calls), nil))
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	defer ts.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, tt := range []struct {
		host string
		want int
	}{
		{"[::1]:" + port, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"evil.example:" + port, http.StatusForbidden},
	} {
		req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(createCall))
		req.Host = tt.host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("Host %s: got %d, want %d", tt.host, resp.StatusCode, tt.want)
		}
	}
}

// Requests arriving on an address other than loopback are not checked: their Host is that
// of a LAN or public name, or a proxy's business.
func TestHandler_dnsRebindingOtherAddress(t *testing.T) {
	var calls atomic.Int64
	h := rpchttp.NewHandler(countingServer(&calls), nil)
	for _, tt := range []struct {
		local string
		want  int
	}{
		{"192.0.2.1:8080", http.StatusOK},
		{"[2001:db8::1]:8080", http.StatusOK},
		{"127.0.0.1:8080", http.StatusForbidden},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tt.local)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(createCall))
		req.Host = "evil.example:8080"
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, addr))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("Host evil.example:8080 on %s: got %d %s, want %d", tt.local, rec.Code, rec.Body, tt.want)
		}
	}
}

func TestNewHandler_badAllowedHosts(t *testing.T) {
	defer func() {
		r := recover()
		if msg, _ := r.(string); !strings.Contains(msg, "AllowedHosts") || !strings.Contains(msg, "not a URL") {
			t.Errorf("recovered %v, want a panic about the AllowedHosts entry", r)
		}
	}()
	rpchttp.NewHandler(openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil), &rpchttp.HandlerOptions{AllowedHosts: []string{"http://app.internal"}})
}

func ExampleHandlerOptions_allowedHosts() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "ping"}, func(ctx context.Context, _ struct{}) (string, error) { return "pong", nil })
	// A local reverse proxy passes requests for app.internal on with their Host.
	ts := httptest.NewServer(rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{AllowedHosts: []string{"app.internal"}}))
	defer ts.Close()

	for _, host := range []string{"127.0.0.1", "localhost", "app.internal", "evil.example"} {
		req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(`{"jsonrpc":"2.0","method":"ping","id":1}`))
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("Host %s: %s\n", host, resp.Status)
	}
	// Output:
	// Host 127.0.0.1: 200 OK
	// Host localhost: 200 OK
	// Host app.internal: 200 OK
	// Host evil.example: 403 Forbidden
}
