// Package openrpc is a framework for JSON-RPC 2.0 services whose typed Go methods describe
// themselves with OpenRPC.
//
// A [Server] holds methods. [Register] adds a plain typed function as a method; the server
// speaks strict JSON-RPC 2.0, decodes and checks params, calls the function and encodes its
// result. Transports hand each message to [Server.Process]: package rpchttp serves HTTP.
//
//	srv := openrpc.NewServer(openrpc.Info{Title: "Calculator", Version: "1.0.0"}, nil)
//	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(ctx context.Context, p AddParams) (int, error) {
//		return p.A + p.B, nil
//	})
//	http.Handle("/api/v1", rpchttp.NewHandler(srv, nil))
//
// # Methods
//
// A handler is a func(ctx context.Context, params P) (R, error). [Method] carries the name and
// the metadata of the OpenRPC document: summary, description, tags, deprecation, param
// structure, errors, examples, external docs, servers and links. [RegisterNotification] adds
// a method that only accepts notifications (OpenRPC's method without a result). All the
// reflection happens in Register; mistakes there (an empty, taken or reserved name, a type
// that JSON cannot represent, an example pairing the method would refuse) panic with a
// message naming the method, like http.ServeMux.Handle. Names starting with "rpc." are
// reserved for the framework.
//
// A [Router] collects methods so a package can offer them without knowing the server;
// [Server.Include] adds them under a name prefix, with extra tags. [Server.Remove] takes a
// method away, also while the server serves.
//
// # Params
//
// When P is a struct, each exported field is one param, named by its json tag. A call may
// pass params by name (an object) or by position (an array, in the document's order),
// unless [Method.ParamStructure] says otherwise, which is enforced. Fields of embedded
// structs are params too. A field is required unless it is a pointer, an interface, a
// json.RawMessage, an [Optional], tagged omitempty or omitzero, or has a default.
// [Optional] tells an absent param from an explicit null and from a value; a pointer,
// interface or json.RawMessage tagged required:"true" must be present but may be null
// (a required nullable param: nil in the handler for null). The document
// lists the required params first, then the optional ones, each group in field order, as
// OpenRPC demands, and positions follow it: for
//
//	struct {
//		Name  string `json:"name"`
//		Limit *int   `json:"limit"`
//		Sort  string `json:"sort"`
//	}
//
// a call by position is ["ann", "asc", 10]. A struct without fields, like struct{}, takes
// no params; a struct whose fields are all unexported (or json:"-") is refused at
// registration, since it would silently take none.
//
// When P is a slice, the method is variadic: it takes its params by position, any number
// of them, each decoded as the slice's element. When P is json.RawMessage, the handler gets
// the params as sent.
//
// Params are decoded strictly, nested objects included: unknown names, a param given twice,
// extra positional params, a missing required param, a JSON type that does not fit, a number
// out of the Go type's range, a null where the type has none and a value breaking its tags'
// constraints are all refused with [CodeInvalidParams]; an unknown name that is a near miss
// of a real one (another case, a typo) says "did you mean". Its data is an [InvalidParamsData]
// listing every problem found (up to 100) with a JSON Pointer to it:
//
//	{"errors": [{"path": "/b", "message": "required param is missing"}]}
//
// The result R is encoded with encoding/json; struct{} encodes as null, for methods that
// return nothing.
//
// # Schemas and the OpenRPC document
//
// Every server answers rpc.discover with its OpenRPC document (version 1.3.2 by default, see
// [ServerOptions.OpenRPCVersion]), generated from the registered methods' Go types and
// metadata on first use and served from cached bytes until methods change; [Server.Document]
// and [Server.DocumentJSON] return it too, and rpchttp.NewDocumentHandler serves it at
// /openrpc.json. Each params field becomes a content descriptor; named struct types become
// components.schemas entries referenced as "#/components/schemas/Name" (recursive types
// work; same-named types of different packages get distinct names); time.Time is a
// date-time string, []byte a base64 string, maps are additionalProperties, pointers and
// [Optional] are nullable, and a struct is a closed object (additionalProperties false).
// A type describes itself by implementing [SchemaProvider].
//
// Struct tags add JSON Schema keywords, published in the document and enforced on incoming
// params: doc (the description), minimum, maximum, exclusiveMinimum, exclusiveMaximum,
// multipleOf, minLength, maxLength, pattern, format, enum (comma-separated), default,
// example, minItems, maxItems, uniqueItems, deprecated and readOnly. On a slice field, the
// value keywords apply to its items. nullable:"false" on a pointer or an [Optional] field
// keeps it optional but takes null out of its schema and refuses null: an Optional then
// tells an absent member from a value, zero included, as an optional non-nullable member of
// a document is. required:"true" on a pointer, an interface or a json.RawMessage field makes
// it required (params' required, and the required list of an object's schema) with null
// still in its schema: a call leaving it out is refused, null is accepted. It is refused on
// an [Optional], which may always be absent, with a default, omitempty or omitzero, and on
// fields that are required already. A malformed tag, a keyword that does not fit the
// field's type and a misspelt keyword panic in Register: another case or separators
// (maxlength, max_length) or a typo or two away from a keyword (minLenght, patern, maximun,
// enums); keys of other libraries (json, form, db, validate...) are left alone. A field with a default
// is optional, and gets its default when absent.
//
//	type SignUpParams struct {
//		Username string `json:"username" minLength:"3" maxLength:"64" pattern:"^[a-z0-9_]+$" doc:"Unique user name."`
//		Password string `json:"password" minLength:"8" maxLength:"72"`
//	}
//
// # Errors
//
// A handler that returns an [*Error] (anywhere in its error chain) chooses the code, message
// and data the client receives. Any other error is sent as [CodeServerError] (-32000,
// configurable with [ServerOptions.ErrorCode]) with the message "Server error", except
// context.DeadlineExceeded ([CodeTimeout]) and context.Canceled ([CodeCanceled]), and any
// error returned once the call's context has ended, which is answered as what ended it
// (a store that reports its own error when the deadline cuts it off is a timeout). Its text
// goes to the logger ([ServerOptions.Logger], by default [log/slog.Default]) and, only with
// [ServerOptions.Debug], into the error's data. A handler
// that panics is answered with [CodeInternalError]; the panic is logged with its stack,
// which debug mode also sends, trimmed to the user code that panicked.
//
// The codes the framework sends:
//
//	-32700 Parse error          the message is not JSON (or not UTF-8)
//	-32600 Invalid Request      not a Request object, an empty batch, a batch or nesting over the limits,
//	                            or a call with an id to a notification-only method
//	-32601 Method not found     no such method
//	-32602 Invalid params       params do not fit the method
//	-32603 Internal error       a handler panicked, or its result could not be encoded
//	-32000 Server error         a handler returned an error that is not an *Error
//	-32001 Request timeout      past Limits.CallTimeout, or the handler returned context.DeadlineExceeded
//	-32002 Request canceled     a handler returned context.Canceled
//	-32003 Request too large    the message is over Limits.MaxRequestBytes
//	-32004 Server overloaded    the server holds Limits.MaxTotalRequestBytes of requests (503 over HTTP),
//	                            or a call arrived on a connection while the server shuts down
//	-32005 Response too large   the response, or the batch's responses so far, pass Limits.MaxResponseBytes
//	-32099 Permission error     the caller is not authorized (see Security)
//
// Errors about the message itself (-32700, -32600, -32601) carry no data unless debug is on,
// so the specification's examples are answered exactly; errors about limits always say which
// limit was hit.
//
// # Batches and notifications
//
// The server follows JSON-RPC 2.0 to the letter: "jsonrpc" must be exactly "2.0"; a request
// with "id": null is answered with "id": null, while a request without an id member is a
// notification and never answered, not even with an error; ids are echoed byte for byte; an
// empty batch gets one error object, a batch of invalid items an array of errors, and a batch
// of notifications no response at all. Items of a batch run concurrently, at most
// [Limits.BatchConcurrency] at a time, and a panicking item does not affect the others.
// Responses of a batch come in the order of its requests.
//
// # Security
//
// A server declares its security schemes ([BearerAuth], [APIKeyAuth], [OAuth2Auth]) in
// [ServerOptions.SecuritySchemes] and an [Authorizer] that returns the caller's [Grants]. A
// method with a [Method.Security] requirement (see [Require]) is permitted when the caller
// holds, for any one of its schemes, all of that scheme's scopes; the check runs before the
// params are decoded, so a refused call costs no handler work. Every refusal is
// [CodePermissionError] (-32099) with a [PermissionData] whose reason tells "unauthenticated"
// (authenticate again) from "insufficient_scope" (with the missing scopes); the
// authorizer's error text goes out only in debug mode. An authorizer that returns an [*Error]
// chooses the reply; one cut off by the call's deadline or cancellation gets [CodeTimeout]
// or [CodeCanceled], not "unauthenticated". The document publishes the schemes in
// components["x-securitySchemes"] and each requirement as the method's "x-security", both
// declared in a top-level "x-extensions" in the shape the official OpenRPC tooling
// (@open-rpc/schema-utils-js) accepts.
//
// # Dependencies
//
// A [Dependency], made with [Provide], is a typed, request-scoped value computed from a
// call's context, such as the user a bearer token names: it is computed at most once per
// call, on first [Dependency.Get], and shared by the authorizer, middleware and handler of
// that call. Providers may use other dependencies; a cycle is reported as a
// [DependencyCycleError].
//
// # Middleware
//
// [Middleware] wraps every method's [Handler], which sees the method name, the raw params,
// the id and the [Caller]. It is composed once per method, when the method is added, and
// runs before the security check.
//
// # Observability
//
// An [Observer] in [ServerOptions.Observers] sees every message (its size, whether it is a
// batch and of how many requests, the reply) and every call, unknown methods included, with
// its outcome as sent: the error code and message, a handler's error or panic, the size of
// the response. The context it returns for a message is the parent of its calls' contexts,
// and the one it returns for a call is the handler's: a tracer starts its spans there.
// [RequestLog] is an observer that logs every call through log/slog (method, id, duration,
// outcome, caller's transport and address; params and headers only when asked). A
// [ClientObserver] in [ClientOptions.Observer] sees every call a [Client] makes and may add
// headers (such as trace context) to what its transport sends. Package rpcotel, its own
// module, builds OpenTelemetry traces and metrics on both. A server without observers
// pays one length check per message and per call.
//
// # Transports
//
// A request/response transport calls [Server.Process] with each message and a context
// carrying a [Caller] ([WithCaller]), which handlers read with [CallerFrom]. A stream
// transport implements [Conn] and calls [Server.ServeConn], which processes a connection's
// messages concurrently (at most [Limits.MaxInFlight]), writes replies one at a time, cancels
// the calls of a peer that went away, and on shutdown finishes the calls in flight before
// closing. Package rpchttp serves HTTP and WebSocket on one endpoint; package rpcstdio serves
// newline-delimited JSON on stdin and stdout.
//
// [Client] calls servers over any of them ([NewClient] over a [RoundTripper], [NewConnClient]
// over a [Conn]); rpchttp.NewClient, rpchttp.DialWebSocket and rpcstdio.NewClient build one,
// and openrpctest.NewLocal one in memory. [Call] returns a typed result; errors the server
// sends come back as [*Error].
//
// # Subscriptions and calls back
//
// [RegisterSubscription] adds a method whose handler emits typed events to its caller until
// it returns, or until the caller unsubscribes, leaves or reads too slowly. The wire shape is
// Ethereum's: the call returns a subscription id, events are notifications of the same
// method with params {"subscription": id, "result": event}, and the method named with
// [UnsubscribeSuffix] ends one. Each subscription has a bounded buffer
// ([Limits.SubscriptionBuffer]): a subscriber that stops reading loses its subscription, with
// a last notification saying so, and costs no more memory than that. The document describes
// the events in the method's "x-subscription" extension. Only connections (WebSocket, stdio,
// in memory: [Server.ServeConn]) carry subscriptions; over HTTP POST the call is refused.
// [Subscribe] subscribes from a [Client], and [Subscription.Events] ranges over the events:
//
//	sub, err := openrpc.Subscribe[Tick](ctx, c, "ticker", TickerParams{Count: 3})
//	for tick, err := range sub.Events() { ... }
//
// Over a connection both ends can serve methods: a handler gets a client for its caller
// with [Peer], and a [Client] answers those calls with [ClientOptions.Server]. A client
// that gives up on a call (its context ends) sends an "rpc.cancel" notification naming the
// call's id, and the server cancels that handler's context.
//
// # Reconnecting clients
//
// A client over one connection ([NewConnClient]) is closed when the connection is lost: its
// calls in flight fail with an error wrapping both [ErrConnectionLost] and [ErrClientClosed].
// [NewReconnectingClient] takes a dial function instead, and survives the loss: it dials
// again with exponential backoff and full jitter (waits drawn up to 100ms, doubling up to
// 10s, by default: see [ReconnectOptions]), makes its running subscriptions again with the
// same method and params, so that a loop over [Subscription.Events] just goes on, and says so
// through its OnDisconnect and OnReconnect callbacks. Calls in flight at the loss fail at
// once with [ErrConnectionLost] (the server may or may not have run them); calls made while
// it reconnects wait for the new connection, up to their context. Events the server emitted
// between the loss and the new subscription are lost. rpchttp.DialWebSocket returns one when
// its options set Reconnect; its clients ping the server, so that a server gone without
// closing the connection is found too.
//
// # Limits
//
// [Limits] bound the work one message can cause, the same on every transport: its size
// (5 MiB; 413 over HTTP), the items of a batch (1000), the nesting depth of its JSON (128),
// the batch items running at once (16), the messages of one connection in flight (64), the
// size of a response (25 MB: past it the remaining calls of a batch get [CodeResponseTooLarge]),
// and optionally a deadline per call ([Limits.CallTimeout], answered with [CodeTimeout]).
//
// One bound holds for the whole server: [Limits.MaxTotalRequestBytes] (64 MiB) caps the bytes
// of requests held at once across all transports and connections. Transports reserve the
// bytes of each message with [Server.Reserve] as they read it and release them with
// [Server.Release] once it is answered; a message that would pass the bound is refused at
// once, without being buffered, with [CodeOverloaded] (HTTP: 503 with Retry-After). A
// third-party transport should do the same; a [Conn] does it by reserving in Recv, reporting
// a skipped message with [ErrOverloaded], and implementing [MessageReleaser].
package openrpc
