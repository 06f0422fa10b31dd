//! "Enrol this device": the phone becomes one of the MDM's devices. The admin shows the device's one-time
//! enrolment code (text and QR, Devices page); the phone makes its own Ed25519 key, sends the public half (its
//! certificate) with a signature of the code (proof that it holds the key, `docs/FORMATS.md`), and keeps the key
//! in IndexedDB. From then on the token screen offers "This device", and after a `reset_certificate` redemption
//! (the offline bundle then says the device is no longer enrolled) it asks to enrol again.
//!
//! The key is a non-extractable WebCrypto key where the browser has Ed25519 in WebCrypto: the browser signs with
//! it, but no script (ours or an injected one) can read its secret half. Elsewhere it falls back to a software key
//! made by the core from a random seed, which IndexedDB then holds as readable JSON, as every phone enrolled
//! before WebCrypto keys does. The page says which kind the phone holds, so an admin knows.

use fieldtoken_api::enrolment::{EnrolRequest, EnrolledDevice};
use fieldtoken_core::{
    DeviceId, DeviceKey, OrgId, Redemption, SignedRequest, Timestamp, TokenCode, enrolment_message,
    request_message, sync_message,
};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, CryptoKeyPair};

use super::camera::Camera;
use super::model::{Bundle, Feedback, code_feedback};
use super::store;
use super::token::TokenBox;
use crate::api;

/// What the phone keeps about itself once enrolled (IndexedDB, `bundle` store, key `device`).
#[derive(Clone, Debug, PartialEq)]
pub struct ThisDevice {
    /// The MDM's id of this device.
    pub id: u32,
    /// The device key's public half, 64 hex digits, as registered.
    pub public_key: String,
    /// How the phone holds the key's secret half.
    pub key: KeyKind,
}

/// How the phone holds its device key's secret half.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// A non-extractable WebCrypto key (a `CryptoKeyPair` in IndexedDB): the browser signs with it, and no script
    /// can read it, so a copy of the phone's storage does not carry the key away.
    WebCrypto,
    /// The seed itself, as JSON text in IndexedDB: browsers without Ed25519 in WebCrypto, and every phone
    /// enrolled before WebCrypto keys. Any script of the origin can read it, and a copy of the storage is as good
    /// as the phone.
    Software,
}

impl KeyKind {
    /// The sentence that tells an admin which kind of key the phone holds.
    pub fn sentence(self) -> &'static str {
        match self {
            KeyKind::WebCrypto => "Its key cannot be copied out of this browser.",
            KeyKind::Software => {
                "Its key is kept in this browser's storage, from where it could be copied."
            }
        }
    }
}

/// The JSON text kept under `device` for a software key (the only format before WebCrypto keys).
#[derive(Deserialize, Serialize)]
struct SeedRecord {
    id: u32,
    public_key: String,
    /// The device key's seed, 64 hex digits.
    seed: String,
}

/// Where this phone stands as a device, for the token screen.
#[derive(Clone, Debug, PartialEq)]
pub enum Standing {
    /// Not enrolled (or the enrolment is unknown to the offline bundle): nothing to offer.
    NotEnrolled,
    /// Enrolled, and the bundle still says so: "This device" picks it.
    Enrolled {
        /// The device.
        id: DeviceId,
        /// Its serial, as printed.
        serial: String,
    },
    /// The bundle says the device must enrol again (its certificate was reset).
    MustEnrolAgain {
        /// Its serial, as printed.
        serial: String,
    },
}

impl ThisDevice {
    /// Where this device stands according to the offline bundle.
    pub fn standing(&self, bundle: &Bundle) -> Standing {
        let Ok(id) = DeviceId::new(self.id) else {
            return Standing::NotEnrolled;
        };
        let Some(device) = bundle.core.devices.get(&id) else {
            return Standing::NotEnrolled;
        };
        let serial = bundle
            .serials
            .iter()
            .find(|(_, d)| *d == id)
            .map(|(s, _)| s.clone())
            .unwrap_or_else(|| format!("#{id}"));
        if device.needs_enrolment() {
            Standing::MustEnrolAgain { serial }
        } else {
            Standing::Enrolled { id, serial }
        }
    }

