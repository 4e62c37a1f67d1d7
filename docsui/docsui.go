// Package docsui serves an interactive documentation page for an OpenRPC service: what
// Tabella is to the Python openrpc library.
//
// The page reads the service's OpenRPC document and shows its info, its methods grouped by
// tag (params with their types and constraints, result, errors, examples, security) and its
// component schemas, with search and a link to each method. Each method has a "Try it" form
// generated from its param schemas: the input is checked against the schemas before it is
// sent, the call is POSTed to the JSON-RPC endpoint or sent over a WebSocket to the same
// URL (a switch on the page chooses), and the response is shown with its timing, next to
// the same call as a curl command. Over WebSocket the page keeps one connection, opened
// when first needed and reopened when it drops, and shows its state.
//
// A method the document marks with "x-subscription" (registered with openrpc.RegisterSubscription)
// is shown as a subscription, with the schema of its events and its unsubscribe method.
// Its Try it subscribes over WebSocket, lists the events as they arrive and the
// notification that ends the subscription, and unsubscribes with a button.
//
// Browsers cannot set headers on a WebSocket handshake: over WebSocket the page sends API
// keys that go in the query and the cookies the browser holds for the endpoint, but not an
// Authorization header, so a method that needs a bearer token is best tried over HTTP. An authorization box per security scheme
// of the document (components["x-securitySchemes"]) takes a bearer token or an API key and
// adds it to calls; methods whose "x-security" the credentials entered cannot satisfy are
// marked locked, and a result carrying an access_token can be used as the bearer token.
//
// Mount the handler next to the JSON-RPC endpoint and the document:
//
//	mux.Handle("/api/v1", rpchttp.NewHandler(srv, nil))
//	mux.Handle("/openrpc.json", rpchttp.NewDocumentHandler(srv))
//	mux.Handle("/", docsui.NewHandler(nil))
//
// or under a prefix, with http.StripPrefix("/docs", docsui.NewHandler(nil)) for "/docs/":
// the page loads its assets with relative URLs.
//
// A document that no server serves, such as a file, is given as [Options.Document]: the
// handler serves it beside the page.
//
// The page reads any OpenRPC document from 1.0.0-rc0 to 1.3.x, not only those this
// framework generates: local $refs to components (methods, content descriptors, schemas,
// examples, errors, links, tags) are followed, by-name and by-position params both get
// forms, and absent optional fields are left out rather than shown empty. An example's
// params are paired with the method's by name when each is named after one of them, else
// by position (documents such as @open-rpc/examples name example values "two" or "four"),
// and such an example is shown as the list of values the document gives. What cannot be
// shown, such as a $ref that does not resolve, is said on the page.
//
// Composite schemas are explained rather than shown as "any": an allOf is shown as the
// object it merges into, with links to the components it takes fields from; a oneOf or
// anyOf as its alternatives, labelled by their titles, each with its fields, patterns and
// values; a oneOf or anyOf with a null branch (however written: type "null" with a title
// beside it, ["null"], enum [null], const null) as a nullable value; tuple items position
// by position; not, const, additionalProperties and patternProperties in words. Nested
// structure folds past a few levels, and component schemas, recursive ones included, are
// links. The alternatives of an array's items are shown as those of each item ("array of
// (Tag name | Tag id)"). Try it follows the same shapes: one form for the merged fields of
// an allOf, a choice of alternative that switches the fields below it, for each array item
// its own (the value is checked against the alternative chosen), a null toggle, one input
// per tuple position, and a JSON editor for any composite value. A value typed as JSON
// must match an alternative of a oneOf or an anyOf, at every depth; an error names the item
// and why each alternative refuses it ("/tags/2: matches none of the 2 alternatives: Tag
// name: must match ^[a-z]+$; Tag id: must be an integer"). A value that matches several
// alternatives of a oneOf is sent all the same: real documents write overlapping oneOfs
// (an Ethereum block hash also matches the block number pattern) and the server judges.
// Links of methods and of components.links are shown with the method they lead to and the
// params they map.
//
// The page's script and styles are embedded in the binary; it loads nothing from the network
// but the document and the calls it makes. Every response carries a strict
// Content-Security-Policy: scripts and styles from the page's own origin only, no inline
// code, no frames, and network access only to the page's origin and to the origins of
// [Options.DocumentURL], [Options.Endpoint] and [Options.ConnectOrigins], each over HTTP
// and WebSocket alike (https://api.example.com and wss://api.example.com).
package docsui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// Options configures the page. The zero value (or nil) gives the defaults.
type Options struct {
	// DocumentURL is where the page fetches the OpenRPC document; default "/openrpc.json".
	// It may be relative to the page, or an absolute http(s) URL of another origin to
	// document a remote server (which must then allow the page's origin with CORS). When
	// the document cannot be fetched, the page asks the endpoint with rpc.discover.
	DocumentURL string
	// Endpoint is the JSON-RPC endpoint the page sends calls to; default the URL of the
	// document's first server (resolved against the document's URL), else "/api/v1".
	// The page calls it over HTTP POST or over WebSocket, at the same URL with the ws(s)
	// scheme, as its endpoint switch says; a ws(s) URL here selects WebSocket at first.
	Endpoint string
	// Title is the page's title; default the document's info.title.
	Title string
	// ConnectOrigins are further origins ("https://api.example.com") the page may send
	// calls to, such as those of the servers a remote document lists. The origins of
	// DocumentURL and Endpoint are allowed without being listed. Each origin is allowed
	// over HTTP and WebSocket alike: https://api.example.com allows wss://api.example.com.
	ConnectOrigins []string
	// Document is the OpenRPC document the page shows when no server serves one over
	// HTTP: a file, or the description of a service that lives elsewhere. The handler
	// serves it itself, at "openrpc.json" beside the page, and the page reads it from
	// there; DocumentURL must then be empty. The bytes are copied. Calls still go to
	// Endpoint, else to the document's first server: list that server's origin in
	// ConnectOrigins for the page to reach it. NewHandler panics when Document is not a
	// JSON object with a "methods" array.
	Document json.RawMessage
}

