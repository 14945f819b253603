//! Social login at the edge: each provider's configuration (Worker vars and secrets), the
//! HTTP with the provider (discovery, JWKS, the code exchange, user info), and the ID token's
//! signature through WebCrypto. What the answers mean and who they let in is core's
//! (`netid_core::social`, `flows::social`).

mod crypto;

use crate::delivery::providers::Http;
use netid_core::social::jwt::{self, Expect, TokenError};
use netid_core::social::{Identity, Protocol, Provider};
use netid_core::{Code, Error};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use worker::{Headers, Method};

/// One configured provider.
#[derive(Debug, Clone)]
pub struct Config {
    pub provider: Provider,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// OIDC: the issuer whose discovery document names the endpoints.
    pub issuer: Option<String>,
    /// OAuth 2.0 (or an OIDC override): authorize, token and user-info endpoints.
    pub auth_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    /// Apple: the client secret is an ES256 JWT signed with this key (PKCS#8 PEM).
    pub apple: Option<AppleKey>,
}

#[derive(Debug, Clone)]
pub struct AppleKey {
    pub team_id: String,
    pub key_id: String,
    pub private_key_pem: String,
}

fn setting(env: &worker::Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Config {
    /// The provider's configuration, when its client id is set (and for Apple, its key).
    pub fn of(env: &worker::Env, provider: Provider) -> Option<Config> {
        let p = provider.env_prefix();
        let get = |k: &str| setting(env, &format!("{p}_{k}"));
        let client_id = get("CLIENT_ID")?;
        let apple = match provider {
            Provider::Apple => Some(AppleKey {
                team_id: get("TEAM_ID")?,
                key_id: get("KEY_ID")?,
                private_key_pem: get("PRIVATE_KEY")?,
            }),
            _ => None,
        };
        let (auth, token, info) = match provider.default_endpoints() {
            Some((a, t, u)) => (Some(a.to_string()), Some(t.to_string()), Some(u.to_string())),
            None => (None, None, None),
        };
        Some(Config {
            provider,
            client_id,
            client_secret: get("CLIENT_SECRET"),
            issuer: get("ISSUER").or_else(|| provider.default_issuer().map(str::to_string)),
            auth_url: get("AUTH_URL").or(auth),
            token_url: get("TOKEN_URL").or(token),
            userinfo_url: get("USERINFO_URL").or(info),
            apple,
        })
    }

    /// Every configured provider, in button order.
    pub fn all(env: &worker::Env) -> Vec<Config> {
        Provider::ALL.into_iter().filter_map(|p| Config::of(env, p)).collect()
    }
}

/// The endpoints of a sign-in, from discovery (OIDC) or configuration (OAuth 2.0).
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub authorize: String,
    pub token: String,
    pub userinfo: Option<String>,
    /// OIDC: the issuer the ID token must name, and where its keys are.
    pub issuer: Option<String>,
    pub jwks_uri: Option<String>,
    /// OIDC: the discovery document advertises `authorization_response_iss_parameter_supported`
    /// (RFC 9207): the callback must then carry `iss`.
    pub iss_parameter_supported: bool,
}

thread_local! {
    /// Discovery documents and key sets, per isolate: (document, fetched at ms).
    static CACHE: RefCell<HashMap<String, (Value, f64)>> = RefCell::new(HashMap::new());
}

/// How long a discovery document or a key set is trusted before it is fetched again (an
/// unknown `kid` fetches the key set at once: providers rotate keys).
const CACHE_MS: f64 = 3_600_000.0;

fn provider_error(what: impl std::fmt::Display) -> Error {
    worker::console_warn!("social provider: {what}");
    Error::new(Code::SocialProviderError)
}

fn http() -> Http {
    Http { timeout_ms: 10_000 }
}

async fn get_json(url: &str, bearer: Option<&str>) -> Result<Value, Error> {
    let headers = Headers::new();
    let _ = headers.set("Accept", "application/json");
    if let Some(t) = bearer {
        let _ = headers.set("Authorization", &format!("Bearer {t}"));
    }
    let mut resp = http().call(Method::Get, url, headers, None).await.map_err(provider_error)?;
    if resp.status_code() != 200 {
        return Err(provider_error(format!("GET {url}: http {}", resp.status_code())));
    }
    resp.json::<Value>().await.map_err(provider_error)
}

