package rpchttp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// ServeOptions configures [Serve]. The zero value (or nil) gives the defaults.
type ServeOptions struct {
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are those of
	// http.Server; defaults 10s, 60s, 60s and 120s.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout bounds how long a graceful shutdown waits for calls in flight,
	// default 30s.
	ShutdownTimeout time.Duration
}

func (o *ServeOptions) orDefault(d time.Duration, v time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return d
}

// NewHTTPServer returns an http.Server for h with the timeouts of opts.
func NewHTTPServer(h http.Handler, opts *ServeOptions) *http.Server {
	if opts == nil {
		opts = new(ServeOptions)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: opts.orDefault(10*time.Second, opts.ReadHeaderTimeout),
		ReadTimeout:       opts.orDefault(60*time.Second, opts.ReadTimeout),
		WriteTimeout:      opts.orDefault(60*time.Second, opts.WriteTimeout),
		IdleTimeout:       opts.orDefault(120*time.Second, opts.IdleTimeout),
	}
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: it stops accepting
// connections, lets calls in flight finish (up to ShutdownTimeout), closes WebSockets with a
// close frame once their calls are done, and returns. Use signal.NotifyContext for a ctx
// that ends on SIGINT or SIGTERM. Serve returns nil after a clean shutdown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, opts *ServeOptions) error {
	// http.Server.Shutdown does not wait for hijacked (WebSocket) connections: count every
	// handler running, WebSocket sessions included, and wait for them too.
	var running sync.WaitGroup
	hs := NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		running.Add(1)
		defer running.Done()
		h.ServeHTTP(w, r)
	}), opts)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	timeout := 30 * time.Second
	if opts != nil && opts.ShutdownTimeout > 0 {
		timeout = opts.ShutdownTimeout
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	done := make(chan struct{})
	go func() { running.Wait(); close(done) }()
	select {
	case <-done:
	case <-shutdownCtx.Done():
		if err == nil {
			err = shutdownCtx.Err()
		}
	}
	return err
}
