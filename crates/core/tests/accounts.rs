//! Accounts, people, invitations, extranet and the cleanup rules, against the memory store.

mod common;

use common::*;
use netid_core::flows::accounts::{self, MAX_ACCOUNTS_PER_PROFILE};
use netid_core::flows::cleanup::{self, decide, Decision};
use netid_core::flows::invitations::{self, AcceptInput, InviteOptions, InviteeInput};
use netid_core::flows::people::{self, CardEdit, NewUser};
use netid_core::flows::{self, Grant, NamesInput};
use netid_core::model::{Account, ClientKind, InvitationState, Plan};
use netid_core::Code;

const LINK: &str = "http://127.0.0.1:8787";
const DAY: i64 = 86_400;

fn create(w: &mut World, who: &Grant, name: Option<&str>) -> netid_core::model::AccountView {
    let pid = who.profile.id.clone();
    let name = name.map(str::to_string);
    w.run(|env| Box::pin(async move { accounts::create_account(env, &pid, name.as_deref()).await })).unwrap()
}

fn invite(
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

fn token_for(w: &World, to: &str) -> String {
    w.store.outbox_to(to).iter().find(|m| m.kind == "invitation").and_then(|m| m.token.clone()).expect("an invitation")
}

fn accept_to(w: &mut World, to: &str, first: &str) -> netid_core::Result<invitations::Accepted> {
    let token = token_for(w, to);
    accept_new(w, &token, first)
}

fn accept_new(w: &mut World, token: &str, first: &str) -> netid_core::Result<invitations::Accepted> {
    let token = token.to_string();
    let input = AcceptInput {
        password: Some("violet-harbour-lantern".into()),
        first_name: Some(first.into()),
        last_name: Some("Guest".into()),
    };
    w.run(|env| Box::pin(async move { invitations::accept_invitation(env, &token, None, input).await }))
}

fn group(w: &mut World, admin: &Grant, account: &str, name: &str, extranet: bool) -> String {
    let pid = admin.profile.id.clone();
    let (account, name) = (account.to_string(), name.to_string());
    w.run(|env| Box::pin(async move { people::create_group(env, &pid, &account, &name, extranet).await })).unwrap().id
}

#[test]
fn creating_accounts_random_names_addresses_and_the_limit_of_seven() {
    let mut w = World::new();
    let a = w.person("owner@example.com");
    let first = create(&mut w, &a, None);
    assert!(first.name.starts_with("ws-"), "{}", first.name);
    assert_eq!(
        (first.role.as_str(), first.kind.as_str(), first.plan.as_str(), first.renames_left),
        ("admin", "employee", "free", 1)
    );
    let acme = create(&mut w, &a, Some("Acme Łódź"));
    assert_eq!(acme.address, "acme-lodz");
    let again = create(&mut w, &a, Some("Acme Lodz"));
    assert!(again.address.starts_with("acme-lodz-") && again.address != acme.address);
    for i in 4..=MAX_ACCOUNTS_PER_PROFILE {
        create(&mut w, &a, Some(&format!("Team {i}")));
    }
    let pid = a.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::create_account(env, &pid, Some("Eighth")).await }))),
        Code::AccountLimitReached
    );
    let pid = a.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::create_account(env, &pid, Some("  ")).await }))),
        Code::InvalidAccountName
    );
    let b = w.person("other-owner@example.com");
    let pid = b.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::create_account(env, &pid, Some("\u{7}")).await }))),
        Code::InvalidAccountName
    );
    let me = w.run(|env| Box::pin(async move { flows::me(env.store, &a.profile).await })).unwrap();
    assert_eq!(me.accounts.len(), 7);
}

