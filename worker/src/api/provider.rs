//! The OpenID Provider's endpoints (core's `flows::provider` decides, `oidc` signs):
//!
//! - `GET /oauth/authorize`: the code flow on the netid browser session. An unknown client
//!   or an unregistered redirect URI is a netid page, never a redirect; every answer at the
//!   app carries `iss` (RFC 9207). Without a (fresh enough) session, netid's login page, which
//!   comes back to the request.
//! - `POST /oauth/token`: `authorization_code` (PKCE S256) and `refresh_token`, with
//!   `client_secret_basic`, `client_secret_post`, or a public client's id.
//! - `GET|POST /oauth/userinfo`, `POST /oauth/introspect` (RFC 7662), `POST /oauth/revoke`
//!   (RFC 7009), `GET /oauth/jwks`, and the discovery document at the issuer's
//!   `/.well-known/openid-configuration`.
//!
//! Errors of the token, introspection and revocation endpoints are OAuth's
//! `{error, error_description}` (the description in the person's language).

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use crate::oidc;
use netid_core::flows::provider::{
    self, AccessClaims, AuthorizeRequest, Authorized, ClientAuth, Presented, TokenRequest,
};
use netid_core::store::{Grantable, Store};
use netid_core::{Code, Error, Lang};
use serde_json::{json, Value};
use worker::{Request, Response, Url};

/// The issuer: `PUBLIC_ORIGIN` when set, else the origin the request reached.
pub fn issuer(req: &Request, ctx: &Ctx) -> Result<String, Error> {
    match ctx.worker_env.var("PUBLIC_ORIGIN").map(|v| v.to_string()).ok().filter(|v| !v.is_empty()) {
        Some(o) => Ok(o.trim_end_matches('/').to_string()),
        None => oidc::issuer(req),
    }
}

/// The discovery document (OpenID Connect Discovery 1.0).
pub fn discovery(issuer: &str) -> Value {
    let at = |p: &str| format!("{issuer}{}/oauth/{p}", super::BASE);
    json!({
        "issuer": issuer,
        "authorization_endpoint": at("authorize"),
        "token_endpoint": at("token"),
        "userinfo_endpoint": at("userinfo"),
        "jwks_uri": at("jwks"),
        "revocation_endpoint": at("revoke"),
        "end_session_endpoint": at("logout"),
        "introspection_endpoint": at("introspect"),
        "scopes_supported": provider::SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_supported": [
            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "sid", "amr", "azp", "account_id", "account_role",
            "user_type", "name", "given_name", "family_name", "picture", "email", "email_verified", "phone_number",
            "phone_number_verified"
        ],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "ui_locales_supported": ["en", "fr", "ru", "vi", "pl"],
    })
}

fn json_response(v: &Value, status: u16) -> ApiResult {
    let resp = Response::from_json(v).map_err(http::internal)?.with_status(status);
    Ok(http::with_header(resp, "Cache-Control", "no-store"))
}

/// `GET /.well-known/openid-configuration` (served at the issuer's root by `lib.rs`).
pub async fn well_known(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let resp = Response::from_json(&discovery(&issuer(req, ctx)?)).map_err(http::internal)?;
    Ok(cors(http::with_header(resp, "Cache-Control", "public, max-age=300")))
}

/// `GET /oauth/jwks`.
pub async fn jwks(_req: &Request, ctx: &mut Ctx) -> ApiResult {
    let keys = oidc::jwks(ctx).await?;
    let resp = Response::from_json(&keys).map_err(http::internal)?;
    let max_age = format!("public, max-age={}", provider::JWKS_MAX_AGE);
    Ok(cors(http::with_header(resp, "Cache-Control", &max_age)))
}

/// A browser app may read the public documents and call the token and userinfo endpoints
/// from its own origin (they take no cookie).
fn cors(resp: Response) -> Response {
    let resp = http::with_header(resp, "Access-Control-Allow-Origin", "*");
    http::with_header(resp, "Access-Control-Allow-Headers", "Authorization, Content-Type")
}

// ---------- the authorization endpoint ----------

fn param(req: &Request, name: &str) -> Option<String> {
    http::query(req, name).filter(|v| !v.is_empty())
}

fn redirect(location: &str) -> ApiResult {
    let resp = Response::empty().map_err(http::internal)?.with_status(302);
    Ok(http::with_header(resp, "Location", location))
}

/// `uri` with `pairs` added to its query (RFC 6749 section 4.1.2: the registered URI's own
/// query is kept).
fn at_app(uri: &str, pairs: &[(&str, Option<&str>)]) -> Result<String, Error> {
    let mut url = Url::parse(uri).map_err(|_| Error::new(Code::InvalidAuthorizationRequest))?;
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
    }
    Ok(url.to_string())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A netid page of the provider (errors, no access): never framed, no script.
