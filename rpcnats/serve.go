// Package rpcnats serves an [openrpc.Server] on NATS and calls servers over it, so that a
// service scales out across processes and machines with no load balancer: every instance
// subscribes to the same subject in the same queue group, and NATS gives each message to
// one of them.
//
// # Serving
//
// [Serve] (or [Start] and [Service.Shutdown]) subscribes to a subject in a queue group
// (default "openrpc"). Each NATS message is one JSON-RPC message, a single request or a
// batch, and its reply is published to the message's reply subject. A message holding only
// notifications gets no JSON-RPC reply: when it has a reply subject it is acknowledged with
// an empty message, the 204 of HTTP, so that a requester does not wait for its deadline;
// published without one, it gets nothing. Messages are processed concurrently, at most
// [ServeOptions.MaxInFlight] at a time (default the server's MaxInFlight); past that, the
// service stops taking messages from its subscription until one is done, and NATS holds
// them for it up to the subscription's pending limits (64 MiB by default; beyond them NATS
// drops messages and reports a slow consumer, and their callers time out).
//
// NATS headers are the [openrpc.Caller] details (Transport "nats", keys in canonical form,
// Value the *nats.Msg), so [openrpc.BearerToken] reads an Authorization header and every
// security scheme works as over HTTP. The server's limits apply, and NATS adds its own: the
// connection's max payload (1 MiB by default) caps requests at the publisher and replies at
// the service. A reply over the max payload is not dropped: the requester gets a -32003
// error with id null whose data gives the reply's size and the limit.
//
// A request made by [NewClient] carries its deadline (the [TimeoutHeader] header); the
// service cancels the context of its calls when it has passed, as the HTTP server does
// when a client goes away.
//
// Shutdown drains: the subscription stops taking messages, the messages NATS already
// delivered and the calls in flight finish and are answered, then Shutdown returns.
//
// # Discovery and statistics
//
// A service answers the NATS micro service protocol (the one the nats.go micro package and
// the `nats micro` command speak): $SRV.PING, $SRV.INFO and $SRV.STATS, for all services,
// by name, and by name and id. It lists two endpoints: "rpc" on the subject, and "openrpc"
// on the subject followed by ".openrpc", which answers any message with the server's
// OpenRPC document (rpc.discover on the main subject gives the same). Its statistics
// count, for each endpoint, the messages, their processing time, and the messages whose
// reply was an error (a single error response, a reply over the max payload, or a reply
// that could not be published).
//
// # Calling
//
// [NewClient] returns an [openrpc.Client] whose calls are NATS requests to the subject,
// with the call's context deadline ([ClientOptions.Timeout] when it has none) and the
// client's headers.
//
// # Sessions
//
// Request-reply carries no subscriptions, calls from the server to its client
// ([openrpc.Peer]) or rpc.cancel: these need a connection. [Dial] opens a session with one
// instance of the service (the one NATS gives its request to) and returns a client over it,
// on which all of them work; [DialConn] returns the session's connection, for
// [openrpc.NewReconnectingClient]. The instance serves the session with
// [openrpc.Server.ServeConn] on a subject of its own, and the client pings it every
// [DialOptions.PingInterval]: when the instance goes away the client's calls fail with
// [openrpc.ErrConnectionLost] (a reconnecting client then opens a session with another
// instance and restores its subscriptions), and the service ends a session whose client
// went silent for three intervals. A service holds at most [ServeOptions.MaxSessions]
// sessions; Shutdown ends them gracefully (the subscriptions' last notifications are sent).
package rpcnats

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/textproto"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/openrpc-go/openrpc"
)

// DefaultQueue is the queue group services join unless [ServeOptions.Queue] says otherwise.
const DefaultQueue = "openrpc"

