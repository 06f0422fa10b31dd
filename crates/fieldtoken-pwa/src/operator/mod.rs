//! The field operator's screens (routes outside `/admin`): the token screen with its offline verdict, the device
//! choice and "Redeem", the deep-link route a phone's own camera opens, and the queue that syncs to the MDM.
//! Rules come from `fieldtoken-core`; the offline bundle and the queue live in IndexedDB (`store`). NFC cards of the
//! old format are written and read by the Activator (`activator`) through Web NFC (`nfc`), which also lets the
//! token screen take a tapped card.

mod activator;
mod camera;
mod enrol;
mod model;
mod nfc;
mod queue;
mod sign_in;
mod store;
mod token;

use leptos::prelude::*;

pub use activator::Activator;
pub use enrol::EnrolPage;
pub use sign_in::{OperatorSessionBar, OperatorSignIn, SignedIn};
pub use token::OperatorScreen;

/// `/t/{payload}` (links are printed upper-case, `/T/...`): the page's own address is the token, so the
/// verdict shows at once.
#[component]
pub fn DeepLink() -> impl IntoView {
    let link = web_sys::window()
        .and_then(|w| {
            Some(format!(
                "{}{}",
                w.location().origin().ok()?,
                w.location().pathname().ok()?
            ))
        })
        .unwrap_or_default();
    view! {
        <section aria-labelledby="deep-link-title">
            <h1 id="deep-link-title">"Redeem a token"</h1>
            <OperatorScreen initial=link/>
        </section>
    }
}
