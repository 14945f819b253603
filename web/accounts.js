// Accounts: the account area in tabs (People, Invitations, Departments and groups, Settings,
// Audit) with "Invite" as a dialog, and the invitation acceptance page.
import {
  validateEmail, validateLogin, validateName, validatePassword, validateAccountName, validateSiblingName, parseInvitees, message,
} from "/vendor/netid-client/netid_client.js";
import {
  lang, t, h, field, showErrors, api, apiError, busy, card, go, render, select, resultList, toast, empty,
  confirmDialog, modal, strengthMeter, count,
} from "/ui.js";

const PAGE = 20;
const TABS = ["people", "invitations", "structure", "apps", "settings", "audit"];

const when = (iso) => (iso ? new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" }) : "");
const typeLabel = (a) => (a.type === "extranet" ? t("type_extranet") : t(`plan_${a.plan}`));

export async function accountView(id, me) {
  if (!me) { sessionStorage.setItem("netid.return", location.hash); go("#/login"); return h("div"); }
  let entered;
  try { entered = await api("POST", `/accounts/${id}/enter`); }
  catch (err) {
    if (err.status === 401) { go("#/login"); return h("div"); }
    // The workspace requires two-step of this member: the way to set it up, then back here.
    if (err.code === "two_factor_required") {
      sessionStorage.setItem("netid.return", location.hash);
      return card(h("h1", { id: "two-step-needed", text: t("policy_needs_title") }), h("p", { class: "muted", text: err.apiMessage }),
        h("a", { class: "button", id: "to-security", href: "#/security", text: t("policy_to_security") }));
    }
    // Not a member (any more), or no such workspace: said alike (the API does not tell which),
    // with the way back.
    if (err.status === 404 || err.status === 403) {
      return card(h("h1", { id: "workspace-closed", text: t("workspace_closed_title") }), h("p", { class: "muted", text: t("workspace_closed_body") }),
        h("a", { class: "button", href: "#/profile", text: t("to_profile") }));
    }
    throw err;
  }
  const { account, membership } = entered;
  const admin = account.role === "admin" && account.type === "employee";
  const extranet = account.type === "extranet";
  const base = `/accounts/${id}`;
  const [groups, departments] = await Promise.all([
    api("GET", `${base}/groups`).then((r) => r.groups),
    extranet ? Promise.resolve([]) : api("GET", `${base}/departments`).then((r) => r.departments),
  ]);
  const ctx = { id, base, account, membership, admin, extranet, groups, departments };
  const visible = TABS.filter((tab) => (tab === "people" ? !extranet : ["invitations", "apps", "audit"].includes(tab) ? admin : true));
  const asked = location.hash.split("?")[0].split("/")[3];
  const tab = visible.includes(asked) ? asked : visible[0];

  const inviteBtn = admin ? h("button", { type: "button", id: "open-invite", text: t("invite"), onclick: () => openInvite(ctx) }) : null;
  // The workspace's own app, signed in through netid without a password (initiate-login URI).
  const appLink = entered.app_url ? h("a", { class: "button secondary", id: "open-app", href: entered.app_url, text: t("open_app") }) : null;
  const header = card(
    h("div", { class: "row spread" },
      h("div", {}, h("h1", { id: "account-name", text: account.name }),
        h("div", { class: "muted" }, account.address, " ", h("span", { class: "badge", text: t(account.role) }), " ", h("span", { class: "badge", text: typeLabel(account) }))),
      h("div", { class: "row" }, appLink, inviteBtn)),
    h("nav", { class: "tabs", "aria-label": t("account_sections") }, visible.map((name) => h("a", {
      href: `#/account/${id}/${name}`, id: `tab-${name}`, "aria-current": name === tab ? "page" : null, text: t(`tab_${name}`),
    }))));
  const panel = h("section", { class: "card", id: `panel-${tab}`, "aria-labelledby": `tab-${tab}` });
  const views = { people: peoplePanel, invitations: invitationsPanel, structure: structurePanel, apps: appsPanel, settings: settingsPanel, audit: auditPanel };
  panel.append(await views[tab](ctx));
  return h("div", {}, header, panel);
}

// ---------- invite dialog ----------

function groupChecks(ctx, prefix) {
  if (!ctx.groups.length) return null;
  return h("fieldset", { class: "field" }, h("legend", { text: t("groups") }), h("div", { class: "row" },
    ctx.groups.map((g) => h("label", { class: "check" }, h("input", { type: "checkbox", name: `${prefix}-group`, value: g.id }), g.extranet ? `${g.name} (${t("type_extranet")})` : g.name))));
}

function placement(form, prefix) {
  const v = new FormData(form);
  return { department_id: v.get(`${prefix}-department`) || undefined, group_ids: v.getAll(`${prefix}-group`), extranet: v.get(`${prefix}-extranet`) === "on" };
}

function depOptions(ctx) {
  return [["", t("no_department")], ...ctx.departments.map((d) => [d.id, d.name])];
}

function openInvite(ctx) {
  let sent = false;
  const close = modal(t("invite_title"), h("div", {}, inviteForm(ctx, () => { sent = true; }), h("hr"), massForm(ctx, () => { sent = true; })), () => { if (sent) render(); });
  return close;
}

function inviteForm(ctx, onSent) {
  // Up to 5 rows; every input has its own label (visually shown on the first row only).
  const n = (i) => (i ? ` ${i + 1}` : "");
  const rows = [0, 1, 2, 3, 4].map((i) => h("div", { class: "row invitee" },
    field(`email${i}`, `${t("login_field")}${n(i)}`, "text", { autocomplete: "off" }),
    field(`first${i}`, `${t("first_name")}${n(i)}`), field(`last${i}`, `${t("last_name")}${n(i)}`)));
  rows.slice(1).forEach((r) => r.classList.add("quiet-labels"));
  const results = h("div", { id: "invite-results" });
  const form = h("form", { novalidate: true, id: "invite-form" }, h("p", { class: "muted", text: t("invite_rows") }), ...rows,
    ctx.extranet ? null : select("inv-department", t("department"), depOptions(ctx), ""), groupChecks(ctx, "inv"),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "inv-extranet" }), t("extranet")),
    h("button", { type: "submit", text: t("send_invites") }), results);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = new FormData(form);
    const errors = [];
    const invitees = [];
    for (const i of [0, 1, 2, 3, 4]) {
      const to = (v.get(`email${i}`) || "").trim();
      if (!to) continue;
      const r = validateLogin(to, undefined, lang);
      if (!r.ok) { errors.push({ field: `email${i}`, message: r.message }); continue; }
      const inv = r.kind === "phone" ? { phone: r.value } : { email: r.value };
      for (const [f, key] of [[`first${i}`, "first_name"], [`last${i}`, "last_name"]]) {
        const n = (v.get(f) || "").trim();
        if (!n) continue;
        const c = validateName(n, key, lang);
        if (!c.ok) errors.push({ field: f, message: c.message }); else inv[key] = c.value;
      }
      invitees.push(inv);
    }
    if (errors.length || !invitees.length) { showErrors(form, errors.length ? errors : [{ field: "email0", message: t("invitee_required") }]); return; }
    showErrors(form, []);
    busy(form, async () => {
      try {
        const out = await api("POST", `${ctx.base}/invitations`, { invitees, ...placement(form, "inv") });
        results.replaceChildren(resultList(out.results));
        const n = out.results.filter((r) => r.status === "sent").length;
        if (n) { toast(`${count("sent_count", n)}.`); onSent(); }
        // Sent rows are cleared (a second click must not send again); refused ones stay to fix.
        for (const i of [0, 1, 2, 3, 4]) {
          const to = form.querySelector(`[name=email${i}]`);
          const r = out.results.find((x) => x.to === (validateLogin(to.value.trim(), undefined, lang).value || ""));
          if (r && r.status === "sent") for (const f of [`email${i}`, `first${i}`, `last${i}`]) form.querySelector(`[name=${f}]`).value = "";
        }
      } catch (err) { apiError(form, err); }
    });
  });
  return form;
}

