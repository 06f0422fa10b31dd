//! The compact offline bundle (`?format=compact`) and its refresh (`&since=N`): the same content as the JSON
//! bundle, only what changed since the phone's version, scoped to the caller's organisation, and the full bundle
//! when the server's change log cannot say.

use std::collections::BTreeSet;
use std::io::Read;

use fieldtoken_core::{CompactBundle, DeviceId, FleetId, OrgId, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

/// The compact answer for `query` (e.g. `since=5`), decoded, and its size on the wire as sent (no coding asked).
async fn compact(server: &TestServer, bearer: &str, query: &str) -> (CompactBundle, usize) {
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/offline-bundle?format=compact{query}",
            server.url
        ))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.fieldtoken.bundle"
    );
    let bytes = response.bytes().await.unwrap();
    let bundle = CompactBundle::decode(&bytes).expect("the server's bytes decode");
    (bundle, bytes.len())
}

async fn json_bundle(server: &TestServer, bearer: &str) -> Value {
    let (status, bundle) = call(
        server,
        Method::GET,
        "/api/v1/offline-bundle",
        Some(bearer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    bundle
}

async fn new_token(server: &TestServer, admin: &str, name: &str) -> Value {
    created(
        server,
        admin,
        "/api/v1/action-tokens",
        json!({ "name": name, "action": { "type": "put_in_repair" }, "expires_at": "2099-01-01T00:00:00Z" }),
    )
    .await
}

async fn ok(
    server: &TestServer,
    method: Method,
    path: &str,
    admin: &str,
    body: Option<Value>,
) -> Value {
    let (status, answer) = call(server, method, path, Some(admin), body).await;
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

fn ids(values: &Value, field: &str) -> BTreeSet<u64> {
    values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            if field.is_empty() {
                v.as_u64().unwrap()
            } else {
                v[field].as_u64().unwrap()
            }
        })
        .collect()
}

#[tokio::test]
async fn the_compact_bundle_holds_what_the_json_bundle_holds() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let gone = new_token(&server, &admin, "Gone soon").await;
    ok(
        &server,
        Method::DELETE,
        &format!("/api/v1/action-tokens/{}", gone["id"]),
        &admin,
        None,
    )
    .await;
    let wire = json_bundle(&server, &admin).await;
    let (b, size) = compact(&server, &admin, "").await;

    assert!(!b.is_changes());
    assert_eq!(b.org.get() as u64, wire["org"].as_u64().unwrap());
    assert_eq!(b.version as i64, wire["version"].as_i64().unwrap());
    assert_eq!(
        hex::encode(b.directory_key.to_bytes()),
        wire["directory"]["key"].as_str().unwrap()
    );
    let entries = wire["directory"]["entries"].as_array().unwrap();
    assert_eq!(b.entries.len(), entries.len());
    for e in entries {
        let id =
            fieldtoken_core::ActionTokenId::new(e["token_id"].as_u64().unwrap() as u32).unwrap();
        assert_eq!(b.entries[&id].hash.to_hex(), e["hash"].as_str().unwrap());
        assert_eq!(
            b.entries[&id].action.type_name(),
            e["action"]["type"].as_str().unwrap()
        );
    }
    assert_eq!(
        b.deleted
            .iter()
            .map(|t| t.get() as u64)
            .collect::<BTreeSet<_>>(),
        ids(&wire["deleted"], "")
    );
    assert!(
        b.deleted
            .iter()
            .any(|t| t.get() as u64 == gone["id"].as_u64().unwrap())
    );
    for n in wire["names"].as_array().unwrap() {
        let id = fieldtoken_core::ActionTokenId::new(n["id"].as_u64().unwrap() as u32).unwrap();
        assert_eq!(b.names[&id], n["name"].as_str().unwrap());
    }
    assert_eq!(b.names.len(), wire["names"].as_array().unwrap().len());
    assert_eq!(
        b.keys
            .keys()
            .map(|k| k.get() as u64)
            .collect::<BTreeSet<_>>(),
        ids(&wire["keys"], "key_id")
    );
    assert_eq!(
        b.fleets
            .keys()
            .map(|f| f.get() as u64)
            .collect::<BTreeSet<_>>(),
        ids(&wire["fleets"], "id")
    );
    for d in wire["devices"].as_array().unwrap() {
        let device = &b.devices[&DeviceId::new(d["id"].as_u64().unwrap() as u32).unwrap()];
        assert_eq!(device.serial, d["serial"].as_str().unwrap());
        assert_eq!(device.state.as_str(), d["state"].as_str().unwrap());
        assert_eq!(device.enrolled, d["enrolled"].as_bool().unwrap());
    }
    assert_eq!(b.devices.len(), wire["devices"].as_array().unwrap().len());
    // The point of the form: a fraction of the JSON's bytes.
    assert!(size * 3 < wire.to_string().len(), "{size} bytes");
    server.stop().await;
}

