package e2e

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openrpc-go/openrpc"
)

// tick is an event of the ticker subscription.
type tick struct {
	N  int       `json:"n"`
	At time.Time `json:"at"`
}

// tickerParams are the ticker's params: an interval, how many ticks, and whether to fail
// after them.
type tickerParams struct {
	IntervalMS int  `json:"interval_ms"`
	Count      int  `json:"count"`
	Fail       bool `json:"fail,omitempty"`
}

// ticker counts what a ticker subscription did on the server.
type ticker struct {
	emitted atomic.Int64  // events emit accepted
	ended   chan struct{} // one value each time a handler returns
}

// register adds the ticker subscription: count ticks, one every interval_ms, then done (or
// an error with fail).
func (tk *ticker) register(srv *openrpc.Server) {
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "ticker", Summary: "Ticks count times, every interval_ms."},
		func(ctx context.Context, p tickerParams, emit func(tick) error) error {
			defer func() { tk.ended <- struct{}{} }()
			t := time.NewTicker(time.Duration(max(p.IntervalMS, 1)) * time.Millisecond)
			defer t.Stop()
			for i := 1; i <= p.Count; i++ {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case now := <-t.C:
					if err := emit(tick{N: i, At: now.UTC()}); err != nil {
						return err
					}
					tk.emitted.Add(1)
				}
			}
			if p.Fail {
				return openrpc.Errorf(4001, "the ticker failed after %d ticks", p.Count)
			}
			return nil
		})
}

