// netid web front end: plain ES modules, no build step. Validation runs in the page with
// @netid/client (the server's own rules, compiled to wasm) before any request is sent.
import init, {
  validateEmail, validatePhone, validateName, validatePassword, validateCode, validateSignup,
  validateAccountName, parseInvitees, message, negotiateLanguage,
} from "/vendor/netid-client/netid_client.js";
import { LABELS } from "/i18n.js";

const API = "/api/v1";
const app = document.getElementById("app");
const langSelect = document.getElementById("lang");
let lang = localStorage.getItem("netid.lang") || "en";

const t = (key) => (LABELS[lang] && LABELS[lang][key]) ?? LABELS.en[key] ?? key;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** A labelled input with its error slot. */
function field(name, label, type = "text", attrs = {}) {
  const input = h("input", { name, id: `f-${name}`, type, ...attrs });
  const error = h("div", { class: "error", id: `e-${name}`, role: "alert" });
  return h("label", { class: "field", for: `f-${name}` }, h("span", { text: label }), input, error);
}

function showErrors(form, errors) {
  form.querySelectorAll(".error").forEach((e) => (e.textContent = ""));
  form.querySelectorAll("input").forEach((i) => i.removeAttribute("aria-invalid"));
  let placed = false;
  for (const err of errors) {
    const slot = form.querySelector(`#e-${err.field}`);
    const input = form.querySelector(`[name="${err.field}"]`);
    if (slot) { slot.textContent = err.message; placed = true; }
    if (input) input.setAttribute("aria-invalid", "true");
    if (!slot) notice(form, err.message, true);
  }
  return placed;
}

function notice(form, text, bad = false) {
  let n = form.querySelector(".notice");
  if (!n) { n = h("div", { class: "notice", role: "status" }); form.prepend(n); }
  n.textContent = text;
  n.classList.toggle("bad", bad);
}

async function api(method, path, body, extra = {}) {
  const headers = { "Accept-Language": lang, ...(extra.headers || {}) };
  let payload;
  if (body instanceof Blob) { payload = body; }
  else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  const resp = await fetch(`${API}${path}?lang=${lang}${extra.query || ""}`, { method, headers, body: payload, credentials: "same-origin" });
  const text = await resp.text();
  const data = text ? JSON.parse(text) : null;
  if (!resp.ok) {
    const e = data && data.error ? data.error : { code: "internal_error", message: message("internal_error", lang) };
    const err = new Error(e.message);
    Object.assign(err, { status: resp.status, code: e.code, field: e.field, apiMessage: e.message });
    throw err;
  }
  return data;
}

/** Shows an API error on its field (or as a notice). */
function apiError(form, err, fieldMap = {}) {
  const f = fieldMap[err.field] || err.field;
  if (f && form.querySelector(`#e-${f}`)) showErrors(form, [{ field: f, message: err.apiMessage || err.message }]);
  else notice(form, err.apiMessage || err.message, true);
}

async function busy(form, fn) {
  const btn = form.querySelector("button[type=submit]");
  if (btn) btn.disabled = true;
  try { await fn(); } finally { if (btn) btn.disabled = false; }
}

function card(...children) { return h("section", { class: "card" }, ...children); }
function go(hash) { location.hash = hash; }
function params() { return new URLSearchParams(location.hash.split("?")[1] || ""); }

// ---------- views ----------

