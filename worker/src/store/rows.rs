//! Row shapes of the D1 tables and the column lists the queries share.

use netid_core::model::*;
use netid_core::Lang;
use serde::Deserialize;
use wasm_bindgen::JsValue;

use super::i;

#[derive(Deserialize)]
pub(super) struct ProfileRow {
    pub(super) id: String,
    pub(super) email: Option<String>,
    pub(super) email_confirmed: i64,
    pub(super) phone: Option<String>,
    pub(super) phone_confirmed: i64,
    pub(super) password_hash: String,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) photo_url: Option<String>,
    pub(super) lang: String,
    pub(super) two_factor_enabled: i64,
    pub(super) password_change_required: i64,
    pub(super) created_at: i64,
    pub(super) updated_at: i64,
    /// The linked social identities as a JSON array (`PROFILE_SELECT`).
    #[serde(default)]
    pub(super) social: Option<String>,
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
pub(super) struct CodeRow {
    pub(super) profile_id: String,
    pub(super) purpose: String,
    pub(super) target: String,
    pub(super) code_hash: String,
    pub(super) attempts: i64,
    pub(super) expires_at: i64,
    pub(super) created_at: i64,
    pub(super) claim_password_hash: Option<String>,
    pub(super) claim_first_name: Option<String>,
    pub(super) claim_last_name: Option<String>,
    pub(super) claim_change_required: Option<i64>,
    pub(super) claim_contested: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct SessionRow {
    pub(super) token_hash: String,
    pub(super) profile_id: String,
    pub(super) account_id: Option<String>,
    pub(super) client: String,
    pub(super) created_at: i64,
    pub(super) last_seen_at: i64,
    pub(super) absolute_expires_at: i64,
    pub(super) family_id: Option<String>,
    pub(super) password_change_required: i64,
    pub(super) id: Option<String>,
    pub(super) user_agent: Option<String>,
    pub(super) ip: Option<String>,
    pub(super) location: Option<String>,
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
        }
    }
}

#[derive(Deserialize)]
pub(super) struct RefreshRow {
    pub(super) token_hash: String,
    pub(super) family_id: String,
    pub(super) profile_id: String,
    pub(super) session_hash: String,
    pub(super) used: i64,
    pub(super) created_at: i64,
    pub(super) expires_at: i64,
    pub(super) family_expires_at: i64,
}

#[derive(Deserialize)]
pub(super) struct ThrottleRow {
    pub(super) key: String,
    pub(super) failures: i64,
    pub(super) window_start: i64,
    pub(super) blocked_until: i64,
}

#[derive(Deserialize)]
pub(super) struct AccountRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) address: String,
    pub(super) plan: String,
    pub(super) role: String,
    pub(super) kind: String,
    pub(super) renames_left: i64,
    pub(super) created_at: i64,
}

#[derive(Deserialize)]
pub(super) struct HashRow {
    pub(super) token_hash: String,
}

#[derive(Deserialize)]
pub(super) struct CountRow {
    pub(super) n: i64,
}

#[derive(Deserialize)]
pub(super) struct AccountRecordRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) address: String,
    pub(super) plan: String,
    pub(super) renames_left: i64,
    pub(super) created_by: String,
    pub(super) created_at: i64,
    pub(super) last_activity_at: i64,
    pub(super) warned_at: Option<i64>,
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
        }
    }
}

#[derive(Deserialize)]
pub(super) struct MembershipRow {
    pub(super) id: String,
    pub(super) account_id: String,
    pub(super) profile_id: Option<String>,
    pub(super) kind: String,
    pub(super) role: String,
    pub(super) status: String,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) login_email: Option<String>,
    pub(super) two_factor_enabled: i64,
    pub(super) contact_email: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) photo_url: Option<String>,
    pub(super) position: Option<String>,
    pub(super) department_id: Option<String>,
    pub(super) group_ids: Option<String>,
    pub(super) personal: Option<String>,
    pub(super) last_login_at: Option<i64>,
    pub(super) created_at: i64,
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
pub(super) struct DepartmentRow {
    pub(super) id: String,
    pub(super) account_id: String,
    pub(super) name: String,
    pub(super) parent_id: Option<String>,
    pub(super) created_at: i64,
}

#[derive(Deserialize)]
pub(super) struct GroupRow {
    pub(super) id: String,
    pub(super) account_id: String,
    pub(super) name: String,
    pub(super) extranet: i64,
    pub(super) created_at: i64,
}

