// A workspace's two-step policy over HTTP, written from API.md: who may set it, every door
// into the workspace it guards (entering, a login into it, an invitation's acceptance, a
// sign-in through its apps), what it forbids and what an admin can still do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { totp } from "../lib/totp.js";
import { API, call, assertError, newPerson, newAccount, inviteAll, acceptAsNew, PASSWORD, uniqueEmail } from "./helpers.js";

const COOKIE = "__Host-netid_session";
const REDIRECT = "https://crm.example.com/callback";

async function now() {
  return Math.floor(Date.parse((await call("GET", "/dev/clock")).json.now) / 1000);
}

async function twoStepOn(p) {
  const s = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } });
  assert.equal(s.status, 200, s.text);
  const e = await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(s.json.secret, await now()) } });
  assert.equal(e.status, 200, e.text);
}

let verifier = "";
async function authorize(app, token, extra = {}) {
  verifier = randomBytes(32).toString("base64url");
  const u = new URL(`${API}/oauth/authorize`);
  const params = {
    response_type: "code", client_id: app.client_id, redirect_uri: REDIRECT, scope: "openid", state: "s",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256", ...extra,
  };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return fetch(u, { redirect: "manual", headers: { Cookie: `${COOKIE}=${token}` }, signal: AbortSignal.timeout(60_000) });
}

test("policy: a workspace requiring two-step keeps members without it out of every door", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Fortress");
  const email = uniqueEmail("policy");
  await inviteAll(admin, acc.id, [email]);
  const member = await acceptAsNew(email, "Mo", "Member");
  const app = (await call("POST", `/accounts/${acc.id}/apps`, { token: admin.token, body: { name: "CRM", type: "confidential", redirect_uris: [REDIRECT] } })).json;
  // Before any rule: the member signs in to the app and holds a refresh token.
  const token = async (body) => {
    const r = await fetch(`${API}/oauth/token`, {
      method: "POST", signal: AbortSignal.timeout(60_000),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString("base64")}` },
      body: new URLSearchParams(body).toString(),
    });
    return { status: r.status, json: await r.json() };
  };
  const code = new URL((await authorize(app, member.token)).headers.get("location")).searchParams.get("code");
  const first = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier });
  assert.equal(first.status, 200, JSON.stringify(first.json));

  // Only an admin with two-step on may require it; a member may not even read it.
  assertError(await call("GET", `/accounts/${acc.id}/policy`, { token: member.token }), 403, "not_account_admin");
  assertError(await call("PATCH", `/accounts/${acc.id}/policy`, { token: admin.token, body: { require_two_factor: "everyone" } }), 403, "two_factor_required");
  assertError(await call("PATCH", `/accounts/${acc.id}/policy`, { token: admin.token, body: { require_two_factor: "always" } }), 400, "invalid_request");
  await twoStepOn(admin);
  const set = await call("PATCH", `/accounts/${acc.id}/policy`, { token: admin.token, body: { require_two_factor: "everyone" } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.require_two_factor, "everyone");
  assert.deepEqual(set.json.members_without_two_factor.map((m) => m.first_name), ["Mo"], "the admin sees who does not comply");
  const audit = await call("GET", `/accounts/${acc.id}/audit`, { token: admin.token });
  assert.ok(audit.json.events.some((e) => e.action === "policy.two_factor" && e.actor_profile_id === admin.profile.id), audit.text);

  // The app's refresh stops: no token for a member the rule does not admit.
  const refreshed = await token({ grant_type: "refresh_token", refresh_token: first.json.refresh_token });
  assert.equal(refreshed.status, 400, JSON.stringify(refreshed.json));
  assert.equal(refreshed.json.error, "invalid_grant");
  // Every door: entering, a login into the workspace, a sign-in through its app.
  assertError(await call("POST", `/accounts/${acc.id}/enter`, { token: member.token }), 403, "two_factor_required");
  assertError(await call("POST", "/login", { body: { login: email, password: PASSWORD, account_id: acc.id } }), 403, "two_factor_required");
  const page = await authorize(app, member.token);
  assert.equal(page.status, 403);
  assert.match(await page.text(), /Set up two-step authentication first/);
  const silent = await authorize(app, member.token, { prompt: "none" });
  assert.equal(silent.status, 302);
  assert.equal(new URL(silent.headers.get("location")).searchParams.get("error"), "interaction_required");
  // A new invitee's session is not inside the workspace until they set it up.
  const email2 = uniqueEmail("policy-new");
  await inviteAll(admin, acc.id, [email2]);
  const newbie = await acceptAsNew(email2, "Nia", "New");
  assert.equal(newbie.session.account_id ?? null, null, JSON.stringify(newbie.session));

  // With two-step on, the member is in; switching it off is refused while the rule holds.
  await twoStepOn(member);
  assert.equal((await call("POST", `/accounts/${acc.id}/enter`, { token: member.token })).status, 200);
  assert.equal((await authorize(app, member.token)).status, 302);
  assertError(await call("DELETE", "/me/two-factor", { token: member.token, body: { password: PASSWORD } }), 409, "two_factor_required_by_workspace");
  // An admin resets it: the member sets it up again before the next entry.
  const card = (await call("GET", `/accounts/${acc.id}/users`, { token: admin.token })).json.users.find((u) => u.profile_id === member.profile.id);
  assert.equal((await call("DELETE", `/accounts/${acc.id}/users/${card.id}/two-factor`, { token: admin.token })).status, 204);
  const again = await call("POST", "/login", { body: { login: email, password: PASSWORD } });
  assertError(await call("POST", `/accounts/${acc.id}/enter`, { token: again.json.token }), 403, "two_factor_required");
});

test("policy: employees only leaves extranet members alone", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Harbour");
  await twoStepOn(admin);
  const g = await call("POST", `/accounts/${acc.id}/groups`, { token: admin.token, body: { name: "Partners", extranet: true } });
  const email = uniqueEmail("guest");
  await inviteAll(admin, acc.id, [email], { extranet: true, group_ids: [g.json.id] });
  const guest = await acceptAsNew(email, "Gus", "Guest");
  assert.equal((await call("PATCH", `/accounts/${acc.id}/policy`, { token: admin.token, body: { require_two_factor: "employees" } })).status, 200);
  assert.equal((await call("POST", `/accounts/${acc.id}/enter`, { token: guest.token })).status, 200);
  const got = await call("GET", `/accounts/${acc.id}/policy`, { token: admin.token });
  assert.deepEqual(got.json, { require_two_factor: "employees", allow_remember_browser: true, members_without_two_factor: [] });
});
