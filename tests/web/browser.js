// Shared by the web tests: Debian's Chromium driven by playwright-core, and the dev outbox.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chromium } from "playwright-core";

export const BASE = process.env.NETID_BASE_URL || "http://127.0.0.1:8787";

/** Headless Chromium with the flags this closed network needs. Each browser context stands
 * for one person on a network of their own (a documentation-range address in
 * CF-Connecting-IP, as the e2e helpers do), so the per-network anonymous budget that
 * signups and social sign-ins spend is not shared by the whole suite. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options = {}) =>
    newContext({ ...options, extraHTTPHeaders: { "CF-Connecting-IP": personIp(), ...(options.extraHTTPHeaders || {}) } });
  browser.newPage = async (options = {}) => (await browser.newContext(options)).newPage();
  return browser;
}

/** A documentation-range client address of its own (the tests' requests made outside a page
 * send it too, so they do not share one network's budget). */
export function personIp() {
  const b = randomBytes(2);
  return `198.51.${b[0]}.${b[1]}`;
}

/** The newest message of `kind` sent to `to`. */
export async function outbox(to, kind) {
  const r = await fetch(`${BASE}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  const m = (await r.json()).messages.find((x) => x.kind === kind);
  assert.ok(m, `a ${kind} message for ${to}`);
  return m;
}
