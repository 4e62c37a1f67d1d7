package main

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// watchLog is a slog.Handler that hands the watch_sign_ups log lines ("watching sign-ups",
// "stopped watching sign-ups") to a channel, so that a test can wait for the handler to
// start or end; it drops the others.
type watchLog chan string

func (l watchLog) Enabled(context.Context, slog.Level) bool { return true }
func (l watchLog) Handle(_ context.Context, r slog.Record) error {
	if strings.HasSuffix(r.Message, "watching sign-ups") {
		l <- r.Message
	}
	return nil
}
func (l watchLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l watchLog) WithGroup(string) slog.Handler      { return l }

// wait waits for the log line msg.
func (l watchLog) wait(t *testing.T, msg string) {
	t.Helper()
	select {
	case m := <-l:
		if m != msg {
			t.Fatalf("log %q, want %q", m, msg)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no %q in the log after 30s", msg)
	}
}

// watchService serves a service whose administrator is root; it returns the service, its
// endpoint and its watch log.
func watchService(t *testing.T) (*Service, string, watchLog) {
	t.Helper()
	svc, st := newTestService(t, 0)
	logs := make(watchLog, 16)
	svc.logger = slog.New(logs)
	if err := svc.putAdmin(t.Context(), "root:root-password"); err != nil {
		t.Fatal(err)
	}
	return svc, serveService(t, svc, st), logs
}

// dialAs dials the endpoint over WebSocket with authorization as the handshake's
// Authorization header ("" for none).
func dialAs(t *testing.T, endpoint, authorization string) *openrpc.Client {
	t.Helper()
	opts := &rpchttp.ClientOptions{}
	if authorization != "" {
		opts.Header = map[string][]string{"Authorization": {authorization}}
	}
	c, err := rpchttp.DialWebSocket(t.Context(), "ws"+strings.TrimPrefix(endpoint, "http"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// count returns how many watch_sign_ups handlers the broadcaster serves.
func (b *signUps) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.watchers)
}

// watchAsRoot signs root in, dials the endpoint over WebSocket with the token, subscribes to
// watch_sign_ups and waits for the handler to start. The context ends in 30 s.
func watchAsRoot(t *testing.T, url string, logs watchLog) (context.Context, *openrpc.Client, *openrpc.Subscription[SignUp]) {
	t.Helper()
	admin := dialAs(t, url, bearer(signIn(t, url, "root", "root-password")))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	sub, err := openrpc.Subscribe[SignUp](ctx, admin, "watch_sign_ups", nil)
	if err != nil {
		t.Fatal(err)
	}
	logs.wait(t, "watching sign-ups")
	return ctx, admin, sub
}

// An administrator watching over WebSocket sees the sign-ups made over HTTP, in order; an
// unsubscribe ends the watch on the server.
func TestWatchSignUps(t *testing.T) {
	svc, url, logs := watchService(t)
	ctx, admin, sub := watchAsRoot(t, url, logs)
	names := []string{"alice", "bob", "carol"}
	for _, name := range names {
		signUp(t, url, name, name+" password")
	}
	events := make(chan SignUp)
	go func() {
		defer close(events)
		for ev, err := range sub.Events() {
			if err != nil {
				return
			}
			events <- ev
		}
	}()
	var last time.Time
	for _, want := range names {
		var ev SignUp
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("the events ended before %s: %v", want, sub.Err())
			}
			ev = e
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", want, ctx.Err())
		}
		if ev.Username != want || ev.At.IsZero() || ev.At.Before(last) {
			t.Errorf("got %+v after %v, want %s", ev, last, want)
		}
		last = ev.At
	}

	if err := sub.Unsubscribe(ctx); err != nil {
		t.Fatal(err)
	}
	logs.wait(t, "stopped watching sign-ups")
	if n := svc.signUps.count(); n != 0 {
		t.Errorf("%d watchers after the unsubscribe, want 0", n)
	}
	signUp(t, url, "dave", "dave password")
	if ev, ok := <-events; ok {
		t.Errorf("after the unsubscribe: %+v", ev)
	}
	var ended bool
	if err := admin.Call(ctx, "watch_sign_ups_unsubscribe", []string{sub.ID()}, &ended); err != nil || ended {
		t.Errorf("second unsubscribe: %v, %v; want false", ended, err)
	}
}