//go:embed assets
var assetFS embed.FS

//go:embed index.html
var indexSource string

var indexTemplate = template.Must(template.New("index").Parse(indexSource))

// asset is an embedded file as served.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// contentTypes are those of the asset extensions, set explicitly so that they do not depend
// on the machine's MIME tables.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".png": "image/png",
}

// assets are the embedded files by URL path ("assets/app.js"), read once.
var assets = func() map[string]*asset {
	out := map[string]*asset{}
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			return fmt.Errorf("docsui: no content type for asset %s", p)
		}
		out[p] = &asset{body: body, contentType: ct, etag: etagOf(body)}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}()

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// handler serves the page and its assets, and the document when it is given.
type handler struct {
	index    *asset
	document *asset // nil: the page fetches the document elsewhere
	csp      string
}

var _ http.Handler = (*handler)(nil)

// NewHandler returns a handler serving the documentation page at its root ("/") and the
// page's assets below "/assets/", and [Options.Document] at "/openrpc.json" when it is
// given. Other paths are not found. Only GET and HEAD are served. NewHandler panics when an
// option is not a valid URL, origin or document, like http.ServeMux.Handle does with a bad
// pattern.
func NewHandler(opts *Options) http.Handler {
	if opts == nil {
		opts = &Options{}
	}
	docURL := opts.DocumentURL
	var document *asset
	if opts.Document != nil {
		if docURL != "" {
			panic("docsui: NewHandler: Document and DocumentURL are both set: give one")
		}
		if err := checkDocument(opts.Document); err != nil {
			panic(fmt.Sprintf("docsui: NewHandler: Document: %v", err))
		}
		b := bytes.Clone(opts.Document)
		document = &asset{body: b, contentType: "application/json", etag: etagOf(b)}
		docURL = "openrpc.json" // beside the page, wherever it is mounted
	}
	if docURL == "" {
		docURL = "/openrpc.json"
	}
	origins := []string{}
	for _, u := range []string{docURL, opts.Endpoint} {
		if u == "" {
			continue
		}
		o, err := originOf(u)
		if err != nil {
			panic(fmt.Sprintf("docsui: NewHandler: %v", err))
		}
		if o != "" {
			origins = append(origins, o)
		}
	}
	for _, o := range opts.ConnectOrigins {
		if err := checkOrigin(o); err != nil {
			panic(fmt.Sprintf("docsui: NewHandler: ConnectOrigins: %v", err))
		}
		origins = append(origins, strings.TrimSuffix(o, "/"))
	}
	// Try it also calls over WebSocket, on the same endpoint URL with the ws(s) scheme.
	for _, o := range slices.Clone(origins) {
		origins = append(origins, counterpart(o))
	}
	slices.Sort(origins)
	origins = slices.Compact(origins)

	var buf bytes.Buffer
	err := indexTemplate.Execute(&buf, map[string]any{
		"Title":       opts.Title,
		"DocumentURL": docURL,
		"Endpoint":    opts.Endpoint,
		"Version":     assetVersion(),
	})
	if err != nil {
		panic(err)
	}
	body := buf.Bytes()
	return &handler{
		index:    &asset{body: body, contentType: "text/html; charset=utf-8", etag: etagOf(body)},
		document: document,
		csp:      contentSecurityPolicy(origins),
	}
}

