//! Issuing and checking 6-digit codes.

use super::{throttle, Env};
use crate::config::ThrottlePolicy;
use crate::error::{Code, Error, Result};
use crate::mail::MailKind;
use crate::model::{CodeRecord, Profile, Purpose, SignupClaim};
use crate::store::{Change, Guard, Read, Store};
use crate::tokens::{code_hash, new_code};
use crate::validate::ConfirmationCode;

/// A new code for `purpose`, sent to `target`: the code row (replacing any earlier one)
/// and the message, to commit together.
pub(crate) fn issue<S: Store>(
    env: &mut Env<'_, S>,
    profile: &Profile,
    purpose: Purpose,
    target: &str,
    kind: MailKind,
) -> Vec<Change> {
    issue_with(env, profile, purpose, target, kind, None)
}

/// [`issue`], for a signup code carrying the credentials its confirmation sets.
pub(crate) fn issue_with<S: Store>(
    env: &mut Env<'_, S>,
    profile: &Profile,
    purpose: Purpose,
    target: &str,
    kind: MailKind,
    claim: Option<SignupClaim>,
) -> Vec<Change> {
    let code = new_code(env.rng);
    let record = CodeRecord {
        profile_id: profile.id.clone(),
        purpose,
        target: target.to_string(),
        code_hash: code_hash(purpose.as_str(), &profile.id, &code),
        attempts: 0,
        expires_at: env.now + env.config.code_ttl,
        created_at: env.now,
        claim,
    };
    let msg = env.message(kind, profile.lang, target, Some(&code));
    vec![Change::PutCode(record), msg]
}

/// A code that checked out: what to commit with the success (a guard that the code is still
/// unspent, its deletion, and the attempts given back), or, when the request fails for
/// another reason after all, just the attempts given back.
pub(crate) struct Accepted {
    pub spend: Vec<Change>,
    pub refunds: Vec<Change>,
    /// The code's record as it was read (a signup code's claim).
    pub record: CodeRecord,
}

/// How much a failed check may tell. Public flows (signup confirmation, password reset) must
/// answer alike whether or not the login exists, so expired and exhausted codes are plain
/// `invalid_code` there; a logged-in person's own flows say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disclosure {
    Opaque,
    Detailed,
}

/// Counts a guess on `keys` (`Env::code_keys` of the target) and, in the same round trip,
/// reads what the flow will read to judge it (`reads`: the owner, the code). The guess is
/// counted BEFORE it is evaluated, per login (per 15 minutes and per day, across re-issued
/// codes) and per client network, whether or not the login exists.
pub(crate) async fn count<S: Store>(
    env: &Env<'_, S>,
    keys: &[(String, ThrottlePolicy)],
    reads: &[Read<'_>],
) -> Result<()> {
    let after = env.store.hit_and_prefetch(keys, env.now, reads).await?;
    throttle::verdict(env.now, keys, &after)
}

/// Checks `code` for `purpose` and `target` once the guess was counted ([`count`]); a wrong
/// guess also counts on the code itself (`attempts + 1` in the statement; the fifth wrong
/// one spends it).
pub(crate) async fn verify_counted<S: Store>(
    env: &Env<'_, S>,
    keys: &[(String, ThrottlePolicy)],
    profile_id: Option<&str>,
    purpose: Purpose,
    target: &str,
    code: &ConfirmationCode,
    disclosure: Disclosure,
) -> Result<Accepted> {
    let invalid = || Error::field(Code::InvalidCode, "code");
    let detailed = |c: Code| match disclosure {
        Disclosure::Detailed => Error::field(c, "code"),
        Disclosure::Opaque => invalid(),
    };
    let Some(profile_id) = profile_id else {
        return Err(invalid());
    };
    let Some(rec) = env.store.code(profile_id, purpose).await? else {
        return Err(invalid());
    };
    if rec.target != target {
        return Err(invalid());
    }
    if env.now >= rec.expires_at {
        // A signup's claim outlives its code (a day, `PurgeExpired`), so "resend" can send a
        // new code with the same credentials; any other expired code goes at once.
        if rec.claim.is_none() {
            env.commit(vec![Change::DeleteCode { profile_id: profile_id.to_string(), purpose }]).await?;
        }
        return Err(detailed(Code::CodeExpired));
    }
    if rec.attempts >= env.config.code_attempts {
        return Err(detailed(Code::CodeAttemptsExceeded));
    }
    if code_hash(purpose.as_str(), profile_id, code.as_str()) != rec.code_hash {
        env.commit(vec![Change::CodeFailed { profile_id: profile_id.to_string(), purpose }]).await?;
        let exhausted = rec.attempts + 1 >= env.config.code_attempts;
        return Err(if exhausted { detailed(Code::CodeAttemptsExceeded) } else { invalid() });
    }
    let refunds = throttle::refund(keys);
    let mut spend = vec![
        Change::Guard(Guard::CodeUnspent {
            profile_id: profile_id.to_string(),
            purpose,
            code_hash: rec.code_hash.clone(),
        }),
        Change::DeleteCode { profile_id: profile_id.to_string(), purpose },
    ];
    spend.extend(refunds.iter().cloned());
    Ok(Accepted { spend, refunds, record: rec })
}