#[test]
fn renaming_is_for_admins_once_and_more_only_on_paid_plans() {
    let mut w = World::new();
    let admin = w.person("admin@example.com");
    let acc = create(&mut w, &admin, Some("Old name"));
    let user = w.person("user@example.com");
    invite(&mut w, &admin, &acc.id, &["user@example.com"], InviteOptions::default());
    let token = token_for(&w, "user@example.com");
    let (t, s) = (token.clone(), w.auth(&user.token).unwrap());
    w.run(|env| {
        Box::pin(async move { invitations::accept_invitation(env, &t, Some(&s), AcceptInput::default()).await })
    })
    .unwrap();

    let rename = |w: &mut World, who: &Grant, name: &str| {
        let (pid, id, name) = (who.profile.id.clone(), acc.id.clone(), name.to_string());
        w.run(|env| Box::pin(async move { accounts::rename_account(env, &pid, &id, &name).await }))
    };
    assert_eq!(code_of(rename(&mut w, &user, "Mine now")), Code::NotAccountAdmin);
    let renamed = rename(&mut w, &admin, "New name").unwrap();
    assert_eq!((renamed.name.as_str(), renamed.address.as_str(), renamed.renames_left), ("New name", "new-name", 0));
    assert_eq!(code_of(rename(&mut w, &admin, "Third name")), Code::RenameLimitReached);
    let id = acc.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::grant_renames(env, &id, 2).await }))),
        Code::PlanRequired
    );
    let id = acc.id.clone();
    w.run(|env| Box::pin(async move { accounts::set_plan(env, &id, "standard").await })).unwrap();
    let id = acc.id.clone();
    assert_eq!(
        w.run(|env| Box::pin(async move { accounts::grant_renames(env, &id, 2).await })).unwrap().renames_left,
        2
    );
    assert_eq!(rename(&mut w, &admin, "Third name").unwrap().renames_left, 1);
    assert!(w.store.data().audit.iter().any(|a| a.action == "account.renamed"));
}

#[test]
fn non_members_see_nothing_and_enter_records_activity() {
    let mut w = World::new();
    let a = w.person("a@example.com");
    let b = w.person("b@example.com");
    let acc = create(&mut w, &a, Some("Private"));
    let (pid, id) = (b.profile.id.clone(), acc.id.clone());
    assert_eq!(code_of(w.run(|env| Box::pin(async move { accounts::access(env, &id, &pid).await }))), Code::NotFound);
    w.advance(3 * DAY);
    let a = w.login("a@example.com", PW, ClientKind::Browser).unwrap();
    let b = w.login("b@example.com", PW, ClientKind::Browser).unwrap();
    let (s, id) = (w.auth(&a.token).unwrap(), acc.id.clone());
    let entered = w.run(|env| Box::pin(async move { accounts::enter_account(env, &s, &id).await })).unwrap();
    assert_eq!(entered.account.last_activity_at, w.now);
    assert_eq!(w.store.data().accounts[&acc.id].last_activity_at, w.now);
    assert_eq!(w.auth(&a.token).unwrap().account_id.as_deref(), Some(acc.id.as_str()));
    let (s, id) = (w.auth(&b.token).unwrap(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::enter_account(env, &s, &id).await }))),
        Code::NotFound
    );
}

#[test]
fn a_profile_with_an_account_cannot_be_deleted_until_the_account_goes() {
    let mut w = World::new();
    let a = w.person("keeper@example.com");
    let acc = create(&mut w, &a, Some("Mine"));
    let pid = a.profile.id.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { flows::delete_profile(env, &pid, PW).await }))),
        Code::ProfileHasAccounts
    );
    let (pid, id) = (a.profile.id.clone(), acc.id.clone());
    w.run(|env| Box::pin(async move { accounts::delete_account(env, &pid, &id).await })).unwrap();
    let pid = a.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::delete_profile(env, &pid, PW).await })).unwrap();
}