function massForm(ctx, onSent) {
  const preview = h("div", { id: "mass-preview", "aria-live": "polite" });
  const results = h("div", { id: "mass-results" });
  const area = h("textarea", { name: "emails", id: "f-emails", rows: "4", "aria-describedby": "e-emails mass-preview" });
  const form = h("form", { novalidate: true, id: "mass-form" },
    h("h3", { text: t("mass_title") }),
    h("label", { class: "field", for: "f-emails" }, h("span", { text: t("mass_hint") }), area, h("div", { class: "error", id: "e-emails" })),
    preview, ctx.extranet ? null : select("mass-department", t("department"), depOptions(ctx), ""), groupChecks(ctx, "mass"),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "mass-extranet" }), t("extranet")),
    h("button", { type: "submit", text: t("send_invites") }), results);
  const check = () => {
    const r = parseInvitees(area.value, lang);
    const bad = r.entries.filter((e) => !e.ok);
    preview.replaceChildren(...bad.map((e) => h("div", { class: "error mass-error" }, h("strong", { text: e.input }), `: ${e.message}`)));
    if (r.code) preview.append(h("div", { class: "error mass-error", text: r.message }));
    return r;
  };
  area.addEventListener("input", check);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const r = check();
    if (!r.ok) { if (!r.entries.length && !r.code) showErrors(form, [{ field: "emails", message: t("emails_required") }]); return; }
    showErrors(form, []);
    busy(form, async () => {
      try {
        const out = await api("POST", `${ctx.base}/invitations/mass`, { emails: area.value, ...placement(form, "mass") });
        const n = out.results.filter((x) => x.status === "sent").length;
        // What happened to all of them at a glance, then each one.
        const summary = h("p", { id: "mass-summary", class: n === out.results.length ? "notice" : "notice bad",
          text: `${count("sent_count", n)}, ${count("not_sent_count", out.results.length - n)}.` });
        results.replaceChildren(summary, resultList(out.results));
        if (n) { toast(`${count("sent_count", n)}.`); onSent(); area.value = ""; }
      } catch (err) { apiError(form, err); }
    });
  });
  return form;
}

