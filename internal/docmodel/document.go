// Package docmodel reads any OpenRPC document, 1.0 to 1.3, as the tools of cmd/openrpc and
// openrpctest.CheckCompatible need it: every method with its params and result, the
// $refs of methods, content descriptors, errors, examples, pairings, links and tags
// resolved, the members of schemas kept in the document's order, and schema $refs left
// in place to be resolved with Document.Resolve. It never panics on a document, however
// malformed: Parse returns an error naming where the problem is, as a JSON Pointer.
//
// The framework's own types (openrpc.Document) describe what the framework generates;
// this package describes what others write.
package docmodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Document is a parsed OpenRPC document.
type Document struct {
	OpenRPC      string
	Info         Info
	Servers      []Server
	Methods      []*Method
	Components   Components
	ExternalDocs *ExternalDocs

	raw   []byte
	cache map[string]*Schema
}

// Info is the document's info object.
type Info struct {
	Title          string `json:"title"`
	Version        string `json:"version"`
	Description    string `json:"description"`
	TermsOfService string `json:"termsOfService"`
}

// Server is a server object.
type Server struct {
	Name        string                    `json:"name"`
	URL         string                    `json:"url"`
	Summary     string                    `json:"summary"`
	Description string                    `json:"description"`
	Variables   map[string]ServerVariable `json:"variables"`
}

// ServerVariable is a variable of a server URL.
type ServerVariable struct {
	Enum        []string `json:"enum"`
	Default     string   `json:"default"`
	Description string   `json:"description"`
}

// ExternalDocs points at documentation elsewhere.
type ExternalDocs struct {
	Description string `json:"description"`
	URL         string `json:"url"`
}

