//! Social sign-in through the flows, as a browser's callback would drive them.

use super::*;
use netid_core::flows::social::{self, Finished, StartInput};
use netid_core::model::{ClientKind, Session, SocialMode, SocialState};
use netid_core::social::{Identity, Provider};

pub const BINDING: &str = "binding-cookie-value-of-the-browser-0123456789";

pub fn start(
    w: &mut World,
    provider: Provider,
    mode: SocialMode,
    caller: Option<Session>,
    password: Option<&str>,
) -> netid_core::Result<social::Started> {
    let input = StartInput {
        provider,
        mode,
        return_to: Some("/#/profile".into()),
        client: ClientKind::Browser,
        binding: BINDING.into(),
        caller,
        password: password.map(str::to_string),
    };
    w.run(|env| Box::pin(social::start(env, input)))
}

pub fn take(w: &mut World, provider: Provider, state: &str, binding: Option<&str>) -> netid_core::Result<SocialState> {
    let (state, binding) = (state.to_string(), binding.map(str::to_string));
    w.run(|env| Box::pin(async move { social::take_state(env, provider, Some(&state), binding.as_deref()).await }))
}

pub fn finish(w: &mut World, st: SocialState, identity: Identity) -> netid_core::Result<Finished> {
    w.run(|env| Box::pin(async move { social::finish(env, &st, identity).await }))
}

pub fn identity(sub: &str, email: Option<&str>, verified: bool) -> Identity {
    Identity {
        subject: sub.into(),
        email: email.map(str::to_string),
        email_verified: verified,
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
    }
}

/// A whole sign-in: start, callback from the same browser, finish.
pub fn sign_in(
    w: &mut World,
    provider: Provider,
    mode: SocialMode,
    caller: Option<Session>,
    id: Identity,
) -> netid_core::Result<Finished> {
    let started = start(w, provider, mode, caller, Some(PW))?;
    let st = take(w, provider, &started.state, Some(BINDING))?;
    finish(w, st, id)
}

pub fn session_of(f: Finished) -> netid_core::flows::Grant {
    match f {
        Finished::Session(g) => *g,
        other => panic!("expected a session, got {other:?}"),
    }
}
