package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The bounds of one run of schemautils/check.mjs: a document the library cannot dereference
// exhausts this heap within seconds instead of the machine's memory.
const (
	schemaUtilsHeapMB   = "128"
	schemaUtilsDeadline = 2 * time.Minute
)

// TestSchemaUtils checks every golden document of the repository and the live rpc.discover
// of both examples with @open-rpc/schema-utils-js (npm), the library behind the OpenRPC
// playground and generator: validateOpenRPCDocument, and parseOpenRPCDocument with
// dereferencing. It needs node and the packages of schemautils/ installed (npm ci --prefix
// e2e/schemautils); under CI=true their absence fails.
//
// A document whose component schemas are recursive is a known limitation of the library:
// its dereferencer (@json-schema-tools/dereferencer) follows a $ref cycle until the heap is
// exhausted. For such a document the test expects exactly that, the same document with its
// cycles cut to pass, and each cycle alone to exhaust the heap; it fails when the library
// starts following cycles, or when anything else goes wrong.
func TestSchemaUtils(t *testing.T) {
	node := nodeWith(t, "schemautils", "@open-rpc/schema-utils-js")
	root := repoRoot(t)

	type document struct {
		name string
		json []byte
	}
	var docs []document
	for _, pattern := range []string{"testdata/*.openrpc.golden", "examples/*/testdata/*.openrpc.golden"} {
		paths, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(root, p)
			docs = append(docs, document{filepath.ToSlash(rel), b})
		}
	}
	if len(docs) < 5 {
		t.Fatalf("found %d golden documents, want the framework's and both examples'", len(docs))
	}
	docs = append(docs,
		document{"live/auth", discover(t, startExamplesAuth(t))},
		document{"live/spec", discover(t, startExample(t, "spec", nil))})

	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(d.json, &doc); err != nil {
				t.Fatal(err)
			}
			groups := recursiveSchemas(doc)
			if len(groups) == 0 {
				if r := runSchemaUtils(t, node, d.json); !r.passed() {
					t.Errorf("@open-rpc/schema-utils-js refused the document:\n%s", r)
				}
				return
			}
			t.Logf("recursive component schemas: %v", groups)
			r := runSchemaUtils(t, node, d.json)
			switch {
			case r.passed():
				t.Errorf("@open-rpc/schema-utils-js now dereferences recursive schemas %v: expect this document to pass", groups)
			case r.validate != "ok" || !r.heapExhausted:
				t.Errorf("want validation to pass and dereferencing to exhaust the heap (the known limitation), got:\n%s", r)
			}
			if r := runSchemaUtils(t, node, cutRecursion(t, doc, slices.Concat(groups...))); !r.passed() {
				t.Errorf("with its recursion cut, the library refused the document:\n%s", r)
			}
			for i, g := range groups {
				others := slices.Concat(slices.Delete(slices.Clone(groups), i, i+1)...)
				if r := runSchemaUtils(t, node, cutRecursion(t, doc, others)); r.passed() || !r.heapExhausted {
					t.Errorf("with only the cycle %v left, want dereferencing to exhaust the heap, got:\n%s", g, r)
				}
			}
		})
	}

	// The check can fail: documents with the shapes the library refuses.
	t.Run("refused", func(t *testing.T) {
		golden, err := os.ReadFile(filepath.Join(root, "testdata", "security.openrpc.golden"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name, want string
			edit       func(doc map[string]any)
		}{
			{"x-security not an object", `"dataPath":".methods[1]['x-security']"`, func(doc map[string]any) {
				doc["methods"].([]any)[1].(map[string]any)["x-security"] = 5
			}},
			{"extension restricted to componentsObject", "componentsObject does not exist, cannot apply extension x-securitySchemes", func(doc map[string]any) {
				extension(doc, "x-securitySchemes")["restricted"] = []any{"componentsObject"}
			}},
			{"extension without openrpcExtension", "should have required property 'openrpcExtension'", func(doc map[string]any) {
				delete(extension(doc, "x-security"), "openrpcExtension")
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var doc map[string]any
				if err := json.Unmarshal(golden, &doc); err != nil {
					t.Fatal(err)
				}
				tt.edit(doc)
				b, err := json.Marshal(doc)
				if err != nil {
					t.Fatal(err)
				}
				r := runSchemaUtils(t, node, b)
				if r.validate == "ok" || !strings.Contains(strings.ReplaceAll(r.validate, " ", ""), strings.ReplaceAll(tt.want, " ", "")) {
					t.Errorf("want validation to fail with %q, got:\n%s", tt.want, r)
				}
			})
		}
	})
}

