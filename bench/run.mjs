// netid benchmarks: one run, every figure side by side, printed as a table and written as
// JSON to bench/results/. `node bench/run.mjs` (full) or `--quick` (tiny sizes, for CI).
// Needs the build (scripts/build.sh) and the tools of scripts/setup.sh; started by scripts/bench.sh.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { tmpdir, cpus, totalmem } from "node:os";
import { join, resolve, extname } from "node:path";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const QUICK = process.argv.includes("--quick");
const PORT = Number(process.env.NETID_BENCH_PORT || 8798);
const BASE = `http://127.0.0.1:${PORT}`;
const API = `${BASE}/api/v1`;
const CFG = QUICK
  ? { hashRuns: 3, logins: 5, latency: 30, wrk: "1s", sizes: [100, 300], browserMs: 150 }
  : { hashRuns: 7, logins: 25, latency: 300, wrk: "5s", sizes: [1000, 10000, 100000], browserMs: 600 };
const results = { quick: QUICK, date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, mem_gib: Math.round(totalmem() / 2 ** 30) } };
const log = (...a) => console.error("[bench]", ...a);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
const r2 = (x) => (x === undefined || x === null || Number.isNaN(x) ? null : Math.round(x * 100) / 100);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** fetch, retried once when a pooled keep-alive connection was closed by the server. */
async function fetchRetry(url, init) {
  try { return await fetch(url, init); } catch (e) {
    if (e?.cause?.code !== "UND_ERR_SOCKET" && e?.cause?.code !== "ECONNRESET") throw e;
    return fetch(url, init);
  }
}

