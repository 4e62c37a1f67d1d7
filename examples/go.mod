module github.com/openrpc-go/openrpc/examples

go 1.25.0

require github.com/openrpc-go/openrpc v0.0.0

replace github.com/openrpc-go/openrpc => ../
