//! Two-step authentication with the injected clock: setup and enable, the drift window,
//! replay, the login ticket's expiry and tries, recovery codes used once, switching off by
//! the person and by an admin (the permission matrix), the sessions list and the audit log.

mod common;

use common::*;
use netid_core::flows::accounts;
use netid_core::flows::invitations::InviteOptions;
use netid_core::flows::sessions;
use netid_core::flows::two_factor::{self, Factor};
use netid_core::flows::{self, Grant, LoginInput};
use netid_core::model::ClientKind;
use netid_core::totp;
use netid_core::Code;

fn code(secret_b32: &str, at: i64) -> String {
    totp::code_at(&totp::from_base32(secret_b32).unwrap(), at as u64, 6).unwrap()
}

/// A person with two-step authentication on; answers the secret and the recovery codes.
fn enrolled(w: &mut World, email: &str) -> (Grant, String, Vec<String>) {
    let g = w.person(email);
    let pid = g.profile.id.clone();
    let setup = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    assert!(setup.otpauth_uri.starts_with("otpauth://totp/netid:"));
    assert_eq!(totp::from_base32(&setup.secret).unwrap().len(), 20, "160 bits");
    let sealed = w.store.data().two_factor[&g.profile.id].secret_sealed.clone();
    assert!(!sealed.contains(&setup.secret), "the secret is not stored in plain text");
    let (pid, c) = (g.profile.id.clone(), code(&setup.secret, w.now));
    let codes = w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();
    assert_eq!(codes.len(), 10);
    (g, setup.secret, codes)
}

fn login_with(w: &mut World, email: &str, factor: Factor) -> netid_core::Result<Grant> {
    let input = LoginInput {
        login: email.into(),
        password: PW.into(),
        client: ClientKind::Browser,
        factor,
        ..Default::default()
    };
    w.run(|env| Box::pin(flows::login(env, input)))
}

fn second(w: &mut World, ticket: &str, factor: Factor) -> netid_core::Result<Grant> {
    let t = ticket.to_string();
    w.run(|env| Box::pin(async move { two_factor::second_step(env, &t, factor).await }))
}

fn otp(c: String) -> Factor {
    Factor { otp: Some(c), recovery_code: None, remember: false }
}

#[test]
fn setup_needs_a_proven_code_and_the_password() {
    let mut w = World::new();
    let g = w.person("tf-setup@example.com");
    let pid = g.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, "wrong-password-1").await }))),
        Code::InvalidCredentials
    );
    let pid = g.profile.id.clone();
    let s = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    let (pid, wrong) = (g.profile.id.clone(), code(&s.secret, w.now - 120));
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &wrong).await }))),
        Code::InvalidOtp
    );
    assert!(!w.store.data().profiles[&g.profile.id].two_factor_enabled, "pending until a code proves it");
    assert!(login_with(&mut w, "tf-setup@example.com", Factor::default()).is_ok(), "no second step while pending");
}

#[test]
fn login_asks_for_the_second_step_and_a_code_works_once() {
    let mut w = World::new();
    let (_, secret, _) = enrolled(&mut w, "tf-login@example.com");
    w.advance(60);
    let e = login_with(&mut w, "tf-login@example.com", Factor::default()).unwrap_err();
    assert_eq!(e.code, Code::SecondFactorRequired);
    let ch = e.challenge.clone().unwrap();
    assert_eq!(ch.expires_at, w.now + 300);
    // Drift: the previous step's code is accepted, two steps back is not.
    let now = w.now;
    assert_eq!(code_of(second(&mut w, &ch.ticket, otp(code(&secret, now - 60)))), Code::InvalidOtpLogin);
    let now = w.now;
    let g = second(&mut w, &ch.ticket, otp(code(&secret, now - 30))).unwrap();
    assert_eq!(g.profile.email.as_deref(), Some("tf-login@example.com"));
    let now = w.now;
    assert_eq!(
        code_of(second(&mut w, &ch.ticket, otp(code(&secret, now)))),
        Code::Unauthenticated,
        "a ticket is spent by success"
    );
    // The same code again (same step) is a replay; the code in the first call works too.
    let now = w.now;
    assert_eq!(
        code_of(login_with(&mut w, "tf-login@example.com", otp(code(&secret, now - 30)))),
        Code::InvalidOtpLogin
    );
    let now = w.now;
    assert!(login_with(&mut w, "tf-login@example.com", otp(code(&secret, now))).is_ok());
    let now = w.now;
    assert_eq!(
        code_of(login_with(&mut w, "tf-login@example.com", otp(code(&secret, now)))),
        Code::InvalidOtpLogin,
        "replay"
    );
}

