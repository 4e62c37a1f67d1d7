package gents_test

import (
	"fmt"
	"strings"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/gents"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

func ExampleGenerate() {
	doc, err := docmodel.Parse([]byte(`{
	  "openrpc": "1.3.2",
	  "info": {"title": "Pets", "version": "1"},
	  "methods": [{
	    "name": "get_pet",
	    "summary": "Return a pet.",
	    "params": [{"name": "pet id", "required": true, "schema": {"type": "integer"}}],
	    "result": {"name": "pet", "schema": {"$ref": "#/components/schemas/Pet"}},
	    "errors": [{"code": 404, "message": "No such pet"}]
	  }],
	  "components": {"schemas": {"Pet": {
	    "type": "object",
	    "properties": {"name": {"type": "string"}, "kind": {"enum": ["cat", "dog"]}},
	    "required": ["name"]
	  }}}
	}`))
	if err != nil {
		panic(err)
	}
	files, notes, err := gents.Generate(doc, gents.Options{Source: "pets.json"})
	if err != nil {
		panic(err)
	}
	ts := string(files[gents.FileName])
	for _, l := range strings.Split(ts[strings.Index(ts, "export interface Pet"):strings.Index(ts, "export abstract class")], "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "/**") && strings.Contains(l, ":") && !strings.Contains(l, "-32") {
			fmt.Println(l)
		}
	}
	for _, l := range strings.Split(ts, "\n") {
		if strings.HasPrefix(l, "  getPet(") || strings.Contains(l, `this.$call("get_pet"`) {
			fmt.Println(l)
		}
	}
	fmt.Println(len(notes), "notes")
	// Output:
	//   name: string;
	//   kind?: "cat" | "dog";
	//   NoSuchPet: 404,
	//   getPet(petId: number): Promise<Pet> {
	//     return this.$call("get_pet", byName({ "pet id": petId }));
	// 0 notes
}
