package rpcmcp_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// Span takes optional params of every kind of schema before its last one.
type Span struct {
	From  int       `json:"from"`
	Step  int       `json:"step,omitempty"`
	Unit  string    `json:"unit" default:"s"`
	Limit *int      `json:"limit,omitempty"`
	Tags  []string  `json:"tags,omitempty"`
	Fast  bool      `json:"fast,omitempty"`
	Ratio float64   `json:"ratio,omitempty"`
	Owner *Greeting `json:"owner,omitempty"`
	Where Greeting  `json:"where,omitzero"`
	To    int       `json:"to,omitempty"`
}

func TestNewServer_byPositionOptionalBeforeGiven(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, &openrpc.ServerOptions{Logger: slog.New(slog.DiscardHandler)})
	openrpc.Register(srv, openrpc.Method{Name: "span", ParamStructure: openrpc.ByPosition},
		func(ctx context.Context, p Span) (Span, error) { return p, nil })
	cs := connect(t, srv, nil)

	// Each optional param left out before "to" is sent as its default, as null when its
	// schema admits null, else as its type's zero value: the call succeeds.
	res := callTool(t, cs, "span", map[string]any{"from": 1, "to": 9})
	if res.IsError {
		t.Fatalf("tool error %s, want a result", toolText(t, res))
	}
	want := `{"from":1,"unit":"s","to":9}`
	if got := toolText(t, res); !jsonEqual(t, []byte(got), []byte(want)) {
		t.Errorf("got %s, want %s", got, want)
	}
}
