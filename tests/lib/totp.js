// RFC 6238 TOTP (HMAC-SHA-1, 30 s) computed by the tests themselves from the secret the API
// answers, so a test never trusts netid's own code generator.
import { createHmac } from "node:crypto";

export function base32Decode(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of s.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The code of a base32 secret at `unix` seconds. */
export function totp(secretB32, unix, digits = 6) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unix / 30)));
  const mac = createHmac("sha1", base32Decode(secretB32)).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 10 ** digits;
  return String(n).padStart(digits, "0");
}

/** The service's clock (GET /dev/clock), in unix seconds. */
export async function serviceNow(base) {
  const r = await fetch(`${base}/api/v1/dev/clock`);
  return Math.floor(Date.parse((await r.json()).now) / 1000);
}
