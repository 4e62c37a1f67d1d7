// Command spec serves the example methods of the JSON-RPC 2.0 specification over HTTP, plus
// add, the first example of the README:
//
//	go run ./examples/spec -addr 127.0.0.1:8081
//	curl -d '{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}' http://127.0.0.1:8081/api/v1
//	curl http://127.0.0.1:8081/openrpc.json
//
// and the interactive documentation page at http://127.0.0.1:8081/.
//
// Methods: subtract (by position or by name), sum (variadic), get_data, add, the
// notification handlers update, notify_hello and notify_sum, and the subscription ticker
// (over WebSocket, at ws://127.0.0.1:8081/api/v1), which emits count ticks interval_ms
// apart and ends with done; ticker_unsubscribe ends it sooner. A result JSON cannot carry (an
// integer sum beyond the int range, a float64 overflow) is answered with Invalid params
// saying so. Notifications are logged with their method and the size of their params, never
// the params.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/docsui"
	"github.com/openrpc-go/openrpc/examples/internal/serveurl"
	"github.com/openrpc-go/openrpc/rpchttp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "spec:", err)
		os.Exit(1)
	}
}

// SubtractParams are subtract's params: [minuend, subtrahend] or {"minuend", "subtrahend"}.
type SubtractParams struct {
	Minuend    float64 `json:"minuend" doc:"The number to subtract from."`
	Subtrahend float64 `json:"subtrahend" doc:"The number to subtract."`
}

// AddParams are add's params.
type AddParams struct {
	A int `json:"a" doc:"The first addend."`
	B int `json:"b" doc:"The second addend."`
}

// TickerParams are ticker's params: [interval_ms, count] or {"interval_ms", "count"}.
type TickerParams struct {
	IntervalMS int `json:"interval_ms" minimum:"10" maximum:"60000" doc:"Milliseconds between two ticks, 10 to 60000."`
	Count      int `json:"count" minimum:"1" maximum:"1000" doc:"How many ticks to emit before done, 1 to 1000."`
}

// Tick is an event of ticker.
type Tick struct {
	N    int       `json:"n" doc:"The tick's number: 1, 2, and so on up to count."`
	Time time.Time `json:"time" doc:"When the server emitted the tick."`
}

