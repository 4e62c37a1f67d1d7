// Drives examples/auth and examples/spec through the clients openrpc gen ts generated
// from their documents (./auth/client.ts, ./spec/client.ts), over HTTP and WebSocket.
// gen_ts_test.go compiles it with tsc and runs it with node; any failure exits non-zero.
import { Client as AuthClient, ErrorCode as AuthCode, JSONRPCError } from "./auth/client.js";
import type { SignUp, User } from "./auth/client.js";
import { Client as SpecClient, ErrorCode as SpecCode, JSONRPCError as SpecError } from "./spec/client.js";

declare const process: { env: { [name: string]: string | undefined }; exitCode?: number };

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error("FAIL " + what);
  console.log("ok " + what);
}

// Each generated module has its own JSONRPCError class.
async function refused(p: Promise<unknown>, code: number, what: string): Promise<JSONRPCError | SpecError> {
  let result: unknown;
  try {
    result = await p;
  } catch (e) {
    check((e instanceof JSONRPCError || e instanceof SpecError) && e.code === code, `${what} (${String(e)})`);
    return e as JSONRPCError | SpecError;
  }
  throw new Error(`FAIL ${what}: got ${JSON.stringify(result)}, want error ${code}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const password = "correct horse battery";

async function spec(base: string, scheme: string): Promise<void> {
  const url = base.replace(/^http/, scheme) + "/api/v1";
  // The standard fetch and WebSocket, given explicitly: their DOM types fit the options.
  const c = new SpecClient(url, { fetch, WebSocket });
  check((await c.subtract(42, 23)) === 19, `${scheme} subtract by name`);
  check((await c.sum(1, 2, 3.5)) === 6.5, `${scheme} sum by position, variadic`);
  check((await c.sum()) === 0, `${scheme} sum of nothing`);
  await c.update(1, "two", { three: 3 });
  check(true, `${scheme} notification`);
  const data = await c.getData();
  check(Array.isArray(data), `${scheme} get_data`);
  await refused(c.transport.call("no_such_method"), SpecCode.MethodNotFound, `${scheme} unknown method refused`);

  const b = c.batch();
  const d = b.subtract(10, 4);
  const s = b.sum(1, 1);
  const n = b.notifyHello("batched");
  const bad = b.subtract(Number.MAX_VALUE, -Number.MAX_VALUE);
  await b.send();
  check((await d) === 6 && (await s) === 2, `${scheme} batch results`);
  await n;
  await refused(bad, SpecCode.InvalidParams, `${scheme} batch error of one call`);

  if (scheme === "ws") {
    const ticks = await c.ticker(10, 3);
    const seen: number[] = [];
    for await (const tick of ticks) {
      check(typeof tick.time === "string", `${scheme} tick ${tick.n} has a time`);
      seen.push(tick.n);
    }
    check(seen.join(",") === "1,2,3", `${scheme} ticker subscription ends after 3 ticks (${seen})`);

    const long = await c.ticker(10, 1000);
    for await (const tick of long) {
      check(tick.n === 1, `${scheme} first tick of a long subscription`);
      break; // leaving the loop unsubscribes
    }
    check((await c.tickerUnsubscribe(long.id)) === false, `${scheme} leaving the loop unsubscribed`);
  } else {
    let err: unknown;
    await c.ticker(10, 1).catch((e: unknown) => (err = e));
    check(err instanceof Error && !(err instanceof SpecError), `${scheme} subscription refused before sending`);
  }
  c.close();
}

async function auth(base: string, scheme: string): Promise<void> {
  const url = base.replace(/^http/, scheme) + "/api/v1";
  const user = `${scheme}-user-${Math.random().toString(36).slice(2, 10)}`;
  const c = new AuthClient(url);
  check((await c.signUp(user, password)) === null, `${scheme} sign_up`);
  await refused(c.signUp(user, password), AuthCode.UsernameIsTaken, `${scheme} sign_up of a taken name`);
  await refused(c.signIn(user, "wrong password"), AuthCode.InvalidUsernameOrPassword, `${scheme} wrong password`);
  const token = await c.signIn(user, password);
  check(token.token_type === "bearer" && token.access_token.length > 0, `${scheme} sign_in`);
  await refused(c.getCaller(), AuthCode.PermissionError, `${scheme} get_caller without a token`);

  c.setToken(token.access_token);
  const me: User = await c.getCaller();
  check(me.username === user, `${scheme} get_caller with the bearer token`);
  const e = await refused(c.requireScopes(), -32099, `${scheme} require_scopes without scope1`);
  check(JSON.stringify(e.data).includes("insufficient_scope"), `${scheme} refusal data names insufficient_scope`);

  const admin = new AuthClient(url);
  const rootToken = (await admin.signIn("root", "root-password-1")).access_token;
  admin.setToken(rootToken);
  await admin.grantScopes(user, ["scope1"]);
  check((await c.requireScopes()) === true, `${scheme} require_scopes after grant_scopes`);

  if (scheme === "ws") {
    // The token of a WebSocket client travels in the handshake (a subprotocol).
    const watcher = new AuthClient(url, { token: rootToken });
    const watch = await watcher.watchSignUps();
    const events = watch[Symbol.asyncIterator]();
    const next = events.next();
    const signedUp: string[] = [];
    const http = new AuthClient(base + "/api/v1");
    // The watch starts right after its reply: sign up until its first event arrives.
    let got: IteratorResult<SignUp> | undefined;
    for (let i = 0; i < 100 && got === undefined; i++) {
      const name = `${user}-${i}`;
      await http.signUp(name, password);
      signedUp.push(name);
      got = await Promise.race([next, sleep(100).then(() => undefined)]);
    }
    check(got !== undefined && !got.done && signedUp.includes(got.value.username), `${scheme} watch_sign_ups event`);
    check((await watch.unsubscribe()) === true, `${scheme} unsubscribe`);
    check((await events.next()).done === true, `${scheme} no event after the unsubscribe`);
    watcher.close();
  }
  c.close();
  admin.close();
}

async function main(): Promise<void> {
  const authBase = process.env["AUTH_URL"];
  const specBase = process.env["SPEC_URL"];
  if (!authBase || !specBase) throw new Error("set AUTH_URL and SPEC_URL");
  for (const scheme of ["http", "ws"]) {
    await spec(specBase, scheme);
    await auth(authBase, scheme);
  }
  console.log("PASS");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
