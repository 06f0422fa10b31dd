//! What the access token pages share: the page frame that checks the session's permissions, the live regions
//! that say what an action did or why the MDM refused it, calls and list loading, and forms and tables
//! described as data ([`Control`], [`Cell`]). The PWA's size is budgeted and every distinct Leptos view is
//! compiled code, so pages describe their forms and rows and these few functions render all of them; page
//! bodies are plain `fn`s and calls are boxed, so nothing here is compiled again per page.

use std::sync::Arc;

use fieldtoken_core::{Permission, PermissionSet};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use serde::de::DeserializeOwned;
use serde_json::Value;

use fieldtoken_api::devices::Me;

use super::model::{Page, held};
use crate::api;

/// Every fleet of the organisation, for `api::get_all`: the largest page, so most organisations' fleets come in one
/// request.
pub const ALL_FLEETS: &str = "/api/v1/fleets?limit=200";
use crate::session;

/// What the page can offer, from the session's `fms.accesstoken.*` permissions.
#[derive(Clone, Copy)]
pub struct Can {
    /// `fms.accesstoken.create`: the "New ..." forms.
    pub create: bool,
    /// `fms.accesstoken.update`: state changes, links, terminations.
    pub update: bool,
    /// `fms.accesstoken.delete`: "Delete".
    pub delete: bool,
}

/// An access token page: the admin navigation, the `title` heading, then `body` once the MDM confirmed the
/// session may read access tokens (else the missing permission is named).
pub fn access_page(title: &'static str, body: fn(Can) -> AnyView) -> AnyView {
    guarded_page(
        title,
        Permission::AccessTokenRead,
        Arc::new(move |held| {
            body(Can {
                create: held.contains(Permission::AccessTokenCreate),
                update: held.contains(Permission::AccessTokenUpdate),
                delete: held.contains(Permission::AccessTokenDelete),
            })
        }),
    )
}

/// An organisation administration page (roles, users, signing keys): like [`access_page`], for `fms.admin`.
pub fn admin_page(title: &'static str, body: fn() -> AnyView) -> AnyView {
    guarded_page(title, Permission::Admin, Arc::new(move |_| body()))
}

/// A page that needs `need` (the redemption history: `fms.actiontoken.read`): like [`admin_page`].
pub fn permission_page(title: &'static str, need: Permission, body: fn() -> AnyView) -> AnyView {
    guarded_page(title, need, Arc::new(move |_| body()))
}

