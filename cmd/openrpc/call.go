package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/callargs"
	"github.com/openrpc-go/openrpc/cmd/openrpc/internal/source"
	"github.com/openrpc-go/openrpc/internal/docmodel"
	"github.com/openrpc-go/openrpc/rpchttp"
)

var callCmd = &command{
	name:    "call",
	usage:   "URL METHOD [JSON | name=value ... | value ...]   or   URL - < CALLS",
	summary: "call a method of a live service, with params typed and checked by its document",
	help: `
URL is the service's JSON-RPC endpoint: http(s) for HTTP POST, ws(s) for WebSocket. The
command reads the service's document once (rpc.discover), turns the arguments into the
method's params, checks them against the param schemas, sends the call and prints the
result: indented and colored on a terminal, as received with --json.

Params:
  name=value      the value read as the param's schema wants it: a number, an integer,
                  true/false, null; a string as it is, without quotes; JSON for an object
                  or an array (quote it for the shell)
  name:=JSON      the value as JSON, whatever the schema says
  value           the next param by position
  JSON            one JSON object or array: the params as they are
Params go by name, in the document's order, unless the method takes them by position
(paramStructure by-position): then as an array, where an optional param left out before a
given one is sent as its default, else null, if its schema accepts it (else give it).
Nothing is sent when a param is unknown, missing or does not fit its
schema: the command names the param and exits with status 2.

With METHOD "-", standard input holds a batch, one call a line, sent as one JSON-RPC
batch: "METHOD [JSON | name=value ...]" with shell quoting, or a JSON object
{"method": ..., "params": ...}. Blank lines and lines starting with # are skipped. Each
call's outcome is printed on one line, in order: {"result": ...} or {"error": ...}; the
errors are also told on standard error with their line number. Notifications print
nothing.

A method the document gives no result is sent as a notification, as is every call with
--notify: nothing is printed. A subscription method (x-subscription) called over a ws(s)
URL prints its events, one a line, until the subscription ends, an interrupt or the
--timeout: then it unsubscribes and exits with status 0.

The bearer token comes from --bearer or the environment variable OPENRPC_BEARER. Colors
follow NO_COLOR (set: never) and CLICOLOR_FORCE (set: also when not on a terminal).

Exit status: 0 when the call succeeded; 1 when the service answered with an error (code,
message and data on standard error; every call of a batch is printed, and any error gives
1); 2 when nothing was sent or no answer came: bad usage, params refused, a method the
document does not have, a service that cannot be reached or answers too late.

Examples:

  openrpc call http://localhost:8080/api/v1 sign_up username=alice password=correct-horse-1
  TOKEN=$(openrpc call --json http://localhost:8080/api/v1 sign_in alice correct-horse-1 | jq -r .access_token)
  openrpc call --bearer "$TOKEN" ws://localhost:8080/api/v1 get_caller
  openrpc call --bearer "$ADMIN_TOKEN" http://localhost:8080/api/v1 grant_scopes username=alice 'scopes=["scope1"]'
  printf 'get_caller\nrequire_scopes\n' | openrpc call --bearer "$TOKEN" http://localhost:8080/api/v1 -
  openrpc call http://localhost:8081/api/v1 subtract 42 23
  openrpc call http://localhost:8081/api/v1 sum '[1, 2, 3]'
  openrpc call --no-discover http://localhost:9000/rpc eth_blockNumber
`,
}

