package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/exampletest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// tscDir holds the pinned TypeScript compiler the tests run (npm ci --prefix
// cmd/openrpc/testdata/tsc).
const tscDir = "testdata/tsc"

// strictTS are the compiler options every generated module must pass: strict and the
// stricter checks users turn on, so the module compiles in any project.
var strictTS = map[string]any{
	"strict":                             true,
	"target":                             "es2022",
	"module":                             "es2022",
	"moduleResolution":                   "bundler",
	"noUnusedLocals":                     true,
	"noUnusedParameters":                 true,
	"noImplicitOverride":                 true,
	"noImplicitReturns":                  true,
	"noUncheckedIndexedAccess":           true,
	"exactOptionalPropertyTypes":         true,
	"noPropertyAccessFromIndexSignature": true,
	"noFallthroughCasesInSwitch":         true,
	"isolatedModules":                    true,
	"types":                              []string{},
}

// nodeTools returns the paths of node and of the pinned tsc, skipping the test when one
// is missing, or failing it under CI=true.
func nodeTools(t *testing.T) (node, tsc string) {
	t.Helper()
	tsc, err := filepath.Abs(filepath.Join(tscDir, "node_modules", "typescript", "bin", "tsc"))
	if err == nil {
		_, err = os.Stat(tsc)
	}
	if err == nil {
		node, err = exec.LookPath("node")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node or tsc missing under CI: %v (run npm ci --prefix cmd/openrpc/%s)", err, tscDir)
		}
		t.Skipf("node or tsc not installed (npm ci --prefix cmd/openrpc/%s): %v", tscDir, err)
	}
	return node, tsc
}

// genTS runs "openrpc gen ts" in-process and returns the module it wrote.
func genTS(t *testing.T, doc, out string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"gen", "ts", "--doc", doc, "--out", out}); code != 0 {
		t.Fatalf("gen ts --doc %s: exit %d\n%s", doc, code, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(out, "client.ts"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tsDocuments returns the documents whose TypeScript clients must compile: the OpenRPC
// project's examples, the golden documents of the repository and its examples, and the
// difficult documents of testdata.
func tsDocuments(t *testing.T) []string {
	return repoDocuments(t, filepath.Join("testdata", "ts-*.json"), filepath.Join("testdata", "messy-*.json"),
		filepath.Join("testdata", "by-position.openrpc.json"))
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// TestGenTSCompiles generates the client of every document twice (the bytes must not
// change) and compiles them all with one run of tsc under the strictest options.
func TestGenTSCompiles(t *testing.T) {
	dir := t.TempDir()
	var include []string
	for i, doc := range tsDocuments(t) {
		name := fmt.Sprintf("%02d-%s", i, strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(filepath.Base(doc)), "-"), "-"))
		first := genTS(t, doc, filepath.Join(dir, name))
		again := genTS(t, doc, filepath.Join(t.TempDir(), "again"))
		if !bytes.Equal(first, again) {
			t.Errorf("%s: two runs gave different modules", doc)
		}
		include = append(include, name+"/client.ts")
	}
	node, tsc := nodeTools(t)
	opts := maps.Clone(strictTS)
	maps.Copy(opts, map[string]any{"noEmit": true, "lib": []string{"es2022"}})
	writeJSON(t, filepath.Join(dir, "tsconfig.json"), map[string]any{"compilerOptions": opts, "files": include})
	runTool(t, dir, node, tsc, "-p", ".")
}

// TestGenTSNode calls examples/spec and examples/auth, running as processes, through
// the clients generated from their live documents, over HTTP and WebSocket: the driver
// (testdata/ts-node/driver.ts) is compiled with tsc and run with node.
func TestGenTSNode(t *testing.T) {
	node, tsc := nodeTools(t)
	authURL := exampletest.StartAuth(t)
	specURL := exampletest.Start(t, "spec", nil)
	dir := t.TempDir()
	// One document read with rpc.discover over HTTP, the other over WebSocket.
	genTS(t, authURL+"/api/v1", filepath.Join(dir, "auth"))
	genTS(t, "ws"+strings.TrimPrefix(specURL, "http")+"/api/v1", filepath.Join(dir, "spec"))
	runDriver(t, node, tsc, dir, "driver", "AUTH_URL="+authURL, "SPEC_URL="+specURL)
}

// TestGenTSByPosition generates a client from the rpc.discover of a real server (over
// HTTP on loopback) and runs testdata/ts-node/by-position.ts with node: by position, an
// optional param left undefined before a given one reaches the server as the document's
// default, or as null when it may be null, and one with neither makes the method reject
// before sending anything, alone or in a batch; the server records the params as sent.
func TestGenTSByPosition(t *testing.T) {
	node, tsc := nodeTools(t)
	rec := &received{}
	srv := openrpc.NewServer(openrpc.Info{Title: "pages", Version: "1"}, &openrpc.ServerOptions{Middleware: []openrpc.Middleware{rec.middleware}})
	rec.register(srv)
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	dir := t.TempDir()
	genTS(t, ts.URL, filepath.Join(dir, "pages"))
	runDriver(t, node, tsc, dir, "by-position", "PAGES_URL="+ts.URL)

	got, _ := rec.list(context.Background(), struct{}{})
	want := []string{`[10,null,"asc"]`, `[0,null,"desc","t"]`, `[10,"c","asc"]`, `[5]`, `[10,null,"asc"]`}
	if !slices.Equal(got, want) {
		t.Errorf("page_by_position received\n%q, want\n%q", got, want)
	}
}

// runDriver compiles testdata/ts-node/NAME.ts, which imports the clients generated in dir,
// under the strict options and runs it with node, with the environment variables env: it
// must exit 0 having printed PASS.
func runDriver(t *testing.T, node, tsc, dir, name string, env ...string) {
	t.Helper()
	driver, err := os.ReadFile(filepath.Join("testdata", "ts-node", name+".ts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".ts"), driver, 0o644); err != nil {
		t.Fatal(err)
	}
	writeJSON(t, filepath.Join(dir, "package.json"), map[string]any{"type": "module", "private": true})
	opts := maps.Clone(strictTS)
	maps.Copy(opts, map[string]any{"outDir": "js", "rootDir": ".", "lib": []string{"es2022", "dom"}})
	writeJSON(t, filepath.Join(dir, "tsconfig.json"), map[string]any{"compilerOptions": opts, "files": []string{name + ".ts"}})
	runTool(t, dir, node, tsc, "-p", ".")

	args := []string{filepath.Join(dir, "js", name+".js")}
	if nodeMajor(t, node) < 22 {
		args = append([]string{"--experimental-websocket"}, args...) // global WebSocket since 22
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("\nPASS\n")) {
		t.Fatalf("node %s.js: %v\n%s", name, err, out)
	}
	t.Logf("%s", out)
}

func nodeMajor(t *testing.T, node string) int {
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	if err != nil {
		t.Fatalf("node --version: %q", out)
	}
	return major
}

func runTool(t *testing.T, dir, node string, args ...string) {
	t.Helper()
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
