//! `/admin/accounts-receivable` and `/admin/rewards-participants` (seed 002, minimal but real): list, create,
//! terminate, and link or unlink access tokens. Seed 002 changes these links "from the Accounts Receivable
//! screen" and "from the Rewards Participant screen", so they live here, not on the token's form.
//!
//! Removing a link or terminating an accounts receivable may set the token 'Not Effective' automatically, as
//! the active definition says; the MDM's answer says what happened to each token, and this page repeats it.

use std::sync::Arc;

use fieldtoken_api::access::{TerminatedAccountsReceivable, UnlinkedAccessToken};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::access_model::{AccessToken, Party, TokenExt, automatic_words};
use super::kit::{self, Can, Cell, Control};

/// The list of tokens the link form offers (the API's largest page).
const TOKENS: &str = "/api/v1/access-tokens?limit=200";

/// Accounts receivable or rewards participants: the same screen over two endpoints.
struct Kind {
    path: &'static str,
    /// "accounts receivable", as sentences name one.
    one: &'static str,
    /// Prefix of the page's element ids.
    prefix: &'static str,
    /// The token's link to this kind.
    link: fn(&AccessToken) -> Option<u32>,
}

static ACCOUNTS: Kind = Kind {
    path: "/api/v1/accounts-receivable",
    one: "accounts receivable",
    prefix: "account",
    link: |token| token.accounts_receivable_id,
};

static PARTICIPANTS: Kind = Kind {
    path: "/api/v1/rewards-participants",
    one: "rewards participant",
    prefix: "participant",
    link: |token| token.rewards_participant_id,
};

/// `/admin/accounts-receivable`.
#[component]
pub fn AccountsPage() -> impl IntoView {
    kit::access_page("Accounts Receivable", |can| parties(&ACCOUNTS, can))
}

/// `/admin/rewards-participants`.
#[component]
pub fn ParticipantsPage() -> impl IntoView {
    kit::access_page("Rewards Participants", |can| parties(&PARTICIPANTS, can))
}

/// The `(id, name)` options of the parties not terminated.
fn live(parties: &[Party]) -> Vec<(String, String)> {
    parties
        .iter()
        .filter(|p| !p.terminated)
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect()
}

