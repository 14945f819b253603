//! Social login: starting a sign-in at a provider, finishing it (log in, sign up, connect),
//! and disconnecting. The provider's answer reaches these flows already verified (the
//! Worker checks the ID token's signature and `social::jwt` its claims); what is decided
//! here is who it lets in:
//!
//! - an identity logs in only when it is linked; a matching email never links it ("nOAuth");
//! - it is linked only by an explicit connect from the logged-in profile that started the
//!   sign-in (bound to that profile and to the browser), or by signing up with it;
//! - a social signup makes a profile only when no profile owns its address, confirmed only
//!   when the provider asserts it verified, and without a password;
//! - the last way into a profile cannot be disconnected (decided inside the commit).

use super::claims::Address;
use super::gate::{self, Entry, Proof};
use super::profile::notice_address;
use super::sessions::reauthenticate;
use super::{claims, throttle, Env, Grant};
use crate::error::{Code, Error, Result};
use crate::mail::MailKind;
use crate::model::{AccountView, ClientKind, Profile, Session, SocialLink, SocialMode, SocialState};
use crate::social::{pkce_challenge, safe_return_to, secret, Identity, Provider};
use crate::store::{Change, Guard, LoginKey, Read, Store};
use crate::tokens::{new_id, token_hash};

/// A social sign-in lives this long between the start and the callback.
pub const STATE_TTL: i64 = 600;

pub struct StartInput {
    pub provider: Provider,
    pub mode: SocialMode,
    pub return_to: Option<String>,
    pub client: ClientKind,
    /// The browser-binding cookie's value (the Worker sets it when the browser has none).
    pub binding: String,
    /// The caller's session: required to connect.
    pub caller: Option<Session>,
    /// To connect: the password (a profile without one: a session younger than 10 minutes).
    pub password: Option<String>,
}

/// What the redirect to the provider carries.
#[derive(Debug, Clone)]
pub struct Started {
    pub state: String,
    pub nonce: String,
    /// The PKCE `code_challenge` (S256).
    pub code_challenge: String,
    pub return_to: String,
}

/// Stores a new sign-in (single use, 10 minutes) and answers what the provider must be sent.
pub async fn start<S: Store>(env: &mut Env<'_, S>, input: StartInput) -> Result<Started> {
    if input.binding.len() < 32 || input.binding.len() > 128 {
        return Err(Error::field(Code::InvalidRequest, "binding"));
    }
    let mut refunds = Vec::new();
    let (profile_id, session_hash) = match input.mode {
        SocialMode::Connect => {
            let session = input.caller.as_ref().ok_or_else(|| Error::new(Code::Unauthenticated))?;
            let profile =
                env.store.profile(&session.profile_id).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
            // API.md: the password; for a profile without one, a session younger than 10 minutes.
            if profile.has_password() {
                let password =
                    input.password.as_deref().ok_or_else(|| Error::field(Code::InvalidCredentials, "password"))?;
                refunds = reauthenticate(env, &profile, password, "password", &[]).await?;
            } else {
                fresh_session(env, session)?;
            }
            (Some(profile.id), Some(session.token_hash.clone()))
        }
        SocialMode::Login | SocialMode::Signup => {
            // Anyone may start one: it writes a row, so it spends the network's anonymous budget.
            throttle::reserve(env, &env.anonymous_keys()).await?;
            (None, None)
        }
    };
    let (state, nonce, verifier) = (secret(env.rng), secret(env.rng), secret(env.rng));
    let return_to = safe_return_to(input.return_to.as_deref());
    let row = SocialState {
        state_hash: token_hash(&state),
        provider: input.provider.id().to_string(),
        mode: input.mode,
        profile_id,
        session_hash,
        nonce: nonce.clone(),
        verifier: verifier.clone(),
        return_to: return_to.clone(),
        binding_hash: token_hash(&input.binding),
        client: input.client,
        lang: env.lang,
        expires_at: env.now + STATE_TTL,
        created_at: env.now,
    };
    let mut changes = refunds;
    changes.push(Change::PutSocialState(row));
    env.commit(changes).await?;
    Ok(Started { state, nonce, code_challenge: pkce_challenge(&verifier), return_to })
}

