//! `/admin/access-tokens`: the operators' access tokens (CRM.COM model, seed 002): the list with each
//! token's life cycle state, "+ New access token" (a generated pass code is shown once), and the actions
//! Set Effective, Set Not Effective, Reset pass code and Delete.
//!
//! The screen never decides whether an action is allowed: the MDM asks the core, and a refusal is shown
//! in the core's words (e.g. delete needs a Not Effective, unassociated token).

use fieldtoken_core::Permission;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use serde::Deserialize;
use serde_json::json;

use super::model::Me;
use crate::api;
use crate::session;

/// An access token as the API shows it (never its pass code).
#[derive(Clone, Debug, Deserialize, PartialEq)]
struct AccessToken {
    number: u32,
    identifier: Option<String>,
    state: String,
    state_label: String,
    has_pass_code: bool,
}

/// An answer that may carry a secret shown this once.
#[derive(Deserialize)]
struct WithSecret {
    number: u32,
    #[serde(default)]
    pass_code: Option<String>,
}

#[derive(Deserialize)]
struct Page {
    items: Vec<AccessToken>,
}

/// What the page can offer, from the session's permissions.
#[derive(Clone, Copy)]
struct Can {
    create: bool,
    update: bool,
    delete: bool,
}

/// `/admin/access-tokens`.
#[component]
pub fn AccessTokensPage() -> impl IntoView {
    if session::token().is_none() {
        return view! { <Redirect path="/admin/sign-in"/> }.into_any();
    }
    let me = LocalResource::new(|| api::get::<Me>("/api/v1/me"));
    view! {
        <section aria-labelledby="access-title" class="wide">
            <super::AdminNav/>
            <h1 id="access-title">"Access Tokens"</h1>
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || me.get().map(|answer| match answer {
                    Ok(me) => {
                        let held = me.permissions();
                        if held.contains(Permission::AccessTokenRead) {
                            let can = Can {
                                create: held.contains(Permission::AccessTokenCreate),
                                update: held.contains(Permission::AccessTokenUpdate),
                                delete: held.contains(Permission::AccessTokenDelete),
                            };
                            view! { <AccessTokens can=can/> }.into_any()
                        } else {
                            view! {
                                <p role="alert" class="error">
                                    "Your account does not have the permission " <code>"fms.accesstoken.read"</code>
                                    " needed for this page."
                                </p>
                            }.into_any()
                        }
                    }
                    Err(why) => view! { <p role="alert" class="error">{format!("Could not load your account: {why}.")}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
fn AccessTokens(can: Can) -> impl IntoView {
    let tokens = RwSignal::new(Vec::<AccessToken>::new());
    // What the last action did, or why it was refused: one live region for the whole page.
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let identifier = RwSignal::new(String::new());

    let reload = move || {
        spawn_local(async move {
            match api::get::<Page>("/api/v1/access-tokens").await {
                Ok(page) => tokens.set(page.items),
                Err(why) => outcome.set(Some(Err(format!(
                    "Could not load the access tokens: {why}."
                )))),
            }
        });
    };
    reload();

    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = identifier.get_untracked().trim().to_owned();
        let body = if typed.is_empty() {
            json!({})
        } else {
            json!({ "identifier": typed })
        };
        spawn_local(async move {
            match api::post::<WithSecret>("/api/v1/access-tokens", &body).await {
                Ok(created) => {
                    identifier.set(String::new());
                    outcome.set(Some(Ok(secret_sentence("created", created))));
                    reload();
                }
                Err(why) => outcome.set(Some(Err(format!(
                    "The access token was not created: {why}."
                )))),
            }
        });
    };

    let act = move |number: u32, what: &'static str| {
        spawn_local(async move {
            let path = format!("/api/v1/access-tokens/{number}/{what}");
            let answer = match what {
                "delete" => api::delete(&format!("/api/v1/access-tokens/{number}"))
                    .await
                    .map(|()| format!("Access token #{number} deleted.")),
                "reset-pass-code" => api::post::<WithSecret>(&path, &json!({}))
                    .await
                    .map(|token| secret_sentence("given a new pass code", token)),
                _ => api::post::<AccessToken>(&path, &json!({}))
                    .await
                    .map(|token| {
                        format!(
                            "Access token #{} is now {}.",
                            token.number, token.state_label
                        )
                    }),
            };
            outcome.set(Some(
                answer.map_err(|why| format!("Access token #{number}: {why}.")),
            ));
            reload();
        });
    };

    view! {
        {can.create.then(|| view! {
            <form class="card" aria-labelledby="new-access-title" on:submit=create novalidate>
                <h2 id="new-access-title">"New access token"</h2>
                <label for="new-access-identifier">"Identifier"</label>
                <input id="new-access-identifier" type="text" autocomplete="off"
                    aria-describedby="new-access-help"
                    prop:value=identifier on:input=move |event| identifier.set(event_target_value(&event))/>
                <p id="new-access-help" class="help">
                    "As the active access token definition asks (for example an e-mail address). The pass code is generated and shown once."
                </p>
                <button type="submit" class="primary">"Create access token"</button>
            </form>
        })}
        <p role="status" aria-live="polite" class="help">
            {move || outcome.get().and_then(Result::ok)}
        </p>
        <Show when=move || matches!(outcome.get(), Some(Err(_)))>
            <p role="alert" class="error">{move || outcome.get().and_then(Result::err)}</p>
        </Show>
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Access tokens and their life cycle state"</caption>
                <thead><tr>
                    <th scope="col">"Number"</th>
                    <th scope="col">"Identifier"</th>
                    <th scope="col">"Life cycle state"</th>
                    <th scope="col">"Pass code"</th>
                    <th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>
                    <For each=move || tokens.get() key=|t| (t.number, t.state.clone()) let:token>
                        <tr>
                            <td>{format!("#{}", token.number)}</td>
                            <td>{token.identifier.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{token.state_label.clone()}</td>
                            <td>{if token.has_pass_code { "Set" } else { "None" }}</td>
                            <td class="row-actions">
                                {can.update.then(|| {
                                    let n = token.number;
                                    let (label, what) = if token.state == "not_effective" {
                                        ("Set Effective", "set-effective")
                                    } else {
                                        ("Set Not Effective", "set-not-effective")
                                    };
                                    view! {
                                        <button type="button" aria-label=format!("{label} #{n}") on:click=move |_| act(n, what)>{label}</button>
                                        <button type="button" aria-label=format!("Reset pass code #{n}") on:click=move |_| act(n, "reset-pass-code")>"Reset pass code"</button>
                                    }
                                })}
                                {can.delete.then(|| {
                                    let n = token.number;
                                    view! {
                                        <button type="button" class="danger" aria-label=format!("Delete #{n}") on:click=move |_| act(n, "delete")>"Delete"</button>
                                    }
                                })}
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// "Access token #3 created. Its pass code, shown only this once: …".
fn secret_sentence(what: &str, token: WithSecret) -> String {
    match token.pass_code {
        Some(pass_code) => format!(
            "Access token #{} {what}. Its pass code, shown only this once: {pass_code}",
            token.number
        ),
        None => format!("Access token #{} {what}.", token.number),
    }
}
