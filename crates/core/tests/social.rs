//! Social login's rules over the SQL store (SQLite, the real migrations): who an identity lets in, how it gets linked,
//! and what cannot be undone by accident. The HTTP and the token verification are the
//! Worker's (tests/e2e/social.test.js drives them against a real OpenID provider).

mod common;

use common::*;
use netid_core::flows::social::{self, Finished};
use netid_core::flows::two_factor;
use netid_core::model::{ClientKind, SocialMode, SocialState};
use netid_core::social::Provider;
use netid_core::totp;
use netid_core::Code;

use common::social::*;

#[test]
fn a_state_is_single_use_bound_to_its_browser_and_provider_and_expires() {
    let mut w = World::new();
    let s = start(&mut w, Provider::Google, SocialMode::Login, None, None).unwrap();
    assert_eq!(s.return_to, "/#/profile");
    assert_eq!(
        code_of(take(&mut w, Provider::Google, &s.state, Some("another-browser-cookie-value-0123456789"))),
        Code::SocialStateInvalid
    );
    // The failed attempt spent it: not even the right browser can use it now.
    assert_eq!(code_of(take(&mut w, Provider::Google, &s.state, Some(BINDING))), Code::SocialStateInvalid);

    let s = start(&mut w, Provider::Google, SocialMode::Login, None, None).unwrap();
    assert_eq!(
        code_of(take(&mut w, Provider::Microsoft, &s.state, Some(BINDING))),
        Code::SocialStateInvalid,
        "another provider's callback"
    );
    let s = start(&mut w, Provider::Google, SocialMode::Login, None, None).unwrap();
    assert_eq!(code_of(take(&mut w, Provider::Google, &s.state, None)), Code::SocialStateInvalid, "no cookie");
    let s = start(&mut w, Provider::Google, SocialMode::Login, None, None).unwrap();
    w.advance(social::STATE_TTL);
    assert_eq!(code_of(take(&mut w, Provider::Google, &s.state, Some(BINDING))), Code::SocialStateInvalid, "expired");
    let s = start(&mut w, Provider::Google, SocialMode::Login, None, None).unwrap();
    assert!(take(&mut w, Provider::Google, &s.state, Some(BINDING)).is_ok());
    assert_eq!(code_of(take(&mut w, Provider::Google, &s.state, Some(BINDING))), Code::SocialStateInvalid, "replayed");
}

#[test]
fn an_unlinked_identity_never_logs_in_even_with_the_email_of_a_profile() {
    let mut w = World::new();
    let p = w.person("ada@example.com");
    let e = sign_in(&mut w, Provider::Google, SocialMode::Login, None, identity("g-1", Some("ada@example.com"), true));
    assert_eq!(code_of(e), Code::SocialNotLinked);
    let e = sign_in(&mut w, Provider::Google, SocialMode::Signup, None, identity("g-1", Some("ada@example.com"), true));
    assert_eq!(code_of(e), Code::EmailTaken, "no second profile, no link");
    assert!(w.store.data().profiles[&p.profile.id].social.is_empty());
    assert_eq!(w.store.data().profiles.len(), 1);
}

#[test]
fn social_signup_confirms_only_a_verified_address_and_sets_no_password() {
    let mut w = World::new();
    let g = session_of(
        sign_in(&mut w, Provider::Google, SocialMode::Signup, None, identity("g-2", Some("grace@example.com"), true))
            .unwrap(),
    );
    assert!(g.profile.email_confirmed);
    assert!(!g.profile.has_password());
    assert_eq!(g.profile.social[0].subject, "g-2");
    let f = session_of(
        sign_in(&mut w, Provider::Facebook, SocialMode::Signup, None, identity("f-1", Some("fb@example.com"), false))
            .unwrap(),
    );
    assert!(!f.profile.email_confirmed, "an address the provider does not vouch for stays unconfirmed");
    // Signing up again with a linked identity logs in to the same profile.
    let again =
        session_of(sign_in(&mut w, Provider::Google, SocialMode::Signup, None, identity("g-2", None, false)).unwrap());
    assert_eq!(again.profile.id, g.profile.id);
    // A password signup over that unverified claim proceeds (a claim never blocks the
    // address's owner) but changes nothing of the claim before its code proves the address.
    w.signup("fb@example.com").unwrap();
    let claim = w.store.data().profiles[&f.profile.id].clone();
    assert_eq!(claim.social.len(), 1);
    assert!(!claim.has_password());
}