#[test]
fn a_ticket_lives_five_minutes_and_allows_five_tries() {
    let mut w = World::new();
    let (_, secret, _) = enrolled(&mut w, "tf-ticket@example.com");
    w.advance(60);
    let t = login_with(&mut w, "tf-ticket@example.com", Factor::default()).unwrap_err().challenge.unwrap().ticket;
    w.advance(301);
    let now = w.now;
    assert_eq!(code_of(second(&mut w, &t, otp(code(&secret, now)))), Code::Unauthenticated, "expired");
    w.advance(3600);
    let t = login_with(&mut w, "tf-ticket@example.com", Factor::default()).unwrap_err().challenge.unwrap().ticket;
    let wrong = if code(&secret, w.now) == "000000" { "111111" } else { "000000" }.to_string();
    for _ in 0..4 {
        assert_eq!(code_of(second(&mut w, &t, otp(wrong.clone()))), Code::InvalidOtpLogin);
    }
    // The fifth wrong try reaches the login's throttle too; after it the ticket is used up.
    assert_eq!(code_of(second(&mut w, &t, otp(wrong.clone()))), Code::InvalidOtpLogin);
    let now = w.now;
    assert_eq!(code_of(second(&mut w, &t, otp(code(&secret, now)))), Code::Unauthenticated);
    assert_eq!(code_of(login_with(&mut w, "tf-ticket@example.com", Factor::default())), Code::TooManyAttempts);
}

#[test]
fn recovery_codes_work_once_tell_the_person_and_regenerate() {
    let mut w = World::new();
    let (g, _, codes) = enrolled(&mut w, "tf-recovery@example.com");
    let rc = |c: &str| Factor { otp: None, recovery_code: Some(c.to_string()), remember: false };
    assert!(login_with(&mut w, "tf-recovery@example.com", rc(&codes[0].to_uppercase())).is_ok());
    assert_eq!(w.store.outbox_to("tf-recovery@example.com")[0].kind, "recovery_code_used");
    assert_eq!(
        code_of(login_with(&mut w, "tf-recovery@example.com", rc(&codes[0]))),
        Code::InvalidRecoveryCode,
        "used once"
    );
    let pid = g.profile.id.clone();
    let fresh =
        w.run(|env| Box::pin(async move { two_factor::regenerate_recovery_codes(env, &pid, PW).await })).unwrap();
    assert_eq!(
        code_of(login_with(&mut w, "tf-recovery@example.com", rc(&codes[1]))),
        Code::InvalidRecoveryCode,
        "the old set died"
    );
    assert!(login_with(&mut w, "tf-recovery@example.com", rc(&fresh[9])).is_ok());
    // A password reset does not switch the factor off.
    w.run(|env| Box::pin(async move { flows::forgot_password(env, "tf-recovery@example.com", None).await })).unwrap();
    let input = flows::ResetInput {
        login: "tf-recovery@example.com".into(),
        code: w.last_code("tf-recovery@example.com"),
        new_password: PW.into(),
        ..Default::default()
    };
    w.run(|env| Box::pin(flows::reset_password(env, input))).unwrap();
    assert!(w.store.data().profiles[&g.profile.id].two_factor_enabled);
    assert_eq!(code_of(login_with(&mut w, "tf-recovery@example.com", Factor::default())), Code::SecondFactorRequired);
}

