package openrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/openrpc-go/openrpc/internal/wire"
)

// UnsubscribeSuffix ends the name of the method that ends subscriptions of a subscription
// method: "ticker" is ended with "ticker_unsubscribe".
const UnsubscribeSuffix = "_unsubscribe"

// ErrSubscriptionEnded is returned by a subscription's emit function once the subscription
// has ended: the subscriber unsubscribed or went away, it read too slowly, or the server is
// shutting down. The handler should return.
var ErrSubscriptionEnded = errors.New("openrpc: subscription ended")

// RegisterSubscription adds a subscription method to r: a call to it starts h on the caller's
// connection and answers with a subscription id; every event h emits reaches the caller as a
// notification of the same method, with params {"subscription": id, "result": event}. P is
// as for [Register]; params are validated, and security and dependencies apply, as for any
// call. h runs until it returns or its context ends: when the caller unsubscribes, when the
// connection ends, when the server shuts down, or when the caller stops reading its events
// ([Limits.SubscriptionBuffer] of them wait to be sent for [Limits.SubscriptionStall]).
// emit queues one event, waiting while the buffer is full; it returns
// [ErrSubscriptionEnded] once the subscription has ended.
//
// When h returns, the caller gets a last notification {"subscription": id, "done": true},
// or {"subscription": id, "error": {...}} when h failed (the error is coded as a call's),
// the server shut down or the caller was too slow. None follows an unsubscribe.
//
// RegisterSubscription also adds the method that ends a subscription, named after the
// subscription method with [UnsubscribeSuffix]; it takes the id (by position or as
// "subscription") and returns whether it ended a subscription of the caller's connection.
// Only connection transports (WebSocket, stdio, in memory) carry subscriptions: over HTTP
// POST a call to the method is answered with [CodeInvalidRequest]. docs/design.md,
// "Subscriptions", gives the wire shape.
func RegisterSubscription[P, E any](r Registrar, m Method, h func(ctx context.Context, params P, emit func(E) error) error) {
	mm := newMethod[P](m, h == nil)
	et := reflect.TypeFor[E]()
	if err := checkEncodable(et); err != nil {
		panic(fmt.Sprintf("openrpc: Register %q: event: %v", m.Name, err))
	}
	mm.resultType = reflect.TypeFor[string]()
	mm.eventType = et
	if mm.ResultName == "" {
		mm.ResultName = "subscription"
	}
	if mm.ResultDescription == "" {
		mm.ResultDescription = "The subscription id. Events arrive as notifications of this method with params {subscription, result}; the x-subscription extension describes them."
	}
	mustDescribe(mm)
	dec := mm.params
	noFields := dec.kind == paramsStruct && len(dec.fields) == 0
	mm.handler = func(ctx context.Context, req Request) (json.RawMessage, error) {
		if req.ID == nil { // nobody would learn the id: nothing could end it
			return nil, &Error{Code: CodeInvalidRequest, Message: CodeInvalidRequest.String(), Data: debugData(req.Method + " is a subscription: call it with an id")}
		}
		sess := sessionFrom(ctx)
		if sess == nil {
			return nil, &Error{Code: CodeInvalidRequest, Message: CodeInvalidRequest.String(), Data: mustJSON(debugInfo{
				Error: fmt.Sprintf("%s is a subscription: call it over a connection (WebSocket, stdio, in memory) that can carry its events, not over HTTP POST", req.Method),
			})}
		}
		var p P
		target := reflect.Value{}
		if !noFields {
			target = reflect.ValueOf(&p).Elem()
		}
		if err := dec.decode(req.Params, target); err != nil {
			return nil, err
		}
		sub, err := sess.subscribe(ctx, req.Method)
		if err != nil {
			return nil, err
		}
		emit := func(e E) error {
			ev, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("openrpc: encoding an event of %s: %w", sub.method, err)
			}
			return sub.emit(ev)
		}
		go sub.run(func(ctx context.Context) error { return h(ctx, p, emit) })
		if !afterReply(ctx, sub.started) {
			close(sub.ready) // not a message ServeConn read: no reply to wait for
		}
		return json.Marshal(sub.id)
	}
	r.addMethod(mm)
	registerUnsubscribe(r, m)
}

