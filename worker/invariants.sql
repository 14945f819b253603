-- netid's data invariants, as queries that answer the rows breaking them (none, always).
-- Run by GET /api/v1/dev/invariants (development only) after the end-to-end suite
-- (tests/e2e/zzz-invariants.test.js), the bench's soak and the fault tests. Each query
-- follows a line `-- invariant: <name>: <what must hold>`.

-- invariant: card_has_account: every card belongs to an existing account
SELECT id FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = m.account_id);

-- invariant: live_card_has_profile: a card that is not dismissed and names a profile names an existing one
SELECT id FROM memberships m WHERE m.status != 'dismissed' AND m.profile_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = m.profile_id);

-- invariant: active_card_has_profile: an active card always has its profile
SELECT id FROM memberships WHERE status = 'active' AND profile_id IS NULL;

-- invariant: one_card_per_profile_and_account: a profile holds at most one card per account
SELECT account_id || '/' || profile_id FROM memberships WHERE profile_id IS NOT NULL
  GROUP BY account_id, profile_id HAVING COUNT(*) > 1;

-- invariant: invitation_has_account: every invitation belongs to an existing account
SELECT id FROM invitations i WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = i.account_id);

-- invariant: invitation_has_card: a pending or accepted invitation's card exists, in the same account (a revoked one's invited card is deleted with it)
SELECT id FROM invitations i WHERE i.state IN ('pending', 'accepted') AND i.membership_id IS NOT NULL AND NOT EXISTS
  (SELECT 1 FROM memberships m WHERE m.id = i.membership_id AND m.account_id = i.account_id);

-- invariant: pending_invitation_card_invited: a pending invitation's card is still invited
SELECT i.id FROM invitations i JOIN memberships m ON m.id = i.membership_id
  WHERE i.state = 'pending' AND m.status != 'invited';

-- invariant: one_pending_invitation_per_card: a card has at most one pending invitation
SELECT membership_id FROM invitations WHERE state = 'pending' AND membership_id IS NOT NULL
  GROUP BY membership_id HAVING COUNT(*) > 1;

-- invariant: account_has_active_admin: every account keeps an active admin (an active employee card with the admin role, Membership::is_active_admin)
SELECT id FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM memberships m
  WHERE m.account_id = a.id AND m.role = 'admin' AND m.type = 'employee' AND m.status = 'active');

-- invariant: at_most_seven_created: nobody created more than 7 existing accounts
SELECT created_by FROM accounts WHERE created_by != 'prf_bench' GROUP BY created_by HAVING COUNT(*) > 7;

-- invariant: renames_not_negative: renames left never go below zero
SELECT id FROM accounts WHERE renames_left < 0;

-- invariant: department_has_account: every department belongs to an existing account
SELECT id FROM departments d WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = d.account_id);

-- invariant: department_parent_same_account: a department's parent is in its account
SELECT id FROM departments d WHERE d.parent_id IS NOT NULL AND NOT EXISTS
  (SELECT 1 FROM departments p WHERE p.id = d.parent_id AND p.account_id = d.account_id);

-- invariant: group_has_account: every group belongs to an existing account
SELECT id FROM groups g WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = g.account_id);

-- invariant: group_link_has_both_ends: a card's group link names an existing card and group of one account
SELECT membership_id || '/' || group_id FROM membership_groups l WHERE
  NOT EXISTS (SELECT 1 FROM memberships m WHERE m.id = l.membership_id AND m.account_id = l.account_id)
  OR NOT EXISTS (SELECT 1 FROM groups g WHERE g.id = l.group_id AND g.account_id = l.account_id);

-- invariant: session_has_profile: every session belongs to an existing profile
SELECT id FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = s.profile_id);

-- invariant: session_account_exists: a session's current account exists
SELECT id FROM sessions s WHERE s.account_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id);

-- invariant: refresh_token_has_profile: every refresh token belongs to an existing profile
SELECT token_hash FROM refresh_tokens r WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = r.profile_id);

-- invariant: code_has_profile: every code belongs to an existing profile
SELECT profile_id || '/' || purpose FROM codes c WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = c.profile_id);

