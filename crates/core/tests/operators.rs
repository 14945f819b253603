//! The operator role: a listed, confirmed login and a session signed in with a second factor;
//! nothing else opens the operator API.

mod common;

use common::social::{identity, session_of, sign_in};
use common::*;
use netid_core::flows::operators;
use netid_core::model::{ClientKind, Session, SocialMode};
use netid_core::social::Provider;
use netid_core::Code;

fn authorize(w: &mut World, session: Session) -> netid_core::Result<operators::Operator> {
    w.run(|env| Box::pin(async move { operators::authorize(env, &session).await }))
}

#[test]
fn only_a_listed_confirmed_login_with_a_second_factor_is_an_operator() {
    let mut w = World::new();
    // No list: nobody, however signed in.
    let plain = w.person("ops-plain@example.com");
    let s = w.auth(&plain.token).unwrap();
    assert_eq!(code_of(authorize(&mut w, s)), Code::Forbidden, "an empty list grants nothing");

    // Listed, but signed in with the password alone: told to sign in with a second step.
    w.config.operators = vec!["ops-plain@example.com".into()];
    let s = w.auth(&plain.token).unwrap();
    assert_eq!(code_of(authorize(&mut w, s)), Code::OperatorSecondFactorRequired);
    let again = w.login("ops-plain@example.com", PW, ClientKind::Browser).unwrap();
    let s = w.auth(&again.token).unwrap();
    assert_eq!(s.amr, "pwd");
    assert_eq!(code_of(authorize(&mut w, s)), Code::OperatorSecondFactorRequired);

    // Someone else's session is not an operator's, whatever its factors.
    let other = w.person("ops-other@example.com");
    let s = w.auth(&other.token).unwrap();
    assert_eq!(code_of(authorize(&mut w, s)), Code::Forbidden);

    // Listed, two-step on, signed in with a code: an operator, named by the listed login.
    let op = operator(&mut w, "ops-real@example.com");
    assert_eq!(op.login, "ops-real@example.com");
    assert_eq!(w.store.data().profiles[&op.profile_id].email.as_deref(), Some("ops-real@example.com"));
}

#[test]
fn an_unconfirmed_address_that_names_a_listed_login_grants_nothing() {
    let mut w = World::new();
    w.config.operators = vec!["ops-claimed@example.com".into()];
    // A social sign-up whose provider does not vouch for the address: the claim holds the
    // address unconfirmed, and its session is not an operator's.
    let f = sign_in(
        &mut w,
        Provider::Google,
        SocialMode::Signup,
        None,
        identity("g-ops", Some("ops-claimed@example.com"), false),
    )
    .unwrap();
    let g = session_of(f);
    assert!(!w.store.data().profiles[&g.profile.id].email_confirmed);
    let s = w.auth(&g.token).unwrap();
    assert_eq!(code_of(authorize(&mut w, s)), Code::Forbidden);
}

#[test]
fn the_list_is_normalized_at_deploy_time() {
    let (logins, rejected) = operators::parse_list("OPS@Example.com, +44 20 7946 0018 , not-a-login@");
    assert_eq!(logins, ["ops@example.com", "+442079460018"]);
    assert_eq!(rejected, ["not-a-login@"]);
}