#[test]
fn invitations_report_per_address_and_bind_groups() {
    let mut w = World::new();
    let admin = w.person("boss@example.com");
    let acc = create(&mut w, &admin, Some("Acme"));
    let g = group(&mut w, &admin, &acc.id, "Marketing", false);
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let six: Vec<InviteeInput> =
        (0..6).map(|i| InviteeInput { email: Some(format!("p{i}@example.com")), ..Default::default() }).collect();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move {
            invitations::invite(env, &pid, &id, six, InviteOptions::default(), LINK).await
        }))),
        Code::TooManyInvitees
    );
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let list = vec![
        InviteeInput {
            email: Some("ann@example.com".into()),
            first_name: Some("Ann".into()),
            last_name: Some("Lee".into()),
            ..Default::default()
        },
        InviteeInput { email: Some("not-an-email".into()), ..Default::default() },
        InviteeInput { email: Some("boss@example.com".into()), ..Default::default() },
        InviteeInput { phone: Some("+48 512 345 678".into()), ..Default::default() },
        InviteeInput { email: Some("ANN@example.com".into()), ..Default::default() },
    ];
    let opts = InviteOptions { group_ids: vec![g.clone()], ..Default::default() };
    let r = w.run(|env| Box::pin(async move { invitations::invite(env, &pid, &id, list, opts, LINK).await })).unwrap();
    let statuses: Vec<(&str, &str)> = r.iter().map(|x| (x.to.as_str(), x.status)).collect();
    assert_eq!(
        statuses,
        vec![
            ("ann@example.com", "sent"),
            ("not-an-email", "invalid"),
            ("boss@example.com", "already_member"),
            ("+48512345678", "sent")
        ]
    );
    assert_eq!(r[1].error.as_ref().map(|e| e.code), Some("invalid_email"));
    assert!(r[1].error.as_ref().unwrap().message.starts_with("Saisissez"), "in the admin's language");
    let again = invite(&mut w, &admin, &acc.id, &["ann@example.com"], InviteOptions::default());
    assert_eq!(again[0].status, "already_invited");
    let msg = w.store.outbox_to("ann@example.com")[0].clone();
    assert!(msg.link.as_deref().unwrap().starts_with("http://127.0.0.1:8787/#/invite/"));
    assert_eq!(w.store.outbox_to("+48512345678")[0].channel, netid_core::model::Channel::Sms);

    // The invited card carries the group and shows as invited.
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let invited =
        w.run(|env| Box::pin(async move { people::list_users(env, &pid, &id, Some("invited"), None).await })).unwrap();
    assert_eq!(invited.len(), 2);
    assert!(invited.iter().all(|u| u.group_ids == vec![g.clone()]));
    let ann = invited.iter().find(|u| u.contact_email.as_deref() == Some("ann@example.com")).unwrap();
    assert_eq!((ann.first_name.as_str(), ann.last_name.as_str()), ("Ann", "Lee"));
}

#[test]
fn mass_invitation_dedupes_and_reports_each_address() {
    let mut w = World::new();
    let admin = w.person("mass@example.com");
    let acc = create(&mut w, &admin, Some("Mass"));
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let text = "a@example.com b@example.com, A@example.com\nbad@ mass@example.com";
    let r = w
        .run(|env| {
            Box::pin(
                async move { invitations::invite_mass(env, &pid, &id, text, InviteOptions::default(), LINK).await },
            )
        })
        .unwrap();
    let statuses: Vec<&str> = r.iter().map(|x| x.status).collect();
    assert_eq!(statuses, vec!["sent", "sent", "invalid", "already_member"]);
}

#[test]
fn accepting_as_a_new_person_or_as_an_existing_profile() {
    let mut w = World::new();
    let admin = w.person("host@example.com");
    let acc = create(&mut w, &admin, Some("Host"));
    invite(&mut w, &admin, &acc.id, &["newbie@example.com", "known@example.com"], InviteOptions::default());
    let known = w.person("known@example.com");

    // A new person: the password sets up their profile; the address counts as confirmed.
    let token = token_for(&w, "newbie@example.com");
    let t = token.clone();
    let info = w.run(|env| Box::pin(async move { invitations::invitation_info(env, &t).await })).unwrap();
    assert!(info.needs_registration);
    assert_eq!(info.account.name, "Host");
    let t = token.clone();
    let weak =
        AcceptInput { password: Some("short".into()), first_name: Some("Nina".into()), last_name: Some("New".into()) };
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { invitations::accept_invitation(env, &t, None, weak).await }))),
        Code::PasswordTooShort
    );
    let accepted = accept_new(&mut w, &token, "Nina").unwrap();
    let grant = accepted.grant.expect("a session");
    assert!(grant.profile.email_confirmed);
    assert_eq!(grant.session.account_id.as_deref(), Some(acc.id.as_str()));
    assert_eq!(accepted.account.role, "user");
    assert!(w.login("newbie@example.com", "violet-harbour-lantern", ClientKind::Browser).is_ok());
    assert_eq!(code_of(accept_new(&mut w, &token, "Nina")), Code::NotFound, "single use");

    // An existing profile must be logged in as itself.
    let token = token_for(&w, "known@example.com");
    let t = token.clone();
    assert!(
        !w.run(|env| Box::pin(async move { invitations::invitation_info(env, &t).await })).unwrap().needs_registration
    );
    let t = token.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move {
            invitations::accept_invitation(env, &t, None, AcceptInput::default()).await
        }))),
        Code::Unauthenticated
    );
    let (t, other) = (token.clone(), w.auth(&grant.token).unwrap());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move {
            invitations::accept_invitation(env, &t, Some(&other), AcceptInput::default()).await
        }))),
        Code::Forbidden
    );
    let (t, me) = (token.clone(), w.auth(&known.token).unwrap());
    let ok = w
        .run(|env| {
            Box::pin(async move { invitations::accept_invitation(env, &t, Some(&me), AcceptInput::default()).await })
        })
        .unwrap();
    assert!(ok.grant.is_none());
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let active =
        w.run(|env| Box::pin(async move { people::list_users(env, &pid, &id, Some("active"), None).await })).unwrap();
    assert_eq!(active.len(), 3);
}

