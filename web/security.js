// The profile's Security section: two-step authentication (setup with a QR code drawn in the
// page, the first code, recovery codes to copy or download; switching off; new codes) and
// the sessions list (end one, end all others); the remembered browsers (forget one, forget
// all). Every code is checked by @netid/client first.
import { validateOtp, qrPath, message } from "/vendor/netid-client/netid_client.js";
import { lang, t, h, field, showErrors, notice, api, apiError, busy, card, render, toast, go } from "/ui.js";
import { passkeysPanel } from "/passkeys.js";

const SVG = "http://www.w3.org/2000/svg";

/** The otpauth URI as a QR code, drawn from the package's module path (no third party). */
function qrCode(uri) {
  const qr = qrPath(uri);
  if (!qr) return null;
  const quiet = 4;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `${-quiet} ${-quiet} ${qr.size + 2 * quiet} ${qr.size + 2 * quiet}`);
  svg.setAttribute("class", "qr");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("tf_scan"));
  const bg = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x: -quiet, y: -quiet, width: qr.size + 2 * quiet, height: qr.size + 2 * quiet, fill: "#fff" })) bg.setAttribute(k, v);
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", qr.path);
  path.setAttribute("fill", "#000");
  svg.append(bg, path);
  return svg;
}

/** Recovery codes, shown once, with copy and download. */
function codesPanel(codes) {
  const text = codes.join("\n");
  const copy = h("button", { type: "button", class: "secondary", id: "copy-codes", text: t("copy") });
  const box = h("div", { id: "recovery-codes" },
    h("h3", { text: t("tf_codes_title") }), h("p", { class: "muted", text: t("tf_codes_hint") }),
    h("ol", { class: "codes" }, codes.map((c) => h("li", {}, h("code", { text: c })))));
  copy.addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(text); notice(box, t("copied")); } catch { notice(box, text); }
  });
  const download = h("a", { class: "button secondary", id: "download-codes", download: "netid-recovery-codes.txt", text: t("download") });
  download.href = URL.createObjectURL(new Blob([`${text}\n`], { type: "text/plain" }));
  // Sent here by a workspace that requires two-step: back to it once it is on.
  const done = h("button", { type: "button", id: "codes-done", text: t("done"), onclick: () => {
    const back = sessionStorage.getItem("netid.return");
    if (back && back.startsWith("#/account/")) { sessionStorage.removeItem("netid.return"); go(back); } else render();
  } });
  box.append(h("div", { class: "row" }, copy, download, done));
  return box;
}

/** Whether the person has a password (a profile made by a social signup has none: the
 * server then takes a session younger than 10 minutes instead, and no field is shown). */
let hasPassword = true;

/** A form asking for the current password; its field has its own name (ids stay unique). */
function passwordForm(id, name, label, danger, onPassword) {
  const form = h("form", { novalidate: true, id },
    hasPassword ? field(name, t("current_password"), "password", { autocomplete: "current-password" }) : null,
    h("button", { type: "submit", class: danger ? "danger" : "secondary", text: label }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const password = hasPassword ? new FormData(form).get(name) : "";
    if (hasPassword && !password) { showErrors(form, [{ field: name, message: message("invalid_credentials", lang) }]); return; }
    showErrors(form, []);
    busy(form, async () => { try { await onPassword(password, form); } catch (err) { apiError(form, err, { password: name }); } });
  });
  return form;
}

function twoFactorPanel(me) {
  const panel = h("div", { id: "two-factor" });
  if (me.two_factor_enabled) {
    const off = passwordForm("tf-disable-form", "tf_off_password", t("tf_disable"), true, async (password) => {
      await api("DELETE", "/me/two-factor", { password });
      toast(t("tf_switched_off"));
      render();
    });
    const regen = passwordForm("tf-regenerate-form", "tf_codes_password", t("tf_regenerate"), false, async (password, form) => {
      const r = await api("POST", "/me/two-factor/recovery-codes", { password });
      form.replaceWith(codesPanel(r.recovery_codes));
    });
    panel.append(h("p", { class: "notice good", text: t("tf_on") }), regen, off);
    return panel;
  }
  const start = passwordForm("tf-setup-form", "tf_password", t("tf_setup"), false, async (password, form) => {
    const s = await api("POST", "/me/two-factor/setup", { password });
    const enable = h("form", { novalidate: true, id: "tf-enable-form" },
      h("p", { class: "muted", text: t("tf_scan") }), qrCode(s.otpauth_uri),
      h("p", {}, `${t("tf_key")}: `, h("code", { id: "tf-secret", text: s.secret })),
      field("tf_code", t("otp_code"), "text", { inputmode: "numeric", autocomplete: "one-time-code" }),
      h("button", { type: "submit", text: t("tf_enable") }));
    enable.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const r = validateOtp(new FormData(enable).get("tf_code") || "", lang);
      if (!r.ok) { showErrors(enable, [{ field: "tf_code", message: r.message }]); return; }
      showErrors(enable, []);
      busy(enable, async () => {
        try {
          const done = await api("POST", "/me/two-factor/enable", { code: r.value });
          toast(t("tf_switched_on"));
          enable.replaceWith(codesPanel(done.recovery_codes));
        } catch (err) { apiError(enable, err, { code: "tf_code", otp: "tf_code" }); }
      });
    });
    form.replaceWith(enable);
  });
  panel.append(h("p", { class: "muted", text: t("tf_off") }), start);
  return panel;
}

