package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/openrpc-go/openrpc"
)

// signUpBacklog is how many sign-ups wait for one watch_sign_ups subscription whose
// administrator reads them slower than users sign up; past it the watch ends with
// errWatchBehind, rather than hold more or delay sign_up.
const signUpBacklog = 256

// codeWatchBehind: a watch_sign_ups subscription ended because its administrator read
// sign-ups slower than they came, and some were missed.
const codeWatchBehind openrpc.Code = 1004

var errWatchBehind = openrpc.NewError(codeWatchBehind, "Watch fell behind: sign-ups were missed; subscribe again", nil)

// codeTokenExpired: a watch_sign_ups subscription ended because the bearer token it was
// authorized with expired; it lasts no longer than a call with that token could be made.
const codeTokenExpired openrpc.Code = 1005

var errTokenExpired = openrpc.NewError(codeTokenExpired, "Token expired: sign in and subscribe again", nil)

// SignUp is an event of watch_sign_ups: an account was created.
type SignUp struct {
	Username string    `json:"username" doc:"The new account's user name."`
	At       time.Time `json:"at" doc:"When the account was created."`
}

// signUps fans sign-ups out to the watch_sign_ups subscriptions. publish never waits: each
// watcher has a buffered channel, and one that is full is closed and dropped, so a slow
// administrator costs sign_up nothing but a mutex held for a loop of non-blocking sends.
type signUps struct {
	mu       sync.Mutex
	watchers map[chan SignUp]struct{}
}

// watch registers a watcher and returns its channel, closed when the watcher fell behind,
// and the function that unregisters it.
func (b *signUps) watch() (<-chan SignUp, func()) {
	ch := make(chan SignUp, signUpBacklog)
	b.mu.Lock()
	if b.watchers == nil {
		b.watchers = map[chan SignUp]struct{}{}
	}
	b.watchers[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.watchers, ch)
		b.mu.Unlock()
	}
}

// publish hands ev to every watcher without waiting; it closes and drops a watcher whose
// backlog is full.
func (b *signUps) publish(ev SignUp) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.watchers {
		select {
		case ch <- ev:
		default:
			close(ch)
			delete(b.watchers, ch)
		}
	}
}

// WatchSignUps emits every sign-up from now on, until the administrator unsubscribes or
// disconnects, falls signUpBacklog sign-ups behind (errWatchBehind), or the bearer token
// the subscription was authorized with expires (errTokenExpired): the scope check was
// made once, at subscribe, and holds only as long as the token would.
func (s *Service) WatchSignUps(ctx context.Context, _ struct{}, emit func(SignUp) error) error {
	admin, err := s.currentUser.Get(ctx)
	if err != nil {
		return err
	}
	raw, err := openrpc.BearerToken(ctx)
	if err != nil {
		return err
	}
	_, expires, err := s.tokens.verify(raw) // verified by the authorizer already
	if err != nil {
		return fmt.Errorf("invalid token: %w", err)
	}
	expired := time.NewTimer(expires.Sub(s.now()))
	defer expired.Stop()
	events, stop := s.signUps.watch()
	defer stop()
	s.logger.InfoContext(ctx, "watching sign-ups", "by", admin.Username, "until", expires)
	defer s.logger.InfoContext(ctx, "stopped watching sign-ups", "by", admin.Username)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-expired.C:
			return errTokenExpired
		case ev, ok := <-events:
			if !ok {
				return errWatchBehind
			}
			if err := emit(ev); err != nil {
				return err
			}
		}
	}
}
