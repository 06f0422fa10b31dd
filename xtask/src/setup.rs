//! `cargo xtask setup`: installs what is missing, at pinned versions, and says what it does.
//!
//! Idempotent: each tool is checked first (target list, `--version`, lock-file timestamps), so a second run
//! only reads versions. Nothing is downloaded from outside the package registries: Trunk and wasm-bindgen
//! come from crates.io, binaryen and Playwright from npm, Chromium and PostgreSQL from Debian, Schemathesis from
//! PyPI.

use std::fs;
use std::path::PathBuf;

use crate::shell::{cargo_bin, cmd, output, run};
use crate::{root, step};

/// Trunk 0.22 needs a newer rustc than the one this project builds with.
const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The API conformance tester (`st`), from PyPI; its checks and their defaults change between minor versions,
/// so a new version is a deliberate change here (and a look at `schemathesis.toml`).
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// Which tools a command needs: `run` has no use for a browser, nor for Schemathesis or PostgreSQL.
#[derive(Clone, Copy)]
pub struct Needs {
    browser: bool,
    schemathesis: bool,
    postgres: bool,
}

impl Needs {
    /// Everything `cargo xtask test` uses.
    pub fn everything() -> Needs {
        Needs {
            browser: true,
            schemathesis: true,
            postgres: true,
        }
    }

    /// What building `pkg/`, the PWA and the server needs.
    pub fn build() -> Needs {
        Needs {
            browser: false,
            schemathesis: false,
            postgres: false,
        }
    }

    /// What building adds to PostgreSQL's throw-away cluster (`cargo xtask bench replicas`, `cargo xtask
    /// postgres`).
    pub fn build_and_postgres() -> Needs {
        Needs {
            postgres: true,
            ..Needs::build()
        }
    }
}

/// The tools that could not be installed, each with the reason: suites that need them fail (or, for the
/// browser outside CI, are skipped) with that reason, and every other suite still runs.
#[derive(Default)]
pub struct Missing {
    pub browser: Option<String>,
    pub schemathesis: Option<String>,
    pub postgres: Option<String>,
}

/// Installs whatever `needs` asks for and is missing.
///
/// A browser or a Schemathesis that could not be installed is not an error here: it is returned, so
/// `xtask test` can still run the other suites and then name the reason beside the suites it could not run.
pub fn install(needs: Needs) -> Result<Missing, String> {
    step("setup: checking the toolchain");
    wasm_target()?;
    wasm_bindgen_cli()?;
    trunk()?;
    npm_packages()?;
    let missing = Missing {
        browser: if needs.browser { browser().err() } else { None },
        schemathesis: if needs.schemathesis {
            schemathesis().err()
        } else {
            None
        },
        postgres: if needs.postgres {
            postgres().err()
        } else {
            None
        },
    };
    for message in [&missing.browser, &missing.schemathesis, &missing.postgres]
        .into_iter()
        .flatten()
    {
        println!("setup: {message}");
    }
    println!("setup: done");
    Ok(missing)
}

fn wasm_target() -> Result<(), String> {
    // Asked of rustc, not rustup: rustc knows its sysroot even where rustup is not on PATH.
    let installed = output(cmd("rustc").args(["--print", "sysroot"])).is_some_and(|sysroot| {
        std::path::Path::new(&sysroot)
            .join("lib/rustlib")
            .join(WASM_TARGET)
            .is_dir()
    });
    if installed {
        println!("ok   rust target {WASM_TARGET}");
        return Ok(());
    }
    println!("add  rust target {WASM_TARGET}");
    run(cmd("rustup").args(["target", "add", WASM_TARGET])).map_err(|e| {
        format!("{e}\n  the {WASM_TARGET} target is missing: install it with `rustup target add {WASM_TARGET}`")
    })
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly or the generated glue is refused.
pub fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e} (run `cargo generate-lockfile`)"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|v| v.strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn wasm_bindgen_cli() -> Result<(), String> {
    let want = locked_wasm_bindgen()?;
    let have = output(cmd(cargo_bin().join("wasm-bindgen")).arg("--version"));
    if have.as_deref() == Some(&format!("wasm-bindgen {want}")) {
        println!("ok   wasm-bindgen-cli {want}");
        return Ok(());
    }
    println!(
        "get  wasm-bindgen-cli {want} (found: {}; a few minutes)",
        have.unwrap_or_else(|| "none".into())
    );
    // Without --locked: the CLI's own lock file pins crates that no longer build with this rustc.
    run(cmd("cargo").args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))
}

