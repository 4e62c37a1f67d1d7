// Package mock serves any OpenRPC document as a JSON-RPC service that answers every method
// without an implementation: with the result of the document's example pairing whose params
// match the call's, else with a value generated to satisfy the method's result schema. Params
// are checked against the document's own schemas first (package schemacheck): a call that
// does not fit gets -32602 Invalid params with every problem and its JSON Pointer, like the
// framework's openrpc.InvalidParamsData.
//
// A method the document marks with "x-subscription" (the framework's subscriptions) is a
// subscription: over a connection (WebSocket), a call answers with a subscription id and
// events generated from the event schema follow, one per Options.EventInterval, until the
// caller unsubscribes.
//
// The service is an *openrpc.Server, so it speaks strict JSON-RPC 2.0 (batches,
// notifications, limits) on every transport the framework has; rpc.discover returns the
// document as given.
package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/schemacheck"
	"github.com/openrpc-go/openrpc/internal/docmodel"
	"github.com/openrpc-go/openrpc/internal/suggest"
)

// attempts is how many seeds Generate tries for a result before settling for an example.
const attempts = 8

// Options configures a mock. The zero value (or nil) gives the defaults.
type Options struct {
	// EventInterval is the time between two events of a subscription, default 1s.
	EventInterval time.Duration

	steps int // the schemas generating all results and events may visit, default maxMockSteps
	bytes int // the bytes of the results and events kept, default maxMockBytes
}

// maxMockSteps bounds the schemas the generation of all results and events visits: each
// result may take maxSteps, 8 tries, and a short document can have thousands of methods
// (200 methods of 200000 schemas each took 12 minutes to start).
const maxMockSteps = 1 << 23

// eventCycle is how many different events a subscription cycles through.
const eventCycle = 8

// maxMockBytes bounds the results and events a mock keeps, all methods together: each
// generated value may take megabytes, and a short document can have thousands of methods.
const maxMockBytes = 64 << 20

// Mock is a mock service for one document.
type Mock struct {
	// Server serves the document's methods; mount it with rpchttp.NewHandler.
	Server *openrpc.Server
	// Doc is the document, parsed.
	Doc *docmodel.Document
	// Notes says what the mock could not do as the document asks: a method it cannot serve,
	// a result it could not generate valid. They are worth showing to the user.
	Notes []string

	raw      []byte
	methods  map[string]*method
	interval time.Duration
	room     int // bytes the results and events kept may still take
	steps    int // the schemas generation may still visit
}

// method is what the mock knows of one method, computed once.
type method struct {
	m      *docmodel.Method
	params []*param
	// result is the answer when no example pairing matches, nil for a notification.
	result json.RawMessage
	// examples are the pairings with a result, their params by name.
	examples []example
	// events are those a subscription emits in turn; nil when m is no subscription.
	events []json.RawMessage
}

type param struct {
	cd     *docmodel.ContentDescriptor
	schema *schemacheck.Schema // nil when the schema cannot be compiled: anything goes
}

type example struct {
	params map[string]any // decoded with UseNumber
	result json.RawMessage
}

// New reads the document raw and builds its mock. A method it cannot serve (a reserved
// "rpc." name, a schema that does not compile) is left out or served loosely, with a note.
func New(raw []byte, opts *Options) (*Mock, error) {
	interval := time.Second
	if opts != nil && opts.EventInterval > 0 {
		interval = opts.EventInterval
	}
	doc, err := docmodel.Parse(raw)
	if err != nil {
		return nil, err
	}
	check, err := schemacheck.New(raw)
	if err != nil {
		return nil, err
	}
	mk := &Mock{Doc: doc, raw: bytes.Clone(raw), methods: map[string]*method{}, interval: interval, steps: maxMockSteps, room: maxMockBytes}
	if opts != nil && opts.steps > 0 {
		mk.steps = opts.steps
	}
	if opts != nil && opts.bytes > 0 {
		mk.room = opts.bytes
	}
	// The unsubscribe methods of subscriptions come with them (openrpc.RegisterSubscription).
	unsubscribes := map[string]bool{}
	for _, m := range doc.Methods {
		if unsub, ok := m.Subscription(); ok && unsub == m.Name+openrpc.UnsubscribeSuffix {
			unsubscribes[unsub] = true
		}
	}
	mk.Server = openrpc.NewServer(openrpc.Info{Title: doc.Info.Title, Version: doc.Info.Version},
		&openrpc.ServerOptions{Middleware: []openrpc.Middleware{mk.discover}})
	for _, m := range doc.Methods {
		if strings.HasPrefix(m.Name, "rpc.") || m.Name == "" {
			mk.note("method %q is not served: names starting with \"rpc.\" are reserved", m.Name)
			continue
		}
		if unsubscribes[m.Name] {
			continue
		}
		if _, dup := mk.methods[m.Name]; dup {
			mk.note("method %q is listed twice: the first is served", m.Name)
			continue
		}
		me := &method{m: m}
		for _, cd := range m.Params {
			p := &param{cd: cd}
			if p.schema, err = check.Compile(cd.Pointer); err != nil {
				mk.note("method %q: param %q: its schema is not checked: %v", m.Name, cd.Name, err)
			}
			me.params = append(me.params, p)
		}
		if m.Result != nil {
			me.examples = examplesOf(m)
			me.result = mk.keep(m.Name, mk.generate(check, m, me.examples))
		}
		if unsub, ok := m.Subscription(); ok {
			if unsub == m.Name+openrpc.UnsubscribeSuffix {
				me.events = mk.events(check, m)
			} else {
				mk.note("method %q: served as a plain method: its unsubscribe method %q is not named %q, as the framework's subscriptions are", m.Name, unsub, m.Name+openrpc.UnsubscribeSuffix)
			}
		}
		mk.methods[m.Name] = me
		mk.register(me)
	}
	return mk, nil
}

