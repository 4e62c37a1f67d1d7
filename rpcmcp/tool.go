package rpcmcp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
)

// tool calls one method of the OpenRPC server for MCP tools/call requests.
type tool struct {
	srv        *openrpc.Server
	prefix     []byte // the request up to its params: {"jsonrpc":"2.0","id":1,"method":"name"
	byPosition bool
	variadic   bool
	params     []param     // in the method's order
	header     http.Header // of calls that do not come over HTTP
	hasOutput  bool        // the tool has an output schema
}

type param struct {
	name     string
	required bool
	absent   json.RawMessage // sent for the param when left out before a given one; nil: none
}

func newTool(srv *openrpc.Server, m *openrpc.MethodObject, header http.Header, sch *schemas) (*tool, error) {
	name, _ := json.Marshal(m.Name)
	t := &tool{
		srv:        srv,
		header:     header,
		prefix:     append([]byte(`{"jsonrpc":"2.0","id":1,"method":`), name...),
		byPosition: m.ParamStructure == openrpc.ByPosition,
	}
	for _, p := range m.Params {
		tp := param{name: p.Name, required: p.Required}
		if t.byPosition && !p.Required && !p.Variadic {
			v, err := toJSON(p.Schema)
			if err != nil {
				return nil, fmt.Errorf("param %q: %w", p.Name, err)
			}
			if v == nil {
				v = map[string]any{}
			}
			tp.absent, _ = sch.absentValue(v)
		}
		t.params = append(t.params, tp)
		if p.Variadic {
			t.variadic = true
		}
	}
	return t, nil
}

// handle answers a tools/call request: it turns the arguments into a JSON-RPC request,
// has the server process it with the MCP request's caller, and turns the response into a
// tool result.
func (t *tool) handle(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	res := t.call(ctx, req)
	if res.IsError && t.hasOutput {
		// Clients check structured content against the output schema, in error results too
		// (the TypeScript SDK's does): the error object stays in the text only.
		res.StructuredContent = nil
	}
	return res, nil
}

// call runs a tools/call request through the server.
func (t *tool) call(ctx context.Context, req *mcp.CallToolRequest) *mcp.CallToolResult {
	params, perr := t.encodeParams(req.Params.Arguments)
	if perr != nil {
		return errorResult(perr)
	}
	msg := t.message(params)
	n := int64(len(msg))
	if !t.srv.Reserve(n) {
		return errorResult(openrpc.NewError(openrpc.CodeOverloaded, openrpc.CodeOverloaded.String(), nil))
	}
	reply := t.srv.Process(openrpc.WithCaller(ctx, callerOf(req, t.header)), msg)
	t.srv.Release(n)
	res := toolResult(reply)
	if res.IsError && t.variadic && len(t.params) == 1 {
		res = t.variadicPaths(res)
	}
	return res
}

// variadicPaths returns the error result res of a variadic tool with the paths of its
// Invalid params problems under the tool's one argument: the server points at positions
// ("/1"), the arguments hold them in an array ({"numbers": [...]}).
func (t *tool) variadicPaths(res *mcp.CallToolResult) *mcp.CallToolResult {
	e, ok := res.StructuredContent.(json.RawMessage)
	var rpcErr openrpc.Error
	if !ok || json.Unmarshal(e, &rpcErr) != nil || rpcErr.Code != openrpc.CodeInvalidParams {
		return res
	}
	var data openrpc.InvalidParamsData
	if json.Unmarshal(rpcErr.Data, &data) != nil {
		return res
	}
	for i := range data.Errors {
		data.Errors[i].Path = "/" + escapePointer(t.params[0].name) + data.Errors[i].Path
	}
	return errorResult(invalidParams(data.Errors...))
}

// callerOf returns the caller details of an MCP request: over streamable HTTP, the headers
// of the HTTP request that carried it, Authorization included; otherwise header.
func callerOf(req mcp.Request, header http.Header) *openrpc.Caller {
	if h := headerOf(req); h != nil {
		header = h
	}
	return &openrpc.Caller{Transport: "mcp", Header: header, Value: req}
}

// message returns the JSON-RPC request with params (nil: none).
func (t *tool) message(params []byte) []byte {
	msg := make([]byte, 0, len(t.prefix)+len(params)+12)
	msg = append(msg, t.prefix...)
	if params != nil {
		msg = append(msg, `,"params":`...)
		msg = append(msg, params...)
	}
	return append(msg, '}')
}

