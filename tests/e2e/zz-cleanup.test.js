// Runs last (it moves the shared clock by months): the scheduled cleanup end to end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, lastMessage, newPerson, newAccount, inviteAll, uniqueEmail, advance, runCron, asOperator } from "./helpers.js";

const DAY = 86_400;

async function exists(token, id) {
  return (await call("GET", `/accounts/${id}`, { token })).status === 200;
}

test("free accounts: warned at 43 days, kept at 49, deleted after 50; paid kept after 400", async () => {
  const admin = await newPerson();
  const free = await newAccount(admin, "Sleepy free");
  const paid = await newAccount(admin, "Sleepy paid");
  const plan = await asOperator("PUT", `/operator/accounts/${paid.id}/plan`, { body: { plan: "standard" } });
  assert.equal(plan.status, 200, plan.text);
  await inviteAll(admin, free.id, [uniqueEmail("invitee")]);
  const relogin = async () => (await call("POST", "/login", { body: { login: admin.email, password: admin.password } })).json.token;

  await advance(43 * DAY);
  await runCron();
  const warning = await lastMessage(admin.email, "inactivity_warning");
  assert.match(warning.subject, /Sleepy free/);
  await runCron();
  const warnings = (await call("GET", `/dev/outbox?to=${encodeURIComponent(admin.email)}`)).json.messages.filter((m) => m.kind === "inactivity_warning");
  assert.equal(warnings.length, 1, "warned once");

  await advance(6 * DAY);
  await runCron();
  let token = await relogin();
  assert.ok(await exists(token, free.id), "49 days: kept");

  await advance(2 * DAY);
  await runCron();
  token = await relogin();
  assert.ok(!(await exists(token, free.id)), "51 days: deleted");
  assert.ok(await exists(token, paid.id), "paid: kept");
  await runCron();

  await advance(350 * DAY);
  await runCron();
  token = await relogin();
  assert.ok(await exists(token, paid.id), "paid: kept after 400 days");
});

test("a login into the account resets the countdown", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Kept alive");
  await advance(45 * DAY);
  const l = await call("POST", "/login", { body: { login: admin.email, password: admin.password, account_id: acc.id } });
  assert.equal(l.status, 200, l.text);
  await advance(10 * DAY);
  await runCron();
  const again = await call("POST", "/login", { body: { login: admin.email, password: admin.password } });
  assert.ok(await exists(again.json.token, acc.id));
});
