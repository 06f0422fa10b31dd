//! Device enrolment: one-time, expiring codes issued by an admin; the device registers its public key with one; a
//! reset_certificate redemption sends it back to enrolment.

use fieldtoken_core::{DeviceKey, TokenCode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call, token_with};

/// The public key of [`device_key`]: RFC 8032 §7.1 TEST 2.
const KEY: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

/// A device's key (RFC 8032 §7.1 TEST 2 secret key).
pub fn device_key() -> DeviceKey {
    let seed =
        hex::decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb").unwrap();
    DeviceKey::from_seed(seed.try_into().unwrap())
}

/// What a device sends to enrol with `code`: its public key and its signature of the enrolment message (a code that
/// does not parse gets a proof of zeros, never looked at).
pub fn enrol_body(code: &str, key: &DeviceKey) -> Value {
    let proof = TokenCode::parse(code).map_or([0; 64], |code| key.enrolment_proof(&code));
    json!({
        "code": code,
        "public_key": hex::encode(key.certificate().to_bytes()),
        "proof": hex::encode(proof),
    })
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn enrolled(server: &TestServer, admin: &str, device: u64) -> bool {
    let (status, body) = call(
        server,
        Method::GET,
        &format!("/api/v1/devices/{device}"),
        Some(admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["enrolled"].as_bool().unwrap()
}

/// Redeems a new reset_certificate token on the device through sync.
async fn reset_certificate(server: &TestServer, admin: &str, device: u64, redemption: &str) {
    let (status, token) = call(
        server,
        Method::POST,
        "/api/v1/action-tokens",
        Some(admin),
        Some(json!({ "name": "Reset", "action": { "type": "reset_certificate" }, "expires_at": "2099-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let (status, answer) = call(
        server,
        Method::POST,
        "/api/v1/sync",
        Some(admin),
        Some(json!({ "redemptions": [{ "id": redemption, "token": token["code"], "device_id": device, "scanned_at": now_ms() }] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
}

async fn issue(server: &TestServer, bearer: &str, device: u64) -> (StatusCode, Value) {
    call(
        server,
        Method::POST,
        &format!("/api/v1/devices/{device}/enrolment"),
        Some(bearer),
        None,
    )
    .await
}

async fn enrol(server: &TestServer, code: &str, key: &DeviceKey) -> (StatusCode, Value) {
    enrol_raw(server, enrol_body(code, key)).await
}

async fn enrol_raw(server: &TestServer, body: Value) -> (StatusCode, Value) {
    call(server, Method::POST, "/api/v1/enrol", None, Some(body)).await
}

fn code_of(status: StatusCode, body: &Value) -> String {
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_device_enrols_once_per_code_and_again_after_a_reset() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (_, devices) = call(&server, Method::GET, "/api/v1/devices", Some(&admin), None).await;
    let device = devices["items"][0]["id"].as_u64().unwrap();
    assert!(enrolled(&server, &admin, device).await);

    // An enrolled device gets no code: its certificate is cleared only by reset_certificate.
    let (status, body) = issue(&server, &admin, device).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "already_enrolled");

    reset_certificate(&server, &admin, device, "reset-1").await;
    assert!(!enrolled(&server, &admin, device).await);

    let (status, body) = issue(&server, &admin, device).await;
    let code = code_of(status, &body);
    assert_eq!(body["device_id"].as_u64(), Some(device));
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(body["qr"]["text"].as_str().unwrap(), code.replace('-', ""));
    assert!(body["qr"]["svg"].as_str().unwrap().starts_with("<svg"));

    // Bad input: a mistyped code, a key that is not 32 bytes, a code nobody issued.
    let (status, body) = enrol(&server, "not a code", &device_key()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let mut short_key = enrol_body(&code, &device_key());
    short_key["public_key"] = json!("abcd");
    let (status, body) = enrol_raw(&server, short_key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "bad_public_key");
    let (status, body) = enrol(&server, "0000-0000-0000-0000-0", &device_key()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "unknown_code");
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/v1/enrol",
        None,
        Some(json!({ "code": code })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(!enrolled(&server, &admin, device).await);

    // The code works once, typed in any case and without hyphens.
    let (status, body) = enrol(
        &server,
        &code.replace('-', "").to_lowercase(),
        &device_key(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["enrolled"], true);
    assert!(enrolled(&server, &admin, device).await);
    let certificate: Vec<u8> = sqlx::query_scalar("SELECT certificate FROM devices WHERE id = ?")
        .bind(device as i64)
        .fetch_one(&server.db)
        .await
        .unwrap();
    assert_eq!(hex::encode(certificate), KEY);
    let (status, body) = enrol(&server, &code, &device_key()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "code_used");

    // After another reset the device must enrol again, with a new code.
    reset_certificate(&server, &admin, device, "reset-2").await;
    assert!(!enrolled(&server, &admin, device).await);
    let (status, body) = enrol(&server, &code, &device_key()).await;
    assert_eq!(body["error"]["code"], "code_used", "{status}");
    // A newer code replaces an unused older one.
    let (status, body) = issue(&server, &admin, device).await;
    let older = code_of(status, &body);
    let (status, body) = issue(&server, &admin, device).await;
    let newer = code_of(status, &body);
    let (status, body) = enrol(&server, &older, &device_key()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "unknown_code");
    // Nor does a code work after its expiry.
    sqlx::query("UPDATE enrolment_codes SET expires_at = ? WHERE used_at IS NULL")
        .bind(now_ms() - 1)
        .execute(&server.db)
        .await
        .unwrap();
    let (status, body) = enrol(&server, &newer, &device_key()).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(body["error"]["code"], "code_expired");
    assert!(!enrolled(&server, &admin, device).await);

    // Codes are stored as keyed hashes only.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT code_lookup FROM enrolment_codes")
        .fetch_all(&server.db)
        .await
        .unwrap();
    assert!(stored.iter().all(|s| s.len() == 32));
    server.stop().await;
}

#[tokio::test]
async fn issuing_a_code_needs_device_write_in_the_devices_organisation() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let other = server.seed("Bolt").await;
    let (_, devices) = call(&server, Method::GET, "/api/v1/devices", Some(&admin), None).await;
    let device = devices["items"][0]["id"].as_u64().unwrap();
    reset_certificate(&server, &admin, device, "reset-1").await;
    let path = format!("/api/v1/devices/{device}/enrolment");

    let (status, _) = call(&server, Method::POST, &path, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let reader = token_with(&server, &admin, &["fms.device.read"]).await;
    let (status, body) = issue(&server, &reader, device).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("fms.device.write")
    );
    let (status, body) = issue(&server, &other, device).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = call(
        &server,
        Method::POST,
        "/api/v1/devices/abc/enrolment",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let writer = token_with(&server, &admin, &["fms.device.write"]).await;
    let (status, body) = issue(&server, &writer, device).await;
    code_of(status, &body);
    server.stop().await;
}

#[tokio::test]
async fn a_device_enrols_only_with_a_valid_key_and_proof_that_it_holds_it() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (_, devices) = call(&server, Method::GET, "/api/v1/devices", Some(&admin), None).await;
    let device_id = devices["items"][0]["id"].as_u64().unwrap();
    reset_certificate(&server, &admin, device_id, "reset-1").await;
    let (status, body) = issue(&server, &admin, device_id).await;
    let code = code_of(status, &body);
    let good = enrol_body(&code, &device_key());

    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let other_key = DeviceKey::from_seed([7; 32]);
    let other_code = TokenCode::from_bytes([9; 10]);
    let mut without_proof = good.clone();
    without_proof.as_object_mut().unwrap().remove("proof");
    for (body, status, error) in [
        // Small-order keys would accept signatures nobody made.
        (
            with("public_key", json!("00".repeat(32))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_public_key",
        ),
        (
            with("public_key", json!(hex::encode(identity))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_public_key",
        ),
        (
            with("public_key", json!("zz".repeat(32))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_public_key",
        ),
        // Someone who saw the code but lacks the key, or reuses a proof made for another code.
        (
            with(
                "proof",
                json!(hex::encode(
                    other_key.enrolment_proof(&TokenCode::parse(&code).unwrap())
                )),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_proof",
        ),
        (
            with(
                "proof",
                json!(hex::encode(device_key().enrolment_proof(&other_code))),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_proof",
        ),
        (
            with("proof", json!("00".repeat(64))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_proof",
        ),
        (
            with("proof", json!("abcd")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_proof",
        ),
        (
            with("proof", json!(12)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            without_proof,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        let (got, answer) = enrol_raw(&server, body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], error, "{body}: {answer}");
        assert!(!enrolled(&server, &admin, device_id).await, "{body}");
    }
    // The key another device proves it holds is its own; the code still works for it.
    let (status, body) = enrol(&server, &code, &other_key).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let certificate: Vec<u8> = sqlx::query_scalar("SELECT certificate FROM devices WHERE id = ?")
        .bind(device_id as i64)
        .fetch_one(&server.db)
        .await
        .unwrap();
    assert_eq!(certificate, other_key.certificate().to_bytes());
    server.stop().await;
}
