//! Issuing and checking 6-digit codes.

use super::Env;
use crate::error::{Code, Error, Result};
use crate::mail::MailKind;
use crate::model::{CodeRecord, Profile, Purpose};
use crate::store::{Change, Store};
use crate::tokens::{code_hash, new_code};
use crate::validate::ConfirmationCode;

/// A new code for `purpose`, sent to `target`: the code row (replacing any earlier one)
/// and the message, to commit together. Also returns the code itself.
pub(crate) fn issue<S: Store>(
    env: &mut Env<'_, S>,
    profile: &Profile,
    purpose: Purpose,
    target: &str,
    kind: MailKind,
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
    };
    let msg = env.message(kind, profile.lang, target, Some(&code));
    vec![Change::PutCode(record), msg]
}

/// Checks `code` for `purpose` and `target`. A wrong code counts an attempt (committed
/// before the error is returned); the fifth wrong one spends the code.
pub(crate) async fn verify<S: Store>(
    env: &Env<'_, S>,
    profile_id: &str,
    purpose: Purpose,
    target: &str,
    code: &ConfirmationCode,
) -> Result<CodeRecord> {
    let invalid = || Error::field(Code::InvalidCode, "code");
    let Some(mut rec) = env.store.code(profile_id, purpose).await? else {
        return Err(invalid());
    };
    if rec.target != target {
        return Err(invalid());
    }
    if env.now >= rec.expires_at {
        env.commit(vec![Change::DeleteCode { profile_id: profile_id.to_string(), purpose }]).await?;
        return Err(Error::field(Code::CodeExpired, "code"));
    }
    if rec.attempts >= env.config.code_attempts {
        return Err(Error::field(Code::CodeAttemptsExceeded, "code"));
    }
    if code_hash(purpose.as_str(), profile_id, code.as_str()) != rec.code_hash {
        rec.attempts += 1;
        let exhausted = rec.attempts >= env.config.code_attempts;
        env.commit(vec![Change::PutCode(rec)]).await?;
        return Err(if exhausted { Error::field(Code::CodeAttemptsExceeded, "code") } else { invalid() });
    }
    Ok(rec)
}
