//! Social login: the providers, what each one's answer means, and the checks that do not
//! need the network (the ID token's claims, `return_to`, PKCE). The Worker does the HTTP and
//! the signature; the linking rules are in `flows::social`.

pub mod jwt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The providers of the seeds. Office365 (work accounts) and LiveID (personal accounts) are
/// one provider, Microsoft, through its `common` endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Google,
    Facebook,
    Apple,
    Microsoft,
    Twitter,
}

/// How a provider proves who signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// OpenID Connect: a signed ID token, verified completely.
    Oidc,
    /// OAuth 2.0 and a user-info call with the access token.
    OAuth2,
}

impl Provider {
    pub const ALL: [Provider; 5] =
        [Provider::Google, Provider::Microsoft, Provider::Apple, Provider::Facebook, Provider::Twitter];

    pub const fn id(self) -> &'static str {
        match self {
            Provider::Google => "google",
            Provider::Facebook => "facebook",
            Provider::Apple => "apple",
            Provider::Microsoft => "microsoft",
            Provider::Twitter => "twitter",
        }
    }

    /// The name on buttons (brand names are not translated).
    pub const fn name(self) -> &'static str {
        match self {
            Provider::Google => "Google",
            Provider::Facebook => "Facebook",
            Provider::Apple => "Apple",
            Provider::Microsoft => "Microsoft",
            Provider::Twitter => "X (Twitter)",
        }
    }

    pub fn parse(s: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.id() == s)
    }

    /// The prefix of its Worker variables: `SOCIAL_GOOGLE_CLIENT_ID`, ...
    pub fn env_prefix(self) -> String {
        format!("SOCIAL_{}", self.id().to_ascii_uppercase())
    }

    pub const fn protocol(self) -> Protocol {
        match self {
            Provider::Google | Provider::Apple | Provider::Microsoft => Protocol::Oidc,
            Provider::Facebook | Provider::Twitter => Protocol::OAuth2,
        }
    }

    /// The issuer of the real provider (OIDC discovery at `{issuer}/.well-known/openid-configuration`).
    /// Microsoft's `common` issuer is a template: `{tenantid}` is the token's `tid`.
    pub const fn default_issuer(self) -> Option<&'static str> {
        match self {
            Provider::Google => Some("https://accounts.google.com"),
            Provider::Apple => Some("https://appleid.apple.com"),
            Provider::Microsoft => Some("https://login.microsoftonline.com/common/v2.0"),
            Provider::Facebook | Provider::Twitter => None,
        }
    }

    /// The real provider's endpoints for the OAuth 2.0 ones: (authorize, token, user info).
    pub const fn default_endpoints(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            Provider::Facebook => Some((
                "https://www.facebook.com/v19.0/dialog/oauth",
                "https://graph.facebook.com/v19.0/oauth/access_token",
                "https://graph.facebook.com/v19.0/me?fields=id,name,email",
            )),
            Provider::Twitter => Some((
                "https://twitter.com/i/oauth2/authorize",
                "https://api.twitter.com/2/oauth2/token",
                "https://api.twitter.com/2/users/me",
            )),
            _ => None,
        }
    }

    /// The scopes asked for: the least that identifies the person.
    pub const fn scope(self) -> &'static str {
        match self {
            Provider::Google | Provider::Microsoft => "openid email profile",
            Provider::Apple => "openid email name",
            Provider::Facebook => "email public_profile",
            Provider::Twitter => "users.read tweet.read",
        }
    }

    /// Apple answers with a form POST when names or email are asked for.
    pub const fn form_post(self) -> bool {
        matches!(self, Provider::Apple)
    }

    /// How the client authenticates at the token endpoint: HTTP Basic, else form fields.
    pub const fn basic_auth(self) -> bool {
        matches!(self, Provider::Twitter)
    }
}

/// Who the provider says signed in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    /// Whether the provider asserts the email is the person's (only then is it confirmed).
    pub email_verified: bool,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// A provider's email claim in netid's canonical form ([`Email`](crate::validate::Email)), so
/// that it compares equal to the profile's address; one that is no valid address stays as
/// given, lowercased (sign-up ignores it).
fn email_claim(v: &Value) -> Option<String> {
    let e = text(v, 254)?;
    Some(crate::validate::Email::parse(&e).map(|e| e.as_str().to_string()).unwrap_or_else(|_| e.to_lowercase()))
}

