package hostcheck

import (
	"fmt"
	"net/http"
)

// maxRedirects is how many redirects SameHostRedirect follows, as net/http does by default.
const maxRedirects = 10

// SameHostRedirect is an [http.Client] CheckRedirect that follows a redirect only to the
// host of the first request (the same host and port, with the same scheme or from http to
// https). net/http drops Authorization and Cookie on a redirect to another domain but sends
// every other header it was given, such as an X-Api-Key, on to wherever the server points:
// a client configured with credentials for one service refuses rather than take them to
// another.
func SameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	from := via[0].URL
	to := req.URL
	sameScheme := to.Scheme == from.Scheme || from.Scheme == "http" && to.Scheme == "https"
	if to.Host == from.Host && sameScheme {
		return nil
	}
	return &RedirectError{From: from.String(), To: to.String()}
}

// RedirectError is the error of a redirect that [SameHostRedirect] refused.
type RedirectError struct {
	From, To string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s redirects to %s, another host: not followed, so that the headers sent to the first go nowhere else; use the new URL if you trust it", e.From, e.To)
}
