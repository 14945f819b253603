// Runs in headless Chromium: instantiate time of @netid/client and validations per second,
// next to validator (emails), libphonenumber-js (phones) and zxcvbn (passwords).
import init, { validateEmail, validatePhone, validatePassword } from "/crates/client/pkg-web/netid_client.js";

const params = new URLSearchParams(location.search);
const BUDGET_MS = Number(params.get("ms") || 400);

const EMAILS = ["alice@example.com", "bob.smith+tag@mail.example.org", "not-an-email", "user@localhost", "o'connor@example.ie", "x@xn--80ak6aa92e.com", "a@b", "user@example..com"];
const PHONES = ["+33 6 12 34 56 78", "+1 (415) 555-2671", "+48 512 345 678", "+7 912 345 67 89", "+84 912 345 678", "+44 20 7946 0958", "+33 6 12", "+999 123 456"];
const PASSWORDS = ["correct horse battery staple", "password123", "Tr0ub4dor&3x!", "zielony-kot-na-dachu", "12345678", "anna.kowalska", "qwertyuiop", "mèo đen trên mái nhà"];

function opsPerSec(fn, inputs) {
  let n = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  while (now - start < BUDGET_MS) {
    for (const x of inputs) { if (fn(x)) sink++; n++; }
    now = performance.now();
  }
  if (sink < 0) console.log(sink);
  return Math.round((n * 1000) / (now - start));
}

async function run() {
  const bytes = await (await fetch("/crates/client/pkg-web/netid_client_bg.wasm")).arrayBuffer();
  const t0 = performance.now();
  await init({ module_or_path: bytes });
  const instantiate_ms = performance.now() - t0;
  // Warm up.
  for (let i = 0; i < 200; i++) { validateEmail(EMAILS[i % 8]); validatePhone(PHONES[i % 8]); }
  const out = {
    instantiate_ms,
    email: { netid: opsPerSec((x) => validateEmail(x).ok, EMAILS), validator: opsPerSec((x) => window.validator.isEmail(x), EMAILS) },
    phone: { netid: opsPerSec((x) => validatePhone(x).ok, PHONES), libphonenumber: opsPerSec((x) => window.libphonenumber.isValidPhoneNumber(x), PHONES) },
    password: { netid: opsPerSec((x) => validatePassword(x, undefined).ok, PASSWORDS), zxcvbn: opsPerSec((x) => window.zxcvbn(x).score >= 2, PASSWORDS) },
  };
  document.getElementById("out").textContent = JSON.stringify(out);
  window.benchResult = out;
}
run().catch((e) => { window.benchError = String(e); });