// schemaUtilsResult is what check.mjs said about one document.
type schemaUtilsResult struct {
	validate, parse string // "ok", a failure message, or "" for a step never reached
	heapExhausted   bool   // node died of heap exhaustion
	err             error  // how the process ended
	stdout, stderr  string
}

func (r schemaUtilsResult) passed() bool {
	return r.err == nil && r.validate == "ok" && r.parse == "ok"
}

func (r schemaUtilsResult) String() string {
	stderr := r.stderr
	if len(stderr) > 2000 {
		stderr = stderr[:2000] + "..."
	}
	return "exit: " + errString(r.err) + "\nstdout:\n" + r.stdout + "stderr:\n" + stderr
}

func errString(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}

// runSchemaUtils runs schemautils/check.mjs on doc, with a bounded heap and a deadline.
func runSchemaUtils(t *testing.T, node string, doc []byte) schemaUtilsResult {
	t.Helper()
	file := filepath.Join(t.TempDir(), "openrpc.json")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), schemaUtilsDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--max-old-space-size="+schemaUtilsHeapMB, "check.mjs", file)
	cmd.Dir = "schemautils"
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := schemaUtilsResult{err: cmd.Run(), stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("check.mjs did not finish within %v:\n%s", schemaUtilsDeadline, r)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if v, ok := strings.CutPrefix(line, "validate: "); ok {
			r.validate = v
		} else if v, ok := strings.CutPrefix(line, "parse: "); ok {
			r.parse = v
		}
	}
	r.heapExhausted = r.err != nil && r.parse == "" && strings.Contains(r.stderr, "JavaScript heap out of memory")
	return r
}

// discover returns the result of rpc.discover at base's /api/v1.
func discover(t *testing.T, base string) []byte {
	t.Helper()
	resp, err := http.Post(base+"/api/v1", "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"rpc.discover","id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var reply struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(body, &reply); err != nil || len(reply.Result) == 0 {
		t.Fatalf("rpc.discover at %s: %s (%v)", base, body, err)
	}
	return reply.Result
}

// extension returns the x-extensions entry of doc named name.
func extension(doc map[string]any, name string) map[string]any {
	for _, e := range doc["x-extensions"].([]any) {
		if e := e.(map[string]any); e["name"] == name {
			return e
		}
	}
	panic("no extension " + name)
}

const componentRef = "#/components/schemas/"

// recursiveSchemas returns the groups of component schemas that refer to each other in a
// cycle (the strongly connected components of the reference graph that have a cycle),
// each sorted, in a stable order.
func recursiveSchemas(doc map[string]any) [][]string {
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	refs := map[string][]string{}
	for name, s := range schemas {
		walkRefs(s, func(ref string) {
			if to, ok := strings.CutPrefix(ref, componentRef); ok {
				refs[name] = append(refs[name], to)
			}
		})
	}
	// Tarjan's algorithm.
	index, low, onStack := map[string]int{}, map[string]int{}, map[string]bool{}
	var stack []string
	var groups [][]string
	var visit func(string)
	visit = func(v string) {
		index[v], low[v] = len(index), len(index)
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range refs[v] {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var g []string
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			g = append(g, w)
			if w == v {
				break
			}
		}
		if len(g) > 1 || slices.Contains(refs[v], v) {
			slices.Sort(g)
			groups = append(groups, g)
		}
	}
	names := make([]string, 0, len(schemas))
	for name := range schemas {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, seen := index[name]; !seen {
			visit(name)
		}
	}
	slices.SortFunc(groups, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return groups
}

// walkRefs calls f with every $ref under v.
func walkRefs(v any, f func(string)) {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			f(ref)
		}
		for _, c := range x {
			walkRefs(c, f)
		}
	case []any:
		for _, c := range x {
			walkRefs(c, f)
		}
	}
}

// cutRecursion returns doc without the named component schemas, each reference to them
// replaced by the empty schema.
func cutRecursion(t *testing.T, doc map[string]any, names []string) []byte {
	t.Helper()
	var cut func(v any) any
	cut = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if name, ok := strings.CutPrefix(ref, componentRef); ok && slices.Contains(names, name) {
					return map[string]any{}
				}
			}
			out := make(map[string]any, len(x))
			for k, c := range x {
				out[k] = cut(c)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, c := range x {
				out[i] = cut(c)
			}
			return out
		}
		return v
	}
	out := cut(doc).(map[string]any)
	schemas := out["components"].(map[string]any)["schemas"].(map[string]any)
	for _, name := range names {
		delete(schemas, name)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
