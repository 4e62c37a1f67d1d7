package main

import (
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/gengo"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

func init() {
	generators["go"] = func(doc *docmodel.Document, opts *genOptions) (map[string][]byte, []string, error) {
		return gengo.Generate(doc, gengo.Options{Package: opts.Package, Source: opts.Source, Server: opts.Server})
	}
}
