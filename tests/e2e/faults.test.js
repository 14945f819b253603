// Storage faults (development only: POST /dev/faults arms one for the next request). For
// every flow that writes, each of its storage steps is failed in turn, on a fresh setup:
// the request answers 500 internal_error and the state is exactly as before (GET
// /dev/snapshot: every table's rows but the attempt counters, guards, settings and session
// touches, which are written on purpose before a flow decides). The loop ends when the flow
// runs past its last step with the fault unreached, and succeeds. A hang behaves as a
// failure after the storage timeout; KV failing never touches sessions; the cron, stopped
// after any batch, finishes on its next run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  call, assertError, lastMessage, newPerson, newAccount, uniqueEmail, PASSWORD, operatorToken, BASE,
} from "./helpers.js";
import { totp, serviceNow } from "../lib/totp.js";

async function snapshot() {
  const r = await call("GET", "/dev/snapshot");
  assert.equal(r.status, 200, r.text);
  return r.json.tables;
}

async function arm(fault) {
  const r = await call("POST", "/dev/faults", { body: fault });
  assert.equal(r.status, 200, r.text);
}

/** Fails every storage step of `act` in turn; answers how many steps it failed. */
async function everyStep(name, setup, act, { target = "d1", mode = "fail", ok = (r) => r.status < 400, failed = (r) => assertError(r, 500, "internal_error") } = {}) {
  for (let n = 1; n <= 40; n++) {
    const ctx = await setup();
    const before = await snapshot();
    await arm({ target, nth: n, mode, timeout_ms: 150 });
    const r = await act(ctx);
    if (r.headers.get("x-netid-fault") !== "fired") {
      assert.ok(ok(r), `${name}: without a fault it works: ${r.status} ${r.text}`);
      assert.ok(n > 1 || target === "kv", `${name}: the flow touched storage`);
      return n - 1;
    }
    failed(r);
    assert.deepEqual(await snapshot(), before, `${name}: a ${mode} at ${target} step ${n} left state behind (${r.headers.get("x-netid-queries")})`);
  }
  assert.fail(`${name}: more than 40 storage steps`);
}

const fresh = () => ({ email: uniqueEmail("fault") });
const person = () => newPerson({ email: uniqueEmail("fault") });
async function admin() {
  const p = await person();
  const acc = await newAccount(p, "Faulty");
  return { ...p, acc, base: `/accounts/${acc.id}` };
}

test("signup, confirmation, login and logout leave nothing behind at any failed step", async () => {
  const steps = {};
  steps.signup = await everyStep("signup", async () => fresh(), (c) => call("POST", "/signup", { body: { email: c.email, password: PASSWORD, first_name: "Ada", last_name: "Lovelace" } }));
  steps.confirm = await everyStep("confirm", async () => {
    const c = fresh();
    await call("POST", "/signup", { body: { email: c.email, password: PASSWORD, first_name: "Ada", last_name: "Lovelace" } });
    return { ...c, code: (await lastMessage(c.email, "signup_code")).code };
  }, (c) => call("POST", "/signup/confirm", { body: { email: c.email, code: c.code } }));
  steps.login = await everyStep("login", person, (p) => call("POST", "/login", { body: { login: p.email, password: p.password } }));
  steps.logout = await everyStep("logout", person, (p) => call("POST", "/logout", { token: p.token }));
  for (const [k, v] of Object.entries(steps)) assert.ok(v >= 1, `${k}: ${v} steps`);
});

