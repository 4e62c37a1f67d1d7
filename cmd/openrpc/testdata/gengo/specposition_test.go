package specposition_test

import (
	"context"
	"os"
	"testing"

	"github.com/openrpc-go/openrpc/rpchttp"

	"gentest/specposition"
)

// TestSubtractByPosition calls subtract of examples/spec with a client generated from a
// document saying subtract takes its params by position: they go as an array.
func TestSubtractByPosition(t *testing.T) {
	base := os.Getenv("SPEC_URL")
	if base == "" {
		t.Fatal("SPEC_URL is not set")
	}
	c := specposition.NewClient(rpchttp.NewClient(base+"/api/v1", nil))
	if got, err := c.Subtract(context.Background(), specposition.SubtractParams{Minuend: 42, Subtrahend: 23}); err != nil || got != 19 {
		t.Errorf("Subtract = %v, %v", got, err)
	}
	if got, err := c.Subtract(context.Background(), specposition.SubtractParams{Minuend: 23, Subtrahend: 42}); err != nil || got != -19 {
		t.Errorf("Subtract = %v, %v", got, err)
	}
}
