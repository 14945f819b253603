// netid as the OpenID Provider of its workspaces (issue 21), driven by an independent
// certified relying party (openid-client 6) and by hand for each attack the provider must
// hold: code reuse (20 at once), redirect URI mismatch, PKCE downgrade, mix-up (iss),
// another account's introspection, dismissal, key rotation.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as client from "openid-client";
import { createServer } from "node:http";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { totp } from "../lib/totp.js";
import { BASE, API, call, lastMessage, newPerson, newAccount, inviteAll, acceptAsNew, advance, uniqueEmail, asOperator, PASSWORD } from "./helpers.js";

const COOKIE = "__Host-netid_session";
const REDIRECT = "http://127.0.0.1:9/callback";

/** The service clock's distance from this machine's (other tests move the dev clock). */
async function skew() {
  const r = await call("GET", "/dev/clock");
  return Math.round(Date.parse(r.json.now) / 1000 - Date.now() / 1000);
}

async function register(admin, accountId, over = {}) {
  const r = await call("POST", `/accounts/${accountId}/apps`, {
    token: admin.token,
    body: { name: "CRM", type: "confidential", redirect_uris: [REDIRECT], ...over },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/** openid-client's view of an app: discovery at the issuer, ES256 ID tokens. */
async function relyingParty(app, auth) {
  const metadata = { id_token_signed_response_alg: "ES256", [client.clockSkew]: await skew() };
  if (app.client_secret) metadata.client_secret = app.client_secret;
  const how = auth || (app.client_secret ? client.ClientSecretBasic(app.client_secret) : client.None());
  return client.discovery(new URL(BASE), app.client_id, metadata, how, { execute: [client.allowInsecureRequests] });
}

/** The browser's step: the authorization URL with the netid session's cookie. */
async function browse(url, token) {
  const headers = token ? { Cookie: `${COOKIE}=${token}` } : {};
  return fetch(url, { redirect: "manual", headers, signal: AbortSignal.timeout(60_000) });
}

async function signIn(config, token, extra = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  const r = await browse(url, token);
  assert.equal(r.status, 302, await r.text());
  const back = new URL(r.headers.get("location"));
  return { back, verifier, state, nonce };
}

async function tokens(config, token) {
  const { back, verifier, state, nonce } = await signIn(config, token);
  return client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
}

/** A raw authorization request (for the attacks openid-client would never send). */
function authorizeUrl(params) {
  const u = new URL(`${API}/oauth/authorize`);
  for (const [k, v] of Object.entries({ response_type: "code", scope: "openid", redirect_uri: REDIRECT, ...params })) {
    if (v !== undefined) u.searchParams.set(k, v);
  }
  return u;
}

const challenge = async () => {
  const verifier = client.randomPKCECodeVerifier();
  return { verifier, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" };
};

async function form(path, body, headers = {}) {
  const r = await fetch(`${API}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body).toString(),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: r.status, json, text, headers: r.headers };
}

const basic = (app) => ({ Authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(app.client_secret)}`).toString("base64")}` });

test("discovery: the issuer is the service's origin, S256 only, iss in authorization responses, a JWKS of ES256 keys", async () => {
  const r = await fetch(`${BASE}/.well-known/openid-configuration`);
  assert.equal(r.status, 200);
  const d = await r.json();
  assert.equal(d.issuer, BASE);
  assert.deepEqual(d.code_challenge_methods_supported, ["S256"]);
  assert.equal(d.authorization_response_iss_parameter_supported, true);
  assert.deepEqual(d.response_types_supported, ["code"]);
  assert.deepEqual(d.subject_types_supported, ["pairwise"]);
  assert.deepEqual(d.id_token_signing_alg_values_supported, ["ES256"]);
  assert.equal(d.backchannel_logout_supported, true);
  assert.equal(d.backchannel_logout_session_supported, true);
  for (const k of ["authorization_endpoint", "token_endpoint", "end_session_endpoint", "userinfo_endpoint", "jwks_uri", "revocation_endpoint", "introspection_endpoint"]) {
    assert.ok(d[k].startsWith(`${BASE}/api/v1/oauth/`), `${k}: ${d[k]}`);
  }
  const jwks = await fetch(d.jwks_uri);
  assert.match(jwks.headers.get("cache-control"), /max-age=300/);
  const keys = (await jwks.json()).keys;
  assert.ok(keys.length >= 1);
  for (const k of keys) {
    assert.deepEqual([k.kty, k.crv, k.alg, k.use], ["EC", "P-256", "ES256", "sig"]);
    assert.ok(k.kid && k.x && k.y);
    assert.equal(k.d, undefined, "never the private half");
  }
});

test("openid-client signs a person in with a confidential client: code + PKCE, userinfo, refresh, introspection, revocation", async () => {
  const admin = await newPerson({ first_name: "Ada", last_name: "Harbour" });
  const acc = await newAccount(admin, "Harbour Labs");
  const app = await register(admin, acc.id);
  const config = await relyingParty(app);
  const t = await tokens(config, admin.token);
  const claims = t.claims();
  assert.equal(claims.iss, BASE);
  assert.equal(claims.aud, app.client_id);
  assert.equal(claims.account_id, acc.id);
  assert.equal(claims.account_role, "admin");
  assert.equal(claims.user_type, "employee");
  assert.equal(claims.email, admin.email);
  assert.equal(claims.email_verified, true);
  assert.equal(claims.given_name, "Ada");
  assert.deepEqual(claims.amr, ["pwd"]);
  assert.ok(claims.sid && claims.auth_time);
  assert.notEqual(claims.sub, admin.profile.id, "the subject is pairwise, not the profile id");
  // The access token is an RFC 9068 JWT, five minutes.
  const header = JSON.parse(Buffer.from(t.access_token.split(".")[0], "base64url"));
  assert.deepEqual([header.alg, header.typ], ["ES256", "at+jwt"]);
  assert.equal(t.expires_in, 300);
  const info = await client.fetchUserInfo(config, t.access_token, claims.sub);
  assert.equal(info.email, admin.email);
  assert.equal(info.account_id, acc.id);
  // Refresh rotates: the new one works, the old one used again revokes the family.
  const r2 = await client.refreshTokenGrant(config, t.refresh_token);
  assert.notEqual(r2.refresh_token, t.refresh_token);
  assert.equal(r2.claims().sub, claims.sub);
  const intro = await client.tokenIntrospection(config, r2.access_token);
  assert.equal(intro.active, true);
  assert.equal(intro.sub, claims.sub);
  await assert.rejects(client.refreshTokenGrant(config, t.refresh_token), (e) => e.error === "invalid_grant");
  await assert.rejects(client.refreshTokenGrant(config, r2.refresh_token), (e) => e.error === "invalid_grant", "the family died with the reuse");
  assert.equal((await client.tokenIntrospection(config, r2.access_token)).active, false, "its access token too");
  // Revocation ends a fresh family.
  const t3 = await tokens(config, admin.token);
  await client.tokenRevocation(config, t3.refresh_token);
  await assert.rejects(client.refreshTokenGrant(config, t3.refresh_token), (e) => e.error === "invalid_grant");
  assert.equal((await client.tokenIntrospection(config, t3.access_token)).active, false);
});

test("a public client must use PKCE; the same person has another subject in another workspace", async () => {
  const admin = await newPerson();
  const a = await newAccount(admin, "Public A");
  const b = await newAccount(admin, "Public B");
  const spaA = await register(admin, a.id, { type: "public" });
  const spaB = await register(admin, b.id, { type: "public" });
  const ta = await tokens(await relyingParty(spaA), admin.token);
  const tb = await tokens(await relyingParty(spaB), admin.token);
  assert.notEqual(ta.claims().sub, tb.claims().sub, "pairwise per account");
  assert.equal((await tokens(await relyingParty(spaA), admin.token)).claims().sub, ta.claims().sub, "stable within one");
  // Without a challenge: an error back at the app, with iss.
  const r = await browse(authorizeUrl({ client_id: spaA.client_id, state: "s1" }), admin.token);
  assert.equal(r.status, 302);
  const back = new URL(r.headers.get("location"));
  assert.equal(back.searchParams.get("error"), "invalid_request");
  assert.equal(back.searchParams.get("state"), "s1");
  assert.equal(back.searchParams.get("iss"), BASE);
  // A public client cannot pretend to have a secret, nor redeem without the verifier.
  const { back: coded } = await signIn(await relyingParty(spaA), admin.token);
  const code = coded.searchParams.get("code");
  const noVerifier = await form("/oauth/token", { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: spaA.client_id });
  assert.equal(noVerifier.status, 400, noVerifier.text);
  assert.equal(noVerifier.json.error, "invalid_grant");
});

test("attacks: unknown clients and unregistered redirect URIs get a page, never a redirect; plain PKCE, another verifier, another redirect URI are refused", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Attacked");
  const app = await register(admin, acc.id);
  for (const url of [
    authorizeUrl({ client_id: "app_unknown" }),
    authorizeUrl({ client_id: app.client_id, redirect_uri: "http://127.0.0.1:9/callback/../evil" }),
    authorizeUrl({ client_id: app.client_id, redirect_uri: "https://evil.example.com/callback" }),
  ]) {
    const r = await browse(url, admin.token);
    assert.equal(r.status, 400, url.href);
    assert.equal(r.headers.get("location"), null);
    assert.match(r.headers.get("content-security-policy"), /frame-ancestors 'none'/);
    assert.match(await r.text(), /cannot be answered/);
  }
  const fr = await fetch(authorizeUrl({ client_id: "app_unknown" }), { headers: { "Accept-Language": "fr" } });
  assert.match(await fr.text(), /ne peut pas aboutir/);
  // PKCE plain is refused.
  const plain = await browse(authorizeUrl({ client_id: app.client_id, code_challenge: "a".repeat(43), code_challenge_method: "plain" }), admin.token);
  assert.equal(new URL(plain.headers.get("location")).searchParams.get("error"), "invalid_request");
  // A code, then the wrong verifier, the wrong redirect URI, the wrong secret.
  const pk = await challenge();
  const r = await browse(authorizeUrl({ client_id: app.client_id, code_challenge: pk.code_challenge, code_challenge_method: "S256", state: "xyz", nonce: "n-1" }), admin.token);
  const back = new URL(r.headers.get("location"));
  assert.equal(back.searchParams.get("state"), "xyz");
  assert.equal(back.searchParams.get("iss"), BASE);
  const code = back.searchParams.get("code");
  const other = await challenge();
  const wrongSecret = await form("/oauth/token", { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: pk.verifier }, basic({ ...app, client_secret: "nope" }));
  assert.equal(wrongSecret.status, 401);
  assert.equal(wrongSecret.json.error, "invalid_client");
  const wrongVerifier = await form("/oauth/token", { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: other.verifier }, basic(app));
  assert.equal(wrongVerifier.json.error, "invalid_grant");
  const wrongRedirect = await form("/oauth/token", { grant_type: "authorization_code", code, redirect_uri: "http://127.0.0.1:9/other", code_verifier: pk.verifier }, basic(app));
  assert.equal(wrongRedirect.json.error, "invalid_grant");
  const downgrade = await form("/oauth/token", { grant_type: "authorization_code", code, redirect_uri: REDIRECT }, basic(app));
  assert.equal(downgrade.json.error, "invalid_grant", "a code made with a challenge needs its verifier");
  const ok = await form("/oauth/token", { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: pk.verifier }, basic(app));
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers.get("cache-control"), "no-store");
  const idClaims = JSON.parse(Buffer.from(ok.json.id_token.split(".")[1], "base64url"));
  assert.equal(idClaims.nonce, "n-1", "the nonce round-trips untouched");
});

test("a code redeemed 20 times at once gives tokens once, and what it gave is revoked; a code lives 60 seconds", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Raced");
  const app = await register(admin, acc.id);
  const pk = await challenge();
  const r = await browse(authorizeUrl({ client_id: app.client_id, code_challenge: pk.code_challenge, code_challenge_method: "S256" }), admin.token);
  const code = new URL(r.headers.get("location")).searchParams.get("code");
  const body = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: pk.verifier };
  const all = await Promise.all(Array.from({ length: 20 }, () => form("/oauth/token", body, basic(app))));
  const won = all.filter((x) => x.status === 200);
  assert.equal(won.length, 1, all.map((x) => `${x.status} ${x.json?.error}`).join(", "));
  for (const x of all.filter((y) => y.status !== 200)) assert.equal(x.json.error, "invalid_grant");
  const refreshed = await form("/oauth/token", { grant_type: "refresh_token", refresh_token: won[0].json.refresh_token }, basic(app));
  assert.equal(refreshed.json.error, "invalid_grant", "the redeemed-twice code's tokens are revoked");
  const intro = await form("/oauth/introspect", { token: won[0].json.access_token }, basic(app));
  assert.equal(intro.json.active, false);
  // Expiry.
  const pk2 = await challenge();
  const r2 = await browse(authorizeUrl({ client_id: app.client_id, code_challenge: pk2.code_challenge, code_challenge_method: "S256" }), admin.token);
  const late = new URL(r2.headers.get("location")).searchParams.get("code");
  await advance(61);
  const expired = await form("/oauth/token", { grant_type: "authorization_code", code: late, redirect_uri: REDIRECT, code_verifier: pk2.verifier }, basic(app));
  assert.equal(expired.json.error, "invalid_grant");
});

test("the netid session decides: none sends to netid's login and back, prompt=none answers login_required, prompt=login and max_age ask again", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Prompted");
  const app = await register(admin, acc.id);
  const pk = await challenge();
  const params = { client_id: app.client_id, code_challenge: pk.code_challenge, code_challenge_method: "S256", state: "st" };
  const none = await browse(authorizeUrl({ ...params, prompt: "none" }));
  const nb = new URL(none.headers.get("location"));
  assert.equal(nb.searchParams.get("error"), "login_required");
  assert.equal(nb.searchParams.get("iss"), BASE);
  const anon = await browse(authorizeUrl(params));
  assert.equal(anon.status, 302);
  const login = anon.headers.get("location");
  assert.match(login, /^\/#\/login\?continue=/);
  const cont = decodeURIComponent(login.split("continue=")[1]);
  assert.ok(cont.startsWith("/api/v1/oauth/authorize?") && cont.includes("netid_auth_after="), cont);
  // login_hint fills netid's login field (a hint: the person may change it).
  const hinted = await browse(authorizeUrl({ ...params, login_hint: admin.email }));
  const page = new URLSearchParams(new URL(hinted.headers.get("location"), BASE).hash.split("?")[1]);
  assert.equal(page.get("login"), admin.email);
  assert.ok(page.get("continue").startsWith("/api/v1/oauth/authorize?"));
  // prompt=login with a session: the login page; the request coming back after a new login passes.
  await advance(1); // the session below is then from a second before the login page
  const again = await browse(authorizeUrl({ ...params, prompt: "login" }), admin.token);
  assert.match(again.headers.get("location"), /^\/#\/login\?continue=/);
  const back = decodeURIComponent(again.headers.get("location").split("continue=")[1]);
  const old = await browse(new URL(back, BASE), admin.token);
  assert.match(old.headers.get("location"), /^\/#\/login/, "the session from before the login page does not count");
  const fresh = await call("POST", "/login", { body: { login: admin.email, password: PASSWORD, client: "browser" } });
  assert.equal(fresh.status, 200, fresh.text);
  const done = await browse(new URL(back, BASE), fresh.json.token);
  assert.ok(new URL(done.headers.get("location")).searchParams.get("code"), done.headers.get("location"));
  // max_age: a session older than it is asked again.
  await advance(30);
  const aged = await browse(authorizeUrl({ ...params, max_age: "10" }), fresh.json.token);
  assert.match(aged.headers.get("location"), /^\/#\/login/);
  const agedNone = await browse(authorizeUrl({ ...params, max_age: "10", prompt: "none" }), fresh.json.token);
  assert.equal(new URL(agedNone.headers.get("location")).searchParams.get("error"), "login_required");
});

test("only an active card signs in: a stranger and an invitee get the no-access page; a dismissed person's refresh, userinfo and introspection stop at once", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Harbour Gate");
  const app = await register(admin, acc.id);
  const config = await relyingParty(app);
  const stranger = await newPerson();
  const pk = await challenge();
  const r = await browse(authorizeUrl({ client_id: app.client_id, code_challenge: pk.code_challenge, code_challenge_method: "S256", state: "q" }), stranger.token);
  assert.equal(r.status, 403);
  const html = await r.text();
  assert.match(html, /You do not have access to Harbour Gate/);
  const link = html.match(/id="back-to-app" href="([^"]+)"/)[1].replaceAll("&amp;", "&");
  const denied = new URL(link);
  assert.equal(denied.searchParams.get("error"), "access_denied");
  assert.equal(denied.searchParams.get("state"), "q");
  assert.equal(denied.searchParams.get("iss"), BASE);
  // A member signs in, then is dismissed.
  const email = uniqueEmail("gate");
  await inviteAll(admin, acc.id, [email]);
  const member = await acceptAsNew(email, "Mia", "Member");
  const t = await tokens(config, member.token);
  assert.equal(t.claims().account_role, "member");
  const users = await call("GET", `/accounts/${acc.id}/users?status=active`, { token: admin.token });
  const card = users.json.users.find((u) => u.login_email === email);
  assert.equal((await call("POST", `/accounts/${acc.id}/users/${card.id}/dismiss`, { token: admin.token })).status, 200);
  await assert.rejects(client.refreshTokenGrant(config, t.refresh_token), (e) => e.error === "invalid_grant");
  assert.equal((await client.tokenIntrospection(config, t.access_token)).active, false);
  await assert.rejects(client.fetchUserInfo(config, t.access_token, t.claims().sub));
  const after = await browse(authorizeUrl({ client_id: app.client_id, code_challenge: pk.code_challenge, code_challenge_method: "S256" }), member.token);
  assert.equal(after.status, 403);
});

test("an access token of account A is inactive to account B's client; logging out of netid ends the app's refresh", async () => {
  const admin = await newPerson();
  const a = await newAccount(admin, "Intro A");
  const b = await newAccount(admin, "Intro B");
  const appA = await register(admin, a.id);
  const appB = await register(admin, b.id);
  const login = await call("POST", "/login", { body: { login: admin.email, password: PASSWORD, client: "browser" } });
  const t = await tokens(await relyingParty(appA), login.json.token);
  const byB = await form("/oauth/introspect", { token: t.access_token }, basic(appB));
  assert.equal(byB.status, 200);
  assert.equal(byB.json.active, false);
  const byA = await form("/oauth/introspect", { token: t.access_token }, basic(appA));
  assert.equal(byA.json.active, true);
  assert.equal((await call("POST", "/logout", { token: login.json.token })).status, 204);
  const refreshed = await form("/oauth/token", { grant_type: "refresh_token", refresh_token: t.refresh_token }, basic(appA));
  assert.equal(refreshed.json.error, "invalid_grant");
});

test("key rotation: the next key is in the JWKS before it signs; the old one stays until its tokens expired", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Rotated");
  const app = await register(admin, acc.id);
  const kidOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[0], "base64url")).kid;
  const jwks = async () => (await (await fetch(`${API}/oauth/jwks`)).json()).keys.map((k) => k.kid);
  const before = await tokens(await relyingParty(app), admin.token);
  const oldKid = kidOf(before.id_token);
  const refused = await call("POST", "/operator/signing-keys", {});
  assert.equal(refused.status, 401);
  const rot = await asOperator("POST", "/operator/signing-keys");
  assert.equal(rot.status, 201, rot.text);
  const newKid = rot.json.kid;
  // (Other tests' rotations may have published keys of their own: this one's two are there.)
  const served = await jwks();
  assert.ok(served.includes(oldKid) && served.includes(newKid), served.join(", "));
  assert.equal(kidOf((await tokens(await relyingParty(app), admin.token)).id_token), oldKid, "the new key does not sign yet");
  await advance(601);
  const login = await call("POST", "/login", { body: { login: admin.email, password: PASSWORD, client: "browser" } });
  const after = await tokens(await relyingParty(app), login.json.token);
  assert.equal(kidOf(after.id_token), newKid);
  assert.ok((await jwks()).includes(oldKid), "the old key stays while its tokens live");
  await advance(700);
  const left = await jwks();
  assert.ok(left.includes(newKid) && !left.includes(oldKid), left.join(", "));
});

/** An app's back-channel logout receiver on 127.0.0.1: resolves `next()` with each logout token. */
async function receiver() {
  const waiting = [];
  const got = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      const token = new URLSearchParams(body).get("logout_token");
      res.writeHead(200).end();
      const w = waiting.shift();
      if (w) w(token); else got.push(token);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const uri = `http://127.0.0.1:${server.address().port}/backchannel`;
  const next = (ms = 15_000) => new Promise((resolve, reject) => {
    if (got.length) { resolve(got.shift()); return; }
    const timer = setTimeout(() => reject(new Error(`no logout token at ${uri} within ${ms} ms`)), ms);
    waiting.push((t) => { clearTimeout(timer); resolve(t); });
  });
  return { uri, next, close: () => server.close() };
}

async function verifyLogout(token, app) {
  const now = new Date(Date.now() + (await skew()) * 1000);
  const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${API}/oauth/jwks`)), {
    issuer: BASE, audience: app.client_id, typ: "logout+jwt", currentDate: now,
  });
  assert.equal(protectedHeader.alg, "ES256");
  assert.deepEqual(payload.events, { "http://schemas.openid.net/event/backchannel-logout": {} });
  assert.equal(payload.nonce, undefined);
  assert.ok(payload.jti && payload.iat && payload.exp);
  return payload;
}

test("leaving is immediate: dismissal, logout and a password change send a signed back-channel logout token to the apps the person holds tokens of, and revoke them", async () => {
  const rx = await receiver();
  try {
    const admin = await newPerson();
    const a = await newAccount(admin, "Back A");
    const b = await newAccount(admin, "Back B");
    const appA = await register(admin, a.id, { backchannel_logout_uri: rx.uri });
    const appB = await register(admin, b.id, { backchannel_logout_uri: rx.uri });
    const email = uniqueEmail("backchannel");
    await inviteAll(admin, a.id, [email]);
    const member = await acceptAsNew(email, "Bea", "Back");
    const memberB = await call("POST", `/accounts/${b.id}/invitations`, { token: admin.token, body: { invitees: [{ email }] } });
    assert.equal(memberB.status, 200, memberB.text);
    const inv = await lastMessage(email, "invitation");
    assert.equal((await call("POST", `/invitations/${inv.token}/accept`, { token: member.token, body: {} })).status, 200);
    const login = await call("POST", "/login", { body: { login: email, password: PASSWORD, client: "browser" } });
    const cfgA = await relyingParty(appA);
    const cfgB = await relyingParty(appB);
    const ta = await tokens(cfgA, login.json.token);
    const tb = await tokens(cfgB, login.json.token);
    // B's admin dismisses them: B's app is told, with the session and subject it knows.
    const users = await call("GET", `/accounts/${b.id}/users?status=active`, { token: admin.token });
    const card = users.json.users.find((u) => u.login_email === email);
    assert.equal((await call("POST", `/accounts/${b.id}/users/${card.id}/dismiss`, { token: admin.token })).status, 200);
    const lt = await verifyLogout(await rx.next(), appB);
    assert.equal(lt.sub, tb.claims().sub);
    assert.equal(lt.sid, tb.claims().sid);
    await assert.rejects(client.refreshTokenGrant(cfgB, tb.refresh_token), (e) => e.error === "invalid_grant");
    // A's app still works.
    const ra = await client.refreshTokenGrant(cfgA, ta.refresh_token);
    assert.ok(ra.access_token);
    // Logging out of netid: A's app is told once for that session.
    assert.equal((await call("POST", "/logout", { token: login.json.token })).status, 204);
    const la = await verifyLogout(await rx.next(), appA);
    assert.equal(la.sub, ta.claims().sub);
    assert.equal(la.sid, ta.claims().sid);
    const rows = (await call("GET", `/dev/outbox?to=${encodeURIComponent(rx.uri)}`)).json.messages;
    assert.equal(rows.filter((m) => m.kind === "backchannel_logout").length, 2, "one logout per app and session, nothing twice");
    // A password change ends the apps' sessions of every other session, and of this one.
    const again = await call("POST", "/login", { body: { login: email, password: PASSWORD, client: "browser" } });
    const t2 = await tokens(cfgA, again.json.token);
    const changed = await call("POST", "/me/password", { token: member.token, body: { current_password: PASSWORD, new_password: "saffron-meadow-compass-88" } });
    assert.equal(changed.status, 204, changed.text);
    const lp = await verifyLogout(await rx.next(), appA);
    assert.equal(lp.sid, t2.claims().sid);
    await assert.rejects(client.refreshTokenGrant(cfgA, t2.refresh_token), (e) => e.error === "invalid_grant");
  } finally {
    rx.close();
  }
});

test("every other way out of a netid session tells the apps: ending other sessions, ending one, an admin switching two-step off, a reset, leaving the workspace", async () => {
  const rx = await receiver();
  try {
    const admin = await newPerson();
    const acc = await newAccount(admin, "Ways Out");
    const app = await register(admin, acc.id, { backchannel_logout_uri: rx.uri });
    const email = uniqueEmail("waysout");
    await inviteAll(admin, acc.id, [email]);
    const member = await acceptAsNew(email, "Wes", "Out");
    const config = await relyingParty(app);
    const browserLogin = async (password = PASSWORD) => {
      const r = await call("POST", "/login", { body: { login: email, password, client: "browser" } });
      assert.equal(r.status, 200, r.text);
      return r.json.token;
    };
    const told = async (tokens, why) => {
      const lt = await verifyLogout(await rx.next(), app);
      assert.equal(lt.sid, tokens.claims().sid, why);
      assert.equal(lt.sub, tokens.claims().sub, why);
      await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token), (e) => e.error === "invalid_grant", why);
    };
    // "End all other sessions" from the invitation's session.
    const t1 = await tokens(config, await browserLogin());
    assert.equal((await call("POST", "/me/sessions/end-others", { token: member.token, body: { password: PASSWORD } })).status, 204);
    await told(t1, "end-others");
    // Ending one session by its id.
    const t2 = await tokens(config, await browserLogin());
    const ended = await call("DELETE", `/me/sessions/${t2.claims().sid}`, { token: member.token, body: { password: PASSWORD } });
    assert.equal(ended.status, 204, ended.text);
    await told(t2, "one session ended");
    // An admin switching the member's two-step off ends their sessions.
    const clock = async () => Math.floor(Date.parse((await call("GET", "/dev/clock")).json.now) / 1000);
    const setup = await call("POST", "/me/two-factor/setup", { token: member.token, body: { password: PASSWORD } });
    assert.equal(setup.status, 200, setup.text);
    assert.equal((await call("POST", "/me/two-factor/enable", { token: member.token, body: { code: totp(setup.json.secret, await clock()) } })).status, 200);
    await advance(31);
    const first = await call("POST", "/login", { body: { login: email, password: PASSWORD, client: "browser" } });
    const second = await call("POST", "/login/second-factor", { body: { ticket: first.json.second_factor.ticket, otp: totp(setup.json.secret, await clock()) } });
    assert.equal(second.status, 200, second.text);
    const t3 = await tokens(config, second.json.token);
    assert.deepEqual(t3.claims().amr, ["pwd", "otp"]);
    const cards = await call("GET", `/accounts/${acc.id}/users?status=active`, { token: admin.token });
    const card = cards.json.users.find((u) => u.login_email === email);
    assert.equal((await call("DELETE", `/accounts/${acc.id}/users/${card.id}/two-factor`, { token: admin.token })).status, 204);
    await told(t3, "two-step switched off by an admin");
    // A password reset.
    const t4 = await tokens(config, await browserLogin());
    assert.equal((await call("POST", "/password/forgot", { body: { login: email } })).status, 202);
    const code = (await lastMessage(email, "password_reset_code")).code;
    assert.equal((await call("POST", "/password/reset", { body: { login: email, code, new_password: "granite-orchid-42" } })).status, 204);
    await told(t4, "reset");
    // Leaving the workspace.
    const session = await browserLogin("granite-orchid-42");
    const t5 = await tokens(config, session);
    assert.equal((await call("POST", `/accounts/${acc.id}/leave`, { token: session })).status, 204);
    await told(t5, "left the workspace");
  } finally {
    rx.close();
  }
});

test("RP-initiated logout: the hint of this session signs out and goes back to a registered URI; a link without it signs nobody out", async () => {
  const rx = await receiver();
  try {
    const admin = await newPerson();
    const acc = await newAccount(admin, "Logout Co");
    const app = await register(admin, acc.id, { post_logout_redirect_uris: ["http://127.0.0.1:9/bye"] });
    const other = await register(admin, acc.id, { name: "Chat", backchannel_logout_uri: rx.uri });
    const login = await call("POST", "/login", { body: { login: admin.email, password: PASSWORD, client: "browser" } });
    const config = await relyingParty(app);
    const t = await tokens(config, login.json.token);
    const chat = await tokens(await relyingParty(other), login.json.token);
    // Without a hint: nothing ends, a page says so.
    const bare = await browse(`${API}/oauth/logout?client_id=${app.client_id}`, login.json.token);
    assert.equal(bare.status, 200);
    assert.match(await bare.text(), /still signed in/);
    assert.equal((await call("GET", "/session", { token: login.json.token })).status, 200);
    // An unregistered post-logout URI: signed out, but no redirect there.
    const url = client.buildEndSessionUrl(config, { id_token_hint: t.id_token, post_logout_redirect_uri: "https://evil.example.com/", state: "s" });
    const evil = await browse(url, login.json.token);
    assert.equal(evil.status, 200);
    assert.equal(evil.headers.get("location"), null);
    assert.equal((await call("GET", "/session", { token: login.json.token })).status, 401, "the hint named this session");
    // The other app of that session hears of it (back-channel).
    const lt = await verifyLogout(await rx.next(), other);
    assert.equal(lt.sid, chat.claims().sid);
    // A registered URI with a new session: back there with the state.
    const again = await call("POST", "/login", { body: { login: admin.email, password: PASSWORD, client: "browser" } });
    const t2 = await tokens(config, again.json.token);
    const ok = await browse(client.buildEndSessionUrl(config, { id_token_hint: t2.id_token, post_logout_redirect_uri: "http://127.0.0.1:9/bye", state: "s2" }), again.json.token);
    assert.equal(ok.status, 302);
    assert.equal(ok.headers.get("location"), "http://127.0.0.1:9/bye?state=s2");
    assert.match(ok.headers.get("set-cookie"), /Max-Age=0/);
  } finally {
    rx.close();
  }
});

test("entering a workspace whose app signs people in by itself answers that app's initiate-login URI with iss", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Initiated");
  const none = await call("POST", `/accounts/${acc.id}/enter`, { token: admin.token });
  assert.equal(none.json.app_url, null);
  await register(admin, acc.id, { initiate_login_uri: "https://crm.example.com/start?from=netid" });
  const r = await call("POST", `/accounts/${acc.id}/enter`, { token: admin.token });
  assert.equal(r.status, 200, r.text);
  const u = new URL(r.json.app_url);
  assert.equal(`${u.origin}${u.pathname}`, "https://crm.example.com/start");
  assert.equal(u.searchParams.get("from"), "netid");
  assert.equal(u.searchParams.get("iss"), BASE);
  assert.equal(u.searchParams.get("target_link_uri"), "https://crm.example.com/start?from=netid");
});
