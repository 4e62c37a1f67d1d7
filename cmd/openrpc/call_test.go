package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/exampletest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// callOutcome is what a command printed and its exit status.
type callOutcome struct {
	stdout, stderr string
	status         int
}

// callRunInProcess runs the command line through run, with stdin and the environment vars given.
func callRunInProcess(t *testing.T, stdin string, vars map[string]string, args ...string) callOutcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	status := run(t.Context(), e, args)
	return callOutcome{stdout.String(), stderr.String(), status}
}

type echoParams struct {
	S    string                    `json:"s"`
	I    int                       `json:"i"`
	B    bool                      `json:"b"`
	Tags []string                  `json:"tags"`
	N    openrpc.Optional[float64] `json:"n"`
}

// echoResult is echoParams without null for n when n was not given.
type echoResult struct {
	S    string   `json:"s"`
	I    int      `json:"i"`
	B    bool     `json:"b"`
	Tags []string `json:"tags"`
	N    *float64 `json:"n,omitempty"`
}

// callTestServer serves, in-process over HTTP and WebSocket: echo (its params back), fail
// (an error with data), slow (no answer until the call is canceled), old (deprecated) and
// whoami (the Authorization and X-Test headers). It counts the calls of echo.
type callTestServer struct {
	url    string // the JSON-RPC endpoint, http://
	echoes atomic.Int64
}

func startCallTestServer(t *testing.T) *callTestServer {
	t.Helper()
	ts := &callTestServer{}
	srv := openrpc.NewServer(openrpc.Info{Title: "test", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "echo"}, func(ctx context.Context, p echoParams) (echoResult, error) {
		ts.echoes.Add(1)
		r := echoResult{S: p.S, I: p.I, B: p.B, Tags: p.Tags}
		if n, ok := p.N.Get(); ok {
			r.N = &n
		}
		return r, nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "fail"}, func(ctx context.Context, p struct{}) (struct{}, error) {
		return struct{}{}, openrpc.NewError(4001, "it failed", map[string]string{"why": "asked to"})
	})
	openrpc.Register(srv, openrpc.Method{Name: "slow"}, func(ctx context.Context, p struct{}) (struct{}, error) {
		<-ctx.Done()
		return struct{}{}, ctx.Err()
	})
	openrpc.Register(srv, openrpc.Method{Name: "old", Deprecated: true}, func(ctx context.Context, p struct{}) (int, error) {
		return 1, nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "whoami"}, func(ctx context.Context, p struct{}) (string, error) {
		c := openrpc.CallerFrom(ctx)
		return c.Get("Authorization") + "|" + c.Get("X-Test"), nil
	})
	hs := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	t.Cleanup(hs.Close)
	ts.url = hs.URL
	return ts
}

func TestCallConvertsArgs(t *testing.T) {
	ts := startCallTestServer(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"s=42", "i=42", "b=true", `tags=["x","y"]`}, `{"s":"42","i":42,"b":true,"tags":["x","y"]}`},
		{[]string{"s=hello world", "i=-3", "b=false", "tags=[]", "n=2.5"}, `{"s":"hello world","i":-3,"b":false,"tags":[],"n":2.5}`},
		{[]string{"tags:=[]", "b=false", "i=0", "s=true"}, `{"s":"true","i":0,"b":false,"tags":[]}`},
		{[]string{"x", "1", "true", `["a"]`}, `{"s":"x","i":1,"b":true,"tags":["a"]}`},
		{[]string{`{"tags":[],"s":"j","i":1,"b":true}`}, `{"s":"j","i":1,"b":true,"tags":[]}`},
	} {
		out := callRunInProcess(t, "", nil, append([]string{"call", "--json", ts.url, "echo"}, tt.args...)...)
		if out.status != 0 || strings.TrimSpace(out.stdout) != tt.want {
			t.Errorf("echo %q: status %d, stdout %q, stderr %q; want %s", tt.args, out.status, out.stdout, out.stderr, tt.want)
		}
	}
	if n := ts.echoes.Load(); n != 5 {
		t.Errorf("the server got %d calls of echo, want 5", n)
	}
}

