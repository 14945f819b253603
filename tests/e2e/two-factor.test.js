// Two-step authentication, the sessions list and the audit log, over HTTP, written from
// API.md: TOTP codes are computed here (RFC 6238, HMAC-SHA-1) from the secret the API answers
// and the service clock (GET /dev/clock).
import { test } from "node:test";
import assert from "node:assert/strict";
import { totp } from "../lib/totp.js";
import { call, assertError, lastMessage, newPerson, PASSWORD, newAccount, inviteAll, acceptAsNew, advance } from "./helpers.js";

async function now() {
  const r = await call("GET", "/dev/clock");
  assert.equal(r.status, 200, r.text);
  return Math.floor(Date.parse(r.json.now) / 1000);
}

async function enroll(p) {
  const s = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } });
  assert.equal(s.status, 200, s.text);
  const e = await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(s.json.secret, await now()) } });
  assert.equal(e.status, 200, e.text);
  return { secret: s.json.secret, uri: s.json.otpauth_uri, codes: e.json.recovery_codes };
}

test("RFC 6238 vectors hold for this test's own TOTP", () => {
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
  assert.equal(totp(secret, 59, 8), "94287082");
  assert.equal(totp(secret, 1111111109, 8), "07081804");
  assert.equal(totp(secret, 20000000000, 8), "65353130");
});

test("two-factor: setup, enable, login in two steps or one, replay refused", async () => {
  const p = await newPerson();
  assertError(await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: "wrong-password-1" } }), 401, "invalid_credentials");
  const s = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } });
  assert.equal(s.status, 200, s.text);
  assert.match(s.json.secret, /^[A-Z2-7]{32}$/, "160 bits of base32");
  assert.match(s.json.otpauth_uri, /^otpauth:\/\/totp\/netid:.+\?secret=[A-Z2-7]+&issuer=netid/);
  assertError(await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(s.json.secret, (await now()) - 3600) } }), 422, "invalid_otp");
  assert.equal((await call("GET", "/me", { token: p.token })).json.two_factor_enabled, false, "pending until proven");
  const e = await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(s.json.secret, await now()) } });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.recovery_codes.length, 10);
  assert.equal(new Set(e.json.recovery_codes).size, 10);
  assert.equal((await call("GET", "/me", { token: p.token })).json.two_factor_enabled, true);

  await advance(60);
  const first = await call("POST", "/login", { body: { login: p.email, password: PASSWORD } });
  assertError(first, 401, "second_factor_required");
  assert.ok(first.json.second_factor.ticket);
  assert.deepEqual(first.json.second_factor.methods, ["totp", "recovery_code"]);
  assert.equal(first.headers.get("set-cookie"), null, "no session before the second step");
  const code = totp(s.json.secret, await now());
  const done = await call("POST", "/login/second-factor", { body: { ticket: first.json.second_factor.ticket, otp: code } });
  assert.equal(done.status, 200, done.text);
  assert.ok(done.json.token);
  assertError(await call("POST", "/login/second-factor", { body: { ticket: first.json.second_factor.ticket, otp: code } }), 401, "unauthenticated");
  // The same code again is a replay, in either call.
  assertError(await call("POST", "/login", { body: { login: p.email, password: PASSWORD, otp: code } }), 401, "invalid_otp");
  await advance(30);
  const one = await call("POST", "/login", { body: { login: p.email, password: PASSWORD, otp: totp(s.json.secret, await now()) } });
  assert.equal(one.status, 200, one.text);
  // Concurrent logins with one code: one wins.
  await advance(30);
  const c = totp(s.json.secret, await now());
  const race = await Promise.all(Array.from({ length: 5 }, () => call("POST", "/login", { body: { login: p.email, password: PASSWORD, otp: c } })));
  assert.equal(race.filter((r) => r.status === 200).length, 1, race.map((r) => r.status).join(","));
});

