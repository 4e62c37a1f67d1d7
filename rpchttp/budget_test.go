package rpchttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

const heldSize = 1000 // bytes of each held request

// holdRequest returns a request of exactly heldSize bytes calling "hold".
func holdRequest(id int) []byte {
	head := fmt.Sprintf(`{"jsonrpc":"2.0","method":"hold","id":%d,"params":["`, id)
	return []byte(head + strings.Repeat("x", heldSize-len(head)-3) + `"]}`)
}

// holdServer returns a server whose memory bound holds four requests of heldSize bytes and
// no more, and a "hold" method that blocks until a value arrives on release (or its call is
// canceled), announcing each call on started.
func holdServer(t *testing.T) (srv *openrpc.Server, started, release chan struct{}) {
	srv = openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{
		MaxRequestBytes:      heldSize + 10,
		MaxTotalRequestBytes: 4*heldSize + 1, // +1: the end of a message of unknown length is seen by reading one byte more
	}})
	started, release = make(chan struct{}, 100), make(chan struct{})
	openrpc.Register(srv, openrpc.Method{Name: "hold"}, func(ctx context.Context, _ []string) (bool, error) {
		started <- struct{}{}
		select {
		case <-release:
			return true, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	})
	return srv, started, release
}

// serveCounted serves h and sends on done each time a request (or WebSocket session) ends.
func serveCounted(t *testing.T, h http.Handler) (ts *httptest.Server, done chan struct{}) {
	done = make(chan struct{}, 100)
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		done <- struct{}{}
	}))
	t.Cleanup(ts.Close)
	return ts, done
}

func checkReserved(t *testing.T, srv *openrpc.Server, want int64) {
	t.Helper()
	if got := srv.Reserved(); got != want {
		t.Errorf("reserved %d bytes, want %d", got, want)
	}
}

