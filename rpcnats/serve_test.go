package rpcnats_test

import (
	"context"
	"errors"
	"net/textproto"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcnats"
)

// Headers reach the server as caller details, with canonical keys, so bearer
// authorization works as over HTTP.
func TestServe_headersAndBearerToken(t *testing.T) {
	url := runNATS(t, 0)
	srv := openrpc.NewServer(openrpc.Info{Title: "auth", Version: "1.0.0"}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}},
		Authorize: func(ctx context.Context) (openrpc.Grants, error) {
			token, err := openrpc.BearerToken(ctx)
			if err != nil {
				return nil, err
			}
			if token != "secret" {
				return nil, errors.New("unknown token")
			}
			return openrpc.Grants{"Bearer": {"admin"}}, nil
		},
	})
	type callerInfo struct {
		Transport string   `json:"transport"`
		RequestID string   `json:"request_id"`
		Keys      []string `json:"keys"`
	}
	openrpc.Register(srv, openrpc.Method{Name: "whoami", Security: openrpc.Require("Bearer", "admin")},
		func(ctx context.Context, _ struct{}) (callerInfo, error) {
			c := openrpc.CallerFrom(ctx)
			var keys []string
			for k := range c.Header {
				keys = append(keys, k)
			}
			return callerInfo{Transport: c.Transport, RequestID: c.Get("x-request-id"), Keys: keys}, nil
		})
	subject, _ := start(t, url, srv, nil)
	nc := connect(t, url)
	ctx := t.Context()

	c := rpcnats.NewClient(nc, subject, &rpcnats.ClientOptions{
		BearerToken: "secret",
		Header:      nats.Header{"x-request-id": {"r-1"}},
	})
	got, err := openrpc.Call[callerInfo](ctx, c, "whoami", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Transport != "nats" || got.RequestID != "r-1" {
		t.Errorf("caller: got %+v, want transport nats and request id r-1", got)
	}
	for _, k := range got.Keys {
		if k != textproto.CanonicalMIMEHeaderKey(k) {
			t.Errorf("header key %q is not in canonical form", k)
		}
	}
	if !slices.Contains(got.Keys, "X-Request-Id") {
		t.Errorf("header keys: got %q, want X-Request-Id among them", got.Keys)
	}

	for _, tt := range []struct {
		name, token, reason string
	}{
		{"no token", "", openrpc.ReasonUnauthenticated},
		{"bad token", "forged", openrpc.ReasonUnauthenticated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := rpcnats.NewClient(nc, subject, &rpcnats.ClientOptions{BearerToken: tt.token})
			_, err := openrpc.Call[callerInfo](ctx, c, "whoami", nil)
			var rpcErr *openrpc.Error
			if !errors.As(err, &rpcErr) || rpcErr.Code != openrpc.CodePermissionError || !strings.Contains(string(rpcErr.Data), tt.reason) {
				t.Errorf("got %v, want a %d error with reason %s", err, openrpc.CodePermissionError, tt.reason)
			}
		})
	}
}

