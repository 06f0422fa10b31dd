//! `/admin/access-tokens`: the operators' access tokens (CRM.COM model, seed 002): the list with each
//! token's life cycle state; "New access token" with its classification, accounts receivable and rewards
//! participant (generated pass and verification codes are shown once); the actions Set Effective, Set Not
//! Effective, Reset pass code and Delete; and each token's card, where what is editable is edited and a
//! 'Pending Verification' token is verified or given a new verification code.
//!
//! The screen never decides whether an action is allowed: the MDM asks the core, and a refusal is shown
//! in the core's words. The forms only leave out what cannot be typed: a generated value, and the
//! classification and links after creation (seed 002: "editable only when creating the Access Token").

use std::sync::Arc;

use leptos::html::H2;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::{Value, json};

use super::access_model::{
    AccessToken, AccessTokenClassification, AccessTokenDefinition, LifeCycleState, Party, TokenExt,
    Typed, applicable_settings,
};
use super::kit::{self, Can, Cell, Control, Said};

const TOKENS: &str = "/api/v1/access-tokens";

/// Everything the page lists, loaded together so names and settings are at hand.
#[derive(Clone, Copy)]
struct Lists {
    tokens: RwSignal<Vec<AccessToken>>,
    definitions: RwSignal<Vec<AccessTokenDefinition>>,
    classifications: RwSignal<Vec<AccessTokenClassification>>,
    accounts: RwSignal<Vec<Party>>,
    participants: RwSignal<Vec<Party>>,
}

impl Lists {
    fn new() -> Lists {
        Lists {
            tokens: RwSignal::new(Vec::new()),
            definitions: RwSignal::new(Vec::new()),
            classifications: RwSignal::new(Vec::new()),
            accounts: RwSignal::new(Vec::new()),
            participants: RwSignal::new(Vec::new()),
        }
    }

    fn reload(self, said: Said) {
        kit::load("/api/v1/access-tokens?limit=200", self.tokens, said);
        kit::load("/api/v1/access-token-definitions", self.definitions, said);
        kit::load(
            "/api/v1/access-token-classifications",
            self.classifications,
            said,
        );
        kit::load("/api/v1/accounts-receivable", self.accounts, said);
        kit::load("/api/v1/rewards-participants", self.participants, said);
    }

    /// After an action on one token: the token in the MDM's answer replaces its row (or joins the list, newest
    /// first, when it was just created), so a click costs one request instead of reloading every page of
    /// the list. A refusal, or an answer that is not a token, reloads it all: the list may be stale.
    fn take_answer(self, said: Said) -> kit::Then {
        Box::new(move |answer| {
            match answer.and_then(|answer| serde_json::from_value::<AccessToken>(answer).ok()) {
                Some(token) => self.tokens.update(|all| {
                    match all.iter_mut().find(|t| t.number == token.number) {
                        Some(row) => *row = token,
                        None => all.insert(0, token),
                    }
                }),
                None => self.reload(said),
            }
        })
    }

    /// After deleting token `number`: its row goes, or, after a refusal, the list reloads.
    fn take_deletion(self, number: u32, said: Said) -> kit::Then {
        Box::new(move |answer| match answer {
            Some(_) => self.tokens.update(|all| all.retain(|t| t.number != number)),
            None => self.reload(said),
        })
    }

    /// What a token with this classification may type, from its settings.
    fn typed(self, classification: Option<u32>) -> Typed {
        self.definitions.with(|d| {
            self.classifications
                .with(|c| Typed::of(applicable_settings(d, c, classification)))
        })
    }
}

/// The name of `id` among `names`, "None" without one.
fn name_in<'a>(mut names: impl Iterator<Item = (u32, &'a str)>, id: Option<u32>) -> String {
    match id {
        None => "None".into(),
        Some(id) => names
            .find(|(other, _)| *other == id)
            .map_or_else(|| format!("#{id}"), |(_, name)| name.to_owned()),
    }
}

/// The `(id, name)` pairs of parties, for [`name_in`].
fn party_names(parties: &[Party]) -> impl Iterator<Item = (u32, &str)> {
    parties.iter().map(|p| (p.id, p.name.as_str()))
}

/// `/admin/access-tokens`.
#[component]
pub fn AccessTokensPage() -> impl IntoView {
    kit::access_page("Access Tokens", access_tokens)
}

