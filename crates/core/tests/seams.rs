//! Trust at the seams between a profile's states (issue 19): one gate to every session, and
//! the claim state machine (`flows::claims`), each transition and each way to a session
//! enumerated. The end-to-end twins are in tests/e2e/seams.test.js.

mod common;

use common::*;
use netid_core::flows::claims::{self, State};
use netid_core::flows::invitations::{self, AcceptInput, InviteOptions};
use netid_core::flows::social::{self, Finished, StartInput};
use netid_core::flows::two_factor::{self, Factor};
use netid_core::flows::{self, Grant, LoginInput, NamesInput, ResetInput};
use netid_core::model::{ClientKind, MemberStatus, Session, SocialMode};
use netid_core::social::{Identity, Provider};
use netid_core::totp;
use netid_core::Code;

const BINDING: &str = "binding-cookie-value-of-the-browser-0123456789";

fn totp_code(secret_b32: &str, at: i64) -> String {
    totp::code_at(&totp::from_base32(secret_b32).unwrap(), at as u64, 6).unwrap()
}

fn identity(sub: &str, email: &str, verified: bool) -> Identity {
    Identity {
        subject: sub.into(),
        email: Some(email.into()),
        email_verified: verified,
        first_name: Some("Eve".into()),
        last_name: Some("Mallory".into()),
    }
}

fn social_in(
    w: &mut World,
    provider: Provider,
    mode: SocialMode,
    caller: Option<Session>,
    id: Identity,
) -> netid_core::Result<Finished> {
    let input = StartInput {
        provider,
        mode,
        return_to: None,
        client: ClientKind::Browser,
        binding: BINDING.into(),
        caller,
        password: None,
    };
    let started = w.run(|env| Box::pin(social::start(env, input)))?;
    let state = started.state.clone();
    let st =
        w.run(|env| Box::pin(async move { social::take_state(env, provider, Some(&state), Some(BINDING)).await }))?;
    w.run(|env| Box::pin(async move { social::finish(env, &st, id).await }))
}

fn grant_of(f: Finished) -> Grant {
    match f {
        Finished::Session(g) => *g,
        other => panic!("expected a session, got {other:?}"),
    }
}

/// An attacker's Facebook sign-up claiming `email` (Facebook's email is never verified).
fn facebook_claim(w: &mut World, email: &str) -> Grant {
    let g =
        grant_of(social_in(w, Provider::Facebook, SocialMode::Signup, None, identity("fb-eve", email, false)).unwrap());
    assert!(!g.profile.email_confirmed);
    assert_eq!(claims::state(&g.profile), State::Claim);
    g
}

fn forgot_and_reset(w: &mut World, email: &str, new_password: &str) -> netid_core::Result<()> {
    let e = email.to_string();
    w.run(|env| Box::pin(async move { flows::forgot_password(env, &e, None).await }))?;
    let code = w
        .store
        .outbox_to(email)
        .iter()
        .find(|m| m.kind == "password_reset_code")
        .and_then(|m| m.code.clone())
        .expect("a reset code");
    let input = ResetInput { login: email.into(), code, new_password: new_password.into(), region: None };
    w.run(|env| Box::pin(flows::reset_password(env, input)))
}

fn login_with(w: &mut World, email: &str, password: &str, factor: Factor) -> netid_core::Result<Grant> {
    let input = LoginInput {
        login: email.into(),
        password: password.into(),
        client: ClientKind::Browser,
        factor,
        ..Default::default()
    };
    w.run(|env| Box::pin(flows::login(env, input)))
}

fn enroll(w: &mut World, g: &Grant, password: &str) -> String {
    let (pid, pw) = (g.profile.id.clone(), password.to_string());
    let setup = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, &pw).await })).unwrap();
    let (pid, c) = (g.profile.id.clone(), totp_code(&setup.secret, w.now));
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();
    setup.secret
}

/// The data invariant the e2e suite checks: two-step shows on exactly when a secret is enabled.
fn assert_two_factor_flags(w: &World) {
    let d = w.store.data();
    for p in d.profiles.values() {
        let enabled = d.two_factor.get(&p.id).is_some_and(|t| t.enabled);
        assert_eq!(p.two_factor_enabled, enabled, "two_factor_flag_matches for {}", p.id);
    }
}

