//! The profile flows against the SQL store (SQLite, the real migrations), with an injected clock.

mod common;

use common::*;
use netid_core::flows::{self, LoginInput, NamesInput, ResetInput, SignupInput};
use netid_core::model::{AccountView, ClientKind, Purpose};
use netid_core::{Code, Lang};

#[test]
fn signup_confirm_login_round_trip() {
    let mut w = World::new();
    let out = w.signup("Marie@Example.com").unwrap();
    assert_eq!(out.channel, "email");
    assert_eq!(out.to, "marie@example.com");
    let msg = &w.store.outbox_to("marie@example.com")[0];
    assert_eq!(msg.kind, "signup_code");
    assert_eq!(msg.lang, Lang::Fr, "the message is in the person's language");
    assert!(msg.body.contains(msg.code.as_deref().unwrap()));
    let data = w.store.data();
    let code_row = data.codes.values().next().unwrap();
    assert_ne!(code_row.code_hash, msg.code.clone().unwrap(), "codes are stored hashed");
    assert!(!data.profiles.values().next().unwrap().password_hash.contains(PW));

    let code = w.last_code("marie@example.com");
    let grant = w.confirm("marie@example.com", &code).unwrap();
    assert!(grant.profile.email_confirmed);
    assert!(w.store.data().codes.is_empty(), "the code is spent");
    assert_eq!(w.auth(&grant.token).unwrap().profile_id, out.profile_id);
    assert_eq!(code_of(w.confirm("marie@example.com", &code)), Code::InvalidCode);

    let g = w.login("MARIE@example.com", PW, ClientKind::Browser).unwrap();
    assert!(g.refresh_token.is_none());
    assert_eq!(g.expires_at(w.config.idle_timeout), w.now + 24 * 60);
}

#[test]
fn signup_refuses_bad_input_and_taken_addresses() {
    let mut w = World::new();
    w.person("taken@example.com");
    assert_eq!(code_of(w.signup("taken@example.com")), Code::EmailTaken);
    assert_eq!(code_of(w.signup("not-an-email")), Code::InvalidEmail);
    let bad_pw = SignupInput {
        email: Some("x@example.com".into()),
        password: "marie1234".into(),
        first_name: "Marie".into(),
        last_name: "Curie".into(),
        ..Default::default()
    };
    let e = w.run(|env| Box::pin(flows::signup(env, bad_pw))).unwrap_err();
    assert_eq!((e.code.code(), e.field), ("weak_password", Some("password")));
    let bad_name = SignupInput {
        email: Some("x@example.com".into()),
        password: PW.into(),
        first_name: "M4rie".into(),
        last_name: "Curie".into(),
        ..Default::default()
    };
    let e = w.run(|env| Box::pin(flows::signup(env, bad_name))).unwrap_err();
    assert_eq!((e.code, e.field), (Code::InvalidName, Some("first_name")));
}

#[test]
fn an_unconfirmed_signup_can_be_repeated_and_keeps_its_id() {
    let mut w = World::new();
    let a = w.signup("again@example.com").unwrap();
    let first = w.last_code("again@example.com");
    let b = w.signup("again@example.com").unwrap();
    assert_eq!(a.profile_id, b.profile_id);
    let second = w.last_code("again@example.com");
    if first != second {
        assert_eq!(code_of(w.confirm("again@example.com", &first)), Code::InvalidCode);
    }
    assert!(w.confirm("again@example.com", &second).is_ok());
}

#[test]
fn signup_by_phone_confirms_by_sms() {
    let mut w = World::new();
    let input = SignupInput {
        phone: Some("+48 512 345 678".into()),
        password: PW.into(),
        first_name: "Jan".into(),
        last_name: "Nowak".into(),
        ..Default::default()
    };
    let out = w.run(|env| Box::pin(flows::signup(env, input))).unwrap();
    assert_eq!((out.channel, out.to.as_str()), ("sms", "+48512345678"));
    let msg = &w.store.outbox_to("+48512345678")[0];
    assert_eq!(msg.channel, netid_core::model::Channel::Sms);
    assert_eq!(code_of(w.login("+48512345678", PW, ClientKind::Browser)), Code::PhoneUnconfirmed);
    let code = w.last_code("+48512345678");
    let input = flows::ConfirmInput { phone: Some("+48512345678".into()), code, ..Default::default() };
    w.run(|env| Box::pin(flows::confirm_signup(env, input))).unwrap();
    assert!(w.login("+48 512-345-678", PW, ClientKind::Browser).is_ok());
}

