//! The side panel of seed 000: the selected token's QR code rendered here by the core (no image from the
//! server), a toggle between "New format" and "Old format" with each one's compatibility, a big "Download"
//! button (PNG, SVG as a second choice), the code with a copy button, a print view, "Duplicate" (the same action
//! with a new expiry and a new code) and "Delete".

use fieldtoken_core::{Ecc, QrMatrix};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::model::{ActionToken, TokenStatus, action_words};
use super::time;
use crate::api;
use fieldtoken_api::RequestTime;
use fieldtoken_api::action_tokens::DuplicateActionToken;

/// Pixels per QR module in the downloaded PNG: big enough to print sharp on a label.
const PNG_SCALE: u32 = 10;
/// The quiet zone every reader needs, in modules.
const QUIET_ZONE: u32 = 4;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    New,
    Old,
}

/// The panel for `token`.
#[component]
pub fn TokenPanel(
    token: ActionToken,
    can_delete: bool,
    can_create: bool,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    on_deleted: impl Fn(u32) + Copy + Send + Sync + 'static,
    on_duplicated: impl Fn(ActionToken) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let duplicating = RwSignal::new(false);
    let copy_expiry = RwSignal::new(time::local_input_in_days(7.0));
    let format = RwSignal::new(Format::New);
    let confirming = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let texts = token.qr.clone();
    let text = Memo::new(move |_| match format.get() {
        Format::New => texts.new.clone(),
        Format::Old => texts.old.clone(),
    });
    // Copy, so every button and the view can render the same matrix.
    let qr = move || QrMatrix::encode(&text.get(), Ecc::M);
    let file_stem = file_stem(&token.name);

    let download_png = {
        let stem = file_stem.clone();
        move |_| match qr() {
            Ok(matrix) => match png_data_url(&matrix) {
                Some(url) => save(
                    &url,
                    &format!("{stem}-{}.png", suffix(format.get_untracked())),
                ),
                None => message.set(Some("This browser could not draw the PNG; use SVG.".into())),
            },
            Err(why) => message.set(Some(why.to_string())),
        }
    };
    let download_svg = move |_| {
        if let Ok(matrix) = qr() {
            let svg = matrix.to_svg(PNG_SCALE, QUIET_ZONE);
            let url = format!(
                "data:image/svg+xml;charset=utf-8,{}",
                js_sys::encode_uri_component(&svg)
            );
            save(
                &url,
                &format!("{file_stem}-{}.svg", suffix(format.get_untracked())),
            );
        }
    };
    let code = token.code.clone();
    let copy = move |_| {
        let code = code.clone();
        spawn_local(async move {
            let copied = match web_sys::window() {
                Some(window) => {
                    let promise = window.navigator().clipboard().write_text(&code);
                    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
                }
                None => false,
            };
            message.set(Some(if copied {
                "Code copied.".into()
            } else {
                "Copying is not allowed here: select the code instead.".into()
            }));
        });
    };
    let id = token.id;
    let delete = move |_| {
        spawn_local(async move {
            match api::delete(&format!("/api/v1/action-tokens/{id}")).await {
                Ok(()) => on_deleted(id),
                Err(why) if why.is_forbidden() => {
                    message.set(Some("You are not allowed to delete action tokens.".into()))
                }
                Err(why) => message.set(Some(format!("The token was not deleted: {why}."))),
            }
        });
    };
    let duplicate = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(expires_at) = time::local_input_to_utc(&copy_expiry.get_untracked()) else {
            message.set(Some(
                "Select a valid expiry date and time for the copy.".into(),
            ));
            return;
        };
        let body = serde_json::to_value(DuplicateActionToken {
            expires_at: RequestTime::Text(expires_at),
            name: None,
        })
        .unwrap_or_default();
        message.set(Some("Creating the copy…".into()));
        spawn_local(async move {
            match api::post::<ActionToken>(&format!("/api/v1/action-tokens/{id}/duplicate"), &body)
                .await
            {
                Ok(copy) => {
                    duplicating.set(false);
                    on_duplicated(copy);
                }
                Err(why) if why.is_forbidden() => {
                    message.set(Some("You are not allowed to create action tokens.".into()))
                }
                Err(why) => message.set(Some(format!("The copy was not created: {why}."))),
            }
        });
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };

    view! {
        <aside class="panel" aria-labelledby="panel-title">
            <div class="panel-head">
                <h2 id="panel-title">{token.name.clone()}</h2>
                <button type="button" class="close" aria-label="Close the panel" on:click=move |_| on_close()>"×"</button>
            </div>
            <dl class="facts">
                <dt>"Action"</dt><dd>{action_words(&token.action)}</dd>
                <dt>"Expires"</dt><dd><time datetime=token.expires_at.0.clone()>{time::display(&token.expires_at.0)}</time></dd>
                <dt>"Status"</dt><dd>{if token.status == TokenStatus::Active { "Valid" } else { "Expired" }}</dd>
            </dl>
            <div class="toggle" role="group" aria-label="QR code format">
                <button type="button" aria-pressed=move || (format.get() == Format::New).to_string()
                    on:click=move |_| format.set(Format::New)>"New format"</button>
                <button type="button" aria-pressed=move || (format.get() == Format::Old).to_string()
                    on:click=move |_| format.set(Format::Old)>"Old format"</button>
            </div>
            <p class="help">
                {move || match format.get() {
                    Format::New => "Signed, checked offline on the phone. For devices that scan it directly (Famoco Layer 3.14.0 or above; the fieldtoken app).",
                    Format::Old => "The token code only. For the Action Token Activator on a Master Device, which writes it to an NFC card (Famoco Layer below 3.14.0).",
                }}
            </p>
            <figure class="qr">
                {move || match qr() {
                    Ok(matrix) => view! {
                        <div class="qr-image" role="img"
                            aria-label=move || format!("QR code, {}", if format.get() == Format::New { "new format" } else { "old format" })
                            inner_html=matrix.to_svg(4, QUIET_ZONE)></div>
                    }.into_any(),
                    Err(why) => view! { <p role="alert" class="error">{why.to_string()}</p> }.into_any(),
                }}
                <figcaption class="print-only">
                    {token.name.clone()} " · " {action_words(&token.action)} " · expires " {time::display(&token.expires_at.0)}
                </figcaption>
            </figure>
            <button type="button" class="primary big" on:click=download_png>"Download"</button>
            <button type="button" class="secondary" on:click=download_svg>"Download SVG"</button>
            <p class="code-line">
                <span>"Code "</span>
                <code class="token-code">{token.code.clone()}</code>
                <button type="button" on:click=copy>"Copy code"</button>
            </p>
            <button type="button" on:click=print>"Print"</button>
            {can_create.then(|| view! {
                <Show when=move || duplicating.get() fallback=move || view! {
                    <button type="button" on:click=move |_| duplicating.set(true)>"Duplicate"</button>
                }>
                    <form class="confirm" aria-labelledby="duplicate-title" on:submit=duplicate>
                        <p id="duplicate-title">"A copy with the same action, a new code and this expiry:"</p>
                        <label for="copy-expiry">"Copy expires"</label>
                        <input id="copy-expiry" type="datetime-local" required
                            prop:value=copy_expiry on:input=move |event| copy_expiry.set(event_target_value(&event))/>
                        <button type="submit" class="primary">"Create copy"</button>
                        <button type="button" on:click=move |_| duplicating.set(false)>"Cancel"</button>
                    </form>
                </Show>
            })}
            {can_delete.then(|| view! {
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="danger" on:click=move |_| confirming.set(true)>"Delete"</button>
                }>
                    <div role="alertdialog" aria-labelledby="confirm-delete" class="confirm">
                        <p id="confirm-delete">"Delete this token? Printed QR codes and written cards stop working at the next sync."</p>
                        <button type="button" class="danger" on:click=delete>"Delete token"</button>
                        <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </Show>
            })}
            <p role="status" aria-live="polite" class="help">{move || message.get()}</p>
            <super::history::LastUses token=token.id/>
        </aside>
    }
}