fn text(v: &Value, max: usize) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)).then_some(s)
}

/// A name from the provider without the invisible and bidirectional formatting characters
/// netid refuses in names others see ([`strip_invisible`](crate::validate::strip_invisible)).
fn name_text(v: &Value, max: usize) -> Option<String> {
    text(v, max).map(|s| crate::validate::strip_invisible(&s).trim().to_string()).filter(|s| !s.is_empty())
}

fn verified(v: &Value) -> bool {
    // Apple sends the flag as a string.
    matches!(v, Value::Bool(true)) || v.as_str() == Some("true")
}

fn split_name(full: Option<String>) -> (Option<String>, Option<String>) {
    match full {
        Some(n) => match n.rsplit_once(' ') {
            Some((first, last)) => (Some(first.trim().to_string()), Some(last.trim().to_string())),
            None => (Some(n), None),
        },
        None => (None, None),
    }
}

impl Identity {
    /// From verified ID token claims. Microsoft never asserts `email_verified`: its `email`
    /// claim is whatever the tenant or the person typed, so it is taken as verified only with
    /// Microsoft's optional `xms_edov` ("email domain owner verified") claim.
    pub fn from_claims(provider: Provider, claims: &Value) -> Option<Identity> {
        let subject = text(&claims["sub"], 255)?;
        let email = email_claim(&claims["email"]);
        let email_verified = email.is_some()
            && match provider {
                Provider::Microsoft => verified(&claims["xms_edov"]),
                _ => verified(&claims["email_verified"]),
            };
        let (mut first_name, mut last_name) =
            (name_text(&claims["given_name"], 100), name_text(&claims["family_name"], 100));
        if first_name.is_none() && last_name.is_none() {
            (first_name, last_name) = split_name(name_text(&claims["name"], 200));
        }
        Some(Identity { subject, email, email_verified, first_name, last_name })
    }

    /// From an OAuth 2.0 provider's user info: Facebook's Graph `me?fields=id,name,email`
    /// (`{id, name, email}`; an email Facebook returns is not asserted verified) and
    /// Twitter's `users/me` (`{"data": {id, name, username}}`, never an email).
    pub fn from_user_info(provider: Provider, info: &Value) -> Option<Identity> {
        match provider {
            Provider::Facebook => {
                let (first_name, last_name) = split_name(name_text(&info["name"], 200));
                Some(Identity {
                    subject: text(&info["id"], 255)?,
                    email: email_claim(&info["email"]),
                    email_verified: false,
                    first_name,
                    last_name,
                })
            }
            Provider::Twitter => {
                let data = &info["data"];
                let (first_name, last_name) =
                    split_name(name_text(&data["name"], 200).or_else(|| name_text(&data["username"], 100)));
                Some(Identity {
                    subject: text(&data["id"], 255)?,
                    email: None,
                    email_verified: false,
                    first_name,
                    last_name,
                })
            }
            _ => None,
        }
    }

    /// Apple sends the name only on the first authorization, beside the code in the form
    /// POST (`user={"name":{"firstName","lastName"}}`), unsigned: it is used for the new
    /// profile's card only, never to identify anyone.
    pub fn with_apple_user(mut self, user: Option<&str>) -> Identity {
        let Some(v) = user.and_then(|u| serde_json::from_str::<Value>(u).ok()) else {
            return self;
        };
        if self.first_name.is_none() {
            self.first_name = text(&v["name"]["firstName"], 100);
        }
        if self.last_name.is_none() {
            self.last_name = text(&v["name"]["lastName"], 100);
        }
        self
    }
}

/// A `return_to` that stays on this service: a path (`/`, `/#/profile`), never a scheme, a
/// host (`//evil.example`, `/\evil.example`), a control character or more than 512 bytes.
/// Anything else becomes `/`.
pub fn safe_return_to(raw: Option<&str>) -> String {
    let Some(p) = raw.map(str::trim).filter(|p| !p.is_empty()) else {
        return "/".to_string();
    };
    let ok = p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && p.len() <= 512
        && !p.chars().any(|c| c.is_control() || c == '\\' || c.is_whitespace());
    if ok {
        p.to_string()
    } else {
        "/".to_string()
    }
}