func TestCallRefusesLocally(t *testing.T) {
	ts := startCallTestServer(t)
	for _, tt := range []struct {
		args []string
		want string // on stderr
	}{
		{[]string{"echo", "s=x", "i=seven", "b=true", "tags=[]"}, `param "i": want integer, got "seven"`},
		{[]string{"echo", "s=x", "i=1.5", "b=true", "tags=[]"}, `param "i"`},
		{[]string{"echo", "s=x", "i=1", "b=yes", "tags=[]"}, `param "b"`},
		{[]string{"echo", "s=x", "i=1", "b=true"}, `param "tags": missing: it is required`},
		{[]string{"echo", `{"s":"j","i":1,"b":true,"tags":null}`}, `param "tags": got null, want array`},
		{[]string{"echo", "s=x", "i=1", "b=true", "tagz=[]"}, `param "tagz": echo has no such param; did you mean "tags"?`},
		{[]string{"ecko"}, `has no method "ecko"; did you mean "echo"? run "openrpc discover ` + ts.url + `" for the list`},
	} {
		out := callRunInProcess(t, "", nil, append([]string{"call", ts.url}, tt.args...)...)
		if out.status != 2 || !strings.Contains(out.stderr, tt.want) || out.stdout != "" {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want status 2 and %q", tt.args, out.status, out.stdout, out.stderr, tt.want)
		}
	}
	if n := ts.echoes.Load(); n != 0 {
		t.Errorf("the server got %d calls of echo, want none", n)
	}
}

func TestCallErrorReply(t *testing.T) {
	ts := startCallTestServer(t)
	out := callRunInProcess(t, "", nil, "call", ts.url, "fail")
	if out.status != 1 || out.stdout != "" {
		t.Fatalf("status %d, stdout %q, want 1 and nothing", out.status, out.stdout)
	}
	want := "fail: error 4001: it failed\ndata: {\n  \"why\": \"asked to\"\n}\n"
	if out.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", out.stderr, want)
	}
	out = callRunInProcess(t, "", nil, "call", "--json", ts.url, "fail")
	if want := `{"code":4001,"message":"it failed","data":{"why":"asked to"}}` + "\n"; out.status != 1 || out.stderr != want {
		t.Errorf("--json: status %d, stderr %q, want 1 and %q", out.status, out.stderr, want)
	}
}

func TestCallOutput(t *testing.T) {
	ts := startCallTestServer(t)
	args := []string{"call", ts.url, "echo", "s=a", "i=1", "b=true", "tags=[]"}
	pretty := "{\n  \"s\": \"a\",\n  \"i\": 1,\n  \"b\": true,\n  \"tags\": []\n}\n"
	colored := "{\n  \x1b[34;1m\"s\"\x1b[0m: \x1b[32m\"a\"\x1b[0m,\n  \x1b[34;1m\"i\"\x1b[0m: \x1b[0m1\x1b[0m,\n" +
		"  \x1b[34;1m\"b\"\x1b[0m: \x1b[0;39mtrue\x1b[0m,\n  \x1b[34;1m\"tags\"\x1b[0m: []\n}\n"
	for _, tt := range []struct {
		name string
		vars map[string]string
		json bool
		want string
	}{
		{"not a terminal", nil, false, pretty},
		{"CLICOLOR_FORCE", map[string]string{"CLICOLOR_FORCE": "1"}, false, colored},
		{"NO_COLOR wins", map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false, pretty},
		{"--json", map[string]string{"CLICOLOR_FORCE": "1"}, true, `{"s":"a","i":1,"b":true,"tags":[]}` + "\n"},
	} {
		a := args
		if tt.json {
			a = append([]string{"call", "--json"}, args[1:]...)
		}
		out := callRunInProcess(t, "", tt.vars, a...)
		if out.status != 0 || out.stdout != tt.want {
			t.Errorf("%s: status %d, stdout %q, want %q (stderr %q)", tt.name, out.status, out.stdout, tt.want, out.stderr)
		}
	}
}

