import { test } from "node:test";
import assert from "node:assert/strict";
import { call, assertError, newPerson, uniqueEmail, PASSWORD } from "./helpers.js";

const POST_ENDPOINTS = ["/signup", "/signup/confirm", "/login", "/session/refresh", "/password/forgot", "/password/reset"];
const AUTH_ENDPOINTS = [
  ["PATCH", "/me"], ["DELETE", "/me"], ["POST", "/me/email"], ["POST", "/me/email/confirm"],
  ["POST", "/me/phone"], ["POST", "/me/phone/confirm"], ["POST", "/me/password"],
];

test("malformed JSON is 400 invalid_json everywhere, never 500", async () => {
  const p = await newPerson();
  for (const path of POST_ENDPOINTS) {
    for (const bad of ["{", "not json", "[1,2", "{\"a\":}"]) {
      assertError(await call("POST", path, { body: bad }), 400, "invalid_json");
    }
  }
  for (const [method, path] of AUTH_ENDPOINTS) {
    assertError(await call(method, path, { token: p.token, body: "{oops" }), 400, "invalid_json");
  }
});

test("wrong types, missing and unknown fields are 400 invalid_request", async () => {
  const p = await newPerson();
  const cases = [
    ["/signup", { email: 5, password: PASSWORD, first_name: "A", last_name: "B" }],
    ["/signup", { email: uniqueEmail(), first_name: "A", last_name: "B" }],
    ["/signup", { email: uniqueEmail(), password: PASSWORD, first_name: "A", last_name: "B", admin: true }],
    ["/signup", [1, 2, 3]],
    ["/signup", "just a string"],
    ["/signup", null],
    ["/login", { login: ["a"], password: PASSWORD }],
    ["/login", { login: "a@example.com" }],
    ["/login", { login: "a@example.com", password: PASSWORD, extra: 1 }],
    ["/signup/confirm", { email: "a@example.com", code: 123456 }],
    ["/password/forgot", { login: null }],
    ["/password/reset", { login: "a@example.com", code: "123456" }],
    ["/session/refresh", { refresh_token: {} }],
  ];
  for (const [path, body] of cases) {
    const r = await call("POST", path, { body: typeof body === "string" ? JSON.stringify(body) : body });
    assertError(r, 400, "invalid_request");
  }
  assertError(await call("POST", "/me/password", { token: p.token, body: { current_password: PASSWORD } }), 400, "invalid_request");
  assertError(await call("PATCH", "/me", { token: p.token, body: { nickname: "x" } }), 400, "invalid_request");
  assertError(await call("POST", "/me/email", { token: p.token, body: { email: true } }), 400, "invalid_request");
});

test("bodies over 64 KiB are 413", async () => {
  const huge = JSON.stringify({ email: uniqueEmail(), password: "x".repeat(70 * 1024), first_name: "A", last_name: "B" });
  assertError(await call("POST", "/signup", { body: huge }), 413, "payload_too_large");
  assertError(await call("POST", "/login", { body: JSON.stringify({ login: "a".repeat(100 * 1024), password: "y" }) }), 413, "payload_too_large");
});

test("long and strange strings are input errors, not crashes", async () => {
  const strange = ["", " ", "\u0000", "😀".repeat(200), "a".repeat(5000), "<script>alert(1)</script>", "'; DROP TABLE profiles; --", "\ud800"];
  for (const s of strange) {
    for (const [path, body] of [
      ["/signup", { email: s, password: s, first_name: s, last_name: s }],
      ["/login", { login: s, password: s }],
      ["/password/forgot", { login: s }],
      ["/signup/confirm", { email: s, code: s }],
    ]) {
      const r = await call("POST", path, { body });
      assert.ok(r.status >= 400 && r.status < 500 || r.status === 202, `${path} ${JSON.stringify(s).slice(0, 20)} -> ${r.status} ${r.text.slice(0, 200)}`);
      if (r.status !== 202) assert.ok(r.json && r.json.error && r.json.error.code, r.text.slice(0, 200));
    }
  }
});

test("unknown paths are 404 and wrong methods 405, in the envelope", async () => {
  assertError(await call("GET", "/nope"), 404, "not_found");
  assertError(await call("GET", "/me/nope/deeper"), 404, "not_found");
  assertError(await call("GET", "/login"), 405, "method_not_allowed");
  assertError(await call("PUT", "/signup", { body: {} }), 405, "method_not_allowed");
  assertError(await call("DELETE", "/session"), 405, "method_not_allowed");
  assertError(await call("GET", "/photos/../../etc"), 404, "not_found");
  assertError(await call("GET", "/photos/unknownphotoid"), 404, "not_found");
});

test("every error speaks the requested language (header or ?lang=)", async () => {
  const expected = {
    en: "Incorrect login or password.",
    fr: "Identifiant ou mot de passe incorrect.",
    ru: "Неверный логин или пароль.",
    vi: "Tên đăng nhập hoặc mật khẩu không đúng.",
    pl: "Nieprawidłowy login lub hasło.",
  };
  for (const [lang, msg] of Object.entries(expected)) {
    const r = await call("POST", "/login", { body: { login: uniqueEmail(), password: "whatever-1234" }, lang: `${lang}-XX,en;q=0.1` });
    assert.equal(r.json.error.message, msg);
    assert.equal(r.headers.get("content-language"), lang);
    const q = await call("POST", `/login?lang=${lang}`, { body: { login: uniqueEmail(), password: "whatever-1234" }, lang: "de" });
    assert.equal(q.json.error.message, msg);
  }
  const fallback = await call("GET", "/me", { lang: "de-DE" });
  assert.equal(fallback.headers.get("content-language"), "en");
});

test("development endpoints validate their input", async () => {
  assertError(await call("GET", "/dev/outbox"), 400, "invalid_request", "to");
  assertError(await call("POST", "/dev/clock", { body: { advance_seconds: -5 } }), 400, "invalid_request");
  assertError(await call("POST", "/dev/clock", { body: { advance_seconds: "soon" } }), 400, "invalid_request");
  const r = await call("GET", "/dev/clock");
  assert.equal(r.status, 200);
  assert.ok(!Number.isNaN(Date.parse(r.json.now)));
});
