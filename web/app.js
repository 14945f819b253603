// netid web front end: plain ES modules, no build step. Validation runs in the page with
// @netid/client (the server's own rules, compiled to wasm) before any request is sent.
import init, {
  validateEmail, validatePhone, validateName, validatePassword, validateCode, validateSignup, validateLogin,
  validateAccountName, validatePhoto, message, negotiateLanguage, validateOtp, validateRecoveryCode,
} from "/vendor/netid-client/netid_client.js";
import {
  lang, setLang, t, h, field, showErrors, notice, api, apiError, busy, card, go, goBack, AUTHORIZE, params, render, onRender, onSessionGone, onLoggedOut,
  toast, spinner, empty, confirmDialog, strengthMeter, title, activity, regionPicker,
} from "/ui.js";
import { accountView, inviteView } from "/accounts.js";
import { securityCard } from "/security.js";
import { passkeyLogin, passkeySecondStep, leaveLogin } from "/passkeys.js";
import { socialButtons, socialCard } from "/social.js";

const app = document.getElementById("app");
const langSelect = document.getElementById("lang");
// The password of the signup (or login) waiting for its code, kept in memory only (never in
// storage): the confirmation sends it, so a code can only confirm the credentials of the
// person who asked for it (API: /signup/confirm takes `password`).
let pendingPassword = null;

// ---------- views ----------

// What the person typed into the sign-up form, kept in memory (never in storage) so that
// "Wrong address? Start again" from the code step keeps the names and the password.
let signupDraft = null;

async function signupView() {
  const form = h("form", { novalidate: true, id: "signup-form" },
    h("div", { class: "row" }, field("first_name", t("first_name"), "text", { autocomplete: "given-name" }), field("last_name", t("last_name"), "text", { autocomplete: "family-name" })),
    field("login", t("login_field"), "text", { autocomplete: "username", inputmode: "email" }),
    field("password", t("password"), "password", { autocomplete: "new-password" }),
    h("button", { type: "submit", text: t("create") }),
  );
  // Back from a social sign-up that did not make a profile: why, in the person's language.
  const socialError = params().get("error");
  if (socialError) notice(form, message(socialError, lang), true);
  if (params().has("again") && signupDraft) {
    for (const [name, value] of Object.entries(signupDraft)) form.querySelector(`[name=${name}]`).value = value;
    // Only the address was wrong: it is the field to correct.
    requestAnimationFrame(() => form.querySelector("[name=login]").select());
  }
  // One rule decides email or phone: core's, through the package. A national phone number
  // gets a country picker.
  const loginInput = form.querySelector("[name=login]");
  const [regionField, region] = regionPicker(loginInput, validateLogin);
  loginInput.closest(".field").after(regionField);
  const values = () => {
    const v = Object.fromEntries(new FormData(form));
    const kind = validateLogin(v.login, region(), lang).kind;
    const out = { first_name: v.first_name, last_name: v.last_name, password: v.password, [kind === "phone" ? "phone" : "email"]: v.login };
    if (kind === "phone" && region()) out.region = region();
    return out;
  };
  const pwInput = form.querySelector("[name=password]");
  pwInput.closest(".field").after(...strengthMeter(pwInput, () => {
    const v = values();
    return { email: v.email, phone: v.phone, first_name: v.first_name, last_name: v.last_name };
  }, validatePassword));
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
        pendingPassword = v.password;
        const typed = Object.fromEntries(new FormData(form));
        signupDraft = { first_name: typed.first_name, last_name: typed.last_name, login: typed.login, password: typed.password };
        sessionStorage.setItem("netid.pending", JSON.stringify({ channel: out.confirmation.channel, to: out.confirmation.to }));
        go(`#/confirm`);
      } catch (err) { apiError(form, err, { email: "login", phone: "login" }); }
    });
  });
  return card(h("h1", { text: t("signup_title") }), h("p", { class: "muted", text: t("signup_lead") }), form, await socialButtons("signup"),
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
        const body = { [key]: pending.to, code: r.value };
        try {
          await api("POST", "/signup/confirm", pendingPassword ? { ...body, password: pendingPassword } : body);
        } catch (err) {
          // The code carries another signup's claim (two were pending for this address): the
          // code still proves the address, and the profile then asks for a first password.
          if (err.code !== "invalid_credentials" || !pendingPassword) throw err;
          await api("POST", "/signup/confirm", body);
        }
        pendingPassword = null;
        signupDraft = null;
        sessionStorage.removeItem("netid.pending");
        go("#/profile");
      } catch (err) { apiError(form, err); }
    });
  });
  // Resend, after a countdown (the server also limits codes per address).
  const resend = h("button", { type: "button", class: "secondary", id: "resend-code" });
  let timer = null;
  const countdown = (seconds) => {
    clearInterval(timer);
    let left = seconds;
    const tick = () => {
      resend.disabled = left > 0;
      resend.textContent = left > 0 ? t("resend_in").replace("{s}", left) : t("resend_code");
      if (left-- <= 0) clearInterval(timer);
    };
    tick();
    timer = setInterval(tick, 1000);
  };
  resend.addEventListener("click", async () => {
    resend.disabled = true;
    try {
      await api("POST", "/signup/resend", { [pending.channel === "sms" ? "phone" : "email"]: pending.to });
      toast(`${t("code_sent")} ${pending.to}`);
      countdown(60);
    } catch (err) { resend.disabled = false; apiError(form, err); }
  });
  countdown(60);
  return card(h("h1", { text: t("confirm_title") }), h("p", { class: "muted" }, `${t("confirm_lead")} `, h("strong", { text: pending.to })), form,
    h("div", { class: "links" }, resend, h("a", { href: "#/signup?again=1", id: "wrong-address", text: t("wrong_address") })));
}

