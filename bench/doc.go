// Package bench compares openrpc-go with other Go JSON-RPC libraries over real loopback HTTP:
// go-ethereum's rpc, creachadair/jrpc2, and a hand-written net/http + encoding/json handler,
// each serving the same add method. It is its own module so those libraries never reach the
// framework's go.mod. Run the comparison with
//
//	go test -run '^$' -bench . -count 6 ./bench/
//
// Client and server share the process, so each figure is the cost of both ends of a call;
// compare ratios within one run.
package bench
