package rpchttp

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// liveness tells keepAlive whether a WebSocket is being read, and whether a message came in
// since it last looked: a pong is only read while the connection is read.
type liveness struct {
	reading  atomic.Bool  // inside Recv, waiting for a message
	received atomic.Int64 // messages received, to tell whether reading stopped meanwhile
}

func (l *liveness) startRead() { l.reading.Store(true) }

func (l *liveness) endRead() {
	l.reading.Store(false)
	l.received.Add(1)
}

// keepAlive pings the peer of c every interval until ctx ends; a peer that does not answer
// within the interval is dead: keepAlive calls dead and returns. A ping is sent, and its loss
// held against the peer, only while the connection is read all along, with no message
// arriving meanwhile (a server holds back reading while a connection's calls fill
// MaxInFlight; a client reads all the time).
func keepAlive(ctx context.Context, c *websocket.Conn, l *liveness, interval time.Duration, dead func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if !l.reading.Load() {
				continue
			}
			epoch := l.received.Load()
			pctx, cancel := context.WithTimeout(ctx, interval)
			err := c.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil && l.reading.Load() && l.received.Load() == epoch {
				dead()
				return
			}
		}
	}
}
