package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openrpc-go/openrpc"
)

// testCost is the bcrypt cost of test servers: the lowest, to keep the tests fast.
const testCost = "4"

// testServer is the command's run function serving on a loopback port.
type testServer struct {
	addr string // host:port
	url  string // the JSON-RPC endpoint
	logs *syncBuffer
	stop func() // shuts the server down and waits for run to return; idempotent
}

// startServer runs the command with args (plus -addr 127.0.0.1:0 and -bcrypt-cost 4
// unless given) and env as its environment. The server stops at the end of the test, which
// fails if run fails.
func startServer(t testing.TB, env map[string]string, args ...string) *testServer {
	t.Helper()
	if !hasFlag(args, "-addr") {
		args = append(args, "-addr", "127.0.0.1:0")
	}
	if !hasFlag(args, "-bcrypt-cost") {
		args = append(args, "-bcrypt-cost", testCost)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	logs := new(syncBuffer)
	go func() {
		errc <- run(ctx, args, func(k string) string { return env[k] }, logs, func(addr string) { addrc <- addr })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		cancel()
		t.Fatalf("run %q: %v\n%s", args, err, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("run %q: not listening after 30s\n%s", args, logs.String())
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("run: %v\n%s", err, logs.String())
			}
		})
	}
	t.Cleanup(stop)
	return &testServer{addr: addr, url: "http://" + addr + "/api/v1", logs: logs, stop: stop}
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// reply is a JSON-RPC response.
type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *openrpc.Error  `json:"error"`
}

// call calls method over HTTP with the given Authorization header ("" for none) and
// returns the response. params may be nil, a value to encode, or a json.RawMessage.
func call(t testing.TB, endpoint, authorization, method string, params any) reply {
	t.Helper()
	body, status := post(t, endpoint, authorization, method, params)
	if status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", method, status, body)
	}
	var r reply
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%s: %v: %s", method, err, body)
	}
	if (r.Error == nil) == (r.Result == nil) {
		t.Fatalf("%s: want a result or an error: %s", method, body)
	}
	return r
}

// post sends one JSON-RPC request and returns the raw response body and status.
func post(t testing.TB, endpoint, authorization, method string, params any) ([]byte, int) {
	t.Helper()
	body, status, err := postContext(context.Background(), endpoint, authorization, method, params)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return body, status
}

func postContext(ctx context.Context, endpoint, authorization, method string, params any) ([]byte, int, error) {
	req := map[string]any{"jsonrpc": "2.0", "method": method, "id": 1}
	if params != nil {
		req["params"] = params
	}
	msg, err := json.Marshal(req)
	if err != nil {
		return nil, 0, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(msg))
	if err != nil {
		return nil, 0, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		hreq.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return body, resp.StatusCode, err
}

// rpcOverHTTP calls method and decodes the response, without a test to fail.
func rpcOverHTTP(ctx context.Context, endpoint, authorization, method string, params any) (reply, error) {
	body, status, err := postContext(ctx, endpoint, authorization, method, params)
	if err != nil {
		return reply{}, err
	}
	if status != http.StatusOK {
		return reply{}, fmt.Errorf("%s: status %d: %s", method, status, body)
	}
	var r reply
	if err := json.Unmarshal(body, &r); err != nil {
		return reply{}, fmt.Errorf("%s: %v: %s", method, err, body)
	}
	return r, nil
}

func bearer(token string) string { return "Bearer " + token }

// signUp signs a user up and fails the test unless it succeeds.
func signUp(t testing.TB, endpoint, username, password string) {
	t.Helper()
	r := call(t, endpoint, "", "sign_up", Credentials{Username: username, Password: password})
	if r.Error != nil || string(r.Result) != "null" {
		t.Fatalf("sign_up %q: got %s %v, want null", username, r.Result, r.Error)
	}
}

// signIn signs a user in and returns the access token.
func signIn(t testing.TB, endpoint, username, password string) string {
	t.Helper()
	r := call(t, endpoint, "", "sign_in", Credentials{Username: username, Password: password})
	if r.Error != nil {
		t.Fatalf("sign_in %q: %v", username, r.Error)
	}
	var tok Token
	if err := json.Unmarshal(r.Result, &tok); err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "bearer" || tok.AccessToken == "" {
		t.Fatalf("sign_in %q: got %s, want a bearer token", username, r.Result)
	}
	return tok.AccessToken
}

// wantError fails the test unless r is the error code with the given data (nil: any).
func wantError(t testing.TB, r reply, code openrpc.Code, data string) {
	t.Helper()
	if r.Error == nil {
		t.Fatalf("got result %s, want error %d", r.Result, code)
	}
	if r.Error.Code != code {
		t.Fatalf("got error %v, want code %d", r.Error, code)
	}
	if data != "" && !jsonEqual(r.Error.Data, []byte(data)) {
		t.Fatalf("got error data %s, want %s", r.Error.Data, data)
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

const (
	unauthenticated = `{"reason":"unauthenticated"}`
)

// testKey returns a random secret key and its hex form, for AUTH_SECRET_KEY.
func testKey(t testing.TB) ([]byte, string) {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	return key, hex.EncodeToString(key)
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// databases are the stores tests run on: a fresh SQLite file, and a fresh schema of the
// machine's PostgreSQL (skipped or failed as postgresURL says when it is not configured).
var databases = []struct {
	name string
	db   func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return sqlitePath(t) }},
	{"postgres", func(t *testing.T) string { return postgresURL(t) }},
}

func sqlitePath(t testing.TB) string { return filepath.Join(t.TempDir(), "auth.db") }

// postgresURL returns the URL of a fresh schema in the PostgreSQL database that
// OPENRPC_TEST_POSTGRES names, dropped at the end of the test. Without that variable the
// test is skipped, except under CI=true, where it fails: CI never silently skips
// PostgreSQL.
func postgresURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("OPENRPC_TEST_POSTGRES")
	if dsn == "" {
		msg := "OPENRPC_TEST_POSTGRES is not set: set it to a PostgreSQL URL such as " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: PostgreSQL tests must run)")
		}
		t.Skip(msg)
	}
	if !isPostgresURL(dsn) {
		t.Fatalf("OPENRPC_TEST_POSTGRES=%q: want a postgres:// URL", dsn)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("OPENRPC_TEST_POSTGRES: %v", err)
	}
	schema := "auth_test_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("PostgreSQL at OPENRPC_TEST_POSTGRES is unreachable: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// syncBuffer is a bytes.Buffer safe for concurrent use: the server's log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// count returns how many lines of the log contain s.
func (b *syncBuffer) count(s string) int {
	n := 0
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

var discardLogger = slog.New(slog.DiscardHandler)

func listenLoopback() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