func TestCallDeprecated(t *testing.T) {
	ts := startCallTestServer(t)
	out := callRunInProcess(t, "", nil, "call", ts.url, "old")
	if out.status != 0 || out.stdout != "1\n" || out.stderr != "openrpc call: old is deprecated\n" {
		t.Errorf("status %d, stdout %q, stderr %q; want 0, 1 and a warning", out.status, out.stdout, out.stderr)
	}
}

func TestCallHeadersAndBearer(t *testing.T) {
	ts := startCallTestServer(t)
	ws := "ws" + strings.TrimPrefix(ts.url, "http")
	for _, url := range []string{ts.url, ws} {
		out := callRunInProcess(t, "", map[string]string{"OPENRPC_BEARER": "from-env"}, "call", "--json", url, "whoami", "--header", "X-Test: yes")
		if want := `"Bearer from-env|yes"` + "\n"; out.status != 0 || out.stdout != want {
			t.Errorf("%s: status %d, stdout %q, stderr %q; want %q", url, out.status, out.stdout, out.stderr, want)
		}
		out = callRunInProcess(t, "", map[string]string{"OPENRPC_BEARER": "from-env"}, "call", "--json", "--bearer", "flag", url, "whoami")
		if want := `"Bearer flag|"` + "\n"; out.status != 0 || out.stdout != want {
			t.Errorf("%s --bearer: status %d, stdout %q, stderr %q; want %q", url, out.status, out.stdout, out.stderr, want)
		}
	}
}

func TestCallTimeout(t *testing.T) {
	ts := startCallTestServer(t)
	for _, url := range []string{ts.url, "ws" + strings.TrimPrefix(ts.url, "http")} {
		out := callRunInProcess(t, "", nil, "call", "--timeout", "100ms", url, "slow")
		if out.status != 2 || !strings.Contains(out.stderr, "no answer from "+url+" within 100ms: give a longer --timeout") {
			t.Errorf("%s: status %d, stderr %q; want 2 and a hint to --timeout", url, out.status, out.stderr)
		}
	}
}

func TestCallBatch(t *testing.T) {
	ts := startCallTestServer(t)
	in := `# a comment, then a blank line

echo s=one i=1 b=true 'tags=["a b"]'
fail
{"method": "echo", "params": {"s": "two", "i": 2, "b": false, "tags": []}}
`
	out := callRunInProcess(t, in, nil, "call", ts.url, "-")
	want := `{"result":{"s":"one","i":1,"b":true,"tags":["a b"]}}
{"error":{"code":4001,"message":"it failed","data":{"why":"asked to"}}}
{"result":{"s":"two","i":2,"b":false,"tags":[]}}
`
	if out.status != 1 || out.stdout != want || out.stderr != "line 4: fail: error 4001: it failed\n" {
		t.Errorf("status %d\nstdout:\n%s\nstderr:\n%s\nwant status 1 and\n%s", out.status, out.stdout, out.stderr, want)
	}

	out = callRunInProcess(t, "echo s=x i=1 b=true tags=[]\n", nil, "call", ts.url, "-")
	if out.status != 0 || out.stdout != `{"result":{"s":"x","i":1,"b":true,"tags":[]}}`+"\n" {
		t.Errorf("a batch without errors: status %d, stdout %q, stderr %q", out.status, out.stdout, out.stderr)
	}

	before := ts.echoes.Load()
	out = callRunInProcess(t, "echo s=x i=1 b=true tags=[]\necho i=x\nnope\necho 'a\n", nil, "call", ts.url, "-")
	for _, w := range []string{`line 2: echo: param "i": want integer, got "x"`, `line 3: nope: the document`, `line 4: a ' is not closed`, "nothing was sent"} {
		if !strings.Contains(out.stderr, w) {
			t.Errorf("stderr %q lacks %q", out.stderr, w)
		}
	}
	if out.status != 2 || out.stdout != "" || ts.echoes.Load() != before {
		t.Errorf("a batch with bad lines: status %d, stdout %q, %d echoes sent; want 2, nothing, none", out.status, out.stdout, ts.echoes.Load()-before)
	}

	if out := callRunInProcess(t, "\n# nothing\n", nil, "call", ts.url, "-"); out.status != 2 || !strings.Contains(out.stderr, "no calls") {
		t.Errorf("an empty batch: status %d, stderr %q", out.status, out.stderr)
	}
}