// ---------- People ----------

async function peoplePanel(ctx) {
  const { base, admin } = ctx;
  const box = h("div", { id: "people" });
  const search = h("input", { type: "search", id: "people-search", "aria-label": t("search_people"), placeholder: t("search_people") });
  const filter = h("select", { id: "status-filter", "aria-label": t("status") },
    [["", t("status_all")], ["active", t("status_active")], ["invited", t("status_invited")], ["dismissed", t("status_dismissed")]].map(([v, text]) => h("option", { value: v, text })));
  const sort = h("select", { id: "people-sort", "aria-label": t("sort_by") },
    [["name", t("sort_name")], ["status", t("sort_status")]].map(([v, text]) => h("option", { value: v, text })));
  let users = [];
  let shown = PAGE;
  const nameOf = (u) => `${u.first_name} ${u.last_name}`.trim() || u.contact_email || u.login_email || u.phone || "";
  function draw() {
    const q = search.value.trim().toLowerCase();
    const list = users
      .filter((u) => !q || [nameOf(u), u.login_email, u.contact_email, u.phone, u.position].some((x) => (x || "").toLowerCase().includes(q)))
      .sort((a, b) => (sort.value === "status" ? a.status.localeCompare(b.status) : 0) || nameOf(a).localeCompare(nameOf(b), lang));
    if (!list.length) {
      box.replaceChildren(empty(q ? t("no_match") : t("no_people"), admin && !q ? h("button", { type: "button", class: "secondary", text: t("invite"), onclick: () => openInvite(ctx) }) : null));
      return;
    }
    const more = list.length > shown ? h("button", { type: "button", class: "secondary", id: "people-more", text: `${t("more")} (${list.length - shown})`, onclick: () => { shown += PAGE; draw(); } }) : null;
    box.replaceChildren(...[h("ul", { class: "accounts" }, list.slice(0, shown).map((u) => personRow(ctx, u, nameOf(u), refresh))), more].filter(Boolean));
  }
  async function refresh() {
    const status = filter.value;
    box.replaceChildren(h("div", { class: "loading", role: "status" }, h("span", { class: "spin", "aria-hidden": "true" }), h("span", { class: "sr-only", text: t("loading") })));
    users = (await api("GET", `${base}/users`, undefined, { query: status ? `&status=${status}` : "" })).users;
    draw();
  }
  search.addEventListener("input", () => { shown = PAGE; draw(); });
  sort.addEventListener("change", draw);
  filter.addEventListener("change", () => { shown = PAGE; refresh(); });
  await refresh();
  return h("div", {}, h("h2", { text: t("people") }), h("div", { class: "row toolbar" }, search, filter, sort), box);
}

function personRow(ctx, u, name, refresh) {
  const { base, admin, membership } = ctx;
  // The address the workspace knows them by (the contact email an admin set, else their
  // login), shown once: a person invited without a name goes by it already.
  const address = u.contact_email || u.login_email || u.phone || "";
  const li = h("li", { "data-user": u.id, "data-status": u.status },
    h("span", { class: "person" }, h("strong", { class: "person-name", text: name }), " ",
      name === address ? null : h("span", { class: "muted person-address", text: address })),
    h("span", { class: "row" }, h("span", { class: `badge status status-${u.status}`, text: t(`status_${u.status}`) }),
      h("span", { class: "badge", text: `${t(u.role)} · ${t(`type_${u.type}`)}` })));
  if (!admin || u.id === membership.id) return li;
  const actions = li.lastChild;
  if (u.status === "active") {
    actions.append(h("button", {
      class: "danger dismiss", type: "button", text: t("dismiss"),
      onclick: async () => {
        if (!(await confirmDialog({ title: t("dismiss_title").replace("{name}", name), body: t("dismiss_body"), confirm: t("dismiss") }))) return;
        try { await api("POST", `${base}/users/${u.id}/dismiss`); toast(t("dismissed").replace("{name}", name)); refresh(); }
        catch (err) { toast(err.apiMessage, true); }
      },
    }));
  }
  actions.append(h("button", { class: "secondary edit", type: "button", text: t("edit"), onclick: () => { if (!li.querySelector(".edit-card")) li.append(editCard(ctx, u, refresh)); } }));
  if (u.two_factor_enabled && u.status === "active") {
    actions.append(h("button", {
      class: "secondary tf-off", type: "button", text: t("tf_admin_off"),
      onclick: async (ev) => {
        if (!(await confirmDialog({ title: t("tf_admin_off"), body: t("tf_admin_off_body").replace("{name}", name), confirm: t("tf_admin_off") }))) return;
        ev.target.disabled = true;
        try { await api("DELETE", `${base}/users/${u.id}/two-factor`); toast(`${t("tf_admin_done")} ${name}`); refresh(); }
        catch (err) { ev.target.disabled = false; toast(err.apiMessage, true); }
      },
    }));
  }
  return li;
}

