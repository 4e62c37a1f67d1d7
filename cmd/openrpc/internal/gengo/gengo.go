package gengo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/schemacheck"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/standin"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// Options says what to generate.
type Options struct {
	// Package is the package name; it must be a Go identifier other than main.
	Package string
	// Source names the document in the header of the files, as the command was given it.
	Source string
	// Server adds server.go: the Service interface and Register.
	Server bool
}

// gen is one run of the generator.
type gen struct {
	doc   *docmodel.Document
	opts  Options
	notes []string
	// names holds the package's identifiers.
	names namespace
	// refs holds the type of every $ref target generated, by JSON Pointer.
	refs      map[string]goType
	resolving map[string]bool
	// building holds the struct types being declared, whose use in their own fields
	// needs a pointer.
	building map[string]bool
	// recursive holds the types that refer to themselves.
	recursive map[string]bool
	// named holds names reserved for the type being defined next.
	named      map[string]bool
	types      []string
	usesSchema bool
	methods    []*method
	errs       []errorCode
	// check validates the document's values against its schemas, made when first needed;
	// checkErr is why it could not be.
	check    *schemacheck.Document
	checkErr error
}

// method is what the client and the server need of a method.
type method struct {
	m      *docmodel.Method
	goName string
	// params is the params struct's name, "" without params (or when variadic).
	params   string
	fields   []paramField
	variadic *goType
	// result is nil for a notification; resultNull marks a result that is always null.
	result       *goType
	resultNull   bool
	subscription bool
	event        goType
	byPosition   bool
	// refused names the params fields of a by-position method that, unset before a set
	// one, have no value to stand in for them: its positional method returns an error too.
	refused []string
	// unsubscribe marks the method ending another's subscriptions, which
	// openrpc.RegisterSubscription registers.
	unsubscribe bool
}

// paramField is a field of a params struct.
type paramField struct {
	name     string
	param    string // its name in the document
	required bool
	// standIn is what an optional by-position param left unset before a set one is sent
	// as: a Go expression (the document's default as raw JSON, or nil for null), or ""
	// when it has neither and the call is refused.
	standIn string
}

// errorCode is an application error of the document.
type errorCode struct {
	name string
	err  *docmodel.Error
}

// Generate returns the Go package for doc: types.go (the schemas' types and the errors),
// client.go (the Client), and with opts.Server server.go (Service and Register); and notes
// saying what the generator simplified.
func Generate(doc *docmodel.Document, opts Options) (files map[string][]byte, notes []string, err error) {
	if !token.IsIdentifier(opts.Package) || opts.Package == "_" {
		return nil, nil, fmt.Errorf("package name %q is not a Go identifier", opts.Package)
	}
	if opts.Package == "main" {
		return nil, nil, errors.New(`package name "main" is a program's, which no code can import and the generated package has no func main: choose another`)
	}
	if doc == nil {
		return nil, nil, errors.New("no document")
	}
	g := &gen{
		doc:       doc,
		opts:      opts,
		names:     namespace{},
		refs:      map[string]goType{},
		resolving: map[string]bool{},
		building:  map[string]bool{},
		recursive: map[string]bool{},
		named:     map[string]bool{},
	}
	for _, n := range []string{"Client", "NewClient", "Service", "Register", "SecuritySchemes", "remoteError", "wrapError", "documentSchema"} {
		g.names.take(n)
	}
	for _, c := range doc.Components.Schemas {
		g.refType(&docmodel.Schema{Ref: "#/components/schemas/" + escapePointer(c.Name)}, "/components/schemas", 0)
	}
	g.collectMethods()
	g.collectErrors()

	files = map[string][]byte{}
	add := func(name, body string) error {
		b, err := g.file(name, body)
		if err != nil {
			return err
		}
		files[name] = b
		return nil
	}
	if err := add("types.go", g.typesFile()); err != nil {
		return nil, nil, err
	}
	if err := add("client.go", g.clientFile()); err != nil {
		return nil, nil, err
	}
	if opts.Server {
		if err := add("server.go", g.serverFile()); err != nil {
			return nil, nil, err
		}
	}
	return files, g.notes, nil
}

