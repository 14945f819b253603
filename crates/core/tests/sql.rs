//! The one storage implementation where the old twin stores differed, and races that only the
//! SQL can decide: each test here runs core's statements on SQLite over `worker/migrations`
//! (the native tests' `World`), and the race tests run two flows on two connections to one
//! database file whose commits wait for each other, so both read before either writes.

mod common;

use common::*;
use netid_core::flows::invitations::InviteOptions;
use netid_core::flows::people::{self, CardEdit};
use netid_core::flows::structure;
use netid_core::model::*;
use netid_core::store::{Change, Guard, Store};
use netid_core::Code;
use pollster::block_on;

fn commit(w: &World, changes: Vec<Change>) -> netid_core::Result<()> {
    block_on(w.store.commit(changes))
}

fn department(w: &mut World, admin: &Grant, account: &str, name: &str) -> netid_core::Result<Department> {
    let (pid, account, name) = (admin.profile.id.clone(), account.to_string(), name.to_string());
    w.run(|env| Box::pin(async move { structure::create_department(env, &pid, &account, &name, None).await }))
}

fn card(account_id: &str, id: &str, profile_id: &str) -> Membership {
    Membership {
        id: id.into(),
        account_id: account_id.into(),
        profile_id: Some(profile_id.into()),
        status: MemberStatus::Active,
        created_at: T0,
        ..Membership::default()
    }
}

use netid_core::flows::Grant;

#[test]
fn a_second_card_of_one_person_in_one_account_answers_already_member_not_a_storage_error() {
    // Migration 0002's unique index on (account_id, profile_id) decides; an email and a phone
    // invitation of one person accepted at the same moment reach it from two requests.
    let mut w = World::new();
    let admin = w.person("two-cards-admin@example.com");
    let acc = create(&mut w, &admin, Some("Two cards"));
    let member = w.person("two-cards@example.com");
    commit(&w, vec![Change::PutMembership(card(&acc.id, "mem_first", &member.profile.id))]).unwrap();
    let second = commit(&w, vec![Change::PutMembership(card(&acc.id, "mem_second", &member.profile.id))]);
    assert_eq!(second.map_err(|e| e.code), Err(Code::AlreadyMember));
    assert_eq!(w.store.data().cards_of(&member.profile.id).len(), 1);
}

#[test]
fn a_resend_read_before_a_department_was_deleted_does_not_bring_the_department_back() {
    // PutInvitation writes only what a resend or an acceptance changes; a resend racing the
    // deletion of the invitation's department keeps the deletion.
    let mut w = World::shared();
    let admin = w.person("resend-admin@example.com");
    let acc = create(&mut w, &admin, Some("Resend race"));
    let d = department(&mut w, &admin, &acc.id, "Sales").unwrap();
    let opts = InviteOptions { department_id: Some(d.id.clone()), ..Default::default() };
    invite(&mut w, &admin, &acc.id, &["resent@example.com"], opts);
    let inv = w.store.data().invitations.values().next().unwrap().clone();
    assert_eq!(inv.department_id.as_deref(), Some(d.id.as_str()));
    let (pid, acc_id, did, inv_id) = (admin.profile.id.clone(), acc.id.clone(), d.id.clone(), inv.id.clone());
    let (pid2, acc2) = (pid.clone(), acc_id.clone());
    let (deleted, resent) = race(
        &mut w,
        move |w| w.run(|env| Box::pin(async move { structure::delete_department(env, &pid, &acc_id, &did).await })),
        move |w| {
            w.run(|env| {
                Box::pin(async move {
                    netid_core::flows::invitations::resend_invitation(env, &pid2, &acc2, &inv_id, LINK).await
                })
            })
        },
    );
    deleted.unwrap();
    resent.unwrap();
    let after = w.store.data();
    assert_eq!(after.invitations[&inv.id].department_id, None, "the deleted department stays gone");
    assert_ne!(after.invitations[&inv.id].token_hash, inv.token_hash, "the resend landed too");
    assert!(after.departments.is_empty());
    assert_eq!(w.store.broken_invariants(), Vec::<String>::new());
}

#[test]
fn a_card_keeps_its_creation_time_and_one_link_per_group() {
    let mut w = World::new();
    let admin = w.person("card-rows@example.com");
    let acc = create(&mut w, &admin, Some("Card rows"));
    let (g1, g2) = (group(&mut w, &admin, &acc.id, "Beta", false), group(&mut w, &admin, &acc.id, "Alpha", false));
    let mut m = w.store.data().cards_of(&admin.profile.id)[0].clone();
    let created = m.created_at;
    m.group_ids = vec![g2.clone(), g1.clone(), g2.clone()];
    m.created_at = created + 999;
    commit(&w, vec![Change::PutMembership(m.clone())]).unwrap();
    let back = w.store.data().memberships[&m.id].clone();
    assert_eq!(back.created_at, created, "an upsert never rewrites when the card was made");
    let mut want = vec![g1, g2];
    want.sort();
    assert_eq!(back.group_ids, want, "one link per group, in a stable order");
}

