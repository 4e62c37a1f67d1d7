package openrpc

import (
	"context"
	"errors"
	"strconv"
)

// Code is a JSON-RPC error code.
//
// The JSON-RPC 2.0 specification reserves -32768 to -32000. It defines -32700 and -32600 to
// -32603, and leaves -32000 to -32099 to implementations; the codes this package uses there are
// the constants below. Applications choose their own codes outside -32768 to -32000.
type Code int32

// Codes defined by the JSON-RPC 2.0 specification.
const (
	CodeParseError     Code = -32700 // the message is not JSON
	CodeInvalidRequest Code = -32600 // the JSON is not a valid Request object
	CodeMethodNotFound Code = -32601 // no such method, or a reserved rpc. name
	CodeInvalidParams  Code = -32602 // params do not match the method's params
	CodeInternalError  Code = -32603 // the server failed, e.g. a handler panicked
)

// Implementation-defined codes, in the -32000 to -32099 range the specification leaves to
// servers.
const (
	// CodeServerError is the default code of an error a handler returns that is not an
	// [*Error]; see [ServerOptions.ErrorCode].
	CodeServerError Code = -32000
	// CodeTimeout reports a call that ran past its deadline.
	CodeTimeout Code = -32001
	// CodeCanceled reports a call whose context was canceled.
	CodeCanceled Code = -32002
	// CodeTooLarge reports a message over the request size limit.
	CodeTooLarge Code = -32003
	// CodeOverloaded reports a message refused because the server holds too many requests
	// ([Limits.MaxTotalRequestBytes]) or is shutting down.
	CodeOverloaded Code = -32004
	// CodeResponseTooLarge reports a call whose response would pass
	// [Limits.MaxResponseBytes]; its data gives the limit.
	CodeResponseTooLarge Code = -32005
	// CodePermissionError reports a call the caller is not authorized to make.
	CodePermissionError Code = -32099
)

var codeMessages = map[Code]string{
	CodeParseError:       "Parse error",
	CodeInvalidRequest:   "Invalid Request",
	CodeMethodNotFound:   "Method not found",
	CodeInvalidParams:    "Invalid params",
	CodeInternalError:    "Internal error",
	CodeServerError:      "Server error",
	CodeTimeout:          "Request timeout",
	CodeCanceled:         "Request canceled",
	CodeTooLarge:         "Request too large",
	CodeOverloaded:       "Server overloaded",
	CodeResponseTooLarge: "Response too large",
	CodePermissionError:  "Permission error",
}

// String returns the standard message of c, such as "Invalid params", or "Server error" for
// an unnamed code in the implementation range, "Application error" outside it.
func (c Code) String() string {
	if m, ok := codeMessages[c]; ok {
		return m
	}
	if c >= -32099 && c <= -32000 {
		return "Server error"
	}
	if c >= -32768 && c <= -32000 {
		return "Reserved error " + strconv.Itoa(int(c))
	}
	return "Application error"
}

// CodeOf returns the code err carries: the Code of an [*Error] in its chain, [CodeTimeout]
// for [context.DeadlineExceeded], [CodeCanceled] for [context.Canceled], 0 for nil, and
// [CodeServerError] for anything else.
func CodeOf(err error) Code {
	if err == nil {
		return 0
	}
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	}
	return CodeServerError
}