// collectMethods reads every method's params, result and events into types.
func (g *gen) collectMethods() {
	// The methods that end subscriptions: openrpc.RegisterSubscription adds them, named
	// after the subscription with openrpc.UnsubscribeSuffix.
	ends := map[string]bool{}
	for _, m := range g.doc.Methods {
		if u, ok := m.Subscription(); ok {
			ends[m.Name+"_unsubscribe"] = true
			if u != "" && u != m.Name+"_unsubscribe" {
				ends[u] = true
				g.note(m.Pointer, "subscription %q is ended by %q: a server built from this package ends it with %q", m.Name, u, m.Name+"_unsubscribe")
			}
		}
	}
	methodNames := namespace{}
	for _, m := range g.doc.Methods {
		mm := &method{m: m, goName: methodNames.take(exportName(m.Name)), unsubscribe: ends[m.Name]}
		mm.byPosition = m.ParamStructure == "by-position"
		_, mm.subscription = m.Subscription()
		if len(m.Params) == 1 && mm.byPosition && g.isVariadic(m.Params[0]) {
			t := g.typeOf(m.Params[0].Schema, m.Params[0].Pointer, mm.goName+" "+m.Params[0].Name, 0)
			mm.variadic = &t
		} else if len(m.Params) > 0 {
			g.paramsStruct(mm)
		}
		if mm.subscription {
			mm.event = g.eventType(mm)
		} else if m.Result != nil {
			rs, _, err := g.doc.Resolve(m.Result.Schema)
			if err == nil && rs != nil && len(rs.Type) == 1 && rs.Type[0] == "null" {
				mm.resultNull = true
			}
			t := g.typeOf(m.Result.Schema, m.Result.Pointer, mm.goName+" Result", 0)
			t = g.constrained(t, m.Result.Pointer, mm.goName+"Result")
			mm.result = &t
		}
		g.methods = append(g.methods, mm)
	}
}

// constrained returns a result of a basic type whose schema has constraints a struct tag
// would carry on a field (bounds, lengths, a pattern, an enum) as a type of its own that
// publishes the document's schema, so a server's document keeps them.
func (g *gen) constrained(t goType, ptr, name string) goType {
	s := t.schema
	switch {
	case s == nil || t.nullable || s.Ref != "":
		return t
	case t.expr != "string" && t.expr != "int64" && t.expr != "int32" && t.expr != "float64":
		return t
	case s.Minimum == nil && s.Maximum == nil && s.ExclusiveMinimum == nil && s.ExclusiveMaximum == nil &&
		s.MultipleOf == nil && s.MinLength == nil && s.MaxLength == nil && s.Pattern == "":
		return t
	}
	doc := g.schemaJSON(ptr)
	if doc == "{}" {
		return t
	}
	name = g.names.take(name)
	g.usesSchema = true
	g.decl(name, s, fmt.Sprintf("type %s %s\n\n// JSONSchema describes the value as the document does.\nfunc (%s) JSONSchema() *openrpc.Schema {\n\treturn documentSchema(%s)\n}\n",
		name, t.expr, name, strconv.Quote(doc)))
	t.expr = name
	return t
}

// isVariadic reports whether the param descriptor says x-variadic: true.
func (g *gen) isVariadic(p *docmodel.ContentDescriptor) bool {
	raw, err := g.doc.Lookup(strings.TrimSuffix(p.Pointer, "/schema"))
	if err != nil {
		return false
	}
	var v struct {
		Variadic bool `json:"x-variadic"`
	}
	return json.Unmarshal(raw, &v) == nil && v.Variadic
}

// eventType returns the type of a subscription's events, from x-subscription's event.
func (g *gen) eventType(mm *method) goType {
	var v struct {
		Event *docmodel.Schema `json:"event"`
	}
	if json.Unmarshal(mm.m.Extensions["x-subscription"], &v) != nil || v.Event == nil {
		g.note(mm.m.Pointer, "subscription without an event schema: events are json.RawMessage")
		return rawType
	}
	return g.typeOf(v.Event, mm.m.Pointer+"/x-subscription/event", mm.goName+" Event", 0)
}

