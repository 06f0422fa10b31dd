//! Action tokens over HTTP: list (cursor paging, search by name), create, get, delete, and the QR images. Each
//! answer carries the code and both QR texts: the signed deep link (new format) and the code (old format).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fieldtoken_core::{
    Action, ActionToken, ActionTokenId, Ecc, Expiry, FleetId, KeyId, OrgId, OrgSigningKey,
    QrMatrix, Timestamp, TokenCode, TokenName,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::SqliteConnection;

use crate::auth::{Authorized, CreateTokens, DeleteTokens, ReadTokens};
use crate::clock::{WireTime, now, rfc3339};
use crate::http::extract::{Body, IdPath, Query};
use crate::seal::MasterKey;
use crate::store;
use crate::store::audit::Actor;
use crate::{ApiError, AppState};

/// The most tokens one page lists.
pub const MAX_PAGE: u32 = 200;
const DEFAULT_PAGE: u32 = 50;

/// An action as on the wire: `{ "type": "put_in_fleet", "fleet_id": 3 }`, `fleet_id` only for `put_in_fleet`.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct WireAction {
    /// `put_in_fleet`, `put_in_repair`, `put_in_stock` or `reset_certificate`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The fleet of `put_in_fleet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet_id: Option<u32>,
}

impl WireAction {
    /// The wire form of an action.
    pub fn of(action: Action) -> WireAction {
        WireAction {
            kind: action.type_name().to_owned(),
            fleet_id: action.fleet().map(FleetId::get),
        }
    }

    fn to_action(&self) -> Result<Action, ApiError> {
        let fleet = self.fleet_id.map(FleetId::new).transpose()?;
        Ok(Action::from_parts(&self.kind, fleet)?)
    }
}

/// Both QR texts of a token.
#[derive(Serialize, Debug)]
pub struct QrTexts {
    /// The new format: the signed deep link.
    pub new: String,
    /// The old format: the code.
    pub old: String,
}

/// `ActionToken` as the API shows it.
#[derive(Serialize, Debug)]
pub struct ActionTokenJson {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// What it does.
    pub action: WireAction,
    /// When it stops working (RFC 3339, UTC, whole seconds).
    pub expires_at: String,
    /// `active` or `expired`, now.
    pub status: &'static str,
    /// The code, `XXXX-XXXX-XXXX-XXXX-C`.
    pub code: String,
    /// The QR texts.
    pub qr: QrTexts,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
}

/// `POST /api/v1/action-tokens` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
    action: WireAction,
    expires_at: WireTime,
}

/// `GET /api/v1/action-tokens` query.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// A page of tokens.
#[derive(Serialize)]
pub struct TokenPage {
    items: Vec<ActionTokenJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

fn code_label(org: OrgId, id: ActionTokenId) -> String {
    format!("fieldtoken/token-code/{org}/{id}")
}

/// Stores a new token (the core checks name, action and expiry); returns it. Inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn insert_token(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    org: OrgId,
    name: TokenName,
    action: Action,
    expires_at: Expiry,
    created_by: Option<i64>,
    now: Timestamp,
) -> Result<ActionToken, ApiError> {
    if let Some(fleet) = action.fleet() {
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM fleets WHERE id = ? AND org_id = ?")
                .bind(i64::from(fleet.get()))
                .bind(i64::from(org.get()))
                .fetch_optional(&mut *conn)
                .await?;
        if known.is_none() {
            return Err(ApiError::core(
                fieldtoken_core::ErrorKind::UnknownFleet,
                format!("there is no fleet {fleet}"),
            ));
        }
    }
    let key_id = store::signing_keys::current_id(conn, org).await?;
    let code = TokenCode::generate(&mut rand::rng());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO action_tokens (org_id, name, action, fleet_id, expires_at_s, key_id, sealed_code, code_lookup, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, x'', ?, ?, ?) RETURNING id",
    )
    .bind(i64::from(org.get()))
    .bind(name.as_str())
    .bind(action.type_name())
    .bind(action.fleet().map(|f| i64::from(f.get())))
    .bind(i64::from(expires_at.as_seconds()))
    .bind(i64::from(key_id.get()))
    .bind(master.code_lookup(&code.to_bytes()))
    .bind(created_by)
    .bind(now.as_millis())
    .fetch_one(&mut *conn)
    .await?;
    let id = ActionTokenId::from_i64(id)?;
    // The core decides whether this token may exist; on refusal the caller's transaction is dropped, unwritten.
    let token = ActionToken::create(id, org, name, action, expires_at, code, now)?;
    sqlx::query("UPDATE action_tokens SET sealed_code = ? WHERE id = ?")
        .bind(master.seal(&code_label(org, id), &code.to_bytes()))
        .bind(i64::from(id.get()))
        .execute(&mut *conn)
        .await?;
    store::orgs::bump_revision(conn, org).await?;
    Ok(token)
}

