// A real OpenID Connect provider on 127.0.0.1, for netid's social login tests and for
// clicking "Log in with Google" locally: `oidc-provider` (an OpenID Certified
// implementation, from npm) with one client per netid provider, and around it the few
// things a test needs and a real provider has elsewhere:
//   - a sign-in page (/interaction/{uid}): type who you are, Continue or Cancel;
//   - the users it knows (POST /_oidc/users {sub, email, email_verified, given_name, ...});
//   - Facebook's Graph `me?fields=id,name,email` and Twitter's `2/users/me`, answering for
//     the same provider's access tokens with their own field names;
//   - Apple's token endpoint rule: client_secret is an ES256 JWT signed by the developer's
//     key (iss = team id, sub = client id, aud = the issuer), verified before oidc-provider
//     sees the request; the key pair is made at start and the private half is handed to
//     netid by GET /_oidc/apple-key (never written anywhere);
//   - forgeries: POST /_oidc/forge {kind} makes the NEXT token response carry a broken ID
//     token: signature, payload, unknown_kid, aud, iss, expired, nonce, at_hash, none, hs256,
//     nbf_future (well signed, but valid only from an hour ahead: `nbf` = now + 3600);
//     or a good one: "rotated" signs it with a new key that the key set (/jwks) lists from
//     then on, as a provider rotating its keys does.
//
// Usage: node tests/oidc/server.mjs PORT ORIGIN[,ORIGIN...]
//   ORIGINs are the netid Workers whose callbacks the clients allow.

import http from "node:http";
import { createHmac, randomBytes } from "node:crypto";
import Provider from "oidc-provider";
import * as jose from "jose";

export const CLIENTS = {
  google: { id: "netid-google", secret: "google-stand-in-secret", alg: "RS256", auth: "client_secret_post" },
  microsoft: { id: "netid-microsoft", secret: "microsoft-stand-in-secret", alg: "ES256", auth: "client_secret_post" },
  apple: { id: "netid-apple", secret: "apple-secret-is-a-jwt", alg: "ES256", auth: "client_secret_post" },
  facebook: { id: "netid-facebook", secret: "facebook-stand-in-secret", alg: "RS256", auth: "client_secret_post" },
  twitter: { id: "netid-twitter", secret: "twitter-stand-in-secret", alg: "RS256", auth: "client_secret_basic" },
};
export const APPLE_TEAM = "TEAMSTANDIN";
export const APPLE_KEY_ID = "APPLEKEY01";

const b64u = (b) => Buffer.from(b).toString("base64url");

