package metaschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const (
	metaSchemaURL      = "https://meta.open-rpc.org/"
	schemaToolsURL     = "https://meta.json-schema.tools"
	schemaToolsFileURL = "https://meta.json-schema.tools/"
)

// documents are the generated OpenRPC documents, relative to this directory.
var documents = []string{
	"../../testdata/*.openrpc.golden",
	"../*/testdata/*.openrpc.golden",
}

func loadJSON(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// compileMetaSchema compiles the OpenRPC meta-schema with the JSON Schema meta-schema it
// refers to registered under its URL, both read as draft-07.
func compileMetaSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	for _, r := range []struct{ urls []string }{{[]string{metaSchemaURL}}, {[]string{schemaToolsURL, schemaToolsFileURL}}} {
		file := "testdata/meta-schema.json"
		if r.urls[0] == schemaToolsURL {
			file = "testdata/json-schema-tools-meta-schema.json"
		}
		doc := loadJSON(t, file).(map[string]any)
		// The schema-tools meta-schema names itself as its own $schema; read both as draft-07.
		delete(doc, "$schema")
		for _, u := range r.urls {
			if err := c.AddResource(u, doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	sch, err := c.Compile(metaSchemaURL)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// documentPaths returns the paths of the generated documents.
func documentPaths(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, pattern := range documents {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 3 {
		t.Fatalf("found %d generated documents (%v), want the framework's and the examples' golden files", len(paths), paths)
	}
	return paths
}

func TestGeneratedDocumentsSatisfyTheMetaSchema(t *testing.T) {
	sch := compileMetaSchema(t)
	for _, path := range documentPaths(t) {
		t.Run(strings.TrimLeft(path, "./"), func(t *testing.T) {
			doc := loadJSON(t, path)
			if err := sch.Validate(doc); err != nil {
				t.Errorf("%s does not satisfy the OpenRPC meta-schema:\n%v", path, err)
			}
			for _, ref := range unresolvedRefs(doc, doc, "") {
				t.Errorf("%s: %s", path, ref)
			}
		})
	}
}

// TestMetaSchemaRejects proves the check can fail: documents with the known traps are refused.
func TestMetaSchemaRejects(t *testing.T) {
	sch := compileMetaSchema(t)
	valid := `{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"methods":[]}`
	for _, tt := range []struct{ name, doc string }{
		{"servers not an array", `{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"servers":{"url":"x"},"methods":[]}`},
		{"version 1.4.0", strings.Replace(valid, "1.3.2", "1.4.0", 1)},
		{"tag with summary", `{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"methods":[{"name":"m","params":[],"tags":[{"name":"a","summary":"s"}]}]}`},
		{"example without value", `{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"methods":[{"name":"m","params":[],"examples":[{"name":"e","params":[{"name":"p"}]}]}]}`},
		{"error with x- field", `{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"methods":[{"name":"m","params":[],"errors":[{"code":1,"message":"m","x-a":1}]}]}`},
		{"method without params", `{"openrpc":"1.3.2","info":{"title":"t","version":"1"},"methods":[{"name":"m"}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if sch.Validate(v) == nil {
				t.Errorf("the meta-schema accepted %s", tt.doc)
			}
		})
	}
	v, _ := jsonschema.UnmarshalJSON(strings.NewReader(valid))
	if err := sch.Validate(v); err != nil {
		t.Errorf("the meta-schema refused a minimal document: %v", err)
	}
}

// unresolvedRefs lists the $ref values under v that do not resolve within root.
func unresolvedRefs(root, v any, at string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok && !resolves(root, ref) {
			out = append(out, fmt.Sprintf("%s: $ref %q does not resolve", at, ref))
		}
		for k, c := range x {
			out = append(out, unresolvedRefs(root, c, at+"/"+k)...)
		}
	case []any:
		for i, c := range x {
			out = append(out, unresolvedRefs(root, c, fmt.Sprintf("%s/%d", at, i))...)
		}
	}
	return out
}

// resolves reports whether ref, a local JSON Pointer reference, names a value in root.
func resolves(root any, ref string) bool {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return false
	}
	ptr, err := url.PathUnescape(ptr)
	if err != nil {
		return false
	}
	cur := root
	for _, seg := range strings.Split(ptr, "/")[1:] {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[seg]; !ok {
			return false
		}
	}
	return cur != nil
}

func TestResolves(t *testing.T) {
	var root any
	if err := json.NewDecoder(bytes.NewReader([]byte(`{"components":{"schemas":{"A":{"type":"string"},"a/b":{}}}}`))).Decode(&root); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]bool{
		"#/components/schemas/A":     true,
		"#/components/schemas/a~1b":  true,
		"#/components/schemas/B":     false,
		"https://example.com/schema": false,
		"#/components/schemas":       true,
	} {
		if got := resolves(root, ref); got != want {
			t.Errorf("resolves(%q) = %v, want %v", ref, got, want)
		}
	}
}