function signupView() {
  const meter = h("div", { class: "meter", "data-score": "0", "aria-hidden": "true" }, h("i"));
  const strength = h("div", { class: "muted", id: "strength", style: "font-size:13px" });
  const form = h("form", { novalidate: true, id: "signup-form" },
    h("div", { class: "row" }, field("first_name", t("first_name"), "text", { autocomplete: "given-name" }), field("last_name", t("last_name"), "text", { autocomplete: "family-name" })),
    field("login", t("login_field"), "text", { autocomplete: "username", inputmode: "email" }),
    field("password", t("password"), "password", { autocomplete: "new-password" }), meter, strength,
    h("button", { type: "submit", text: t("create") }),
  );
  const values = () => {
    const v = Object.fromEntries(new FormData(form));
    const isEmail = v.login.includes("@") || !/\d/.test(v.login);
    return { first_name: v.first_name, last_name: v.last_name, password: v.password, [isEmail ? "email" : "phone"]: v.login };
  };
  form.querySelector("[name=password]").addEventListener("input", () => {
    const v = values();
    const r = validatePassword(v.password, { email: v.email, phone: v.phone, first_name: v.first_name, last_name: v.last_name }, lang);
    meter.dataset.score = r.score;
    meter.firstChild.style.width = `${(r.score / 4) * 100}%`;
    strength.textContent = v.password ? t("strength")[r.score] : "";
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = values();
    const check = validateSignup(v, lang);
    const errors = check.errors.map((e) => ({ ...e, field: e.field === "email" || e.field === "phone" ? "login" : e.field }));
    if (!check.ok) { showErrors(form, errors); return; }
    showErrors(form, []);
    busy(form, async () => {
      try {
        const out = await api("POST", "/signup", v);
        sessionStorage.setItem("netid.pending", JSON.stringify({ channel: out.confirmation.channel, to: out.confirmation.to }));
        go(`#/confirm`);
      } catch (err) { apiError(form, err, { email: "login", phone: "login" }); }
    });
  });
  return card(h("h1", { text: t("signup_title") }), h("p", { class: "muted", text: t("signup_lead") }), form,
    h("div", { class: "links" }, h("a", { href: "#/login", text: t("have_profile") })));
}

function confirmView() {
  const pending = JSON.parse(sessionStorage.getItem("netid.pending") || "null");
  if (!pending) { go("#/signup"); return h("div"); }
  const form = h("form", { novalidate: true, id: "confirm-form" },
    field("code", t("code"), "text", { inputmode: "numeric", autocomplete: "one-time-code", maxlength: "11" }),
    h("button", { type: "submit", text: t("confirm") }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const code = new FormData(form).get("code");
    const r = validateCode(code, lang);
    if (!r.ok) { showErrors(form, [{ field: "code", message: r.message }]); return; }
    busy(form, async () => {
      try {
        const key = pending.channel === "sms" ? "phone" : "email";
        await api("POST", "/signup/confirm", { [key]: pending.to, code: r.value });
        sessionStorage.removeItem("netid.pending");
        go("#/profile");
      } catch (err) { apiError(form, err); }
    });
  });
  return card(h("h1", { text: t("confirm_title") }), h("p", { class: "muted" }, `${t("confirm_lead")} `, h("strong", { text: pending.to })), form);
}

function loginView() {
  const form = h("form", { novalidate: true, id: "login-form" },
    field("login", t("login_field"), "text", { autocomplete: "username" }),
    field("password", t("password"), "password", { autocomplete: "current-password" }),
    h("button", { type: "submit", text: t("login") }));
  const n = params().get("notice");
  if (n) notice(form, t(n));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const r = v.login.includes("@") ? validateEmail(v.login, lang) : validatePhone(v.login, undefined, lang);
    if (!r.ok) { showErrors(form, [{ field: "login", message: r.message }]); return; }
    if (!v.password) { showErrors(form, [{ field: "password", message: message("invalid_credentials", lang) }]); return; }
    showErrors(form, []);
    busy(form, async () => {
      try {
        await api("POST", "/login", { login: v.login, password: v.password, client: "browser" });
        const back = sessionStorage.getItem("netid.return");
        sessionStorage.removeItem("netid.return");
        go(back || "#/profile");
      } catch (err) {
        if (err.code === "email_unconfirmed" || err.code === "phone_unconfirmed") {
          sessionStorage.setItem("netid.pending", JSON.stringify({ channel: r.value.startsWith("+") ? "sms" : "email", to: r.value }));
          go("#/confirm");
        } else if (err.code === "invalid_credentials" || err.code === "too_many_attempts") {
          showErrors(form, []);
          notice(form, err.apiMessage, true);
        } else apiError(form, err);
      }
    });
  });
  return card(h("h1", { text: t("login_title") }), form,
    h("div", { class: "links" }, h("a", { href: "#/forgot", text: t("forgot") }), h("a", { href: "#/signup", text: t("no_profile") })));
}

