// Package source reads an OpenRPC document from wherever a user names it: a file, standard
// input, the URL of a document, or a live service's rpc.discover over HTTP or WebSocket.
package source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/hostcheck"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// MaxDocumentBytes bounds a document read from anywhere.
const MaxDocumentBytes = 64 << 20

// Options says how to reach a service.
type Options struct {
	// Header is sent with HTTP requests and the WebSocket handshake (e.g. Authorization).
	Header http.Header
	// Stdin is read for the name "-".
	Stdin io.Reader
	// HTTPClient sends HTTP requests; default a client that follows redirects only to the
	// same host, so that Header goes nowhere else.
	HTTPClient *http.Client
	// Timeout bounds the reading of a URL, connecting included; default DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout bounds the reading of a URL when Options.Timeout is zero: a service
// that accepts the connection and never answers makes Load fail, not wait for ever.
const DefaultTimeout = time.Minute

// IsURL reports whether name is an http, https, ws or wss URL.
func IsURL(name string) bool {
	u, err := url.Parse(name)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
		return u.Host != ""
	}
	return false
}

// Load returns the document name points at:
//   - "-": standard input;
//   - an http(s) URL: the service's rpc.discover result when the URL is a JSON-RPC
//     endpoint, or the document the URL serves (GET) otherwise;
//   - a ws(s) URL: rpc.discover over a WebSocket;
//   - anything else: a file.
//
// The bytes returned are a JSON object with an "openrpc" member; anything else is an error
// that says what was found.
func Load(ctx context.Context, name string, opts *Options) ([]byte, error) {
	if opts == nil {
		opts = &Options{}
	}
	var (
		b   []byte
		err error
	)
	switch {
	case name == "-":
		in := opts.Stdin
		if in == nil {
			in = os.Stdin
		}
		b, err = readAll(in)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
	case IsURL(name):
		timeout := opts.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		uctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		b, err = loadURL(uctx, name, opts)
		if err != nil && ctx.Err() == nil && uctx.Err() != nil {
			return nil, fmt.Errorf("%s: no answer within %s: is it the service's URL, and does the service run?", name, timeout)
		}
		if err != nil {
			return nil, err
		}
	default:
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("%w (a document is a file, -, or an http, https, ws or wss URL)", err)
		}
		defer f.Close()
		b, err = readAll(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
	}
	if err := check(b); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxDocumentBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxDocumentBytes)
	}
	return b, nil
}

// check makes sure b looks like an OpenRPC document.
func check(b []byte) error {
	var head struct {
		OpenRPC *string `json:"openrpc"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if head.OpenRPC == nil {
		return errors.New(`not an OpenRPC document: it has no "openrpc" member`)
	}
	return nil
}

func loadURL(ctx context.Context, name string, opts *Options) ([]byte, error) {
	copts := &rpchttp.ClientOptions{Header: opts.Header, HTTPClient: opts.HTTPClient, PingInterval: -1}
	if strings.HasPrefix(name, "ws://") || strings.HasPrefix(name, "wss://") {
		c, err := rpchttp.DialWebSocket(ctx, name, copts)
		if err != nil {
			return nil, fmt.Errorf("connecting to %s: %w", name, err)
		}
		defer c.Close()
		return discover(ctx, c, name)
	}
	// A URL that serves the document answers a GET with it; a JSON-RPC endpoint refuses
	// the GET (our servers answer 405) and answers rpc.discover.
	b, getErr := get(ctx, name, opts)
	if getErr == nil && check(b) == nil {
		return b, nil
	}
	c := rpchttp.NewClient(name, copts)
	defer c.Close()
	b, err := discover(ctx, c, name)
	if err != nil {
		if getErr == nil {
			getErr = errors.New("the response is not an OpenRPC document")
		}
		return nil, fmt.Errorf("%w; GET %s: %v", err, name, getErr)
	}
	return b, nil
}

func discover(ctx context.Context, c *openrpc.Client, name string) ([]byte, error) {
	var doc json.RawMessage
	if err := c.Call(ctx, "rpc.discover", nil, &doc); err != nil {
		return nil, fmt.Errorf("calling rpc.discover at %s: %w", name, err)
	}
	if len(doc) > MaxDocumentBytes {
		return nil, fmt.Errorf("rpc.discover at %s: larger than %d bytes", name, MaxDocumentBytes)
	}
	return doc, nil
}

func get(ctx context.Context, name string, opts *Options) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, name, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range opts.Header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{CheckRedirect: hostcheck.SameHostRedirect}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, fmt.Errorf("%s", resp.Status)
	}
	b, err := readAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return bytes.TrimSpace(b), nil
}
