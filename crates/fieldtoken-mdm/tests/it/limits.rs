//! Limits against guessing: a client over its budget gets 429 `rate_limited` with `Retry-After`, other clients do not
//! notice, and the budget comes back with time.

use std::net::IpAddr;
use std::time::Duration;

use fieldtoken_mdm::limits::{Limits, Rate};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call};

/// Small budgets refilled within a second, so a test waits for its `Retry-After` and no longer.
fn tight() -> Limits {
    Limits {
        sync: Rate::new(3, Duration::from_secs(1)),
        guesses: Rate::new(3, Duration::from_secs(1)),
    }
}

/// A request from a chosen loopback address (Linux answers on all of 127/8), so tests can be two clients.
async fn from(
    server: &TestServer,
    ip: &str,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Option<u64>, Value) {
    let client = reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    let mut request = client.request(method, format!("{}{path}", server.url));
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let retry_after = response.headers().get("retry-after").map(|v| {
        v.to_str()
            .unwrap()
            .parse::<u64>()
            .expect("Retry-After in seconds")
    });
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, retry_after, body)
}

fn empty_batch() -> Option<Value> {
    Some(json!({ "redemptions": [] }))
}

fn assert_limited(status: StatusCode, retry_after: Option<u64>, body: &Value) -> u64 {
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("try again")
    );
    let seconds = retry_after.expect("429 carries Retry-After");
    assert_eq!(seconds, 1, "a 1 s window never asks for more");
    seconds
}

