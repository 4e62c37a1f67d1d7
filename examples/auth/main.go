// Command auth is the sign-up / sign-in service of the Python openrpc "Authorization" guide,
// done in Go: users sign up with a name and a password (hashed with bcrypt), sign in for a
// JWT bearer token, and call methods that need the Bearer scheme and scopes.
//
//	go run ./examples/auth
//	curl -d '{"jsonrpc":"2.0","method":"sign_up","params":{"username":"alice","password":"correct horse battery"},"id":1}' localhost:8080/api/v1
//
// It serves JSON-RPC at /api/v1 (HTTP POST, and WebSocket on the same path), the OpenRPC
// document at /openrpc.json, the documentation page at / and a health check at /healthz;
// with -mcp, the same methods as Model Context Protocol tools at /mcp (streamable HTTP), for
// AI agents, and with -mcp-stdio, as MCP tools on standard input and output instead of
// listening, for an agent that starts the command.
//
// Flags:
//
//	-addr          address to listen on (default :8080)
//	-db            SQLite file (default auth.db, created when missing), or a postgres:// URL
//	-token-ttl     lifetime of access tokens (default 1h)
//	-bcrypt-cost   bcrypt cost of new password hashes (default 10)
//	-bcrypt-slots  most bcrypt hashes computed at once (default GOMAXPROCS: the cores)
//	-call-timeout  longest a call may take, waiting for bcrypt or the database (default 15s)
//	-nats          a NATS server URL (nats://127.0.0.1:4222): also serve on NATS, so that
//	               instances on any machine share the calls of one subject
//	-nats-subject  the NATS subject to serve (default auth); instances serving it form one
//	               queue group
//	-mcp           also serve the methods as MCP tools at /mcp (streamable HTTP), with the
//	               same bearer tokens and scopes (package rpcmcp)
//	-mcp-stdio     serve the methods as MCP tools on standard input and output, and no
//	               JSON-RPC listener (so not with -addr, -allow-origin, -allow-host, -mcp or -nats): the
//	               command is then started by an agent (logs go to stderr)
//	-allow-origin  an origin whose browser pages may call the API, with CORS (repeatable)
//	-allow-host    a host name the API answers to on a loopback address besides addresses
//	               and localhost, as behind a local proxy that keeps the Host (repeatable;
//	               "*" turns the DNS-rebinding check off)
//	-debug         send error details to clients: for development only
//	-metrics-addr  address of a second listener serving Prometheus metrics at /metrics
//	               (default none): call counts and durations by method and outcome, calls
//	               running, message and batch sizes
//	-request-log   log every call: method, duration, outcome, caller (default true; never
//	               params or tokens)
//
// Environment:
//
//	AUTH_SECRET_KEY  hex, at least 32 bytes: the key signing tokens. When it is not set, a
//	                 random key is generated once and kept in the database, so tokens survive
//	                 restarts and instances sharing a PostgreSQL database share the key.
//	AUTH_ADMIN       name:password of an administrator, created (or given that password) at
//	                 start-up, who holds scope admin and so may call grant_scopes.
//	AUTH_MCP_TOKEN   with -mcp-stdio, an access token of sign_in: the calls of the agent are
//	                 made with it, as "Authorization: Bearer <token>" is over HTTP.
//	OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
//	                 when either is set, every call is traced and the spans are sent there
//	                 over OTLP/HTTP, with the trace context of the caller's traceparent
//	                 header; the other standard OTEL_* variables apply (OTEL_SERVICE_NAME,
//	                 default auth; OTEL_TRACES_SAMPLER; OTEL_EXPORTER_OTLP_HEADERS...).
//	                 OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn tracing off.
//
// The methods are sign_up, sign_in, get_caller, require_scopes and grant_scopes; see the
// README beside this file for a walkthrough with curl.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"golang.org/x/crypto/bcrypt"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/docsui"
	"github.com/openrpc-go/openrpc/examples/internal/serveurl"
	"github.com/openrpc-go/openrpc/rpchttp"
	"github.com/openrpc-go/openrpc/rpcmcp"
	"github.com/openrpc-go/openrpc/rpcnats"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "auth:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down gracefully. getenv reads the environment
