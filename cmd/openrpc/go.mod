module github.com/openrpc-go/openrpc/cmd/openrpc

go 1.25.0

require (
	github.com/openrpc-go/openrpc v0.0.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	golang.org/x/text v0.41.0
)

require github.com/coder/websocket v1.8.15

replace github.com/openrpc-go/openrpc => ../..