function editCard(ctx, u, refresh) {
  const f = h("form", { novalidate: true, class: "edit-card" },
    field("contact_email", t("contact_email"), "email", { value: u.contact_email || "" }), field("position", t("position"), "text", { value: u.position || "" }),
    select("department_id", t("department"), depOptions(ctx), u.department_id || ""),
    u.type === "employee" ? select("role", t("role"), [["user", t("user")], ["admin", t("admin")]], u.role) : null,
    h("div", { class: "row" }, h("button", { type: "submit", text: t("save") }), h("button", { type: "button", class: "secondary", text: t("cancel"), onclick: () => f.remove() })));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(f));
    if (v.contact_email) { const r = validateEmail(v.contact_email, lang); if (!r.ok) { showErrors(f, [{ field: "contact_email", message: r.message }]); return; } }
    const body = { contact_email: v.contact_email, position: v.position, department_id: v.department_id };
    if (u.type === "employee") body.role = v.role;
    busy(f, async () => { try { await api("PATCH", `${ctx.base}/users/${u.id}`, body); toast(t("saved")); refresh(); } catch (err) { apiError(f, err); } });
  });
  return f;
}

// ---------- Invitations ----------

async function invitationsPanel(ctx) {
  const { base } = ctx;
  const { invitations } = await api("GET", `${base}/invitations`);
  const title = h("h2", { text: t("invitations") });
  if (!invitations.length) return h("div", {}, title, empty(t("no_invitations"), h("button", { type: "button", class: "secondary", text: t("invite"), onclick: () => openInvite(ctx) })));
  const list = h("ul", { class: "accounts", id: "invitation-list" }, invitations.map((i) => {
    const open = i.status === "pending" || i.status === "expired";
    return h("li", { "data-status": i.status },
      h("span", { class: "person" }, h("strong", { text: i.to }), " ", h("span", { class: `badge status status-${i.status}`, text: t(`inv_${i.status}`) }),
        h("span", { class: "muted small details" },
          [i.invited_by ? t("invited_by").replace("{name}", i.invited_by) : null, `${t("sent_on")} ${when(i.created_at)}`,
            i.status === "pending" ? `${t("expires_on")} ${when(i.expires_at)}` : null].filter(Boolean).join(" · "))),
      open ? h("span", { class: "row" },
        h("button", { type: "button", class: "secondary resend", text: t("resend"), onclick: async (ev) => {
          ev.target.disabled = true;
          try { await api("POST", `${base}/invitations/${i.id}/resend`); toast(t("invitation_resent").replace("{to}", i.to)); render(); }
          catch (err) { ev.target.disabled = false; toast(err.apiMessage, true); }
        } }),
        i.status === "pending" ? h("button", { type: "button", class: "danger revoke", text: t("revoke"), onclick: async () => {
          if (!(await confirmDialog({ title: t("revoke_title").replace("{to}", i.to), body: t("revoke_body"), confirm: t("revoke") }))) return;
          try {
            await api("DELETE", `${base}/invitations/${i.id}`);
            // Undo: the same address invited again, with the same placement (a new link).
            const again = async () => {
              const invitee = i.to.startsWith("+") ? { phone: i.to } : { email: i.to };
              try {
                await api("POST", `${base}/invitations`, { invitees: [invitee], department_id: i.department_id || undefined, group_ids: i.group_ids, extranet: i.extranet });
                toast(t("invitation_resent").replace("{to}", i.to));
                render();
              } catch (err) { toast(err.apiMessage, true); }
            };
            toast(t("invitation_revoked").replace("{to}", i.to), false, { label: t("undo"), run: again });
            render();
          }
          catch (err) { toast(err.apiMessage, true); }
        } }) : null) : null);
  }));
  return h("div", {}, title, list);
}

// ---------- Departments and groups ----------

// The rules are the server's, from the package: valid text of at most 100 characters, and no
// sibling with the same name once both are trimmed and lowercased by Unicode's rules.
function nameCheck(form, fieldName, value, existing) {
  const r = validateSiblingName(value || "", existing.map((x) => x.name), lang);
  if (!r.ok) { showErrors(form, [{ field: fieldName, message: r.message }]); return null; }
  return r.value;
}

