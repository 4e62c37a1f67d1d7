package rpchttp_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// rawPeer is a WebSocket client written by hand over a plain net.Conn, to misbehave in ways
// a client library does not allow.
type rawPeer struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

// dialRaw performs the WebSocket handshake with the server at addr (host:port).
func dialRaw(t *testing.T, addr string) *rawPeer {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	// A failing test must not hang: no read takes longer than this.
	nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", addr)
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: status %d", resp.StatusCode)
	}
	return &rawPeer{t: t, nc: nc, br: br}
}

// header writes the header of a final, masked text frame announcing n bytes of payload.
func (p *rawPeer) header(n int) {
	p.t.Helper()
	h := []byte{0x81, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint64(h[2:], uint64(n))
	h = append(h, 0, 0, 0, 0) // masking key 0: the payload goes as is
	if _, err := p.nc.Write(h); err != nil {
		p.t.Fatal(err)
	}
}

// send writes msg as one text frame.
func (p *rawPeer) send(msg string) {
	p.t.Helper()
	p.header(len(msg))
	if _, err := io.WriteString(p.nc, msg); err != nil {
		p.t.Fatal(err)
	}
}

// closeCode reads frames until a close frame and returns its status code.
func (p *rawPeer) closeCode() int {
	p.t.Helper()
	for {
		var h [2]byte
		if _, err := io.ReadFull(p.br, h[:]); err != nil {
			p.t.Fatalf("no close frame: %v", err)
		}
		n := int64(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			io.ReadFull(p.br, b[:])
			n = int64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			io.ReadFull(p.br, b[:])
			n = int64(binary.BigEndian.Uint64(b[:]))
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(p.br, payload); err != nil {
			p.t.Fatalf("no close frame: %v", err)
		}
		if h[0]&0x0f == 0x8 && n >= 2 {
			return int(binary.BigEndian.Uint16(payload))
		}
	}
}

// waitServer registers "wait", which blocks until its call is canceled and then reports it
// on the returned channel; started receives a value when it begins.
func waitServer(t *testing.T, opts *openrpc.ServerOptions) (srv *openrpc.Server, started, canceled chan struct{}) {
	srv = openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, opts)
	started, canceled = make(chan struct{}, 1), make(chan struct{}, 1)
	openrpc.Register(srv, openrpc.Method{Name: "wait"}, func(ctx context.Context, _ struct{}) (bool, error) {
		started <- struct{}{}
		<-ctx.Done()
		canceled <- struct{}{}
		return false, ctx.Err()
	})
	return srv, started, canceled
}

// within fails the test if ch does not deliver in a time no passing run comes near.
func within(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s never happened", what)
	}
}

// Regression (issue 10): a peer that announced a 1 MiB message and went quiet was never
// closed. Its message must now arrive within MessageReadTimeout.
func TestWebSocket_stalledMessageIsClosed(t *testing.T) {
	srv, started, canceled := waitServer(t, nil)
	ts := httptest.NewServer(rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{
		MessageReadTimeout: 50 * time.Millisecond,
		PingInterval:       -1, // the timeout alone must do it
	}))
	defer ts.Close()
	p := dialRaw(t, ts.Listener.Addr().String())
	p.send(`{"jsonrpc":"2.0","method":"wait","id":1}`)
	within(t, started, "the call")
	p.header(1 << 20)
	io.WriteString(p.nc, `{"jsonrpc":"2.0",`) // and nothing more
	if got := p.closeCode(); got != int(websocket.StatusPolicyViolation) {
		t.Errorf("close code %d, want 1008", got)
	}
	within(t, canceled, "the cancellation of the stalled peer's call")
}

// Regression (issue 10): a peer that never read its replies was never disconnected, and held a
// graceful shutdown for the whole ShutdownGrace.
func TestWebSocket_peerThatDoesNotReadIsDropped(t *testing.T) {
	for _, shutdown := range []bool{false, true} {
		t.Run(map[bool]string{false: "serving", true: "shutting down"}[shutdown], func(t *testing.T) {
			srv, started, canceled := waitServer(t, nil)
			bigs, gate := make(chan struct{}, 1000), make(chan struct{})
			openrpc.Register(srv, openrpc.Method{Name: "big"}, func(ctx context.Context, _ struct{}) (string, error) {
				bigs <- struct{}{}
				<-gate
				return strings.Repeat("x", 256<<10), nil
			})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			served := make(chan struct{})
			go func() {
				defer close(served)
				h := rpchttp.NewHandler(srv, &rpchttp.HandlerOptions{MessageWriteTimeout: 50 * time.Millisecond, ShutdownGrace: time.Hour})
				if err := rpchttp.Serve(ctx, ln, h, &rpchttp.ServeOptions{ShutdownTimeout: time.Hour}); err != nil {
					t.Errorf("Serve: %v", err)
				}
			}()
			p := dialRaw(t, ln.Addr().String())
			p.send(`{"jsonrpc":"2.0","method":"wait","id":0}`)
			within(t, started, "the call")
			// 200 replies of 256 KiB: far more than the socket buffers hold.
			// The server may drop the peer before it has sent them all.
			for i := range 200 {
				msg := fmt.Sprintf(`{"jsonrpc":"2.0","method":"big","id":%d}`, i+1)
				frame := append([]byte{0x81, 0x80 | byte(len(msg)), 0, 0, 0, 0}, msg...)
				if _, err := p.nc.Write(frame); err != nil {
					break
				}
			}
			// MaxInFlight calls ("wait" and 63 of them), held until their replies may go.
			for range openrpc.DefaultMaxInFlight - 1 {
				within(t, bigs, "a call")
			}
			if shutdown {
				stop() // the shutdown starts before the server tries to write
				close(gate)
				within(t, served, "the end of the shutdown")
			} else {
				close(gate)
			}
			within(t, canceled, "the cancellation of the calls of the peer that does not read")
		})
	}
}

// A text message that is not UTF-8 closes the connection with 1007, as RFC 6455 requires.
func TestWebSocket_invalidUTF8ClosesWith1007(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	ts := serve(t, srv)
	c, _, err := websocket.Dial(context.Background(), wsURL(ts), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte("{\"jsonrpc\":\"2.0\",\"method\":\"\xff\",\"id\":1}")); err != nil {
		t.Fatal(err)
	}
	_, reply, err := c.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusInvalidFramePayloadData {
		t.Errorf("got %s, %v (close status %v); want close status 1007", reply, err, got)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Error("the connection stayed open")
	}
}
