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
/// Test cases per operation and phase (Schemathesis's own default, stated so it cannot drift): about 6,000
/// requests, under a minute on 2 idle cores and 2-3 minutes while the rest of `xtask test` competes for them.
const MAX_EXAMPLES: &str = "100";
/// One worker: the requests reach the server in one order, so the same seed finds the same failures (with two,
/// the interleaving changes what exists when, and the failures found changed from run to run). The server and `st`
/// still use both cores.
const WORKERS: &str = "1";

/// The arguments of `st run` after the document's URL and the admin's `Authorization` header.
fn run_args() -> Vec<String> {
    let junit = junit_path();
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

/// The variable that puts the suite's server on a PostgreSQL database instead of a fresh SQLite file (read by
/// `tests/e2e/support.mjs`).
pub const DATABASE_VARIABLE: &str = "FIELDTOKEN_TEST_DATABASE";

/// The suite, against the MDM binary `server` on a fresh SQLite file, or on the PostgreSQL database at `database`;
/// `extra` are more `st run` arguments (later ones win).
pub fn suite(
    server: &Path,
    extra: &[String],
    database: Option<&str>,
    summaries: &mut Vec<String>,
) -> Result<SuiteRun, String> {
    let st = setup::schemathesis_cli();
    let mut command = cmd("node");
    match database {
        Some(url) => command.env(DATABASE_VARIABLE, url),
        None => command.env_remove(DATABASE_VARIABLE),
    };
    command
        .arg(root().join("tests/schemathesis/run.mjs"))
        .arg(&st)
        .args(run_args())
        .args(extra)
        .env("FIELDTOKEN_MDM", server)
        // Plain lines: `st` sizes its banners to the terminal, and this one is a pipe.
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        // Hypothesis's caches (character tables, constants) in the build area, not in the workspace root.
        .env(
            "HYPOTHESIS_STORAGE_DIRECTORY",
            target_dir().join("schemathesis/hypothesis"),
        );
    // A report left by an earlier run must not speak for this one.
    let _ = std::fs::remove_file(junit_path());
    let mut run = run_suite(&mut command, &mut Vec::new())?;
    summaries.push(summary_line(&run.tail));
    if !run.passed {
        // `st`'s own tail counts failures by check; the operations they came from are in the JUnit report.
        let failed = std::fs::read_to_string(junit_path())
            .map(|xml| failed_operations(&xml))
            .unwrap_or_default();
        if !failed.is_empty() {
            let mut tail: Vec<String> = run
                .tail
                .iter()
                .rev()
                .find(|line| is_final_line(line))
                .map(|line| vec![final_message(line).to_owned()])
                .unwrap_or_default();
            tail.push(format!(
                "{} operations failed (details above, reproduce with `cargo xtask schemathesis`):",
                failed.len()
            ));
            tail.extend(failed);
            run.tail = tail;
        }
    }
    Ok(run)
}

/// Where `st` writes its JUnit report.
fn junit_path() -> std::path::PathBuf {
    target_dir().join("schemathesis/junit.xml")
}

/// `st`'s last line: its verdict centred in `=` signs, e.g. `==== 3 failures, 1 warning in 15.33s ====`.
fn is_final_line(line: &str) -> bool {
    let line = line.trim();
    line.len() > 8 && line.starts_with("===") && line.ends_with("===")
}

/// The verdict inside `st`'s last line.
fn final_message(line: &str) -> &str {
    line.trim().trim_matches('=').trim()
}

/// The summary line `xtask test` shows for this suite: `st`'s verdict and its test case count, e.g.
/// `schemathesis: No issues found in 95.20s; 12345 generated, 12345 passed`.
fn summary_line(tail: &[String]) -> String {
    let verdict = tail
        .iter()
        .rev()
        .find(|line| is_final_line(line))
        .map_or("no verdict (st stopped before its summary)", |line| {
            final_message(line)
        });
    // `Test cases:` is followed by one line, e.g. `1409 generated, 59 found 59 unique failures, 70 skipped`.
    let cases = tail
        .iter()
        .position(|line| line.trim() == "Test cases:")
        .and_then(|at| tail.get(at + 1))
        .map(|line| line.trim());
    match cases {
        Some(cases) => format!("schemathesis: {verdict}; {cases}"),
        None => format!("schemathesis: {verdict}"),
    }
}

/// (passed, failed, skipped) of a [`summary_line`]: test cases that passed, unique failures and errors, and
/// skipped test cases. `None` for any other line.
pub fn counts(line: &str) -> Option<(u64, u64, u64)> {
    let rest = line.strip_prefix("schemathesis: ")?;
    let (verdict, cases) = rest.split_once(';').unwrap_or((rest, ""));
    // The number right before one of `words`, in each comma-separated part of `text`, summed.
    let number_before = |text: &str, words: &[&str]| -> u64 {
        text.split(',')
            .filter_map(|part| {
                let tokens: Vec<&str> = part.split_whitespace().collect();
                let at = tokens.iter().position(|token| words.contains(token))?;
                tokens.get(at.checked_sub(1)?)?.parse::<u64>().ok()
            })
            .sum()
    };
    Some((
        number_before(cases, &["passed"]),
        number_before(verdict, &["failure", "failures", "error", "errors"]),
        number_before(cases, &["skipped"]),
    ))
}

/// `POST /api/v1/roles: ST202 Schema-valid request rejected, ST103 Undocumented status code`, one line per
/// operation with a failure or an error in `st`'s JUnit report (`<testcase name=...>` holding `<failure>` or
/// `<error>` elements, each of whose texts names its check as `- STnnn Title`).
fn failed_operations(xml: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for case in xml.split("<testcase ").skip(1) {
        let case = case.split("</testcase>").next().unwrap_or(case);
        let Some(name) = attribute(case, "name") else {
            continue;
        };
        let mut checks: Vec<String> = Vec::new();
        for element in ["<failure", "<error"] {
            for problem in case.split(element).skip(1) {
                let text = problem.split_once('>').map_or("", |(_, text)| text);
                let text = text.split('<').next().unwrap_or(text);
                let check = text
                    .lines()
                    .find_map(|line| line.trim().strip_prefix("- "))
                    .map(unescape)
                    .or_else(|| attribute(problem, "message"))
                    .unwrap_or_else(|| element.trim_start_matches('<').to_owned());
                if !checks.contains(&check) {
                    checks.push(check);
                }
            }
        }
        if !checks.is_empty() {
            lines.push(format!("{name}: {}", checks.join(", ")));
        }
    }
    lines
}

/// The value of `name="..."` in the start of an XML element, unescaped.
fn attribute(element: &str, name: &str) -> Option<String> {
    let head = element.split('>').next()?;
    let start = head.find(&format!("{name}=\""))? + name.len() + 2;
    let end = head[start..].find('"')? + start;
    Some(unescape(&head[start..end]))
}

/// The five predefined XML entities (`st` writes no others).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// `cargo xtask schemathesis [ST_RUN_ARGS...]`: the suite alone, for iterating on the document and handlers;
/// e.g. `cargo xtask schemathesis --include-path-regex roles --max-examples 5`. With `FIELDTOKEN_TEST_DATABASE`
/// set to an empty PostgreSQL database's URL, the server runs on it.
pub fn run(extra: &[String]) -> Result<(), String> {
    step("setup: checking what the Schemathesis suite needs");
    setup::npm_packages()?;
    setup::schemathesis()?;
    let server = build::server()?;
    step("test: Schemathesis against the MDM's OpenAPI document");
    let mut summaries = Vec::new();
    let database = std::env::var(DATABASE_VARIABLE).ok();
    let run = suite(&server, extra, database.as_deref(), &mut summaries)?;
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

#[cfg(test)]
mod tests {
    use super::{counts, failed_operations, summary_line};

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn the_summary_line_is_the_verdict_and_the_test_cases() {
        let failed = lines(
            "Test cases:\n  1409 generated, 59 found 59 unique failures, 70 skipped\n\nSeed: 17\n\n\
             ======== 59 failures, 2 warnings in 12.37s ========",
        );
        let line = summary_line(&failed);
        assert_eq!(
            line,
            "schemathesis: 59 failures, 2 warnings in 12.37s; 1409 generated, 59 found 59 unique failures, 70 skipped"
        );
        assert_eq!(counts(&line), Some((0, 59, 70)));

        let passed = lines(
            "Test cases:\n  3128 generated, 3128 passed\n\n===== No issues found in 15.33s =====",
        );
        let line = summary_line(&passed);
        assert_eq!(
            line,
            "schemathesis: No issues found in 15.33s; 3128 generated, 3128 passed"
        );
        assert_eq!(counts(&line), Some((3128, 0, 0)));

        let errors =
            "schemathesis: 1 failure, 2 errors in 3.00s; 10 generated, 1 found 1 unique failure";
        assert_eq!(counts(errors), Some((0, 3, 0)));
        assert_eq!(
            summary_line(&lines("Traceback ...")),
            "schemathesis: no verdict (st stopped before its summary)"
        );
        assert_eq!(counts("test result: ok. 1 passed"), None);
    }

    #[test]
    fn failed_operations_come_from_the_junit_report() {
        let xml = r#"<testsuites><testsuite name="schemathesis">
    <testcase name="GET /api/v1/health" time="0.1"/>
    <testcase name="POST /api/v1/roles/{id}" time="4.7">
      <failure type="failure" message="ST103">1. Test Case ID: 7ErjYv

- ST103 Undocumented status code

    Received: 415</failure>
      <failure type="failure" message="ST202">1. Test Case ID: 8ylmNx

- ST202 Schema-valid request rejected
</failure>
      <failure type="failure" message="ST202">2. Test Case ID: 9ylmNx

- ST202 Schema-valid request rejected &amp; more</failure>
    </testcase>
    <testcase name="DELETE /api/v1/a&amp;b" time="1"><error type="error" message="Connection refused">boom</error></testcase>
</testsuite></testsuites>"#;
        assert_eq!(
            failed_operations(xml),
            [
                "POST /api/v1/roles/{id}: ST103 Undocumented status code, ST202 Schema-valid request rejected, \
                 ST202 Schema-valid request rejected & more",
                "DELETE /api/v1/a&b: Connection refused",
            ]
        );
    }
}
