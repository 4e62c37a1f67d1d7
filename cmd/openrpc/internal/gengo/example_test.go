package gengo_test

import (
	"fmt"
	"strings"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/gengo"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

func ExampleGenerate() {
	doc, err := docmodel.Parse([]byte(`{
		"openrpc": "1.3.2",
		"info": {"title": "Calculator", "version": "1.0.0"},
		"methods": [{
			"name": "add",
			"summary": "Add two integers.",
			"params": [
				{"name": "a", "required": true, "schema": {"type": "integer"}},
				{"name": "b", "required": true, "schema": {"type": "integer", "minimum": 0}},
				{"name": "saturate", "schema": {"type": "boolean"}}
			],
			"result": {"name": "sum", "schema": {"type": "integer"}},
			"errors": [{"code": 1001, "message": "overflow"}]
		}]
	}`))
	if err != nil {
		panic(err)
	}
	files, notes, err := gengo.Generate(doc, gengo.Options{Package: "calc", Source: "calc.json"})
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(files["types.go"])+string(files["client.go"]), "\n") {
		if strings.HasPrefix(line, "func (c *Client)") || strings.Contains(line, "`json:") || strings.HasPrefix(line, "\tErr") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	fmt.Println(len(notes), "notes")
	// Output:
	// A int64 `json:"a"`
	// B int64 `json:"b" minimum:"0"`
	// Saturate openrpc.Optional[bool] `json:"saturate,omitzero" nullable:"false"`
	// ErrOverflow = &openrpc.Error{Code: 1001, Message: "overflow"}
	// func (c *Client) Add(ctx context.Context, params AddParams) (int64, error) {
	// 0 notes
}