// paramsStruct declares the params struct of a method: one field per param, in order.
func (g *gen) paramsStruct(mm *method) {
	name := g.names.take(mm.goName + "Params")
	mm.params = name
	g.building[name] = true
	defer delete(g.building, name)
	var b strings.Builder
	fmt.Fprintf(&b, "type %s struct {\n", name)
	fields := namespace{}
	seen := map[string]bool{}
	// By position, every param before the last required one is in every call: it is
	// generated as required, since the framework takes required params first and an
	// optional field there would move after them.
	lastRequired := -1
	if mm.byPosition {
		for i, p := range mm.m.Params {
			if p.Required {
				lastRequired = i
			}
		}
	}
	optionalBefore := false
	for i, p := range mm.m.Params {
		if !validJSONName(p.Name) || seen[p.Name] {
			g.note(p.Pointer, "param name %q cannot be a json tag or is taken: left out", p.Name)
			continue
		}
		seen[p.Name] = true
		t := g.typeOf(p.Schema, p.Pointer, mm.goName+" "+p.Name, 0)
		fname := fields.take(exportName(p.Name))
		desc := joinText(p.Summary, p.Description)
		if i > 0 {
			b.WriteString("\n")
		}
		if desc != "" {
			comment(&b, fname+" is "+lowerFirst(desc))
		}
		if p.Deprecated {
			if desc != "" {
				comment(&b, "")
			}
			comment(&b, "Deprecated: the document marks it deprecated.")
		}
		required := p.Required || i < lastRequired
		m := g.member(t, !required)
		switch {
		case !p.Required && m.required:
			g.note(p.Pointer, "optional param %q comes before a required one, by position, and may be null: a server built from this package publishes it as required (a call gives it, as null when unset)", p.Name)
		case required && optionalBefore && mm.m.ParamStructure != "by-name":
			g.note(p.Pointer, "required param %q comes after an optional one: a server built from this package publishes and takes it before the optional ones, as OpenRPC orders params", p.Name)
		}
		optionalBefore = optionalBefore || !required
		fmt.Fprintf(&b, "%s %s %s\n", fname, m.expr, g.tag(p.Name, !required, m, t, desc, p.Pointer))
		f := paramField{name: fname, param: p.Name, required: required}
		if mm.byPosition && !required && i < len(mm.m.Params)-1 {
			f.standIn = g.standIn(p, t)
		}
		mm.fields = append(mm.fields, f)
	}
	b.WriteString("}\n")
	if mm.byPosition {
		g.positional(&b, mm, name)
	}
	g.decl(name, &docmodel.Schema{Description: "the params of " + mm.m.Name + "."}, b.String())
}

// standIn returns the Go expression an optional by-position param p, of type t, is sent
// as when it is unset before a set one, as "openrpc call" decides: its default if its
// schema accepts it, else nil (null) if its schema accepts null, else "" (the call is
// refused, rather than send a value the caller did not give, such as 0 for a limit).
func (g *gen) standIn(p *docmodel.ContentDescriptor, t goType) string {
	if g.check == nil && g.checkErr == nil {
		g.check, g.checkErr = schemacheck.New(g.doc.Raw())
	}
	var s *schemacheck.Schema
	if g.check != nil {
		s, _ = g.check.Compile(p.Pointer)
	}
	st := standin.Of(g.doc, p, s, t.nullable)
	if note := st.Note(p.Name); note != "" {
		g.note(p.Pointer, "%s", note)
	}
	switch st.Kind {
	case standin.Default:
		return "json.RawMessage(" + goString(string(st.Value)) + ")"
	case standin.Null:
		return "nil"
	}
	return ""
}

// goString returns s as a Go string literal: raw when it is printable ASCII without a
// backquote, for a JSON value to read as itself.
func goString(s string) string {
	for _, r := range s {
		if r < ' ' || r > '~' || r == '`' {
			return strconv.Quote(s)
		}
	}
	return "`" + s + "`"
}

