//! The token screen: the "Token code" box with live feedback, the offline verdict from the core against the
//! phone's offline bundle, the device chosen by its serial, and "Redeem", which keeps the redemption on the phone
//! before saying so.

use fieldtoken_core::token::redeem_offline;
use fieldtoken_core::{DeviceId, TokenFormat, VerifiedToken};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::camera::Camera;
use super::enrol::{Standing, this_device};
use super::model::{
    Bundle, BundleWire, Feedback, QueueItem, code_feedback, display_time, new_redemption_id,
    rfc3339, scan_time, server_now, to_bundle, verdict_words,
};
use super::nfc::CardTap;
use super::queue::{Queue, QueueView};
use super::store;
use crate::{api, session};

/// The bundle as the screen holds it, and a line saying where it came from.
#[derive(Clone, Copy)]
pub(super) struct Offline {
    pub(super) bundle: RwSignal<Option<Bundle>>,
    pub(super) note: RwSignal<String>,
}

impl Offline {
    /// Empty; [`load_bundle`] fills it.
    pub(super) fn new() -> Offline {
        Offline {
            bundle: RwSignal::new(None),
            note: RwSignal::new(String::new()),
        }
    }
}

fn adopt(offline: Offline, wire: &BundleWire, from: &str) -> bool {
    match to_bundle(wire) {
        Ok(bundle) => {
            offline.note.set(format!(
                "Token checks use the MDM's data of {}, {from}.",
                display_time(&bundle.generated_at)
            ));
            offline.bundle.set(Some(bundle));
            true
        }
        Err(e) => {
            offline
                .note
                .set(format!("The offline data cannot be used: {e}."));
            false
        }
    }
}

/// The cached bundle first (works offline), then a fresh one from the MDM when signed in and reachable.
pub(super) fn load_bundle(offline: Offline) {
    spawn_local(async move {
        if let Ok(Some(text)) = store::load_bundle().await
            && let Ok(wire) = serde_json::from_str::<BundleWire>(&text)
        {
            adopt(offline, &wire, "kept on this phone");
        }
        if session::token().is_none() {
            if offline
                .bundle
                .try_with_untracked(Option::is_none)
                .unwrap_or(false)
            {
                offline.note.set(
                    "No offline data on this phone yet: sign in once (Operator sign-in) while online to download it.".into(),
                );
            }
            return;
        }
        match api::get::<BundleWire>("/api/v1/offline-bundle").await {
            Ok(wire) => {
                if adopt(offline, &wire, "just downloaded") {
                    // Kept as sent, so a later app version maps it again with its own rules.
                    if let Ok(text) = serde_json::to_string(&wire) {
                        let _ = store::save_bundle(&text).await;
                    }
                }
            }
            Err(e)
                if offline
                    .bundle
                    .try_with_untracked(Option::is_none)
                    .unwrap_or(false) =>
            {
                offline
                    .note
                    .set(format!("No offline data on this phone yet: {e}."));
            }
            Err(_) => {}
        }
    });
}

/// What a redemption would be, or why not.
type Plan = Result<(DeviceId, VerifiedToken, String), String>;

