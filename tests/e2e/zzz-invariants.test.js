// Runs last: after every other end-to-end test (and their concurrent attacks), the data
// invariants of worker/invariants.sql hold (no card without its account, no invitation
// without its card, no session without its profile, ...).
import { test } from "node:test";
import assert from "node:assert/strict";
import { call } from "./helpers.js";

test("the data invariants hold after the whole suite", async () => {
  const r = await call("GET", "/dev/invariants");
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.checked >= 20, r.text);
  assert.deepEqual(r.json.violations, [], JSON.stringify(r.json.violations, null, 2));
});
