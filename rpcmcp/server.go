package rpcmcp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
)

// DefaultDocumentURI is the URI of the OpenRPC document resource.
const DefaultDocumentURI = "openrpc://document"

// Options configures [NewServer]. The zero value (or nil) gives the defaults.
type Options struct {
	// Implementation names the MCP server to clients; default: the title and version of the
	// OpenRPC document's info.
	Implementation *mcp.Implementation
	// MCP configures the MCP server (logger, keep-alive, page size...). Default: the SDK's
	// defaults, with the document's info description as Instructions and no logging
	// capability.
	MCP *mcp.ServerOptions
	// Include chooses the methods offered as tools, e.g. by tag; default: all. Notifications
	// (methods without a result), subscriptions and their unsubscribe methods are never
	// offered: a tool call is a request answered once.
	Include func(m openrpc.MethodObject) bool
	// HideForbidden, when set, hides from tools/list the tools whose security requirement
	// the caller's grants, as it returns them, do not meet; pass the server's
	// [openrpc.ServerOptions.Authorize]. It runs on every tools/list with the caller details
	// of that request. Default nil: every tool is listed. Either way a call is checked by
	// the server, and a forbidden one is refused with -32099 and the reason.
	HideForbidden openrpc.Authorizer
	// Header is the caller header of calls that do not come over HTTP (stdio, in memory):
	// e.g. an Authorization header built from the environment of the command an agent
	// starts, since stdio carries no headers. Default none.
	Header http.Header
	// DocumentURI is the URI of the OpenRPC document resource, default [DefaultDocumentURI].
	DocumentURI string
}

// NewServer returns an MCP server whose tools are the methods of srv, as they are when it is
// called: methods registered later are not offered. Each tool has the method's name, its
// summary as title, its description (else summary) as description, an input schema
// with one property per param and, when the result is an object, an output schema. A call
// goes through srv like any JSON-RPC request, with a [openrpc.Caller] of transport "mcp"
// whose Header is that of the HTTP request that carried it (Options.Header over stdio). The OpenRPC
// document is also a resource, at Options.DocumentURI.
//
// NewServer fails when the document cannot be built, refers to a schema it does not have, or
// has a method whose name is not a valid MCP tool name (letters, digits, '_', '-' and '.',
// at most 128): leave such methods out with Options.Include.
func NewServer(srv *openrpc.Server, opts *Options) (*mcp.Server, error) {
	if srv == nil {
		return nil, errors.New("rpcmcp: NewServer: nil server")
	}
	if opts == nil {
		opts = &Options{}
	}
	doc, err := srv.Document()
	if err != nil {
		return nil, fmt.Errorf("rpcmcp: OpenRPC document: %w", err)
	}
	sch, err := newSchemas(doc)
	if err != nil {
		return nil, fmt.Errorf("rpcmcp: %w", err)
	}
	impl := opts.Implementation
	if impl == nil {
		impl = &mcp.Implementation{Name: doc.Info.Title, Title: doc.Info.Title, Version: doc.Info.Version}
	}
	var mopts mcp.ServerOptions
	if opts.MCP != nil {
		mopts = *opts.MCP
	}
	if mopts.Instructions == "" {
		mopts.Instructions = doc.Info.Description
	}
	if mopts.Capabilities == nil {
		mopts.Capabilities = &mcp.ServerCapabilities{}
	}
	ms := mcp.NewServer(impl, &mopts)

	unsubscribe := map[string]bool{}
	for _, m := range doc.Methods {
		if m.Subscription != nil {
			unsubscribe[m.Subscription.Unsubscribe] = true
		}
	}
	security := map[string]openrpc.Security{}
	for i := range doc.Methods {
		m := &doc.Methods[i]
		if m.Result == nil || m.Subscription != nil || unsubscribe[m.Name] {
			continue
		}
		if opts.Include != nil && !opts.Include(*m) {
			continue
		}
		if err := checkToolName(m.Name); err != nil {
			return nil, fmt.Errorf("rpcmcp: method %q: %w", m.Name, err)
		}
		in, err := sch.inputSchema(m)
		if err != nil {
			return nil, fmt.Errorf("rpcmcp: method %q: %w", m.Name, err)
		}
		out, err := sch.outputSchema(m)
		if err != nil {
			return nil, fmt.Errorf("rpcmcp: method %q: %w", m.Name, err)
		}
		t := &mcp.Tool{
			Name:        m.Name,
			Title:       m.Summary,
			Description: describe(m.Summary, m.Description),
			InputSchema: in,
		}
		if m.Deprecated {
			t.Description = "Deprecated. " + t.Description
		}
		if out != nil {
			t.OutputSchema = out
		}
		tl, err := newTool(srv, m, opts.Header, sch)
		if err != nil {
			return nil, fmt.Errorf("rpcmcp: method %q: %w", m.Name, err)
		}
		tl.hasOutput = out != nil
		ms.AddTool(t, tl.handle)
		security[m.Name] = m.Security
	}
	if opts.HideForbidden != nil {
		ms.AddReceivingMiddleware(hideForbidden(opts.HideForbidden, security, opts.Header))
	}

	uri := opts.DocumentURI
	if uri == "" {
		uri = DefaultDocumentURI
	}
	ms.AddResource(&mcp.Resource{
		URI:         uri,
		Name:        "openrpc",
		Title:       "OpenRPC document",
		Description: "The OpenRPC document of " + doc.Info.Title + ": every method, its params, result, errors and security.",
		MIMEType:    "application/json",
	}, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		b, err := srv.DocumentJSON()
		if err != nil {
			return nil, err
		}
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{
			URI: uri, MIMEType: "application/json", Text: string(b),
		}}}, nil
	})
	return ms, nil
}

