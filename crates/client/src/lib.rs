//! `@netid/client`: netid's validation rules and messages for browsers.
//!
//! A thin wasm-bindgen facade over `netid-core`: the same functions the server runs, so a
//! form shows exactly the error the API would answer, in the person's language, before any
//! request is sent.

use netid_core::flows::SignupInput;
use netid_core::validate::{
    check_photo_meta, parse_mass, AccountName, ConfirmationCode, Email, Login, LoginKind, Name, Password, PersonalInfo,
    Phone,
};
use netid_core::{Code, Error, Lang};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A language netid speaks. Anything else falls back to English. */
export type Lang = "en" | "fr" | "ru" | "vi" | "pl";

/** The outcome of validating one value. */
export interface Validation {
  ok: boolean;
  /** The normalized value when ok: an email in netid's canonical form (the domain as IDNA
   * A-labels, the local part NFKC-normalized and case-folded, needless quotes removed), an
   * E.164 phone, a trimmed name... */
  value?: string;
  /** The API's error code when not ok (e.g. "invalid_email", "weak_password"). */
  code?: string;
  /** A finer reason for shared codes ("too_short", "common", "personal", "too_long"). */
  reason?: string;
  /** The form field at fault. */
  field?: string;
  /** The message in the requested language. */
  message?: string;
}

/** A login (email or phone) with what the server takes it for. */
export interface LoginValidation extends Validation {
  /** "email" or "phone": core's rule (an @ or a letter is an email); absent when blank. */
  kind?: "email" | "phone";
}

/** Password validation with a 0 (refused) ..= 4 (strong) score. */
export interface PasswordValidation extends Validation {
  score: number;
  bits: number;
  /**
   * What the server checks beyond this verdict: `["breached"]`, the list of 115,719 common
   * breached passwords (a 274 KB filter this package leaves out). A password `ok` here may
   * still be refused by the server with `password_common`.
   */
  server_also_checks: string[];
}

/** What the person told about themselves, to refuse passwords built from it. */
export interface PersonalInfo {
  email?: string;
  phone?: string;
  first_name?: string;
  last_name?: string;
}

/** The signup form, as POST /api/v1/signup takes it. */
export interface SignupForm {
  email?: string;
  phone?: string;
  password: string;
  first_name: string;
  last_name: string;
  /** ISO 3166 region for national phone numbers ("FR", "PL"...). */
  region?: string;
}

export interface FieldError {
  field: string;
  code: string;
  reason?: string;
  message: string;
}

/** One distinct address of a mass invitation. */
export interface InviteeCheck {
  /** The address as typed. */
  input: string;
  ok: boolean;
  /** The normalized address (canonical email or E.164 phone) when ok. */
  value?: string;
  code?: string;
  message?: string;
}

/** The mass-invitation text box, checked: one entry per distinct address. */
export interface MassInvitation {
  ok: boolean;
  entries: InviteeCheck[];
  /** Set when the whole text is refused (e.g. "too_many_addresses"). */
  code?: string;
  message?: string;
}

export interface SignupValidation {
  ok: boolean;
  errors: FieldError[];
  /** The password's strength score, 0..=4. */
  score: number;
}
"#;

#[derive(Serialize, Default)]
struct Validation {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bits: Option<u32>,
    /// What the server checks of a password beyond this package's verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    server_also_checks: Option<Vec<&'static str>>,
}

fn lang_of(lang: Option<String>) -> Lang {
    lang.as_deref().and_then(Lang::from_tag).unwrap_or_default()
}

fn outcome(result: Result<String, Error>, lang: Lang) -> Validation {
    match result {
        Ok(value) => Validation { ok: true, value: Some(value), ..Validation::default() },
        Err(e) => Validation {
            ok: false,
            code: Some(e.code.code()),
            reason: e.code.reason(),
            field: e.field,
            message: Some(e.message(lang)),
            ..Validation::default()
        },
    }
}

/// A text argument as the page passed it. Anything but a string (a number, `null`, an object
/// from a typo'd call) is judged as an empty input: the validator's own error, never a trap.
fn text_of(v: &JsValue) -> String {
    v.as_string().unwrap_or_default()
}

