// Package compat finds the changes between two versions of an OpenRPC document that break
// the clients of the old one, for "openrpc diff" and openrpctest.CheckCompatible.
//
// Params are what clients send: a param schema that accepts less than before (a removed
// enum value, a raised minimum, a new pattern) breaks them, one that accepts more does
// not. Results are what clients receive: a result schema that may hold more than before
// (a new enum value, a member no longer required, null) breaks them, one that holds less
// does not. Schemas are compared after following their $refs on both sides, so the names
// and layout of components, descriptions, examples and the order of members do not count;
// the parts of an allOf are merged into one schema where they can be (properties and
// required united, the tightest bounds), so an object written as a base and an extension
// compares equal to the same object written flat.
package compat

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// Change is one difference between two documents.
type Change struct {
	// Breaking is set when clients of the old document may fail against the new one.
	Breaking bool `json:"breaking"`
	// Path names the place: a method ("sign_in"), a param ("sign_in/params/password"),
	// the result ("get_caller/result"), and below them the schema's members
	// ("get_caller/result/properties/scopes/items").
	Path    string `json:"path"`
	Message string `json:"message"`
}

// String formats the change as "path: message", with the control characters a document's
// names may hold escaped.
func (c Change) String() string {
	return docmodel.Printable(c.Path) + ": " + docmodel.Printable(c.Message)
}

// Compare returns the changes from old to new: breaking ones first, then the others, each
// group in the order of the documents' methods.
func Compare(old, new *docmodel.Document) []Change {
	c := &comparer{old: old, new: new}
	for _, om := range old.Methods {
		nm := new.Method(om.Name)
		if nm == nil {
			c.add(true, om.Name, "method removed")
			continue
		}
		c.method(om, nm)
	}
	for _, nm := range new.Methods {
		if old.Method(nm.Name) == nil {
			c.add(false, nm.Name, "method added")
		}
	}
	slices.SortStableFunc(c.changes, func(a, b Change) int {
		switch {
		case a.Breaking == b.Breaking:
			return 0
		case a.Breaking:
			return -1
		}
		return 1
	})
	return c.changes
}

// Breaking returns the breaking changes of changes.
func Breaking(changes []Change) []Change {
	var out []Change
	for _, c := range changes {
		if c.Breaking {
			out = append(out, c)
		}
	}
	return out
}