test("two-factor: 20 concurrent enables with one code switch it on once, with one set of recovery codes", async () => {
  const p = await newPerson();
  const s = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } });
  assert.equal(s.status, 200, s.text);
  const code = totp(s.json.secret, await now());
  const rs = await Promise.all(Array.from({ length: 20 }, () => call("POST", "/me/two-factor/enable", { token: p.token, body: { code } })));
  const ok = rs.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, rs.map((r) => `${r.status} ${r.json?.error?.code ?? ""}`).join(","));
  // The others lost to the winner (409, 422) or, once enough of them counted on the login's
  // throttle, were refused (429).
  assert.ok(rs.every((r) => [200, 409, 422, 429].includes(r.status)), rs.map((r) => r.status).join(","));
  // After the throttle's block: the winner's codes are the ones that work, and setup cannot
  // replace an enabled secret.
  await advance(16 * 60);
  assertError(await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } }), 409, "two_factor_already_enabled");
  const login = await call("POST", "/login", { body: { login: p.email, password: PASSWORD, recovery_code: ok[0].json.recovery_codes[0] } });
  assert.equal(login.status, 200, login.text);
});

test("two-factor: the ticket allows 5 tries and lives 5 minutes; recovery codes work once and tell the person", async () => {
  const p = await newPerson();
  const { secret, codes } = await enroll(p);
  await advance(60);
  const t1 = (await call("POST", "/login", { body: { login: p.email, password: PASSWORD } })).json.second_factor.ticket;
  await advance(301);
  assertError(await call("POST", "/login/second-factor", { body: { ticket: t1, otp: totp(secret, await now()) } }), 401, "unauthenticated");
  const t2 = (await call("POST", "/login", { body: { login: p.email, password: PASSWORD } })).json.second_factor.ticket;
  const good = totp(secret, await now());
  const wrong = good === "000000" ? "111111" : "000000";
  for (let i = 0; i < 4; i++) assertError(await call("POST", "/login/second-factor", { body: { ticket: t2, otp: wrong } }), 401, "invalid_otp");
  assertError(await call("POST", "/login/second-factor", { body: { ticket: t2, otp: wrong } }), 401, "invalid_otp");
  assertError(await call("POST", "/login/second-factor", { body: { ticket: t2, otp: good } }), 401, "unauthenticated");
  await advance(16 * 60);
  // A recovery code logs in once and the person is told.
  const r = await call("POST", "/login", { body: { login: p.email, password: PASSWORD, recovery_code: codes[0] } });
  assert.equal(r.status, 200, r.text);
  await lastMessage(p.email, "recovery_code_used");
  const spent = await call("POST", "/login", { body: { login: p.email, password: PASSWORD, recovery_code: codes[0] } });
  assertError(spent, 401, "invalid_otp");
  assert.match(spent.json.error.message, /recovery code is wrong or was already used/, "said of the recovery code, not of the authenticator app");
  // Regenerating kills the old set; a refresh does not ask for the factor again.
  const fresh = await call("POST", "/me/two-factor/recovery-codes", { token: p.token, body: { password: PASSWORD } });
  assert.equal(fresh.status, 200, fresh.text);
  assertError(await call("POST", "/login", { body: { login: p.email, password: PASSWORD, recovery_code: codes[1] } }), 401, "invalid_otp");
  const t3 = (await call("POST", "/login", { body: { login: p.email, password: PASSWORD, client: "desktop" } })).json.second_factor.ticket;
  const d = await call("POST", "/login/second-factor", { body: { ticket: t3, recovery_code: fresh.json.recovery_codes[5] } });
  assert.equal(d.status, 200, d.text);
  assert.equal((await call("POST", "/session/refresh", { body: { refresh_token: d.json.refresh_token } })).status, 200);
});

