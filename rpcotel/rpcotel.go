// Package rpcotel traces and measures the calls of an openrpc server and client with
// OpenTelemetry.
//
// [NewObserver] returns an [openrpc.Observer] for [openrpc.ServerOptions.Observers]; it
// starts a server span for every call and records the server metrics. [NewClientObserver]
// returns an [openrpc.ClientObserver] for openrpc.ClientOptions and rpchttp.ClientOptions;
// it starts a client span for every call, injects the trace context into the request's
// headers, and records the client metrics. Both use the global providers and propagator of
// package otel unless [Options] names others.
//
// # Spans
//
// Spans follow the OpenTelemetry semantic conventions for JSON-RPC: each call has a span
// named after its method, of kind server (or client), with the attributes
//
//	rpc.system              "jsonrpc"
//	rpc.method              the method's name; "_OTHER" for a method the server does not
//	                        have, its name then in rpc.method_original
//	rpc.jsonrpc.version     "2.0"
//	rpc.jsonrpc.request_id  the id as a string ("" for null); absent for notifications
//	rpc.jsonrpc.error_code  the code of the error sent, when there is one
//	rpc.jsonrpc.error_message  its message
//
// and the status Error when the call is answered with an error. An error a handler returns,
// or its panic, is recorded as an exception event. The attributes are set only on spans
// being recorded, so that a sampled-out or no-op span costs next to nothing. Every call of a
// batch has its own span, under one span named "jsonrpc.batch" (kind server, attribute
// rpc.jsonrpc.batch_size) that covers the whole message; a client's [openrpc.Client.Batch]
// has one client span of that name.
//
// # Trace context
//
// The server takes the W3C trace context (traceparent, tracestate, baggage: whatever the
// propagator reads) from the headers of the HTTP request that carries the message, and over
// WebSocket from the handshake's headers: every call of a WebSocket connection is then a
// child of the span that dialed it; over NATS (package rpcnats) from each message's headers.
// A server called in process takes its parent span from
// the context passed to [openrpc.Server.Process]. The client injects the context of its
// call's span into each HTTP request's headers, and into the WebSocket handshake (the
// context passed to rpchttp.DialWebSocket), and into each NATS request's headers
// (rpcnats.ClientOptions.Observer). A handler's context carries its call's span, so
// calls it makes with a client using [NewClientObserver] continue the trace.
//
// # Metrics
//
//	rpc.server.call.duration  histogram, s: by rpc.method and rpc.jsonrpc.error_code
//	                          (absent on success)
//	rpc.server.calls.active   up-down counter: calls running
//	rpc.server.request.size   histogram, By: messages received
//	rpc.server.response.size  histogram, By: replies sent
//	rpc.server.batch.size     histogram: calls per batch
//	rpc.client.call.duration  histogram, s: by rpc.method and rpc.jsonrpc.error_code, or
//	                          error.type "transport" for a call the server did not answer
//
// All carry rpc.system = "jsonrpc". Method names sent by clients for methods the server does
// not have are counted as "_OTHER", so that clients cannot grow the number of series.
package rpcotel

import (
	"encoding/json"
	"errors"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/openrpc-go/openrpc"
)

// ScopeName is the instrumentation scope of the tracers and meters rpcotel creates.
const ScopeName = "github.com/openrpc-go/openrpc/rpcotel"

// Options configures [NewObserver] and [NewClientObserver]. The zero value (or nil) uses the
// global providers and propagator of package otel.
type Options struct {
	// TracerProvider creates the tracer, default otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider creates the meter, default otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// Propagator reads and writes trace context in headers, default
	// otel.GetTextMapPropagator().
	Propagator propagation.TextMapPropagator
}

// tracer returns the tracer, nil for the no-op provider of package trace/noop: then no
// span is started at all, which spares an allocation per call.
func (o *Options) tracer() trace.Tracer {
	tp := otel.GetTracerProvider()
	if o != nil && o.TracerProvider != nil {
		tp = o.TracerProvider
	}
	if _, ok := tp.(tracenoop.TracerProvider); ok {
		return nil
	}
	return tp.Tracer(ScopeName)
}

