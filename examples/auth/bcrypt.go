package main

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"

	"golang.org/x/crypto/bcrypt"

	"github.com/openrpc-go/openrpc"
)

// fairSlots bounds the bcrypt work running at once, like a semaphore, and shares it fairly
// between callers. A freed slot goes to the waiting peer host (IP address) whose turn it
// is, within that host to the connection whose turn it is, and within that connection to
// its oldest call; each then goes to the back of the turns. So one connection keeping
// hundreds of sign-ins queued (a WebSocket with 64 messages of 10 calls), or one host with
// many connections, delays the sign-in of another by about one hash per busy host and
// connection, not by its whole queue. A first-come, first-served queue would make everyone
// wait behind the flood until the call timeout.
//
// Callers behind one proxy share its address: the host level then counts them as one, and
// only the connection level shares among them.
type fairSlots struct {
	mu      sync.Mutex
	free    int // slots nobody holds; while some are free, nobody waits
	hosts   map[string]*hostTurns
	turns   []string // hosts with waiters, the one whose turn it is first
	waiting int

	// onWait, when not nil, is called with the count of waiting calls whenever a call
	// starts to wait, with mu held: tests use it to know the queue's state.
	onWait func(waiting int)
}

// hostTurns are the waiting calls of one host, by connection.
type hostTurns struct {
	conns map[string][]*slotWaiter
	turns []string // connections with waiters, the one whose turn it is first
}

type slotWaiter struct {
	host, conn string
	granted    chan struct{} // closed when the slot is the waiter's
}

func newFairSlots(n int) *fairSlots {
	return &fairSlots{free: n, hosts: map[string]*hostTurns{}}
}

// callerOf returns the host and connection ctx's call came from: the peer's IP address and
// its address with the transport, or "" for calls of no transport (start-up).
func callerOf(ctx context.Context) (host, conn string) {
	c := openrpc.CallerFrom(ctx)
	if c == nil {
		return "", ""
	}
	host, _, err := net.SplitHostPort(c.RemoteAddr)
	if err != nil {
		host = c.RemoteAddr
	}
	return host, c.Transport + " " + c.RemoteAddr
}

// acquire takes a slot for a call of the caller of ctx, waiting for its turn, or fails with
// ctx's error when ctx ends first.
func (f *fairSlots) acquire(ctx context.Context) error {
	host, conn := callerOf(ctx)
	return f.acquireFor(ctx, host, conn)
}

func (f *fairSlots) acquireFor(ctx context.Context, host, conn string) error {
	f.mu.Lock()
	if f.free > 0 {
		f.free--
		f.mu.Unlock()
		return nil
	}
	w := &slotWaiter{host: host, conn: conn, granted: make(chan struct{})}
	f.push(w)
	f.mu.Unlock()
	select {
	case <-w.granted:
		return nil
	case <-ctx.Done():
		f.mu.Lock()
		queued := f.remove(w)
		f.mu.Unlock()
		if !queued { // granted meanwhile: hand the slot on
			f.release()
		}
		return ctx.Err()
	}
}

// release frees a slot acquire took, handing it to the waiter whose turn it is.
func (f *fairSlots) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if w := f.pop(); w != nil {
		close(w.granted)
		return
	}
	f.free++
}

func (f *fairSlots) push(w *slotWaiter) {
	h := f.hosts[w.host]
	if h == nil {
		h = &hostTurns{conns: map[string][]*slotWaiter{}}
		f.hosts[w.host] = h
		f.turns = append(f.turns, w.host)
	}
	q, ok := h.conns[w.conn]
	if !ok {
		h.turns = append(h.turns, w.conn)
	}
	h.conns[w.conn] = append(q, w)
	f.waiting++
	if f.onWait != nil {
		f.onWait(f.waiting)
	}
}

// pop removes and returns the waiter whose turn it is, or nil, and moves its host and its
// connection to the back of their turns.
func (f *fairSlots) pop() *slotWaiter {
	if len(f.turns) == 0 {
		return nil
	}
	hostKey := f.turns[0]
	h := f.hosts[hostKey]
	connKey := h.turns[0]
	q := h.conns[connKey]
	w := q[0]
	q[0] = nil
	f.turns = append(f.turns[1:], hostKey)
	h.turns = append(h.turns[1:], connKey)
	h.conns[connKey] = q[1:]
	f.forget(w.host, w.conn)
	return w
}

