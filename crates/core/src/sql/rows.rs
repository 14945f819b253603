//! Row shapes of the D1 tables and the column lists the queries share.

use crate::model::*;
use crate::Lang;
use serde::Deserialize;

use super::{i, Value};

#[derive(Deserialize)]
pub struct ProfileRow {
    pub id: String,
    pub email: Option<String>,
    pub email_confirmed: i64,
    pub phone: Option<String>,
    pub phone_confirmed: i64,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub photo_url: Option<String>,
    pub lang: String,
    pub two_factor_enabled: i64,
    pub password_change_required: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The linked social identities as a JSON array (`PROFILE_SELECT`).
    #[serde(default)]
    pub social: Option<String>,
}

impl From<ProfileRow> for Profile {
    fn from(r: ProfileRow) -> Self {
        Profile {
            id: r.id,
            email: r.email,
            email_confirmed: r.email_confirmed != 0,
            phone: r.phone,
            phone_confirmed: r.phone_confirmed != 0,
            password_hash: r.password_hash,
            first_name: r.first_name,
            last_name: r.last_name,
            photo_url: r.photo_url,
            lang: Lang::from_tag(&r.lang).unwrap_or_default(),
            two_factor_enabled: r.two_factor_enabled != 0,
            password_change_required: r.password_change_required != 0,
            created_at: r.created_at,
            updated_at: r.updated_at,
            social: r.social.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
pub struct CodeRow {
    pub profile_id: String,
    pub purpose: String,
    pub target: String,
    pub code_hash: String,
    pub attempts: i64,
    pub expires_at: i64,
    pub created_at: i64,
    pub claim_password_hash: Option<String>,
    pub claim_first_name: Option<String>,
    pub claim_last_name: Option<String>,
    pub claim_change_required: Option<i64>,
    pub claim_contested: Option<i64>,
}

#[derive(Deserialize)]
pub struct SessionRow {
    pub token_hash: String,
    pub profile_id: String,
    pub account_id: Option<String>,
    pub client: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
    pub family_id: Option<String>,
    pub password_change_required: i64,
    pub id: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub location: Option<String>,
    pub amr: String,
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            token_hash: r.token_hash,
            profile_id: r.profile_id,
            account_id: r.account_id,
            client: ClientKind::parse(&r.client).unwrap_or_default(),
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            absolute_expires_at: r.absolute_expires_at,
            family_id: r.family_id,
            password_change_required: r.password_change_required != 0,
            id: r.id.unwrap_or_default(),
            user_agent: r.user_agent,
            ip: r.ip,
            location: r.location,
            amr: r.amr,
        }
    }
}

#[derive(Deserialize)]
pub struct RefreshRow {
    pub token_hash: String,
    pub family_id: String,
    pub profile_id: String,
    pub session_hash: String,
    pub used: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub family_expires_at: i64,
}

#[derive(Deserialize)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i64,
    pub window_start: i64,
    pub blocked_until: i64,
}

#[derive(Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub address: String,
    pub plan: String,
    pub role: String,
    pub kind: String,
    pub renames_left: i64,
    pub created_at: i64,
    #[serde(default)]
    pub require_two_factor: Option<String>,
    #[serde(default)]
    pub remember_browsers: Option<i64>,
}

#[derive(Deserialize)]
pub struct HashRow {
    pub token_hash: String,
}

#[derive(Deserialize)]
pub struct CountRow {
    pub n: i64,
}

#[derive(Deserialize)]
pub struct AccountRecordRow {
    pub id: String,
    pub name: String,
    pub address: String,
    pub plan: String,
    pub renames_left: i64,
    pub created_by: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub warned_at: Option<i64>,
    #[serde(default)]
    pub require_two_factor: Option<String>,
    #[serde(default)]
    pub remember_browsers: Option<i64>,
}

impl From<AccountRecordRow> for Account {
    fn from(r: AccountRecordRow) -> Self {
        Account {
            id: r.id,
            name: r.name,
            address: r.address,
            plan: Plan::parse(&r.plan).unwrap_or_default(),
            renames_left: r.renames_left.clamp(0, i64::from(u32::MAX)) as u32,
            created_by: r.created_by,
            created_at: r.created_at,
            last_activity_at: r.last_activity_at,
            warned_at: r.warned_at,
            require_two_factor: r.require_two_factor.as_deref().and_then(TwoFactorPolicy::parse).unwrap_or_default(),
            remember_browsers: r.remember_browsers != Some(0),
        }
    }
}

