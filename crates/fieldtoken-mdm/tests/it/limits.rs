//! Limits against guessing: a client over its budget gets 429 `rate_limited` with `Retry-After`, other clients do not
//! notice, and the budget comes back with time.

use std::net::IpAddr;
use std::time::Duration;

use fieldtoken_mdm::http::limits::{Limits, Rate};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call, request};

/// Small budgets refilled within a second, so a test waits for its `Retry-After` and no longer.
fn tight() -> Limits {
    Limits {
        sync: Rate::new(3, Duration::from_secs(1)),
        guesses: Rate::new(3, Duration::from_secs(1)),
    }
}

/// What a client was answered: the status, `Retry-After` in seconds when there is one, and the JSON body.
struct Answer {
    status: StatusCode,
    retry_after: Option<u64>,
    body: Value,
}

/// A client at its own loopback address (Linux answers on all of 127/8), so that a test can be several clients.
struct Client<'a> {
    server: &'a TestServer,
    http: reqwest::Client,
}

impl<'a> Client<'a> {
    fn at(server: &'a TestServer, ip: &str) -> Self {
        let http = reqwest::Client::builder()
            .local_address(ip.parse::<IpAddr>().unwrap())
            .build()
            .unwrap();
        Client { server, http }
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let response = request(&self.http, self.server, method, path, bearer, body)
            .send()
            .await
            .expect("the server answers");
        let status = response.status();
        let retry_after = response.headers().get("retry-after").map(|v| {
            v.to_str()
                .unwrap()
                .parse::<u64>()
                .expect("Retry-After in seconds")
        });
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        Answer {
            status,
            retry_after,
            body,
        }
    }

    /// `POST /api/v1/sync` with an empty batch, anonymous or with a bearer token.
    async fn sync(&self, bearer: Option<&str>) -> Answer {
        let batch = json!({ "redemptions": [] });
        self.request(Method::POST, "/api/v1/sync", bearer, Some(batch))
            .await
    }

    /// `GET /api/v1/me` with this bearer token, good or guessed.
    async fn me(&self, bearer: &str) -> Answer {
        self.request(Method::GET, "/api/v1/me", Some(bearer), None)
            .await
    }

    /// `POST /api/v1/enrol` with a valid key and proof, so that each attempt reaches the code look-up.
    async fn enrol(&self, code: &str) -> Answer {
        let body = crate::enrolment::enrol_body(code, &crate::enrolment::device_key());
        self.request(Method::POST, "/api/v1/enrol", None, Some(body))
            .await
    }

    /// `POST /api/v1/operator/session`.
    async fn sign_in(&self, body: Value) -> Answer {
        self.request(Method::POST, "/api/v1/operator/session", None, Some(body))
            .await
    }
}

/// Two clients, at different addresses.
fn two_clients(server: &TestServer) -> (Client<'_>, Client<'_>) {
    (
        Client::at(server, "127.0.0.1"),
        Client::at(server, "127.0.0.2"),
    )
}

/// Asserts the status, showing the body when it is another.
fn assert_status(answer: &Answer, status: StatusCode) {
    assert_eq!(answer.status, status, "{}", answer.body);
}

/// Asserts a 429 `rate_limited` that asks to wait 1 s, and answers the wait.
fn assert_limited(answer: &Answer) -> u64 {
    assert_status(answer, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.body["error"]["code"], "rate_limited");
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("try again")
    );
    let seconds = answer.retry_after.expect("429 carries Retry-After");
    assert_eq!(seconds, 1, "a 1 s window never asks for more");
    seconds
}

#[tokio::test]
async fn sync_requests_are_limited_per_client() {
    let server = TestServer::start_with_limits(tight()).await;
    let admin = server.seed("Acme").await;
    let (one, two) = two_clients(&server);
    // Without a bearer token or a device signature, a request spends its address's sync budget (a device that
    // signed is counted as itself: tests/it/carriers.rs).
    for _ in 0..3 {
        assert_status(&one.sync(None).await, StatusCode::UNAUTHORIZED);
    }
    let wait = assert_limited(&one.sync(None).await);

    // Another address, and a signed-in client on the same address, have their own budgets.
    assert_status(&two.sync(None).await, StatusCode::UNAUTHORIZED);
    for _ in 0..3 {
        assert_status(&one.sync(Some(&admin)).await, StatusCode::OK);
    }
    assert_limited(&one.sync(Some(&admin)).await);

    // Other endpoints do not spend the sync budget.
    assert_status(&one.me(&admin).await, StatusCode::OK);

    tokio::time::sleep(Duration::from_secs(wait)).await;
    let answer = one.sync(None).await;
    assert_eq!(
        answer.status,
        StatusCode::UNAUTHORIZED,
        "allowed again after Retry-After: {}",
        answer.body
    );
    server.stop().await;
}