#[test]
fn invitations_expire_after_seven_days_and_resend_kills_the_old_link() {
    let mut w = World::new();
    let admin = w.person("resend@example.com");
    let acc = create(&mut w, &admin, Some("Resend"));
    let r = invite(&mut w, &admin, &acc.id, &["late@example.com"], InviteOptions::default());
    let iid = r[0].invitation_id.clone().unwrap();
    let old = token_for(&w, "late@example.com");
    w.advance(7 * DAY);
    let t = old.clone();
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { invitations::invitation_info(env, &t).await }))),
        Code::InvitationExpired
    );
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let listed = w.run(|env| Box::pin(async move { invitations::list_invitations(env, &pid, &id).await })).unwrap();
    assert_eq!(listed[0].status, "expired");
    let (pid, id, i) = (admin.profile.id.clone(), acc.id.clone(), iid.clone());
    let resent =
        w.run(|env| Box::pin(async move { invitations::resend_invitation(env, &pid, &id, &i, LINK).await })).unwrap();
    assert_eq!(resent.status, "pending");
    let new = token_for(&w, "late@example.com");
    assert_ne!(new, old);
    assert_eq!(code_of(accept_new(&mut w, &old, "Late")), Code::NotFound, "the old link is dead");
    assert!(accept_new(&mut w, &new, "Late").is_ok());

    // Revoke: the link dies and the invited card goes.
    let r = invite(&mut w, &admin, &acc.id, &["gone@example.com"], InviteOptions::default());
    let (pid, id, i) = (admin.profile.id.clone(), acc.id.clone(), r[0].invitation_id.clone().unwrap());
    w.run(|env| Box::pin(async move { invitations::revoke_invitation(env, &pid, &id, &i).await })).unwrap();
    assert_eq!(code_of(accept_to(&mut w, "gone@example.com", "Gone")), Code::NotFound);
    assert!(w.store.data().memberships.values().all(|m| m.contact_email.as_deref() != Some("gone@example.com")));
    assert!(w.store.data().invitations.values().any(|i| i.state == InvitationState::Revoked));
}

#[test]
fn extranet_needs_extranet_groups_and_sees_only_them() {
    let mut w = World::new();
    let admin = w.person("ext-admin@example.com");
    let acc = create(&mut w, &admin, Some("Ext"));
    let internal = group(&mut w, &admin, &acc.id, "Internal", false);
    let project = group(&mut w, &admin, &acc.id, "Project X", true);
    let other = group(&mut w, &admin, &acc.id, "Project Y", true);
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let list = vec![InviteeInput { email: Some("partner@example.com".into()), ..Default::default() }];
    let bad = InviteOptions { group_ids: vec![internal.clone()], extranet: true, ..Default::default() };
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { invitations::invite(env, &pid, &id, list, bad, LINK).await }))),
        Code::ExtranetRequiresExtranetGroup
    );
    invite(
        &mut w,
        &admin,
        &acc.id,
        &["partner@example.com"],
        InviteOptions { group_ids: vec![project.clone()], extranet: true, ..Default::default() },
    );
    let partner = accept_to(&mut w, "partner@example.com", "Pat").unwrap().grant.unwrap();
    assert_eq!(partner.profile.email.as_deref(), Some("partner@example.com"));
    let (pid, id) = (partner.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { people::list_users(env, &pid, &id, None, None).await }))),
        Code::NotFound
    );
    let (pid, id) = (partner.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { people::list_departments(env, &pid, &id).await }))),
        Code::NotFound
    );
    let (pid, id) = (partner.profile.id.clone(), acc.id.clone());
    let groups = w.run(|env| Box::pin(async move { people::list_groups(env, &pid, &id).await })).unwrap();
    assert_eq!(groups.iter().map(|g| g.id.clone()).collect::<Vec<_>>(), vec![project.clone()]);
    let (pid, id) = (partner.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { invitations::list_invitations(env, &pid, &id).await }))),
        Code::NotFound
    );
    let _ = other;
}