#[tokio::test]
async fn a_refresh_sends_only_what_changed_and_brings_the_phone_to_the_full_bundle() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (mut phone, _) = compact(&server, &admin, "").await;

    let wire = json_bundle(&server, &admin).await;
    let old_token = wire["directory"]["entries"][0]["token_id"]
        .as_u64()
        .unwrap();
    let devices = wire["devices"].as_array().unwrap();
    let (moved, retired) = (
        devices[0]["id"].as_u64().unwrap(),
        devices[1]["id"].as_u64().unwrap(),
    );
    let token = new_token(&server, &admin, "Send to repair").await;
    ok(
        &server,
        Method::DELETE,
        &format!("/api/v1/action-tokens/{old_token}"),
        &admin,
        None,
    )
    .await;
    ok(
        &server,
        Method::POST,
        &format!("/api/v1/devices/{moved}/move"),
        &admin,
        Some(json!({ "action": { "type": "put_in_repair" } })),
    )
    .await;
    ok(
        &server,
        Method::POST,
        &format!("/api/v1/devices/{retired}/retire"),
        &admin,
        None,
    )
    .await;
    let fleet = created(&server, &admin, "/api/v1/fleets", json!({ "name": "Dock" })).await;
    let key = ok(
        &server,
        Method::POST,
        "/api/v1/signing-keys/rotate",
        &admin,
        None,
    )
    .await;

    let (changes, size) = compact(&server, &admin, &format!("&since={}", phone.version)).await;
    assert_eq!(changes.since, Some(phone.version));
    assert_eq!(
        changes.version,
        phone.version + 6,
        "one revision per change"
    );
    let token_id =
        fieldtoken_core::ActionTokenId::new(token["id"].as_u64().unwrap() as u32).unwrap();
    let old = fieldtoken_core::ActionTokenId::new(old_token as u32).unwrap();
    assert_eq!(
        changes.entries.keys().copied().collect::<Vec<_>>(),
        vec![token_id]
    );
    assert_eq!(changes.names[&token_id], "Send to repair");
    assert_eq!(
        changes.removed_tokens.iter().copied().collect::<Vec<_>>(),
        vec![old]
    );
    assert_eq!(
        changes.deleted.iter().copied().collect::<Vec<_>>(),
        vec![old]
    );
    let moved_id = DeviceId::new(moved as u32).unwrap();
    assert_eq!(
        changes.devices.keys().copied().collect::<Vec<_>>(),
        vec![moved_id]
    );
    assert_eq!(changes.devices[&moved_id].state.as_str(), "in_repair");
    assert_eq!(
        changes
            .removed_devices
            .iter()
            .map(|d| d.get() as u64)
            .collect::<Vec<_>>(),
        vec![retired]
    );
    assert_eq!(
        changes
            .fleets
            .keys()
            .map(|f| f.get() as u64)
            .collect::<Vec<_>>(),
        vec![fleet["id"].as_u64().unwrap()]
    );
    assert_eq!(
        changes
            .keys
            .keys()
            .map(|k| k.get() as u64)
            .collect::<Vec<_>>(),
        vec![key["key_id"].as_u64().unwrap()]
    );
    assert!(changes.removed_keys.is_empty() && changes.removed_fleets.is_empty());
    assert!(
        size < 2048,
        "a refresh after a few changes is small: {size} bytes"
    );

    // Applied, the phone holds exactly what a new download holds.
    phone.apply(&changes).unwrap();
    let (fresh, _) = compact(&server, &admin, "").await;
    phone.generated_at = fresh.generated_at;
    assert_eq!(phone, fresh);

    // A fleet deleted and a key retired leave the next refresh's lists.
    let since = phone.version;
    ok(
        &server,
        Method::DELETE,
        &format!("/api/v1/fleets/{}", fleet["id"]),
        &admin,
        None,
    )
    .await;
    let old_key = fresh.keys.keys().next().unwrap().get();
    ok(
        &server,
        Method::POST,
        &format!("/api/v1/signing-keys/{old_key}/retire"),
        &admin,
        None,
    )
    .await;
    let (changes, _) = compact(&server, &admin, &format!("&since={since}")).await;
    assert_eq!(
        changes
            .removed_fleets
            .iter()
            .map(|f| f.get() as u64)
            .collect::<Vec<_>>(),
        vec![fleet["id"].as_u64().unwrap()]
    );
    assert_eq!(
        changes
            .removed_keys
            .iter()
            .map(|k| k.get())
            .collect::<Vec<_>>(),
        vec![old_key]
    );
    assert_eq!(changes.retired_keys, changes.removed_keys);
    phone.apply(&changes).unwrap();
    let (fresh, _) = compact(&server, &admin, "").await;
    phone.generated_at = fresh.generated_at;
    assert_eq!(phone, fresh);
    assert!(
        !phone
            .fleets
            .contains_key(&FleetId::new(fleet["id"].as_u64().unwrap() as u32).unwrap())
    );
    server.stop().await;
}

