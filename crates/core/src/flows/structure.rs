//! An account's structure: creating, listing, renaming and deleting departments and groups
//! (names unique among siblings), and a member leaving the account.

use super::accounts::access;
use super::cards::is_last_admin;
use super::{not_found, Env};
use crate::error::{Code, Error, Result};
use crate::model::MemberType;
use crate::model::{Department, Group, MemberStatus, Role};
use crate::store::{Change, Guard, Store};
use crate::tokens::new_id;

/// A department's or group's name: trimmed, 1 to 100 characters, and not already used by a
/// sibling (case-insensitively); `except` is the one being renamed.
pub(crate) fn unique_name<'a>(
    name: &str,
    siblings: impl IntoIterator<Item = (&'a str, &'a str)>,
    except: Option<&str>,
) -> Result<String> {
    let others = siblings.into_iter().filter(|(id, _)| Some(*id) != except).map(|(_, n)| n);
    crate::validate::sibling_name(name, others)
}

/// The guard that decides, inside the commit, that the name is still free (two concurrent
/// creations of one name: one lands, the other answers `name_taken`).
pub(crate) fn name_free(
    account_id: &str,
    group: bool,
    parent_id: Option<String>,
    name: &str,
    except: Option<&str>,
) -> Change {
    Change::Guard(Guard::NameFree {
        account_id: account_id.to_string(),
        group,
        parent_id,
        name: name.to_string(),
        except: except.map(str::to_string),
    })
}

async fn department<S: Store>(env: &Env<'_, S>, account_id: &str, id: &str) -> Result<(Department, Vec<Department>)> {
    let all = env.store.departments(account_id).await?;
    let d = all.iter().find(|d| d.id == id).cloned().ok_or_else(not_found)?;
    Ok((d, all))
}

/// Renames a department (admins).
pub async fn rename_department<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    id: &str,
    name: &str,
) -> Result<Department> {
    access(env, account_id, actor).await?.require_admin()?;
    let (mut d, all) = department(env, account_id, id).await?;
    let siblings = all.iter().filter(|x| x.parent_id == d.parent_id).map(|x| (x.id.as_str(), x.name.as_str()));
    d.name = unique_name(name, siblings, Some(id))?;
    let audit = env.account_audit(account_id, Some(actor), "department.renamed", &d.id, &d.name);
    env.commit(vec![
        name_free(&d.account_id, false, d.parent_id.clone(), &d.name, Some(id)),
        Change::PutDepartment(d.clone()),
        audit,
    ])
    .await?;
    Ok(d)
}

/// Deletes a department: its people keep their cards without a department, its
/// sub-departments move up to its parent, pending invitations into it lose the placement.
pub async fn delete_department<S: Store>(env: &mut Env<'_, S>, actor: &str, account_id: &str, id: &str) -> Result<()> {
    access(env, account_id, actor).await?.require_admin()?;
    let (d, _) = department(env, account_id, id).await?;
    let audit = env.account_audit(account_id, Some(actor), "department.deleted", &d.id, &d.name);
    env.commit(vec![Change::DeleteDepartment { account_id: account_id.to_string(), id: d.id.clone() }, audit]).await
}

async fn group<S: Store>(env: &Env<'_, S>, account_id: &str, id: &str) -> Result<(Group, Vec<Group>)> {
    let all = env.store.groups(account_id).await?;
    let g = all.iter().find(|g| g.id == id).cloned().ok_or_else(not_found)?;
    Ok((g, all))
}

/// Renames a group (admins).
pub async fn rename_group<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    id: &str,
    name: &str,
) -> Result<Group> {
    access(env, account_id, actor).await?.require_admin()?;
    let (mut g, all) = group(env, account_id, id).await?;
    g.name = unique_name(name, all.iter().map(|x| (x.id.as_str(), x.name.as_str())), Some(id))?;
    let audit = env.account_audit(account_id, Some(actor), "group.renamed", &g.id, &g.name);
    env.commit(vec![name_free(&g.account_id, true, None, &g.name, Some(id)), Change::PutGroup(g.clone()), audit])
        .await?;
    Ok(g)
}