export async function createOidc(port, origins) {
  const issuer = `http://127.0.0.1:${port}`;
  const rsa = await jose.generateKeyPair("RS256", { extractable: true });
  const ec = await jose.generateKeyPair("ES256", { extractable: true });
  const rogue = await jose.generateKeyPair("RS256", { extractable: true });
  const rsaJwk = { ...(await jose.exportJWK(rsa.privateKey)), kid: "rsa-1", alg: "RS256", use: "sig" };
  const ecJwk = { ...(await jose.exportJWK(ec.privateKey)), kid: "ec-1", alg: "ES256", use: "sig" };
  const rsaPublicJwk = { ...(await jose.exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" };
  const ecPublicJwk = { ...(await jose.exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" };
  const rotatedKeys = []; // public JWKs of keys made by "rotated", served with the others
  const apple = await jose.generateKeyPair("ES256", { extractable: true });
  const applePkcs8 = await jose.exportPKCS8(apple.privateKey);

  const users = new Map();
  const addUser = (u) => users.set(String(u.sub), { ...u, sub: String(u.sub) });
  addUser({ sub: "demo", email: "demo@netid.test", email_verified: true, given_name: "Demo", family_name: "Person", name: "Demo Person" });
  let forge = null;
  const state = { tokenCalls: 0, forged: [] };

  const clients = Object.entries(CLIENTS).map(([name, c]) => ({
    client_id: c.id,
    client_secret: c.secret,
    redirect_uris: origins.map((o) => `${o}/api/v1/auth/social/${name}/callback`),
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: c.auth,
    id_token_signed_response_alg: c.alg,
  }));

  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [rsaJwk, ecJwk] },
    cookies: { keys: [randomBytes(16).toString("hex")] },
    findAccount: async (_ctx, id) => {
      const u = users.get(id);
      if (!u) return undefined;
      return { accountId: id, claims: async () => ({ ...u }) };
    },
    claims: {
      openid: ["sub", "tid", "xms_edov"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name"],
      name: ["name", "given_name", "family_name"],
    },
    scopes: ["openid", "email", "profile", "name", "public_profile", "users.read", "tweet.read"],
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>Error</title><h1>${out.error}</h1><p>${out.error_description || ""}</p>`;
    },
  });
  provider.on("server_error", (_ctx, err) => console.error("oidc server_error", err));

  async function sign(header, claims, key) {
    return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header).sign(key);
  }

  // The forged variants of an ID token the provider just issued.
  async function forged(idToken, kind) {
    const [h, p, s] = idToken.split(".");
    const header = JSON.parse(Buffer.from(h, "base64url"));
    const claims = JSON.parse(Buffer.from(p, "base64url"));
    const key = header.alg === "ES256" ? ec.privateKey : rsa.privateKey;
    const now = Math.floor(Date.now() / 1000);
    switch (kind) {
      case "signature": {
        const sig = Buffer.from(s, "base64url");
        sig[sig.length - 1] ^= 0x01;
        sig[0] ^= 0x80;
        return `${h}.${p}.${b64u(sig)}`;
      }
      case "payload": // the claims changed after signing (a privilege added), signature kept
        return `${h}.${b64u(JSON.stringify({ ...claims, sub: "admin" }))}.${s}`;
      case "unknown_kid":
        return sign({ alg: "RS256", kid: "rogue-1" }, claims, rogue.privateKey);
      case "rotated": {
        const next = await jose.generateKeyPair("RS256", { extractable: true });
        const kid = `rsa-rotated-${rotatedKeys.length + 1}`;
        rotatedKeys.push({ ...(await jose.exportJWK(next.publicKey)), kid, alg: "RS256", use: "sig" });
        return sign({ alg: "RS256", kid }, claims, next.privateKey);
      }
      case "aud":
        return sign(header, { ...claims, aud: "someone-else" }, key);
      case "iss":
        return sign(header, { ...claims, iss: "http://127.0.0.1:9/evil" }, key);
      case "expired":
        return sign(header, { ...claims, iat: now - 7200, exp: now - 3600 }, key);
      case "nbf_future": // signed by the provider's own key, iat now, not valid for an hour
        return sign(header, { ...claims, iat: now, nbf: now + 3600, exp: now + 7200 }, key);
      case "nonce":
        return sign(header, { ...claims, nonce: "forged-nonce" }, key);
      case "at_hash":
        return sign(header, { ...claims, at_hash: "AAAAAAAAAAAAAAAAAAAAAA" }, key);
      case "none":
        return `${b64u(JSON.stringify({ alg: "none", kid: header.kid }))}.${p}.`;
      case "hs256": {
        // The RSA public key used as an HMAC secret: the classic algorithm confusion.
        const hh = b64u(JSON.stringify({ alg: "HS256", kid: "rsa-1" }));
        const mac = createHmac("sha256", JSON.stringify(rsaPublicJwk)).update(`${hh}.${p}`).digest();
        return `${hh}.${p}.${b64u(mac)}`;
      }
      default:
        throw new Error(`unknown forgery ${kind}`);
    }
  }

  const page = (uid, client, error) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Local sign-in provider</title>
<style>body{font:16px system-ui;max-width:28rem;margin:3rem auto;padding:0 1rem}input,button{font:inherit;padding:.6rem;min-height:44px}label{display:block;margin:.5rem 0}</style></head>
<body><h1>Local sign-in provider</h1><p>Signing in to <strong>netid</strong> as <code>${client}</code> (a test provider on 127.0.0.1).</p>
${error ? `<p role="alert">${error}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
<label>Account (subject) <input name="sub" id="sub" value="demo" autocomplete="off"></label>
<label>Email <input name="email" id="email" value=""></label>
<button type="submit" id="continue">Continue</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit" id="cancel">Cancel</button></form></body></html>`;

  const readBody = (req) =>
    new Promise((resolve, reject) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  const json = (res, status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  // Facebook's and Twitter's user info: the same access tokens, their own field names.
  async function userInfo(req, res, shape) {
    const auth = req.headers.authorization || "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    const at = token ? await provider.AccessToken.find(token) : undefined;
    const u = at && users.get(at.accountId);
    if (!u) return json(res, 401, { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } });
    if (shape === "facebook") return json(res, 200, { id: u.sub, name: u.name, ...(u.email ? { email: u.email } : {}) });
    return json(res, 200, { data: { id: u.sub, name: u.name, username: (u.name || u.sub).replace(/\s+/g, "") } });
  }

  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      if (url.pathname === "/_oidc/users" && req.method === "POST") {
        const u = JSON.parse(await readBody(req));
        addUser(u);
        return json(res, 201, { sub: String(u.sub) });
      }
      if (url.pathname === "/_oidc/forge" && req.method === "POST") {
        forge = JSON.parse(await readBody(req)).kind || null;
        return json(res, 200, { kind: forge });
      }
      if (url.pathname === "/_oidc/apple-key") {
        return json(res, 200, { team_id: APPLE_TEAM, key_id: APPLE_KEY_ID, pkcs8_base64: applePkcs8.replace(/-----[^-]+-----|\s/g, "") });
      }
      if (url.pathname === "/_oidc/stats") return json(res, 200, { ...state, forge });
      if (url.pathname === "/jwks") return json(res, 200, { keys: [rsaPublicJwk, ecPublicJwk, ...rotatedKeys] });
      if (url.pathname === "/graph/me") return userInfo(req, res, "facebook");
      if (url.pathname === "/2/users/me") return userInfo(req, res, "twitter");
      const m = url.pathname.match(/^\/interaction\/([^/]+)(\/login|\/abort)?$/);
      if (m) {
        const details = await provider.interactionDetails(req, res);
        if (!m[2]) {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(page(details.uid, details.params.client_id));
        }
        if (m[2] === "/abort") {
          return provider.interactionFinished(req, res, { error: "access_denied", error_description: "The person cancelled." }, { mergeWithLastSubmission: false });
        }
        const form = new URLSearchParams(await readBody(req));
        const sub = (form.get("sub") || "").trim();
        if (!sub) {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(page(details.uid, details.params.client_id, "Type an account."));
        }
        if (!users.has(sub)) {
          const email = (form.get("email") || "").trim();
          addUser({ sub, name: sub, given_name: sub, family_name: "Local", ...(email ? { email, email_verified: true } : {}) });
        }
        const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
        grant.addOIDCScope(String(details.params.scope || ""));
        const grantId = await grant.save();
        return provider.interactionFinished(req, res, { login: { accountId: sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
      }
      if (url.pathname === "/token" && req.method === "POST") {
        state.tokenCalls += 1;
        const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
        if (form.client_id === CLIENTS.apple.id) {
          // Apple: the secret must be a fresh ES256 JWT from the developer's key.
          try {
            const { protectedHeader } = await jose.jwtVerify(form.client_secret || "", apple.publicKey, {
              algorithms: ["ES256"], issuer: APPLE_TEAM, subject: CLIENTS.apple.id, audience: issuer, maxTokenAge: "10m",
            });
            if (protectedHeader.kid !== APPLE_KEY_ID) throw new Error("kid");
            form.client_secret = CLIENTS.apple.secret;
          } catch {
            return json(res, 401, { error: "invalid_client", error_description: "client_secret is not a valid JWT" });
          }
        }
        req.body = form;
        const kind = forge;
        forge = null;
        if (kind) {
          const end = res.end.bind(res);
          res.end = (chunk, ...rest) => {
            const text = chunk ? chunk.toString() : "";
            let out = text;
            try {
              const body = JSON.parse(text);
              if (body.id_token) {
                return forged(body.id_token, kind).then((t) => {
                  state.forged.push(kind);
                  out = JSON.stringify({ ...body, id_token: t });
                  res.setHeader("content-length", Buffer.byteLength(out));
                  end(out);
                });
              }
            } catch {}
            return end(chunk, ...rest);
          };
        }
      }
      return callback(req, res);
    } catch (e) {
      console.error(e);
      if (!res.headersSent) json(res, 500, { error: "server_error", error_description: String(e.message || e) });
    }
  });
  return { server, provider, issuer, users, state };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] || 8794);
  const origins = (process.argv[3] || "http://127.0.0.1:8787").split(",").filter(Boolean);
  const { server, issuer } = await createOidc(port, origins);
  server.listen(port, "127.0.0.1", () => console.log(`oidc provider listening on ${port} (${issuer}) for ${origins.join(", ")}`));
}
