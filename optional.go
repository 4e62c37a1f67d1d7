package openrpc

import (
	"bytes"
	"encoding/json"
)

// Optional is a value that tells an absent member from an explicit null and from a value.
// As a params field it is never required. Its zero value is absent. A field tagged
// nullable:"false" is published without null and refuses it, so it is absent or a value
// (zero included): an optional member that is not nullable.
//
// It works with encoding/json everywhere: decoding sets it to null or to a value when the
// member is present, and encoding with the omitzero option leaves an absent value out.
type Optional[T any] struct {
	value T
	state optionalState
}

type optionalState uint8

const (
	absent optionalState = iota
	isNull
	present
)

// Some returns an Optional holding v.
func Some[T any](v T) Optional[T] { return Optional[T]{value: v, state: present} }

// Null returns an Optional that is an explicit null.
func Null[T any]() Optional[T] { return Optional[T]{state: isNull} }

// Get returns the value and true when o holds one; the zero value and false when o is absent
// or null.
func (o Optional[T]) Get() (T, bool) { return o.value, o.state == present }

// Or returns the value o holds, or def when it is absent or null.
func (o Optional[T]) Or(def T) T {
	if o.state == present {
		return o.value
	}
	return def
}

// IsAbsent reports whether the member was missing.
func (o Optional[T]) IsAbsent() bool { return o.state == absent }

// IsNull reports whether the member was an explicit null.
func (o Optional[T]) IsNull() bool { return o.state == isNull }

// IsZero reports whether o is absent, so that encoding/json's omitzero leaves it out.
func (o Optional[T]) IsZero() bool { return o.state == absent }

// MarshalJSON encodes the value, or null when o is null or absent.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if o.state != present {
		return []byte("null"), nil
	}
	return json.Marshal(o.value)
}

// UnmarshalJSON sets o to null or to the decoded value.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		var zero T
		o.value, o.state = zero, isNull
		return nil
	}
	if err := json.Unmarshal(b, &o.value); err != nil {
		return err
	}
	o.state = present
	return nil
}

func (Optional[T]) optional() {}

// optionalType is implemented by every Optional instantiation.
type optionalType interface{ optional() }
