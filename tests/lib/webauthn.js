// A software WebAuthn authenticator for the end-to-end tests, built on Node's crypto only
// (nothing of netid's code): it answers creation and request options the way a browser's
// PublicKeyCredential.toJSON() does, with ES256, RS256 or EdDSA keys, and can be told to
// lie (another origin, another RP ID, flags, a counter, a forged signature).
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";

export const b64u = (buf) => Buffer.from(buf).toString("base64url");
export const unb64u = (s) => Buffer.from(s, "base64url");
const sha256 = (b) => createHash("sha256").update(b).digest();

// CBOR (RFC 8949) for what an authenticator writes: maps, byte and text strings, integers.
function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
export function cbor(v) {
  if (typeof v === "number") return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === "string") { const b = Buffer.from(v, "utf8"); return Buffer.concat([head(3, b.length), b]); }
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.concat([head(2, v.length), Buffer.from(v)]);
  if (v instanceof Map) {
    const parts = [head(5, v.size)];
    for (const [k, x] of v) parts.push(cbor(k), cbor(x));
    return Buffer.concat(parts);
  }
  throw new Error(`cbor: ${typeof v}`);
}

export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 };

export class Authenticator {
  /** alg: "ES256" | "RS256" | "EdDSA"; counting: a device-bound authenticator's counter. */
  constructor({ alg = "ES256", origin, rpId, counting = false } = {}) {
    this.alg = alg;
    this.origin = origin;
    this.rpId = rpId;
    this.id = randomBytes(32);
    this.count = counting ? 1 : 0;
    this.flags = counting ? FLAGS.UP | FLAGS.UV : FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS;
    this.fmt = "none";
    if (alg === "ES256") this.keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
    else if (alg === "RS256") this.keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    else this.keys = generateKeyPairSync("ed25519");
  }

  /** The credential's COSE key (RFC 9052, 9053; RFC 8812 for RS256). */
  cose() {
    const j = this.keys.publicKey.export({ format: "jwk" });
    if (this.alg === "ES256") return cbor(new Map([[1, 2], [3, -7], [-1, 1], [-2, unb64u(j.x)], [-3, unb64u(j.y)]]));
    if (this.alg === "RS256") return cbor(new Map([[1, 3], [3, -257], [-1, unb64u(j.n)], [-2, unb64u(j.e)]]));
    return cbor(new Map([[1, 1], [3, -8], [-1, 6], [-2, unb64u(j.x)]]));
  }

  clientData(type, challenge, over = {}) {
    return Buffer.from(JSON.stringify({ type, challenge, origin: over.origin ?? this.origin, crossOrigin: false }));
  }

  authData({ flags = this.flags, attested = false, rpId = this.rpId } = {}) {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.count);
    const parts = [sha256(rpId), Buffer.from([flags | (attested ? FLAGS.AT : 0)]), count];
    if (attested) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(this.id.length);
      parts.push(Buffer.alloc(16), len, this.id, this.cose());
    }
    return Buffer.concat(parts);
  }

  /** navigator.credentials.create(), as JSON. */
  create(options, over = {}) {
    const pk = options.publicKey;
    this.userHandle = pk.user.id;
    const cd = this.clientData("webauthn.create", over.challenge ?? pk.challenge, over);
    const authData = this.authData({ flags: over.flags ?? this.flags, attested: true, rpId: over.rpId ?? this.rpId });
    const attStmt = over.attStmt ?? new Map();
    const obj = cbor(new Map([["fmt", over.fmt ?? this.fmt], ["attStmt", attStmt], ["authData", authData]]));
    const id = b64u(this.id);
    return {
      id, rawId: id, type: "public-key", clientExtensionResults: {}, authenticatorAttachment: "platform",
      response: { clientDataJSON: b64u(cd), attestationObject: b64u(obj), transports: ["internal"] },
    };
  }

  /** navigator.credentials.get(), as JSON: the counter moves on first (when it counts). */
  get(options, over = {}) {
    if (this.count > 0 && over.count === undefined) this.count += 1;
    if (over.count !== undefined) this.count = over.count;
    const cd = this.clientData("webauthn.get", over.challenge ?? options.publicKey.challenge, over);
    const authData = this.authData({ flags: over.flags ?? this.flags, rpId: over.rpId ?? this.rpId });
    const signed = Buffer.concat([authData, sha256(cd)]);
    const key = (over.signer ?? this).keys.privateKey;
    const signature = sign(this.alg === "EdDSA" ? null : "sha256", signed, key);
    const id = b64u(this.id);
    return {
      id, rawId: id, type: "public-key", clientExtensionResults: {},
      response: {
        clientDataJSON: b64u(cd), authenticatorData: b64u(authData), signature: b64u(signature),
        userHandle: over.userHandle === undefined ? this.userHandle : over.userHandle,
      },
    };
  }
}
