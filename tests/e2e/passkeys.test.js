// Passkeys over HTTP, written from API.md, with a software authenticator on Node's crypto
// (tests/lib/webauthn.js) and @simplewebauthn/server as a differential reference: what it
// accepts netid accepts, what it refuses netid refuses. The service is reached by host name
// (localhost): an IP address is no RP ID.
import { test } from "node:test";
import assert from "node:assert/strict";
import { verifyAuthenticationResponse, verifyRegistrationResponse } from "@simplewebauthn/server";
import { Authenticator, FLAGS, b64u, unb64u } from "../lib/webauthn.js";
import { totp } from "../lib/totp.js";
import { call as call0, assertError, lastMessage, newPerson, PASSWORD, NAMED_API, NAMED_BASE, testIp } from "./helpers.js";

const ORIGIN = NAMED_BASE;
const RP_ID = "localhost";
const call = (method, path, opts = {}) => call0(method, path, { ...opts, base: NAMED_API });

function authenticator(opts = {}) {
  return new Authenticator({ origin: ORIGIN, rpId: RP_ID, ...opts });
}

async function registrationOptions(p, password = PASSWORD) {
  const r = await call("POST", "/me/passkeys/options", { token: p.token, body: { password } });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Registers `a` on `p`, checked by the reference first; answers the passkey. */
async function register(p, a, name) {
  const o = await registrationOptions(p);
  const response = a.create(o);
  const ref = await verifyRegistrationResponse({
    response, expectedChallenge: o.publicKey.challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification: true,
  });
  assert.equal(ref.verified, true, "the reference accepts the registration");
  const r = await call("POST", "/me/passkeys", { token: p.token, body: { name, credential: response } });
  assert.equal(r.status, 201, r.text);
  a.cose_ = a.cose();
  return r.json;
}

async function loginOptions(body = {}) {
  const r = await call("POST", "/login/passkey/options", { body });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** What the reference says of an assertion, given the stored credential. */
async function reference(a, options, response, { counter = 0, requireUserVerification = true } = {}) {
  try {
    const v = await verifyAuthenticationResponse({
      response, expectedChallenge: options.publicKey.challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID,
      credential: { id: b64u(a.id), publicKey: new Uint8Array(a.cose()), counter }, requireUserVerification,
    });
    return v.verified;
  } catch {
    return false;
  }
}

test("passkeys: ES256, RS256 and EdDSA register, list and log in; the reference agrees", async () => {
  for (const alg of ["ES256", "RS256", "EdDSA"]) {
    const p = await newPerson();
    const a = authenticator({ alg });
    const o = await registrationOptions(p);
    assert.equal(o.publicKey.rp.id, RP_ID);
    assert.equal(unb64u(o.publicKey.user.id).length, 64, "64 random bytes");
    assert.ok(!o.publicKey.user.id.includes(p.profile.id));
    const view = await register(p, a, `My ${alg} key`);
    assert.equal(view.name, `My ${alg} key`);
    assert.equal((await lastMessage(p.email)).kind, "passkey_added", "the owner is told");
    const list = await call("GET", "/me/passkeys", { token: p.token });
    assert.deepEqual(list.json.passkeys.map((k) => k.id), [view.id]);
    assert.equal(list.json.passkeys[0].backup_eligible, true);

    const lo = await loginOptions();
    assert.deepEqual(lo.publicKey.allowCredentials, [], "a discoverable login names no credentials");
    assert.equal(lo.publicKey.userVerification, "required");
    const response = a.get(lo);
    assert.equal(await reference(a, lo, response), true, `the reference accepts the ${alg} assertion`);
    const r = await call("POST", "/login/passkey", { body: { credential: response } });
    assert.equal(r.status, 200, `${alg}: ${r.text}`);
    assert.equal(r.json.profile.id, p.profile.id);
    const me = await call("GET", "/me", { token: r.json.token });
    assert.equal(me.status, 200);
    const listed = (await call("GET", "/me/passkeys", { token: p.token })).json.passkeys[0];
    assert.ok(listed.last_used_at, "the last use is recorded");
  }
});

test("passkeys: forged and misdirected answers are refused, as the reference refuses them", async () => {
  const p = await newPerson();
  const a = authenticator();
  await register(p, a);
  const other = authenticator();
  const cases = [
    ["a forged signature", (o) => a.get(o, { signer: other })],
    ["another origin", (o) => a.get(o, { origin: "https://evil.example" })],
    ["another port", (o) => a.get(o, { origin: NAMED_BASE.replace(/:(\d+)$/, (_, n) => `:${Number(n) + 1}`) })],
    ["another RP ID hash", (o) => a.get(o, { rpId: "evil.example" })],
    ["no user presence", (o) => a.get(o, { flags: FLAGS.UV | FLAGS.BE | FLAGS.BS })],
    ["no user verification", (o) => a.get(o, { flags: FLAGS.UP | FLAGS.BE | FLAGS.BS })],
    ["another challenge", (o) => a.get(o, { challenge: b64u(Buffer.alloc(32, 1)) })],
    ["another user handle", (o) => a.get(o, { userHandle: b64u(Buffer.alloc(64, 2)) })],
  ];
  for (const [what, forge] of cases) {
    const o = await loginOptions();
    const response = forge(o);
    if (what !== "another user handle") assert.equal(await reference(a, o, response), false, `the reference refuses ${what}`);
    assertError(await call("POST", "/login/passkey", { body: { credential: response } }), 401, "invalid_credentials");
  }
  // A replayed challenge: the first answer spends it.
  const o = await loginOptions();
  const response = a.get(o);
  assert.equal((await call("POST", "/login/passkey", { body: { credential: response } })).status, 200);
  assertError(await call("POST", "/login/passkey", { body: { credential: response } }), 401, "invalid_credentials");
  // An unknown credential, and what is no credential at all.
  const stranger = authenticator();
  assertError(await call("POST", "/login/passkey", { body: { credential: stranger.get(await loginOptions()) } }), 401, "invalid_credentials");
  assertError(await call("POST", "/login/passkey", { body: { credential: { id: "x" } } }), 401, "invalid_credentials");
});

test("passkeys: 20 concurrent uses of one challenge, one wins", async () => {
  const p = await newPerson();
  const a = authenticator();
  await register(p, a);
  const response = a.get(await loginOptions());
  const answers = await Promise.all(
    Array.from({ length: 20 }, () => call("POST", "/login/passkey", { body: { credential: response } })),
  );
  const statuses = answers.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 1, `one session: ${statuses}`);
  for (const r of answers.filter((r) => r.status !== 200)) assertError(r, 401, "invalid_credentials");
});

test("passkeys: a counter that goes back is refused, logged and told", async () => {
  const p = await newPerson();
  const a = authenticator({ counting: true });
  await register(p, a);
  const o = await loginOptions();
  const good = a.get(o);
  assert.equal(await reference(a, o, good, { counter: 1 }), true);
  assert.equal((await call("POST", "/login/passkey", { body: { credential: good } })).status, 200);
  // A copy made at count 1 answers 2 again.
  const o2 = await loginOptions();
  const cloned = a.get(o2, { count: 2 });
  assert.equal(await reference(a, o2, cloned, { counter: 2 }), false, "the reference refuses a counter that did not grow");
  assertError(await call("POST", "/login/passkey", { body: { credential: cloned } }), 401, "invalid_credentials");
  assert.equal((await lastMessage(p.email)).kind, "passkey_cloned");
  // The real one goes on.
  assert.equal((await call("POST", "/login/passkey", { body: { credential: a.get(await loginOptions(), { count: 3 }) } })).status, 200);
});

test("passkeys: registration refuses what it did not ask for", async () => {
  const p = await newPerson();
  const q = await newPerson();
  const post = (who, credential) => call("POST", "/me/passkeys", { token: who.token, body: { credential } });
  // Attestation formats other than none, answered cleanly.
  for (const [fmt, attStmt] of [["packed", new Map([["alg", -7], ["sig", Buffer.alloc(70)]])], ["fido-u2f", new Map()], ["tpm", new Map()], ["apple", new Map()]]) {
    const a = authenticator();
    assertError(await post(p, a.create(await registrationOptions(p), { fmt, attStmt })), 422, "invalid_passkey");
  }
  const a = authenticator();
  for (const over of [{ origin: "https://evil.example" }, { rpId: "evil.example" }, { flags: FLAGS.UP }, { challenge: b64u(Buffer.alloc(32, 3)) }]) {
    assertError(await post(p, a.create(await registrationOptions(p), over)), 422, "invalid_passkey");
  }
  // Another profile's challenge.
  assertError(await post(p, a.create(await registrationOptions(q))), 422, "invalid_passkey");
  // No password, a wrong one.
  assertError(await call("POST", "/me/passkeys/options", { token: p.token, body: {} }), 401, "invalid_credentials");
  assertError(await call("POST", "/me/passkeys/options", { token: p.token, body: { password: "wrong-password-9" } }), 401, "invalid_credentials");
  // Without a session.
  assertError(await call("POST", "/me/passkeys/options", { body: { password: PASSWORD } }), 401, "unauthenticated");
  // The same credential once across netid.
  await register(p, a);
  assertError(await post(q, a.create(await registrationOptions(q))), 422, "invalid_passkey");
});

test("passkeys: the second step after a password, never another profile's", async () => {
  const p = await newPerson();
  const a = authenticator();
  await register(p, a);
  const now = Math.floor(Date.parse((await call0("GET", "/dev/clock")).json.now) / 1000);
  const s = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } });
  assert.equal((await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(s.json.secret, now) } })).status, 200);
  const ip = testIp();
  const first = await call("POST", "/login", { body: { login: p.email, password: PASSWORD }, ip });
  assertError(first, 401, "second_factor_required");
  assert.deepEqual(first.json.second_factor.methods, ["totp", "recovery_code", "passkey"]);
  const ticket = first.json.second_factor.ticket;
  const o = await loginOptions({ ticket });
  assert.deepEqual(o.publicKey.allowCredentials.map((c) => c.id), [b64u(a.id)]);
  assert.equal(o.publicKey.userVerification, "preferred");
  // Presence is enough for a second step; another profile's passkey is not this one's.
  const q = await newPerson();
  const b = authenticator();
  await register(q, b);
  assertError(await call("POST", "/login/second-factor", { body: { ticket, passkey: b.get(await loginOptions({ ticket })) }, ip }), 401, "invalid_credentials");
  const done = await call("POST", "/login/second-factor", { body: { ticket, passkey: a.get(await loginOptions({ ticket }), { flags: FLAGS.UP }) }, ip });
  assert.equal(done.status, 200, done.text);
  // The passkey alone logs in too: it is two factors.
  assert.equal((await call("POST", "/login/passkey", { body: { credential: a.get(await loginOptions()) } })).status, 200);
});

