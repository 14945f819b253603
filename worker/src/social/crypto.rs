//! Signatures through the platform's WebCrypto (`crypto.subtle`): verifying RS256
//! (RSASSA-PKCS1-v1_5 with SHA-256) and ES256 (ECDSA P-256 with SHA-256) ID tokens with a
//! JWK, and signing Apple's client secret (ES256). No cryptography is written here: the keys
//! are imported as the JWK or PKCS#8 they are and workerd does the math.

use super::AppleKey;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use js_sys::{Array, Object, Reflect, Uint8Array};
use netid_core::social::jwt::Alg;
use netid_core::{Code, Error};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn fail(what: &str, e: JsValue) -> Error {
    Error::internal(format!("webcrypto {what}: {}", e.as_string().unwrap_or_else(|| format!("{e:?}"))))
}

fn subtle() -> Result<Object, Error> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(|e| fail("crypto", e))?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(|e| fail("subtle", e))?;
    subtle.dyn_into::<Object>().map_err(|e| fail("subtle", e))
}

fn obj(pairs: &[(&str, JsValue)]) -> Result<Object, Error> {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).map_err(|e| fail("object", e))?;
    }
    Ok(o)
}

async fn call(method: &str, args: &[JsValue]) -> Result<JsValue, Error> {
    let subtle = subtle()?;
    let f = Reflect::get(&subtle, &method.into()).map_err(|e| fail(method, e))?;
    let f: js_sys::Function = f.dyn_into().map_err(|e| fail(method, e))?;
    let promise = f.apply(&subtle, &args.iter().cloned().collect::<Array>()).map_err(|e| fail(method, e))?;
    JsFuture::from(js_sys::Promise::from(promise)).await.map_err(|e| fail(method, e))
}

fn algorithm(alg: Alg) -> Result<(Object, Object), Error> {
    Ok(match alg {
        Alg::Rs256 => {
            let a = obj(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", "SHA-256".into())])?;
            (a.clone(), a)
        }
        Alg::Es256 => (
            obj(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())])?,
            obj(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())])?,
        ),
    })
}

/// Whether `signature` over `input` verifies with the JWK `key` (public members only are
/// passed to the platform). A key the platform will not import verifies nothing.
pub async fn verify(key: &Value, alg: Alg, input: &[u8], signature: &[u8]) -> Result<bool, Error> {
    let public = match alg {
        Alg::Rs256 => serde_json::json!({"kty": "RSA", "n": key["n"], "e": key["e"]}),
        Alg::Es256 => serde_json::json!({"kty": "EC", "crv": "P-256", "x": key["x"], "y": key["y"]}),
    };
    let jwk = js_sys::JSON::parse(&public.to_string()).map_err(|e| fail("jwk", e))?;
    let (import_alg, verify_alg) = algorithm(alg)?;
    let usages: Array = [JsValue::from_str("verify")].into_iter().collect();
    let imported = call("importKey", &["jwk".into(), jwk, import_alg.into(), false.into(), usages.into()]).await;
    let Ok(crypto_key) = imported else {
        worker::console_warn!("social: a JWKS key could not be imported");
        return Ok(false);
    };
    let sig = Uint8Array::from(signature);
    let data = Uint8Array::from(input);
    let ok = call("verify", &[verify_alg.into(), crypto_key, sig.into(), data.into()]).await?;
    Ok(ok.as_bool() == Some(true))
}

/// Apple's client secret: a JWT signed ES256 with the developer's key (header `kid`; claims
/// `iss` = team id, `sub` = client id, `aud` = Apple's issuer, `iat`, `exp` within 6 months:
/// here 5 minutes, made per exchange).
pub async fn apple_client_secret(k: &AppleKey, client_id: &str, audience: &str, now: i64) -> Result<String, Error> {
    let header = serde_json::json!({"alg": "ES256", "kid": k.key_id});
    let claims = serde_json::json!({"iss": k.team_id, "sub": client_id, "aud": audience, "iat": now, "exp": now + 300});
    let input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let der =
        pem_body(&k.private_key_pem).ok_or_else(|| Error::internal("SOCIAL_APPLE_PRIVATE_KEY is not a PKCS#8 PEM"))?;
    let (import_alg, sign_alg) = algorithm(Alg::Es256)?;
    let usages: Array = [JsValue::from_str("sign")].into_iter().collect();
    let key = call(
        "importKey",
        &["pkcs8".into(), Uint8Array::from(der.as_slice()).into(), import_alg.into(), false.into(), usages.into()],
    )
    .await?;
    let sig = call("sign", &[sign_alg.into(), key, Uint8Array::from(input.as_bytes()).into()]).await?;
    let sig = Uint8Array::new(&sig).to_vec();
    if sig.len() != 64 {
        return Err(Error::new(Code::Internal));
    }
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
}

/// The DER bytes of a PKCS#8 key: a `-----BEGIN PRIVATE KEY-----` PEM (newlines may arrive
/// as `\n`), or its base64 body alone (a Worker variable holds no line breaks).
fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let pem = pem.replace("\\n", "\n");
    const BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
    let body = match (pem.find(BEGIN), pem.find("-----END PRIVATE KEY-----")) {
        (Some(start), Some(end)) => pem.get(start + BEGIN.len()..end)?,
        (None, None) => pem.as_str(),
        _ => return None,
    };
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(b64).ok()
}
