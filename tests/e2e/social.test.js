// Social login over HTTP against a real OpenID Connect provider on 127.0.0.1
// (tests/oidc/server.mjs: oidc-provider from npm), the whole redirect dance each time:
// netid's start -> the provider's authorize -> its sign-in page -> back to netid's callback.
// Written from API.md ("Network profile": /auth/social/*, DELETE /me/social/...).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { totp } from "../lib/totp.js";
import { API, BASE, call, assertError, lastMessage, newPerson, PASSWORD, uniqueEmail, advance } from "./helpers.js";

import { OIDC, Jar, get, postForm, providerUser, forgeNext, dance, errorOf, me } from "./oidc-helpers.js";

test("GET /auth/social/providers lists the five configured providers", async () => {
  const r = await call("GET", "/auth/social/providers");
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.providers.map((p) => p.id).sort(), ["apple", "facebook", "google", "microsoft", "twitter"]);
  for (const p of r.json.providers) assert.ok(p.name.length > 0);
  assertError(await call("GET", "/auth/social/myspace/start"), 404, "not_found");
});

test("the start redirects with state, nonce and a PKCE S256 challenge, bound to the browser by an HttpOnly cookie", async () => {
  const jar = new Jar();
  const r = await get(`${API}/auth/social/google/start?mode=login&return_to=%2F%23%2Fprofile`, jar);
  assert.equal(r.status, 302);
  const u = new URL(r.headers.get("location"));
  assert.equal(u.origin, OIDC);
  const q = u.searchParams;
  assert.equal(q.get("response_type"), "code");
  assert.equal(q.get("client_id"), "netid-google");
  assert.equal(q.get("redirect_uri"), `${API}/auth/social/google/callback`);
  assert.equal(q.get("code_challenge_method"), "S256");
  assert.match(q.get("code_challenge"), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get("state"), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get("nonce"), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get("scope"), /openid/);
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith("__Host-netid_social="));
  assert.ok(cookie, "a binding cookie");
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /Secure/);
  assert.match(cookie, /Max-Age=600/);
  // Two starts in one browser keep one binding, and each gets its own state and nonce.
  const again = await get(`${API}/auth/social/google/start`, jar);
  const q2 = new URL(again.headers.get("location")).searchParams;
  assert.notEqual(q2.get("state"), q.get("state"));
  assert.notEqual(q2.get("nonce"), q.get("nonce"));
  assert.equal(again.headers.getSetCookie().length, 0);
  assertError(await call("GET", "/auth/social/google/start?mode=steal"), 400, "invalid_request", "mode");
});

test("signup by Google: a profile with the verified email confirmed, no password, and an ordinary session", async () => {
  const email = uniqueEmail("gsign");
  const sub = await providerUser({ email, email_verified: true, given_name: "Grace", family_name: "Hopper" });
  const d = await dance("google", { sub, mode: "signup", returnTo: "/#/profile" });
  assert.equal(d.location, "/#/profile");
  assert.ok(d.sessionToken, "a session cookie");
  const m = await me(d.sessionToken);
  assert.equal(m.email, email);
  assert.equal(m.email_confirmed, true);
  assert.equal(m.has_password, false);
  assert.equal(m.first_name, "Grace");
  assert.deepEqual(m.social, [{ provider: "google", subject: sub, email }]);
  const s = await call("GET", "/session", { token: d.sessionToken });
  assert.equal(s.json.idle_timeout_seconds, 1440);
  // The same identity now logs in; a password login to the password-less profile fails.
  const again = await dance("google", { sub });
  assert.equal(again.location, "/");
  assert.equal((await me(again.sessionToken)).id, m.id);
  assertError(await call("POST", "/login", { body: { login: email, password: PASSWORD } }), 401, "invalid_credentials");
});

test("an identity linked to no profile does not log in: social_not_linked, no session", async () => {
  const sub = await providerUser({ email: uniqueEmail("nolink"), email_verified: true });
  const d = await dance("google", { sub, mode: "login" });
  assert.equal(errorOf(d.location), "social_not_linked");
  assert.ok(d.location.startsWith("/#/login?"));
  assert.equal(d.sessionToken, null);
});

test("no silent link by a matching email: login is refused and signup answers email_taken", async () => {
  const p = await newPerson();
  const sub = await providerUser({ email: p.email, email_verified: true });
  const login = await dance("google", { sub, mode: "login" });
  assert.equal(errorOf(login.location), "social_not_linked");
  const signup = await dance("google", { sub, mode: "signup" });
  assert.equal(errorOf(signup.location), "email_taken");
  assert.ok(signup.location.startsWith("/#/signup?"), signup.location);
  assert.equal(signup.sessionToken, null);
  assert.deepEqual((await me(p.token)).social, []);
});

