//! `cargo xtask bench`: the QR decoding benchmark of DESIGN's budgets. Builds `pkg/`, decodes the sample photos
//! (`../shared/qr-samples`) to RGBA once in Rust (so the three decoders read identical pixels and Node needs no
//! image library), then runs `bench/qr.mjs`, which times fieldtoken's `scanRgba`, jsQR and zxing-wasm in one Node
//! process and writes the table into `docs/BENCHMARKS.md`; then `bench/sync.mjs` syncs 10,000 queued redemptions to
//! the release MDM on loopback and writes the sync table beside it, and `bench/burst.mjs` has 10 to 500 clients sync
//! at once while health is timed; last, `bench/browser.mjs` times the installed
//! PWA's offline start to its first decoded camera frame, and in-page decoding beside jsQR, in Debian's Chromium;
//! and `bench/history.mjs` times the redemption history's first pages at 1,000,000 rows (`cargo xtask bench
//! history` runs that part alone); `bench/replicas.mjs` syncs 100,000 redemptions from 8 clients to one MDM on
//! SQLite and to 1 and 3 replicas on a throw-away PostgreSQL cluster (`cargo xtask bench replicas` alone);
//! `bench/bundle.mjs` measures the offline bundle and its refresh at 1,000 to 100,000 devices and tokens (`cargo
//! xtask bench bundle` alone).

use crate::build::{self, gzipped_size, target_dir};
use crate::postgres::{Cluster, Purpose};
use crate::setup::{self, Needs};
use crate::shell::{cmd, output, run as run_command};
use crate::{root, step};

/// Runs the benchmark (or, with `history`, `import`, `pwa`, `replicas` or `bundle`, only that part) and rewrites its sections of `docs/BENCHMARKS.md`.
pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => {}
        [part] if part == "history" => {
            setup::install(Needs::build())?;
            return history(&build::server()?);
        }
        [part] if part == "import" => return import(),
        [part] if part == "bundle" => {
            setup::install(Needs::build())?;
            build::pkg()?;
            bundle(&build::server()?)?;
            println!("\nbench: docs/BENCHMARKS.md updated");
            return Ok(());
        }
        [part] if part == "pwa" => {
            setup::install(Needs::build())?;
            return pwa_first_load();
        }
        [part] if part == "replicas" => {
            postgres_installed()?;
            return replicas(&build::server()?);
        }
        _ => {
            return Err(
                "usage: cargo xtask bench [history | import | pwa | replicas | bundle]".into(),
            );
        }
    }
    postgres_installed()?;
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

    pwa_first_load()?;

    let server = build::server()?;
    step("bench: 10,000 queued redemptions synced to a local MDM (node bench/sync.mjs)");
    run_command(cmd("node").arg("bench/sync.mjs").arg(&server))?;
    step("bench: a shift-end burst, 10 to 500 clients syncing at once (node bench/burst.mjs)");
    run_command(cmd("node").arg("bench/burst.mjs").arg(&server))?;
    step("bench: token search at 100,000 tokens (node bench/search.mjs)");
    run_command(cmd("node").arg("bench/search.mjs").arg(&server))?;
    bundle(&server)?;
    import_with(&server)?;
    browser(&server)?;
    history(&server)?;
    replicas(&server)?;
    println!("\nbench: docs/BENCHMARKS.md updated");
    Ok(())
}

