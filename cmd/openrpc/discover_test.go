package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc/internal/exampletest"
	"github.com/openrpc-go/openrpc/internal/golden"
)

// discoverGolden compares got with testdata/discover/NAME.golden, or rewrites it with -update.
func discoverGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "discover", name+".golden"), []byte(got), *update)
}

// TestDiscoverFiles lists the methods of the examples' golden documents; the same golden
// files are compared with the live services in TestLiveExamples.
func TestDiscoverFiles(t *testing.T) {
	root := exampletest.RepoRoot(t)
	for _, name := range []string{"auth", "spec"} {
		doc := filepath.Join(root, "examples", name, "testdata", name+".openrpc.golden")
		out := callRunInProcess(t, "", nil, "discover", doc)
		if out.status != 0 || out.stderr != "" {
			t.Fatalf("discover %s: status %d, stderr %q", doc, out.status, out.stderr)
		}
		discoverGolden(t, name, out.stdout)

		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		out = callRunInProcess(t, string(b), nil, "discover", "-", "--json")
		if out.status != 0 || out.stdout != string(b)+"\n" && out.stdout != string(b) {
			t.Errorf("discover - --json: status %d, stderr %q; the document is not printed as read", out.status, out.stderr)
		}
	}
}

// TestDiscoverDocuments lists the methods of the OpenRPC project's example documents, to
// show types of every kind: component names, arrays, optional params, by-position methods.
func TestDiscoverDocuments(t *testing.T) {
	dir := filepath.Join(exampletest.RepoRoot(t), "e2e", "testdata", "open-rpc-examples")
	var all strings.Builder
	for _, name := range []string{"petstore-expanded-openrpc.json", "params-by-name-petstore-openrpc.json", "link-example-openrpc.json"} {
		out := callRunInProcess(t, "", nil, "discover", filepath.Join(dir, name))
		if out.status != 0 {
			t.Fatalf("discover %s: status %d, stderr %q", name, out.status, out.stderr)
		}
		all.WriteString("$ openrpc discover " + name + "\n" + out.stdout + "\n")
	}
	discoverGolden(t, "open-rpc-examples", all.String())
}

func TestDiscoverUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"discover"}, "give a service's URL or a document file"},
		{[]string{"discover", "a.json", "b.json"}, `unexpected arguments ["b.json"]`},
		{[]string{"discover", filepath.Join(t.TempDir(), "missing.json")}, "a document is a file, -, or an http, https, ws or wss URL"},
	} {
		out := callRunInProcess(t, "", nil, tt.args...)
		if out.status != 2 || !strings.Contains(out.stderr, tt.want) {
			t.Errorf("%q: status %d, stderr %q; want 2 and %q", tt.args, out.status, out.stderr, tt.want)
		}
	}
	out := callRunInProcess(t, "", nil, "discover", "--help")
	if out.status != 0 || !strings.Contains(out.stdout, "Examples:") {
		t.Errorf("--help: status %d, stdout %q", out.status, out.stdout)
	}
}

// testDiscoverLive lists the methods of the live example NAME at base, over HTTP and
// WebSocket: the same table as from its golden document.
func testDiscoverLive(t *testing.T, name, base string) {
	for _, url := range []string{base + "/api/v1", "ws" + strings.TrimPrefix(base, "http") + "/api/v1", base + "/openrpc.json"} {
		out := callRunInProcess(t, "", nil, "discover", url)
		if out.status != 0 || out.stderr != "" {
			t.Errorf("discover %s: status %d, stderr %q", url, out.status, out.stderr)
			continue
		}
		discoverGolden(t, name, out.stdout)
	}
}
