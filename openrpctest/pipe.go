package openrpctest

import (
	"context"
	"io"
	"sync"

	"github.com/openrpc-go/openrpc"
)

// Pipe returns the two ends of an in-memory connection: what one end sends, the other
// receives, one message at a time, in order. Send waits until the other end receives (as a
// full socket would), so a peer that stops reading holds up the sender. Closing either end
// ends both, as a lost connection: Recv and Send then return io.ErrClosedPipe, so a server
// cancels the calls in flight of a client that closed its end.
func Pipe() (openrpc.Conn, openrpc.Conn) {
	ab, ba := make(chan []byte), make(chan []byte)
	closed := &pipeClosed{ch: make(chan struct{})}
	return &pipeEnd{in: ba, out: ab, closed: closed}, &pipeEnd{in: ab, out: ba, closed: closed}
}

// NewLocalConn serves srv over a [Pipe] and returns a client over the other end: an
// in-memory connection, which carries subscriptions (unlike [NewLocal], which calls
// srv.Process directly, as HTTP does). Calls see a Caller with Transport "local" and
// header. Closing the client ends the server's side, as a peer going away does.
func NewLocalConn(srv *openrpc.Server, header map[string][]string) *openrpc.Client {
	client, server := Pipe()
	go srv.ServeConn(context.Background(), server, &openrpc.ConnOptions{Caller: &openrpc.Caller{Transport: "local", Header: header}})
	return openrpc.NewConnClient(client, nil)
}

type pipeClosed struct {
	once sync.Once
	ch   chan struct{}
}

type pipeEnd struct {
	in     <-chan []byte
	out    chan<- []byte
	closed *pipeClosed
}

var _ openrpc.Conn = (*pipeEnd)(nil)

func (p *pipeEnd) Recv(ctx context.Context) ([]byte, error) {
	select {
	case msg := <-p.in:
		return msg, nil
	case <-p.closed.ch:
		return nil, io.ErrClosedPipe
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *pipeEnd) Send(ctx context.Context, msg []byte) error {
	select {
	case p.out <- append([]byte(nil), msg...):
		return nil
	case <-p.closed.ch:
		return io.ErrClosedPipe
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *pipeEnd) Close() error {
	p.closed.once.Do(func() { close(p.closed.ch) })
	return nil
}