test("connect from a logged-in profile (password checked), then log in with it; a notice goes to the email", async () => {
  const p = await newPerson();
  assertError(await call("POST", "/me/social/google/connect", { token: p.token, body: { password: "wrong-password-x" } }), 401, "invalid_credentials");
  const c = await call("POST", "/me/social/google/connect", { token: p.token, body: { password: PASSWORD, return_to: "/#/profile" } });
  assert.equal(c.status, 200, c.text);
  const jar = new Jar();
  jar.take(c);
  assert.ok(jar.has("__Host-netid_social"));
  const sub = await providerUser({ email: uniqueEmail("other") });
  const d = await dance("google", { sub, startUrl: c.json.url, jar });
  assert.equal(d.location, "/#/profile");
  assert.deepEqual((await me(p.token)).social.map((s) => [s.provider, s.subject]), [["google", sub]]);
  const notice = await lastMessage(p.email, "social_connected");
  assert.match(notice.body, /Google/);
  const login = await dance("google", { sub });
  assert.equal((await me(login.sessionToken)).id, p.profile.id);
  // The same identity cannot be connected to a second profile.
  const q = await newPerson();
  const c2 = await call("POST", "/me/social/google/connect", { token: q.token, body: { password: PASSWORD } });
  const jar2 = new Jar();
  jar2.take(c2);
  const d2 = await dance("google", { sub, startUrl: c2.json.url, jar: jar2 });
  assert.equal(errorOf(d2.location), "social_already_linked");
  assert.ok(d2.location.startsWith("/#/profile?"));
  assert.deepEqual((await me(q.token)).social, []);
});

test("connect by GET start: a profile without a password with a session younger than 10 minutes; one with a password gives it", async () => {
  const p = await newPerson();
  assertError(await call("GET", "/auth/social/google/start?mode=connect", { token: p.token }), 401, "invalid_credentials", "password");
  const sub = await providerUser({ email: uniqueEmail("getc"), email_verified: true });
  const d = await dance("google", { sub, mode: "signup" });
  const other = await providerUser({});
  const fresh = await dance("facebook", { sub: other, mode: "connect", token: d.sessionToken, returnTo: "/#/profile" });
  assert.equal(fresh.location, "/#/profile");
  assert.deepEqual((await me(d.sessionToken)).social.map((s) => s.provider).sort(), ["facebook", "google"]);
  await advance(11 * 60);
  assertError(await call("GET", "/auth/social/twitter/start?mode=connect", { token: d.sessionToken }), 403, "reauthentication_required");
  assertError(await call("POST", "/me/social/twitter/connect", { token: d.sessionToken, body: {} }), 403, "reauthentication_required");
  assertError(await call("GET", "/auth/social/google/start?mode=connect"), 401, "unauthenticated");
});

test("a social-only profile: last_login_method until a password is set with new_password alone", async () => {
  const email = uniqueEmail("only");
  const sub = await providerUser({ email, email_verified: true });
  const d = await dance("google", { sub, mode: "signup" });
  const token = d.sessionToken;
  assertError(await call("DELETE", `/me/social/google/${encodeURIComponent(sub)}`, { token }), 409, "last_login_method");
  assertError(await call("DELETE", `/me/social/google/not-mine`, { token }), 404, "not_found");
  const set = await call("POST", "/me/password", { token, body: { new_password: "amber-meadow-falcon-9" } });
  assert.equal(set.status, 204, set.text);
  assert.equal((await me(token)).has_password, true);
  assertError(await call("POST", "/me/password", { token, body: { new_password: "amber-meadow-falcon-10" } }), 401, "invalid_credentials", "current_password");
  const login = await call("POST", "/login", { body: { login: email, password: "amber-meadow-falcon-9" } });
  assert.equal(login.status, 200, login.text);
  const del = await call("DELETE", `/me/social/google/${encodeURIComponent(sub)}`, { token: login.json.token });
  assert.equal(del.status, 204, del.text);
  assert.deepEqual((await me(login.json.token)).social, []);
});

test("20 concurrent disconnects of a password-less profile's two identities leave one way in", async () => {
  const sub1 = await providerUser({ email: uniqueEmail("race"), email_verified: true });
  const d = await dance("google", { sub: sub1, mode: "signup" });
  const sub2 = await providerUser({});
  const c = await dance("twitter", { sub: sub2, mode: "connect", token: d.sessionToken });
  assert.equal(errorOf(c.location), null, c.location);
  assert.equal((await me(d.sessionToken)).social.length, 2);
  const paths = Array.from({ length: 20 }, (_, i) => (i % 2 ? `/me/social/google/${sub1}` : `/me/social/twitter/${sub2}`));
  const results = await Promise.all(paths.map((p) => call("DELETE", p, { token: d.sessionToken })));
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 204).length, 1, statuses.join(","));
  assert.ok(statuses.every((s) => [204, 404, 409].includes(s)), statuses.join(","));
  assert.equal((await me(d.sessionToken)).social.length, 1);
});

