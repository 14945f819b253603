// Social login in the web front end, clicked in headless Chromium through the local OpenID
// Connect provider (tests/oidc/server.mjs): sign up and log in with a provider's button, the
// errors that come back (not linked, cancelled) as messages in the person's language, the
// profile's connect/disconnect toggles, a first password, and two-step after the provider.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BASE, launch, outbox, personIp } from "./browser.js";
import { totp, serviceNow } from "../lib/totp.js";

const OIDC = process.env.NETID_OIDC_URL || "http://127.0.0.1:8794";
const PASSWORD = "violet-harbour-lantern";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function open(locale = "en-US") {
  const context = await browser.newContext({ baseURL: BASE, locale });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** At the provider's sign-in page: sign in as `sub` (with `email`), or cancel. */
async function atProvider(page, { sub, email = "", cancel = false }) {
  await page.waitForURL((u) => u.href.startsWith(OIDC));
  await page.waitForSelector("#continue");
  if (cancel) { await page.click("#cancel"); return; }
  await page.fill("#sub", sub);
  await page.fill("#email", email);
  await page.click("#continue");
}

const unique = (tag) => `${tag}-${randomBytes(5).toString("hex")}`;

test("sign up with Google by clicking, then log in with it; the profile shows the connected login and asks for a first password", async () => {
  const { context, page, errors } = await open("fr-FR");
  const sub = unique("web");
  const email = `${sub}@example.com`;
  await page.goto("/#/signup");
  await page.waitForSelector("#social-signup #social-google");
  assert.equal(await page.locator("#social-google").textContent(), "S'inscrire avec Google");
  await page.click("#social-google");
  await atProvider(page, { sub, email });
  await page.waitForSelector("#display-name");
  assert.equal(await page.locator("#display-name").textContent(), `${sub} Local`);
  assert.match(await page.locator("#social-row-google").textContent(), /Associé/);
  assert.ok(await page.locator("#disconnect-google").isVisible());
  // No password yet: the Security page offers to set one, with only the new password.
  await page.goto("/#/security");
  await page.waitForSelector("#set-password-form");
  assert.equal(await page.locator("#set-password-form [name=current_password]").count(), 0);
  await page.fill("#f-new_password", "amber-meadow-falcon-77");
  await page.click("#set-password-form button[type=submit]");
  await page.waitForSelector("#password-form");
  // Log out, then back in with the same Google account.
  await page.click("#user-menu summary");
  await page.click("#logout");
  await page.waitForSelector("#login-form");
  await page.click("#social-login #social-google");
  // The provider remembers this browser (its own session): straight back, no page of its own.
  await page.waitForSelector("#display-name");
  assert.deepEqual(errors, []);
  await context.close();
});

test("an account linked to no profile comes back to the login page with the message in the person's language", async () => {
  const { context, page } = await open("pl-PL");
  await page.goto("/#/login");
  await page.waitForSelector("#social-login #social-microsoft");
  await page.click("#social-microsoft");
  await atProvider(page, { sub: unique("stranger") });
  await page.waitForSelector("#login-form .notice.bad");
  assert.match(await page.locator("#login-form .notice").textContent(), /nie jest powiązane z żadnym profilem netid/);
  // Cancelling at the provider says so too.
  await page.click("#social-google");
  await atProvider(page, { cancel: true });
  await page.waitForSelector("#login-form .notice.bad");
  assert.equal(await page.locator("#login-form .notice").textContent(), "Logowanie zostało anulowane u dostawcy. Nic nie zmieniono.");
  await context.close();
});

async function personWithPassword() {
  const email = `${unique("pw")}@example.com`;
  const ip = personIp();
  const post = async (path, body) => fetch(`${BASE}/api/v1${path}`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip }, body: JSON.stringify(body) });
  assert.equal((await post("/signup", { email, password: PASSWORD, first_name: "Rosalind", last_name: "Franklin" })).status, 201);
  assert.equal((await post("/signup/confirm", { email, code: (await outbox(email, "signup_code")).code })).status, 200);
  return email;
}

async function passwordLogin(page, email) {
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  await page.fill("#f-login", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#display-name");
}

test("connect and disconnect from the profile: the password first, a confirmation before disconnecting", async () => {
  const email = await personWithPassword();
  const { context, page } = await open();
  await passwordLogin(page, email);
  await page.waitForSelector("#connect-facebook");
  await page.click("#connect-facebook");
  assert.equal(await page.locator("#e-social_password").textContent(), "Enter your password.");
  await page.fill("#f-social_password", PASSWORD);
  await page.click("#connect-facebook");
  const sub = unique("fb");
  await atProvider(page, { sub });
  await page.waitForSelector("#disconnect-facebook");
  assert.match(await page.locator("#social-row-facebook").textContent(), /Connected/);
  assert.match(await page.locator(".toast").first().textContent(), /Facebook connected/);
  // The security notice went to the email.
  assert.match((await outbox(email, "social_connected")).body, /Facebook/);
  await page.click("#disconnect-facebook");
  await page.waitForSelector("dialog.confirm");
  await page.click("#confirm-cancel");
  assert.ok(await page.locator("#disconnect-facebook").isVisible(), "cancel keeps it");
  await page.click("#disconnect-facebook");
  await page.click("#confirm-ok");
  await page.waitForSelector("#connect-facebook");
  await context.close();
});

test("two-step authentication is asked after the provider", async () => {
  const email = await personWithPassword();
  const api = async (method, path, body, token) => {
    const r = await fetch(`${BASE}/api/v1${path}`, { method, headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: body && JSON.stringify(body) });
    return r.status === 204 ? null : r.json();
  };
  const login = await (await fetch(`${BASE}/api/v1/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ login: email, password: PASSWORD }) })).json();
  const s = await api("POST", "/me/two-factor/setup", { password: PASSWORD }, login.token);
  const enabled = await api("POST", "/me/two-factor/enable", { code: totp(s.secret, await serviceNow(BASE)) }, login.token);
  const { context, page } = await open();
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  // Log in with the password and the code, connect Google, log out.
  await page.fill("#f-login", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#second-factor-form");
  await page.fill("#f-otp", totp(s.secret, (await serviceNow(BASE)) + 30));
  await page.click("#second-factor-form button[type=submit]");
  await page.waitForSelector("#connect-google");
  await page.fill("#f-social_password", PASSWORD);
  await page.click("#connect-google");
  const sub = unique("g2f");
  await atProvider(page, { sub });
  await page.waitForSelector("#disconnect-google");
  await page.click("#user-menu summary");
  await page.click("#logout");
  await page.waitForSelector("#social-login #social-google");
  await page.click("#social-google");
  // The provider remembers this browser: straight back to netid's second step.
  await page.waitForSelector("#second-factor-form");
  assert.ok(!page.url().includes("second_factor="), "the ticket does not stay in the address bar");
  // A code works once: this second login uses a recovery code.
  await page.click("#use-recovery");
  await page.fill("#f-recovery_code", enabled.recovery_codes[0]);
  await page.click("#second-factor-form button[type=submit]");
  await page.waitForSelector("#display-name");
  await context.close();
});

test("signing up with a provider whose address a profile already owns makes nothing and says why on the sign-up page", async () => {
  const email = await personWithPassword();
  const { context, page } = await open();
  await page.goto("/#/signup");
  await page.waitForSelector("#social-signup #social-apple");
  await page.click("#social-apple");
  await atProvider(page, { sub: unique("taken"), email });
  await page.waitForSelector("#signup-form .notice.bad");
  assert.equal(await page.locator("#signup-form .notice").textContent(), "A user already has this email.");
  await context.close();
});
