package gengo

import (
	"encoding/json"
	"fmt"
	"github.com/openrpc-go/openrpc/internal/docmodel"
	"slices"
	"strconv"
	"strings"
)

// serverFile returns the body of server.go: the Service interface and Register.
func (g *gen) serverFile() string {
	var b strings.Builder
	title := g.doc.Info.Title
	if title == "" {
		title = "the service"
	}
	var served []*method
	seen := map[string]bool{}
	for _, mm := range g.methods {
		switch {
		case strings.HasPrefix(mm.m.Name, "rpc."):
			g.note(mm.m.Pointer, "method %q is reserved for the framework: not in Service", mm.m.Name)
		case mm.m.Name == "":
			g.note(mm.m.Pointer, "a method without a name: not in Service")
		case seen[mm.m.Name]:
			g.note(mm.m.Pointer, "method %q is listed twice: the first is in Service", mm.m.Name)
		case mm.unsubscribe:
			// RegisterSubscription registers it.
		default:
			served = append(served, mm)
		}
		seen[mm.m.Name] = true
	}
	comment(&b, fmt.Sprintf("Service is implemented by a server of %s: one method per OpenRPC method.\nRegister adds an implementation's methods to a server.", title))
	b.WriteString("type Service interface {\n")
	for i, mm := range served {
		if i > 0 {
			b.WriteString("\n")
		}
		g.methodDoc(&b, mm, "serves")
		fmt.Fprintf(&b, "%s(%s\n", mm.goName, g.serverSignature(mm))
	}
	b.WriteString("}\n\n")
	comment(&b, "Register adds impl's methods to r with the document's metadata, so that the server\npublishes a document equivalent to the one this package was generated from.")
	b.WriteString("func Register(r openrpc.Registrar, impl Service) {\n")
	for _, mm := range served {
		g.register(&b, mm)
	}
	b.WriteString("}\n\n")
	g.securitySchemes(&b)
	return b.String()
}

// securitySchemes writes SecuritySchemes: the schemes of the document's
// components["x-securitySchemes"], and those its methods require without declaring them
// (as bearer tokens).
func (g *gen) securitySchemes(b *strings.Builder) {
	type flow struct {
		AuthorizationURL string            `json:"authorizationUrl"`
		TokenURL         string            `json:"tokenUrl"`
		RefreshURL       string            `json:"refreshUrl"`
		Scopes           map[string]string `json:"scopes"`
	}
	type scheme struct {
		Type         string `json:"type"`
		Description  string `json:"description"`
		Scheme       string `json:"scheme"`
		BearerFormat string `json:"bearerFormat"`
		Name         string `json:"name"`
		In           string `json:"in"`
		Flows        struct {
			AuthorizationCode *flow `json:"authorizationCode"`
			ClientCredentials *flow `json:"clientCredentials"`
			Password          *flow `json:"password"`
		} `json:"flows"`
	}
	schemes := map[string]scheme{}
	if raw, ok := g.doc.Components.Extensions["x-securitySchemes"]; ok {
		if err := json.Unmarshal(raw, &schemes); err != nil {
			g.note("/components/x-securitySchemes", "not read: %v", err)
		}
	}
	for _, m := range g.doc.Methods {
		for _, req := range m.Security() {
			for name := range req {
				if _, ok := schemes[name]; !ok {
					g.note(m.Pointer, "security scheme %q is not declared: a bearer token", name)
					schemes[name] = scheme{Type: "http", Scheme: "bearer"}
				}
			}
		}
	}
	q := strconv.Quote
	comment(b, "SecuritySchemes returns the security schemes of the document, for\nopenrpc.ServerOptions.SecuritySchemes: a server must declare those its methods require.")
	b.WriteString("func SecuritySchemes() map[string]openrpc.SecurityScheme {\n\treturn map[string]openrpc.SecurityScheme{\n")
	names := make([]string, 0, len(schemes))
	for name := range schemes {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		sc := schemes[name]
		switch {
		case sc.Type == "apiKey":
			fmt.Fprintf(b, "%s: openrpc.APIKeyAuth{In: %s, Name: %s, Description: %s},\n", q(name), q(sc.In), q(sc.Name), q(sc.Description))
		case sc.Type == "oauth2":
			fmt.Fprintf(b, "%s: openrpc.OAuth2Auth{Description: %s, Flows: openrpc.OAuthFlows{\n", q(name), q(sc.Description))
			for _, f := range []struct {
				field string
				flow  *flow
			}{{"AuthorizationCode", sc.Flows.AuthorizationCode}, {"ClientCredentials", sc.Flows.ClientCredentials}, {"Password", sc.Flows.Password}} {
				if f.flow == nil {
					continue
				}
				fmt.Fprintf(b, "%s: &openrpc.OAuthFlow{AuthorizationURL: %s, TokenURL: %s, RefreshURL: %s, Scopes: map[string]string{",
					f.field, q(f.flow.AuthorizationURL), q(f.flow.TokenURL), q(f.flow.RefreshURL))
				scopes := make([]string, 0, len(f.flow.Scopes))
				for s := range f.flow.Scopes {
					scopes = append(scopes, s)
				}
				slices.Sort(scopes)
				for _, s := range scopes {
					fmt.Fprintf(b, "%s: %s, ", q(s), q(f.flow.Scopes[s]))
				}
				b.WriteString("}},\n")
			}
			b.WriteString("}},\n")
		default:
			if sc.Type != "http" || !strings.EqualFold(sc.Scheme, "bearer") {
				g.note("/components/x-securitySchemes", "security scheme %q of type %q %q: a bearer token", name, sc.Type, sc.Scheme)
			}
			fmt.Fprintf(b, "%s: openrpc.BearerAuth{Format: %s, Description: %s},\n", q(name), q(sc.BearerFormat), q(sc.Description))
		}
	}
	b.WriteString("}\n}\n")
}