/// A stored token row.
pub type TokenRow = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    i64,
    i64,
    Vec<u8>,
    i64,
    Option<i64>,
);

/// The columns of [`TokenRow`].
pub const TOKEN_COLUMNS: &str =
    "id, org_id, name, action, fleet_id, expires_at_s, key_id, sealed_code, created_at, deleted_at";

/// A token from its row (the code unsealed), with its key id, creation time and whether it was deleted.
pub fn token_of_row(
    master: &MasterKey,
    row: &TokenRow,
) -> Result<(ActionToken, KeyId, Timestamp, bool), ApiError> {
    let (id, org, name, action, fleet, expires, key_id, sealed, created, deleted) = row;
    let id = ActionTokenId::from_i64(*id)?;
    let org = OrgId::from_i64(*org)?;
    let fleet = fleet.map(FleetId::from_i64).transpose()?;
    let code = master.open_array::<10>(&code_label(org, id), sealed)?;
    let expires = Expiry::from_seconds(u32::try_from(*expires).unwrap_or(0));
    let token = ActionToken::new(
        id,
        org,
        TokenName::new(name)?,
        Action::from_parts(action, fleet)?,
        expires,
        TokenCode::from_bytes(code),
    );
    Ok((
        token,
        KeyId::from_i64(*key_id)?,
        Timestamp::from_millis(*created),
        deleted.is_some(),
    ))
}

/// Renders tokens, opening each signing key once.
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
        conn: &mut SqliteConnection,
        row: &TokenRow,
    ) -> Result<ActionTokenJson, ApiError> {
        let (token, key_id, created_at, _) = token_of_row(&self.state.master, row)?;
        if !self.keys.contains_key(&key_id) {
            let key =
                store::signing_keys::open(conn, &self.state.master, token.org(), key_id).await?;
            self.keys.insert(key_id, key);
        }
        let signed = self.keys[&key_id].sign_token(&token)?;
        Ok(ActionTokenJson {
            id: token.id().get(),
            name: token.name().to_string(),
            action: WireAction::of(token.action()),
            expires_at: rfc3339(token.expires_at().as_timestamp()),
            status: token.status(self.now).as_str(),
            code: token.code().to_string(),
            qr: QrTexts {
                new: signed.to_deep_link(&self.state.link_base),
                old: token.code().to_string(),
            },
            created_at: rfc3339(created_at),
        })
    }
}

async fn load_live(conn: &mut SqliteConnection, org: OrgId, id: i64) -> Result<TokenRow, ApiError> {
    sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM action_tokens WHERE id = ? AND org_id = ? AND deleted_at IS NULL"
    ))
    .bind(id)
    .bind(i64::from(org.get()))
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| ApiError::not_found("action token"))
}

/// `GET /api/v1/action-tokens?q=&cursor=&limit=`: newest first; `next` is the cursor of the following page.
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadTokens>,
    Query(query): Query<ListQuery>,
) -> Result<Json<TokenPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let before = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(c.parse::<i64>().ok().filter(|&c| c > 0).ok_or_else(|| {
            ApiError::bad_request("bad_cursor", "this cursor is not one the API gave")
        })?),
    };
    let pattern = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| {
            format!(
                "%{}%",
                q.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
    let mut conn = state.store.pool().acquire().await?;
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM action_tokens
         WHERE org_id = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\') AND (?3 IS NULL OR id < ?3)
         ORDER BY id DESC LIMIT ?4"
    ))
    .bind(i64::from(p.org.get()))
    .bind(pattern)
    .bind(before)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() > limit as usize;
    let mut renderer = Renderer::new(&state);
    let mut items = Vec::with_capacity(rows.len());
    for row in rows.iter().take(limit as usize) {
        items.push(renderer.render(&mut conn, row).await?);
    }
    let next = more
        .then(|| items.last().map(|t| t.id.to_string()))
        .flatten();
    Ok(Json(TokenPage { items, next }))
}

