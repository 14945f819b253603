// The new-device notice (API.md, sessions): a login from a browser whose device cookie this
// profile has not seen tells the owner when, where and on what it happened, with a link to
// the sessions list. The first session of a signup records the device silently; a known
// device is not told; a response that signs a browser in without a device cookie sets one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, call, uniqueEmail, lastMessage, PASSWORD } from "./helpers.js";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

function deviceCookie(r) {
  const set = r.headers.getSetCookie().find((c) => c.startsWith("__Host-netid_device="));
  return set ? set.split(";")[0] : null;
}

async function notices(to) {
  const r = await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`);
  return r.json.messages.filter((m) => m.kind === "new_sign_in");
}

const login = (email, cookie, password = PASSWORD) =>
  call("POST", "/login", { body: { login: email, password }, headers: { "User-Agent": FIREFOX, ...(cookie ? { Cookie: cookie } : {}) } });

test("sign-in notices: a new device is told, with when, where and what; a known one is not", async () => {
  const email = uniqueEmail("places");
  assert.equal((await call("POST", "/signup", { body: { email, password: PASSWORD, first_name: "Nora", last_name: "Notice" } })).status, 201);
  const code = (await lastMessage(email, "signup_code")).code;
  const confirmed = await call("POST", "/signup/confirm", { body: { email, code }, headers: { "User-Agent": FIREFOX } });
  assert.equal(confirmed.status, 200, confirmed.text);
  const home = deviceCookie(confirmed);
  assert.ok(home, "the signup's session sets the device cookie");
  assert.match(confirmed.headers.getSetCookie().find((c) => c.startsWith("__Host-netid_device=")), /HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=34560000/);
  assert.deepEqual(await notices(email), [], "the first session records silently");

  // The same browser: known, nothing told, no new cookie.
  const again = await login(email, home);
  assert.equal(again.status, 200, again.text);
  assert.equal(deviceCookie(again), null, "a browser that has one keeps it");
  assert.deepEqual(await notices(email), []);

  // A wrong password from a new browser: no sign-in, nothing told, no cookie.
  const wrong = await login(email, null, "not-the-password-1");
  assert.equal(wrong.status, 401);
  assert.equal(deviceCookie(wrong), null);
  assert.deepEqual(await notices(email), []);

  // Another browser: told once, with the time, the place (the address here: no Cloudflare
  // location locally), the device and the sessions list.
  const other = await login(email, null);
  assert.equal(other.status, 200, other.text);
  const second = deviceCookie(other);
  assert.ok(second && second !== home, "a new device gets its own cookie");
  const told = await notices(email);
  assert.equal(told.length, 1);
  assert.match(told[0].subject, /New sign-in/);
  assert.match(told[0].body, /\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  assert.match(told[0].body, /Firefox on Linux/);
  assert.ok(told[0].body.includes(`${BASE}/#/security`), told[0].body);

  // That browser is known from now on; a cookie of the wrong shape is no device.
  assert.equal((await login(email, second)).status, 200);
  assert.equal((await notices(email)).length, 1);
  const forged = await login(email, "__Host-netid_device=<script>");
  assert.equal(forged.status, 200);
  assert.ok(deviceCookie(forged), "a cookie of the wrong shape is replaced");
  assert.equal((await notices(email)).length, 2);
});

test("sign-in notices: in the person's language", async () => {
  const email = uniqueEmail("places-fr");
  await call("POST", "/signup", { body: { email, password: PASSWORD, first_name: "Noé", last_name: "Avis" }, lang: "fr" });
  const code = (await lastMessage(email, "signup_code")).code;
  assert.equal((await call("POST", "/signup/confirm", { body: { email, code }, lang: "fr" })).status, 200);
  assert.equal((await call("POST", "/login", { body: { login: email, password: PASSWORD }, lang: "fr" })).status, 200);
  const [n] = await notices(email);
  assert.equal(n.subject, "Nouvelle connexion à votre profil netid");
});
