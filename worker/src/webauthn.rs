//! Passkey signatures through WebCrypto (`crypto.subtle.verify`): ES256 (the authenticator's
//! DER signature converted to `r || s` by core), EdDSA on Ed25519, RS256. The key comes as
//! the JWK core derived from the stored COSE key. No cryptography of our own.

use crate::oidc::{call, obj, subtle_import_key, subtle_verify, to_js, usages};
use js_sys::Uint8Array;
use netid_core::webauthn::{p256_raw_signature, CredentialKey, RelyingParty, Verifier};
use netid_core::{Code, Error};
use wasm_bindgen::JsValue;

pub struct WebCrypto;

impl Verifier for WebCrypto {
    async fn verify(&self, key: &CredentialKey, message: &[u8], signature: &[u8]) -> netid_core::Result<bool> {
        let (import, verify, sig) = match key {
            CredentialKey::P256 { .. } => {
                let Some(raw) = p256_raw_signature(signature) else { return Ok(false) };
                (
                    obj(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())]),
                    obj(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())]),
                    raw.to_vec(),
                )
            }
            CredentialKey::Ed25519 { .. } => {
                (obj(&[("name", "Ed25519".into())]), obj(&[("name", "Ed25519".into())]), signature.to_vec())
            }
            CredentialKey::Rsa { .. } => (
                obj(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", "SHA-256".into())]),
                obj(&[("name", "RSASSA-PKCS1-v1_5".into())]),
                signature.to_vec(),
            ),
        };
        // A stored key WebCrypto will not import (not a point on the curve) verifies nothing.
        let Ok(imported) =
            call(subtle_import_key("jwk", &to_js(&key.jwk())?, &import, false, &usages(&["verify"])), "import").await
        else {
            return Ok(false);
        };
        let ok: JsValue = match call(
            subtle_verify(&verify, &imported, &Uint8Array::from(sig.as_slice()), &Uint8Array::from(message)),
            "verify",
        )
        .await
        {
            Ok(v) => v,
            Err(_) => return Ok(false),
        };
        Ok(ok.as_bool() == Some(true))
    }
}

/// The relying party of this service: `PUBLIC_ORIGIN` when set, else the origin the request
/// reached. An origin on an IP address can have no passkeys (it is no RP ID): those
/// requests answer `invalid_passkey`, and the pages offer passkeys only on a host name.
pub fn relying_party(req: &worker::Request, ctx: &crate::ctx::Ctx) -> Result<RelyingParty, Error> {
    let origin = crate::api::provider::issuer(req, ctx)?;
    RelyingParty::for_origin(&origin, "netid").ok_or_else(|| Error::field(Code::InvalidPasskey, "origin"))
}
