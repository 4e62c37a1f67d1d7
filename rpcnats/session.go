package rpcnats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"
	"github.com/openrpc-go/openrpc"
)

// SessionHeader is the NATS header of session control messages. A request to the service's
// subject with "Openrpc-Session: open" opens a session; its reply carries the session's
// subject in the same header. A message with "Openrpc-Session: close" on the session's
// subject (from the client) or on the client's inbox (from the service) ends it.
const SessionHeader = "Openrpc-Session"

// SessionIntervalHeader is the NATS header in which a session open request carries the
// client's ping interval, in whole milliseconds. The service ends a session that sent
// neither a message nor a ping for three intervals.
const SessionIntervalHeader = "Openrpc-Session-Interval"

// DefaultMaxSessions is how many sessions a service holds at once unless
// [ServeOptions.MaxSessions] says otherwise.
const DefaultMaxSessions = 1000

// DefaultPingInterval is how often a session's client pings its service unless
// [DialOptions.PingInterval] says otherwise.
const DefaultPingInterval = 5 * time.Second

// minPingInterval and maxPingInterval bound the interval a client may ask for.
const (
	minPingInterval = time.Millisecond
	maxPingInterval = time.Hour
)

// errSessionLost is wrapped by the error a session's Recv returns when its peer stopped
// answering: the framework reports it as [openrpc.ErrConnectionLost].
var errSessionLost = fmt.Errorf("rpcnats: session lost: %w", io.ErrUnexpectedEOF)

// errClientClosed ends a session whose client closed it.
var errClientClosed = errors.New("rpcnats: the client closed the session")

// sessions is the service's side of its sessions.
type sessions struct {
	max    int
	mu     sync.Mutex
	open   map[*serverSession]struct{}
	ending bool
	wg     sync.WaitGroup // ServeConn goroutines
	ctx    context.Context
	cancel context.CancelFunc
}

func (ss *sessions) init(opts *ServeOptions) {
	ss.max = opts.MaxSessions
	if ss.max <= 0 {
		ss.max = DefaultMaxSessions
	}
	ss.open = map[*serverSession]struct{}{}
	ss.ctx, ss.cancel = context.WithCancel(context.Background())
}

// shutdown stops taking sessions and asks the open ones to end gracefully.
func (ss *sessions) shutdown() {
	ss.mu.Lock()
	ss.ending = true
	ss.mu.Unlock()
	ss.cancel()
}

// closeAll ends the open sessions at once.
func (ss *sessions) closeAll() {
	ss.mu.Lock()
	open := make([]*serverSession, 0, len(ss.open))
	for s := range ss.open {
		open = append(open, s)
	}
	ss.mu.Unlock()
	for _, s := range open {
		s.Close()
	}
}

// count returns how many sessions are open.
func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.open)
}

// Sessions returns how many sessions the service holds open.
func (s *Service) Sessions() int { return s.sessions.count() }

// openSession answers a session open request: it subscribes a session subject of its own
// and serves a connection on it until the session ends.
func (s *Service) openSession(m *nats.Msg) {
	refuse := func(code openrpc.Code, msg string) {
		m.Respond(errorReply(&openrpc.Error{Code: code, Message: msg}))
	}
	if m.Reply == "" {
		return
	}
	client := m.Header.Get(sessionInboxHeader)
	if client == "" {
		refuse(openrpc.CodeInvalidRequest, "a session open request needs the "+sessionInboxHeader+" header")
		return
	}
	interval := DefaultPingInterval
	if ms, err := strconv.ParseInt(m.Header.Get(SessionIntervalHeader), 10, 64); err == nil {
		interval = min(max(time.Duration(ms)*time.Millisecond, minPingInterval), maxPingInterval)
	}
	ss := &s.sessions
	ss.mu.Lock()
	switch {
	case ss.ending:
		ss.mu.Unlock()
		refuse(openrpc.CodeOverloaded, "server shutting down")
		return
	case len(ss.open) >= ss.max:
		ss.mu.Unlock()
		refuse(openrpc.CodeOverloaded, fmt.Sprintf("too many sessions: the service holds at most %d", ss.max))
		return
	}
	sess := &serverSession{
		svc: s, subject: s.subject + ".session." + nuid.Next(), client: client,
		limit: s.srv.Limits().MaxRequestBytes, closed: make(chan struct{}),
	}
	ss.open[sess] = struct{}{}
	ss.wg.Add(1)
	ss.mu.Unlock()

	if err := sess.subscribe(interval); err != nil {
		sess.Close()
		ss.wg.Done()
		refuse(openrpc.CodeInternalError, "the session could not be opened: "+err.Error())
		return
	}
	caller := &openrpc.Caller{Transport: "nats", Header: canonical(m.Header), Value: m}
	go func() {
		defer ss.wg.Done()
		defer sess.Close()
		s.srv.ServeConn(ss.ctx, sess, &openrpc.ConnOptions{Caller: caller})
	}()
	reply := nats.NewMsg(m.Reply)
	reply.Header.Set(SessionHeader, sess.subject)
	if err := s.nc.PublishMsg(reply); err != nil {
		sess.Close()
	}
}

