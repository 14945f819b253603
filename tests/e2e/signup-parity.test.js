// The shared signup vectors (crates/core/tests/vectors/validation.json, "signup") against the
// Worker: the server answers each refused form with the first error the package's
// validateSignup reports for it (native tests and Chromium run the same vectors).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { call } from "./helpers.js";

const VECTORS = JSON.parse(readFileSync(new URL("../../crates/core/tests/vectors/validation.json", import.meta.url), "utf8"));

test("POST /signup refuses each vector's form with the first error validateSignup reports", async () => {
  const refused = VECTORS.signup.filter((c) => c.errors.length);
  assert.ok(refused.length >= 7);
  for (const c of refused) {
    const r = await call("POST", "/signup", { body: c.form });
    const [field, code] = c.errors[0];
    assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(c.form)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, code, JSON.stringify(c.form));
    assert.equal(r.json.error.field ?? "form", field, JSON.stringify(c.form));
  }
});