#[tokio::test]
async fn failed_bearer_tokens_are_limited_per_address() {
    let server = TestServer::start_with_limits(tight()).await;
    let admin = server.seed("Acme").await;
    let (one, two) = two_clients(&server);
    // A valid token costs nothing.
    for _ in 0..5 {
        assert_status(&one.me(&admin).await, StatusCode::OK);
    }
    for guess in ["ftk_00", "ftk_01", "ftk_02"] {
        assert_status(&one.me(guess).await, StatusCode::UNAUTHORIZED);
    }
    // The next guess is not even checked; nor is a good token from that address, until the wait is over.
    let wait = assert_limited(&one.me("ftk_03").await);
    assert_limited(&one.me(&admin).await);
    // The same holds on sync, which reads the token before its own budget.
    assert_limited(&one.sync(Some("ftk_04")).await);

    // Another address is not affected.
    assert_status(&two.me("ftk_05").await, StatusCode::UNAUTHORIZED);
    assert_status(&two.me(&admin).await, StatusCode::OK);

    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(
        one.me(&admin).await.status,
        StatusCode::OK,
        "allowed again after Retry-After"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_default_limits_let_a_phone_upload_its_queue() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    // More requests than the benchmark's 10 batches, back to back.
    for _ in 0..20 {
        let batch = Some(json!({ "redemptions": [] }));
        let (status, body) = call(&server, Method::POST, "/api/v1/sync", Some(&admin), batch).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    server.stop().await;
}

#[tokio::test]
async fn wrong_enrolment_codes_are_limited_per_address() {
    let server = TestServer::start_with_limits(tight()).await;
    let (one, two) = two_clients(&server);
    let unknown = "0000-0000-0000-0000-0";
    for _ in 0..3 {
        assert_status(&one.enrol(unknown).await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_limited(&one.enrol(unknown).await);
    assert_status(&two.enrol(unknown).await, StatusCode::UNPROCESSABLE_ENTITY);
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
    let (one, two) = two_clients(&server);

    // A correct sign-in spends nothing.
    assert_status(&one.sign_in(correct.clone()).await, StatusCode::CREATED);
    for wrong in [
        json!({ "identifier": "ana@example.com", "pass_code": "wrong-pass-1" }),
        json!({ "identifier": "nobody@example.com", "pass_code": "wrong-pass-2" }),
        json!({ "authentication_code": "not-a-code" }),
    ] {
        let answer = one.sign_in(wrong).await;
        assert_status(&answer, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.body["error"]["code"], "bad_credentials");
    }
    // The next guess is not checked, nor is the right pass code from that address until the wait is over.
    let answer = one
        .sign_in(json!({ "identifier": "ana@example.com", "pass_code": "wrong-pass-3" }))
        .await;
    assert_status(&answer, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.body["error"]["code"], "rate_limited");
    assert!(
        answer.retry_after.is_some_and(|s| (1..=60).contains(&s)),
        "{:?}",
        answer.retry_after
    );
    assert_status(
        &one.sign_in(correct.clone()).await,
        StatusCode::TOO_MANY_REQUESTS,
    );
    // Another client signs in as usual.
    assert_status(&two.sign_in(correct).await, StatusCode::CREATED);
    server.stop().await;
}

/// Issue 18: failed sign-ins are limited per identifier as well as per address, so guesses at one operator's pass
/// code cannot be shared out among many addresses.
#[tokio::test]
async fn wrong_operator_sign_ins_are_limited_per_identifier_too() {
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
    call(
        &server,
        Method::POST,
        "/api/v1/access-token-definitions",
        Some(&admin),
        Some(definition),
    )
    .await;
    let (_, token) = call(
        &server,
        Method::POST,
        "/api/v1/access-tokens",
        Some(&admin),
        Some(json!({ "identifier": "ana@example.com" })),
    )
    .await;
    let correct = json!({ "identifier": "ana@example.com", "pass_code": token["pass_code"] });
    // Three addresses, one wrong guess each, all at ana.
    for (i, ip) in ["127.0.0.11", "127.0.0.12", "127.0.0.13"]
        .into_iter()
        .enumerate()
    {
        let answer = Client::at(&server, ip)
            .sign_in(
                json!({ "identifier": "ana@example.com", "pass_code": format!("wrong-pass-{i}") }),
            )
            .await;
        assert_status(&answer, StatusCode::UNAUTHORIZED);
    }
    // A fourth address, with its whole budget, is not heard about ana (the identifier's case and spaces do not
    // make another bucket) ...
    let fourth = Client::at(&server, "127.0.0.14");
    let answer = fourth
        .sign_in(json!({ "identifier": " ANA@example.com", "pass_code": "wrong-pass-4" }))
        .await;
    assert_status(&answer, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.body["error"]["code"], "rate_limited");
    assert_status(
        &fourth.sign_in(correct).await,
        StatusCode::TOO_MANY_REQUESTS,
    );
    // ... but signs in as anyone else.
    let (_, other) = call(
        &server,
        Method::POST,
        "/api/v1/access-tokens",
        Some(&admin),
        Some(json!({ "identifier": "bea@example.com" })),
    )
    .await;
    assert_status(
        &fourth
            .sign_in(json!({ "identifier": "bea@example.com", "pass_code": other["pass_code"] }))
            .await,
        StatusCode::CREATED,
    );
    server.stop().await;
}