test("20 concurrent sign-ups with one identity make one profile, and every one of them is logged in to it", async () => {
  const email = uniqueEmail("twenty");
  const sub = await providerUser({ email, email_verified: true });
  // Twenty browsers (tabs, double clicks) each at their callback, then all at once.
  const ready = [];
  for (let i = 0; i < 20; i++) ready.push(await dance("google", { sub, mode: "signup", stopAtCallback: true }));
  const results = await Promise.all(ready.map(({ callback, jar }) => get(callback.url, jar)));
  const tokens = [];
  for (const r of results) {
    assert.equal(r.status, 302);
    assert.equal(errorOf(r.headers.get("location")), null, r.headers.get("location"));
    const c = r.headers.getSetCookie().find((x) => x.startsWith("__Host-netid_session="));
    tokens.push(c.split(";")[0].split("=")[1]);
  }
  const ids = new Set();
  for (const t of tokens) ids.add((await me(t)).id);
  assert.equal(ids.size, 1, "one profile");
  const m = await me(tokens[0]);
  assert.deepEqual(m.social, [{ provider: "google", subject: sub, email }]);
});

test("two-step authentication comes after the provider", async () => {
  const p = await newPerson();
  const s = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } });
  const clock = Math.floor(Date.parse((await call("GET", "/dev/clock")).json.now) / 1000);
  assert.equal((await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(s.json.secret, clock) } })).status, 200);
  const sub = await providerUser({});
  const c = await call("POST", "/me/social/google/connect", { token: p.token, body: { password: PASSWORD } });
  const jar = new Jar();
  jar.take(c);
  await dance("google", { sub, startUrl: c.json.url, jar });
  const d = await dance("google", { sub });
  assert.equal(d.sessionToken, null, "no session before the second step");
  const ticket = new URLSearchParams(d.location.split("?")[1]).get("second_factor");
  assert.ok(ticket, d.location);
  const now = Math.floor(Date.parse((await call("GET", "/dev/clock")).json.now) / 1000);
  const done = await call("POST", "/login/second-factor", { body: { ticket, otp: totp(s.json.secret, now + 30) } });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.profile.id, p.profile.id);
});

for (const [kind, provider] of [
  ["signature", "google"],
  ["signature", "microsoft"],
  ["payload", "google"],
  ["unknown_kid", "google"],
  ["aud", "google"],
  ["iss", "microsoft"],
  ["expired", "google"],
  ["nonce", "google"],
  ["at_hash", "google"],
  ["none", "google"],
  ["hs256", "google"],
]) {
  test(`a forged ID token is refused: ${kind} (${provider})`, async () => {
    const p = await newPerson();
    const sub = await providerUser({});
    const c = await call("POST", `/me/social/${provider}/connect`, { token: p.token, body: { password: PASSWORD } });
    const jar = new Jar();
    jar.take(c);
    await dance(provider, { sub, startUrl: c.json.url, jar });
    // The identity is linked; a forged token for it must not log anyone in.
    const d = await dance(provider, { sub, forge: kind });
    assert.equal(errorOf(d.location), "social_token_invalid", d.location);
    assert.equal(d.sessionToken, null);
    const stats = await (await fetch(`${OIDC}/_oidc/stats`)).json();
    assert.equal(stats.forged.at(-1), kind, "the provider really sent the forgery");
  });
}

test("a key the provider rotated in is fetched on its unknown kid, and the login succeeds", async () => {
  const p = await newPerson();
  const sub = await providerUser({});
  const c = await call("POST", "/me/social/google/connect", { token: p.token, body: { password: PASSWORD } });
  const jar = new Jar();
  jar.take(c);
  await dance("google", { sub, startUrl: c.json.url, jar });
  // The key set is cached by now (the connect verified a token with it).
  const before = (await (await fetch(`${OIDC}/jwks`)).json()).keys.length;
  const d = await dance("google", { sub, forge: "rotated" });
  assert.equal(errorOf(d.location), null, d.location);
  assert.ok(d.sessionToken, "logged in with a token signed by the new key");
  assert.equal((await (await fetch(`${OIDC}/jwks`)).json()).keys.length, before + 1);
  assert.equal((await me(d.sessionToken)).id, p.profile.id);
});

test("an authorization response naming another issuer is refused before the code is used (RFC 9207)", async () => {
  const sub = await providerUser({ email: uniqueEmail("mixup"), email_verified: true });
  const d = await dance("google", {
    sub,
    mode: "signup",
    rewrite: (u) => { const x = new URL(u); assert.equal(x.searchParams.get("iss"), OIDC); x.searchParams.set("iss", "https://evil.example"); return x.href; },
  });
  assert.equal(errorOf(d.location), "social_token_invalid");
  assert.equal(d.sessionToken, null);
});

