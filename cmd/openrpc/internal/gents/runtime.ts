// ---------------------------------------------------------------------------------------
// JSON-RPC 2.0 over HTTP (fetch) and WebSocket, with no dependency.

/** The error a JSON-RPC call failed with: the server's error object. */
export class JSONRPCError extends Error {
  /** The error code: one of ErrorCode, or another the server chose. */
  readonly code: number;
  /** The error's data member, when the server sent one. */
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "JSONRPCError";
    this.code = code;
    this.data = data;
  }
}

/** The params of a request: by position or by name. */
export type Params = unknown[] | { [name: string]: unknown };

/** The part of the standard fetch the client uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: { [name: string]: string }; body: string },
) => Promise<FetchResponse>;

/** The part of fetch's Response the client uses. */
export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  text(): Promise<string>;
}

/** The part of the standard WebSocket the client uses. */
export interface WebSocketLike {
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor, such as the standard WebSocket. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** How a Client reaches its server. */
export interface ClientOptions {
  /** Headers sent with every HTTP request. A WebSocket handshake cannot carry them. */
  headers?: { [name: string]: string };
  /**
   * A bearer token: "Authorization: Bearer TOKEN" over HTTP; over WebSocket, offered in the
   * handshake as the subprotocol openrpc.bearer.BASE64URL(TOKEN), which openrpc-go servers
   * take as that header (browsers cannot set headers on a WebSocket handshake).
   */
  token?: string;
  /** The fetch function for http(s) URLs; the global fetch by default. */
  fetch?: FetchLike;
  /** The WebSocket constructor for ws(s) URLs; the global WebSocket by default. */
  WebSocket?: WebSocketConstructor;
}

interface Message {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

interface Request {
  jsonrpc: "2.0";
  id?: number;
  method: string;
  params?: Params;
}

/** A request on its way, and what to do with its reply (for Transport and Batch). */
export interface RequestItem {
  request: Request;
  /** The unsubscribe method, for a subscription. */
  unsubscribe?: string;
  settled: boolean;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

interface Connection {
  socket: WebSocketLike;
  closed: boolean;
  pending: Map<number, RequestItem>;
  subscriptions: Map<string, Subscription<unknown>>;
}

function newItem(method: string, params: Params | undefined, id: number | undefined): [RequestItem, Promise<unknown>] {
  const request: Request = { jsonrpc: "2.0", method };
  if (id !== undefined) request.id = id;
  if (params !== undefined) request.params = params;
  let item!: RequestItem;
  const promise = new Promise<unknown>((resolve, reject) => {
    item = {
      request,
      settled: false,
      resolve(value) {
        if (!item.settled) {
          item.settled = true;
          resolve(value);
        }
      },
      reject(reason) {
        if (!item.settled) {
          item.settled = true;
          reject(reason);
        }
      },
    };
  });
  return [item, promise];
}

function errorOf(e: unknown): JSONRPCError {
  const o = typeof e === "object" && e !== null ? (e as { code?: unknown; message?: unknown; data?: unknown }) : {};
  const code = typeof o.code === "number" ? o.code : -32603;
  const message = typeof o.message === "string" ? o.message : "malformed error " + JSON.stringify(e);
  return new JSONRPCError(code, message, o.data);
}

function settle(item: RequestItem, reply: Message): void {
  if (reply.error !== undefined && reply.error !== null) {
    item.reject(errorOf(reply.error));
  } else {
    item.resolve(reply.result === undefined ? null : reply.result);
  }
}

function base64url(s: string): string {
  const bytes: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) out += alphabet.charAt((n >> (18 - 6 * j)) & 63);
  }
  return out;
}

/**
 * The connection to one server: HTTP POSTs for http(s) URLs, one WebSocket for ws(s)
 * URLs, opened on the first request and again after it closes.
 */
export class Transport {
  /** The server's JSON-RPC endpoint. */
  readonly url: string;
  private readonly headers: { [name: string]: string };
  private token: string | undefined;
  private readonly fetchFn: FetchLike | undefined;
  private readonly WebSocketCtor: WebSocketConstructor | undefined;
  private nextId = 1;
  private connection: Promise<Connection> | undefined;

  constructor(url: string, options: ClientOptions = {}) {
    this.url = url;
    this.headers = { ...options.headers };
    this.token = options.token;
    this.fetchFn = options.fetch;
    this.WebSocketCtor = options.WebSocket;
  }

  /** Whether requests go over a WebSocket (a ws: or wss: URL). */
  get isWebSocket(): boolean {
    return /^wss?:/i.test(this.url);
  }

