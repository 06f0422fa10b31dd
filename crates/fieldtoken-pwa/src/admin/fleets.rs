//! `/admin/fleets`: the organisation's fleets, each with how many devices it holds, and, with `fms.fleet.write`,
//! creating, renaming and deleting them. The MDM refuses a name in use and a fleet that still holds devices or
//! that live tokens point at; this page repeats its words next to the control.

use std::sync::Arc;

use fieldtoken_api::devices::Fleet;
use fieldtoken_core::{Permission, PermissionSet};
use leptos::prelude::*;
use serde_json::json;

use super::kit::{self, Control};

const FLEETS: &str = "/api/v1/fleets";

/// `/admin/fleets`.
#[component]
pub fn FleetsPage() -> impl IntoView {
    kit::guarded_page("Fleets", Permission::FleetRead, Arc::new(fleets))
}

fn fleets(held: PermissionSet) -> AnyView {
    let can_write = held.contains(Permission::FleetWrite);
    let fleets = RwSignal::new(Vec::<Fleet>::new());
    let loaded = RwSignal::new(false);
    let said = kit::said();
    let reload = move || {
        leptos::task::spawn_local(async move {
            match crate::api::get_all::<Fleet>(kit::ALL_FLEETS).await {
                Ok(list) => fleets.set(list),
                Err(why) => said.set(Some(Err(format!("Could not load the fleets: {why}.")))),
            }
            loaded.set(true);
        });
    };
    reload();

    let create_said = kit::said();
    let name = RwSignal::new(String::new());
    let create = move || {
        let typed = name.get_untracked().trim().to_owned();
        kit::run(
            create_said,
            "The fleet was not created".into(),
            ("POST", FLEETS.into(), Some(json!({ "name": typed }))),
            Box::new(move |_| {
                name.set(String::new());
                format!("The fleet “{typed}” was created.")
            }),
            kit::always(reload),
        );
    };

    // The fleet being renamed, and the name typed for it.
    let renaming = RwSignal::new(None::<Fleet>);
    let new_name = RwSignal::new(String::new());
    // The rename form takes the focus when it opens, so a keyboard user types the name at once.
    let name_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let Some(input) = name_input.get() {
            let _ = input.focus();
        }
    });
    let rename = move || {
        let Some(fleet) = renaming.get_untracked() else {
            return;
        };
        let typed = new_name.get_untracked().trim().to_owned();
        kit::run(
            said,
            format!("The fleet “{}” was not renamed", fleet.name),
            (
                "PATCH",
                format!("{FLEETS}/{}", fleet.id),
                Some(json!({ "name": typed })),
            ),
            Box::new(move |_| {
                renaming.set(None);
                format!("The fleet “{}” is now “{typed}”.", fleet.name)
            }),
            kit::always(reload),
        );
    };
    let delete = move |fleet: Fleet| {
        kit::run(
            said,
            format!("The fleet “{}” was not deleted", fleet.name),
            ("DELETE", format!("{FLEETS}/{}", fleet.id), None),
            Box::new(move |_| format!("The fleet “{}” was deleted.", fleet.name)),
            kit::always(reload),
        );
    };

    let row = move |fleet: Fleet| {
        let count = fleet.device_count.unwrap_or_default();
        let devices_link = format!("/admin/devices?fleet_id={}", fleet.id);
        let actions = can_write.then(|| {
            let (for_rename, for_delete) = (fleet.clone(), fleet.clone());
            let buttons = vec![
                kit::button("Rename", format!("Rename {}", fleet.name), "", move || {
                    new_name.set(for_rename.name.clone());
                    renaming.set(Some(for_rename.clone()));
                }),
                kit::irreversible(
                    "Delete",
                    format!("Delete {}", fleet.name),
                    "Delete this fleet? Only an empty fleet that no live action token points at can go.",
                    move || delete(for_delete.clone()),
                ),
            ];
            view! { <td><div class="row-actions">{buttons.into_iter().map(kit::button_view).collect_view()}</div></td> }
        });
        view! {
            <tr>
                <th scope="row">{fleet.name.clone()}</th>
                <td><a href=devices_link aria-label=format!("{count} device(s) in {}", fleet.name)>{count}</a></td>
                {actions}
            </tr>
        }
    };

    view! {
        {can_write.then(|| kit::form(
            "new-fleet-title",
            "New fleet",
            vec![
                Control::Input("fleet-name".into(), "Name", "text", name),
                Control::Note("Unique in the organisation. Devices are put in fleets; action tokens move them between fleets."),
            ],
            "Create fleet",
            Some(create_said),
            Arc::new(create),
        ))}
        {move || renaming.get().map(|fleet| view! {
            <form class="card" aria-labelledby="rename-title" novalidate
                on:submit=move |event: leptos::ev::SubmitEvent| { event.prevent_default(); rename() }>
                <h2 id="rename-title">{format!("Rename {}", fleet.name)}</h2>
                <label for="fleet-new-name">"New name"</label>
                <input id="fleet-new-name" type="text" autocomplete="off" node_ref=name_input prop:value=new_name
                    on:input=move |event| new_name.set(event_target_value(&event))/>
                <div class="actions">
                    <button type="submit" class="primary">"Save name"</button>
                    <button type="button" on:click=move |_| renaming.set(None)>"Cancel"</button>
                </div>
            </form>
        })}
        {kit::said_view(said)}
        <h2>"The organisation's fleets"</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Fleets list">
            <table>
                <caption class="visually-hidden">"Fleets, with how many devices each holds"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Devices"</th>
                    {can_write.then(|| view! { <th scope="col">"Actions"</th> })}
                </tr></thead>
                <tbody>{move || fleets.get().into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
        <Show when=move || loaded.get() && fleets.with(Vec::is_empty)>
            <p class="empty">{if can_write {
                "No fleets yet. Create the first one above: then register or import devices into it on the Devices page."
            } else {
                "No fleets yet. An administrator with the permission fms.fleet.write can create them."
            }}</p>
        </Show>
    }
    .into_any()
}
