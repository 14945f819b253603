//! The relying party's side of WebAuthn Level 3 (<https://www.w3.org/TR/webauthn-3/>): the
//! browser's `PublicKeyCredential` as JSON, its client data (parsed as JSON, never compared
//! as a string), the authenticator data and its COSE key (CBOR through `coset`, Google's
//! maintained COSE crate, and the `ciborium` it re-exports). The signature of an assertion is
//! checked by a [`Verifier`]: WebCrypto in the Worker, no cryptography of our own.
//!
//! Every check answers a [`Reject`] that says which rule failed (the tests name them); the
//! flows turn any of them into one error, so a caller learns nothing about which.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use coset::cbor::value::Value;
use coset::{iana, Algorithm, CborSerializable, CoseKey, KeyType, Label};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// COSE algorithms netid accepts, in the order it offers them (RFC 9053; RFC 8812 for RS256).
pub const ES256: i64 = -7;
pub const EDDSA: i64 = -8;
pub const RS256: i64 = -257;
pub const ALGORITHMS: [i64; 3] = [ES256, EDDSA, RS256];

/// Authenticator data flags (WebAuthn §6.1).
pub const UP: u8 = 0x01;
pub const UV: u8 = 0x04;
pub const BE: u8 = 0x08;
pub const BS: u8 = 0x10;
pub const AT: u8 = 0x40;
pub const ED: u8 = 0x80;

/// The longest credential id WebAuthn allows.
pub const MAX_CREDENTIAL_ID: usize = 1023;

/// Why a ceremony's answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    /// Not a `PublicKeyCredential` JSON, or a field that does not decode.
    Malformed,
    /// `type` is not `public-key`, or `id` and `rawId` differ.
    CredentialType,
    /// The client data's `type` is not this ceremony's.
    CeremonyType,
    /// The challenge is not one netid issued for this ceremony, or it was used or expired.
    Challenge,
    /// The client data's origin (or top origin) is not the service's, or it was cross-origin.
    Origin,
    /// The authenticator data is for another RP ID.
    RpId,
    /// The user was not present (UP).
    UserPresence,
    /// The user was not verified (UV) where the ceremony requires it.
    UserVerification,
    /// An attestation format other than `none`.
    Attestation,
    /// The credential's key is not one netid accepts, or does not match its algorithm.
    Key,
    /// The signature does not verify.
    Signature,
}

/// The relying party: the service's origin and the RP ID derived from it (its host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    pub id: String,
    pub origin: String,
    pub name: String,
}

impl RelyingParty {
    /// The relying party of a service at `origin` (`https://id.example.org`, or on a
    /// developer's machine `http://localhost:8787`). `None` when the origin cannot be one: an
    /// IP address is no RP ID (WebAuthn §5.1.3), so passkeys need a host name.
    pub fn for_origin(origin: &str, name: &str) -> Option<Self> {
        let url = url::Url::parse(origin).ok()?;
        let host = match url.host()? {
            url::Host::Domain(d) => d.to_string(),
            _ => return None,
        };
        let secure = url.scheme() == "https" || (url.scheme() == "http" && host == "localhost");
        if !secure {
            return None;
        }
        Some(RelyingParty { id: host, origin: url.origin().ascii_serialization(), name: name.to_string() })
    }

    fn id_hash(&self) -> [u8; 32] {
        Sha256::digest(self.id.as_bytes()).into()
    }
}

/// base64url as browsers write it (no padding), also read with padding.
const B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64url(s: &str) -> Option<Vec<u8>> {
    B64.decode(s).ok()
}

/// The browser's `PublicKeyCredential.toJSON()` (WebAuthn §5.1.8, §5.1.10); other members
/// (`clientExtensionResults`, `authenticatorAttachment`, ...) are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct CredentialJson {
    pub id: String,
    #[serde(rename = "rawId")]
    pub raw_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub response: ResponseJson,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ResponseJson {
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    #[serde(rename = "attestationObject", default)]
    pub attestation_object: Option<String>,
    #[serde(rename = "authenticatorData", default)]
    pub authenticator_data: Option<String>,
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(rename = "userHandle", default)]
    pub user_handle: Option<String>,
    #[serde(default)]
    pub transports: Option<Vec<String>>,
}