// remove takes w out of the queue, reporting whether it was there (not granted yet).
func (f *fairSlots) remove(w *slotWaiter) bool {
	h := f.hosts[w.host]
	if h == nil {
		return false
	}
	q := h.conns[w.conn]
	i := slices.Index(q, w)
	if i < 0 {
		return false
	}
	h.conns[w.conn] = slices.Delete(q, i, i+1)
	f.forget(w.host, w.conn)
	return true
}

// forget drops the connection and the host of a waiter that left when they have no waiter
// left, and counts it out.
func (f *fairSlots) forget(host, conn string) {
	f.waiting--
	h := f.hosts[host]
	if len(h.conns[conn]) > 0 {
		return
	}
	delete(h.conns, conn)
	h.turns = slices.DeleteFunc(h.turns, func(k string) bool { return k == conn })
	if len(h.conns) > 0 {
		return
	}
	delete(f.hosts, host)
	f.turns = slices.DeleteFunc(f.turns, func(k string) bool { return k == host })
}

// waitingCalls returns how many calls wait for a slot.
func (f *fairSlots) waitingCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waiting
}

// comparePassword compares password with hash, a bcrypt hash at any cost, and, when they
// differ, spends what a check at s.failCost costs, so that a failed sign-in takes the same
// time whatever the cost of the hash it was checked against: the dummy hash of unknown
// users (at -bcrypt-cost), or the hash of an existing user made at another cost before
// -bcrypt-cost changed, or by an instance with another -bcrypt-cost on a shared database.
//
// bcrypt's work doubles with each cost step: a check at cost c costs about 2^c units. A
// failed check of a hash at cost c < T = s.failCost is followed by hashes at costs c, c+1,
// …, T-1, so that it costs 2^c + (2^c + 2^(c+1) + … + 2^(T-1)) = 2^T units, a check at
// cost T. The other way cannot be paid down, so T is the highest cost the service has seen:
// -bcrypt-cost, the costs in the store at start-up, and any higher one met since. A check
// that succeeds is not padded: it tells nothing the caller does not know.
func (s *Service) comparePassword(ctx context.Context, hash []byte, password string) (bool, error) {
	var match bool
	err := s.withBcrypt(ctx, func() {
		match = bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
		if match {
			return
		}
		cost, err := bcrypt.Cost(hash)
		if err != nil {
			cost = s.cost
		}
		target := s.raiseFailCost(cost)
		for c := cost; c < target; c++ {
			// The same Eksblowfish work as a check at cost c. password is at most 72
			// bytes, so this cannot fail.
			bcrypt.GenerateFromPassword([]byte(password), c)
		}
	})
	return match, err
}

// raiseFailCost makes cost the cost of failed checks when it is higher, and returns the
// cost of failed checks.
func (s *Service) raiseFailCost(cost int) int {
	for {
		cur := s.failCost.Load()
		if int64(cost) <= cur {
			return int(cur)
		}
		if s.failCost.CompareAndSwap(cur, int64(cost)) {
			s.logger.Warn("a password hash has a higher bcrypt cost than failed sign-ins had: they cost that now",
				"bcrypt_cost", cost, "was", cur)
			return cost
		}
	}
}

// loadHashCosts raises the cost of failed checks to the highest cost of the password
// hashes in the store: after -bcrypt-cost went down, a wrong password for an account whose
// hash is still at the old cost would otherwise take longer than an unknown user.
func (s *Service) loadHashCosts(ctx context.Context) error {
	costs, err := s.store.HashCosts(ctx)
	if err != nil {
		return fmt.Errorf("reading the bcrypt costs of the stored hashes: %w", err)
	}
	for _, c := range costs {
		if c >= bcrypt.MinCost && c <= bcrypt.MaxCost && int64(c) > s.failCost.Load() {
			s.failCost.Store(int64(c))
		}
	}
	if fc := s.failCost.Load(); fc > int64(s.cost) {
		s.logger.Info("the store holds password hashes above -bcrypt-cost: failed sign-ins cost the highest of them, so that they all take the same time; each account's hash moves to -bcrypt-cost at its next sign-in",
			"bcrypt_cost", s.cost, "failed_sign_in_cost", fc, "costs_in_store", costs)
	}
	return nil
}