async function sessionsPanel() {
  const panel = h("div", { id: "sessions" });
  let list;
  try { list = (await api("GET", "/me/sessions")).sessions; } catch (err) { panel.append(h("p", { class: "notice bad", text: err.apiMessage })); return panel; }
  const when = (iso) => new Date(iso).toLocaleString(lang);
  const rows = list.map((s) => h("li", { class: "session", "data-id": s.id, "data-current": s.current ? "true" : "false" },
    h("span", {},
      h("strong", { text: s.client === "desktop" ? t("desktop") : t("browser") }), " ",
      h("span", { class: "muted", text: [s.user_agent, s.location].filter(Boolean).join(" · ") }), " ",
      h("span", { class: "muted", text: `${t("last_seen")} ${when(s.last_seen_at)}` }), " ",
      s.current ? h("span", { class: "badge", text: t("this_session") }) : null),
    s.current ? null : h("button", {
      type: "button", class: "secondary end-session", text: t("end"),
      // Ending a session asks for the password again (or nothing more for a profile without
      // one, whose young session stands in for it).
      onclick: (ev) => {
        const li = ev.target.closest("li");
        if (li.querySelector("form")) return;
        const form = passwordForm(`end-${s.id}`, `end_password_${s.id}`, t("end"), true, async (password) => {
          await api("DELETE", `/me/sessions/${encodeURIComponent(s.id)}`, { password });
          li.remove();
          // The last other one gone: nothing is left to end "all" of.
          if (!panel.querySelector(".end-session")) others.remove();
          toast(t("session_ended_one"));
        });
        form.classList.add("end-session-form");
        li.append(form);
        form.querySelector("input")?.focus();
      },
    })));
  const others = h("div", { id: "end-others-box" }, h("button", {
    type: "button", class: "secondary", id: "end-others", text: t("end_others"),
    onclick: (ev) => {
      ev.target.hidden = true;
      const form = passwordForm("end-others-form", "end_others_password", t("end_others"), true, async (password) => {
        await api("POST", "/me/sessions/end-others", { password });
        toast(t("sessions_ended"));
        panel.replaceWith(await sessionsPanel());
      });
      others.append(form);
      form.querySelector("input")?.focus();
    },
  }));
  // One session: no "end all others" (and nothing else: a DOM append writes null as text).
  panel.append(h("ul", { class: "sessions" }, rows));
  if (list.length > 1) panel.append(others);
  return panel;
}

/** The browsers that skip the second step (each one ticked "Remember this browser" at a
 * login), to forget one by one or all at once; the panel is drawn again after each. */
async function rememberedBrowsersPanel() {
  const panel = h("div", { id: "remembered-browsers" },
    h("h3", { text: t("remembered_browsers") }), h("p", { class: "muted", text: t("remembered_browsers_lead") }));
  let list;
  try { list = (await api("GET", "/me/remembered-browsers")).browsers; } catch (err) { panel.append(h("p", { class: "notice bad", text: err.apiMessage })); return panel; }
  const when = (iso) => new Date(iso).toLocaleString(lang);
  const forget = (path) => async (ev) => {
    const button = ev.currentTarget;
    button.disabled = true;
    try {
      await api("DELETE", path);
      toast(t("browser_forgotten"));
      panel.replaceWith(await rememberedBrowsersPanel());
    } catch (err) { button.disabled = false; toast(err.apiMessage, true); }
  };
  if (!list.length) { panel.append(h("p", { class: "muted", id: "no-remembered-browsers", text: t("no_remembered_browsers") })); return panel; }
  const rows = list.map((b) => h("li", { class: "browser", "data-browser": b.id, "data-current": b.current ? "true" : "false" },
    h("span", {},
      h("strong", { text: b.device, title: b.user_agent }), " ",
      h("span", { class: "muted", text: [b.location, `${t("browser_last_used")} ${when(b.last_used_at)}`, `${t("browser_until")} ${when(b.expires_at)}`].filter(Boolean).join(" · ") }), " ",
      b.current ? h("span", { class: "badge", text: t("this_browser") }) : null),
    h("button", { type: "button", class: "secondary forget-browser", text: t("forget_browser"), onclick: forget(`/me/remembered-browsers/${encodeURIComponent(b.id)}`) })));
  panel.append(h("ul", { class: "sessions", id: "remembered-list" }, rows),
    h("button", { type: "button", class: "secondary", id: "forget-all-browsers", text: t("forget_all_browsers"), onclick: forget("/me/remembered-browsers") }));
  return panel;
}

/** The Security card of the profile page. */
export async function securityCard(me) {
  hasPassword = me.has_password !== false;
  return card(h("h2", { id: "security", text: t("two_step_title") }), twoFactorPanel(me),
    h("h3", { id: "passkeys-title", text: t("pk_title") }), await passkeysPanel(passwordForm),
    h("h3", { text: t("sessions") }), await sessionsPanel(), await rememberedBrowsersPanel());
}
