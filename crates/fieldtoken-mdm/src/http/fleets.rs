//! Fleets: list (with how many devices each holds, a page at a time), create, rename, delete. Names are unique in the organisation
//! (409 `name_taken`); a fleet that holds devices is not deleted (409 `fleet_not_empty`), nor one that live action
//! tokens put devices in (409 `fleet_in_use`). Fleets are in the offline bundle, so every change raises its
//! revision; every change is in the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::devices::Fleet;
use fieldtoken_api::inventory::FleetName;
use fieldtoken_api::{Page, ServerCode};
use fieldtoken_core::{FleetId, OrgId};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use super::auth::{Authorized, ReadFleets, WriteFleets};
use super::doc::{Always, ById, Guarded, Stateful, WithBody, WithQuery};
use super::extract::{
    Body, IdPath, Query, checked_name, ensure_name_free, page, page_cursor, page_limit,
};
use crate::clock::now;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store::bundle_log::Changed;
use crate::store::fleets::Counted;
use crate::store::{self, Conn, Named};

fn wire(counted: Counted) -> Fleet {
    Fleet {
        id: counted.fleet.id.get(),
        name: counted.fleet.name,
        device_count: Some(counted.devices),
    }
}

/// The organisation's fleet with this id from the path; 404 otherwise, the same for another organisation's.
async fn load(conn: &mut Conn, org: OrgId, id: i64) -> Result<Counted, ApiError> {
    store::fleets::get_counted(conn, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("fleet"))
}

/// `GET /api/v1/fleets` query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `next` of the previous page.
    #[param(pattern = "^(0*[1-9][0-9]{0,17})?$")]
    cursor: Option<String>,
    /// How many per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// The organisation's fleets, by name, each with how many devices it holds, a page at a time.
///
/// Permission `fms.fleet.read`. Retired devices are not counted. `next` is the cursor of the following page,
/// absent on the last.
#[utoipa::path(get, path = "/v1/fleets", operation_id = "list_fleets", tag = "organisation",
    params(ListQuery),
    responses((status = 200, description = "One page of fleets, by name", body = Page<Fleet>),
        WithQuery, Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadFleets>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<Fleet>>, ApiError> {
    let limit = page_limit(query.limit)?;
    let after = page_cursor(query.cursor.as_deref())?;
    let mut tx = state.store.read().await?;
    // One more than shown tells whether a next page exists.
    let fleets = store::fleets::page_counted(&mut tx, p.org, after, limit + 1).await?;
    Ok(Json(page(fleets, limit, wire, |f| Some(f.id.to_string()))))
}

/// Creates a fleet.
///
/// Permission `fms.fleet.write`. The name is unique in the organisation (409 `name_taken`).
#[utoipa::path(post, path = "/v1/fleets", operation_id = "create_fleet", tag = "organisation",
    request_body = FleetName,
    responses((status = 201, description = "The new fleet", body = Fleet), WithBody, Stateful, Guarded, Always))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteFleets>,
    Body(body): Body<FleetName>,
) -> Result<(StatusCode, Json<Fleet>), ApiError> {
    let name = checked_name(&body.name, "a fleet")?;
    let now = now();
    let mut tx = state.store.write().await?;
    ensure_name_free(&mut tx, Named::Fleet, p.org, &name, None).await?;
    let id = store::fleets::insert(&mut tx, p.org, &name, now).await?;
    store::orgs::bump_revision(&mut tx, p.org, &[Changed::Fleet(id)]).await?;
    p.audit(
        &mut tx,
        "fleet.create",
        &format!("fleet/{id}"),
        json!({ "name": name }),
        now,
    )
    .await?;
    let fleet = load(&mut tx, p.org, i64::from(id.get())).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(wire(fleet))))
}

/// Renames a fleet.
///
/// Permission `fms.fleet.write`. The name is unique in the organisation (409 `name_taken`); tokens and devices
/// keep pointing at the fleet, by id.
#[utoipa::path(patch, path = "/v1/fleets/{id}", operation_id = "rename_fleet", tag = "organisation",
    request_body = FleetName,
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The fleet's id")),
    responses((status = 200, description = "The fleet as it is now", body = Fleet),
        ById, WithBody, Stateful, Guarded, Always))]
pub async fn rename(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteFleets>,
    IdPath(id): IdPath,
    Body(body): Body<FleetName>,
) -> Result<Json<Fleet>, ApiError> {
    let name = checked_name(&body.name, "a fleet")?;
    let now = now();
    let mut tx = state.store.write().await?;
    let old = load(&mut tx, p.org, id).await?;
    ensure_name_free(&mut tx, Named::Fleet, p.org, &name, Some(id)).await?;
    store::fleets::rename(&mut tx, p.org, old.fleet.id, &name).await?;
    store::orgs::bump_revision(&mut tx, p.org, &[Changed::Fleet(old.fleet.id)]).await?;
    p.audit(
        &mut tx,
        "fleet.rename",
        &format!("fleet/{id}"),
        json!({ "name": name, "before": old.fleet.name }),
        now,
    )
    .await?;
    let fleet = load(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok(Json(wire(fleet)))
}

/// Deletes a fleet.
///
/// Permission `fms.fleet.write`. Refused with 409 `fleet_not_empty` while devices are in it (move them first),
/// and with 409 `fleet_in_use` while live action tokens put devices in it (each scan of one would be refused
/// `unknown_fleet` in the field: delete them first).
#[utoipa::path(delete, path = "/v1/fleets/{id}", operation_id = "delete_fleet", tag = "organisation",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The fleet's id")),
    responses((status = 204, description = "Deleted"), ById, Stateful, Guarded, Always))]
pub async fn delete(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteFleets>,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    let fleet = load(&mut tx, p.org, id).await?;
    if fleet.devices > 0 {
        return Err(ApiError::server(
            ServerCode::FleetNotEmpty,
            format!(
                "the fleet '{}' holds {} device(s): move them to another fleet, repair or stock first",
                fleet.fleet.name, fleet.devices
            ),
        ));
    }
    let tokens = store::fleets::live_tokens_into(&mut tx, p.org, fleet.fleet.id, now).await?;
    if tokens > 0 {
        return Err(ApiError::server(
            ServerCode::FleetInUse,
            format!(
                "{tokens} live action token(s) put devices in the fleet '{}': delete them first",
                fleet.fleet.name
            ),
        ));
    }
    store::fleets::delete(&mut tx, p.org, fleet.fleet.id).await?;
    store::orgs::bump_revision(&mut tx, p.org, &[Changed::Fleet(fleet.fleet.id)]).await?;
    p.audit(
        &mut tx,
        "fleet.delete",
        &format!("fleet/{id}"),
        json!({ "name": fleet.fleet.name }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organisation's fleet `id`, or 422 `unknown_fleet` (a fleet named in a body, not a path).
pub async fn existing(conn: &mut Conn, org: OrgId, id: u32) -> Result<FleetId, ApiError> {
    let unknown = || {
        ApiError::core(
            fieldtoken_core::ErrorKind::UnknownFleet,
            format!("there is no fleet {id}"),
        )
    };
    let fleet = FleetId::new(id).map_err(|_| unknown())?;
    if store::action_tokens::fleet_exists(conn, org, fleet).await? {
        Ok(fleet)
    } else {
        Err(unknown())
    }
}
