//! Issue 19: after redemptions, an admin finds every one of them (`GET /api/v1/redemptions`), whatever became of it
//! and whoever carried it, filtered and paged, never another organisation's; and reads the audit log a page at a
//! time or as a streamed CSV export with the same filter.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::access::{define, generated_definition, new_token, sign_in};
use crate::carriers::{now_ms, redemption, reset_and_enrol, seeded, signed};
use crate::enrolment::device_key;
use crate::support::{TestServer, call, created, skipped_on_postgres, token_with};

async fn get(server: &TestServer, path: &str, bearer: &str) -> (StatusCode, Value) {
    call(server, Method::GET, path, Some(bearer), None).await
}

async fn history(server: &TestServer, query: &str, bearer: &str) -> Vec<Value> {
    let (status, page) = get(server, &format!("/api/v1/redemptions{query}"), bearer).await;
    assert_eq!(status, StatusCode::OK, "{query}: {page}");
    page["items"].as_array().unwrap().clone()
}

fn ids(entries: &[Value]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn sync(server: &TestServer, bearer: Option<&str>, body: Value) -> Vec<Value> {
    let (status, answer) = call(server, Method::POST, "/api/v1/sync", bearer, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["results"].as_array().unwrap().clone()
}

async fn pause() {
    // Receive times a few milliseconds apart, so that time ranges between syncs are exact.
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
}

/// What the scenario made: the ids the assertions name.
struct Scenario {
    repair_id: u64,
    stock_id: u64,
    devices: Vec<Value>,
    operator: u64,
    api_token: u64,
}

/// Six receipts in organisation "Acme", newest first: `dev-1` applied (a device signing for itself), `reset-1`
/// applied (the admin's token resetting that device), `api-1` duplicate and `api-2` rejected (an API token), `api-1`
/// superseded (the same API token, a scan older than the operator's), `op-1` applied (an operator session).
async fn scenario(server: &TestServer, admin: &str) -> Scenario {
    let seeded = seeded(server, admin).await;
    // Tokens a day old, so that scans dated a little back are inside their life.
    sqlx::query("UPDATE action_tokens SET created_at = created_at - 86400000")
        .execute(&server.db)
        .await
        .unwrap();
    let (_, tokens) = get(server, "/api/v1/action-tokens?q=put_in_", admin).await;
    let id_of = |name: &str| {
        tokens["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()["id"]
            .as_u64()
            .unwrap()
    };
    let (repair_id, stock_id) = (id_of("put_in_repair"), id_of("put_in_stock"));
    let (_, devices) = get(server, "/api/v1/devices", admin).await;
    let devices = devices["items"].as_array().unwrap().clone();
    let device = |i: usize| devices[i]["id"].as_u64().unwrap();
    let t0 = now_ms();

    define(server, admin, generated_definition("Operators")).await;
    let access = new_token(server, admin, json!({ "identifier": "ana@example.com" })).await;
    let (status, session) = sign_in(
        server,
        // The server may hold other organisations (the scoping test adds one): sign-in names its own.
        json!({ "org": seeded.org, "identifier": "ana@example.com", "pass_code": access["pass_code"] }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let session = session["token"].as_str().unwrap();
    let results = sync(
        server,
        Some(session),
        json!({ "redemptions": [redemption("op-1", &seeded.repair, device(0), t0 - 1_000).0] }),
    )
    .await;
    assert_eq!(results[0]["status"], "applied");
    pause().await;

    let phone = created(
        server,
        admin,
        "/api/v1/api-tokens",
        json!({ "name": "Field phone 7", "permissions": ["fms.actiontoken.redeem"] }),
    )
    .await;
    let phone_secret = phone["token"].as_str().unwrap();
    let older = redemption("api-1", &seeded.stock, device(0), t0 - 3_000).0;
    let results = sync(
        server,
        Some(phone_secret),
        json!({ "redemptions": [older.clone(), redemption("api-2", "not a token", device(1), t0 - 3_000).0] }),
    )
    .await;
    assert_eq!(
        (&results[0]["status"], &results[1]["reason"]),
        (&json!("superseded"), &json!("unknown_token"))
    );
    pause().await;
    let results = sync(
        server,
        Some(phone_secret),
        json!({ "redemptions": [older] }),
    )
    .await;
    assert_eq!(results[0]["status"], "duplicate");
    pause().await;

    let key = device_key();
    reset_and_enrol(server, admin, device(2), &key, 1).await;
    pause().await;
    let batch = [redemption("dev-1", &seeded.repair, device(2), now_ms())];
    let results = sync(server, None, signed(&key, seeded.org, device(2), &batch)).await;
    assert_eq!(results[0]["status"], "applied");

    Scenario {
        repair_id,
        stock_id,
        devices,
        operator: access["number"].as_u64().unwrap(),
        api_token: phone["id"].as_u64().unwrap(),
    }
}

#[tokio::test]
async fn every_outcome_is_recorded_with_its_carrier_token_and_device() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let s = scenario(&server, &admin).await;
    let all = history(&server, "", &admin).await;
    assert_eq!(
        ids(&all),
        [
            ("dev-1", "applied"),
            ("reset-1", "applied"),
            ("api-1", "duplicate"),
            ("api-2", "rejected"),
            ("api-1", "superseded"),
            ("op-1", "applied"),
        ]
        .map(|(id, outcome)| (id.to_owned(), outcome.to_owned()))
    );
    let serial = |i: usize| s.devices[i]["serial"].clone();
    let device = |i: usize| s.devices[i]["id"].clone();

    // The device signing for itself, named by its serial.
    assert_eq!(
        all[0]["carrier"],
        json!({ "kind": "device", "id": device(2), "name": serial(2) })
    );
    assert_eq!(
        all[0]["token"],
        json!({ "id": s.repair_id, "name": "put_in_repair" })
    );
    assert_eq!(
        all[0]["device"],
        json!({ "id": device(2), "serial": serial(2) })
    );
    // The seeded admin's API token.
    assert_eq!(all[1]["carrier"]["kind"], "api_token");
    assert_eq!(all[1]["carrier"]["name"], "Demo administrator");
    // The retry names the token its first receipt named, and the same carrier.
    let phone = json!({ "kind": "api_token", "id": s.api_token, "name": "Field phone 7" });
    for entry in &all[2..5] {
        assert_eq!(entry["carrier"], phone, "{entry}");
    }
    assert_eq!(
        all[2]["token"],
        json!({ "id": s.stock_id, "name": "put_in_stock" })
    );
    assert_eq!(all[4]["token"], all[2]["token"]);
    assert_eq!(
        all[4]["device"],
        json!({ "id": device(0), "serial": serial(0) })
    );
    // The rejection keeps its reason; its text named no token.
    assert_eq!(all[3]["reason"], "unknown_token");
    assert!(all[3].get("token").is_none(), "{}", all[3]);
    assert_eq!(all[3]["device"]["id"], device(1));
    assert!(
        all.iter()
            .filter(|e| e["outcome"] != "rejected")
            .all(|e| e.get("reason").is_none())
    );
    // The operator, by the identifier of its access token.
    assert_eq!(
        all[5]["carrier"],
        json!({ "kind": "operator", "id": s.operator, "name": "ana@example.com" })
    );
    // Scan and receive times as the phone and the server had them.
    for entry in &all {
        assert!(
            entry["scanned_at"].as_str().unwrap().ends_with('Z'),
            "{entry}"
        );
        assert!(entry["received_at"].as_str().unwrap().ends_with('Z'));
    }
    server.stop().await;
}

#[tokio::test]
async fn history_filters_and_pages_newest_first() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let s = scenario(&server, &admin).await;
    let all = history(&server, "", &admin).await;
    let device0 = s.devices[0]["id"].as_u64().unwrap();
    let only = |q: String| {
        let server = &server;
        let admin = &admin;
        async move {
            ids(&history(server, &q, admin).await)
                .into_iter()
                .map(|(id, outcome)| format!("{id} {outcome}"))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        only(format!("?token={}", s.stock_id)).await,
        ["api-1 duplicate", "api-1 superseded"]
    );
    assert_eq!(
        only(format!("?device={device0}")).await,
        ["api-1 duplicate", "api-1 superseded", "op-1 applied"]
    );
    assert_eq!(
        only(format!("?operator={}", s.operator)).await,
        ["op-1 applied"]
    );
    assert_eq!(
        only(format!("?carrier=operator:{}", s.operator)).await,
        ["op-1 applied"]
    );
    assert_eq!(
        only(format!(
            "?carrier=api_token:{}&outcome=rejected",
            s.api_token
        ))
        .await,
        ["api-2 rejected"]
    );
    assert_eq!(
        only(format!("?carrier=device:{}", s.devices[2]["id"])).await,
        ["dev-1 applied"]
    );
    assert_eq!(
        only("?outcome=superseded".into()).await,
        ["api-1 superseded"]
    );
    assert_eq!(
        only(format!("?outcome=applied&token={}", s.repair_id)).await,
        ["dev-1 applied", "op-1 applied"]
    );
    // Time ranges: `from` inclusive, `to` exclusive, on the receive time.
    let received = |i: usize| all[i]["received_at"].as_str().unwrap().to_owned();
    let enc = |t: String| t.replace('+', "%2B");
    assert_eq!(
        only(format!("?from={}", enc(received(0)))).await,
        ["dev-1 applied"]
    );
    assert_eq!(
        only(format!("?to={}", enc(received(5)))).await,
        Vec::<String>::new()
    );
    assert_eq!(
        only(format!(
            "?from={}&to={}",
            enc(received(4)),
            enc(received(2))
        ))
        .await,
        ["api-2 rejected", "api-1 superseded"]
    );

    // Pages of two, each `next` leading on, the last without one; together the whole history, in order.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let (status, page) = get(
            &server,
            &format!("/api/v1/redemptions?limit=2&cursor={cursor}"),
            &admin,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        seen.extend(page["items"].as_array().unwrap().clone());
        match page["next"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!((pages, &seen), (3, &all));
    // A filter holds across pages.
    let (_, first) = get(
        &server,
        &format!("/api/v1/redemptions?device={device0}&limit=1"),
        &admin,
    )
    .await;
    let (_, second) = get(
        &server,
        &format!(
            "/api/v1/redemptions?device={device0}&limit=1&cursor={}",
            first["next"].as_str().unwrap()
        ),
        &admin,
    )
    .await;
    assert_eq!(second["items"][0]["outcome"], "superseded", "{second}");

    // Bad queries are 400 with a stable code.
    for (query, code) in [
        ("?outcome=lost", "bad_query"),
        ("?from=yesterday", "bad_query"),
        ("?to=", "bad_query"),
        ("?from=1790000000000", "bad_query"),
        ("?carrier=robot:1", "bad_query"),
        ("?carrier=operator:0", "bad_query"),
        ("?token=0", "bad_query"),
        ("?limit=0", "bad_query"),
        ("?colour=red", "bad_query"),
        ("?cursor=abc", "bad_cursor"),
        ("?cursor=99999999", "bad_cursor"),
        ("?cursor=1_-2", "bad_cursor"),
    ] {
        let (status, body) = get(&server, &format!("/api/v1/redemptions{query}"), &admin).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"]["code"], code, "{query}: {body}");
    }
    // A range that ends before it starts holds nothing.
    assert_eq!(
        only(format!(
            "?from={}&to={}",
            enc(received(0)),
            enc(received(5))
        ))
        .await,
        Vec::<String>::new()
    );
    server.stop().await;
}

#[tokio::test]
async fn history_is_the_callers_organisations_only_and_needs_token_read() {
    let server = TestServer::start().await;
    let admin_a = server.seed("Acme").await;
    let admin_b = server.seed("Beta").await;
    let s = scenario(&server, &admin_a).await;
    let a_before = history(&server, "", &admin_a).await;

    // Organisation B sees none of A's entries, even asked by A's ids or with A's cursor.
    assert!(history(&server, "", &admin_b).await.is_empty());
    assert!(
        history(&server, &format!("?token={}", s.repair_id), &admin_b)
            .await
            .is_empty()
    );
    assert!(
        history(
            &server,
            &format!("?device={}", s.devices[0]["id"]),
            &admin_b
        )
        .await
        .is_empty()
    );
    // A cursor is a position in the caller's own history: A's, used by B, reads B's (nothing).
    let (_, a_page) = get(&server, "/api/v1/redemptions?limit=1", &admin_a).await;
    let a_cursor = a_page["next"].as_str().unwrap();
    assert!(
        history(&server, &format!("?cursor={a_cursor}"), &admin_b)
            .await
            .is_empty()
    );

    // B scanning A's token on A's device: recorded in B's history (B carried it), without naming A's token or
    // device, and A's history does not change.
    let (_, tokens) = get(&server, "/api/v1/action-tokens?q=put_in_repair", &admin_a).await;
    let code = tokens["items"][0]["code"].as_str().unwrap();
    let results = sync(
        &server,
        Some(&admin_b),
        json!({ "redemptions": [redemption("b-1", code, s.devices[0]["id"].as_u64().unwrap(), now_ms()).0] }),
    )
    .await;
    assert_eq!(results[0]["status"], "rejected");
    let b = history(&server, "", &admin_b).await;
    assert_eq!(ids(&b), [("b-1".to_owned(), "rejected".to_owned())]);
    assert!(b[0].get("token").is_none(), "{}", b[0]);
    assert!(b[0]["device"].get("serial").is_none(), "{}", b[0]);
    assert_eq!(history(&server, "", &admin_a).await, a_before);

    // Without fms.actiontoken.read: 403. With it alone: the entries, but no serial and no operator identifier
    // (those need fms.device.read and fms.accesstoken.read).
    let devices_only = token_with(
        &server,
        &admin_a,
        &["fms.device.read", "fms.actiontoken.redeem"],
    )
    .await;
    let (status, body) = get(&server, "/api/v1/redemptions", &devices_only).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let (status, _) = call(&server, Method::GET, "/api/v1/redemptions", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let reader = token_with(&server, &admin_a, &["fms.actiontoken.read"]).await;
    let seen = history(&server, "", &reader).await;
    assert_eq!(ids(&seen), ids(&a_before));
    assert!(seen.iter().all(|e| e["device"].get("serial").is_none()));
    assert_eq!(
        seen[5]["carrier"]["name"],
        format!("operator {}", s.operator)
    );
    assert_eq!(
        seen[0]["carrier"]["name"],
        format!("device {}", s.devices[2]["id"])
    );
    server.stop().await;
}

/// Writes `n` audit entries for organisation 1 behind the API's back, one millisecond apart from `at`.
async fn audit_entries(server: &TestServer, actor: &str, action: &str, at: i64, n: i64) {
    let mut tx = server.store.write().await.unwrap();
    for i in 0..n {
        fieldtoken_mdm::store::audit::record(
            &mut tx,
            fieldtoken_core::OrgId::new(1).unwrap(),
            &fieldtoken_mdm::store::audit::Actor::system(actor),
            action,
            &format!("thing/{i}"),
            json!({ "n": i }),
            fieldtoken_core::Timestamp::from_millis(at + i),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_audit_log_is_filtered_and_paged() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let admin_b = server.seed("Beta").await;
    // A day ahead: newer than the seeding's own entries.
    let at = now_ms() + 86_400_000;
    audit_entries(&server, "night job", "bulk.import", at, 30).await;
    audit_entries(&server, "night job", "bulk.check", at + 100, 5).await;
    audit_entries(&server, "ana", "bulk.import", at + 200, 3).await;

    let page = |q: &str| {
        let server = &server;
        let admin = &admin;
        let q = q.to_owned();
        async move {
            let (status, page) = get(server, &format!("/api/v1/audit{q}"), admin).await;
            assert_eq!(status, StatusCode::OK, "{q}: {page}");
            page
        }
    };
    // Newest first; the seeding's own entries are there too.
    let newest = page("").await;
    assert_eq!(newest["items"][0]["action"], "bulk.import");
    assert!(
        newest["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["actor"] == "seed-demo")
    );
    let by_actor = page("?actor=ana").await;
    assert_eq!(by_actor["items"].as_array().unwrap().len(), 3);
    assert_eq!(by_actor["items"][0]["detail"], json!({ "n": 2 }));
    assert_eq!(by_actor["items"][0]["target"], "thing/2");
    // A kind exactly, or every kind under a word.
    assert_eq!(
        page("?kind=bulk.check").await["items"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        page("?kind=bulk&limit=200").await["items"]
            .as_array()
            .unwrap()
            .len(),
        38
    );
    assert_eq!(
        page("?actor=night%20job&kind=bulk.import&limit=200").await["items"]
            .as_array()
            .unwrap()
            .len(),
        30
    );
    // A time range: at + 10 (inclusive) to at + 20 (exclusive).
    let time =
        |ms: i64| fieldtoken_mdm::clock::rfc3339(fieldtoken_core::Timestamp::from_millis(ms));
    let ranged = page(&format!("?from={}&to={}", time(at + 10), time(at + 20))).await;
    let targets: Vec<&str> = ranged["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        (10..20)
            .rev()
            .map(|i| format!("thing/{i}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        ranged["items"][0]["at"],
        fieldtoken_mdm::clock::rfc3339(fieldtoken_core::Timestamp::from_millis(at + 19))
    );

    // Paged: 30 entries in pages of 7, each once, in order.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let p = page(&format!(
            "?kind=bulk.import&actor=night%20job&limit=7&cursor={cursor}"
        ))
        .await;
        seen.extend(
            p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["target"].as_str().unwrap().to_owned()),
        );
        match p["next"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(
        seen,
        (0..30)
            .rev()
            .map(|i| format!("thing/{i}"))
            .collect::<Vec<_>>()
    );

    // Another organisation sees none of it, not even by cursor; others than admins see nothing.
    let (_, b) = get(&server, "/api/v1/audit?kind=bulk", &admin_b).await;
    assert_eq!(b["items"], json!([]));
    let (_, a_page) = get(&server, "/api/v1/audit?limit=1", &admin).await;
    let (status, b) = get(
        &server,
        &format!("/api/v1/audit?cursor={}", a_page["next"].as_str().unwrap()),
        &admin_b,
    )
    .await;
    // From there on, B's own entries only (its creation), none of A's.
    assert_eq!(status, StatusCode::OK);
    assert_eq!(b["items"].as_array().unwrap().len(), 1, "{b}");
    assert_eq!(b["items"][0]["detail"], json!({ "name": "Beta" }));
    let reader = token_with(
        &server,
        &admin,
        &["fms.actiontoken.read", "fms.device.read"],
    )
    .await;
    for path in ["/api/v1/audit", "/api/v1/audit-log.csv"] {
        let (status, body) = get(&server, path, &reader).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (StatusCode::FORBIDDEN, &json!("forbidden")),
            "{path}"
        );
    }
    for query in [
        "?from=soon".to_owned(),
        "?to=".to_owned(),
        format!("?actor={}", "a".repeat(201)),
    ] {
        let (status, body) = get(&server, &format!("/api/v1/audit{query}"), &admin).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (StatusCode::BAD_REQUEST, &json!("bad_query")),
            "{query}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn the_audit_csv_streams_every_entry_of_the_filter_with_formulas_neutralised() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let at = now_ms() + 86_400_000;
    // More entries than one page of the export, under an actor whose name a spreadsheet would run.
    let rows = 1_234;
    audit_entries(&server, "=HYPERLINK(\"http://x\")", "bulk.import", at, rows).await;
    for (i, actor) in ["+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain"]
        .iter()
        .enumerate()
    {
        audit_entries(&server, actor, "guard.test", at + 10_000 + i as i64, 1).await;
    }

    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/audit-log.csv?kind=bulk.import",
            server.url
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    // Streamed: the length is not known before the last page is read.
    assert!(response.headers().get("content-length").is_none());
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "at,actor,action,target,detail,remote");
    assert_eq!(lines.len() as i64, 1 + rows);
    // Oldest first, each entry once, the formula neutralised with a leading quote (and the field quoted for its
    // own quotes).
    for (i, line) in lines[1..].iter().enumerate() {
        assert!(
            line.ends_with(&format!(",bulk.import,thing/{i},\"{{\"\"n\"\":{i}}}\",")),
            "{line}"
        );
        assert!(
            line.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
            "{line}"
        );
    }

    let guarded = reqwest::Client::new()
        .get(format!("{}/api/v1/audit-log.csv?kind=guard", server.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let actors: Vec<&str> = guarded
        .split(",guard.test,")
        .filter_map(|part| part.rsplit_once("Z,").map(|(_, actor)| actor))
        .collect();
    assert_eq!(
        actors,
        ["'+1", "'-1", "'@SUM(A1)", "'\tx", "\"'\rx\"", "plain"]
    );

    // Unfiltered: everything, the seeding's entries first.
    let all = reqwest::Client::new()
        .get(format!("{}/api/v1/audit-log.csv", server.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let count = all.matches("\r\n").count() as i64;
    assert!(count > 1 + rows + 6, "{count}");
    assert!(all.lines().nth(1).unwrap().contains("seed-demo"));
    server.stop().await;
}

/// Migration 0010 files what was received before it (without duplicates, which were never kept) under the
/// carrier's organisation, naming a token only when it is that organisation's; anonymous rows have no organisation.
#[tokio::test]
async fn the_migration_files_earlier_redemptions_in_the_history() {
    if skipped_on_postgres(
        "the_migration_files_earlier_redemptions_in_the_history",
        "a SQLite file made before migration 0010 is what it migrates; no PostgreSQL database predates it",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    // The database as it was before migration 0010.
    let options = url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .unwrap()
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 10)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    for statement in [
        "INSERT INTO organisations (id, name, sealed_directory_key, created_at) VALUES (1, 'Acme', x'00', 0), (2, 'Beta', x'00', 0)",
        "INSERT INTO signing_keys (id, org_id, public_key, sealed_seed, status, created_at) VALUES (1, 2, zeroblob(32), x'00', 'active', 0)",
        "INSERT INTO action_tokens (id, org_id, name, action, expires_at_s, key_id, sealed_code, code_lookup, created_at)
         VALUES (7, 1, 'Repair', 'put_in_repair', 0, 1, x'00', x'01', 0), (8, 2, 'Beta stock', 'put_in_stock', 0, 1, x'00', x'02', 0)",
        "INSERT INTO api_tokens (id, org_id, name, secret_hash, permissions, created_at) VALUES (4, 1, 'Phone', zeroblob(32), '', 0)",
        "INSERT INTO redemptions (scope_org, principal, id, payload_hash, org_id, status, reason, token_id, device_id, scanned_at, received_at, client_id, operator) VALUES
            (1, 'device:5', 'r-1', x'00', 1, 'applied', NULL, 7, 5, 1000, 1100, NULL, NULL),
            (1, 'api:4', 'r-2', x'00', 2, 'rejected', 'other_org', 8, 6, 2000, 2100, 4, NULL),
            (1, 'operator:3', 'r-3', x'00', 1, 'superseded', NULL, 7, 5, 3000, 3100, 4, 3),
            (0, 'anonymous', 'r-4', x'00', 1, 'rejected', 'unknown_token', NULL, 5, 4000, 4100, NULL, NULL)",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let store = fieldtoken_mdm::Store::open(&url).await.unwrap();
    let mut tx = store.read().await.unwrap();
    let org = |id| fieldtoken_core::OrgId::new(id).unwrap();
    let filter = fieldtoken_mdm::store::history::HistoryFilter {
        limit: 10,
        ..Default::default()
    };
    let acme = fieldtoken_mdm::store::history::list(&mut tx, org(1), &filter)
        .await
        .unwrap();
    let seen: Vec<_> = acme
        .iter()
        .map(|r| {
            (
                r.redemption_id.as_str(),
                r.status.as_str(),
                r.carrier_kind.as_str(),
                r.carrier_id,
                r.token.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "r-3",
                "superseded",
                "operator",
                3,
                Some((7, "Repair".to_owned()))
            ),
            // Beta's token, scanned by Acme's phone: Acme's history does not name it.
            ("r-2", "rejected", "api_token", 4, None),
            (
                "r-1",
                "applied",
                "device",
                5,
                Some((7, "Repair".to_owned()))
            ),
        ]
    );
    assert_eq!(acme[1].carrier_name.as_deref(), Some("Phone"));
    assert!(
        fieldtoken_mdm::store::history::list(&mut tx, org(2), &filter)
            .await
            .unwrap()
            .is_empty()
    );
}
