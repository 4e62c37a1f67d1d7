package main

import (
	"flag"
	"io"
	"slices"
	"testing"
)

// TestParseInterspersed parses flags among arguments: a negative number is an argument
// wherever it stands, also right after a flag; a flag's value may look like a number.
func TestParseInterspersed(t *testing.T) {
	for _, tt := range []struct {
		args, rest []string
		json       bool
		out        string
	}{
		{args: []string{"a", "-5", "3"}, rest: []string{"a", "-5", "3"}},
		{args: []string{"--json", "-5", "3"}, rest: []string{"-5", "3"}, json: true},
		{args: []string{"a", "5", "--json", "-3"}, rest: []string{"a", "5", "-3"}, json: true},
		{args: []string{"--out", "-1", "-2"}, rest: []string{"-2"}, out: "-1"},
		{args: []string{"--out=-1", "-2.5e3", "--json"}, rest: []string{"-2.5e3"}, json: true, out: "-1"},
		{args: []string{"--json=true", "x", "--", "--out", "y"}, rest: []string{"x", "--out", "y"}, json: true},
		{args: []string{"-", "--json", "-"}, rest: []string{"-", "-"}, json: true},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		asJSON := fs.Bool("json", false, "")
		out := fs.String("out", "", "")
		rest, err := parseInterspersed(fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !slices.Equal(rest, tt.rest) || *asJSON != tt.json || *out != tt.out {
			t.Errorf("%q: got %q json=%v out=%q, want %q json=%v out=%q", tt.args, rest, *asJSON, *out, tt.rest, tt.json, tt.out)
		}
	}
	for _, args := range [][]string{{"x", "--nope", "-5"}, {"--out"}, {"-5", "--json=maybe"}} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Bool("json", false, "")
		fs.String("out", "", "")
		if _, err := parseInterspersed(fs, args); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
