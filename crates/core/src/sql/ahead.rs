//! Reading ahead: a request's reads in its first round trip. The route table says what a
//! route's flow will read ([`Ahead`]); [`SqlStore::read_ahead`] reads the caller's session and
//! all of that in one batch (the profile found through the session inside the statements),
//! and the store's reads then answer from what was read, until the request commits. The
//! statements are the ones the reads would run one by one, so the answers are the same; the
//! commit, whose guards decide, and every read after it go to the database.

use super::*;
use crate::store::Read;
use std::collections::HashMap;

/// What a route's flow reads, besides the caller's session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ahead {
    /// The caller's profile and active accounts.
    Me,
    /// The caller's second factor.
    TwoFactor,
    /// The account of the path (`/accounts/{id}`) and the caller's card in it.
    Account,
    /// Every card of that account.
    Cards,
    Departments,
    Groups,
    Invitations,
    /// The caller's live sessions.
    Sessions,
    /// How many accounts are linked to the caller (what deleting the profile checks).
    Links,
    /// The account's newest audit events (the largest first page, 100).
    Audit,
    /// The account's applications.
    Apps,
    /// The profile of the path's card (`/accounts/{id}/users/{uid}`).
    CardProfile,
    /// The caller's passkeys and WebAuthn user handle.
    Passkeys,
    /// The caller's remembered browsers.
    Browsers,
    /// Whether each card's profile of the path's account has two-step on (its policy).
    CardFactors,
    /// The invitation of the path's token (`/invitations/{token}`), with its account, its
    /// card, the profile its address names, that profile's card in the account and its
    /// active accounts.
    Invitation,
}

/// What a read ahead is keyed by: the caller's session token, the path's account, the path's
/// invitation token (hashes of the tokens).
#[derive(Debug, Clone, Copy, Default)]
pub struct Keys<'a> {
    pub session: Option<&'a str>,
    pub account: Option<&'a str>,
    pub invitation: Option<&'a str>,
    /// The path's card (`/accounts/{id}/users/{uid}`).
    pub card: Option<&'a str>,
}

/// A profile with its active accounts (what a login answers).
type ProfileWithAccounts = (Profile, Vec<AccountView>);

/// What was read ahead, keyed as the store's reads are.
#[derive(Debug, Default)]
pub(super) struct ReadAhead {
    pub session: HashMap<String, Option<Session>>,
    pub profile: HashMap<String, Option<Profile>>,
    pub accounts_of: HashMap<String, Vec<AccountView>>,
    pub two_factor: HashMap<String, Option<TwoFactor>>,
    pub sessions_of: HashMap<String, Vec<Session>>,
    pub account: HashMap<String, Option<Account>>,
    pub membership_of: HashMap<(String, String), Option<Membership>>,
    pub memberships: HashMap<String, Vec<Membership>>,
    pub departments: HashMap<String, Vec<Department>>,
    pub groups: HashMap<String, Vec<Group>>,
    pub invitations: HashMap<String, Vec<Invitation>>,
    pub links: HashMap<String, u32>,
    pub invitation_by_token: HashMap<String, Option<Invitation>>,
    pub membership: HashMap<(String, String), Option<Membership>>,
    pub profile_by_email: HashMap<String, Option<Profile>>,
    pub profile_by_phone: HashMap<String, Option<Profile>>,
    pub code: HashMap<(String, Purpose), Option<CodeRecord>>,
    pub refresh_token: HashMap<String, Option<RefreshToken>>,
    pub social_owner: HashMap<(String, String), Option<ProfileWithAccounts>>,
    /// The newest `AUDIT_PAGE` events of an account.
    pub audit: HashMap<String, Vec<AuditEntry>>,
    pub apps: HashMap<String, Vec<App>>,
    pub passkeys: HashMap<String, Vec<Passkey>>,
    pub passkey_user: HashMap<String, Option<String>>,
    pub browsers: HashMap<String, Vec<RememberedBrowser>>,
    /// Per account: (card id, the card's profile has two-step on).
    pub card_factors: HashMap<String, Vec<(String, bool)>>,
}

/// The largest page of the audit log (what `Ahead::Audit` reads).
pub const AUDIT_PAGE: u32 = 100;

impl ReadAhead {
    /// A card of the account by id or by profile, from the account's cards when they were read.
    pub fn card(&self, account_id: &str, by: impl Fn(&Membership) -> bool) -> Option<Option<Membership>> {
        self.memberships.get(account_id).map(|all| all.iter().find(|m| by(m)).cloned())
    }
}

