//! Starts the admin's app (served under `/admin/`): one panic hook, then the app mounted on `<body>`.

fn main() {
    // A panic in wasm is otherwise an opaque `unreachable`; this puts the message in the console.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(fieldtoken_pwa::AdminApp);
}