// checkOverloaded checks a -32004 reply with id null and the bound in its data.
func checkOverloaded(t *testing.T, reply []byte) {
	t.Helper()
	var got struct {
		ID    any `json:"id"`
		Error struct {
			Code int `json:"code"`
			Data struct {
				Limit int64 `json:"limit"`
			} `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(reply, &got); err != nil || got.ID != nil || got.Error.Code != -32004 || got.Error.Data.Limit != 4*heldSize+1 {
		t.Errorf("got %s, want a -32004 error with id null and the limit in its data", reply)
	}
}

type result struct {
	status int
	body   []byte
	hdr    http.Header
	err    error
}

func post(url string, body io.Reader, chunked bool) result {
	if chunked {
		body = struct{ io.Reader }{body} // hides the length: sent chunked
	}
	// A failing test must not hang: no request takes longer than this.
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Post(url, "application/json", body)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{resp.StatusCode, b, resp.Header, err}
}

// Regression (issue 10): limits were per message and per connection only, so concurrent large
// bodies grew memory without bound. Over Limits.MaxTotalRequestBytes the server answers at once
// with 503, Retry-After and a -32004 error, and accepts again once requests are answered.
func TestHandler_memoryBound(t *testing.T) {
	srv, started, release := holdServer(t)
	ts, done := serveCounted(t, rpchttp.NewHandler(srv, nil))
	results := make(chan result, 10)
	for i := range 4 { // one after the other: a body of unknown length briefly needs a byte more
		go func() { results <- post(ts.URL, bytes.NewReader(holdRequest(i)), i%2 == 1) }()
		within(t, started, "a held call")
	}
	checkReserved(t, srv, 4*heldSize)

	for _, chunked := range []bool{false, true} {
		r := post(ts.URL, bytes.NewReader(holdRequest(9)), chunked)
		within(t, done, "the refusal")
		if r.err != nil || r.status != http.StatusServiceUnavailable || r.hdr.Get("Retry-After") == "" {
			t.Fatalf("chunked %v: got %d %v (Retry-After %q), want 503 with Retry-After", chunked, r.status, r.err, r.hdr.Get("Retry-After"))
		}
		checkOverloaded(t, r.body)
	}
	checkReserved(t, srv, 4*heldSize)

	release <- struct{}{} // one call ends: room for one more
	if r := <-results; r.status != http.StatusOK {
		t.Fatalf("held call: got %d %s %v", r.status, r.body, r.err)
	}
	within(t, done, "the end of a held call")
	checkReserved(t, srv, 3*heldSize)
	go func() { results <- post(ts.URL, bytes.NewReader(holdRequest(5)), true) }()
	within(t, started, "the call accepted again")

	close(release)
	for range 4 {
		if r := <-results; r.status != http.StatusOK {
			t.Errorf("held call: got %d %s %v", r.status, r.body, r.err)
		}
		within(t, done, "the end of a held call")
	}
	checkReserved(t, srv, 0)
}

// The memory accounting comes back to zero after every way a request can end.
func TestHandler_memoryBoundNeverLeaks(t *testing.T) {
	srv, _, release := holdServer(t)
	close(release)
	ts, done := serveCounted(t, rpchttp.NewHandler(srv, nil))
	big := bytes.Repeat([]byte("x"), 2*heldSize)
	addr := ts.Listener.Addr().String()
	for _, tt := range []struct {
		name string
		send func(t *testing.T)
	}{
		{"answered", func(t *testing.T) { post(ts.URL, bytes.NewReader(holdRequest(1)), false) }},
		{"answered, chunked", func(t *testing.T) { post(ts.URL, bytes.NewReader(holdRequest(1)), true) }},
		{"too large", func(t *testing.T) { post(ts.URL, bytes.NewReader(big), false) }},
		{"too large, chunked", func(t *testing.T) { post(ts.URL, bytes.NewReader(big), true) }},
		{"not JSON", func(t *testing.T) { post(ts.URL, strings.NewReader("{"), true) }},
		{"client gone mid-body", func(t *testing.T) {
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(nc, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Length: 900\r\n\r\n{\"jsonrpc\":", addr)
			nc.Close()
		}},
		{"client gone mid-chunked-body", func(t *testing.T) {
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(nc, "POST / HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n\r\n300\r\n%s", addr, strings.Repeat("y", 700))
			nc.Close()
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.send(t)
			within(t, done, "the end of the request")
			checkReserved(t, srv, 0)
		})
	}
}

// The same bound over WebSocket: a message past it is skipped unread into memory and answered
// with -32004, the connection goes on, and messages are taken again once calls end.
func TestWebSocket_memoryBound(t *testing.T) {
	srv, started, release := holdServer(t)
	ts, _ := serveCounted(t, rpchttp.NewHandler(srv, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL(ts), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	write := func(msg []byte) {
		t.Helper()
		if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
			t.Fatal(err)
		}
	}
	read := func() []byte {
		t.Helper()
		_, reply, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return reply
	}
	for i := range 4 {
		write(holdRequest(i))
	}
	for range 4 {
		within(t, started, "a held call")
	}
	checkReserved(t, srv, 4*heldSize)
	write(holdRequest(9))
	checkOverloaded(t, read())
	checkReserved(t, srv, 4*heldSize)

	release <- struct{}{}
	if reply := read(); !bytes.Contains(reply, []byte(`"result":true`)) {
		t.Fatalf("held call: got %s", reply)
	}
	checkReserved(t, srv, 3*heldSize)
	write(holdRequest(5))
	within(t, started, "the call accepted again")
	close(release)
	for range 4 {
		if reply := read(); !bytes.Contains(reply, []byte(`"result":true`)) {
			t.Errorf("held call: got %s", reply)
		}
	}
	checkReserved(t, srv, 0)

	// A peer that leaves with calls in flight leaves nothing reserved.
	srv2, started2, _ := holdServer(t)
	ts2, done2 := serveCounted(t, rpchttp.NewHandler(srv2, nil))
	c2, _, err := websocket.Dial(ctx, wsURL(ts2), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		c2.Write(ctx, websocket.MessageText, holdRequest(i))
		within(t, started2, "a held call")
	}
	c2.Write(ctx, websocket.MessageText, holdRequest(3)[:heldSize/2]) // not JSON
	c2.CloseNow()
	within(t, done2, "the end of the session")
	checkReserved(t, srv2, 0)
}

// Regression (issue 10): the responses of a batch are capped over HTTP too.
func TestHandler_maxResponseBytes(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{MaxResponseBytes: 10_000}})
	openrpc.Register(srv, openrpc.Method{Name: "big"}, func(_ context.Context, _ struct{}) (string, error) {
		return strings.Repeat("x", 1000), nil
	})
	items := make([]string, 100)
	for i := range items {
		items[i] = fmt.Sprintf(`{"jsonrpc":"2.0","method":"big","id":%d}`, i)
	}
	r := post(serve(t, srv).URL, strings.NewReader("["+strings.Join(items, ",")+"]"), false)
	var got []struct {
		Result string
		Error  *struct{ Code int }
	}
	if err := json.Unmarshal(r.body, &got); r.status != http.StatusOK || err != nil || len(got) != 100 {
		t.Fatalf("got %d, %d responses (%v), want 200 with 100 responses", r.status, len(got), err)
	}
	capped := 0
	for _, g := range got {
		if g.Error != nil && g.Error.Code == -32005 {
			capped++
		}
	}
	if capped < 90 || len(r.body) > 10_000+100*150 {
		t.Errorf("%d of 100 responses capped, %d bytes; want at least 90 capped and about 10 kB", capped, len(r.body))
	}
}
