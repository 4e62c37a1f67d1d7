// Package schemacheck validates JSON values against the schemas of an OpenRPC document
// with a JSON Schema library (draft-07 by default, as OpenRPC documents are written), and
// reports every problem with the JSON Pointer of the offending value.
package schemacheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// docURL is the URL the document is known by to the compiler; schemas are compiled at
// docURL + "#" + a JSON Pointer.
const docURL = "urn:openrpc:document"

// Document compiles the schemas of one OpenRPC document. Its $refs to components (and to
// any JSON Pointer in the document) resolve; references to other documents do not.
type Document struct {
	compiler *jsonschema.Compiler
	cache    map[string]*Schema
	doc      any // the document, decoded
}

// Schema is a compiled schema.
type Schema struct {
	s *jsonschema.Schema
}

// Problem is a value that does not satisfy a schema.
type Problem struct {
	// Path is the JSON Pointer of the value, "" for the whole value.
	Path string `json:"path"`
	// Message says what is wrong.
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// New reads the document doc.
func New(doc []byte) (*Document, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("reading the document: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(refuseLoader{})
	if err := c.AddResource(docURL, v); err != nil {
		return nil, err
	}
	return &Document{compiler: c, cache: make(map[string]*Schema), doc: v}, nil
}

// maxSchemaDepth bounds the JSON nesting of a schema compiled: the library's compilation
// takes the square of it (2000 levels: 7 s; 2000 schemas of 120 levels: 75 s and 1.2 GB).
const maxSchemaDepth = 100

// depthAt returns how deep the value at the JSON Pointer ptr of doc nests, up to
// maxSchemaDepth+1; 0 when there is no such value.
func depthAt(doc any, ptr string) int {
	v := doc
	if ptr != "" {
		for _, tok := range strings.Split(ptr[1:], "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			switch c := v.(type) {
			case map[string]any:
				v = c[tok]
			case []any:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(c) {
					return 0
				}
				v = c[i]
			default:
				return 0
			}
		}
	}
	return depth(v, 0)
}

func depth(v any, d int) int {
	if d > maxSchemaDepth {
		return d
	}
	deepest := d
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			deepest = max(deepest, depth(e, d+1))
		}
	case []any:
		for _, e := range v {
			deepest = max(deepest, depth(e, d+1))
		}
	}
	return deepest
}

type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s: references to other documents are not followed", url)
}

// Compile returns the schema at the JSON Pointer ptr of the document, such as
// "/methods/0/params/1/schema" (docmodel.ContentDescriptor.Pointer).
func (d *Document) Compile(ptr string) (s *Schema, err error) {
	if s, ok := d.cache[ptr]; ok {
		return s, nil
	}
	defer func() {
		// The library should not panic on a schema; a document is input, so a panic
		// becomes an error.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: the schema cannot be compiled: %v", ptr, r)
		}
	}()
	if depthAt(d.doc, ptr) > maxSchemaDepth {
		return nil, fmt.Errorf("%s: the schema nests deeper than %d levels", ptr, maxSchemaDepth)
	}
	// The pointer is a URI fragment here: a % in a name must be escaped, and is unescaped.
	cs, err := d.compiler.Compile(docURL + "#" + (&url.URL{Fragment: ptr}).EscapedFragment())
	if err != nil {
		return nil, fmt.Errorf("%s: %s", ptr, strings.ReplaceAll(err.Error(), docURL+"#", ""))
	}
	if tooCostly(cs) {
		return nil, fmt.Errorf("%s: the schema is too costly to check: its allOf, anyOf, oneOf and $refs check one value against over %d schemas", ptr, maxFanOut)
	}
	s = &Schema{s: cs}
	d.cache[ptr] = s
	return s, nil
}

var printer = message.NewPrinter(language.English)

// MaxProblems is the most problems Validate and ValidateValue return.
const MaxProblems = 100

// maxMessage bounds the bytes of a problem's message.
const maxMessage = 512

// Validate checks value against s and returns its problems, leaves first, in a stable
// order, at most MaxProblems; none when it is valid.
func (s *Schema) Validate(value json.RawMessage) []Problem {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(value))
	if err != nil {
		return []Problem{{Message: "not JSON: " + err.Error()}}
	}
	return s.ValidateValue(v)
}

// ValidateValue checks a value decoded by encoding/json with UseNumber (or by
// jsonschema.UnmarshalJSON).
func (s *Schema) ValidateValue(v any) []Problem {
	err := s.s.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{Message: err.Error()}}
	}
	type leaf struct {
		path string
		e    *jsonschema.ValidationError
	}
	var leaves []leaf
	var collect func(e *jsonschema.ValidationError)
	collect = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, leaf{pointer(e.InstanceLocation), e})
			return
		}
		for _, c := range e.Causes {
			collect(c)
		}
	}
	collect(ve)
	slices.SortStableFunc(leaves, func(a, b leaf) int { return strings.Compare(a.path, b.path) })
	// Messages are written for the first problems only: a value can have millions.
	var out []Problem
	for i, l := range leaves {
		if len(out) == MaxProblems || i == 4*MaxProblems {
			break
		}
		p := Problem{Path: l.path, Message: describe(l.e.ErrorKind)}
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	return out
}

// maxEnumShown is how many values of an enum a message lists.
const maxEnumShown = 10

// describe returns the message of a problem, at most maxMessage bytes: the values it would
// quote (an enum's, a pattern, a constant, the value itself) are cut first, as they can be
// megabytes long.
func describe(k jsonschema.ErrorKind) string {
	more := ""
	switch v := k.(type) {
	case *kind.Enum:
		if len(v.Want) > maxEnumShown {
			c := *v
			c.Want = c.Want[:maxEnumShown]
			k, more = &c, fmt.Sprintf(", ... (%d values)", len(v.Want))
		}
	case *kind.Pattern:
		k = &kind.Pattern{Got: cut(v.Got), Want: cut(v.Want)}
	case *kind.Const:
		c := *v
		if w, ok := c.Want.(string); ok {
			c.Want = cut(w)
		}
		k = &c
	case *kind.Format:
		c := *v
		if g, ok := c.Got.(string); ok {
			c.Got = cut(g)
		}
		k = &c
	}
	msg := k.LocalizedString(printer)
	if more != "" && strings.HasPrefix(msg, "value must be one of ") {
		msg += more
	}
	return cut(msg)
}

// cut returns s cut to at most maxMessage bytes, at a character boundary, "..." marking
// the cut.
func cut(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	n := maxMessage - len("...")
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}