    /// This device as kept under `device`: a [`SeedRecord`]'s JSON text (software key), or the object that
    /// [`web_crypto_record`] makes. `None` for anything else, including a record whose private key is no longer a
    /// `CryptoKey`, since that phone could not sign and must enrol again.
    fn from_kept(value: &JsValue) -> Option<ThisDevice> {
        if let Some(text) = value.as_string() {
            let record: SeedRecord = serde_json::from_str(&text).ok()?;
            return Some(ThisDevice {
                id: record.id,
                public_key: record.public_key,
                key: KeyKind::Software,
            });
        }
        if !value.is_object() {
            return None;
        }
        let field = |target: &JsValue, name: &str| Reflect::get(target, &name.into()).ok();
        field(&field(value, "keys")?, "privateKey")?
            .dyn_into::<CryptoKey>()
            .ok()?;
        Some(ThisDevice {
            // `enrol` wrote it from a u32; anything else saturates and `DeviceId::new` refuses it.
            id: field(value, "id")?.as_f64()? as u32,
            public_key: field(value, "public_key")?.as_string()?,
            key: KeyKind::WebCrypto,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// This phone as a device, if it enrolled.
pub async fn this_device() -> Option<ThisDevice> {
    ThisDevice::from_kept(&store::load_value(store::DEVICE_KEY).await.ok()?)
}

/// The organisation this phone enrolled in, as the MDM said (`None` for a phone enrolled before the MDM said it).
pub async fn device_org() -> Option<u32> {
    let org = store::load_value(store::DEVICE_ORG_KEY)
        .await
        .ok()?
        .as_f64()?;
    // Kept from a u32; anything else is not an organisation.
    ((1.0..=f64::from(u32::MAX)).contains(&org) && org.fract() == 0.0).then_some(org as u32)
}

/// This device's signature of `batch` (redemptions for itself, in the order sent) as a member of `org`, with the key
/// it enrolled with (docs/FORMATS.md, "Device-signed sync"): `Ok(None)` when this phone is not enrolled, `Err` in
/// words when its key cannot sign. The batch carries itself to the MDM without anyone signed in.
pub async fn sign_sync(
    org: OrgId,
    batch: &[Redemption],
) -> Result<Option<(DeviceId, [u8; 64])>, String> {
    sign_as_device(ToSign::Sync(org, batch)).await
}

/// This device's signature of `GET path` as a member of `org` at `at` (docs/FORMATS.md, "Device-signed requests"),
/// as [`sign_sync`] answers: the phone fetches what it may read without anyone signed in.
pub async fn sign_get(
    org: OrgId,
    path: &str,
    at: Timestamp,
) -> Result<Option<(DeviceId, [u8; 64])>, String> {
    sign_as_device(ToSign::Get(org, path, at)).await
}

/// What a device signs: only the core's domain-separated messages, never arbitrary bytes.
enum ToSign<'a> {
    /// A batch of its own redemptions.
    Sync(OrgId, &'a [Redemption]),
    /// A `GET` of this path at this time.
    Get(OrgId, &'a str, Timestamp),
}

impl ToSign<'_> {
    fn request(&self, device: DeviceId) -> Option<SignedRequest<'_>> {
        match *self {
            ToSign::Sync(..) => None,
            ToSign::Get(org, path, at) => Some(SignedRequest {
                method: "GET",
                path,
                org,
                device,
                at,
            }),
        }
    }

    /// The bytes a WebCrypto key signs.
    fn message(&self, device: DeviceId) -> Vec<u8> {
        match (self, self.request(device)) {
            (ToSign::Sync(org, batch), _) => sync_message(*org, device, batch),
            (_, Some(request)) => request_message(&request),
            (ToSign::Get(..), None) => Vec::new(),
        }
    }

    /// The signature by a software key.
    fn by(&self, key: &DeviceKey, device: DeviceId) -> [u8; 64] {
        match (self, self.request(device)) {
            (ToSign::Sync(org, batch), _) => key.sign_sync(*org, device, batch),
            (_, Some(request)) => key.sign_request(&request),
            (ToSign::Get(..), None) => [0; 64],
        }
    }
}

/// Signs `what` as this device with the key it keeps: `Ok(None)` when this phone is not enrolled.
async fn sign_as_device(what: ToSign<'_>) -> Result<Option<(DeviceId, [u8; 64])>, String> {
    let Ok(kept) = store::load_value(store::DEVICE_KEY).await else {
        return Ok(None);
    };
    let Some(this) = ThisDevice::from_kept(&kept) else {
        return Ok(None);
    };
    let Ok(id) = DeviceId::new(this.id) else {
        return Ok(None);
    };
    if let Some(text) = kept.as_string() {
        let record: SeedRecord = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let seed: [u8; 32] = fieldtoken_core::hex::decode_array(&record.seed)
            .map_err(|_| "this phone's kept key is damaged: enrol it again".to_owned())?;
        return Ok(Some((id, what.by(&DeviceKey::from_seed(seed), id))));
    }
    let private_key: CryptoKey = Reflect::get(&kept, &"keys".into())
        .and_then(|keys| Reflect::get(&keys, &"privateKey".into()))
        .map_err(|e| described(&e))?
        .unchecked_into();
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or("this browser has no WebCrypto here")?;
    let message = what.message(id);
    let signature = settled(subtle.sign_with_str_and_u8_array(ED25519, &private_key, &message))
        .await
        .map_err(|e| {
            format!(
                "this browser could not sign with the device key ({})",
                described(&e)
            )
        })?;
    let signature: [u8; 64] = Uint8Array::new(&signature)
        .to_vec()
        .try_into()
        .map_err(|_| "this browser made an Ed25519 signature of the wrong length".to_owned())?;
    Ok(Some((id, signature)))
}

/// A key made for one enrolment: what the MDM gets, and what the phone keeps once the MDM has it.
struct NewKey {
    public_key: [u8; 32],
    proof: [u8; 64],
    secret: Secret,
}

/// The secret half as it will be kept: the browser's key pair, or the seed.
enum Secret {
    WebCrypto(CryptoKeyPair),
    Software([u8; 32]),
}

/// WebCrypto's name for pure Ed25519 (RFC 8032, no pre-hashing: the signature the core makes and the MDM checks).
const ED25519: &str = "Ed25519";

async fn settled(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

/// A field of a JavaScript error (`name`, `message`), empty if it has none.
fn error_field(error: &JsValue, name: &str) -> String {
    Reflect::get(error, &name.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// A JavaScript error in words: its name and message, as the browser gives them.
fn described(error: &JsValue) -> String {
    format!(
        "{}: {}",
        error_field(error, "name"),
        error_field(error, "message")
    )
}

/// Makes a non-extractable Ed25519 key with WebCrypto and signs `message` with it. `None` where WebCrypto has no
/// Ed25519 (`NotSupportedError`) or no WebCrypto at all (outside a secure context): the caller then makes a
/// software key. Any other failure is an error, not a reason to keep a weaker key without saying so.
async fn web_crypto_key(message: &[u8]) -> Result<Option<NewKey>, String> {
    let Some(subtle) = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .filter(|s| !s.is_undefined())
    else {
        return Ok(None);
    };
    let usages = Array::of2(&"sign".into(), &"verify".into());
    let made = settled(subtle.generate_key_with_str(ED25519, false, &usages)).await;
    let keys: CryptoKeyPair = match made {
        Ok(keys) => keys.unchecked_into(),
        Err(e) if error_field(&e, "name") == "NotSupportedError" => return Ok(None),
        Err(e) => {
            return Err(format!(
                "this browser could not make a key ({})",
                described(&e)
            ));
        }
    };
    let failed = |e: JsValue| format!("this browser could not use its new key ({})", described(&e));
    // The public half is always extractable; only the private half is kept from scripts.
    let public_key = settled(subtle.export_key("raw", &keys.get_public_key()))
        .await
        .map_err(failed)?;
    let proof =
        settled(subtle.sign_with_str_and_u8_array(ED25519, &keys.get_private_key(), message))
            .await
            .map_err(failed)?;
    let (Ok(public_key), Ok(proof)) = (
        Uint8Array::new(&public_key).to_vec().try_into(),
        Uint8Array::new(&proof).to_vec().try_into(),
    ) else {
        return Err("this browser made an Ed25519 key or signature of the wrong length".into());
    };
    Ok(Some(NewKey {
        public_key,
        proof,
        secret: Secret::WebCrypto(keys),
    }))
}

/// Makes a software key from 32 random bytes, as every phone did before WebCrypto keys.
fn software_key(code: &TokenCode) -> Result<NewKey, String> {
    let mut seed = [0u8; 32];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut seed).ok())
        .ok_or("this browser cannot make a random key")?;
    let key = DeviceKey::from_seed(seed);
    Ok(NewKey {
        public_key: key.certificate().to_bytes(),
        proof: key.enrolment_proof(code),
        secret: Secret::Software(seed),
    })
}

/// What is kept under `device` for a WebCrypto key: `{ id, public_key, keys }`, `keys` being the
/// `CryptoKeyPair`, which IndexedDB clones without ever exposing the private half.
fn web_crypto_record(id: u32, public_key: &str, keys: &CryptoKeyPair) -> JsValue {
    let record = Object::new();
    for (name, value) in [
        ("id", JsValue::from(id)),
        ("public_key", public_key.into()),
        ("keys", keys.into()),
    ] {
        let _ = Reflect::set(&record, &name.into(), &value);
    }
    record.into()
}

/// Makes a key, registers it with `code`, and keeps it. Returns the device's id and the kind of key it holds.
async fn enrol(code: &TokenCode) -> Result<(u32, KeyKind), String> {
    // Both kinds sign the core's enrolment message, byte for byte what `Certificate::verify_enrolment` checks.
    let key = match web_crypto_key(&enrolment_message(code)).await? {
        Some(key) => key,
        None => software_key(code)?,
    };
    let public_key = hex(&key.public_key);
    let request = EnrolRequest {
        code: code.to_string(),
        public_key: public_key.clone(),
        proof: hex(&key.proof),
    };
    let body = serde_json::to_value(&request).unwrap_or_default();
    let answer: EnrolledDevice = api::post("/api/v1/enrol", &body)
        .await
        .map_err(|e| e.message)?;
    let (record, kind) = match key.secret {
        Secret::WebCrypto(keys) => (
            web_crypto_record(answer.id, &public_key, &keys),
            KeyKind::WebCrypto,
        ),
        Secret::Software(seed) => {
            let record = SeedRecord {
                id: answer.id,
                public_key,
                seed: hex(&seed),
            };
            let text = serde_json::to_string(&record).map_err(|e| e.to_string())?;
            (JsValue::from_str(&text), KeyKind::Software)
        }
    };
    // The MDM already holds the certificate: if this write fails the phone must enrol again with a new code,
    // so say so rather than pretend.
    store::save_value(store::DEVICE_KEY, &record).await.map_err(|e| {
        format!("the MDM registered this phone, but it could not keep its key ({e}); ask for a new enrolment code")
    })?;
    // Beside the key, so that with nobody signed in the phone knows which organisation it signs requests as; a
    // phone that could not keep it falls back to its offline bundle's.
    if answer.org > 0 {
        let _ = store::save_value(store::DEVICE_ORG_KEY, &JsValue::from(answer.org)).await;
    }
    Ok((answer.id, kind))
}

/// `/enrol`: type or scan the enrolment code, then "Enrol".
#[component]
pub fn EnrolPage() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let current = LocalResource::new(this_device);
    let feedback = move || code_feedback(&code.get());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = match TokenCode::parse(code.get_untracked().trim()) {
            Ok(parsed) => parsed,
            Err(e) => return outcome.set(Some(Err(e.message().to_owned()))),
        };
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            outcome.set(Some(match enrol(&parsed).await {
                Ok((id, kind)) => Ok(format!(
                    "Enrolled: this phone is device #{id} of the MDM. {}",
                    kind.sentence()
                )),
                Err(why) => Err(format!("Not enrolled: {why}.")),
            }));
            busy.set(false);
            current.refetch();
        });
    };

