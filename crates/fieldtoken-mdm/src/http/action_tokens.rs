//! Action tokens: list (cursor paging, search by name, chosen ids), create (one, a batch, a duplicate), get, delete,
//! and the QR images. Each answer
//! carries the code and both QR texts: the signed deep link (new format), signed with the key recorded for the
//! token, and the code (old format).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fieldtoken_api::action_tokens::{
    Action as WireAction, ActionToken as WireToken, DuplicateActionToken, MAX_BATCH,
    NewActionToken, NewActionTokens, QrTexts,
};
use fieldtoken_api::{Items, Page, ServerCode, Time};
use fieldtoken_core::{
    ActionToken, Ecc, ErrorKind, Expiry, KeyId, OrgSigningKey, QrMatrix, Timestamp, TokenCode,
    TokenName,
};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::doc::{Always, ById, Guarded, WithBody, WithQuery};
use super::extract::{Body, IdPath, Query, page_cursor, page_limit};
use crate::clock::{now, request_time, rfc3339};
use crate::http::AppState;
use crate::http::auth::{Authorized, CreateTokens, DeleteTokens, ReadTokens};
use crate::http::error::ApiError;
use crate::store::action_tokens::{ListFilter, NewToken, TokenRecord};
use crate::store::{self, Conn};

/// Renders tokens for the wire, opening each signing key once.
struct Renderer<'a> {
    state: &'a AppState,
    keys: HashMap<KeyId, OrgSigningKey>,
    now: Timestamp,
}

impl<'a> Renderer<'a> {
    fn new(state: &'a AppState) -> Self {
        Renderer {
            state,
            keys: HashMap::new(),
            now: now(),
        }
    }

    async fn render(
        &mut self,
        conn: &mut Conn,
        record: &TokenRecord,
    ) -> Result<WireToken, ApiError> {
        let token = &record.token;
        if !self.keys.contains_key(&record.key_id) {
            let key =
                store::signing_keys::open(conn, &self.state.master, token.org(), record.key_id)
                    .await?;
            self.keys.insert(record.key_id, key);
        }
        let signed = self.keys[&record.key_id].sign_token(token)?;
        Ok(WireToken {
            id: token.id().get(),
            name: token.name().to_string(),
            action: token.action().into(),
            expires_at: Time(rfc3339(token.expires_at().as_timestamp())),
            status: token.status(self.now).into(),
            code: token.code().to_string(),
            qr: QrTexts {
                new: signed.to_deep_link(&self.state.link_base),
                old: token.code().to_string(),
            },
            created_at: Time(rfc3339(record.created_at)),
        })
    }
}

async fn live(
    state: &AppState,
    conn: &mut Conn,
    org: fieldtoken_core::OrgId,
    id: i64,
) -> Result<TokenRecord, ApiError> {
    store::action_tokens::get_live(conn, &state.master, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("action token"))
}

/// `GET /api/v1/action-tokens` query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Part of the name (case-insensitive for ASCII).
    q: Option<String>,
    /// `next` of the previous page.
    #[param(pattern = "^(0*[1-9][0-9]{0,17})?$")]
    cursor: Option<String>,
    /// How many per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// Only these tokens: up to 500 ids, comma-separated (a print sheet of chosen tokens). Ids of other
    /// organisations, of deleted tokens, and numbers that are no id (0, or above 4294967295) are left out, as
    /// unknown ones are.
    #[param(pattern = "^[0-9]{1,20}(,[0-9]{1,20}){0,499}$")]
    ids: Option<String>,
}

/// The ids of `?ids=` (numbers that can be no id dropped: they name nothing), or 400 `bad_query` when it is not
/// 1 to 500 numbers separated by commas.
fn ids_of(text: &str) -> Result<Vec<i64>, ApiError> {
    let parts: Vec<&str> = text.split(',').collect();
    let numbers = parts.len() <= MAX_BATCH
        && parts
            .iter()
            .all(|part| (1..=20).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()));
    if !numbers {
        return Err(ApiError::server(
            ServerCode::BadQuery,
            "ids is 1 to 500 token ids separated by commas, such as 12,15,31",
        ));
    }
    Ok(parts
        .iter()
        .filter_map(|part| part.parse::<u32>().ok())
        .filter(|&id| id != 0)
        .map(i64::from)
        .collect())
}

