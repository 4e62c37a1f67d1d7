package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/mock"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// recordingBackend is a JSON-RPC service (a mock of petstore) that records the requests
// it gets.
type recordingBackend struct {
	*httptest.Server
	mu   sync.Mutex
	seen []*http.Request
}

func newRecordingBackend(t *testing.T) *recordingBackend {
	t.Helper()
	raw, err := os.ReadFile(petstore)
	if err != nil {
		t.Fatal(err)
	}
	mk, err := mock.New(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &recordingBackend{}
	h := rpchttp.NewHandler(mk.Server, nil)
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.seen = append(b.seen, r.Clone(context.Background()))
		b.mu.Unlock()
		if r.URL.Path == "/openrpc.json" {
			w.Write(raw)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *recordingBackend) requests() []*http.Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*http.Request(nil), b.seen...)
}

// docWithServer writes petstore's document with its first server at url.
func docWithServer(t *testing.T, url string) string {
	t.Helper()
	raw, err := os.ReadFile(petstore)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if url == "" {
		delete(doc, "servers")
	} else {
		doc["servers"] = []any{map[string]any{"url": url}}
	}
	b, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

const listPets = `{"jsonrpc":"2.0","id":7,"method":"list_pets","params":[1]}`

func TestDocs_file(t *testing.T) {
	backend := newRecordingBackend(t)
	path := docWithServer(t, backend.URL+"/api/v1?tenant=t1")
	s := startServing(t, "docs", path, "--header", "X-From-Flag: yes")
	if !strings.Contains(s.out, "serving the docs of Petstore at "+s.base) || !strings.Contains(s.out, "to "+backend.URL+"/api/v1") {
		t.Errorf("stdout:\n%s", s.out)
	}

	// The page, with its policy, and the document beside it.
	res, body := get(t, s.base)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "assets/app.js") || !strings.Contains(body, `data-endpoint="rpc"`) ||
		!strings.Contains(res.Header.Get("Content-Security-Policy"), "connect-src 'self'") {
		t.Errorf("GET /: %d %s\n%s", res.StatusCode, res.Header, body)
	}
	want, _ := os.ReadFile(path)
	if res, body := get(t, s.base+"openrpc.json"); res.StatusCode != http.StatusOK || body != string(want) {
		t.Errorf("GET /openrpc.json: %d %.100s", res.StatusCode, body)
	}

	// A call goes to the document's server, with the Authorization header and the page's
	// query, without cookies or the page's origin.
	code, reply := rpcPost(t, s.base+"rpc?api_key=k1", http.Header{
		"Authorization":  {"Bearer tok"},
		"Cookie":         {"session=page"},
		"Origin":         {strings.TrimSuffix(s.base, "/")},
		"Sec-Fetch-Site": {"same-origin"},
	}, listPets)
	if code != http.StatusOK || !strings.Contains(reply, `"id":7`) || !strings.Contains(reply, `"result":[`) {
		t.Fatalf("call through the proxy: %d %s", code, reply)
	}
	seen := backend.requests()
	if len(seen) != 1 {
		t.Fatalf("the backend got %d requests, want 1", len(seen))
	}
	r := seen[0]
	for k, want := range map[string]string{"Authorization": "Bearer tok", "X-From-Flag": "yes", "Cookie": "", "Origin": "", "Sec-Fetch-Site": ""} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("the backend got %s %q, want %q", k, got, want)
		}
	}
	if r.URL.Path != "/api/v1" || r.URL.RawQuery != "tenant=t1&api_key=k1" {
		t.Errorf("the backend got %s", r.URL)
	}
}

