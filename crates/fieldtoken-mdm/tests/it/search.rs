//! Token search (`GET /api/v1/action-tokens?q=`): a name containing the text anywhere, in any case, with `%`, `_` and
//! quotes taken literally; texts of three characters or more go through the trigram index (migration 0011), shorter
//! ones through `LIKE`, with the same answers. Only the caller's organisation's live tokens.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestServer, call, postgres_admin, postgres_plan};

async fn create(server: &TestServer, admin: &str, name: &str) -> u64 {
    let (status, token) = call(
        server,
        Method::POST,
        "/api/v1/action-tokens",
        Some(admin),
        Some(json!({ "name": name, "action": { "type": "put_in_stock" }, "expires_at": "2099-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    token["id"].as_u64().unwrap()
}

async fn names(server: &TestServer, admin: &str, q: &str) -> Vec<String> {
    let path = format!(
        "/api/v1/action-tokens?limit=200&q={}",
        q.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
    );
    let (status, found) = call(server, Method::GET, &path, Some(admin), None).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let mut names: Vec<String> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_search_finds_names_containing_the_text_through_the_index_and_without_it() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let other = server.seed("Other").await;
    for name in [
        "North Dock 7",
        "south DOCK 12",
        "Dockyard repair",
        "100% stock_take",
        "Say \"hello\"",
    ] {
        create(&server, &admin, name).await;
    }
    let gone = create(&server, &admin, "Dock to delete").await;
    let (status, _) = call(
        &server,
        Method::DELETE,
        &format!("/api/v1/action-tokens/{gone}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    create(&server, &other, "Other org's Dock").await;

    let dock = ["Dockyard repair", "North Dock 7", "south DOCK 12"];
    // Through the index (three characters or more), in any case, anywhere in the name.
    assert_eq!(names(&server, &admin, "dock").await, dock);
    assert_eq!(names(&server, &admin, "DOCK").await, dock);
    assert_eq!(names(&server, &admin, "k 1").await, ["south DOCK 12"]);
    assert_eq!(
        names(&server, &admin, "yard rep").await,
        ["Dockyard repair"]
    );
    // `%`, `_` and quotes are text, not patterns or query syntax.
    assert_eq!(names(&server, &admin, "0% s").await, ["100% stock_take"]);
    assert_eq!(names(&server, &admin, "k_t").await, ["100% stock_take"]);
    assert_eq!(names(&server, &admin, "\"hello\"").await, ["Say \"hello\""]);
    assert_eq!(
        names(&server, &admin, "dock OR north").await,
        Vec::<String>::new()
    );
    // Shorter texts take the other path, with the same rule.
    assert_eq!(names(&server, &admin, "12").await, ["south DOCK 12"]);
    assert_eq!(names(&server, &admin, "_").await, ["100% stock_take"]);
    // Never a deleted token, never another organisation's.
    assert_eq!(names(&server, &admin, "delete").await, Vec::<String>::new());
    assert_eq!(names(&server, &other, "dock").await, ["Other org's Dock"]);

    // The three-character path really reads the index, not every token.
    if postgres_admin().is_some() {
        // PostgreSQL's path (store::action_tokens::list) is ILIKE on the name, which its trigram index serves.
        // Asked without the organisation: at a test's few rows the organisation's own index would win, and
        // what is checked is that the name's condition has an index at all.
        let plan = postgres_plan(
            &server.db_url,
            &["enable_seqscan", "enable_indexscan"],
            "SELECT id FROM action_tokens WHERE deleted_at IS NULL AND name ILIKE '%dock%' ESCAPE '\\'",
        )
        .await;
        assert!(plan.contains("action_tokens_name_trigrams"), "{plan}");
    } else {
        let plan: Vec<String> = sqlx::query_as::<_, (i64, i64, i64, String)>(
            "EXPLAIN QUERY PLAN SELECT id FROM action_tokens WHERE org_id = 1 AND id IN
               (SELECT rowid FROM action_token_names WHERE action_token_names MATCH '\"dock\"')",
        )
        .fetch_all(&server.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.3)
        .collect();
        assert!(
            plan.iter().any(|step| step.contains("VIRTUAL TABLE INDEX")),
            "{plan:?}"
        );
    }
    server.stop().await;
}
