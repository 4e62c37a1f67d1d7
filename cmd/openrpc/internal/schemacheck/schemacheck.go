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
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
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
	return &Document{compiler: c, cache: make(map[string]*Schema)}, nil
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
	// The pointer is a URI fragment here: a % in a name must be escaped, and is unescaped.
	cs, err := d.compiler.Compile(docURL + "#" + (&url.URL{Fragment: ptr}).EscapedFragment())
	if err != nil {
		return nil, fmt.Errorf("%s: %s", ptr, strings.ReplaceAll(err.Error(), docURL+"#", ""))
	}
	s = &Schema{s: cs}
	d.cache[ptr] = s
	return s, nil
}

var printer = message.NewPrinter(language.English)

// Validate checks value against s and returns its problems, leaves first, in a stable
// order; none when it is valid.
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
	var out []Problem
	var collect func(e *jsonschema.ValidationError)
	collect = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, Problem{Path: pointer(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(printer)})
			return
		}
		for _, c := range e.Causes {
			collect(c)
		}
	}
	collect(ve)
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	return slices.Compact(out)
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}
