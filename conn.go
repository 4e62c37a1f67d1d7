package openrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"
)

// Conn is a connection that carries whole JSON-RPC messages, one per Recv and Send: a
// WebSocket, a stream of newline-delimited JSON, a message bus subscription. Transports
// implement it; [Server.ServeConn] serves one and [NewConnClient] calls over one.
type Conn interface {
	// Recv returns the next message. It returns an error wrapping io.EOF when the peer has
	// finished sending, and one wrapping [ErrTooLarge] for a message over the size limit
	// (the connection may then still be usable: Recv decides).
	Recv(ctx context.Context) ([]byte, error)
	// Send writes one message. The framework never calls Send concurrently.
	Send(ctx context.Context, msg []byte) error
	// Close closes the connection, unblocking Recv.
	Close() error
}

// MessageReleaser is implemented by a [Conn] that wants to know when a message it returned
// from Recv is no longer used: [Server.ServeConn] calls ReleaseMessage once for every such
// message, as soon as it is answered (its reply is ready, before it is sent) or dropped. A
// Conn whose Recv reserves the bytes of its messages with [Server.Reserve] releases them
// there.
type MessageReleaser interface {
	ReleaseMessage(msg []byte)
}

// ErrTooLarge is returned (wrapped) by a [Conn] for a message over the size limit.
var ErrTooLarge = errors.New("openrpc: message too large")

// ConnOptions configures [Server.ServeConn]. The zero value (or nil) gives the defaults.
type ConnOptions struct {
	// Caller describes the peer; it is attached to the context of every call.
	Caller *Caller
}

// ServeConn answers the messages of conn until the peer stops sending (io.EOF), the
// connection fails, or ctx is done. Messages are processed concurrently, at most
// [Limits.MaxInFlight] at a time: past that, ServeConn stops reading until a call finishes,
// so a fast peer cannot grow memory without bound. Replies are written one at a time.
//
// When ctx is done, ServeConn stops taking calls (it answers new ones with
// [CodeOverloaded] "server shutting down"), lets the calls in flight finish and send their
// replies, then closes conn. When the connection fails, the contexts of the calls in flight
// are canceled. ServeConn returns nil after the peer's EOF or a shutdown, otherwise the
// error that ended the connection.
//
// A Recv error wrapping [ErrTooLarge] is answered with [CodeTooLarge], one wrapping
// [ErrOverloaded] with [CodeOverloaded] (a message skipped because the server's request
// memory is used up); reading goes on after both.
func (s *Server) ServeConn(ctx context.Context, conn Conn, opts *ConnOptions) error {
	callCtx, cancelCalls := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelCalls(nil)
	if opts != nil && opts.Caller != nil {
		callCtx = WithCaller(callCtx, opts.Caller)
	}
	var (
		inflight = make(chan struct{}, s.limits.MaxInFlight)
		wg       sync.WaitGroup // messages read and not yet answered
		sendMu   sync.Mutex
		mu       sync.Mutex // orders draining against wg.Add
		draining bool
	)
	release, _ := conn.(MessageReleaser)
	done := func(msg []byte) {
		if release != nil {
			release.ReleaseMessage(msg)
		}
	}
	send := func(msg []byte) {
		sendMu.Lock()
		defer sendMu.Unlock()
		if err := conn.Send(callCtx, msg); err != nil {
			cancelCalls(err)
		}
	}
	sess := &session{srv: s, send: send}
	callCtx = context.WithValue(callCtx, sessionKey{}, sess)
	// The connection failed or ended: its subscriptions end with it (on shutdown, they end
	// first with a last notification saying so).
	endSession := context.AfterFunc(callCtx, func() { sess.end(errDisconnected) })
	defer endSession()
	isDraining := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return draining
	}
	// On shutdown: refuse new calls, wait for the ones read before, then close. Setting
	// draining under mu means no wg.Add can follow the Wait.
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		draining = true
		mu.Unlock()
		wg.Wait()
		sess.end(errShuttingDown)
		// Subscriptions send their last notification; a peer that does not read them, or a
		// handler that ignores its context, must not hold the shutdown past the stall.
		waitAtMost(sess.wait, s.limits.SubscriptionStall)
		conn.Close()
	})
	defer stop()

	var seq uint64 // messages read, for ordering rpc.cancel against the calls it follows
	for {
		msg, err := conn.Recv(callCtx)
		seq++
		if err != nil {
			switch {
			case errors.Is(err, ErrTooLarge):
				send(s.errorResponse(nil, CodeTooLarge, CodeTooLarge.String(),
					debugData("the message exceeds the size limit")))
				continue
			case errors.Is(err, ErrOverloaded):
				send(s.OverloadedResponse())
				continue
			case errors.Is(err, io.EOF), isDraining():
				// A peer done sending answers no more calls and takes no more events.
				sess.closePeer()
				wg.Wait()
				sess.end(errDisconnected)
				sess.wait()
				return nil
			}
			cancelCalls(err)
			wg.Wait()
			sess.wait()
			return err
		}
		if !bytes.Contains(msg, methodKey) && isResponse(msg) {
			// A response, never answered: the reply to a call this server made to its
			// peer, or a stray one, dropped.
			if p := sess.peer.Load(); p != nil {
				p.deliver(callCtx, msg)
			}
			done(msg)
			continue
		}
		if id := cancelRequest(msg); id != nil {
			// Handled here, without a slot: the call it cancels may hold the last one.
			sess.cancelCall(id, seq)
			done(msg)
			continue
		}
		mu.Lock()
		if draining {
			mu.Unlock()
			reply := s.process(callCtx, msg, true)
			done(msg)
			if reply != nil {
				send(reply)
			}
			continue
		}
		wg.Add(1) // counted from now on, also while it waits for a slot
		mu.Unlock()
		if callCtx.Err() == nil {
			select {
			case inflight <- struct{}{}:
			case <-callCtx.Done():
			}
		}
		if err := callCtx.Err(); err != nil { // a reply could not be sent: the connection is gone
			done(msg)
			wg.Done()
			wg.Wait()
			sess.wait()
			return context.Cause(callCtx)
		}
		m := &message{Context: callCtx, seq: seq, releaseSlot: sync.OnceFunc(func() { <-inflight })}
		go func() {
			defer wg.Done()
			defer m.releaseSlot()
			reply := s.Process(m, msg)
			done(msg)
			if reply != nil {
				send(reply)
			}
			m.replied(reply)
		}()
	}
}

// methodKey is in every request; a message without it is no request.
var methodKey = []byte(`"method"`)

// cancelRequest returns the id an rpc.cancel notification names when msg is one (a single
// notification, not in a batch), else nil.
func cancelRequest(msg []byte) []byte {
	if !bytes.Contains(msg, []byte(cancelName)) {
		return nil
	}
	var n struct {
		Method string           `json:"method"`
		ID     *json.RawMessage `json:"id"`
		Params json.RawMessage  `json:"params"`
	}
	if json.Unmarshal(msg, &n) != nil || n.Method != cancelName || n.ID != nil || len(n.Params) == 0 {
		return nil
	}
	if id := cancelTarget(bytes.TrimSpace(n.Params)); id != nil {
		return id
	}
	return nil
}

// waitAtMost runs wait, returning when it does or after d, whichever comes first.
func waitAtMost(wait func(), d time.Duration) {
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}
