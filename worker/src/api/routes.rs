//! Every route of the API, in one table: what the router answers (a path of no route is 404,
//! a known path with another method 405) and what `openapi.yaml` must describe. A test fails
//! when the two disagree in either direction.

/// (method, path under `/api/v1`); a `{name}` segment matches any one segment.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/health"),
    ("GET", "/openapi.json"),
    ("POST", "/signup"),
    ("POST", "/signup/confirm"),
    ("POST", "/signup/resend"),
    ("POST", "/login"),
    ("POST", "/login/second-factor"),
    ("POST", "/logout"),
    ("GET", "/session"),
    ("POST", "/session/refresh"),
    ("POST", "/password/forgot"),
    ("POST", "/password/reset"),
    ("GET", "/me"),
    ("PATCH", "/me"),
    ("DELETE", "/me"),
    ("PUT", "/me/photo"),
    ("DELETE", "/me/photo"),
    ("POST", "/me/email"),
    ("POST", "/me/email/confirm"),
    ("POST", "/me/phone"),
    ("POST", "/me/phone/confirm"),
    ("POST", "/me/password"),
    ("POST", "/me/two-factor/setup"),
    ("POST", "/me/two-factor/enable"),
    ("POST", "/me/two-factor/recovery-codes"),
    ("DELETE", "/me/two-factor"),
    ("GET", "/me/sessions"),
    ("POST", "/me/sessions/end-others"),
    ("DELETE", "/me/sessions/{sid}"),
    ("POST", "/me/social/{provider}/connect"),
    ("DELETE", "/me/social/{provider}/{subject}"),
    ("GET", "/auth/social/providers"),
    ("GET", "/auth/social/{provider}/start"),
    ("GET", "/auth/social/{provider}/callback"),
    ("POST", "/auth/social/{provider}/callback"),
    ("GET", "/photos/{id}"),
    ("POST", "/accounts"),
    ("GET", "/accounts"),
    ("GET", "/accounts/{id}"),
    ("PATCH", "/accounts/{id}"),
    ("DELETE", "/accounts/{id}"),
    ("POST", "/accounts/{id}/enter"),
    ("GET", "/accounts/{id}/users"),
    ("POST", "/accounts/{id}/users"),
    ("PATCH", "/accounts/{id}/users/{uid}"),
    ("POST", "/accounts/{id}/users/{uid}/dismiss"),
    ("DELETE", "/accounts/{id}/users/{uid}/two-factor"),
    ("GET", "/accounts/{id}/audit"),
    ("GET", "/accounts/{id}/departments"),
    ("POST", "/accounts/{id}/departments"),
    ("GET", "/accounts/{id}/groups"),
    ("POST", "/accounts/{id}/groups"),
    ("PATCH", "/accounts/{id}/departments/{did}"),
    ("DELETE", "/accounts/{id}/departments/{did}"),
    ("PATCH", "/accounts/{id}/groups/{gid}"),
    ("DELETE", "/accounts/{id}/groups/{gid}"),
    ("POST", "/accounts/{id}/leave"),
    ("GET", "/accounts/{id}/invitations"),
    ("POST", "/accounts/{id}/invitations"),
    ("POST", "/accounts/{id}/invitations/mass"),
    ("POST", "/accounts/{id}/invitations/{iid}/resend"),
    ("DELETE", "/accounts/{id}/invitations/{iid}"),
    ("GET", "/invitations/{token}"),
    ("POST", "/invitations/{token}/accept"),
    ("PUT", "/operator/accounts/{id}/plan"),
    ("POST", "/operator/accounts/{id}/renames"),
    ("GET", "/operator/outbox"),
    ("POST", "/operator/outbox/{id}/retry"),
    ("GET", "/dev/outbox"),
    ("POST", "/dev/clock"),
    ("GET", "/dev/clock"),
    ("GET", "/dev/hash"),
    ("POST", "/dev/seed"),
    ("POST", "/dev/cleanup"),
    ("GET", "/dev/invariants"),
    ("POST", "/dev/faults"),
    ("GET", "/dev/snapshot"),
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
fn routes_of(segs: &[&str]) -> Vec<(&'static str, &'static str)> {
    let scored: Vec<_> = ROUTES.iter().filter_map(|r| score(r.1, segs).map(|s| (s, *r))).collect();
    let best = scored.iter().map(|(s, _)| *s).max();
    scored.into_iter().filter(|(s, _)| Some(*s) == best).map(|(_, r)| r).collect()
}

/// Whether a method and path is a route.
pub fn exists(segs: &[&str], method: &str) -> bool {
    routes_of(segs).iter().any(|(m, _)| *m == method)
}

/// The methods a known path answers, for the `Allow` header of a 405 (RFC 9110).
pub fn allowed(segs: &[&str]) -> String {
    let mut methods: Vec<&str> = routes_of(segs).iter().map(|(m, _)| *m).collect();
    methods.dedup();
    methods.join(", ")
}

/// Whether a path is a route for some method (else 404).
pub fn known(segs: &[&str]) -> bool {
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
            ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
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
