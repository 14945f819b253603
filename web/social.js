// Social login in the web front end: the providers' buttons on the login and sign-up pages,
// and the profile's connected logins (connect, disconnect). The redirect dance itself is the
// server's (/api/v1/auth/social/*); errors come back as `?error=<code>` and are shown with the
// package's message in the person's language.
import { message } from "/vendor/netid-client/netid_client.js";
import { lang, t, h, field, showErrors, notice, api, apiError, busy, card, params, render, toast, confirmDialog } from "/ui.js";

let providersCache = null;
/** The configured social providers (asked once per page load). */
function socialProviders() {
  if (!providersCache) providersCache = api("GET", "/auth/social/providers").then((r) => r.providers).catch(() => []);
  return providersCache;
}

function startUrl(id, mode, returnTo) {
  return `/api/v1/auth/social/${encodeURIComponent(id)}/start?mode=${mode}&return_to=${encodeURIComponent(returnTo)}`;
}

/** A button per configured provider: "Continue with Google" (login) or "Sign up with Google". */
export async function socialButtons(mode) {
  const list = await socialProviders();
  if (!list.length) return null;
  const back = sessionStorage.getItem("netid.return") || "#/profile";
  return h("div", { class: "social", id: `social-${mode}` },
    h("p", { class: "divider", text: t("or_divider") }),
    list.map((p) => h("a", {
      class: "button secondary social-button", id: `social-${p.id}`, href: startUrl(p.id, mode, back.startsWith("/") ? back : `/${back}`),
      text: t(mode === "signup" ? "sign_up_with" : "continue_with").replace("{provider}", p.name),
      onclick: () => sessionStorage.removeItem("netid.return"),
    })));
}

/** The profile's connected logins: one row per configured provider, Connect or Disconnect. */
export async function socialCard(me) {
  const list = await socialProviders();
  if (!list.length) return null;
  const box = h("form", { novalidate: true, id: "social-form" });
  const err = params().get("error");
  if (err) notice(box, message(err, lang), true);
  const connected = params().get("connected");
  if (connected) {
    const p = list.find((x) => x.id === connected);
    if (p) toast(t("social_connected_toast").replace("{provider}", p.name));
    history.replaceState(null, "", "#/profile");
  }
  if (me.has_password) box.append(h("p", { class: "muted", text: t("social_password_lead") }), field("social_password", t("current_password"), "password", { autocomplete: "current-password" }));
  const connect = (p) => busy(box, async () => {
    const password = me.has_password ? new FormData(box).get("social_password") : null;
    if (me.has_password && !password) { showErrors(box, [{ field: "social_password", message: t("password_required") }]); return; }
    showErrors(box, []);
    try {
      const r = await api("POST", `/me/social/${p.id}/connect`, { ...(password ? { password } : {}), return_to: `/#/profile?connected=${p.id}` });
      location.assign(r.url);
    } catch (e) { apiError(box, e, { password: "social_password" }); }
  });
  const disconnect = async (p, link) => {
    const sure = await confirmDialog({ title: `${t("social_disconnect")} ${p.name}`, body: t("disconnect_confirm").replace("{provider}", p.name), confirm: t("social_disconnect") });
    if (!sure) return;
    busy(box, async () => {
      try {
        await api("DELETE", `/me/social/${encodeURIComponent(p.id)}/${encodeURIComponent(link.subject)}`);
        toast(t("social_disconnected_toast").replace("{provider}", p.name));
        render();
      } catch (e) { apiError(box, e); }
    });
  };
  const rows = list.map((p) => {
    const links = me.social.filter((s) => s.provider === p.id);
    const status = links.length
      ? h("span", {}, h("span", { class: "badge ok", text: t("social_connected") }), " ", h("span", { class: "muted", text: links.map((l) => l.email || "").filter(Boolean).join(", ") }))
      : h("span", { class: "muted", text: t("social_not_connected") });
    const action = links.length
      ? h("button", { type: "button", class: "secondary", id: `disconnect-${p.id}`, "aria-pressed": "true", text: `${t("social_disconnect")} ${p.name}`, onclick: () => disconnect(p, links[0]) })
      : h("button", { type: "button", class: "secondary", id: `connect-${p.id}`, "aria-pressed": "false", text: `${t("social_connect")} ${p.name}`, onclick: () => connect(p) });
    return h("li", { id: `social-row-${p.id}` }, h("span", {}, h("strong", { text: p.name }), " ", status), action);
  });
  box.append(h("ul", { class: "accounts social-list" }, rows));
  return card(h("h2", { text: t("social_title") }), h("p", { class: "muted", text: t("social_lead") }), box);
}