test("two-factor: switched off by the person (password) or an account admin, with a notice and an audit row", async () => {
  const p = await newPerson();
  await enroll(p);
  assertError(await call("DELETE", "/me/two-factor", { token: p.token, body: { password: "wrong-password-1" } }), 401, "invalid_credentials");
  assert.equal((await call("DELETE", "/me/two-factor", { token: p.token, body: { password: PASSWORD } })).status, 204);
  await lastMessage(p.email, "two_factor_disabled");
  assertError(await call("DELETE", "/me/two-factor", { token: p.token, body: { password: PASSWORD } }), 422, "two_factor_not_enabled");
  assert.equal((await call("POST", "/login", { body: { login: p.email, password: PASSWORD } })).status, 200);

  const admin = await newPerson();
  const acc = await newAccount(admin, "Lost phones");
  const [memberEmail, plainEmail] = [`m.${Date.now()}@example.com`, `u.${Date.now()}@example.com`];
  await inviteAll(admin, acc.id, [memberEmail, plainEmail]);
  const member = await acceptAsNew(memberEmail, "Mem", "Ber");
  const plain = await acceptAsNew(plainEmail, "Pla", "In");
  await enroll(member);
  const card = (await call("GET", `/accounts/${acc.id}/users`, { token: admin.token })).json.users.find((u) => u.profile_id === member.profile.id);
  const outsider = await newPerson();
  assertError(await call("DELETE", `/accounts/${acc.id}/users/${card.id}/two-factor`, { token: outsider.token }), 404, "not_found");
  assertError(await call("DELETE", `/accounts/${acc.id}/users/${card.id}/two-factor`, { token: plain.token }), 403, "not_account_admin");
  assertError(await call("GET", `/accounts/${acc.id}/audit`, { token: plain.token }), 403, "not_account_admin");
  assert.equal((await call("DELETE", `/accounts/${acc.id}/users/${card.id}/two-factor`, { token: admin.token })).status, 204);
  await lastMessage(memberEmail, "two_factor_disabled");
  assertError(await call("GET", "/me", { token: member.token }), 401, "unauthenticated");
  const audit = await call("GET", `/accounts/${acc.id}/audit?limit=2`, { token: admin.token });
  assert.equal(audit.status, 200, audit.text);
  assert.equal(audit.json.events.length, 2);
  assert.equal(audit.json.events[0].action, "two_factor.disabled_by_admin");
  assert.equal(audit.json.events[0].actor_profile_id, admin.profile.id);
  const older = await call("GET", `/accounts/${acc.id}/audit?limit=100&before=${audit.json.events[1].id}`, { token: admin.token });
  assert.ok(older.json.events.some((e) => e.action === "account.created"));
  assert.ok(!older.json.events.some((e) => e.id === audit.json.events[0].id), "paged");
  assertError(await call("GET", `/accounts/${acc.id}/audit?limit=101`, { token: admin.token }), 400, "invalid_request", "limit");
});

test("sessions: listed without tokens, one ended at once, all others ended", async () => {
  const p = await newPerson();
  const desktop = (await call("POST", "/login", { body: { login: p.email, password: PASSWORD, client: "desktop" }, headers: { "User-Agent": "netid-desktop/2.1" } })).json;
  const other = (await call("POST", "/login", { body: { login: p.email, password: PASSWORD } })).json;
  const list = await call("GET", "/me/sessions", { token: p.token });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.sessions.length, 3);
  assert.equal(list.json.sessions.filter((s) => s.current).length, 1);
  assert.ok(!list.text.includes(p.token) && !list.text.includes(desktop.token), "ids are not tokens");
  const d = list.json.sessions.find((s) => s.client === "desktop");
  assert.equal(d.user_agent, "netid-desktop/2.1");
  assert.ok(d.created_at && d.last_seen_at && d.expires_at);
  // Ending a session asks for the password again (ASVS 3.3.4); a wrong one ends nothing.
  assertError(await call("DELETE", `/me/sessions/${d.id}`, { token: p.token }), 401, "invalid_credentials", "password");
  assertError(await call("DELETE", `/me/sessions/${d.id}`, { token: p.token, body: { password: "wrong-password-1" } }), 401, "invalid_credentials", "password");
  assertError(await call("POST", "/me/sessions/end-others", { token: p.token, body: {} }), 401, "invalid_credentials", "password");
  assert.equal((await call("GET", "/me", { token: desktop.token })).status, 200, "nothing ended");
  assert.equal((await call("DELETE", `/me/sessions/${d.id}`, { token: p.token, body: { password: PASSWORD } })).status, 204);
  assertError(await call("GET", "/me", { token: desktop.token }), 401, "unauthenticated");
  assertError(await call("POST", "/session/refresh", { body: { refresh_token: desktop.refresh_token } }), 401, "invalid_refresh_token");
  assertError(await call("DELETE", `/me/sessions/${d.id}`, { token: p.token, body: { password: PASSWORD } }), 404, "not_found");
  const stranger = await newPerson();
  const mine = (await call("GET", "/me/sessions", { token: p.token })).json.sessions.find((s) => !s.current);
  assertError(await call("DELETE", `/me/sessions/${mine.id}`, { token: stranger.token, body: { password: PASSWORD } }), 404, "not_found");
  assert.equal((await call("POST", "/me/sessions/end-others", { token: p.token, body: { password: PASSWORD } })).status, 204);
  assertError(await call("GET", "/me", { token: other.token }), 401, "unauthenticated");
  assert.equal((await call("GET", "/me", { token: p.token })).status, 200);
});
