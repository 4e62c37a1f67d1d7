package main

// Load figures for the README: get_caller throughput on SQLite and PostgreSQL, and
// get_caller latency while sign-ins flood the server. Everything runs over loopback HTTP,
// client and server on the same machine; every loop is bounded in count and in time.
//
//	OPENRPC_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test ./examples/auth -run '^$' -bench . -benchtime 3s

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// benchClient keeps enough idle connections for the parallel callers.
var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

// getCaller is one get_caller call, without the test helpers' allocations.
func getCaller(ctx context.Context, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(getCallerMsg))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := benchClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"result":{"username"`)) {
		return fmt.Errorf("get_caller: %d %s", resp.StatusCode, body)
	}
	return nil
}

var getCallerMsg = []byte(`{"jsonrpc":"2.0","method":"get_caller","id":1}`)

// BenchmarkGetCaller measures get_caller calls per second from 16 concurrent clients:
// verify the JWT, load the account with its scopes, answer.
func BenchmarkGetCaller(b *testing.B) {
	for _, bm := range []struct {
		name string
		db   func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return sqlitePath(b) }},
		{"postgres", func(b *testing.B) string { return postgresURL(b) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			svc, st := newServiceOn(b, bm.db(b), bcrypt.MinCost, 0)
			url := serveService(b, svc, st)
			signUp(b, url, "alice", "alice password")
			token := signIn(b, url, "alice", "alice password")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			b.SetParallelism(16 / runtime.GOMAXPROCS(0))
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := getCaller(ctx, url, token); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
}

// BenchmarkGetCallerLatency measures the latency of get_caller calls made one after the
// other, with the server idle and while 32 clients sign in as fast as they can at the
// default bcrypt cost. slots is the bcrypt semaphore's size: the service's (GOMAXPROCS), and
// effectively none, for comparison.
func BenchmarkGetCallerLatency(b *testing.B) {
	procs := runtime.GOMAXPROCS(0)
	for _, bm := range []struct {
		name  string
		flood bool
		slots int
	}{
		{"idle", false, procs},
		{fmt.Sprintf("signin-flood/slots=%d", procs), true, procs},
		{fmt.Sprintf("signin-flood/slots=%d", max(1, procs-1)), true, max(1, procs-1)},
		{"signin-flood/slots=unbounded", true, 1 << 10},
	} {
		b.Run(bm.name, func(b *testing.B) {
			svc, st := newServiceOn(b, sqlitePath(b), bcrypt.DefaultCost, bm.slots)
			url := serveService(b, svc, st)
			signUp(b, url, "alice", "alice password")
			token := signIn(b, url, "alice", "alice password")

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			flood, stopFlood := context.WithCancel(ctx)
			var signIns atomic.Int64
			var wg sync.WaitGroup
			if bm.flood {
				for range 32 {
					wg.Go(func() {
						for i := 0; i < 100_000 && flood.Err() == nil; i++ {
							r, err := rpcOverHTTP(flood, url, "", "sign_in", Credentials{Username: "alice", Password: "alice password"})
							if err != nil || r.Error != nil {
								return // stopped
							}
							signIns.Add(1)
						}
					})
				}
				time.Sleep(500 * time.Millisecond) // let the flood fill the queue
			}
			latencies := make([]time.Duration, 0, 4096)
			b.ResetTimer()
			start := time.Now()
			doneBefore := signIns.Load()
			for b.Loop() {
				t0 := time.Now()
				if err := getCaller(ctx, url, token); err != nil {
					b.Fatal(err)
				}
				latencies = append(latencies, time.Since(t0))
			}
			elapsed := time.Since(start)
			signInsDone := signIns.Load() - doneBefore
			b.StopTimer()
			stopFlood()
			wg.Wait()
			reportLatencies(b, latencies)
			b.ReportMetric(float64(signInsDone)/elapsed.Seconds(), "signins/s")
		})
	}
}

// BenchmarkSignInFlood measures sign_in latency over HTTP while one WebSocket keeps 64
// batches of 10 sign_in calls (wrong passwords) waiting for bcrypt, at the default bcrypt
// cost and slots: each iteration is one sign-in of another user, one after the other. The
// README quotes its figures:
//
//	go test ./examples/auth -run '^$' -bench SignInFlood -benchtime 20x
func BenchmarkSignInFlood(b *testing.B) {
	const batches, perBatch = 64, 10
	slots := runtime.GOMAXPROCS(0)
	svc, st := newServiceOn(b, sqlitePath(b), bcrypt.DefaultCost, slots)
	url := serveService(b, svc, st)
	signUp(b, url, "alice", "alice password")
	signUp(b, url, "bob", "bob password")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	// The flood is queued once 64 batches of 10 wait, less those holding a slot.
	queued := make(chan struct{})
	var once sync.Once
	svc.bcrypt.mu.Lock()
	svc.bcrypt.onWait = func(n int) {
		if n >= batches*perBatch-slots {
			once.Do(func() { close(queued) })
		}
	}
	svc.bcrypt.mu.Unlock()

	ws, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(url, "http"), nil)
	if err != nil {
		b.Fatal(err)
	}
	flood, stopFlood := context.WithCancel(ctx)
	var floodChecks atomic.Int64
	var wg sync.WaitGroup
	for range batches {
		wg.Go(func() {
			calls := make([]openrpc.BatchCall, perBatch)
			for flood.Err() == nil {
				for i := range calls {
					calls[i] = openrpc.BatchCall{Method: "sign_in", Params: Credentials{Username: "alice", Password: "wrong password"}}
				}
				if ws.Batch(flood, calls) != nil {
					continue
				}
				for _, c := range calls {
					var e *openrpc.Error
					if errors.As(c.Err, &e) && e.Code == codeBadCredentials {
						floodChecks.Add(1) // a password checked, not a timeout
					}
				}
			}
		})
	}
	select {
	case <-queued:
	case <-ctx.Done():
		b.Fatal("the flood did not queue")
	}

	var latencies []time.Duration
	timeouts := 0
	start := time.Now()
	floodBefore := floodChecks.Load()
	for b.Loop() {
		t0 := time.Now()
		r, err := rpcOverHTTP(ctx, url, "", "sign_in", Credentials{Username: "bob", Password: "bob password"})
		latencies = append(latencies, time.Since(t0))
		switch {
		case err != nil:
			b.Fatal(err)
		case r.Error != nil && r.Error.Code == openrpc.CodeTimeout:
			timeouts++
		case r.Error != nil:
			b.Fatalf("sign_in: %v", r.Error)
		}
	}
	elapsed := time.Since(start)
	floodDone := floodChecks.Load() - floodBefore
	b.StopTimer()
	stopFlood()
	ws.Close()
	wg.Wait()
	reportLatencies(b, latencies)
	b.ReportMetric(float64(timeouts), "timeouts")
	b.ReportMetric(float64(floodDone)/elapsed.Seconds(), "flood-checks/s")
}

// reportLatencies reports the median and the 99th percentile of latencies, in ms.
func reportLatencies(b *testing.B, latencies []time.Duration) {
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
