package hostcheck_test

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/openrpc-go/openrpc/internal/hostcheck"
)

// BenchmarkAllows is the check every request to rpchttp's handler pays: a call on
// loopback naming an address, one naming localhost, and one on another address.
func BenchmarkAllows(b *testing.B) {
	var p *hostcheck.Policy
	for _, bm := range []struct {
		name, host string
		local      net.Addr
	}{
		{"loopback/address", "127.0.0.1:8080", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}},
		{"loopback/localhost", "localhost:8080", &net.TCPAddr{IP: net.IPv6loopback, Port: 8080}},
		{"other", "api.example.com", &net.TCPAddr{IP: net.IPv4(10, 0, 0, 2), Port: 8080}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			r, _ := http.NewRequestWithContext(context.WithValue(context.Background(), http.LocalAddrContextKey, bm.local), http.MethodPost, "http://"+bm.host+"/", nil)
			b.ReportAllocs()
			for b.Loop() {
				if !p.Allows(r) {
					b.Fatal("refused")
				}
			}
		})
	}
}
