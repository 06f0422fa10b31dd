//! Sync: rules decided by the core and stored once, idempotency, concurrency, organisations kept apart, the offline
//! bundle's versioning, and a server killed in the middle of a batch.

use std::process::{Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call, fresh_database, key_args, listening_url, token_with};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The seeded organisation's first token (put_in_fleet, as listed newest first: the second) and devices. The
/// tokens are made a day old, so that the scans the tests date a little back are inside their life (a scan dated
/// before its token was created is `clock`).
async fn fixtures(server: &TestServer, admin: &str) -> (Vec<Value>, Vec<u64>) {
    sqlx::query("UPDATE action_tokens SET created_at = created_at - 86400000")
        .execute(&server.db)
        .await
        .unwrap();
    let (_, tokens) = call(
        server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(admin),
        None,
    )
    .await;
    let (_, devices) = call(server, Method::GET, "/api/v1/devices", Some(admin), None).await;
    let devices = devices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect();
    (tokens["items"].as_array().unwrap().clone(), devices)
}

fn redemption(id: &str, token: &str, device: u64, at: i64) -> Value {
    json!({ "id": id, "token": token, "device_id": device, "scanned_at": at })
}

async fn sync(
    server: &TestServer,
    bearer: Option<&str>,
    redemptions: Vec<Value>,
) -> (StatusCode, Value) {
    call(
        server,
        Method::POST,
        "/api/v1/sync",
        bearer,
        Some(json!({ "redemptions": redemptions })),
    )
    .await
}

