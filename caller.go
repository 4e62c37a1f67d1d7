package openrpc

import (
	"context"
	"net/textproto"
)

// Caller is what a transport knows about the peer that sent a message. Transports attach it
// to the context they pass to [Server.Process]; handlers, middleware and dependencies read
// it with [CallerFrom].
type Caller struct {
	// Transport names the transport: "http", "websocket", "stdio", "nats", "local".
	Transport string
	// RemoteAddr is the peer's network address, when the transport has one.
	RemoteAddr string
	// Header holds the request or handshake headers (or message headers), with keys in
	// canonical MIME form as in net/http. It must not be modified.
	Header map[string][]string
	// Value holds a transport-specific value, such as the *http.Request.
	Value any
}

// Get returns the first value of the header key, matched case-insensitively.
func (c *Caller) Get(key string) string {
	if c == nil || c.Header == nil {
		return ""
	}
	v := c.Header[key]
	if v == nil {
		v = c.Header[textproto.CanonicalMIMEHeaderKey(key)]
	}
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

type callerKey struct{}

// WithCaller returns a context carrying c, for transports to pass to [Server.Process].
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller attached to ctx by the transport, or nil.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}
