//! ID tokens (OpenID Connect Core 1.0, section 3.1.3.7): the compact JWS is parsed here and
//! every claim is checked here; the signature itself is checked by the platform (WebCrypto
//! in the Worker) with the key [`choose_key`] picked from the provider's JWKS. Only RS256 and
//! ES256 are accepted: `none`, the HMAC family (a public key used as a shared secret) and
//! anything else are refused before a key is even looked up.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Why a token was refused (logged by its name; the person sees `social_token_invalid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    /// `alg` is not RS256 or ES256 (`none`, `HS256`, ...).
    Algorithm,
    /// No key of the JWKS has the token's `kid` (after one refresh of the set).
    UnknownKey,
    Signature,
    Issuer,
    Audience,
    Expired,
    IssuedInFuture,
    /// `nbf` is later than now (beyond the skew): the token is not valid yet.
    NotYetValid,
    Nonce,
    AccessTokenHash,
    Subject,
}

impl TokenError {
    pub const fn name(self) -> &'static str {
        match self {
            TokenError::Malformed => "malformed",
            TokenError::Algorithm => "algorithm",
            TokenError::UnknownKey => "unknown_kid",
            TokenError::Signature => "signature",
            TokenError::Issuer => "issuer",
            TokenError::Audience => "audience",
            TokenError::Expired => "expired",
            TokenError::IssuedInFuture => "issued_in_future",
            TokenError::NotYetValid => "not_yet_valid",
            TokenError::Nonce => "nonce",
            TokenError::AccessTokenHash => "at_hash",
            TokenError::Subject => "subject",
        }
    }
}

/// The signature algorithms accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Rs256,
    Es256,
}

impl Alg {
    pub fn parse(s: &str) -> Option<Alg> {
        match s {
            "RS256" => Some(Alg::Rs256),
            "ES256" => Some(Alg::Es256),
            _ => None,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Es256 => "ES256",
        }
    }

    /// The JWK key type this algorithm needs.
    pub const fn kty(self) -> &'static str {
        match self {
            Alg::Rs256 => "RSA",
            Alg::Es256 => "EC",
        }
    }
}

/// A compact JWS split and decoded, not yet trusted.
#[derive(Debug, Clone)]
pub struct Jws {
    pub alg: Alg,
    pub kid: Option<String>,
    pub claims: Value,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

fn b64(part: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).map_err(|_| TokenError::Malformed)
}