fn social_login(w: &mut World, provider: Provider, sub: &str, email: &str) -> netid_core::Result<Finished> {
    social_in(w, provider, SocialMode::Login, None, identity(sub, email, false))
}

// --- Proof of an address is never a merge -------------------------------------------------

#[test]
fn a_reset_by_the_owner_ends_an_unverified_social_claim() {
    let mut w = World::new();
    let v = "victim.reset@example.com";
    let eve = facebook_claim(&mut w, v);
    // The owner is not blocked, and resets the password.
    forgot_and_reset(&mut w, v, "amber-quartz-meadow").unwrap();
    let p = w.store.data().profiles[&eve.profile.id].clone();
    assert!(p.email_confirmed);
    assert!(p.social.is_empty(), "the attacker's identity is gone");
    assert_eq!(code_of(w.auth(&eve.token)), Code::Unauthenticated, "the attacker's session ended");
    assert_eq!(code_of(social_login(&mut w, Provider::Facebook, "fb-eve", v)), Code::SocialNotLinked);
    assert!(login_with(&mut w, v, "amber-quartz-meadow", Factor::default()).is_ok());
    assert_two_factor_flags(&w);
}

#[test]
fn accepting_an_invitation_ends_an_unverified_social_claim_of_another_party() {
    let mut w = World::new();
    let v = "victim.invite@example.com";
    for (provider, sub) in [(Provider::Facebook, "fb-1"), (Provider::Microsoft, "ms-1"), (Provider::Google, "g-1")] {
        let mut w2 = World::new();
        let eve = grant_of(social_in(&mut w2, provider, SocialMode::Signup, None, identity(sub, v, false)).unwrap());
        let admin = w2.person("admin.invite@example.com");
        let acc = create(&mut w2, &admin, Some("Harbour Labs"));
        invite(&mut w2, &admin, &acc.id, &[v], InviteOptions::default());
        let accepted = accept_to(&mut w2, v, "Victor").unwrap();
        let g = accepted.grant.expect("a session for the owner");
        assert_eq!(g.profile.id, eve.profile.id, "the address keeps its profile id (and cards)");
        assert!(g.profile.social.is_empty());
        assert_eq!(code_of(w2.auth(&eve.token)), Code::Unauthenticated);
        assert_eq!(code_of(social_login(&mut w2, provider, sub, v)), Code::SocialNotLinked, "{provider:?}");
        assert!(w2.store.data().profiles[&g.profile.id].social.is_empty());
    }
    // A claim never blocks the owner's signup, and its confirmation ends the claim.
    let eve = facebook_claim(&mut w, v);
    let out = w.signup(v).expect("POST /signup proceeds over a claim");
    assert_eq!(out.profile_id, eve.profile.id);
    assert!(w.auth(&eve.token).is_ok(), "nothing of the claim changes before a proof");
    assert_eq!(w.store.data().profiles[&eve.profile.id].social.len(), 1);
    let code = w.last_code(v);
    let g = w.confirm(v, &code).unwrap();
    assert!(g.profile.social.is_empty());
    assert_eq!(code_of(w.auth(&eve.token)), Code::Unauthenticated);
    assert!(login_with(&mut w, v, PW, Factor::default()).is_ok(), "the signup's own password");
}

#[test]
fn a_verified_social_signup_ends_a_password_claim_and_an_unverified_one_waits() {
    let mut w = World::new();
    let v = "victim.google@example.com";
    w.signup(v).unwrap(); // never confirmed
    assert_eq!(
        code_of(social_in(&mut w, Provider::Facebook, SocialMode::Signup, None, identity("fb-2", v, false))),
        Code::EmailTaken,
        "an unverified address is only another claim"
    );
    let g = grant_of(social_in(&mut w, Provider::Google, SocialMode::Signup, None, identity("g-2", v, true)).unwrap());
    assert!(g.profile.email_confirmed);
    assert!(!g.profile.has_password(), "the claim's password is gone");
    assert_eq!(code_of(login_with(&mut w, v, PW, Factor::default())), Code::InvalidCredentials);
    // Now owned: every further claim is refused.
    assert_eq!(code_of(w.signup(v)), Code::EmailTaken);
    assert_eq!(
        code_of(social_in(&mut w, Provider::Microsoft, SocialMode::Signup, None, identity("ms-2", v, true))),
        Code::EmailTaken
    );
}