#[test]
fn code_guesses_are_bounded_per_login_and_public_failures_all_read_invalid_code() {
    let mut w = World::new();
    w.signup("codes@example.com").unwrap();
    let good = w.last_code("codes@example.com");
    let wrong = if good == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(code_of(w.confirm("codes@example.com", wrong)), Code::InvalidCode);
    }
    assert_eq!(
        code_of(w.confirm("codes@example.com", &good)),
        Code::TooManyAttempts,
        "a sixth guess is not evaluated, right or wrong"
    );
    // A re-issued code does not bring fresh guesses while the login is blocked.
    w.signup("codes@example.com").unwrap();
    let fresh = w.last_code("codes@example.com");
    assert_eq!(code_of(w.confirm("codes@example.com", &fresh)), Code::TooManyAttempts);
    // After the block, the fresh code works; an unknown login answers exactly alike.
    w.advance(15 * 60);
    w.signup("codes@example.com").unwrap();
    let fresh = w.last_code("codes@example.com");
    w.advance(10 * 60);
    assert_eq!(code_of(w.confirm("codes@example.com", &fresh)), Code::InvalidCode, "expired reads invalid_code");
    assert_eq!(code_of(w.confirm("nobody-here@example.com", &fresh)), Code::InvalidCode);
    w.signup("codes@example.com").unwrap();
    let fresh = w.last_code("codes@example.com");
    assert!(w.confirm("codes@example.com", &fresh).is_ok());
    assert_eq!(code_of(w.confirm("codes@example.com", &fresh)), Code::InvalidCode, "a code is accepted once");
}

#[test]
fn a_persons_own_code_says_expired_or_exhausted() {
    let mut w = World::new();
    let g = w.person("own-code@example.com");
    let pid = g.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "own-new@example.com", PW).await }))
        .unwrap();
    let good = w.last_code("own-new@example.com");
    let wrong = if good == "000000" { "111111" } else { "000000" };
    let confirm = |w: &mut World, code: String| {
        let pid = g.profile.id.clone();
        code_of(w.run(|env| {
            Box::pin(async move { flows::confirm_email_change(env, &pid, "own-new@example.com", &code, false).await })
        }))
    };
    for _ in 0..4 {
        assert_eq!(confirm(&mut w, wrong.to_string()), Code::InvalidCode);
    }
    assert_eq!(confirm(&mut w, wrong.to_string()), Code::CodeAttemptsExceeded);
    w.advance(15 * 60);
    assert_eq!(confirm(&mut w, good), Code::CodeExpired, "after the block, the code has expired too");
}

#[test]
fn login_errors_do_not_tell_unknown_from_wrong_and_unconfirmed_gets_a_new_code() {
    let mut w = World::new();
    w.person("known@example.com");
    assert_eq!(code_of(w.login("nobody@example.com", PW, ClientKind::Browser)), Code::InvalidCredentials);
    assert_eq!(
        code_of(w.login("known@example.com", "wrong-password-x", ClientKind::Browser)),
        Code::InvalidCredentials
    );
    // Letters make an email (the email error, not the phone one); blank is its own error.
    assert_eq!(code_of(w.login("not a login", PW, ClientKind::Browser)), Code::InvalidEmail);
    assert_eq!(code_of(w.login("+7 12", PW, ClientKind::Browser)), Code::InvalidPhone);
    assert_eq!(code_of(w.login("  ", PW, ClientKind::Browser)), Code::LoginRequired);

    w.signup("pending@example.com").unwrap();
    let sent_before = w.store.outbox_to("pending@example.com").len();
    assert_eq!(
        code_of(w.login("pending@example.com", "wrong-password-x", ClientKind::Browser)),
        Code::InvalidCredentials
    );
    assert_eq!(w.store.outbox_to("pending@example.com").len(), sent_before, "no code for a wrong password");
    assert_eq!(code_of(w.login("pending@example.com", PW, ClientKind::Browser)), Code::EmailUnconfirmed);
    assert_eq!(w.store.outbox_to("pending@example.com").len(), sent_before + 1);
    let code = w.last_code("pending@example.com");
    assert!(w.confirm("pending@example.com", &code).is_ok());
}

