// netid benchmarks: one run, every figure side by side, printed as a table and written as
// JSON to bench/results/. `node bench/run.mjs` (full) or `--quick` (tiny sizes, for CI).
// Needs the build (scripts/build.sh) and the tools of scripts/setup.sh; started by scripts/bench.sh.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, statSync, existsSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { tmpdir, cpus, totalmem } from "node:os";
import { join, resolve, extname } from "node:path";
import { median, pct, r2 } from "./stats.mjs";
import { soak } from "./soak.mjs";
import { measureDelivery } from "./delivery.mjs";
import { measureProvider, registerApp } from "./provider.mjs";
import { createStandIn } from "../tests/provider/server.mjs";
import { RTT, model, simulate } from "./model.mjs";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const QUICK = process.argv.includes("--quick");
const PORT = Number(process.env.NETID_BENCH_PORT || 8798);
const BASE = `http://127.0.0.1:${PORT}`;
const API = `${BASE}/api/v1`;
const CFG = QUICK
  ? { hashRuns: 3, logins: 5, latency: 30, wrk: "1s", sizes: [100, 300], browserMs: 150, soakClients: 4, soakSeconds: 5 }
  : { hashRuns: 7, logins: 25, latency: 300, wrk: "5s", sizes: [1000, 10000, 100000], browserMs: 600, soakClients: 32, soakSeconds: 60 };
const results = { quick: QUICK, date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, mem_gib: Math.round(totalmem() / 2 ** 30) } };
const log = (...a) => console.error("[bench]", ...a);


function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** The ways a pooled keep-alive connection that the server closed while it sat idle fails:
 * undici finds out on read (a reset, a closed socket) or on write (EPIPE: a CI run of the
 * bench smoke died so after a native hash round kept the connection idle for seconds). */
const STALE_CONNECTION = new Set(["UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNRESET", "EPIPE"]);

/** fetch, retried once when a pooled keep-alive connection was closed by the server. */
async function fetchRetry(url, init) {
  try { return await fetch(url, init); } catch (e) {
    if (!STALE_CONNECTION.has(e?.cause?.code)) throw e;
    return fetch(url, init);
  }
}

function benchIp() {
  const n = Math.floor(Math.random() * 65536);
  return `203.0.${n >> 8}.${n & 255}`;
}

