package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/source"
	"github.com/openrpc-go/openrpc/docsui"
	"github.com/openrpc-go/openrpc/internal/docmodel"
	"github.com/openrpc-go/openrpc/internal/hostcheck"
)

var docsCmd = &command{
	name:    "docs",
	usage:   "DOC|URL [--addr HOST:PORT] [--endpoint URL] [--header \"Name: value\"]",
	summary: "serve the interactive documentation page of any document or live service",
	help: `
DOC is a file, - for standard input, the URL of a document, or a live service's URL
(http, https, ws, wss), whose rpc.discover is called.

The page shows the document's methods, schemas, errors and examples, and has a Try it
form for each method. Its calls go through this command, which forwards them to one
JSON-RPC endpoint only, so a server on another origin, without CORS, works from the
page. The endpoint is:

  - --endpoint when given;
  - the service's URL, for a live service;
  - else the document's first server (servers[0].url, its variables at their defaults,
    resolved against the document's URL).

Without one, Try it answers with an error saying so. Calls are forwarded over HTTP POST,
and WebSocket upgrades too, with the Authorization header and API keys the page adds;
cookies, and requests from pages of other origins, are not passed.

It listens on the loopback interface only unless --addr says otherwise, and answers
requests for an IP address or localhost only (not for other host names, which a web
site could point at this machine); stop it with Ctrl-C.

Examples:

  openrpc docs openrpc.json
  openrpc docs http://localhost:8080/api/v1
  openrpc docs https://example.com/openrpc.json --endpoint https://example.com/rpc
  openrpc docs ws://localhost:8080/api/v1 --addr 127.0.0.1:0
  openrpc mock api.json --addr 127.0.0.1:8089 & openrpc docs http://127.0.0.1:8089/
`,
}

// Bounds of what the proxy forwards: request bodies as the framework's default request
// limit, responses a little over its default response limit.
const (
	maxProxyRequestBytes  = 5 << 20
	maxProxyResponseBytes = 32 << 20
)

// proxyCallTimeout bounds how long a call over HTTP waits for the endpoint's answer: under
// the server's write timeout (a minute), so the page hears why rather than nothing.
var proxyCallTimeout = 50 * time.Second

// proxyPath is where the page sends its calls, beside the page.
const proxyPath = "/rpc"

func init() {
	var (
		addr, endpoint string
		headers        headerFlag
	)
	docsCmd.flags = func(fs *flag.FlagSet) {
		headers = nil // a run starts from the defaults, also in tests that run several
		fs.StringVar(&addr, "addr", "127.0.0.1:8088", "the address to listen on (`HOST:PORT`; port 0 picks a free one)")
		fs.StringVar(&endpoint, "endpoint", "", "the JSON-RPC endpoint Try it calls (http, https, ws or wss `URL`)")
		fs.Var(&headers, "header", "a header for reading the document and for every call, `Name: value` (repeatable)")
	}
	docsCmd.run = func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
		switch {
		case len(args) == 0:
			return usagef("no document: give a file or a URL, as in \"openrpc docs openrpc.json\"")
		case len(args) > 1:
			return usagef("unexpected arguments %q: give one document", args[1:])
		}
		name := args[0]
		raw, err := source.Load(ctx, name, &source.Options{Header: http.Header(headers), Stdin: e.stdin})
		if err != nil {
			return err
		}
		doc, err := docmodel.Parse(raw)
		if err != nil {
			return fmt.Errorf("%s: %w; check it with \"openrpc validate %s\"", name, err, name)
		}
		target, why := endpointOf(ctx, name, doc, http.Header(headers))
		if endpoint != "" {
			target, why = endpoint, ""
		}
		var to *url.URL
		if target != "" {
			if to, err = proxyTarget(target); err != nil {
				return usagef("endpoint %q: %v", target, err)
			}
		}
		title := doc.Info.Title
		if title == "" {
			title = name
		}
		return serveHTTP(ctx, e, addr, func(base string) (http.Handler, string, error) {
			page := &docsui.Options{Document: raw, Endpoint: strings.TrimPrefix(proxyPath, "/")}
			if to != nil && (strings.HasPrefix(target, "ws://") || strings.HasPrefix(target, "wss://")) {
				// A WebSocket endpoint: the page starts with its WebSocket switch on.
				page.Endpoint = "ws" + strings.TrimPrefix(base, "http") + strings.TrimPrefix(proxyPath, "/")
			}
			if err := checkDocument(raw); err != nil {
				return nil, "", fmt.Errorf("%s: %v", name, err)
			}
			p := newDocsProxy(ctx, to, http.Header(headers), why, func(format string, args ...any) {
				fmt.Fprintf(e.stderr, format+"\n", args...)
			})
			ui := docsui.NewHandler(page)
			h := p.guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == proxyPath {
					p.ServeHTTP(w, r)
					return
				}
				ui.ServeHTTP(w, r)
			}))
			msg := fmt.Sprintf("serving the docs of %s at %s", title, base)
			if to != nil {
				msg += fmt.Sprintf("\nTry it calls go through %s%s to %s", base, strings.TrimPrefix(proxyPath, "/"), target)
			} else {
				msg += "\nTry it is off: " + why
			}
			return h, msg, nil
		})
	}
}