func TestDocs_liveService(t *testing.T) {
	backend := newRecordingBackend(t)
	s := startServing(t, "docs", backend.URL+"/api/v1")
	if !strings.Contains(s.out, "Try it calls go through "+s.base+"rpc to "+backend.URL+"/api/v1") {
		t.Errorf("stdout:\n%s", s.out)
	}
	raw, _ := os.ReadFile(petstore)
	if res, body := get(t, s.base+"openrpc.json"); res.StatusCode != http.StatusOK || !jsonSame([]byte(body), raw) {
		t.Errorf("GET /openrpc.json: %d %.100s", res.StatusCode, body)
	}
	if code, reply := rpcPost(t, s.base+"rpc", nil, listPets); code != http.StatusOK || !strings.Contains(reply, `"result":[`) {
		t.Errorf("call: %d %s", code, reply)
	}
	// Over WebSocket too.
	ctx := context.Background()
	c, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(s.base, "http")+"rpc", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var pet map[string]any
	if err := c.Call(ctx, "get_pet", []int{7}, &pet); err != nil || pet["name"] != "fluffy" {
		t.Errorf("get_pet over WebSocket through the proxy: %v %v", pet, err)
	}

	// A document URL: its servers name the endpoint, resolved against it.
	d := startServing(t, "docs", backend.URL+"/openrpc.json")
	if !strings.Contains(d.out, "to http://localhost:8080") {
		t.Errorf("docs of a document URL: stdout:\n%s", d.out)
	}
}

func TestDocs_refuses(t *testing.T) {
	backend := newRecordingBackend(t)
	other := newRecordingBackend(t)
	s := startServing(t, "docs", docWithServer(t, backend.URL+"/api/v1"))
	host := strings.TrimSuffix(strings.TrimPrefix(s.base, "http://"), "/")

	// Pages of other origins, over HTTP and WebSocket.
	for _, h := range []http.Header{
		{"Sec-Fetch-Site": {"cross-site"}},
		{"Origin": {"https://evil.example"}},
	} {
		if code, reply := rpcPost(t, s.base+"rpc", h, listPets); code != http.StatusForbidden {
			t.Errorf("a call with %v: %d %s", h, code, reply)
		}
	}
	ctx := context.Background()
	_, err := rpchttp.DialWebSocket(ctx, "ws://"+host+"/rpc", &rpchttp.ClientOptions{Header: http.Header{"Origin": {"https://evil.example"}}})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a WebSocket from another origin: %v", err)
	}
	// A web site whose name resolves to this machine.
	req, _ := http.NewRequest(http.MethodPost, s.base+"rpc", strings.NewReader(listPets))
	req.Host = "evil.example:" + strings.Split(host, ":")[1]
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("a call for Host %s: %v %v", req.Host, res.Status, err)
	}
	// Other targets: an absolute URL in the request line, other paths, other methods.
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST %s/api/v1 HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		other.URL, host, len(listPets), listPets)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	conn.Close()
	if res.StatusCode == http.StatusOK {
		t.Errorf("an absolute URL to another server: %s", res.Status)
	}
	for _, p := range []string{"api/v1", "rpc/../api/v1", "openrpc.json"} {
		if code, _ := rpcPost(t, s.base+p, nil, listPets); code == http.StatusOK {
			t.Errorf("POST /%s: %d", p, code)
		}
	}
	if res, _ := get(t, s.base+"rpc"); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /rpc: %s", res.Status)
	}
	if n := len(other.requests()); n != 0 {
		t.Errorf("another server got %d requests through the proxy", n)
	}
	if n := len(backend.requests()); n != 0 {
		t.Errorf("the endpoint got %d requests that should have been refused", n)
	}
	// Bodies over the bound.
	big := `{"jsonrpc":"2.0","id":1,"method":"list_pets","params":["` + strings.Repeat("x", maxProxyRequestBytes) + `"]}`
	if code, reply := rpcPost(t, s.base+"rpc", nil, big); code != http.StatusRequestEntityTooLarge || !strings.Contains(reply, `"error"`) {
		t.Errorf("a body over %d bytes: %d %.200s", maxProxyRequestBytes, code, reply)
	}
}