#[test]
fn the_claims_author_adopts_it_by_accepting_an_invitation_from_its_session() {
    let mut w = World::new();
    let v = "author@example.com";
    let me = facebook_claim(&mut w, v);
    let admin = w.person("admin.author@example.com");
    let acc = create(&mut w, &admin, Some("Harbour Labs"));
    invite(&mut w, &admin, &acc.id, &[v], InviteOptions::default());
    let token = token_for(&w, v);
    let session = me.session.clone();
    let accepted = w
        .run(|env| {
            Box::pin(async move {
                invitations::accept_invitation(env, &token, Some(&session), AcceptInput::default()).await
            })
        })
        .unwrap();
    assert!(accepted.grant.is_none(), "the author keeps their session");
    let p = w.store.data().profiles[&me.profile.id].clone();
    assert!(p.email_confirmed);
    assert_eq!(p.social.len(), 1, "the author's own identity stays");
    assert!(w.auth(&me.token).is_ok());
}

// --- One gate to every session -------------------------------------------------------------

#[test]
fn every_way_in_asks_a_two_step_profile_for_its_second_factor() {
    let mut w = World::new();
    let v = "gate@example.com";
    let g = w.person(v);
    let secret = enroll(&mut w, &g, PW);
    // Password login.
    let e = login_with(&mut w, v, PW, Factor::default()).unwrap_err();
    assert_eq!(e.code, Code::SecondFactorRequired);
    let ticket = e.challenge.unwrap().ticket;
    // Its second step is the way through.
    w.advance(31);
    let c = totp_code(&secret, w.now);
    let t = ticket.clone();
    let s = w.run(|env| {
        Box::pin(async move {
            two_factor::second_step(env, &t, Factor { otp: Some(c), recovery_code: None, remember: false }).await
        })
    });
    assert!(s.is_ok());
    // Social login of a linked identity.
    let session = w.login(v, PW, ClientKind::Browser).map(|_| ()).unwrap_err();
    assert_eq!(session.code, Code::SecondFactorRequired);
    let mut linked = w.store.data().profiles[&g.profile.id].clone();
    linked.social.clear();
    let st_caller = g.session.clone();
    // Connect Google (the profile's password), then log in with it.
    let input = StartInput {
        provider: Provider::Google,
        mode: SocialMode::Connect,
        return_to: None,
        client: ClientKind::Browser,
        binding: BINDING.into(),
        caller: Some(st_caller),
        password: Some(PW.into()),
    };
    let started = w.run(|env| Box::pin(social::start(env, input))).unwrap();
    let state = started.state.clone();
    let st = w
        .run(|env| {
            Box::pin(async move { social::take_state(env, Provider::Google, Some(&state), Some(BINDING)).await })
        })
        .unwrap();
    let id = identity("g-gate", v, true);
    assert!(matches!(
        w.run(|env| Box::pin(async move { social::finish(env, &st, id).await })).unwrap(),
        Finished::Connected
    ));
    assert!(matches!(
        social_in(&mut w, Provider::Google, SocialMode::Login, None, identity("g-gate", v, true)).unwrap(),
        Finished::SecondFactor { .. }
    ));
    // An invitation to a two-step owner: the owner must be logged in; no new session is made.
    let admin = w.person("admin.gate@example.com");
    let acc = create(&mut w, &admin, Some("Gate Labs"));
    invite(&mut w, &admin, &acc.id, &[v], InviteOptions::default());
    assert_eq!(code_of(accept_to(&mut w, v, "Nobody")), Code::Unauthenticated);
    assert_two_factor_flags(&w);
    assert!(w.store.data().profiles[&g.profile.id].two_factor_enabled, "nothing switched two-step off");
}

