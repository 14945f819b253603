//! The shared validation vectors (also run in headless Chromium by crates/client).

use netid_core::validate::{
    AccountName, ConfirmationCode, Email, Login, LoginKind, Name, Password, PersonalInfo, Phone,
};
use netid_core::Error;
use serde_json::Value;

const VECTORS: &str = include_str!("vectors/validation.json");

fn check(kind: &str, case: &Value, result: Result<String, Error>, score: Option<u8>, fails: &mut Vec<String>) {
    if let Err(msg) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_one(kind, case, result, score))) {
        fails.push(msg.downcast_ref::<String>().cloned().unwrap_or_default());
    }
}

fn check_one(kind: &str, case: &Value, result: Result<String, Error>, score: Option<u8>) {
    let input = case["input"].as_str().unwrap_or_default();
    let ok = case["ok"].as_bool().unwrap_or(false);
    match result {
        Ok(v) => {
            assert!(ok, "{kind} {input:?} was accepted as {v:?}");
            if let Some(want) = case["value"].as_str() {
                assert_eq!(v, want, "{kind} {input:?}");
            }
            if let (Some(min), Some(score)) = (case["min_score"].as_u64(), score) {
                assert!(u64::from(score) >= min, "{kind} {input:?} scored {score} < {min}");
            }
        }
        Err(e) => {
            assert!(!ok, "{kind} {input:?} was refused: {:?}", e.code);
            assert_eq!(Some(e.code.code()), case["code"].as_str(), "{kind} {input:?}");
            if let Some(reason) = case["reason"].as_str() {
                assert_eq!(e.code.reason(), Some(reason), "{kind} {input:?}");
            }
        }
    }
}

#[test]
fn shared_vectors_hold_natively() {
    let v: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let mut n = 0;
    let mut fails = Vec::new();
    for case in v["email"].as_array().expect("email") {
        check(
            "email",
            case,
            Email::parse(case["input"].as_str().unwrap_or_default()).map(|e| e.as_str().to_string()),
            None,
            &mut fails,
        );
        n += 1;
    }
    for case in v["phone"].as_array().expect("phone") {
        let r = Phone::parse(case["input"].as_str().unwrap_or_default(), case["region"].as_str());
        check("phone", case, r.map(|p| p.as_str().to_string()), None, &mut fails);
        n += 1;
    }
    for case in v["name"].as_array().expect("name") {
        let r = Name::parse(case["input"].as_str().unwrap_or_default(), "first_name");
        check("name", case, r.map(|p| p.as_str().to_string()), None, &mut fails);
        n += 1;
    }
    for case in v["password"].as_array().expect("password") {
        let input = case["input"].as_str().unwrap_or_default();
        let info = &case["info"];
        let info = PersonalInfo {
            email: info["email"].as_str(),
            phone: info["phone"].as_str(),
            first_name: info["first_name"].as_str(),
            last_name: info["last_name"].as_str(),
        };
        let score = Password::strength(input, &info).score;
        let r = Password::parse(input, &info).map(|_| String::new());
        if r.is_err() {
            assert_eq!(score, 0, "refused password {input:?} must score 0");
        }
        check("password", case, r, Some(score), &mut fails);
        n += 1;
    }
    for case in v["code"].as_array().expect("code") {
        let r = ConfirmationCode::parse(case["input"].as_str().unwrap_or_default());
        check("code", case, r.map(|c| c.as_str().to_string()), None, &mut fails);
        n += 1;
    }
    for case in v["account_name"].as_array().expect("account_name") {
        let r = AccountName::parse(case["input"].as_str().unwrap_or_default());
        check("account_name", case, r.map(|a| a.as_str().to_string()), None, &mut fails);
        n += 1;
    }
    for case in v["login"].as_array().expect("login") {
        let input = case["input"].as_str().unwrap_or_default();
        let kind = Login::kind_of(input).map(LoginKind::as_str);
        if kind != case["kind"].as_str() {
            fails.push(format!("login {input:?}: kind {kind:?} want {}", case["kind"]));
        }
        check("login", case, Login::parse(input, None).map(|l| l.as_str().to_string()), None, &mut fails);
        n += 1;
    }
    assert!(fails.is_empty(), "{} vectors failed:\n{}", fails.len(), fails.join("\n"));
    assert!(n >= 120, "only {n} vectors ran");
}

/// A signup form judged as the server judges it: read like the request's body (core's
/// SignupInput, unknown keys refused), then every field's error in the server's order. The
/// same vectors run in Chromium through `validateSignup` and against the Worker's POST /signup.
#[test]
fn signup_forms_are_judged_as_the_server_judges_them() {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    let cases = v["signup"].as_array().expect("signup");
    let mut fails = Vec::new();
    for case in cases {
        let got: Vec<(String, String)> =
            match serde_json::from_value::<netid_core::flows::SignupInput>(case["form"].clone()) {
                Err(_) => vec![("form".into(), "invalid_request".into())],
                Ok(form) => netid_core::flows::signup_errors(&form)
                    .iter()
                    .map(|e| (e.field.unwrap_or("form").to_string(), e.code.code().to_string()))
                    .collect(),
            };
        let want: Vec<(String, String)> = serde_json::from_value(case["errors"].clone()).unwrap();
        if got != want {
            fails.push(format!("{}: got {got:?} want {want:?}", case["form"]));
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
    assert!(cases.len() >= 10);
}
