-- netid as the OpenID Provider of its workspaces (issue 21).

-- How each session was proven (RFC 8176 `amr` values, space-separated: pwd, otp, fed):
-- the ID tokens of the workspace apps say it. Sessions made before this migration say
-- nothing ('').
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT '';

-- The provider's signing keys (ES256, made by WebCrypto in the Worker). The private half is
-- sealed (AES-256-GCM under the service's key, bound to the kid) and never leaves the
-- Worker; the public half is served in the JWKS from its creation, signs from `signs_from`
-- (so relying parties have it before any token it signed), and leaves the JWKS at
-- `retire_at` (after every token it signed has expired).
CREATE TABLE signing_keys (
  kid             TEXT PRIMARY KEY,
  public_jwk      TEXT NOT NULL,
  private_sealed  TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  signs_from      INTEGER NOT NULL,
  retire_at       INTEGER
);

-- Authorization codes: stored as their SHA-256, 60 seconds, single use (the redemption is
-- an UPDATE whose row count decides). A code redeemed twice revokes what it issued: its
-- refresh family is the code's hash.
CREATE TABLE oauth_codes (
  code_hash       TEXT PRIMARY KEY,
  client_id       TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  profile_id      TEXT NOT NULL,
  session_hash    TEXT NOT NULL,
  sid             TEXT NOT NULL,
  redirect_uri    TEXT NOT NULL,
  code_challenge  TEXT,
  nonce           TEXT,
  scope           TEXT NOT NULL,
  auth_time       INTEGER NOT NULL,
  amr             TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  used_at         INTEGER
);
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at);

-- A workspace app's refresh tokens, stored as their SHA-256. Each use rotates (`used_at` is
-- set by an UPDATE whose row count decides); a used one presented again revokes its whole
-- family. A family lives only as long as the netid session that made it and the membership
-- it was issued for (both checked on every use).
CREATE TABLE oauth_tokens (
  token_hash      TEXT PRIMARY KEY,
  family_id       TEXT NOT NULL,
  client_id       TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  profile_id      TEXT NOT NULL,
  session_hash    TEXT NOT NULL,
  sid             TEXT NOT NULL,
  scope           TEXT NOT NULL,
  auth_time       INTEGER NOT NULL,
  amr             TEXT NOT NULL,
  used_at         INTEGER,
  revoked_at      INTEGER,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  -- The issuer the tokens were issued as (the back-channel logout token says it).
  issuer          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX oauth_tokens_family ON oauth_tokens (family_id);
CREATE INDEX oauth_tokens_profile ON oauth_tokens (profile_id, account_id);
CREATE INDEX oauth_tokens_session ON oauth_tokens (session_hash);

-- Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the outbox carries one row
-- per (client, netid session) whose tokens an ended session, a dismissal or a departure
-- revoked, on the channel 'backchannel' (the recipient is the app's logout URI; the body
-- names the client, account, profile, sid and issuer; the delivery consumer signs the
-- logout token and posts it).

-- The guards of the provider's single-use steps name themselves (migration 0009).
CREATE TRIGGER guard_code_unused BEFORE INSERT ON guards WHEN NEW.name = 'code_unused' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:code_unused'); END;
CREATE TRIGGER guard_grant_unused BEFORE INSERT ON guards WHEN NEW.name = 'grant_unused' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:grant_unused'); END;
