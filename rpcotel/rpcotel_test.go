package rpcotel_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
	"github.com/openrpc-go/openrpc/rpcotel"
)

// telemetry is an SDK recording in memory.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	opts   *rpcotel.Options
}

func newTelemetry(t *testing.T) *telemetry {
	t.Helper()
	tel := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tel.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	t.Cleanup(func() {
		tp.Shutdown(context.Background())
		mp.Shutdown(context.Background())
	})
	tel.opts = &rpcotel.Options{TracerProvider: tp, MeterProvider: mp, Propagator: propagation.TraceContext{}}
	return tel
}

// span returns the ended span named name, failing the test unless there is exactly one.
func (tel *telemetry) span(t *testing.T, name string, kind trace.SpanKind) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range tel.spans.Ended() {
		if s.Name() == name && s.SpanKind() == kind {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("got %d ended %s spans named %q, want 1 (all: %v)", len(found), kind, name, names(tel.spans.Ended()))
	}
	return found[0]
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.SpanKind().String()+" "+s.Name())
	}
	return out
}

// metric returns the data of the metric called name.
func (tel *telemetry) metric(t *testing.T, name string) metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := tel.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m.Data
			}
		}
	}
	t.Fatalf("no metric %q", name)
	return nil
}

// histogramCounts returns the count of each data point of a histogram, by its attributes.
func (tel *telemetry) histogramCounts(t *testing.T, name string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	switch h := tel.metric(t, name).(type) {
	case metricdata.Histogram[float64]:
		for _, dp := range h.DataPoints {
			out[attrString(dp.Attributes)] = dp.Count
		}
	case metricdata.Histogram[int64]:
		for _, dp := range h.DataPoints {
			out[attrString(dp.Attributes)+" sum="+itoa(dp.Sum)] = dp.Count
		}
	default:
		t.Fatalf("%s: got %T, want a histogram", name, h)
	}
	return out
}

func itoa(n int64) string { return attribute.Int64Value(n).String() }

func attrString(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		parts = append(parts, string(kv.Key)+"="+kv.Value.String())
	}
	return strings.Join(parts, ",")
}

// attrs returns a span's attributes as key=value strings, sorted.
func attrs(s sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, kv := range s.Attributes() {
		out = append(out, string(kv.Key)+"="+kv.Value.String())
	}
	slices.Sort(out)
	return out
}

func checkAttrs(t *testing.T, s sdktrace.ReadOnlySpan, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := attrs(s); !slices.Equal(got, want) {
		t.Errorf("span %q attributes:\n got %q\nwant %q", s.Name(), got, want)
	}
}

type addParams struct {
	A int `json:"a"`
	B int `json:"b"`
}

func newServer(tel *telemetry) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Logger:    slog.New(slog.DiscardHandler),
		Observers: []openrpc.Observer{rpcotel.NewObserver(tel.opts)},
	})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(_ context.Context, p addParams) (int, error) { return p.A + p.B, nil })
	openrpc.Register(srv, openrpc.Method{Name: "refuse"}, func(context.Context, struct{}) (int, error) {
		return 0, openrpc.Errorf(4001, "not today")
	})
	openrpc.Register(srv, openrpc.Method{Name: "fail"}, func(context.Context, struct{}) (int, error) {
		return 0, errors.New("disk on fire")
	})
	openrpc.Register(srv, openrpc.Method{Name: "panic"}, func(context.Context, struct{}) (int, error) {
		panic("kaboom")
	})
	return srv
}

