package openrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"

	"github.com/openrpc-go/openrpc/internal/wire"
)

// Peer returns a client that calls the peer of the connection ctx's call came in on: a
// handler can notify its caller, or call methods the caller serves (a [Client] serves them
// with [ClientOptions.Server]), while the connection lasts. It reports false for a call
// that came over a transport without a connection (HTTP POST, [Server.Process]). The client
// is shared by every call of the connection; do not close it.
func Peer(ctx context.Context) (*Client, bool) {
	sess := sessionFrom(ctx)
	if sess == nil {
		return nil, false
	}
	sess.peerOnce.Do(func() {
		p := &peerConn{sess: sess, replies: make(chan []byte, 16), closed: make(chan struct{})}
		p.client = NewConnClient(p, nil)
		sess.peer.Store(p)
		sess.mu.Lock()
		ended := sess.ended != nil || sess.peerGone
		sess.mu.Unlock()
		if ended {
			p.close()
		}
	})
	return sess.peer.Load().client, true
}

// peerConn carries a server's calls to its peer over the connection ServeConn serves:
// requests go out with the session's writes; the peer's responses, which ServeConn reads
// among the peer's requests, come back through replies.
type peerConn struct {
	sess    *session
	client  *Client
	replies chan []byte

	once   sync.Once
	closed chan struct{}
}

var _ Conn = (*peerConn)(nil)

func (p *peerConn) Recv(ctx context.Context) ([]byte, error) {
	select {
	case msg := <-p.replies:
		return msg, nil
	case <-p.closed:
		return nil, io.EOF
	}
}

func (p *peerConn) Send(ctx context.Context, msg []byte) error {
	select {
	case <-p.closed:
		return ErrClientClosed
	default:
	}
	p.sess.send(msg)
	return nil
}

func (p *peerConn) Close() error { return nil } // the connection belongs to ServeConn

func (p *peerConn) close() { p.once.Do(func() { close(p.closed) }) }

// deliver hands a response of the peer to the client waiting for it.
func (p *peerConn) deliver(ctx context.Context, msg []byte) {
	select {
	case p.replies <- msg:
	case <-p.closed:
	case <-ctx.Done():
	}
}

// isResponse reports whether msg is a response (or a batch of them) rather than a
// request: an object without a method and with a result or an error.
func isResponse(msg []byte) bool {
	msg = bytes.TrimSpace(msg)
	if len(msg) > 0 && msg[0] == '[' {
		var items []json.RawMessage
		if json.Unmarshal(msg, &items) != nil || len(items) == 0 {
			return false
		}
		msg = items[0]
	}
	var r struct {
		Method *json.RawMessage `json:"method"`
		Result *json.RawMessage `json:"result"`
		Error  *json.RawMessage `json:"error"`
	}
	return json.Unmarshal(msg, &r) == nil && r.Method == nil && (r.Result != nil || r.Error != nil)
}

// Calls and notifications from the server are served concurrently, up to the client's
// Server's MaxInFlight: past it, calls are answered with CodeOverloaded and notifications
// dropped, so that the reader never waits (it also reads the replies those handlers may
// be waiting for). Without a Server, calls are answered with CodeMethodNotFound: a request
// with an id always gets a response.
func (c *Client) serve(msg []byte) {
	l, _ := c.currentLink() // the connection msg came on: the reply goes back on it only
	if c.srv == nil {
		c.refuse(l, msg, CodeMethodNotFound, "this client serves no methods")
		return
	}
	select {
	case c.serving <- struct{}{}:
	default:
		c.refuse(l, msg, CodeOverloaded, "the client is busy with the server's calls")
		return
	}
	msg = bytes.Clone(msg)
	go func() {
		defer func() { <-c.serving }()
		if reply := c.srv.Process(context.Background(), msg); reply != nil {
			c.sendOn(context.Background(), l, reply)
		}
	}()
}

// refuse answers each call in msg (not its notifications), which came on l, with code.
func (c *Client) refuse(l *link, msg []byte, code Code, why string) {
	var reqs []struct {
		ID *json.RawMessage `json:"id"`
	}
	trimmed := bytes.TrimSpace(msg)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if json.Unmarshal(trimmed, &reqs) != nil {
			return
		}
	} else {
		reqs = make([]struct {
			ID *json.RawMessage `json:"id"`
		}, 1)
		if json.Unmarshal(trimmed, &reqs[0]) != nil {
			return
		}
	}
	var out [][]byte
	for _, r := range reqs {
		if r.ID != nil {
			out = append(out, wire.AppendError(nil, *r.ID, int64(code), code.String(), debugData(why)))
		}
	}
	switch {
	case len(out) == 0:
		return
	case len(trimmed) > 0 && trimmed[0] == '[':
		c.sendOn(context.Background(), l, append(append([]byte{'['}, bytes.Join(out, []byte{','})...), ']'))
	default:
		c.sendOn(context.Background(), l, out[0])
	}
}
