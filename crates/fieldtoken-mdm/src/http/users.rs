//! Users and their API tokens (issue 5). A user has one role; an API token issued for a user acts with its own
//! permissions within its user's role, read at every request, so giving a user another role takes effect at once.
//! Giving someone a role grants its permissions, and taking one away removes them: so only within what the caller
//! holds (403 `forbidden`). A
//! `role_id` the organisation does not have is 422 `unknown_role`. Every change is in the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::org::{CreatedUserToken, NewUser, NewUserToken, RoleRef, User, UserEdit};
use fieldtoken_api::{Items, Permission, ServerCode, Time};
use fieldtoken_core::OrgId;
use serde_json::json;

use super::auth::{Admin, Authorized};
use super::doc::{Always, ById, Guarded, Stateful, WithBody};
use super::extract::{Body, IdPath, checked_name, ensure_name_free};
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store;
use crate::store::{Conn, Named, roles, users};

fn wire(user: users::User) -> User {
    User {
        id: user.id,
        name: user.name,
        role: RoleRef {
            id: user.role_id,
            name: user.role_name,
        },
        permissions: Permission::list(user.permissions),
        created_at: Time(rfc3339(user.created_at)),
    }
}

/// The organisation's user with this id from the path; 404 otherwise.
async fn load(conn: &mut Conn, org: OrgId, id: i64) -> Result<users::User, ApiError> {
    users::get(conn, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))
}

/// The organisation's role a body names; 422 `unknown_role` otherwise.
async fn body_role(conn: &mut Conn, org: OrgId, id: u32) -> Result<roles::Role, ApiError> {
    roles::get(conn, org, i64::from(id)).await?.ok_or_else(|| {
        ApiError::server(
            ServerCode::UnknownRole,
            format!("this organisation has no role {id}"),
        )
    })
}

/// The organisation's users.
///
/// Permission `fms.admin`. By name, each with its role and the role's permissions.
#[utoipa::path(get, path = "/v1/users", operation_id = "list_users", tag = "roles",
    responses((status = 200, description = "The users, by name", body = Items<User>), Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Json<Items<User>>, ApiError> {
    let mut tx = state.store.read().await?;
    let users = users::list(&mut tx, p.org).await?;
    Ok(Json(Items::of(users.into_iter().map(wire).collect())))
}

/// Creates a user with a role.
///
/// Permission `fms.admin`. Only with a role whose permissions the caller holds; the name is unique in the
/// organisation.
#[utoipa::path(post, path = "/v1/users", operation_id = "create_user", tag = "roles", request_body = NewUser,
    responses((status = 201, description = "The new user", body = User), WithBody, Stateful, Guarded, Always))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Body(body): Body<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let name = checked_name(&body.name, "a user")?;
    let now = now();
    let mut tx = state.store.write().await?;
    let role = body_role(&mut tx, p.org, body.role_id).await?;
    p.ensure_can_grant(role.permissions)?;
    ensure_name_free(&mut tx, Named::User, p.org, &name, None).await?;
    let role_id = i64::from(role.id);
    let id = users::insert(&mut tx, p.org, &name, role_id, now).await?;
    p.audit(
        &mut tx,
        "user.create",
        &format!("user/{id}"),
        json!({ "name": name, "role_id": role_id, "role": role.name }),
        now,
    )
    .await?;
    let user = load(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(wire(user))))
}

/// Renames a user or gives it another role.
///
/// Permission `fms.admin`. Moving a user to another role grants and takes away the permissions in which the two
/// roles differ: only those the caller holds (403 `forbidden`). The user's tokens act within the new role from their
/// next request.
#[utoipa::path(patch, path = "/v1/users/{id}", operation_id = "edit_user", tag = "roles", request_body = UserEdit,
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The user's id")),
    responses((status = 200, description = "The user as it is now", body = User),
        ById, WithBody, Stateful, Guarded, Always))]
pub async fn edit(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
    Body(body): Body<UserEdit>,
) -> Result<Json<User>, ApiError> {
    let name = body
        .name
        .as_deref()
        .map(|n| checked_name(n, "a user"))
        .transpose()?;
    let now = now();
    let mut tx = state.store.write().await?;
    let old = load(&mut tx, p.org, id).await?;
    let role = match body.role_id {
        Some(role) if role != old.role_id => {
            let role = body_role(&mut tx, p.org, role).await?;
            p.ensure_can_change(old.permissions, role.permissions)?;
            role.id
        }
        _ => old.role_id,
    };
    let name = name.unwrap_or(old.name);
    ensure_name_free(&mut tx, Named::User, p.org, &name, Some(id)).await?;
    users::update(&mut tx, id, &name, i64::from(role)).await?;
    p.audit(
        &mut tx,
        "user.edit",
        &format!("user/{id}"),
        json!({ "name": name, "role_id": role, "role_id_before": old.role_id }),
        now,
    )
    .await?;
    let user = load(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok(Json(wire(user)))
}

/// Creates an API token that acts for a user.
///
/// Permission `fms.admin`. `permissions` is the token's own subset (only permissions the caller holds);
/// `effective_permissions` is what it may do now, within the user's role. The secret is in this answer only.
#[utoipa::path(post, path = "/v1/users/{id}/api-tokens", operation_id = "create_user_api_token", tag = "roles", request_body = NewUserToken,
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The user's id")),
    responses((status = 201, description = "The new token and its secret, shown this once", body = CreatedUserToken),
        ById, WithBody, Guarded, Always))]
pub async fn create_token(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
    Body(body): Body<NewUserToken>,
) -> Result<(StatusCode, Json<CreatedUserToken>), ApiError> {
    let name = checked_name(&body.name, "an API token")?;
    let wanted = Permission::parse_set(&body.permissions)?;
    p.ensure_can_grant(wanted)?;
    let now = now();
    let mut tx = state.store.write().await?;
    let user = load(&mut tx, p.org, id).await?;
    let (token_id, secret) = store::api_tokens::create_for_user(
        &mut tx,
        p.org,
        i64::from(user.id),
        &name,
        wanted,
        Some(p.token_id),
        now,
    )
    .await?;
    let effective = wanted.intersection(user.permissions);
    p.audit(
        &mut tx,
        "api_token.create",
        &format!("api_token/{token_id}"),
        json!({ "name": name, "permissions": wanted.names(), "user_id": user.id, "user": user.name, "role_id": user.role_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUserToken {
            id: token_id,
            token: secret,
            user_id: user.id,
            permissions: Permission::list(wanted),
            effective_permissions: Permission::list(effective),
        }),
    ))
}
