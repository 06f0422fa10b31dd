//! Devices (issue 19): registered one at a time or imported from a CSV file (a preview, then all or nothing),
//! listed a page at a time with search and filters, moved by hand under the redemption rule, retired; each change
//! needs `fms.device.write`, is audited, and stays inside the caller's organisation.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fleets::{audited, empty_org};
use crate::support::{TestServer, call, created, postgres_admin, postgres_plan, token_with};

async fn import(server: &TestServer, bearer: &str, apply: bool, csv: &str) -> (StatusCode, Value) {
    let path = if apply {
        "/api/v1/devices/import"
    } else {
        "/api/v1/devices/import/preview"
    };
    call(
        server,
        Method::POST,
        path,
        Some(bearer),
        Some(json!({ "csv": csv })),
    )
    .await
}

async fn device_count(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM devices")
        .fetch_one(&server.db)
        .await
        .unwrap()
}

/// Every serial of the list at `query`, following `next` pages of `limit`.
async fn all_serials(
    server: &TestServer,
    bearer: &str,
    query: &str,
    limit: u32,
) -> (Vec<String>, usize) {
    let mut serials = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/devices?limit={limit}{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = call(server, Method::GET, &path, Some(bearer), None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        pages += 1;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit as usize);
        serials.extend(
            items
                .iter()
                .map(|d| d["serial"].as_str().unwrap().to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    (serials, pages)
}

fn code(answer: &Value) -> Option<&str> {
    answer["error"]["code"].as_str()
}

#[tokio::test]
async fn a_device_is_registered_with_a_checked_serial_and_a_start() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    let fleet = created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": "North" }),
    )
    .await;
    let device = created(
        &server,
        &admin,
        "/api/v1/devices",
        json!({ "serial": " sn-0001 ", "fleet_id": fleet["id"] }),
    )
    .await;
    assert_eq!(device["serial"], "SN-0001");
    assert_eq!(device["state"], "in_fleet");
    assert_eq!(device["fleet_id"], fleet["id"]);
    assert_eq!(device["enrolled"], false);
    let repair = created(
        &server,
        &admin,
        "/api/v1/devices",
        json!({ "serial": "SN-0002", "state": "in_repair" }),
    )
    .await;
    assert_eq!(
        (repair["state"].as_str(), repair.get("fleet_id")),
        (Some("in_repair"), None)
    );
    let stock = created(
        &server,
        &admin,
        "/api/v1/devices",
        json!({ "serial": "SN-0003" }),
    )
    .await;
    assert_eq!(stock["state"], "in_stock");

    for (body, status, expected) in [
        (
            json!({ "serial": "SN-0001" }),
            StatusCode::CONFLICT,
            "serial_taken",
        ),
        (
            json!({ "serial": "sn-0001" }),
            StatusCode::CONFLICT,
            "serial_taken",
        ),
        (
            json!({ "serial": "SN 4" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_serial",
        ),
        (
            json!({ "serial": "" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_serial",
        ),
        (
            json!({ "serial": "S".repeat(65) }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_serial",
        ),
        (
            json!({ "serial": "SN-5", "fleet_id": 4_000_000_000_u32 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_fleet",
        ),
        (
            json!({ "serial": "SN-5", "state": "in_fleet" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_fleet",
        ),
        (
            json!({ "serial": "SN-5", "state": "in_stock", "fleet_id": fleet["id"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({ "serial": "SN-5", "state": "lost" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({ "serial": 5 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        let (got, answer) = call(
            &server,
            Method::POST,
            "/api/v1/devices",
            Some(&admin),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (got, code(&answer)),
            (status, Some(expected)),
            "{body}: {answer}"
        );
    }
    assert_eq!(device_count(&server).await, 3);
    let reader = token_with(&server, &admin, &["fms.device.read", "fms.fleet.write"]).await;
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/devices",
        Some(&reader),
        Some(json!({ "serial": "SN-9" })),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    assert!(
        audited(&server, &admin)
            .await
            .iter()
            .filter(|a| *a == "device.register")
            .count()
            == 3
    );
    server.stop().await;
}

#[tokio::test]
async fn an_import_is_previewed_row_by_row_then_applied_whole_or_not_at_all() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": "North" }),
    )
    .await;
    created(
        &server,
        &admin,
        "/api/v1/devices",
        json!({ "serial": "OLD-1" }),
    )
    .await;
    let bad = "serial,fleet\nA-1,North\nA-2,Nowhere\na-1,North\nOLD-1,\nA 5,North\nA-6,in_repair\n";
    let (status, report) = import(&server, &admin, false, bad).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (
            report["rows"].as_u64(),
            report["ok"].as_u64(),
            report["applied"].as_bool()
        ),
        (Some(6), Some(2), Some(false))
    );
    let problems: Vec<(u64, &str)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (3, "unknown_fleet"),
            (4, "duplicate_in_file"),
            (5, "already_registered"),
            (6, "bad_serial")
        ]
    );
    // A preview registers nothing, and neither does an apply of a file with any bad row.
    assert_eq!(device_count(&server).await, 1);
    let (status, answer) = import(&server, &admin, true, bad).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("import_refused"))
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("4 of 6 rows"),
        "{answer}"
    );
    assert_eq!(device_count(&server).await, 1);
    let (status, answer) = import(&server, &admin, true, "serial\n\n").await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("import_refused"))
    );

    // 300 good rows and one bad one at the end: still nothing.
    let mut one_bad: String = (0..300).map(|n| format!("G-{n},North\n")).collect();
    one_bad.push_str("G 300,North\n");
    let (status, answer) = import(&server, &admin, true, &one_bad).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("import_refused"))
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("row 301"),
        "{answer}"
    );
    assert_eq!(device_count(&server).await, 1);

    // The same file made good goes in whole.
    let good = "serial,fleet\nA-1,North\nA-2,\nA-3,north\nA-6,in_repair\n";
    let (status, report) = import(&server, &admin, true, good).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(
        (report["ok"].as_u64(), report["applied"].as_bool()),
        (Some(4), Some(true))
    );
    assert_eq!(device_count(&server).await, 5);
    let (_, north) = call(
        &server,
        Method::GET,
        "/api/v1/devices?state=in_fleet",
        Some(&admin),
        None,
    )
    .await;
    let serials: Vec<&str> = north["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["serial"].as_str().unwrap())
        .collect();
    assert_eq!(serials, vec!["A-1", "A-3"]);
    // Importing it again: every row is registered already.
    let (_, report) = import(&server, &admin, false, good).await;
    assert_eq!(report["ok"], 0);
    assert!(
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["outcome"] == "already_registered")
    );
    assert!(
        audited(&server, &admin)
            .await
            .contains(&"device.import".to_owned())
    );

    // Too many rows is refused before anything else; the permission is needed for a preview too.
    let huge: String = (0..=100_000).map(|n| format!("S-{n}\n")).collect();
    let (status, answer) = import(&server, &admin, false, &huge).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("import_too_large"))
    );
    let reader = token_with(&server, &admin, &["fms.device.read"]).await;
    let (status, _) = import(&server, &reader, false, good).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.stop().await;
}

/// An import has a body limit of its own, far above the API's 2 MiB: 100,000 long serials with fleet names fit.
#[tokio::test]
async fn a_full_size_import_fits_its_body_limit_and_a_larger_body_is_refused() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": "Field team with a long name" }),
    )
    .await;
    let csv: String = (0..100_000)
        .map(|n| {
            format!(
                "SERIAL-{n:010}-{}-X,Field team with a long name\n",
                "0".repeat(20)
            )
        })
        .collect();
    assert!(csv.len() > 6 * 1024 * 1024, "{}", csv.len());
    let (status, report) = import(&server, &admin, false, &csv).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["ok"], 100_000);
    let (status, answer) = import(&server, &admin, false, &"A\n".repeat(9 * 1024 * 1024)).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large"))
    );
    server.stop().await;
}

#[tokio::test]
async fn the_list_pages_by_serial_with_search_and_filters() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    let north = created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": "North" }),
    )
    .await;
    let mut csv = String::from("serial,fleet\n");
    for n in 0..250 {
        let place = match n % 5 {
            0 => "in_repair",
            1 | 2 => "North",
            _ => "",
        };
        csv.push_str(&format!("D-{n:04},{place}\n"));
    }
    let (status, report) = import(&server, &admin, true, &csv).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");

    let (serials, pages) = all_serials(&server, &admin, "", 100).await;
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..250).map(|n| format!("D-{n:04}")).collect();
    assert_eq!(serials, expected, "every device once, by serial");
    let (in_north, _) =
        all_serials(&server, &admin, &format!("&fleet_id={}", north["id"]), 30).await;
    assert_eq!(in_north.len(), 100);
    let (repair, _) = all_serials(&server, &admin, "&state=in_repair", 200).await;
    assert_eq!(repair.len(), 50);
    let (found, _) = all_serials(&server, &admin, "&serial=d-012", 50).await;
    assert_eq!(
        found,
        (120..130).map(|n| format!("D-{n:04}")).collect::<Vec<_>>()
    );
    let (found, _) = all_serials(&server, &admin, "&serial=D-01&state=in_repair", 50).await;
    assert_eq!(
        found,
        (100..200)
            .filter(|n| n % 5 == 0)
            .map(|n| format!("D-{n:04}"))
            .collect::<Vec<_>>()
    );
    let (none, _) = all_serials(&server, &admin, "&serial=ZZ", 50).await;
    assert!(none.is_empty());
    // Without a limit a page holds 50.
    let (_, first) = call(&server, Method::GET, "/api/v1/devices", Some(&admin), None).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    assert!(first["next"].is_string());

    for (query, expected) in [
        ("limit=0", "bad_query"),
        ("limit=201", "bad_query"),
        ("cursor=abc", "bad_cursor"),
        ("state=lost", "bad_query"),
        ("fleet_id=0", "bad_query"),
        ("colour=red", "bad_query"),
        // 65 characters: longer than any serial.
        (
            "serial=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS",
            "bad_query",
        ),
    ] {
        let (status, answer) = call(
            &server,
            Method::GET,
            &format!("/api/v1/devices?{query}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::BAD_REQUEST, Some(expected)),
            "{query}: {answer}"
        );
    }
    // The plan behind each filter is an index search, never a scan of the table.
    let queries = [
        "SELECT id FROM devices WHERE org_id = 1 AND retired_at IS NULL AND serial >= 'D' AND serial < 'E' ORDER BY serial LIMIT 51",
        "SELECT id FROM devices WHERE org_id = 1 AND retired_at IS NULL AND fleet_id = 1 ORDER BY serial LIMIT 51",
        "SELECT id FROM devices WHERE org_id = 1 AND retired_at IS NULL AND state = 'in_stock' ORDER BY serial LIMIT 51",
    ];
    if postgres_admin().is_some() {
        // With scans of the table and sorting priced out, a plan still scanning or sorting has no index for it.
        for sql in queries {
            let plan = postgres_plan(
                &server.db_url,
                &["enable_seqscan", "enable_bitmapscan", "enable_sort"],
                sql,
            )
            .await;
            assert!(plan.contains("using devices_live_by"), "{sql}: {plan}");
            assert!(!plan.contains("Sort"), "sorted by the index: {plan}");
        }
    } else {
        let mut plans = Vec::new();
        for sql in queries {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(&server.db)
                    .await
                    .unwrap();
            plans.push(rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; "));
        }
        for plan in &plans {
            assert!(
                plan.contains("USING INDEX devices_live_by")
                    || plan.contains("USING COVERING INDEX devices_live_by"),
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "sorted by the index: {plan}");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn a_device_moved_by_hand_follows_the_redemption_rule_and_wins_over_older_scans() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    let north = created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": "North" }),
    )
    .await;
    let south = created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": "South" }),
    )
    .await;
    let device = created(
        &server,
        &admin,
        "/api/v1/devices",
        json!({ "serial": "M-1", "fleet_id": north["id"] }),
    )
    .await;
    let id = device["id"].as_u64().unwrap();
    let token = created(&server, &admin, "/api/v1/action-tokens", json!({
        "name": "To repair", "action": { "type": "put_in_repair" }, "expires_at": "2099-01-01T00:00:00Z"
    })).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let scanned_at = fieldtoken_mdm::clock::now().as_millis();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    let path = format!("/api/v1/devices/{id}/move");
    let (status, moved) = call(
        &server,
        Method::POST,
        &path,
        Some(&admin),
        Some(json!({ "action": { "type": "put_in_fleet", "fleet_id": south["id"] } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(
        (moved["state"].as_str(), &moved["fleet_id"]),
        (Some("in_fleet"), &south["id"])
    );
    // The scan made before the move arrives after it: the admin's move is the latest word.
    let (status, synced) = call(
        &server,
        Method::POST,
        "/api/v1/sync",
        Some(&admin),
        Some(json!({ "redemptions": [
        { "id": "scan-1", "token": token["code"], "device_id": id, "scanned_at": scanned_at }
    ] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{synced}");
    assert_eq!(synced["results"][0]["status"], "superseded");
    let (_, now) = call(
        &server,
        Method::GET,
        &format!("/api/v1/devices/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(now["fleet_id"], south["id"]);

    for (body, status, expected) in [
        (
            json!({ "action": { "type": "put_in_fleet", "fleet_id": 4_000_000_000_u32 } }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_fleet",
        ),
        (
            json!({ "action": { "type": "put_in_fleet" } }),
            StatusCode::BAD_REQUEST,
            "bad_format",
        ),
        (
            json!({ "action": { "type": "put_in_orbit" } }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        let (got, answer) = call(
            &server,
            Method::POST,
            &path,
            Some(&admin),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (got, code(&answer)),
            (status, Some(expected)),
            "{body}: {answer}"
        );
    }
    let (status, stocked) = call(
        &server,
        Method::POST,
        &path,
        Some(&admin),
        Some(json!({ "action": { "type": "put_in_stock" } })),
    )
    .await;
    assert_eq!(
        (status, stocked["state"].as_str(), stocked.get("fleet_id")),
        (StatusCode::OK, Some("in_stock"), None)
    );
    let reader = token_with(&server, &admin, &["fms.device.read"]).await;
    let (status, _) = call(
        &server,
        Method::POST,
        &path,
        Some(&reader),
        Some(json!({ "action": { "type": "put_in_repair" } })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let moves = audited(&server, &admin)
        .await
        .iter()
        .filter(|a| *a == "device.move")
        .count();
    assert_eq!(moves, 2);
    server.stop().await;
}

#[tokio::test]
async fn a_retired_device_leaves_the_lists_the_bundle_and_sync_but_keeps_its_row() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    let device = created(
        &server,
        &admin,
        "/api/v1/devices",
        json!({ "serial": "R-1" }),
    )
    .await;
    created(
        &server,
        &admin,
        "/api/v1/devices",
        json!({ "serial": "R-2" }),
    )
    .await;
    let id = device["id"].as_u64().unwrap();
    let token = created(&server, &admin, "/api/v1/action-tokens", json!({
        "name": "To repair", "action": { "type": "put_in_repair" }, "expires_at": "2099-01-01T00:00:00Z"
    })).await;
    let (_, before) = call(
        &server,
        Method::GET,
        "/api/v1/offline-bundle",
        Some(&admin),
        None,
    )
    .await;
    let reader = token_with(&server, &admin, &["fms.device.read"]).await;
    let (status, _) = call(
        &server,
        Method::POST,
        &format!("/api/v1/devices/{id}/retire"),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = call(
        &server,
        Method::POST,
        &format!("/api/v1/devices/{id}/retire"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(
        &server,
        Method::GET,
        &format!("/api/v1/devices/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = call(&server, Method::GET, "/api/v1/devices", Some(&admin), None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (_, bundle) = call(
        &server,
        Method::GET,
        "/api/v1/offline-bundle",
        Some(&admin),
        None,
    )
    .await;
    assert!(bundle["version"].as_i64() > before["version"].as_i64());
    assert!(
        !bundle["devices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"].as_u64() == Some(id)),
        "{bundle}"
    );
    let (_, synced) = call(&server, Method::POST, "/api/v1/sync", Some(&admin), Some(json!({ "redemptions": [
        { "id": "late-1", "token": token["code"], "device_id": id, "scanned_at": fieldtoken_mdm::clock::now().as_millis() }
    ] }))).await;
    assert_eq!(
        (
            synced["results"][0]["status"].as_str(),
            synced["results"][0]["reason"].as_str()
        ),
        (Some("rejected"), Some("unknown_device"))
    );
    // The row is kept for history, and its serial stays its own.
    let retired: Option<i64> = sqlx::query_scalar("SELECT retired_at FROM devices WHERE id = ?")
        .bind(id as i64)
        .fetch_one(&server.db)
        .await
        .unwrap();
    assert!(retired.is_some());
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/devices",
        Some(&admin),
        Some(json!({ "serial": "r-1" })),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::CONFLICT, Some("serial_taken"))
    );
    for (method, path, body) in [
        (Method::POST, format!("/api/v1/devices/{id}/retire"), None),
        (
            Method::POST,
            format!("/api/v1/devices/{id}/move"),
            Some(json!({ "action": { "type": "put_in_stock" } })),
        ),
        (
            Method::POST,
            format!("/api/v1/devices/{id}/enrolment"),
            Some(json!({})),
        ),
    ] {
        let (status, _) = call(&server, method, &path, Some(&admin), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert!(
        audited(&server, &admin)
            .await
            .contains(&"device.retire".to_owned())
    );
    server.stop().await;
}

#[tokio::test]
async fn another_organisation_can_neither_see_nor_touch_a_device() {
    let server = TestServer::start().await;
    let admin_a = empty_org(&server, "Acme").await;
    let admin_b = empty_org(&server, "Beta").await;
    let fleet_b = created(&server, &admin_b, "/api/v1/fleets", json!({ "name": "B" })).await;
    let fleet_a = created(&server, &admin_a, "/api/v1/fleets", json!({ "name": "A" })).await;
    let device = created(
        &server,
        &admin_a,
        "/api/v1/devices",
        json!({ "serial": "SHARED-1", "fleet_id": fleet_a["id"] }),
    )
    .await;
    let id = device["id"].as_u64().unwrap();
    let missing = 4_000_000_000_u64;
    for (method, suffix, body) in [
        (Method::GET, "", None),
        (
            Method::POST,
            "/move",
            Some(json!({ "action": { "type": "put_in_fleet", "fleet_id": fleet_b["id"] } })),
        ),
        (Method::POST, "/retire", None),
    ] {
        let (status, answer) = call(
            &server,
            method.clone(),
            &format!("/api/v1/devices/{id}{suffix}"),
            Some(&admin_b),
            body.clone(),
        )
        .await;
        let (_, missing_answer) = call(
            &server,
            method.clone(),
            &format!("/api/v1/devices/{missing}{suffix}"),
            Some(&admin_b),
            body,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {suffix}");
        assert_eq!(
            answer, missing_answer,
            "{method} {suffix}: the same 404 as for no device"
        );
    }
    // Not in B's list, search or filters; B may register the same serial for a device of its own.
    for query in [
        "",
        "?serial=SHARED",
        &format!("?fleet_id={}", fleet_a["id"]),
    ] {
        let (_, list) = call(
            &server,
            Method::GET,
            &format!("/api/v1/devices{query}"),
            Some(&admin_b),
            None,
        )
        .await;
        assert_eq!(list["items"], json!([]), "{query}");
    }
    // A's cursor in B's list finds nothing of A's.
    let (_, list) = call(
        &server,
        Method::GET,
        &format!("/api/v1/devices?cursor={id}"),
        Some(&admin_b),
        None,
    )
    .await;
    assert_eq!(list["items"], json!([]));
    let (_, report) = import(&server, &admin_b, false, "SHARED-1,A\n").await;
    assert_eq!(report["problems"][0]["outcome"], "unknown_fleet");
    let (status, _) = import(&server, &admin_b, true, "SHARED-1,B\n").await;
    assert_eq!(status, StatusCode::CREATED);
    // A's device is where A left it.
    let (_, mine) = call(
        &server,
        Method::GET,
        &format!("/api/v1/devices/{id}"),
        Some(&admin_a),
        None,
    )
    .await;
    assert_eq!(mine["fleet_id"], fleet_a["id"]);
    server.stop().await;
}
