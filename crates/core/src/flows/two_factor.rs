//! Two-step authentication (TOTP with an authenticator app, recovery codes), the second step
//! of a login, switching it off (by the person or an account admin), the sessions list and
//! the account audit log.

use super::accounts::access;
use super::gate::{self, Entry, Proof};
use super::profile::notice_address;
use super::sessions::{login_account, reauthenticate, Grant};
use super::{not_found, throttle, Env};
use crate::error::{Code, Error, Result};
use crate::mail::MailKind;
use crate::model::{ClientKind, MemberStatus, Profile, Session, TwoFactor};
use crate::store::{Change, Guard, Read, Store};
use crate::tokens::token_hash;
use crate::totp;
use crate::webauthn::{CredentialKey, RelyingParty, Verifier};
use serde::Serialize;

fn unauth() -> Error {
    Error::new(Code::Unauthenticated)
}

fn key<S: Store>(env: &Env<'_, S>) -> Result<[u8; 32]> {
    env.config.two_factor_key.ok_or_else(|| Error::internal("TWO_FACTOR_KEY is not configured"))
}

async fn load<S: Store>(env: &Env<'_, S>, profile_id: &str) -> Result<Profile> {
    env.store.profile(profile_id).await?.ok_or_else(unauth)
}

/// What setup answers: the secret (base32) and the URI an authenticator app scans.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Setup {
    pub secret: String,
    pub otpauth_uri: String,
}

/// Starts (or restarts) setup with the password: a new 160-bit secret, sealed in storage,
/// pending until `enable` proves a code from it.
pub async fn setup<S: Store>(env: &mut Env<'_, S>, profile_id: &str, password: &str) -> Result<Setup> {
    let profile = load(env, profile_id).await?;
    if profile.two_factor_enabled {
        return Err(Error::new(Code::TwoFactorAlreadyEnabled));
    }
    let refunds = reauthenticate(env, &profile, password, "password", &[]).await?;
    let key = key(env)?;
    let mut secret = [0u8; totp::SECRET_BYTES];
    env.rng.fill(&mut secret);
    let sealed = totp::seal(&key, &profile.id, &secret, env.rng).ok_or_else(|| Error::internal("seal failed"))?;
    let mut changes = refunds;
    changes.push(Change::PutTwoFactor(TwoFactor {
        profile_id: profile.id.clone(),
        secret_sealed: sealed,
        enabled: false,
        last_step: 0,
        created_at: env.now,
    }));
    env.commit(changes).await?;
    let b32 = totp::base32(&secret);
    Ok(Setup { otpauth_uri: totp::otpauth_uri(&b32, profile.login()), secret: b32 })
}

fn recovery_set<S: Store>(env: &mut Env<'_, S>, profile_id: &str) -> (Vec<String>, Change) {
    let codes = totp::new_recovery_codes(env.rng);
    let hashes = codes
        .iter()
        .filter_map(|c| totp::normalize_recovery_code(c))
        .map(|c| totp::recovery_code_hash(profile_id, &c))
        .collect();
    (codes, Change::ReplaceRecoveryCodes { profile_id: profile_id.to_string(), hashes, at: env.now })
}

/// Proves the pending secret with one code: two-step authentication is on, and the ten
/// recovery codes are answered once (only their hashes are kept).
pub async fn enable<S: Store>(env: &mut Env<'_, S>, profile_id: &str, code: &str) -> Result<Vec<String>> {
    let profile = load(env, profile_id).await?;
    if profile.two_factor_enabled {
        return Err(Error::new(Code::TwoFactorAlreadyEnabled));
    }
    let Some(tf) = env.store.two_factor(&profile.id).await? else {
        return Err(Error::new(Code::TwoFactorNotEnabled));
    };
    let keys = env.password_keys(profile.login());
    throttle::reserve(env, &keys).await?;
    let secret = totp::open(&key(env)?, &profile.id, &tf.secret_sealed).ok_or_else(|| Error::internal("unseal"))?;
    let Some(step) = totp::check(&secret, code, env.now.max(0) as u64) else {
        return Err(Error::field(Code::InvalidOtp, "code"));
    };
    let (codes, replace) = recovery_set(env, &profile.id);
    // The proving code is spent like any other: of two concurrent enables one wins.
    let step = step as i64;
    let mut changes = vec![
        Change::Guard(Guard::TotpStepUnused { profile_id: profile.id.clone(), step }),
        Change::EnableTwoFactor { profile_id: profile.id.clone(), step },
        replace,
    ];
    changes.extend(throttle::refund(&keys));
    changes.push(env.audit(Some(&profile.id), "two_factor.enabled", &profile.id, ""));
    if let Some(to) = notice_address(&profile) {
        changes.push(env.message(MailKind::TwoFactorEnabled, profile.lang, &to, None));
    }
    match env.commit(changes).await {
        // The guard's error is the login's (401); here a spent code is a wrong input (422).
        Err(e) if e.code == Code::InvalidOtpLogin => Err(Error::field(Code::InvalidOtp, "code")),
        other => other.map(|()| codes),
    }
}

