// Accounts: the account page (admins invite, manage people, departments, groups) and the
// invitation acceptance page.
import {
  validateEmail, validatePhone, validateName, validatePassword, validateAccountName, parseInvitees, message,
} from "/vendor/netid-client/netid_client.js";
import { lang, t, h, field, showErrors, api, apiError, busy, card, go, render, select, resultList } from "/ui.js";

export async function accountView(id) {
  let entered;
  try { entered = await api("POST", `/accounts/${id}/enter`); }
  catch (err) { if (err.status === 401) { go("#/login"); return h("div"); } throw err; }
  const { account, membership } = entered;
  const admin = account.role === "admin" && account.type === "employee";
  const extranet = account.type === "extranet";
  const base = `/accounts/${id}`;
  const [groups, departments] = await Promise.all([
    api("GET", `${base}/groups`).then((r) => r.groups),
    extranet ? Promise.resolve([]) : api("GET", `${base}/departments`).then((r) => r.departments),
  ]);
  const depOptions = [["", t("none")], ...departments.map((d) => [d.id, d.name])];
  const parts = [];

  const header = card(h("div", { class: "row", style: "justify-content:space-between" },
    h("div", {}, h("h1", { id: "account-name", text: account.name }), h("div", { class: "muted", text: `${account.address} · ${t(account.role)} · ${account.type === "extranet" ? "extranet" : account.plan}` })),
    h("a", { href: "#/profile", text: t("back_to_profile") })));
  parts.push(header);

  if (admin && account.renames_left > 0) {
    const rename = h("form", { novalidate: true, id: "rename-form" }, h("div", { class: "row" }, field("name", `${t("rename")} (${account.renames_left} ${t("renames_left")})`, "text", { value: account.name }),
      h("button", { type: "submit", class: "secondary", text: t("rename") })));
    rename.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const r = validateAccountName(new FormData(rename).get("name"), lang);
      if (!r.ok) { showErrors(rename, [{ field: "name", message: r.message }]); return; }
      busy(rename, async () => { try { await api("PATCH", base, { name: r.value }); render(); } catch (err) { apiError(rename, err); } });
    });
    header.append(rename);
  }

  const groupChecks = (prefix) => h("div", { class: "field" }, h("span", { text: t("groups") }), h("div", { class: "row" },
    groups.map((g) => h("label", { class: "check" }, h("input", { type: "checkbox", name: `${prefix}-group`, value: g.id }), g.extranet ? `${g.name} (extranet)` : g.name))));
  const placement = (form, prefix) => {
    const v = new FormData(form);
    return { department_id: v.get(`${prefix}-department`) || undefined, group_ids: v.getAll(`${prefix}-group`), extranet: v.get(`${prefix}-extranet`) === "on" };
  };

  if (admin) {
    // Single invitation: up to 5 rows.
    const rows = [0, 1, 2, 3, 4].map((i) => h("div", { class: "row invitee" },
      field(`email${i}`, i === 0 ? `${t("email")} / ${t("phone")}` : "", "text"), field(`first${i}`, i === 0 ? t("first_name") : ""), field(`last${i}`, i === 0 ? t("last_name") : "")));
    const inviteForm = h("form", { novalidate: true, id: "invite-form" }, h("p", { class: "muted", text: t("invite_rows") }), ...rows,
      select("inv-department", t("department"), depOptions, ""), groupChecks("inv"),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "inv-extranet" }), t("extranet")),
      h("button", { type: "submit", text: t("send_invites") }), h("div", { id: "invite-results" }));
    inviteForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = new FormData(inviteForm);
      const errors = [];
      const invitees = [];
      for (const i of [0, 1, 2, 3, 4]) {
        const to = (v.get(`email${i}`) || "").trim();
        if (!to) continue;
        const r = to.includes("@") ? validateEmail(to, lang) : validatePhone(to, undefined, lang);
        if (!r.ok) { errors.push({ field: `email${i}`, message: r.message }); continue; }
        const inv = to.includes("@") ? { email: r.value } : { phone: r.value };
        for (const [f, key] of [[`first${i}`, "first_name"], [`last${i}`, "last_name"]]) {
          const n = (v.get(f) || "").trim();
          if (!n) continue;
          const c = validateName(n, key, lang);
          if (!c.ok) errors.push({ field: f, message: c.message }); else inv[key] = c.value;
        }
        invitees.push(inv);
      }
      if (errors.length || !invitees.length) { showErrors(inviteForm, errors.length ? errors : [{ field: "email0", message: message("invalid_email", lang) }]); return; }
      showErrors(inviteForm, []);
      busy(inviteForm, async () => {
        try {
          const out = await api("POST", `${base}/invitations`, { invitees, ...placement(inviteForm, "inv") });
          inviteForm.querySelector("#invite-results").replaceChildren(resultList(out.results));
          refreshPeople();
        } catch (err) { apiError(inviteForm, err); }
      });
    });

    // Mass invitation with per-address errors before sending.
    const preview = h("div", { id: "mass-preview" });
    const mass = h("form", { novalidate: true, id: "mass-form" },
      h("label", { class: "field", for: "f-emails" }, h("span", { text: t("mass_hint") }), h("textarea", { name: "emails", id: "f-emails", rows: "4", style: "font:inherit;padding:10px;border:1px solid var(--line);border-radius:8px" }), h("div", { class: "error", id: "e-emails" })),
      preview, select("mass-department", t("department"), depOptions, ""), groupChecks("mass"),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "mass-extranet" }), t("extranet")),
      h("button", { type: "submit", text: t("send_invites") }), h("div", { id: "mass-results" }));
    const check = () => {
      const r = parseInvitees(mass.querySelector("textarea").value, lang);
      const bad = r.entries.filter((e) => !e.ok);
      preview.replaceChildren(...bad.map((e) => h("div", { class: "error mass-error" }, h("strong", { text: e.input }), `: ${e.message}`)));
      if (r.code) preview.append(h("div", { class: "error mass-error", text: r.message }));
      return r;
    };
    mass.querySelector("textarea").addEventListener("input", check);
    mass.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const r = check();
      if (!r.ok) { if (!r.entries.length && !r.code) showErrors(mass, [{ field: "emails", message: message("invalid_email", lang) }]); return; }
      showErrors(mass, []);
      busy(mass, async () => {
        try {
          const out = await api("POST", `${base}/invitations/mass`, { emails: mass.querySelector("textarea").value, ...placement(mass, "mass") });
          mass.querySelector("#mass-results").replaceChildren(resultList(out.results));
          refreshPeople();
        } catch (err) { apiError(mass, err); }
      });
    });
    parts.push(card(h("h2", { text: t("invite_title") }), inviteForm), card(h("h2", { text: t("mass_title") }), mass));
  }

  // People (employees only), with the status filter.
  const peopleBox = h("div", { id: "people" });
  async function refreshPeople() {
    if (extranet) return;
    const status = document.getElementById("status-filter")?.value || "";
    const { users } = await api("GET", `${base}/users`, undefined, { query: status ? `&status=${status}` : "" });
    peopleBox.replaceChildren(h("ul", { class: "accounts" }, users.map((u) => {
      const li = h("li", { "data-user": u.id, "data-status": u.status },
        h("span", {}, h("strong", { class: "person-name", text: `${u.first_name} ${u.last_name}`.trim() || u.contact_email || u.phone }), " ",
          h("span", { class: "muted", text: u.login_email || u.contact_email || u.phone || "" })),
        h("span", { class: "row" }, h("span", { class: "badge status", text: t(`status_${u.status}`) }), h("span", { class: "badge", text: `${t(u.role)} · ${u.type}` })));
      if (admin && u.id !== membership.id) {
        const actions = li.lastChild;
        if (u.status === "active") actions.append(h("button", { class: "danger dismiss", type: "button", text: t("dismiss"), onclick: async () => { await api("POST", `${base}/users/${u.id}/dismiss`); refreshPeople(); } }));
        actions.append(h("button", { class: "secondary edit", type: "button", text: t("edit"), onclick: () => li.append(editCard(u)) }));
        if (u.two_factor_enabled && u.status === "active") {
          actions.append(h("button", {
            class: "secondary tf-off", type: "button", text: t("tf_admin_off"),
            onclick: async (ev) => {
              ev.target.disabled = true;
              try { await api("DELETE", `${base}/users/${u.id}/two-factor`); refreshPeople(); }
              catch (err) { ev.target.disabled = false; li.append(h("p", { class: "notice bad", text: err.apiMessage })); }
            },
          }));
        }
      }
      return li;
    })));
  }
  function editCard(u) {
    const f = h("form", { novalidate: true, class: "edit-card" },
      field("contact_email", t("contact_email"), "email", { value: u.contact_email || "" }), field("position", t("position"), "text", { value: u.position || "" }),
      select("department_id", t("department"), depOptions, u.department_id || ""),
      select("role", t("role"), [["user", t("user")], ["admin", t("admin")]], u.role), h("button", { type: "submit", text: t("save") }));
    f.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = Object.fromEntries(new FormData(f));
      if (v.contact_email) { const r = validateEmail(v.contact_email, lang); if (!r.ok) { showErrors(f, [{ field: "contact_email", message: r.message }]); return; } }
      const body = { contact_email: v.contact_email, position: v.position, department_id: v.department_id };
      if (u.type === "employee") body.role = v.role;
      busy(f, async () => { try { await api("PATCH", `${base}/users/${u.id}`, body); refreshPeople(); } catch (err) { apiError(f, err); } });
    });
    return f;
  }
  if (!extranet) {
    const filter = h("select", { id: "status-filter", onchange: () => refreshPeople() },
      [["", t("status_all")], ["active", t("status_active")], ["invited", t("status_invited")], ["dismissed", t("status_dismissed")]].map(([v, text]) => h("option", { value: v, text })));
    parts.push(card(h("div", { class: "row", style: "justify-content:space-between" }, h("h2", { text: t("people") }), filter), peopleBox));
    await refreshPeople();
  }

  // Departments and groups.
  if (!extranet) {
    const depForm = h("form", { novalidate: true, id: "department-form" }, h("div", { class: "row" }, field("dep-name", t("name")), select("parent_id", t("parent"), depOptions, ""), h("button", { type: "submit", class: "secondary", text: t("add") })));
    depForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = new FormData(depForm);
      busy(depForm, async () => { try { await api("POST", `${base}/departments`, { name: v.get("dep-name"), parent_id: v.get("parent_id") || undefined }); render(); } catch (err) { apiError(depForm, err, { name: "dep-name" }); } });
    });
    const tree = (parent) => h("ul", {}, departments.filter((d) => (d.parent_id || null) === parent).map((d) => h("li", { text: d.name }, tree(d.id))));
    parts.push(card(h("h2", { text: t("departments") }), tree(null), admin ? depForm : null));
  }
  const groupForm = h("form", { novalidate: true, id: "group-form" }, h("div", { class: "row" }, field("group-name", t("group_name")),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "group-extranet" }), "extranet"), h("button", { type: "submit", class: "secondary", text: t("add") })));
  groupForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = new FormData(groupForm);
    busy(groupForm, async () => { try { await api("POST", `${base}/groups`, { name: v.get("group-name"), extranet: v.get("group-extranet") === "on" }); render(); } catch (err) { apiError(groupForm, err, { name: "group-name" }); } });
  });
  parts.push(card(h("h2", { text: t("groups") }), h("ul", { id: "group-list" }, groups.map((g) => h("li", { text: g.extranet ? `${g.name} (extranet)` : g.name }))), admin ? groupForm : null));

  if (admin) {
    const { invitations } = await api("GET", `${base}/invitations`);
    parts.push(card(h("h2", { text: t("invitations") }), h("ul", { class: "accounts", id: "invitation-list" }, invitations.map((i) => h("li", {},
      h("span", {}, i.to, " ", h("span", { class: "badge", text: i.status })),
      i.status === "pending" || i.status === "expired" ? h("span", { class: "row" },
        h("button", { type: "button", class: "secondary", text: t("resend"), onclick: async () => { await api("POST", `${base}/invitations/${i.id}/resend`); render(); } }),
        h("button", { type: "button", class: "danger", text: t("revoke"), onclick: async () => { await api("DELETE", `${base}/invitations/${i.id}`); render(); } })) : null)))));
  }
  if (admin) parts.push(card(h("h2", { text: t("audit") }), await auditList(base)));
  return h("div", {}, ...parts);
}