/// The organisation's live action tokens, newest first.
///
/// Permission `fms.actiontoken.read`. Search by name with `q`, choose tokens with `ids`; `next` is the cursor of the following page, absent on
/// the last.
#[utoipa::path(get, path = "/v1/action-tokens", tag = "action-tokens", params(ListQuery),
    responses((status = 200, description = "One page of tokens", body = Page<WireToken>),
        WithQuery, Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadTokens>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<WireToken>>, ApiError> {
    let limit = page_limit(query.limit)?;
    let before = page_cursor(query.cursor.as_deref())?;
    let ids = query.ids.as_deref().map(ids_of).transpose()?;
    let filter = ListFilter {
        ids: ids.as_deref(),
        name_contains: query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()),
        before,
        // One more than shown tells whether a next page exists.
        limit: limit + 1,
    };
    let mut tx = state.store.read().await?;
    let records = store::action_tokens::list(&mut tx, &state.master, p.org, &filter).await?;
    let more = records.len() > limit as usize;
    let mut renderer = Renderer::new(&state);
    let mut items = Vec::with_capacity(records.len());
    for record in records.iter().take(limit as usize) {
        items.push(renderer.render(&mut tx, record).await?);
    }
    let next = more
        .then(|| items.last().map(|t| t.id.to_string()))
        .flatten();
    Ok(Json(Page { items, next }))
}

/// A new token's parts, each checked by the core: name, action, and an expiry read from the request.
struct Checked {
    name: TokenName,
    action: fieldtoken_core::Action,
    expires_at: Expiry,
}

fn expiry_of(time: &fieldtoken_api::RequestTime) -> Result<Expiry, ApiError> {
    let at = request_time(time).ok_or_else(|| {
        ApiError::server(
            ServerCode::InvalidBody,
            "expires_at is not an RFC 3339 time such as 2026-12-31T23:59:59Z, nor milliseconds since 1970",
        )
    })?;
    Ok(Expiry::from_millis(at.as_millis())?)
}

fn check(body: &NewActionToken) -> Result<Checked, ApiError> {
    Ok(Checked {
        name: TokenName::new(&body.name)?,
        action: body.action.to_core()?,
        expires_at: expiry_of(&body.expires_at)?,
    })
}

/// Stores one checked token of the caller's organisation in the caller's transaction, lets the core accept it
/// (a refusal drops the transaction, unwritten), audits it and renders it.
async fn store_new(
    state: &AppState,
    tx: &mut Conn,
    p: &crate::http::auth::Principal,
    renderer: &mut Renderer<'_>,
    parts: Checked,
    audit: (&str, serde_json::Value),
    now: Timestamp,
) -> Result<WireToken, ApiError> {
    let Checked {
        name,
        action,
        expires_at,
    } = parts;
    if let Some(fleet) = action.fleet()
        && !store::action_tokens::fleet_exists(tx, p.org, fleet).await?
    {
        return Err(ApiError::core(
            ErrorKind::UnknownFleet,
            format!("there is no fleet {fleet}"),
        ));
    }
    let new = NewToken {
        name: name.clone(),
        action,
        expires_at,
        code: TokenCode::generate(&mut rand::rng()),
        created_by: Some(p.token_id),
    };
    let id = store::action_tokens::insert(tx, &state.master, p.org, &new, now).await?;
    // The core decides whether this token may exist; on refusal the transaction is dropped, unwritten.
    let token = ActionToken::create(id, p.org, name, action, expires_at, new.code, now)?;
    let (event, mut details) = audit;
    details["name"] = json!(token.name().as_str());
    details["action"] = json!(WireAction::from(action));
    details["expires_at"] = json!(rfc3339(expires_at.as_timestamp()));
    p.audit(
        tx,
        event,
        &format!("action_token/{}", token.id()),
        details,
        now,
    )
    .await?;
    let record = live(state, tx, p.org, i64::from(id.get())).await?;
    renderer.render(tx, &record).await
}