/// A new set of recovery codes, with the password; the old set dies.
pub async fn regenerate_recovery_codes<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    password: &str,
) -> Result<Vec<String>> {
    let profile = load(env, profile_id).await?;
    if !profile.two_factor_enabled {
        return Err(Error::new(Code::TwoFactorNotEnabled));
    }
    let mut changes = reauthenticate(env, &profile, password, "password", &[]).await?;
    let (codes, replace) = recovery_set(env, &profile.id);
    let audit = env.audit(Some(&profile.id), "two_factor.recovery_codes", &profile.id, "");
    changes.extend([replace, audit]);
    if let Some(to) = notice_address(&profile) {
        changes.push(env.message(MailKind::RecoveryCodesRenewed, profile.lang, &to, None));
    }
    env.commit(changes).await?;
    Ok(codes)
}

/// The changes that switch the factor off for `profile`, tell them, and end their sessions
/// (all of them, or all but `keep`).
fn switch_off<S: Store>(env: &mut Env<'_, S>, profile: &Profile, keep: Option<&Session>) -> Vec<Change> {
    let mut changes = vec![
        Change::DeleteTwoFactor(profile.id.clone()),
        // No browser skips a second step that is gone (one switched on again starts afresh).
        Change::ForgetBrowsers(profile.id.clone()),
        Change::DeleteSessionsOf { profile_id: profile.id.clone(), except: keep.map(|s| s.token_hash.clone()) },
        Change::DeleteRefreshTokensOf {
            profile_id: profile.id.clone(),
            except_family: keep.and_then(|s| s.family_id.clone()),
        },
        Change::DeleteTicketsOf(profile.id.clone()),
    ];
    if let Some(to) = notice_address(profile) {
        changes.push(env.message(MailKind::TwoFactorDisabled, profile.lang, &to, None));
    }
    changes
}

/// The person switches two-step authentication off, with the password; their other
/// sessions end and they are told.
pub async fn disable<S: Store>(env: &mut Env<'_, S>, session: &Session, password: &str) -> Result<()> {
    let profile = load(env, &session.profile_id).await?;
    if !profile.two_factor_enabled {
        return Err(Error::new(Code::TwoFactorNotEnabled));
    }
    let mut changes = reauthenticate(env, &profile, password, "password", &[]).await?;
    // Not while a workspace of theirs requires it (decided in the commit: a policy switched
    // on meanwhile wins); an admin there can reset it (`disable_for_member`).
    changes.push(Change::Guard(Guard::NoPolicyRequiresTwoFactor { profile_id: profile.id.clone() }));
    changes.extend(switch_off(env, &profile, Some(session)));
    changes.push(env.audit(Some(&profile.id), "two_factor.disabled", &profile.id, "by the person"));
    env.commit(changes).await
}

/// An account admin switches a member's second factor off (a lost phone): 403 to plain
/// members, 404 to extranet members and non-members, 404 for a card outside the account.
/// The person is told, every session of theirs ends, and the account's audit log records it.
pub async fn disable_for_member<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    user_id: &str,
) -> Result<()> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    // Only a member's factors: a dismissed card (or one whose person left) is the account's
    // record, not a way to reach that person's profile.
    let card = env
        .store
        .membership(account_id, user_id)
        .await?
        .filter(|c| c.status == MemberStatus::Active)
        .ok_or_else(not_found)?;
    let profile_id = card.profile_id.clone().ok_or_else(not_found)?;
    let profile = env.store.profile(&profile_id).await?.ok_or_else(not_found)?;
    if !profile.two_factor_enabled {
        return Err(Error::new(Code::TwoFactorNotEnabled));
    }
    let mut changes = switch_off(env, &profile, None);
    changes.push(env.account_audit(account_id, Some(actor), "two_factor.disabled_by_admin", &card.id, &profile.id));
    env.commit(changes).await
}