// sessionInboxHeader carries the client's inbox in a session open request: the service
// publishes the session's messages to it.
const sessionInboxHeader = "Openrpc-Session-Inbox"

// serverSession is the service's connection of a session: Recv reads the messages the
// client publishes to the session subject, Send publishes to the client's inbox.
type serverSession struct {
	svc     *Service
	subject string
	client  string
	limit   int64
	q       *queue
	ping    *nats.Subscription
	idle    *time.Timer
	wait    time.Duration

	closeOnce sync.Once
	closed    chan struct{}
	mu        sync.Mutex
	err       error // why Recv ends: errClientClosed, or errSessionLost when idle
}

func (c *serverSession) subscribe(interval time.Duration) error {
	nc := c.svc.nc
	var err error
	if c.q, err = subscribeQueue(nc, c.subject); err != nil {
		return err
	}
	// The session holds at most two max-size messages waiting to be read, so that many
	// sessions cannot grow the service's memory without bound; past that NATS drops them.
	c.q.sub.SetPendingLimits(1024, int(2*nc.MaxPayload()))
	c.wait = 3 * interval
	c.idle = time.AfterFunc(c.wait, func() { c.end(fmt.Errorf("%w: no message or ping for %v", errSessionLost, c.wait)) })
	c.ping, err = nc.Subscribe(c.subject+".ping", func(m *nats.Msg) {
		c.touch()
		m.Respond(nil)
	})
	return err
}

// touch postpones the idle end of the session.
func (c *serverSession) touch() { c.idle.Reset(c.wait) }

// end makes Recv return err and closes the session.
func (c *serverSession) end(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.Close()
}

func (c *serverSession) Recv(ctx context.Context) ([]byte, error) {
	m, err := c.q.next(ctx)
	if err != nil {
		select {
		case <-c.closed:
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.err != nil {
				return nil, c.err
			}
			return nil, io.EOF
		default:
		}
		return nil, err
	}
	c.touch()
	if m.Header.Get(SessionHeader) == "close" {
		// The client reads no more replies: the calls in flight are canceled.
		c.end(errClientClosed)
		return nil, errClientClosed
	}
	if int64(len(m.Data)) > c.limit {
		return nil, fmt.Errorf("rpcnats: a message of %d bytes: %w", len(m.Data), openrpc.ErrTooLarge)
	}
	return m.Data, nil
}

func (c *serverSession) Send(ctx context.Context, msg []byte) error {
	if max := c.svc.nc.MaxPayload(); int64(len(msg)) > max {
		msg = tooLarge(len(msg), max)
	}
	return c.svc.nc.Publish(c.client, msg)
}

