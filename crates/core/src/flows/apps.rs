//! A workspace's applications: the OpenID Connect clients an account admin registers (name,
//! exact redirect URIs, post-logout redirect URIs, a back-channel logout address, an
//! initiate-login address, confidential or public). A confidential one gets a secret shown
//! once and stored as its SHA-256; it can be rotated. Every change is audited in the account's
//! log. The operator lists every application and switches one off.

use super::accounts::access;
use super::cards::text_field;
use super::{not_found, Env};
use crate::error::{Code, Error, Result};
use crate::model::{App, AppType};
use crate::store::{Change, Guard, Store};
use crate::time::rfc3339;
use crate::tokens::{new_id, new_token, token_hash};
use crate::validate::{app_uri, UriUse};
use serde::{Deserialize, Serialize};

/// An account's applications at most (decided in the commit).
pub const MAX_APPS: u32 = 20;
/// Redirect URIs (and post-logout ones) per application at most.
pub const MAX_URIS: usize = 10;

/// What an admin registers or edits (absent: unchanged; on an edit an empty string clears
/// an optional address).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppInput {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub backchannel_logout_uri: Option<String>,
    pub initiate_login_uri: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// An application as its admins (and the operator) see it: never its secret.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppView {
    pub client_id: String,
    pub account_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: AppType,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    pub initiate_login_uri: Option<String>,
    pub disabled: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl AppView {
    pub fn of(a: &App) -> AppView {
        AppView {
            client_id: a.client_id.clone(),
            account_id: a.account_id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            redirect_uris: a.redirect_uris.clone(),
            post_logout_redirect_uris: a.post_logout_redirect_uris.clone(),
            backchannel_logout_uri: a.backchannel_logout_uri.clone(),
            initiate_login_uri: a.initiate_login_uri.clone(),
            disabled: a.disabled,
            created_at: rfc3339(a.created_at),
            updated_at: rfc3339(a.updated_at),
        }
    }
}

/// A registration's or a rotation's answer: the secret, once, for a confidential client.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Registered {
    #[serde(flatten)]
    pub app: AppView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

fn uris(list: Vec<String>, field: &'static str, required: bool) -> Result<Vec<String>> {
    if list.len() > MAX_URIS || (required && list.is_empty()) {
        return Err(Error::field(Code::InvalidUri, field));
    }
    let mut out: Vec<String> = Vec::new();
    for u in list {
        let u = app_uri(&u, UriUse::Browser, field)?;
        if !out.contains(&u) {
            out.push(u);
        }
    }
    Ok(out)
}

/// An optional address: `""` clears it.
fn optional(v: String, usage: UriUse, field: &'static str) -> Result<Option<String>> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    app_uri(&v, usage, field).map(Some)
}

/// Applies `input` to `app`, each field checked.
fn apply(env: &Env<'_, impl Store>, app: &mut App, input: AppInput) -> Result<()> {
    if let Some(n) = input.name {
        app.name = text_field(Some(n), "name", 100)?.ok_or_else(|| Error::field(Code::InvalidText, "name"))?;
    }
    if let Some(list) = input.redirect_uris {
        app.redirect_uris = uris(list, "redirect_uris", true)?;
    }
    if let Some(list) = input.post_logout_redirect_uris {
        app.post_logout_redirect_uris = uris(list, "post_logout_redirect_uris", false)?;
    }
    if let Some(u) = input.backchannel_logout_uri {
        let usage = UriUse::Backchannel { development: env.config.development };
        app.backchannel_logout_uri = optional(u, usage, "backchannel_logout_uri")?;
    }
    if let Some(u) = input.initiate_login_uri {
        app.initiate_login_uri = optional(u, UriUse::Browser, "initiate_login_uri")?;
    }
    Ok(())
}

