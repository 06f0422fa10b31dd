//! Print sheets: `/admin/sheets/tokens` (many action tokens per page, each cell its signed QR code, name, action,
//! expiry and typed code) and `/admin/sheets/devices` (device labels, chosen by the Devices table's filters: the
//! serial as the QR code the operator's camera reads, see `operator::token`, and as text). On screen a preview of the pages with the paper size and a
//! Print button; printed, only the pages, with dashed cut lines around every cell.
//!
//! Sizes are fixed in millimetres so every printer gives the same result: a token's QR code is 48 mm square with
//! its 4-module quiet zone (a signed token is version 7 at most, 45 + 8 modules, so each module prints at 0.9 mm or
//! more), a label's 30 mm (a serial of up to 20 characters is version 2 at most, 25 + 8 modules: 0.9 mm; the
//! longest the MDM takes, 64 characters, is version 5: 0.67 mm). The page states the smallest module it prints.
//! The common rule for printed QR codes is a symbol at least a tenth of the scanning distance wide: 48 mm reads
//! from about 45 cm, arm's length, and labels from 30 cm; both are far above the 0.5 mm per module a 300 dpi
//! office printer needs to print each module sharp (6 dots).

use std::collections::BTreeSet;

use fieldtoken_core::{Ecc, QrMatrix};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use fieldtoken_api::devices::{Device, DeviceState, Fleet};

use super::model::{ActionToken, Page, action_words};
use super::time;
use crate::api;
use crate::session;

/// Tokens on one page: 3 by 3 cells of 63 x 86 mm, which fit both A4 and Letter inside 10 mm margins.
pub const TOKENS_PER_PAGE: usize = 9;
/// Labels on one page: 4 by 6 cells of 47 x 43 mm.
pub const LABELS_PER_PAGE: usize = 24;
/// The most cells one sheet loads: the largest batch the MDM creates.
const MAX_CELLS: usize = fieldtoken_api::action_tokens::MAX_BATCH;
/// The printed side of a token's QR code with its quiet zone, in mm (see the module doc).
const TOKEN_QR_MM: f64 = 48.0;
/// The printed side of a label's QR code with its quiet zone, in mm.
const LABEL_QR_MM: f64 = 30.0;
/// The quiet zone every reader needs, in modules.
const QUIET_ZONE: u32 = 4;

/// The paper the sheet is laid out for; the print CSS has one named `@page` for each.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Paper {
    A4,
    Letter,
}

impl Paper {
    fn class(self) -> &'static str {
        match self {
            Paper::A4 => "sheet-pages paper-a4",
            Paper::Letter => "sheet-pages paper-letter",
        }
    }
}

/// One cell of a sheet: the QR text and the lines printed under it.
#[derive(Clone, PartialEq)]
struct Cell {
    /// The id of the token or device, for the page and its tests.
    id: u32,
    /// What the QR code holds.
    qr: String,
    /// The lines under the code; the first is its name.
    lines: Vec<String>,
    /// The typed code, printed in a monospace face (tokens only).
    code: Option<String>,
}

/// The cells in pages of `per_page`.
fn paginate(cells: &[Cell], per_page: usize) -> Vec<Vec<Cell>> {
    cells
        .chunks(per_page.max(1))
        .map(<[Cell]>::to_vec)
        .collect()
}

/// The printed size of one module of the largest code on the sheet, in mm: the smallest any cell prints.
fn smallest_module_mm(cells: &[Cell], side_mm: f64) -> Option<f64> {
    cells
        .iter()
        .filter_map(|cell| QrMatrix::encode(&cell.qr, Ecc::M).ok())
        .map(|matrix| side_mm / f64::from(matrix.width() as u32 + 2 * QUIET_ZONE))
        .reduce(f64::min)
}

/// The comma-separated ids of `?ids=`, at most [`MAX_CELLS`].
fn ids_of(text: &str) -> BTreeSet<u32> {
    text.split(',')
        .filter_map(|id| id.trim().parse().ok())
        .take(MAX_CELLS)
        .collect()
}

/// Every page of the list at `path`, following `next`, until `MAX_CELLS` items; `true` when more were left off.
async fn load_all<T: serde::de::DeserializeOwned>(
    path: &str,
) -> Result<(Vec<T>, bool), api::ApiError> {
    let mut items = Vec::new();
    let mut cursor = None::<String>;
    loop {
        let page_path = api::page_path(path, cursor.as_deref());
        let page: Page<T> = api::get(&page_path).await?;
        items.extend(page.items);
        if items.len() >= MAX_CELLS {
            let more = items.len() > MAX_CELLS || page.next.is_some();
            items.truncate(MAX_CELLS);
            return Ok((items, more));
        }
        // A cursor given twice would loop for ever: the list ends there instead.
        match page.next {
            Some(next) if cursor.as_ref() != Some(&next) => cursor = Some(next),
            _ => return Ok((items, false)),
        }
    }
}