/// A sensitive change without the password: only from a session younger than 10 minutes.
pub(crate) fn fresh_session<S: Store>(env: &Env<'_, S>, session: &Session) -> Result<()> {
    if env.now - session.created_at < super::REAUTH_WINDOW {
        Ok(())
    } else {
        Err(Error::new(Code::ReauthenticationRequired))
    }
}

/// Spends the sign-in named by `state`: it must exist, be live, belong to `provider`, and have
/// been started by this browser (the binding cookie). Replayed, expired, foreign: all
/// `social_state_invalid`, and a state is gone after its first callback whatever happens next.
pub async fn take_state<S: Store>(
    env: &Env<'_, S>,
    provider: Provider,
    state: Option<&str>,
    binding: Option<&str>,
) -> Result<SocialState> {
    let invalid = || Error::new(Code::SocialStateInvalid);
    let state = state.filter(|s| !s.is_empty() && s.len() <= 256).ok_or_else(invalid)?;
    let row = env.store.take_social_state(&token_hash(state), env.now).await?.ok_or_else(invalid)?;
    let same_browser = binding.is_some_and(|b| !b.is_empty() && b.len() <= 256 && token_hash(b) == row.binding_hash);
    if row.provider != provider.id() || !same_browser {
        return Err(invalid());
    }
    Ok(row)
}

/// How a finished sign-in ends.
#[derive(Debug)]
pub enum Finished {
    /// Logged in (or signed up): a session.
    Session(Box<Grant>),
    /// The profile has two-step authentication on: the second step comes next, with this ticket.
    SecondFactor { ticket: String, expires_at: i64 },
    /// The identity is now linked to the caller's profile.
    Connected,
}

/// Finishes a sign-in with the identity the provider proved. A connect is bound to the
/// profile that started it (and, through the state, to this browser): a callback cannot
/// link an identity to anyone else, and Apple's cross-site form POST carries no session
/// cookie to check instead.
pub async fn finish<S: Store>(env: &mut Env<'_, S>, st: &SocialState, identity: Identity) -> Result<Finished> {
    let provider = Provider::parse(&st.provider).ok_or_else(|| Error::new(Code::SocialStateInvalid))?;
    // What the sign-in reads, in one round trip: the identity's profile; for a connect the
    // session that started it and its profile; for a sign-up a profile holding the email.
    let email = identity.email.as_deref().and_then(|e| crate::validate::Email::parse(e).ok());
    let mut reads = vec![Read::Social(provider.id(), &identity.subject)];
    match (st.mode, st.session_hash.as_deref(), st.profile_id.as_deref()) {
        (SocialMode::Connect, Some(h), Some(p)) => reads.extend([Read::Session(h), Read::Profile(p)]),
        (SocialMode::Signup, ..) => reads.extend(email.as_ref().map(|e| Read::Login(LoginKey::Email(e.as_str())))),
        _ => {}
    }
    env.store.prefetch(&reads).await?;
    let linked = env.store.social_owner(provider.id(), &identity.subject).await?;
    match st.mode {
        SocialMode::Login => match linked {
            Some((profile, accounts)) => {
                let still = linked_guard(env, &profile, provider, &identity);
                log_in(env, profile, accounts, st.client, still).await
            }
            None => Err(Error::new(Code::SocialNotLinked)),
        },
        SocialMode::Signup => match linked {
            Some((profile, accounts)) => {
                let still = linked_guard(env, &profile, provider, &identity);
                log_in(env, profile, accounts, st.client, still).await
            }
            None => {
                let subject = identity.subject.clone();
                match sign_up(env, provider, identity, st).await {
                    // A concurrent sign-up with this identity landed first (a double click, two
                    // tabs): the guard kept it to one profile, and this one logs in to it.
                    Err(e) if e.code == Code::SocialAlreadyLinked => {
                        match env.store.social_owner(provider.id(), &subject).await? {
                            Some((profile, accounts)) => log_in(env, profile, accounts, st.client, Vec::new()).await,
                            None => Err(e),
                        }
                    }
                    other => other,
                }
            }
        },
        SocialMode::Connect => {
            let owner = st.profile_id.as_deref().ok_or_else(|| Error::new(Code::SocialStateInvalid))?;
            connecting_session(env, st, owner).await?;
            match linked {
                Some((p, _)) if p.id == owner => Ok(Finished::Connected),
                Some(_) => Err(Error::new(Code::SocialAlreadyLinked)),
                None => connect(env, provider, identity, owner, st.session_hash.as_deref()).await,
            }
        }
    }
}

