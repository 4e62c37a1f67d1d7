package openrpc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrConnectionLost is returned (wrapped, with the cause) for a call that was in flight on a
// connection when it was lost: the call may or may not have run on the server. A client over
// one connection ([NewConnClient]) is closed by the loss; a reconnecting client
// ([NewReconnectingClient]) dials again, and the calls made meanwhile wait for the new
// connection.
var ErrConnectionLost = errors.New("openrpc: connection lost")

// ReconnectOptions configures [NewReconnectingClient]. The zero value (or nil) gives the
// defaults.
type ReconnectOptions struct {
	// BaseDelay bounds the wait before the first redial after a loss; the bound doubles after
	// each failed redial, up to MaxDelay. The wait itself is random, from zero up to the bound
	// ("full jitter"), so that the clients of a restarted server do not all come back at
	// once. Default 100ms.
	BaseDelay time.Duration
	// MaxDelay is the largest bound of the wait between redials. Default 10s.
	MaxDelay time.Duration
	// MaxAttempts is how many redials in a row may fail before the client gives up: it is
	// then closed, its calls fail with [ErrClientClosed] and its subscriptions end with the
	// same error, which also wraps [ErrConnectionLost]. Default 0: it never gives up, until
	// [Client.Close].
	MaxAttempts int
	// DialTimeout bounds each redial. Default 10s.
	DialTimeout time.Duration

	// OnDisconnect, when set, is called when the connection is lost (not after Close), with
	// the cause, before the first redial.
	OnDisconnect func(err error)
	// OnReconnect, when set, is called after each redial. attempt counts the redials since
	// the loss, from 1. err is nil when the connection is back and each subscription has
	// been restored, or ended with the server's refusal; otherwise it says why this redial
	// failed. When the client gives up, the last call has attempt == MaxAttempts.
	//
	// The callbacks are called one at a time, in order, on a goroutine of their own: they may
	// call the client, and a slow one delays the next callback, not the reconnection.
	OnReconnect func(attempt int, err error)

	// Client configures the client, as for [NewConnClient].
	Client *ClientOptions

	jitter func(n int64) int64 // a random number in [0, n); tests make it predictable
}

// NewReconnectingClient returns a client over the connections dial returns: when the
// connection in use is lost, the client dials again, with exponential backoff and jitter
// (see [ReconnectOptions]), and restores its subscriptions on the new connection. The first
// dial happens at once, with ctx: when it fails, NewReconnectingClient returns its error.
// Later dials get a context that ends at [Client.Close] or after DialTimeout. rpchttp's
// DialWebSocket uses it when its options ask for reconnection; any [Conn] transport can.
//
// While the connection is up, the client behaves as one from [NewConnClient]. When it is
// lost:
//
//   - Calls in flight on it fail at once with an error wrapping [ErrConnectionLost]: the
//     client cannot know whether the server ran them, so it does not send them again.
//   - Calls made while the client reconnects wait for the new connection, up to their
//     context: they were never sent, so sending them later is safe.
//   - Each running subscription is made again on the new connection, with the same method
//     and params; events keep arriving through the same [Subscription] (its ID changes to
//     the new one). Events the server emitted between the loss and the new subscription
//     are lost, and the server sees a new subscription: a handler that counts starts again.
//     A subscription the new server refuses ends with its error.
//
// The client never gives up by default; Close stops it, and MaxAttempts bounds the redials.
func NewReconnectingClient(ctx context.Context, dial func(ctx context.Context) (Conn, error), opts *ReconnectOptions) (*Client, error) {
	conn, err := dial(ctx)
	if err != nil {
		return nil, err
	}
	if conn == nil {
		return nil, errors.New("openrpc: the dial function returned no connection")
	}
	r := &reconnector{dial: dial, opts: opts.withDefaults(), ready: make(chan struct{}), wake: make(chan struct{}, 1), live: map[*clientSub]struct{}{}}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.link = newLink(conn)
	close(r.link.restored)
	r.up = make(chan struct{})
	close(r.up)
	r.c = NewConnClient(r, r.opts.Client)
	close(r.ready)
	go r.watch()
	return r.c, nil
}

func (o *ReconnectOptions) withDefaults() ReconnectOptions {
	var v ReconnectOptions
	if o != nil {
		v = *o
	}
	if v.BaseDelay <= 0 {
		v.BaseDelay = 100 * time.Millisecond
	}
	if v.MaxDelay <= 0 {
		v.MaxDelay = 10 * time.Second
	}
	if v.MaxDelay < v.BaseDelay {
		v.MaxDelay = v.BaseDelay
	}
	if v.DialTimeout <= 0 {
		v.DialTimeout = 10 * time.Second
	}
	if v.jitter == nil {
		v.jitter = rand.Int64N
	}
	return v
}