/// The second factor a login presents: a TOTP code or a recovery code, and whether the
/// person asks that this browser skip the second step for 30 days (`flows::browsers`).
#[derive(Debug, Clone, Default)]
pub struct Factor {
    pub otp: Option<String>,
    pub recovery_code: Option<String>,
    pub remember: bool,
}

impl Factor {
    pub fn is_empty(&self) -> bool {
        self.otp.is_none() && self.recovery_code.is_none()
    }
}

/// Checks a factor for a profile with two-step authentication on; the changes to commit with
/// the session: a guard that the code's step (or the recovery code) is unused, and its use.
/// A wrong code is `invalid_otp` (401); a replayed one fails the guard with the same error.
pub(crate) async fn verify_factor<S: Store>(
    env: &mut Env<'_, S>,
    profile: &Profile,
    factor: &Factor,
) -> Result<Vec<Change>> {
    let wrong = || match factor.otp {
        Some(_) => Error::field(Code::InvalidOtpLogin, "otp"),
        None => Error::field(Code::InvalidRecoveryCode, "recovery_code"),
    };
    // Every try counts on the profile before it is evaluated, whatever ticket or session it
    // came with (5 per 15 minutes, 20 per day); a right one is given back.
    let keys = env.factor_keys(&profile.id);
    // Counted with the factor's read, in one round trip.
    let after = env.store.hit_and_prefetch(&keys, env.now, &[Read::TwoFactor(&profile.id)]).await?;
    throttle::verdict(env.now, &keys, &after)?;
    let mut changes = verify_counted(env, profile, factor, wrong).await?;
    changes.extend(throttle::refund(&keys));
    Ok(changes)
}

async fn verify_counted<S: Store>(
    env: &mut Env<'_, S>,
    profile: &Profile,
    factor: &Factor,
    wrong: impl Fn() -> Error + Copy,
) -> Result<Vec<Change>> {
    if let Some(code) = &factor.otp {
        let tf = env.store.two_factor(&profile.id).await?.filter(|t| t.enabled).ok_or_else(wrong)?;
        let secret = totp::open(&key(env)?, &profile.id, &tf.secret_sealed).ok_or_else(|| Error::internal("unseal"))?;
        let step = totp::check(&secret, code, env.now.max(0) as u64).ok_or_else(wrong)? as i64;
        if step <= tf.last_step {
            // A right code presented again: someone who saw it (or the password's holder
            // racing its owner). Refused, written to the profile's log, and the owner told.
            let mut report = vec![env.audit(Some(&profile.id), "two_factor.code_replayed", &profile.id, "")];
            if let Some(to) = notice_address(profile) {
                report.push(env.message(MailKind::OtpReplayed, profile.lang, &to, None));
            }
            env.commit(report).await?;
            return Err(wrong());
        }
        return Ok(vec![
            Change::Guard(Guard::TotpStepUnused { profile_id: profile.id.clone(), step }),
            Change::UseTotpStep { profile_id: profile.id.clone(), step },
        ]);
    }
    let rc = factor.recovery_code.as_deref().and_then(totp::normalize_recovery_code).ok_or_else(wrong)?;
    let code_hash = totp::recovery_code_hash(&profile.id, &rc);
    let mut changes = vec![
        Change::Guard(Guard::RecoveryCodeUnused { profile_id: profile.id.clone(), code_hash: code_hash.clone() }),
        Change::UseRecoveryCode { profile_id: profile.id.clone(), code_hash },
    ];
    if let Some(to) = notice_address(profile) {
        changes.push(env.message(MailKind::RecoveryCodeUsed, profile.lang, &to, None));
    }
    changes.push(env.audit(Some(&profile.id), "two_factor.recovery_code_used", &profile.id, ""));
    Ok(changes)
}