// Close ends the session: its subscriptions end, and the client is told.
func (c *serverSession) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		if c.idle != nil {
			c.idle.Stop()
		}
		if c.q != nil {
			c.q.close()
		}
		if c.ping != nil {
			c.ping.Unsubscribe()
		}
		c.mu.Lock()
		byClient := errors.Is(c.err, errClientClosed)
		c.mu.Unlock()
		if !byClient {
			bye := nats.NewMsg(c.client)
			bye.Header.Set(SessionHeader, "close")
			c.svc.nc.PublishMsg(bye)
		}
		ss := &c.svc.sessions
		ss.mu.Lock()
		delete(ss.open, c)
		ss.mu.Unlock()
	})
	return nil
}

// DialOptions configures [Dial] and [DialConn]. The zero value (or nil) gives the defaults.
type DialOptions struct {
	// Header is sent with the session open request, as NATS headers; the service gives
	// them to every call of the session as caller details.
	Header nats.Header
	// BearerToken, when set, is sent as "Authorization: Bearer <token>".
	BearerToken string
	// PingInterval is how often the client pings the service, default
	// [DefaultPingInterval]. The session is lost when a ping finds no responder or none
	// is answered for three intervals; the service ends a session that sent nothing for
	// three intervals.
	PingInterval time.Duration
	// Timeout bounds the open request when ctx has no deadline, default [DefaultTimeout].
	Timeout time.Duration
	// Client configures the client [Dial] returns. Its Observer's Inject adds headers to
	// the session open request.
	Client *openrpc.ClientOptions
}

// Dial opens a session with one instance of the service on subject (the one of its queue
// group NATS gives the request to) and returns a client over it: a connection, so
// subscriptions, calls from the server ([openrpc.Peer]) and rpc.cancel work, as over a
// WebSocket. ctx bounds the opening only. Every call of the session carries the open
// request's headers as its caller details (Transport "nats", Value the open request's
// *nats.Msg). The client does not own nc: closing the client ends the session and leaves
// nc open. When the instance goes away, the client's calls fail with
// [openrpc.ErrConnectionLost]; for a client that redials, pass a function calling
// [DialConn] to [openrpc.NewReconnectingClient].
func Dial(ctx context.Context, nc *nats.Conn, subject string, opts *DialOptions) (*openrpc.Client, error) {
	conn, err := DialConn(ctx, nc, subject, opts)
	if err != nil {
		return nil, err
	}
	var copts *openrpc.ClientOptions
	if opts != nil {
		copts = opts.Client
	}
	return openrpc.NewConnClient(conn, copts), nil
}

// DialConn opens a session as [Dial] does and returns its connection. A service that
// refuses the session (too many sessions, shutting down) makes DialConn return the
// *openrpc.Error it answered with.
func DialConn(ctx context.Context, nc *nats.Conn, subject string, opts *DialOptions) (openrpc.Conn, error) {
	if opts == nil {
		opts = &DialOptions{}
	}
	interval := opts.PingInterval
	if interval <= 0 {
		interval = DefaultPingInterval
	}
	if _, ok := ctx.Deadline(); !ok {
		timeout := opts.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	c := &clientSession{nc: nc, interval: interval, stop: make(chan struct{}), done: make(chan struct{})}
	var err error
	c.inbox = nc.NewInbox()
	if c.q, err = subscribeQueue(nc, c.inbox); err != nil {
		return nil, fmt.Errorf("rpcnats: %w", err)
	}
	req := nats.NewMsg(subject)
	for k, v := range opts.Header {
		req.Header[k] = append([]string(nil), v...)
	}
	if opts.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+opts.BearerToken)
	}
	if obs := opts.Client; obs != nil && obs.Observer != nil && obs.Observer.Inject != nil {
		obs.Observer.Inject(ctx, req.Header)
	}
	req.Header.Set(SessionHeader, "open")
	req.Header.Set(sessionInboxHeader, c.inbox)
	req.Header.Set(SessionIntervalHeader, strconv.FormatInt(interval.Milliseconds(), 10))
	reply, err := nc.RequestMsgWithContext(ctx, req)
	if err != nil {
		c.q.close()
		return nil, fmt.Errorf("rpcnats: opening a session on %q: %w", subject, err)
	}
	c.subject = reply.Header.Get(SessionHeader)
	if c.subject == "" {
		c.q.close()
		var resp struct{ Error *openrpc.Error }
		if json.Unmarshal(reply.Data, &resp) == nil && resp.Error != nil {
			return nil, resp.Error
		}
		return nil, fmt.Errorf("rpcnats: %q answered the session open request without a session: %.200q", subject, reply.Data)
	}
	go c.pings()
	return c, nil
}

