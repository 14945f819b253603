//! netid as the OpenID Provider: the claim rules (pairwise `sub`, membership states, `amr`),
//! single-use codes (also raced), rotating refresh families, key rotation, and failed
//! commits that leave nothing behind. Against the SQL store (SQLite, the real migrations).

mod common;

use common::*;
use netid_core::flows::apps::{self, AppInput, Registered};
use netid_core::flows::invitations::InviteOptions;
use netid_core::flows::provider::{self, AuthorizeRequest, Authorized, ClientAuth, TokenRequest, TokenSet};
use netid_core::flows::Grant;
use netid_core::model::{ClientKind, SigningKey};
use netid_core::Code;

const REDIRECT: &str = "https://crm.example.com/callback";
const ISS: &str = "https://netid.example";
const VERIFIER: &str = "a-verifier-of-forty-three-characters-or-more-0123";

fn challenge() -> String {
    netid_core::social::pkce_challenge(VERIFIER)
}

fn register(w: &mut World, who: &Grant, account: &str, kind: &str) -> Registered {
    register_with(w, who, account, kind, None)
}

/// An app of `account`, with a back-channel logout URI when one is given.
fn register_with(w: &mut World, who: &Grant, account: &str, kind: &str, backchannel: Option<&str>) -> Registered {
    let (pid, account) = (who.profile.id.clone(), account.to_string());
    let input = AppInput {
        name: Some("CRM".into()),
        redirect_uris: Some(vec![REDIRECT.into()]),
        backchannel_logout_uri: backchannel.map(str::to_string),
        kind: Some(kind.into()),
        ..Default::default()
    };
    w.run(|env| Box::pin(async move { apps::register_app(env, &pid, &account, input).await })).unwrap()
}

fn request(app: &Registered) -> AuthorizeRequest {
    AuthorizeRequest {
        client_id: app.app.client_id.clone(),
        redirect_uri: REDIRECT.into(),
        response_type: Some("code".into()),
        scope: Some("openid profile email".into()),
        state: Some("st".into()),
        nonce: Some("n".into()),
        code_challenge: Some(challenge()),
        code_challenge_method: Some("S256".into()),
        ..Default::default()
    }
}

fn authorize(w: &mut World, token: Option<&str>, req: AuthorizeRequest) -> Authorized {
    let token = token.map(str::to_string);
    w.run(|env| Box::pin(async move { provider::authorize(env, token.as_deref(), req).await })).unwrap()
}

fn code(w: &mut World, token: &str, app: &Registered) -> String {
    match authorize(w, Some(token), request(app)) {
        Authorized::Code { code, state, .. } => {
            assert_eq!(state.as_deref(), Some("st"));
            code
        }
        other => panic!("no code: {other:?}"),
    }
}

fn auth(app: &Registered) -> ClientAuth {
    ClientAuth { client_id: app.app.client_id.clone(), secret: app.client_secret.clone() }
}

fn redeem(w: &mut World, app: &Registered, code: &str) -> netid_core::Result<TokenSet> {
    let (a, req) = (
        auth(app),
        TokenRequest {
            grant_type: "authorization_code".into(),
            code: Some(code.into()),
            redirect_uri: Some(REDIRECT.into()),
            code_verifier: Some(VERIFIER.into()),
            ..Default::default()
        },
    );
    w.run(|env| Box::pin(async move { provider::token(env, ISS, a, req).await }))
}

fn refresh(w: &mut World, app: &Registered, rt: &str) -> netid_core::Result<TokenSet> {
    let (a, req) = (
        auth(app),
        TokenRequest { grant_type: "refresh_token".into(), refresh_token: Some(rt.into()), ..Default::default() },
    );
    w.run(|env| Box::pin(async move { provider::token(env, ISS, a, req).await }))
}

fn browser(w: &mut World, email: &str) -> Grant {
    w.login(email, PW, ClientKind::Browser).unwrap()
}

