//! Building what users get: the npm package (`pkg/`), the PWA (`dist/`) and the MDM server, and
//! `cargo xtask run`, which starts the server over them.

use std::path::PathBuf;

use crate::setup::{self, Needs};
use crate::shell::{cargo_bin, cmd, run};
use crate::{root, step};

/// Where the MDM listens unless told otherwise (DESIGN: "starts the MDM on http://127.0.0.1:8080").
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Every wasm feature rustc 1.95 emits by default for `wasm32-unknown-unknown`: wasm-opt must accept them
/// all, and must not introduce any other.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-multivalue",
    "--enable-reference-types",
];

/// The cargo target directory, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_relative() {
                root().join(dir)
            } else {
                dir
            }
        })
        .unwrap_or_else(|| root().join("target"))
}

/// `cargo xtask pkg`: the `fieldtoken` npm package, built with the size profile and shrunk by wasm-opt.
pub fn pkg() -> Result<(), String> {
    step("pkg: building the fieldtoken npm package into pkg/");
    run(cmd("cargo").args([
        "build",
        "--package",
        "fieldtoken-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let wasm = target_dir().join("wasm32-unknown-unknown/wasm-release/fieldtoken_wasm.wasm");
    run(cmd(cargo_bin().join("wasm-bindgen")).arg(&wasm).args([
        "--target",
        "web",
        "--out-dir",
        "pkg",
        "--out-name",
        "fieldtoken",
    ]))?;
    let bg = root().join("pkg/fieldtoken_bg.wasm");
    run(cmd("wasm-opt")
        .arg("-Oz")
        .args(WASM_FEATURES)
        .args(["--strip-debug", "--strip-producers", "-o"])
        .arg(&bg)
        .arg(&bg))?;
    match gzipped_size(&bg) {
        Some(size) => println!(
            "pkg: fieldtoken_bg.wasm is {} KB gzipped (budget 200 KB)",
            size / 1024
        ),
        None => println!("pkg: built (gzip not found, size not measured)"),
    }
    Ok(())
}

/// `gzip -9` size of a file, as the budgets count it.
pub fn gzipped_size(path: &std::path::Path) -> Option<usize> {
    let out = cmd("gzip").arg("-9").arg("-c").arg(path).output().ok()?;
    out.status.success().then_some(out.stdout.len())
}

/// The PWA into `dist/`, in release mode, by Trunk: the operator's app (whose post-build hook writes the
/// precache list), then the admin's app into `dist/admin/` (after, because each Trunk build empties its
/// own output directory).
pub fn pwa() -> Result<(), String> {
    step("pwa: building the operator's PWA into dist/ (release)");
    run(cmd(cargo_bin().join("trunk")).args(["build", "--release"]))?;
    step("pwa: building the admin's app into dist/admin/ (release)");
    run(cmd(cargo_bin().join("trunk")).args(["--config", "Trunk.admin.toml", "build", "--release"]))
}

/// The MDM server binary, in release mode.
pub fn server() -> Result<PathBuf, String> {
    step("mdm: building the MDM server (release)");
    run(cmd("cargo").args(["build", "--release", "--package", "fieldtoken-mdm"]))?;
    Ok(target_dir().join("release/fieldtoken-mdm"))
}

/// `cargo xtask run [--listen ADDR]`: builds everything in release mode and becomes the MDM server.
pub fn run_server(args: &[String]) -> Result<(), String> {
    let listen = match args {
        [] => DEFAULT_LISTEN.to_owned(),
        [flag, addr] if flag == "--listen" => addr.clone(),
        [flag] if flag.starts_with("--listen=") => flag["--listen=".len()..].to_owned(),
        _ => return Err("usage: cargo xtask run [--listen ADDR]".into()),
    };
    setup::install(Needs::build())?;
    pkg()?;
    pwa()?;
    let server = server()?;
    std::fs::create_dir_all(root().join("data")).map_err(|e| format!("creating ./data: {e}"))?;
    step(&format!(
        "mdm: starting on http://{listen} (Ctrl-C stops it)"
    ));
    let mut command = cmd(server);
    // --demo seeds the "Demo" organisation on first start and prints its credentials after the URL.
    command.args([
        "serve",
        "--listen",
        &listen,
        "--db",
        "sqlite://data/fieldtoken.db",
        "--web",
        "dist",
        "--demo",
    ]);
    exec(command)
}

/// Replaces this process with `command`, so Ctrl-C reaches the server alone and it shuts down cleanly.
#[cfg(unix)]
fn exec(mut command: std::process::Command) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    Err(format!("could not start the MDM: {}", command.exec()))
}

#[cfg(not(unix))]
fn exec(mut command: std::process::Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("could not start the MDM: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the MDM stopped: {status}"))
    }
}