#[test]
fn enabling_two_step_never_moves_the_last_used_step_back() {
    let mut w = World::new();
    let p = w.person("steps@example.com");
    let pid = p.profile.id.clone();
    let tf = TwoFactor {
        profile_id: pid.clone(),
        secret_sealed: "sealed".into(),
        enabled: false,
        last_step: 0,
        created_at: T0,
    };
    commit(&w, vec![Change::PutTwoFactor(tf), Change::UseTotpStep { profile_id: pid.clone(), step: 100 }]).unwrap();
    commit(&w, vec![Change::EnableTwoFactor { profile_id: pid.clone(), step: 90 }]).unwrap();
    let d = w.store.data();
    assert_eq!(d.two_factor[&pid].last_step, 100, "a code of step 95 stays refused");
    assert!(d.two_factor[&pid].enabled && d.profiles[&pid].two_factor_enabled);
    let replay = commit(&w, vec![Change::Guard(Guard::TotpStepUnused { profile_id: pid.clone(), step: 95 })]);
    assert_eq!(replay.map_err(|e| e.code), Err(Code::InvalidOtpLogin));
}

#[test]
fn deleting_a_profile_leaves_no_social_sign_in_in_progress() {
    let mut w = World::new();
    let p = w.person("leaving-social@example.com");
    let state = SocialState {
        state_hash: "state-1".into(),
        provider: "google".into(),
        mode: SocialMode::Connect,
        profile_id: Some(p.profile.id.clone()),
        session_hash: Some(p.session.token_hash.clone()),
        nonce: "n".into(),
        verifier: "v".into(),
        return_to: "/".into(),
        binding_hash: "b".into(),
        client: ClientKind::Browser,
        lang: netid_core::Lang::En,
        expires_at: T0 + 600,
        created_at: T0,
    };
    commit(&w, vec![Change::PutSocialState(state)]).unwrap();
    assert_eq!(w.store.data().social_states.len(), 1);
    commit(&w, vec![Change::DeleteProfile(p.profile.id.clone())]).unwrap();
    let d = w.store.data();
    assert!(d.social_states.is_empty() && d.sessions.is_empty() && d.profiles.is_empty());
    assert!(block_on(w.store.take_social_state("state-1", T0)).unwrap().is_none());
}

#[test]
fn a_commit_fails_with_the_error_of_the_guard_that_did_not_hold() {
    let mut w = World::new();
    let admin = w.person("which-guard@example.com");
    let acc = create(&mut w, &admin, Some("Which guard"));
    let r = commit(
        &w,
        vec![
            Change::Guard(Guard::RenamesLeft { account_id: acc.id.clone() }),
            Change::Guard(Guard::PaidPlan { account_id: acc.id.clone() }),
            Change::SetPlan { account_id: acc.id.clone(), plan: Plan::Enterprise },
        ],
    );
    assert_eq!(r.map_err(|e| e.code), Err(Code::PlanRequired), "the second guard failed, not the first");
    assert_eq!(w.store.data().accounts[&acc.id].plan, Plan::Free);
}

#[test]
fn only_an_active_employee_admin_counts_as_another_admin() {
    // The rule is one: Membership::is_active_admin in the flow, the guard's SQL, the invariant.
    let mut w = World::new();
    let admin = w.person("only-admin@example.com");
    let acc = create(&mut w, &admin, Some("One admin"));
    let outsider = w.person("extranet-admin@example.com");
    let mut odd = card(&acc.id, "mem_extranet_admin", &outsider.profile.id);
    odd.kind = MemberType::Extranet;
    odd.role = Role::Admin;
    commit(&w, vec![Change::PutMembership(odd)]).unwrap();
    let mine = w.store.data().cards_of(&admin.profile.id)[0].id.clone();
    let guard = commit(
        &w,
        vec![Change::Guard(Guard::OtherActiveAdmin { account_id: acc.id.clone(), membership_id: mine.clone() })],
    );
    assert_eq!(guard.map_err(|e| e.code), Err(Code::LastAdmin));
    let (pid, acc_id) = (admin.profile.id.clone(), acc.id.clone());
    let edit = CardEdit { role: Some("user".into()), ..Default::default() };
    let r = w.run(|env| Box::pin(async move { people::edit_user(env, &pid, &acc_id, &mine, edit).await }));
    assert_eq!(code_of(r), Code::LastAdmin, "the flow refuses as the guard does");
}

