// Departments and groups renamed and deleted, names unique among siblings, leaving an account,
// removing the photo.
import test from "node:test";
import assert from "node:assert/strict";
import { call, assertError, newPerson, newAccount, inviteAll, acceptAsNew, uniqueEmail, API } from "./helpers.js";

test("department and group names are unique among siblings; rename and delete keep the people", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Structure Co");
  const base = `/accounts/${acc.id}`;
  const sales = (await call("POST", `${base}/departments`, { token: admin.token, body: { name: "Sales" } })).json;
  const emea = (await call("POST", `${base}/departments`, { token: admin.token, body: { name: "EMEA", parent_id: sales.id } })).json;
  assertError(await call("POST", `${base}/departments`, { token: admin.token, body: { name: " SALES " } }), 409, "name_taken", "name");
  assertError(await call("POST", `${base}/departments`, { token: admin.token, body: { name: "  " } }), 422, "invalid_text", "name");
  const renamed = await call("PATCH", `${base}/departments/${sales.id}`, { token: admin.token, body: { name: "Revenue" } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.json.name, "Revenue");

  const to = uniqueEmail("placed");
  await inviteAll(admin, acc.id, [to], { department_id: sales.id });
  const member = await acceptAsNew(to);
  assert.equal((await call("DELETE", `${base}/departments/${sales.id}`, { token: member.token })).status, 403, "members cannot");
  assert.equal((await call("DELETE", `${base}/departments/${sales.id}`, { token: admin.token })).status, 204);
  const deps = (await call("GET", `${base}/departments`, { token: admin.token })).json.departments;
  assert.deepEqual(deps.map((d) => [d.id, d.parent_id]), [[emea.id, null]], "the sub-department moved up");
  const users = (await call("GET", `${base}/users`, { token: admin.token })).json.users;
  assert.equal(users.find((u) => u.login_email === to).department_id, null, "the person stays, unplaced");
  assert.equal((await call("DELETE", `${base}/departments/${sales.id}`, { token: admin.token })).status, 404);

  const g = (await call("POST", `${base}/groups`, { token: admin.token, body: { name: "Partners" } })).json;
  assertError(await call("POST", `${base}/groups`, { token: admin.token, body: { name: "partners", extranet: true } }), 409, "name_taken", "name");
  const other = (await call("POST", `${base}/groups`, { token: admin.token, body: { name: "Vendors" } })).json;
  assertError(await call("PATCH", `${base}/groups/${other.id}`, { token: admin.token, body: { name: "Partners" } }), 409, "name_taken", "name");
  assert.equal((await call("PATCH", `${base}/groups/${other.id}`, { token: admin.token, body: { name: "Suppliers" } })).json.name, "Suppliers");
  const guest = uniqueEmail("grouped");
  await inviteAll(admin, acc.id, [guest], { group_ids: [g.id] });
  assert.equal((await call("DELETE", `${base}/groups/${g.id}`, { token: admin.token })).status, 204);
  const invs = (await call("GET", `${base}/invitations`, { token: admin.token })).json.invitations;
  assert.deepEqual(invs.find((i) => i.to === guest).group_ids, [], "the pending invitation lost the group");
  const audit = (await call("GET", `${base}/audit`, { token: admin.token })).json.events.map((e) => e.action);
  for (const a of ["department.renamed", "department.deleted", "group.renamed", "group.deleted"]) assert.ok(audit.includes(a), a);
});

test("a member leaves an account; the last admin cannot", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Leavers Inc");
  assertError(await call("POST", `/accounts/${acc.id}/leave`, { token: admin.token }), 409, "last_admin");
  const to = uniqueEmail("leaver");
  await inviteAll(admin, acc.id, [to]);
  const member = await acceptAsNew(to);
  assert.equal((await call("POST", `/accounts/${acc.id}/leave`, { token: member.token })).status, 204);
  assert.equal((await call("GET", "/me", { token: member.token })).json.accounts.length, 0);
  assert.equal((await call("POST", `/accounts/${acc.id}/enter`, { token: member.token })).status, 404);
  const users = (await call("GET", `/accounts/${acc.id}/users?status=dismissed`, { token: admin.token })).json.users;
  assert.ok(users.some((u) => u.login_email === to));
});

test("removing the photo clears it from the profile and the cards that showed it, and its bytes go", async () => {
  const p = await newPerson();
  const acc = await newAccount(p, "Photo Co");
  const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082", "hex");
  const put = await call("PUT", "/me/photo?apply_to_all_accounts=true", { token: p.token, body: new Uint8Array(png), headers: { "Content-Type": "image/png" } });
  assert.equal(put.status, 200, put.text);
  const url = put.json.photo_url;
  const removed = await call("DELETE", "/me/photo", { token: p.token });
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.json.photo_url, null);
  const users = (await call("GET", `/accounts/${acc.id}/users`, { token: p.token })).json.users;
  assert.equal(users[0].photo_url, null);
  assert.equal((await fetch(`${API.replace("/api/v1", "")}${url}`)).status, 404);
  assert.equal((await call("DELETE", "/me/photo", { token: p.token })).status, 200, "removing no photo is fine");
});

test("20 concurrent creations of one department name: exactly one lands, the others answer name_taken", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Race Co");
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    call("POST", `/accounts/${acc.id}/departments`, { token: admin.token, body: { name: i % 2 ? "Finance" : " finance " } })));
  const created = results.filter((r) => r.status === 201);
  assert.equal(created.length, 1, results.map((r) => `${r.status} ${r.text}`).join("\n"));
  for (const r of results.filter((x) => x.status !== 201)) assertError(r, 409, "name_taken", "name");
  const groups = await Promise.all(Array.from({ length: 20 }, () =>
    call("POST", `/accounts/${acc.id}/groups`, { token: admin.token, body: { name: "Board" } })));
  assert.equal(groups.filter((r) => r.status === 201).length, 1);
  assert.equal((await call("GET", `/accounts/${acc.id}/departments`, { token: admin.token })).json.departments.length, 1);
});