test("profile changes leave nothing behind at any failed step", async () => {
  await everyStep("patch me", person, (p) => call("PATCH", "/me", { token: p.token, body: { first_name: "Grace", apply_to_all_accounts: true } }));
  await everyStep("email change", person, (p) => call("POST", "/me/email", { token: p.token, body: { email: uniqueEmail("new"), password: p.password } }));
  await everyStep("email confirm", async () => {
    const p = await person();
    const to = uniqueEmail("new");
    await call("POST", "/me/email", { token: p.token, body: { email: to, password: p.password } });
    return { ...p, to, code: (await lastMessage(to, "email_change_code")).code };
  }, (p) => call("POST", "/me/email/confirm", { token: p.token, body: { email: p.to, code: p.code } }));
  await everyStep("password change", person, (p) => call("POST", "/me/password", { token: p.token, body: { current_password: p.password, new_password: "amber-meadow-lantern-9" } }));
  // A reset request answers 202 once its attempt was counted, whatever happened next (it
  // must not tell which logins exist); a failed one leaves nothing behind either.
  await everyStep("forgot", person, (p) => call("POST", "/password/forgot", { body: { login: p.email } }), {
    failed: (r) => assert.ok(r.status === 202 || (r.status === 500 && r.json.error.code === "internal_error"), r.text),
  });
  await everyStep("reset", async () => {
    const p = await person();
    await call("POST", "/password/forgot", { body: { login: p.email } });
    return { ...p, code: (await lastMessage(p.email, "password_reset_code")).code };
  }, (p) => call("POST", "/password/reset", { body: { login: p.email, code: p.code, new_password: "amber-meadow-lantern-9" } }));
  await everyStep("delete profile", person, (p) => call("DELETE", "/me", { token: p.token, body: { password: p.password } }));
  await everyStep("two-step setup", person, (p) => call("POST", "/me/two-factor/setup", { token: p.token, body: { password: p.password } }));
  await everyStep("two-step enable", async () => {
    const p = await person();
    const s = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: p.password } });
    // The code is computed before the fault is armed (reading the clock is a request too).
    return { ...p, code: totp(s.json.secret, await serviceNow(BASE)) };
  }, (p) => call("POST", "/me/two-factor/enable", { token: p.token, body: { code: p.code } }));
});

test("account, people and invitation changes leave nothing behind at any failed step", async () => {
  await everyStep("create account", person, (p) => call("POST", "/accounts", { token: p.token, body: { name: "Acme" } }));
  await everyStep("rename account", admin, (a) => call("PATCH", a.base, { token: a.token, body: { name: "Renamed" } }));
  await everyStep("enter account", admin, (a) => call("POST", `${a.base}/enter`, { token: a.token }));
  await everyStep("delete account", admin, (a) => call("DELETE", a.base, { token: a.token }));
  await everyStep("add department", admin, (a) => call("POST", `${a.base}/departments`, { token: a.token, body: { name: "Ops" } }));
  await everyStep("add group", admin, (a) => call("POST", `${a.base}/groups`, { token: a.token, body: { name: "Project", extranet: true } }));
  await everyStep("register user", admin, (a) => call("POST", `${a.base}/users`, { token: a.token, body: { first_name: "Piotr", last_name: "Nowak", email: uniqueEmail("reg") } }));
  const withUser = async () => {
    const a = await admin();
    const u = await call("POST", `${a.base}/users`, { token: a.token, body: { first_name: "Piotr", last_name: "Nowak", email: uniqueEmail("reg"), password: "granite-orchid-42" } });
    assert.equal(u.json.status, "active", u.text);
    return { ...a, uid: u.json.id };
  };
  await everyStep("edit user", withUser, (a) => call("PATCH", `${a.base}/users/${a.uid}`, { token: a.token, body: { position: "Lead" } }));
  await everyStep("dismiss user", withUser, (a) => call("POST", `${a.base}/users/${a.uid}/dismiss`, { token: a.token }));
  await everyStep("invite", admin, (a) => call("POST", `${a.base}/invitations`, { token: a.token, body: { invitees: [{ email: uniqueEmail("inv") }, { email: uniqueEmail("inv") }] } }));
  const invited = async () => {
    const a = await admin();
    const to = uniqueEmail("inv");
    const r = await call("POST", `${a.base}/invitations`, { token: a.token, body: { invitees: [{ email: to }] } });
    return { ...a, to, iid: r.json.results[0].invitation_id, token: a.token, link: (await lastMessage(to, "invitation")).token };
  };
  await everyStep("resend invitation", invited, (a) => call("POST", `${a.base}/invitations/${a.iid}/resend`, { token: a.token }));
  await everyStep("revoke invitation", invited, (a) => call("DELETE", `${a.base}/invitations/${a.iid}`, { token: a.token }));
  await everyStep("accept invitation", invited, (a) => call("POST", `/invitations/${a.link}/accept`, { body: { password: PASSWORD, first_name: "Guest", last_name: "Person" } }));
  // The operator's session is made (or checked) in the setup, before the snapshot.
  await everyStep("operator plan", async () => ({ ...(await admin()), op: await operatorToken() }), (a) => call("PUT", `/operator${a.base}/plan`, { body: { plan: "standard" }, token: a.op }));
});

