// Command reconnectserver serves a WebSocket endpoint for the reconnection tests of package
// rpchttp, which kill it and start it again: "ticks", a subscription to a tick every
// everyMillis milliseconds, each carrying the server's process id; "pid", the process id;
// and "block", which never answers, and prints "blocked" on stdout when it is called. It listens on the address given
// as its argument (a port of 0 picks one) and prints the address on stdout.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// TickParams are the params of ticks.
type TickParams struct {
	EveryMillis int `json:"everyMillis" minimum:"1"`
}

// Tick is an event of ticks.
type Tick struct {
	PID int `json:"pid"`
	N   int `json:"n"`
}

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: reconnectserver ADDRESS")
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "reconnectserver", Version: "1"}, nil)
	openrpc.RegisterSubscription(srv, openrpc.Method{Name: "ticks"},
		func(ctx context.Context, p TickParams, emit func(Tick) error) error {
			t := time.NewTicker(time.Duration(p.EveryMillis) * time.Millisecond)
			defer t.Stop()
			for n := 0; ; n++ {
				if err := emit(Tick{PID: os.Getpid(), N: n}); err != nil {
					return err
				}
				select {
				case <-t.C:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		})
	openrpc.Register(srv, openrpc.Method{Name: "block"}, func(ctx context.Context, _ struct{}) (bool, error) {
		fmt.Println("blocked")
		<-ctx.Done()
		return false, ctx.Err()
	})
	openrpc.Register(srv, openrpc.Method{Name: "pid"}, func(ctx context.Context, _ struct{}) (int, error) {
		return os.Getpid(), nil
	})
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr())
	log.Fatal(http.Serve(ln, rpchttp.NewHandler(srv, nil)))
}
