//! `/admin`: the Action Tokens page of seed 000 — a data table (search by name, sort, paging), the
//! "+ New" button, and the side panel of the selected token. Rows have checkboxes: the chosen tokens, or every
//! token the search finds, open as a print sheet (`sheets`).
//!
//! What the page shows for a permission set is the core's decision (`PermissionSet::action_token_screen`):
//! without read no page, without create no "+ New", without delete no "Delete".

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;

use super::model::{ActionToken, Page, TokenStatus, action_words, held};
use super::new_token::NewTokenForm;
use super::panel::TokenPanel;
use super::time;
use crate::api::{self, ApiError};
use crate::session;
use fieldtoken_api::devices::{Fleet, Me};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Action,
    Expiry,
    Status,
}

/// The status as the API names it, which sorts `active` before `expired`.
fn status_word(status: TokenStatus) -> &'static str {
    match status {
        TokenStatus::Active => "active",
        TokenStatus::Expired => "expired",
    }
}

impl Column {
    fn key(self, token: &ActionToken) -> String {
        match self {
            Column::Name => token.name.to_lowercase(),
            Column::Action => action_words(&token.action).to_owned(),
            // RFC 3339 in UTC sorts as text in time order.
            Column::Expiry => token.expires_at.0.clone(),
            Column::Status => status_word(token.status).to_owned(),
        }
    }
}