fn statuses(answer: &Value) -> Vec<(String, Option<String>)> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap().to_owned(),
                r["reason"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn s(status: &str, reason: Option<&str>) -> (String, Option<String>) {
    (status.to_owned(), reason.map(str::to_owned))
}

#[tokio::test]
async fn sync_applies_once_latest_scan_wins_and_every_reason_is_stable() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (tokens, devices) = fixtures(&server, &admin).await;
    let repair = tokens
        .iter()
        .find(|t| t["action"]["type"] == "put_in_repair")
        .unwrap();
    let fleet = tokens
        .iter()
        .find(|t| t["action"]["type"] == "put_in_fleet")
        .unwrap();
    let now = now_ms();
    let device = devices[0];
    let batch = vec![
        // The later scan arrives first and wins; the earlier one is superseded.
        redemption(
            "r-late",
            fleet["qr"]["new"].as_str().unwrap(),
            device,
            now - 1_000,
        ),
        redemption(
            "r-early",
            repair["code"].as_str().unwrap(),
            device,
            now - 60_000,
        ),
        redemption(
            "r-old-format",
            repair["code"].as_str().unwrap().to_lowercase().as_str(),
            devices[1],
            now - 500,
        ),
        redemption(
            "r-no-device",
            repair["code"].as_str().unwrap(),
            999_999,
            now - 500,
        ),
        redemption("r-garbage", "not a token", device, now - 500),
        redemption(
            "r-future",
            repair["code"].as_str().unwrap(),
            device,
            now + 3_600_000,
        ),
        // Issue 18: this 2020 scan used to be applied; it is dated before its token existed, so it is `clock`
        // whoever carries it (and its RFC 3339 time is still read).
        json!({ "id": "r-rfc3339", "token": fleet["code"], "device_id": devices[2], "scanned_at": "2020-01-01T00:00:00Z" }),
    ];
    let (status, answer) = sync(&server, Some(&admin), batch.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        statuses(&answer),
        vec![
            s("applied", None),
            s("superseded", None),
            s("applied", None),
            s("rejected", Some("unknown_device")),
            s("rejected", Some("unknown_token")),
            s("rejected", Some("clock")),
            s("rejected", Some("clock")),
        ]
    );
    assert!(answer["server_time"].as_str().unwrap().ends_with('Z'));
    let (_, d0) = call(
        &server,
        Method::GET,
        &format!("/api/v1/devices/{device}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(d0["state"], "in_fleet");
    assert_eq!(d0["fleet_id"], fleet["action"]["fleet_id"]);
    let (_, d1) = call(
        &server,
        Method::GET,
        &format!("/api/v1/devices/{}", devices[1]),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(d1["state"], "in_repair");

    // A retry of the whole batch changes nothing.
    let (status, again) = sync(&server, Some(&admin), batch).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        statuses(&again)
            .iter()
            .all(|(status, _)| status == "duplicate"),
        "{again}"
    );

    // Deleted tokens are refused with `deleted`.
    let id = repair["id"].as_u64().unwrap();
    call(
        &server,
        Method::DELETE,
        &format!("/api/v1/action-tokens/{id}"),
        Some(&admin),
        None,
    )
    .await;
    let (_, answer) = sync(
        &server,
        Some(&admin),
        vec![redemption(
            "r-deleted",
            repair["qr"]["new"].as_str().unwrap(),
            devices[3],
            // After the carrier's previous sync (the admin's), so that the clock rule does not answer first.
            now_ms(),
        )],
    )
    .await;
    assert_eq!(statuses(&answer), vec![s("rejected", Some("deleted"))]);
    server.stop().await;
}

#[tokio::test]
async fn a_reused_id_with_another_payload_is_refused_whole() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (tokens, devices) = fixtures(&server, &admin).await;
    let code = tokens[0]["code"].as_str().unwrap();
    let now = now_ms();
    let (status, _) = sync(
        &server,
        Some(&admin),
        vec![redemption("same-id", code, devices[0], now)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Same id, other device; the other redemption of the batch must not be applied either.
    let (status, answer) = sync(
        &server,
        Some(&admin),
        vec![
            redemption("fresh", code, devices[1], now),
            redemption("same-id", code, devices[2], now),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(answer["error"]["code"], "idempotency_conflict");
    let (_, answer) = sync(
        &server,
        Some(&admin),
        vec![redemption("fresh", code, devices[1], now)],
    )
    .await;
    assert_eq!(
        statuses(&answer),
        vec![s("applied", None)],
        "the refused batch wrote nothing"
    );
    // Within one batch too.
    let (status, _) = sync(
        &server,
        Some(&admin),
        vec![
            redemption("twice", code, devices[1], now),
            redemption("twice", code, devices[1], now - 1),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    server.stop().await;
}

#[tokio::test]
async fn the_same_batch_sent_concurrently_applies_exactly_once() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (tokens, devices) = fixtures(&server, &admin).await;
    let now = now_ms();
    let batch: Vec<Value> = (0..200)
        .map(|i| {
            let token = &tokens[i % tokens.len()];
            redemption(
                &format!("c-{i}"),
                token["code"].as_str().unwrap(),
                devices[i % devices.len()],
                now - 10_000 + i as i64,
            )
        })
        .collect();
    let answers = futures_join(&server, &admin, batch, 8).await;
    let mut applied_total = 0;
    let mut first = None;
    for answer in &answers {
        let st = statuses(answer);
        let fresh = st
            .iter()
            .filter(|(status, _)| status != "duplicate")
            .count();
        assert!(
            fresh == 0 || fresh == st.len(),
            "a batch is decided wholly by one request"
        );
        if fresh > 0 {
            assert!(first.is_none(), "only one request decided the batch");
            first = Some(st.clone());
        }
        applied_total += st.iter().filter(|(status, _)| status == "applied").count();
    }
    let first = first.expect("one request decided the batch");
    assert_eq!(
        applied_total,
        first
            .iter()
            .filter(|(status, _)| status == "applied")
            .count()
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redemptions")
        .fetch_one(&server.db)
        .await
        .unwrap();
    assert_eq!(count, 200);
    server.stop().await;
}

async fn futures_join(
    server: &TestServer,
    bearer: &str,
    batch: Vec<Value>,
    clients: usize,
) -> Vec<Value> {
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let url = format!("{}/api/v1/sync", server.url);
        let body = json!({ "redemptions": batch });
        let bearer = bearer.to_owned();
        tasks.push(tokio::spawn(async move {
            let response = reqwest::Client::new()
                .post(url)
                .bearer_auth(bearer)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test]
async fn organisations_never_act_on_or_see_each_others_devices() {
    let server = TestServer::start().await;
    let a = server.seed("Acme").await;
    let b = server.seed("Bolt").await;
    let (a_tokens, _) = fixtures(&server, &a).await;
    let (_, b_devices) = fixtures(&server, &b).await;
    let now = now_ms();
    let code = a_tokens[0]["code"].as_str().unwrap();
    // Signed in as B: the core refuses the other organisation's token on B's device.
    let (_, answer) = sync(
        &server,
        Some(&b),
        vec![redemption("x-1", code, b_devices[0], now)],
    )
    .await;
    assert_eq!(statuses(&answer), vec![s("rejected", Some("other_org"))]);
    // Signed in as A: B's devices do not exist.
    let (_, answer) = sync(
        &server,
        Some(&a),
        vec![redemption("x-2", code, b_devices[0], now)],
    )
    .await;
    assert_eq!(
        statuses(&answer),
        vec![s("rejected", Some("unknown_device"))]
    );
    // The clock rule: not before the caller's previous sync.
    let (_, a_devices) = fixtures(&server, &a).await;
    let (_, answer) = sync(
        &server,
        Some(&a),
        vec![redemption("x-3", code, a_devices[0], now - 60_000)],
    )
    .await;
    assert_eq!(statuses(&answer), vec![s("rejected", Some("clock"))]);
    server.stop().await;
}

#[tokio::test]
async fn the_offline_bundle_has_a_version_and_answers_304_when_unchanged() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let get = |etag: Option<String>| {
        let mut request = reqwest::Client::new()
            .get(format!("{}/api/v1/offline-bundle", server.url))
            .bearer_auth(&admin);
        if let Some(etag) = etag {
            request = request.header("if-none-match", etag);
        }
        request.send()
    };
    let first = get(None).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let bundle: Value = first.json().await.unwrap();
    assert_eq!(bundle["directory"]["entries"].as_array().unwrap().len(), 2);
    assert_eq!(bundle["keys"].as_array().unwrap().len(), 1);
    assert_eq!(bundle["fleets"].as_array().unwrap().len(), 3);
    assert_eq!(bundle["devices"].as_array().unwrap().len(), 8);
    let entry = &bundle["directory"]["entries"][0];
    assert_eq!(entry["hash"].as_str().unwrap().len(), 32);
    assert_eq!(
        get(Some(etag.clone())).await.unwrap().status(),
        StatusCode::NOT_MODIFIED
    );
    let body = json!({ "name": "new", "action": { "type": "put_in_stock" }, "expires_at": "2099-01-01T00:00:00Z" });
    call(
        &server,
        Method::POST,
        "/api/v1/action-tokens",
        Some(&admin),
        Some(body),
    )
    .await;
    let changed = get(Some(etag)).await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let newer: Value = changed.json().await.unwrap();
    assert!(newer["version"].as_i64() > bundle["version"].as_i64());
    server.stop().await;
}

/// The real binary, killed with SIGKILL while a big batch is in flight, then restarted on the same files: the batch
/// is there wholly or not at all.
#[test]
fn a_server_killed_mid_batch_leaves_no_partial_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(&dir.path().join("mdm.db"));
    let bin = env!("CARGO_BIN_EXE_fieldtoken-mdm");
    let seeded = Command::new(bin)
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
    assert_eq!(credentials["org"]["name"], "Acme");
    let start = || {
        let mut child = Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0", "--db", &db, "--web"])
            .arg(dir.path().join("no-pwa"))
            .args(key_args(&db, dir.path()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let url = listening_url(&mut child);
        (child, url)
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    let (mut child, url) = start();
    let (tokens, devices): (Value, Value) = runtime.block_on(async {
        let get = |path: &str| {
            client
                .get(format!("{url}{path}"))
                .bearer_auth(&admin)
                .send()
        };
        (
            get("/api/v1/action-tokens")
                .await
                .unwrap()
                .json()
                .await
                .unwrap(),
            get("/api/v1/devices").await.unwrap().json().await.unwrap(),
        )
    });
    let code = tokens["items"][0]["code"].as_str().unwrap().to_owned();
    let devices: Vec<u64> = devices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect();
    let now = now_ms();
    let batch: Vec<Value> = (0..5000)
        .map(|i| {
            redemption(
                &format!("k-{i}"),
                &code,
                devices[i % devices.len()],
                now - 100_000 + i as i64,
            )
        })
        .collect();
    let body = json!({ "redemptions": batch });
    runtime.block_on(async {
        let send = client
            .post(format!("{url}/api/v1/sync"))
            .bearer_auth(&admin)
            .json(&body)
            .send();
        // Kill the server while the request is being read or decided.
        let kill = async {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            child.kill().unwrap();
        };
        let (_, ()) = tokio::join!(send, kill);
    });
    child.wait().unwrap();

    let (mut child, url) = start();
    let answer: Value = runtime.block_on(async {
        client
            .post(format!("{url}/api/v1/sync"))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let results = answer["results"].as_array().unwrap();
    let duplicates = results
        .iter()
        .filter(|r| r["status"] == "duplicate")
        .count();
    assert!(
        duplicates == 0 || duplicates == results.len(),
        "partial write: {duplicates} of {}",
        results.len()
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A phone's offline queue uploaded in several batches, oldest first: every later batch holds scans made
/// before the earlier batches were sent, and none of them may be refused as backdated.
#[tokio::test]
async fn a_queue_uploaded_in_several_batches_applies_whole() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (tokens, devices) = fixtures(&server, &admin).await;
    let code = tokens[0]["code"].as_str().unwrap();
    let start = now_ms() - 30 * 60_000;
    let queue: Vec<Value> = (0..9)
        .map(|i| {
            redemption(
                &format!("queue-{i}"),
                code,
                devices[i % 3],
                start + i as i64 * 60_000,
            )
        })
        .collect();
    for batch in queue.chunks(3) {
        let (status, answer) = sync(&server, Some(&admin), batch.to_vec()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(statuses(&answer), vec![s("applied", None); 3], "{answer}");
    }
    // The mark follows the newest accepted scan: a scan dated before it is a clock that went back.
    let (_, answer) = sync(
        &server,
        Some(&admin),
        vec![redemption("went-back", code, devices[0], start)],
    )
    .await;
    assert_eq!(statuses(&answer), vec![s("rejected", Some("clock"))]);
    server.stop().await;
}

/// Issue 18: "a token that expired 5 s ago, scan dated 2020-01-01 (before the token existed)" was `applied`,
/// anonymous or not. A scan dated before its token was created is `clock` whoever carries it.
#[tokio::test]
async fn a_scan_dated_before_its_token_existed_is_clock_whoever_carries_it() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (_, devices) = fixtures(&server, &admin).await;
    let expires = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
    let expires = chrono_like_rfc3339(expires);
    let (status, token) = call(
        &server,
        Method::POST,
        "/api/v1/action-tokens",
        Some(&admin),
        Some(json!({ "name": "Soon gone", "action": { "type": "put_in_repair" }, "expires_at": expires })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let in_2020 = 1_577_836_800_000;
    let code = token["code"].as_str().unwrap();
    // Carried by a token that may only redeem (a sync is never anonymous): the rule holds whoever carries it.
    let redeemer = token_with(&server, &admin, &["fms.actiontoken.redeem"]).await;
    let (_, answer) = sync(
        &server,
        Some(&redeemer),
        vec![redemption("old-a", code, devices[0], in_2020)],
    )
    .await;
    assert_eq!(
        statuses(&answer),
        vec![s("rejected", Some("clock"))],
        "{answer}"
    );
    let (_, answer) = sync(
        &server,
        Some(&admin),
        vec![redemption("old-b", code, devices[0], in_2020)],
    )
    .await;
    assert_eq!(
        statuses(&answer),
        vec![s("rejected", Some("clock"))],
        "{answer}"
    );
    // Dated now, it is what it is: expired.
    let (_, answer) = sync(
        &server,
        Some(&admin),
        vec![redemption("now-b", code, devices[0], now_ms())],
    )
    .await;
    assert_eq!(
        statuses(&answer),
        vec![s("rejected", Some("expired"))],
        "{answer}"
    );
    server.stop().await;
}

/// An RFC 3339 UTC time, to the second.
fn chrono_like_rfc3339(at: std::time::SystemTime) -> String {
    let seconds = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// DESIGN: a scan may not be dated "further back than the organisation's `max_offline`" (72 hours unless an admin
/// sets it, at `/api/v1/org-settings`), whoever carries it.
#[tokio::test]
async fn max_offline_is_the_organisations_and_an_admin_sets_it() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (tokens, devices) = fixtures(&server, &admin).await;
    let code = tokens[0]["code"].as_str().unwrap();
    // The seeded tokens are minutes old: make this one ten days old, so that only max_offline bounds its scans.
    sqlx::query("UPDATE action_tokens SET created_at = ? WHERE id = ?")
        .bind(now_ms() - 10 * 86_400_000)
        .bind(tokens[0]["id"].as_i64().unwrap())
        .execute(&server.db)
        .await
        .unwrap();
    let (status, settings) = call(
        &server,
        Method::GET,
        "/api/v1/org-settings",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings, json!({ "max_offline_minutes": 4320 }));

    let hour = 3_600_000;
    let device = devices[0];
    let redeemer = token_with(&server, &admin, &["fms.actiontoken.redeem"]).await;
    let check = |id: &'static str, back: i64, expected: (String, Option<String>)| {
        let server = &server;
        let redeemer = &redeemer;
        async move {
            let (_, answer) = sync(
                server,
                Some(redeemer),
                vec![redemption(id, code, device, now_ms() - back)],
            )
            .await;
            assert_eq!(statuses(&answer), vec![expected], "{id}: {answer}");
        }
    };
    check("d-73h", 73 * hour, s("rejected", Some("clock"))).await;
    check("d-71h", 71 * hour, s("applied", None)).await;

    let (status, settings) = call(
        &server,
        Method::PATCH,
        "/api/v1/org-settings",
        Some(&admin),
        Some(json!({ "max_offline_minutes": 60 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["max_offline_minutes"], 60);
    check("s-61m", 61 * 60_000, s("rejected", Some("clock"))).await;
    check("s-59m", 59 * 60_000, s("applied", None)).await;

    for body in [
        json!({ "max_offline_minutes": 0 }),
        json!({ "max_offline_minutes": 525_601 }),
        json!({ "max_offline": 5 }),
    ] {
        let (status, answer) = call(
            &server,
            Method::PATCH,
            "/api/v1/org-settings",
            Some(&admin),
            Some(body.clone()),
        )
        .await;
        assert!(status.is_client_error(), "{body} {answer}");
        assert_eq!(answer["error"]["code"], "invalid_body", "{body} {answer}");
    }
    let (_, settings) = call(
        &server,
        Method::GET,
        "/api/v1/org-settings",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(settings["max_offline_minutes"], 60);
    let (status, _) = call(&server, Method::GET, "/api/v1/org-settings", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

/// Issue 18: "org B syncs with a redemption id org A already used: org A's whole batch is refused
/// idempotency_conflict; any caller can probe which ids exist." Ids are scoped to the organisation and the
/// principal: another caller's id never conflicts, nor reads as a duplicate.
#[tokio::test]
async fn redemption_ids_are_scoped_to_the_organisation_and_the_principal() {
    let server = TestServer::start().await;
    let admin_a = server.seed("Acme").await;
    let admin_b = server.seed("Beta").await;
    let (tokens_a, devices_a) = fixtures(&server, &admin_a).await;
    let (tokens_b, devices_b) = fixtures(&server, &admin_b).await;
    let at = now_ms() - 1_000;
    let a = redemption(
        "shared-1",
        tokens_a[0]["code"].as_str().unwrap(),
        devices_a[0],
        at,
    );
    let (status, answer) = sync(&server, Some(&admin_a), vec![a.clone()]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(statuses(&answer), vec![s("applied", None)]);

    // Org B uses the same id for its own scan: applied, not 409, and it learns nothing of A's.
    let b = redemption(
        "shared-1",
        tokens_b[0]["code"].as_str().unwrap(),
        devices_b[0],
        at,
    );
    let (status, answer) = sync(&server, Some(&admin_b), vec![b.clone()]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(statuses(&answer), vec![s("applied", None)]);
    // B sending A's exact payload under that id is B's own retry or conflict, never A's duplicate.
    let (status, answer) = sync(&server, Some(&admin_b), vec![a.clone()]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "idempotency_conflict");

    // Another API token of org A is another principal: its id is its own.
    let (status, other) = call(
        &server,
        Method::POST,
        "/api/v1/api-tokens",
        Some(&admin_a),
        Some(json!({ "name": "second phone", "permissions": ["fms.actiontoken.redeem"] })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let other = other["token"].as_str().unwrap();
    let (status, answer) = sync(&server, Some(other), vec![a.clone()]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_ne!(statuses(&answer), vec![s("duplicate", None)], "{answer}");

    // The other way round: org B sends first an id that org A's phone is about to use (an id can be seen on a
    // phone or guessed). A's whole batch, that id among others, is still applied, and B's scan changed nothing of
    // A's.
    let later = now_ms();
    let b_first = redemption(
        "shared-2",
        tokens_b[0]["code"].as_str().unwrap(),
        devices_b[1],
        later,
    );
    let (status, answer) = sync(&server, Some(&admin_b), vec![b_first]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let a_batch = vec![
        redemption(
            "shared-2",
            tokens_a[0]["code"].as_str().unwrap(),
            devices_a[1],
            later,
        ),
        redemption(
            "own-3",
            tokens_a[0]["code"].as_str().unwrap(),
            devices_a[2],
            later,
        ),
    ];
    let (status, answer) = sync(&server, Some(&admin_a), a_batch).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        statuses(&answer),
        vec![s("applied", None), s("applied", None)]
    );

    // A's own retry is still a duplicate.
    let (status, answer) = sync(&server, Some(&admin_a), vec![a]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(statuses(&answer), vec![s("duplicate", None)]);
    server.stop().await;
}
