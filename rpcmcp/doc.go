// Package rpcmcp serves the methods of an openrpc server to AI agents as Model Context
// Protocol (MCP) tools, from the same registration, on the official MCP Go SDK
// (github.com/modelcontextprotocol/go-sdk).
//
//	srv := openrpc.NewServer(info, opts) // methods registered with openrpc.Register
//	h, err := rpcmcp.NewHandler(srv, nil, nil)
//	mux.Handle("/api/v1", rpchttp.NewHandler(srv, nil))
//	mux.Handle("/mcp", h)
//
// [NewServer] returns the *mcp.Server, for any of the SDK's transports; [NewHandler] serves
// it over streamable HTTP and [ServeStdio] over the process's standard input and output.
// To offer the methods of an openrpc.Router, include it in a server first
// (Server.Include); to offer a subset, e.g. by tag, use [Options.Include].
//
// # Tools
//
// Each method is a tool of the same name, with the method's summary as title and its
// description (else its summary) as description. The input schema is an object with one
// property per param, named as in the OpenRPC document and with its schema, required as
// the param is, and no other property, whether the method takes its params by name or by
// position: for a by-position method the tool's arguments are put in the params' order
// (an optional param left out before a given one is sent as its default, else as null when
// its schema admits null, else as its type's zero value: 0, "", false, [], or an object of
// its required members' zero values; when its schema constrains it, with a format or a
// minimum for instance, the call is refused with -32602 naming it), and a variadic
// method's params are one array property. When the result's schema is an object with properties (a
// struct's, not a map's, which may be null) the tool has it as output schema. The schemas of the OpenRPC document refer to its components
// ("#/components/schemas/Name"); a tool's schemas are self-contained instead: the
// components they use, recursive ones included, are in their "$defs" and the references
// point there.
//
// Notifications (methods without a result) and subscriptions, with their unsubscribe
// methods, are not offered: a tool call is one request answered once, which neither
// fits. The tools are those of the server when NewServer is called.
//
// # Calls
//
// A tool call goes through the openrpc server as one JSON-RPC request
// (openrpc.Server.Process): params are validated, and security, dependencies,
// middleware, observers and limits apply as over any transport. The request's context
// carries an openrpc.Caller of transport "mcp" whose Header is that of the HTTP request
// that carried the call over streamable HTTP ([Options.Header] over stdio or in memory), so that an
// Authorization: Bearer header reaches the server's authorizer and scopes hold exactly as
// over JSON-RPC. Its Value is the *mcp.CallToolRequest.
//
// A result becomes the tool result's text, as JSON, and its structured content when it is
// an object. A JSON-RPC error becomes a tool error result (isError) whose text is the
// error object, {"code": ..., "message": ..., "data": ...}, and so is its structured
// content when the tool has no output schema (clients check structured content against
// the output schema, in error results too):
// invalid arguments give -32602 with the list of problems, a refused call -32099 with the
// reason, a panic -32603. Errors of the MCP protocol itself (an unknown tool) stay protocol
// errors.
//
// # Security
//
// Every tool is listed by default, and the server refuses the calls a caller may not make.
// With [Options.HideForbidden] set to the server's authorizer, tools/list leaves out the
// tools whose security requirement the caller's grants do not meet.
//
// Over streamable HTTP, a request reaching [NewHandler] on a loopback address that names
// another Host than a loopback address or localhost (a web site whose name resolves to
// this machine: DNS rebinding) is refused with 403 by the SDK, unless
// mcp.StreamableHTTPOptions.DisableLocalhostProtection is set.
//
// # The OpenRPC document
//
// The server's OpenRPC document, as rpc.discover returns it, is also an MCP resource, at
// [DefaultDocumentURI] unless [Options.DocumentURI] says otherwise.
package rpcmcp
