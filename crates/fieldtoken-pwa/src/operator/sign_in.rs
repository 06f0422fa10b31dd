//! `/sign-in`: operators identify themselves with their access token (CRM.COM model): identifier and pass
//! code, or the authentication code alone. Only an Effective token opens a session; the MDM says why
//! another does not (the core's words), and the screen shows that sentence as it is.
//!
//! The organisation comes first: from the phone's configuration (`fieldtoken.org`, which the sign-in address
//! `/sign-in?org=3`, a link an administrator hands out, sets, and each session confirms), sent with every sign-in;
//! typed only when the MDM serves several organisations and the phone knows none. A 'Pending Verification' token
//! is verified here with the code the operator was sent, then signed in.

use fieldtoken_api::operator::OperatorSession;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

use crate::{api, session};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    PassCode,
    AuthenticationCode,
}

/// Who is signed in on the operator screens (see [`OperatorSessionBar`]); the shell provides it.
#[derive(Clone, Copy)]
pub struct SignedIn(pub RwSignal<Option<String>>);

impl SignedIn {
    /// As this browser remembers it.
    pub fn remembered() -> SignedIn {
        SignedIn(RwSignal::new(session::operator()))
    }
}

/// On every operator screen while a session is open: who is signed in, and "Sign out", which ends the session on
/// the MDM when it can be reached and on this phone in any case (the queue then waits for the next sign-in).
#[component]
pub fn OperatorSessionBar() -> impl IntoView {
    let SignedIn(who) = use_context::<SignedIn>().unwrap_or_else(SignedIn::remembered);
    let sign_out = move |_| {
        let token = session::token();
        session::sign_out();
        who.set(None);
        spawn_local(async move {
            let _ = super::store::save_session(None).await;
            if token.is_some() {
                // Best effort: offline, the session still ends on the MDM at its expiry.
                let _ = api::delete_as("/api/v1/operator/session", token.as_deref()).await;
            }
        });
    };
    view! {
        <Show when=move || who.get().is_some()>
            <div class="session-bar">
                <span>"Signed in as " <strong>{move || who.get()}</strong></span>
                <button type="button" on:click=sign_out>"Sign out"</button>
            </div>
        </Show>
    }
}

/// Where the phone keeps the organisation it signs in to (its configuration): set from the sign-in address
/// (`/sign-in?org=3`), or typed, and confirmed by each session the MDM opens.
const ORG_KEY: &str = "fieldtoken.org";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The organisation this phone signs in to: the sign-in address's, else the one it remembers.
fn configured_org() -> Option<String> {
    org_of_address().or_else(|| {
        storage()?
            .get_item(ORG_KEY)
            .ok()?
            .filter(|org| org.parse::<u32>().is_ok())
    })
}

fn remember_org(org: u32) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(ORG_KEY, &org.to_string());
    }
}

