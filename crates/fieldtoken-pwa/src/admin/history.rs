//! `/admin/history` and `/admin/audit`: what happened, read afterwards. The redemption history (every redemption the
//! MDM received, its outcome, who carried it, the token and the device) and the audit log (who changed what), each a
//! filtered table a page at a time, the filters kept in the address so that a token's or a device's history is a
//! link (`/admin/history?token=3`, `?device=12`). The token panel's "Last uses" is here too.
//!
//! Both pages share one pager: the filter is the query string the API takes, pages follow the API's cursors, and a
//! stack of the cursors seen gives "Newer" back.

use fieldtoken_api::history::{AuditEntry, CarrierKind, RedemptionEntry};
use fieldtoken_api::sync::SyncStatus;
use fieldtoken_core::Permission;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::de::DeserializeOwned;

use super::kit;
use super::model::Page;
use super::time;
use crate::api;

/// The filters of a page: `(query name, label, input type)`; `datetime-local` ones are sent as RFC 3339 in UTC.
type Fields = &'static [(&'static str, &'static str, &'static str)];

const HISTORY_FIELDS: Fields = &[
    ("token", "Action token id", "number"),
    ("device", "Device id", "number"),
    (
        "carrier",
        "Carried by (operator:N, api_token:N or device:N)",
        "text",
    ),
    ("from", "Received from", "datetime-local"),
    ("to", "Received before", "datetime-local"),
];

const AUDIT_FIELDS: Fields = &[
    ("actor", "Actor (exact name)", "text"),
    (
        "kind",
        "Kind (e.g. action_token or redemption.apply)",
        "text",
    ),
    ("from", "From", "datetime-local"),
    ("to", "Before", "datetime-local"),
];

const OUTCOMES: [(&str, &str); 5] = [
    ("", "Any outcome"),
    ("applied", "Applied"),
    ("duplicate", "Duplicate (a retry)"),
    ("superseded", "Superseded"),
    ("rejected", "Rejected"),
];

/// `/admin/history`: the redemption history, filtered by the address's query.
#[component]
pub fn HistoryPage() -> impl IntoView {
    kit::permission_page("Redemption history", Permission::ActionTokenRead, || {
        filtered("/admin/history", HISTORY_FIELDS, true, history_table)
    })
}

/// `/admin/audit`: the audit log, filtered by the address's query, with its CSV export.
#[component]
pub fn AuditPage() -> impl IntoView {
    kit::admin_page("Audit log", || {
        filtered("/admin/audit", AUDIT_FIELDS, false, audit_table)
    })
}

/// The value of a filter field as the address carries it (RFC 3339 for times), from what the input holds.
fn to_query(kind: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if kind == "datetime-local" {
        return time::local_input_to_utc(value);
    }
    Some(value.to_owned())
}

/// What an input shows for a value of the address (a local time for RFC 3339).
fn from_query(kind: &str, value: &str) -> String {
    if kind == "datetime-local" {
        time::utc_to_local_input(value)
    } else {
        value.to_owned()
    }
}