impl CredentialJson {
    pub fn parse(v: &serde_json::Value) -> Result<Self, Reject> {
        let c: CredentialJson = serde_json::from_value(v.clone()).map_err(|_| Reject::Malformed)?;
        if c.kind != "public-key" {
            return Err(Reject::CredentialType);
        }
        let raw = c.raw_id_bytes()?;
        if unb64url(&c.id).as_deref() != Some(raw.as_slice()) {
            return Err(Reject::CredentialType);
        }
        Ok(c)
    }

    pub fn raw_id_bytes(&self) -> Result<Vec<u8>, Reject> {
        let raw = unb64url(&self.raw_id).ok_or(Reject::Malformed)?;
        if raw.is_empty() || raw.len() > MAX_CREDENTIAL_ID {
            return Err(Reject::Malformed);
        }
        Ok(raw)
    }

    /// The credential id in the form netid stores it (canonical base64url).
    pub fn credential_id(&self) -> Result<String, Reject> {
        self.raw_id_bytes().map(|b| b64url(&b))
    }
}

/// The client data a ceremony checked: its challenge (canonical base64url) and raw bytes.
#[derive(Debug, Clone)]
pub struct ClientData {
    pub challenge: String,
    pub raw: Vec<u8>,
}

#[derive(Deserialize)]
struct CollectedClientData {
    #[serde(rename = "type")]
    kind: String,
    challenge: String,
    origin: String,
    #[serde(rename = "crossOrigin", default)]
    cross_origin: Option<bool>,
    #[serde(rename = "topOrigin", default)]
    top_origin: Option<String>,
}

/// Checks the client data of a `webauthn.create` or `webauthn.get` ceremony (WebAuthn
/// §7.1 steps 5-9, §7.2 steps 10-13): its type, its origin (the service's, not
/// cross-origin), and answers its challenge for the caller to spend.
pub fn client_data(c: &CredentialJson, ceremony: &str, rp: &RelyingParty) -> Result<ClientData, Reject> {
    let raw = unb64url(&c.response.client_data_json).ok_or(Reject::Malformed)?;
    let cd: CollectedClientData = serde_json::from_slice(&raw).map_err(|_| Reject::Malformed)?;
    if cd.kind != ceremony {
        return Err(Reject::CeremonyType);
    }
    if cd.origin != rp.origin || cd.cross_origin == Some(true) || cd.top_origin.is_some_and(|t| t != rp.origin) {
        return Err(Reject::Origin);
    }
    let challenge = unb64url(&cd.challenge).filter(|b| (16..=64).contains(&b.len())).ok_or(Reject::Challenge)?;
    Ok(ClientData { challenge: b64url(&challenge), raw })
}

/// Parsed authenticator data (WebAuthn §6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthData {
    pub rp_id_hash: [u8; 32],
    pub flags: u8,
    pub sign_count: u32,
    pub attested: Option<Attested>,
}

/// The attested credential data of a registration (WebAuthn §6.5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    pub aaguid: [u8; 16],
    pub credential_id: Vec<u8>,
    /// The COSE key, exactly its CBOR bytes.
    pub public_key: Vec<u8>,
}

/// The length of the one CBOR item at the start of `bytes` (decoded by ciborium, which
/// reads no further than the item).
fn cbor_item(bytes: &[u8]) -> Option<(Value, usize)> {
    let mut rest = bytes;
    let v: Value = coset::cbor::de::from_reader(&mut rest).ok()?;
    Some((v, bytes.len() - rest.len()))
}

