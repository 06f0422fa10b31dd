//! Custom roles (issue 5): an organisation's name for any subset of the core's permissions. The tokens of a role's
//! users act within the role as it is at each request, so narrowing a role takes effect at once. A role that
//! users hold is not deleted (409 `role_in_use`): move them to another role first. Nobody grants or takes away what
//! they lack (403 `forbidden`). Every change is in the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::org::{NewRole, Role, RoleEdit};
use fieldtoken_api::{Items, Permission, ServerCode, Time};
use fieldtoken_core::OrgId;
use serde_json::json;

use super::auth::{Admin, Authorized};
use super::doc::{Always, ById, Guarded, Stateful, WithBody};
use super::extract::{Body, IdPath, checked_name, ensure_name_free};
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store::{Conn, Named, roles};

fn wire(role: roles::Role) -> Role {
    Role {
        id: role.id,
        name: role.name,
        permissions: Permission::list(role.permissions),
        users: role.users,
        created_at: Time(rfc3339(role.created_at)),
        updated_at: Time(rfc3339(role.updated_at)),
    }
}

/// The organisation's role with this id from the path; 404 otherwise.
async fn load(conn: &mut Conn, org: OrgId, id: i64) -> Result<roles::Role, ApiError> {
    roles::get(conn, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("role"))
}

/// The organisation's roles.
///
/// Permission `fms.admin`. By name, each with how many users hold it.
#[utoipa::path(get, path = "/v1/roles", operation_id = "list_roles", tag = "roles",
    responses((status = 200, description = "The roles, by name", body = Items<Role>), Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Json<Items<Role>>, ApiError> {
    let mut tx = state.store.read().await?;
    let roles = roles::list(&mut tx, p.org).await?;
    Ok(Json(Items::of(roles.into_iter().map(wire).collect())))
}

/// Creates a role.
///
/// Permission `fms.admin`. Only with permissions the caller holds; the name is unique in the organisation.
#[utoipa::path(post, path = "/v1/roles", operation_id = "create_role", tag = "roles", request_body = NewRole,
    responses((status = 201, description = "The new role", body = Role), WithBody, Stateful, Guarded, Always))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Body(body): Body<NewRole>,
) -> Result<(StatusCode, Json<Role>), ApiError> {
    let name = checked_name(&body.name, "a role")?;
    let permissions = Permission::parse_set(&body.permissions)?;
    p.ensure_can_grant(permissions)?;
    let now = now();
    let mut tx = state.store.write().await?;
    ensure_name_free(&mut tx, Named::Role, p.org, &name, None).await?;
    let id = roles::insert(&mut tx, p.org, &name, permissions, now).await?;
    p.audit(
        &mut tx,
        "role.create",
        &format!("role/{id}"),
        json!({ "name": name, "permissions": permissions.names() }),
        now,
    )
    .await?;
    let role = load(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(wire(role))))
}

/// Renames a role or changes its permissions.
///
/// Permission `fms.admin`. The caller may add or remove only permissions it holds (403 `forbidden`); the tokens of
/// the role's users act with the new permissions from their next request.
#[utoipa::path(patch, path = "/v1/roles/{id}", operation_id = "edit_role", tag = "roles", request_body = RoleEdit,
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The role's id")),
    responses((status = 200, description = "The role as it is now", body = Role),
        ById, WithBody, Stateful, Guarded, Always))]
pub async fn edit(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
    Body(body): Body<RoleEdit>,
) -> Result<Json<Role>, ApiError> {
    let name = body
        .name
        .as_deref()
        .map(|n| checked_name(n, "a role"))
        .transpose()?;
    let wanted = body
        .permissions
        .as_deref()
        .map(Permission::parse_set)
        .transpose()?;
    let now = now();
    let mut tx = state.store.write().await?;
    let old = load(&mut tx, p.org, id).await?;
    let before = old.permissions;
    let after = wanted.unwrap_or(before);
    p.ensure_can_change(before, after)?;
    let name = name.unwrap_or(old.name);
    ensure_name_free(&mut tx, Named::Role, p.org, &name, Some(id)).await?;
    roles::update(&mut tx, id, &name, after, now).await?;
    p.audit(
        &mut tx,
        "role.edit",
        &format!("role/{id}"),
        json!({ "name": name, "permissions": after.names(), "before": before.names() }),
        now,
    )
    .await?;
    let role = load(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok(Json(wire(role)))
}

/// Deletes a role.
///
/// Permission `fms.admin`, and every permission the role holds (403 `forbidden`). Refused with 409 `role_in_use`
/// while users hold it (their tokens would lose every
/// permission without anyone deciding so).
#[utoipa::path(delete, path = "/v1/roles/{id}", operation_id = "delete_role", tag = "roles",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The role's id")),
    responses((status = 204, description = "Deleted"), ById, Stateful, Guarded, Always))]
pub async fn delete(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    let role = load(&mut tx, p.org, id).await?;
    // Deleting a role takes its permissions away: only those the caller holds.
    p.ensure_can_change(role.permissions, fieldtoken_core::PermissionSet::empty())?;
    if role.users > 0 {
        return Err(ApiError::server(
            ServerCode::RoleInUse,
            format!(
                "{} user(s) hold the role '{}': give them another role before deleting it",
                role.users, role.name
            ),
        ));
    }
    roles::delete(&mut tx, id).await?;
    p.audit(
        &mut tx,
        "role.delete",
        &format!("role/{id}"),
        json!({ "name": role.name, "permissions": role.permissions.names() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
