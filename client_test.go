package openrpc_test

import (
	"context"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
)

// nullIDReply is the server's answer to a message it could not read: an error whose id is
// null.
const nullIDReply = `{"jsonrpc":"2.0","error":{"code":-32003,"message":"Request too large"},"id":null}`

// refuseAll answers every message with nullIDReply, as a round tripper.
type refuseAll struct{}

func (refuseAll) RoundTrip(context.Context, []byte) ([]byte, error) { return []byte(nullIDReply), nil }

// refusingConn answers every message it is sent with nullIDReply, as a connection.
type refusingConn struct{ replies chan []byte }

func (c refusingConn) Recv(ctx context.Context) ([]byte, error) {
	select {
	case m := <-c.replies:
		return m, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c refusingConn) Send(context.Context, []byte) error {
	c.replies <- []byte(nullIDReply)
	return nil
}

func (c refusingConn) Close() error { return nil }

// Issue 18: a reply with a null id fails the call (every call of a batch) with its error and
// code, over a round tripper and over a connection.
func TestClient_nullIDReply(t *testing.T) {
	for name, c := range map[string]*openrpc.Client{
		"round tripper": openrpc.NewClient(refuseAll{}, nil),
		"connection":    openrpc.NewConnClient(refusingConn{replies: make(chan []byte, 10)}, nil),
	} {
		t.Run(name, func(t *testing.T) {
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := openrpc.Call[int](ctx, c, "m", nil); openrpc.CodeOf(err) != openrpc.CodeTooLarge {
				t.Errorf("call: got %v, want a %d error", err, openrpc.CodeTooLarge)
			}
			calls := []openrpc.BatchCall{{Method: "a"}, {Method: "b", Notify: true}, {Method: "c"}}
			if err := c.Batch(ctx, calls); err != nil {
				t.Fatalf("batch: %v", err)
			}
			for _, i := range []int{0, 2} {
				if openrpc.CodeOf(calls[i].Err) != openrpc.CodeTooLarge {
					t.Errorf("batch call %d: got %v, want a %d error", i, calls[i].Err, openrpc.CodeTooLarge)
				}
			}
		})
	}
}
