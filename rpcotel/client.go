package rpcotel

import (
	"context"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/openrpc-go/openrpc"
)

// clientObserver holds the tracer and instruments of [NewClientObserver].
type clientObserver struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	duration   metric.Float64Histogram
	attrs      durationAttrs
}

// NewClientObserver returns an observer that traces and measures every call of a client and
// injects the trace context into the headers its transport sends; put it in
// openrpc.ClientOptions.Observer or rpchttp.ClientOptions.Observer.
func NewClientObserver(opts *Options) *openrpc.ClientObserver {
	o := &clientObserver{tracer: opts.tracer(), propagator: opts.propagator()}
	o.duration, _ = opts.meter().Float64Histogram("rpc.client.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of the calls the client made."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	return &openrpc.ClientObserver{Call: o.call, Inject: o.inject}
}

func (o *clientObserver) call(ctx context.Context, c openrpc.ClientCall) (context.Context, func(error)) {
	start := time.Now()
	name := c.Method
	if c.Batch > 0 {
		name = BatchSpanName
	}
	var span trace.Span
	if o.tracer != nil {
		ctx, span = o.tracer.Start(ctx, name, clientKind)
	}
	timed := c.Batch == 0 && o.duration.Enabled(ctx)
	if span == nil && !timed {
		return ctx, nil
	}
	if span != nil && span.IsRecording() {
		span.SetAttributes(systemAttr, versionAttr)
		if c.Batch > 0 {
			span.SetAttributes(keyBatchSize.Int(c.Batch))
		} else {
			span.SetAttributes(keyMethod.String(c.Method))
		}
		if c.ID != nil {
			span.SetAttributes(keyRequestID.String(requestID(c.ID)))
		}
	}
	return ctx, func(err error) {
		var code openrpc.Code
		var msg string
		if err != nil {
			code, msg = clientOutcome(err)
		}
		switch {
		case span == nil:
		case err != nil && code == 0:
			span.SetStatus(codes.Error, msg) // the server did not answer
			span.RecordError(err)
			span.End()
		default:
			endSpan(span, code, msg, nil)
		}
		if !timed {
			return
		}
		attrs := o.attrs.get(c.Method, code)
		if err != nil && code == 0 {
			attrs = metric.WithAttributes(systemAttr, keyMethod.String(c.Method), keyErrorType.String("transport"))
		}
		o.duration.Record(ctx, time.Since(start).Seconds(), attrs)
	}
}

func (o *clientObserver) inject(ctx context.Context, header map[string][]string) {
	o.propagator.Inject(ctx, propagation.HeaderCarrier(http.Header(header)))
}
