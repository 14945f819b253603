-- Where a profile has signed in from: its devices (the SHA-256 of a long-lived device
-- cookie) and countries (Cloudflare's cf.country). A sign-in from one not seen before on a
-- profile that has signed in before sends a notice (MailKind::NewSignIn). At most 20 devices
-- per profile are kept (the least recently seen go); the rows go with the profile's claim.
CREATE TABLE sign_in_places (
  profile_id    TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('device', 'country')),
  value         TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  PRIMARY KEY (profile_id, kind, value)
);
