//! "Enrol this device": the phone becomes one of the MDM's devices. The admin shows the device's one-time
//! enrolment code (text and QR, Devices page); the phone makes its own Ed25519 key, sends the public half (its
//! certificate) with a signature of the code (proof that it holds the key, `docs/FORMATS.md`), and keeps the key
//! in IndexedDB. From then on the token screen offers "This device", and after a `reset_certificate` redemption
//! (the offline bundle then says the device is no longer enrolled) it asks to enrol again.

use fieldtoken_core::{DeviceId, DeviceKey, TokenCode};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use super::camera::Camera;
use super::model::{Bundle, Feedback, code_feedback};
use super::store;
use super::token::TokenBox;
use crate::api;

/// What the phone keeps about itself once enrolled (IndexedDB, `bundle` store, key `device`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct ThisDevice {
    /// The MDM's id of this device.
    pub id: u32,
    /// The device key's public half, 64 hex digits, as registered.
    pub public_key: String,
    /// The device key's seed, 64 hex digits. Kept so the phone stays the holder of its certificate; a copy of
    /// the phone's storage is as good as the phone, which is the threat model of any device certificate kept
    /// in software.
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
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// This phone as a device, if it enrolled.
pub async fn this_device() -> Option<ThisDevice> {
    let text = store::load(store::DEVICE_KEY).await.ok()??;
    serde_json::from_str(&text).ok()
}

#[derive(Deserialize)]
struct Enrolled {
    id: u32,
}

/// Makes a key, registers it with `code`, and keeps it. Returns the device's id.
async fn enrol(code: &TokenCode) -> Result<u32, String> {
    let mut seed = [0u8; 32];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut seed).ok())
        .ok_or("this browser cannot make a random key")?;
    let key = DeviceKey::from_seed(seed);
    let public_key = hex(&key.certificate().to_bytes());
    let body = serde_json::json!({
        "code": code.to_string(),
        "public_key": public_key,
        "proof": hex(&key.enrolment_proof(code)),
    });
    let answer: Enrolled = api::post("/api/v1/enrol", &body)
        .await
        .map_err(|e| e.message)?;
    let device = ThisDevice {
        id: answer.id,
        public_key,
        seed: hex(&seed),
    };
    let text = serde_json::to_string(&device).map_err(|e| e.to_string())?;
    // The MDM already holds the certificate: if this write fails the phone must enrol again with a new code,
    // so say so rather than pretend.
    store::save(store::DEVICE_KEY, &text).await.map_err(|e| {
        format!("the MDM registered this phone, but it could not keep its key ({e}); ask for a new enrolment code")
    })?;
    Ok(answer.id)
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
                Ok(id) => Ok(format!(
                    "Enrolled: this phone is device #{id} of the MDM. Its key stays on this phone."
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
                    Some(device) => format!("This phone is enrolled as device #{}. Enrolling again replaces it.", device.id),
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
