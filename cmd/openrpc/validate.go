package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/lint"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/source"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

var validateCmd = &command{
	name:    "validate",
	usage:   "[--json] [--strict] DOC",
	summary: "check a document against the OpenRPC meta-schema and lint rules",
	help: `
DOC is a file, - for standard input, the URL of a document, or a live service's URL
(http, https, ws, wss), whose rpc.discover is called.

validate checks the document against the OpenRPC meta-schema (embedded: no network), that
it is UTF-8, that every $ref resolves (and does not loop), and rules the meta-schema
cannot express:

  error    method names are unique; param names are unique within a method; required
           params come before optional ones; example pairings' params and results satisfy
           their schemas; error codes are not in -32768..-32100, which JSON-RPC reserves
  warning  error codes in -32099..-32000 other than the framework's (openrpc.Code);
           $refs to other documents (not checked); x- fields not declared in
           x-extensions; example pairings with more params than the method, or leaving
           out a required one; links to methods the document does not have

Each problem is printed as its JSON Pointer and a message, such as
  /methods/3/params/1/name: duplicate param name "limit" of method "list_pets"
--json prints [{"pointer", "severity", "message"}, ...] instead.

Exit status 1 when the document has an error (or a warning, with --strict), else 0.

Examples:

  openrpc validate openrpc.json
  openrpc validate --strict --json http://localhost:8080/api/v1
`,
}

func init() {
	var (
		asJSON, strict bool
		headers        headerFlag
	)
	validateCmd.flags = func(fs *flag.FlagSet) {
		headers = nil
		fs.BoolVar(&asJSON, "json", false, "print the problems as a JSON array")
		fs.BoolVar(&strict, "strict", false, "exit with status 1 on warnings too")
		fs.Var(&headers, "header", "a header for reading the document from a service, `Name: value` (repeatable)")
	}
	validateCmd.run = func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
		switch {
		case len(args) == 0:
			return usagef("no document: give a file, - or a URL")
		case len(args) > 1:
			return usagef("unexpected arguments %q", args[1:])
		}
		b, err := source.Load(ctx, args[0], &source.Options{Header: http.Header(headers), Stdin: e.stdin})
		if err != nil {
			return err
		}
		problems := lint.Check(b)
		if asJSON {
			if problems == nil {
				problems = []lint.Problem{}
			}
			out, err := json.MarshalIndent(problems, "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\n", docmodel.PrintableJSON(out))
		} else {
			errs := 0
			for _, p := range problems {
				fmt.Fprintln(e.stdout, p)
				if p.Severity == lint.Error {
					errs++
				}
			}
			if len(problems) == 0 {
				fmt.Fprintf(e.stdout, "%s: valid\n", args[0])
			} else {
				fmt.Fprintf(e.stdout, "%s: %s, %s\n", args[0], plural(errs, "error"), plural(len(problems)-errs, "warning"))
			}
		}
		if lint.HasErrors(problems) || (strict && len(problems) > 0) {
			return exitError(1)
		}
		return nil
	}
}

// plural formats n things: "1 error", "2 errors".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
