package openrpc

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Error is a JSON-RPC error object. A handler returns one to choose the code, message and data
// the client receives; the same type describes, in [Method.Errors], the errors a method may
// return. Message is sent to clients as it is: keep secrets and internals out of it.
type Error struct {
	Code    Code            `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Data) == 0 {
		return fmt.Sprintf("jsonrpc error %d: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("jsonrpc error %d: %s (data: %s)", e.Code, e.Message, e.Data)
}

// Errorf returns an [*Error] with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NewError returns an [*Error] with the given code and message, and data encoded as JSON
// when it is not nil. Data that cannot be encoded is replaced by a string saying why.
func NewError(code Code, message string, data any) *Error {
	e := &Error{Code: code, Message: message}
	if data != nil {
		e.Data = mustJSON(data)
	}
	return e
}

// mustJSON encodes v without escaping <, > and & (error messages such as "must be < 1" stay
// readable), or as a string saying why it could not.
func mustJSON(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return mustJSON("unencodable error data: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// ParamError is one problem with the params of a call. The data of an [CodeInvalidParams]
// error the framework sends is {"errors": [ParamError, ...]}, one entry per problem found.
type ParamError struct {
	// Path is a JSON Pointer to the offending value whose first segment is the param's
	// name (whether the call passed params by name or by position), or its index for a
	// variadic method; "" points at the params value as a whole.
	Path string `json:"path"`
	// Message says what is wrong, e.g. "required param is missing".
	Message string `json:"message"`
}

// InvalidParamsData is the data of a [CodeInvalidParams] error the framework sends.
type InvalidParamsData struct {
	Errors []ParamError `json:"errors"`
}

func invalidParams(errs []ParamError) *Error {
	return NewError(CodeInvalidParams, CodeInvalidParams.String(), InvalidParamsData{Errors: errs})
}
