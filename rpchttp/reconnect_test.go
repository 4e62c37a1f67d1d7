package rpchttp_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// Issue 11: clients that survive a dropped connection, over real WebSockets on loopback.

// hangBound bounds a wait of the test: the behaviour takes milliseconds, the bound only turns
// a hang into a failure.
const hangBound = 30 * time.Second

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(hangBound):
		t.Fatalf("no %s hangBound %v", what, hangBound)
		panic("unreachable")
	}
}

// Tick is an event of the ticks subscription of testdata/reconnectserver.
type Tick struct {
	PID int `json:"pid"`
	N   int `json:"n"`
}

// serverProcess is a running testdata/reconnectserver.
type serverProcess struct {
	cmd     *exec.Cmd
	addr    string
	blocked chan struct{} // a "block" call reached the server
}

// buildServer builds testdata/reconnectserver once for the test.
func buildServer(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the server with")
	}
	bin := filepath.Join(t.TempDir(), "reconnectserver")
	if out, err := exec.Command(gobin, "build", "-o", bin, "./testdata/reconnectserver").CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	return bin
}

// startServer starts the server on addr and waits until it listens.
func startServer(t *testing.T, bin, addr string) *serverProcess {
	t.Helper()
	cmd := exec.Command(bin, addr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p := &serverProcess{cmd: cmd, blocked: make(chan struct{}, 1)}
	lines := bufio.NewScanner(stdout)
	listening := make(chan string, 1)
	go func() {
		for lines.Scan() {
			switch line := lines.Text(); {
			case line == "blocked":
				p.blocked <- struct{}{}
			default:
				listening <- line
			}
		}
	}()
	p.addr = receive(t, listening, "address from the server")
	return p
}

func (p *serverProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
}

// callbacks returns reconnection options with fast backoff whose callbacks report on ch.
func callbacks(ch chan<- string) *openrpc.ReconnectOptions {
	return &openrpc.ReconnectOptions{
		BaseDelay:    10 * time.Millisecond,
		MaxDelay:     200 * time.Millisecond,
		OnDisconnect: func(err error) { ch <- "disconnect" },
		OnReconnect: func(attempt int, err error) {
			if err == nil {
				ch <- "reconnect"
			}
		},
	}
}

// A server process killed with SIGKILL and started again on the same port gets the client's
// subscription back, without application code; the events go on through the same Events
// loop, and the call in flight at the kill fails with ErrConnectionLost.
func TestDialWebSocket_reconnectsToARestartedServerProcess(t *testing.T) {
	bin := buildServer(t)
	first := startServer(t, bin, "127.0.0.1:0")
	rec := make(chan string, 64)
	c, err := rpchttp.DialWebSocket(t.Context(), "ws://"+first.addr, &rpchttp.ClientOptions{Reconnect: callbacks(rec)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sub, err := openrpc.Subscribe[Tick](t.Context(), c, "ticks", map[string]int{"everyMillis": 5})
	if err != nil {
		t.Fatal(err)
	}
	ticks := make(chan Tick, 1024)
	loopErr := make(chan error, 1)
	go func() {
		for ev, err := range sub.Events() {
			if err != nil {
				loopErr <- err
				return
			}
			ticks <- ev
		}
		loopErr <- nil
	}()
	tick := receive(t, ticks, "tick from the first server")
	if tick.PID != first.cmd.Process.Pid {
		t.Fatalf("tick from pid %d, want %d", tick.PID, first.cmd.Process.Pid)
	}

	callErr := make(chan error, 1)
	go func() {
		_, err := openrpc.Call[bool](context.Background(), c, "block", nil)
		callErr <- err
	}()
	receive(t, first.blocked, "call at the server")

	killed := time.Now()
	first.kill(t)
	if err := receive(t, callErr, "end of the call in flight"); !errors.Is(err, openrpc.ErrConnectionLost) {
		t.Errorf("call in flight at the kill: %v, want ErrConnectionLost", err)
	}
	failed := time.Since(killed)
	if got := receive(t, rec, "OnDisconnect"); got != "disconnect" {
		t.Errorf("callback %q, want disconnect", got)
	}

	second := startServer(t, bin, first.addr)
	restarted := time.Now()
	if got := receive(t, rec, "OnReconnect"); got != "reconnect" {
		t.Errorf("callback %q, want reconnect", got)
	}
	for tick.PID != second.cmd.Process.Pid {
		tick = receive(t, ticks, "tick from the second server")
	}
	t.Logf("the call in flight failed %v after the kill; the first event from the new process came %v after it listened", failed, time.Since(restarted))
	if pid, err := openrpc.Call[int](t.Context(), c, "pid", nil); err != nil || pid != second.cmd.Process.Pid {
		t.Errorf("pid: %d, %v; want %d", pid, err, second.cmd.Process.Pid)
	}

	c.Close()
	if err := receive(t, loopErr, "end of the events"); !errors.Is(err, openrpc.ErrClientClosed) {
		t.Errorf("events ended with %v, want ErrClientClosed at Close", err)
	}
}

// proxy forwards TCP connections on loopback to a server; it can cut them (as a network
// failure that both ends see) or blackhole them (bytes dropped both ways, sockets left open:
// a server host gone from the network, which only pings find).
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	conns []*proxyConn
}

type proxyConn struct {
	client, server net.Conn
	dropping       chan struct{} // closed to blackhole
	once           sync.Once
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	return p
}

func (p *proxy) url() string { return "ws://" + p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		pc := &proxyConn{client: client, server: server, dropping: make(chan struct{})}
		p.mu.Lock()
		p.conns = append(p.conns, pc)
		p.mu.Unlock()
		go pc.forward(server, client)
		go pc.forward(client, server)
	}
}

// forward copies from src to dst until either closes, dropping the bytes once blackholed.
func (pc *proxyConn) forward(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			pc.close()
			return
		}
		select {
		case <-pc.dropping:
			continue
		default:
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			pc.close()
			return
		}
	}
}

