//! The "+ New" form of seed 000: name the token, select its action (a fleet for Put in Fleet), and select
//! the expiry, shown in the browser's time zone. Reset device certificate shows the seed's warning.

use leptos::prelude::*;
use leptos::task::spawn_local;

use fieldtoken_api::devices::Fleet;

use super::model::{Action, ActionToken, ActionType, action_label};
use super::time;
use crate::api;
use fieldtoken_api::RequestTime;
use fieldtoken_api::action_tokens::NewActionToken;

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
    let kind = RwSignal::new(ActionType::ALL[0]);
    let fleet = RwSignal::new(String::new());
    let expiry = RwSignal::new(time::local_input_in_days(7.0));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let action = kind.get_untracked();
        let fleet_id = fleet.get_untracked().parse::<u32>().ok();
        let problem = if name.with_untracked(|n| n.trim().is_empty()) {
            Some("Give the token a name.")
        } else if action == ActionType::PutInFleet && fleet_id.is_none() {
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
        let new = NewActionToken {
            name: name.get_untracked().trim().to_owned(),
            action: Action {
                kind: action,
                fleet_id: fleet_id.filter(|_| action == ActionType::PutInFleet),
            },
            expires_at: RequestTime::Text(expires_at),
        };
        let body = serde_json::to_value(&new).unwrap_or_default();
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
                {ActionType::ALL.iter().map(|&value| view! {
                    <label class="choice">
                        <input type="radio" name="action" value=value.as_str()
                            prop:checked=move || kind.get() == value
                            on:change=move |_| kind.set(value)/>
                        {action_label(value.as_str()).unwrap_or(value.as_str())}
                    </label>
                }).collect_view()}
            </fieldset>
            <Show when=move || kind.get() == ActionType::PutInFleet>
                <label for="new-fleet">"Fleet"</label>
                <select id="new-fleet" required prop:value=fleet
                    on:change=move |event| fleet.set(event_target_value(&event))>
                    <option value="">"Select a fleet"</option>
                    <For each=move || fleets.get() key=|f| f.id let:f>
                        <option value=f.id.to_string()>{f.name.clone()}</option>
                    </For>
                </select>
                <Show when=move || fleets.with(Vec::is_empty)>
                    <p class="help">"No fleets yet: create one on the Fleets page first."</p>
                </Show>
            </Show>
            <Show when=move || kind.get() == ActionType::ResetCertificate>
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