fn page(lang: Lang, status: u16, title: &str, body: &str, link: Option<(&str, &str)>) -> ApiResult {
    let link = link.map_or(String::new(), |(href, text)| {
        format!(r#"<p><a class="button" id="back-to-app" href="{}">{}</a></p>"#, escape(href), escape(text))
    });
    let html = format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t} · netid</title><link rel="stylesheet" href="/styles.css"></head><body><main id="main" class="narrow"><section class="card"><h1 id="provider-title">{t}</h1><p id="provider-message">{b}</p>{link}<p><a href="/#/profile">netid</a></p></section></main></body></html>"#,
        lang = lang.tag(),
        t = escape(title),
        b = escape(body),
    );
    let resp = Response::from_html(html).map_err(http::internal)?.with_status(status);
    let resp = http::with_header(
        resp,
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; frame-ancestors 'none'; form-action 'none'",
    );
    Ok(http::with_header(resp, "X-Frame-Options", "DENY"))
}

/// Labels of the provider's pages, in the five languages.
fn label(lang: Lang, key: &str) -> &'static str {
    let i = match lang {
        Lang::En => 0,
        Lang::Fr => 1,
        Lang::Ru => 2,
        Lang::Vi => 3,
        Lang::Pl => 4,
    };
    let row: [&'static str; 5] = match key {
        "no_access" => [
            "You do not have access to {account}",
            "Vous n'avez pas accès à {account}",
            "У вас нет доступа к {account}",
            "Bạn không có quyền truy cập {account}",
            "Nie masz dostępu do {account}",
        ],
        "back" => [
            "Back to the application",
            "Retour à l'application",
            "Вернуться в приложение",
            "Quay lại ứng dụng",
            "Wróć do aplikacji",
        ],
        "cannot_sign_in" => [
            "This sign-in cannot go on",
            "Cette connexion ne peut pas continuer",
            "Этот вход нельзя продолжить",
            "Không thể tiếp tục đăng nhập",
            "Tego logowania nie można kontynuować",
        ],
        "change_password" => [
            "Change your password first",
            "Changez d'abord votre mot de passe",
            "Сначала смените пароль",
            "Hãy đổi mật khẩu trước",
            "Najpierw zmień hasło",
        ],
        "set_up_two_factor" => [
            "Set up two-step authentication first",
            "Configurez d'abord la validation en deux étapes",
            "Сначала настройте двухэтапную аутентификацию",
            "Hãy thiết lập xác thực hai bước trước",
            "Najpierw skonfiguruj uwierzytelnianie dwuetapowe",
        ],
        "signed_out" => [
            "You are signed out",
            "Vous êtes déconnecté",
            "Вы вышли из системы",
            "Bạn đã đăng xuất",
            "Wylogowano",
        ],
        "signed_out_body" => [
            "Your netid session has ended, and with it your sessions in the workspaces' apps.",
            "Votre session netid est terminée, et avec elle vos sessions dans les applications des espaces de travail.",
            "Ваш сеанс netid завершён, а вместе с ним и сеансы в приложениях рабочих пространств.",
            "Phiên netid của bạn đã kết thúc, cùng với các phiên trong ứng dụng của các không gian làm việc.",
            "Twoja sesja netid została zakończona, a wraz z nią sesje w aplikacjach przestrzeni roboczych.",
        ],
        "not_signed_out" => [
            "You are still signed in to netid",
            "Vous êtes toujours connecté à netid",
            "Вы всё ещё в системе netid",
            "Bạn vẫn đang đăng nhập netid",
            "Nadal jesteś zalogowany w netid",
        ],
        "not_signed_out_body" => [
            "The application that sent you here could not be confirmed, so netid did not sign you out. To sign out, use the menu on your netid page.",
            "L'application qui vous a envoyé ici n'a pas pu être confirmée : netid ne vous a donc pas déconnecté. Pour vous déconnecter, utilisez le menu de votre page netid.",
            "Не удалось подтвердить приложение, которое вас сюда направило, поэтому netid не завершил ваш сеанс. Чтобы выйти, воспользуйтесь меню на своей странице netid.",
            "Không thể xác nhận ứng dụng đã đưa bạn đến đây, nên netid chưa đăng xuất bạn. Để đăng xuất, hãy dùng menu trên trang netid của bạn.",
            "Nie udało się potwierdzić aplikacji, która cię tu skierowała, więc netid cię nie wylogował. Aby się wylogować, użyj menu na swojej stronie netid.",
        ],
        _ => ["", "", "", "", ""],
    };
    row[i]
}

