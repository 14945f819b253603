//! Passkeys over the SQL store (SQLite, the real migrations), with a software authenticator
//! that signs with the `p256` and `ed25519-dalek` crates and a verifier built on them (the
//! Worker verifies with WebCrypto; tests/e2e/passkeys.test.js checks it against Node's
//! crypto and @simplewebauthn/server). What a registration proves, what a login refuses,
//! the counter, the last way in, and a claim's end.

mod common;

use common::social::*;
use common::*;
use coset::cbor::value::Value as Cbor;
use coset::{iana, CborSerializable, CoseKeyBuilder};
use netid_core::flows::passkeys::{self, PasskeyLogin};
use netid_core::flows::two_factor::{self, Factor, PasskeyStep};
use netid_core::flows::Grant;
use netid_core::model::{ClientKind, Session, SocialMode};
use netid_core::social::Provider;
use netid_core::totp;
use netid_core::webauthn::{b64url, p256_raw_signature, unb64url, CredentialKey, RelyingParty, Verifier};
use netid_core::Code;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ORIGIN: &str = "http://localhost:8787";

fn rp() -> RelyingParty {
    RelyingParty::for_origin(ORIGIN, "netid").unwrap()
}

/// Verifies with the RustCrypto crates, ES256 through core's DER conversion.
struct Soft;

impl Verifier for Soft {
    async fn verify(&self, key: &CredentialKey, message: &[u8], signature: &[u8]) -> netid_core::Result<bool> {
        use ed25519_dalek::Verifier as _;
        Ok(match key {
            CredentialKey::P256 { x, y } => {
                let mut sec1 = vec![4u8];
                sec1.extend(x);
                sec1.extend(y);
                let (Ok(vk), Some(raw)) =
                    (p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1), p256_raw_signature(signature))
                else {
                    return Ok(false);
                };
                p256::ecdsa::Signature::from_slice(&raw).is_ok_and(|s| vk.verify(message, &s).is_ok())
            }
            CredentialKey::Ed25519 { x } => {
                let (Ok(x), Ok(sig)) = (<[u8; 32]>::try_from(x.as_slice()), <[u8; 64]>::try_from(signature)) else {
                    return Ok(false);
                };
                ed25519_dalek::VerifyingKey::from_bytes(&x)
                    .is_ok_and(|vk| vk.verify(message, &ed25519_dalek::Signature::from_bytes(&sig)).is_ok())
            }
            CredentialKey::Rsa { .. } => false,
        })
    }
}

enum Key {
    P256(p256::ecdsa::SigningKey),
    Ed(ed25519_dalek::SigningKey),
}

/// A software authenticator holding one credential.
struct Authenticator {
    key: Key,
    id: Vec<u8>,
    user_handle: Option<String>,
    count: u32,
    /// Flags it sets on registration and on assertions (UP, UV, BE, BS).
    flags: u8,
    origin: String,
    rp_id: String,
    fmt: &'static str,
}

impl Authenticator {
    fn new(seed: u8) -> Self {
        Authenticator {
            key: Key::P256(p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap()),
            id: vec![seed; 20],
            user_handle: None,
            count: 0,
            flags: 0x01 | 0x04 | 0x08 | 0x10,
            origin: ORIGIN.into(),
            rp_id: "localhost".into(),
            fmt: "none",
        }
    }

    fn ed25519(seed: u8) -> Self {
        Authenticator { key: Key::Ed(ed25519_dalek::SigningKey::from_bytes(&[seed; 32])), ..Authenticator::new(seed) }
    }

    /// A device-bound authenticator that counts its signatures.
    fn counting(seed: u8) -> Self {
        Authenticator { count: 5, flags: 0x01 | 0x04, ..Authenticator::new(seed) }
    }

    fn cose(&self) -> Vec<u8> {
        match &self.key {
            Key::P256(k) => {
                let point = k.verifying_key().to_encoded_point(false);
                CoseKeyBuilder::new_ec2_pub_key(
                    iana::EllipticCurve::P_256,
                    point.x().unwrap().to_vec(),
                    point.y().unwrap().to_vec(),
                )
                .algorithm(iana::Algorithm::ES256)
                .build()
                .to_vec()
                .unwrap()
            }
            Key::Ed(k) => CoseKeyBuilder::new_okp_key()
                .param(iana::OkpKeyParameter::Crv as i64, Cbor::from(iana::EllipticCurve::Ed25519 as i64))
                .param(iana::OkpKeyParameter::X as i64, Cbor::Bytes(k.verifying_key().to_bytes().to_vec()))
                .algorithm(iana::Algorithm::EdDSA)
                .build()
                .to_vec()
                .unwrap(),
        }
    }

