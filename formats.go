package openrpc

import (
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Checks of the string formats the format tag knows (JSON Schema's names).

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

func isURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }

func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

func isIPv6(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() && a.Zone() == ""
}

var labelRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

func isHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if !labelRE.MatchString(label) {
			return false
		}
	}
	return true
}

var durationRE = regexp.MustCompile(`^P(?:\d+W|(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?)$`)

// isISODuration checks an ISO 8601 duration such as P3DT4H or PT0.5S.
func isISODuration(s string) bool {
	return durationRE.MatchString(s) && s != "P" && !strings.HasSuffix(s, "T")
}

// RFC 3339 date-time and full-time, by their grammar (section 5.6): "T" and "Z" in either
// case, a fraction of any length after a dot (not a comma), a leap second 60.
var (
	dateTimeRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[Tt](.+)$`)
	fullTimeRE = regexp.MustCompile(`^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$`)
)

func isDateTime(s string) bool {
	m := dateTimeRE.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	_, err := time.Parse(time.DateOnly, m[1])
	return err == nil && parseTimeOfDay(m[2])
}

// parseTimeOfDay checks an RFC 3339 full-time such as 10:20:30Z or 23:59:60.5+02:00.
func parseTimeOfDay(s string) bool {
	m := fullTimeRE.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	within := func(v string, max int) bool { n, err := strconv.Atoi(v); return err == nil && n <= max }
	ok := within(m[1], 23) && within(m[2], 59) && within(m[3], 60)
	if m[6] != "" {
		ok = ok && within(m[6], 23) && within(m[7], 59)
	}
	return ok
}
