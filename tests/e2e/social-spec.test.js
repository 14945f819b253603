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
import { existsSync, readFileSync } from "node:fs";
import { call, newPerson, PASSWORD, uniqueEmail } from "./helpers.js";
import { OIDC, Jar, providerUser, dance, errorOf, me } from "./oidc-helpers.js";

const WORKER_LOG = process.env.NETID_WORKER_LOG || "";

const stats = async () => (await fetch(`${OIDC}/_oidc/stats`)).json();

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