async fn cached_json(url: &str, fresh: bool) -> Result<Value, Error> {
    let now = js_sys::Date::now();
    if !fresh {
        if let Some(v) =
            CACHE.with(|c| c.borrow().get(url).filter(|(_, at)| now - at < CACHE_MS).map(|(v, _)| v.clone()))
        {
            return Ok(v);
        }
    }
    let v = get_json(url, None).await?;
    CACHE.with(|c| c.borrow_mut().insert(url.to_string(), (v.clone(), now)));
    Ok(v)
}

impl Config {
    pub async fn endpoints(&self) -> Result<Endpoints, Error> {
        match self.provider.protocol() {
            Protocol::Oidc => {
                let issuer = self.issuer.as_deref().ok_or_else(|| provider_error("no issuer"))?;
                let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
                let d = cached_json(&url, false).await?;
                let s = |k: &str| d[k].as_str().map(str::to_string);
                let doc_issuer = s("issuer").ok_or_else(|| provider_error("discovery without issuer"))?;
                // OIDC Discovery 4.3: the document's issuer is the one asked for (Microsoft's
                // multi-tenant document names a `{tenantid}` template instead).
                if !doc_issuer.contains("{tenantid}")
                    && doc_issuer.trim_end_matches('/') != issuer.trim_end_matches('/')
                {
                    return Err(provider_error("discovery issuer mismatch"));
                }
                Ok(Endpoints {
                    authorize: self
                        .auth_url
                        .clone()
                        .or(s("authorization_endpoint"))
                        .ok_or_else(|| provider_error("no authorize"))?,
                    token: self.token_url.clone().or(s("token_endpoint")).ok_or_else(|| provider_error("no token"))?,
                    userinfo: self.userinfo_url.clone().or(s("userinfo_endpoint")),
                    issuer: Some(doc_issuer),
                    jwks_uri: Some(s("jwks_uri").ok_or_else(|| provider_error("no jwks_uri"))?),
                    iss_parameter_supported: d["authorization_response_iss_parameter_supported"].as_bool()
                        == Some(true),
                })
            }
            Protocol::OAuth2 => Ok(Endpoints {
                authorize: self.auth_url.clone().ok_or_else(|| provider_error("no authorize"))?,
                token: self.token_url.clone().ok_or_else(|| provider_error("no token"))?,
                userinfo: self.userinfo_url.clone(),
                issuer: None,
                jwks_uri: None,
                iss_parameter_supported: false,
            }),
        }
    }

