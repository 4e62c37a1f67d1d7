package suggest

import (
	"strings"
	"testing"
)

func TestNearest(t *testing.T) {
	names := []string{"limit", "minLength", "id", "username", "sign_up", "sign_in", "get_caller"}
	for name, want := range map[string]string{
		"limt":      "limit",
		"LIMIT":     "limit",
		"minLenght": "minLength", // a transposition is one edit
		"usrname":   "username",
		"ib":        "", // names under 3 bytes get no typo
		"offset":    "",
		"limit":     "limit",
		"sign_inn":  "sign_in", "SIGN_UP": "sign_up", "getcaller": "get_caller", "sing_in": "sign_in",
		"logout": "", "ix": "", "ID": "id",
	} {
		if got := Nearest(name, len(names), func(i int) string { return names[i] }); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"", "abc", 3}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"minLenght", "minLength", 1}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestNearestLongNames: names too long, or too far apart in length, to be a typo of each
// other are not compared byte by byte (a name of megabytes, from a request or a document,
// took the product of the two lengths: minutes for a 4 MB param name against a 100 KB one).
func TestNearestLongNames(t *testing.T) {
	long := strings.Repeat("a", 20000)
	for _, tt := range []struct{ name, candidate string }{
		{long, long + "bcd"},
		{long, long + "b"},
		{"nme", long},
		{strings.Repeat("a", 200), strings.Repeat("a", 200) + "bcd"},
	} {
		if allocs := testing.AllocsPerRun(1, func() { Nearest(tt.name, 1, func(int) string { return tt.candidate }) }); allocs > 0 {
			t.Errorf("Nearest of %d and %d bytes: %v allocations, want none (no comparison)", len(tt.name), len(tt.candidate), allocs)
		}
	}
	if got := Nearest("usernme", 1, func(int) string { return "username" }); got != "username" {
		t.Errorf("Nearest(usernme) = %q", got)
	}
}
