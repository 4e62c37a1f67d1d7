package openrpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openrpc-go/openrpc/internal/wire"
)

// Default limits; see [Limits].
const (
	DefaultMaxRequestBytes  = 5 << 20
	DefaultMaxBatchItems    = 1000
	DefaultMaxDepth         = 128
	DefaultBatchConcurrency = 16
	DefaultMaxInFlight      = 64
	// DefaultMaxTotalRequestBytes bounds the request bytes a server holds at once: 64 MiB,
	// a dozen messages of the largest size or thousands of ordinary ones. A held byte costs
	// about one more while its params are decoded, so requests stay within a few hundred MiB
	// even under a flood, which a machine with 1 GiB of memory can afford.
	DefaultMaxTotalRequestBytes = 64 << 20
	// DefaultMaxResponseBytes caps a response, 25 MB (as go-ethereum caps a batch's).
	DefaultMaxResponseBytes = 25_000_000
	// DefaultMaxSubscriptions is how many subscriptions one connection may hold at once.
	DefaultMaxSubscriptions = 1000
	// DefaultSubscriptionBuffer is how many events of one subscription may wait to be sent.
	DefaultSubscriptionBuffer = 256
	// DefaultSubscriptionStall is how long a subscription's emit waits for room in a full
	// buffer before the subscriber is taken as stuck.
	DefaultSubscriptionStall = 10 * time.Second
)

// Limits bound the work one message can cause, and the memory the requests of the whole
// server take. Every transport applies the same limits. A zero field means its default.
type Limits struct {
	// MaxRequestBytes is the largest message accepted, default [DefaultMaxRequestBytes]
	// (5 MiB). A larger one is answered with [CodeTooLarge] (and 413 over HTTP).
	MaxRequestBytes int64
	// MaxBatchItems is the most items in one batch, default [DefaultMaxBatchItems]. A larger
	// batch is answered with one [CodeInvalidRequest] error and none of it runs.
	MaxBatchItems int
	// MaxDepth is the deepest nesting of arrays and objects in a message, default
	// [DefaultMaxDepth]. A deeper message is answered with one [CodeInvalidRequest] error.
	MaxDepth int
	// BatchConcurrency is how many items of one batch run at the same time, default
	// [DefaultBatchConcurrency].
	BatchConcurrency int
	// MaxInFlight is how many messages of one connection (WebSocket, stdio...) are processed
	// at the same time, default [DefaultMaxInFlight]. Past it the server stops reading
	// from that connection until a message is done.
	MaxInFlight int
	// CallTimeout, when positive, is the deadline of every call: its context is canceled
	// then, and a handler that returns an error after it (the context's error or one of its
	// own, such as a database driver's) is answered with [CodeTimeout] and logged at Warn.
	CallTimeout time.Duration
	// MaxTotalRequestBytes bounds the bytes of requests the server holds at once, across
	// all its transports and connections: HTTP bodies, WebSocket messages and stdio lines
	// count from their first byte read until they are answered (see [Server.Reserve]).
	// Default [DefaultMaxTotalRequestBytes] (64 MiB), and never less than MaxRequestBytes;
	// negative means no bound. A message that would pass it is refused at once, without
	// being buffered, with [CodeOverloaded] (503 with Retry-After over HTTP). Per-message and
	// per-connection limits cannot bound a server's memory: without this bound, 300
	// concurrent bodies of 4.9 MiB, each within MaxRequestBytes, took a server past 1 GB.
	MaxTotalRequestBytes int64
	// MaxResponseBytes caps a response, default [DefaultMaxResponseBytes] (25 MB); negative
	// means no cap. Once the responses of a batch pass it, each remaining call of the batch
	// is answered with a small [CodeResponseTooLarge] error instead, its result dropped as
	// soon as it is produced. A single call whose response passes it gets that error too.
	MaxResponseBytes int64
	// SubscriptionBuffer is how many events of one subscription may wait to be sent to a
	// subscriber that reads slowly, default [DefaultSubscriptionBuffer]. While it is full,
	// the subscription's emit waits (the handler is slowed down to the subscriber's pace);
	// after SubscriptionStall the subscriber is taken as stuck and the subscription ends
	// with a last notification saying so. A slow subscriber costs at most this many events
	// of memory and never delays anyone else.
	SubscriptionBuffer int
	// SubscriptionStall is how long emit waits for room in a full subscription buffer,
	// default [DefaultSubscriptionStall]. It also bounds how long a shutdown waits for the
	// last notifications of a connection's subscriptions.
	SubscriptionStall time.Duration
	// MaxSubscriptions is how many subscriptions one connection may hold at once, default
	// [DefaultMaxSubscriptions]; past it a subscribe call gets [CodeOverloaded].
	MaxSubscriptions int
}

