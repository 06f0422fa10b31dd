//! The admin screens under `/admin`: sign-in, and the Action Tokens page of seed 000 (data table,
//! "+ New", the side panel with both QR formats, download, print, delete).

mod access;
mod devices;
mod model;
mod new_token;
mod panel;
mod sign_in;
mod time;
mod tokens;

pub use access::AccessTokensPage;
pub use devices::{DevicesPage, FleetsPage};
pub use sign_in::SignIn;

use leptos::prelude::*;
use leptos_router::components::A;

/// The admin's own navigation, on every admin page.
#[component]
pub fn AdminNav() -> impl IntoView {
    view! {
        <nav aria-label="Admin" class="admin-nav">
            <A href="/admin" exact=true>"Action Tokens"</A>
            <A href="/admin/devices">"Devices"</A>
            <A href="/admin/fleets">"Fleets"</A>
            <A href="/admin/access-tokens">"Access Tokens"</A>
        </nav>
    }
}
pub use tokens::TokensPage;
