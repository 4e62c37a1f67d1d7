package suggest

import "testing"

func TestNearest(t *testing.T) {
	names := []string{"limit", "minLength", "id", "username"}
	for name, want := range map[string]string{
		"limt":      "limit",
		"LIMIT":     "limit",
		"minLenght": "minLength", // a transposition is one edit
		"usrname":   "username",
		"ib":        "", // names under 3 bytes get no typo
		"offset":    "",
		"limit":     "limit",
	} {
		if got := Nearest(name, len(names), func(i int) string { return names[i] }); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", name, got, want)
		}
	}
}