/// A filter form over the address's query, and the table of the pages the API gives for it.
fn filtered(
    page_path: &'static str,
    fields: Fields,
    outcome: bool,
    table: fn(String) -> AnyView,
) -> AnyView {
    let query = use_query_map();
    let navigate = use_navigate();
    // The API's query for the address's filters (names this page does not know are left out).
    let api_query = Memo::new(move |_| {
        query.with(|q| {
            let mut names: Vec<&str> = fields.iter().map(|(name, _, _)| *name).collect();
            if outcome {
                names.push("outcome");
            }
            names
                .into_iter()
                .filter_map(|name| {
                    q.get(name)
                        .filter(|v| !v.is_empty())
                        .map(|v| format!("{name}={}", js_sys::encode_uri_component(&v)))
                })
                .collect::<Vec<_>>()
                .join("&")
        })
    });
    let inputs: Vec<(&'static str, &'static str, &'static str, RwSignal<String>)> = fields
        .iter()
        .map(|&(name, label, kind)| {
            let value = query.with_untracked(|q| q.get(name).unwrap_or_default());
            (name, label, kind, RwSignal::new(from_query(kind, &value)))
        })
        .collect();
    let chosen_outcome =
        RwSignal::new(query.with_untracked(|q| q.get("outcome").unwrap_or_default()));
    let submit = {
        let inputs = inputs.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let mut parts: Vec<String> = inputs
                .iter()
                .filter_map(|(name, _, kind, value)| {
                    to_query(kind, &value.get_untracked())
                        .map(|v| format!("{name}={}", js_sys::encode_uri_component(&v)))
                })
                .collect();
            if outcome && !chosen_outcome.get_untracked().is_empty() {
                parts.push(format!("outcome={}", chosen_outcome.get_untracked()));
            }
            let href = if parts.is_empty() {
                page_path.to_owned()
            } else {
                format!("{page_path}?{}", parts.join("&"))
            };
            navigate(&href, Default::default());
        }
    };
    let clear = {
        let inputs = inputs.clone();
        let navigate = use_navigate();
        move |_| {
            for (_, _, _, value) in &inputs {
                value.set(String::new());
            }
            chosen_outcome.set(String::new());
            navigate(page_path, Default::default());
        }
    };
    let csv = (!outcome).then(|| {
        let said = kit::said();
        view! {
            <p class="actions">
                <button type="button" on:click=move |_| download_csv(api_query.get_untracked(), said)>
                    "Download CSV (this filter)"
                </button>
            </p>
            {kit::said_view(said)}
        }
    });
    view! {
        <form class="card filters" aria-labelledby="filters-title" novalidate on:submit=submit>
            <h2 id="filters-title">"Filters"</h2>
            <div class="filter-fields">
                {inputs.into_iter().map(|(name, label, kind, value)| {
                    let id = format!("filter-{name}");
                    view! {
                        <div>
                            <label for=id.clone()>{label}</label>
                            <input id=id type=kind autocomplete="off" prop:value=value
                                on:input=move |event| value.set(event_target_value(&event))/>
                        </div>
                    }
                }).collect_view()}
                {outcome.then(|| view! {
                    <div>
                        <label for="filter-outcome">"Outcome"</label>
                        <select id="filter-outcome" prop:value=chosen_outcome
                            on:change=move |event| chosen_outcome.set(event_target_value(&event))>
                            {OUTCOMES.iter().map(|&(value, label)| {
                                let selected = chosen_outcome.get_untracked() == value;
                                view! { <option value=value selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                })}
            </div>
            <div class="actions">
                <button type="submit" class="primary">"Apply filters"</button>
                <button type="button" on:click=clear>"Clear"</button>
            </div>
        </form>
        {csv}
        {move || table(api_query.get())}
    }
    .into_any()
}

/// One page as loaded: its items and the cursor of the next, or why it could not load.
type Loaded<T> = Option<Result<Page<T>, String>>;

/// Pages through `api_path?query`: `(page, cursors seen, loading)`, and loads the first page.
fn pager<T: DeserializeOwned + Send + Sync + 'static>(
    api_path: &'static str,
    query: String,
) -> (RwSignal<Loaded<T>>, RwSignal<Vec<String>>, RwSignal<bool>) {
    let page = RwSignal::new(None::<Result<Page<T>, String>>);
    let cursors = RwSignal::new(vec![String::new()]);
    let loading = RwSignal::new(false);
    let load = move |cursor: String| {
        let query = query.clone();
        loading.set(true);
        spawn_local(async move {
            let mut path = format!("{api_path}?{query}");
            if !cursor.is_empty() {
                path.push_str(&format!("&cursor={cursor}"));
            }
            let answer = api::get::<Page<T>>(&path).await;
            page.set(Some(
                answer.map_err(|why| format!("Could not load this page: {why}.")),
            ));
            loading.set(false);
        });
    };
    load(String::new());
    // Moving between pages reloads from the cursor on top of the stack.
    Effect::new(move |previous: Option<usize>| {
        let depth = cursors.with(Vec::len);
        if previous.is_some_and(|p| p != depth) {
            load(cursors.with_untracked(|c| c.last().cloned().unwrap_or_default()));
        }
        depth
    });
    (page, cursors, loading)
}

/// "Newer" and "Older" under a table, and a live status of where the reader is.
fn pager_controls<T: Send + Sync + 'static>(
    what: &'static str,
    page: RwSignal<Loaded<T>>,
    cursors: RwSignal<Vec<String>>,
    loading: RwSignal<bool>,
) -> AnyView {
    let next = move || {
        page.with(|p| {
            p.as_ref()
                .and_then(|p| p.as_ref().ok())
                .and_then(|p| p.next.clone())
        })
    };
    let count = move || {
        page.with(|p| {
            p.as_ref()
                .and_then(|p| p.as_ref().ok())
                .map_or(0, |p| p.items.len())
        })
    };
    view! {
        <p role="status" aria-live="polite" class="help">
            {move || if loading.get() {
                "Loading…".to_owned()
            } else if count() == 0 && cursors.with(Vec::len) == 1 {
                format!("No {what} match these filters.")
            } else {
                format!("Page {}: {} {what}.", cursors.with(Vec::len), count())
            }}
        </p>
        {move || page.with(|p| p.as_ref().and_then(|p| p.as_ref().err().cloned()))
            .map(|why| view! { <p role="alert" class="error">{why}</p> })}
        <nav class="actions pager" aria-label=format!("Pages of {what}")>
            <button type="button" disabled=move || cursors.with(Vec::len) == 1 || loading.get()
                on:click=move |_| cursors.update(|c| { c.pop(); })>"Newer"</button>
            <button type="button" disabled=move || next().is_none() || loading.get()
                on:click=move |_| if let Some(next) = next() { cursors.update(|c| c.push(next)) }>"Older"</button>
        </nav>
    }
    .into_any()
}

/// A wide table in a scroll region a keyboard can reach and a screen reader names.
fn scroll_table(label: &'static str, headers: &'static [&'static str], rows: AnyView) -> AnyView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            <table>
                <caption class="visually-hidden">{label}</caption>
                <thead><tr>
                    {headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn when(instant: &str) -> AnyView {
    view! { <time datetime=instant.to_owned()>{time::display(instant)}</time> }.into_any()
}

/// An outcome as people say it, with the reason of a rejection.
fn outcome_words(entry: &RedemptionEntry) -> String {
    match entry.outcome {
        SyncStatus::Applied => "Applied".into(),
        SyncStatus::Duplicate => "Duplicate (a retry)".into(),
        SyncStatus::Superseded => "Superseded".into(),
        SyncStatus::Rejected => format!(
            "Rejected: {}",
            entry
                .reason
                .map_or("unknown", |r| r.as_str())
                .replace('_', " ")
        ),
        SyncStatus::Unknown => "Unknown".into(),
    }
}

fn carrier_words(kind: CarrierKind) -> (&'static str, &'static str) {
    match kind {
        CarrierKind::Operator => ("operator", "Operator"),
        CarrierKind::ApiToken => ("api_token", "API token"),
        CarrierKind::Device => ("device", "Device (signed)"),
        CarrierKind::Unknown => ("unknown", "Unknown"),
    }
}

fn history_table(query: String) -> AnyView {
    let (page, cursors, loading) = pager::<RedemptionEntry>("/api/v1/redemptions", query);
    let rows = move || {
        page.with(|p| {
            let items = p.as_ref().and_then(|p| p.as_ref().ok()).map(|p| p.items.clone()).unwrap_or_default();
            items.into_iter().map(|e| {
                let (kind, kind_label) = carrier_words(e.carrier.kind);
                let outcome = outcome_words(&e);
                view! {
                    <tr>
                        <td>{when(&e.received_at.0)}</td>
                        <td class=outcome_class(e.outcome)>{outcome}</td>
                        <td>{match &e.token {
                            Some(t) => view! { <a href=format!("/admin/history?token={}", t.id)>{t.name.clone()}</a> }.into_any(),
                            None => view! { "—" }.into_any(),
                        }}</td>
                        <td><a href=format!("/admin/history?device={}", e.device.id)>
                            {e.device.serial.clone().unwrap_or_else(|| format!("#{}", e.device.id))}
                        </a></td>
                        <td><a href=format!("/admin/history?carrier={kind}:{}", e.carrier.id)>{e.carrier.name.clone()}</a>
                            " " <span class="help">{kind_label}</span></td>
                        <td>{when(&e.scanned_at.0)}</td>
                        <td><code>{e.id.clone()}</code></td>
                    </tr>
                }
            }).collect_view()
        })
    };
    view! {
        {scroll_table(
            "Redemptions received",
            &["Received", "Outcome", "Action token", "Device", "Carried by", "Scanned", "Redemption id"],
            rows.into_any(),
        )}
        {pager_controls("redemptions", page, cursors, loading)}
    }
    .into_any()
}

fn outcome_class(outcome: SyncStatus) -> &'static str {
    match outcome {
        SyncStatus::Applied => "outcome applied",
        SyncStatus::Duplicate => "outcome duplicate",
        SyncStatus::Superseded => "outcome superseded",
        SyncStatus::Rejected => "outcome rejected",
        SyncStatus::Unknown => "outcome",
    }
}

fn audit_table(query: String) -> AnyView {
    let (page, cursors, loading) = pager::<AuditEntry>("/api/v1/audit", query);
    let rows = move || {
        page.with(|p| {
            let items = p
                .as_ref()
                .and_then(|p| p.as_ref().ok())
                .map(|p| p.items.clone())
                .unwrap_or_default();
            items
                .into_iter()
                .map(|e| {
                    view! {
                        <tr>
                            <td>{when(&e.at.0)}</td>
                            <td>{e.actor.clone()}</td>
                            <td><code>{e.action.clone()}</code></td>
                            <td><code>{e.target.clone()}</code></td>
                            <td><code class="detail">{e.detail.to_string()}</code></td>
                            <td>{e.remote.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        {scroll_table("Audit log entries", &["When", "Actor", "Kind", "Target", "Detail", "From"], rows.into_any())}
        {pager_controls("entries", page, cursors, loading)}
    }
    .into_any()
}

/// Downloads the CSV export of the filter `query` (the MDM streams it; the browser saves it as a file).
fn download_csv(query: String, said: kit::Said) {
    said.set(Some(Ok("Preparing the CSV…".into())));
    spawn_local(async move {
        let path = if query.is_empty() {
            "/api/v1/audit-log.csv".to_owned()
        } else {
            format!("/api/v1/audit-log.csv?{query}")
        };
        match api::get_text(&path).await {
            Ok(csv) => {
                let url = format!(
                    "data:text/csv;charset=utf-8,{}",
                    js_sys::encode_uri_component(&csv)
                );
                super::panel::save(&url, "audit-log.csv");
                said.set(Some(Ok("The CSV was downloaded.".into())));
            }
            Err(why) => said.set(Some(Err(format!("The CSV was not downloaded: {why}.")))),
        }
    });
}

/// The token panel's "Last uses": its five newest redemptions and a link to its whole history.
#[component]
pub fn LastUses(token: u32) -> impl IntoView {
    let uses = LocalResource::new(move || async move {
        api::get::<Page<RedemptionEntry>>(&format!("/api/v1/redemptions?token={token}&limit=5"))
            .await
    });
    view! {
        <section class="last-uses" aria-labelledby="last-uses-title">
            <h3 id="last-uses-title">"Last uses"</h3>
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || uses.get().map(|answer| match answer {
                    Ok(page) if page.items.is_empty() => view! { <p class="help">"Not redeemed yet."</p> }.into_any(),
                    Ok(page) => view! {
                        <ul class="plain-list">
                            {page.items.into_iter().map(|e| view! {
                                <li>{when(&e.received_at.0)} " · " {outcome_words(&e)} " · "
                                    {e.device.serial.clone().unwrap_or_else(|| format!("device #{}", e.device.id))}
                                    " · " {e.carrier.name.clone()}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(why) => view! { <p role="alert" class="error">{format!("Could not load its uses: {why}.")}</p> }.into_any(),
                })}
            </Suspense>
            <a href=format!("/admin/history?token={token}")>"Full history of this token"</a>
        </section>
    }
}
