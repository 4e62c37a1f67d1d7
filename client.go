package openrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// RoundTripper sends one JSON-RPC message and returns the reply, nil when there is none
// (only notifications). HTTP and the in-memory transport of openrpctest are round trippers.
type RoundTripper interface {
	RoundTrip(ctx context.Context, msg []byte) ([]byte, error)
}

// Client calls the methods of a JSON-RPC 2.0 server. Transports construct it: rpchttp over
// HTTP and WebSocket, rpcstdio over a subprocess's pipes, openrpctest in memory; or build
// one over any [RoundTripper] or [Conn] with [NewClient] and [NewConnClient]. A Client is
// safe for concurrent use. Errors the server sends are returned as [*Error].
type Client struct {
	rt   RoundTripper
	conn Conn
	obs  *ClientObserver

	nextID atomic.Int64

	sendMu  sync.Mutex // Conn.Send is not concurrent
	mu      sync.Mutex
	pending map[string]chan json.RawMessage // by raw id
	done    chan struct{}                   // closed when the connection's reader stops
	err     error                           // why it stopped
	closed  atomic.Bool                     // Close was called

	onReply map[string]func(json.RawMessage) // run by the reader before a reply is delivered
	subs    map[string]*clientSub            // running subscriptions by subscription id

	srv     *Server       // serves the calls the peer makes, or nil
	serving chan struct{} // the calls of the peer being served, at most srv's MaxInFlight
}

// ClientOptions configures a [Client]. The zero value (or nil) gives the defaults.
type ClientOptions struct {
	// Server, for a client over a connection, answers the calls and notifications the
	// server sends to this client (see [Peer]): both ends of the connection then serve
	// methods. Without it such calls are dropped (events of subscriptions are always
	// delivered to their [Subscription]).
	Server *Server
	// Observer receives the events of every call, for tracing and metrics (package rpcotel
	// is one). Default none.
	Observer *ClientObserver
}

func (o *ClientOptions) observer() *ClientObserver {
	if o == nil || o.Observer == nil || o.Observer.Call == nil {
		return nil
	}
	return o.Observer
}

// NewClient returns a client that sends each message through rt.
func NewClient(rt RoundTripper, opts *ClientOptions) *Client {
	return &Client{rt: rt, obs: opts.observer()}
}

// NewConnClient returns a client over a connection: requests and replies are matched by id,
// so many calls share the connection at once. The client reads from conn until it fails or
// [Client.Close] is called. A call whose context ends before its reply arrives is canceled
// on the server too: the client sends an rpc.cancel notification naming its id.
func NewConnClient(conn Conn, opts *ClientOptions) *Client {
	c := &Client{conn: conn, obs: opts.observer(), pending: map[string]chan json.RawMessage{}, done: make(chan struct{})}
	if opts != nil && opts.Server != nil {
		c.srv = opts.Server
		c.serving = make(chan struct{}, opts.Server.Limits().MaxInFlight)
	}
	go c.readLoop()
	return c
}

// ErrClientClosed is returned for calls on a closed client or a connection that ended.
var ErrClientClosed = errors.New("openrpc: client closed")

// Close closes the client's connection, if it has one. Calls waiting for replies fail.
func (c *Client) Close() error {
	if c.conn == nil {
		return nil
	}
	c.closed.Store(true)
	return c.conn.Close()
}

// Call calls method with params (a struct or map for params by name, a slice for params by
// position, nil for none) and decodes the result into result (a pointer, or nil to ignore
// it).
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	id := strconv.FormatInt(c.nextID.Add(1), 10)
	msg, err := encodeRequest(method, params, id)
	if err != nil {
		return err
	}
	var end func(error)
	if c.obs != nil {
		ctx, end = c.obs.Call(ctx, ClientCall{Method: method, ID: json.RawMessage(id)})
	}
	reply, err := c.exchange(ctx, msg, []string{id})
	if err == nil {
		err = decodeResponse(pick(reply, id), result)
	}
	if end != nil {
		end(err)
	}
	return err
}

// pick returns the response to id, or the response with a null id: the server's answer when
// it could not read the request at all.
func pick(replies map[string]json.RawMessage, id string) json.RawMessage {
	if raw, ok := replies[id]; ok {
		return raw
	}
	return replies["null"]
}

// Call calls method and returns its result decoded as R.
func Call[R any](ctx context.Context, c *Client, method string, params any) (R, error) {
	var r R
	err := c.Call(ctx, method, params, &r)
	return r, err
}

