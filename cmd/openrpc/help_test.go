package main

import (
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// TestHelpCallExamples checks the examples of "openrpc call --help" against the documents
// of the services they call at their default addresses, examples/auth on :8080 and
// examples/spec on :8081: every method an example calls (batches included) is one that
// service has, and one that needs a bearer token is called with --bearer.
func TestHelpCallExamples(t *testing.T) {
	services := map[string]*docmodel.Document{}
	for host, file := range map[string]string{
		"localhost:8080": "../../examples/auth/testdata/auth.openrpc.golden",
		"localhost:8081": "../../examples/spec/testdata/spec.openrpc.golden",
	} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if services[host], err = docmodel.Parse(data); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	_, examples, ok := strings.Cut(callCmd.help, "\nExamples:\n")
	if !ok {
		t.Fatal(`openrpc call --help has no "Examples:"`)
	}
	checked := 0
	for line := range strings.Lines(examples) {
		batch, call, ok := strings.Cut(line, "openrpc call ")
		if !ok {
			continue
		}
		args := strings.Fields(call)
		bearer := false
		for len(args) > 0 && strings.HasPrefix(args[0], "-") {
			switch strings.TrimLeft(args[0], "-") {
			case "bearer":
				bearer = true
				args = args[2:]
			case "header", "timeout", "doc":
				args = args[2:]
			default:
				args = args[1:]
			}
		}
		if len(args) < 2 {
			t.Errorf("%q: no URL and METHOD", line)
			continue
		}
		u, err := url.Parse(args[0])
		if err != nil {
			t.Errorf("%q: %v", line, err)
			continue
		}
		doc := services[u.Host]
		if doc == nil {
			continue // a service of no example here, such as an Ethereum node
		}
		methods := []string{args[1]}
		if args[1] == "-" {
			// printf 'METHOD ...\nMETHOD ...\n' | openrpc call URL -
			_, quoted, _ := strings.Cut(batch, "'")
			quoted, _, _ = strings.Cut(quoted, "'")
			methods = nil
			for call := range strings.SplitSeq(strings.TrimSuffix(quoted, `\n`), `\n`) {
				methods = append(methods, strings.Fields(call)[0])
			}
		}
		for _, name := range methods {
			m := doc.Method(name)
			switch {
			case m == nil:
				t.Errorf("%q calls %s, which the service at %s (%s) does not have", strings.TrimSpace(line), name, u.Host, doc.Info.Title)
			case len(m.Security()) > 0 && !bearer:
				t.Errorf("%q calls %s, which needs a bearer token, without --bearer", strings.TrimSpace(line), name)
			}
			checked++
		}
	}
	if checked < 6 {
		t.Errorf("checked %d calls of the examples, want at least 6", checked)
	}
}

// TestREADMESessions runs the README's terminal sessions of commands that read files only
// ("$ openrpc validate FILE", "$ openrpc diff OLD NEW"), from the repository root as the
// README does, and compares what they print and, where the session shows it with
// "$ echo $?", their exit status.
func TestREADMESessions(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	lines := strings.Split(string(readme), "\n")
	ran := 0
	for i := 0; i < len(lines); i++ {
		cmdline, ok := strings.CutPrefix(lines[i], "$ openrpc ")
		if !ok {
			continue
		}
		args := strings.Fields(cmdline)
		if args[0] != "validate" && args[0] != "diff" || slices.ContainsFunc(args[1:], func(a string) bool { return strings.Contains(a, "://") }) {
			continue // a live service: not here
		}
		var want strings.Builder
		for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "$ ") && !strings.HasPrefix(lines[i+1], "```") {
			i++
			want.WriteString(lines[i] + "\n")
		}
		stdout, stderr, status := runCommand(t, "", args...)
		if got := stdout + stderr; got != want.String() {
			t.Errorf("openrpc %s: the README shows\n%s\nbut it prints\n%s", cmdline, want.String(), got)
		}
		if i+2 < len(lines) && lines[i+1] == "$ echo $?" && lines[i+2] != strconv.Itoa(status) {
			t.Errorf("openrpc %s: the README shows exit status %s, got %d", cmdline, lines[i+2], status)
		}
		ran++
	}
	if ran < 2 {
		t.Errorf("ran %d README sessions, want the validate and diff ones", ran)
	}
}
