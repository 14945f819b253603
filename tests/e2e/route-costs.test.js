// Every route of the route table, called once as its users call it, with what it costs in D1
// round trips (the development-only X-Netid-Queries header: "d1=<statements> rt=<round trips>
// w=<of which wrote> kv=<KV operations>"). A request reads in one round trip and writes in
// one: at most 1 for a read, 2 for a write, plus 1 where an attempt is counted before it is
// judged (a throttle, a code's or a ticket's try). The test lists the routes it called and
// fails when one of openapi.yaml's routes (the router's table, compared with it natively) was
// not called, so a new route comes with its budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { totp } from "../lib/totp.js";
import { call, newPerson, newAccount, uniqueEmail, lastMessage, PASSWORD, operatorToken, advance, testIp, NAMED_API, NAMED_BASE } from "./helpers.js";
import { Authenticator } from "../lib/webauthn.js";
import { Jar, dance, get, providerUser } from "./oidc-helpers.js";

function cost(r) {
  const h = r.headers.get("x-netid-queries") || "";
  const m = h.match(/^d1=(\d+) rt=(\d+) w=(\d+) kv=(\d+)$/);
  assert.ok(m, `an X-Netid-Queries header: ${h} (status ${r.status})`);
  return { d1: Number(m[1]), rt: Number(m[2]), w: Number(m[3]), kv: Number(m[4]) };
}

// Budgets: what a route may cost at most, and why when it is not the rule's 1 or 2.
const READ = 1;
const WRITE = 2;
const COUNTED = 3; // the counted attempt, then the read and the commit (or the read with the count)
// Two counted attempts, the second counted only once the first is judged: a password, then a
// send to the new address (a wrong password spends nothing of the address's send budget).
const TWO_COUNTS = 4;
// The known exception: adding a user with a login and password reads the profile that login
// names anywhere in netid, which depends on the body, and the body is read only once the
// session is checked (registering one, with a set-password link, is a plain write).
const BODY_READ = 3;
// The operator API reads the caller's session and profile first (the role decides whether
// anything else is read), then what the route reads and writes: one round trip more.
const OPERATOR_READ = READ + 1;
const OPERATOR_WRITE = WRITE + 1;

const measured = new Map();

/** Calls a route and records its cost against its budget. */
async function route(method, pattern, budget, send, { ok = (r) => r.status < 300 || r.status === 302 } = {}) {
  const r = await send();
  assert.ok(ok(r), `${method} ${pattern}: ${r.status} ${r.text ?? ""}`);
  const c = cost(r);
  measured.set(`${method} ${pattern}`, { ...c, budget });
  return r;
}

async function now() {
  const r = await call("GET", "/dev/clock");
  return Math.floor(Date.parse(r.json.now) / 1000);
}

// The operator's session is checked (or made) before the measured request: the cost read is
// the operator route's own response's.
const op = async (method, path, body) => call(method, path, { body, token: await operatorToken() });
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082",
  "hex",
);

