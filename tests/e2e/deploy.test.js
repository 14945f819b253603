// What a plain `wrangler deploy` would ship: production settings, development endpoints off.
// Read from wrangler's own dry run (it bundles the built Worker and lists the bindings
// without contacting Cloudflare).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function dryRun(args) {
  const out = mkdtempSync(join(tmpdir(), "netid-deploy-"));
  try {
    return execFileSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test("a plain wrangler deploy is production", () => {
  const plain = dryRun([]);
  assert.match(plain, /env\.ENVIRONMENT \("production"\)/, plain);
  assert.doesNotMatch(plain, /development/, "no development setting in the default deploy");
  assert.doesNotMatch(plain, /OPERATOR_TOKEN|PASSWORD_PEPPER/, "secrets are not vars");
  const dev = dryRun(["--env", "dev"]);
  assert.match(dev, /env\.ENVIRONMENT \("development"\)/, dev);
});

test("the development environment states every var and binding it relies on: wrangler warns of nothing it does not inherit", () => {
  const out = mkdtempSync(join(tmpdir(), "netid-deploy-"));
  let r;
  try {
    r = spawnSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out, "--env", "dev"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
      timeout: 120_000,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const all = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, all);
  // Wrangler's warning for vars and bindings (d1, kv, queues, send_email, ...) that exist at
  // the top level only: "... exists at the top level, but not on "env.dev...". ... not inherited".
  assert.doesNotMatch(all, /exists at the top level, but not on|not inherited/, all);
  // Every var and binding of a plain deploy is stated for development too.
  const names = (text) => new Set([...text.matchAll(/^\s*env\.([A-Z][A-Z0-9_]*)\b/gm)].map((m) => m[1]));
  const dev = names(r.stdout);
  const plain = names(dryRun([]));
  assert.ok(plain.has("DB") && plain.has("EMAIL_PROVIDER"), [...plain].join(" "));
  for (const v of plain) assert.ok(dev.has(v), `env.dev states ${v}`);
});
