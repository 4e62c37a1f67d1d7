package openrpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/schematest"
	"github.com/openrpc-go/openrpc/openrpctest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	openrpctest.CheckGolden(t, filepath.Join("testdata", name), got, *update)
}

// Types covering every Go type and tag the schema generator knows.

type Address struct {
	Street  string `json:"street" minLength:"1" maxLength:"200" doc:"Street and number."`
	Zip     string `json:"zip" pattern:"^[0-9]{5}$" example:"12345"`
	Country string `json:"country,omitempty" enum:"DE,FR,US" default:"US"`
}

// Node is recursive.
type Node struct {
	Value    int    `json:"value"`
	Children []Node `json:"children,omitempty"`
}

// Ping and Pong refer to each other.
type Ping struct {
	Pong *Pong `json:"pong,omitempty"`
}

type Pong struct {
	Ping *Ping `json:"ping,omitempty"`
}

// Page is generic.
type Page[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// Color describes itself.
type Color string

func (Color) JSONSchema() *openrpc.Schema {
	return &openrpc.Schema{Type: openrpc.SchemaType{"string"}, Enum: []any{"red", "green"}, Description: "A primary-ish color."}
}

type Audit struct {
	CreatedBy string `json:"createdBy" readOnly:"true"`
}

type kitchenSink struct {
	Audit
	Name     string                   `json:"name" minLength:"3" maxLength:"64" pattern:"^[a-z]+$" doc:"Lower-case name."`
	Email    string                   `json:"email" format:"email"`
	Age      uint8                    `json:"age" minimum:"18" maximum:"130"`
	Score    float64                  `json:"score,omitempty" exclusiveMinimum:"0" exclusiveMaximum:"1" multipleOf:"0.25"`
	Level    int32                    `json:"level,omitempty" enum:"1,2,3"`
	Big      int64                    `json:"big,omitempty"`
	Tags     []string                 `json:"tags" minItems:"1" maxItems:"5" uniqueItems:"true" maxLength:"10"`
	Grid     [3]int                   `json:"grid,omitempty"`
	Weights  map[string]float64       `json:"weights,omitempty"`
	Home     Address                  `json:"home"`
	Work     *Address                 `json:"work" doc:"Where the person works, if anywhere."`
	Other    schematest.Address       `json:"other,omitzero"`
	Tree     Node                     `json:"tree,omitzero"`
	Ping     Ping                     `json:"ping,omitzero"`
	Page     Page[Address]            `json:"page,omitzero"`
	Color    Color                    `json:"color,omitempty"`
	Born     time.Time                `json:"born,omitzero"`
	Photo    []byte                   `json:"photo,omitempty"`
	Nickname openrpc.Optional[string] `json:"nickname" maxLength:"20"`
	Ratio    *float32                 `json:"ratio" minimum:"0"`
	Anything any                      `json:"anything"`
	Raw      json.RawMessage          `json:"raw"`
	Old      bool                     `json:"old,omitempty" deprecated:"true"`
	Inline   struct{ X, Y int }       `json:"inline,omitzero"`
	Mood     *string                  `json:"mood" enum:"happy,sad"`
}

func kitchenSinkServer(t testing.TB) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{
		Title:          "Kitchen sink",
		Version:        "2.1.0",
		Description:    "Every type and tag the framework describes.",
		TermsOfService: "https://example.com/terms",
		Contact:        &openrpc.Contact{Name: "API team", URL: "https://example.com", Email: "api@example.com"},
		License:        &openrpc.License{Name: "Apache-2.0", URL: "https://www.apache.org/licenses/LICENSE-2.0"},
	}, &openrpc.ServerOptions{
		Servers: []openrpc.ServerObject{{
			Name: "production", URL: "https://api.example.com/{basePath}", Summary: "Production",
			Variables: map[string]openrpc.ServerVariable{"basePath": {Default: "v1", Enum: []string{"v1", "v2"}}},
		}},
	})
	openrpc.Register(srv, openrpc.Method{
		Name:           "people.create",
		Summary:        "Create a person.",
		Description:    "Creates a person and returns it.",
		Tags:           []openrpc.Tag{{Name: "people", Description: "People and their addresses.", ExternalDocs: &openrpc.ExternalDocs{URL: "https://example.com/people"}}},
		ParamStructure: openrpc.ByName,
		Errors:         []openrpc.Error{{Code: 409, Message: "Name taken", Data: json.RawMessage(`{"name":"ann"}`)}},
		Examples: []openrpc.ExamplePairing{{
			Name: "ann",
			Params: []openrpc.Example{
				{Name: "createdBy", Value: "admin"},
				{Name: "name", Value: "ann"},
				{Name: "email", Value: "ann@example.com"},
				{Name: "age", Value: 42},
				{Name: "tags", Value: []string{"staff"}},
				{Name: "home", Value: Address{Street: "1 Main St", Zip: "12345"}},
				{Name: "score", Value: 0.5},
			},
			Result: &openrpc.Example{Name: "person", Value: map[string]any{
				"createdBy": "admin", "name": "ann", "email": "ann@example.com", "age": 42,
				"tags": []string{"staff"}, "home": Address{Street: "1 Main St", Zip: "12345", Country: "US"},
				"score": 0.5,
			}},
		}},
		ExternalDocs:      &openrpc.ExternalDocs{Description: "Guide", URL: "https://example.com/guide"},
		Servers:           []openrpc.ServerObject{{URL: "https://people.example.com"}},
		Links:             []openrpc.Link{{Name: "get", Method: "people.get", Params: json.RawMessage(`{"name":"$result.name"}`)}},
		ResultName:        "person",
		ResultDescription: "The person as stored.",
	}, func(_ context.Context, p kitchenSink) (kitchenSink, error) { return p, nil })
	openrpc.Register(srv, openrpc.Method{Name: "people.get", Deprecated: true}, func(_ context.Context, p struct {
		Name string `json:"name"`
	}) (*Page[Address], error) {
		return nil, nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "sum", VariadicName: "numbers"}, func(_ context.Context, xs []float64) (float64, error) { return 0, nil })
	openrpc.Register(srv, openrpc.Method{Name: "reset"}, func(context.Context, struct{}) (struct{}, error) { return struct{}{}, nil })
	openrpc.RegisterNotification(srv, openrpc.Method{Name: "log"}, func(context.Context, struct {
		Line string `json:"line"`
	}) error {
		return nil
	})
	return srv
}

