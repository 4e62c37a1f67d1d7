package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// repoRoot is the root of the repository, from this package's directory.
const repoRoot = "../../../.."

// TestEmbeddedMetaSchemaIsTheRepositorysCopy keeps the embedded meta-schemas equal to the
// ones examples/metaschema checks the framework's documents with (which are the OpenRPC
// project's files, npm @open-rpc/meta-schema and @json-schema-tools/meta-schema).
func TestEmbeddedMetaSchemaIsTheRepositorysCopy(t *testing.T) {
	for _, name := range []string{"meta-schema.json", "json-schema-tools-meta-schema.json"} {
		embedded, err := metaFiles.ReadFile("metaschema/" + name)
		if err != nil {
			t.Fatal(err)
		}
		repo, err := os.ReadFile(filepath.Join(repoRoot, "examples/metaschema/testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(embedded, repo) {
			t.Errorf("metaschema/%s differs from examples/metaschema/testdata/%s: copy it again", name, name)
		}
	}
	if _, err := metaSchema(); err != nil {
		t.Fatal(err)
	}
}

// knownProblems are the real problems of the documents: the OpenRPC project's link example
// links to methods by names it does not use (getRepository for get_repository).
var knownProblems = map[string][]string{
	"link-example-openrpc.json": {
		`/components/links/PullRequestMerge/method: warning: link to method "mergePullRequest", which the document does not have`,
		`/components/links/RepositoryPullRequests/method: warning: link to method "getPullRequestsByRepository", which the document does not have`,
		`/components/links/UserRepository/method: warning: link to method "getRepository", which the document does not have`,
	},
}

// TestRealDocumentsAreValid checks the OpenRPC project's example documents and the
// framework's golden documents: none has a problem, not even a warning, but
// the known ones.
func TestRealDocumentsAreValid(t *testing.T) {
	var paths []string
	for _, pattern := range []string{
		"e2e/testdata/open-rpc-examples/*.json",
		"testdata/*.openrpc.golden",
		"examples/*/testdata/*.openrpc.golden",
	} {
		m, err := filepath.Glob(filepath.Join(repoRoot, pattern))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 10 {
		t.Fatalf("found only %d documents: %v", len(paths), paths)
	}
	for _, path := range paths {
		if strings.HasSuffix(path, "meta-schema.json") {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range Check(b) {
				got = append(got, p.String())
			}
			if want := knownProblems[filepath.Base(path)]; !slices.Equal(got, want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestComparePointers(t *testing.T) {
	ptrs := []string{"/methods/10", "/methods/2/params", "", "/components", "/methods/2"}
	slices.SortFunc(ptrs, comparePointers)
	if want := []string{"", "/components", "/methods/2", "/methods/2/params", "/methods/10"}; !slices.Equal(ptrs, want) {
		t.Errorf("got %q, want %q", ptrs, want)
	}
}

// FuzzCheck checks garbage documents: never a panic or a hang, and every problem has a
// severity and a message.
func FuzzCheck(f *testing.F) {
	for _, name := range []string{"refs.json", "examples.json", "codes.json", "metaschema.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "validate", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"openrpc": "1.3.2", "methods": [{"$ref": "#/methods/0"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, p := range Check(doc) {
			if (p.Severity != Error && p.Severity != Warning) || p.Message == "" {
				t.Errorf("problem %+v", p)
			}
		}
	})
}

// BenchmarkCheck checks the auth example's golden document: meta-schema, $refs, lint rules
// and examples.
func BenchmarkCheck(b *testing.B) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "examples/auth/testdata/auth.openrpc.golden"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if p := Check(doc); len(p) > 0 {
			b.Fatal(p)
		}
	}
}

// TestRefCycle reports $refs that lead to $refs only, round in a loop, and never to a
// schema; a schema that contains itself (a linked list) is fine.
func TestRefCycle(t *testing.T) {
	doc := `{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
	  {"name": "m", "params": [{"name": "a", "schema": {"$ref": "#/components/schemas/A"}}],
	   "result": {"name": "r", "schema": {"$ref": "#/components/schemas/List"}}}],
	 "components": {"schemas": {
	   "A": {"$ref": "#/components/schemas/B"},
	   "B": {"$ref": "#/components/schemas/A", "description": "beside a $ref, ignored"},
	   "Self": {"$ref": "#/components/schemas/Self"},
	   "List": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/List"}}}}}}`
	var got []string
	for _, p := range Check([]byte(doc)) {
		got = append(got, p.String())
	}
	want := []string{
		`/components/schemas/A/$ref: $ref "#/components/schemas/B" never reaches a schema: the $refs loop (#/components/schemas/B, #/components/schemas/A, #/components/schemas/B)`,
		`/components/schemas/B/$ref: $ref "#/components/schemas/A" never reaches a schema: the $refs loop (#/components/schemas/A, #/components/schemas/B, #/components/schemas/A)`,
		`/components/schemas/Self/$ref: $ref "#/components/schemas/Self" never reaches a schema: the $refs loop (#/components/schemas/Self, #/components/schemas/Self)`,
		`/methods/0/params/0/schema/$ref: $ref "#/components/schemas/A" never reaches a schema: the $refs loop (#/components/schemas/A, #/components/schemas/B, #/components/schemas/A)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLongRefChain reports a chain of $refs longer than tools follow, once per $ref that
// starts one, in time linear in the chain's length per $ref.
func TestLongRefChain(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [], "components": {"schemas": {`)
	const n = 100
	for i := range n {
		fmt.Fprintf(&b, `"S%d": {"$ref": "#/components/schemas/S%d"}, `, i, i+1)
	}
	fmt.Fprintf(&b, `"S%d": {"type": "string"}}}}`, n)
	problems := Check([]byte(b.String()))
	// S0..S35 start chains of 65 $refs or more; the shorter ones of S36..S99 end at the string.
	if len(problems) != n-maxRefChain {
		t.Fatalf("%d problems, want %d: %v", len(problems), n-maxRefChain, problems)
	}
	if want := `/components/schemas/S0/$ref: $ref "#/components/schemas/S1" starts a chain of more than 64 $refs, which tools do not follow`; problems[0].String() != want {
		t.Errorf("got %s, want %s", problems[0], want)
	}
}

// TestNotUTF8 reports bytes that are not UTF-8, which JSON does not allow and decoders
// replace with U+FFFD, changing the names they are in.
func TestNotUTF8(t *testing.T) {
	doc := []byte("{\"openrpc\": \"1.3.2\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"methods\": [{\"name\": \"caf\xe9\", \"params\": []}]}")
	var got []string
	for _, p := range Check(doc) {
		got = append(got, p.String())
	}
	if want := []string{`/: the document is not UTF-8: byte 0xe9 at offset 86`}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