fn fleet_name(fleets: &[Fleet], id: u32) -> String {
    fleets
        .iter()
        .find(|f| f.id == id)
        .map_or_else(|| format!("fleet #{id}"), |f| f.name.clone())
}

fn token_cell(token: &ActionToken, fleets: &[Fleet]) -> Cell {
    let action = match token.action.fleet_id {
        Some(fleet) => format!(
            "{} · {}",
            action_words(&token.action),
            fleet_name(fleets, fleet)
        ),
        None => action_words(&token.action).to_owned(),
    };
    Cell {
        id: token.id,
        qr: token.qr.new.clone(),
        lines: vec![
            token.name.clone(),
            action,
            format!("Expires {}", time::display(&token.expires_at.0)),
        ],
        code: Some(token.code.clone()),
    }
}

fn label_cell(device: &Device, fleets: &[Fleet]) -> Cell {
    let place = match (device.state, device.fleet_id) {
        (DeviceState::InFleet, Some(fleet)) => fleet_name(fleets, fleet),
        (DeviceState::InRepair, _) => "In repair".to_owned(),
        (DeviceState::InStock, _) => "In stock".to_owned(),
        (DeviceState::InFleet, None) => "In a fleet".to_owned(),
    };
    Cell {
        id: device.id,
        // Exactly the serial: the operator's camera picks a device by the serial its label's QR code holds.
        qr: device.serial.clone(),
        lines: vec![device.serial.clone(), place],
        code: None,
    }
}

/// What a sheet page loaded: its cells, whether some were left off, or why it could not.
type Loaded = Result<(Vec<Cell>, bool), api::ApiError>;

/// `/admin/sheets/tokens?ids=1,2,3` (chosen rows) or `?q=text` (the table's search): a sheet of action tokens.
#[component]
pub fn TokenSheetPage() -> impl IntoView {
    if session::token().is_none() {
        return view! { <Redirect path="/admin/sign-in"/> }.into_any();
    }
    let query = use_query_map().get_untracked();
    let ids = query.get("ids").map(|text| ids_of(&text));
    let search = query.get("q").unwrap_or_default();
    let chosen = Signal::stored(match &ids {
        Some(ids) => format!("{} chosen tokens", ids.len()),
        None if search.trim().is_empty() => "every token".to_owned(),
        None => format!("tokens whose name holds “{}”", search.trim()),
    });
    let path = match &ids {
        Some(ids) => {
            let list: Vec<String> = ids.iter().map(u32::to_string).collect();
            format!("/api/v1/action-tokens?limit=200&ids={}", list.join(","))
        }
        None => format!(
            "/api/v1/action-tokens?limit=200&q={}",
            js_sys::encode_uri_component(search.trim())
        ),
    };
    let empty_ids = ids.as_ref().is_some_and(BTreeSet::is_empty);
    let loaded = LocalResource::new(move || {
        let path = path.clone();
        async move {
            if empty_ids {
                return Ok((Vec::new(), false));
            }
            let fleets = api::get_all::<Fleet>(super::kit::ALL_FLEETS)
                .await
                .unwrap_or_default();
            let (mut tokens, more) = load_all::<ActionToken>(&path).await?;
            // The list is newest first; a sheet reads in the order the tokens were made.
            tokens.reverse();
            Ok((
                tokens.iter().map(|t| token_cell(t, &fleets)).collect(),
                more,
            ))
        }
    });
    view! {
        <Sheet
            title="Token sheet"
            what=chosen
            per_page=TOKENS_PER_PAGE
            qr_mm=TOKEN_QR_MM
            kind="tokens"
            loaded=loaded
            back="/admin"
            back_label="Back to Action Tokens"
        />
    }
    .into_any()
}

