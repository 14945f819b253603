-- netid schema, part 8: a connect is bound to the session that started it.

-- session_hash: for a connect, the token hash of the session that started it; the callback
-- links the identity only while that session is alive (a connect started before a logout
-- links nothing). NULL for a login or a sign-up (and for states made before this column:
-- a connect among them is refused and started again).
ALTER TABLE social_states ADD COLUMN session_hash TEXT;
