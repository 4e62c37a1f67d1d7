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
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
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
			slices.Sort(latencies)
			pct := func(p float64) float64 {
				return float64(latencies[int(p*float64(len(latencies)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(signInsDone)/elapsed.Seconds(), "signins/s")
		})
	}
}
