// The sample workspace app (examples/workspace-app) signs people in through netid, in a
// browser: a person signs in at netid once, opens workspace A's app and is signed in, switches
// to workspace B's app from netid's network page without a password, is dismissed from B by
// its admin, and B's app has ended their session within 5 seconds (its back-channel logout
// receiver got netid's signed logout token) while A's app still works.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { launch } from "../web/browser.js";
import { BASE, PASSWORD, call, lastMessage, newAccount, newPerson } from "../e2e/helpers.js";

const APP = process.env.NETID_EXAMPLE_URL || "http://127.0.0.1:8791";
const TENANTS = process.env.NETID_EXAMPLE_TENANTS;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The app's registration in a workspace, as its admin makes it in the account area. */
async function install(admin, accountId, tenant) {
  const at = `${APP}/t/${tenant}`;
  const r = await call("POST", `/accounts/${accountId}/apps`, {
    token: admin.token,
    body: {
      name: `${tenant} app`, type: "confidential", redirect_uris: [`${at}/callback`], post_logout_redirect_uris: [`${at}/`],
      backchannel_logout_uri: `${at}/backchannel-logout`, initiate_login_uri: `${at}/login`,
    },
  });
  assert.equal(r.status, 201, r.text);
  return { client_id: r.json.client_id, client_secret: r.json.client_secret };
}

/** Reloads `url` until `done(page)` holds or `ms` have passed; answers how long it took. */
async function until(page, url, done, ms) {
  const start = Date.now();
  for (;;) {
    await page.goto(url);
    if (await done(page)) return Date.now() - start;
    if (Date.now() - start > ms) return Infinity;
  }
}

test("signed in at A's and B's apps through netid, switched without a password, dismissed from B: B's app signs out within 5 s, A's still works", async () => {
  assert.ok(TENANTS, "NETID_EXAMPLE_TENANTS: the tenants file the sample app reads");
  const person = await newPerson({ first_name: "Nora", last_name: "Lind" });
  const bAdmin = await newPerson({ first_name: "Quinn", last_name: "Admin" });
  const a = await newAccount(person, "Harbour Labs");
  const b = await newAccount(bAdmin, "Quay Works");
  const inv = await call("POST", `/accounts/${b.id}/invitations`, { token: bAdmin.token, body: { invitees: [{ email: person.email }] } });
  assert.equal(inv.status, 200, inv.text);
  const accepted = await call("POST", `/invitations/${(await lastMessage(person.email, "invitation")).token}/accept`, { token: person.token, body: {} });
  assert.equal(accepted.status, 200, accepted.text);
  writeFileSync(TENANTS, JSON.stringify({ harbour: await install(person, a.id, "harbour"), quay: await install(bAdmin, b.id, "quay") }));

  const context = await browser.newContext({ baseURL: BASE });
  const page = await context.newPage();
  page.on("pageerror", (e) => { throw e; });
  const visited = [];
  page.on("request", (r) => { if (r.isNavigationRequest()) visited.push(r.url()); }); // redirects too

  // Signed in at netid once, with the password.
  await page.goto("/#/login");
  await page.fill("#f-login", person.email);
  await page.fill("#f-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#account-list");

  // A's app: "Sign in with netid" comes back signed in, with the claims of A.
  await page.goto(`${APP}/t/harbour/`);
  assert.equal(await page.textContent("#state"), "Signed out of harbour");
  await page.click("#sign-in");
  await page.waitForSelector("#who");
  assert.equal(await page.textContent("#state"), "Signed in to harbour");
  assert.equal(await page.textContent("#who"), `Nora Lind <${person.email}>, admin`);

  // B's app from netid's network page: one click, no password (its initiate-login URI).
  await page.goto(`${BASE}/#/profile`);
  const before = visited.length;
  await page.locator("#account-list li", { hasText: "Quay Works" }).locator(".enter").click();
  await page.waitForURL(`${APP}/t/quay/`);
  assert.equal(await page.textContent("#state"), "Signed in to quay");
  assert.equal(await page.textContent("#who"), `Nora Lind <${person.email}>, member`);
  const path = visited.slice(before);
  assert.ok(path.some((u) => u.startsWith(`${APP}/t/quay/login?`) && new URL(u).searchParams.get("iss") === BASE), path.join("\n"));
  // Nothing but the app and netid's authorization endpoint on the way: no login page.
  assert.ok(path.every((u) => u.startsWith(`${APP}/t/quay/`) || u.startsWith(`${BASE}/api/v1/oauth/authorize?`)), path.join("\n"));

  // B's admin dismisses them: B's app is told by netid, and ends its session.
  const users = await call("GET", `/accounts/${b.id}/users?status=active`, { token: bAdmin.token });
  const card = users.json.users.find((u) => u.login_email === person.email);
  const dismissed = await call("POST", `/accounts/${b.id}/users/${card.id}/dismiss`, { token: bAdmin.token });
  assert.equal(dismissed.status, 200, dismissed.text);
  const took = await until(page, `${APP}/t/quay/`, async (p) => /back-channel logout/.test((await p.textContent("#ended").catch(() => "")) || ""), 5000);
  assert.ok(took <= 5000, "B's app got the back-channel logout within 5 s");
  console.log(`B's app signed out ${took} ms after the dismissal's answer`);
  assert.equal(await page.textContent("#state"), "Signed out of quay");

  // A's app still works (its page asks netid's userinfo with its access token).
  await page.goto(`${APP}/t/harbour/`);
  assert.equal(await page.textContent("#state"), "Signed in to harbour");

  // Signing in to B's app again: netid says why not, in the person's language, and the app
  // gets access_denied back, never an empty claim.
  await page.goto(`${APP}/t/quay/login`);
  assert.match(await page.textContent("body"), /Quay Works/);
  await page.click("a[href*='error=access_denied']");
  await page.waitForURL(/\/t\/quay\/callback/);
  assert.match(await page.textContent("#ended"), /access_denied/);
  await context.close();
});
