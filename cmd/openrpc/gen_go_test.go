package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/gengo"
	"github.com/openrpc-go/openrpc/internal/compat"
	"github.com/openrpc-go/openrpc/internal/docmodel"
	"github.com/openrpc-go/openrpc/internal/exampletest"
	"github.com/openrpc-go/openrpc/internal/golden"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata: generated code, command output")

// genDocuments lists the documents every generator test reads: the OpenRPC project's
// examples, the repository's golden documents, and the messy ones of testdata.
func genDocuments(t *testing.T) []string {
	t.Helper()
	return repoDocuments(t, "testdata/*.openrpc.json")
}

// repoDocuments lists the OpenRPC project's examples, the golden documents of the
// repository and its examples, and the files of this package matching local.
func repoDocuments(t *testing.T, local ...string) []string {
	t.Helper()
	root := exampletest.RepoRoot(t)
	var docs []string
	for _, pattern := range append([]string{
		filepath.Join(root, "e2e/testdata/open-rpc-examples/*.json"),
		filepath.Join(root, "testdata/*.openrpc.golden"),
		filepath.Join(root, "examples/*/testdata/*.openrpc.golden"),
	}, local...) {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, m...)
	}
	if len(docs) < 12 {
		t.Fatalf("found %d documents, want the 6 OpenRPC examples, the golden documents and testdata's: %q", len(docs), docs)
	}
	return docs
}

// packageName makes a package name of a document's file name.
func packageName(path string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".json"), ".golden")
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".openrpc"), "-openrpc")
	name := strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(base, ""))
	if filepath.Base(filepath.Dir(filepath.Dir(path))) != "cmd" && strings.Contains(path, "examples/") && !strings.Contains(path, "open-rpc-examples") {
		name = "example" + name
	}
	return name
}