impl AuthData {
    pub fn parse(raw: &[u8]) -> Result<Self, Reject> {
        let bad = Reject::Malformed;
        if raw.len() < 37 {
            return Err(bad);
        }
        let rp_id_hash: [u8; 32] = raw[..32].try_into().map_err(|_| bad)?;
        let flags = raw[32];
        let sign_count = u32::from_be_bytes(raw[33..37].try_into().map_err(|_| bad)?);
        // BS (backed up) without BE (backup eligible) is not a state an authenticator can be in.
        if flags & BS != 0 && flags & BE == 0 {
            return Err(bad);
        }
        let mut at = 37;
        let mut attested = None;
        if flags & AT != 0 {
            let head = raw.get(at..at + 18).ok_or(bad)?;
            let aaguid: [u8; 16] = head[..16].try_into().map_err(|_| bad)?;
            let len = usize::from(u16::from_be_bytes([head[16], head[17]]));
            at += 18;
            if len == 0 || len > MAX_CREDENTIAL_ID {
                return Err(bad);
            }
            let credential_id = raw.get(at..at + len).ok_or(bad)?.to_vec();
            at += len;
            let (_, n) = cbor_item(raw.get(at..).ok_or(bad)?).ok_or(bad)?;
            let public_key = raw[at..at + n].to_vec();
            at += n;
            attested = Some(Attested { aaguid, credential_id, public_key });
        }
        if flags & ED != 0 {
            let (v, n) = cbor_item(raw.get(at..).ok_or(bad)?).ok_or(bad)?;
            if !matches!(v, Value::Map(_)) {
                return Err(bad);
            }
            at += n;
        }
        if at != raw.len() {
            return Err(bad);
        }
        Ok(AuthData { rp_id_hash, flags, sign_count, attested })
    }

    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// The checks every ceremony makes (WebAuthn §7.1 steps 13-15, §7.2 steps 15-17): the
    /// RP ID's hash, the user's presence, and their verification when required.
    fn check(&self, rp: &RelyingParty, uv_required: bool) -> Result<(), Reject> {
        if self.rp_id_hash != rp.id_hash() {
            return Err(Reject::RpId);
        }
        if !self.has(UP) {
            return Err(Reject::UserPresence);
        }
        if uv_required && !self.has(UV) {
            return Err(Reject::UserVerification);
        }
        Ok(())
    }
}

/// A credential's public key, from its COSE form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialKey {
    /// ES256: ECDSA on P-256 with SHA-256.
    P256 { x: Vec<u8>, y: Vec<u8> },
    /// EdDSA on Ed25519.
    Ed25519 { x: Vec<u8> },
    /// RS256: RSASSA-PKCS1-v1_5 with SHA-256.
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

fn param(key: &CoseKey, label: i64) -> Option<&Value> {
    key.params.iter().find(|(l, _)| *l == Label::Int(label)).map(|(_, v)| v)
}

fn bytes(key: &CoseKey, label: i64) -> Option<Vec<u8>> {
    match param(key, label)? {
        Value::Bytes(b) => Some(b.clone()),
        _ => None,
    }
}

fn int(key: &CoseKey, label: i64) -> Option<i64> {
    match param(key, label)? {
        Value::Integer(i) => i64::try_from(*i).ok(),
        _ => None,
    }
}