/// The operator's screen: token, verdict, device, "Redeem", and the queue.
#[component]
pub fn OperatorScreen(#[prop(optional, into)] initial: Option<String>) -> impl IntoView {
    let offline = Offline::new();
    load_bundle(offline);
    let queue = Queue::new();
    queue.load();
    // A phone that comes back online sends what waited.
    let online = window_event_listener(leptos::ev::online, move |_| queue.sync_soon());
    // The service worker's Background Sync, while this screen is open, asks the screen to sync.
    let woken =
        window_event_listener_untyped(crate::worker::SYNC_REQUESTED, move |_| queue.sync_soon());
    on_cleanup(move || {
        online.remove();
        woken.remove();
    });

    let text = RwSignal::new(initial.unwrap_or_default());
    let serial = RwSignal::new(String::new());
    let saved = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);

    // This phone as a device, if it enrolled: "This device" fills its serial in, and a reset certificate
    // (the bundle says it must enrol again) is said at once.
    let me = LocalResource::new(this_device);
    let standing = move || {
        let me = me.get().flatten()?;
        offline.bundle.with(|b| b.as_ref().map(|b| me.standing(b)))
    };
    let verdict = move || {
        let text = text.get();
        if !matches!(code_feedback(&text), Feedback::Readable(_)) {
            return None;
        }
        offline
            .bundle
            .with(|b| b.as_ref().map(|b| b.verify(&text, server_now())))
    };
    let plan = move || -> Option<Plan> {
        let token = verdict()?.ok()?;
        let serial = serial.get();
        if serial.trim().is_empty() {
            return None;
        }
        offline.bundle.with(|b| {
            let b = b.as_ref()?;
            let Some(device) = b.device_by_serial(&serial) else {
                return Some(Err(format!(
                    "No device with serial “{}” in this phone's offline data.",
                    serial.trim()
                )));
            };
            Some(
                redeem_offline(&text.get_untracked(), device, &b.core, server_now())
                    .map(|(_, after)| (device, token, b.state_words(after.state)))
                    .map_err(|e| verdict_words(&e)),
            )
        })
    };

    let redeem = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(Ok((device, token, _))) = plan() else {
            return;
        };
        let Some(id) = new_redemption_id() else {
            saved.set(Some(Err(
                "This browser cannot make a random id; nothing was saved.".into(),
            )));
            return;
        };
        // A phone whose clock went back while offline says so instead of queueing a wrong time.
        let at = match scan_time() {
            Ok(at) => at,
            Err(words) => {
                saved.set(Some(Err(words)));
                return;
            }
        };
        let (serial_text, action) = offline.bundle.with_untracked(|b| {
            let b = b.as_ref();
            (
                b.and_then(|b| {
                    b.serials
                        .iter()
                        .find(|(_, d)| *d == device)
                        .map(|(s, _)| s.clone())
                })
                .unwrap_or_default(),
                b.map(|b| b.action_words(token.action)).unwrap_or_default(),
            )
        });
        let item = QueueItem {
            id,
            token: text.get_untracked().trim().to_owned(),
            device_id: device.get(),
            scanned_at: rfc3339(at),
            scanned_at_ms: at.as_millis(),
            serial: serial_text.clone(),
            action: action.clone(),
            state: Default::default(),
        };
        busy.set(true);
        spawn_local(async move {
            match queue.add(item).await {
                Ok(()) => {
                    saved.set(Some(Ok(format!(
                        "Saved on this phone: {action} for {serial_text}. It waits in the queue until the MDM takes it. The token stays: type or scan the next device to use it again."
                    ))));
                    // Batch mode: the token stays, the next device's serial is typed next.
                    serial.set(String::new());
                    focus("device-serial");
                    queue.sync_soon();
                }
                Err(e) => saved.set(Some(Err(format!("Not saved: {e}. Try again.")))),
            }
            busy.set(false);
        });
    };

    // A QR code seen by the camera and a card tapped on the phone fill the token in alike.
    let scanned = Callback::new(move |scanned: String| {
        saved.set(None);
        // A device's label QR (its serial) picks the device for the token on screen: scan the token, then
        // each device's label, which is batch mode with the camera.
        let label = offline.bundle.with_untracked(|b| {
            b.as_ref()
                .and_then(|b| b.device_by_serial(&scanned))
                .is_some()
        });
        if label && !matches!(code_feedback(&scanned), Feedback::Readable(_)) {
            serial.set(scanned.trim().to_owned());
            focus("device-serial");
        } else {
            text.set(scanned);
            focus("token-code");
        }
    });
    view! {
        <Camera on_scan=scanned/>
        <CardTap on_card=scanned/>
        <form class="operator" on:submit=redeem>
            {move || match standing() {
                Some(Standing::MustEnrolAgain { serial }) => Some(view! {
                    <p role="alert" class="error">
                        "This phone is device " {serial} ", and its certificate was reset: "
                        <a href="/enrol">"enrol it again"</a> " before it acts as a device."
                    </p>
                }),
                _ => None,
            }}
            <TokenBox text=text changed=Callback::new(move |()| saved.set(None))/>
            <p class="help">{move || offline.note.get()}</p>
            {move || verdict().map(|v| view! { <Verdict verdict=v bundle=offline.bundle/> })}
            <Show when=move || matches!(verdict(), Some(Ok(_)))>
                <label for="device-serial">"Device serial"</label>
                <input
                    id="device-serial"
                    type="text"
                    autocomplete="off"
                    list="device-serials"
                    aria-describedby="device-feedback"
                    prop:value=move || serial.get()
                    on:input=move |ev| serial.set(event_target_value(&ev))
                />
                {move || match standing() {
                    Some(Standing::Enrolled { serial: own, .. }) => Some(view! {
                        <button type="button" on:click=move |_| serial.set(own.clone())>
                            "This device"
                        </button>
                    }),
                    _ => None,
                }}
                <datalist id="device-serials">
                    {move || {
                        offline
                            .bundle
                            .with(|b| {
                                b.as_ref()
                                    .map(|b| {
                                        b.serials
                                            .iter()
                                            .map(|(s, _)| view! { <option value=s.clone()></option> })
                                            .collect::<Vec<_>>()
                                    })
                                    .unwrap_or_default()
                            })
                    }}
                </datalist>
                <p id="device-feedback" aria-live="polite" class=move || match plan() {
                    Some(Err(_)) => "error",
                    _ => "help",
                }>
                    {move || match plan() {
                        None => "Type the serial printed on the device.".to_owned(),
                        Some(Ok((_, _, after))) => format!("Ready: the device will be {after}."),
                        Some(Err(why)) => why,
                    }}
                </p>
                <button
                    type="submit"
                    class="primary big"
                    disabled=move || busy.get() || !matches!(plan(), Some(Ok(_)))
                >
                    "Redeem"
                </button>
            </Show>
            {move || {
                saved
                    .get()
                    .map(|r| match r {
                        Ok(t) => view! { <p role="status" class="saved">{t}</p> }.into_any(),
                        Err(t) => view! { <p role="alert" class="error">{t}</p> }.into_any(),
                    })
            }}
        </form>
        <QueueView queue=queue/>
    }
}

