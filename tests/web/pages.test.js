// Every page at desktop and phone sizes: axe-core (from the npm registry) finds no violation,
// nothing scrolls sideways, and a screenshot of each is written for a reviewer
// (test-results/screenshots/, not compared pixel by pixel). Then the navigation (top bar,
// workspace switcher, user menu, tabs, 404) and every destructive action's confirmation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { BASE, launch, outbox } from "./browser.js";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const PASSWORD = "violet-harbour-lantern";
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 780 } };

let browser;
let world;
before(async () => {
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
  world = await seed();
});
after(async () => { await browser?.close(); });

async function post(path, body, token, method = "POST") {
  const r = await fetch(`${BASE}/api/v1${path}`, {
    method, headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function person(tag, first, last) {
  const email = `${tag}.${randomBytes(4).toString("hex")}@example.com`;
  assert.equal((await post("/signup", { email, password: PASSWORD, first_name: first, last_name: last })).status, 201);
  const c = await post("/signup/confirm", { email, code: (await outbox(email, "signup_code")).code });
  assert.equal(c.status, 200);
  return { email, token: c.json.token };
}

/** An admin with an account holding an active member, a pending invitation, a department and a group. */
async function seed() {
  const admin = await person("pages", "Grace", "Hopper");
  const acc = (await post("/accounts", { name: "Harbour Labs" }, admin.token)).json;
  await post(`/accounts/${acc.id}/departments`, { name: "Research" }, admin.token);
  await post(`/accounts/${acc.id}/groups`, { name: "Partners", extranet: true }, admin.token);
  const member = `member.${randomBytes(4).toString("hex")}@example.com`;
  const pending = `pending.${randomBytes(4).toString("hex")}@example.com`;
  await post(`/accounts/${acc.id}/invitations`, { invitees: [{ email: member, first_name: "Alan", last_name: "Turing" }, { email: pending }] }, admin.token);
  const accepted = await post(`/invitations/${(await outbox(member, "invitation")).token}/accept`, { password: PASSWORD, first_name: "Alan", last_name: "Turing" });
  assert.equal(accepted.status, 200);
  const fresh = `fresh.${randomBytes(4).toString("hex")}@example.com`;
  await post(`/accounts/${acc.id}/invitations`, { invitees: [{ email: fresh }] }, admin.token);
  return { admin, acc, pending, freshToken: (await outbox(fresh, "invitation")).token };
}

async function open(size) {
  const context = await browser.newContext({ baseURL: BASE, viewport: SIZES[size], locale: "en-US", bypassCSP: false });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function login(page, email) {
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  await page.fill("#f-login", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#user-menu");
}

/** Waits for the page to settle (no spinner), then checks it and takes its picture. */
async function inspect(page, name, size) {
  await page.waitForFunction(() => document.body.dataset.ready === "true" && !document.querySelector("main .loading") && !document.querySelector("main[aria-busy=true]"));
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  assert.deepEqual(result, [], `${name} at ${size}: axe violations`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name} at ${size}: ${overflow}px of horizontal scrolling`);
  const small = await page.evaluate(() => [...document.querySelectorAll("button, a.button, select, summary, .tabs a, .menu-item")]
    .filter((e) => e.offsetParent !== null)
    .map((e) => [e.id || e.className || e.tagName, e.getBoundingClientRect().height])
    .filter(([, h]) => h < 43.5));
  assert.deepEqual(small, [], `${name} at ${size}: touch targets under 44 px`);
  await page.screenshot({ path: `${SHOTS}${name}-${size}.png`, fullPage: true });
}

for (const size of Object.keys(SIZES)) {
  test(`every page at ${size} size: no axe violation, no sideways scrolling, 44 px targets, a screenshot`, async () => {
    const { context, page, errors } = await open(size);
    for (const [name, hash] of [["signup", "#/signup"], ["login", "#/login"], ["forgot", "#/forgot"], ["reset", "#/reset?login=someone%40example.com"],
      ["not-found", "#/no-such-page"], ["invitation-used", "#/invite/not-a-live-token"], ["invitation", `#/invite/${world.freshToken}`]]) {
      await page.goto(`/${hash}`);
      await inspect(page, name, size);
    }
    await page.goto("/#/signup");
    await page.evaluate(() => sessionStorage.setItem("netid.pending", JSON.stringify({ channel: "email", to: "someone@example.com" })));
    await page.goto("/#/confirm");
    await inspect(page, "confirm", size);

    await login(page, world.admin.email);
    for (const [name, hash] of [["profile", "#/profile"], ["security", "#/security"],
      ...["people", "invitations", "structure", "apps", "settings", "audit"].map((tab) => [`account-${tab}`, `#/account/${world.acc.id}/${tab}`])]) {
      await page.goto(`/${hash}`);
      await inspect(page, name, size);
    }
    await page.goto(`/#/account/${world.acc.id}/people`);
    await page.waitForSelector("#open-invite");
    await page.click("#open-invite");
    await page.waitForSelector("dialog.modal #invite-form");
    await inspect(page, "invite-dialog", size);
    await page.click("#modal-close");
    await page.click("#user-menu summary");
    await inspect(page, "user-menu", size);
    await page.goto("/api.html");
    await page.waitForSelector('main[aria-busy="false"]');
    await page.evaluate(() => { document.body.dataset.ready = "true"; });
    await inspect(page, "api-reference", size);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the top bar: the user menu leads to Security and out, the switcher to a workspace, unknown routes to a 404 page", async () => {
  const { context, page } = await open("desktop");
  await login(page, world.admin.email);
  assert.equal(await page.title(), "Network profile · netid");
  await page.selectOption("#workspace", world.acc.id);
  await page.waitForFunction(() => document.getElementById("account-name")?.textContent === "Harbour Labs");
  assert.equal(await page.title(), "Harbour Labs · netid");
  assert.equal(await page.locator("#tab-people").getAttribute("aria-current"), "page");
  await page.click("#tab-invitations");
  await page.waitForSelector("#invitation-list");
  assert.match(await page.locator("#invitation-list").textContent(), /invited by Grace Hopper/);
  await page.click("#user-menu summary");
  await page.click("#user-menu a[href='#/security']");
  await page.waitForSelector("#tf-setup-form");
  assert.equal(await page.title(), "Security · netid");
  await page.goto("/#/definitely/not/here");
  await page.waitForSelector("text=Page not found");
  assert.equal(await page.title(), "Page not found · netid");
  await page.click("#user-menu summary");
  await page.click("#logout");
  await page.waitForSelector("#login-form .notice");
  assert.equal(await page.locator("#login-form .notice").textContent(), "You are logged out.");
  await context.close();
});

test("destructive actions ask first: dismiss and revoke can be cancelled, deleting the profile needs the login typed", async () => {
  const admin = await person("confirm", "Ada", "Lovelace");
  const acc = (await post("/accounts", { name: "Careful Co" }, admin.token)).json;
  const member = `careful.${randomBytes(4).toString("hex")}@example.com`;
  const pending = `waiting.${randomBytes(4).toString("hex")}@example.com`;
  await post(`/accounts/${acc.id}/invitations`, { invitees: [{ email: member }, { email: pending }] }, admin.token);
  await post(`/invitations/${(await outbox(member, "invitation")).token}/accept`, { password: PASSWORD, first_name: "Bob", last_name: "Careful" });
  const { context, page } = await open("desktop");
  await login(page, admin.email);
  await page.goto(`/#/account/${acc.id}/people`);
  const row = page.locator("#people li", { hasText: "Bob Careful" });
  await row.locator("button.dismiss").click();
  await page.waitForSelector("dialog.confirm");
  assert.equal(await page.locator("#confirm-title").textContent(), "Dismiss Bob Careful?");
  await page.click("#confirm-cancel");
  assert.equal(await row.getAttribute("data-status"), "active", "cancel keeps the member");
  await row.locator("button.dismiss").click();
  await page.click("#confirm-ok");
  await page.waitForSelector(".toast", { state: "attached" });
  assert.equal(await page.locator(".toast").first().textContent(), "Bob Careful was dismissed.");
  await page.selectOption("#status-filter", "dismissed");
  await page.waitForSelector("#people li[data-status=dismissed]");

  await page.click("#tab-invitations");
  const inv = page.locator("#invitation-list li", { hasText: pending });
  await inv.locator("button.revoke").click();
  await page.click("#confirm-cancel");
  assert.equal(await inv.getAttribute("data-status"), "pending");
  await inv.locator("button.revoke").click();
  await page.click("#confirm-ok");
  await page.waitForSelector(`#invitation-list li[data-status=revoked]`);
  // The toast offers to undo: the address is invited again.
  await page.click(".toast-action");
  await page.waitForFunction((to) => [...document.querySelectorAll("#invitation-list li[data-status=pending]")].some((li) => li.textContent.includes(to)), pending);

  // A profile without accounts: deleting it needs the password, then the login typed out.
  const solo = await person("solo", "Sol", "Alone");
  await page.click("#user-menu summary");
  await page.click("#logout");
  await page.waitForSelector("#login-form");
  await login(page, solo.email);
  await page.goto("/#/profile");
  await page.fill("#delete-form #f-password", PASSWORD);
  await page.click("#delete-form button[type=submit]");
  await page.waitForSelector("dialog.confirm");
  assert.equal(await page.locator("#confirm-ok").isDisabled(), true, "disabled until the login is typed");
  await page.fill("#confirm-typed", "wrong");
  assert.equal(await page.locator("#confirm-ok").isDisabled(), true);
  await page.fill("#confirm-typed", solo.email);
  await page.click("#confirm-ok");
  await page.waitForSelector("#login-form .notice");
  assert.equal(await page.locator("#login-form .notice").textContent(), "Your profile was deleted.");
  const gone = await post("/login", { login: solo.email, password: PASSWORD });
  assert.equal(gone.status, 401);
  await context.close();
});

test("two minutes before the idle logout a dialog offers to stay signed in; ignoring it logs out", async () => {
  const { context, page } = await open("desktop");
  await page.clock.install();
  await login(page, world.admin.email);
  await page.clock.fastForward("22:05");
  await page.waitForSelector("#idle-warning");
  assert.equal(await page.locator("#idle-title").textContent(), "Still there?");
  await page.click("#stay-signed-in");
  await page.waitForSelector("#idle-warning", { state: "detached" });
  await page.clock.fastForward("21:00");
  assert.equal(await page.locator("#idle-warning").count(), 0, "staying signed in restarted the count");
  await page.clock.fastForward("03:10");
  await page.waitForSelector("#login-form .notice");
  assert.equal(await page.locator("#login-form .notice").textContent(), "Your session ended after 24 minutes without activity. Log in again.");
  await context.close();
});

test("a session ended elsewhere sends the page to the login with its reason, and logging in goes back where the person was", async () => {
  const p = await person("gone", "Ada", "Byron");
  const acc = (await post("/accounts", { name: "Analytical Engines" }, p.token)).json;
  const { context, page, errors } = await open("desktop");
  await login(page, p.email);
  await page.goto(`/#/account/${acc.id}/structure`);
  await page.waitForSelector("#panel-structure");
  // On another device: "End all other sessions".
  const other = await post("/login", { login: p.email, password: PASSWORD });
  assert.equal((await post("/me/sessions/end-others", { password: PASSWORD }, other.json.token)).status, 204);
  await page.click("#tab-people");
  await page.waitForSelector("#login-form .notice");
  assert.match(await page.locator("#login-form .notice").textContent(), /^Your session was ended elsewhere/);
  assert.equal(await page.locator("#user-menu").count(), 0, "the header no longer looks signed in");
  await page.fill("#f-login", p.email);
  await page.fill("#f-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#panel-people");
  assert.equal(new URL(page.url()).hash, `#/account/${acc.id}/people`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a dismissed person opening the workspace is told it is no longer open to them, with the way back", async () => {
  const admin = await person("closer", "Ida", "Admin");
  const acc = (await post("/accounts", { name: "Closed Shop" }, admin.token)).json;
  const email = `left.${randomBytes(4).toString("hex")}@example.com`;
  await post(`/accounts/${acc.id}/invitations`, { invitees: [{ email }] }, admin.token);
  const accepted = await post(`/invitations/${(await outbox(email, "invitation")).token}/accept`, { password: PASSWORD, first_name: "Lea", last_name: "Left" });
  assert.equal(accepted.status, 200);
  const users = await post(`/accounts/${acc.id}/users?status=active`, undefined, admin.token, "GET");
  const card = users.json.users.find((u) => u.login_email === email);
  assert.equal((await post(`/accounts/${acc.id}/users/${card.id}/dismiss`, undefined, admin.token)).status, 200);
  const { context, page, errors } = await open("desktop");
  await login(page, email);
  await page.goto(`/#/account/${acc.id}`);
  await page.waitForSelector("#workspace-closed");
  assert.equal(await page.locator("#workspace-closed").textContent(), "No access to this workspace");
  assert.match(await page.locator("main").textContent(), /no longer one of its members/);
  await page.click("a[href='#/profile']");
  await page.waitForSelector("#account-list, .empty");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a workspace app's login_hint fills netid's login field, and the login goes back to the app's request", async () => {
  // The app's callback: a server of the test's own on 127.0.0.1.
  let callback = null;
  // Only the callback counts: the browser may ask the same server for /favicon.ico after it.
  const appServer = createServer((req, res) => { if (req.url.startsWith("/callback")) callback = `http://127.0.0.1${req.url}`; res.end("back at the app"); });
  await new Promise((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  const redirect = `http://127.0.0.1:${appServer.address().port}/callback`;
  try {
    const p = await person("hint", "Rosa", "Hint");
    const acc = (await post("/accounts", { name: "Hinted" }, p.token)).json;
    const app = (await post(`/accounts/${acc.id}/apps`, { name: "CRM", type: "confidential", redirect_uris: [redirect] }, p.token)).json;
    const authorize = `/api/v1/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: app.client_id, redirect_uri: redirect, scope: "openid", state: "s", login_hint: p.email })}`;
    const { context, page, errors } = await open("desktop");
    await page.goto(authorize);
    await page.waitForSelector("#login-form");
    assert.equal(await page.inputValue("#f-login"), p.email);
    await page.fill("#f-password", PASSWORD);
    await page.click("#login-form button[type=submit]");
    await page.waitForURL(`${redirect}?**`);
    assert.ok(new URL(callback).searchParams.get("code"), callback);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    appServer.close();
  }
});

test("counts follow the language's plural rules (Russian: one, few, many)", async () => {
  const p = await person("plural", "Ivan", "Petrov");
  const acc = (await post("/accounts", { name: "Счётчик" }, p.token)).json;
  const context = await browser.newContext({ baseURL: BASE, viewport: SIZES.desktop, locale: "ru-RU" });
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem("netid.lang", "ru"));
  await login(page, p.email);
  await page.goto(`/#/account/${acc.id}/settings`);
  await page.waitForSelector("#rename-form");
  assert.equal(await page.locator("label[for=f-name] span").first().textContent(), "Переименовать (осталось 1 переименование)");
  const forms = await page.evaluate(async () => {
    const { count, setLang } = await import("/ui.js");
    setLang("ru");
    const ru = [1, 3, 5, 21].map((n) => count("renames_left", n));
    setLang("pl");
    const pl = [1, 3, 5, 22].map((n) => count("sent_count", n));
    return { ru, pl };
  });
  assert.deepEqual(forms.ru, ["осталось 1 переименование", "осталось 3 переименования", "осталось 5 переименований", "осталось 21 переименование"]);
  assert.deepEqual(forms.pl, ["Wysłano 1 zaproszenie", "Wysłano 3 zaproszenia", "Wysłano 5 zaproszeń", "Wysłano 22 zaproszenia"]);
  await context.close();
});

test("the package in the page: a wrong argument type is an error result, and a form is judged as the server reads it", async () => {
  const { context, page, errors } = await open("desktop");
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  const got = await page.evaluate(async () => {
    const pkg = await import("/vendor/netid-client/netid_client.js");
    return {
      number: pkg.validateEmail(123, "en"),
      nil: pkg.validateName(null, "first_name", "en"),
      camel: pkg.validateSignup({ email: "ada@example.com", password: "violet-harbour-lantern", firstName: "Ada", last_name: "Byron" }, "en"),
      both: pkg.validateSignup({ email: "ada@example.com", phone: "+33612345678", password: "violet-harbour-lantern", first_name: "Ada", last_name: "Byron" }, "en"),
    };
  });
  assert.equal(got.number.ok, false);
  assert.equal(got.number.code, "invalid_email");
  assert.equal(got.nil.ok, false);
  assert.deepEqual(got.camel.errors.map((e) => e.code), ["invalid_request"]);
  assert.deepEqual(got.both.errors.map((e) => [e.field, e.code]), [["phone", "invalid_request"]]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a phone number typed without its + gets a country picker, preset from the browser's country", async () => {
  const context = await browser.newContext({ baseURL: BASE, locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  assert.equal(await page.locator("#f-region").isVisible(), false);
  await page.fill("#f-login", "06 12 34 56 78");
  assert.equal(await page.locator("#f-region").isVisible(), true);
  assert.equal(await page.locator("#f-region").inputValue(), "FR");
  await page.click("#login-form button[type=submit]");
  assert.equal(await page.locator("#e-login").textContent(), "", "a national number with its country is valid");
  assert.equal(await page.locator("#e-password").textContent(), "Saisissez votre mot de passe.");
  await page.fill("#f-login", "+33 6 12 34 56 78");
  assert.equal(await page.locator("#f-region").isVisible(), false);
  await page.fill("#f-login", "marie.curie");
  await page.click("#login-form button[type=submit]");
  assert.match(await page.locator("#e-login").textContent(), /adresse e-mail valide/, "letters make an email, never the phone error");
  await context.close();
});

test("departments and groups are renamed in place and deleted after asking; a member leaves an account after asking", async () => {
  const admin = await person("tidy", "Tidy", "Admin");
  const acc = (await post("/accounts", { name: "Tidy Co" }, admin.token)).json;
  const ops = (await post(`/accounts/${acc.id}/departments`, { name: "Ops" }, admin.token)).json;
  await post(`/accounts/${acc.id}/groups`, { name: "Guests", extranet: false }, admin.token);
  const member = `tidy.member.${randomBytes(4).toString("hex")}@example.com`;
  await post(`/accounts/${acc.id}/invitations`, { invitees: [{ email: member }] }, admin.token);
  assert.equal((await post(`/invitations/${(await outbox(member, "invitation")).token}/accept`, { password: PASSWORD, first_name: "Mo", last_name: "Member" })).status, 200);

  const { context, page } = await open("desktop");
  await login(page, admin.email);
  await page.goto(`/#/account/${acc.id}/structure`);
  const dep = page.locator(`li[data-department='${ops.id}']`);
  await dep.locator("button.rename").click();
  await page.fill(`#f-rename-${ops.id}`, "Operations");
  await page.click(".rename-form button[type=submit]");
  await page.waitForFunction((id) => document.querySelector(`li[data-department='${id}'] .item-name`)?.textContent === "Operations", ops.id);
  await page.locator(`li[data-department='${ops.id}'] button.delete`).click();
  assert.equal(await page.locator("#confirm-title").textContent(), "Delete Operations?");
  await page.click("#confirm-cancel");
  assert.equal(await page.locator(`li[data-department='${ops.id}']`).count(), 1, "cancel keeps it");
  await page.locator(`li[data-department='${ops.id}'] button.delete`).click();
  await page.click("#confirm-ok");
  await page.waitForFunction((id) => !document.querySelector(`li[data-department='${id}']`), ops.id);
  await context.close();

  const m = await open("desktop");
  await login(m.page, member);
  await m.page.goto(`/#/account/${acc.id}/settings`);
  await m.page.click("#leave-account");
  assert.equal(await m.page.locator("#confirm-title").textContent(), "Leave Tidy Co?");
  await m.page.click("#confirm-ok");
  await m.page.waitForSelector("#names-form");
  assert.match(await m.page.locator(".empty").first().textContent(), /not in any account/);
  await m.context.close();
});

test("a department's name is checked by the server's rules before any request: Unicode case, characters not UTF-16 units", async () => {
  const admin = await person("names", "Nadia", "Admin");
  const acc = (await post("/accounts", { name: "Names Co" }, admin.token)).json;
  await post(`/accounts/${acc.id}/departments`, { name: "Équipe" }, admin.token);
  const { context, page } = await open("desktop");
  await login(page, admin.email);
  await page.goto(`/#/account/${acc.id}/structure`);
  await page.waitForSelector("#department-form");
  const sent = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().includes("/departments")) sent.push(r.url()); });
  await page.fill("#f-dep-name", "  ÉQUIPE ");
  await page.click("#department-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#e-dep-name")?.textContent);
  assert.match(await page.locator("#e-dep-name").textContent(), /already used here/);
  assert.deepEqual(sent, [], "refused in the page, as the server would");
  // 100 emoji are 100 characters for core (and 200 UTF-16 units): the page lets them through.
  const long = "\u{1F600}".repeat(100);
  await page.fill("#f-dep-name", long);
  await page.click("#department-form button[type=submit]");
  await page.waitForFunction((n) => [...document.querySelectorAll("li[data-department] .item-name")].some((e) => e.textContent === n), long);
  assert.equal(sent.length, 1);
  await context.close();
});

test("an admin registers a workspace app in the account area: the secret once, the server's address rules, removal after asking", async () => {
  const admin = await person("apps", "Aya", "Admin");
  const acc = (await post("/accounts", { name: "Apps Co" }, admin.token)).json;
  const { context, page, errors } = await open("desktop");
  await login(page, admin.email);
  await page.goto(`/#/account/${acc.id}/apps`);
  await page.waitForSelector("#app-form");
  assert.equal(await page.locator("#tab-apps").getAttribute("aria-current"), "page");
  // An http address on a public host: the server's rule, its message under the field.
  await page.fill("#f-app-name", "Harbour CRM");
  await page.fill("#f-app-redirects", "http://crm.example.com/callback");
  await page.click("#app-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#e-app-redirects")?.textContent);
  assert.match(await page.locator("#e-app-redirects").textContent(), /https:\/\//);
  await page.fill("#f-app-redirects", "https://crm.example.com/callback\nhttp://127.0.0.1:5173/callback");
  await page.click("#app-form button[type=submit]");
  await page.waitForSelector("#app-secret");
  const secret = await page.locator("#app-secret").inputValue();
  const clientId = await page.locator("#app-client-id").textContent();
  assert.ok(secret.length >= 40 && clientId.startsWith("app_"), `${clientId} ${secret}`);
  await page.click("#modal-close");
  await page.waitForSelector(`li[data-app='${clientId}']`);
  assert.ok(!(await page.content()).includes(secret), "the secret is shown once, never in the list");
  const listed = (await post(`/accounts/${acc.id}/apps`, undefined, admin.token, "GET")).json.apps;
  assert.deepEqual(listed[0].redirect_uris, ["https://crm.example.com/callback", "http://127.0.0.1:5173/callback"]);
  await page.locator(`li[data-app='${clientId}'] button.delete`).click();
  await page.click("#confirm-ok");
  await page.waitForFunction((id) => !document.querySelector(`li[data-app='${id}']`), clientId);
  assert.deepEqual(errors, []);
  await context.close();
});

test("what was broken stays fixed: no stray null under one session, toasts above a dialog, a rename that asks first", async () => {
  const admin = await person("fixed", "Fay", "Admin");
  const acc = (await post("/accounts", { name: "Fixed Co" }, admin.token)).json;
  const { context, page, errors } = await open("desktop");
  await login(page, admin.email);
  // The sign-up's own session ends: this browser's is the only one.
  assert.equal((await post("/logout", {}, admin.token)).status, 204);
  // Security with one session: the list, and no literal "null" after it.
  await page.goto("/#/security");
  await page.waitForSelector("#sessions ul.sessions");
  assert.doesNotMatch(await page.locator("#sessions").textContent(), /null/);
  assert.equal(await page.locator("#end-others").count(), 0, "nothing to end when this is the only session");
  // One "Security" heading (the page's), the section under it named for what it holds.
  const headings = await page.locator("h1, h2").allTextContents();
  assert.equal(headings.filter((x) => x === "Security").length, 1, headings.join(" | "));
  assert.ok(headings.includes("Two-step authentication"), headings.join(" | "));
  assert.match(await page.locator("#sessions li strong").first().textContent(), /^(Browser|Desktop app)$/, "device kinds capitalized");
  // A toast raised while the invite dialog is open is the topmost thing where it shows.
  await page.goto(`/#/account/${acc.id}/people`);
  await page.click("#open-invite");
  await page.waitForSelector("dialog.modal #invite-form");
  await page.fill("#f-email0", `fixed.invitee.${Date.now()}@example.com`);
  await page.click("#invite-form button[type=submit]");
  await page.waitForSelector("#toasts .toast");
  const onTop = await page.evaluate(() => {
    const toast = document.querySelector("#toasts .toast");
    const r = toast.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { ok: Boolean(hit && toast.contains(hit)), hit: hit && (hit.id || hit.className || hit.tagName), open: document.querySelector("#toasts").matches(":popover-open"), r: [r.left, r.top, r.width, r.height] };
  });
  assert.ok(onTop.ok, `the toast is above the dialog's backdrop: ${JSON.stringify(onTop)}`);
  await page.click("#modal-close");
  // A page left while it still waits for the server does not come back over the next one:
  // the audit log's answer is held until the settings page is up.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let asked;
  const audited = new Promise((resolve) => { asked = resolve; });
  await page.route("**/api/v1/accounts/*/audit*", async (route) => { asked(); await held; await route.continue(); });
  await page.goto(`/#/account/${acc.id}/audit`);
  await audited;
  await page.goto(`/#/account/${acc.id}/settings`);
  await page.waitForSelector("#rename-form");
  const answered = page.waitForResponse("**/api/v1/accounts/*/audit*");
  release();
  await (await answered).finished();
  await page.unroute("**/api/v1/accounts/*/audit*");
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  assert.equal(await page.locator("#panel-audit").count(), 0, "the audit log's late answer is dropped");
  assert.equal(await page.locator("#rename-form").count(), 1);
  // The one-time rename says what it changes and can be cancelled.
  await page.fill("#f-name", "Fixed Company");
  await page.click("#rename-form button[type=submit]");
  await page.waitForSelector("#confirm-title");
  assert.equal(await page.locator("#confirm-title").textContent(), "Rename Fixed Co?");
  assert.match(await page.locator("dialog p").first().textContent(), /Fixed Company.*address.*last rename/s);
  await page.click("#confirm-cancel");
  await page.goto(`/#/account/${acc.id}/settings`);
  await page.waitForSelector("#rename-form");
  assert.equal(await page.locator("#account-name").textContent(), "Fixed Co", "cancel renames nothing");
  await page.fill("#f-name", "Fixed Company");
  await page.click("#rename-form button[type=submit]");
  await page.click("#confirm-ok");
  await page.waitForFunction(() => document.querySelector("#account-name")?.textContent === "Fixed Company");
  assert.deepEqual(errors, []);
  await context.close();
});

test("an invitation opened under another session says so and switches only when asked; Escape closes the menu; the skip link speaks the page's language", async () => {
  const admin = await person("switch", "Sam", "Admin");
  const acc = (await post("/accounts", { name: "Switch Co" }, admin.token)).json;
  const invited = `switch.invitee.${randomBytes(4).toString("hex")}@example.com`;
  await post(`/accounts/${acc.id}/invitations`, { invitees: [{ email: invited }] }, admin.token);
  const token = (await outbox(invited, "invitation")).token;
  const { context, page, errors } = await open("desktop");
  await login(page, admin.email);
  // Escape closes the user menu and gives the focus back to its button.
  await page.click("#user-menu summary");
  assert.equal(await page.locator("#user-menu").getAttribute("open"), "");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#user-menu").getAttribute("open"), null);
  assert.equal(await page.evaluate(() => document.activeElement?.closest("#user-menu summary") !== null), true);
  // The invitation is for someone else: no new-profile form under this session.
  await page.goto(`/#/invite/${token}`);
  await page.waitForSelector("#invite-other");
  const said = await page.locator("#invite-other").textContent();
  assert.ok(said.includes(admin.email) && said.includes(invited), said);
  assert.equal(await page.locator("#accept-form").count(), 0);
  await page.click("#invite-switch");
  await page.waitForSelector("#accept-form [name=password]");
  assert.equal(await page.locator("#user-menu").count(), 0, "signed out before the new profile's form");
  await context.close();
  // The skip link in French.
  const fr = await browser.newContext({ baseURL: BASE, locale: "fr-FR" });
  const p = await fr.newPage();
  await p.goto("/#/login");
  await p.waitForSelector("#login-form");
  assert.equal(await p.locator("a.skip").textContent(), "Aller au contenu");
  await fr.close();
  assert.deepEqual(errors, []);
});

test("passwords can be pasted, are filled by password managers, and can be shown and hidden again", async () => {
  const { context, page } = await open("desktop");
  await page.goto("/#/signup");
  await page.waitForSelector("#signup-form");
  const input = page.locator("#f-password");
  assert.equal(await input.getAttribute("autocomplete"), "new-password");
  assert.equal(await page.locator("#login-form, #signup-form").locator("[onpaste]").count(), 0);
  // A paste event goes through (nothing cancels it) and the text lands.
  const pasted = await input.evaluate((el) => {
    el.focus();
    const ev = new ClipboardEvent("paste", { clipboardData: new DataTransfer(), cancelable: true });
    ev.clipboardData.setData("text/plain", "violet-harbour-lantern");
    const allowed = el.dispatchEvent(ev);
    return allowed;
  });
  assert.equal(pasted, true, "the page does not block paste");
  await input.fill("violet-harbour-lantern");
  const toggle = page.locator("#signup-form button.reveal");
  assert.equal(await input.getAttribute("type"), "password");
  await toggle.click();
  assert.equal(await input.getAttribute("type"), "text");
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  assert.equal(await toggle.textContent(), "Hide");
  await toggle.click();
  assert.equal(await input.getAttribute("type"), "password");
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  assert.equal(await page.locator("#f-password").getAttribute("autocomplete"), "current-password");
  await context.close();
});

test("offline, a form says the network is gone instead of blaming the server", async () => {
  const { context, page } = await open("desktop");
  await page.goto("/#/forgot");
  await page.waitForSelector("#forgot-form");
  await context.setOffline(true);
  await page.fill("#f-login", "someone@example.com");
  await page.click("#forgot-form button[type=submit]");
  await page.waitForSelector("#forgot-form .notice.bad");
  assert.equal(await page.locator("#forgot-form .notice.bad").textContent(), "You seem to be offline. Check your connection and try again.");
  await context.setOffline(false);
  await context.close();
});
