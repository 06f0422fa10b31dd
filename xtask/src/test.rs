//! `cargo xtask test`: setup, then every suite, in the order a failure is cheapest to find:
//! `cargo test --workspace` (the MDM's HTTP suite on SQLite among them), the MDM's HTTP suite again on a
//! throw-away PostgreSQL cluster, the wasm tests in headless Chromium, Node tests of `pkg/`, Schemathesis against
//! the release MDM's OpenAPI document, and the Playwright end-to-end suite against the real MDM serving the
//! release build.
//!
//! Every suite runs even when an earlier one failed, so one run shows everything that is broken; the run
//! ends with the runners' own summary lines and one total.

use std::path::{Path, PathBuf};

use crate::build::{self, target_dir};
use crate::postgres::{Cluster, Purpose};
use crate::schemathesis;
use crate::setup::{self, Needs};
use crate::shell::{SuiteRun, cargo_bin, cmd, output, run_suite};
use crate::{root, step};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The variable that points the MDM's HTTP suite at a PostgreSQL cluster (an admin URL: each test creates its
/// own database there); unset, the suite runs on SQLite files.
pub const POSTGRES_VARIABLE: &str = "FIELDTOKEN_TEST_POSTGRES";

/// What the PostgreSQL run's summary line starts with, so it reads apart from the SQLite run of the same suite.
const POSTGRES_LABEL: &str = "on PostgreSQL: ";

enum Outcome {
    Passed,
    /// Failed, with the lines that say why: the runner's last output, or what stopped it from running.
    Failed(Vec<String>),
    Skipped(String),
}