// checkDocument accepts a JSON object with a "methods" array, which is what the page needs
// to show a document.
func checkDocument(b []byte) error {
	var d struct {
		Methods []json.RawMessage `json:"methods"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	if d.Methods == nil {
		return fmt.Errorf(`no "methods" array: not an OpenRPC document`)
	}
	return nil
}

// contentSecurityPolicy returns the page's policy, allowing connections to the page's own
// origin and to origins.
func contentSecurityPolicy(origins []string) string {
	connect := "connect-src 'self'"
	for _, o := range origins {
		connect += " " + o
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		connect,
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// assetVersion is a digest of every asset: the page asks for "assets/app.js?v=…", so a new
// build is never mixed with cached assets of an old one.
func assetVersion() string {
	h := sha256.New()
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for p := range assets {
			if !yield(p) {
				return
			}
		}
	}) {
		h.Write([]byte(p))
		h.Write(assets[p].body)
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// originOf returns the origin of an absolute http(s) URL, "" for a URL relative to the page,
// and an error for anything else.
func originOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Scheme == "" && u.Host == "" {
		return "", nil
	}
	o := u.Scheme + "://" + u.Host
	if err := checkOrigin(o); err != nil {
		return "", fmt.Errorf("URL %q: %v", raw, err)
	}
	return o, nil
}

// counterpart returns the WebSocket origin of an http(s) origin and the http(s) origin of a
// ws(s) one: the page reaches an endpoint through both.
func counterpart(o string) string {
	scheme, rest, _ := strings.Cut(o, "://")
	switch scheme {
	case "http":
		return "ws://" + rest
	case "https":
		return "wss://" + rest
	case "ws":
		return "http://" + rest
	default: // "wss", as checkOrigin allows no other
		return "https://" + rest
	}
}

// checkOrigin accepts "scheme://host[:port]" with scheme http or https (ws and wss for
// WebSocket endpoints), which is safe to put into the policy header as it is.
func checkOrigin(o string) error {
	u, err := url.Parse(strings.TrimSuffix(o, "/"))
	if err != nil {
		return err
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return fmt.Errorf("origin %q: want an http, https, ws or wss origin", o)
	}
	if u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" ||
		strings.ContainsAny(u.Host, " ;,'\"\t\r\n") {
		return fmt.Errorf("origin %q: want scheme://host[:port] and nothing else", o)
	}
	return nil
}

// ServeHTTP serves the page at "/", and the assets.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", h.csp)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "the documentation page is read with GET", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if p == "" {
		// Mounted with http.StripPrefix("/docs", …) and asked for "/docs": the page's
		// relative asset URLs need the trailing slash.
		base := path.Base(strings.SplitN(r.RequestURI, "?", 2)[0])
		if base == "/" || base == "." {
			base = ""
		}
		hdr.Set("Location", base+"/") // relative: resolved against the URL asked for
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	var a *asset
	switch {
	case p == "/" || p == "/index.html":
		a = h.index
	case p == "/openrpc.json":
		a = h.document
	default:
		a = assets[strings.TrimPrefix(p, "/")]
	}
	if a == nil {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("ETag", a.etag)
	hdr.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
