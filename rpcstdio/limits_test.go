package rpcstdio_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpcstdio"
)

// Issue 18: a line whose message is exactly MaxMessageBytes is read, one byte more is
// refused (and reading goes on), whatever ends the line: a newline, CR LF, or the end of the
// input. Line breaks are not part of the message.
func TestConn_sizeLimitBoundary(t *testing.T) {
	const limit = 100
	at, over := string(openrpctest.CallOfSize(limit)), string(openrpctest.CallOfSize(limit+1))
	next := `{"jsonrpc":"2.0","method":"get_data","id":2}`
	for _, tt := range []struct {
		name, input string
		want        []string // "" for a message refused as too large
	}{
		{"newline, at the limit", at + "\n" + next + "\n", []string{at, next}},
		{"newline, over the limit", over + "\n" + next + "\n", []string{"", next}},
		{"CR LF, at the limit", at + "\r\n" + next + "\r\n", []string{at, next}},
		{"CR LF, over the limit", over + "\r\n" + next + "\r\n", []string{"", next}},
		{"end of input, at the limit", next + "\n" + at, []string{next, at}},
		{"end of input, over the limit", next + "\n" + over, []string{next, ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := rpcstdio.NewConn(strings.NewReader(tt.input), io.Discard, &rpcstdio.Options{MaxMessageBytes: limit})
			defer c.Close()
			for i, want := range tt.want {
				got, err := c.Recv(context.Background())
				switch {
				case want == "" && !errors.Is(err, openrpc.ErrTooLarge):
					t.Errorf("message %d: got %q, %v; want ErrTooLarge", i, got, err)
				case want != "" && (err != nil || string(got) != want):
					t.Errorf("message %d: got %q, %v; want %q", i, got, err, want)
				}
			}
			if got, err := c.Recv(context.Background()); !errors.Is(err, io.EOF) {
				t.Errorf("after the last message: got %q, %v; want io.EOF", got, err)
			}
		})
	}
}