/// What building needs, and PostgreSQL for [`replicas`] (an error, not a skip: the table would go stale).
fn postgres_installed() -> Result<(), String> {
    match setup::install(Needs::build_and_postgres())?.postgres {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

/// Issue 13: a shift end of 100,000 redemptions from 8 clients, to one release MDM on SQLite, then to 1 and to 3
/// replicas on one PostgreSQL database (a throw-away cluster with PostgreSQL's durable defaults, so the numbers are
/// a deployment's, not a test cluster's).
fn replicas(server: &std::path::Path) -> Result<(), String> {
    step("bench: a throw-away PostgreSQL cluster for the replicas");
    let cluster = Cluster::start(Purpose::Bench)?;
    cluster.create_database("bench_one")?;
    cluster.create_database("bench_three")?;
    let report = target_dir().join("bench-replicas.md");
    step(
        "bench: 100,000 redemptions from 8 clients, 1 MDM on SQLite, 1 and 3 on PostgreSQL (node bench/replicas.mjs)",
    );
    run_command(
        cmd("node")
            .arg("bench/replicas.mjs")
            .arg(server)
            .arg(&report)
            // In the environment: the URLs hold the cluster's password, and commands are echoed.
            .env("FIELDTOKEN_BENCH_POSTGRES_1", cluster.url("bench_one"))
            .env("FIELDTOKEN_BENCH_POSTGRES_3", cluster.url("bench_three")),
    )?;
    drop(cluster);
    let body = std::fs::read_to_string(&report)
        .map_err(|e| format!("reading {}: {e}", report.display()))?;
    replace_section("bench-replicas", "Replicas on PostgreSQL", body.trim_end())
}

/// Issue 19: the redemption history's first pages at 1,000,000 rows, each filter the admin pages use, over HTTP
/// against the release `server` (the history is filled in bulk by the `history_fill` example).
fn history(server: &std::path::Path) -> Result<(), String> {
    step("bench: building the history filler (release example history_fill)");
    run_command(cmd("cargo").args([
        "build",
        "--release",
        "--package",
        "fieldtoken-mdm",
        "--example",
        "history_fill",
    ]))?;
    let fill = target_dir().join("release/examples/history_fill");
    let report = target_dir().join("bench-history.md");
    step("bench: the redemption history at 1,000,000 rows (node bench/history.mjs)");
    run_command(
        cmd("node")
            .arg("bench/history.mjs")
            .arg(server)
            .arg(&fill)
            .arg(&report),
    )?;
    let body = std::fs::read_to_string(&report)
        .map_err(|e| format!("reading {}: {e}", report.display()))?;
    replace_section("bench-history", "Redemption history", body.trim_end())
}

/// Issue 14's scale section: the offline bundle (JSON and compact, raw, gzip and brotli) and the refresh after one
/// change at 1,000, 10,000 and 100,000 devices and tokens, the package's `Verifier` built from each in Node, and 50
/// phones fetching the full bundle at once (`cargo xtask bench bundle` runs it alone; it needs `pkg/`).
fn bundle(server: &std::path::Path) -> Result<(), String> {
    step(
        "bench: the offline bundle at 1,000 to 100,000 devices and tokens (node bench/bundle.mjs)",
    );
    run_command(cmd("node").arg("bench/bundle.mjs").arg(server))
}

/// `cargo xtask bench import`: the device import benchmark alone (issue 19), on the release MDM.
pub fn import() -> Result<(), String> {
    setup::install(Needs::build())?;
    let server = build::server()?;
    import_with(&server)?;
    println!("\nbench: docs/BENCHMARKS.md updated");
    Ok(())
}

/// Imports 10,000 then 100,000 devices from CSV files through the real HTTP API (preview, then apply) into a fresh
/// SQLite file, and times a page of the list at that size; `bench/import.mjs` writes its table.
fn import_with(server: &std::path::Path) -> Result<(), String> {
    step("bench: importing 10,000 and 100,000 devices from CSV (node bench/import.mjs)");
    run_command(cmd("node").arg("bench/import.mjs").arg(server))
}

/// Issue #7's budget: the installed app, offline, from navigation to the camera's first decoded token in
/// under 1 s, and frames decoded per second in the browser beside jsQR. Runs on the release PWA (`dist/`, built
/// by [`pwa_first_load`]) served by the release MDM; the script writes its report to a file, which goes into
/// `docs/BENCHMARKS.md` here.
fn browser(server: &std::path::Path) -> Result<(), String> {
    setup::browser()?;
    let report = target_dir().join("bench-browser.md");
    step(
        "bench: offline start to decoded frames, and decoding in the page (node bench/browser.mjs)",
    );
    run_command(
        cmd("node")
            .arg("bench/browser.mjs")
            .arg(server)
            .arg(&report),
    )?;
    let body = std::fs::read_to_string(&report)
        .map_err(|e| format!("reading {}: {e}", report.display()))?;
    replace_section("bench-browser", "In the browser", body.trim_end())
}

/// DESIGN's budget for the PWA's first load (everything gzipped, at most 400 KB): the files a browser fetches
/// to show the first screen (the shell, its script, wasm and style, the manifest and the service worker).
/// The scanner under `scan/` loads when the camera opens, and the icons when the app is installed; both are
/// reported beside it, as is the admin's app under `admin/`, which only admins load.
fn pwa_first_load() -> Result<(), String> {
    build::pwa()?;
    let dist = root().join("dist");
    let mut first = Vec::new();
    let mut later = 0usize;
    let mut admin = 0usize;
    collect(&dist, &dist, &mut first, &mut later, &mut admin)?;
    first.sort();
    let total: usize = first.iter().map(|(_, size)| size).sum();
    let mut lines = vec![
        format!(
            "Measured by `cargo xtask bench` on the release build (`dist/`), each file `gzip -9`: **{} KiB** for the first load \
             (budget 400 KB: **{}**); the scanner and icons, fetched later, add {} KiB. The admin's app \
             (`dist/admin/`, a separate build loaded only by admins) is {} KiB.",
            total / 1024,
            if total <= 400 * 1024 { "met" } else { "missed" },
            later / 1024,
            admin / 1024
        ),
        String::new(),
        "| file | gzipped |".into(),
        "|---|---|".into(),
    ];
    lines.extend(
        first
            .iter()
            .map(|(name, size)| format!("| {name} | {:.1} KiB |", *size as f64 / 1024.0)),
    );
    replace_section("bench-pwa", "PWA first load", &lines.join("\n"))?;
    println!("{}", lines.join("\n"));
    Ok(())
}

fn collect(
    base: &std::path::Path,
    dir: &std::path::Path,
    first: &mut Vec<(String, usize)>,
    later: &mut usize,
    admin: &mut usize,
) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("listing {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(base, &path, first, later, admin)?;
            continue;
        }
        let size = gzipped_size(&path).ok_or("gzip is needed to measure the PWA")?;
        let name = path
            .strip_prefix(base)
            .unwrap_or(&path)
            .display()
            .to_string();
        if name.starts_with("admin/") {
            *admin += size;
        } else if name.starts_with("scan/") || name.starts_with("icons/") {
            *later += size;
        } else {
            first.push((name, size));
        }
    }
    Ok(())
}

/// Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in docs/BENCHMARKS.md, adding the
/// section (under `title`) at the end the first time.
fn replace_section(name: &str, title: &str, body: &str) -> Result<(), String> {
    let path = root().join("docs/BENCHMARKS.md");
    let mut doc =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let start =
        format!("<!-- {name}:start (written by cargo xtask bench; edits inside are replaced) -->");
    let end = format!("<!-- {name}:end -->");
    if !doc.contains(&start) {
        doc.push_str(&format!("\n## {title}\n\n{start}\n{end}\n"));
    }
    let from = doc.find(&start).expect("just added") + start.len();
    let to = doc[from..]
        .find(&end)
        .map(|i| from + i)
        .ok_or("docs/BENCHMARKS.md lost a bench end marker")?;
    doc.replace_range(from..to, &format!("\n{body}\n"));
    std::fs::write(&path, doc).map_err(|e| format!("writing {}: {e}", path.display()))
}
