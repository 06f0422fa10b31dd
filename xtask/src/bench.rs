//! `cargo xtask bench`: the QR decoding benchmark of DESIGN's budgets. Builds `pkg/`, decodes the sample photos
//! (`../shared/qr-samples`) to RGBA once in Rust (so the three decoders read identical pixels and Node needs no
//! image library), then runs `bench/qr.mjs`, which times fieldtoken's `scanRgba`, jsQR and zxing-wasm in one Node
//! process and writes the table into `docs/BENCHMARKS.md`; then `bench/sync.mjs` syncs 10,000 queued redemptions to
//! the release MDM on loopback and writes the sync table beside it.

use crate::build::{self, gzipped_size, target_dir};
use crate::setup::{self, Needs};
use crate::shell::{cmd, output, run as run_command};
use crate::{root, step};

/// Runs the benchmark and rewrites its section of `docs/BENCHMARKS.md`.
pub fn run() -> Result<(), String> {
    setup::install(Needs::build())?;
    build::pkg()?;

    let samples = root().join("../shared/qr-samples");
    if !samples.is_dir() {
        return Err(format!(
            "the sample photos are missing: expected {}",
            samples.display()
        ));
    }
    let frames = target_dir().join("bench-frames");
    step("bench: decoding the sample photos to RGBA (png and jpeg-decoder crates)");
    // A debug build: the decoding runs once, and an optimised build of the core would cost minutes.
    run_command(
        cmd("cargo")
            .args([
                "run",
                "--quiet",
                "--package",
                "fieldtoken-wasm",
                "--example",
                "sample_frames",
                "--",
            ])
            .arg(&samples)
            .arg(&frames),
    )?;

    let pkg_wasm = gzipped_size(&root().join("pkg/fieldtoken_bg.wasm"))
        .ok_or("gzip is needed to measure pkg/'s wasm")?;
    let zxing_wasm = gzipped_size(
        &root().join("node_modules/zxing-wasm/dist/reader/zxing_reader.wasm"),
    )
    .ok_or("zxing-wasm's reader is missing from node_modules (cargo xtask setup installs it)")?;
    let rustc = output(cmd("rustc").arg("--version")).unwrap_or_else(|| "rustc".into());

    step("bench: decoding with fieldtoken, zxing-wasm and jsQR (node bench/qr.mjs)");
    run_command(
        cmd("node")
            .arg("bench/qr.mjs")
            .arg(&frames)
            .arg(pkg_wasm.to_string())
            .arg(zxing_wasm.to_string())
            .arg(rustc),
    )?;

    let server = build::server()?;
    step("bench: 10,000 queued redemptions synced to a local MDM (node bench/sync.mjs)");
    run_command(cmd("node").arg("bench/sync.mjs").arg(&server))?;
    println!("\nbench: docs/BENCHMARKS.md updated");
    Ok(())
}
