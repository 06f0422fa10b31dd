//! The admin API: authentication and permissions on every endpoint, action tokens, fleets and devices, API tokens,
//! organisations kept apart, and bad input answered with JSON errors.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call, token_with};

fn new_token_body() -> Value {
    json!({ "name": "Move to repair", "action": { "type": "put_in_repair" }, "expires_at": "2099-01-01T00:00:00Z" })
}

/// Every endpoint that needs a permission: method, path, body, permission.
fn guarded(token_id: u64, device_id: u64) -> Vec<(Method, String, Option<Value>, &'static str)> {
    vec![
        (
            Method::GET,
            "/api/v1/action-tokens".into(),
            None,
            "fms.actiontoken.read",
        ),
        (
            Method::POST,
            "/api/v1/action-tokens".into(),
            Some(new_token_body()),
            "fms.actiontoken.create",
        ),
        (
            Method::GET,
            format!("/api/v1/action-tokens/{token_id}"),
            None,
            "fms.actiontoken.read",
        ),
        (
            Method::GET,
            format!("/api/v1/action-tokens/{token_id}/qr"),
            None,
            "fms.actiontoken.read",
        ),
        (
            Method::DELETE,
            format!("/api/v1/action-tokens/{token_id}"),
            None,
            "fms.actiontoken.delete",
        ),
        (Method::GET, "/api/v1/fleets".into(), None, "fms.fleet.read"),
        (
            Method::GET,
            "/api/v1/devices".into(),
            None,
            "fms.device.read",
        ),
        (
            Method::GET,
            format!("/api/v1/devices/{device_id}"),
            None,
            "fms.device.read",
        ),
        (
            Method::GET,
            "/api/v1/audit-log.csv".into(),
            None,
            "fms.admin",
        ),
        (
            Method::POST,
            "/api/v1/api-tokens".into(),
            Some(json!({ "name": "x", "permissions": [] })),
            "fms.admin",
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_tells_401_from_403() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (_, list) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(&admin),
        None,
    )
    .await;
    let token_id = list["items"][0]["id"].as_u64().unwrap();
    let (_, devices) = call(&server, Method::GET, "/api/v1/devices", Some(&admin), None).await;
    let device_id = devices["items"][0]["id"].as_u64().unwrap();
    let all = fieldtoken_core::PermissionSet::all().names();

    for (method, path, body, permission) in guarded(token_id, device_id) {
        // No token, and a token that does not exist: 401.
        for bearer in [None, Some("ftk_00112233")] {
            let (status, answer) = call(&server, method.clone(), &path, bearer, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} {bearer:?}"
            );
            assert_eq!(answer["error"]["code"], "unauthenticated");
        }
        // Every permission but the one needed: 403, whatever the body.
        let others: Vec<&str> = all.iter().copied().filter(|p| *p != permission).collect();
        let without = token_with(&server, &admin, &others).await;
        let (status, answer) =
            call(&server, method.clone(), &path, Some(&without), body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(answer["error"]["code"], "forbidden");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains(permission)
        );
        let (status, _) = call(
            &server,
            method.clone(),
            &path,
            Some(&without),
            Some(json!({ "bad": 1 })),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{method} {path}: 403 before the body is read"
        );
        // Only the one needed: allowed.
        let with = token_with(&server, &admin, &[permission]).await;
        let (status, answer) =
            call(&server, method.clone(), &path, Some(&with), body.clone()).await;
        assert!(status.is_success(), "{method} {path}: {status} {answer}");
    }
    // /me needs only a valid token.
    let nothing = token_with(&server, &admin, &[]).await;
    let (status, _) = call(&server, Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(&server, Method::GET, "/api/v1/me", Some(&nothing), None).await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn the_offline_bundle_is_only_for_who_reads_or_redeems_tokens() {
    // Issue 18: "a token with no permission at all downloads the offline bundle: every live token's name, action
    // and expiry, every device serial". (An operator session reads it too: access.rs,
    // operators_sign_in_only_with_effective_tokens.)
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let path = "/api/v1/offline-bundle";
    let (status, _) = call(&server, Method::GET, path, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for permissions in [
        &[][..],
        &["fms.device.read", "fms.fleet.read"],
        &["fms.actiontoken.create", "fms.actiontoken.delete"],
        &["fms.admin"],
    ] {
        let token = token_with(&server, &admin, permissions).await;
        let (status, answer) = call(&server, Method::GET, path, Some(&token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{permissions:?}: {answer}");
        assert_eq!(answer["error"]["code"], "forbidden", "{permissions:?}");
        assert!(answer.get("devices").is_none(), "{permissions:?}");
    }
    for permission in ["fms.actiontoken.read", "fms.actiontoken.redeem"] {
        let token = token_with(&server, &admin, &[permission]).await;
        let (status, bundle) = call(&server, Method::GET, path, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{permission}: {bundle}");
        assert!(
            !bundle["devices"].as_array().unwrap().is_empty(),
            "{permission}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn action_tokens_are_created_listed_searched_shown_and_deleted() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (_, fleets) = call(&server, Method::GET, "/api/v1/fleets", Some(&admin), None).await;
    let fleet = fleets["items"][0]["id"].as_u64().unwrap();
    let body = json!({ "name": "  Warehouse move ", "action": { "type": "put_in_fleet", "fleet_id": fleet }, "expires_at": "2099-12-31T23:59:59+01:00" });
    let (status, created) = call(
        &server,
        Method::POST,
        "/api/v1/action-tokens",
        Some(&admin),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["name"], "Warehouse move");
    assert_eq!(
        created["action"],
        json!({ "type": "put_in_fleet", "fleet_id": fleet })
    );
    assert_eq!(created["expires_at"], "2099-12-31T22:59:59Z");
    assert_eq!(created["status"], "active");
    let code = created["code"].as_str().unwrap();
    assert_eq!(fieldtoken_core::normalize_code(code).unwrap(), code);
    assert_eq!(created["qr"]["old"], code);
    let deep_link = created["qr"]["new"].as_str().unwrap();
    assert!(deep_link.starts_with("HTTP://127.0.0.1:"), "{deep_link}");
    assert!(fieldtoken_core::parse_token(deep_link).is_ok());
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));
    let id = created["id"].as_u64().unwrap();

    // Shown again, identical.
    let (status, shown) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown, created);

    // Search and paging.
    let (_, found) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens?q=wareHOUSE",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let (_, page) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens?limit=2",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["next"].as_str().unwrap();
    let (_, rest) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens?limit=2&cursor={next}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        rest["items"].as_array().unwrap().len(),
        1,
        "3 tokens: the seeded two and this one"
    );
    assert!(rest.get("next").is_none());

    // QR images.
    for (query, content_type, magic) in [
        ("", "image/svg+xml", b"<svg".as_slice()),
        ("?format=old&type=png", "image/png", b"\x89PNG".as_slice()),
        (
            "?format=new&type=png&scale=2&margin=1",
            "image/png",
            b"\x89PNG".as_slice(),
        ),
    ] {
        let response = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/action-tokens/{id}/qr{query}",
                server.url
            ))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        assert_eq!(response.headers()["content-type"], content_type);
        assert!(
            response.bytes().await.unwrap().starts_with(magic),
            "{query}"
        );
    }
    let (status, _) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens/{id}/qr?format=both"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The bundle names the token, so a phone's verdict on its signed QR (which carries only the id) can too.
    let (_, bundle) = call(
        &server,
        Method::GET,
        "/api/v1/offline-bundle",
        Some(&admin),
        None,
    )
    .await;
    let named = |bundle: &Value| {
        bundle["names"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == json!(id))
            .map(|n| n["name"].clone())
    };
    assert_eq!(named(&bundle), Some(created["name"].clone()));

    // Deleted: gone from the API, listed as deleted in the bundle.
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/action-tokens/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/action-tokens/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, bundle) = call(
        &server,
        Method::GET,
        "/api/v1/offline-bundle",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(bundle["deleted"], json!([id]));
    assert_eq!(
        named(&bundle),
        None,
        "a deleted token's name stays on the MDM"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_core_refuses_bad_tokens_with_its_codes() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    for (body, code) in [
        (
            json!({ "name": "", "action": { "type": "put_in_stock" }, "expires_at": "2099-01-01T00:00:00Z" }),
            "bad_name",
        ),
        (
            json!({ "name": "x", "action": { "type": "put_in_stock" }, "expires_at": "2001-01-01T00:00:00Z" }),
            "bad_expiry",
        ),
        (
            json!({ "name": "x", "action": { "type": "put_in_fleet" }, "expires_at": "2099-01-01T00:00:00Z" }),
            "bad_format",
        ),
        (
            // The action's type is an enumeration of the schema: another word is a body of the wrong shape.
            json!({ "name": "x", "action": { "type": "explode" }, "expires_at": "2099-01-01T00:00:00Z" }),
            "invalid_body",
        ),
        (
            json!({ "name": "x", "action": { "type": "put_in_fleet", "fleet_id": 999 }, "expires_at": "2099-01-01T00:00:00Z" }),
            "unknown_fleet",
        ),
    ] {
        let (status, answer) = call(
            &server,
            Method::POST,
            "/api/v1/action-tokens",
            Some(&admin),
            Some(body.clone()),
        )
        .await;
        // A field that is not of the format is 400; a well-formed value that breaks a rule, or names a fleet that
        // does not exist, is 422 (the core's error classes).
        let want = if code == "bad_format" {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        assert_eq!(status, want, "{body}");
        assert_eq!(answer["error"]["code"], code, "{body}");
    }
    let (_, list) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "nothing was written"
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_input_gets_json_errors_never_a_500() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let raw = |path: &str, body: Vec<u8>, content_type: &str| {
        reqwest::Client::new()
            .post(format!("{}{path}", server.url))
            .bearer_auth(&admin)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(3 * 1024 * 1024)).into_bytes();
    let cases: Vec<(&str, Vec<u8>, &str, StatusCode, &str)> = vec![
        ("/api/v1/action-tokens", b"{not json".to_vec(), "application/json", StatusCode::BAD_REQUEST, "malformed_json"),
        ("/api/v1/action-tokens", b"{\"name\": 5}".to_vec(), "application/json", StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (
            "/api/v1/action-tokens",
            br#"{"name":"x","action":{"type":"put_in_stock"},"expires_at":"2099-01-01T00:00:00Z","extra":1}"#.to_vec(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "/api/v1/action-tokens",
            br#"{"name":"x","action":{"type":"put_in_stock"},"expires_at":"next week"}"#.to_vec(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        ("/api/v1/action-tokens", b"{}".to_vec(), "text/plain", StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("/api/v1/action-tokens", huge.clone(), "application/json", StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
        ("/api/v1/sync", huge, "application/json", StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
        ("/api/v1/sync", b"[]".to_vec(), "application/json", StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (
            "/api/v1/sync",
            br#"{"redemptions":[{"id":"a b","token":"x","device_id":1,"scanned_at":0}]}"#.to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            "bad_id",
        ),
        (
            "/api/v1/sync",
            br#"{"redemptions":[{"id":"a","token":"x","device_id":0,"scanned_at":0}]}"#.to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            "bad_id",
        ),
        ("/api/v1/api-tokens", br#"{"name":"x","permissions":["fms.everything"]}"#.to_vec(), "application/json", StatusCode::UNPROCESSABLE_ENTITY, "unknown_permission"),
        ("/api/v1/api-tokens", br#"{"name":" ","permissions":[]}"#.to_vec(), "application/json", StatusCode::UNPROCESSABLE_ENTITY, "bad_name"),
    ];
    for (path, body, content_type, want, code) in cases {
        let response = raw(path, body, content_type).await.unwrap();
        assert_eq!(response.status(), want, "{path} {code}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], code, "{path}: {answer}");
        assert!(answer["error"]["message"].is_string());
    }
    for path in [
        "/api/v1/action-tokens/abc",
        "/api/v1/action-tokens/0",
        "/api/v1/devices/-1",
        "/api/v1/devices/99999999999",
    ] {
        let (status, answer) = call(&server, Method::GET, path, Some(&admin), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer["error"]["code"], "bad_id");
    }
    let (status, answer) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens?cursor=zz",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_cursor"))
    );
    let (status, answer) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens?colour=red",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_query"))
    );
    // A NUL in a search text is the client's mistake on either engine (PostgreSQL's text cannot hold one).
    for path in [
        "/api/v1/action-tokens?q=ab%00cd",
        "/api/v1/action-tokens?q=%00",
        "/api/v1/audit?actor=x%00",
        "/api/v1/devices?serial=SN%00",
    ] {
        let (status, answer) = call(&server, Method::GET, path, Some(&admin), None).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_query")),
            "{path}: {answer}"
        );
    }
    let (status, answer) = call(
        &server,
        Method::PUT,
        "/api/v1/action-tokens",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed"))
    );
    server.stop().await;
}

#[tokio::test]
async fn organisations_never_see_each_other() {
    let server = TestServer::start().await;
    let a = server.seed("Acme").await;
    let b = server.seed("Bolt").await;
    let (_, a_tokens) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(&a),
        None,
    )
    .await;
    let (_, b_tokens) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(&b),
        None,
    )
    .await;
    let (_, a_devices) = call(&server, Method::GET, "/api/v1/devices", Some(&a), None).await;
    let (_, b_devices) = call(&server, Method::GET, "/api/v1/devices", Some(&b), None).await;
    let ids = |v: &Value| -> Vec<u64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_u64().unwrap())
            .collect()
    };
    assert!(ids(&a_tokens).iter().all(|id| !ids(&b_tokens).contains(id)));
    for id in ids(&b_tokens) {
        for method in [Method::GET, Method::DELETE] {
            let (status, _) = call(
                &server,
                method,
                &format!("/api/v1/action-tokens/{id}"),
                Some(&a),
                None,
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        let (status, _) = call(
            &server,
            Method::GET,
            &format!("/api/v1/action-tokens/{id}/qr"),
            Some(&a),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    for id in ids(&b_devices) {
        assert!(!ids(&a_devices).contains(&id));
        let (status, _) = call(
            &server,
            Method::GET,
            &format!("/api/v1/devices/{id}"),
            Some(&a),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // A's fleet cannot be used in B's tokens.
    let (_, a_fleets) = call(&server, Method::GET, "/api/v1/fleets", Some(&a), None).await;
    let fleet = a_fleets["items"][0]["id"].as_u64().unwrap();
    let body = json!({ "name": "steal", "action": { "type": "put_in_fleet", "fleet_id": fleet }, "expires_at": "2099-01-01T00:00:00Z" });
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/action-tokens",
        Some(&b),
        Some(body),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_fleet"))
    );
    // Bundles hold only their own organisation.
    let (_, bundle) = call(
        &server,
        Method::GET,
        "/api/v1/offline-bundle",
        Some(&a),
        None,
    )
    .await;
    let bundle_devices: Vec<u64> = bundle["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        bundle_devices,
        ids(&a_devices)
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    assert!(
        bundle["keys"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["org"] == bundle["org"])
    );
    server.stop().await;
}

#[tokio::test]
async fn api_tokens_cannot_grant_more_than_their_creator_holds() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let sub_admin = token_with(&server, &admin, &["fms.admin", "fms.actiontoken.read"]).await;
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/api-tokens",
        Some(&sub_admin),
        Some(json!({ "name": "more", "permissions": ["fms.actiontoken.delete"] })),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let reader = token_with(&server, &sub_admin, &["fms.actiontoken.read"]).await;
    let (status, csv) = call(
        &server,
        Method::GET,
        "/api/v1/audit-log.csv",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = csv.as_str().unwrap();
    assert!(
        csv.starts_with("at,actor,action,target,detail,remote\r\n"),
        "{csv}"
    );
    assert!(csv.contains(",api_token.create,"), "{csv}");
    let (status, me) = call(&server, Method::GET, "/api/v1/me", Some(&reader), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["permissions"], json!(["fms.actiontoken.read"]));
    assert_eq!(me["org"]["name"], "Acme");
    server.stop().await;
}

#[tokio::test]
async fn the_database_alone_holds_no_code_and_no_key() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (_, list) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(&admin),
        None,
    )
    .await;
    let codes: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap().to_owned())
        .collect();
    // A copy of the database: on SQLite the file and its write-ahead log, byte for byte.
    let copy = server.database_copy();
    let holds = |needle: &[u8]| copy.windows(needle.len()).any(|w| w == needle);
    for code in codes {
        let bytes = fieldtoken_core::TokenCode::parse(&code).unwrap().to_bytes();
        assert!(!holds(code.as_bytes()), "{code}");
        assert!(!holds(code.replace('-', "").as_bytes()), "{code}");
        assert!(!holds(&bytes), "{code}");
    }
    assert!(!holds(admin.as_bytes()), "bearer secrets are stored hashed");
    server.stop().await;
}
