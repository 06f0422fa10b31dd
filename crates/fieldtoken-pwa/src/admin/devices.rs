//! `/admin/devices` and `/admin/fleets`: what the MDM knows of the organisation's devices (state, fleet,
//! whether enrolled) and fleets, read-only. Without the read permission the page says which one is missing.

use fieldtoken_core::Permission;
use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::model::{Device, Fleet, Me, Page};
use crate::api;
use crate::session;

/// Loads the session and the list at `path` when the session holds `permission`, then renders `view`.
fn gated<T, V>(
    permission: Permission,
    path: &'static str,
    view: impl Fn(Vec<T>, Vec<Fleet>) -> V + Copy + Send + Sync + 'static,
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
        if !me.permissions().contains(permission) {
            return Ok(None);
        }
        let items: Page<T> = api::get(path).await?;
        // Fleet names label devices; without fleet read the ids stand in.
        let fleets = api::get::<Page<Fleet>>("/api/v1/fleets")
            .await
            .map(|p| p.items)
            .unwrap_or_default();
        Ok::<_, api::ApiError>(Some((items.items, fleets)))
    });
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || data.get().map(|answer| match answer {
                Ok(Some((items, fleets))) => view(items, fleets).into_any(),
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

fn fleet_name(fleets: &[Fleet], id: &Option<super::model::Id>) -> String {
    match id {
        None => "—".into(),
        Some(id) => fleets
            .iter()
            .find(|f| &f.id == id)
            .map_or_else(|| format!("#{id}"), |f| f.name.clone()),
    }
}

/// A device state as people say it.
fn state_label(state: &str) -> &str {
    match state {
        "in_fleet" => "In fleet",
        "in_repair" => "In repair",
        "in_stock" => "In stock",
        other => other,
    }
}

/// `/admin/devices`.
#[component]
pub fn DevicesPage() -> impl IntoView {
    view! {
        <section aria-labelledby="devices-title" class="wide">
            <super::AdminNav/>
            <h1 id="devices-title">"Devices"</h1>
            {gated(Permission::DeviceRead, "/api/v1/devices", |devices: Vec<Device>, fleets| view! {
                <div class="table-wrap">
                    <table>
                        <caption class="visually-hidden">"The organisation's devices"</caption>
                        <thead><tr>
                            <th scope="col">"Serial"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Fleet"</th>
                            <th scope="col">"Certificate"</th>
                        </tr></thead>
                        <tbody>
                            {devices.into_iter().map(|device| view! {
                                <tr>
                                    <td><code>{device.serial.clone()}</code></td>
                                    <td>{state_label(&device.state).to_owned()}</td>
                                    <td>{fleet_name(&fleets, &device.fleet_id)}</td>
                                    <td>{if device.enrolled { "Enrolled" } else { "Not enrolled: must enrol again" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
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
            {gated(Permission::FleetRead, "/api/v1/fleets", |fleets: Vec<Fleet>, _| view! {
                <ul class="plain-list">
                    {fleets.into_iter().map(|fleet| view! { <li>{fleet.name}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}
