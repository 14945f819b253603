//! A workspace's two-step policy over the SQL store: who it applies to, every way into the
//! workspace (entering, a login into it, an invitation's acceptance), what it forbids
//! (switching two-step off), what an admin can still do (reset it), and who sees it.

mod common;

use common::*;
use netid_core::flows::accounts;
use netid_core::flows::invitations::InviteOptions;
use netid_core::flows::two_factor;
use netid_core::flows::{self, Grant, LoginInput};
use netid_core::model::{ClientKind, Session};
use netid_core::totp;
use netid_core::Code;

/// Switches two-step on for `g` (setup and enable with a code of now).
fn two_step_on(w: &mut World, g: &Grant) -> String {
    let pid = g.profile.id.clone();
    let s = w.run(|env| Box::pin(async move { two_factor::setup(env, &pid, PW).await })).unwrap();
    let c = totp::code_at(&totp::from_base32(&s.secret).unwrap(), w.now as u64, 6).unwrap();
    let pid = g.profile.id.clone();
    w.run(|env| Box::pin(async move { two_factor::enable(env, &pid, &c).await })).unwrap();
    w.advance(30);
    s.secret
}

fn set_policy(w: &mut World, admin: &Grant, account: &str, rule: &str) -> netid_core::Result<accounts::PolicyView> {
    let (pid, account, rule) = (admin.profile.id.clone(), account.to_string(), rule.to_string());
    w.run(|env| {
        Box::pin(async move {
            let change = accounts::PolicyChange { require_two_factor: Some(&rule), remember_browsers: None };
            accounts::set_policy(env, &pid, &account, change).await
        })
    })
}

fn enter(w: &mut World, s: &Session, account: &str) -> netid_core::Result<accounts::Access> {
    let (s, account) = (s.clone(), account.to_string());
    w.run(|env| Box::pin(async move { accounts::enter_account(env, &s, &account).await }))
}

#[test]
fn a_workspace_requiring_two_step_lets_members_in_only_with_it() {
    let mut w = World::new();
    let admin = w.person("policy-admin@example.com");
    let acc = create(&mut w, &admin, Some("Fort"));
    invite(&mut w, &admin, &acc.id, &["policy-member@example.com"], InviteOptions::default());
    let member = accept_to(&mut w, "policy-member@example.com", "Mo").unwrap().grant.unwrap();
    assert_eq!(member.session.account_id.as_deref(), Some(acc.id.as_str()), "no policy yet: entered at once");

    // An admin cannot require what they lack themselves; with it, the rule holds and is audited.
    assert_eq!(code_of(set_policy(&mut w, &admin, &acc.id, "everyone")), Code::TwoFactorRequired);
    assert_eq!(code_of(set_policy(&mut w, &admin, &acc.id, "sometimes")), Code::InvalidRequest);
    two_step_on(&mut w, &admin);
    let view = set_policy(&mut w, &admin, &acc.id, "employees").unwrap();
    assert_eq!(view.members_without_two_factor.iter().map(|m| m.first_name.as_str()).collect::<Vec<_>>(), ["Mo"]);
    let (pid, id) = (member.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::policy(env, &pid, &id).await }))),
        Code::NotAccountAdmin,
        "members do not see it"
    );
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let events =
        w.run(|env| Box::pin(async move { accounts::audit_log(env, &pid, &id, Some("10"), None).await })).unwrap();
    assert!(events.iter().any(|e| e.action == "policy.two_factor" && e.detail == "none -> employees"), "{events:?}");

    // Every way in asks the member to set two-step up first.
    assert_eq!(code_of(enter(&mut w, &member.session, &acc.id)), Code::TwoFactorRequired);
    let input = LoginInput {
        login: "policy-member@example.com".into(),
        password: PW.into(),
        account_id: Some(acc.id.clone()),
        client: ClientKind::Desktop,
        ..Default::default()
    };
    assert_eq!(code_of(w.run(|env| Box::pin(flows::login(env, input)))), Code::TwoFactorRequired);
    // With it on, they enter; they cannot switch it off while the rule holds.
    two_step_on(&mut w, &member);
    enter(&mut w, &member.session, &acc.id).unwrap();
    let s = member.session.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { two_factor::disable(env, &s, PW).await }))),
        Code::TwoFactorRequiredByWorkspace
    );
    assert!(w.store.data().profiles[&member.profile.id].two_factor_enabled, "still on");
    // An admin resets it (a lost phone): the member is asked to set it up again at the next entry.
    let card = enter(&mut w, &member.session, &acc.id).unwrap().member.id;
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    w.run(|env| Box::pin(async move { two_factor::disable_for_member(env, &pid, &id, &card).await })).unwrap();
    let again = w.login("policy-member@example.com", PW, ClientKind::Browser).unwrap();
    assert_eq!(code_of(enter(&mut w, &again.session, &acc.id)), Code::TwoFactorRequired);
    // The rule lifted, the member enters without it.
    set_policy(&mut w, &admin, &acc.id, "none").unwrap();
    enter(&mut w, &again.session, &acc.id).unwrap();
}

