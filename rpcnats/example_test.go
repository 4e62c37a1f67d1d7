package rpcnats_test

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcnats"
)

// Serve a server on a subject and call it over NATS. Every process that serves the same
// subject joins the same queue group, and NATS spreads the calls among them.
func Example() {
	// A NATS server in this process, for the example; a deployment connects to its own.
	ns, _ := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	go ns.Start()
	ns.ReadyForConnections(10 * time.Second)
	defer ns.Shutdown()

	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(ctx context.Context, p struct {
		A int `json:"a"`
		B int `json:"b"`
	}) (int, error) {
		return p.A + p.B, nil
	})

	nc, _ := nats.Connect(ns.ClientURL())
	defer nc.Close()
	svc, err := rpcnats.Start(nc, "calc", srv, nil) // or rpcnats.Serve(ctx, ...) until ctx ends
	if err != nil {
		fmt.Println(err)
		return
	}
	defer svc.Shutdown(context.Background())

	c := rpcnats.NewClient(nc, "calc", &rpcnats.ClientOptions{BearerToken: "a-token"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sum, err := openrpc.Call[int](ctx, c, "add", map[string]int{"a": 2, "b": 3})
	fmt.Println(sum, err)
	// Output: 5 <nil>
}

// Subscribe to events over NATS: a session is a connection to one instance of the service,
// so subscriptions work on it.
func ExampleDial() {
	ns, _ := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	go ns.Start()
	ns.ReadyForConnections(10 * time.Second)
	defer ns.Shutdown()

	srv := openrpc.NewServer(openrpc.Info{Title: "Ticker", Version: "1.0.0"}, nil)
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "count"}, func(ctx context.Context, n []int, emit func(int) error) error {
		for i := range n[0] {
			if err := emit(i); err != nil {
				return err
			}
		}
		return nil
	})
	nc, _ := nats.Connect(ns.ClientURL())
	defer nc.Close()
	svc, err := rpcnats.Start(nc, "ticker", srv, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer svc.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := rpcnats.Dial(ctx, nc, "ticker", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	sub, err := openrpc.Subscribe[int](ctx, c, "count", []int{3})
	if err != nil {
		fmt.Println(err)
		return
	}
	for n, err := range sub.Events() {
		fmt.Println(n, err)
	}
	// Output:
	// 0 <nil>
	// 1 <nil>
	// 2 <nil>
}
