// "Remember this browser" through the pages: ticked at the second step, the next password
// login on this browser needs no code; Security lists the browser as this one, and once it is
// forgotten there the second step is asked again.
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
const post = async (path, body, token) => {
  const r = await fetch(`${BASE}/api/v1${path}`, {
    method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip, ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null, text };
};

/** A confirmed person with two-step on; answers { email, secret }. */
async function enrolled() {
  const email = `remember.${randomBytes(4).toString("hex")}@example.com`;
  assert.equal((await post("/signup", { email, password: PASSWORD, first_name: "Rita", last_name: "Remember" })).status, 201);
  const token = (await post("/signup/confirm", { email, code: (await outbox(email, "signup_code")).code })).json.token;
  const setup = await post("/me/two-factor/setup", { password: PASSWORD }, token);
  assert.equal(setup.status, 200, setup.text);
  const enabled = await post("/me/two-factor/enable", { code: totp(setup.json.secret, await serviceNow(BASE)) }, token);
  assert.equal(enabled.status, 200, enabled.text);
  return { email, secret: setup.json.secret };
}

/** The password step of the login page; answers what came next: the second step or signed in. */
async function passwordStep(page, email) {
  await page.goto("/#/login");
  await page.waitForSelector("#login-form");
  await page.fill("#f-login", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#second-factor-form, #user-menu");
  return (await page.locator("#second-factor-form").count()) ? "second step" : "signed in";
}

async function logout(page) {
  await page.click("#user-menu summary");
  await page.click("#logout");
  await page.waitForSelector("#login-form");
}

test("a browser remembered at the second step skips it until it is forgotten in Security", async () => {
  const p = await enrolled();
  const context = await browser.newContext({ locale: "en-US", baseURL: BASE });
  const page = await context.newPage();
  page.on("pageerror", (err) => { throw err; });

  // The second step, with "Remember this browser" ticked (a fresh code: the one that switched
  // two-step on is spent).
  await post("/dev/clock", { advance_seconds: 31 });
  assert.equal(await passwordStep(page, p.email), "second step");
  assert.equal(await page.locator("label[for=remember-browser]").textContent(), "Remember this browser for 30 days");
  assert.equal(await page.isChecked("#remember-browser"), false, "not remembered unless asked");
  await page.check("#remember-browser");
  await page.fill("#f-otp", totp(p.secret, await serviceNow(BASE)));
  await page.click("#second-factor-form button[type=submit]");
  await page.waitForSelector("#user-menu");

  // Out, and back in with the password alone.
  await logout(page);
  assert.equal(await passwordStep(page, p.email), "signed in");
  assert.equal(await page.locator("#second-factor-form").count(), 0);

  // Security lists it, as this browser; forgotten, the list is empty.
  await page.goto("/#/security");
  await page.waitForSelector("#remembered-list li");
  const rows = page.locator("#remembered-list li");
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().getAttribute("data-current"), "true");
  assert.equal(await rows.first().locator(".badge").textContent(), "this browser");
  assert.match(await rows.first().textContent(), /Last used .* · Until /);
  await rows.first().locator("button.forget-browser").click();
  await page.waitForSelector("#no-remembered-browsers");
  assert.ok(await page.isVisible("#no-remembered-browsers"));
  assert.equal(await page.locator("#remembered-list").count(), 0);
  assert.equal(await page.locator("#forget-all-browsers").count(), 0, "nothing left to forget all of");
  assert.match(await page.locator("#toasts").textContent(), /Forgotten/);

  // The next login asks for the second step again.
  await logout(page);
  assert.equal(await passwordStep(page, p.email), "second step");
  await context.close();
});
