package openrpctest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
	log    strings.Builder
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	fmt.Fprintf(&r.log, format, args...)
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
}

func TestCheckCompatible(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("..", "examples", "auth", "testdata", "auth.openrpc.golden"))
	if err != nil {
		t.Fatal(err)
	}
	// The same API written differently: members in another order (encoding/json sorts
	// them), without descriptions, a component renamed.
	var v any
	if err := json.Unmarshal(golden, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(withoutDescriptions(v))
	if err != nil {
		t.Fatal(err)
	}
	equivalent := strings.ReplaceAll(string(b), `"User"`, `"Account"`)
	equivalent = strings.ReplaceAll(equivalent, `schemas/User"`, `schemas/Account"`)
	if !strings.Contains(equivalent, `"#/components/schemas/Account"`) {
		t.Fatal("the golden document changed: no User component to rename")
	}
	for _, tt := range []struct {
		name     string
		old, new string
		fails    bool
		report   string
	}{
		{"same", string(golden), string(golden), false, ""},
		{"equivalent", string(golden), equivalent, false, ""},
		{"equivalent back", equivalent, string(golden), false, ""},
		{"password longer", string(golden), strings.Replace(string(golden), `"minLength": 8`, `"minLength": 10`, 1), true,
			"sign_up/params/password: minLength raised from 8 to 10"},
		{"not JSON", string(golden), "{", true, "the new document"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			openrpctest.CheckCompatible(r, []byte(tt.old), []byte(tt.new))
			if r.failed != tt.fails {
				t.Errorf("failed %v, want %v: %s", r.failed, tt.fails, r.log.String())
			}
			if !strings.Contains(r.log.String(), tt.report) {
				t.Errorf("report %q, want %q in it", r.log.String(), tt.report)
			}
		})
	}
}

// withoutDescriptions removes the description members of v, but for properties named so.
func withoutDescriptions(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if k == "description" {
				if _, isString := c.(string); isString {
					delete(x, k)
					continue
				}
			}
			x[k] = withoutDescriptions(c)
		}
	case []any:
		for i, c := range x {
			x[i] = withoutDescriptions(c)
		}
	}
	return v
}

// A service's test guards its published API: the document the server generates must not
// break clients written against the golden document checked in with the code.
func ExampleCheckCompatible() {
	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.1.0"}, nil)
	type AddParams struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(ctx context.Context, p AddParams) (int, error) {
		return p.A + p.B, nil
	})
	doc, err := srv.DocumentJSON()
	if err != nil {
		panic(err)
	}

	// In a test: golden, _ := os.ReadFile("testdata/calculator.openrpc.golden"), and
	// openrpctest.CheckCompatible(t, golden, doc). Here a version of the API from before
	// "b" was required stands in for the golden document.
	golden := []byte(`{"openrpc": "1.3.2", "info": {"title": "Calculator", "version": "1.0.0"},
		"methods": [{"name": "add", "params": [
			{"name": "a", "required": true, "schema": {"type": "integer", "format": "int64"}},
			{"name": "b", "schema": {"type": "integer", "format": "int64"}}],
		"result": {"name": "sum", "schema": {"type": "integer", "format": "int64"}}}]}`)
	t := &recorder{}
	openrpctest.CheckCompatible(t, golden, doc)
	fmt.Println(t.log.String())
	// Output:
	// the new document breaks clients of the old one:
	// Breaking changes (1):
	//   add/params/b: param now required
}