#[test]
fn failed_logins_are_throttled_per_login_and_per_ip() {
    let mut w = World::new();
    w.person("victim@example.com");
    for _ in 0..5 {
        assert_eq!(
            code_of(w.login("victim@example.com", "guess-guess-1", ClientKind::Browser)),
            Code::InvalidCredentials
        );
    }
    let e = w.login("victim@example.com", PW, ClientKind::Browser).unwrap_err();
    assert_eq!(e.code, Code::TooManyAttempts);
    assert_eq!(e.retry_after, Some(15 * 60));
    w.advance(15 * 60);
    assert!(w.login("victim@example.com", PW, ClientKind::Browser).is_ok(), "the block lifts");

    // Per IP: many logins, one address.
    let mut w = World::new();
    w.person("someone@example.com");
    for i in 0..50 {
        let login = format!("user{i}@example.com");
        assert_eq!(code_of(w.login(&login, "guess-guess-1", ClientKind::Browser)), Code::InvalidCredentials);
    }
    assert_eq!(code_of(w.login("someone@example.com", PW, ClientKind::Browser)), Code::TooManyAttempts);
    w.ip = Some("198.51.100.7".into());
    assert!(w.login("someone@example.com", PW, ClientKind::Browser).is_ok(), "other addresses are not blocked");
}

#[test]
fn sessions_end_after_24_idle_minutes_and_activity_slides_the_deadline() {
    let mut w = World::new();
    let g = w.person("idle@example.com");
    w.advance(23 * 60);
    assert!(w.auth(&g.token).is_ok());
    w.advance(23 * 60);
    assert!(w.auth(&g.token).is_ok(), "46 minutes after login, but only 23 idle");
    w.advance(24 * 60);
    assert_eq!(code_of(w.auth(&g.token)), Code::Unauthenticated);
    assert!(w.store.data().sessions.is_empty(), "the dead session is removed");
}

#[test]
fn activity_is_written_at_most_once_a_minute() {
    let mut w = World::new();
    let g = w.person("touch@example.com");
    let before = w.store.commits();
    for _ in 0..5 {
        w.advance(10);
        w.auth(&g.token).unwrap();
    }
    assert_eq!(w.store.commits(), before, "50 seconds of requests write nothing");
    w.advance(10);
    w.auth(&g.token).unwrap();
    assert_eq!(w.store.commits(), before + 1);
}

#[test]
fn sessions_have_a_seven_day_cap() {
    let mut w = World::new();
    let g = w.person("cap@example.com");
    for _ in 0..(7 * 24 * 60 / 20) {
        w.advance(20 * 60);
        if w.auth(&g.token).is_err() {
            break;
        }
    }
    assert!(w.now - T0 <= 7 * 24 * 3600 + 20 * 60);
    assert_eq!(code_of(w.auth(&g.token)), Code::Unauthenticated);
}

#[test]
fn desktop_refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let mut w = World::new();
    w.person("desk@example.com");
    let g = w.login("desk@example.com", PW, ClientKind::Desktop).unwrap();
    let rt1 = g.refresh_token.clone().unwrap();
    w.advance(30 * 60);
    assert_eq!(code_of(w.auth(&g.token)), Code::Unauthenticated, "the session idled out");
    let g2 = w.run(|env| Box::pin(async move { flows::refresh(env, &rt1).await })).unwrap();
    let rt2 = g2.refresh_token.clone().unwrap();
    assert!(w.auth(&g2.token).is_ok());
    // The old token again: stolen. The whole family dies, including the new session.
    let rt1 = g.refresh_token.clone().unwrap();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::refresh(env, &rt1).await }))),
        Code::InvalidRefreshToken
    );
    assert_eq!(code_of(w.auth(&g2.token)), Code::Unauthenticated);
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::refresh(env, &rt2).await }))),
        Code::InvalidRefreshToken
    );
    assert!(w.store.data().audit.iter().any(|a| a.action == "session.refresh_reuse"));
}