func TestCallNoDiscover(t *testing.T) {
	var got atomic.Value
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		json.Unmarshal(b, &req)
		w.Header().Set("Content-Type", "application/json")
		if req.Method == "rpc.discover" {
			w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"error":{"code":-32601,"message":"Method not found"}}`))
			return
		}
		got.Store(string(req.Params))
		w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"result":"0x10"}`))
	}))
	defer hs.Close()

	out := callRunInProcess(t, "", nil, "call", hs.URL, "eth_blockNumber")
	if out.status != 2 || !strings.Contains(out.stderr, "does not serve its document") || !strings.Contains(out.stderr, "--no-discover") {
		t.Errorf("without --no-discover: status %d, stderr %q", out.status, out.stderr)
	}
	out = callRunInProcess(t, "", nil, "call", "--no-discover", "--json", hs.URL, "get", "a=1", "b=x", "c:=\"1\"")
	if out.status != 0 || out.stdout != `"0x10"`+"\n" || got.Load() != `{"a":1,"b":"x","c":"1"}` {
		t.Errorf("--no-discover: status %d, stdout %q, stderr %q, params sent %v", out.status, out.stdout, out.stderr, got.Load())
	}

	// --doc gives the document the service does not serve.
	doc := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(doc, []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"methods":[
		{"name":"get","params":[{"name":"a","schema":{"type":"string"}}],"result":{"name":"r","schema":{}}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out = callRunInProcess(t, "", nil, "call", "--doc", doc, hs.URL, "get", "a=1")
	if out.status != 0 || got.Load() != `{"a":"1"}` {
		t.Errorf("--doc: status %d, stderr %q, params sent %v", out.status, out.stderr, got.Load())
	}
	out = callRunInProcess(t, "", nil, "call", "--doc", doc, hs.URL, "get", "b=1")
	if out.status != 2 || !strings.Contains(out.stderr, `param "b": get has no such param; it takes a`) {
		t.Errorf("--doc, unknown param: status %d, stderr %q", out.status, out.stderr)
	}
}

func TestCallUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"call"}, "give the service's URL and a METHOD"},
		{[]string{"call", "openrpc.json", "m"}, `"openrpc.json" is not a service URL`},
		{[]string{"call", "--timeout", "0s", "http://127.0.0.1:1/", "m"}, "--timeout must be positive"},
		{[]string{"call", "http://127.0.0.1:1/", "-", "x"}, "a batch comes from standard input alone"},
		{[]string{"call", "--doc", "-", "http://127.0.0.1:1/", "-"}, "standard input cannot hold both"},
		{[]string{"call", "http://127.0.0.1:1/", "m"}, "check that http://127.0.0.1:1/ is the service's JSON-RPC endpoint"},
	} {
		out := callRunInProcess(t, "", nil, tt.args...)
		if out.status != 2 || !strings.Contains(out.stderr, tt.want) {
			t.Errorf("%q: status %d, stderr %q; want 2 and %q", tt.args, out.status, out.stderr, tt.want)
		}
	}
	out := callRunInProcess(t, "", nil, "call", "--help")
	if out.status != 0 || !strings.Contains(out.stdout, "Examples:") || !strings.Contains(out.stdout, "Exit status") {
		t.Errorf("--help: status %d, stdout %q", out.status, out.stdout)
	}
}