impl CredentialKey {
    /// The key of a COSE_Key (RFC 9052 §7) whose algorithm netid accepts, with that
    /// algorithm; the key type, curve and sizes must match it.
    pub fn from_cose(cbor: &[u8]) -> Result<(i64, CredentialKey), Reject> {
        let key = CoseKey::from_slice(cbor).map_err(|_| Reject::Key)?;
        let alg = match key.alg {
            Some(Algorithm::Assigned(iana::Algorithm::ES256)) => ES256,
            Some(Algorithm::Assigned(iana::Algorithm::EdDSA)) => EDDSA,
            Some(Algorithm::Assigned(iana::Algorithm::RS256)) => RS256,
            _ => return Err(Reject::Key),
        };
        let k = match (alg, &key.kty) {
            (ES256, KeyType::Assigned(iana::KeyType::EC2)) => {
                let (x, y) = (bytes(&key, -2), bytes(&key, -3));
                match (int(&key, -1), x, y) {
                    (Some(1), Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => CredentialKey::P256 { x, y },
                    _ => return Err(Reject::Key),
                }
            }
            (EDDSA, KeyType::Assigned(iana::KeyType::OKP)) => match (int(&key, -1), bytes(&key, -2)) {
                (Some(6), Some(x)) if x.len() == 32 => CredentialKey::Ed25519 { x },
                _ => return Err(Reject::Key),
            },
            (RS256, KeyType::Assigned(iana::KeyType::RSA)) => match (bytes(&key, -1), bytes(&key, -2)) {
                // 2048 to 4096 bits, an exponent of at most 64 bits.
                (Some(n), Some(e)) if (256..=512).contains(&n.len()) && (1..=8).contains(&e.len()) => {
                    CredentialKey::Rsa { n, e }
                }
                _ => return Err(Reject::Key),
            },
            _ => return Err(Reject::Key),
        };
        Ok((alg, k))
    }

    /// The key as a JWK (RFC 7517), for WebCrypto's `importKey`.
    pub fn jwk(&self) -> serde_json::Value {
        match self {
            CredentialKey::P256 { x, y } => {
                serde_json::json!({"kty": "EC", "crv": "P-256", "x": b64url(x), "y": b64url(y)})
            }
            CredentialKey::Ed25519 { x } => serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": b64url(x)}),
            CredentialKey::Rsa { n, e } => {
                serde_json::json!({"kty": "RSA", "alg": "RS256", "n": b64url(n), "e": b64url(e)})
            }
        }
    }
}

/// An ECDSA signature as authenticators send it (ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }`,
/// WebAuthn §6.5.6) in the fixed form WebCrypto verifies (`r || s`, 32 bytes each). Strict
/// DER: minimal lengths and integers, positive, nothing after.
pub fn p256_raw_signature(der: &[u8]) -> Option<[u8; 64]> {
    fn integer(b: &[u8]) -> Option<(&[u8], &[u8])> {
        let (&tag, rest) = b.split_first()?;
        let (&len, rest) = rest.split_first()?;
        let len = usize::from(len);
        if tag != 0x02 || len == 0 || len > 33 || rest.len() < len {
            return None;
        }
        let (v, rest) = rest.split_at(len);
        // Positive and minimal: a leading zero only before a byte with its top bit set.
        if v[0] & 0x80 != 0 || (v[0] == 0 && (len == 1 || v[1] & 0x80 == 0)) {
            return None;
        }
        let v = if v[0] == 0 { &v[1..] } else { v };
        (v.len() <= 32).then_some((v, rest))
    }
    let (&tag, rest) = der.split_first()?;
    let (&len, body) = rest.split_first()?;
    if tag != 0x30 || len >= 0x80 || usize::from(len) != body.len() {
        return None;
    }
    let (r, rest) = integer(body)?;
    let (s, rest) = integer(rest)?;
    if !rest.is_empty() {
        return None;
    }
    let mut out = [0u8; 64];
    out[32 - r.len()..32].copy_from_slice(r);
    out[64 - s.len()..].copy_from_slice(s);
    Some(out)
}

/// Verifies signatures: WebCrypto (`crypto.subtle.verify`) in the Worker.
#[allow(async_fn_in_trait)]
pub trait Verifier {
    /// Whether `signature` is `key`'s over `message` (for ES256, a DER signature as the
    /// authenticator sent it). An error only when the verifier itself fails.
    async fn verify(&self, key: &CredentialKey, message: &[u8], signature: &[u8]) -> crate::Result<bool>;
}

/// A new credential a registration proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    pub credential_id: Vec<u8>,
    pub public_key: Vec<u8>,
    pub alg: i64,
    pub aaguid: [u8; 16],
    pub sign_count: u32,
    pub backup_eligible: bool,
    pub backed_up: bool,
    pub transports: Vec<String>,
}