  /**
   * Sets the bearer token of the next requests, or removes it. Over WebSocket the token
   * belongs to the connection: an open one is closed (ending its subscriptions) and the
   * next request opens another.
   */
  setToken(token: string | undefined): void {
    this.token = token;
    if (this.isWebSocket) this.close();
  }

  /** Calls method and returns its result. */
  call(method: string, params?: Params): Promise<unknown> {
    const [item, promise] = newItem(method, params, this.nextId++);
    this.exchange([item], false).catch(() => {});
    return promise;
  }

  /** Sends a notification: the server answers nothing. */
  notify(method: string, params?: Params): Promise<void> {
    const [item, promise] = newItem(method, params, undefined);
    this.exchange([item], false).catch(() => {});
    return promise.then(() => undefined);
  }

  /** Calls a subscription method (WebSocket only) and returns the subscription. */
  subscribe<E>(method: string, params: Params | undefined, unsubscribe: string): Promise<Subscription<E>> {
    if (!this.isWebSocket) {
      return Promise.reject(new Error(`${method} is a subscription: it needs a ws: or wss: URL, not ${this.url}`));
    }
    const [item, promise] = newItem(method, params, this.nextId++);
    item.unsubscribe = unsubscribe;
    this.exchange([item], false).catch(() => {});
    return promise as Promise<Subscription<E>>;
  }

  /**
   * Sends requests made with newRequest, as a batch when batch is true, and settles each
   * one with its reply. It rejects when the requests could not be sent or their replies
   * not read; the requests are rejected with the same error.
   */
  async exchange(items: RequestItem[], batch: boolean): Promise<void> {
    try {
      if (items.length === 0) return;
      if (this.isWebSocket) {
        await this.sendWebSocket(items, batch);
      } else {
        await this.post(items, batch);
      }
    } catch (e) {
      for (const item of items) item.reject(e);
      throw e;
    }
  }

  /** Makes a request for exchange, with an id unless it is a notification. */
  newRequest(method: string, params: Params | undefined, notification: boolean): [RequestItem, Promise<unknown>] {
    return newItem(method, params, notification ? undefined : this.nextId++);
  }

  /** Closes the WebSocket, if one is open: its calls and subscriptions fail. */
  close(): void {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      connection.then((c) => c.socket.close(1000), () => {});
    }
  }

