package openrpc_test

import (
	"context"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// An order as a shop's API takes it: a nested object, strings with patterns and lengths, a
// list of items with constraints, numbers with ranges.
type (
	benchOrder struct {
		Customer string       `json:"customer" pattern:"^[a-z][a-z0-9_]{2,31}$"`
		Address  benchAddress `json:"address"`
		Items    []benchItem  `json:"items" minItems:"1" maxItems:"50"`
		Tags     []string     `json:"tags,omitempty" maxItems:"5" uniqueItems:"true" minLength:"1" maxLength:"16" pattern:"^[a-z-]+$"`
		Priority int          `json:"priority" minimum:"1" maximum:"5"`
		Discount float64      `json:"discount,omitempty" minimum:"0" maximum:"0.5"`
		Note     string       `json:"note,omitempty" maxLength:"280"`
	}
	benchAddress struct {
		Street  string `json:"street" minLength:"1" maxLength:"100"`
		City    string `json:"city" minLength:"1" maxLength:"64"`
		Zip     string `json:"zip" pattern:"^[0-9]{5}$"`
		Country string `json:"country" enum:"DE,FR,GB,US"`
	}
	benchItem struct {
		SKU      string  `json:"sku" pattern:"^[A-Z]{3}-[0-9]{4}$"`
		Quantity int     `json:"quantity" minimum:"1" maximum:"1000"`
		Price    float64 `json:"price" exclusiveMinimum:"0" maximum:"100000"`
	}
)

// The same order without tags: decoded as strictly, but with nothing to check beyond types.
type (
	benchOrderPlain struct {
		Customer string            `json:"customer"`
		Address  benchAddressPlain `json:"address"`
		Items    []benchItemPlain  `json:"items"`
		Tags     []string          `json:"tags,omitempty"`
		Priority int               `json:"priority"`
		Discount float64           `json:"discount,omitempty"`
		Note     string            `json:"note,omitempty"`
	}
	benchAddressPlain struct {
		Street  string `json:"street"`
		City    string `json:"city"`
		Zip     string `json:"zip"`
		Country string `json:"country"`
	}
	benchItemPlain struct {
		SKU      string  `json:"sku"`
		Quantity int     `json:"quantity"`
		Price    float64 `json:"price"`
	}
)

var benchOrderParams = `{"customer":"ada_lovelace","address":{"street":"12 Analytical Engine Road","city":"London","zip":"10115","country":"GB"},` +
	`"items":[{"sku":"ABC-0001","quantity":2,"price":19.99},{"sku":"DEF-0042","quantity":1,"price":5.5},{"sku":"GHI-1234","quantity":10,"price":0.99},` +
	`{"sku":"JKL-9999","quantity":3,"price":120},{"sku":"MNO-0500","quantity":1,"price":42}],` +
	`"tags":["gift","express","fragile"],"priority":3,"discount":0.1,"note":"Leave at the door, please."}`

func BenchmarkValidate(b *testing.B) {
	srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "order"}, func(_ context.Context, p benchOrder) (int, error) {
		return len(p.Items), nil
	})
	openrpc.Register(srv, openrpc.Method{Name: "orderPlain"}, func(_ context.Context, p benchOrderPlain) (int, error) {
		return len(p.Items), nil
	})
	ctx := context.Background()
	for _, bm := range []struct{ name, method string }{
		{"order/with-validation", "order"},
		{"order/without-validation", "orderPlain"},
	} {
		msg := []byte(`{"jsonrpc":"2.0","method":"` + bm.method + `","params":` + benchOrderParams + `,"id":1}`)
		want := `{"jsonrpc":"2.0","result":5,"id":1}`
		if got := string(srv.Process(ctx, msg)); got != want {
			b.Fatalf("got %s, want %s", got, want)
		}
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				srv.Process(ctx, msg)
			}
		})
	}
}