/// `GET /oauth/authorize`.
pub async fn authorize(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let iss = issuer(req, ctx)?;
    let session = http::bearer(req).filter(|(_, cookie)| *cookie).map(|(t, _)| t);
    let hint = match param(req, "id_token_hint") {
        Some(h) => Some(
            oidc::verify(ctx, &h, Some("JWT"), &iss)
                .await?
                .and_then(|c| c["sub"].as_str().map(str::to_string))
                .unwrap_or_default(),
        ),
        None => None,
    };
    let input = AuthorizeRequest {
        client_id: param(req, "client_id").unwrap_or_default(),
        redirect_uri: param(req, "redirect_uri").unwrap_or_default(),
        response_type: param(req, "response_type"),
        scope: param(req, "scope"),
        state: param(req, "state"),
        nonce: param(req, "nonce"),
        code_challenge: param(req, "code_challenge"),
        code_challenge_method: param(req, "code_challenge_method"),
        prompt: param(req, "prompt"),
        max_age: param(req, "max_age"),
        id_token_hint_sub: hint,
        auth_after: param(req, "netid_auth_after").and_then(|v| v.parse().ok()),
    };
    let lang = ctx.lang;
    match provider::authorize(&mut ctx.env(), session.as_deref(), input).await? {
        Authorized::Page(code) => page(lang, 400, label(lang, "cannot_sign_in"), code.message(lang), None),
        Authorized::Error { redirect_uri, error, description, state } => redirect(&at_app(
            &redirect_uri,
            &[
                ("error", Some(error)),
                ("error_description", Some(description)),
                ("state", state.as_deref()),
                ("iss", Some(&iss)),
            ],
        )?),
        Authorized::Login { auth_after } => {
            // Back to this very request once signed in, with the time the login page was
            // asked for (a session made before it does not count).
            let mut url = req.url().map_err(http::internal)?;
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "netid_auth_after")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut().clear().extend_pairs(kept).append_pair("netid_auth_after", &auth_after.to_string());
            let back = format!("{}?{}", url.path(), url.query().unwrap_or_default());
            let encoded: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
            // The app's `login_hint` fills the login field (a hint: the person may change it).
            let hint = url
                .query_pairs()
                .find(|(k, v)| k == "login_hint" && !v.trim().is_empty() && v.len() <= 320)
                .map(|(_, v)| form_urlencoded::byte_serialize(v.trim().as_bytes()).collect::<String>());
            match hint {
                Some(h) => redirect(&format!("/#/login?continue={encoded}&login={h}")),
                None => redirect(&format!("/#/login?continue={encoded}")),
            }
        }
        Authorized::ChangePassword => page(
            lang,
            403,
            label(lang, "change_password"),
            Code::PasswordChangeRequired.message(lang),
            Some(("/#/security", "netid")),
        ),
        Authorized::SetUpTwoFactor => page(
            lang,
            403,
            label(lang, "set_up_two_factor"),
            Code::TwoFactorRequired.message(lang),
            Some(("/#/security", "netid")),
        ),
        Authorized::NoAccess { account_name, redirect_uri, state } => {
            let back = at_app(
                &redirect_uri,
                &[("error", Some("access_denied")), ("state", state.as_deref()), ("iss", Some(&iss))],
            )?;
            let title = label(lang, "no_access").replace("{account}", &account_name);
            page(lang, 403, &title, Code::NoWorkspaceAccess.message(lang), Some((&back, label(lang, "back"))))
        }
        Authorized::Code { redirect_uri, code, state } => redirect(&at_app(
            &redirect_uri,
            &[("code", Some(&code)), ("state", state.as_deref()), ("iss", Some(&iss))],
        )?),
    }
}

/// `GET /oauth/logout` (RP-initiated logout 1.0).
pub async fn end_session(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let iss = issuer(req, ctx)?;
    let session = http::bearer(req).filter(|(_, cookie)| *cookie).map(|(t, _)| t);
    let hint = match param(req, "id_token_hint") {
        Some(h) => oidc::verify(ctx, &h, Some("JWT"), &iss)
            .await?
            .and_then(|c| Some((c["aud"].as_str()?.to_string(), c["sid"].as_str()?.to_string()))),
        None => None,
    };
    let lang = ctx.lang;
    let outcome = provider::end_session(
        &mut ctx.env(),
        session.as_deref(),
        hint,
        param(req, "client_id"),
        param(req, "post_logout_redirect_uri"),
    )
    .await?;
    let (resp, signed_out) = match outcome {
        provider::EndSession::Redirect { uri, signed_out } => {
            (redirect(&at_app(&uri, &[("state", param(req, "state").as_deref())])?)?, signed_out)
        }
        provider::EndSession::Page { signed_out } => {
            let (title, body) = if signed_out {
                (label(lang, "signed_out"), label(lang, "signed_out_body"))
            } else {
                (label(lang, "not_signed_out"), label(lang, "not_signed_out_body"))
            };
            (page(lang, 200, title, body, Some(("/#/profile", "netid")))?, signed_out)
        }
    };
    Ok(if signed_out { http::with_header(resp, "Set-Cookie", &http::session_cookie(None, 0)) } else { resp })
}