// ServeOptions configures [Start] and [Serve]. The zero value (or nil) gives the defaults.
type ServeOptions struct {
	// Queue is the queue group the service joins, default [DefaultQueue]. Instances serving
	// the same subject in the same queue group share its messages.
	Queue string
	// MaxInFlight is how many messages are processed at the same time, default the
	// server's [openrpc.Limits.MaxInFlight].
	MaxInFlight int
	// Name is the micro service name, default the server's title with every character
	// other than letters, digits, '-' and '_' replaced by '-'.
	Name string
	// Version is the micro service version, default the server's version when it is a
	// semantic version, else "0.0.0".
	Version string
	// Metadata is the micro service's metadata; the service adds "openrpc.subject" and
	// "openrpc.document" (the subject of the document endpoint).
	Metadata map[string]string
	// Logger receives replies that could not be published. Default: slog.Default.
	Logger *slog.Logger
	// MaxSessions is how many sessions (see [Dial]) the service holds at once, default
	// [DefaultMaxSessions]; past it, a session open request is answered with
	// [openrpc.CodeOverloaded]. Each session holds at most two max-payload messages
	// waiting to be read.
	MaxSessions int
}

// Service is a server being served on a NATS subject. Start returns it.
type Service struct {
	nc      *nats.Conn
	srv     *openrpc.Server
	subject string
	queue   string
	logger  *slog.Logger

	sem    chan struct{}
	wg     sync.WaitGroup // messages taken and not yet answered
	sub    *nats.Subscription
	docSub *nats.Subscription
	subs   []*nats.Subscription // the micro protocol's
	done   chan struct{}        // closed when the subscription's last message was taken

	ctx    context.Context // the base of every call's context
	cancel context.CancelFunc

	micro microState

	sessions sessions
}

// Start subscribes srv to subject in the queue group and returns at once; the service
// answers messages until [Service.Shutdown]. The subscription is known to the NATS server
// when Start returns.
func Start(nc *nats.Conn, subject string, srv *openrpc.Server, opts *ServeOptions) (*Service, error) {
	if opts == nil {
		opts = &ServeOptions{}
	}
	s := &Service{
		nc: nc, srv: srv, subject: subject, queue: opts.Queue, logger: opts.Logger,
		done: make(chan struct{}),
	}
	if s.queue == "" {
		s.queue = DefaultQueue
	}
	inflight := opts.MaxInFlight
	if inflight <= 0 {
		inflight = srv.Limits().MaxInFlight
	}
	s.sem = make(chan struct{}, inflight)
	s.sessions.init(opts)
	if err := s.micro.init(s, opts); err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	sub, err := nc.QueueSubscribe(subject, s.queue, s.take)
	if err != nil {
		s.cancel()
		return nil, fmt.Errorf("rpcnats: subscribing to %q: %w", subject, err)
	}
	s.sub = sub
	// Called once the subscription's delivery goroutine has returned from its last
	// callback: every message taken has been counted in wg by then.
	sub.SetClosedHandler(func(string) { close(s.done) })
	if err := s.micro.subscribe(s); err != nil {
		s.unsubscribe()
		s.cancel()
		return nil, err
	}
	if err := nc.Flush(); err != nil {
		s.unsubscribe()
		s.cancel()
		return nil, fmt.Errorf("rpcnats: %w", err)
	}
	return s, nil
}

// Serve serves srv on subject in the queue group until ctx is done, then shuts down as
// [Service.Shutdown] does, waiting without limit for the calls in flight, and returns nil.
// It returns an error only when it could not subscribe.
func Serve(ctx context.Context, nc *nats.Conn, subject string, srv *openrpc.Server, opts *ServeOptions) error {
	s, err := Start(nc, subject, srv, opts)
	if err != nil {
		return err
	}
	<-ctx.Done()
	return s.Shutdown(context.WithoutCancel(ctx))
}

// Shutdown drains the service: its subscriptions stop taking messages, the messages NATS
// had already delivered to it are processed, and the calls in flight finish and are
// answered. It returns when all of them have been answered, or with ctx's error when ctx
// ends first, canceling the contexts of the calls still running. When the connection is
// closed instead, the calls in flight finish but their replies cannot be sent.
func (s *Service) Shutdown(ctx context.Context) error {
	s.unsubscribe()
	s.sessions.shutdown()
	finished := make(chan struct{})
	go func() {
		select {
		case <-s.done:
		case <-ctx.Done():
			return
		}
		s.wg.Wait()
		s.sessions.wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		s.sessions.closeAll()
		return ctx.Err()
	}
}