#[tokio::test]
async fn a_refresh_names_only_the_callers_organisation() {
    let server = TestServer::start().await;
    let acme = server.seed("Acme").await;
    let other = server.seed("Other").await;
    let (phone, _) = compact(&server, &acme, "").await;
    let (theirs, _) = compact(&server, &other, "").await;
    assert_ne!(phone.org, theirs.org);

    // The other organisation's changes are not the caller's: its token, device moves and fleets stay out.
    new_token(&server, &other, "Theirs").await;
    created(
        &server,
        &other,
        "/api/v1/fleets",
        json!({ "name": "Their dock" }),
    )
    .await;
    let (changes, _) = compact(&server, &acme, &format!("&since={}", phone.version)).await;
    assert_eq!(changes.org, phone.org);
    assert_eq!(changes.version, phone.version);
    assert!(changes.entries.is_empty() && changes.fleets.is_empty() && changes.names.is_empty());

    // A version of the other organisation's (higher than the caller's) is unknown here: the full bundle of the
    // caller's own organisation, never the other's.
    let (full, _) = compact(&server, &acme, &format!("&since={}", theirs.version + 2)).await;
    assert!(!full.is_changes());
    assert_eq!(full.org, phone.org);
    assert!(!full.names.values().any(|n| n == "Theirs"));
    server.stop().await;
}