fn access_tokens(can: Can) -> AnyView {
    let lists = Lists::new();
    // What the last row action did, or why it was refused.
    let said = kit::said();
    lists.reload(said);
    let open = RwSignal::new(None::<u32>);

    let act = move |number: u32, what: &'static str| {
        let call = match what {
            "delete" => ("DELETE", format!("{TOKENS}/{number}"), None),
            _ => kit::post(format!("{TOKENS}/{number}/{what}")),
        };
        kit::run(
            said,
            format!("Access token #{number}"),
            call,
            Box::new(move |answer| match what {
                "delete" => format!("Access token #{number} deleted."),
                "reset-pass-code" => secret_sentence("given a new pass code", answer),
                _ => format!(
                    "Access token #{number} is now {}.",
                    answer["state_label"].as_str().unwrap_or("changed")
                ),
            }),
            match what {
                "delete" => lists.take_deletion(number, said),
                _ => lists.take_answer(said),
            },
        );
    };

    // The whole list is loaded (every page of it), so finding one operator's token among hundreds is a filter here.
    let search = RwSignal::new(String::new());
    let rows = move || {
        let wanted = search.get().trim().to_lowercase();
        lists
            .tokens
            .get()
            .into_iter()
            .filter(|token| {
                wanted.is_empty()
                    || wanted.trim_start_matches('#') == token.number.to_string()
                    || token
                        .identifier
                        .as_deref()
                        .is_some_and(|i| i.to_lowercase().contains(&wanted))
            })
            .map(|token| {
                let n = token.number;
                let mut buttons = Vec::new();
                // A 'Pending Verification' token is only verified (on its card), never switched by hand.
                if can.update && !token.is_pending() {
                    let (label, what) = if token.state == LifeCycleState::NotEffective {
                        ("Set Effective", "set-effective")
                    } else {
                        ("Set Not Effective", "set-not-effective")
                    };
                    buttons.push(kit::button(label, format!("{label} #{n}"), "", move || {
                        act(n, what)
                    }));
                    buttons.push(kit::button(
                        "Reset pass code",
                        format!("Reset pass code #{n}"),
                        "",
                        move || act(n, "reset-pass-code"),
                    ));
                }
                if can.delete {
                    buttons.push(kit::irreversible(
                        "Delete",
                        format!("Delete #{n}"),
                        "Delete this access token? Its operator can no longer sign in with it.",
                        move || act(n, "delete"),
                    ));
                }
                vec![
                    Cell::Buttons(vec![kit::button(
                        format!("#{n}"),
                        format!("Open access token #{n}"),
                        "link",
                        move || open.set(Some(n)),
                    )]),
                    Cell::Text(token.identifier.unwrap_or_else(|| "—".into())),
                    Cell::Text(token.state_label),
                    Cell::Text((if token.has_pass_code { "Set" } else { "None" }).into()),
                    Cell::Buttons(buttons),
                ]
            })
            .collect()
    };
    view! {
        {can.create.then(|| new_token_form(lists))}
        // Untracked: the card follows the lists by itself; rebuilding it on every reload would lose what it says.
        {move || open.get().map(|number| untrack(|| token_card(number, can, lists, open)))}
        {kit::said_view(said)}
        <div role="search" class="search">
            {kit::control(Control::Input(
                "access-token-search".into(),
                "Search by identifier or number",
                "search",
                search,
            ))}
        </div>
        {kit::table(
            "Access tokens and their life cycle state".into(),
            vec!["Number", "Identifier", "Life cycle state", "Pass code", "Actions"],
            Arc::new(rows),
        )}
    }
    .into_any()
}

/// An input shown while `shown` says the settings let people type it.
fn typed_input(
    id: &str,
    label: &'static str,
    kind: &'static str,
    value: RwSignal<String>,
    shown: impl Fn() -> bool + Send + Sync + 'static,
) -> Control {
    Control::When(
        Arc::new(shown),
        Arc::new(Control::Input(id.into(), label, kind, value)),
    )
}

