// A workspace's two-step policy through the pages: the admin requires it in Settings and sees
// who does not comply; a member without it who opens the workspace is sent to set it up, and
// comes back in once it is on.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BASE, launch, outbox, personIp } from "./browser.js";
import { totp, serviceNow } from "../lib/totp.js";

const PASSWORD = "violet-harbour-lantern";
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ip = personIp();
const post = async (path, body, token, method = "POST") => {
  const r = await fetch(`${BASE}/api/v1${path}`, {
    method, headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip, ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null, text };
};

async function person(tag, first) {
  const email = `${tag}.${randomBytes(4).toString("hex")}@example.com`;
  assert.equal((await post("/signup", { email, password: PASSWORD, first_name: first, last_name: "Policy" })).status, 201);
  const c = await post("/signup/confirm", { email, code: (await outbox(email, "signup_code")).code });
  return { email, token: c.json.token };
}

async function loginPage(page, email, secret) {
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  await page.fill("#f-login", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  if (secret) {
    await page.waitForSelector("#second-factor-form");
    await page.fill("#f-otp", totp(secret, await serviceNow(BASE)));
    await page.click("#second-factor-form button[type=submit]");
  }
  await page.waitForSelector("#user-menu");
}

test("a workspace requiring two-step makes a member without it set it up before entering", async () => {
  const admin = await person("padmin", "Ada");
  const setup = await post("/me/two-factor/setup", { password: PASSWORD }, admin.token);
  assert.equal((await post("/me/two-factor/enable", { code: totp(setup.json.secret, await serviceNow(BASE)) }, admin.token)).status, 200);
  const acc = (await post("/accounts", { name: "Vault" }, admin.token)).json;
  const member = await person("pmember", "Mia");
  await post(`/accounts/${acc.id}/invitations`, { invitees: [{ email: member.email }] }, admin.token);
  const inv = await outbox(member.email, "invitation");
  assert.equal((await post(`/invitations/${inv.token}/accept`, {}, member.token)).status, 200);

  // The admin requires it in Settings and sees who does not comply.
  const a = await (await browser.newContext({ locale: "en-US", baseURL: BASE })).newPage();
  await post("/dev/clock", { advance_seconds: 31 });
  await loginPage(a, admin.email, setup.json.secret);
  await a.goto(`/#/account/${acc.id}/settings`);
  await a.waitForSelector("#policy-form");
  await a.selectOption("#f-require_two_factor", "everyone");
  await a.click("#policy-form button[type=submit]");
  await a.waitForSelector("#policy-without li");
  assert.match(await a.locator("#policy-without").textContent(), /Mia Policy/);

  // The member opens it: asked to set two-step up, then back in.
  const m = await (await browser.newContext({ locale: "en-US", baseURL: BASE })).newPage();
  await loginPage(m, member.email);
  await m.goto(`/#/account/${acc.id}`);
  await m.waitForSelector("#two-step-needed");
  assert.equal(await m.locator("#two-step-needed").textContent(), "Set up two-step authentication first");
  await m.click("#to-security");
  await m.waitForSelector("#tf-setup-form");
  await m.fill("#f-tf_password", PASSWORD);
  await m.click("#tf-setup-form button[type=submit]");
  await m.waitForSelector("#tf-secret");
  const secret = (await m.locator("#tf-secret").textContent()).trim();
  await m.fill("#f-tf_code", totp(secret, await serviceNow(BASE)));
  await m.click("#tf-enable-form button[type=submit]");
  await m.waitForSelector("#recovery-codes");
  await m.click("#codes-done");
  await m.waitForSelector("#account-name");
  assert.equal(await m.locator("#account-name").textContent(), "Vault");

  // The admin's list is empty now.
  await a.reload();
  await a.waitForSelector("#policy-form");
  await a.waitForSelector("#policy-without p");
  assert.equal(await a.locator("#policy-without").textContent(), "Everyone it applies to has two-step authentication on.");
});
