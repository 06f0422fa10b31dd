//! Issue 18, "Trust in every redemption": an operator verifies a 'Pending Verification' access token where they sign
//! in; a sign-in names its organisation first and no answer depends on another organisation's data; an enrolled
//! device with nobody signed in downloads its offline bundle by signing the request itself.

use fieldtoken_core::{DeviceId, DeviceKey, OrgId, SignedRequest, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::enrolment::{device_key, enrol_body};
use crate::support::{TestServer, call, created};

/// A definition with generated pass codes whose new tokens wait for verification.
fn verified_definition() -> Value {
    json!({
        "name": "Verified operators",
        "requires_verification": true,
        "settings": {
            "identifier": { "source": "email" },
            "pass_code": { "generated": true, "min_length": 10, "min_digits": 2 },
            "authentication_code": { "source": "auto_id", "min_length": 16 }
        }
    })
}

async fn post(server: &TestServer, path: &str, body: Value) -> (StatusCode, Value) {
    call(server, Method::POST, path, None, Some(body)).await
}

fn refused(answer: &(StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code, "{}", answer.1);
}

async fn org_of(server: &TestServer, admin: &str) -> u64 {
    let (status, me) = call(server, Method::GET, "/api/v1/me", Some(admin), None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    me["org"]["id"].as_u64().unwrap()
}

async fn audit_csv(server: &TestServer, admin: &str) -> String {
    reqwest::Client::new()
        .get(format!("{}/api/v1/audit-log.csv", server.url))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pending_operator_verifies_with_the_sign_in_credentials_and_the_code_then_is_signed_in() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let org = org_of(&server, &admin).await;
    created(
        &server,
        &admin,
        "/api/v1/access-token-definitions",
        verified_definition(),
    )
    .await;
    let token = created(
        &server,
        &admin,
        "/api/v1/access-tokens",
        json!({ "identifier": "ana@example.com" }),
    )
    .await;
    assert_eq!(token["state"], "pending_verification");
    let pass_code = token["pass_code"].as_str().unwrap();
    let code = token["verification_code"].as_str().unwrap();
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let credentials =
        json!({ "identifier": "ana@example.com", "pass_code": pass_code, "org": org });
    let with_code = |code: &str| {
        let mut body = credentials.clone();
        body["verification_code"] = json!(code);
        body
    };

    // A blank code is refused as a malformed request, and costs no attempt.
    refused(
        &post(&server, "/api/v1/operator/verify", with_code("  ")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_sign_in",
    );
    // Sign-in says it needs verification; a wrong code or wrong credentials do not verify.
    refused(
        &post(&server, "/api/v1/operator/session", credentials.clone()).await,
        StatusCode::FORBIDDEN,
        "access_token_pending_verification",
    );
    refused(
        &post(&server, "/api/v1/operator/verify", with_code(wrong)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "wrong_verification_code",
    );
    let mut bad_pass = with_code(code);
    bad_pass["pass_code"] = json!("not-the-pass-code-9");
    refused(
        &post(&server, "/api/v1/operator/verify", bad_pass).await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );
    // Another organisation's id: nothing matches there.
    let other = server.seed("Beta").await;
    let mut elsewhere = with_code(code);
    elsewhere["org"] = json!(org_of(&server, &other).await);
    refused(
        &post(&server, "/api/v1/operator/verify", elsewhere).await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );

    // The right code verifies and signs in at once.
    let (status, session) = post(&server, "/api/v1/operator/verify", with_code(code)).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    assert_eq!(session["org"]["id"], org);
    assert_eq!(session["operator"]["identifier"], "ana@example.com");
    let bearer = session["token"].as_str().unwrap();
    let (status, _) = call(
        &server,
        Method::GET,
        "/api/v1/offline-bundle",
        Some(bearer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, shown) = call(
        &server,
        Method::GET,
        &format!("/api/v1/access-tokens/{}", token["number"]),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(shown["state"], "effective", "{shown}");
    assert!(
        shown["verification"]["verified_by"]
            .as_str()
            .unwrap()
            .contains("ana@example.com"),
        "{shown}"
    );
    // Verified once: the code does nothing more, and sign-in now works.
    refused(
        &post(&server, "/api/v1/operator/verify", with_code(code)).await,
        StatusCode::CONFLICT,
        "verify_needs_pending",
    );
    let (status, _) = post(&server, "/api/v1/operator/session", credentials).await;
    assert_eq!(status, StatusCode::CREATED);
    let csv = audit_csv(&server, &admin).await;
    assert!(csv.contains("access_token.verify_failed"), "{csv}");
    assert!(csv.contains("access_token.verify,"), "{csv}");
    server.stop().await;
}

#[tokio::test]
async fn wrong_verification_codes_lock_the_token_and_spend_the_identifiers_guesses() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    created(
        &server,
        &admin,
        "/api/v1/access-token-definitions",
        verified_definition(),
    )
    .await;
    let token = created(
        &server,
        &admin,
        "/api/v1/access-tokens",
        json!({ "identifier": "bo@example.com" }),
    )
    .await;
    let pass_code = token["pass_code"].as_str().unwrap();
    let code = token["verification_code"].as_str().unwrap();
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    // The only organisation of the server: `org` may be left out.
    let body = |code: &str| json!({ "identifier": "bo@example.com", "pass_code": pass_code, "verification_code": code });
    for _ in 0..5 {
        refused(
            &post(&server, "/api/v1/operator/verify", body(wrong)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_verification_code",
        );
    }
    refused(
        &post(&server, "/api/v1/operator/verify", body(code)).await,
        StatusCode::CONFLICT,
        "verification_locked",
    );
    // An administrator's reset gives a new code, and the count starts again.
    let (status, reset) = call(
        &server,
        Method::POST,
        &format!(
            "/api/v1/access-tokens/{}/reset-verification-code",
            token["number"]
        ),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    let code = reset["verification_code"].as_str().unwrap();
    let (status, session) = post(&server, "/api/v1/operator/verify", body(code)).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    server.stop().await;

    // Guesses are limited per identifier, whatever the address: 3 here.
    let server = TestServer::start_with_limits(fieldtoken_mdm::http::limits::Limits {
        guesses: fieldtoken_mdm::http::limits::Rate::new(3, std::time::Duration::from_secs(3600)),
        ..Default::default()
    })
    .await;
    let admin = server.seed("Acme").await;
    created(
        &server,
        &admin,
        "/api/v1/access-token-definitions",
        verified_definition(),
    )
    .await;
    let token = created(
        &server,
        &admin,
        "/api/v1/access-tokens",
        json!({ "identifier": "cy@example.com" }),
    )
    .await;
    let body = json!({
        "identifier": "cy@example.com",
        "pass_code": token["pass_code"],
        "verification_code": "not-the-code",
    });
    for _ in 0..3 {
        refused(
            &post(&server, "/api/v1/operator/verify", body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_verification_code",
        );
    }
    refused(
        &post(&server, "/api/v1/operator/verify", body).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
    server.stop().await;
}

/// "Sign-in names its organisation first (from the PWA's configuration or the sign-in address); nothing an answer
/// says may depend on another organisation's data."
#[tokio::test]
async fn without_org_a_server_of_several_organisations_answers_the_same_whoever_the_identifier_belongs_to()
 {
    let server = TestServer::start().await;
    let admin_a = server.seed("Acme").await;
    // One organisation: a sign-in without `org` means it.
    let typed = json!({
        "name": "Operators",
        "settings": {
            "identifier": { "source": "email" },
            "pass_code": { "generated": false, "min_length": 10, "min_digits": 2 },
            "authentication_code": { "source": "auto_id", "min_length": 16 }
        }
    });
    created(
        &server,
        &admin_a,
        "/api/v1/access-token-definitions",
        typed.clone(),
    )
    .await;
    let ana = json!({ "identifier": "ana@example.com", "pass_code": "alpha-secret-42" });
    created(&server, &admin_a, "/api/v1/access-tokens", ana.clone()).await;
    let (status, session) = post(&server, "/api/v1/operator/session", ana.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");

    // A second organisation, where the same identifier exists too.
    let admin_b = server.seed("Beta").await;
    created(&server, &admin_b, "/api/v1/access-token-definitions", typed).await;
    created(
        &server,
        &admin_b,
        "/api/v1/access-tokens",
        json!({ "identifier": "ana@example.com", "pass_code": "beta-secret-43" }),
    )
    .await;
    created(
        &server,
        &admin_b,
        "/api/v1/access-tokens",
        json!({ "identifier": "bo@example.com", "pass_code": "beta-secret-44" }),
    )
    .await;
    // In two organisations, in one, in none, with a right or a wrong pass code, by code alone: one answer.
    let bodies = [
        ana.clone(),
        json!({ "identifier": "ana@example.com", "pass_code": "beta-secret-43" }),
        json!({ "identifier": "bo@example.com", "pass_code": "beta-secret-44" }),
        json!({ "identifier": "nobody@example.com", "pass_code": "alpha-secret-42" }),
        json!({ "authentication_code": "NOT-A-CODE-OF-ANYONE" }),
    ];
    let mut answers = Vec::new();
    for body in &bodies {
        let (status, answer) = post(&server, "/api/v1/operator/session", body.clone()).await;
        let mut verify = body.clone();
        verify["verification_code"] = json!("12345678");
        let (verify_status, verify_answer) = post(&server, "/api/v1/operator/verify", verify).await;
        answers.push((status, answer, verify_status, verify_answer));
    }
    for (body, answer) in bodies.iter().zip(&answers) {
        assert_eq!(answer.0, StatusCode::CONFLICT, "{body}: {}", answer.1);
        assert_eq!(answer.1["error"]["code"], "org_required", "{body}");
        assert_eq!(answer, &answers[0], "{body}");
    }
    // Naming the organisation signs in there alone.
    let mut named = ana;
    named["org"] = json!(org_of(&server, &admin_a).await);
    let (status, session) = post(&server, "/api/v1/operator/session", named.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    named["org"] = json!(org_of(&server, &admin_b).await);
    refused(
        &post(&server, "/api/v1/operator/session", named).await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );
    server.stop().await;
}

/// A device-signed request that must be refused: what differs, the signing key, the organisation and device named,
/// the signed time and the signed path.
type Case<'a> = (&'a str, &'a DeviceKey, (u64, u64), i64, &'a str);

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// `GET /api/v1/offline-bundle` signed by `key` as `device` of `org` at `at` for `path` (the signed one), with
/// an optional bearer token too.
async fn signed_bundle(
    server: &TestServer,
    key: &DeviceKey,
    (org, device): (u64, u64),
    at: i64,
    signed_path: &str,
    bearer: Option<&str>,
) -> (StatusCode, Value) {
    let request = SignedRequest {
        method: "GET",
        path: signed_path,
        org: OrgId::new(org as u32).unwrap(),
        device: DeviceId::new(device as u32).unwrap(),
        at: Timestamp::from_millis(at),
    };
    let mut builder = reqwest::Client::new()
        .get(format!("{}/api/v1/offline-bundle", server.url))
        .header("Fieldtoken-Device", device.to_string())
        .header("Fieldtoken-Time", at.to_string())
        .header(
            "Fieldtoken-Signature",
            hex::encode(key.sign_request(&request)),
        );
    if let Some(bearer) = bearer {
        builder = builder.bearer_auth(bearer);
    }
    let response = builder.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_enrolled_device_downloads_its_bundle_by_signing_the_request_until_its_certificate_is_reset()
 {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let org = org_of(&server, &admin).await;
    let (_, devices) = call(&server, Method::GET, "/api/v1/devices", Some(&admin), None).await;
    let device = devices["items"][0]["id"].as_u64().unwrap();
    // Reset the seeded device, then enrol it with our key.
    let reset = created(
        &server,
        &admin,
        "/api/v1/action-tokens",
        json!({ "name": "Reset", "action": { "type": "reset_certificate" }, "expires_at": "2099-01-01T00:00:00Z" }),
    )
    .await;
    let sync = |id: &str| json!({ "redemptions": [{ "id": id, "token": reset["code"], "device_id": device, "scanned_at": now_ms() }] });
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/sync",
        Some(&admin),
        Some(sync("reset-1")),
    )
    .await;
    assert_eq!(
        answer["results"][0]["status"], "applied",
        "{status} {answer}"
    );
    let issued = created(
        &server,
        &admin,
        &format!("/api/v1/devices/{device}/enrolment"),
        json!(null),
    )
    .await;
    let key = device_key();
    let (status, enrolled) = post(
        &server,
        "/api/v1/enrol",
        enrol_body(issued["code"].as_str().unwrap(), &key),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{enrolled}");
    assert_eq!(
        enrolled["org"], org,
        "the phone learns which organisation it signs as"
    );

    let path = "/api/v1/offline-bundle";
    let (status, bundle) = signed_bundle(&server, &key, (org, device), now_ms(), path, None).await;
    assert_eq!(status, StatusCode::OK, "{bundle}");
    assert_eq!(bundle["org"], org);
    assert!(
        bundle["devices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == device)
    );

    // What is not exactly this request by this device's key, now, is refused.
    let stranger = DeviceKey::from_seed([7; 32]);
    let other_org = org_of(&server, &server.seed("Beta").await).await;
    let stale = now_ms() - 6 * 60 * 1000;
    let ahead = now_ms() + 6 * 60 * 1000;
    let cases: [Case; 5] = [
        ("another key", &stranger, (org, device), now_ms(), path),
        (
            "another path",
            &key,
            (org, device),
            now_ms(),
            "/api/v1/sync",
        ),
        (
            "another organisation",
            &key,
            (other_org, device),
            now_ms(),
            path,
        ),
        (
            "a copy replayed six minutes later",
            &key,
            (org, device),
            stale,
            path,
        ),
        (
            "dated ahead to be replayed",
            &key,
            (org, device),
            ahead,
            path,
        ),
    ];
    for (what, signer, who, at, signed_path) in cases {
        let answer = signed_bundle(&server, signer, who, at, signed_path, None).await;
        assert_eq!(answer.0, StatusCode::UNAUTHORIZED, "{what}: {}", answer.1);
        assert_eq!(answer.1["error"]["code"], "unauthenticated", "{what}");
    }
    // Malformed headers, or a bearer token too.
    let (status, _) = call(&server, Method::GET, path, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let half = reqwest::Client::new()
        .get(format!("{}{path}", server.url))
        .header("Fieldtoken-Device", device.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(half.status(), StatusCode::UNAUTHORIZED);
    let both = signed_bundle(&server, &key, (org, device), now_ms(), path, Some(&admin)).await;
    refused(&both, StatusCode::UNAUTHORIZED, "unauthenticated");

    // After a reset_certificate redemption the device's signature opens nothing.
    let (_, answer) = call(
        &server,
        Method::POST,
        "/api/v1/sync",
        Some(&admin),
        Some(sync("reset-2")),
    )
    .await;
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    refused(
        &signed_bundle(&server, &key, (org, device), now_ms(), path, None).await,
        StatusCode::UNAUTHORIZED,
        "certificate_reset",
    );
    server.stop().await;
}
