// Drives the by-position method of the server TestGenTSByPosition (gen_ts_test.go) starts,
// through the client openrpc gen ts generated from its document (./pages/client.ts): an
// optional param left undefined before a given one is sent as its default (limit, 10), or
// as null (cursor, which may be null), and one with neither (order) makes the method throw
// before anything is sent. The test checks the params the server received; any failure
// here exits non-zero.
import { Client, JSONRPCError } from "./pages/client.js";
import type { PageResult } from "./pages/client.js";

declare const process: { env: { [name: string]: string | undefined }; exitCode?: number };

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error("FAIL " + what);
  console.log("ok " + what);
}

function show(r: PageResult): string {
  return JSON.stringify([r.limit, r.cursor === undefined ? "absent" : r.cursor, r.order, r.tag]);
}

// refusedBefore checks that call throws at once the client's own Error (no JSONRPCError:
// the server never saw the call) naming the method and order.
function refusedBefore(call: () => unknown, what: string): void {
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    check(
      e instanceof Error && !(e instanceof JSONRPCError) && e.message.startsWith('page_by_position: param "order" must be given when a later param is'),
      `${what} (${String(e)})`,
    );
    return;
  }
  throw new Error(`FAIL ${what}: got ${String(result)}, want an Error thrown before sending`);
}

async function main(): Promise<void> {
  const url = process.env["PAGES_URL"];
  if (!url) throw new Error("set PAGES_URL");
  const c = new Client(url);
  const before = await c.pageReceived();
  check(before.length === 0, `nothing received yet (${JSON.stringify(before)})`);

  // Sent as [10,null,"asc"], [0,null,"desc","t"], [10,"c","asc"] and [5].
  check(show(await c.pageByPosition(undefined, undefined, "asc")) === '[10,null,"asc",""]', "limit sent as its default, cursor as null");
  check(show(await c.pageByPosition(0, undefined, "desc", "t")) === '[0,null,"desc","t"]', "a given 0 sent as 0");
  check(show(await c.pageByPosition(undefined, "c", "asc")) === '[10,"c","asc",""]', "limit sent as its default before a given cursor");
  check(show(await c.pageByPosition(5)) === '[5,"absent","",""]', "the last ones left undefined are left out");
  refusedBefore(() => c.pageByPosition(5, undefined, undefined, "t"), "order left undefined before tag: refused");

  // In a batch, the refused call is not queued; the other is sent as [10,null,"asc"].
  const b = c.batch();
  const sent = b.pageByPosition(undefined, undefined, "asc");
  refusedBefore(() => b.pageByPosition(undefined, undefined, undefined, "t"), "batch: order left undefined before tag: refused");
  await b.send();
  check(show(await sent) === '[10,null,"asc",""]', "batch: limit sent as its default");

  const after = await c.pageReceived();
  check(after.length === 5, `the refused calls sent nothing (${JSON.stringify(after)})`);
  console.log("PASS");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
