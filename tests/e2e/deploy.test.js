// What a plain `wrangler deploy` would ship: production settings, development endpoints off.
// Read from wrangler's own dry run (it bundles the built Worker and lists the bindings
// without contacting Cloudflare).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
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
