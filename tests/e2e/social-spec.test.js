// Social login held to the specifications, against the real OpenID Connect provider on
// 127.0.0.1 (tests/oidc/server.mjs, oidc-provider from npm), each test the way an attacker
// would try it (issue 19, "ID tokens"):
//   - an ID token with `nbf` an hour ahead is refused (RFC 7519 4.1.5, OIDC Core 3.1.3.7);
//   - an authorization response without `iss` is refused when the provider's discovery
//     advertises `authorization_response_iss_parameter_supported` (RFC 9207 section 2.4);
//   - a connect started by a session that logged out before the callback links nothing.
// When the run says where the Worker logs (NETID_WORKER_LOG, scripts/test.sh), the reason the
// Worker gives is checked there too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { API, call, newPerson, PASSWORD, uniqueEmail } from "./helpers.js";

const OIDC = process.env.NETID_OIDC_URL || "http://127.0.0.1:8794";
const WORKER_LOG = process.env.NETID_WORKER_LOG || "";

/** Cookies of one site, as a browser keeps them (no paths, no expiry: enough here). */
class Jar {
  constructor() { this.c = new Map(); }
  take(resp) {
    for (const sc of resp.headers.getSetCookie()) {
      const pair = sc.split(";")[0];
      const i = pair.indexOf("=");
      const [k, v] = [pair.slice(0, i).trim(), pair.slice(i + 1).trim()];
      if (!v || /max-age=0/i.test(sc)) this.c.delete(k); else this.c.set(k, v);
    }
  }
  get header() { return [...this.c].map(([k, v]) => `${k}=${v}`).join("; "); }
}

async function get(url, jar, headers = {}) {
  const r = await fetch(url, { redirect: "manual", headers: { ...headers, ...(jar.header ? { Cookie: jar.header } : {}) } });
  jar.take(r);
  return r;
}

async function postForm(url, jar, form) {
  const r = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(jar.header ? { Cookie: jar.header } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  jar.take(r);
  return r;
}

async function providerUser(u = {}) {
  const sub = u.sub || `sub-${randomBytes(6).toString("hex")}`;
  const r = await fetch(`${OIDC}/_oidc/users`, { method: "POST", body: JSON.stringify({ name: "Ada Lovelace", given_name: "Ada", family_name: "Lovelace", ...u, sub }) });
  assert.equal(r.status, 201);
  return sub;
}

const stats = async () => (await fetch(`${OIDC}/_oidc/stats`)).json();

/**
 * The browser's part, from netid's start (or the URL a connect answered) through the
 * provider's sign-in page as `sub`, to netid's callback (Google: a plain redirect). `rewrite`
 * changes the callback URL before the browser follows it; `forge` makes the provider's next
 * token response carry that forged ID token.
 */
async function dance(provider, { sub, mode = "login", jar = new Jar(), startUrl, forge, rewrite = (u) => u }) {
  let r;
  if (!startUrl) {
    r = await get(`${API}/auth/social/${provider}/start?mode=${mode}`, jar);
    assert.equal(r.status, 302, await r.text());
    startUrl = r.headers.get("location");
  }
  assert.ok(startUrl.startsWith(OIDC), startUrl);
  const op = new Jar();
  r = await get(startUrl, op);
  assert.equal(r.status, 303, await r.text());
  const interaction = new URL(r.headers.get("location"), OIDC).href;
  assert.equal((await get(interaction, op)).status, 200);
  r = await postForm(`${interaction}/login`, op, { sub });
  assert.equal(r.status, 303, await r.text());
  r = await get(new URL(r.headers.get("location"), OIDC).href, op);
  assert.equal(r.status, 303, await r.text());
  if (forge) {
    const f = await fetch(`${OIDC}/_oidc/forge`, { method: "POST", body: JSON.stringify({ kind: forge }) });
    assert.equal(f.status, 200);
  }
  const callback = rewrite(r.headers.get("location"));
  assert.ok(callback.startsWith(`${API}/auth/social/${provider}/callback?`), callback);
  r = await get(callback, jar);
  assert.equal(r.status, 302, await r.text());
  const location = r.headers.get("location");
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith("__Host-netid_session=") && !/Max-Age=0/i.test(c));
  return { location, sessionToken: cookie ? cookie.split(";")[0].split("=")[1] : null };
}

const errorOf = (location) => new URLSearchParams(location.split("?")[1] || "").get("error");

