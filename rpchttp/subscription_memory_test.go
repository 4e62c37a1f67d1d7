package rpchttp_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// soak turns TestSubscription_stuckSubscribers into its long form, by hand:
//
//	go test ./rpchttp -run StuckSubscribers -v -args -soak 60s
var soak = flag.Duration("soak", 0, "run TestSubscription_stuckSubscribers this long, with 100 stuck subscribers never dropped, and log the memory and delay figures")

// floodEvent is a 1 KiB event.
type floodEvent struct {
	Seq int    `json:"seq"`
	Pad string `json:"pad"`
}

// pacedEvent is an event of the paced subscription: its number and when it was emitted.
type pacedEvent struct {
	N    int   `json:"n"`
	Sent int64 `json:"sent"`
}

// pacedParams are the params of the paced subscription.
type pacedParams struct {
	Count      int `json:"count"`
	IntervalUS int `json:"interval_us"`
}

// Subscribers over WebSocket that never read, while their handlers emit 1 KiB events as
// fast as they can: the server's heap stays bounded by the subscription buffers, another
// subscriber on the same server gets every one of its events in order meanwhile, and the
// stuck ones are dropped once the stall passes, with the last notification saying why.
// With -soak, 100 stuck subscribers are never dropped (no stall, write timeout or ping
// limit), and the figures are logged.
func TestSubscription_stuckSubscribers(t *testing.T) {
	stuck, stall, paced := 10, time.Second, pacedParams{Count: 200, IntervalUS: 1000}
	handlerOpts := &rpchttp.HandlerOptions{}
	if *soak > 0 {
		stuck, stall = 100, time.Hour
		paced = pacedParams{Count: int(*soak / (10 * time.Millisecond)), IntervalUS: 10000}
		handlerOpts.MessageWriteTimeout, handlerOpts.PingInterval = -1, -1
	}
	const buffer = openrpc.DefaultSubscriptionBuffer
	srv := openrpc.NewServer(openrpc.Info{Title: "stuck", Version: "1"}, &openrpc.ServerOptions{
		Limits: openrpc.Limits{SubscriptionBuffer: buffer, SubscriptionStall: stall},
		Logger: slog.New(slog.DiscardHandler),
	})
	pad := strings.Repeat("x", 1024)
	var emittedMu sync.Mutex
	emitted := 0
	floodEnded := make(chan error, stuck)
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "flood"}, func(ctx context.Context, _ struct{}, emit func(floodEvent) error) error {
		for i := 0; ; i++ {
			if err := emit(floodEvent{Seq: i, Pad: pad}); err != nil {
				floodEnded <- err
				return err
			}
			emittedMu.Lock()
			emitted++
			emittedMu.Unlock()
		}
	})
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "paced"}, func(ctx context.Context, p pacedParams, emit func(pacedEvent) error) error {
		tick := time.NewTicker(time.Duration(p.IntervalUS) * time.Microsecond)
		defer tick.Stop()
		for n := range p.Count {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
			if err := emit(pacedEvent{N: n, Sent: time.Now().UnixNano()}); err != nil {
				return err
			}
		}
		return nil
	})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, handlerOpts))
	defer ts.Close()
	url := "ws" + strings.TrimPrefix(ts.URL, "http")
	ctx, cancel := context.WithTimeout(t.Context(), *soak+2*time.Minute)
	defer cancel()

	runtime.GC()
	base := memory()

	// The stuck subscribers: raw WebSockets that subscribe, read the reply and stop reading.
	conns := make([]*websocket.Conn, stuck)
	for i := range conns {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadLimit(-1)
		defer c.CloseNow()
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"jsonrpc":"2.0","method":"flood","id":1}`)); err != nil {
			t.Fatal(err)
		}
		if _, reply, err := c.Read(ctx); err != nil || !bytes.Contains(reply, []byte(`"result":"0x`)) {
			t.Fatalf("subscribe: %s %v", reply, err)
		}
		conns[i] = c
	}

	// Sample the memory while the other subscriber reads its events.
	var peak, late memStats // late: over the second half of the run
	sampled := make(chan struct{})
	stopSampling := make(chan struct{})
	half := time.Now().Add(time.Duration(paced.Count*paced.IntervalUS) * time.Microsecond / 2)
	go func() {
		defer close(sampled)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			m := memory()
			peak.heap, peak.rss = max(peak.heap, m.heap), max(peak.rss, m.rss)
			if time.Now().After(half) {
				late.heap, late.rss = max(late.heap, m.heap), max(late.rss, m.rss)
			}
			select {
			case <-tick.C:
			case <-stopSampling:
				return
			}
		}
	}()
	c, err := rpchttp.DialWebSocket(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sub, err := openrpc.Subscribe[pacedEvent](ctx, c, "paced", paced)
	if err != nil {
		t.Fatal(err)
	}
	var delays []time.Duration
	for ev, err := range sub.Events() {
		if err != nil {
			t.Fatalf("the reading subscriber, after %d events: %v", len(delays), err)
		}
		if ev.N != len(delays) {
			t.Fatalf("the reading subscriber got event %d, want %d", ev.N, len(delays))
		}
		delays = append(delays, time.Duration(time.Now().UnixNano()-ev.Sent))
	}
	close(stopSampling)
	<-sampled
	if len(delays) != paced.Count {
		t.Fatalf("the reading subscriber got %d events, want %d", len(delays), paced.Count)
	}
	emittedMu.Lock()
	n := emitted
	emittedMu.Unlock()
	slices.Sort(delays)
	t.Logf("%d stuck subscribers, %d events of 1 KiB emitted to them; the reading subscriber's %d events: delay p50 %v, p99 %v, max %v",
		stuck, n, len(delays), delays[len(delays)/2], delays[len(delays)*99/100], delays[len(delays)-1])
	runtime.GC()
	held := memory()
	t.Logf("heap in use %.1f MiB at start, at most %.1f MiB (%.1f MiB over the second half), %.1f MiB after a GC with the subscribers still stuck; "+
		"RSS %.1f MiB at start, at most %.1f MiB (%.1f MiB over the second half)",
		mib(base.heap), mib(peak.heap), mib(late.heap), mib(held.heap), mib(base.rss), mib(peak.rss), mib(late.rss))
	// What a stuck subscription may hold: its buffer of encoded events, and the message the
	// WebSocket is writing; the rest waits in the kernel's socket buffers, not the heap.
	// The garbage collector lets the heap grow to twice what is live before it collects.
	bound := base.heap + 2*uint64(stuck)*(buffer+8)*2048 + 16<<20
	if peak.heap > bound {
		t.Errorf("heap in use reached %.1f MiB, want at most %.1f MiB for %d stuck subscribers", mib(peak.heap), mib(bound), stuck)
	}
	if *soak > 0 {
		return
	}

	// The stall passes: every stuck subscription is dropped, and a peer that reads again
	// finds the last notification after the events the socket held.
	for range stuck {
		select {
		case err := <-floodEnded:
			if !errors.Is(err, openrpc.ErrSubscriptionEnded) {
				t.Errorf("emit: %v, want ErrSubscriptionEnded", err)
			}
		case <-ctx.Done():
			t.Fatal("a stuck subscription was never dropped")
		}
	}
	for {
		_, msg, err := conns[0].Read(ctx)
		if err != nil {
			t.Fatalf("reading the stuck subscriber's backlog: %v", err)
		}
		if bytes.Contains(msg, []byte(`"error"`)) {
			if !bytes.Contains(msg, []byte(`"code":-32004`)) || !bytes.Contains(msg, []byte(`"buffer":`+strconv.Itoa(buffer))) {
				t.Errorf("last notification %s, want -32004 with the buffer size", msg)
			}
			break
		}
	}
}

type memStats struct{ heap, rss uint64 }

// memory returns the heap in use and the process's resident set size (0 where /proc is
// missing).
func memory() memStats {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memStats{heap: m.HeapInuse, rss: vmRSS()}
}

// vmRSS reads VmRSS from /proc/self/status, in bytes.
func vmRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
