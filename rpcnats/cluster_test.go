package rpcnats_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcnats"
)

// The integration tests run service processes against the NATS server named by
// OPENRPC_TEST_NATS. They are this test binary run again with these variables set: see
// TestMain.
const (
	envServe    = "RPCNATS_TEST_SERVE"   // the instance's name: serve instead of testing
	envURL      = "RPCNATS_TEST_URL"     // the NATS server
	envSubject  = "RPCNATS_TEST_SUBJECT" // the subject to serve
	maxLifetime = 2 * time.Minute        // an instance left behind exits by itself
)

func TestMain(m *testing.M) {
	if name := os.Getenv(envServe); name != "" {
		if err := serveInstance(name, os.Getenv(envURL), os.Getenv(envSubject)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveInstance is a service process: it serves "work" on subject, writes "ready" on
// stdout once subscribed and "begin ID" when a call starts, and shuts down on SIGTERM,
// when its stdin closes, or after maxLifetime.
func serveInstance(name, url, subject string) error {
	nc, err := nats.Connect(url, nats.Name("rpcnats-test-"+name))
	if err != nil {
		return err
	}
	defer nc.Close()
	var outMu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		outMu.Lock()
		defer outMu.Unlock()
		fmt.Fprintf(out, format+"\n", args...)
		out.Flush()
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "cluster", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "work"}, func(ctx context.Context, p workParams) (string, error) {
		say("begin %d", p.ID)
		time.Sleep(time.Duration(p.Micros) * time.Microsecond) // the work a call does
		return name, nil
	})
	svc, err := rpcnats.Start(nc, subject, srv, &rpcnats.ServeOptions{MaxInFlight: 1000})
	if err != nil {
		return err
	}
	say("ready")
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, maxLifetime)
	defer cancel()
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	<-ctx.Done()
	return svc.Shutdown(context.Background())
}

type workParams struct {
	ID     int `json:"id"`
	Micros int `json:"micros"`
}

// natsURL returns OPENRPC_TEST_NATS; without it the test is skipped, except under
// CI=true, where it fails.
func natsURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("OPENRPC_TEST_NATS")
	if url == "" {
		msg := "OPENRPC_TEST_NATS is not set: set it to a NATS server URL such as nats://127.0.0.1:4222 to run the NATS integration tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: the NATS integration tests must run)")
		}
		t.Skip(msg)
	}
	nc, err := nats.Connect(url, nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatalf("NATS at OPENRPC_TEST_NATS=%s is unreachable: %v", url, err)
	}
	nc.Close()
	return url
}

// instance is a running service process.
type instance struct {
	name  string
	cmd   *exec.Cmd
	stdin io.Closer
	mu    sync.Mutex
	begun map[int]bool // the calls it started
	exit  chan struct{}
}

// startInstances starts n service processes on subject and waits until each is subscribed.
func startInstances(t *testing.T, url, subject string, n int) []*instance {
	t.Helper()
	var out []*instance
	for i := range n {
		in := &instance{name: fmt.Sprintf("i%d", i+1), begun: map[int]bool{}, exit: make(chan struct{})}
		in.cmd = exec.Command(os.Args[0])
		in.cmd.Env = append(os.Environ(), envServe+"="+in.name, envURL+"="+url, envSubject+"="+subject)
		in.cmd.Stderr = os.Stderr
		stdin, err := in.cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		in.stdin = stdin
		stdout, err := in.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := in.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				if line == "ready" {
					close(ready)
				} else if id, ok := strings.CutPrefix(line, "begin "); ok {
					n, _ := strconv.Atoi(id)
					in.mu.Lock()
					in.begun[n] = true
					in.mu.Unlock()
				}
			}
			in.cmd.Wait()
			close(in.exit)
		}()
		t.Cleanup(func() {
			in.stdin.Close()
			select {
			case <-in.exit:
			case <-time.After(30 * time.Second):
				in.cmd.Process.Kill()
				<-in.exit
			}
		})
		select {
		case <-ready:
		case <-in.exit:
			t.Fatalf("instance %s exited before it was ready", in.name)
		case <-time.After(30 * time.Second):
			t.Fatalf("instance %s not ready after 30s", in.name)
		}
		out = append(out, in)
	}
	return out
}