func TestDocs_noServer(t *testing.T) {
	s := startServing(t, "docs", docWithServer(t, ""))
	if !strings.Contains(s.out, "Try it is off: the document lists no server") {
		t.Errorf("stdout:\n%s", s.out)
	}
	code, reply := rpcPost(t, s.base+"rpc", nil, listPets)
	var r struct {
		ID    int `json:"id"`
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if code != http.StatusServiceUnavailable || json.Unmarshal([]byte(reply), &r) != nil || r.ID != 7 ||
		!strings.Contains(r.Error.Message, "--endpoint") {
		t.Errorf("a call without an endpoint: %d %s", code, reply)
	}
	// The endpoint comes from --endpoint then.
	backend := newRecordingBackend(t)
	e := startServing(t, "docs", docWithServer(t, ""), "--endpoint", "ws"+strings.TrimPrefix(backend.URL, "http")+"/api/v1")
	if _, body := get(t, e.base); !strings.Contains(body, `data-endpoint="ws://127.0.0.1:`) {
		t.Errorf("a WebSocket endpoint: the page does not start on WebSocket:\n%s", body)
	}
	if code, reply := rpcPost(t, e.base+"rpc", nil, listPets); code != http.StatusOK || !strings.Contains(reply, `"result"`) {
		t.Errorf("a call to --endpoint: %d %s", code, reply)
	}
}

func TestDocs_usage(t *testing.T) {
	out, _, code := runCommand(t, "", "docs", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "127.0.0.1:8088") {
		t.Errorf("docs --help: %d\n%s", code, out)
	}
	if _, errOut, code := runCommand(t, "", "docs"); code != 2 || !strings.Contains(errOut, "no document") {
		t.Errorf("docs without a document: %d %s", code, errOut)
	}
	if _, errOut, code := runCommand(t, "", "docs", petstore, "--endpoint", "ftp://x"); code != 2 || !strings.Contains(errOut, "http, https, ws or wss") {
		t.Errorf("docs --endpoint ftp://x: %d %s", code, errOut)
	}
	// A service that is down: the error names it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String() + "/api/v1"
	ln.Close()
	if _, errOut, code := runCommand(t, "", "docs", down); code != 2 || !strings.Contains(errOut, ln.Addr().String()) {
		t.Errorf("docs of a service that is down: %d %s", code, errOut)
	}
}

// TestDocs_ofMock is the README's session: a mock, and the docs of it, calls going through.
func TestDocs_ofMock(t *testing.T) {
	m := startServing(t, "mock", petstore)
	d := startServing(t, "docs", m.base)
	if !strings.Contains(d.out, "Try it calls go through "+d.base+"rpc to "+m.base) {
		t.Errorf("stdout:\n%s", d.out)
	}
	if code, reply := rpcPost(t, d.base+"rpc", nil, `{"jsonrpc":"2.0","id":1,"method":"get_pet","params":[7]}`); code != http.StatusOK || !strings.Contains(reply, `"fluffy"`) {
		t.Errorf("get_pet through docs and mock: %d %s", code, reply)
	}
}

// TestDocs_slowEndpoint: a call the endpoint never answers ends with a JSON-RPC error
// saying so, rather than waiting as long as the page does.
func TestDocs_slowEndpoint(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release)
	old := proxyCallTimeout
	proxyCallTimeout = 100 * time.Millisecond
	defer func() { proxyCallTimeout = old }()

	s := startServing(t, "docs", docWithServer(t, slow.URL))
	req, _ := http.NewRequest(http.MethodPost, s.base+"rpc", strings.NewReader(listPets))
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("the call got no answer: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(body), "did not answer within") {
		t.Errorf("%s %s", res.Status, body)
	}
}

// TestDocs_stopsWithWebSocketOpen: the command stops, exit status 0, while a page holds a
// WebSocket to the endpoint through it, instead of waiting for the endpoint to close it
// and failing after the shutdown timeout.
func TestDocs_stopsWithWebSocketOpen(t *testing.T) {
	backend := newRecordingBackend(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	status := make(chan int, 1)
	go func() {
		status <- run(ctx, &env{stdin: strings.NewReader(""), stdout: pw, stderr: stderr, getenv: func(string) string { return "" }},
			[]string{"docs", backend.URL + "/api/v1", "--addr", "127.0.0.1:0"})
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatalf("no output; stderr:\n%s", stderr)
	}
	go io.Copy(io.Discard, pr)
	base := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(sc.Text())
	c, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(base, "http")+"rpc", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var pet map[string]any
	if err := c.Call(ctx, "get_pet", []int{7}, &pet); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case code := <-status:
		if code != 0 {
			t.Errorf("exit status %d; stderr:\n%s", code, stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the command did not stop within 20s of its context's end")
	}
}