func init() {
	var (
		headers    headerFlag
		o          callOptions
		noDiscover bool
	)
	callCmd.flags = func(fs *flag.FlagSet) {
		headers, o = nil, callOptions{}
		fs.Var(&headers, "header", "a header to send, `Name: value` (repeatable)")
		fs.StringVar(&o.bearer, "bearer", "", "a bearer `token` to send as \"Authorization: Bearer TOKEN\" (default $OPENRPC_BEARER)")
		fs.BoolVar(&o.json, "json", false, "print the result as received (errors as JSON objects)")
		fs.BoolVar(&o.notify, "notify", false, "send the call as a notification: no reply, nothing printed")
		fs.BoolVar(&noDiscover, "no-discover", false, "do not read the service's document: send params as given (JSON when they are, else strings)")
		fs.StringVar(&o.doc, "doc", "", "read the document from this `file or URL` instead of the service's rpc.discover")
		fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "how long the whole command may take")
	}
	callCmd.run = func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
		if len(args) < 2 {
			return usagef("give the service's URL and a METHOD (or - to read a batch from standard input)")
		}
		o.url, o.header, o.discover = args[0], http.Header(headers), !noDiscover
		if !source.IsURL(o.url) {
			return usagef("%q is not a service URL: give an http, https, ws or wss URL such as http://localhost:8080/api/v1", o.url)
		}
		if args[1] == "-" && len(args) > 2 {
			return usagef("a batch comes from standard input alone: unexpected arguments %q", args[2:])
		}
		if args[1] == "-" && o.doc == "-" {
			return usagef("standard input cannot hold both the document (--doc -) and the batch: give --doc FILE")
		}
		if o.bearer == "" {
			o.bearer = e.getenv("OPENRPC_BEARER")
		}
		if o.timeout <= 0 {
			return usagef("--timeout must be positive")
		}
		ctx, cancel := context.WithTimeout(ctx, o.timeout)
		defer cancel()
		s, err := startSession(ctx, e, &o)
		if err != nil {
			return s.explain(err)
		}
		defer s.client.Close()
		if args[1] == "-" {
			return s.batch(ctx)
		}
		return s.call(ctx, args[1], args[2:])
	}
}

// callOptions are the flags of "openrpc call".
type callOptions struct {
	url, bearer, doc string
	header           http.Header
	json, notify     bool
	discover         bool
	timeout          time.Duration
}

// callSession is one invocation of "openrpc call": a client, and the service's document
// read once.
type callSession struct {
	e       *env
	o       *callOptions
	client  *openrpc.Client
	doc     *docmodel.Document // nil with --no-discover
	builder *callargs.Builder
	color   bool
}

func startSession(ctx context.Context, e *env, o *callOptions) (*callSession, error) {
	s := &callSession{e: e, o: o, color: useColor(e)}
	copts := &rpchttp.ClientOptions{Header: o.header, BearerToken: o.bearer, PingInterval: -1}
	if isWebSocket(o.url) {
		c, err := rpchttp.DialWebSocket(ctx, o.url, copts)
		if err != nil {
			return s, fmt.Errorf("connecting to %s: %w", o.url, err)
		}
		s.client = c
	} else {
		s.client = rpchttp.NewClient(o.url, copts)
	}
	if !o.discover {
		return s, nil
	}
	var raw []byte
	var err error
	if o.doc != "" {
		raw, err = source.Load(ctx, o.doc, &source.Options{Header: o.header, Stdin: e.stdin})
	} else {
		var doc json.RawMessage
		err = s.client.Call(ctx, "rpc.discover", nil, &doc)
		rpcErr, isRPC := asRPCError(err)
		switch {
		case err == nil:
		case isRPC && rpcErr.Code == openrpc.CodeMethodNotFound:
			err = fmt.Errorf("%s does not serve its document (rpc.discover: %s): give --doc FILE, or --no-discover to send the params as given", o.url, rpcErr.Message)
		case isRPC || errors.Is(err, context.DeadlineExceeded):
			err = fmt.Errorf("reading the document (rpc.discover): %w", err)
		default:
			err = fmt.Errorf("reading the document (rpc.discover): %w\ncheck that %s is the service's JSON-RPC endpoint and that the service runs", err, o.url)
		}
		raw = doc
	}
	if err == nil {
		if s.doc, err = docmodel.Parse(raw); err != nil && o.doc != "" {
			err = fmt.Errorf("%s: %w", o.doc, err)
		} else if err != nil {
			err = fmt.Errorf("the document %s serves (rpc.discover) is not valid: %w", o.url, err)
		}
	}
	if err == nil {
		s.builder, err = callargs.NewBuilder(s.doc)
	}
	if err != nil {
		s.client.Close()
	}
	return s, err
}