// runGen runs "openrpc gen" in-process and fails t unless it succeeds.
func runGen(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, append([]string{"gen"}, args...)); code != 0 {
		t.Fatalf("openrpc gen %s: exit status %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return stderr.String()
}

// newGoModule writes a module "gentest" using the framework of this repository.
func newGoModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mod := fmt.Sprintf("module gentest\n\ngo 1.25.0\n\nrequire github.com/openrpc-go/openrpc v0.0.0\n\nreplace github.com/openrpc-go/openrpc => %s\n", exampletest.RepoRoot(t))
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	// The framework's go.sum: the module needs nothing else, so no checksum is looked up.
	sum, err := os.ReadFile(filepath.Join(exampletest.RepoRoot(t), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// goCmd runs the go command in dir, outside the workspace, and fails t unless it succeeds.
func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"GOWORK=off", "GOFLAGS=-mod=mod"}, env...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("go %s:\n%s", strings.Join(args, " "), out)
}

// copyFile copies a file of testdata/gengo into dir.
func copyFile(t *testing.T, name, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/gengo", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGenGo generates Go packages, clients and servers, from every document and from the
// live rpc.discover of examples/auth (over HTTP) and examples/spec (over WebSocket), checks
// them with go vet, and runs tests of them against the running services: one go vet and
// one go test for all of them.
func TestGenGo(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("the go command is needed")
	}
	authURL := exampletest.StartAuth(t)
	specURL := exampletest.Start(t, "spec", nil)
	mod := newGoModule(t)

	runGen(t, "go", "--doc", authURL+"/api/v1", "--package", "authclient", "--out", filepath.Join(mod, "authclient"))
	copyFile(t, "authclient_test.go", filepath.Join(mod, "authclient"))
	runGen(t, "go", "--doc", "ws"+strings.TrimPrefix(specURL, "http")+"/api/v1", "--out", filepath.Join(mod, "specclient"))
	copyFile(t, "specclient_test.go", filepath.Join(mod, "specclient"))
	// The same document with subtract taking its params by position: the client sends them
	// as an array.
	specURLDoc := filepath.Join(mod, "specclient", "..", "spec-by-position.json")
	b, err := os.ReadFile(filepath.Join(exampletest.RepoRoot(t), "examples/spec/testdata/spec.openrpc.golden"))
	if err != nil {
		t.Fatal(err)
	}
	byPosition := strings.Replace(string(b), `"name": "subtract",`, `"name": "subtract", "paramStructure": "by-position",`, 1)
	if byPosition == string(b) {
		t.Fatal("no subtract in examples/spec's document")
	}
	if err := os.WriteFile(specURLDoc, []byte(byPosition), 0o644); err != nil {
		t.Fatal(err)
	}
	runGen(t, "go", "--doc", specURLDoc, "--out", filepath.Join(mod, "specposition"))
	copyFile(t, "specposition_test.go", filepath.Join(mod, "specposition"))
	specDoc := filepath.Join(exampletest.RepoRoot(t), "examples/spec/testdata/spec.openrpc.golden")
	runGen(t, "go", "--server", "--doc", specDoc, "--package", "specserver", "--out", filepath.Join(mod, "specserver"))
	copyFile(t, "specserver_test.go", filepath.Join(mod, "specserver"))

	servedDocs := map[string]string{} // source document by package
	for _, path := range genDocuments(t) {
		servedDocs[packageName(path)+"server"] = path
		for _, server := range []bool{false, true} {
			pkg := packageName(path)
			if server {
				pkg += "server"
			}
			files := generateTwice(t, path, pkg, server)
			dir := filepath.Join(mod, "docs", pkg)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if server {
				files["register_test.go"] = []byte(fmt.Sprintf(registerTest, pkg))
			}
			for name, b := range files {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	goCmd(t, mod, nil, "vet", "./...")
	servedDir := t.TempDir()
	served := filepath.Join(servedDir, "spec.json")
	goCmd(t, mod, []string{"AUTH_URL=" + authURL, "SPEC_URL=" + specURL, "SERVED_DOC=" + served, "SERVED_DIR=" + servedDir},
		"test", "-count=1", "./...")

	src, err := os.ReadFile(specDoc)
	if err != nil {
		t.Fatal(err)
	}
	checkServedEquivalent(t, src, served)

	for _, pkg := range slices.Sorted(maps.Keys(servedDocs)) {
		src, err := os.ReadFile(servedDocs[pkg])
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(servedDir, pkg+".json"))
		if err != nil {
			t.Fatal(err)
		}
		// The framework's own documents (the golden ones) come back equivalent. The others
		// hold what a Go server of the framework cannot publish as written (the messy
		// documents' simplifications; open objects, as the framework closes every struct;
		// integers without a format): their differences are listed, not failed.
		ours := strings.HasSuffix(servedDocs[pkg], ".openrpc.golden")
		for _, p := range equivalenceProblems(src, got) {
			if exact := requiredNullable[pkg]; exact != nil && slices.ContainsFunc(exact, func(path string) bool {
				return strings.Contains(p, ": "+path+": ") && (strings.Contains(p, "now required") || strings.Contains(p, "now optional"))
			}) {
				t.Errorf("%s: a required nullable member is published otherwise: %s", pkg, p)
			}
			if !ours {
				t.Logf("%s (simplified): %s", pkg, p)
			} else {
				t.Errorf("%s: %s", pkg, p)
			}
		}
	}
}

// requiredNullable lists, by generated server, the required members of the messy documents
// that may be null (or contain themselves): their required-ness comes back exact, while the
// documents' other simplifications are only listed.
var requiredNullable = map[string][]string{
	"messyserver":        {"get-user/params/2fa", "tree/params/root/properties/next", "tree/result/items/properties/next"},
	"messynestingserver": {"deep/params/a/properties/b/properties/a", "free/result/items/properties/b/properties/a"},
}

// registerTest is the test of every generated server: Register accepts every method (it
// panics on a struct tag the framework refuses) and the server builds its document.
const registerTest = `package %[1]s

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openrpc-go/openrpc"
)

func TestRegister(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "generated", Version: "1"}, &openrpc.ServerOptions{SecuritySchemes: SecuritySchemes()})
	Register(srv, nil)
	doc, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(os.Getenv("SERVED_DIR"), %[1]q+".json"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
}
`

// generateTwice generates the package of a document twice, fails t unless both runs give
// the same bytes and the code is gofmt-clean, and returns the files.
func generateTwice(t *testing.T, path, pkg string, server bool) map[string][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var runs [2]map[string][]byte
	for i := range runs {
		doc, err := docmodel.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		runs[i], _, err = gengo.Generate(doc, gengo.Options{Package: pkg, Source: filepath.Base(path), Server: server})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if !maps.EqualFunc(runs[0], runs[1], bytes.Equal) {
		t.Errorf("%s: two runs generate different code", path)
	}
	for _, name := range slices.Sorted(maps.Keys(runs[0])) {
		cmd := exec.Command("gofmt", "-s", "-l")
		cmd.Stdin = bytes.NewReader(runs[0][name])
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("%s: %s is not gofmt -s clean: %v %s", path, name, err, out)
		}
	}
	return runs[0]
}

// TestGenGoGolden compares the code generated for a few documents with golden files;
// go test -update rewrites them.
func TestGenGoGolden(t *testing.T) {
	root := exampletest.RepoRoot(t)
	for _, tt := range []struct{ doc, pkg string }{
		{filepath.Join(root, "examples/auth/testdata/auth.openrpc.golden"), "auth"},
		{filepath.Join(root, "e2e/testdata/open-rpc-examples/petstore-expanded-openrpc.json"), "petstore"},
		{"testdata/messy.openrpc.json", "messy"},
	} {
		t.Run(tt.pkg, func(t *testing.T) {
			files := generateTwice(t, tt.doc, tt.pkg, true)
			for _, name := range slices.Sorted(maps.Keys(files)) {
				path := filepath.Join("testdata/gengo", tt.pkg, strings.TrimSuffix(name, ".go")+".go.golden")
				golden.Check(t, path, files[name], *update)
			}
		})
	}
}

// TestGenGoCommand runs the command on a document file and checks what it prints.
func TestGenGoCommand(t *testing.T) {
	out := t.TempDir()
	stderr := runGen(t, "go", "--doc", "testdata/messy.openrpc.json", "--out", filepath.Join(out, "messy"))
	if !strings.Contains(stderr, "simplified: ") || !strings.Contains(stderr, "wrote ") {
		t.Errorf("stderr does not list simplifications and files:\n%s", stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "messy", "client.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("\npackage messy\n")) {
		t.Errorf("client.go is not package messy (the directory's name):\n%s", b[:min(len(b), 300)])
	}
	if _, err := os.Stat(filepath.Join(out, "messy", "server.go")); err == nil {
		t.Error("server.go written without --server")
	}
	var stdout, errs bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &errs, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"gen", "go", "--doc", "testdata/messy.openrpc.json", "--package", "not-a-name", "--out", out}); code == 0 {
		t.Error("a package name that is not an identifier was accepted")
	}
	errs.Reset()
	if code := run(context.Background(), e, []string{"gen", "go", "--doc", "testdata/messy.openrpc.json", "--out", filepath.Join(out, "my-api")}); code != 2 || !strings.Contains(errs.String(), "--package") {
		t.Errorf("an output directory that is not a package name: exit status %d, want 2 and a hint at --package:\n%s", code, errs.String())
	}
	io.Copy(io.Discard, &errs)
}

// checkEquivalent fails t unless src and served are compatible both ways: neither breaks
// the clients of the other (same methods, param names, order and required-ness, param
// structure, equivalent schemas with $refs resolved).
func checkEquivalent(t *testing.T, src, served []byte) {
	t.Helper()
	openrpctest.CheckCompatible(t, src, served)
	openrpctest.CheckCompatible(t, served, src)
}

// checkServedEquivalent reads the document a generated server wrote to the file served
// and checks it is equivalent to src.
func checkServedEquivalent(t *testing.T, src []byte, served string) {
	t.Helper()
	got, err := os.ReadFile(served)
	if err != nil {
		t.Fatal(err)
	}
	checkEquivalent(t, src, got)
}

// TestCheckEquivalent checks that checkEquivalent sees the differences it should.
func TestCheckEquivalent(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(exampletest.RepoRoot(t), "examples/spec/testdata/spec.openrpc.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if p := equivalenceProblems(src, src); len(p) > 0 {
		t.Errorf("a document differs from itself: %q", p)
	}
	for _, change := range [][2]string{
		{`"minimum": 10`, `"minimum": 11`},
		{`"name": "subtrahend"`, `"name": "subtrahendx"`},
		{`"paramStructure": "by-position"`, `"paramStructure": "by-name"`},
		{`"name": "get_data"`, `"name": "get_datum"`},
	} {
		changed := strings.Replace(string(src), change[0], change[1], 1)
		if changed == string(src) {
			t.Fatalf("%s is not in the document", change[0])
		}
		if p := equivalenceProblems(src, []byte(changed)); len(p) == 0 {
			t.Errorf("%s -> %s: no difference seen", change[0], change[1])
		}
	}
}

// equivalenceProblems lists the breaking changes between src and served, either way, as
// checkEquivalent sees them.
func equivalenceProblems(src, served []byte) []string {
	a, err := docmodel.Parse(src)
	if err != nil {
		return []string{err.Error()}
	}
	b, err := docmodel.Parse(served)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for _, c := range compat.Breaking(compat.Compare(a, b)) {
		problems = append(problems, "source to served: "+c.Path+": "+c.Message)
	}
	for _, c := range compat.Breaking(compat.Compare(b, a)) {
		problems = append(problems, "served to source: "+c.Path+": "+c.Message)
	}
	return problems
}

// prefsParams are the params of the server TestGenGoOptional generates code from: each has
// a default that is not its type's zero value, so a zero the client meant to send but left
// out reaches the handler as the default.
type prefsParams struct {
	Enabled bool   `json:"enabled" default:"true"`
	Limit   int32  `json:"limit" default:"10"`
	Name    string `json:"name" default:"anonymous"`
}

// prefsResult echoes the params the handler got; Zero is present, 0, only when Limit is 0.
type prefsResult struct {
	Enabled bool                    `json:"enabled"`
	Limit   int32                   `json:"limit"`
	Name    string                  `json:"name"`
	Zero    openrpc.Optional[int32] `json:"zero,omitzero" nullable:"false"`
}

// pageParams are the params of the by-position method page_by_position of the server
// TestGenGoOptional generates code from: left unset before a set one, limit goes as its
// default, cursor (nullable) as null, and order, with neither, cannot be left unset.
type pageParams struct {
	Limit  int32                    `json:"limit" default:"10"`
	Cursor openrpc.Optional[string] `json:"cursor"`
	Order  openrpc.Optional[string] `json:"order" nullable:"false"`
	Tag    openrpc.Optional[string] `json:"tag" nullable:"false"`
}

// pageResult echoes the params page_by_position got, cursor null when it got null.
type pageResult struct {
	Limit  int32                    `json:"limit"`
	Cursor openrpc.Optional[string] `json:"cursor,omitzero"`
	Order  string                   `json:"order"`
	Tag    string                   `json:"tag"`
}

// received records the params of every page_by_position call as sent, for page_received.
type received struct {
	mu     sync.Mutex
	params []string
}

func (r *received) middleware(next openrpc.Handler) openrpc.Handler {
	return func(ctx context.Context, req openrpc.Request) (json.RawMessage, error) {
		if req.Method == "page_by_position" {
			r.mu.Lock()
			r.params = append(r.params, string(req.Params))
			r.mu.Unlock()
		}
		return next(ctx, req)
	}
}

func (r *received) list(context.Context, struct{}) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string{}, r.params...), nil
}

