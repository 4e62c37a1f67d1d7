package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc/internal/exampletest"
	"github.com/openrpc-go/openrpc/internal/golden"
)

// runCommand runs the command line args in-process and returns its output and status.
func runCommand(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	status = run(ctx, e, args)
	return out.String(), errOut.String(), status
}

// checkOutput compares got with the file want, or rewrites it with -update.
func checkOutput(t *testing.T, want, got string) {
	t.Helper()
	golden.Check(t, want, []byte(got), *update)
}

// TestValidate runs validate on each document of testdata/validate and compares its output
// and status with the .out file beside it.
func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		doc    string
		flags  []string
		status int
	}{
		{"valid.json", nil, 0},
		{"duplicates.json", nil, 1},
		{"optional-first.json", nil, 1},
		{"refs.json", nil, 1},
		{"examples.json", nil, 1},
		{"codes.json", nil, 1},
		{"metaschema.json", nil, 1},
		{"links.json", nil, 0},
		{"extensions.json", nil, 0},
		{"extensions.json", []string{"--strict"}, 1},
		{"extensions.json", []string{"--json"}, 0},
		{"not-json.json", nil, 2},
	} {
		name := strings.TrimSuffix(tt.doc, ".json") + strings.Join(tt.flags, "")
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "validate", tt.doc)
			stdout, stderr, status := runCommand(t, "", append([]string{"validate", path}, tt.flags...)...)
			if status != tt.status {
				t.Errorf("status %d, want %d\n%s%s", status, tt.status, stdout, stderr)
			}
			checkOutput(t, filepath.Join("testdata", "validate", name+".out"), stdout+stderr)
		})
	}
}

func TestValidateJSON(t *testing.T) {
	stdout, _, status := runCommand(t, "", "validate", "--json", filepath.Join("testdata", "validate", "duplicates.json"))
	if status != 1 {
		t.Errorf("status %d, want 1", status)
	}
	var problems []struct{ Pointer, Severity, Message string }
	if err := json.Unmarshal([]byte(stdout), &problems); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if len(problems) != 2 || problems[0].Pointer != "/methods/0/params/1/name" || problems[0].Severity != "error" ||
		problems[0].Message != `duplicate param name "limit" (also param 0) of method "list_pets"` {
		t.Errorf("got %+v", problems)
	}
	stdout, _, status = runCommand(t, "", "validate", "--json", filepath.Join("testdata", "validate", "valid.json"))
	if status != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("valid document: status %d, output %s", status, stdout)
	}
}

func TestValidateUsage(t *testing.T) {
	for _, args := range [][]string{{"validate"}, {"validate", "a.json", "b.json"}, {"diff", "a.json"}, {"diff", "-", "-"}} {
		if _, stderr, status := runCommand(t, "", args...); status != 2 || !strings.Contains(stderr, "usage: openrpc") {
			t.Errorf("%q: status %d, stderr %q", args, status, stderr)
		}
	}
	if _, stderr, status := runCommand(t, "", "validate", "testdata/validate/missing.json"); status != 2 || !strings.Contains(stderr, "missing.json") {
		t.Errorf("missing file: status %d, stderr %q", status, stderr)
	}
}

// TestValidateStdin reads the document from standard input.
func TestValidateStdin(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "validate", "optional-first.json"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, _, status := runCommand(t, string(b), "validate", "-")
	if status != 1 || !strings.Contains(stdout, `/methods/0/params/1/required: required param "subtrahend" after the optional param "minuend"`) {
		t.Errorf("status %d:\n%s", status, stdout)
	}
}

func TestDiff(t *testing.T) {
	golden := filepath.Join("..", "..", "examples", "auth", "testdata", "auth.openrpc.golden")
	v2 := filepath.Join("testdata", "diff", "auth-v2.openrpc.json")
	for _, tt := range []struct {
		name     string
		old, new string
		flags    []string
		status   int
	}{
		{"auth-v2", golden, v2, nil, 1},
		{"auth-v2-back", v2, golden, nil, 1},
		{"auth-v2-json", golden, v2, []string{"--json"}, 1},
		{"auth-same", golden, golden, nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, status := runCommand(t, "", append([]string{"diff", tt.old, tt.new}, tt.flags...)...)
			if status != tt.status {
				t.Errorf("status %d, want %d\n%s%s", status, tt.status, stdout, stderr)
			}
			checkOutput(t, filepath.Join("testdata", "diff", tt.name+".out"), stdout+stderr)
		})
	}
}

// TestDiffNonBreaking exits 0 when the changes keep clients working.
func TestDiffNonBreaking(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.json")
	doc := `{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [{"name": "m", "params": [%s]}]}`
	if err := os.WriteFile(old, []byte(strings.Replace(doc, "%s", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, status := runCommand(t, strings.Replace(doc, "%s", `{"name": "a", "schema": {}}`, 1), "diff", old, "-")
	if status != 0 || stdout != "Non-breaking changes (1):\n  m/params/a: optional param added\n" {
		t.Errorf("status %d:\n%s", status, stdout)
	}
}

// TestLiveService validates the running auth example's document, read with rpc.discover
// over HTTP and WebSocket, and finds no change between it and the golden document.
func TestLiveService(t *testing.T) {
	base := exampletest.StartAuth(t)
	golden := filepath.Join("..", "..", "examples", "auth", "testdata", "auth.openrpc.golden")
	for _, url := range []string{base + "/api/v1", "ws" + strings.TrimPrefix(base, "http") + "/api/v1", base + "/openrpc.json"} {
		stdout, stderr, status := runCommand(t, "", "validate", url)
		if status != 0 || stdout != url+": valid\n" {
			t.Errorf("validate %s: status %d\n%s%s", url, status, stdout, stderr)
		}
		stdout, stderr, status = runCommand(t, "", "diff", golden, url)
		if status != 0 || stdout != "No changes.\n" {
			t.Errorf("diff golden %s: status %d\n%s%s", url, status, stdout, stderr)
		}
	}
	if _, stderr, status := runCommand(t, "", "validate", base+"/nothing-here"); status != 2 {
		t.Errorf("validate a URL without a document: status %d, %s", status, strconv.Quote(stderr))
	}
}
