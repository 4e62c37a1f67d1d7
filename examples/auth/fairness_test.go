package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// TestFairSlots_turns: with the only slot taken, 100 calls of one connection wait, then 50
// of another connection of the same host, then one of another host. Freed slots go by
// turns, host first, then connection: the other host's call gets the second slot freed and
// the second connection the third, not the 151st and the 101st as first come, first served
// would have it; then the two connections alternate.
func TestFairSlots_turns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFairSlots(1)
		if err := f.acquireFor(ctx, "test", "test"); err != nil {
			t.Fatal(err)
		}
		var (
			mu    sync.Mutex
			order []string
		)
		queue := func(n int, host, conn string) {
			for range n {
				go func() {
					if err := f.acquireFor(ctx, host, conn); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					order = append(order, conn)
					mu.Unlock()
				}()
				synctest.Wait() // queued, in this order
			}
		}
		queue(100, "192.0.2.1", "a")
		queue(50, "192.0.2.1", "b")
		queue(1, "192.0.2.2", "c")
		if n := f.waitingCalls(); n != 151 {
			t.Fatalf("%d calls wait, want 151", n)
		}
		for range 151 {
			f.release() // the holder's slot goes to the next in turn, who keeps it
			synctest.Wait()
		}
		got := strings.Join(order, "")
		want := "acb" + strings.Repeat("ab", 49) + strings.Repeat("a", 50)
		if got != want {
			t.Errorf("slots went to\n%s\nwant\n%s", got, want)
		}
		if n := f.waitingCalls(); n != 0 {
			t.Errorf("%d calls wait, want 0", n)
		}
	})
}

// TestFairSlots_cancel: a call whose context ends while it waits leaves the queue, and the
// slots are all there afterwards.
func TestFairSlots_cancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFairSlots(1)
		if err := f.acquireFor(context.Background(), "h", "c"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := f.acquireFor(ctx, "h", "c"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("waiting past the deadline: got %v, want %v", err, context.DeadlineExceeded)
		}
		if n := f.waitingCalls(); n != 0 || len(f.hosts) != 0 || len(f.turns) != 0 {
			t.Fatalf("after the deadline: %d waiting, hosts %v, turns %v; want none", n, f.hosts, f.turns)
		}
		f.release()
		if f.free != 1 {
			t.Fatalf("after the release: %d free slots, want 1", f.free)
		}
	})
}

// TestSignIn_floodOverOneConnection: one WebSocket keeps 16 batches of 10 sign_in calls
// waiting for the only bcrypt slot; a sign-in over HTTP from another connection gets its
// turn after at most a couple of them, not after all 160 (regression: bcrypt slots were
// first come, first served, and such a flood pushed every other sign-in to the call
// timeout). The test holds the slot until everything is queued, so the order is known.
func TestSignIn_floodOverOneConnection(t *testing.T) {
	const batches, perBatch = 16, 10
	svc, st := newTestService(t, 1)
	url := serveService(t, svc, st)
	signUp(t, url, "alice", "alice password")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	flooded, legitQueued := make(chan struct{}), make(chan struct{})
	if err := svc.bcrypt.acquireFor(ctx, "test", "test"); err != nil {
		t.Fatal(err)
	}
	svc.bcrypt.mu.Lock()
	svc.bcrypt.onWait = func(n int) {
		switch n {
		case batches * perBatch:
			close(flooded)
		case batches*perBatch + 1:
			close(legitQueued)
		}
	}
	svc.bcrypt.mu.Unlock()

	ws, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(url, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var floodDone atomic.Int64
	var wg sync.WaitGroup
	for range batches {
		wg.Go(func() {
			calls := make([]openrpc.BatchCall, perBatch)
			for i := range calls {
				calls[i] = openrpc.BatchCall{Method: "sign_in", Params: Credentials{Username: "alice", Password: "wrong password"}}
			}
			if err := ws.Batch(ctx, calls); err != nil {
				t.Error(err)
			}
			floodDone.Add(1)
		})
	}
	select {
	case <-flooded:
	case <-ctx.Done():
		t.Fatal("the flood did not queue")
	}

	type result struct {
		r         reply
		err       error
		floodDone int64 // flood batches answered by then
	}
	legit := make(chan result, 1)
	go func() {
		r, err := rpcOverHTTP(ctx, url, "", "sign_in", Credentials{Username: "alice", Password: "alice password"})
		legit <- result{r, err, floodDone.Load()}
	}()
	select {
	case <-legitQueued:
	case <-ctx.Done():
		t.Fatal("the sign-in did not queue")
	}
	svc.bcrypt.release()
	res := <-legit
	if res.err != nil || res.r.Error != nil {
		t.Fatalf("sign_in: %v %v", res.err, res.r.Error)
	}
	if res.floodDone > batches/2 {
		t.Errorf("%d of the flood's %d batches were answered before the other connection's sign-in: want it served in turn", res.floodDone, batches)
	}
	wg.Wait()
}