async function structurePanel(ctx) {
  const { base, admin, extranet, departments, groups } = ctx;
  const parts = [];
  if (!extranet) {
    const depForm = h("form", { novalidate: true, id: "department-form" }, h("div", { class: "row" },
      field("dep-name", t("name")), select("parent_id", t("parent"), depOptions(ctx).map(([v, x]) => [v, v ? x : t("no_parent")]), ""), h("button", { type: "submit", class: "secondary", text: t("add") })));
    depForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = new FormData(depForm);
      const parent = v.get("parent_id") || null;
      const name = nameCheck(depForm, "dep-name", v.get("dep-name"), departments.filter((d) => (d.parent_id || null) === parent));
      if (!name) return;
      busy(depForm, async () => {
        try { await api("POST", `${base}/departments`, { name, parent_id: parent || undefined }); toast(t("department_added").replace("{name}", name)); render(); }
        catch (err) { apiError(depForm, err, { name: "dep-name" }); }
      });
    });
    const item = (d) => h("li", { "data-department": d.id },
      h("div", { class: "row item" }, h("span", { class: "item-name", text: d.name }), admin ? itemActions(ctx, "departments", d, departments.filter((x) => (x.parent_id || null) === (d.parent_id || null))) : null),
      tree(d.id));
    const tree = (parent) => h("ul", { class: "tree" }, departments.filter((d) => (d.parent_id || null) === parent).map(item));
    parts.push(h("h2", { text: t("departments") }), departments.length ? tree(null) : empty(t("no_departments")), admin ? depForm : null);
  }
  const groupForm = h("form", { novalidate: true, id: "group-form" }, h("div", { class: "row" }, field("group-name", t("group_name")),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "group-extranet" }), t("type_extranet")), h("button", { type: "submit", class: "secondary", text: t("add") })));
  groupForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = new FormData(groupForm);
    const name = nameCheck(groupForm, "group-name", v.get("group-name"), groups);
    if (!name) return;
    busy(groupForm, async () => {
      try { await api("POST", `${base}/groups`, { name, extranet: v.get("group-extranet") === "on" }); toast(t("group_added").replace("{name}", name)); render(); }
      catch (err) { apiError(groupForm, err, { name: "group-name" }); }
    });
  });
  parts.push(h("h2", { class: "spaced", text: t("groups") }),
    groups.length ? h("ul", { id: "group-list" }, groups.map((g) => h("li", { "data-group": g.id },
      h("div", { class: "row item" }, h("span", { class: "item-name", text: g.name }), g.extranet ? h("span", { class: "badge", text: t("type_extranet") }) : null,
        admin ? itemActions(ctx, "groups", g, groups) : null)))) : empty(t("no_groups")),
    admin ? groupForm : null);
  return h("div", {}, ...parts);
}

/** Rename (inline) and delete (after asking) for a department or a group. */
function itemActions(ctx, kind, item, siblings) {
  const rename = h("button", { type: "button", class: "secondary rename", text: t("rename") });
  const remove = h("button", { type: "button", class: "danger delete", text: t("delete") });
  rename.addEventListener("click", () => {
    const row = rename.closest(".item");
    const form = h("form", { novalidate: true, class: "row rename-form" },
      field(`rename-${item.id}`, t("new_name"), "text", { value: item.name }),
      h("button", { type: "submit", text: t("save") }), h("button", { type: "button", class: "secondary", text: t("cancel"), onclick: () => form.replaceWith(row) }));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const name = nameCheck(form, `rename-${item.id}`, new FormData(form).get(`rename-${item.id}`), siblings.filter((x) => x.id !== item.id));
      if (!name) return;
      busy(form, async () => {
        try { await api("PATCH", `${ctx.base}/${kind}/${item.id}`, { name }); toast(t("renamed_to").replace("{name}", name)); render(); }
        catch (err) { apiError(form, err, { name: `rename-${item.id}` }); }
      });
    });
    row.replaceWith(form);
    form.querySelector("input").focus();
  });
  remove.addEventListener("click", async () => {
    const body = kind === "departments" ? t("delete_department_body") : t("delete_group_body");
    if (!(await confirmDialog({ title: t("delete_title").replace("{name}", item.name), body, confirm: t("delete") }))) return;
    try { await api("DELETE", `${ctx.base}/${kind}/${item.id}`); toast(t("deleted_named").replace("{name}", item.name)); render(); }
    catch (err) { toast(err.apiMessage, true); }
  });
  return h("span", { class: "row actions" }, rename, remove);
}

// ---------- Settings ----------