/// The frame of every page that needs one permission: the admin navigation, the `title` heading, then `body`
/// with the session's permissions once the MDM confirmed it holds `need` (else `need` is named).
pub fn guarded_page(
    title: &'static str,
    need: Permission,
    body: Arc<dyn Fn(PermissionSet) -> AnyView + Send + Sync>,
) -> AnyView {
    if session::token().is_none() {
        return view! { <Redirect path="/admin/sign-in"/> }.into_any();
    }
    let me = LocalResource::new(|| api::get::<Me>("/api/v1/me"));
    view! {
        <section aria-labelledby="page-title" class="wide">
            <super::AdminNav/>
            <h1 id="page-title">{title}</h1>
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || me.get().map(|answer| match answer {
                    Ok(me) => {
                        let held = held(&me);
                        if held.contains(need) {
                            body(held)
                        } else {
                            view! {
                                <p role="alert" class="error">
                                    "Your account does not have the permission " <code>{need.as_str()}</code>
                                    " needed for this page."
                                </p>
                            }.into_any()
                        }
                    }
                    Err(why) if why.is_unauthenticated() => {
                        session::sign_out();
                        view! { <Redirect path="/admin/sign-in"/> }.into_any()
                    }
                    Err(why) => view! { <p role="alert" class="error">{format!("Could not load your account: {why}.")}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

/// What the last action did (`Ok`) or why it was refused (`Err`), in words.
pub type Said = RwSignal<Option<Result<String, String>>>;

/// A new, silent [`Said`].
pub fn said() -> Said {
    RwSignal::new(None)
}

/// The live regions of `said`, placed next to the controls they speak for: outcomes are announced politely,
/// refusals as alerts.
pub fn said_view(said: Said) -> AnyView {
    view! {
        <p role="status" aria-live="polite" class="help">{move || said.get().and_then(Result::ok)}</p>
        {move || said.get().and_then(Result::err).map(|why| view! { <p role="alert" class="error">{why}</p> })}
    }
    .into_any()
}

/// What runs after a call to the MDM, given its answer when it succeeded (`None` after a refusal).
pub type Then = Box<dyn FnOnce(Option<Value>)>;

/// A [`Then`] that reloads whatever the answer: for actions whose effects reach past the one thing they name.
pub fn always(reload: impl FnOnce() + 'static) -> Then {
    Box::new(move |_| reload())
}

/// Runs a call to the MDM: `method path` with `body`; `done` words the answer, and a refusal is said as
/// `"{failed}: {the MDM's words}."`. `then` runs either way, with the answer when there is one: a page may
/// take the changed item from it, and reload after a refusal, since a refusal may mean its list is stale.
/// Boxed rather than generic: every action of every page shares this one function.
pub fn run(
    said: Said,
    failed: String,
    (method, path, body): (&'static str, String, Option<Value>),
    done: Box<dyn FnOnce(&Value) -> String>,
    then: Then,
) {
    spawn_local(async move {
        let answer = api::request::<Value>(method, &path, body.as_ref()).await;
        said.set(Some(match &answer {
            Ok(answer) => Ok(done(answer)),
            Err(why) => Err(format!("{failed}: {why}.")),
        }));
        then(answer.ok());
    });
}

/// `POST path` with an empty object, as the actions take it.
pub fn post(path: String) -> (&'static str, String, Option<Value>) {
    ("POST", path, Some(serde_json::json!({})))
}

/// Loads the whole list at `path` into `into`, following the MDM's `next` cursors page after page, and sets it
/// once complete (a half list would hide tokens from the card and the party rows while it loads); a failure is
/// said in words.
pub fn load<T: DeserializeOwned + Send + Sync + 'static>(
    path: &'static str,
    into: RwSignal<Vec<T>>,
    said: Said,
) {
    let mut all = Vec::new();
    load_text(
        path,
        said,
        Box::new(move |text, last| {
            let page = serde_json::from_str::<Page<T>>(text)
                .map_err(|why| format!("the MDM answered in an unexpected way ({why})"))?;
            all.extend(page.items);
            if last {
                into.set(std::mem::take(&mut all));
            }
            Ok(())
        }),
    );
}

/// Decodes one page's text into the list being gathered (`true`: the last page, so the list is complete), or
/// says why it cannot.
type Store = Box<dyn FnMut(&str, bool) -> Result<(), String>>;

/// A page of any list, read only for the cursor of the page after it.
type Next = fieldtoken_api::Page<serde::de::IgnoredAny>;

/// [`load`]'s part that does not depend on the item type, compiled once: fetch each page, hand its text on.
fn load_text(path: &'static str, said: Said, mut store: Store) {
    spawn_local(async move {
        let mut cursor = None::<String>;
        let stored = loop {
            let page_path = api::page_path(path, cursor.as_deref());
            let text = match api::get_text(&page_path).await {
                Ok(text) => text,
                Err(why) => break Err(why.to_string()),
            };
            let next = serde_json::from_str::<Next>(&text)
                .ok()
                .and_then(|page| page.next)
                // A cursor given twice would loop for ever: the list ends there instead.
                .filter(|next| cursor.as_ref() != Some(next));
            if let Err(why) = store(&text, next.is_none()) {
                break Err(why);
            }
            match next {
                Some(next) => cursor = Some(next),
                None => break Ok(()),
            }
        };
        if let Err(why) = stored {
            said.set(Some(Err(format!(
                "Could not load this page's lists: {why}."
            ))));
        }
    });
}

/// A button of a table row or a form, as data.
#[derive(Clone)]
pub struct Button {
    /// What it shows.
    pub label: String,
    /// Its accessible name, telling apart the same label on several rows ("Delete #3").
    pub name: String,
    /// Its class: `""`, `"primary"`, `"danger"` or `"link"`.
    pub class: &'static str,
    /// What pressing it does.
    pub on: Arc<dyn Fn() + Send + Sync>,
    /// For actions that cannot be undone: the question asked first, with what will stop working.
    pub confirm: Option<&'static str>,
}

/// A [`Button`].
pub fn button(
    label: impl Into<String>,
    name: String,
    class: &'static str,
    on: impl Fn() + Send + Sync + 'static,
) -> Button {
    Button {
        label: label.into(),
        name,
        class,
        on: Arc::new(on),
        confirm: None,
    }
}

/// A [`Button`] for an action that cannot be undone: pressing it asks `question` first, and only the second
/// button (named like this one, "Retire key 2") acts.
pub fn irreversible(
    label: impl Into<String>,
    name: String,
    question: &'static str,
    on: impl Fn() + Send + Sync + 'static,
) -> Button {
    Button {
        confirm: Some(question),
        ..button(label, name, "danger", on)
    }
}

/// Renders a [`Button`] (a confirming one asks first).
pub fn button_view(button: Button) -> AnyView {
    let Button {
        label,
        name,
        class,
        on,
        confirm,
    } = button;
    let Some(question) = confirm else {
        // A name equal to the label would only repeat it, and make "Reset verification code" a label too.
        let name = (name != label).then_some(name);
        return view! {
            <button type="button" class=class aria-label=name on:click=move |_| on()>{label}</button>
        }
        .into_any();
    };
    let asking = RwSignal::new(false);
    // Focus goes to "Cancel", not to the action: a keyboard user who pressed Enter twice by habit loses nothing.
    let cancel = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || {
        if let Some(cancel) = cancel.get() {
            let _ = cancel.focus();
        }
    });
    // Cancelling (the button or Escape) puts focus back on the button that asked, so the keyboard user is where
    // they were instead of at the top of the page.
    let cancelled = RwSignal::new(false);
    let opener = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || {
        if let Some(opener) = opener.get()
            && cancelled.get_untracked()
        {
            cancelled.set(false);
            let _ = opener.focus();
        }
    });
    let cancel_now = move || {
        cancelled.set(true);
        asking.set(false);
    };
    let asked = {
        let name = name.clone();
        move || {
            let on = on.clone();
            view! {
                <div role="alertdialog" aria-label=question class="confirm"
                    on:keydown=move |event| if event.key() == "Escape" { cancel_now() }>
                    <p>{question}</p>
                    <button type="button" class="danger" on:click=move |_| { asking.set(false); on() }>{name.clone()}</button>
                    <button type="button" node_ref=cancel on:click=move |_| cancel_now()>"Cancel"</button>
                </div>
            }
        }
    };
    let name = (name != label).then_some(name);
    view! {
        <Show when=move || asking.get() fallback=move || view! {
            <button type="button" class=class aria-label=name.clone() aria-haspopup="dialog" node_ref=opener
                on:click=move |_| asking.set(true)>{label.clone()}</button>
        }>{asked.clone()}</Show>
    }
    .into_any()
}

/// A form control, as data: every form of the access token pages is rendered by [`control`], so they
/// share one code path instead of one per form (the PWA's size is budgeted).
#[derive(Clone)]
pub enum Control {
    /// A labelled input of this `kind` (`text`, `password` or `number`).
    Input(String, &'static str, &'static str, RwSignal<String>),
    /// A labelled checkbox.
    Check(&'static str, RwSignal<bool>),
    /// A labelled select of `(value, label)` options, with an empty first choice when one is named.
    Select(
        String,
        &'static str,
        Option<&'static str>,
        Arc<dyn Fn() -> Vec<(String, String)> + Send + Sync>,
        RwSignal<String>,
    ),
    /// A fieldset: its legend, class and controls.
    Group(&'static str, &'static str, Vec<Control>),
    /// A line of help.
    Note(&'static str),
    /// A control shown only while the condition holds.
    When(Arc<dyn Fn() -> bool + Send + Sync>, Arc<Control>),
    /// Buttons beside the submit button's row.
    Buttons(Vec<Button>),
}

/// Renders a [`Control`].
pub fn control(control: Control) -> AnyView {
    match control {
        Control::Input(id, label, kind, value) => view! {
            <label for=id.clone()>{label}</label>
            <input id=id type=kind autocomplete="off" prop:value=value
                on:input=move |event| value.set(event_target_value(&event))/>
        }
        .into_any(),
        Control::Check(label, value) => view! {
            <label class="choice">
                <input type="checkbox" prop:checked=value
                    on:change=move |event| value.set(event_target_checked(&event))/>
                {label}
            </label>
        }
        .into_any(),
        Control::Select(id, label, none, options, value) => view! {
            <label for=id.clone()>{label}</label>
            <select id=id prop:value=value on:change=move |event| value.set(event_target_value(&event))>
                {none.map(|none| view! { <option value="">{none}</option> })}
                {move || options().into_iter().map(|(v, l)| {
                    let selected = value.get_untracked() == v;
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        Control::Group(legend, class, controls) => view! {
            <fieldset class=class>
                <legend>{legend}</legend>
                {controls.into_iter().map(self::control).collect_view()}
            </fieldset>
        }
        .into_any(),
        Control::Note(text) => view! { <p class="help">{text}</p> }.into_any(),
        Control::When(shown, inner) => {
            (move || shown().then(|| self::control((*inner).clone()))).into_any()
        }
        Control::Buttons(buttons) => view! {
            <div class="actions">{buttons.into_iter().map(button_view).collect_view()}</div>
        }
        .into_any(),
    }
}

/// A form titled `title` (an `h2`, or an `h3` inside a card): its controls, where it says what happened
/// (unless its card does), and its submit button.
pub fn form(
    id: &'static str,
    title: &'static str,
    controls: Vec<Control>,
    submit: &'static str,
    said: Option<Said>,
    on_submit: Arc<dyn Fn() + Send + Sync>,
) -> AnyView {
    let heading = if said.is_some() {
        view! { <h2 id=id>{title}</h2> }.into_any()
    } else {
        view! { <h3 id=id>{title}</h3> }.into_any()
    };
    view! {
        <form class:card=said.is_some() aria-labelledby=id novalidate
            on:submit=move |event: leptos::ev::SubmitEvent| { event.prevent_default(); on_submit() }>
            {heading}
            {controls.into_iter().map(control).collect_view()}
            {said.map(said_view)}
            <button type="submit" class="primary">{submit}</button>
        </form>
    }
    .into_any()
}

/// A table cell, as data.
pub enum Cell {
    /// The row's header (its name).
    Head(String),
    /// Text.
    Text(String),
    /// The row's buttons.
    Buttons(Vec<Button>),
    /// A list of texts, each with an optional button.
    List(Vec<(String, Option<Button>)>),
}

fn cell(cell: Cell) -> AnyView {
    match cell {
        Cell::Head(text) => view! { <th scope="row">{text}</th> }.into_any(),
        Cell::Text(text) => view! { <td>{text}</td> }.into_any(),
        Cell::Buttons(buttons) => view! {
            // The flex box is inside the cell: a flex `td` leaves the table's layout.
            <td><div class="row-actions">{buttons.into_iter().map(button_view).collect_view()}</div></td>
        }
        .into_any(),
        Cell::List(items) => view! {
            <td><ul class="plain-list">
                {items.into_iter().map(|(text, button)| view! { <li>{text} " " {button.map(button_view)}</li> }).collect_view()}
            </ul></td>
        }
        .into_any(),
    }
}

/// A table with a (visually hidden) caption, column headers, and rows that follow `rows`. It scrolls sideways in
/// a focusable region named by its caption, so a keyboard user can scroll a wide one too; an empty one says so.
pub fn table(
    caption: String,
    headers: Vec<&'static str>,
    rows: Arc<dyn Fn() -> Vec<Vec<Cell>> + Send + Sync>,
) -> AnyView {
    let counted = rows.clone();
    let empty = Memo::new(move |_| counted().is_empty());
    let region = caption.clone();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=region>
            <table>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>
                    {headers.into_iter().map(|header| view! { <th scope="col">{header}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {move || rows().into_iter().map(|row| view! {
                        <tr>{row.into_iter().map(cell).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Show when=move || empty.get()>
            <p class="empty">"None yet."</p>
        </Show>
    }
    .into_any()
}

/// The number in a select's value, when one is chosen (tracked: a view that reads it follows the choice).
pub fn chosen(value: RwSignal<String>) -> Option<u32> {
    value.with(|v| v.parse().ok())
}