/// `/admin/sheets/devices?ids=1,2` (chosen devices) or the Devices table's filters, `?serial=` (start of the
/// serial), `?fleet_id=` and `?state=`, which the MDM applies and pages; every device when none is given.
#[component]
pub fn DeviceSheetPage() -> impl IntoView {
    if session::token().is_none() {
        return view! { <Redirect path="/admin/sign-in"/> }.into_any();
    }
    let query = use_query_map().get_untracked();
    let ids = query.get("ids").map(|text| ids_of(&text));
    let serial = query.get("serial").unwrap_or_default().trim().to_owned();
    let fleet = query.get("fleet_id").and_then(|f| f.parse::<u32>().ok());
    let state = query
        .get("state")
        .filter(|s| ["in_fleet", "in_repair", "in_stock"].contains(&s.as_str()));
    let fleets = RwSignal::new(Vec::<Fleet>::new());
    let chosen = {
        let (ids, serial, state) = (ids.clone(), serial.clone(), state.clone());
        Signal::derive(move || {
            let mut said = Vec::new();
            if let Some(ids) = &ids {
                said.push(format!("{} chosen devices", ids.len()));
            }
            if let Some(fleet) = fleet {
                // The fleet's name once the fleets are loaded.
                said.push(format!(
                    "the devices of {}",
                    fleets.with(|list| fleet_name(list, fleet))
                ));
            }
            if let Some(state) = &state {
                said.push(format!("devices {}", state.replace('_', " ")));
            }
            if !serial.is_empty() {
                said.push(format!("serials starting with “{serial}”"));
            }
            if said.is_empty() {
                "every device".to_owned()
            } else {
                said.join(", ")
            }
        })
    };
    let mut path = format!(
        "/api/v1/devices?limit=200&serial={}",
        js_sys::encode_uri_component(&serial)
    );
    if let Some(fleet) = fleet {
        path.push_str(&format!("&fleet_id={fleet}"));
    }
    if let Some(state) = &state {
        path.push_str(&format!("&state={state}"));
    }
    let loaded = LocalResource::new(move || {
        let (ids, path) = (ids.clone(), path.clone());
        async move {
            let list = api::get_all::<Fleet>(super::kit::ALL_FLEETS)
                .await
                .unwrap_or_default();
            fleets.set(list.clone());
            let (devices, more) = match ids {
                // Chosen devices one by one: a handful, picked by hand; an id that names no device is left out.
                Some(ids) => {
                    let mut devices = Vec::new();
                    for id in ids {
                        match api::get::<Device>(&format!("/api/v1/devices/{id}")).await {
                            Ok(device) => devices.push(device),
                            Err(why) if why.status == 404 => {}
                            Err(why) => return Err(why),
                        }
                    }
                    (devices, false)
                }
                None => load_all::<Device>(&path).await?,
            };
            let cells = devices.iter().map(|d| label_cell(d, &list)).collect();
            Ok((cells, more))
        }
    });
    view! {
        <Sheet
            title="Device labels"
            what=chosen
            per_page=LABELS_PER_PAGE
            qr_mm=LABEL_QR_MM
            kind="labels"
            loaded=loaded
            back="/admin/devices"
            back_label="Back to Devices"
        />
    }
    .into_any()
}

