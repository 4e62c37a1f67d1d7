package openrpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

type addParams struct {
	A int `json:"a"`
	B int `json:"b"`
}

func add(_ context.Context, p addParams) (int, error) { return p.A + p.B, nil }

// process sends msg to srv and returns the response as a string ("" for none).
func process(t *testing.T, srv *openrpc.Server, msg string) string {
	t.Helper()
	return string(srv.Process(context.Background(), []byte(msg)))
}

func checkJSON(t *testing.T, got, want string) {
	t.Helper()
	if want == "" {
		if got != "" {
			t.Fatalf("got response %s, want none", got)
		}
		return
	}
	if err := openrpctest.EqualJSON([]byte(want), []byte(got)); err != nil {
		t.Fatal(err)
	}
}

const (
	invalidRequest = `{"code":-32600,"message":"Invalid Request"}`
	parseError     = `{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`
)

func TestServer_Process_edgeCases(t *testing.T) {
	srv := newSpecServer(t, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	deep := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	for _, tt := range []struct {
		name, req, want string
	}{
		{"id null is a request", `{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":null}`,
			`{"jsonrpc":"2.0","result":19,"id":null}`},
		{"big number id echoed byte for byte", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":12345678901234567890123}`,
			`{"jsonrpc":"2.0","result":3,"id":12345678901234567890123}`},
		{"fractional id echoed", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":-1.5e300}`,
			`{"jsonrpc":"2.0","result":3,"id":-1.5e300}`},
		{"empty string id", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":""}`, `{"jsonrpc":"2.0","result":3,"id":""}`},
		{"escaped method name", `{"jsonrpc":"2.0","method":"\u0061dd","params":[1,2],"id":1}`, `{"jsonrpc":"2.0","result":3,"id":1}`},
		{"members in any order, white space", " \n{ \"id\" : 1 ,\t\"params\" : [ 1 , 2 ] , \"method\" : \"add\" , \"jsonrpc\" : \"2.0\" }\r\n",
			`{"jsonrpc":"2.0","result":3,"id":1}`},
		{"unknown members ignored", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1,"x":{"y":[]}}`, `{"jsonrpc":"2.0","result":3,"id":1}`},
		{"jsonrpc 1.0", `{"jsonrpc":"1.0","method":"add","params":[1,2],"id":1}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":1}`},
		{"jsonrpc number", `{"jsonrpc":2.0,"method":"add","params":[1,2],"id":1}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":1}`},
		{"jsonrpc missing", `{"method":"add","params":[1,2],"id":1}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":1}`},
		{"jsonrpc missing, no id, still answered", `{"method":"add","params":[1,2]}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}`},
		{"id true", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":true}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}`},
		{"id object", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":{"a":1}}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}`},
		{"id array", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":[1]}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}`},
		{"method null", `{"jsonrpc":"2.0","method":null,"id":1}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":1}`},
		{"method missing", `{"jsonrpc":"2.0","id":1}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":1}`},
		{"params string", `{"jsonrpc":"2.0","method":"add","params":"1,2","id":1}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":1}`},
		{"params null", `{"jsonrpc":"2.0","method":"add","params":null,"id":1}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":1}`},
		{"duplicate id member", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1,"id":2}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":2}`},
		{"duplicate method member", `{"jsonrpc":"2.0","method":"add","method":"sum","params":[1,2],"id":1}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":1}`},
		{"method names are case sensitive", `{"jsonrpc":"2.0","method":"ADD","params":[1,2],"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}`},
		{"rpc. names are reserved", `{"jsonrpc":"2.0","method":"rpc.add","id":1}`, `{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}`},
		{"empty body", ``, parseError},
		{"white space only", " \n\t", parseError},
		{"trailing data", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1} {}`, parseError},
		{"trailing comma", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1,}`, parseError},
		{"invalid UTF-8", "{\"jsonrpc\":\"2.0\",\"method\":\"a\xffb\",\"id\":1}", parseError},
		{"NUL after request", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":1}\x00", parseError},
		{"single quotes", `{'jsonrpc':'2.0'}`, parseError},
		{"top-level null", `null`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}`},
		{"top-level string", `"add"`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}`},
		{"empty object", `{}`, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}`},
		{"empty batch with white space", ` [ ] `, `{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}`},
		{"batch of empty batch", `[[]]`, `[{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}]`},
		{"batch of null and object", `[null,{}]`, `[{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null},{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}]`},
		{"batch of one call", `[{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}]`, `[{"jsonrpc":"2.0","result":3,"id":1}]`},
		{"batch with invalid notification", `[{"jsonrpc":"2.0","method":1},{"jsonrpc":"2.0","method":"update","params":[1]}]`,
			`[{"jsonrpc":"2.0","error":` + invalidRequest + `,"id":null}]`},
		{"batch with duplicate ids answers both", `[{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1},{"jsonrpc":"2.0","method":"add","params":[3,4],"id":1}]`,
			`[{"jsonrpc":"2.0","result":3,"id":1},{"jsonrpc":"2.0","result":7,"id":1}]`},
		{"nesting too deep", `{"jsonrpc":"2.0","method":"sum","params":` + deep + `,"id":1}`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":{"error":"JSON nesting depth exceeds 128"}},"id":null}`},
		{"notification with bad params gets nothing", `{"jsonrpc":"2.0","method":"add","params":["x"]}`, ``},
		{"notification of a method that fails gets nothing", `{"jsonrpc":"2.0","method":"add","params":{"a":1}}`, ``},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkJSON(t, process(t, srv, tt.req), tt.want)
		})
	}
}

