//! Every route of the API, in one table: method, path, who may call it, the body it takes,
//! whether a session whose password an admin chose may call it, and its handler. The
//! dispatch, the 405 with `Allow`, `admit` and the comparison with `openapi.yaml` (a test
//! fails when the two disagree in either direction) all read it; a route is added in one row.

use super::{
    accounts, apps, browsers, dev, invitations, login, operators, outbox, passkeys, password, people, profile,
    provider, sessions, signup, social, structure, two_factor, OPENAPI_JSON,
};
use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::sql::Ahead;
use std::future::Future;
use std::pin::Pin;
use worker::Request;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Anyone (the handler may still look for a session).
    Public,
    /// A live session, checked before any body is read.
    Session,
    /// A live session, checked by the handler itself because it reads the session together
    /// with its data in one round trip (`GET /me`).
    SessionInHandler,
    /// The development build only (404 elsewhere).
    Dev,
}

/// The body a route takes (checked against `Content-Type` before the handler).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    Json,
    /// A profile photo: PNG, JPEG or WebP bytes.
    Image,
    /// A provider's redirect or form POST to a social callback (Apple posts a form from its
    /// own origin): neither its origin nor its type is checked; its single-use state, bound to
    /// this browser, is what protects it.
    ProviderCallback,
    /// An OAuth request of a workspace app (`application/x-www-form-urlencoded`, read by
    /// the handler): servers and browser apps of other origins send it with their own
    /// credentials and no cookie, so its origin is not checked.
    Form,
}

/// A handler: the request, the context and the path's parameters, in the pattern's order.
pub type Handler =
    for<'a> fn(&'a mut Request, &'a mut Ctx, &'a [&'a str]) -> Pin<Box<dyn Future<Output = ApiResult> + 'a>>;

pub struct Route {
    pub method: &'static str,
    /// Under `/api/v1`; a `{name}` segment matches any one non-empty segment.
    pub path: &'static str,
    pub auth: Auth,
    pub body: Body,
    /// Whether a session whose password an admin chose may still call it (reading itself,
    /// logging out, changing the password).
    pub while_password_change_required: bool,
    /// What the route's flow reads besides the caller's session: read with the session in
    /// the request's first round trip (`SqlStore::read_ahead`), for `Session` routes.
    pub ahead: &'static [Ahead],
    pub handler: Handler,
}

/// The `n`th parameter of a path (its pattern decides how many there are).
fn arg<'a>(p: &[&'a str], n: usize) -> &'a str {
    p.get(n).copied().unwrap_or_default()
}

macro_rules! route {
    ($m:ident $path:literal, $auth:ident, $body:ident, $pcr:literal, |$r:ident, $c:ident, $p:ident| $call:expr) => {
        route!($m $path, $auth, $body, $pcr, [], |$r, $c, $p| $call)
    };
    ($m:ident $path:literal, $auth:ident, $body:ident, $pcr:literal, [$($a:ident),*], |$r:ident, $c:ident, $p:ident| $call:expr) => {
        Route {
            method: stringify!($m),
            path: $path,
            auth: Auth::$auth,
            body: Body::$body,
            while_password_change_required: $pcr,
            ahead: &[$(Ahead::$a),*],
            handler: |$r, $c, $p| Box::pin(async move { $call }),
        }
    };
}

