//! "Remember this browser" for the second step (flows::browsers): the opt-in at the second
//! step, 30 days, the token bound to its profile and its browser, the list and its
//! revocation, what forgets every browser (a new password, a reset, two-step off), the
//! workspace that refuses remembered browsers, and a revocation racing a login.

mod common;

use common::sqlite::Rendezvous;
use common::*;
use netid_core::flows::accounts::{self, PolicyChange};
use netid_core::flows::browsers;
use netid_core::flows::two_factor::{self, Factor};
use netid_core::flows::{self, Grant, LoginInput};
use netid_core::model::ClientKind;
use netid_core::totp;
use netid_core::Code;

const BROWSER: &str = "device-hash-of-this-browser";
const OTHER_BROWSER: &str = "device-hash-of-another-browser";

/// A person with two-step on; answers their first session and the TOTP secret.
fn enrolled(w: &mut World, email: &str) -> (Grant, Vec<u8>) {
    let g = w.person(email);
    let pid = g.profile.id.clone();
    let setup = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    let secret = totp::from_base32(&setup.secret).unwrap();
    let (pid, c) = (g.profile.id.clone(), totp::code_at(&secret, w.now as u64, 6).unwrap());
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();
    (g, secret)
}

fn login(w: &mut World, email: &str, factor: Factor) -> netid_core::Result<Grant> {
    let input = LoginInput {
        login: email.into(),
        password: PW.into(),
        client: ClientKind::Browser,
        factor,
        ..Default::default()
    };
    w.run(|env| Box::pin(flows::login(env, input)))
}

/// A password login: `Ok` when it made a session at once, else the second step's ticket.
fn password_only(w: &mut World, email: &str) -> Result<Grant, String> {
    match login(w, email, Factor::default()) {
        Ok(g) => Ok(g),
        Err(e) => Err(e.challenge.expect("the second step is asked").ticket),
    }
}

/// The second step with a fresh code, asking to remember the browser; the cookie's new value
/// is sent from then on (as the browser would).
fn second_step_remembering(w: &mut World, email: &str, secret: &[u8]) -> Grant {
    w.advance(30);
    let ticket = password_only(w, email).expect_err("the second step first");
    let factor = Factor { otp: totp::code_at(secret, w.now as u64, 6), recovery_code: None, remember: true };
    let grant = w.run(|env| Box::pin(async move { two_factor::second_step(env, &ticket, factor).await })).unwrap();
    if let Some(cookie) = &grant.remembered {
        w.remembered = browsers::parse_cookie(cookie);
    }
    grant
}

fn list(w: &mut World, g: &Grant) -> Vec<browsers::BrowserView> {
    let s = w.auth(&g.token).unwrap();
    w.run(|env| Box::pin(async move { browsers::list(env, &s).await })).unwrap()
}

#[test]
fn a_browser_remembered_at_the_second_step_skips_it_for_30_days() {
    let mut w = World::new();
    w.device = Some(BROWSER.into());
    let (_, secret) = enrolled(&mut w, "rb-days@example.com");
    // Without the opt-in nothing is remembered.
    w.advance(30);
    let ticket = password_only(&mut w, "rb-days@example.com").unwrap_err();
    let factor = Factor { otp: totp::code_at(&secret, w.now as u64, 6), recovery_code: None, remember: false };
    let g = w.run(|env| Box::pin(async move { two_factor::second_step(env, &ticket, factor).await })).unwrap();
    assert!(g.remembered.is_none());
    assert!(password_only(&mut w, "rb-days@example.com").is_err(), "still the second step");

    let g = second_step_remembering(&mut w, "rb-days@example.com", &secret);
    let cookie = g.remembered.clone().expect("the browser is remembered");
    assert!(!cookie.contains(&w.store.data().profiles[&g.profile.id].id), "the cookie names nobody");
    let shown = list(&mut w, &g);
    assert_eq!(shown.len(), 1);
    assert!(shown[0].current, "this browser");
    assert_eq!(shown[0].device, "netid-tests/1".to_string().pipe_label());

    w.advance(3600);
    let s = password_only(&mut w, "rb-days@example.com").expect("the password is enough on this browser");
    assert_eq!(s.session.amr, "pwd", "no second factor was shown, and the session says so");
    assert_eq!(list(&mut w, &s)[0].last_used_at, netid_core::time::rfc3339(w.now));

    // 30 days after it was remembered, the second step comes back.
    w.advance(30 * DAY - 3600);
    assert!(password_only(&mut w, "rb-days@example.com").is_err(), "expired");

    // A browser without a device cookie (not a browser the Worker knows) is never remembered.
    w.device = None;
    w.remembered.clear();
    assert!(second_step_remembering(&mut w, "rb-days@example.com", &secret).remembered.is_none());
}