test("every route reads in one round trip and writes in one, plus the counted attempt", async () => {
  // Public, no storage.
  await route("GET", "/health", 0, () => call("GET", "/health"));
  await route("GET", "/openapi.json", 0, () => call("GET", "/openapi.json"));

  // Signing up and in.
  const email = uniqueEmail("costs");
  const ip = testIp();
  await route("POST", "/signup", COUNTED, () => call("POST", "/signup", { body: { email, password: PASSWORD, first_name: "Cora", last_name: "Cost" }, ip }));
  await route("POST", "/signup/resend", COUNTED, () => call("POST", "/signup/resend", { body: { email }, ip }));
  const code = (await lastMessage(email, "signup_code")).code;
  const confirmed = await route("POST", "/signup/confirm", COUNTED, () => call("POST", "/signup/confirm", { body: { email, code }, ip }));
  const token = confirmed.json.token;
  const p = { email, token, profile: confirmed.json.profile };
  await route("POST", "/login", WRITE, () => call("POST", "/login", { body: { login: email, password: PASSWORD }, ip }));
  const desktop = await call("POST", "/login", { body: { login: email, password: PASSWORD, client: "desktop" }, ip });
  await route("POST", "/session/refresh", WRITE, () => call("POST", "/session/refresh", { body: { refresh_token: desktop.json.refresh_token } }));
  await route("GET", "/session", READ, () => call("GET", "/session", { token }));
  await route("GET", "/me", READ, () => call("GET", "/me", { token }));
  await route("PATCH", "/me", WRITE, () => call("PATCH", "/me", { token, body: { first_name: "Corinne" } }));

  // The profile's addresses, photo and password.
  const moved = uniqueEmail("moved");
  await route("POST", "/me/email", TWO_COUNTS, () => call("POST", "/me/email", { token, body: { email: moved, password: PASSWORD } }));
  const emailCode = (await lastMessage(moved, "email_change_code")).code;
  await route("POST", "/me/email/confirm", COUNTED, () => call("POST", "/me/email/confirm", { token, body: { email: moved, code: emailCode } }));
  p.email = moved;
  const phone = `+3361${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  await route("POST", "/me/phone", TWO_COUNTS, () => call("POST", "/me/phone", { token, body: { phone, password: PASSWORD } }));
  const phoneCode = (await lastMessage(phone, "phone_change_code")).code;
  await route("POST", "/me/phone/confirm", COUNTED, () => call("POST", "/me/phone/confirm", { token, body: { phone, code: phoneCode } }));
  const photo = await route("PUT", "/me/photo", WRITE, () =>
    call("PUT", "/me/photo", { token, body: new Uint8Array(PNG), headers: { "Content-Type": "image/png" } }),
  );
  await route("GET", "/photos/{id}", 0, () => call("GET", photo.json.photo_url.replace("/api/v1", ""), { raw: true }));
  await route("DELETE", "/me/photo", WRITE, () => call("DELETE", "/me/photo", { token }));
  const NEW = "granite-orchid-42";
  await route("POST", "/me/password", COUNTED, () => call("POST", "/me/password", { token, body: { current_password: PASSWORD, new_password: NEW } }));

  // Sessions.
  const second = (await call("POST", "/login", { body: { login: moved, password: NEW }, ip })).json.token;
  const sessions = await route("GET", "/me/sessions", READ, () => call("GET", "/me/sessions", { token }));
  const other = sessions.json.sessions.find((s) => !s.current);
  assert.ok(other, "the second login's session");
  await route("DELETE", "/me/sessions/{sid}", COUNTED, () => call("DELETE", `/me/sessions/${other.id}`, { token, body: { password: NEW } }));
  await call("POST", "/login", { body: { login: moved, password: NEW }, ip });
  await route("POST", "/me/sessions/end-others", COUNTED, () => call("POST", "/me/sessions/end-others", { token, body: { password: NEW } }));
  assert.equal((await call("GET", "/me", { token: second })).status, 401);

  // Passkeys (by host name: an IP address is no RP ID).
  const named = (method, path, opts = {}) => call(method, path, { ...opts, base: NAMED_API });
  const device = new Authenticator({ origin: NAMED_BASE, rpId: "localhost" });
  const pkOptions = await route("POST", "/me/passkeys/options", COUNTED, () => named("POST", "/me/passkeys/options", { token, body: { password: NEW } }));
  // The challenge spent, then the commit (after the session's read).
  const pk = await route("POST", "/me/passkeys", COUNTED, () => named("POST", "/me/passkeys", { token, body: { credential: device.create(pkOptions.json) } }));
  await route("GET", "/me/passkeys", READ, () => named("GET", "/me/passkeys", { token }));
  await route("PATCH", "/me/passkeys/{id}", WRITE, () => named("PATCH", `/me/passkeys/${pk.json.id}`, { token, body: { name: "Laptop" } }));
  const pkLogin = await route("POST", "/login/passkey/options", WRITE, () => named("POST", "/login/passkey/options", { body: {} }));
  // The attempt counted, the challenge spent and the credential read in one round trip.
  await route("POST", "/login/passkey", WRITE, () => named("POST", "/login/passkey", { body: { credential: device.get(pkLogin.json) } }));
  await route("DELETE", "/me/passkeys/{id}", WRITE, () => named("DELETE", `/me/passkeys/${pk.json.id}`, { token }));

  // Two-step authentication, and a login through it.
  const setup = await route("POST", "/me/two-factor/setup", COUNTED, () => call("POST", "/me/two-factor/setup", { token, body: { password: NEW } }));
  const secret = setup.json.secret;
  const enableAt = await now();
  await route("POST", "/me/two-factor/enable", COUNTED, () => call("POST", "/me/two-factor/enable", { token, body: { code: totp(secret, enableAt) } }));
  await route("POST", "/me/two-factor/recovery-codes", COUNTED, () => call("POST", "/me/two-factor/recovery-codes", { token, body: { password: NEW } }));
  await advance(30);
  const first = await call("POST", "/login", { body: { login: moved, password: NEW }, ip });
  const at = await now();
  assert.ok(first.json.second_factor, first.text);
  await route("POST", "/login/second-factor", COUNTED, () =>
    call("POST", "/login/second-factor", { body: { ticket: first.json.second_factor.ticket, otp: totp(secret, at) }, ip }),
  );
  // Remembered browsers: a second login remembering this browser, then its list and revocation.
  await advance(30);
  const again = await call("POST", "/login", { body: { login: moved, password: NEW }, ip });
  const rb = await call("POST", "/login/second-factor", { body: { ticket: again.json.second_factor.ticket, otp: totp(secret, await now()), remember_browser: true }, ip });
  assert.equal(rb.status, 200, rb.text);
  // The session's activity, due after the clock moved, is written by this call, not the measured one.
  await call("GET", "/me/sessions", { token });
  const rbList = await route("GET", "/me/remembered-browsers", READ, () => call("GET", "/me/remembered-browsers", { token }));
  assert.equal(rbList.json.browsers.length, 1, rbList.text);
  await route("DELETE", "/me/remembered-browsers/{id}", WRITE, () => call("DELETE", `/me/remembered-browsers/${rbList.json.browsers[0].id}`, { token }));
  await route("DELETE", "/me/remembered-browsers", WRITE, () => call("DELETE", "/me/remembered-browsers", { token }));
  await route("DELETE", "/me/two-factor", COUNTED, () => call("DELETE", "/me/two-factor", { token, body: { password: NEW } }));

  // Forgotten password.
  await route("POST", "/password/forgot", COUNTED, () => call("POST", "/password/forgot", { body: { login: moved }, ip }));
  const reset = (await lastMessage(moved, "password_reset_code")).code;
  await route("POST", "/password/reset", COUNTED, () => call("POST", "/password/reset", { body: { login: moved, code: reset, new_password: PASSWORD }, ip }));
  const back = await call("POST", "/login", { body: { login: moved, password: PASSWORD }, ip });
  assert.equal(back.status, 200, back.text);
  p.token = back.json.token;

  // Social sign-in: start, callback (both forms), connect, disconnect.
  await route("GET", "/auth/social/providers", 0, () => call("GET", "/auth/social/providers"));
  const c = await route("POST", "/me/social/{provider}/connect", COUNTED, () =>
    call("POST", "/me/social/google/connect", { token: p.token, body: { password: PASSWORD, return_to: "/#/profile" } }),
  );
  const jar = new Jar();
  jar.take(c);
  const sub = await providerUser({ email: uniqueEmail("linked") });
  const linked = await dance("google", { sub, startUrl: c.json.url, jar, stopAtCallback: true });
  // A callback spends the sign-in's state in one statement (counted), reads, and commits.
  await route("GET", "/auth/social/{provider}/callback", COUNTED, () => get(linked.callback.url, linked.jar).then(wrap));
  const start = await route("GET", "/auth/social/{provider}/start", COUNTED, () => startOf("google"));
  assert.ok(start.headers.get("location"));
  const apple = await dance("apple", { sub, mode: "signup", keepCallback: true });
  measured.set("POST /auth/social/{provider}/callback", { ...cost(apple.callbackResponse), budget: COUNTED });
  await route("DELETE", "/me/social/{provider}/{subject}", WRITE, () => call("DELETE", `/me/social/google/${encodeURIComponent(sub)}`, { token: p.token }));

  // An account and its people.
  const admin = await newPerson();
  const acc = await route("POST", "/accounts", WRITE, () => call("POST", "/accounts", { token: admin.token, body: { name: "Costs Co" } }));
  const id = acc.json.id;
  const base = `/accounts/${id}`;
  await route("GET", "/accounts", READ, () => call("GET", "/accounts", { token: admin.token }));
  await route("GET", "/accounts/{id}", READ, () => call("GET", base, { token: admin.token }));
  await route("PATCH", "/accounts/{id}", WRITE, () => call("PATCH", base, { token: admin.token, body: { name: "Costs Company" } }));
  await route("POST", "/accounts/{id}/enter", WRITE, () => call("POST", `${base}/enter`, { token: admin.token }));
  await route("GET", "/accounts/{id}/policy", READ, () => call("GET", `${base}/policy`, { token: admin.token }));
  await route("PATCH", "/accounts/{id}/policy", WRITE, () => call("PATCH", `${base}/policy`, { token: admin.token, body: { require_two_factor: "none" } }));
  const dep = await route("POST", "/accounts/{id}/departments", WRITE, () => call("POST", `${base}/departments`, { token: admin.token, body: { name: "Sales" } }));
  await route("GET", "/accounts/{id}/departments", READ, () => call("GET", `${base}/departments`, { token: admin.token }));
  await route("PATCH", "/accounts/{id}/departments/{did}", WRITE, () => call("PATCH", `${base}/departments/${dep.json.id}`, { token: admin.token, body: { name: "Sales EU" } }));
  const grp = await route("POST", "/accounts/{id}/groups", WRITE, () => call("POST", `${base}/groups`, { token: admin.token, body: { name: "Guests", extranet: true } }));
  await route("GET", "/accounts/{id}/groups", READ, () => call("GET", `${base}/groups`, { token: admin.token }));
  await route("PATCH", "/accounts/{id}/groups/{gid}", WRITE, () => call("PATCH", `${base}/groups/${grp.json.id}`, { token: admin.token, body: { name: "Partners" } }));

  // Invitations.
  const invited = uniqueEmail("invited");
  await route("POST", "/accounts/{id}/invitations", WRITE, () =>
    call("POST", `${base}/invitations`, { token: admin.token, body: { invitees: [{ email: invited }], department_id: dep.json.id } }),
  );
  const mass = [uniqueEmail("mass"), uniqueEmail("mass")];
  await route("POST", "/accounts/{id}/invitations/mass", WRITE, () => call("POST", `${base}/invitations/mass`, { token: admin.token, body: { emails: mass.join(" ") } }));
  const list = await route("GET", "/accounts/{id}/invitations", READ, () => call("GET", `${base}/invitations`, { token: admin.token }));
  const inv = list.json.invitations.find((i) => i.to === mass[0]);
  await route("POST", "/accounts/{id}/invitations/{iid}/resend", WRITE, () => call("POST", `${base}/invitations/${inv.id}/resend`, { token: admin.token }));
  await route("DELETE", "/accounts/{id}/invitations/{iid}", WRITE, () => call("DELETE", `${base}/invitations/${inv.id}`, { token: admin.token }));
  const invToken = (await lastMessage(invited, "invitation")).token;
  await route("GET", "/invitations/{token}", READ, () => call("GET", `/invitations/${invToken}`));
  const accepted = await route("POST", "/invitations/{token}/accept", WRITE, () =>
    call("POST", `/invitations/${invToken}/accept`, { body: { password: PASSWORD, first_name: "Ivy", last_name: "Invited" } }),
  );
  const member = { token: accepted.json.session.token, id: accepted.json.session.profile.id };

  // People.
  const users = await route("GET", "/accounts/{id}/users", READ, () => call("GET", `${base}/users`, { token: admin.token }));
  const card = users.json.users.find((u) => u.profile_id === member.id);
  await route("PATCH", "/accounts/{id}/users/{uid}", WRITE, () => call("PATCH", `${base}/users/${card.id}`, { token: admin.token, body: { position: "Engineer" } }));
  const registered = await call("POST", `${base}/users`, { token: admin.token, body: { first_name: "Reg", last_name: "Istered", email: uniqueEmail("registered") } });
  assert.equal(registered.status, 201, registered.text);
  assert.ok(cost(registered).rt <= WRITE, `registering a user: ${cost(registered).rt} round trips`);
  await route("POST", "/accounts/{id}/users", BODY_READ, () =>
    call("POST", `${base}/users`, {
      token: admin.token,
      body: { first_name: "Ada", last_name: "Added", email: uniqueEmail("added"), password: "added-person-passphrase-7" },
    }),
  );
  // The member switches two-step on; an admin switches it off.
  const ms = (await call("POST", "/me/two-factor/setup", { token: member.token, body: { password: PASSWORD } })).json.secret;
  assert.equal((await call("POST", "/me/two-factor/enable", { token: member.token, body: { code: totp(ms, await now()) } })).status, 200);
  await route("DELETE", "/accounts/{id}/users/{uid}/two-factor", WRITE, () => call("DELETE", `${base}/users/${card.id}/two-factor`, { token: admin.token }));
  await route("GET", "/accounts/{id}/audit", READ, () => call("GET", `${base}/audit`, { token: admin.token }));
  await route("POST", "/accounts/{id}/users/{uid}/dismiss", WRITE, () => call("POST", `${base}/users/${card.id}/dismiss`, { token: admin.token }));
  await route("DELETE", "/accounts/{id}/departments/{did}", WRITE, () => call("DELETE", `${base}/departments/${dep.json.id}`, { token: admin.token }));
  await route("DELETE", "/accounts/{id}/groups/{gid}", WRITE, () => call("DELETE", `${base}/groups/${grp.json.id}`, { token: admin.token }));

  // Leaving: a second admin's account, which the first joins and leaves.
  const other_acc = await newAccount(admin, "Left Co");
  const joiner = await newPerson();
  await call("POST", `/accounts/${other_acc.id}/invitations`, { token: admin.token, body: { invitees: [{ email: joiner.email }] } });
  const jt = (await lastMessage(joiner.email, "invitation")).token;
  assert.equal((await call("POST", `/invitations/${jt}/accept`, { token: joiner.token, body: {} })).status, 200);
  await route("POST", "/accounts/{id}/leave", WRITE, () => call("POST", `/accounts/${other_acc.id}/leave`, { token: joiner.token }));

  // The account's applications.
  const crm = await route("POST", "/accounts/{id}/apps", WRITE, () =>
    call("POST", `${base}/apps`, { token: admin.token, body: { name: "CRM", type: "confidential", redirect_uris: ["https://crm.example.com/cb"] } }),
  );
  const cid = crm.json.client_id;
  await route("GET", "/accounts/{id}/apps", READ, () => call("GET", `${base}/apps`, { token: admin.token }));
  await route("PATCH", "/accounts/{id}/apps/{client_id}", WRITE, () => call("PATCH", `${base}/apps/${cid}`, { token: admin.token, body: { name: "CRM 2" } }));
  await route("POST", "/accounts/{id}/apps/{client_id}/secret", WRITE, () => call("POST", `${base}/apps/${cid}/secret`, { token: admin.token }));
  await route("GET", "/operator/apps", OPERATOR_READ, () => op("GET", `/operator/apps?account_id=${id}`));
  await route("PUT", "/operator/apps/{client_id}", OPERATOR_WRITE, () => op("PUT", `/operator/apps/${cid}`, { disabled: true }));
  // Workspace sign-in (the provider): a live session's authorization request and the token
  // request each read in one round trip and write in one (the signing keys are the isolate's,
  // read at most once a minute: the JWKS call below reads them).
  const rp = await call("POST", `${base}/apps`, { token: admin.token, body: { name: "RP", type: "confidential", redirect_uris: ["http://127.0.0.1:9/cb"] } });
  // The first JWKS of a fresh Worker makes the first signing key (a one-time write); the
  // route's cost is that of every later call, whichever test file ran first.
  await call("GET", "/oauth/jwks");
  await route("GET", "/oauth/jwks", READ, () => call("GET", "/oauth/jwks"));
  const verifier = "costs-verifier-0123456789-0123456789-0123456789";
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const q = new URLSearchParams({ response_type: "code", client_id: rp.json.client_id, redirect_uri: "http://127.0.0.1:9/cb", scope: "openid email", code_challenge: challenge, code_challenge_method: "S256" });
  const authz = await route("GET", "/oauth/authorize", WRITE, () => call("GET", `/oauth/authorize?${q}`, { headers: { Cookie: `__Host-netid_session=${admin.token}` } }));
  const oauthCode = new URL(authz.headers.get("location")).searchParams.get("code");
  const basicAuth = { Authorization: `Basic ${Buffer.from(`${rp.json.client_id}:${rp.json.client_secret}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" };
  const formOf = (o) => new URLSearchParams(o).toString();
  const tok = await route("POST", "/oauth/token", WRITE, () => call("POST", "/oauth/token", { headers: basicAuth, body: formOf({ grant_type: "authorization_code", code: oauthCode, redirect_uri: "http://127.0.0.1:9/cb", code_verifier: verifier }) }));
  await route("GET", "/oauth/userinfo", READ, () => call("GET", "/oauth/userinfo", { token: tok.json.access_token }));
  await route("POST", "/oauth/userinfo", READ, () => call("POST", "/oauth/userinfo", { token: tok.json.access_token, headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" }));
  // Introspection authenticates the client first, then reads the token's grant.
  await route("POST", "/oauth/introspect", WRITE, () => call("POST", "/oauth/introspect", { headers: basicAuth, body: formOf({ token: tok.json.access_token }) }));
  await route("POST", "/oauth/revoke", WRITE, () => call("POST", "/oauth/revoke", { headers: basicAuth, body: formOf({ token: tok.json.access_token }) }));
  // RP-initiated logout of a second browser session of the admin (its own ID token names it).
  const visitor = await call("POST", "/login", { body: { login: admin.email, password: PASSWORD, client: "browser" } });
  const vz = await call("GET", `/oauth/authorize?${q}`, { headers: { Cookie: `__Host-netid_session=${visitor.json.token}` } });
  const vcode = new URL(vz.headers.get("location")).searchParams.get("code");
  const vt = await call("POST", "/oauth/token", { headers: basicAuth, body: formOf({ grant_type: "authorization_code", code: vcode, redirect_uri: "http://127.0.0.1:9/cb", code_verifier: verifier }) });
  const lq = new URLSearchParams({ id_token_hint: vt.json.id_token });
  await route("GET", "/oauth/logout", WRITE, () => call("GET", `/oauth/logout?${lq}`, { headers: { Cookie: `__Host-netid_session=${visitor.json.token}` } }));
  assert.equal((await call("GET", "/session", { token: visitor.json.token })).status, 401, "that session ended");
  await route("POST", "/operator/signing-keys", OPERATOR_WRITE, () => op("POST", "/operator/signing-keys"));
  await route("DELETE", "/accounts/{id}/apps/{client_id}", WRITE, () => call("DELETE", `${base}/apps/${cid}`, { token: admin.token }));

  // The operator.
  await route("PUT", "/operator/accounts/{id}/plan", OPERATOR_WRITE, () => op("PUT", `/operator/accounts/${id}/plan`, { plan: "standard" }));
  await route("POST", "/operator/accounts/{id}/renames", OPERATOR_WRITE, () => op("POST", `/operator/accounts/${id}/renames`, { grant: 1 }));
  await route("GET", "/operator/audit", OPERATOR_READ, () => op("GET", "/operator/audit?limit=5"));
  const outbox = await route("GET", "/operator/outbox", OPERATOR_READ, () => op("GET", "/operator/outbox?status=pending&limit=5"));
  assert.ok(outbox.json.messages.length > 0, "pending messages (no provider delivers here)");
  await route("POST", "/operator/outbox/{id}/retry", OPERATOR_WRITE, () => op("POST", `/operator/outbox/${outbox.json.messages[0].id}/retry`));

  // Deleting: the account, then a profile without accounts.
  await route("DELETE", "/accounts/{id}", WRITE, () => call("DELETE", base, { token: admin.token }));
  const leaving = await newPerson();
  await route("DELETE", "/me", COUNTED, () => call("DELETE", "/me", { token: leaving.token, body: { password: PASSWORD } }));
  await route("POST", "/logout", WRITE, () => call("POST", "/logout", { token: admin.token }));

  // Development routes (not served in production): measured against their own budgets.
  await route("GET", "/dev/outbox", READ, () => call("GET", `/dev/outbox?to=${encodeURIComponent(moved)}`));
  await route("GET", "/dev/clock", READ, () => call("GET", "/dev/clock"));
  await route("POST", "/dev/clock", WRITE, () => call("POST", "/dev/clock", { body: { advance_seconds: 1 } }));
  await route("GET", "/dev/hash", 0, () => call("GET", "/dev/hash?iterations=1000"));
  await route("POST", "/dev/faults", 0, () => call("POST", "/dev/faults", { body: {} }));
  await route("POST", "/dev/seed", WRITE, () => call("POST", "/dev/seed", { body: { accounts: 1, idle_days: 60 } }));
  await route("GET", "/dev/invariants", READ, () => call("GET", "/dev/invariants"));
  // The table names, then every table in one batch.
  await route("GET", "/dev/snapshot", 2, () => call("GET", "/dev/snapshot"));
  // The cron's own budget is its query budget (scheduled.rs), in batches of accounts.
  await route("POST", "/dev/cleanup", 40, () => call("POST", "/dev/cleanup"));

  // Every route of the table was called.
  const spec = (await call("GET", "/openapi.json")).json;
  const all = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of Object.keys(item)) {
      if (["get", "put", "post", "patch", "delete"].includes(method)) all.push(`${method.toUpperCase()} ${path}`);
    }
  }
  const missing = all.filter((r) => !measured.has(r));
  const rows = [...measured].map(([r, c]) => `${r.padEnd(50)} rt=${c.rt} w=${c.w} d1=${c.d1} kv=${c.kv} (budget ${c.budget})`);
  console.log(rows.join("\n"));
  assert.deepEqual(missing, [], "routes without a measured cost");
  const over = [...measured].filter(([, c]) => c.rt > c.budget).map(([r, c]) => `${r}: ${c.rt} > ${c.budget}`);
  assert.deepEqual(over, [], "routes over their round-trip budget");
});

/** A fetch Response as the budget check reads it. */
async function wrap(r) {
  return { status: r.status, headers: r.headers, text: await r.text() };
}

/** A sign-in's start for `provider`, as a browser follows netid's own link. */
async function startOf(provider) {
  const r = await get(`${process.env.NETID_BASE_URL || "http://127.0.0.1:8787"}/api/v1/auth/social/${provider}/start?mode=login`, new Jar());
  return { status: r.status, headers: r.headers, text: await r.text() };
}
