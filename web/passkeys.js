// Passkeys in the pages: the WebAuthn ceremonies (options from the server's JSON, the
// browser's credential back as JSON), the Security section's list (add, rename, remove),
// the login page's "Use a passkey" button and conditional UI (the login field offers the
// passkeys the browser holds), and a passkey as the second step.
import { lang, t, h, field, showErrors, notice, api, apiError, busy, toast } from "/ui.js";

const b64u = {
  decode: (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)).buffer,
  encode: (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
};

/** Whether this page can use passkeys: the browser has WebAuthn, and the address has a host
 * name (an IP address is no RP ID: the server answers `invalid_passkey` there). */
export function passkeysHere() {
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(location.hostname) || location.hostname.startsWith("[");
  return Boolean(window.PublicKeyCredential) && !ip;
}

/** The same page by host name, when it was reached by a loopback IP address. */
function namedUrl() {
  if (!["127.0.0.1", "[::1]"].includes(location.hostname)) return null;
  return `${location.protocol}//localhost${location.port ? `:${location.port}` : ""}${location.pathname}${location.hash}`;
}

/** Why there are no passkeys here, with the way to them when there is one. */
export function passkeysAbsent() {
  if (!window.PublicKeyCredential) return h("p", { class: "muted", id: "pk-absent", text: t("pk_unsupported") });
  const url = namedUrl();
  return h("p", { class: "muted", id: "pk-absent" }, `${t("pk_need_name")} `, url ? h("a", { href: url, text: url.replace(/#.*$/, "") }) : location.host);
}

function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  return {
    ...json, challenge: b64u.decode(json.challenge), user: { ...json.user, id: b64u.decode(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: b64u.decode(c.id) })),
  };
}

function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  return { ...json, challenge: b64u.decode(json.challenge), allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: b64u.decode(c.id) })) };
}

/** The credential as the server reads it (`PublicKeyCredential.toJSON()`). */
function credentialJson(c) {
  if (typeof c.toJSON === "function") return c.toJSON();
  const r = c.response;
  const response = { clientDataJSON: b64u.encode(r.clientDataJSON) };
  if (r.attestationObject) Object.assign(response, { attestationObject: b64u.encode(r.attestationObject), transports: r.getTransports?.() || [] });
  if (r.authenticatorData) {
    Object.assign(response, { authenticatorData: b64u.encode(r.authenticatorData), signature: b64u.encode(r.signature) });
    if (r.userHandle) response.userHandle = b64u.encode(r.userHandle);
  }
  return { id: c.id, rawId: b64u.encode(c.rawId), type: c.type, response, clientExtensionResults: c.getClientExtensionResults?.() || {} };
}

/** A ceremony the person cancelled or let time out: said plainly, not as an error code. */
function cancelled(err) {
  return err && (err.name === "NotAllowedError" || err.name === "AbortError");
}

/** The conditional request of the login field, aborted before any modal one. */
let conditional = null;
function abortConditional() {
  if (conditional) { conditional.abort(); conditional = null; }
}

async function signIn(publicKey, mediation, signal) {
  const cred = await navigator.credentials.get({ publicKey: requestOptions(publicKey), mediation, signal });
  return cred && credentialJson(cred);
}

/** `POST /login/passkey` with what the browser answered; then `done()`. */
async function finishLogin(credential, done) {
  await api("POST", "/login/passkey", { credential, client: "browser" });
  done();
}

/**
 * The login page's passkey parts: the login field offers passkeys (conditional UI) and a
 * "Use a passkey" button asks for one. `form` shows the errors; `done` goes on after login.
 */
export function passkeyLogin(form, done) {
  if (!passkeysHere()) return null;
  const input = form.querySelector("[name=login]");
  input.setAttribute("autocomplete", "username webauthn");
  abortConditional();
  (async () => {
    if (!(await PublicKeyCredential.isConditionalMediationAvailable?.())) return;
    const ctl = new AbortController();
    conditional = ctl;
    try {
      const o = await api("POST", "/login/passkey/options", {});
      const credential = await signIn(o.publicKey, "conditional", ctl.signal);
      if (credential && conditional === ctl) { conditional = null; await finishLogin(credential, done); }
    } catch (err) {
      // The field's own request fails quietly unless it got an answer the person must see
      // (the passkey itself refused): the password and the button still work.
      if (!cancelled(err) && conditional === ctl && err.code === "invalid_credentials") notice(form, err.apiMessage, true);
    }
  })();
  const button = h("button", { type: "button", class: "secondary", id: "passkey-login", text: t("pk_use") });
  button.addEventListener("click", () => {
    abortConditional();
    showErrors(form, []);
    button.disabled = true;
    (async () => {
      try {
        const o = await api("POST", "/login/passkey/options", {});
        const credential = await signIn(o.publicKey, "optional");
        if (credential) await finishLogin(credential, done);
      } catch (err) {
        notice(form, cancelled(err) ? t("pk_cancelled") : err.apiMessage || err.message, true);
      } finally { button.disabled = false; }
    })();
  });
  return button;
}

