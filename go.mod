module github.com/openrpc-go/openrpc

go 1.25.0
