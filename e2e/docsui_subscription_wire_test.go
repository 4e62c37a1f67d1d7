package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"

	"github.com/openrpc-go/openrpc/docsui"
)

// wireDocument describes a subscription in the shape docs/design.md ("Subscriptions")
// fixes: a result named subscription, and x-subscription with the event schema and the
// unsubscribe method.
const wireDocument = `{
  "openrpc": "1.3.2",
  "info": {"title": "Wire shape", "version": "1.0.0"},
  "methods": [
    {"name": "ticks", "summary": "Ticks at an interval.",
     "params": [{"name": "count", "required": true, "schema": {"type": "integer", "minimum": 1}},
                {"name": "fail", "schema": {"type": "boolean"}}],
     "result": {"name": "subscription", "schema": {"type": "string"}},
     "x-subscription": {"event": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}, "unsubscribe": "ticks_unsubscribe"}},
    {"name": "ticks_unsubscribe", "params": [{"name": "subscription", "required": true, "schema": {"type": "string"}}],
     "result": {"name": "ok", "schema": {"type": "boolean"}}}
  ]
}`

// wireDouble speaks the documented wire shape of a subscription over WebSocket: ticks
// sends count events when the test releases them, then done (or an error with fail), and
// ticks_unsubscribe ends it. It checks the page against the shape on the wire; the test of
// record runs against openrpc.RegisterSubscription.
type wireDouble struct {
	release chan struct{} // one event per receive
	mu      sync.Mutex
	unsubs  []json.RawMessage // params of each ticks_unsubscribe
}