/// Splits a compact JWS. Refuses anything but three parts, JSON objects, and RS256/ES256.
pub fn parse(token: &str) -> Result<Jws, TokenError> {
    if token.len() > 16 * 1024 {
        return Err(TokenError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(TokenError::Malformed);
    };
    let header: Value = serde_json::from_slice(&b64(h)?).map_err(|_| TokenError::Malformed)?;
    let claims: Value = serde_json::from_slice(&b64(p)?).map_err(|_| TokenError::Malformed)?;
    if !header.is_object() || !claims.is_object() {
        return Err(TokenError::Malformed);
    }
    let alg = header["alg"].as_str().and_then(Alg::parse).ok_or(TokenError::Algorithm)?;
    // A token asking for extensions it marks critical is not one we understand (RFC 7515 4.1.11).
    if header.get("crit").is_some() {
        return Err(TokenError::Malformed);
    }
    let signature = b64(s)?;
    let expected = match alg {
        Alg::Es256 => Some(64),
        Alg::Rs256 => None,
    };
    if signature.is_empty() || expected.is_some_and(|n| signature.len() != n) {
        return Err(TokenError::Signature);
    }
    Ok(Jws {
        alg,
        kid: header["kid"].as_str().map(str::to_string),
        claims,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

/// The key of a JWKS (`{"keys": [...]}`) that may have signed `jws`: same `kid` (when the
/// token names one), a key type fitting the algorithm, usable for signatures, and when the
/// key names an `alg`, that one. `None` when no key fits: the caller refreshes the set once.
pub fn choose_key<'a>(jwks: &'a Value, jws: &Jws) -> Option<&'a Value> {
    let keys = jwks["keys"].as_array()?;
    let fits = |k: &&Value| {
        k["kty"].as_str() == Some(jws.alg.kty())
            && k["use"].as_str().is_none_or(|u| u == "sig")
            && k["alg"].as_str().is_none_or(|a| a == jws.alg.name())
            && (jws.alg != Alg::Es256 || k["crv"].as_str() == Some("P-256"))
    };
    match &jws.kid {
        Some(kid) => keys.iter().filter(fits).find(|k| k["kid"].as_str() == Some(kid.as_str())),
        // Without a kid, only a set with exactly one fitting key is unambiguous.
        None => {
            let mut fitting = keys.iter().filter(fits);
            match (fitting.next(), fitting.next()) {
                (Some(k), None) => Some(k),
                _ => None,
            }
        }
    }
}

/// What the claims must say.
#[derive(Debug, Clone)]
pub struct Expect<'a> {
    /// The issuer. For Microsoft's multi-tenant endpoints it contains `{tenantid}`, replaced by
    /// the token's `tid` before comparing (as Microsoft documents for `common`).
    pub issuer: &'a str,
    pub audience: &'a str,
    pub nonce: &'a str,
    pub now: i64,
    /// Clock skew allowed on `exp`, `iat` and `nbf`, in seconds.
    pub skew: i64,
    /// The access token of the same response, for `at_hash` when present.
    pub access_token: Option<&'a str>,
    pub alg: Alg,
}

/// Checks every claim of a token whose signature was verified (OIDC Core 3.1.3.7, items 2-11):
/// `iss`, `aud` (and `azp` when several audiences), `exp`, `iat`, `nbf` when present (RFC 7519
/// 4.1.5, with the same skew as `iat`), `nonce`, `at_hash`, `sub`.
pub fn check_claims(claims: &Value, e: &Expect<'_>) -> Result<(), TokenError> {
    let iss = claims["iss"].as_str().ok_or(TokenError::Issuer)?;
    let issuer = if e.issuer.contains("{tenantid}") {
        let tid = claims["tid"].as_str().filter(|t| !t.is_empty() && t.len() <= 64).ok_or(TokenError::Issuer)?;
        e.issuer.replace("{tenantid}", tid)
    } else {
        e.issuer.to_string()
    };
    if iss != issuer {
        return Err(TokenError::Issuer);
    }
    let audiences: Vec<&str> = match &claims["aud"] {
        Value::String(a) => vec![a.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&e.audience) {
        return Err(TokenError::Audience);
    }
    if audiences.len() > 1 && claims["azp"].as_str() != Some(e.audience) {
        return Err(TokenError::Audience);
    }
    if let Some(azp) = claims.get("azp").and_then(Value::as_str) {
        if azp != e.audience {
            return Err(TokenError::Audience);
        }
    }
    let exp = claims["exp"].as_i64().ok_or(TokenError::Expired)?;
    if e.now >= exp + e.skew {
        return Err(TokenError::Expired);
    }
    let iat = claims["iat"].as_i64().ok_or(TokenError::IssuedInFuture)?;
    if iat > e.now + e.skew {
        return Err(TokenError::IssuedInFuture);
    }
    // Optional, but when present it binds: a token is not accepted before its `nbf`. A value
    // that is not a NumericDate is refused rather than ignored.
    if let Some(nbf) = claims.get("nbf") {
        let nbf = nbf.as_i64().ok_or(TokenError::NotYetValid)?;
        if nbf > e.now + e.skew {
            return Err(TokenError::NotYetValid);
        }
    }
    // The nonce is compared in full (it is random and single use, so timing tells nothing).
    if claims["nonce"].as_str() != Some(e.nonce) {
        return Err(TokenError::Nonce);
    }
    if let (Some(at_hash), Some(access)) = (claims.get("at_hash").and_then(Value::as_str), e.access_token) {
        if at_hash != access_token_hash(access, e.alg) {
            return Err(TokenError::AccessTokenHash);
        }
    }
    match claims["sub"].as_str() {
        Some(s) if !s.is_empty() && s.len() <= 255 => Ok(()),
        _ => Err(TokenError::Subject),
    }
}

/// RFC 9207: the `iss` parameter of an authorization response (the callback), compared with
/// the issuer of the provider's discovery document before the code goes anywhere. A response
/// naming another issuer is a mix-up of providers; and when the provider advertises
/// `authorization_response_iss_parameter_supported` (`advertised`), a response without `iss`
/// is refused too (section 2.4). Microsoft's multi-tenant issuer is a template: `iss` must
/// fit it, with one tenant segment where `{tenantid}` is.
pub fn check_response_issuer(iss: Option<&str>, expected: &str, advertised: bool) -> Result<(), TokenError> {
    let Some(iss) = iss else {
        return if advertised { Err(TokenError::Issuer) } else { Ok(()) };
    };
    let (iss, expected) = (iss.trim_end_matches('/'), expected.trim_end_matches('/'));
    let fits = match expected.split_once("{tenantid}") {
        Some((prefix, suffix)) => iss
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .is_some_and(|tid| !tid.is_empty() && tid.len() <= 64 && !tid.contains(['/', '{', '}'])),
        None => iss == expected,
    };
    if fits {
        Ok(())
    } else {
        Err(TokenError::Issuer)
    }
}

/// `at_hash`: the left half of the access token's hash, base64url (OIDC Core 3.1.3.6). Both
/// accepted algorithms hash with SHA-256.
pub fn access_token_hash(access_token: &str, alg: Alg) -> String {
    let digest = match alg {
        Alg::Rs256 | Alg::Es256 => Sha256::digest(access_token.as_bytes()),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(header: Value, claims: Value, sig: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            URL_SAFE_NO_PAD.encode(sig)
        )
    }

    fn good_claims() -> Value {
        json!({"iss": "https://op.example", "aud": "client-1", "sub": "248289761001", "exp": 1_000_600,
               "iat": 1_000_000, "nonce": "n-0S6_WzA2Mj", "at_hash": access_token_hash("at-1", Alg::Rs256)})
    }

    fn expect() -> Expect<'static> {
        Expect {
            issuer: "https://op.example",
            audience: "client-1",
            nonce: "n-0S6_WzA2Mj",
            now: 1_000_100,
            skew: 60,
            access_token: Some("at-1"),
            alg: Alg::Rs256,
        }
    }

    #[test]
    fn alg_none_hmac_and_unknown_algorithms_are_refused_before_any_key() {
        for alg in ["none", "HS256", "RS512", "PS256", "ES384", "EdDSA", ""] {
            let t = token(json!({"alg": alg, "kid": "k1"}), good_claims(), b"sig");
            assert_eq!(parse(&t).unwrap_err(), TokenError::Algorithm, "{alg}");
        }
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(json!({"alg": "none"}).to_string()),
            URL_SAFE_NO_PAD.encode(good_claims().to_string())
        );
        assert_eq!(parse(&unsigned).unwrap_err(), TokenError::Algorithm);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for t in ["", "a.b", "a.b.c.d", "!!.!!.!!", "e30.e30", "W10.e30.c2ln"] {
            assert!(parse(t).is_err(), "{t}");
        }
        let crit = token(json!({"alg": "RS256", "crit": ["exp"]}), good_claims(), b"sig");
        assert_eq!(parse(&crit).unwrap_err(), TokenError::Malformed);
        let short_ec = token(json!({"alg": "ES256"}), good_claims(), &[1u8; 63]);
        assert_eq!(parse(&short_ec).unwrap_err(), TokenError::Signature);
    }

    #[test]
    fn the_key_is_chosen_by_kid_type_and_curve() {
        let jwks = json!({"keys": [
            {"kty": "RSA", "kid": "r1", "use": "sig", "n": "x", "e": "AQAB"},
            {"kty": "EC", "kid": "e1", "crv": "P-256", "x": "x", "y": "y"},
            {"kty": "EC", "kid": "e2", "crv": "P-384", "x": "x", "y": "y"},
            {"kty": "RSA", "kid": "enc", "use": "enc", "n": "x", "e": "AQAB"}
        ]});
        let rs = parse(&token(json!({"alg": "RS256", "kid": "r1"}), good_claims(), b"s")).unwrap();
        assert_eq!(choose_key(&jwks, &rs).unwrap()["kid"], "r1");
        let unknown = parse(&token(json!({"alg": "RS256", "kid": "r9"}), good_claims(), b"s")).unwrap();
        assert!(choose_key(&jwks, &unknown).is_none());
        let wrong_type = parse(&token(json!({"alg": "RS256", "kid": "e1"}), good_claims(), b"s")).unwrap();
        assert!(choose_key(&jwks, &wrong_type).is_none(), "an EC key never verifies RS256");
        let p384 = parse(&token(json!({"alg": "ES256", "kid": "e2"}), good_claims(), &[0u8; 64])).unwrap();
        assert!(choose_key(&jwks, &p384).is_none());
        let encryption = parse(&token(json!({"alg": "RS256", "kid": "enc"}), good_claims(), b"s")).unwrap();
        assert!(choose_key(&jwks, &encryption).is_none());
        let no_kid = parse(&token(json!({"alg": "ES256"}), good_claims(), &[0u8; 64])).unwrap();
        assert_eq!(choose_key(&jwks, &no_kid).unwrap()["kid"], "e1", "the one fitting key");
    }

    #[test]
    fn good_claims_pass() {
        assert_eq!(check_claims(&good_claims(), &expect()), Ok(()));
        let mut several = good_claims();
        several["aud"] = json!(["client-1", "other"]);
        several["azp"] = json!("client-1");
        assert_eq!(check_claims(&several, &expect()), Ok(()));
    }

    #[test]
    fn each_claim_is_checked() {
        let cases: Vec<(&str, Value, TokenError)> = vec![
            ("iss", json!("https://evil.example"), TokenError::Issuer),
            ("aud", json!("client-2"), TokenError::Audience),
            ("aud", json!(["client-1", "other"]), TokenError::Audience),
            ("azp", json!("other"), TokenError::Audience),
            ("exp", json!(1_000_000), TokenError::Expired),
            ("iat", json!(1_000_500), TokenError::IssuedInFuture),
            ("nbf", json!(1_000_100 + 3600), TokenError::NotYetValid),
            ("nbf", json!("1000000"), TokenError::NotYetValid),
            ("nbf", json!(null), TokenError::NotYetValid),
            ("nonce", json!("n-other"), TokenError::Nonce),
            ("at_hash", json!("AAAAAAAAAAAAAAAAAAAAAA"), TokenError::AccessTokenHash),
            ("sub", json!(""), TokenError::Subject),
        ];
        for (claim, value, want) in cases {
            let mut c = good_claims();
            c[claim] = value;
            assert_eq!(check_claims(&c, &expect()), Err(want), "{claim}");
        }
        for claim in ["iss", "aud", "exp", "iat", "nonce", "sub"] {
            let mut c = good_claims();
            c.as_object_mut().unwrap().remove(claim);
            assert!(check_claims(&c, &expect()).is_err(), "without {claim}");
        }
    }

    #[test]
    fn skew_is_small_and_symmetric() {
        let mut c = good_claims();
        c["exp"] = json!(1_000_100 - 59);
        assert_eq!(check_claims(&c, &expect()), Ok(()), "within the skew");
        c["exp"] = json!(1_000_100 - 60);
        assert_eq!(check_claims(&c, &expect()), Err(TokenError::Expired));
        let mut c = good_claims();
        c["iat"] = json!(1_000_100 + 60);
        assert_eq!(check_claims(&c, &expect()), Ok(()));
        c["iat"] = json!(1_000_100 + 61);
        assert_eq!(check_claims(&c, &expect()), Err(TokenError::IssuedInFuture));
    }

    #[test]
    fn nbf_is_checked_with_the_same_skew_as_iat() {
        let mut c = good_claims();
        assert!(c.get("nbf").is_none(), "nbf is optional");
        for ok in [1_000_000, 1_000_100, 1_000_100 + 60] {
            c["nbf"] = json!(ok);
            assert_eq!(check_claims(&c, &expect()), Ok(()), "nbf {ok}");
        }
        c["nbf"] = json!(1_000_100 + 61);
        assert_eq!(check_claims(&c, &expect()), Err(TokenError::NotYetValid));
        // A token valid from an hour ahead (with iat now) is refused.
        c["nbf"] = json!(1_000_100 + 3600);
        assert_eq!(check_claims(&c, &expect()), Err(TokenError::NotYetValid));
        assert_eq!(TokenError::NotYetValid.name(), "not_yet_valid");
        let e = Expect { skew: 3600, ..expect() };
        assert_eq!(check_claims(&c, &e), Ok(()), "the skew is the one given, as for iat");
    }

    #[test]
    fn microsoft_issuer_is_the_template_with_the_tokens_tenant() {
        let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
        let mut c = good_claims();
        c["iss"] = json!(format!("https://login.microsoftonline.com/{tid}/v2.0"));
        c["tid"] = json!(tid);
        let e = Expect { issuer: "https://login.microsoftonline.com/{tenantid}/v2.0", ..expect() };
        assert_eq!(check_claims(&c, &e), Ok(()));
        c["tid"] = json!("72f988bf-86f1-41af-91ab-2d7cd011db47");
        assert_eq!(check_claims(&c, &e), Err(TokenError::Issuer), "iss and tid must agree");
        c.as_object_mut().unwrap().remove("tid");
        assert_eq!(check_claims(&c, &e), Err(TokenError::Issuer));
    }

    #[test]
    fn the_authorization_responses_issuer_is_required_when_the_provider_advertises_it() {
        let op = "https://op.example";
        assert_eq!(check_response_issuer(Some(op), op, true), Ok(()));
        assert_eq!(check_response_issuer(Some("https://op.example/"), op, false), Ok(()));
        assert_eq!(check_response_issuer(Some("https://evil.example"), op, false), Err(TokenError::Issuer));
        assert_eq!(check_response_issuer(Some("https://evil.example"), op, true), Err(TokenError::Issuer));
        assert_eq!(check_response_issuer(Some(""), op, false), Err(TokenError::Issuer));
        // RFC 9207 2.4: without iss, refused only from a provider that advertises it.
        assert_eq!(check_response_issuer(None, op, true), Err(TokenError::Issuer));
        assert_eq!(check_response_issuer(None, op, false), Ok(()));
    }

    #[test]
    fn a_response_issuer_fits_microsofts_tenant_template() {
        let t = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
        assert_eq!(
            check_response_issuer(Some(&format!("https://login.microsoftonline.com/{tid}/v2.0")), t, true),
            Ok(())
        );
        for bad in [
            "https://login.microsoftonline.com//v2.0",
            "https://login.microsoftonline.com/a/b/v2.0",
            "https://login.microsoftonline.com/{tenantid}/v2.0",
            "https://evil.example/9188040d/v2.0",
            "https://login.microsoftonline.com/9188040d/v1.0",
        ] {
            assert_eq!(check_response_issuer(Some(bad), t, false), Err(TokenError::Issuer), "{bad}");
        }
        assert_eq!(check_response_issuer(None, t, true), Err(TokenError::Issuer));
        assert_eq!(check_response_issuer(None, t, false), Ok(()));
    }

    #[test]
    fn at_hash_matches_the_spec_example() {
        // OpenID Connect Core 1.0, Appendix A.3/A.4: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
        // has at_hash "77QmUPtjPfzWtF2AnpK9RQ" (RS256).
        assert_eq!(
            access_token_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", Alg::Rs256),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }
}