fn parties(kind: &'static Kind, can: Can) -> AnyView {
    let is_accounts = std::ptr::eq(kind, &ACCOUNTS);
    let list = RwSignal::new(Vec::<Party>::new());
    let tokens = RwSignal::new(Vec::<AccessToken>::new());
    // A participant's accounts receivable: names in the table, choices in the form.
    let accounts = RwSignal::new(Vec::<Party>::new());
    let said = kit::said();
    let reload = move || {
        kit::load(kind.path, list, said);
        kit::load(TOKENS, tokens, said);
        if !is_accounts {
            kit::load(ACCOUNTS.path, accounts, said);
        }
    };
    reload();
    let name_of = move |id: u32| {
        list.with(|l| l.iter().find(|p| p.id == id).map(|p| p.name.clone()))
            .unwrap_or_else(|| format!("#{id}"))
    };

    // Each form says what it did next to itself; row actions are said above the table.
    let [create_said, link_said] = [kit::said(), kit::said()];
    let name = RwSignal::new(String::new());
    let account = RwSignal::new(String::new());
    let create = move || {
        let typed = name.get_untracked().trim().to_owned();
        let mut body = json!({ "name": typed });
        if !is_accounts {
            match kit::chosen(account) {
                Some(id) => body["accounts_receivable_id"] = json!(id),
                None => {
                    return create_said.set(Some(Err(
                        "Choose the participant's accounts receivable.".into(),
                    )));
                }
            }
        }
        kit::run(
            create_said,
            format!("The {} was not created", kind.one),
            ("POST", kind.path.into(), Some(body)),
            Box::new(move |_| {
                name.set(String::new());
                format!("The {} “{typed}” was created.", kind.one)
            }),
            kit::always(reload),
        );
    };

    let party = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let link = move || {
        let (Some(id), Some(number)) = (kit::chosen(party), kit::chosen(token)) else {
            return link_said.set(Some(Err(format!(
                "Choose the {} and the access token to link.",
                kind.one
            ))));
        };
        let party_name = name_of(id);
        kit::run(
            link_said,
            format!("Access token #{number} was not linked"),
            kit::post(format!("{}/{id}/access-tokens/{number}", kind.path)),
            Box::new(move |_| format!("Access token #{number} is now linked to “{party_name}”.")),
            kit::always(reload),
        );
    };
    let unlink = move |id: u32, number: u32| {
        let party_name = name_of(id);
        kit::run(
            said,
            format!("Access token #{number} was not removed"),
            (
                "DELETE",
                format!("{}/{id}/access-tokens/{number}", kind.path),
                None,
            ),
            Box::new(move |answer| {
                let mut words = format!("Access token #{number} was removed from “{party_name}”.");
                if let Ok(unlinked) = UnlinkedAccessToken::deserialize(answer) {
                    words.push(' ');
                    words.push_str(&automatic_words(number, unlinked.automatic));
                }
                words
            }),
            kit::always(reload),
        );
    };
    let terminate = move |id: u32| {
        let party_name = name_of(id);
        kit::run(
            said,
            format!("“{party_name}” was not terminated"),
            kit::post(format!("{}/{id}/terminate", kind.path)),
            Box::new(move |answer| {
                // Terminating an accounts receivable answers what happened to each of its tokens.
                let mut words = format!("“{party_name}” was terminated.");
                let tokens = TerminatedAccountsReceivable::deserialize(answer)
                    .map(|terminated| terminated.access_tokens)
                    .unwrap_or_default();
                for token in tokens {
                    words.push(' ');
                    words.push_str(&automatic_words(token.number, token.automatic));
                }
                words
            }),
            kit::always(reload),
        );
    };

    let one = kind.one;
    let mut create_controls = vec![Control::Input(
        format!("new-{}-name", kind.prefix),
        "Name",
        "text",
        name,
    )];
    if !is_accounts {
        create_controls.push(Control::Select(
            "new-participant-account".into(),
            "Accounts receivable",
            Some("Choose…"),
            Arc::new(move || accounts.with(|a| live(a))),
            account,
        ));
    }
    let link_controls = vec![
        Control::Select(
            "link-party".into(),
            if is_accounts {
                "Accounts receivable"
            } else {
                "Rewards participant"
            },
            Some("Choose…"),
            Arc::new(move || list.with(|l| live(l))),
            party,
        ),
        // A token has one link of each kind: the ones taken are not offered.
        Control::Select(
            "link-token".into(),
            "Access token",
            Some("Choose…"),
            Arc::new(move || {
                tokens.with(|t| {
                    t.iter()
                        .filter(|t| (kind.link)(t).is_none())
                        .map(|t| (t.number.to_string(), t.title()))
                        .collect()
                })
            }),
            token,
        ),
    ];
    let rows = move || {
        let tokens = tokens.get();
        let accounts = accounts.get();
        list.get()
            .into_iter()
            .map(|party| {
                let id = party.id;
                let linked = tokens
                    .iter()
                    .filter(|t| (kind.link)(t) == Some(id))
                    .map(|t| {
                        let number = t.number;
                        let unlink = can.update.then(|| {
                            kit::button("Unlink", format!("Unlink #{number}"), "", move || {
                                unlink(id, number)
                            })
                        });
                        (format!("{}: {}", t.title(), t.state_label), unlink)
                    })
                    .collect();
                let terminate = (can.update && !party.terminated).then(|| {
                    kit::irreversible(
                        "Terminate",
                        format!("Terminate “{}”", party.name),
                        if is_accounts {
                            "Terminate this accounts receivable? This cannot be undone: it takes no new access \
                             token or participant, and its access tokens may become Not Effective, as the active \
                             definition says."
                        } else {
                            "Terminate this rewards participant? This cannot be undone."
                        },
                        move || terminate(id),
                    )
                });
                let mut row = vec![Cell::Head(party.name)];
                if !is_accounts {
                    row.push(Cell::Text(party.accounts_receivable_id.map_or_else(
                        String::new,
                        |of| {
                            accounts
                                .iter()
                                .find(|a| a.id == of)
                                .map_or_else(|| format!("#{of}"), |a| a.name.clone())
                        },
                    )));
                }
                row.extend([
                    Cell::Text(
                        (if party.terminated {
                            "Terminated"
                        } else {
                            "Active"
                        })
                        .into(),
                    ),
                    Cell::List(linked),
                    Cell::Buttons(terminate.into_iter().collect()),
                ]);
                row
            })
            .collect()
    };
    let mut headers = vec!["Name"];
    if !is_accounts {
        headers.push("Accounts receivable");
    }
    headers.extend(["State", "Access tokens", "Actions"]);
    let title = if is_accounts {
        "New accounts receivable"
    } else {
        "New rewards participant"
    };
    let submit = if is_accounts {
        "Create accounts receivable"
    } else {
        "Create rewards participant"
    };
    view! {
        {can.create.then(|| kit::form("new-party-title", title, create_controls, submit, Some(create_said), Arc::new(create)))}
        {can.update.then(|| kit::form("link-title", "Link an access token", link_controls, "Link", Some(link_said), Arc::new(link)))}
        {kit::said_view(said)}
        {kit::table(format!("Each {one} and its access tokens"), headers, Arc::new(rows))}
    }
    .into_any()
}