fn trunk() -> Result<(), String> {
    let have = output(cmd(cargo_bin().join("trunk")).arg("--version"));
    if have.as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
        println!("ok   trunk {TRUNK_VERSION}");
        return Ok(());
    }
    println!(
        "get  trunk {TRUNK_VERSION} (found: {}; about 11 minutes on 2 cores)",
        have.unwrap_or_else(|| "none".into())
    );
    run(cmd("cargo").args([
        "install",
        "trunk",
        "--version",
        TRUNK_VERSION,
        "--locked",
        "--force",
    ]))
}

pub fn npm_packages() -> Result<(), String> {
    let root = root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let modified = |path: &std::path::Path| fs::metadata(path).and_then(|m| m.modified()).ok();
    let node = output(cmd("node").arg("--version")).ok_or(
        "Node.js is missing: install Node 20 or newer (Debian: `apt-get install nodejs npm`)",
    )?;
    match (modified(&lock), modified(&installed)) {
        (Some(locked), Some(done)) if done >= locked => {
            println!("ok   npm packages (node {node})");
            Ok(())
        }
        _ => {
            println!(
                "get  npm packages from package-lock.json (binaryen, playwright-core, jsQR, zxing-wasm)"
            );
            run(cmd("npm").args(["ci", "--no-audit", "--no-fund"]))
        }
    }
}

/// The virtualenv that holds Schemathesis, in the ignored build area: pip never touches the system's Python.
pub fn schemathesis_venv() -> PathBuf {
    root().join("target/venv-schemathesis")
}

/// The `st` command of the virtualenv.
pub fn schemathesis_cli() -> PathBuf {
    schemathesis_venv().join("bin/st")
}

/// Schemathesis from PyPI at [`SCHEMATHESIS_VERSION`], in its own virtualenv (`python3 -m venv`).
pub fn schemathesis() -> Result<(), String> {
    let have = output(cmd(schemathesis_cli()).arg("--version"));
    // `st --version` prints "st, version 4.32.5".
    if have.as_deref().and_then(|line| line.rsplit(' ').next()) == Some(SCHEMATHESIS_VERSION) {
        println!("ok   schemathesis {SCHEMATHESIS_VERSION}");
        return Ok(());
    }
    println!(
        "get  schemathesis {SCHEMATHESIS_VERSION} from PyPI (found: {}; about a minute)",
        have.unwrap_or_else(|| "none".into())
    );
    let venv = schemathesis_venv();
    let python = venv.join("bin/python");
    if !python.exists() {
        run(cmd("python3").arg("-m").arg("venv").arg(&venv)).map_err(|e| {
            format!(
                "{e}\n  Schemathesis needs Python 3.11 or newer with its venv module \
                 (Debian: `apt-get install python3-venv`)"
            )
        })?;
    }
    run(cmd(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
    ]))
    .map_err(|e| {
        format!("{e}\n  could not install Schemathesis from PyPI (it needs Python 3.11 or newer)")
    })
}