// clientSession is the client's connection of a session: Send publishes to the session
// subject, Recv reads the client's inbox.
type clientSession struct {
	nc       *nats.Conn
	subject  string
	inbox    string
	q        *queue
	interval time.Duration

	mu        sync.Mutex
	err       error // why Recv ends
	closeOnce sync.Once
	stop      chan struct{} // closed by Close
	done      chan struct{} // closed when the pinger has returned
}

// pings pings the service every interval until the session ends.
func (c *clientSession) pings() {
	defer close(c.done)
	t := time.NewTicker(c.interval)
	defer t.Stop()
	misses := 0
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.interval)
		_, err := c.nc.RequestWithContext(ctx, c.subject+".ping", nil)
		cancel()
		switch {
		case err == nil:
			misses = 0
			continue
		case errors.Is(err, nats.ErrNoResponders):
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout):
			if misses++; misses < 3 {
				continue
			}
		case errors.Is(err, nats.ErrConnectionClosed):
		default:
			continue // reconnecting: the next ping tells
		}
		c.lose(fmt.Errorf("%w: %v", errSessionLost, err))
		return
	}
}

// lose ends the session with err: Recv returns it.
func (c *clientSession) lose(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.q.close()
}

func (c *clientSession) Recv(ctx context.Context) ([]byte, error) {
	m, err := c.q.next(ctx)
	if err != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.err != nil {
			return nil, c.err
		}
		if errors.Is(err, errQueueClosed) {
			return nil, fmt.Errorf("%w: %v", errSessionLost, err)
		}
		return nil, err
	}
	if m.Header.Get(SessionHeader) == "close" {
		c.lose(io.EOF)
		return nil, io.EOF
	}
	return m.Data, nil
}

func (c *clientSession) Send(ctx context.Context, msg []byte) error {
	if err := c.nc.Publish(c.subject, msg); err != nil {
		if errors.Is(err, nats.ErrMaxPayload) {
			return fmt.Errorf("rpcnats: a message of %d bytes: %w (%w)", len(msg), openrpc.ErrTooLarge, err)
		}
		return err
	}
	return nil
}

// Close ends the session: the service is told, and Recv returns io.EOF.
func (c *clientSession) Close() error {
	c.closeOnce.Do(func() {
		close(c.stop)
		bye := nats.NewMsg(c.subject)
		bye.Header.Set(SessionHeader, "close")
		c.nc.PublishMsg(bye)
		c.lose(io.EOF)
		<-c.done
	})
	return nil
}

// errQueueClosed is returned by a closed queue.
var errQueueClosed = errors.New("rpcnats: session closed")

// A queue hands the messages of a subscription to a reader one at a time. NATS keeps the
// messages not yet read (up to the subscription's pending limits); unlike a synchronous
// subscription, whose channel takes 512 KiB at once, a queue costs memory only for them.
type queue struct {
	sub  *nats.Subscription
	ch   chan *nats.Msg
	stop chan struct{}
	once sync.Once
}

func subscribeQueue(nc *nats.Conn, subject string) (*queue, error) {
	q := &queue{ch: make(chan *nats.Msg), stop: make(chan struct{})}
	var err error
	q.sub, err = nc.Subscribe(subject, func(m *nats.Msg) {
		select {
		case q.ch <- m:
		case <-q.stop:
		}
	})
	return q, err
}

// next returns the next message.
func (q *queue) next(ctx context.Context) (*nats.Msg, error) {
	select {
	case m := <-q.ch:
		return m, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-q.stop:
		return nil, errQueueClosed
	}
}

// close unsubscribes; next returns errQueueClosed.
func (q *queue) close() {
	q.once.Do(func() {
		close(q.stop)
		q.sub.Unsubscribe()
	})
}