function forgotView() {
  const form = h("form", { novalidate: true, id: "forgot-form" }, field("login", t("login_field")), h("button", { type: "submit", text: t("send_code") }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const login = new FormData(form).get("login");
    const r = login.includes("@") ? validateEmail(login, lang) : validatePhone(login, undefined, lang);
    if (!r.ok) { showErrors(form, [{ field: "login", message: r.message }]); return; }
    busy(form, async () => {
      try { await api("POST", "/password/forgot", { login: r.value }); go(`#/reset?login=${encodeURIComponent(r.value)}`); }
      catch (err) { apiError(form, err); }
    });
  });
  return card(h("h1", { text: t("forgot_title") }), form, h("div", { class: "links" }, h("a", { href: "#/login", text: t("back") })));
}

function resetView() {
  const login = params().get("login") || "";
  const form = h("form", { novalidate: true, id: "reset-form" },
    field("code", t("code"), "text", { inputmode: "numeric", autocomplete: "one-time-code" }),
    field("new_password", t("new_password"), "password", { autocomplete: "new-password" }),
    h("button", { type: "submit", text: t("reset") }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const errors = [];
    const c = validateCode(v.code, lang);
    if (!c.ok) errors.push({ field: "code", message: c.message });
    const p = validatePassword(v.new_password, login.includes("@") ? { email: login } : { phone: login }, lang);
    if (!p.ok) errors.push({ field: "new_password", message: p.message });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form, async () => {
      try { await api("POST", "/password/reset", { login, code: c.value, new_password: v.new_password }); go("#/login?notice=reset_done"); }
      catch (err) { apiError(form, err); }
    });
  });
  return card(h("h1", { text: t("reset_title") }), h("p", { class: "muted" }, `${t("code_sent")} `, h("strong", { text: login })), form);
}

