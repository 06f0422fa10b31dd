//! Fleets (issue 19): created, renamed, listed with their device counts and deleted through the API, unique names,
//! `fms.fleet.write` for every change, every change audited, and another organisation's fleets out of sight. Also
//! `fieldtoken-mdm org create`, which starts an organisation with nothing but its first admin token.

use std::process::{Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    TestServer, call, created, fresh_database, key_args, listening_url, token_with,
};

/// An organisation with nothing in it, made as `org create` makes one; its admin token.
pub async fn empty_org(server: &TestServer, name: &str) -> String {
    fieldtoken_mdm::seed_demo::create_empty(
        &server.store,
        &server.master,
        name,
        fieldtoken_mdm::clock::now(),
    )
    .await
    .expect("an empty organisation")
    .admin_token
}

/// The audit log's actions for the organisation of `admin`, oldest first.
pub async fn audited(server: &TestServer, admin: &str) -> Vec<String> {
    let (_, me) = call(server, Method::GET, "/api/v1/me", Some(admin), None).await;
    sqlx::query_scalar("SELECT action FROM audit_log WHERE org_id = ? ORDER BY id")
        .bind(me["org"]["id"].as_i64().unwrap())
        .fetch_all(&server.db)
        .await
        .unwrap()
}

async fn fleets(server: &TestServer, bearer: &str) -> Vec<(String, u64)> {
    let (status, answer) = call(server, Method::GET, "/api/v1/fleets", Some(bearer), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["device_count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn org_create_starts_an_empty_organisation_whose_token_can_do_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(&dir.path().join("mdm.db"));
    let bin = env!("CARGO_BIN_EXE_fieldtoken-mdm");
    let create = |name: &str| {
        Command::new(bin)
            .args(["org", "create", "--name", name, "--db", &db])
            .args(key_args(&db, dir.path()))
            .output()
            .unwrap()
    };
    let made = create("Acme Field Services");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let printed: Value = serde_json::from_slice(&made.stdout).unwrap();
    assert_eq!(printed["org"]["name"], "Acme Field Services");
    let admin = printed["admin_token"].as_str().unwrap().to_owned();
    // The name is the server's to give once.
    let again = create("Acme Field Services");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let mut child = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--db", &db, "--web"])
        .arg(dir.path().join("no-pwa"))
        .args(key_args(&db, dir.path()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = listening_url(&mut child);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let get = |path: &str| {
            client
                .get(format!("{url}{path}"))
                .bearer_auth(&admin)
                .send()
        };
        let me: Value = get("/api/v1/me").await.unwrap().json().await.unwrap();
        assert_eq!(
            me["permissions"].as_array().unwrap().len(),
            fieldtoken_core::Permission::ALL.len()
        );
        // Nothing of the demo: no fleet, device or token.
        for path in ["/api/v1/fleets", "/api/v1/devices", "/api/v1/action-tokens"] {
            let list: Value = get(path).await.unwrap().json().await.unwrap();
            assert_eq!(list["items"], json!([]), "{path}");
        }
        // And it works from there: a fleet, then a device in it.
        let fleet: Value = client
            .post(format!("{url}/api/v1/fleets"))
            .bearer_auth(&admin)
            .json(&json!({ "name": "North" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let device = client
            .post(format!("{url}/api/v1/devices"))
            .bearer_auth(&admin)
            .json(&json!({ "serial": "n-1", "fleet_id": fleet["id"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(device.status(), StatusCode::CREATED);
    });
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
}

#[tokio::test]
async fn fleets_are_created_renamed_counted_and_deleted_once_empty() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    let north = created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": " North " }),
    )
    .await;
    assert_eq!(north["name"], "North");
    assert_eq!(north["device_count"], 0);
    let id = north["id"].as_u64().unwrap();
    created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": "South" }),
    )
    .await;

    // Names are unique in the organisation, on create and on rename.
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/fleets",
        Some(&admin),
        Some(json!({ "name": "North" })),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("name_taken"))
    );
    let (status, answer) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/fleets/{id}"),
        Some(&admin),
        Some(json!({ "name": "South" })),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("name_taken"))
    );
    for bad in [
        json!({ "name": "" }),
        json!({ "name": "a\tb" }),
        json!({ "name": "x".repeat(101) }),
    ] {
        let (status, answer) = call(
            &server,
            Method::POST,
            "/api/v1/fleets",
            Some(&admin),
            Some(bad),
        )
        .await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_name"))
        );
    }
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/fleets",
        Some(&admin),
        Some(json!({ "name": "X", "colour": "red" })),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body"))
    );

    let (status, renamed) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/fleets/{id}"),
        Some(&admin),
        Some(json!({ "name": "North coast" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "North coast");

    // Two devices in it: counted, and the fleet cannot go while they are there.
    for serial in ["N-1", "N-2"] {
        created(
            &server,
            &admin,
            "/api/v1/devices",
            json!({ "serial": serial, "fleet_id": id }),
        )
        .await;
    }
    assert_eq!(
        fleets(&server, &admin).await,
        vec![("North coast".into(), 2), ("South".into(), 0)]
    );
    let (status, answer) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/fleets/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("fleet_not_empty"))
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2 device"),
        "{answer}"
    );

    // One moved away, one retired: empty as far as the lists go, so it may go.
    let (_, devices) = call(
        &server,
        Method::GET,
        &format!("/api/v1/devices?fleet_id={id}"),
        Some(&admin),
        None,
    )
    .await;
    let first = devices["items"][0]["id"].as_u64().unwrap();
    let second = devices["items"][1]["id"].as_u64().unwrap();
    let (status, _) = call(
        &server,
        Method::POST,
        &format!("/api/v1/devices/{first}/move"),
        Some(&admin),
        Some(json!({ "action": { "type": "put_in_stock" } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &server,
        Method::POST,
        &format!("/api/v1/devices/{second}/retire"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // A live action token that puts devices in it still holds it: its scans would all fail in the field.
    let token = created(&server, &admin, "/api/v1/action-tokens", json!({
        "name": "To north", "action": { "type": "put_in_fleet", "fleet_id": id }, "expires_at": "2099-01-01T00:00:00Z"
    })).await;
    let (status, answer) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/fleets/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("fleet_in_use"))
    );
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/action-tokens/{}", token["id"]),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/fleets/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(fleets(&server, &admin).await, vec![("South".into(), 0)]);
    // The retired device's row is kept, in stock now that its fleet is gone.
    let kept: (String, Option<i64>) =
        sqlx::query_as("SELECT state, retired_at FROM devices WHERE id = ?")
            .bind(second as i64)
            .fetch_one(&server.db)
            .await
            .unwrap();
    assert_eq!(kept.0, "in_stock");
    assert!(kept.1.is_some());
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/fleets/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let log = audited(&server, &admin).await;
    for action in ["fleet.create", "fleet.rename", "fleet.delete"] {
        assert!(log.iter().any(|a| a == action), "{action} in {log:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn changing_fleets_needs_fleet_write() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    let fleet = created(
        &server,
        &admin,
        "/api/v1/fleets",
        json!({ "name": "North" }),
    )
    .await;
    let path = format!("/api/v1/fleets/{}", fleet["id"]);
    let reader = token_with(&server, &admin, &["fms.fleet.read", "fms.device.write"]).await;
    for (method, path, body) in [
        (
            Method::POST,
            "/api/v1/fleets",
            Some(json!({ "name": "South" })),
        ),
        (
            Method::PATCH,
            path.as_str(),
            Some(json!({ "name": "South" })),
        ),
        (Method::DELETE, path.as_str(), None),
    ] {
        let (status, answer) = call(&server, method.clone(), path, Some(&reader), body).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{method} {path}"
        );
    }
    let (status, _) = call(
        &server,
        Method::POST,
        "/api/v1/fleets",
        None,
        Some(json!({ "name": "South" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Reading stays open to the reader, and nothing changed.
    assert_eq!(fleets(&server, &reader).await, vec![("North".into(), 0)]);
    let writer = token_with(&server, &admin, &["fms.fleet.write"]).await;
    let (status, _) = call(
        &server,
        Method::PATCH,
        &path,
        Some(&writer),
        Some(json!({ "name": "North 2" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn another_organisations_fleets_are_not_there() {
    let server = TestServer::start().await;
    let admin_a = empty_org(&server, "Acme").await;
    let admin_b = empty_org(&server, "Beta").await;
    let fleet = created(
        &server,
        &admin_a,
        "/api/v1/fleets",
        json!({ "name": "North" }),
    )
    .await;
    let theirs = format!("/api/v1/fleets/{}", fleet["id"]);
    let missing = "/api/v1/fleets/4000000000";
    // Beta may name its own fleet like Acme's: names are unique per organisation.
    created(
        &server,
        &admin_b,
        "/api/v1/fleets",
        json!({ "name": "North" }),
    )
    .await;
    for (method, body) in [
        (Method::PATCH, Some(json!({ "name": "Mine" }))),
        (Method::DELETE, None),
    ] {
        let (status, answer) = call(
            &server,
            method.clone(),
            &theirs,
            Some(&admin_b),
            body.clone(),
        )
        .await;
        let (missing_status, missing_answer) =
            call(&server, method.clone(), missing, Some(&admin_b), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(
            (status, &answer),
            (missing_status, &missing_answer),
            "{method}: the same 404 as for no fleet"
        );
    }
    // Beta cannot put a device in Acme's fleet either: to Beta it does not exist.
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/devices",
        Some(&admin_b),
        Some(json!({ "serial": "B-1", "fleet_id": fleet["id"] })),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_fleet"))
    );
    assert_eq!(fleets(&server, &admin_a).await, vec![("North".into(), 0)]);
    assert_eq!(fleets(&server, &admin_b).await, vec![("North".into(), 0)]);
    server.stop().await;
}

/// Fleets come a page at a time, by name: every fleet once, `next` only while more follow, a cursor that is not a
/// position 400 `bad_cursor`, and another organisation's fleet as a cursor shows nothing of it.
#[tokio::test]
async fn fleets_are_listed_a_page_at_a_time_by_name() {
    let server = TestServer::start().await;
    let admin = empty_org(&server, "Acme").await;
    let other = empty_org(&server, "Bolt").await;
    for name in ["Delta", "alpha", "Charlie", "Bravo", "Echo"] {
        created(&server, &admin, "/api/v1/fleets", json!({ "name": name })).await;
    }
    let theirs = created(&server, &other, "/api/v1/fleets", json!({ "name": "Zulu" })).await;

    let mut names = Vec::new();
    let mut path = "/api/v1/fleets?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let (status, page) = call(&server, Method::GET, &path, Some(&admin), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2, "{page}");
        names.extend(items.iter().map(|f| f["name"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/fleets?limit=2&cursor={next}"),
            None => break,
        }
    }
    // Byte order, as both engines store names: capitals first.
    assert_eq!(names, ["Bravo", "Charlie", "Delta", "Echo", "alpha"]);
    assert_eq!(pages, 3);

    let (status, answer) = call(
        &server,
        Method::GET,
        "/api/v1/fleets?cursor=abc",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_cursor"))
    );
    let path = format!("/api/v1/fleets?cursor={}", theirs["id"]);
    let (status, answer) = call(&server, Method::GET, &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["items"],
        json!([]),
        "another organisation's fleet is no position in this list"
    );
    server.stop().await;
}