#[test]
fn seed_004_a_dismissed_employee_returns_as_extranet() {
    let mut w = World::new();
    let admin = w.person("hr@example.com");
    let acc = create(&mut w, &admin, Some("Firm"));
    let project = group(&mut w, &admin, &acc.id, "Client project", true);
    invite(&mut w, &admin, &acc.id, &["emp@example.com"], InviteOptions::default());
    let emp = accept_to(&mut w, "emp@example.com", "Emil").unwrap().grant.unwrap();
    let card = w.store.data().cards_of(&emp.profile.id)[0].id.clone();

    // 1. Dismiss: access ends at once.
    let (pid, id, c) = (admin.profile.id.clone(), acc.id.clone(), card.clone());
    let dismissed = w.run(|env| Box::pin(async move { people::dismiss_user(env, &pid, &id, &c).await })).unwrap();
    assert_eq!(dismissed.status, "dismissed");
    let (pid, id) = (emp.profile.id.clone(), acc.id.clone());
    assert_eq!(code_of(w.run(|env| Box::pin(async move { accounts::access(env, &id, &pid).await }))), Code::NotFound);
    let ext = InviteOptions { group_ids: vec![project.clone()], extranet: true, ..Default::default() };
    assert_eq!(invite(&mut w, &admin, &acc.id, &["emp@example.com"], ext.clone())[0].status, "email_taken");

    // 2. The person changes their network email.
    let pid = emp.profile.id.clone();
    w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "emil.private@example.com").await }))
        .unwrap();
    let code = w.last_code("emil.private@example.com");
    let pid = emp.profile.id.clone();
    w.run(|env| {
        Box::pin(async move { flows::confirm_email_change(env, &pid, "emil.private@example.com", &code, false).await })
    })
    .unwrap();
    assert_eq!(
        invite(&mut w, &admin, &acc.id, &["emp@example.com"], ext.clone())[0].status,
        "email_taken",
        "still the card's contact email"
    );

    // 3. The admin edits the dismissed card's contact email.
    let (pid, id, c) = (admin.profile.id.clone(), acc.id.clone(), card.clone());
    let edit = CardEdit { contact_email: Some("former.emil@example.com".into()), ..Default::default() };
    let edited = w.run(|env| Box::pin(async move { people::edit_user(env, &pid, &id, &c, edit).await })).unwrap();
    assert_eq!((edited.status, edited.contact_email.as_deref()), ("dismissed", Some("former.emil@example.com")));

    // 4. The old address is invited into an extranet group and accepted by a new profile.
    let r = invite(&mut w, &admin, &acc.id, &["emp@example.com"], ext);
    assert_eq!(r[0].status, "sent");
    let back = accept_to(&mut w, "emp@example.com", "Emil").unwrap();
    assert_eq!(back.account.kind, "extranet");
    assert_ne!(back.grant.unwrap().profile.id, emp.profile.id);
}

