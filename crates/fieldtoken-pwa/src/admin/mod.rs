//! The admin screens under `/admin`: sign-in, and the Action Tokens page of seed 000 (data table,
//! "+ New", the side panel with both QR formats, download, print, delete).

mod model;
mod new_token;
mod panel;
mod sign_in;
mod time;
mod tokens;

pub use sign_in::SignIn;
pub use tokens::TokensPage;