fn to_js<T: Serialize>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// Validates an email address; `value` is its canonical form, the one the server stores and
/// compares (`x@Bücher.de` is `x@xn--bcher-kva.de`, `"Q"@example.org` is `q@example.org`).
#[wasm_bindgen(js_name = validateEmail, unchecked_return_type = "Validation")]
pub fn validate_email(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    to_js(&outcome(Email::parse(input).map(|e| e.as_str().to_string()), lang_of(lang)))
}

/// Validates a phone number; `value` is E.164. `region` (ISO 3166 alpha-2) allows
/// national formats such as "06 12 34 56 78" for FR.
#[wasm_bindgen(js_name = validatePhone, unchecked_return_type = "Validation")]
pub fn validate_phone(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    region: Option<String>,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    to_js(&outcome(Phone::parse(input, region.as_deref()).map(|p| p.as_str().to_string()), lang_of(lang)))
}

#[derive(Serialize)]
struct LoginValidation {
    #[serde(flatten)]
    outcome: Validation,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

/// Validates a login as the server reads it: email or phone decided by core's rule
/// (`Login::kind_of`), `value` normalized; `kind` says which (absent when blank).
#[wasm_bindgen(js_name = validateLogin, unchecked_return_type = "LoginValidation")]
pub fn validate_login(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    region: Option<String>,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    let kind = Login::kind_of(input).map(LoginKind::as_str);
    let parsed = Login::parse(input, region.as_deref()).map(|l| l.as_str().to_string());
    to_js(&LoginValidation { outcome: outcome(parsed, lang_of(lang)), kind })
}

/// Validates a first or last name; `value` is trimmed with inner spaces collapsed.
#[wasm_bindgen(js_name = validateName, unchecked_return_type = "Validation")]
pub fn validate_name(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    field: Option<String>,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    let field = match field.as_deref() {
        Some("last_name") => "last_name",
        _ => "first_name",
    };
    to_js(&outcome(Name::parse(input, field).map(|n| n.as_str().to_string()), lang_of(lang)))
}

/// Validates a 6-digit confirmation code.
#[wasm_bindgen(js_name = validateCode, unchecked_return_type = "Validation")]
pub fn validate_code(#[wasm_bindgen(unchecked_param_type = "string")] input: JsValue, lang: Option<String>) -> JsValue {
    let input = &text_of(&input);
    to_js(&outcome(ConfirmationCode::parse(input).map(|c| c.as_str().to_string()), lang_of(lang)))
}

#[derive(Deserialize, Default)]
struct Info {
    email: Option<String>,
    phone: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
}

impl Info {
    fn personal(&self) -> PersonalInfo<'_> {
        PersonalInfo {
            email: self.email.as_deref(),
            phone: self.phone.as_deref(),
            first_name: self.first_name.as_deref(),
            last_name: self.last_name.as_deref(),
        }
    }
}

/// Validates a new password against the policy and the person's own data, with a
/// strength score (0 refused ..= 4 strong). The password never leaves the page.
#[wasm_bindgen(js_name = validatePassword, unchecked_return_type = "PasswordValidation")]
pub fn validate_password(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PersonalInfo | undefined")] info: JsValue,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    let info: Info = serde_wasm_bindgen::from_value(info).unwrap_or_default();
    let personal = info.personal();
    let strength = Password::strength(input, &personal);
    let mut v = outcome(Password::parse(input, &personal).map(|_| String::new()), lang_of(lang));
    v.value = None;
    v.score = Some(strength.score);
    v.bits = Some(strength.bits);
    v.server_also_checks = Some(if netid_core::validate::CHECKS_BREACHED { vec![] } else { vec!["breached"] });
    to_js(&v)
}

#[derive(Serialize)]
struct FieldError {
    field: &'static str,
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    message: &'static str,
}

#[derive(Serialize)]
struct SignupValidation {
    ok: bool,
    errors: Vec<FieldError>,
    score: u8,
}

