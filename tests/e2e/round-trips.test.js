// The storage work of the hot paths, read from the development-only X-Netid-Queries header
// ("d1=<statements> rt=<D1 round trips> w=<of which wrote> kv=<KV operations>"): a login is two D1 round trips
// (the counted attempt with the profile, then the session's batch), an authenticated
// GET /me one (the session with the profile and accounts), and the development clock costs
// none once read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, newPerson, newAccount, advance, assertError, uniqueEmail, acceptAsNew } from "./helpers.js";

function cost(r) {
  const h = r.headers.get("x-netid-queries") || "";
  const m = h.match(/^d1=(\d+) rt=(\d+) w=(\d+) kv=(\d+)$/);
  assert.ok(m, `an X-Netid-Queries header: ${h}`);
  return { d1: Number(m[1]), rt: Number(m[2]), w: Number(m[3]), kv: Number(m[4]) };
}

test("a login costs two D1 round trips; GET /me at most one, none when this isolate read it a moment ago", async () => {
  const p = await newPerson();
  await newAccount(p, "Round Trips");
  const ip = "198.51.100.77";
  const login = await call("POST", "/login", { body: { login: p.email, password: p.password }, ip });
  assert.equal(login.status, 200, login.text);
  assert.deepEqual({ rt: cost(login).rt, kv: cost(login).kv }, { rt: 2, kv: 0 });
  assert.equal(login.json.profile.accounts.length, 1, "the response's accounts were read with the profile");
  const token = login.json.token;

  const me = await call("GET", "/me", { token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.accounts.length, 1, "the accounts were read with the session");
  assert.deepEqual({ rt: cost(me).rt, w: cost(me).w, kv: cost(me).kv }, { rt: 1, w: 0, kv: 0 }, "one read");
  // Read again at once: served by the isolate's micro-cache (one second), no storage at all.
  const again = [];
  for (let i = 0; i < 5; i++) again.push(await call("GET", "/me", { token }));
  assert.ok(again.every((r) => r.status === 200 && cost(r).rt <= 1 && cost(r).w === 0));
  assert.ok(again.some((r) => cost(r).rt === 0), again.map((r) => r.headers.get("x-netid-queries")).join(", "));

  // Once a minute the session's activity is written, cached or not: a write that also
  // proves the session still exists.
  await advance(61);
  const touched = await call("GET", "/me", { token });
  assert.equal(touched.status, 200, touched.text);
  assert.equal(cost(touched).w, 1, "the touch");
  assert.ok(cost(touched).rt <= 2);

  // A change shows at once: the commit dropped the cached Me.
  const patched = await call("PATCH", "/me", { token, body: { first_name: "Renamed" } });
  assert.equal(patched.status, 200, patched.text);
  const fresh = await call("GET", "/me", { token });
  assert.equal(fresh.json.first_name, "Renamed");
  assert.equal(cost(fresh).rt, 1);

  // A wrong password is one round trip: the attempt counted and the profile read together.
  const wrong = await call("POST", "/login", { body: { login: p.email, password: "not-the-password-1" }, ip });
  assertError(wrong, 401, "invalid_credentials", "password");
  assert.equal(cost(wrong).rt, 1);
  // The ceiling route touches no storage at all.
  const health = await call("GET", "/health");
  assert.deepEqual(cost(health), { d1: 0, rt: 0, w: 0, kv: 0 });
});

test("GET /me refuses a session at once after a logout, an ended session or idleness, cached or not", async () => {
  const p = await newPerson();
  const other = await call("POST", "/login", { body: { login: p.email, password: p.password } });
  assert.equal(other.status, 200, other.text);
  // Both sessions are read (and cached) first.
  assert.equal((await call("GET", "/me", { token: p.token })).status, 200);
  assert.equal((await call("GET", "/me", { token: other.json.token })).status, 200);

  const out = await call("POST", "/logout", { token: p.token });
  assert.equal(out.status, 204, out.text);
  assertError(await call("GET", "/me", { token: p.token }), 401, "unauthenticated");

  // Ending every other session from a third one ends the cached one too.
  const third = await call("POST", "/login", { body: { login: p.email, password: p.password } });
  assert.equal((await call("GET", "/me", { token: other.json.token })).status, 200);
  const ended = await call("POST", "/me/sessions/end-others", { token: third.json.token, body: { password: p.password } });
  assert.ok(ended.status === 200 || ended.status === 204, ended.text);
  assertError(await call("GET", "/me", { token: other.json.token }), 401, "unauthenticated");

  // Idle past 24 minutes: refused, though this isolate read it a moment ago.
  assert.equal((await call("GET", "/me", { token: third.json.token })).status, 200);
  await advance(24 * 60 + 1);
  assertError(await call("GET", "/me", { token: third.json.token }), 401, "unauthenticated");

  const none = await call("GET", "/me", {});
  assertError(none, 401, "unauthenticated");
  assert.equal(cost(none).rt, 0);
});

test("an admin's dismissal shows in the person's GET /me at once, though it was just read", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Cache Firm");
  const email = uniqueEmail("cached");
  const reg = await call("POST", `/accounts/${acc.id}/users`, { token: admin.token, body: { first_name: "Piotr", last_name: "Nowak", email } });
  assert.equal(reg.status, 201, reg.text);
  const member = await acceptAsNew(email, "Piotr", "Nowak");
  const before = await call("GET", "/me", { token: member.token });
  assert.ok(before.json.accounts.some((a) => a.id === acc.id), before.text);
  const dis = await call("POST", `/accounts/${acc.id}/users/${reg.json.id}/dismiss`, { token: admin.token });
  assert.equal(dis.status, 200, dis.text);
  const after = await call("GET", "/me", { token: member.token });
  assert.equal(after.status, 200, after.text);
  assert.ok(!after.json.accounts.some((a) => a.id === acc.id), after.text);
});
