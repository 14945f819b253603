// A workspace's applications (API.md "Workspace sign-in"): an account admin registers the
// OpenID Connect clients of its apps; the secret is shown once; addresses are checked for
// their use; the operator lists every app and switches one off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, assertError, newPerson, newAccount, inviteAll, acceptAsNew, uniqueEmail, asOperator } from "./helpers.js";

const app = (over = {}) => ({ name: "Harbour CRM", type: "confidential", redirect_uris: ["https://crm.example.com/callback"], ...over });
const op = (method, path, body) => asOperator(method, path, { body });

test("an admin registers apps: a confidential one's secret once, a public one none; the list never shows a secret", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Harbour Labs");
  const base = `/accounts/${acc.id}/apps`;
  const crm = await call("POST", base, { token: admin.token, body: app({ post_logout_redirect_uris: ["https://crm.example.com/bye"], initiate_login_uri: "https://crm.example.com/login" }) });
  assert.equal(crm.status, 201, crm.text);
  assert.match(crm.json.client_id, /^app_/);
  assert.ok(crm.json.client_secret && crm.json.client_secret.length >= 40, crm.text);
  assert.equal(crm.json.type, "confidential");
  assert.deepEqual(crm.json.redirect_uris, ["https://crm.example.com/callback"]);
  assert.equal(crm.json.initiate_login_uri, "https://crm.example.com/login");
  const spa = await call("POST", base, { token: admin.token, body: app({ name: "Board", type: "public", redirect_uris: ["http://127.0.0.1:5173/cb"] }) });
  assert.equal(spa.status, 201, spa.text);
  assert.equal(spa.json.client_secret, undefined);
  const list = await call("GET", base, { token: admin.token });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.apps.map((a) => a.name), ["Harbour CRM", "Board"]);
  assert.ok(!list.text.includes(crm.json.client_secret), "no secret in the list");
  // Rotation answers a new secret, once.
  const rotated = await call("POST", `${base}/${crm.json.client_id}/secret`, { token: admin.token });
  assert.equal(rotated.status, 200, rotated.text);
  assert.notEqual(rotated.json.client_secret, crm.json.client_secret);
  assertError(await call("POST", `${base}/${spa.json.client_id}/secret`, { token: admin.token }), 400, "invalid_request", "type");
  // Edit, then remove; the audit log has each step.
  const edited = await call("PATCH", `${base}/${crm.json.client_id}`, { token: admin.token, body: { name: "CRM", initiate_login_uri: "" } });
  assert.equal(edited.status, 200, edited.text);
  assert.deepEqual([edited.json.name, edited.json.initiate_login_uri], ["CRM", null]);
  assert.equal((await call("DELETE", `${base}/${spa.json.client_id}`, { token: admin.token })).status, 204);
  const audit = await call("GET", `/accounts/${acc.id}/audit`, { token: admin.token });
  const actions = audit.json.events.map((e) => e.action);
  for (const a of ["app.registered", "app.secret_rotated", "app.updated", "app.deleted"]) assert.ok(actions.includes(a), `${a} in ${actions}`);
});

