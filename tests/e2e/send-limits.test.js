// Send limits: an account or an address cannot be used to pump messages (SMS pumping through
// invitations), and the counters hold under concurrency: a request and its messages land
// within the limit or not at all.
import test from "node:test";
import assert from "node:assert/strict";
import { call, assertError, newPerson, newAccount, uniqueEmail, advance, PASSWORD } from "./helpers.js";

test("25 concurrent invitations of 5 phones each: exactly the account's 100 SMS a day go out", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Pump test");
  const base = 600000000 + Math.floor(Math.random() * 300000) * 100;
  const batches = Array.from({ length: 25 }, (_, b) =>
    Array.from({ length: 5 }, (_, k) => ({ phone: `+48${base + b * 5 + k}` })),
  );
  const results = await Promise.all(
    batches.map((invitees) => call("POST", `/accounts/${acc.id}/invitations`, { token: admin.token, body: { invitees } })),
  );
  const ok = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status === 429);
  assert.equal(ok.length + refused.length, 25, results.map((r) => `${r.status} ${r.text}`).join("\n"));
  assert.equal(ok.length, 20, "100 SMS, not one more");
  for (const r of refused) assertError(r, 429, "send_limit_reached");
  const list = await call("GET", `/accounts/${acc.id}/invitations`, { token: admin.token });
  assert.equal(list.json.invitations.filter((i) => i.to.startsWith("+")).length, 100, "no invitation without its message");
  // Email has its own budget; the limit is per day.
  const mail = await call("POST", `/accounts/${acc.id}/invitations`, { token: admin.token, body: { invitees: [{ email: uniqueEmail("budget") }] } });
  assert.equal(mail.status, 200, mail.text);
  await advance(24 * 3600);
  const login = await call("POST", "/login", { body: { login: admin.email, password: PASSWORD } });
  assert.equal(login.status, 200, login.text);
  const next = await call("POST", `/accounts/${acc.id}/invitations`, { token: login.json.token, body: { invitees: [{ phone: `+48${base + 999}` }] } });
  assert.equal(next.status, 200, next.text);
});

test("one address gets at most 20 requested messages a day, refused in the person's language", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Resend test");
  const to = uniqueEmail("target");
  const inv = await call("POST", `/accounts/${acc.id}/invitations`, { token: admin.token, body: { invitees: [{ email: to }] } });
  assert.equal(inv.status, 200, inv.text);
  const id = inv.json.results[0].invitation_id;
  for (let i = 0; i < 19; i++) {
    const r = await call("POST", `/accounts/${acc.id}/invitations/${id}/resend`, { token: admin.token });
    assert.equal(r.status, 200, `resend ${i + 2}: ${r.text}`);
  }
  const refused = await call("POST", `/accounts/${acc.id}/invitations/${id}/resend`, { token: admin.token, lang: "pl" });
  assertError(refused, 429, "send_limit_reached");
  assert.match(refused.json.error.message, /Dziś wysłano zbyt wiele wiadomości/);
  const messages = await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`);
  assert.equal(messages.json.messages.length, 20);
});

test("resending a signup code: a new code replaces the old one; unknown or confirmed addresses answer alike and get nothing", async () => {
  const to = uniqueEmail("resend");
  const s = await call("POST", "/signup", { body: { email: to, password: PASSWORD, first_name: "Re", last_name: "Send" } });
  assert.equal(s.status, 201, s.text);
  const first = (await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`)).json.messages[0].code;
  const r = await call("POST", "/signup/resend", { body: { email: to } });
  assert.equal(r.status, 202, r.text);
  const messages = (await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`)).json.messages;
  assert.equal(messages.length, 2);
  const second = messages[0].code;
  assertError(await call("POST", "/signup/confirm", { body: { email: to, code: first } }), 422, "invalid_code");
  assert.equal((await call("POST", "/signup/confirm", { body: { email: to, code: second } })).status, 200);
  // Confirmed now: a resend answers the same and sends nothing.
  assert.equal((await call("POST", "/signup/resend", { body: { email: to } })).status, 202);
  assert.equal((await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`)).json.messages.length, 2);
  const nobody = uniqueEmail("nobody");
  assert.equal((await call("POST", "/signup/resend", { body: { email: nobody } })).status, 202);
  assert.equal((await call("GET", `/dev/outbox?to=${encodeURIComponent(nobody)}`)).json.messages.length, 0);
  assertError(await call("POST", "/signup/resend", { body: { email: "" } }), 422, "invalid_email", "email");
});