/// Debian's Chromium and its chromedriver: the only browser this project tests in.
pub fn browser() -> Result<(), String> {
    let present = |path: &str| std::path::Path::new(path).exists();
    if present("/usr/bin/chromium") && present("/usr/bin/chromedriver") {
        let version = output(cmd("/usr/bin/chromium").arg("--version")).unwrap_or_default();
        println!("ok   {version}");
        return Ok(());
    }
    let is_root = output(cmd("id").arg("-u")).as_deref() == Some("0");
    // Not root: a CI runner's passwordless sudo (`-n` never prompts) will do; a developer is told what to run.
    let sudo = !is_root && output(cmd("sudo").args(["-n", "true"])).is_some();
    if !is_root && !sudo {
        return Err(
            "Chromium is missing: run `sudo apt-get install chromium chromium-driver`, then again"
                .into(),
        );
    }
    println!("get  chromium and chromium-driver from Debian");
    apt_install(sudo, &["chromium", "chromium-driver"])?;
    if present("/usr/bin/chromium") && present("/usr/bin/chromedriver") {
        Ok(())
    } else {
        Err(
            "apt-get finished but /usr/bin/chromium or /usr/bin/chromedriver is still missing"
                .into(),
        )
    }
}

/// Debian's PostgreSQL server, for the throw-away clusters of the tests and benchmarks (`crate::postgres`); the
/// MDM needs none of it to run on SQLite.
///
/// The `postgresql` package also creates and starts Debian's own cluster ("main", port 5432) where the machine
/// runs services; nothing here uses it.
pub fn postgres() -> Result<(), String> {
    if let Some(bin) = crate::postgres::bin_dir() {
        let version = output(cmd(bin.join("postgres")).arg("--version")).unwrap_or_default();
        println!("ok   {version} ({})", bin.display());
        return Ok(());
    }
    let is_root = output(cmd("id").arg("-u")).as_deref() == Some("0");
    let sudo = !is_root && output(cmd("sudo").args(["-n", "true"])).is_some();
    if !is_root && !sudo {
        return Err(
            "PostgreSQL is missing: run `sudo apt-get install postgresql`, then again".into(),
        );
    }
    println!("get  postgresql from Debian");
    apt_install(sudo, &["postgresql"])?;
    match crate::postgres::bin_dir() {
        Some(_) => Ok(()),
        None => {
            Err("apt-get finished but no /usr/lib/postgresql/<version>/bin/initdb was found".into())
        }
    }
}

/// `apt-get install`, patient with what a freshly booted machine throws at it: the package lock held by a
/// boot-time job (waited for, up to ten minutes), a mirror that drops a download (retried), or an index
/// that failed to refresh (the install is still tried: the lists already on disk may be enough).
/// `--reinstall` also mends a package that dpkg counts as installed but whose files are gone.
fn apt_install(sudo: bool, packages: &[&str]) -> Result<(), String> {
    const ATTEMPTS: u32 = 3;
    let apt = |args: &[&str]| {
        let mut command = if sudo {
            let mut sudo = cmd("sudo");
            sudo.args(["-n", "--preserve-env=DEBIAN_FRONTEND", "apt-get"]);
            sudo
        } else {
            cmd("apt-get")
        };
        command
            .args(["-o", "DPkg::Lock::Timeout=600", "-o", "Acquire::Retries=3"])
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    let mut last_error = String::new();
    for attempt in 1..=ATTEMPTS {
        if let Err(message) = run(&mut apt(&["update", "-qq"])) {
            println!(
                "setup: the package index did not refresh ({message}); installing from the lists on disk"
            );
        }
        match run(apt(&["install", "--reinstall", "-y", "-qq"]).args(packages)) {
            Ok(()) => return Ok(()),
            Err(message) => last_error = message,
        }
        if attempt < ATTEMPTS {
            let wait = std::time::Duration::from_secs(15 * u64::from(attempt));
            println!(
                "setup: attempt {attempt} of {ATTEMPTS} failed; trying again in {}s",
                wait.as_secs()
            );
            std::thread::sleep(wait);
        }
    }
    Err(format!(
        "could not install {} from Debian after {ATTEMPTS} attempts: {last_error}",
        packages.join(" ")
    ))
}
