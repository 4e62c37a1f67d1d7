package rpcmcp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcmcp"
)

// swappableToken sends the token it holds at the time of each request.
type swappableToken struct {
	mu    sync.Mutex
	token string
}

func (s *swappableToken) set(tok string) {
	s.mu.Lock()
	s.token = tok
	s.mu.Unlock()
}

func (s *swappableToken) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	tok := s.token
	s.mu.Unlock()
	return bearerTransport{token: tok, next: http.DefaultTransport}.RoundTrip(r)
}

// TestNewHandler_tokenOfEachRequest checks that the Authorization header of every HTTP
// request of a session reaches the authorizer, not that of the request that opened it: a
// session opened with a token and then used without one (or the other way round) is
// refused (or granted) call by call, and listed accordingly.
func TestNewHandler_tokenOfEachRequest(t *testing.T) {
	h, err := rpcmcp.NewHandler(newTestServer(t), &rpcmcp.Options{HideForbidden: authorize}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h)
	defer hs.Close()
	tok := &swappableToken{token: testToken}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(context.Background(),
		&mcp.StreamableClientTransport{Endpoint: hs.URL, HTTPClient: &http.Client{Transport: tok}, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	for i, token := range []string{testToken, "", "nope", testToken} {
		tok.set(token)
		list, err := cs.ListTools(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		granted := token == testToken
		if listed := slices.ContainsFunc(list.Tools, func(tool *mcp.Tool) bool { return tool.Name == "whoami" }); listed != granted {
			t.Errorf("step %d, token %q: whoami listed %v, want %v", i, token, listed, granted)
		}
		res := callTool(t, cs, "whoami", nil)
		if granted {
			if res.IsError {
				t.Errorf("step %d, token %q: whoami refused: %s", i, token, toolText(t, res))
			}
			continue
		}
		if e := toolError(t, res); e.Code != openrpc.CodePermissionError {
			t.Errorf("step %d, token %q: code %d, want %d", i, token, e.Code, openrpc.CodePermissionError)
		}
	}
}
