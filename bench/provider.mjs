// netid as the OpenID Provider of its workspaces: the latency of a sign-in with a live netid
// session (authorize's 302 with a code, then the token request that redeems it), and token
// requests per second (refresh-token rotations, which sign an access and an ID token each),
// next to GET /health driven by the same client at the same concurrency.
import { createHash, randomBytes } from "node:crypto";
import { median, pct, r2 } from "./stats.mjs";

const REDIRECT = "http://127.0.0.1:9/callback";
const b64url = (b) => b.toString("base64url");

/** Registers the bench's confidential app in `accountId` (development build, before). */
export async function registerApp(call, token, accountId) {
  const r = await call("POST", `/accounts/${accountId}/apps`, {
    token, body: { name: "Bench CRM", type: "confidential", redirect_uris: [REDIRECT] },
  });
  if (r.status !== 201) throw new Error(`register app: ${r.status} ${r.text}`);
  return { client_id: r.json.client_id, client_secret: r.json.client_secret };
}

/** One sign-in: authorize on the session (302 with a code), then the code's redemption. */
async function signIn(api, app, session) {
  const verifier = b64url(randomBytes(32));
  const q = new URLSearchParams({
    response_type: "code", client_id: app.client_id, redirect_uri: REDIRECT, scope: "openid profile email",
    state: b64url(randomBytes(8)), nonce: b64url(randomBytes(8)),
    code_challenge: b64url(createHash("sha256").update(verifier).digest()), code_challenge_method: "S256",
  });
  const t0 = performance.now();
  const a = await fetch(`${api}/oauth/authorize?${q}`, { redirect: "manual", headers: { Cookie: `__Host-netid_session=${session}` } });
  await a.arrayBuffer();
  const code = a.status === 302 ? new URL(a.headers.get("location")).searchParams.get("code") : null;
  if (!code) throw new Error(`authorize: ${a.status}`);
  const t1 = performance.now();
  const t = await token(api, app, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier });
  if (t.status !== 200) throw new Error(`token: ${t.status} ${JSON.stringify(t.json)}`);
  return { authorize_ms: t1 - t0, token_ms: performance.now() - t1, total_ms: performance.now() - t0, tokens: t.json };
}

async function token(api, app, form) {
  const r = await fetch(`${api}/oauth/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(app.client_secret)}`).toString("base64")}`,
    },
    body: new URLSearchParams(form),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json };
}

/** `c` concurrent loops of `step` for `seconds`: requests per second and the failures. */
async function throughput(c, seconds, step) {
  const end = performance.now() + seconds * 1000;
  let ok = 0, failed = 0;
  await Promise.all(Array.from({ length: c }, async (_, i) => {
    while (performance.now() < end) {
      if (await step(i)) ok++; else failed++;
    }
  }));
  return { rps: r2(ok / seconds), failed };
}

/**
 * Production build: `session` is a browser login of a member of the app's account.
 * Answers { sign_in, token_rps, health_rps, port }.
 */
export async function measureProvider({ api, app, session, quick, log }) {
  const n = quick ? 10 : 200;
  const seconds = quick ? 1 : 5;
  log(`provider: ${n} sign-ins (authorize with a live session, then the token request)`);
  await signIn(api, app, session); // the isolate imports its signing key once
  const runs = [];
  for (let i = 0; i < n; i++) runs.push(await signIn(api, app, session));
  const stat = (k) => ({ median_ms: r2(median(runs.map((r) => r[k]))), p99_ms: r2(pct(runs.map((r) => r[k]), 99)) });
  const out = { sign_in: { n, authorize: stat("authorize_ms"), token: stat("token_ms"), total: stat("total_ms") }, token_rps: {}, health_rps: {} };
  for (const c of [1, 8]) {
    // One refresh family per loop: each rotation gives the next token (a reused one would
    // revoke the family).
    const families = [];
    for (let i = 0; i < c; i++) families.push((await signIn(api, app, session)).tokens.refresh_token);
    log(`provider: refresh-token rotations and GET /health, ${c} concurrent for ${seconds} s`);
    out.token_rps[`c${c}`] = await throughput(c, seconds, async (i) => {
      const r = await token(api, app, { grant_type: "refresh_token", refresh_token: families[i] });
      if (r.status !== 200) return false;
      families[i] = r.json.refresh_token;
      return true;
    });
    out.health_rps[`c${c}`] = await throughput(c, seconds, async () => {
      const r = await fetch(`${api}/health`);
      await r.arrayBuffer();
      return r.ok;
    });
    out.token_rps[`c${c}`].ratio_to_health = r2(out.token_rps[`c${c}`].rps / out.health_rps[`c${c}`].rps);
  }
  return out;
}
