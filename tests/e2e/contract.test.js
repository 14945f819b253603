// The contract as openapi.yaml states it, and the regressions Schemathesis found against it
// (tests/fuzz/run.sh): every one of them answered wrongly before its fix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { call, newPerson, newAccount, assertError, API } from "./helpers.js";

test("GET /openapi.json serves openapi.yaml's operations", async () => {
  const r = await call("GET", "/openapi.json");
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.openapi, /^3\.1/);
  assert.ok(r.json.paths["/me"].get && r.json.paths["/accounts/{id}/users"].post);
  const yaml = readFileSync(new URL("../../openapi.yaml", import.meta.url), "utf8");
  for (const path of Object.keys(r.json.paths)) assert.ok(yaml.includes(`\n  ${path}:`), path);
});

test("a method the router does not know is 405 with Allow, never read as GET", async () => {
  for (const path of ["/health", "/me", "/dev/clock", "/accounts"]) {
    const r = await fetch(`${API}${path}`, { method: "QUERY", headers: { "Content-Type": "application/json" }, body: "{}" });
    assert.equal(r.status, 405, `${path}: ${await r.text()}`);
    assert.ok(r.headers.get("allow"), path);
  }
  const opts = await call("OPTIONS", "/accounts");
  assertError(opts, 405, "method_not_allowed");
  assert.equal(opts.headers.get("allow"), "POST, GET");
});

test("a literal segment is not a parameter: Allow lists exactly the path's methods", async () => {
  const p = await newPerson();
  const r = await call("DELETE", "/me/sessions/end-others", { token: p.token });
  assertError(r, 405, "method_not_allowed");
  assert.equal(r.headers.get("allow"), "POST");
  const mass = await call("DELETE", "/accounts/acc_x/invitations/mass", { token: p.token });
  assertError(mass, 405, "method_not_allowed");
  assert.equal(mass.headers.get("allow"), "POST");
});

test("a JSON body is an object: an array of the fields is refused", async () => {
  const p = await newPerson();
  assertError(await call("PATCH", "/me", { token: p.token, body: "[null, null]" }), 400, "invalid_request");
  assertError(await call("POST", "/login", { body: '["a@example.com", "violet-harbour-lantern"]' }), 400, "invalid_request");
});

test("a boolean query parameter is true, false, 1 or 0", async () => {
  const p = await newPerson();
  const png = new Uint8Array(Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082", "hex"));
  const bad = await call("PUT", "/me/photo?apply_to_all_accounts=null", { token: p.token, body: png, headers: { "Content-Type": "image/png" } });
  assertError(bad, 400, "invalid_request", "apply_to_all_accounts");
  const ok = await call("PUT", "/me/photo?apply_to_all_accounts=false", { token: p.token, body: png, headers: { "Content-Type": "image/png" } });
  assert.equal(ok.status, 200, ok.text);
});

test("an integer field takes an integral number written with a fraction, and refuses a fraction", async () => {
  const r = await call("POST", "/dev/clock", { body: '{"advance_seconds": 0.0}' });
  assert.equal(r.status, 200, r.text);
  assertError(await call("POST", "/dev/clock", { body: '{"advance_seconds": 1.5}' }), 400, "invalid_request");
});

test("an empty or blank name of a department or group is 422 invalid_text, in the person's language", async () => {
  const p = await newPerson();
  const acc = await newAccount(p, "Texts");
  for (const kind of ["departments", "groups"]) {
    for (const name of ["", "   ", "a\u0007b", "x".repeat(101)]) {
      assertError(await call("POST", `/accounts/${acc.id}/${kind}`, { token: p.token, body: { name } }), 422, "invalid_text", "name");
    }
  }
  const fr = await call("POST", `/accounts/${acc.id}/departments`, { token: p.token, body: { name: "" }, lang: "fr" });
  assert.match(fr.json.error.message, /champ/);
  assertError(await call("PATCH", `/accounts/${acc.id}/users/nope`, { token: p.token }), 404, "not_found");
});

test("an empty status or type filter lists every card (as openapi.yaml documents)", async () => {
  const p = await newPerson();
  const acc = await newAccount(p, "Filters");
  const r = await call("GET", `/accounts/${acc.id}/users?status=&type=`, { token: p.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.users.length, 1);
  assertError(await call("GET", `/accounts/${acc.id}/users?status=zombie`, { token: p.token }), 400, "invalid_request", "status");
});