async function loginView() {
  const form = h("form", { novalidate: true, id: "login-form" },
    field("login", t("login_field"), "text", { autocomplete: "username" }),
    field("password", t("password"), "password", { autocomplete: "current-password" }),
    h("button", { type: "submit", text: t("login") }));
  const n = params().get("notice");
  if (n) notice(form, t(n));
  // Sent here by a workspace app's sign-in request: back to it once signed in.
  const cont = params().get("continue");
  if (cont && cont.startsWith(AUTHORIZE)) sessionStorage.setItem("netid.return", cont);
  // The app's login_hint (through the authorization endpoint) fills the login field.
  const hint = params().get("login");
  if (hint) form.querySelector("[name=login]").value = hint;
  // Back from a social provider: its error, or the second step after it.
  const socialError = params().get("error");
  if (socialError) notice(form, message(socialError, lang), true);
  const ticket = params().get("second_factor");
  if (ticket) {
    history.replaceState(null, "", "#/login");
    return card(h("h1", { text: t("login_title") }), secondStepForm(ticket));
  }
  const loginInput = form.querySelector("[name=login]");
  const [regionField, loginRegion] = regionPicker(loginInput, validateLogin);
  loginInput.closest(".field").after(regionField);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const r = validateLogin(v.login, loginRegion(), lang);
    const errors = [];
    if (!r.ok) errors.push({ field: "login", message: r.message });
    if (!v.password) errors.push({ field: "password", message: t("password_required") });
    if (errors.length) { showErrors(form, errors); return; }
    showErrors(form, []);
    busy(form, async () => {
      try {
        await api("POST", "/login", { login: r.value, password: v.password, client: "browser" });
        goBack();
      } catch (err) {
        if (err.code === "email_unconfirmed" || err.code === "phone_unconfirmed") {
          pendingPassword = v.password;
          sessionStorage.setItem("netid.pending", JSON.stringify({ channel: r.kind === "phone" ? "sms" : "email", to: r.value }));
          go("#/confirm");
        } else if (err.code === "second_factor_required" && err.secondFactor) {
          leaveLogin();
          form.replaceWith(secondStepForm(err.secondFactor.ticket, err.secondFactor.methods));
        } else if (err.code === "invalid_credentials" || err.code === "too_many_attempts") {
          showErrors(form, []);
          notice(form, err.apiMessage, true);
        } else apiError(form, err);
      }
    });
  });
  const passkey = passkeyLogin(form, goBack);
  return card(h("h1", { text: t("login_title") }), form, passkey ? h("div", { class: "row passkey-row" }, passkey) : null, await socialButtons("login"),
    h("div", { class: "links" }, h("a", {
      href: "#/forgot", id: "forgot-link", text: t("forgot"),
      // The login typed so far goes along, so recovery does not ask for it again.
      onclick: (ev) => { const typed = form.querySelector("[name=login]")?.value.trim(); if (typed) ev.currentTarget.href = `#/forgot?login=${encodeURIComponent(typed)}`; },
    }), h("a", { href: "#/signup", text: t("no_profile") })));
}