#[derive(Deserialize)]
pub struct MembershipRow {
    pub id: String,
    pub account_id: String,
    pub profile_id: Option<String>,
    pub kind: String,
    pub role: String,
    pub status: String,
    pub first_name: String,
    pub last_name: String,
    pub login_email: Option<String>,
    #[serde(default)]
    pub profile_email: Option<String>,
    #[serde(default)]
    pub profile_phone: Option<String>,
    pub two_factor_enabled: i64,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub photo_url: Option<String>,
    pub position: Option<String>,
    pub department_id: Option<String>,
    pub group_ids: Option<String>,
    pub personal: Option<String>,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
}

impl From<MembershipRow> for Membership {
    fn from(r: MembershipRow) -> Self {
        let mut group_ids: Vec<String> =
            r.group_ids.unwrap_or_default().split(',').filter(|g| !g.is_empty()).map(str::to_string).collect();
        group_ids.sort();
        Membership {
            id: r.id,
            account_id: r.account_id,
            profile_id: r.profile_id,
            kind: MemberType::parse(&r.kind).unwrap_or_default(),
            role: Role::parse(&r.role).unwrap_or_default(),
            status: MemberStatus::parse(&r.status).unwrap_or_default(),
            first_name: r.first_name,
            last_name: r.last_name,
            login_email: r.login_email,
            profile_email: r.profile_email,
            profile_phone: r.profile_phone,
            two_factor_enabled: r.two_factor_enabled != 0,
            contact_email: r.contact_email,
            phone: r.phone,
            photo_url: r.photo_url,
            position: r.position,
            department_id: r.department_id,
            group_ids,
            personal: r.personal,
            last_login_at: r.last_login_at,
            created_at: r.created_at,
        }
    }
}

#[derive(Deserialize)]
pub struct DepartmentRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub created_at: i64,
}

#[derive(Deserialize)]
pub struct GroupRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub extranet: i64,
    pub created_at: i64,
}

#[derive(Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub account_id: String,
    pub recipient: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub token_hash: String,
    pub state: String,
    pub extranet: i64,
    pub department_id: Option<String>,
    pub group_ids: String,
    pub membership_id: String,
    pub invited_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
}

impl From<InvitationRow> for Invitation {
    fn from(r: InvitationRow) -> Self {
        Invitation {
            id: r.id,
            account_id: r.account_id,
            to: r.recipient,
            first_name: r.first_name,
            last_name: r.last_name,
            token_hash: r.token_hash,
            state: InvitationState::parse(&r.state).unwrap_or(InvitationState::Revoked),
            extranet: r.extranet != 0,
            department_id: r.department_id,
            group_ids: serde_json::from_str(&r.group_ids).unwrap_or_default(),
            membership_id: r.membership_id,
            invited_by: r.invited_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            accepted_at: r.accepted_at,
        }
    }
}

pub const ACCOUNT_COLS: &str =
    "id, name, address, plan, renames_left, created_by, created_at, last_activity_at, warned_at, require_two_factor, \
     remember_browsers";
pub const MEMBERSHIP_SELECT: &str =
    "SELECT m.id, m.account_id, m.profile_id, m.type AS kind, m.role, m.status, m.first_name, m.last_name, \
     CASE WHEN m.status = 'dismissed' THEN COALESCE(m.kept_login_email, p.email) ELSE p.email END AS login_email, \
     CASE WHEN p.email_confirmed = 1 OR p.phone_confirmed = 1 THEN p.email END AS profile_email, \
     CASE WHEN p.email_confirmed = 1 OR p.phone_confirmed = 1 THEN p.phone END AS profile_phone, \
     CASE WHEN m.status = 'dismissed' THEN 0 ELSE COALESCE(p.two_factor_enabled, 0) END AS two_factor_enabled, m.contact_email, m.phone, m.photo_url, m.position, m.department_id, \
     (SELECT group_concat(g.group_id) FROM membership_groups g WHERE g.membership_id = m.id) AS group_ids, \
     m.personal, m.last_login_at, m.created_at FROM memberships m LEFT JOIN profiles p ON p.id = m.profile_id";
pub const INVITATION_COLS: &str =
    "id, account_id, recipient, first_name, last_name, token_hash, state, extranet, department_id, group_ids, \
     membership_id, invited_by, created_at, expires_at, accepted_at";

pub fn oi(v: Option<i64>) -> Value {
    v.map_or(Value::Null, i)
}

