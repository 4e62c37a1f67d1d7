package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/docmodel"
	"github.com/openrpc-go/openrpc/rpchttp"
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
		_, err := parseInterspersed(fs, args)
		if err == nil {
			t.Errorf("%q: no error", args)
			continue
		}
		if hint := `goes after "--"`; strings.Contains(err.Error(), "not defined") != strings.Contains(err.Error(), hint) {
			t.Errorf("%q: %v: the hint %q is for unknown flags alone", args, err, hint)
		}
	}
}

// TestHeadersStartEmpty runs commands twice in one process: the --header of the first run
// is not sent by the second (tests run commands in-process through run).
func TestHeadersStartEmpty(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("testdata", "validate", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, strings.Join(r.Header.Values("X-Test"), ","))
		w.Write(doc)
	}))
	defer ts.Close()
	for _, args := range [][]string{
		{"validate", ts.URL},
		{"diff", ts.URL, ts.URL},
		{"discover", ts.URL},
	} {
		got = nil
		if _, stderr, status := runCommand(t, "", slices.Concat(args, []string{"--header", "X-Test: 1"})...); status != 0 {
			t.Fatalf("%q: status %d: %s", args, status, stderr)
		}
		if _, stderr, status := runCommand(t, "", args...); status != 0 {
			t.Fatalf("%q: status %d: %s", args, status, stderr)
		}
		first, second := got[:len(got)/2], got[len(got)/2:]
		if !slices.Equal(first, slices.Repeat([]string{"1"}, len(first))) || !slices.Equal(second, slices.Repeat([]string{""}, len(second))) {
			t.Errorf("%q: X-Test sent %q with --header X-Test: 1, then %q without", args, first, second)
		}
	}
}

// TestNoControlCharacters prints what a hostile document or service says, its names,
// title and error messages holding escape sequences and line breaks: they come out escaped,
// so they can neither drive the terminal nor forge lines of the output.
func TestNoControlCharacters(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "ctl.json")
	if err := os.WriteFile(doc, []byte(`{"openrpc": "1.3.2", "info": {"title": "T\u001b[31m\nforged", "version": "1"},
		"methods": [{"name": "a\tb\nFAKE row", "params": [{"name": "p\u001b[2J", "schema": {"$ref": "#/components/schemas/X\tY"}}],
		"result": {"name": "r", "schema": {"type": "string"}}}],
		"components": {"schemas": {"X\tY": {"type": "string", "enum": [1]}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "fail"}, func(ctx context.Context, p struct{}) (struct{}, error) {
		return struct{}{}, openrpc.NewError(4001, "it failed\x1b[2J\nforged line", nil)
	})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	other := filepath.Join("testdata", "validate", "valid.json")
	for _, args := range [][]string{
		{"discover", doc},
		{"diff", doc, other},
		{"diff", other, doc},
		{"validate", doc},
		{"call", ts.URL, "fail"},
		{"call", ts.URL, "-"},
	} {
		stdout, stderr, _ := runCommand(t, "fail\n", args...)
		for _, out := range []string{stdout, stderr} {
			for line := range strings.Lines(out) {
				if strings.ContainsFunc(strings.TrimSuffix(line, "\n"), unicode.IsControl) {
					t.Errorf("%q: a control character in %q", args, line)
				}
				if strings.HasPrefix(line, "forged") || strings.HasPrefix(line, "FAKE") {
					t.Errorf("%q: a forged line %q", args, line)
				}
			}
		}
	}
}

// TestNoControlCharactersInJSON prints JSON a hostile service sends, whose strings hold C1
// controls (U+009B is CSI, as ESC [ is), line separators and bytes that are not UTF-8, all
// of which a JSON decoder lets through: results, error data, batch lines and the document of
// discover --json come out with them escaped, as the same JSON values (invalid bytes as
// U+FFFD, as decoders read them).
func TestNoControlCharactersInJSON(t *testing.T) {
	const hostile = "\"a\u009b2J\u2028b\x9b31m\xffc\""
	doc := `{"openrpc": "1.3.2", "info": {"title": ` + hostile + `, "version": "1"}, "methods": [
		{"name": "m", "params": [], "result": {"name": "r", "schema": {}}},
		{"name": "e", "params": [], "result": {"name": "r", "schema": {}}}]}`
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			io.WriteString(w, doc)
			return
		}
		var reqs []json.RawMessage
		batch := json.Unmarshal(b, &reqs) == nil
		if !batch {
			reqs = []json.RawMessage{b}
		}
		var out []string
		for _, m := range reqs {
			json.Unmarshal(m, &req)
			switch req.Method {
			case "rpc.discover":
				out = append(out, `{"jsonrpc": "2.0", "id": `+string(req.ID)+`, "result": `+doc+`}`)
			case "m":
				out = append(out, `{"jsonrpc": "2.0", "id": `+string(req.ID)+`, "result": {"k": `+hostile+`}}`)
			default:
				out = append(out, `{"jsonrpc": "2.0", "id": `+string(req.ID)+`, "error": {"code": 1, "message": "x", "data": `+hostile+`}}`)
			}
		}
		if batch {
			io.WriteString(w, "["+strings.Join(out, ",")+"]")
		} else {
			io.WriteString(w, out[0])
		}
	}))
	defer hs.Close()
	removed := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(removed, []byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"},
		"methods": [{"name": `+hostile+`, "params": [], "result": {"name": "r", "schema": {}}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		vars map[string]string
		args []string
	}{
		{nil, []string{"diff", "--json", removed, filepath.Join("testdata", "validate", "valid.json")}},
		{nil, []string{"call", hs.URL, "m"}},
		{map[string]string{"CLICOLOR_FORCE": "1"}, []string{"call", hs.URL, "m"}},
		{nil, []string{"call", "--json", hs.URL, "m"}},
		{nil, []string{"call", hs.URL, "e"}},
		{nil, []string{"call", "--json", hs.URL, "e"}},
		{nil, []string{"call", hs.URL, "-"}},
		{nil, []string{"discover", "--json", hs.URL}},
	} {
		out := callRunInProcess(t, "m\ne\n", tt.vars, tt.args...)
		for _, s := range []string{out.stdout, out.stderr} {
			if !utf8.ValidString(s) {
				t.Errorf("%q: bytes that are not UTF-8 in %q", tt.args, s)
			}
			for line := range strings.Lines(s) {
				line = strings.ReplaceAll(strings.TrimSuffix(line, "\n"), "\x1b[", "") // colors are ours
				if strings.ContainsFunc(line, func(r rune) bool { return r != '\t' && unicode.IsControl(r) || r == '\u2028' }) {
					t.Errorf("%q: a control character in %q", tt.args, line)
				}
			}
		}
		if !strings.Contains(strings.ReplaceAll(out.stdout+out.stderr, `\ufffd`, "\ufffd"), `a\u009b2J\u2028b`+"\ufffd31m\ufffdc") {
			t.Errorf("%q: the hostile string is not escaped as the same JSON value:\nstdout %q\nstderr %q", tt.args, out.stdout, out.stderr)
		}
	}
}

// TestLargeDocumentsScale runs discover, gen ts and a call's params on documents of n and
// 2n methods: the bytes allocated grow about twice, not four times as they did when each
// param read the document from its start again (x-variadic).
func TestLargeDocumentsScale(t *testing.T) {
	write := func(n int) string {
		var b strings.Builder
		b.WriteString(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"name": "m%d", "paramStructure": "by-position", "params": [{"name": "a", "schema": {"type": "string"}}, {"name": "rest", "x-variadic": true, "schema": {"type": "integer"}}], "result": {"name": "r", "schema": {"type": "string", "description": "%s"}}}`, i, strings.Repeat("x", 400))
		}
		b.WriteString(`]}`)
		path := filepath.Join(t.TempDir(), "doc.json")
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	measure := func(args ...string) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, stderr, status := runCommand(t, "", args...); status != 0 {
			t.Fatalf("%q: status %d: %s", args, status, stderr)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := write(300), write(600)
	for _, args := range [][]string{
		{"discover"},
		{"gen", "ts", "--out", t.TempDir(), "--doc"},
	} {
		a, b := measure(append(args, small)...), measure(append(args, large)...)
		if b > 3*a {
			t.Errorf("%q: %d bytes allocated for 300 methods, %d for 600", args, a, b)
		}
	}
	doc, err := os.ReadFile(large)
	if err != nil {
		t.Fatal(err)
	}
	d, err := docmodel.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if p := d.Methods[599].Params; !p[1].Variadic() || p[0].Variadic() {
		t.Errorf("Variadic: %v %v, want false true", p[0].Variadic(), p[1].Variadic())
	}
}

