//! Many tokens at once, for print sheets: `POST /api/v1/action-tokens/batch` (one per fleet, numbered copies, all
//! or none, within the caller's organisation), `POST /api/v1/action-tokens/{id}/duplicate`, and the list's `ids`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call, created, token_with};

const LATER: &str = "2099-01-01T00:00:00Z";

async fn fleet_ids(server: &TestServer, admin: &str) -> Vec<u64> {
    let (status, fleets) = call(server, Method::GET, "/api/v1/fleets", Some(admin), None).await;
    assert_eq!(status, StatusCode::OK, "{fleets}");
    fleets["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_u64().unwrap())
        .collect()
}

/// The names of the organisation's live tokens, newest first.
async fn names(server: &TestServer, admin: &str) -> Vec<String> {
    let (status, page) = call(
        server,
        Method::GET,
        "/api/v1/action-tokens?limit=200",
        Some(admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

fn item(name: &str, action: Value) -> Value {
    json!({ "name": name, "action": action, "expires_at": LATER })
}

#[tokio::test]
async fn a_batch_makes_one_token_per_fleet_and_numbered_copies() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let fleets = fleet_ids(&server, &admin).await;
    assert!(fleets.len() >= 2, "the demo has several fleets");

    let per_fleet: Vec<Value> = fleets
        .iter()
        .map(|&id| {
            item(
                &format!("To fleet {id}"),
                json!({ "type": "put_in_fleet", "fleet_id": id }),
            )
        })
        .collect();
    let answer = created(
        &server,
        &admin,
        "/api/v1/action-tokens/batch",
        json!({ "items": per_fleet }),
    )
    .await;
    let made = answer["items"].as_array().unwrap();
    assert_eq!(made.len(), fleets.len());
    for (token, &fleet) in made.iter().zip(&fleets) {
        assert_eq!(
            token["action"],
            json!({ "type": "put_in_fleet", "fleet_id": fleet })
        );
        assert_eq!(token["name"], format!("To fleet {fleet}"));
        assert_eq!(token["qr"]["old"], token["code"]);
        assert!(token["qr"]["new"].as_str().unwrap().len() > 40, "{token}");
    }

    let copies: Vec<Value> = (1..=5)
        .map(|n| item(&format!("Repair {n}"), json!({ "type": "put_in_repair" })))
        .collect();
    let answer = created(
        &server,
        &admin,
        "/api/v1/action-tokens/batch",
        json!({ "items": copies }),
    )
    .await;
    let made = answer["items"].as_array().unwrap();
    assert_eq!(made.len(), 5);
    let codes: std::collections::HashSet<&str> =
        made.iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 5, "every copy has its own code");

    // Each one is a token as any other: read back by id, and in the list.
    let id = made[2]["id"].as_u64().unwrap();
    let (status, one) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, made[2]);
    let listed = names(&server, &admin).await;
    for n in 1..=5 {
        assert!(listed.contains(&format!("Repair {n}")), "{listed:?}");
    }
}

#[tokio::test]
async fn one_bad_item_refuses_the_whole_batch_and_names_it() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let before = names(&server, &admin).await;

    let cases = [
        (item("  ", json!({ "type": "put_in_stock" })), "items[1]"),
        (
            json!({ "name": "Late", "action": { "type": "put_in_stock" }, "expires_at": "2001-01-01T00:00:00Z" }),
            "items[1]",
        ),
        (
            item(
                "No fleet",
                json!({ "type": "put_in_fleet", "fleet_id": 4_000_000 }),
            ),
            "items[1]",
        ),
    ];
    for (bad, place) in cases {
        let body = json!({ "items": [
            item("Good A", json!({ "type": "put_in_stock" })),
            bad,
            item("Good B", json!({ "type": "put_in_stock" })),
        ] });
        let (status, answer) = call(
            &server,
            Method::POST,
            "/api/v1/action-tokens/batch",
            Some(&admin),
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(place), "{message}");
    }
    // The unknown fleet is checked inside the transaction, after "Good A" was written: none of it stays.
    assert_eq!(names(&server, &admin).await, before);
}

#[tokio::test]
async fn a_batch_is_bounded_and_not_empty() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let before = names(&server, &admin).await;
    let many: Vec<Value> = (0..501)
        .map(|n| item(&format!("Copy {n}"), json!({ "type": "put_in_stock" })))
        .collect();
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/action-tokens/batch",
        Some(&admin),
        Some(json!({ "items": many })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["error"]["code"], "batch_too_large");

    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/action-tokens/batch",
        Some(&admin),
        Some(json!({ "items": [] })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["error"]["code"], "invalid_body");
    assert_eq!(names(&server, &admin).await, before);

    // Exactly the maximum is taken.
    let most: Vec<Value> = (0..500)
        .map(|n| item(&format!("Copy {n}"), json!({ "type": "put_in_stock" })))
        .collect();
    let answer = created(
        &server,
        &admin,
        "/api/v1/action-tokens/batch",
        json!({ "items": most }),
    )
    .await;
    assert_eq!(answer["items"].as_array().unwrap().len(), 500);
}