// Notify sends a notification: the server runs the method and answers nothing.
func (c *Client) Notify(ctx context.Context, method string, params any) error {
	msg, err := encodeRequest(method, params, "")
	if err != nil {
		return err
	}
	var end func(error)
	if c.obs != nil {
		ctx, end = c.obs.Call(ctx, ClientCall{Method: method})
	}
	_, err = c.exchange(ctx, msg, nil)
	if end != nil {
		end(err)
	}
	return err
}

// BatchCall is one call of a [Client.Batch].
type BatchCall struct {
	Method string
	Params any
	// Result receives the decoded result (a pointer), nil to ignore it.
	Result any
	// Notify sends the call as a notification.
	Notify bool
	// Err is set by Batch: the call's error, an [*Error] when the server sent one.
	Err error
}

// Batch sends calls as one batch and sets each call's Result or Err. It returns an error
// only when the batch as a whole failed.
func (c *Client) Batch(ctx context.Context, calls []BatchCall) error {
	if len(calls) == 0 {
		return errors.New("openrpc: empty batch")
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	var ids []string
	for i := range calls {
		id := ""
		if !calls[i].Notify {
			id = strconv.FormatInt(c.nextID.Add(1), 10)
			ids = append(ids, id)
		}
		msg, err := encodeRequest(calls[i].Method, calls[i].Params, id)
		if err != nil {
			return err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(msg)
	}
	buf.WriteByte(']')
	var end func(error)
	if c.obs != nil {
		ctx, end = c.obs.Call(ctx, ClientCall{Batch: len(calls)})
	}
	replies, err := c.exchange(ctx, buf.Bytes(), ids)
	if end != nil {
		end(err)
	}
	if err != nil {
		return err
	}
	k := 0
	for i := range calls {
		if calls[i].Notify {
			continue
		}
		raw := pick(replies, ids[k])
		k++
		if raw == nil {
			calls[i].Err = errors.New("openrpc: no response for this call in the batch reply")
			continue
		}
		calls[i].Err = decodeResponse(raw, calls[i].Result)
	}
	return nil
}

// exchange sends msg and returns the responses to the given ids.
func (c *Client) exchange(ctx context.Context, msg []byte, ids []string) (map[string]json.RawMessage, error) {
	if c.rt != nil {
		reply, err := c.rt.RoundTrip(ctx, msg)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, nil
		}
		if reply == nil {
			return nil, errors.New("openrpc: the server sent no response")
		}
		return splitResponses(reply)
	}
	return c.exchangeConn(ctx, msg, ids)
}

func (c *Client) exchangeConn(ctx context.Context, msg []byte, ids []string) (map[string]json.RawMessage, error) {
	chans := make([]chan json.RawMessage, len(ids))
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return nil, c.err
	}
	for i, id := range ids {
		chans[i] = make(chan json.RawMessage, 1)
		c.pending[id] = chans[i]
	}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		for _, id := range ids {
			delete(c.pending, id)
		}
		c.mu.Unlock()
	}()
	l, err := c.sendCall(ctx, msg)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		// A handler waiting for a reply over a connection gives up its own connection's
		// MaxInFlight slot meanwhile: when it waits for its peer, the reply can only be read
		// while a slot is free.
		releaseSlotOf(ctx)
	}
	out := make(map[string]json.RawMessage, len(ids))
	for i, ch := range chans {
		var gone error
		select {
		case raw := <-ch:
			out[ids[i]] = raw
			continue
		case <-ctx.Done():
			c.cancelRemote(l, ids[i:])
			return nil, ctx.Err()
		case <-c.done:
			gone = c.err
		case <-l.lost(): // a reconnecting client lost the connection the call went out on
			gone = l.err()
		}
		// The reply may have arrived just before the connection ended.
		select {
		case raw := <-ch:
			out[ids[i]] = raw
		default:
			return nil, gone
		}
	}
	return out, nil
}

// cancelRemote tells the server that the calls with ids, sent on l, were given up, so that
// it cancels them (rpc.cancel), without waiting.
func (c *Client) cancelRemote(l *link, ids []string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), cancelSendTimeout)
		defer cancel()
		for _, id := range ids {
			c.sendOn(ctx, l, []byte(`{"jsonrpc":"2.0","method":"rpc.cancel","params":{"id":`+id+`}}`))
		}
	}()
}