/// `/admin`: the Action Tokens page.
#[component]
pub fn TokensPage() -> impl IntoView {
    if session::token().is_none() {
        return view! { <Redirect path="/admin/sign-in"/> }.into_any();
    }
    let me = LocalResource::new(|| api::get::<Me>("/api/v1/me"));
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || me.get().map(|answer| match answer {
                Ok(me) => {
                    let screen = held(&me).action_token_screen();
                    let page = if screen.page {
                        view! { <Tokens can_create=screen.new_button can_delete=screen.delete_button/> }.into_any()
                    } else {
                        view! { <NoAccess/> }.into_any()
                    };
                    view! { <SessionBar org=me.org.name/> <super::AdminNav/> {page} }.into_any()
                }
                Err(why) if why.is_unauthenticated() => {
                    session::sign_out();
                    view! { <Redirect path="/admin/sign-in"/> }.into_any()
                }
                Err(why) => view! { <p role="alert" class="error">{format!("Could not load your account: {why}.")}</p> }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

/// Which organisation the admin works in, and the way out.
#[component]
fn SessionBar(org: String) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    view! {
        <div class="session-bar">
            <span>"Organisation: " <strong>{org}</strong></span>
            <button type="button" on:click=move |_| {
                session::sign_out();
                navigate("/admin/sign-in", Default::default());
            }>"Sign out"</button>
        </div>
    }
}

/// Seed 000: "The Action Tokens page and API endpoint can't be accessed."
#[component]
fn NoAccess() -> impl IntoView {
    view! {
        <section aria-labelledby="no-access-title">
            <h1 id="no-access-title">"No access to Action Tokens"</h1>
            <p>
                "Your account does not have the permission to read action tokens ("
                <code>"fms.actiontoken.read"</code>
                "). Ask an administrator to add it to your role."
            </p>
        </section>
    }
}

#[component]
fn Tokens(can_create: bool, can_delete: bool) -> impl IntoView {
    let tokens = RwSignal::new(Vec::<ActionToken>::new());
    let next = RwSignal::new(None::<String>);
    let query = RwSignal::new(String::new());
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiError>);
    let sort = RwSignal::new((Column::Expiry, true));
    let selected = RwSignal::new(None::<ActionToken>);
    let creating = RwSignal::new(false);
    // The rows ticked for a print sheet, by id.
    let checked = RwSignal::new(std::collections::BTreeSet::<u32>::new());
    let fleets = RwSignal::new(Vec::<Fleet>::new());
    // Fleet names for the table and the form; without fleet read the table shows fleet ids.
    spawn_local(async move {
        if let Ok(list) = api::get_all::<Fleet>(super::kit::ALL_FLEETS).await {
            fleets.set(list);
        }
    });

    let load = move |append: bool| {
        let q = query.get_untracked();
        let cursor = if append { next.get_untracked() } else { None };
        loading.set(true);
        spawn_local(async move {
            let mut path = format!(
                "/api/v1/action-tokens?q={}",
                js_sys::encode_uri_component(&q)
            );
            if let Some(cursor) = cursor {
                path.push_str(&format!(
                    "&cursor={}",
                    js_sys::encode_uri_component(&cursor)
                ));
            }
            // A late answer to an older search must not overwrite the current one.
            let answer = api::get::<Page<ActionToken>>(&path).await;
            if query.get_untracked() != q {
                return;
            }
            match answer {
                Ok(page) => {
                    error.set(None);
                    next.set(page.next);
                    if append {
                        tokens.update(|list| list.extend(page.items));
                    } else {
                        tokens.set(page.items);
                    }
                }
                Err(why) => error.set(Some(why)),
            }
            loading.set(false);
        });
    };
    load(false);

    let sorted = move || {
        let (column, ascending) = sort.get();
        let mut list = tokens.get();
        list.sort_by_cached_key(|token| column.key(token));
        if !ascending {
            list.reverse();
        }
        list
    };

    let header = move |column: Column, label: &'static str| {
        let aria_sort = move || match sort.get() {
            (c, true) if c == column => "ascending",
            (c, false) if c == column => "descending",
            _ => "none",
        };
        view! {
            <th scope="col" aria-sort=aria_sort>
                <button
                    type="button"
                    class="sort"
                    on:click=move |_| sort.update(|(c, ascending)| {
                        if *c == column { *ascending = !*ascending } else { *c = column; *ascending = true }
                    })
                >
                    {label}
                </button>
            </th>
        }
    };

    // New tokens (one, a batch or a duplicate) go on top, ticked, so "Print sheet" takes them at once.
    let created = move |made: Vec<ActionToken>| {
        creating.set(false);
        checked.set(made.iter().map(|token| token.id).collect());
        let first = made.first().cloned();
        tokens.update(|list| {
            for token in made.into_iter().rev() {
                list.insert(0, token);
            }
        });
        selected.set(first);
    };
    let deleted = move |id: u32| {
        tokens.update(|list| list.retain(|token| token.id != id));
        checked.update(|set| {
            set.remove(&id);
        });
        selected.set(None);
    };
    let sheet_of_checked = move || {
        let ids: Vec<String> = checked.with(|set| set.iter().map(u32::to_string).collect());
        format!("/admin/sheets/tokens?ids={}", ids.join(","))
    };
    let sheet_of_search = move || {
        format!(
            "/admin/sheets/tokens?q={}",
            js_sys::encode_uri_component(query.get().trim())
        )
    };
    let all_checked = move || {
        tokens.with(|list| {
            !list.is_empty() && checked.with(|set| list.iter().all(|t| set.contains(&t.id)))
        })
    };

    view! {
        <section aria-labelledby="tokens-title" class="wide tokens-layout">
            <div class="tokens-main">
            <div class="page-head">
                <h1 id="tokens-title">"Action Tokens"</h1>
                {can_create.then(|| view! {
                    <button type="button" class="primary" on:click=move |_| creating.set(true)>"+ New"</button>
                })}
            </div>
            <form role="search" class="search" on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                load(false);
            }>
                <label for="token-search">"Search by name"</label>
                <input
                    id="token-search"
                    type="search"
                    prop:value=query
                    on:input=move |event| {
                        query.set(event_target_value(&event));
                        load(false);
                    }
                />
            </form>
            <div class="sheet-links" role="group" aria-label="Print sheets">
                <a href=sheet_of_checked class="button" class:disabled=move || checked.with(|set| set.is_empty())
                    aria-disabled=move || checked.with(|set| set.is_empty()).to_string()>
                    {move || format!("Print sheet of selected ({})", checked.with(|set| set.len()))}
                </a>
                <a href=sheet_of_search class="button">
                    {move || if query.with(|q| q.trim().is_empty()) { "Print sheet of all tokens" } else { "Print sheet of search results" }}
                </a>
            </div>
            <Show when=move || creating.get()>
                <NewTokenForm fleets=fleets on_created=created on_cancel=move || creating.set(false)/>
            </Show>
            <Show when=move || error.get().is_some()>
                <p role="alert" class="error">
                    {move || error.get().map(|why| if why.is_forbidden() {
                        format!("The MDM refused: {why}.")
                    } else {
                        format!("Could not load the tokens: {why}.")
                    })}
                </p>
            </Show>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Action tokens">
                <table>
                    <caption class="visually-hidden">"Action tokens; select a name to open its QR codes"</caption>
                    <thead>
                        <tr>
                            <th scope="col">
                                <input type="checkbox" aria-label="Select every token shown"
                                    prop:checked=all_checked
                                    on:change=move |event| {
                                        let on = event_target_checked(&event);
                                        let shown: Vec<u32> = tokens.with(|list| list.iter().map(|t| t.id).collect());
                                        checked.update(|set| for id in shown {
                                            if on { set.insert(id); } else { set.remove(&id); }
                                        });
                                    }/>
                            </th>
                            {header(Column::Name, "Name")}
                            {header(Column::Action, "Action")}
                            <th scope="col">"Fleet"</th>
                            {header(Column::Expiry, "Expiry")}
                            {header(Column::Status, "Status")}
                        </tr>
                    </thead>
                    <tbody>
                        <For each=sorted key=|token| token.id let:token>
                            <TokenRow token=token selected=selected fleets=fleets checked=checked/>
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || !loading.get() && tokens.with(Vec::is_empty) && error.get().is_none()>
                <p class="empty">
                    {move || match (query.with(String::is_empty), can_create) {
                        (false, _) => "No token has a name matching your search.".to_owned(),
                        (true, true) => "No action tokens yet. Press “+ New” to create the first one.".to_owned(),
                        (true, false) => "No action tokens yet. An admin with the create permission can add them.".to_owned(),
                    }}
                </p>
            </Show>
            <Show when=move || next.get().is_some()>
                <button type="button" on:click=move |_| load(true) disabled=loading>"Load more"</button>
            </Show>
            </div>
            {move || selected.get().map(|token| view! {
                <TokenPanel
                    token=token
                    can_delete=can_delete
                    can_create=can_create
                    on_duplicated=move |copy: ActionToken| created(vec![copy])
                    on_close=move || selected.set(None)
                    on_deleted=deleted
                />
            })}
        </section>
    }
}