// Tag is a method's tag.
type Tag struct {
	Name        string `json:"name"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
}

// Method is a method object.
type Method struct {
	Name        string
	Summary     string
	Description string
	Tags        []Tag
	Params      []*ContentDescriptor
	// Result is nil for a method without a result: only notifications are sent to it.
	Result *ContentDescriptor
	// Deprecated marks a method clients should stop using.
	Deprecated bool
	// ParamStructure is "by-name", "by-position" or "either" (the default, also when the
	// document leaves it out).
	ParamStructure string
	Errors         []*Error
	Examples       []*ExamplePairing
	Links          []*Link
	Servers        []Server
	ExternalDocs   *ExternalDocs
	// Extensions holds the method's x- members.
	Extensions map[string]json.RawMessage
	// Pointer locates the method object in the document, e.g. "/methods/3", or the
	// target of its $ref.
	Pointer string
}

// IsNotification reports whether the method has no result.
func (m *Method) IsNotification() bool { return m.Result == nil }

// Security returns the method's x-security requirement as scheme -> scopes, if any.
func (m *Method) Security() []map[string][]string {
	raw, ok := m.Extensions["x-security"]
	if !ok {
		return nil
	}
	var many []map[string][]string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	var one map[string][]string
	if json.Unmarshal(raw, &one) == nil && len(one) > 0 {
		return []map[string][]string{one}
	}
	return nil
}

// Subscription reports whether the method is marked as a subscription (x-subscription),
// and the name of the method that ends one.
func (m *Method) Subscription() (unsubscribe string, ok bool) {
	raw, found := m.Extensions["x-subscription"]
	if !found {
		return "", false
	}
	var v struct {
		Unsubscribe string `json:"unsubscribe"`
	}
	if json.Unmarshal(raw, &v) != nil {
		var b bool
		if json.Unmarshal(raw, &b) == nil && b {
			return "", true
		}
		return "", false
	}
	return v.Unsubscribe, true
}

// ContentDescriptor is a param or a result.
type ContentDescriptor struct {
	Name        string
	Summary     string
	Description string
	Required    bool
	Deprecated  bool
	Schema      *Schema
	// Pointer locates the descriptor's schema in the document, e.g.
	// "/methods/0/params/1/schema" or "/components/contentDescriptors/Limit/schema".
	Pointer string
	// Extensions holds the descriptor's x- members.
	Extensions map[string]json.RawMessage
}

// Variadic reports whether the descriptor says "x-variadic": true: the last param of a
// method that takes its params by position, standing for any count of them.
func (cd *ContentDescriptor) Variadic() bool {
	var v bool
	return json.Unmarshal(cd.Extensions["x-variadic"], &v) == nil && v
}

// Error is an application error a method may return.
type Error struct {
	Code    int64
	Message string
	Data    json.RawMessage
}

// ExamplePairing is a set of example params with the result they give.
type ExamplePairing struct {
	Name        string
	Summary     string
	Description string
	Params      []*Example
	Result      *Example
}

// Example is an example value.
type Example struct {
	Name          string
	Summary       string
	Description   string
	Value         json.RawMessage
	ExternalValue string
}

// Link is a possible follow-up call.
type Link struct {
	Name        string
	Summary     string
	Description string
	Method      string
	Params      json.RawMessage
	Server      *Server
}

// Components holds the document's components, each kind in the document's order.
type Components struct {
	Schemas            []Property
	ContentDescriptors []NamedDescriptor
	Errors             []NamedError
	Examples           []NamedExample
	ExamplePairings    []NamedPairing
	Links              []NamedLink
	Tags               []Tag
	// Extensions holds the x- members of components, e.g. x-securitySchemes.
	Extensions map[string]json.RawMessage
}

// NamedDescriptor is a content descriptor of components.
type NamedDescriptor struct {
	Key        string
	Descriptor *ContentDescriptor
}

// NamedError is an error of components.
type NamedError struct {
	Key   string
	Error *Error
}

// NamedExample is an example of components.
type NamedExample struct {
	Key     string
	Example *Example
}

// NamedPairing is an example pairing of components.
type NamedPairing struct {
	Key     string
	Pairing *ExamplePairing
}

// NamedLink is a link of components.
type NamedLink struct {
	Key  string
	Link *Link
}

// Raw returns the document's bytes as parsed.
func (d *Document) Raw() []byte { return d.raw }

// Method returns the named method, or nil.
func (d *Document) Method(name string) *Method {
	for _, m := range d.Methods {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Parse reads an OpenRPC document.
func Parse(data []byte) (*Document, error) {
	if !json.Valid(data) {
		var v any
		return nil, at("", fmt.Errorf("not JSON: %v", json.Unmarshal(data, &v)))
	}
	d := &Document{raw: data, cache: make(map[string]*Schema)}
	p := parser{d: d}
	if err := p.document(); err != nil {
		return nil, err
	}
	return d, nil
}

// Lookup returns the JSON value a local reference ("#/components/schemas/Pet") or JSON
// Pointer ("/components/schemas/Pet") points at.
func (d *Document) Lookup(ref string) (json.RawMessage, error) {
	ptr, err := localPointer(ref)
	if err != nil {
		return nil, err
	}
	v := json.RawMessage(d.raw)
	if ptr == "" {
		return v, nil
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		t := bytes.TrimSpace(v)
		switch {
		case len(t) > 0 && t[0] == '{':
			members, err := decodeObject(t)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ref, err)
			}
			found := false
			for _, m := range members {
				if m.name == tok {
					v, found = m.value, true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("%s: no member %q", ref, tok)
			}
		case len(t) > 0 && t[0] == '[':
			var items []json.RawMessage
			if err := json.Unmarshal(t, &items); err != nil {
				return nil, fmt.Errorf("%s: %w", ref, err)
			}
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(items) {
				return nil, fmt.Errorf("%s: no item %q", ref, tok)
			}
			v = items[i]
		default:
			return nil, fmt.Errorf("%s: %q is not inside an object or array", ref, tok)
		}
	}
	return v, nil
}

// localPointer turns "#/a/b" (or "/a/b") into the JSON Pointer "/a/b"; references to other
// documents are refused.
func localPointer(ref string) (string, error) {
	frag := ref
	if !strings.HasPrefix(ref, "/") {
		i := strings.IndexByte(ref, '#')
		if i != 0 {
			return "", fmt.Errorf("%s: references to other documents are not followed", ref)
		}
		frag = ref[1:]
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return "", fmt.Errorf("%s: only JSON Pointer fragments are followed", ref)
	}
	if u, err := url.PathUnescape(frag); err == nil {
		frag = u
	}
	return frag, nil
}

// RefPointer returns the JSON Pointer of a local reference, or "" for another.
func RefPointer(ref string) string {
	p, err := localPointer(ref)
	if err != nil {
		return ""
	}
	return p
}

// maxRefChain bounds a chain of $refs to $refs, so a cycle of them ends.
const maxRefChain = 64

// Schema returns the schema a local reference points at.
func (d *Document) Schema(ref string) (*Schema, error) {
	ptr, err := localPointer(ref)
	if err != nil {
		return nil, err
	}
	if s, ok := d.cache[ptr]; ok {
		return s, nil
	}
	raw, err := d.Lookup(ptr)
	if err != nil {
		return nil, err
	}
	s := new(Schema)
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	d.cache[ptr] = s
	return s, nil
}

// Resolve follows s's $ref, and the target's, until a schema without one: it returns that
// schema and the reference that led to it ("" when s had none). A schema whose $ref sits
// beside other keywords is returned as it is, like draft-07 reads it.
func (d *Document) Resolve(s *Schema) (*Schema, string, error) {
	ref := ""
	for range maxRefChain {
		if s == nil || s.Ref == "" {
			return s, ref, nil
		}
		ref = s.Ref
		t, err := d.Schema(s.Ref)
		if err != nil {
			return nil, ref, err
		}
		s = t
	}
	return nil, ref, fmt.Errorf("%s: a chain of more than %d $refs", ref, maxRefChain)
}

// RefName returns the last token of a reference: "Pet" for "#/components/schemas/Pet".
func RefName(ref string) string {
	ref = strings.TrimRight(ref, "/")
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:]
	}
	return strings.ReplaceAll(strings.ReplaceAll(ref, "~1", "/"), "~0", "~")
}

type parser struct {
	d *Document
}

// errAt is an error with the JSON Pointer of the place it is about.
type errAt struct {
	ptr string
	err error
}

func (e *errAt) Error() string {
	ptr := e.ptr
	if ptr == "" {
		ptr = "/"
	}
	return ptr + ": " + e.err.Error()
}

func (e *errAt) Unwrap() error { return e.err }

func at(ptr string, err error) error {
	var inner *errAt
	if errors.As(err, &inner) {
		return err
	}
	return &errAt{ptr: ptr, err: err}
}

func (p *parser) document() error {
	members, err := decodeObject(p.d.raw)
	if err != nil {
		return at("", errors.New("an OpenRPC document must be a JSON object"))
	}
	var methods json.RawMessage
	for _, m := range members {
		var err error
		switch m.name {
		case "openrpc":
			err = json.Unmarshal(m.value, &p.d.OpenRPC)
		case "info":
			err = json.Unmarshal(m.value, &p.d.Info)
		case "servers":
			err = json.Unmarshal(m.value, &p.d.Servers)
		case "methods":
			methods = m.value
		case "components":
			err = p.components(m.value)
		case "externalDocs":
			err = json.Unmarshal(m.value, &p.d.ExternalDocs)
		}
		if err != nil {
			return at("/"+m.name, err)
		}
	}
	if p.d.OpenRPC == "" {
		return at("/openrpc", errors.New("missing: this is not an OpenRPC document"))
	}
	if methods == nil {
		return at("/methods", errors.New("missing"))
	}
	var items []json.RawMessage
	if err := json.Unmarshal(methods, &items); err != nil {
		return at("/methods", errors.New("must be an array"))
	}
	for i, raw := range items {
		ptr := "/methods/" + strconv.Itoa(i)
		m, err := p.method(raw, ptr)
		if err != nil {
			return err
		}
		p.d.Methods = append(p.d.Methods, m)
	}
	return nil
}

// deref follows raw's $ref (when raw is a reference object) within the document and
// returns the value and its pointer.
func (p *parser) deref(raw json.RawMessage, ptr string) (json.RawMessage, string, error) {
	for range maxRefChain {
		var ref struct {
			Ref *string `json:"$ref"`
		}
		t := bytes.TrimSpace(raw)
		if len(t) == 0 || t[0] != '{' || json.Unmarshal(t, &ref) != nil || ref.Ref == nil {
			return raw, ptr, nil
		}
		target, err := p.d.Lookup(*ref.Ref)
		if err != nil {
			return nil, ptr, at(ptr+"/$ref", err)
		}
		raw, ptr = target, RefPointer(*ref.Ref)
	}
	return nil, ptr, at(ptr, fmt.Errorf("a chain of more than %d $refs", maxRefChain))
}

func (p *parser) method(raw json.RawMessage, ptr string) (*Method, error) {
	raw, ptr, err := p.deref(raw, ptr)
	if err != nil {
		return nil, err
	}
	members, err := decodeObject(raw)
	if err != nil {
		return nil, at(ptr, errors.New("a method must be an object"))
	}
	m := &Method{Pointer: ptr, ParamStructure: "either"}
	for _, mem := range members {
		mp := ptr + "/" + mem.name
		var err error
		switch mem.name {
		case "name":
			err = json.Unmarshal(mem.value, &m.Name)
		case "summary":
			err = json.Unmarshal(mem.value, &m.Summary)
		case "description":
			err = json.Unmarshal(mem.value, &m.Description)
		case "deprecated":
			err = json.Unmarshal(mem.value, &m.Deprecated)
		case "paramStructure":
			err = json.Unmarshal(mem.value, &m.ParamStructure)
		case "externalDocs":
			err = json.Unmarshal(mem.value, &m.ExternalDocs)
		case "servers":
			err = json.Unmarshal(mem.value, &m.Servers)
		case "tags":
			err = eachRef(p, mem.value, mp, func(raw json.RawMessage, _ string) error {
				var t Tag
				if err := json.Unmarshal(raw, &t); err != nil {
					return err
				}
				m.Tags = append(m.Tags, t)
				return nil
			})
		case "params":
			err = eachRef(p, mem.value, mp, func(raw json.RawMessage, ptr string) error {
				cd, err := p.descriptor(raw, ptr)
				if err == nil {
					m.Params = append(m.Params, cd)
				}
				return err
			})
		case "result":
			var r json.RawMessage
			r, rp, derr := p.deref(mem.value, mp)
			if derr != nil {
				return nil, derr
			}
			m.Result, err = p.descriptor(r, rp)
		case "errors":
			err = eachRef(p, mem.value, mp, func(raw json.RawMessage, _ string) error {
				e, err := decodeError(raw)
				if err == nil {
					m.Errors = append(m.Errors, e)
				}
				return err
			})
		case "examples":
			err = eachRef(p, mem.value, mp, func(raw json.RawMessage, ptr string) error {
				e, err := p.pairing(raw, ptr)
				if err == nil {
					m.Examples = append(m.Examples, e)
				}
				return err
			})
		case "links":
			err = eachRef(p, mem.value, mp, func(raw json.RawMessage, _ string) error {
				l, err := decodeLink(raw)
				if err == nil {
					m.Links = append(m.Links, l)
				}
				return err
			})
		default:
			if strings.HasPrefix(mem.name, "x-") {
				if m.Extensions == nil {
					m.Extensions = make(map[string]json.RawMessage)
				}
				m.Extensions[mem.name] = mem.value
			}
		}
		if err != nil {
			return nil, at(mp, err)
		}
	}
	if m.Name == "" {
		return nil, at(ptr+"/name", errors.New("a method needs a name"))
	}
	switch m.ParamStructure {
	case "":
		m.ParamStructure = "either"
	case "by-name", "by-position", "either":
	default:
		return nil, at(ptr+"/paramStructure", fmt.Errorf("%q is not by-name, by-position or either", m.ParamStructure))
	}
	return m, nil
}

// eachRef calls f with every item of the array raw, each dereferenced.
func eachRef(p *parser, raw json.RawMessage, ptr string, f func(json.RawMessage, string) error) error {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return errors.New("must be an array")
	}
	for i, item := range items {
		ip := ptr + "/" + strconv.Itoa(i)
		v, vp, err := p.deref(item, ip)
		if err != nil {
			return err
		}
		if err := f(v, vp); err != nil {
			return at(ip, err)
		}
	}
	return nil
}

func (p *parser) descriptor(raw json.RawMessage, ptr string) (*ContentDescriptor, error) {
	var cd struct {
		Name        string          `json:"name"`
		Summary     string          `json:"summary"`
		Description string          `json:"description"`
		Required    bool            `json:"required"`
		Deprecated  bool            `json:"deprecated"`
		Schema      json.RawMessage `json:"schema"`
	}
	if err := json.Unmarshal(raw, &cd); err != nil {
		return nil, at(ptr, errors.New("a content descriptor must be an object with name and schema"))
	}
	out := &ContentDescriptor{
		Name: cd.Name, Summary: cd.Summary, Description: cd.Description,
		Required: cd.Required, Deprecated: cd.Deprecated, Pointer: ptr + "/schema",
		Schema: new(Schema),
	}
	if members, err := decodeObject(raw); err == nil {
		for _, m := range members {
			if strings.HasPrefix(m.name, "x-") {
				if out.Extensions == nil {
					out.Extensions = make(map[string]json.RawMessage)
				}
				out.Extensions[m.name] = m.value
			}
		}
	}
	if cd.Schema == nil {
		t := true
		out.Schema.Bool = &t
		return out, nil
	}
	if err := json.Unmarshal(cd.Schema, out.Schema); err != nil {
		return nil, at(ptr+"/schema", err)
	}
	return out, nil
}

func decodeError(raw json.RawMessage) (*Error, error) {
	var e struct {
		Code    json.Number     `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, errors.New("an error must be an object with code and message")
	}
	code, err := e.Code.Int64()
	if err != nil {
		return nil, fmt.Errorf("error code %q is not an integer", e.Code)
	}
	return &Error{Code: code, Message: e.Message, Data: e.Data}, nil
}

