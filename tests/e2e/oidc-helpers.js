// The browser's side of a social sign-in against the local OpenID provider
// (tests/oidc/server.mjs), shared by the social test files.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { API, call, testIp } from "./helpers.js";

export const OIDC = process.env.NETID_OIDC_URL || "http://127.0.0.1:8794";

/** Cookies of one site, as a browser keeps them (enough for these tests: no paths, no expiry). */
export class Jar {
  /** A browser's cookies and the network it calls from (the anonymous budget is per network). */
  constructor(ip = testIp()) { this.c = new Map(); this.ip = ip; }
  take(resp) {
    for (const sc of resp.headers.getSetCookie()) {
      const pair = sc.split(";")[0];
      const i = pair.indexOf("=");
      const [k, v] = [pair.slice(0, i).trim(), pair.slice(i + 1).trim()];
      if (!v || /max-age=0/i.test(sc)) this.c.delete(k); else this.c.set(k, v);
    }
  }
  get header() { return [...this.c].map(([k, v]) => `${k}=${v}`).join("; "); }
  has(name) { return this.c.has(name); }
}

export async function get(url, jar, headers = {}) {
  const r = await fetch(url, { redirect: "manual", headers: { "CF-Connecting-IP": jar.ip, ...headers, ...(jar.header ? { Cookie: jar.header } : {}) } });
  jar.take(r);
  return r;
}

export async function postForm(url, jar, form, headers = {}) {
  const r = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": jar.ip, ...headers, ...(jar.header ? { Cookie: jar.header } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  jar.take(r);
  return r;
}

/** A person the provider knows. */
export async function providerUser(u = {}) {
  const sub = u.sub || `sub-${randomBytes(6).toString("hex")}`;
  const r = await fetch(`${OIDC}/_oidc/users`, { method: "POST", body: JSON.stringify({ name: "Ada Lovelace", given_name: "Ada", family_name: "Lovelace", ...u, sub }) });
  assert.equal(r.status, 201);
  return sub;
}

export async function forgeNext(kind) {
  const r = await fetch(`${OIDC}/_oidc/forge`, { method: "POST", body: JSON.stringify({ kind }) });
  assert.equal(r.status, 200);
}

/**
 * The browser's part: from netid's start (or a URL it answered) through the provider's sign-in
 * page as `sub` to the callback. Answers the callback's response and the netid cookie jar.
 */
export async function dance(provider, { sub, mode = "login", returnTo, jar = new Jar(), startUrl, token, cancel = false, forge, keepCallback = false, rewrite = (u) => u, stopAtCallback = false } = {}) {
  let r;
  if (!startUrl) {
    const q = new URLSearchParams({ mode, ...(returnTo ? { return_to: returnTo } : {}) });
    r = await get(`${API}/auth/social/${provider}/start?${q}`, jar, token ? { Authorization: `Bearer ${token}` } : {});
    assert.equal(r.status, 302, await r.text());
    startUrl = r.headers.get("location");
  }
  assert.ok(startUrl.startsWith(OIDC), startUrl);
  const op = new Jar();
  r = await get(startUrl, op);
  assert.equal(r.status, 303, await r.text());
  const interaction = new URL(r.headers.get("location"), OIDC).href;
  r = await get(interaction, op);
  assert.equal(r.status, 200);
  r = await postForm(`${interaction}/${cancel ? "abort" : "login"}`, op, cancel ? {} : { sub });
  assert.equal(r.status, 303, await r.text());
  r = await get(new URL(r.headers.get("location"), OIDC).href, op);
  if (forge) await forgeNext(forge);
  let callback;
  if (r.status === 200) {
    // response_mode=form_post (Apple): an auto-submitting form to netid's callback.
    const html = await r.text();
    const action = html.match(/action="([^"]+)"/)[1].replace(/&amp;/g, "&");
    const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    assert.ok(action.startsWith(`${API}/auth/social/${provider}/callback`), action);
    callback = { url: action, form: fields };
    r = await postForm(action, jar, fields, { Origin: OIDC });
  } else {
    assert.equal(r.status, 303, await r.text());
    const url = rewrite(r.headers.get("location"));
    assert.ok(url.startsWith(`${API}/auth/social/${provider}/callback?`), url);
    callback = { url };
    if (stopAtCallback) return { callback, jar };
    r = await get(url, jar);
  }
  assert.equal(r.status, 302, await r.text());
  const location = r.headers.get("location");
  const session = r.headers.getSetCookie().find((c) => c.startsWith("__Host-netid_session=") && !/Max-Age=0/i.test(c));
  const sessionToken = session ? session.split(";")[0].split("=")[1] : null;
  return { location, jar, sessionToken, callback: keepCallback ? callback : undefined, callbackResponse: r };
}

export function errorOf(location) {
  const q = location.split("?")[1] || "";
  return new URLSearchParams(q).get("error");
}

export async function me(token) {
  const r = await call("GET", "/me", { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

