package rpchttp_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// fanoutEvent is an event of the fan-out benchmark: the tick's number and when the
// broadcaster sent it (Unix nanoseconds; server and clients share the process's clock).
type fanoutEvent struct {
	Seq  int   `json:"seq"`
	Sent int64 `json:"sent"`
}

// fanout is a broadcaster: each tick goes to every subscription's handler, without waiting
// for any (a handler whose channel is full misses the tick, counted in dropped).
type fanout struct {
	mu      sync.Mutex
	subs    map[chan fanoutEvent]struct{}
	joined  chan struct{} // one value per subscription handler that started
	dropped int
}

func newFanout() *fanout {
	return &fanout{subs: map[chan fanoutEvent]struct{}{}, joined: make(chan struct{}, 1<<16)}
}

// serve is the subscription handler: it emits what the broadcaster sends until the
// broadcaster closes its channel.
func (f *fanout) serve(ctx context.Context, _ struct{}, emit func(fanoutEvent) error) error {
	ch := make(chan fanoutEvent, 1024)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	f.joined <- struct{}{}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-ch:
			if !ok {
				return nil
			}
			if err := emit(ev); err != nil {
				return err
			}
		}
	}
}

func (f *fanout) send(seq int) {
	ev := fanoutEvent{Seq: seq, Sent: time.Now().UnixNano()}
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- ev:
		default:
			f.dropped++
		}
	}
}

// end closes every subscription: their handlers return and the subscribers get done.
func (f *fanout) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		close(ch)
		delete(f.subs, ch)
	}
}

// fanoutSubscribers is how many subscriptions the fan-out benchmark holds on one server.
const fanoutSubscribers = 1000

// BenchmarkSubscriptionFanout holds 1000 subscriptions on one server, over in-memory
// connections (openrpctest.NewLocalConn) and over WebSocket on loopback, one connection
// each, and ticks a broadcaster every 10 ms (an offered 100,000 events/s) or every 100 ms
// (10,000 events/s), each tick an event to every subscription. One op is one tick. It reports the events delivered per second,
// the process's CPU time (user and system, server and clients together) and heap
// allocations per delivered event, and the median and p99 delay from the tick to the
// subscriber's loop. Run a fixed number of ticks:
//
//	go test ./rpchttp -run '^$' -bench SubscriptionFanout -benchtime 200x -count 3
func BenchmarkSubscriptionFanout(b *testing.B) {
	for _, bm := range []struct {
		transport string
		interval  time.Duration
	}{
		{"local", 10 * time.Millisecond},
		{"local", 100 * time.Millisecond},
		{"websocket", 10 * time.Millisecond},
		{"websocket", 100 * time.Millisecond},
	} {
		transport := bm.transport
		b.Run(fmt.Sprintf("%s/interval=%v", transport, bm.interval), func(b *testing.B) {
			f := newFanout()
			srv := openrpc.NewServer(openrpc.Info{Title: "fanout", Version: "1"}, &openrpc.ServerOptions{Logger: slog.New(slog.DiscardHandler)})
			openrpc.RegisterSubscription(srv, openrpc.Method{Name: "feed"}, f.serve)
			dial := func() (*openrpc.Client, error) { return openrpctest.NewLocalConn(srv, nil), nil }
			if transport == "websocket" {
				ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
				defer ts.Close()
				url := "ws" + strings.TrimPrefix(ts.URL, "http")
				dial = func() (*openrpc.Client, error) { return rpchttp.DialWebSocket(context.Background(), url, nil) }
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()

			// Subscribe, and start one reader per subscription recording each delay.
			delays := make([][]int64, fanoutSubscribers)
			var readers sync.WaitGroup
			for i := range fanoutSubscribers {
				c, err := dial()
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				sub, err := openrpc.Subscribe[fanoutEvent](ctx, c, "feed", nil)
				if err != nil {
					b.Fatal(err)
				}
				delays[i] = make([]int64, 0, b.N)
				readers.Go(func() {
					for ev, err := range sub.Events() {
						if err != nil {
							b.Errorf("subscriber %d: %v", i, err)
							return
						}
						delays[i] = append(delays[i], time.Now().UnixNano()-ev.Sent)
					}
				})
			}
			for range fanoutSubscribers {
				<-f.joined
			}

			runtime.GC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			cpu0 := cpuTime()
			start := time.Now()
			b.ResetTimer()
			tick := time.NewTicker(bm.interval)
			for i := range b.N {
				<-tick.C
				f.send(i)
			}
			tick.Stop()
			f.end()
			readers.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&m1)

			var all []int64
			for _, d := range delays {
				all = append(all, d...)
			}
			events := len(all)
			if events == 0 {
				b.Fatal("no event delivered")
			}
			slices.Sort(all)
			b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(events), "allocs/event")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(events), "B/event")
			b.ReportMetric(float64(all[events/2])/1e3, "p50-µs")
			b.ReportMetric(float64(all[events*99/100])/1e3, "p99-µs")
			b.ReportMetric(float64(f.dropped), "dropped")
			if want := b.N * fanoutSubscribers; events+f.dropped != want {
				b.Errorf("%d events delivered and %d dropped, want %d in all", events, f.dropped, want)
			}
		})
	}
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(fmt.Sprintf("getrusage: %v", err))
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
