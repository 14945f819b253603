//! The provider's keys and JWTs: ES256 through WebCrypto (`crypto.subtle`), no cryptography
//! of our own. Keys are made here, their private half sealed with the service's key (the
//! two-factor key, `totp::seal`, bound to the kid) and stored through core; each isolate
//! keeps the imported keys for a minute.

use crate::ctx::Ctx;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use netid_core::flows::provider;
use netid_core::model::SigningKey;
use netid_core::store::Store;
use netid_core::{totp, Code, Error};
use serde_json::Value;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = generateKey)]
    fn subtle_generate_key(alg: &JsValue, extractable: bool, usages: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = exportKey)]
    fn subtle_export_key(format: &str, key: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = importKey)]
    pub(crate) fn subtle_import_key(
        format: &str,
        data: &JsValue,
        alg: &JsValue,
        extractable: bool,
        usages: &JsValue,
    ) -> Promise;
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = sign)]
    fn subtle_sign(alg: &JsValue, key: &JsValue, data: &Uint8Array) -> Promise;
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = verify)]
    pub(crate) fn subtle_verify(alg: &JsValue, key: &JsValue, signature: &Uint8Array, data: &Uint8Array) -> Promise;
}

fn internal(what: &str) -> Error {
    Error::internal(what)
}

pub(crate) fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn ec_params() -> JsValue {
    obj(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())])
}

fn ecdsa_sha256() -> JsValue {
    obj(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())])
}

pub(crate) fn usages(u: &[&str]) -> JsValue {
    u.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into()
}

pub(crate) async fn call(p: Promise, what: &str) -> Result<JsValue, Error> {
    JsFuture::from(p).await.map_err(|_| internal(what))
}

fn jwk_value(v: &JsValue) -> Result<Value, Error> {
    let text = js_sys::JSON::stringify(v).map_err(|_| internal("jwk"))?;
    serde_json::from_str(&String::from(text)).map_err(|_| internal("jwk"))
}

pub(crate) fn to_js(v: &Value) -> Result<JsValue, Error> {
    js_sys::JSON::parse(&v.to_string()).map_err(|_| internal("jwk"))
}

/// A key as this isolate holds it.
#[derive(Clone)]
pub struct Loaded {
    record: SigningKey,
    public: JsValue,
    private: Option<JsValue>,
}

struct Cache {
    loaded_at: i64,
    keys: Vec<Loaded>,
}

