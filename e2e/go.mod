module github.com/openrpc-go/openrpc/e2e

go 1.25.0

replace github.com/openrpc-go/openrpc => ../

require (
	github.com/chromedp/chromedp v0.23.0
	github.com/openrpc-go/openrpc v0.0.0-00010101000000-000000000000
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
)
