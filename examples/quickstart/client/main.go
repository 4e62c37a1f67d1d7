// Command client calls the quickstart server's add method.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"
)

func main() {
	c := rpchttp.NewClient("http://localhost:8080/api/v1", nil)
	sum, err := openrpc.Call[int](context.Background(), c, "add", map[string]int{"a": 2, "b": 3})
	if err != nil {
		log.Fatal(err) // JSON-RPC errors are *openrpc.Error: code, message, data
	}
	fmt.Println(sum)
}