#[test]
fn logout_kills_the_token() {
    let mut w = World::new();
    let g = w.person("out@example.com");
    let s = w.auth(&g.token).unwrap();
    w.run(|env| Box::pin(async move { flows::logout(env, &s).await })).unwrap();
    assert_eq!(code_of(w.auth(&g.token)), Code::Unauthenticated);
}

#[test]
fn changing_the_password_ends_other_sessions_only() {
    let mut w = World::new();
    let here = w.person("pw@example.com");
    let other = w.login("pw@example.com", PW, ClientKind::Browser).unwrap();
    let s = w.auth(&here.token).unwrap();
    let s2 = s.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move {
            flows::change_password(env, &s2, Some("not-the-password"), "amber-meadow-falcon").await
        }))),
        Code::InvalidCredentials
    );
    let s2 = s.clone();
    let e =
        w.run(|env| Box::pin(async move { flows::change_password(env, &s2, Some(PW), "short").await })).unwrap_err();
    assert_eq!((e.code, e.field), (Code::PasswordTooShort, Some("new_password")));
    w.run(|env| Box::pin(async move { flows::change_password(env, &s, Some(PW), "amber-meadow-falcon").await }))
        .unwrap();
    assert!(w.auth(&here.token).is_ok());
    assert_eq!(code_of(w.auth(&other.token)), Code::Unauthenticated);
    assert_eq!(code_of(w.login("pw@example.com", PW, ClientKind::Browser)), Code::InvalidCredentials);
    assert!(w.login("pw@example.com", "amber-meadow-falcon", ClientKind::Browser).is_ok());
    assert_eq!(w.store.outbox_to("pw@example.com")[0].kind, "password_changed");
}

#[test]
fn forgot_and_reset_password() {
    let mut w = World::new();
    let g = w.person("lost@example.com");
    w.run(|env| Box::pin(async move { flows::forgot_password(env, "ghost@example.com", None).await })).unwrap();
    assert!(w.store.outbox_to("ghost@example.com").is_empty());
    w.run(|env| Box::pin(async move { flows::forgot_password(env, "lost@example.com", None).await })).unwrap();
    let msg = w.store.outbox_to("lost@example.com")[0].clone();
    assert_eq!(msg.kind, "password_reset_code");
    let input = ResetInput {
        login: "lost@example.com".into(),
        code: msg.code.clone().unwrap(),
        new_password: "lost".into(),
        region: None,
    };
    assert_eq!(code_of(w.run(|env| Box::pin(flows::reset_password(env, input)))), Code::PasswordTooShort);
    let input = ResetInput {
        login: "ghost@example.com".into(),
        code: "123456".into(),
        new_password: "granite-orchid-42".into(),
        region: None,
    };
    assert_eq!(code_of(w.run(|env| Box::pin(flows::reset_password(env, input)))), Code::InvalidCode);
    let input = ResetInput {
        login: "lost@example.com".into(),
        code: msg.code.unwrap(),
        new_password: "granite-orchid-42".into(),
        region: None,
    };
    w.run(|env| Box::pin(flows::reset_password(env, input))).unwrap();
    assert_eq!(code_of(w.auth(&g.token)), Code::Unauthenticated, "every session ends");
    assert!(w.login("lost@example.com", "granite-orchid-42", ClientKind::Browser).is_ok());
}

#[test]
fn email_change_needs_a_code_and_frees_the_old_address() {
    let mut w = World::new();
    let a = w.person("old@example.com");
    w.person("other@example.com");
    w.store.link_account(&a.profile.id, account("acc_1"), "active");
    let id = a.profile.id.clone();
    let pid = id.clone();
    assert_eq!(
        code_of(
            w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "other@example.com", PW).await }))
        ),
        Code::EmailTaken
    );
    let pid = id.clone();
    assert_eq!(
        code_of(
            w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "old@example.com", PW).await }))
        ),
        Code::ValueUnchanged
    );
    let pid = id.clone();
    w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "new@example.com", PW).await })).unwrap();
    let code = w.last_code("new@example.com");
    assert!(
        w.store.outbox_to("old@example.com").iter().all(|m| m.kind != "email_change_code"),
        "the code goes to the NEW address"
    );
    let pid = id.clone();
    let me = w
        .run(|env| {
            Box::pin(async move { flows::confirm_email_change(env, &pid, "new@example.com", &code, true).await })
        })
        .unwrap();
    assert_eq!(me.email.as_deref(), Some("new@example.com"));
    assert_eq!(w.store.data().memberships.values().next().unwrap().contact_email.as_deref(), Some("new@example.com"));
    // The old address is free: someone else may sign up with it.
    w.person("old@example.com");
    assert!(w.login("new@example.com", PW, ClientKind::Browser).is_ok());
}