// call sends one call and prints its outcome.
func (s *callSession) call(ctx context.Context, method string, args []string) error {
	params, err := s.params(method, args)
	if err != nil {
		fmt.Fprintf(s.e.stderr, "openrpc call: %s: %v\n", method, err)
		var pe *callargs.Error
		if errors.As(err, &pe) {
			fmt.Fprintf(s.e.stderr, "nothing was sent; run \"openrpc discover %s\" for %s's params\n", s.o.url, method)
		}
		return exitError(2)
	}
	if s.notify(method) {
		return s.explain(s.client.Notify(ctx, method, params))
	}
	if s.isSubscription(method) {
		return s.subscribe(ctx, method, params)
	}
	var result json.RawMessage
	if err := s.client.Call(ctx, method, params, &result); err != nil {
		if rpcErr, ok := asRPCError(err); ok {
			s.printError(method, rpcErr)
			return exitError(1)
		}
		return s.explain(err)
	}
	s.printJSON(s.e.stdout, result)
	return nil
}

// notify reports whether a call of method is sent as a notification: with --notify, or
// when the document gives the method no result.
func (s *callSession) notify(method string) bool {
	if s.o.notify {
		return true
	}
	if s.doc == nil {
		return false
	}
	m := s.doc.Method(method)
	return m != nil && m.IsNotification()
}

// isSubscription reports whether the document marks method as a subscription and the
// connection can carry its events.
func (s *callSession) isSubscription(method string) bool {
	if s.doc == nil || !isWebSocket(s.o.url) {
		return false
	}
	m := s.doc.Method(method)
	if m == nil {
		return false
	}
	_, ok := m.Subscription()
	return ok
}

// subscribe calls a subscription method and prints its events, one a line, until the
// subscription ends, the command is interrupted or --timeout passes: then it unsubscribes.
func (s *callSession) subscribe(ctx context.Context, method string, params any) error {
	sub, err := openrpc.Subscribe[json.RawMessage](ctx, s.client, method, params)
	if err != nil {
		if rpcErr, ok := asRPCError(err); ok {
			s.printError(method, rpcErr)
			return exitError(1)
		}
		return s.explain(err)
	}
	fmt.Fprintf(s.e.stderr, "subscription %s: events follow, one a line, until it ends (interrupt or --timeout to unsubscribe)\n", sub.ID())
	go func() {
		select {
		case <-ctx.Done():
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			sub.Unsubscribe(uctx)
		case <-sub.Done():
		}
	}()
	for ev, err := range sub.Events() {
		if err != nil {
			if rpcErr, ok := asRPCError(err); ok {
				s.printError(method, rpcErr)
				return exitError(1)
			}
			if ctx.Err() != nil {
				break
			}
			return err
		}
		s.printLine(s.e.stdout, ev)
	}
	return nil
}

// params returns the params of a call to method, nil for none.
func (s *callSession) params(method string, args []string) (any, error) {
	var (
		p   json.RawMessage
		err error
	)
	if s.doc == nil || strings.HasPrefix(method, "rpc.") {
		p, err = callargs.Loose(args)
	} else {
		m := s.doc.Method(method)
		if m == nil {
			return nil, s.noMethod(method)
		}
		if m.Deprecated {
			fmt.Fprintf(s.e.stderr, "openrpc call: %s is deprecated\n", method)
		}
		p, err = s.builder.Build(m, args)
	}
	if err != nil || p == nil {
		return nil, err
	}
	return p, nil
}

func (s *callSession) noMethod(method string) error {
	names := make([]string, len(s.doc.Methods))
	for i, m := range s.doc.Methods {
		names[i] = m.Name
	}
	hint := ""
	if near := callargs.Nearest(method, names); near != "" {
		hint = fmt.Sprintf("did you mean %q? ", near)
	}
	return fmt.Errorf("the document of %s has no method %q; %srun \"openrpc discover %[1]s\" for the list", s.o.url, method, hint)
}

// batchLine is one call read from standard input.
type batchLine struct {
	line   int
	method string
	params any
}

