package openrpc

import (
	"regexp"
	"testing"
)

// TestFastPattern checks that the one-pass matcher of simple patterns agrees with regexp on
// every string of up to four characters over an alphabet that exercises its classes, and
// that it declines the patterns greedy matching would get wrong.
func TestFastPattern(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		fast    bool
	}{
		{`^[a-z]+$`, true},
		{`^[a-z][a-z0-9_]{2,3}$`, true},
		{`^[0-9]{3}$`, true},
		{`^[A-Z]{2}-\d{2}$`, true},
		{`^[a-z-]*$`, true},
		{`^a?b`, true},
		{`^ab*`, true},
		{`^[a-z]+-[0-9]+$`, true},
		{`^x{0,2}y$`, true},
		{`^\w+$`, true},
		{`^[[:alpha:]]{2}`, true},
		{`^$`, true},
		{`^[a-z]+[a-z]$`, false},    // the last letter must be left to the second run
		{`^[a-z]*0?1$`, false},      // a run of length zero may follow a varying one
		{`^[a-z0-9]+[0-9]$`, false}, // classes overlap
		{`[a-z]+$`, false},          // unanchored at the start: a search
		{`^(?i)ab$`, false},
		{`^[^a-z]+$`, false}, // includes non-ASCII
		{`^(a|b)$`, false},
		{`^é$`, false},
		{`^a.b$`, false},
	} {
		t.Run(tt.pattern, func(t *testing.T) {
			re := regexp.MustCompile(tt.pattern)
			p := compileFastPattern(tt.pattern)
			if (p != nil) != tt.fast {
				t.Fatalf("got fast %v, want %v", p != nil, tt.fast)
			}
			if p == nil {
				return
			}
			alphabet := []string{"a", "z", "Z", "0", "1", "_", "-", "x", "y", "b", "é"}
			var walk func(s string, depth int)
			walk = func(s string, depth int) {
				if got, want := p.match(s), re.MatchString(s); got != want {
					t.Errorf("%q: got match %v, want %v (regexp)", s, got, want)
				}
				if depth == 4 {
					return
				}
				for _, c := range alphabet {
					walk(s+c, depth+1)
				}
			}
			walk("", 0)
		})
	}
}
