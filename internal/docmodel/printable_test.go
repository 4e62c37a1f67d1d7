package docmodel

import "testing"

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"get_pet":                "get_pet",
		"日本語 ok":                 "日本語 ok",
		"a\tb\nc":                `a\tb\nc`,
		"\x1b[31mred\x1b[0m":     `\x1b[31mred\x1b[0m`,
		"line\u2028sep\u0085nel": `line\u2028sep\u0085nel`,
		"bad \xff byte":          `bad \xff byte`,
		"del\x7f":                `del\x7f`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %s, want %s", in, got, want)
		}
	}
}