#[test]
fn admins_add_register_edit_and_dismiss_people() {
    let mut w = World::new();
    let admin = w.person("people-admin@example.com");
    let acc = create(&mut w, &admin, Some("People"));
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let dep =
        w.run(|env| Box::pin(async move { people::create_department(env, &pid, &id, "Sales", None).await })).unwrap();
    let (pid, id, parent) = (admin.profile.id.clone(), acc.id.clone(), dep.id.clone());
    let sub = w
        .run(|env| Box::pin(async move { people::create_department(env, &pid, &id, "Sales EU", Some(parent)).await }))
        .unwrap();
    assert_eq!(sub.parent_id.as_deref(), Some(dep.id.as_str()));

    // Add a user with login and password: they can log in at once.
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let input = NewUser {
        first_name: "Olga".into(),
        last_name: "Ivanova".into(),
        email: "olga@example.com".into(),
        position: Some("Sales manager".into()),
        department_id: Some(dep.id.clone()),
        password: Some("granite-orchid-42".into()),
        personal: Some(r#"{"gender":"f","birthday":"1990-04-01"}"#.into()),
        ..Default::default()
    };
    let olga = w.run(|env| Box::pin(async move { people::add_user(env, &pid, &id, input, LINK).await })).unwrap();
    assert_eq!((olga.status, olga.role, olga.department_id.as_deref()), ("active", "user", Some(dep.id.as_str())));
    let g = w.login("olga@example.com", "granite-orchid-42", ClientKind::Browser).unwrap();
    assert_eq!(w.store.outbox_to("olga@example.com")[0].kind, "login_details");
    assert!(!w.store.outbox_to("olga@example.com")[0].body.contains("granite"), "passwords are never mailed");

    // Register a user: an invited card and a set-password link.
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let input = NewUser {
        first_name: "Piotr".into(),
        last_name: "Nowak".into(),
        email: "piotr@example.com".into(),
        ..Default::default()
    };
    let piotr = w.run(|env| Box::pin(async move { people::add_user(env, &pid, &id, input, LINK).await })).unwrap();
    assert_eq!(piotr.status, "invited");
    assert!(accept_to(&mut w, "piotr@example.com", "Piotr").is_ok());

    // A plain user cannot administer; the last admin cannot be demoted or dismissed.
    let (pid, id) = (g.profile.id.clone(), acc.id.clone());
    let input =
        NewUser { first_name: "X".into(), last_name: "Y".into(), email: "x@example.com".into(), ..Default::default() };
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { people::add_user(env, &pid, &id, input, LINK).await }))),
        Code::NotAccountAdmin
    );
    let admin_card = w.store.data().cards_of(&admin.profile.id)[0].id.clone();
    let (pid, id, c) = (admin.profile.id.clone(), acc.id.clone(), admin_card.clone());
    let demote = CardEdit { role: Some("user".into()), ..Default::default() };
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { people::edit_user(env, &pid, &id, &c, demote).await }))),
        Code::LastAdmin
    );
    let (pid, id, c) = (admin.profile.id.clone(), acc.id.clone(), admin_card);
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { people::dismiss_user(env, &pid, &id, &c).await }))),
        Code::LastAdmin
    );

    // Filters.
    let (pid, id, c) = (admin.profile.id.clone(), acc.id.clone(), olga.id.clone());
    w.run(|env| Box::pin(async move { people::dismiss_user(env, &pid, &id, &c).await })).unwrap();
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let dismissed = w
        .run(|env| {
            Box::pin(async move { people::list_users(env, &pid, &id, Some("dismissed"), Some("employee")).await })
        })
        .unwrap();
    assert_eq!(dismissed.iter().map(|u| u.first_name.as_str()).collect::<Vec<_>>(), vec!["Olga"]);
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { people::list_users(env, &pid, &id, Some("gone"), None).await }))),
        Code::InvalidRequest
    );
    assert_eq!(
        code_of(w.auth(&g.token).map(|_| ()).and(Err::<(), _>(netid_core::Error::new(Code::Unauthenticated)))),
        Code::Unauthenticated
    );
    let (pid, id) = (g.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { accounts::access(env, &id, &pid).await }))),
        Code::NotFound,
        "dismissed: no access"
    );
}

#[test]
fn apply_to_all_accounts_reaches_every_card() {
    let mut w = World::new();
    let a = w.person("many@example.com");
    create(&mut w, &a, Some("One"));
    create(&mut w, &a, Some("Two"));
    let pid = a.profile.id.clone();
    let input = NamesInput { first_name: Some("Marta".into()), last_name: None, apply_to_all_accounts: true };
    w.run(|env| Box::pin(async move { flows::update_names(env, &pid, input).await })).unwrap();
    assert!(w.store.data().cards_of(&a.profile.id).iter().all(|c| c.first_name == "Marta"));
}

fn account(plan: Plan, idle_days: i64, warned: Option<i64>, now: i64) -> Account {
    Account {
        id: "acc".into(),
        name: "n".into(),
        address: "n".into(),
        plan,
        renames_left: 1,
        created_by: "p".into(),
        created_at: 0,
        last_activity_at: now - idle_days * DAY,
        warned_at: warned,
    }
}

