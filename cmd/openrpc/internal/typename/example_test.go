package typename_test

import (
	"encoding/json"
	"fmt"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/typename"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

func ExampleOf() {
	var s docmodel.Schema
	json.Unmarshal([]byte(`{"type": ["array", "null"], "items": {"$ref": "#/components/schemas/Pet"}}`), &s)
	fmt.Println(typename.Of(&s))
	// Output: []Pet|null
}