// unsubscribeParams are the params of an unsubscribe method.
type unsubscribeParams struct {
	Subscription string `json:"subscription" doc:"The id the subscription method returned."`
}

// registerUnsubscribe adds the unsubscribe method of subscription method m.
func registerUnsubscribe(r Registrar, m Method) {
	um := newMethod[unsubscribeParams](Method{
		Name:              m.Name + UnsubscribeSuffix,
		Summary:           "Ends a subscription made with " + m.Name + ".",
		Tags:              m.Tags,
		ResultName:        "ended",
		ResultDescription: "Whether a subscription of this connection was ended; false when there was none (ended already, unknown, or another connection's).",
	}, false)
	um.resultType = reflect.TypeFor[bool]()
	mustDescribe(um)
	dec := um.params
	um.handler = func(ctx context.Context, req Request) (json.RawMessage, error) {
		var p unsubscribeParams
		if err := dec.decode(req.Params, reflect.ValueOf(&p).Elem()); err != nil {
			return nil, err
		}
		sess := sessionFrom(ctx)
		if sess == nil {
			return json.RawMessage("false"), nil
		}
		sub := sess.remove(p.Subscription)
		if sub == nil {
			return json.RawMessage("false"), nil
		}
		sub.cancel(errUnsubscribed)
		return json.RawMessage("true"), nil
	}
	r.addMethod(um)
}

// subscription is one running subscription of a session.
type subscription struct {
	sess   *session
	id     string
	method string
	ctx    context.Context
	cancel context.CancelCauseFunc
	queue  chan []byte   // notifications waiting to be sent
	ready  chan struct{} // closed once the subscribe reply is sent
	done   chan struct{} // closed when the handler has returned
	err    error         // the handler's error, set before done is closed
}

// subscribe starts a subscription of method for the call whose context is ctx. The
// subscription's context keeps the call's values (caller, dependencies) but not its
// deadline: it ends when the subscription does.
func (s *session) subscribe(ctx context.Context, method string) (*subscription, error) {
	sub := &subscription{
		sess:   s,
		id:     newSubscriptionID(),
		method: method,
		queue:  make(chan []byte, s.srv.limits.SubscriptionBuffer),
		ready:  make(chan struct{}),
		done:   make(chan struct{}),
	}
	sub.ctx, sub.cancel = context.WithCancelCause(context.WithoutCancel(ctx))
	if err := s.add(sub); err != nil {
		sub.cancel(err)
		why := "server shutting down"
		if errors.Is(err, errTooManySubscriptions) {
			why = fmt.Sprintf("%v: at most %d", err, s.srv.limits.MaxSubscriptions)
		}
		return nil, &Error{Code: CodeOverloaded, Message: CodeOverloaded.String(), Data: debugData(why)}
	}
	go sub.write()
	return sub, nil
}

// started lets the events go out once the subscribe reply has been sent, if it carried the
// subscription's id; a reply that did not (replaced by a middleware's error, or by the
// response size cap) leaves a subscription nobody can end, so it ends at once, silently.
func (sub *subscription) started(reply []byte) {
	if !bytes.Contains(reply, []byte(sub.id)) {
		sub.sess.remove(sub.id)
		sub.cancel(errUnsubscribed)
	}
	close(sub.ready)
}

// run runs the handler and records how it ended.
func (sub *subscription) run(h func(ctx context.Context) error) {
	defer sub.sess.wg.Done()
	defer close(sub.done)
	defer func() {
		if v := recover(); v != nil {
			sub.err = &panicError{value: v, stack: userStack(3)}
		}
	}()
	sub.err = h(sub.ctx)
}

