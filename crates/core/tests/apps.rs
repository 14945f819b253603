//! A workspace's applications (OpenID Connect clients): who may register them, what addresses
//! they may use, the secret shown once and stored hashed, the limit decided in the commit, and
//! the operator's switch. Against the SQL store (SQLite, the real migrations).

mod common;

use common::*;
use netid_core::flows::apps::{self, AppInput, Registered};
use netid_core::flows::invitations::InviteOptions;
use netid_core::flows::{accounts, Grant};
use netid_core::model::AppType;
use netid_core::tokens::token_hash;
use netid_core::Code;

fn input(name: &str, kind: &str) -> AppInput {
    AppInput {
        name: Some(name.into()),
        redirect_uris: Some(vec!["https://crm.example.com/callback".into(), "http://127.0.0.1/callback".into()]),
        kind: Some(kind.into()),
        ..Default::default()
    }
}

fn register(w: &mut World, who: &Grant, account: &str, input: AppInput) -> netid_core::Result<Registered> {
    let (pid, account) = (who.profile.id.clone(), account.to_string());
    w.run(|env| Box::pin(async move { apps::register_app(env, &pid, &account, input).await }))
}

#[test]
fn an_admin_registers_an_app_whose_secret_is_shown_once_and_stored_hashed() {
    let mut w = World::new();
    let admin = w.person("apps-admin@example.com");
    let acc = create(&mut w, &admin, Some("Harbour Labs"));
    let crm = register(&mut w, &admin, &acc.id, input("CRM", "confidential")).unwrap();
    let secret = crm.client_secret.clone().expect("a confidential app's secret, once");
    assert!(secret.len() >= 40, "256 random bits: {secret}");
    assert_eq!(crm.app.kind, AppType::Confidential);
    let stored = w.store.query::<serde_json::Value>(
        "SELECT secret_hash FROM apps WHERE client_id = ?1",
        &[netid_core::sql::s(&crm.app.client_id)],
    );
    assert_eq!(stored[0]["secret_hash"], serde_json::Value::String(token_hash(&secret)), "only the hash is stored");
    let spa = register(&mut w, &admin, &acc.id, input("Board", "public")).unwrap();
    assert_eq!(spa.client_secret, None, "a public app has no secret");
    // The list shows both and never a secret.
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let list = w.run(|env| Box::pin(async move { apps::list_apps(env, &pid, &id).await })).unwrap();
    assert_eq!(list.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["CRM", "Board"]);
    assert!(!serde_json::to_string(&list).unwrap().contains(&secret));
    assert!(w.store.data().audit.iter().any(|a| a.action == "app.registered" && a.target == crm.app.client_id));
    // Rotation: a new secret, the old hash gone.
    let (pid, id, cid) = (admin.profile.id.clone(), acc.id.clone(), crm.app.client_id.clone());
    let rotated = w.run(|env| Box::pin(async move { apps::rotate_secret(env, &pid, &id, &cid).await })).unwrap();
    let new = rotated.client_secret.unwrap();
    assert_ne!(new, secret);
    let stored = w.store.query::<serde_json::Value>(
        "SELECT secret_hash FROM apps WHERE client_id = ?1",
        &[netid_core::sql::s(&crm.app.client_id)],
    );
    assert_eq!(stored[0]["secret_hash"], serde_json::Value::String(token_hash(&new)));
    let (pid, id, cid) = (admin.profile.id.clone(), acc.id.clone(), spa.app.client_id.clone());
    let r = w.run(|env| Box::pin(async move { apps::rotate_secret(env, &pid, &id, &cid).await }));
    assert_eq!(code_of(r), Code::InvalidRequest, "a public app has no secret to rotate");
}