/// The sheet: controls (paper size, Print), a live summary, and the pages.
#[component]
fn Sheet(
    title: &'static str,
    what: Signal<String>,
    per_page: usize,
    qr_mm: f64,
    kind: &'static str,
    loaded: LocalResource<Loaded>,
    back: &'static str,
    back_label: &'static str,
) -> impl IntoView {
    let paper = RwSignal::new(Paper::A4);
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    let paper_choice = move |value: Paper, label: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="paper" prop:checked=move || paper.get() == value
                    on:change=move |_| paper.set(value)/>
                {label}
            </label>
        }
    };
    view! {
        <section class="wide sheet" aria-labelledby="sheet-title">
            <div class="sheet-controls">
                <super::AdminNav/>
                <p><a href=back>{back_label}</a></p>
                <h1 id="sheet-title">{title}</h1>
                <p>"Showing " {what} "."</p>
                <fieldset class="paper">
                    <legend>"Paper size"</legend>
                    {paper_choice(Paper::A4, "A4")}
                    {paper_choice(Paper::Letter, "Letter")}
                </fieldset>
                <button type="button" class="primary big" on:click=print>"Print"</button>
                <p class="help">
                    "To download a PDF, press Print and choose “Save as PDF”. Cut along the dashed lines."
                </p>
            </div>
            <Suspense fallback=|| view! { <p role="status">"Loading the sheet…"</p> }>
                {move || loaded.get().map(|answer| match answer {
                    Ok((cells, more)) => {
                        let pages = paginate(&cells, per_page);
                        let count = pages.len();
                        let module = smallest_module_mm(&cells, qr_mm);
                        let summary = match (cells.len(), module) {
                            (0, _) | (_, None) => "Nothing to print: no item matches.".to_owned(),
                            (n, Some(mm)) => format!(
                                "{n} on {count} page{}; QR modules print at {mm:.2} mm or more, with a quiet zone of {QUIET_ZONE} modules.",
                                if count == 1 { "" } else { "s" }
                            ),
                        };
                        view! {
                            <p role="status" class="sheet-controls">{summary}</p>
                            {more.then(|| view! {
                                <p role="alert" class="sheet-controls error">
                                    {format!("Only the first {MAX_CELLS} are on this sheet: choose fewer to print the rest.")}
                                </p>
                            })}
                            <div class=move || paper.get().class() data-kind=kind>
                                {pages.into_iter().enumerate().map(|(i, page)| view! {
                                    <section class="sheet-page" aria-label=format!("Page {} of {count}", i + 1)>
                                        <ul class=format!("sheet-grid {kind}")>
                                            {page.into_iter().map(|cell| view! { <SheetCell cell=cell/> }).collect_view()}
                                        </ul>
                                    </section>
                                }).collect_view()}
                            </div>
                        }.into_any()
                    }
                    Err(why) if why.is_unauthenticated() => {
                        session::sign_out();
                        view! { <Redirect path="/admin/sign-in"/> }.into_any()
                    }
                    Err(why) => view! {
                        <p role="alert" class="error">{format!("Could not load the sheet: {why}.")}</p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SheetCell(cell: Cell) -> impl IntoView {
    let svg = QrMatrix::encode(&cell.qr, Ecc::M).map(|matrix| matrix.to_svg(1, QUIET_ZONE));
    let name = cell.lines.first().cloned().unwrap_or_default();
    let rest: Vec<String> = cell.lines.iter().skip(1).cloned().collect();
    view! {
        <li class="sheet-cell" data-id=cell.id.to_string()>
            {match svg {
                Ok(svg) => view! {
                    <div class="sheet-qr" role="img" aria-label=format!("QR code of {name}") inner_html=svg></div>
                }.into_any(),
                Err(why) => view! { <p class="error">{why.to_string()}</p> }.into_any(),
            }}
            <p class="cell-name">{name}</p>
            {rest.into_iter().map(|line| view! { <p class="cell-line">{line}</p> }).collect_view()}
            {cell.code.map(|code| view! { <p class="cell-code"><code>{code}</code></p> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn cell(id: u32, qr: &str) -> Cell {
        Cell {
            id,
            qr: qr.into(),
            lines: vec![format!("#{id}")],
            code: None,
        }
    }

    #[wasm_bindgen_test]
    fn pages_hold_a_fixed_number_of_cells_in_order() {
        let cells: Vec<Cell> = (1..=20).map(|id| cell(id, "FT-001-0001")).collect();
        let pages = paginate(&cells, TOKENS_PER_PAGE);
        assert_eq!(
            pages.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![9, 9, 2]
        );
        assert_eq!(pages[1][0].id, 10);
        assert!(paginate(&[], TOKENS_PER_PAGE).is_empty());
    }

    #[wasm_bindgen_test]
    fn modules_print_at_arms_length_sizes() {
        // A serial label: version 1, 21 + 8 modules in 30 mm.
        let label = smallest_module_mm(&[cell(1, "FT-001-0001")], LABEL_QR_MM).unwrap();
        assert!((label - 30.0 / 29.0).abs() < 1e-9, "{label}");
        // The longest serial the MDM takes, in byte mode (`_` is not alphanumeric): version 5, still above 0.5 mm.
        let longest = "A_".repeat(32);
        let label = smallest_module_mm(&[cell(1, &longest)], LABEL_QR_MM).unwrap();
        assert!((label - 30.0 / 45.0).abs() < 1e-9, "{label}");
        // The longest text a signed token holds in version 7 still prints each module at 0.9 mm or more.
        let long = "HTTPS://MDM.EXAMPLE.COM/T/".to_owned() + &"A".repeat(140);
        let matrix = QrMatrix::encode(&long, Ecc::M).unwrap();
        assert!(matrix.width() <= 45, "version 7 at most");
        let token = smallest_module_mm(&[cell(1, &long)], TOKEN_QR_MM).unwrap();
        assert!(token >= 0.9, "{token}");
        // The smallest over the sheet is the one said.
        let both = smallest_module_mm(&[cell(1, "FT-1"), cell(2, &long)], TOKEN_QR_MM).unwrap();
        assert_eq!(both, token);
    }

    #[wasm_bindgen_test]
    fn chosen_ids_are_numbers_and_bounded() {
        assert_eq!(ids_of("3, 1,x,2,3"), BTreeSet::from([1, 2, 3]));
        let many = (1..=600)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(ids_of(&many).len(), MAX_CELLS);
    }
}