// paramsType returns the Go type of a method's params on the server.
func (g *gen) paramsType(mm *method) string {
	switch {
	case mm.variadic != nil:
		return "[]" + g.field(*mm.variadic)
	case mm.params != "":
		return mm.params
	}
	return "struct{}"
}

// serverSignature returns the params and results of a Service method.
func (g *gen) serverSignature(mm *method) string {
	in := "ctx context.Context"
	if mm.variadic != nil || mm.params != "" {
		in += ", params " + g.paramsType(mm)
	}
	switch {
	case mm.subscription:
		return fmt.Sprintf("%s, emit func(%s) error) error", in, mm.event.expr)
	case mm.result == nil:
		return in + ") error"
	case mm.resultNull:
		return in + ") error"
	}
	return fmt.Sprintf("%s) (%s, error)", in, g.field(*mm.result))
}

// register writes the registration of one method.
func (g *gen) register(b *strings.Builder, mm *method) {
	p := g.paramsType(mm)
	hasParams := mm.variadic != nil || mm.params != ""
	pname := "params"
	if !hasParams {
		pname = "_"
	}
	args := "ctx"
	if hasParams {
		args += ", params"
	}
	switch {
	case mm.subscription:
		b.WriteString("openrpc.RegisterSubscription(r, ")
		g.methodLiteral(b, mm)
		fmt.Fprintf(b, ", func(ctx context.Context, %s %s, emit func(%s) error) error {\n\treturn impl.%s(%s, emit)\n})\n",
			pname, p, mm.event.expr, mm.goName, args)
	case mm.result == nil:
		b.WriteString("openrpc.RegisterNotification(r, ")
		g.methodLiteral(b, mm)
		fmt.Fprintf(b, ", func(ctx context.Context, %s %s) error {\n\treturn impl.%s(%s)\n})\n", pname, p, mm.goName, args)
	case mm.resultNull:
		b.WriteString("openrpc.Register(r, ")
		g.methodLiteral(b, mm)
		fmt.Fprintf(b, ", func(ctx context.Context, %s %s) (struct{}, error) {\n\treturn struct{}{}, impl.%s(%s)\n})\n", pname, p, mm.goName, args)
	default:
		b.WriteString("openrpc.Register(r, ")
		g.methodLiteral(b, mm)
		fmt.Fprintf(b, ", func(ctx context.Context, %s %s) (%s, error) {\n\treturn impl.%s(%s)\n})\n", pname, p, g.field(*mm.result), mm.goName, args)
	}
}