thread_local! {
    static KEYS: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

/// How long an isolate trusts its copy of the keys.
const CACHE_SECONDS: i64 = 60;

fn sealing_key(ctx: &Ctx) -> Result<[u8; 32], Error> {
    ctx.config.two_factor_key.ok_or_else(|| internal("TWO_FACTOR_KEY is not set: the provider cannot seal its keys"))
}

fn aad(kid: &str) -> String {
    format!("signing-key:{kid}")
}

async fn load(ctx: &Ctx, records: Vec<SigningKey>) -> Result<Vec<Loaded>, Error> {
    let key = sealing_key(ctx)?;
    let mut out = Vec::new();
    for r in records {
        let public_jwk: Value = serde_json::from_str(&r.public_jwk).map_err(|_| internal("jwk"))?;
        let public =
            call(subtle_import_key("jwk", &to_js(&public_jwk)?, &ec_params(), true, &usages(&["verify"])), "import")
                .await?;
        let private = match totp::open(&key, &aad(&r.kid), &r.private_sealed) {
            Some(bytes) => {
                let jwk: Value = serde_json::from_slice(&bytes).map_err(|_| internal("jwk"))?;
                Some(
                    call(subtle_import_key("jwk", &to_js(&jwk)?, &ec_params(), false, &usages(&["sign"])), "import")
                        .await?,
                )
            }
            // Sealed under another key: it can still verify, never sign.
            None => None,
        };
        out.push(Loaded { record: r, public, private });
    }
    Ok(out)
}

/// The keys, from this isolate's cache or storage.
async fn keys(ctx: &Ctx, fresh: bool) -> Result<Vec<Loaded>, Error> {
    if !fresh {
        let hit = KEYS.with(|k| {
            k.borrow()
                .as_ref()
                .filter(|c| ctx.now - c.loaded_at < CACHE_SECONDS && ctx.now >= c.loaded_at)
                .map(|c| c.keys.clone())
        });
        if let Some(keys) = hit {
            return Ok(keys);
        }
    }
    let loaded = load(ctx, ctx.store.signing_keys().await?).await?;
    KEYS.with(|k| *k.borrow_mut() = Some(Cache { loaded_at: ctx.now, keys: loaded.clone() }));
    Ok(loaded)
}

/// Makes a key pair with WebCrypto: its record (the public JWK, the sealed private JWK).
async fn generate(ctx: &mut Ctx) -> Result<SigningKey, Error> {
    let key = sealing_key(ctx)?;
    let pair = call(subtle_generate_key(&ec_params(), true, &usages(&["sign", "verify"])), "generate").await?;
    let get = |name: &str| Reflect::get(&pair, &JsValue::from_str(name)).map_err(|_| internal("generate"));
    let private = jwk_value(&call(subtle_export_key("jwk", &get("privateKey")?), "export").await?)?;
    let mut public = jwk_value(&call(subtle_export_key("jwk", &get("publicKey")?), "export").await?)?;
    let kid = netid_core::tokens::new_id("key", &mut ctx.rng);
    let sealed =
        totp::seal(&key, &aad(&kid), private.to_string().as_bytes(), &mut ctx.rng).ok_or_else(|| internal("seal"))?;
    if let Some(o) = public.as_object_mut() {
        o.remove("key_ops");
        o.remove("ext");
        o.insert("kid".into(), Value::from(kid.clone()));
        o.insert("alg".into(), Value::from("ES256"));
        o.insert("use".into(), Value::from("sig"));
    }
    Ok(SigningKey {
        kid,
        public_jwk: public.to_string(),
        private_sealed: sealed,
        created_at: ctx.now,
        signs_from: ctx.now,
        retire_at: None,
    })
}

/// The key that signs now, made (once, whoever is first) when there is none. A flow whose
/// answer is signed after its commit takes it before the commit, so no storage step can fail
/// once the commit landed.
pub async fn signer(ctx: &mut Ctx) -> Result<Loaded, Error> {
    let pick = |keys: &[Loaded], now: i64| {
        let records: Vec<SigningKey> = keys.iter().filter(|k| k.private.is_some()).map(|k| k.record.clone()).collect();
        provider::active_key(&records, now).and_then(|a| keys.iter().find(|k| k.record.kid == a.kid).cloned())
    };
    let now = ctx.now;
    if let Some(k) = pick(&keys(ctx, false).await?, now) {
        return Ok(k);
    }
    if let Some(k) = pick(&keys(ctx, true).await?, now) {
        return Ok(k);
    }
    let first = generate(ctx).await?;
    provider::install_first_key(&ctx.env(), first).await?;
    pick(&keys(ctx, true).await?, now).ok_or_else(|| internal("no signing key"))
}

/// The operator's rotation: a new key, served now, signing after the overlap.
pub async fn rotate(ctx: &mut Ctx, op: &netid_core::flows::operators::Operator) -> Result<SigningKey, Error> {
    let next = generate(ctx).await?;
    let key = provider::rotate_keys(&mut ctx.env(), op, next).await?;
    // This isolate reads the keys again at its next use: nothing of storage may fail the
    // answer once the rotation landed.
    KEYS.with(|k| *k.borrow_mut() = None);
    Ok(key)
}

/// The JWKS: every published key's public half.
pub async fn jwks(ctx: &mut Ctx) -> Result<Value, Error> {
    // Make the first key if there is none, so the JWKS is never empty.
    signer(ctx).await?;
    let all = keys(ctx, false).await?;
    let records: Vec<SigningKey> = all.iter().map(|k| k.record.clone()).collect();
    let keys: Vec<Value> = provider::published_keys(&records, ctx.now)
        .into_iter()
        .filter_map(|k| serde_json::from_str::<Value>(&k.public_jwk).ok())
        .collect();
    Ok(serde_json::json!({ "keys": keys }))
}

fn b64(v: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(v)
}

/// Signs `claims` as a compact JWS (ES256) of type `typ`.
pub async fn sign(ctx: &mut Ctx, typ: &str, claims: &Value) -> Result<String, Error> {
    let key = signer(ctx).await?;
    sign_with(&key, typ, claims).await
}

/// Signs `claims` with `key` (from [`signer`]): WebCrypto only, no storage.
pub async fn sign_with(key: &Loaded, typ: &str, claims: &Value) -> Result<String, Error> {
    let header = serde_json::json!({ "alg": "ES256", "typ": typ, "kid": key.record.kid });
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let private = key.private.as_ref().ok_or_else(|| internal("no private key"))?;
    let sig = call(subtle_sign(&ecdsa_sha256(), private, &Uint8Array::from(input.as_bytes())), "sign").await?;
    let sig = Uint8Array::new(&sig).to_vec();
    Ok(format!("{input}.{}", b64(&sig)))
}

/// Verifies a JWS netid signed: its signature by a published key, `typ` when given, and the
/// issuer. Expiry is the caller's to judge (an `id_token_hint` may have expired). `None`
/// for anything else.
pub async fn verify(ctx: &Ctx, token: &str, typ: Option<&str>, issuer: &str) -> Result<Option<Value>, Error> {
    if token.len() > 8192 {
        return Ok(None);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let decode = |x: &str| URL_SAFE_NO_PAD.decode(x).ok();
    let (Some(hb), Some(pb), Some(sig)) = (decode(h), decode(p), decode(s)) else { return Ok(None) };
    let (Ok(header), Ok(claims)) = (serde_json::from_slice::<Value>(&hb), serde_json::from_slice::<Value>(&pb)) else {
        return Ok(None);
    };
    if header["alg"] != "ES256" || typ.is_some_and(|t| header["typ"] != t) || claims["iss"] != issuer {
        return Ok(None);
    }
    let Some(kid) = header["kid"].as_str() else { return Ok(None) };
    let find = |keys: &[Loaded]| keys.iter().find(|k| k.record.kid == kid && k.record.published(ctx.now)).cloned();
    let key = match find(&keys(ctx, false).await?) {
        Some(k) => k,
        None => match find(&keys(ctx, true).await?) {
            Some(k) => k,
            None => return Ok(None),
        },
    };
    let input = format!("{h}.{p}");
    let ok = call(
        subtle_verify(
            &ecdsa_sha256(),
            &key.public,
            &Uint8Array::from(sig.as_slice()),
            &Uint8Array::from(input.as_bytes()),
        ),
        "verify",
    )
    .await?;
    Ok((ok.as_bool() == Some(true)).then_some(claims))
}

/// The issuer: the service's origin, as the request reached it.
pub fn issuer(req: &worker::Request) -> Result<String, Error> {
    let url = req.url().map_err(|_| Error::new(Code::InvalidRequest))?;
    Ok(url.origin().ascii_serialization())
}
