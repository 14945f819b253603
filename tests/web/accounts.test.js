// Accounts in the web front end: create, invite (with per-address errors shown before
// sending), accept in another browser, and the new member appears for the admin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BASE, launch, outbox } from "./browser.js";
import { totp, serviceNow } from "../lib/totp.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function confirmedProfile(email) {
  const post = (path, body) => fetch(`${BASE}/api/v1${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  assert.equal((await post("/signup", { email, password: "violet-harbour-lantern", first_name: "Ada", last_name: "Admin" })).status, 201);
  assert.equal((await post("/signup/confirm", { email, code: (await outbox(email, "signup_code")).code })).status, 200);
}

async function page(locale) {
  const context = await browser.newContext({ locale, baseURL: BASE });
  const p = await context.newPage();
  const calls = [];
  p.on("request", (r) => { if (r.url().includes("/api/v1/")) calls.push(`${r.method()} ${new URL(r.url()).pathname}`); });
  p.on("pageerror", (e) => { throw e; });
  return { context, p, calls };
}

test("admin creates an account, invites by mass text, the invitee accepts, and appears as active", async () => {
  const admin = `admin.${randomBytes(4).toString("hex")}@example.com`;
  const invitee = `new.${randomBytes(4).toString("hex")}@example.com`;
  await confirmedProfile(admin);

  const { context, p, calls } = await page("en-US");
  await p.goto("/#/login");
  await p.waitForSelector("#login-form");
  await p.fill("#f-login", admin);
  await p.fill("#f-password", "violet-harbour-lantern");
  await p.click("#login-form button[type=submit]");
  await p.waitForSelector("#create-account-form");
  await p.fill("#create-account-form #f-name", "Acme Works");
  await p.click("#create-account-form button[type=submit]");
  await p.waitForFunction(() => document.getElementById("account-name")?.textContent === "Acme Works");

  // Invite is a dialog; per-address errors show in the page, before any request.
  await p.click("#open-invite");
  await p.waitForSelector("dialog.modal #mass-form");
  await p.fill("#f-emails", `${invitee} not-an-address,${invitee.toUpperCase()}`);
  await p.waitForSelector("#mass-preview .mass-error");
  assert.match(await p.locator("#mass-preview").textContent(), /not-an-address: Enter a valid email address/);
  const before = calls.length;
  await p.click("#mass-form button[type=submit]");
  assert.ok(!calls.slice(before).some((c) => c.endsWith("/invitations/mass")), "nothing sent while an address is invalid");
  await p.fill("#f-emails", `${invitee}, ${invitee.toUpperCase()}`);
  assert.equal(await p.locator("#mass-preview .mass-error").count(), 0);
  await p.click("#mass-form button[type=submit]");
  await p.waitForSelector("#mass-results li[data-status=sent]");
  assert.equal(await p.locator("#mass-results li").count(), 1, "deduplicated");
  assert.equal(await p.locator("#mass-summary").textContent(), "1 invitation sent, 0 not sent.");
  assert.equal(await p.locator("#f-emails").inputValue(), "", "sent addresses are cleared: a second click sends nothing");
  await p.click("#modal-close");
  await p.waitForSelector("#status-filter");
  await p.selectOption("#status-filter", "invited");
  await p.waitForSelector("#people li[data-status=invited]");
  // Invited without a name: the row goes by the address, shown once.
  const invitedRow = p.locator("#people li[data-status=invited]", { hasText: invitee });
  assert.equal(await invitedRow.locator(".person-name").textContent(), invitee);
  assert.equal((await invitedRow.locator(".person").textContent()).split(invitee).length - 1, 1, "the address is not repeated beside itself");

  // The invitee opens the link in their own browser, in Polish.
  const msg = await outbox(invitee, "invitation");
  const guest = await page("pl-PL");
  await guest.p.goto(`/#/invite/${msg.token}`);
  await guest.p.waitForSelector("#accept-form");
  assert.equal(await guest.p.locator("h1").textContent(), "Dołącz do Acme Works");
  await guest.p.fill("#f-first_name", "Nowy");
  await guest.p.fill("#f-last_name", "Pracownik");
  await guest.p.fill("#f-password", "krótkie");
  await guest.p.click("#accept-form button[type=submit]");
  assert.equal(await guest.p.locator("#e-password").textContent(), "Hasło musi mieć co najmniej 8 znaków.");
  await guest.p.fill("#f-password", "zielony-kot-na-dachu");
  await guest.p.click("#accept-form button[type=submit]");
  await guest.p.waitForFunction(() => document.getElementById("account-name")?.textContent === "Acme Works");
  await guest.context.close();

  // The admin sees the new member, active.
  await p.selectOption("#status-filter", "active");
  await p.waitForFunction(() => [...document.querySelectorAll("#people li[data-status=active] .person-name")].some((e) => e.textContent === "Nowy Pracownik"));
  // And can dismiss them.
  const row = p.locator("#people li", { hasText: "Nowy Pracownik" });
  await row.locator("button.dismiss").click();
  await p.click("#confirm-ok");
  await p.waitForSelector(".toast");
  await p.selectOption("#status-filter", "dismissed");
  await p.waitForFunction(() => [...document.querySelectorAll("#people li[data-status=dismissed] .person-name")].some((e) => e.textContent === "Nowy Pracownik"));
  await p.screenshot({ path: process.env.NETID_SCREENSHOT_ACCOUNT || "/tmp/netid-account.png", fullPage: true });
  await context.close();
});