    fn client_data(&self, kind: &str, options: &Value) -> Vec<u8> {
        let challenge = options["publicKey"]["challenge"].as_str().unwrap();
        serde_json::to_vec(&json!({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false}))
            .unwrap()
    }

    fn auth_data(&self, flags: u8, attested: bool) -> Vec<u8> {
        let mut d = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        d.push(flags | if attested { 0x40 } else { 0 });
        d.extend(self.count.to_be_bytes());
        if attested {
            d.extend([0u8; 16]);
            d.extend((self.id.len() as u16).to_be_bytes());
            d.extend(&self.id);
            d.extend(self.cose());
        }
        d
    }

    /// `navigator.credentials.create()`, as the browser's JSON.
    fn create(&mut self, options: &Value) -> Value {
        self.user_handle = options["publicKey"]["user"]["id"].as_str().map(str::to_string);
        let auth = self.auth_data(self.flags, true);
        let mut obj = Vec::new();
        let map = Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text(self.fmt.into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(vec![])),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth)),
        ]);
        coset::cbor::ser::into_writer(&map, &mut obj).unwrap();
        let id = b64url(&self.id);
        json!({"id": id, "rawId": id, "type": "public-key", "response": {
            "clientDataJSON": b64url(&self.client_data("webauthn.create", options)),
            "attestationObject": b64url(&obj),
            "transports": ["internal", "carrier-pigeon"],
        }})
    }

    /// `navigator.credentials.get()`, as the browser's JSON; the counter moves on first.
    fn get(&mut self, options: &Value) -> Value {
        if self.count > 0 {
            self.count += 1;
        }
        self.assert_with(options, self.flags)
    }

    fn assert_with(&self, options: &Value, flags: u8) -> Value {
        let cd = self.client_data("webauthn.get", options);
        let auth = self.auth_data(flags, false);
        let mut signed = auth.clone();
        signed.extend(Sha256::digest(&cd));
        let signature = match &self.key {
            Key::P256(k) => {
                use p256::ecdsa::signature::Signer as _;
                let s: p256::ecdsa::Signature = k.sign(&signed);
                s.to_der().as_bytes().to_vec()
            }
            Key::Ed(k) => {
                use ed25519_dalek::Signer as _;
                k.sign(&signed).to_bytes().to_vec()
            }
        };
        let id = b64url(&self.id);
        json!({"id": id, "rawId": id, "type": "public-key", "response": {
            "clientDataJSON": b64url(&cd),
            "authenticatorData": b64url(&auth),
            "signature": b64url(&signature),
            "userHandle": self.user_handle,
        }})
    }
}

fn options(w: &mut World, s: &Session, password: &str) -> netid_core::Result<Value> {
    let (s, password) = (s.clone(), password.to_string());
    w.run(|env| Box::pin(async move { passkeys::registration_options(env, &s, &password, &rp()).await }))
}

fn register(w: &mut World, s: &Session, credential: Value) -> netid_core::Result<passkeys::PasskeyView> {
    let s = s.clone();
    w.run(|env| Box::pin(async move { passkeys::register(env, &s, &rp(), None, &credential).await }))
}

/// A logged-in person with `a` registered.
fn with_passkey(w: &mut World, email: &str, a: &mut Authenticator) -> Grant {
    let g = w.person(email);
    let o = options(w, &g.session, PW).unwrap();
    register(w, &g.session, a.create(&o)).unwrap();
    g
}

fn login_options(w: &mut World) -> Value {
    w.run(|env| Box::pin(async move { passkeys::login_options(env, &rp()).await })).unwrap()
}

fn login(w: &mut World, credential: Value) -> netid_core::Result<Grant> {
    w.run(|env| Box::pin(async move { passkeys::login(env, &rp(), &Soft, &credential, PasskeyLogin::default()).await }))
}

fn passkey_login(w: &mut World, a: &mut Authenticator) -> netid_core::Result<Grant> {
    let o = login_options(w);
    let c = a.get(&o);
    login(w, c)
}

