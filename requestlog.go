package openrpc

import (
	"context"
	"log/slog"
	"time"
)

// RequestLogOptions configures [RequestLog]. The zero value (or nil) gives the defaults.
type RequestLogOptions struct {
	// Level is the level of the records, default slog.LevelInfo.
	Level slog.Leveler
	// Params logs each call's params as sent. Off by default: params may hold passwords,
	// tokens or personal data.
	Params bool
	// Headers names the transport headers to log (such as "User-Agent"), matched
	// case-insensitively; none by default. Never list credentials such as Authorization.
	Headers []string
}

// RequestLog returns an observer that logs every call to logger once it is answered, as
// one record "rpc call" with the attributes
//
//	method     the method called, as sent
//	id         the request's id as sent, absent for a notification
//	duration   how long the call took
//	outcome    "ok", or "error" when it was answered with an error
//	code       the error's code, 0 for "ok"
//	error      the error's message, absent for "ok"
//	transport  the caller's transport ("http", "websocket", "stdio"...), when known
//	remote     the caller's network address, when known
//
// and, when asked for in opts, the params and the chosen headers. Records are logged with
// the call's context, so a handler of logger may add the trace id. Put it in
// [ServerOptions.Observers]; when logger does not log at the level, the observer costs
// one Enabled check per call.
func RequestLog(logger *slog.Logger, opts *RequestLogOptions) Observer {
	if opts == nil {
		opts = new(RequestLogOptions)
	}
	level := slog.LevelInfo
	if opts.Level != nil {
		level = opts.Level.Level()
	}
	params, headers := opts.Params, append([]string(nil), opts.Headers...)
	return Observer{Call: func(ctx context.Context, req Request) (context.Context, func(CallOutcome)) {
		if !logger.Enabled(ctx, level) {
			return ctx, nil
		}
		start := time.Now()
		return ctx, func(out CallOutcome) {
			attrs := make([]slog.Attr, 0, 10)
			attrs = append(attrs, slog.String("method", req.Method))
			if req.ID != nil {
				attrs = append(attrs, slog.String("id", string(req.ID)))
			}
			attrs = append(attrs, slog.Duration("duration", time.Since(start)))
			if out.Code == 0 {
				attrs = append(attrs, slog.String("outcome", "ok"), slog.Int("code", 0))
			} else {
				attrs = append(attrs, slog.String("outcome", "error"), slog.Int("code", int(out.Code)), slog.String("error", out.Message))
			}
			if c := req.Caller; c != nil {
				if c.Transport != "" {
					attrs = append(attrs, slog.String("transport", c.Transport))
				}
				if c.RemoteAddr != "" {
					attrs = append(attrs, slog.String("remote", c.RemoteAddr))
				}
				for _, h := range headers {
					if v := c.Get(h); v != "" {
						attrs = append(attrs, slog.String(h, v))
					}
				}
			}
			if params && req.Params != nil {
				attrs = append(attrs, slog.String("params", string(req.Params)))
			}
			logger.LogAttrs(ctx, level, "rpc call", attrs...)
		}
	}}
}
