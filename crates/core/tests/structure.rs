//! Departments and groups renamed and deleted, names unique among siblings, leaving an account.

mod common;

use common::*;
use netid_core::flows::invitations::InviteOptions;
use netid_core::flows::structure;
use netid_core::Code;

fn department(
    w: &mut World,
    admin: &netid_core::flows::Grant,
    account: &str,
    name: &str,
    parent: Option<&str>,
) -> netid_core::Result<String> {
    let pid = admin.profile.id.clone();
    let (account, name, parent) = (account.to_string(), name.to_string(), parent.map(str::to_string));
    w.run(|env| Box::pin(async move { structure::create_department(env, &pid, &account, &name, parent).await }))
        .map(|d| d.id)
}

#[test]
fn names_are_unique_among_siblings_and_renames_and_deletes_keep_people() {
    let mut w = World::new();
    let admin = w.person("struct@example.com");
    let acc = create(&mut w, &admin, Some("Structure"));
    let sales = department(&mut w, &admin, &acc.id, "Sales", None).unwrap();
    let emea = department(&mut w, &admin, &acc.id, "EMEA", Some(&sales)).unwrap();
    assert_eq!(code_of(department(&mut w, &admin, &acc.id, " sales ", None)), Code::NameTaken);
    assert!(department(&mut w, &admin, &acc.id, "EMEA", None).is_ok(), "unique among siblings only");
    assert_eq!(code_of(department(&mut w, &admin, &acc.id, "   ", None)), Code::InvalidText);

    let (pid, id, sid) = (admin.profile.id.clone(), acc.id.clone(), sales.clone());
    let renamed = w
        .run(|env| Box::pin(async move { structure::rename_department(env, &pid, &id, &sid, "Revenue").await }))
        .unwrap();
    assert_eq!(renamed.name, "Revenue");

    // A person placed in Sales, an invitation into it; deleting Sales keeps both, unplaced,
    // and EMEA moves up.
    let opts = InviteOptions { department_id: Some(sales.clone()), ..Default::default() };
    invite(&mut w, &admin, &acc.id, &["placed@example.com"], opts);
    let (pid, id, sid) = (admin.profile.id.clone(), acc.id.clone(), sales.clone());
    w.run(|env| Box::pin(async move { structure::delete_department(env, &pid, &id, &sid).await })).unwrap();
    let d = w.store.data();
    assert!(!d.departments.contains_key(&sales));
    assert_eq!(d.departments[&emea].parent_id, None);
    assert!(d.memberships.values().all(|m| m.department_id.as_deref() != Some(sales.as_str())));
    assert!(d.invitations.values().all(|i| i.department_id.as_deref() != Some(sales.as_str())));
    assert!(d.audit.iter().any(|a| a.action == "department.deleted"));

    let g = group(&mut w, &admin, &acc.id, "Partners", false);
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    let dup = w.run(|env| Box::pin(async move { structure::create_group(env, &pid, &id, "PARTNERS", true).await }));
    assert_eq!(code_of(dup), Code::NameTaken);
    invite(
        &mut w,
        &admin,
        &acc.id,
        &["grouped@example.com"],
        InviteOptions { group_ids: vec![g.clone()], ..Default::default() },
    );
    let (pid, id, gid) = (admin.profile.id.clone(), acc.id.clone(), g.clone());
    w.run(|env| Box::pin(async move { structure::delete_group(env, &pid, &id, &gid).await })).unwrap();
    let d = w.store.data();
    assert!(!d.groups.contains_key(&g));
    assert!(d.invitations.values().all(|i| !i.group_ids.contains(&g)));
    assert!(d.memberships.values().all(|m| !m.group_ids.contains(&g)));
}

#[test]
fn a_member_leaves_but_the_last_admin_cannot() {
    let mut w = World::new();
    let admin = w.person("stay@example.com");
    let acc = create(&mut w, &admin, Some("Leavers"));
    let (pid, id) = (admin.profile.id.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { structure::leave_account(env, &pid, &id).await }))),
        Code::LastAdmin
    );
    invite(&mut w, &admin, &acc.id, &["leaver@example.com"], InviteOptions::default());
    let accepted = accept_to(&mut w, "leaver@example.com", "Lea").unwrap();
    let member = accepted.grant.map(|g| g.profile.id).unwrap_or_default();
    let (mid, id) = (member.clone(), acc.id.clone());
    w.run(|env| Box::pin(async move { structure::leave_account(env, &mid, &id).await })).unwrap();
    let (mid, id) = (member.clone(), acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { structure::leave_account(env, &mid, &id).await }))),
        Code::NotFound,
        "gone: the account is no longer theirs"
    );
    // Having left, they can touch nothing of it.
    let (mid, id) = (member, acc.id.clone());
    assert_eq!(
        code_of(w.run(|env| Box::pin(async move { structure::delete_group(env, &mid, &id, "grp_x").await }))),
        Code::NotFound
    );
}