/// The caller's profile id, found through the session inside a statement.
const OWNER: &str = "(SELECT profile_id FROM sessions WHERE token_hash = ?1)";

impl<D: Database> SqlStore<D> {
    /// Reads what `ahead` names for `keys` in one round trip: the caller's session (when
    /// `keys.session` is given) and, found through it inside the statements, the caller's
    /// data; the path's account and its lists; the path's invitation and what it points at.
    /// The store's reads answer from it until the next commit.
    pub async fn read_ahead(&self, keys: Keys<'_>, ahead: &[Ahead]) -> StoreResult<()> {
        let has = |a: Ahead| ahead.contains(&a);
        // ?1 the session's token hash, ?2 the account, ?3 the invitation's token hash; each
        // statement binds up to the highest it uses.
        let p1 = [keys.session.map_or(Value::Null, s)];
        let p2 = [p1[0].clone(), keys.account.map_or(Value::Null, s)];
        let p3 = [p2[0].clone(), p2[1].clone(), keys.invitation.map_or(Value::Null, s)];
        let p4 = [p3[0].clone(), p3[1].clone(), p3[2].clone(), keys.card.map_or(Value::Null, s)];
        let mut stmts = Vec::new();
        let mut kinds = Vec::new();
        let session_key = keys.session;
        if session_key.is_some() {
            stmts.push(stmt(&format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = ?1"), &p1)?);
            if has(Ahead::Me) {
                stmts.push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {OWNER}"), &p1)?);
                stmts.push(stmt(&ACCOUNTS_OF.replace("?1", OWNER), &p1)?);
                kinds.push(Ahead::Me);
            }
            if has(Ahead::TwoFactor) {
                stmts.push(stmt(&format!("SELECT {TWO_FACTOR_COLS} FROM two_factor WHERE profile_id = {OWNER}"), &p1)?);
                kinds.push(Ahead::TwoFactor);
            }
            if has(Ahead::Sessions) {
                let sql = format!(
                    "SELECT {SESSION_COLS} FROM sessions WHERE profile_id = {OWNER} ORDER BY created_at DESC, id"
                );
                stmts.push(stmt(&sql, &p1)?);
                kinds.push(Ahead::Sessions);
            }
            if has(Ahead::Passkeys) {
                let sql =
                    format!("SELECT {PASSKEY_COLS} FROM passkeys WHERE profile_id = {OWNER} ORDER BY created_at, id");
                stmts.push(stmt(&sql, &p1)?);
                stmts.push(stmt(&format!("SELECT user_handle FROM passkey_users WHERE profile_id = {OWNER}"), &p1)?);
                kinds.push(Ahead::Passkeys);
            }
            if has(Ahead::Browsers) {
                let sql = format!(
                    "SELECT {BROWSER_COLS} FROM remembered_browsers WHERE profile_id = {OWNER} \
                     ORDER BY created_at DESC, id DESC"
                );
                stmts.push(stmt(&sql, &p1)?);
                kinds.push(Ahead::Browsers);
            }
            if has(Ahead::Links) {
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM memberships WHERE profile_id = {OWNER} AND status != 'dismissed'"
                );
                stmts.push(stmt(&sql, &p1)?);
                kinds.push(Ahead::Links);
            }
            if keys.account.is_some() && has(Ahead::Account) {
                stmts.push(stmt(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = ?2"), &p2)?);
                stmts.push(stmt(
                    &format!("{MEMBERSHIP_SELECT} WHERE m.account_id = ?2 AND m.profile_id = {OWNER}"),
                    &p2,
                )?);
                kinds.push(Ahead::Account);
                if keys.card.is_some() && has(Ahead::CardProfile) {
                    let sql = format!(
                        "SELECT {PROFILE_SELECT} FROM profiles WHERE id = \
                         (SELECT profile_id FROM memberships WHERE id = ?4 AND account_id = ?2)"
                    );
                    stmts.push(stmt(&sql, &p4)?);
                    kinds.push(Ahead::CardProfile);
                }
                for (kind, sql) in [
                    (Ahead::Cards, format!("{MEMBERSHIP_SELECT} WHERE m.account_id = ?2 ORDER BY m.created_at, m.id")),
                    (
                        Ahead::Departments,
                        format!("SELECT {DEPARTMENT_COLS} FROM departments WHERE account_id = ?2 ORDER BY created_at, id"),
                    ),
                    (Ahead::Groups, format!("SELECT {GROUP_COLS} FROM groups WHERE account_id = ?2 ORDER BY created_at, id")),
                    (Ahead::Apps, format!("SELECT {APP_COLS} FROM apps WHERE account_id = ?2 ORDER BY created_at, rowid")),
                    (
                        Ahead::CardFactors,
                        "SELECT m.id AS card_id, p.two_factor_enabled AS on_ FROM memberships m JOIN profiles p ON p.id = m.profile_id \
                         WHERE m.account_id = ?2"
                            .to_string(),
                    ),
                    (
                        Ahead::Audit,
                        format!(
                            "SELECT {AUDIT_COLS} FROM audit_log WHERE account_id = ?2 ORDER BY at DESC, rowid DESC LIMIT {AUDIT_PAGE}"
                        ),
                    ),
                    (
                        Ahead::Invitations,
                        format!("SELECT {INVITATION_COLS} FROM invitations WHERE account_id = ?2 ORDER BY created_at DESC, id"),
                    ),
                ] {
                    if has(kind) {
                        stmts.push(stmt(&sql, &p2)?);
                        kinds.push(kind);
                    }
                }
            }
        }
        if keys.invitation.is_some() && has(Ahead::Invitation) {
            const INV: &str = "(SELECT account_id FROM invitations WHERE token_hash = ?3)";
            const CARD: &str = "(SELECT membership_id FROM invitations WHERE token_hash = ?3)";
            const TO: &str = "(SELECT recipient FROM invitations WHERE token_hash = ?3)";
            let named = format!("(SELECT id FROM profiles WHERE email = {TO} OR phone = {TO})");
            stmts.push(stmt(&format!("SELECT {INVITATION_COLS} FROM invitations WHERE token_hash = ?3"), &p3)?);
            stmts.push(stmt(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = {INV}"), &p3)?);
            stmts.push(stmt(&format!("{MEMBERSHIP_SELECT} WHERE m.id = {CARD}"), &p3)?);
            stmts
                .push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE email = {TO} OR phone = {TO}"), &p3)?);
            stmts.push(stmt(
                &format!("{MEMBERSHIP_SELECT} WHERE m.account_id = {INV} AND m.profile_id = {named}"),
                &p3,
            )?);
            stmts.push(stmt(&ACCOUNTS_OF.replace("?1", &named), &p3)?);
            kinds.push(Ahead::Invitation);
        }
        let results = self.batch(Round::Read, stmts).await?;
        let mut r = results.iter();
        let mut next = || r.next().ok_or_else(|| Error::internal("batch answered too few results"));
        let mut cache = self.ahead.borrow_mut();
        *cache = ReadAhead::default();
        let mut pid = None;
        if let Some(token_hash) = session_key {
            let session: Option<Session> = D::rows::<SessionRow>(next()?)?.into_iter().next().map(Into::into);
            pid = session.as_ref().map(|s| s.profile_id.clone());
            cache.session.insert(token_hash.to_string(), session);
        }
        let account = keys.account.unwrap_or_default().to_string();
        for kind in kinds {
            // Without a session, the caller's parts describe nobody: they are read and dropped.
            let me = pid.clone();
            match kind {
                Ahead::Me => {
                    let p = D::rows::<ProfileRow>(next()?)?.into_iter().next().map(Into::into);
                    let accounts = D::rows::<AccountRow>(next()?)?.into_iter().map(account_view).collect();
                    if let Some(pid) = me {
                        cache.profile.insert(pid.clone(), p);
                        cache.accounts_of.insert(pid, accounts);
                    }
                }
                Ahead::TwoFactor => {
                    let tf = D::rows::<TwoFactorRow>(next()?)?.into_iter().next().map(Into::into);
                    if let Some(pid) = me {
                        cache.two_factor.insert(pid, tf);
                    }
                }
                Ahead::Sessions => {
                    let list = D::rows::<SessionRow>(next()?)?.into_iter().map(Into::into).collect();
                    if let Some(pid) = me {
                        cache.sessions_of.insert(pid, list);
                    }
                }
                Ahead::Passkeys => {
                    let list = D::rows::<PasskeyRow>(next()?)?.into_iter().map(Into::into).collect();
                    let handle = D::rows::<HandleRow>(next()?)?.into_iter().next().map(|r| r.user_handle);
                    if let Some(pid) = me {
                        cache.passkeys.insert(pid.clone(), list);
                        cache.passkey_user.insert(pid, handle);
                    }
                }
                Ahead::Browsers => {
                    let list = D::rows::<RememberedBrowser>(next()?)?;
                    if let Some(pid) = me {
                        cache.browsers.insert(pid, list);
                    }
                }
                Ahead::CardFactors => {
                    let list =
                        D::rows::<CardFactorRow>(next()?)?.into_iter().map(|r| (r.card_id, r.on_ != 0)).collect();
                    if me.is_some() {
                        cache.card_factors.insert(account.clone(), list);
                    }
                }
                Ahead::Links => {
                    let n = D::rows::<CountRow>(next()?)?.into_iter().next().map_or(0, |r| r.n.max(0) as u32);
                    if let Some(pid) = me {
                        cache.links.insert(pid, n);
                    }
                }
                Ahead::Account => {
                    let acc = D::rows::<AccountRecordRow>(next()?)?.into_iter().next().map(Into::into);
                    let card = D::rows::<MembershipRow>(next()?)?.into_iter().next().map(Into::into);
                    if let Some(pid) = me {
                        cache.account.insert(account.clone(), acc);
                        cache.membership_of.insert((account.clone(), pid), card);
                    }
                }
                Ahead::Apps => {
                    let list = D::rows::<AppRow>(next()?)?.into_iter().map(Into::into).collect();
                    if me.is_some() {
                        cache.apps.insert(account.clone(), list);
                    }
                }
                Ahead::Audit => {
                    let list = D::rows::<AuditRow>(next()?)?.into_iter().map(Into::into).collect();
                    if me.is_some() {
                        cache.audit.insert(account.clone(), list);
                    }
                }
                Ahead::CardProfile => {
                    let p: Option<Profile> = D::rows::<ProfileRow>(next()?)?.into_iter().next().map(Into::into);
                    if let (Some(p), Some(_)) = (p, &me) {
                        cache.profile.insert(p.id.clone(), Some(p));
                    }
                }
                Ahead::Cards => {
                    let list = D::rows::<MembershipRow>(next()?)?.into_iter().map(Into::into).collect();
                    if me.is_some() {
                        cache.memberships.insert(account.clone(), list);
                    }
                }
                Ahead::Departments => {
                    let list = D::rows::<DepartmentRow>(next()?)?.into_iter().map(Into::into).collect();
                    if me.is_some() {
                        cache.departments.insert(account.clone(), list);
                    }
                }
                Ahead::Groups => {
                    let list = D::rows::<GroupRow>(next()?)?.into_iter().map(Into::into).collect();
                    if me.is_some() {
                        cache.groups.insert(account.clone(), list);
                    }
                }
                Ahead::Invitations => {
                    let list = D::rows::<InvitationRow>(next()?)?.into_iter().map(Into::into).collect();
                    if me.is_some() {
                        cache.invitations.insert(account.clone(), list);
                    }
                }
                Ahead::Invitation => {
                    let inv: Option<Invitation> = D::rows::<InvitationRow>(next()?)?.into_iter().next().map(Into::into);
                    let acc: Option<Account> = D::rows::<AccountRecordRow>(next()?)?.into_iter().next().map(Into::into);
                    let card: Option<Membership> =
                        D::rows::<MembershipRow>(next()?)?.into_iter().next().map(Into::into);
                    let named: Vec<Profile> = D::rows::<ProfileRow>(next()?)?.into_iter().map(Into::into).collect();
                    let named_card: Option<Membership> =
                        D::rows::<MembershipRow>(next()?)?.into_iter().next().map(Into::into);
                    let named_accounts: Vec<AccountView> =
                        D::rows::<AccountRow>(next()?)?.into_iter().map(account_view).collect();
                    cache.invitation_by_token.insert(keys.invitation.unwrap_or_default().to_string(), inv.clone());
                    let Some(inv) = inv else { continue };
                    cache.account.insert(inv.account_id.clone(), acc);
                    cache.membership.insert((inv.account_id.clone(), inv.membership_id.clone()), card);
                    // The address names at most one profile (email and phone are unique, and
                    // an address is one or the other): read ahead only when that is so.
                    if named.len() <= 1 {
                        let p = named.into_iter().next();
                        let by_email = p.clone().filter(|p| p.email.as_deref() == Some(inv.to.as_str()));
                        let by_phone = p.clone().filter(|p| p.phone.as_deref() == Some(inv.to.as_str()));
                        cache.profile_by_email.insert(inv.to.clone(), by_email);
                        cache.profile_by_phone.insert(inv.to.clone(), by_phone);
                        if let Some(p) = p {
                            cache.membership_of.insert((inv.account_id.clone(), p.id.clone()), named_card);
                            cache.accounts_of.insert(p.id.clone(), named_accounts);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Forgets what was read ahead (a commit changes what it described).
    pub fn forget_read_ahead(&self) {
        *self.ahead.borrow_mut() = ReadAhead::default();
    }
}

/// The statements of a flow's announced reads, and how to keep their answers.
fn read_statements(reads: &[Read<'_>]) -> StoreResult<Vec<Statement>> {
    let mut stmts = Vec::new();
    for read in reads {
        match *read {
            Read::Login(login) | Read::Code(login, _) => {
                let (column, value) = login_column(login);
                let owner = format!("(SELECT id FROM profiles WHERE {column} = ?1)");
                stmts.push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE {column} = ?1"), &[s(value)])?);
                stmts.push(stmt(&ACCOUNTS_OF.replace("?1", &owner), &[s(value)])?);
                if let Read::Code(_, purpose) = *read {
                    let sql = format!("SELECT {CODE_COLS} FROM codes WHERE profile_id = {owner} AND purpose = ?2");
                    stmts.push(stmt(&sql, &[s(value), s(purpose.as_str())])?);
                }
            }
            Read::CodeOf(profile_id, purpose) => {
                let sql = format!("SELECT {CODE_COLS} FROM codes WHERE profile_id = ?1 AND purpose = ?2");
                stmts.push(stmt(&sql, &[s(profile_id), s(purpose.as_str())])?);
            }
            Read::Profile(id) => {
                stmts.push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = ?1"), &[s(id)])?);
                stmts.push(stmt(ACCOUNTS_OF, &[s(id)])?);
            }
            Read::TwoFactor(id) => {
                stmts.push(stmt(&format!("SELECT {TWO_FACTOR_COLS} FROM two_factor WHERE profile_id = ?1"), &[s(id)])?);
            }
            Read::Social(provider, subject) => {
                const OWNER: &str = "(SELECT profile_id FROM social_identities WHERE provider = ?1 AND subject = ?2)";
                let args = [s(provider), s(subject)];
                stmts.push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {OWNER}"), &args)?);
                stmts.push(stmt(&ACCOUNTS_OF.replace("?1", OWNER), &args)?);
            }
            Read::Session(hash) => {
                stmts.push(stmt(&format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = ?1"), &[s(hash)])?);
            }
            Read::Passkeys(id) => {
                let sql = format!("SELECT {PASSKEY_COLS} FROM passkeys WHERE profile_id = ?1 ORDER BY created_at, id");
                stmts.push(stmt(&sql, &[s(id)])?);
                stmts.push(stmt("SELECT user_handle FROM passkey_users WHERE profile_id = ?1", &[s(id)])?);
            }
            Read::Refresh(hash) => {
                const OF: &str = "(SELECT profile_id FROM refresh_tokens WHERE token_hash = ?1)";
                stmts.push(stmt(
                    &format!("SELECT {REFRESH_COLS} FROM refresh_tokens WHERE token_hash = ?1"),
                    &[s(hash)],
                )?);
                stmts.push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {OF}"), &[s(hash)])?);
                stmts.push(stmt(&ACCOUNTS_OF.replace("?1", OF), &[s(hash)])?);
                let sql = format!(
                    "SELECT {SESSION_COLS} FROM sessions WHERE token_hash = \
                     (SELECT session_hash FROM refresh_tokens WHERE token_hash = ?1)"
                );
                stmts.push(stmt(&sql, &[s(hash)])?);
            }
        }
    }
    Ok(stmts)
}

fn login_column<'a>(login: LoginKey<'a>) -> (&'static str, &'a str) {
    match login {
        LoginKey::Email(e) => ("email", e),
        LoginKey::Phone(p) => ("phone", p),
    }
}

impl<D: Database> SqlStore<D> {
    /// Keeps the answers of `reads` (`results` in the order of `read_statements`).
    pub(super) fn keep_reads<'r>(
        &self,
        reads: &[Read<'_>],
        results: &mut impl Iterator<Item = &'r D::Result>,
    ) -> StoreResult<()>
    where
        D::Result: 'r,
    {
        let mut next = || results.next().ok_or_else(|| Error::internal("batch answered too few results"));
        let mut cache = self.ahead.borrow_mut();
        for read in reads {
            match *read {
                Read::Login(login) | Read::Code(login, _) => {
                    let (column, value) = login_column(login);
                    let p: Option<Profile> = D::rows::<ProfileRow>(next()?)?.into_iter().next().map(Into::into);
                    let accounts: Vec<AccountView> =
                        D::rows::<AccountRow>(next()?)?.into_iter().map(account_view).collect();
                    if let Some(p) = &p {
                        cache.profile.insert(p.id.clone(), Some(p.clone()));
                        cache.accounts_of.insert(p.id.clone(), accounts);
                    }
                    if let Read::Code(_, purpose) = *read {
                        let code = D::rows::<CodeRow>(next()?)?.into_iter().next().and_then(CodeRow::into_record);
                        if let Some(p) = &p {
                            cache.code.insert((p.id.clone(), purpose), code);
                        }
                    }
                    let map = if column == "email" { &mut cache.profile_by_email } else { &mut cache.profile_by_phone };
                    map.insert(value.to_string(), p);
                }
                Read::CodeOf(profile_id, purpose) => {
                    let code = D::rows::<CodeRow>(next()?)?.into_iter().next().and_then(CodeRow::into_record);
                    cache.code.insert((profile_id.to_string(), purpose), code);
                }
                Read::Profile(id) => {
                    let p: Option<Profile> = D::rows::<ProfileRow>(next()?)?.into_iter().next().map(Into::into);
                    let accounts: Vec<AccountView> =
                        D::rows::<AccountRow>(next()?)?.into_iter().map(account_view).collect();
                    cache.profile.insert(id.to_string(), p);
                    cache.accounts_of.insert(id.to_string(), accounts);
                }
                Read::TwoFactor(id) => {
                    let tf: Option<TwoFactor> = D::rows::<TwoFactorRow>(next()?)?.into_iter().next().map(Into::into);
                    cache.two_factor.insert(id.to_string(), tf);
                }
                Read::Social(provider, subject) => {
                    let p: Option<Profile> = D::rows::<ProfileRow>(next()?)?.into_iter().next().map(Into::into);
                    let accounts: Vec<AccountView> =
                        D::rows::<AccountRow>(next()?)?.into_iter().map(account_view).collect();
                    cache.social_owner.insert((provider.to_string(), subject.to_string()), p.map(|p| (p, accounts)));
                }
                Read::Session(hash) => {
                    let session: Option<Session> = D::rows::<SessionRow>(next()?)?.into_iter().next().map(Into::into);
                    cache.session.insert(hash.to_string(), session);
                }
                Read::Passkeys(id) => {
                    let list = D::rows::<PasskeyRow>(next()?)?.into_iter().map(Into::into).collect();
                    let handle = D::rows::<HandleRow>(next()?)?.into_iter().next().map(|r| r.user_handle);
                    cache.passkeys.insert(id.to_string(), list);
                    cache.passkey_user.insert(id.to_string(), handle);
                }
                Read::Refresh(hash) => {
                    let rt: Option<RefreshToken> = D::rows::<RefreshRow>(next()?)?.into_iter().next().map(Into::into);
                    let p: Option<Profile> = D::rows::<ProfileRow>(next()?)?.into_iter().next().map(Into::into);
                    let accounts: Vec<AccountView> =
                        D::rows::<AccountRow>(next()?)?.into_iter().map(account_view).collect();
                    let session: Option<Session> = D::rows::<SessionRow>(next()?)?.into_iter().next().map(Into::into);
                    if let Some(t) = &rt {
                        cache.profile.insert(t.profile_id.clone(), p);
                        cache.accounts_of.insert(t.profile_id.clone(), accounts);
                        cache.session.insert(t.session_hash.clone(), session);
                    }
                    cache.refresh_token.insert(hash.to_string(), rt);
                }
            }
        }
        Ok(())
    }

    pub(super) async fn prefetch_reads(&self, reads: &[Read<'_>]) -> StoreResult<()> {
        let stmts = read_statements(reads)?;
        let results = self.batch(Round::Read, stmts).await?;
        self.keep_reads(reads, &mut results.iter())
    }

    pub(super) async fn hit_and_prefetch_reads(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
        reads: &[Read<'_>],
    ) -> StoreResult<Vec<Option<Throttle>>> {
        let mut stmts = hit_statements(keys, now)?;
        let counted = stmts.len();
        stmts.extend(read_statements(reads)?);
        let results = self.batch(Round::Count, stmts).await?;
        let (hits, rest) = results.split_at(counted);
        let after = hits.iter().map(throttle_of::<D>).collect::<StoreResult<Vec<_>>>()?;
        self.keep_reads(reads, &mut rest.iter())?;
        Ok(after)
    }
}