#[test]
fn employees_only_leaves_extranet_members_alone_and_a_new_invitee_enters_after_setting_it_up() {
    let mut w = World::new();
    let admin = w.person("policy-x-admin@example.com");
    let acc = create(&mut w, &admin, Some("Harbour"));
    let g = group(&mut w, &admin, &acc.id, "Partners", true);
    two_step_on(&mut w, &admin);
    set_policy(&mut w, &admin, &acc.id, "employees").unwrap();
    let opts = InviteOptions { group_ids: vec![g.clone()], extranet: true, ..Default::default() };
    invite(&mut w, &admin, &acc.id, &["policy-guest@example.com"], opts);
    let guest = accept_to(&mut w, "policy-guest@example.com", "Gus").unwrap().grant.unwrap();
    assert_eq!(guest.session.account_id.as_deref(), Some(acc.id.as_str()), "extranet: not required");
    set_policy(&mut w, &admin, &acc.id, "everyone").unwrap();
    assert_eq!(code_of(enter(&mut w, &guest.session, &acc.id)), Code::TwoFactorRequired);
    // A new employee invitee: the card is theirs, the session not inside the workspace yet.
    invite(&mut w, &admin, &acc.id, &["policy-new@example.com"], InviteOptions::default());
    let accepted = accept_to(&mut w, "policy-new@example.com", "Nia").unwrap();
    let newbie = accepted.grant.unwrap();
    assert_eq!(newbie.session.account_id, None);
    assert_eq!(code_of(enter(&mut w, &newbie.session, &acc.id)), Code::TwoFactorRequired);
    two_step_on(&mut w, &newbie);
    enter(&mut w, &newbie.session, &acc.id).unwrap();
}

#[test]
fn a_desktop_refresh_after_the_rule_is_switched_on_leaves_the_workspace() {
    let mut w = World::new();
    let admin = w.person("policy-r-admin@example.com");
    let acc = create(&mut w, &admin, Some("Refuge"));
    invite(&mut w, &admin, &acc.id, &["policy-desk@example.com"], InviteOptions::default());
    accept_to(&mut w, "policy-desk@example.com", "Dee").unwrap();
    let input = LoginInput {
        login: "policy-desk@example.com".into(),
        password: PW.into(),
        account_id: Some(acc.id.clone()),
        client: ClientKind::Desktop,
        ..Default::default()
    };
    let desk = w.run(|env| Box::pin(flows::login(env, input))).unwrap();
    assert_eq!(desk.session.account_id.as_deref(), Some(acc.id.as_str()));
    two_step_on(&mut w, &admin);
    set_policy(&mut w, &admin, &acc.id, "everyone").unwrap();
    // The refresh goes on (the family is the person's), outside the workspace.
    let rt = desk.refresh_token.clone().unwrap();
    let next = w.run(|env| Box::pin(async move { flows::refresh(env, &rt).await })).unwrap();
    assert_eq!(next.session.account_id, None);
    assert_eq!(code_of(enter(&mut w, &next.session, &acc.id)), Code::TwoFactorRequired);
}
