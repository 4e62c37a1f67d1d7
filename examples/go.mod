module github.com/openrpc-go/openrpc/examples

go 1.25.0

require (
	github.com/openrpc-go/openrpc v0.0.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
)

require golang.org/x/text v0.14.0 // indirect

replace github.com/openrpc-go/openrpc => ../