/// D1 allows at most 100 bound parameters per statement.
pub const MAX_IN_LIST: usize = 90;
/// Audit rows per multi-row INSERT (7 parameters each; D1 allows 100 per statement).
pub const AUDIT_ROWS: usize = 14;

pub const ACCOUNTS_OF: &str =
    "SELECT a.id, a.name, a.address, a.plan, m.role, m.type AS kind, a.renames_left, a.created_at, a.require_two_factor, \
     a.remember_browsers FROM memberships m JOIN accounts a ON a.id = m.account_id \
     WHERE m.profile_id = ?1 AND m.status = 'active' ORDER BY a.created_at, a.id";

pub fn account_view(r: AccountRow) -> AccountView {
    AccountView {
        id: r.id,
        name: r.name,
        address: r.address,
        plan: r.plan,
        role: r.role,
        kind: r.kind,
        renames_left: r.renames_left.clamp(0, i64::from(u32::MAX)) as u32,
        created_at: crate::time::rfc3339(r.created_at),
        require_two_factor: r.require_two_factor.as_deref().and_then(TwoFactorPolicy::parse).unwrap_or_default(),
        remember_browsers: r.remember_browsers != Some(0),
    }
}

pub const PROFILE_COLS: &str = "id, email, email_confirmed, phone, phone_confirmed, password_hash, first_name, last_name, photo_url, lang, two_factor_enabled, created_at, updated_at, password_change_required";
/// What a profile read selects: its columns and its social identities, in one statement.
pub const PROFILE_SELECT: &str = "id, email, email_confirmed, phone, phone_confirmed, password_hash, first_name, last_name, photo_url, lang, two_factor_enabled, created_at, updated_at, password_change_required, \
     (SELECT json_group_array(json_object('provider', provider, 'subject', subject, 'email', email, 'created_at', created_at)) \
     FROM social_identities si WHERE si.profile_id = profiles.id) AS social";
pub const SOCIAL_STATE_COLS: &str =
    "state_hash, provider, mode, profile_id, nonce, verifier, return_to, binding_hash, client, lang, expires_at, created_at, session_hash";

#[derive(Deserialize)]
pub struct SocialStateRow {
    pub state_hash: String,
    pub provider: String,
    pub mode: String,
    pub profile_id: Option<String>,
    pub nonce: String,
    pub verifier: String,
    pub return_to: String,
    pub binding_hash: String,
    pub client: String,
    pub lang: String,
    pub expires_at: i64,
    pub created_at: i64,
    #[serde(default)]
    pub session_hash: Option<String>,
}

impl SocialStateRow {
    pub fn into_state(self) -> Option<SocialState> {
        Some(SocialState {
            state_hash: self.state_hash,
            provider: self.provider,
            mode: SocialMode::parse(&self.mode)?,
            profile_id: self.profile_id,
            session_hash: self.session_hash,
            nonce: self.nonce,
            verifier: self.verifier,
            return_to: self.return_to,
            binding_hash: self.binding_hash,
            client: ClientKind::parse(&self.client)?,
            lang: Lang::from_tag(&self.lang).unwrap_or_default(),
            expires_at: self.expires_at,
            created_at: self.created_at,
        })
    }
}

pub const SIGNING_KEY_COLS: &str = "kid, public_jwk, private_sealed, created_at, signs_from, retire_at";
pub const AUTH_CODE_COLS: &str = "code_hash, client_id, account_id, profile_id, session_hash, sid, redirect_uri, \
     code_challenge, nonce, scope, auth_time, amr, created_at, expires_at, used_at";
pub const OAUTH_TOKEN_COLS: &str = "token_hash, family_id, client_id, account_id, profile_id, session_hash, sid, \
     scope, auth_time, amr, used_at, revoked_at, created_at, expires_at, issuer";
pub const SESSION_COLS: &str = "token_hash, profile_id, account_id, client, created_at, last_seen_at, absolute_expires_at, family_id, password_change_required, id, user_agent, ip, location, amr";
pub const TICKET_COLS: &str =
    "ticket_hash, profile_id, login, client, account_id, attempts, expires_at, created_at, first_factor";
pub const AUDIT_COLS: &str = "id, account_id, at, actor, action, target, detail";

#[derive(Deserialize)]
pub struct TwoFactorRow {
    pub profile_id: String,
    pub secret_sealed: String,
    pub enabled: i64,
    pub last_step: i64,
    pub created_at: i64,
}

#[derive(Deserialize)]
pub struct TicketRow {
    pub ticket_hash: String,
    pub profile_id: String,
    pub login: String,
    pub client: String,
    pub account_id: Option<String>,
    pub attempts: i64,
    pub expires_at: i64,
    pub created_at: i64,
    pub first_factor: String,
}