// TestDocsUI_Subscription subscribes from the docs page to a real server's subscription
// (openrpc.RegisterSubscription behind rpchttp.NewHandler): the page shows it as one,
// lists the events as they arrive, shows the done notification, and unsubscribes with its
// button, after which the server's handler ends and no event is listed any more.
func TestDocsUI_Subscription(t *testing.T) {
	b := newBrowser(t)
	tk := &ticker{ended: make(chan struct{}, 4)}
	svc := newWSService(t, tk.register)
	waitEnded := func(what string) {
		t.Helper()
		select {
		case <-tk.ended:
		case <-time.After(15 * time.Second):
			t.Fatalf("%s: the ticker's handler did not return", what)
		}
	}

	b.viewport(t, 1400, 900, false)
	b.do(t, "open the page", chromedp.Navigate(svc.url+"/docs/"), chromedp.WaitVisible(chromedp.CSS(`#method-ticker`)))
	const m = `#method-ticker`
	if got := eval[string](t, b, `document.querySelector('`+m+` .badge-sub').textContent`); got != "Subscription" {
		t.Errorf("ticker's badge %q, want Subscription", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` .sub-unsubscribe a').getAttribute('href')`); got != "#method-ticker_unsubscribe" {
		t.Errorf("ticker's unsubscribe link %q, want #method-ticker_unsubscribe", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` .sub-events .field-head a').getAttribute('href')`); got != "#schema-tick" {
		t.Errorf("ticker's event schema links to %q, want the component #schema-tick", got)
	}
	if got := eval[string](t, b, `document.querySelector('#method-ticker_unsubscribe .sub-of a').getAttribute('href')`); got != "#method-ticker" {
		t.Errorf("ticker_unsubscribe links back to %q, want #method-ticker", got)
	}

	// The page is on HTTP POST: the form says the subscription goes over WebSocket anyway.
	b.do(t, "fill ticker", chromedp.Click(chromedp.CSS(m+` .try-toggle`)),
		chromedp.SendKeys(chromedp.CSS(m+` [data-path="/interval_ms"]`), "20"),
		chromedp.SendKeys(chromedp.CSS(m+` [data-path="/count"]`), "5"))
	if got := eval[string](t, b, `document.querySelector('`+m+` .ws-note').textContent`); !strings.Contains(got, "Subscriptions need a connection") {
		t.Errorf("ticker's form over HTTP says %q, want that subscriptions go over WebSocket", got)
	}

	// Five ticks, then done.
	b.do(t, "subscribe", chromedp.Click(chromedp.CSS(m+` button.send`)))
	b.waitFor(t, "the done notification", `document.querySelector('`+m+` .subscription[data-state="done"]')`)
	waitEnded("count reached")
	if got := eval[[]string](t, b, `[...document.querySelectorAll('`+m+` .event .event-n')].map(e => e.textContent)`); strings.Join(got, " ") != "#5 #4 #3 #2 #1" {
		t.Errorf("events listed %v, want #5 … #1, newest first", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` .event .event-body').textContent`); !strings.Contains(got, `"n": 5`) {
		t.Errorf("the newest event shows %s, want n 5", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` .event-count').textContent`); !strings.HasPrefix(got, "5 events received") {
		t.Errorf("count %q, want 5 events received", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` .event-time').textContent`); !strings.Contains(got, ":") {
		t.Errorf("event time %q, want a time of day", got)
	}
	b.do(t, "scroll to the events", chromedp.ScrollIntoView(chromedp.CSS(m+` .subscription`)))
	b.screenshot(t, "docsui-sub-1400-done", false)

	// A handler that fails: its error ends the subscription, and the page shows it.
	b.do(t, "subscribe to a failing ticker", clearInput(chromedp.CSS(m+` [data-path="/count"]`)),
		chromedp.SendKeys(chromedp.CSS(m+` [data-path="/count"]`), "2"),
		chromedp.Click(chromedp.CSS(m+` [data-field="/fail"] .toggle input`)),
		chromedp.Click(chromedp.CSS(m+` [data-path="/fail"]`)),
		chromedp.Click(chromedp.CSS(m+` button.send`)))
	b.waitFor(t, "the error notification", `document.querySelector('`+m+` .subscription[data-state="error"]')`)
	waitEnded("failed")
	if got := eval[string](t, b, `document.querySelector('`+m+` .sub-end').textContent`); !strings.Contains(got, "4001") || !strings.Contains(got, "the ticker failed after 2 ticks") {
		t.Errorf("the failed subscription shows %q, want error 4001 and its message", got)
	}
	if got := eval[int](t, b, `document.querySelectorAll('`+m+` .event').length`); got != 2 {
		t.Errorf("events of the failing ticker: %d, want 2", got)
	}
	b.do(t, "scroll to the error", chromedp.ScrollIntoView(chromedp.CSS(m+` .subscription`)))
	b.screenshot(t, "docsui-sub-1400-error", false)

	// Ticks without end: events arrive until Unsubscribe, then the handler ends and the
	// list stops.
	b.do(t, "subscribe for long", clearInput(chromedp.CSS(m+` [data-path="/count"]`)),
		chromedp.SendKeys(chromedp.CSS(m+` [data-path="/count"]`), "100000"),
		chromedp.Click(chromedp.CSS(m+` [data-field="/fail"] .toggle input`)),
		chromedp.Click(chromedp.CSS(m+` button.send`)))
	b.waitFor(t, "three events", `document.querySelectorAll('`+m+` .subscription[data-state="live"] .event').length >= 3`)
	if got := eval[string](t, b, `document.querySelector('#overview .ws-status').textContent`); !strings.Contains(got, "1 subscription live") {
		t.Errorf("connection status %q, want 1 subscription live", got)
	}
	b.do(t, "scroll to the live events", chromedp.ScrollIntoView(chromedp.CSS(m+` .subscription`)))
	b.screenshot(t, "docsui-sub-1400-live", false)
	b.do(t, "unsubscribe", chromedp.Click(chromedp.CSS(m+` .unsubscribe`)))
	b.waitFor(t, "unsubscribed", `document.querySelector('`+m+` .subscription[data-state="unsubscribed"]')`)
	waitEnded("unsubscribed")
	listed := eval[int](t, b, `document.querySelectorAll('`+m+` .event').length`)
	// A call over the same connection: its reply follows any event sent before it.
	b.do(t, "call where over WebSocket", chromedp.Click(chromedp.CSS(`#overview .transport-switch [data-transport="ws"]`)),
		chromedp.Click(chromedp.CSS(`#method-where .try-toggle`)), chromedp.Click(chromedp.CSS(`#method-where button.send`)))
	b.waitFor(t, "where's reply", `(document.querySelector('#method-where .response-body') || {}).textContent`)
	if got := eval[int](t, b, `document.querySelectorAll('`+m+` .event').length`); got != listed {
		t.Errorf("events listed after unsubscribing: %d, then %d", listed, got)
	}
	if emitted := int(tk.emitted.Load()) - 5 - 2; listed > emitted || listed < 3 {
		t.Errorf("events listed %d, emitted %d: want at least 3, and none the server did not send", listed, emitted)
	}
	if n := svc.handshakeCount(); n != 1 {
		t.Errorf("WebSocket handshakes before the drop: %d, want 1", n)
	}
	b.do(t, "scroll to the end", chromedp.ScrollIntoView(chromedp.CSS(m+` .subscription`)))
	b.screenshot(t, "docsui-sub-1400-unsubscribed", false)

	// The connection drops under a live subscription: the page says the subscription ended
	// with it, and the server's handler ends too.
	b.do(t, "subscribe once more", chromedp.Click(chromedp.CSS(m+` button.send`)))
	b.waitFor(t, "an event", `document.querySelectorAll('`+m+` .subscription[data-state="live"] .event').length >= 1`)
	svc.dropConnections()
	b.waitFor(t, "the subscription lost", `document.querySelector('`+m+` .subscription[data-state="lost"]')`)
	waitEnded("connection dropped")
	if got := eval[string](t, b, `document.querySelector('`+m+` .sub-end').textContent`); !strings.Contains(got, "The WebSocket connection failed or dropped: the subscription ended with it.") {
		t.Errorf("after the drop the subscription says %q", got)
	}
	b.waitFor(t, "the connection reopened", `document.querySelector('#overview .ws-status').dataset.wsState === 'open'`)
	b.do(t, "scroll to the lost subscription", chromedp.ScrollIntoView(chromedp.CSS(m+` .subscription`)))
	b.screenshot(t, "docsui-sub-1400-lost", false)
	b.do(t, "dark theme", chromedp.Click(chromedp.CSS(`.theme-toggle`)), chromedp.ScrollIntoView(chromedp.CSS(m+` .subscription`)))
	b.screenshot(t, "docsui-sub-1400-dark", false)
	b.do(t, "light theme", chromedp.Click(chromedp.CSS(`.theme-toggle`)))
	b.viewport(t, 390, 844, true)
	b.do(t, "scroll to the form", chromedp.ScrollIntoView(chromedp.CSS(m+` .try-actions`)))
	b.screenshot(t, "docsui-sub-390", false)
	b.do(t, "scroll to the overview", chromedp.ScrollIntoView(chromedp.CSS(`#overview .transport-line`)))
	b.screenshot(t, "docsui-ws-390-overview", false)
	b.checkNoProblems(t)
}
