// netid web front end: plain ES modules, no build step. Validation runs in the page with
// @netid/client (the server's own rules, compiled to wasm) before any request is sent.
import init, {
  validateEmail, validatePhone, validateName, validatePassword, validateCode, validateSignup,
  validateAccountName, validatePhoto, message, negotiateLanguage, validateOtp, validateRecoveryCode,
} from "/vendor/netid-client/netid_client.js";
import {
  lang, setLang, t, h, field, showErrors, notice, api, apiError, busy, card, go, params, render, onRender,
} from "/ui.js";
import { accountView, inviteView } from "/accounts.js";
import { securityCard } from "/security.js";

const app = document.getElementById("app");
const langSelect = document.getElementById("lang");

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
        } else if (err.code === "second_factor_required" && err.secondFactor) {
          form.replaceWith(secondStepForm(err.secondFactor.ticket));
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

/** The second step of a login: a code from the authenticator app, or a recovery code. */
function secondStepForm(ticket) {
  let recovery = false;
  const input = () => (recovery
    ? field("recovery_code", t("recovery_code"), "text", { autocomplete: "off" })
    : field("otp", t("otp_code"), "text", { inputmode: "numeric", autocomplete: "one-time-code" }));
  const slot = h("div", { class: "factor" }, input());
  const toggle = h("button", { type: "button", class: "link", id: "use-recovery", text: t("use_recovery") });
  const form = h("form", { novalidate: true, id: "second-factor-form" },
    h("p", { class: "muted", text: message("second_factor_required", lang) }), slot, toggle, h("button", { type: "submit", text: t("verify") }));
  toggle.addEventListener("click", () => { recovery = !recovery; slot.replaceChildren(input()); toggle.hidden = recovery; });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const r = recovery ? validateRecoveryCode(v.recovery_code || "", lang) : validateOtp(v.otp || "", lang);
    const f = recovery ? "recovery_code" : "otp";
    if (!r.ok) { showErrors(form, [{ field: f, message: r.message }]); return; }
    showErrors(form, []);
    busy(form, async () => {
      try {
        await api("POST", "/login/second-factor", { ticket, [f]: r.value });
        const back = sessionStorage.getItem("netid.return");
        sessionStorage.removeItem("netid.return");
        go(back || "#/profile");
      } catch (err) {
        if (err.code === "unauthenticated") go("#/login");
        else apiError(form, err);
      }
    });
  });
  setTimeout(() => form.querySelector("input")?.focus(), 0);
  return form;
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
  if (me.password_change_required) return requiredPasswordView(info);
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
    const check = file ? validatePhoto(file.type, file.size, lang) : { ok: false, message: message("invalid_photo", lang) };
    if (!check.ok) { showErrors(photo, [{ field: "photo", message: check.message }]); return; }
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
      field("password", t("current_password"), "password", { autocomplete: "current-password" }),
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
            if (!v.password) { showErrors(form, [{ field: "password", message: message("invalid_credentials", lang) }]); return; }
            showErrors(form, []);
            await api("POST", `/me/${kind}`, { [kind]: r.value, password: v.password });
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
  const pw = passwordChangeForm("password-form", info, (form) => { form.reset(); notice(form, t("password_changed")); });

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
  const accounts = h("div", {}, accountList, h("div", { class: "spaced" }, create));

  return h("div", {},
    card(h("div", { class: "who" }, avatar, h("div", {}, h("h1", { id: "display-name", text: `${me.first_name} ${me.last_name}` }),
      h("div", { class: "muted" }, t("email"), ": ", confirmed(me.email, me.email_confirmed)),
      h("div", { class: "muted" }, t("phone"), ": ", confirmed(me.phone, me.phone_confirmed)))), h("div", { class: "row" }, logout)),
    card(h("h2", { text: t("names") }), names),
    card(h("h2", { text: t("photo") }), photo),
    card(h("h2", { text: t("change_email") }), contact("email")),
    card(h("h2", { text: t("change_phone") }), contact("phone")),
    card(h("h2", { text: t("change_password") }), pw),
    await securityCard(me),
    card(h("h2", { text: t("accounts") }), accounts),
    card(h("h2", { text: t("delete_profile") }), del));
}


/** An admin chose this person's password: nothing else until they choose their own. */
function requiredPasswordView(info) {
  const pw = passwordChangeForm("required-password-form", info, () => render());
  return card(h("h1", { text: t("change_password") }), h("p", { class: "notice", text: message("password_change_required", lang) }), pw);
}

/** Current and new password, the new one checked by the package first. */
function passwordChangeForm(id, info, done) {
  const pw = h("form", { novalidate: true, id },
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
      try { await api("POST", "/me/password", v); done(pw); }
      catch (err) { apiError(pw, err); }
    });
  });
  return pw;
}

const ROUTES = { signup: signupView, confirm: confirmView, login: loginView, forgot: forgotView, reset: resetView, profile: profileView, account: accountView, invite: inviteView };

async function renderPage() {
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

onRender(renderPage);

await init();
if (!localStorage.getItem("netid.lang")) setLang(negotiateLanguage((navigator.languages || [navigator.language]).join(",")));
langSelect.value = lang;
langSelect.addEventListener("change", () => { setLang(langSelect.value); localStorage.setItem("netid.lang", lang); render(); });
window.addEventListener("hashchange", render);
await render();
document.body.dataset.ready = "true";