func (d *wireDouble) serve(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := r.Context()
	var wmu sync.Mutex
	write := func(v any) {
		b, _ := json.Marshal(v)
		wmu.Lock()
		defer wmu.Unlock()
		c.Write(ctx, websocket.MessageText, b)
	}
	subs := map[string]context.CancelFunc{}
	var smu sync.Mutex
	n := 0
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		var req struct {
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
			ID     json.RawMessage `json:"id"`
		}
		json.Unmarshal(b, &req)
		switch req.Method {
		case "ticks":
			var p struct {
				Count int  `json:"count"`
				Fail  bool `json:"fail"`
			}
			json.Unmarshal(req.Params, &p)
			n++
			id := fmt.Sprintf("0x%032x", n)
			sctx, cancel := context.WithCancel(ctx)
			smu.Lock()
			subs[id] = cancel
			smu.Unlock()
			write(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": id})
			go func() {
				for i := 1; i <= p.Count; i++ {
					select {
					case <-sctx.Done():
						return
					case <-d.release:
					}
					write(map[string]any{"jsonrpc": "2.0", "method": "ticks", "params": map[string]any{"subscription": id, "result": map[string]int{"n": i}}})
				}
				if p.Fail {
					write(map[string]any{"jsonrpc": "2.0", "method": "ticks", "params": map[string]any{"subscription": id, "error": map[string]any{"code": -32004, "message": "Overloaded", "data": map[string]int{"queue": 16}}}})
				} else {
					write(map[string]any{"jsonrpc": "2.0", "method": "ticks", "params": map[string]any{"subscription": id, "done": true}})
				}
			}()
		case "ticks_unsubscribe":
			d.mu.Lock()
			d.unsubs = append(d.unsubs, req.Params)
			d.mu.Unlock()
			var p struct {
				Subscription string `json:"subscription"`
			}
			json.Unmarshal(req.Params, &p)
			smu.Lock()
			cancel, ok := subs[p.Subscription]
			delete(subs, p.Subscription)
			smu.Unlock()
			if ok {
				cancel()
			}
			write(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": ok})
		}
	}
}

// TestDocsUI_SubscriptionWireShape checks the page against the wire shape of
// docs/design.md, event by event: the subscription's badge, events and unsubscribe link,
// events listed newest first with a count, the final done and error notifications, and
// the Unsubscribe button.
func TestDocsUI_SubscriptionWireShape(t *testing.T) {
	b := newBrowser(t)
	d := &wireDouble{release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openrpc.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(wireDocument))
	})
	mux.HandleFunc("/api/v1", d.serve)
	mux.Handle("/docs/", http.StripPrefix("/docs", docsui.NewHandler(&docsui.Options{Endpoint: "/api/v1"})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	release := func(n int) {
		t.Helper()
		for range n {
			select {
			case d.release <- struct{}{}:
			case <-time.After(10 * time.Second):
				t.Fatal("the double's subscription does not take events")
			}
		}
	}

	b.viewport(t, 1400, 900, false)
	b.do(t, "open the page", chromedp.Navigate(srv.URL+"/docs/"), chromedp.WaitVisible(chromedp.CSS(`#method-ticks`)))
	const m = `#method-ticks`
	if got := eval[string](t, b, `document.querySelector('`+m+` .badge-sub').textContent`); got != "Subscription" {
		t.Errorf("badge %q, want Subscription", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` .sub-unsubscribe a').getAttribute('href')`); got != "#method-ticks_unsubscribe" {
		t.Errorf("unsubscribe link %q", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` .sub-events .field-name').textContent`); got != "event" {
		t.Errorf("events field %q", got)
	}
	if got := eval[string](t, b, `document.querySelector('#method-ticks_unsubscribe .sub-of a').getAttribute('href')`); got != "#method-ticks" {
		t.Errorf("ticks_unsubscribe links back to %q", got)
	}

	// Over HTTP (the default), the form says the subscription goes over WebSocket.
	b.do(t, "open ticks", chromedp.Click(chromedp.CSS(m+` .try-toggle`)),
		chromedp.SendKeys(chromedp.CSS(m+` [data-path="/count"]`), "3"))
	if got := eval[string](t, b, `document.querySelector('`+m+` .ws-note').textContent`); !strings.Contains(got, "Subscriptions need a connection") {
		t.Errorf("note over HTTP: %q", got)
	}
	b.do(t, "subscribe", chromedp.Click(chromedp.CSS(m+` button.send`)))
	b.waitFor(t, "the subscription", `document.querySelector('`+m+` .subscription[data-state="live"]')`)
	release(2)
	b.waitFor(t, "two events", `document.querySelectorAll('`+m+` .event').length === 2`)
	if got := eval[string](t, b, `document.querySelector('`+m+` .event .event-n').textContent`); got != "#2" {
		t.Errorf("the newest event on top is %q, want #2", got)
	}
	if got := eval[string](t, b, `document.querySelector('`+m+` .event-count').textContent`); !strings.HasPrefix(got, "2 events received") {
		t.Errorf("count %q", got)
	}
	release(1)
	b.waitFor(t, "done", `document.querySelector('`+m+` .subscription[data-state="done"]')`)
	if got := eval[int](t, b, `document.querySelectorAll('`+m+` .event').length`); got != 3 {
		t.Errorf("events after done: %d, want 3", got)
	}

	// An error ends it: the error is shown.
	b.do(t, "subscribe to a failing one", chromedp.Click(chromedp.CSS(m+` [data-field="/fail"] .toggle input`)),
		chromedp.Click(chromedp.CSS(m+` [data-path="/fail"]`)),
		chromedp.Click(chromedp.CSS(m+` button.send`)))
	b.waitFor(t, "the second subscription", `document.querySelector('`+m+` .subscription[data-state="live"]')`)
	release(3)
	b.waitFor(t, "the error", `document.querySelector('`+m+` .subscription[data-state="error"]')`)
	if got := eval[string](t, b, `document.querySelector('`+m+` .sub-end').textContent`); !strings.Contains(got, "-32004") {
		t.Errorf("final error %q, want -32004", got)
	}

	// Unsubscribe: the server gets the id, the list stops.
	b.do(t, "subscribe again", chromedp.Click(chromedp.CSS(m+` button.send`)))
	b.waitFor(t, "the third subscription", `document.querySelector('`+m+` .subscription[data-state="live"]')`)
	release(1)
	b.waitFor(t, "one event", `document.querySelectorAll('`+m+` .event').length === 1`)
	b.do(t, "scroll", chromedp.ScrollIntoView(chromedp.CSS(m+` .try-actions`)))
	b.screenshot(t, "docsui-sub-wire-1400-live", false)
	b.do(t, "unsubscribe", chromedp.Click(chromedp.CSS(m+` .unsubscribe`)))
	b.waitFor(t, "unsubscribed", `document.querySelector('`+m+` .subscription[data-state="unsubscribed"]')`)
	d.mu.Lock()
	unsubs := d.unsubs
	d.mu.Unlock()
	if len(unsubs) != 1 || !strings.Contains(string(unsubs[0]), `"subscription":"0x`) {
		t.Errorf("ticks_unsubscribe params: %s", unsubs)
	}
	b.screenshot(t, "docsui-sub-wire-1400-unsubscribed", false)
	b.checkNoProblems(t)
}
