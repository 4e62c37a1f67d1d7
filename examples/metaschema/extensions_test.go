package metaschema

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// extensionSpecVersion is the one openrpcExtension the specification extension meta-schema
// (npm @open-rpc/specification-extension-spec 1.0.2) accepts.
const extensionSpecVersion = "0.0.0-development"

// TestGeneratedDocumentsDeclareTheirExtensions checks the x-extensions of every generated
// document in the shape @open-rpc/schema-utils-js accepts: each entry has the fields the
// specification extension meta-schema requires and a restricted list naming only
// definitions of the OpenRPC meta-schema that have properties (the library adds the
// extension's schema to each); every x- field the document uses is declared, on an object
// its declaration allows, and satisfies the declared schema.
func TestGeneratedDocumentsDeclareTheirExtensions(t *testing.T) {
	meta := loadJSON(t, "testdata/meta-schema.json").(map[string]any)
	definitions := map[string]bool{}
	for name, d := range meta["definitions"].(map[string]any) {
		_, ok := d.(map[string]any)["properties"]
		definitions[name] = ok
	}
	for _, path := range documentPaths(t) {
		t.Run(strings.TrimLeft(path, "./"), func(t *testing.T) {
			doc := loadJSON(t, path).(map[string]any)
			declared := map[string]map[string]any{}
			schemas := map[string]*jsonschema.Schema{}
			list, _ := doc["x-extensions"].([]any)
			for i, e := range list {
				e, _ := e.(map[string]any)
				name, _ := e["name"].(string)
				if !strings.HasPrefix(name, "x-") {
					t.Errorf("x-extensions[%d]: name %q does not start with x-", i, name)
				}
				if v, _ := e["openrpcExtension"].(string); v != extensionSpecVersion {
					t.Errorf("%s: openrpcExtension %q, want %q", name, v, extensionSpecVersion)
				}
				if v, _ := e["version"].(string); v == "" {
					t.Errorf("%s: no version", name)
				}
				restricted, ok := e["restricted"].([]any)
				if !ok {
					t.Errorf("%s: restricted is %v, want a list (schema-utils-js reads it unconditionally)", name, e["restricted"])
				}
				for _, r := range restricted {
					if r, _ := r.(string); !definitions[r] {
						t.Errorf("%s: restricted names %q, not a definition with properties in the OpenRPC meta-schema", name, r)
					}
				}
				c := jsonschema.NewCompiler()
				c.DefaultDraft(jsonschema.Draft7)
				if err := c.AddResource("extension.json", e["schema"]); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				sch, err := c.Compile("extension.json")
				if err != nil {
					t.Errorf("%s: schema: %v", name, err)
					continue
				}
				declared[name], schemas[name] = e, sch
			}
			for _, u := range extensionUses(doc) {
				e, ok := declared[u.name]
				if !ok {
					t.Errorf("%s: %s is not declared in x-extensions", u.at, u.name)
					continue
				}
				if r, _ := e["restricted"].([]any); len(r) > 0 && !slices.Contains(r, any(u.object)) {
					t.Errorf("%s: %s on a %s, but its declaration restricts it to %v", u.at, u.name, u.object, r)
				}
				if err := schemas[u.name].Validate(u.value); err != nil {
					t.Errorf("%s: %s does not satisfy its declared schema: %v", u.at, u.name, err)
				}
			}
		})
	}
}

// extensionUse is one x- field of a document.
type extensionUse struct {
	name, at string
	object   string // the meta-schema definition of the object carrying it, or its path
	value    any
}

// extensionUses lists the x- fields of doc outside schemas and x-extensions, with the kind
// of object that carries each.
func extensionUses(doc map[string]any) []extensionUse {
	var uses []extensionUse
	collect := func(obj any, object, at string) {
		m, _ := obj.(map[string]any)
		for k, v := range m {
			if strings.HasPrefix(k, "x-") && !(at == "" && k == "x-extensions") {
				uses = append(uses, extensionUse{name: k, at: at + "/" + k, object: object, value: v})
			}
		}
	}
	collect(doc, "(document)", "")
	collect(doc["info"], "infoObject", "/info")
	collect(doc["components"], "(components)", "/components")
	methods, _ := doc["methods"].([]any)
	for i, m := range methods {
		at := fmt.Sprintf("/methods/%d", i)
		collect(m, "methodObject", at)
		m, _ := m.(map[string]any)
		params, _ := m["params"].([]any)
		for j, p := range params {
			collect(p, "contentDescriptorObject", fmt.Sprintf("%s/params/%d", at, j))
		}
		collect(m["result"], "contentDescriptorObject", at+"/result")
	}
	return uses
}