#[test]
fn a_desktop_refresh_does_not_ask_for_the_factor_and_extranet_admins_do_not_exist() {
    let mut w = World::new();
    let (_, _, codes) = enrolled(&mut w, "tf-desktop@example.com");
    let input = LoginInput {
        login: "tf-desktop@example.com".into(),
        password: PW.into(),
        client: ClientKind::Desktop,
        factor: Factor { otp: None, recovery_code: Some(codes[0].clone()), remember: false },
        ..Default::default()
    };
    let g = w.run(|env| Box::pin(flows::login(env, input))).unwrap();
    let rt = g.refresh_token.clone().unwrap();
    assert!(w.run(|env| Box::pin(async move { flows::refresh(env, &rt).await })).is_ok());

    // An extranet member sees no admin action (404), whatever they try.
    let admin = w.person("tf-ex-admin@example.com");
    let acc = create(&mut w, &admin, Some("TF Extranet"));
    let grp = group(&mut w, &admin, &acc.id, "Project", true);
    let opts = InviteOptions { extranet: true, group_ids: vec![grp], ..Default::default() };
    invite(&mut w, &admin, &acc.id, &["tf-guest@example.com"], opts);
    let token = token_for(&w, "tf-guest@example.com");
    accept_new(&mut w, &token, "Guest").unwrap();
    let guest = w.login("tf-guest@example.com", PW, ClientKind::Browser).unwrap();
    let card = w.store.data().cards_of(&admin.profile.id)[0].id.clone();
    let (gid, id) = (guest.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::disable_for_member(env, &gid, &id, &card).await }))),
        Code::NotFound
    );
    let (gid, id) = (guest.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::audit_log(env, &gid, &id, None, None).await }))),
        Code::NotFound
    );
}

#[test]
fn switching_off_by_the_person_and_by_an_admin() {
    let mut w = World::new();
    let (g, _, _) = enrolled(&mut w, "tf-off@example.com");
    let other = login_with(&mut w, "tf-off@example.com", Factor { otp: None, recovery_code: None, remember: false });
    assert!(other.is_err());
    let s = g.session.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::disable(env, &s, "wrong-password-1").await }))),
        Code::InvalidCredentials
    );
    let s = g.session.clone();
    w.run(|env| Box::pin(async move { two_factor::disable(env, &s, PW).await })).unwrap();
    assert_eq!(w.store.outbox_to("tf-off@example.com")[0].kind, "two_factor_disabled");
    assert!(login_with(&mut w, "tf-off@example.com", Factor::default()).is_ok());

    // An admin of an account the person belongs to: 403 for a plain member, 404 for others.
    let admin = w.person("tf-admin@example.com");
    let acc = create(&mut w, &admin, Some("TF"));
    invite(&mut w, &admin, &acc.id, &["tf-member@example.com"], Default::default());
    let token = token_for(&w, "tf-member@example.com");
    accept_new(&mut w, &token, "Mem").unwrap();
    let member = w.login("tf-member@example.com", PW, ClientKind::Browser).unwrap();
    let pid = member.profile.id.clone();
    let s = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    let (pid, c) = (member.profile.id.clone(), code(&s.secret, w.now));
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();
    let card = w.store.data().cards_of(&member.profile.id)[0].id.clone();
    let outsider = w.person("tf-outsider@example.com");
    let (o, id, c) = (outsider.profile.id.clone(), acc.id.clone(), card.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::disable_for_member(env, &o, &id, &c).await }))),
        Code::NotFound
    );
    let (m, id, c) = (member.profile.id.clone(), acc.id.clone(), card.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::disable_for_member(env, &m, &id, &c).await }))),
        Code::NotAccountAdmin
    );
    let (a, id, c) = (admin.profile.id.clone(), acc.id.clone(), card.clone());
    w.run(|env| Box::pin(async move { two_factor::disable_for_member(env, &a, &id, &c).await })).unwrap();
    assert_eq!(code_of(w.auth(&member.token)), Code::Unauthenticated, "their sessions end");
    assert_eq!(w.store.outbox_to("tf-member@example.com")[0].kind, "two_factor_disabled");
    let (a, id) = (admin.profile.id.clone(), acc.id.clone());
    let events =
        w.run(|env| Box::pin(async move { accounts::audit_log(env, &a, &id, Some("100"), None).await })).unwrap();
    assert_eq!(events[0].action, "two_factor.disabled_by_admin", "newest first");
    assert!(events.iter().any(|e| e.action == "account.created"));
    let (m2, id) = (w.login("tf-member@example.com", PW, ClientKind::Browser).unwrap().profile.id, acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::audit_log(env, &m2, &id, None, None).await }))),
        Code::NotAccountAdmin
    );
}

