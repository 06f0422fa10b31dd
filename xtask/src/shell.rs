//! Running programs: every command is echoed before it runs, and sees the project's tools first on `PATH`
//! (`node_modules/.bin` for binaryen's `wasm-opt`, `~/.cargo/bin` for Trunk and wasm-bindgen).

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::root;

/// The `PATH` every child gets: project tools first, so a system `wasm-opt` (Debian's binaryen 108 rejects
/// current rustc output) never shadows the pinned one.
pub fn path_env() -> std::ffi::OsString {
    let mut dirs = vec![root().join("node_modules/.bin"), cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home).join("bin");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| ".".into());
    PathBuf::from(home).join(".cargo/bin")
}

/// A command in the workspace root with the project's `PATH`.
pub fn cmd(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", path_env());
    command
}

fn describe(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs a command to completion, output going straight to the terminal.
pub fn run(command: &mut Command) -> Result<(), String> {
    let line = describe(command);
    println!("$ {line}");
    let status = command
        .status()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// The trimmed standard output of a command that succeeded, or `None` when it is missing or failed.
/// Used for version checks, so nothing is echoed.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// How a test runner ended, with its last lines: when it fails before printing any summary (a compile error,
/// a browser that would not start), those lines are the only account of why, and `xtask test` repeats them
/// at the very end of its output, where a CI log excerpt shows them.
pub struct SuiteRun {
    /// The runner exited with success.
    pub passed: bool,
    /// The last lines it wrote, standard output and standard error interleaved as they arrived.
    pub tail: Vec<String>,
}

/// How many of a runner's last lines [`SuiteRun::tail`] keeps.
const TAIL_LINES: usize = 12;

/// Runs a test runner, streaming its output while keeping the lines that summarise a run (cargo's
/// `test result:` and node's `ℹ pass`/`ℹ fail`), so `xtask test` can repeat them at the end.
pub fn run_suite(command: &mut Command, summaries: &mut Vec<String>) -> Result<SuiteRun, String> {
    let line = describe(command);
    println!("$ {line}");
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
    let keep = |tail: &Mutex<VecDeque<String>>, text: &str| {
        let mut tail = tail.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(text.to_owned());
    };
    // Standard error on its own thread: a runner blocked on a full stderr pipe would never finish stdout.
    let errors = {
        let tail = Arc::clone(&tail);
        std::thread::spawn(move || {
            let mut err = std::io::stderr();
            for text in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = writeln!(err, "{text}");
                keep(&tail, &text);
            }
        })
    };
    let mut out = std::io::stdout();
    for text in BufReader::new(stdout).lines() {
        let text = text.map_err(|e| format!("reading the output of `{line}`: {e}"))?;
        // Echo first: a test runner's output is the user's to read, whatever we make of it.
        let _ = writeln!(out, "{text}");
        keep(&tail, &text);
        if is_summary(&text) {
            summaries.push(text.trim().to_owned());
        }
    }
    let _ = errors.join();
    let status = child
        .wait()
        .map_err(|e| format!("waiting for `{line}`: {e}"))?;
    let tail = tail
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .drain(..)
        .collect();
    Ok(SuiteRun {
        passed: status.success(),
        tail,
    })
}

fn is_summary(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("test result:")
        || [
            "ℹ tests ",
            "ℹ pass ",
            "ℹ fail ",
            "ℹ skipped ",
            "# pass ",
            "# fail ",
        ]
        .iter()
        .any(|prefix| line.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::{TAIL_LINES, cmd, is_summary, run_suite};

    #[test]
    fn a_failed_runner_leaves_its_last_lines_from_both_streams() {
        let mut summaries = Vec::new();
        let run = run_suite(
            cmd("sh").args([
                "-c",
                "echo compiling; echo 'error: could not compile' >&2; exit 3",
            ]),
            &mut summaries,
        )
        .expect("sh starts");
        assert!(!run.passed);
        assert!(run.tail.iter().any(|line| line == "compiling"));
        assert!(
            run.tail
                .iter()
                .any(|line| line == "error: could not compile")
        );
        assert!(summaries.is_empty());
    }

    #[test]
    fn the_tail_keeps_the_last_lines_and_the_summaries_all_of_them() {
        let mut summaries = Vec::new();
        let run = run_suite(
            cmd("sh").args([
                "-c",
                // "ℹ tests" counts nothing: this test's output reaches the terminal of `xtask test` itself.
                "echo 'ℹ tests 3'; for i in $(seq 1 40); do echo out $i; done",
            ]),
            &mut summaries,
        )
        .expect("sh starts");
        assert!(run.passed);
        assert_eq!(run.tail.len(), TAIL_LINES);
        assert_eq!(run.tail.last().map(String::as_str), Some("out 40"));
        assert!(!run.tail.iter().any(|line| line == "out 1"));
        assert_eq!(summaries, ["ℹ tests 3"]);
    }

    #[test]
    fn recognises_the_runners_summary_lines() {
        assert!(is_summary(
            "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
        ));
        assert!(is_summary("ℹ pass 4"));
        assert!(is_summary("ℹ fail 0"));
        assert!(!is_summary("test parses_codes ... ok"));
        assert!(!is_summary("ℹ duration_ms 12.5"));
    }
}
