// Passkeys through the pages, in headless Chromium with its virtual authenticator (CDP
// WebAuthn domain: CTAP2, resident keys, user verification). The pages are opened by host
// name (http://localhost:PORT): an IP address is no RP ID.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BASE, launch, outbox, personIp } from "./browser.js";
import { totp, serviceNow } from "../lib/totp.js";

const NAMED = BASE.replace("127.0.0.1", "localhost");
const PASSWORD = "violet-harbour-lantern";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A page on the named origin with a virtual platform authenticator. */
async function pageWithAuthenticator() {
  const context = await browser.newContext({ locale: "en-US", baseURL: NAMED });
  const page = await context.newPage();
  page.on("pageerror", (err) => { throw err; });
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const credentials = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  // Without presence, the authenticator answers nothing (the login field's conditional
  // request then waits, as it does for a person who types a password instead).
  const presence = (enabled) => cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });
  return { context, page, credentials, presence };
}

const ip = personIp();
const post = (path, body, token) => fetch(`${BASE}/api/v1${path}`, {
  method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip, ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
});

async function loginWithPassword(page, email) {
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  await page.fill("#f-login", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
}

async function addPasskey(page) {
  await page.goto("/#/security");
  await page.waitForSelector("#pk-add-form");
  assert.ok(await page.locator("#pk-none").isVisible(), "no passkeys yet");
  await page.fill("#f-pk_password", PASSWORD);
  await page.click("#pk-add-form button[type=submit]");
  await page.waitForSelector("li.passkey");
}

/** Logs out; `andBack` waits for the login page to sign in again by itself. */
async function logout(page, andBack = false) {
  await page.click("#user-menu summary");
  await page.click("#logout");
  await page.waitForFunction(() => location.hash.startsWith("#/login"));
  if (andBack) await page.waitForFunction(() => !location.hash.startsWith("#/login") && document.querySelector("#user-menu"));
  else await page.waitForSelector("#login-form");
}

test("sign up, add a passkey, log in with it by the button and from the login field, remove it", async () => {
  const pk = await pageWithAuthenticator();
  const { page, credentials } = pk;
  const email = `pk.${randomBytes(4).toString("hex")}@example.com`;
  await page.goto("/#/signup");
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#f-first_name", "Ada");
  await page.fill("#f-last_name", "Passkey");
  await page.fill("#f-login", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForSelector("#confirm-form");
  await page.fill("#f-code", (await outbox(email, "signup_code")).code);
  await page.click("button[type=submit]");
  await page.waitForSelector("#names-form");

  await addPasskey(page);
  const creds = await credentials();
  assert.equal(creds.length, 1, "the authenticator holds one credential");
  assert.equal(creds[0].isResidentCredential, true, "a discoverable one");
  assert.equal(creds[0].rpId, "localhost");
  assert.match(await page.locator("li.passkey").textContent(), /Passkey/);
  assert.equal((await outbox(email, "passkey_added")).kind, "passkey_added");

  // The login field's conditional request: the virtual authenticator answers it.
  await logout(page, true);
  assert.equal(await page.locator("#f-login").count(), 0, "signed in from the login page itself");

  // The button, while the field's request waits (no presence yet): the click aborts it and
  // asks on its own. The button's options request is held until presence is on, so presence
  // answers the button's request, never the field's (switching presence on before the click
  // let the authenticator answer the field first: a race a CI run lost).
  const { presence } = pk;
  await presence(false);
  const OPTIONS = (url) => new URL(url).pathname.endsWith("/api/v1/login/passkey/options");
  const fieldOptions = page.waitForResponse((r) => OPTIONS(r.url()));
  await logout(page);
  await fieldOptions; // the field's request is asked for before the button is clicked
  assert.equal(await page.locator("#f-login").getAttribute("autocomplete"), "username webauthn");
  await page.route(OPTIONS, async (route) => { await presence(true); await route.continue(); });
  await page.click("#passkey-login");
  await page.waitForSelector("#user-menu");
  await page.unroute(OPTIONS);

  // Rename, then remove: the profile still has its password.
  await page.goto("/#/security");
  await page.waitForSelector("li.passkey");
  await page.click(".pk-rename");
  await page.fill("#f-pk_name", "Work laptop");
  await page.click(".pk-rename-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector("li.passkey .pk-name")?.textContent === "Work laptop");
  await page.click(".pk-remove");
  await page.waitForSelector("#pk-none");
  assert.equal((await outbox(email, "passkey_removed")).kind, "passkey_removed");
});

test("a passkey as the second step after the password", async () => {
  const email = `pk2.${randomBytes(4).toString("hex")}@example.com`;
  assert.equal((await post("/signup", { email, password: PASSWORD, first_name: "Sam", last_name: "Second" })).status, 201);
  const confirmed = await (await post("/signup/confirm", { email, code: (await outbox(email, "signup_code")).code })).json();
  const { page, presence } = await pageWithAuthenticator();
  await loginWithPassword(page, email);
  await page.waitForSelector("#user-menu");
  await addPasskey(page);
  // Two-step on (through the API, with the token of the confirmation).
  const setup = await (await post("/me/two-factor/setup", { password: PASSWORD }, confirmed.token)).json();
  assert.equal((await post("/me/two-factor/enable", { code: totp(setup.secret, await serviceNow(BASE)) }, confirmed.token)).status, 200);
  await presence(false);
  await logout(page);
  await loginWithPassword(page, email);
  await page.waitForSelector("#second-factor-form");
  await presence(true);
  await page.click("#passkey-second");
  await page.waitForSelector("#user-menu");
});

test("on an IP address the pages offer no passkeys, and say where they are", async () => {
  const context = await browser.newContext({ locale: "en-US", baseURL: BASE });
  const page = await context.newPage();
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  assert.equal(await page.locator("#passkey-login").count(), 0);
  assert.equal(await page.locator("#f-login").getAttribute("autocomplete"), "username");
  await context.close();
});
