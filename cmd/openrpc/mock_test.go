package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// lockedBuffer is a bytes.Buffer safe for a command's goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serving is a command that serves HTTP, run in-process.
type serving struct {
	base   string // "http://127.0.0.1:PORT/"
	out    string // its first lines of standard output
	stderr *lockedBuffer
}

// startServing runs a serving command (docs, mock) on a free port and returns once it has
// printed where it serves; the command stops at the end of the test, and must exit 0.
func startServing(t *testing.T, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &serving{stderr: &lockedBuffer{}}
	status := make(chan int, 1)
	go func() {
		status <- run(ctx, &env{stdin: strings.NewReader(""), stdout: pw, stderr: s.stderr, getenv: func(string) string { return "" }},
			append(args, "--addr", "127.0.0.1:0"))
		pw.Close()
	}()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		io.Copy(io.Discard, pr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-status:
			if code != 0 {
				t.Errorf("openrpc %s: exit status %d; stderr:\n%s", args[0], code, s.stderr)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("openrpc %s did not stop", args[0])
		}
	})
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("openrpc %v stopped before serving; stderr:\n%s", args, s.stderr)
			}
			s.out += l + "\n"
			if s.base == "" {
				s.base = url.FindString(l)
			}
			if strings.HasPrefix(args[0], "docs") && !strings.Contains(s.out, "Try it") {
				continue // the second line says where calls go
			}
			if s.base != "" {
				return s
			}
		case <-timeout:
			t.Fatalf("openrpc %v printed no URL; stderr:\n%s", args, s.stderr)
		}
	}
}

// rpcPost posts a JSON-RPC message and returns the status and body of the reply.
func rpcPost(t *testing.T, url string, header http.Header, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

const petstore = "../../e2e/testdata/open-rpc-examples/petstore-openrpc.json"

func TestMock_serves(t *testing.T) {
	s := startServing(t, "mock", petstore)
	if !strings.Contains(s.out, "mocking Petstore (3 methods) at "+s.base+" (JSON-RPC over HTTP POST and WebSocket") {
		t.Errorf("stdout: %s", s.out)
	}
	// An example pairing's params get its result, over HTTP.
	code, body := rpcPost(t, s.base, nil, `{"jsonrpc":"2.0","id":1,"method":"get_pet","params":[7]}`)
	if code != http.StatusOK || !strings.Contains(body, `"result":{"name":"fluffy","tag":"poodle","id":7}`) {
		t.Errorf("get_pet 7: %d %s", code, body)
	}
	// Bad params: -32602 with the path.
	_, body = rpcPost(t, s.base+"api/v1", nil, `{"jsonrpc":"2.0","id":2,"method":"list_pets","params":{"limit":"two"}}`)
	if !strings.Contains(body, `"code":-32602`) || !strings.Contains(body, `"path":"/limit"`) {
		t.Errorf("list_pets with a string limit: %s", body)
	}
	_, body = rpcPost(t, s.base, nil, `{"jsonrpc":"2.0","id":3,"method":"list_pets","params":{"limt":2}}`)
	if !strings.Contains(body, `"path":"/limt","message":"unknown param: did you mean \"limit\"?"`) {
		t.Errorf("list_pets with a typo: %s", body)
	}
	// The documentation page, whose Try it calls the mock.
	res, page := get(t, s.base)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "assets/app.js") || !strings.Contains(page, `data-endpoint="/"`) {
		t.Errorf("GET /: %d\n%s", res.StatusCode, page)
	}
	if res, _ := get(t, s.base+"api/v1"); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/v1: %s, want the JSON-RPC endpoint's 405", res.Status)
	}
	// The document, at /openrpc.json and from rpc.discover, is the file's.
	want, err := os.ReadFile(petstore)
	if err != nil {
		t.Fatal(err)
	}
	if _, got := get(t, s.base+"openrpc.json"); !bytes.Equal(bytes.TrimSpace([]byte(got)), bytes.TrimSpace(want)) {
		t.Errorf("GET /openrpc.json is not the document")
	}
	// Over WebSocket, through the framework's client: generated results are stable.
	ctx := context.Background()
	c, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(s.base, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var first, second json.RawMessage
	if err := c.Call(ctx, "list_pets", []int{2}, &first); err != nil {
		t.Fatal(err)
	}
	if err := c.Call(ctx, "list_pets", []int{2}, &second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) || !bytes.HasPrefix(first, []byte("[")) {
		t.Errorf("list_pets over WebSocket: %s, then %s", first, second)
	}
	var doc json.RawMessage
	if err := c.Call(ctx, "rpc.discover", nil, &doc); err != nil || !jsonSame(doc, want) {
		t.Errorf("rpc.discover: %v, %.80s", err, doc)
	}
	err = c.Call(ctx, "nope", nil, nil)
	if openrpc.CodeOf(err) != openrpc.CodeMethodNotFound {
		t.Errorf("an unknown method: %v", err)
	}
}

// The mock's calls go through the framework's handler, which refuses a web site whose name
// resolves to this machine (DNS rebinding), over HTTP and WebSocket.
func TestMock_dnsRebinding(t *testing.T) {
	s := startServing(t, "mock", petstore)
	port := s.base[strings.LastIndex(s.base, ":")+1 : len(s.base)-1]
	req, err := http.NewRequest(http.MethodPost, s.base, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"get_pet","params":[7]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "evil.example:" + port
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), `"code":-32099`) || !strings.Contains(string(body), "DNS rebinding") {
		t.Errorf("a call for Host %s: %d %s, want 403 and a -32099 error", req.Host, res.StatusCode, body)
	}
	ctx := context.Background()
	_, _, err = websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.base, "http"), &websocket.DialOptions{Host: req.Host})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a WebSocket for Host %s: %v, want 403", req.Host, err)
	}
	// The address it printed still works.
	if code, body := rpcPost(t, s.base, nil, `{"jsonrpc":"2.0","id":1,"method":"get_pet","params":[7]}`); code != http.StatusOK {
		t.Errorf("a call for %s: %d %s", s.base, code, body)
	}
}

func jsonSame(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

func TestMock_usage(t *testing.T) {
	out, _, code := runCommand(t, "", "mock", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "-addr") {
		t.Errorf("mock --help: %d\n%s", code, out)
	}
	_, errOut, code := runCommand(t, "", "mock")
	if code != 2 || !strings.Contains(errOut, "no document") {
		t.Errorf("mock without a document: %d %s", code, errOut)
	}
	missing := filepath.Join(t.TempDir(), "missing.json")
	_, errOut, code = runCommand(t, "", "mock", missing)
	if code != 2 || !strings.Contains(errOut, "missing.json") {
		t.Errorf("mock of a missing file: %d %s", code, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"openrpc":"1.3.2","info":{"title":"x","version":"1"},"methods":[{"name":"a","params":[{"$ref":"#/nowhere"}]}]}`), 0o644)
	_, errOut, code = runCommand(t, "", "mock", bad)
	if code != 2 || !strings.Contains(errOut, "openrpc validate") {
		t.Errorf("mock of a broken document: %d %s", code, errOut)
	}
	// Another server on the port: the error says what to do.
	s := startServing(t, "mock", petstore)
	_, errOut, code = runCommand(t, "", "mock", petstore, "--addr", strings.TrimSuffix(strings.TrimPrefix(s.base, "http://"), "/"))
	if code != 2 || !strings.Contains(errOut, "--addr") {
		t.Errorf("mock on a taken port: %d %s", code, errOut)
	}
}