// ---------- the back-end endpoints ----------

/// An OAuth error answer (RFC 6749 section 5.2).
fn oauth_error(e: &Error, lang: Lang) -> ApiResult {
    let (status, error) = match e.code {
        Code::InvalidClient => (401, "invalid_client"),
        Code::InvalidGrant if e.field == Some("scope") => (400, "invalid_scope"),
        Code::InvalidGrant => (400, "invalid_grant"),
        Code::InvalidRequest | Code::InvalidJson | Code::UnsupportedMediaType if e.field == Some("grant_type") => {
            (400, "unsupported_grant_type")
        }
        Code::InvalidRequest | Code::InvalidJson | Code::UnsupportedMediaType | Code::PayloadTooLarge => {
            (400, "invalid_request")
        }
        _ => return Err(e.clone()),
    };
    let resp = json_response(&json!({ "error": error, "error_description": e.code.message(lang) }), status)?;
    let resp = if status == 401 { http::with_header(resp, "WWW-Authenticate", r#"Basic realm="netid""#) } else { resp };
    Ok(cors(resp))
}

/// The form body's pairs (at most 16 KiB).
async fn form(req: &mut Request) -> Result<Vec<(String, String)>, Error> {
    let ct = req.headers().get("Content-Type").ok().flatten().unwrap_or_default();
    if !ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(Error::new(Code::UnsupportedMediaType));
    }
    let bytes = http::read_body(req, 16 * 1024).await?;
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    // A parameter sent twice is an error (RFC 6749 section 3.2).
    for (i, (k, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(k2, _)| k2 == k) {
            return Err(Error::new(Code::InvalidRequest));
        }
    }
    Ok(pairs)
}

fn get(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty())
}

/// The client's credentials: HTTP Basic (each part form-urlencoded, RFC 6749 section
/// 2.3.1) or the body's `client_id` / `client_secret`; never both.
fn client_auth(req: &Request, pairs: &[(String, String)]) -> Result<ClientAuth, Error> {
    let bad = || Error::new(Code::InvalidClient);
    let basic = req.headers().get("Authorization").ok().flatten().and_then(|h| {
        let (scheme, value) = h.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("basic").then(|| value.trim().to_string())
    });
    match basic {
        Some(b) => {
            if get(pairs, "client_secret").is_some() {
                return Err(Error::new(Code::InvalidRequest));
            }
            use base64::Engine;
            let raw = base64::engine::general_purpose::STANDARD.decode(b).map_err(|_| bad())?;
            let text = String::from_utf8(raw).map_err(|_| bad())?;
            let (id, secret) = text.split_once(':').ok_or_else(bad)?;
            let dec = |s: &str| form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
            let id = dec(id).ok_or_else(bad)?;
            if get(pairs, "client_id").is_some_and(|c| c != id) {
                return Err(bad());
            }
            Ok(ClientAuth { client_id: id, secret: dec(secret).filter(|s| !s.is_empty()) })
        }
        None => {
            Ok(ClientAuth { client_id: get(pairs, "client_id").ok_or_else(bad)?, secret: get(pairs, "client_secret") })
        }
    }
}

/// `POST /oauth/token`.
pub async fn token(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let lang = ctx.lang;
    let result = async {
        let pairs = form(req).await?;
        let auth = client_auth(req, &pairs)?;
        let input = TokenRequest {
            grant_type: get(&pairs, "grant_type").unwrap_or_default(),
            code: get(&pairs, "code"),
            redirect_uri: get(&pairs, "redirect_uri"),
            code_verifier: get(&pairs, "code_verifier"),
            refresh_token: get(&pairs, "refresh_token"),
            scope: get(&pairs, "scope"),
        };
        let iss = issuer(req, ctx)?;
        // The key before the commit: once a code is spent or a refresh token rotated, the
        // answer needs no storage (a failed key read afterwards would lose the tokens).
        let key = oidc::signer(ctx).await?;
        let set = provider::token(&mut ctx.env(), &iss, auth, input).await?;
        let id_token = oidc::sign_with(&key, "JWT", &set.id_token).await?;
        let access_token = oidc::sign_with(&key, "at+jwt", &set.access_token).await?;
        Ok::<Value, Error>(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": set.expires_in,
            "id_token": id_token,
            "refresh_token": set.refresh_token,
            "scope": set.scope,
        }))
    }
    .await;
    match result {
        Ok(v) => Ok(cors(http::with_header(json_response(&v, 200)?, "Pragma", "no-cache"))),
        Err(e) => oauth_error(&e, lang),
    }
}

