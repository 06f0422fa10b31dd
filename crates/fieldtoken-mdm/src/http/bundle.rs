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
use fieldtoken_core::{
    CodeDirectory, DeviceId, ErrorKind, KeyRing, OfflineBundle, OrgId, SignedRequest, Timestamp,
    request_time_fresh,
};

use super::doc::{Always, Guarded};
use super::extract::Peer;
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::auth::{self, MaybePrincipal};
use crate::http::error::ApiError;
use crate::http::limits::{Budget, Client};
use crate::store;

/// The header naming the device that signs a request as itself (docs/FORMATS.md, "Device-signed requests").
pub const DEVICE_HEADER: &str = "fieldtoken-device";
/// The header with the signed time, in milliseconds since 1970.
pub const TIME_HEADER: &str = "fieldtoken-time";
/// The header with the device's Ed25519 signature, in 128 hex digits.
pub const SIGNATURE_HEADER: &str = "fieldtoken-signature";
/// What a device signs as this request's path.
const BUNDLE_PATH: &str = "/api/v1/offline-bundle";

/// The enrolled device that signed this request as itself, and its organisation, or why not: 401
/// `unauthenticated` for malformed headers, an unknown device, a signature that is not its current key's of
/// this request, or a time more than [`fieldtoken_core::REQUEST_WINDOW_MS`] from the server's; 401
/// `certificate_reset` for a device without a certificate.
async fn signing_device(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(OrgId, DeviceId), ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let malformed = || {
        ApiError::unauthenticated(format!(
            "a device signs this request with three headers: {DEVICE_HEADER} (its id), {TIME_HEADER} (milliseconds \
             since 1970) and {SIGNATURE_HEADER} (128 hex digits)"
        ))
    };
    let device = header(DEVICE_HEADER)
        .and_then(|v| v.parse::<u32>().ok())
        .and_then(|id| DeviceId::new(id).ok())
        .ok_or_else(malformed)?;
    let at = header(TIME_HEADER)
        .and_then(|v| v.parse::<i64>().ok())
        .map(Timestamp::from_millis)
        .ok_or_else(malformed)?;
    let signature = header(SIGNATURE_HEADER)
        .and_then(|v| hex::decode(v).ok())
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .ok_or_else(malformed)?;
    let refused = || {
        tracing::info!(%device, "refused: a device-signed request that does not verify");
        ApiError::unauthenticated(
            "the device signature is not the signature of this request by an enrolled device's current key",
        )
    };
    let mut tx = state.store.read().await?;
    let (found, certificate) = auth::signer(&mut tx, device, refused).await?;
    drop(tx);
    let request = SignedRequest {
        method: "GET",
        path: BUNDLE_PATH,
        org: found.org,
        device,
        at,
    };
    certificate
        .verify_request(&request, &signature)
        .map_err(|_| refused())?;
    // After the signature: only the device itself learns that its clock is off.
    request_time_fresh(at, now()).map_err(|e| ApiError::unauthenticated(e.message()))?;
    Ok((found.org, device))
}

/// The organisation's offline bundle.
///
/// Permission `fms.actiontoken.read` or `fms.actiontoken.redeem`, or an operator session (else 403: the bundle
/// names every live token and every device's serial), or, with no bearer token, an enrolled device signing the
/// request as itself in the headers `Fieldtoken-Device`, `Fieldtoken-Time` and `Fieldtoken-Signature`
/// (docs/FORMATS.md, "Device-signed requests"; 401 `unauthenticated` when they do not verify, when the time is more
/// than 5 minutes from the server's, or when a bearer token comes too; 401 `certificate_reset` after the device's
/// certificate was reset). Versioned: the ETag carries `version`, so `If-None-Match` with it gets 304 while nothing
/// a phone's checks depend on has changed.
#[utoipa::path(get, path = "/v1/offline-bundle", tag = "phones", security((), ("bearer" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the bundle the phone holds"),
        ("Fieldtoken-Device" = Option<u32>, Header, description = "A device signing the request as itself: its id"),
        ("Fieldtoken-Time" = Option<i64>, Header, description = "When the device signed, in milliseconds since 1970"),
        ("Fieldtoken-Signature" = Option<String>, Header,
            description = "The device's Ed25519 signature of the request (docs/FORMATS.md), 128 hex digits")),
    responses(
        (status = 200, description = "The bundle", body = WireBundle,
            headers(("ETag" = String, description = "The bundle's version, for If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        Guarded, Always))]
pub async fn offline_bundle(
    State(state): State<AppState>,
    MaybePrincipal(principal): MaybePrincipal,
    peer: Peer,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let signed = [DEVICE_HEADER, TIME_HEADER, SIGNATURE_HEADER]
        .iter()
        .any(|name| headers.contains_key(*name));
    let org = match (principal, signed) {
        (Some(_), true) => {
            return Err(ApiError::unauthenticated(
                "send either a bearer token or a device signature, not both",
            ));
        }
        (Some(p), false) => {
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
            p.org
        }
        (None, true) => {
            // As a device's sync: an address whose forged signatures used up its guesses is refused before any
            // work, a signature that does not verify is a guess of its address, and a device that signed is
            // counted as itself, so devices behind one address (a warehouse's NAT) do not share one budget.
            let address = Client::of_addr(peer.0);
            state.limiter.check(Budget::Guesses, address)?;
            let (org, device) = signing_device(&state, &headers)
                .await
                .inspect_err(|refused| {
                    if refused.status() == StatusCode::UNAUTHORIZED {
                        let _ = state.limiter.spend(Budget::Guesses, address);
                    }
                })?;
            state
                .limiter
                .spend(Budget::Sync, Client::Device(device.get()))?;
            org
        }
        (None, false) => {
            return Err(ApiError::unauthenticated(
                "sign in first: the offline bundle needs a bearer token or an enrolled device's signature",
            ));
        }
    };
    // One read transaction: the version and the content come from the same snapshot.
    let mut tx = state.store.read().await?;
    let revision = store::orgs::revision(&mut tx, org).await?;
    let etag = format!("\"bundle-{org}-{revision}\"");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let etag_value = HeaderValue::from_str(&etag).expect("ASCII");
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response());
    }

    let mut keys = KeyRing::new();
    store::signing_keys::public_keys(&mut tx, org, &mut keys).await?;
    let retired_keys = store::signing_keys::retired_ids(&mut tx, org).await?;
    let mut directory =
        CodeDirectory::new(store::orgs::directory_key(&mut tx, &state.master, org).await?);
    let (live, deleted) = store::action_tokens::all_of_org(&mut tx, &state.master, org).await?;
    let mut names = Vec::with_capacity(live.len());
    for token in &live {
        names.push(TokenName {
            id: token.id().get(),
            name: token.name().as_str().to_owned(),
        });
        directory.add(token);
    }
    let fleets = store::fleets::list(&mut tx, org).await?;
    let mut devices = BTreeMap::new();
    let mut serials = BTreeMap::new();
    for listed in store::devices::list(&mut tx, org).await? {
        serials.insert(listed.device.id, listed.serial);
        devices.insert(listed.device.id, listed.device);
    }
    tx.commit().await?;

    let bundle = OfflineBundle {
        org,
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
