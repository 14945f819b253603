// Operators are people (API.md, operator API): a session of a profile on the Worker's
// OPERATORS list, signed in with a second factor. No shared secret opens the operator API, and
// every operator action is audited with the operator as its actor.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, call, assertError, newPerson, newAccount, operatorToken, PASSWORD, uniqueEmail } from "./helpers.js";
import { operatorLogin } from "../lib/operator.js";
import { totp, serviceNow } from "../lib/totp.js";

const ROUTES = [
  ["GET", "/operator/apps"],
  ["GET", "/operator/outbox"],
  ["POST", "/operator/signing-keys"],
  ["PUT", "/operator/accounts/acc_nope/plan", { plan: "standard" }],
  ["POST", "/operator/accounts/acc_nope/renames", { grant: 1 }],
  ["PUT", "/operator/apps/app_nope", { disabled: true }],
  ["POST", "/operator/outbox/msg_nope/retry"],
];

/** The operator log's events of `action` (GET /operator/audit, newest first). */
async function auditRows(action) {
  const r = await call("GET", "/operator/audit?limit=100", { token: await operatorToken() });
  assert.equal(r.status, 200, r.text);
  return r.json.events.filter((a) => a.action === action);
}

test("operators: no session, a token that is none, another person's session: refused on every route", async () => {
  const someone = await newPerson();
  for (const [method, path, body] of ROUTES) {
    assertError(await call(method, path, { body }), 401, "unauthenticated");
    // What the operator token used to be: a bearer that is no session.
    assertError(await call(method, path, { body, token: "test-0123456789abcdef0123456789abcdef" }), 401, "unauthenticated");
    assertError(await call(method, path, { body, token: someone.token }), 403, "forbidden");
  }
});

test("operators: someone else with two-step on is no operator; the operator with the password alone must sign in with a second step", async () => {
  // A person with two-step on, signed in with a code: two factors, not on the list.
  const p = await newPerson();
  const setup = await call("POST", "/me/two-factor/setup", { token: p.token, body: { password: PASSWORD } });
  assert.equal(setup.status, 200, setup.text);
  const en = await call("POST", "/me/two-factor/enable", { token: p.token, body: { code: totp(setup.json.secret, await serviceNow(BASE)) } });
  assert.equal(en.status, 200, en.text);
  const first = await call("POST", "/login", { body: { login: p.email, password: PASSWORD } });
  assertError(first, 401, "second_factor_required");
  const second = await call("POST", "/login/second-factor", {
    body: { ticket: first.json.second_factor.ticket, otp: totp(setup.json.secret, (await serviceNow(BASE)) + 30) },
  });
  assert.equal(second.status, 200, second.text);
  assertError(await call("GET", "/operator/apps", { token: second.json.token }), 403, "forbidden");

  // The operator (a passkey on the profile, no authenticator app) logging in with the password:
  // a session with one factor, refused by the operator API and told why.
  await operatorToken();
  const pwd = await call("POST", "/login", { body: { login: operatorLogin(), password: PASSWORD } });
  assert.equal(pwd.status, 200, pwd.text);
  for (const [method, path, body] of ROUTES) {
    assertError(await call(method, path, { body, token: pwd.json.token }), 403, "operator_second_factor_required");
  }
  // Anything else that session may do, it does.
  assert.equal((await call("GET", "/me", { token: pwd.json.token })).status, 200);
});

test("operators: each action is audited with the operator as its actor, by name", async () => {
  const op = await operatorToken();
  const me = (await call("GET", "/me", { token: op })).json;
  const admin = await newPerson();
  const acc = await newAccount(admin, "Operated");

  const plan = await call("PUT", `/operator/accounts/${acc.id}/plan`, { token: op, body: { plan: "standard" } });
  assert.equal(plan.status, 200, plan.text);
  const grant = await call("POST", `/operator/accounts/${acc.id}/renames`, { token: op, body: { grant: 2 } });
  assert.equal(grant.status, 200, grant.text);
  // The account's admins read both in its log, with the operator's profile and login; the
  // operator log has them too.
  const opLog = (await call("GET", "/operator/audit", { token: op })).json.events;
  assert.deepEqual(opLog.slice(0, 2).map((e) => [e.action, e.target, e.actor_profile_id]), [
    ["operator.renames", acc.id, me.id], ["operator.plan", acc.id, me.id],
  ]);
  const log = await call("GET", `/accounts/${acc.id}/audit`, { token: admin.token });
  assert.equal(log.status, 200, log.text);
  const byOperator = log.json.events.filter((e) => e.action.startsWith("operator."));
  assert.deepEqual(byOperator.map((e) => e.action).sort(), ["operator.plan", "operator.renames"]);
  for (const e of byOperator) {
    assert.equal(e.actor_profile_id, me.id);
    assert.match(e.detail, new RegExp(`by ${operatorLogin().replace(/[.]/g, "\\.")}`));
  }

  // Actions outside any account: in the service's log.
  const rot = await call("POST", "/operator/signing-keys", { token: op });
  assert.equal(rot.status, 201, rot.text);
  const keyRows = (await auditRows("operator.signing_key")).filter((a) => a.target === rot.json.kid);
  assert.equal(keyRows.length, 1);
  assert.equal(keyRows[0].actor_profile_id, me.id);

  // A message to retry: a pending one (this Worker has no provider configured).
  await call("POST", "/signup", { body: { email: uniqueEmail("op-retry"), password: PASSWORD, first_name: "Retry", last_name: "Me" } });
  const pending = await call("GET", "/operator/outbox?status=pending&limit=5", { token: op });
  assert.equal(pending.status, 200, pending.text);
  const id = pending.json.messages[0].id;
  const before = (await auditRows("operator.outbox_retry")).filter((a) => a.target === id).length;
  assert.equal((await call("POST", `/operator/outbox/${id}/retry`, { token: op })).status, 200);
  const after = (await auditRows("operator.outbox_retry")).filter((a) => a.target === id);
  assert.equal(after.length, before + 1);
  assert.equal(after[0].actor_profile_id, me.id, "the newest first");
  // A refused retry writes no audit row.
  const refused = await call("POST", "/operator/outbox/msg_nope/retry", { token: op });
  assertError(refused, 404, "not_found");
  assert.equal((await auditRows("operator.outbox_retry")).filter((a) => a.target === "msg_nope").length, 0);
});
