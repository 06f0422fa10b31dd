//! `GET /api/v1/offline-bundle`: what a phone needs to check tokens offline (public keys, the code directory,
//! deleted tokens, retired keys, fleets and devices), built with the core's `OfflineBundle` and sent as
//! `fieldtoken_api`'s, plus what only people need: device serials and token names (a signed QR carries the token's
//! id, not its name). `version` is the organisation's revision; the ETag carries it, so `If-None-Match` gets 304
//! when nothing changed.
//!
//! `?format=compact` answers the core's [`CompactBundle`] bytes instead (docs/FORMATS.md, "Compact offline
//! bundle"), and `&since=N` only what changed after revision N, read from `store::bundle_log`: a phone that holds
//! a bundle refreshes with a few hundred bytes instead of the whole bundle. The full bundle, in either form, is
//! built once per organisation and revision and kept with its brotli and gzip forms ([`BundleCache`]), so a shift
//! of phones fetching it at once costs one build and no compression each.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fieldtoken_api::ServerCode;
use fieldtoken_api::Time;
use fieldtoken_api::bundle::{
    BundleKey, CodeDirectory as WireDirectory, DirectoryEntry, OfflineBundle as WireBundle,
    TokenName,
};
use fieldtoken_api::devices::{Device as WireDevice, Fleet as WireFleet};
use fieldtoken_core::compact::MEDIA_TYPE;
use fieldtoken_core::{
    ActionToken, CodeDirectory, CompactBundle, CompactDevice, CompactEntry, DeviceId, ErrorKind,
    KeyRing, OfflineBundle, OrgId, SignedRequest, Timestamp, request_time_fresh,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::doc::{Always, Guarded, WithQuery};
use super::extract::{Peer, Query};
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::auth::{self, MaybePrincipal};
use crate::http::error::ApiError;
use crate::http::limits::{Budget, Client};
use crate::store::{self, Conn, bundle_log::ChangedItems};

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

/// The form of the offline bundle.
#[derive(Deserialize, ToSchema, Clone, Copy, Default, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum BundleFormat {
    /// JSON (`OfflineBundle`), always the whole bundle.
    #[default]
    Json,
    /// The compact binary form, `application/vnd.fieldtoken.bundle` (docs/FORMATS.md).
    Compact,
}

/// The largest `since`: what a JavaScript number holds exactly (revisions never come near it).
const MAX_SINCE: u64 = (1 << 53) - 1;

/// `GET /api/v1/offline-bundle` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BundleQuery {
    /// `json` (default) or `compact`.
    #[param(inline)]
    format: Option<BundleFormat>,
    /// The `version` the phone holds: the compact answer is then only what changed since, or the full bundle when
    /// the server cannot say (a version older than its change log, or unknown). The JSON form ignores it.
    #[param(minimum = 0, maximum = 9007199254740991_u64)]
    since: Option<u64>,
}

/// The bytes of a compact offline bundle, as the document describes them (`string`, format `binary`).
pub struct CompactBytes;

impl utoipa::PartialSchema for CompactBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some(
                "A compact offline bundle or changes since `since` (docs/FORMATS.md, \"Compact offline bundle\")",
            ))
            .into()
    }
}

impl ToSchema for CompactBytes {}