#[test]
fn only_the_accounts_admins_manage_its_apps() {
    let mut w = World::new();
    let admin = w.person("apps-owner@example.com");
    let acc = create(&mut w, &admin, Some("Owned"));
    invite(&mut w, &admin, &acc.id, &["apps-member@example.com"], InviteOptions::default());
    let member = accept_to(&mut w, "apps-member@example.com", "Mel").unwrap().grant.unwrap();
    assert_eq!(code_of(register(&mut w, &member, &acc.id, input("Mine", "public"))), Code::NotAccountAdmin);
    let stranger = w.person("apps-stranger@example.com");
    assert_eq!(code_of(register(&mut w, &stranger, &acc.id, input("Mine", "public"))), Code::NotFound);
    // Another account's admin reaches no app of this one, even by its client id.
    let app = register(&mut w, &admin, &acc.id, input("CRM", "confidential")).unwrap();
    let other = create(&mut w, &stranger, Some("Elsewhere"));
    let (pid, oid, cid) = (stranger.profile.id.clone(), other.id.clone(), app.app.client_id.clone());
    let edit = AppInput { name: Some("Taken over".into()), ..Default::default() };
    let r = w.run(|env| Box::pin(async move { apps::edit_app(env, &pid, &oid, &cid, edit).await }));
    assert_eq!(code_of(r), Code::NotFound);
    let (pid, oid, cid) = (stranger.profile.id.clone(), other.id.clone(), app.app.client_id.clone());
    let r = w.run(|env| Box::pin(async move { apps::delete_app(env, &pid, &oid, &cid).await }));
    assert_eq!(code_of(r), Code::NotFound);
    assert_eq!(w.store.data().audit.iter().filter(|a| a.action.starts_with("app.")).count(), 1);
}

#[test]
fn every_address_is_checked_for_its_use() {
    let mut w = World::new();
    let admin = w.person("apps-uris@example.com");
    let acc = create(&mut w, &admin, Some("Addresses"));
    let with = |f: &dyn Fn(&mut AppInput)| {
        let mut i = input("App", "confidential");
        f(&mut i);
        i
    };
    let cases: Vec<(AppInput, Code, Option<&str>)> = vec![
        (
            with(&|i| i.redirect_uris = Some(vec!["http://crm.example.com/cb".into()])),
            Code::InvalidUri,
            Some("redirect_uris"),
        ),
        (with(&|i| i.redirect_uris = Some(vec![])), Code::InvalidUri, Some("redirect_uris")),
        (
            with(&|i| i.redirect_uris = Some(vec!["https://crm.example.com/cb#x".into()])),
            Code::InvalidUri,
            Some("redirect_uris"),
        ),
        (
            with(&|i| i.redirect_uris = Some((0..11).map(|n| format!("https://a.example.com/{n}")).collect())),
            Code::InvalidUri,
            Some("redirect_uris"),
        ),
        (
            with(&|i| i.post_logout_redirect_uris = Some(vec!["https://u:p@crm.example.com/".into()])),
            Code::InvalidUri,
            Some("post_logout_redirect_uris"),
        ),
        (
            with(&|i| i.backchannel_logout_uri = Some("https://169.254.169.254/latest".into())),
            Code::InvalidUri,
            Some("backchannel_logout_uri"),
        ),
        (
            with(&|i| i.backchannel_logout_uri = Some("http://127.0.0.1:9000/logout".into())),
            Code::InvalidUri,
            Some("backchannel_logout_uri"),
        ),
        (
            with(&|i| i.initiate_login_uri = Some("javascript:alert(1)".into())),
            Code::InvalidUri,
            Some("initiate_login_uri"),
        ),
        (with(&|i| i.name = Some("  ".into())), Code::InvalidText, Some("name")),
        (with(&|i| i.kind = Some("spa".into())), Code::InvalidRequest, Some("type")),
        (with(&|i| i.kind = None), Code::InvalidRequest, Some("type")),
    ];
    for (i, code, field) in cases {
        let e = register(&mut w, &admin, &acc.id, i).expect_err("refused");
        assert_eq!((e.code, e.field), (code, field));
    }
    assert!(w.store.data().audit.iter().all(|a| !a.action.starts_with("app.")), "nothing registered");
    // The development environment takes a loopback back-channel address (a local app).
    w.config.development = true;
    let local = with(&|i| i.backchannel_logout_uri = Some("http://127.0.0.1:9000/logout".into()));
    let app = register(&mut w, &admin, &acc.id, local).unwrap();
    assert_eq!(app.app.backchannel_logout_uri.as_deref(), Some("http://127.0.0.1:9000/logout"));
    // An edit clears an optional address with "", keeps the type, refuses another.
    let (pid, id, cid) = (admin.profile.id.clone(), acc.id.clone(), app.app.client_id.clone());
    let clear = AppInput { backchannel_logout_uri: Some(String::new()), ..Default::default() };
    let edited = w.run(|env| Box::pin(async move { apps::edit_app(env, &pid, &id, &cid, clear).await })).unwrap();
    assert_eq!((edited.backchannel_logout_uri, edited.kind), (None, AppType::Confidential));
    let (pid, id, cid) = (admin.profile.id.clone(), acc.id.clone(), app.app.client_id.clone());
    let retype = AppInput { kind: Some("public".into()), ..Default::default() };
    let r = w.run(|env| Box::pin(async move { apps::edit_app(env, &pid, &id, &cid, retype).await }));
    assert_eq!(code_of(r), Code::InvalidRequest);
}