/// A connect links only while the session that started it is alive (not logged out, revoked
/// or expired since) and is still the owner's: a connect started before a logout links
/// nothing. A state without the session (none is stored that way) is refused too.
async fn connecting_session<S: Store>(env: &Env<'_, S>, st: &SocialState, owner: &str) -> Result<()> {
    let hash = st.session_hash.as_deref().ok_or_else(|| Error::new(Code::SocialStateInvalid))?;
    let session = super::sessions::live(env, env.store.session(hash).await?).await?;
    if session.profile_id != owner {
        return Err(Error::new(Code::Unauthenticated));
    }
    Ok(())
}

/// A login by a linked identity commits only while it is still linked: a proof of the address
/// that ended the claim it belonged to, landing between this read and this commit, wins.
/// The start of a sign-in that came back and logs in gives its attempt of the network's
/// anonymous budget back (only abandoned starts use it up: an office behind one address can
/// sign in all morning).
fn linked_guard<S: Store>(env: &Env<'_, S>, profile: &Profile, provider: Provider, identity: &Identity) -> Vec<Change> {
    let mut changes = vec![Change::Guard(Guard::SocialLinked {
        profile_id: profile.id.clone(),
        provider: provider.id().to_string(),
        subject: identity.subject.clone(),
    })];
    changes.extend(throttle::refund(&env.anonymous_keys()));
    changes
}

async fn log_in<S: Store>(
    env: &mut Env<'_, S>,
    profile: Profile,
    accounts: Vec<AccountView>,
    client: ClientKind,
    changes: Vec<Change>,
) -> Result<Finished> {
    let mut changes = changes;
    let mut proof = Proof::Social;
    if profile.two_factor_enabled && client == ClientKind::Browser {
        // A browser remembered after a second step stands in for it.
        if let Some(used) = super::browsers::recognise(env, &profile, &accounts).await? {
            changes.extend(used);
            proof = Proof::SocialAndBrowser;
        }
    }
    let entry = Entry { account_id: None, client, accounts: Some(accounts), login: None };
    match gate::admit(env, profile, proof, entry, changes).await {
        Ok(grant) => Ok(Finished::Session(Box::new(grant))),
        Err(e) => match e.challenge {
            Some(c) => Ok(Finished::SecondFactor { ticket: c.ticket, expires_at: c.expires_at }),
            None => Err(e),
        },
    }
}

fn link(provider: Provider, identity: &Identity, now: i64) -> SocialLink {
    SocialLink {
        provider: provider.id().to_string(),
        subject: identity.subject.clone(),
        email: identity.email.clone(),
        created_at: now,
    }
}

/// A name from a provider, as a card can hold it (never an error: the person can edit it).
fn name_part(v: Option<&str>) -> String {
    // Cut first, then strip: a cut must not leave a joiner or a direction mark at the end.
    v.map(|s| crate::validate::strip_invisible(&s.chars().take(100).collect::<String>()).trim().to_string())
        .unwrap_or_default()
}