/// Registers an application (admins). A confidential one's secret is answered once.
pub async fn register_app<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    mut input: AppInput,
) -> Result<Registered> {
    access(env, account_id, actor).await?.require_admin()?;
    let kind = match input.kind.take().as_deref() {
        Some(k) => AppType::parse(k).ok_or_else(|| Error::field(Code::InvalidRequest, "type"))?,
        None => return Err(Error::field(Code::InvalidRequest, "type")),
    };
    if input.name.is_none() {
        return Err(Error::field(Code::InvalidText, "name"));
    }
    if input.redirect_uris.is_none() {
        return Err(Error::field(Code::InvalidUri, "redirect_uris"));
    }
    let mut app = App {
        client_id: new_id("app", env.rng),
        account_id: account_id.to_string(),
        kind,
        created_at: env.now,
        updated_at: env.now,
        ..App::default()
    };
    apply(env, &mut app, input)?;
    let secret = (kind == AppType::Confidential).then(|| new_token(env.rng));
    app.secret_hash = secret.as_deref().map(token_hash);
    let audit = env.account_audit(account_id, Some(actor), "app.registered", &app.client_id, &app.name);
    // The limit is decided in the commit: concurrent registrations cannot pass it.
    env.commit(vec![
        Change::Guard(Guard::AppsBelow { account_id: account_id.to_string(), max: MAX_APPS }),
        Change::PutApp(app.clone()),
        audit,
    ])
    .await?;
    Ok(Registered { app: AppView::of(&app), client_secret: secret })
}

/// The account's applications (admins).
pub async fn list_apps<S: Store>(env: &Env<'_, S>, actor: &str, account_id: &str) -> Result<Vec<AppView>> {
    access(env, account_id, actor).await?.require_admin()?;
    Ok(env.store.apps(account_id).await?.iter().map(AppView::of).collect())
}

async fn own_app<S: Store>(env: &Env<'_, S>, actor: &str, account_id: &str, client_id: &str) -> Result<App> {
    access(env, account_id, actor).await?.require_admin()?;
    env.store.apps(account_id).await?.into_iter().find(|a| a.client_id == client_id).ok_or_else(not_found)
}

/// Edits an application (admins); its type and secret stay.
pub async fn edit_app<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    client_id: &str,
    input: AppInput,
) -> Result<AppView> {
    let mut app = own_app(env, actor, account_id, client_id).await?;
    if input.kind.as_deref().is_some_and(|k| k != app.kind.as_str()) {
        return Err(Error::field(Code::InvalidRequest, "type"));
    }
    apply(env, &mut app, input)?;
    app.updated_at = env.now;
    let audit = env.account_audit(account_id, Some(actor), "app.updated", &app.client_id, &app.name);
    env.commit(vec![Change::PutApp(app.clone()), audit]).await?;
    Ok(AppView::of(&app))
}

/// Removes an application (admins).
pub async fn delete_app<S: Store>(env: &mut Env<'_, S>, actor: &str, account_id: &str, client_id: &str) -> Result<()> {
    let app = own_app(env, actor, account_id, client_id).await?;
    let audit = env.account_audit(account_id, Some(actor), "app.deleted", &app.client_id, &app.name);
    env.commit(vec![Change::DeleteApp { account_id: account_id.to_string(), client_id: app.client_id.clone() }, audit])
        .await
}

/// A confidential application's new secret, answered once; the old one stops working.
pub async fn rotate_secret<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    client_id: &str,
) -> Result<Registered> {
    let mut app = own_app(env, actor, account_id, client_id).await?;
    if app.kind != AppType::Confidential {
        return Err(Error::field(Code::InvalidRequest, "type"));
    }
    let secret = new_token(env.rng);
    app.secret_hash = Some(token_hash(&secret));
    let audit = env.account_audit(account_id, Some(actor), "app.secret_rotated", &app.client_id, &app.name);
    env.commit(vec![
        Change::SetAppSecret { client_id: app.client_id.clone(), secret_hash: token_hash(&secret) },
        audit,
    ])
    .await?;
    Ok(Registered { app: AppView::of(&app), client_secret: Some(secret) })
}

/// The operator's list: every application, newest first, or one account's.
pub async fn operator_apps<S: Store>(env: &Env<'_, S>, account_id: Option<&str>, limit: u32) -> Result<Vec<AppView>> {
    Ok(env.store.all_apps(account_id, limit.clamp(1, 500)).await?.iter().map(AppView::of).collect())
}

/// The operator switches an application off (it signs nobody in) or on again; the account's
/// log records it.
pub async fn set_disabled<S: Store>(
    env: &mut Env<'_, S>,
    op: &super::operators::Operator,
    client_id: &str,
    disabled: bool,
) -> Result<AppView> {
    let mut app = env.store.app(client_id).await?.ok_or_else(not_found)?;
    app.disabled = disabled;
    let action = if disabled { "app.disabled" } else { "app.enabled" };
    let audit = env.operator_audit(op, Some(&app.account_id.clone()), action, &app.client_id, "");
    env.commit(vec![Change::SetAppDisabled { client_id: app.client_id.clone(), disabled }, audit]).await?;
    Ok(AppView::of(&app))
}