// encodeParams returns the JSON-RPC params for the tool arguments: the arguments object
// itself for a method taking params by name (or either way), an array in the params' order
// for one taking them by position, nothing for a method without params called without
// arguments. Arguments that are not an object, and (by position) unknown or missing
// required params, are refused with Invalid params, as the server would refuse them.
func (t *tool) encodeParams(args json.RawMessage) ([]byte, *openrpc.Error) {
	args = bytes.TrimSpace(args)
	if len(args) == 0 || string(args) == "null" {
		args = json.RawMessage("{}")
	}
	if args[0] != '{' {
		return nil, invalidParams(openrpc.ParamError{Path: "", Message: "arguments must be an object"})
	}
	if !utf8.Valid(args) {
		return nil, invalidParams(notUTF8(args)...)
	}
	if len(t.params) == 0 && isEmptyObject(args) {
		return nil, nil
	}
	if !t.byPosition {
		return args, nil
	}
	named, twice, err := members(args)
	if err != nil {
		return nil, invalidParams(openrpc.ParamError{Path: "", Message: "arguments are not valid JSON: " + err.Error()})
	}
	var problems []openrpc.ParamError
	for _, name := range twice {
		problems = append(problems, openrpc.ParamError{Path: "/" + escapePointer(name), Message: "param given more than once"})
	}
	for _, name := range slices.Sorted(maps.Keys(named)) { // the same error every time
		if !t.has(name) {
			problems = append(problems, openrpc.ParamError{Path: "/" + escapePointer(name), Message: "unknown param"})
		}
	}
	if t.variadic && len(t.params) == 1 {
		if len(problems) > 0 {
			return nil, invalidParams(problems...)
		}
		v := bytes.TrimSpace(named[t.params[0].name])
		switch {
		case len(v) == 0 || string(v) == "null":
			return []byte("[]"), nil
		case v[0] != '[':
			return nil, invalidParams(openrpc.ParamError{Path: "/" + escapePointer(t.params[0].name), Message: "expected array of params"})
		}
		return v, nil
	}
	last := -1
	for i, p := range t.params {
		if _, ok := named[p.name]; ok {
			last = i
		} else if p.required {
			problems = append(problems, openrpc.ParamError{Path: "/" + escapePointer(p.name), Message: "required param is missing"})
		}
	}
	for _, p := range t.params[:last+1] {
		if _, ok := named[p.name]; !ok && !p.required && p.absent == nil {
			problems = append(problems, openrpc.ParamError{Path: "/" + escapePointer(p.name),
				Message: "must be given when a later param is: the method takes its params by position, and this one's schema has no default, null or zero value to stand for it"})
		}
	}
	if len(problems) > 0 {
		return nil, invalidParams(problems...)
	}
	arr := []byte{'['}
	for i := 0; i <= last; i++ {
		if i > 0 {
			arr = append(arr, ',')
		}
		if v, ok := named[t.params[i].name]; ok {
			arr = append(arr, v...)
		} else {
			arr = append(arr, t.params[i].absent...) // an optional param before a given one
		}
	}
	return append(arr, ']'), nil
}

// members decodes the arguments object args, and names the members it gives more than
// once (a by-name call has the server refuse them; by position, the last would be sent).
func members(args []byte) (named map[string]json.RawMessage, twice []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(args))
	if _, err := dec.Token(); err != nil { // {
		return nil, nil, err
	}
	named = map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if _, ok := named[name]; ok && !slices.Contains(twice, name) {
			twice = append(twice, name)
		}
		named[name] = v
	}
	return named, twice, nil
}

// notUTF8 names the members of the arguments object args that hold bytes that are not
// UTF-8, which the server would refuse as a parse error of the whole request.
func notUTF8(args []byte) []openrpc.ParamError {
	const msg = "not valid UTF-8"
	var named map[string]json.RawMessage
	if err := json.Unmarshal(args, &named); err != nil {
		return []openrpc.ParamError{{Path: "", Message: msg}}
	}
	var problems []openrpc.ParamError
	for _, name := range slices.Sorted(maps.Keys(named)) {
		if !utf8.ValidString(name) || !utf8.Valid(named[name]) {
			problems = append(problems, openrpc.ParamError{Path: "/" + escapePointer(name), Message: msg})
		}
	}
	if len(problems) == 0 { // a name the decoder made valid (U+FFFD)
		problems = append(problems, openrpc.ParamError{Path: "", Message: msg})
	}
	return problems
}

func (t *tool) has(name string) bool {
	for _, p := range t.params {
		if p.name == name {
			return true
		}
	}
	return false
}

func isEmptyObject(b []byte) bool {
	b = bytes.TrimSpace(b[1:])
	return len(b) > 0 && b[0] == '}'
}

func invalidParams(problems ...openrpc.ParamError) *openrpc.Error {
	return openrpc.NewError(openrpc.CodeInvalidParams, openrpc.CodeInvalidParams.String(),
		openrpc.InvalidParamsData{Errors: problems})
}

// escapePointer encodes one JSON Pointer token (RFC 6901).
func escapePointer(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '~':
			b = append(b, "~0"...)
		case '/':
			b = append(b, "~1"...)
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}

// response is a JSON-RPC response as the server sends it.
type response struct {
	Result json.RawMessage `json:"result"`
	Error  *openrpc.Error  `json:"error"`
}

// toolResult turns the server's JSON-RPC response into a tool result: the result as JSON
// text, and as structured content when it is an object; an error as a tool error whose
// text and structured content are the JSON-RPC error object (code, message, data).
func toolResult(reply []byte) *mcp.CallToolResult {
	var r response
	if err := json.Unmarshal(reply, &r); err != nil || (r.Error == nil && r.Result == nil) {
		return errorResult(openrpc.NewError(openrpc.CodeInternalError, openrpc.CodeInternalError.String(),
			"the server's response could not be read"))
	}
	if r.Error != nil {
		return errorResult(r.Error)
	}
	res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(r.Result)}}}
	if r.Result[0] == '{' {
		res.StructuredContent = r.Result
	}
	return res
}

// errorResult returns the tool error result for a JSON-RPC error.
func errorResult(e *openrpc.Error) *mcp.CallToolResult {
	b, err := json.Marshal(e)
	if err != nil { // an error whose data is not valid JSON
		b = []byte(`{"code":` + strconv.Itoa(int(e.Code)) + `,"message":` + strconv.Quote(e.Message) + `}`)
	}
	return &mcp.CallToolResult{
		Content:           []mcp.Content{&mcp.TextContent{Text: string(b)}},
		StructuredContent: json.RawMessage(b),
		IsError:           true,
	}
}

// headerOf is the header of the HTTP request that carried req, or nil.
func headerOf(req mcp.Request) http.Header {
	if req == nil {
		return nil
	}
	if extra := req.GetExtra(); extra != nil {
		return extra.Header
	}
	return nil
}
