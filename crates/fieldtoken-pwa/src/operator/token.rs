//! The token screen: the "Token code" box with live feedback, the offline verdict from the core against the
//! phone's offline bundle, the device chosen by its serial, and "Redeem", which keeps the redemption on the phone
//! before saying so. On an enrolled phone a tapped card or a scanned QR redeems for the phone itself in one step
//! (a certificate reset asks first), with a short sound and a spoken success message.

use fieldtoken_core::compact::MEDIA_TYPE;
use fieldtoken_core::token::redeem_offline;
use fieldtoken_core::{Action, CompactBundle, DeviceId, OrgId, TokenFormat, VerifiedToken};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::camera::Camera;
use super::enrol::{Standing, this_device};
use super::model::{
    Bundle, BundleWire, Feedback, QueueItem, code_feedback, display_time, from_compact,
    new_redemption_id, rfc3339, scan_time, server_now, to_bundle, verdict_words,
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

fn adopt(offline: Offline, bundle: Result<Bundle, fieldtoken_core::Error>, from: &str) -> bool {
    match bundle {
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

/// The compact bundle kept on this phone, if any.
async fn kept_compact() -> Option<CompactBundle> {
    let bytes = store::load_compact().await.ok()??;
    CompactBundle::decode(&bytes).ok()
}

/// The organisation of the bundle this phone keeps (compact, or the JSON of an earlier version), if any.
pub(super) async fn kept_org() -> Option<u32> {
    if let Some(kept) = kept_compact().await {
        return Some(kept.org.get());
    }
    let text = store::load_bundle().await.ok()??;
    Some(serde_json::from_str::<BundleWire>(&text).ok()?.org)
}

/// The cached bundle first (works offline), then what changed since from the MDM when reachable: as the operator
/// signed in, or, with nobody signed in, as this phone's enrolled device, which signs the request itself. The
/// refresh asks for the compact form with the kept version (`since`), so after one change the phone downloads a few
/// hundred bytes, not the whole bundle; the MDM answers the whole bundle when it cannot say what changed.
pub(super) fn load_bundle(offline: Offline) {
    spawn_local(async move {
        let kept = kept_compact().await;
        let mut kept_org = kept.as_ref().map(|k| k.org.get());
        match &kept {
            Some(compact) => {
                adopt(offline, Ok(from_compact(compact)), "kept on this phone");
            }
            None => {
                // A phone updated from a version that kept the JSON bundle still works offline with it.
                let legacy = match store::load_bundle().await {
                    Ok(Some(text)) => serde_json::from_str::<BundleWire>(&text).ok(),
                    _ => None,
                };
                if let Some(wire) = legacy {
                    kept_org = Some(wire.org);
                    adopt(offline, to_bundle(&wire), "kept on this phone");
                }
            }
        }
        let had_data = kept_org.is_some();
        let mut fresh = fetch_compact(kept.as_ref().map(|k| k.version), kept_org).await;
        let mut merged = match (&fresh, &kept) {
            (Some(Ok(answer)), Some(kept)) => refreshed(kept, answer),
            (Some(Ok(answer)), None) => CompactBundle::decode(answer)
                .ok()
                .filter(|b| !b.is_changes()),
            _ => None,
        };
        if merged.is_none() && matches!(fresh, Some(Ok(_))) {
            // Changes that do not apply to the kept bundle (it was replaced meanwhile): the whole bundle instead.
            fresh = fetch_compact(None, kept_org).await;
            merged = match &fresh {
                Some(Ok(answer)) => CompactBundle::decode(answer)
                    .ok()
                    .filter(|b| !b.is_changes()),
                _ => None,
            };
        }
        match (fresh, merged) {
            (None, _) => {
                if !had_data {
                    offline.note.set(
                        "No offline data on this phone yet: sign in once (Operator sign-in) while online to download it.".into(),
                    );
                }
            }
            (Some(Ok(_)), Some(bundle)) => {
                if adopt(offline, Ok(from_compact(&bundle)), "just downloaded") {
                    let _ = store::save_compact(&bundle.encode()).await;
                }
            }
            (Some(Ok(_)), None) => offline
                .note
                .set("The MDM's offline data cannot be read by this version of the app: reload it.".into()),
            (Some(Err(e)), _) if e.code == "certificate_reset" => offline.note.set(
                "This phone's certificate was reset, so it cannot download fresh offline data as a device: enrol it again (Enrol device), or sign in (Operator sign-in).".into(),
            ),
            (Some(Err(e)), _) if !had_data => {
                offline
                    .note
                    .set(format!("No offline data on this phone yet: {e}."));
            }
            (Some(Err(_)), _) => {}
        }
    });
}

/// The kept bundle after the MDM's answer: the changes applied, or the answer itself when it is a full bundle;
/// `None` when the answer does not read or does not apply.
fn refreshed(kept: &CompactBundle, answer: &[u8]) -> Option<CompactBundle> {
    let answer = CompactBundle::decode(answer).ok()?;
    if !answer.is_changes() {
        return Some(answer);
    }
    let mut bundle = kept.clone();
    bundle.apply(&answer).ok()?;
    Some(bundle)
}

/// Where the offline bundle is downloaded from (and what a device signs as its path).
const BUNDLE_PATH: &str = "/api/v1/offline-bundle";

/// The compact bundle (or the changes since `since`) as the operator signed in, or as this phone's enrolled
/// device; `None` when neither can ask.
async fn fetch_compact(
    since: Option<u64>,
    kept_org: Option<u32>,
) -> Option<Result<Vec<u8>, api::ApiError>> {
    let path = match since {
        Some(since) => format!("{BUNDLE_PATH}?format=compact&since={since}"),
        None => format!("{BUNDLE_PATH}?format=compact"),
    };
    if session::token().is_some() {
        return Some(api::get_bytes(&path, MEDIA_TYPE, None).await);
    }
    let headers = match device_headers(kept_org).await? {
        Ok(headers) => headers,
        Err(e) => return Some(Err(e)),
    };
    Some(api::get_bytes(&path, MEDIA_TYPE, Some(&headers)).await)
}

/// The headers of a request signed by this phone's enrolled device (docs/FORMATS.md, "Device-signed requests");
/// `None` when the phone is not enrolled or does not know its organisation (`kept_org`: the organisation of the
/// bundle it holds, for phones enrolled before the MDM said it).
async fn device_headers(
    kept_org: Option<u32>,
) -> Option<Result<[(&'static str, String); 3], api::ApiError>> {
    this_device().await?;
    let org = OrgId::new(super::enrol::device_org().await.or(kept_org)?).ok()?;
    // The MDM's time as this phone knows it: the MDM accepts a signed time within five minutes of its own.
    let at = server_now();
    // The signed path is the request's without its query.
    let signed = match super::enrol::sign_get(org, BUNDLE_PATH, at).await {
        Ok(Some(signed)) => signed,
        Ok(None) => return None,
        Err(why) => {
            return Some(Err(api::ApiError {
                status: 0,
                code: "device_key".into(),
                message: why,
                retry_after: None,
            }));
        }
    };
    let (device, signature) = signed;
    Some(Ok([
        ("Fieldtoken-Device", device.get().to_string()),
        ("Fieldtoken-Time", at.as_millis().to_string()),
        (
            "Fieldtoken-Signature",
            fieldtoken_core::hex::encode(&signature),
        ),
    ]))
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
    // Any press on the screen lets the success sound play later (see `wake_audio`).
    let pressed = window_event_listener(leptos::ev::pointerdown, |_| wake_audio());
    let typed = window_event_listener(leptos::ev::keydown, |_| wake_audio());
    on_cleanup(move || {
        online.remove();
        woken.remove();
        pressed.remove();
        typed.remove();
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

    // Keeps a redemption of `token_text` for `device` on the phone, then syncs. `one_step`: this phone redeemed for
    // itself from a tapped card or a scanned QR, which the seed answers with a sound and a success message.
    let save_redemption = move |token_text: String,
                                device: DeviceId,
                                action: Action,
                                one_step: bool| {
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
                b.map(|b| b.action_words(action)).unwrap_or_default(),
            )
        });
        let item = QueueItem {
            id,
            token: token_text.trim().to_owned(),
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
                Ok(()) if one_step => {
                    chime();
                    saved.set(Some(Ok(format!(
                        "Done: {action} for this device ({serial_text}). It is kept on this phone and sent to the MDM as soon as it can be."
                    ))));
                    queue.sync_soon();
                }
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

    let redeem = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(Ok((device, token, _))) = plan() else {
            return;
        };
        save_redemption(text.get_untracked(), device, token.action, false);
    };

    // On an enrolled phone a tapped card or a scanned QR acts on this device in one step (seed 001: "Tap the NFC
    // Card on the back of the device that you want to apply the action to"), unless the operator turned it off to
    // redeem for other devices. A certificate reset, which cannot be undone from the phone, asks first.
    let one_step = RwSignal::new(true);
    let confirming = RwSignal::new(None::<(String, DeviceId)>);
    let redeem_here = move |scanned: &str| -> bool {
        if !one_step.get_untracked() {
            return false;
        }
        let Some(Standing::Enrolled { id, .. }) = untrack(standing) else {
            return false;
        };
        let checked = offline.bundle.with_untracked(|b| {
            b.as_ref()
                .map(|b| redeem_offline(scanned, id, &b.core, server_now()))
        });
        match checked {
            Some(Ok((token, _))) if token.action == Action::ResetCertificate => {
                confirming.set(Some((scanned.to_owned(), id)));
            }
            Some(Ok((token, _))) => save_redemption(scanned.to_owned(), id, token.action, true),
            Some(Err(e)) => saved.set(Some(Err(format!(
                "Not redeemed for this device: {}",
                verdict_words(&e)
            )))),
            None => return false,
        }
        true
    };
    let confirm_reset = move |_| {
        if let Some((token_text, device)) = confirming.get_untracked() {
            confirming.set(None);
            save_redemption(token_text, device, Action::ResetCertificate, true);
        }
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
            text.set(scanned.clone());
            if !redeem_here(&scanned) {
                focus("token-code");
            }
        }
    });
    let own_serial = move || match standing() {
        Some(Standing::Enrolled { serial, .. }) => Some(serial),
        _ => None,
    };
    view! {
        <Camera on_scan=scanned/>
        <CardTap on_card=scanned paused=asking(confirming)/>
        <Show when=move || own_serial().is_some()>
            <label class="choice">
                <input
                    type="checkbox"
                    prop:checked=move || one_step.get()
                    on:change=move |ev| one_step.set(event_target_checked(&ev))
                />
                {move || format!(
                    "A tapped card or a scanned QR code acts on this device ({}) at once",
                    own_serial().unwrap_or_default()
                )}
            </label>
        </Show>
        <ConfirmReset
            confirming=confirming
            serial=Signal::derive(move || own_serial().unwrap_or_default())
            on_confirm=Callback::new(confirm_reset)
        />
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
            // Always in the page, so a screen reader announces each new result (a region added with its text is
            // often not read).
            <p role="status" aria-live="polite" class="saved" class:idle=move || !matches!(saved.get(), Some(Ok(_)))>
                {move || match saved.get() {
                    Some(Ok(t)) => t,
                    _ => String::new(),
                }}
            </p>
            {move || match saved.get() {
                Some(Err(t)) => Some(view! { <p role="alert" class="error">{t}</p> }),
                _ => None,
            }}
        </form>
        <QueueView queue=queue/>
    }
}

/// Whether the confirmation is open, as the NFC reader's pause: no card acts while the operator decides.
fn asking(confirming: RwSignal<Option<(String, DeviceId)>>) -> RwSignal<bool> {
    let paused = RwSignal::new(false);
    Effect::new(move |_| paused.set(confirming.with(Option::is_some)));
    paused
}

/// "Reset this device's certificate?": a modal dialog (the browser's own, so focus stays in it, Escape cancels,
/// and screen readers announce it by its title and text), with "Cancel" focused first, since a reset cannot be
/// undone from the phone.
#[component]
fn ConfirmReset(
    confirming: RwSignal<Option<(String, DeviceId)>>,
    serial: Signal<String>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let open = confirming.with(Option::is_some);
        if let Some(d) = dialog.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            } else if !open && d.open() {
                d.close();
            }
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="confirm"
            aria-labelledby="confirm-reset-title"
            aria-describedby="confirm-reset-text"
            on:close=move |_| confirming.set(None)
        >
            <h2 id="confirm-reset-title">"Reset this device's certificate?"</h2>
            <p id="confirm-reset-text">
                {move || format!(
                    "This token resets the certificate of this device ({}). The device must then enrol again before it acts as a device.",
                    serial.get()
                )}
            </p>
            <div class="actions">
                <button type="button" autofocus on:click=move |_| confirming.set(None)>"Cancel"</button>
                <button type="button" class="primary" on:click=move |_| on_confirm.run(())>
                    "Reset certificate"
                </button>
            </div>
        </dialog>
    }
}