async function call(method, path, { body, token, headers = {} } = {}) {
  // Each call from a network of its own unless told (signups spend a per-network budget).
  const h = { "CF-Connecting-IP": benchIp(), ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h["Content-Type"] = "application/json";
  const t = performance.now();
  const resp = await fetchRetry(`${API}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await resp.text();
  const ms = performance.now() - t;
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: resp.status, json, text, ms, queries: resp.headers.get("x-netid-queries"), timing: resp.headers.get("server-timing") };
}

// ---------- 1. hashing: native, OpenSSL, workerd ----------
// This machine's speed drifts (a shared 2-core VM: the same derivation varies by +-30 %
// within minutes), so the three are measured in interleaved rounds, and every ratio is the
// median of the per-round ratios: drift hits both sides of a ratio alike.
let hashBin = null;
function nativeHash(alg, iterations) {
  if (!hashBin) {
    run("cargo", ["build", "--release", "-q", "-p", "netid-core", "--example", "hash_bench"]);
    hashBin = join(ROOT, "target/release/examples/hash_bench");
  }
  // Three derivations per process, the median: the first warms caches and clocks, as the
  // Worker's warm-up call does for workerd.
  return JSON.parse(run(hashBin, [alg, String(iterations), "3"]).trim().split("\n").pop()).median_ms;
}

function opensslHash(alg, iterations) {
  const py = `import hashlib,time
ms=[]
for _ in range(3):
    t=time.perf_counter(); hashlib.pbkdf2_hmac("${alg}", b"correct horse battery staple", b"0123456789abcdef", ${iterations}); ms.append((time.perf_counter()-t)*1000)
ms.sort(); print(ms[1])`;
  return Number(run("python3", ["-c", py]).trim());
}

/** One derivation inside workerd: { ms inside the Worker, wall ms of the request }. */
async function workerdHash(alg, iterations) {
  const r = await call("GET", `/dev/hash?alg=${alg}&iterations=${iterations}`);
  if (r.status !== 200) throw new Error(`dev/hash: ${r.status}`);
  return { ms: r.json.ms, wall: r.ms };
}

async function hashRounds(alg, iterations) {
  const native = [], openssl = [], workerd = [], request = [];
  await workerdHash(alg, iterations); // warm: the first call compiles the hot wasm functions
  for (let i = 0; i < CFG.hashRuns; i++) {
    native.push(nativeHash(alg, iterations));
    openssl.push(opensslHash(alg, iterations));
    const w = await workerdHash(alg, iterations);
    workerd.push(w.ms);
    request.push(w.wall);
  }
  const ratio = (a, b) => r2(median(a.map((x, i) => x / b[i])));
  return {
    native_ms: r2(median(native)), openssl_ms: r2(median(openssl)), workerd_ms: r2(median(workerd)), workerd_request_ms: r2(median(request)),
    ratio_workerd_native: ratio(workerd, native), ratio_workerd_openssl: ratio(workerd, openssl),
  };
}

// ---------- worker lifecycle ----------
// One local D1/KV state for the whole run. The Worker runs in two configurations over it:
// development (`--env dev`: the dev endpoints for hashing, codes, seeding and the cleanup, and
// the X-Netid-Queries / Server-Timing headers) and production (the top-level wrangler.toml:
// no development code on any path), which the request figures come from.
let worker;
const STATE = mkdtempSync(join(tmpdir(), "netid-bench-"));
/** This run's operator (the fuzzing calls the operator API as a person: tests/lib/operator.js). */
const OPERATOR_LOGIN = `operator.bench${randomBytes(5).toString("hex")}@example.com`;
const TWO_FACTOR_KEY = randomBytes(32).toString("hex");
async function startWorker(mode, vars = []) {
  if (!existsSync(join(STATE, "migrated"))) {
    run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--env", "dev", "--local", "--persist-to", STATE]);
    writeFileSync(join(STATE, "migrated"), "");
  }
  // TWO_FACTOR_KEY in both builds: the OpenID Provider seals its signing keys with it.
  const key = ["--var", `TWO_FACTOR_KEY:${TWO_FACTOR_KEY}`];
  const env = mode === "dev" ? ["--env", "dev", "--var", `OPERATORS:${OPERATOR_LOGIN}`, ...key, ...vars.flatMap((v) => ["--var", v])] : key;
  worker = spawn("npx", ["wrangler", "dev", ...env, "--local", "--ip", "127.0.0.1", "--port", String(PORT), "--persist-to", STATE, "--test-scheduled", "--show-interactive-dev-session=false"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], detached: true });
  for (let i = 0; i < 120; i++) {
    try { if ((await fetch(`${API}/health`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("wrangler dev did not start");
}
async function stopWorker() {
  if (!worker) return;
  const w = worker;
  worker = null;
  const gone = new Promise((r) => w.once("exit", r));
  try { process.kill(-w.pid); } catch { /* gone */ }
  await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
  // The port is free once nothing answers on it.
  for (let i = 0; i < 40; i++) {
    try { await fetch(`${API}/health`); } catch { return; }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Bytes of the local D1 files (database and write-ahead log). */
function d1Bytes() {
  let total = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.sqlite(-wal)?$/.test(e.name) && p.includes("D1")) total += statSync(p).size;
    }
  };
  walk(STATE);
  return total;
}

// ---------- 2-3. requests ----------
async function person() {
  const email = `bench.${Math.random().toString(16).slice(2)}@example.com`;
  const password = "violet-harbour-lantern";
  await call("POST", "/signup", { body: { email, password, first_name: "Bench", last_name: "Mark" } });
  const msgs = (await call("GET", `/dev/outbox?to=${encodeURIComponent(email)}`)).json.messages;
  const c = await call("POST", "/signup/confirm", { body: { email, code: msgs[0].code } });
  return { email, password, token: c.json.token };
}

async function latency(name, fn) {
  const ms = [];
  let queries = null;
  for (let i = 0; i < CFG.latency; i++) {
    const r = await fn();
    if (r.status >= 400) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.json)}`);
    ms.push(r.ms);
    queries = r.queries;
  }
  return { median_ms: r2(median(ms)), p99_ms: r2(pct(ms, 99)), queries };
}

