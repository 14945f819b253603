//! The storage boundary. Flows read through [`Store`] and write by handing a list of
//! [`Change`]s to [`Store::commit`], which applies them all or none (a D1 `batch()`), so a
//! change and the email it causes land together or not at all.

use crate::error::Error;
use crate::model::*;

/// Storage failures are not the caller's fault: they surface as `internal_error`.
pub type StoreResult<T> = Result<T, Error>;

/// One write. A commit applies its changes in order, atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    PutProfile(Profile),
    /// Removes the profile with its codes, sessions and refresh tokens.
    DeleteProfile(String),
    PutCode(CodeRecord),
    DeleteCode {
        profile_id: String,
        purpose: Purpose,
    },
    PutSession(Session),
    DeleteSession(String),
    /// Ends every session of a profile, but `except` (a token hash).
    DeleteSessionsOf {
        profile_id: String,
        except: Option<String>,
    },
    PutRefreshToken(RefreshToken),
    /// Reuse detected or logout: every token and session of the family goes.
    RevokeFamily(String),
    /// Every refresh token of a profile, but those of `except_family`.
    DeleteRefreshTokensOf {
        profile_id: String,
        except_family: Option<String>,
    },
    PutThrottle(Throttle),
    DeleteThrottle(String),
    Outbox(OutboxMessage),
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
    PutAccount(Account),
    /// Removes an account with all its rows (cards, groups, departments, invitations);
    /// sessions inside it lose their current account.
    DeleteAccount(String),
    /// The same for many accounts at once (the cleanup's batches).
    DeleteAccounts(Vec<String>),
    /// Upserts a card and replaces its group links.
    PutMembership(Membership),
    DeleteMembership(String),
    PutDepartment(Department),
    PutGroup(Group),
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
    PurgeExpired {
        now: i64,
        idle_timeout: i64,
        invitations_before: i64,
    },
}

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
    /// Several throttling keys at once (login checks its login and its IP together).
    async fn throttles(&self, keys: &[String]) -> StoreResult<Vec<Throttle>> {
        let mut out = Vec::new();
        for k in keys {
            out.extend(self.throttle(k).await?);
        }
        Ok(out)
    }
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
    async fn cleanup_candidates(&self, warn_before: i64, delete_before: i64, limit: u32) -> StoreResult<Vec<Account>>;
}
