//! Passkeys (WebAuthn): registering one from a logged-in profile, listing, renaming and
//! removing them, logging in with one (a discoverable credential: it proves the person and
//! their presence and verification, so it satisfies two-step), and a passkey as the second
//! step after a password or a social login.
//!
//! Every ceremony's challenge is single use: stored hashed for 5 minutes, spent by one
//! `DELETE ... RETURNING` before anything else of the answer is believed. A session comes
//! only from the gate.

use super::gate::{self, Entry, Proof};
use super::profile::notice_address;
use super::sessions::{login_account, reauthenticate, Grant};
use super::{not_found, throttle, Env};
use crate::error::{Code, Error, Result};
use crate::mail::MailKind;
use crate::model::{Ceremony, CeremonyPurpose, ClientKind, Passkey, Profile, Session};
use crate::store::{Change, Guard, Read, Store};
use crate::tokens::token_hash;
use crate::validate::parse_text;
use crate::webauthn::{
    aaguid_string, authenticator_name, b64url, client_data, registration, Assertion, CredentialJson, RelyingParty,
    Verifier, ALGORITHMS,
};
use serde::Serialize;
use serde_json::{json, Value};

/// The most passkeys a profile may have.
pub const MAX_PASSKEYS: u32 = 10;
/// How long a ceremony's challenge lives (seconds).
pub const CEREMONY_TTL: i64 = 300;
/// The longest passkey name.
pub const MAX_NAME: usize = 64;

/// A passkey as its owner sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PasskeyView {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// Synced to the provider's other devices now (BS).
    pub backed_up: bool,
    /// A synced passkey (BE) rather than one bound to its device.
    pub backup_eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticator: Option<&'static str>,
}

impl From<&Passkey> for PasskeyView {
    fn from(p: &Passkey) -> Self {
        PasskeyView {
            id: p.id.clone(),
            name: p.name.clone(),
            created_at: p.created_at,
            last_used_at: p.last_used_at,
            backed_up: p.backed_up,
            backup_eligible: p.backup_eligible,
            authenticator: authenticator_name(&p.aaguid),
        }
    }
}

fn invalid() -> Error {
    Error::field(Code::InvalidPasskey, "credential")
}

fn refused() -> Error {
    Error::field(Code::InvalidCredentials, "credential")
}

/// A new challenge for `purpose`: the changes that store it, and its base64url value.
fn ceremony<S: Store>(
    env: &mut Env<'_, S>,
    purpose: CeremonyPurpose,
    profile_id: Option<&str>,
    ticket_hash: Option<&str>,
    user_handle: Option<&str>,
) -> (String, Change) {
    let mut bytes = [0u8; 32];
    env.rng.fill(&mut bytes);
    let challenge = b64url(&bytes);
    let c = Ceremony {
        challenge_hash: token_hash(&challenge),
        purpose,
        profile_id: profile_id.map(str::to_string),
        ticket_hash: ticket_hash.map(str::to_string),
        user_handle: user_handle.map(str::to_string),
        expires_at: env.now + CEREMONY_TTL,
        created_at: env.now,
    };
    (challenge, Change::PutCeremony(c))
}

fn descriptors(passkeys: &[Passkey]) -> Vec<Value> {
    passkeys
        .iter()
        .map(|p| {
            let transports: Vec<&str> = p.transports.split(',').filter(|t| !t.is_empty()).collect();
            json!({"type": "public-key", "id": p.credential_id, "transports": transports})
        })
        .collect()
}

