package specserver_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"

	"gentest/specserver"
)

// service implements the Service generated with --server from examples/spec's document.
type service struct{}

var _ specserver.Service = service{}

func (service) Subtract(_ context.Context, p specserver.SubtractParams) (float64, error) {
	return p.Minuend - p.Subtrahend, nil
}

func (service) Sum(_ context.Context, xs []float64) (float64, error) {
	var total float64
	for _, x := range xs {
		total += x
	}
	return total, nil
}

func (service) GetData(context.Context) ([]json.RawMessage, error) {
	return []json.RawMessage{json.RawMessage(`"hello"`), json.RawMessage(`5`)}, nil
}

func (service) Add(_ context.Context, p specserver.AddParams) (int64, error) { return p.A + p.B, nil }

func (service) Ticker(ctx context.Context, p specserver.TickerParams, emit func(specserver.Tick) error) error {
	for n := int64(1); n <= p.Count; n++ {
		if err := emit(specserver.Tick{N: n, Time: time.Now().UTC()}); err != nil {
			return err
		}
	}
	return nil
}

func (service) Update(context.Context, []json.RawMessage) error      { return nil }
func (service) NotifyHello(context.Context, []json.RawMessage) error { return nil }
func (service) NotifySum(context.Context, []json.RawMessage) error   { return nil }

func newServer(t *testing.T) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{
		Title:       "JSON-RPC 2.0 specification examples",
		Version:     "1.0.0",
		Description: "The methods the examples of the JSON-RPC 2.0 specification call.",
	}, nil)
	specserver.Register(srv, service{})
	return srv
}

// TestSpecVectors runs the JSON-RPC 2.0 specification's examples against the generated
// server, and writes the document it publishes to $SERVED_DOC.
func TestSpecVectors(t *testing.T) {
	srv := newServer(t)
	openrpctest.RunSpecVectors(t, func(t *testing.T, req []byte) []byte {
		return srv.Process(context.Background(), req)
	})
	doc, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("SERVED_DOC"); path != "" {
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTicker subscribes with the generated client to the generated server.
func TestTicker(t *testing.T) {
	c := specserver.NewClient(openrpctest.NewLocalConn(newServer(t), nil))
	sub, err := c.Ticker(context.Background(), specserver.TickerParams{IntervalMs: 10, Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for tick, err := range sub.Events() {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if tick.N != int64(n) {
			t.Errorf("tick %d is %+v", n, tick)
		}
	}
	if n != 2 {
		t.Errorf("%d ticks, want 2", n)
	}
	if _, err := c.Ticker(context.Background(), specserver.TickerParams{IntervalMs: 5, Count: 1}); err == nil {
		t.Error("Ticker below its minimum interval: no error")
	}
}