#[test]
fn a_registered_passkey_logs_in_and_satisfies_two_step() {
    let mut w = World::new();
    let mut a = Authenticator::new(1);
    let g = w.person("pk-login@example.com");
    // The creation options: a discoverable credential, user verification, no attestation,
    // a 64-byte user handle that is neither the email nor the profile id.
    assert_eq!(code_of(options(&mut w, &g.session, "wrong-password-1")), Code::InvalidCredentials);
    let o = options(&mut w, &g.session, PW).unwrap();
    let pk = &o["publicKey"];
    assert_eq!(pk["rp"], json!({"id": "localhost", "name": "netid"}));
    assert_eq!(pk["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(pk["authenticatorSelection"]["userVerification"], "required");
    assert_eq!(pk["attestation"], "none");
    let handle = unb64url(pk["user"]["id"].as_str().unwrap()).unwrap();
    assert_eq!(handle.len(), 64);
    assert!(
        !String::from_utf8_lossy(&handle).contains("pk-login")
            && !pk["user"]["id"].as_str().unwrap().contains(&g.profile.id)
    );
    assert_eq!(
        pk["pubKeyCredParams"],
        json!([{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -8}, {"type": "public-key", "alg": -257}])
    );
    let view = register(&mut w, &g.session, a.create(&o)).unwrap();
    assert_eq!((view.name.as_str(), view.backed_up, view.backup_eligible), ("Passkey", true, true));
    assert_eq!(w.store.outbox_to("pk-login@example.com")[0].kind, "passkey_added", "the owner is told");
    // Only the transports WebAuthn names are kept.
    let stored = w.store.query::<Value>("SELECT transports FROM passkeys", &[]);
    assert_eq!(stored[0]["transports"], "internal");

    // With two-step on, the passkey alone still makes the session: it is two factors.
    let pid = g.profile.id.clone();
    let setup = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    let c = totp::code_at(&totp::from_base32(&setup.secret).unwrap(), w.now as u64, 6).unwrap();
    let pid = g.profile.id.clone();
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();
    let s = passkey_login(&mut w, &mut a).unwrap();
    assert_eq!(s.profile.id, g.profile.id);
    assert_eq!(s.session.amr, "hwk user");
    let listed = w.run(|env| Box::pin(async move { passkeys::list(env, &pid_of(&s)).await })).unwrap();
    assert_eq!(listed[0].last_used_at, Some(w.now));
}

fn pid_of(g: &Grant) -> String {
    g.profile.id.clone()
}

#[test]
fn an_ed25519_passkey_works_too() {
    let mut w = World::new();
    let mut a = Authenticator::ed25519(2);
    let g = with_passkey(&mut w, "pk-ed@example.com", &mut a);
    assert_eq!(passkey_login(&mut w, &mut a).unwrap().profile.id, g.profile.id);
}

#[test]
fn a_login_refuses_what_does_not_check_out() {
    let mut w = World::new();
    let mut a = Authenticator::new(3);
    with_passkey(&mut w, "pk-refuse@example.com", &mut a);
    let refused = |w: &mut World, c: Value| code_of(login(w, c));

    // A replayed challenge: the first use spends it.
    let o = login_options(&mut w);
    let c = a.get(&o);
    login(&mut w, c.clone()).unwrap();
    assert_eq!(refused(&mut w, c), Code::InvalidCredentials);
    // Another origin, another RP ID, no user verification, no user presence.
    for (origin, rp_id, flags) in [
        ("http://localhost:8788", "localhost", 0x1d),
        ("https://evil.example", "localhost", 0x1d),
        (ORIGIN, "evil.example", 0x1d),
        (ORIGIN, "localhost", 0x01 | 0x08 | 0x10),
        (ORIGIN, "localhost", 0x04 | 0x08 | 0x10),
    ] {
        let mut b = Authenticator { origin: origin.into(), rp_id: rp_id.into(), ..Authenticator::new(3) };
        b.user_handle = a.user_handle.clone();
        let o = login_options(&mut w);
        let c = b.assert_with(&o, flags);
        assert_eq!(refused(&mut w, c), Code::InvalidCredentials, "{origin} {rp_id} {flags:#x}");
    }
    // A forged signature: the same credential id, another key.
    let mut forger = Authenticator::new(4);
    forger.id = a.id.clone();
    forger.user_handle = a.user_handle.clone();
    let o = login_options(&mut w);
    let c = forger.get(&o);
    assert_eq!(refused(&mut w, c), Code::InvalidCredentials);
    // A user handle that is not the credential's.
    let mut other = Authenticator::new(3);
    other.user_handle = Some(b64url(&[9u8; 64]));
    let o = login_options(&mut w);
    let c = other.get(&o);
    assert_eq!(refused(&mut w, c), Code::InvalidCredentials);
    // A registration's challenge is no login's; an expired challenge is none.
    let o = login_options(&mut w);
    w.advance(301);
    let c = a.get(&o);
    assert_eq!(refused(&mut w, c), Code::InvalidCredentials);
    // An unknown credential.
    let mut stranger = Authenticator::new(5);
    let o = login_options(&mut w);
    let c = stranger.get(&o);
    assert_eq!(refused(&mut w, c), Code::InvalidCredentials);
    // Not a credential at all.
    assert_eq!(refused(&mut w, json!({"id": 1})), Code::InvalidCredentials);
}

#[test]
fn a_counter_that_goes_back_is_refused_logged_and_told() {
    let mut w = World::new();
    let mut a = Authenticator::counting(6);
    let g = with_passkey(&mut w, "pk-count@example.com", &mut a);
    passkey_login(&mut w, &mut a).unwrap();
    // A clone answers with the counter it was copied at.
    let mut clone = Authenticator::counting(6);
    clone.user_handle = a.user_handle.clone();
    clone.count = a.count - 1;
    assert_eq!(code_of(passkey_login(&mut w, &mut clone)), Code::InvalidCredentials);
    let kinds: Vec<String> = w.store.outbox_to("pk-count@example.com").into_iter().map(|m| m.kind).collect();
    assert_eq!(kinds[0], "passkey_cloned", "{kinds:?}");
    let logged = w.store.query::<Value>(
        "SELECT action FROM audit_log WHERE actor = ?1 AND action = 'passkey.sign_count_regression'",
        &[netid_core::sql::Value::Text(g.profile.id.clone())],
    );
    assert_eq!(logged.len(), 1);
    // The real one goes on counting.
    passkey_login(&mut w, &mut a).unwrap();
}

#[test]
fn a_registration_refuses_what_does_not_check_out() {
    let mut w = World::new();
    let g = w.person("pk-reg@example.com");
    let other = w.person("pk-reg-other@example.com");
    let reg = |w: &mut World, s: &Session, a: &mut Authenticator| {
        let o = options(w, s, PW).unwrap();
        let c = a.create(&o);
        register(w, s, c)
    };
    // An attestation format netid did not ask for, another origin, no user verification.
    let mut packed = Authenticator { fmt: "packed", ..Authenticator::new(10) };
    assert_eq!(code_of(reg(&mut w, &g.session, &mut packed)), Code::InvalidPasskey);
    let mut elsewhere = Authenticator { origin: "https://evil.example".into(), ..Authenticator::new(10) };
    assert_eq!(code_of(reg(&mut w, &g.session, &mut elsewhere)), Code::InvalidPasskey);
    let mut unverified = Authenticator { flags: 0x01, ..Authenticator::new(10) };
    assert_eq!(code_of(reg(&mut w, &g.session, &mut unverified)), Code::InvalidPasskey);
    // Another profile's challenge.
    let o = options(&mut w, &other.session, PW).unwrap();
    let c = Authenticator::new(10).create(&o);
    assert_eq!(code_of(register(&mut w, &g.session, c)), Code::InvalidPasskey);
    // A challenge answers once.
    let o = options(&mut w, &g.session, PW).unwrap();
    let c = Authenticator::new(10).create(&o);
    register(&mut w, &g.session, c.clone()).unwrap();
    assert_eq!(code_of(register(&mut w, &g.session, c)), Code::InvalidPasskey);
    // One credential id once across netid.
    assert_eq!(code_of(reg(&mut w, &other.session, &mut Authenticator::new(10))), Code::InvalidPasskey);
    // Ten at most.
    for seed in 11..20 {
        reg(&mut w, &g.session, &mut Authenticator::new(seed)).unwrap();
    }
    assert_eq!(code_of(options(&mut w, &g.session, PW)), Code::PasskeyLimitReached);
}

#[test]
fn a_passkey_is_a_second_step_after_the_password() {
    let mut w = World::new();
    let mut a = Authenticator::new(20);
    let g = with_passkey(&mut w, "pk-second@example.com", &mut a);
    let pid = g.profile.id.clone();
    let setup = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    let c = totp::code_at(&totp::from_base32(&setup.secret).unwrap(), w.now as u64, 6).unwrap();
    let pid = g.profile.id.clone();
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();
    let e = w.login("pk-second@example.com", PW, ClientKind::Browser).unwrap_err();
    let t = e.challenge.unwrap().ticket;
    let second = |w: &mut World, t: &str, c: Value| {
        let t = t.to_string();
        w.run(|env| {
            Box::pin(async move {
                let step = PasskeyStep { rp: &rp(), verifier: &Soft, credential: &c };
                two_factor::second_step_with(env, &t, Factor::default(), Some(step)).await
            })
        })
    };
    let options = |w: &mut World, t: &str| {
        let t = t.to_string();
        w.run(|env| Box::pin(async move { passkeys::second_options(env, &rp(), &t).await }))
    };
    let o = options(&mut w, &t).unwrap();
    assert_eq!(o["publicKey"]["userVerification"], "preferred");
    assert_eq!(o["publicKey"]["allowCredentials"][0]["id"], b64url(&a.id));
    // A login challenge is not this ticket's; a presence-only assertion is enough here.
    let lo = login_options(&mut w);
    let c = a.get(&lo);
    assert_eq!(code_of(second(&mut w, &t, c)), Code::InvalidCredentials);
    let o = options(&mut w, &t).unwrap();
    let c = a.assert_with(&o, 0x01 | 0x08 | 0x10);
    let s = second(&mut w, &t, c).unwrap();
    assert_eq!(s.session.amr, "pwd hwk");
    // Another profile's passkey is not this profile's second step.
    let mut b = Authenticator::new(21);
    with_passkey(&mut w, "pk-second-other@example.com", &mut b);
    let t = w.login("pk-second@example.com", PW, ClientKind::Browser).unwrap_err().challenge.unwrap().ticket;
    let o = options(&mut w, &t).unwrap();
    let c = b.get(&o);
    assert_eq!(code_of(second(&mut w, &t, c)), Code::InvalidCredentials);
}

#[test]
fn the_last_way_in_stays_and_renames_are_checked() {
    let mut w = World::new();
    let g = session_of(
        sign_in(
            &mut w,
            Provider::Google,
            SocialMode::Signup,
            None,
            identity("g-pk", Some("pk-solo@example.com"), true),
        )
        .unwrap(),
    );
    // A profile without a password registers with a young session.
    w.session_started = Some(g.session.created_at);
    let mut a = Authenticator::new(30);
    let o = options(&mut w, &g.session, "").unwrap();
    let view = register(&mut w, &g.session, a.create(&o)).unwrap();
    let s = g.session.clone();
    // With the passkey, the social identity can go; then the passkey is the last way in.
    w.run(|env| Box::pin(async move { netid_core::flows::social::disconnect(env, &s, "google", "g-pk").await }))
        .unwrap();
    let (pid, id) = (g.profile.id.clone(), view.id.clone());
    let delete = |w: &mut World| {
        let (pid, id) = (pid.clone(), id.clone());
        w.run(|env| Box::pin(async move { passkeys::delete(env, &pid, &id).await }))
    };
    assert_eq!(code_of(delete(&mut w)), Code::LastLoginMethod);
    assert_eq!(passkey_login(&mut w, &mut a).unwrap().profile.id, g.profile.id, "it still logs in");
    let (p2, i2) = (g.profile.id.clone(), view.id.clone());
    let renamed =
        w.run(|env| Box::pin(async move { passkeys::rename(env, &p2, &i2, "  Work laptop ").await })).unwrap();
    assert_eq!(renamed.name, "Work laptop");
    let (p2, i2) = (g.profile.id.clone(), view.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { passkeys::rename(env, &p2, &i2, "   ").await }))),
        Code::InvalidText
    );
    let p2 = g.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { passkeys::rename(env, &p2, "pk_nope", "x").await }))),
        Code::NotFound
    );
}