trait Label {
    fn pipe_label(self) -> String;
}

impl Label for String {
    fn pipe_label(self) -> String {
        netid_core::useragent::label(&self)
    }
}

#[test]
fn the_token_is_good_for_its_profile_and_its_browser_only() {
    let mut w = World::new();
    w.device = Some(BROWSER.into());
    let (_, secret_a) = enrolled(&mut w, "rb-a@example.com");
    let (_, secret_b) = enrolled(&mut w, "rb-b@example.com");
    second_step_remembering(&mut w, "rb-a@example.com", &secret_a);
    assert_eq!(w.remembered.len(), 1);
    // B on the same browser: A's token is not B's.
    assert!(password_only(&mut w, "rb-b@example.com").is_err());
    // Both remembered on one shared browser: one cookie holds both tokens, each finds its own.
    second_step_remembering(&mut w, "rb-b@example.com", &secret_b);
    assert_eq!(w.remembered.len(), 2);
    assert!(password_only(&mut w, "rb-a@example.com").is_ok());
    assert!(password_only(&mut w, "rb-b@example.com").is_ok());

    // The cookie copied to another browser (another device cookie) is worth nothing there.
    w.device = Some(OTHER_BROWSER.into());
    assert!(password_only(&mut w, "rb-a@example.com").is_err());
    w.device = Some(BROWSER.into());

    // A forged token (its MAC changed) is refused without a read: the same round trips as
    // sending no cookie at all.
    let real = w.remembered.clone();
    w.remembered = real
        .iter()
        .map(|t| {
            let (secret, mac) = t.split_once('.').unwrap();
            let flipped = if mac.starts_with('A') { "B" } else { "A" };
            format!("{secret}.{flipped}{}", &mac[1..])
        })
        .collect();
    let before = w.store.rounds();
    assert!(password_only(&mut w, "rb-a@example.com").is_err());
    let forged = w.store.rounds() - before;
    w.remembered.clear();
    let before = w.store.rounds();
    assert!(password_only(&mut w, "rb-a@example.com").is_err());
    assert_eq!(forged, w.store.rounds() - before, "a forged token costs no read");
    // Garbage in the cookie is dropped when it is read.
    assert!(browsers::parse_cookie("a b~;x~").is_empty());
    assert_eq!(browsers::parse_cookie(&"ab.cd~".repeat(10)).len(), browsers::COOKIE_TOKENS);
    w.remembered = real;
    assert!(password_only(&mut w, "rb-a@example.com").is_ok(), "the real one still works");
}