/// Checks a registration's attestation object (WebAuthn §7.1 steps 11-25) after its client
/// data: format `none` only (netid asks for no attestation), the RP ID, user presence and
/// verification, a credential id that is the `rawId`, and a key of an accepted algorithm.
pub fn registration(c: &CredentialJson, rp: &RelyingParty) -> Result<NewCredential, Reject> {
    let obj = c.response.attestation_object.as_deref().and_then(unb64url).ok_or(Reject::Malformed)?;
    let (v, n) = cbor_item(&obj).ok_or(Reject::Malformed)?;
    let Value::Map(entries) = v else { return Err(Reject::Malformed) };
    if n != obj.len() {
        return Err(Reject::Malformed);
    }
    let get = |k: &str| entries.iter().find(|(key, _)| matches!(key, Value::Text(t) if t == k)).map(|(_, v)| v);
    let (Some(Value::Text(fmt)), Some(Value::Map(stmt)), Some(Value::Bytes(auth))) =
        (get("fmt"), get("attStmt"), get("authData"))
    else {
        return Err(Reject::Malformed);
    };
    if fmt != "none" || !stmt.is_empty() {
        return Err(Reject::Attestation);
    }
    let data = AuthData::parse(auth)?;
    data.check(rp, true)?;
    let att = data.attested.ok_or(Reject::Malformed)?;
    if att.credential_id != c.raw_id_bytes()? {
        return Err(Reject::CredentialType);
    }
    let (alg, _) = CredentialKey::from_cose(&att.public_key)?;
    let transports = c.response.transports.clone().unwrap_or_default();
    let transports = transports
        .into_iter()
        .filter(|t| matches!(t.as_str(), "usb" | "nfc" | "ble" | "smart-card" | "hybrid" | "internal"))
        .collect();
    Ok(NewCredential {
        credential_id: att.credential_id,
        public_key: att.public_key,
        alg,
        aaguid: att.aaguid,
        sign_count: data.sign_count,
        backup_eligible: data.flags & BE != 0,
        backed_up: data.flags & BS != 0,
        transports,
    })
}

/// An assertion's parts, decoded (WebAuthn §7.2): what it says and what was signed.
#[derive(Debug, Clone)]
pub struct Assertion {
    pub data: AuthData,
    pub user_handle: Option<Vec<u8>>,
    /// `authenticatorData || SHA-256(clientDataJSON)`.
    pub signed: Vec<u8>,
    pub signature: Vec<u8>,
}

impl Assertion {
    pub fn parse(c: &CredentialJson, client: &ClientData) -> Result<Self, Reject> {
        let auth = c.response.authenticator_data.as_deref().and_then(unb64url).ok_or(Reject::Malformed)?;
        let signature = c.response.signature.as_deref().and_then(unb64url).ok_or(Reject::Malformed)?;
        let user_handle = match c.response.user_handle.as_deref() {
            None | Some("") => None,
            Some(h) => Some(unb64url(h).ok_or(Reject::Malformed)?),
        };
        let data = AuthData::parse(&auth)?;
        if data.attested.is_some() {
            return Err(Reject::Malformed);
        }
        let mut signed = auth;
        signed.extend_from_slice(&Sha256::digest(&client.raw));
        Ok(Assertion { data, user_handle, signed, signature })
    }

    /// The RP ID, presence and (when required) verification, then the signature under the
    /// stored key (WebAuthn §7.2 steps 15-21).
    pub async fn verify(
        &self,
        rp: &RelyingParty,
        uv_required: bool,
        public_key: &[u8],
        verifier: &impl Verifier,
    ) -> crate::Result<Result<(), Reject>> {
        if let Err(r) = self.data.check(rp, uv_required) {
            return Ok(Err(r));
        }
        let Ok((_, key)) = CredentialKey::from_cose(public_key) else {
            return Ok(Err(Reject::Key));
        };
        Ok(if verifier.verify(&key, &self.signed, &self.signature).await? { Ok(()) } else { Err(Reject::Signature) })
    }
}

