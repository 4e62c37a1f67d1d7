package callargs_test

import (
	"fmt"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/callargs"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

func ExampleBuilder_Build() {
	doc, _ := docmodel.Parse([]byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [
	  {"name": "list", "params": [
	    {"name": "owner", "required": true, "schema": {"type": "string"}},
	    {"name": "limit", "schema": {"type": "integer", "maximum": 100}},
	    {"name": "tags", "schema": {"type": "array", "items": {"type": "string"}}}
	  ], "result": {"name": "r", "schema": {}}}]}`))
	b, _ := callargs.NewBuilder(doc)
	m := doc.Method("list")

	params, _ := b.Build(m, []string{"tags=[\"a\"]", "owner=42", "limit=10"})
	fmt.Println(string(params))
	_, err := b.Build(m, []string{"owner=alice", "limit=1000"})
	fmt.Println(err)
	_, err = b.Build(m, []string{"owner=alice", "limt=10"})
	fmt.Println(err)
	// Output:
	// {"owner":"42","limit":10,"tags":["a"]}
	// param "limit": maximum: got 1,000, want 100 (1000)
	// param "limt": list has no such param; did you mean "limit"? (it takes owner, limit, tags)
}
