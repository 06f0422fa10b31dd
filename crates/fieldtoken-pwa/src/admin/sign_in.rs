//! Admin sign-in with an API token (the demo's comes from `fieldtoken-mdm seed-demo`), checked against the
//! MDM before the session starts, so a typo is caught here and not on the next screen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::{api, session};
use fieldtoken_api::devices::Me;

/// `/admin/sign-in`.
#[component]
pub fn SignIn() -> impl IntoView {
    let (token, set_token) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let navigate = use_navigate();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let candidate = token.get_untracked().trim().to_owned();
        if candidate.is_empty() {
            set_error.set(Some("Enter your API token.".into()));
            return;
        }
        set_busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            session::sign_in(&candidate);
            match api::get::<Me>("/api/v1/me").await {
                Ok(_) => navigate("/admin", Default::default()),
                Err(why) => {
                    session::sign_out();
                    set_error.set(Some(if why.is_unauthenticated() {
                        "This token is not valid: check it and try again.".into()
                    } else {
                        format!("Could not sign in: {why}.")
                    }));
                }
            }
            set_busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="sign-in-title" class="narrow">
            <h1 id="sign-in-title">"Sign in to the MDM"</h1>
            <form on:submit=submit novalidate>
                <label for="api-token">"API token"</label>
                <input
                    id="api-token"
                    name="token"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-describedby="api-token-help"
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=token
                    on:input=move |event| set_token.set(event_target_value(&event))
                />
                <p id="api-token-help" class="help">
                    "The token an admin created for you; for the demo, the one "
                    <code>"fieldtoken-mdm seed-demo"</code>
                    " printed."
                </p>
                <Show when=move || error.get().is_some()>
                    <p role="alert" class="error">{move || error.get()}</p>
                </Show>
                <button type="submit" class="primary" disabled=busy>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
