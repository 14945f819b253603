import { test } from "node:test";
import assert from "node:assert/strict";
import {
  call, assertError, lastMessage, newPerson, uniqueEmail, PASSWORD, newAccount, inviteAll, acceptAsNew, operatorToken,
} from "./helpers.js";

test("accounts: create (random name), list, get, 404 for non-members, limit of 7", async () => {
  const a = await newPerson();
  const random = await newAccount(a);
  assert.match(random.name, /\S/);
  assert.equal(random.role, "admin");
  assert.equal(random.type, "employee");
  assert.equal(random.plan, "free");
  assert.equal(random.renames_left, 1);
  const named = await newAccount(a, "Acme Łódź");
  assert.match(named.address, /^acme-lodz/);
  const list = await call("GET", "/accounts", { token: a.token });
  assert.deepEqual(list.json.accounts.map((x) => x.id).sort(), [random.id, named.id].sort());
  assert.equal((await call("GET", `/accounts/${named.id}`, { token: a.token })).json.name, "Acme Łódź");
  const b = await newPerson();
  assertError(await call("GET", `/accounts/${named.id}`, { token: b.token }), 404, "not_found");
  assertError(await call("GET", `/accounts/acc_missing`, { token: a.token }), 404, "not_found");
  assertError(await call("POST", "/accounts", { token: a.token, body: { name: "" } }), 422, "invalid_account_name", "name");
  assertError(await call("POST", "/accounts", { token: a.token, body: { name: 5 } }), 400, "invalid_request");
  for (let i = 3; i <= 7; i++) await newAccount(a, `Team ${i}`);
  assertError(await call("POST", "/accounts", { token: a.token, body: { name: "Eighth" } }), 409, "account_limit_reached");
  assert.equal((await call("GET", "/me", { token: a.token })).json.accounts.length, 7);
  assertError(await call("DELETE", "/me", { token: a.token, body: { password: PASSWORD } }), 409, "profile_has_accounts");
});

test("rename: admins only, once; more renames from the operator on paid plans", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "First");
  await inviteAll(admin, acc.id, [uniqueEmail("member")]);
  const member = await newPerson();
  await inviteAll(admin, acc.id, [member.email]);
  const msg = await lastMessage(member.email, "invitation");
  assert.equal((await call("POST", `/invitations/${msg.token}/accept`, { token: member.token, body: {} })).status, 200);
  assertError(await call("PATCH", `/accounts/${acc.id}`, { token: member.token, body: { name: "Mine" } }), 403, "not_account_admin");
  const r = await call("PATCH", `/accounts/${acc.id}`, { token: admin.token, body: { name: "Second" } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.renames_left, 0);
  assertError(await call("PATCH", `/accounts/${acc.id}`, { token: admin.token, body: { name: "Third" } }), 409, "rename_limit_reached");

  const operator = await operatorToken();
  const op = (method, path, body, token = operator) => call(method, path, { body, token });
  assertError(await op("POST", `/operator/accounts/${acc.id}/renames`, { grant: 1 }, "wrong-token-wrong-token"), 401, "unauthenticated");
  assertError(await call("PUT", `/operator/accounts/${acc.id}/plan`, { body: { plan: "standard" } }), 401, "unauthenticated");
  assertError(await call("PUT", `/operator/accounts/${acc.id}/plan`, { token: admin.token, body: { plan: "standard" } }), 403, "forbidden");
  assertError(await op("POST", `/operator/accounts/${acc.id}/renames`, { grant: 1 }), 409, "plan_required");
  assertError(await op("PUT", `/operator/accounts/${acc.id}/plan`, { plan: "platinum" }), 400, "invalid_request");
  assertError(await op("PUT", `/operator/accounts/acc_missing/plan`, { plan: "standard" }), 404, "not_found");
  const plan = await op("PUT", `/operator/accounts/${acc.id}/plan`, { plan: "professional" });
  assert.equal(plan.status, 200, plan.text);
  assert.equal(plan.json.plan, "professional");
  const grant = await op("POST", `/operator/accounts/${acc.id}/renames`, { grant: 2 });
  assert.equal(grant.json.renames_left, 2);
  assert.equal((await call("PATCH", `/accounts/${acc.id}`, { token: admin.token, body: { name: "Third" } })).json.renames_left, 1);
});

