//! The addresses a workspace's application registers (OpenID Connect client metadata): where
//! people are sent back after signing in or out, where the app starts a sign-in, and where
//! back-channel logout tokens are posted. Each is checked for its use and stored as given
//! (trimmed): redirect URIs are compared exactly, so no form is rewritten.
//!
//! Every one is an absolute URL with a host, at most 2,000 characters, without credentials
//! (`user:password@`) or a fragment (RFC 6749 section 3.1.2). A browser-facing one is https,
//! or http on a loopback host (`127.0.0.1`, `[::1]`, `localhost`: RFC 8252 section 7.3, a
//! developer's machine). A back-channel logout address is requested by netid itself (a
//! server-side request target), so it must be https on a public host: no IP literal in a
//! private, loopback, link-local, shared, multicast or unspecified range, no `localhost` or
//! name under it, no single-label name; the development environment also takes http on a
//! loopback host, so a local app can receive logouts.

use crate::error::{Code, Error, Result};
use std::net::{Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// The longest address taken.
pub const MAX_URI: usize = 2000;

/// What an address is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriUse {
    /// Where the person's browser goes back (redirect, post-logout redirect, initiate login).
    Browser,
    /// Where netid posts back-channel logout tokens.
    Backchannel { development: bool },
}

/// Checks one address for `usage`; `field` names it in the error.
pub fn app_uri(input: &str, usage: UriUse, field: &'static str) -> Result<String> {
    let bad = || Error::field(Code::InvalidUri, field);
    let s = input.trim();
    if s.is_empty() || s.len() > MAX_URI || s.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad());
    }
    let url = Url::parse(s).map_err(|_| bad())?;
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(bad());
    }
    let host = url.host().ok_or_else(bad)?;
    let loopback = is_loopback(&host);
    let ok = match (url.scheme(), usage) {
        ("https", UriUse::Browser) => true,
        ("http", UriUse::Browser) => loopback,
        ("https", UriUse::Backchannel { development }) => is_public(&host) || (development && loopback),
        ("http", UriUse::Backchannel { development }) => development && loopback,
        _ => false,
    };
    if !ok {
        return Err(bad());
    }
    Ok(s.to_string())
}

/// Whether a redirect URI sent with a request is the registered one: the same string, or,
/// for a loopback one, the same but for the port (RFC 8252 section 7.3).
pub fn redirect_matches(registered: &str, sent: &str) -> bool {
    if registered == sent {
        return true;
    }
    let (Ok(r), Ok(s)) = (Url::parse(registered), Url::parse(sent)) else {
        return false;
    };
    let loopback = r.host().is_some_and(|h| is_loopback(&h)) && r.scheme() == "http";
    if !loopback || s.scheme() != "http" || r.host_str() != s.host_str() {
        return false;
    }
    // Everything but the port as registered: path, query, no credentials, no fragment.
    s.username().is_empty()
        && s.password().is_none()
        && s.fragment().is_none()
        && r.path() == s.path()
        && r.query() == s.query()
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(a) => *a == Ipv4Addr::LOCALHOST,
        Host::Ipv6(a) => *a == Ipv6Addr::LOCALHOST,
    }
}

fn is_public(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d.contains('.') && d != "localhost" && !d.ends_with(".localhost") && !d.ends_with(".local")
        }
        Host::Ipv4(a) => public_v4(*a),
        Host::Ipv6(a) => match a.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(*a),
        },
    }
}

fn public_v4(a: Ipv4Addr) -> bool {
    let o = a.octets();
    !(a.is_private()
        || a.is_loopback()
        || a.is_link_local()
        || a.is_broadcast()
        || a.is_documentation()
        || a.is_unspecified()
        || a.is_multicast()
        || o[0] == 0
        // 100.64.0.0/10, shared address space (RFC 6598); 198.18.0.0/15, benchmarking.
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || o[0] >= 240)
}

