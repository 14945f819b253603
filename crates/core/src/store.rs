//! The storage boundary. Flows read through [`Store`] and write by handing a list of
//! [`Change`]s to [`Store::commit`], which applies them all or none (a D1 `batch()`), so a
//! change and the email it causes land together or not at all.

use crate::config::ThrottlePolicy;
use crate::error::{Code, Error};
pub use crate::flows::gate::Admitted;
use crate::model::*;

/// Storage failures are not the caller's fault: they surface as `internal_error`.
pub type StoreResult<T> = Result<T, Error>;

/// One write. A commit applies its changes in order, atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Writes a profile. For an existing row every column but the password hash is replaced;
    /// the hash changes only through [`Change::SetPassword`].
    PutProfile(Profile),
    /// Sets a profile's password hash. With `replaces`, only if the stored hash is still that
    /// one (a compare-and-set: a rehash at login never undoes a concurrent password change).
    /// `change_required` marks a password someone else chose (an admin). Without `replaces`
    /// it is a new password (a change, a reset, a claim proven): the profile's remembered
    /// browsers are forgotten with it.
    SetPassword {
        profile_id: String,
        hash: String,
        replaces: Option<String>,
        change_required: bool,
    },
    /// Removes the profile with its codes, sessions and refresh tokens.
    DeleteProfile(String),
    /// Ends a claim (an unproven profile) whose address someone else proved: its sessions,
    /// refresh tokens, login tickets, codes, second factor (secret and recovery codes, and the
    /// profile's flag), social identities and social sign-ins in progress. The profile row
    /// and its cards stay; the proof's own changes follow in the same commit.
    EndClaim(String),
    /// Ends every login ticket of a profile (a password change or reset, two-step off).
    DeleteTicketsOf(String),
    /// Issues a code (replacing the earlier one of that profile and purpose).
    PutCode(CodeRecord),
    /// Counts one wrong guess on the stored code: `attempts = attempts + 1`, in the statement.
    CodeFailed {
        profile_id: String,
        purpose: Purpose,
    },
    DeleteCode {
        profile_id: String,
        purpose: Purpose,
    },
    /// Creates a session (insert only: a deleted session is never re-created). Only the gate
    /// (`flows::gate::admit`) can build an [`Admitted`] session.
    PutSession(Admitted<Session>),
    DeleteSession(String),
    /// Lifts the "change your password first" restriction from a profile's sessions.
    ClearPasswordChangeRequired(String),
    /// Ends every session of a profile, but `except` (a token hash).
    DeleteSessionsOf {
        profile_id: String,
        except: Option<String>,
    },
    /// Creates a refresh token (insert only), admitted by the gate with its session.
    PutRefreshToken(Admitted<RefreshToken>),
    /// Spends a refresh token. Pair it with `Guard::RefreshUnused` so that of two concurrent
    /// refreshes with one token exactly one commits.
    SpendRefreshToken(String),
    /// Reuse detected or logout: every token and session of the family goes.
    RevokeFamily(String),
    /// Every refresh token of a profile, but those of `except_family`.
    DeleteRefreshTokensOf {
        profile_id: String,
        except_family: Option<String>,
    },
    DeleteThrottle(String),
    /// Gives back one attempt counted by [`Store::hit`] (a success): `failures - 1`, not below 0.
    Refund(String),
    Outbox(OutboxMessage),
    /// Counts one message against a send limit, in the statement (`n + 1`, a new window
    /// after `window` seconds), and fails the commit with `send_limit_reached` when the count
    /// is then over `limit`: the message and its cause land only within the limit.
    CountSend {
        key: String,
        limit: u32,
        window: i64,
        now: i64,
    },
    Audit(AuditEntry),
    /// "Apply to all accounts": the person's card in every account they belong to.
    UpdateCards {
        profile_id: String,
        first_name: Option<String>,
        last_name: Option<String>,
        contact_email: Option<String>,
        phone: Option<String>,
        photo_url: Option<String>,
    },
    /// Creates an account (insert only).
    PutAccount(Account),
    /// Renames an account, spending one rename in the statement (`renames_left - 1`); pair it
    /// with `Guard::RenamesLeft`.
    RenameAccount {
        account_id: String,
        name: String,
        address: String,
    },
    /// Operator: the plan, alone.
    SetPlan {
        account_id: String,
        plan: Plan,
    },
    /// Operator: `renames_left + n`, in the statement.
    GrantRenames {
        account_id: String,
        n: u32,
    },
    /// The cleanup warned the admins at `at`.
    MarkWarned {
        account_id: String,
        at: i64,
    },
    /// Removes an account with all its rows (cards, groups, departments, invitations);
    /// sessions inside it lose their current account.
    DeleteAccount(String),
    /// The same for many accounts at once (the cleanup's batches), but only those still
    /// free and without activity since `idle_before` when the statement runs.
    DeleteAccounts {
        ids: Vec<String>,
        idle_before: i64,
    },
    /// Upserts a card and replaces its group links.
    PutMembership(Membership),
    DeleteMembership(String),
    PutDepartment(Department),
    PutGroup(Group),
    /// Removes a department: cards and pending invitations lose it, its sub-departments move
    /// up to its parent.
    DeleteDepartment {
        account_id: String,
        id: String,
    },
    /// Removes a group: memberships in it and pending invitations' mentions of it go.
    DeleteGroup {
        account_id: String,
        id: String,
    },
    /// Cards of a profile that show the photo `url` lose it (the photo was removed).
    ClearCardPhotos {
        profile_id: String,
        url: String,
    },
    PutInvitation(Invitation),
    /// A login into an account: the account's and the card's last activity.
    RecordActivity {
        account_id: String,
        membership_id: String,
        at: i64,
    },
    /// Points a session at an account (`enter`), or at none.
    SetSessionAccount {
        token_hash: String,
        account_id: Option<String>,
    },
    /// Deletes what expired at `now`: codes, sessions (idle or capped), refresh tokens, and
    /// pending invitations that expired before `invitations_before` (with their invited cards).
    /// Erases codes, tokens and links from outbox rows whose secret expired (codes after
    /// `code_ttl`, links after `link_ttl`) and deletes outbox rows created before `outbox_before`.
    PurgeExpired {
        now: i64,
        idle_timeout: i64,
        invitations_before: i64,
        code_ttl: i64,
        link_ttl: i64,
        outbox_before: i64,
    },
    /// A pending authenticator secret (replacing a pending one; an enabled secret is never
    /// replaced, even by a setup that raced the enable).
    PutTwoFactor(TwoFactor),
    /// The secret is proven: enabled, with the step of the proving code; the profile shows it.
    EnableTwoFactor {
        profile_id: String,
        step: i64,
    },
    /// A code's step is used (pair with `Guard::TotpStepUnused`).
    UseTotpStep {
        profile_id: String,
        step: i64,
    },
    /// Switches the second factor off: the secret and every recovery code go.
    DeleteTwoFactor(String),
    /// A new set of recovery code hashes; the old set dies.
    ReplaceRecoveryCodes {
        profile_id: String,
        hashes: Vec<String>,
        at: i64,
    },
    /// A recovery code is used (pair with `Guard::RecoveryCodeUnused`).
    UseRecoveryCode {
        profile_id: String,
        code_hash: String,
    },
    PutTicket(LoginTicket),
    DeleteTicket(String),
    /// Ends one session of a profile by its public id.
    DeleteSessionById {
        profile_id: String,
        id: String,
    },
    /// Stores a social sign-in in progress (insert only).
    PutSocialState(SocialState),
    /// Links a social identity to a profile (insert only: pair with
    /// `Guard::SocialUnlinked`, so of two concurrent links of one identity one lands).
    LinkSocial {
        profile_id: String,
        link: SocialLink,
    },
    /// Unlinks one of a profile's social identities (pair with `Guard::OtherLoginMethod`).
    UnlinkSocial {
        profile_id: String,
        provider: String,
        subject: String,
    },
    /// Registers a workspace's application, or edits one: every column but the secret, the
    /// operator's switch and the creation time (those change only through their own changes).
    PutApp(App),
    /// A confidential application's new secret (its SHA-256); the old one stops working.
    SetAppSecret {
        client_id: String,
        secret_hash: String,
    },
    /// The operator switches an application off or on again.
    SetAppDisabled {
        client_id: String,
        disabled: bool,
    },
    /// Removes an application of `account_id`.
    DeleteApp {
        account_id: String,
        client_id: String,
    },
    /// A new signing key. With `unless_one_signs_at`, inserted only when no key signs at that
    /// time (two isolates making the first key at once: one lands, the other reads it).
    PutSigningKey {
        key: SigningKey,
        unless_one_signs_at: Option<i64>,
    },
    /// Every published key but `except` leaves the JWKS at `at` (a rotation).
    RetireSigningKeys {
        except: String,
        at: i64,
    },
    PutAuthCode(AuthCode),
    /// A code is redeemed (pair with `Guard::CodeUnused`).
    UseAuthCode {
        code_hash: String,
        at: i64,
    },
    PutOauthToken(OauthToken),
    /// A refresh token is rotated (pair with `Guard::GrantUnused`).
    UseOauthToken {
        token_hash: String,
        at: i64,
    },
    /// The workspace apps' sessions that came from a netid session end: every live token of
    /// the profile (in `account_id` only, of `session_hash` only, or all but those of
    /// `except_session`) is revoked, and each app with a back-channel logout URI gets one
    /// logout (an outbox row) per netid session it held tokens of. `None` filters nothing;
    /// at least one of `profile_id`, `account_id` and `session_hash` is given (all three
    /// `None` ends nothing).
    EndAppSessions {
        profile_id: Option<String>,
        account_id: Option<String>,
        session_hash: Option<String>,
        except_session: Option<String>,
    },
    /// Every token of a family is revoked (a reused refresh token or code, a revocation).
    RevokeOauthFamily {
        family_id: String,
        at: i64,
    },
    /// An admin sets the workspace's two-step policy and whether remembered browsers may skip
    /// the second step it asks for.
    SetTwoFactorPolicy {
        account_id: String,
        policy: TwoFactorPolicy,
        remember_browsers: bool,
    },
    /// Remembers a browser for the second step, unless a workspace of the profile refuses
    /// remembered browsers by then (decided in the statement); the profile keeps its 10
    /// newest.
    PutRememberedBrowser(RememberedBrowser),
    /// A remembered browser stood in for the second step (pair with
    /// `Guard::BrowserRemembered`).
    UseRememberedBrowser {
        token_hash: String,
        at: i64,
    },
    /// Forgets one remembered browser of a profile.
    ForgetBrowser {
        profile_id: String,
        id: String,
    },
    /// Forgets every remembered browser of a profile (two-step switched off, or all revoked).
    ForgetBrowsers(String),
    /// A session was admitted from `device` (a device cookie's hash) and `country`: with
    /// `notice`, the message is written first, and only when the profile has signed in
    /// before and one of the two is new to it (decided in the statement: concurrent sign-ins
    /// from one new device each tell); then both are recorded (last seen), and the profile
    /// keeps its 20 most recently seen devices.
    SignInPlace {
        profile_id: String,
        device: Option<String>,
        country: Option<String>,
        at: i64,
        notice: Option<OutboxMessage>,
    },
    /// A profile's WebAuthn user handle, unless it has one (pair registrations with
    /// `Guard::PasskeyUserIs`, so a credential is made for the handle that landed).
    PutPasskeyUser {
        profile_id: String,
        user_handle: String,
        at: i64,
    },
    /// A WebAuthn challenge (insert only), spent by [`Store::take_ceremony`].
    PutCeremony(Ceremony),
    /// Registers a passkey (insert only: pair with `Guard::CredentialFree` and
    /// `Guard::PasskeysBelow`).
    PutPasskey(Passkey),
    /// A passkey logged in: its counter, backup state and last use (pair a counting
    /// credential's use with `Guard::SignCountBelow`).
    UsePasskey {
        id: String,
        sign_count: i64,
        backed_up: bool,
        at: i64,
    },
    RenamePasskey {
        profile_id: String,
        id: String,
        name: String,
    },
    /// Removes one of a profile's passkeys (pair with `Guard::PasskeyExists` and
    /// `Guard::OtherThanPasskey`).
    DeletePasskey {
        profile_id: String,
        id: String,
    },
    /// A condition checked inside the commit's transaction, before the changes after it: when
    /// it does not hold, nothing of the commit is written and the commit fails with
    /// [`Guard::code`]. This is how a check-then-write decision is made atomic on D1, which
    /// has no interactive transactions. A commit may hold several guards (the caller's session
    /// alive, then the flow's own); it fails with the error of the first that does not hold
    /// (on D1 each guard's trigger names it, migration 0009).
    Guard(Guard),
}

