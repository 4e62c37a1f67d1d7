package rpcmcp_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

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

// TestNewServer_byPositionNoStandIn refuses, naming it, an optional param left out before
// a given one when its schema constrains it (a format, a minimum): no value can stand for
// it, and the server would refuse a zero value with a message about a param the agent did
// not give.
func TestNewServer_byPositionNoStandIn(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "T", Version: "1"}, &openrpc.ServerOptions{Logger: slog.New(slog.DiscardHandler)})
	openrpc.Register(srv, openrpc.Method{Name: "window", ParamStructure: openrpc.ByPosition},
		func(ctx context.Context, p Window) (int, error) { return p.To - p.From, nil })
	cs := connect(t, srv, nil)
	if res := callTool(t, cs, "window", map[string]any{"from": 1}); res.IsError {
		t.Errorf("the required param only: %s", toolText(t, res))
	}
	e := toolError(t, callTool(t, cs, "window", map[string]any{"from": 1, "to": 3}))
	if e.Code != openrpc.CodeInvalidParams || !strings.Contains(string(e.Data), `"path":"/start"`) ||
		!strings.Contains(string(e.Data), `"path":"/size"`) || !strings.Contains(string(e.Data), "must be given when a later param is") {
		t.Errorf("got %d %s %s, want -32602 naming /start and /size", e.Code, e.Message, e.Data)
	}
	if res := callTool(t, cs, "window", map[string]any{"from": 1, "start": "2026-01-02T00:00:00Z", "size": 2, "to": 3}); res.IsError {
		t.Errorf("every param: %s", toolText(t, res))
	}
}

// Window has optional params whose zero value their schemas refuse, before another one.
type Window struct {
	From  int       `json:"from"`
	Start time.Time `json:"start,omitzero"`
	Size  int       `json:"size,omitempty" minimum:"1"`
	To    int       `json:"to,omitempty"`
}