/** The second step of a login: a code from the authenticator app, a recovery code, or
 * (when `methods` says the profile has one) a passkey. */
function secondStepForm(ticket, methods = []) {
  let recovery = false;
  const input = () => (recovery
    ? field("recovery_code", t("recovery_code"), "text", { autocomplete: "off" })
    : field("otp", t("otp_code"), "text", { inputmode: "numeric", autocomplete: "one-time-code" }));
  const slot = h("div", { class: "factor" }, input());
  const toggle = h("button", { type: "button", class: "link", id: "use-recovery", text: t("use_recovery") });
  // Ticked: the server remembers this browser (an HttpOnly cookie, when the workspace
  // policy allows it) and skips this step on later password logins for 30 days.
  const remember = h("input", { type: "checkbox", id: "remember-browser" });
  const form = h("form", { novalidate: true, id: "second-factor-form" },
    h("p", { class: "muted", text: message("second_factor_required", lang) }), slot, toggle,
    h("label", { class: "check", for: "remember-browser" }, remember, t("remember_browser")), h("button", { type: "submit", text: t("verify") }));
  toggle.addEventListener("click", () => { recovery = !recovery; slot.replaceChildren(input()); toggle.hidden = recovery; });
  const passkey = methods.includes("passkey") ? passkeySecondStep(form, ticket, goBack, () => go("#/login")) : null;
  if (passkey) form.append(h("div", { class: "row passkey-row" }, passkey));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const r = recovery ? validateRecoveryCode(v.recovery_code || "", lang) : validateOtp(v.otp || "", lang);
    const f = recovery ? "recovery_code" : "otp";
    if (!r.ok) { showErrors(form, [{ field: f, message: r.message }]); return; }
    showErrors(form, []);
    busy(form, async () => {
      try {
        await api("POST", "/login/second-factor", { ticket, [f]: r.value, remember_browser: remember.checked });
        goBack();
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
  const form = h("form", { novalidate: true, id: "forgot-form" }, field("login", t("login_field"), "text", { autocomplete: "username" }), h("button", { type: "submit", text: t("send_code") }));
  const loginInput = form.querySelector("[name=login]");
  if (params().get("login")) loginInput.value = params().get("login");
  const [regionField, forgotRegion] = regionPicker(loginInput, validateLogin);
  loginInput.closest(".field").after(regionField);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const r = validateLogin(new FormData(form).get("login"), forgotRegion(), lang);
    if (!r.ok) { showErrors(form, [{ field: "login", message: r.message }]); return; }
    busy(form, async () => {
      try { await api("POST", "/password/forgot", { login: r.value }); go(`#/reset?login=${encodeURIComponent(r.value)}`); }
      catch (err) { apiError(form, err); }
    });
  });
  return card(h("h1", { text: t("forgot_title") }), form, h("div", { class: "links" }, h("a", { href: "#/login", text: t("back") })));
}

// The login's kind as the server decides it (core's rule, through the package).
function personalOf(login) {
  return validateLogin(login).kind === "email" ? { email: login } : { phone: login };
}

function resetView() {
  const login = params().get("login") || "";
  const form = h("form", { novalidate: true, id: "reset-form" },
    field("code", t("code"), "text", { inputmode: "numeric", autocomplete: "one-time-code" }),
    field("new_password", t("new_password"), "password", { autocomplete: "new-password" }),
    h("button", { type: "submit", text: t("reset") }));
  const np = form.querySelector("[name=new_password]");
  np.closest(".field").after(...strengthMeter(np, () => personalOf(login), validatePassword));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const errors = [];
    const c = validateCode(v.code, lang);
    if (!c.ok) errors.push({ field: "code", message: c.message });
    const p = validatePassword(v.new_password, personalOf(login), lang);
    if (!p.ok) errors.push({ field: "new_password", message: p.message });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form, async () => {
      try { await api("POST", "/password/reset", { login, code: c.value, new_password: v.new_password }); go("#/login?notice=reset_done"); }
      catch (err) { apiError(form, err); }
    });
  });
  return card(h("h1", { text: t("reset_title") }), h("p", { class: "muted" }, `${t("code_sent")} `, h("strong", { text: login })), form);
}

