// Shared by the views: the language, labels, DOM helpers, the API client, navigation.
import { message } from "/vendor/netid-client/netid_client.js";
import { LABELS } from "/i18n.js";

const API = "/api/v1";

/** The page's language (a live binding: importers always see the current one). */
export let lang = localStorage.getItem("netid.lang") || "en";
export function setLang(l) { lang = l; }

export const t = (key) => (LABELS[lang] && LABELS[lang][key]) ?? LABELS.en[key] ?? key;

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

/** A labelled input with its error slot. */
export function field(name, label, type = "text", attrs = {}) {
  const input = h("input", { name, id: `f-${name}`, type, ...attrs });
  const error = h("div", { class: "error", id: `e-${name}`, role: "alert" });
  return h("label", { class: "field", for: `f-${name}` }, h("span", { text: label }), input, error);
}

export function showErrors(form, errors) {
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

export function notice(form, text, bad = false) {
  let n = form.querySelector(".notice");
  if (!n) { n = h("div", { class: "notice", role: "status" }); form.prepend(n); }
  n.textContent = text;
  n.classList.toggle("bad", bad);
}

export async function api(method, path, body, extra = {}) {
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
    Object.assign(err, { status: resp.status, code: e.code, field: e.field, apiMessage: e.message, secondFactor: data && data.second_factor });
    throw err;
  }
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
export function go(hash) { location.hash = hash; }
export function params() { return new URLSearchParams(location.hash.split("?")[1] || ""); }

export function select(name, label, options, value) {
  const el = h("select", { name, id: `f-${name}` }, options.map(([v, text]) => h("option", { value: v, text, selected: v === value })));
  return h("label", { class: "field", for: `f-${name}` }, h("span", { text: label }), el, h("div", { class: "error", id: `e-${name}` }));
}

export function resultList(results) {
  return h("ul", { class: "accounts results" }, results.map((r) => h("li", { "data-status": r.status },
    h("span", { text: r.to }), h("span", { class: r.status === "sent" ? "badge" : "badge bad", text: r.error ? `${t(`r_${r.status}`)}: ${r.error.message}` : t(`r_${r.status}`) }))));
}