// methodLiteral writes the openrpc.Method of a method: its metadata in the document.
func (g *gen) methodLiteral(b *strings.Builder, mm *method) {
	m := mm.m
	q := strconv.Quote
	b.WriteString("openrpc.Method{\n")
	fmt.Fprintf(b, "Name: %s,\n", q(m.Name))
	if m.Summary != "" {
		fmt.Fprintf(b, "Summary: %s,\n", q(m.Summary))
	}
	if m.Description != "" {
		fmt.Fprintf(b, "Description: %s,\n", q(m.Description))
	}
	if len(m.Tags) > 0 {
		b.WriteString("Tags: []openrpc.Tag{\n")
		for _, t := range m.Tags {
			fmt.Fprintf(b, "{Name: %s", q(t.Name))
			if t.Description != "" {
				fmt.Fprintf(b, ", Description: %s", q(t.Description))
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	if m.Deprecated {
		b.WriteString("Deprecated: true,\n")
	}
	switch m.ParamStructure {
	case "by-name":
		b.WriteString("ParamStructure: openrpc.ByName,\n")
	case "by-position":
		b.WriteString("ParamStructure: openrpc.ByPosition,\n")
	}
	if len(m.Errors) > 0 {
		b.WriteString("Errors: []openrpc.Error{\n")
		for _, e := range m.Errors {
			if e.Code < -1<<31 || e.Code > 1<<31-1 {
				continue
			}
			fmt.Fprintf(b, "{Code: %d, Message: %s", e.Code, q(e.Message))
			if len(e.Data) > 0 {
				fmt.Fprintf(b, ", Data: json.RawMessage(%s)", q(compact(e.Data)))
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	if ex := g.examples(mm); ex != "" {
		b.WriteString(ex)
	}
	if sec := m.Security(); len(sec) > 0 {
		schemes := map[string][]string{}
		var order []string
		for _, req := range sec {
			keys := make([]string, 0, len(req))
			for k := range req {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if _, ok := schemes[k]; !ok {
					order = append(order, k)
				}
				schemes[k] = append(schemes[k], req[k]...)
			}
		}
		if len(sec) > 1 || len(order) > 1 {
			g.note(m.Pointer, "x-security read as: any one of the schemes %s with its scopes", strings.Join(order, ", "))
		}
		b.WriteString("Security: openrpc.Security{\n")
		for _, k := range order {
			fmt.Fprintf(b, "%s: {", q(k))
			for i, s := range schemes[k] {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(q(s))
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	if !mm.subscription && m.Result != nil {
		if m.Result.Name != "" && m.Result.Name != "result" {
			fmt.Fprintf(b, "ResultName: %s,\n", q(m.Result.Name))
		}
		if d := joinText(m.Result.Summary, m.Result.Description); d != "" {
			fmt.Fprintf(b, "ResultDescription: %s,\n", q(d))
		}
	}
	if mm.variadic != nil && m.Params[0].Name != "values" {
		fmt.Fprintf(b, "VariadicName: %s,\n", q(m.Params[0].Name))
	}
	b.WriteString("}")
}

// examples returns the Examples member of a method literal, "" without examples.
func (g *gen) examples(mm *method) string {
	var b strings.Builder
	q := strconv.Quote
	for _, e := range mm.m.Examples {
		if e == nil {
			continue
		}
		fmt.Fprintf(&b, "{Name: %s", q(e.Name))
		if e.Summary != "" {
			fmt.Fprintf(&b, ", Summary: %s", q(e.Summary))
		}
		if e.Description != "" {
			fmt.Fprintf(&b, ", Description: %s", q(e.Description))
		}
		b.WriteString(", Params: []openrpc.Example{")
		for i, p := range e.Params {
			if p == nil {
				continue
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "{Name: %s, Value: %s}", q(exampleParamName(mm.m, i, p.Name)), rawLiteral(p.Value))
		}
		b.WriteString("}")
		if r := e.Result; r != nil {
			fmt.Fprintf(&b, ", Result: &openrpc.Example{Name: %s, Value: %s}", q(r.Name), rawLiteral(r.Value))
		}
		b.WriteString("},\n")
	}
	if b.Len() == 0 {
		return ""
	}
	return "Examples: []openrpc.ExamplePairing{\n" + b.String() + "},\n"
}

// exampleParamName is the name an example param is registered under: its own when it names
// a param of m, else the name of the param at its position, as "openrpc validate" pairs
// them (documents in the wild name examples after their values, or misspell them), so that
// the framework, which checks examples by name, reads the pairing as the document means it.
func exampleParamName(m *docmodel.Method, i int, name string) string {
	if m.ParamStructure == "by-position" || i >= len(m.Params) {
		return name
	}
	for _, p := range m.Params {
		if p.Name == name {
			return name
		}
	}
	return m.Params[i].Name
}

// rawLiteral returns Go code for a JSON value: json.RawMessage of it, nil without one.
func rawLiteral(v []byte) string {
	if len(v) == 0 {
		return "nil"
	}
	return "json.RawMessage(" + strconv.Quote(compact(v)) + ")"
}
