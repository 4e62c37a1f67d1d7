package lint

import (
	"bytes"
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
