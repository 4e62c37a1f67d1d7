// Package lint checks an OpenRPC document for "openrpc validate": the OpenRPC meta-schema
// (embedded), the resolution of every $ref, and rules the meta-schema cannot express
// (unique names, required params first, examples that satisfy their schemas, error codes
// outside the range JSON-RPC reserves, x- fields declared in x-extensions). Every problem
// carries the JSON Pointer of the place it is about and a severity. The rules past the
// meta-schema and $refs need the document's structure: they run when its method, content
// descriptor and example $refs resolve.
//
// Severities:
//   - error: the document breaks the OpenRPC specification or cannot be used as written
//     (bytes that are not UTF-8, the meta-schema, a $ref that does not resolve or loops,
//     duplicate method or param names, an optional param before a required one, an
//     example that does not satisfy its schema, an error code reserved by JSON-RPC for
//     its own future use).
//   - warning: the document is valid but likely wrong or not portable (a code of the
//     implementation-defined range -32099..-32000 that the framework does not define, a
//     reference to another document, which is not checked, an x- field not declared in
//     x-extensions, an example pairing with more params than the method or leaving out a
//     required one, a link to a method the document does not have).
package lint

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/schemacheck"
	"github.com/openrpc-go/openrpc/internal/docmodel"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Severity says how bad a problem is.
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one thing wrong with a document.
type Problem struct {
	// Pointer is the JSON Pointer of the place in the document, "" for the whole document.
	Pointer  string   `json:"pointer"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// String formats the problem as "/methods/3/params/1/name: duplicate param name "limit"",
// with "warning: " before the message of a warning, and the control characters a
// document's names may hold escaped.
func (p Problem) String() string {
	ptr := p.Pointer
	if ptr == "" {
		ptr = "/"
	}
	ptr, msg := docmodel.Printable(ptr), docmodel.Printable(p.Message)
	if p.Severity == Warning {
		return ptr + ": warning: " + msg
	}
	return ptr + ": " + msg
}

// The meta-schema of OpenRPC documents and the JSON Schema meta-schema it refers to: copies
// of the files the OpenRPC project publishes (npm @open-rpc/meta-schema 1.14.9, the
// meta-schema of OpenRPC 1.3.2, and @json-schema-tools/meta-schema), the same bytes as
// examples/metaschema/testdata, which a test keeps in step.
//
//go:embed metaschema/meta-schema.json metaschema/json-schema-tools-meta-schema.json
var metaFiles embed.FS

const (
	metaSchemaURL = "https://meta.open-rpc.org/"
	toolsURL      = "https://meta.json-schema.tools"
)

var metaSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	for _, r := range []struct {
		file string
		urls []string
	}{
		{"metaschema/meta-schema.json", []string{metaSchemaURL}},
		{"metaschema/json-schema-tools-meta-schema.json", []string{toolsURL, toolsURL + "/"}},
	} {
		b, err := metaFiles.ReadFile(r.file)
		if err != nil {
			return nil, err
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		// The schema-tools meta-schema names itself as its own $schema: read both as draft-07.
		delete(v.(map[string]any), "$schema")
		for _, u := range r.urls {
			if err := c.AddResource(u, v); err != nil {
				return nil, err
			}
		}
	}
	return c.Compile(metaSchemaURL)
})

// Check returns the problems of the document doc, in the document's order.
func Check(doc []byte) []Problem {
	c := &checker{}
	c.check(doc)
	slices.SortStableFunc(c.problems, func(a, b Problem) int { return comparePointers(a.Pointer, b.Pointer) })
	return slices.Compact(c.problems)
}

// HasErrors reports whether any problem is an error.
func HasErrors(ps []Problem) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Severity == Error })
}

type checker struct {
	problems []Problem
	doc      *docmodel.Document
	tree     any // the document decoded
	schemas  *schemacheck.Document
}

func (c *checker) add(sev Severity, ptr, format string, args ...any) {
	c.problems = append(c.problems, Problem{Pointer: ptr, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) check(raw []byte) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		c.add(Error, "", "not JSON: %v", err)
		return
	}
	c.tree = v
	if !utf8.Valid(raw) {
		i := 0
		for i < len(raw) {
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		c.add(Error, "", "the document is not UTF-8: byte %#x at offset %d", raw[i], i)
	}
	c.metaSchema(v)
	c.refs(v, v, "", "")
	d, err := docmodel.Parse(raw)
	if err != nil {
		// The meta-schema or the $ref check has said why, in most cases; this says it
		// where they could not (a $ref chain that loops, for one).
		if !HasErrors(c.problems) {
			ptr, msg := splitPointer(err.Error())
			c.add(Error, ptr, "%s", msg)
		}
		return
	}
	c.doc = d
	c.methods()
	c.links()
	c.errorCodes()
	c.extensions(v)
	if sd, err := schemacheck.New(raw); err == nil {
		c.schemas = sd
		c.examples()
	}
}

// splitPointer splits "/methods/0/name: a method needs a name" into its pointer and message.
func splitPointer(s string) (string, string) {
	if strings.HasPrefix(s, "/") {
		if ptr, msg, ok := strings.Cut(s, ": "); ok {
			if ptr == "/" {
				ptr = ""
			}
			return ptr, msg
		}
	}
	return "", s
}

var printer = message.NewPrinter(language.English)

// metaSchema validates v against the OpenRPC meta-schema.
func (c *checker) metaSchema(v any) {
	sch, err := metaSchema()
	if err != nil {
		c.add(Error, "", "the embedded meta-schema does not compile: %v", err)
		return
	}
	err = sch.Validate(v)
	var ve *jsonschema.ValidationError
	if err == nil || !errors.As(err, &ve) {
		return
	}
	for _, e := range leaves(ve) {
		if f, ok := e.ErrorKind.(*kind.Format); ok && f.Want == "uri" {
			if u, ok := f.Got.(string); ok && strings.Contains(u, "${") {
				continue // a server URL with variables, which OpenRPC allows
			}
		}
		c.add(Error, pointer(e.InstanceLocation), "%s", e.ErrorKind.LocalizedString(printer))
	}
}

// leaves returns the causes of a meta-schema failure worth reading. The meta-schema says
// "a reference object or a method object" (oneOf) nearly everywhere; of such a choice only
// the branch that went deepest into the value is kept, which is the one the author meant:
// an object without "$ref" was not meant as a reference.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		var best []*jsonschema.ValidationError
		bestDepth := -1
		for _, cause := range e.Causes {
			l := leaves(cause)
			d := 0
			for _, x := range l {
				if r, ok := x.ErrorKind.(*kind.Required); ok && slices.Contains(r.Missing, "$ref") {
					d = -1 // the reference branch of a oneOf: not what was meant
					break
				}
				d = max(d, len(x.InstanceLocation))
			}
			if d > bestDepth {
				best, bestDepth = l, d
			}
		}
		return best
	}
	var out []*jsonschema.ValidationError
	for _, cause := range e.Causes {
		out = append(out, leaves(cause)...)
	}
	return out
}

// valueKeys are members whose values are data, not parts of the document: a "$ref" in
// them is not a reference.
var valueKeys = map[string]bool{"value": true, "default": true, "const": true, "enum": true}

// namedSchemas are members whose values are objects of schemas by name: their keys are
// names, never keywords.
var namedSchemas = map[string]bool{"properties": true, "patternProperties": true, "definitions": true, "$defs": true, "schemas": true}

// refs reports every "$ref" under v (at ptr) that does not resolve within root.
func (c *checker) refs(root, v any, ptr, key string) {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok && !namedSchemas[key] {
			c.ref(root, ref, ptr+"/$ref")
		}
		for _, k := range sortedKeys(x) {
			if valueKeys[k] && !namedSchemas[key] {
				continue
			}
			c.refs(root, x[k], ptr+"/"+escape(k), k)
		}
	case []any:
		for i, item := range x {
			c.refs(root, item, ptr+"/"+strconv.Itoa(i), "")
		}
	}
}

// maxRefChain is how many $refs in a row tools follow (docmodel's bound).
const maxRefChain = 64

func (c *checker) ref(root any, ref, at string) {
	if !strings.HasPrefix(ref, "#") {
		c.add(Warning, at, "$ref %q points into another document, which is not checked", ref)
		return
	}
	ptr := docmodel.RefPointer(ref)
	if ptr == "" && ref != "#" {
		c.add(Error, at, "$ref %q is not a JSON Pointer", ref)
		return
	}
	target, err := lookup(root, ptr)
	if err != nil {
		c.add(Error, at, "$ref %q does not resolve: %v", ref, err)
		return
	}
	// A $ref to an object that is a $ref again, and so on, must end at something else.
	chain := []string{ref}
	for {
		m, _ := target.(map[string]any)
		next, ok := m["$ref"].(string)
		if !ok || !strings.HasPrefix(next, "#") {
			return
		}
		loops := slices.Contains(chain, next)
		chain = append(chain, next)
		if loops {
			c.add(Error, at, "$ref %q never reaches a schema: the $refs loop (%s)", ref, strings.Join(chain, ", "))
			return
		}
		if len(chain) > maxRefChain {
			c.add(Error, at, "$ref %q starts a chain of more than %d $refs, which tools do not follow", ref, maxRefChain)
			return
		}
		if target, err = lookup(root, docmodel.RefPointer(next)); err != nil {
			return // reported where that $ref is
		}
	}
}

// lookup returns the value at the JSON Pointer ptr of the decoded document root.
func lookup(root any, ptr string) (any, error) {
	cur := root
	if ptr == "" {
		return cur, nil
	}
	for _, tok := range strings.Split(ptr, "/")[1:] {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[tok]
			if !ok {
				return nil, fmt.Errorf("no %q", tok)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("no item %q", tok)
			}
			cur = x[i]
		default:
			return nil, fmt.Errorf("%q is not inside an object or array", tok)
		}
	}
	return cur, nil
}

// methods checks method names, param names and the order of required params.
func (c *checker) methods() {
	seen := map[string]string{}
	for i, m := range c.doc.Methods {
		at := "/methods/" + strconv.Itoa(i)
		if first, dup := seen[m.Name]; dup {
			c.add(Error, at+"/name", "duplicate method name %q (also %s)", m.Name, first)
		} else {
			seen[m.Name] = at
		}
		params := map[string]int{}
		optional := -1
		for j, p := range m.Params {
			pat := c.follow(m.Pointer + "/params/" + strconv.Itoa(j))
			if k, dup := params[p.Name]; dup {
				c.add(Error, pat+"/name", "duplicate param name %q (also param %d) of method %q", p.Name, k, m.Name)
			} else {
				params[p.Name] = j
			}
			switch {
			case !p.Required && optional < 0:
				optional = j
			case p.Required && optional >= 0:
				c.add(Error, pat+"/required", "required param %q after the optional param %q: OpenRPC puts all required params first", p.Name, m.Params[optional].Name)
			}
		}
	}
}

// links warns of links to methods the document does not have.
func (c *checker) links() {
	check := func(l *docmodel.Link, at string) {
		if l.Method != "" && c.doc.Method(l.Method) == nil {
			c.add(Warning, at+"/method", "link to method %q, which the document does not have", l.Method)
		}
	}
	for _, m := range c.doc.Methods {
		for j, l := range m.Links {
			check(l, c.follow(m.Pointer+"/links/"+strconv.Itoa(j)))
		}
	}
	for _, l := range c.doc.Components.Links {
		check(l.Link, "/components/links/"+escape(l.Key))
	}
}

// follow returns the pointer of the object at ptr, or of its $ref's target.
func (c *checker) follow(ptr string) string {
	for range 64 {
		v, err := lookup(c.tree, ptr)
		if err != nil {
			return ptr
		}
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return ptr
		}
		target := docmodel.RefPointer(ref)
		if target == "" {
			return ptr
		}
		ptr = target
	}
	return ptr
}

// Framework codes, in the range JSON-RPC leaves to implementations, that openrpc-go
// documents (openrpc.Code).
var frameworkCodes = map[int64]string{
	-32000: "server error", -32001: "timeout", -32002: "canceled", -32003: "request too large",
	-32004: "overloaded", -32005: "response too large", -32099: "permission denied",
}

// errorCodes checks the codes of every error object, in methods and components.
func (c *checker) errorCodes() {
	check := func(e *docmodel.Error, at string) {
		code := e.Code
		switch {
		case code == -32700 || (code >= -32603 && code <= -32600):
			// JSON-RPC's own errors: listing them is allowed.
		case code >= -32099 && code <= -32000:
			if _, ok := frameworkCodes[code]; !ok {
				c.add(Warning, at+"/code", "code %d is in -32099..-32000, which JSON-RPC leaves to implementations; an application error should use a code outside -32768..-32000", code)
			}
		case code >= -32768 && code <= -32000:
			c.add(Error, at+"/code", "code %d is reserved by JSON-RPC (-32768..-32000) for its own errors", code)
		}
	}
	for _, m := range c.doc.Methods {
		for j, e := range m.Errors {
			check(e, c.follow(m.Pointer+"/errors/"+strconv.Itoa(j)))
		}
	}
	for _, e := range c.doc.Components.Errors {
		check(e.Error, "/components/errors/"+escape(e.Key))
	}
}

// extensions warns of x- fields of the document, info, components, methods and content
// descriptors that x-extensions does not declare.
func (c *checker) extensions(v any) {
	doc, ok := v.(map[string]any)
	if !ok {
		return
	}
	declared := map[string]bool{}
	list, _ := doc["x-extensions"].([]any)
	for _, e := range list {
		if e, ok := e.(map[string]any); ok {
			if name, ok := e["name"].(string); ok {
				declared[name] = true
			}
		}
	}
	look := func(obj any, at string) {
		m, _ := obj.(map[string]any)
		for _, k := range sortedKeys(m) {
			if strings.HasPrefix(k, "x-") && !(at == "" && k == "x-extensions") && !declared[k] {
				c.add(Warning, at+"/"+escape(k), "%s is not declared in x-extensions", k)
			}
		}
	}
	look(doc, "")
	look(doc["info"], "/info")
	look(doc["components"], "/components")
	methods, _ := doc["methods"].([]any)
	for i, m := range methods {
		at := "/methods/" + strconv.Itoa(i)
		look(m, at)
		mm, _ := m.(map[string]any)
		params, _ := mm["params"].([]any)
		for j, p := range params {
			look(p, at+"/params/"+strconv.Itoa(j))
		}
		look(mm["result"], at+"/result")
	}
}

// examples checks every example pairing of every method: each param example names a
// param and satisfies its schema, the result example satisfies the result's schema.
func (c *checker) examples() {
	for _, m := range c.doc.Methods {
		for i, pairing := range m.Examples {
			pat := c.follow(m.Pointer + "/examples/" + strconv.Itoa(i))
			named := map[string]bool{}
			for j, ex := range pairing.Params {
				eat := c.follow(pat + "/params/" + strconv.Itoa(j))
				param := exampleParam(m, ex, j)
				if param == nil {
					c.add(Warning, eat, "example pairing %q has %d params, method %q takes %d", pairing.Name, len(pairing.Params), m.Name, len(m.Params))
					break
				}
				named[param.Name] = true
				c.value(ex, param, eat, "param "+strconv.Quote(param.Name))
			}
			var missing []string
			for _, p := range m.Params {
				if p.Required && !named[p.Name] {
					missing = append(missing, strconv.Quote(p.Name))
				}
			}
			if len(missing) > 0 && len(pairing.Params) > 0 {
				what := "param"
				if len(missing) > 1 {
					what = "params"
				}
				c.add(Warning, pat+"/params", "example pairing %q leaves out the required %s %s", pairing.Name, what, strings.Join(missing, ", "))
			}
			if pairing.Result != nil && m.Result != nil {
				c.value(pairing.Result, m.Result, c.follow(pat+"/result"), "the result")
			}
		}
	}
}

// exampleParam returns the param the j-th example of a pairing is for: the param it names,
// or else the j-th param (documents in the wild name examples after their values).
func exampleParam(m *docmodel.Method, ex *docmodel.Example, j int) *docmodel.ContentDescriptor {
	for _, p := range m.Params {
		if p.Name == ex.Name {
			return p
		}
	}
	if j < len(m.Params) {
		return m.Params[j]
	}
	return nil
}

// value checks an example's value against the schema of cd.
func (c *checker) value(ex *docmodel.Example, cd *docmodel.ContentDescriptor, at, what string) {
	if ex.Value == nil {
		return // an externalValue, or no value: the meta-schema has its say
	}
	s, err := c.schemas.Compile(cd.Pointer)
	if err != nil {
		c.add(Error, cd.Pointer, "the schema does not compile: %v", err)
		return
	}
	for _, p := range s.Validate(ex.Value) {
		c.add(Error, at+"/value"+p.Path, "the example does not satisfy the schema of %s: %s", what, p.Message)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escape(t))
	}
	return b.String()
}

// comparePointers orders JSON Pointers by their tokens, array indexes as numbers, so
// /methods/2 comes before /methods/10.
func comparePointers(a, b string) int {
	ta, tb := strings.Split(a, "/"), strings.Split(b, "/")
	for i := range min(len(ta), len(tb)) {
		if ta[i] == tb[i] {
			continue
		}
		na, errA := strconv.Atoi(ta[i])
		nb, errB := strconv.Atoi(tb[i])
		if errA == nil && errB == nil {
			return na - nb
		}
		return strings.Compare(ta[i], tb[i])
	}
	return len(ta) - len(tb)
}
