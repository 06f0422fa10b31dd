//! Custom roles and users: a user's API token acts with its own permissions within its user's role, read at every
//! request; roles in use are not deleted; nobody grants what they lack; organisations never see each other's.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call, created, token_with};

const READ: &str = "fms.actiontoken.read";
const CREATE: &str = "fms.actiontoken.create";
const DELETE: &str = "fms.actiontoken.delete";

fn refused(answer: (StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code, "{}", answer.1);
    assert!(!answer.1["error"]["message"].as_str().unwrap().is_empty());
}

fn new_token_body() -> Value {
    json!({ "name": "By a user", "action": { "type": "put_in_repair" }, "expires_at": "2099-01-01T00:00:00Z" })
}

#[tokio::test]
async fn a_users_token_acts_within_its_role_as_the_role_is_now() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let role = created(
        &server,
        &admin,
        "/api/v1/roles",
        json!({ "name": "Field lead", "permissions": [READ, CREATE] }),
    )
    .await;
    assert_eq!(role["name"], "Field lead");
    assert_eq!(role["permissions"], json!([READ, CREATE]));
    assert_eq!(role["users"], 0);
    let role_id = role["id"].as_u64().unwrap();
    let user = created(
        &server,
        &admin,
        "/api/v1/users",
        json!({ "name": "Ana", "role_id": role_id }),
    )
    .await;
    assert_eq!(user["role"], json!({ "id": role_id, "name": "Field lead" }));
    assert_eq!(user["permissions"], json!([READ, CREATE]));
    let user_id = user["id"].as_u64().unwrap();

    // The token asks for read and delete; the role has no delete, so it acts with read only.
    let issued = created(
        &server,
        &admin,
        &format!("/api/v1/users/{user_id}/api-tokens"),
        json!({ "name": "Ana's phone", "permissions": [READ, DELETE] }),
    )
    .await;
    assert_eq!(issued["user_id"], user_id);
    assert_eq!(issued["permissions"], json!([READ, DELETE]));
    assert_eq!(issued["effective_permissions"], json!([READ]));
    let ana = issued["token"].as_str().unwrap().to_owned();
    let (status, me) = call(&server, Method::GET, "/api/v1/me", Some(&ana), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["permissions"], json!([READ]));
    let (status, list) = call(
        &server,
        Method::GET,
        "/api/v1/action-tokens",
        Some(&ana),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let some_token = list["items"][0]["id"].as_u64().unwrap();
    refused(
        call(
            &server,
            Method::DELETE,
            &format!("/api/v1/action-tokens/{some_token}"),
            Some(&ana),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // The role's create is not the token's: still 403.
    refused(
        call(
            &server,
            Method::POST,
            "/api/v1/action-tokens",
            Some(&ana),
            Some(new_token_body()),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    // Narrowing the role takes effect on the existing token at once.
    let (status, edited) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/roles/{role_id}"),
        Some(&admin),
        Some(json!({ "permissions": [CREATE] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["permissions"], json!([CREATE]));
    assert_eq!(edited["users"], 1);
    refused(
        call(
            &server,
            Method::GET,
            "/api/v1/action-tokens",
            Some(&ana),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // Widening it gives back only what the token asked for.
    let (status, _) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/roles/{role_id}"),
        Some(&admin),
        Some(json!({ "name": "Field leads", "permissions": [READ, CREATE, DELETE] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, me) = call(&server, Method::GET, "/api/v1/me", Some(&ana), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["permissions"], json!([READ, DELETE]));
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/action-tokens/{some_token}"),
        Some(&ana),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // Moving the user to another role moves its tokens too.
    let viewer = created(
        &server,
        &admin,
        "/api/v1/roles",
        json!({ "name": "Viewer", "permissions": ["fms.device.read"] }),
    )
    .await;
    let viewer_id = viewer["id"].as_u64().unwrap();

    // A role in use is not deleted; once nobody holds it, it is.
    refused(
        call(
            &server,
            Method::DELETE,
            &format!("/api/v1/roles/{role_id}"),
            Some(&admin),
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "role_in_use",
    );
    let (status, moved) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/users/{user_id}"),
        Some(&admin),
        Some(json!({ "role_id": viewer_id })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["role"]["name"], "Viewer");
    let (_, me) = call(&server, Method::GET, "/api/v1/me", Some(&ana), None).await;
    assert_eq!(me["permissions"], json!([]));
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/roles/{role_id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, roles) = call(&server, Method::GET, "/api/v1/roles", Some(&admin), None).await;
    let names: Vec<&str> = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Viewer"]);
    let (_, users) = call(&server, Method::GET, "/api/v1/users", Some(&admin), None).await;
    assert_eq!(users["items"][0]["name"], "Ana");
    assert_eq!(users["items"][0]["role"]["id"], viewer_id);

    // Plain API tokens keep their contract: their own set, no role.
    let plain = token_with(&server, &admin, &[READ]).await;
    let (_, me) = call(&server, Method::GET, "/api/v1/me", Some(&plain), None).await;
    assert_eq!(me["permissions"], json!([READ]));

    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/audit-log.csv", server.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let csv = response.text().await.unwrap();
    for action in [
        ",role.create,",
        ",role.edit,",
        ",role.delete,",
        ",user.create,",
        ",user.edit,",
        ",api_token.create,",
    ] {
        assert!(csv.contains(action), "{action} in {csv}");
    }
    server.stop().await;
}

#[tokio::test]
async fn roles_and_users_need_admin_and_nobody_grants_what_they_lack() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let role = created(
        &server,
        &admin,
        "/api/v1/roles",
        json!({ "name": "Everything", "permissions": fieldtoken_core::PermissionSet::all().names() }),
    )
    .await;
    let role_id = role["id"].as_u64().unwrap();
    let user = created(
        &server,
        &admin,
        "/api/v1/users",
        json!({ "name": "Bo", "role_id": role_id }),
    )
    .await;
    let user_id = user["id"].as_u64().unwrap();
    let endpoints = [
        (Method::GET, "/api/v1/roles".to_owned(), None),
        (
            Method::POST,
            "/api/v1/roles".to_owned(),
            Some(json!({ "name": "R", "permissions": [] })),
        ),
        (
            Method::PATCH,
            format!("/api/v1/roles/{role_id}"),
            Some(json!({ "name": "R2" })),
        ),
        (Method::DELETE, format!("/api/v1/roles/{role_id}"), None),
        (Method::GET, "/api/v1/users".to_owned(), None),
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            Some(json!({ "name": "U", "role_id": role_id })),
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{user_id}"),
            Some(json!({ "name": "U2" })),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{user_id}/api-tokens"),
            Some(json!({ "name": "T", "permissions": [] })),
        ),
        (Method::GET, "/api/v1/org-settings".to_owned(), None),
        (
            Method::PATCH,
            "/api/v1/org-settings".to_owned(),
            Some(json!({ "max_offline_minutes": 60 })),
        ),
    ];
    let all = fieldtoken_core::PermissionSet::all().names();
    let others: Vec<&str> = all.iter().copied().filter(|p| *p != "fms.admin").collect();
    let without = token_with(&server, &admin, &others).await;
    for (method, path, body) in &endpoints {
        for bearer in [None, Some("ftk_00112233")] {
            refused(
                call(&server, method.clone(), path, bearer, body.clone()).await,
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
            );
        }
        let answer = call(&server, method.clone(), path, Some(&without), body.clone()).await;
        assert!(
            answer.1["error"]["message"]
                .as_str()
                .unwrap()
                .contains("fms.admin")
        );
        refused(answer, StatusCode::FORBIDDEN, "forbidden");
        refused(
            call(
                &server,
                method.clone(),
                path,
                Some(&without),
                Some(json!({ "bad": 1 })),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    // A user's token whose role lacks admin cannot administer, whatever the token itself holds.
    let lead = created(
        &server,
        &admin,
        "/api/v1/roles",
        json!({ "name": "Lead", "permissions": [READ] }),
    )
    .await;
    let cy = created(
        &server,
        &admin,
        "/api/v1/users",
        json!({ "name": "Cy", "role_id": lead["id"] }),
    )
    .await;
    let cy_token = created(
        &server,
        &admin,
        &format!("/api/v1/users/{}/api-tokens", cy["id"]),
        json!({ "name": "Cy", "permissions": ["fms.admin", READ] }),
    )
    .await;
    refused(
        call(
            &server,
            Method::GET,
            "/api/v1/roles",
            Some(cy_token["token"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    // A sub-administrator grants only what it holds: in roles, in role changes, in user tokens.
    let sub = token_with(&server, &admin, &["fms.admin", READ]).await;
    refused(
        call(
            &server,
            Method::POST,
            "/api/v1/roles",
            Some(&sub),
            Some(json!({ "name": "More", "permissions": [READ, DELETE] })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let lead_id = lead["id"].as_u64().unwrap();
    refused(
        call(
            &server,
            Method::PATCH,
            &format!("/api/v1/roles/{lead_id}"),
            Some(&sub),
            Some(json!({ "permissions": [READ, DELETE] })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    refused(
        call(
            &server,
            Method::POST,
            &format!("/api/v1/users/{user_id}/api-tokens"),
            Some(&sub),
            Some(json!({ "name": "T", "permissions": [DELETE] })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // Nor does it give a user a role that holds more than it does.
    refused(
        call(
            &server,
            Method::POST,
            "/api/v1/users",
            Some(&sub),
            Some(json!({ "name": "Di", "role_id": role_id })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    refused(
        call(
            &server,
            Method::PATCH,
            &format!("/api/v1/users/{}", cy["id"]),
            Some(&sub),
            Some(json!({ "role_id": role_id })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let (status, renamed) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/users/{user_id}"),
        Some(&sub),
        Some(json!({ "name": "Bo B.", "role_id": role_id })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "keeping a user's role grants nothing: {renamed}"
    );
    // Nor does it take away what it never held (issue 18): it cannot judge those rights.
    refused(
        call(
            &server,
            Method::PATCH,
            &format!("/api/v1/roles/{role_id}"),
            Some(&sub),
            Some(json!({ "permissions": fieldtoken_core::PermissionSet::all().names().into_iter().filter(|p| *p != DELETE).collect::<Vec<_>>() })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // What it holds, it may take away.
    let (status, narrowed) = call(
        &server,
        Method::PATCH,
        &format!("/api/v1/roles/{lead_id}"),
        Some(&sub),
        Some(json!({ "permissions": [] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{narrowed}");
    assert_eq!(narrowed["permissions"], json!([]));
    server.stop().await;
}

#[tokio::test]
async fn bad_role_and_user_input_is_a_json_4xx_and_writes_nothing() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let role = created(
        &server,
        &admin,
        "/api/v1/roles",
        json!({ "name": "Lead", "permissions": [READ] }),
    )
    .await;
    let role_id = role["id"].as_u64().unwrap();
    created(
        &server,
        &admin,
        "/api/v1/users",
        json!({ "name": "Ana", "role_id": role_id }),
    )
    .await;
    let post = |path: &'static str, body: Value| {
        let server = &server;
        let admin = admin.clone();
        async move { call(server, Method::POST, path, Some(&admin), Some(body)).await }
    };
    for (path, body, status, code) in [
        (
            "/api/v1/roles",
            json!({ "name": "", "permissions": [] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_name",
        ),
        (
            "/api/v1/roles",
            json!({ "name": "x".repeat(101), "permissions": [] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_name",
        ),
        (
            "/api/v1/roles",
            json!({ "name": "A", "permissions": ["fms.everything"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_permission",
        ),
        (
            "/api/v1/roles",
            json!({ "name": "Lead", "permissions": [] }),
            StatusCode::CONFLICT,
            "name_taken",
        ),
        (
            "/api/v1/roles",
            json!({ "name": "A", "permissions": "fms.admin" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "/api/v1/roles",
            json!({ "name": "A", "permissions": [], "admin": true }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "/api/v1/users",
            json!({ "name": "Bo", "role_id": 999999 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_role",
        ),
        (
            "/api/v1/users",
            json!({ "name": "Bo", "role_id": -1 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "/api/v1/users",
            json!({ "name": "Ana", "role_id": role_id }),
            StatusCode::CONFLICT,
            "name_taken",
        ),
        (
            "/api/v1/users",
            json!({ "name": "\u{7}", "role_id": role_id }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_name",
        ),
    ] {
        refused(post(path, body.clone()).await, status, code);
    }
    for (method, path, body, status, code) in [
        (
            Method::PATCH,
            "/api/v1/roles/999999",
            Some(json!({})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::DELETE,
            "/api/v1/roles/abc",
            None,
            StatusCode::BAD_REQUEST,
            "bad_id",
        ),
        (
            Method::PATCH,
            "/api/v1/users/999999",
            Some(json!({})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::POST,
            "/api/v1/users/999999/api-tokens",
            Some(json!({ "name": "T", "permissions": [] })),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::PATCH,
            "/api/v1/users/1",
            Some(json!({ "role_id": 999999 })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_role",
        ),
        (
            Method::PATCH,
            "/api/v1/roles/1",
            Some(json!({ "permissions": [1] })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        refused(
            call(&server, method, path, Some(&admin), body).await,
            status,
            code,
        );
    }
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/roles", server.url))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");
    let huge = format!(
        "{{\"name\": \"{}\", \"permissions\": []}}",
        "x".repeat(3 * 1024 * 1024)
    );
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/roles", server.url))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Nothing of the refusals was written.
    let (_, roles) = call(&server, Method::GET, "/api/v1/roles", Some(&admin), None).await;
    assert_eq!(roles["items"].as_array().unwrap().len(), 1);
    let (_, users) = call(&server, Method::GET, "/api/v1/users", Some(&admin), None).await;
    assert_eq!(users["items"].as_array().unwrap().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn organisations_never_see_each_others_roles_and_users() {
    let server = TestServer::start().await;
    let a = server.seed("Acme").await;
    let b = server.seed("Bolt").await;
    let role = created(
        &server,
        &a,
        "/api/v1/roles",
        json!({ "name": "Lead", "permissions": [READ] }),
    )
    .await;
    let role_id = role["id"].as_u64().unwrap();
    let user = created(
        &server,
        &a,
        "/api/v1/users",
        json!({ "name": "Ana", "role_id": role_id }),
    )
    .await;
    let user_id = user["id"].as_u64().unwrap();
    // B may use the same names: they are per organisation.
    created(
        &server,
        &b,
        "/api/v1/roles",
        json!({ "name": "Lead", "permissions": [] }),
    )
    .await;
    for path in ["/api/v1/roles", "/api/v1/users"] {
        let (_, list) = call(&server, Method::GET, path, Some(&b), None).await;
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|item| item["id"].as_u64() != Some(role_id)
                    && item["id"].as_u64() != Some(user_id)),
            "{path}: {list}"
        );
    }
    for (method, path, body, status, code) in [
        (
            Method::PATCH,
            format!("/api/v1/roles/{role_id}"),
            Some(json!({ "permissions": [] })),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::DELETE,
            format!("/api/v1/roles/{role_id}"),
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{user_id}"),
            Some(json!({ "name": "Mine" })),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::POST,
            format!("/api/v1/users/{user_id}/api-tokens"),
            Some(json!({ "name": "T", "permissions": [] })),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            Some(json!({ "name": "Bo", "role_id": role_id })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_role",
        ),
    ] {
        refused(
            call(&server, method, &path, Some(&b), body).await,
            status,
            code,
        );
    }
    // A's role and user are unchanged.
    let (_, roles) = call(&server, Method::GET, "/api/v1/roles", Some(&a), None).await;
    assert_eq!(roles["items"][0]["permissions"], json!([READ]));
    assert_eq!(roles["items"][0]["users"], 1);
    server.stop().await;
}
