//! Issue 13: several MDM replicas (the real binary, as deployed behind a load balancer) on one PostgreSQL database.
//! The same sync batch reaching all of them at once is applied exactly once, and a replica killed while it writes
//! a batch leaves all of that batch or none of it.
//!
//! These run only when the suite runs on PostgreSQL ([`POSTGRES`], which `cargo xtask test` sets): a SQLite file
//! belongs to one server process.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{POSTGRES, fresh_database, key_args, listening_url, postgres_admin};

/// Where every replica says phones reach it: one address, as behind a load balancer (signed QR texts name it).
const PUBLIC_URL: &str = "https://mdm.example.com";

/// One `fieldtoken-mdm serve` process; killed when dropped, so a failing test leaves no server behind.
struct Replica {
    child: Child,
    url: String,
}

impl Replica {
    fn start(db: &str, dir: &Path) -> Replica {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fieldtoken-mdm"))
            .args(["serve", "--listen", "127.0.0.1:0", "--db", db, "--web"])
            .arg(dir.join("no-pwa"))
            .args(key_args(db, dir))
            .args(["--public-url", PUBLIC_URL])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the MDM binary starts");
        let url = listening_url(&mut child);
        Replica { child, url }
    }

    /// SIGKILL: no clean stop, no chance to finish what it was doing.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Three replicas on one fresh database holding the organisation "Acme" (seeded by the binary's `seed-demo`).
struct Deployment {
    /// First, so that the servers are killed before their folder (the master key) is removed.
    replicas: Vec<Replica>,
    dir: tempfile::TempDir,
    db: String,
    admin: String,
}

impl Deployment {
    fn start() -> Deployment {
        let dir = tempfile::tempdir().unwrap();
        let db = fresh_database(&dir.path().join("mdm.db"));
        let seeded = Command::new(env!("CARGO_BIN_EXE_fieldtoken-mdm"))
            .args(["seed-demo", "--org", "Acme", "--db", &db])
            .args(key_args(&db, dir.path()))
            .output()
            .unwrap();
        assert!(
            seeded.status.success(),
            "{}",
            String::from_utf8_lossy(&seeded.stderr)
        );
        let credentials: Value = serde_json::from_slice(&seeded.stdout).unwrap();
        let admin = credentials["admin_token"].as_str().unwrap().to_owned();
        let replicas = (0..3).map(|_| Replica::start(&db, dir.path())).collect();
        Deployment {
            replicas,
            dir,
            db,
            admin,
        }
    }
}

/// Whether the suite runs on PostgreSQL; if not, says why the test does nothing.
fn on_postgres(test: &str) -> bool {
    let on = postgres_admin().is_some();
    if !on {
        println!(
            "skipped: {test}: replicas share a PostgreSQL database; set {POSTGRES} (cargo xtask test does)"
        );
    }
    on
}

/// One API call to `base` as `bearer`: status and JSON. A minute at most: a replica stuck behind a lock that a
/// dead one never released would otherwise hang the suite.
async fn api(
    base: &str,
    method: Method,
    path: &str,
    bearer: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .bearer_auth(bearer)
        .timeout(Duration::from_secs(60));
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("the replica answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every item of a paged list (`items`, `next`), following the cursor.
async fn all_pages(base: &str, bearer: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_path = match &cursor {
            Some(next) => format!("{path}&cursor={next}"),
            None => path.to_owned(),
        };
        let (status, page) = api(base, Method::GET, &page_path, bearer, None).await;
        assert_eq!(status, StatusCode::OK, "{page_path}: {page}");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The seeded tokens and device ids, and an API token that may only redeem (a phone's credential).
async fn fixtures(deployment: &Deployment) -> (Vec<Value>, Vec<u64>, String) {
    let base = &deployment.replicas[0].url;
    let admin = &deployment.admin;
    let (_, tokens) = api(base, Method::GET, "/api/v1/action-tokens", admin, None).await;
    let (_, devices) = api(base, Method::GET, "/api/v1/devices", admin, None).await;
    let (status, phone) = api(
        base,
        Method::POST,
        "/api/v1/api-tokens",
        admin,
        Some(&json!({ "name": "phone", "permissions": ["fms.actiontoken.redeem"] })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{phone}");
    let devices = devices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect();
    (
        tokens["items"].as_array().unwrap().clone(),
        devices,
        phone["token"].as_str().unwrap().to_owned(),
    )
}

/// `size` redemptions with ids `PREFIX-N`, signed QR texts and typed codes of `tokens` in turn, over `devices`,
/// scanned a millisecond apart from `start` (the tokens were made a moment before: a scan dated before its token
/// existed would be `clock`).
fn batch(prefix: &str, size: usize, tokens: &[Value], devices: &[u64], start: i64) -> Vec<Value> {
    let texts: Vec<&str> = tokens
        .iter()
        .flat_map(|t| {
            [
                t["qr"]["new"].as_str().unwrap(),
                t["code"].as_str().unwrap(),
            ]
        })
        .collect();
    (0..size)
        .map(|i| {
            json!({
                "id": format!("{prefix}-{i}"),
                "token": texts[i % texts.len()],
                "device_id": devices[i % devices.len()],
                "scanned_at": start + i as i64,
            })
        })
        .collect()
}

/// The statuses of a sync answer, in the order sent.
fn statuses(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("not a sync answer: {answer}"))
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn one_batch_sent_to_three_replicas_sixteen_times_at_once_is_applied_exactly_once() {
    if !on_postgres(
        "one_batch_sent_to_three_replicas_sixteen_times_at_once_is_applied_exactly_once",
    ) {
        return;
    }
    const COPIES: usize = 16;
    const SIZE: usize = 500;
    let deployment = Deployment::start();
    let (tokens, devices, phone) = fixtures(&deployment).await;
    let items = batch("shift-end", SIZE, &tokens, &devices, now_ms());
    let body = json!({ "redemptions": items });

    // Sixteen copies at once, spread over the replicas the way a load balancer would.
    let answers = futures_util::future::join_all((0..COPIES).map(|copy| {
        let base = deployment.replicas[copy % deployment.replicas.len()]
            .url
            .clone();
        let (phone, body) = (&phone, &body);
        async move { api(&base, Method::POST, "/api/v1/sync", phone, Some(body)).await }
    }))
    .await;

    let mut deciding = Vec::new();
    for (copy, (status, answer)) in answers.iter().enumerate() {
        assert_eq!(*status, StatusCode::OK, "copy {copy}: {answer}");
        let statuses = statuses(answer);
        assert_eq!(statuses.len(), SIZE);
        let fresh = statuses.iter().filter(|s| *s != "duplicate").count();
        assert!(
            fresh == 0 || fresh == SIZE,
            "copy {copy}: a batch is decided wholly by one request, got {fresh} of {SIZE} fresh"
        );
        if fresh == SIZE {
            deciding.push(statuses);
        }
    }
    assert_eq!(
        deciding.len(),
        1,
        "exactly one of the {COPIES} copies decided the batch"
    );
    let decided = deciding.pop().unwrap();
    assert!(
        decided.iter().all(|s| s == "applied" || s == "superseded"),
        "{decided:?}"
    );
    let applied: BTreeSet<String> = decided
        .iter()
        .enumerate()
        .filter(|(_, s)| *s == "applied")
        .map(|(i, _)| format!("shift-end-{i}"))
        .collect();

    // The history, read through another replica: every receipt once, each redemption decided once and a
    // duplicate fifteen times.
    let base = &deployment.replicas[1].url;
    let admin = &deployment.admin;
    let history = all_pages(base, admin, "/api/v1/redemptions?limit=200").await;
    assert_eq!(history.len(), COPIES * SIZE);
    let mut outcomes: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for entry in &history {
        *outcomes
            .entry(entry["id"].as_str().unwrap())
            .or_default()
            .entry(entry["outcome"].as_str().unwrap())
            .or_default() += 1;
    }
    assert_eq!(outcomes.len(), SIZE);
    for (i, status) in decided.iter().enumerate() {
        let id = format!("shift-end-{i}");
        let seen = &outcomes[id.as_str()];
        assert_eq!(seen.get("duplicate"), Some(&(COPIES - 1)), "{id}: {seen:?}");
        assert_eq!(seen.get(status.as_str()), Some(&1), "{id}: {seen:?}");
        assert_eq!(seen.values().sum::<usize>(), COPIES, "{id}: {seen:?}");
    }

    // The audit log: one `redemption.apply` per applied redemption, never two.
    let audit = all_pages(
        &deployment.replicas[2].url,
        admin,
        "/api/v1/audit?kind=redemption.apply&limit=200",
    )
    .await;
    let audited: Vec<String> = audit
        .iter()
        .map(|e| e["detail"]["redemption"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        audited.len(),
        applied.len(),
        "one audit entry per application"
    );
    assert_eq!(
        audited.iter().cloned().collect::<BTreeSet<_>>(),
        applied,
        "the audited redemptions are the applied ones"
    );

    // Each device ends where its newest scan put it (latest scan wins, whichever replica wrote it).
    for (d, device) in devices.iter().enumerate() {
        let newest = (0..SIZE).rev().find(|i| i % devices.len() == d).unwrap();
        let text = items[newest]["token"].as_str().unwrap();
        let token = tokens
            .iter()
            .find(|t| t["qr"]["new"] == text || t["code"] == text)
            .unwrap();
        let (_, now) = api(
            &deployment.replicas[d % 3].url,
            Method::GET,
            &format!("/api/v1/devices/{device}"),
            admin,
            None,
        )
        .await;
        let expected = match token["action"]["type"].as_str().unwrap() {
            "put_in_fleet" => "in_fleet",
            "put_in_repair" => "in_repair",
            "put_in_stock" => "in_stock",
            other => panic!("the seeded tokens do not {other}"),
        };
        assert_eq!(now["state"], expected, "device {device}: {now}");
        if expected == "in_fleet" {
            assert_eq!(now["fleet_id"], token["action"]["fleet_id"], "{now}");
        }
    }
}

/// Waits until a transaction on `db` other than this connection's has written something (PostgreSQL gave it a
/// transaction id) and not yet ended: the batch is being written.
async fn a_writing_transaction(db: &str) {
    use sqlx::Connection;
    let mut watcher = sqlx::PgConnection::connect(db).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let writing: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity
             WHERE datname = current_database() AND backend_type = 'client backend'
               AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL",
        )
        .fetch_one(&mut watcher)
        .await
        .unwrap();
        if writing > 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the batch's transaction was never seen writing"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn a_replica_killed_while_it_writes_a_batch_leaves_all_of_it_or_none() {
    if !on_postgres("a_replica_killed_while_it_writes_a_batch_leaves_all_of_it_or_none") {
        return;
    }
    const SIZE: usize = 5000;
    let mut deployment = Deployment::start();
    let (tokens, devices, phone) = fixtures(&deployment).await;
    // Each round kills another replica in the middle of its batch and starts a new one in its place.
    for round in 0..3 {
        let items = batch(&format!("round{round}"), SIZE, &tokens, &devices, now_ms());
        let body = json!({ "redemptions": items });
        let victim = deployment
            .replicas
            .remove(round % deployment.replicas.len());
        // The request's own outcome is whatever a dead server leaves (a reset connection, or an answer that made
        // it out just before): what counts is the database.
        let request = reqwest::Client::new()
            .post(format!("{}/api/v1/sync", victim.url))
            .bearer_auth(&phone)
            .json(&body)
            .timeout(Duration::from_secs(60))
            .send();
        let sent = tokio::spawn(async move {
            let _ = request.await;
        });
        a_writing_transaction(&deployment.db).await;
        victim.kill();
        let _ = sent.await;

        // The same batch again, through a replica that lives: all of it was there already, or none of it.
        let survivor = &deployment.replicas[0].url;
        let (status, answer) =
            api(survivor, Method::POST, "/api/v1/sync", &phone, Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "round {round}: {answer}");
        let statuses = statuses(&answer);
        let duplicates = statuses.iter().filter(|s| *s == "duplicate").count();
        assert!(
            duplicates == 0 || duplicates == SIZE,
            "round {round}: partial write, {duplicates} of {SIZE} were there"
        );
        println!(
            "round {round}: the killed replica's batch was there {}",
            if duplicates == 0 {
                "not at all"
            } else {
                "wholly"
            }
        );
        if duplicates == 0 {
            assert!(
                statuses.iter().all(|s| s == "applied" || s == "superseded"),
                "round {round}: {statuses:?}"
            );
        }
        // The history holds each of the batch's redemptions decided exactly once.
        let history = all_pages(
            &deployment.replicas[1].url,
            &deployment.admin,
            "/api/v1/redemptions?outcome=applied&limit=200",
        )
        .await;
        let decided = history
            .iter()
            .filter(|e| {
                e["id"]
                    .as_str()
                    .is_some_and(|id| id.starts_with(&format!("round{round}-")))
            })
            .count();
        let superseded = all_pages(
            &deployment.replicas[1].url,
            &deployment.admin,
            "/api/v1/redemptions?outcome=superseded&limit=200",
        )
        .await
        .iter()
        .filter(|e| {
            e["id"]
                .as_str()
                .is_some_and(|id| id.starts_with(&format!("round{round}-")))
        })
        .count();
        assert_eq!(decided + superseded, SIZE, "round {round}");
        deployment
            .replicas
            .push(Replica::start(&deployment.db, deployment.dir.path()));
    }
}

/// Guesses at one operator's pass code are one budget across the replicas (the database's, `store::guesses`), not
/// one per replica: 30 wrong sign-ins a minute (the default) spread over three replicas use it up, and the next
/// attempt is refused whichever replica takes it, even the right pass code. Each replica alone would still have 20
/// of its own.
#[tokio::test]
async fn guesses_at_one_identifier_share_one_budget_across_replicas() {
    if !on_postgres("guesses_at_one_identifier_share_one_budget_across_replicas") {
        return;
    }
    let deployment = Deployment::start();
    let first = &deployment.replicas[0].url;
    let definition = json!({
        "name": "Operators",
        "settings": {
            "identifier": { "source": "email" },
            "pass_code": { "generated": true, "min_length": 10, "min_digits": 2 },
            "authentication_code": { "source": "auto_id", "min_length": 16 }
        }
    });
    let (status, answer) = api(
        first,
        Method::POST,
        "/api/v1/access-token-definitions",
        &deployment.admin,
        Some(&definition),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let (status, token) = api(
        first,
        Method::POST,
        "/api/v1/access-tokens",
        &deployment.admin,
        Some(&json!({ "identifier": "ana@example.com" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let sign_in = |base: &str, pass_code: Value| {
        let request = reqwest::Client::new()
            .post(format!("{base}/api/v1/operator/session"))
            .json(&json!({ "identifier": "ana@example.com", "pass_code": pass_code }))
            .timeout(Duration::from_secs(60));
        async move { request.send().await.expect("the replica answers").status() }
    };
    for i in 0..30 {
        let replica = &deployment.replicas[i % 3].url;
        let status = sign_in(replica, json!(format!("wrong-pass-{i}"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "wrong guess {i}");
    }
    for replica in &deployment.replicas {
        assert_eq!(
            sign_in(&replica.url, json!("wrong-pass-more")).await,
            StatusCode::TOO_MANY_REQUESTS,
            "the identifier's budget is spent on every replica"
        );
        assert_eq!(
            sign_in(&replica.url, token["pass_code"].clone()).await,
            StatusCode::TOO_MANY_REQUESTS,
            "not even the right pass code is checked until guesses are back"
        );
    }
}