/// A code box ("Token code" unless `label` says otherwise) with live feedback on the check symbol; `changed` runs
/// on every edit.
#[component]
pub(super) fn TokenBox(
    text: RwSignal<String>,
    changed: Callback<()>,
    /// The input's id (its feedback is `{id}-feedback`).
    #[prop(default = "token-code")]
    id: &'static str,
    /// The input's label.
    #[prop(default = "Token code")]
    label: &'static str,
) -> impl IntoView {
    let feedback = move || code_feedback(&text.get());
    let feedback_id = format!("{id}-feedback");
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type="text"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck="false"
            aria-describedby=feedback_id.clone()
            prop:value=move || text.get()
            on:input=move |ev| {
                text.set(event_target_value(&ev));
                changed.run(());
            }
        />
        <p
            id=feedback_id
            aria-live="polite"
            class=move || match feedback() {
                Feedback::Mistake(_) => "error",
                _ => "help",
            }
        >
            {move || match feedback() {
                Feedback::Hint(t) | Feedback::Readable(t) | Feedback::Mistake(t) => t,
            }}
        </p>
    }
}

/// Moves the keyboard focus to the element with this id, if it is on screen.
pub(super) fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The offline verdict on the token: what it does and until when, or why it cannot be used.
#[component]
pub(super) fn Verdict(
    verdict: Result<VerifiedToken, fieldtoken_core::Error>,
    bundle: RwSignal<Option<Bundle>>,
) -> impl IntoView {
    match verdict {
        Ok(token) => {
            let action = bundle.with_untracked(|b| {
                b.as_ref()
                    .map(|b| b.action_words(token.action))
                    .unwrap_or_default()
            });
            let expires = display_time(&rfc3339(token.expires_at.as_timestamp()));
            let id = token.token_id.get();
            let title = bundle
                .with_untracked(|b| b.as_ref().and_then(|b| b.names.get(&id).cloned()))
                .map_or_else(
                    || format!("Token #{id}"),
                    |name| format!("{name} (token #{id})"),
                );
            view! {
                <div class="card verdict" aria-labelledby="verdict-title">
                    <h2 id="verdict-title">{title} " " <span class="badge ok">"Valid"</span></h2>
                    <dl class="facts">
                        <dt>"Action"</dt>
                        <dd>{action}</dd>
                        <dt>"Expires"</dt>
                        <dd>{expires}</dd>
                        <dt>"Format"</dt>
                        <dd>{match token.format {
                            TokenFormat::Signed => "signed QR (new format)",
                            TokenFormat::Code => "code (old format)",
                        }}</dd>
                    </dl>
                </div>
            }
            .into_any()
        }
        Err(e) => view! {
            <div class="card verdict" role="alert">
                <h2>"Cannot be used " <span class="badge expired">{e.code()}</span></h2>
                <p>{verdict_words(&e)}</p>
            </div>
        }
        .into_any(),
    }
}
