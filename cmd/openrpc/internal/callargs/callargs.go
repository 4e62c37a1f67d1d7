// Package callargs turns the words of a command line into the params of a JSON-RPC call,
// typed by the param schemas of an OpenRPC document: "count=3" becomes the number 3 for an
// integer param and the string "3" for a string param. It checks the params against their
// schemas before anything is sent, and names the param at fault.
//
// The words are, for a method of the document:
//   - one JSON object or array: the params as they are (an object is reordered into an
//     array for a method that takes its params by position, an array into an object for
//     one that takes them by name);
//   - name=value: the value read as the param's type wants it: a number, integer, boolean or
//     null; a string as it is, without quotes; JSON for an object or an array;
//   - name:=JSON: the value as JSON, whatever the schema says;
//   - value (no name): the next param by position.
package callargs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/schemacheck"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/standin"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/typename"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// Error is params refused before sending: a value that does not fit its param, an unknown
// or missing param.
type Error struct {
	// Param names the param at fault, "" when it is the params as a whole.
	Param string
	// Msg says what is wrong and, when it can, what to write instead.
	Msg string
}

func (e *Error) Error() string {
	if e.Param == "" {
		return e.Msg
	}
	return fmt.Sprintf("param %q: %s", e.Param, e.Msg)
}

func paramErrorf(param, format string, args ...any) *Error {
	return &Error{Param: param, Msg: fmt.Sprintf(format, args...)}
}

// Builder builds the params of one document's methods. It is not safe for concurrent use.
type Builder struct {
	doc     *docmodel.Document
	check   *schemacheck.Document
	schemas map[string]*schemacheck.Schema // compiled, by pointer; nil for one that does not compile
	methods map[*docmodel.Method][]param
}

// NewBuilder returns a Builder for doc; raw is the document's bytes (doc.Raw()).
func NewBuilder(doc *docmodel.Document) (*Builder, error) {
	check, err := schemacheck.New(doc.Raw())
	if err != nil {
		return nil, err
	}
	return &Builder{doc: doc, check: check, schemas: map[string]*schemacheck.Schema{}, methods: map[*docmodel.Method][]param{}}, nil
}

// param is one of a method's params, as the builder uses it.
type param struct {
	desc     *docmodel.ContentDescriptor
	variadic bool // takes every remaining positional value (x-variadic)
}

func (b *Builder) params(m *docmodel.Method) []param {
	if ps, ok := b.methods[m]; ok {
		return ps
	}
	ps := make([]param, len(m.Params))
	for i, p := range m.Params {
		ps[i] = param{desc: p, variadic: i == len(m.Params)-1 && p.Variadic()}
	}
	b.methods[m] = ps
	return ps
}

