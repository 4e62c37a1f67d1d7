package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openrpc-go/openrpc/docsui"
)

// docsPage returns the URL of the documentation page of the service at backend: the
// service's own "/" when it serves docsui there, else docsui mounted under /docs/ on a
// front server that proxies /api/v1 and /openrpc.json to the service, so that the page, the
// document and the calls share one origin.
func docsPage(t *testing.T, backend string) string {
	t.Helper()
	res, err := http.Get(backend + "/")
	if err != nil {
		t.Fatalf("GET %s/: %v", backend, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusOK && strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") &&
		strings.Contains(string(body), "assets/app.js") {
		t.Logf("docs page: served by the service at %s/", backend)
		return backend + "/"
	}
	target, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	mux.Handle("/api/v1", proxy)
	mux.Handle("/openrpc.json", proxy)
	mux.Handle("/docs/", http.StripPrefix("/docs", docsui.NewHandler(nil)))
	front := httptest.NewServer(mux)
	t.Cleanup(front.Close)
	t.Logf("docs page: the service does not serve docsui at / yet; serving it at %s/docs/ in front of the service", front.URL)
	return front.URL + "/docs/"
}

// clearInput empties an input as a user selecting its text and deleting it would.
func clearInput(sel chromedp.CSS) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(el => { el.focus(); el.select(); document.execCommand('delete'); })(document.querySelector(` +
		strconv.Quote(string(sel)) + `))`)
}

// TestDocsUI_AuthWalkthrough drives the documentation page of examples/auth in headless
// Chromium through the seed walkthrough: sign up, sign in, use the token, call get_caller,
// and see require_scopes locked and refused. It saves screenshots at 1400 and 390 px wide.
func TestDocsUI_AuthWalkthrough(t *testing.T) {
	b := newBrowser(t)
	page := docsPage(t, authBackend(t))

	b.viewport(t, 1400, 900, false)
	b.do(t, "open the page", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#method-sign_up`)))

	// All five methods, each with a link.
	got := eval[[]string](t, b, `[...document.querySelectorAll('article.method')].map(a => a.dataset.method)`)
	for _, m := range []string{"sign_up", "sign_in", "get_caller", "require_scopes", "grant_scopes"} {
		if !slices.Contains(got, m) {
			t.Errorf("method %s is not on the page; methods: %v", m, got)
		}
		if n := eval[int](t, b, `document.querySelectorAll('#nav a[href="#method-`+m+`"]').length`); n != 1 {
			t.Errorf("links to %s in the contents: got %d, want 1", m, n)
		}
	}
	lock := func(m string) string {
		t.Helper()
		return eval[string](t, b, `(document.querySelector('#method-`+m+` .lock-badge') || {dataset: {lock: 'public'}}).dataset.lock`)
	}
	for m, want := range map[string]string{"sign_up": "public", "sign_in": "public", "get_caller": "locked", "require_scopes": "locked", "grant_scopes": "locked"} {
		if got := lock(m); got != want {
			t.Errorf("before signing in, %s is %q, want %q", m, got, want)
		}
	}
	b.screenshot(t, "docsui-1400-top", false)

	field := func(m, path string) chromedp.CSS {
		return chromedp.CSS(`#method-` + m + ` [data-path="` + path + `"]`)
	}
	send := func(m string) chromedp.CSS { return chromedp.CSS(`#method-` + m + ` button.send`) }
	status := func(m string) string {
		t.Helper()
		return eval[string](t, b, `(document.querySelector('#method-`+m+` .response .status') || {}).textContent || ''`)
	}
	responseBody := func(m string) string {
		t.Helper()
		return eval[string](t, b, `(document.querySelector('#method-`+m+` .response-body') || {}).textContent || ''`)
	}
	waitStatus := func(m string) {
		t.Helper()
		b.waitFor(t, m+"'s response", `document.querySelector('#method-`+m+` .response .status')`)
	}

	// sign_up: invalid input is caught before anything is sent.
	b.do(t, "fill sign_up with invalid values",
		chromedp.Click(chromedp.CSS(`#method-sign_up .try-toggle`)),
		chromedp.SendKeys(field("sign_up", "/username"), "Al"),
		chromedp.SendKeys(field("sign_up", "/password"), "short"),
		chromedp.Click(send("sign_up")))
	b.waitFor(t, "inline errors", `!document.querySelector('#method-sign_up .form-errors').hidden`)
	if n := eval[int](t, b, `document.querySelectorAll('#method-sign_up .form-field.has-error').length`); n != 2 {
		t.Errorf("sign_up with username Al and password short: %d fields marked invalid, want 2", n)
	}
	if s := status("sign_up"); s != "" {
		t.Errorf("invalid sign_up was sent: response %q", s)
	}
	b.screenshot(t, "docsui-1400-validation", false)

	// sign_up, then sign_in, through the forms.
	for _, m := range []string{"sign_up", "sign_in"} {
		if m == "sign_in" {
			b.do(t, "open sign_in", chromedp.Click(chromedp.CSS(`#method-sign_in .try-toggle`)))
		}
		b.do(t, "fill "+m,
			clearInput(field(m, "/username")),
			chromedp.SendKeys(field(m, "/username"), "alice"),
			clearInput(field(m, "/password")),
			chromedp.SendKeys(field(m, "/password"), "correct horse battery"),
			chromedp.Click(send(m)))
		waitStatus(m)
		if s := status(m); s != "Result" {
			t.Fatalf("%s: response %q, want a result; body: %s", m, s, responseBody(m))
		}
	}
	if body := responseBody("sign_up"); !strings.Contains(body, `"result": null`) {
		t.Errorf("sign_up response: got %s, want the result null", body)
	}
	if body := responseBody("sign_in"); !strings.Contains(body, `"access_token"`) {
		t.Errorf("sign_in result has no access_token: %s", body)
	}

	// Use the returned token as the Bearer credential.
	b.do(t, "use the access token", chromedp.Click(chromedp.CSS(`#method-sign_in button.use-token`)))
	b.waitFor(t, "the token in the Bearer box", `document.querySelector('[data-scheme-input="Bearer"]').value.length > 10`)
	if got := lock("get_caller"); got != "open" {
		t.Errorf("signed in, get_caller is %q, want open", got)
	}
	if got := lock("require_scopes"); got != "unknown" {
		t.Errorf("signed in without known scopes, require_scopes is %q, want unknown", got)
	}

	// get_caller shows the user.
	b.do(t, "call get_caller",
		chromedp.Click(chromedp.CSS(`#method-get_caller .try-toggle`)),
		chromedp.Click(send("get_caller")))
	waitStatus("get_caller")
	if s, body := status("get_caller"), responseBody("get_caller"); s != "Result" || !strings.Contains(body, `"alice"`) {
		t.Errorf("get_caller: response %q, body %s; want the user alice", s, body)
	}

	// require_scopes is refused with -32099, and then shown locked.
	b.do(t, "call require_scopes",
		chromedp.Click(chromedp.CSS(`#method-require_scopes .try-toggle`)),
		chromedp.Click(send("require_scopes")))
	waitStatus("require_scopes")
	if s, body := status("require_scopes"), responseBody("require_scopes"); s != "Error -32099" || !strings.Contains(body, "-32099") {
		t.Errorf("require_scopes: response %q, body %s; want error -32099", s, body)
	}
	if got := lock("require_scopes"); got != "locked" {
		t.Errorf("after the refusal, require_scopes is %q, want locked", got)
	}

	// Copy as curl gives the call with the token.
	b.do(t, "copy get_caller as curl", chromedp.Click(chromedp.CSS(`#method-get_caller button.copy-curl`)))
	b.waitFor(t, "the curl command", `document.querySelector('#method-get_caller .curl-cmd')`)
	curl := eval[string](t, b, `document.querySelector('#method-get_caller .curl-cmd').textContent`)
	if !strings.Contains(curl, "Authorization: Bearer ") || !strings.Contains(curl, `"method":"get_caller"`) {
		t.Errorf("curl command lacks the token or the method:\n%s", curl)
	}

	// Screenshots: the walkthrough at 1400 px, the page at 390 px, and the dark theme.
	b.do(t, "scroll to sign_in", chromedp.ScrollIntoView(chromedp.CSS(`#method-sign_in`)))
	b.screenshot(t, "docsui-1400-sign-in", false)
	b.do(t, "scroll to require_scopes", chromedp.ScrollIntoView(chromedp.CSS(`#method-get_caller`)))
	b.screenshot(t, "docsui-1400-get-caller", false)
	b.do(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	b.screenshot(t, "docsui-1400-full", true)

	b.viewport(t, 390, 844, true)
	b.do(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	b.screenshot(t, "docsui-390-top", false)
	b.do(t, "scroll to sign_in", chromedp.ScrollIntoView(chromedp.CSS(`#method-sign_in`)))
	b.screenshot(t, "docsui-390-sign-in", false)
	b.do(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	b.screenshot(t, "docsui-390-full", true)
	if w := eval[int](t, b, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("at 390 px the page is %d px wide: it scrolls sideways", w)
	}
	b.do(t, "open the contents", chromedp.Click(chromedp.CSS(`.menu-toggle`)))
	b.waitFor(t, "the contents drawer", `document.querySelector('#app').classList.contains('menu-open')`)
	time.Sleep(400 * time.Millisecond) // the drawer slides in
	b.screenshot(t, "docsui-390-menu", false)
	b.do(t, "close the contents", chromedp.Click(chromedp.CSS(`.menu-toggle`)))

	b.viewport(t, 1400, 900, false)
	b.do(t, "switch to the dark theme", chromedp.Click(chromedp.CSS(`.theme-toggle`)))
	if theme := eval[string](t, b, `document.documentElement.dataset.theme`); theme != "dark" {
		t.Errorf("after the toggle, the theme is %q, want dark", theme)
	}
	b.do(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	b.screenshot(t, "docsui-1400-dark", false)
	b.do(t, "scroll to get_caller", chromedp.ScrollIntoView(chromedp.CSS(`#method-get_caller`)))
	b.screenshot(t, "docsui-1400-dark-get-caller", false)

	// The rest of the seed walkthrough: the administrator grants scope1 to alice, and alice
	// may then call require_scopes, without signing in again.
	b.do(t, "back to the light theme", chromedp.Click(chromedp.CSS(`.theme-toggle`)))
	signIn := func(user, password string) {
		t.Helper()
		b.do(t, "sign in as "+user,
			clearInput(field("sign_in", "/username")),
			chromedp.SendKeys(field("sign_in", "/username"), user),
			clearInput(field("sign_in", "/password")),
			chromedp.SendKeys(field("sign_in", "/password"), password),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#method-sign_in .response').replaceChildren()`),
			chromedp.Click(send("sign_in")))
		b.waitFor(t, "the token of "+user, `document.querySelector('#method-sign_in button.use-token')`)
		b.do(t, "use the token of "+user, chromedp.Click(chromedp.CSS(`#method-sign_in button.use-token`)))
	}
	signIn("root", "root-password-1")
	if got := lock("grant_scopes"); got != "unknown" {
		t.Errorf("signed in as root, grant_scopes is %q, want unknown", got)
	}
	b.do(t, "grant scope1 to alice",
		chromedp.Click(chromedp.CSS(`#method-grant_scopes .try-toggle`)),
		chromedp.SendKeys(field("grant_scopes", "/username"), "alice"),
		chromedp.SendKeys(field("grant_scopes", "/scopes/0"), "scope1"),
		chromedp.Click(send("grant_scopes")))
	waitStatus("grant_scopes")
	if s, body := status("grant_scopes"), responseBody("grant_scopes"); s != "Result" || !strings.Contains(body, `"scope1"`) {
		t.Fatalf("grant_scopes: response %q, body %s; want alice with scope1", s, body)
	}
	if got := lock("grant_scopes"); got != "open" {
		t.Errorf("after a successful call, grant_scopes is %q, want open", got)
	}
	signIn("alice", "correct horse battery")
	b.do(t, "call require_scopes again",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#method-require_scopes .response').replaceChildren()`),
		chromedp.Click(send("require_scopes")))
	waitStatus("require_scopes")
	if s, body := status("require_scopes"), responseBody("require_scopes"); s != "Result" || !strings.Contains(body, `"result": true`) {
		t.Errorf("require_scopes after the grant: response %q, body %s; want true", s, body)
	}
	if got := lock("require_scopes"); got != "open" {
		t.Errorf("after a successful call, require_scopes is %q, want open", got)
	}
	b.do(t, "scroll to require_scopes", chromedp.ScrollIntoView(chromedp.CSS(`#method-require_scopes`)))
	b.screenshot(t, "docsui-1400-granted", false)

	b.checkNoProblems(t)
}