// positional writes the positional method of the params struct name of mm, by position:
// the params in order, without the optional ones unset at the end. One unset before a set
// one is sent as null (what an unset field encodes as), as its default when the document
// gives one, or refused with an error when null is no value of it either.
func (g *gen) positional(b *strings.Builder, mm *method, name string) {
	last := len(mm.fields) - 1
	defaults := false
	for _, f := range mm.fields[:max(last, 0)] {
		defaults = defaults || !f.required && f.standIn != "" && f.standIn != "nil"
		if !f.required && f.standIn == "" {
			mm.refused = append(mm.refused, f.name)
		}
	}
	refuses := len(mm.refused) > 0
	b.WriteString("\n// positional returns the params in order, without the optional ones left unset at the end\n")
	switch {
	case refuses:
		b.WriteString("// (one left unset before a set one is sent as its default, or as null when it may be\n// null, and is an error otherwise).\n")
		fmt.Fprintf(b, "func (p %s) positional() ([]any, error) {\n", name)
	case defaults:
		b.WriteString("// (one left unset before a set one is sent as its default, or as null when it has none).\n")
		fmt.Fprintf(b, "func (p %s) positional() []any {\n", name)
	default:
		b.WriteString("// (one left unset before a set one is sent as null).\n")
		fmt.Fprintf(b, "func (p %s) positional() []any {\n", name)
	}
	b.WriteString("\tparams := []any{")
	for i, f := range mm.fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("p." + f.name)
	}
	b.WriteString("}\n")
	if last >= 0 && !mm.fields[last].required {
		// The required params stay, zero or not: trimming stops after the last one.
		keep := 0
		for i, f := range mm.fields {
			if f.required {
				keep = i + 1
			}
		}
		fmt.Fprintf(b, "\tfor len(params) > %d && reflect.ValueOf(params[len(params)-1]).IsZero() {\n\t\tparams = params[:len(params)-1]\n\t}\n", keep)
	}
	for i, f := range mm.fields[:max(last, 0)] {
		if f.required || f.standIn == "nil" {
			continue
		}
		// An optional param kept, not the last one kept: a set one follows it.
		fmt.Fprintf(b, "\tif len(params) > %d && reflect.ValueOf(params[%d]).IsZero() {\n", i+1, i)
		if f.standIn != "" {
			fmt.Fprintf(b, "\t\tparams[%d] = %s\n\t}\n", i, f.standIn)
			continue
		}
		msg := fmt.Sprintf("%s: %s must be set when a later param is: the method takes its params by position, and param %q has no default and is not nullable", mm.m.Name, f.name, f.param)
		fmt.Fprintf(b, "\t\treturn nil, errors.New(%s)\n\t}\n", strconv.Quote(msg))
	}
	if refuses {
		b.WriteString("\treturn params, nil\n}\n")
		return
	}
	b.WriteString("\treturn params\n}\n")
}

// collectErrors gathers the document's errors, one per code, in order.
func (g *gen) collectErrors() {
	seen := map[int64]bool{}
	add := func(e *docmodel.Error) {
		if e == nil || seen[e.Code] {
			return
		}
		seen[e.Code] = true
		if e.Code < math.MinInt32 || e.Code > math.MaxInt32 {
			g.note("", "error code %d is beyond 32 bits: left out", e.Code)
			return
		}
		word := exportName(e.Message)
		if e.Message == "" {
			word = "Code" + strings.ReplaceAll(strconv.FormatInt(e.Code, 10), "-", "Minus")
		}
		g.errs = append(g.errs, errorCode{name: g.names.take("Err" + strings.TrimPrefix(word, "X")), err: e})
	}
	for _, m := range g.doc.Methods {
		for _, e := range m.Errors {
			add(e)
		}
	}
	for _, e := range g.doc.Components.Errors {
		add(e.Error)
	}
}

// typesFile returns the body of types.go.
func (g *gen) typesFile() string {
	var b strings.Builder
	b.WriteString(strings.Join(g.types, "\n"))
	if len(g.errs) > 0 {
		b.WriteString("\n// The errors of the document. A Client's methods return the errors the server sends\n" +
			"// so that errors.Is matches them with these by code, and errors.As finds the\n" +
			"// *openrpc.Error. A Service returns them to send them.\nvar (\n")
		for i, e := range g.errs {
			if i > 0 {
				b.WriteString("\n")
			}
			comment(&b, fmt.Sprintf("%s is the error %d, %s.", e.name, e.err.Code, strconv.Quote(e.err.Message)))
			fmt.Fprintf(&b, "%s = &openrpc.Error{Code: %d, Message: %s}\n", e.name, e.err.Code, strconv.Quote(e.err.Message))
		}
		b.WriteString(")\n")
	}
	if g.usesSchema {
		b.WriteString(`
// documentSchema returns a schema as the document writes it, for a server to publish.
func documentSchema(doc string) *openrpc.Schema {
	var s openrpc.Schema
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return &openrpc.Schema{}
	}
	return &s
}
`)
	}
	return b.String()
}