/** The signed-in person, or a redirect to the login page (remembering where they were). */
function requireMe(me) {
  if (me) return true;
  sessionStorage.setItem("netid.return", location.hash);
  go("#/login");
  return false;
}

// A workspace's "Open" on the network page: its own app when one signs people in through
// netid (enter answers the app's initiate-login URI), else netid's account area. One click and
// no password either way; a click for a new tab keeps the link's own address (the account area).
async function openWorkspace(ev, id) {
  if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  try {
    const entered = await api("POST", `/accounts/${id}/enter`);
    if (entered.app_url) { location.assign(entered.app_url); return; }
  } catch { /* the account area shows why it cannot be entered */ }
  go(`#/account/${id}`);
}

async function profileView(_arg, me) {
  if (!requireMe(me)) return h("div");
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
        toast(t("saved"));
      } catch (err) { apiError(names, err); }
    });
  });

  // Photo
  const photo = h("form", { id: "photo-form" }, h("div", { class: "row" },
    h("label", { class: "field", for: "f-photo" }, h("span", { class: "sr-only", text: t("photo") }), h("input", { type: "file", name: "photo", id: "f-photo", accept: "image/png,image/jpeg,image/webp", "aria-describedby": "e-photo" })),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "apply_to_all_accounts" }), t("apply_all")),
    h("button", { type: "submit", class: "secondary", text: t("upload") }),
    me.photo_url ? h("button", { type: "button", class: "danger", id: "remove-photo", text: t("remove_photo"), onclick: async (ev) => {
      ev.target.disabled = true;
      try { await api("DELETE", "/me/photo"); toast(t("photo_removed")); render(); }
      catch (err) { ev.target.disabled = false; apiError(photo, err); }
    } }) : null), h("div", { class: "error", id: "e-photo" }));
  photo.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const file = photo.querySelector("[name=photo]").files[0];
    const check = file ? validatePhoto(file.type, file.size, lang) : { ok: false, message: message("invalid_photo", lang) };
    if (!check.ok) { showErrors(photo, [{ field: "photo", message: check.message }]); return; }
    const all = photo.querySelector("[name=apply_to_all_accounts]").checked;
    busy(photo, async () => {
      try {
        await api("PUT", "/me/photo", file, { headers: { "Content-Type": file.type }, query: `&apply_to_all_accounts=${all}` });
        toast(t("photo_saved"));
        render();
      }
      catch (err) { apiError(photo, err); }
    });
  });

  // Email / phone change: two steps each.
  const contact = (kind) => {
    const isEmail = kind === "email";
    const form = h("form", { novalidate: true, id: `${kind}-form` },
      field(kind, isEmail ? t("new_email") : t("new_phone"), isEmail ? "email" : "tel"),
      me.has_password ? field("password", t("current_password"), "password", { autocomplete: "current-password" }) : null,
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
            if (me.has_password && !v.password) { showErrors(form, [{ field: "password", message: message("invalid_credentials", lang) }]); return; }
            showErrors(form, []);
            await api("POST", `/me/${kind}`, { [kind]: r.value, password: v.password || "" });
            sentTo = r.value;
            form.querySelector(".code-step").hidden = false;
            notice(form, `${t("code_sent")} ${sentTo}`);
          } else {
            const c = validateCode(v.code, lang);
            if (!c.ok) { showErrors(form, [{ field: "code", message: c.message }]); return; }
            await api("POST", `/me/${kind}/confirm`, { [kind]: sentTo, code: c.value, apply_to_all_accounts: v.apply_to_all_accounts === "on" });
            toast(isEmail ? t("email_changed") : t("phone_changed"));
            render();
          }
        } catch (err) { apiError(form, err); }
      });
    });
    return form;
  };

  const who = me.email || me.phone || `${me.first_name} ${me.last_name}`.trim();
  const del = h("form", { novalidate: true, id: "delete-form" },
    h("p", { class: "muted", text: me.accounts.length ? t("delete_blocked") : t("delete_lead") }),
    me.has_password ? field("password", t("delete_confirm"), "password", { autocomplete: "current-password" }) : null,
    h("button", { type: "submit", class: "danger", text: t("delete_profile") }));
  del.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const password = me.has_password ? new FormData(del).get("password") : "";
    if (me.has_password && !password) { showErrors(del, [{ field: "password", message: t("password_required") }]); return; }
    const sure = await confirmDialog({ title: t("delete_profile"), body: t("delete_warning"), confirm: t("delete_profile"), typed: who });
    if (!sure) return;
    busy(del, async () => {
      try { await api("DELETE", "/me", { password }); go("#/login?notice=deleted"); }
      catch (err) { apiError(del, err); }
    });
  });

  const confirmed = (v, ok) => (v ? h("span", {}, v, " ", ok ? null : h("span", { class: "badge", text: t("unconfirmed") })) : h("span", { class: "muted", text: "—" }));
  const accountList = me.accounts.length
    ? h("ul", { class: "accounts", id: "account-list" }, me.accounts.map((a) => h("li", {},
        h("span", {}, h("strong", { text: a.name }), " ", h("span", { class: "muted", text: a.address })),
        h("span", { class: "row" }, h("span", { class: "badge", text: `${t(a.role)} · ${a.type === "extranet" ? t("extranet") : t(`plan_${a.plan}`)}` }),
          h("a", { class: "enter", href: `#/account/${a.id}`, text: t("enter"), onclick: (ev) => openWorkspace(ev, a.id) })))))
    : empty(t("no_accounts"));
  const create = h("form", { novalidate: true, id: "create-account-form" },
    h("div", { class: "row" }, field("name", t("account_name")), h("button", { type: "submit", class: "secondary", text: t("create_account") })));
  create.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const name = new FormData(create).get("name").trim();
    if (name) { const r = validateAccountName(name, lang); if (!r.ok) { showErrors(create, [{ field: "name", message: r.message }]); return; } }
    busy(create, async () => {
      try { const acc = await api("POST", "/accounts", name ? { name } : {}); toast(t("account_created").replace("{account}", acc.name)); go(`#/account/${acc.id}`); }
      catch (err) { apiError(create, err); }
    });
  });
  const accounts = h("div", {}, accountList, h("div", { class: "spaced" }, create));

  return h("div", {},
    card(h("div", { class: "who" }, avatar, h("div", { class: "who-text" }, h("h1", { id: "display-name", text: `${me.first_name} ${me.last_name}` }),
      h("div", { class: "muted" }, t("email"), ": ", confirmed(me.email, me.email_confirmed)),
      h("div", { class: "muted" }, t("phone"), ": ", confirmed(me.phone, me.phone_confirmed))))),
    card(h("h2", { text: t("accounts") }), accounts),
    await socialCard(me),
    card(h("h2", { text: t("names") }), names),
    card(h("h2", { text: t("photo") }), photo),
    card(h("h2", { text: t("change_email") }), contact("email")),
    card(h("h2", { text: t("change_phone") }), contact("phone")),
    card(h("h2", { text: t("delete_profile") }), del));
}