func (l Limits) withDefaults() Limits {
	if l.MaxRequestBytes <= 0 {
		l.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if l.MaxBatchItems <= 0 {
		l.MaxBatchItems = DefaultMaxBatchItems
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.BatchConcurrency <= 0 {
		l.BatchConcurrency = DefaultBatchConcurrency
	}
	if l.MaxInFlight <= 0 {
		l.MaxInFlight = DefaultMaxInFlight
	}
	if l.MaxTotalRequestBytes == 0 {
		l.MaxTotalRequestBytes = DefaultMaxTotalRequestBytes
	}
	if l.MaxTotalRequestBytes > 0 {
		l.MaxTotalRequestBytes = max(l.MaxTotalRequestBytes, l.MaxRequestBytes)
	}
	if l.MaxResponseBytes == 0 {
		l.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if l.SubscriptionBuffer <= 0 {
		l.SubscriptionBuffer = DefaultSubscriptionBuffer
	}
	if l.SubscriptionStall <= 0 {
		l.SubscriptionStall = DefaultSubscriptionStall
	}
	if l.MaxSubscriptions <= 0 {
		l.MaxSubscriptions = DefaultMaxSubscriptions
	}
	return l
}

// ServerOptions configures a [Server]. The zero value (or nil) gives the defaults.
type ServerOptions struct {
	// Servers lists where the service can be reached, for the OpenRPC document.
	Servers []ServerObject
	// Debug adds details to errors sent to clients: the text of errors handlers return,
	// panic values with the stack trimmed to user code, and why a request was invalid. Do
	// not turn it on where clients are not trusted.
	Debug bool
	// ErrorCode is the code sent for an error a handler returns that is not an [*Error],
	// default [CodeServerError] (-32000).
	ErrorCode Code
	// Logger receives handler errors and panics. Default: [slog.Default], as it is when
	// each record is logged, so a failing handler is never silent. To log nothing, pass
	// slog.New(slog.DiscardHandler).
	Logger *slog.Logger
	// Limits bound the work one message can cause.
	Limits Limits
	// Middleware wraps every method's handler; the first is the outermost.
	Middleware []Middleware
	// Observers receive the events of every message and call, for tracing, metrics and
	// request logs (package rpcotel is one); the first is the outermost.
	Observers []Observer
	// OpenRPCVersion is the "openrpc" field of the document, default
	// [DefaultOpenRPCVersion].
	OpenRPCVersion string
	// SecuritySchemes are the schemes methods may require, by name (e.g. "Bearer").
	SecuritySchemes map[string]SecurityScheme
	// Authorize returns the grants of a call's caller; it runs for methods with a
	// [Method.Security] requirement, before their params are decoded. Without it such
	// methods refuse every call with [CodePermissionError].
	Authorize Authorizer
}

// Server holds methods and answers JSON-RPC 2.0 messages with them. Transports call
// [Server.Process]. Its methods are safe for concurrent use, and methods may be added and
// removed while it serves.
type Server struct {
	info      Info
	servers   []ServerObject
	debug     bool
	errorCode Code
	logger    *slog.Logger
	limits    Limits
	mw        []Middleware
	observers []Observer

	openrpcVersion string
	schemes        map[string]SecurityScheme
	authorizer     Authorizer

	mu      sync.Mutex // serializes changes to methods
	methods atomic.Pointer[methodTable]

	reserved atomic.Int64 // request bytes held; see Reserve
}

// methodTable is an immutable snapshot of a server's methods, replaced on every change.
type methodTable struct {
	byName map[string]*entry
	order  []*entry
	doc    cachedDocument
}

// entry is a method as served: its handler wrapped in the server's middleware.
type entry struct {
	*method
	serve Handler
}

// NewServer returns a server for the service described by info.
func NewServer(info Info, opts *ServerOptions) *Server {
	if opts == nil {
		opts = new(ServerOptions)
	}
	s := &Server{
		info:      info,
		servers:   slices.Clone(opts.Servers),
		debug:     opts.Debug,
		errorCode: opts.ErrorCode,
		logger:    opts.Logger,
		limits:    opts.Limits.withDefaults(),
		mw:        slices.Clone(opts.Middleware),
		observers: slices.Clone(opts.Observers),

		openrpcVersion: opts.OpenRPCVersion,
		schemes:        maps.Clone(opts.SecuritySchemes),
		authorizer:     opts.Authorize,
	}
	if s.openrpcVersion == "" {
		s.openrpcVersion = DefaultOpenRPCVersion
	}
	if s.errorCode == 0 {
		s.errorCode = CodeServerError
	}
	s.methods.Store(&methodTable{byName: map[string]*entry{}})
	s.registerDiscover()
	return s
}

// log returns the logger for handler errors and panics: the configured one, or the
// default logger of the moment.
func (s *Server) log() *slog.Logger {
	if s.logger != nil {
		return s.logger
	}
	return slog.Default()
}

// Limits returns the limits in force, defaults filled in.
func (s *Server) Limits() Limits { return s.limits }

func (s *Server) addMethod(m *method) {
	s.checkSecurity(m)
	h := s.secure(m, m.handler)
	for _, mw := range slices.Backward(s.mw) {
		h = mw(h)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.methods.Load()
	if _, dup := old.byName[m.Name]; dup {
		panic(fmt.Sprintf("openrpc: Register %q: a method with this name is already registered", m.Name))
	}
	t := &methodTable{byName: make(map[string]*entry, len(old.byName)+1), order: slices.Clip(old.order)}
	for k, v := range old.byName {
		t.byName[k] = v
	}
	e := &entry{method: m, serve: h}
	t.byName[m.Name] = e
	t.order = append(t.order, e)
	s.methods.Store(t)
}

// Include registers a copy of every method of r in s, with opts applied; see
// [Router.Include].
func (s *Server) Include(r *Router, opts *IncludeOptions) { includeInto(s, r, opts) }

// Remove removes the method called name and reports whether there was one. Calls already
// running finish.
func (s *Server) Remove(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.methods.Load()
	if _, ok := old.byName[name]; !ok {
		return false
	}
	t := &methodTable{byName: make(map[string]*entry, len(old.byName)), order: make([]*entry, 0, len(old.order))}
	for _, e := range old.order {
		if e.Name != name {
			t.byName[e.Name] = e
			t.order = append(t.order, e)
		}
	}
	s.methods.Store(t)
	return true
}

// Methods returns the metadata of the server's methods in registration order, without the
// framework's own (rpc.discover).
func (s *Server) Methods() []Method {
	var out []Method
	for _, e := range s.methods.Load().order {
		if e.Name != discoverName {
			out = append(out, e.Method)
		}
	}
	return out
}

// Process answers one JSON-RPC message, a single request or a batch, and returns the
// response to send: nil when there is nothing to send (notifications). It never panics on
// any input. ctx is the context of every call the message makes; transports attach a
// [Caller] to it with [WithCaller]. msg must not change until Process returns.
func (s *Server) Process(ctx context.Context, msg []byte) []byte {
	return s.process(ctx, msg, false)
}

// process answers msg; with refuse, every call in it is answered with "server shutting
// down" instead of running.
func (s *Server) process(ctx context.Context, msg []byte, refuse bool) (reply []byte) {
	if int64(len(msg)) > s.limits.MaxRequestBytes {
		reply = s.errorResponse(nil, CodeTooLarge, CodeTooLarge.String(),
			debugData(fmt.Sprintf("the message exceeds the limit of %d bytes", s.limits.MaxRequestBytes)))
		s.observeUnread(ctx, len(msg), reply)
		return reply
	}
	var single wire.Request
	reqs, batch, err := wire.Parse(msg, &single, wire.Limits{MaxDepth: s.limits.MaxDepth, MaxBatch: s.limits.MaxBatchItems})
	if err != nil {
		reply = s.parseFailure(err)
		s.observeUnread(ctx, len(msg), reply)
		return reply
	}
	if len(s.observers) > 0 {
		m := MessageInfo{Size: len(msg), Batch: batch, Items: 1}
		if batch {
			m.Items = len(reqs)
		}
		var end func([]byte)
		if ctx, end = s.startMessage(ctx, m); end != nil {
			defer func() { end(reply) }()
		}
	}
	caller := CallerFrom(ctx)
	if !batch {
		reply = s.handle(ctx, &single, caller, refuse)
		if s.limits.MaxResponseBytes >= 0 && int64(len(reply)) > s.limits.MaxResponseBytes {
			return s.responseTooLarge(single.ResponseID(), false)
		}
		return reply
	}
	return s.batch(ctx, reqs, caller, refuse)
}

// parseFailure answers a message that could not be split into requests.
func (s *Server) parseFailure(err error) []byte {
	var syn *wire.SyntaxError
	if errors.As(err, &syn) {
		return s.errorResponse(nil, CodeParseError, CodeParseError.String(), s.debugOnly(err.Error()))
	}
	if errors.Is(err, wire.ErrEmptyBatch) {
		return s.errorResponse(nil, CodeInvalidRequest, CodeInvalidRequest.String(), s.debugOnly("empty batch"))
	}
	// Over a limit: always say which.
	return s.errorResponse(nil, CodeInvalidRequest, CodeInvalidRequest.String(), debugData(err.Error()))
}

func (s *Server) batch(ctx context.Context, reqs []wire.Request, caller *Caller, refuse bool) []byte {
	out := make([][]byte, len(reqs))
	var used atomic.Int64 // bytes of the responses so far, see fit
	workers := min(len(reqs), s.limits.BatchConcurrency)
	if workers <= 1 {
		for i := range reqs {
			out[i] = s.fit(s.handle(ctx, &reqs[i], caller, refuse), &reqs[i], &used)
		}
	} else {
		var next atomic.Int64
		work := func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				out[i] = s.fit(s.handle(ctx, &reqs[i], caller, refuse), &reqs[i], &used)
			}
		}
		var wg sync.WaitGroup
		for range workers - 1 {
			wg.Go(work)
		}
		work()
		wg.Wait()
	}
	size := 1
	for _, b := range out {
		if b != nil {
			size += len(b) + 1
		}
	}
	if size == 1 {
		return nil // only notifications
	}
	buf := make([]byte, 0, size)
	buf = append(buf, '[')
	for _, b := range out {
		if b != nil {
			if len(buf) > 1 {
				buf = append(buf, ',')
			}
			buf = append(buf, b...)
		}
	}
	return append(buf, ']')
}

// fit returns reply, the response to r in a batch whose responses so far take used bytes, or
// a [CodeResponseTooLarge] error in its place once they pass [Limits.MaxResponseBytes]. The
// refused bytes stay counted, so every later response of the batch is refused too.
func (s *Server) fit(reply []byte, r *wire.Request, used *atomic.Int64) []byte {
	if reply == nil || s.limits.MaxResponseBytes < 0 {
		return reply
	}
	if used.Add(int64(len(reply))+1) <= s.limits.MaxResponseBytes {
		return reply
	}
	return s.responseTooLarge(r.ResponseID(), true)
}

// handle answers one request of a message; nil means no response.
func (s *Server) handle(ctx context.Context, r *wire.Request, caller *Caller, refuse bool) []byte {
	if r.Invalid != "" {
		return s.errorResponse(r.ResponseID(), CodeInvalidRequest, CodeInvalidRequest.String(), s.debugOnly(r.Invalid))
	}
	if refuse {
		if r.ID == nil {
			return nil
		}
		return s.errorResponse(r.ID, CodeOverloaded, CodeOverloaded.String(), debugData("server shutting down"))
	}
	if r.ID == nil && string(r.Method) == cancelName { // not a call: the caller gives one up
		if sess := sessionFrom(ctx); sess != nil {
			sess.cancelCall(cancelTarget(r.Params), seqOf(ctx))
		}
		return nil
	}
	e := s.methods.Load().byName[string(r.Method)]
	if len(s.observers) > 0 {
		return s.observedCall(ctx, r, e, caller)
	}
	return s.dispatch(ctx, r, e, caller, nil)
}

// observedCall answers r, a call of e (nil when there is no such method), between the
// observers' Call functions.
func (s *Server) observedCall(ctx context.Context, r *wire.Request, e *entry, caller *Caller) []byte {
	var name string
	if e != nil {
		name = e.Name
	} else {
		name = string(r.Method)
	}
	ctx, end := s.startCall(ctx, Request{Method: name, Params: r.Params, ID: r.ID, Caller: caller})
	var out CallOutcome
	reply := s.dispatch(ctx, r, e, caller, &out)
	if end != nil {
		out.ResponseBytes = len(reply)
		end(out)
	}
	return reply
}

// dispatch answers a valid request, a call of e (nil when there is no such method); out,
// when not nil, receives the outcome.
func (s *Server) dispatch(ctx context.Context, r *wire.Request, e *entry, caller *Caller, out *CallOutcome) []byte {
	notification := r.ID == nil
	if e == nil {
		if out != nil {
			out.Code, out.Message = CodeMethodNotFound, CodeMethodNotFound.String()
		}
		if notification {
			return nil
		}
		return s.errorResponse(r.ID, CodeMethodNotFound, CodeMethodNotFound.String(), nil)
	}
	if out != nil {
		out.Found = true
	}
	if e.notificationOnly() && !notification {
		if out != nil {
			out.Code, out.Message = CodeInvalidRequest, CodeInvalidRequest.String()
		}
		return s.errorResponse(r.ID, CodeInvalidRequest, CodeInvalidRequest.String(),
			debugData(fmt.Sprintf("method %q accepts only notifications: send it without an id", e.Name)))
	}
	if s.limits.CallTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.limits.CallTimeout)
		defer cancel()
	}
	if sess := sessionFrom(ctx); sess != nil && !notification { // the caller may cancel it with rpc.cancel
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		defer sess.track(r.ID, cancel, seqOf(ctx))()
	}
	res, err := s.call(newCallContext(ctx), e, Request{Method: e.Name, Params: r.Params, ID: r.ID, Caller: caller})
	if err == nil && len(s.mw) > 0 && !notification {
		if verr := wire.Valid(res, s.limits.MaxDepth); verr != nil {
			err = &encodeError{err: fmt.Errorf("middleware returned invalid JSON: %w", verr)}
		}
	}
	if err != nil {
		return s.callError(ctx, e, r, err, out)
	}
	if notification {
		return nil
	}
	buf := make([]byte, 0, len(res)+len(r.ID)+36)
	return wire.AppendResult(buf, r.ID, res)
}