/// Validates a whole signup form at once: every field's error, not just the first.
#[wasm_bindgen(js_name = validateSignup, unchecked_return_type = "SignupValidation")]
pub fn validate_signup(
    #[wasm_bindgen(unchecked_param_type = "SignupForm")] form: JsValue,
    lang: Option<String>,
) -> JsValue {
    let lang = lang_of(lang);
    let field_error = |e: &Error| FieldError {
        field: e.field.unwrap_or("form"),
        code: e.code.code(),
        reason: e.code.reason(),
        message: e.message(lang),
    };
    // Read as the server reads the request's body (core's SignupInput): an unknown key
    // (`firstName`), a missing field or a wrong type is the server's `invalid_request`.
    let form: SignupInput = match serde_wasm_bindgen::from_value(form) {
        Ok(f) => f,
        Err(_) => {
            let e = Error::new(Code::InvalidRequest);
            return to_js(&SignupValidation { ok: false, errors: vec![field_error(&e)], score: 0 });
        }
    };
    // The server's own rule (core's signup_errors): every field's error, not just the first.
    let errors: Vec<FieldError> = netid_core::flows::signup_errors(&form).iter().map(field_error).collect();
    let personal = PersonalInfo {
        email: form.email.as_deref().map(str::trim),
        phone: form.phone.as_deref().map(str::trim),
        first_name: Some(form.first_name.trim()),
        last_name: Some(form.last_name.trim()),
    };
    let score = Password::strength(&form.password, &personal).score;
    to_js(&SignupValidation { ok: errors.is_empty(), errors, score })
}

/// The message of an API error code in `lang` (`reason` picks among `weak_password`'s).
/// Unknown codes get the generic `internal_error` message.
#[wasm_bindgen]
pub fn message(code: &str, lang: Option<String>, reason: Option<String>) -> String {
    let lang = lang_of(lang);
    let found = Code::ALL
        .into_iter()
        .find(|c| c.code() == code && (reason.is_none() || c.reason() == reason.as_deref()))
        .or_else(|| Code::from_code(code))
        .unwrap_or(Code::Internal);
    found.message(lang).to_string()
}

/// The best supported language for an `Accept-Language`-style list such as
/// `navigator.languages.join(",")`.
#[wasm_bindgen(js_name = negotiateLanguage, unchecked_return_type = "Lang")]
pub fn negotiate_language(header: &str) -> String {
    Lang::negotiate(header).tag().to_string()
}

/// Every error code the API can answer with.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "string[]")]
pub fn error_codes() -> JsValue {
    let mut codes: Vec<&str> = Code::ALL.iter().map(|c| c.code()).collect();
    codes.dedup();
    to_js(&codes)
}

#[derive(Serialize)]
struct InviteeCheck {
    input: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'static str>,
}

#[derive(Serialize)]
struct MassInvitation {
    ok: bool,
    entries: Vec<InviteeCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'static str>,
}

/// Splits a mass-invitation text exactly as the server does (spaces, commas, semicolons,
/// new lines; deduplicated) and checks each address, so the page shows per-address errors
/// before sending. `ok` is true when every entry is valid.
#[wasm_bindgen(js_name = parseInvitees, unchecked_return_type = "MassInvitation")]
pub fn parse_invitees(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue, lang: Option<String>) -> JsValue {
    let text = &text_of(&text);
    let lang = lang_of(lang);
    let out = match parse_mass(text) {
        Ok(entries) => {
            let entries: Vec<InviteeCheck> = entries
                .into_iter()
                .map(|e| match e.parsed {
                    Ok(i) => InviteeCheck {
                        input: e.input,
                        ok: true,
                        value: Some(i.as_str().to_string()),
                        code: None,
                        message: None,
                    },
                    Err(err) => InviteeCheck {
                        input: e.input,
                        ok: false,
                        value: None,
                        code: Some(err.code.code()),
                        message: Some(err.message(lang)),
                    },
                })
                .collect();
            MassInvitation {
                ok: !entries.is_empty() && entries.iter().all(|e| e.ok),
                entries,
                code: None,
                message: None,
            }
        }
        Err(e) => {
            MassInvitation { ok: false, entries: Vec::new(), code: Some(e.code.code()), message: Some(e.message(lang)) }
        }
    };
    to_js(&out)
}

/// Validates an account (workspace) name.
#[wasm_bindgen(js_name = validateAccountName, unchecked_return_type = "Validation")]
pub fn validate_account_name(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    to_js(&outcome(AccountName::parse(input).map(|n| n.as_str().to_string()), lang_of(lang)))
}