    view! {
        <section aria-labelledby="enrol-title">
            <h1 id="enrol-title">"Enrol this device"</h1>
            <p>
                "An admin shows this device's enrolment code on the Devices page. Scan its QR or type it: "
                "the phone makes its own key and registers it as the device's certificate."
            </p>
            <p class="help">
                {move || match current.get().flatten() {
                    Some(device) => format!(
                        "This phone is enrolled as device #{}. {} Enrolling again replaces it.",
                        device.id,
                        device.key.sentence(),
                    ),
                    None => "This phone is not enrolled as a device.".to_owned(),
                }}
            </p>
            <Camera on_scan=Callback::new(move |scanned: String| {
                code.set(scanned);
                outcome.set(None);
            })/>
            <form class="operator" on:submit=submit>
                <TokenBox
                    text=code
                    changed=Callback::new(move |()| outcome.set(None))
                    id="enrolment-code"
                    label="Enrolment code"
                />
                <button
                    type="submit"
                    class="primary big"
                    disabled=move || busy.get() || !matches!(feedback(), Feedback::Readable(_))
                >
                    {move || if busy.get() { "Enrolling…" } else { "Enrol" }}
                </button>
                {move || {
                    outcome
                        .get()
                        .map(|r| match r {
                            Ok(t) => view! { <p role="status" class="saved">{t}</p> }.into_any(),
                            Err(t) => view! { <p role="alert" class="error">{t}</p> }.into_any(),
                        })
                }}
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests;
