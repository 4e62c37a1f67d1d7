package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Request is one envelope of a message. Its byte slices alias the parsed input.
type Request struct {
	// Method is the decoded method name (valid requests only).
	Method []byte
	// Params is the raw params value, nil when the member is absent.
	Params []byte
	// ID is the raw id when the member is present and of a valid type, else nil.
	ID []byte
	// Invalid says why the envelope is not a valid Request object; empty when it is valid.
	Invalid string
}

// IsNotification reports whether r is a valid request without an id member.
func (r *Request) IsNotification() bool { return r.Invalid == "" && r.ID == nil }

// ResponseID is the id to answer r with: its own id when it could be read, else null.
func (r *Request) ResponseID() []byte {
	if r.ID == nil {
		return null
	}
	return r.ID
}

var null = []byte("null")

// Limits bounds the work Parse does on one message.
type Limits struct {
	MaxDepth int // deepest nesting of arrays and objects, the batch array included
	MaxBatch int // most items in one batch
}

// ErrEmptyBatch reports the message "[]".
var ErrEmptyBatch = errors.New("empty batch")

// BatchSizeError reports a batch with more items than allowed.
type BatchSizeError struct{ Max int }

func (e *BatchSizeError) Error() string {
	return fmt.Sprintf("batch has more than %d items", e.Max)
}

// Parse validates data as one JSON value and splits it into request envelopes. A single
// request (an object, or any JSON that is not an array) is stored in *single; a batch is
// returned as a new slice, with isBatch true. The error is a *SyntaxError (answer with Parse
// error), or a *DepthError, *BatchSizeError or ErrEmptyBatch (answer with Invalid Request). A
// message that is JSON but not an object or array yields one invalid Request. Parsing stops
// at the first limit exceeded, so such a message is not checked for syntax beyond it.
func Parse(data []byte, single *Request, lim Limits) (batch []Request, isBatch bool, err error) {
	s := scanner{data: data, maxDepth: lim.MaxDepth}
	switch s.peek() {
	case '[':
		if !s.enter() {
			return nil, true, s.err
		}
		s.i++
		if s.peek() == ']' {
			s.i++
			if !s.end() {
				return nil, true, s.err
			}
			return nil, true, ErrEmptyBatch
		}
		for {
			if len(batch) >= lim.MaxBatch {
				return nil, true, &BatchSizeError{Max: lim.MaxBatch}
			}
			batch = append(batch, Request{})
			r := &batch[len(batch)-1]
			if s.peek() == '{' {
				if !s.request(r) {
					return nil, true, s.err
				}
			} else {
				if !s.value() {
					return nil, true, s.err
				}
				r.Invalid = "a batch item must be an object"
			}
			c := s.peek()
			if c == ']' {
				s.i++
				break
			}
			if c != ',' {
				s.fail("',' or ']' expected in array")
				return nil, true, s.err
			}
			s.i++
		}
		if !s.end() {
			return nil, true, s.err
		}
		return batch, true, nil
	case '{':
		*single = Request{}
		if !s.request(single) || !s.end() {
			return nil, false, s.err
		}
		return nil, false, nil
	default:
		if !s.value() || !s.end() {
			return nil, false, s.err
		}
		*single = Request{Invalid: "a request must be an object or an array"}
		return nil, false, nil
	}
}

// request scans one object and records its envelope members in r.
func (s *scanner) request(r *Request) bool {
	if !s.enter() {
		return false
	}
	s.i++ // '{'
	var version, method, params, id []byte
	var dup string
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			if s.peek() != '"' {
				return s.fail("object key expected")
			}
			start := s.i
			escaped, ok := s.str()
			if !ok {
				return false
			}
			key := s.data[start+1 : s.i-1]
			if escaped {
				key = unquote(s.data[start:s.i])
			}
			if s.peek() != ':' {
				return s.fail("':' expected after object key")
			}
			s.i++
			s.peek()
			vstart := s.i
			if !s.value() {
				return false
			}
			raw := s.data[vstart:s.i]
			var slot *[]byte
			switch string(key) {
			case "jsonrpc":
				slot = &version
			case "method":
				slot = &method
			case "params":
				slot = &params
			case "id":
				slot = &id
			}
			if slot != nil {
				if *slot != nil && dup == "" {
					dup = string(key)
				}
				*slot = raw
			}
			c := s.peek()
			if c == '}' {
				s.i++
				break
			}
			if c != ',' {
				return s.fail("',' or '}' expected in object")
			}
			s.i++
		}
	}
	s.depth--

	validID := id != nil && (id[0] == '"' || id[0] == 'n' || id[0] == '-' || isDigit(id[0]))
	if validID {
		r.ID = id
	}
	switch {
	case dup != "":
		r.Invalid = fmt.Sprintf("duplicate %q member", dup)
	case id != nil && !validID:
		r.Invalid = `"id" must be a string, a number or null`
	case version == nil:
		r.Invalid = `missing "jsonrpc" member`
	case !bytes.Equal(version, version20) && !bytes.Equal(unquoteIfString(version), version20[1:4]):
		r.Invalid = `"jsonrpc" must be exactly "2.0"`
	case method == nil:
		r.Invalid = `missing "method" member`
	case method[0] != '"':
		r.Invalid = `"method" must be a string`
	case params != nil && params[0] != '[' && params[0] != '{':
		r.Invalid = `"params" must be an array or an object`
	default:
		r.Method = unquote(method)
		r.Params = params
	}
	return true
}

var version20 = []byte(`"2.0"`)

// unquote returns the contents of a valid JSON string token. It allocates only when the
// token has escapes.
func unquote(tok []byte) []byte {
	body := tok[1 : len(tok)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return body
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return body // unreachable for a token the scanner accepted
	}
	return []byte(s)
}

func unquoteIfString(tok []byte) []byte {
	if tok[0] != '"' {
		return nil
	}
	return unquote(tok)
}
