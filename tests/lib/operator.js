// The operator of a test run, as a person: the profile of NETID_OPERATOR_LOGIN (the Worker's
// OPERATORS list, set by scripts/worker.sh from the same variable), signed in with a passkey
// of the software authenticator (tests/lib/webauthn.js), the way an operator signs in with
// two factors. The passkey's private key is kept in a file per Worker port under
// NETID_OPERATOR_STATE_DIR (every test file runs in a process of its own), so the profile is
// made once per Worker and each process signs in again when its session has ended (a test
// that moves the dev clock ends it).
//
// As a command, prints an operator session token for the Worker at BASE:
//   node tests/lib/operator.js http://127.0.0.1:PORT
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Authenticator, b64u, unb64u } from "./webauthn.js";

const PASSWORD = "violet-harbour-lantern";

export function operatorLogin() {
  return process.env.NETID_OPERATOR_LOGIN || "";
}

function ip() {
  const b = randomBytes(2);
  return `198.51.${b[0]}.${b[1]}`;
}

/** A passkey needs a host name: the Worker at 127.0.0.1 is reached as localhost. */
function named(base) {
  return base.replace("127.0.0.1", "localhost");
}

async function post(api, path, body, token) {
  const h = { "Content-Type": "application/json", "CF-Connecting-IP": ip() };
  if (token) h.Authorization = `Bearer ${token}`;
  const r = await fetch(`${api}${path}`, { method: "POST", headers: h, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}

function stateFile(base) {
  const dir = process.env.NETID_OPERATOR_STATE_DIR || join(tmpdir(), "netid-operators");
  mkdirSync(dir, { recursive: true });
  return join(dir, `operator-${new URL(base).port || "80"}.json`);
}

function restore(saved, origin) {
  const a = new Authenticator({ origin, rpId: "localhost" });
  const privateKey = createPrivateKey({ key: saved.jwk, format: "jwk" });
  a.keys = { privateKey, publicKey: createPublicKey(privateKey) };
  a.id = unb64u(saved.id);
  a.userHandle = saved.userHandle;
  return a;
}

/** Signs the operator up, confirms the address and registers the passkey; saves the key. */
async function enroll(base, file) {
  const login = operatorLogin();
  if (!login) throw new Error("NETID_OPERATOR_LOGIN is not set: no operator for this Worker");
  const api = `${named(base)}/api/v1`;
  const s = await post(api, "/signup", { email: login, password: PASSWORD, first_name: "Olga", last_name: "Operator" });
  if (s.status !== 201) throw new Error(`operator signup: ${s.status} ${s.text}`);
  const out = await (await fetch(`${api}/dev/outbox?to=${encodeURIComponent(login)}`)).json();
  const code = out.messages.find((m) => m.kind === "signup_code")?.code;
  if (!code) throw new Error(`no signup code for ${login}: its profile exists without this run's passkey (${file})`);
  const c = await post(api, "/signup/confirm", { email: login, code });
  if (c.status !== 200) throw new Error(`operator confirm: ${c.status} ${c.text}`);
  const a = new Authenticator({ origin: named(base), rpId: "localhost" });
  const o = await post(api, "/me/passkeys/options", { password: PASSWORD }, c.json.token);
  if (o.status !== 200) throw new Error(`operator passkey options: ${o.status} ${o.text}`);
  const r = await post(api, "/me/passkeys", { name: "Operator key", credential: a.create(o.json) }, c.json.token);
  if (r.status !== 201) throw new Error(`operator passkey: ${r.status} ${r.text}`);
  const saved = { login, id: b64u(a.id), userHandle: a.userHandle, jwk: a.keys.privateKey.export({ format: "jwk" }) };
  writeFileSync(file, JSON.stringify(saved));
  return saved;
}

/** A passkey login: a session signed in with two factors (amr `hwk user`). */
async function signIn(base, saved) {
  const api = `${named(base)}/api/v1`;
  const a = restore(saved, named(base));
  const o = await post(api, "/login/passkey/options", {});
  if (o.status !== 200) throw new Error(`operator login options: ${o.status} ${o.text}`);
  return post(api, "/login/passkey", { credential: a.get(o.json) });
}

const cached = new Map();

/** A live operator session token for the Worker at `base` (made, or signed in again, as needed). */
export async function operatorToken(base = process.env.NETID_BASE_URL || "http://127.0.0.1:8787") {
  const known = cached.get(base);
  if (known) {
    const r = await fetch(`${base}/api/v1/session`, { headers: { Authorization: `Bearer ${known}` }, signal: AbortSignal.timeout(60_000) });
    await r.text();
    if (r.status === 200) return known;
  }
  const file = stateFile(base);
  let saved = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
  if (saved && saved.login !== operatorLogin()) saved = null;
  let r = saved ? await signIn(base, saved) : null;
  if (!r || r.status === 401) {
    // No key for this Worker yet, or one of an earlier Worker on the same port.
    rmSync(file, { force: true });
    saved = await enroll(base, file);
    r = await signIn(base, saved);
  }
  if (r.status !== 200) throw new Error(`operator login: ${r.status} ${r.text}`);
  cached.set(base, r.json.token);
  return r.json.token;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await operatorToken(process.argv[2]));
}