/// A passkey presented as the second step, with what checks it.
pub struct PasskeyStep<'a, V> {
    pub rp: &'a RelyingParty,
    pub verifier: &'a V,
    pub credential: &'a serde_json::Value,
}

/// The verifier of a second step that presents no passkey (never called).
pub struct NoPasskey;

impl Verifier for NoPasskey {
    async fn verify(&self, _: &CredentialKey, _: &[u8], _: &[u8]) -> Result<bool> {
        Ok(false)
    }
}

/// `POST /login/second-factor` with a code: see [`second_step_with`].
pub async fn second_step<S: Store>(env: &mut Env<'_, S>, ticket: &str, factor: Factor) -> Result<Grant> {
    second_step_with::<S, NoPasskey>(env, ticket, factor, None).await
}

/// `POST /login/second-factor`: a live ticket and a right factor (a code, a recovery code, or
/// a passkey) make the session. Each try counts on the ticket (5) and on the login's
/// throttle, before it is evaluated; success spends the ticket.
pub async fn second_step_with<S: Store, V: Verifier>(
    env: &mut Env<'_, S>,
    ticket: &str,
    factor: Factor,
    passkey: Option<PasskeyStep<'_, V>>,
) -> Result<Grant> {
    if ticket.is_empty() || ticket.len() > 256 {
        return Err(unauth());
    }
    let hash = token_hash(ticket);
    let t = env.store.attempt_ticket(&hash, env.now, env.config.ticket_tries).await?.ok_or_else(unauth)?;
    if factor.is_empty() && passkey.is_none() {
        return Err(Error::field(Code::InvalidOtpLogin, "otp"));
    }
    // The login's and the factor's attempts counted, the profile with its accounts and its
    // factor read, in one round trip (the login's keys first: a blocked login counts no
    // factor try).
    let keys = env.password_keys(&t.login);
    let factor_keys = env.factor_keys(&t.profile_id);
    let all: Vec<_> = keys.iter().chain(&factor_keys).cloned().collect();
    let reads = [Read::Profile(&t.profile_id), Read::TwoFactor(&t.profile_id)];
    let after = env.store.hit_and_prefetch(&all, env.now, &reads).await?;
    throttle::verdict(env.now, &all, &after)?;
    let profile = env.store.profile(&t.profile_id).await?.ok_or_else(unauth)?;
    let wrong = || match factor.otp {
        Some(_) => Error::field(Code::InvalidOtpLogin, "otp"),
        None => Error::field(Code::InvalidRecoveryCode, "recovery_code"),
    };
    let mut changes =
        vec![Change::Guard(Guard::TicketUnspent { ticket_hash: hash.clone() }), Change::DeleteTicket(hash.clone())];
    let proof = match (&passkey, t.by_social) {
        (Some(p), by_social) => {
            changes.extend(super::passkeys::verify_second(env, p.rp, p.verifier, &hash, &profile, p.credential).await?);
            if by_social {
                Proof::SocialAndPasskey
            } else {
                Proof::PasswordAndPasskey
            }
        }
        (None, by_social) => {
            changes.extend(verify_counted(env, &profile, &factor, wrong).await?);
            if by_social {
                Proof::SocialAndFactor
            } else {
                Proof::PasswordAndFactor
            }
        }
    };
    changes.extend(throttle::refund(&factor_keys));
    changes.push(Change::DeleteThrottle(throttle::login_key(&t.login)));
    changes.extend(throttle::refund(&keys[1..]));
    // Remembering this browser, when asked (the accounts were read with the profile).
    let mut remembered = None;
    if factor.remember && t.client == ClientKind::Browser {
        let accounts = env.store.accounts_of(&profile.id).await?;
        if let Some((cookie, remember)) = super::browsers::remember(env, &profile, &accounts) {
            changes.extend(remember);
            remembered = Some(cookie);
        }
    }
    let account_id = login_account(env, &profile.id, t.account_id, &mut changes).await?;
    let entry = Entry { account_id, client: t.client, accounts: None, login: Some(t.login.clone()) };
    let mut grant = gate::admit(env, profile, proof, entry, changes).await?;
    grant.remembered = remembered;
    Ok(grant)
}