impl From<TicketRow> for LoginTicket {
    fn from(r: TicketRow) -> Self {
        LoginTicket {
            ticket_hash: r.ticket_hash,
            profile_id: r.profile_id,
            login: r.login,
            client: ClientKind::parse(&r.client).unwrap_or_default(),
            account_id: r.account_id,
            attempts: r.attempts.clamp(0, i64::from(u32::MAX)) as u32,
            expires_at: r.expires_at,
            created_at: r.created_at,
            by_social: r.first_factor == "fed",
        }
    }
}

#[derive(Deserialize)]
pub struct AuditRow {
    pub id: String,
    pub account_id: Option<String>,
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            id: r.id,
            account_id: r.account_id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            detail: r.detail,
        }
    }
}
pub const REFRESH_COLS: &str =
    "token_hash, family_id, profile_id, session_hash, used, created_at, expires_at, family_expires_at";

impl CodeRow {
    /// The code (`None` for a purpose this build does not know).
    pub fn into_record(self) -> Option<CodeRecord> {
        Some(CodeRecord {
            profile_id: self.profile_id,
            purpose: Purpose::parse(&self.purpose)?,
            target: self.target,
            code_hash: self.code_hash,
            attempts: self.attempts.clamp(0, i64::from(u32::MAX)) as u32,
            expires_at: self.expires_at,
            created_at: self.created_at,
            claim: self.claim_password_hash.map(|password_hash| SignupClaim {
                password_hash,
                first_name: self.claim_first_name.unwrap_or_default(),
                last_name: self.claim_last_name.unwrap_or_default(),
                password_change_required: self.claim_change_required.unwrap_or(0) != 0,
                contested: self.claim_contested.unwrap_or(0) != 0,
            }),
        })
    }
}

impl From<TwoFactorRow> for TwoFactor {
    fn from(r: TwoFactorRow) -> Self {
        TwoFactor {
            profile_id: r.profile_id,
            secret_sealed: r.secret_sealed,
            enabled: r.enabled != 0,
            last_step: r.last_step,
            created_at: r.created_at,
        }
    }
}

impl From<RefreshRow> for RefreshToken {
    fn from(r: RefreshRow) -> Self {
        RefreshToken {
            token_hash: r.token_hash,
            family_id: r.family_id,
            profile_id: r.profile_id,
            session_hash: r.session_hash,
            used: r.used != 0,
            created_at: r.created_at,
            expires_at: r.expires_at,
            family_expires_at: r.family_expires_at,
        }
    }
}

impl From<ThrottleRow> for Throttle {
    fn from(r: ThrottleRow) -> Self {
        Throttle {
            key: r.key,
            failures: r.failures.clamp(0, i64::from(u32::MAX)) as u32,
            window_start: r.window_start,
            blocked_until: r.blocked_until,
        }
    }
}

impl From<DepartmentRow> for Department {
    fn from(r: DepartmentRow) -> Self {
        Department {
            id: r.id,
            account_id: r.account_id,
            name: r.name,
            parent_id: r.parent_id,
            created_at: r.created_at,
        }
    }
}

impl From<GroupRow> for Group {
    fn from(r: GroupRow) -> Self {
        Group { id: r.id, account_id: r.account_id, name: r.name, extranet: r.extranet != 0, created_at: r.created_at }
    }
}

pub const CODE_COLS: &str =
    "profile_id, purpose, target, code_hash, attempts, expires_at, created_at, claim_password_hash, \
     claim_first_name, claim_last_name, claim_change_required, claim_contested";
pub const TWO_FACTOR_COLS: &str = "profile_id, secret_sealed, enabled, last_step, created_at";
pub const THROTTLE_COLS: &str = "key, failures, window_start, blocked_until";
pub const DEPARTMENT_COLS: &str = "id, account_id, name, parent_id, created_at";
pub const GROUP_COLS: &str = "id, account_id, name, extranet, created_at";
pub const OUTBOX_COLS: &str =
    "id, channel, recipient, kind, lang, subject, body, html, code, link, token, account_id, created_at";

#[derive(Deserialize)]
pub struct OutboxRow {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub kind: String,
    pub lang: String,
    pub subject: String,
    pub body: String,
    pub html: String,
    pub code: Option<String>,
    pub link: Option<String>,
    pub token: Option<String>,
    pub account_id: Option<String>,
    pub created_at: i64,
}