pub static ROUTES: &[Route] = &[
    route!(GET "/health", Public, Json, false, |_r, _c, _p| http::json(200, &serde_json::json!({"ok": true}))),
    route!(GET "/openapi.json", Public, Json, false, |_r, _c, _p| http::json_text(200, OPENAPI_JSON)),
    route!(POST "/signup", Public, Json, false, |r, c, _p| signup::signup(r, c).await),
    route!(POST "/signup/confirm", Public, Json, false, |r, c, _p| signup::confirm(r, c).await),
    route!(POST "/signup/resend", Public, Json, false, |r, c, _p| signup::resend(r, c).await),
    route!(POST "/login", Public, Json, false, |r, c, _p| login::login(r, c).await),
    route!(POST "/login/second-factor", Public, Json, false, |r, c, _p| login::second_factor(r, c).await),
    route!(POST "/login/passkey/options", Public, Json, false, |r, c, _p| passkeys::login_options(r, c).await),
    route!(POST "/login/passkey", Public, Json, false, |r, c, _p| passkeys::login(r, c).await),
    route!(POST "/logout", Session, Json, true, |r, c, _p| sessions::logout(r, c).await),
    route!(GET "/session", Session, Json, true, |r, c, _p| sessions::session_info(r, c).await),
    route!(POST "/session/refresh", Public, Json, false, |r, c, _p| sessions::refresh(r, c).await),
    route!(POST "/password/forgot", Public, Json, false, |r, c, _p| password::forgot(r, c).await),
    route!(POST "/password/reset", Public, Json, false, |r, c, _p| password::reset(r, c).await),
    route!(GET "/me", SessionInHandler, Json, true, |r, c, _p| profile::get(r, c).await),
    route!(PATCH "/me", Session, Json, false, [Me], |r, c, _p| profile::patch(r, c).await),
    route!(DELETE "/me", Session, Json, false, [Me, Links], |r, c, _p| profile::delete(r, c).await),
    route!(PUT "/me/photo", Session, Image, false, [Me], |r, c, _p| profile::put_photo(r, c).await),
    route!(DELETE "/me/photo", Session, Image, false, [Me], |r, c, _p| profile::delete_photo(r, c).await),
    route!(POST "/me/email", Session, Json, false, [Me], |r, c, _p| profile::email(r, c).await),
    route!(POST "/me/email/confirm", Session, Json, false, [Me], |r, c, _p| profile::email_confirm(r, c).await),
    route!(POST "/me/phone", Session, Json, false, [Me], |r, c, _p| profile::phone(r, c).await),
    route!(POST "/me/phone/confirm", Session, Json, false, [Me], |r, c, _p| profile::phone_confirm(r, c).await),
    route!(POST "/me/password", Session, Json, true, [Me], |r, c, _p| profile::password(r, c).await),
    route!(POST "/me/two-factor/setup", Session, Json, false, [Me, TwoFactor], |r, c, _p| two_factor::two_factor_setup(r, c).await),
    route!(POST "/me/two-factor/enable", Session, Json, false, [Me, TwoFactor], |r, c, _p| two_factor::two_factor_enable(r, c).await),
    route!(POST "/me/two-factor/recovery-codes", Session, Json, false, [Me, TwoFactor], |r, c, _p| two_factor::recovery_codes(r, c).await),
    route!(DELETE "/me/two-factor", Session, Json, false, [Me, TwoFactor], |r, c, _p| two_factor::two_factor_disable(r, c).await),
    route!(POST "/me/passkeys/options", Session, Json, false, [Me, Passkeys], |r, c, _p| passkeys::registration_options(r, c).await),
    route!(POST "/me/passkeys", Session, Json, false, [Me], |r, c, _p| passkeys::register(r, c).await),
    route!(GET "/me/passkeys", Session, Json, false, [Passkeys], |r, c, _p| passkeys::list(r, c).await),
    route!(PATCH "/me/passkeys/{id}", Session, Json, false, [Passkeys], |r, c, p| passkeys::rename(r, c, arg(p, 0)).await),
    route!(DELETE "/me/passkeys/{id}", Session, Json, false, [Me, Passkeys], |r, c, p| passkeys::delete(r, c, arg(p, 0)).await),
    route!(GET "/me/remembered-browsers", Session, Json, false, [Browsers], |r, c, _p| browsers::list(r, c).await),
    route!(DELETE "/me/remembered-browsers", Session, Json, false, |r, c, _p| browsers::revoke_all(r, c).await),
    route!(DELETE "/me/remembered-browsers/{id}", Session, Json, false, [Browsers], |r, c, p| browsers::revoke(r, c, arg(p, 0)).await),
    route!(GET "/me/sessions", Session, Json, false, [Sessions], |r, c, _p| sessions::sessions(r, c).await),
    route!(POST "/me/sessions/end-others", Session, Json, false, [Me, Sessions], |r, c, _p| sessions::end_other_sessions(r, c).await),
    route!(DELETE "/me/sessions/{sid}", Session, Json, false, [Me, Sessions], |r, c, p| sessions::end_session(r, c, arg(p, 0)).await),
    route!(POST "/me/social/{provider}/connect", Session, Json, false, [Me], |r, c, p| social::connect(r, c, arg(p, 0)).await),
    route!(DELETE "/me/social/{provider}/{subject}", Session, Json, false, [Me], |r, c, p| social::disconnect(r, c, arg(p, 0), arg(p, 1)).await),
    route!(GET "/auth/social/providers", Public, Json, false, |_r, c, _p| social::providers(c).await),
    route!(GET "/auth/social/{provider}/start", Public, Json, false, |r, c, p| social::start(r, c, arg(p, 0)).await),
    route!(GET "/auth/social/{provider}/callback", Public, ProviderCallback, false, |r, c, p| social::callback(r, c, arg(p, 0)).await),
    route!(POST "/auth/social/{provider}/callback", Public, ProviderCallback, false, |r, c, p| social::callback(r, c, arg(p, 0)).await),
    route!(GET "/photos/{id}", Public, Json, false, |_r, c, p| profile::photo(arg(p, 0), c).await),
    route!(POST "/accounts", Session, Json, false, [Me], |r, c, _p| accounts::create(r, c).await),
    route!(GET "/accounts", Session, Json, false, [Me], |r, c, _p| accounts::list(r, c).await),
    route!(GET "/accounts/{id}", Session, Json, false, [Account], |r, c, p| accounts::get(r, c, arg(p, 0)).await),
    route!(PATCH "/accounts/{id}", Session, Json, false, [Account], |r, c, p| accounts::rename(r, c, arg(p, 0)).await),
    route!(DELETE "/accounts/{id}", Session, Json, false, [Account, Cards], |r, c, p| accounts::delete(r, c, arg(p, 0)).await),
    route!(GET "/accounts/{id}/policy", Session, Json, false, [Account, Cards, CardFactors], |r, c, p| accounts::policy(r, c, arg(p, 0)).await),
    route!(PATCH "/accounts/{id}/policy", Session, Json, false, [Me, Account, Cards, CardFactors], |r, c, p| accounts::set_policy(r, c, arg(p, 0)).await),
    route!(POST "/accounts/{id}/enter", Session, Json, false, [Me, Account, Apps], |r, c, p| accounts::enter(r, c, arg(p, 0)).await),
    route!(GET "/accounts/{id}/users", Session, Json, false, [Account, Cards, Departments, Groups], |r, c, p| people::users(r, c, arg(p, 0)).await),
    route!(POST "/accounts/{id}/users", Session, Json, false, [Account, Cards, Departments, Groups, Invitations], |r, c, p| people::add_user(r, c, arg(p, 0)).await),
    route!(PATCH "/accounts/{id}/users/{uid}", Session, Json, false, [Account, Cards, Departments, Groups], |r, c, p| people::edit_user(r, c, arg(p, 0), arg(p, 1)).await),
    route!(POST "/accounts/{id}/users/{uid}/dismiss", Session, Json, false, [Account, Cards], |r, c, p| people::dismiss(r, c, arg(p, 0), arg(p, 1)).await),
    route!(DELETE "/accounts/{id}/users/{uid}/two-factor", Session, Json, false, [Account, Cards, CardProfile], |r, c, p| two_factor::disable_two_factor(r, c, arg(p, 0), arg(p, 1)).await),
    route!(GET "/accounts/{id}/audit", Session, Json, false, [Account, Audit], |r, c, p| accounts::audit(r, c, arg(p, 0)).await),
    route!(GET "/accounts/{id}/departments", Session, Json, false, [Account, Departments], |r, c, p| structure::departments(r, c, arg(p, 0)).await),
    route!(POST "/accounts/{id}/departments", Session, Json, false, [Account, Departments], |r, c, p| structure::add_department(r, c, arg(p, 0)).await),
    route!(GET "/accounts/{id}/groups", Session, Json, false, [Account, Groups], |r, c, p| structure::groups(r, c, arg(p, 0)).await),
    route!(POST "/accounts/{id}/groups", Session, Json, false, [Account, Groups], |r, c, p| structure::add_group(r, c, arg(p, 0)).await),
    route!(PATCH "/accounts/{id}/departments/{did}", Session, Json, false, [Account, Departments], |r, c, p| structure::rename_department(r, c, arg(p, 0), arg(p, 1)).await),
    route!(DELETE "/accounts/{id}/departments/{did}", Session, Json, false, [Account, Departments], |r, c, p| structure::delete_department(r, c, arg(p, 0), arg(p, 1)).await),
    route!(PATCH "/accounts/{id}/groups/{gid}", Session, Json, false, [Account, Groups], |r, c, p| structure::rename_group(r, c, arg(p, 0), arg(p, 1)).await),
    route!(DELETE "/accounts/{id}/groups/{gid}", Session, Json, false, [Account, Groups], |r, c, p| structure::delete_group(r, c, arg(p, 0), arg(p, 1)).await),
    route!(POST "/accounts/{id}/leave", Session, Json, false, [Account, Cards], |r, c, p| structure::leave(r, c, arg(p, 0)).await),
    route!(GET "/accounts/{id}/invitations", Session, Json, false, [Account, Cards, Invitations], |r, c, p| invitations::invitations(r, c, arg(p, 0)).await),
    route!(POST "/accounts/{id}/invitations", Session, Json, false, [Account, Cards, Departments, Groups, Invitations], |r, c, p| invitations::invite(r, c, arg(p, 0)).await),
    route!(POST "/accounts/{id}/invitations/mass", Session, Json, false, [Account, Cards, Departments, Groups, Invitations], |r, c, p| invitations::invite_mass(r, c, arg(p, 0)).await),
    route!(POST "/accounts/{id}/invitations/{iid}/resend", Session, Json, false, [Account, Invitations], |r, c, p| invitations::resend(r, c, arg(p, 0), arg(p, 1)).await),
    route!(DELETE "/accounts/{id}/invitations/{iid}", Session, Json, false, [Account, Invitations], |r, c, p| invitations::revoke(r, c, arg(p, 0), arg(p, 1)).await),
    route!(GET "/invitations/{token}", Public, Json, false, [Invitation], |_r, c, p| invitations::invitation(c, arg(p, 0)).await),
    route!(POST "/invitations/{token}/accept", Public, Json, false, [Invitation], |r, c, p| invitations::accept(r, c, arg(p, 0)).await),
    route!(GET "/accounts/{id}/apps", Session, Json, false, [Account, Apps], |r, c, p| apps::list(r, c, arg(p, 0)).await),
    route!(POST "/accounts/{id}/apps", Session, Json, false, [Account, Apps], |r, c, p| apps::register(r, c, arg(p, 0)).await),
    route!(PATCH "/accounts/{id}/apps/{client_id}", Session, Json, false, [Account, Apps], |r, c, p| apps::edit(r, c, arg(p, 0), arg(p, 1)).await),
    route!(DELETE "/accounts/{id}/apps/{client_id}", Session, Json, false, [Account, Apps], |r, c, p| apps::delete(r, c, arg(p, 0), arg(p, 1)).await),
    route!(POST "/accounts/{id}/apps/{client_id}/secret", Session, Json, false, [Account, Apps], |r, c, p| apps::rotate(r, c, arg(p, 0), arg(p, 1)).await),
    route!(PUT "/operator/accounts/{id}/plan", Session, Json, false, [Me], |r, c, p| operators::set_plan(r, c, arg(p, 0)).await),
    route!(POST "/operator/accounts/{id}/renames", Session, Json, false, [Me], |r, c, p| operators::grant_renames(r, c, arg(p, 0)).await),
    route!(GET "/operator/audit", Session, Json, false, [Me], |r, c, _p| operators::operator_audit(r, c).await),
    route!(GET "/operator/apps", Session, Json, false, [Me], |r, c, _p| apps::operator_list(r, c).await),
    route!(PUT "/operator/apps/{client_id}", Session, Json, false, [Me], |r, c, p| apps::operator_set(r, c, arg(p, 0)).await),
    route!(GET "/oauth/authorize", Public, Json, false, |r, c, _p| provider::authorize(r, c).await),
    route!(POST "/oauth/token", Public, Form, false, |r, c, _p| provider::token(r, c).await),
    route!(GET "/oauth/userinfo", Public, Json, false, |r, c, _p| provider::userinfo(r, c).await),
    route!(POST "/oauth/userinfo", Public, Form, false, |r, c, _p| provider::userinfo(r, c).await),
    route!(POST "/oauth/introspect", Public, Form, false, |r, c, _p| provider::introspect(r, c).await),
    route!(POST "/oauth/revoke", Public, Form, false, |r, c, _p| provider::revoke(r, c).await),
    route!(GET "/oauth/logout", Public, Json, false, |r, c, _p| provider::end_session(r, c).await),
    route!(GET "/oauth/jwks", Public, Json, false, |r, c, _p| provider::jwks(r, c).await),
    route!(POST "/operator/signing-keys", Session, Json, false, [Me], |r, c, _p| provider::rotate_keys(r, c).await),
    route!(GET "/operator/outbox", Session, Json, false, [Me], |r, c, _p| outbox::list(r, c).await),
    route!(POST "/operator/outbox/{id}/retry", Session, Json, false, [Me], |r, c, p| outbox::retry(r, c, arg(p, 0)).await),
    route!(GET "/dev/outbox", Dev, Json, false, |r, c, _p| dev::outbox(r, c).await),
    route!(POST "/dev/clock", Dev, Json, false, |r, c, _p| dev::advance_clock(r, c).await),
    route!(GET "/dev/clock", Dev, Json, false, |_r, c, _p| dev::clock(c).await),
    route!(GET "/dev/hash", Dev, Json, false, |r, _c, _p| dev::hash(r).await),
    route!(POST "/dev/seed", Dev, Json, false, |r, c, _p| dev::seed(r, c).await),
    route!(POST "/dev/cleanup", Dev, Json, false, |_r, c, _p| dev::cleanup(c).await),
    route!(GET "/dev/invariants", Dev, Json, false, |_r, c, _p| dev::check_invariants(c).await),
    route!(POST "/dev/faults", Dev, Json, false, |r, _c, _p| dev::arm_fault(r).await),
    route!(GET "/dev/snapshot", Dev, Json, false, |_r, c, _p| dev::snapshot(c).await),
];

