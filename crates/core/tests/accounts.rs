//! Accounts, people and the cleanup rules, against the SQL store (SQLite, the real migrations).

mod common;

use common::*;
use netid_core::flows::accounts::{self, MAX_ACCOUNTS_PER_PROFILE};
use netid_core::flows::cleanup::{self, decide, Decision};
use netid_core::flows::invitations::{self, AcceptInput, InviteOptions};
use netid_core::flows::operators;
use netid_core::flows::people::{self, CardEdit, NewUser};
use netid_core::flows::structure;
use netid_core::flows::{self, Grant, NamesInput};
use netid_core::model::{Account, ClientKind, Plan};
use netid_core::Code;

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
    let op = operator(&mut w, "ops-renames@example.com");
    let (id, o) = (acc.id.clone(), op.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { operators::grant_renames(env, &o, &id, 2).await }))),
        Code::PlanRequired
    );
    let (id, o) = (acc.id.clone(), op.clone());
    w.run(|env| Box::pin(async move { operators::set_plan(env, &o, &id, "standard").await })).unwrap();
    let (id, o) = (acc.id.clone(), op.clone());
    assert_eq!(
        w.run(|env| Box::pin(async move { operators::grant_renames(env, &o, &id, 2).await })).unwrap().renames_left,
        2
    );
    assert_eq!(rename(&mut w, &admin, "Third name").unwrap().renames_left, 1);
    assert!(w.store.data().audit.iter().any(|a| a.action == "account.renamed"));
    // Each operator action is in the account's log with the operator as its actor.
    let by_op: Vec<_> = w
        .store
        .data()
        .audit
        .iter()
        .filter(|a| a.action.starts_with("operator."))
        .map(|a| {
            (a.action.clone(), a.actor.clone(), a.account_id.clone(), a.detail.contains("ops-renames@example.com"))
        })
        .collect();
    let who = (Some(op.profile_id.clone()), Some(acc.id.clone()), true);
    assert_eq!(
        by_op,
        [
            ("operator.plan".to_string(), who.0.clone(), who.1.clone(), who.2),
            ("operator.renames".into(), who.0, who.1, who.2)
        ]
    );
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
fn admins_add_register_edit_and_dismiss_people() {
    let mut w = World::new();
    let admin = w.person("people-admin@example.com");
    let acc = create(&mut w, &admin, Some("People"));
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let dep = w
        .run(|env| Box::pin(async move { structure::create_department(env, &pid, &id, "Sales", None).await }))
        .unwrap();
    let (pid, id, parent) = (admin.profile.id.clone(), acc.id.clone(), dep.id.clone());
    let sub = w
        .run(|env| {
            Box::pin(async move { structure::create_department(env, &pid, &id, "Sales EU", Some(parent)).await })
        })
        .unwrap();
    assert_eq!(sub.parent_id.as_deref(), Some(dep.id.as_str()));

    // Add a user with login and password: the admin proves nothing. The owner confirms the
    // address with the code in the login details, then must replace the admin's password.
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
    let details = w.store.outbox_to("olga@example.com")[0].clone();
    assert_eq!(details.kind, "login_details");
    assert!(!details.body.contains("granite"), "passwords are never mailed");
    assert_eq!(
        code_of(w.login("olga@example.com", "granite-orchid-42", ClientKind::Browser)),
        Code::EmailUnconfirmed,
        "an admin-made profile is not confirmed"
    );
    let code = details.code.clone().unwrap();
    assert!(details.body.contains(&code));
    w.confirm("olga@example.com", &code).unwrap_err(); // a login re-sent a newer code
    let code = w.last_code("olga@example.com");
    let first = w.confirm("olga@example.com", &code).unwrap();
    assert!(first.session.password_change_required);
    let s = first.session.clone();
    assert_eq!(
        code_of(w.run(|env| {
            Box::pin(
                async move { flows::change_password(env, &s, Some("granite-orchid-42"), "granite-orchid-42").await },
            )
        })),
        Code::ValueUnchanged
    );
    let s = first.session.clone();
    w.run(|env| {
        Box::pin(async move { flows::change_password(env, &s, Some("granite-orchid-42"), "olga-own-meadow-7").await })
    })
    .unwrap();
    assert!(!w.auth(&first.token).unwrap().password_change_required);
    let g = w.login("olga@example.com", "olga-own-meadow-7", ClientKind::Browser).unwrap();
    assert!(!g.session.password_change_required);

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
        require_two_factor: Default::default(),
        remember_browsers: true,
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
    let (id, op) = (paid.id.clone(), operator(&mut w, "ops-cleanup@example.com"));
    w.run(|env| Box::pin(async move { operators::set_plan(env, &op, &id, "enterprise").await })).unwrap();
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
