//! `/admin/devices`: the organisation's devices, a page at a time from the MDM (search by serial, filters by fleet
//! and state, "Load more"), and, with `fms.device.write`, registering one, importing a CSV file of them (see
//! [`super::import`]), moving one by hand, retiring one, and the enrolment QR of one whose certificate was reset.

use std::sync::Arc;

use fieldtoken_core::{Ecc, Permission, PermissionSet, QrMatrix};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Value, json};

use fieldtoken_api::devices::{Device, DeviceState, Fleet};

use super::import::ImportDevices;
use super::kit::{self, Control, Said};
use super::model::Page;
use super::time;
use crate::api;

/// `POST /api/v1/devices/{id}/enrolment`: a one-time code the device scans to register its key.
type Enrolment = fieldtoken_api::enrolment::EnrolmentCode;

const DEVICES: &str = "/api/v1/devices";

fn fleet_name(fleets: &[Fleet], id: Option<u32>) -> String {
    match id {
        None => "—".into(),
        Some(id) => fleets
            .iter()
            .find(|f| f.id == id)
            .map_or_else(|| format!("#{id}"), |f| f.name.clone()),
    }
}

/// A device state as people say it.
fn state_label(state: DeviceState) -> &'static str {
    match state {
        DeviceState::InFleet => "In fleet",
        DeviceState::InRepair => "In repair",
        DeviceState::InStock => "In stock",
    }
}

/// The places a device can be put, as a select offers them: stock, repair, then each fleet by name.
fn places(fleets: &[Fleet]) -> Vec<(String, String)> {
    let mut places = vec![
        ("stock".to_owned(), "In stock".to_owned()),
        ("repair".to_owned(), "In repair".to_owned()),
    ];
    places.extend(
        fleets
            .iter()
            .map(|f| (f.id.to_string(), format!("Fleet: {}", f.name))),
    );
    places
}

/// The action that puts a device in a place chosen from [`places`].
fn action_of(place: &str) -> Value {
    match place {
        "repair" => json!({ "type": "put_in_repair" }),
        "stock" => json!({ "type": "put_in_stock" }),
        fleet => {
            json!({ "type": "put_in_fleet", "fleet_id": fleet.parse::<u32>().unwrap_or_default() })
        }
    }
}

/// `/admin/devices`.
#[component]
pub fn DevicesPage() -> impl IntoView {
    kit::guarded_page("Devices", Permission::DeviceRead, Arc::new(devices))
}

/// What the list asks the MDM for: the search and both filters.
#[derive(Clone, Copy)]
struct Filters {
    serial: RwSignal<String>,
    fleet: RwSignal<String>,
    state: RwSignal<String>,
}

impl Filters {
    fn path(&self, cursor: Option<&str>) -> String {
        let mut path = format!(
            "{DEVICES}?limit=50&serial={}",
            js_sys::encode_uri_component(self.serial.get_untracked().trim())
        );
        let fleet = self.fleet.get_untracked();
        if !fleet.is_empty() {
            path.push_str(&format!("&fleet_id={fleet}"));
        }
        let state = self.state.get_untracked();
        if !state.is_empty() {
            path.push_str(&format!("&state={state}"));
        }
        if let Some(cursor) = cursor {
            path.push_str(&format!("&cursor={}", js_sys::encode_uri_component(cursor)));
        }
        path
    }

    /// The label sheet of the devices these filters list (`/admin/sheets/devices`, the same query).
    fn sheet_path(&self) -> String {
        let mut path = format!(
            "/admin/sheets/devices?serial={}",
            js_sys::encode_uri_component(self.serial.get().trim())
        );
        for (name, value) in [("fleet_id", self.fleet.get()), ("state", self.state.get())] {
            if !value.is_empty() {
                path.push_str(&format!("&{name}={}", js_sys::encode_uri_component(&value)));
            }
        }
        path
    }

    fn any(&self) -> bool {
        !(self.serial.with(|s| s.trim().is_empty())
            && self.fleet.with(String::is_empty)
            && self.state.with(String::is_empty))
    }
}

/// The list as loaded so far: its devices, the cursor of the next page, and whether a load is under way.
#[derive(Clone, Copy)]
struct List {
    devices: RwSignal<Vec<Device>>,
    next: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    /// Which load is the latest: an older answer that arrives late is dropped.
    generation: RwSignal<u32>,
}