/// Deletes a group: its members leave it, pending invitations into it lose it.
pub async fn delete_group<S: Store>(env: &mut Env<'_, S>, actor: &str, account_id: &str, id: &str) -> Result<()> {
    access(env, account_id, actor).await?.require_admin()?;
    let (g, _) = group(env, account_id, id).await?;
    let audit = env.account_audit(account_id, Some(actor), "group.deleted", &g.id, &g.name);
    env.commit(vec![Change::DeleteGroup { account_id: account_id.to_string(), id: g.id.clone() }, audit]).await
}

/// The caller leaves the account: their card is dismissed, as an admin would; the last
/// active admin cannot leave (409 `last_admin`: make someone else admin first).
pub async fn leave_account<S: Store>(env: &mut Env<'_, S>, actor: &str, account_id: &str) -> Result<()> {
    let a = access(env, account_id, actor).await?;
    let mut card = a.member.clone();
    let mut changes = Vec::new();
    if card.role == Role::Admin {
        if is_last_admin(env, account_id, &card).await? {
            return Err(Error::new(Code::LastAdmin));
        }
        changes.push(Change::Guard(Guard::OtherActiveAdmin {
            account_id: account_id.to_string(),
            membership_id: card.id.clone(),
        }));
    }
    card.status = MemberStatus::Dismissed;
    let audit = env.account_audit(account_id, Some(actor), "user.left", &card.id, "");
    // Leaving ends the person's sessions in the workspace's apps (back-channel logout).
    let ended = Change::EndAppSessions {
        profile_id: card.profile_id.clone(),
        account_id: Some(account_id.to_string()),
        session_hash: None,
        except_session: None,
    };
    changes.extend([Change::PutMembership(card), ended, audit]);
    env.commit(changes).await
}

pub async fn create_department<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    name: &str,
    parent_id: Option<String>,
) -> Result<Department> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let all = env.store.departments(account_id).await?;
    if let Some(p) = &parent_id {
        if !all.iter().any(|d| &d.id == p) {
            return Err(not_found().at("parent_id"));
        }
    }
    let siblings = all.iter().filter(|d| d.parent_id == parent_id).map(|d| (d.id.as_str(), d.name.as_str()));
    let name = super::structure::unique_name(name, siblings, None)?;
    let d = Department {
        id: new_id("dep", env.rng),
        account_id: account_id.to_string(),
        name,
        parent_id,
        created_at: env.now,
    };
    let guard = super::structure::name_free(account_id, false, d.parent_id.clone(), &d.name, None);
    env.commit(vec![guard, Change::PutDepartment(d.clone())]).await?;
    Ok(d)
}

pub async fn list_departments<S: Store>(env: &Env<'_, S>, actor: &str, account_id: &str) -> Result<Vec<Department>> {
    let a = access(env, account_id, actor).await?;
    a.require_employee()?;
    let mut v = env.store.departments(account_id).await?;
    v.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(v)
}

pub async fn create_group<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    name: &str,
    extranet: bool,
) -> Result<Group> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let all = env.store.groups(account_id).await?;
    let name = super::structure::unique_name(name, all.iter().map(|g| (g.id.as_str(), g.name.as_str())), None)?;
    let g =
        Group { id: new_id("grp", env.rng), account_id: account_id.to_string(), name, extranet, created_at: env.now };
    let guard = super::structure::name_free(account_id, true, None, &g.name, None);
    env.commit(vec![guard, Change::PutGroup(g.clone())]).await?;
    Ok(g)
}

/// Employees see every group; extranet members only their own.
pub async fn list_groups<S: Store>(env: &Env<'_, S>, actor: &str, account_id: &str) -> Result<Vec<Group>> {
    let a = access(env, account_id, actor).await?;
    let mut v = env.store.groups(account_id).await?;
    if a.member.kind == MemberType::Extranet {
        v.retain(|g| a.member.group_ids.contains(&g.id));
    }
    v.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(v)
}
