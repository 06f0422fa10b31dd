//! `GET /api/v1/me`: who the caller's token is and what it may do, so a UI shows only what works.

use axum::Json;
use axum::extract::State;
use fieldtoken_api::Permission;
use fieldtoken_api::devices::{Me, MeToken, OrgRef};

use super::auth::Principal;
use super::doc::{Always, Guarded};
use crate::{ApiError, AppState, store};

/// Who the token is and what it may do.
///
/// Any valid token. The permissions are those the token holds now (for a user's token, within the user's role as
/// it is at this request).
#[utoipa::path(get, path = "/v1/me", operation_id = "me", tag = "organisation",
    responses((status = 200, description = "The token, its organisation and its permissions", body = Me),
        Guarded, Always))]
pub async fn me(State(state): State<AppState>, p: Principal) -> Result<Json<Me>, ApiError> {
    let mut tx = state.store.read().await?;
    let org = store::orgs::name(&mut tx, p.org).await?;
    Ok(Json(Me {
        token: MeToken {
            id: p.token_id,
            name: p.name,
        },
        org: OrgRef {
            id: p.org.get(),
            name: org,
        },
        permissions: Permission::list(p.permissions),
    }))
}