#[test]
fn sessions_are_listed_and_ended_by_id() {
    let mut w = World::new();
    let a = w.person("tf-sessions@example.com");
    let b = w.login("tf-sessions@example.com", PW, ClientKind::Desktop).unwrap();
    let c = w.login("tf-sessions@example.com", PW, ClientKind::Browser).unwrap();
    let s = a.session.clone();
    let list = w.run(|env| Box::pin(async move { sessions::list_sessions(env, &s).await })).unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().filter(|x| x.current).count(), 1);
    assert!(list.iter().all(|x| x.id.starts_with("ses_") && !x.id.contains(&a.token)));
    // Ending a session asks for the password again (ASVS 3.3.4).
    for wrong in ["", "wrong-password-1"] {
        let (s, id) = (a.session.clone(), b.session.id.clone());
        assert_eq!(
            code_of(w.run(|env| Box::pin(async move { sessions::end_session(env, &s, &id, wrong).await }))),
            Code::InvalidCredentials
        );
        let s = a.session.clone();
        assert_eq!(
            code_of(w.run(|env| Box::pin(async move { sessions::end_other_sessions(env, &s, wrong).await }))),
            Code::InvalidCredentials
        );
    }
    assert!(w.auth(&b.token).is_ok(), "a wrong password ends nothing");
    let (s, id) = (a.session.clone(), b.session.id.clone());
    w.run(|env| Box::pin(async move { sessions::end_session(env, &s, &id, PW).await })).unwrap();
    assert_eq!(code_of(w.auth(&b.token)), Code::Unauthenticated);
    let rt = b.refresh_token.clone().unwrap();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::refresh(env, &rt).await }))),
        Code::InvalidRefreshToken
    );
    let s = a.session.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { sessions::end_session(env, &s, "ses_nope", PW).await }))),
        Code::NotFound
    );
    let s = a.session.clone();
    w.run(|env| Box::pin(async move { sessions::end_other_sessions(env, &s, PW).await })).unwrap();
    assert_eq!(code_of(w.auth(&c.token)), Code::Unauthenticated);
    assert!(w.auth(&a.token).is_ok());
}

#[test]
fn switching_on_renewing_codes_and_a_replayed_code_are_told_and_logged() {
    let mut w = World::new();
    let (g, secret, _) = enrolled(&mut w, "tf-notices@example.com");
    let kinds = |w: &World| w.store.outbox_to("tf-notices@example.com").into_iter().map(|m| m.kind).collect::<Vec<_>>();
    assert_eq!(kinds(&w)[0], "two_factor_enabled");
    let pid = g.profile.id.clone();
    w.run(|env| Box::pin(async move { two_factor::regenerate_recovery_codes(env, &pid, PW).await })).unwrap();
    assert_eq!(kinds(&w)[0], "recovery_codes_renewed");
    // A code used at login, presented again: refused, logged, told.
    w.advance(60);
    let now = w.now;
    login_with(&mut w, "tf-notices@example.com", otp(code(&secret, now))).unwrap();
    let now = w.now;
    assert_eq!(code_of(login_with(&mut w, "tf-notices@example.com", otp(code(&secret, now)))), Code::InvalidOtpLogin);
    assert_eq!(kinds(&w)[0], "otp_replayed");
    let logged = w.store.query::<serde_json::Value>(
        "SELECT action FROM audit_log WHERE actor = ?1 AND action = 'two_factor.code_replayed'",
        &[netid_core::sql::Value::Text(g.profile.id.clone())],
    );
    assert_eq!(logged.len(), 1);
    // A wrong code is only wrong: no notice.
    let before = kinds(&w).len();
    assert_eq!(code_of(login_with(&mut w, "tf-notices@example.com", otp("000000".into()))), Code::InvalidOtpLogin);
    assert_eq!(kinds(&w).len(), before);
}