/// How a route pattern matches a path's segments: `None` when it does not, else how many of
/// its segments are literal (more literal segments is more specific).
fn score(pattern: &str, segs: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    if parts.len() != segs.len() {
        return None;
    }
    let mut literal = 0;
    for (p, s) in parts.iter().zip(segs) {
        if p.starts_with('{') {
            if s.is_empty() {
                return None;
            }
        } else if p == s {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

/// The routes of a path: those of the most specific patterns matching it, so a literal
/// segment is never taken for a parameter (`/me/sessions/end-others` is not a session id,
/// `/accounts/{id}/invitations/mass` not an invitation).
pub fn routes_of(segs: &[&str]) -> Vec<&'static Route> {
    let scored: Vec<_> = ROUTES.iter().filter_map(|r| score(r.path, segs).map(|s| (s, r))).collect();
    let best = scored.iter().map(|(s, _)| *s).max();
    scored.into_iter().filter(|(s, _)| Some(*s) == best).map(|(_, r)| r).collect()
}

/// The route of a method and path.
pub fn find(segs: &[&str], method: &str) -> Option<&'static Route> {
    routes_of(segs).into_iter().find(|r| r.method == method)
}

/// A path's parameters, in the order of the route's pattern.
pub fn params<'a>(route: &Route, segs: &[&'a str]) -> Vec<&'a str> {
    route
        .path
        .trim_start_matches('/')
        .split('/')
        .zip(segs)
        .filter(|(p, _)| p.starts_with('{'))
        .map(|(_, s)| *s)
        .collect()
}