// sendOn writes msg on l, the connection a message is about (a reply to a call the server
// made on it, a cancel of a call sent on it): never on the next connection of a
// reconnecting client, whose server knows nothing of it. A nil l is the client's only
// connection.
func (c *Client) sendOn(ctx context.Context, l *link, msg []byte) error {
	if l != nil {
		return l.send(ctx, msg)
	}
	return c.send(ctx, msg)
}

// cancelSendTimeout bounds the sending of an rpc.cancel notification.
const cancelSendTimeout = 5 * time.Second

// send writes one message on the connection.
func (c *Client) send(ctx context.Context, msg []byte) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	return c.conn.Send(ctx, msg)
}

// readLoop delivers the responses arriving on the connection to the calls waiting for them.
func (c *Client) readLoop() {
	var err error
	for {
		var msg []byte
		msg, err = c.conn.Recv(context.Background())
		if err != nil {
			break
		}
		if c.dispatchRequest(msg) {
			continue
		}
		responses, perr := splitResponses(msg)
		if perr != nil {
			continue // not for us to answer: the server sent something that is not a response
		}
		c.mu.Lock()
		for id, raw := range responses {
			if id == "null" {
				// The server could not read one of our messages and cannot say which: fail
				// every call in flight with its error rather than let one wait forever.
				for pid, ch := range c.pending {
					ch <- raw
					delete(c.pending, pid)
				}
				continue
			}
			if ch, ok := c.pending[id]; ok {
				if f := c.onReply[id]; f != nil {
					f(raw)
				}
				ch <- raw
				delete(c.pending, id)
			}
		}
		c.mu.Unlock()
	}
	if !c.closed.Load() {
		err = fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	c.mu.Lock()
	c.err = fmt.Errorf("%w: %w", ErrClientClosed, err)
	subs := c.subs
	c.subs = nil
	c.mu.Unlock()
	close(c.done)
	for _, sub := range subs {
		sub.end(c.err)
	}
}

// encodeRequest encodes one request; id "" makes it a notification.
func encodeRequest(method string, params any, id string) ([]byte, error) {
	req := struct {
		JSONRPC string          `json:"jsonrpc"`
		Method  string          `json:"method"`
		Params  json.RawMessage `json:"params,omitempty"`
		ID      json.RawMessage `json:"id,omitempty"`
	}{JSONRPC: "2.0", Method: method}
	if params != nil {
		p, err := json.Marshal(params)
		if err != nil {
			return nil, fmt.Errorf("openrpc: encoding params of %s: %w", method, err)
		}
		if len(p) == 0 || (p[0] != '{' && p[0] != '[') {
			if string(p) != "null" {
				return nil, fmt.Errorf("openrpc: params of %s must encode as an object or an array, not %s", method, p)
			}
			p = nil
		}
		req.Params = p
	}
	if id != "" {
		req.ID = json.RawMessage(id)
	}
	return json.Marshal(req)
}

// response is a JSON-RPC response object as the client reads it.
type response struct {
	JSONRPC string          `json:"jsonrpc"`
	Result  json.RawMessage `json:"result"`
	Error   *Error          `json:"error"`
	ID      json.RawMessage `json:"id"`
}

// splitResponses indexes the response objects of a reply (one, or an array) by raw id.
func splitResponses(reply []byte) (map[string]json.RawMessage, error) {
	reply = bytes.TrimSpace(reply)
	var items []json.RawMessage
	if len(reply) > 0 && reply[0] == '[' {
		if err := json.Unmarshal(reply, &items); err != nil {
			return nil, fmt.Errorf("openrpc: malformed batch response: %w", err)
		}
	} else {
		items = []json.RawMessage{reply}
	}
	out := make(map[string]json.RawMessage, len(items))
	for _, it := range items {
		var r struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(it, &r); err != nil {
			return nil, fmt.Errorf("openrpc: malformed response: %w", err)
		}
		out[string(r.ID)] = it
	}
	return out, nil
}

// decodeResponse returns the error a response carries, or decodes its result into result.
func decodeResponse(raw json.RawMessage, result any) error {
	if raw == nil {
		return errors.New("openrpc: no response for this call")
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("openrpc: malformed response: %w", err)
	}
	if r.JSONRPC != "2.0" {
		return fmt.Errorf("openrpc: response is not JSON-RPC 2.0: %s", raw)
	}
	if r.Error != nil {
		return r.Error
	}
	if r.Result == nil {
		return fmt.Errorf("openrpc: response has neither result nor error: %s", raw)
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(r.Result, result); err != nil {
		return fmt.Errorf("openrpc: decoding result: %w", err)
	}
	return nil
}
