package openrpc

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
)

// DefaultOpenRPCVersion is the OpenRPC version of generated documents: the newest the
// official meta-schema accepts.
const DefaultOpenRPCVersion = "1.3.2"

// discoverName is the method that returns the server's OpenRPC document.
const discoverName = "rpc.discover"

// Document is an OpenRPC document, as rpc.discover returns it.
type Document struct {
	OpenRPC string `json:"openrpc"`
	Info    Info   `json:"info"`
	// Servers is left out when the service configures none: OpenRPC's default (one server
	// at "localhost") applies then, as it does to an empty list.
	Servers      []ServerObject `json:"servers,omitempty"`
	Methods      []MethodObject `json:"methods"`
	Components   *Components    `json:"components,omitempty"`
	ExternalDocs *ExternalDocs  `json:"externalDocs,omitempty"`
	// Extensions declares the x- fields the document uses (the x-extensions extension).
	Extensions []Extension `json:"x-extensions,omitempty"`
}

// MethodObject is the OpenRPC Method object.
type MethodObject struct {
	Name           string              `json:"name"`
	Summary        string              `json:"summary,omitempty"`
	Description    string              `json:"description,omitempty"`
	Tags           []Tag               `json:"tags,omitempty"`
	ParamStructure ParamStructure      `json:"paramStructure,omitempty"`
	Params         []ContentDescriptor `json:"params"`
	Result         *ContentDescriptor  `json:"result,omitempty"`
	Deprecated     bool                `json:"deprecated,omitempty"`
	Servers        []ServerObject      `json:"servers,omitempty"`
	Errors         []Error             `json:"errors,omitempty"`
	Links          []Link              `json:"links,omitempty"`
	Examples       []ExamplePairing    `json:"examples,omitempty"`
	ExternalDocs   *ExternalDocs       `json:"externalDocs,omitempty"`
	// Security is the method's security requirement (the x-security extension).
	Security Security `json:"x-security,omitempty"`
	// Subscription describes the events of a subscription method (the x-subscription
	// extension); see [RegisterSubscription].
	Subscription *SubscriptionObject `json:"x-subscription,omitempty"`
}

// SubscriptionObject is the x-subscription extension of a subscription method: the schema
// of its events, which arrive as notifications of the method with params
// {"subscription": id, "result": event}, and the method that ends a subscription.
type SubscriptionObject struct {
	Event       *Schema `json:"event"`
	Unsubscribe string  `json:"unsubscribe"`
}