/// Creates an action token, signed with the organisation's current key.
///
/// Permission `fms.actiontoken.create`. The core checks the name, the action and the expiry (in the future); a
/// `put_in_fleet` token must name a fleet of the organisation (422 `unknown_fleet`).
#[utoipa::path(post, path = "/v1/action-tokens", tag = "action-tokens", request_body = NewActionToken,
    responses((status = 201, description = "The new token", body = WireToken), WithBody, Guarded, Always))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<CreateTokens>,
    Body(body): Body<NewActionToken>,
) -> Result<(StatusCode, Json<WireToken>), ApiError> {
    let parts = check(&body)?;
    let now = now();
    let mut tx = state.store.write().await?;
    let mut renderer = Renderer::new(&state);
    let rendered = store_new(
        &state,
        &mut tx,
        &p,
        &mut renderer,
        parts,
        ("action_token.create", json!({})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(rendered)))
}

/// Creates several action tokens at once, all or none: one per fleet, numbered copies, or any mix.
///
/// Permission `fms.actiontoken.create`. Each item is checked as `POST /api/v1/action-tokens` checks one; the first
/// refused item refuses the whole batch with that item's code and its place (`items[3]: ...`), and nothing is
/// written. At most 500 items (422 `batch_too_large`): one batch is one transaction holding the database's write
/// lock, and one answer carrying every token's QR texts.
#[utoipa::path(post, path = "/v1/action-tokens/batch", tag = "action-tokens", request_body = NewActionTokens,
    responses((status = 201, description = "The new tokens, in the order asked", body = Items<WireToken>),
        WithBody, Guarded, Always))]
pub async fn batch(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<CreateTokens>,
    Body(body): Body<NewActionTokens>,
) -> Result<(StatusCode, Json<Items<WireToken>>), ApiError> {
    if body.items.len() > MAX_BATCH {
        return Err(ApiError::server(
            ServerCode::BatchTooLarge,
            format!(
                "{} tokens in one batch; at most {MAX_BATCH}: send the rest in another batch",
                body.items.len()
            ),
        ));
    }
    if body.items.is_empty() {
        return Err(ApiError::server(
            ServerCode::InvalidBody,
            "items is empty: a batch creates 1 to 500 tokens",
        ));
    }
    // Every item is checked before the transaction opens, so a bad one costs no write lock.
    let checked = body
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| check(item).map_err(|e| e.within(&format!("items[{i}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    let now = now();
    let mut tx = state.store.write().await?;
    let mut renderer = Renderer::new(&state);
    let mut items = Vec::with_capacity(checked.len());
    let count = checked.len();
    for (i, parts) in checked.into_iter().enumerate() {
        let audit = json!({ "batch": { "index": i, "of": count } });
        let rendered = store_new(
            &state,
            &mut tx,
            &p,
            &mut renderer,
            parts,
            ("action_token.create", audit),
            now,
        )
        .await
        .map_err(|e| e.within(&format!("items[{i}]")))?;
        items.push(rendered);
    }
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(Items::of(items))))
}

/// Creates a copy of an action token with a new expiry: the same action (and fleet), a new code and QR.
///
/// Permission `fms.actiontoken.create`. The original stays as it is; the copy keeps its name unless `name` is given.
#[utoipa::path(post, path = "/v1/action-tokens/{id}/duplicate", tag = "action-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The token to copy")),
    request_body = DuplicateActionToken,
    responses((status = 201, description = "The copy", body = WireToken), ById, WithBody, Guarded, Always))]
pub async fn duplicate(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<CreateTokens>,
    IdPath(id): IdPath,
    Body(body): Body<DuplicateActionToken>,
) -> Result<(StatusCode, Json<WireToken>), ApiError> {
    let expires_at = expiry_of(&body.expires_at)?;
    let name = body.name.as_deref().map(TokenName::new).transpose()?;
    let now = now();
    let mut tx = state.store.write().await?;
    let original = live(&state, &mut tx, p.org, id).await?;
    let parts = Checked {
        name: name.unwrap_or_else(|| original.token.name().clone()),
        action: original.token.action(),
        expires_at,
    };
    let mut renderer = Renderer::new(&state);
    let rendered = store_new(
        &state,
        &mut tx,
        &p,
        &mut renderer,
        parts,
        ("action_token.duplicate", json!({ "from": id })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(rendered)))
}

/// One action token.
///
/// Permission `fms.actiontoken.read`.
#[utoipa::path(get, path = "/v1/action-tokens/{id}", tag = "action-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The token's id")),
    responses((status = 200, description = "The token", body = WireToken), ById, Guarded, Always))]
pub async fn get(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadTokens>,
    IdPath(id): IdPath,
) -> Result<Json<WireToken>, ApiError> {
    let mut tx = state.store.read().await?;
    let record = live(&state, &mut tx, p.org, id).await?;
    Ok(Json(Renderer::new(&state).render(&mut tx, &record).await?))
}

