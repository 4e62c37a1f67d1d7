package openrpc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
)

// session is a connection served by [Server.ServeConn] as the calls on it see it: the way to
// push messages to the peer, and the subscriptions the peer holds. Calls made over a
// transport without a connection (HTTP POST, Server.Process) have none.
type session struct {
	srv  *Server
	send func(msg []byte) // serialized writes to the peer

	mu       sync.Mutex
	subs     map[string]*subscription
	calls    map[string]*inflightCall // calls in flight by raw id, for rpc.cancel
	ended    error                    // why the session ended; no new subscription after it
	peerGone bool                     // the peer answers no more calls
	// early are cancels that came before their call started, by id: the sequence number
	// of the cancel's message; earlyOrder forgets the oldest past maxEarlyCancels.
	early      map[string]uint64
	earlyOrder []string
	wg         sync.WaitGroup // goroutines of the subscriptions

	peerOnce sync.Once
	peer     atomic.Pointer[peerConn] // calls from this server to the peer, once made
}

// inflightCall is a call in flight on a session, which the peer may cancel.
type inflightCall struct{ cancel context.CancelCauseFunc }

// errCanceledByPeer is the cause of a call's context when its caller sent rpc.cancel.
var errCanceledByPeer = errors.New("canceled by the caller (rpc.cancel)")

// cancelName is the notification a client sends when it gives up on a call: params
// {"id": the call's id}.
const cancelName = "rpc.cancel"

// maxEarlyCancels bounds the cancels a session remembers for calls not yet started.
const maxEarlyCancels = 256

// track records a call in flight so that the peer can cancel it; the returned func forgets
// it. seq is the sequence number of the call's message: an rpc.cancel for its id that was
// read after that message, but ran before the call started (each message runs in its own
// goroutine), cancels it now. A second call with the same id (a peer's mistake) replaces the
// first for rpc.cancel.
func (s *session) track(id []byte, cancel context.CancelCauseFunc, seq uint64) func() {
	c := &inflightCall{cancel: cancel}
	key := string(id)
	s.mu.Lock()
	if s.calls == nil {
		s.calls = map[string]*inflightCall{}
	}
	s.calls[key] = c
	if at, ok := s.early[key]; ok && seq != 0 && seq < at {
		delete(s.early, key)
		cancel(errCanceledByPeer)
	}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		if s.calls[key] == c {
			delete(s.calls, key)
		}
		s.mu.Unlock()
	}
}

// cancelCall cancels the call in flight with the raw id. When there is none yet, it
// remembers the cancel with seq, the sequence number of its message, for a call read before
// it that has not started (see track); it remembers at most maxEarlyCancels of them.
func (s *session) cancelCall(id []byte, seq uint64) {
	key := string(id)
	s.mu.Lock()
	c := s.calls[key]
	if c == nil && seq != 0 {
		if s.early == nil {
			s.early = map[string]uint64{}
		}
		if _, ok := s.early[key]; !ok {
			if len(s.earlyOrder) >= maxEarlyCancels {
				delete(s.early, s.earlyOrder[0])
				s.earlyOrder = s.earlyOrder[1:]
			}
			s.earlyOrder = append(s.earlyOrder, key)
		}
		s.early[key] = seq
	}
	s.mu.Unlock()
	if c != nil {
		c.cancel(errCanceledByPeer)
	}
}

// seqOf returns the sequence number of the message ctx's call came in, 0 for none.
func seqOf(ctx context.Context) uint64 {
	if m, _ := ctx.Value(messageKey{}).(*message); m != nil {
		return m.seq
	}
	return 0
}

type sessionKey struct{}

// sessionFrom returns the session of the connection a call came on, or nil.
func sessionFrom(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

// Why a subscription ends, as the cause of its context.
var (
	errUnsubscribed   = errors.New("unsubscribed")
	errDisconnected   = errors.New("connection ended")
	errShuttingDown   = errors.New("server shutting down")
	errSlowSubscriber = errors.New("the subscriber did not read its events fast enough")
	// errTooManySubscriptions refuses a subscription past Limits.MaxSubscriptions.
	errTooManySubscriptions = errors.New("too many subscriptions on this connection")
)

// end ends every subscription of the session with cause and refuses new ones.
func (s *session) end(cause error) {
	s.mu.Lock()
	if s.ended == nil {
		s.ended = cause
	}
	subs := make([]*subscription, 0, len(s.subs))
	for _, sub := range s.subs {
		subs = append(subs, sub)
	}
	s.mu.Unlock()
	for _, sub := range subs {
		sub.cancel(cause)
	}
	if p := s.peer.Load(); p != nil {
		p.close()
	}
}

// wait waits until every subscription of the session has ended and sent its last message.
func (s *session) wait() { s.wg.Wait() }

// add registers a new subscription of method, unless the session has ended.
func (s *session) add(sub *subscription) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended != nil {
		return s.ended
	}
	if len(s.subs) >= s.srv.limits.MaxSubscriptions {
		return errTooManySubscriptions
	}
	if s.subs == nil {
		s.subs = map[string]*subscription{}
	}
	s.subs[sub.id] = sub
	s.wg.Add(2) // the handler and the writer
	return nil
}

// remove forgets sub; it reports whether it was there.
func (s *session) remove(id string) *subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.subs[id]
	delete(s.subs, id)
	return sub
}

// newSubscriptionID returns an id in Ethereum's shape: "0x" and 32 hex digits.
func newSubscriptionID() string {
	var b [16]byte
	rand.Read(b[:])
	return "0x" + hex.EncodeToString(b[:])
}

// message is the context of the calls of one message read by ServeConn: it collects what
// must happen once the message's reply is sent (a subscription's events start then, so
// that they never overtake the reply that names the subscription).
type message struct {
	context.Context
	mu    sync.Mutex
	after []func(reply []byte)
	seq   uint64 // the message's place in the connection's order, from 1
	// releaseSlot gives the message's MaxInFlight slot back, once. A handler that waits
	// for its peer (a call through Peer) gives it up while it waits: the peer's answer can
	// only be read while a slot is free, so holding it could deadlock the connection.
	releaseSlot func()
}

type messageKey struct{}

func (m *message) Value(key any) any {
	if key == (messageKey{}) {
		return m
	}
	return m.Context.Value(key)
}

// afterReply runs f with the reply once the reply of ctx's message is sent. It reports
// false, doing nothing, when ctx is not the context of a message read by ServeConn.
func afterReply(ctx context.Context, f func(reply []byte)) bool {
	m, _ := ctx.Value(messageKey{}).(*message)
	if m == nil {
		return false
	}
	m.mu.Lock()
	m.after = append(m.after, f)
	m.mu.Unlock()
	return true
}

// replied runs what waited for the message's reply (nil when there was none).
func (m *message) replied(reply []byte) {
	m.mu.Lock()
	after := m.after
	m.after = nil
	m.mu.Unlock()
	for _, f := range after {
		f(reply)
	}
}

// releaseSlotOf gives back the MaxInFlight slot of the message ctx belongs to, if any.
func releaseSlotOf(ctx context.Context) {
	if m, _ := ctx.Value(messageKey{}).(*message); m != nil && m.releaseSlot != nil {
		m.releaseSlot()
	}
}

// closePeer fails the calls this server's handlers make to the peer: it will answer none.
func (s *session) closePeer() {
	if p := s.peer.Load(); p != nil {
		p.close()
	}
	s.mu.Lock()
	s.peerGone = true
	s.mu.Unlock()
}
