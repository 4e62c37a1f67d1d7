package gengo

import (
	"strconv"
	"strings"
	"unicode"
)

// initialisms are the words Go spells in one case (as golint and staticcheck read them).
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DNS": true, "EOF": true,
	"GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true, "JSON": true,
	"JWT": true, "LHS": true, "QPS": true, "RAM": true, "RHS": true, "RPC": true, "SLA": true,
	"SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true, "TTL": true, "UDP": true,
	"UI": true, "UID": true, "UUID": true, "URI": true, "URL": true, "UTF8": true, "VM": true,
	"XML": true, "XMPP": true, "XSRF": true, "XSS": true,
}

// words splits s into words: at every character that is not a letter or digit, between a
// lower-case letter or digit and an upper-case one, and before the last upper-case letter of
// a run followed by a lower-case one ("HTTPServer" is HTTP and Server).
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if len(cur) > 0 && unicode.IsUpper(r) {
			prev := cur[len(cur)-1]
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && unicode.IsLower(next)) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

// exportName returns s as an exported Go identifier: CamelCase with Go's initialisms
// ("user_id" is UserID, "get caller" is GetCaller), prefixed with X when it would not start
// with an upper-case letter (a digit, a letter without case) and X alone when s has no
// letter or digit.
func exportName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		rs := []rune(w)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	name := b.String()
	if name == "" {
		return "X"
	}
	if r := []rune(name)[0]; !unicode.IsUpper(r) {
		name = "X" + name
	}
	return name
}

// namespace hands out distinct identifiers: the first comer gets its name, later ones a
// numbered variant (Name2, Name3...), so the outcome depends only on the order of requests.
type namespace map[string]bool

// take returns name, or the first numbered variant of it not taken yet, and takes it.
func (ns namespace) take(name string) string {
	if !ns[name] {
		ns[name] = true
		return name
	}
	for i := 2; ; i++ {
		n := name + strconv.Itoa(i)
		if !ns[n] {
			ns[n] = true
			return n
		}
	}
}
