// Package rpcstdio carries JSON-RPC over a pair of byte streams as newline-delimited JSON:
// one message per line. It serves a server on a process's stdin and stdout, so a server can
// be a subprocess plug-in, and calls such a subprocess.
//
// Messages are read up to a size limit (the server's MaxRequestBytes; the LF or CR LF that
// ends a line does not count): a longer line is skipped without being held in memory and
// answered with a -32003 error, and reading goes on. With [Serve], lines count against the
// server's memory bound (openrpc.Limits.MaxTotalRequestBytes) from the moment they are read
// until they are answered: a line past it is skipped the same way and answered with -32004.
// Blank lines are ignored. Line breaks inside a message are sent as spaces. Replies are
// written one per line, whole, in the order they are ready.
package rpcstdio

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/openrpc-go/openrpc"
)

// Options configures [NewConn], [Serve] and [NewClient]. The zero value (or nil) gives the
// defaults.
type Options struct {
	// MaxMessageBytes caps a message, default openrpc.DefaultMaxRequestBytes (for Serve,
	// the server's MaxRequestBytes).
	MaxMessageBytes int64
}

// Conn is a newline-delimited JSON connection over a reader and a writer.
type Conn struct {
	r   *bufio.Reader
	w   io.Writer
	max int64
	srv *openrpc.Server // when set (by Serve), lines are reserved on its request memory

	// A goroutine reads lines, so that Recv can return when its context ends or the
	// connection is closed even while a read blocks (os.Stdin cannot be interrupted).
	start   sync.Once
	lines   chan line
	done    chan struct{} // the reader stopped; readErr says why
	readErr error

	closeOnce sync.Once
	closed    chan struct{}
	closers   []io.Closer
}

type line struct {
	msg []byte
	err error // only ErrTooLarge or ErrOverloaded: the reader goes on after them
}

var errClosed = errors.New("rpcstdio: connection closed")

var (
	_ openrpc.Conn            = (*Conn)(nil)
	_ openrpc.MessageReleaser = (*Conn)(nil)
)

// NewConn returns a connection reading messages from r and writing them to w. Close closes
// r and w when they are io.Closers.
func NewConn(r io.Reader, w io.Writer, opts *Options) *Conn {
	c := &Conn{
		r: bufio.NewReaderSize(r, 64<<10), w: w, max: openrpc.DefaultMaxRequestBytes,
		lines: make(chan line), done: make(chan struct{}), closed: make(chan struct{}),
	}
	if opts != nil && opts.MaxMessageBytes > 0 {
		c.max = opts.MaxMessageBytes
	}
	for _, x := range []any{r, w} {
		if cl, ok := x.(io.Closer); ok {
			c.closers = append(c.closers, cl)
		}
	}
	return c
}

