import { test } from "node:test";
import assert from "node:assert/strict";
import { call, assertError, lastMessage, newPerson, uniqueEmail, PASSWORD } from "./helpers.js";

test("signup sends a code in the person's language; confirm logs in", async () => {
  const email = uniqueEmail("signup");
  const r = await call("POST", "/signup", { body: { email: email.toUpperCase(), password: PASSWORD, first_name: "Łukasz", last_name: "Nowak" }, lang: "pl" });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get("content-language"), "pl");
  assert.deepEqual(r.json.confirmation, { channel: "email", to: email });
  assert.match(r.json.profile_id, /\S+/);
  const msg = await lastMessage(email, "signup_code");
  assert.equal(msg.channel, "email");
  assert.match(msg.code, /^\d{6}$/);
  assert.match(msg.body, /kod/i);
  assert.ok(msg.body.includes(msg.code));

  const wrong = await call("POST", "/signup/confirm", { body: { email, code: msg.code === "000000" ? "111111" : "000000" }, lang: "fr" });
  assertError(wrong, 422, "invalid_code", "code");
  assert.equal(wrong.json.error.message, "Le code est incorrect.");

  const c = await call("POST", "/signup/confirm", { body: { email, code: msg.code } });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.idle_timeout_seconds, 1440);
  assert.ok(c.json.token.length >= 22);
  assert.ok(!Number.isNaN(Date.parse(c.json.expires_at)));
  assert.equal(c.json.profile.email, email);
  assert.equal(c.json.profile.email_confirmed, true);
  assert.deepEqual(c.json.profile.accounts, []);
  assert.deepEqual(c.json.profile.social, []);
  assert.equal(c.json.profile.two_factor_enabled, false);
  const cookie = c.headers.get("set-cookie");
  assert.match(cookie, /^__Host-netid_session=/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /Secure/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /Path=\//);

  const again = await call("POST", "/signup/confirm", { body: { email, code: msg.code } });
  assertError(again, 422, "invalid_code");
});

test("signup validates every field and refuses a taken email", async () => {
  const p = await newPerson();
  assertError(await call("POST", "/signup", { body: { email: p.email, password: PASSWORD, first_name: "A", last_name: "B" } }), 409, "email_taken", "email");
  assertError(await call("POST", "/signup", { body: { email: "nope", password: PASSWORD, first_name: "A", last_name: "B" } }), 422, "invalid_email", "email");
  assertError(await call("POST", "/signup", { body: { phone: "12", password: PASSWORD, first_name: "A", last_name: "B" } }), 422, "invalid_phone", "phone");
  assertError(await call("POST", "/signup", { body: { email: uniqueEmail(), password: "short", first_name: "A", last_name: "B" } }), 422, "weak_password", "password");
  const common = await call("POST", "/signup", { body: { email: uniqueEmail(), password: "password123", first_name: "A", last_name: "B" }, lang: "ru" });
  assertError(common, 422, "weak_password", "password");
  assert.equal(common.json.error.reason, "common");
  assert.match(common.json.error.message, /пароль/i);
  // On the breached-password list only (115,719 entries; the npm package leaves this check
  // to the server and says so): refused here.
  const breached = await call("POST", "/signup", { body: { email: uniqueEmail(), password: "studioworks", first_name: "A", last_name: "B" } });
  assertError(breached, 422, "weak_password", "password");
  assert.equal(breached.json.error.reason, "common");
  const personal = await call("POST", "/signup", { body: { email: uniqueEmail(), password: "Skłodowska1867", first_name: "Maria", last_name: "Skłodowska" } });
  assert.equal(personal.json.error.reason, "personal", personal.text);
  assertError(await call("POST", "/signup", { body: { email: uniqueEmail(), password: PASSWORD, first_name: "R2D2", last_name: "B" } }), 422, "invalid_name", "first_name");
  assertError(await call("POST", "/signup", { body: { email: uniqueEmail(), password: PASSWORD, first_name: "Ann", last_name: "" } }), 422, "invalid_name", "last_name");
});

