// The soak (run by bench/run.mjs): the real mix from concurrent clients, then consistency.
import { pct, r2 } from "./stats.mjs";

/**
 * `nClients` clients for `nSeconds` on the development build (the mix needs the
 * codes of /dev/outbox; its hot paths do no development work), each from its own address:
 * sign up and confirm, create an account, then in a loop read and edit the profile, enter the
 * account, invite a new address that accepts as a new person, log in again and log out the
 * old session, and every third round sign up one more person. Every answer is tallied per
 * route; an unexpected status is any other than the route's success (wrangler's dev proxy's
 * own 503 "worker restarted mid-request" is counted apart: it is the dev tool, not netid).
 * Then: every signup has its code, every accepted invitation its active card, and the data
 * invariants hold.
 */
export async function soak({ call, clients: nClients, seconds: nSeconds, port, log }) {
  const routes = {};
  const note = (route, r, expected) => {
    const s = (routes[route] ||= { n: 0, ms: [], statuses: {}, unexpected: 0, proxy_503: 0 });
    s.n++;
    s.ms.push(r.ms);
    s.statuses[r.status] = (s.statuses[r.status] || 0) + 1;
    if (r.status === 503 && /restarted|worker/i.test(r.text || "")) s.proxy_503++;
    else if (!expected.includes(r.status)) { s.unexpected++; if (s.unexpected <= 3) log("soak: unexpected", route, r.status, JSON.stringify(r.json)); }
    return r;
  };
  const signups = [], accepted = [];
  const deadline = Date.now() + nSeconds * 1000;
  const client = async (i) => {
    const ip = `198.18.${i >> 8}.${i & 255}`;
    const c = (method, path, opts = {}) => call(method, path, { ...opts, headers: { "CF-Connecting-IP": ip, ...(opts.headers || {}) } });
    const join = async () => {
      const email = `soak.${i}.${Math.random().toString(16).slice(2)}@example.com`;
      const s = note("POST /signup", await c("POST", "/signup", { body: { email, password: "violet-harbour-lantern", first_name: "Soak", last_name: "Test" } }), [201]);
      if (s.status !== 201) return null;
      signups.push(email);
      const m = (await c("GET", `/dev/outbox?to=${encodeURIComponent(email)}`)).json?.messages?.find((x) => x.kind === "signup_code");
      if (!m) return null;
      const k = note("POST /signup/confirm", await c("POST", "/signup/confirm", { body: { email, code: m.code } }), [200]);
      return k.status === 200 ? { email, token: k.json.token } : null;
    };
    const me = await join();
    if (!me) return;
    const acc = note("POST /accounts", await c("POST", "/accounts", { token: me.token, body: { name: `Soak ${i}` } }), [201]).json;
    for (let round = 0; Date.now() < deadline; round++) {
      for (let k = 0; k < 3; k++) note("GET /me", await c("GET", "/me", { token: me.token }), [200]);
      note("PATCH /me", await c("PATCH", "/me", { token: me.token, body: { first_name: "Soak" } }), [200]);
      note("POST /accounts/{id}/enter", await c("POST", `/accounts/${acc.id}/enter`, { token: me.token }), [200]);
      const to = `guest.${i}.${round}.${Math.random().toString(16).slice(2)}@example.com`;
      const inv = note("POST /accounts/{id}/invitations", await c("POST", `/accounts/${acc.id}/invitations`, { token: me.token, body: { invitees: [{ email: to }] } }), [200]);
      if (inv.status === 200) {
        const m = (await c("GET", `/dev/outbox?to=${encodeURIComponent(to)}`)).json?.messages?.find((x) => x.kind === "invitation");
        if (m) {
          const a = note("POST /invitations/{token}/accept", await c("POST", `/invitations/${m.token}/accept`, { body: { password: "violet-harbour-lantern", first_name: "Guest", last_name: "Person" } }), [200]);
          if (a.status === 200) accepted.push({ account: acc.id, email: to });
        }
      }
      const l = note("POST /login", await c("POST", "/login", { body: { login: me.email, password: "violet-harbour-lantern" } }), [200]);
      if (l.status === 200) {
        note("POST /logout", await c("POST", "/logout", { token: me.token }), [204]);
        me.token = l.json.token;
      }
      if (round % 3 === 2) await join();
    }
    // Consistency, per client: its account's cards of the invitees it saw accepted.
    const users = (await c("GET", `/accounts/${acc.id}/users`, { token: me.token })).json?.users || [];
    me.missingCards = accepted.filter((x) => x.account === acc.id && !users.some((u) => u.login_email === x.email && u.status === "active")).length;
    return me;
  };
  const start = Date.now();
  const clients = await Promise.all(Array.from({ length: nClients }, (_, i) => client(i)));
  const seconds = (Date.now() - start) / 1000;
  let missingCodes = 0;
  for (const email of signups) {
    const m = (await call("GET", `/dev/outbox?to=${encodeURIComponent(email)}`)).json?.messages || [];
    if (!m.some((x) => x.kind === "signup_code")) missingCodes++;
  }
  const inv = (await call("GET", "/dev/invariants")).json;
  const out = { port, build: "development (codes from /dev/outbox)", clients: nClients, seconds: r2(seconds), requests: 0, unexpected: 0, dev_proxy_503: 0, routes: {} };
  for (const [name, s] of Object.entries(routes)) {
    out.routes[name] = { n: s.n, p50_ms: r2(pct(s.ms, 50)), p99_ms: r2(pct(s.ms, 99)), statuses: s.statuses, unexpected: s.unexpected };
    out.requests += s.n;
    out.unexpected += s.unexpected;
    out.dev_proxy_503 += s.proxy_503;
  }
  out.rps = r2(out.requests / seconds);
  out.consistency = {
    signups: signups.length,
    signups_without_code: missingCodes,
    accepted_invitations: accepted.length,
    accepted_without_active_card: clients.reduce((a, c) => a + (c?.missingCards || 0), 0),
    invariants_checked: inv?.checked,
    invariant_violations: inv?.violations ?? ["not read"],
  };
  return out;
}