  private async post(items: RequestItem[], batch: boolean): Promise<void> {
    const fetchFn = this.fetchFn ?? (globalThis as unknown as { fetch?: FetchLike }).fetch;
    if (!fetchFn) throw new Error("no fetch: give ClientOptions.fetch");
    const headers: { [name: string]: string } = { "Content-Type": "application/json", ...this.headers };
    if (this.token !== undefined) headers["Authorization"] = "Bearer " + this.token;
    const body = JSON.stringify(batch ? items.map((i) => i.request) : items[0]?.request);
    const response = await fetchFn(this.url, { method: "POST", headers, body });
    const text = await response.text();
    const calls = items.filter((i) => i.request.id !== undefined);
    if (calls.length === 0 && response.ok) {
      for (const item of items) item.resolve(undefined);
      return;
    }
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      throw new Error(`${this.url}: HTTP ${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
    }
    const replies = (Array.isArray(reply) ? reply : [reply]) as Message[];
    for (const r of replies) {
      const item = calls.find((i) => i.request.id === r.id);
      if (item) {
        settle(item, r);
      } else if (r.id === null && r.error !== undefined) {
        for (const i of calls) i.reject(errorOf(r.error));
      }
    }
    for (const item of items) {
      if (item.request.id === undefined) item.resolve(undefined);
      else item.reject(new Error(`${this.url}: no reply to ${item.request.method}`));
    }
  }

  private connect(): Promise<Connection> {
    if (this.connection) return this.connection;
    const Ctor = this.WebSocketCtor ?? (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) return Promise.reject(new Error("no WebSocket: give ClientOptions.WebSocket"));
    const protocols = ["jsonrpc-2.0"];
    if (this.token !== undefined) protocols.push("openrpc.bearer." + base64url(this.token));
    const connection = new Promise<Connection>((resolve, reject) => {
      const c: Connection = { socket: new Ctor(this.url, protocols), closed: false, pending: new Map(), subscriptions: new Map() };
      c.socket.onopen = () => resolve(c);
      c.socket.onerror = () => {};
      c.socket.onclose = (event: { code?: number; reason?: string }) => {
        c.closed = true;
        if (this.connection === connection) this.connection = undefined;
        const why = new Error(`${this.url}: WebSocket closed (${event.code ?? 1006}${event.reason ? " " + event.reason : ""})`);
        reject(why);
        for (const item of c.pending.values()) item.reject(why);
        c.pending.clear();
        for (const s of c.subscriptions.values()) s.end(why);
        c.subscriptions.clear();
      };
      c.socket.onmessage = (event: { data?: unknown }) => this.receive(c, String(event.data));
    });
    this.connection = connection;
    return connection;
  }

  private async sendWebSocket(items: RequestItem[], batch: boolean): Promise<void> {
    const c = await this.connect();
    for (const item of items) {
      if (item.request.id !== undefined) c.pending.set(item.request.id, item);
    }
    const requests = items.map((i) => i.request);
    c.socket.send(JSON.stringify(batch ? requests : requests[0]));
    for (const item of items) {
      if (item.request.id === undefined) item.resolve(undefined);
    }
  }

  private receive(c: Connection, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    for (const m of (Array.isArray(message) ? message : [message]) as Message[]) {
      if (typeof m !== "object" || m === null) continue;
      if (typeof m.method === "string") {
        if (m.id !== undefined && m.id !== null) {
          // A call from the server: this client serves no methods.
          c.socket.send(JSON.stringify({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "Method not found" } }));
        } else {
          this.event(c, m.params);
        }
        continue;
      }
      if (m.id === null && m.error !== undefined) {
        // The server could not read a request: every call waiting here fails.
        for (const item of c.pending.values()) item.reject(errorOf(m.error));
        c.pending.clear();
        continue;
      }
      if (typeof m.id !== "number") continue;
      const item = c.pending.get(m.id);
      if (!item) continue;
      c.pending.delete(m.id);
      if (item.unsubscribe !== undefined && (m.error === undefined || m.error === null)) {
        const id = String(m.result);
        const unsubscribe = item.unsubscribe;
        const s = new Subscription<unknown>(id, () => {
          c.subscriptions.delete(id);
          // A subscription ends with its connection: no need to open another to end it.
          return c.closed ? Promise.resolve(false) : (this.call(unsubscribe, [id]) as Promise<boolean>);
        });
        c.subscriptions.set(id, s);
        item.resolve(s);
      } else {
        settle(item, m);
      }
    }
  }

  private event(c: Connection, params: unknown): void {
    if (typeof params !== "object" || params === null) return;
    const p = params as { subscription?: unknown; result?: unknown; done?: unknown; error?: unknown };
    const s = c.subscriptions.get(String(p.subscription));
    if (!s) return;
    if (p.error !== undefined) {
      c.subscriptions.delete(s.id);
      s.end(errorOf(p.error));
    } else if (p.done === true) {
      c.subscriptions.delete(s.id);
      s.end();
    } else {
      s.push(p.result);
    }
  }
}

/**
 * The events of a subscription, in order, as an async iterator: for await (const e of s).
 * The loop ends when the server ends the subscription, throws its error (a JSONRPCError)
 * when it ends with one, and unsubscribes when the loop is left early.
 */
export class Subscription<E> implements AsyncIterable<E> {
  /** The subscription id the server gave. */
  readonly id: string;
  private readonly stop: () => Promise<boolean>;
  private readonly queue: E[] = [];
  private readonly waiting: { resolve(r: IteratorResult<E>): void; reject(e: unknown): void }[] = [];
  private ended = false;
  private failure: unknown = undefined;

  constructor(id: string, stop: () => Promise<boolean>) {
    this.id = id;
    this.stop = stop;
  }

  /** Ends the subscription; true when the server had it still running. */
  unsubscribe(): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    this.end();
    return this.stop();
  }

  /** Returns the next event, or done when the subscription has ended. */
  next(): Promise<IteratorResult<E>> {
    if (this.queue.length > 0) return Promise.resolve({ done: false, value: this.queue.shift() as E });
    if (this.ended) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        return Promise.reject(failure);
      }
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.unsubscribe().catch(() => false);
        return { done: true, value: undefined };
      },
    };
  }

  /** Delivers an event (for Transport). */
  push(event: E): void {
    if (this.ended) return;
    const w = this.waiting.shift();
    if (w) w.resolve({ done: false, value: event });
    else this.queue.push(event);
  }

  /** Ends the events, with the reason when it is an error (for Transport). */
  end(failure?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = failure;
    const waiting = this.waiting.splice(0);
    if (failure !== undefined && waiting.length > 0) this.failure = undefined;
    for (const w of waiting) {
      if (failure !== undefined) w.reject(failure);
      else w.resolve({ done: true, value: undefined });
    }
  }
}
