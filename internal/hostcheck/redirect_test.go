package hostcheck_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/openrpc-go/openrpc/internal/hostcheck"
)

func TestSameHostRedirect(t *testing.T) {
	req := func(u string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := []*http.Request{req("http://api.example:8080/rpc")}
	for _, tt := range []struct {
		to   string
		want bool
	}{
		{"http://api.example:8080/v2/rpc", true},
		{"https://api.example:8080/rpc", true}, // to TLS on the same host
		{"http://api.example:8081/rpc", false}, // another port: another service
		{"http://other.example:8080/rpc", false},
		{"http://sub.api.example:8080/rpc", false},
		{"ws://api.example:8080/rpc", false},
	} {
		err := hostcheck.SameHostRedirect(req(tt.to), first)
		var re *hostcheck.RedirectError
		if (err == nil) != tt.want || (err != nil && !errors.As(err, &re)) {
			t.Errorf("to %s: %v, want followed %v", tt.to, err, tt.want)
		}
	}
	if err := hostcheck.SameHostRedirect(req("http://api.example/rpc"), []*http.Request{req("https://api.example/rpc")}); err == nil {
		t.Error("https to http followed, want refused")
	}
	var via []*http.Request
	for range 10 {
		via = append(via, req("http://api.example:8080/rpc"))
	}
	if err := hostcheck.SameHostRedirect(req("http://api.example:8080/rpc"), via); err == nil {
		t.Error("an 11th redirect followed, want it refused")
	}
}