#[test]
fn a_two_step_claim_opened_by_the_inbox_is_ended_not_entered() {
    // A social claim that set a password and switched two-step on; the inbox alone (resend +
    // confirm) must not reach it: no code goes out on resend, and a signup's code ends it.
    let mut w = World::new();
    let v = "twostep.claim@example.com";
    let eve = facebook_claim(&mut w, v);
    let s = eve.session.clone();
    w.session_started = Some(s.created_at);
    w.run(|env| Box::pin(async move { flows::change_password(env, &s, None, "cobalt-river-lantern").await })).unwrap();
    enroll(&mut w, &eve, "cobalt-river-lantern");
    let before = w.store.outbox_to(v).len();
    w.run(|env| Box::pin(async move { flows::resend_signup_code(env, Some(v), None, None).await })).unwrap();
    assert_eq!(w.store.outbox_to(v).len(), before, "no code for a claim that is not a plain pending signup");
    // A login with the password alone sends no code either.
    assert_eq!(code_of(login_with(&mut w, v, "cobalt-river-lantern", Factor::default())), Code::EmailUnconfirmed);
    assert_eq!(w.store.outbox_to(v).len(), before);
    // The owner's signup and its confirmation: the claim (and its two-step) ends.
    w.signup(v).unwrap();
    let code = w.last_code(v);
    let g = w.confirm(v, &code).unwrap();
    assert!(!g.profile.two_factor_enabled);
    assert!(!w.store.data().two_factor.contains_key(&eve.profile.id));
    assert_two_factor_flags(&w);
    assert_eq!(code_of(login_with(&mut w, v, "cobalt-river-lantern", Factor::default())), Code::InvalidCredentials);
}

#[test]
fn a_password_chosen_by_an_admin_stays_to_be_changed_through_every_way_in() {
    let mut w = World::new();
    let admin = w.person("admin.pcr@example.com");
    let acc = create(&mut w, &admin, Some("Pcr Labs"));
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let input = netid_core::flows::people::NewUser {
        first_name: "Olga".into(),
        last_name: "Tokarczuk".into(),
        email: "olga.pcr@example.com".into(),
        password: Some("granite-willow-harbor".into()),
        ..Default::default()
    };
    w.run(|env| Box::pin(async move { netid_core::flows::people::add_user(env, &pid, &id, input, LINK).await }))
        .unwrap();
    // The login details' code confirms the address; the admin's password must still change.
    let code = w.last_code("olga.pcr@example.com");
    let g = w.confirm("olga.pcr@example.com", &code).unwrap();
    assert!(g.session.password_change_required);
    // Once the owner confirmed, the admin's password alone opens nothing: each login with it
    // sends a code to the owner's inbox again.
    assert_eq!(
        code_of(login_with(&mut w, "olga.pcr@example.com", "granite-willow-harbor", Factor::default())),
        Code::EmailUnconfirmed
    );
    let code = w.last_code("olga.pcr@example.com");
    let g = w.confirm("olga.pcr@example.com", &code).unwrap();
    assert!(g.session.password_change_required);
}

// --- Two-step cannot be lost by a side door ------------------------------------------------

#[test]
fn wrong_factors_count_per_profile_across_fresh_tickets() {
    let mut w = World::new();
    let v = "guess@example.com";
    let g = w.person(v);
    let secret = enroll(&mut w, &g, PW);
    w.advance(31);
    let right = totp_code(&secret, w.now);
    let wrong = if right == "000000" { "111111" } else { "000000" }.to_string();
    let mut codes = Vec::new();
    for i in 0..30 {
        // A fresh ticket each time, from a fresh network: only the profile's counter is common.
        w.ip = Some(format!("198.51.100.{i}"));
        let ticket = login_with(&mut w, v, PW, Factor::default()).unwrap_err().challenge.unwrap().ticket;
        let f = Factor { otp: Some(wrong.clone()), recovery_code: None, remember: false };
        codes.push(
            w.run(|env| Box::pin(async move { two_factor::second_step(env, &ticket, f).await })).unwrap_err().code,
        );
    }
    assert_eq!(codes.iter().filter(|c| **c == Code::InvalidOtpLogin).count(), 5, "{codes:?}");
    assert!(codes[5..].iter().all(|c| *c == Code::TooManyAttempts));
    // The right code is refused as well while the profile's counter is full.
    w.ip = Some("198.51.100.200".into());
    let ticket = login_with(&mut w, v, PW, Factor::default()).unwrap_err().challenge.unwrap().ticket;
    let f = Factor { otp: Some(right), recovery_code: None, remember: false };
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::second_step(env, &ticket, f).await }))),
        Code::TooManyAttempts
    );
}