// register registers page_by_position and page_received on srv, made with r.middleware.
func (r *received) register(srv *openrpc.Server) {
	openrpc.Register(srv, openrpc.Method{Name: "page_by_position", ParamStructure: openrpc.ByPosition}, func(_ context.Context, p pageParams) (pageResult, error) {
		return pageResult{Limit: p.Limit, Cursor: p.Cursor, Order: p.Order.Or(""), Tag: p.Tag.Or("")}, nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "page_received"}, r.list)
}

// TestGenGoOptional generates a client and a server from the rpc.discover of a real
// server (over HTTP on loopback) whose optional params default to other than their zero
// values, and runs testdata/gengo/prefs_test.go with them: Some(false), Some(0) and
// Some("") reach that server as false, 0 and "" while absent params get its defaults (by
// name, and by position with the trailing absent ones left out); a result's absent
// optional member decodes as absent and a zero one as Some(0); and the generated server
// tells the same apart and publishes a document equivalent to the source. By position,
// an optional param unset before a set one reaches the server as the document's default,
// or as null when it may be null (page_received returns the params as sent), and one with
// neither is refused by the client, which sends nothing.
func TestGenGoOptional(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("the go command is needed")
	}
	rec := &received{}
	srv := openrpc.NewServer(openrpc.Info{Title: "prefs", Version: "1"}, &openrpc.ServerOptions{Middleware: []openrpc.Middleware{rec.middleware}})
	handler := func(_ context.Context, p prefsParams) (prefsResult, error) {
		r := prefsResult{Enabled: p.Enabled, Limit: p.Limit, Name: p.Name}
		if p.Limit == 0 {
			r.Zero = openrpc.Some(int32(0))
		}
		return r, nil
	}
	openrpc.Register(srv, openrpc.Method{Name: "prefs"}, handler)
	openrpc.Register(srv, openrpc.Method{Name: "prefs_by_position", ParamStructure: openrpc.ByPosition}, handler)
	rec.register(srv)
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()

	mod := newGoModule(t)
	runGen(t, "go", "--server", "--doc", ts.URL, "--package", "prefs", "--out", filepath.Join(mod, "prefs"))
	copyFile(t, "prefs_test.go", filepath.Join(mod, "prefs"))
	served := filepath.Join(t.TempDir(), "prefs.json")
	goCmd(t, mod, []string{"PREFS_URL=" + ts.URL, "SERVED_DOC=" + served}, "test", "-count=1", "./...")

	src, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	checkServedEquivalent(t, src, served)
}