func TestObserver_call(t *testing.T) {
	tel := newTelemetry(t)
	srv := newServer(tel)
	msgs := []string{
		`{"jsonrpc":"2.0","id":"a-1","method":"add","params":{"a":1,"b":2}}`,
		`{"jsonrpc":"2.0","method":"add","params":[1,2]}`,
		`{"jsonrpc":"2.0","id":null,"method":"add","params":[1,2]}`,
	}
	reply := srv.Process(context.Background(), []byte(msgs[0]))
	if want := `{"jsonrpc":"2.0","result":3,"id":"a-1"}`; string(reply) != want {
		t.Fatalf("got %s, want %s", reply, want)
	}
	s := tel.span(t, "add", trace.SpanKindServer)
	checkAttrs(t, s, "rpc.system=jsonrpc", "rpc.method=add", "rpc.jsonrpc.version=2.0", "rpc.jsonrpc.request_id=a-1")
	if s.Status().Code != codes.Unset {
		t.Errorf("status: got %v, want Unset", s.Status())
	}
	if s.Parent().IsValid() {
		t.Errorf("got parent %v, want a root span", s.Parent())
	}
	srv.Process(context.Background(), []byte(msgs[1]))
	last := srv.Process(context.Background(), []byte(msgs[2]))
	got := tel.histogramCounts(t, "rpc.server.call.duration")
	if want := map[string]uint64{"rpc.method=add,rpc.system=jsonrpc": 3}; !mapsEqual(got, want) {
		t.Errorf("rpc.server.call.duration: got %v, want %v", got, want)
	}
	spans := tel.spans.Ended()
	checkAttrs(t, spans[1], "rpc.system=jsonrpc", "rpc.method=add", "rpc.jsonrpc.version=2.0") // notification
	checkAttrs(t, spans[2], "rpc.system=jsonrpc", "rpc.method=add", "rpc.jsonrpc.version=2.0", "rpc.jsonrpc.request_id=")
	got = tel.histogramCounts(t, "rpc.server.request.size")
	if want := map[string]uint64{"rpc.system=jsonrpc sum=" + itoa(int64(len(msgs[0])+len(msgs[1])+len(msgs[2]))): 3}; !mapsEqual(got, want) {
		t.Errorf("rpc.server.request.size: got %v, want %v", got, want)
	}
	got = tel.histogramCounts(t, "rpc.server.response.size")
	if want := map[string]uint64{"rpc.system=jsonrpc sum=" + itoa(int64(len(reply)+len(last))): 2}; !mapsEqual(got, want) { // none for the notification
		t.Errorf("rpc.server.response.size: got %v, want %v", got, want)
	}
	active := tel.metric(t, "rpc.server.calls.active").(metricdata.Sum[int64])
	if len(active.DataPoints) != 1 || active.DataPoints[0].Value != 0 {
		t.Errorf("rpc.server.calls.active: got %+v, want one point at 0", active.DataPoints)
	}
}