impl List {
    fn load(self, filters: Filters, append: bool, said: Said) {
        let cursor = if append {
            self.next.get_untracked()
        } else {
            None
        };
        let path = filters.path(cursor.as_deref());
        let generation = self.generation.get_untracked() + 1;
        self.generation.set(generation);
        self.loading.set(true);
        spawn_local(async move {
            let answer = api::get::<Page<Device>>(&path).await;
            if self.generation.get_untracked() != generation {
                return;
            }
            match answer {
                Ok(page) => {
                    self.next.set(page.next);
                    if append {
                        self.devices.update(|list| list.extend(page.items));
                    } else {
                        self.devices.set(page.items);
                    }
                }
                Err(why) => said.set(Some(Err(format!("Could not load the devices: {why}.")))),
            }
            self.loading.set(false);
        });
    }
}

fn devices(held: PermissionSet) -> AnyView {
    let can_write = held.contains(Permission::DeviceWrite);
    let fleets = RwSignal::new(Vec::<Fleet>::new());
    // Fleet names label devices and fill the selects; without fleet read the ids stand in.
    spawn_local(async move {
        if let Ok(list) = api::get_all::<Fleet>(kit::ALL_FLEETS).await {
            fleets.set(list);
        }
    });
    let said = kit::said();
    // A link from the Fleets page opens the list filtered to that fleet.
    let from_link = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get("fleet_id"))
        .unwrap_or_default();
    let filters = Filters {
        serial: RwSignal::new(String::new()),
        fleet: RwSignal::new(from_link),
        state: RwSignal::new(String::new()),
    };
    let list = List {
        devices: RwSignal::new(Vec::new()),
        next: RwSignal::new(None),
        loading: RwSignal::new(true),
        generation: RwSignal::new(0),
    };
    let reload = move || list.load(filters, false, said);
    reload();

    let register_said = kit::said();
    let serial = RwSignal::new(String::new());
    let place = RwSignal::new("stock".to_owned());
    let register = move || {
        let typed = serial.get_untracked().trim().to_owned();
        let mut body = json!({ "serial": typed });
        match place.get_untracked().as_str() {
            "stock" => body["state"] = json!("in_stock"),
            "repair" => body["state"] = json!("in_repair"),
            fleet => body["fleet_id"] = json!(fleet.parse::<u32>().unwrap_or_default()),
        }
        kit::run(
            register_said,
            "The device was not registered".into(),
            ("POST", DEVICES.into(), Some(body)),
            Box::new(move |device| {
                serial.set(String::new());
                format!(
                    "The device {} was registered.",
                    device["serial"].as_str().unwrap_or_default()
                )
            }),
            kit::always(reload),
        );
    };
    let place_options = Arc::new(move || fleets.with(|f| places(f)));

    let moving = RwSignal::new(None::<Device>);
    let retire = move |device: Device| {
        kit::run(
            said,
            format!("The device {} was not retired", device.serial),
            (
                "POST",
                format!("{DEVICES}/{}/retire", device.id),
                Some(json!({})),
            ),
            Box::new(move |_| {
                format!(
                    "The device {} is retired: it left the lists and the phones' offline bundle.",
                    device.serial
                )
            }),
            kit::always(reload),
        );
    };
    let enrolment = RwSignal::new(None::<(String, Result<Enrolment, api::ApiError>)>);

    let row = move |device: Device| {
        let serial = device.serial.clone();
        let id = device.id;
        let enrol = (!device.enrolled && can_write).then(|| {
            let serial = serial.clone();
            view! {
                " "
                <button type="button" aria-label=format!("Enrolment QR for {serial}")
                    on:click=move |_| show_enrolment(id, serial.clone(), enrolment)>
                    "Enrolment QR"
                </button>
            }
        });
        let actions = can_write.then(|| {
            let (to_move, to_retire) = (device.clone(), device.clone());
            let buttons = vec![
                kit::button("Move", format!("Move {serial}"), "", move || {
                    moving.set(Some(to_move.clone()))
                }),
                kit::irreversible(
                    "Retire",
                    format!("Retire {serial}"),
                    "Retire this device? It leaves the lists and the phones' offline bundle, scans of it are refused, and its serial cannot be registered again.",
                    move || retire(to_retire.clone()),
                ),
            ];
            view! { <td><div class="row-actions">{buttons.into_iter().map(kit::button_view).collect_view()}</div></td> }
        });
        let fleet = move || fleets.with(|f| fleet_name(f, device.fleet_id));
        view! {
            <tr>
                <td><code>{serial.clone()}</code></td>
                <td>{state_label(device.state)}</td>
                <td>{fleet}</td>
                <td>
                    {if device.enrolled { "Enrolled" } else { "Not enrolled" }}
                    {enrol}
                </td>
                <td><a href=format!("/admin/history?device={id}")
                    aria-label=format!("Redemption history of {serial}")>"History"</a></td>
                {actions}
            </tr>
        }
    };

    let filter_options = Arc::new(move || {
        fleets.with(|f| {
            f.iter()
                .map(|f| (f.id.to_string(), f.name.clone()))
                .collect()
        })
    });
    let state_options = Arc::new(|| {
        vec![
            ("in_fleet".to_owned(), "In fleet".to_owned()),
            ("in_repair".to_owned(), "In repair".to_owned()),
            ("in_stock".to_owned(), "In stock".to_owned()),
        ]
    });
    // Every change of the search or a filter asks the MDM again, from the first page.
    Effect::new(move |first: Option<()>| {
        filters.serial.track();
        filters.fleet.track();
        filters.state.track();
        if first.is_some() {
            reload();
        }
    });

    view! {
        {can_write.then(|| view! {
            {kit::form(
                "register-title",
                "Register a device",
                vec![
                    Control::Input("device-serial".into(), "Serial", "text", serial),
                    Control::Select("device-place".into(), "Starts", None, place_options.clone(), place),
                    Control::Note("Letters, digits and - _ . / : only; stored in upper case. It enrols later with an enrolment QR."),
                ],
                "Register",
                Some(register_said),
                Arc::new(register),
            )}
            <ImportDevices fleets=fleets on_done=Callback::new(move |()| reload())/>
        })}
        <h2>"The organisation's devices"</h2>
        <form role="search" class="search filters" aria-label="Devices"
            on:submit=move |event: leptos::ev::SubmitEvent| { event.prevent_default(); reload() }>
            {kit::control(Control::Input("device-search".into(), "Search by serial (start)", "search", filters.serial))}
            {kit::control(Control::Select("device-fleet-filter".into(), "Fleet", Some("All fleets"), filter_options, filters.fleet))}
            {kit::control(Control::Select("device-state-filter".into(), "State", Some("All states"), state_options, filters.state))}
        </form>
        <p><a href=move || filters.sheet_path()>"Print labels for these devices"</a></p>
        {move || moving.get().map(|device| view! { <MoveForm device=device fleets=fleets moving=moving said=said reload=Callback::new(move |()| reload())/> })}
        {kit::said_view(said)}
        <p role="status" aria-live="polite" class="help">{move || {
            let shown = list.devices.with(Vec::len);
            if list.loading.get() {
                "Loading devices…".to_owned()
            } else if list.next.with(Option::is_some) {
                format!("Showing the first {shown} devices, by serial; more below.")
            } else {
                format!("Showing {shown} device(s), by serial.")
            }
        }}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Devices list">
            <table>
                <caption class="visually-hidden">"The organisation's devices, by serial"</caption>
                <thead><tr>
                    <th scope="col">"Serial"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Fleet"</th>
                    <th scope="col">"Certificate"</th>
                    <th scope="col">"History"</th>
                    {can_write.then(|| view! { <th scope="col">"Actions"</th> })}
                </tr></thead>
                <tbody>{move || list.devices.get().into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
        <Show when=move || !list.loading.get() && list.devices.with(Vec::is_empty)>
            <p class="empty">{move || match (filters.any(), can_write) {
                (true, _) => "No device matches this search and these filters.",
                (false, true) => "No devices yet. Register one above, or import a CSV file of serials: create fleets first on the Fleets page to put devices in them.",
                (false, false) => "No devices yet. An administrator with the permission fms.device.write can register or import them.",
            }}</p>
        </Show>
        <Show when=move || list.next.with(Option::is_some)>
            <button type="button" on:click=move |_| list.load(filters, true, said) disabled=move || list.loading.get()>"Load more"</button>
        </Show>
        {move || enrolment.get().map(|(serial, answer)| match answer {
            Ok(enrolment) => view! { <EnrolmentCard serial=serial enrolment=enrolment/> }.into_any(),
            Err(why) => view! { <p role="alert" class="error">{format!("No enrolment code for {serial}: {why}.")}</p> }.into_any(),
        })}
    }
    .into_any()
}

