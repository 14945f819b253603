//! Invitations (named, mass, accept, expiry, resend, revoke), extranet and seed 004.

mod common;

use common::*;
use netid_core::flows;
use netid_core::flows::accounts;
use netid_core::flows::invitations::{self, AcceptInput, InviteOptions, InviteeInput};
use netid_core::flows::people::{self, CardEdit};
use netid_core::flows::structure;
use netid_core::model::{ClientKind, InvitationState};
use netid_core::Code;

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
        code_of(w.run(|env| Box::pin(async move { structure::list_departments(env, &pid, &id).await }))),
        Code::NotFound
    );
    let (pid, id) = (partner.profile.id.clone(), acc.id.clone());
    let groups = w.run(|env| Box::pin(async move { structure::list_groups(env, &pid, &id).await })).unwrap();
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
    w.run(|env| Box::pin(async move { flows::request_email_change(env, &pid, "emil.private@example.com", PW).await }))
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