/** Security: the password, two-step authentication and the sessions. */
async function securityView(_arg, me) {
  if (!requireMe(me)) return h("div");
  const info = { email: me.email, phone: me.phone, first_name: me.first_name, last_name: me.last_name };
  if (me.password_change_required) return requiredPasswordView(info);
  if (me.has_password === false) {
    const first = passwordChangeForm("set-password-form", info, () => { toast(t("password_set")); render(); }, true);
    return h("div", {}, card(h("h1", { text: t("security") }), h("h2", { text: t("set_password") }), h("p", { class: "muted", text: t("set_password_lead") }), first), await securityCard(me));
  }
  const pw = passwordChangeForm("password-form", info, (form) => { form.reset(); notice(form, t("password_changed")); toast(t("password_changed")); });
  return h("div", {}, card(h("h1", { text: t("security") }), h("h2", { text: t("change_password") }), pw), await securityCard(me));
}

function notFoundView() {
  return card(h("h1", { text: t("not_found_title") }), h("p", { class: "muted", text: t("not_found_lead") }),
    h("a", { class: "button", href: "#/profile", text: t("to_profile") }));
}


/** An admin chose this person's password: nothing else until they choose their own. */
function requiredPasswordView(info) {
  const pw = passwordChangeForm("required-password-form", info, () => render());
  return card(h("h1", { text: t("change_password") }), h("p", { class: "notice", text: message("password_change_required", lang) }), pw);
}

