//! Importing devices from a CSV file: the file is read here, sent to the MDM's preview (which registers nothing and
//! answers a report of every row that cannot be registered), and, once the report is clean, sent again to be
//! registered whole or not at all. Large files take a while, so each phase (reading, checking, applying) is said in
//! a live region, with the upload's progress, and the report is an accessible table.

use fieldtoken_api::devices::{DeviceState, Fleet};
use fieldtoken_api::inventory::{ImportReport, RowOutcome};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::api::ApiError;
use crate::session;

/// The most problem rows the page lists; the counts cover the rest.
const SHOWN_PROBLEMS: usize = 1_000;

/// Where the import is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Reading,
    Checking,
    Applying,
}

impl Phase {
    fn words(self) -> &'static str {
        match self {
            Phase::Idle => "",
            Phase::Reading => "Reading the file…",
            Phase::Checking => "Checking every row with the MDM (nothing is registered yet)…",
            Phase::Applying => "Registering the devices…",
        }
    }
}

fn outcome_words(outcome: RowOutcome) -> &'static str {
    match outcome {
        RowOutcome::Ok => "OK",
        RowOutcome::DuplicateInFile => "Duplicate in file",
        RowOutcome::AlreadyRegistered => "Already registered",
        RowOutcome::UnknownFleet => "Unknown fleet",
        RowOutcome::BadSerial => "Bad serial",
        RowOutcome::BadRow => "Bad row",
    }
}

/// `POST path` with a JSON body, as the session, telling `progress` how much of the body was sent (0 to 1): fetch
/// cannot report an upload's progress, XMLHttpRequest can.
async fn post_with_progress(
    path: &str,
    body: &str,
    progress: RwSignal<Option<f64>>,
) -> Result<String, ApiError> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| ApiError::network())?;
    xhr.open("POST", path).map_err(|_| ApiError::network())?;
    let mut headers = vec![
        ("Content-Type", "application/json".to_owned()),
        ("Accept", "application/json".to_owned()),
    ];
    if let Some(token) = session::token() {
        headers.push(("Authorization", format!("Bearer {token}")));
    }
    for (name, value) in headers {
        xhr.set_request_header(name, &value)
            .map_err(|_| ApiError::network())?;
    }
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                progress.set(Some(event.loaded() / event.total()));
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let ended = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    xhr.send_with_opt_str(Some(body))
        .map_err(|_| ApiError::network())?;
    let _ = JsFuture::from(ended).await;
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        0 => Err(ApiError::network()),
        200..=299 => Ok(text),
        _ => Err(ApiError::refused(status, &text, None)),
    }
}

