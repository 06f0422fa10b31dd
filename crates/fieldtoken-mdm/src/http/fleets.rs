//! `GET /api/v1/fleets`: the organisation's fleets.

use axum::Json;
use axum::extract::State;
use fieldtoken_api::Items;
use fieldtoken_api::devices::Fleet;

use super::auth::{Authorized, ReadFleets};
use super::doc::{Always, Guarded};
use crate::{ApiError, AppState, store};

/// The organisation's fleets, by name.
///
/// Permission `fms.fleet.read`.
#[utoipa::path(get, path = "/v1/fleets", operation_id = "list_fleets", tag = "organisation",
    responses((status = 200, description = "The fleets, by name", body = Items<Fleet>), Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadFleets>,
) -> Result<Json<Items<Fleet>>, ApiError> {
    let mut tx = state.store.read().await?;
    let fleets = store::fleets::list(&mut tx, p.org).await?;
    Ok(Json(Items::of(
        fleets
            .into_iter()
            .map(|fleet| Fleet {
                id: fleet.id.get(),
                name: fleet.name,
            })
            .collect(),
    )))
}