async function me(token) {
  const r = await call("GET", "/me", { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Connects `sub` at `provider` to the person's profile (a POST with the password, then the dance). */
async function connect(person, provider, sub) {
  const c = await call("POST", `/me/social/${provider}/connect`, { token: person.token, body: { password: PASSWORD, return_to: "/#/profile" } });
  assert.equal(c.status, 200, c.text);
  const jar = new Jar();
  jar.take(c);
  return { url: c.json.url, jar };
}

/** The Worker wrote `text` to its log (only when the run names the log file). */
async function workerLogged(text) {
  if (!WORKER_LOG) return;
  for (let i = 0; i < 40; i++) {
    if (existsSync(WORKER_LOG) && readFileSync(WORKER_LOG, "utf8").includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the Worker log (${WORKER_LOG}) does not say "${text}"`);
}

test("an ID token valid only from an hour ahead (nbf) is refused, though well signed and with every other claim right", async () => {
  const p = await newPerson();
  const sub = await providerUser({});
  const c = await connect(p, "google", sub);
  const linked = await dance("google", { sub, startUrl: c.url, jar: c.jar });
  assert.equal(linked.location, "/#/profile", "the identity is linked");
  // A login with it: the provider's next ID token says nbf = now + 3600.
  const d = await dance("google", { sub, forge: "nbf_future" });
  assert.equal((await stats()).forged.at(-1), "nbf_future", "the provider really sent it");
  assert.equal(errorOf(d.location), "social_token_invalid", d.location);
  assert.ok(d.location.startsWith("/#/login?"), d.location);
  assert.equal(d.sessionToken, null, "no session");
  await workerLogged("ID token refused: not_yet_valid");
  // The same identity with an ordinary token still logs in: only the token was refused.
  const ok = await dance("google", { sub });
  assert.equal(errorOf(ok.location), null, ok.location);
  assert.equal((await me(ok.sessionToken)).id, p.profile.id);
});

test("an authorization response without iss, from a provider whose discovery advertises it, is refused before the code is used (RFC 9207 2.4)", async () => {
  const discovery = await (await fetch(`${OIDC}/.well-known/openid-configuration`)).json();
  assert.equal(discovery.authorization_response_iss_parameter_supported, true, "the provider advertises iss");
  const email = uniqueEmail("noiss");
  const sub = await providerUser({ email, email_verified: true });
  const before = (await stats()).tokenCalls;
  const d = await dance("google", {
    sub,
    mode: "signup",
    rewrite: (u) => {
      const x = new URL(u);
      assert.equal(x.searchParams.get("iss"), OIDC, "the provider sent iss");
      x.searchParams.delete("iss");
      return x.href;
    },
  });
  assert.equal(errorOf(d.location), "social_token_invalid", d.location);
  assert.ok(d.location.startsWith("/#/signup?"), d.location);
  assert.equal(d.sessionToken, null);
  assert.equal((await stats()).tokenCalls, before, "the code never went to the token endpoint");
  await workerLogged("authorization response refused: iss_missing");
  // Nothing was made: the identity is linked to no profile.
  assert.equal(errorOf((await dance("google", { sub })).location), "social_not_linked");
  // With iss, the same sign-up goes through.
  const ok = await dance("google", { sub, mode: "signup" });
  assert.equal(errorOf(ok.location), null, ok.location);
  assert.equal((await me(ok.sessionToken)).email, email);
});

test("a connect started by a session that then logged out links nothing", async () => {
  const p = await newPerson();
  const sub = await providerUser({ email: uniqueEmail("gone") });
  // The connect starts (password given), the provider's page opens...
  const c = await connect(p, "google", sub);
  // ...and meanwhile the person logs out (or someone else does, on a shared computer).
  const out = await call("POST", "/logout", { token: p.token });
  assert.equal(out.status, 204, out.text);
  const d = await dance("google", { sub, startUrl: c.url, jar: c.jar });
  assert.equal(errorOf(d.location), "unauthenticated", d.location);
  assert.ok(d.location.startsWith("/#/profile?"), d.location);
  assert.equal(d.sessionToken, null);
  // Nothing is linked: the profile has no identity, and the identity logs in to nobody.
  const again = await call("POST", "/login", { body: { login: p.email, password: PASSWORD } });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual((await me(again.json.token)).social, []);
  assert.equal(errorOf((await dance("google", { sub })).location), "social_not_linked");
  // A connect from the live session links as before.
  const c2 = await connect({ token: again.json.token }, "google", sub);
  const d2 = await dance("google", { sub, startUrl: c2.url, jar: c2.jar });
  assert.equal(d2.location, "/#/profile", d2.location);
  assert.deepEqual((await me(again.json.token)).social.map((s) => s.subject), [sub]);
});