func TestServer_Process_debugExplainsInvalidMessages(t *testing.T) {
	srv := newSpecServer(t, &openrpc.ServerOptions{Debug: true})
	for _, tt := range []struct{ req, want string }{
		{`{"jsonrpc":"2.0","method":1,"id":1}`, `"method\" must be a string`},
		{`{"jsonrpc":"2.0","method":"x","params":"x","id":1}`, `"params\" must be an array or an object`},
		{`{"jsonrpc":"2.0","method":"x","id":true}`, `"id\" must be a string, a number or null`},
		{`{"jsonrpc":"2.0",`, `invalid JSON at byte 17: object key expected`},
		{`[]`, `empty batch`},
	} {
		got := process(t, srv, tt.req)
		if !strings.Contains(got, `"data":{"error":`) || !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %s, want data containing %s", tt.req, got, tt.want)
		}
	}
}

func TestServer_Process_limits(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Limits: openrpc.Limits{MaxRequestBytes: 200, MaxBatchItems: 3, MaxDepth: 4},
	})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	call := `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}`
	for _, tt := range []struct{ name, req, want string }{
		{"batch at the limit", "[" + call + "," + call + "," + call + "]",
			`[{"jsonrpc":"2.0","result":3,"id":1},{"jsonrpc":"2.0","result":3,"id":1},{"jsonrpc":"2.0","result":3,"id":1}]`},
		{"batch over the limit", `[1,2,3,4]`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":{"error":"batch has more than 3 items"}},"id":null}`},
		{"depth at the limit", `[{"jsonrpc":"2.0","method":"add","params":{"a":[1]},"id":1}]`,
			`[{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/a","message":"expected integer, got array"},{"path":"/b","message":"required param is missing"}]}},"id":1}]`},
		{"depth over the limit", `[{"jsonrpc":"2.0","method":"add","params":{"a":[[1]]},"id":1}]`,
			`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":{"error":"JSON nesting depth exceeds 4"}},"id":null}`},
		{"size over the limit", `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1,"pad":"` + strings.Repeat("x", 200) + `"}`,
			`{"jsonrpc":"2.0","error":{"code":-32003,"message":"Request too large","data":{"error":"the message exceeds the limit of 200 bytes"}},"id":null}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkJSON(t, process(t, srv, tt.req), tt.want)
		})
	}
	if got := srv.Limits(); got.BatchConcurrency != openrpc.DefaultBatchConcurrency {
		t.Errorf("BatchConcurrency = %d, want the default %d", got.BatchConcurrency, openrpc.DefaultBatchConcurrency)
	}
}

func TestServer_Process_handlerErrors(t *testing.T) {
	for _, debug := range []bool{false, true} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			var logs strings.Builder
			var mu sync.Mutex
			srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
				Debug:  debug,
				Logger: newTestLogger(&mu, &logs),
			})
			reg := func(name string, err error) {
				openrpc.Register(srv, openrpc.Method{Name: name}, func(context.Context, struct{}) (int, error) { return 0, err })
			}
			reg("typed", &openrpc.Error{Code: 42, Message: "the answer", Data: json.RawMessage(`{"why":"because"}`)})
			reg("wrapped", fmt.Errorf("context: %w", openrpc.NewError(-1, "wrapped typed", []int{1})))
			reg("plain", errors.New("db password is hunter2"))
			reg("deadline", fmt.Errorf("query: %w", context.DeadlineExceeded))
			reg("canceled", context.Canceled)
			reg("bad data", &openrpc.Error{Code: 5, Message: "m", Data: json.RawMessage(`{bad`)})
			openrpc.Register(srv, openrpc.Method{Name: "panic"}, func(context.Context, struct{}) (int, error) { panic("boom") })
			openrpc.Register(srv, openrpc.Method{Name: "nan"}, func(context.Context, struct{}) (float64, error) { return math.NaN(), nil })

			detail := func(s string) string {
				if !debug {
					return ""
				}
				return `,"data":{"error":` + s + `}`
			}
			for _, tt := range []struct{ method, wantErr string }{
				{"typed", `{"code":42,"message":"the answer","data":{"why":"because"}}`},
				{"wrapped", `{"code":-1,"message":"wrapped typed","data":[1]}`},
				{"plain", `{"code":-32000,"message":"Server error"` + detail(`"db password is hunter2"`) + `}`},
				{"deadline", `{"code":-32001,"message":"Request timeout"` + detail(`"query: context deadline exceeded"`) + `}`},
				{"canceled", `{"code":-32002,"message":"Request canceled"` + detail(`"context canceled"`) + `}`},
				{"bad data", `{"code":5,"message":"m"}`},
				{"nan", `{"code":-32603,"message":"Internal error"` + detail(`"encoding result: json: unsupported value: NaN"`) + `}`},
			} {
				got := process(t, srv, `{"jsonrpc":"2.0","method":"`+tt.method+`","id":1}`)
				checkJSON(t, got, `{"jsonrpc":"2.0","error":`+tt.wantErr+`,"id":1}`)
			}

			got := process(t, srv, `{"jsonrpc":"2.0","method":"panic","id":1}`)
			var resp struct {
				Error struct {
					Code int
					Data *struct {
						Error string
						Stack []string
					}
				}
			}
			if err := json.Unmarshal([]byte(got), &resp); err != nil {
				t.Fatal(err)
			}
			if resp.Error.Code != -32603 {
				t.Errorf("panic: got code %d, want -32603", resp.Error.Code)
			}
			if !debug && resp.Error.Data != nil {
				t.Errorf("panic data sent without debug: %s", got)
			}
			if debug {
				if resp.Error.Data == nil || resp.Error.Data.Error != "panic: boom" || len(resp.Error.Data.Stack) == 0 ||
					!strings.Contains(resp.Error.Data.Stack[0], "TestServer_Process_handlerErrors") {
					t.Errorf("panic data: got %s, want the panic value and a stack starting in this test", got)
				}
				for _, f := range resp.Error.Data.Stack {
					if strings.HasPrefix(f, "runtime.") || strings.HasPrefix(f, "github.com/openrpc-go/openrpc.") {
						t.Errorf("stack not trimmed to user code: %q", f)
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, want := range []string{"handler panicked", "boom", "db password is hunter2", "result could not be encoded", "dropped invalid error data"} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, logs.String())
				}
			}
		})
	}
}

func TestServerOptions_ErrorCode(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{ErrorCode: -32050})
	openrpc.Register(srv, openrpc.Method{Name: "fail"}, func(context.Context, struct{}) (int, error) { return 0, errors.New("x") })
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"fail","id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32050,"message":"Server error"},"id":1}`)
}

func TestServer_Process_batchPanicDoesNotSpread(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	openrpc.Register(srv, openrpc.Method{Name: "panic"}, func(context.Context, struct{}) (int, error) { panic("boom") })
	var b strings.Builder
	var want strings.Builder
	b.WriteString("[")
	want.WriteString("[")
	for i := range 50 {
		if i > 0 {
			b.WriteString(",")
			want.WriteString(",")
		}
		if i%5 == 0 {
			fmt.Fprintf(&b, `{"jsonrpc":"2.0","method":"panic","id":%d}`, i)
			fmt.Fprintf(&want, `{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":%d}`, i)
		} else {
			fmt.Fprintf(&b, `{"jsonrpc":"2.0","method":"add","params":[%d,1],"id":%d}`, i, i)
			fmt.Fprintf(&want, `{"jsonrpc":"2.0","result":%d,"id":%d}`, i+1, i)
		}
	}
	b.WriteString("]")
	want.WriteString("]")
	checkJSON(t, process(t, srv, b.String()), want.String())
}

func TestServer_Process_batchRunsConcurrently(t *testing.T) {
	const n = 8
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{BatchConcurrency: n}})
	var started sync.WaitGroup
	started.Add(n)
	allStarted := make(chan struct{})
	go func() { started.Wait(); close(allStarted) }()
	openrpc.Register(srv, openrpc.Method{Name: "wait"}, func(context.Context, struct{}) (bool, error) {
		started.Done()
		select {
		case <-allStarted: // every item of the batch is running at once
			return true, nil
		case <-time.After(10 * time.Second):
			return false, nil
		}
	})
	msg := "[" + strings.TrimSuffix(strings.Repeat(`{"jsonrpc":"2.0","method":"wait","id":1},`, n), ",") + "]"
	got := process(t, srv, msg)
	if c := strings.Count(got, `"result":true`); c != n {
		t.Errorf("got %d items that saw the whole batch running, want %d: %s", c, n, got)
	}
}