// cancelTarget returns the raw id an rpc.cancel notification names: params {"id": ID} or
// [ID]; nil when there is none.
func cancelTarget(params []byte) []byte {
	if len(params) == 0 {
		return nil
	}
	it := wire.NewIter(params)
	if params[0] == '[' {
		id, _ := it.Element()
		return id
	}
	for {
		key, val, ok := it.Member()
		if !ok {
			return nil
		}
		if string(key) == "id" {
			return val
		}
	}
}

// call runs the method's handler, turning a panic into an error.
func (s *Server) call(ctx context.Context, e *entry, req Request) (res json.RawMessage, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v, stack: userStack(3)}
		}
	}()
	return e.serve(ctx, req)
}

// callError logs err as needed and returns the response for it (nil for a notification).
func (s *Server) callError(ctx context.Context, e *entry, r *wire.Request, err error, out *CallOutcome) []byte {
	code, msg, data := s.classify(ctx, e.Name, err)
	if out != nil {
		out.Code, out.Message, out.Err = code, msg, err
	}
	if r.ID == nil {
		return nil
	}
	return s.errorResponse(r.ID, code, msg, data)
}

// classify returns the code, message and data a handler's error is answered with, and logs
// it as needed. ctx is the call's context: a plain error returned once it has ended (a
// database driver that reports "connection interrupted" rather than the context's error)
// is answered as what ended it, a timeout or a cancellation, not as a server error.
func (s *Server) classify(ctx context.Context, method string, err error) (code Code, msg string, data json.RawMessage) {
	var (
		rpcErr *Error
		pe     *panicError
		ee     *encodeError
	)
	switch {
	case errors.As(err, &rpcErr):
		code, msg, data = rpcErr.Code, rpcErr.Message, rpcErr.Data
		if len(data) > 0 && wire.Valid(data, s.limits.MaxDepth) != nil {
			s.log().Error("openrpc: dropped invalid error data", "method", method, "data", string(data))
			data = nil
		}
	case errors.As(err, &pe):
		s.log().Error("openrpc: handler panicked", "method", method, "panic", fmt.Sprint(pe.value), "stack", strings.Join(pe.stack, "\n"))
		code, msg = CodeInternalError, CodeInternalError.String()
		if s.debug {
			data = mustJSON(debugInfo{Error: fmt.Sprintf("panic: %v", pe.value), Stack: pe.stack})
		}
	case errors.As(err, &ee):
		s.log().Error("openrpc: result could not be encoded", "method", method, "err", err)
		code, msg, data = CodeInternalError, CodeInternalError.String(), s.debugOnly(err.Error())
	default:
		code = CodeOf(err)
		if code == CodeServerError && ctx.Err() != nil {
			code = CodeOf(ctx.Err())
		}
		switch code {
		case CodeServerError:
			code = s.errorCode
			s.log().Error("openrpc: handler failed", "method", method, "err", err)
		case CodeTimeout:
			s.log().Warn("openrpc: call timed out", "method", method, "err", err)
		}
		msg, data = code.String(), s.debugOnly(err.Error())
	}
	return code, msg, data
}

