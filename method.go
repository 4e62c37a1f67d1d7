package openrpc

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Method describes a method: its name and the metadata published in the OpenRPC document.
// Only Name is required.
type Method struct {
	// Name is the method's name, unique in its server. Names starting with "rpc." are
	// reserved for the framework.
	Name string
	// Summary is a short line about the method.
	Summary string
	// Description is a longer explanation; CommonMark may be used.
	Description string
	// Tags group methods in documentation.
	Tags []Tag
	// Deprecated marks a method clients should stop using.
	Deprecated bool
	// ParamStructure says whether params come by name, by position or either way (the
	// default). It is enforced.
	ParamStructure ParamStructure
	// Errors lists the application errors the method may return.
	Errors []Error
	// Examples pair sample params with their result. Each Example of a pairing's Params
	// names a param; a by-position method takes them in the pairing's order. Register
	// panics when the method would refuse a pairing's params, or when its result does not
	// decode into the result type (a type the framework does not decode, such as an
	// interface with methods or a type that encodes itself without decoding itself, leaves
	// results unchecked).
	Examples []ExamplePairing
	// ExternalDocs points at more documentation.
	ExternalDocs *ExternalDocs
	// Servers overrides the service's servers for this method.
	Servers []ServerObject
	// Links are possible follow-up calls.
	Links []Link
	// Security is what a caller needs to be allowed to call the method: for any one of the
	// listed schemes, all of its scopes (see [Require]). It is checked before params are
	// decoded. Empty means public.
	Security Security
	// ResultName names the result in the document, default "result".
	ResultName string
	// ResultDescription describes the result in the document.
	ResultDescription string
	// VariadicName names the params of a variadic method in the document, default "values".
	VariadicName string
}

// Request is what [Middleware] sees of a call.
type Request struct {
	// Method is the name the method is registered under.
	Method string
	// Params holds the params as sent, nil when absent. It is valid only during the call.
	Params json.RawMessage
	// ID holds the id as sent, nil for a notification. It is valid only during the call.
	ID json.RawMessage
	// Caller is what the transport knows about the peer, or nil.
	Caller *Caller
}

// IsNotification reports whether the call is a notification, whose result nobody receives.
func (r Request) IsNotification() bool { return r.ID == nil }

// Handler is the untyped form of every method: it takes the raw params and returns the result
// encoded as JSON. [Register] turns a typed function into a Handler; [Middleware] wraps them.
type Handler func(ctx context.Context, req Request) (result json.RawMessage, err error)

// Middleware wraps the handler of every method of a server, for logging, metrics, tracing
// or rate limits. It is applied once, when a method is added to a server, not per call. A
// result it returns in place of next's must be valid JSON.
type Middleware func(next Handler) Handler

// Registrar is what methods are registered on: a [*Server] or a [*Router].
type Registrar interface {
	addMethod(m *method)
}

var (
	_ Registrar = (*Server)(nil)
	_ Registrar = (*Router)(nil)
)

// method is a registered method with its compiled params decoder and erased handler.
type method struct {
	Method
	paramsType reflect.Type
	resultType reflect.Type // nil for notification-only methods
	eventType  reflect.Type // the events of a subscription method, else nil
	params     *paramsDecoder
	handler    Handler
}

// NotificationOnly reports whether the method only accepts notifications.
func (m *method) notificationOnly() bool { return m.resultType == nil }

