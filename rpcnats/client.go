package rpcnats

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/openrpc-go/openrpc"
)

// DefaultTimeout bounds the calls whose context has no deadline, unless
// [ClientOptions.Timeout] says otherwise.
const DefaultTimeout = 30 * time.Second

// ClientOptions configures [NewClient]. The zero value (or nil) gives the defaults.
type ClientOptions struct {
	// Header is sent with every message, as NATS headers; the service passes them to the
	// server as caller details.
	Header nats.Header
	// BearerToken, when set, is sent as "Authorization: Bearer <token>".
	BearerToken string
	// Timeout bounds a call whose context has no deadline, default [DefaultTimeout]: a
	// request whose service went away is never answered, so every request needs one.
	Timeout time.Duration
	// Observer receives the events of every call (see [openrpc.ClientOptions]); its Inject
	// adds headers (trace context) to every NATS request.
	Observer *openrpc.ClientObserver
}

// NewClient returns a client whose calls, notifications and batches are NATS requests to
// subject on nc, each bounded by its context's deadline, which the request carries in the
// [TimeoutHeader] header. The client does not own nc: closing the client leaves it open.
//
// A call fails with an error wrapping nats.ErrNoResponders when no service listens on the
// subject, with context.DeadlineExceeded when none answered in time (its service may have
// stopped while processing it), and with one wrapping [openrpc.ErrTooLarge] when the
// message is over the connection's max payload.
func NewClient(nc *nats.Conn, subject string, opts *ClientOptions) *openrpc.Client {
	rt := &roundTripper{nc: nc, subject: subject, timeout: DefaultTimeout}
	if opts != nil {
		if len(opts.Header) > 0 || opts.BearerToken != "" {
			rt.header = nats.Header{}
			for k, v := range opts.Header {
				rt.header[k] = append([]string(nil), v...)
			}
			if opts.BearerToken != "" {
				rt.header.Set("Authorization", "Bearer "+opts.BearerToken)
			}
		}
		if opts.Timeout > 0 {
			rt.timeout = opts.Timeout
		}
		if obs := opts.Observer; obs != nil {
			rt.inject = obs.Inject
			return openrpc.NewClient(rt, &openrpc.ClientOptions{Observer: obs})
		}
	}
	return openrpc.NewClient(rt, nil)
}

type roundTripper struct {
	nc      *nats.Conn
	subject string
	header  nats.Header
	timeout time.Duration
	inject  func(ctx context.Context, header map[string][]string) // or nil
}

var _ openrpc.RoundTripper = (*roundTripper)(nil)

// RoundTrip sends msg as a request and returns the reply's data, nil for an empty reply
// (the acknowledgement of notifications).
func (rt *roundTripper) RoundTrip(ctx context.Context, msg []byte) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rt.timeout)
		defer cancel()
	}
	if max := rt.nc.MaxPayload(); int64(len(msg)) > max {
		return nil, fmt.Errorf("%w: a message of %d bytes, over the NATS max payload of %d bytes", openrpc.ErrTooLarge, len(msg), max)
	}
	header := nats.Header{}
	for k, v := range rt.header {
		header[k] = v
	}
	if rt.inject != nil {
		rt.inject(ctx, header)
	}
	deadline, _ := ctx.Deadline()
	header[TimeoutHeader] = []string{strconv.FormatInt(time.Until(deadline).Milliseconds(), 10)}
	reply, err := rt.nc.RequestMsgWithContext(ctx, &nats.Msg{Subject: rt.subject, Data: msg, Header: header})
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return nil, fmt.Errorf("rpcnats: no service is serving %q: %w", rt.subject, err)
	case errors.Is(err, nats.ErrMaxPayload):
		return nil, fmt.Errorf("%w: %w", openrpc.ErrTooLarge, err)
	case err != nil:
		return nil, fmt.Errorf("rpcnats: request to %q: %w", rt.subject, err)
	}
	if len(reply.Data) == 0 {
		return nil, nil
	}
	return reply.Data, nil
}