async function call(method, path, { body, token, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h["Content-Type"] = "application/json";
  const t = performance.now();
  const resp = await fetchRetry(`${API}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await resp.text();
  const ms = performance.now() - t;
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: resp.status, json, ms, queries: resp.headers.get("x-netid-queries") };
}

// ---------- 1. hashing: native, OpenSSL, workerd ----------
function nativeHash(alg, iterations) {
  const out = run("cargo", ["run", "--release", "-q", "-p", "netid-core", "--example", "hash_bench", "--", alg, String(iterations), String(CFG.hashRuns)]);
  return JSON.parse(out.trim().split("\n").pop()).median_ms;
}

function opensslHash(alg, iterations) {
  const py = `import hashlib,time,json
ms=[]
for _ in range(${CFG.hashRuns}):
    t=time.perf_counter(); hashlib.pbkdf2_hmac("${alg}", b"correct horse battery staple", b"0123456789abcdef", ${iterations}); ms.append((time.perf_counter()-t)*1000)
ms.sort(); print(json.dumps(ms[len(ms)//2]))`;
  return Number(run("python3", ["-c", py]).trim());
}

async function workerdHash(alg, iterations) {
  const ms = [];
  for (let i = 0; i < CFG.hashRuns; i++) {
    const r = await call("GET", `/dev/hash?alg=${alg}&iterations=${iterations}`);
    if (r.status !== 200) throw new Error(`dev/hash: ${r.status}`);
    ms.push(r.json.ms);
  }
  return median(ms);
}

// ---------- worker lifecycle ----------
let worker;
async function startWorker() {
  const state = mkdtempSync(join(tmpdir(), "netid-bench-"));
  run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--env", "dev", "--local", "--persist-to", state]);
  worker = spawn("npx", ["wrangler", "dev", "--env", "dev", "--local", "--ip", "127.0.0.1", "--port", String(PORT), "--persist-to", state, "--test-scheduled", "--show-interactive-dev-session=false"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], detached: true });
  for (let i = 0; i < 120; i++) {
    try { if ((await fetch(`${API}/health`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("wrangler dev did not start");
}
function stopWorker() { if (worker) { try { process.kill(-worker.pid); } catch { /* gone */ } } }

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

// ---------- main ----------
async function main() {
  log("hashing natively and through OpenSSL");
  results.hash = {
    native: { sha512_210k_ms: r2(nativeHash("sha512", 210000)), sha256_600k_ms: r2(nativeHash("sha256", 600000)) },
    openssl: { sha512_210k_ms: r2(opensslHash("sha512", 210000)), sha256_600k_ms: r2(opensslHash("sha256", 600000)) },
  };
  log("starting the Worker");
  await startWorker();
  try {
    results.hash.workerd = { sha512_210k_ms: r2(await workerdHash("sha512", 210000)), sha256_600k_ms: r2(await workerdHash("sha256", 600000)) };
    results.hash.ratio_wasm_openssl_sha512 = r2(results.hash.workerd.sha512_210k_ms / results.hash.openssl.sha512_210k_ms);
    results.hash.ratio_wasm_openssl_sha256 = r2(results.hash.workerd.sha256_600k_ms / results.hash.openssl.sha256_600k_ms);

    log("login");
    const p = await person();
    const logins = [];
    for (let i = 0; i < CFG.logins; i++) {
      const r = await call("POST", "/login", { body: { login: p.email, password: p.password } });
      if (r.status !== 200) throw new Error(`login ${r.status}`);
      logins.push(r.ms);
    }
    results.login = { median_ms: r2(median(logins)), p99_ms: r2(pct(logins, 99)), bare_hash_ms: results.hash.workerd.sha512_210k_ms };
    results.login.ratio_to_bare_hash = r2(results.login.median_ms / results.login.bare_hash_ms);

    log("requests that do not hash");
    const who = await person();
    const acc = (await call("POST", "/accounts", { token: who.token, body: { name: "Bench" } })).json;
    const routes = {
      health: ["GET", "/health", null, undefined],
      get_me: ["GET", "/me", who.token, undefined],
      patch_me: ["PATCH", "/me", who.token, { first_name: "Bench" }],
      enter: ["POST", `/accounts/${acc.id}/enter`, who.token, undefined],
    };
    results.requests = {};
    for (const [name, [method, path, token, body]] of Object.entries(routes)) {
      results.requests[name] = await latency(name, () => call(method, path, { token, body }));
    }
    for (const c of [1, 8, 32]) {
      for (const [name, [method, path, token, body]] of Object.entries(routes)) {
        results.requests[name][`rps_c${c}`] = wrk(method, path, token, body, c);
      }
      for (const name of Object.keys(routes)) {
        results.requests[name][`ratio_to_ceiling_c${c}`] = r2(results.requests[name][`rps_c${c}`].rps / results.requests.health[`rps_c${c}`].rps);
      }
    }

    log("scheduled cleanup at", CFG.sizes.join(", "), "accounts");
    const cron = await fetchRetry(`${BASE}/__scheduled?cron=17+*+*+*+*`);
    results.cron_endpoint_status = cron.status;
    results.cleanup = [];
    for (const n of CFG.sizes) results.cleanup.push(await cleanupScale(n));
  } finally {
    stopWorker();
  }

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
  row("machine", `${R.machine.cpus} x ${R.machine.cpu}, ${R.machine.mem_gib} GiB`, R.quick ? "QUICK run (tiny sizes)" : "");
  row("PBKDF2-SHA512 210k: native Rust", `${R.hash.native.sha512_210k_ms} ms`);
  row("PBKDF2-SHA512 210k: OpenSSL (python hashlib)", `${R.hash.openssl.sha512_210k_ms} ms`);
  row("PBKDF2-SHA512 210k: workerd (Rust wasm)", `${R.hash.workerd.sha512_210k_ms} ms`, `wasm/OpenSSL = ${R.hash.ratio_wasm_openssl_sha512}`);
  row("PBKDF2-SHA256 600k: native / OpenSSL / workerd", `${R.hash.native.sha256_600k_ms} / ${R.hash.openssl.sha256_600k_ms} / ${R.hash.workerd.sha256_600k_ms} ms`, `wasm/OpenSSL = ${R.hash.ratio_wasm_openssl_sha256}`);
  row("POST /login (wall, 1 client)", `median ${R.login.median_ms} ms, p99 ${R.login.p99_ms} ms`, `login/bare hash = ${R.login.ratio_to_bare_hash} (target <= 1.10)`);
  for (const [name, v] of Object.entries(R.requests)) {
    row(`${name}: latency`, `median ${v.median_ms} ms, p99 ${v.p99_ms} ms`, v.queries ? `per request: ${v.queries}` : "");
    row(`${name}: req/s at 1 / 8 / 32 conns`, `${v.rps_c1.rps} / ${v.rps_c8.rps} / ${v.rps_c32.rps}`, `vs ceiling ${v.ratio_to_ceiling_c1} / ${v.ratio_to_ceiling_c8} / ${v.ratio_to_ceiling_c32}${name === "get_me" ? " (target >= 0.8)" : ""}`);
  }
  for (const c of R.cleanup) {
    row(`cleanup ${c.accounts} accounts`, `${c.deleted} deleted in ${c.invocations} invocations, ${c.total_s} s`, `${c.queries_per_account} queries/account, ${c.ms_per_account} ms/account, max ${c.max_queries_per_invocation} queries/invocation (limit 1000)`);
  }
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

main().catch((e) => { stopWorker(); console.error(e); process.exit(1); });