// Recv returns the next non-blank line. At the end of the input it returns io.EOF; a line
// over the limit is skipped and reported as openrpc.ErrTooLarge. It returns early when ctx
// ends or the connection is closed; the read in progress then stays with the connection.
func (c *Conn) Recv(ctx context.Context) ([]byte, error) {
	c.start.Do(func() { go c.readLoop() })
	select {
	case l := <-c.lines:
		return l.msg, l.err
	case <-c.done:
		return nil, c.readErr
	case <-c.closed:
		return nil, errClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readLoop hands the lines read to Recv until the input ends or fails.
func (c *Conn) readLoop() {
	for {
		msg, err := c.next()
		if err != nil && !errors.Is(err, openrpc.ErrTooLarge) && !errors.Is(err, openrpc.ErrOverloaded) {
			c.readErr = err
			close(c.done)
			return
		}
		select {
		case c.lines <- line{msg, err}:
		case <-c.closed:
			c.ReleaseMessage(msg)
			return
		}
	}
}

// next reads the next non-blank line.
func (c *Conn) next() ([]byte, error) {
	for {
		line, err := c.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && len(bytes.TrimSpace(line)) > 0 {
				return line, nil // a last message without its newline
			}
			return nil, err
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
		c.ReleaseMessage(line)
	}
}

// readLine reads one line without its line break, holding at most max bytes of it and the
// CR LF that may end it. With a server, the bytes of the line are reserved on its request
// memory as they are read (the line returned holds exactly len(line) bytes); when that
// fails, the rest of the line is skipped and an error wrapping openrpc.ErrOverloaded
// returned.
func (c *Conn) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := c.r.ReadSlice('\n')
		if int64(len(line)+len(chunk)) > c.max+2 { // +2: a CR LF is not part of the message
			c.ReleaseMessage(line)
			if err := c.skipLine(err); err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, c.tooLarge()
		}
		if c.srv != nil && !c.srv.Reserve(int64(len(chunk))) {
			c.ReleaseMessage(line)
			if err := c.skipLine(err); err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: a line was skipped", openrpc.ErrOverloaded)
		}
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		c.ReleaseMessage(line[len(trimmed):])
		line = trimmed
		if int64(len(line)) > c.max && (err == nil || errors.Is(err, io.EOF)) {
			c.ReleaseMessage(line)
			return nil, c.tooLarge()
		}
		if err != nil && (!errors.Is(err, io.EOF) || len(bytes.TrimSpace(line)) == 0) {
			c.ReleaseMessage(line)
			return nil, err
		}
		return line, err
	}
}

func (c *Conn) tooLarge() error {
	return fmt.Errorf("%w: a line over %d bytes", openrpc.ErrTooLarge, c.max)
}

// ReleaseMessage gives back the bytes of a message Recv returned to the server's memory
// bound, for a Conn made by [Serve]; openrpc.Server.ServeConn calls it. Otherwise it does
// nothing.
func (c *Conn) ReleaseMessage(msg []byte) {
	if c.srv != nil {
		c.srv.Release(int64(len(msg)))
	}
}

// skipLine discards input up to the end of the current line.
func (c *Conn) skipLine(err error) error {
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = c.r.ReadSlice('\n')
	}
	return err
}

// Send writes msg and a newline in one write. Line breaks inside msg are written as spaces:
// in valid JSON they can only be white space between tokens, so the message keeps its value
// and its line.
func (c *Conn) Send(ctx context.Context, msg []byte) error {
	buf := make([]byte, len(msg)+1)
	copy(buf, msg)
	if bytes.ContainsAny(msg, "\r\n") {
		for i, b := range buf[:len(msg)] {
			if b == '\n' || b == '\r' {
				buf[i] = ' '
			}
		}
	}
	buf[len(msg)] = '\n'
	_, err := c.w.Write(buf)
	return err
}

// Close closes the reader and the writer when they can be closed.
func (c *Conn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closed)
		for _, cl := range c.closers {
			err = errors.Join(err, cl.Close())
		}
	})
	return err
}

// Serve answers the messages read from r on w until r ends (then calls in flight finish and
// Serve returns nil) or ctx is done. Use it with os.Stdin and os.Stdout for a plug-in.
func Serve(ctx context.Context, srv *openrpc.Server, r io.Reader, w io.Writer, opts *Options) error {
	o := Options{MaxMessageBytes: srv.Limits().MaxRequestBytes}
	if opts != nil && opts.MaxMessageBytes > 0 {
		o.MaxMessageBytes = opts.MaxMessageBytes
	}
	c := NewConn(r, w, &o)
	c.srv = srv
	defer c.stop()
	return srv.ServeConn(ctx, c, &openrpc.ConnOptions{Caller: &openrpc.Caller{Transport: "stdio"}})
}

// NewClient returns a client that writes calls to w and reads replies from r, such as the
// stdin and stdout pipes of a subprocess (exec.Cmd's StdinPipe and StdoutPipe).
func NewClient(r io.Reader, w io.Writer, opts *Options) *openrpc.Client {
	return openrpc.NewConnClient(NewConn(r, w, opts), nil)
}

// stop ends the reading goroutine, giving back the line it holds, without closing the streams.
func (c *Conn) stop() { c.closeOnce.Do(func() { close(c.closed) }) }
