package rpcnats_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
	"github.com/openrpc-go/openrpc/rpcnats"
)

// BenchmarkTransport compares NATS with HTTP on loopback, through openrpc.Client: one call
// at a time, 32 goroutines calling at once, and batches of 100 calls. Everything runs in
// this process (the NATS server too), so cpu-µs/call is the CPU of the whole path: client,
// broker or HTTP stack, and service.
func BenchmarkTransport(b *testing.B) {
	srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1.0.0"}, nil)
	openrpctest.RegisterSpecMethods(srv)

	url := runNATS(b, 0)
	subject := newSubject()
	svc, err := rpcnats.Start(connect(b, url), subject, srv, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Shutdown(context.Background()) })
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	b.Cleanup(ts.Close)
	session, err := rpcnats.Dial(context.Background(), connect(b, url), subject, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { session.Close() })

	for _, tr := range []struct {
		name   string
		client *openrpc.Client
	}{
		{"nats", rpcnats.NewClient(connect(b, url), subject, nil)},
		{"nats-session", session},
		{"http", rpchttp.NewClient(ts.URL, nil)},
		// net/http keeps 2 idle connections per host by default: with 32 goroutines the
		// others open and close a connection per call. This client keeps 64.
		{"http-64-idle", rpchttp.NewClient(ts.URL, &rpchttp.ClientOptions{
			HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		})},
	} {
		c := tr.client
		b.Run(tr.name+"/single", func(b *testing.B) {
			measure(b, 1, func() {
				call(b, c)
			})
		})
		b.Run(tr.name+"/single-32-goroutines", func(b *testing.B) {
			cpu := cpuTime()
			start := time.Now()
			b.SetParallelism(32)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					call(b, c)
				}
			})
			report(b, 1, cpu, start)
		})
		b.Run(tr.name+"/batch-100", func(b *testing.B) {
			calls := make([]openrpc.BatchCall, 100)
			results := make([]float64, 100)
			measure(b, 100, func() {
				for i := range calls {
					calls[i] = openrpc.BatchCall{Method: "subtract", Params: []int{42, 23}, Result: &results[i]}
				}
				if err := c.Batch(context.Background(), calls); err != nil {
					b.Fatal(err)
				}
				for i := range calls {
					if calls[i].Err != nil || results[i] != 19 {
						b.Fatalf("call %d: %v %v", i, results[i], calls[i].Err)
					}
				}
			})
		})
	}
}

func call(b *testing.B, c *openrpc.Client) {
	if got, err := openrpc.Call[float64](context.Background(), c, "subtract", []int{42, 23}); err != nil || got != 19 {
		b.Fatalf("got %v, %v", got, err)
	}
}

// measure runs f in a benchmark loop and reports calls per second and CPU per call, f
// making perOp calls.
func measure(b *testing.B, perOp int, f func()) {
	cpu := cpuTime()
	start := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		f()
	}
	report(b, perOp, cpu, start)
}

func report(b *testing.B, perOp int, cpu time.Duration, start time.Time) {
	calls := float64(b.N * perOp)
	b.ReportMetric(calls/time.Since(start).Seconds(), "calls/s")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/calls, "cpu-µs/call")
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDial opens and closes a session.
func BenchmarkDial(b *testing.B) {
	srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1.0.0"}, nil)
	url := runNATS(b, 0)
	subject := newSubject()
	svc, err := rpcnats.Start(connect(b, url), subject, srv, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Shutdown(context.Background()) })
	nc := connect(b, url)
	b.ReportAllocs()
	for b.Loop() {
		c, err := rpcnats.Dial(context.Background(), nc, subject, nil)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