func (mk *Mock) note(format string, args ...any) {
	mk.Notes = append(mk.Notes, fmt.Sprintf(format, args...))
}

// keep counts v, the result of method name, against maxMockBytes: past it, v is left out
// and null stands for it, with a note.
func (mk *Mock) keep(name string, v json.RawMessage) json.RawMessage {
	if len(v) > mk.room {
		mk.note("method %q: it answers null: with its result the mock's results and events would take over %d bytes", name, maxMockBytes)
		return json.RawMessage("null")
	}
	mk.room -= len(v)
	return v
}

// register adds me to the server: a method with a result answers calls, one without is a
// notification, as OpenRPC says.
func (mk *Mock) register(me *method) {
	om := openrpc.Method{Name: me.m.Name, Summary: me.m.Summary, Deprecated: me.m.Deprecated}
	if me.events != nil {
		openrpc.RegisterSubscription(mk.Server, om, func(ctx context.Context, params json.RawMessage, emit func(json.RawMessage) error) error {
			if _, err := me.bind(params); err != nil {
				return err
			}
			tick := time.NewTicker(mk.interval)
			defer tick.Stop()
			for i := 0; ; i++ {
				if err := emit(me.events[i%len(me.events)]); err != nil {
					return nil // ended: unsubscribed, gone, or shutting down
				}
				select {
				case <-ctx.Done():
					return nil
				case <-tick.C:
				}
			}
		})
		return
	}
	if me.m.Result == nil {
		openrpc.RegisterNotification(mk.Server, om, func(ctx context.Context, params json.RawMessage) error {
			_, err := me.bind(params)
			return err
		})
		return
	}
	openrpc.Register(mk.Server, om, func(ctx context.Context, params json.RawMessage) (json.RawMessage, error) {
		named, err := me.bind(params)
		if err != nil {
			return nil, err
		}
		for _, ex := range me.examples {
			if ex.matches(named) {
				return ex.result, nil
			}
		}
		return me.result, nil
	})
}

// discover answers rpc.discover with the document as given, not the one the server would
// describe of its untyped methods.
func (mk *Mock) discover(next openrpc.Handler) openrpc.Handler {
	return func(ctx context.Context, req openrpc.Request) (json.RawMessage, error) {
		if req.Method == "rpc.discover" {
			if _, err := next(ctx, req); err != nil { // the framework's check of its params
				return nil, err
			}
			return mk.raw, nil
		}
		return next(ctx, req)
	}
}

// Document returns the document as given.
func (mk *Mock) Document() []byte { return mk.raw }

// Result returns the result the mock answers method with when no example matches, nil for
// a notification or an unknown method.
func (mk *Mock) Result(method string) json.RawMessage {
	if me := mk.methods[method]; me != nil {
		return me.result
	}
	return nil
}