/// Conditions a commit can require (see [`Change::Guard`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// The account keeps another active admin besides `membership_id`.
    OtherActiveAdmin { account_id: String, membership_id: String },
    /// The profile has created fewer than `max` existing accounts.
    AccountsCreatedBelow { profile_id: String, max: u32 },
    /// The account has a rename left.
    RenamesLeft { account_id: String },
    /// The account is on a paid plan.
    PaidPlan { account_id: String },
    /// The code of that profile and purpose is still the one with this hash (not spent, not
    /// replaced): a code is accepted once.
    CodeUnspent { profile_id: String, purpose: Purpose, code_hash: String },
    /// The refresh token is still unspent.
    RefreshUnused { token_hash: String },
    /// The invitation is still pending with this token (not accepted, revoked or resent).
    InvitationPending { invitation_id: String, token_hash: String },
    /// No code of this step (or a later one) was accepted yet: a TOTP code works once.
    TotpStepUnused { profile_id: String, step: i64 },
    /// The recovery code is still unused.
    RecoveryCodeUnused { profile_id: String, code_hash: String },
    /// The login ticket is still unspent.
    TicketUnspent { ticket_hash: String },
    /// No other department with this parent, or (`parent_id: None` and `group: true`) no
    /// other group of the account, is named `name` (ASCII case-insensitively, trimmed); `except`
    /// is the one being renamed.
    NameFree { account_id: String, group: bool, parent_id: Option<String>, name: String, except: Option<String> },
    /// No profile has this social identity linked.
    SocialUnlinked { provider: String, subject: String },
    /// The session still exists (not logged out or ended meanwhile).
    SessionAlive { token_hash: String },
    /// The profile's password hash is still the one a login verified (a reset or change that
    /// landed meanwhile wins, and the login's session is not made).
    PasswordUnchanged { profile_id: String, hash: String },
    /// The social identity is still linked to this profile (a login by it commits only while
    /// no proof of the address has ended the claim it belonged to meanwhile).
    SocialLinked { profile_id: String, provider: String, subject: String },
    /// The account has fewer than `max` applications.
    AppsBelow { account_id: String, max: u32 },
    /// The authorization code is unused and unexpired at `now`: a code gives tokens once.
    CodeUnused { code_hash: String, now: i64 },
    /// The refresh token is unused, unrevoked and unexpired at `now`.
    GrantUnused { token_hash: String, now: i64 },
    /// Without the identity (provider, subject), the profile keeps a way in: a password with
    /// a confirmed email or phone, or another social identity.
    OtherLoginMethod { profile_id: String, provider: String, subject: String },
    /// No workspace where the profile holds an active card requires two-step of that card.
    NoPolicyRequiresTwoFactor { profile_id: String },
    /// The profile has fewer than `max` passkeys.
    PasskeysBelow { profile_id: String, max: u32 },
    /// No passkey has this credential id.
    CredentialFree { credential_id: String },
    /// The profile's WebAuthn user handle is this one.
    PasskeyUserIs { profile_id: String, user_handle: String },
    /// The passkey's stored counter is below `count` (a device-bound credential's counter
    /// grows with every use: of two logins with one counter value, one lands).
    SignCountBelow { id: String, count: i64 },
    /// The profile still has this passkey.
    PasskeyExists { profile_id: String, id: String },
    /// Without the passkey `id`, the profile keeps a way in: a password with a confirmed
    /// email or phone, a social identity, or another passkey.
    OtherThanPasskey { profile_id: String, id: String },
    /// The remembered browser (its token's hash) is still the profile's and unexpired at
    /// `now`, and no workspace of the profile refuses remembered browsers: a revocation, a new
    /// password or a policy landing first wins.
    BrowserRemembered { token_hash: String, profile_id: String, now: i64 },
}