// batch reads calls from standard input and sends them as one batch.
func (s *callSession) batch(ctx context.Context) error {
	var (
		lines    []batchLine
		problems []string
	)
	sc := bufio.NewScanner(s.e.stdin)
	sc.Buffer(nil, source.MaxDocumentBytes)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		method, params, err := s.batchCall(text)
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		lines = append(lines, batchLine{line: n, method: method, params: params})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the batch from standard input: %w", err)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(s.e.stderr, "openrpc call: %s\n", p)
		}
		fmt.Fprintf(s.e.stderr, "nothing was sent; run \"openrpc discover %s\" for the methods and their params\n", s.o.url)
		return exitError(2)
	}
	if len(lines) == 0 {
		return usagef("standard input holds no calls: write one a line, \"METHOD [JSON | name=value ...]\"")
	}
	calls := make([]openrpc.BatchCall, len(lines))
	results := make([]json.RawMessage, len(lines))
	for i, l := range lines {
		calls[i] = openrpc.BatchCall{Method: l.method, Params: l.params, Result: &results[i], Notify: s.notify(l.method)}
	}
	if err := s.client.Batch(ctx, calls); err != nil {
		return s.explain(err)
	}
	failed := false
	for i, c := range calls {
		var out []byte
		switch {
		case c.Notify:
			continue
		case c.Err != nil:
			failed = true
			rpcErr, ok := asRPCError(c.Err)
			if !ok {
				rpcErr = &openrpc.Error{Code: openrpc.CodeInternalError, Message: c.Err.Error()}
			}
			fmt.Fprintf(s.e.stderr, "line %d: %s: error %d: %s\n", lines[i].line, docmodel.Printable(c.Method), rpcErr.Code, docmodel.Printable(rpcErr.Message))
			out, _ = json.Marshal(struct {
				Error *openrpc.Error `json:"error"`
			}{rpcErr})
		default:
			out, _ = json.Marshal(struct {
				Result json.RawMessage `json:"result"`
			}{orNull(results[i])})
		}
		s.printLine(s.e.stdout, out)
	}
	if failed {
		return exitError(1)
	}
	return nil
}

// batchCall reads one line of a batch.
func (s *callSession) batchCall(text string) (string, any, error) {
	var words []string
	if strings.HasPrefix(text, "{") {
		var req struct {
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		if err := json.Unmarshal([]byte(text), &req); err != nil || req.Method == "" {
			return "", nil, fmt.Errorf(`not a call: write {"method": "NAME", "params": ...} or METHOD [JSON | name=value ...]`)
		}
		words = []string{req.Method}
		if len(req.Params) > 0 && string(req.Params) != "null" {
			words = append(words, string(req.Params))
		}
	} else {
		var err error
		words, err = callargs.Split(text)
		if err != nil {
			return "", nil, err
		}
	}
	p, err := s.params(words[0], words[1:])
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", words[0], err)
	}
	return words[0], p, nil
}

// explain turns an error of the connection into a message that says what to do.
func (s *callSession) explain(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no answer from %s within %s: give a longer --timeout if the service is slow", s.o.url, s.o.timeout)
	}
	if rpcErr, ok := asRPCError(err); ok {
		return fmt.Errorf("%s answered: error %d: %s", s.o.url, rpcErr.Code, rpcErr.Message)
	}
	return err
}

// printError prints an error reply on standard error.
func (s *callSession) printError(method string, e *openrpc.Error) {
	if s.o.json {
		b, _ := json.Marshal(e)
		fmt.Fprintf(s.e.stderr, "%s\n", docmodel.PrintableJSON(b))
		return
	}
	fmt.Fprintf(s.e.stderr, "%s: error %d: %s\n", docmodel.Printable(method), e.Code, docmodel.Printable(e.Message))
	if len(e.Data) > 0 {
		fmt.Fprint(s.e.stderr, "data: ")
		s.printJSON(s.e.stderr, e.Data)
	}
	if s.doc == nil {
		return
	}
	m := s.doc.Method(method)
	if m == nil {
		return
	}
	if _, ok := m.Subscription(); ok && !s.isSubscription(method) {
		fmt.Fprintf(s.e.stderr, "%s is a subscription: call it with a ws:// or wss:// URL to receive its events\n", method)
	}
	if len(m.Security()) > 0 && s.o.bearer == "" && s.o.header.Get("Authorization") == "" {
		fmt.Fprintf(s.e.stderr, "%s requires %s: give --bearer TOKEN (or set OPENRPC_BEARER), or --header \"Authorization: ...\"\n", docmodel.Printable(method), docmodel.Printable(security(m)))
	}
}

