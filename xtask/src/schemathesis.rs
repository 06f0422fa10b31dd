//! The Schemathesis suite: `st run <url>/api/openapi.json --checks all` against the release MDM, as a client
//! generator reads the document, so the document and the handlers cannot drift apart unnoticed.
//!
//! `tests/schemathesis/run.mjs` starts the server the way the end-to-end tests do (their `startServer`: a
//! fresh SQLite file, a free loopback port, an organisation seeded by `fieldtoken-mdm seed-demo` whose admin
//! token signs every request, rate limits off) and runs `st` with the arguments chosen here. Which statuses
//! count as right for which check is in `schemathesis.toml` at the root, with the reasons.
//!
//! Bounded and reproducible: a fixed seed, a fixed number of examples per operation, no example database
//! carried between runs. The suite passes only when `st` finds no failure and no error.

use std::path::Path;

use crate::build::{self, target_dir};
use crate::setup;
use crate::shell::{SuiteRun, cmd, run_suite};
use crate::{root, step};

/// Any fixed value: the same seed generates the same requests, so a failure found once is found again.
const SEED: &str = "17";
/// Test cases per operation and phase: about 2-3 minutes for the whole document on 2 shared cores.
const MAX_EXAMPLES: &str = "25";
/// Two workers keep both cores busy (the server takes the rest); more only queue behind SQLite's one writer.
const WORKERS: &str = "2";

/// The arguments of `st run` after the document's URL and the admin's `Authorization` header.
fn run_args() -> Vec<String> {
    let junit = target_dir().join("schemathesis/junit.xml");
    [
        "--checks",
        "all",
        "--seed",
        SEED,
        "--max-examples",
        MAX_EXAMPLES,
        "--workers",
        WORKERS,
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
    ]
    .into_iter()
    .map(String::from)
    .chain([junit.to_string_lossy().into_owned()])
    .collect()
}

/// The suite, against the MDM binary `server`; `extra` are more `st run` arguments (later ones win).
pub fn suite(
    server: &Path,
    extra: &[String],
    summaries: &mut Vec<String>,
) -> Result<SuiteRun, String> {
    let st = setup::schemathesis_cli();
    let mut command = cmd("node");
    command
        .arg(root().join("tests/schemathesis/run.mjs"))
        .arg(&st)
        .args(run_args())
        .args(extra)
        .env("FIELDTOKEN_MDM", server)
        // Plain lines: `st` sizes its banners to the terminal, and this one is a pipe.
        .env("COLUMNS", "100");
    run_suite(&mut command, summaries)
}

/// `cargo xtask schemathesis [ST_RUN_ARGS...]`: the suite alone, for iterating on the document and handlers;
/// e.g. `cargo xtask schemathesis --include-path-regex roles --max-examples 5`.
pub fn run(extra: &[String]) -> Result<(), String> {
    step("setup: checking what the Schemathesis suite needs");
    setup::npm_packages()?;
    setup::schemathesis()?;
    let server = build::server()?;
    step("test: Schemathesis against the MDM's OpenAPI document");
    let mut summaries = Vec::new();
    let run = suite(&server, extra, &mut summaries)?;
    step("schemathesis: summary");
    for line in &summaries {
        println!("{line}");
    }
    if run.passed {
        println!("ok      schemathesis");
        Ok(())
    } else {
        println!("FAILED  schemathesis:");
        for line in &run.tail {
            println!("    {line}");
        }
        Err("the Schemathesis suite failed (see above)".into())
    }
}