#[test]
fn an_account_registers_at_most_twenty_apps_even_at_once() {
    let mut w = World::shared();
    let admin = w.person("apps-limit@example.com");
    let acc = create(&mut w, &admin, Some("Limited"));
    for n in 0..apps::MAX_APPS - 1 {
        register(&mut w, &admin, &acc.id, input(&format!("App {n}"), "public")).unwrap();
    }
    let (a1, a2, id1, id2) = (admin.clone(), admin.clone(), acc.id.clone(), acc.id.clone());
    let (left, right) = race(
        &mut w,
        move |w| register(w, &a1, &id1, input("Last one", "public")),
        move |w| register(w, &a2, &id2, input("One too many", "public")),
    );
    let codes = [left.err().map(|e| e.code), right.err().map(|e| e.code)];
    assert!(codes.contains(&None) && codes.contains(&Some(Code::AppLimitReached)), "{codes:?}");
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    assert_eq!(w.run(|env| Box::pin(async move { apps::list_apps(env, &pid, &id).await })).unwrap().len(), 20);
}

#[test]
fn the_operator_switches_an_app_off_and_an_accounts_deletion_takes_its_apps() {
    let mut w = World::new();
    let admin = w.person("apps-operator@example.com");
    let acc = create(&mut w, &admin, Some("Operated"));
    let app = register(&mut w, &admin, &acc.id, input("CRM", "confidential")).unwrap();
    let (cid, op) = (app.app.client_id.clone(), operator(&mut w, "ops-apps@example.com"));
    let off = w.run(|env| Box::pin(async move { apps::set_disabled(env, &op, &cid, true).await })).unwrap();
    assert!(off.disabled);
    let all = w.run(|env| Box::pin(async move { apps::operator_apps(env, None, 10).await })).unwrap();
    assert_eq!(
        all.iter().map(|a| (a.client_id.as_str(), a.disabled)).collect::<Vec<_>>(),
        [(app.app.client_id.as_str(), true)]
    );
    assert!(w
        .store
        .data()
        .audit
        .iter()
        .any(|a| a.action == "app.disabled" && a.account_id.as_deref() == Some(acc.id.as_str())));
    // An edit by the account's admin leaves the operator's switch alone.
    let (pid, id, cid) = (admin.profile.id.clone(), acc.id.clone(), app.app.client_id.clone());
    let rename = AppInput { name: Some("CRM 2".into()), ..Default::default() };
    let edited = w.run(|env| Box::pin(async move { apps::edit_app(env, &pid, &id, &cid, rename).await })).unwrap();
    assert!(edited.disabled);
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    w.run(|env| Box::pin(async move { accounts::delete_account(env, &pid, &id).await })).unwrap();
    let left = w.store.query::<serde_json::Value>("SELECT client_id FROM apps", &[]);
    assert!(left.is_empty(), "the account's apps went with it: {left:?}");
}