/// "New access token": the typed texts the settings allow, and the classification and links, which are set
/// only here (seed 002).
fn new_token_form(lists: Lists) -> AnyView {
    let said = kit::said();
    let [
        identifier,
        pass_code,
        authentication_code,
        classification,
        account,
        participant,
    ] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let typed = move || lists.typed(kit::chosen(classification));
    let create = move || {
        let typed = typed();
        let mut body = json!({});
        for (key, value, offered) in [
            ("identifier", identifier, typed.identifier),
            ("pass_code", pass_code, typed.pass_code),
            (
                "authentication_code",
                authentication_code,
                typed.authentication_code,
            ),
        ] {
            let text = value.get_untracked().trim().to_owned();
            if offered && !text.is_empty() {
                body[key] = json!(text);
            }
        }
        for (key, value) in [
            ("classification_id", classification),
            ("accounts_receivable_id", account),
            ("rewards_participant_id", participant),
        ] {
            if let Some(id) = kit::chosen(value) {
                body[key] = json!(id);
            }
        }
        kit::run(
            said,
            "The access token was not created".into(),
            ("POST", TOKENS.into(), Some(body)),
            Box::new(move |answer| {
                for value in [identifier, pass_code, authentication_code] {
                    value.set(String::new());
                }
                secret_sentence("created", answer)
            }),
            lists.take_answer(said),
        );
    };
    let parties = move |list: RwSignal<Vec<Party>>, account: Option<RwSignal<String>>| {
        Arc::new(move || {
            // Seed 002: with an accounts receivable chosen, only its rewards participants can be selected.
            let of = account.and_then(kit::chosen);
            list.with(|l| {
                l.iter()
                    .filter(|p| !p.terminated && (of.is_none() || p.accounts_receivable_id == of))
                    .map(|p| (p.id.to_string(), p.name.clone()))
                    .collect()
            })
        })
    };
    let controls = vec![
        Control::Select(
            "new-access-classification".into(),
            "Classification",
            Some("None: the active definition's settings"),
            Arc::new(move || {
                lists.classifications.with(|c| {
                    c.iter()
                        .map(|c| (c.id.to_string(), c.name.clone()))
                        .collect()
                })
            }),
            classification,
        ),
        typed_input(
            "new-access-identifier",
            "Identifier",
            "text",
            identifier,
            move || typed().identifier,
        ),
        typed_input(
            "new-access-pass-code",
            "Pass code",
            "password",
            pass_code,
            move || typed().pass_code,
        ),
        typed_input(
            "new-access-authentication-code",
            "Authentication code",
            "text",
            authentication_code,
            move || typed().authentication_code,
        ),
        Control::Note(
            "As the active access token definition, or the classification, asks (for example an e-mail address). \
             Left empty, generated values are made and shown once. A new organisation has no definition yet: \
             create and activate one on the Definitions page first.",
        ),
        Control::Select(
            "new-access-account".into(),
            "Accounts receivable",
            Some("None"),
            parties(lists.accounts, None),
            account,
        ),
        Control::Select(
            "new-access-participant".into(),
            "Rewards participant",
            Some("None"),
            parties(lists.participants, Some(account)),
            participant,
        ),
    ];
    kit::form(
        "new-access-title",
        "New access token",
        controls,
        "Create access token",
        Some(said),
        Arc::new(create),
    )
}

