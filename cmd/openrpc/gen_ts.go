package main

import (
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/gents"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// gen ts writes one TypeScript module, client.ts (see package gents).
func init() {
	generators["ts"] = func(doc *docmodel.Document, opts *genOptions) (map[string][]byte, []string, error) {
		return gents.Generate(doc, gents.Options{Source: opts.Source})
	}
}