// envelopeBytes is the room an MCP request body is given beyond the server's
// MaxRequestBytes, for the tools/call envelope around the arguments.
const envelopeBytes = 64 << 10

// NewHandler returns an http.Handler serving the MCP server of srv (see [NewServer]) over
// the SDK's streamable HTTP transport; httpOpts may be nil. Mount it beside the JSON-RPC
// endpoint, e.g. at /mcp. Unless httpOpts.MaxRequestBodyBytes says otherwise, request
// bodies are bounded by the server's [openrpc.Limits.MaxRequestBytes] (plus 64 KiB for the
// MCP envelope), not by the SDK's default: a call within the server's limit is accepted,
// one past it refused with -32003 (413 when its body is past the bound).
//
// The SDK's handler guards against DNS rebinding as rpchttp's does, more strictly: a
// request reaching it on a loopback address must name 127.0.0.1, another loopback address
// or "localhost" (exactly: no "app.localhost", upper case or trailing dot) as its Host,
// else it gets 403. It has no list of allowed hosts: behind a local proxy that keeps
// another Host, set httpOpts.DisableLocalhostProtection, which turns the check off.
func NewHandler(srv *openrpc.Server, opts *Options, httpOpts *mcp.StreamableHTTPOptions) (http.Handler, error) {
	ms, err := NewServer(srv, opts)
	if err != nil {
		return nil, err
	}
	var o mcp.StreamableHTTPOptions
	if httpOpts != nil {
		o = *httpOpts
	}
	if o.MaxRequestBodyBytes == 0 {
		o.MaxRequestBodyBytes = srv.Limits().MaxRequestBytes + envelopeBytes
	}
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return ms }, &o), nil
}

// ServeStdio serves the MCP server of srv (see [NewServer]) on the process's standard
// input and output, as local agents start it, until the client closes its end or ctx is
// done. A line that is no MCP message (not JSON, nested too deep, longer than the server's
// [openrpc.Limits.MaxRequestBytes] plus 64 KiB, a batch, which MCP has no more since
// 2025-06-18) is answered with a JSON-RPC error, and the next line is served.
func ServeStdio(ctx context.Context, srv *openrpc.Server, opts *Options) error {
	ms, err := NewServer(srv, opts)
	if err != nil {
		return err
	}
	return serveIO(ctx, ms, os.Stdin, os.Stdout, srv.Limits().MaxRequestBytes+envelopeBytes)
}

// hideForbidden filters the tools/list results: it leaves out the tools the caller of the
// request is not granted.
func hideForbidden(authorize openrpc.Authorizer, security map[string]openrpc.Security, header http.Header) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			res, err := next(ctx, method, req)
			lr, ok := res.(*mcp.ListToolsResult)
			if err != nil || !ok {
				return res, err
			}
			var grants openrpc.Grants
			asked := false
			kept := make([]*mcp.Tool, 0, len(lr.Tools))
			for _, t := range lr.Tools {
				required := security[t.Name]
				if len(required) > 0 {
					if !asked {
						asked = true
						grants = grantsOf(ctx, authorize, callerOf(req, header))
					}
					if !permits(required, grants) {
						continue
					}
				}
				kept = append(kept, t)
			}
			out := *lr
			out.Tools = kept
			return &out, nil
		}
	}
}

// grantsOf returns the grants authorize gives caller: none when it fails or panics (a
// panic must not end the process, as it does not when the authorizer runs for a call).
func grantsOf(ctx context.Context, authorize openrpc.Authorizer, caller *openrpc.Caller) (grants openrpc.Grants) {
	defer func() {
		if recover() != nil {
			grants = nil
		}
	}()
	grants, err := authorize(openrpc.WithCaller(ctx, caller))
	if err != nil {
		return nil
	}
	return grants
}

// permits reports whether grants meet required: all the scopes of any one of its schemes.
func permits(required openrpc.Security, grants openrpc.Grants) bool {
	for scheme, scopes := range required {
		held, ok := grants[scheme]
		if !ok {
			continue
		}
		all := true
		for _, sc := range scopes {
			if !slices.Contains(held, sc) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// checkToolName applies MCP's rule for tool names.
func checkToolName(name string) error {
	if len(name) > 128 {
		return fmt.Errorf("not a valid MCP tool name: longer than 128 characters")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return fmt.Errorf("not a valid MCP tool name: character %q (letters, digits, '_', '-' and '.' only)", r)
		}
	}
	return nil
}
