package openrpc_test

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
)

// A reconnecting client over in-memory connections: when the connection is lost, the client
// dials again and makes its subscription again; the loop over Events goes on.
func ExampleNewReconnectingClient() {
	srv := openrpc.NewServer(openrpc.Info{Title: "greeter", Version: "1"}, nil)
	var made atomic.Int32
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "greetings"},
		func(ctx context.Context, p struct {
			Name string `json:"name"`
		}, emit func(string) error) error {
			emit(fmt.Sprintf("hello %s, from subscription %d", p.Name, made.Add(1)))
			<-ctx.Done()
			return nil
		})

	conns := make(chan openrpc.Conn, 2) // the server's ends, to cut them
	dial := func(ctx context.Context) (openrpc.Conn, error) {
		client, server := openrpctest.Pipe()
		conns <- server
		go srv.ServeConn(context.Background(), server, nil)
		return client, nil
	}
	reconnected := make(chan int, 1)
	c, err := openrpc.NewReconnectingClient(context.Background(), dial, &openrpc.ReconnectOptions{
		OnReconnect: func(attempt int, err error) {
			if err == nil {
				reconnected <- attempt
			}
		},
	})
	if err != nil {
		panic(err)
	}
	defer c.Close()

	sub, err := openrpc.Subscribe[string](context.Background(), c, "greetings", map[string]string{"name": "Ada"})
	if err != nil {
		panic(err)
	}
	n := 0
	for greeting, err := range sub.Events() {
		if err != nil {
			panic(err)
		}
		fmt.Println(greeting)
		if n++; n == 2 {
			break
		}
		(<-conns).Close() // the connection is lost
		fmt.Println("reconnected after", <-reconnected, "attempt")
	}
	// Output:
	// hello Ada, from subscription 1
	// reconnected after 1 attempt
	// hello Ada, from subscription 2
}
