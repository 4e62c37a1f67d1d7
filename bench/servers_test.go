package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/creachadair/jrpc2/handler"
	"github.com/creachadair/jrpc2/jhttp"
	geth "github.com/ethereum/go-ethereum/rpc"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// A server under comparison: an http.Handler and the name its add method has there.
type server struct {
	name    string
	method  string
	handler func(tb testing.TB) http.Handler
}

type addParams struct {
	A int `json:"a"`
	B int `json:"b"`
}

// calc is go-ethereum's receiver: its method Add is served as "calc_add".
type calc struct{}

func (calc) Add(a, b int) int { return a + b }

var servers = []server{
	{"openrpc-go", "add", func(testing.TB) http.Handler {
		srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1"}, nil)
		openrpc.Register(srv, openrpc.Method{Name: "add"}, func(_ context.Context, p addParams) (int, error) { return p.A + p.B, nil })
		return rpchttp.NewHandler(srv, nil)
	}},
	{"go-ethereum", "calc_add", func(tb testing.TB) http.Handler {
		srv := geth.NewServer()
		if err := srv.RegisterName("calc", calc{}); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(srv.Stop)
		return srv
	}},
	{"jrpc2", "add", func(tb testing.TB) http.Handler {
		b := jhttp.NewBridge(handler.Map{"add": handler.New(func(_ context.Context, p [2]int) (int, error) { return p[0] + p[1], nil })}, nil)
		tb.Cleanup(func() { b.Close() })
		return b
	}},
	{"hand-written", "add", func(testing.TB) http.Handler { return http.HandlerFunc(handWritten) }},
}

// handWritten answers a single add call with net/http and encoding/json, checking nothing a
// JSON-RPC server should: the floor the design measures the framework against.
func handWritten(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Params [2]int          `json:"params"`
		ID     json.RawMessage `json:"id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct {
		JSONRPC string          `json:"jsonrpc"`
		Result  int             `json:"result"`
		ID      json.RawMessage `json:"id"`
	}{"2.0", req.Params[0] + req.Params[1], req.ID})
}

func call(method string, a, b, id int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","method":%q,"params":[%d,%d],"id":%d}`, method, a, b, id)
}

func batch(method string, n int) []byte {
	items := make([]string, n)
	for i := range items {
		items[i] = call(method, i, 3, i)
	}
	return []byte("[" + strings.Join(items, ",") + "]")
}

func post(tb testing.TB, c *http.Client, url string, body []byte) []byte {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("status %d: %s %v", resp.StatusCode, out, err)
	}
	return out
}

// TestServersAgree checks that every server under comparison answers the benchmarked calls
// correctly, so the benchmarks compare equal work.
func TestServersAgree(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ts := httptest.NewServer(s.handler(t))
			defer ts.Close()
			var one struct {
				Result int
				ID     int
			}
			if err := json.Unmarshal(post(t, ts.Client(), ts.URL, []byte(call(s.method, 2, 3, 7))), &one); err != nil || one.Result != 5 || one.ID != 7 {
				t.Errorf("add: got %+v, %v; want result 5, id 7", one, err)
			}
			if s.name == "hand-written" {
				return // it answers single calls only
			}
			var many []struct {
				Result int
				ID     int
			}
			if err := json.Unmarshal(post(t, ts.Client(), ts.URL, batch(s.method, 100)), &many); err != nil || len(many) != 100 {
				t.Fatalf("batch: got %d responses, %v", len(many), err)
			}
			for _, r := range many {
				if r.Result != r.ID+3 {
					t.Errorf("batch item %d: got %d, want %d", r.ID, r.Result, r.ID+3)
				}
			}
		})
	}
}

func BenchmarkAdd(b *testing.B) {
	for _, s := range servers {
		b.Run(s.name, func(b *testing.B) {
			ts := httptest.NewServer(s.handler(b))
			defer ts.Close()
			c := ts.Client()
			body := []byte(call(s.method, 2, 3, 1))
			b.ReportAllocs()
			for b.Loop() {
				post(b, c, ts.URL, body)
			}
		})
	}
}

func BenchmarkBatch100(b *testing.B) {
	for _, s := range servers {
		if s.name == "hand-written" {
			continue
		}
		b.Run(s.name, func(b *testing.B) {
			ts := httptest.NewServer(s.handler(b))
			defer ts.Close()
			c := ts.Client()
			body := batch(s.method, 100)
			b.ReportAllocs()
			for b.Loop() {
				post(b, c, ts.URL, body)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/item")
		})
	}
}