/// The PKCE challenge of a verifier (RFC 7636, `S256`).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A random URL-safe secret of 32 bytes (state, nonce, PKCE verifier, the browser binding).
pub fn secret(rng: &mut dyn crate::tokens::Entropy) -> String {
    let mut b = [0u8; 32];
    rng.fill(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn return_to_never_leaves_the_service() {
        for ok in ["/", "/#/profile", "/#/login?x=1", "/api/v1/me"] {
            assert_eq!(safe_return_to(Some(ok)), ok);
        }
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/a\nb",
            "/a b",
            "",
        ] {
            assert_eq!(safe_return_to(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_return_to(None), "/");
        assert_eq!(safe_return_to(Some(&format!("/{}", "a".repeat(600)))), "/");
    }

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn oidc_claims_map_to_an_identity() {
        let c = json!({"sub": "1234", "email": "Ann@Example.com", "email_verified": true, "given_name": "Ann", "family_name": "Lee"});
        let id = Identity::from_claims(Provider::Google, &c).unwrap();
        assert_eq!(id.email.as_deref(), Some("ann@example.com"));
        assert!(id.email_verified);
        let idn = json!({"sub": "2", "email": "\"Ann\"@Bücher.de", "email_verified": true});
        let idn = Identity::from_claims(Provider::Google, &idn).unwrap();
        assert_eq!(idn.email.as_deref(), Some("ann@xn--bcher-kva.de"), "the canonical form");
        assert_eq!((id.first_name.as_deref(), id.last_name.as_deref()), (Some("Ann"), Some("Lee")));
        let bidi = json!({"sub": "3", "given_name": "Ann\u{202e}", "family_name": "\u{200b}", "name": "x"});
        let bidi = Identity::from_claims(Provider::Google, &bidi).unwrap();
        assert_eq!((bidi.first_name.as_deref(), bidi.last_name.as_deref()), (Some("Ann"), None), "invisible stripped");
        let unverified = json!({"sub": "1", "email": "a@b.c", "email_verified": false});
        assert!(!Identity::from_claims(Provider::Google, &unverified).unwrap().email_verified);
        let apple = json!({"sub": "1", "email": "a@b.c", "email_verified": "true"});
        assert!(Identity::from_claims(Provider::Apple, &apple).unwrap().email_verified);
        assert!(Identity::from_claims(Provider::Google, &json!({"email": "a@b.c"})).is_none(), "no subject");
    }

    #[test]
    fn microsoft_email_is_never_trusted_without_xms_edov() {
        let c = json!({"sub": "1", "email": "boss@victim.example", "email_verified": true, "name": "Mallory M"});
        assert!(!Identity::from_claims(Provider::Microsoft, &c).unwrap().email_verified);
        let c = json!({"sub": "1", "email": "ann@contoso.example", "xms_edov": true});
        assert!(Identity::from_claims(Provider::Microsoft, &c).unwrap().email_verified);
    }

    #[test]
    fn user_info_of_the_oauth_providers() {
        let fb = Identity::from_user_info(
            Provider::Facebook,
            &json!({"id": "10158", "name": "Ann Lee", "email": "ann@example.com"}),
        )
        .unwrap();
        assert_eq!(fb.subject, "10158");
        assert_eq!(fb.email.as_deref(), Some("ann@example.com"));
        assert!(!fb.email_verified);
        assert_eq!((fb.first_name.as_deref(), fb.last_name.as_deref()), (Some("Ann"), Some("Lee")));
        let tw = Identity::from_user_info(
            Provider::Twitter,
            &json!({"data": {"id": "2244994945", "name": "X Dev", "username": "XDevelopers"}}),
        )
        .unwrap();
        assert_eq!(tw.subject, "2244994945");
        assert_eq!(tw.email, None);
        assert!(Identity::from_user_info(Provider::Twitter, &json!({"id": "1"})).is_none());
    }

    #[test]
    fn apple_name_arrives_beside_the_code() {
        let id = Identity { subject: "001.abc".into(), ..Identity::default() }.with_apple_user(Some(
            r#"{"name":{"firstName":"Ann","lastName":"Lee"},"email":"x@privaterelay.appleid.com"}"#,
        ));
        assert_eq!((id.first_name.as_deref(), id.last_name.as_deref()), (Some("Ann"), Some("Lee")));
        let same = Identity { subject: "1".into(), ..Identity::default() }.with_apple_user(Some("not json"));
        assert_eq!(same.first_name, None);
    }
}
