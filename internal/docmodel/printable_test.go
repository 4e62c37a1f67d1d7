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

func TestPrintableJSON(t *testing.T) {
	for in, want := range map[string]string{
		"{\"a\": [1, \"日本語\"]}\n":     "{\"a\": [1, \"日本語\"]}\n",
		"{\n\t\"a\": \"b\"\r\n}":      "{\n\t\"a\": \"b\"\r\n}",
		"\"csi\u009b2J\"":             `"csi\u009b2J"`,
		"\"sep\u2028\u2029 del\x7f\"": `"sep\u2028\u2029 del\u007f"`,
		"\"bad \xff\x9b byte\"":       `"bad \ufffd\ufffd byte"`,
	} {
		if got := string(PrintableJSON([]byte(in))); got != want {
			t.Errorf("PrintableJSON(%q) = %s, want %s", in, got, want)
		}
	}
}