// notesEntry is a nested object of notesParams whose title must be present but may be null.
type notesEntry struct {
	Title *string  `json:"title" required:"true"`
	Tags  []string `json:"tags,omitempty"`
}

// notesParams are the params of the server TestGenGoRequiredNullable generates code from:
// note and entry.title must be given, as null or a string.
type notesParams struct {
	ID    int64      `json:"id"`
	Limit *int32     `json:"limit"`
	Note  *string    `json:"note" required:"true"`
	Entry notesEntry `json:"entry"`
}

// notesResult echoes the nullable members it got, always present.
type notesResult struct {
	Note  *string `json:"note" required:"true"`
	Title *string `json:"title" required:"true"`
}

// TestGenGoRequiredNullable generates a client and a server from the rpc.discover of a
// real server (over HTTP on loopback) with a required param and a required property that
// may be null (pointers tagged required:"true"), by name and by position, and runs
// testdata/gengo/notes_test.go with them: the generated client sends null for nil, both
// servers refuse a call leaving them out, and the generated server publishes the same
// document: required, nullable, in the same positions.
func TestGenGoRequiredNullable(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("the go command is needed")
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "notes", Version: "1"}, nil)
	handler := func(_ context.Context, p notesParams) (notesResult, error) {
		return notesResult{Note: p.Note, Title: p.Entry.Title}, nil
	}
	openrpc.Register(srv, openrpc.Method{Name: "notes"}, handler)
	openrpc.Register(srv, openrpc.Method{Name: "notes_by_position", ParamStructure: openrpc.ByPosition}, handler)
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()

	mod := newGoModule(t)
	stderr := runGen(t, "go", "--server", "--doc", ts.URL, "--package", "notes", "--out", filepath.Join(mod, "notes"))
	if strings.Contains(stderr, "simplified") {
		t.Errorf("simplifications noted for a document a Go server can publish as it is:\n%s", stderr)
	}
	copyFile(t, "notes_test.go", filepath.Join(mod, "notes"))
	served := filepath.Join(t.TempDir(), "notes.json")
	goCmd(t, mod, []string{"NOTES_URL=" + ts.URL, "SERVED_DOC=" + served}, "test", "-count=1", "./...")

	src, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	checkServedEquivalent(t, src, served)
}