#[test]
fn a_password_reset_or_change_ends_every_ticket() {
    let mut w = World::new();
    let v = "ticket@example.com";
    let g = w.person(v);
    let secret = enroll(&mut w, &g, PW);
    let old = login_with(&mut w, v, PW, Factor::default()).unwrap_err().challenge.unwrap().ticket;
    forgot_and_reset(&mut w, v, "amber-quartz-meadow").unwrap();
    w.advance(31);
    let f = Factor { otp: Some(totp_code(&secret, w.now)), recovery_code: None, remember: false };
    let t = old.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::second_step(env, &t, f).await }))),
        Code::Unauthenticated
    );
    // After a change.
    let ticket = login_with(&mut w, v, "amber-quartz-meadow", Factor::default()).unwrap_err().challenge.unwrap().ticket;
    w.advance(31);
    let f = Factor { otp: Some(totp_code(&secret, w.now)), recovery_code: None, remember: false };
    let g = w.run(|env| Box::pin(async move { two_factor::second_step(env, &ticket, f).await })).unwrap();
    let other = login_with(&mut w, v, "amber-quartz-meadow", Factor::default()).unwrap_err().challenge.unwrap().ticket;
    let s = g.session.clone();
    w.run(|env| {
        Box::pin(
            async move { flows::change_password(env, &s, Some("amber-quartz-meadow"), "cobalt-river-lantern").await },
        )
    })
    .unwrap();
    w.advance(31);
    let f = Factor { otp: Some(totp_code(&secret, w.now)), recovery_code: None, remember: false };
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::second_step(env, &other, f).await }))),
        Code::Unauthenticated
    );
}

// --- Dismissed means read-only for that account -------------------------------------------

#[test]
fn a_dismissed_card_is_the_accounts_record() {
    let mut w = World::new();
    let admin = w.person("admin.dismissed@example.com");
    let acc = create(&mut w, &admin, Some("Record Labs"));
    let v = "leaver@example.com";
    invite(&mut w, &admin, &acc.id, &[v], InviteOptions::default());
    let leaver = accept_to(&mut w, v, "Lena").unwrap().grant.unwrap();
    let secret = enroll(&mut w, &leaver, PW);
    let _ = secret;
    let card = w
        .store
        .data()
        .memberships
        .values()
        .find(|m| m.profile_id.as_deref() == Some(&leaver.profile.id))
        .unwrap()
        .clone();
    let (pid, id, c) = (admin.profile.id.clone(), acc.id.clone(), card.id.clone());
    w.run(|env| Box::pin(async move { netid_core::flows::people::dismiss_user(env, &pid, &id, &c).await })).unwrap();
    // The former employer cannot reach the person's factors.
    let (pid, id, c) = (admin.profile.id.clone(), acc.id.clone(), card.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::disable_for_member(env, &pid, &id, &c).await }))),
        Code::NotFound
    );
    assert!(w.store.data().profiles[&leaver.profile.id].two_factor_enabled);
    // The person's own changes skip the dismissed card.
    let pid = leaver.profile.id.clone();
    let input = NamesInput { first_name: Some("Renamed".into()), last_name: None, apply_to_all_accounts: true };
    w.run(|env| Box::pin(async move { flows::update_names(env, &pid, input).await })).unwrap();
    let after = w.store.data().memberships[&card.id].clone();
    assert_eq!(after.status, MemberStatus::Dismissed);
    assert_eq!(after.first_name, card.first_name, "the account keeps what it had");
    // A new login email later: the former employer's list still shows the one it knew, and the
    // old address stays bound to the dismissed card.
    let pid = leaver.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "lena.new@example.com", PW).await }))
        .unwrap();
    let code = w
        .store
        .outbox_to("lena.new@example.com")
        .iter()
        .find(|m| m.kind == "email_change_code")
        .and_then(|m| m.code.clone())
        .unwrap();
    let pid = leaver.profile.id.clone();
    w.run(|env| {
        Box::pin(async move { flows::confirm_email_change(env, &pid, "lena.new@example.com", &code, true).await })
    })
    .unwrap();
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let listed = w
        .run(|env| {
            Box::pin(
                async move { netid_core::flows::people::list_users(env, &pid, &id, Some("dismissed"), None).await },
            )
        })
        .unwrap();
    let row = listed.iter().find(|u| u.id == card.id).expect("the dismissed card is listed");
    assert_eq!(row.login_email.as_deref(), Some(v), "the login it had when dismissed");
    assert!(!row.two_factor_enabled, "nothing of the person's factors");
    let res = invite(&mut w, &admin, &acc.id, &[v], InviteOptions::default());
    assert_eq!(res[0].status, "email_taken", "still the card's contact email");
}