/** The workspace's two-step policy (admins): whom it applies to, and who does not comply. */
async function policyForm(ctx) {
  const box = h("div", { id: "policy" });
  let policy;
  try { policy = await api("GET", `${ctx.base}/policy`); } catch (err) { box.append(h("p", { class: "notice bad", text: err.apiMessage })); return box; }
  const rule = h("select", { name: "require_two_factor", id: "f-require_two_factor" },
    ["none", "employees", "everyone"].map((v) => h("option", { value: v, text: t(`policy_${v}`), selected: v === policy.require_two_factor })));
  // Refused: members give the second step at every sign-in, whatever browser they remembered.
  const remember = h("input", { type: "checkbox", name: "remember_browsers", id: "f-remember_browsers", checked: policy.allow_remember_browser !== false });
  const form = h("form", { novalidate: true, id: "policy-form" },
    h("label", { class: "field", for: "f-require_two_factor" }, h("span", { text: t("policy_title") }), rule, h("div", { class: "error", id: "e-require_two_factor" })),
    h("label", { class: "check", for: "f-remember_browsers" }, remember, t("policy_remember_browsers")), h("div", { class: "error", id: "e-remember_browsers" }),
    h("button", { type: "submit", class: "secondary", text: t("save") }));
  const who = (p) => h("div", { id: "policy-without" }, p.require_two_factor === "none" ? null
    : p.members_without_two_factor.length
      ? [h("h3", { text: t("policy_without") }), h("ul", { class: "accounts" }, p.members_without_two_factor.map((m) => h("li", { "data-user": m.id, text: [`${m.first_name} ${m.last_name}`.trim(), m.login_email].filter(Boolean).join(" · ") })))]
      : h("p", { class: "muted", text: t("policy_all_comply") }));
  let list = who(policy);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    showErrors(form, []);
    busy(form, async () => {
      try {
        const saved = await api("PATCH", `${ctx.base}/policy`, { require_two_factor: rule.value, allow_remember_browser: remember.checked });
        toast(t("policy_saved"));
        const next = who(saved);
        list.replaceWith(next);
        list = next;
      } catch (err) { apiError(form, err); }
    });
  });
  box.append(h("h3", { text: t("policy_title") }), h("p", { class: "muted", text: t("policy_lead") }), form, list);
  return box;
}

async function settingsPanel(ctx) {
  const { base, account, admin } = ctx;
  const facts = h("dl", { class: "facts" },
    h("dt", { text: t("account_address") }), h("dd", { text: account.address }),
    h("dt", { text: t("plan") }), h("dd", { text: typeLabel(account) }),
    h("dt", { text: t("role") }), h("dd", { text: t(account.role) }));
  const parts = [h("h2", { text: t("tab_settings") }), facts];
  if (admin && account.renames_left > 0) {
    const rename = h("form", { novalidate: true, id: "rename-form" }, h("div", { class: "row" }, field("name", `${t("rename")} (${count("renames_left", account.renames_left)})`, "text", { value: account.name }),
      h("button", { type: "submit", class: "secondary", text: t("rename") })));
    rename.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const r = validateAccountName(new FormData(rename).get("name"), lang);
      if (!r.ok) { showErrors(rename, [{ field: "name", message: r.message }]); return; }
      if (r.value === account.name) { showErrors(rename, [{ field: "name", message: message("value_unchanged", lang) }]); return; }
      // The rename is spent at once and the address follows the name: say so before it runs.
      const last = account.renames_left === 1 ? t("rename_last") : "";
      busy(rename, async () => {
        const body = `${t("rename_body").replace("{name}", r.value)} ${last}`.trim();
        if (!(await confirmDialog({ title: t("rename_title").replace("{account}", account.name), body, confirm: t("rename") }))) return;
        try { await api("PATCH", base, { name: r.value }); toast(t("renamed")); render(); } catch (err) { apiError(rename, err); }
      });
    });
    parts.push(rename);
  } else if (admin) {
    parts.push(h("p", { class: "muted", text: t("no_renames_left") }));
  }
  if (admin) parts.push(await policyForm(ctx));
  const leave = h("button", { type: "button", class: "danger", id: "leave-account", text: t("leave_account") });
  leave.addEventListener("click", async () => {
    if (!(await confirmDialog({ title: t("leave_title").replace("{account}", account.name), body: t("leave_body"), confirm: t("leave_account") }))) return;
    try { await api("POST", `${base}/leave`); toast(t("left").replace("{account}", account.name)); go("#/profile"); }
    catch (err) { toast(err.apiMessage, true); }
  });
  parts.push(h("h3", { class: "spaced", text: t("leave_account") }), h("p", { class: "muted", text: t("leave_lead") }), leave);
  return h("div", {}, ...parts);
}

// ---------- Audit ----------

// ---------- Applications (the workspace's OpenID Connect clients) ----------

function lines(id, label, value = "") {
  const input = h("textarea", { name: id, id: `f-${id}`, rows: 2, "aria-describedby": `e-${id}`, autocomplete: "off", spellcheck: "false" });
  input.value = value;
  const error = h("div", { class: "error", id: `e-${id}`, role: "alert" });
  input.addEventListener("input", () => { error.textContent = ""; });
  return h("label", { class: "field", for: `f-${id}` }, h("span", { text: label }), input, error);
}

