// Checks one OpenRPC document with @open-rpc/schema-utils-js, the library behind the OpenRPC
// playground and generator: validateOpenRPCDocument, then parseOpenRPCDocument with
// dereferencing and validation on. Usage: node check.mjs FILE
//
// It prints one line per step, "validate: ok", "parse: ok", or the step followed by
// "failed:" and the library's message on one line, and exits 0 only when both steps pass. Each line is
// written synchronously, so a process that dies in a step (the dereferencer exhausting the
// heap) still shows the steps before it.
import { readFileSync, writeSync } from "node:fs";
import { parseOpenRPCDocument, validateOpenRPCDocument } from "@open-rpc/schema-utils-js";

const say = (line) => writeSync(1, line + "\n");
const message = (e) => String(e && e.message !== undefined ? e.message : e).replace(/\s+/g, " ");

if (process.argv.length !== 3) {
  say("usage: node check.mjs FILE");
  process.exit(2);
}
const text = readFileSync(process.argv[2], "utf8");
let ok = true;

try {
  const result = validateOpenRPCDocument(JSON.parse(text));
  if (result === true) {
    say("validate: ok");
  } else {
    ok = false;
    say("validate: failed: " + message(result));
  }
} catch (e) {
  ok = false;
  say("validate: failed: " + message(e));
}

try {
  await parseOpenRPCDocument(JSON.parse(text), { dereference: true, validate: true });
  say("parse: ok");
} catch (e) {
  ok = false;
  say("parse: failed: " + message(e));
}

process.exit(ok ? 0 : 1);