/// Deletes an action token.
///
/// Permission `fms.actiontoken.delete`. The token stays listed as deleted in offline bundles, so phones refuse it
/// offline too.
#[utoipa::path(delete, path = "/v1/action-tokens/{id}", tag = "action-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The token's id")),
    responses((status = 204, description = "Deleted"), ById, Guarded, Always))]
pub async fn delete(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<DeleteTokens>,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    if !store::action_tokens::delete(&mut tx, p.org, id, now).await? {
        return Err(ApiError::not_found("action token"));
    }
    p.audit(
        &mut tx,
        "action_token.delete",
        &format!("action_token/{id}"),
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which of a token's two QR codes.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum QrFormat {
    /// The signed deep link.
    #[default]
    New,
    /// The code.
    Old,
}

/// The image format of a QR code.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum ImageType {
    /// `image/svg+xml`.
    #[default]
    Svg,
    /// `image/png`, 1-bit grayscale.
    Png,
}

/// `GET /api/v1/action-tokens/{id}/qr` query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QrQuery {
    /// `new` (default) or `old`.
    #[param(inline)]
    format: Option<QrFormat>,
    /// `svg` (default) or `png`.
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    kind: Option<ImageType>,
    /// Pixels per module, 1 to 32 (default 8).
    #[param(minimum = 1, maximum = 32)]
    scale: Option<u32>,
    /// Quiet zone in modules, 0 to 16 (default 4).
    #[param(maximum = 16)]
    margin: Option<u32>,
}

/// A token's QR code as an image, for clients without wasm.
///
/// Permission `fms.actiontoken.read`. SVG or PNG as `type` asks. Not cached anywhere: it is the token.
#[utoipa::path(get, path = "/v1/action-tokens/{id}/qr", tag = "action-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The token's id"), QrQuery),
    responses((status = 200, description = "The QR code", content(
            (String = "image/svg+xml"),
            (PngImage = "image/png"),
        )), ById, WithQuery, Guarded, Always))]
pub async fn qr(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadTokens>,
    IdPath(id): IdPath,
    Query(query): Query<QrQuery>,
) -> Result<Response, ApiError> {
    let scale = query.scale.unwrap_or(8);
    let margin = query.margin.unwrap_or(4);
    if !(1..=32).contains(&scale) || margin > 16 {
        return Err(ApiError::server(
            ServerCode::BadQuery,
            "scale is 1 to 32 pixels per module, margin 0 to 16 modules",
        ));
    }
    let mut tx = state.store.read().await?;
    let record = live(&state, &mut tx, p.org, id).await?;
    let token = Renderer::new(&state).render(&mut tx, &record).await?;
    let text = match query.format.unwrap_or_default() {
        QrFormat::New => token.qr.new,
        QrFormat::Old => token.qr.old,
    };
    let matrix = QrMatrix::encode(&text, Ecc::M)?;
    let (content_type, body) = match query.kind.unwrap_or_default() {
        ImageType::Png => ("image/png", png_of(&matrix, scale, margin)),
        ImageType::Svg => ("image/svg+xml", matrix.to_svg(scale, margin).into_bytes()),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The bytes of a PNG image, as the document describes them (`string`, format `binary`).
pub struct PngImage;

impl utoipa::PartialSchema for PngImage {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("A PNG image"))
            .into()
    }
}

impl ToSchema for PngImage {}

/// A 1-bit grayscale PNG of the symbol: `scale` pixels per module, `margin` modules of quiet zone.
fn png_of(matrix: &QrMatrix, scale: u32, margin: u32) -> Vec<u8> {
    let modules = matrix.width() as u32 + 2 * margin;
    let side = modules * scale;
    let row_bytes = side.div_ceil(8) as usize;
    let mut data = vec![0u8; row_bytes * side as usize];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= margin
                && my >= margin
                && matrix.is_dark((mx - margin) as usize, (my - margin) as usize);
            if !dark {
                // In 1-bit grayscale, 1 is white.
                data[y as usize * row_bytes + x as usize / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let written = encoder.write_header().and_then(|mut writer| {
        writer
            .write_image_data(&data)
            .and_then(|()| writer.finish())
    });
    written.expect("writing a PNG to memory does not fail");
    out
}
