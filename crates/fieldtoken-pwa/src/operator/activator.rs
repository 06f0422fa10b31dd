//! The Activator, the seed's "Action Token Activator" on the Master Device. One token on screen, from its
//! old-format QR code, typed, or read from a card placed on the phone (with the card's error and its stable code
//! when it holds no usable token), with its offline verdict; "Activate token" writes its code to an NFC card in
//! the core's layout, reads the card back and compares. Which codes may be written is the core's answer (the
//! offline bundle's code directory and the token's expiry); a signed token is refused, as cards hold codes.

use std::cell::Cell;
use std::rc::Rc;

use fieldtoken_core::ndef::{NTAG213_USER_BYTES, card_memory, card_records};
use fieldtoken_core::{Error, LinkBase, ParsedToken, TokenCode, VerifiedToken};
use fieldtoken_core::{card_code, token_from_ndef, verify_token};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::camera::Camera;
use super::model::{Feedback, code_feedback, server_now};
use super::nfc::{self, CARD_WARNING, CardRead, CardTap, Session, UNREADABLE, error_words};
use super::token::{Offline, TokenBox, Verdict, focus, load_bundle};

/// The card's link points at the MDM this PWA came from.
fn card_base() -> Result<LinkBase, Error> {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    LinkBase::parse(&origin)
}

/// The code to write, or the core's reason to refuse it (not in the code directory, expired, deleted, ...).
fn plan(text: &str, offline: Offline) -> Option<Result<(TokenCode, VerifiedToken), Error>> {
    if !matches!(code_feedback(text), Feedback::Readable(_)) {
        return None;
    }
    offline.bundle.with(|b| {
        let b = b.as_ref()?;
        Some(
            card_code(text)
                .and_then(|code| verify_token(text, &b.core, server_now()).map(|v| (code, v))),
        )
    })
}

/// The Activator screen: the token, its verdict, and "Activate token".
#[component]
pub fn Activator() -> impl IntoView {
    let offline = Offline::new();
    load_bundle(offline);
    let text = RwSignal::new(String::new());
    // What the live region says, and whether it is a problem.
    let status = RwSignal::new((false, String::new()));
    let session = StoredValue::new_local(None::<Session>);
    let busy = RwSignal::new(false);
    // Stops without dropping the session: a card handler inside it may be what is running.
    let halt = move || {
        session.try_with_value(|s| s.as_ref().map(Session::stop));
        busy.try_set(false);
    };
    on_cleanup(halt);
    let say = move |problem: bool, words: String| drop(status.try_set((problem, words)));
    let plan = move || plan(&text.get(), offline);

    let activate = move |_| {
        let Some(Ok((code, token))) = plan() else {
            return;
        };
        let prepared = card_base()
            .map_err(|e| error_words(&e))
            .and_then(|base| Ok((Session::new()?, base)));
        let (s, base) = match prepared {
            Ok(p) => p,
            Err(why) => return say(true, why),
        };
        let bytes = card_memory(&code, &base).len();
        let expected = ParsedToken::Code(code);
        // The phone listens while it writes, so the read-back is the first card read after the write.
        let written = Rc::new(Cell::new(false));
        let done = written.clone();
        let listen = s.scan(Box::new(move |read: CardRead| {
            if !written.get() {
                return;
            }
            let again = " Keep the card under the device, or lift it and place it again.";
            let said = match read.map(|r| token_from_ndef(&r)) {
                Some(Ok(t)) if t == expected => {
                    halt();
                    if let Some(w) = web_sys::window() {
                        w.navigator().vibrate_with_duration(200);
                    }
                    format!(
                        "Card ready: it holds token #{} ({code}), {bytes} of an NTAG213's {NTAG213_USER_BYTES} bytes.",
                        token.token_id.get()
                    )
                }
                Some(Ok(_)) => format!("The card holds another token.{again}"),
                Some(Err(e)) => format!("{}{again}", error_words(&e)),
                None => UNREADABLE.to_owned(),
            };
            say(false, said);
        }));
        let write = s.write(&card_records(&code, &base));
        halt();
        session.set_value(Some(s));
        busy.set(true);
        say(false, "Place the card under the device.".into());
        spawn_local(async move {
            let outcome = match listen.await {
                Ok(()) => write.await,
                failed => failed,
            };
            match outcome {
                Ok(()) => {
                    done.set(true);
                    say(
                        false,
                        "Written. Checking the card: keep it under the device, or lift it and place it again."
                            .into(),
                    );
                }
                Err(why) => {
                    halt();
                    say(true, why.unwrap_or_default());
                }
            }
        });
    };

    view! {
        <section aria-labelledby="activator-title">
            <h1 id="activator-title">"Activator"</h1>
            <p class="warning">
                <strong>"Warning: "</strong>
                {CARD_WARNING}
            </p>
            <Camera on_scan=Callback::new(move |scanned: String| {
                text.set(scanned);
                focus("token-code");
            })/>
            <h2>"Read card"</h2>
            <p class="help">"Place a card on the back of the phone: what it holds, and whether it can be used, shows below."</p>
            <CardTap on_card=Callback::new(move |read: String| text.set(read)) paused=busy/>
            <TokenBox text=text changed=Callback::new(move |()| say(false, String::new()))/>
            <p class="help">{move || offline.note.get()}</p>
            {move || plan().map(|p| view! { <Verdict verdict=p.map(|(_, v)| v) bundle=offline.bundle/> })}
            <button
                type="button"
                class="primary big"
                disabled=move || busy.get() || !nfc::available() || !matches!(plan(), Some(Ok(_)))
                on:click=activate
            >
                "Activate token"
            </button>
            <button type="button" hidden=move || !busy.get() on:click=move |_| {
                halt();
                say(false, String::new());
            }>"Cancel"</button>
            <p role="status" class=move || if status.get().0 { "error" } else { "help" }>
                {move || status.get().1}
            </p>
        </section>
    }
}