// (AUTH_SECRET_KEY, AUTH_ADMIN); ready, when not nil, is called with the address once the
// server listens.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready func(addr string)) error {
	fs := flag.NewFlagSet("auth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8080", "address to listen on")
	db := fs.String("db", "auth.db", "SQLite database file (created when missing), or a postgres:// URL")
	ttl := fs.Duration("token-ttl", time.Hour, "lifetime of access tokens")
	cost := fs.Int("bcrypt-cost", bcrypt.DefaultCost, "bcrypt cost of new password hashes")
	slots := fs.Int("bcrypt-slots", runtime.GOMAXPROCS(0), "most bcrypt hashes computed at once; fewer than the cores keeps cores free for other calls during sign-in floods")
	callTimeout := fs.Duration("call-timeout", defaultCallTimeout, "longest a call may take, queued bcrypt work and database waits included; past it the call fails with -32001")
	debug := fs.Bool("debug", false, "send error details to clients (development only)")
	serveMCP := fs.Bool("mcp", false, "also serve the methods as MCP tools at /mcp (streamable HTTP)")
	mcpStdio := fs.Bool("mcp-stdio", false, "serve the methods as MCP tools on standard input and output instead of listening")
	natsURL := fs.String("nats", "", "also serve on NATS at this server URL (nats://127.0.0.1:4222)")
	natsSubject := fs.String("nats-subject", "auth", "the NATS subject to serve; instances serving it share its calls")
	metricsAddr := fs.String("metrics-addr", "", "address to serve Prometheus metrics on, at /metrics (default none)")
	requestLog := fs.Bool("request-log", true, "log every call: method, duration, outcome and caller, never params or tokens")
	var origins []string
	fs.Func("allow-origin", "an origin (https://app.example.com) whose pages may call the API, with CORS; repeat for more. Pages on other origins are refused", func(v string) error {
		origins = append(origins, v)
		return nil
	})
	var hosts []string
	fs.Func("allow-host", "a host name (app.internal, app.internal:8080, *.example.com) the API answers to on a loopback address, as behind a local proxy that keeps the Host; repeat for more. Other names are refused there (DNS rebinding); \"*\" turns the check off", func(v string) error {
		hosts = append(hosts, v)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *mcpStdio && (set["addr"] || set["allow-origin"] || set["allow-host"] || *serveMCP || *natsURL != ""):
		return fmt.Errorf("-mcp-stdio serves standard input and output only: it cannot go with -addr, -allow-origin, -allow-host, -mcp or -nats")
	case *ttl <= 0:
		return fmt.Errorf("-token-ttl %v: want a positive duration", *ttl)
	case *cost < bcrypt.MinCost || *cost > bcrypt.MaxCost:
		return fmt.Errorf("-bcrypt-cost %d: want %d to %d", *cost, bcrypt.MinCost, bcrypt.MaxCost)
	case *slots < 1:
		return fmt.Errorf("-bcrypt-slots %d: want at least 1", *slots)
	case *callTimeout <= 0:
		return fmt.Errorf("-call-timeout %v: want a positive duration", *callTimeout)
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	logger.Info("store open", "db", redact(*db))

	key, err := secretKey(ctx, st, getenv("AUTH_SECRET_KEY"), logger)
	if err != nil {
		return err
	}
	tok, err := newTokens(key, *ttl)
	if err != nil {
		return err
	}
	svc, err := newService(st, tok, *cost, *slots, logger)
	if err != nil {
		return err
	}
	svc.callTimeout = *callTimeout
	if err := svc.loadHashCosts(ctx); err != nil {
		return err
	}
	if admin := getenv("AUTH_ADMIN"); admin != "" {
		if err := svc.putAdmin(ctx, admin); err != nil {
			return err
		}
	}

	tel, err := startTelemetry(ctx, telemetryConfig{requestLog: *requestLog, metricsAddr: *metricsAddr}, getenv, logger)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := tel.Close(ctx); err != nil {
			logger.Warn("telemetry", "err", err)
		}
	}()
	srv := svc.newServer(*debug, tel.observers...)
	if *mcpStdio {
		logger.Info("serving MCP on standard input and output")
		var opts rpcmcp.Options
		if tok := getenv("AUTH_MCP_TOKEN"); tok != "" {
			opts.Header = http.Header{"Authorization": {"Bearer " + tok}}
		}
		err := rpcmcp.ServeStdio(ctx, srv, &opts)
		logger.Info("stopped", "err", err)
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger.Info("serving JSON-RPC", "url", serveurl.Of(ln.Addr(), "/api/v1"),
		"docs", serveurl.Of(ln.Addr(), "/"), "token_ttl", ttl.String(), "bcrypt_cost", *cost, "bcrypt_slots", *slots)
	mux, err := newMux(srv, st, &rpchttp.HandlerOptions{OriginPatterns: origins, AllowedHosts: hosts})
	if err != nil {
		ln.Close()
		return err
	}
	if *serveMCP {
		if err := mountMCP(mux, srv); err != nil {
			ln.Close()
			return err
		}
		logger.Info("serving MCP", "url", serveurl.Of(ln.Addr(), "/mcp"))
	}
	if *natsURL != "" {
		stopNATS, err := serveNATS(*natsURL, *natsSubject, srv, logger)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopNATS()
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	err = rpchttp.Serve(ctx, ln, mux, nil)
	logger.Info("stopped", "err", err)
	return err
}

// serveNATS serves srv on subject at the NATS server url; the function it returns drains
// the subscription, waits for the calls in flight and closes the connection.
func serveNATS(url, subject string, srv *openrpc.Server, logger *slog.Logger) (stop func(), err error) {
	nc, err := nats.Connect(url, nats.Name("examples/auth"), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("-nats %s: %w", url, err)
	}
	svc, err := rpcnats.Start(nc, subject, srv, &rpcnats.ServeOptions{Logger: logger})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("-nats %s: %w", url, err)
	}
	logger.Info("serving JSON-RPC on NATS", "url", url, "subject", subject, "queue", rpcnats.DefaultQueue)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := svc.Shutdown(ctx); err != nil {
			logger.Warn("NATS shutdown", "err", err)
		}
		nc.Close()
	}, nil
}