func TestServer_Document_golden(t *testing.T) {
	doc, err := kitchenSinkServer(t).DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "kitchensink.openrpc.golden", doc)

	spec, err := newSpecServer(t, nil).DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "spec.openrpc.golden", spec)

	subs, err := subscriptionServer(t, nil, &openrpc.ServerOptions{}).DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "subscriptions.openrpc.golden", subs)
}

func TestServer_Document_discover(t *testing.T) {
	srv := kitchenSinkServer(t)
	doc, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	reply := process(t, srv, `{"jsonrpc":"2.0","method":"rpc.discover","id":1}`)
	want := `{"jsonrpc":"2.0","result":` + string(doc) + `,"id":1}`
	if reply != want {
		t.Errorf("rpc.discover: got %s, want %s", reply, want)
	}
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"rpc.discover","params":[1],"id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"errors":[{"path":"/0","message":"unexpected param at position 0: the method takes 0"}]}},"id":1}`)

	// The document follows the methods.
	openrpc.Register(srv, openrpc.Method{Name: "late"}, add)
	after, _ := srv.DocumentJSON()
	if !bytes.Contains(after, []byte(`"name":"late"`)) || bytes.Contains(doc, []byte(`"name":"late"`)) {
		t.Error("a method registered later is not in the document")
	}
	srv.Remove("late")
	if again, _ := srv.DocumentJSON(); !bytes.Equal(again, doc) {
		t.Error("removing the method did not restore the document")
	}
	d, err := srv.Document()
	if err != nil || d.OpenRPC != "1.3.2" || len(d.Methods) != 5 || d.Components == nil || d.Components.Schemas["Address"] == nil {
		t.Errorf("Document() = %+v, %v", d, err)
	}
}