function wrk(method, path, token, body, connections) {
  const lua = join(mkdtempSync(join(tmpdir(), "netid-wrk-")), "req.lua");
  writeFileSync(lua, [
    `wrk.method = "${method}"`,
    body ? `wrk.body = '${JSON.stringify(body)}'` : "",
    body ? `wrk.headers["Content-Type"] = "application/json"` : "",
    token ? `wrk.headers["Authorization"] = "Bearer ${token}"` : "",
    `local errors = 0`,
    `response = function(status) if status >= 400 then errors = errors + 1 end end`,
  ].join("\n"));
  const out = run("wrk", ["-t", String(Math.min(2, connections)), "-c", String(connections), "-d", CFG.wrk, "--latency", "-s", lua, `${API}${path}`]);
  const rps = Number((out.match(/Requests\/sec:\s+([\d.]+)/) || [])[1]);
  const non2xx = Number((out.match(/Non-2xx or 3xx responses:\s+(\d+)/) || [0, 0])[1]);
  return { rps: r2(rps), non2xx };
}

// ---------- 4. cleanup at scale ----------
async function cleanupScale(n) {
  const seed = await call("POST", "/dev/seed", { body: { accounts: n, idle_days: 60 } });
  if (seed.status !== 201) throw new Error(`seed ${n}: ${seed.status} ${JSON.stringify(seed.json)}`);
  let invocations = 0, deleted = 0, queries = 0, maxQueries = 0, ms = 0, wall = 0;
  for (;;) {
    const r = await call("POST", "/dev/cleanup");
    if (r.status !== 200) throw new Error(`cleanup: ${r.status}`);
    invocations++;
    deleted += r.json.deleted;
    queries += r.json.queries;
    maxQueries = Math.max(maxQueries, r.json.queries);
    ms += r.json.ms;
    wall += r.ms;
    if (!r.json.more) break;
  }
  return { accounts: n, deleted, invocations, max_queries_per_invocation: maxQueries, queries_per_account: r2(queries / n), ms_per_account: r2(ms / n), total_s: r2(wall / 1000) };
}