/// `POST /me/passkeys/options`: creation options for a new passkey, with the password (or
/// for a profile without one, a session younger than 10 minutes). A discoverable credential
/// with user verification, no attestation, for the profile's user handle (64 random bytes,
/// made on the first registration).
pub async fn registration_options<S: Store>(
    env: &mut Env<'_, S>,
    session: &Session,
    password: &str,
    rp: &RelyingParty,
) -> Result<Value> {
    let profile = env.store.profile(&session.profile_id).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
    // The count of the password's attempt and the profile's passkeys: one round trip.
    let mut changes = reauthenticate(env, &profile, password, "password", &[Read::Passkeys(&profile.id)]).await?;
    let existing = env.store.passkeys_of(&profile.id).await?;
    if existing.len() >= MAX_PASSKEYS as usize {
        return env.settle(changes, Err(Error::new(Code::PasskeyLimitReached))).await;
    }
    let handle = match env.store.passkey_user(&profile.id).await? {
        Some(h) => h,
        None => {
            let mut bytes = [0u8; 64];
            env.rng.fill(&mut bytes);
            let h = b64url(&bytes);
            changes.push(Change::PutPasskeyUser {
                profile_id: profile.id.clone(),
                user_handle: h.clone(),
                at: env.now,
            });
            h
        }
    };
    let (challenge, put) = ceremony(env, CeremonyPurpose::Register, Some(&profile.id), None, Some(&handle));
    changes.push(put);
    env.commit(changes).await?;
    let display = format!("{} {}", profile.first_name, profile.last_name).trim().to_string();
    let params: Vec<Value> = ALGORITHMS.iter().map(|a| json!({"type": "public-key", "alg": a})).collect();
    Ok(json!({"publicKey": {
        "rp": {"id": rp.id, "name": rp.name},
        "user": {"id": handle, "name": profile.login(), "displayName": if display.is_empty() { profile.login() } else { &display }},
        "challenge": challenge,
        "pubKeyCredParams": params,
        "timeout": CEREMONY_TTL * 1000,
        "attestation": "none",
        "authenticatorSelection": {"residentKey": "required", "requireResidentKey": true, "userVerification": "required"},
        "excludeCredentials": descriptors(&existing),
        "extensions": {"credProps": true},
    }}))
}

fn passkey_name(name: Option<&str>, aaguid: &str) -> Result<String> {
    match name.map(|n| parse_text(n, "name", MAX_NAME)).transpose()?.flatten() {
        Some(n) => Ok(n),
        None => Ok(authenticator_name(aaguid).unwrap_or("Passkey").to_string()),
    }
}

/// `POST /me/passkeys`: the browser's answer to the creation options. The challenge must be
/// this profile's registration challenge, live and unspent; the answer's origin the
/// service's; the attestation `none`; the user present and verified; the key ES256, EdDSA
/// or RS256. At most 10 passkeys, each credential id once across netid (both decided in the
/// commit). The owner is told.
pub async fn register<S: Store>(
    env: &mut Env<'_, S>,
    session: &Session,
    rp: &RelyingParty,
    name: Option<&str>,
    credential: &Value,
) -> Result<PasskeyView> {
    let c = CredentialJson::parse(credential).map_err(|_| invalid())?;
    let client = client_data(&c, "webauthn.create", rp).map_err(|_| invalid())?;
    let spent = env.store.take_ceremony(&token_hash(&client.challenge), env.now).await?;
    let Some(Ceremony {
        purpose: CeremonyPurpose::Register, profile_id: Some(owner), user_handle: Some(handle), ..
    }) = spent
    else {
        return Err(invalid());
    };
    if owner != session.profile_id {
        return Err(invalid());
    }
    let new = registration(&c, rp).map_err(|_| invalid())?;
    let profile = env.store.profile(&owner).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
    let aaguid = aaguid_string(&new.aaguid);
    let passkey = Passkey {
        id: env.id("pk"),
        profile_id: owner.clone(),
        credential_id: b64url(&new.credential_id),
        public_key: b64url(&new.public_key),
        alg: new.alg,
        sign_count: i64::from(new.sign_count),
        backup_eligible: new.backup_eligible,
        backed_up: new.backed_up,
        name: passkey_name(name, &aaguid)?,
        aaguid,
        transports: new.transports.join(","),
        user_handle: handle.clone(),
        created_at: env.now,
        last_used_at: None,
    };
    let mut changes = vec![
        Change::Guard(Guard::PasskeysBelow { profile_id: owner.clone(), max: MAX_PASSKEYS }),
        Change::Guard(Guard::CredentialFree { credential_id: passkey.credential_id.clone() }),
        Change::Guard(Guard::PasskeyUserIs { profile_id: owner.clone(), user_handle: handle }),
        Change::PutPasskey(passkey.clone()),
    ];
    changes.extend(notice(env, &profile, MailKind::PasskeyAdded, &passkey.name));
    changes.push(env.audit(Some(&owner), "passkey.added", &passkey.id, &passkey.name));
    env.commit(changes).await?;
    Ok(PasskeyView::from(&passkey))
}