// --- Anonymous cost is bounded per network ---------------------------------------------------

#[test]
fn anonymous_signups_from_one_network_are_bounded() {
    let mut w = World::new();
    w.ip = Some("2001:db8:7:7::1".into());
    let mut ok = 0;
    let mut refused = 0;
    for i in 0..40 {
        // Another address in the same /64 each time.
        w.ip = Some(format!("2001:db8:7:7::{:x}", i + 1));
        match w.signup(&format!("stranger{i}@example.com")) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert_eq!(e.code, Code::TooManyAttempts);
                assert!(e.retry_after.is_some_and(|s| s > 0));
                refused += 1;
            }
        }
    }
    assert_eq!(ok, w.config.anonymous_hourly.max_failures as usize);
    assert_eq!(refused, 40 - ok);
    // Forgot and resend spend the same budget.
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::forgot_password(env, "someone@example.com", None).await }))),
        Code::TooManyAttempts
    );
    // Another network is not affected.
    w.ip = Some("2001:db8:7:8::1".into());
    assert!(w.signup("fresh@example.com").is_ok());
}

#[test]
fn a_refresh_continues_a_family_the_gate_admitted_and_ends_with_a_reset() {
    let mut w = World::new();
    let v = "desktop@example.com";
    let g = w.person(v);
    let secret = enroll(&mut w, &g, PW);
    // A desktop login of a two-step profile: the ticket, then the second step's refresh token.
    let input = LoginInput { login: v.into(), password: PW.into(), client: ClientKind::Desktop, ..Default::default() };
    let ticket = w.run(|env| Box::pin(flows::login(env, input))).unwrap_err().challenge.unwrap().ticket;
    w.advance(31);
    let f = Factor { otp: Some(totp_code(&secret, w.now)), recovery_code: None, remember: false };
    let desk = w.run(|env| Box::pin(async move { two_factor::second_step(env, &ticket, f).await })).unwrap();
    let rt = desk.refresh_token.clone().expect("a desktop session has a refresh token");
    let r = rt.clone();
    let next = w.run(|env| Box::pin(async move { flows::refresh(env, &r).await })).unwrap();
    assert_eq!(next.session.family_id, desk.session.family_id, "the family goes on without a second step");
    // A reset ends the family: the newest token no longer refreshes.
    forgot_and_reset(&mut w, v, "amber-quartz-meadow").unwrap();
    let r = next.refresh_token.clone().unwrap();
    assert_eq!(code_of(w.run(|env| Box::pin(async move { flows::refresh(env, &r).await }))), Code::InvalidRefreshToken);
}