#[test]
fn names_that_differ_only_in_unicode_case_collide_even_when_created_at_once() {
    let mut w = World::shared();
    let admin = w.person("unicode-names@example.com");
    let acc = create(&mut w, &admin, Some("Unicode names"));
    // One after the other, the flow's own check refuses.
    department(&mut w, &admin, &acc.id, "Équipe").unwrap();
    assert_eq!(code_of(department(&mut w, &admin, &acc.id, "ÉQUIPE")), Code::NameTaken);
    // At once, both flows see a free name, and the commit's guard decides by the same key.
    let (a1, a2, acc1, acc2) = (admin.clone(), admin.clone(), acc.id.clone(), acc.id.clone());
    let (left, right) =
        race(&mut w, move |w| department(w, &a1, &acc1, "élan"), move |w| department(w, &a2, &acc2, "ÉLAN"));
    let codes: Vec<Option<Code>> = [left.err().map(|e| e.code), right.err().map(|e| e.code)].into();
    assert!(codes.contains(&None) && codes.contains(&Some(Code::NameTaken)), "{codes:?}");
    assert_eq!(w.store.data().departments.len(), 2);
}

#[test]
fn of_two_admins_demoting_each_other_at_once_one_stays_admin() {
    let mut w = World::shared();
    let a = w.person("admin-a@example.com");
    let acc = create(&mut w, &a, Some("Two admins"));
    invite(&mut w, &a, &acc.id, &["admin-b@example.com"], InviteOptions::default());
    let b = accept_to(&mut w, "admin-b@example.com", "Bea").unwrap().grant.unwrap();
    let d = w.store.data();
    let (card_a, card_b) = (d.cards_of(&a.profile.id)[0].id.clone(), d.cards_of(&b.profile.id)[0].id.clone());
    let promote = CardEdit { role: Some("admin".into()), ..Default::default() };
    let (pa, acc_id, cb) = (a.profile.id.clone(), acc.id.clone(), card_b.clone());
    w.run(|env| Box::pin(async move { people::edit_user(env, &pa, &acc_id, &cb, promote).await })).unwrap();
    let demote = || CardEdit { role: Some("user".into()), ..Default::default() };
    let (pa, pb, acc1, acc2) = (a.profile.id.clone(), b.profile.id.clone(), acc.id.clone(), acc.id.clone());
    let (da, db) = (demote(), demote());
    let (left, right) = race(
        &mut w,
        move |w| w.run(|env| Box::pin(async move { people::edit_user(env, &pa, &acc1, &card_b, da).await })),
        move |w| w.run(|env| Box::pin(async move { people::edit_user(env, &pb, &acc2, &card_a, db).await })),
    );
    let codes = [left.err().map(|e| e.code), right.err().map(|e| e.code)];
    assert!(codes.contains(&None) && codes.contains(&Some(Code::LastAdmin)), "{codes:?}");
    assert_eq!(w.store.broken_invariants(), Vec::<String>::new());
}

#[test]
fn of_two_acceptances_of_one_invitation_at_once_one_creates_the_profile() {
    let mut w = World::shared();
    let admin = w.person("accept-race-admin@example.com");
    let acc = create(&mut w, &admin, Some("Accept race"));
    invite(&mut w, &admin, &acc.id, &["twice@example.com"], InviteOptions::default());
    let token = token_for(&w, "twice@example.com");
    let t2 = token.clone();
    let (left, right) = race(&mut w, move |w| accept_new(w, &token, "One"), move |w| accept_new(w, &t2, "Two"));
    let oks = [left.is_ok(), right.is_ok()];
    assert_eq!(oks.iter().filter(|ok| **ok).count(), 1, "exactly one acceptance lands: {oks:?}");
    let d = w.store.data();
    assert_eq!(d.profiles.values().filter(|p| p.email.as_deref() == Some("twice@example.com")).count(), 1);
    assert_eq!(w.store.broken_invariants(), Vec::<String>::new());
}