/// The import form: choose a file, check it, read the report, import it.
#[component]
pub fn ImportDevices(fleets: RwSignal<Vec<Fleet>>, on_done: Callback<()>) -> impl IntoView {
    let phase = RwSignal::new(Phase::Idle);
    let progress = RwSignal::new(None::<f64>);
    let csv = StoredValue::new(None::<String>);
    let file_name = RwSignal::new(String::new());
    let report = RwSignal::new(None::<ImportReport>);
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let input = NodeRef::<leptos::html::Input>::new();

    let send = move |apply: bool| {
        let Some(text) = csv.get_value() else {
            outcome.set(Some(Err("Choose a CSV file first.".into())));
            return;
        };
        phase.set(if apply {
            Phase::Applying
        } else {
            Phase::Checking
        });
        progress.set(Some(0.0));
        outcome.set(None);
        spawn_local(async move {
            let path = if apply {
                "/api/v1/devices/import"
            } else {
                "/api/v1/devices/import/preview"
            };
            let body = serde_json::json!({ "csv": text }).to_string();
            let answer = post_with_progress(path, &body, progress).await;
            phase.set(Phase::Idle);
            match answer.and_then(|text| {
                serde_json::from_str::<ImportReport>(&text).map_err(|why| ApiError {
                    status: 0,
                    code: "bad_response".into(),
                    message: format!("the MDM answered in an unexpected way ({why})"),
                    retry_after: None,
                })
            }) {
                Ok(answer) if answer.applied => {
                    outcome.set(Some(Ok(format!(
                        "Imported: {} devices registered.",
                        answer.ok
                    ))));
                    report.set(None);
                    csv.set_value(None);
                    file_name.set(String::new());
                    if let Some(input) = input.get_untracked() {
                        input.set_value("");
                    }
                    on_done.run(());
                }
                Ok(answer) => {
                    let words = if answer.rows == 0 {
                        "The file has no device rows.".to_owned()
                    } else if answer.problems.is_empty() {
                        format!(
                            "All {} rows are ready to import. Nothing is registered until you press Import.",
                            answer.rows
                        )
                    } else {
                        format!(
                            "{} of {} rows cannot be registered: see the report below. Correct the file and check it again; an import registers every row or none.",
                            answer.problems.len(),
                            answer.rows
                        )
                    };
                    outcome.set(Some(Ok(words)));
                    report.set(Some(answer));
                }
                // A refused import (a serial registered meanwhile) names its first problems; nothing was registered.
                Err(why) => outcome.set(Some(Err(format!(
                    "The file was not {}: {why}.",
                    if apply { "imported" } else { "checked" }
                )))),
            }
        });
    };

    let choose = move |_| {
        report.set(None);
        outcome.set(None);
        let file = input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            csv.set_value(None);
            return;
        };
        file_name.set(file.name());
        phase.set(Phase::Reading);
        progress.set(None);
        spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            phase.set(Phase::Idle);
            match text {
                Some(text) => {
                    csv.set_value(Some(text));
                    // Checking is harmless and the next thing anyone does: it starts at once.
                    send(false);
                }
                None => outcome.set(Some(Err("The file could not be read as text.".into()))),
            }
        });
    };

    let destination = move |state: DeviceState, fleet: Option<u32>| match state {
        DeviceState::InFleet => fleets.with(|f| {
            let id = fleet.unwrap_or_default();
            f.iter()
                .find(|f| f.id == id)
                .map_or_else(|| format!("Fleet #{id}"), |f| format!("Fleet {}", f.name))
        }),
        DeviceState::InRepair => "In repair".to_owned(),
        DeviceState::InStock => "In stock".to_owned(),
    };
    let busy = move || phase.get() != Phase::Idle;
    let ready = move || {
        report.with(|r| {
            r.as_ref()
                .is_some_and(|r| r.rows > 0 && r.problems.is_empty() && !r.applied)
        })
    };

    view! {
        <section class="card" aria-labelledby="import-title">
            <h2 id="import-title">"Import devices from a CSV file"</h2>
            <p class="help">"One device a row: the serial, then optionally a fleet's name, or in_stock or in_repair (empty: in stock). A first row “serial,fleet” is a header. Up to 100,000 rows. The file is checked first; an import then registers every row or none."</p>
            <label for="import-file">"CSV file"</label>
            <input id="import-file" type="file" accept=".csv,text/csv,text/plain" node_ref=input
                on:change=choose disabled=busy/>
            <div class="actions">
                <button type="button" on:click=move |_| send(false) disabled=move || busy() || file_name.with(String::is_empty)>
                    "Check the file again"
                </button>
                <button type="button" class="primary" on:click=move |_| send(true) disabled=move || busy() || !ready()>
                    {move || report.with(|r| match r {
                        Some(r) if r.problems.is_empty() && r.rows > 0 => format!("Import {} devices", r.ok),
                        _ => "Import".to_owned(),
                    })}
                </button>
            </div>
            // One live region, always in the page, so every phase and outcome is announced as it changes.
            <div role="status" aria-live="polite" class="help">
                {move || outcome.get().and_then(Result::ok)}
                {move || phase.get().words()}
                {move || (phase.get() == Phase::Checking || phase.get() == Phase::Applying).then(|| {
                    let percent = progress.get().map(|p| (p * 100.0).round());
                    match percent {
                        Some(p) if p < 100.0 => format!(" Sending {p}%."),
                        _ => " Sent; the MDM is working.".to_owned(),
                    }
                })}
            </div>
            <Show when=busy>
                <progress max="1" value=move || progress.get().filter(|p| *p < 1.0)
                    aria-label=move || phase.get().words()></progress>
            </Show>
            {move || outcome.get().and_then(Result::err).map(|why| view! { <p role="alert" class="error">{why}</p> })}
            {move || report.get().map(|report| {
                let more = report.problems.len().saturating_sub(SHOWN_PROBLEMS);
                view! {
                    <h3>{format!("Report on {}", file_name.get_untracked())}</h3>
                    <ul class="plain-list">
                        <li>{format!("{} rows read, {} ready to import, {} with a problem.", report.rows, report.ok, report.problems.len())}</li>
                        {report.destinations.iter().map(|d| view! {
                            <li>{format!("{}: {} device(s)", destination(d.state, d.fleet_id), d.devices)}</li>
                        }).collect_view()}
                    </ul>
                    {(!report.problems.is_empty()).then(|| view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label="Rows that cannot be registered">
                            <table>
                                <caption>"Rows that cannot be registered"</caption>
                                <thead><tr>
                                    <th scope="col">"Row"</th>
                                    <th scope="col">"Serial"</th>
                                    <th scope="col">"Problem"</th>
                                    <th scope="col">"Details"</th>
                                </tr></thead>
                                <tbody>
                                    {report.problems.iter().take(SHOWN_PROBLEMS).map(|p| view! {
                                        <tr>
                                            <th scope="row">{p.row}</th>
                                            <td><code>{p.serial.clone()}</code></td>
                                            <td>{outcome_words(p.outcome)}</td>
                                            <td>{p.message.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {(more > 0).then(|| view! { <p class="help">{format!("And {more} more rows with a problem.")}</p> })}
                    })}
                }
            })}
        </section>
    }
}
