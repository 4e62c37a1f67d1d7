package rpcotel

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/openrpc-go/openrpc"
)

// serverObserver holds the tracer and instruments of [NewObserver].
type serverObserver struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	duration   metric.Float64Histogram
	active     metric.Int64UpDownCounter
	reqSize    metric.Int64Histogram
	respSize   metric.Int64Histogram
	batchSize  metric.Int64Histogram
	attrs      durationAttrs
}

// NewObserver returns an observer that traces and measures every call of a server; put it
// in [openrpc.ServerOptions.Observers]. See the package documentation for its spans and
// metrics.
func NewObserver(opts *Options) openrpc.Observer {
	m := opts.meter()
	o := &serverObserver{tracer: opts.tracer(), propagator: opts.propagator()}
	o.duration, _ = m.Float64Histogram("rpc.server.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of the calls the server answered."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	o.active, _ = m.Int64UpDownCounter("rpc.server.calls.active", metric.WithUnit("{call}"),
		metric.WithDescription("Calls the server is running."))
	o.reqSize, _ = m.Int64Histogram("rpc.server.request.size", metric.WithUnit("By"),
		metric.WithDescription("Size of the messages the server received."))
	o.respSize, _ = m.Int64Histogram("rpc.server.response.size", metric.WithUnit("By"),
		metric.WithDescription("Size of the replies the server sent."))
	o.batchSize, _ = m.Int64Histogram("rpc.server.batch.size", metric.WithUnit("{call}"),
		metric.WithDescription("Calls per batch the server received."),
		metric.WithExplicitBucketBoundaries(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000))
	return openrpc.Observer{Message: o.message, Call: o.call}
}

// message takes the trace context from the caller's headers, starts the span of a batch
// and records the message's sizes.
func (o *serverObserver) message(ctx context.Context, m openrpc.MessageInfo) (context.Context, func([]byte)) {
	if c := openrpc.CallerFrom(ctx); c != nil && len(c.Header) > 0 {
		ctx = o.propagator.Extract(ctx, propagation.HeaderCarrier(c.Header))
	}
	if o.reqSize.Enabled(ctx) {
		o.reqSize.Record(ctx, int64(m.Size), systemSet)
	}
	if m.Batch && o.batchSize.Enabled(ctx) {
		o.batchSize.Record(ctx, int64(m.Items), systemSet)
	}
	var span trace.Span
	if m.Batch && o.tracer != nil {
		ctx, span = o.tracer.Start(ctx, BatchSpanName, serverKind)
		if span.IsRecording() {
			span.SetAttributes(systemAttr, versionAttr, keyBatchSize.Int(m.Items))
		}
	}
	respSize := o.respSize.Enabled(ctx)
	if span == nil && !respSize {
		return ctx, nil
	}
	return ctx, func(reply []byte) {
		if respSize && reply != nil {
			o.respSize.Record(ctx, int64(len(reply)), systemSet)
		}
		if span != nil {
			span.End()
		}
	}
}

// call starts the span of a call and counts it.
func (o *serverObserver) call(ctx context.Context, req openrpc.Request) (context.Context, func(openrpc.CallOutcome)) {
	var span trace.Span
	recording := false
	if o.tracer != nil {
		ctx, span = o.tracer.Start(ctx, req.Method, serverKind)
		if recording = span.IsRecording(); recording {
			span.SetAttributes(systemAttr, versionAttr, keyMethod.String(req.Method))
			if req.ID != nil {
				span.SetAttributes(keyRequestID.String(requestID(req.ID)))
			}
		}
	}
	active, timed := o.active.Enabled(ctx), o.duration.Enabled(ctx)
	if span == nil && !active && !timed {
		return ctx, nil
	}
	if active {
		o.active.Add(ctx, 1, systemSet)
	}
	start := time.Now()
	return ctx, func(out openrpc.CallOutcome) {
		method := req.Method
		if !out.Found {
			method = otherMethod
			if recording {
				span.SetName(otherMethod)
				span.SetAttributes(keyMethod.String(otherMethod), keyMethodOriginal.String(req.Method))
			}
		}
		if span != nil {
			err := out.Err
			if e := (*openrpc.Error)(nil); errors.As(err, &e) {
				err = nil // an answer the handler chose, not a failure
			}
			endSpan(span, out.Code, out.Message, err)
		}
		if active {
			o.active.Add(ctx, -1, systemSet)
		}
		if timed {
			o.duration.Record(ctx, time.Since(start).Seconds(), o.attrs.get(method, out.Code))
		}
	}
}