#[test]
fn confirming_an_address_removes_an_abandoned_signup_holding_it() {
    let mut w = World::new();
    let a = w.person("first@example.com");
    w.signup("squat@example.com").unwrap();
    let pid = a.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "squat@example.com", PW).await }))
        .unwrap();
    let code = w
        .store
        .outbox_to("squat@example.com")
        .iter()
        .find(|m| m.kind == "email_change_code")
        .and_then(|m| m.code.clone())
        .unwrap();
    let pid = a.profile.id.clone();
    w.run(|env| {
        Box::pin(async move { flows::confirm_email_change(env, &pid, "squat@example.com", &code, false).await })
    })
    .unwrap();
    assert_eq!(w.store.data().profiles.len(), 1);
}

#[test]
fn phone_change_by_sms() {
    let mut w = World::new();
    let a = w.person("phone@example.com");
    let pid = a.profile.id.clone();
    w.run(|env| {
        Box::pin(async move { flows::request_phone_change(env, &pid, "06 12 34 56 78", Some("FR"), PW).await })
    })
    .unwrap();
    let code = w.last_code("+33612345678");
    let pid = a.profile.id.clone();
    let me = w
        .run(|env| {
            Box::pin(async move { flows::confirm_phone_change(env, &pid, "+33612345678", None, &code, false).await })
        })
        .unwrap();
    assert_eq!(me.phone.as_deref(), Some("+33612345678"));
    assert!(w.login("+33 6 12 34 56 78", PW, ClientKind::Browser).is_ok());
    assert!(w.store.outbox_to("+33612345678").iter().all(|m| m.kind != "phone_changed"), "a first phone tells nobody");
    // A second change tells the old (confirmed) number.
    let pid = a.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::request_phone_change(env, &pid, "+33698765432", None, PW).await }))
        .unwrap();
    let code = w.last_code("+33698765432");
    let pid = a.profile.id.clone();
    w.run(|env| {
        Box::pin(async move { flows::confirm_phone_change(env, &pid, "+33698765432", None, &code, false).await })
    })
    .unwrap();
    assert_eq!(w.store.outbox_to("+33612345678")[0].kind, "phone_changed");
    let b = w.person("phone2@example.com");
    let pid = b.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move {
            flows::request_phone_change(env, &pid, "+33698765432", None, PW).await
        }))),
        Code::PhoneTaken
    );
}

#[test]
fn names_apply_to_every_card_only_when_asked() {
    let mut w = World::new();
    let a = w.person("names@example.com");
    w.store.link_account(&a.profile.id, account("acc_1"), "active");
    let pid = a.profile.id.clone();
    let input = NamesInput { first_name: Some("Maria".into()), last_name: None, apply_to_all_accounts: false };
    let me = w.run(|env| Box::pin(async move { flows::update_names(env, &pid, input).await })).unwrap();
    assert_eq!((me.first_name.as_str(), me.last_name.as_str()), ("Maria", "Curie"));
    assert_eq!(me.accounts.len(), 1);
    assert_eq!(w.store.data().memberships.values().next().unwrap().first_name, "");
    let pid = a.profile.id.clone();
    let input = NamesInput {
        first_name: Some("Maria".into()),
        last_name: Some("Skłodowska".into()),
        apply_to_all_accounts: true,
    };
    w.run(|env| Box::pin(async move { flows::update_names(env, &pid, input).await })).unwrap();
    assert_eq!(w.store.data().memberships.values().next().unwrap().last_name, "Skłodowska");
    let pid = a.profile.id.clone();
    let input = NamesInput { first_name: Some("".into()), ..Default::default() };
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::update_names(env, &pid, input).await }))),
        Code::InvalidName
    );
}