#[tokio::test]
async fn sync_requests_are_limited_per_client() {
    let server = TestServer::start_with_limits(tight()).await;
    let admin = server.seed("Acme").await;
    for _ in 0..3 {
        let (status, _, body) = from(
            &server,
            "127.0.0.1",
            Method::POST,
            "/api/v1/sync",
            None,
            empty_batch(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, retry_after, body) = from(
        &server,
        "127.0.0.1",
        Method::POST,
        "/api/v1/sync",
        None,
        empty_batch(),
    )
    .await;
    let wait = assert_limited(status, retry_after, &body);

    // Another address, and a signed-in client on the same address, have their own budgets.
    let (status, _, _) = from(
        &server,
        "127.0.0.2",
        Method::POST,
        "/api/v1/sync",
        None,
        empty_batch(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for _ in 0..3 {
        let (status, _, _) = from(
            &server,
            "127.0.0.1",
            Method::POST,
            "/api/v1/sync",
            Some(&admin),
            empty_batch(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, retry_after, body) = from(
        &server,
        "127.0.0.1",
        Method::POST,
        "/api/v1/sync",
        Some(&admin),
        empty_batch(),
    )
    .await;
    assert_limited(status, retry_after, &body);

    // Other endpoints do not spend the sync budget.
    let (status, _, _) = from(
        &server,
        "127.0.0.1",
        Method::GET,
        "/api/v1/me",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    tokio::time::sleep(Duration::from_secs(wait)).await;
    let (status, _, body) = from(
        &server,
        "127.0.0.1",
        Method::POST,
        "/api/v1/sync",
        None,
        empty_batch(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "allowed again after Retry-After: {body}"
    );
    server.stop().await;
}

#[tokio::test]
async fn failed_bearer_tokens_are_limited_per_address() {
    let server = TestServer::start_with_limits(tight()).await;
    let admin = server.seed("Acme").await;
    // A valid token costs nothing.
    for _ in 0..5 {
        let (status, _, _) = from(
            &server,
            "127.0.0.1",
            Method::GET,
            "/api/v1/me",
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    for guess in ["ftk_00", "ftk_01", "ftk_02"] {
        let (status, _, body) = from(
            &server,
            "127.0.0.1",
            Method::GET,
            "/api/v1/me",
            Some(guess),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    // The next guess is not even checked; nor is a good token from that address, until the wait is over.
    let (status, retry_after, body) = from(
        &server,
        "127.0.0.1",
        Method::GET,
        "/api/v1/me",
        Some("ftk_03"),
        None,
    )
    .await;
    let wait = assert_limited(status, retry_after, &body);
    let (status, retry_after, body) = from(
        &server,
        "127.0.0.1",
        Method::GET,
        "/api/v1/me",
        Some(&admin),
        None,
    )
    .await;
    assert_limited(status, retry_after, &body);
    // The same holds on sync, which reads the token before its own budget.
    let (status, retry_after, body) = from(
        &server,
        "127.0.0.1",
        Method::POST,
        "/api/v1/sync",
        Some("ftk_04"),
        empty_batch(),
    )
    .await;
    assert_limited(status, retry_after, &body);

    // Another address is not affected.
    let (status, _, _) = from(
        &server,
        "127.0.0.2",
        Method::GET,
        "/api/v1/me",
        Some("ftk_05"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = from(
        &server,
        "127.0.0.2",
        Method::GET,
        "/api/v1/me",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    tokio::time::sleep(Duration::from_secs(wait)).await;
    let (status, _, _) = from(
        &server,
        "127.0.0.1",
        Method::GET,
        "/api/v1/me",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "allowed again after Retry-After");
    server.stop().await;
}

#[tokio::test]
async fn the_default_limits_let_a_phone_upload_its_queue() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    // More requests than the benchmark's 10 batches, back to back, anonymous and signed in.
    for bearer in [None, Some(admin.as_str())] {
        for _ in 0..20 {
            let (status, body) =
                call(&server, Method::POST, "/api/v1/sync", bearer, empty_batch()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn wrong_enrolment_codes_are_limited_per_address() {
    let server = TestServer::start_with_limits(tight()).await;
    // A valid key and proof, so that each attempt reaches the code look-up.
    let body = || {
        Some(crate::enrolment::enrol_body(
            "0000-0000-0000-0000-0",
            &crate::enrolment::device_key(),
        ))
    };
    for _ in 0..3 {
        let (status, _, answer) = from(
            &server,
            "127.0.0.1",
            Method::POST,
            "/api/v1/enrol",
            None,
            body(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    }
    let (status, retry_after, answer) = from(
        &server,
        "127.0.0.1",
        Method::POST,
        "/api/v1/enrol",
        None,
        body(),
    )
    .await;
    assert_limited(status, retry_after, &answer);
    let (status, _, _) = from(
        &server,
        "127.0.0.2",
        Method::POST,
        "/api/v1/enrol",
        None,
        body(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn wrong_operator_sign_ins_are_limited_per_address() {
    // A long window: pass codes are hashed on purpose slowly, so a 1 s bucket could refill between attempts.
    let server = TestServer::start_with_limits(Limits {
        sync: Rate::new(0, Duration::from_secs(60)),
        guesses: Rate::new(3, Duration::from_secs(60)),
    })
    .await;
    let admin = server.seed("Acme").await;
    let definition = json!({
        "name": "Operators",
        "settings": {
            "identifier": { "source": "email" },
            "pass_code": { "generated": true, "min_length": 10, "min_digits": 2 },
            "authentication_code": { "source": "auto_id", "min_length": 16 }
        }
    });
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/v1/access-token-definitions",
        Some(&admin),
        Some(definition),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, token) = call(
        &server,
        Method::POST,
        "/api/v1/access-tokens",
        Some(&admin),
        Some(json!({ "identifier": "ana@example.com" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let correct = json!({ "identifier": "ana@example.com", "pass_code": token["pass_code"] });
    let sign_in = |ip: &'static str, body: Value| {
        let server = &server;
        async move {
            from(
                server,
                ip,
                Method::POST,
                "/api/v1/operator/session",
                None,
                Some(body),
            )
            .await
        }
    };

    // A correct sign-in spends nothing.
    let (status, _, body) = sign_in("127.0.0.1", correct.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for wrong in [
        json!({ "identifier": "ana@example.com", "pass_code": "wrong-pass-1" }),
        json!({ "identifier": "nobody@example.com", "pass_code": "wrong-pass-2" }),
        json!({ "authentication_code": "not-a-code" }),
    ] {
        let (status, _, body) = sign_in("127.0.0.1", wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"]["code"], "bad_credentials");
    }
    // The next guess is not checked, nor is the right pass code from that address until the wait is over.
    let (status, retry_after, body) = sign_in(
        "127.0.0.1",
        json!({ "identifier": "ana@example.com", "pass_code": "wrong-pass-3" }),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(
        retry_after.is_some_and(|s| (1..=60).contains(&s)),
        "{retry_after:?}"
    );
    let (status, _, body) = sign_in("127.0.0.1", correct.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Another client signs in as usual.
    let (status, _, body) = sign_in("127.0.0.2", correct).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    server.stop().await;
}
