//! Credentials (issue 18): API tokens are listed without secrets, expire, are revoked and record when they were last
//! used; a token minted by a token never holds more than its creator holds at each request; an admin grants or
//! removes only rights it holds.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call, created, token_with};

const READ: &str = "fms.actiontoken.read";
const ADMIN: &str = "fms.admin";

fn refused(answer: (StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code, "{}", answer.1);
}

async fn permissions(server: &TestServer, bearer: &str) -> Value {
    let (status, me) = call(server, Method::GET, "/api/v1/me", Some(bearer), None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    me["permissions"].clone()
}

async fn status_of(server: &TestServer, bearer: &str) -> StatusCode {
    call(server, Method::GET, "/api/v1/me", Some(bearer), None)
        .await
        .0
}

async fn listed(server: &TestServer, admin: &str, id: &Value) -> Value {
    let (status, list) = call(server, Method::GET, "/api/v1/api-tokens", Some(admin), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == *id)
        .cloned()
        .unwrap_or_else(|| panic!("token {id} is not listed: {list}"))
}

#[tokio::test]
async fn a_minted_token_never_holds_more_than_its_creator_holds_now() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let role = created(
        &server,
        &admin,
        "/api/v1/roles",
        json!({ "name": "Lead", "permissions": [ADMIN, READ] }),
    )
    .await;
    let user = created(
        &server,
        &admin,
        "/api/v1/users",
        json!({ "name": "Ana", "role_id": role["id"] }),
    )
    .await;
    let users_token = created(
        &server,
        &admin,
        &format!("/api/v1/users/{}/api-tokens", user["id"]),
        json!({ "name": "Ana's", "permissions": [ADMIN, READ] }),
    )
    .await;
    let users_token = users_token["token"].as_str().unwrap();
    // The user's token mints a plain API token, which mints another.
    let minted = token_with(&server, users_token, &[ADMIN, READ]).await;
    let grandchild = token_with(&server, &minted, &[READ]).await;
    assert_eq!(permissions(&server, &minted).await, json!([READ, ADMIN]));
    assert_eq!(permissions(&server, &grandchild).await, json!([READ]));

    // The user's role is narrowed to nothing: neither minted token keeps anything.
    let (status, _) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/roles/{}", role["id"]),
        Some(&admin),
        Some(json!({ "permissions": [] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(permissions(&server, &minted).await, json!([]));
    assert_eq!(permissions(&server, &grandchild).await, json!([]));
    for bearer in [&minted, &grandchild] {
        refused(
            call(
                &server,
                Method::GET,
                "/api/v1/action-tokens",
                Some(bearer),
                None,
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        refused(
            call(&server, Method::GET, "/api/v1/roles", Some(bearer), None).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    // Given back, the role gives back only what each token asked for.
    let (status, _) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/roles/{}", role["id"]),
        Some(&admin),
        Some(json!({ "permissions": [ADMIN, READ] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(permissions(&server, &grandchild).await, json!([READ]));

    // A creator that is revoked takes its minted tokens with it, all the way down.
    let sub = created(
        &server,
        &admin,
        "/api/v1/api-tokens",
        json!({ "name": "Sub", "permissions": [ADMIN, READ] }),
    )
    .await;
    let (sub_id, sub) = (sub["id"].clone(), sub["token"].as_str().unwrap().to_owned());
    let by_sub = token_with(&server, &sub, &[READ]).await;
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/api-tokens/{sub_id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(status_of(&server, &sub).await, StatusCode::UNAUTHORIZED);
    assert_eq!(status_of(&server, &by_sub).await, StatusCode::UNAUTHORIZED);

    // So does a creator that expires.
    let soon = (time::OffsetDateTime::now_utc() + Duration::from_millis(1500))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let brief = created(
        &server,
        &admin,
        "/api/v1/api-tokens",
        json!({ "name": "Brief", "permissions": [ADMIN, READ], "expires_at": soon }),
    )
    .await;
    let brief = brief["token"].as_str().unwrap().to_owned();
    let by_brief = token_with(&server, &brief, &[READ]).await;
    assert_eq!(status_of(&server, &by_brief).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(status_of(&server, &brief).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        status_of(&server, &by_brief).await,
        StatusCode::UNAUTHORIZED
    );
    server.stop().await;
}

#[tokio::test]
async fn api_tokens_are_listed_without_secrets_expire_are_revoked_and_record_their_last_use() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let reader = created(
        &server,
        &admin,
        "/api/v1/api-tokens",
        json!({ "name": "Reader", "permissions": [READ], "expires_at": "2099-01-01T00:00:00Z" }),
    )
    .await;
    let id = reader["id"].clone();
    let secret = reader["token"].as_str().unwrap().to_owned();

    let (status, list) = call(
        &server,
        Method::GET,
        "/api/v1/api-tokens",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !list.to_string().contains(&secret) && !list.to_string().contains("\"token\""),
        "no secret is listed: {list}"
    );
    let entry = listed(&server, &admin, &id).await;
    assert_eq!(entry["name"], "Reader");
    assert_eq!(entry["permissions"], json!([READ]));
    assert_eq!(entry["expires_at"], "2099-01-01T00:00:00Z");
    assert_eq!(entry["revoked"], false);
    assert_eq!(entry["last_used_at"], Value::Null);
    assert!(entry["created_at"].is_string());
    assert!(entry["created_by"].is_i64(), "{entry}");

    // Used twice: the first use is recorded, the second (within the minute) writes nothing new.
    assert_eq!(status_of(&server, &secret).await, StatusCode::OK);
    let first = listed(&server, &admin, &id).await["last_used_at"].clone();
    assert!(first.is_string(), "{first}");
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(status_of(&server, &secret).await, StatusCode::OK);
    assert_eq!(listed(&server, &admin, &id).await["last_used_at"], first);

    // An expiry must lie ahead.
    for (past, code) in [
        (json!("2020-01-01T00:00:00Z"), "bad_expiry"),
        (json!(0), "bad_expiry"),
        (json!(-9_223_372_036_854_775_807_i64), "bad_expiry"),
        (json!("9999-12-31T23:59:59Z"), "bad_expiry"),
        (json!("yesterday"), "invalid_body"),
    ] {
        refused(
            call(
                &server,
                Method::POST,
                "/api/v1/api-tokens",
                Some(&admin),
                Some(json!({ "name": "Late", "permissions": [], "expires_at": past })),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        );
    }

    // Revoked: it stops at once, stays listed as revoked, and revoking again changes nothing.
    for _ in 0..2 {
        let (status, body) = call(
            &server,
            Method::DELETE,
            &format!("/api/v1/api-tokens/{id}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    assert_eq!(status_of(&server, &secret).await, StatusCode::UNAUTHORIZED);
    assert_eq!(listed(&server, &admin, &id).await["revoked"], true);
    refused(
        call(
            &server,
            Method::DELETE,
            "/api/v1/api-tokens/999999",
            Some(&admin),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // No token revokes itself or the token it was created by: its holder would be locked out.
    let admin_id = listed_first(&server, &admin).await;
    let child = created(
        &server,
        &admin,
        "/api/v1/api-tokens",
        json!({ "name": "Child", "permissions": fieldtoken_core::PermissionSet::all().names() }),
    )
    .await;
    let child_secret = child["token"].as_str().unwrap();
    for (bearer, target) in [
        (&admin[..], &admin_id),
        (child_secret, &admin_id),
        (child_secret, &child["id"]),
    ] {
        refused(
            call(
                &server,
                Method::DELETE,
                &format!("/api/v1/api-tokens/{target}"),
                Some(bearer),
                None,
            )
            .await,
            StatusCode::CONFLICT,
            "own_token",
        );
    }

    // Only an admin lists or revokes, and never another organisation's tokens.
    let plain = token_with(&server, &admin, &[READ]).await;
    refused(
        call(
            &server,
            Method::GET,
            "/api/v1/api-tokens",
            Some(&plain),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let other = server.seed("Other").await;
    let (_, theirs) = call(
        &server,
        Method::GET,
        "/api/v1/api-tokens",
        Some(&other),
        None,
    )
    .await;
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != id),
        "{theirs}"
    );
    let admin_entry = listed_first(&server, &admin).await;
    refused(
        call(
            &server,
            Method::DELETE,
            &format!("/api/v1/api-tokens/{admin_entry}"),
            Some(&other),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(status_of(&server, &admin).await, StatusCode::OK);
    server.stop().await;
}

async fn listed_first(server: &TestServer, admin: &str) -> Value {
    let (_, list) = call(server, Method::GET, "/api/v1/api-tokens", Some(admin), None).await;
    list["items"][0]["id"].clone()
}

#[tokio::test]
async fn an_admin_grants_and_removes_only_rights_it_holds() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let readers = created(
        &server,
        &admin,
        "/api/v1/roles",
        json!({ "name": "Readers", "permissions": [READ] }),
    )
    .await;
    let nobody = created(
        &server,
        &admin,
        "/api/v1/roles",
        json!({ "name": "Nobody", "permissions": [] }),
    )
    .await;
    let user = created(
        &server,
        &admin,
        "/api/v1/users",
        json!({ "name": "Bo", "role_id": readers["id"] }),
    )
    .await;
    let reader_token = created(
        &server,
        &admin,
        "/api/v1/api-tokens",
        json!({ "name": "Reader", "permissions": [READ] }),
    )
    .await;
    // An admin holding only fms.admin.
    let only_admin = token_with(&server, &admin, &[ADMIN]).await;
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/v1/roles/{}", readers["id"]),
            Some(json!({ "permissions": [] })),
        ),
        (
            Method::DELETE,
            format!("/api/v1/roles/{}", readers["id"]),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{}", user["id"]),
            Some(json!({ "role_id": nobody["id"] })),
        ),
        (
            Method::DELETE,
            format!("/api/v1/api-tokens/{}", reader_token["id"]),
            None,
        ),
    ] {
        refused(
            call(&server, method.clone(), &path, Some(&only_admin), body).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    // Nothing changed.
    let (_, roles) = call(&server, Method::GET, "/api/v1/roles", Some(&admin), None).await;
    assert!(
        roles["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "Readers" && r["permissions"] == json!([READ])),
        "{roles}"
    );
    assert_eq!(
        status_of(&server, reader_token["token"].as_str().unwrap()).await,
        StatusCode::OK
    );
    // Renaming grants and removes nothing; what it holds, it may remove.
    let (status, renamed) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/roles/{}", readers["id"]),
        Some(&only_admin),
        Some(json!({ "name": "Viewers" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/roles/{}", nobody["id"]),
        Some(&only_admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    server.stop().await;
}