// generate returns the result of m when no example matches: a generated value that
// satisfies the result schema, else an example's result, else the first value generated.
func (mk *Mock) generate(check *schemacheck.Document, m *docmodel.Method, examples []example) json.RawMessage {
	schema, err := check.Compile(m.Result.Pointer)
	if err != nil {
		mk.note("method %q: its result schema is not checked: %v", m.Name, err)
	}
	var first json.RawMessage
	var firstProblems []schemacheck.Problem
	var genErr error
	for i := range attempts {
		seed := m.Name
		if i > 0 {
			seed += "#" + strconv.Itoa(i)
		}
		v, err := mk.generateValue(m.Result.Schema, seed)
		if err != nil {
			genErr = err
			break
		}
		if schema == nil {
			return v
		}
		problems := schema.Validate(v)
		if len(problems) == 0 {
			return v
		}
		if first == nil {
			first, firstProblems = v, problems
		}
	}
	if len(examples) > 0 {
		return examples[0].result
	}
	if first == nil {
		mk.note("method %q: no result could be generated (%v): it answers null", m.Name, genErr)
		return json.RawMessage("null")
	}
	mk.note("method %q: the generated result does not satisfy its schema (%s): it is sent anyway", m.Name, firstProblems[0])
	return first
}

// generateValue generates a value for schema s within what is left of maxMockSteps.
func (mk *Mock) generateValue(s *docmodel.Schema, seed string) (json.RawMessage, error) {
	limit := min(maxSteps, mk.steps)
	v, n, err := generate(mk.Doc, s, seed, limit)
	mk.steps = max(mk.steps-n, 0)
	if limit < maxSteps && errors.Is(err, errGaveUp) {
		return nil, errors.New("the values of the methods before it took all the schemas a mock may visit")
	}
	return v, err
}

// events returns the events a subscription cycles through, generated from the event schema
// of its x-subscription, each checked against it.
func (mk *Mock) events(check *schemacheck.Document, m *docmodel.Method) []json.RawMessage {
	ptr := m.Pointer + "/x-subscription/event"
	raw, err := mk.Doc.Lookup(ptr)
	event := new(docmodel.Schema)
	if err == nil {
		err = json.Unmarshal(raw, event)
	}
	if err != nil {
		mk.note("method %q: its events are null: the event schema cannot be read: %v", m.Name, err)
		return []json.RawMessage{json.RawMessage("null")}
	}
	schema, err := check.Compile(ptr)
	if err != nil {
		mk.note("method %q: its event schema is not checked: %v", m.Name, err)
	}
	var out []json.RawMessage
	var problem string
	for i := range eventCycle {
		v, err := mk.generateValue(event, m.Name+"/event/"+strconv.Itoa(i))
		if err != nil {
			problem = err.Error()
			continue
		}
		if schema != nil {
			if p := schema.Validate(v); len(p) > 0 {
				problem = p[0].String()
				continue
			}
		}
		if len(v) > mk.room { // fewer events, or none
			problem = fmt.Sprintf("with it the mock's results and events would take over %d bytes", maxMockBytes)
			break
		}
		mk.room -= len(v)
		out = append(out, v)
	}
	if len(out) == 0 {
		mk.note("method %q: no event could be generated (%s): its events are null", m.Name, problem)
		return []json.RawMessage{json.RawMessage("null")}
	}
	return out
}

// examplesOf returns m's pairings that have a result, their params by name: paired with the
// method's params by name when each example is named after one, else by position, as
// documents such as @open-rpc/examples name their values "two" or "four".
func examplesOf(m *docmodel.Method) []example {
	var out []example
	for _, p := range m.Examples {
		if p == nil || p.Result == nil || p.Result.Value == nil {
			continue
		}
		byName := true
		for _, e := range p.Params {
			if e == nil || !hasParam(m, e.Name) {
				byName = false
			}
		}
		ex := example{params: map[string]any{}, result: p.Result.Value}
		usable := true
		for i, e := range p.Params {
			if e == nil || e.Value == nil {
				usable = false // an externalValue: not known here
				break
			}
			name := ""
			if byName {
				name = e.Name
			} else if i < len(m.Params) {
				name = m.Params[i].Name
			}
			v, err := decode(e.Value)
			if name == "" || err != nil {
				usable = false
				break
			}
			ex.params[name] = v
		}
		if usable {
			out = append(out, ex)
		}
	}
	return out
}

func hasParam(m *docmodel.Method, name string) bool {
	for _, cd := range m.Params {
		if cd.Name == name {
			return true
		}
	}
	return false
}

// matches reports whether the call's params, by name, are the example's: the same names
// with equal values.
func (ex example) matches(named map[string]any) bool {
	if len(named) != len(ex.params) {
		return false
	}
	for k, v := range named {
		w, ok := ex.params[k]
		if !ok || !equalJSON(v, w) {
			return false
		}
	}
	return true
}

