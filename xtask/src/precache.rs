//! `cargo xtask precache [DIR]`: writes the list of a built PWA's files, and a version derived from their
//! contents, into its service worker. Trunk runs it as a post-build hook on the staging directory.
//!
//! The service worker precaches exactly this list under a cache named after the version, so a new build is
//! a new cache, and an unchanged build is not downloaded again.

use std::fs;
use std::path::{Path, PathBuf};

use crate::root;

const SERVICE_WORKER: &str = "sw.js";
const VERSION_MARKER: &str = "const VERSION = \"dev\";";
const LIST_MARKER: &str = "const PRECACHE = [];";

/// Fills in the service worker in `dir` (default: Trunk's staging directory, else `dist/`).
pub fn run(dir: Option<PathBuf>) -> Result<(), String> {
    let dir = dir
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from))
        .unwrap_or_else(|| root().join("dist"));
    let mut files = Vec::new();
    collect(&dir, &dir, &mut files)?;
    files.sort();
    files.retain(|(path, _)| path != SERVICE_WORKER);

    let mut hash = Fnv64::new();
    for (path, bytes) in &files {
        hash.write(path.as_bytes());
        hash.write(&[0]);
        hash.write(bytes);
    }
    let version = format!("{:016x}", hash.finish());
    let list: Vec<String> = files
        .iter()
        .map(|(path, _)| format!("\"/{path}\""))
        .collect();

    let sw_path = dir.join(SERVICE_WORKER);
    let sw =
        fs::read_to_string(&sw_path).map_err(|e| format!("reading {}: {e}", sw_path.display()))?;
    if !sw.contains(VERSION_MARKER) || !sw.contains(LIST_MARKER) {
        return Err(format!(
            "{} lacks the lines `{VERSION_MARKER}` and `{LIST_MARKER}` to fill in",
            sw_path.display()
        ));
    }
    let sw = sw
        .replace(VERSION_MARKER, &format!("const VERSION = \"{version}\";"))
        .replace(
            LIST_MARKER,
            &format!("const PRECACHE = [{}];", list.join(", ")),
        );
    fs::write(&sw_path, sw).map_err(|e| format!("writing {}: {e}", sw_path.display()))?;
    println!("precache: {} files, version {version}", files.len());
    Ok(())
}

/// Every file under `dir` as (path relative to `base` with `/` separators, contents).
fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("listing {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("listing {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect(base, &path, files)?;
        } else {
            let relative = path.strip_prefix(base).expect("walked from base");
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            files.push((name, bytes));
        }
    }
    Ok(())
}

/// FNV-1a: a cache name only has to change when the contents do, so no cryptographic hash is needed.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_in_the_list_and_a_version_that_follows_the_contents() {
        let dir = std::env::temp_dir().join(format!("fieldtoken-precache-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("icons")).unwrap();
        let template = format!("{VERSION_MARKER}\n{LIST_MARKER}\n");
        fs::write(dir.join("index.html"), "<html>").unwrap();
        fs::write(dir.join("icons/icon.svg"), "<svg/>").unwrap();

        fs::write(dir.join(SERVICE_WORKER), &template).unwrap();
        run(Some(dir.clone())).unwrap();
        let first = fs::read_to_string(dir.join(SERVICE_WORKER)).unwrap();
        assert!(
            first.contains("const PRECACHE = [\"/icons/icon.svg\", \"/index.html\"];"),
            "{first}"
        );

        fs::write(dir.join("index.html"), "<html lang=en>").unwrap();
        fs::write(dir.join(SERVICE_WORKER), &template).unwrap();
        run(Some(dir.clone())).unwrap();
        let second = fs::read_to_string(dir.join(SERVICE_WORKER)).unwrap();
        assert_ne!(
            first, second,
            "a changed file must change the cache version"
        );

        fs::write(dir.join(SERVICE_WORKER), "no markers").unwrap();
        assert!(run(Some(dir.clone())).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