#[test]
fn revoking_a_browser_asks_the_second_step_there_again() {
    let mut w = World::new();
    w.device = Some(BROWSER.into());
    let (_, secret) = enrolled(&mut w, "rb-revoke@example.com");
    let here = second_step_remembering(&mut w, "rb-revoke@example.com", &secret);
    let here_cookie = w.remembered.clone();
    w.device = Some(OTHER_BROWSER.into());
    w.remembered.clear();
    second_step_remembering(&mut w, "rb-revoke@example.com", &secret);
    let there_cookie = w.remembered.clone();
    w.device = Some(BROWSER.into());
    w.remembered = here_cookie.clone();
    let shown = list(&mut w, &here);
    assert_eq!(shown.len(), 2, "{shown:?}");
    let other = shown.iter().find(|b| !b.current).expect("the other browser").id.clone();

    let s = w.auth(&here.token).unwrap();
    let unknown = w.run(|env| Box::pin(async move { browsers::revoke(env, &s, "brw_not_mine").await }));
    assert_eq!(code_of(unknown), Code::NotFound);
    let s = w.auth(&here.token).unwrap();
    w.run(|env| Box::pin(async move { browsers::revoke(env, &s, &other).await })).unwrap();
    assert_eq!(list(&mut w, &here).len(), 1);
    assert!(password_only(&mut w, "rb-revoke@example.com").is_ok(), "this browser is still remembered");
    w.device = Some(OTHER_BROWSER.into());
    w.remembered = there_cookie;
    assert!(password_only(&mut w, "rb-revoke@example.com").is_err(), "the revoked one asks again");
    // Another person cannot revoke mine.
    let stranger = w.person("rb-stranger@example.com");
    let mine = list(&mut w, &here)[0].id.clone();
    let s = w.auth(&stranger.token).unwrap();
    let theirs = w.run(|env| Box::pin(async move { browsers::revoke(env, &s, &mine).await }));
    assert_eq!(code_of(theirs), Code::NotFound);
    // All at once.
    let s = w.auth(&here.token).unwrap();
    w.run(|env| Box::pin(async move { browsers::revoke_all(env, &s).await })).unwrap();
    w.device = Some(BROWSER.into());
    w.remembered = here_cookie;
    assert!(password_only(&mut w, "rb-revoke@example.com").is_err());
    let log = w.store.data().audit.iter().filter(|a| a.action == "browser.forgotten").count();
    assert_eq!(log, 2, "each revocation is in the security log");
}

#[test]
fn a_new_password_a_reset_or_two_step_off_forgets_every_browser() {
    let mut w = World::new();
    w.device = Some(BROWSER.into());
    let email = "rb-forget@example.com";
    let (_, secret) = enrolled(&mut w, email);

    // A password change (and back: the helpers log in with PW).
    let g = second_step_remembering(&mut w, email, &secret);
    assert_eq!(w.store.data().remembered_browsers, 1);
    let s = w.auth(&g.token).unwrap();
    let new = "quartz-meadow-violin-7";
    w.run(|env| Box::pin(async move { flows::change_password(env, &s, Some(PW), new).await })).unwrap();
    assert_eq!(w.store.data().remembered_browsers, 0, "a new password forgets them");
    let s = w.auth(&g.token).unwrap();
    w.run(|env| Box::pin(async move { flows::change_password(env, &s, Some(new), PW).await })).unwrap();
    assert!(password_only(&mut w, email).is_err(), "the cookie's token is gone with its row");

    // A reset.
    second_step_remembering(&mut w, email, &secret);
    assert_eq!(w.store.data().remembered_browsers, 1);
    w.run(|env| Box::pin(flows::forgot_password(env, email, None))).unwrap();
    let code = w.last_code(email);
    let input = flows::ResetInput { login: email.into(), code, new_password: PW.into(), region: None };
    w.run(|env| Box::pin(flows::reset_password(env, input))).unwrap();
    assert_eq!(w.store.data().remembered_browsers, 0, "a reset forgets them");
    assert!(password_only(&mut w, email).is_err());

    // A login whose password is rehashed is no new password: the browser stays remembered.
    second_step_remembering(&mut w, email, &secret);
    w.config.hash.iterations += 1;
    assert!(password_only(&mut w, email).is_ok());
    let g = password_only(&mut w, email).expect("still remembered after the rehash");

    // Two-step switched off.
    assert_eq!(w.store.data().remembered_browsers, 1);
    let s = w.auth(&g.token).unwrap();
    w.run(|env| Box::pin(async move { two_factor::disable(env, &s, PW).await })).unwrap();
    assert_eq!(w.store.data().remembered_browsers, 0, "two-step off forgets them");
}

