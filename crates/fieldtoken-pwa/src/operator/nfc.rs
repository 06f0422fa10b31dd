//! Web NFC (`NDEFReader`, Chrome on Android) for the token cards of the old format: our own small bindings (web-sys
//! has them only behind `--cfg web_sys_unstable_apis`), a [`Session`] that scans and writes until it is stopped,
//! the card's records in the core's [`WebNfcRecord`] form, the browser's NFC failures in words, and [`CardTap`],
//! which lets the token screen take a card tapped on the phone like a scanned QR code. What a card holds and
//! whether it is valid are the core's answers (`token_from_ndef`, `verify_token`).

use std::cell::RefCell;

use fieldtoken_core::{Error, ParsedToken, WebNfcRecord, token_from_ndef};
use js_sys::{Array, DataView, Object, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = NDEFReader)]
    type NdefReader;

    #[wasm_bindgen(constructor, js_class = NDEFReader, catch)]
    fn new() -> Result<NdefReader, JsValue>;

    #[wasm_bindgen(method, js_class = NDEFReader, catch)]
    fn scan(this: &NdefReader, options: &Object) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(method, js_class = NDEFReader, catch)]
    fn write(
        this: &NdefReader,
        message: &Object,
        options: &Object,
    ) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(method, setter = onreading, js_class = NDEFReader)]
    fn set_onreading(this: &NdefReader, handler: &JsValue);

    #[wasm_bindgen(method, setter = onreadingerror, js_class = NDEFReader)]
    fn set_onreadingerror(this: &NdefReader, handler: &JsValue);
}

/// The seed's warning, word for word: a card near a device acts on it.
pub const CARD_WARNING: &str =
    "Be careful not to store NFC Cards too close to devices to avoid unintentional actions.";

/// Whether this browser has Web NFC (`'NDEFReader' in window`): Chrome on Android has it; iOS and desktop
/// browsers do not.
pub fn available() -> bool {
    web_sys::window().is_some_and(|w| Reflect::has(&w, &"NDEFReader".into()).unwrap_or(false))
}

/// The one listener a session gives `NDEFReader` for both `reading` and `readingerror`.
type Handler = Closure<dyn FnMut(JsValue)>;

/// What a card read gives: its records, or `None` when the phone saw a card but could not read it.
pub type CardRead = Option<Vec<WebNfcRecord>>;

/// One use of the phone's NFC: a scan, a write, or both, until [`Session::stop`] (or drop) aborts them.
pub struct Session {
    reader: NdefReader,
    abort: AbortController,
    options: Object,
    handler: RefCell<Option<Handler>>,
}

impl Session {
    /// A session, or why NFC cannot be used here.
    pub fn new() -> Result<Session, String> {
        let unavailable = || NO_NFC.to_owned();
        if !available() {
            return Err(unavailable());
        }
        let reader = NdefReader::new().map_err(|e| problem(&e).unwrap_or_else(unavailable))?;
        let abort = AbortController::new().map_err(|_| unavailable())?;
        let options = Object::new();
        let _ = Reflect::set(&options, &"signal".into(), &abort.signal());
        Ok(Session {
            reader,
            abort,
            options,
            handler: RefCell::new(None),
        })
    }

    /// Starts scanning: `on_card` gets every card the phone reads from now on. The future resolves once the phone
    /// listens; `Err(None)` when stopped meanwhile.
    pub fn scan(&self, on_card: Box<dyn FnMut(CardRead)>) -> impl Future<Output = Outcome> + use<> {
        // Boxed, not generic: one copy of this code for every screen that reads cards.
        let mut on_card = on_card;
        let handler = Handler::new(move |event: JsValue| {
            // `reading` events carry a message; `readingerror` events do not.
            let records = Reflect::get(&event, &"message".into())
                .ok()
                .filter(JsValue::is_object)
                .map(|m| records(&m));
            on_card(records);
        });
        self.reader.set_onreading(handler.as_ref());
        self.reader.set_onreadingerror(handler.as_ref());
        *self.handler.borrow_mut() = Some(handler);
        settle(self.reader.scan(&self.options))
    }

    /// Writes `records` to the next card placed on the phone; the future resolves once written.
    pub fn write(&self, records: &[WebNfcRecord]) -> impl Future<Output = Outcome> + use<> {
        let list = Array::new();
        for record in records {
            let init = Object::new();
            for (key, value) in [
                ("recordType", Some(&record.record_type)),
                ("lang", record.lang.as_ref()),
                ("encoding", record.encoding.as_ref()),
            ] {
                if let Some(value) = value {
                    let _ = Reflect::set(&init, &key.into(), &value.into());
                }
            }
            // The card's records are a URL and UTF-8 text: Web NFC takes both as strings.
            let data = std::str::from_utf8(&record.data).unwrap_or_default();
            let _ = Reflect::set(&init, &"data".into(), &data.into());
            list.push(&init);
        }
        let message = Object::new();
        let _ = Reflect::set(&message, &"records".into(), &list);
        settle(self.reader.write(&message, &self.options))
    }

