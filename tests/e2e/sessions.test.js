import { test } from "node:test";
import assert from "node:assert/strict";
import { call, assertError, lastMessage, newPerson, uniqueEmail, advance, testIp, PASSWORD, BASE } from "./helpers.js";

test("login, session info, logout", async () => {
  const p = await newPerson();
  const l = await call("POST", "/login", { body: { login: p.email.toUpperCase(), password: PASSWORD, client: "browser" } });
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.refresh_token, undefined, "browsers get no refresh token");
  const s = await call("GET", "/session", { token: l.json.token });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.idle_timeout_seconds, 1440);
  assert.equal(s.json.account_id, null);
  assert.ok(Date.parse(s.json.expires_at) > Date.now() - 60_000);
  const out = await call("POST", "/logout", { token: l.json.token });
  assert.equal(out.status, 204);
  assert.match(out.headers.get("set-cookie"), /Max-Age=0/);
  assertError(await call("GET", "/session", { token: l.json.token }), 401, "unauthenticated");
  assertError(await call("POST", "/logout", { token: l.json.token }), 401, "unauthenticated");
});

test("bad credentials look the same for unknown and known logins", async () => {
  const p = await newPerson();
  const unknown = await call("POST", "/login", { body: { login: uniqueEmail("nobody"), password: PASSWORD }, lang: "fr" });
  const wrong = await call("POST", "/login", { body: { login: p.email, password: "not-the-password" }, lang: "fr" });
  assertError(unknown, 401, "invalid_credentials");
  assertError(wrong, 401, "invalid_credentials");
  assert.equal(unknown.json.error.message, wrong.json.error.message);
  assert.equal(wrong.json.error.message, "Identifiant ou mot de passe incorrect.");
  assertError(await call("POST", "/login", { body: { login: p.email, password: PASSWORD, client: "tv" } }), 400, "invalid_request");
  assertError(await call("POST", "/login", { body: { login: p.email, password: PASSWORD, account_id: "acc_nope" } }), 404, "not_found", "account_id");
});

test("an unconfirmed email gets email_unconfirmed and a new code", async () => {
  const email = uniqueEmail("pending");
  assert.equal((await call("POST", "/signup", { body: { email, password: PASSWORD, first_name: "Ann", last_name: "Lee" } })).status, 201);
  const first = await lastMessage(email, "signup_code");
  const r = await call("POST", "/login", { body: { login: email, password: PASSWORD }, lang: "vi" });
  assertError(r, 403, "email_unconfirmed");
  assert.equal(r.headers.get("content-language"), "vi");
  const second = await lastMessage(email, "signup_code");
  assert.notEqual(second.id, first.id, "a new code was sent");
  assert.equal((await call("POST", "/signup/confirm", { body: { email, code: second.code } })).status, 200);
  assert.equal((await call("POST", "/login", { body: { login: email, password: PASSWORD } })).status, 200);
});

test("failed logins are throttled with 429 and Retry-After", async () => {
  const p = await newPerson();
  const ip = testIp();
  for (let i = 0; i < 5; i++) {
    assertError(await call("POST", "/login", { body: { login: p.email, password: `wrong-guess-${i}` }, ip }), 401, "invalid_credentials");
  }
  const blocked = await call("POST", "/login", { body: { login: p.email, password: PASSWORD }, ip: testIp(), lang: "pl" });
  assertError(blocked, 429, "too_many_attempts");
  const retry = Number(blocked.headers.get("retry-after"));
  assert.ok(retry > 0 && retry <= 900, `Retry-After ${retry}`);
  await advance(retry);
  assert.equal((await call("POST", "/login", { body: { login: p.email, password: PASSWORD } })).status, 200, "the block lifts");
});

test("a session ends after 24 idle minutes; activity slides it", async () => {
  const p = await newPerson();
  await advance(23 * 60);
  assert.equal((await call("GET", "/me", { token: p.token })).status, 200);
  await advance(23 * 60);
  assert.equal((await call("GET", "/me", { token: p.token })).status, 200, "46 minutes old, 23 idle");
  await advance(24 * 60 + 1);
  assertError(await call("GET", "/me", { token: p.token }), 401, "unauthenticated");
});

test("desktop refresh tokens rotate; reuse revokes the family", async () => {
  const p = await newPerson();
  const l = await call("POST", "/login", { body: { login: p.email, password: PASSWORD, client: "desktop" } });
  assert.equal(l.status, 200, l.text);
  const rt1 = l.json.refresh_token;
  assert.ok(rt1 && rt1.length >= 22);
  await advance(30 * 60);
  assertError(await call("GET", "/me", { token: l.json.token }), 401, "unauthenticated");
  const r2 = await call("POST", "/session/refresh", { body: { refresh_token: rt1 } });
  assert.equal(r2.status, 200, r2.text);
  assert.notEqual(r2.json.refresh_token, rt1);
  assert.equal((await call("GET", "/me", { token: r2.json.token })).status, 200);
  assertError(await call("POST", "/session/refresh", { body: { refresh_token: rt1 } }), 401, "invalid_refresh_token");
  assertError(await call("GET", "/me", { token: r2.json.token }), 401, "unauthenticated");
  assertError(await call("POST", "/session/refresh", { body: { refresh_token: r2.json.refresh_token } }), 401, "invalid_refresh_token");
  assertError(await call("POST", "/session/refresh", { body: { refresh_token: "" } }), 401, "invalid_refresh_token");
});

test("cookie sessions need a same-origin Origin for unsafe requests", async () => {
  const p = await newPerson();
  const cookie = `__Host-netid_session=${p.token}`;
  assert.equal((await call("GET", "/me", { headers: { Cookie: cookie } })).status, 200);
  assertError(await call("PATCH", "/me", { headers: { Cookie: cookie }, body: { first_name: "Eve" } }), 403, "origin_not_allowed");
  assertError(await call("PATCH", "/me", { headers: { Cookie: cookie, Origin: "https://evil.example" }, body: { first_name: "Eve" } }), 403, "origin_not_allowed");
  const ok = await call("PATCH", "/me", { headers: { Cookie: cookie, Origin: BASE }, body: { first_name: "Irène" } });
  assert.equal(ok.status, 200, ok.text);
  // A browser's cross-site request is refused with a bearer token too; a non-browser client
  // (no Origin, no Sec-Fetch-Site) with a bearer token is not a browser to protect.
  assertError(await call("PATCH", "/me", { token: p.token, headers: { Origin: "https://evil.example" }, body: { first_name: "Eve" } }), 403, "origin_not_allowed");
  assert.equal((await call("PATCH", "/me", { token: p.token, body: { first_name: "Irène" } })).status, 200);
});