// delay returns the wait before redial attempt n (from 1): a random duration up to
// min(MaxDelay, BaseDelay·2^(n-1)).
func (o *ReconnectOptions) delay(attempt int) time.Duration {
	ceiling := o.BaseDelay
	for i := 1; i < attempt && ceiling < o.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, o.MaxDelay)
	return time.Duration(o.jitter(int64(ceiling) + 1))
}

// errCloseCalled ends a reconnecting client's connection when Close is called.
var errCloseCalled = errors.New("Close was called")

// A reconnector is the [Conn] of a reconnecting client: the connection in use, replaced by a
// new one when it is lost. The client's reader calls Recv, which redials when the connection
// fails, so the reader just goes on reading.
type reconnector struct {
	dial   func(context.Context) (Conn, error)
	opts   ReconnectOptions
	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	ready  chan struct{} // closed once c is set
	c      *Client

	mu   sync.Mutex
	link *link                   // the connection in use; nil while reconnecting
	up   chan struct{}           // closed when link is set
	live map[*clientSub]struct{} // subscriptions to restore on the next connection

	cbMu    sync.Mutex
	pending []func() // callbacks to call
	wake    chan struct{}
}

var _ Conn = (*reconnector)(nil)

// A link is one connection of a reconnecting client. Its context ends, with an error
// wrapping ErrConnectionLost, when the connection is lost: the calls sent on it then fail.
type link struct {
	conn     Conn
	ctx      context.Context
	lose     context.CancelCauseFunc
	sendMu   sync.Mutex
	restored chan struct{} // closed when the restoring of subscriptions on it is over
}

func newLink(conn Conn) *link {
	l := &link{conn: conn, restored: make(chan struct{})}
	l.ctx, l.lose = context.WithCancelCause(context.Background())
	return l
}

// lost returns a channel closed when the connection is lost; nil (never closed) for the
// nil link of a client over one connection.
func (l *link) lost() <-chan struct{} {
	if l == nil {
		return nil
	}
	return l.ctx.Done()
}

// err says why the connection was lost.
func (l *link) err() error { return context.Cause(l.ctx) }

// send writes msg on the connection. An error other than ctx's means the connection is
// broken: it is closed, so that the reader notices and reconnects.
func (l *link) send(ctx context.Context, msg []byte) error {
	l.sendMu.Lock()
	defer l.sendMu.Unlock()
	if l.ctx.Err() != nil {
		return l.err()
	}
	if err := l.conn.Send(ctx, msg); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.conn.Close()
		return fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	return nil
}

// linkKey is the context key of the link a call must go out on (to restore subscriptions on
// that connection and no other).
type linkKey struct{}

// currentLink returns the connection a reconnecting client uses, and whether it has one; it
// returns nil, true for a client over one connection.
func (c *Client) currentLink() (*link, bool) {
	r, ok := c.conn.(*reconnector)
	if !ok {
		return nil, true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.link, r.link != nil
}

// onLink returns ctx bound to l: a call made with it goes out on l, or fails with
// ErrConnectionLost once l is lost. A call about a subscription of that connection (ending
// it) must not go out on the next one. A nil l leaves ctx as it is.
func onLink(ctx context.Context, l *link) context.Context {
	if l == nil {
		return ctx
	}
	return context.WithValue(ctx, linkKey{}, l)
}

// sendCall writes the message of a call on the client's connection and returns the link it
// went out on: for a reconnecting client, the connection in use, waiting (up to ctx) while
// it reconnects; nil for a client over one connection.
func (c *Client) sendCall(ctx context.Context, msg []byte) (*link, error) {
	if r, ok := c.conn.(*reconnector); ok {
		return r.sendCall(ctx, msg)
	}
	if err := c.send(ctx, msg); err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case c.closed.Load():
			return nil, fmt.Errorf("%w: %w", ErrClientClosed, errCloseCalled)
		}
		return nil, fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	return nil, nil
}

func (r *reconnector) sendCall(ctx context.Context, msg []byte) (*link, error) {
	if l, ok := ctx.Value(linkKey{}).(*link); ok {
		return l, l.send(ctx, msg)
	}
	for {
		r.mu.Lock()
		l, up := r.link, r.up
		r.mu.Unlock()
		if l != nil {
			return l, l.send(ctx, msg)
		}
		select {
		case <-up:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-r.c.done:
			return nil, r.c.err
		}
	}
}

// Send writes msg on the connection in use; while the client reconnects, it fails at once.
func (r *reconnector) Send(ctx context.Context, msg []byte) error {
	r.mu.Lock()
	l := r.link
	r.mu.Unlock()
	if l == nil {
		return fmt.Errorf("%w: reconnecting", ErrConnectionLost)
	}
	return l.send(ctx, msg)
}

// Close stops the reconnecting and closes the connection in use.
func (r *reconnector) Close() error {
	r.cancel()
	r.mu.Lock()
	l := r.link
	r.mu.Unlock()
	if l != nil {
		return l.conn.Close()
	}
	return nil
}