/// Validates free text others see (a position, a department's or group's name) as the
/// server does: trimmed, at most `max` characters (default 100; characters, not UTF-16
/// units), no control or invisible character (`invalid_text`). Blank is valid and has no
/// `value`.
#[wasm_bindgen(js_name = validateText, unchecked_return_type = "Validation")]
pub fn validate_text(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    max: Option<u32>,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    let max = max.map_or(netid_core::validate::TEXT_MAX, |m| m as usize);
    let parsed = netid_core::validate::parse_text(input, "text", max);
    let lang = lang_of(lang);
    to_js(&match parsed {
        Ok(Some(v)) => outcome(Ok(v), lang),
        Ok(None) => Validation { ok: true, ..Validation::default() },
        Err(e) => outcome(Err(e), lang),
    })
}

/// Validates a department's or group's name among its siblings' names, as the server does:
/// given, valid text of at most 100 characters (`invalid_text`), and not a sibling's name
/// once both are trimmed and lowercased by Unicode's rules (`name_taken`; "Équipe" and
/// "ÉQUIPE" are one name). `field` is `name`.
#[wasm_bindgen(js_name = validateSiblingName, unchecked_return_type = "Validation")]
pub fn validate_sibling_name(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    siblings: Vec<String>,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    let parsed = netid_core::validate::sibling_name(input, siblings.iter().map(String::as_str));
    to_js(&outcome(parsed, lang_of(lang)))
}

/// Checks a photo before upload from what the page knows (`File.type`, `File.size`): PNG,
/// JPEG or WebP of at most 5 MB. The server also checks the bytes, and the dimensions their
/// header declares (at most 40 megapixels).
#[wasm_bindgen(js_name = validatePhoto, unchecked_return_type = "Validation")]
pub fn validate_photo(content_type: &str, size: f64, lang: Option<String>) -> JsValue {
    let size = if size.is_finite() && size >= 0.0 { size as usize } else { 0 };
    to_js(&outcome(check_photo_meta(content_type, size).map(str::to_string), lang_of(lang)))
}

/// The RFC 6238 code (HMAC-SHA-1, 30 s) of a base32 secret at `unix` seconds, with `digits`
/// digits (6 by default): the same computation the server checks codes with.
#[wasm_bindgen(js_name = totpCode)]
pub fn totp_code(secret_base32: &str, unix: f64, digits: Option<u8>) -> Option<String> {
    let secret = netid_core::totp::from_base32(secret_base32)?;
    if !unix.is_finite() || unix < 0.0 {
        return None;
    }
    netid_core::totp::code_at(&secret, unix as u64, digits.unwrap_or(netid_core::totp::DIGITS))
}

/// A code from an authenticator app: 6 digits (spaces allowed), else `invalid_otp`.
#[wasm_bindgen(js_name = validateOtp, unchecked_return_type = "Validation")]
pub fn validate_otp(#[wasm_bindgen(unchecked_param_type = "string")] input: JsValue, lang: Option<String>) -> JsValue {
    let input = &text_of(&input);
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let ok = digits.len() == usize::from(netid_core::totp::DIGITS) && digits.bytes().all(|b| b.is_ascii_digit());
    let r = if ok { Ok(digits) } else { Err(netid_core::Error::field(netid_core::Code::InvalidOtp, "otp")) };
    to_js(&outcome(r, lang_of(lang)))
}

/// A recovery code (`xxxx-xxxx-xxxx-xxxx`, any case, dashes optional), else `invalid_otp`.
#[wasm_bindgen(js_name = validateRecoveryCode, unchecked_return_type = "Validation")]
pub fn validate_recovery_code(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    lang: Option<String>,
) -> JsValue {
    let input = &text_of(&input);
    let r = netid_core::totp::normalize_recovery_code(input)
        .ok_or_else(|| netid_core::Error::field(netid_core::Code::InvalidRecoveryCode, "recovery_code"));
    to_js(&outcome(r, lang_of(lang)))
}

/// A QR code of `text` (the `otpauth://` URI of a setup) as an SVG path: `{size, path}`, one
/// unit per module, without the quiet zone. Drawn in the page, so the secret never leaves it
/// for a third-party QR service. `null` for text too long for a QR code.
#[wasm_bindgen(js_name = qrPath)]
pub fn qr_path(text: &str) -> JsValue {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return JsValue::NULL;
    };
    let size = qr.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{x} {y}h1v1h-1z"));
            }
        }
    }
    #[derive(serde::Serialize)]
    struct Qr {
        size: i32,
        path: String,
    }
    to_js(&Qr { size, path })
}