/// A verified access token's claims (RFC 9068 `at+jwt`, netid's signature and issuer).
async fn access_claims(ctx: &Ctx, token: &str, iss: &str) -> Result<Option<AccessClaims>, Error> {
    let Some(c) = oidc::verify(ctx, token, Some("at+jwt"), iss).await? else { return Ok(None) };
    let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
    Ok(Some(AccessClaims {
        sub: s("sub"),
        client_id: s("client_id"),
        account_id: s("account_id"),
        scope: s("scope"),
        grant: s("grant"),
        exp: c["exp"].as_i64().unwrap_or(0),
    }))
}

/// `GET|POST /oauth/userinfo` with `Authorization: Bearer <access token>`.
pub async fn userinfo(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let iss = issuer(req, ctx)?;
    let refuse = || {
        let resp = json_response(&json!({ "error": "invalid_token" }), 401)?;
        Ok(cors(http::with_header(resp, "WWW-Authenticate", r#"Bearer error="invalid_token""#)))
    };
    let Some((token, false)) = http::bearer(req) else { return refuse() };
    let Some(claims) = access_claims(ctx, &token, &iss).await? else { return refuse() };
    match provider::userinfo(&ctx.env(), &claims).await {
        Ok(v) => Ok(cors(json_response(&v, 200)?)),
        Err(e) if e.code == Code::Unauthenticated => refuse(),
        Err(e) => Err(e),
    }
}

/// The authenticated client of an introspection or revocation request.
async fn calling_client(
    req: &Request,
    ctx: &mut Ctx,
    pairs: &[(String, String)],
) -> Result<netid_core::model::App, Error> {
    let auth = client_auth(req, pairs)?;
    let app = ctx.store.grant_context(Grantable::Request { session_hash: None, client_id: &auth.client_id }).await?.app;
    provider::authenticate_client(app.as_ref(), &auth)
}

async fn presented(ctx: &Ctx, pairs: &[(String, String)], iss: &str) -> Result<Presented, Error> {
    let token = get(pairs, "token").ok_or_else(|| Error::new(Code::InvalidRequest))?;
    Ok(match access_claims(ctx, &token, iss).await? {
        Some(c) => Presented::Access(c),
        None => Presented::Opaque(token),
    })
}

/// `POST /oauth/introspect` (RFC 7662).
pub async fn introspect(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let lang = ctx.lang;
    let result = async {
        let pairs = form(req).await?;
        let app = calling_client(req, ctx, &pairs).await?;
        let iss = issuer(req, ctx)?;
        let token = presented(ctx, &pairs, &iss).await?;
        provider::introspect(&mut ctx.env(), &app, token).await
    }
    .await;
    match result {
        Ok(v) => json_response(&v, 200),
        Err(e) => oauth_error(&e, lang),
    }
}

/// `POST /oauth/revoke` (RFC 7009): 200 whether or not the token was known.
pub async fn revoke(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let lang = ctx.lang;
    let result = async {
        let pairs = form(req).await?;
        let app = calling_client(req, ctx, &pairs).await?;
        let iss = issuer(req, ctx)?;
        let token = presented(ctx, &pairs, &iss).await?;
        provider::revoke(&mut ctx.env(), &app, token).await
    }
    .await;
    match result {
        Ok(()) => Ok(cors(Response::empty().map_err(http::internal)?.with_status(200))),
        Err(e) => oauth_error(&e, lang),
    }
}

/// `POST /operator/signing-keys`: a new signing key, served now, signing after the overlap.
pub async fn rotate_keys(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let op = super::operators::operator(req, ctx).await?;
    let key = oidc::rotate(ctx, &op).await?;
    let public: Value = serde_json::from_str(&key.public_jwk).unwrap_or(Value::Null);
    json_response(
        &json!({ "kid": key.kid, "signs_from": netid_core::time::rfc3339(key.signs_from), "public_jwk": public }),
        201,
    )
}
