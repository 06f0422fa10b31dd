//! The admin screens under `/admin`: sign-in, the Action Tokens page of seed 000 (data table, "+ New", the
//! side panel with both QR formats, download, print, delete), devices and fleets, and the access token pages
//! of seed 002 (tokens, definitions, classifications, accounts receivable, rewards participants), and the
//! organisation's roles, users, signing keys and API tokens.

mod access;
mod access_config;
mod access_model;
mod api_tokens;
mod devices;
mod fleets;
mod history;
mod import;
mod kit;
mod model;
mod new_token;
mod org_model;
mod panel;
mod parties;
mod roles;
mod settings;
mod sheets;
mod sign_in;
mod signing_keys;
mod time;
mod tokens;

pub use access::AccessTokensPage;
pub use access_config::{ClassificationsPage, DefinitionsPage};
pub use api_tokens::ApiTokensPage;
pub use devices::DevicesPage;
pub use fleets::FleetsPage;
pub use history::{AuditPage, HistoryPage};
pub use parties::{AccountsPage, ParticipantsPage};
pub use roles::RolesPage;
pub use settings::SettingsPage;
pub use sheets::{DeviceSheetPage, TokenSheetPage};
pub use sign_in::SignIn;
pub use signing_keys::SigningKeysPage;

use leptos::prelude::*;
use leptos_router::components::A;

/// The admin's own navigation, on every admin page.
#[component]
pub fn AdminNav() -> impl IntoView {
    view! {
        <nav aria-label="Admin" class="admin-nav">
            <A href="/admin" exact=true>"Action Tokens"</A>
            <A href="/admin/history">"History"</A>
            <A href="/admin/devices">"Devices"</A>
            <A href="/admin/fleets">"Fleets"</A>
            <A href="/admin/access-tokens">"Access Tokens"</A>
            <A href="/admin/access-definitions">"Definitions"</A>
            <A href="/admin/access-classifications">"Classifications"</A>
            <A href="/admin/accounts-receivable">"Accounts Receivable"</A>
            <A href="/admin/rewards-participants">"Rewards Participants"</A>
            <A href="/admin/roles">"Roles & Users"</A>
            <A href="/admin/signing-keys">"Signing Keys"</A>
            <A href="/admin/api-tokens">"API Tokens"</A>
            <A href="/admin/audit">"Audit Log"</A>
            <A href="/admin/settings">"Settings"</A>
        </nav>
    }
}
pub use tokens::TokensPage;