func (pc *proxyConn) close() {
	pc.once.Do(func() { pc.client.Close(); pc.server.Close() })
}

// cut closes every connection made so far.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pc := range p.conns {
		pc.close()
	}
	p.conns = nil
}

// blackhole drops the bytes of every connection made so far, leaving them open.
func (p *proxy) blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pc := range p.conns {
		close(pc.dropping)
	}
	p.conns = nil
}

// feedServer serves "feed", a subscription whose handler sends a channel on started and
// emits each number sent on it, and "block", which reports on blocked and waits for its
// context.
func feedServer() (srv *openrpc.Server, started chan chan int, blocked chan struct{}) {
	started, blocked = make(chan chan int, 8), make(chan struct{}, 8)
	srv = openrpc.NewServer(openrpc.Info{Title: "feed", Version: "1"}, &openrpc.ServerOptions{Logger: slog.New(slog.DiscardHandler)})
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "feed"}, func(ctx context.Context, _ struct{}, emit func(int) error) error {
		feed := make(chan int)
		started <- feed
		for {
			select {
			case n := <-feed:
				if err := emit(n); err != nil {
					return err
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
		blocked <- struct{}{}
		<-ctx.Done()
		return false, ctx.Err()
	})
	return srv, started, blocked
}

// A server that stops answering, its socket still open, is found by the client's pings:
// the call in flight fails with ErrConnectionLost, and the client reconnects.
func TestDialWebSocket_pingsFindADeadServer(t *testing.T) {
	srv, started, blocked := feedServer()
	ts := httptest.NewServer(rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{PingInterval: -1}))
	defer ts.Close()
	p := newProxy(t, ts.Listener.Addr().String())
	rec := make(chan string, 64)
	c, err := rpchttp.DialWebSocket(t.Context(), p.url(), &rpchttp.ClientOptions{PingInterval: 50 * time.Millisecond, Reconnect: callbacks(rec)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sub, err := openrpc.Subscribe[int](t.Context(), c, "feed", nil)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan string, 16)
	go func() {
		for ev, err := range sub.Events() {
			events <- fmt.Sprintf("%d %v", ev, err)
		}
	}()
	feed := receive(t, started, "subscription at the server")
	feed <- 1
	if got := receive(t, events, "event"); got != "1 <nil>" {
		t.Fatalf("event %q", got)
	}
	callErr := make(chan error, 1)
	go func() {
		_, err := openrpc.Call[bool](context.Background(), c, "block", nil)
		callErr <- err
	}()
	receive(t, blocked, "call at the server")

	blackholed := time.Now()
	p.blackhole()
	if err := receive(t, callErr, "end of the call in flight"); !errors.Is(err, openrpc.ErrConnectionLost) {
		t.Errorf("call in flight: %v, want ErrConnectionLost", err)
	}
	t.Logf("with pings every 50ms, the call in flight failed %v after the server went silent", time.Since(blackholed))
	if got := receive(t, rec, "OnDisconnect"); got != "disconnect" {
		t.Errorf("callback %q, want disconnect", got)
	}
	if got := receive(t, rec, "OnReconnect"); got != "reconnect" {
		t.Errorf("callback %q, want reconnect", got)
	}
	// The subscription was made again on the new connection; its events come through the
	// same loop.
	feed = receive(t, started, "subscription at the server after the reconnect")
	feed <- 2
	if got := receive(t, events, "event after the reconnect"); got != "2 <nil>" {
		t.Errorf("event %q, want 2", got)
	}
}

// Without Reconnect, a lost WebSocket closes the client; the call in flight fails with
// ErrConnectionLost.
func TestDialWebSocket_callInFlightFailsWhenTheConnectionDrops(t *testing.T) {
	srv, _, blocked := feedServer()
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	p := newProxy(t, ts.Listener.Addr().String())
	c, err := rpchttp.DialWebSocket(t.Context(), p.url(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	callErr := make(chan error, 1)
	go func() {
		_, err := openrpc.Call[bool](context.Background(), c, "block", nil)
		callErr <- err
	}()
	receive(t, blocked, "call at the server")
	p.cut()
	err = receive(t, callErr, "end of the call in flight")
	if !errors.Is(err, openrpc.ErrConnectionLost) || !errors.Is(err, openrpc.ErrClientClosed) {
		t.Errorf("call in flight: %v, want ErrConnectionLost and ErrClientClosed", err)
	}
}