/// Moving one device by hand: where to, then the MDM applies the same rule a scan would.
#[component]
fn MoveForm(
    device: Device,
    fleets: RwSignal<Vec<Fleet>>,
    moving: RwSignal<Option<Device>>,
    said: Said,
    reload: Callback<()>,
) -> impl IntoView {
    let place = RwSignal::new("stock".to_owned());
    // The form takes the focus when it opens, on the choice it asks for.
    let select = NodeRef::<leptos::html::Select>::new();
    Effect::new(move || {
        if let Some(select) = select.get() {
            let _ = select.focus();
        }
    });
    let serial = device.serial.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let serial = serial.clone();
        let chosen = place.get_untracked();
        let label = fleets.with_untracked(|f| {
            places(f)
                .into_iter()
                .find(|(v, _)| *v == chosen)
                .map(|(_, l)| l)
                .unwrap_or_default()
        });
        kit::run(
            said,
            format!("The device {serial} was not moved"),
            (
                "POST",
                format!("{DEVICES}/{}/move", device.id),
                Some(json!({ "action": action_of(&chosen) })),
            ),
            Box::new(move |_| {
                moving.set(None);
                format!("The device {serial} is now: {label}.")
            }),
            Box::new(move |_| reload.run(())),
        );
    };
    view! {
        <form class="card" aria-labelledby="move-title" novalidate on:submit=submit>
            <h2 id="move-title">{format!("Move {}", device.serial)}</h2>
            <label for="move-place">"Put it"</label>
            <select id="move-place" node_ref=select on:change=move |event| place.set(event_target_value(&event))>
                {move || fleets.with(|f| places(f)).into_iter().map(|(value, label)| {
                    let selected = place.get_untracked() == value;
                    view! { <option value=value selected=selected>{label}</option> }
                }).collect_view()}
            </select>
            <p class="help">"The device changes as a scan of a token with this action would change it. Scans made before now that reach the MDM later do not undo this move."</p>
            <div class="actions">
                <button type="submit" class="primary">"Move"</button>
                <button type="button" on:click=move |_| moving.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

/// Asks the MDM for a fresh enrolment code (it replaces an unused one) and shows it.
fn show_enrolment(
    id: u32,
    serial: String,
    shown: RwSignal<Option<(String, Result<Enrolment, api::ApiError>)>>,
) {
    spawn_local(async move {
        let path = format!("/api/v1/devices/{id}/enrolment");
        let answer = api::post::<Enrolment>(&path, &serde_json::json!({})).await;
        shown.set(Some((serial, answer)));
    });
}

/// The enrolment QR, rendered here by the core like every QR of the app, with its code and expiry.
#[component]
fn EnrolmentCard(serial: String, enrolment: Enrolment) -> impl IntoView {
    let svg = QrMatrix::encode(&enrolment.qr.text, Ecc::M).map(|matrix| matrix.to_svg(4, 4));
    view! {
        <section class="card" aria-labelledby="enrolment-title">
            <h2 id="enrolment-title">{format!("Enrolment for {serial}")}</h2>
            <p class="help">"Scan this with the device to register its key. It works once, until "
                <time datetime=enrolment.expires_at.0.clone()>{time::display(&enrolment.expires_at.0)}</time> "."</p>
            {match svg {
                Ok(svg) => view! { <div class="qr-image" role="img" aria-label=format!("Enrolment QR code for {serial}") inner_html=svg></div> }.into_any(),
                Err(why) => view! { <p role="alert" class="error">{why.to_string()}</p> }.into_any(),
            }}
            <p class="code-line">"Code " <code class="token-code">{enrolment.code.clone()}</code></p>
        </section>
    }
}
