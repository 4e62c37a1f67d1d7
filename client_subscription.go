package openrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"sync"
)

// DefaultClientSubscriptionBuffer is how many events of one subscription a client holds
// for an application that has not read them yet.
const DefaultClientSubscriptionBuffer = 1024

// ErrEventsNotRead ends a client's subscription whose application did not read its events
// while [DefaultClientSubscriptionBuffer] of them waited: the client unsubscribes rather
// than hold more or stall the connection's other calls.
var ErrEventsNotRead = errors.New("openrpc: subscription ended: its events were not read fast enough")

// Subscription is a subscription made with [Subscribe]: the events the server sends for it,
// decoded as E, in order.
type Subscription[E any] struct {
	sub *clientSub
}

// Subscribe calls the subscription method with params (as for [Client.Call]) and returns
// the subscription. It needs a client over a connection (WebSocket, stdio, in memory); over
// HTTP the server refuses the call. See [RegisterSubscription] for the server side.
func Subscribe[E any](ctx context.Context, c *Client, method string, params any) (*Subscription[E], error) {
	sub, err := c.subscribe(ctx, method, params)
	if err != nil {
		return nil, err
	}
	return &Subscription[E]{sub: sub}, nil
}

// ID returns the subscription id the server gave. A reconnecting client
// ([NewReconnectingClient]) makes the subscription again on each new connection: ID then
// returns the new id.
func (s *Subscription[E]) ID() string {
	s.sub.c.mu.Lock()
	defer s.sub.c.mu.Unlock()
	return s.sub.id
}

// Events returns the events as they arrive, for use with range:
//
//	for ev, err := range sub.Events() { ... }
//
// The sequence ends when the subscription does: after the server's last notification,
// [Subscription.Unsubscribe], or the end of the connection. An event that does not decode
// as E is yielded as an error, and the sequence goes on; the reason the subscription ended,
// when it is an error (the server's [*Error], [ErrEventsNotRead], the connection's end), is
// yielded last. Stopping the loop early does not unsubscribe.
func (s *Subscription[E]) Events() iter.Seq2[E, error] {
	return func(yield func(E, error) bool) {
		for raw := range s.sub.events {
			var e E
			if err := json.Unmarshal(raw, &e); err != nil {
				if !yield(e, fmt.Errorf("openrpc: decoding an event of %s: %w", s.sub.method, err)) {
					return
				}
				continue
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			var zero E
			yield(zero, err)
		}
	}
}

// Done is closed when the subscription has ended and its last event has been read.
func (s *Subscription[E]) Done() <-chan struct{} { return s.sub.ended }

// Err returns why the subscription ended: nil while it runs, after the server said it was
// done, or after Unsubscribe.
func (s *Subscription[E]) Err() error {
	s.sub.mu.Lock()
	defer s.sub.mu.Unlock()
	return s.sub.err
}

// Unsubscribe ends the subscription: it calls the server's unsubscribe method and stops the
// events. It is safe to call more than once.
func (s *Subscription[E]) Unsubscribe(ctx context.Context) error {
	c := s.sub.c
	c.mu.Lock()
	id := s.sub.id
	running := c.subs[id] == s.sub
	if running {
		delete(c.subs, id)
	}
	c.mu.Unlock()
	s.sub.end(nil) // also while a reconnecting client waits for a connection: not restored
	l, up := c.currentLink()
	if !running || !up {
		return nil
	}
	err := c.Call(onLink(ctx, l), s.sub.method+UnsubscribeSuffix, []string{id}, nil)
	if errors.Is(err, ErrConnectionLost) {
		return nil // the subscription ended with its connection
	}
	return err
}

// clientSub is the untyped state of a subscription on a client.
type clientSub struct {
	c      *Client
	method string
	params json.RawMessage      // to subscribe again on a new connection
	id     string               // the server's id, guarded by c.mu
	events chan json.RawMessage // closed when it ends

	mu    sync.Mutex
	err   error
	over  bool
	ended chan struct{}
}

// end ends the subscription with err (nil for a normal end), once.
func (s *clientSub) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.over {
		return
	}
	s.over = true
	s.err = err
	close(s.events)
	close(s.ended)
}

// running reports whether the subscription has not ended.
func (s *clientSub) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.over
}

// deliver hands an event to the application without waiting: the reader must not stall
// the connection for one slow consumer. It reports false when the buffer is full.
func (s *clientSub) deliver(ev json.RawMessage) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.over {
		return true
	}
	select {
	case s.events <- ev:
		return true
	default:
		return false
	}
}