#[test]
fn a_workspace_that_refuses_remembered_browsers_asks_every_time() {
    let mut w = World::new();
    w.device = Some(BROWSER.into());
    let email = "rb-policy@example.com";
    let (g, secret) = enrolled(&mut w, email);
    let acc = create(&mut w, &g, Some("Strict"));
    let admin = second_step_remembering(&mut w, email, &secret);
    assert!(admin.remembered.is_some());
    assert!(password_only(&mut w, email).is_ok());

    let set = |w: &mut World, rule: Option<&'static str>, remember: Option<bool>| {
        let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
        w.run(|env| {
            Box::pin(async move {
                let change = PolicyChange { require_two_factor: rule, remember_browsers: remember };
                accounts::set_policy(env, &pid, &id, change).await
            })
        })
    };
    // Refusing remembered browsers without a two-step rule changes nothing for its members.
    let view = set(&mut w, None, Some(false)).unwrap();
    assert!(!view.remember_browsers);
    assert!(password_only(&mut w, email).is_ok());
    // With the rule, the remembered browser no longer stands in, and none is remembered.
    set(&mut w, Some("everyone"), None).unwrap();
    assert!(password_only(&mut w, email).is_err(), "the second step at every sign-in");
    assert!(second_step_remembering(&mut w, email, &secret).remembered.is_none());
    // Allowed again: the row was kept, and it stands in again.
    set(&mut w, None, Some(true)).unwrap();
    assert!(password_only(&mut w, email).is_ok());
    let audits: Vec<_> = w
        .store
        .data()
        .audit
        .iter()
        .filter(|a| a.action == "policy.remember_browsers")
        .map(|a| a.detail.clone())
        .collect();
    assert_eq!(audits, ["allowed -> refused", "refused -> allowed"]);
    let unchanged = set(&mut w, None, None).expect("a PATCH of no field changes nothing");
    assert!(unchanged.remember_browsers);
    assert_eq!(w.store.data().audit.iter().filter(|a| a.action.starts_with("policy.")).count(), 3);
}

#[test]
fn a_revocation_landing_before_the_login_commits_wins() {
    let mut w = World::shared();
    w.device = Some(BROWSER.into());
    let email = "rb-race@example.com";
    let (_, secret) = enrolled(&mut w, email);
    let g = second_step_remembering(&mut w, email, &secret);
    let id = list(&mut w, &g)[0].id.clone();
    let session = w.auth(&g.token).unwrap();
    // The login reads the remembered row, then waits at its commit until the revocation
    // (another Worker, another connection) has committed.
    let sessions_before = w.store.data().sessions.len();
    let (arrived, go) = (Rendezvous::new(2), Rendezvous::new(2));
    w.store.hold_next_commit_until(arrived.clone(), go.clone());
    let mut other = w.twin(9);
    let (login_result, ()) = std::thread::scope(|scope| {
        let left = scope.spawn(|| login(&mut w, email, Factor::default()).map(|_| ()));
        let right = scope.spawn(|| {
            let s = session.clone();
            arrived.wait();
            other.run(|env| Box::pin(async move { browsers::revoke(env, &s, &id).await })).unwrap();
            go.wait();
        });
        (left.join().unwrap(), right.join().unwrap())
    });
    w.store.release();
    // The login had read a live row, so it asked no second step; its commit found the row
    // gone and wrote nothing: no session, and the next login asks the second step.
    assert_eq!(code_of(login_result), Code::Unauthenticated);
    assert_eq!(w.store.data().sessions.len(), sessions_before, "no session was made");
    assert!(password_only(&mut w, email).is_err(), "the second step again");
}
