//! The organisation's own settings: for now how long a phone may stay offline (`max_offline`), which the sync's
//! clock rules read.

use axum::Json;
use axum::extract::State;
use fieldtoken_api::ServerCode;
use fieldtoken_api::org::{OrgSettings, OrgSettingsEdit};
use fieldtoken_core::sync::MAX_OFFLINE_RANGE_MS;
use serde_json::json;

use super::auth::{Admin, Authorized};
use super::doc::{Always, Guarded, Stateful, WithBody};
use super::extract::Body;
use crate::clock::now;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store::orgs;

const MINUTE_MS: i64 = 60 * 1000;

fn wire(max_offline_ms: i64) -> OrgSettings {
    OrgSettings {
        max_offline_minutes: u32::try_from(max_offline_ms / MINUTE_MS).unwrap_or(u32::MAX),
    }
}

/// The organisation's settings.
///
/// Permission `fms.admin`.
#[utoipa::path(get, path = "/v1/org-settings", operation_id = "get_org_settings", tag = "roles",
    responses((status = 200, description = "The settings", body = OrgSettings), Guarded, Always))]
pub async fn get(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Json<OrgSettings>, ApiError> {
    let mut tx = state.store.read().await?;
    Ok(Json(wire(orgs::max_offline_ms(&mut tx, p.org).await?)))
}

/// Changes the organisation's settings.
///
/// Permission `fms.admin`. `max_offline_minutes` is 1 to 525600 (365 days), else 400 `invalid_body`; it applies
/// from the next sync, to scans of the organisation's tokens whoever carries them.
#[utoipa::path(patch, path = "/v1/org-settings", operation_id = "edit_org_settings", tag = "roles",
    request_body = OrgSettingsEdit,
    responses((status = 200, description = "The settings as they are now", body = OrgSettings),
        WithBody, Stateful, Guarded, Always))]
pub async fn edit(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Body(body): Body<OrgSettingsEdit>,
) -> Result<Json<OrgSettings>, ApiError> {
    let mut tx = state.store.write().await?;
    if let Some(minutes) = body.max_offline_minutes {
        let millis = i64::from(minutes) * MINUTE_MS;
        if !MAX_OFFLINE_RANGE_MS.contains(&millis) {
            return Err(ApiError::server(
                ServerCode::InvalidBody,
                "max_offline_minutes is 1 to 525600 (365 days)",
            ));
        }
        let before = orgs::max_offline_ms(&mut tx, p.org).await?;
        orgs::set_max_offline_ms(&mut tx, p.org, millis).await?;
        p.audit(
            &mut tx,
            "org.settings",
            "org",
            json!({ "max_offline_minutes": minutes, "max_offline_minutes_before": before / MINUTE_MS }),
            now(),
        )
        .await?;
    }
    let settings = wire(orgs::max_offline_ms(&mut tx, p.org).await?);
    tx.commit().await?;
    Ok(Json(settings))
}
