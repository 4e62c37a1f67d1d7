package rpchttp_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"sync"
)

// pipeListener is a net.Listener whose connections are in-memory pipes (net.Pipe), so that
// a server and its clients can run inside a testing/synctest bubble, where a wait on a real
// socket does not count as blocked.
type pipeListener struct {
	conns    chan net.Conn
	closed   chan struct{}
	once     sync.Once
	buffered bool
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// newBufferedPipeListener is a pipeListener whose connections buffer writes, as a socket
// does: a peer that is not reading at the moment (a server whose calls fill MaxInFlight)
// does not block a small write such as a pong, which would otherwise time out at once on
// the bubble's clock.
func newBufferedPipeListener() *pipeListener {
	l := newPipeListener()
	l.buffered = true
	return l
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial connects to the listener.
func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	server, client := net.Pipe()
	if l.buffered {
		server, client = newBufferedConn(server), newBufferedConn(client)
	}
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// client returns an HTTP client whose connections go to the listener, whatever the URL's
// host.
func (l *pipeListener) client() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: l.dial}}
}

// bufferedConn is one end of a net.Pipe whose writes go through a buffer: Write returns
// once the bytes are queued, and a goroutine hands them to the pipe in order. Close, like a
// socket's, does not wait: what was written still goes out, then the pipe closes.
type bufferedConn struct {
	net.Conn
	out  chan []byte
	done chan struct{}
	once sync.Once
}

func newBufferedConn(c net.Conn) *bufferedConn {
	b := &bufferedConn{Conn: c, out: make(chan []byte, 1024), done: make(chan struct{})}
	go b.pump()
	return b
}

func (b *bufferedConn) Write(p []byte) (int, error) {
	select {
	case b.out <- bytes.Clone(p):
		return len(p), nil
	case <-b.done:
		return 0, net.ErrClosed
	}
}

func (b *bufferedConn) pump() {
	defer b.Conn.Close()
	for {
		select {
		case p := <-b.out:
			if _, err := b.Conn.Write(p); err != nil {
				return
			}
		case <-b.done:
			for {
				select {
				case p := <-b.out:
					if _, err := b.Conn.Write(p); err != nil {
						return
					}
				default:
					return
				}
			}
		}
	}
}

func (b *bufferedConn) Close() error {
	b.once.Do(func() { close(b.done) })
	return nil
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