fn notice<S: Store>(env: &mut Env<'_, S>, profile: &Profile, kind: MailKind, name: &str) -> Option<Change> {
    let to = notice_address(profile)?;
    Some(env.outbox(kind, profile.lang, &to, &[("name", name)], None))
}

/// `GET /me/passkeys`.
pub async fn list<S: Store>(env: &Env<'_, S>, profile_id: &str) -> Result<Vec<PasskeyView>> {
    Ok(env.store.passkeys_of(profile_id).await?.iter().map(PasskeyView::from).collect())
}

async fn own<S: Store>(env: &Env<'_, S>, profile_id: &str, id: &str) -> Result<Passkey> {
    env.store.passkeys_of(profile_id).await?.into_iter().find(|p| p.id == id).ok_or_else(not_found)
}

/// `PATCH /me/passkeys/{id}`.
pub async fn rename<S: Store>(env: &mut Env<'_, S>, profile_id: &str, id: &str, name: &str) -> Result<PasskeyView> {
    let mut p = own(env, profile_id, id).await?;
    p.name = parse_text(name, "name", MAX_NAME)?.ok_or_else(|| Error::field(Code::InvalidText, "name"))?;
    env.commit(vec![
        Change::Guard(Guard::PasskeyExists { profile_id: profile_id.to_string(), id: id.to_string() }),
        Change::RenamePasskey { profile_id: profile_id.to_string(), id: id.to_string(), name: p.name.clone() },
    ])
    .await?;
    Ok(PasskeyView::from(&p))
}

/// `DELETE /me/passkeys/{id}`: never the profile's last way in (decided in the commit). The
/// owner is told.
pub async fn delete<S: Store>(env: &mut Env<'_, S>, profile_id: &str, id: &str) -> Result<()> {
    let p = own(env, profile_id, id).await?;
    let profile = env.store.profile(profile_id).await?.ok_or_else(not_found)?;
    let (pid, id) = (profile_id.to_string(), id.to_string());
    let mut changes = vec![
        Change::Guard(Guard::PasskeyExists { profile_id: pid.clone(), id: id.clone() }),
        Change::Guard(Guard::OtherThanPasskey { profile_id: pid.clone(), id: id.clone() }),
        Change::DeletePasskey { profile_id: pid.clone(), id: id.clone() },
    ];
    changes.extend(notice(env, &profile, MailKind::PasskeyRemoved, &p.name));
    changes.push(env.audit(Some(&pid), "passkey.removed", &id, &p.name));
    env.commit(changes).await
}

/// `POST /login/passkey/options`: request options for a passkey login. No credentials are
/// listed (a discoverable credential names its profile), so the answer says nothing about
/// which logins have passkeys.
pub async fn login_options<S: Store>(env: &mut Env<'_, S>, rp: &RelyingParty) -> Result<Value> {
    // Counted per network (300 per 15 minutes): a challenge is a row.
    let keys: Vec<_> = env.ip_key("ceremony").map(|k| (k, env.config.ceremony_throttle)).into_iter().collect();
    throttle::reserve(env, &keys).await?;
    let (challenge, put) = ceremony(env, CeremonyPurpose::Login, None, None, None);
    env.commit(vec![put]).await?;
    Ok(json!({"publicKey": {
        "challenge": challenge,
        "rpId": rp.id,
        "timeout": CEREMONY_TTL * 1000,
        "userVerification": "required",
        "allowCredentials": [],
    }}))
}