// countingProxy forwards HTTP requests to target and counts the JSON-RPC calls in them
// other than rpc.discover.
type countingProxy struct {
	url      string
	calls    atomic.Int64
	requests atomic.Int64 // HTTP requests with such calls
}

func startCountingProxy(t *testing.T, target string) *countingProxy {
	p := &countingProxy{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var reqs []struct{ Method string }
		if json.Unmarshal(body, &reqs) != nil {
			var one struct{ Method string }
			json.Unmarshal(body, &one)
			reqs = append(reqs, one)
		}
		n := int64(0)
		for _, req := range reqs {
			if req.Method != "rpc.discover" {
				n++
			}
		}
		if n > 0 {
			p.calls.Add(n)
			p.requests.Add(1)
		}
		out, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(hs.Close)
	p.url = hs.URL
	return p
}

// TestLiveExamples runs examples/auth and examples/spec once for the tests of the built
// command and of discover against live services.
func TestLiveExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs examples/auth and examples/spec")
	}
	bin := filepath.Join(t.TempDir(), "openrpc")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	auth := exampletest.StartAuth(t)
	spec := exampletest.Start(t, "spec", nil)
	t.Run("CallAuth", func(t *testing.T) { testCallBinaryAuth(t, bin, auth) })
	t.Run("CallSpec", func(t *testing.T) { testCallSpec(t, spec) })
	t.Run("Discover", func(t *testing.T) {
		testDiscoverLive(t, "auth", auth)
		testDiscoverLive(t, "spec", spec)
	})
}

// cliRun runs the built command.
func cliRun(t *testing.T, bin, stdin string, env []string, args ...string) callOutcome {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &stdout, &stderr
	cmd.Env = append(os.Environ(), "NO_COLOR=", "CLICOLOR_FORCE=", "OPENRPC_BEARER=")
	cmd.Env = append(cmd.Env, env...)
	err := cmd.Run()
	status := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		status = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return callOutcome{stdout.String(), stderr.String(), status}
}