// clientFile returns the body of client.go.
func (g *gen) clientFile() string {
	var b strings.Builder
	title := g.doc.Info.Title
	if title == "" {
		title = "the service"
	}
	comment(&b, fmt.Sprintf("Client calls the methods of %s over an *openrpc.Client (from rpchttp.NewClient,\nrpchttp.DialWebSocket or any other transport). Errors the server sends are\nreturned so that errors.Is matches them with this package's Err values.", title))
	b.WriteString("type Client struct {\n\trpc *openrpc.Client\n}\n\n")
	b.WriteString("// NewClient returns a Client calling through c.\nfunc NewClient(c *openrpc.Client) *Client {\n\treturn &Client{rpc: c}\n}\n")
	for _, mm := range g.methods {
		b.WriteString("\n")
		g.methodDoc(&b, mm, "calls")
		args := "ctx context.Context"
		params := "nil"
		switch {
		case mm.variadic != nil:
			e := g.field(*mm.variadic)
			args += ", params ..." + e
			fmt.Fprintf(&b, "func (c *Client) %s(%s) ", mm.goName, args)
			params = "params"
		case mm.params != "":
			args += ", params " + mm.params
			params = "params"
			if mm.byPosition {
				params = "params.positional()"
			}
			fmt.Fprintf(&b, "func (c *Client) %s(%s) ", mm.goName, args)
		default:
			fmt.Fprintf(&b, "func (c *Client) %s(%s) ", mm.goName, args)
		}
		switch {
		case mm.subscription:
			fmt.Fprintf(&b, "(*openrpc.Subscription[%s], error) {\n", mm.event.expr)
		case mm.result == nil || mm.resultNull:
			b.WriteString("error {\n")
		default:
			fmt.Fprintf(&b, "(%s, error) {\n", g.field(*mm.result))
		}
		if mm.variadic != nil {
			fmt.Fprintf(&b, "\tif params == nil {\n\t\tparams = []%s{}\n\t}\n", g.field(*mm.variadic))
		}
		name := strconv.Quote(mm.m.Name)
		declare := ":="
		if len(mm.refused) > 0 {
			// The params may be refused before anything is sent.
			failed := "err"
			switch {
			case mm.subscription:
				failed = "nil, err"
			case mm.result != nil && !mm.resultNull:
				fmt.Fprintf(&b, "\tvar result %s\n", g.field(*mm.result))
				failed = "result, err"
				declare = "="
			}
			fmt.Fprintf(&b, "\targs, err := params.positional()\n\tif err != nil {\n\t\treturn %s\n\t}\n", failed)
			params = "args"
		}
		switch {
		case mm.subscription:
			fmt.Fprintf(&b, "\tsub, err := openrpc.Subscribe[%s](ctx, c.rpc, %s, %s)\n\treturn sub, wrapError(err)\n", mm.event.expr, name, params)
		case mm.result == nil:
			fmt.Fprintf(&b, "\treturn wrapError(c.rpc.Notify(ctx, %s, %s))\n", name, params)
		case mm.resultNull:
			fmt.Fprintf(&b, "\treturn wrapError(c.rpc.Call(ctx, %s, %s, nil))\n", name, params)
		default:
			if declare == ":=" {
				fmt.Fprintf(&b, "\tvar result %s\n", g.field(*mm.result))
			}
			fmt.Fprintf(&b, "\terr %s c.rpc.Call(ctx, %s, %s, &result)\n\treturn result, wrapError(err)\n", declare, name, params)
		}
		b.WriteString("}\n")
	}
	b.WriteString(`
// remoteError is an error the server sent: errors.Is matches it with an *openrpc.Error
// of the same code, such as this package's Err values, and errors.As finds the
// *openrpc.Error.
type remoteError struct {
	err *openrpc.Error
}

func (e *remoteError) Error() string { return e.err.Error() }

func (e *remoteError) Unwrap() error { return e.err }

// Is reports whether target is an *openrpc.Error with the same code.
func (e *remoteError) Is(target error) bool {
	t, ok := target.(*openrpc.Error)
	return ok && t != nil && t.Code == e.err.Code
}

// wrapError wraps an *openrpc.Error in a remoteError.
func wrapError(err error) error {
	if e, ok := err.(*openrpc.Error); ok {
		return &remoteError{err: e}
	}
	return err
}
`)
	return b.String()
}

