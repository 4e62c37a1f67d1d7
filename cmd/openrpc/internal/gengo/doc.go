// Package gengo generates Go code from any OpenRPC document, for "openrpc gen go": one
// package with
//
//   - types.go: a type for every component schema and every inline schema that needs a
//     name (objects, enums, unions), named after titles, component keys, methods and params
//     in CamelCase with Go's initialisms (user_id is UserID), clashes numbered in document
//     order (GetUser, GetUser2); typed constants for enums; allOf merged into one struct;
//     oneOf and anyOf as a union type keeping the raw JSON, with an As accessor and a From
//     constructor per alternative; optional members that are strings, numbers, booleans,
//     times or structs as openrpc.Optional (absent, null or a value, so a zero value is sent
//     and received as one), tagged nullable:"false" unless the document allows null; other
//     optional members (slices, maps, unions, raw JSON) tagged omitzero, nil being absent;
//     required nullable members as pointers tagged required:"true" (required raw JSON too),
//     which a server publishes as required and nullable; the params of each method as a
//     struct, in document order, with the framework's struct tags (doc, minimum, maxLength,
//     pattern, enum...) so a server publishes the same constraints; and the document's
//     errors as *openrpc.Error values (ErrUsernameTaken).
//   - client.go: Client, over an *openrpc.Client, with one method per OpenRPC method: context
//     first, then the params struct (sent by name, or by position when the document says
//     so, trailing absent params left out and one absent before a set one sent as its
//     default, else as null if it may be null, else refused with an error before sending,
//     as "openrpc call" does) or the variadic params; notifications return
//     only an error, subscriptions (x-subscription) an *openrpc.Subscription of the event
//     type. Errors the server sends are wrapped so that errors.Is(err, ErrUsernameTaken)
//     matches by code and errors.As finds the *openrpc.Error.
//   - server.go (Options.Server): a Service interface with one method per OpenRPC method,
//     Register, which adds an implementation to an openrpc.Registrar with the document's
//     metadata (summary, description, tags, param structure, errors, examples, deprecation,
//     x-security, result name), and SecuritySchemes for openrpc.ServerOptions: a server
//     designed from its document publishes an equivalent document.
//
// Generate never panics and never writes code that does not compile: what Go cannot express
// (types mixed in one value, tuples, the schema false, $refs to other documents) becomes
// json.RawMessage with a note saying where and why. The output is gofmt'ed and the same
// bytes on every run.
package gengo
