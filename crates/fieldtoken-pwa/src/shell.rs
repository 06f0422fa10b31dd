//! The two app shells: skip link, header with the main navigation and the connection status, and the routed
//! main region. The operator's shell is what the service worker keeps for offline starts, so it must render
//! without network.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::{admin, api, operator, session, worker};

/// The operator's app (`/`, `/sign-in`, deep links): the PWA that installs and starts offline. The admin
/// screens are a second app under `/admin/` (see [`AdminApp`]), so the phone never downloads them.
#[component]
pub fn OperatorApp() -> impl IntoView {
    session::serve_as(session::Kind::Operator);
    provide_context(operator::SignedIn::remembered());
    view! {
        <Router>
            <UpdatePrompt/>
            <Frame>
                <A href="/">"Home"</A>
                <A href="/sign-in">"Operator sign-in"</A>
                <A href="/enrol">"Enrol device"</A>
                <A href="/activator">"Activator"</A>
                // `rel="external"`: a full page load, because the admin screens are another app.
                <a href="/admin" rel="external">"Admin"</a>
            </Frame>
            <main id="main" tabindex="-1">
                <operator::OperatorSessionBar/>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/t/:payload") view=operator::DeepLink/>
                    <Route path=path!("/T/:payload") view=operator::DeepLink/>
                    <Route path=path!("/sign-in") view=operator::OperatorSignIn/>
                    <Route path=path!("/enrol") view=operator::EnrolPage/>
                    <Route path=path!("/activator") view=operator::Activator/>
                    // Only reached when the service worker answered an admin address offline with this app.
                    <Route path=path!("/admin/*any") view=AdminNeedsNetwork/>
                    <Route path=path!("/admin") view=AdminNeedsNetwork/>
                </Routes>
            </main>
        </Router>
    }
}

/// The admin's app under `/admin/`: action tokens, devices, fleets and access tokens. It is loaded only by
/// admins, from the MDM, so the operator's first load does not carry it.
#[component]
pub fn AdminApp() -> impl IntoView {
    // The admin's own session: never the operator's (see `session`).
    session::serve_as(session::Kind::Admin);
    view! {
        <Router>
            <Frame>
                <a href="/" rel="external">"Operator screens"</a>
                <A href="/admin">"Admin"</A>
            </Frame>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/admin") view=admin::TokensPage/>
                    <Route path=path!("/admin/sign-in") view=admin::SignIn/>
                    <Route path=path!("/admin/devices") view=admin::DevicesPage/>
                    <Route path=path!("/admin/history") view=admin::HistoryPage/>
                    <Route path=path!("/admin/audit") view=admin::AuditPage/>
                    <Route path=path!("/admin/fleets") view=admin::FleetsPage/>
                    <Route path=path!("/admin/access-tokens") view=admin::AccessTokensPage/>
                    <Route path=path!("/admin/access-definitions") view=admin::DefinitionsPage/>
                    <Route path=path!("/admin/access-classifications") view=admin::ClassificationsPage/>
                    <Route path=path!("/admin/accounts-receivable") view=admin::AccountsPage/>
                    <Route path=path!("/admin/rewards-participants") view=admin::ParticipantsPage/>
                    <Route path=path!("/admin/roles") view=admin::RolesPage/>
                    <Route path=path!("/admin/signing-keys") view=admin::SigningKeysPage/>
                    <Route path=path!("/admin/api-tokens") view=admin::ApiTokensPage/>
                    <Route path=path!("/admin/settings") view=admin::SettingsPage/>
                    <Route path=path!("/admin/sheets/tokens") view=admin::TokenSheetPage/>
                    <Route path=path!("/admin/sheets/devices") view=admin::DeviceSheetPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// What both apps share above the main region: the skip link, the brand, the main navigation (the
/// children) and the connection status.
#[component]
fn Frame(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a href="/" rel="external" class="brand">"fieldtoken"</a>
            <nav aria-label="Main">{children()}</nav>
            <ConnectionStatus/>
        </header>
    }
}

/// An admin address opened with no MDM in reach: the admin screens are not kept on the phone.
#[component]
fn AdminNeedsNetwork() -> impl IntoView {
    view! {
        <section aria-labelledby="admin-offline-title">
            <h1 id="admin-offline-title">"The admin pages need the MDM"</h1>
            <p>
                "The admin pages are loaded from the MDM each time and are not kept on this phone. "
                "Connect to the network and " <a href="/admin" rel="external">"try again"</a>
                ", or " <a href="/" rel="external">"go to the operator screens"</a> ", which work offline."
            </p>
        </section>
    }
}

/// "A new version is ready": shown when the service worker installed a new release that waits. The operator
/// chooses when to reload (never in the middle of a redemption); until then the running version keeps working.
#[component]
fn UpdatePrompt() -> impl IntoView {
    let (ready, set_ready) = signal(worker::update_ready());
    // The handle lives as long as the page: the shell is never unmounted.
    let _ = window_event_listener_untyped(worker::UPDATE_READY, move |_| set_ready.set(true));
    view! {
        <Show when=move || ready.get()>
            <div class="update" role="status">
                <p>"A new version of fieldtoken is ready. Everything saved on this phone is kept."</p>
                <button type="button" class="primary" on:click=|_| worker::apply_update()>
                    "Reload to update"
                </button>
            </div>
        </Show>
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
            <p>"There is nothing at this address. " <a href="/" rel="external">"Go to the start page"</a> "."</p>
        </section>
    }
}