// TestServer_Process_batchConcurrencyIsBounded (issue 18): exactly BatchConcurrency items of
// a batch run at once, no more and no fewer, until fewer are left. Handlers block until
// released one at a time; synctest.Wait tells when every item that can start has started.
func TestServer_Process_batchConcurrencyIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const bound, items = 3, 10
		srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{BatchConcurrency: bound}})
		var running atomic.Int32
		release := make(chan struct{})
		openrpc.Register(srv, openrpc.Method{Name: "work"}, func(context.Context, struct{}) (bool, error) {
			running.Add(1)
			defer running.Add(-1)
			<-release
			return true, nil
		})
		msg := "[" + strings.TrimSuffix(strings.Repeat(`{"jsonrpc":"2.0","method":"work","id":1},`, items), ",") + "]"
		reply := make(chan string, 1)
		go func() { reply <- process(t, srv, msg) }()
		failed := false
		for done := range items {
			synctest.Wait() // every item that can run is running, and blocked
			if got, want := running.Load(), int32(min(bound, items-done)); got != want && !failed {
				t.Errorf("after %d items finished: %d running, want %d", done, got, want)
				failed = true
			}
			release <- struct{}{}
		}
		if got := <-reply; strings.Count(got, `"result":true`) != items {
			t.Fatalf("got %s, want %d results", got, items)
		}
	})
}