func (s *Server) errorResponse(id []byte, code Code, msg string, data []byte) []byte {
	buf := make([]byte, 0, 64+len(msg)+len(data)+len(id))
	return wire.AppendError(buf, id, int64(code), msg, data)
}

// debugInfo is the data of errors whose details only go out in debug mode.
type debugInfo struct {
	Error string   `json:"error"`
	Stack []string `json:"stack,omitempty"`
}

func debugData(msg string) json.RawMessage { return mustJSON(debugInfo{Error: msg}) }

func (s *Server) debugOnly(msg string) json.RawMessage {
	if !s.debug {
		return nil
	}
	return debugData(msg)
}

// panicError is a recovered handler panic.
type panicError struct {
	value any
	stack []string
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// userStack returns the frames of the panicking user code: from the panic up to where the
// framework called it, as "function (file:line)".
func userStack(skip int) []string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(skip, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var out []string
	for {
		f, more := frames.Next()
		if isFrameworkFrame(f.Function) {
			if len(out) > 0 {
				return out
			}
		} else {
			out = append(out, fmt.Sprintf("%s (%s:%d)", f.Function, f.File, f.Line))
		}
		if !more {
			return out
		}
	}
}

const modulePath = "github.com/openrpc-go/openrpc"

func isFrameworkFrame(fn string) bool {
	if strings.HasPrefix(fn, "runtime.") {
		return true
	}
	rest, ok := strings.CutPrefix(fn, modulePath)
	// This package and its internal packages, not the transports or user code below the
	// module path (examples, tests of other packages).
	return ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "/internal/"))
}
