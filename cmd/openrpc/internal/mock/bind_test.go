package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// TestBindBoundsProblems: params with 200000 extra positions get an error listing
// maxProblems problems, built without keeping one for each (a 5 MB call made 480 MB).
func TestBindBoundsProblems(t *testing.T) {
	raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"m","params":[{"name":"a","schema":{"type":"integer"}}],"result":{"name":"r","schema":{"type":"integer"}}}]}`)
	mk, err := New(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200000
	params := []byte("[" + strings.TrimSuffix(strings.Repeat("0,", n), ",") + "]")
	me := mk.methods["m"]
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = me.bind(params)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("no error")
	}
	perParam := (after.TotalAlloc - before.TotalAlloc) / n
	t.Logf("%d bytes allocated per param", perParam)
	if perParam > 100 {
		t.Errorf("binding allocated %d bytes per param", perParam)
	}
}

// TestBindOrder: unknown params are listed in the same order on every call.
func TestBindOrder(t *testing.T) {
	raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"m","params":[{"name":"a","schema":{"type":"integer"}}],"result":{"name":"r","schema":{"type":"integer"}}}]}`)
	mk, err := New(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	params := []byte(`{"e":1,"d":1,"c":1,"b":1,"f":1,"g":1}`)
	_, first := mk.methods["m"].bind(params)
	for range 20 {
		if _, err := mk.methods["m"].bind(params); fmt.Sprint(err) != fmt.Sprint(first) {
			t.Fatalf("two errors for the same params:\n%v\n%v", first, err)
		}
	}
}

// TestBindVariadic: the last param marked x-variadic (sum of examples/spec) takes every
// position from its own on, each checked against its schema.
func TestBindVariadic(t *testing.T) {
	raw := []byte(`{"openrpc":"1.3.2","info":{"title":"t","version":"1"},
		"methods":[{"name":"sum","paramStructure":"by-position","params":[{"name":"first","required":true,"schema":{"type":"string"}},{"name":"numbers","schema":{"type":"number"},"x-variadic":true}],"result":{"name":"r","schema":{"type":"number"}}}]}`)
	mk, err := New(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	me := mk.methods["sum"]
	for params, want := range map[string]string{
		`["a"]`:         "",
		`["a",1,2,4]`:   "",
		`["a",1,"x",3]`: "/numbers/1",
		`[]`:            "/first",
	} {
		named, err := me.bind([]byte(params))
		got := ""
		if err != nil {
			var e *openrpc.Error
			if !errors.As(err, &e) {
				t.Fatalf("%s: %v", params, err)
			}
			var data struct{ Errors []struct{ Path string } }
			json.Unmarshal(e.Data, &data)
			for _, p := range data.Errors {
				got += p.Path
			}
		}
		if got != want {
			t.Errorf("%s: problems at %q (%v), want %q", params, got, err, want)
		}
		if params == `["a",1,2,4]` && fmt.Sprint(named["numbers"]) != "[1 2 4]" {
			t.Errorf("%s: numbers %v", params, named["numbers"])
		}
	}
}
