package openrpc

import (
	"errors"
	"fmt"
)

// ErrOverloaded is returned (wrapped) by a [Conn] for a message it skipped because the
// server's request memory ([Limits.MaxTotalRequestBytes]) was used up; [Server.ServeConn]
// answers it with a [CodeOverloaded] error.
var ErrOverloaded = errors.New("openrpc: server overloaded")

// Reserve claims n bytes of the server's request memory, the bytes of requests it holds at
// once across all its transports ([Limits.MaxTotalRequestBytes]), and reports whether it
// could. When it returns false nothing is claimed: the transport should refuse the message
// at once with [CodeOverloaded] (HTTP: 503 with Retry-After) rather than buffer it.
//
// A transport reserves the bytes of a message before it reads them when it knows its size
// (an HTTP Content-Length), or as they arrive otherwise, and gives every byte back with
// [Server.Release] once the message is answered (its reply is ready), refused or abandoned. The transports
// of this module do so; a third-party transport should too, so that one bound holds for the
// whole server. Reserve and Release cost an atomic operation each.
func (s *Server) Reserve(n int64) bool {
	if n <= 0 {
		return true
	}
	if s.limits.MaxTotalRequestBytes < 0 {
		s.reserved.Add(n)
		return true
	}
	for {
		cur := s.reserved.Load()
		if cur+n > s.limits.MaxTotalRequestBytes {
			return false
		}
		if s.reserved.CompareAndSwap(cur, cur+n) {
			return true
		}
	}
}

// Release gives back n bytes claimed with [Server.Reserve].
func (s *Server) Release(n int64) {
	if n > 0 {
		s.reserved.Add(-n)
	}
}

// Reserved returns the bytes of request memory claimed with [Server.Reserve] and not yet
// released: zero when the server holds no request.
func (s *Server) Reserved() int64 { return s.reserved.Load() }

// OverloadedResponse returns the JSON-RPC error response (id null, [CodeOverloaded]) a
// transport sends for a message it refused because [Server.Reserve] failed.
func (s *Server) OverloadedResponse() []byte {
	return s.errorResponse(nil, CodeOverloaded, CodeOverloaded.String(), mustJSON(limitData{
		Error: "the server holds too many requests; retry later",
		Limit: s.limits.MaxTotalRequestBytes,
	}))
}

// limitData is the data of errors about a limit: what happened and the limit's value.
type limitData struct {
	Error string `json:"error"`
	Limit int64  `json:"limit"`
}

// responseTooLarge is the reply of a call whose response would pass [Limits.MaxResponseBytes].
func (s *Server) responseTooLarge(id []byte, batch bool) []byte {
	what := "the response exceeds"
	if batch {
		what = "the batch's responses exceed"
	}
	return s.errorResponse(id, CodeResponseTooLarge, CodeResponseTooLarge.String(), mustJSON(limitData{
		Error: fmt.Sprintf("%s the limit of %d bytes", what, s.limits.MaxResponseBytes),
		Limit: s.limits.MaxResponseBytes,
	}))
}
