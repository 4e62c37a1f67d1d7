package serveurl_test

import (
	"net"
	"testing"

	"github.com/openrpc-go/openrpc/examples/internal/serveurl"
)

func TestOf(t *testing.T) {
	for _, tt := range []struct{ addr, want string }{
		{"[::]:8080", "http://localhost:8080/api/v1"},
		{"0.0.0.0:8080", "http://localhost:8080/api/v1"},
		{":8080", "http://localhost:8080/api/v1"},
		{"127.0.0.1:8080", "http://127.0.0.1:8080/api/v1"},
		{"[::1]:8080", "http://[::1]:8080/api/v1"},
		{"192.0.2.7:80", "http://192.0.2.7:80/api/v1"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := serveurl.Of(addr, "/api/v1"); got != tt.want {
			t.Errorf("Of(%s): got %s, want %s", tt.addr, got, tt.want)
		}
	}
}