#[test]
fn claims_are_small_and_pairwise_and_say_how_the_person_signed_in() {
    let mut w = World::new();
    let admin = w.person("op-admin@example.com");
    let a = create(&mut w, &admin, Some("Harbour A"));
    let b = create(&mut w, &admin, Some("Harbour B"));
    let app_a = register(&mut w, &admin, &a.id, "confidential");
    let app_b = register(&mut w, &admin, &b.id, "confidential");
    let s = browser(&mut w, "op-admin@example.com");
    let c = code(&mut w, &s.token, &app_a);
    let ta = redeem(&mut w, &app_a, &c).unwrap();
    let c = code(&mut w, &s.token, &app_b);
    let tb = redeem(&mut w, &app_b, &c).unwrap();
    let (ia, ib) = (&ta.id_token, &tb.id_token);
    assert_ne!(ia["sub"], ib["sub"], "another workspace, another subject");
    assert_ne!(ia["sub"].as_str(), Some(admin.profile.id.as_str()));
    let c = code(&mut w, &s.token, &app_a);
    assert_eq!(redeem(&mut w, &app_a, &c).unwrap().id_token["sub"], ia["sub"], "stable in one workspace");
    assert_eq!(ia["iss"], ISS);
    assert_eq!(ia["aud"], app_a.app.client_id.as_str());
    assert_eq!(ia["account_id"], a.id.as_str());
    assert_eq!(ia["account_role"], "admin");
    assert_eq!(ia["user_type"], "employee");
    assert_eq!(ia["amr"], serde_json::json!(["pwd"]));
    assert_eq!(ia["nonce"], "n");
    assert_eq!(ia["email"], "op-admin@example.com");
    assert_eq!(ia["sid"], s.session.id.as_str());
    assert_eq!(
        ta.access_token["exp"].as_i64().unwrap() - ta.access_token["iat"].as_i64().unwrap(),
        provider::ACCESS_TTL
    );
    // The shape does not grow with the person's workspaces: no list of accounts in it.
    assert!(ia.as_object().unwrap().len() <= 20, "{ia}");
    assert!(!ia.to_string().contains(&b.id));
}

#[test]
fn only_an_active_card_gets_a_code() {
    let mut w = World::new();
    let admin = w.person("op-owner@example.com");
    let acc = create(&mut w, &admin, Some("Gated"));
    let app = register(&mut w, &admin, &acc.id, "confidential");
    let stranger = w.person("op-stranger@example.com");
    let s = browser(&mut w, "op-stranger@example.com");
    assert!(
        matches!(authorize(&mut w, Some(&s.token), request(&app)), Authorized::NoAccess { account_name, .. } if account_name == "Gated")
    );
    let _ = stranger;
    // An invitee who has not accepted yet has no access either.
    invite(&mut w, &admin, &acc.id, &["op-stranger@example.com"], InviteOptions::default());
    assert!(matches!(authorize(&mut w, Some(&s.token), request(&app)), Authorized::NoAccess { .. }));
    // prompt=none answers at the app.
    let mut none = request(&app);
    none.prompt = Some("none".into());
    assert!(matches!(
        authorize(&mut w, Some(&s.token), none.clone()),
        Authorized::Error { error: "access_denied", .. }
    ));
    assert!(matches!(authorize(&mut w, None, none), Authorized::Error { error: "login_required", .. }));
    assert!(matches!(authorize(&mut w, None, request(&app)), Authorized::Login { .. }));
    // Unknown clients and other redirect URIs: a page, never a redirect.
    let mut other = request(&app);
    other.redirect_uri = "https://crm.example.com/callback/".into();
    assert_eq!(authorize(&mut w, Some(&s.token), other), Authorized::Page(Code::InvalidAuthorizationRequest));
    let mut unknown = request(&app);
    unknown.client_id = "app_nobody".into();
    assert_eq!(authorize(&mut w, Some(&s.token), unknown), Authorized::Page(Code::InvalidAuthorizationRequest));
}

#[test]
fn a_code_gives_tokens_once_and_a_second_redemption_revokes_them() {
    let mut w = World::new();
    let admin = w.person("op-once@example.com");
    let acc = create(&mut w, &admin, Some("Once"));
    let app = register(&mut w, &admin, &acc.id, "confidential");
    let s = browser(&mut w, "op-once@example.com");
    let c = code(&mut w, &s.token, &app);
    let first = redeem(&mut w, &app, &c).unwrap();
    assert_eq!(code_of(redeem(&mut w, &app, &c)), Code::InvalidGrant);
    assert_eq!(code_of(refresh(&mut w, &app, &first.refresh_token)), Code::InvalidGrant, "revoked by the reuse");
    // Expired after 60 seconds.
    let c = code(&mut w, &s.token, &app);
    w.advance(provider::CODE_TTL);
    assert_eq!(code_of(redeem(&mut w, &app, &c)), Code::InvalidGrant);
}