test("sessions, two-step and phone changes leave nothing behind at any failed step", async () => {
  const desktop = async () => {
    const p = await person();
    const d = await call("POST", "/login", { body: { login: p.email, password: p.password, client: "desktop" } });
    return { ...p, refresh: d.json.refresh_token, desktop: d.json.token };
  };
  await everyStep("refresh", desktop, (p) => call("POST", "/session/refresh", { body: { refresh_token: p.refresh } }));
  await everyStep("end one session", async () => {
    const p = await desktop();
    const list = await call("GET", "/me/sessions", { token: p.token });
    return { ...p, sid: list.json.sessions.find((s) => !s.current).id };
  }, (p) => call("DELETE", `/me/sessions/${p.sid}`, { token: p.token, body: { password: p.password } }));
  await everyStep("end other sessions", desktop, (p) => call("POST", "/me/sessions/end-others", { token: p.token, body: { password: p.password } }));
  const enrolled = async () => {
    const p = await person();
    const s = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: p.password } });
    const e = await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(s.json.secret, await serviceNow(BASE)) } });
    assert.equal(e.status, 200, e.text);
    return { ...p, secret: s.json.secret, recovery: e.json.recovery_codes };
  };
  await everyStep("new recovery codes", enrolled, (p) => call("POST", "/me/two-factor/recovery-codes", { token: p.token, body: { password: p.password } }));
  await everyStep("switch two-step off", enrolled, (p) => call("DELETE", "/me/two-factor", { token: p.token, body: { password: p.password } }));
  await everyStep("second step with a recovery code", async () => {
    const p = await enrolled();
    const l = await call("POST", "/login", { body: { login: p.email, password: p.password } });
    return { ...p, ticket: l.json.second_factor.ticket };
  }, (p) => call("POST", "/login/second-factor", { body: { ticket: p.ticket, recovery_code: p.recovery[0] } }));
  await everyStep("phone change", person, (p) => call("POST", "/me/phone", { token: p.token, body: { phone: `+3361234${String(Math.floor(Math.random() * 1e4)).padStart(4, "0")}`, password: p.password } }));
  await everyStep("admin switches two-step off", async () => {
    const a = await admin();
    const to = uniqueEmail("tfa");
    const u = await call("POST", `${a.base}/users`, { token: a.token, body: { first_name: "Olga", last_name: "Ivanova", email: to, password: "granite-orchid-42" } });
    // The owner proves the address (a login attempt sends the code), then picks a password.
    await call("POST", "/login", { body: { login: to, password: "granite-orchid-42" } });
    await call("POST", "/signup/confirm", { body: { email: to, code: (await lastMessage(to, "signup_code")).code } }).then(async (c) => {
      await call("POST", "/me/password", { token: c.json.token, body: { current_password: "granite-orchid-42", new_password: "olga-own-meadow-7" } });
      const s = await call("POST", "/me/two-factor/setup", { token: c.json.token, body: { password: "olga-own-meadow-7" } });
      await call("POST", "/me/two-factor/enable", { token: c.json.token, body: { code: totp(s.json.secret, await serviceNow(BASE)) } });
    });
    return { ...a, uid: u.json.id };
  }, (a) => call("DELETE", `${a.base}/users/${a.uid}/two-factor`, { token: a.token }));
  await everyStep("mass invitation", admin, (a) => call("POST", `${a.base}/invitations/mass`, { token: a.token, body: { emails: `${uniqueEmail("m")} ${uniqueEmail("m")}` } }));
  await everyStep("operator renames", async () => {
    const a = await admin();
    const op = await operatorToken();
    await call("PUT", `/operator${a.base}/plan`, { body: { plan: "standard" }, token: op });
    return { ...a, op };
  }, (a) => call("POST", `/operator${a.base}/renames`, { body: { grant: 2 }, token: a.op }));
});