test("enter switches the session's account; login with account_id enters it", async () => {
  const a = await newPerson();
  const acc = await newAccount(a, "Switch");
  const r = await call("POST", `/accounts/${acc.id}/enter`, { token: a.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.account.id, acc.id);
  assert.equal(r.json.membership.role, "admin");
  assert.equal((await call("GET", "/session", { token: a.token })).json.account_id, acc.id);
  const l = await call("POST", "/login", { body: { login: a.email, password: PASSWORD, account_id: acc.id } });
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.account_id, acc.id);
  const b = await newPerson();
  assertError(await call("POST", `/accounts/${acc.id}/enter`, { token: b.token }), 404, "not_found");
  assertError(await call("DELETE", `/accounts/${acc.id}`, { token: b.token }), 404, "not_found");
  assert.equal((await call("DELETE", `/accounts/${acc.id}`, { token: a.token })).status, 204);
  assertError(await call("GET", `/accounts/${acc.id}`, { token: a.token }), 404, "not_found");
  assert.equal((await call("DELETE", "/me", { token: a.token, body: { password: PASSWORD } })).status, 204, "no account left");
});

test("invitations: up to 5 with names, per-address results, bound to a department and group", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Inviters");
  const dep = await call("POST", `/accounts/${acc.id}/departments`, { token: admin.token, body: { name: "Sales" } });
  assert.equal(dep.status, 201, dep.text);
  const grp = await call("POST", `/accounts/${acc.id}/groups`, { token: admin.token, body: { name: "Marketing", extranet: false } });
  assert.equal(grp.status, 201, grp.text);
  const six = Array.from({ length: 6 }, () => ({ email: uniqueEmail() }));
  assertError(await call("POST", `/accounts/${acc.id}/invitations`, { token: admin.token, body: { invitees: six } }), 422, "too_many_invitees");
  const ann = uniqueEmail("ann");
  const r = await call("POST", `/accounts/${acc.id}/invitations`, {
    token: admin.token,
    lang: "pl",
    body: {
      invitees: [{ email: ann, first_name: "Ann", last_name: "Lee" }, { email: "bad@" }, { email: admin.email }, { email: ann.toUpperCase() }],
      department_id: dep.json.id,
      group_ids: [grp.json.id],
    },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.results.map((x) => x.status), ["sent", "invalid", "already_member"]);
  assert.equal(r.json.results[1].error.code, "invalid_email");
  assert.match(r.json.results[1].error.message, /adres e-mail/);
  assert.ok(r.json.results[0].invitation_id);
  assert.equal((await inviteAll(admin, acc.id, [ann]))[0].status, "already_invited");
  const msg = await lastMessage(ann, "invitation");
  assert.match(msg.link, /\/#\/invite\//);
  assert.match(msg.body, /Inviters/);
  const users = await call("GET", `/accounts/${acc.id}/users?status=invited`, { token: admin.token });
  assert.equal(users.json.users.length, 1);
  assert.equal(users.json.users[0].department_id, dep.json.id);
  assert.deepEqual(users.json.users[0].group_ids, [grp.json.id]);
  assert.equal(users.json.users[0].first_name, "Ann");
  assertError(await call("POST", `/accounts/${acc.id}/invitations`, { token: admin.token, body: { invitees: [{ email: uniqueEmail() }], group_ids: ["grp_nope"] } }), 404, "not_found", "group_ids");
  const list = await call("GET", `/accounts/${acc.id}/invitations`, { token: admin.token });
  assert.equal(list.json.invitations[0].status, "pending");
  assert.equal(list.json.invitations[0].to, ann);
  const info = await call("GET", `/invitations/${msg.token}`);
  assert.equal(info.status, 200, info.text);
  assert.equal(info.json.account.name, "Inviters");
  assert.equal(info.json.needs_registration, true);
  const joined = await acceptAsNew(ann, "Ann", "Lee");
  assert.equal(joined.account.id, acc.id);
  assert.equal(joined.profile.email_confirmed, true);
  assert.equal((await call("POST", "/login", { body: { login: ann, password: PASSWORD } })).status, 200);
  const active = await call("GET", `/accounts/${acc.id}/users?status=active`, { token: admin.token });
  assert.ok(active.json.users.some((u) => u.login_email === ann && u.department_id === dep.json.id));
});

test("mass invitation: spaces, commas, new lines; deduplicated; one result per address", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Mass");
  const [x, y] = [uniqueEmail("x"), uniqueEmail("y")];
  const r = await call("POST", `/accounts/${acc.id}/invitations/mass`, { token: admin.token, body: { emails: `${x} ${y},${x.toUpperCase()}\nnope ${admin.email}` } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.results.map((e) => [e.to, e.status]), [[x, "sent"], [y, "sent"], ["nope", "invalid"], [admin.email, "already_member"]]);
  const many = Array.from({ length: 101 }, (_, i) => `m${i}@example.com`).join(" ");
  assertError(await call("POST", `/accounts/${acc.id}/invitations/mass`, { token: admin.token, body: { emails: many } }), 422, "too_many_addresses");
  // A new person fills in their own name on joining.
  const msg = await lastMessage(y, "invitation");
  assertError(await call("POST", `/invitations/${msg.token}/accept`, { body: { password: PASSWORD } }), 422, "invalid_name", "first_name");
  assertError(await call("POST", `/invitations/${msg.token}/accept`, { body: { password: "short", first_name: "Yan", last_name: "Y" } }), 422, "weak_password", "password");
  assert.equal((await acceptAsNew(y, "Yan", "Yu")).profile.first_name, "Yan");
});

test("resend kills the old link; revoke; expiry after 7 days is 410", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Links");
  const to = uniqueEmail("late");
  const [res] = await inviteAll(admin, acc.id, [to]);
  const old = await lastMessage(to, "invitation");
  const re = await call("POST", `/accounts/${acc.id}/invitations/${res.invitation_id}/resend`, { token: admin.token });
  assert.equal(re.status, 200, re.text);
  const fresh = await lastMessage(to, "invitation");
  assert.notEqual(fresh.token, old.token);
  assertError(await call("GET", `/invitations/${old.token}`), 404, "not_found");
  assert.equal((await call("GET", `/invitations/${fresh.token}`)).status, 200);
  assert.equal((await call("DELETE", `/accounts/${acc.id}/invitations/${res.invitation_id}`, { token: admin.token })).status, 204);
  assertError(await call("GET", `/invitations/${fresh.token}`), 404, "not_found");
  assertError(await call("POST", `/invitations/${fresh.token}/accept`, { body: { password: PASSWORD, first_name: "A", last_name: "B" } }), 404, "not_found");
  assertError(await call("GET", `/invitations/not-a-token`), 404, "not_found");
});