const listOf = (v) => String(v || "").split(/\s+/).map((s) => s.trim()).filter(Boolean);
// The server's fields, as the form names them (its messages come from the package's table).
const APP_FIELDS = { name: "app-name", type: "app-type", redirect_uris: "app-redirects", post_logout_redirect_uris: "app-logouts", backchannel_logout_uri: "app-backchannel", initiate_login_uri: "app-initiate" };

/** The secret, shown once, with what to do with it. */
function showSecret(app) {
  const value = h("input", { id: "app-secret", readonly: true, value: app.client_secret, "aria-label": t("app_secret") });
  const copy = h("button", { type: "button", class: "secondary", text: t("copy"), onclick: () => navigator.clipboard?.writeText(app.client_secret) });
  modal(t("app_secret_title").replace("{name}", app.name), h("div", {},
    h("p", { text: t("app_secret_once") }),
    h("p", {}, h("span", { class: "muted", text: "client_id " }), h("code", { id: "app-client-id", text: app.client_id })),
    h("div", { class: "row" }, value, copy)), () => render());
}

async function appsPanel(ctx) {
  const { apps } = await api("GET", `${ctx.base}/apps`);
  const form = h("form", { novalidate: true, id: "app-form" },
    h("div", { class: "row" }, field("app-name", t("app_name")),
      select("app-type", t("app_type"), [["confidential", t("app_confidential")], ["public", t("app_public")]], "confidential")),
    lines("app-redirects", t("app_redirect_uris")),
    lines("app-logouts", t("app_logout_uris")),
    field("app-backchannel", t("app_backchannel"), "text", { inputmode: "url", autocomplete: "off", spellcheck: "false" }),
    field("app-initiate", t("app_initiate"), "text", { inputmode: "url", autocomplete: "off", spellcheck: "false" }),
    h("p", { class: "muted", text: t("app_uris_hint") }),
    h("button", { type: "submit", text: t("app_register") }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = new FormData(form);
    const body = {
      name: v.get("app-name") || "", type: v.get("app-type"), redirect_uris: listOf(v.get("app-redirects")),
      post_logout_redirect_uris: listOf(v.get("app-logouts")),
    };
    if (v.get("app-backchannel")) body.backchannel_logout_uri = v.get("app-backchannel");
    if (v.get("app-initiate")) body.initiate_login_uri = v.get("app-initiate");
    busy(form, async () => {
      try {
        const app = await api("POST", `${ctx.base}/apps`, body);
        toast(t("app_registered").replace("{name}", app.name));
        if (app.client_secret) showSecret(app); else render();
      } catch (err) { apiError(form, err, APP_FIELDS); }
    });
  });
  const item = (a) => h("li", { "data-app": a.client_id },
    h("div", { class: "row spread item" },
      h("div", {}, h("strong", { class: "item-name", text: a.name }), " ", h("span", { class: "badge", text: t(`app_${a.type}`) }),
        a.disabled ? h("span", { class: "badge bad", text: t("app_disabled") }) : null,
        h("div", { class: "muted" }, h("code", { text: a.client_id })),
        h("div", { class: "muted", text: a.redirect_uris.join(" ") })),
      h("span", { class: "row actions" },
        a.type === "confidential" ? h("button", { type: "button", class: "secondary rotate", text: t("app_rotate"), onclick: async () => {
          if (!(await confirmDialog({ title: t("app_rotate_title").replace("{name}", a.name), body: t("app_rotate_body"), confirm: t("app_rotate") }))) return;
          try { showSecret(await api("POST", `${ctx.base}/apps/${a.client_id}/secret`)); } catch (err) { toast(err.apiMessage, true); }
        } }) : null,
        h("button", { type: "button", class: "danger delete", text: t("delete"), onclick: async () => {
          if (!(await confirmDialog({ title: t("delete_title").replace("{name}", a.name), body: t("app_delete_body"), confirm: t("delete") }))) return;
          try { await api("DELETE", `${ctx.base}/apps/${a.client_id}`); toast(t("deleted_named").replace("{name}", a.name)); render(); }
          catch (err) { toast(err.apiMessage, true); }
        } }))));
  return h("div", {}, h("h2", { text: t("apps") }), h("p", { class: "muted", text: t("apps_lead") }),
    apps.length ? h("ul", { id: "app-list", class: "accounts" }, apps.map(item)) : empty(t("no_apps")), h("h2", { class: "spaced", text: t("app_new") }), form);
}

async function auditPanel(ctx) {
  return h("div", {}, h("h2", { text: t("audit") }), await auditList(ctx.base));
}

/** An audit event in plain language (the code itself for an action this page does not know). */
function auditLabel(action) {
  const key = `audit_${action.replace(/\./g, "_")}`;
  const label = t(key);
  return label === key ? action : label;
}