// Three processes in one queue group share the calls, each serving a real share.
func TestCluster_shareLoad(t *testing.T) {
	url := natsURL(t)
	subject := fmt.Sprintf("rpcnats.test.share.%d", time.Now().UnixNano())
	startInstances(t, url, subject, 3)
	nc := connect(t, url)
	c := rpcnats.NewClient(nc, subject, nil)
	const calls, workers = 3000, 30
	var (
		mu     sync.Mutex
		served = map[string]int{}
		next   atomic.Int64
		wg     sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				id := int(next.Add(1))
				if id > calls {
					return
				}
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				name, err := openrpc.Call[string](ctx, c, "work", workParams{ID: id})
				cancel()
				mu.Lock()
				if err != nil {
					served["error: "+err.Error()]++
				} else {
					served[name]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("calls served per instance: %v", served)
	for _, name := range []string{"i1", "i2", "i3"} {
		if served[name] < calls/10 {
			t.Errorf("instance %s served %d of %d calls, want at least %d", name, served[name], calls, calls/10)
		}
	}
	if total := served["i1"] + served["i2"] + served["i3"]; total != calls {
		t.Errorf("%d of %d calls answered: %v", total, calls, served)
	}
}

// One of three processes is killed with SIGKILL in the middle of a steady load: every call
// gets its answer or an error within its deadline; the calls lost are calls NATS had
// delivered to the killed process and that were in flight when it died; the calls made
// after the kill all succeed.
func TestCluster_failover(t *testing.T) {
	url := natsURL(t)
	subject := fmt.Sprintf("rpcnats.test.failover.%d", time.Now().UnixNano())
	ins := startInstances(t, url, subject, 3)
	nc := connect(t, url)
	c := rpcnats.NewClient(nc, subject, nil)
	const (
		calls, workers = 3000, 30
		killAfter      = 1000            // answered calls before the kill
		work           = 2000            // µs each call takes
		deadline       = 3 * time.Second // of each call
		slack          = 2 * time.Second // for the error to come back
	)
	type result struct {
		id        int
		afterKill bool
		err       error
		took      time.Duration
		instance  string
	}
	var (
		next     atomic.Int64
		answered atomic.Int64
		killed   atomic.Bool // set once the killed process is gone and NATS knows it
		killOnce sync.Once
		killDone = make(chan struct{})
		results  = make(chan result, calls)
		wg       sync.WaitGroup
	)
	victim := ins[1]
	kill := func() {
		if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Error(err)
		}
		<-victim.exit
		// The process is gone and its socket closed; a round trip lets the NATS server
		// notice before the next calls are counted as made after the kill.
		nc.Flush()
		killed.Store(true)
		close(killDone)
	}
	for range workers {
		wg.Go(func() {
			for {
				id := int(next.Add(1))
				if id > calls {
					return
				}
				after := killed.Load()
				ctx, cancel := context.WithTimeout(t.Context(), deadline)
				start := time.Now()
				name, err := openrpc.Call[string](ctx, c, "work", workParams{ID: id, Micros: work})
				cancel()
				results <- result{id: id, afterKill: after, err: err, took: time.Since(start), instance: name}
				if answered.Add(1) == killAfter {
					go killOnce.Do(kill)
				}
			}
		})
	}
	wg.Wait()
	close(results)
	<-killDone

	victim.mu.Lock()
	begun := victim.begun
	victim.mu.Unlock()
	var lost, after, servedByVictim, inFlightAtKill int
	answeredIDs, lostIDs := map[int]bool{}, map[int]bool{}
	for r := range results {
		answeredIDs[r.id] = r.err == nil
		lostIDs[r.id] = r.err != nil
		if r.afterKill {
			after++
			if r.err != nil {
				t.Errorf("call %d, made after the kill: %v", r.id, r.err)
			}
		}
		if r.took > deadline+slack {
			t.Errorf("call %d took %v, over its deadline of %v", r.id, r.took, deadline)
		}
		if r.instance == victim.name {
			servedByVictim++
		}
		if r.err != nil {
			lost++
			if !errors.Is(r.err, context.DeadlineExceeded) {
				t.Errorf("call %d failed with %v, want a deadline error", r.id, r.err)
			}
			if begun[r.id] {
				inFlightAtKill++
			}
		}
	}
	t.Logf("%d calls: %d answered by the killed instance before the kill, %d made after the kill, all answered; "+
		"%d lost, all made before the kill, failing at their deadline: %d started by the killed instance's handler "+
		"and %d routed to it by NATS but not started (in a socket or its NATS client's buffer)",
		calls, servedByVictim, after, lost, inFlightAtKill, lost-inFlightAtKill)
	// At most workers calls are outstanding at any time, so at most that many can be lost.
	if lost > workers {
		t.Errorf("lost %d calls, more than the %d that can be in flight", lost, workers)
	}
	for id := range begun {
		if !answeredIDs[id] && !lostIDs[id] {
			t.Errorf("call %d started at the killed instance but is neither answered nor lost", id)
		}
	}
	if after == 0 {
		t.Error("no call was made after the kill")
	}
}
