// Delivery end to end: a Worker whose providers point at the stand-in
// (tests/provider/server.mjs, started by scripts/test.sh with scripts/worker.sh's
// stand_in_vars). Every message must leave the outbox exactly once, whatever the provider does.
import test from "node:test";
import assert from "node:assert/strict";
import { BASE, call, PASSWORD, uniqueEmail, advance, asOperator, newPerson, newAccount, inviteAll } from "../e2e/helpers.js";

const STAND_IN = process.env.NETID_PROVIDER_URL || "http://127.0.0.1:8790";

async function standIn(path, body) {
  const r = await fetch(`${STAND_IN}/_stand-in/${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  assert.equal(r.status, 200);
  return r.json();
}

/** Waits for `check` to answer a truthy value, asking every 200 ms, failing after `ms`. */
async function until(what, check, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function received(to) {
  const r = await standIn("received");
  return [...r.emails, ...r.sms].filter((m) => m.to === to);
}

async function outboxRows(to) {
  const r = await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`);
  assert.equal(r.status, 200, r.text);
  return r.json.messages;
}

async function operatorList(status) {
  const r = await asOperator("GET", `/operator/outbox?status=${status}&limit=500`);
  assert.equal(r.status, 200, r.text);
  return r.json.messages;
}

function signup(to) {
  const body = to.startsWith("+") ? { phone: to } : { email: to };
  return call("POST", "/signup", { body: { ...body, password: PASSWORD, first_name: "Ada", last_name: "Byron" } });
}

const codeIn = (text) => (text.match(/\b(\d{6})\b/) || [])[1];

test.beforeEach(async () => {
  await standIn("reset", {});
});

test("an email leaves once, with its code in the text and the HTML, and its row keeps no secret", async () => {
  const to = uniqueEmail("deliv");
  assert.equal((await signup(to)).status, 201);
  const [mail, ...more] = await until("the signup email", async () => ((await received(to)).length ? received(to) : null));
  assert.equal(more.length, 0);
  const code = codeIn(mail.text);
  assert.ok(code, mail.text);
  assert.ok(mail.html.includes(`>${code}</p>`), "the code stands out in the HTML");
  assert.equal(mail.from, "netid-test@netid.invalid");
  const row = await until("the row delivered", async () => (await outboxRows(to)).find((m) => m.status === "delivered"));
  assert.equal(mail.key, row.id, "the row id is the idempotency key");
  assert.deepEqual([row.code, row.link, row.token, row.body, row.html], [null, null, null, "", ""]);
  const confirmed = await call("POST", "/signup/confirm", { body: { email: to, code } });
  assert.equal(confirmed.status, 200, confirmed.text);
});

test("an SMS leaves once, fits one segment, and its code confirms the phone", async () => {
  const to = `+4851${String(Date.now()).slice(-7)}`;
  assert.equal((await signup(to)).status, 201);
  const [sms] = await until("the signup SMS", async () => ((await received(to)).length ? received(to) : null));
  assert.ok(sms.body.length <= 160 && /^[\x20-\x7e]*$/.test(sms.body), sms.body);
  const confirmed = await call("POST", "/signup/confirm", { body: { phone: to, code: codeIn(sms.body) } });
  assert.equal(confirmed.status, 200, confirmed.text);
});

test("200 signups while a third of the provider's calls fail: every code arrives exactly once", async (t) => {
  await standIn("faults", { rate: 1 / 3, modes: ["500", "429", "timeout", "lost"], hold_ms: 2500 });
  const tag = Date.now().toString(36);
  const addresses = Array.from({ length: 200 }, (_, i) =>
    i % 10 === 9 ? `+4860${String(i).padStart(3, "0")}${String(Date.now()).slice(-4)}` : `burst${i}.${tag}@example.com`,
  );
  // Bounded concurrency: each signup hashes a password, and the dev proxy restarts the
  // Worker under too much CPU (that 503 is the tool's, not netid's).
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < addresses.length) {
        const to = addresses[next++];
        const r = await signup(to);
        assert.equal(r.status, 201, `${to}: ${r.text}`);
      }
    }),
  );
  await until(
    "nothing pending or being sent",
    async () => (await operatorList("pending")).length + (await operatorList("sending")).length === 0,
    180_000,
  );
  const stats = await standIn("stats");
  for (const mode of ["500", "429", "timeout", "lost"]) assert.ok(stats.failures[mode] > 0, `no ${mode} injected: ${JSON.stringify(stats)}`);
  // What ran out of attempts is visible to the operator and goes out on retry.
  await standIn("faults", {});
  const failed = await operatorList("failed");
  t.diagnostic(`provider calls ${stats.calls}, injected failures ${JSON.stringify(stats.failures)}, failed after all attempts ${failed.length}`);
  for (const m of failed) {
    const r = await asOperator("POST", `/operator/outbox/${m.id}/retry`);
    assert.equal(r.status, 200, r.text);
  }
  await until("the retries done", async () => (await operatorList("pending")).length + (await operatorList("sending")).length === 0, 60_000);
  const all = await standIn("received");
  const count = new Map();
  for (const m of [...all.emails, ...all.sms]) count.set(m.to, (count.get(m.to) || 0) + 1);
  const wrong = addresses.filter((a) => count.get(a) !== 1).map((a) => `${a}: ${count.get(a) || 0}`);
  assert.deepEqual(wrong, [], "every signup's code exactly once");
  const sample = addresses[0];
  const code = codeIn(all.emails.find((m) => m.to === sample).text);
  assert.equal((await call("POST", "/signup/confirm", { body: { email: sample, code } })).status, 200);
});

