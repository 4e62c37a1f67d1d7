package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/examples/internal/serveurl"
	"github.com/openrpc-go/openrpc/rpcotel"
)

// telemetry is what the service reports about its calls: request logs, Prometheus metrics
// and OTLP traces, each when turned on.
type telemetry struct {
	observers []openrpc.Observer
	closers   []func(context.Context) error
}

// telemetryConfig says what to turn on.
type telemetryConfig struct {
	requestLog  bool
	metricsAddr string // "" for no metrics endpoint
}

// tracingWanted reports whether the standard OpenTelemetry environment asks for traces: an
// OTLP endpoint is set, and neither OTEL_SDK_DISABLED nor OTEL_TRACES_EXPORTER=none says no.
func tracingWanted(getenv func(string) string) bool {
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return false
	}
	switch getenv("OTEL_TRACES_EXPORTER") {
	case "", "otlp":
	default:
		return false // "none", or an exporter this service does not ship
	}
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// startTelemetry sets up the telemetry cfg asks for; the metrics endpoint serves until ctx
// is done. Close it to flush and stop what it started.
func startTelemetry(ctx context.Context, cfg telemetryConfig, getenv func(string) string, logger *slog.Logger) (*telemetry, error) {
	t := new(telemetry)
	if cfg.requestLog {
		t.observers = append(t.observers, openrpc.RequestLog(logger, nil))
	}
	var opts rpcotel.Options
	if cfg.metricsAddr != "" {
		registry := prometheus.NewRegistry()
		exporter, err := otelprom.New(otelprom.WithRegisterer(registry))
		if err != nil {
			return nil, err
		}
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
		t.closers = append(t.closers, mp.Shutdown)
		opts.MeterProvider = mp
		ln, err := net.Listen("tcp", cfg.metricsAddr)
		if err != nil {
			t.Close(ctx)
			return nil, err
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go hs.Serve(ln)
		t.closers = append(t.closers, func(ctx context.Context) error { return hs.Close() })
		logger.Info("serving metrics", "url", serveurl.Of(ln.Addr(), "/metrics"))
	}
	if tracingWanted(getenv) {
		// The exporter reads the OTEL_EXPORTER_OTLP_* variables itself (endpoint, headers,
		// protocol http/protobuf); the resource reads OTEL_SERVICE_NAME and
		// OTEL_RESOURCE_ATTRIBUTES; the sampler OTEL_TRACES_SAMPLER.
		exporter, err := otlptracehttp.New(ctx)
		if err != nil {
			t.Close(ctx)
			return nil, err
		}
		res, err := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", "auth")), resource.WithFromEnv())
		if err != nil {
			t.Close(ctx)
			return nil, err
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
		t.closers = append(t.closers, tp.Shutdown)
		opts.TracerProvider = tp
		opts.Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
		logger.Info("exporting traces over OTLP")
	}
	if opts.MeterProvider != nil || opts.TracerProvider != nil {
		// Whichever of the two is not set stays the global no-op one.
		t.observers = append(t.observers, rpcotel.NewObserver(&opts))
	}
	return t, nil
}

// Close flushes the traces and stops the metrics endpoint.
func (t *telemetry) Close(ctx context.Context) error {
	var errs []error
	for _, c := range t.closers {
		errs = append(errs, c(ctx))
	}
	return errors.Join(errs...)
}
