package rpcmcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcstdio"
)

// batchlessVersion is the first MCP version without JSON-RPC batches.
const batchlessVersion = "2025-06-18"

// serveIO serves ms on r and w, one JSON-RPC message a line as the SDK's stdio transport
// does, until r ends or ctx is done. A line that is no message the SDK can read (not JSON,
// nested too deep, not a JSON-RPC message, longer than maxLine, a batch where the
// protocol version has none) gets a JSON-RPC error, and the next line is served, as
// rpcstdio serves JSON-RPC: the SDK's transport ended the session at such a line.
func serveIO(ctx context.Context, ms *mcp.Server, r io.Reader, w io.Writer, maxLine int64) error {
	out := &lockedWriter{w: w}
	in := &lineFilter{r: r, lines: rpcstdio.NewConn(r, nil, &rpcstdio.Options{MaxMessageBytes: maxLine}), out: out, max: maxLine}
	err := ms.Run(ctx, &mcp.IOTransport{Reader: in, Writer: out, MaxLineLength: -1})
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// lockedWriter writes the messages of the SDK and the errors of lineFilter one at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// Close leaves the output open, as the SDK's stdio transport leaves standard output.
func (w *lockedWriter) Close() error { return nil }

// lineFilter passes to the SDK the lines of r it can read, and answers the others.
type lineFilter struct {
	r        io.Reader
	lines    *rpcstdio.Conn // reads r's lines, at most max bytes each
	out      io.Writer
	max      int64
	pending  []byte // the rest of the line being passed on
	err      error  // of reading r (io.EOF at its end), returned once its last line is handled
	batchles bool   // the client asked for a protocol version without batches
}

func (f *lineFilter) Read(p []byte) (int, error) {
	for len(f.pending) == 0 {
		line, err := f.next()
		if err != nil {
			return 0, err
		}
		f.pending = line
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// Close closes r, as the SDK's stdio transport closes standard input.
func (f *lineFilter) Close() error {
	if c, ok := f.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// next returns the next line the SDK can read, with its line break.
func (f *lineFilter) next() ([]byte, error) {
	for f.err == nil {
		line, err := f.lines.Recv(context.Background())
		line = bytes.TrimSpace(line)
		switch {
		case errors.Is(err, openrpc.ErrTooLarge):
			f.reply(nil, openrpc.NewError(openrpc.CodeTooLarge, openrpc.CodeTooLarge.String(),
				map[string]string{"error": fmt.Sprintf("the message exceeds the limit of %d bytes", f.max)}))
		case err != nil:
			f.err = err
		case len(line) == 0:
		default:
			if e := f.check(line); e != nil {
				f.reply(line, e)
				continue
			}
			return append(line, '\n'), nil
		}
	}
	return nil, f.err
}

// check returns the error that answers line, or nil when the SDK can read it.
func (f *lineFilter) check(line []byte) *openrpc.Error {
	if !json.Valid(line) {
		return openrpc.NewError(openrpc.CodeParseError, openrpc.CodeParseError.String(),
			map[string]string{"error": "the line is not JSON: send one JSON-RPC message a line"})
	}
	if line[0] == '[' {
		var batch []json.RawMessage
		json.Unmarshal(line, &batch)
		switch {
		case f.batchles:
			return invalidRequest("JSON-RPC batches are not part of MCP since " + batchlessVersion + ": send one message a line")
		case len(batch) == 0:
			return invalidRequest("empty batch")
		}
		for _, m := range batch {
			if _, err := jsonrpc.DecodeMessage(m); err != nil {
				return invalidRequest(err.Error())
			}
		}
		return nil
	}
	msg, err := jsonrpc.DecodeMessage(line)
	if err != nil {
		return invalidRequest(err.Error())
	}
	if req, ok := msg.(*jsonrpc.Request); ok && req.Method == "initialize" {
		var p struct {
			ProtocolVersion string `json:"protocolVersion"`
		}
		json.Unmarshal(req.Params, &p)
		f.batchles = p.ProtocolVersion >= batchlessVersion
	}
	return nil
}

func invalidRequest(why string) *openrpc.Error {
	return openrpc.NewError(openrpc.CodeInvalidRequest, openrpc.CodeInvalidRequest.String(), map[string]string{"error": why})
}

// reply writes the error response to line, with its id when it has one it can be read.
func (f *lineFilter) reply(line []byte, e *openrpc.Error) {
	id := json.RawMessage("null")
	var m struct {
		ID json.RawMessage `json:"id"`
	}
	if len(line) > 0 && line[0] == '{' && json.Unmarshal(line, &m) == nil && len(m.ID) > 0 && (m.ID[0] == '"' || m.ID[0] == '-' || m.ID[0] >= '0' && m.ID[0] <= '9') {
		id = m.ID
	}
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *openrpc.Error  `json:"error"`
	}{"2.0", id, e})
	if _, err := f.out.Write(append(b, '\n')); err != nil && f.err == nil {
		f.err = err
	}
}
