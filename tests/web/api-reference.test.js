// The API reference page renders openapi.json: every operation, under CSP, no page error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch } from "./browser.js";

test("the API reference page lists every operation of openapi.json", async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.goto(`${BASE}/api.html`);
    await page.waitForSelector('main[aria-busy="false"]');
    const spec = await (await fetch(`${BASE}/api/v1/openapi.json`)).json();
    const ops = Object.values(spec.paths).flatMap((item) => Object.keys(item).filter((k) => k !== "parameters"));
    assert.equal(await page.locator("details.op").count(), ops.length);
    await page.locator("#login > summary").click();
    const text = await page.locator("#login").textContent();
    assert.match(text, /second_factor_required|second_factor/);
    assert.match(text, /login: string/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