#[test]
fn connect_needs_the_password_or_a_young_session_and_is_bound_to_the_profile_that_started_it() {
    let mut w = World::new();
    let p = w.person("olga@example.com");
    assert_eq!(code_of(start(&mut w, Provider::Google, SocialMode::Connect, None, None)), Code::Unauthenticated);
    assert_eq!(
        code_of(start(
            &mut w,
            Provider::Google,
            SocialMode::Connect,
            Some(p.session.clone()),
            Some("wrong-password-1")
        )),
        Code::InvalidCredentials
    );
    assert_eq!(
        code_of(start(&mut w, Provider::Google, SocialMode::Connect, Some(p.session.clone()), None)),
        Code::InvalidCredentials,
        "a profile with a password gives it, however young the session"
    );
    // A profile without one: a young session, not an old one.
    let g =
        session_of(sign_in(&mut w, Provider::Apple, SocialMode::Signup, None, identity("a-1", None, false)).unwrap());
    assert!(start(&mut w, Provider::Google, SocialMode::Connect, Some(g.session.clone()), None).is_ok());
    w.advance(11 * 60);
    assert_eq!(
        code_of(start(&mut w, Provider::Google, SocialMode::Connect, Some(g.session.clone()), None)),
        Code::ReauthenticationRequired
    );
    let f =
        sign_in(&mut w, Provider::Google, SocialMode::Connect, Some(p.session.clone()), identity("g-3", None, false))
            .unwrap();
    assert!(matches!(f, Finished::Connected));
    assert_eq!(w.store.outbox_to("olga@example.com")[0].kind, "social_connected");
    let grant =
        session_of(sign_in(&mut w, Provider::Google, SocialMode::Login, None, identity("g-3", None, false)).unwrap());
    assert_eq!(grant.profile.id, p.profile.id);
    // Another profile cannot connect it.
    let q = w.person("quinn@example.com");
    let e =
        sign_in(&mut w, Provider::Google, SocialMode::Connect, Some(q.session.clone()), identity("g-3", None, false));
    assert_eq!(code_of(e), Code::SocialAlreadyLinked);
}

#[test]
fn the_last_way_in_cannot_be_disconnected() {
    let mut w = World::new();
    let g = session_of(
        sign_in(&mut w, Provider::Google, SocialMode::Signup, None, identity("g-4", Some("solo@example.com"), true))
            .unwrap(),
    );
    let s = g.session.clone();
    let disconnect = |w: &mut World, provider: &'static str, sub: &'static str| {
        let s = s.clone();
        w.run(|env| Box::pin(async move { social::disconnect(env, &s, provider, sub).await }))
    };
    assert_eq!(code_of(disconnect(&mut w, "google", "g-4")), Code::LastLoginMethod);
    assert_eq!(code_of(disconnect(&mut w, "google", "someone-else")), Code::NotFound);
    // A second identity, then either can go, but not both.
    w.session_started = Some(s.created_at);
    assert!(matches!(
        sign_in(&mut w, Provider::Twitter, SocialMode::Connect, Some(s.clone()), identity("t-1", None, false)).unwrap(),
        Finished::Connected
    ));
    disconnect(&mut w, "google", "g-4").unwrap();
    assert_eq!(code_of(disconnect(&mut w, "twitter", "t-1")), Code::LastLoginMethod);
    // A first password (from the young session) makes the identity removable.
    let s2 = s.clone();
    w.run(|env| {
        Box::pin(async move { netid_core::flows::change_password(env, &s2, None, "amber-meadow-falcon-9").await })
    })
    .unwrap();
    disconnect(&mut w, "twitter", "t-1").unwrap();
}

#[test]
fn a_profile_without_password_needs_a_young_session_for_sensitive_changes() {
    let mut w = World::new();
    let g = session_of(
        sign_in(&mut w, Provider::Google, SocialMode::Signup, None, identity("g-5", Some("young@example.com"), true))
            .unwrap(),
    );
    let s = g.session.clone();
    let set = |w: &mut World| {
        let s = s.clone();
        w.run(|env| {
            Box::pin(async move { netid_core::flows::change_password(env, &s, None, "amber-meadow-falcon-9").await })
        })
    };
    w.session_started = None;
    assert_eq!(code_of(set(&mut w)), Code::ReauthenticationRequired);
    w.session_started = Some(s.created_at);
    w.advance(11 * 60);
    assert_eq!(code_of(set(&mut w)), Code::ReauthenticationRequired, "an old session");
    w.now = s.created_at + 60;
    set(&mut w).unwrap();
    // A password profile never sets a password without the current one.
    let s3 = s.clone();
    let e = w.run(|env| {
        Box::pin(async move { netid_core::flows::change_password(env, &s3, None, "another-meadow-falcon-1").await })
    });
    assert_eq!(code_of(e), Code::InvalidCredentials);
}

