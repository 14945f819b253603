// Shared by the views: the language, labels, DOM helpers, the API client, navigation.
import { message } from "/vendor/netid-client/netid_client.js";
import { LABELS } from "/i18n.js";

const API = "/api/v1";

/** The page's language (a live binding: importers always see the current one). */
export let lang = localStorage.getItem("netid.lang") || "en";
export function setLang(l) { lang = l; }

export const t = (key) => (LABELS[lang] && LABELS[lang][key]) ?? LABELS.en[key] ?? key;

/** A count in words: the label's plural form for `n` in the page's language (Intl.PluralRules:
 * Russian and Polish have one, few and many), with `n` written the language's way. */
export function count(key, n) {
  const forms = t(key);
  const form = typeof forms === "object" ? forms[new Intl.PluralRules(lang).select(n)] ?? forms.other : String(forms);
  return form.replace("{n}", new Intl.NumberFormat(lang).format(n));
}

let renderView = () => {};
/** Re-renders the current page (the router registers itself). */
export function render() { return renderView(); }
export function onRender(fn) { renderView = fn; }

export function h(tag, attrs = {}, ...children) {
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

/**
 * A labelled input with its error slot. The slot is tied to the input for screen readers
 * (aria-describedby) and clears as soon as the person types. Passwords get a show/hide toggle.
 */
export function field(name, label, type = "text", attrs = {}) {
  const input = h("input", { name, id: `f-${name}`, type, "aria-describedby": `e-${name}`, ...attrs });
  const error = h("div", { class: "error", id: `e-${name}`, role: "alert" });
  input.addEventListener("input", () => { error.textContent = ""; input.removeAttribute("aria-invalid"); });
  const caption = h("span", { text: label, class: label ? null : "sr-only" });
  if (type !== "password") return h("label", { class: "field", for: `f-${name}` }, caption, input, error);
  const toggle = h("button", { type: "button", class: "reveal", "aria-controls": `f-${name}`, "aria-pressed": "false", text: t("show") });
  toggle.addEventListener("click", () => {
    const shown = input.type === "text";
    input.type = shown ? "password" : "text";
    toggle.textContent = shown ? t("show") : t("hide");
    toggle.setAttribute("aria-pressed", String(!shown));
  });
  return h("div", { class: "field" }, h("label", { for: `f-${name}` }, caption), h("div", { class: "with-reveal" }, input, toggle), error);
}

/** Shows errors on their fields (or as a notice), and moves the focus to the first one. */
export function showErrors(form, errors) {
  form.querySelectorAll(".error").forEach((e) => (e.textContent = ""));
  form.querySelectorAll("input, textarea, select").forEach((i) => i.removeAttribute("aria-invalid"));
  let placed = false;
  let first = null;
  for (const err of errors) {
    const slot = form.querySelector(`#e-${err.field}`);
    const input = form.querySelector(`[name="${err.field}"]`);
    if (slot) { slot.textContent = err.message; placed = true; }
    if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
    if (!slot) notice(form, err.message, true);
  }
  if (first) first.focus();
  return placed;
}

export function notice(form, text, bad = false) {
  let n = form.querySelector(".notice");
  if (!n) { n = h("div", { class: "notice", role: "status" }); form.prepend(n); }
  n.textContent = text;
  n.classList.toggle("bad", bad);
}

/** When the person last did something that reached the server (the idle warning reads it). */
export const activity = { at: Date.now() };

// Told when a request finds the session gone, and when a logout ended it on purpose (the
// page decides what each means).
let sessionGone = null;
let loggedOut = null;
export function onSessionGone(fn) { sessionGone = fn; }
export function onLoggedOut(fn) { loggedOut = fn; }

export async function api(method, path, body, extra = {}) {
  const headers = { "Accept-Language": lang, ...(extra.headers || {}) };
  let payload;
  if (body instanceof Blob) { payload = body; }
  else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  let resp;
  try {
    resp = await fetch(`${API}${path}?lang=${lang}${extra.query || ""}`, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    // No answer at all: the network, not the server.
    const err = new Error(t("offline"));
    Object.assign(err, { status: 0, code: "offline", apiMessage: t("offline") });
    throw err;
  }
  const text = await resp.text();
  const data = text ? JSON.parse(text) : null;
  if (!resp.ok) {
    const e = data && data.error ? data.error : { code: "internal_error", message: message("internal_error", lang) };
    if (resp.status === 401 && e.code === "unauthenticated") sessionGone?.();
    const err = new Error(e.message);
    Object.assign(err, { status: resp.status, code: e.code, field: e.field, apiMessage: e.message, secondFactor: data && data.second_factor });
    throw err;
  }
  if (method === "POST" && path === "/logout") loggedOut?.();
  activity.at = Date.now();
  return data;
}

/** Shows an API error on its field (or as a notice). */
export function apiError(form, err, fieldMap = {}) {
  const f = fieldMap[err.field] || err.field;
  if (f && form.querySelector(`#e-${f}`)) showErrors(form, [{ field: f, message: err.apiMessage || err.message }]);
  else notice(form, err.apiMessage || err.message, true);
}

export async function busy(form, fn) {
  const btn = form.querySelector("button[type=submit]");
  if (btn) btn.disabled = true;
  try { await fn(); } finally { if (btn) btn.disabled = false; }
}

export function card(...children) { return h("section", { class: "card" }, ...children); }

/** A short-lived confirmation of a success, read out by screen readers. */
export function toast(text, bad = false, action = null) {
  let box = document.getElementById("toasts");
  if (!box) box = h("div", { id: "toasts", role: "status", "aria-live": "polite" });
  // Inside the open modal dialog, if any: the rest of the page is under its backdrop (and
  // inert), so a toast there would be invisible ("Invitations sent" while the invite dialog
  // is open). `modal` hands the box back to the page when it closes.
  const host = [...document.querySelectorAll("dialog[open]")].pop() || document.body;
  if (box.parentElement !== host) host.append(box);
  const item = h("div", { class: bad ? "toast bad" : "toast" }, h("span", { text }));
  // An undo (or other) action where the API allows one; the toast then stays longer.
  if (action) {
    item.append(h("button", { type: "button", class: "toast-action", text: action.label, onclick: async () => { item.remove(); await action.run(); } }));
  }
  box.append(item);
  setTimeout(() => item.remove(), action ? 10000 : 5000);
}

/** A spinner with its text for screen readers. */
export function spinner(label = t("loading")) {
  return h("div", { class: "loading", role: "status" }, h("span", { class: "spin", "aria-hidden": "true" }), h("span", { class: "sr-only", text: label }));
}

/** An empty state: what is missing and the next action. */
export function empty(text, action) {
  return h("div", { class: "empty" }, h("p", { class: "muted", text }), action || null);
}

/**
 * Asks before a destructive action. With `typed`, the person must type that word first.
 * Resolves true when confirmed.
 */
export function confirmDialog({ title, body, confirm, typed }) {
  return new Promise((resolve) => {
    const input = typed ? h("input", { id: "confirm-typed", autocomplete: "off", "aria-describedby": "confirm-typed-hint" }) : null;
    const ok = h("button", { type: "submit", class: "danger", id: "confirm-ok", text: confirm, disabled: Boolean(typed) });
    const cancel = h("button", { type: "button", class: "secondary", id: "confirm-cancel", text: t("cancel") });
    const form = h("form", { method: "dialog" },
      h("h2", { id: "confirm-title", text: title }), h("p", { text: body }),
      typed ? h("label", { class: "field", for: "confirm-typed" }, h("span", { id: "confirm-typed-hint", text: t("type_to_confirm").replace("{word}", typed) }), input) : null,
      h("div", { class: "row" }, ok, cancel));
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-title" }, form);
    if (input) input.addEventListener("input", () => { ok.disabled = input.value.trim() !== typed; });
    const close = (v) => {
      const box = dialog.querySelector("#toasts");
      if (box) document.body.append(box);
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    form.addEventListener("submit", (ev) => { ev.preventDefault(); if (!ok.disabled) close(true); });
    cancel.addEventListener("click", () => close(false));
    dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(false); });
    document.body.append(dialog);
    dialog.showModal();
    (input || cancel).focus();
  });
}

/** A modal holding `content` (the invite dialog); answers a function that closes it. */
export function modal(title, content, onClose) {
  const closeBtn = h("button", { type: "button", class: "secondary close", id: "modal-close", text: t("close") });
  const dialog = h("dialog", { class: "modal", "aria-labelledby": "modal-title" },
    h("div", { class: "row spread" }, h("h2", { id: "modal-title", text: title }), closeBtn), content);
  const close = () => {
    // Toasts raised while it was open stay on the page.
    const box = dialog.querySelector("#toasts");
    if (box) document.body.append(box);
    dialog.close();
    dialog.remove();
    if (onClose) onClose();
  };
  closeBtn.addEventListener("click", close);
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  return close;
}

/** The password-strength meter for `input`, scored by @netid/client with `info()`. */
export function strengthMeter(input, info, validatePassword) {
  const bar = h("i");
  const meter = h("div", { class: "meter", "data-score": "0", "aria-hidden": "true" }, bar);
  const words = h("div", { class: "muted small strength", "aria-live": "polite" });
  input.addEventListener("input", () => {
    const r = validatePassword(input.value, info(), lang);
    meter.dataset.score = r.score;
    bar.style.width = `${(r.score / 4) * 100}%`;
    words.textContent = input.value ? t("strength")[r.score] : "";
  });
  return [meter, words];
}

/** The document title for a page. */
export function title(text) { document.title = text ? `${text} · netid` : "netid"; }
export function go(hash) { location.hash = hash; }

/** Where a login was asked for from: a workspace app's sign-in request at netid's provider. */
export const AUTHORIZE = "/api/v1/oauth/authorize?";

/** After a login: back to the page (or the app's sign-in request) that asked for it. */
export function goBack() {
  const back = sessionStorage.getItem("netid.return");
  sessionStorage.removeItem("netid.return");
  if (back && back.startsWith(AUTHORIZE)) location.assign(back);
  else go(back || "#/profile");
}
export function params() { return new URLSearchParams(location.hash.split("?")[1] || ""); }

export function select(name, label, options, value) {
  const el = h("select", { name, id: `f-${name}`, "aria-describedby": `e-${name}` }, options.map(([v, text]) => h("option", { value: v, text, selected: v === value })));
  return h("label", { class: "field", for: `f-${name}` }, h("span", { text: label }), el, h("div", { class: "error", id: `e-${name}` }));
}

export function resultList(results) {
  return h("ul", { class: "accounts results" }, results.map((r) => h("li", { "data-status": r.status },
    h("span", { text: r.to }), h("span", { class: r.status === "sent" ? "badge" : "badge bad", text: r.error ? `${t(`r_${r.status}`)}: ${r.error.message}` : t(`r_${r.status}`) }))));
}


// Countries offered for phone numbers typed without +: those of netid's languages first, then
// the most common others. Names come from the browser in the page's language.
const COUNTRIES = ["FR", "BE", "CH", "CA", "RU", "BY", "KZ", "VN", "PL", "US", "GB", "IE", "DE", "AT", "ES", "IT", "PT", "NL",
  "LU", "SE", "NO", "DK", "FI", "CZ", "SK", "UA", "LT", "LV", "EE", "RO", "BG", "GR", "TR", "IL", "MA", "TN", "DZ", "SN", "CI",
  "IN", "CN", "JP", "KR", "TH", "SG", "MY", "ID", "PH", "AU", "NZ", "BR", "AR", "MX", "CL", "CO", "ZA", "NG", "EG", "AE", "SA"];

/**
 * A country picker for `input` (a login or phone field), shown only while what is typed is a
 * phone number without its + country code. Answers the wrapper and a getter of the region.
 */
export function regionPicker(input, validateLogin) {
  let names;
  try { names = new Intl.DisplayNames([lang], { type: "region" }); } catch { names = { of: (c) => c }; }
  const guess = (navigator.language || "").split("-")[1]?.toUpperCase();
  const byLang = { fr: "FR", ru: "RU", vi: "VN", pl: "PL", en: "US" }[lang];
  const initial = COUNTRIES.includes(guess) ? guess : byLang;
  const options = COUNTRIES.map((c) => [c, names.of(c) || c]).sort((a, b) => a[1].localeCompare(b[1], lang));
  const wrap = select("region", t("region"), options, initial);
  wrap.hidden = true;
  const sel = wrap.querySelector("select");
  const update = () => {
    const v = input.value.trim();
    wrap.hidden = !(v && !v.startsWith("+") && validateLogin(v, undefined, lang).kind === "phone");
  };
  input.addEventListener("input", update);
  return [wrap, () => (wrap.hidden ? undefined : sel.value)];
}
