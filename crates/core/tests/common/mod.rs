//! Shared test world: the SQL store over SQLite with the real migrations, an injected clock,
//! cheap hashing.
#![allow(dead_code)]

use netid_core::config::Config;
use netid_core::flows::accounts;
use netid_core::flows::invitations::{self, AcceptInput, InviteOptions, InviteeInput};
use netid_core::flows::structure;
use netid_core::flows::{self, Env, Grant, LoginInput, SignupInput};
use netid_core::hashing::{Algorithm, HashPolicy};
use netid_core::model::ClientKind;
use netid_core::tokens::SeededEntropy;
use netid_core::{Code, Lang, Result};
use pollster::block_on;

pub mod social;
pub mod sqlite;
pub use sqlite::{Sqlite, SqliteStore};

pub const T0: i64 = 1_795_333_485;
pub const PW: &str = "violet-harbour-lantern";

/// A store, a clock and the rules (with cheap hashing: iterations are a parameter).
pub struct World {
    pub store: SqliteStore,
    pub config: Config,
    pub now: i64,
    pub rng: SeededEntropy,
    pub ip: Option<String>,
    pub lang: Lang,
    /// When the caller's session started (for reauthentication of profiles without a password).
    pub session_started: Option<i64>,
    /// The device cookie's hash and the country the next requests come from.
    pub device: Option<String>,
    pub country: Option<String>,
    /// The remembered-browser cookie's tokens the next requests send.
    pub remembered: Vec<String>,
    /// Whether dropping the world checks `worker/invariants.sql` (off for twins, and for the
    /// few tests that write rows no flow writes).
    pub check_invariants: bool,
}

impl World {
    pub fn new() -> Self {
        let mut config = Config::production();
        config.hash = HashPolicy { algorithm: Algorithm::Sha512, iterations: 1_000 };
        config.two_factor_key = Some([7u8; 32]);
        World {
            store: Sqlite::new(),
            config,
            now: T0,
            rng: SeededEntropy::new(42),
            ip: Some("203.0.113.9".into()),
            lang: Lang::Fr,
            session_started: None,
            device: None,
            country: None,
            remembered: Vec::new(),
            check_invariants: true,
        }
    }

    pub fn run<T>(
        &mut self,
        f: impl for<'a> FnOnce(&'a mut Env<'a, SqliteStore>) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>,
    ) -> T {
        let mut env = Env {
            store: &self.store,
            config: &self.config,
            now: self.now,
            rng: &mut self.rng,
            lang: self.lang,
            ip: self.ip.clone(),
            user_agent: Some("netid-tests/1".into()),
            location: None,
            session_started: self.session_started,
            session_hash: None,
            device: self.device.clone(),
            country: self.country.clone(),
            origin: Some("https://netid.example.com".into()),
            remembered: self.remembered.clone(),
        };
        block_on(f(&mut env))
    }

    /// A world whose database is a file a second connection can open ([`World::twin`]).
    pub fn shared() -> Self {
        let mut w = World::new();
        w.store = Sqlite::shared();
        w
    }

    /// A second Worker on this world's database: its own connection and randomness, the
    /// same clock, rules and client.
    pub fn twin(&self, seed: u64) -> World {
        let path = self.store.path.clone().expect("a shared world (World::shared)");
        World {
            store: Sqlite::open(&path),
            config: self.config.clone(),
            now: self.now,
            rng: SeededEntropy::new(seed),
            ip: self.ip.clone(),
            lang: self.lang,
            session_started: self.session_started,
            device: self.device.clone(),
            country: self.country.clone(),
            remembered: self.remembered.clone(),
            check_invariants: false,
        }
    }

    pub fn advance(&mut self, seconds: i64) {
        self.now += seconds;
    }

    pub fn last_code(&self, to: &str) -> String {
        self.store.outbox_to(to).first().and_then(|m| m.code.clone()).expect("a code was sent")
    }

    pub fn signup(&mut self, email: &str) -> Result<flows::SignupOutcome> {
        let input = SignupInput {
            email: Some(email.into()),
            password: PW.into(),
            first_name: "Marie".into(),
            last_name: "Curie".into(),
            ..Default::default()
        };
        self.run(|env| Box::pin(flows::signup(env, input)))
    }

    pub fn confirm(&mut self, email: &str, code: &str) -> Result<Grant> {
        let input = flows::ConfirmInput { email: Some(email.into()), code: code.into(), ..Default::default() };
        self.run(|env| Box::pin(flows::confirm_signup(env, input)))
    }

    pub fn login(&mut self, login: &str, password: &str, client: ClientKind) -> Result<Grant> {
        let input = LoginInput { login: login.into(), password: password.into(), client, ..Default::default() };
        self.run(|env| Box::pin(flows::login(env, input)))
    }

    pub fn auth(&mut self, token: &str) -> Result<netid_core::model::Session> {
        let token = token.to_string();
        self.run(|env| Box::pin(async move { flows::authenticate(env, &token).await }))
    }

