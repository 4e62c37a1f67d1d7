package openrpc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// bigServer has "big", whose result is a string of the given length.
func bigServer(limits openrpc.Limits) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: limits})
	openrpc.Register(srv, openrpc.Method{Name: "big"}, func(_ context.Context, p []int) (string, error) {
		return strings.Repeat("x", p[0]), nil
	})
	return srv
}

func bigBatch(n, size int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"jsonrpc":"2.0","method":"big","params":[%d],"id":%d}`, size, i)
	}
	return "[" + strings.Join(items, ",") + "]"
}

type response struct {
	ID     int    `json:"id"`
	Result string `json:"result"`
	Error  *struct {
		Code int `json:"code"`
		Data struct {
			Limit int64 `json:"limit"`
		} `json:"data"`
	} `json:"error"`
}

// checkBatchCap checks that the responses of a batch of n calls of 1000 bytes fit in limit:
// results as long as they fit, then -32005 errors giving the limit.
func checkBatchCap(t *testing.T, reply []byte, n int, limit int64) {
	t.Helper()
	var got []response
	if err := json.Unmarshal(reply, &got); err != nil || len(got) != n {
		t.Fatalf("got %d responses (%v), want %d", len(got), err, n)
	}
	if int64(len(reply)) > limit+int64(n)*200 {
		t.Errorf("the batch's response takes %d bytes, over the limit of %d and its small errors", len(reply), limit)
	}
	results := 0
	for _, r := range got {
		switch {
		case r.Error == nil && len(r.Result) == 1000:
			results++
		case r.Error != nil && r.Error.Code == -32005 && r.Error.Data.Limit == limit:
		default:
			t.Errorf("response %d: got %+v, want a result or a -32005 error with the limit", r.ID, r)
		}
	}
	if want := int(limit / 1040); results < want-1 || results > want {
		t.Errorf("%d results kept, want about %d", results, want)
	}
}

// Regression (issue 10): a batch of many large results was held and sent whole. Past
// Limits.MaxResponseBytes, the remaining calls are answered with a small -32005 error.
func TestServer_Process_maxResponseBytes(t *testing.T) {
	const limit = 10_000
	for _, conc := range []int{1, 16} {
		t.Run(fmt.Sprintf("concurrency %d", conc), func(t *testing.T) {
			srv := bigServer(openrpc.Limits{MaxResponseBytes: limit, BatchConcurrency: conc})
			checkBatchCap(t, srv.Process(context.Background(), []byte(bigBatch(100, 1000))), 100, limit)
		})
	}
	t.Run("single", func(t *testing.T) {
		srv := bigServer(openrpc.Limits{MaxResponseBytes: limit})
		checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"big","params":[9000],"id":7}`),
			`{"jsonrpc":"2.0","result":"`+strings.Repeat("x", 9000)+`","id":7}`)
		checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"big","params":[10000],"id":7}`),
			`{"jsonrpc":"2.0","error":{"code":-32005,"message":"Response too large","data":{"error":"the response exceeds the limit of 10000 bytes","limit":10000}},"id":7}`)
	})
	t.Run("no cap", func(t *testing.T) {
		srv := bigServer(openrpc.Limits{MaxResponseBytes: -1})
		if reply := srv.Process(context.Background(), []byte(bigBatch(100, 1000))); strings.Contains(string(reply), "-32005") {
			t.Error("a negative MaxResponseBytes still capped the response")
		}
	})
	if got := bigServer(openrpc.Limits{}).Limits().MaxResponseBytes; got != openrpc.DefaultMaxResponseBytes {
		t.Errorf("default MaxResponseBytes %d, want %d", got, openrpc.DefaultMaxResponseBytes)
	}
}

func TestServer_Reserve(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{
		MaxRequestBytes: 100, MaxTotalRequestBytes: 250,
	}})
	for _, step := range []struct {
		reserve, release int64
		ok               bool
		held             int64
	}{
		{reserve: 100, ok: true, held: 100},
		{reserve: 150, ok: true, held: 250},
		{reserve: 1, ok: false, held: 250},
		{release: 100, held: 150},
		{reserve: 101, ok: false, held: 150},
		{reserve: 100, ok: true, held: 250},
		{release: 250, held: 0},
	} {
		if step.reserve > 0 {
			if ok := srv.Reserve(step.reserve); ok != step.ok {
				t.Errorf("Reserve(%d) = %v, want %v", step.reserve, ok, step.ok)
			}
		}
		srv.Release(step.release)
		if got := srv.Reserved(); got != step.held {
			t.Errorf("Reserved() = %d, want %d", got, step.held)
		}
	}
	for _, tt := range []struct {
		limits openrpc.Limits
		want   int64
	}{
		{openrpc.Limits{}, openrpc.DefaultMaxTotalRequestBytes},
		{openrpc.Limits{MaxRequestBytes: 100 << 20}, 100 << 20}, // never below one message
		{openrpc.Limits{MaxTotalRequestBytes: -1}, -1},
	} {
		srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: tt.limits})
		if got := srv.Limits().MaxTotalRequestBytes; got != tt.want {
			t.Errorf("%+v: MaxTotalRequestBytes %d, want %d", tt.limits, got, tt.want)
		}
	}
}

// ServeConn answers a message its Conn skipped for want of memory with -32004, goes on
// reading, and lets the Conn release every message it returned.
func TestServer_ServeConn_overloaded(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	c := &releasingConn{chanConn: newChanConn(), srv: srv}
	c.in <- nil // a message skipped
	c.in <- []byte(`{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}`)
	close(c.in)
	if err := srv.ServeConn(context.Background(), c, nil); err != nil {
		t.Fatal(err)
	}
	if len(c.out) != 2 || !strings.Contains(string(c.out[0]), `"code":-32004`) || !strings.Contains(string(c.out[1]), `"result":3`) {
		t.Errorf("got %q, want a -32004 error then the result", c.out)
	}
	if got := srv.Reserved(); got != 0 {
		t.Errorf("%d bytes still reserved after the connection ended", got)
	}
}

// releasingConn reserves the bytes of each message it returns and reports a nil message as
// skipped for want of memory.
type releasingConn struct {
	*chanConn
	srv *openrpc.Server
}

func (c *releasingConn) Recv(ctx context.Context) ([]byte, error) {
	msg, err := c.chanConn.Recv(ctx)
	if err == nil && msg == nil {
		return nil, fmt.Errorf("%w: skipped", openrpc.ErrOverloaded)
	}
	c.srv.Reserve(int64(len(msg)))
	return msg, err
}

func (c *releasingConn) ReleaseMessage(msg []byte) { c.srv.Release(int64(len(msg))) }

// A transport holds the bytes of each message on the server's request memory while it is
// read and answered, and refuses a message at once when they would pass the bound.
func ExampleServer_Reserve() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, &openrpc.ServerOptions{
		Limits: openrpc.Limits{MaxRequestBytes: 1 << 10, MaxTotalRequestBytes: 1 << 10},
	})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	answer := func(msg []byte) []byte {
		if !srv.Reserve(int64(len(msg))) { // before reading, when the size is known
			return srv.OverloadedResponse()
		}
		defer srv.Release(int64(len(msg)))
		return srv.Process(context.Background(), msg)
	}
	msg := []byte(`{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}`)
	fmt.Println(string(answer(msg)))

	srv.Reserve(1000) // other requests being read
	fmt.Println(string(answer(msg)))
	// Output:
	// {"jsonrpc":"2.0","result":5,"id":1}
	// {"jsonrpc":"2.0","error":{"code":-32004,"message":"Server overloaded","data":{"error":"the server holds too many requests; retry later","limit":1024}},"id":null}
}