/// Whether a method and path is a route.
#[cfg(test)]
fn exists(segs: &[&str], method: &str) -> bool {
    find(segs, method).is_some()
}

/// The methods a known path answers, for the `Allow` header of a 405 (RFC 9110).
pub fn allowed(segs: &[&str]) -> String {
    let mut methods: Vec<&str> = routes_of(segs).iter().map(|r| r.method).collect();
    methods.dedup();
    methods.join(", ")
}

/// Whether a path is a route for some method (else 404).
#[cfg(test)]
fn known(segs: &[&str]) -> bool {
    !routes_of(segs).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const SPEC: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.json"));

    #[test]
    fn the_router_and_openapi_yaml_list_the_same_routes() {
        let spec: serde_json::Value = serde_json::from_str(SPEC).unwrap();
        assert_eq!(spec["openapi"].as_str().map(|v| v.starts_with("3.1")), Some(true), "OpenAPI 3.1");
        let mut in_spec = BTreeSet::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, _) in item.as_object().unwrap() {
                if ["get", "put", "post", "patch", "delete", "head", "options", "trace"].contains(&method.as_str()) {
                    in_spec.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        let in_router: BTreeSet<(String, String)> =
            ROUTES.iter().map(|r| (r.method.to_string(), r.path.to_string())).collect();
        let missing: Vec<_> = in_router.difference(&in_spec).collect();
        let extra: Vec<_> = in_spec.difference(&in_router).collect();
        assert!(missing.is_empty(), "routes without a spec entry: {missing:?}");
        assert!(extra.is_empty(), "spec entries without a route: {extra:?}");
    }

    #[test]
    fn every_operation_has_an_id_and_the_error_envelope() {
        let spec: serde_json::Value = serde_json::from_str(SPEC).unwrap();
        let mut ids = BTreeSet::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if method == "parameters" {
                    continue;
                }
                let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: operationId"));
                assert!(ids.insert(id.to_string()), "operationId {id} twice");
                assert!(op["responses"]["default"].is_object(), "{method} {path}: a default (error) response");
            }
        }
    }

    #[test]
    fn each_row_says_who_may_call_it_and_what_it_takes() {
        let row = |m: &str, p: &str| ROUTES.iter().find(|r| r.method == m && r.path == p).unwrap();
        // A session whose password an admin chose reads itself, logs out, changes the password.
        let allowed: BTreeSet<(&str, &str)> =
            ROUTES.iter().filter(|r| r.while_password_change_required).map(|r| (r.method, r.path)).collect();
        let expected: BTreeSet<(&str, &str)> =
            [("GET", "/me"), ("GET", "/session"), ("POST", "/logout"), ("POST", "/me/password")].into();
        assert_eq!(allowed, expected);
        for r in ROUTES {
            let first = r.path.trim_start_matches('/').split('/').next().unwrap_or("");
            assert_eq!(
                r.auth == Auth::Dev,
                first == "dev",
                "{} {}: development routes and only they",
                r.method,
                r.path
            );
            if matches!(first, "me" | "accounts") || matches!(r.path, "/logout" | "/session") {
                assert!(
                    matches!(r.auth, Auth::Session | Auth::SessionInHandler),
                    "{} {} needs a session",
                    r.method,
                    r.path
                );
            }
            assert_eq!(r.body == Body::Image, r.path == "/me/photo", "{} {}", r.method, r.path);
            assert_eq!(r.body == Body::ProviderCallback, r.path.ends_with("/callback"), "{} {}", r.method, r.path);
        }
        assert_eq!(row("GET", "/me").auth, Auth::SessionInHandler);
        assert_eq!(row("POST", "/session/refresh").auth, Auth::Public, "a refresh has no live session");
        let once: BTreeSet<(&str, &str)> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
        assert_eq!(once.len(), ROUTES.len(), "each route once");
        assert_eq!(
            params(
                row("DELETE", "/accounts/{id}/users/{uid}/two-factor"),
                &["accounts", "a1", "users", "u2", "two-factor"]
            ),
            ["a1", "u2"]
        );
    }

    #[test]
    fn patterns_match_as_the_router_needs() {
        assert!(exists(&["accounts", "acc_1", "users", "u_1", "dismiss"], "POST"));
        assert!(!exists(&["accounts", "acc_1", "users", "u_1", "dismiss"], "GET"));
        assert!(known(&["accounts", "acc_1", "users", "u_1", "dismiss"]));
        assert!(exists(&["me", "sessions", "end-others"], "POST"));
        assert!(exists(&["me", "sessions", "ses_1"], "DELETE"));
        assert!(!exists(&["me", "sessions", "end-others"], "DELETE"), "a literal is not a session id");
        assert_eq!(allowed(&["me", "sessions", "end-others"]), "POST");
        assert_eq!(allowed(&["accounts", "a", "invitations", "mass"]), "POST");
        assert_eq!(allowed(&["accounts", "a", "invitations", "inv_1"]), "DELETE");
        assert!(!known(&["me", "sessions", "ses_1", "x"]));
        assert!(!known(&["accounts", ""]));
        assert!(!known(&["nope"]));
        assert_eq!(allowed(&["me"]), "GET, PATCH, DELETE");
        assert!(exists(&["auth", "social", "providers"], "GET"));
        assert!(!exists(&["auth", "social", "providers"], "POST"), "a literal is not a provider");
        assert_eq!(allowed(&["auth", "social", "apple", "callback"]), "GET, POST");
        assert_eq!(allowed(&["me", "social", "google", "connect"]), "POST");
        assert_eq!(allowed(&["me", "social", "google", "1234"]), "DELETE");
        assert_eq!(allowed(&["accounts", "acc_1", "invitations"]), "GET, POST");
    }
}