test("a replayed state is refused, and so is a state from another browser", async () => {
  const sub = await providerUser({ email: uniqueEmail("replay"), email_verified: true });
  const first = await dance("google", { sub, mode: "signup", keepCallback: true });
  assert.ok(first.sessionToken);
  const replay = await get(first.callback.url, first.jar);
  assert.equal(replay.status, 302);
  assert.equal(errorOf(replay.headers.get("location")), "social_state_invalid");
  assert.equal(replay.headers.getSetCookie().filter((c) => c.startsWith("__Host-netid_session=")).length, 0);
  // A callback carried to another browser (no binding cookie): refused, and the state is spent.
  const jar = new Jar();
  const start = await get(`${API}/auth/social/google/start?mode=login`, jar);
  const state = new URL(start.headers.get("location")).searchParams.get("state");
  const other = await get(`${API}/auth/social/google/callback?code=abc&state=${state}`, new Jar());
  assert.equal(errorOf(other.headers.get("location")), "social_state_invalid");
  const later = await get(`${API}/auth/social/google/callback?code=abc&state=${state}`, jar);
  assert.equal(errorOf(later.headers.get("location")), "social_state_invalid");
  const none = await get(`${API}/auth/social/google/callback?code=abc`, jar);
  assert.equal(errorOf(none.headers.get("location")), "social_state_invalid");
});

test("20 concurrent callbacks with one state: one session, the other 19 refused", async () => {
  const sub = await providerUser({ email: uniqueEmail("state20"), email_verified: true });
  const { callback, jar } = await dance("google", { sub, mode: "signup", stopAtCallback: true });
  const results = await Promise.all(Array.from({ length: 20 }, () => get(callback.url, jar)));
  const sessions = results.filter((r) => r.headers.getSetCookie().some((c) => c.startsWith("__Host-netid_session=")));
  const refused = results.filter((r) => errorOf(r.headers.get("location")) === "social_state_invalid");
  assert.equal(sessions.length, 1, results.map((r) => r.headers.get("location")).join(" "));
  assert.equal(refused.length, 19);
});

test("denied consent at the provider comes back as social_denied", async () => {
  const d = await dance("google", { sub: "x", cancel: true });
  assert.equal(errorOf(d.location), "social_denied");
  assert.equal(d.sessionToken, null);
});

test("Facebook and Twitter: OAuth 2.0 with their own user-info fields", async () => {
  const email = uniqueEmail("fb");
  const fb = await providerUser({ email, email_verified: true, name: "Ann Lee" });
  const d = await dance("facebook", { sub: fb, mode: "signup" });
  const m = await me(d.sessionToken);
  assert.deepEqual([m.first_name, m.last_name], ["Ann", "Lee"]);
  assert.equal(m.email, email);
  assert.equal(m.email_confirmed, false, "Facebook does not assert the email verified");
  assert.deepEqual(m.social, [{ provider: "facebook", subject: fb, email }]);
  const tw = await providerUser({ email: uniqueEmail("tw"), name: "X Dev" });
  const t = await dance("twitter", { sub: tw, mode: "signup" });
  const mt = await me(t.sessionToken);
  assert.equal(mt.email, null, "Twitter gives no email");
  assert.deepEqual(mt.social, [{ provider: "twitter", subject: tw, email: null }]);
});

test("Microsoft: an email without xms_edov is never taken as verified", async () => {
  const email = uniqueEmail("ms");
  const sub = await providerUser({ email, email_verified: true, tid: "9188040d-6c67-4c5b-b112-36a304b66dad" });
  const d = await dance("microsoft", { sub, mode: "signup" });
  const m = await me(d.sessionToken);
  assert.equal(m.email, email);
  assert.equal(m.email_confirmed, false);
});

test("Apple: form_post callback from the provider's origin, the client secret an ES256 JWT the Worker signs", async () => {
  const email = uniqueEmail("apple");
  const sub = await providerUser({ email, email_verified: "true" });
  const d = await dance("apple", { sub, mode: "signup" });
  assert.ok(d.sessionToken, d.location);
  const m = await me(d.sessionToken);
  assert.equal(m.email_confirmed, true);
  assert.equal(m.social[0].provider, "apple");
});

test("return_to only takes paths of this service", async () => {
  for (const evil of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
    const sub = await providerUser({ email: uniqueEmail("rt"), email_verified: true });
    const d = await dance("google", { sub, mode: "signup", returnTo: evil });
    assert.equal(d.location, "/", evil);
  }
  assert.ok(BASE.startsWith("http://127.0.0.1"));
});
