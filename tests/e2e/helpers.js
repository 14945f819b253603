// Helpers for the end-to-end HTTP tests, written from API.md only.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after } from "node:test";
import { operatorToken as operatorToken0 } from "../lib/operator.js";

export const BASE = process.env.NETID_BASE_URL || "http://127.0.0.1:8787";
export const API = `${BASE}/api/v1`;
/** The same service by host name: passkeys need one (an IP address is no WebAuthn RP ID). */
export const NAMED_BASE = BASE.replace("127.0.0.1", "localhost");
export const NAMED_API = `${NAMED_BASE}/api/v1`;
export const PASSWORD = "violet-harbour-lantern";

// After every file that uses these helpers (each runs in its own process), the data
// invariants of worker/invariants.sql hold: two-step shown exactly when a secret is enabled,
// no session without its profile, every password-less profile with a social identity, ...
after(async () => {
  const r = await fetch(`${API}/dev/invariants`, { signal: AbortSignal.timeout(60_000) });
  assert.equal(r.status, 200, "GET /dev/invariants");
  const j = await r.json();
  assert.deepEqual(j.violations, [], `invariants after this file: ${JSON.stringify(j.violations)}`);
});

/** A unique, documentation-range client address, so throttling counters stay per test. */
export function testIp() {
  const b = randomBytes(2);
  return `203.0.${b[0]}.${b[1]}`;
}

export function uniqueEmail(tag = "user") {
  return `${tag}.${randomBytes(5).toString("hex")}@example.com`;
}

/**
 * Calls the API. `body` is JSON-encoded unless it is a string/Buffer (sent raw).
 * Returns { status, headers, json, text }.
 */
export async function call(method, path, { body, token, lang, ip, headers = {}, raw = false, base = API } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (lang) h["Accept-Language"] = lang;
  h["CF-Connecting-IP"] = ip || h["CF-Connecting-IP"] || testIp();
  let payload;
  if (body !== undefined) {
    if (typeof body === "string" || body instanceof Uint8Array) payload = body;
    else payload = JSON.stringify(body);
    if (!h["Content-Type"]) h["Content-Type"] = "application/json";
  }
  // A request the dev proxy never answers fails in a minute, not undici's five.
  const resp = await fetch(`${base}${path}`, { method, headers: h, body: payload, redirect: "manual", signal: AbortSignal.timeout(60_000) });
  const text = await resp.text();
  let json = null;
  if (!raw && text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  return { status: resp.status, headers: resp.headers, json, text };
}

/** Asserts the error envelope: status, code, and a non-empty message. */
export function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status for ${code}: ${r.text}`);
  assert.ok(r.json && r.json.error, `an error envelope: ${r.text}`);
  assert.equal(r.json.error.code, code, r.text);
  assert.equal(typeof r.json.error.message, "string");
  assert.ok(r.json.error.message.length > 0);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

/** The newest message sent to an address (dev outbox). */
export async function lastMessage(to, kind) {
  const r = await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`);
  assert.equal(r.status, 200, r.text);
  const msgs = r.json.messages.filter((m) => !kind || m.kind === kind);
  assert.ok(msgs.length > 0, `a ${kind || "message"} for ${to}`);
  return msgs[0];
}

/** Signs up and confirms a profile; returns { email, token, session, profile }. */
export async function newPerson({ email = uniqueEmail(), lang, first_name = "Marie", last_name = "Curie", password = PASSWORD } = {}) {
  const s = await call("POST", "/signup", { body: { email, password, first_name, last_name }, lang });
  assert.equal(s.status, 201, s.text);
  const msg = await lastMessage(email, "signup_code");
  const c = await call("POST", "/signup/confirm", { body: { email, code: msg.code } });
  assert.equal(c.status, 200, c.text);
  return { email, password, token: c.json.token, session: c.json, profile: c.json.profile };
}

/** Moves the service clock forward. */
export async function advance(seconds) {
  const r = await call("POST", "/dev/clock", { body: { advance_seconds: seconds } });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** A live session of the run's operator (a person on the Worker's OPERATORS list, signed in
 * with a passkey: tests/lib/operator.js). */
export const operatorToken = () => operatorToken0(BASE);

/** Calls the operator API as the run's operator. */
export async function asOperator(method, path, opts = {}) {
  return call(method, path, { ...opts, token: await operatorToken() });
}

/** Creates an account as `who`; returns the Account. */
export async function newAccount(who, name) {
  const r = await call("POST", "/accounts", { token: who.token, body: name === undefined ? {} : { name } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/** Invites addresses into an account; returns the results. */
export async function inviteAll(admin, accountId, addresses, extra = {}) {
  const invitees = addresses.map((a) => (a.startsWith("+") ? { phone: a } : { email: a }));
  const r = await call("POST", `/accounts/${accountId}/invitations`, { token: admin.token, body: { invitees, ...extra } });
  assert.equal(r.status, 200, r.text);
  return r.json.results;
}

/** Accepts the newest invitation to `to` as a new person; returns the session. */
export async function acceptAsNew(to, first_name = "Guest", last_name = "Person") {
  const msg = await lastMessage(to, "invitation");
  const r = await call("POST", `/invitations/${msg.token}/accept`, { body: { password: PASSWORD, first_name, last_name } });
  assert.equal(r.status, 200, r.text);
  return { token: r.json.session.token, session: r.json.session, account: r.json.account, email: to, profile: r.json.session.profile };
}

/** Runs the Worker's scheduled handler (wrangler dev --test-scheduled). */
export async function runCron() {
  const r = await fetch(`${BASE}/__scheduled?cron=17+*+*+*+*`);
  assert.equal(r.status, 200, await r.text());
}