test("signup by phone confirms by SMS", async () => {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
  const phone = `+48 5${digits.slice(0, 2)} ${digits.slice(2, 5)} ${digits.slice(5, 8)}`;
  const e164 = phone.replace(/ /g, "");
  const r = await call("POST", "/signup", { body: { phone, password: PASSWORD, first_name: "Jan", last_name: "Kowalski" } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.confirmation, { channel: "sms", to: e164 });
  const unconfirmed = await call("POST", "/login", { body: { login: e164, password: PASSWORD } });
  assertError(unconfirmed, 403, "phone_unconfirmed");
  const msg = await lastMessage(e164, "signup_code");
  assert.equal(msg.channel, "sms");
  const c = await call("POST", "/signup/confirm", { body: { phone: e164, code: msg.code } });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.profile.phone, e164);
  const l = await call("POST", "/login", { body: { login: phone, password: PASSWORD } });
  assert.equal(l.status, 200, l.text);
});

test("GET /me and PATCH /me", async () => {
  const p = await newPerson();
  const me = await call("GET", "/me", { token: p.token });
  assert.equal(me.status, 200, me.text);
  for (const k of ["id", "first_name", "last_name", "photo_url", "email", "email_confirmed", "phone", "social", "two_factor_enabled", "accounts", "created_at"]) {
    assert.ok(k in me.json, `Me has ${k}`);
  }
  const patched = await call("PATCH", "/me", { token: p.token, body: { first_name: "  Maria ", last_name: "Skłodowska-Curie", apply_to_all_accounts: true } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.first_name, "Maria");
  assert.equal(patched.json.last_name, "Skłodowska-Curie");
  assert.equal((await call("GET", "/me", { token: p.token })).json.first_name, "Maria");
  assertError(await call("PATCH", "/me", { token: p.token, body: { first_name: "" }, lang: "vi" }), 422, "invalid_name", "first_name");
  assertError(await call("PATCH", "/me", { token: p.token, body: { first_name: 7 } }), 400, "invalid_request");
  assertError(await call("GET", "/me"), 401, "unauthenticated");
  assertError(await call("GET", "/me", { token: "forged-token" }), 401, "unauthenticated");
});

test("email change: code to the new address, email_taken, the old address freed", async () => {
  const a = await newPerson();
  const b = await newPerson();
  assertError(await call("POST", "/me/email", { token: a.token, body: { email: b.email, password: PASSWORD } }), 409, "email_taken", "email");
  assertError(await call("POST", "/me/email", { token: a.token, body: { email: "bad@", password: PASSWORD } }), 422, "invalid_email", "email");
  const fresh = uniqueEmail("moved");
  const r = await call("POST", "/me/email", { token: a.token, body: { email: fresh, password: PASSWORD } });
  assert.equal(r.status, 202, r.text);
  const msg = await lastMessage(fresh, "email_change_code");
  assertError(await call("POST", "/me/email/confirm", { token: a.token, body: { email: fresh, code: "12345" } }), 422, "invalid_code", "code");
  const ok = await call("POST", "/me/email/confirm", { token: a.token, body: { email: fresh, code: msg.code, apply_to_all_accounts: true } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.email, fresh);
  // The old email is free: a new profile can take it.
  const reuse = await newPerson({ email: a.email });
  assert.equal(reuse.profile.email, a.email);
  assert.equal((await call("POST", "/login", { body: { login: fresh, password: PASSWORD } })).status, 200);
});

test("phone change by SMS code, phone_taken", async () => {
  const a = await newPerson();
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
  const phone = `+336${digits}`;
  const r = await call("POST", "/me/phone", { token: a.token, body: { phone, password: PASSWORD } });
  assert.equal(r.status, 202, r.text);
  const msg = await lastMessage(phone, "phone_change_code");
  assert.equal(msg.channel, "sms");
  const ok = await call("POST", "/me/phone/confirm", { token: a.token, body: { phone, code: msg.code } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.phone, phone);
  const b = await newPerson();
  assertError(await call("POST", "/me/phone", { token: b.token, body: { phone, password: PASSWORD } }), 409, "phone_taken", "phone");
  assertError(await call("POST", "/me/phone", { token: b.token, body: { phone: "+33 12", password: PASSWORD } }), 422, "invalid_phone", "phone");
});

test("password change ends other sessions; wrong current password is 401", async () => {
  const p = await newPerson();
  const other = await call("POST", "/login", { body: { login: p.email, password: PASSWORD } });
  assert.equal(other.status, 200);
  assertError(await call("POST", "/me/password", { token: p.token, body: { current_password: "wrong-one-123", new_password: "amber-meadow-falcon" } }), 401, "invalid_credentials", "current_password");
  assertError(await call("POST", "/me/password", { token: p.token, body: { current_password: PASSWORD, new_password: "qwerty123" } }), 422, "weak_password", "new_password");
  const r = await call("POST", "/me/password", { token: p.token, body: { current_password: PASSWORD, new_password: "amber-meadow-falcon" } });
  assert.equal(r.status, 204, r.text);
  assert.equal((await call("GET", "/me", { token: p.token })).status, 200, "this session stays");
  assertError(await call("GET", "/me", { token: other.json.token }), 401, "unauthenticated");
  assertError(await call("POST", "/login", { body: { login: p.email, password: PASSWORD } }), 401, "invalid_credentials");
  assert.equal((await call("POST", "/login", { body: { login: p.email, password: "amber-meadow-falcon" } })).status, 200);
  assert.equal((await lastMessage(p.email, "password_changed")).channel, "email");
});

test("forgot and reset password", async () => {
  const p = await newPerson();
  const unknown = await call("POST", "/password/forgot", { body: { login: uniqueEmail("ghost") } });
  assert.equal(unknown.status, 202);
  const known = await call("POST", "/password/forgot", { body: { login: p.email } });
  assert.equal(known.status, 202);
  assert.deepEqual(Object.keys(unknown.json).sort(), Object.keys(known.json).sort(), "the same answer either way");
  const msg = await lastMessage(p.email, "password_reset_code");
  assertError(await call("POST", "/password/reset", { body: { login: p.email, code: msg.code, new_password: "short" } }), 422, "weak_password", "new_password");
  assertError(await call("POST", "/password/reset", { body: { login: p.email, code: msg.code === "000000" ? "111111" : "000000", new_password: "granite-orchid-42" } }), 422, "invalid_code");
  const r = await call("POST", "/password/reset", { body: { login: p.email, code: msg.code, new_password: "granite-orchid-42" } });
  assert.equal(r.status, 204, r.text);
  assertError(await call("GET", "/me", { token: p.token }), 401, "unauthenticated");
  assert.equal((await call("POST", "/login", { body: { login: p.email, password: "granite-orchid-42" } })).status, 200);
});

test("photo upload: type and size checked, served back", async () => {
  const p = await newPerson();
  const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082", "hex");
  const r = await call("PUT", "/me/photo?apply_to_all_accounts=true", { token: p.token, body: new Uint8Array(png), headers: { "Content-Type": "image/png" } });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.photo_url, /^\/api\/v1\/photos\//);
  const img = await fetch(`${process.env.NETID_BASE_URL || "http://127.0.0.1:8787"}${r.json.photo_url}`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get("content-type"), "image/png");
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), png);
  assert.equal((await call("GET", "/me", { token: p.token })).json.photo_url, r.json.photo_url);
  assertError(await call("PUT", "/me/photo", { token: p.token, body: "not an image", headers: { "Content-Type": "image/png" } }), 422, "invalid_photo");
  assertError(await call("PUT", "/me/photo", { token: p.token, body: "GIF89a", headers: { "Content-Type": "image/gif" } }), 415, "unsupported_media_type");
  const big = new Uint8Array(5 * 1024 * 1024 + 1); big.set(png);
  assertError(await call("PUT", "/me/photo", { token: p.token, body: big, headers: { "Content-Type": "image/png" } }), 413, "payload_too_large");
});

test("DELETE /me needs the password; the profile is gone afterwards", async () => {
  const p = await newPerson();
  assertError(await call("DELETE", "/me", { token: p.token, body: { password: "wrong-password-1" } }), 401, "invalid_credentials");
  const r = await call("DELETE", "/me", { token: p.token, body: { password: PASSWORD } });
  assert.equal(r.status, 204, r.text);
  assertError(await call("GET", "/me", { token: p.token }), 401, "unauthenticated");
  assertError(await call("POST", "/login", { body: { login: p.email, password: PASSWORD } }), 401, "invalid_credentials");
});