test("an admin switches a member's two-step authentication off from the people page; the audit page shows it", async () => {
  const post = async (path, body, token) => {
    const r = await fetch(`${BASE}/api/v1${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    return r.status === 204 ? {} : r.json();
  };
  const admin = `tfadmin.${randomBytes(4).toString("hex")}@example.com`;
  const member = `tfmember.${randomBytes(4).toString("hex")}@example.com`;
  await confirmedProfile(admin);
  const adminToken = (await post("/login", { login: admin, password: "violet-harbour-lantern" })).token;
  const acc = await post("/accounts", { name: "Lost Phone Co" }, adminToken);
  await post(`/accounts/${acc.id}/invitations`, { invitees: [{ email: member }] }, adminToken);
  const accepted = await post(`/invitations/${(await outbox(member, "invitation")).token}/accept`, { password: "zielony-kot-na-dachu", first_name: "Mia", last_name: "Member" });
  const memberToken = accepted.session.token;
  const setup = await post("/me/two-factor/setup", { password: "zielony-kot-na-dachu" }, memberToken);
  const now = await serviceNow(BASE);
  assert.equal((await post("/me/two-factor/enable", { code: totp(setup.secret, now) }, memberToken)).recovery_codes.length, 10);

  const { context, p } = await page("en-US");
  await p.goto("/#/login");
  await p.waitForSelector("#login-form");
  await p.fill("#f-login", admin);
  await p.fill("#f-password", "violet-harbour-lantern");
  await p.click("#login-form button[type=submit]");
  await p.waitForSelector("#account-list");
  await p.goto(`/#/account/${acc.id}`);
  const row = p.locator("#people li", { hasText: "Mia Member" });
  await row.locator("button.tf-off").click();
  await p.click("#confirm-ok");
  await p.waitForFunction(() => ![...document.querySelectorAll("#people li")].some((li) => li.textContent.includes("Mia Member") && li.querySelector("button.tf-off")));
  const notice = await outbox(member, "two_factor_disabled");
  assert.ok(notice);
  await p.click("#tab-audit");
  await p.waitForSelector("#audit li[data-action='two_factor.disabled_by_admin']");
  // In words, not codes.
  assert.equal(await p.locator("#audit li[data-action='two_factor.disabled_by_admin'] .audit-action").textContent(), "Two-step authentication switched off by an admin");
  const actions = await p.locator("#audit .audit-action").allTextContents();
  assert.ok(actions.length > 1 && actions.every((a) => !/^[a-z_]+\.[a-z_]+$/.test(a)), `no raw action codes: ${actions}`);
  await context.close();
});
