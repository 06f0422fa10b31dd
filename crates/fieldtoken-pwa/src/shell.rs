//! The app shell: skip link, header with the main navigation and the connection status, and the routed
//! main region. It is what the service worker keeps for offline starts, so it must render without network.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::{admin, api, operator};

/// The whole PWA.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="topbar">
                <A href="/" attr:class="brand">"fieldtoken"</A>
                <nav aria-label="Main">
                    <A href="/">"Home"</A>
                    <A href="/sign-in">"Operator sign-in"</A>
                    <A href="/admin">"Admin"</A>
                </nav>
                <ConnectionStatus/>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/t/:payload") view=operator::DeepLink/>
                    <Route path=path!("/T/:payload") view=operator::DeepLink/>
                    <Route path=path!("/sign-in") view=operator::OperatorSignIn/>
                    <Route path=path!("/admin") view=admin::TokensPage/>
                    <Route path=path!("/admin/sign-in") view=admin::SignIn/>
                    <Route path=path!("/admin/devices") view=admin::DevicesPage/>
                    <Route path=path!("/admin/fleets") view=admin::FleetsPage/>
                    <Route path=path!("/admin/access-tokens") view=admin::AccessTokensPage/>
                    <Route path=path!("/admin/access-definitions") view=admin::DefinitionsPage/>
                    <Route path=path!("/admin/access-classifications") view=admin::ClassificationsPage/>
                    <Route path=path!("/admin/accounts-receivable") view=admin::AccountsPage/>
                    <Route path=path!("/admin/rewards-participants") view=admin::ParticipantsPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// Whether the phone is online, and whether the MDM answers: operators need to know if a redemption will
/// reach the MDM now or wait in the queue.
#[component]
fn ConnectionStatus() -> impl IntoView {
    let navigator_online = || web_sys::window().is_none_or(|w| w.navigator().on_line());
    let (online, set_online) = signal(navigator_online());
    // The handles live as long as the page: the shell is never unmounted.
    let _ = window_event_listener(leptos::ev::online, move |_| set_online.set(true));
    let _ = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));
    view! {
        <p class="connection" role="status" aria-live="polite">
            {move || if online.get() { "Online" } else { "Offline: work is kept on this phone" }}
        </p>
    }
}

#[component]
fn Home() -> impl IntoView {
    let health = LocalResource::new(api::health);
    view! {
        <section aria-labelledby="home-title">
            <h1 id="home-title">"Action tokens, in the field"</h1>
            <p>
                "Scan a token's QR code or tap its NFC card to put a device in a fleet, in repair, in stock, "
                "or to reset its certificate. It works without network: redemptions wait on this phone "
                "until the MDM can take them."
            </p>
            <Transition fallback=|| view! { <p class="mdm-status">"Looking for the MDM…"</p> }>
                {move || {
                    health
                        .get()
                        .map(|answer| match answer {
                            Ok(health) => format!("Connected to the MDM (version {}).", health.version),
                            Err(why) => format!("Working offline: {why}."),
                        })
                        .map(|text| view! { <p class="mdm-status">{text}</p> })
                }}
            </Transition>
            <operator::OperatorScreen/>
        </section>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section aria-labelledby="not-found-title">
            <h1 id="not-found-title">"Page not found"</h1>
            <p>"There is nothing at this address. " <A href="/">"Go to the start page"</A> "."</p>
        </section>
    }
}
