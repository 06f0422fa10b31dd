//! The server as a whole: health, the PWA's files and their caching, errors under `/api`, the binary's CLI.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use reqwest::StatusCode;
use reqwest::header::CACHE_CONTROL;
use serde_json::Value;

use crate::support::{TestServer, fresh_database, key_args, listening_url, postgres_admin};

#[tokio::test]
async fn health_answers_with_the_core_version_and_a_working_database() {
    let server = TestServer::start().await;
    let response = reqwest::get(format!("{}/api/v1/health", server.url))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["version"], fieldtoken_core::VERSION);
    server.stop().await;
}

#[tokio::test]
async fn every_answer_carries_a_request_id_echoing_the_clients() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    // The client's id comes back as it was sent, so a support ticket names the server's log line.
    let response = client
        .get(format!("{}/api/v1/health", server.url))
        .header("x-request-id", "ticket-4711")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "ticket-4711");
    // Without one, the server gives each request its own, refusals and the PWA's files included.
    let mut seen = std::collections::HashSet::new();
    for path in ["/api/v1/me", "/api/v1/me", "/api/v1/no-such-thing", "/"] {
        let response = client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!id.is_empty(), "{path}");
        assert!(seen.insert(id), "{path}: a request id is used once");
    }
    server.stop().await;
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_error_not_the_app_shell() {
    let server = TestServer::start().await;
    let response = reqwest::get(format!("{}/api/v1/no-such-thing", server.url))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/api/v1/no-such-thing")
    );
    server.stop().await;
}

#[tokio::test]
async fn serves_the_pwa_with_caching_that_lets_releases_through() {
    let server = TestServer::start().await;
    let get = |path: &str| reqwest::get(format!("{}{path}", server.url));

    // Hashed build files never change under their name.
    let script = get("/fieldtoken-pwa-0123456789abcdef.js").await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(
        script.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );

    // The shell and the worker are revalidated, or phones would never see a new release.
    for path in ["/", "/index.html", "/sw.js"] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache", "{path}");
    }

    // Client-side routes are the shell of their app; a missing file is a 404, not the shell in disguise.
    for (path, title) in [
        ("/sign-in", "<title>fieldtoken</title>"),
        ("/T/ABC", "<title>fieldtoken</title>"),
        ("/admin", "<title>fieldtoken admin</title>"),
        ("/admin/devices", "<title>fieldtoken admin</title>"),
    ] {
        let route = get(path).await.unwrap();
        assert_eq!(route.status(), StatusCode::OK, "{path}");
        assert!(route.text().await.unwrap().contains(title), "{path}");
    }
    assert_eq!(
        get("/missing-file.js").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

/// The real binary: `serve` on port 0 prints where it listens, answers, and stops cleanly on SIGTERM.
#[test]
fn the_binary_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(&dir.path().join("nested/folder/mdm.db"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldtoken-mdm"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db", &db, "--web"])
        .arg(dir.path().join("no-pwa-here"))
        .args(key_args(&db, dir.path()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = listening_url(&mut child);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        reqwest::get(format!("{url}/api/v1/health"))
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, StatusCode::OK);
    if postgres_admin().is_none() {
        assert!(
            dir.path().join("nested/folder/mdm.db").exists(),
            "the database folder is created"
        );
    }

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "a stop request is a clean exit, got {exit}");
}

/// `serve --demo` on an empty database: the listening line first and unchanged, then the demo credentials, which
/// work; a second start on the same database seeds nothing.
#[test]
fn serve_demo_seeds_once_and_prints_credentials_after_the_listening_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(&dir.path().join("mdm.db"));
    let start = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fieldtoken-mdm"))
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--db",
                &db,
                "--web",
            ])
            .arg(dir.path().join("no-pwa-here"))
            .args(key_args(&db, dir.path()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        (child, stdout, first)
    };
    let (mut child, mut stdout, first) = start();
    assert!(
        first.starts_with("fieldtoken MDM listening on http://127.0.0.1:"),
        "{first}"
    );
    let url = first
        .trim()
        .strip_prefix("fieldtoken MDM listening on ")
        .unwrap()
        .to_owned();
    let mut token = None;
    for _ in 0..8 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        if let Some(t) = line.trim().strip_prefix("Admin token: ") {
            token = Some(t.to_owned());
            break;
        }
    }
    let token = token.expect("the demo admin token is printed");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let me: Value = runtime.block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(me["org"]["name"], "Demo");
    assert!(
        dir.path().join("master.key").exists(),
        "the master key lies beside the database"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());

    // Second start: same database, nothing new printed after the listening line.
    let (mut child, _stdout, first) = start();
    assert!(first.starts_with("fieldtoken MDM listening on "));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// A process manager may ask the server to stop the instant it announces itself: the stop handlers are in
/// place before the announcement, so even then the exit is clean (this once raced and died of the signal).
#[test]
fn a_stop_request_right_after_the_announcement_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(&dir.path().join("mdm.db"));
    for _ in 0..10 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fieldtoken-mdm"))
            .args(["serve", "--listen", "127.0.0.1:0", "--db", &db, "--web"])
            .arg(dir.path().join("no-pwa-here"))
            .args(key_args(&db, dir.path()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.starts_with("fieldtoken MDM listening on "), "{line}");
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let exit = child.wait().unwrap();
        assert!(exit.success(), "a stop request is a clean exit, got {exit}");
    }
}

/// At the default log filter every answer is logged at `info` with its method, route (the pattern, not the ids in
/// the path), status, latency and request id, and a refused credential is logged without its secret.
#[test]
fn requests_are_logged_by_default_and_secrets_never_are() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(&dir.path().join("mdm.db"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldtoken-mdm"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db", &db, "--web"])
        .arg(dir.path().join("no-pwa-here"))
        .args(key_args(&db, dir.path()))
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = listening_url(&mut child);
    let secret = format!("ftk_{}", "ab".repeat(32));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/api/v1/devices/7"))
            .bearer_auth(&secret)
            .header("x-request-id", "ticket-4712")
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut log).unwrap();
    let log = without_colours(&log);
    let answered = log
        .lines()
        .find(|line| line.contains("ticket-4712") && line.contains("status=401"))
        .unwrap_or_else(|| panic!("no request line in {log}"));
    assert!(answered.contains(" INFO "), "{answered}");
    assert!(answered.contains("method=GET"), "{answered}");
    assert!(
        answered.contains(r#"route="/api/v1/devices/{id}""#),
        "{answered}"
    );
    assert!(answered.contains("latency="), "{answered}");
    assert!(
        log.lines()
            .any(|line| line.contains("ticket-4712") && line.contains("refused")),
        "{log}"
    );
    assert!(!log.contains(&secret), "a secret reached the log: {log}");
}

/// The log as text, without the terminal's colour codes.
fn without_colours(log: &str) -> String {
    let mut text = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // An escape sequence ends with its first letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            text.push(c);
        }
    }
    text
}
