package rpcotel_test

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcotel"
)

func ExampleNewObserver() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	srv := openrpc.NewServer(openrpc.Info{Title: "Calc", Version: "1.0.0"}, &openrpc.ServerOptions{
		Observers: []openrpc.Observer{rpcotel.NewObserver(&rpcotel.Options{TracerProvider: tp})},
	})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(_ context.Context, p []int) (int, error) {
		return p[0] + p[1], nil
	})
	srv.Process(context.Background(), []byte(`[{"jsonrpc":"2.0","id":1,"method":"add","params":[1,2]},{"jsonrpc":"2.0","id":2,"method":"add","params":[3,4]}]`))
	for _, s := range spans.Ended() {
		fmt.Println(s.SpanKind(), s.Name())
	}
	// Output:
	// server add
	// server add
	// server jsonrpc.batch
}
