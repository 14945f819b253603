// "Remember this browser" (API.md, two-step authentication): the opt-in at the second step
// sets an HttpOnly cookie bound to the profile and to the browser's device cookie; a password
// login on that browser then needs no second step, on another browser it does; the list in
// Security and its revocation (20 logins racing a revocation: none lands after it); a new
// password forgets every browser; a workspace whose two-step rule refuses remembered
// browsers asks every time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { totp, serviceNow } from "../lib/totp.js";
import { BASE, call, assertError, newPerson, newAccount, advance, PASSWORD } from "./helpers.js";

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

function cookie(r, name) {
  const set = r.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return set || null;
}

/** A person with two-step on; answers { email, token, secret }. */
async function enrolled() {
  const p = await newPerson();
  const setup = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } });
  assert.equal(setup.status, 200, setup.text);
  const en = await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(setup.json.secret, await serviceNow(BASE)) } });
  assert.equal(en.status, 200, en.text);
  return { ...p, secret: setup.json.secret };
}

const login = (email, cookies, password = PASSWORD) =>
  call("POST", "/login", { body: { login: email, password }, headers: { "User-Agent": CHROME, ...(cookies ? { Cookie: cookies } : {}) } });

/** The second step with a fresh code and the opt-in; answers the browser's cookies after it. */
async function remember(p, device) {
  await advance(30);
  const first = await login(p.email, device);
  assertError(first, 401, "second_factor_required");
  const second = await call("POST", "/login/second-factor", {
    body: { ticket: first.json.second_factor.ticket, otp: totp(p.secret, await serviceNow(BASE)), remember_browser: true },
    headers: { "User-Agent": CHROME, ...(device ? { Cookie: device } : {}) },
  });
  assert.equal(second.status, 200, second.text);
  const dev = device || cookie(second, "__Host-netid_device").split(";")[0];
  const set = cookie(second, "__Host-netid_remember");
  assert.ok(set, `the answer remembers the browser: ${second.headers.getSetCookie()}`);
  assert.match(set, /; HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=2592000$/, "30 days, HttpOnly");
  return { cookies: `${dev}; ${set.split(";")[0]}`, device: dev, token: second.json.token };
}

test("remembered browsers: the opt-in skips the second step on this browser only, for this profile only", async () => {
  const p = await enrolled();
  const here = await remember(p);
  const again = await login(p.email, here.cookies);
  assert.equal(again.status, 200, again.text);
  assert.ok(again.json.token, "a session at once");

  // The cookie without its device cookie (another browser), or with another one: the second step.
  const remembered = here.cookies.split("; ")[1];
  assertError(await login(p.email, remembered), 401, "second_factor_required");
  assertError(await login(p.email, `__Host-netid_device=${"x".repeat(43)}; ${remembered}`), 401, "second_factor_required");
  // A forged token: the second step, no error.
  assertError(await login(p.email, `${here.device}; __Host-netid_remember=${"A".repeat(43)}.${"B".repeat(43)}`), 401, "second_factor_required");
  // Another person on the same browser with the same cookies.
  const q = await enrolled();
  assertError(await login(q.email, here.cookies), 401, "second_factor_required");
  // Without the opt-in, nothing is remembered.
  await advance(30);
  const first = await login(q.email, here.device);
  const plain = await call("POST", "/login/second-factor", { body: { ticket: first.json.second_factor.ticket, otp: totp(q.secret, await serviceNow(BASE)) } });
  assert.equal(plain.status, 200, plain.text);
  assert.equal(cookie(plain, "__Host-netid_remember"), null);

  // Listed in Security, with the browser's name, marked as this one from this browser.
  const list = await call("GET", "/me/remembered-browsers", { token: again.json.token, headers: { Cookie: here.device } });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.browsers.length, 1);
  assert.equal(list.json.browsers[0].current, true);
  assert.match(list.json.browsers[0].device, /Chrome/);
  // 30 days later it is gone.
  await advance(30 * 86400);
  assertError(await login(p.email, here.cookies), 401, "second_factor_required");
});

