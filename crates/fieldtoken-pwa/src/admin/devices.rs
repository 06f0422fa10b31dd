//! `/admin/devices` and `/admin/fleets`: what the MDM knows of the organisation's devices (state, fleet,
//! whether enrolled) and fleets, read-only. Without the read permission the page says which one is missing.

use fieldtoken_core::{Ecc, Permission, PermissionSet, QrMatrix};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;

use fieldtoken_api::devices::{Device, DeviceState, Fleet, Me};

use super::model::{Page, held};
use super::time;
use crate::api;
use crate::session;

/// `POST /api/v1/devices/{id}/enrolment`: a one-time code the device scans to register its key.
type Enrolment = fieldtoken_api::enrolment::EnrolmentCode;

/// Loads the session and the list at `path` when the session holds `permission`, then renders `view`.
fn gated<T, V>(
    permission: Permission,
    path: &'static str,
    view: impl Fn(Vec<T>, Vec<Fleet>, PermissionSet) -> V + Copy + Send + Sync + 'static,
) -> AnyView
where
    T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    if session::token().is_none() {
        return view! { <Redirect path="/admin/sign-in"/> }.into_any();
    }
    let data = LocalResource::new(move || async move {
        let me: Me = api::get("/api/v1/me").await?;
        let held = held(&me);
        if !held.contains(permission) {
            return Ok(None);
        }
        let items: Page<T> = api::get(path).await?;
        // Fleet names label devices; without fleet read the ids stand in.
        let fleets = api::get::<Page<Fleet>>("/api/v1/fleets")
            .await
            .map(|p| p.items)
            .unwrap_or_default();
        Ok::<_, api::ApiError>(Some((items.items, fleets, held)))
    });
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || data.get().map(|answer| match answer {
                Ok(Some((items, fleets, held))) => view(items, fleets, held).into_any(),
                Ok(None) => view! {
                    <p role="alert" class="error">
                        "Your account does not have the permission " <code>{permission.as_str()}</code>
                        " needed for this page."
                    </p>
                }.into_any(),
                Err(why) if why.is_unauthenticated() => {
                    session::sign_out();
                    view! { <Redirect path="/admin/sign-in"/> }.into_any()
                }
                Err(why) => view! { <p role="alert" class="error">{format!("Could not load this page: {why}.")}</p> }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

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

/// `/admin/devices`.
#[component]
pub fn DevicesPage() -> impl IntoView {
    view! {
        <section aria-labelledby="devices-title" class="wide">
            <super::AdminNav/>
            <h1 id="devices-title">"Devices"</h1>
            {gated(Permission::DeviceRead, "/api/v1/devices", |devices: Vec<Device>, fleets, held| {
                let can_enrol = held.contains(Permission::DeviceWrite);
                let enrolment = RwSignal::new(None::<(String, Result<Enrolment, api::ApiError>)>);
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="The organisation's devices">
                        <table>
                            <caption class="visually-hidden">"The organisation's devices"</caption>
                            <thead><tr>
                                <th scope="col">"Serial"</th>
                                <th scope="col">"State"</th>
                                <th scope="col">"Fleet"</th>
                                <th scope="col">"Certificate"</th>
                            </tr></thead>
                            <tbody>
                                {devices.into_iter().map(|device| {
                                    let serial = device.serial.clone();
                                    let id = device.id;
                                    view! {
                                        <tr>
                                            <td><code>{device.serial.clone()}</code></td>
                                            <td>{state_label(device.state)}</td>
                                            <td>{fleet_name(&fleets, device.fleet_id)}</td>
                                            <td>
                                                {if device.enrolled { "Enrolled" } else { "Not enrolled: must enrol again" }}
                                                {(!device.enrolled && can_enrol).then(|| view! {
                                                    " "
                                                    <button type="button" aria-label=format!("Enrolment QR for {serial}")
                                                        on:click=move |_| show_enrolment(id, serial.clone(), enrolment)>
                                                        "Enrolment QR"
                                                    </button>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {move || enrolment.get().map(|(serial, answer)| match answer {
                        Ok(enrolment) => view! { <EnrolmentCard serial=serial enrolment=enrolment/> }.into_any(),
                        Err(why) => view! { <p role="alert" class="error">{format!("No enrolment code for {serial}: {why}.")}</p> }.into_any(),
                    })}
                }
            })}
        </section>
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

/// `/admin/fleets`.
#[component]
pub fn FleetsPage() -> impl IntoView {
    view! {
        <section aria-labelledby="fleets-title">
            <super::AdminNav/>
            <h1 id="fleets-title">"Fleets"</h1>
            {gated(Permission::FleetRead, "/api/v1/fleets", |fleets: Vec<Fleet>, _, _| view! {
                <ul class="plain-list">
                    {fleets.into_iter().map(|fleet| view! { <li>{fleet.name}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}