#[derive(Default)]
struct Report {
    suites: Vec<(&'static str, Outcome)>,
    summaries: Vec<String>,
}

impl Report {
    fn suite(&mut self, name: &'static str, result: Result<SuiteRun, String>) {
        let outcome = match result {
            Ok(SuiteRun { passed: true, .. }) => Outcome::Passed,
            Ok(SuiteRun {
                passed: false,
                tail,
            }) => Outcome::Failed(tail),
            Err(message) => {
                eprintln!("xtask: {name}: {message}");
                Outcome::Failed(vec![message])
            }
        };
        self.suites.push((name, outcome));
    }
}

/// Runs every suite; fails when any suite failed, or when a browser suite could not run under `CI=true`.
pub fn run() -> Result<(), String> {
    let missing = setup::install(Needs::everything())?;
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let browser = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    let browser_missing = || no_browser(ci, missing.browser.as_deref());
    let mut report = Report::default();

    step("test: cargo test --workspace");
    let result = run_suite(
        cmd("cargo")
            .args(["test", "--workspace", "--no-fail-fast"])
            // This run is the SQLite one, whatever the caller's shell holds.
            .env_remove(POSTGRES_VARIABLE),
        &mut report.summaries,
    );
    report.suite("cargo test --workspace", result);

    step("test: the MDM's HTTP suite on a throw-away PostgreSQL cluster");
    match &missing.postgres {
        Some(why) if !ci => report.suites.push((
            "MDM HTTP suite on PostgreSQL",
            Outcome::Skipped(why.clone()),
        )),
        Some(why) => report.suite("MDM HTTP suite on PostgreSQL", Err(why.clone())),
        None => {
            let result = postgres_suite(&mut report.summaries);
            report.suite("MDM HTTP suite on PostgreSQL", result);
        }
    }

    // pkg/ feeds both the Node tests and (through the PWA's shared core) nothing else: build it once.
    let pkg = build::pkg();
    if let Err(message) = &pkg {
        eprintln!("xtask: {message}");
    }

    step("test: wasm tests in headless Chromium (wasm-bindgen-test-runner)");
    if !browser {
        report
            .suites
            .push(("wasm tests in Chromium", browser_missing()));
    } else {
        let result = run_suite(
            cmd("cargo")
                .args([
                    "test",
                    "--no-fail-fast",
                    "--package",
                    "fieldtoken-wasm",
                    "--package",
                    "fieldtoken-pwa",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .env(
                    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                    cargo_bin().join("wasm-bindgen-test-runner"),
                )
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
            &mut report.summaries,
        );
        report.suite("wasm tests in Chromium", result);
    }

    step("test: Node tests of pkg/ (node --test)");
    if pkg.is_err() {
        report.suite("node tests of pkg/", Err("pkg/ did not build".into()));
    } else {
        let result = node_tests(&root().join("tests/node"), &[], &mut report.summaries);
        report.suite("node tests of pkg/", result);
    }

    step("test: Schemathesis against the MDM's OpenAPI document (st run --checks all)");
    let result = match &missing.schemathesis {
        // Never a skip: without it nothing checks that the document is the API.
        Some(why) => Err(why.clone()),
        None => build::server()
            .and_then(|server| schemathesis::suite(&server, &[], None, &mut report.summaries)),
    };
    report.suite("schemathesis", result);

    step("test: Schemathesis again, the MDM on a throw-away PostgreSQL cluster");
    match (&missing.schemathesis, &missing.postgres) {
        (Some(why), _) => report.suite("schemathesis on PostgreSQL", Err(why.clone())),
        (None, Some(why)) if !ci => report
            .suites
            .push(("schemathesis on PostgreSQL", Outcome::Skipped(why.clone()))),
        (None, Some(why)) => report.suite("schemathesis on PostgreSQL", Err(why.clone())),
        (None, None) => {
            let result = postgres_schemathesis(&mut report.summaries);
            report.suite("schemathesis on PostgreSQL", result);
        }
    }

    step("test: Playwright end-to-end suite against the MDM and the release build");
    if !browser {
        report.suites.push(("playwright e2e", browser_missing()));
    } else {
        let result = e2e_suite(&[], &mut report.summaries);
        report.suite("playwright e2e", result);
    }

    finish(report)
}

/// `cargo xtask test postgres`: only the MDM's HTTP suite on a throw-away PostgreSQL cluster, for work on the
/// store without every other suite.
pub fn postgres_only() -> Result<(), String> {
    let missing = setup::install(Needs::build_and_postgres())?;
    let mut report = Report::default();
    step("test: the MDM's HTTP suite on a throw-away PostgreSQL cluster");
    match missing.postgres {
        Some(why) => report.suite("MDM HTTP suite on PostgreSQL", Err(why)),
        None => {
            let result = postgres_suite(&mut report.summaries);
            report.suite("MDM HTTP suite on PostgreSQL", result);
        }
    }
    finish(report)
}

/// `cargo test -p fieldtoken-mdm --test it` against a fresh PostgreSQL cluster.
fn postgres_suite(summaries: &mut Vec<String>) -> Result<SuiteRun, String> {
    on_fresh_cluster(summaries, |cluster, lines| {
        run_suite(
            cmd("cargo")
                .args([
                    "test",
                    "--package",
                    "fieldtoken-mdm",
                    "--test",
                    "it",
                    "--no-fail-fast",
                ])
                .env(POSTGRES_VARIABLE, cluster.admin_url()),
            lines,
        )
    })
}

/// The Schemathesis suite with the MDM on a fresh database of a throw-away PostgreSQL cluster: the engine's own
/// refusals (text it cannot hold, types it compares strictly) show up as 5xx here and nowhere else.
fn postgres_schemathesis(summaries: &mut Vec<String>) -> Result<SuiteRun, String> {
    let server = build::server()?;
    on_fresh_cluster(summaries, |cluster, lines| {
        cluster.create_database("schemathesis")?;
        schemathesis::suite(&server, &[], Some(&cluster.url("schemathesis")), lines)
    })
}

/// Runs a suite against a throw-away PostgreSQL cluster, which is stopped and removed after; the suite's summary
/// lines are labelled [`POSTGRES_LABEL`].
fn on_fresh_cluster(
    summaries: &mut Vec<String>,
    suite: impl FnOnce(&Cluster, &mut Vec<String>) -> Result<SuiteRun, String>,
) -> Result<SuiteRun, String> {
    let cluster = Cluster::start(Purpose::Test)?;
    let mut lines = Vec::new();
    let result = suite(&cluster, &mut lines);
    drop(cluster);
    summaries.extend(
        lines
            .into_iter()
            .map(|line| format!("{POSTGRES_LABEL}{line}")),
    );
    result
}

/// `cargo xtask e2e [FILES]`: builds the release PWA and MDM, then runs the named e2e files (all when none), for
/// working on one screen without the other suites.
pub fn e2e(files: &[String]) -> Result<(), String> {
    setup::install(Needs::everything())?;
    let mut report = Report::default();
    let result = e2e_suite(files, &mut report.summaries);
    report.suite("playwright e2e", result);
    finish(report)
}

/// The Playwright suite (or `only` its named files) against fresh release builds of the PWA and the MDM.
fn e2e_suite(only: &[String], summaries: &mut Vec<String>) -> Result<SuiteRun, String> {
    let server = build::pwa().and_then(|()| build::server())?;
    let env = [
        ("FIELDTOKEN_MDM", server),
        ("FIELDTOKEN_DIST", root().join("dist")),
        ("FIELDTOKEN_CHROMIUM", PathBuf::from(CHROMIUM)),
        ("FIELDTOKEN_ARTIFACTS", target_dir().join("e2e-artifacts")),
    ];
    let dir = root().join("tests/e2e");
    if only.is_empty() {
        return node_tests(&dir, &env, summaries);
    }
    let files: Vec<PathBuf> = only
        .iter()
        .map(|name| {
            let path = Path::new(name);
            if path.exists() {
                path.to_path_buf()
            } else {
                dir.join(name)
            }
        })
        .collect();
    run_node(&files, &env, summaries)
}

fn no_browser(ci: bool, setup_said: Option<&str>) -> Outcome {
    let why = format!(
        "Chromium is missing ({})",
        setup_said.unwrap_or("install it with `apt-get install chromium chromium-driver`")
    );
    if ci {
        // Under CI a browser suite that cannot run is a failure, never a quiet skip.
        Outcome::Failed(vec![why])
    } else {
        Outcome::Skipped(why)
    }
}

/// `node --test` over every `*.test.mjs` in `dir`, one file at a time (the e2e files each start a server).
fn node_tests(
    dir: &Path,
    env: &[(&str, PathBuf)],
    summaries: &mut Vec<String>,
) -> Result<SuiteRun, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("listing {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.test.mjs files in {}", dir.display()));
    }
    run_node(&files, env, summaries)
}