#[test]
fn two_step_comes_after_the_provider() {
    let mut w = World::new();
    let p = w.person("two@example.com");
    let pid = p.profile.id.clone();
    let setup = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    let (pid, c) =
        (p.profile.id.clone(), totp::code_at(&totp::from_base32(&setup.secret).unwrap(), w.now as u64, 6).unwrap());
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();
    sign_in(&mut w, Provider::Google, SocialMode::Connect, Some(p.session.clone()), identity("g-6", None, false))
        .unwrap();
    let f = sign_in(&mut w, Provider::Google, SocialMode::Login, None, identity("g-6", None, false)).unwrap();
    let Finished::SecondFactor { ticket, .. } = f else { panic!("expected the second step, got {f:?}") };
    assert!(!ticket.is_empty());
    assert!(
        w.store.data().sessions.values().all(|s| s.profile_id != p.profile.id || s.token_hash == p.session.token_hash),
        "no session before the second step"
    );
    // The second step's session says how the person signed in: a federated identity, then
    // the authenticator (RFC 8176 `amr` "fed otp", not "pwd otp").
    w.advance(31);
    let secret = totp::from_base32(&setup.secret).unwrap();
    let f = two_factor::Factor {
        otp: Some(totp::code_at(&secret, w.now as u64, 6).unwrap()),
        recovery_code: None,
        remember: false,
    };
    let g = w.run(|env| Box::pin(async move { two_factor::second_step(env, &ticket, f).await })).unwrap();
    assert_eq!(g.session.amr, "fed otp");
}

#[test]
fn a_connect_started_by_a_session_that_then_logged_out_links_nothing() {
    let mut w = World::new();
    let p = w.person("leave@example.com");
    let started = start(&mut w, Provider::Google, SocialMode::Connect, Some(p.session.clone()), Some(PW)).unwrap();
    let st = take(&mut w, Provider::Google, &started.state, Some(BINDING)).unwrap();
    assert_eq!(st.session_hash.as_deref(), Some(p.session.token_hash.as_str()), "the state names its session");
    // The person logs out (on this device) while the provider's page is open.
    let s = p.session.clone();
    w.run(|env| Box::pin(async move { netid_core::flows::logout(env, &s).await })).unwrap();
    assert_eq!(code_of(finish(&mut w, st, identity("g-out", None, false))), Code::Unauthenticated);
    assert!(w.store.data().profiles[&p.profile.id].social.is_empty(), "nothing linked");
    assert!(w.store.outbox_to("leave@example.com").iter().all(|m| m.kind != "social_connected"));
    // Neither does it link once that session expired; a live one still links.
    let q = w.login("leave@example.com", PW, ClientKind::Browser).unwrap();
    let started = start(&mut w, Provider::Google, SocialMode::Connect, Some(q.session.clone()), Some(PW)).unwrap();
    let st = take(&mut w, Provider::Google, &started.state, Some(BINDING)).unwrap();
    let t0 = w.now;
    w.advance(w.config.idle_timeout);
    assert_eq!(code_of(finish(&mut w, st.clone(), identity("g-out", None, false))), Code::Unauthenticated);
    w.now = t0;
    let q = w.login("leave@example.com", PW, ClientKind::Browser).unwrap();
    let started = start(&mut w, Provider::Google, SocialMode::Connect, Some(q.session.clone()), Some(PW)).unwrap();
    let st = take(&mut w, Provider::Google, &started.state, Some(BINDING)).unwrap();
    assert!(matches!(finish(&mut w, st, identity("g-out", None, false)).unwrap(), Finished::Connected));
    assert_eq!(w.store.data().profiles[&p.profile.id].social.len(), 1);
}

#[test]
fn a_connect_state_without_its_session_or_with_anothers_links_nothing() {
    let mut w = World::new();
    let p = w.person("bound@example.com");
    let q = w.person("other@example.com");
    let started = start(&mut w, Provider::Google, SocialMode::Connect, Some(p.session.clone()), Some(PW)).unwrap();
    let st = take(&mut w, Provider::Google, &started.state, Some(BINDING)).unwrap();
    // A state stored before the session was recorded (or tampered with): refused.
    let old = SocialState { session_hash: None, ..st.clone() };
    assert_eq!(code_of(finish(&mut w, old, identity("g-b", None, false))), Code::SocialStateInvalid);
    let foreign = SocialState { session_hash: Some(q.session.token_hash.clone()), ..st };
    assert_eq!(code_of(finish(&mut w, foreign, identity("g-b", None, false))), Code::Unauthenticated);
    assert!(w.store.data().profiles[&p.profile.id].social.is_empty());
    assert!(w.store.data().profiles[&q.profile.id].social.is_empty());
    // A login or a sign-up records no session.
    let s = start(&mut w, Provider::Google, SocialMode::Login, None, None).unwrap();
    assert_eq!(take(&mut w, Provider::Google, &s.state, Some(BINDING)).unwrap().session_hash, None);
}