/// `POST /api/v1/action-tokens` → 201 with the token.
pub async fn create(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<CreateTokens>,
    Body(body): Body<NewToken>,
) -> Result<(StatusCode, Json<ActionTokenJson>), ApiError> {
    let name = TokenName::new(&body.name)?;
    let action = body.action.to_action()?;
    let expires_at = Expiry::from_millis(body.expires_at.0.as_millis())?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let token = insert_token(
        &mut tx,
        &state.master,
        p.org,
        name,
        action,
        expires_at,
        Some(p.token_id),
        now,
    )
    .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "action_token.create",
        &format!("action_token/{}", token.id()),
        json!({ "name": token.name().as_str(), "action": WireAction::of(action), "expires_at": rfc3339(expires_at.as_timestamp()) }),
        now,
    )
    .await?;
    let row = load_live(&mut tx, p.org, i64::from(token.id().get())).await?;
    let rendered = Renderer::new(&state).render(&mut tx, &row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(rendered)))
}

/// `GET /api/v1/action-tokens/{id}`.
pub async fn get(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadTokens>,
    IdPath(id): IdPath,
) -> Result<Json<ActionTokenJson>, ApiError> {
    let mut conn = state.store.pool().acquire().await?;
    let row = load_live(&mut conn, p.org, id).await?;
    Ok(Json(Renderer::new(&state).render(&mut conn, &row).await?))
}

/// `DELETE /api/v1/action-tokens/{id}` → 204. The token stays listed as deleted in offline bundles.
pub async fn delete(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<DeleteTokens>,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let done = sqlx::query("UPDATE action_tokens SET deleted_at = ? WHERE id = ? AND org_id = ? AND deleted_at IS NULL")
        .bind(now.as_millis())
        .bind(id)
        .bind(i64::from(p.org.get()))
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::not_found("action token"));
    }
    store::orgs::bump_revision(&mut tx, p.org).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "action_token.delete",
        &format!("action_token/{id}"),
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/action-tokens/{id}/qr` query.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrQuery {
    format: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    scale: Option<u32>,
    margin: Option<u32>,
}

/// `GET /api/v1/action-tokens/{id}/qr?format=new|old&type=svg|png[&scale=8&margin=4]`: the token's QR for clients
/// without wasm. Not cached anywhere: it is the token.
pub async fn qr(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadTokens>,
    IdPath(id): IdPath,
    Query(query): Query<QrQuery>,
) -> Result<Response, ApiError> {
    let scale = query.scale.unwrap_or(8);
    let margin = query.margin.unwrap_or(4);
    if !(1..=32).contains(&scale) || margin > 16 {
        return Err(ApiError::bad_request(
            "bad_query",
            "scale is 1 to 32 pixels per module, margin 0 to 16 modules",
        ));
    }
    let png = match query.kind.as_deref().unwrap_or("svg") {
        "svg" => false,
        "png" => true,
        other => {
            return Err(ApiError::bad_request(
                "bad_query",
                format!("type '{other}' is not svg or png"),
            ));
        }
    };
    let mut conn = state.store.pool().acquire().await?;
    let row = load_live(&mut conn, p.org, id).await?;
    let token = Renderer::new(&state).render(&mut conn, &row).await?;
    let text = match query.format.as_deref().unwrap_or("new") {
        "new" => token.qr.new,
        "old" => token.qr.old,
        other => {
            return Err(ApiError::bad_request(
                "bad_query",
                format!("format '{other}' is not new or old"),
            ));
        }
    };
    let matrix = QrMatrix::encode(&text, Ecc::M)?;
    let (content_type, body) = if png {
        ("image/png", png_of(&matrix, scale, margin))
    } else {
        ("image/svg+xml", matrix.to_svg(scale, margin).into_bytes())
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
