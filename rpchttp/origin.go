package rpchttp

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// originPolicy decides which browser pages may call the handler, over HTTP and WebSocket
// alike, and writes the CORS headers for the trusted ones.
type originPolicy struct {
	cop          *http.CrossOriginProtection
	patterns     []string // compiled; with "://" matched against scheme://host, else host
	allowHeaders string   // the preflight's Access-Control-Allow-Headers
	maxAge       string   // the preflight's Access-Control-Max-Age; "" sends none
	credentials  bool
}

// defaultAllowHeaders are the request headers pages on trusted origins may always send.
var defaultAllowHeaders = []string{"Authorization", "Content-Type"}

// defaultPreflightMaxAge is how long browsers may cache a preflight answer by default.
const defaultPreflightMaxAge = 10 * time.Minute

// newOriginPolicy checks and compiles the origin options. Mistakes panic, like those of
// http.ServeMux.Handle: a bad pattern must not quietly refuse (or trust) every page.
func newOriginPolicy(opts *HandlerOptions) *originPolicy {
	p := &originPolicy{cop: http.NewCrossOriginProtection(), maxAge: strconv.Itoa(int(defaultPreflightMaxAge / time.Second))}
	headers := slices.Clone(defaultAllowHeaders)
	if opts != nil {
		for _, pat := range opts.OriginPatterns {
			p.patterns = append(p.patterns, compileOriginPattern(pat))
		}
		for _, name := range opts.CORSAllowHeaders {
			if !isToken(name) {
				panic(fmt.Sprintf("rpchttp: CORSAllowHeaders: %q is not a header name", name))
			}
			headers = append(headers, http.CanonicalHeaderKey(name))
		}
		switch {
		case opts.CORSMaxAge < 0:
			p.maxAge = ""
		case opts.CORSMaxAge > 0:
			p.maxAge = strconv.FormatInt(int64(opts.CORSMaxAge/time.Second), 10)
		}
		p.credentials = opts.CORSAllowCredentials
	}
	p.allowHeaders = strings.Join(headers, ", ")
	return p
}

// compileOriginPattern checks one OriginPatterns entry and returns it as trusted matches
// it: lower-cased, the brackets of an IPv6 literal escaped.
func compileOriginPattern(pat string) string {
	bad := func(why string) {
		panic(fmt.Sprintf("rpchttp: OriginPatterns entry %q: %s", pat, why))
	}
	scheme, host, hasScheme := strings.Cut(strings.ToLower(pat), "://")
	if !hasScheme {
		scheme, host = "", scheme
	}
	switch {
	case hasScheme && scheme == "":
		bad("want a scheme before ://, as in https://app.example.com")
	case host == "":
		bad("want a host, as in app.example.com or https://app.example.com")
	case strings.ContainsAny(host, "/?#"):
		bad("an origin has no path, query or fragment: want scheme://host[:port] or a host pattern")
	case strings.HasPrefix(host, "[") && strings.Contains(host, "]"):
		// An IPv6 literal, whose brackets are not a character class.
		host = `\[` + strings.Replace(host[1:], "]", `\]`, 1)
	}
	compiled := host
	if hasScheme {
		compiled = scheme + "://" + host
	}
	if _, err := path.Match(compiled, ""); err != nil {
		bad(err.Error())
	}
	return compiled
}

// isToken reports whether s is an HTTP token (RFC 9110), as header names are.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c >= 0x7f || c <= ' ' || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// trusted reports whether origin (an Origin header) matches one of the patterns. An origin
// without a host ("null", from sandboxed frames and file: pages) matches none.
func (p *originPolicy) trusted(origin string) bool {
	if len(p.patterns) == 0 || origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Host)
	full := strings.ToLower(u.Scheme) + "://" + host
	for _, pat := range p.patterns {
		target := host
		if strings.Contains(pat, "://") {
			target = full
		}
		if ok, _ := path.Match(pat, target); ok {
			return true
		}
	}
	return false
}

// allows reports whether r may be served: it is not a cross-origin browser request, or it
// comes from a trusted origin. The decision is http.CrossOriginProtection's (Sec-Fetch-Site,
// else Origin against Host; requests with neither, from programs rather than browser
// pages, pass) with the trusted origins given by the patterns. Every request is judged as
// the POST it is or stands for: a WebSocket handshake is a GET, a preflight an OPTIONS, and
// CrossOriginProtection lets those through.
func (p *originPolicy) allows(r *http.Request) bool {
	if r.Method != http.MethodPost {
		post := *r
		post.Method = http.MethodPost
		r = &post
	}
	return p.cop.Check(r) == nil || p.trusted(r.Header.Get("Origin"))
}

// refuse answers a request allows refused with 403, saying why; it runs nothing.
func refuse(w http.ResponseWriter, r *http.Request) {
	who := "a page on another site"
	if origin := r.Header.Get("Origin"); origin != "" {
		who = fmt.Sprintf("pages on %q", origin)
	}
	why := "Origin does not match Host " + strconv.Quote(r.Host)
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		why = "Sec-Fetch-Site: " + site
	}
	http.Error(w, "cross-origin request refused: "+who+" may not call this server ("+why+")", http.StatusForbidden)
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" &&
		r.Header.Get("Access-Control-Request-Method") != ""
}

// preflight answers a CORS preflight: 204 with the CORS headers for a trusted origin, 403
// without any for another.
func (p *originPolicy) preflight(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	if !p.allows(r) {
		refuse(w, r)
		return
	}
	hdr.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	hdr.Set("Access-Control-Allow-Methods", http.MethodPost)
	hdr.Set("Access-Control-Allow-Headers", p.allowHeaders)
	if p.maxAge != "" {
		hdr.Set("Access-Control-Max-Age", p.maxAge)
	}
	if p.credentials {
		hdr.Set("Access-Control-Allow-Credentials", "true")
	}
	w.WriteHeader(http.StatusNoContent)
}

// allowOrigin adds the CORS headers of a response to a page on a trusted origin, so that
// the page may read it.
func (p *originPolicy) allowOrigin(hdr http.Header, r *http.Request) {
	if len(p.patterns) == 0 {
		return // only same-origin pages may call, and they need no CORS headers
	}
	hdr.Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); p.trusted(origin) {
		hdr.Set("Access-Control-Allow-Origin", origin)
		if p.credentials {
			hdr.Set("Access-Control-Allow-Credentials", "true")
		}
	}
}
