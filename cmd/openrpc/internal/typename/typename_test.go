package typename_test

import (
	"encoding/json"
	"testing"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/typename"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

func TestOf(t *testing.T) {
	for _, tt := range []struct{ schema, want string }{
		{`{}`, "any"},
		{`true`, "any"},
		{`false`, "never"},
		{`{"type":"string"}`, "string"},
		{`{"type":"integer","format":"int64"}`, "integer"},
		{`{"type":["string","null"]}`, "string|null"},
		{`{"type":"string","nullable":true}`, "string|null"},
		{`{"$ref":"#/components/schemas/Pet"}`, "Pet"},
		{`{"type":"array","items":{"$ref":"#/components/schemas/Pet"}}`, "[]Pet"},
		{`{"type":"array","items":{"type":["string","null"]}}`, "[](string|null)"},
		{`{"type":"array"}`, "[]any"},
		{`{"items":{"type":"number"}}`, "[]number"},
		{`{"type":"array","items":[{"type":"string"},{"type":"integer"}]}`, "[string, integer]"},
		{`{"type":"object","properties":{"a":{"type":"string"}}}`, "object"},
		{`{"properties":{"a":{"type":"string"}}}`, "object"},
		{`{"type":"string","enum":["asc","desc"]}`, `"asc"|"desc"`},
		{`{"enum":[1,2,3,4,5,6,7,8]}`, `1|2|3|4|5|6|…`},
		{`{"const":"v1"}`, `"v1"`},
		{`{"anyOf":[{"$ref":"#/components/schemas/A"},{"type":"null"}]}`, "A|null"},
		{`{"oneOf":[{"type":"string"},{"type":"string"}]}`, "string"},
		{`{"allOf":[{"$ref":"#/components/schemas/A"},{"$ref":"#/components/schemas/B"}]}`, "A&B"},
		{`{"type":"array","items":{"type":"array","items":{"type":"array","items":{"type":"array","items":{"type":"array","items":{"type":"array","items":{"type":"array","items":{"type":"array"}}}}}}}}`, "[][][][][][][]…"},
	} {
		var s docmodel.Schema
		if err := json.Unmarshal([]byte(tt.schema), &s); err != nil {
			t.Fatalf("%s: %v", tt.schema, err)
		}
		if got := typename.Of(&s); got != tt.want {
			t.Errorf("Of(%s) = %q, want %q", tt.schema, got, tt.want)
		}
	}
	if got := typename.Of(nil); got != "any" {
		t.Errorf("Of(nil) = %q, want any", got)
	}
}
