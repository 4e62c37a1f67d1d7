// Package serveurl gives the URL a person can open for a server of the examples.
package serveurl

import "net"

// Of returns the http URL of path on addr, a listener's address, as a person can open it: a
// listener on every address (":8080", "0.0.0.0:8080", "[::]:8080") is reached at localhost.
func Of(addr net.Addr, path string) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + path
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + path
}