-- invariant: second_factor_has_profile: authenticator secrets, recovery codes and login tickets belong to existing profiles
SELECT profile_id FROM two_factor t WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = t.profile_id)
UNION ALL SELECT profile_id FROM recovery_codes r WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = r.profile_id)
UNION ALL SELECT profile_id FROM login_tickets l WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = l.profile_id);

-- invariant: two_factor_flag_matches: a profile shows two-step on exactly when an enabled secret exists
SELECT id FROM profiles p WHERE p.two_factor_enabled !=
  EXISTS (SELECT 1 FROM two_factor t WHERE t.profile_id = p.id AND t.enabled = 1);

-- invariant: throttle_counts_not_negative: refunds never take a counter below zero
SELECT key FROM throttles WHERE failures < 0;

-- invariant: no_guard_row_false: a guard row is never stored failing (the CHECK decides)
SELECT name FROM guards WHERE ok != 1;

-- invariant: delivered_message_erased: a delivered message keeps no code, link, token or body
SELECT id FROM outbox WHERE status = 'delivered' AND (code IS NOT NULL OR link IS NOT NULL OR token IS NOT NULL OR body != '' OR html != '');

-- invariant: delivered_message_has_time: a delivered message says when, and only a delivered one
SELECT id FROM outbox WHERE (status = 'delivered') != (delivered_at IS NOT NULL);

-- invariant: message_attempts_counted: a message that failed was attempted at least once, and only a claimed one has a claim
SELECT id FROM outbox WHERE (status = 'failed' AND attempts < 1 AND last_error IS NULL) OR (status != 'sending' AND claimed_until != 0);

-- invariant: social_identity_has_profile: every linked social identity belongs to an existing profile
SELECT provider || '/' || subject FROM social_identities s WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = s.profile_id);

-- invariant: profile_has_a_way_in: a profile without a password has a social identity to log in with, or a confirmed login to reset one on (a contested signup confirmed without saying which claimant it was)
SELECT id FROM profiles p WHERE p.password_hash = ''
  AND NOT EXISTS (SELECT 1 FROM social_identities s WHERE s.profile_id = p.id)
  AND NOT (p.email_confirmed = 1 OR p.phone_confirmed = 1);

-- invariant: owned_profiles_hold_proven_logins: a profile with a confirmed login holds no unconfirmed one (an unproven address on it would block its owner)
SELECT id FROM profiles WHERE (email_confirmed = 1 OR phone_confirmed = 1)
  AND ((email IS NOT NULL AND email_confirmed = 0) OR (phone IS NOT NULL AND phone_confirmed = 0));

-- invariant: app_has_account: a workspace's application belongs to an existing account
SELECT client_id FROM apps a WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE id = a.account_id);

-- invariant: confidential_app_has_secret: a confidential application has a secret, a public one none
SELECT client_id FROM apps WHERE (type = 'confidential') != (secret_hash IS NOT NULL);

-- invariant: passkey_has_profile: every passkey belongs to an existing profile
SELECT id FROM passkeys k WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = k.profile_id);

-- invariant: passkey_has_its_user_handle: a passkey is made for its profile's WebAuthn user handle
SELECT k.id FROM passkeys k WHERE NOT EXISTS
  (SELECT 1 FROM passkey_users u WHERE u.profile_id = k.profile_id AND u.user_handle = k.user_handle);

-- invariant: at_most_ten_passkeys: no profile has more than 10 passkeys
SELECT profile_id FROM passkeys GROUP BY profile_id HAVING COUNT(*) > 10;

-- invariant: sign_in_place_has_profile: every place a profile signed in from belongs to an existing profile
SELECT profile_id FROM sign_in_places s WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = s.profile_id);

-- invariant: at_most_twenty_devices: no profile keeps more than 20 sign-in devices
SELECT profile_id FROM sign_in_places WHERE kind = 'device' GROUP BY profile_id HAVING COUNT(*) > 20;

-- invariant: remembered_browser_has_two_step: a remembered browser belongs to an existing profile with two-step on
SELECT id FROM remembered_browsers r WHERE NOT EXISTS
  (SELECT 1 FROM profiles p WHERE p.id = r.profile_id AND p.two_factor_enabled = 1);

-- invariant: at_most_ten_remembered_browsers: no profile keeps more than 10 remembered browsers
SELECT profile_id FROM remembered_browsers GROUP BY profile_id HAVING COUNT(*) > 10;
