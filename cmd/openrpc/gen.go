package main

import (
	"context"
	"flag"
	"fmt"
	"go/token"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/source"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// generator turns a document into files, named relative to the output directory, and
// notes on what it simplified.
type generator func(doc *docmodel.Document, opts *genOptions) (files map[string][]byte, notes []string, err error)

// generators holds the target languages of "openrpc gen", by name.
var generators = map[string]generator{}

// genOptions are the flags of "openrpc gen".
type genOptions struct {
	// Source names the document, for the header of generated files.
	Source string
	// Package is the Go package name (gen go).
	Package string
	// Server adds the server interface and its registration (gen go).
	Server bool
}

var genCmd = &command{
	name:    "gen",
	usage:   "go|ts [--doc] DOC --out DIR [--package NAME] [--server]",
	summary: "generate a typed client (and Go server stubs) from a document",
	help: `
DOC is a file, - for standard input, the URL of a document, or a live service's URL
(http, https, ws, wss), whose rpc.discover is called.

gen go writes one Go package to DIR: types for the document's schemas, a Client with one
method per OpenRPC method, the document's errors as codes for errors.Is and errors.As.
With --server it also writes a Service interface and a Register function, for services
designed from their document. The code depends on github.com/openrpc-go/openrpc alone.

gen ts writes one self-contained TypeScript module, DIR/client.ts (no runtime dependency:
fetch for http URLs, WebSocket for ws URLs): types for the schemas, a Client class with
one async method per OpenRPC method, subscriptions as async iterators, batches, and
JSONRPCError with the document's error codes. It compiles with tsc --strict.

What the generator cannot express in the target language becomes raw JSON with a comment;
the command lists those simplifications on standard error.

Examples:

  openrpc gen go --doc openrpc.json --package petstore --out ./petstore
  openrpc gen go --doc http://localhost:8080/api/v1 --package auth --out ./authclient
  openrpc gen go --server --doc api.json --package api --out ./api
  openrpc gen ts --doc ws://localhost:8080/api/v1 --out ./web/src/api
`,
}

func init() {
	var (
		doc, out string
		opts     genOptions
		headers  headerFlag
	)
	genCmd.flags = func(fs *flag.FlagSet) {
		doc, out, opts, headers = "", "", genOptions{}, nil
		fs.StringVar(&doc, "doc", "", "the document: a file, -, or a URL")
		fs.StringVar(&out, "out", "", "the directory to write to (created if missing)")
		fs.StringVar(&opts.Package, "package", "", "the Go package name (gen go; default from the directory name)")
		fs.BoolVar(&opts.Server, "server", false, "also generate the server interface and its registration (gen go)")
		fs.Var(&headers, "header", "a header for reading the document from a service, `Name: value` (repeatable)")
	}
	genCmd.run = func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
		if len(args) == 0 {
			return usagef("which language? %s", strings.Join(slices.Sorted(maps.Keys(generators)), " or "))
		}
		lang, args := args[0], args[1:]
		g, ok := generators[lang]
		if !ok {
			return usagef("unknown language %q: use %s", lang, strings.Join(slices.Sorted(maps.Keys(generators)), " or "))
		}
		if doc == "" && len(args) > 0 {
			doc, args = args[0], args[1:]
		}
		switch {
		case doc == "":
			return usagef("no document: give --doc FILE|URL")
		case len(args) > 0:
			return usagef("unexpected arguments %q", args)
		case out == "":
			return usagef("no output directory: give --out DIR")
		}
		if lang == "go" && opts.Package == "" {
			abs, err := filepath.Abs(out)
			if err != nil {
				return err
			}
			opts.Package = filepath.Base(abs)
			if !token.IsIdentifier(opts.Package) || opts.Package == "main" {
				return usagef("the name of the directory %s, %q, is not a package name the code can have: give one with --package NAME", out, opts.Package)
			}
		}
		b, err := source.Load(ctx, doc, &source.Options{Header: http.Header(headers), Stdin: e.stdin})
		if err != nil {
			return err
		}
		d, err := docmodel.Parse(b)
		if err != nil {
			return fmt.Errorf("%s: %w", doc, err)
		}
		opts.Source = sourceName(doc)
		files, notes, err := g(d, &opts)
		if err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Fprintf(e.stderr, "simplified: %s\n", docmodel.Printable(n))
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(files)) {
			path := filepath.Join(out, name)
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s\n", path)
		}
		return nil
	}
}

// sourceName names the document doc in generated files, which are committed: a URL
// without its user, password, query and fragment, which may hold credentials.
func sourceName(doc string) string {
	if !source.IsURL(doc) {
		return doc
	}
	u, err := url.Parse(doc)
	if err != nil {
		return doc
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
