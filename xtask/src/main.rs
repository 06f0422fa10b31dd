//! fieldtoken's automation, in Rust so it runs wherever `cargo` does.
//!
//! `cargo xtask setup | run | test | e2e | schemathesis | pkg | bench | postgres | precache`. Every command says what it does before it does
//! it, and installs only what is missing, so a second run takes seconds.

mod bench;
mod build;
mod postgres;
mod precache;
mod schemathesis;
mod setup;
mod shell;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup              install what is missing (wasm target, Trunk, wasm-bindgen-cli, npm packages, Chromium,
                     Schemathesis, PostgreSQL)
  run [--listen ADDR] build pkg/ and the PWA in release mode and start the MDM (default 127.0.0.1:8080)
  test               setup, then every suite: cargo test, the MDM's HTTP suite again on PostgreSQL, wasm tests in
                     Chromium, Node tests of pkg/, Schemathesis against the MDM's OpenAPI document, Playwright
  test postgres      only the MDM's HTTP suite on a throw-away PostgreSQL cluster
  e2e [FILES]        build the release PWA and MDM, then run these Playwright files of tests/e2e (all when none)
  schemathesis [ARGS] the Schemathesis suite alone; ARGS go to `st run` (e.g. --include-path-regex roles)
  pkg                build the npm package into pkg/
  bench              every benchmark of DESIGN's budgets (QR decoding beside jsQR and zxing-wasm, sync, PWA size, browser,
                     replicas on PostgreSQL) into docs/BENCHMARKS.md
  bench history      only the redemption history at 1,000,000 rows (first pages by token, device, ...) into docs/BENCHMARKS.md
  bench pwa          only the PWA's first-load size (gzipped) into docs/BENCHMARKS.md
  bench import       only the device import benchmark (10,000 and 100,000 devices from CSV over HTTP)
  bench bundle       only the offline bundle at scale (sizes, refresh, Verifier build, 50 phones at once)
  bench replicas     only the sync of 100,000 redemptions over 3 replicas on PostgreSQL beside 1 on SQLite
  postgres           start a throw-away PostgreSQL cluster, print its admin URL and keep it until Enter
                     (FIELDTOKEN_TEST_POSTGRES=URL cargo test -p fieldtoken-mdm --test it NAME runs tests on it)
  precache [DIR]     write the service worker's precache list into a built PWA (Trunk's post-build hook)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::install(setup::Needs::everything()).map(drop),
        Some("run") => build::run_server(&args[1..]),
        Some("test") => match args.get(1).map(String::as_str) {
            None => test::run(),
            Some("postgres") => test::postgres_only(),
            Some(other) => Err(format!("unknown test part `{other}`\n\n{USAGE}")),
        },
        Some("e2e") => test::e2e(&args[1..]),
        Some("schemathesis") => schemathesis::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("pkg") => setup::install(setup::Needs::build()).and_then(|_| build::pkg()),
        Some("postgres") => postgres::hold(),
        Some("precache") => precache::run(args.get(1).map(PathBuf::from)),
        Some("help" | "-h" | "--help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, whatever directory `cargo xtask` was started from.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Prints a step the way every xtask step is announced, so a long run reads as a list of what happened.
fn step(what: &str) {
    println!("\n==> {what}");
}