// checkDocument is docsui's condition on a document, checked before NewHandler, which
// panics on a document without methods.
func checkDocument(raw []byte) error {
	var d struct {
		Methods []json.RawMessage `json:"methods"`
	}
	if err := json.Unmarshal(raw, &d); err != nil || d.Methods == nil {
		return errors.New(`the document has no "methods" array, which the page needs`)
	}
	return nil
}

// endpointOf returns the JSON-RPC endpoint of the document name names, or "" and why
// there is none: the URL of a live service itself; else the document's first server,
// resolved against the document's URL.
func endpointOf(ctx context.Context, name string, doc *docmodel.Document, header http.Header) (string, string) {
	if strings.HasPrefix(name, "ws://") || strings.HasPrefix(name, "wss://") {
		return name, ""
	}
	if source.IsURL(name) && !servesDocument(ctx, name, header) {
		return name, "" // a JSON-RPC endpoint, which answered rpc.discover
	}
	if len(doc.Servers) == 0 || doc.Servers[0].URL == "" {
		return "", "the document lists no server; give the endpoint with --endpoint URL, or serve a mock with \"openrpc mock DOC\" and run \"openrpc docs\" on its URL"
	}
	srv := doc.Servers[0]
	u := serverVariable.ReplaceAllStringFunc(srv.URL, func(m string) string {
		v, ok := srv.Variables[serverVariable.FindStringSubmatch(m)[1]]
		if !ok {
			return m
		}
		return v.Default
	})
	if source.IsURL(name) {
		if base, err := url.Parse(name); err == nil {
			if ref, err := url.Parse(u); err == nil {
				u = base.ResolveReference(ref).String()
			}
		}
	}
	if _, err := proxyTarget(u); err != nil {
		return "", fmt.Sprintf("the document's server %q is not a URL the page can call (%v); give one with --endpoint URL", srv.URL, err)
	}
	return u, ""
}

// serverVariable is a ${name} (or {name}) in a server URL.
var serverVariable = regexp.MustCompile(`\$?\{([^}]+)\}`)

// servesDocument reports whether a GET of u answers with a document, which makes u the
// document's URL rather than a JSON-RPC endpoint.
func servesDocument(ctx context.Context, u string, header http.Header) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return false
	}
	var head struct {
		OpenRPC json.RawMessage `json:"openrpc"`
	}
	return json.NewDecoder(io.LimitReader(res.Body, source.MaxDocumentBytes)).Decode(&head) == nil && head.OpenRPC != nil
}

// proxyTarget returns the URL the proxy forwards to for an endpoint: the endpoint itself,
// with http(s) for ws(s), as a WebSocket handshake is an HTTP request to it.
func proxyTarget(endpoint string) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "http", "https":
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	default:
		return nil, errors.New("want an absolute http, https, ws or wss URL")
	}
	if u.Host == "" || u.User != nil {
		return nil, errors.New("want an absolute URL with a host and no user info")
	}
	u.Fragment = ""
	return u, nil
}

// docsProxy forwards the page's calls to one endpoint.
type docsProxy struct {
	ctx    context.Context // the command's: its end closes the WebSockets forwarded
	target *url.URL        // nil: Try it is off
	header http.Header     // added to every call that does not carry the header
	off    string          // why Try it is off
	logf   func(format string, args ...any)
	rp     *httputil.ReverseProxy
}

