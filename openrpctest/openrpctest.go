// Package openrpctest helps test servers and transports built with openrpc: the JSON-RPC 2.0
// specification's examples as test vectors, the methods they need, and a JSON comparison
// that treats batch responses as sets.
package openrpctest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/openrpc-go/openrpc"
)

//go:embed jsonrpc-spec-vectors.json
var specVectors []byte

// Vector is one example of the JSON-RPC 2.0 specification: a message and the response it
// must get. Expected is nil when there must be no response at all.
type Vector struct {
	Name     string  `json:"name"`
	Request  string  `json:"request"`
	Expected *string `json:"expected"`
}

// SpecVectors returns every example of section 7 of the JSON-RPC 2.0 specification. They need
// the methods [RegisterSpecMethods] adds.
func SpecVectors() []Vector {
	var vs []Vector
	if err := json.Unmarshal(specVectors, &vs); err != nil {
		panic("openrpctest: embedded vectors: " + err.Error())
	}
	return vs
}

// RunSpecVectors checks every spec vector in a subtest: roundTrip sends the request and
// returns the response body, nil when there was none.
func RunSpecVectors(t *testing.T, roundTrip func(t *testing.T, request []byte) []byte) {
	t.Helper()
	for _, v := range SpecVectors() {
		t.Run(v.Name, func(t *testing.T) {
			got := roundTrip(t, []byte(v.Request))
			if v.Expected == nil {
				if len(got) != 0 {
					t.Fatalf("got response %s, want none", got)
				}
				return
			}
			if err := EqualJSON([]byte(*v.Expected), got); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// SubtractParams are the params of the specification's subtract method.
type SubtractParams struct {
	Minuend    float64 `json:"minuend"`
	Subtrahend float64 `json:"subtrahend"`
}

// RegisterSpecMethods adds the methods the specification's examples call: subtract (by
// position or by name), sum (variadic), get_data, and the notification handlers update,
// notify_hello and notify_sum.
func RegisterSpecMethods(r openrpc.Registrar) {
	openrpc.Register(r, openrpc.Method{Name: "subtract"}, func(_ context.Context, p SubtractParams) (float64, error) {
		return p.Minuend - p.Subtrahend, nil
	})
	openrpc.Register(r, openrpc.Method{Name: "sum"}, func(_ context.Context, xs []float64) (float64, error) {
		var total float64
		for _, x := range xs {
			total += x
		}
		return total, nil
	})
	openrpc.Register(r, openrpc.Method{Name: "get_data"}, func(context.Context, struct{}) ([]any, error) {
		return []any{"hello", 5}, nil
	})
	ignore := func(context.Context, []json.RawMessage) error { return nil }
	openrpc.RegisterNotification(r, openrpc.Method{Name: "update"}, ignore)
	openrpc.RegisterNotification(r, openrpc.Method{Name: "notify_hello"}, ignore)
	openrpc.RegisterNotification(r, openrpc.Method{Name: "notify_sum"}, ignore)
}

// EqualJSON returns nil when want and got hold the same JSON value, comparing numbers by their
// text and arrays of objects (batch responses) as sets; otherwise an error showing both.
func EqualJSON(want, got []byte) error {
	w, err := normalize(want)
	if err != nil {
		return fmt.Errorf("want is not JSON: %v: %s", err, want)
	}
	g, err := normalize(got)
	if err != nil {
		return fmt.Errorf("got is not JSON: %v: %s", err, got)
	}
	if !reflect.DeepEqual(w, g) {
		return fmt.Errorf("got %s, want %s", got, want)
	}
	return nil
}

// normalize decodes raw, sorting a top-level array of objects by each element's encoding.
func normalize(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the JSON value")
	}
	if arr, ok := v.([]any); ok {
		keys := make([]string, len(arr))
		for i, x := range arr {
			b, _ := json.Marshal(x)
			keys[i] = string(b)
		}
		slices.Sort(keys)
		return keys, nil
	}
	return v, nil
}