// equalJSON compares two values decoded with UseNumber, numbers by value.
func equalJSON(a, b any) bool {
	switch a := a.(type) {
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return false
		}
		if a == b {
			return true
		}
		x, err1 := a.Float64()
		y, err2 := b.Float64()
		return err1 == nil && err2 == nil && x == y
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !equalJSON(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if w, ok := b[k]; !ok || !equalJSON(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// maxProblems is the most problems an Invalid params error lists.
const maxProblems = 100

// bind checks params against the method's and returns them by name, or an Invalid params
// error listing every problem, up to maxProblems.
func (me *method) bind(params json.RawMessage) (map[string]any, error) {
	var problems []openrpc.ParamError
	add := func(path, format string, args ...any) {
		if len(problems) < maxProblems {
			problems = append(problems, openrpc.ParamError{Path: path, Message: fmt.Sprintf(format, args...)})
		}
	}
	named := map[string]any{}
	raw := map[string]json.RawMessage{}
	var skip *param // a variadic param, read with the positions
	trimmed := bytes.TrimSpace(params)
	structure := me.m.ParamStructure
	switch {
	case len(trimmed) == 0 || string(trimmed) == "null":
	case trimmed[0] == '[':
		if structure == "by-name" {
			return nil, invalid([]openrpc.ParamError{{Message: "this method takes its params by name (an object)"}})
		}
		// A last param marked x-variadic takes every position from its own on, each
		// checked against its schema, as the framework's variadic params do.
		var variadic *param
		fixed := len(me.params)
		if fixed > 0 && me.params[fixed-1].cd.Variadic() {
			fixed--
			variadic = me.params[fixed]
			skip = variadic
		}
		var rest []any
		// Read item by item: past the method's params and maxProblems extra ones, the
		// rest of a long array is not decoded.
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.Token() // [
		for i := 0; dec.More() && (variadic != nil || i < len(me.params)+maxProblems) && len(problems) < maxProblems; i++ {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, invalid([]openrpc.ParamError{{Message: err.Error()}})
			}
			switch {
			case variadic != nil && i >= fixed:
				path := "/" + escape(variadic.cd.Name) + "/" + strconv.Itoa(i-fixed)
				if variadic.schema != nil {
					for _, pr := range variadic.schema.Validate(v) {
						add(path+pr.Path, "%s", pr.Message)
					}
				}
				if dv, err := decode(v); err == nil {
					rest = append(rest, dv)
				}
			case i >= len(me.params):
				add("/"+strconv.Itoa(i), "unexpected param: the method takes %d", len(me.params))
			default:
				raw[me.params[i].cd.Name] = v
			}
		}
		if variadic != nil && rest != nil {
			named[variadic.cd.Name] = rest
		}
	case trimmed[0] == '{':
		if structure == "by-position" {
			return nil, invalid([]openrpc.ParamError{{Message: "this method takes its params by position (an array)"}})
		}
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, invalid([]openrpc.ParamError{{Message: err.Error()}})
		}
		for _, name := range slices.Sorted(maps.Keys(raw)) { // the same error every time
			if len(problems) >= maxProblems {
				break
			}
			if !hasParam(me.m, name) {
				add("/"+escape(name), "unknown param%s", me.suggest(name))
			}
		}
	default:
		return nil, invalid([]openrpc.ParamError{{Message: "params must be an array or an object"}})
	}
	for _, p := range me.params {
		if p == skip {
			continue
		}
		v, ok := raw[p.cd.Name]
		if !ok {
			if p.cd.Required {
				add("/"+escape(p.cd.Name), "required param is missing")
			}
			continue
		}
		if p.schema != nil {
			for _, pr := range p.schema.Validate(v) {
				add("/"+escape(p.cd.Name)+pr.Path, "%s", pr.Message)
			}
		}
		if dv, err := decode(v); err == nil {
			named[p.cd.Name] = dv
		}
	}
	if len(problems) > 0 {
		return nil, invalid(problems)
	}
	return named, nil
}

// suggest names the param name is a near miss of (another case, a typo), else lists the
// method's params.
func (me *method) suggest(name string) string {
	if near := suggest.Nearest(name, len(me.params), func(i int) string { return me.params[i].cd.Name }); near != "" {
		return fmt.Sprintf(": did you mean %q?", near)
	}
	names := make([]string, len(me.params))
	for i, p := range me.params {
		names[i] = strconv.Quote(p.cd.Name)
	}
	if len(names) == 0 {
		return ": the method takes no params"
	}
	return ": the method takes " + strings.Join(names, ", ")
}

func invalid(problems []openrpc.ParamError) error {
	return openrpc.NewError(openrpc.CodeInvalidParams, openrpc.CodeInvalidParams.String(),
		openrpc.InvalidParamsData{Errors: problems})
}

// escape escapes a name as a JSON Pointer token.
func escape(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}