// testCallBinaryAuth runs the built command against examples/auth at base, over HTTP
// through a proxy that counts the calls, and over WebSocket.
func testCallBinaryAuth(t *testing.T, bin, base string) {
	proxy := startCountingProxy(t, base+"/api/v1")
	cli := func(env []string, args ...string) callOutcome {
		t.Helper()
		return cliRun(t, bin, "", env, args...)
	}

	out := cli(nil, "call", proxy.url, "sign_up", "username=alice", "password=correct-horse-1")
	if out.status != 0 || out.stdout != "null\n" {
		t.Fatalf("sign_up: status %d, stdout %q, stderr %q", out.status, out.stdout, out.stderr)
	}
	out = cli(nil, "call", "--json", proxy.url, "sign_in", "username=alice", "password=correct-horse-1")
	var token struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal([]byte(out.stdout), &token); out.status != 0 || err != nil || token.AccessToken == "" || token.TokenType != "bearer" {
		t.Fatalf("sign_in: status %d, stdout %q, stderr %q", out.status, out.stdout, out.stderr)
	}
	if n := proxy.calls.Load(); n != 2 {
		t.Fatalf("the proxy saw %d calls, want 2", n)
	}

	ws := "ws" + strings.TrimPrefix(base, "http") + "/api/v1"
	for _, url := range []string{proxy.url, ws} {
		out = cli(nil, "call", url, "get_caller", "--bearer", token.AccessToken)
		want := "{\n  \"username\": \"alice\",\n  \"security_schemes\": {\n    \"Bearer\": []\n  }\n}\n"
		if out.status != 0 || out.stdout != want {
			t.Errorf("%s get_caller --bearer: status %d, stdout %q, stderr %q; want %q", url, out.status, out.stdout, out.stderr, want)
		}
		out = cli([]string{"OPENRPC_BEARER=" + token.AccessToken}, "call", "--json", url, "get_caller")
		if out.status != 0 || !strings.Contains(out.stdout, `"username":"alice"`) {
			t.Errorf("%s get_caller with OPENRPC_BEARER: status %d, stdout %q, stderr %q", url, out.status, out.stdout, out.stderr)
		}

		// An error reply: exit status 1, the code on standard error.
		out = cli(nil, "call", url, "sign_in", "alice", "wrong-password-1")
		if out.status != 1 || out.stdout != "" || !strings.Contains(out.stderr, "sign_in: error 1002: ") {
			t.Errorf("%s sign_in with a wrong password: status %d, stdout %q, stderr %q; want 1 and error 1002", url, out.status, out.stdout, out.stderr)
		}
		out = cli(nil, "call", url, "get_caller")
		if out.status != 1 || !strings.Contains(out.stderr, "get_caller: error -32099: ") || !strings.Contains(out.stderr, "unauthenticated") ||
			!strings.Contains(out.stderr, "get_caller requires Bearer: give --bearer TOKEN") {
			t.Errorf("%s get_caller without a token: status %d, stderr %q; want 1, -32099 and its data", url, out.status, out.stderr)
		}
	}

	// Refused locally, naming the param; nothing reaches the server.
	before := proxy.calls.Load()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"sign_up", "username=bob", "password:=12345678"}, `param "password": got number, want string`},
		{[]string{"sign_up", "username=B", "password=correct-horse-1"}, `param "username": minLength`},
		{[]string{"sign_up", "username=bob"}, `param "password": missing`},
		{[]string{"grant_scopes", "username=alice", "scopes=admin"}, `param "scopes": want []string, got "admin": write it as JSON, scopes='[...]'`},
		{[]string{"sign_upp", "username=bob"}, `did you mean "sign_up"?`},
	} {
		out = cli(nil, append([]string{"call", proxy.url}, tt.args...)...)
		if out.status != 2 || !strings.Contains(out.stderr, tt.want) {
			t.Errorf("%q: status %d, stderr %q; want 2 and %q", tt.args, out.status, out.stderr, tt.want)
		}
	}
	if n := proxy.calls.Load() - before; n != 0 {
		t.Errorf("refused calls reached the server: %d", n)
	}

	// A batch on standard input, in one request.
	before, beforeRequests := proxy.calls.Load(), proxy.requests.Load()
	out = cliRun(t, bin, "sign_in alice correct-horse-1\nget_caller\n", nil, "call", proxy.url, "-")
	lines := strings.Split(strings.TrimSpace(out.stdout), "\n")
	if out.status != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], `{"result":{"access_token":"`) || !strings.HasPrefix(lines[1], `{"error":{"code":-32099`) {
		t.Errorf("batch: status %d (want 1: get_caller has no token), stdout:\n%s\nstderr:\n%s", out.status, out.stdout, out.stderr)
	}
	if n, r := proxy.calls.Load()-before, proxy.requests.Load()-beforeRequests; n != 2 || r != 1 {
		t.Errorf("the batch reached the server as %d calls in %d requests, want 2 in 1", n, r)
	}
}

