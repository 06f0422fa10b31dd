//! Who may carry a sync (issue 18): an operator session, an API token holding `fms.actiontoken.redeem`, or an
//! enrolled device signing for itself with its current certificate; never nobody.

use fieldtoken_core::{DeviceId, DeviceKey, OrgId, Redemption, RedemptionId, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::enrolment::{device_key, enrol_body};
use crate::support::{TestServer, call, token_with};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The seeded organisation's id, its devices' ids, and the codes of its put_in_repair and put_in_stock tokens.
struct Seeded {
    org: u32,
    devices: Vec<u64>,
    repair: String,
    stock: String,
}

async fn seeded(server: &TestServer, admin: &str) -> Seeded {
    let (_, me) = call(server, Method::GET, "/api/v1/me", Some(admin), None).await;
    let (_, devices) = call(server, Method::GET, "/api/v1/devices", Some(admin), None).await;
    let mut code_of = Vec::new();
    for action in ["put_in_repair", "put_in_stock"] {
        let (status, token) = call(
            server,
            Method::POST,
            "/api/v1/action-tokens",
            Some(admin),
            Some(json!({ "name": action, "action": { "type": action }, "expires_at": "2099-01-01T00:00:00Z" })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{token}");
        code_of.push(token["code"].as_str().unwrap().to_owned());
    }
    let [repair, stock] = <[String; 2]>::try_from(code_of).unwrap();
    Seeded {
        org: u32::try_from(me["org"]["id"].as_u64().unwrap()).unwrap(),
        devices: devices["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_u64().unwrap())
            .collect(),
        repair,
        stock,
    }
}

async fn state_of(server: &TestServer, admin: &str, device: u64) -> Value {
    let (status, body) = call(
        server,
        Method::GET,
        &format!("/api/v1/devices/{device}"),
        Some(admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Resets the device's certificate with a new reset_certificate token, redeemed by the admin (an API token with
/// every permission), then enrols it with `key`.
async fn reset_and_enrol(server: &TestServer, admin: &str, device: u64, key: &DeviceKey, n: u32) {
    reset(server, admin, device, n).await;
    enrol_with(server, admin, device, key).await;
}

async fn reset(server: &TestServer, admin: &str, device: u64, n: u32) {
    // Scan times strictly after the previous scan's, so that latest-scan-wins never ties.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, token) = call(
        server,
        Method::POST,
        "/api/v1/action-tokens",
        Some(admin),
        Some(json!({ "name": format!("Reset {n}"), "action": { "type": "reset_certificate" }, "expires_at": "2099-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let (status, answer) = call(
        server,
        Method::POST,
        "/api/v1/sync",
        Some(admin),
        Some(json!({ "redemptions": [{ "id": format!("reset-{n}"), "token": token["code"], "device_id": device, "scanned_at": now_ms() }] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
}

/// One redemption as sent, and as the core reads it (for the signature).
fn redemption(id: &str, token: &str, device: u64, at: i64) -> (Value, Redemption) {
    (
        json!({ "id": id, "token": token, "device_id": device, "scanned_at": at }),
        Redemption {
            id: RedemptionId::new(id).unwrap(),
            token: token.to_owned(),
            device_id: DeviceId::new(u32::try_from(device).unwrap()).unwrap(),
            scanned_at: Timestamp::from_millis(at),
        },
    )
}

/// A sync body signed by `key` as device `signer` of organisation `org`.
fn signed(key: &DeviceKey, org: u32, signer: u64, batch: &[(Value, Redemption)]) -> Value {
    let core: Vec<Redemption> = batch.iter().map(|(_, r)| r.clone()).collect();
    let signer_id = DeviceId::new(u32::try_from(signer).unwrap()).unwrap();
    let signature = key.sign_sync(OrgId::new(org).unwrap(), signer_id, &core);
    json!({
        "redemptions": batch.iter().map(|(wire, _)| wire.clone()).collect::<Vec<_>>(),
        "device_signature": { "device_id": signer, "signature": hex::encode(signature) },
    })
}

async fn post(server: &TestServer, bearer: Option<&str>, body: Value) -> (StatusCode, Value) {
    call(server, Method::POST, "/api/v1/sync", bearer, Some(body)).await
}

/// Table row: "`POST /api/v1/sync` with no credentials, a code read off a printed card, a device id: applied".
#[tokio::test]
async fn a_sync_without_a_carrier_is_refused_and_a_token_needs_the_redeem_permission() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let seeded = seeded(&server, &admin).await;
    let device = seeded.devices[0];
    let before = state_of(&server, &admin, device).await["state"].clone();
    // Dated now: a scan from before the token existed would be `clock` whoever carried it.
    let (card, _) = redemption("anon-1", &seeded.repair, device, now_ms());
    let body = json!({ "redemptions": [card] });

    let (status, answer) = post(&server, None, body.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    assert_eq!(answer["error"]["code"], "unauthenticated");
    assert_eq!(state_of(&server, &admin, device).await["state"], before);

    // An API token without fms.actiontoken.redeem may read tokens, not redeem them.
    let reader = token_with(&server, &admin, &["fms.actiontoken.read"]).await;
    let (status, answer) = post(&server, Some(&reader), body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(answer["error"]["code"], "forbidden");
    assert_eq!(state_of(&server, &admin, device).await["state"], before);

    // With it, the same redemption is carried.
    let redeemer = token_with(&server, &admin, &["fms.actiontoken.redeem"]).await;
    let (status, answer) = post(&server, Some(&redeemer), body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    assert_eq!(
        state_of(&server, &admin, device).await["state"],
        "in_repair"
    );

    // A bearer token and a device signature at once is one carrier too many.
    let mut both = signed(&device_key(), seeded.org, device, &[]);
    both["redemptions"] = json!([]);
    let (status, answer) = post(&server, Some(&redeemer), both).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    assert_eq!(answer["error"]["code"], "unauthenticated");
    server.stop().await;
}

/// Table row: "after `reset_certificate`: the device keeps syncing as before". A device's signature carries its own
/// redemptions, only its own, only for the batch it signed, and only while its certificate is the key it signs with.
#[tokio::test]
async fn a_device_signs_for_itself_until_its_certificate_is_reset() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let seeded = seeded(&server, &admin).await;
    let (device, other) = (seeded.devices[0], seeded.devices[1]);
    let other_before = state_of(&server, &admin, other).await;
    let key = device_key();
    reset_and_enrol(&server, &admin, device, &key, 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let at = now_ms();

    // Signed by the device for itself: applied, once.
    let batch = [redemption("dev-1", &seeded.repair, device, at)];
    let body = signed(&key, seeded.org, device, &batch);
    let (status, answer) = post(&server, None, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    assert_eq!(
        state_of(&server, &admin, device).await["state"],
        "in_repair"
    );
    let (status, answer) = post(&server, None, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "duplicate", "{answer}");

    // The signature replayed over another payload (another token, another scan time): 401, nothing written.
    for changed in [
        json!({ "id": "dev-2", "token": seeded.stock, "device_id": device, "scanned_at": at }),
        json!({ "id": "dev-1", "token": seeded.repair, "device_id": device, "scanned_at": at + 1 }),
    ] {
        let mut replayed = body.clone();
        replayed["redemptions"] = json!([changed]);
        let (status, answer) = post(&server, None, replayed).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
        assert_eq!(answer["error"]["code"], "unauthenticated");
    }
    assert_eq!(
        state_of(&server, &admin, device).await["state"],
        "in_repair"
    );

    // A device signs only for itself: not for another device, nor as another device.
    let for_other = [redemption("dev-3", &seeded.stock, other, at)];
    let (status, answer) = post(&server, None, signed(&key, seeded.org, device, &for_other)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(answer["error"]["code"], "forbidden");
    let (status, answer) = post(&server, None, signed(&key, seeded.org, other, &for_other)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    // Nor for an unknown device, nor with a signature that is not 128 hex digits.
    let (status, _) = post(&server, None, signed(&key, seeded.org, 999_999, &[])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut short = body.clone();
    short["device_signature"]["signature"] = json!("abcd");
    let (status, answer) = post(&server, None, short).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(state_of(&server, &admin, other).await, other_before);

    // After reset_certificate the device's signatures are refused in words of their own, until it enrols again.
    reset(&server, &admin, device, 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let stock = [redemption("dev-4", &seeded.stock, device, now_ms())];
    let (status, answer) = post(&server, None, signed(&key, seeded.org, device, &stock)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    assert_eq!(answer["error"]["code"], "certificate_reset");
    assert_eq!(
        state_of(&server, &admin, device).await["state"],
        "in_repair"
    );

    // Enrolled again with a new key: the old key is no credential, the new one is.
    let new_key = DeviceKey::from_seed([7; 32]);
    enrol_with(&server, &admin, device, &new_key).await;
    let (status, answer) = post(&server, None, signed(&key, seeded.org, device, &stock)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    assert_eq!(answer["error"]["code"], "unauthenticated");
    let (status, answer) = post(&server, None, signed(&new_key, seeded.org, device, &stock)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    assert_eq!(state_of(&server, &admin, device).await["state"], "in_stock");

    // The audit log names the device as the carrier.
    let actors: Vec<String> = sqlx::query_scalar(
        "SELECT actor FROM audit_log WHERE action = 'redemption.apply' ORDER BY id",
    )
    .fetch_all(&server.db)
    .await
    .unwrap();
    assert_eq!(
        actors.last(),
        Some(&format!("device {device}")),
        "{actors:?}"
    );
    server.stop().await;
}

/// Enrols a device whose certificate is reset with `key`, through a new enrolment code.
async fn enrol_with(server: &TestServer, admin: &str, device: u64, key: &DeviceKey) {
    let (status, code) = call(
        server,
        Method::POST,
        &format!("/api/v1/devices/{device}/enrolment"),
        Some(admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{code}");
    let (status, body) = call(
        server,
        Method::POST,
        "/api/v1/enrol",
        None,
        Some(enrol_body(code["code"].as_str().unwrap(), key)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Issue 14: devices behind one address (a warehouse's NAT) that sign their own syncs are limited each as itself,
/// not all together as that address; forged signatures are guesses of that address, and once its guesses are
/// spent, no unsigned-by-bearer sync from it is even read.
#[tokio::test]
async fn signing_devices_behind_one_address_each_have_their_own_sync_budget() {
    use fieldtoken_mdm::http::limits::{Limits, Rate};
    let minute = std::time::Duration::from_secs(60);
    let server = TestServer::start_with_limits(Limits {
        sync: Rate::new(2, minute),
        guesses: Rate::new(2, minute),
    })
    .await;
    let admin = server.seed("Acme").await;
    let seeded = seeded(&server, &admin).await;
    let (first, second) = (seeded.devices[0], seeded.devices[1]);
    let key_of = |byte: u8| DeviceKey::from_seed([byte; 32]);
    let (first_key, second_key) = (key_of(1), key_of(2));
    reset_and_enrol(&server, &admin, first, &first_key, 1).await;
    reset_and_enrol(&server, &admin, second, &second_key, 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let at = now_ms();
    let sync_as = |key: &DeviceKey, device: u64, n: u32| {
        let id = format!("nat-{device}-{n}");
        signed(
            key,
            seeded.org,
            device,
            &[redemption(&id, &seeded.repair, device, at + i64::from(n))],
        )
    };

    // The first device uses its whole budget; the third sync is 429.
    for n in 0..2 {
        let (status, answer) = post(&server, None, sync_as(&first_key, first, n)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let (status, answer) = post(&server, None, sync_as(&first_key, first, 2)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    assert_eq!(answer["error"]["code"], "rate_limited");

    // From the same address, the second device still syncs: its budget is its own.
    let (status, answer) = post(&server, None, sync_as(&second_key, second, 0)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");

    // Signatures that do not verify spend the address's guesses; then even a good one from there is 429.
    let wrong_key = key_of(3);
    for n in 10..12 {
        let (status, answer) = post(&server, None, sync_as(&wrong_key, second, n)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    }
    let (status, answer) = post(&server, None, sync_as(&second_key, second, 1)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    server.stop().await;
}