#[test]
fn a_profile_with_accounts_cannot_be_deleted() {
    let mut w = World::new();
    let a = w.person("del@example.com");
    // An account whose only card is an invited one: written directly, it has no admin.
    w.check_invariants = false;
    w.store.link_account(&a.profile.id, account("acc_1"), "invited");
    let pid = a.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::delete_profile(env, &pid, "wrong-password-1").await }))),
        Code::InvalidCredentials
    );
    let pid = a.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::delete_profile(env, &pid, PW).await }))),
        Code::ProfileHasAccounts
    );

    let b = w.person("free@example.com");
    let pid = b.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::delete_profile(env, &pid, PW).await })).unwrap();
    assert_eq!(code_of(w.auth(&b.token)), Code::Unauthenticated);
    assert_eq!(code_of(w.login("free@example.com", PW, ClientKind::Browser)), Code::InvalidCredentials);
}

#[test]
fn login_rehashes_when_the_policy_rises() {
    let mut w = World::new();
    let a = w.person("rehash@example.com");
    let before = w.store.data().profiles[&a.profile.id].password_hash.clone();
    assert!(before.contains("i=1000,"));
    w.config.hash.iterations = 2_000;
    w.login("rehash@example.com", PW, ClientKind::Browser).unwrap();
    let after = w.store.data().profiles[&a.profile.id].password_hash.clone();
    assert!(after.contains("i=2000,"), "{after}");
    assert!(w.login("rehash@example.com", PW, ClientKind::Browser).is_ok());
}

#[test]
fn a_failed_commit_leaves_nothing_behind() {
    let mut w = World::new();
    w.store.fail_next_commit();
    assert_eq!(code_of(w.signup("atomic@example.com")), Code::Internal);
    let d = w.store.data();
    assert!(d.profiles.is_empty() && d.codes.is_empty() && d.outbox.is_empty());
    assert!(w.signup("atomic@example.com").is_ok());
}

#[test]
fn login_with_an_account_enters_it_only_for_members() {
    let mut w = World::new();
    let a = w.person("member@example.com");
    w.store.link_account(&a.profile.id, account("acc_9"), "active");
    let input = LoginInput {
        login: "member@example.com".into(),
        password: PW.into(),
        account_id: Some("acc_9".into()),
        ..Default::default()
    };
    let g = w.run(|env| Box::pin(flows::login(env, input))).unwrap();
    assert_eq!(g.session.account_id.as_deref(), Some("acc_9"));
    let input = LoginInput {
        login: "member@example.com".into(),
        password: PW.into(),
        account_id: Some("acc_x".into()),
        ..Default::default()
    };
    assert_eq!(code_of(w.run(|env| Box::pin(flows::login(env, input)))), Code::NotFound);
}

#[test]
fn codes_for_one_purpose_do_not_confirm_another() {
    let mut w = World::new();
    let a = w.person("purpose@example.com");
    w.run(|env| Box::pin(async move { flows::forgot_password(env, "purpose@example.com", None).await })).unwrap();
    let reset_code = w.last_code("purpose@example.com");
    let pid = a.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "purpose2@example.com", PW).await }))
        .unwrap();
    let pid = a.profile.id.clone();
    let r = w.run(|env| {
        Box::pin(
            async move { flows::confirm_email_change(env, &pid, "purpose2@example.com", &reset_code, false).await },
        )
    });
    assert!(matches!(code_of(r), Code::InvalidCode));
    assert!(w.store.data().codes.contains_key(&(a.profile.id.clone(), Purpose::PasswordReset)));
}

fn account(id: &str) -> AccountView {
    AccountView {
        id: id.into(),
        name: "Acme".into(),
        address: "acme".into(),
        plan: "free".into(),
        role: "admin".into(),
        kind: "employee".into(),
        renames_left: 1,
        created_at: "2026-11-22T00:00:00Z".into(),
        require_two_factor: Default::default(),
        remember_browsers: true,
    }
}