// ---------- 5. the npm package in Chromium ----------
async function browserBench() {
  const wasm = join(ROOT, "crates/client/pkg-web/netid_client_bg.wasm");
  const raw = statSync(wasm).size;
  const gz = gzipSync(readFileSync(wasm), { level: 9 }).length;
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
  const server = createServer((req, res) => {
    const path = resolve(ROOT, "." + decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!path.startsWith(ROOT) || !existsSync(path)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { "Content-Type": types[extname(path)] || "application/octet-stream" }).end(readFileSync(path));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { chromium } = await import(join(ROOT, "node_modules/playwright-core/index.mjs"));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/browser/index.html?ms=${CFG.browserMs}`);
    await page.waitForFunction(() => window.benchResult || window.benchError, null, { timeout: 60_000 });
    const err = await page.evaluate(() => window.benchError);
    if (err) throw new Error(err);
    const b = await page.evaluate(() => window.benchResult);
    return { wasm_raw_bytes: raw, wasm_gzip_bytes: gz, ...b };
  } finally {
    await browser.close();
    server.close();
  }
}

// ---------- storage work and CPU per route (development build) ----------
/** "d1=3 rt=2 w=1 kv=0" -> numbers. */
function parseQueries(h) {
  const m = (h || "").match(/d1=(\d+) rt=(\d+) w=(\d+) kv=(\d+)/);
  return m ? { d1_statements: +m[1], d1_round_trips: +m[2], d1_write_round_trips: +m[3], kv_ops: +m[4] } : null;
}
/** "handler;dur=1.5, storage;dur=1" -> { handler, storage }. */
function parseTiming(h) {
  const get = (name) => Number(((h || "").match(new RegExp(`${name};dur=([\\d.]+)`)) || [])[1]);
  return { handler: get("handler"), storage: get("storage") };
}
/**
 * The storage work of a route (from its last request) and its in-Worker time: the handler's
 * time minus the time spent waiting on storage is the CPU the request used (workerd reports
 * no per-request CPU locally; Date.now() advances inside the local runtime, so this is
 * measured, averaged over `n` requests to get below its 1 ms resolution).
 */
async function cost(name, fn, n) {
  let handler = 0, storage = 0, last = null;
  for (let i = 0; i < n; i++) {
    const r = await fn();
    if (r.status >= 400) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.json)}`);
    const t = parseTiming(r.timing);
    handler += t.handler;
    storage += t.storage;
    last = r;
  }
  const q = parseQueries(last.queries);
  return { ...q, handler_ms: r2(handler / n), storage_wait_ms: r2(storage / n), cpu_ms: r2((handler - storage) / n), storage_ms_per_round_trip: q.d1_round_trips ? r2(storage / n / (q.d1_round_trips + q.kv_ops)) : null };
}