// ContentDescriptor is the OpenRPC Content Descriptor object: a named param or result with
// its schema.
type ContentDescriptor struct {
	Name        string  `json:"name"`
	Summary     string  `json:"summary,omitempty"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Deprecated  bool    `json:"deprecated,omitempty"`
	Schema      *Schema `json:"schema"`
	// Variadic marks the one descriptor of a variadic method: it describes each of any
	// number of positional params (the x-variadic extension).
	Variadic bool `json:"x-variadic,omitempty"`
}

// Components is the OpenRPC Components object: the schemas of named struct types, which
// methods refer to as "#/components/schemas/Name".
type Components struct {
	Schemas map[string]*Schema `json:"schemas,omitempty"`
	// SecuritySchemes are the server's security schemes (the x-securitySchemes extension).
	SecuritySchemes map[string]json.RawMessage `json:"x-securitySchemes,omitempty"`
}

// Extension declares a specification extension the document uses, in the shape of the
// OpenRPC specification extension meta-schema (npm @open-rpc/specification-extension-spec),
// so tools that apply declared extensions, such as @open-rpc/schema-utils-js, can check the
// fields.
type Extension struct {
	// OpenRPCExtension is the version of the specification extension meta-schema the
	// declaration follows; that meta-schema accepts only "0.0.0-development".
	OpenRPCExtension string `json:"openrpcExtension"`
	Name             string `json:"name"`
	Version          string `json:"version"`
	Description      string `json:"description"`
	Summary          string `json:"summary,omitempty"`
	// Restricted names the definitions of the OpenRPC meta-schema (such as "methodObject")
	// whose objects may carry the field; tools add Schema to each of them. It is empty for
	// a field of an object the meta-schema defines inline (the Components object), which
	// has no definition to name.
	Restricted []string `json:"restricted"`
	Schema     *Schema  `json:"schema"`
}

// extensionSpecVersion is the openrpcExtension of the declarations the framework makes: the
// one value the specification extension meta-schema (1.0.2) accepts.
const extensionSpecVersion = "0.0.0-development"

// describeMethod returns the method object of m, adding the schemas it names to g.
func (g *schemaGen) describeMethod(m *method) (MethodObject, error) {
	mo := MethodObject{
		Name:           m.Name,
		Summary:        m.Summary,
		Description:    m.Description,
		Tags:           m.Tags,
		ParamStructure: m.ParamStructure,
		Params:         []ContentDescriptor{},
		Deprecated:     m.Deprecated,
		Servers:        m.Servers,
		Errors:         m.Errors,
		Links:          m.Links,
		Examples:       m.Examples,
		ExternalDocs:   m.ExternalDocs,
		Security:       m.Security,
	}
	switch d := m.params; d.kind {
	case paramsStruct:
		for _, f := range d.fields {
			s, err := g.fieldSchema(f.fieldInfo, false)
			if err != nil {
				return mo, fmt.Errorf("param %q: %w", f.name, err)
			}
			mo.Params = append(mo.Params, ContentDescriptor{
				Name:        f.name,
				Description: f.c.doc,
				Required:    f.required,
				Deprecated:  f.c.deprecated,
				Schema:      s,
			})
		}
	case paramsSlice:
		s, err := g.typeSchema(m.paramsType.Elem())
		if err != nil {
			return mo, fmt.Errorf("params: %w", err)
		}
		name := m.VariadicName
		if name == "" {
			name = "values"
		}
		mo.Params = append(mo.Params, ContentDescriptor{
			Name:        name,
			Description: "Any number of positional params, each described by this schema.",
			Schema:      s,
			Variadic:    true,
		})
	}
	if !m.notificationOnly() {
		s := &Schema{Type: SchemaType{"null"}}
		if m.resultType != emptyStructType {
			var err error
			if s, err = g.typeSchema(m.resultType); err != nil {
				return mo, fmt.Errorf("result: %w", err)
			}
		}
		name := m.ResultName
		if name == "" {
			name = "result"
		}
		mo.Result = &ContentDescriptor{Name: name, Description: m.ResultDescription, Schema: s}
	}
	if m.eventType != nil {
		s, err := g.typeSchema(m.eventType)
		if err != nil {
			return mo, fmt.Errorf("event: %w", err)
		}
		mo.Subscription = &SubscriptionObject{Event: s, Unsubscribe: m.Name + UnsubscribeSuffix}
	}
	return mo, nil
}

// checkDescribable reports a method whose types cannot be described, at registration.
func checkDescribable(m *method) error {
	_, err := newSchemaGen().describeMethod(m)
	return err
}

// Document returns the server's OpenRPC document. It is built on first use after methods
// change, and cached.
func (s *Server) Document() (*Document, error) {
	t := s.methods.Load()
	d := t.document(s)
	if d.err != nil {
		return nil, d.err
	}
	var doc Document
	if err := json.Unmarshal(d.json, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// DocumentJSON returns the server's OpenRPC document encoded as JSON, as rpc.discover sends
// it. The bytes are shared: do not modify them.
func (s *Server) DocumentJSON() ([]byte, error) {
	d := s.methods.Load().document(s)
	return d.json, d.err
}

// cachedDocument is the encoded document of one method table.
type cachedDocument struct {
	once sync.Once
	json []byte
	err  error
}

func (t *methodTable) document(s *Server) *cachedDocument {
	d := &t.doc
	d.once.Do(func() { d.json, d.err = s.buildDocument(t) })
	return d
}

func (s *Server) buildDocument(t *methodTable) ([]byte, error) {
	g := newSchemaGen()
	doc := Document{
		OpenRPC: s.openrpcVersion,
		Info:    s.info,
		Servers: s.servers,
		Methods: []MethodObject{},
	}
	var secured, variadic, subscriptions bool
	for _, e := range t.order {
		if e.Name == discoverName {
			continue
		}
		mo, err := g.describeMethod(e.method)
		if err != nil {
			return nil, fmt.Errorf("openrpc: describing %q: %w", e.Name, err)
		}
		doc.Methods = append(doc.Methods, mo)
		secured = secured || len(mo.Security) > 0
		subscriptions = subscriptions || mo.Subscription != nil
		variadic = variadic || slices.ContainsFunc(mo.Params, func(cd ContentDescriptor) bool { return cd.Variadic })
	}
	if len(g.components) > 0 || len(s.schemes) > 0 {
		doc.Components = &Components{}
		if len(g.components) > 0 {
			doc.Components.Schemas = g.components
		}
	}
	if len(s.schemes) > 0 {
		doc.Components.SecuritySchemes = map[string]json.RawMessage{}
		for name, scheme := range s.schemes {
			doc.Components.SecuritySchemes[name] = mustJSON(scheme.schemeObject())
		}
	}
	for _, x := range []struct {
		used bool
		ext  Extension
	}{
		{secured, extSecurity},
		{len(s.schemes) > 0, extSecuritySchemes},
		{variadic, extVariadic},
		{subscriptions, extSubscription},
	} {
		if x.used {
			doc.Extensions = append(doc.Extensions, x.ext)
		}
	}
	return json.Marshal(doc)
}

// registerDiscover adds rpc.discover, which answers with the cached document.
func (s *Server) registerDiscover() {
	dec, _ := newParamsDecoder(emptyStructType, "")
	s.addMethod(&method{
		Method: Method{
			Name:    discoverName,
			Summary: "Returns the OpenRPC document of this service.",
		},
		paramsType: emptyStructType,
		resultType: rawMessageType,
		params:     dec,
		handler: func(ctx context.Context, req Request) (json.RawMessage, error) {
			if err := dec.decode(req.Params, reflect.Value{}); err != nil {
				return nil, err
			}
			return s.DocumentJSON()
		},
	})
}

// The extensions the framework uses, declared in a document's x-extensions when it uses them.
var (
	extSecurity = Extension{
		OpenRPCExtension: extensionSpecVersion,
		Name:             "x-security",
		Version:          "1.0.0",
		Description:      "The security requirement of a method: scheme name to the scopes it needs. A call is permitted when the caller holds, for any one listed scheme, all of its scopes.",
		Restricted:       []string{"methodObject"},
		Schema: &Schema{
			Type:                 SchemaType{"object"},
			AdditionalProperties: &Schema{Type: SchemaType{"array"}, Items: &Schema{Type: SchemaType{"string"}}},
		},
	}
	// extSecuritySchemes lives in the Components object, which the OpenRPC meta-schema
	// defines inline, with no definition for Restricted to name: tools check the
	// declaration itself, not the field.
	extSecuritySchemes = Extension{
		OpenRPCExtension: extensionSpecVersion,
		Name:             "x-securitySchemes",
		Version:          "1.0.0",
		Description:      "The security schemes of the service, by name, shaped like OpenAPI 3 Security Scheme objects; found in the Components object.",
		Restricted:       []string{},
		Schema: &Schema{
			Type: SchemaType{"object"},
			AdditionalProperties: &Schema{
				Type:     SchemaType{"object"},
				Required: []string{"type"},
				Properties: Properties{
					{Name: "type", Schema: &Schema{Type: SchemaType{"string"}, Enum: []any{"http", "apiKey", "oauth2"}}},
				},
			},
		},
	}
	extSubscription = Extension{
		OpenRPCExtension: extensionSpecVersion,
		Name:             "x-subscription",
		Version:          "1.0.0",
		Description:      "Marks a subscription method: its result is a subscription id, and its events arrive as notifications of the method with params {subscription, result}, ended by the last one {subscription, done} or {subscription, error}. event is the schema of the events; unsubscribe names the method that ends a subscription.",
		Restricted:       []string{"methodObject"},
		Schema: &Schema{
			Type:     SchemaType{"object"},
			Required: []string{"event", "unsubscribe"},
			Properties: Properties{
				{Name: "event", Schema: &Schema{Type: SchemaType{"object", "boolean"}}},
				{Name: "unsubscribe", Schema: &Schema{Type: SchemaType{"string"}}},
			},
		},
	}
	extVariadic = Extension{
		OpenRPCExtension: extensionSpecVersion,
		Name:             "x-variadic",
		Version:          "1.0.0",
		Description:      "Marks the one param of a variadic method: it describes each of any number of positional params.",
		Restricted:       []string{"contentDescriptorObject"},
		Schema:           &Schema{Type: SchemaType{"boolean"}},
	}
)