// Register adds a method to r. The handler's params type P is a struct whose exported fields
// are the params, by their json names for calls by name and in the document's order (the
// required params first, then the optional ones, each in field order) for calls by position;
// a slice type for variadic params taken by position; or json.RawMessage for the params as
// sent. The result R is encoded with encoding/json; struct{} encodes as null.
//
// Register panics, naming the method, when the name is empty, taken or reserved, when P or R
// cannot be represented in JSON, or when an example pairing shows a call the method would
// refuse ([Method.Examples]).
func Register[P, R any](r Registrar, m Method, h func(ctx context.Context, params P) (R, error)) {
	mm := newMethod[P](m, h == nil)
	rt := reflect.TypeFor[R]()
	if err := checkEncodable(rt); err != nil {
		panic(fmt.Sprintf("openrpc: Register %q: result: %v", m.Name, err))
	}
	mm.resultType = rt
	mustDescribe(mm)
	dec := mm.params
	encode := resultEncoder[R](rt)
	if dec.kind == paramsStruct && len(dec.fields) == 0 {
		mm.handler = func(ctx context.Context, req Request) (json.RawMessage, error) {
			if err := dec.decode(req.Params, reflect.Value{}); err != nil {
				return nil, err
			}
			var p P
			res, err := h(ctx, p)
			if err != nil {
				return nil, err
			}
			return encode(res)
		}
	} else {
		mm.handler = func(ctx context.Context, req Request) (json.RawMessage, error) {
			var p P
			if err := dec.decode(req.Params, reflect.ValueOf(&p).Elem()); err != nil {
				return nil, err
			}
			res, err := h(ctx, p)
			if err != nil {
				return nil, err
			}
			return encode(res)
		}
	}
	r.addMethod(mm)
}

// RegisterNotification adds a method that only accepts notifications: it has no result, and
// a call with an id is refused with [CodeInvalidRequest]. P is as for [Register].
func RegisterNotification[P any](r Registrar, m Method, h func(ctx context.Context, params P) error) {
	mm := newMethod[P](m, h == nil)
	mustDescribe(mm)
	dec := mm.params
	mm.handler = func(ctx context.Context, req Request) (json.RawMessage, error) {
		var p P
		if err := dec.decode(req.Params, reflect.ValueOf(&p).Elem()); err != nil {
			return nil, err
		}
		return nil, h(ctx, p)
	}
	r.addMethod(mm)
}

func newMethod[P any](m Method, nilHandler bool) *method {
	if nilHandler {
		panic(fmt.Sprintf("openrpc: Register %q: nil handler", m.Name))
	}
	checkName(m.Name)
	pt := reflect.TypeFor[P]()
	switch m.ParamStructure {
	case "", ByName, ByPosition, ByEither:
	default:
		panic(fmt.Sprintf("openrpc: Register %q: unknown ParamStructure %q", m.Name, m.ParamStructure))
	}
	dec, err := newParamsDecoder(pt, m.ParamStructure)
	if err != nil {
		panic(fmt.Sprintf("openrpc: Register %q: %v", m.Name, err))
	}
	if dec.kind == paramsSlice {
		m.ParamStructure = ByPosition
	}
	return &method{Method: m, paramsType: pt, params: dec}
}

// mustDescribe panics when the document cannot describe m's types, or when an example
// pairing shows a call the method would refuse.
func mustDescribe(m *method) {
	if err := checkDescribable(m); err != nil {
		panic(fmt.Sprintf("openrpc: Register %q: %v", m.Name, err))
	}
	if err := checkExamples(m); err != nil {
		panic(fmt.Sprintf("openrpc: Register %q: %v", m.Name, err))
	}
}

// checkExamples reports an example pairing of m that does not hold: its params, sent as a
// client would (by position, in the pairing's order, when the method takes params by
// position, or takes them either way and no example is named after one of its params, as in
// documents that name examples after their values; else by name), refused by m's own params decoder, or its result refused by the
// strict decoder of the result type. A result type the framework does not decode (such as
// an interface with methods), or one holding a type that encodes itself without decoding
// itself, leaves results unchecked.
func checkExamples(m *method) error {
	var result *decoder
	for _, ex := range m.Examples {
		byPosition := m.ParamStructure == ByPosition ||
			(m.ParamStructure != ByName && !namedAfterParams(ex.Params, m.params))
		raw, err := exampleParams(ex.Params, byPosition)
		if err != nil {
			return fmt.Errorf("example pairing %q: params: %w", ex.Name, err)
		}
		if e := m.params.decode(raw, reflect.New(m.paramsType).Elem()); e != nil {
			var data InvalidParamsData
			_ = json.Unmarshal(e.Data, &data)
			return fmt.Errorf("example pairing %q: params: %s", ex.Name, formatParamErrors(data.Errors))
		}
		if ex.Result == nil {
			continue
		}
		if m.notificationOnly() {
			return fmt.Errorf("example pairing %q: has a result, but the method only accepts notifications", ex.Name)
		}
		value, err := json.Marshal(ex.Result.Value)
		if err != nil {
			return fmt.Errorf("example pairing %q: result: %w", ex.Name, err)
		}
		if m.resultType == emptyStructType {
			if string(value) != "null" {
				return fmt.Errorf("example pairing %q: result: must be null: the method returns struct{}, which encodes as null", ex.Name)
			}
			continue
		}
		if result == nil {
			result = resultDecoder(m.resultType)
		}
		if result.decode == nil {
			continue
		}
		if errs := result.set(value, reflect.New(m.resultType).Elem(), nil); len(errs) > 0 {
			return fmt.Errorf("example pairing %q: result: %s", ex.Name, formatParamErrors(capErrors(errs)))
		}
	}
	return nil
}

