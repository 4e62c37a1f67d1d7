// Drives an openrpc-go server with @open-rpc/client-js, over HTTP and over WebSocket.
// Usage: node interop.mjs <http-url> <ws-url>. Exits non-zero on the first failed check.
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

try {
  await check("http", new HTTPTransport(httpURL));
  await check("websocket", new WebSocketTransport(wsURL));
  console.log("interop: all checks passed");
} catch (err) {
  console.error("interop failed:", err);
  process.exit(1);
}