// unsubscribe drains the subscriptions. When a subscription cannot be drained (the
// connection is reconnecting), it is unsubscribed at once: the messages it holds are
// dropped, but its closed handler still runs. A closed connection has nothing left to
// drain, and has run the handlers already.
func (s *Service) unsubscribe() {
	for _, sub := range append([]*nats.Subscription{s.sub, s.docSub}, s.subs...) {
		if sub != nil && sub.IsValid() && !sub.IsDraining() {
			if err := sub.Drain(); err != nil {
				sub.Unsubscribe()
			}
		}
	}
}

// take runs on the subscription's delivery goroutine: it waits for a free slot, then
// processes the message on a goroutine of its own.
func (s *Service) take(m *nats.Msg) {
	s.wg.Add(1)
	s.sem <- struct{}{}
	go func() {
		defer s.wg.Done()
		defer func() { <-s.sem }()
		s.serve(m)
	}()
}

// TimeoutHeader is the NATS header in which a request carries the time its caller waits
// for the reply, in whole milliseconds. The service cancels the context of the request's
// calls when it has passed: nobody would read their reply.
const TimeoutHeader = "Openrpc-Timeout"

// serve answers one message.
func (s *Service) serve(m *nats.Msg) {
	if m.Header.Get(SessionHeader) == "open" {
		s.openSession(m)
		return
	}
	start := time.Now()
	ctx := s.ctx
	if ms, err := strconv.ParseInt(m.Header.Get(TimeoutHeader), 10, 64); err == nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(max(ms, 0))*time.Millisecond)
		defer cancel()
	}
	caller := &openrpc.Caller{Transport: "nats", Header: canonical(m.Header), Value: m}
	reply := s.srv.Process(openrpc.WithCaller(ctx, caller), m.Data)
	failure := errorOf(reply)
	if m.Reply != "" {
		if max := s.nc.MaxPayload(); int64(len(reply)) > max {
			failure = fmt.Sprintf("a reply of %d bytes, over the max payload of %d bytes", len(reply), max)
			reply = tooLarge(len(reply), max)
		}
	}
	// Counted before the reply goes out, so that a requester who then asks for the
	// statistics finds its call in them.
	s.micro.record(&s.micro.rpc, time.Since(start), failure)
	if m.Reply == "" {
		return
	}
	if err := m.Respond(reply); err != nil {
		s.log().Warn("rpcnats: the reply could not be published", "subject", s.subject, "reply_subject", m.Reply, "error", err)
		s.micro.record(&s.micro.rpc, -1, "the reply could not be published: "+err.Error())
	}
}

func (s *Service) log() *slog.Logger {
	if s.logger != nil {
		return s.logger
	}
	return slog.Default()
}

// canonical copies NATS headers with their keys in canonical MIME form, as
// [openrpc.Caller] promises.
func canonical(h nats.Header) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string][]string, len(h))
	for k, v := range h {
		ck := textproto.CanonicalMIMEHeaderKey(k)
		out[ck] = append(out[ck], v...)
	}
	return out
}

// errorPrefix starts a single error response as the server encodes it.
var errorPrefix = []byte(`{"jsonrpc":"2.0","error":`)

// errorOf returns "code message" of a reply that is a single error response, else "".
func errorOf(reply []byte) string {
	if !bytes.HasPrefix(reply, errorPrefix) {
		return ""
	}
	var r struct{ Error openrpc.Error }
	if err := json.Unmarshal(reply, &r); err != nil {
		return "an error response"
	}
	return fmt.Sprintf("%d %s", r.Error.Code, r.Error.Message)
}

// tooLarge is the error sent instead of a reply over the connection's max payload.
func tooLarge(size int, max int64) []byte {
	data, _ := json.Marshal(map[string]string{
		"error": fmt.Sprintf("the reply of %d bytes exceeds the NATS max payload of %d bytes", size, max),
	})
	return errorReply(&openrpc.Error{Code: openrpc.CodeTooLarge, Message: openrpc.CodeTooLarge.String(), Data: data})
}

// errorReply is an error response with id null.
func errorReply(e *openrpc.Error) []byte {
	msg, _ := json.Marshal(struct {
		JSONRPC string         `json:"jsonrpc"`
		Error   *openrpc.Error `json:"error"`
		ID      any            `json:"id"`
	}{"2.0", e, nil})
	return msg
}