test("passkeys: rename, remove, and nothing on an IP address", async () => {
  const p = await newPerson();
  const a = authenticator();
  const view = await register(p, a);
  const renamed = await call("PATCH", `/me/passkeys/${view.id}`, { token: p.token, body: { name: "Work laptop" } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.json.name, "Work laptop");
  assertError(await call("PATCH", `/me/passkeys/${view.id}`, { token: p.token, body: { name: " " } }), 422, "invalid_text");
  assertError(await call("PATCH", "/me/passkeys/pk_nope", { token: p.token, body: { name: "x" } }), 404, "not_found");
  const q = await newPerson();
  assertError(await call("DELETE", `/me/passkeys/${view.id}`, { token: q.token }), 404, "not_found");
  assert.equal((await call("DELETE", `/me/passkeys/${view.id}`, { token: p.token })).status, 204);
  assert.equal((await lastMessage(p.email)).kind, "passkey_removed");
  assert.deepEqual((await call("GET", "/me/passkeys", { token: p.token })).json.passkeys, []);
  assertError(await call("POST", "/login/passkey", { body: { credential: a.get(await loginOptions()) } }), 401, "invalid_credentials");
  // Reached by IP address, the service has no RP ID.
  assertError(await call0("POST", "/login/passkey/options", { body: {} }), 422, "invalid_passkey");
});