#[test]
fn what_a_request_read_ahead_answers_its_reads_until_it_commits() {
    use netid_core::sql::{Ahead, Keys};
    let mut w = World::new();
    let admin = w.person("ahead@example.com");
    let acc = create(&mut w, &admin, Some("Ahead"));
    department(&mut w, &admin, &acc.id, "Sales").unwrap();
    let hash = admin.session.token_hash.clone();
    let everything = [Ahead::Me, Ahead::Account, Ahead::Cards, Ahead::Departments, Ahead::Groups, Ahead::Invitations];
    block_on(
        w.store.read_ahead(
            Keys { session: Some(&hash), account: Some(&acc.id), invitation: None, card: None },
            &everything,
        ),
    )
    .unwrap();
    let before = w.store.rounds();
    // The session, the caller's card and the account's lists: no round trip.
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let listed = w.run(|env| Box::pin(async move { structure::list_departments(env, &pid, &id).await })).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(block_on(w.store.session(&hash)).unwrap().is_some());
    assert_eq!(w.store.rounds(), before, "answered from what was read ahead");
    // A commit forgets it: the next read sees the commit.
    department(&mut w, &admin, &acc.id, "Support").unwrap();
    let after = w.store.rounds();
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let listed = w.run(|env| Box::pin(async move { structure::list_departments(env, &pid, &id).await })).unwrap();
    assert_eq!(listed.len(), 2, "the commit's department is there");
    assert!(w.store.rounds() > after);
    // An unknown token reads nothing else and answers no session.
    block_on(w.store.read_ahead(
        Keys { session: Some("no-such-token"), account: Some(&acc.id), invitation: None, card: None },
        &everything,
    ))
    .unwrap();
    assert!(block_on(w.store.session("no-such-token")).unwrap().is_none());
    assert!(block_on(w.store.account(&acc.id)).unwrap().is_some(), "the account is read from the database");
}

#[test]
fn read_ahead_answers_what_the_reads_one_by_one_answer() {
    use netid_core::sql::{Ahead, Keys};
    let mut w = World::new();
    let admin = w.person("same-answers@example.com");
    let acc = create(&mut w, &admin, Some("Same answers"));
    department(&mut w, &admin, &acc.id, "Ops").unwrap();
    group(&mut w, &admin, &acc.id, "Guests", true);
    invite(&mut w, &admin, &acc.id, &["guest@example.com"], InviteOptions::default());
    // The invited address has a profile of its own already (a claim), with an account.
    let guest = w.person("guest@example.com");
    create(&mut w, &guest, Some("Guest's own"));
    let inv_hash = netid_core::tokens::token_hash(&token_for(&w, "guest@example.com"));
    let inv = w.store.data().invitations.values().next().unwrap().clone();
    let (hash, pid, aid) = (admin.session.token_hash.clone(), admin.profile.id.clone(), acc.id.clone());
    let gid = guest.profile.id.clone();
    let one_by_one = || {
        block_on(async {
            (
                (
                    w.store.session(&hash).await.unwrap(),
                    w.store.profile_with_accounts(&pid).await.unwrap(),
                    w.store.two_factor(&pid).await.unwrap(),
                    w.store.sessions_of(&pid).await.unwrap(),
                    w.store.account(&aid).await.unwrap(),
                    w.store.membership_of(&aid, &pid).await.unwrap(),
                    w.store.memberships(&aid).await.unwrap(),
                    w.store.departments(&aid).await.unwrap(),
                    w.store.groups(&aid).await.unwrap(),
                    w.store.invitations(&aid).await.unwrap(),
                    w.store.audit_of(&aid, 2, None).await.unwrap(),
                ),
                (
                    w.store.linked_account_count(&pid).await.unwrap(),
                    w.store.invitation_by_token(&inv_hash).await.unwrap(),
                    w.store.membership(&aid, &inv.membership_id).await.unwrap(),
                    w.store.profile_by_email("guest@example.com").await.unwrap(),
                    w.store.profile_by_phone("guest@example.com").await.unwrap(),
                    w.store.membership_of(&aid, &gid).await.unwrap(),
                    w.store.accounts_of(&gid).await.unwrap(),
                ),
            )
        })
    };
    let fresh = format!("{:?}", one_by_one());
    let all = [
        Ahead::Me,
        Ahead::TwoFactor,
        Ahead::Sessions,
        Ahead::Links,
        Ahead::Invitation,
        Ahead::Account,
        Ahead::Cards,
        Ahead::Departments,
        Ahead::Groups,
        Ahead::Invitations,
        Ahead::Audit,
    ];
    let keys = Keys { session: Some(&hash), account: Some(&aid), invitation: Some(&inv_hash), card: None };
    block_on(w.store.read_ahead(keys, &all)).unwrap();
    let rounds = w.store.rounds();
    let ahead = format!("{:?}", one_by_one());
    assert_eq!(w.store.rounds(), rounds, "all answered from the read ahead");
    assert_eq!(ahead, fresh);
}