// Only administrators may watch: a signed-in user without scope admin gets Permission error
// with reason insufficient_scope, a caller without a token reason unauthenticated, and no
// watch starts.
func TestWatchSignUps_refused(t *testing.T) {
	svc, url, _ := watchService(t)
	signUp(t, url, "alice", "alice password")
	for _, tt := range []struct {
		name, authorization, data string
	}{
		{"user", bearer(signIn(t, url, "alice", "alice password")), `{"reason":"insufficient_scope","missing":{"Bearer":["admin"]}}`},
		{"no token", "", `{"reason":"unauthenticated"}`},
		{"bad token", bearer("not-a-token"), `{"reason":"unauthenticated"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := dialAs(t, url, tt.authorization)
			_, err := openrpc.Subscribe[SignUp](t.Context(), c, "watch_sign_ups", nil)
			var rerr *openrpc.Error
			if !errors.As(err, &rerr) || rerr.Code != openrpc.CodePermissionError || !jsonEqual(rerr.Data, []byte(tt.data)) {
				t.Fatalf("got %v, want -32099 with %s", err, tt.data)
			}
		})
	}
	if n := svc.signUps.count(); n != 0 {
		t.Errorf("%d watchers, want 0", n)
	}
}

// sign_up never waits for a watcher: one that reads nothing is dropped once signUpBacklog
// sign-ups wait for it, while another, which keeps up, gets every one in order.
func TestSignUps_slowWatcherIsDropped(t *testing.T) {
	var b signUps
	slow, stopSlow := b.watch()
	defer stopSlow()
	fast, stopFast := b.watch()
	defer stopFast()
	n := 0
	for range 3 {
		for i := range signUpBacklog { // returns at once: nobody is waited for
			b.publish(SignUp{Username: strconv.Itoa(n + i)})
		}
		for range signUpBacklog {
			if ev := <-fast; ev.Username != strconv.Itoa(n) {
				t.Fatalf("the reading watcher got %s, want %d", ev.Username, n)
			}
			n++
		}
	}
	missed := 0
	for range slow {
		missed++
	}
	if missed != signUpBacklog {
		t.Errorf("the slow watcher's channel held %d sign-ups before it was closed, want %d", missed, signUpBacklog)
	}
	if c := b.count(); c != 1 {
		t.Errorf("%d watchers, want the reading one", c)
	}
}

// adminContext returns a context whose caller carries a fresh token of the administrator
// root, as the WebSocket handshake would, for calling the handlers directly.
func adminContext(t *testing.T, svc *Service) context.Context {
	t.Helper()
	if err := svc.putAdmin(t.Context(), "root:root-password"); err != nil {
		t.Fatal(err)
	}
	a, err := svc.store.UserByName(t.Context(), "root")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.tokens.issue(a, svc.now())
	if err != nil {
		t.Fatal(err)
	}
	return openrpc.WithCaller(t.Context(), &openrpc.Caller{Header: map[string][]string{"Authorization": {"Bearer " + tok}}})
}

// A watch lasts as long as the token it was authorized with: the scope check is made at
// subscribe, so when the token expires the subscription ends with error 1005, after the
// sign-ups made before (regression: it went on for as long as the connection stayed open,
// hours after a call with that token would have been refused).
func TestWatchSignUps_endsWhenTheTokenExpires(t *testing.T) {
	svc, url, logs := watchService(t)
	svc.tokens.ttl = 4 * time.Second // tokens are issued on whole seconds: 3 to 4 s from now
	_, _, sub := watchAsRoot(t, url, logs)
	signUp(t, url, "alice", "alice password")
	var got []string
	for ev, err := range sub.Events() {
		if err != nil {
			break
		}
		got = append(got, ev.Username)
	}
	var rerr *openrpc.Error
	if !errors.As(sub.Err(), &rerr) || rerr.Code != codeTokenExpired {
		t.Fatalf("the subscription ended with %v, want error %d", sub.Err(), codeTokenExpired)
	}
	if len(got) != 1 || got[0] != "alice" {
		t.Errorf("events %q before the end, want [alice]", got)
	}
	logs.wait(t, "stopped watching sign-ups")
	if n := svc.signUps.count(); n != 0 {
		t.Errorf("%d watchers after the token expired, want 0", n)
	}
}

// A watch whose administrator falls behind ends with error 1004, after the sign-ups it
// had room for.
func TestWatchSignUps_fallsBehind(t *testing.T) {
	svc, _ := newTestService(t, 1)
	logs := make(watchLog, 16)
	svc.logger = slog.New(logs)
	taken, release := make(chan struct{}), make(chan struct{})
	emitted := 0
	done := make(chan error, 1)
	ctx := adminContext(t, svc)
	go func() {
		done <- svc.WatchSignUps(ctx, struct{}{}, func(SignUp) error {
			if emitted++; emitted == 1 {
				close(taken)
				<-release // the administrator reads nothing for a while
			}
			return nil
		})
	}()
	logs.wait(t, "watching sign-ups")
	svc.signUps.publish(SignUp{Username: "someone"})
	<-taken                       // one taken (and being emitted),
	for range signUpBacklog + 1 { // signUpBacklog queued, one too many
		svc.signUps.publish(SignUp{Username: "someone"})
	}
	close(release)
	if err := <-done; !errors.Is(err, errWatchBehind) {
		t.Errorf("WatchSignUps: %v, want %v", err, errWatchBehind)
	}
	if emitted != signUpBacklog+1 {
		t.Errorf("emitted %d sign-ups, want %d", emitted, signUpBacklog+1)
	}
}