/// A token's card (seed 002's data entry page): its facts, the edit form for what may still change, and
/// verification while it is 'Pending Verification'.
fn token_card(number: u32, can: Can, lists: Lists, open: RwSignal<Option<u32>>) -> AnyView {
    let said = kit::said();
    let token = move || {
        lists
            .tokens
            .with(|t| t.iter().find(|t| t.number == number).cloned())
    };
    let Some(first) = token() else {
        return ().into_any();
    };
    let path = format!("{TOKENS}/{number}");
    let typed = lists.typed(first.classification_id);
    let identifier = RwSignal::new(first.identifier.clone().unwrap_or_default());
    let authentication_code = RwSignal::new(first.authentication_code.clone());
    let [pass_code, verification_code] = std::array::from_fn(|_| RwSignal::new(String::new()));

    let save = {
        let path = path.clone();
        move || {
            let Some(now) = token() else { return };
            // Only what changed is sent: an unchanged field is left as it is.
            let mut body = json!({});
            let typed_identifier = identifier.get_untracked().trim().to_owned();
            if typed.identifier && Some(&typed_identifier) != now.identifier.as_ref() {
                body["identifier"] = if typed_identifier.is_empty() {
                    Value::Null
                } else {
                    json!(typed_identifier)
                };
            }
            let code = authentication_code.get_untracked().trim().to_owned();
            if typed.authentication_code && code != now.authentication_code {
                body["authentication_code"] = json!(code);
            }
            if !pass_code.get_untracked().is_empty() {
                body["pass_code"] = json!(pass_code.get_untracked());
            }
            if body.as_object().is_some_and(|b| b.is_empty()) {
                return said.set(Some(Ok("Nothing changed.".into())));
            }
            kit::run(
                said,
                "The changes were not saved".into(),
                ("PATCH", path.clone(), Some(body)),
                Box::new(move |answer| {
                    pass_code.set(String::new());
                    secret_sentence("saved", answer)
                }),
                lists.take_answer(said),
            );
        }
    };
    let verify = move || {
        let body = json!({ "verification_code": verification_code.get_untracked().trim() });
        kit::run(
            said,
            "The access token was not verified".into(),
            ("POST", format!("{TOKENS}/{number}/verify"), Some(body)),
            Box::new(move |_| {
                verification_code.set(String::new());
                format!("Access token #{number} is verified and now Effective.")
            }),
            lists.take_answer(said),
        );
    };
    let reset_verification = move || {
        kit::run(
            said,
            "The verification code was not reset".into(),
            kit::post(format!("{TOKENS}/{number}/reset-verification-code")),
            Box::new(|answer| secret_sentence("given a new verification code", answer)),
            lists.take_answer(said),
        );
    };

    // Moves focus to the card when it opens, so keyboard and screen reader users land on what they asked for.
    let heading = NodeRef::<H2>::new();
    Effect::new(move || {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let facts = move || {
        token().map(|t| {
            let classification = lists.classifications.with(|c| {
                name_in(
                    c.iter().map(|c| (c.id, c.name.as_str())),
                    t.classification_id,
                )
            });
            let account = lists
                .accounts
                .with(|a| name_in(party_names(a), t.accounts_receivable_id));
            let participant = lists
                .participants
                .with(|p| name_in(party_names(p), t.rewards_participant_id));
            [
                ("Life cycle state", t.state_label),
                ("Identifier", t.identifier.unwrap_or_else(|| "None".into())),
                ("Authentication code", t.authentication_code),
                ("Classification", classification),
                ("Accounts receivable", account),
                ("Rewards participant", participant),
            ]
            .into_iter()
            .map(|(term, value)| view! { <dt>{term}</dt><dd>{value}</dd> })
            .collect_view()
        })
    };
    let mut edit = Vec::new();
    if typed.identifier {
        edit.push(Control::Input(
            "edit-access-identifier".into(),
            "Identifier",
            "text",
            identifier,
        ));
    }
    if typed.authentication_code {
        edit.push(Control::Input(
            "edit-access-authentication-code".into(),
            "Authentication code",
            "text",
            authentication_code,
        ));
    }
    if typed.pass_code {
        edit.push(Control::Input(
            "edit-access-pass-code".into(),
            "New pass code",
            "password",
            pass_code,
        ));
    }
    edit.push(Control::Note(
        "Generated values cannot be typed. Leave the pass code empty to keep it.",
    ));
    let verification = vec![
        Control::Input(
            "verify-code".into(),
            "Verification code",
            "text",
            verification_code,
        ),
        Control::Buttons(vec![kit::button(
            "Reset verification code",
            "Reset verification code".into(),
            "",
            reset_verification,
        )]),
    ];
    let pending = move || token().is_some_and(|t| t.is_pending());
    view! {
        <section class="card" aria-labelledby="token-card-title">
            <div class="panel-head">
                <h2 id="token-card-title" tabindex="-1" node_ref=heading>{format!("Access token #{number}")}</h2>
                <button type="button" class="close" aria-label="Close" on:click=move |_| open.set(None)>"×"</button>
            </div>
            <dl class="facts">{facts}</dl>
            <p class="help">
                "The classification, accounts receivable and rewards participant are set when the token is created. Links are removed on the "
                <A href="/admin/accounts-receivable">"Accounts Receivable"</A> " and "
                <A href="/admin/rewards-participants">"Rewards Participants"</A> " pages."
            </p>
            {can.update.then(|| kit::form("edit-access-title", "Edit", edit, "Save changes", None, Arc::new(save)))}
            {move || (can.update && pending()).then(|| kit::form(
                "verify-title", "Verification", verification.clone(), "Verify", None, Arc::new(verify),
            ))}
            {kit::said_view(said)}
        </section>
    }
    .into_any()
}

/// "Access token #3 created. Its pass code, shown only this once: …": the secrets an answer shows once.
fn secret_sentence(what: &str, answer: &Value) -> String {
    let mut words = format!("Access token #{} {what}.", answer["number"]);
    if let Some(pass_code) = answer["pass_code"].as_str() {
        words.push_str(&format!(
            " Its pass code, shown only this once: {pass_code}"
        ));
    }
    if let Some(code) = answer["verification_code"].as_str() {
        words.push_str(&format!(
            " Its verification code, to send to the operator: {code}"
        ));
    }
    words
}