// secretKey returns the key signing tokens: AUTH_SECRET_KEY when set, else the key kept in
// the store, generated on first use.
func secretKey(ctx context.Context, st Store, env string, logger *slog.Logger) ([]byte, error) {
	if env != "" {
		key, err := parseKey(env)
		if err != nil {
			return nil, err
		}
		logger.Info("signing tokens with the key of AUTH_SECRET_KEY")
		return key, nil
	}
	key, created, err := st.SecretKey(ctx, generateKey)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if len(key) < minKeyBytes {
		return nil, fmt.Errorf("the secret key kept in the store has %d bytes, want at least %d", len(key), minKeyBytes)
	}
	if created {
		logger.Info("AUTH_SECRET_KEY is not set: generated a random secret key and kept it in the store; tokens stay valid across restarts")
	} else {
		logger.Info("AUTH_SECRET_KEY is not set: signing tokens with the secret key kept in the store")
	}
	return key, nil
}

// newMux routes the service's endpoints.
func newMux(srv *openrpc.Server, st Store, opts *rpchttp.HandlerOptions) (mux *http.ServeMux, err error) {
	defer func() {
		if v := recover(); v != nil { // NewHandler refuses a malformed origin or host pattern
			err = fmt.Errorf("-allow-origin or -allow-host: %v", v)
		}
	}()
	mux = http.NewServeMux()
	// HTTP POST and WebSocket upgrades; browser pages only from this origin and the allowed
	// origins; on loopback, only requests naming an address, localhost or an allowed host.
	mux.Handle("/api/v1", rpchttp.NewHandler(srv, opts))
	mux.Handle("/openrpc.json", rpchttp.NewDocumentHandler(srv))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	// The documentation page (package docsui): "/" and its assets below "/assets/".
	mux.Handle("/", docsui.NewHandler(nil))
	return mux, nil
}

// mountMCP serves the methods of srv as MCP tools at /mcp, over streamable HTTP. Calls go
// through srv, with the Authorization header of each HTTP request. Browser pages of other
// origins are refused: the endpoint is for agents.
func mountMCP(mux *http.ServeMux, srv *openrpc.Server) error {
	h, err := rpcmcp.NewHandler(srv, nil, nil)
	if err != nil {
		return err
	}
	mux.Handle("/mcp", http.NewCrossOriginProtection().Handler(h))
	return nil
}

// redact hides the password of a database URL for the log.
func redact(db string) string {
	if !isPostgresURL(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	if q := u.Query(); q.Has("password") { // pgx also takes the password as a parameter
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
