//! `/admin/settings`: the organisation's settings. For now how long a phone may stay offline (`max_offline`): a
//! scan older than that when it syncs is refused `clock`, whoever carries it.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Value, json};

use super::kit::{self, Control};
use crate::api;

const SETTINGS: &str = "/api/v1/org-settings";

/// `/admin/settings`.
#[component]
pub fn SettingsPage() -> impl IntoView {
    kit::admin_page("Settings", settings)
}

fn hours_words(minutes: u64) -> String {
    if minutes.is_multiple_of(60) {
        format!("{} hours", minutes / 60)
    } else {
        format!("{minutes} minutes")
    }
}

fn settings() -> AnyView {
    let hours = RwSignal::new(String::new());
    let said = kit::said();
    spawn_local(async move {
        match api::request::<Value>("GET", SETTINGS, None).await {
            Ok(answer) => {
                let minutes = answer["max_offline_minutes"].as_u64().unwrap_or_default();
                hours.set(format!("{}", minutes as f64 / 60.0));
            }
            Err(why) => said.set(Some(Err(format!("The settings did not load: {why}.")))),
        }
    });
    let save = move || {
        let typed = hours.get_untracked();
        let Some(minutes) = typed
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && *h > 0.0)
            .map(|h| (h * 60.0).round() as u64)
        else {
            said.set(Some(Err("Type a number of hours, such as 72.".into())));
            return;
        };
        kit::run(
            said,
            "The setting was not saved".into(),
            (
                "PATCH",
                SETTINGS.into(),
                Some(json!({ "max_offline_minutes": minutes })),
            ),
            Box::new(|answer| {
                format!(
                    "Saved: phones may stay offline {} before their scans are refused.",
                    hours_words(answer["max_offline_minutes"].as_u64().unwrap_or_default())
                )
            }),
            Box::new(|_| {}),
        );
    };
    kit::form(
        "max-offline-title",
        "How long a phone may stay offline",
        vec![
            Control::Note(
                "A scan dated further back than this when its phone syncs is refused (`clock`), whoever carries it. \
                 72 hours unless set; 1 minute to 365 days.",
            ),
            Control::Input("max-offline-hours".into(), "Hours", "number", hours),
        ],
        "Save",
        Some(said),
        Arc::new(save),
    )
}