// TestCallBadDocument calls a service whose rpc.discover answers with something that is
// not an OpenRPC document: the message says where the document came from.
func TestCallBadDocument(t *testing.T) {
	for result, want := range map[string]string{
		`null`:             "an OpenRPC document must be a JSON object",
		`{"openrpc": 5}`:   "openrpc",
		`{"methods": [1]}`: "/openrpc: missing",
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"jsonrpc": "2.0", "id": 1, "result": %s}`, result)
		}))
		_, stderr, status := runCommand(t, "", "call", ts.URL, "m")
		ts.Close()
		prefix := "openrpc call: the document " + ts.URL + " serves (rpc.discover) is not valid: "
		if status != 2 || !strings.HasPrefix(stderr, prefix) || !strings.Contains(stderr, want) {
			t.Errorf("rpc.discover answering %s: status %d, stderr %q; want 2 and %q...%q", result, status, stderr, prefix, want)
		}
	}
}

// TestHelpUnknownCommand asks for the help of a command that does not exist: exit status
// 2 and a message, as for running it.
func TestHelpUnknownCommand(t *testing.T) {
	_, stderr, status := runCommand(t, "", "help", "nope")
	if status != 2 || !strings.Contains(stderr, `unknown command "nope"`) {
		t.Errorf("help nope: status %d, stderr %q", status, stderr)
	}
	if stdout, _, status := runCommand(t, "", "help", "diff"); status != 0 || !strings.Contains(stdout, "usage: openrpc diff") {
		t.Errorf("help diff: status %d, stdout %q", status, stdout)
	}
}

// TestGenSourceHidesSecrets generates a client from a URL with credentials and a query:
// the generated file names the document without them, as it is committed.
func TestGenSourceHidesSecrets(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("testdata", "validate", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(doc) }))
	defer ts.Close()
	u := strings.Replace(ts.URL, "http://", "http://alice:s3cret@", 1) + "/openrpc.json?token=t0ken#x"
	out := t.TempDir()
	if _, stderr, status := runCommand(t, "", "gen", "ts", "--doc", u, "--out", out); status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "client.ts"))
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(b), "\n")
	if want := "from " + ts.URL + "/openrpc.json."; !strings.Contains(head, want) || strings.Contains(string(b), "s3cret") || strings.Contains(string(b), "t0ken") {
		t.Errorf("first line %q, want one with %q and no credentials", head, want)
	}
}