async fn sign_up<S: Store>(
    env: &mut Env<'_, S>,
    provider: Provider,
    identity: Identity,
    st: &SocialState,
) -> Result<Finished> {
    // No silent link: an address its owner proved makes no second profile and links nothing.
    // A claim on it (never proven) yields to a provider that asserts the address verified,
    // and ends (`claims::prove`); an unverified address is only another claim, and waits.
    let email = match identity.email.as_deref().map(crate::validate::Email::parse) {
        Some(Ok(e)) => Some(e),
        _ => None,
    };
    let now = env.now;
    let fresh = Profile {
        id: new_id("prf", env.rng),
        email_confirmed: email.is_some() && identity.email_verified,
        email: email.as_ref().map(|e| e.as_str().to_string()),
        phone: None,
        phone_confirmed: false,
        // No password until the person sets one (`POST /me/password` with `new_password` only).
        password_hash: String::new(),
        first_name: name_part(identity.first_name.as_deref()),
        last_name: name_part(identity.last_name.as_deref()),
        photo_url: None,
        lang: st.lang,
        two_factor_enabled: false,
        password_change_required: false,
        created_at: now,
        updated_at: now,
        social: Vec::new(),
    };
    let mut changes = vec![Change::Guard(Guard::SocialUnlinked {
        provider: provider.id().to_string(),
        subject: identity.subject.clone(),
    })];
    let existing = match &email {
        Some(e) => env.store.profile_by_email(e.as_str()).await?,
        None => None,
    };
    let (profile, accounts) = match (existing, &email) {
        (None, _) => (fresh, Vec::new()),
        (Some(claim), Some(e)) if identity.email_verified && claims::state(&claim) == claims::State::Claim => {
            let mut profile = claim;
            changes.extend(claims::prove(&mut profile, &Address::Email(e.clone()), claims::Prover::Other));
            profile.first_name = fresh.first_name.clone();
            profile.last_name = fresh.last_name.clone();
            profile.lang = st.lang;
            profile.updated_at = now;
            profile.password_hash = String::new();
            changes.push(Change::SetPassword {
                profile_id: profile.id.clone(),
                hash: String::new(),
                replaces: None,
                change_required: false,
            });
            let accounts = env.store.accounts_of(&profile.id).await?;
            (profile, accounts)
        }
        (Some(_), _) => return Err(Error::field(Code::EmailTaken, "email")),
    };
    changes.push(Change::PutProfile(profile.clone()));
    changes.push(Change::LinkSocial { profile_id: profile.id.clone(), link: link(provider, &identity, now) });
    changes.push(env.audit(Some(&profile.id), "social.signup", &profile.id, provider.id()));
    changes.extend(throttle::refund(&env.anonymous_keys()));
    let mut profile = profile;
    profile.social = vec![link(provider, &identity, now)];
    log_in(env, profile, accounts, st.client, changes).await
}

async fn connect<S: Store>(
    env: &mut Env<'_, S>,
    provider: Provider,
    identity: Identity,
    profile_id: &str,
    session_hash: Option<&str>,
) -> Result<Finished> {
    let profile = env.store.profile(profile_id).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
    let mut changes = vec![Change::Guard(Guard::SocialUnlinked {
        provider: provider.id().to_string(),
        subject: identity.subject.clone(),
    })];
    // The session that started the connect must still be there when the link lands (a logout
    // racing the callback wins); checked before too, for the right answer in the usual case.
    if let Some(h) = session_hash {
        changes.push(Change::Guard(Guard::SessionAlive { token_hash: h.to_string() }));
    }
    changes.push(Change::LinkSocial { profile_id: profile.id.clone(), link: link(provider, &identity, env.now) });
    if let Some(to) = notice_address(&profile) {
        changes.push(env.outbox(MailKind::SocialConnected, profile.lang, &to, &[("provider", provider.name())], None));
    }
    changes.push(env.audit(Some(&profile.id), "social.connected", &profile.id, provider.id()));
    env.commit(changes).await?;
    Ok(Finished::Connected)
}

/// Disconnects one of the caller's identities; `last_login_method` when it is the profile's
/// only way in (a password with a confirmed login, or another identity), decided in the commit.
pub async fn disconnect<S: Store>(
    env: &mut Env<'_, S>,
    session: &Session,
    provider: &str,
    subject: &str,
) -> Result<()> {
    let profile = env.store.profile(&session.profile_id).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
    if !profile.social.iter().any(|l| l.provider == provider && l.subject == subject) {
        return Err(super::not_found());
    }
    let audit = env.audit(Some(&profile.id), "social.disconnected", &profile.id, provider);
    env.commit(vec![
        Change::Guard(Guard::OtherLoginMethod {
            profile_id: profile.id.clone(),
            provider: provider.to_string(),
            subject: subject.to_string(),
        }),
        Change::UnlinkSocial {
            profile_id: profile.id.clone(),
            provider: provider.to_string(),
            subject: subject.to_string(),
        },
        audit,
    ])
    .await
}
