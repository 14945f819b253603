//! Attempt counters in storage (never only in KV). An attempt is counted BEFORE it is
//! evaluated, in one atomic statement per key (`Store::hit`), so N concurrent attempts see
//! N different counts and at most `max_failures` of them are ever evaluated. A success gives
//! its attempt back (`Change::Refund`) or, for a login, clears the login's counter.

use super::Env;
use crate::config::ThrottlePolicy;
use crate::error::{Error, Result};
use crate::model::Throttle;
use crate::store::{Change, Store};
use std::net::IpAddr;

/// Counts one attempt on every key (the first decides whether the others are counted at
/// all); refuses with `too_many_attempts` (and Retry-After, the longest wait) when any key is
/// over its limit. The counts stay: a refused attempt is an attempt too.
pub(crate) async fn reserve<S: Store>(env: &Env<'_, S>, keys: &[(String, ThrottlePolicy)]) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let after = env.store.hit(keys, env.now).await?;
    verdict(env.now, keys, &after)
}

/// Refuses with `too_many_attempts` when any counter of `after` (what `Store::hit` answered
/// for `keys`) is over its limit.
pub(crate) fn verdict(now: i64, keys: &[(String, ThrottlePolicy)], after: &[Option<Throttle>]) -> Result<()> {
    let wait = after
        .iter()
        .zip(keys)
        .filter_map(|(t, (_, p))| t.as_ref().filter(|t| !t.allows(*p)))
        .map(|t| (t.blocked_until - now).max(1))
        .max();
    match wait {
        Some(w) => Err(Error::throttled(w as u64)),
        None => Ok(()),
    }
}

/// The changes that give back the attempts of `keys` after a success.
pub(crate) fn refund(keys: &[(String, ThrottlePolicy)]) -> Vec<Change> {
    keys.iter().map(|(k, _)| Change::Refund(k.clone())).collect()
}

pub(crate) fn login_key(login: &str) -> String {
    format!("login:{login}")
}

pub(crate) fn send_key(address: &str) -> String {
    format!("send:{address}")
}

/// The network a client address counts for: an IPv4 address itself, an IPv6 address its
/// /64 (one subscriber usually holds a whole /64, so keying by address would let one client
/// rotate through 2^64 keys). Anything unparsable counts under its first 64 characters.
pub fn client_network(ip: &str) -> String {
    match ip.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => format!("?{}", ip.chars().take(64).collect::<String>()),
    }
}

impl<S: Store> Env<'_, S> {
    /// The per-network key of this request's client, with `prefix` (`ip`, `codeip`).
    pub(crate) fn ip_key(&self, prefix: &str) -> Option<String> {
        self.ip.as_deref().map(|ip| format!("{prefix}:{}", client_network(ip)))
    }

    /// The keys a password check counts on: the login, and the client's network.
    pub(crate) fn password_keys(&self, login: &str) -> Vec<(String, ThrottlePolicy)> {
        let mut keys = vec![(login_key(login), self.config.login_throttle)];
        keys.extend(self.ip_key("ip").map(|k| (k, self.config.ip_throttle)));
        keys
    }

    /// The budget an unauthenticated request that sends a message or hashes a password
    /// spends from its client network, per hour and per day (on top of the per-address limits).
    pub(crate) fn anonymous_keys(&self) -> Vec<(String, ThrottlePolicy)> {
        let mut keys = Vec::new();
        keys.extend(self.ip_key("anon").map(|k| (k, self.config.anonymous_hourly)));
        keys.extend(self.ip_key("anonday").map(|k| (k, self.config.anonymous_daily)));
        keys
    }

    /// The keys a second-factor try counts on: the profile, per 15 minutes and per day, across
    /// tickets and sessions (a new ticket does not start them again).
    pub(crate) fn factor_keys(&self, profile_id: &str) -> Vec<(String, ThrottlePolicy)> {
        vec![
            (format!("factor:{profile_id}"), self.config.code_throttle),
            (format!("factorday:{profile_id}"), self.config.code_daily),
        ]
    }

    /// The keys a code guess counts on: the login (15 minutes and per day), and the network.
    pub(crate) fn code_keys(&self, login: &str) -> Vec<(String, ThrottlePolicy)> {
        let mut keys = vec![
            (format!("code:{login}"), self.config.code_throttle),
            (format!("codeday:{login}"), self.config.code_daily),
        ];
        keys.extend(self.ip_key("codeip").map(|k| (k, self.config.code_ip_throttle)));
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::client_network;

    #[test]
    fn ipv6_clients_count_by_their_64() {
        assert_eq!(client_network("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(client_network("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(client_network("2001:db8:1:3::1"), client_network("2001:db8:1:2::1"));
        assert_eq!(client_network("203.0.113.7"), "203.0.113.7");
        assert_eq!(client_network("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(client_network("not an ip"), "?not an ip");
        assert_eq!(client_network(&"é".repeat(100)).chars().count(), 65);
    }
}
