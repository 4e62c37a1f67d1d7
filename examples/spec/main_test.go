package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// startServer runs the command's run function on a loopback port and returns the endpoint
// URL. The server shuts down at the end of the test, and the test fails if run fails.
func startServer(t *testing.T) string {
	t.Helper()
	url, _ := startServerAt(t, "127.0.0.1:0")
	return url
}

// startServerAt is startServer listening on addr; it returns the server's log too.
func startServerAt(t *testing.T, addr string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	logs := new(syncBuffer)
	go func() {
		errc <- run(ctx, []string{"-addr", addr}, logs, func(addr string) { addrc <- addr })
	}()
	var listening string
	select {
	case listening = <-addrc:
	case err := <-errc:
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return "http://" + listening + "/api/v1", logs
}

func post(t *testing.T, url, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(url, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestSpecVectorsOverHTTP(t *testing.T) {
	url := startServer(t)
	openrpctest.RunSpecVectors(t, func(t *testing.T, req []byte) []byte {
		resp, body := post(t, url, "application/json", req)
		switch resp.StatusCode {
		case http.StatusNoContent:
			if len(body) != 0 {
				t.Errorf("204 with body %q", body)
			}
			return nil
		case http.StatusOK:
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			return body
		}
		t.Fatalf("status %d: %s", resp.StatusCode, body)
		return nil
	})
}

func TestAdd(t *testing.T) {
	url := startServer(t)
	for _, tt := range []struct {
		name, req, want string
	}{
		{"by name", `{"jsonrpc":"2.0","method":"add","params":{"a":2,"b":3},"id":1}`, `{"jsonrpc":"2.0","result":5,"id":1}`},
		{"by position", `{"jsonrpc":"2.0","method":"add","params":[2,3],"id":"x"}`, `{"jsonrpc":"2.0","result":5,"id":"x"}`},
		{"missing param", `{"jsonrpc":"2.0","method":"add","params":[2],"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/b","message":"required param is missing"}]}},"id":1}`},
		{"wrong type", `{"jsonrpc":"2.0","method":"add","params":{"a":"2","b":3},"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/a","message":"expected integer, got string"}]}},"id":1}`},
		{"notification-only method called", `{"jsonrpc":"2.0","method":"update","params":[1],"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":{"error":"method \"update\" accepts only notifications: send it without an id"}},"id":1}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, body := post(t, url, "application/json", []byte(tt.req))
			if err := openrpctest.EqualJSON([]byte(tt.want), body); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestHTTPProtocol(t *testing.T) {
	url := startServer(t)
	call := []byte(`{"jsonrpc":"2.0","method":"add","params":[1,2],"id":7}`)
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/json-rpc",
		"application/jsonrequest", "application/x-www-form-urlencoded", ""} {
		t.Run("content type "+ct, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(call))
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", resp.StatusCode, body)
			}
			if err := openrpctest.EqualJSON([]byte(`{"jsonrpc":"2.0","result":3,"id":7}`), body); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("unsupported content type", func(t *testing.T) {
		resp, _ := post(t, url, "text/xml", call)
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("status %d, want 415", resp.StatusCode)
		}
	})
	t.Run("GET", func(t *testing.T) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
			t.Errorf("status %d Allow %q, want 405 POST", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
	t.Run("too large", func(t *testing.T) {
		big := append([]byte(`{"jsonrpc":"2.0","method":"sum","params":[`), bytes.Repeat([]byte("1,"), 3<<20)...)
		big = append(big, `1],"id":1}`...)
		resp, body := post(t, url, "application/json", big)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", resp.StatusCode)
		}
		var msg struct {
			Error struct{ Code int } `json:"error"`
		}
		if err := json.Unmarshal(body, &msg); err != nil || msg.Error.Code != -32003 {
			t.Errorf("body %s, want a -32003 error", body)
		}
		// The server keeps serving.
		resp, body = post(t, url, "application/json", call)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"result":3`) {
			t.Errorf("after a refused request: status %d body %s", resp.StatusCode, body)
		}
	})
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestDocument pins the service's OpenRPC document, served by rpc.discover and at
// /openrpc.json; examples/metaschema checks the golden file against the meta-schema.
func TestDocument(t *testing.T) {
	url := startServer(t)
	_, body := post(t, url, "application/json", []byte(`{"jsonrpc":"2.0","method":"rpc.discover","id":1}`))
	var reply struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(body, &reply); err != nil || reply.Result == nil {
		t.Fatalf("rpc.discover: %s", body)
	}
	resp, err := http.Get(strings.TrimSuffix(url, "/api/v1") + "/openrpc.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || !bytes.Equal(doc, reply.Result) {
		t.Errorf("GET /openrpc.json: %d %q, want the rpc.discover result", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	openrpctest.CheckGolden(t, "testdata/spec.openrpc.golden", doc, *update)
}

// TestClient round-trips the Go client against the running service over HTTP and WebSocket.
func TestClient(t *testing.T) {
	url := startServer(t)
	ws, err := rpchttp.DialWebSocket(context.Background(), "ws"+strings.TrimPrefix(url, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for name, c := range map[string]*openrpc.Client{"http": rpchttp.NewClient(url, nil), "websocket": ws} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if got, err := openrpc.Call[int](ctx, c, "add", AddParams{A: 2, B: 3}); err != nil || got != 5 {
				t.Errorf("add: got %v, %v; want 5", got, err)
			}
			if got, err := openrpc.Call[float64](ctx, c, "sum", []float64{1, 2, 4}); err != nil || got != 7 {
				t.Errorf("sum: got %v, %v; want 7", got, err)
			}
			if err := c.Notify(ctx, "notify_hello", []int{7}); err != nil {
				t.Errorf("notify: %v", err)
			}
			var diff float64
			batch := []openrpc.BatchCall{{Method: "subtract", Params: SubtractParams{Minuend: 42, Subtrahend: 23}, Result: &diff}, {Method: "update", Params: []int{1}, Notify: true}}
			if err := c.Batch(ctx, batch); err != nil || batch[0].Err != nil || diff != 19 {
				t.Errorf("batch: %v %v %v", err, batch[0].Err, diff)
			}
			var e *openrpc.Error
			if _, err := openrpc.Call[int](ctx, c, "add", []int{1}); !errors.As(err, &e) || e.Code != openrpc.CodeInvalidParams {
				t.Errorf("bad params: got %v, want -32602", err)
			}
		})
	}
}

// TestRun_clickableURL: the start-up log gives URLs a person can open, also when the server
// listens on every address (regression: it printed http://[::]:8081/api/v1).
func TestRun_clickableURL(t *testing.T) {
	_, logs := startServerAt(t, ":0")
	if !regexp.MustCompile(`url=http://localhost:\d+/api/v1 docs=http://localhost:\d+/\n`).MatchString(logs.String()) {
		t.Errorf("start-up log without URLs on localhost:\n%s", logs)
	}
}

// TestNotifications_logSizeNotParams: a notification is logged with its method and the size
// of its params, never the params themselves (regression: a 4.9 MiB notification wrote
// 4.9 MiB of log, and 300 at once took the RSS to 5.6 GB).
func TestNotifications_logSizeNotParams(t *testing.T) {
	url, logs := startServerAt(t, "127.0.0.1:0")
	params := "[" + strings.Repeat(`"secret-payload",`, 64<<10) + `"end"]` // 1 MiB
	for _, method := range []string{"update", "notify_hello", "notify_sum"} {
		resp, body := post(t, url, "application/json", []byte(`{"jsonrpc":"2.0","method":"`+method+`","params":`+params+`}`))
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%s: status %d %s, want 204", method, resp.StatusCode, body)
		}
		// The handler has run once the response is written: the log line is there.
		want := fmt.Sprintf("msg=notification method=%s params_bytes=%d\n", method, len(params))
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log without %q:\n%.300s", want, logs)
		}
	}
	if strings.Contains(logs.String(), "secret-payload") {
		t.Errorf("the log holds the params (%d bytes)", len(logs.String()))
	}
}

// TestArithmetic_outOfRange: results JSON cannot carry (an integer sum beyond the integer
// range, a float64 overflow to infinity) are Invalid params saying why, not a wrapped-around
// sum or an Internal error.
func TestArithmetic_outOfRange(t *testing.T) {
	url := startServer(t)
	intRange := fmt.Sprintf(`{"errors":[{"path":"","message":"the sum of a and b is out of the integer range %d to %d"}]}`, math.MinInt, math.MaxInt)
	floatRange := `{"errors":[{"path":"","message":"the result overflows: it is beyond ±1.7976931348623157e+308, the float64 range"}]}`
	for _, tt := range []struct {
		name, call, want string
	}{
		{"add max+1", `"add","params":[9223372036854775807,1]`, `"error":{"code":-32602,"message":"Invalid params","data":` + intRange + `}`},
		{"add min-1", `"add","params":{"a":-9223372036854775808,"b":-1}`, `"error":{"code":-32602,"message":"Invalid params","data":` + intRange + `}`},
		{"add min+min", `"add","params":[-9223372036854775808,-9223372036854775808]`, `"error":{"code":-32602,"message":"Invalid params","data":` + intRange + `}`},
		{"add max+min", `"add","params":[9223372036854775807,-9223372036854775808]`, `"result":-1`},
		{"add max+0", `"add","params":[9223372036854775807,0]`, `"result":9223372036854775807`},
		{"add min+0", `"add","params":[-9223372036854775808,0]`, `"result":-9223372036854775808`},
		{"sum overflow", `"sum","params":[1e308,1e308]`, `"error":{"code":-32602,"message":"Invalid params","data":` + floatRange + `}`},
		{"sum negative overflow", `"sum","params":[-1e308,-1e308]`, `"error":{"code":-32602,"message":"Invalid params","data":` + floatRange + `}`},
		{"sum largest", `"sum","params":[1.7976931348623157e308,0]`, `"result":1.7976931348623157e+308`},
		{"subtract overflow", `"subtract","params":[-1e308,1e308]`, `"error":{"code":-32602,"message":"Invalid params","data":` + floatRange + `}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, body := post(t, url, "application/json", []byte(`{"jsonrpc":"2.0","method":`+tt.call+`,"id":1}`))
			if err := openrpctest.EqualJSON([]byte(`{"jsonrpc":"2.0",`+tt.want+`,"id":1}`), body); err != nil {
				t.Error(err)
			}
		})
	}
}

// BenchmarkNotification measures one update notification with 1 MiB of params (half a
// million numbers), processed in memory: what it allocates is what 300 of them at once
// multiply.
//
//	go test ./examples/spec -run '^$' -bench Notification
func BenchmarkNotification(b *testing.B) {
	srv := newServer(slog.New(slog.DiscardHandler))
	msg := []byte(`{"jsonrpc":"2.0","method":"update","params":[` + strings.Repeat("1,", 512<<10) + `1]}`)
	ctx := context.Background()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if reply := srv.Process(ctx, msg); reply != nil {
			b.Fatalf("a reply to a notification: %s", reply)
		}
	}
}
