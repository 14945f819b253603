//! The new-place notice: a sign-in from a device (its device cookie) or a country new to a
//! profile that signed in before tells the owner, with the time, place and device; the first
//! session of a signup records silently, a refresh records nothing, and a profile keeps its
//! 20 most recently seen devices.

mod common;

use common::*;
use netid_core::flows::{self, two_factor};
use netid_core::model::ClientKind;
use netid_core::sql::Value;
use netid_core::totp;

const EMAIL: &str = "places@example.com";

fn at(w: &mut World, device: Option<&str>, country: Option<&str>) {
    w.device = device.map(str::to_string);
    w.country = country.map(str::to_string);
}

fn notices(w: &World) -> Vec<netid_core::model::OutboxMessage> {
    w.store.outbox_to(EMAIL).into_iter().filter(|m| m.kind == "new_sign_in").collect()
}

fn login(w: &mut World, client: ClientKind) -> flows::Grant {
    w.advance(60);
    w.login(EMAIL, PW, client).expect("login")
}

#[derive(serde::Deserialize)]
struct N {
    n: i64,
}

fn devices(w: &World) -> i64 {
    w.store.query::<N>("SELECT COUNT(*) AS n FROM sign_in_places WHERE kind = 'device'", &[])[0].n
}

#[test]
fn a_new_device_or_country_is_told_a_known_one_is_not() {
    let mut w = World::new();
    at(&mut w, Some("device-1"), Some("PL"));
    w.person(EMAIL);
    assert!(notices(&w).is_empty(), "the signup's first session records silently");

    login(&mut w, ClientKind::Browser);
    assert!(notices(&w).is_empty(), "the same device and country");

    at(&mut w, Some("device-2"), Some("PL"));
    login(&mut w, ClientKind::Browser);
    let n = notices(&w);
    assert_eq!(n.len(), 1, "a new device");
    assert!(n[0].body.contains("UTC") && n[0].body.contains("https://netid.example.com/#/security"), "{}", n[0].body);
    assert_eq!(n[0].link.as_deref(), Some("https://netid.example.com/#/security"));

    login(&mut w, ClientKind::Browser);
    assert_eq!(notices(&w).len(), 1, "that device is known now");

    at(&mut w, Some("device-2"), Some("DE"));
    login(&mut w, ClientKind::Browser);
    assert_eq!(notices(&w).len(), 2, "a new country");

    // A client that sends no device cookie, from a known country: nothing to tell.
    at(&mut w, None, Some("DE"));
    login(&mut w, ClientKind::Browser);
    assert_eq!(notices(&w).len(), 2);
}

#[test]
fn a_refresh_records_nothing_and_twenty_devices_are_kept() {
    let mut w = World::new();
    at(&mut w, Some("device-0"), Some("PL"));
    w.person(EMAIL);
    for n in 1..=24 {
        at(&mut w, Some(&format!("device-{n}")), Some("PL"));
        login(&mut w, ClientKind::Browser);
    }
    assert_eq!(notices(&w).len(), 24, "every new device is told");
    assert_eq!(devices(&w), 20, "the 20 most recently seen are kept");
    // A desktop login, then its refresh from yet another device: the refresh is the same
    // login going on.
    at(&mut w, Some("device-desk"), Some("PL"));
    let desk = login(&mut w, ClientKind::Desktop);
    let told = notices(&w).len();
    at(&mut w, Some("device-elsewhere"), Some("FR"));
    let rt = desk.refresh_token.expect("a refresh token");
    w.run(|env| Box::pin(async move { flows::refresh(env, &rt).await })).expect("refresh");
    assert_eq!(notices(&w).len(), told, "a refresh is not a sign-in");
    let fr = w.store.query::<N>(
        "SELECT COUNT(*) AS n FROM sign_in_places WHERE kind = 'country' AND value = ?1",
        &[Value::Text("FR".into())],
    );
    assert_eq!(fr[0].n, 0);
}

#[test]
fn with_two_step_the_notice_comes_with_the_session_not_the_password() {
    let mut w = World::new();
    at(&mut w, Some("device-1"), Some("PL"));
    let g = w.person(EMAIL);
    let pid = g.profile.id.clone();
    let setup = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    let secret = totp::from_base32(&setup.secret).unwrap();
    let (pid, c) = (g.profile.id.clone(), totp::code_at(&secret, w.now as u64, 6).unwrap());
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();

    at(&mut w, Some("device-2"), Some("PL"));
    w.advance(60);
    let first = w.login(EMAIL, PW, ClientKind::Browser);
    assert!(first.is_err(), "the second step is asked for");
    assert!(notices(&w).is_empty(), "a right password alone is no sign-in");
    let factor =
        two_factor::Factor { otp: totp::code_at(&secret, w.now as u64, 6), recovery_code: None, remember: false };
    let input = flows::LoginInput { login: EMAIL.into(), password: PW.into(), factor, ..Default::default() };
    w.run(|env| Box::pin(flows::login(env, input))).expect("a login with the code");
    assert_eq!(notices(&w).len(), 1);
}