#[tokio::test]
async fn a_version_the_log_no_longer_reaches_gets_the_full_bundle() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (phone, _) = compact(&server, &admin, "").await;
    new_token(&server, &admin, "One").await;
    new_token(&server, &admin, "Two").await;

    // Nothing since the current version: empty changes.
    let (now, _) = compact(&server, &admin, &format!("&since={}", phone.version + 2)).await;
    assert_eq!(now.since, Some(phone.version + 2));
    assert!(now.entries.is_empty());

    // The log trimmed past the phone's version: the full bundle.
    let org = OrgId::new(phone.org.get()).unwrap();
    let mut tx = server.store.write().await.unwrap();
    fieldtoken_mdm::store::bundle_log::trim(&mut tx, org, phone.version as i64 + 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (stale, _) = compact(&server, &admin, &format!("&since={}", phone.version)).await;
    assert!(!stale.is_changes());
    assert_eq!(stale.version, phone.version + 2);
    assert_eq!(stale.entries.len(), phone.entries.len() + 2);
    // One version later than the trim still gets changes (only the second token).
    let (later, _) = compact(&server, &admin, &format!("&since={}", phone.version + 1)).await;
    assert_eq!(later.entries.len(), 1);
    // Version 0 (a phone with nothing) and one beyond the organisation's: the full bundle.
    for since in [0, phone.version + 50] {
        let (full, _) = compact(&server, &admin, &format!("&since={since}")).await;
        assert!(!full.is_changes(), "since={since}");
    }
    // Bad values are 400 bad_query; since with JSON is ignored (the JSON form is always whole).
    for query in [
        "format=compact&since=-1",
        "format=compact&since=x",
        "format=binary",
        "format=compact&since=9007199254740992",
    ] {
        let (status, body) = call(
            &server,
            Method::GET,
            &format!("/api/v1/offline-bundle?{query}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_query")),
            "{query}"
        );
    }
    let (status, body) = call(
        &server,
        Method::GET,
        "/api/v1/offline-bundle?since=1",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["version"].as_u64(), Some(phone.version + 2));
    server.stop().await;
}

#[tokio::test]
async fn the_full_compact_bundle_comes_in_brotli_or_gzip_and_answers_304_when_unchanged() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let (plain, _) = compact(&server, &admin, "").await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/offline-bundle?format=compact", server.url);
    for (asked, coding) in [
        ("gzip, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
    ] {
        let response = http
            .get(&url)
            .bearer_auth(&admin)
            .header("accept-encoding", asked)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], coding, "{asked}");
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        assert!(etag.starts_with("W/\"bundle-"), "{etag}");
        let body = response.bytes().await.unwrap();
        let mut raw = Vec::new();
        if coding == "br" {
            brotli::Decompressor::new(&body[..], 4096)
                .read_to_end(&mut raw)
                .unwrap();
        } else {
            flate2::read::GzDecoder::new(&body[..])
                .read_to_end(&mut raw)
                .unwrap();
        }
        let mut decoded = CompactBundle::decode(&raw).unwrap();
        decoded.generated_at = plain.generated_at;
        assert_eq!(decoded, plain);
        let again = http
            .get(&url)
            .bearer_auth(&admin)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }
    // The JSON bundle is kept and compressed once too: brotli when asked, the same JSON as sent plain.
    let json = |coding: &'static str| {
        http.get(format!("{}/api/v1/offline-bundle", server.url))
            .bearer_auth(&admin)
            .header("accept-encoding", coding)
            .send()
    };
    let plain: Value = json("identity").await.unwrap().json().await.unwrap();
    let response = json("br").await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.bytes().await.unwrap();
    let mut raw = Vec::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut raw)
        .unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&raw).unwrap(), plain);
    let _ = Timestamp::from_millis(0);
    server.stop().await;
}

#[tokio::test]
async fn a_synced_redemption_reaches_the_next_refresh_as_the_device_it_moved() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let token = new_token(&server, &admin, "Repair on scan").await;
    let (phone, _) = compact(&server, &admin, "").await;
    let device = phone
        .devices
        .iter()
        .find(|(_, d)| d.state.as_str() != "in_repair")
        .map(|(id, _)| *id)
        .unwrap();
    let (status, synced) = call(&server, Method::POST, "/api/v1/sync", Some(&admin), Some(json!({ "redemptions": [
        { "id": "scan-1", "token": token["code"], "device_id": device.get(), "scanned_at": fieldtoken_mdm::clock::now().as_millis() }
    ] }))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(synced["results"][0]["status"], "applied", "{synced}");
    let (changes, _) = compact(&server, &admin, &format!("&since={}", phone.version)).await;
    assert_eq!(
        changes.devices.keys().copied().collect::<Vec<_>>(),
        vec![device]
    );
    assert_eq!(changes.devices[&device].state.as_str(), "in_repair");
    assert!(changes.entries.is_empty());
    server.stop().await;
}
