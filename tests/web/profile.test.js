// The web front end, driven by real clicks in headless Chromium (playwright-core + Debian's chromium).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BASE, launch, outbox } from "./browser.js";
import { totp, serviceNow } from "../lib/totp.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const outboxCode = async (to, kind) => (await outbox(to, kind)).code;

async function newPage(locale) {
  const context = await browser.newContext({ locale, baseURL: BASE });
  const page = await context.newPage();
  const apiCalls = [];
  page.on("request", (req) => { if (req.url().includes("/api/v1/")) apiCalls.push(`${req.method()} ${new URL(req.url()).pathname}`); });
  page.on("pageerror", (err) => { throw err; });
  return { context, page, apiCalls };
}

test("sign up, confirm with the emailed code, log in and edit the profile by clicking (French)", async () => {
  const { context, page, apiCalls } = await newPage("fr-FR");
  const email = `web.${randomBytes(4).toString("hex")}@example.com`;
  await page.goto("/#/signup");
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.locator("h1").textContent(), "Créez votre profil réseau");

  // Client-side validation, in French, before any request.
  await page.fill("#f-first_name", "Irène");
  await page.fill("#f-last_name", "Joliot");
  await page.fill("#f-login", "pas-un-email");
  await page.fill("#f-password", "court");
  await page.click("button[type=submit]");
  assert.equal(await page.locator("#e-login").textContent(), "Saisissez une adresse e-mail valide, par exemple nom@exemple.com.");
  assert.equal(await page.locator("#e-password").textContent(), "Le mot de passe doit contenir au moins 8 caractères.");
  assert.equal(await page.locator("#f-login").getAttribute("aria-invalid"), "true");
  assert.ok(!apiCalls.some((c) => c.startsWith("POST /api/v1/signup")), `no request was sent: ${apiCalls}`);

  // A personal password is refused in the page too.
  await page.fill("#f-login", email);
  await page.fill("#f-password", "joliot1897");
  await page.click("button[type=submit]");
  assert.equal(await page.locator("#e-password").textContent(), "Le mot de passe ne doit pas reprendre votre nom, votre e-mail ou votre numéro de téléphone.");

  await page.fill("#f-password", "violet-harbour-lantern");
  assert.notEqual(await page.locator(".meter").getAttribute("data-score"), "0");
  await page.click("button[type=submit]");
  await page.waitForSelector("#confirm-form");
  assert.match(await page.locator("main").textContent(), new RegExp(email.replace(/\./g, "\\.")));

  const code = await outboxCode(email, "signup_code");
  await page.fill("#f-code", "12");
  await page.click("button[type=submit]");
  assert.equal(await page.locator("#e-code").textContent(), "Le code est incorrect.");
  await page.fill("#f-code", code);
  await page.click("button[type=submit]");
  await page.waitForSelector("#names-form");
  assert.equal(await page.locator("#display-name").textContent(), "Irène Joliot");

  // Log out from the user menu, then log in through the form.
  await page.click("#user-menu summary");
  await page.click("#logout");
  await page.waitForSelector("#login-form");
  await page.fill("#f-login", email);
  await page.fill("#f-password", "wrong-password");
  await page.click("button[type=submit]");
  await page.waitForSelector(".notice.bad");
  assert.equal(await page.locator(".notice.bad").textContent(), "Identifiant ou mot de passe incorrect.");
  await page.fill("#f-password", "violet-harbour-lantern");
  await page.click("button[type=submit]");
  await page.waitForSelector("#names-form");

  // Edit the name by clicking; invalid input is caught in the page first.
  await page.fill("#names-form #f-first_name", "");
  await page.click("#names-form button[type=submit]");
  assert.equal(await page.locator("#names-form #e-first_name").textContent(), "Saisissez un nom de 1 à 50 lettres ; les espaces, tirets et apostrophes sont autorisés.");
  await page.fill("#names-form #f-first_name", "Hélène");
  await page.fill("#names-form #f-last_name", "Langevin-Joliot");
  await page.click("#names-form button[type=submit]");
  await page.waitForFunction(() => document.getElementById("display-name")?.textContent === "Hélène Langevin-Joliot");
  assert.equal(await page.locator("#names-form .notice").textContent(), "Enregistré.");
  await page.reload();
  await page.waitForSelector("#names-form");
  assert.equal(await page.locator("#display-name").textContent(), "Hélène Langevin-Joliot", "the change was saved on the server");
  await page.screenshot({ path: process.env.NETID_SCREENSHOT || "/tmp/netid-profile.png", fullPage: true });
  await context.close();
});