thread_local! {
    /// The page's one audio context: browsers allow few, and one made during a tap or key press may play later.
    static AUDIO: std::cell::RefCell<Option<web_sys::AudioContext>> = const { std::cell::RefCell::new(None) };
}

/// The page's audio context, made on first use.
fn audio() -> Option<web_sys::AudioContext> {
    AUDIO.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = web_sys::AudioContext::new().ok();
        }
        cell.clone()
    })
}

/// Lets the success sound play later: browsers start an audio context only from a user's tap or key press, and a
/// card read is neither, so the first press on the screen wakes it.
fn wake_audio() {
    if let Some(context) = audio() {
        let _ = context.resume();
    }
}

/// The success sound (seed 001: "A sound will be triggered (if the volume is activated on the device)"): a short
/// tone from an oscillator; the phone's volume decides whether it is heard.
fn chime() {
    let Some(context) = audio() else { return };
    let _ = context.resume();
    let (Ok(tone), Ok(gain)) = (context.create_oscillator(), context.create_gain()) else {
        return;
    };
    let start = context.current_time();
    tone.set_type(web_sys::OscillatorType::Sine);
    tone.frequency().set_value(880.0);
    // A soft fade out, so the tone does not end in a click.
    let _ = gain.gain().set_value_at_time(0.3, start);
    let _ = gain
        .gain()
        .exponential_ramp_to_value_at_time(0.001, start + 0.25);
    if tone.connect_with_audio_node(&gain).is_err()
        || gain
            .connect_with_audio_node(&context.destination())
            .is_err()
    {
        return;
    }
    let _ = tone.start_with_when(start);
    let _ = tone.stop_with_when(start + 0.25);
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
