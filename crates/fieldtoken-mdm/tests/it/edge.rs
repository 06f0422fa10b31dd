//! The server's edge (issue 18): slow clients are dropped, every answer carries the security headers, and the
//! files holding secrets are the server user's alone.

use std::time::Duration;

use base64::Engine;
use reqwest::StatusCode;
use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{
    INLINE_SCRIPT, TestServer, fresh_database, key_args, listening_url, skipped_on_postgres,
};

/// Short timeouts, so the tests wait little; they assert only that the server lets go, never how fast.
fn short(headers_ms: u64, body_ms: u64) -> fieldtoken_mdm::Timeouts {
    fieldtoken_mdm::Timeouts {
        headers: Duration::from_millis(headers_ms),
        body: Duration::from_millis(body_ms),
    }
}

/// Sends `bytes` on a new connection, then reads until the server closes it. A guard far above the server's
/// timeouts keeps a failing test from hanging: reaching it means the server held the connection.
async fn send_and_read_until_closed(server: &TestServer, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(server.url.trim_start_matches("http://"))
        .await
        .unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        let mut chunk = [0u8; 4096];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    // Issue 18: "a request whose headers never finish: held open 40 s and more (no header timeout)".
    let server = TestServer::start_with_timeouts(short(300, 60_000)).await;
    let answer =
        send_and_read_until_closed(&server, b"GET /api/v1/health HTTP/1.1\r\nHost: loc").await;
    assert!(!answer.contains("200 OK"), "{answer}");
    // A client that sends nothing at all is let go the same way.
    send_and_read_until_closed(&server, b"").await;
    // Whole requests are still answered.
    let response = reqwest::get(format!("{}/api/v1/health", server.url))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    server.stop().await;
}

/// Issue 18: "a request whose headers never finish: held open 40 s and more". The binary as shipped, with its
/// default flags, lets such a client go well before that: the read below gives up at 30 s, so reaching it means
/// the server held the connection. (The test above shows the mechanism; this one that `serve` turns it on.)
#[test]
fn the_binary_lets_go_of_a_client_that_never_finishes_its_headers() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(&dir.path().join("mdm.db"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldtoken-mdm"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db", &db, "--web"])
        .arg(dir.path().join("no-pwa-here"))
        .args(key_args(&db, dir.path()))
        .env_remove("FIELDTOKEN_HEADER_TIMEOUT")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = listening_url(&mut child);
    let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: loc")
        .unwrap();
    let mut answer = Vec::new();
    let closed = loop {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) => break true,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => break true,
            Err(_) => break false,
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(closed, "the server held a half-sent request open for 30 s");
    assert!(
        !String::from_utf8_lossy(&answer).contains("200 OK"),
        "a request whose headers never finished was answered"
    );
}

#[tokio::test]
async fn a_body_that_never_ends_is_cut() {
    let server = TestServer::start_with_timeouts(short(60_000, 300)).await;
    let admin = server.seed("Acme").await;
    // The headers promise 1000 bytes; the body stops after one.
    let request = format!(
        "POST /api/v1/api-tokens HTTP/1.1\r\nHost: loc\r\nAuthorization: Bearer {admin}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    );
    let answer = send_and_read_until_closed(&server, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("bad_request"), "{answer}");
    server.stop().await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    // Issue 18: "response headers: no Content-Security-Policy, X-Frame-Options / frame-ancestors,
    // Referrer-Policy".
    let server = TestServer::start().await;
    let inline_hash = format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(INLINE_SCRIPT))
    );
    for path in [
        "/api/v1/health",
        "/api/v1/me",
        "/api/v1/no-such-thing",
        "/api/openapi.json",
        "/",
        "/t/SOMETOKEN",
        "/admin/devices",
        "/sw.js",
        "/no-such-file.js",
    ] {
        let response = reqwest::get(format!("{}{path}", server.url)).await.unwrap();
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .unwrap_or_else(|| panic!("{path}: no {name}"))
                .to_str()
                .unwrap()
                .to_owned()
        };
        let policy = header("content-security-policy");
        for part in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            &inline_hash,
        ] {
            assert!(policy.contains(part), "{path}: {part} not in {policy}");
        }
        for never in ["'unsafe-eval'", "'unsafe-inline'", "*"] {
            assert!(!policy.contains(never), "{path}: {never} in {policy}");
        }
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    }
    server.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_its_wal_and_the_master_key_are_the_servers_alone() {
    use std::os::unix::fs::PermissionsExt;
    if skipped_on_postgres(
        "the_database_its_wal_and_the_master_key_are_the_servers_alone",
        "PostgreSQL keeps its files in its own cluster directory, private to its own user",
    ) {
        return;
    }
    // Issue 18: "the SQLite file and its WAL are created 0644".
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let server = TestServer::start().await;
    server.seed("Acme").await;
    let data = server.db_path.parent().unwrap().to_owned();
    for file in [
        "fieldtoken.db",
        "fieldtoken.db-wal",
        "fieldtoken.db-shm",
        "master.key",
    ] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    server.stop().await;

    // A database made before this rule is made private when it is opened.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    std::fs::write(&file, b"").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = fieldtoken_mdm::Store::open(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&dir.path().join("old.db-wal")), 0o600);
    store.close().await;
}