#[test]
fn two_redemptions_of_one_code_at_once_give_tokens_once() {
    let mut w = World::shared();
    let admin = w.person("op-race@example.com");
    let acc = create(&mut w, &admin, Some("Raced"));
    let app = register(&mut w, &admin, &acc.id, "confidential");
    let s = browser(&mut w, "op-race@example.com");
    let c = code(&mut w, &s.token, &app);
    let (a1, a2) = (app.clone(), app.clone());
    let (c1, c2) = (c.clone(), c.clone());
    let (r1, r2) = race(&mut w, move |w| redeem(w, &a1, &c1), move |w| redeem(w, &a2, &c2));
    assert_eq!([r1.is_ok(), r2.is_ok()].iter().filter(|ok| **ok).count(), 1, "{r1:?} {r2:?}");
    let won = r1.or(r2).unwrap();
    assert_eq!(code_of(refresh(&mut w, &app, &won.refresh_token)), Code::InvalidGrant, "the loser revoked the family");
}

#[test]
fn refresh_rotates_and_ends_with_the_session_and_the_membership() {
    let mut w = World::new();
    let admin = w.person("op-fam@example.com");
    let acc = create(&mut w, &admin, Some("Family"));
    let app = register(&mut w, &admin, &acc.id, "confidential");
    invite(&mut w, &admin, &acc.id, &["op-member@example.com"], InviteOptions::default());
    let member = accept_to(&mut w, "op-member@example.com", "Mo").unwrap().grant.unwrap();
    let c = code(&mut w, &member.token, &app);
    let t1 = redeem(&mut w, &app, &c).unwrap();
    let t2 = refresh(&mut w, &app, &t1.refresh_token).unwrap();
    assert_ne!(t1.refresh_token, t2.refresh_token);
    assert_eq!(t2.id_token["account_role"], "member");
    let t3 = refresh(&mut w, &app, &t2.refresh_token).unwrap();
    // Dismissed: the next refresh fails at once.
    let (pid, aid) = (admin.profile.id.clone(), acc.id.clone());
    let card = w
        .store
        .data()
        .memberships
        .into_values()
        .find(|m| m.profile_id.as_deref() == Some(member.profile.id.as_str()))
        .unwrap()
        .id;
    w.run(|env| Box::pin(async move { netid_core::flows::people::dismiss_user(env, &pid, &aid, &card).await }))
        .unwrap();
    assert_eq!(code_of(refresh(&mut w, &app, &t3.refresh_token)), Code::InvalidGrant);
    // The admin's family ends with the netid session (logout).
    let s = browser(&mut w, "op-fam@example.com");
    let c = code(&mut w, &s.token, &app);
    let t = redeem(&mut w, &app, &c).unwrap();
    let session = w.auth(&s.token).unwrap();
    w.run(|env| Box::pin(async move { netid_core::flows::logout(env, &session).await })).unwrap();
    assert_eq!(code_of(refresh(&mut w, &app, &t.refresh_token)), Code::InvalidGrant);
}

#[test]
fn a_public_client_needs_pkce_and_a_confidential_one_its_secret() {
    let mut w = World::new();
    let admin = w.person("op-pkce@example.com");
    let acc = create(&mut w, &admin, Some("Pkce"));
    let spa = register(&mut w, &admin, &acc.id, "public");
    let crm = register(&mut w, &admin, &acc.id, "confidential");
    let s = browser(&mut w, "op-pkce@example.com");
    let mut bare = request(&spa);
    bare.code_challenge = None;
    bare.code_challenge_method = None;
    assert!(matches!(authorize(&mut w, Some(&s.token), bare), Authorized::Error { error: "invalid_request", .. }));
    let mut plain = request(&spa);
    plain.code_challenge_method = Some("plain".into());
    assert!(matches!(authorize(&mut w, Some(&s.token), plain), Authorized::Error { error: "invalid_request", .. }));
    let c = code(&mut w, &s.token, &crm);
    let wrong = Registered { client_secret: Some("not-the-secret".into()), ..crm.clone() };
    assert_eq!(code_of(redeem(&mut w, &wrong, &c)), Code::InvalidClient);
    let stolen = Registered { client_secret: None, ..crm.clone() };
    assert_eq!(
        code_of(redeem(&mut w, &stolen, &c)),
        Code::InvalidClient,
        "a confidential client cannot pass for public"
    );
    assert!(redeem(&mut w, &crm, &c).is_ok(), "the failed attempts did not spend the code");
    let c = code(&mut w, &s.token, &spa);
    assert!(redeem(&mut w, &spa, &c).is_ok());
}