test("a message that keeps failing ends failed, is listed for the operator, and goes out once on retry", async () => {
  const to = uniqueEmail("stubborn");
  await standIn("faults", { fail_to: [to] });
  assert.equal((await signup(to)).status, 201);
  const failed = await until("the message failed", async () => (await operatorList("failed")).find((m) => m.to === to), 60_000);
  assert.equal(failed.attempts, 5);
  assert.equal(failed.last_error, "http 500 internal_server_error");
  assert.equal(failed.kind, "signup_code");
  assert.ok(!("code" in failed) && !("body" in failed), "the operator never sees a code or a body");
  assert.equal((await received(to)).length, 0);

  await standIn("faults", {});
  const retried = await asOperator("POST", `/operator/outbox/${failed.id}/retry`);
  assert.equal(retried.status, 200, retried.text);
  assert.equal(retried.json.status, "pending");
  await until("delivered on retry", async () => (await received(to)).length === 1);
  await until("the row delivered", async () => (await outboxRows(to))[0].status === "delivered");
  const again = await asOperator("POST", `/operator/outbox/${failed.id}/retry`);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, "message_not_retryable");
  assert.equal((await asOperator("POST", "/operator/outbox/msg_nope/retry")).status, 404);
  assert.equal((await call("POST", `/operator/outbox/${failed.id}/retry`)).status, 401);
  assert.equal((await call("GET", "/operator/outbox?status=failed", { token: "x".repeat(40) })).status, 401);
  assert.equal((await asOperator("GET", "/operator/outbox?status=lost")).status, 400);
});

test("an address the provider refuses for good fails at the first attempt", async () => {
  const to = uniqueEmail("refused");
  await standIn("faults", { refuse_to: [to] });
  assert.equal((await signup(to)).status, 201);
  const failed = await until("the message failed", async () => (await operatorList("failed")).find((m) => m.to === to), 30_000);
  assert.equal(failed.attempts, 1);
  assert.match(failed.last_error, /^http 422/);
});

test("a crash between the commit and the enqueue loses nothing: the sweep sends the message", async () => {
  const armed = await call("POST", "/dev/faults", { body: { target: "relay" } });
  assert.equal(armed.status, 200, armed.text);
  const to = uniqueEmail("orphan");
  const r = await signup(to);
  assert.equal(r.status, 201);
  assert.equal(r.headers.get("x-netid-fault"), "fired");
  const [row] = await outboxRows(to);
  assert.deepEqual([row.status, row.attempts], ["pending", 0], "committed, never handed over");
  await advance(61);
  const sweep = await fetch(`${BASE}/__scheduled?cron=*+*+*+*+*`);
  assert.equal(sweep.status, 200);
  await until("the sweep's delivery", async () => (await received(to)).length === 1);
  await until("the row delivered", async () => (await outboxRows(to))[0].status === "delivered");
});

test("an invitation email shows the account's name as text and the link as its one button", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "<b>Acme</b> pay.example.com");
  const to = uniqueEmail("invited");
  await inviteAll(admin, acc.id, [to]);
  const [mail] = await until("the invitation", async () => ((await received(to)).length ? received(to) : null));
  assert.ok(!mail.html.includes("<b>") && mail.html.includes("&lt;b&gt;Acme"), "escaped");
  assert.ok(!mail.html.includes("pay.example.com") && !mail.text.includes("pay.example.com"), "not a domain a client would link");
  const hrefs = [...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(hrefs.length, 1);
  const token = hrefs[0].split("/#/invite/")[1];
  assert.equal((await call("GET", `/invitations/${token}`)).status, 200, "the link is the live invitation");
});