// printJSON prints a JSON value: as it is with --json, indented otherwise, and colored when
// colors are on; either way with the characters that would drive a terminal escaped
// (docmodel.PrintableJSON).
func (s *callSession) printJSON(w io.Writer, v json.RawMessage) {
	v = docmodel.PrintableJSON(orNull(v))
	if s.o.json {
		fmt.Fprintf(w, "%s\n", v)
		return
	}
	var b bytes.Buffer
	if err := json.Indent(&b, v, "", "  "); err != nil {
		fmt.Fprintf(w, "%s\n", v)
		return
	}
	if s.color && w == s.e.stdout {
		colorJSON(w, b.Bytes())
	} else {
		w.Write(b.Bytes())
	}
	fmt.Fprintln(w)
}

func isWebSocket(url string) bool {
	return strings.HasPrefix(url, "ws://") || strings.HasPrefix(url, "wss://")
}

func asRPCError(err error) (*openrpc.Error, bool) {
	var e *openrpc.Error
	ok := errors.As(err, &e)
	return e, ok
}

// printLine prints a JSON value on one line, colored when colors are on, with the
// characters that would drive a terminal escaped.
func (s *callSession) printLine(w io.Writer, v json.RawMessage) {
	v = docmodel.PrintableJSON(v)
	if s.color && !s.o.json {
		colorJSON(w, v)
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "%s\n", v)
}

func orNull(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	return v
}

// useColor reports whether output to standard output is colored: on a terminal unless
// NO_COLOR is set; anywhere with CLICOLOR_FORCE (https://no-color.org, https://bixense.com/clicolors).
func useColor(e *env) bool {
	if e.getenv("NO_COLOR") != "" {
		return false
	}
	if f := e.getenv("CLICOLOR_FORCE"); f != "" && f != "0" {
		return true
	}
	f, ok := e.stdout.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// ANSI colors of JSON tokens, as jq prints them.
const (
	colorKey    = "\x1b[34;1m"
	colorString = "\x1b[32m"
	colorNumber = "\x1b[0m"
	colorLit    = "\x1b[1;30m" // null
	colorBool   = "\x1b[0;39m"
	colorReset  = "\x1b[0m"
)

// colorJSON writes indented JSON with its keys, strings, numbers and literals colored.
func colorJSON(w io.Writer, b []byte) {
	var out bytes.Buffer
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			end := i + 1
			for end < len(b) && b[end] != '"' {
				if b[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end+1, len(b))
			rest := bytes.TrimLeft(b[end:], " ")
			color := colorString
			if len(rest) > 0 && rest[0] == ':' {
				color = colorKey
			}
			out.WriteString(color)
			out.Write(b[i:end])
			out.WriteString(colorReset)
			i = end
		case c == '-' || (c >= '0' && c <= '9'):
			end := i
			for end < len(b) && bytes.IndexByte([]byte("+-.eE0123456789"), b[end]) >= 0 {
				end++
			}
			out.WriteString(colorNumber)
			out.Write(b[i:end])
			out.WriteString(colorReset)
			i = end
		case c == 't' || c == 'f' || c == 'n':
			end := i
			for end < len(b) && b[end] >= 'a' && b[end] <= 'z' {
				end++
			}
			color := colorBool
			if c == 'n' {
				color = colorLit
			}
			out.WriteString(color)
			out.Write(b[i:end])
			out.WriteString(colorReset)
			i = end
		default:
			out.WriteByte(c)
			i++
		}
	}
	w.Write(out.Bytes())
}
