package rpchttp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// Regression: over HTTP/2, the 503 sets "Connection: close", which Go's HTTP/2 server turns
// into a GOAWAY for the whole connection: one refused stream ends a connection that a
// client (or a proxy multiplexing many users) shares with every other call.
func TestRegression_overloadedOverHTTP2KeepsTheConnection(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Limits: openrpc.Limits{MaxRequestBytes: 1000, MaxTotalRequestBytes: 1000},
	})
	release := make(chan struct{})
	openrpc.Register(srv, openrpc.Method{Name: "hold"}, func(ctx context.Context, p []string) (int, error) {
		<-release
		return 1, nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "ping"}, func(ctx context.Context, _ struct{}) (int, error) { return 1, nil })
	ts := httptest.NewUnstartedServer(rpchttp.NewHandler(srv, nil))
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	client := ts.Client()

	body := func(method string, size int) []byte {
		head := fmt.Sprintf(`{"jsonrpc":"2.0","method":%q,"id":1,"params":["`, method)
		return []byte(head + strings.Repeat("x", size-len(head)-3) + `"]}`)
	}
	post := func(b []byte) (*http.Response, bool) {
		var reused bool
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
		})
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp, reused
	}
	// Warm the connection.
	if resp, _ := post([]byte(`{"jsonrpc":"2.0","method":"ping","id":1}`)); resp.ProtoMajor != 2 {
		t.Fatalf("not HTTP/2: %s", resp.Proto)
	}
	held := make(chan struct{})
	go func() { post(body("hold", 800)); close(held) }()
	for srv.Reserved() == 0 {
		time.Sleep(time.Millisecond)
	}
	if resp, _ := post(body("hold", 800)); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", resp.StatusCode)
	}
	close(release)
	<-held
	if _, reused := post([]byte(`{"jsonrpc":"2.0","method":"ping","id":1}`)); !reused {
		t.Errorf("after one 503, the next call needed a new HTTP/2 connection: the server sent GOAWAY")
	}
}

// Regression: ServeHTTP releases the body's reserved bytes after Process without defer: a
// panic out of Process (an observer's hook; net/http recovers it and keeps serving) leaks
// the reservation for good, and enough of them leave the server answering 503 forever.
func TestRegression_panicLeaksReservation(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Observers: []openrpc.Observer{{Message: func(ctx context.Context, m openrpc.MessageInfo) (context.Context, func([]byte)) {
			panic("observer bug")
		}}},
	})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	ts.Config.ErrorLog = nil
	defer ts.Close()
	resp, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"x","id":1}`))
	if err == nil {
		resp.Body.Close()
	}
	if n := srv.Reserved(); n != 0 {
		t.Errorf("%d bytes stay reserved after the request ended", n)
	}
}

// Regression: the bearer token offered as a subprotocol is removed from Caller.Header, but
// Caller.Value is the handshake *http.Request whose Header still carries it.
func TestRegression_subprotocolTokenInCallerValue(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "proto"}, func(ctx context.Context, _ struct{}) (string, error) {
		r := openrpc.CallerFrom(ctx).Value.(*http.Request)
		return r.Header.Get("Sec-WebSocket-Protocol"), nil
	})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	c, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(ts.URL, "http"), &websocket.DialOptions{
		Subprotocols: []string{rpchttp.Subprotocol, rpchttp.BearerSubprotocolPrefix + "c2VjcmV0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.Write(t.Context(), websocket.MessageText, []byte(`{"jsonrpc":"2.0","method":"proto","id":1}`))
	_, reply, err := c.Read(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(reply), "c2VjcmV0") {
		t.Errorf("the token is readable through Caller.Value: %s", reply)
	}
}

// Regression: a body with a Content-Length is reserved in full before any of it arrives. A
// client that sends only the headers of a few large POSTs (here 13 connections, about
// 1.5 KB in all) holds the whole server-wide bound (64 MiB by default) for as long as the
// body read may take (ReadTimeout: 60 s with rpchttp.Serve, forever on a bare
// http.Server), and every other request on every transport is refused with 503/-32004.
func TestRegression_idleContentLengthHoldsTheBound(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil) // default limits
	openrpc.Register(srv, openrpc.Method{Name: "ping"}, func(ctx context.Context, _ struct{}) (int, error) { return 1, nil })
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	lim := srv.Limits()
	left := lim.MaxTotalRequestBytes
	for left > 0 {
		n := min(left, lim.MaxRequestBytes)
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", ts.Listener.Addr(), n)
		left -= n
	}
	deadline := time.Now().Add(2 * time.Second)
	for srv.Reserved() < lim.MaxTotalRequestBytes && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	resp, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"ping","id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("an ordinary call got %d while %d bytes are reserved for bodies of which no byte has arrived", resp.StatusCode, srv.Reserved())
	}
}

// Regression: MessageWriteTimeout bounds the whole write of a reply, not the time without
// progress: a healthy peer that reads steadily but whose link is slower than
// reply size / timeout is disconnected and its calls canceled. With the defaults (10 s,
// MaxResponseBytes 25 MB) that is any link under 20 Mbit/s receiving a large reply.
func TestRegression_slowButSteadyReaderKeepsItsReply(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	const size = 12 << 20 // about 3 s at the reader's pace: twice the write timeout
	openrpc.Register(srv, openrpc.Method{Name: "big"}, func(ctx context.Context, _ struct{}) (string, error) {
		return strings.Repeat("x", size), nil
	})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{MessageWriteTimeout: 1500 * time.Millisecond}))
	defer ts.Close()
	var got atomic.Int64
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		c.(*net.TCPConn).SetReadBuffer(16 << 10)
		return &slowConn{Conn: c, got: &got}, nil
	}}}
	c, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(ts.URL, "http"), &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(-1)
	if err := c.Write(t.Context(), websocket.MessageText, []byte(`{"jsonrpc":"2.0","method":"big","id":1}`)); err != nil {
		t.Fatal(err)
	}
	// About 3 s at the reader's pace on a quiet machine; a loaded one (-race, other tests)
	// slows the reader, not the server's judgement of it: the bound only stops a hang.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, reply, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("a peer reading steadily (%d bytes in) lost its reply: %v", got.Load(), err)
	}
	if len(reply) < size {
		t.Fatalf("short reply %d", len(reply))
	}
}

// slowConn reads at about 1 MiB/s, in 16 KiB steps: slow, but never stalled.
type slowConn struct {
	net.Conn
	got *atomic.Int64
}

func (c *slowConn) Read(p []byte) (int, error) {
	if len(p) > 16<<10 {
		p = p[:16<<10]
	}
	time.Sleep(4 * time.Millisecond)
	n, err := c.Conn.Read(p)
	c.got.Add(int64(n))
	return n, err
}