// A reply over the connection's max payload becomes a -32003 error naming both sizes
// instead of being dropped, and the service keeps serving.
func TestServe_replyOverMaxPayload(t *testing.T) {
	const maxPayload = 4096
	url := runNATS(t, maxPayload)
	srv := openrpc.NewServer(openrpc.Info{Title: "big", Version: "1.0.0"}, &openrpc.ServerOptions{Logger: discard})
	openrpc.Register(srv, openrpc.Method{Name: "repeat"}, func(ctx context.Context, p struct {
		N int `json:"n"`
	}) (string, error) {
		return strings.Repeat("x", p.N), nil
	})
	subject, _ := start(t, url, srv, nil)
	c := rpcnats.NewClient(connect(t, url), subject, &rpcnats.ClientOptions{Timeout: 10 * time.Second})
	ctx := t.Context()

	_, err := openrpc.Call[string](ctx, c, "repeat", map[string]int{"n": 2 * maxPayload})
	var rpcErr *openrpc.Error
	if !errors.As(err, &rpcErr) || rpcErr.Code != openrpc.CodeTooLarge {
		t.Fatalf("a reply over the max payload: got %v, want a %d error", err, openrpc.CodeTooLarge)
	}
	if want := "exceeds the NATS max payload of 4096 bytes"; !strings.Contains(string(rpcErr.Data), want) {
		t.Errorf("data: got %s, want it to say %q", rpcErr.Data, want)
	}
	calls := []openrpc.BatchCall{
		{Method: "repeat", Params: map[string]int{"n": 3000}},
		{Method: "repeat", Params: map[string]int{"n": 3000}},
	}
	if err := c.Batch(ctx, calls); err != nil && openrpc.CodeOf(err) != openrpc.CodeTooLarge {
		t.Errorf("a batch reply over the max payload: got %v", err)
	} else if err == nil && (openrpc.CodeOf(calls[0].Err) != openrpc.CodeTooLarge || openrpc.CodeOf(calls[1].Err) != openrpc.CodeTooLarge) {
		t.Errorf("a batch reply over the max payload: got %v and %v, want %d errors", calls[0].Err, calls[1].Err, openrpc.CodeTooLarge)
	}
	if got, err := openrpc.Call[string](ctx, c, "repeat", map[string]int{"n": 10}); err != nil || got != "xxxxxxxxxx" {
		t.Errorf("after an oversized reply: got %q, %v", got, err)
	}
	// A request over the max payload fails at the client, before it is sent.
	if _, err := openrpc.Call[string](ctx, c, "repeat", map[string]any{"n": 1, "pad": strings.Repeat(" ", maxPayload)}); !errors.Is(err, openrpc.ErrTooLarge) {
		t.Errorf("a request over the max payload: got %v, want one wrapping openrpc.ErrTooLarge", err)
	}
}

// Shutdown lets the calls in flight finish and answers them, then stops taking messages.
// The first Shutdown's context ends while the calls run (canceling their contexts, which
// these handlers ignore); the second waits for them.
func TestService_Shutdown(t *testing.T) {
	url := runNATS(t, 0)
	srv := openrpc.NewServer(openrpc.Info{Title: "drain", Version: "1.0.0"}, nil)
	started := make(chan struct{}, 2)
	release := make(chan struct{})
	var finished atomic.Int32
	openrpc.Register(srv, openrpc.Method{Name: "wait"}, func(ctx context.Context, _ struct{}) (string, error) {
		started <- struct{}{}
		<-release
		finished.Add(1)
		return "done", nil
	})
	subject := newSubject()
	svc, err := rpcnats.Start(connect(t, url), subject, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := rpcnats.NewClient(connect(t, url), subject, &rpcnats.ClientOptions{Timeout: 10 * time.Second})
	ctx := t.Context()
	results := make(chan error, 2)
	for range 2 {
		go func() {
			got, err := openrpc.Call[string](ctx, c, "wait", nil)
			if err == nil && got != "done" {
				err = errors.New("got " + got)
			}
			results <- err
		}()
	}
	<-started
	<-started
	// While the calls run, Shutdown waits for them: until its context ends.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := svc.Shutdown(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with calls in flight: got %v, want context.DeadlineExceeded", err)
	}
	go close(release)
	if err := svc.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if n := finished.Load(); n != 2 {
		t.Errorf("Shutdown returned with %d of the 2 calls in flight finished", n)
	}
	for range 2 {
		if err := <-results; err != nil {
			t.Errorf("a call in flight at shutdown: %v", err)
		}
	}
	if _, err := openrpc.Call[string](ctx, c, "wait", nil); !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("a call after shutdown: got %v, want nats.ErrNoResponders", err)
	}
}