// emit queues an encoded event, ending the subscription when its queue is full.
func (sub *subscription) emit(ev []byte) error {
	if sub.ctx.Err() != nil {
		return ErrSubscriptionEnded
	}
	if limit := sub.sess.srv.limits.MaxResponseBytes; limit > 0 && int64(len(ev)) > limit {
		return fmt.Errorf("openrpc: an event of %s of %d bytes is over the response limit of %d bytes", sub.method, len(ev), limit)
	}
	msg := appendNotificationStart(make([]byte, 0, len(ev)+len(sub.method)+96), sub.method, sub.id)
	msg = append(msg, `,"result":`...)
	msg = append(msg, ev...)
	msg = append(msg, "}}"...)
	select {
	case sub.queue <- msg:
		return nil
	default:
	}
	// Full: wait for the subscriber to catch up, for a while.
	stall := time.NewTimer(sub.sess.srv.limits.SubscriptionStall)
	defer stall.Stop()
	select {
	case sub.queue <- msg:
		return nil
	case <-sub.ctx.Done():
		return ErrSubscriptionEnded
	case <-stall.C:
		sub.sess.remove(sub.id)
		sub.cancel(errSlowSubscriber)
		return ErrSubscriptionEnded
	}
}

// write sends the subscription's notifications in order, then its last one.
func (sub *subscription) write() {
	defer sub.sess.wg.Done()
	select {
	case <-sub.ready:
	case <-sub.ctx.Done():
		// Ended before its reply went out (the connection ended, the server shut down):
		// wait for the reply all the same, so that a last notification never precedes it.
		select {
		case <-sub.ready:
		case <-sub.done:
		}
	}
	for {
		select {
		case msg := <-sub.queue:
			if sub.ctx.Err() != nil {
				continue // ended: drop what was queued
			}
			sub.sess.send(msg)
		case <-sub.ctx.Done():
			sub.finish()
			return
		case <-sub.done:
			// The handler returned: what it emitted goes out before the last notification.
			sub.drain()
			sub.finish()
			return
		}
	}
}

// drain sends the notifications still queued, unless the subscription has ended.
func (sub *subscription) drain() {
	for {
		select {
		case msg := <-sub.queue:
			if sub.ctx.Err() == nil {
				sub.sess.send(msg)
			}
		default:
			return
		}
	}
}

// finish sends the last notification of the subscription, if it has one, and forgets it.
func (sub *subscription) finish() {
	sub.sess.remove(sub.id)
	cause := context.Cause(sub.ctx)
	switch {
	case errors.Is(cause, errUnsubscribed), errors.Is(cause, errDisconnected):
		return
	case errors.Is(cause, errSlowSubscriber):
		sub.sess.send(sub.endMessage(CodeOverloaded, CodeOverloaded.String(), mustJSON(struct {
			Error  string `json:"error"`
			Buffer int    `json:"buffer"`
		}{cause.Error(), cap(sub.queue)})))
	case errors.Is(cause, errShuttingDown):
		sub.sess.send(sub.endMessage(CodeOverloaded, CodeOverloaded.String(), debugData(cause.Error())))
	default: // the handler returned
		defer sub.cancel(nil)
		if sub.err == nil {
			msg := appendNotificationStart(nil, sub.method, sub.id)
			sub.sess.send(append(msg, `,"done":true}}`...))
			return
		}
		code, text, data := sub.sess.srv.classify(sub.ctx, sub.method, sub.err)
		sub.sess.send(sub.endMessage(code, text, data))
	}
}

// endMessage is the last notification of a subscription that ended with an error.
func (sub *subscription) endMessage(code Code, message string, data []byte) []byte {
	msg := appendNotificationStart(nil, sub.method, sub.id)
	msg = append(msg, `,"error":{"code":`...)
	msg = strconv.AppendInt(msg, int64(code), 10)
	msg = append(msg, `,"message":`...)
	msg = wire.AppendString(msg, message)
	if data != nil {
		msg = append(msg, `,"data":`...)
		msg = append(msg, data...)
	}
	return append(msg, "}}}"...)
}

// appendNotificationStart appends a notification of method up to its subscription id:
// {"jsonrpc":"2.0","method":M,"params":{"subscription":ID
func appendNotificationStart(dst []byte, method, id string) []byte {
	dst = append(dst, `{"jsonrpc":"2.0","method":`...)
	dst = wire.AppendString(dst, method)
	dst = append(dst, `,"params":{"subscription":`...)
	return wire.AppendString(dst, id)
}
