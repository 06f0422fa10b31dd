//! The "+ New" form of seed 000: name the token, select its action (a fleet for Put in Fleet), and select
//! the expiry, shown in the browser's time zone. Reset device certificate shows the seed's warning. "How many"
//! makes several at once, all or none (`POST /api/v1/action-tokens/batch`): numbered copies ("Gate 1", "Gate 2",
//! ...) or, for Put in Fleet, one for each fleet.

use leptos::prelude::*;
use leptos::task::spawn_local;

use fieldtoken_api::devices::Fleet;

use super::model::{Action, ActionToken, ActionType, action_label};
use super::time;
use crate::api;
use fieldtoken_api::Items;
use fieldtoken_api::RequestTime;
use fieldtoken_api::action_tokens::{MAX_BATCH, NewActionToken};

/// Seed 000's warning, word for word: an admin must read it before creating such a token.
pub const RESET_WARNING: &str = "Clearing a device's certificate should only happen if you have factory \
reset your device due to a malfunction, in order to restore secure communication with the MDM. It should \
not be a common action.";

/// How many tokens the form makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    One,
    Copies,
    EachFleet,
}

/// The names of `copies` numbered copies of `name`.
fn numbered(name: &str, copies: usize) -> Vec<String> {
    (1..=copies).map(|n| format!("{name} {n}")).collect()
}

/// The form; `on_created` gets the MDM's answer, every token made.
#[component]
pub fn NewTokenForm(
    fleets: RwSignal<Vec<Fleet>>,
    on_created: impl Fn(Vec<ActionToken>) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(ActionType::ALL[0]);
    let fleet = RwSignal::new(String::new());
    let expiry = RwSignal::new(time::local_input_in_days(7.0));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let count = RwSignal::new(Count::One);
    let copies = RwSignal::new("10".to_owned());

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let action = kind.get_untracked();
        let fleet_id = fleet.get_untracked().parse::<u32>().ok();
        let how_many = count.get_untracked();
        // "One for each fleet" is only for Put in Fleet; another action makes one token.
        let how_many = if how_many == Count::EachFleet && action != ActionType::PutInFleet {
            Count::One
        } else {
            how_many
        };
        let copy_count = copies.get_untracked().trim().parse::<usize>().ok();
        let problem = if name.with_untracked(|n| n.trim().is_empty()) {
            Some("Give the token a name.")
        } else if how_many == Count::Copies
            && !copy_count.is_some_and(|n| (1..=MAX_BATCH).contains(&n))
        {
            Some("Copies: a number from 1 to 500 (one batch; make more in another).")
        } else if how_many == Count::EachFleet && fleets.with_untracked(Vec::is_empty) {
            Some("There is no fleet to make tokens for.")
        } else if action == ActionType::PutInFleet
            && how_many != Count::EachFleet
            && fleet_id.is_none()
        {
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
        let base = name.get_untracked().trim().to_owned();
        let item = |name: String, fleet_id: Option<u32>| NewActionToken {
            name,
            action: Action {
                kind: action,
                fleet_id: fleet_id.filter(|_| action == ActionType::PutInFleet),
            },
            expires_at: RequestTime::Text(expires_at.clone()),
        };
        let items: Vec<NewActionToken> = match how_many {
            Count::One => vec![item(base, fleet_id)],
            Count::Copies => numbered(&base, copy_count.unwrap_or(1))
                .into_iter()
                .map(|name| item(name, fleet_id))
                .collect(),
            Count::EachFleet => fleets.with_untracked(|list| {
                list.iter()
                    .map(|f| item(format!("{base} · {}", f.name), Some(f.id)))
                    .collect()
            }),
        };
        let single = how_many == Count::One;
        let body = if single {
            serde_json::to_value(&items[0]).unwrap_or_default()
        } else {
            serde_json::json!({ "items": items })
        };
        busy.set(true);
        spawn_local(async move {
            let answer = if single {
                api::post::<ActionToken>("/api/v1/action-tokens", &body)
                    .await
                    .map(|token| vec![token])
            } else {
                api::post::<Items<ActionToken>>("/api/v1/action-tokens/batch", &body)
                    .await
                    .map(|made| made.items)
            };
            match answer {
                Ok(tokens) => on_created(tokens),
                Err(why) if why.is_forbidden() => {
                    error.set(Some("You are not allowed to create action tokens.".into()))
                }
                Err(why) if single => error.set(Some(format!("The token was not created: {why}."))),
                Err(why) => error.set(Some(format!("No token was created: {why}."))),
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
            <fieldset>
                <legend>"How many"</legend>
                <label class="choice">
                    <input type="radio" name="count" prop:checked=move || count.get() == Count::One
                        on:change=move |_| count.set(Count::One)/>
                    "One token"
                </label>
                <label class="choice">
                    <input type="radio" name="count" prop:checked=move || count.get() == Count::Copies
                        on:change=move |_| count.set(Count::Copies)/>
                    "Numbered copies"
                </label>
                <Show when=move || kind.get() == ActionType::PutInFleet>
                    <label class="choice">
                        <input type="radio" name="count" prop:checked=move || count.get() == Count::EachFleet
                            on:change=move |_| count.set(Count::EachFleet)/>
                        "One for each fleet"
                    </label>
                </Show>
            </fieldset>
            <Show when=move || count.get() == Count::Copies>
                <label for="new-copies">"Copies (1 to 500)"</label>
                <input id="new-copies" type="number" min="1" max="500" aria-describedby="new-copies-help"
                    prop:value=copies on:input=move |event| copies.set(event_target_value(&event))/>
                <p id="new-copies-help" class="help">"Named “" {move || name.get().trim().to_owned()} " 1”, “… 2” and so on; all are made or none."</p>
            </Show>
            <Show when=move || kind.get() == ActionType::PutInFleet && count.get() != Count::EachFleet>
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
            <p role="status" class="help">{move || busy.get().then_some("Creating…")}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=busy>
                    {move || if count.get() == Count::One { "Create token" } else { "Create tokens" }}
                </button>
                <button type="button" on:click=move |_| on_cancel()>"Cancel"</button>
            </div>
        </form>
    }
}