#[derive(Deserialize)]
pub(super) struct InvitationRow {
    pub(super) id: String,
    pub(super) account_id: String,
    pub(super) recipient: String,
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    pub(super) token_hash: String,
    pub(super) state: String,
    pub(super) extranet: i64,
    pub(super) department_id: Option<String>,
    pub(super) group_ids: String,
    pub(super) membership_id: String,
    pub(super) invited_by: Option<String>,
    pub(super) created_at: i64,
    pub(super) expires_at: i64,
    pub(super) accepted_at: Option<i64>,
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

pub(super) const ACCOUNT_COLS: &str =
    "id, name, address, plan, renames_left, created_by, created_at, last_activity_at, warned_at";
pub(super) const MEMBERSHIP_SELECT: &str =
    "SELECT m.id, m.account_id, m.profile_id, m.type AS kind, m.role, m.status, m.first_name, m.last_name, \
     CASE WHEN m.status = 'dismissed' THEN COALESCE(m.kept_login_email, p.email) ELSE p.email END AS login_email, \
     CASE WHEN m.status = 'dismissed' THEN 0 ELSE COALESCE(p.two_factor_enabled, 0) END AS two_factor_enabled, m.contact_email, m.phone, m.photo_url, m.position, m.department_id, \
     (SELECT group_concat(g.group_id) FROM membership_groups g WHERE g.membership_id = m.id) AS group_ids, \
     m.personal, m.last_login_at, m.created_at FROM memberships m LEFT JOIN profiles p ON p.id = m.profile_id";
pub(super) const INVITATION_COLS: &str =
    "id, account_id, recipient, first_name, last_name, token_hash, state, extranet, department_id, group_ids, \
     membership_id, invited_by, created_at, expires_at, accepted_at";

pub(super) fn oi(v: Option<i64>) -> JsValue {
    v.map_or(JsValue::NULL, i)
}

/// D1 allows at most 100 bound parameters per statement.
pub(super) const MAX_IN_LIST: usize = 90;
/// Audit rows per multi-row INSERT (7 parameters each; D1 allows 100 per statement).
pub(super) const AUDIT_ROWS: usize = 14;

pub(super) const ACCOUNTS_OF: &str =
    "SELECT a.id, a.name, a.address, a.plan, m.role, m.type AS kind, a.renames_left, a.created_at \
     FROM memberships m JOIN accounts a ON a.id = m.account_id \
     WHERE m.profile_id = ?1 AND m.status = 'active' ORDER BY a.created_at, a.id";

pub(super) fn account_view(r: AccountRow) -> AccountView {
    AccountView {
        id: r.id,
        name: r.name,
        address: r.address,
        plan: r.plan,
        role: r.role,
        kind: r.kind,
        renames_left: r.renames_left.clamp(0, i64::from(u32::MAX)) as u32,
        created_at: netid_core::time::rfc3339(r.created_at),
    }
}

pub(super) const PROFILE_COLS: &str = "id, email, email_confirmed, phone, phone_confirmed, password_hash, first_name, last_name, photo_url, lang, two_factor_enabled, created_at, updated_at, password_change_required";
/// What a profile read selects: its columns and its social identities, in one statement.
pub(super) const PROFILE_SELECT: &str = "id, email, email_confirmed, phone, phone_confirmed, password_hash, first_name, last_name, photo_url, lang, two_factor_enabled, created_at, updated_at, password_change_required, \
     (SELECT json_group_array(json_object('provider', provider, 'subject', subject, 'email', email, 'created_at', created_at)) \
     FROM social_identities si WHERE si.profile_id = profiles.id) AS social";
pub(super) const SOCIAL_STATE_COLS: &str =
    "state_hash, provider, mode, profile_id, nonce, verifier, return_to, binding_hash, client, lang, expires_at, created_at, session_hash";

#[derive(Deserialize)]
pub(super) struct SocialStateRow {
    pub(super) state_hash: String,
    pub(super) provider: String,
    pub(super) mode: String,
    pub(super) profile_id: Option<String>,
    pub(super) nonce: String,
    pub(super) verifier: String,
    pub(super) return_to: String,
    pub(super) binding_hash: String,
    pub(super) client: String,
    pub(super) lang: String,
    pub(super) expires_at: i64,
    pub(super) created_at: i64,
    #[serde(default)]
    pub(super) session_hash: Option<String>,
}

impl SocialStateRow {
    pub(super) fn into_state(self) -> Option<SocialState> {
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

pub(super) const SESSION_COLS: &str = "token_hash, profile_id, account_id, client, created_at, last_seen_at, absolute_expires_at, family_id, password_change_required, id, user_agent, ip, location";
pub(super) const TICKET_COLS: &str =
    "ticket_hash, profile_id, login, client, account_id, attempts, expires_at, created_at";
pub(super) const AUDIT_COLS: &str = "id, account_id, at, actor, action, target, detail";

#[derive(Deserialize)]
pub(super) struct TwoFactorRow {
    pub(super) profile_id: String,
    pub(super) secret_sealed: String,
    pub(super) enabled: i64,
    pub(super) last_step: i64,
    pub(super) created_at: i64,
}

#[derive(Deserialize)]
pub(super) struct TicketRow {
    pub(super) ticket_hash: String,
    pub(super) profile_id: String,
    pub(super) login: String,
    pub(super) client: String,
    pub(super) account_id: Option<String>,
    pub(super) attempts: i64,
    pub(super) expires_at: i64,
    pub(super) created_at: i64,
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
        }
    }
}

#[derive(Deserialize)]
pub(super) struct AuditRow {
    pub(super) id: String,
    pub(super) account_id: Option<String>,
    pub(super) at: i64,
    pub(super) actor: Option<String>,
    pub(super) action: String,
    pub(super) target: String,
    pub(super) detail: String,
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
pub(super) const REFRESH_COLS: &str =
    "token_hash, family_id, profile_id, session_hash, used, created_at, expires_at, family_expires_at";
