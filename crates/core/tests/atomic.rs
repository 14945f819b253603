//! The atomic Store operations (increments, compare-and-set guards, update-only touches)
//! against the SQL store on SQLite with the real migrations: the very statements D1 runs,
//! which the end-to-end tests also attack with concurrent requests.

mod common;

use common::*;
use netid_core::config::ThrottlePolicy;
use netid_core::flows;
use netid_core::model::{ClientKind, Purpose, Throttle};
use netid_core::store::{Change, Guard, Store};
use netid_core::Code;
use pollster::block_on;

const P: ThrottlePolicy = ThrottlePolicy { max_failures: 3, window_seconds: 600, block_seconds: 900 };
const WIDE: ThrottlePolicy = ThrottlePolicy { max_failures: 10, window_seconds: 600, block_seconds: 900 };

fn hit(store: &SqliteStore, keys: &[(&str, ThrottlePolicy)], now: i64) -> Vec<Option<Throttle>> {
    let keys: Vec<(String, ThrottlePolicy)> = keys.iter().map(|(k, p)| (k.to_string(), *p)).collect();
    block_on(store.hit(&keys, now)).unwrap()
}

fn count(store: &SqliteStore, key: &str) -> u32 {
    store.data().throttles.get(key).map_or(0, |t| t.failures)
}

#[test]
fn a_hit_counts_before_the_attempt_and_blocks_at_the_limit() {
    let s = Sqlite::new();
    let allowed: Vec<bool> = (0..5).map(|_| hit(&s, &[("k", P)], T0)[0].clone().unwrap().allows(P)).collect();
    assert_eq!(allowed, [true, true, true, false, false], "attempts 1..=3 go ahead, the rest are refused");
    let t = s.data().throttles["k"].clone();
    assert_eq!(t.blocked_until, T0 + 900);
    // Still blocked after the window, free again after the block, counting from 1.
    assert!(!hit(&s, &[("k", P)], T0 + 700)[0].clone().unwrap().allows(P));
    let after = hit(&s, &[("k", P)], T0 + 900)[0].clone().unwrap();
    assert_eq!((after.failures, after.blocked_until), (1, 0));
    // A window that passed without a block starts again too.
    let s = Sqlite::new();
    hit(&s, &[("w", P)], T0);
    hit(&s, &[("w", P)], T0 + 1);
    assert_eq!(hit(&s, &[("w", P)], T0 + 600)[0].clone().unwrap().failures, 1);
}

#[test]
fn wider_keys_count_only_attempts_the_first_key_allows() {
    let s = Sqlite::new();
    for _ in 0..8 {
        hit(&s, &[("login", P), ("ip", WIDE)], T0);
    }
    assert_eq!(count(&s, "login"), P.max_failures + 1, "held over the limit while blocked");
    assert_eq!(count(&s, "ip"), 3, "only the three allowed attempts reached the network's budget");
    assert!(hit(&s, &[("login", P), ("ip", WIDE)], T0)[1].is_none());
}

#[test]
fn a_refund_gives_one_attempt_back_and_never_goes_below_zero() {
    let s = Sqlite::new();
    hit(&s, &[("k", P)], T0);
    hit(&s, &[("k", P)], T0);
    block_on(s.commit(vec![Change::Refund("k".into()), Change::Refund("k".into()), Change::Refund("k".into())]))
        .unwrap();
    assert_eq!(count(&s, "k"), 0);
    block_on(s.commit(vec![Change::Refund("absent".into())])).unwrap();
    assert!(!s.data().throttles.contains_key("absent"), "a refund never creates a counter");
}

#[test]
fn a_failed_guard_writes_nothing_of_its_commit() {
    let mut w = World::new();
    let admin = w.person("guard-admin@example.com");
    let acc = create(&mut w, &admin, Some("Guarded"));
    let card = w.store.data().cards_of(&admin.profile.id)[0].id.clone();
    let before = w.store.data();
    let r = block_on(w.store.commit(vec![
        Change::Guard(Guard::OtherActiveAdmin { account_id: acc.id.clone(), membership_id: card }),
        Change::SetPlan { account_id: acc.id.clone(), plan: netid_core::model::Plan::Enterprise },
    ]));
    assert_eq!(r.map_err(|e| e.code), Err(Code::LastAdmin));
    let after = w.store.data();
    assert_eq!(after.accounts, before.accounts, "the plan did not change");
    assert_eq!(after.audit.len(), before.audit.len());
}