    /// Stops scanning and any pending write.
    pub fn stop(&self) {
        self.abort.abort();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How an NFC operation ended: done, or why not in words (`None` when it was stopped on purpose).
pub type Outcome = Result<(), Option<String>>;

/// The promise of a call made now, awaited later: the call itself happens before the first `await`, while the
/// operator's tap still counts as the user activation Web NFC asks for.
async fn settle(promise: Result<js_sys::Promise, JsValue>) -> Outcome {
    let promise = promise.map_err(|e| problem(&e))?;
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|e| problem(&e))
}

/// The records of an `NDEFMessage`, their `DataView`s copied out.
fn records(message: &JsValue) -> Vec<WebNfcRecord> {
    let list = Reflect::get(message, &"records".into()).unwrap_or_default();
    Array::from(&list)
        .iter()
        .map(|r| {
            let text = |key: &str| {
                Reflect::get(&r, &key.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            let data = Reflect::get(&r, &"data".into())
                .ok()
                .and_then(|d| d.dyn_into::<DataView>().ok())
                .map(|d| {
                    Uint8Array::new_with_byte_offset_and_length(
                        &d.buffer(),
                        d.byte_offset() as u32,
                        d.byte_length() as u32,
                    )
                    .to_vec()
                })
                .unwrap_or_default();
            WebNfcRecord {
                record_type: text("recordType").unwrap_or_default(),
                media_type: text("mediaType"),
                id: text("id"),
                encoding: text("encoding"),
                lang: text("lang"),
                data,
            }
        })
        .collect()
}

/// The token on a card, as text the token box reads (the canonical code, or a signed token's text form).
pub fn card_token(records: &[WebNfcRecord]) -> Result<String, Error> {
    Ok(match token_from_ndef(records)? {
        ParsedToken::Code(code) => code.to_string(),
        ParsedToken::Signed(signed) => signed.to_text(),
    })
}

const NO_NFC: &str = "This browser cannot read or write NFC cards: Web NFC is not available here (iPhones and computers do not have it). Use the token's QR code instead.";

/// Why the phone's NFC refused, in words; `None` for an abort (the operator or the screen stopped it).
fn problem(error: &JsValue) -> Option<String> {
    let field = |key: &str| {
        Reflect::get(error, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    Some(match field("name").as_str() {
        "AbortError" => return None,
        "NotAllowedError" => {
            "NFC is not allowed for this site: allow NFC in the browser's site settings, then try again.".into()
        }
        "NotReadableError" | "NotSupportedError" => {
            "NFC is off or missing on this phone: turn NFC on in the phone's settings, then try again.".into()
        }
        "NetworkError" => {
            "The card moved away before it was written: place it again and hold it still.".into()
        }
        "ReferenceError" => NO_NFC.into(),
        name => format!("NFC failed ({name}): {}", field("message")),
    })
}

/// A card tapped on the phone gives its token to `on_card`, like a scanned QR code (tap-to-redeem on the token
/// screen, "read a card" on the Activator), or its error in words; cards are ignored while `paused` holds true.
/// Where Web NFC is missing it says so and points to the QR code.
#[component]
pub fn CardTap(
    on_card: Callback<String>,
    #[prop(optional)] paused: Option<RwSignal<bool>>,
) -> impl IntoView {
    let session = StoredValue::new_local(None::<Session>);
    let listening = RwSignal::new(false);
    // What the screen says about NFC, and whether it is a problem.
    let note = RwSignal::new((false, if available() { "" } else { NO_NFC }.to_owned()));
    on_cleanup(move || drop(session.try_update_value(Option::take)));

    // `asked` is false on the automatic start, which browsers refuse until NFC was allowed once: that refusal
    // shows the button instead of a denial.
    let start = move |asked: bool| {
        let s = match Session::new() {
            Ok(s) => s,
            Err(why) => return note.set((true, why)),
        };
        let read = s.scan(Box::new(move |read: CardRead| {
            if paused.is_some_and(|p| p.get_untracked()) {
                return;
            }
            let said = match read.map(|r| card_token(&r)) {
                Some(Ok(text)) => {
                    on_card.run(text);
                    (false, "Card read.".to_owned())
                }
                Some(Err(e)) => (true, error_words(&e)),
                None => (true, UNREADABLE.to_owned()),
            };
            note.try_set(said);
        }));
        leptos::task::spawn_local(async move {
            match read.await {
                Ok(()) => {
                    listening.try_set(true);
                    note.try_set((
                        false,
                        "NFC is on: tap a token card on the back of the phone.".into(),
                    ));
                }
                Err(Some(why)) if asked => drop(note.try_set((true, why))),
                Err(_) => {}
            }
        });
        session.set_value(Some(s));
    };
    if available() {
        start(false);
    }

    view! {
        <p aria-live="polite" class=move || if note.get().0 { "error" } else { "help" }>{move || note.get().1}</p>
        {move || (available() && !listening.get()).then(|| view! {
            <button type="button" on:click=move |_| start(true)>"Read NFC cards"</button>
        })}
    }
}

/// Shown when the phone saw a card it could not read.
pub const UNREADABLE: &str = "The phone saw a card but could not read it: it may be blank, not formatted for NFC messages, or moved away too soon. Place it again.";

/// A core error about a card, with its stable code for support.
pub fn error_words(error: &Error) -> String {
    format!(
        "This card cannot be used ({}): {}",
        error.code(),
        super::model::sentence(error.message())
    )
}