/// The AAGUID in its usual form (`ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4`).
pub fn aaguid_string(a: &[u8; 16]) -> String {
    let h = hex::encode(a);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// The names of well-known authenticator models by AAGUID (the passkey providers' own
/// published ids); `None` for others (all zeros: the authenticator did not say).
pub fn authenticator_name(aaguid: &str) -> Option<&'static str> {
    Some(match aaguid {
        "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4" => "Google Password Manager",
        "adce0002-35bc-c60a-648b-0b25f1f05503" => "Chrome on Mac",
        "fbfc3007-154e-4ecc-8c0b-6e020557d7bd" => "iCloud Keychain",
        "dd4ec289-e01d-41c9-bb89-70fa845d4bf2" => "iCloud Keychain (Managed)",
        "08987058-cadc-4b81-b6e1-30de50dcbe96"
        | "9ddd1817-af5a-4672-a2b9-3e3dd95000a9"
        | "6028b017-b1d4-4c02-b4b3-afcdafc96bb2" => "Windows Hello",
        "bada5566-a7aa-401f-bd96-45619a55120d" => "1Password",
        "d548826e-79b4-db40-a3d8-11116f7e8349" => "Bitwarden",
        "531126d6-e717-415c-9320-3d9aa6981239" => "Dashlane",
        "b84e4048-15dc-4dd0-8640-f4f60813c8af" => "NordPass",
        "53414d53-554e-4700-0000-000000000000" => "Samsung Pass",
        "cb69481e-8ff7-4039-93ec-0a2729a154a8" | "ee882879-721c-4913-9775-3dfcce97072a" => "YubiKey 5",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_signatures_convert_strictly() {
        // r with a leading zero (top bit set), s short: both padded to 32 bytes.
        let mut r = vec![0u8];
        r.extend([0x80; 32]);
        let s = vec![0x01, 0x02];
        let mut der = vec![0x30, (2 + r.len() + 2 + s.len()) as u8, 0x02, r.len() as u8];
        der.extend(&r);
        der.extend([0x02, s.len() as u8]);
        der.extend(&s);
        let raw = p256_raw_signature(&der).expect("valid DER");
        assert_eq!(&raw[..32], &[0x80; 32]);
        assert_eq!(&raw[62..], &[0x01, 0x02]);
        assert!(raw[32..62].iter().all(|&b| b == 0));
        // Trailing bytes, a wrong length, a negative or non-minimal integer: refused.
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(p256_raw_signature(&trailing), None);
        assert_eq!(p256_raw_signature(&[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]), None);
        assert_eq!(p256_raw_signature(&[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]), None);
        assert_eq!(p256_raw_signature(&[0x30, 0x05, 0x02, 0x01, 0x01, 0x02, 0x01]), None);
        assert_eq!(p256_raw_signature(&[]), None);
    }

    #[test]
    fn relying_party_is_the_host_of_a_secure_origin() {
        let rp = RelyingParty::for_origin("http://localhost:8787", "netid").expect("localhost");
        assert_eq!((rp.id.as_str(), rp.origin.as_str()), ("localhost", "http://localhost:8787"));
        let rp = RelyingParty::for_origin("https://id.example.org/", "netid").expect("https");
        assert_eq!((rp.id.as_str(), rp.origin.as_str()), ("id.example.org", "https://id.example.org"));
        assert_eq!(RelyingParty::for_origin("http://127.0.0.1:8787", "netid"), None);
        assert_eq!(RelyingParty::for_origin("http://id.example.org", "netid"), None);
    }

    #[test]
    fn authenticator_data_is_read_exactly() {
        assert_eq!(AuthData::parse(&[0; 36]), Err(Reject::Malformed));
        let mut raw = vec![7u8; 32];
        raw.push(UP | UV);
        raw.extend(5u32.to_be_bytes());
        let d = AuthData::parse(&raw).expect("minimal");
        assert_eq!((d.flags, d.sign_count, d.attested), (UP | UV, 5, None));
        // Trailing bytes, or BS without BE, are refused.
        let mut trailing = raw.clone();
        trailing.push(0);
        assert_eq!(AuthData::parse(&trailing), Err(Reject::Malformed));
        let mut bs = raw.clone();
        bs[32] |= BS;
        assert_eq!(AuthData::parse(&bs), Err(Reject::Malformed));
    }
}
