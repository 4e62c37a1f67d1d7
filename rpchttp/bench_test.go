package rpchttp_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// BenchmarkHTTP measures calls over real loopback HTTP. "constant" is a plain handler that
// writes a precomputed rpc.discover response: the floor for serving those bytes over HTTP.
func BenchmarkHTTP(b *testing.B) {
	srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1"}, nil)
	openrpctest.RegisterSpecMethods(srv)
	discover := []byte(`{"jsonrpc":"2.0","method":"rpc.discover","id":1}`)
	reply := srv.Process(context.Background(), discover)
	constant := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(reply)))
		w.Write(reply)
	})
	for _, bm := range []struct {
		name    string
		handler http.Handler
		msg     []byte
	}{
		{"rpc.discover", rpchttp.NewHandler(srv, nil), discover},
		{"rpc.discover/constant", constant, discover},
		{"subtract", rpchttp.NewHandler(srv, nil), []byte(`{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}`)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			ts := httptest.NewServer(bm.handler)
			defer ts.Close()
			client := ts.Client()
			b.ReportAllocs()
			for b.Loop() {
				resp, err := client.Post(ts.URL, "application/json", bytes.NewReader(bm.msg))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}

// BenchmarkTransport compares calls over HTTP with calls over one WebSocket connection:
// one at a time, and pipelined by 32 goroutines sharing the client.
func BenchmarkTransport(b *testing.B) {
	srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1"}, nil)
	openrpctest.RegisterSpecMethods(srv)
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	ws, err := rpchttp.DialWebSocket(context.Background(), "ws"+ts.URL[len("http"):], nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	httpc := rpchttp.NewClient(ts.URL, &rpchttp.ClientOptions{HTTPClient: ts.Client()})
	call := func(b *testing.B, c *openrpc.Client) {
		if got, err := openrpc.Call[float64](context.Background(), c, "subtract", []int{42, 23}); err != nil || got != 19 {
			b.Fatalf("got %v, %v", got, err)
		}
	}
	for _, bm := range []struct {
		name string
		c    *openrpc.Client
	}{{"http", httpc}, {"websocket", ws}} {
		b.Run(bm.name+"/sequential", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				call(b, bm.c)
			}
		})
		b.Run(bm.name+"/pipelined", func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(16) // 32 goroutines on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					call(b, bm.c)
				}
			})
		})
	}
}