async function profileView() {
  let me;
  try { me = await api("GET", "/me"); }
  catch (err) { if (err.status === 401) { go("#/login"); return h("div"); } throw err; }
  const info = { email: me.email, phone: me.phone, first_name: me.first_name, last_name: me.last_name };
  const initials = `${me.first_name[0] || ""}${me.last_name[0] || ""}`;
  const avatar = me.photo_url ? h("img", { class: "avatar", src: me.photo_url, alt: "" }) : h("div", { class: "avatar", text: initials });

  // Names
  const names = h("form", { novalidate: true, id: "names-form" },
    h("div", { class: "row" }, field("first_name", t("first_name"), "text", { value: me.first_name }), field("last_name", t("last_name"), "text", { value: me.last_name })),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "apply_to_all_accounts" }), t("apply_all")),
    h("button", { type: "submit", text: t("save") }));
  names.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(names));
    const errors = [];
    for (const f of ["first_name", "last_name"]) { const r = validateName(v[f], f, lang); if (!r.ok) errors.push({ field: f, message: r.message }); }
    if (errors.length) { showErrors(names, errors); return; }
    showErrors(names, []);
    busy(names, async () => {
      try {
        const updated = await api("PATCH", "/me", { first_name: v.first_name, last_name: v.last_name, apply_to_all_accounts: v.apply_to_all_accounts === "on" });
        document.getElementById("display-name").textContent = `${updated.first_name} ${updated.last_name}`;
        notice(names, t("saved"));
      } catch (err) { apiError(names, err); }
    });
  });

  // Photo
  const photo = h("form", { id: "photo-form" }, h("div", { class: "row" },
    h("input", { type: "file", name: "photo", accept: "image/png,image/jpeg,image/webp" }),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "apply_to_all_accounts" }), t("apply_all")),
    h("button", { type: "submit", class: "secondary", text: t("upload") })), h("div", { class: "error", id: "e-photo" }));
  photo.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const file = photo.querySelector("[name=photo]").files[0];
    if (!file || file.size > 5 * 1024 * 1024 || !["image/png", "image/jpeg", "image/webp"].includes(file.type)) {
      showErrors(photo, [{ field: "photo", message: message("invalid_photo", lang) }]); return;
    }
    const all = photo.querySelector("[name=apply_to_all_accounts]").checked;
    busy(photo, async () => {
      try { await api("PUT", "/me/photo", file, { headers: { "Content-Type": file.type }, query: `&apply_to_all_accounts=${all}` }); render(); }
      catch (err) { apiError(photo, err); }
    });
  });

  // Email / phone change: two steps each.
  const contact = (kind) => {
    const isEmail = kind === "email";
    const form = h("form", { novalidate: true, id: `${kind}-form` },
      field(kind, isEmail ? t("new_email") : t("new_phone"), isEmail ? "email" : "tel"),
      h("div", { class: "code-step", hidden: true }, field("code", t("code"), "text", { inputmode: "numeric" })),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "apply_to_all_accounts" }), t("apply_all")),
      h("button", { type: "submit", text: isEmail ? t("change_email") : t("change_phone") }));
    let sentTo = null;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = Object.fromEntries(new FormData(form));
      busy(form, async () => {
        try {
          if (!sentTo) {
            const r = isEmail ? validateEmail(v[kind], lang) : validatePhone(v[kind], undefined, lang);
            if (!r.ok) { showErrors(form, [{ field: kind, message: r.message }]); return; }
            showErrors(form, []);
            await api("POST", `/me/${kind}`, { [kind]: r.value });
            sentTo = r.value;
            form.querySelector(".code-step").hidden = false;
            notice(form, `${t("code_sent")} ${sentTo}`);
          } else {
            const c = validateCode(v.code, lang);
            if (!c.ok) { showErrors(form, [{ field: "code", message: c.message }]); return; }
            await api("POST", `/me/${kind}/confirm`, { [kind]: sentTo, code: c.value, apply_to_all_accounts: v.apply_to_all_accounts === "on" });
            render();
          }
        } catch (err) { apiError(form, err); }
      });
    });
    return form;
  };

  // Password
  const pw = h("form", { novalidate: true, id: "password-form" },
    field("current_password", t("current_password"), "password", { autocomplete: "current-password" }),
    field("new_password", t("new_password"), "password", { autocomplete: "new-password" }),
    h("button", { type: "submit", text: t("change_password") }));
  pw.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(pw));
    const r = validatePassword(v.new_password, info, lang);
    if (!r.ok) { showErrors(pw, [{ field: "new_password", message: r.message }]); return; }
    showErrors(pw, []);
    busy(pw, async () => {
      try { await api("POST", "/me/password", v); pw.reset(); notice(pw, t("password_changed")); }
      catch (err) { apiError(pw, err); }
    });
  });

  const del = h("form", { novalidate: true, id: "delete-form" },
    field("password", t("delete_confirm"), "password", { autocomplete: "current-password" }),
    h("button", { type: "submit", class: "danger", text: t("delete_profile") }));
  del.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(del, async () => {
      try { await api("DELETE", "/me", { password: new FormData(del).get("password") }); go("#/signup"); }
      catch (err) { apiError(del, err); }
    });
  });

  const logout = h("button", { class: "secondary", id: "logout", text: t("logout"), onclick: async () => { await api("POST", "/logout").catch(() => {}); go("#/login"); } });
  const confirmed = (v, ok) => (v ? h("span", {}, v, " ", ok ? null : h("span", { class: "badge", text: t("unconfirmed") })) : h("span", { class: "muted", text: "—" }));
  const accountList = me.accounts.length
    ? h("ul", { class: "accounts", id: "account-list" }, me.accounts.map((a) => h("li", {},
        h("span", {}, h("strong", { text: a.name }), " ", h("span", { class: "muted", text: a.address })),
        h("span", { class: "row" }, h("span", { class: "badge", text: `${t(a.role)} · ${a.type === "extranet" ? "extranet" : a.plan}` }),
          h("a", { class: "enter", href: `#/account/${a.id}`, text: t("enter") })))))
    : h("p", { class: "muted", text: t("no_accounts") });
  const create = h("form", { novalidate: true, id: "create-account-form" },
    h("div", { class: "row" }, field("name", t("account_name")), h("button", { type: "submit", class: "secondary", text: t("create_account") })));
  create.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const name = new FormData(create).get("name").trim();
    if (name) { const r = validateAccountName(name, lang); if (!r.ok) { showErrors(create, [{ field: "name", message: r.message }]); return; } }
    busy(create, async () => {
      try { const acc = await api("POST", "/accounts", name ? { name } : {}); go(`#/account/${acc.id}`); }
      catch (err) { apiError(create, err); }
    });
  });
  const accounts = h("div", {}, accountList, h("div", { style: "margin-top:14px" }, create));

  return h("div", {},
    card(h("div", { class: "who" }, avatar, h("div", {}, h("h1", { id: "display-name", text: `${me.first_name} ${me.last_name}` }),
      h("div", { class: "muted" }, t("email"), ": ", confirmed(me.email, me.email_confirmed)),
      h("div", { class: "muted" }, t("phone"), ": ", confirmed(me.phone, me.phone_confirmed)))), h("div", { class: "row" }, logout)),
    card(h("h2", { text: t("names") }), names),
    card(h("h2", { text: t("photo") }), photo),
    card(h("h2", { text: t("change_email") }), contact("email")),
    card(h("h2", { text: t("change_phone") }), contact("phone")),
    card(h("h2", { text: t("change_password") }), pw),
    card(h("h2", { text: t("accounts") }), accounts),
    card(h("h2", { text: t("delete_profile") }), del));
}