// ticker emits p.Count ticks p.IntervalMS apart, then returns: the subscriber gets done.
func ticker(ctx context.Context, p TickerParams, emit func(Tick) error) error {
	t := time.NewTicker(time.Duration(p.IntervalMS) * time.Millisecond)
	defer t.Stop()
	for n := 1; n <= p.Count; n++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-t.C:
			if err := emit(Tick{N: n, Time: now.UTC()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// errOutOfRange documents the error of a result JSON cannot carry: an integer sum beyond
// int64, or a number beyond float64 (JSON has no infinity). It is Invalid params, because the
// params are what the caller must change: the same call always fails the same way.
var errOutOfRange = openrpc.Error{
	Code:    openrpc.CodeInvalidParams,
	Message: "Invalid params",
	Data:    json.RawMessage(`{"errors":[{"path":"","message":"the result is out of range"}]}`),
}

// outOfRange returns the Invalid params error of a result out of range, saying why in data.
func outOfRange(msg string) error {
	return openrpc.NewError(openrpc.CodeInvalidParams, openrpc.CodeInvalidParams.String(),
		openrpc.InvalidParamsData{Errors: []openrpc.ParamError{{Path: "", Message: msg}}})
}

// finite returns x, or an out-of-range error when x is infinite: the float64 arithmetic
// overflowed.
func finite(x float64) (float64, error) {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, outOfRange(fmt.Sprintf("the result overflows: it is beyond ±%g, the float64 range", math.MaxFloat64))
	}
	return x, nil
}

// ignored is a param that is checked to be JSON and dropped: a slice of them takes no
// memory whatever the params, where []any would hold a decoded copy of every value.
type ignored struct{}

// UnmarshalJSON drops the value.
func (*ignored) UnmarshalJSON([]byte) error { return nil }

// JSONSchema describes any value.
func (ignored) JSONSchema() *openrpc.Schema { return &openrpc.Schema{} }

// logNotifications logs every notification's method and the size of its params, never the
// params themselves: a notification may carry megabytes.
func logNotifications(logger *slog.Logger) openrpc.Middleware {
	return func(next openrpc.Handler) openrpc.Handler {
		return func(ctx context.Context, req openrpc.Request) (json.RawMessage, error) {
			if req.ID == nil {
				logger.InfoContext(ctx, "notification", "method", req.Method, "params_bytes", len(req.Params))
			}
			return next(ctx, req)
		}
	}
}

// newServer returns the server with every example method.
func newServer(logger *slog.Logger) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{
		Title:       "JSON-RPC 2.0 specification examples",
		Version:     "1.0.0",
		Description: "The methods the examples of the JSON-RPC 2.0 specification call.",
	}, &openrpc.ServerOptions{Logger: logger, Middleware: []openrpc.Middleware{logNotifications(logger)}})

	openrpc.Register(srv, openrpc.Method{
		Name:    "subtract",
		Summary: "Subtract subtrahend from minuend.",
		Errors:  []openrpc.Error{errOutOfRange},
	},
		func(_ context.Context, p SubtractParams) (float64, error) {
			return finite(p.Minuend - p.Subtrahend)
		})
	openrpc.Register(srv, openrpc.Method{
		Name:         "sum",
		Summary:      "Add up any count of numbers.",
		VariadicName: "numbers",
		Errors:       []openrpc.Error{errOutOfRange},
	},
		func(_ context.Context, xs []float64) (float64, error) {
			var total float64
			for _, x := range xs {
				total += x
			}
			return finite(total)
		})
	openrpc.Register(srv, openrpc.Method{Name: "get_data", Summary: "Return a fixed list."},
		func(context.Context, struct{}) ([]any, error) {
			return []any{"hello", 5}, nil
		})
	openrpc.Register(srv, openrpc.Method{
		Name:    "add",
		Summary: "Add two integers.",
		Errors:  []openrpc.Error{errOutOfRange},
		Examples: []openrpc.ExamplePairing{{
			Name:   "two and three",
			Params: []openrpc.Example{{Name: "a", Value: 2}, {Name: "b", Value: 3}},
			Result: &openrpc.Example{Name: "sum", Value: 5},
		}},
	},
		func(_ context.Context, p AddParams) (int, error) {
			sum := p.A + p.B
			// Two's complement: the sum wrapped around when both addends have the sign the
			// sum lacks.
			if (p.A >= 0) == (p.B >= 0) && (sum >= 0) != (p.A >= 0) {
				return 0, outOfRange(fmt.Sprintf("the sum of a and b is out of the integer range %d to %d", math.MinInt, math.MaxInt))
			}
			return sum, nil
		})
	openrpc.RegisterSubscription(srv, openrpc.Method{
		Name:    "ticker",
		Summary: "Tick count times, interval_ms apart.",
		Description: "A subscription: call it over WebSocket. It returns the subscription id; each tick " +
			"arrives as a ticker notification with params {subscription, result: {n, time}}, and a last one " +
			"with done: true follows the last tick. ticker_unsubscribe ends it sooner.",
		Examples: []openrpc.ExamplePairing{{
			Name:   "three ticks a second apart",
			Params: []openrpc.Example{{Name: "interval_ms", Value: 1000}, {Name: "count", Value: 3}},
			Result: &openrpc.Example{Name: "subscription", Value: "0x9cef478923ff08bf67fde6c64013158d"},
		}},
	}, ticker)
	for _, name := range []string{"update", "notify_hello", "notify_sum"} {
		openrpc.RegisterNotification(srv, openrpc.Method{Name: name, Summary: "Accept a notification and do nothing."},
			func(context.Context, []ignored) error { return nil })
	}
	return srv
}

// run serves until ctx is done, then shuts down gracefully. ready, when not nil, is called
// with the address once the server listens.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(addr string)) error {
	fs := flag.NewFlagSet("spec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8081", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	srv := newServer(logger)
	mux := http.NewServeMux()
	mux.Handle("/api/v1", rpchttp.NewHandler(srv, nil))
	mux.Handle("/openrpc.json", rpchttp.NewDocumentHandler(srv))
	mux.Handle("/", docsui.NewHandler(nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger.Info("serving JSON-RPC", "url", serveurl.Of(ln.Addr(), "/api/v1"), "docs", serveurl.Of(ln.Addr(), "/"))
	if ready != nil {
		ready(ln.Addr().String())
	}
	return rpchttp.Serve(ctx, ln, mux, nil)
}