// resultDecoder returns the strict decoder of result type t, or a decoder without a decode
// func when the framework does not decode t.
func resultDecoder(t reflect.Type) *decoder {
	if checkDecodable(t) != nil || encodesOnlyItself(t, map[reflect.Type]bool{}) {
		return &decoder{}
	}
	d, err := compileDecoder(t, nil)
	if err != nil {
		return &decoder{}
	}
	return d
}

// encodesOnlyItself reports whether t, or a type inside it, encodes itself (json.Marshaler,
// encoding.TextMarshaler) and does not decode itself: the decoder of t would read such a
// value by its Go fields, not as the JSON its encoding gives, so a result holding it cannot
// be checked.
func encodesOnlyItself(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType) {
		return false
	}
	if pt.Implements(jsonMarshalerType) || pt.Implements(textMarshalerType) {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return encodesOnlyItself(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if (f.IsExported() || f.Anonymous) && f.Tag.Get("json") != "-" && encodesOnlyItself(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// namedAfterParams reports whether any example is named after a param of a struct's
// params: then the pairing is by name, and an example named after no param is a mistake.
func namedAfterParams(examples []Example, p *paramsDecoder) bool {
	if len(p.fields) == 0 {
		return p.elem == nil // no params: every example is an unknown name; variadic: positions
	}
	for _, ex := range examples {
		if slices.ContainsFunc(p.fields, func(f paramField) bool { return f.name == ex.Name }) {
			return true
		}
	}
	return false
}

// exampleParams returns the params of an example pairing as JSON: an array of the values
// in order when byPosition, else an object of the values by the examples' names.
func exampleParams(params []Example, byPosition bool) ([]byte, error) {
	start, end := byte('{'), byte('}')
	if byPosition {
		start, end = '[', ']'
	}
	raw := []byte{start}
	for i, p := range params {
		value, err := json.Marshal(p.Value)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", p.Name, err)
		}
		if i > 0 {
			raw = append(raw, ',')
		}
		if !byPosition {
			name, _ := json.Marshal(p.Name)
			raw = append(append(raw, name...), ':')
		}
		raw = append(raw, value...)
	}
	return append(raw, end), nil
}

// formatParamErrors lists problems on one line: "/b: required param is missing; /c: ...".
func formatParamErrors(errs []ParamError) string {
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteString("; ")
		}
		if e.Path != "" {
			b.WriteString(e.Path + ": ")
		}
		b.WriteString(e.Message)
	}
	return b.String()
}

func checkName(name string) {
	if name == "" {
		panic("openrpc: Register: empty method name")
	}
	if strings.HasPrefix(name, reservedPrefix) {
		panic(fmt.Sprintf("openrpc: Register %q: names starting with %q are reserved", name, reservedPrefix))
	}
}

const reservedPrefix = "rpc."

var nullJSON = json.RawMessage("null")

// resultEncoder returns the encoder of result type rt.
func resultEncoder[R any](rt reflect.Type) func(R) (json.RawMessage, error) {
	if rt == emptyStructType {
		return func(R) (json.RawMessage, error) { return nullJSON, nil }
	}
	return func(r R) (json.RawMessage, error) {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, &encodeError{err: err}
		}
		return b, nil
	}
}

// encodeError reports a result encoding/json could not encode, such as a NaN.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return "encoding result: " + e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }
