package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/source"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/typename"
	"github.com/openrpc-go/openrpc/internal/docmodel"
)

var discoverCmd = &command{
	name:    "discover",
	usage:   "URL|DOC [--json]",
	summary: "list the methods of a service or document: params, result, security",
	help: `
URL is a live service (http, https, ws, wss), whose rpc.discover is called, or the URL
of a document; DOC is a document file, or - for standard input.

The table has one line a method: its name; its params as "name type", with "name?" for
an optional param and "...type" for any number of values by position; its result type;
the security it requires as scheme:scope,scope (" or " between alternatives); and notes:
deprecated, by-position, notification (no result), subscription. Types are short:
component names, []T for arrays, T|null, "a"|"b" for enums, object for other objects.

With --json it prints the document as the service serves it, but for the control
characters in its strings, written as \u escapes (the same JSON) so they cannot drive the
terminal.

Examples:

  openrpc discover http://localhost:8080/api/v1
  openrpc discover ws://localhost:8080/api/v1 --header "Authorization: Bearer $TOKEN"
  openrpc discover openrpc.json
  openrpc discover --json http://localhost:8080/api/v1 > openrpc.json
`,
}

func init() {
	var (
		headers headerFlag
		asJSON  bool
	)
	discoverCmd.flags = func(fs *flag.FlagSet) {
		headers = nil
		fs.Var(&headers, "header", "a header for reading the document from a service, `Name: value` (repeatable)")
		fs.BoolVar(&asJSON, "json", false, "print the document instead of the table")
	}
	discoverCmd.run = func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
		switch {
		case len(args) == 0:
			return usagef("give a service's URL or a document file")
		case len(args) > 1:
			return usagef("unexpected arguments %q: give one URL or document", args[1:])
		}
		b, err := source.Load(ctx, args[0], &source.Options{Header: http.Header(headers), Stdin: e.stdin})
		if err != nil {
			return err
		}
		if asJSON {
			fmt.Fprintf(e.stdout, "%s\n", docmodel.PrintableJSON(b))
			return nil
		}
		doc, err := docmodel.Parse(b)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		writeMethods(e.stdout, doc)
		return nil
	}
}

// writeMethods prints doc's title and its methods as a table.
func writeMethods(w io.Writer, doc *docmodel.Document) {
	title := doc.Info.Title
	if doc.Info.Version != "" {
		title += " " + doc.Info.Version
	}
	n := fmt.Sprintf("%d methods", len(doc.Methods))
	if len(doc.Methods) == 1 {
		n = "1 method"
	}
	fmt.Fprintf(w, "%s (OpenRPC %s), %s\n\n", docmodel.Printable(title), docmodel.Printable(doc.OpenRPC), n)
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPARAMS\tRESULT\tSECURITY\tNOTES\t")
	for _, m := range doc.Methods {
		result := ""
		if m.Result != nil {
			result = typename.Of(m.Result.Schema)
		}
		cells := []string{m.Name, methodParams(m), result, security(m), notes(m)}
		for _, cell := range cells {
			fmt.Fprintf(tw, "%s\t", docmodel.Printable(cell))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
}

// methodParams renders m's params: "username string, limit? integer, ...number".
func methodParams(m *docmodel.Method) string {
	parts := make([]string, len(m.Params))
	for i, p := range m.Params {
		name := p.Name
		if !p.Required {
			name += "?"
		}
		t := typename.Of(p.Schema)
		if i == len(m.Params)-1 && p.Variadic() {
			name, t = strings.TrimSuffix(name, "?"), "..."+t
		}
		parts[i] = name + " " + t
	}
	return strings.Join(parts, ", ")
}

// security renders m's x-security: "Bearer:admin", "ApiKey or Bearer:read,write".
func security(m *docmodel.Method) string {
	var alts []string
	for _, req := range m.Security() {
		var all []string
		for _, scheme := range slices.Sorted(maps.Keys(req)) {
			if len(req[scheme]) == 0 {
				all = append(all, scheme)
			} else {
				all = append(all, scheme+":"+strings.Join(req[scheme], ","))
			}
		}
		alts = append(alts, strings.Join(all, "+"))
	}
	return strings.Join(alts, " or ")
}

func notes(m *docmodel.Method) string {
	var n []string
	if m.Deprecated {
		n = append(n, "deprecated")
	}
	if m.ParamStructure == "by-position" {
		n = append(n, "by-position")
	}
	if m.IsNotification() {
		n = append(n, "notification")
	}
	if unsub, ok := m.Subscription(); ok {
		if unsub != "" {
			n = append(n, "subscription (ends with "+unsub+")")
		} else {
			n = append(n, "subscription")
		}
	}
	return strings.Join(n, ", ")
}