    /// The authorization request (RFC 6749 4.1.1 with PKCE, RFC 7636; OIDC adds the nonce).
    pub fn authorize_url(
        &self,
        e: &Endpoints,
        redirect_uri: &str,
        started: &netid_core::flows::social::Started,
    ) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", self.provider.scope())
            .append_pair("state", &started.state)
            .append_pair("code_challenge", &started.code_challenge)
            .append_pair("code_challenge_method", "S256");
        if self.provider.protocol() == Protocol::Oidc {
            q.append_pair("nonce", &started.nonce);
        }
        if self.provider.form_post() {
            q.append_pair("response_mode", "form_post");
        }
        let sep = if e.authorize.contains('?') { '&' } else { '?' };
        format!("{}{sep}{}", e.authorize, q.finish())
    }

    /// The client secret sent to the token endpoint (Apple's: an ES256 JWT made now).
    async fn secret(&self, token_audience: &str, now: i64) -> Result<Option<String>, Error> {
        match &self.apple {
            Some(k) => crypto::apple_client_secret(k, &self.client_id, token_audience, now).await.map(Some),
            None => Ok(self.client_secret.clone()),
        }
    }

    /// Exchanges the code (with the PKCE verifier) for tokens.
    async fn exchange(
        &self,
        e: &Endpoints,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
        now: i64,
    ) -> Result<Value, Error> {
        let audience = e.issuer.clone().unwrap_or_else(|| e.token.clone());
        let secret = self.secret(&audience, now).await?;
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("code_verifier", verifier);
        let headers = Headers::new();
        let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
        let _ = headers.set("Accept", "application/json");
        match (&secret, self.provider.basic_auth()) {
            (Some(s), true) => {
                use base64::Engine;
                let enc = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
                let pair = format!("{}:{}", enc(&self.client_id), enc(s));
                let basic = base64::engine::general_purpose::STANDARD.encode(pair);
                let _ = headers.set("Authorization", &format!("Basic {basic}"));
                form.append_pair("client_id", &self.client_id);
            }
            (secret, _) => {
                form.append_pair("client_id", &self.client_id);
                if let Some(s) = secret {
                    form.append_pair("client_secret", s);
                }
            }
        }
        let mut resp =
            http().call(Method::Post, &e.token, headers, Some(form.finish())).await.map_err(provider_error)?;
        let status = resp.status_code();
        let body = resp.json::<Value>().await.unwrap_or(Value::Null);
        if status != 200 {
            // invalid_grant: a code used twice, expired, or a verifier that does not match.
            return Err(provider_error(format!(
                "token endpoint: http {status} {}",
                body["error"].as_str().unwrap_or("-")
            )));
        }
        Ok(body)
    }

    /// The whole proof after the callback: the code exchanged, then the ID token verified
    /// (OIDC) or the user info read (OAuth 2.0).
    pub async fn identity(
        &self,
        code: &str,
        iss: Option<&str>,
        st: &netid_core::model::SocialState,
        redirect_uri: &str,
        now: i64,
    ) -> Result<Identity, Error> {
        let e = self.endpoints().await?;
        // RFC 9207: an authorization response that names its issuer must name this one (a
        // mix-up of providers is refused before the code goes anywhere), and one without `iss`
        // is refused from a provider whose discovery says it sends it (section 2.4).
        if let Some(expected) = e.issuer.as_deref() {
            if jwt::check_response_issuer(iss, expected, e.iss_parameter_supported).is_err() {
                let why = if iss.is_some() { "iss_mismatch" } else { "iss_missing" };
                worker::console_warn!("social: authorization response refused: {why}");
                return Err(Error::new(Code::SocialTokenInvalid));
            }
        }
        let tokens = self.exchange(&e, code, &st.verifier, redirect_uri, now).await?;
        let access = tokens["access_token"].as_str();
        match self.provider.protocol() {
            Protocol::Oidc => {
                let id_token = tokens["id_token"].as_str().ok_or_else(|| refused(TokenError::Malformed))?;
                let claims = self.verify_id_token(&e, id_token, &st.nonce, access, now).await?;
                Identity::from_claims(self.provider, &claims).ok_or_else(|| refused(TokenError::Subject))
            }
            Protocol::OAuth2 => {
                let access = access.ok_or_else(|| provider_error("no access_token"))?;
                let url = e.userinfo.as_deref().ok_or_else(|| provider_error("no user-info endpoint"))?;
                let info = get_json(url, Some(access)).await?;
                Identity::from_user_info(self.provider, &info).ok_or_else(|| provider_error("user info without id"))
            }
        }
    }

    /// OIDC Core 3.1.3.7: the signature with a key of the provider's JWKS (fetched again once
    /// when the `kid` is unknown), then every claim (`jwt::check_claims`).
    async fn verify_id_token(
        &self,
        e: &Endpoints,
        token: &str,
        nonce: &str,
        access: Option<&str>,
        now: i64,
    ) -> Result<Value, Error> {
        let jws = jwt::parse(token).map_err(refused)?;
        let jwks_uri = e.jwks_uri.as_deref().ok_or_else(|| provider_error("no jwks_uri"))?;
        let mut jwks = cached_json(jwks_uri, false).await?;
        if jwt::choose_key(&jwks, &jws).is_none() {
            jwks = cached_json(jwks_uri, true).await?;
        }
        let key = jwt::choose_key(&jwks, &jws).ok_or_else(|| refused(TokenError::UnknownKey))?;
        if !crypto::verify(key, jws.alg, jws.signing_input.as_bytes(), &jws.signature).await? {
            return Err(refused(TokenError::Signature));
        }
        let issuer = e.issuer.as_deref().ok_or_else(|| provider_error("no issuer"))?;
        let expect =
            Expect { issuer, audience: &self.client_id, nonce, now, skew: 60, access_token: access, alg: jws.alg };
        jwt::check_claims(&jws.claims, &expect).map_err(refused)?;
        Ok(jws.claims)
    }
}

fn refused(why: TokenError) -> Error {
    worker::console_warn!("social: ID token refused: {}", why.name());
    Error::new(Code::SocialTokenInvalid)
}