fn public_v6(a: Ipv6Addr) -> bool {
    let s = a.segments();
    !(a.is_loopback()
        || a.is_unspecified()
        || a.is_multicast()
        // fc00::/7 unique local, fe80::/10 link-local, 2001:db8::/32 documentation,
        // 64:ff9b::/96 NAT64 (it reaches IPv4 addresses of any kind).
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        || (s[0] == 0x0064 && s[1] == 0xff9b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn browser(s: &str) -> bool {
        app_uri(s, UriUse::Browser, "redirect_uris").is_ok()
    }
    fn back(s: &str, development: bool) -> bool {
        app_uri(s, UriUse::Backchannel { development }, "backchannel_logout_uri").is_ok()
    }

    #[test]
    fn browser_addresses_are_https_or_loopback_http_without_credentials_or_fragments() {
        for ok in [
            "https://app.example.com/callback",
            "https://app.example.com/cb?tenant=a",
            "http://127.0.0.1:5173/callback",
            "http://[::1]/cb",
            "http://localhost:8080/cb",
            " https://app.example.com/cb ",
        ] {
            assert!(browser(ok), "{ok}");
        }
        for bad in [
            "",
            "/relative",
            "app.example.com/cb",
            "http://app.example.com/cb",
            "https://user:pw@app.example.com/cb",
            "https://user@app.example.com/cb",
            "https://app.example.com/cb#frag",
            "javascript:alert(1)",
            "data:text/html,hi",
            "ftp://app.example.com/",
            "https://app.example.com/a b",
            "http://10.0.0.1/cb",
        ] {
            assert!(!browser(bad), "{bad}");
        }
        assert!(!browser(&format!("https://app.example.com/{}", "a".repeat(MAX_URI))));
        assert_eq!(app_uri(" https://a.example.com/x ", UriUse::Browser, "f").unwrap(), "https://a.example.com/x");
        let e = app_uri("http://x.example.com", UriUse::Browser, "post_logout_redirect_uris").unwrap_err();
        assert_eq!((e.code, e.field), (Code::InvalidUri, Some("post_logout_redirect_uris")));
    }

    #[test]
    fn a_backchannel_address_is_a_public_https_host_outside_development() {
        assert!(back("https://app.example.com/backchannel", false));
        assert!(back("https://93.184.216.34/logout", false));
        for bad in [
            "http://app.example.com/logout",
            "https://localhost/logout",
            "https://api.localhost/logout",
            "https://printer.local/logout",
            "https://intranet/logout",
            "https://127.0.0.1/logout",
            "https://10.1.2.3/logout",
            "https://172.16.0.1/logout",
            "https://192.168.1.1/logout",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/logout",
            "https://0.0.0.0/logout",
            "https://[::1]/logout",
            "https://[fd00::1]/logout",
            "https://[fe80::1]/logout",
            "https://[::ffff:10.0.0.1]/logout",
            "https://[64:ff9b::a00:1]/logout",
            "https://user:secret@app.example.com/logout",
        ] {
            assert!(!back(bad, false), "{bad}");
        }
        // Development: a local app on the loopback receives logouts too.
        assert!(back("http://127.0.0.1:9000/logout", true));
        assert!(back("http://localhost:9000/logout", true));
        assert!(!back("http://10.0.0.1/logout", true));
    }

    #[test]
    fn a_redirect_matches_exactly_or_on_the_loopback_with_another_port() {
        assert!(redirect_matches("https://app.example.com/cb", "https://app.example.com/cb"));
        assert!(!redirect_matches("https://app.example.com/cb", "https://app.example.com/cb/"));
        assert!(!redirect_matches("https://app.example.com/cb", "https://app.example.com/cb?x=1"));
        assert!(!redirect_matches("https://app.example.com:443/cb", "https://app.example.com:8443/cb"));
        assert!(redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:53111/cb"));
        assert!(redirect_matches("http://[::1]:80/cb", "http://[::1]:9/cb"));
        assert!(!redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:5/other"));
        assert!(!redirect_matches("http://127.0.0.1/cb", "http://localhost:5/cb"));
        assert!(!redirect_matches("http://127.0.0.1/cb", "https://127.0.0.1:5/cb"));
        assert!(!redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:5/cb#x"));
    }
}
