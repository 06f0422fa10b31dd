//! Signing-key rotation and retirement: tokens signed with a previous key keep verifying offline and at sync, new
//! tokens carry the new key id, and a retired key verifies nothing.

use fieldtoken_core::{KeyId, KeyRing, OrgId, OrgPublicKey, SignedToken};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, call, token_with};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn new_token(server: &TestServer, admin: &str) -> Value {
    let (status, token) = call(
        server,
        Method::POST,
        "/api/v1/action-tokens",
        Some(admin),
        Some(json!({ "name": "To repair", "action": { "type": "put_in_repair" }, "expires_at": "2099-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    token
}

fn key_id_of(link: &str) -> u32 {
    SignedToken::from_deep_link(link)
        .unwrap()
        .claims()
        .key_id
        .get()
}

/// The bundle's key ring, as a phone builds it.
fn ring_of(bundle: &Value) -> KeyRing {
    bundle["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let bytes: [u8; 32] = hex::decode(k["public_key"].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap();
            OrgPublicKey::from_bytes(
                KeyId::new(k["key_id"].as_u64().unwrap() as u32).unwrap(),
                OrgId::new(k["org"].as_u64().unwrap() as u32).unwrap(),
                bytes,
            )
            .unwrap()
        })
        .collect()
}

async fn bundle(server: &TestServer, bearer: &str) -> (Value, String) {
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/offline-bundle", server.url))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (response.json().await.unwrap(), etag)
}

async fn keys(server: &TestServer, admin: &str) -> Vec<Value> {
    let (status, list) = call(
        server,
        Method::GET,
        "/api/v1/signing-keys",
        Some(admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().unwrap().clone()
}

/// Syncs one scan of `text` on `device`; returns the result's status and reason.
async fn redeem(
    server: &TestServer,
    bearer: &str,
    id: &str,
    text: &str,
    device: u64,
) -> (String, Option<String>) {
    // Scan times strictly after the previous scan's, so that latest-scan-wins never ties.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, answer) = call(
        server,
        Method::POST,
        "/api/v1/sync",
        Some(bearer),
        Some(json!({ "redemptions": [{ "id": id, "token": text, "device_id": device, "scanned_at": now_ms() }] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let result = &answer["results"][0];
    (
        result["status"].as_str().unwrap().to_owned(),
        result["reason"].as_str().map(str::to_owned),
    )
}

#[tokio::test]
async fn rotation_keeps_old_tokens_valid_and_retirement_ends_them() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (_, devices) = call(&server, Method::GET, "/api/v1/devices", Some(&admin), None).await;
    let device = devices["items"][0]["id"].as_u64().unwrap();

    let first = keys(&server, &admin).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["status"], "current");
    assert_eq!(first[0]["current"], true);
    assert!(first[0]["retired_at"].is_null());
    let old_kid = first[0]["key_id"].as_u64().unwrap() as u32;
    let old_token = new_token(&server, &admin).await;
    let old_link = old_token["qr"]["new"].as_str().unwrap().to_owned();
    assert_eq!(key_id_of(&old_link), old_kid);
    let (before, old_etag) = bundle(&server, &admin).await;

    let (status, rotated) = call(
        &server,
        Method::POST,
        "/api/v1/signing-keys/rotate",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{rotated}");
    assert_eq!(rotated["status"], "current");
    assert_eq!(rotated["tokens"], 0);
    let new_kid = rotated["key_id"].as_u64().unwrap() as u32;
    assert_ne!(new_kid, old_kid);
    let listed = keys(&server, &admin).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["status"], "previous");
    assert_eq!(listed[0]["current"], false);
    assert!(listed[0]["replaced_at"].is_string());
    assert!(listed[0]["tokens"].as_u64().unwrap() >= 1);
    assert_eq!(listed[1]["key_id"], rotated["key_id"]);
    assert_eq!(listed[1]["public_key"].as_str().unwrap().len(), 64);

    // The bundle changed and lists both keys; the old token verifies with it offline.
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/offline-bundle", server.url))
        .bearer_auth(&admin)
        .header("if-none-match", &old_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the ETag changes on rotation"
    );
    let (after, new_etag) = bundle(&server, &admin).await;
    assert_ne!(old_etag, new_etag);
    assert!(after["version"].as_i64() > before["version"].as_i64());
    let ring = ring_of(&after);
    assert!(ring.get(KeyId::new(old_kid).unwrap()).is_some());
    assert!(ring.get(KeyId::new(new_kid).unwrap()).is_some());
    SignedToken::from_deep_link(&old_link)
        .unwrap()
        .verify(&ring)
        .expect("the old token verifies with the new bundle");

    // New tokens carry the new key id; showing the old one again keeps its original QR.
    let new_token_json = new_token(&server, &admin).await;
    let new_link = new_token_json["qr"]["new"].as_str().unwrap().to_owned();
    assert_eq!(key_id_of(&new_link), new_kid);
    SignedToken::from_deep_link(&new_link)
        .unwrap()
        .verify(&ring)
        .unwrap();
    let (_, shown) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens/{}", old_token["id"]),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(shown["qr"]["new"], old_token["qr"]["new"]);

    // At sync, a token signed with the previous key is applied.
    assert_eq!(
        redeem(&server, &admin, "old-key-1", &old_link, device).await,
        ("applied".to_owned(), None)
    );

    // The current key cannot be retired; the previous one can, and then verifies nothing.
    let (status, answer) = call(
        &server,
        Method::POST,
        &format!("/api/v1/signing-keys/{new_kid}/retire"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(answer["error"]["code"], "key_is_current");
    let (status, retired) = call(
        &server,
        Method::POST,
        &format!("/api/v1/signing-keys/{old_kid}/retire"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{retired}");
    assert_eq!(retired["status"], "retired");
    assert!(retired["retired_at"].is_string());
    assert!(retired["moved_tokens"].as_u64().unwrap() >= 1);
    assert_eq!(retired["tokens"], 0);
    let (status, answer) = call(
        &server,
        Method::POST,
        &format!("/api/v1/signing-keys/{old_kid}/retire"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(answer["error"]["code"], "already_retired");

    let (retired_bundle, retired_etag) = bundle(&server, &admin).await;
    assert_ne!(retired_etag, new_etag);
    let ring = ring_of(&retired_bundle);
    assert!(ring.get(KeyId::new(old_kid).unwrap()).is_none());
    // The bundle says the key was retired, so a phone can tell "retired" from "not downloaded yet".
    assert_eq!(retired_bundle["retired_keys"], serde_json::json!([old_kid]));
    assert_eq!(
        SignedToken::from_deep_link(&old_link)
            .unwrap()
            .verify(&ring)
            .unwrap_err()
            .code(),
        "unknown_key"
    );
    assert_eq!(
        redeem(&server, &admin, "old-key-2", &old_link, device).await,
        ("rejected".to_owned(), Some("bad_signature".to_owned()))
    );
    // Shown again, the token is signed with the current key and works; its code never depended on a key.
    let (_, shown) = call(
        &server,
        Method::GET,
        &format!("/api/v1/action-tokens/{}", old_token["id"]),
        Some(&admin),
        None,
    )
    .await;
    let reprinted = shown["qr"]["new"].as_str().unwrap();
    assert_ne!(reprinted, old_link);
    assert_eq!(key_id_of(reprinted), new_kid);
    assert_eq!(
        redeem(&server, &admin, "reprinted-1", reprinted, device).await,
        ("applied".to_owned(), None)
    );
    assert_eq!(
        redeem(
            &server,
            &admin,
            "old-code-1",
            old_token["code"].as_str().unwrap(),
            device
        )
        .await,
        ("applied".to_owned(), None)
    );

    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/audit-log.csv", server.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let csv = response.text().await.unwrap();
    assert!(csv.contains(",signing_key.rotate,"), "{csv}");
    assert!(csv.contains(",signing_key.retire,"), "{csv}");
    server.stop().await;
}

#[tokio::test]
async fn signing_keys_need_admin_and_stay_in_their_organisation() {
    let server = TestServer::start().await;
    let a = server.seed("Acme").await;
    let b = server.seed("Bolt").await;
    let a_keys = keys(&server, &a).await;
    let a_kid = a_keys[0]["key_id"].as_u64().unwrap();
    let all = fieldtoken_core::PermissionSet::all().names();
    let others: Vec<&str> = all.iter().copied().filter(|p| *p != "fms.admin").collect();
    let without = token_with(&server, &a, &others).await;
    for (method, path) in [
        (Method::GET, "/api/v1/signing-keys".to_owned()),
        (Method::POST, "/api/v1/signing-keys/rotate".to_owned()),
        (Method::POST, format!("/api/v1/signing-keys/{a_kid}/retire")),
    ] {
        for bearer in [None, Some("ftk_00112233")] {
            let (status, answer) = call(&server, method.clone(), &path, bearer, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(answer["error"]["code"], "unauthenticated");
        }
        let (status, answer) = call(&server, method.clone(), &path, Some(&without), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("fms.admin")
        );
    }
    // B rotates its own key only, never sees A's, and cannot retire A's.
    let (status, _) = call(
        &server,
        Method::POST,
        "/api/v1/signing-keys/rotate",
        Some(&b),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let b_keys = keys(&server, &b).await;
    assert_eq!(b_keys.len(), 2);
    assert!(b_keys.iter().all(|k| k["key_id"].as_u64() != Some(a_kid)));
    let (status, answer) = call(
        &server,
        Method::POST,
        &format!("/api/v1/signing-keys/{a_kid}/retire"),
        Some(&b),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(answer["error"]["code"], "not_found");
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/signing-keys/abc/retire",
        Some(&b),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_id"))
    );
    // A is untouched: one current key.
    let a_after = keys(&server, &a).await;
    assert_eq!(a_after.len(), 1);
    assert_eq!(a_after[0]["status"], "current");
    server.stop().await;
}
