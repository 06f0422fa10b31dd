//! `GET /api/v1/offline-bundle`: what a phone needs to check tokens offline (public keys, the code directory,
//! deleted tokens, fleets and devices), built with the core's `OfflineBundle` and sent as its wire twin, plus what
//! only people need: device serials and token names (a signed QR carries the token's id, not its name).
//! `version` is the organisation's revision; the ETag carries it, so `If-None-Match` gets 304 when nothing changed.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fieldtoken_core::{
    ActionTokenId, CodeDirectory, Device, DeviceId, DeviceState, Fleet, FleetId, KeyRing,
    OfflineBundle,
};
use serde::Serialize;

use crate::action_tokens::{TOKEN_COLUMNS, TokenRow, WireAction, token_of_row};
use crate::auth::Principal;
use crate::clock::{now, rfc3339};
use crate::store;
use crate::{ApiError, AppState};

/// The bundle on the wire.
#[derive(Serialize)]
pub struct BundleJson {
    version: i64,
    org: u32,
    generated_at: String,
    keys: Vec<KeyJson>,
    directory: DirectoryJson,
    deleted: Vec<u32>,
    fleets: Vec<FleetJson>,
    devices: Vec<DeviceJson>,
    /// Every token that is not deleted, by id, so the phone's verdict names it as the admin did.
    names: Vec<NameJson>,
    /// Key ids an admin retired: a QR signed with one is refused, and the phone can say why (not "unknown key,
    /// sync to refresh", which no sync would fix).
    retired_keys: Vec<u32>,
}

#[derive(Serialize)]
struct NameJson {
    id: u32,
    name: String,
}

#[derive(Serialize)]
struct KeyJson {
    key_id: u32,
    org: u32,
    public_key: String,
}

#[derive(Serialize)]
struct DirectoryJson {
    key: String,
    entries: Vec<EntryJson>,
}

#[derive(Serialize)]
struct EntryJson {
    hash: String,
    token_id: u32,
    org: u32,
    action: WireAction,
    expires_at: String,
}

#[derive(Serialize)]
struct FleetJson {
    id: u32,
    name: String,
}

#[derive(Serialize)]
struct DeviceJson {
    id: u32,
    serial: String,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fleet_id: Option<u32>,
    enrolled: bool,
}

/// id, serial, state, fleet, certificate.
type DeviceRow = (i64, String, String, Option<i64>, Option<Vec<u8>>);

/// `GET /api/v1/offline-bundle` for any signed-in client.
pub async fn offline_bundle(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let org_id = i64::from(p.org.get());
    // One read transaction: the version and the content come from the same snapshot.
    let mut tx = state.store.pool().begin().await?;
    let revision: i64 = sqlx::query_scalar("SELECT revision FROM organisations WHERE id = ?")
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await?;
    let etag = format!("\"bundle-{}-{revision}\"", p.org);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let etag_value = HeaderValue::from_str(&etag).expect("ASCII");
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response());
    }

    let mut keys = KeyRing::new();
    store::signing_keys::public_keys(&mut tx, p.org, &mut keys).await?;
    let retired: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM signing_keys WHERE org_id = ? AND status = 'retired' ORDER BY id",
    )
    .bind(org_id)
    .fetch_all(&mut *tx)
    .await?;
    let retired_keys = retired
        .into_iter()
        .map(fieldtoken_core::KeyId::from_i64)
        .collect::<Result<BTreeSet<_>, _>>()?;
    let mut directory =
        CodeDirectory::new(store::orgs::directory_key(&mut tx, &state.master, p.org).await?);
    let mut deleted = BTreeSet::new();
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM action_tokens WHERE org_id = ?"
    ))
    .bind(org_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut names = Vec::new();
    for row in &rows {
        if row.9.is_some() {
            deleted.insert(ActionTokenId::from_i64(row.0)?);
        } else {
            let token = token_of_row(&state.master, row)?.0;
            names.push(NameJson {
                id: token.id().get(),
                name: token.name().as_str().to_owned(),
            });
            directory.add(&token);
        }
    }
    let mut fleets = BTreeMap::new();
    let fleet_rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM fleets WHERE org_id = ?")
            .bind(org_id)
            .fetch_all(&mut *tx)
            .await?;
    for (id, name) in fleet_rows {
        let id = FleetId::from_i64(id)?;
        fleets.insert(
            id,
            Fleet {
                id,
                org: p.org,
                name,
            },
        );
    }
    let mut devices = BTreeMap::new();
    let mut serials = BTreeMap::new();
    let device_rows: Vec<DeviceRow> = sqlx::query_as(
        "SELECT id, serial, state, fleet_id, certificate FROM devices WHERE org_id = ?",
    )
    .bind(org_id)
    .fetch_all(&mut *tx)
    .await?;
    for (id, serial, state_name, fleet, certificate) in device_rows {
        let device = crate::sync::device_of_row(id, p.org, &state_name, fleet, certificate)?;
        serials.insert(device.id, serial);
        devices.insert(device.id, device);
    }
    tx.commit().await?;

    let bundle = OfflineBundle {
        org: p.org,
        keys,
        directory,
        deleted,
        fleets,
        devices,
        retired_keys,
    };
    let json = wire(&bundle, revision, &serials, names);
    let mut response = Json(json).into_response();
    let h = response.headers_mut();
    h.insert(header::ETAG, etag_value);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    Ok(response)
}

fn wire(
    bundle: &OfflineBundle,
    version: i64,
    serials: &BTreeMap<DeviceId, String>,
    names: Vec<NameJson>,
) -> BundleJson {
    BundleJson {
        names,
        retired_keys: bundle.retired_keys.iter().map(|k| k.get()).collect(),
        version,
        org: bundle.org.get(),
        generated_at: rfc3339(now()),
        keys: bundle
            .keys
            .iter()
            .map(|k| KeyJson {
                key_id: k.key_id().get(),
                org: k.org().get(),
                public_key: hex::encode(k.to_bytes()),
            })
            .collect(),
        directory: DirectoryJson {
            key: hex::encode(bundle.directory.key().to_bytes()),
            entries: bundle
                .directory
                .entries()
                .map(|(hash, e)| EntryJson {
                    hash: hash.to_hex(),
                    token_id: e.token_id.get(),
                    org: e.org.get(),
                    action: WireAction::of(e.action),
                    expires_at: rfc3339(e.expires_at.as_timestamp()),
                })
                .collect(),
        },
        deleted: bundle.deleted.iter().map(|id| id.get()).collect(),
        fleets: bundle
            .fleets
            .values()
            .map(|f| FleetJson {
                id: f.id.get(),
                name: f.name.clone(),
            })
            .collect(),
        devices: bundle
            .devices
            .values()
            .map(|d: &Device| DeviceJson {
                id: d.id.get(),
                serial: serials.get(&d.id).cloned().unwrap_or_default(),
                state: d.state.as_str(),
                fleet_id: match d.state {
                    DeviceState::InFleet(f) => Some(f.get()),
                    _ => None,
                },
                enrolled: !d.needs_enrolment(),
            })
            .collect(),
    }
}