test("'Wrong address? Start again' from the code step keeps the names and the password; only the address is retyped", async () => {
  const { context, page } = await newPage("en-US");
  const email = `typo.${randomBytes(4).toString("hex")}@example.com`;
  await page.goto("/#/signup");
  await page.fill("#f-first_name", "Lise");
  await page.fill("#f-last_name", "Meitner");
  await page.fill("#f-login", email);
  await page.fill("#f-password", "violet-harbour-lantern");
  await page.click("#signup-form button[type=submit]");
  await page.waitForSelector("#confirm-form");
  await page.click("#wrong-address");
  await page.waitForSelector("#signup-form");
  assert.equal(await page.inputValue("#f-first_name"), "Lise");
  assert.equal(await page.inputValue("#f-last_name"), "Meitner");
  assert.equal(await page.inputValue("#f-password"), "violet-harbour-lantern");
  await page.waitForFunction(() => document.activeElement?.id === "f-login");
  const fixed = `fixed.${randomBytes(4).toString("hex")}@example.com`;
  await page.fill("#f-login", fixed);
  await page.click("#signup-form button[type=submit]");
  await page.waitForSelector("#confirm-form");
  assert.ok((await page.textContent("body")).includes(fixed), "the code goes to the corrected address");
  await page.fill("#f-code", await outboxCode(fixed, "signup_code"));
  await page.click("#confirm-form button[type=submit]");
  await page.waitForSelector("#names-form");
  await context.close();
});

test("the language picker switches validation messages (Polish, Russian)", async () => {
  const { context, page, apiCalls } = await newPage("en-US");
  await page.goto("/#/login");
  await page.waitForSelector("body[data-ready=true]");
  await page.selectOption("#lang", "pl");
  await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Logowanie");
  await page.fill("#f-login", "zły@");
  await page.click("button[type=submit]");
  assert.equal(await page.locator("#e-login").textContent(), "Wpisz poprawny adres e-mail, np. imie@example.com.");
  await page.selectOption("#lang", "ru");
  await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Вход");
  await page.fill("#f-login", "+7 12");
  await page.click("button[type=submit]");
  assert.match(await page.locator("#e-login").textContent(), /^Введите корректный номер телефона/);
  assert.ok(!apiCalls.some((c) => c.startsWith("POST")), `${apiCalls}`);
  await context.close();
});