// Shutdown with a context that ends first cancels the calls still running.
func TestService_Shutdown_deadline(t *testing.T) {
	url := runNATS(t, 0)
	srv := openrpc.NewServer(openrpc.Info{Title: "drain", Version: "1.0.0"}, &openrpc.ServerOptions{Logger: discard})
	started := make(chan struct{})
	canceled := make(chan error, 1)
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
		close(started)
		<-ctx.Done()
		canceled <- ctx.Err()
		return false, ctx.Err()
	})
	subject := newSubject()
	svc, err := rpcnats.Start(connect(t, url), subject, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := rpcnats.NewClient(connect(t, url), subject, nil)
	go openrpc.Call[bool](t.Context(), c, "block", nil)
	<-started
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := svc.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown: got %v, want context.Canceled", err)
	}
	if err := <-canceled; err == nil {
		t.Error("the call still running was not canceled")
	}
}

// Serve returns when its context ends.
func TestServe(t *testing.T) {
	url := runNATS(t, 0)
	srv := openrpc.NewServer(openrpc.Info{Title: "serve", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "ping"}, func(ctx context.Context, _ struct{}) (string, error) { return "pong", nil })
	subject := newSubject()
	nc := connect(t, url)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- rpcnats.Serve(ctx, nc, subject, srv, nil) }()
	c := rpcnats.NewClient(connect(t, url), subject, nil)
	// Serve subscribes in its own goroutine: wait for the service's PING.
	var got string
	for {
		var err error
		if got, err = openrpc.Call[string](ctx, c, "ping", nil); !errors.Is(err, nats.ErrNoResponders) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		nc.Flush()
	}
	if got != "pong" {
		t.Errorf("got %q, want pong", got)
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// A call's deadline travels with the request: the service cancels the call's context when
// the caller stops waiting.
func TestServe_callerDeadline(t *testing.T) {
	url := runNATS(t, 0)
	srv := openrpc.NewServer(openrpc.Info{Title: "deadline", Version: "1.0.0"}, &openrpc.ServerOptions{Logger: discard})
	ended := make(chan error, 1)
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
		select {
		case <-ctx.Done():
			ended <- ctx.Err()
		case <-time.After(10 * time.Second):
			ended <- nil
		}
		return false, ctx.Err()
	})
	subject, _ := start(t, url, srv, nil)
	c := rpcnats.NewClient(connect(t, url), subject, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	// Whichever sees the deadline first: the client, or the service answering -32001.
	if _, err := openrpc.Call[bool](ctx, c, "block", nil); !errors.Is(err, context.DeadlineExceeded) && openrpc.CodeOf(err) != openrpc.CodeTimeout {
		t.Errorf("the call: got %v, want context.DeadlineExceeded or a %d error", err, openrpc.CodeTimeout)
	}
	if err := <-ended; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the handler's context: got %v, want context.DeadlineExceeded", err)
	}
}

// The client's observer adds headers (W3C trace context, for rpcotel) to every NATS
// request, and the server's calls see them as caller headers, where rpcotel reads them.
func TestClient_observerInjectsHeaders(t *testing.T) {
	url := runNATS(t, 0)
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "traceparent"}, func(ctx context.Context, _ struct{}) (string, error) {
		return openrpc.CallerFrom(ctx).Get("traceparent"), nil
	})
	subject, _ := start(t, url, srv, nil)
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	var calls atomic.Int32
	c := rpcnats.NewClient(connect(t, url), subject, &rpcnats.ClientOptions{Observer: &openrpc.ClientObserver{
		Call: func(ctx context.Context, _ openrpc.ClientCall) (context.Context, func(error)) {
			calls.Add(1)
			return ctx, nil
		},
		Inject: func(ctx context.Context, header map[string][]string) { header["Traceparent"] = []string{tp} },
	}})
	got, err := openrpc.Call[string](t.Context(), c, "traceparent", nil)
	if err != nil || got != tp {
		t.Errorf("got %q, %v; want the injected traceparent", got, err)
	}
	if calls.Load() != 1 {
		t.Errorf("observer saw %d calls, want 1", calls.Load())
	}
}
