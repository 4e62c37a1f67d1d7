module github.com/openrpc-go/openrpc/e2e

go 1.25.0

replace github.com/openrpc-go/openrpc => ../