#[test]
fn a_claims_end_takes_its_passkeys() {
    let mut w = World::new();
    // An unverified social sign-up claims an address and adds a passkey.
    let g = session_of(
        sign_in(
            &mut w,
            Provider::Twitter,
            SocialMode::Signup,
            None,
            identity("t-pk", Some("pk-owner@example.com"), false),
        )
        .unwrap(),
    );
    w.session_started = Some(g.session.created_at);
    let mut a = Authenticator::new(40);
    let o = options(&mut w, &g.session, "").unwrap();
    register(&mut w, &g.session, a.create(&o)).unwrap();
    w.session_started = None;
    // The address's owner proves it: the claim ends, with its passkey.
    w.person("pk-owner@example.com");
    assert_eq!(code_of(passkey_login(&mut w, &mut a)), Code::InvalidCredentials);
    assert!(w.store.query::<Value>("SELECT id FROM passkeys", &[]).is_empty());
}

#[test]
fn login_challenges_are_counted_per_network() {
    let mut w = World::new();
    for _ in 0..w.config.ceremony_throttle.max_failures {
        login_options(&mut w);
    }
    let refused = w.run(|env| Box::pin(async move { passkeys::login_options(env, &rp()).await }));
    assert_eq!(code_of(refused), Code::TooManyAttempts);
    // Another network is not held back.
    w.ip = Some("198.51.100.7".into());
    login_options(&mut w);
}