test("forgot password through the pages", async () => {
  const email = `reset.${randomBytes(4).toString("hex")}@example.com`;
  const api = (path, body) => fetch(`${BASE}/api/v1${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  assert.equal((await api("/signup", { email, password: "violet-harbour-lantern", first_name: "Ada", last_name: "Byron" })).status, 201);
  assert.equal((await api("/signup/confirm", { email, code: await outboxCode(email, "signup_code") })).status, 200);

  const { context, page } = await newPage("vi-VN");
  // From the login page, with the login typed: recovery does not ask for it again.
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  await page.fill("#f-login", email);
  await page.click("#forgot-link");
  await page.waitForSelector("#forgot-form");
  assert.equal(await page.inputValue("#f-login"), email);
  await page.click("button[type=submit]");
  await page.waitForSelector("#reset-form");
  await page.fill("#f-code", await outboxCode(email, "password_reset_code"));
  await page.fill("#f-new_password", "123");
  await page.click("button[type=submit]");
  assert.equal(await page.locator("#e-new_password").textContent(), "Mật khẩu phải có ít nhất 8 ký tự.");
  await page.fill("#f-new_password", "granite-orchid-42");
  await page.click("button[type=submit]");
  await page.waitForSelector("#login-form .notice");
  assert.equal(await page.locator("#login-form .notice").textContent(), "Mật khẩu đã được đổi. Hãy đăng nhập bằng mật khẩu mới.");
  await page.fill("#f-login", email);
  await page.fill("#f-password", "granite-orchid-42");
  await page.click("button[type=submit]");
  await page.waitForSelector("#names-form");
  await context.close();
});

test("login with two-step authentication: the page asks for the code, then for a recovery code", async () => {
  const now = () => serviceNow(BASE);
  const email = `tf.${randomBytes(4).toString("hex")}@example.com`;
  const post = (path, body, token) => fetch(`${BASE}/api/v1${path}`, {
    method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  assert.equal((await post("/signup", { email, password: "violet-harbour-lantern", first_name: "Tess", last_name: "Two" })).status, 201);
  const token = (await (await post("/signup/confirm", { email, code: await outboxCode(email, "signup_code") })).json()).token;
  const setup = await (await post("/me/two-factor/setup", { password: "violet-harbour-lantern" }, token)).json();
  const enabled = await post("/me/two-factor/enable", { code: totp(setup.secret, await now()) }, token);
  assert.equal(enabled.status, 200);
  const { recovery_codes } = await enabled.json();
  await post("/dev/clock", { advance_seconds: 60 });

  const { context, page } = await newPage("en-US");
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  await page.fill("#f-login", email);
  await page.fill("#f-password", "violet-harbour-lantern");
  await page.click("button[type=submit]");
  await page.waitForSelector("#second-factor-form");
  await page.fill("#f-otp", "12");
  await page.click("#second-factor-form button[type=submit]");
  assert.match(await page.locator("#e-otp").textContent(), /authenticator/);
  await page.fill("#f-otp", totp(setup.secret, await now()));
  await page.click("#second-factor-form button[type=submit]");
  await page.waitForSelector("#names-form");

  // Logged out, back in with a recovery code; then again with the same, spent one.
  const withRecoveryCode = async (code) => {
    await context.clearCookies();
    await page.goto("/#/login");
    await page.waitForSelector("#login-form");
    await page.fill("#f-login", email);
    await page.fill("#f-password", "violet-harbour-lantern");
    await page.click("button[type=submit]");
    await page.waitForSelector("#second-factor-form");
    await page.click("#use-recovery");
    await page.fill("#f-recovery_code", code);
    await page.click("#second-factor-form button[type=submit]");
  };
  await withRecoveryCode(recovery_codes[0]);
  await page.waitForSelector("#names-form");
  // A spent recovery code is refused as a recovery code, not as the authenticator's.
  await withRecoveryCode(recovery_codes[0]);
  await page.waitForSelector("#second-factor-form .notice");
  const said = await page.textContent("#second-factor-form .notice");
  assert.match(said, /recovery code is wrong or was already used/);
  assert.doesNotMatch(said, /authenticator/);
  await context.close();
});

test("Security: switch on two-step by reading the key from the page, log in through the second step, end another session", async () => {
  const now = () => serviceNow(BASE);
  const post = (path, body, token) => fetch(`${BASE}/api/v1${path}`, {
    method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  const email = `sec.${randomBytes(4).toString("hex")}@example.com`;
  assert.equal((await post("/signup", { email, password: "violet-harbour-lantern", first_name: "Sam", last_name: "Secure" })).status, 201);
  assert.equal((await post("/signup/confirm", { email, code: await outboxCode(email, "signup_code") })).status, 200);

  const { context, page } = await newPage("en-US");
  const login = async () => {
    await page.goto("/#/login");
    await page.waitForSelector("#login-form");
    await page.fill("#f-login", email);
    await page.fill("#f-password", "violet-harbour-lantern");
    await page.click("#login-form button[type=submit]");
  };
  await login();
  await page.waitForSelector("#user-menu");
  await page.click("#user-menu summary");
  await page.click("#user-menu a[href='#/security']");
  await page.waitForSelector("#tf-setup-form");
  await page.fill("#f-tf_password", "violet-harbour-lantern");
  await page.click("#tf-setup-form button[type=submit]");
  await page.waitForSelector("#tf-enable-form svg.qr");
  const secret = (await page.locator("#tf-secret").textContent()).trim();
  await page.fill("#f-tf_code", "123");
  await page.click("#tf-enable-form button[type=submit]");
  assert.match(await page.locator("#e-tf_code").textContent(), /authenticator/);
  await page.fill("#f-tf_code", totp(secret, await now()));
  await page.click("#tf-enable-form button[type=submit]");
  await page.waitForSelector("#recovery-codes");
  assert.equal(await page.locator("#recovery-codes li").count(), 10);
  assert.equal(await page.locator("#download-codes").getAttribute("download"), "netid-recovery-codes.txt");
  await page.click("#codes-done");
  await page.waitForSelector("#tf-disable-form");

  // Out, and back in through the second step.
  await page.click("#user-menu summary");
  await page.click("#logout");
  await post("/dev/clock", { advance_seconds: 31 });
  await login();
  await page.waitForSelector("#second-factor-form");
  await page.fill("#f-otp", totp(secret, await now()));
  await page.click("#second-factor-form button[type=submit]");
  await page.waitForSelector("#names-form");
  await page.goto("/#/security");
  await page.waitForSelector("#sessions");

  // Another session (a desktop app, with its code), ended from the list.
  await post("/dev/clock", { advance_seconds: 31 });
  const other = await (await post("/login", { login: email, password: "violet-harbour-lantern", client: "desktop", otp: totp(secret, await now()) })).json();
  assert.ok(other.token);
  await page.reload();
  // Ending one asks for the password again: a wrong one ends nothing and says so.
  const end = async (li, password) => {
    if (!(await li.locator("form.end-session-form").count())) await li.locator("button.end-session").click();
    await li.locator("form.end-session-form input[type=password]").fill(password);
    await li.locator("form.end-session-form button[type=submit]").click();
  };
  const desktop = page.locator("#sessions li", { hasText: "Desktop app" });
  await end(desktop, "wrong-password-1");
  await desktop.locator("form.end-session-form .error:not(:empty)").waitFor();
  await end(desktop, "violet-harbour-lantern");
  await page.waitForFunction(() => ![...document.querySelectorAll("#sessions li")].some((li) => li.textContent.includes("Desktop app")));
  // The others ended one by one: once none is left, nothing offers to end "all other sessions".
  for (let n = await page.locator("#sessions button.end-session").count(); n > 0; n--) {
    await end(page.locator("#sessions li", { has: page.locator("button.end-session") }).first(), "violet-harbour-lantern");
    await page.waitForFunction((k) => document.querySelectorAll("#sessions button.end-session").length === k - 1, n);
  }
  assert.equal(await page.locator("#end-others").count(), 0, "no 'End all other sessions' with no other session");
  const me = await fetch(`${BASE}/api/v1/me`, { headers: { Authorization: `Bearer ${other.token}` } });
  assert.equal(me.status, 401, "the ended session is dead at once");
  await context.close();
});