// name matches the left of "=" when it is meant as a param name.
var name = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_.$-]*$`)

// Build returns the params of a call to m for args, nil when there are none, or an *Error.
func (b *Builder) Build(m *docmodel.Method, args []string) (json.RawMessage, error) {
	ps := b.params(m)
	values := make([]json.RawMessage, len(ps))
	var rest []json.RawMessage // the values of a variadic param past the first
	byPosition := m.ParamStructure == "by-position"

	if len(args) == 1 && isJSONContainer(args[0]) {
		if err := b.fromJSON(m, ps, args[0], values, &rest); err != nil {
			return nil, err
		}
	} else if err := b.fromWords(m, ps, args, values, &rest); err != nil {
		return nil, err
	}

	last := -1
	for i, p := range ps {
		if values[i] == nil {
			if p.desc.Required {
				return nil, paramErrorf(p.desc.Name, "missing: it is required (%s); add %s=VALUE", typename.Of(p.desc.Schema), p.desc.Name)
			}
			continue
		}
		last = i
		if err := b.validate(p.desc, values[i]); err != nil {
			return nil, err
		}
	}
	for _, v := range rest {
		if err := b.validate(ps[len(ps)-1].desc, v); err != nil {
			return nil, err
		}
	}
	if last < 0 {
		if byPosition {
			return json.RawMessage("[]"), nil
		}
		return nil, nil
	}

	var out bytes.Buffer
	if byPosition {
		out.WriteByte('[')
		for i := 0; i <= last; i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			v := values[i]
			if v == nil { // an optional param left out before a given one
				var err error
				if v, err = b.standIn(m, ps[i].desc); err != nil {
					return nil, err
				}
			}
			out.Write(v)
		}
		for _, v := range rest {
			out.WriteByte(',')
			out.Write(v)
		}
		out.WriteByte(']')
		return out.Bytes(), nil
	}
	if len(rest) > 0 {
		return nil, paramErrorf(ps[len(ps)-1].desc.Name, "takes one value by name: give the params as one JSON array instead")
	}
	out.WriteByte('{')
	first := true
	for i, p := range ps {
		if values[i] == nil {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(p.desc.Name)
		out.Write(k)
		out.WriteByte(':')
		out.Write(values[i])
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// fromJSON fills values from one JSON object or array.
func (b *Builder) fromJSON(m *docmodel.Method, ps []param, arg string, values []json.RawMessage, rest *[]json.RawMessage) error {
	if strings.HasPrefix(strings.TrimSpace(arg), "[") {
		var items []json.RawMessage
		if err := json.Unmarshal([]byte(arg), &items); err != nil {
			return &Error{Msg: fmt.Sprintf("the params are not a JSON array: %v", err)}
		}
		if m.ParamStructure == "by-name" && len(items) > len(ps) {
			return &Error{Msg: fmt.Sprintf("%s takes %d params, by name; the array has %d", m.Name, len(ps), len(items))}
		}
		for i, v := range items {
			switch {
			case i < len(ps):
				values[i] = v
			case len(ps) > 0 && ps[len(ps)-1].variadic:
				*rest = append(*rest, v)
			default:
				return &Error{Msg: fmt.Sprintf("%s takes %d params; the array has %d", m.Name, len(ps), len(items))}
			}
		}
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(arg), &obj); err != nil {
		return &Error{Msg: fmt.Sprintf("the params are not a JSON object: %v", err)}
	}
	if m.ParamStructure == "by-position" && len(ps) > 0 && ps[len(ps)-1].variadic && len(obj) > 0 {
		return &Error{Msg: fmt.Sprintf("%s takes its params by position: give them as a JSON array", m.Name)}
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) { // the same error every time
		i := index(ps, k)
		if i < 0 {
			return unknown(m, ps, k)
		}
		values[i] = obj[k]
	}
	return nil
}

// fromWords fills values from name=value, name:=JSON and positional words.
func (b *Builder) fromWords(m *docmodel.Method, ps []param, args []string, values []json.RawMessage, rest *[]json.RawMessage) error {
	pos := 0
	named := false
	for _, a := range args {
		k, v, raw, isNamed := splitNamed(a)
		if isNamed {
			i := index(ps, k)
			if i < 0 {
				return unknown(m, ps, k)
			}
			if values[i] != nil {
				return paramErrorf(k, "given twice")
			}
			val, err := b.value(ps[i].desc, v, raw)
			if err != nil {
				return err
			}
			values[i] = val
			named = true
			continue
		}
		if named {
			return &Error{Msg: fmt.Sprintf("%q comes after params given by name: write it as NAME=%s", a, a)}
		}
		var p *docmodel.ContentDescriptor
		switch {
		case pos < len(ps):
			p = ps[pos].desc
		case len(ps) > 0 && ps[len(ps)-1].variadic:
			p = ps[len(ps)-1].desc
		default:
			return &Error{Msg: fmt.Sprintf("%s takes %d params; %q is one too many", m.Name, len(ps), a)}
		}
		val, err := b.value(p, a, false)
		if err != nil {
			return err
		}
		if pos < len(ps) {
			values[pos] = val
		} else {
			*rest = append(*rest, val)
		}
		pos++
	}
	return nil
}

// splitNamed reads "name=value" and "name:=JSON".
func splitNamed(a string) (k, v string, raw, ok bool) {
	k, v, ok = strings.Cut(a, "=")
	if !ok {
		return "", "", false, false
	}
	if strings.HasSuffix(k, ":") {
		k, raw = strings.TrimSuffix(k, ":"), true
	}
	if !name.MatchString(k) {
		return "", "", false, false
	}
	return k, v, raw, true
}

func index(ps []param, name string) int {
	return slices.IndexFunc(ps, func(p param) bool { return p.desc.Name == name })
}

func unknown(m *docmodel.Method, ps []param, k string) error {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.desc.Name
	}
	switch {
	case len(ps) == 0:
		return paramErrorf(k, "%s takes no params", m.Name)
	case Nearest(k, names) != "":
		return paramErrorf(k, "%s has no such param; did you mean %q? (it takes %s)", m.Name, Nearest(k, names), strings.Join(names, ", "))
	}
	return paramErrorf(k, "%s has no such param; it takes %s", m.Name, strings.Join(names, ", "))
}

// value converts one word to p's type; raw says it was given as name:=JSON.
func (b *Builder) value(p *docmodel.ContentDescriptor, v string, raw bool) (json.RawMessage, error) {
	if raw {
		if !json.Valid([]byte(v)) {
			return nil, paramErrorf(p.Name, "%q is not JSON (name:=JSON takes a JSON value)", v)
		}
		return compact(v), nil
	}
	types := b.types(p.Schema, 0)
	if len(types) == 0 { // any value: JSON when it is, else a string
		if json.Valid([]byte(v)) {
			return compact(v), nil
		}
		return quote(v), nil
	}
	if types["null"] && v == "null" {
		return json.RawMessage("null"), nil
	}
	if types["boolean"] && (v == "true" || v == "false") {
		return json.RawMessage(v), nil
	}
	if (types["number"] || types["integer"]) && isJSONNumber(v) {
		return json.RawMessage(v), nil
	}
	if (types["object"] || types["array"]) && isJSONContainer(v) {
		if json.Valid([]byte(v)) {
			return compact(v), nil
		}
		if !types["string"] {
			return nil, paramErrorf(p.Name, "want %s, got %q, which is not JSON", typename.Of(p.Schema), v)
		}
	}
	if types["string"] {
		return quote(v), nil
	}
	if types["object"] || types["array"] {
		example := `'{...}'`
		if types["array"] {
			example = `'[...]'`
		}
		return nil, paramErrorf(p.Name, "want %s, got %q: write it as JSON, %s=%s", typename.Of(p.Schema), v, p.Name, example)
	}
	return nil, paramErrorf(p.Name, "want %s, got %q", typename.Of(p.Schema), v)
}

// standIn returns the value sent for p, an optional param of m (by position) left out
// before a given one: its default, else null, the first that its schema accepts (see
// package standin); without either the param must be given.
func (b *Builder) standIn(m *docmodel.Method, p *docmodel.ContentDescriptor) (json.RawMessage, error) {
	if s := standin.Of(b.doc, p, b.schema(p), true); s.Kind != standin.None {
		return s.Value, nil
	}
	return nil, paramErrorf(p.Name, "must be given when a later param is: %s takes its params by position, and this param has no default and is not nullable", m.Name)
}

// types returns the JSON types s accepts, none for any.
func (b *Builder) types(s *docmodel.Schema, depth int) map[string]bool {
	if depth > 8 {
		return nil
	}
	s, _, err := b.doc.Resolve(s)
	if err != nil || s == nil || s.IsTrue() {
		return nil
	}
	out := map[string]bool{}
	for _, t := range s.Type {
		out[t] = true
	}
	if s.Nullable {
		out["null"] = true
	}
	for _, v := range slices.Concat(s.Enum, []json.RawMessage{s.Const}) {
		if len(v) > 0 {
			out[kind(v)] = true
		}
	}
	for _, sub := range slices.Concat(s.AnyOf, s.OneOf) {
		t := b.types(sub, depth+1)
		if len(t) == 0 {
			return nil
		}
		for k := range t {
			out[k] = true
		}
	}
	if len(s.Type) == 0 && len(s.Properties) > 0 {
		out["object"] = true
	}
	if len(s.Type) == 0 && (s.Items != nil || len(s.TupleItems) > 0) {
		out["array"] = true
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// schema returns p's schema compiled, nil when the library cannot compile it.
func (b *Builder) schema(p *docmodel.ContentDescriptor) *schemacheck.Schema {
	s, ok := b.schemas[p.Pointer]
	if !ok {
		s, _ = b.check.Compile(p.Pointer)
		b.schemas[p.Pointer] = s
	}
	return s
}

func (b *Builder) validate(p *docmodel.ContentDescriptor, v json.RawMessage) error {
	s := b.schema(p)
	if s == nil {
		return nil // a schema the library cannot compile: the server judges
	}
	problems := s.Validate(v)
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, pr := range problems {
		msgs[i] = pr.String()
	}
	msg := strings.Join(msgs, "; ")
	if len(v) <= 60 && !strings.Contains(msg, strings.Trim(string(v), `"`)) {
		msg += fmt.Sprintf(" (%s)", v) // the value, unless the message shows it
	}
	return paramErrorf(p.Name, "%s", msg)
}

