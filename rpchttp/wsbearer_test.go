package rpchttp_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// A browser cannot set headers on a WebSocket handshake; it can offer subprotocols. A bearer
// token offered as one reaches the server as Authorization, and no handler sees it among
// the subprotocols.
func TestWebSocket_bearerTokenAsSubprotocol(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "whoami"}, func(ctx context.Context, _ struct{}) ([]string, error) {
		tok, _ := openrpc.BearerToken(ctx)
		return []string{tok, http.Header(openrpc.CallerFrom(ctx).Header).Get("Sec-WebSocket-Protocol")}, nil
	})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	url := "ws" + strings.TrimPrefix(ts.URL, "http")
	const token = "eyJhbGciOiJIUzI1NiJ9.e30.sig+/="

	for _, tt := range []struct {
		name      string
		protocols []string
		header    string
		want      [2]string
		selected  string
	}{
		{"token", []string{rpchttp.Subprotocol, rpchttp.BearerSubprotocolPrefix + base64.RawURLEncoding.EncodeToString([]byte(token))}, "", [2]string{token, rpchttp.Subprotocol}, rpchttp.Subprotocol},
		{"no subprotocol", nil, "", [2]string{"", ""}, ""},
		{"not base64url", []string{rpchttp.Subprotocol, rpchttp.BearerSubprotocolPrefix + "***"}, "", [2]string{"", rpchttp.Subprotocol}, rpchttp.Subprotocol},
		{"header wins", []string{rpchttp.Subprotocol, rpchttp.BearerSubprotocolPrefix + base64.RawURLEncoding.EncodeToString([]byte("other"))}, "Bearer real", [2]string{"real", rpchttp.Subprotocol}, rpchttp.Subprotocol},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := &websocket.DialOptions{Subprotocols: tt.protocols}
			if tt.header != "" {
				opts.HTTPHeader = map[string][]string{"Authorization": {tt.header}}
			}
			c, _, err := websocket.Dial(t.Context(), url, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			if c.Subprotocol() != tt.selected {
				t.Errorf("selected subprotocol %q, want %q", c.Subprotocol(), tt.selected)
			}
			if err := c.Write(t.Context(), websocket.MessageText, []byte(`{"jsonrpc":"2.0","method":"whoami","id":1}`)); err != nil {
				t.Fatal(err)
			}
			_, reply, err := c.Read(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			got := string(reply)
			want := `{"jsonrpc":"2.0","result":["` + tt.want[0] + `","` + tt.want[1] + `"],"id":1}`
			if got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}
