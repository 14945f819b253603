//! The service's rules as data, so tests can inject cheaper hashing or other limits.

use crate::hashing::HashPolicy;

/// Failures allowed per key within a window before the key is blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub max_failures: u32,
    pub window_seconds: i64,
    pub block_seconds: i64,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub hash: HashPolicy,
    /// Optional pepper (a Worker secret) mixed into every password hash.
    pub pepper: Option<Vec<u8>>,
    /// A browser session ends after this long without activity (24 minutes).
    pub idle_timeout: i64,
    /// And after this long in any case (7 days).
    pub absolute_timeout: i64,
    /// Activity is written to storage at most this often.
    pub touch_interval: i64,
    /// Desktop refresh tokens live this long from issue.
    pub refresh_ttl: i64,
    pub code_ttl: i64,
    pub code_attempts: u32,
    /// Failed logins per login identifier.
    pub login_throttle: ThrottlePolicy,
    /// Failed logins per client IP.
    pub ip_throttle: ThrottlePolicy,
    /// Codes sent per address (signup, login confirmation, recovery).
    pub send_throttle: ThrottlePolicy,
    /// Wrong codes per login (across re-issued codes).
    pub code_throttle: ThrottlePolicy,
    /// Wrong codes per client network.
    pub code_ip_throttle: ThrottlePolicy,
    /// Wrong codes per login and day.
    pub code_daily: ThrottlePolicy,
    /// Unauthenticated requests that send a message or hash a password (signups, resends,
    /// forgotten passwords, social sign-ins started, codes a login sends), per client network
    /// (an IPv6 /64) per hour and per day.
    pub anonymous_hourly: ThrottlePolicy,
    pub anonymous_daily: ThrottlePolicy,
    /// Passkey login challenges issued per client network (every login page on a host name
    /// asks for one): rows nobody can fill the database with.
    pub ceremony_throttle: ThrottlePolicy,
    /// A desktop refresh family ends this long after its login, however often it rotates.
    pub refresh_family_ttl: i64,
    /// Links (invitations, set-password) stay readable in the outbox this long.
    pub link_ttl: i64,
    /// Outbox rows are deleted after this long.
    pub outbox_retention: i64,
    /// Messages someone asked for (codes, invitations, login details) per address and day.
    pub send_daily_per_address: u32,
    /// Invitations and login details an account sends per day, by email and by SMS.
    pub send_daily_per_account_email: u32,
    pub send_daily_per_account_sms: u32,
    /// The key that seals authenticator secrets (a Worker secret); without it two-step
    /// authentication cannot be set up.
    pub two_factor_key: Option<[u8; 32]>,
    /// A login ticket (the second step) lives this long and allows this many tries.
    pub ticket_ttl: i64,
    /// How long a remembered browser may skip the second step (30 days).
    pub remember_ttl: i64,
    pub ticket_tries: u32,
    /// The development environment (`wrangler dev --env dev`): an application's back-channel
    /// logout address may then be http on a loopback host, so a local app receives logouts.
    pub development: bool,
    /// The logins (normalized emails and E.164 phones) whose profiles hold the operator role:
    /// a deploy-time list (the `OPERATORS` var), never granted through the API.
    pub operators: Vec<String>,
}

impl Config {
    /// The production rules.
    pub fn production() -> Self {
        Config {
            hash: HashPolicy::OWASP_2023,
            pepper: None,
            idle_timeout: 24 * 60,
            absolute_timeout: 7 * 24 * 3600,
            touch_interval: 60,
            refresh_ttl: 30 * 24 * 3600,
            code_ttl: 10 * 60,
            code_attempts: 5,
            login_throttle: ThrottlePolicy { max_failures: 5, window_seconds: 15 * 60, block_seconds: 15 * 60 },
            ip_throttle: ThrottlePolicy { max_failures: 50, window_seconds: 15 * 60, block_seconds: 15 * 60 },
            send_throttle: ThrottlePolicy { max_failures: 5, window_seconds: 15 * 60, block_seconds: 15 * 60 },
            code_throttle: ThrottlePolicy { max_failures: 5, window_seconds: 15 * 60, block_seconds: 15 * 60 },
            code_ip_throttle: ThrottlePolicy { max_failures: 50, window_seconds: 15 * 60, block_seconds: 15 * 60 },
            code_daily: ThrottlePolicy { max_failures: 20, window_seconds: 24 * 3600, block_seconds: 24 * 3600 },
            anonymous_hourly: ThrottlePolicy { max_failures: 20, window_seconds: 3600, block_seconds: 3600 },
            anonymous_daily: ThrottlePolicy { max_failures: 100, window_seconds: 24 * 3600, block_seconds: 24 * 3600 },
            ceremony_throttle: ThrottlePolicy { max_failures: 300, window_seconds: 15 * 60, block_seconds: 15 * 60 },
            refresh_family_ttl: 90 * 24 * 3600,
            link_ttl: 7 * 24 * 3600,
            outbox_retention: 30 * 24 * 3600,
            send_daily_per_address: 20,
            send_daily_per_account_email: 1_000,
            send_daily_per_account_sms: 100,
            two_factor_key: None,
            ticket_ttl: 5 * 60,
            remember_ttl: 30 * 24 * 3600,
            ticket_tries: 5,
            development: false,
            operators: Vec::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::production()
    }
}