/** "Use a passkey" at the second step of `ticket`. */
export function passkeySecondStep(form, ticket, done, lost) {
  if (!passkeysHere()) return null;
  const button = h("button", { type: "button", class: "secondary", id: "passkey-second", text: t("pk_use") });
  button.addEventListener("click", () => {
    button.disabled = true;
    (async () => {
      try {
        const o = await api("POST", "/login/passkey/options", { ticket });
        const passkey = await signIn(o.publicKey, "optional");
        if (!passkey) return;
        // "Remember this browser" of the second-step form, when the page has it.
        await api("POST", "/login/second-factor", { ticket, passkey, remember_browser: document.getElementById("remember-browser")?.checked === true });
        done();
      } catch (err) {
        if (err.code === "unauthenticated") lost();
        else notice(form, cancelled(err) ? t("pk_cancelled") : err.apiMessage || err.message, true);
      } finally { button.disabled = false; }
    })();
  });
  return button;
}

/** Leaving the login page ends its conditional request. */
export function leaveLogin() {
  abortConditional();
}

function passkeyRow(k, refresh) {
  const when = (s) => new Date(s * 1000).toLocaleDateString(lang);
  const kind = k.backup_eligible ? t("pk_synced") : t("pk_device");
  const details = [k.authenticator, kind, `${t("pk_added_on")} ${when(k.created_at)}`, k.last_used_at ? `${t("pk_used")} ${when(k.last_used_at)}` : t("pk_never")];
  const name = h("strong", { class: "pk-name", text: k.name });
  const li = h("li", { class: "passkey", "data-id": k.id }, h("span", {}, name, " ", h("span", { class: "muted", text: details.filter(Boolean).join(" · ") })));
  const rename = h("button", { type: "button", class: "secondary pk-rename", text: t("pk_rename") });
  rename.addEventListener("click", () => {
    const form = h("form", { novalidate: true, class: "pk-rename-form" }, field("pk_name", t("pk_name"), "text", { value: k.name, maxlength: 64 }), h("button", { type: "submit", text: t("save") }));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const name = String(new FormData(form).get("pk_name") || "").trim();
      busy(form, async () => {
        try { await api("PATCH", `/me/passkeys/${encodeURIComponent(k.id)}`, { name }); toast(t("pk_renamed")); refresh(); }
        catch (err) { apiError(form, err, { name: "pk_name" }); }
      });
    });
    li.append(form);
    rename.hidden = true;
    form.querySelector("input").focus();
  });
  const remove = h("button", { type: "button", class: "danger pk-remove", text: t("pk_remove") });
  remove.addEventListener("click", async () => {
    remove.disabled = true;
    try { await api("DELETE", `/me/passkeys/${encodeURIComponent(k.id)}`); toast(t("pk_removed")); refresh(); }
    catch (err) { remove.disabled = false; notice(li, err.apiMessage, true); }
  });
  li.append(h("span", { class: "row" }, rename, remove));
  return li;
}

/** The Security section's passkeys: the list and "Add a passkey" (`passwordForm` asks for
 * the password, or nothing for a profile without one). */
export async function passkeysPanel(passwordForm) {
  const panel = h("div", { id: "passkeys" }, h("p", { class: "muted", text: t("pk_lead") }));
  const refresh = async () => panel.replaceWith(await passkeysPanel(passwordForm));
  let list = [];
  try { list = (await api("GET", "/me/passkeys")).passkeys; } catch (err) { panel.append(h("p", { class: "notice bad", text: err.apiMessage })); return panel; }
  panel.append(list.length ? h("ul", { class: "passkeys" }, list.map((k) => passkeyRow(k, refresh))) : h("p", { class: "muted", id: "pk-none", text: t("pk_none") }));
  if (!passkeysHere()) { panel.append(passkeysAbsent()); return panel; }
  const add = passwordForm("pk-add-form", "pk_password", t("pk_add"), false, async (password, form) => {
    const o = await api("POST", "/me/passkeys/options", { password });
    let cred;
    try { cred = await navigator.credentials.create({ publicKey: creationOptions(o.publicKey) }); }
    catch (err) { notice(form, cancelled(err) ? t("pk_cancelled") : err.message, true); return; }
    await api("POST", "/me/passkeys", { credential: credentialJson(cred) });
    toast(t("pk_added"));
    refresh();
  });
  panel.append(add);
  return panel;
}
