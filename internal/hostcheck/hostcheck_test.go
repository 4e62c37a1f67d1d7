package hostcheck_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/internal/hostcheck"
)

func TestLocal(t *testing.T) {
	for _, tt := range []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.0.0.1:8080", true},
		{"127.0.0.2:8080", true},
		{"192.168.1.5:8080", true}, // any address: a web site's pages are not on it
		{"[::1]:8080", true},
		{"[::1]", true},
		{"::1", true},
		{"[fe80::1%25en0]:8080", true},
		{"[::ffff:127.0.0.1]:8080", true},
		{"localhost", true},
		{"localhost:8080", true},
		{"LocalHost:8080", true},
		{"localhost.", true},
		{"localhost.:8080", true},
		{"app.localhost:3000", true},
		{"App.LOCALHOST.:3000", true},
		{"a.b.localhost", true},
		{"", false},
		{":8080", false},
		{"evil.example", false},
		{"evil.example:8080", false},
		{"evil.example.:8080", false},
		{"EVIL.example:8080", false},
		{"localhost.evil.example:8080", false},
		{"evillocalhost:8080", false},
		{"localhost..", false},
		{"127.0.0.1.nip.io:8080", false},
		{"[evil.example]:8080", false},
	} {
		if got := hostcheck.Local(tt.host); got != tt.want {
			t.Errorf("Local(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestLoopback(t *testing.T) {
	for _, tt := range []struct {
		addr net.Addr
		want bool
	}{
		{&net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 8080}, true},
		{&net.TCPAddr{IP: net.ParseIP("127.1.2.3"), Port: 8080}, true},
		{&net.TCPAddr{IP: net.ParseIP("::1"), Port: 8080}, true},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:127.0.0.1"), Port: 8080}, true},
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 8080}, false},
		{&net.TCPAddr{IP: net.ParseIP("0.0.0.0"), Port: 8080}, false},
		{&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 8080, Zone: "lo"}, false},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, false},
		{&net.UDPAddr{IP: net.ParseIP("127.0.0.1"), Port: 53}, true}, // read from its string
		{&net.UDPAddr{IP: net.ParseIP("192.0.2.1"), Port: 53}, false},
		{(*net.TCPAddr)(nil), false},
		{nil, false},
	} {
		if got := hostcheck.Loopback(tt.addr); got != tt.want {
			t.Errorf("Loopback(%v) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

// request returns a request for host that arrived on the local address local ("" for none
// known).
func request(host, local string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Host = host
	if local != "" {
		addr, err := net.ResolveTCPAddr("tcp", local)
		if err != nil {
			panic(err)
		}
		r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, addr))
	}
	return r
}

func TestPolicy_Allows(t *testing.T) {
	const lo, lo6, lan = "127.0.0.1:8080", "[::1]:8080", "192.0.2.1:8080"
	for _, tt := range []struct {
		name    string
		allowed []string
		host    string
		local   string
		want    bool
	}{
		{"loopback, address", nil, "127.0.0.1:8080", lo, true},
		{"loopback, localhost", nil, "localhost:8080", lo, true},
		{"loopback, IPv6 address", nil, "[::1]:8080", lo6, true},
		{"loopback, another name", nil, "evil.example:8080", lo, false},
		{"IPv6 loopback, another name", nil, "evil.example:8080", lo6, false},
		{"loopback, empty Host", nil, "", lo, false},
		{"another address is not checked", nil, "evil.example:8080", lan, true},
		{"an unknown address is not checked", nil, "evil.example:8080", "", true},
		{"listed", []string{"app.internal"}, "app.internal:8080", lo, true},
		{"listed, without a port", []string{"app.internal"}, "app.internal", lo, true},
		{"listed, other case and a trailing dot", []string{"App.Internal."}, "APP.internal.:8080", lo, true},
		{"listed, another name", []string{"app.internal"}, "evil.example:8080", lo, false},
		{"listed, a longer name", []string{"app.internal"}, "app.internal.evil.example:8080", lo, false},
		{"listed with its port", []string{"app.internal:8080"}, "app.internal:8080", lo, true},
		{"listed with another port", []string{"app.internal:8081"}, "app.internal:8080", lo, false},
		{"listed with a port, none sent", []string{"app.internal:8080"}, "app.internal", lo, false},
		{"wildcard, one label", []string{"*.dev.example.com"}, "a.dev.example.com:8080", lo, true},
		{"wildcard, two labels", []string{"*.dev.example.com"}, "a.b.dev.example.com", lo, true},
		{"wildcard, not the parent", []string{"*.dev.example.com"}, "dev.example.com", lo, false},
		{"wildcard, not a suffix of a label", []string{"*.dev.example.com"}, "evildev.example.com", lo, false},
		{"an address entry changes nothing", []string{"10.0.0.1"}, "evil.example", lo, false},
		{"* turns the check off", []string{"*"}, "evil.example:8080", lo, true},
		{"* turns the check off, empty Host", []string{"*"}, "", lo, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := hostcheck.New(tt.allowed)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Allows(request(tt.host, tt.local)); got != tt.want {
				t.Errorf("Allows(Host %q on %q) = %v, want %v", tt.host, tt.local, got, tt.want)
			}
		})
	}
}

func TestPolicy_nil(t *testing.T) {
	var p *hostcheck.Policy
	if p.Allows(request("evil.example:8080", "127.0.0.1:8080")) {
		t.Error("a nil policy allows another name on loopback")
	}
	if !p.Allows(request("localhost:8080", "127.0.0.1:8080")) {
		t.Error("a nil policy refuses localhost")
	}
}

func TestNew_errors(t *testing.T) {
	for _, tt := range []struct {
		entry, want string
	}{
		{"http://app.internal:8080/x", `not a URL`},
		{"", "want a host name"},
		{"app.internal/x", "want a host name"},
		{"user@app.internal", "want a host name"},
		{":8080", "want a host name before the port"},
		{"app[.internal", "syntax error in pattern"},
	} {
		_, err := hostcheck.New([]string{"app.internal", tt.entry})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.entry) {
			t.Errorf("New(%q): %v, want an error naming it and saying %q", tt.entry, err, tt.want)
		}
	}
	if _, err := hostcheck.New([]string{"http://app.internal:8080/x"}); err == nil || !strings.Contains(err.Error(), `"app.internal:8080"`) {
		t.Errorf("a URL entry: %v, want the host suggested", err)
	}
}