func decodeLink(raw json.RawMessage) (*Link, error) {
	var l struct {
		Name        string          `json:"name"`
		Summary     string          `json:"summary"`
		Description string          `json:"description"`
		Method      string          `json:"method"`
		Params      json.RawMessage `json:"params"`
		Server      *Server         `json:"server"`
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, errors.New("a link must be an object")
	}
	return &Link{Name: l.Name, Summary: l.Summary, Description: l.Description,
		Method: l.Method, Params: l.Params, Server: l.Server}, nil
}

func (p *parser) example(raw json.RawMessage, ptr string) (*Example, error) {
	raw, _, err := p.deref(raw, ptr)
	if err != nil {
		return nil, err
	}
	var e struct {
		Name          string          `json:"name"`
		Summary       string          `json:"summary"`
		Description   string          `json:"description"`
		Value         json.RawMessage `json:"value"`
		ExternalValue string          `json:"externalValue"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, at(ptr, errors.New("an example must be an object"))
	}
	return &Example{Name: e.Name, Summary: e.Summary, Description: e.Description,
		Value: e.Value, ExternalValue: e.ExternalValue}, nil
}

func (p *parser) pairing(raw json.RawMessage, ptr string) (*ExamplePairing, error) {
	var e struct {
		Name        string          `json:"name"`
		Summary     string          `json:"summary"`
		Description string          `json:"description"`
		Params      json.RawMessage `json:"params"`
		Result      json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, at(ptr, errors.New("an example pairing must be an object"))
	}
	out := &ExamplePairing{Name: e.Name, Summary: e.Summary, Description: e.Description}
	if e.Params != nil {
		err := eachRef(p, e.Params, ptr+"/params", func(raw json.RawMessage, ip string) error {
			x, err := p.example(raw, ip)
			if err == nil {
				out.Params = append(out.Params, x)
			}
			return err
		})
		if err != nil {
			return nil, at(ptr+"/params", err)
		}
	}
	if e.Result != nil && string(bytes.TrimSpace(e.Result)) != "null" {
		r, err := p.example(e.Result, ptr+"/result")
		if err != nil {
			return nil, err
		}
		out.Result = r
	}
	return out, nil
}

func (p *parser) components(raw json.RawMessage) error {
	members, err := decodeObject(raw)
	if err != nil {
		return errors.New("must be an object")
	}
	c := &p.d.Components
	for _, m := range members {
		ptr := "/components/" + m.name
		var err error
		switch m.name {
		case "schemas":
			c.Schemas, err = decodeSchemas(m.value)
		case "contentDescriptors":
			err = eachMember(m.value, ptr, func(key string, v json.RawMessage, kp string) error {
				cd, err := p.descriptor(v, kp)
				if err == nil {
					c.ContentDescriptors = append(c.ContentDescriptors, NamedDescriptor{key, cd})
				}
				return err
			})
		case "errors":
			err = eachMember(m.value, ptr, func(key string, v json.RawMessage, _ string) error {
				e, err := decodeError(v)
				if err == nil {
					c.Errors = append(c.Errors, NamedError{key, e})
				}
				return err
			})
		case "examples":
			err = eachMember(m.value, ptr, func(key string, v json.RawMessage, kp string) error {
				e, err := p.example(v, kp)
				if err == nil {
					c.Examples = append(c.Examples, NamedExample{key, e})
				}
				return err
			})
		case "examplePairingObjects", "examplePairings":
			err = eachMember(m.value, ptr, func(key string, v json.RawMessage, kp string) error {
				e, err := p.pairing(v, kp)
				if err == nil {
					c.ExamplePairings = append(c.ExamplePairings, NamedPairing{key, e})
				}
				return err
			})
		case "links":
			err = eachMember(m.value, ptr, func(key string, v json.RawMessage, _ string) error {
				l, err := decodeLink(v)
				if err == nil {
					c.Links = append(c.Links, NamedLink{key, l})
				}
				return err
			})
		case "tags":
			err = eachMember(m.value, ptr, func(_ string, v json.RawMessage, _ string) error {
				var t Tag
				err := json.Unmarshal(v, &t)
				if err == nil {
					c.Tags = append(c.Tags, t)
				}
				return err
			})
		default:
			if strings.HasPrefix(m.name, "x-") {
				if c.Extensions == nil {
					c.Extensions = make(map[string]json.RawMessage)
				}
				c.Extensions[m.name] = m.value
			}
		}
		if err != nil {
			return at(ptr, err)
		}
	}
	return nil
}

// eachMember calls f with every member of the object raw, in order.
func eachMember(raw json.RawMessage, ptr string, f func(key string, v json.RawMessage, ptr string) error) error {
	members, err := decodeObject(raw)
	if err != nil {
		return errors.New("must be an object")
	}
	for _, m := range members {
		kp := ptr + "/" + strings.ReplaceAll(strings.ReplaceAll(m.name, "~", "~0"), "/", "~1")
		if err := f(m.name, m.value, kp); err != nil {
			return at(kp, err)
		}
	}
	return nil
}
