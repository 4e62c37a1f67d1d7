package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/source"
	"github.com/openrpc-go/openrpc/internal/compat"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

var diffCmd = &command{
	name:    "diff",
	usage:   "[--json] OLD NEW",
	summary: "list the changes between two documents, breaking ones first",
	help: `
OLD and NEW are files, - for standard input (one of them), URLs of documents, or live
services' URLs (http, https, ws, wss), whose rpc.discover is called.

diff compares the methods of the two documents by name and reports what breaks clients
written against OLD: removed methods or params, params moved (by-position), new
required params, optional params made required, param schemas that accept less
(narrowed enums, tighter bounds, new patterns, changed types), results that may hold
more (new enum values, members removed or no longer required, null), and so do a
subscription's events, a changed paramStructure or unsubscribe method, a security
requirement added. Then the changes that do not break them:
new methods and optional params, deprecations, looser params. Schemas are compared with
their $refs followed: component names, member order, descriptions and examples do not
count.

--json prints [{"breaking", "path", "message"}, ...] instead.

Exit status 1 when any change is breaking, else 0.

Examples:

  openrpc diff testdata/api.openrpc.golden http://localhost:8080/api/v1
  git show v1.2.0:api.json | openrpc diff - api.json
`,
}

func init() {
	var (
		asJSON  bool
		headers headerFlag
	)
	diffCmd.flags = func(fs *flag.FlagSet) {
		headers = nil
		fs.BoolVar(&asJSON, "json", false, "print the changes as a JSON array")
		fs.Var(&headers, "header", "a header for reading the documents from services, `Name: value` (repeatable)")
	}
	diffCmd.run = func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
		if len(args) != 2 {
			return usagef("give two documents, OLD and NEW")
		}
		if args[0] == "-" && args[1] == "-" {
			return usagef("only one document can be read from standard input")
		}
		var docs [2]*docmodel.Document
		for i, name := range args {
			b, err := source.Load(ctx, name, &source.Options{Header: http.Header(headers), Stdin: e.stdin})
			if err != nil {
				return err
			}
			if docs[i], err = docmodel.Parse(b); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		changes := compat.Compare(docs[0], docs[1])
		if asJSON {
			if changes == nil {
				changes = []compat.Change{}
			}
			out, err := json.MarshalIndent(changes, "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\n", docmodel.PrintableJSON(out))
		} else if len(changes) == 0 {
			fmt.Fprintln(e.stdout, "No changes.")
		} else {
			fmt.Fprint(e.stdout, compat.Report(changes))
		}
		if len(compat.Breaking(changes)) > 0 {
			return exitError(1)
		}
		return nil
	}
}