impl Guard {
    /// The error a commit fails with when the guard does not hold.
    pub fn code(&self) -> Code {
        match self {
            Guard::OtherActiveAdmin { .. } => Code::LastAdmin,
            Guard::AccountsCreatedBelow { .. } => Code::AccountLimitReached,
            Guard::RenamesLeft { .. } => Code::RenameLimitReached,
            Guard::PaidPlan { .. } => Code::PlanRequired,
            Guard::CodeUnspent { .. } => Code::InvalidCode,
            Guard::RefreshUnused { .. } => Code::InvalidRefreshToken,
            Guard::InvitationPending { .. } => Code::NotFound,
            Guard::TotpStepUnused { .. } => Code::InvalidOtpLogin,
            Guard::RecoveryCodeUnused { .. } => Code::InvalidRecoveryCode,
            Guard::TicketUnspent { .. } => Code::Unauthenticated,
            Guard::NameFree { .. } => Code::NameTaken,
            Guard::SocialUnlinked { .. } => Code::SocialAlreadyLinked,
            Guard::SocialLinked { .. } => Code::SocialNotLinked,
            Guard::PasswordUnchanged { .. } => Code::InvalidCredentials,
            Guard::SessionAlive { .. } => Code::Unauthenticated,
            Guard::OtherLoginMethod { .. } => Code::LastLoginMethod,
            Guard::AppsBelow { .. } => Code::AppLimitReached,
            Guard::CodeUnused { .. } | Guard::GrantUnused { .. } => Code::InvalidGrant,
            Guard::PasskeysBelow { .. } => Code::PasskeyLimitReached,
            Guard::NoPolicyRequiresTwoFactor { .. } => Code::TwoFactorRequiredByWorkspace,
            Guard::CredentialFree { .. } | Guard::PasskeyUserIs { .. } => Code::InvalidPasskey,
            Guard::SignCountBelow { .. } => Code::InvalidCredentials,
            Guard::PasskeyExists { .. } => Code::NotFound,
            Guard::OtherThanPasskey { .. } => Code::LastLoginMethod,
            Guard::BrowserRemembered { .. } => Code::Unauthenticated,
        }
    }