func mapsEqual(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestObserver_batch(t *testing.T) {
	tel := newTelemetry(t)
	srv := newServer(tel)
	srv.Process(context.Background(), []byte(`[{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]},{"jsonrpc":"2.0","id":2,"method":"refuse"},{"jsonrpc":"2.0","method":"add","params":[3,4]},{"jsonrpc":"2.0","id":3}]`))
	batch := tel.span(t, rpcotel.BatchSpanName, trace.SpanKindServer)
	checkAttrs(t, batch, "rpc.system=jsonrpc", "rpc.jsonrpc.version=2.0", "rpc.jsonrpc.batch_size=4")
	items := 0
	for _, s := range tel.spans.Ended() {
		if s == batch {
			continue
		}
		items++
		if s.Parent().SpanID() != batch.SpanContext().SpanID() || s.SpanContext().TraceID() != batch.SpanContext().TraceID() {
			t.Errorf("span %q: got parent %v, want the batch span %v", s.Name(), s.Parent().SpanID(), batch.SpanContext().SpanID())
		}
	}
	if items != 3 { // the invalid item has no call
		t.Errorf("got %d item spans, want 3: %v", items, names(tel.spans.Ended()))
	}
	got := tel.histogramCounts(t, "rpc.server.batch.size")
	if want := map[string]uint64{"rpc.system=jsonrpc sum=4": 1}; !mapsEqual(got, want) {
		t.Errorf("rpc.server.batch.size: got %v, want %v", got, want)
	}
}

func TestObserver_errors(t *testing.T) {
	tel := newTelemetry(t)
	srv := newServer(tel)
	ctx := context.Background()
	srv.Process(ctx, []byte(`{"jsonrpc":"2.0","id":1,"method":"refuse"}`))
	srv.Process(ctx, []byte(`{"jsonrpc":"2.0","id":2,"method":"fail"}`))
	srv.Process(ctx, []byte(`{"jsonrpc":"2.0","id":3,"method":"panic"}`))
	srv.Process(ctx, []byte(`{"jsonrpc":"2.0","id":4,"method":"no.such.method"}`))
	srv.Process(ctx, []byte(`{"jsonrpc":"2.0","id":5,"method":"add","params":{"a":"x"}}`))

	for _, tt := range []struct {
		name      string
		attrs     []string
		exception string
	}{
		{"refuse", []string{"rpc.jsonrpc.error_code=4001", "rpc.jsonrpc.error_message=not today", "rpc.method=refuse", "rpc.jsonrpc.request_id=1"}, ""},
		{"fail", []string{"rpc.jsonrpc.error_code=-32000", "rpc.jsonrpc.error_message=Server error", "rpc.method=fail", "rpc.jsonrpc.request_id=2"}, "disk on fire"},
		{"panic", []string{"rpc.jsonrpc.error_code=-32603", "rpc.jsonrpc.error_message=Internal error", "rpc.method=panic", "rpc.jsonrpc.request_id=3"}, "panic: kaboom"},
		{"_OTHER", []string{"rpc.jsonrpc.error_code=-32601", "rpc.jsonrpc.error_message=Method not found", "rpc.method=_OTHER", "rpc.method_original=no.such.method", "rpc.jsonrpc.request_id=4"}, ""},
		{"add", []string{"rpc.jsonrpc.error_code=-32602", "rpc.jsonrpc.error_message=Invalid params", "rpc.method=add", "rpc.jsonrpc.request_id=5"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tel.span(t, tt.name, trace.SpanKindServer)
			checkAttrs(t, s, append(tt.attrs, "rpc.system=jsonrpc", "rpc.jsonrpc.version=2.0")...)
			if s.Status().Code != codes.Error || s.Status().Description != strings.TrimPrefix(tt.attrs[1], "rpc.jsonrpc.error_message=") {
				t.Errorf("status: got %v, want Error with the message", s.Status())
			}
			var exception string
			for _, e := range s.Events() {
				if e.Name == "exception" {
					for _, kv := range e.Attributes {
						if kv.Key == "exception.message" {
							exception = kv.Value.String()
						}
					}
				}
			}
			if exception != tt.exception {
				t.Errorf("exception: got %q, want %q", exception, tt.exception)
			}
		})
	}
	got := tel.histogramCounts(t, "rpc.server.call.duration")
	want := map[string]uint64{
		"rpc.jsonrpc.error_code=4001,rpc.method=refuse,rpc.system=jsonrpc":   1,
		"rpc.jsonrpc.error_code=-32000,rpc.method=fail,rpc.system=jsonrpc":   1,
		"rpc.jsonrpc.error_code=-32603,rpc.method=panic,rpc.system=jsonrpc":  1,
		"rpc.jsonrpc.error_code=-32601,rpc.method=_OTHER,rpc.system=jsonrpc": 1,
		"rpc.jsonrpc.error_code=-32602,rpc.method=add,rpc.system=jsonrpc":    1,
	}
	if !mapsEqual(got, want) {
		t.Errorf("rpc.server.call.duration: got %v, want %v", got, want)
	}
}

// sum calls add on another server, through the client in its context.
type sumParams struct {
	Values []int `json:"values"`
}

// TestPropagation_HTTP follows one trace from a Go client over HTTP to a server whose
// handler calls another server over HTTP.
func TestPropagation_HTTP(t *testing.T) {
	tel := newTelemetry(t)
	backend := httptest.NewServer(rpchttp.NewHandler(newServer(tel), nil))
	defer backend.Close()
	nested := rpchttp.NewClient(backend.URL, &rpchttp.ClientOptions{Observer: rpcotel.NewClientObserver(tel.opts)})

	front := openrpc.NewServer(openrpc.Info{Title: "front", Version: "1"}, &openrpc.ServerOptions{
		Observers: []openrpc.Observer{rpcotel.NewObserver(tel.opts)},
	})
	openrpc.Register(front, openrpc.Method{Name: "sum"}, func(ctx context.Context, p sumParams) (int, error) {
		total := 0
		for _, v := range p.Values {
			var err error
			if total, err = openrpc.Call[int](ctx, nested, "add", addParams{total, v}); err != nil {
				return 0, err
			}
		}
		return total, nil
	})
	ts := httptest.NewServer(rpchttp.NewHandler(front, nil))
	defer ts.Close()
	c := rpchttp.NewClient(ts.URL, &rpchttp.ClientOptions{Observer: rpcotel.NewClientObserver(tel.opts)})

	tracer := tel.opts.TracerProvider.Tracer("test")
	ctx, root := tracer.Start(context.Background(), "root")
	if got, err := openrpc.Call[int](ctx, c, "sum", sumParams{[]int{1, 2}}); err != nil || got != 3 {
		t.Fatalf("got %v, %v; want 3", got, err)
	}
	root.End()

	rootSpan := tel.span(t, "root", trace.SpanKindInternal)
	clientSum := tel.span(t, "sum", trace.SpanKindClient)
	serverSum := tel.span(t, "sum", trace.SpanKindServer)
	checkAttrs(t, clientSum, "rpc.system=jsonrpc", "rpc.method=sum", "rpc.jsonrpc.version=2.0", "rpc.jsonrpc.request_id=1")
	checkChild(t, rootSpan, clientSum)
	checkChild(t, clientSum, serverSum)
	if !serverSum.Parent().IsRemote() {
		t.Errorf("server span: got a local parent, want the remote client span")
	}
	var nestedClients, nestedServers []sdktrace.ReadOnlySpan
	for _, s := range tel.spans.Ended() {
		if s.Name() == "add" {
			if s.SpanKind() == trace.SpanKindClient {
				nestedClients = append(nestedClients, s)
			} else {
				nestedServers = append(nestedServers, s)
			}
		}
	}
	if len(nestedClients) != 2 || len(nestedServers) != 2 {
		t.Fatalf("got %d nested client and %d server spans, want 2 and 2: %v", len(nestedClients), len(nestedServers), names(tel.spans.Ended()))
	}
	for i := range nestedClients {
		checkChild(t, serverSum, nestedClients[i])
		// Each nested server span is the child of one of the nested client spans.
		var parent sdktrace.ReadOnlySpan
		for _, cs := range nestedClients {
			if nestedServers[i].Parent().SpanID() == cs.SpanContext().SpanID() {
				parent = cs
			}
		}
		if parent == nil {
			t.Errorf("nested server span %d: parent %v is none of the nested client spans", i, nestedServers[i].Parent().SpanID())
		} else {
			checkChild(t, parent, nestedServers[i])
		}
	}
	got := tel.histogramCounts(t, "rpc.client.call.duration")
	if want := map[string]uint64{"rpc.method=sum,rpc.system=jsonrpc": 1, "rpc.method=add,rpc.system=jsonrpc": 2}; !mapsEqual(got, want) {
		t.Errorf("rpc.client.call.duration: got %v, want %v", got, want)
	}
}

func checkChild(t *testing.T, parent, child sdktrace.ReadOnlySpan) {
	t.Helper()
	if child.SpanContext().TraceID() != parent.SpanContext().TraceID() {
		t.Errorf("%s %q: got trace %v, want %v", child.SpanKind(), child.Name(), child.SpanContext().TraceID(), parent.SpanContext().TraceID())
	}
	if child.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Errorf("%s %q: got parent %v, want %s %q %v", child.SpanKind(), child.Name(), child.Parent().SpanID(), parent.SpanKind(), parent.Name(), parent.SpanContext().SpanID())
	}
}