// methodDoc writes the doc comment of a method: what it does (calls or serves), its summary
// and description, and Deprecated.
func (g *gen) methodDoc(b *strings.Builder, mm *method, verb string) {
	what := "method"
	switch {
	case mm.subscription:
		what = "subscription"
	case mm.result == nil:
		what = "notification"
	}
	line := fmt.Sprintf("%s %s the %s %s.", mm.goName, verb, what, strconv.Quote(mm.m.Name))
	if mm.subscription && verb == "calls" {
		line += " It needs a connection (WebSocket, stdio); the subscription's Unsubscribe ends it."
	}
	comment(b, line)
	if text := joinText(mm.m.Summary, mm.m.Description); text != "" {
		comment(b, "")
		comment(b, text)
	}
	if len(mm.refused) > 0 && verb == "calls" {
		comment(b, "")
		comment(b, fmt.Sprintf("It returns an error and sends nothing when params.%s is unset while a later param is set: the method takes its params by position, and no default or null can stand in for it.",
			strings.Join(mm.refused, " or params.")))
	}
	if mm.m.Deprecated {
		comment(b, "")
		comment(b, "Deprecated: the document marks it deprecated.")
	}
}

// file formats one file with its header and the imports its code uses.
func (g *gen) file(name, body string) ([]byte, error) {
	var b strings.Builder
	src := strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == 0xfeff {
			return -1
		}
		return r
	}, g.opts.Source)
	if src == "" {
		src = "a document"
	}
	fmt.Fprintf(&b, "// Code generated by openrpc gen go from %s; DO NOT EDIT.\n\n", src)
	if name == "client.go" {
		title := strings.Join(strings.Fields(g.doc.Info.Title+" "+g.doc.Info.Version), " ")
		if title == "" {
			title = "an OpenRPC service"
		}
		comment(&b, fmt.Sprintf("Package %s is a client for %s, generated from its OpenRPC document.", g.opts.Package, title))
	}
	fmt.Fprintf(&b, "package %s\n\n", g.opts.Package)
	head := b.String()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, head+body, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("generated %s does not parse (a bug in the generator): %w", name, err)
	}
	paths := map[string]string{
		"context": "context", "json": "encoding/json", "openrpc": "github.com/openrpc-go/openrpc",
		"errors": "errors", "reflect": "reflect", "time": "time",
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && paths[id.Name] != "" {
				used[paths[id.Name]] = true
			}
		}
		return true
	})
	var imports strings.Builder
	if len(used) > 0 {
		imports.WriteString("import (\n")
		var std, other []string
		for p := range used {
			if strings.Contains(p, ".") {
				other = append(other, p)
			} else {
				std = append(std, p)
			}
		}
		slices.Sort(std)
		slices.Sort(other)
		for _, p := range std {
			fmt.Fprintf(&imports, "\t%q\n", p)
		}
		if len(std) > 0 && len(other) > 0 {
			imports.WriteString("\n")
		}
		for _, p := range other {
			fmt.Fprintf(&imports, "\t%q\n", p)
		}
		imports.WriteString(")\n\n")
	}
	out, err := format.Source([]byte(head + imports.String() + body))
	if err != nil {
		return nil, fmt.Errorf("generated %s does not format (a bug in the generator): %w", name, err)
	}
	return out, nil
}

// comment writes text as a line comment, one // line per line.
func comment(b *strings.Builder, text string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for _, line := range strings.Split(text, "\n") {
		line = strings.Map(func(r rune) rune {
			switch {
			case r == '\t':
				return ' '
			case r < ' ' || r == 0x7f || r == 0xfeff || r == utf8.RuneError || r == '\u2028' || r == '\u2029' || r == 0x85:
				return -1
			}
			return r
		}, strings.TrimRight(line, " \t\r"))
		if line == "" {
			b.WriteString("//\n")
			continue
		}
		for _, l := range wrap(line, 90) {
			b.WriteString("// " + l + "\n")
		}
	}
}

// wrap breaks a line of prose longer than width at spaces; an indented line (code, in
// CommonMark) stays whole.
func wrap(line string, width int) []string {
	if utf8.RuneCountInString(line) <= width || strings.HasPrefix(line, " ") {
		return []string{line}
	}
	var out []string
	cur := ""
	for _, w := range strings.Fields(line) {
		if cur != "" && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width {
			out = append(out, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	return append(out, cur)
}

// joinText joins a summary or title and a description as paragraphs.
func joinText(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}

// lowerFirst lowers the first letter of s unless it starts an initialism ("URL of").
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// compact returns JSON without insignificant space.
func compact(raw json.RawMessage) string {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return "null"
	}
	return buf.String()
}