#[test]
fn each_guard_decides_in_the_commit() {
    let mut w = World::new();
    let admin = w.person("guards@example.com");
    let acc = create(&mut w, &admin, Some("Guards"));
    let commit = |w: &World, g: Guard| block_on(w.store.commit(vec![Change::Guard(g)])).map_err(|e| e.code);
    // Renames: one left, spent in the statement.
    let rename = |w: &World, name: &str| {
        block_on(w.store.commit(vec![
            Change::Guard(Guard::RenamesLeft { account_id: acc.id.clone() }),
            Change::RenameAccount { account_id: acc.id.clone(), name: name.into(), address: name.to_lowercase() },
        ]))
        .map_err(|e| e.code)
    };
    assert_eq!(rename(&w, "First"), Ok(()));
    assert_eq!(rename(&w, "Second"), Err(Code::RenameLimitReached));
    assert_eq!(w.store.data().accounts[&acc.id].name, "First");
    // Plans and grants.
    assert_eq!(commit(&w, Guard::PaidPlan { account_id: acc.id.clone() }), Err(Code::PlanRequired));
    // The account limit counts existing accounts when the commit runs.
    assert_eq!(
        commit(&w, Guard::AccountsCreatedBelow { profile_id: admin.profile.id.clone(), max: 1 }),
        Err(Code::AccountLimitReached)
    );
    assert_eq!(commit(&w, Guard::AccountsCreatedBelow { profile_id: admin.profile.id.clone(), max: 2 }), Ok(()));
    // A code is spent once.
    w.signup("code-once@example.com").unwrap();
    let pid = w
        .store
        .data()
        .profiles
        .values()
        .find(|p| p.email.as_deref() == Some("code-once@example.com"))
        .unwrap()
        .id
        .clone();
    let hash = w.store.data().codes[&(pid.clone(), Purpose::Signup)].code_hash.clone();
    let spend = || {
        vec![
            Change::Guard(Guard::CodeUnspent {
                profile_id: pid.clone(),
                purpose: Purpose::Signup,
                code_hash: hash.clone(),
            }),
            Change::DeleteCode { profile_id: pid.clone(), purpose: Purpose::Signup },
        ]
    };
    assert!(block_on(w.store.commit(spend())).is_ok());
    assert_eq!(block_on(w.store.commit(spend())).map_err(|e| e.code), Err(Code::InvalidCode));
    // A refresh token is spent once.
    let g = w.login("guards@example.com", PW, ClientKind::Desktop).unwrap();
    let rt = w.store.data().refresh_tokens.values().find(|t| t.profile_id == g.profile.id).unwrap().token_hash.clone();
    let use_it =
        || vec![Change::Guard(Guard::RefreshUnused { token_hash: rt.clone() }), Change::SpendRefreshToken(rt.clone())];
    assert!(block_on(w.store.commit(use_it())).is_ok());
    assert_eq!(block_on(w.store.commit(use_it())).map_err(|e| e.code), Err(Code::InvalidRefreshToken));
}

#[test]
fn a_touch_never_recreates_a_session() {
    let mut w = World::new();
    let g = w.person("touch-dead@example.com");
    assert!(block_on(w.store.touch_session(&g.session.token_hash, T0 + 60)).unwrap());
    let s = g.session.clone();
    w.run(|env| Box::pin(async move { flows::logout(env, &s).await })).unwrap();
    assert!(!block_on(w.store.touch_session(&g.session.token_hash, T0 + 120)).unwrap());
    assert!(w.store.data().sessions.is_empty(), "the touch re-created nothing");
    // Through the flow: a session deleted after it was read answers 401 at its due touch.
    let g = w.login("touch-dead@example.com", PW, ClientKind::Browser).unwrap();
    w.advance(61);
    block_on(w.store.commit(vec![Change::DeleteSession(g.session.token_hash.clone())])).unwrap();
    assert_eq!(code_of(w.auth(&g.token)), Code::Unauthenticated);
}

#[test]
fn a_password_hash_changes_only_by_set_password_and_a_rehash_is_a_compare_and_set() {
    let mut w = World::new();
    let g = w.person("cas@example.com");
    let old = w.store.data().profiles[&g.profile.id].password_hash.clone();
    // A stale full-profile write (a name change read before the password changed) keeps the hash.
    block_on(w.store.commit(vec![Change::SetPassword {
        profile_id: g.profile.id.clone(),
        hash: "new-hash".into(),
        replaces: None,
        change_required: false,
    }]))
    .unwrap();
    let mut stale = g.profile.clone();
    stale.first_name = "Stale".into();
    block_on(w.store.commit(vec![Change::PutProfile(stale)])).unwrap();
    assert_eq!(w.store.data().profiles[&g.profile.id].password_hash, "new-hash");
    // A rehash computed from the old hash does not undo the change.
    block_on(w.store.commit(vec![Change::SetPassword {
        profile_id: g.profile.id.clone(),
        hash: "rehash-of-old".into(),
        replaces: Some(old),
        change_required: false,
    }]))
    .unwrap();
    assert_eq!(w.store.data().profiles[&g.profile.id].password_hash, "new-hash");
}

#[test]
fn the_cleanup_deletes_only_accounts_still_free_and_idle() {
    let mut w = World::new();
    let admin = w.person("idle-admin@example.com");
    let a = create(&mut w, &admin, Some("Idle one"));
    let b = create(&mut w, &admin, Some("Idle two"));
    // `b` was upgraded after the cleanup read it: the statement re-decides.
    block_on(
        w.store.commit(vec![Change::SetPlan { account_id: b.id.clone(), plan: netid_core::model::Plan::Standard }]),
    )
    .unwrap();
    block_on(
        w.store.commit(vec![Change::DeleteAccounts { ids: vec![a.id.clone(), b.id.clone()], idle_before: T0 + 1 }]),
    )
    .unwrap();
    let d = w.store.data();
    assert!(!d.accounts.contains_key(&a.id));
    assert!(d.accounts.contains_key(&b.id), "a paid account is never deleted");
}

#[test]
fn a_refresh_family_keeps_its_absolute_end() {
    let mut w = World::new();
    w.person("family@example.com");
    let g = w.login("family@example.com", PW, ClientKind::Desktop).unwrap();
    let mut rt = g.refresh_token.clone().unwrap();
    for _ in 0..3 {
        w.advance(29 * DAY);
        let t = rt.clone();
        rt = w.run(|env| Box::pin(async move { flows::refresh(env, &t).await })).unwrap().refresh_token.unwrap();
    }
    w.advance(4 * DAY);
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::refresh(env, &rt).await }))),
        Code::InvalidRefreshToken
    );
}
