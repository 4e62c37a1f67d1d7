// Package standin decides what an optional param of a method that takes its params by
// position is sent as when it is left out before a given one (a position cannot be
// skipped): its default, if its schema accepts the default; else null, if its schema
// accepts null; else nothing, and the call is refused, naming the param. A zero value would
// be a guess at what the caller meant (leaving out "limit" is not asking for 0).
//
// openrpc call decides so when it sends a call, and the clients that openrpc gen go and
// openrpc gen ts write decide so when they are generated: this is the one rule for all.
package standin

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/schemacheck"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// Kind says what stands in for a param left out.
type Kind int

const (
	// None: nothing may; the call is refused before it is sent.
	None Kind = iota
	// Default: the param's default.
	Default
	// Null: null.
	Null
)

// StandIn is what a param left out before a given one is sent as.
type StandIn struct {
	Kind Kind
	// Value is the JSON sent: the default (compact) or null; nil for None.
	Value json.RawMessage
	// BadDefault reports a default that the param's own schema refuses, left unused.
	BadDefault bool
}

// Of returns the stand-in of p, a param of doc. s is p's schema compiled (from
// schemacheck.Document.Compile(p.Pointer)), nil when it could not be: then a default is
// taken as it is, and null when nullable says, for the server to judge.
func Of(doc *docmodel.Document, p *docmodel.ContentDescriptor, s *schemacheck.Schema, nullable bool) StandIn {
	accepts := func(v json.RawMessage, fallback bool) bool {
		if s == nil {
			return fallback
		}
		return len(s.Validate(v)) == 0
	}
	var out StandIn
	if rs, _, err := doc.Resolve(p.Schema); err == nil && rs != nil && len(rs.Default) > 0 {
		var c bytes.Buffer
		if accepts(rs.Default, true) && json.Compact(&c, rs.Default) == nil {
			return StandIn{Kind: Default, Value: c.Bytes()}
		}
		out.BadDefault = true
	}
	if accepts(json.RawMessage("null"), nullable) {
		out.Kind, out.Value = Null, json.RawMessage("null")
	}
	return out
}

// Note returns the note of a generator on the stand-in of the param named name: that its
// default is no value of its schema, and what a client does instead; "" when there is
// nothing to say.
func (s StandIn) Note(name string) string {
	if !s.BadDefault {
		return ""
	}
	instead := "the client refuses a call leaving it unset before a set param"
	if s.Kind == Null {
		instead = "a call leaving it unset before a set param sends null"
	}
	return fmt.Sprintf("the default of param %q is no value of its schema: %s", name, instead)
}
