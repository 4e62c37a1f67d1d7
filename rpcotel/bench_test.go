package rpcotel_test

import (
	"context"
	"net/http/httptest"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
	"github.com/openrpc-go/openrpc/rpcotel"
)

// BenchmarkAdd calls add in process and over HTTP: without observers, with rpcotel on no-op
// providers (given, or otel's global ones when no SDK is installed), and with rpcotel on the SDK recording every span (to an exporter that drops
// them in batches) and every measurement.
func BenchmarkAdd(b *testing.B) {
	noop := &rpcotel.Options{TracerProvider: tracenoop.NewTracerProvider(), MeterProvider: metricnoop.NewMeterProvider(), Propagator: propagation.TraceContext{}}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		tp.Shutdown(context.Background())
		mp.Shutdown(context.Background())
	})
	sdk := &rpcotel.Options{TracerProvider: tp, MeterProvider: mp, Propagator: propagation.TraceContext{}}
	for _, setup := range []struct {
		name      string
		observers []openrpc.Observer
	}{
		{"none", nil},
		{"noop", []openrpc.Observer{rpcotel.NewObserver(noop)}},
		{"global", []openrpc.Observer{rpcotel.NewObserver(nil)}}, // otel's globals, never set: no-op
		{"sdk", []openrpc.Observer{rpcotel.NewObserver(sdk)}},
	} {
		srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1"}, &openrpc.ServerOptions{Observers: setup.observers})
		openrpc.Register(srv, openrpc.Method{Name: "add"}, func(_ context.Context, p addParams) (int, error) { return p.A + p.B, nil })
		msg := []byte(`{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2}}`)
		b.Run("process/"+setup.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if srv.Process(ctx, msg) == nil {
					b.Fatal("no reply")
				}
			}
		})
		b.Run("http/"+setup.name, func(b *testing.B) {
			ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
			defer ts.Close()
			c := rpchttp.NewClient(ts.URL, nil)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := openrpc.Call[int](ctx, c, "add", addParams{1, 2}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