/// `node --test` over `files`, one at a time, with `env` set.
fn run_node(
    files: &[PathBuf],
    env: &[(&str, PathBuf)],
    summaries: &mut Vec<String>,
) -> Result<SuiteRun, String> {
    let mut command = cmd("node");
    command
        .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .args(files);
    for (key, value) in env {
        command.env(key, value);
    }
    run_suite(&mut command, summaries)
}

/// Prints the runners' summary lines, the total, then each suite's outcome, failures with their reasons
/// last: a CI log excerpt shows the end of the output, and that is where the cause should be.
fn finish(report: Report) -> Result<(), String> {
    step("test: summary");
    let (mut passed, mut failed, mut skipped) = (0u64, 0u64, 0u64);
    for line in &report.summaries {
        let (p, f, s) = counts(line);
        // A crate without tests prints "0 passed; 0 failed", node prints "ℹ fail 0": noise in a summary.
        // Schemathesis's one line is its verdict, even when it counts nothing ("No test cases were generated").
        if p + f + s > 0 || schemathesis::counts(line).is_some() {
            println!("{line}");
        }
        passed += p;
        failed += f;
        skipped += s;
    }
    println!("total: {passed} passed, {failed} failed, {skipped} skipped");
    let mut ok = true;
    for (name, outcome) in &report.suites {
        match outcome {
            Outcome::Passed => println!("ok      {name}"),
            Outcome::Skipped(why) => println!("skipped {name}: {why}"),
            Outcome::Failed(_) => {}
        }
    }
    for (name, outcome) in &report.suites {
        if let Outcome::Failed(why) = outcome {
            ok = false;
            println!("FAILED  {name}:");
            for line in why {
                println!("    {line}");
            }
        }
    }
    if ok {
        Ok(())
    } else {
        // A build that runs out of disk fails in ways that look like anything else: say how much is left.
        if let Some(free) = output(cmd("df").args(["-h", "--output=avail", "."])) {
            let free = free.lines().last().unwrap_or_default().trim().to_owned();
            println!("disk space left where the project builds: {free}");
        }
        Err("some suites failed (see above)".into())
    }
}

/// (passed, failed, skipped) from one summary line of cargo's or node's runner, or of the Schemathesis suite.
fn counts(line: &str) -> (u64, u64, u64) {
    let line = line.strip_prefix(POSTGRES_LABEL).unwrap_or(line);
    if let Some(counts) = schemathesis::counts(line) {
        return counts;
    }
    let number_before = |word: &str| -> u64 {
        line.split(';')
            .find_map(|part| part.trim().strip_suffix(word))
            .and_then(|n| n.trim().rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let number_after = |prefix: &str| -> u64 {
        line.trim_start()
            .strip_prefix(prefix)
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    if line.starts_with("test result:") {
        (
            number_before("passed"),
            number_before("failed"),
            number_before("ignored"),
        )
    } else {
        (
            number_after("ℹ pass ") + number_after("# pass "),
            number_after("ℹ fail ") + number_after("# fail "),
            number_after("ℹ skipped "),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::counts;

    #[test]
    fn counts_come_from_either_runner() {
        let check = |line: &str, want: (u64, u64, u64)| assert_eq!(counts(line), want, "{line}");
        check(
            "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.20s",
            (12, 0, 1),
        );
        check(
            "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured",
            (3, 2, 0),
        );
        check(
            "on PostgreSQL: test result: FAILED. 280 passed; 4 failed; 0 ignored; 0 measured",
            (280, 4, 0),
        );
        check("ℹ pass 7", (7, 0, 0));
        check("ℹ fail 1", (0, 1, 0));
        check("ℹ skipped 2", (0, 0, 2));
        check("ℹ tests 9", (0, 0, 0));
    }
}