// Report formats changes for people: the breaking ones, then the others, one a line.
func Report(changes []Change) string {
	var b strings.Builder
	var breaking, other []Change
	for _, c := range changes {
		if c.Breaking {
			breaking = append(breaking, c)
		} else {
			other = append(other, c)
		}
	}
	for _, group := range []struct {
		title   string
		changes []Change
	}{{"Breaking changes", breaking}, {"Non-breaking changes", other}} {
		if len(group.changes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s (%d):\n", group.title, len(group.changes))
		for _, c := range group.changes {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	return b.String()
}

type comparer struct {
	old, new *docmodel.Document
	changes  []Change
	// seen holds the pairs of schemas being compared, so recursive schemas end.
	seen map[seenKey]bool
	// nullable holds the nullable copies of schemas read from {"oneOf": [S, {"type": "null"}]}.
	nullable map[*docmodel.Schema]*docmodel.Schema
	// merged holds the schemas read from allOf (see merge).
	merged map[*docmodel.Schema]*docmodel.Schema
	// madeUp holds the parts of the allOf schemas made up for the members several parts
	// of an allOf constrain, and madeUpByKey those schemas by their parts (see allOf).
	madeUp      map[*docmodel.Schema][]*docmodel.Schema
	madeUpByKey map[string]*docmodel.Schema
	// trial is set on a comparer that finds whether two branches are equal: it pairs
	// the branches below them in order, so that trials do not nest.
	trial bool
}

// seenKey is a pair of schemas compared in a direction: each pair is compared once, at
// the first path that reaches it.
type seenKey struct {
	o, n *docmodel.Schema
	d    direction
}

func (c *comparer) add(breaking bool, path, format string, args ...any) {
	c.changes = append(c.changes, Change{Breaking: breaking, Path: path, Message: fmt.Sprintf(format, args...)})
}

func positional(ps string) bool { return ps != "by-name" }
func named(ps string) bool      { return ps != "by-position" }

func (c *comparer) method(om, nm *docmodel.Method) {
	name := om.Name
	if !om.Deprecated && nm.Deprecated {
		c.add(false, name, "method deprecated")
	}
	if om.ParamStructure != nm.ParamStructure {
		lost := (positional(om.ParamStructure) && !positional(nm.ParamStructure)) ||
			(named(om.ParamStructure) && !named(nm.ParamStructure))
		c.add(lost, name, "paramStructure changed from %s to %s", om.ParamStructure, nm.ParamStructure)
	}
	c.security(om, nm)
	oldUnsub, oldSub := om.Subscription()
	newUnsub, newSub := nm.Subscription()
	switch {
	case oldSub != newSub:
		c.add(true, name, "x-subscription changed from %v to %v", oldSub, newSub)
	case oldSub:
		if oldUnsub != newUnsub {
			c.add(true, name, "x-subscription's unsubscribe method changed from %q to %q", oldUnsub, newUnsub)
		}
		// Clients receive the events: their schema is compared as a result's.
		oe, ne := event(om), event(nm)
		if oe != nil || ne != nil {
			c.schema(oe, ne, name+"/x-subscription/event", output)
		}
	}
	byPosition := positional(om.ParamStructure) && positional(nm.ParamStructure)
	for i, op := range om.Params {
		path := name + "/params/" + op.Name
		j := slices.IndexFunc(nm.Params, func(p *docmodel.ContentDescriptor) bool { return p.Name == op.Name })
		if j < 0 {
			c.add(true, path, "param removed")
			continue
		}
		np := nm.Params[j]
		if i != j {
			c.add(byPosition, path, "param moved from position %d to %d", i, j)
		}
		switch {
		case !op.Required && np.Required:
			c.add(true, path, "param now required")
		case op.Required && !np.Required:
			c.add(false, path, "param now optional")
		}
		if !op.Deprecated && np.Deprecated {
			c.add(false, path, "param deprecated")
		}
		c.schema(op.Schema, np.Schema, path, input)
	}
	for _, np := range nm.Params {
		if slices.ContainsFunc(om.Params, func(p *docmodel.ContentDescriptor) bool { return p.Name == np.Name }) {
			continue
		}
		if np.Required {
			c.add(true, name+"/params/"+np.Name, "required param added")
		} else {
			c.add(false, name+"/params/"+np.Name, "optional param added")
		}
	}
	switch {
	case om.Result != nil && nm.Result == nil:
		c.add(true, name+"/result", "result removed: the method became a notification")
	case om.Result == nil && nm.Result != nil:
		c.add(false, name+"/result", "result added")
	case om.Result != nil:
		c.schema(om.Result.Schema, nm.Result.Schema, name+"/result", output)
	}
}

// event returns the schema of a subscription's events (x-subscription's event), nil when
// the document does not give one.
func event(m *docmodel.Method) *docmodel.Schema {
	var x struct {
		Event *docmodel.Schema `json:"event"`
	}
	if json.Unmarshal(m.Extensions["x-subscription"], &x) != nil {
		return nil
	}
	return x.Event
}

// security compares x-security: a method that needed nothing and now needs a scheme
// breaks its callers, and so does a requirement some old caller no longer meets.
func (c *comparer) security(om, nm *docmodel.Method) {
	os, ns := om.Security(), nm.Security()
	switch {
	case len(os) == 0 && len(ns) == 0:
	case len(os) == 0:
		c.add(true, om.Name, "security requirement added: %s", formatSecurity(ns))
	case len(ns) == 0:
		c.add(false, om.Name, "security requirement removed: the method is public")
	default:
		// A caller meeting an old alternative (a scheme with its scopes) is still let in
		// when a new alternative of the same scheme asks for no more scopes.
		for _, alt := range os {
			if !slices.ContainsFunc(ns, func(n map[string][]string) bool { return satisfies(alt, n) }) {
				c.add(true, om.Name, "security requirement changed from %s to %s", formatSecurity(os), formatSecurity(ns))
				return
			}
		}
		if !reflect.DeepEqual(os, ns) {
			c.add(false, om.Name, "security requirement changed from %s to %s", formatSecurity(os), formatSecurity(ns))
		}
	}
}

// satisfies reports whether a caller holding have meets the requirement want.
func satisfies(have, want map[string][]string) bool {
	for scheme, scopes := range want {
		held, ok := have[scheme]
		if !ok {
			return false
		}
		for _, s := range scopes {
			if !slices.Contains(held, s) {
				return false
			}
		}
	}
	return true
}

func formatSecurity(req []map[string][]string) string {
	var alts []string
	for _, alt := range req {
		var parts []string
		for _, scheme := range slices.Sorted(maps.Keys(alt)) {
			parts = append(parts, scheme+strings.ReplaceAll(fmt.Sprint(alt[scheme]), " ", ","))
		}
		alts = append(alts, strings.Join(parts, "+"))
	}
	return strings.Join(alts, " or ")
}

// direction says which way values flow through a schema.
type direction int

const (
	input  direction = iota // params: clients send values
	output                  // results: clients receive values
)

// effect is how a schema difference changes the values a schema accepts.
type effect int

const (
	tighter effect = iota // accepts fewer values: breaks inputs
	looser                // accepts more values: breaks outputs
	changed               // neither a subset nor a superset: breaks both
	neutral               // breaks neither
)

func (e effect) breaks(d direction) bool {
	switch e {
	case tighter:
		return d == input
	case looser:
		return d == output
	case changed:
		return true
	}
	return false
}

// maxDepth bounds the nesting of schemas compared.
const maxDepth = 64

func (c *comparer) schema(o, n *docmodel.Schema, path string, d direction) {
	if c.seen == nil {
		c.seen = make(map[seenKey]bool)
	}
	c.compare(o, n, path, d, 0)
}

func (c *comparer) diff(e effect, d direction, path, format string, args ...any) {
	c.add(e.breaks(d), path, format, args...)
}

// simplify follows s's $refs, unwraps allOf, anyOf or oneOf of a single schema, reads
// anyOf or oneOf of a schema and {"type": "null"} as the schema made nullable, and merges
// the parts of an allOf (see merge), so that {"allOf": [{"$ref": "#/components/schemas/A"}]}
// compares equal to A, {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}
// to A with null, and {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": …}]}
// to A with the properties added.
func (c *comparer) simplify(doc *docmodel.Document, s *docmodel.Schema) *docmodel.Schema {
	for range 16 {
		r, _, err := doc.Resolve(s)
		if err != nil || r == nil {
			return nil
		}
		s = r
		var only *docmodel.Schema
		nullable := false
		switch {
		case len(s.AllOf) == 1 && len(s.AnyOf) == 0 && len(s.OneOf) == 0:
			only = s.AllOf[0]
		case len(s.AnyOf) == 1 && len(s.AllOf) == 0 && len(s.OneOf) == 0:
			only = s.AnyOf[0]
		case len(s.OneOf) == 1 && len(s.AllOf) == 0 && len(s.AnyOf) == 0:
			only = s.OneOf[0]
		case len(s.AnyOf) == 2 && len(s.AllOf) == 0 && len(s.OneOf) == 0:
			only, nullable = orNull(s.AnyOf)
		case len(s.OneOf) == 2 && len(s.AllOf) == 0 && len(s.AnyOf) == 0:
			only, nullable = orNull(s.OneOf)
		}
		if only == nil {
			if len(s.AllOf) > 1 {
				return c.merge(doc, s)
			}
			return s
		}
		rest := *s
		rest.AllOf, rest.AnyOf, rest.OneOf = nil, nil, nil
		if !text(rest).IsTrue() || len(rest.Extra) > 0 {
			if len(s.AllOf) == 1 && !nullable {
				return c.merge(doc, s)
			}
			return s
		}
		s = only
		if nullable {
			return c.withNull(doc, s)
		}
	}
	return s
}

// orNull returns the schema of a pair that is not {"type": "null"}, when the other is.
func orNull(pair []*docmodel.Schema) (*docmodel.Schema, bool) {
	isNull := func(s *docmodel.Schema) bool {
		if s == nil || len(s.Type) != 1 || s.Type[0] != "null" {
			return false
		}
		t := *s
		t.Type, t.Title, t.Description = nil, "", ""
		return t.IsTrue() && len(t.Extra) == 0
	}
	switch {
	case isNull(pair[1]) && !isNull(pair[0]):
		return pair[0], true
	case isNull(pair[0]) && !isNull(pair[1]):
		return pair[1], true
	}
	return nil, false
}

// withNull returns s, resolved, with nullable set: the same copy for the same schema, so
// recursive schemas end.
func (c *comparer) withNull(doc *docmodel.Document, s *docmodel.Schema) *docmodel.Schema {
	r := c.simplify(doc, s)
	if r == nil || r.IsTrue() || r.Nullable {
		return r
	}
	if n, ok := c.nullable[r]; ok {
		return n
	}
	n := *r
	n.Nullable = true
	if c.nullable == nil {
		c.nullable = make(map[*docmodel.Schema]*docmodel.Schema)
	}
	c.nullable[r] = &n
	return &n
}

func (c *comparer) compare(o, n *docmodel.Schema, path string, d direction, depth int) {
	o, n = c.simplify(c.old, o), c.simplify(c.new, n)
	if depth > maxDepth || (o == nil && n == nil) {
		return
	}
	key := seenKey{o, n, d}
	if o != nil && n != nil {
		if c.seen[key] {
			return
		}
		c.seen[key] = true
	}
	switch ot, nt := o.IsTrue(), n.IsTrue(); {
	case ot && nt:
		return
	case o.IsFalse() && n.IsFalse():
		return
	case ot:
		c.diff(tighter, d, path, "schema constrained: it accepted anything")
		return
	case nt:
		c.diff(looser, d, path, "schema unconstrained: it accepts anything")
		return
	case o.IsFalse():
		c.diff(looser, d, path, "schema was false")
		return
	case n.IsFalse():
		c.diff(tighter, d, path, "schema is false")
		return
	}
	c.types(o, n, path, d)
	c.enum(o, n, path, d)
	c.bounds(o, n, path, d)
	c.strings(o, n, path, d)
	c.arrays(o, n, path, d, depth)
	c.objects(o, n, path, d, depth)
	c.combinators(o, n, path, d, depth)
}

// typeSet returns the types s admits, nil for any type.
func typeSet(s *docmodel.Schema) []string {
	if len(s.Type) == 0 {
		return nil
	}
	t := slices.Clone(s.Type)
	if s.Nullable && !slices.Contains(t, "null") {
		t = append(t, "null")
	}
	slices.Sort(t)
	return t
}

// subsetTypes reports whether every type of a is admitted by b (integer by number).
func subsetTypes(a, b []string) bool {
	if b == nil {
		return true
	}
	if a == nil {
		return false
	}
	for _, t := range a {
		if !slices.Contains(b, t) && !(t == "integer" && slices.Contains(b, "number")) {
			return false
		}
	}
	return true
}

func typeString(t []string) string {
	if t == nil {
		return "any type"
	}
	return strings.Join(t, "|")
}

func (c *comparer) types(o, n *docmodel.Schema, path string, d direction) {
	ot, nt := typeSet(o), typeSet(n)
	if slices.Equal(ot, nt) {
		return
	}
	e := changed
	switch sub, sup := subsetTypes(nt, ot), subsetTypes(ot, nt); {
	case sub && !sup:
		e = tighter
	case sup && !sub:
		e = looser
	}
	switch {
	case !slices.Contains(ot, "null") && slices.Contains(nt, "null") && len(ot) > 0:
		c.diff(e, d, path, "now nullable: type changed from %s to %s", typeString(ot), typeString(nt))
	default:
		c.diff(e, d, path, "type changed from %s to %s", typeString(ot), typeString(nt))
	}
}

// values returns the values an enum or const allows, as canonical JSON, nil for any.
func values(s *docmodel.Schema) []string {
	var raw []json.RawMessage
	switch {
	case s.Const != nil:
		raw = []json.RawMessage{s.Const}
	case s.Enum != nil:
		raw = s.Enum
	default:
		return nil
	}
	out := []string{}
	for _, r := range raw {
		var v any
		if json.Unmarshal(r, &v) != nil {
			continue
		}
		b, _ := json.Marshal(v)
		out = append(out, string(b))
	}
	if s.Nullable && !slices.Contains(out, "null") {
		out = append(out, "null")
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c *comparer) enum(o, n *docmodel.Schema, path string, d direction) {
	ov, nv := values(o), values(n)
	if slices.Equal(ov, nv) {
		return
	}
	switch {
	case ov == nil:
		c.diff(tighter, d, path, "enum added: %s", strings.Join(nv, ", "))
		return
	case nv == nil:
		c.diff(looser, d, path, "enum removed: it was %s", strings.Join(ov, ", "))
		return
	}
	var removed, added []string
	for _, v := range ov {
		if !slices.Contains(nv, v) {
			removed = append(removed, v)
		}
	}
	for _, v := range nv {
		if !slices.Contains(ov, v) {
			added = append(added, v)
		}
	}
	if len(removed) > 0 {
		c.diff(tighter, d, path, "enum values removed: %s", strings.Join(removed, ", "))
	}
	if len(added) > 0 {
		c.diff(looser, d, path, "enum values added: %s", strings.Join(added, ", "))
	}
}

// bound compares a lower (lower true) or upper bound: raising a lower bound or lowering an
// upper one tightens the schema.
func (c *comparer) bound(keyword string, o, n *float64, lower bool, path string, d direction) {
	switch {
	case o == nil && n == nil:
	case o == nil:
		c.diff(tighter, d, path, "%s %s added", keyword, num(*n))
	case n == nil:
		c.diff(looser, d, path, "%s %s removed", keyword, num(*o))
	case *o == *n:
	default:
		e := tighter
		if (*n < *o) == lower {
			e = looser
		}
		verb := "raised"
		if *n < *o {
			verb = "lowered"
		}
		c.diff(e, d, path, "%s %s from %s to %s", keyword, verb, num(*o), num(*n))
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func fp(i *int) *float64 {
	if i == nil {
		return nil
	}
	f := float64(*i)
	return &f
}

// formatBounds returns the bounds an integer format implies: int8 to int32, uint8 to
// uint64 (the framework writes them beside the format; 64-bit ones but uint64's minimum
// have no exact JSON number).
func formatBounds(format string) (lo, hi *float64) {
	var bits int
	var signed bool
	switch format {
	case "int8", "int16", "int32":
		signed = true
		bits, _ = strconv.Atoi(format[3:])
	case "uint8", "uint16", "uint32", "uint64":
		bits, _ = strconv.Atoi(format[4:])
	default:
		return nil, nil
	}
	low, high := 0.0, math.Ldexp(1, bits)-1
	if signed {
		low, high = -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1)-1
	}
	if bits == 64 {
		return &low, nil
	}
	return &low, &high
}

func (c *comparer) bounds(o, n *docmodel.Schema, path string, d direction) {
	omin, omax, nmin, nmax := o.Minimum, o.Maximum, n.Minimum, n.Maximum
	if o.Format == n.Format {
		// {"format": "int32"} and the same with its bounds written out are the same
		// schema; a format changed is reported as such.
		lo, hi := formatBounds(o.Format)
		omin, nmin = docmodel.Tighter(omin, lo, true), docmodel.Tighter(nmin, lo, true)
		omax, nmax = docmodel.Tighter(omax, hi, false), docmodel.Tighter(nmax, hi, false)
	}
	c.bound("minimum", omin, nmin, true, path, d)
	c.bound("exclusiveMinimum", o.ExclusiveMinimum, n.ExclusiveMinimum, true, path, d)
	c.bound("maximum", omax, nmax, false, path, d)
	c.bound("exclusiveMaximum", o.ExclusiveMaximum, n.ExclusiveMaximum, false, path, d)
	c.bound("minLength", fp(o.MinLength), fp(n.MinLength), true, path, d)
	c.bound("maxLength", fp(o.MaxLength), fp(n.MaxLength), false, path, d)
	c.bound("minItems", fp(o.MinItems), fp(n.MinItems), true, path, d)
	c.bound("maxItems", fp(o.MaxItems), fp(n.MaxItems), false, path, d)
	c.bound("minProperties", fp(o.MinProperties), fp(n.MinProperties), true, path, d)
	c.bound("maxProperties", fp(o.MaxProperties), fp(n.MaxProperties), false, path, d)
	switch om, nm := o.MultipleOf, n.MultipleOf; {
	case om == nil && nm == nil:
	case om == nil:
		c.diff(tighter, d, path, "multipleOf %s added", num(*nm))
	case nm == nil:
		c.diff(looser, d, path, "multipleOf %s removed", num(*om))
	case *om != *nm:
		e := changed
		if r := *nm / *om; r == math.Trunc(r) {
			e = tighter // every multiple of the new one is a multiple of the old one
		} else if r := *om / *nm; r == math.Trunc(r) {
			e = looser
		}
		c.diff(e, d, path, "multipleOf changed from %s to %s", num(*om), num(*nm))
	}
}

// keyword compares a keyword whose change cannot be ordered: adding it tightens, removing
// it loosens, changing it does both.
func (c *comparer) keyword(name, o, n, path string, d direction) {
	switch {
	case o == n:
	case o == "":
		c.diff(tighter, d, path, "%s %q added", name, n)
	case n == "":
		c.diff(looser, d, path, "%s %q removed", name, o)
	default:
		c.diff(changed, d, path, "%s changed from %q to %q", name, o, n)
	}
}

func (c *comparer) strings(o, n *docmodel.Schema, path string, d direction) {
	c.keyword("pattern", o.Pattern, n.Pattern, path, d)
	c.keyword("format", o.Format, n.Format, path, d)
}

func (c *comparer) arrays(o, n *docmodel.Schema, path string, d direction, depth int) {
	if !o.UniqueItems && n.UniqueItems {
		c.diff(tighter, d, path, "uniqueItems added")
	} else if o.UniqueItems && !n.UniqueItems {
		c.diff(looser, d, path, "uniqueItems removed")
	}
	if o.Items != nil || n.Items != nil {
		c.compare(o.Items, n.Items, path+"/items", d, depth+1)
	}
	for i := range max(len(o.TupleItems), len(n.TupleItems)) {
		var os, ns *docmodel.Schema
		if i < len(o.TupleItems) {
			os = o.TupleItems[i]
		}
		if i < len(n.TupleItems) {
			ns = n.TupleItems[i]
		}
		c.compare(os, ns, path+"/items/"+strconv.Itoa(i), d, depth+1)
	}
	if o.AdditionalItems != nil || n.AdditionalItems != nil {
		c.compare(o.AdditionalItems, n.AdditionalItems, path+"/additionalItems", d, depth+1)
	}
	if o.Contains != nil || n.Contains != nil {
		c.compare(o.Contains, n.Contains, path+"/contains", d, depth+1)
	}
}

// closed reports whether s refuses properties it does not name.
func closed(s *docmodel.Schema) bool {
	return s.AdditionalProperties.IsFalse()
}

func (c *comparer) objects(o, n *docmodel.Schema, path string, d direction, depth int) {
	for _, p := range o.Properties {
		pp := path + "/properties/" + p.Name
		ns := n.Property(p.Name)
		if ns == nil {
			switch {
			case d == output:
				c.add(true, pp, "result member removed")
			case closed(n):
				c.add(true, pp, "member removed, and additionalProperties is false")
			default:
				c.add(false, pp, "member removed")
			}
			continue
		}
		c.compare(p.Schema, ns, pp, d, depth+1)
	}
	for _, p := range n.Properties {
		if o.Property(p.Name) == nil && !n.IsRequired(p.Name) {
			c.add(false, path+"/properties/"+p.Name, "optional member added")
		}
	}
	for _, r := range n.Required {
		if !o.IsRequired(r) {
			c.diff(tighter, d, path+"/properties/"+r, "member now required")
		}
	}
	for _, r := range o.Required {
		if !n.IsRequired(r) && n.Property(r) != nil {
			c.diff(looser, d, path+"/properties/"+r, "member now optional")
		}
	}
	for _, p := range o.PatternProperties {
		pp := path + "/patternProperties/" + p.Name
		if ns := patternProperty(n, p.Name); ns != nil {
			c.compare(p.Schema, ns, pp, d, depth+1)
		} else {
			c.diff(looser, d, pp, "pattern property removed")
		}
	}
	for _, p := range n.PatternProperties {
		if patternProperty(o, p.Name) == nil {
			c.diff(tighter, d, path+"/patternProperties/"+p.Name, "pattern property added")
		}
	}
	if o.PropertyNames != nil || n.PropertyNames != nil {
		c.compare(o.PropertyNames, n.PropertyNames, path+"/propertyNames", d, depth+1)
	}
	switch oc, nc := closed(o), closed(n); {
	case !oc && nc:
		c.diff(tighter, d, path, "additionalProperties now false")
	case oc && !nc:
		c.diff(looser, d, path, "additionalProperties no longer false")
	case !oc && !nc && (o.AdditionalProperties != nil || n.AdditionalProperties != nil):
		c.compare(o.AdditionalProperties, n.AdditionalProperties, path+"/additionalProperties", d, depth+1)
	}
}

func patternProperty(s *docmodel.Schema, pattern string) *docmodel.Schema {
	for _, p := range s.PatternProperties {
		if p.Name == pattern {
			return p.Schema
		}
	}
	return nil
}

// maxPairing bounds the branches matched by content; past it they are paired in order.
const maxPairing = 16

// pairBranches pairs the branches of an old and a new anyOf, oneOf or allOf, whose order
// does not count: first each old branch with a new one equal to it, then the others in
// their order. It returns the pairs of indexes (old, new).
func (c *comparer) pairBranches(o, n []*docmodel.Schema, d direction) [][2]int {
	var pairs [][2]int
	usedO, usedN := make([]bool, len(o)), make([]bool, len(n))
	if !c.trial && len(o) <= maxPairing && len(n) <= maxPairing {
		for i := range o {
			for j := range n {
				if usedN[j] {
					continue
				}
				same := &comparer{old: c.old, new: c.new, trial: true}
				same.schema(o[i], n[j], "", d)
				if len(same.changes) == 0 {
					usedO[i], usedN[j] = true, true
					pairs = append(pairs, [2]int{i, j})
					break
				}
			}
		}
	}
	j := 0
	for i := range o {
		if usedO[i] {
			continue
		}
		for j < len(n) && usedN[j] {
			j++
		}
		if j == len(n) {
			break
		}
		usedN[j] = true
		pairs = append(pairs, [2]int{i, j})
	}
	slices.SortFunc(pairs, func(a, b [2]int) int { return a[0] - b[0] })
	return pairs
}

func (c *comparer) combinators(o, n *docmodel.Schema, path string, d direction, depth int) {
	for _, k := range []struct {
		name string
		o, n []*docmodel.Schema
		more effect // the effect of a branch more
	}{
		{"allOf", o.AllOf, n.AllOf, tighter},
		{"anyOf", o.AnyOf, n.AnyOf, looser},
		{"oneOf", o.OneOf, n.OneOf, looser},
	} {
		for _, pair := range c.pairBranches(k.o, k.n, d) {
			c.compare(k.o[pair[0]], k.n[pair[1]], path+"/"+k.name+"/"+strconv.Itoa(pair[0]), d, depth+1)
		}
		more, less := k.more, tighter
		if more == tighter {
			less = looser
		}
		// A first anyOf or oneOf is a constraint the schema had not: it tightens, as
		// dropping the last one loosens; past the first, a branch more accepts more.
		if len(k.o) == 0 || len(k.n) == 0 {
			more, less = tighter, looser
		}
		switch {
		case len(k.n) > len(k.o):
			c.diff(more, d, path, "%s: %d schemas added", k.name, len(k.n)-len(k.o))
		case len(k.n) < len(k.o):
			c.diff(less, d, path, "%s: %d schemas removed", k.name, len(k.o)-len(k.n))
		}
	}
	if o.Not != nil || n.Not != nil {
		// not inverts the direction: a tighter not accepts more.
		inv := output
		if d == output {
			inv = input
		}
		c.compare(o.Not, n.Not, path+"/not", inv, depth+1)
	}
	// if, then and else cannot be ordered: any difference counts both ways.
	for _, k := range []struct {
		name string
		o, n *docmodel.Schema
	}{{"if", o.If, n.If}, {"then", o.Then, n.Then}, {"else", o.Else, n.Else}} {
		if !reflect.DeepEqual(k.o, k.n) {
			c.diff(changed, d, path+"/"+k.name, "%s changed", k.name)
		}
	}
}