/// The operator's sign-in screen.
#[component]
pub fn OperatorSignIn() -> impl IntoView {
    let method = RwSignal::new(Method::PassCode);
    let identifier = RwSignal::new(String::new());
    let pass_code = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let verification_code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let signed_in = RwSignal::new(None::<u32>);
    let busy = RwSignal::new(false);
    // The organisation comes first: from the address or the phone's configuration; asked for only when the MDM
    // holds several and the phone knows none.
    let org = RwSignal::new(configured_org().unwrap_or_default());
    let ask_org = RwSignal::new(false);
    // The MDM said the token is Pending Verification: the operator types the code they were sent.
    let verifying = RwSignal::new(false);
    let bar = use_context::<SignedIn>();

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mut body = match method.get_untracked() {
            Method::PassCode => json!({
                "identifier": identifier.get_untracked().trim(),
                "pass_code": pass_code.get_untracked(),
            }),
            Method::AuthenticationCode => {
                json!({ "authentication_code": code.get_untracked().trim() })
            }
        };
        if let Ok(id) = org.get_untracked().trim().parse::<u32>() {
            body["org"] = json!(id);
        }
        if verifying.get_untracked() && verification_code.get_untracked().trim().is_empty() {
            error.set(Some("Type the verification code you were sent.".into()));
            focus("operator-verification-code");
            return;
        }
        let path = if verifying.get_untracked() {
            body["verification_code"] = json!(verification_code.get_untracked().trim());
            "/api/v1/operator/verify"
        } else {
            "/api/v1/operator/session"
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::post::<OperatorSession>(path, &body).await {
                Ok(answer) => {
                    let who = match &answer.operator.identifier {
                        Some(identifier) => {
                            format!("operator #{} ({identifier})", answer.operator.number)
                        }
                        None => format!("operator #{}", answer.operator.number),
                    };
                    remember_org(answer.org.id);
                    session::sign_in_operator(&answer.token, &who);
                    if let Some(SignedIn(bar)) = bar {
                        bar.set(Some(who));
                    }
                    verifying.set(false);
                    verification_code.set(String::new());
                    signed_in.set(Some(answer.operator.number));
                }
                Err(why) if why.status == 401 => error.set(Some(
                    "These credentials do not match an access token: check them and try again."
                        .into(),
                )),
                Err(why) if why.code == "org_required" => {
                    ask_org.set(true);
                    error.set(Some(
                        "This MDM serves several organisations: type your organisation's number (your administrator has it), then sign in again."
                            .into(),
                    ));
                    focus("operator-org");
                }
                Err(why) if why.code == "access_token_pending_verification" => {
                    verifying.set(true);
                    error.set(Some(format!(
                        "{why}. Type the verification code you were sent, then press Verify and sign in."
                    )));
                    focus("operator-verification-code");
                }
                Err(why) if why.code == "wrong_verification_code" => error.set(Some(
                    "This verification code is not the one sent for this access token: check it and try again."
                        .into(),
                )),
                // 403 carries the core's sentence (Not Effective); 409 a locked or already used verification.
                Err(why) => error.set(Some(format!("You cannot sign in: {why}."))),
            }
            busy.set(false);
        });
    };

    view! {
        <section aria-labelledby="operator-sign-in-title" class="narrow">
            <h1 id="operator-sign-in-title">"Operator sign-in"</h1>
            <Show when=move || signed_in.get().is_some()>
                <p role="status" class="ok-note">
                    {move || format!("Signed in as operator #{}. ", signed_in.get().unwrap_or_default())}
                    <a href="/">"Go to the token screen"</a>
                </p>
            </Show>
            <form on:submit=submit novalidate>
                <fieldset>
                    <legend>"Sign in with"</legend>
                    <label class="choice">
                        <input type="radio" name="method" prop:checked=move || method.get() == Method::PassCode
                            on:change=move |_| method.set(Method::PassCode)/>
                        "Identifier and pass code"
                    </label>
                    <label class="choice">
                        <input type="radio" name="method" prop:checked=move || method.get() == Method::AuthenticationCode
                            on:change=move |_| method.set(Method::AuthenticationCode)/>
                        "Authentication code"
                    </label>
                </fieldset>
                <Show when=move || method.get() == Method::PassCode fallback=move || view! {
                    <label for="operator-code">"Authentication code"</label>
                    <input id="operator-code" type="text" autocomplete="one-time-code" autocapitalize="characters"
                        prop:value=code on:input=move |event| code.set(event_target_value(&event))/>
                }>
                    <label for="operator-identifier">"Identifier"</label>
                    <input id="operator-identifier" type="text" autocomplete="username"
                        prop:value=identifier on:input=move |event| identifier.set(event_target_value(&event))/>
                    <label for="operator-pass-code">"Pass code"</label>
                    <input id="operator-pass-code" type="password" autocomplete="current-password"
                        prop:value=pass_code on:input=move |event| pass_code.set(event_target_value(&event))/>
                </Show>
                <Show when=move || ask_org.get()>
                    <label for="operator-org">"Organisation number"</label>
                    <input id="operator-org" type="text" inputmode="numeric" autocomplete="organization"
                        prop:value=org on:input=move |event| org.set(event_target_value(&event))/>
                </Show>
                <Show when=move || verifying.get()>
                    <label for="operator-verification-code">"Verification code"</label>
                    <input id="operator-verification-code" type="text" autocomplete="one-time-code"
                        inputmode="numeric" aria-describedby="operator-verification-help"
                        prop:value=verification_code
                        on:input=move |event| verification_code.set(event_target_value(&event))/>
                    <p id="operator-verification-help" class="help">
                        "Your access token is Pending Verification: the code was sent to you when it was made."
                    </p>
                </Show>
                <Show when=move || error.get().is_some()>
                    <p role="alert" class="error">{move || error.get()}</p>
                </Show>
                <button type="submit" class="primary" disabled=busy>
                    {move || if verifying.get() { "Verify and sign in" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}

/// Moves the keyboard focus to the element with this id once it is on screen (after the next render).
fn focus(id: &'static str) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// The organisation named by the sign-in address's `org` query parameter, if any; remembered as the phone's.
fn org_of_address() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let org = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("org="))
        .map(|value| value.trim().to_owned())
        .filter(|value| value.parse::<u32>().is_ok())?;
    if let Ok(id) = org.parse() {
        remember_org(id);
    }
    Some(org)
}
