//! `GET /api/v1/offline-bundle`: what a phone needs to check tokens offline (public keys, the code directory,
//! deleted tokens, retired keys, fleets and devices), built with the core's `OfflineBundle` and sent as
//! `fieldtoken_api`'s, plus what only people need: device serials and token names (a signed QR carries the token's
//! id, not its name). `version` is the organisation's revision; the ETag carries it, so `If-None-Match` gets 304
//! when nothing changed.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fieldtoken_api::Time;
use fieldtoken_api::bundle::{
    BundleKey, CodeDirectory as WireDirectory, DirectoryEntry, OfflineBundle as WireBundle,
    TokenName,
};
use fieldtoken_api::devices::{Device as WireDevice, Fleet as WireFleet};
use fieldtoken_core::{CodeDirectory, DeviceId, ErrorKind, KeyRing, OfflineBundle};

use super::doc::{Always, Guarded};
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::auth::Principal;
use crate::http::error::ApiError;
use crate::store;

/// The organisation's offline bundle.
///
/// Permission `fms.actiontoken.read` or `fms.actiontoken.redeem`, or an operator session (else 403): the bundle
/// names every live token and every device's serial. Versioned: the ETag carries `version`, so `If-None-Match` with it gets 304 while nothing a
/// phone's checks depend on has changed.
#[utoipa::path(get, path = "/v1/offline-bundle", tag = "phones",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the bundle the phone holds")),
    responses(
        (status = 200, description = "The bundle", body = WireBundle,
            headers(("ETag" = String, description = "The bundle's version, for If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        Guarded, Always))]
pub async fn offline_bundle(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if p.operator.is_none() && !p.permissions.reads_offline_bundle() {
        tracing::info!(
            token_id = p.token_id,
            "refused: the offline bundle needs an operator session, fms.actiontoken.read or fms.actiontoken.redeem"
        );
        return Err(ApiError::core(
            ErrorKind::Forbidden,
            "the offline bundle needs an operator session or the permission fms.actiontoken.read or \
             fms.actiontoken.redeem",
        ));
    }
    // One read transaction: the version and the content come from the same snapshot.
    let mut tx = state.store.read().await?;
    let revision = store::orgs::revision(&mut tx, p.org).await?;
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
    let retired_keys = store::signing_keys::retired_ids(&mut tx, p.org).await?;
    let mut directory =
        CodeDirectory::new(store::orgs::directory_key(&mut tx, &state.master, p.org).await?);
    let (live, deleted) = store::action_tokens::all_of_org(&mut tx, &state.master, p.org).await?;
    let mut names = Vec::with_capacity(live.len());
    for token in &live {
        names.push(TokenName {
            id: token.id().get(),
            name: token.name().as_str().to_owned(),
        });
        directory.add(token);
    }
    let fleets = store::fleets::list(&mut tx, p.org).await?;
    let mut devices = BTreeMap::new();
    let mut serials = BTreeMap::new();
    for listed in store::devices::list(&mut tx, p.org).await? {
        serials.insert(listed.device.id, listed.serial);
        devices.insert(listed.device.id, listed.device);
    }
    tx.commit().await?;

    let bundle = OfflineBundle {
        org: p.org,
        keys,
        directory,
        deleted: deleted.into_iter().collect::<BTreeSet<_>>(),
        fleets: fleets.into_iter().map(|f| (f.id, f)).collect(),
        devices,
        retired_keys,
    };
    let mut response = Json(wire(&bundle, revision, &serials, names)).into_response();
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
    names: Vec<TokenName>,
) -> WireBundle {
    WireBundle {
        version,
        org: bundle.org.get(),
        generated_at: Time(rfc3339(now())),
        keys: bundle
            .keys
            .iter()
            .map(|k| BundleKey {
                key_id: k.key_id().get(),
                org: k.org().get(),
                public_key: hex::encode(k.to_bytes()),
            })
            .collect(),
        directory: WireDirectory {
            key: hex::encode(bundle.directory.key().to_bytes()),
            entries: bundle
                .directory
                .entries()
                .map(|(hash, e)| DirectoryEntry {
                    hash: hash.to_hex(),
                    token_id: e.token_id.get(),
                    org: e.org.get(),
                    action: e.action.into(),
                    expires_at: Time(rfc3339(e.expires_at.as_timestamp())),
                })
                .collect(),
        },
        deleted: bundle.deleted.iter().map(|id| id.get()).collect(),
        fleets: bundle
            .fleets
            .values()
            .map(|f| WireFleet {
                id: f.id.get(),
                name: f.name.clone(),
                device_count: None,
            })
            .collect(),
        devices: bundle
            .devices
            .values()
            .map(|d| WireDevice {
                id: d.id.get(),
                serial: serials.get(&d.id).cloned().unwrap_or_default(),
                state: d.state.into(),
                fleet_id: d.state.fleet().map(|f| f.get()),
                enrolled: !d.needs_enrolment(),
            })
            .collect(),
        names,
        retired_keys: bundle.retired_keys.iter().map(|k| k.get()).collect(),
    }
}