/** Current and new password, the new one checked by the package first. A profile made by a
 * social sign-up has no current password: its first one is set with the new one alone. */
function passwordChangeForm(id, info, done, first = false) {
  const pw = h("form", { novalidate: true, id },
    first ? null : field("current_password", t("current_password"), "password", { autocomplete: "current-password" }),
    field("new_password", t("new_password"), "password", { autocomplete: "new-password" }),
    h("button", { type: "submit", text: first ? t("set_password") : t("change_password") }));
  const np = pw.querySelector("[name=new_password]");
  np.closest(".field").after(...strengthMeter(np, () => info, validatePassword));
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

// Each page: its view and the label of its title. Unknown routes are the 404 page.
const ROUTES = {
  signup: [signupView, "signup_title"], confirm: [confirmView, "confirm_title"], login: [loginView, "login_title"],
  forgot: [forgotView, "forgot_title"], reset: [resetView, "reset_title"], profile: [profileView, "profile_title"],
  security: [securityView, "security"], account: [accountView, "account"], invite: [inviteView, "invitation"],
};
const PUBLIC = new Set(["signup", "confirm", "login", "forgot", "reset"]);

/** The top bar's part for a signed-in person: the workspace switcher and the user menu. */
function renderNav(me, route, arg) {
  const nav = document.getElementById("nav");
  if (!me) { nav.replaceChildren(); return; }
  const current = route === "account" ? arg : "";
  const switcher = h("select", { id: "workspace", "aria-label": t("workspace"), onchange: (ev) => go(ev.target.value ? `#/account/${ev.target.value}` : "#/profile") },
    h("option", { value: "", text: t("all_workspaces"), selected: !current }),
    me.accounts.map((a) => h("option", { value: a.id, text: a.name, selected: a.id === current })));
  const logout = h("button", { type: "button", id: "logout", class: "menu-item", text: t("logout"),
    onclick: async () => { await api("POST", "/logout").catch(() => {}); go("#/login?notice=logged_out"); } });
  const menu = h("details", { class: "menu", id: "user-menu" },
    h("summary", {}, h("span", { class: "initials", "aria-hidden": "true", text: `${me.first_name[0] || ""}${me.last_name[0] || ""}` }),
      h("span", { class: "menu-name", text: me.first_name }), h("span", { class: "sr-only", text: ` ${t("account_menu")}` })),
    h("div", { class: "menu-list" },
      h("a", { class: "menu-item", href: "#/profile", text: t("profile_title") }),
      h("a", { class: "menu-item", href: "#/security", text: t("security") }), logout));
  // Escape closes the menu and gives the focus back to its button.
  menu.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
  });
  menu.addEventListener("click", (ev) => { if (ev.target.closest(".menu-item")) menu.open = false; });
  nav.replaceChildren(...(me.accounts.length ? [switcher, menu] : [menu]));
}

