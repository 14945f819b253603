// Shared by the web tests: Debian's Chromium driven by playwright-core, and the dev outbox.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const BASE = process.env.NETID_BASE_URL || "http://127.0.0.1:8787";

/** Headless Chromium with the flags this closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The newest message of `kind` sent to `to`. */
export async function outbox(to, kind) {
  const r = await fetch(`${BASE}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  const m = (await r.json()).messages.find((x) => x.kind === kind);
  assert.ok(m, `a ${kind} message for ${to}`);
  return m;
}