#[test]
fn a_failed_commit_leaves_no_code_and_no_token() {
    let mut w = World::new();
    let admin = w.person("op-fault@example.com");
    let acc = create(&mut w, &admin, Some("Faulty"));
    let app = register(&mut w, &admin, &acc.id, "confidential");
    let s = browser(&mut w, "op-fault@example.com");
    w.store.fail_next_commit();
    let token = s.token.clone();
    let req = request(&app);
    let r = w.run(|env| Box::pin(async move { provider::authorize(env, Some(&token), req).await }));
    assert_eq!(code_of(r), Code::Internal);
    assert_eq!(w.store.query::<serde_json::Value>("SELECT code_hash FROM oauth_codes", &[]).len(), 0);
    let c = code(&mut w, &s.token, &app);
    w.store.fail_next_commit();
    assert_eq!(code_of(redeem(&mut w, &app, &c)), Code::Internal);
    assert_eq!(w.store.query::<serde_json::Value>("SELECT token_hash FROM oauth_tokens", &[]).len(), 0);
    assert!(redeem(&mut w, &app, &c).is_ok(), "the code is still unspent");
}

fn key(kid: &str) -> SigningKey {
    SigningKey {
        kid: kid.into(),
        public_jwk: format!(r#"{{"kid":"{kid}"}}"#),
        private_sealed: "sealed".into(),
        created_at: 0,
        signs_from: 0,
        retire_at: None,
    }
}

#[test]
fn a_rotated_key_is_served_before_it_signs_and_the_old_one_stays_until_its_tokens_expired() {
    let mut w = World::new();
    let op = operator(&mut w, "ops-keys@example.com");
    w.run(|env| Box::pin(async move { provider::install_first_key(env, key("k1")).await })).unwrap();
    // A second first key (another isolate at the same moment) does not land.
    w.run(|env| Box::pin(async move { provider::install_first_key(env, key("k1b")).await })).unwrap();
    let keys = w.run(|env| Box::pin(async move { netid_core::store::Store::signing_keys(env.store).await })).unwrap();
    assert_eq!(keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(), ["k1"]);
    let t0 = w.now;
    w.run(|env| Box::pin(async move { provider::rotate_keys(env, &op, key("k2")).await })).unwrap();
    let keys = w.run(|env| Box::pin(async move { netid_core::store::Store::signing_keys(env.store).await })).unwrap();
    let kids = |ks: Vec<&SigningKey>| ks.iter().map(|k| k.kid.clone()).collect::<Vec<_>>();
    assert_eq!(kids(provider::published_keys(&keys, t0)).len(), 2, "both served at once");
    assert_eq!(provider::active_key(&keys, t0).unwrap().kid, "k1", "the new one does not sign yet");
    let switch = t0 + provider::KEY_OVERLAP;
    assert_eq!(provider::active_key(&keys, switch).unwrap().kid, "k2");
    let last_old_token_expiry = switch - 1 + provider::ID_TOKEN_TTL.max(provider::ACCESS_TTL);
    assert!(kids(provider::published_keys(&keys, last_old_token_expiry)).contains(&"k1".to_string()));
    assert_eq!(kids(provider::published_keys(&keys, last_old_token_expiry + 120)), ["k2"]);
}

#[test]
fn ending_a_session_or_a_card_writes_one_back_channel_logout_per_app_and_session_and_revokes_its_tokens() {
    let mut w = World::new();
    let admin = w.person("op-bc@example.com");
    let acc = create(&mut w, &admin, Some("Back"));
    let app = register_with(&mut w, &admin, &acc.id, "confidential", Some("https://crm.example.com/backchannel"));
    invite(&mut w, &admin, &acc.id, &["op-bc-member@example.com"], InviteOptions::default());
    let member = accept_to(&mut w, "op-bc-member@example.com", "Bo").unwrap().grant.unwrap();
    let c = code(&mut w, &member.token, &app);
    let t = redeem(&mut w, &app, &c).unwrap();
    let c = code(&mut w, &member.token, &app);
    let t2 = redeem(&mut w, &app, &c).unwrap();
    let card = w
        .store
        .data()
        .memberships
        .into_values()
        .find(|m| m.profile_id.as_deref() == Some(member.profile.id.as_str()))
        .unwrap()
        .id;
    let (pid, aid) = (admin.profile.id.clone(), acc.id.clone());
    w.run(|env| Box::pin(async move { netid_core::flows::people::dismiss_user(env, &pid, &aid, &card).await }))
        .unwrap();
    let sent = w.store.outbox_to("https://crm.example.com/backchannel");
    assert_eq!(sent.len(), 1, "two families of one session, one logout: {sent:?}");
    assert_eq!(sent[0].channel, netid_core::model::Channel::Backchannel);
    let event: provider::LogoutEvent = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(event.sid, t.id_token["sid"].as_str().unwrap());
    assert_eq!(event.iss, ISS);
    let claims = provider::logout_claims(&w.config, &event, w.now, "lo_1").unwrap();
    assert_eq!(claims["sub"], t.id_token["sub"], "the subject the app knows");
    assert!(claims.get("nonce").is_none());
    assert_eq!(code_of(refresh(&mut w, &app, &t2.refresh_token)), Code::InvalidGrant);
    let revoked =
        w.store.query::<serde_json::Value>("SELECT token_hash FROM oauth_tokens WHERE revoked_at IS NULL", &[]);
    assert!(revoked.is_empty(), "revoked in the same commit: {revoked:?}");
}

#[test]
fn entering_takes_the_person_to_the_oldest_enabled_app_that_starts_sign_in_itself() {
    let app = |id: &str, uri: Option<&str>, disabled: bool| netid_core::model::App {
        client_id: id.into(),
        initiate_login_uri: uri.map(str::to_string),
        disabled,
        ..Default::default()
    };
    let apps = [
        app("a", None, false),
        app("b", Some("https://off.example.com/start"), true),
        app("c", Some("https://crm.example.com/start"), false),
        app("d", Some("https://chat.example.com/start"), false),
    ];
    let url = provider::initiate_login_url(&apps, ISS).unwrap();
    assert!(url.starts_with("https://crm.example.com/start?iss=https%3A%2F%2Fnetid.example&target_link_uri="), "{url}");
    assert_eq!(provider::initiate_login_url(&apps[..2], ISS), None);
}

#[test]
fn a_sign_in_through_the_workspace_app_counts_as_a_login_to_the_workspace() {
    let mut w = World::new();
    let admin = w.person("op-activity@example.com");
    let acc = create(&mut w, &admin, Some("Active Co"));
    let app = register(&mut w, &admin, &acc.id, "confidential");
    let before = w.store.data().accounts[&acc.id].last_activity_at;
    w.advance(3600);
    let session = browser(&mut w, "op-activity@example.com");
    code(&mut w, &session.token, &app);
    let after = w.store.data().accounts[&acc.id].last_activity_at;
    assert_eq!(after, w.now, "the free account's inactivity clock restarts (was {before})");
    let card = w.store.data().memberships.into_values().find(|m| m.account_id == acc.id).unwrap();
    assert_eq!(card.last_login_at, Some(w.now));
}

#[test]
fn deleting_a_workspace_tells_its_apps_and_revokes_their_tokens_before_they_go() {
    let mut w = World::new();
    let admin = w.person("op-gone@example.com");
    let acc = create(&mut w, &admin, Some("Gone Co"));
    let app = register_with(&mut w, &admin, &acc.id, "confidential", Some("https://gone.example.com/backchannel"));
    let session = browser(&mut w, "op-gone@example.com");
    let c = code(&mut w, &session.token, &app);
    let t = redeem(&mut w, &app, &c).unwrap();
    let (pid, aid) = (admin.profile.id.clone(), acc.id.clone());
    w.run(|env| Box::pin(async move { netid_core::flows::accounts::delete_account(env, &pid, &aid).await })).unwrap();
    let sent = w.store.outbox_to("https://gone.example.com/backchannel");
    assert_eq!(sent.len(), 1, "one logout for the one session: {sent:?}");
    let event: provider::LogoutEvent = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(event.sid, t.id_token["sid"].as_str().unwrap());
    assert_eq!(code_of(refresh(&mut w, &app, &t.refresh_token)), Code::InvalidClient, "the app is gone");
    let live = w.store.query::<serde_json::Value>("SELECT token_hash FROM oauth_tokens WHERE revoked_at IS NULL", &[]);
    assert!(live.is_empty(), "revoked in the deletion's commit: {live:?}");
}