/// What a passkey login enters.
#[derive(Debug, Clone, Default)]
pub struct PasskeyLogin {
    pub client: ClientKind,
    pub account_id: Option<String>,
}

/// Checks an assertion against the stored credential: the RP ID, presence, verification
/// when required, the signature, and a device-bound credential's counter. Answers the
/// changes that record the use (a counting credential's use guarded, so of two logins with
/// one counter value, one lands). A counter that went back is written to the profile's
/// log and the owner is told, in its own commit, and the login refused.
async fn check_assertion<S: Store>(
    env: &mut Env<'_, S>,
    rp: &RelyingParty,
    verifier: &impl Verifier,
    a: &Assertion,
    pk: &Passkey,
    uv_required: bool,
) -> Result<Vec<Change>> {
    let key = crate::webauthn::unb64url(&pk.public_key).ok_or_else(|| Error::internal("stored key"))?;
    if a.verify(rp, uv_required, &key, verifier).await?.is_err() {
        return Err(refused());
    }
    let count = i64::from(a.data.sign_count);
    let mut changes = Vec::new();
    if count != 0 || pk.sign_count != 0 {
        if count <= pk.sign_count {
            if let Some(profile) = env.store.profile(&pk.profile_id).await? {
                let mut report = vec![env.audit(
                    Some(&pk.profile_id),
                    "passkey.sign_count_regression",
                    &pk.id,
                    &format!("{} after {}", count, pk.sign_count),
                )];
                report.extend(notice(env, &profile, MailKind::PasskeyCloned, &pk.name));
                env.commit(report).await?;
            }
            return Err(refused());
        }
        changes.push(Change::Guard(Guard::SignCountBelow { id: pk.id.clone(), count }));
    }
    changes.push(Change::UsePasskey {
        id: pk.id.clone(),
        sign_count: count,
        backed_up: a.data.has(crate::webauthn::BS),
        at: env.now,
    });
    Ok(changes)
}

/// Spends the challenge of an assertion and answers the credential's stored passkey.
async fn spend<S: Store>(
    env: &mut Env<'_, S>,
    rp: &RelyingParty,
    credential: &Value,
    purpose: CeremonyPurpose,
) -> Result<(Ceremony, Assertion, Passkey)> {
    let c = CredentialJson::parse(credential).map_err(|_| refused())?;
    let client = client_data(&c, "webauthn.get", rp).map_err(|_| refused())?;
    let spent = env.store.take_ceremony(&token_hash(&client.challenge), env.now).await?;
    let ceremony = spent.filter(|c| c.purpose == purpose).ok_or_else(refused)?;
    let a = Assertion::parse(&c, &client).map_err(|_| refused())?;
    let id = c.credential_id().map_err(|_| refused())?;
    let pk = env.store.passkey_by_credential(&id).await?.ok_or_else(refused)?;
    Ok((ceremony, a, pk))
}