// Loose builds params without a document: one JSON object or array as it is, name=value
// with the value as JSON when it is JSON and as a string otherwise, name:=JSON, or values
// by position.
func Loose(args []string) (json.RawMessage, error) {
	if len(args) == 0 {
		return nil, nil
	}
	if len(args) == 1 && isJSONContainer(args[0]) {
		if !json.Valid([]byte(args[0])) {
			return nil, &Error{Msg: fmt.Sprintf("the params %q are not JSON", args[0])}
		}
		return compact(args[0]), nil
	}
	var named, positional bytes.Buffer
	seen := map[string]bool{}
	for _, a := range args {
		k, v, raw, isNamed := splitNamed(a)
		if !isNamed {
			v = a
		}
		var val json.RawMessage
		switch {
		case json.Valid([]byte(v)):
			val = compact(v)
		case raw:
			return nil, paramErrorf(k, "%q is not JSON (name:=JSON takes a JSON value)", v)
		default:
			val = quote(v)
		}
		if !isNamed {
			if named.Len() > 0 {
				return nil, &Error{Msg: fmt.Sprintf("%q comes after params given by name: give all by name or all by position", a)}
			}
			if positional.Len() > 0 {
				positional.WriteByte(',')
			}
			positional.Write(val)
			continue
		}
		if positional.Len() > 0 {
			return nil, paramErrorf(k, "given by name after params by position: give all by name or all by position")
		}
		if seen[k] {
			return nil, paramErrorf(k, "given twice")
		}
		seen[k] = true
		if named.Len() > 0 {
			named.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		named.Write(kb)
		named.WriteByte(':')
		named.Write(val)
	}
	if named.Len() > 0 {
		return json.RawMessage("{" + named.String() + "}"), nil
	}
	return json.RawMessage("[" + positional.String() + "]"), nil
}

func isJSONContainer(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
}

func isJSONNumber(s string) bool {
	if s == "" || !json.Valid([]byte(s)) {
		return false
	}
	c := s[0]
	return c == '-' || (c >= '0' && c <= '9')
}

func kind(v json.RawMessage) string {
	switch c := bytes.TrimSpace(v)[0]; {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	}
	return "number"
}

func quote(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func compact(s string) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return json.RawMessage(s)
	}
	return b.Bytes()
}
