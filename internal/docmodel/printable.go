package docmodel

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s, a text of a document or a service, safe to print on a terminal
// line: control characters (escape sequences, tabs and line breaks included), the Unicode
// line and paragraph separators and bytes that are not UTF-8 are written as Go escapes
// (\x1b, \t, \u2028, \xff); everything else is left as it is.
func Printable(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unprintable) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case unprintable(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}

func unprintable(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// PrintableJSON returns b, JSON a document or a service sent, safe to print on a terminal
// and still the same JSON: control characters and the line and paragraph separators in
// its strings, which a JSON decoder lets through raw when they are C1 controls (U+009B acts
// as ESC [) or separators, are written as \u escapes, and bytes that are not UTF-8 as
// \ufffd, the character decoders read them as. Outside strings valid JSON has only ASCII,
// and no control character but the whitespace tab, line feed and carriage return, which
// are left as they are.
func PrintableJSON(b []byte) []byte {
	safe := func(r rune) bool { return r == '\t' || r == '\n' || r == '\r' || !unprintable(r) }
	if utf8.Valid(b) && !bytes.ContainsFunc(b, func(r rune) bool { return !safe(r) }) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, `\ufffd`...)
		case !safe(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}
