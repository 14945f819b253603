-- netid schema, part 5: delivery (issue 10). The outbox stays the source of truth: a row is
-- written in the same batch as its cause, then handed to the delivery queue; its status says
-- where it stands.

-- The HTML part of an email (empty for SMS), and the account that sends it.
ALTER TABLE outbox ADD COLUMN html TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN account_id TEXT;
-- pending: waiting for an attempt (not before next_attempt_at); sending: claimed by a queue
-- consumer until claimed_until; delivered; failed: out of attempts or refused by the
-- provider (the operator may retry it); expired: its code or link died before delivery.
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending'
  CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'expired'));
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
-- What went wrong last, as the provider said it (status and error code; never a secret).
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
-- The provider's id of the message (Resend's email id, Twilio's message SID).
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
-- Rows written before delivery existed were never meant to leave.
UPDATE outbox SET status = CASE WHEN delivered_at IS NOT NULL THEN 'delivered' ELSE 'expired' END;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Send limits (Change::CountSend): a counter per address and per account and channel,
-- counted in the commit that writes the message; a count over the limit fails the
-- send_guards CHECK, which fails the whole commit.
CREATE TABLE send_counters (
  key          TEXT PRIMARY KEY,
  n            INTEGER NOT NULL,
  window_start INTEGER NOT NULL
);
CREATE TABLE send_guards (
  key TEXT PRIMARY KEY,
  ok  INTEGER NOT NULL CONSTRAINT netid_send_limit CHECK (ok = 1)
);
