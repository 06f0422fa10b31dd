//! `/admin/signing-keys`: the organisation's Ed25519 signing keys. Rotating makes a new key sign new tokens while
//! the previous one still verifies what it signed (printed QR codes keep working); retiring a previous key makes
//! its QR codes stop working and moves its tokens to the current key. Each action says so before and after.

use std::sync::Arc;

use leptos::prelude::*;

use super::kit::{self, Cell, Control};
use super::org_model::{KeyStatus, SigningKey, minute, retired_words, rotated_words, status_label};

const KEYS: &str = "/api/v1/signing-keys";

/// `/admin/signing-keys`.
#[component]
pub fn SigningKeysPage() -> impl IntoView {
    kit::admin_page("Signing Keys", signing_keys)
}

fn signing_keys() -> AnyView {
    let keys = RwSignal::new(Vec::<SigningKey>::new());
    let said = kit::said();
    let reload = move || kit::load(KEYS, keys, said);
    reload();

    let rotate_said = kit::said();
    let rotate = move || {
        kit::run(
            rotate_said,
            "The key was not rotated".into(),
            kit::post(format!("{KEYS}/rotate")),
            Box::new(|key| rotated_words(key["key_id"].as_u64().unwrap_or_default())),
            kit::always(reload),
        );
    };
    let retire = move |id: u32| {
        kit::run(
            said,
            format!("Key {id} was not retired"),
            kit::post(format!("{KEYS}/{id}/retire")),
            Box::new(move |key| {
                retired_words(id, key["moved_tokens"].as_u64().unwrap_or_default())
            }),
            kit::always(reload),
        );
    };

    let rows = move || {
        keys.get()
            .into_iter()
            .map(|key| {
                let id = key.key_id;
                let retire = (key.status == KeyStatus::Previous).then(|| {
                    kit::irreversible(
                        "Retire",
                        format!("Retire key {id}"),
                        "Retire this key? Every QR code signed with it stops working, on phones too once they sync; \
                         its tokens must be shown again and reprinted.",
                        move || retire(id),
                    )
                });
                vec![
                    Cell::Head(format!("Key {id}")),
                    Cell::Text(status_label(&key).to_owned()),
                    Cell::Text(minute(&key.created_at.0)),
                    Cell::Text(key.tokens.to_string()),
                    Cell::Buttons(retire.into_iter().collect()),
                ]
            })
            .collect()
    };

    [
        kit::form("rotate-title", "Rotate the signing key", vec![
            Control::Note("A new key will sign every new token. The current key becomes a previous key and still verifies \
                the tokens it signed, so QR codes already printed keep working."),
        ], "Rotate key", Some(rotate_said), Arc::new(rotate)),
        view! { <h2>"Keys"</h2> }.into_any(),
        kit::control(Control::Note("Retiring a previous key makes the QR codes signed with it stop working. Its tokens move \
            to the current key, so showing them again gives a new QR code to print.")),
        kit::said_view(said),
        kit::table("The organisation's signing keys, oldest first".into(),
            vec!["Key", "Status", "Created", "Tokens", "Actions"], Arc::new(rows)),
    ]
    .into_iter()
    .collect_view()
    .into_any()
}
