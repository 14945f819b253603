// The storage work of the hot paths, read from the development-only X-Netid-Queries header
// ("d1=<statements> rt=<D1 round trips> w=<of which wrote> kv=<KV operations>"): a login is two D1 round trips
// (the counted attempt with the profile, then the session's batch), an authenticated
// GET /me one (the session with the profile and accounts), and the development clock costs
// none once read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, newPerson, newAccount, advance, assertError } from "./helpers.js";

function cost(r) {
  const h = r.headers.get("x-netid-queries") || "";
  const m = h.match(/^d1=(\d+) rt=(\d+) w=(\d+) kv=(\d+)$/);
  assert.ok(m, `an X-Netid-Queries header: ${h}`);
  return { d1: Number(m[1]), rt: Number(m[2]), w: Number(m[3]), kv: Number(m[4]) };
}

test("a login costs two D1 round trips and GET /me one", async () => {
  const p = await newPerson();
  await newAccount(p, "Round Trips");
  const ip = "198.51.100.77";
  const login = await call("POST", "/login", { body: { login: p.email, password: p.password }, ip });
  assert.equal(login.status, 200, login.text);
  assert.deepEqual({ rt: cost(login).rt, kv: cost(login).kv }, { rt: 2, kv: 0 });
  const token = login.json.token;

  const me = await call("GET", "/me", { token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.accounts.length, 1, "the accounts were read with the session");
  assert.deepEqual({ rt: cost(me).rt, w: cost(me).w, kv: cost(me).kv }, { rt: 1, w: 0, kv: 0 }, "one read");

  // Once a minute the session's activity is written: one more round trip, then one again.
  await advance(61);
  const touched = await call("GET", "/me", { token });
  assert.equal(touched.status, 200, touched.text);
  assert.equal(cost(touched).rt, 2);
  const warm = await call("GET", "/me", { token });
  assert.equal(cost(warm).rt, 1);

  // A wrong password is one round trip: the attempt counted and the profile read together.
  const wrong = await call("POST", "/login", { body: { login: p.email, password: "not-the-password-1" }, ip });
  assertError(wrong, 401, "invalid_credentials", "password");
  assert.equal(cost(wrong).rt, 1);
  // The ceiling route touches no storage at all.
  const health = await call("GET", "/health");
  assert.deepEqual(cost(health), { d1: 0, rt: 0, w: 0, kv: 0 });
});

test("GET /me refuses a logged-out session at once, and a dead one reads nothing else", async () => {
  const p = await newPerson();
  const out = await call("POST", "/logout", { token: p.token });
  assert.equal(out.status, 204, out.text);
  const me = await call("GET", "/me", { token: p.token });
  assertError(me, 401, "unauthenticated");
  assert.equal(cost(me).rt, 1);
  const none = await call("GET", "/me", {});
  assertError(none, 401, "unauthenticated");
  assert.equal(cost(none).rt, 0);
});
