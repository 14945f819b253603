// Password hashing inside workerd, as the Worker is built for production (wasm SIMD): the
// RFC 7914 and OpenSSL known answers of crates/core/tests/vectors/pbkdf2.json, and a
// differential check against Node's own PBKDF2 (OpenSSL, no wasm) on random inputs.
// GET /api/v1/dev/hash is development-only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { call } from "./helpers.js";

const VECTORS = JSON.parse(readFileSync(new URL("../../crates/core/tests/vectors/pbkdf2.json", import.meta.url), "utf8")).vectors;

function derive(alg, iterations, password, salt) {
  const q = new URLSearchParams({ alg, iterations: String(iterations), password, salt });
  return call("GET", `/dev/hash?${q}`);
}

test("the Worker is built with wasm SIMD and derives the RFC 7914 and OpenSSL known answers", async () => {
  assert.ok(VECTORS.length >= 6);
  for (const v of VECTORS) {
    const r = await derive(v.alg, v.iterations, v.password, v.salt);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.simd128, true, "the Worker's wasm was compiled with simd128");
    assert.ok(r.json.hex.length >= 64, r.text);
    assert.equal(r.json.hex, v.hex.slice(0, r.json.hex.length), v.source);
  }
});

test("the Worker's PBKDF2 equals Node's (OpenSSL) on random passwords and salts", async () => {
  for (let k = 0; k < 8; k++) {
    const alg = k % 2 ? "sha256" : "sha512";
    const iterations = 1 + randomBytes(2).readUInt16BE() % 5000;
    const password = randomBytes(1 + k * 7).toString("base64");
    const salt = randomBytes(16).toString("hex");
    const r = await derive(alg, iterations, password, salt);
    assert.equal(r.status, 200, r.text);
    const want = pbkdf2Sync(password, salt, iterations, r.json.hex.length / 2, alg).toString("hex");
    assert.equal(r.json.hex, want, `${alg} x ${iterations}`);
  }
});
