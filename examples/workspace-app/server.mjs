// A workspace's own app that signs people in through netid (OpenID Connect): the code flow
// with PKCE by openid-client, the back-channel logout receiver with jose. It serves several
// workspaces, one path each (/t/<tenant>/): every workspace that installs it registers it in
// netid's account area and gives it the client id and secret, read here from a JSON file
// ({"<tenant>": {"client_id": "...", "client_secret": "..."}}) when the tenant is first used.
//
//   node examples/workspace-app/server.mjs PORT NETID_ISSUER TENANTS_JSON
//
// Register, per tenant: redirect URI http://HOST/t/<tenant>/callback, post-logout URI
// http://HOST/t/<tenant>/, back-channel logout URI http://HOST/t/<tenant>/backchannel-logout,
// initiate-login URI http://HOST/t/<tenant>/login. (http only on 127.0.0.1, for development.)
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import * as oidc from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";

const [port, issuer, tenantsFile] = process.argv.slice(2);
const configs = new Map(); // tenant -> { config, jwks, clientId }
const logins = new Map(); // login cookie -> { verifier, state, nonce }
const sessions = new Map(); // session cookie -> { tenant, claims, tokens, ended }
const LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

async function tenant(name) {
  if (configs.has(name)) return configs.get(name);
  const entry = JSON.parse(readFileSync(tenantsFile, "utf8"))[name];
  if (!entry) return null;
  const local = new URL(issuer).protocol === "http:"; // development only: netid on 127.0.0.1
  const config = await oidc.discovery(new URL(issuer), entry.client_id,
    { client_secret: entry.client_secret, id_token_signed_response_alg: "ES256" }, undefined,
    local ? { execute: [oidc.allowInsecureRequests] } : undefined);
  const t = { config, clientId: entry.client_id, jwks: createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri)) };
  configs.set(name, t);
  return t;
}

const cookie = (req, name) => (req.headers.cookie || "").split(/;\s*/).map((c) => c.split("=")).find(([k]) => k === name)?.[1];
const html = (res, status, body) => res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" }).end(`<!doctype html><meta charset="utf-8"><title>Workspace app</title><main>${body}</main>`);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function page(res, name, t, s) {
  if (!s || s.ended) {
    const why = s?.ended ? `<p id="ended">${esc(s.ended)}</p>` : "";
    return html(res, 200, `<h1 id="state">Signed out of ${esc(name)}</h1>${why}<a id="sign-in" href="login">Sign in with netid</a>`);
  }
  // The access token lives 5 minutes: renew it when netid no longer takes it.
  let info;
  try { info = await oidc.fetchUserInfo(t.config, s.tokens.access_token, s.claims.sub); }
  catch {
    try {
      s.tokens = await oidc.refreshTokenGrant(t.config, s.tokens.refresh_token);
      info = await oidc.fetchUserInfo(t.config, s.tokens.access_token, s.claims.sub);
    } catch (e) { s.ended = `netid refused the session's tokens (${e.error || e.message})`; return page(res, name, t, s); }
  }
  html(res, 200, `<h1 id="state">Signed in to ${esc(name)}</h1><p id="who">${esc(info.name)} &lt;${esc(info.email)}&gt;, ${esc(s.claims.account_role)}</p><a href="logout">Sign out</a>`);
}

createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const [, prefix, name, action = ""] = url.pathname.split("/");
  const t = prefix === "t" && name ? await tenant(name).catch(() => null) : null;
  if (!t) return html(res, 404, "<h1>No such workspace</h1>");
  const base = `${url.origin}/t/${name}/`;
  const sid = cookie(req, `app_${name}`);
  if (action === "" && req.method === "GET") return page(res, name, t, sessions.get(sid));
  if (action === "login") {
    // Also netid's third-party initiated login (workspace switching): iss must be netid's.
    if (url.searchParams.has("iss") && url.searchParams.get("iss") !== t.config.serverMetadata().issuer) return html(res, 400, "<h1>Unknown issuer</h1>");
    const flow = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
    const key = randomBytes(16).toString("hex");
    logins.set(key, flow);
    const to = oidc.buildAuthorizationUrl(t.config, { redirect_uri: `${base}callback`, scope: "openid profile email",
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier), code_challenge_method: "S256", state: flow.state, nonce: flow.nonce });
    return res.writeHead(302, { Location: to.href, "Set-Cookie": `app_login_${name}=${key}; Path=/t/${name}/; HttpOnly; SameSite=Lax` }).end();
  }
  if (action === "callback") {
    const key = cookie(req, `app_login_${name}`);
    const flow = logins.get(key);
    logins.delete(key);
    if (!flow) return html(res, 400, "<h1>No sign-in was started here</h1>");
    try {
      const tokens = await oidc.authorizationCodeGrant(t.config, url, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
      const id = randomBytes(16).toString("hex");
      sessions.set(id, { tenant: name, claims: tokens.claims(), tokens });
      return res.writeHead(302, { Location: base, "Set-Cookie": `app_${name}=${id}; Path=/t/${name}/; HttpOnly; SameSite=Lax` }).end();
    } catch (e) {
      const why = [e.error, e.error_description].filter(Boolean).join(": ") || e.message;
      return html(res, 403, `<h1 id="state">Not signed in</h1><p id="ended">${esc(why)}</p><a id="sign-in" href="login">Try again</a>`);
    }
  }
  if (action === "logout") {
    const s = sessions.get(sid);
    sessions.delete(sid);
    const to = s ? oidc.buildEndSessionUrl(t.config, { id_token_hint: s.tokens.id_token, post_logout_redirect_uri: base }).href : base;
    return res.writeHead(302, { Location: to }).end();
  }
  if (action === "backchannel-logout" && req.method === "POST") {
    let body = "";
    for await (const chunk of req) body += chunk;
    try {
      const { payload } = await jwtVerify(new URLSearchParams(body).get("logout_token") || "", t.jwks,
        { issuer: t.config.serverMetadata().issuer, audience: t.clientId, typ: "logout+jwt", maxTokenAge: "2 minutes" });
      if (!payload.events?.[LOGOUT_EVENT] || payload.nonce !== undefined || !(payload.sid || payload.sub)) throw new Error("not a logout token");
      for (const s of sessions.values()) {
        const same = payload.sid ? s.claims.sid === payload.sid : s.claims.sub === payload.sub;
        if (s.tenant === name && same) s.ended = "netid signed you out (back-channel logout)";
      }
      return res.writeHead(200, { "Cache-Control": "no-store" }).end();
    } catch (e) { return res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "invalid_request", error_description: e.message })); }
  }
  html(res, 404, "<h1>Not found</h1>");
}).listen(Number(port), "127.0.0.1");