func (o *Options) meter() metric.Meter {
	mp := otel.GetMeterProvider()
	if o != nil && o.MeterProvider != nil {
		mp = o.MeterProvider
	}
	return mp.Meter(ScopeName)
}

func (o *Options) propagator() propagation.TextMapPropagator {
	if o != nil && o.Propagator != nil {
		return o.Propagator
	}
	return otel.GetTextMapPropagator()
}

// Attribute keys of the JSON-RPC semantic conventions, and of batches.
const (
	keySystem         = attribute.Key("rpc.system")
	keyMethod         = attribute.Key("rpc.method")
	keyMethodOriginal = attribute.Key("rpc.method_original")
	keyVersion        = attribute.Key("rpc.jsonrpc.version")
	keyRequestID      = attribute.Key("rpc.jsonrpc.request_id")
	keyErrorCode      = attribute.Key("rpc.jsonrpc.error_code")
	keyErrorMessage   = attribute.Key("rpc.jsonrpc.error_message")
	keyBatchSize      = attribute.Key("rpc.jsonrpc.batch_size")
	keyErrorType      = attribute.Key("error.type")
)

// BatchSpanName is the name of the span of a batch.
const BatchSpanName = "jsonrpc.batch"

// otherMethod stands for a method the server does not have.
const otherMethod = "_OTHER"

var (
	serverKind  = trace.WithSpanKind(trace.SpanKindServer)
	clientKind  = trace.WithSpanKind(trace.SpanKindClient)
	systemAttr  = keySystem.String("jsonrpc")
	versionAttr = keyVersion.String("2.0")
	systemSet   = metric.WithAttributeSet(attribute.NewSet(systemAttr))
)

// durationBuckets are the bucket bounds, in seconds, the semantic conventions advise for
// RPC durations.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// requestID returns the id of a request as the conventions want it: a string id unquoted,
// "" for null, other ids as sent.
func requestID(id json.RawMessage) string {
	if len(id) > 0 && id[0] == '"' {
		var s string
		if json.Unmarshal(id, &s) == nil {
			return s
		}
	}
	if string(id) == "null" {
		return ""
	}
	return string(id)
}

// endSpan sets the error attributes and the status of span for an error code and message
// (code 0 is success), records err as an exception, and ends the span.
func endSpan(span trace.Span, code openrpc.Code, msg string, err error) {
	if code != 0 {
		span.SetAttributes(keyErrorCode.Int64(int64(code)), keyErrorMessage.String(msg))
		span.SetStatus(codes.Error, msg)
	}
	if err != nil {
		span.RecordError(err)
	}
	span.End()
}

// durationAttrs holds the attributes of call durations by method and code, built once
// each: building a set sorts and allocates. Its size is bounded as the series are: methods
// a server has (others are "_OTHER") or a client calls, times the codes they end with.
type durationAttrs struct{ m sync.Map } // durationKey -> metric.MeasurementOption

type durationKey struct {
	method string
	code   openrpc.Code
}

func (d *durationAttrs) get(method string, code openrpc.Code) metric.MeasurementOption {
	k := durationKey{method, code}
	if v, ok := d.m.Load(k); ok {
		return v.(metric.MeasurementOption)
	}
	var opt metric.MeasurementOption
	if code == 0 {
		opt = metric.WithAttributeSet(attribute.NewSet(systemAttr, keyMethod.String(method)))
	} else {
		opt = metric.WithAttributeSet(attribute.NewSet(systemAttr, keyMethod.String(method), keyErrorCode.Int64(int64(code))))
	}
	d.m.Store(k, opt)
	return opt
}

// clientOutcome returns the code and message of an error a client call returned, or for an
// error not sent by the server (a transport failure, a canceled context) code 0 and its
// text.
func clientOutcome(err error) (openrpc.Code, string) {
	var e *openrpc.Error
	if errors.As(err, &e) {
		return e.Code, e.Message
	}
	return 0, err.Error()
}
