// Cloudflare Email Sending: a Worker with EMAIL_PROVIDER=cloudflare sends through its
// `send_email` binding (wrangler dev's local binding records the message and answers an id).
import test from "node:test";
import assert from "node:assert/strict";
import { call, PASSWORD, uniqueEmail, asOperator } from "../e2e/helpers.js";

test("an email goes out through the send_email binding, once, and its row keeps no secret", async () => {
  const to = uniqueEmail("binding");
  const r = await call("POST", "/signup", { body: { email: to, password: PASSWORD, first_name: "Ada", last_name: "Byron" } });
  assert.equal(r.status, 201, r.text);
  const end = Date.now() + 30_000;
  let row;
  while (Date.now() < end) {
    const list = await asOperator("GET", "/operator/outbox?status=delivered&limit=500");
    assert.equal(list.status, 200, list.text);
    row = list.json.messages.find((m) => m.to === to);
    if (row) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  assert.ok(row, "delivered");
  assert.equal(row.attempts, 1);
  assert.match(row.provider_id, /@/, "the binding's message id");
  const [stored] = (await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`)).json.messages;
  assert.deepEqual([stored.code, stored.body, stored.html], [null, "", ""]);
});