test("addresses are checked for their use, in the person's language; members and strangers manage nothing", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Checked");
  const base = `/accounts/${acc.id}/apps`;
  const bad = [
    [{ redirect_uris: ["http://crm.example.com/cb"] }, "redirect_uris"],
    [{ redirect_uris: ["https://crm.example.com/cb#x"] }, "redirect_uris"],
    [{ redirect_uris: [] }, "redirect_uris"],
    [{ post_logout_redirect_uris: ["https://user:pw@crm.example.com/"] }, "post_logout_redirect_uris"],
    [{ backchannel_logout_uri: "https://169.254.169.254/latest/meta-data" }, "backchannel_logout_uri"],
    [{ backchannel_logout_uri: "https://10.0.0.8/logout" }, "backchannel_logout_uri"],
    [{ initiate_login_uri: "javascript:alert(1)" }, "initiate_login_uri"],
  ];
  for (const [over, field] of bad) assertError(await call("POST", base, { token: admin.token, body: app(over) }), 422, "invalid_uri", field);
  const fr = await call("POST", base, { token: admin.token, body: app({ redirect_uris: ["ftp://x.example.com"] }), lang: "fr" });
  assertError(fr, 422, "invalid_uri", "redirect_uris");
  assert.match(fr.json.error.message, /adresse https/);
  assertError(await call("POST", base, { token: admin.token, body: app({ type: "spa" }) }), 400, "invalid_request", "type");
  assertError(await call("POST", base, { token: admin.token, body: { ...app(), extra: 1 } }), 400, "invalid_request");
  // The development environment (this Worker) takes a loopback back-channel address.
  const local = await call("POST", base, { token: admin.token, body: app({ backchannel_logout_uri: "http://127.0.0.1:9931/backchannel" }) });
  assert.equal(local.status, 201, local.text);
  const email = uniqueEmail("member");
  await inviteAll(admin, acc.id, [email]);
  const member = await acceptAsNew(email);
  assertError(await call("POST", base, { token: member.token, body: app() }), 403, "not_account_admin");
  assertError(await call("GET", base, { token: member.token }), 403, "not_account_admin");
  const stranger = await newPerson();
  assertError(await call("GET", base, { token: stranger.token }), 404, "not_found");
  const theirs = await newAccount(stranger, "Theirs");
  assertError(await call("PATCH", `/accounts/${theirs.id}/apps/${local.json.client_id}`, { token: stranger.token, body: { name: "Mine now" } }), 404, "not_found");
  assertError(await call("DELETE", `/accounts/${theirs.id}/apps/${local.json.client_id}`, { token: stranger.token }), 404, "not_found");
});

test("twenty registrations at once at nineteen apps leave twenty", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Crowded");
  const base = `/accounts/${acc.id}/apps`;
  for (let n = 0; n < 19; n++) assert.equal((await call("POST", base, { token: admin.token, body: app({ name: `App ${n}`, type: "public" }) })).status, 201);
  const all = await Promise.all(Array.from({ length: 20 }, (_, n) => call("POST", base, { token: admin.token, body: app({ name: `Racer ${n}`, type: "public" }) })));
  // wrangler's dev proxy may answer 503 under load ("worker restarted mid-request"): not netid's answer.
  const answered = all.filter((r) => r.status !== 503);
  assert.equal(answered.filter((r) => r.status === 201).length, 1, all.map((r) => r.status).join(","));
  for (const r of answered.filter((r) => r.status !== 201)) assertError(r, 409, "app_limit_reached");
  assert.equal((await call("GET", base, { token: admin.token })).json.apps.length, 20);
});

test("the operator lists every app and switches one off; an admin's edit leaves the switch", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Operated");
  const a = await call("POST", `/accounts/${acc.id}/apps`, { token: admin.token, body: app() });
  assertError(await call("GET", "/operator/apps"), 401, "unauthenticated");
  assertError(await call("PUT", `/operator/apps/${a.json.client_id}`, { token: admin.token, body: { disabled: true } }), 403, "forbidden");
  const off = await op("PUT", `/operator/apps/${a.json.client_id}`, { disabled: true });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.json.disabled, true);
  const list = await op("GET", `/operator/apps?account_id=${acc.id}`);
  assert.deepEqual(list.json.apps.map((x) => [x.client_id, x.disabled]), [[a.json.client_id, true]]);
  const edited = await call("PATCH", `/accounts/${acc.id}/apps/${a.json.client_id}`, { token: admin.token, body: { name: "Renamed" } });
  assert.equal(edited.json.disabled, true);
  assertError(await op("PUT", "/operator/apps/app_nope", { disabled: true }), 404, "not_found");
  // The account's deletion takes its apps.
  assert.equal((await call("DELETE", `/accounts/${acc.id}`, { token: admin.token })).status, 204);
  assert.deepEqual((await op("GET", `/operator/apps?account_id=${acc.id}`)).json.apps, []);
});