test("an existing profile accepts only when logged in as itself", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Known");
  const known = await newPerson();
  const other = await newPerson();
  await inviteAll(admin, acc.id, [known.email]);
  const msg = await lastMessage(known.email, "invitation");
  assert.equal((await call("GET", `/invitations/${msg.token}`)).json.needs_registration, false);
  assertError(await call("POST", `/invitations/${msg.token}/accept`, { body: { password: PASSWORD } }), 401, "unauthenticated");
  assertError(await call("POST", `/invitations/${msg.token}/accept`, { token: other.token, body: {} }), 403, "forbidden");
  const ok = await call("POST", `/invitations/${msg.token}/accept`, { token: known.token, body: {} });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.account.id, acc.id);
  assert.equal(ok.json.session, undefined);
  assert.ok((await call("GET", "/accounts", { token: known.token })).json.accounts.some((a) => a.id === acc.id));
});

test("permission probes: non-member, plain user, extranet user, admin", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Probe");
  const internal = (await call("POST", `/accounts/${acc.id}/groups`, { token: admin.token, body: { name: "Internal", extranet: false } })).json;
  const project = (await call("POST", `/accounts/${acc.id}/groups`, { token: admin.token, body: { name: "Project", extranet: true } })).json;
  const hidden = (await call("POST", `/accounts/${acc.id}/groups`, { token: admin.token, body: { name: "Other project", extranet: true } })).json;
  // extranet needs only extranet groups
  const ext = uniqueEmail("partner");
  assertError(await call("POST", `/accounts/${acc.id}/invitations`, { token: admin.token, body: { invitees: [{ email: ext }], extranet: true, group_ids: [internal.id] } }), 422, "extranet_requires_extranet_group");
  assertError(await call("POST", `/accounts/${acc.id}/invitations`, { token: admin.token, body: { invitees: [{ email: ext }], extranet: true } }), 422, "extranet_requires_extranet_group");
  await inviteAll(admin, acc.id, [ext], { extranet: true, group_ids: [project.id] });
  const partner = await acceptAsNew(ext, "Pat", "Partner");
  assert.equal(partner.account.type, "extranet");
  const userEmail = uniqueEmail("user");
  await inviteAll(admin, acc.id, [userEmail]);
  const user = await acceptAsNew(userEmail, "Uma", "User");
  const outsider = await newPerson();

  const base = `/accounts/${acc.id}`;
  const adminOnly = [
    ["POST", `${base}/invitations`, { invitees: [{ email: uniqueEmail() }] }],
    ["POST", `${base}/invitations/mass`, { emails: uniqueEmail() }],
    ["GET", `${base}/invitations`],
    ["POST", `${base}/users`, { first_name: "A", last_name: "B", email: uniqueEmail() }],
    ["POST", `${base}/departments`, { name: "D" }],
    ["POST", `${base}/groups`, { name: "G", extranet: false }],
    ["PATCH", base, { name: "Hijack" }],
    ["DELETE", base],
  ];
  for (const [method, path, body] of adminOnly) {
    assertError(await call(method, path, { token: user.token, body }), 403, "not_account_admin");
    assertError(await call(method, path, { token: partner.token, body }), 404, "not_found");
    assertError(await call(method, path, { token: outsider.token, body }), 404, "not_found");
  }
  for (const path of [`${base}/users`, `${base}/departments`]) {
    assert.equal((await call("GET", path, { token: user.token })).status, 200);
    assertError(await call("GET", path, { token: partner.token }), 404, "not_found");
    assertError(await call("GET", path, { token: outsider.token }), 404, "not_found");
  }
  const seen = await call("GET", `${base}/groups`, { token: partner.token });
  assert.deepEqual(seen.json.groups.map((g) => g.id), [project.id], "extranet sees only its groups");
  assert.equal((await call("GET", `${base}/groups`, { token: user.token })).json.groups.length, 3);
  assertError(await call("GET", `${base}/groups`, { token: outsider.token }), 404, "not_found");
  assert.equal((await call("GET", base, { token: partner.token })).json.type, "extranet");
  assert.ok(hidden.id);
});