// testCallSpec calls the methods of examples/spec at base: params by position, variadic.
func testCallSpec(t *testing.T, base string) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"subtract", "42", "23"}, "19"},
		{[]string{"subtract", "subtrahend=23", "minuend=42"}, "19"},
		{[]string{"sum", "1", "2", "3.5"}, "6.5"},
		{[]string{"sum", "[1, 2]"}, "3"},
		{[]string{"add", "a=2", "b=-3"}, "-1"},
	} {
		for _, url := range []string{base + "/api/v1", "ws" + strings.TrimPrefix(base, "http") + "/api/v1"} {
			out := callRunInProcess(t, "", nil, append([]string{"call", url}, tt.args...)...)
			if out.status != 0 || strings.TrimSpace(out.stdout) != tt.want {
				t.Errorf("%s %q: status %d, stdout %q, stderr %q; want %s", url, tt.args, out.status, out.stdout, out.stderr, tt.want)
			}
		}
	}
	out := callRunInProcess(t, "", nil, "call", base+"/api/v1", "add", "a=1.5", "b=1")
	if out.status != 2 || !strings.Contains(out.stderr, `param "a"`) {
		t.Errorf("add a=1.5: status %d, stderr %q; want 2, naming a", out.status, out.stderr)
	}
	for _, args := range [][]string{{"--notify", "notify_hello", "7"}, {"update", "1", "2"}} {
		out = callRunInProcess(t, "", nil, append([]string{"call", base + "/api/v1"}, args...)...)
		if out.status != 0 || out.stdout != "" || out.stderr != "" {
			t.Errorf("%q, a notification: status %d, stdout %q, stderr %q", args, out.status, out.stdout, out.stderr)
		}
	}
	// A subscription over WebSocket prints its events until it ends, or until --timeout.
	ws := "ws" + strings.TrimPrefix(base, "http") + "/api/v1"
	out = callRunInProcess(t, "", nil, "call", ws, "ticker", "interval_ms=10", "count=3")
	lines := strings.Split(strings.TrimSpace(out.stdout), "\n")
	if out.status != 0 || len(lines) != 3 || !strings.HasPrefix(lines[2], `{"n":3,`) || !strings.HasPrefix(out.stderr, "subscription ") {
		t.Errorf("ticker count=3: status %d, stdout %q, stderr %q; want 3 events", out.status, out.stdout, out.stderr)
	}
	out = callRunInProcess(t, "", nil, "call", "--timeout", "1s", ws, "ticker", "interval_ms=10", "count=1000")
	if lines := strings.Split(strings.TrimSpace(out.stdout), "\n"); out.status != 0 || len(lines) >= 1000 || !strings.HasPrefix(lines[0], `{"n":1,`) {
		t.Errorf("ticker until --timeout: status %d, %d events, stderr %q; want 0 and fewer than 1000", out.status, len(lines), out.stderr)
	}
	out = callRunInProcess(t, "", nil, "call", base+"/api/v1", "ticker", "interval_ms=10", "count=3")
	if out.status != 1 || !strings.Contains(out.stderr, "ticker is a subscription: call it with a ws:// or wss:// URL") {
		t.Errorf("ticker over HTTP: status %d, stderr %q; want 1 and a hint to ws://", out.status, out.stderr)
	}

	out = callRunInProcess(t, "update 1\nadd 1 2\nnotify_sum 4\n", nil, "call", base+"/api/v1", "-")
	if out.status != 0 || out.stdout != `{"result":3}`+"\n" {
		t.Errorf("a batch with notifications: status %d, stdout %q, stderr %q", out.status, out.stdout, out.stderr)
	}
}

func TestColorJSON(t *testing.T) {
	var b bytes.Buffer
	colorJSON(&b, []byte(`{"a: \"b\"":"x\"y: z","c":[1,-2.5e3,null,false]}`))
	want := "{\x1b[34;1m\"a: \\\"b\\\"\"\x1b[0m:\x1b[32m\"x\\\"y: z\"\x1b[0m,\x1b[34;1m\"c\"\x1b[0m:[" +
		"\x1b[0m1\x1b[0m,\x1b[0m-2.5e3\x1b[0m,\x1b[1;30mnull\x1b[0m,\x1b[0;39mfalse\x1b[0m]}"
	if b.String() != want {
		t.Errorf("colorJSON:\n%q\nwant\n%q", b.String(), want)
	}
}