func TestServer_Process_contextReachesHandler(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "whoami"}, func(ctx context.Context, _ struct{}) (string, error) {
		c := openrpc.CallerFrom(ctx)
		if c == nil {
			return "", errors.New("no caller")
		}
		return c.Transport + " " + c.RemoteAddr + " " + c.Get("x-user"), nil
	})
	ctx := openrpc.WithCaller(context.Background(), &openrpc.Caller{
		Transport: "test", RemoteAddr: "10.0.0.1:5", Header: map[string][]string{"X-User": {"ann"}},
	})
	got := string(srv.Process(ctx, []byte(`{"jsonrpc":"2.0","method":"whoami","id":1}`)))
	checkJSON(t, got, `{"jsonrpc":"2.0","result":"test 10.0.0.1:5 ann","id":1}`)
}

func TestServer_concurrentRegistration(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 50 {
				name := fmt.Sprintf("m%d_%d", i, j)
				openrpc.Register(srv, openrpc.Method{Name: name}, add)
				if !srv.Remove(name) {
					t.Errorf("Remove(%q) = false", name)
				}
			}
		})
		wg.Go(func() {
			for range 100 {
				if got := process(t, srv, `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}`); !strings.Contains(got, `"result":3`) {
					t.Errorf("got %s", got)
				}
			}
		})
	}
	wg.Wait()
	if got := len(srv.Methods()); got != 1 {
		t.Errorf("%d methods left, want 1", got)
	}
}

