//! The "+ New" form of seed 000: name the token, select its action (a fleet for Put in Fleet), and select
//! the expiry, shown in the browser's time zone. Reset device certificate shows the seed's warning.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

use fieldtoken_api::devices::Fleet;

use super::model::{ACTION_TYPES, ActionToken, action_label};
use super::time;
use crate::api;

/// Seed 000's warning, word for word: an admin must read it before creating such a token.
pub const RESET_WARNING: &str = "Clearing a device's certificate should only happen if you have factory \
reset your device due to a malfunction, in order to restore secure communication with the MDM. It should \
not be a common action.";

/// The form; `on_created` gets the MDM's answer.
#[component]
pub fn NewTokenForm(
    fleets: RwSignal<Vec<Fleet>>,
    on_created: impl Fn(ActionToken) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(ACTION_TYPES[0].to_owned());
    let fleet = RwSignal::new(String::new());
    let expiry = RwSignal::new(time::local_input_in_days(7.0));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let action = kind.get_untracked();
        let fleet_id = fleet.get_untracked();
        let problem = if name.with_untracked(|n| n.trim().is_empty()) {
            Some("Give the token a name.")
        } else if action == "put_in_fleet" && fleet_id.is_empty() {
            Some("Select the fleet to put devices in.")
        } else {
            None
        };
        if let Some(problem) = problem {
            error.set(Some(problem.into()));
            return;
        }
        let Some(expires_at) = time::local_input_to_utc(&expiry.get_untracked()) else {
            error.set(Some("Select a valid expiry date and time.".into()));
            return;
        };
        let mut action_json = json!({ "type": action });
        if action == "put_in_fleet" {
            // Fleet ids are numbers on the wire; keep the text if a server ever uses other ids.
            action_json["fleet_id"] = fleet_id
                .parse::<u64>()
                .map_or_else(|_| json!(fleet_id), |id| json!(id));
        }
        let body = json!({ "name": name.get_untracked().trim(), "action": action_json, "expires_at": expires_at });
        busy.set(true);
        spawn_local(async move {
            match api::post::<ActionToken>("/api/v1/action-tokens", &body).await {
                Ok(token) => on_created(token),
                Err(why) if why.is_forbidden() => {
                    error.set(Some("You are not allowed to create action tokens.".into()))
                }
                Err(why) => error.set(Some(format!("The token was not created: {why}."))),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="card" aria-labelledby="new-token-title" on:submit=submit novalidate>
            <h2 id="new-token-title">"New action token"</h2>
            <label for="new-name">"Name"</label>
            <input id="new-name" type="text" required maxlength="100" autofocus
                prop:value=name on:input=move |event| name.set(event_target_value(&event))/>
            <fieldset>
                <legend>"Action"</legend>
                {ACTION_TYPES.iter().map(|&value| view! {
                    <label class="choice">
                        <input type="radio" name="action" value=value
                            prop:checked=move || kind.get() == value
                            on:change=move |_| kind.set(value.to_owned())/>
                        {action_label(value).unwrap_or(value)}
                    </label>
                }).collect_view()}
            </fieldset>
            <Show when=move || kind.get() == "put_in_fleet">
                <label for="new-fleet">"Fleet"</label>
                <select id="new-fleet" required prop:value=fleet
                    on:change=move |event| fleet.set(event_target_value(&event))>
                    <option value="">"Select a fleet"</option>
                    <For each=move || fleets.get() key=|f| f.id let:f>
                        <option value=f.id.to_string()>{f.name.clone()}</option>
                    </For>
                </select>
            </Show>
            <Show when=move || kind.get() == "reset_certificate">
                <div class="warning" role="note">
                    <strong>"Warning: "</strong>
                    {RESET_WARNING}
                </div>
            </Show>
            <label for="new-expiry">"Expires"</label>
            <input id="new-expiry" type="datetime-local" required aria-describedby="new-expiry-zone"
                prop:value=expiry on:input=move |event| expiry.set(event_target_value(&event))/>
            <p id="new-expiry-zone" class="help">{format!("Time zone: {}", time::zone_label())}</p>
            <Show when=move || error.get().is_some()>
                <p role="alert" class="error">{move || error.get()}</p>
            </Show>
            <div class="actions">
                <button type="submit" class="primary" disabled=busy>"Create token"</button>
                <button type="button" on:click=move |_| on_cancel()>"Cancel"</button>
            </div>
        </form>
    }
}
