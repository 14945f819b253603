// Every UI string exists in every language, and every label the pages ask for exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { LABELS } from "../../web/i18n.js";
import { AUDIT_ACTIONS } from "../../web/i18n-audit.js";

const LANGS = ["en", "fr", "ru", "vi", "pl"];
// Labels built from a prefix and a value the API sends.
const DYNAMIC = {
  status_: ["all", "active", "invited", "dismissed"],
  inv_: ["pending", "accepted", "revoked", "expired"],
  type_: ["employee", "extranet"],
  plan_: ["free", "standard", "professional", "enterprise"],
  tab_: ["people", "invitations", "structure", "apps", "settings", "audit"],
  app_: ["confidential", "public"],
  r_: ["sent", "already_member", "already_invited", "email_taken", "invalid"],
  audit_: AUDIT_ACTIONS,
  policy_: ["none", "employees", "everyone"],
};

test("every UI label is written in all five languages, none empty", () => {
  const keys = Object.keys(LABELS.en);
  for (const lang of LANGS) {
    const missing = keys.filter((k) => !(k in LABELS[lang]));
    const extra = Object.keys(LABELS[lang]).filter((k) => !(k in LABELS.en));
    assert.deepEqual(missing, [], `${lang} lacks`);
    assert.deepEqual(extra, [], `${lang} has labels English lacks`);
    for (const k of keys) {
      const v = LABELS[lang][k];
      if (Array.isArray(v)) assert.equal(v.length, LABELS.en[k].length, `${lang}.${k}`);
      else if (typeof v === "object") {
        // A count: one form per plural category of the language (CLDR, through Intl).
        assert.deepEqual(Object.keys(v).sort(), new Intl.PluralRules(lang).resolvedOptions().pluralCategories.slice().sort(), `${lang}.${k} plural forms`);
        for (const [cat, form] of Object.entries(v)) assert.ok(form.includes("{n}"), `${lang}.${k}.${cat} shows the number`);
      } else assert.ok(typeof v === "string" && v.trim(), `${lang}.${k} is empty`);
      const ph = (s) => (Array.isArray(s) || typeof s === "object" ? "" : (s.match(/\{[a-z]+\}/g) || []).sort().join());
      assert.equal(ph(v), ph(LABELS.en[k]), `${lang}.${k} placeholders`);
      assert.equal(typeof v === "object", typeof LABELS.en[k] === "object", `${lang}.${k}: a count in every language or none`);
    }
  }
});

test("a count is never written without plural rules: every label showing {n} has its plural forms", () => {
  for (const lang of LANGS) {
    const flat = Object.entries(LABELS[lang]).filter(([, v]) => typeof v === "string" && v.includes("{n}")).map(([k]) => k);
    assert.deepEqual(flat, [], `${lang}: counts in a single form`);
  }
  // And the pages do not glue a number to a label themselves.
  for (const f of readdirSync(new URL("../../web/", import.meta.url)).filter((f) => f.endsWith(".js") && !f.startsWith("i18n"))) {
    const src = readFileSync(new URL(`../../web/${f}`, import.meta.url), "utf8");
    assert.doesNotMatch(src, /\$\{[a-z_.]+\} \$\{t\("/, `${f}: a number followed by a label`);
  }
});

test("every label the pages use exists", () => {
  const used = new Set();
  for (const f of readdirSync(new URL("../../web/", import.meta.url)).filter((f) => f.endsWith(".js") && !f.startsWith("i18n"))) {
    const src = readFileSync(new URL(`../../web/${f}`, import.meta.url), "utf8");
    for (const m of src.matchAll(/\bt\("([a-z_0-9]+)"\)/g)) used.add(m[1]);
    for (const m of src.matchAll(/\bcount\("([a-z_0-9]+)"/g)) used.add(m[1]);
    for (const m of src.matchAll(/\bt\(`([a-z]+_)\$\{/g)) {
      assert.ok(DYNAMIC[m[1]], `${f}: a dynamic label ${m[1]}... this test does not know`);
      for (const v of DYNAMIC[m[1]]) used.add(m[1] + v);
    }
    for (const m of src.matchAll(/\[[a-z]+View, "([a-z_]+)"\]/g)) used.add(m[1]);
  }
  const missing = [...used].filter((k) => !(k in LABELS.en));
  assert.deepEqual(missing, [], "labels used by the pages but written nowhere");
});

test("every event core writes to an account's audit log has its words on the audit page", () => {
  const dir = new URL("../../crates/core/src/flows/", import.meta.url);
  const written = new Set();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".rs"))) {
    const src = readFileSync(new URL(f, dir), "utf8");
    for (const m of src.matchAll(/account_audit\(/g)) {
      // The call's own arguments (up to its closing parenthesis); a variable action is below.
      let end = m.index + "account_audit(".length;
      for (let depth = 1; depth > 0 && end < src.length; end++) depth += src[end] === "(" ? 1 : src[end] === ")" ? -1 : 0;
      const args = src.slice(m.index, end);
      const action = args.match(/"([a-z_]+\.[a-z_]+)"/);
      if (action) written.add(action[1]);
    }
    // An action chosen before the call (`let action = if .. { "app.disabled" } else { .. }`).
    for (const m of src.matchAll(/let action = [^;]*;/g)) for (const a of m[0].matchAll(/"([a-z_]+\.[a-z_]+)"/g)) written.add(a[1]);
  }
  assert.ok(written.size >= 20, [...written].join(", "));
  const missing = [...written].filter((a) => !AUDIT_ACTIONS.includes(a.replace(/\./g, "_")));
  assert.deepEqual(missing, [], "audit actions without words");
});