#[component]
fn TokenRow(
    token: ActionToken,
    selected: RwSignal<Option<ActionToken>>,
    fleets: RwSignal<Vec<Fleet>>,
    checked: RwSignal<std::collections::BTreeSet<u32>>,
) -> impl IntoView {
    let id = token.id;
    let ticked = move || checked.with(|set| set.contains(&id));
    let is_selected = move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == id));
    let fleet_id = token.action.fleet_id;
    let fleet = move || match fleet_id {
        None => "—".to_owned(),
        Some(id) => fleets.with(|list| {
            list.iter()
                .find(|f| f.id == id)
                .map_or_else(|| format!("#{id}"), |f| f.name.clone())
        }),
    };
    let status = if token.status == TokenStatus::Active {
        "Valid"
    } else {
        "Expired"
    };
    let status_class = if token.status == TokenStatus::Active {
        "badge ok"
    } else {
        "badge expired"
    };
    let open = token.clone();
    view! {
        <tr class:selected=is_selected>
            <td>
                <input type="checkbox" aria-label=format!("Select {}", token.name) prop:checked=ticked
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        checked.update(|set| if on { set.insert(id); } else { set.remove(&id); });
                    }/>
            </td>
            <td>
                <button type="button" class="link" on:click=move |_| selected.set(Some(open.clone()))>
                    {token.name.clone()}
                </button>
            </td>
            <td>{action_words(&token.action)}</td>
            <td>{fleet}</td>
            <td><time datetime=token.expires_at.0.clone()>{time::display(&token.expires_at.0)}</time></td>
            <td><span class=status_class>{status}</span></td>
        </tr>
    }
}
