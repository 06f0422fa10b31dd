//! `/admin/api-tokens`: the organisation's API tokens, never their secrets: what each may do, who made it, when it
//! expires and was last used. Revoking one stops it at once, and every token it created with it.

use std::sync::Arc;

use fieldtoken_api::devices::ApiToken;
use leptos::prelude::*;

use super::kit::{self, Cell};
use super::org_model::minute;

const TOKENS: &str = "/api/v1/api-tokens";

/// `/admin/api-tokens`.
#[component]
pub fn ApiTokensPage() -> impl IntoView {
    kit::admin_page("API Tokens", api_tokens)
}

/// A token's state as the table shows it.
fn state(token: &ApiToken) -> String {
    match (&token.expires_at, token.revoked) {
        (_, true) => "Revoked".into(),
        (Some(at), false) => format!("Expires {}", minute(&at.0)),
        (None, false) => "Until revoked".into(),
    }
}

fn api_tokens() -> AnyView {
    let tokens = RwSignal::new(Vec::<ApiToken>::new());
    let said = kit::said();
    let reload = move || kit::load(TOKENS, tokens, said);
    reload();

    let revoke = move |id: i64, name: String| {
        kit::run(
            said,
            format!("{name} was not revoked"),
            ("DELETE", format!("{TOKENS}/{id}"), None),
            Box::new(move |_| {
                format!("{name} is revoked: it and the tokens it created stop working now.")
            }),
            kit::always(reload),
        );
    };

    let rows = move || {
        tokens
            .get()
            .into_iter()
            .map(|token| {
                let (id, name) = (token.id, token.name.clone());
                let revoke = (!token.revoked).then(|| {
                    kit::irreversible(
                        "Revoke",
                        format!("Revoke API token #{id}"),
                        "Revoke this API token? It stops working at once, and so does every token it created.",
                        move || revoke(id, format!("API token #{id} ({name})")),
                    )
                });
                let permissions = token
                    .permissions
                    .iter()
                    .map(|p| p.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                vec![
                    Cell::Head(format!("#{id} {}", token.name)),
                    Cell::Text(if permissions.is_empty() { "None".into() } else { permissions }),
                    Cell::Text(token.created_by.map_or_else(|| "The MDM".into(), |by| format!("#{by}"))),
                    Cell::Text(minute(&token.created_at.0)),
                    Cell::Text(token.last_used_at.as_ref().map_or_else(|| "Never".into(), |at| minute(&at.0))),
                    Cell::Text(state(&token)),
                    Cell::Buttons(revoke.into_iter().collect()),
                ]
            })
            .collect()
    };

    [
        kit::control(kit::Control::Note(
            "Secrets are never shown again after a token is created. A token acts within what the token that created \
             it may do now; operator sessions are not listed (they end at sign-out or expiry).",
        )),
        kit::said_view(said),
        kit::table(
            "The organisation's API tokens, oldest first".into(),
            vec!["Token", "Permissions", "Created by", "Created", "Last used", "State", "Actions"],
            Arc::new(rows),
        ),
    ]
    .into_iter()
    .collect_view()
    .into_any()
}