#[test]
fn social_starts_spend_the_networks_budget_only_when_abandoned() {
    let mut w = World::new();
    w.ip = Some("192.0.2.77".into());
    // 30 sign-ins that come back and log in: each gives its start back.
    grant_of(
        social_in(&mut w, Provider::Google, SocialMode::Signup, None, identity("g-office", "office@example.com", true))
            .unwrap(),
    );
    for _ in 0..30 {
        let f = social_in(
            &mut w,
            Provider::Google,
            SocialMode::Login,
            None,
            identity("g-office", "office@example.com", true),
        );
        assert!(matches!(f.unwrap(), Finished::Session(_)));
    }
    // Abandoned starts use it up: the 21st in the hour is refused.
    let mut refused = 0;
    for _ in 0..25 {
        let input = StartInput {
            provider: Provider::Google,
            mode: SocialMode::Login,
            return_to: None,
            client: ClientKind::Browser,
            binding: BINDING.into(),
            caller: None,
            password: None,
        };
        if let Err(e) = w.run(|env| Box::pin(social::start(env, input))) {
            assert_eq!(e.code, Code::TooManyAttempts);
            refused += 1;
        }
    }
    assert_eq!(
        refused,
        25 - w.config.anonymous_hourly.max_failures as usize,
        "the 31 sign-ins that came back left nothing counted"
    );
}

fn signup_as(w: &mut World, email: &str, password: &str, first: &str) -> netid_core::Result<flows::SignupOutcome> {
    let input = flows::SignupInput {
        email: Some(email.into()),
        password: password.into(),
        first_name: first.into(),
        last_name: "Person".into(),
        ..Default::default()
    };
    w.run(|env| Box::pin(flows::signup(env, input)))
}

fn confirm_with(w: &mut World, email: &str, code: &str, password: Option<&str>) -> netid_core::Result<Grant> {
    let input = flows::ConfirmInput {
        email: Some(email.into()),
        code: code.into(),
        password: password.map(str::to_string),
        ..Default::default()
    };
    w.run(|env| Box::pin(flows::confirm_signup(env, input)))
}

#[test]
fn a_code_confirms_only_the_credentials_of_whoever_asked_for_it() {
    const EVE: &str = "cobalt-river-lantern";
    const OWNER: &str = "amber-quartz-meadow";
    let no_password_works = |w: &mut World, v: &str| {
        for pw in [EVE, OWNER] {
            assert_eq!(code_of(login_with(w, v, pw, Factor::default())), Code::InvalidCredentials, "{pw}");
        }
    };
    // The owner's code expires; "resend" must not fall back to the squatter's password.
    let mut w = World::new();
    let v = "contest.expired@example.com";
    signup_as(&mut w, v, EVE, "Eve").unwrap();
    w.advance(3600);
    signup_as(&mut w, v, OWNER, "Olive").unwrap();
    w.advance(3600); // the owner's code expired (10 minutes)
    w.run(|env| Box::pin(async move { flows::resend_signup_code(env, Some(v), None, None).await })).unwrap();
    let code = w.last_code(v);
    assert_eq!(code_of(confirm_with(&mut w, v, &code, Some(EVE))), Code::InvalidCredentials, "not the squatter's");
    let g = confirm_with(&mut w, v, &code, Some(OWNER)).unwrap();
    assert_eq!(g.profile.first_name, "Olive");
    assert_eq!(code_of(login_with(&mut w, v, EVE, Factor::default())), Code::InvalidCredentials);
    assert!(login_with(&mut w, v, OWNER, Factor::default()).is_ok());

    // Contested, and the confirmation (as API.md writes it) says nothing of the password: the
    // address is proven, neither claimant's password is set, and the prover sets one.
    let mut w = World::new();
    let v = "contest.plain@example.com";
    signup_as(&mut w, v, OWNER, "Olive").unwrap();
    signup_as(&mut w, v, EVE, "Eve").unwrap(); // the newest code in the inbox carries Eve's
    let code = w.last_code(v);
    assert_eq!(code_of(confirm_with(&mut w, v, &code, Some(OWNER))), Code::InvalidCredentials);
    let g = confirm_with(&mut w, v, &code, None).unwrap();
    assert!(!g.profile.has_password());
    assert_eq!(g.profile.first_name, "", "nothing of either claim");
    no_password_works(&mut w, v);
    let s = g.session.clone();
    w.session_started = Some(s.created_at);
    w.run(|env| Box::pin(async move { flows::change_password(env, &s, None, OWNER).await })).unwrap();
    assert!(login_with(&mut w, v, OWNER, Factor::default()).is_ok());

    // The squatter's login after the owner's signup: the pending claim travels again, now
    // contested (the login proved another password), so it cannot carry hers either way.
    let mut w = World::new();
    let v = "contest.login@example.com";
    signup_as(&mut w, v, EVE, "Eve").unwrap();
    w.advance(3600);
    signup_as(&mut w, v, OWNER, "Olive").unwrap();
    assert_eq!(code_of(login_with(&mut w, v, EVE, Factor::default())), Code::EmailUnconfirmed);
    let code = w.last_code(v);
    assert!(confirm_with(&mut w, v, &code, Some(OWNER)).is_ok());
    assert_eq!(code_of(login_with(&mut w, v, EVE, Factor::default())), Code::InvalidCredentials);

    // Nothing pending any more (a day later), the squatter signs up over the owner's
    // abandoned signup, and the owner's own login re-sends her claim: contested against the
    // stored password, so a plain confirmation sets neither password.
    let mut w = World::new();
    let v = "contest.stale@example.com";
    signup_as(&mut w, v, OWNER, "Olive").unwrap();
    w.advance(2 * DAY);
    w.run(|env| {
        Box::pin(async move {
            let now = env.now;
            let c = netid_core::store::Change::PurgeExpired {
                now,
                idle_timeout: 1440,
                invitations_before: 0,
                code_ttl: 600,
                link_ttl: 600,
                outbox_before: 0,
            };
            netid_core::store::Store::commit(env.store, vec![c]).await
        })
    })
    .unwrap();
    signup_as(&mut w, v, EVE, "Eve").unwrap();
    assert_eq!(code_of(login_with(&mut w, v, OWNER, Factor::default())), Code::EmailUnconfirmed);
    let code = w.last_code(v);
    let g = confirm_with(&mut w, v, &code, None).unwrap();
    assert!(!g.profile.has_password());
    no_password_works(&mut w, v);

    // Uncontested, the API's plain {email, code} still confirms with the signup's password.
    let mut w = World::new();
    let v = "plain@example.com";
    signup_as(&mut w, v, OWNER, "Olive").unwrap();
    let code = w.last_code(v);
    assert!(confirm_with(&mut w, v, &code, None).is_ok());
    assert!(login_with(&mut w, v, OWNER, Factor::default()).is_ok());
}

