package wire

import "math"

// Iter walks the elements of an array or the members of an object that Parse (or Valid)
// already accepted.
type Iter struct {
	s    scanner
	open bool
}

// NewIter returns an iterator over the array or object raw, which must start with its
// bracket, as the values Parse returns do.
func NewIter(raw []byte) Iter {
	return Iter{s: scanner{data: raw, i: 1, maxDepth: math.MaxInt}}
}

// next positions the scanner on the next item, reporting false at the closing bracket.
func (it *Iter) next() bool {
	c := it.s.peek()
	if c == ']' || c == '}' || c == 0 {
		return false
	}
	if it.open {
		it.s.i++ // ','
		it.s.peek()
	}
	it.open = true
	return true
}

// Element returns the next array element, and false after the last one.
func (it *Iter) Element() ([]byte, bool) {
	if !it.next() {
		return nil, false
	}
	start := it.s.i
	it.s.i = skip(it.s.data, start)
	return it.s.data[start:it.s.i], true
}

// Member returns the next object member's decoded key and raw value, and false after the
// last one.
func (it *Iter) Member() (key, value []byte, ok bool) {
	if !it.next() {
		return nil, nil, false
	}
	start := it.s.i
	it.s.str()
	key = unquote(it.s.data[start:it.s.i])
	it.s.peek() // ':'
	it.s.i++
	it.s.peek()
	start = it.s.i
	it.s.i = skip(it.s.data, start)
	return key, it.s.data[start:it.s.i], true
}

// skip returns the end of the valid JSON value starting at data[i]. It does not validate
// again what the scanner accepted: it only matches quotes and brackets, several times faster,
// since a value nested n deep is walked once per level by the decoders above it.
func skip(data []byte, i int) int {
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i // the end of the enclosing container: a scalar ended before it
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return i // the end of a number or a literal
			}
		}
	}
	return i
}

// Count returns the number of elements of the array raw.
func Count(raw []byte) int {
	it := NewIter(raw)
	n := 0
	for _, ok := it.Element(); ok; _, ok = it.Element() {
		n++
	}
	return n
}