// Regression: documents of servers without servers carried an empty "servers" list, and
// the x-extensions declarations named "componentsObject" (no definition of the OpenRPC
// meta-schema, so @open-rpc/schema-utils-js threw), lacked openrpcExtension and left
// x-variadic undeclared.
func TestServer_Document_extensionsAndServers(t *testing.T) {
	bearer := &openrpc.ServerOptions{SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}}}
	for _, tt := range []struct {
		name       string
		opts       *openrpc.ServerOptions
		register   func(*openrpc.Server)
		servers    bool
		extensions []string
	}{
		{"plain", nil, func(s *openrpc.Server) { openrpc.Register(s, openrpc.Method{Name: "add"}, add) }, false, nil},
		{"servers", &openrpc.ServerOptions{Servers: []openrpc.ServerObject{{URL: "http://localhost:8080/api/v1"}}},
			func(s *openrpc.Server) { openrpc.Register(s, openrpc.Method{Name: "add"}, add) }, true, nil},
		{"schemes, no secured method", bearer, func(s *openrpc.Server) { openrpc.Register(s, openrpc.Method{Name: "add"}, add) },
			false, []string{"x-securitySchemes"}},
		{"secured and variadic", bearer, func(s *openrpc.Server) {
			openrpc.Register(s, openrpc.Method{Name: "add", Security: openrpc.Require("Bearer")}, add)
			openrpc.Register(s, openrpc.Method{Name: "sum"}, func(_ context.Context, xs []int) (int, error) { return 0, nil })
		}, false, []string{"x-security", "x-securitySchemes", "x-variadic"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, tt.opts)
			tt.register(srv)
			b, err := srv.DocumentJSON()
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Servers    *json.RawMessage `json:"servers"`
				Extensions []struct {
					OpenRPCExtension string    `json:"openrpcExtension"`
					Name             string    `json:"name"`
					Restricted       *[]string `json:"restricted"`
				} `json:"x-extensions"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if got := doc.Servers != nil; got != tt.servers {
				t.Errorf("servers present: got %v, want %v: %s", got, tt.servers, b)
			}
			var names []string
			for _, e := range doc.Extensions {
				names = append(names, e.Name)
				if e.OpenRPCExtension != "0.0.0-development" {
					t.Errorf("%s: openrpcExtension %q, want 0.0.0-development", e.Name, e.OpenRPCExtension)
				}
				if e.Restricted == nil {
					t.Errorf("%s: no restricted list", e.Name)
					continue
				}
				for _, r := range *e.Restricted {
					if r != "methodObject" && r != "contentDescriptorObject" {
						t.Errorf("%s: restricted to %q, want definitions of the OpenRPC meta-schema", e.Name, r)
					}
				}
			}
			if !slices.Equal(names, tt.extensions) {
				t.Errorf("x-extensions declares %v, want %v", names, tt.extensions)
			}
		})
	}
}

func TestServerOptions_OpenRPCVersion(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{OpenRPCVersion: "1.4.0"})
	d, err := srv.Document()
	if err != nil || d.OpenRPC != "1.4.0" {
		t.Errorf("got %+v, %v; want openrpc 1.4.0", d, err)
	}
}

// Regression: text-decoded types were described by their Go kind, tag bounds wider than the
// Go type widened the published range, and enum on any JSON value went unchecked.
func TestServer_Document_typeEdges(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p struct {
		Addr  netip.Addr `json:"addr"`
		Small int8       `json:"small" maximum:"1000" minimum:"-5"`
	}) (int, error) {
		return 0, nil
	})
	d, err := srv.Document()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(d.Methods[0].Params)
	want := `[{"name":"addr","required":true,"schema":{"type":"string"}},{"name":"small","required":true,"schema":{"type":"integer","format":"int8","minimum":-5,"maximum":127}}]`
	if string(got) != want {
		t.Errorf("params\n got %s\nwant %s", got, want)
	}
	checkJSON(t, process(t, srv, `{"jsonrpc":"2.0","method":"m","params":{"addr":"10.0.0.1","small":3},"id":1}`), `{"jsonrpc":"2.0","result":0,"id":1}`)
	defer func() {
		if got := fmt.Sprint(recover()); !strings.Contains(got, `tag enum:"1,2": applies to strings, numbers and booleans only`) {
			t.Errorf("enum on json.RawMessage: panic %q", got)
		}
	}()
	openrpc.Register(srv, openrpc.Method{Name: "raw"}, func(_ context.Context, p struct {
		R json.RawMessage `json:"r" enum:"1,2"`
	}) (int, error) {
		return 0, nil
	})
}

// Regression: value keywords on a list of lists were published one level too high.
func TestServer_Document_nestedListKeywords(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p struct {
		M [][]int32 `json:"m" minimum:"1" maxItems:"3"`
	}) (int, error) {
		return len(p.M), nil
	})
	d, err := srv.Document()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(d.Methods[0].Params[0].Schema)
	want := `{"type":"array","items":{"type":"array","items":{"type":"integer","format":"int32","minimum":1,"maximum":2147483647}},"maxItems":3}`
	if string(got) != want {
		t.Errorf("schema\n got %s\nwant %s", got, want)
	}
	got2 := process(t, srv, `{"jsonrpc":"2.0","method":"m","params":{"m":[[1],[0]]},"id":1}`)
	if !strings.Contains(got2, `"path":"/m/1/0","message":"must be >= 1"`) {
		t.Errorf("got %s, want the inner 0 refused", got2)
	}
}