impl From<OutboxRow> for OutboxMessage {
    fn from(r: OutboxRow) -> Self {
        OutboxMessage {
            id: r.id,
            channel: match r.channel.as_str() {
                "sms" => Channel::Sms,
                "backchannel" => Channel::Backchannel,
                _ => Channel::Email,
            },
            to: r.recipient,
            kind: r.kind,
            lang: Lang::from_tag(&r.lang).unwrap_or_default(),
            subject: r.subject,
            body: r.body,
            html: r.html,
            code: r.code,
            link: r.link,
            token: r.token,
            account_id: r.account_id,
            created_at: r.created_at,
        }
    }
}

pub const APP_COLS: &str = "client_id, account_id, name, type, redirect_uris, post_logout_redirect_uris, \
     backchannel_logout_uri, initiate_login_uri, secret_hash, disabled, created_at, updated_at";

#[derive(Deserialize)]
pub struct AppRow {
    pub client_id: String,
    pub account_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub backchannel_logout_uri: Option<String>,
    pub initiate_login_uri: Option<String>,
    pub secret_hash: Option<String>,
    pub disabled: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<AppRow> for App {
    fn from(r: AppRow) -> Self {
        App {
            client_id: r.client_id,
            account_id: r.account_id,
            name: r.name,
            kind: AppType::parse(&r.kind).unwrap_or_default(),
            redirect_uris: serde_json::from_str(&r.redirect_uris).unwrap_or_default(),
            post_logout_redirect_uris: serde_json::from_str(&r.post_logout_redirect_uris).unwrap_or_default(),
            backchannel_logout_uri: r.backchannel_logout_uri,
            initiate_login_uri: r.initiate_login_uri,
            secret_hash: r.secret_hash,
            disabled: r.disabled != 0,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub const PASSKEY_COLS: &str =
    "id, profile_id, credential_id, public_key, alg, sign_count, backup_eligible, backed_up, \
     aaguid, transports, user_handle, name, created_at, last_used_at";

#[derive(Deserialize)]
pub struct PasskeyRow {
    pub id: String,
    pub profile_id: String,
    pub credential_id: String,
    pub public_key: String,
    pub alg: i64,
    pub sign_count: i64,
    pub backup_eligible: i64,
    pub backed_up: i64,
    pub aaguid: String,
    pub transports: String,
    pub user_handle: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl From<PasskeyRow> for Passkey {
    fn from(r: PasskeyRow) -> Self {
        Passkey {
            id: r.id,
            profile_id: r.profile_id,
            credential_id: r.credential_id,
            public_key: r.public_key,
            alg: r.alg,
            sign_count: r.sign_count,
            backup_eligible: r.backup_eligible != 0,
            backed_up: r.backed_up != 0,
            aaguid: r.aaguid,
            transports: r.transports,
            user_handle: r.user_handle,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

/// A remembered browser's columns (its row deserializes as the model).
pub const BROWSER_COLS: &str =
    "id, profile_id, token_hash, device, user_agent, location, created_at, last_used_at, expires_at";

/// A profile's active cards in workspaces whose two-step rule applies to them and refuses
/// remembered browsers (`?1` the profile).
pub const REFUSES_REMEMBERED: &str = "SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id \
     WHERE m.profile_id = ?1 AND m.status = 'active' AND a.remember_browsers = 0 \
     AND (a.require_two_factor = 'everyone' OR (a.require_two_factor = 'employees' AND m.type = 'employee'))";

pub const CEREMONY_COLS: &str = "challenge_hash, purpose, profile_id, ticket_hash, user_handle, expires_at, created_at";

#[derive(Deserialize)]
pub struct CeremonyRow {
    pub challenge_hash: String,
    pub purpose: String,
    pub profile_id: Option<String>,
    pub ticket_hash: Option<String>,
    pub user_handle: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
}

impl CeremonyRow {
    pub fn into_ceremony(self) -> Option<Ceremony> {
        Some(Ceremony {
            challenge_hash: self.challenge_hash,
            purpose: CeremonyPurpose::parse(&self.purpose)?,
            profile_id: self.profile_id,
            ticket_hash: self.ticket_hash,
            user_handle: self.user_handle,
            expires_at: self.expires_at,
            created_at: self.created_at,
        })
    }
}

#[derive(Deserialize)]
pub struct HandleRow {
    pub user_handle: String,
}

#[derive(Deserialize)]
pub struct CardFactorRow {
    pub card_id: String,
    pub on_: i64,
}