// Issue 10: a failing handler is never silent by default. Without a Logger the server logs
// through slog.Default (read when it logs, so a later slog.SetDefault counts); a discard
// logger turns logging off.
func TestServer_Process_logsThroughDefaultLogger(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })

	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	quiet := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Logger: slog.New(slog.DiscardHandler)})
	for _, s := range []*openrpc.Server{srv, quiet} {
		openrpc.Register(s, openrpc.Method{Name: "fail"}, func(context.Context, struct{}) (int, error) {
			return 0, errors.New("disk on fire")
		})
		openrpc.Register(s, openrpc.Method{Name: "panic"}, func(context.Context, struct{}) (int, error) { panic("boom") })
	}
	slog.SetDefault(newTestLogger(&mu, &logs)) // after NewServer: the default of the moment is used

	for _, m := range []string{"fail", "panic"} {
		srv.Process(t.Context(), []byte(`{"jsonrpc":"2.0","method":"`+m+`","id":1}`))
	}
	mu.Lock()
	got := logs.String()
	logs.Reset()
	mu.Unlock()
	for _, want := range []string{`msg="openrpc: handler failed" method=fail err="disk on fire"`, `msg="openrpc: handler panicked" method=panic panic=boom`} {
		if !strings.Contains(got, want) {
			t.Errorf("default logger got:\n%s\nwant a line with %s", got, want)
		}
	}

	for _, m := range []string{"fail", "panic"} {
		quiet.Process(t.Context(), []byte(`{"jsonrpc":"2.0","method":"`+m+`","id":1}`))
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "disk on fire") || strings.Contains(logs.String(), "boom") {
		t.Errorf("a discard Logger still logged through the default:\n%s", logs.String())
	}
}

// Issue 10: a handler whose store gives up with its own error once the call's deadline has
// passed (a driver that does not wrap the context's error) is answered with the timeout
// code, not as a server error; a handler failing on its own before the deadline still gets
// the server error.
func TestServer_Process_deadlineWinsOverPlainError(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Limits: openrpc.Limits{CallTimeout: 10 * time.Millisecond},
		Logger: newTestLogger(&mu, &logs),
	})
	openrpc.Register(srv, openrpc.Method{Name: "stuck"}, func(ctx context.Context, _ struct{}) (int, error) {
		<-ctx.Done()
		return 0, errors.New("database connection interrupted")
	})
	openrpc.Register(srv, openrpc.Method{Name: "broken"}, func(context.Context, struct{}) (int, error) {
		return 0, errors.New("constraint violated")
	})
	for _, tt := range []struct{ method, want string }{
		{"stuck", `{"jsonrpc":"2.0","error":{"code":-32001,"message":"Request timeout"},"id":1}`},
		{"broken", `{"jsonrpc":"2.0","error":{"code":-32000,"message":"Server error"},"id":1}`},
	} {
		if got := process(t, srv, `{"jsonrpc":"2.0","method":"`+tt.method+`","id":1}`); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.method, got, tt.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{`level=WARN msg="openrpc: call timed out" method=stuck`, `level=ERROR msg="openrpc: handler failed" method=broken`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs:\n%s\nwant a line with %s", logs.String(), want)
		}
	}
}

// Issue 18: a message of exactly MaxRequestBytes is served, one byte more is refused; also at
// the default limit.
func TestServer_Process_sizeLimitBoundary(t *testing.T) {
	for _, limit := range []int64{64, 200, 0} {
		srv := newSpecServer(t, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxRequestBytes: limit}})
		max := srv.Limits().MaxRequestBytes
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			checkJSON(t, process(t, srv, string(openrpctest.CallOfSize(int(max)))), `{"jsonrpc":"2.0","result":3,"id":1}`)
			checkJSON(t, process(t, srv, string(openrpctest.CallOfSize(int(max)+1))),
				fmt.Sprintf(`{"jsonrpc":"2.0","error":{"code":-32003,"message":"Request too large","data":{"error":"the message exceeds the limit of %d bytes"}},"id":null}`, max))
		})
	}
}