test("register and add users; edit cards; dismiss ends access at once", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "People");
  const base = `/accounts/${acc.id}`;
  const dep = (await call("POST", `${base}/departments`, { token: admin.token, body: { name: "Ops" } })).json;
  const sub = await call("POST", `${base}/departments`, { token: admin.token, body: { name: "Ops EU", parent_id: dep.id } });
  assert.equal(sub.json.parent_id, dep.id);
  assertError(await call("POST", `${base}/departments`, { token: admin.token, body: { name: "Orphan", parent_id: "dep_nope" } }), 404, "not_found", "parent_id");
  const deps = await call("GET", `${base}/departments`, { token: admin.token });
  assert.equal(deps.json.departments.length, 2);

  const olgaEmail = uniqueEmail("olga");
  const added = await call("POST", `${base}/users`, {
    token: admin.token,
    body: { first_name: "Olga", last_name: "Ivanova", email: olgaEmail, position: "Engineer", department_id: dep.id, password: "granite-orchid-42", personal: { gender: "f", birthday: "1990-04-01" } },
  });
  assert.equal(added.status, 201, added.text);
  assert.equal(added.json.status, "active");
  assert.equal(added.json.position, "Engineer");
  const details = await lastMessage(olgaEmail, "login_details");
  assert.equal(details.channel, "email");
  // The admin proved nothing: the owner confirms the address, then replaces the admin's password.
  assertError(await call("POST", "/login", { body: { login: olgaEmail, password: "granite-orchid-42" } }), 403, "email_unconfirmed");
  const confirm = await call("POST", "/signup/confirm", { body: { email: olgaEmail, code: (await lastMessage(olgaEmail, "signup_code")).code } });
  assert.equal(confirm.status, 200, confirm.text);
  assert.equal(confirm.json.profile.password_change_required, true);
  assertError(await call("GET", "/accounts", { token: confirm.json.token }), 403, "password_change_required");
  const changed = await call("POST", "/me/password", { token: confirm.json.token, body: { current_password: "granite-orchid-42", new_password: "olga-own-meadow-7" } });
  assert.equal(changed.status, 204, changed.text);
  assert.equal((await call("GET", "/accounts", { token: confirm.json.token })).status, 200);
  const olga = await call("POST", "/login", { body: { login: olgaEmail, password: "olga-own-meadow-7", account_id: acc.id } });
  assert.equal(olga.status, 200, olga.text);
  assertError(await call("POST", `${base}/users`, { token: admin.token, body: { first_name: "Dup", last_name: "Dup", email: olgaEmail, password: "granite-orchid-42" } }), 409, "email_taken");
  assertError(await call("POST", `${base}/users`, { token: admin.token, body: { first_name: "Bad", last_name: "Mail", email: "bad" } }), 422, "invalid_email", "email");

  const piotrEmail = uniqueEmail("piotr");
  const reg = await call("POST", `${base}/users`, { token: admin.token, body: { first_name: "Piotr", last_name: "Nowak", email: piotrEmail } });
  assert.equal(reg.status, 201, reg.text);
  assert.equal(reg.json.status, "invited");
  const piotr = await acceptAsNew(piotrEmail, "Piotr", "Nowak");

  const edit = await call("PATCH", `${base}/users/${added.json.id}`, { token: admin.token, body: { position: "Lead", role: "admin" } });
  assert.equal(edit.status, 200, edit.text);
  assert.equal(edit.json.role, "admin");
  assertError(await call("PATCH", `${base}/users/${added.json.id}`, { token: admin.token, body: { role: "owner" } }), 400, "invalid_request");
  assertError(await call("PATCH", `${base}/users/usr_nope`, { token: admin.token, body: { position: "X" } }), 404, "not_found");

  const dis = await call("POST", `${base}/users/${piotr.session.profile.id ? reg.json.id : reg.json.id}/dismiss`, { token: admin.token });
  assert.equal(dis.status, 200, dis.text);
  assert.equal(dis.json.status, "dismissed");
  assertError(await call("GET", base, { token: piotr.token }), 404, "not_found");
  assertError(await call("POST", `${base}/enter`, { token: piotr.token }), 404, "not_found");
  assert.ok(!(await call("GET", "/accounts", { token: piotr.token })).json.accounts.some((a) => a.id === acc.id));
  const dismissed = await call("GET", `${base}/users?status=dismissed&type=employee`, { token: admin.token });
  assert.deepEqual(dismissed.json.users.map((u) => u.first_name), ["Piotr"]);
  const edited = await call("PATCH", `${base}/users/${reg.json.id}`, { token: admin.token, body: { contact_email: uniqueEmail("former") } });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.json.status, "dismissed");
  assertError(await call("GET", `${base}/users?status=zombie`, { token: admin.token }), 400, "invalid_request", "status");
});