// ---------- main ----------
async function main() {
  results.hash = {};
  try {
    log("development build: hashing natively, through OpenSSL and in workerd, in interleaved rounds");
    await startWorker("dev");
    results.hash.simd128 = (await call("GET", "/dev/hash?iterations=1")).json.simd128;
    results.hash.sha512_210k = await hashRounds("sha512", 210000);
    results.hash.sha256_600k = await hashRounds("sha256", 600000);

    log("development build: login against the bare hash, storage work and CPU per route");
    const p = await person();
    const who = await person();
    const acc = (await call("POST", "/accounts", { token: who.token, body: { name: "Bench" } })).json;
    const app = await registerApp(call, who.token, acc.id);
    const routes = {
      health: ["GET", "/health", null, undefined],
      get_me: ["GET", "/me", who.token, undefined],
      patch_me: ["PATCH", "/me", who.token, { first_name: "Bench" }],
      enter: ["POST", `/accounts/${acc.id}/enter`, who.token, undefined],
    };
    // Login against the bare hash, interleaved: each round one bare derivation (inside the
    // Worker and as a request) and one login, the ratio taken per round.
    await call("POST", "/login", { body: { login: p.email, password: p.password } }); // warm
    const rounds = { login: [], hash: [], hashReq: [] };
    for (let i = 0; i < CFG.logins; i++) {
      const h = await workerdHash("sha512", 210000);
      const l = await call("POST", "/login", { body: { login: p.email, password: p.password } });
      if (l.status !== 200) throw new Error(`login ${l.status}`);
      rounds.hash.push(h.ms); rounds.hashReq.push(h.wall); rounds.login.push(l.ms);
    }
    const perRound = (a, b) => r2(median(a.map((x, i) => x / b[i])));
    results.login = {
      median_ms: r2(median(rounds.login)), p99_ms: r2(pct(rounds.login, 99)),
      bare_hash_ms: r2(median(rounds.hash)), bare_hash_request_ms: r2(median(rounds.hashReq)),
      ratio_to_bare_hash: perRound(rounds.login, rounds.hash), ratio_to_bare_hash_request: perRound(rounds.login, rounds.hashReq),
    };
    results.costs = { login: await cost("login", () => call("POST", "/login", { body: { login: p.email, password: p.password } }), QUICK ? 3 : 10) };
    // GET /me whose session this isolate has not read yet (a fresh login each): the storage
    // work of a cache miss, next to the warm figure below.
    const fresh = [];
    for (let i = 0; i < (QUICK ? 3 : 10); i++) fresh.push((await call("POST", "/login", { body: { login: who.email, password: who.password } })).json.token);
    let f = 0;
    results.costs.get_me_uncached = await cost("get_me_uncached", () => call("GET", "/me", { token: fresh[f++] }), fresh.length);
    for (const [name, [method, path, token, body]] of Object.entries(routes)) {
      results.costs[name] = await cost(name, () => call(method, path, { token, body }), QUICK ? 20 : 200);
    }
    // An invitation: the admin's invite, then the invitee's acceptance as a new person.
    const invitees = [];
    results.costs.invite = await cost("invite", async () => {
      const email = `invitee.${Math.random().toString(16).slice(2)}@example.com`;
      invitees.push(email);
      return call("POST", `/accounts/${acc.id}/invitations`, { token: who.token, body: { invitees: [{ email }] } });
    }, QUICK ? 3 : 10);
    let k = 0;
    results.costs.accept = await cost("accept", async () => {
      const to = invitees[k++];
      const msg = (await call("GET", `/dev/outbox?to=${encodeURIComponent(to)}`)).json.messages.find((m) => m.kind === "invitation");
      return call("POST", `/invitations/${msg.token}/accept`, { body: { password: "violet-harbour-lantern", first_name: "Guest", last_name: "Person" } });
    }, QUICK ? 3 : 10);

    log("storage footprint per person (seeded accounts with people and sessions)");
    const before = d1Bytes();
    const n = QUICK ? 300 : 10000;
    const seeded = await call("POST", "/dev/seed", { body: { accounts: n, idle_days: 0, people: true } }); // active: not the cleanup's
    if (seeded.status !== 201) throw new Error(`seed people: ${seeded.status} ${JSON.stringify(seeded.json)}`);
    const grown = d1Bytes() - before;
    results.footprint = { accounts: n, people: seeded.json.people, bytes: grown, bytes_per_person: Math.round(grown / seeded.json.people), note: "file growth of the local D1 (database + WAL) for accounts with 3 cards, a department, a group, an invitation, and a profile with one session behind each card; per person = growth / people" };
    await stopWorker();

    log("production build: login and requests");
    await startWorker("production");
    const logins = [];
    for (let i = 0; i < CFG.logins; i++) {
      const r = await call("POST", "/login", { body: { login: p.email, password: p.password } });
      if (r.status !== 200) throw new Error(`login ${r.status}`);
      logins.push(r.ms);
    }
    results.login.production_median_ms = r2(median(logins));
    results.login.production_p99_ms = r2(pct(logins, 99));

    results.requests = {};
    for (const [name, [method, path, token, body]] of Object.entries(routes)) {
      results.requests[name] = await latency(name, () => call(method, path, { token, body }));
    }
    // Two rounds over the routes at each concurrency, the mean of both: the ceiling and the
    // routes are measured side by side, so the machine's drift hits them alike.
    for (const c of [1, 8, 32]) {
      const rounds = Object.fromEntries(Object.keys(routes).map((k) => [k, []]));
      for (let round = 0; round < 2; round++) {
        for (const [name, [method, path, token, body]] of Object.entries(routes)) rounds[name].push(wrk(method, path, token, body, c));
      }
      for (const [name, rs] of Object.entries(rounds)) {
        results.requests[name][`rps_c${c}`] = { rps: r2(rs.reduce((a, r) => a + r.rps, 0) / rs.length), non2xx: rs.reduce((a, r) => a + r.non2xx, 0), rounds: rs.map((r) => r.rps) };
      }
      for (const name of Object.keys(routes)) {
        results.requests[name][`ratio_to_ceiling_c${c}`] = r2(results.requests[name][`rps_c${c}`].rps / results.requests.health[`rps_c${c}`].rps);
      }
    }
    // The OpenID Provider: a sign-in with a live session, and token requests per second.
    const browser = await call("POST", "/login", { body: { login: who.email, password: who.password, client: "browser" } });
    if (browser.status !== 200) throw new Error(`browser login ${browser.status}`);
    results.provider = { ...(await measureProvider({ api: API, app, session: browser.json.token, quick: QUICK, log })), port: PORT };
    await stopWorker();

    await startWorker("dev");
    log(`development build: soak, ${CFG.soakClients} clients for ${CFG.soakSeconds} s on 127.0.0.1:${PORT}`);
    results.soak = await soak({ call, clients: CFG.soakClients, seconds: CFG.soakSeconds, port: PORT, log });
    if (!QUICK) {
      // The test command fuzzes with 10 examples per operation; the bench with more.
      log("development build: fuzzing from openapi.yaml, 50 examples per operation");
      const f = spawnSync("bash", ["tests/fuzz/run.sh", BASE, "50"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NETID_OPERATOR_LOGIN: OPERATOR_LOGIN, NETID_OPERATOR_STATE_DIR: join(STATE, "operators") } });
      const out = `${f.stdout}${f.stderr}`;
      const cases = [...out.matchAll(/(\d+) generated(?:, (\d+) passed)?/g)];
      results.fuzz = {
        examples_per_operation: 50, exit_code: f.status,
        generated: cases.reduce((a, m) => a + Number(m[1]), 0), passed: cases.reduce((a, m) => a + Number(m[2] || 0), 0),
        failures: (out.match(/Failures:[\s\S]*?\n\n/) || [""])[0].trim(),
      };
    }
    // Delivery: the same build with its providers pointed at the stand-in.
    await stopWorker();
    const standIn = createStandIn();
    const SPORT = Number(process.env.NETID_BENCH_PROVIDER_PORT || 8791);
    await new Promise((r) => standIn.listen(SPORT, "127.0.0.1", r));
    try {
      await startWorker("dev", [
        "EMAIL_PROVIDER:resend", `RESEND_API_URL:http://127.0.0.1:${SPORT}`, "RESEND_API_KEY:re_test_stand_in_key",
        "EMAIL_FROM:bench@netid.invalid", "DELIVERY_RETRY_SECONDS:1", "DELIVERY_TIMEOUT_MS:1000",
      ]);
      results.delivery = await measureDelivery({ call, standIn, quick: QUICK, log });
      results.delivery.port = PORT;
    } finally {
      await stopWorker();
      standIn.close();
    }
    await startWorker("dev");
    log("development build: scheduled cleanup at", CFG.sizes.join(", "), "accounts");
    const cron = await fetchRetry(`${BASE}/__scheduled?cron=17+*+*+*+*`);
    results.cron_endpoint_status = cron.status;
    results.cleanup = [];
    for (const size of CFG.sizes) results.cleanup.push(await cleanupScale(size));
  } finally {
    await stopWorker();
  }

  results.model = { label: "MODEL, not a measurement: measured CPU and storage work per route times sourced round-trip times", rtt: RTT, routes: {} };
  for (const [name, c] of Object.entries(results.costs)) results.model.routes[name] = model(c);
  results.scale = { label: "SIMULATION from measured per-operation costs and an assumed workload (docs/scale.md)", ...simulate(results.costs, results.cleanup[results.cleanup.length - 1], results.footprint) };

  log("the npm package in headless Chromium");
  results.client = await browserBench();
  const c = results.client;
  c.ratio_email = r2(c.email.netid / c.email.validator);
  c.ratio_phone = r2(c.phone.netid / c.phone.libphonenumber);
  c.ratio_password = r2(c.password.netid / c.password.zxcvbn);

  print();
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  const file = join(ROOT, "bench/results", `${QUICK ? "quick" : "bench"}-${results.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(join(ROOT, "bench/results", QUICK ? "latest-quick.json" : "latest.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(`\nwritten: ${file}`);
}

function print() {
  const R = results;
  const rows = [];
  const row = (a, b, c = "") => rows.push([a, String(b), c]);
  const fmtN = (x) => (x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : String(x));
  row("machine", `${R.machine.cpus} x ${R.machine.cpu}, ${R.machine.mem_gib} GiB`, R.quick ? "QUICK run (tiny sizes)" : "");
  const H = R.hash.sha512_210k, H2 = R.hash.sha256_600k;
  row("PBKDF2-SHA512 210k: native Rust / OpenSSL", `${H.native_ms} / ${H.openssl_ms} ms`);
  row(`PBKDF2-SHA512 210k: workerd (Rust wasm${R.hash.simd128 ? ", SIMD" : ""})`, `${H.workerd_ms} ms (as a request: ${H.workerd_request_ms} ms)`, `workerd/native = ${H.ratio_workerd_native} (goal <= 1.35), workerd/OpenSSL = ${H.ratio_workerd_openssl}`);
  row("PBKDF2-SHA256 600k: native / OpenSSL / workerd", `${H2.native_ms} / ${H2.openssl_ms} / ${H2.workerd_ms} ms`, `workerd/native = ${H2.ratio_workerd_native}`);
  row("POST /login (wall, 1 client, rounds with a bare hash)", `median ${R.login.median_ms} ms, p99 ${R.login.p99_ms} ms`, `login/bare hash = ${R.login.ratio_to_bare_hash} (goal <= 1.05); login/hash request = ${R.login.ratio_to_bare_hash_request}`);
  row("POST /login (production build, wall, 1 client)", `median ${R.login.production_median_ms} ms, p99 ${R.login.production_p99_ms} ms`);
  for (const [name, v] of Object.entries(R.costs)) {
    row(`${name}: storage work and CPU (dev build)`, `d1 ${v.d1_statements} statements in ${v.d1_round_trips} round trips (${v.d1_write_round_trips} writing), kv ${v.kv_ops}`, `CPU ${v.cpu_ms} ms, storage wait ${v.storage_wait_ms} ms`);
  }
  for (const [name, v] of Object.entries(R.requests)) {
    row(`${name}: latency (production build)`, `median ${v.median_ms} ms, p99 ${v.p99_ms} ms`);
    row(`${name}: req/s at 1 / 8 / 32 conns`, `${v.rps_c1.rps} / ${v.rps_c8.rps} / ${v.rps_c32.rps}`, `vs ceiling ${v.ratio_to_ceiling_c1} / ${v.ratio_to_ceiling_c8} / ${v.ratio_to_ceiling_c32}${name === "get_me" ? " (goal >= 0.9)" : ""}`);
  }
  for (const [name, m] of Object.entries(R.model.routes)) {
    row(`MODEL ${name}: production latency`, `${m.near_primary_ms} ms near the primary / ${m.far_primary_ms} ms far`, `far with a regional read replica: ${m.far_primary_with_replica_ms} ms`);
  }
  for (const c of R.cleanup) {
    row(`cleanup ${c.accounts} accounts`, `${c.deleted} deleted in ${c.invocations} invocations, ${c.total_s} s`, `${c.queries_per_account} queries/account, ${c.ms_per_account} ms/account, max ${c.max_queries_per_invocation} queries/invocation (limit 1000)`);
  }
  row("storage per person (measured)", `${R.footprint.bytes_per_person} B`, `${R.footprint.people} people in ${R.footprint.accounts} accounts`);
  const S = R.scale;
  row("SIMULATION: one D1 database", `${fmtN(S.max_active_people_one_database)} active people/day at 50 % busy`, `= ${fmtN(S.max_profiles_one_database_by_time)} profiles by time, ${fmtN(S.max_profiles_one_database_by_size_10gb)} by the 10 GB size limit; ${S.statement_ms_measured} ms/statement`);
  for (const s of S.rows) {
    row(`SIMULATION ${fmtN(s.profiles)} profiles`, `${s.statements_per_second_peak} statements/s at peak (${s.write_round_trips_per_second_peak} writing round trips; ${s.touch_writes_per_second_mean} touches/s mean)`, `D1 busy ${s.d1_busy_share_at_peak} -> ${s.databases_needed_at_peak} database(s); ${s.storage_gb} GB; cleanup ${s.cleanup_accounts_per_day}/day in ${s.cleanup_invocations_per_day} invocations`);
  }
  const P = R.provider;
  row("sign-in through netid: authorize (live session) + token (production build)", `median ${P.sign_in.total.median_ms} ms, p99 ${P.sign_in.total.p99_ms} ms`, `authorize ${P.sign_in.authorize.median_ms} ms + token ${P.sign_in.token.median_ms} ms (medians, ${P.sign_in.n} sign-ins, port ${P.port})`);
  for (const c of Object.keys(P.token_rps)) {
    row(`token requests/s (refresh rotations), ${c.slice(1)} conn`, `${P.token_rps[c].rps} req/s (${P.token_rps[c].failed} failed)`, `GET /health by the same client: ${P.health_rps[c].rps} req/s; ratio ${P.token_rps[c].ratio_to_health}`);
  }
  const D = R.delivery;
  for (const [label, d] of [["provider always answers", D.clean], ["a third of provider calls fail", D.failing_third]]) {
    row(`delivery delay, commit to provider (${label})`, `median ${d.median_ms} ms, p99 ${d.p99_ms} ms`, `${d.received}/${d.messages} received, ${d.duplicates} twice (port ${D.port})`);
  }
  const K = R.soak;
  row(`soak: ${K.clients} clients x ${K.seconds} s (port ${K.port}, dev build)`, `${K.requests} requests, ${K.rps} req/s`, `unexpected statuses: ${K.unexpected}; dev proxy 503s: ${K.dev_proxy_503}`);
  for (const [name, v] of Object.entries(K.routes)) row(`soak ${name}`, `n ${v.n}, p50 ${v.p50_ms} ms, p99 ${v.p99_ms} ms`, JSON.stringify(v.statuses));
  const C = K.consistency;
  row("soak consistency", `${C.signups} signups, ${C.signups_without_code} without a code; ${C.accepted_invitations} accepted, ${C.accepted_without_active_card} without an active card`, `invariants: ${C.invariants_checked} checked, ${C.invariant_violations.length} broken`);
  if (R.fuzz) row("fuzzing (Schemathesis, 50 examples/operation)", `${R.fuzz.generated} cases, ${R.fuzz.passed} passed`, R.fuzz.exit_code === 0 ? "no failure" : `FAILED (exit ${R.fuzz.exit_code}): ${R.fuzz.failures}`);
  const cl = R.client;
  row("@netid/client wasm", `${cl.wasm_raw_bytes} B raw, ${cl.wasm_gzip_bytes} B gzip`, "budget 250 KB gzip");
  row("@netid/client instantiate", `${r2(cl.instantiate_ms)} ms`);
  row("validateEmail vs validator.isEmail", `${cl.email.netid} vs ${cl.email.validator} ops/s`, `ratio ${cl.ratio_email}`);
  row("validatePhone vs libphonenumber-js", `${cl.phone.netid} vs ${cl.phone.libphonenumber} ops/s`, `ratio ${cl.ratio_phone}`);
  row("validatePassword vs zxcvbn", `${cl.password.netid} vs ${cl.password.zxcvbn} ops/s`, `ratio ${cl.ratio_password}`);
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log("\nnetid benchmarks\n");
  for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}`);
}

main().catch(async (e) => { await stopWorker(); console.error(e); process.exit(1); });