test("a hang is a failure after the storage timeout, and leaves nothing behind", async () => {
  const steps = await everyStep("login (hang)", person, (p) => call("POST", "/login", { body: { login: p.email, password: p.password } }), { mode: "hang" });
  assert.equal(steps, 2);
  await everyStep("invite (hang)", admin, (a) => call("POST", `${a.base}/invitations`, { token: a.token, body: { invitees: [{ email: uniqueEmail("inv") }] } }), { mode: "hang" });
});

test("KV failing fails a photo upload cleanly and never touches a session", async () => {
  const png = new Uint8Array(Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082", "hex"));
  const steps = await everyStep("photo (kv)", person, (p) => call("PUT", "/me/photo", { token: p.token, body: png, headers: { "Content-Type": "image/png" } }), { target: "kv" });
  assert.equal(steps, 1, "the photo's one KV write");
  await everyStep("photo (d1)", person, (p) => call("PUT", "/me/photo", { token: p.token, body: png, headers: { "Content-Type": "image/png" } }));
  // Sessions live in D1 only: with KV failing, a live session still reads and a dead one is refused.
  const p = await person();
  await arm({ target: "kv", nth: 1 });
  const me = await call("GET", "/me", { token: p.token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.headers.get("x-netid-fault"), null);
  await call("POST", "/logout", { token: p.token });
  await arm({ target: "kv", nth: 1 });
  assertError(await call("GET", "/me", { token: p.token }), 401, "unauthenticated");
});

test("the cron stopped after any batch finishes its work on the next run", async () => {
  for (let n = 1; n <= 12; n++) {
    const seed = await call("POST", "/dev/seed", { body: { accounts: 30, idle_days: 60 } });
    assert.equal(seed.status, 201, seed.text);
    await arm({ target: "d1", nth: n });
    const first = await call("POST", "/dev/cleanup");
    const fired = first.headers.get("x-netid-fault") === "fired";
    if (fired) assertError(first, 500, "internal_error");
    for (let run = 0; run < 20; run++) {
      const r = await call("POST", "/dev/cleanup");
      assert.equal(r.status, 200, r.text);
      if (!r.json.more) break;
    }
    for (const x of [1, 15, 30]) {
      const gone = await call("POST", `/operator/accounts/${seed.json.prefix}${x}/renames`, { body: { grant: 1 }, token: await operatorToken() });
      assertError(gone, 404, "not_found");
    }
    const inv = await call("GET", "/dev/invariants");
    assert.deepEqual(inv.json.violations, [], `after a fault at batch ${n}`);
    if (!fired) return;
  }
  assert.fail("the cron took more than 12 round trips for 30 accounts");
});

test("workspace apps and sign-ins through them leave nothing behind at any failed step", async () => {
  const REDIRECT = "http://127.0.0.1:9/callback";
  const VERIFIER = "a-verifier-of-forty-three-characters-or-more-0123";
  const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");
  const raw = async (url, init = {}) => {
    const r = await fetch(url, { redirect: "manual", ...init });
    const text = await r.text();
    return { status: r.status, headers: r.headers, text, location: r.headers.get("location") };
  };
  const failed500 = (r) => assert.equal(r.status, 500, r.text);
  const withApp = async () => {
    const a = await admin();
    const r = await call("POST", `${a.base}/apps`, { token: a.token, body: { name: "CRM", type: "confidential", redirect_uris: [REDIRECT], backchannel_logout_uri: "http://127.0.0.1:9/bc" } });
    assert.equal(r.status, 201, r.text);
    const basic = `Basic ${Buffer.from(`${r.json.client_id}:${r.json.client_secret}`).toString("base64")}`;
    return { ...a, app: r.json, basic };
  };
  const authorize = (c) => raw(`${BASE}/api/v1/oauth/authorize?${new URLSearchParams({
    response_type: "code", client_id: c.app.client_id, redirect_uri: REDIRECT, scope: "openid", state: "s",
    code_challenge: CHALLENGE, code_challenge_method: "S256",
  })}`, { headers: { Cookie: `__Host-netid_session=${c.token}` } });
  const tokenRequest = (c, form) => raw(`${BASE}/api/v1/oauth/token`, {
    method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: c.basic }, body: new URLSearchParams(form),
  });
  const withCode = async () => {
    const c = await withApp();
    const r = await authorize(c);
    assert.equal(r.status, 302, r.text);
    return { ...c, code: new URL(r.location).searchParams.get("code") };
  };
  const redeem = (c) => tokenRequest(c, { grant_type: "authorization_code", code: c.code, redirect_uri: REDIRECT, code_verifier: VERIFIER });
  const withTokens = async () => {
    const c = await withCode();
    const r = await redeem(c);
    assert.equal(r.status, 200, r.text);
    return { ...c, tokens: JSON.parse(r.text) };
  };
  // The first signing key is made once, by whichever request needs it first, outside any
  // flow's commit (a conditional insert: ARCHITECTURE.md's writes outside a commit).
  assert.equal((await fetch(`${BASE}/api/v1/oauth/jwks`)).status, 200);
  const steps = {};
  steps.register = await everyStep("register app", admin, (a) => call("POST", `${a.base}/apps`, { token: a.token, body: { name: "CRM", type: "public", redirect_uris: [REDIRECT] } }));
  steps.secret = await everyStep("rotate app secret", withApp, (c) => call("POST", `${c.base}/apps/${c.app.client_id}/secret`, { token: c.token }));
  steps.authorize = await everyStep("authorize", withApp, authorize, { ok: (r) => r.status === 302 && new URL(r.location).searchParams.has("code"), failed: failed500 });
  steps.redeem = await everyStep("redeem a code", withCode, redeem, { ok: (r) => r.status === 200, failed: failed500 });
  steps.refresh = await everyStep("refresh", withTokens, (c) => tokenRequest(c, { grant_type: "refresh_token", refresh_token: c.tokens.refresh_token }), { ok: (r) => r.status === 200, failed: failed500 });
  steps.revoke = await everyStep("revoke", withTokens, (c) => raw(`${BASE}/api/v1/oauth/revoke`, {
    method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: c.basic }, body: new URLSearchParams({ token: c.tokens.refresh_token }),
  }), { ok: (r) => r.status === 200, failed: failed500 });
  // Ending the netid session that the app's tokens came from: the back-channel rows and the
  // revocation land with the logout or not at all.
  steps.logout = await everyStep("logout with app tokens", withTokens, (c) => call("POST", "/logout", { token: c.token }));
  steps.keys = await everyStep("rotate signing keys", async () => ({ op: await operatorToken() }), (c) => call("POST", "/operator/signing-keys", { token: c.op }));
  for (const [flow, n] of Object.entries(steps)) assert.ok(n >= 1, `${flow}: ${n} storage steps failed in turn`);
});