test("seed 004: a dismissed employee comes back as an extranet user", async () => {
  const admin = await newPerson();
  const acc = await newAccount(admin, "Firm");
  const base = `/accounts/${acc.id}`;
  const project = (await call("POST", `${base}/groups`, { token: admin.token, body: { name: "Client project", extranet: true } })).json;
  const old = uniqueEmail("emp");
  await inviteAll(admin, acc.id, [old]);
  const emp = await acceptAsNew(old, "Emil", "Employee");
  const card = (await call("GET", `${base}/users?status=active`, { token: admin.token })).json.users.find((u) => u.login_email === old);

  // Dismiss; the old address is still bound.
  assert.equal((await call("POST", `${base}/users/${card.id}/dismiss`, { token: admin.token })).status, 200);
  const extranet = { extranet: true, group_ids: [project.id] };
  assert.equal((await inviteAll(admin, acc.id, [old], extranet))[0].status, "email_taken");

  // The person changes their network email.
  const fresh = uniqueEmail("emil-private");
  assert.equal((await call("POST", "/me/email", { token: emp.token, body: { email: fresh, password: PASSWORD } })).status, 202);
  const code = (await lastMessage(fresh, "email_change_code")).code;
  assert.equal((await call("POST", "/me/email/confirm", { token: emp.token, body: { email: fresh, code } })).status, 200);
  assert.equal((await inviteAll(admin, acc.id, [old], extranet))[0].status, "email_taken", "still the card's contact email");

  // The admin edits the dismissed card's contact email; now the old address can be invited.
  const edit = await call("PATCH", `${base}/users/${card.id}`, { token: admin.token, body: { contact_email: fresh } });
  assert.equal(edit.status, 200, edit.text);
  const [sent] = await inviteAll(admin, acc.id, [old], extranet);
  assert.equal(sent.status, "sent");
  const back = await acceptAsNew(old, "Emil", "Extern");
  assert.equal(back.account.type, "extranet");
  assert.notEqual(back.profile.id, emp.profile.id);
  const groups = await call("GET", `${base}/groups`, { token: back.token });
  assert.deepEqual(groups.json.groups.map((g) => g.id), [project.id]);
});

test("apply_to_all_accounts reaches the person's card in every account", async () => {
  const a = await newPerson();
  const one = await newAccount(a, "One");
  const two = await newAccount(a, "Two");
  await call("PATCH", "/me", { token: a.token, body: { first_name: "Everywhere", apply_to_all_accounts: true } });
  for (const acc of [one, two]) {
    const users = await call("GET", `/accounts/${acc.id}/users`, { token: a.token });
    assert.equal(users.json.users[0].first_name, "Everywhere");
  }
  await call("PATCH", "/me", { token: a.token, body: { first_name: "OnlyHere" } });
  const users = await call("GET", `/accounts/${one.id}/users`, { token: a.token });
  assert.equal(users.json.users[0].first_name, "Everywhere");
});