/** The account's audit log, newest first, a page at a time. */
async function auditList(base, before) {
  const page = await api("GET", `${base}/audit`, undefined, { query: `&limit=20${before ? `&before=${encodeURIComponent(before)}` : ""}` });
  const box = h("div", { id: before ? undefined : "audit" });
  if (!page.events.length && !before) { box.append(h("p", { class: "muted", text: t("no_events") })); return box; }
  box.append(h("ul", { class: "audit" }, page.events.map((e) => h("li", { "data-action": e.action },
    h("span", { class: "muted", text: new Date(e.at).toLocaleString(lang) }), " ", h("code", { text: e.action }), " ",
    h("span", { class: "muted", text: [e.target, e.detail].filter(Boolean).join(" · ") })))));
  if (page.next_before) {
    const more = h("button", { type: "button", class: "secondary", text: t("more"), onclick: async () => { more.replaceWith(await auditList(base, page.next_before)); } });
    box.append(more);
  }
  return box;
}

export async function inviteView(token) {
  let info;
  try { info = await api("GET", `/invitations/${token}`); }
  catch (err) { return card(h("div", { class: "notice bad", text: err.apiMessage })); }
  const title = t("accept_title").replace("{account}", info.account.name);
  if (!info.needs_registration) {
    const me = await api("GET", "/me").catch(() => null);
    if (!me) {
      sessionStorage.setItem("netid.return", `#/invite/${token}`);
      return card(h("h1", { text: title }), h("p", { text: t("accept_login") }), h("a", { href: "#/login", text: t("login") }));
    }
    const b = h("form", { id: "accept-form" }, h("p", { class: "muted", text: info.to }), h("button", { type: "submit", text: t("accept") }));
    b.addEventListener("submit", (ev) => { ev.preventDefault(); busy(b, async () => { try { const r = await api("POST", `/invitations/${token}/accept`, {}); go(`#/account/${r.account.id}`); } catch (err) { apiError(b, err); } }); });
    return card(h("h1", { text: title }), b);
  }
  const form = h("form", { novalidate: true, id: "accept-form" }, h("p", { class: "muted", text: info.to }),
    h("div", { class: "row" }, field("first_name", t("first_name"), "text", { value: info.first_name || "" }), field("last_name", t("last_name"), "text", { value: info.last_name || "" })),
    field("password", t("password"), "password", { autocomplete: "new-password" }), h("button", { type: "submit", text: t("accept") }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const errors = [];
    for (const f of ["first_name", "last_name"]) { const r = validateName(v[f], f, lang); if (!r.ok) errors.push({ field: f, message: r.message }); }
    const p = validatePassword(v.password, { email: info.to.includes("@") ? info.to : undefined, first_name: v.first_name, last_name: v.last_name }, lang);
    if (!p.ok) errors.push({ field: "password", message: p.message });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form, async () => {
      try { const r = await api("POST", `/invitations/${token}/accept`, v); go(`#/account/${r.account.id}`); }
      catch (err) { apiError(form, err); }
    });
  });
  return card(h("h1", { text: title }), form);
}