// ---------- accounts ----------

function select(name, label, options, value) {
  const el = h("select", { name, id: `f-${name}` }, options.map(([v, text]) => h("option", { value: v, text, selected: v === value })));
  return h("label", { class: "field", for: `f-${name}` }, h("span", { text: label }), el, h("div", { class: "error", id: `e-${name}` }));
}

function resultList(results) {
  return h("ul", { class: "accounts results" }, results.map((r) => h("li", { "data-status": r.status },
    h("span", { text: r.to }), h("span", { class: r.status === "sent" ? "badge" : "badge bad", text: r.error ? `${t(`r_${r.status}`)}: ${r.error.message}` : t(`r_${r.status}`) }))));
}

async function accountView(id) {
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
  return h("div", {}, ...parts);
}

async function inviteView(token) {
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

const ROUTES = { signup: signupView, confirm: confirmView, login: loginView, forgot: forgotView, reset: resetView, profile: profileView, account: accountView, invite: inviteView };

async function render() {
  const [name, arg] = ((location.hash.replace(/^#\//, "").split("?")[0]) || "profile").split("/");
  const view = ROUTES[name] || ROUTES.profile;
  document.documentElement.lang = lang;
  try {
    const node = await view(arg);
    app.replaceChildren(node);
    const first = app.querySelector("input:not([type=checkbox]):not([type=file])");
    if (first && name !== "profile") first.focus();
  } catch (err) {
    app.replaceChildren(card(h("div", { class: "notice bad", text: err.apiMessage || message("internal_error", lang) })));
  }
}

await init();
if (!localStorage.getItem("netid.lang")) lang = negotiateLanguage((navigator.languages || [navigator.language]).join(","));
langSelect.value = lang;
langSelect.addEventListener("change", () => { lang = langSelect.value; localStorage.setItem("netid.lang", lang); render(); });
window.addEventListener("hashchange", render);
await render();
document.body.dataset.ready = "true";
