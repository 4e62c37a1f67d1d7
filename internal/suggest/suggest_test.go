package suggest

import "testing"

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