fn suffix(format: Format) -> &'static str {
    match format {
        Format::New => "new",
        Format::Old => "old",
    }
}

/// A file name from the token's name: letters, digits and dashes.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    if stem.is_empty() {
        "action-token".into()
    } else {
        stem.into()
    }
}

/// Draws the matrix on a canvas and returns it as a PNG data URL: the browser's own PNG encoder.
fn png_data_url(matrix: &QrMatrix) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    let side = (matrix.width() as u32 + 2 * QUIET_ZONE) * PNG_SCALE;
    canvas.set_width(side);
    canvas.set_height(side);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, f64::from(side), f64::from(side));
    context.set_fill_style_str("#000000");
    let scale = f64::from(PNG_SCALE);
    for y in 0..matrix.width() {
        for x in 0..matrix.width() {
            if matrix.is_dark(x, y) {
                let left = (x as f64 + f64::from(QUIET_ZONE)) * scale;
                let top = (y as f64 + f64::from(QUIET_ZONE)) * scale;
                context.fill_rect(left, top, scale, scale);
            }
        }
    }
    canvas.to_data_url_with_type("image/png").ok()
}

/// Saves `url` as `name` through a temporary link (the way browsers let a page download).
pub(super) fn save(url: &str, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(link) = document.create_element("a") else {
        return;
    };
    let link: web_sys::HtmlAnchorElement = link.unchecked_into();
    link.set_href(url);
    link.set_download(name);
    if let Some(body) = document.body() {
        let _ = body.append_child(&link);
        link.click();
        link.remove();
    }
}
