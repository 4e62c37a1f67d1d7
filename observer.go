package openrpc

import (
	"context"
	"encoding/json"
	"slices"
)

// Observer receives the events of the messages and calls a [Server] answers, for tracing,
// metrics and request logs; set it in [ServerOptions.Observers]. As with
// net/http/httptrace.ClientTrace, any field may be nil. The functions run on the path of
// every message and call, concurrently for the items of a batch and the messages of a
// connection: they must be quick, safe for concurrent use, and must not panic. A server
// without observers does none of this work.
type Observer struct {
	// Message is called for each message [Server.Process] receives, once it is parsed (or
	// found unreadable). The context it returns is the parent of the contexts of the
	// message's calls; end, when not nil, is called with the reply once it is ready (nil
	// when nothing is sent).
	Message func(ctx context.Context, m MessageInfo) (_ context.Context, end func(reply []byte))
	// Call is called before each valid request of a message is answered, whether its method
	// is registered or not; the context it returns is the call's context, the one the
	// handler receives. end, when not nil, is called with the outcome once the call is
	// answered. Invalid requests (-32600) have no call: they show in Message only.
	Call func(ctx context.Context, req Request) (_ context.Context, end func(CallOutcome))
}

// MessageInfo describes a message received by a [Server], for [Observer.Message].
type MessageInfo struct {
	// Size is the message's length in bytes.
	Size int
	// Batch reports whether the message is a batch.
	Batch bool
	// Items is the number of requests in the message: 1 for a single request, the length
	// of a batch, 0 for a message that could not be read (too large, invalid JSON, an empty
	// or too large batch).
	Items int
}

// CallOutcome is how a call ended, for [Observer.Call].
type CallOutcome struct {
	// Code is the code of the error sent, 0 when the call succeeded. A notification's
	// outcome is recorded all the same, though nothing is sent.
	Code Code
	// Message is the message of the error sent.
	Message string
	// Err is the error the handler (or its middleware) returned, or the panic, as an error;
	// nil when the call succeeded or the server refused it before running it.
	Err error
	// Found reports whether the method is registered. An unknown method is answered with
	// [CodeMethodNotFound]; its name is the client's, so keep it out of metric labels.
	Found bool
	// ResponseBytes is the size of the response object, 0 for a notification.
	ResponseBytes int
}

// startMessage runs the Message functions of the server's observers.
func (s *Server) startMessage(ctx context.Context, m MessageInfo) (context.Context, func([]byte)) {
	return start(ctx, s.observers, func(o *Observer) func(context.Context, MessageInfo) (context.Context, func([]byte)) {
		return o.Message
	}, m)
}

// startCall runs the Call functions of the server's observers.
func (s *Server) startCall(ctx context.Context, req Request) (context.Context, func(CallOutcome)) {
	return start(ctx, s.observers, func(o *Observer) func(context.Context, Request) (context.Context, func(CallOutcome)) {
		return o.Call
	}, req)
}

// start runs the hook of each observer, first to last, each with the context the one before
// returned, and returns the last context and one function calling every end.
func start[I, O any](ctx context.Context, observers []Observer, hook func(*Observer) func(context.Context, I) (context.Context, func(O)), info I) (context.Context, func(O)) {
	var first func(O)
	var more []func(O) // the ends after first, rarely any
	for i := range observers {
		f := hook(&observers[i])
		if f == nil {
			continue
		}
		var end func(O)
		if ctx, end = f(ctx, info); end == nil {
			continue
		}
		if first == nil {
			first = end
		} else {
			more = append(more, end)
		}
	}
	if more == nil {
		return ctx, first
	}
	return ctx, func(o O) {
		for _, end := range slices.Backward(more) {
			end(o)
		}
		first(o)
	}
}

// observeUnread tells the observers about a message that could not be read.
func (s *Server) observeUnread(ctx context.Context, size int, reply []byte) {
	if len(s.observers) == 0 {
		return
	}
	if _, end := s.startMessage(ctx, MessageInfo{Size: size}); end != nil {
		end(reply)
	}
}

// ClientObserver receives the events of the calls a [Client] makes, for tracing and
// metrics; set it in [ClientOptions.Observer]. Any field may be nil. The functions must be
// safe for concurrent use and must not panic.
type ClientObserver struct {
	// Call is called before [Client.Call], [Client.Notify] or [Client.Batch] sends its
	// message; the context it returns is the one the message is sent with. end, when not
	// nil, is called with the outcome: the call's error (an [*Error] when the server sent
	// one), or for a batch the error of the batch as a whole.
	Call func(ctx context.Context, c ClientCall) (_ context.Context, end func(err error))
	// Inject adds headers to a message sent by a transport that has them (an HTTP request,
	// a WebSocket handshake, a NATS message), such as W3C trace context. ctx is the context
	// the message is sent with. Transports call it; see rpchttp and rpcnats.
	Inject func(ctx context.Context, header map[string][]string)
}

// ClientCall describes a call a [Client] makes, for [ClientObserver.Call].
type ClientCall struct {
	// Method is the method called, empty for a batch.
	Method string
	// ID is the request's id, nil for a notification or a batch.
	ID json.RawMessage
	// Batch is the number of calls of a batch, 0 otherwise.
	Batch int
}