/// The organisation's offline bundle.
///
/// Permission `fms.actiontoken.read` or `fms.actiontoken.redeem`, or an operator session (else 403: the bundle
/// names every live token and every device's serial), or, with no bearer token, an enrolled device signing the
/// request as itself in the headers `Fieldtoken-Device`, `Fieldtoken-Time` and `Fieldtoken-Signature`
/// (docs/FORMATS.md, "Device-signed requests"; 401 `unauthenticated` when they do not verify, when the time is more
/// than 5 minutes from the server's, or when a bearer token comes too; 401 `certificate_reset` after the device's
/// certificate was reset). Versioned: the ETag carries `version`, so `If-None-Match` with it gets 304 while nothing
/// a phone's checks depend on has changed.
///
/// `format=compact` answers `application/vnd.fieldtoken.bundle` (docs/FORMATS.md, "Compact offline bundle"), the
/// same content in a fraction of the bytes; with `since` (the version the phone holds) only what changed after it:
/// added and removed codes, names, keys, fleets and devices, or the full bundle when the server's change log does
/// not reach back to `since` (the answer's kind byte says which).
#[utoipa::path(get, path = "/v1/offline-bundle", tag = "phones", security((), ("bearer" = [])),
    params(BundleQuery,
        ("If-None-Match" = Option<String>, Header, description = "The ETag of the bundle the phone holds"),
        ("Fieldtoken-Device" = Option<u32>, Header, description = "A device signing the request as itself: its id"),
        ("Fieldtoken-Time" = Option<i64>, Header, description = "When the device signed, in milliseconds since 1970"),
        ("Fieldtoken-Signature" = Option<String>, Header,
            description = "The device's Ed25519 signature of the request (docs/FORMATS.md), 128 hex digits")),
    responses(
        (status = 200, description = "The bundle (JSON), or with `format=compact` the compact bundle or changes",
            content((WireBundle = "application/json"), (CompactBytes = "application/vnd.fieldtoken.bundle")),
            headers(("ETag" = String, description = "The bundle's version, for If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        WithQuery, Guarded, Always))]
pub async fn offline_bundle(
    State(state): State<AppState>,
    MaybePrincipal(principal): MaybePrincipal,
    peer: Peer,
    headers: HeaderMap,
    Query(query): Query<BundleQuery>,
) -> Result<Response, ApiError> {
    if query.since.is_some_and(|since| since > MAX_SINCE) {
        return Err(ApiError::server(
            ServerCode::BadQuery,
            format!("since is a version the phone holds, at most {MAX_SINCE}"),
        ));
    }
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
    if query.format.unwrap_or_default() == BundleFormat::Compact {
        return compact(&state, org, query.since, &headers).await;
    }
    let mut tx = state.store.read().await?;
    let revision = store::orgs::revision(&mut tx, org).await?;
    tx.commit().await?;
    if unchanged(&headers, &json_etag(org, revision)) {
        return Ok(not_modified(&json_etag(org, revision)));
    }
    let full = state
        .bundles
        .full(&state, Form::Json, org, revision)
        .await?;
    Ok(full.answer(&headers, "application/json", &json_etag(org, full.revision)))
}

fn json_etag(org: OrgId, revision: i64) -> String {
    format!("\"bundle-{org}-{revision}\"")
}

/// The organisation's whole bundle now, as JSON (one read transaction: the version and the content come from the
/// same snapshot).
async fn json_bundle(
    state: &AppState,
    conn: &mut Conn,
    org: OrgId,
) -> Result<(i64, Vec<u8>), ApiError> {
    let revision = store::orgs::revision(conn, org).await?;
    let mut keys = KeyRing::new();
    store::signing_keys::public_keys(conn, org, &mut keys).await?;
    let retired_keys = store::signing_keys::retired_ids(conn, org).await?;
    let mut directory =
        CodeDirectory::new(store::orgs::directory_key(conn, &state.master, org).await?);
    let (live, deleted) = store::action_tokens::all_of_org(conn, &state.master, org).await?;
    let mut names = Vec::with_capacity(live.len());
    for token in &live {
        names.push(TokenName {
            id: token.id().get(),
            name: token.name().as_str().to_owned(),
        });
        directory.add(token);
    }
    drop(live);
    let fleets = store::fleets::list(conn, org).await?;
    let mut devices = BTreeMap::new();
    let mut serials = BTreeMap::new();
    for listed in store::devices::list(conn, org).await? {
        serials.insert(listed.device.id, listed.serial);
        devices.insert(listed.device.id, listed.device);
    }
    let bundle = OfflineBundle {
        org,
        keys,
        directory,
        deleted: deleted.into_iter().collect::<BTreeSet<_>>(),
        fleets: fleets.into_iter().map(|f| (f.id, f)).collect(),
        devices,
        retired_keys,
    };
    let body = serde_json::to_vec(&wire(&bundle, revision, &serials, names))
        .expect("the wire bundle serialises");
    Ok((revision, body))
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

/// Whether `If-None-Match` names this ETag (or `*`).
fn unchanged(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// The compact answer: changes since `since` when the change log reaches back to it, else the full bundle.
async fn compact(
    state: &AppState,
    org: OrgId,
    since: Option<u64>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    // One read transaction: the version and the changes come from the same snapshot.
    let mut tx = state.store.read().await?;
    let revision = store::orgs::revision(&mut tx, org).await?;
    let etag = compact_etag(org, revision);
    if unchanged(headers, &etag) {
        return Ok(not_modified(&etag));
    }
    if let Some(since) = since {
        // `since` is at most 2^53 - 1 (checked), so it is an i64.
        if let Some(items) = store::bundle_log::since(&mut tx, org, since as i64, revision).await? {
            let changes = changes(state, &mut tx, org, revision, since, items).await?;
            tx.commit().await?;
            return Ok(bytes_answer(changes.encode(), MEDIA_TYPE, None, &etag));
        }
    }
    tx.commit().await?;
    let full = state
        .bundles
        .full(state, Form::Compact, org, revision)
        .await?;
    Ok(full.answer(headers, MEDIA_TYPE, &compact_etag(org, full.revision)))
}

/// Weak: the same bundle is sent raw, brotli or gzip, which are different bytes of one content.
fn compact_etag(org: OrgId, revision: i64) -> String {
    format!("W/\"bundle-{org}-{revision}-compact\"")
}

fn not_modified(etag: &str) -> Response {
    let etag = HeaderValue::from_str(etag).expect("ASCII");
    (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response()
}

fn bytes_answer(
    body: impl Into<axum::body::Body>,
    media_type: &'static str,
    encoding: Option<&'static str>,
    etag: &str,
) -> Response {
    let mut response = Response::new(body.into());
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    h.insert(header::ETAG, HeaderValue::from_str(etag).expect("ASCII"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// The content codings a client takes, best first.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best coding `Accept-Encoding` allows (brotli, then gzip); a coding with `q=0` is refused.
fn accepted(headers: &HeaderMap) -> Encoding {
    let takes = |name: &str| {
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|part| {
                let mut fields = part.split(';').map(str::trim);
                let coding = fields.next().unwrap_or("");
                let refused = fields.any(|f| {
                    f.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                coding.eq_ignore_ascii_case(name) && !refused
            })
    };
    if takes("br") {
        Encoding::Brotli
    } else if takes("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// A token's directory entry in the compact bundle.
fn entry(directory: &CodeDirectory, token: &ActionToken) -> CompactEntry {
    CompactEntry {
        hash: directory.key().hash(&token.code()),
        action: token.action(),
        expires_at: token.expires_at(),
    }
}

fn compact_device(listed: store::devices::Listed) -> (DeviceId, CompactDevice) {
    (
        listed.device.id,
        CompactDevice {
            serial: listed.serial,
            state: listed.device.state,
            enrolled: !listed.device.needs_enrolment(),
        },
    )
}

/// The organisation's whole bundle now, in the compact form.
async fn full(
    state: &AppState,
    conn: &mut Conn,
    org: OrgId,
    revision: i64,
) -> Result<CompactBundle, ApiError> {
    let directory = CodeDirectory::new(store::orgs::directory_key(conn, &state.master, org).await?);
    let mut b = CompactBundle::new(
        org,
        u64::try_from(revision).unwrap_or_default(),
        now(),
        directory.key().clone(),
    );
    let mut ring = KeyRing::new();
    store::signing_keys::public_keys(conn, org, &mut ring).await?;
    b.keys = ring.iter().map(|k| (k.key_id(), k.clone())).collect();
    b.retired_keys = store::signing_keys::retired_ids(conn, org).await?;
    let (live, deleted) = store::action_tokens::all_of_org(conn, &state.master, org).await?;
    for token in &live {
        b.entries.insert(token.id(), entry(&directory, token));
        b.names.insert(token.id(), token.name().as_str().to_owned());
    }
    b.deleted = deleted.into_iter().collect();
    b.fleets = store::fleets::list(conn, org)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect();
    b.devices = store::devices::list(conn, org)
        .await?
        .into_iter()
        .map(compact_device)
        .collect();
    Ok(b)
}

/// What changed after `since`: each item the log names, as it is now (or its removal).
async fn changes(
    state: &AppState,
    conn: &mut Conn,
    org: OrgId,
    revision: i64,
    since: u64,
    items: ChangedItems,
) -> Result<CompactBundle, ApiError> {
    let directory = CodeDirectory::new(store::orgs::directory_key(conn, &state.master, org).await?);
    let mut c = CompactBundle::new(
        org,
        u64::try_from(revision).unwrap_or_default(),
        now(),
        directory.key().clone(),
    );
    c.since = Some(since);
    let mut ring = KeyRing::new();
    let retired = store::signing_keys::of_ids(conn, org, &items.keys, &mut ring).await?;
    c.keys = ring.iter().map(|k| (k.key_id(), k.clone())).collect();
    c.removed_keys = retired.clone();
    c.retired_keys = retired;
    let (live, deleted) =
        store::action_tokens::of_ids(conn, &state.master, org, &items.tokens).await?;
    for token in &live {
        c.entries.insert(token.id(), entry(&directory, token));
        c.names.insert(token.id(), token.name().as_str().to_owned());
    }
    c.removed_tokens = deleted.iter().copied().collect();
    c.deleted = deleted.into_iter().collect();
    let fleets = store::fleets::of_ids(conn, org, &items.fleets).await?;
    c.fleets = fleets.into_iter().map(|f| (f.id, f.name)).collect();
    c.removed_fleets = items
        .fleets
        .iter()
        .copied()
        .filter(|id| !c.fleets.contains_key(id))
        .collect();
    let (live, gone) = store::devices::of_ids(conn, org, &items.devices).await?;
    c.devices = live.into_iter().map(compact_device).collect();
    c.removed_devices = gone.into_iter().collect();
    Ok(c)
}

/// The two forms of a full bundle.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Form {
    Json,
    Compact,
}

/// A full bundle of one organisation at one revision in one form, with its brotli and gzip forms.
pub struct CachedBundle {
    /// The revision it is of.
    pub revision: i64,
    raw: axum::body::Bytes,
    br: axum::body::Bytes,
    gzip: axum::body::Bytes,
}

impl CachedBundle {
    /// The answer in the best coding the client takes.
    fn answer(&self, headers: &HeaderMap, media_type: &'static str, etag: &str) -> Response {
        match accepted(headers) {
            Encoding::Brotli => bytes_answer(self.br.clone(), media_type, Some("br"), etag),
            Encoding::Gzip => bytes_answer(self.gzip.clone(), media_type, Some("gzip"), etag),
            Encoding::Identity => bytes_answer(self.raw.clone(), media_type, None, etag),
        }
    }
}

/// The latest full bundle of each organisation, in each form that was asked for. A phone's first download (or
/// one whose version the change log no longer reaches) is the whole bundle, and a shift of phones asks for it at
/// once: built and compressed once per revision, each answer is then a copy of shared bytes (the JSON bundle of
/// 100,000 tokens and devices is 27 MB, built once instead of once per phone).
#[derive(Clone, Default)]
pub struct BundleCache(Arc<tokio::sync::Mutex<Kept>>);

/// The kept bundles, by organisation and form.
type Kept = HashMap<(OrgId, Form), Arc<CachedBundle>>;

impl BundleCache {
    /// The organisation's full bundle in `form` at `revision` or later: kept, or built now. Builds wait for each
    /// other, so phones asking at once wait for one build instead of each making their own.
    async fn full(
        &self,
        state: &AppState,
        form: Form,
        org: OrgId,
        revision: i64,
    ) -> Result<Arc<CachedBundle>, ApiError> {
        let mut kept = self.0.lock().await;
        if let Some(cached) = kept.get(&(org, form)).filter(|c| c.revision >= revision) {
            return Ok(cached.clone());
        }
        let mut tx = state.store.read().await?;
        let (revision, raw) = match form {
            Form::Json => json_bundle(state, &mut tx, org).await?,
            Form::Compact => {
                let revision = store::orgs::revision(&mut tx, org).await?;
                (
                    revision,
                    full(state, &mut tx, org, revision).await?.encode(),
                )
            }
        };
        tx.commit().await?;
        // Brotli quality 9 for the compact form (a few megabytes at most, done once per revision); 5 for JSON,
        // whose tens of megabytes would take seconds more for little gain.
        let quality = if form == Form::Compact { 9 } else { 5 };
        // Compressing megabytes takes CPU time: off the async workers.
        let cached = tokio::task::spawn_blocking(move || compressed(raw, revision, quality))
            .await
            .expect("compressing into memory does not fail");
        let cached = Arc::new(cached);
        kept.insert((org, form), cached.clone());
        Ok(cached)
    }
}

fn compressed(raw: Vec<u8>, revision: i64, quality: u32) -> CachedBundle {
    let mut br = Vec::with_capacity(raw.len() / 2);
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 64 * 1024, quality, 22);
        writer.write_all(&raw).expect("writing to memory");
    }
    let mut gzip = flate2::write::GzEncoder::new(
        Vec::with_capacity(raw.len() / 2),
        flate2::Compression::new(quality),
    );
    gzip.write_all(&raw).expect("writing to memory");
    let gzip = gzip.finish().expect("writing to memory");
    CachedBundle {
        revision,
        raw: raw.into(),
        br: br.into(),
        gzip: gzip.into(),
    }
}