func (c *Client) subscribe(ctx context.Context, method string, params any) (*clientSub, error) {
	if c.conn == nil {
		return nil, fmt.Errorf("openrpc: %s: subscriptions need a client over a connection (WebSocket, stdio, in memory), not HTTP", method)
	}
	p, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("openrpc: encoding params of %s: %w", method, err)
	}
	sub := &clientSub{c: c, method: method, params: p, events: make(chan json.RawMessage, DefaultClientSubscriptionBuffer), ended: make(chan struct{})}
	if err := c.establish(ctx, sub); err != nil {
		return nil, err
	}
	return sub, nil
}

// establish calls the subscription method of sub, and registers sub under the id the server
// answers with. A subscription that ended meanwhile (the application unsubscribed while a
// reconnecting client restored it) is not registered, and ended on the server too.
func (c *Client) establish(ctx context.Context, sub *clientSub) error {
	if !sub.running() {
		return nil
	}
	callID := strconv.FormatInt(c.nextID.Add(1), 10)
	msg, err := encodeRequest(sub.method, sub.params, callID)
	if err != nil {
		return err
	}
	var (
		id string // the server's id, guarded by c.mu
		at *link  // the connection it came on, guarded by c.mu
	)
	// The reader registers the subscription as it reads the reply, before the events that
	// follow it, which it would otherwise drop as belonging to no subscription.
	c.mu.Lock()
	if c.onReply == nil {
		c.onReply = map[string]func(json.RawMessage){}
	}
	c.onReply[callID] = func(raw json.RawMessage) { // with c.mu held
		at, _ = c.currentLink() // the reader reads the one in use
		var r response
		if json.Unmarshal(raw, &r) != nil || r.Error != nil || json.Unmarshal(r.Result, &id) != nil || id == "" || !sub.running() {
			return
		}
		if c.subs == nil {
			c.subs = map[string]*clientSub{}
		}
		sub.id = id
		c.subs[id] = sub
	}
	c.mu.Unlock()
	reply, err := c.exchangeConn(ctx, msg, []string{callID})
	if err == nil {
		err = decodeResponse(pick(reply, callID), new(string))
	}
	c.mu.Lock() // the reader runs the hook under c.mu: after this, it has run or never will
	delete(c.onReply, callID)
	registered := id != "" && c.subs[id] == sub
	if err != nil && registered {
		delete(c.subs, id)
	}
	on := onLink(context.WithoutCancel(ctx), at)
	c.mu.Unlock()
	if id != "" && (err != nil || !registered) {
		// Subscribed, but the caller is gone or the subscription ended: end it on the
		// server too.
		go c.Call(on, sub.method+UnsubscribeSuffix, []string{id}, nil)
	}
	return err
}

// dispatchRequest handles a request from the server (a message with a method), reporting
// whether msg was one. Events of subscriptions go to their subscription; other calls and
// notifications go to serve (the client's Server; without one, calls get -32601).
func (c *Client) dispatchRequest(msg []byte) bool {
	if !bytes.Contains(msg, []byte(`"method"`)) {
		return false
	}
	var n struct {
		Method *string          `json:"method"`
		ID     *json.RawMessage `json:"id"`
		Params json.RawMessage  `json:"params"`
	}
	if json.Unmarshal(msg, &n) != nil || n.Method == nil {
		return false
	}
	var p struct {
		Subscription string          `json:"subscription"`
		Result       json.RawMessage `json:"result"`
		Error        *Error          `json:"error"`
		Done         bool            `json:"done"`
	}
	if n.ID != nil || json.Unmarshal(n.Params, &p) != nil || p.Subscription == "" {
		c.serve(msg)
		return true
	}
	c.mu.Lock()
	sub := c.subs[p.Subscription]
	if sub != nil && (p.Done || p.Error != nil) {
		delete(c.subs, p.Subscription)
	}
	c.mu.Unlock()
	switch {
	case sub == nil:
		c.serve(msg) // not an event of ours: maybe a notification the client's Server takes
	case p.Error != nil:
		sub.end(p.Error)
	case p.Done:
		sub.end(nil)
	case p.Result != nil:
		if !sub.deliver(p.Result) {
			c.mu.Lock()
			delete(c.subs, p.Subscription)
			c.mu.Unlock()
			sub.end(ErrEventsNotRead)
			l, _ := c.currentLink() // the reader reads the one in use
			go c.Call(onLink(context.Background(), l), sub.method+UnsubscribeSuffix, []string{sub.id}, nil)
		}
	}
	return true
}

// serve answers a call or notification from the server with the client's Server, in its
// own goroutine so that the reader goes on; without a Server it is dropped.