test("remembered browsers: 20 logins racing a revocation; none lands after it", async () => {
  const p = await enrolled();
  const here = await remember(p);
  const list = await call("GET", "/me/remembered-browsers", { token: here.token });
  const id = list.json.browsers[0].id;
  assertError(await call("DELETE", "/me/remembered-browsers/brw_not_mine", { token: here.token }), 404, "not_found");

  const logins = Array.from({ length: 20 }, () => login(p.email, here.cookies));
  const revoked = call("DELETE", `/me/remembered-browsers/${id}`, { token: here.token });
  const [rv, ...results] = await Promise.all([revoked, ...logins]);
  assert.equal(rv.status, 204, rv.text);
  const admitted = results.filter((r) => r.status === 200).length;
  for (const r of results) {
    // Admitted before the revocation, asked the second step after it, refused when it read the
    // row before the revocation and committed after it, or throttled (a login's attempts are
    // counted before they are judged: at most 5 in flight): never a 500.
    assert.ok([200, 401, 429].includes(r.status), `${r.status} ${r.text}`);
    if (r.status === 401) assert.ok(["second_factor_required", "unauthenticated"].includes(r.json.error.code), r.text);
  }
  assert.ok(admitted <= 5, `at most the throttle's 5 attempts were judged: ${admitted}`);
  // Once the throttle's window has passed: the second step, and nothing left to revoke.
  await advance(16 * 60);
  assertError(await login(p.email, here.cookies), 401, "second_factor_required");
  const fresh = await remember(p, here.device);
  assert.equal((await call("GET", "/me/remembered-browsers", { token: fresh.token })).json.browsers.length, 1, "only the new one");
});

test("remembered browsers: a new password forgets them, and so does forgetting them all", async () => {
  const p = await enrolled();
  const here = await remember(p);
  const NEW = "granite-orchid-47";
  const changed = await call("POST", "/me/password", { token: here.token, body: { current_password: PASSWORD, new_password: NEW } });
  assert.equal(changed.status, 204, changed.text);
  assertError(await login(p.email, here.cookies, NEW), 401, "second_factor_required");

  const p2 = await enrolled();
  const a = await remember(p2);
  assert.equal((await login(p2.email, a.cookies)).status, 200);
  assert.equal((await call("DELETE", "/me/remembered-browsers", { token: a.token })).status, 204);
  assertError(await login(p2.email, a.cookies), 401, "second_factor_required");
});

test("remembered browsers: a workspace whose two-step rule refuses them asks every time", async () => {
  const p = await enrolled();
  const here = await remember(p);
  const acc = await newAccount(p, "Strict Ltd");
  const set = await call("PATCH", `/accounts/${acc.id}/policy`, { token: here.token, body: { require_two_factor: "everyone", allow_remember_browser: false } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.allow_remember_browser, false);
  assertError(await login(p.email, here.cookies), 401, "second_factor_required");
  // And the opt-in remembers nothing while it holds.
  await advance(30);
  const first = await login(p.email, here.cookies);
  const second = await call("POST", "/login/second-factor", {
    body: { ticket: first.json.second_factor.ticket, otp: totp(p.secret, await serviceNow(BASE)), remember_browser: true },
    headers: { Cookie: here.cookies },
  });
  assert.equal(second.status, 200, second.text);
  assert.equal(cookie(second, "__Host-netid_remember"), null);
  // A PATCH of no field (or of nulls) changes nothing and answers the policy as it is.
  const same = await call("PATCH", `/accounts/${acc.id}/policy`, { token: second.json.token, body: { require_two_factor: null } });
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.allow_remember_browser, false);
  const audit = await call("GET", `/accounts/${acc.id}/audit`, { token: second.json.token });
  assert.ok(audit.json.events.some((e) => e.action === "policy.remember_browsers" && e.detail === "allowed -> refused"), audit.text);
});