    /// A confirmed profile, logged in.
    pub fn person(&mut self, email: &str) -> Grant {
        self.signup(email).expect("signup");
        let code = self.last_code(email);
        self.confirm(email, &code).expect("confirm")
    }
}

/// Every test's data ends as the end-to-end tests' data does: within `worker/invariants.sql`.
impl Drop for World {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.check_invariants {
            let broken = self.store.broken_invariants();
            assert!(broken.is_empty(), "the data breaks invariants: {broken:#?}");
        }
    }
}

/// Runs `a` in `w` and `b` in a twin of it at once, on two threads and two connections, each
/// holding its next commit until the other is about to commit too: both read before either
/// writes, and only the SQL of the commits can decide between them.
pub fn race<RA: Send, RB: Send>(
    w: &mut World,
    a: impl FnOnce(&mut World) -> RA + Send,
    b: impl FnOnce(&mut World) -> RB + Send,
) -> (RA, RB) {
    let mut other = w.twin(7);
    let meet = sqlite::Rendezvous::new(2);
    w.store.hold_next_commit(meet.clone());
    other.store.hold_next_commit(meet);
    let out = std::thread::scope(|scope| {
        let left = scope.spawn(|| a(&mut *w));
        let right = scope.spawn(|| b(&mut other));
        (left.join().expect("the first racer"), right.join().expect("the second racer"))
    });
    w.store.release();
    out
}

pub fn code_of<T: std::fmt::Debug>(r: Result<T>) -> Code {
    r.expect_err("expected an error").code
}

// Accounts and invitations.

pub const LINK: &str = "http://127.0.0.1:8787";
pub const DAY: i64 = 86_400;

pub fn create(w: &mut World, who: &Grant, name: Option<&str>) -> netid_core::model::AccountView {
    let pid = who.profile.id.clone();
    let name = name.map(str::to_string);
    w.run(|env| Box::pin(async move { accounts::create_account(env, &pid, name.as_deref()).await })).unwrap()
}

pub fn invite(
    w: &mut World,
    admin: &Grant,
    account: &str,
    emails: &[&str],
    opts: InviteOptions,
) -> Vec<invitations::InviteResult> {
    let pid = admin.profile.id.clone();
    let account = account.to_string();
    let list: Vec<InviteeInput> =
        emails.iter().map(|e| InviteeInput { email: Some(e.to_string()), ..Default::default() }).collect();
    w.run(|env| Box::pin(async move { invitations::invite(env, &pid, &account, list, opts, LINK).await })).unwrap()
}

pub fn token_for(w: &World, to: &str) -> String {
    w.store.outbox_to(to).iter().find(|m| m.kind == "invitation").and_then(|m| m.token.clone()).expect("an invitation")
}

pub fn accept_to(w: &mut World, to: &str, first: &str) -> netid_core::Result<invitations::Accepted> {
    let token = token_for(w, to);
    accept_new(w, &token, first)
}

pub fn accept_new(w: &mut World, token: &str, first: &str) -> netid_core::Result<invitations::Accepted> {
    let token = token.to_string();
    let input = AcceptInput {
        password: Some("violet-harbour-lantern".into()),
        first_name: Some(first.into()),
        last_name: Some("Guest".into()),
    };
    w.run(|env| Box::pin(async move { invitations::accept_invitation(env, &token, None, input).await }))
}

pub fn group(w: &mut World, admin: &Grant, account: &str, name: &str, extranet: bool) -> String {
    let pid = admin.profile.id.clone();
    let (account, name) = (account.to_string(), name.to_string());
    w.run(|env| Box::pin(async move { structure::create_group(env, &pid, &account, &name, extranet).await }))
        .unwrap()
        .id
}

/// A person on the operator list with two-step on, signed in with a code, as the operator API
/// sees them (`operators::authorize` on that session).
pub fn operator(w: &mut World, email: &str) -> netid_core::flows::operators::Operator {
    use netid_core::flows::two_factor::{self, Factor};
    use netid_core::totp;
    if !w.config.operators.iter().any(|o| o == email) {
        w.config.operators.push(email.to_string());
    }
    let g = w.person(email);
    let pid = g.profile.id.clone();
    let setup = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).expect("setup");
    let secret = totp::from_base32(&setup.secret).expect("base32");
    let (pid, c) = (g.profile.id.clone(), totp::code_at(&secret, w.now as u64, 6).expect("code"));
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).expect("enable");
    w.advance(30);
    let factor = Factor { otp: totp::code_at(&secret, w.now as u64, 6), recovery_code: None, remember: false };
    let input = LoginInput {
        login: email.into(),
        password: PW.into(),
        client: ClientKind::Browser,
        factor,
        ..Default::default()
    };
    let grant = w.run(|env| Box::pin(flows::login(env, input))).expect("a login with the code");
    let session = w.auth(&grant.token).expect("the session");
    w.run(|env| Box::pin(async move { netid_core::flows::operators::authorize(env, &session).await }))
        .expect("an operator")
}