// Recv returns the next message of the connection in use. When the connection fails, Recv
// redials until a new one is up, and reads on; it returns an error only after Close or
// when the client gives up.
func (r *reconnector) Recv(ctx context.Context) ([]byte, error) {
	<-r.ready
	for {
		r.mu.Lock()
		l := r.link
		r.mu.Unlock()
		msg, err := l.conn.Recv(ctx)
		if err == nil {
			return msg, nil
		}
		r.lose(l, err)
		if r.ctx.Err() != nil {
			return nil, errCloseCalled
		}
		if err := r.redial(); err != nil {
			return nil, err
		}
	}
}

// lose ends link l: the calls in flight on it fail, and its subscriptions wait to be
// restored on the next connection.
func (r *reconnector) lose(l *link, cause error) {
	r.mu.Lock()
	r.link = nil
	r.up = make(chan struct{})
	r.mu.Unlock()
	closed := r.ctx.Err() != nil
	if closed {
		l.lose(fmt.Errorf("%w: %w", ErrClientClosed, errCloseCalled))
	} else {
		l.lose(fmt.Errorf("%w: %w", ErrConnectionLost, cause))
	}
	l.conn.Close()
	<-l.restored // no subscription is being restored on l any more
	r.c.mu.Lock()
	subs := r.c.subs
	r.c.subs = nil
	r.c.mu.Unlock()
	r.mu.Lock()
	for _, s := range subs {
		r.live[s] = struct{}{}
	}
	r.mu.Unlock()
	if !closed && r.opts.OnDisconnect != nil {
		r.callback(func() { r.opts.OnDisconnect(cause) })
	}
}

// redial dials until a connection is up (nil), the client is closed, or it gives up.
func (r *reconnector) redial() error {
	for attempt := 1; ; attempt++ {
		t := time.NewTimer(r.opts.delay(attempt))
		select {
		case <-t.C:
		case <-r.ctx.Done():
			t.Stop()
			return errCloseCalled
		}
		ctx, cancel := context.WithTimeout(r.ctx, r.opts.DialTimeout)
		conn, err := r.dial(ctx)
		cancel()
		if err == nil && conn == nil {
			err = errors.New("the dial function returned no connection")
		}
		if err == nil {
			l := newLink(conn)
			r.mu.Lock()
			if r.ctx.Err() != nil {
				r.mu.Unlock()
				conn.Close()
				return errCloseCalled
			}
			r.link = l
			close(r.up)
			r.mu.Unlock()
			go r.restore(l, attempt)
			return nil
		}
		if r.ctx.Err() != nil {
			return errCloseCalled
		}
		if r.opts.OnReconnect != nil {
			r.callback(func() { r.opts.OnReconnect(attempt, err) })
		}
		if r.opts.MaxAttempts > 0 && attempt >= r.opts.MaxAttempts {
			return fmt.Errorf("gave up after %d attempts to reconnect: %w", attempt, err) // the reader adds ErrConnectionLost
		}
	}
}

// restore makes the subscriptions waiting for a connection again on l, all at once, then
// reports the reconnection.
func (r *reconnector) restore(l *link, attempt int) {
	defer close(l.restored)
	r.mu.Lock()
	subs := make([]*clientSub, 0, len(r.live))
	for s := range r.live {
		subs = append(subs, s)
	}
	r.mu.Unlock()
	ctx := onLink(l.ctx, l)
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Go(func() {
			err := r.c.establish(ctx, s)
			if l.ctx.Err() != nil {
				return // lost again: the next connection restores it
			}
			if err != nil {
				s.end(fmt.Errorf("openrpc: %s: restoring the subscription after a reconnect: %w", s.method, err))
			}
			r.mu.Lock()
			delete(r.live, s)
			r.mu.Unlock()
		})
	}
	wg.Wait()
	if l.ctx.Err() == nil && r.opts.OnReconnect != nil {
		r.callback(func() { r.opts.OnReconnect(attempt, nil) })
	}
}

// callback queues f for the callback goroutine.
func (r *reconnector) callback(f func()) {
	r.cbMu.Lock()
	r.pending = append(r.pending, f)
	r.cbMu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// watch calls the callbacks in order until the client ends, then ends the subscriptions
// that were waiting for a connection.
func (r *reconnector) watch() {
	run := func() {
		r.cbMu.Lock()
		fs := r.pending
		r.pending = nil
		r.cbMu.Unlock()
		for _, f := range fs {
			f()
		}
	}
	for {
		select {
		case <-r.wake:
			run()
		case <-r.c.done:
			r.mu.Lock()
			live := r.live
			r.live = nil
			r.mu.Unlock()
			for s := range live {
				s.end(r.c.err)
			}
			run()
			return
		}
	}
}
