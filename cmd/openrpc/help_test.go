package main

import (
	"net/url"
	"os"
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