#[tokio::test]
async fn a_fleet_of_another_organisation_is_unknown() {
    let server = TestServer::start().await;
    let acme = server.seed("Acme").await;
    let globex = server.seed("Globex").await;
    let theirs = fleet_ids(&server, &globex).await[0];
    let ours = fleet_ids(&server, &acme).await;
    assert!(!ours.contains(&theirs));
    let before = names(&server, &acme).await;

    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/action-tokens/batch",
        Some(&acme),
        Some(json!({ "items": [
            item("Ours", json!({ "type": "put_in_fleet", "fleet_id": ours[0] })),
            item("Theirs", json!({ "type": "put_in_fleet", "fleet_id": theirs })),
        ] })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"]["code"], "unknown_fleet");
    assert_eq!(names(&server, &acme).await, before);

    // Another organisation's token is neither duplicated nor listed by id.
    let (_, page) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(&globex),
        None,
    )
    .await;
    let their_token = page["items"][0]["id"].as_u64().unwrap();
    let (status, answer) = call(
        &server,
        Method::POST,
        &format!("/api/v1/action-tokens/{their_token}/duplicate"),
        Some(&acme),
        Some(json!({ "expires_at": LATER })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    let (status, page) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens?ids={their_token}"),
        Some(&acme),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"], json!([]));
}

#[tokio::test]
async fn a_duplicate_keeps_the_action_and_takes_the_new_expiry() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let fleet = fleet_ids(&server, &admin).await[1];
    let original = created(
        &server,
        &admin,
        "/api/v1/action-tokens",
        json!({ "name": "Warehouse", "action": { "type": "put_in_fleet", "fleet_id": fleet }, "expires_at": "2098-06-01T12:00:00Z" }),
    )
    .await;
    let id = original["id"].as_u64().unwrap();

    let copy = created(
        &server,
        &admin,
        &format!("/api/v1/action-tokens/{id}/duplicate"),
        json!({ "expires_at": "2099-03-04T05:06:07Z" }),
    )
    .await;
    assert_ne!(copy["id"], original["id"]);
    assert_eq!(copy["name"], "Warehouse");
    assert_eq!(copy["action"], original["action"]);
    assert_eq!(copy["expires_at"], "2099-03-04T05:06:07Z");
    assert_ne!(copy["code"], original["code"]);
    assert_ne!(copy["qr"]["new"], original["qr"]["new"]);

    let renamed = created(
        &server,
        &admin,
        &format!("/api/v1/action-tokens/{id}/duplicate"),
        json!({ "expires_at": LATER, "name": "Warehouse 2" }),
    )
    .await;
    assert_eq!(renamed["name"], "Warehouse 2");

    // The original is unchanged.
    let (_, again) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(again["expires_at"], original["expires_at"]);

    // A past expiry is the core's refusal, and writes nothing.
    let before = names(&server, &admin).await;
    let (status, answer) = call(
        &server,
        Method::POST,
        &format!("/api/v1/action-tokens/{id}/duplicate"),
        Some(&admin),
        Some(json!({ "expires_at": "2001-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(names(&server, &admin).await, before);
}

#[tokio::test]
async fn the_list_returns_chosen_ids_only() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let copies: Vec<Value> = (1..=4)
        .map(|n| item(&format!("Stock {n}"), json!({ "type": "put_in_stock" })))
        .collect();
    let made = created(
        &server,
        &admin,
        "/api/v1/action-tokens/batch",
        json!({ "items": copies }),
    )
    .await;
    let ids: Vec<u64> = made["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    let chosen = format!("{},{}", ids[0], ids[3]);
    let (status, page) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens?ids={chosen}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let got: Vec<u64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(got, vec![ids[3], ids[0]], "newest first");

    // Numbers that can be no id name nothing, as unknown ids do.
    for none in ["0", "99999999999", "4294967296"] {
        let (status, page) = call(
            &server,
            Method::GET,
            &format!("/api/v1/action-tokens?ids={none}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{none}");
        assert_eq!(page["items"], json!([]));
    }
    for bad in ["1,,2", "x", "1;2", ""] {
        let (status, answer) = call(
            &server,
            Method::GET,
            &format!("/api/v1/action-tokens?ids={bad}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
    }
}

#[tokio::test]
async fn creating_many_or_a_copy_needs_the_create_permission_and_is_audited() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let reader = token_with(&server, &admin, &["fms.actiontoken.read"]).await;
    let (_, page) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(&admin),
        None,
    )
    .await;
    let id = page["items"][0]["id"].as_u64().unwrap();
    let before = names(&server, &admin).await;

    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/action-tokens/batch",
        Some(&reader),
        Some(json!({ "items": [item("Nope", json!({ "type": "put_in_stock" }))] })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    let (status, _) = call(
        &server,
        Method::POST,
        &format!("/api/v1/action-tokens/{id}/duplicate"),
        Some(&reader),
        Some(json!({ "expires_at": LATER })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &server,
        Method::POST,
        "/api/v1/action-tokens/batch",
        None,
        Some(json!({ "items": [item("Nope", json!({ "type": "put_in_stock" }))] })),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(names(&server, &admin).await, before);

    created(
        &server,
        &admin,
        "/api/v1/action-tokens/batch",
        json!({ "items": [item("Audited 1", json!({ "type": "put_in_stock" })), item("Audited 2", json!({ "type": "put_in_stock" }))] }),
    )
    .await;
    let copy = created(
        &server,
        &admin,
        &format!("/api/v1/action-tokens/{id}/duplicate"),
        json!({ "expires_at": LATER }),
    )
    .await;
    let log = reqwest::Client::new()
        .get(format!("{}/api/v1/audit-log.csv", server.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        log.contains("Audited 1") && log.contains("Audited 2"),
        "{log}"
    );
    let copied = log
        .lines()
        .find(|line| line.contains("action_token.duplicate"))
        .expect("the duplicate is audited");
    assert!(
        copied.contains(&format!("action_token/{}", copy["id"])),
        "{copied}"
    );
}