    pub fn error(&self) -> Error {
        let e = Error::new(self.code());
        match self {
            Guard::CodeUnspent { .. } => e.at("code"),
            Guard::RefreshUnused { .. } => e.at("refresh_token"),
            Guard::NameFree { .. } => e.at("name"),
            Guard::PasswordUnchanged { .. } => e.at("password"),
            _ => e,
        }
    }
}

/// How a login names its profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginKey<'a> {
    Email(&'a str),
    Phone(&'a str),
}

/// A read a flow announces before it makes it ([`Store::prefetch`]), so a store can make all
/// of a request's reads in one round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read<'a> {
    /// The profile a login names, with its active accounts.
    Login(LoginKey<'a>),
    /// That profile (read too) and its code of this purpose.
    Code(LoginKey<'a>, Purpose),
    /// A profile's code of this purpose.
    CodeOf(&'a str, Purpose),
    /// A refresh token with its profile, the profile's active accounts and its session.
    Refresh(&'a str),
    /// A profile by id with its active accounts.
    Profile(&'a str),
    /// A profile's second factor.
    TwoFactor(&'a str),
    /// The profile a social identity (provider, subject) is linked to, with its accounts.
    Social(&'a str, &'a str),
    /// A session by its token hash.
    Session(&'a str),
    /// A profile's passkeys and WebAuthn user handle.
    Passkeys(&'a str),
}

/// What the provider's request starts from ([`Store::grant_context`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grantable<'a> {
    /// An authorization request: the browser's netid session (when it sent one) and the client.
    Request { session_hash: Option<&'a str>, client_id: &'a str },
    /// A code at the token endpoint (by its hash).
    Code(&'a str),
    /// A refresh token (by its hash).
    Token(&'a str),
    /// The newest token of a family (an access token names its family).
    Family(&'a str),
}

/// Everything a provider step decides on, read in one round trip: the code or token, the
/// netid session behind it, the client, its account, the person's card there and profile.
#[derive(Debug, Clone, Default)]
pub struct GrantContext {
    pub code: Option<AuthCode>,
    pub token: Option<OauthToken>,
    pub session: Option<Session>,
    pub app: Option<App>,
    pub account: Option<Account>,
    pub card: Option<Membership>,
    pub profile: Option<Profile>,
}

/// What a passkey login reads ([`Store::passkey_login_read`]).
#[derive(Debug, Clone, Default)]
pub struct PasskeyLoginRead {
    pub throttles: Vec<Option<Throttle>>,
    pub ceremony: Option<Ceremony>,
    pub passkey: Option<Passkey>,
    pub owner: Option<(Profile, Vec<AccountView>)>,
}

/// A session with the profile and active accounts it belongs to (see
/// [`Store::session_with_me`]).
pub type SessionWithMe = (Session, Option<(Profile, Vec<AccountView>)>);

/// Reads and the atomic write. Implemented over D1 + KV in the Worker and in memory for tests.
#[allow(async_fn_in_trait)]
pub trait Store {
    async fn profile(&self, id: &str) -> StoreResult<Option<Profile>>;
    async fn profile_by_email(&self, email: &str) -> StoreResult<Option<Profile>>;
    async fn profile_by_phone(&self, phone: &str) -> StoreResult<Option<Profile>>;
    async fn code(&self, profile_id: &str, purpose: Purpose) -> StoreResult<Option<CodeRecord>>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>>;
    async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>>;
    async fn throttle(&self, key: &str) -> StoreResult<Option<Throttle>>;
    /// Counts one attempt for each key, atomically in storage (an increment in the statement,
    /// never a read-modify-write), and answers the counters after it, in order. A window
    /// that has passed, or a block that has ended, starts again at 1; reaching
    /// `max_failures` blocks the key for `block_seconds` (`Throttle::after_hit`). The keys
    /// after the first are counted only if the first allowed the attempt (decided in the same
    /// transaction), so attempts refused by the narrowest key do not use up the wider
    /// budgets (the network's, the day's); for those the answer is `None`. Callers count
    /// BEFORE they evaluate an attempt, so concurrent attempts each see their own count.
    async fn hit(&self, keys: &[(String, ThrottlePolicy)], now: i64) -> StoreResult<Vec<Option<Throttle>>>;
    /// [`Store::hit`], then the profile a login names with its active accounts, in one round
    /// trip where the store can (a login's whole read: the counting happens first, in the
    /// same transaction; the accounts are what the login's response shows).
    async fn hit_and_find(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
        login: LoginKey<'_>,
    ) -> StoreResult<(Vec<Option<Throttle>>, Option<(Profile, Vec<AccountView>)>)> {
        let after = self.hit(keys, now).await?;
        let profile = match login {
            LoginKey::Email(e) => self.profile_by_email(e).await?,
            LoginKey::Phone(p) => self.profile_by_phone(p).await?,
        };
        let found = match profile {
            Some(p) => {
                let accounts = self.accounts_of(&p.id).await?;
                Some((p, accounts))
            }
            None => None,
        };
        Ok((after, found))
    }
    /// A token's session and, read with it, its profile and active accounts: what an
    /// authenticated `GET /me` needs, in one round trip where the store can. The profile part
    /// is `None` when the profile is gone.
    async fn session_with_me(&self, token_hash: &str) -> StoreResult<Option<SessionWithMe>> {
        let Some(session) = self.session(token_hash).await? else {
            return Ok(None);
        };
        let me = self.profile_with_accounts(&session.profile_id).await?;
        Ok(Some((session, me)))
    }
    /// Reads what `reads` names in one round trip where the store can; its reads then answer
    /// from it until the next commit. A store that reads lazily ignores it.
    async fn prefetch(&self, _reads: &[Read<'_>]) -> StoreResult<()> {
        Ok(())
    }
    /// [`Store::hit`] and [`Store::prefetch`] in one round trip where the store can (the
    /// counting first, in the same transaction).
    async fn hit_and_prefetch(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
        reads: &[Read<'_>],
    ) -> StoreResult<Vec<Option<Throttle>>> {
        let after = self.hit(keys, now).await?;
        self.prefetch(reads).await?;
        Ok(after)
    }
    async fn two_factor(&self, profile_id: &str) -> StoreResult<Option<TwoFactor>>;
    /// The profile a social identity is linked to.
    async fn profile_by_social(&self, provider: &str, subject: &str) -> StoreResult<Option<Profile>>;
    /// The same with the profile's active accounts (what a login answers), in one round trip
    /// where the store can.
    async fn social_owner(&self, provider: &str, subject: &str) -> StoreResult<Option<(Profile, Vec<AccountView>)>> {
        match self.profile_by_social(provider, subject).await? {
            Some(p) => {
                let accounts = self.accounts_of(&p.id).await?;
                Ok(Some((p, accounts)))
            }
            None => Ok(None),
        }
    }
    /// Spends a social sign-in's state: deletes it and answers it, in one statement, when it
    /// exists and is live at `now` (so of two callbacks with one state, one gets it).
    async fn take_social_state(&self, state_hash: &str, now: i64) -> StoreResult<Option<SocialState>>;
    /// Counts one try on a live ticket (`attempts + 1` in the statement, while below `max` and
    /// not expired at `now`) and answers it; `None` when it is unknown, expired or used up.
    async fn attempt_ticket(&self, ticket_hash: &str, now: i64, max: u32) -> StoreResult<Option<LoginTicket>>;
    /// The live sessions of a profile, newest first.
    async fn sessions_of(&self, profile_id: &str) -> StoreResult<Vec<Session>>;
    /// An account's audit events, newest first, before the event `before` (an id).
    async fn audit_of(&self, account_id: &str, limit: u32, before: Option<&str>) -> StoreResult<Vec<AuditEntry>>;
    /// The operators' actions (`operators::ACTIONS`), newest first, before the event `before`.
    async fn operator_audit(&self, limit: u32, before: Option<&str>) -> StoreResult<Vec<AuditEntry>>;
    /// Records activity on a session without ever re-creating it: false when the row is gone
    /// (logged out, revoked), and the caller must treat the token as dead.
    async fn touch_session(&self, token_hash: &str, at: i64) -> StoreResult<bool>;
    /// Accounts where the profile has an active membership.
    async fn accounts_of(&self, profile_id: &str) -> StoreResult<Vec<AccountView>>;
    /// The profile and its active accounts: what `GET /me` shows. Stores that can read both
    /// in one round trip should.
    async fn profile_with_accounts(&self, id: &str) -> StoreResult<Option<(Profile, Vec<AccountView>)>> {
        match self.profile(id).await? {
            Some(p) => {
                let accounts = self.accounts_of(id).await?;
                Ok(Some((p, accounts)))
            }
            None => Ok(None),
        }
    }
    /// Accounts linked to the profile in any way but a dismissed card (guards deletion).
    async fn linked_account_count(&self, profile_id: &str) -> StoreResult<u32>;
    async fn commit(&self, changes: Vec<Change>) -> StoreResult<()>;

    // Accounts and people.
    async fn account(&self, id: &str) -> StoreResult<Option<Account>>;
    async fn account_by_address(&self, address: &str) -> StoreResult<Option<Account>>;
    /// How many existing accounts the profile created.
    async fn accounts_created_by(&self, profile_id: &str) -> StoreResult<u32>;
    /// The profile's card in an account, whatever its status.
    async fn membership_of(&self, account_id: &str, profile_id: &str) -> StoreResult<Option<Membership>>;
    async fn membership(&self, account_id: &str, id: &str) -> StoreResult<Option<Membership>>;
    /// Every card of an account (with `login_email` from the profile).
    async fn memberships(&self, account_id: &str) -> StoreResult<Vec<Membership>>;
    async fn departments(&self, account_id: &str) -> StoreResult<Vec<Department>>;
    async fn groups(&self, account_id: &str) -> StoreResult<Vec<Group>>;
    async fn invitations(&self, account_id: &str) -> StoreResult<Vec<Invitation>>;
    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>>;
    /// Free accounts needing cleanup work: inactive since `delete_before` (to delete) or since
    /// `warn_before` and not warned since their last activity (to warn); oldest first.
    /// An account's applications, oldest first.
    async fn apps(&self, account_id: &str) -> StoreResult<Vec<App>>;
    async fn app(&self, client_id: &str) -> StoreResult<Option<App>>;
    /// Every application (the operator's list), newest first, or those of one account.
    async fn all_apps(&self, account_id: Option<&str>, limit: u32) -> StoreResult<Vec<App>>;
    /// What a provider step decides on, in one round trip (see [`GrantContext`]).
    async fn grant_context(&self, key: Grantable<'_>) -> StoreResult<GrantContext>;
    /// The provider's signing keys, newest first.
    async fn signing_keys(&self) -> StoreResult<Vec<SigningKey>>;
    async fn auth_code(&self, code_hash: &str) -> StoreResult<Option<AuthCode>>;
    async fn oauth_token(&self, token_hash: &str) -> StoreResult<Option<OauthToken>>;
    /// A profile's passkeys, oldest first.
    async fn passkeys_of(&self, profile_id: &str) -> StoreResult<Vec<Passkey>>;
    /// A remembered browser by its token's hash.
    async fn remembered_browser(&self, token_hash: &str) -> StoreResult<Option<RememberedBrowser>>;
    /// A profile's remembered browsers, newest first.
    async fn remembered_browsers_of(&self, profile_id: &str) -> StoreResult<Vec<RememberedBrowser>>;
    /// The passkey with this credential id (base64url).
    async fn passkey_by_credential(&self, credential_id: &str) -> StoreResult<Option<Passkey>>;
    /// A profile's WebAuthn user handle.
    async fn passkey_user(&self, profile_id: &str) -> StoreResult<Option<String>>;
    /// A passkey login's whole read in one round trip: the attempt counted (as
    /// [`Store::hit`]), the challenge spent (as [`Store::take_ceremony`]), the credential's
    /// passkey, and its profile with its active accounts.
    async fn passkey_login_read(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
        challenge_hash: &str,
        credential_id: &str,
    ) -> StoreResult<PasskeyLoginRead>;
    /// For each card of an account that has a profile: whether that profile has two-step on.
    async fn card_factors(&self, account_id: &str) -> StoreResult<Vec<(String, bool)>>;
    /// Spends a WebAuthn challenge: deletes it and answers it, in one statement, when it
    /// exists and is live at `now` (of two answers with one challenge, one gets it).
    async fn take_ceremony(&self, challenge_hash: &str, now: i64) -> StoreResult<Option<Ceremony>>;
    async fn cleanup_candidates(&self, warn_before: i64, delete_before: i64, limit: u32) -> StoreResult<Vec<Account>>;
}