#[test]
fn a_claim_that_proves_another_login_lets_the_unproven_address_go() {
    let mut w = World::new();
    let v = "phone.squat@example.com";
    let eve = facebook_claim(&mut w, v);
    let s = eve.session.clone();
    w.session_started = Some(s.created_at);
    let pid = eve.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::request_phone_change(env, &pid, "+48601234567", None, "").await }))
        .unwrap();
    let code = w.last_code("+48601234567");
    let pid = eve.profile.id.clone();
    let me = w
        .run(|env| {
            Box::pin(async move { flows::confirm_phone_change(env, &pid, "+48601234567", None, &code, false).await })
        })
        .unwrap();
    assert_eq!(me.email, None, "the unproven email is no longer the claim's");
    // The owner of the address is not blocked.
    w.signup(v).unwrap();
    let code = w.last_code(v);
    let g = w.confirm(v, &code).unwrap();
    assert_ne!(g.profile.id, eve.profile.id);
}

#[test]
fn a_two_step_social_claim_still_logs_in_through_its_second_step() {
    let mut w = World::new();
    let v = "fb.twostep@example.com";
    let me = facebook_claim(&mut w, v);
    let s = me.session.clone();
    w.session_started = Some(s.created_at);
    w.run(|env| Box::pin(async move { flows::change_password(env, &s, None, "cobalt-river-lantern").await })).unwrap();
    let secret = enroll(&mut w, &me, "cobalt-river-lantern");
    let f = social_in(&mut w, Provider::Facebook, SocialMode::Login, None, identity("fb-eve", v, false)).unwrap();
    let Finished::SecondFactor { ticket, .. } = f else { panic!("the second step comes next") };
    w.advance(31);
    let factor = Factor { otp: Some(totp_code(&secret, w.now)), recovery_code: None, remember: false };
    assert!(w.run(|env| Box::pin(async move { two_factor::second_step(env, &ticket, factor).await })).is_ok());
}