#[test]
fn the_cleanup_rule() {
    let now = T0;
    assert_eq!(decide(now, &account(Plan::Free, 42, None, now)), Decision::Keep);
    assert_eq!(decide(now, &account(Plan::Free, 43, None, now)), Decision::Warn);
    assert_eq!(decide(now, &account(Plan::Free, 45, Some(now - DAY), now)), Decision::Keep, "warned once");
    assert_eq!(decide(now, &account(Plan::Free, 49, None, now)), Decision::Warn);
    assert_eq!(
        decide(now, &account(Plan::Free, 50, Some(now), now)),
        Decision::Keep,
        "exactly 50 days is not more than 50"
    );
    assert_eq!(decide(now, &account(Plan::Free, 51, Some(now), now)), Decision::Delete);
    for plan in [Plan::Standard, Plan::Professional, Plan::Enterprise] {
        assert_eq!(decide(now, &account(plan, 400, None, now)), Decision::Keep);
    }
}

#[test]
fn cleanup_warns_at_43_days_deletes_after_50_and_resumes() {
    let mut w = World::new();
    let admin = w.person("sleepy@example.com");
    let free = create(&mut w, &admin, Some("Free one"));
    let paid = create(&mut w, &admin, Some("Paid one"));
    let id = paid.id.clone();
    w.run(|env| Box::pin(async move { accounts::set_plan(env, &id, "enterprise").await })).unwrap();
    invite(&mut w, &admin, &free.id, &["someone@example.com"], InviteOptions::default());
    let run = |w: &mut World, max: u32| {
        w.run(|env| Box::pin(async move { cleanup::run_cleanup(env, max, 10, true).await })).unwrap()
    };

    w.advance(42 * DAY);
    assert_eq!(run(&mut w, 100), cleanup::CleanupReport::default());
    w.advance(DAY);
    assert_eq!(run(&mut w, 100).warned, 1);
    let warning = w
        .store
        .outbox_to("sleepy@example.com")
        .into_iter()
        .find(|m| m.kind == "inactivity_warning")
        .expect("a warning");
    assert!(warning.subject.contains("Free one"));
    assert_eq!(run(&mut w, 100).warned, 0, "warned once");
    w.advance(6 * DAY);
    assert_eq!(run(&mut w, 100).deleted, 0, "49 days: kept");
    w.advance(2 * DAY);
    assert_eq!(run(&mut w, 100).deleted, 1, "51 days: deleted");
    let d = w.store.data();
    assert!(!d.accounts.contains_key(&free.id));
    assert!(d.memberships.values().all(|m| m.account_id != free.id));
    assert!(d.invitations.values().all(|i| i.account_id != free.id));
    assert!(d.accounts.contains_key(&paid.id));
    w.advance(350 * DAY);
    run(&mut w, 100);
    assert!(w.store.data().accounts.contains_key(&paid.id), "paid: kept after 400 days");

    // Resumable: more accounts than one run takes.
    let mut w2 = World::new();
    let owner = w2.person("bulk@example.com");
    for i in 0..7 {
        create(&mut w2, &owner, Some(&format!("Bulk {i}")));
    }
    w2.advance(60 * DAY);
    let first = run(&mut w2, 3);
    assert_eq!((first.deleted, first.more), (3, true));
    let second = run(&mut w2, 3);
    assert_eq!((second.deleted, second.more), (3, true));
    let third = run(&mut w2, 3);
    assert_eq!((third.deleted, third.more), (1, false));
    assert!(w2.store.data().accounts.is_empty());
    assert_eq!(run(&mut w2, 3), cleanup::CleanupReport::default(), "idempotent");
}

#[test]
fn login_into_an_account_counts_as_activity() {
    let mut w = World::new();
    let a = w.person("active@example.com");
    let acc = create(&mut w, &a, Some("Busy"));
    w.advance(45 * DAY);
    let input = flows::LoginInput {
        login: "active@example.com".into(),
        password: PW.into(),
        account_id: Some(acc.id.clone()),
        ..Default::default()
    };
    w.run(|env| Box::pin(flows::login(env, input))).unwrap();
    assert_eq!(w.store.data().accounts[&acc.id].last_activity_at, w.now);
    w.advance(10 * DAY);
    let r = w.run(|env| Box::pin(async move { cleanup::run_cleanup(env, 10, 10, true).await })).unwrap();
    assert_eq!(r.deleted, 0);
}
