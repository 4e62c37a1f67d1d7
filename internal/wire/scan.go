// Package wire parses and encodes JSON-RPC 2.0 envelopes.
//
// The parser validates the whole message in a single pass (RFC 8259 grammar, UTF-8, a bounded
// nesting depth) and records each envelope member as a slice of the input, so ids are echoed
// byte for byte and params are decoded later, only by the method that needs them.
package wire

import (
	"fmt"
	"unicode/utf8"
)

// SyntaxError reports input that is not JSON.
type SyntaxError struct {
	Offset int    // byte offset of the problem
	Msg    string // what is wrong there
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// DepthError reports JSON nested deeper than allowed.
type DepthError struct{ Max int }

func (e *DepthError) Error() string {
	return fmt.Sprintf("JSON nesting depth exceeds %d", e.Max)
}

// scanner is a recursive-descent JSON validator over a byte slice.
type scanner struct {
	data     []byte
	i        int
	depth    int
	maxDepth int
	err      error
}

func (s *scanner) fail(msg string) bool {
	if s.err == nil {
		s.err = &SyntaxError{Offset: s.i, Msg: msg}
	}
	return false
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end of input.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

func (s *scanner) enter() bool {
	s.depth++
	if s.depth > s.maxDepth {
		if s.err == nil {
			s.err = &DepthError{Max: s.maxDepth}
		}
		return false
	}
	return true
}

// value scans one JSON value starting at the next non-space byte.
func (s *scanner) value() bool {
	switch s.peek() {
	case '{':
		return s.object()
	case '[':
		return s.array()
	case '"':
		_, ok := s.str()
		return ok
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return s.number()
	case 0:
		if s.i >= len(s.data) {
			return s.fail("unexpected end of input")
		}
	}
	return s.fail(fmt.Sprintf("unexpected character %q", s.data[s.i]))
}

func (s *scanner) literal(lit string) bool {
	if len(s.data)-s.i < len(lit) || string(s.data[s.i:s.i+len(lit)]) != lit {
		return s.fail("invalid literal, want " + lit)
	}
	s.i += len(lit)
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.data) && isDigit(s.data[s.i]) {
		s.i++
	}
	if s.i == start {
		return s.fail("digit expected in number")
	}
	return true
}

func (s *scanner) number() bool {
	if s.data[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.data) && s.data[s.i] == '0' {
		s.i++
	} else if !s.digits() {
		return false
	}
	if s.i < len(s.data) && s.data[s.i] == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if s.i < len(s.data) && (s.data[s.i] == 'e' || s.data[s.i] == 'E') {
		s.i++
		if s.i < len(s.data) && (s.data[s.i] == '+' || s.data[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// str scans a string token at s.i and reports whether it contains escapes.
func (s *scanner) str() (escaped, ok bool) {
	i := s.i + 1
	data := s.data
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			s.i = i + 1
			return escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				s.i = i
				return escaped, s.fail("unterminated escape")
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					s.i = i
					return escaped, s.fail(`invalid \u escape`)
				}
				i += 6
			default:
				s.i = i
				return escaped, s.fail("invalid escape character")
			}
		case c < 0x20:
			s.i = i
			return escaped, s.fail("control character in string")
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				s.i = i
				return escaped, s.fail("invalid UTF-8 in string")
			}
			i += size
		}
	}
	s.i = len(data)
	return escaped, s.fail("unterminated string")
}

func (s *scanner) object() bool {
	if !s.enter() {
		return false
	}
	s.i++ // '{'
	if s.peek() == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		if s.peek() != '"' {
			return s.fail("object key expected")
		}
		if _, ok := s.str(); !ok {
			return false
		}
		if s.peek() != ':' {
			return s.fail("':' expected after object key")
		}
		s.i++
		if !s.value() {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return s.fail("',' or '}' expected in object")
		}
	}
}

func (s *scanner) array() bool {
	if !s.enter() {
		return false
	}
	s.i++ // '['
	if s.peek() == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		if !s.value() {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return s.fail("',' or ']' expected in array")
		}
	}
}

// end fails unless only white space is left.
func (s *scanner) end() bool {
	if s.ws(); s.i < len(s.data) {
		return s.fail("unexpected data after top-level value")
	}
	return true
}

// Valid reports whether data is exactly one JSON value (surrounded by optional white space)
// nested at most maxDepth deep. The error is a *SyntaxError or a *DepthError.
func Valid(data []byte, maxDepth int) error {
	s := scanner{data: data, maxDepth: maxDepth}
	if s.value() {
		s.end()
	}
	return s.err
}