// ---------- the idle warning ----------
// A browser session ends after 24 idle minutes (GET /session says how long). Two minutes
// before, a dialog offers to stay signed in; at the end the page goes to the login.
let signedIn = false;
let idleSeconds = 24 * 60;
let warning = null;

// The session is over (idle here, or ended elsewhere: another device's "end all others", a
// password change, an administrator): the login page says which, and comes back here after.
function sessionOver(why) {
  renders++; // the render in flight, if any, must not draw its page signed out over the login
  warning?.close();
  warning = null;
  signedIn = false;
  const here = location.hash;
  if (here && !/^#\/(login|signup|confirm|forgot|reset)\b/.test(here)) sessionStorage.setItem("netid.return", here);
  go(`#/login?notice=${why}`);
}
onSessionGone(() => { if (signedIn) sessionOver("session_gone"); });
onLoggedOut(() => { signedIn = false; });

function idleCheck() {
  if (!signedIn) return;
  const idle = (Date.now() - activity.at) / 1000;
  if (idle >= idleSeconds) {
    sessionOver("session_ended");
    api("POST", "/logout").catch(() => {});
  } else if (idle >= idleSeconds - 120 && !warning) {
    const stay = h("button", { type: "button", id: "stay-signed-in", text: t("stay_signed_in") });
    const out = h("button", { type: "button", class: "secondary", text: t("logout") });
    const dialog = h("dialog", { class: "confirm", id: "idle-warning", "aria-labelledby": "idle-title" },
      h("h2", { id: "idle-title", text: t("idle_title") }), h("p", { text: t("idle_body") }), h("div", { class: "row" }, stay, out));
    warning = { close: () => { dialog.close(); dialog.remove(); } };
    stay.addEventListener("click", async () => {
      warning.close();
      warning = null;
      try { await api("GET", "/session"); } catch { sessionOver("session_ended"); }
    });
    out.addEventListener("click", async () => { warning.close(); warning = null; await api("POST", "/logout").catch(() => {}); go("#/login?notice=logged_out"); });
    dialog.addEventListener("cancel", (ev) => ev.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
    stay.focus();
  }
}
setInterval(idleCheck, 5000);

// Renders overlap (a hash change while the last page still awaits its requests): only the newest
// may touch the page, or a slow older one would put its view back over the newer one.
let renders = 0;

async function renderPage() {
  const seq = ++renders;
  // A login field's pending passkey request ends with the page it belongs to.
  leaveLogin();
  const stale = () => seq !== renders;
  const [name, arg] = ((location.hash.replace(/^#\//, "").split("?")[0]) || "profile").split("/");
  const [view, titleKey] = ROUTES[name] || [notFoundView, "not_found_title"];
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  app.setAttribute("aria-busy", "true");
  app.replaceChildren(spinner());
  title(t(titleKey));
  try {
    const me = PUBLIC.has(name) ? null : await api("GET", "/me").catch((err) => { if (err.status === 401) return null; throw err; });
    if (stale()) return;
    renderNav(me, name, arg);
    signedIn = Boolean(me);
    if (me && !warning) api("GET", "/session").then((sess) => { idleSeconds = sess.idle_timeout_seconds || idleSeconds; }).catch(() => {});
    const node = await view(arg, me);
    if (stale()) return;
    app.replaceChildren(node);
    const heading = app.querySelector("h1");
    if (heading && name === "account") title(heading.textContent);
    const first = app.querySelector("input:not([type=checkbox]):not([type=file])");
    if (first && PUBLIC.has(name)) first.focus();
  } catch (err) {
    if (stale()) return;
    const text = err instanceof TypeError || err.code === "offline" ? t("offline") : err.apiMessage || message("internal_error", lang);
    app.replaceChildren(card(h("h1", { text: t("error_title") }), h("div", { class: "notice bad", text }),
      h("button", { type: "button", class: "secondary", text: t("retry"), onclick: () => render() })));
  } finally {
    if (!stale()) app.removeAttribute("aria-busy");
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
