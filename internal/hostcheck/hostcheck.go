// Package hostcheck decides which Host a request to a server on loopback may name: the
// defence against DNS rebinding shared by rpchttp's handler and the openrpc command.
//
// A page on http://evil.example:8080 whose name the attacker re-resolves to 127.0.0.1 is,
// to the browser, same-origin with the server listening there: its calls pass every
// origin check, and carry Host: evil.example:8080. A web site cannot make a browser send
// an IP address, "localhost" or a name under "localhost." as the Host of its own pages, so
// a server reached on a loopback address answers those and the names its operator lists.
//
// On the client side, [SameHostRedirect] keeps a client's headers on the host it was
// configured for.
package hostcheck

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"path"
	"strings"
)

// Local reports whether host, a request's Host (host or host:port, an IPv6 address in
// brackets), names this machine in a form no web site can make a browser send for its own
// pages: an IP address, "localhost", or a name under it such as "app.localhost"
// (RFC 6761), in any case, with or without a trailing dot. An empty Host is not local.
func Local(host string) bool {
	name, _ := split(host)
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	_, err := netip.ParseAddr(name)
	return err == nil
}

// split returns host's name, lower-cased, without brackets or a trailing dot, and its
// port ("" without one).
func split(host string) (name, port string) {
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), ""
	}
	return strings.TrimSuffix(strings.ToLower(name), "."), port
}

// Loopback reports whether addr, a connection's local address, is a loopback IP address
// (127.0.0.0/8, ::1, or 127.x.x.x mapped into IPv6).
func Loopback(addr net.Addr) bool {
	switch a := addr.(type) {
	case nil:
		return false
	case *net.TCPAddr: // what net/http's server puts in the context, read without allocating
		return a != nil && a.IP.IsLoopback()
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// Policy decides whether a request may be served, by the Host it names and the address
// it arrived on. The zero Policy (and nil) lets requests on loopback name local hosts only.
type Policy struct {
	any     bool // "*": every host, the check off
	allowed []entry
}

// entry is one allowed host: a path.Match pattern for the name, and the port, "" for any.
type entry struct {
	name, port string
}

// New returns the policy that also lets requests on loopback name the hosts in allowed:
// names or path.Match patterns ("app.internal", "*.dev.example.com"), matched
// case-insensitively and ignoring a trailing dot, on any port, or on the one an entry
// gives ("app.internal:8080"). The entry "*" allows every host, which turns the check
// off. An entry that is not a host[:port] pattern (a URL, say) is an error.
func New(allowed []string) (*Policy, error) {
	p := &Policy{}
	for _, a := range allowed {
		switch {
		case a == "*":
			p.any = true
			continue
		case strings.Contains(a, "://"):
			return nil, fmt.Errorf("entry %q: want a host name, as in %q, not a URL", a, hostOf(a))
		case a == "" || strings.ContainsAny(a, "/?#@ \t"):
			return nil, fmt.Errorf("entry %q: want a host name or pattern, as in app.internal, app.internal:8080 or *.dev.example.com", a)
		}
		name, port := split(a)
		if name == "" {
			return nil, fmt.Errorf("entry %q: want a host name before the port", a)
		}
		if _, err := netip.ParseAddr(name); err == nil {
			continue // addresses are always allowed
		}
		if _, err := path.Match(name, ""); err != nil {
			return nil, fmt.Errorf("entry %q: %v", a, err)
		}
		p.allowed = append(p.allowed, entry{name, port})
	}
	return p, nil
}

// hostOf returns the host[:port] of a URL-like entry, for the error that suggests it.
func hostOf(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// Allows reports whether r may be served: it did not arrive on a loopback address (a
// server reached on another address is not the target of DNS rebinding, and its Host is
// its proxy's business), or its Host is [Local] or allowed. A request whose local address
// is unknown, as when a handler is called without net/http's server
// (http.LocalAddrContextKey unset), is not checked.
func (p *Policy) Allows(r *http.Request) bool {
	if p != nil && p.any {
		return true
	}
	if addr, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr); !Loopback(addr) {
		return true
	}
	return Local(r.Host) || p.listed(r.Host)
}

// listed reports whether host matches one of the allowed entries.
func (p *Policy) listed(host string) bool {
	if p == nil {
		return false
	}
	name, port := split(host)
	for _, e := range p.allowed {
		if ok, _ := path.Match(e.name, name); ok && (e.port == "" || e.port == port) {
			return true
		}
	}
	return false
}
