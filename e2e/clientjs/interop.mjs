// Drives an openrpc-go server with @open-rpc/client-js, over HTTP and over WebSocket.
// Usage: node interop.mjs <http-url> <ws-url>. Exits non-zero on the first failed check.
// The server has the specification's methods and a subscription "ticker" ({count,
// interval_ms}) whose events are {n}, numbered from 0.
import { Client, HTTPTransport, RequestManager, WebSocketTransport } from "@open-rpc/client-js";
import assert from "node:assert/strict";

const [httpURL, wsURL] = process.argv.slice(2);
if (!httpURL || !wsURL) {
  console.error("usage: node interop.mjs <http-url> <ws-url>");
  process.exit(2);
}

async function check(name, transport) {
  const client = new Client(new RequestManager([transport]));
  try {
    assert.equal(await client.request({ method: "subtract", params: [42, 23] }), 19);
    assert.equal(await client.request({ method: "subtract", params: { subtrahend: 23, minuend: 42 } }), 19);
    assert.equal(await client.request({ method: "sum", params: [1, 2, 4] }), 7);
    assert.deepEqual(await client.request({ method: "get_data" }), ["hello", 5]);
    await client.notify({ method: "update", params: [1, 2, 3, 4, 5] });
    await assert.rejects(client.request({ method: "foobar" }), (err) => err.code === -32601);
    await assert.rejects(client.request({ method: "subtract", params: [1] }), (err) => {
      assert.equal(err.code, -32602);
      assert.equal(err.data.errors[0].path, "/subtrahend");
      return true;
    });
    const doc = await client.request({ method: "rpc.discover" });
    assert.equal(doc.openrpc, "1.3.2");
    assert.ok(doc.methods.some((m) => m.name === "subtract"));
    // Concurrent calls share the transport.
    const sums = await Promise.all(Array.from({ length: 50 }, (_, i) => client.request({ method: "sum", params: [i, 1] })));
    sums.forEach((s, i) => assert.equal(s, i + 1));
    console.log(`${name}: ok`);
  } finally {
    client.close();
  }
}

// notifications collects the notifications of one method, per subscription id, from the
// client's notification callback: events may arrive before the subscribe call's promise
// settles, so they are kept from the start.
function notifications(client, method) {
  const bySub = new Map();
  const waiters = [];
  client.onNotification((n) => {
    if (n.method !== method) return;
    const id = n.params.subscription;
    if (!bySub.has(id)) bySub.set(id, []);
    bySub.get(id).push(n.params);
    for (const w of waiters.splice(0)) w();
  });
  return {
    of: (id) => bySub.get(id) ?? [],
    // until resolves once pred(notifications of id) holds.
    async until(id, pred) {
      while (!pred(bySub.get(id) ?? [])) {
        await new Promise((resolve) => waiters.push(resolve));
      }
      return bySub.get(id);
    },
  };
}

// Subscriptions over WebSocket, through the client's notification callback.
async function checkSubscriptions(transport) {
  const client = new Client(new RequestManager([transport]));
  try {
    const ticks = notifications(client, "ticker");
    // count events in order, then the last notification {subscription, done: true}.
    const id = await client.request({ method: "ticker", params: { count: 20 } });
    assert.match(id, /^0x[0-9a-f]{32}$/);
    const got = await ticks.until(id, (ns) => ns.some((n) => n.done));
    assert.equal(got.length, 21);
    got.slice(0, 20).forEach((n, i) => assert.deepEqual(n, { subscription: id, result: { n: i } }));
    assert.deepEqual(got[20], { subscription: id, done: true });

    // Unsubscribe ends a running subscription: true once, false after; no last notification.
    const running = await client.request({ method: "ticker", params: { count: 10000, interval_ms: 5 } });
    await ticks.until(running, (ns) => ns.length >= 3);
    assert.equal(await client.request({ method: "ticker_unsubscribe", params: [running] }), true);
    assert.equal(await client.request({ method: "ticker_unsubscribe", params: { subscription: running } }), false);
    const after = ticks.of(running);
    after.forEach((n, i) => assert.deepEqual(n, { subscription: running, result: { n: i } }));

    // Two subscriptions at once get their own events.
    const [a, b] = await Promise.all([3, 4].map((count) => client.request({ method: "ticker", params: { count } })));
    assert.notEqual(a, b);
    for (const [sub, count] of [[a, 3], [b, 4]]) {
      const ns = await ticks.until(sub, (ns) => ns.some((n) => n.done));
      assert.deepEqual(ns.map((n) => n.result?.n), [...Array.from({ length: count }, (_, i) => i), undefined]);
    }

    // Bad params are refused like any call's.
    await assert.rejects(client.request({ method: "ticker", params: { count: -1 } }), (err) => err.code === -32602);
    console.log("websocket subscriptions: ok");
  } finally {
    client.close();
  }
}

try {
  await check("http", new HTTPTransport(httpURL));
  await check("websocket", new WebSocketTransport(wsURL));
  await checkSubscriptions(new WebSocketTransport(wsURL));
  console.log("interop: all checks passed");
} catch (err) {
  console.error("interop failed:", err);
  process.exit(1);
}