// TestPropagation_WebSocket: the calls of a WebSocket connection are children of the span
// that dialed it, whose context the handshake carries.
func TestPropagation_WebSocket(t *testing.T) {
	tel := newTelemetry(t)
	ts := httptest.NewServer(rpchttp.NewHandler(newServer(tel), nil))
	defer ts.Close()
	tracer := tel.opts.TracerProvider.Tracer("test")
	ctx, dial := tracer.Start(context.Background(), "session")
	c, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(ts.URL, "http"), &rpchttp.ClientOptions{Observer: rpcotel.NewClientObserver(tel.opts)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := openrpc.Call[int](ctx, c, "add", addParams{i, 1}); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	dial.End()
	session := tel.span(t, "session", trace.SpanKindInternal)
	var servers, clients int
	for _, s := range tel.spans.Ended() {
		switch s.SpanKind() {
		case trace.SpanKindServer:
			servers++
			checkChild(t, session, s)
			if !s.Parent().IsRemote() {
				t.Errorf("server span: got a local parent, want the handshake's")
			}
		case trace.SpanKindClient:
			clients++
			checkChild(t, session, s)
		}
	}
	if servers != 2 || clients != 2 {
		t.Errorf("got %d server and %d client spans, want 2 and 2: %v", servers, clients, names(tel.spans.Ended()))
	}
}