/** The account's audit log, newest first, a page at a time. */
async function auditList(base, before) {
  const page = await api("GET", `${base}/audit`, undefined, { query: `&limit=20${before ? `&before=${encodeURIComponent(before)}` : ""}` });
  const box = h("div", { id: before ? undefined : "audit" });
  if (!page.events.length && !before) { box.append(empty(t("no_events"))); return box; }
  box.append(h("ul", { class: "audit" }, page.events.map((e) => h("li", { "data-action": e.action },
    h("span", { class: "muted", text: when(e.at) }), " ", h("strong", { class: "audit-action", title: e.action, text: auditLabel(e.action) }), " ",
    h("span", { class: "muted", text: e.detail || e.target })))));
  if (page.next_before) {
    const more = h("button", { type: "button", class: "secondary", text: t("more"), onclick: async () => { more.replaceWith(await auditList(base, page.next_before)); } });
    box.append(more);
  }
  return box;
}

// ---------- Accepting an invitation ----------

export async function inviteView(token, me) {
  let info;
  try { info = await api("GET", `/invitations/${token}`); }
  catch (err) {
    // A used, revoked or replaced link (404) and an expired one (410) say what to do next.
    const expired = err.status === 410;
    return card(h("h1", { text: expired ? t("invite_expired_title") : t("invite_used_title") }),
      h("p", { class: "muted", text: expired ? t("invite_expired_lead") : t("invite_used_lead") }),
      h("div", { class: "row" }, h("a", { class: "button", href: "#/login", text: t("login") }), h("a", { class: "button secondary", href: "#/signup", text: t("signup_title") })));
  }
  const title = t("accept_title").replace("{account}", info.account.name);
  // Signed in as someone else: say so, and switch only when the person asks (accepting as a
  // new profile would silently change this browser's session).
  if (me && me.email !== info.to && me.phone !== info.to) {
    const who = me.email || me.phone || `${me.first_name} ${me.last_name}`.trim();
    const body = t("invite_other_session").replace("{me}", who).replace("{to}", info.to);
    const other = h("button", { type: "button", id: "invite-switch", text: t("invite_switch").replace("{to}", info.to) });
    other.addEventListener("click", async () => {
      await api("POST", "/logout").catch(() => {});
      if (info.needs_registration) render();
      else { sessionStorage.setItem("netid.return", `#/invite/${token}`); go("#/login"); }
    });
    return card(h("h1", { text: title }), h("p", { id: "invite-other", text: body }),
      h("div", { class: "row" }, other, h("a", { class: "button secondary", href: "#/profile", text: t("invite_keep").replace("{me}", who) })));
  }
  if (!info.needs_registration) {
    if (!me) {
      sessionStorage.setItem("netid.return", `#/invite/${token}`);
      return card(h("h1", { text: title }), h("p", { text: t("accept_login") }), h("a", { class: "button", href: "#/login", text: t("login") }));
    }
    const b = h("form", { id: "accept-form" }, h("p", { class: "muted", text: info.to }), h("button", { type: "submit", text: t("accept") }));
    b.addEventListener("submit", (ev) => { ev.preventDefault(); busy(b, async () => { try { const r = await api("POST", `/invitations/${token}/accept`, {}); toast(t("joined").replace("{account}", info.account.name)); go(`#/account/${r.account.id}`); } catch (err) { apiError(b, err); } }); });
    return card(h("h1", { text: title }), b);
  }
  const form = h("form", { novalidate: true, id: "accept-form" }, h("p", { class: "muted", text: info.to }),
    h("div", { class: "row" }, field("first_name", t("first_name"), "text", { value: info.first_name || "", autocomplete: "given-name" }), field("last_name", t("last_name"), "text", { value: info.last_name || "", autocomplete: "family-name" })),
    field("password", t("password"), "password", { autocomplete: "new-password" }), h("button", { type: "submit", text: t("accept") }));
  const pw = form.querySelector("[name=password]");
  const personal = () => {
    const v = Object.fromEntries(new FormData(form));
    const email = validateLogin(info.to).kind === "email";
    return { email: email ? info.to : undefined, phone: email ? undefined : info.to, first_name: v.first_name, last_name: v.last_name };
  };
  pw.closest(".field").after(...strengthMeter(pw, personal, validatePassword));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const errors = [];
    for (const f of ["first_name", "last_name"]) { const r = validateName(v[f], f, lang); if (!r.ok) errors.push({ field: f, message: r.message }); }
    const p = validatePassword(v.password, personal(), lang);
    if (!p.ok) errors.push({ field: "password", message: p.message });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form, async () => {
      try { const r = await api("POST", `/invitations/${token}/accept`, v); toast(t("joined").replace("{account}", info.account.name)); go(`#/account/${r.account.id}`); }
      catch (err) { apiError(form, err); }
    });
  });
  return card(h("h1", { text: title }), form);
}