// guard refuses requests from pages of other origins, as the framework's handler does
// (net/http.CrossOriginProtection, WebSocket handshakes included), and requests naming a
// Host other than an IP address or localhost (hostcheck.Local): a web site whose name
// resolves to this machine (DNS rebinding) is same-origin with the page. Unlike the
// framework's handler, which checks requests on loopback only, the guard checks them
// wherever the command listens: it forwards calls with the --header credentials.
func (p *docsProxy) guard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostcheck.Local(r.Host) {
			http.Error(w, "this server answers requests for 127.0.0.1 and localhost only: open the URL it printed", http.StatusForbidden)
			return
		}
		judged := r
		if r.Method == http.MethodGet && isUpgrade(r) {
			post := *r
			post.Method = http.MethodPost // the handshake is judged as a call
			judged = &post
		}
		if err := cop.Check(judged); err != nil {
			http.Error(w, "refused: a request from a page of another origin; open the documentation page this command serves", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// ServeHTTP forwards a call, a POST, or a WebSocket handshake to the endpoint.
func (p *docsProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	upgrade := r.Method == http.MethodGet && isUpgrade(r)
	if r.Method != http.MethodPost && !upgrade {
		w.Header().Set("Allow", "POST")
		http.Error(w, "the documentation page's calls are POSTed here, or made over a WebSocket", http.StatusMethodNotAllowed)
		return
	}
	if p.target == nil {
		if upgrade {
			http.Error(w, "Try it is off: "+p.off, http.StatusServiceUnavailable)
			return
		}
		writeRPCError(w, r, http.StatusServiceUnavailable, "Try it is off: "+p.off)
		return
	}
	if upgrade {
		// The connection outlives the server's read and write timeouts of a request.
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Time{})
		rc.SetWriteDeadline(time.Time{})
		// The server's shutdown does not end hijacked connections: the command's end
		// closes the connection to the endpoint, which ends the forwarding.
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		defer context.AfterFunc(p.ctx, cancel)()
		r = r.WithContext(ctx)
	}
	if r.ContentLength > maxProxyRequestBytes {
		writeRPCError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request is over %d bytes", maxProxyRequestBytes))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxProxyRequestBytes)
	if !upgrade {
		ctx, cancel := context.WithTimeout(r.Context(), proxyCallTimeout)
		defer cancel()
		r = r.WithContext(ctx)
	}
	p.rp.ServeHTTP(w, r)
}

// newDocsProxy returns a proxy to target, nil when Try it is off, for the reason off; the
// WebSockets it forwards end with ctx.
func newDocsProxy(ctx context.Context, target *url.URL, header http.Header, off string, logf func(format string, args ...any)) *docsProxy {
	p := &docsProxy{ctx: ctx, target: target, header: header, off: off, logf: logf}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			to := *p.target
			to.RawQuery = joinQuery(p.target.RawQuery, pr.In.URL.RawQuery) // API keys in the query
			pr.Out.URL = &to
			pr.Out.Host = ""
			h := pr.Out.Header
			// The command is the endpoint's client: what belongs to the page's origin stays.
			for _, k := range []string{"Cookie", "Origin", "Referer", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User"} {
				h.Del(k)
			}
			for k, v := range p.header {
				if h.Get(k) == "" {
					h[k] = v
				}
			}
		},
		ModifyResponse: func(res *http.Response) error {
			res.Header.Del("Set-Cookie")
			if res.StatusCode != http.StatusSwitchingProtocols {
				res.Body = &limitedBody{ReadCloser: res.Body, left: maxProxyResponseBytes}
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeRPCError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request is over %d bytes", maxProxyRequestBytes))
				return
			}
			if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() != nil {
				p.logf("forwarding a call to %s: no answer within %v", p.target, proxyCallTimeout)
				writeRPCError(w, r, http.StatusGatewayTimeout, fmt.Sprintf("the endpoint %s did not answer within %v", p.target, proxyCallTimeout))
				return
			}
			p.logf("forwarding a call to %s: %v", p.target, err)
			writeRPCError(w, r, http.StatusBadGateway, fmt.Sprintf("the endpoint %s did not answer: %v; is it running?", p.target, err))
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	return p
}

func joinQuery(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "&" + b
}

// limitedBody ends a response body with an error past its bound.
type limitedBody struct {
	io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("the endpoint's response is over %d bytes", maxProxyResponseBytes)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// writeRPCError answers a call the proxy does not forward with a JSON-RPC error, which the
// page shows; its id is the call's when the body says it.
func writeRPCError(w http.ResponseWriter, r *http.Request, status int, message string) {
	id := json.RawMessage("null")
	if r.Body != nil {
		var call struct {
			ID json.RawMessage `json:"id"`
		}
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if json.Unmarshal(bytes.TrimSpace(b), &call) == nil && call.ID != nil {
			id = call.ID
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	type rpcError struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	json.NewEncoder(w).Encode(struct {
		JSONRPC string          `json:"jsonrpc"`
		Error   rpcError        `json:"error"`
		ID      json.RawMessage `json:"id"`
	}{"2.0", rpcError{-32000, message}, id})
}