/// `POST /login/passkey`: a discoverable credential's assertion makes a session through the
/// gate, two-step satisfied (the passkey is something the person has, unlocked by what they
/// are or know). Counted on the network's login budget before it is evaluated (a wrong
/// answer stays counted); the count, the challenge's spending and the credential's read are
/// one round trip, the session's commit the second.
pub async fn login<S: Store>(
    env: &mut Env<'_, S>,
    rp: &RelyingParty,
    verifier: &impl Verifier,
    credential: &Value,
    input: PasskeyLogin,
) -> Result<Grant> {
    let keys: Vec<_> = env.ip_key("ip").map(|k| (k, env.config.ip_throttle)).into_iter().collect();
    let c = CredentialJson::parse(credential).map_err(|_| refused());
    let client = c.as_ref().ok().and_then(|c| client_data(c, "webauthn.get", rp).ok());
    let id = c.as_ref().ok().and_then(|c| c.credential_id().ok());
    // Counted whatever the answer is (a malformed one too).
    let challenge_hash = client.as_ref().map(|cd| token_hash(&cd.challenge)).unwrap_or_default();
    let read = env.store.passkey_login_read(&keys, env.now, &challenge_hash, id.as_deref().unwrap_or_default()).await?;
    throttle::verdict(env.now, &keys, &read.throttles)?;
    let (c, client) = (c?, client.ok_or_else(refused)?);
    read.ceremony.filter(|x| x.purpose == CeremonyPurpose::Login).ok_or_else(refused)?;
    let a = Assertion::parse(&c, &client).map_err(|_| refused())?;
    let pk = read.passkey.ok_or_else(refused)?;
    // A discoverable credential names its user: it must be the one it was made for.
    if a.user_handle.as_deref().map(b64url).as_deref() != Some(pk.user_handle.as_str()) {
        return Err(refused());
    }
    let mut changes = check_assertion(env, rp, verifier, &a, &pk, true).await?;
    let (profile, accounts) = read.owner.ok_or_else(refused)?;
    changes.extend(throttle::refund(&keys));
    let account_id = login_account(env, &profile.id, input.account_id, &mut changes).await?;
    let entry = Entry { account_id: account_id.clone(), client: input.client, accounts: Some(accounts), login: None };
    gate::admit(env, profile, Proof::Passkey, entry, changes).await
}

/// `POST /login/passkey/options` with a ticket: request options for a passkey as the second
/// step, listing the profile's passkeys, user verification preferred (the password or the
/// social login was the first factor). Counts one try on the ticket.
pub async fn second_options<S: Store>(env: &mut Env<'_, S>, rp: &RelyingParty, ticket: &str) -> Result<Value> {
    if ticket.is_empty() || ticket.len() > 256 {
        return Err(Error::new(Code::Unauthenticated));
    }
    let hash = token_hash(ticket);
    let t = env
        .store
        .attempt_ticket(&hash, env.now, env.config.ticket_tries)
        .await?
        .ok_or_else(|| Error::new(Code::Unauthenticated))?;
    let passkeys = env.store.passkeys_of(&t.profile_id).await?;
    if passkeys.is_empty() {
        return Err(refused());
    }
    let (challenge, put) = ceremony(env, CeremonyPurpose::Second, Some(&t.profile_id), Some(&hash), None);
    env.commit(vec![put]).await?;
    Ok(json!({"publicKey": {
        "challenge": challenge,
        "rpId": rp.id,
        "timeout": CEREMONY_TTL * 1000,
        "userVerification": "preferred",
        "allowCredentials": descriptors(&passkeys),
    }}))
}

/// Checks a passkey as the second step of the ticket `ticket_hash` for `profile`: its
/// challenge was issued for this ticket, the credential is this profile's. Answers the
/// changes to commit with the session.
pub(crate) async fn verify_second<S: Store>(
    env: &mut Env<'_, S>,
    rp: &RelyingParty,
    verifier: &impl Verifier,
    ticket_hash: &str,
    profile: &Profile,
    credential: &Value,
) -> Result<Vec<Change>> {
    let (ceremony, a, pk) = spend(env, rp, credential, CeremonyPurpose::Second).await?;
    if ceremony.ticket_hash.as_deref() != Some(ticket_hash) || pk.profile_id != profile.id {
        return Err(refused());
    }
    if a.user_handle.as_deref().is_some_and(|h| b64url(h) != pk.user_handle) {
        return Err(refused());
    }
    check_assertion(env, rp, verifier, &a, &pk, false).await
}
