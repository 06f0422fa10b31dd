//! Custom roles and users (issue 5). A role is an organisation's name for any subset of the core's permissions; a
//! user has one role. An API token issued for a user acts with its own permissions intersected with its user's
//! role's, and `auth` reads the role at every request, so narrowing a role takes effect at once on every token of
//! its users. A role that users hold is not deleted (409 `role_in_use`): move them to another role first.
//!
//! | method and path | permission | answer |
//! |---|---|---|
//! | `GET /api/v1/roles` | `fms.admin` | `{ "items": [Role] }` |
//! | `POST /api/v1/roles` `{ "name", "permissions" }` | `fms.admin` | 201 `Role` |
//! | `PATCH /api/v1/roles/{id}` `{ "name"?, "permissions"? }` | `fms.admin` | `Role` |
//! | `DELETE /api/v1/roles/{id}` | `fms.admin` | 204 |
//! | `GET /api/v1/users` | `fms.admin` | `{ "items": [User] }` |
//! | `POST /api/v1/users` `{ "name", "role_id" }` | `fms.admin` | 201 `User` |
//! | `PATCH /api/v1/users/{id}` `{ "name"?, "role_id"? }` | `fms.admin` | `User` |
//! | `POST /api/v1/users/{id}/api-tokens` `{ "name", "permissions" }` | `fms.admin` | 201 `{ "id", "token", .. }` |
//!
//! Nobody grants what they lack (the core's `can_grant` and `can_change`: 403 `forbidden`), which includes giving a
//! user a role with permissions the caller does not hold. Refusals: 422
//! `bad_name`, 400 `unknown_permission`, 409 `name_taken`, 422 `unknown_role` (a `role_id` the organisation does
//! not have), 404 `not_found` (an id in the path), 409 `role_in_use`. Every change is in the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_core::{OrgId, PermissionSet, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::SqliteConnection;

use crate::auth::{Admin, Authorized, Principal};
use crate::clock::{now, rfc3339};
use crate::devices::Items;
use crate::http::extract::{Body, IdPath, checked_name};
use crate::store;
use crate::store::api_tokens::{parse_permissions, permissions_text};
use crate::store::audit::Actor;
use crate::{ApiError, AppState};

/// A role as the API shows it.
#[derive(Serialize, Debug)]
pub struct RoleJson {
    id: i64,
    name: String,
    /// Stable names, in display order.
    permissions: Vec<&'static str>,
    /// How many users hold it.
    users: i64,
    created_at: String,
    updated_at: String,
}

/// A user's role, by id and name.
#[derive(Serialize, Debug)]
pub struct RoleRef {
    id: i64,
    name: String,
}

/// A user as the API shows it; `permissions` are its role's.
#[derive(Serialize, Debug)]
pub struct UserJson {
    id: i64,
    name: String,
    role: RoleRef,
    permissions: Vec<&'static str>,
    created_at: String,
}

/// `POST /api/v1/roles` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    name: String,
    permissions: Vec<String>,
}

/// `PATCH /api/v1/roles/{id}` body: a field left out is unchanged.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleEdit {
    name: Option<String>,
    permissions: Option<Vec<String>>,
}

/// `POST /api/v1/users` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    name: String,
    role_id: u32,
}

/// `PATCH /api/v1/users/{id}` body: a field left out is unchanged.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEdit {
    name: Option<String>,
    role_id: Option<u32>,
}

/// `POST /api/v1/users/{id}/api-tokens` body: the token's own permissions (it acts only within its user's role).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserToken {
    name: String,
    permissions: Vec<String>,
}

/// id, name, permissions, created, updated, users.
type RoleRow = (i64, String, String, i64, i64, i64);
const ROLE_SELECT: &str = "SELECT r.id, r.name, r.permissions, r.created_at, r.updated_at,
    (SELECT COUNT(*) FROM users u WHERE u.role_id = r.id) FROM roles r";

/// id, name, role id, role name, role permissions, created.
type UserRow = (i64, String, i64, String, String, i64);
const USER_SELECT: &str = "SELECT u.id, u.name, r.id, r.name, r.permissions, u.created_at
    FROM users u JOIN roles r ON r.id = u.role_id";

fn role_json((id, name, permissions, created, updated, users): RoleRow) -> RoleJson {
    RoleJson {
        id,
        name,
        permissions: parse_permissions(&permissions).names(),
        users,
        created_at: rfc3339(Timestamp::from_millis(created)),
        updated_at: rfc3339(Timestamp::from_millis(updated)),
    }
}

fn user_json((id, name, role_id, role_name, permissions, created): UserRow) -> UserJson {
    UserJson {
        id,
        name,
        role: RoleRef {
            id: role_id,
            name: role_name,
        },
        permissions: parse_permissions(&permissions).names(),
        created_at: rfc3339(Timestamp::from_millis(created)),
    }
}

fn cannot_grant() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        "nobody can give a permission they do not hold themselves",
    )
}

/// 403 `forbidden` unless the caller holds every one of these permissions (nobody grants what they lack).
fn ensure_can_grant(p: &Principal, permissions: PermissionSet) -> Result<(), ApiError> {
    if !p.permissions.can_grant(permissions) {
        return Err(cannot_grant());
    }
    Ok(())
}

/// The organisation's role with this id, if it has one.
async fn find_role(
    conn: &mut SqliteConnection,
    org: OrgId,
    id: i64,
) -> Result<Option<RoleRow>, ApiError> {
    Ok(
        sqlx::query_as(&format!("{ROLE_SELECT} WHERE r.id = ? AND r.org_id = ?"))
            .bind(id)
            .bind(i64::from(org.get()))
            .fetch_optional(conn)
            .await?,
    )
}

/// The organisation's role with this id from the path; 404 otherwise.
async fn load_role(conn: &mut SqliteConnection, org: OrgId, id: i64) -> Result<RoleRow, ApiError> {
    find_role(conn, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("role"))
}

async fn load_user(conn: &mut SqliteConnection, org: OrgId, id: i64) -> Result<UserRow, ApiError> {
    sqlx::query_as(&format!("{USER_SELECT} WHERE u.id = ? AND u.org_id = ?"))
        .bind(id)
        .bind(i64::from(org.get()))
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))
}

/// Rows whose name is unique in their organisation: their table, and what one is called in messages.
#[derive(Clone, Copy)]
struct Named {
    table: &'static str,
    what: &'static str,
}

const ROLES: Named = Named {
    table: "roles",
    what: "role",
};
const USERS: Named = Named {
    table: "users",
    what: "user",
};

impl Named {
    /// 409 `name_taken` when another row of this table in the organisation (any but `except`) has this name.
    async fn ensure_free(
        self,
        conn: &mut SqliteConnection,
        org: OrgId,
        name: &str,
        except: Option<i64>,
    ) -> Result<(), ApiError> {
        let found: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM {} WHERE org_id = ? AND name = ? AND (? IS NULL OR id <> ?)",
            self.table
        ))
        .bind(i64::from(org.get()))
        .bind(name)
        .bind(except)
        .bind(except)
        .fetch_optional(conn)
        .await?;
        match found {
            Some(_) => Err(ApiError::new(
                StatusCode::CONFLICT,
                "name_taken",
                format!(
                    "this organisation already has a {} named '{name}'",
                    self.what
                ),
            )),
            None => Ok(()),
        }
    }
}

/// The organisation's role named by a request body; 422 `unknown_role` otherwise.
async fn body_role(conn: &mut SqliteConnection, org: OrgId, id: u32) -> Result<RoleRow, ApiError> {
    find_role(conn, org, i64::from(id)).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_role",
            format!("this organisation has no role {id}"),
        )
    })
}

/// `GET /api/v1/roles`: the organisation's roles by name.
pub async fn list_roles(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Json<Items<RoleJson>>, ApiError> {
    let rows: Vec<RoleRow> = sqlx::query_as(&format!(
        "{ROLE_SELECT} WHERE r.org_id = ? ORDER BY r.name, r.id"
    ))
    .bind(i64::from(p.org.get()))
    .fetch_all(state.store.pool())
    .await?;
    Ok(Json(Items::of(rows.into_iter().map(role_json).collect())))
}

/// `POST /api/v1/roles` → 201 with the role.
pub async fn create_role(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Body(body): Body<NewRole>,
) -> Result<(StatusCode, Json<RoleJson>), ApiError> {
    let name = checked_name(&body.name, "a role")?;
    let permissions = PermissionSet::parse(body.permissions.iter().map(String::as_str))?;
    ensure_can_grant(&p, permissions)?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    ROLES.ensure_free(&mut tx, p.org, &name, None).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO roles (org_id, name, permissions, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(i64::from(p.org.get()))
    .bind(&name)
    .bind(permissions_text(permissions))
    .bind(now.as_millis())
    .bind(now.as_millis())
    .fetch_one(&mut *tx)
    .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "role.create",
        &format!("role/{id}"),
        json!({ "name": name, "permissions": permissions.names() }),
        now,
    )
    .await?;
    let row = load_role(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(role_json(row))))
}

/// `PATCH /api/v1/roles/{id}`: renames it or changes its permissions; the tokens of its users act with the new
/// permissions from their next request.
pub async fn edit_role(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
    Body(body): Body<RoleEdit>,
) -> Result<Json<RoleJson>, ApiError> {
    let name = body
        .name
        .as_deref()
        .map(|n| checked_name(n, "a role"))
        .transpose()?;
    let wanted = body
        .permissions
        .as_ref()
        .map(|names| PermissionSet::parse(names.iter().map(String::as_str)))
        .transpose()?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let (_, old_name, old_permissions, ..) = load_role(&mut tx, p.org, id).await?;
    let before = parse_permissions(&old_permissions);
    let after = wanted.unwrap_or(before);
    if !p.permissions.can_change(before, after) {
        return Err(cannot_grant());
    }
    let name = name.unwrap_or(old_name);
    ROLES.ensure_free(&mut tx, p.org, &name, Some(id)).await?;
    sqlx::query("UPDATE roles SET name = ?, permissions = ?, updated_at = ? WHERE id = ?")
        .bind(&name)
        .bind(permissions_text(after))
        .bind(now.as_millis())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "role.edit",
        &format!("role/{id}"),
        json!({ "name": name, "permissions": after.names(), "before": before.names() }),
        now,
    )
    .await?;
    let row = load_role(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok(Json(role_json(row)))
}

/// `DELETE /api/v1/roles/{id}` → 204; 409 `role_in_use` while users hold it (their tokens would lose every
/// permission without anyone deciding so).
pub async fn delete_role(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let (_, name, permissions, _, _, users) = load_role(&mut tx, p.org, id).await?;
    if users > 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "role_in_use",
            format!(
                "{users} user(s) hold the role '{name}': give them another role before deleting it"
            ),
        ));
    }
    sqlx::query("DELETE FROM roles WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "role.delete",
        &format!("role/{id}"),
        json!({ "name": name, "permissions": parse_permissions(&permissions).names() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/users`: the organisation's users by name, with their roles.
pub async fn list_users(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Json<Items<UserJson>>, ApiError> {
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "{USER_SELECT} WHERE u.org_id = ? ORDER BY u.name, u.id"
    ))
    .bind(i64::from(p.org.get()))
    .fetch_all(state.store.pool())
    .await?;
    Ok(Json(Items::of(rows.into_iter().map(user_json).collect())))
}

/// `POST /api/v1/users` → 201 with the user.
pub async fn create_user(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Body(body): Body<NewUser>,
) -> Result<(StatusCode, Json<UserJson>), ApiError> {
    let name = checked_name(&body.name, "a user")?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let (role_id, role_name, role_permissions, ..) =
        body_role(&mut tx, p.org, body.role_id).await?;
    // Giving someone a role grants its permissions to the user's tokens: only within what the caller holds.
    ensure_can_grant(&p, parse_permissions(&role_permissions))?;
    USERS.ensure_free(&mut tx, p.org, &name, None).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (org_id, name, role_id, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(i64::from(p.org.get()))
    .bind(&name)
    .bind(role_id)
    .bind(now.as_millis())
    .fetch_one(&mut *tx)
    .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "user.create",
        &format!("user/{id}"),
        json!({ "name": name, "role_id": role_id, "role": role_name }),
        now,
    )
    .await?;
    let row = load_user(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(user_json(row))))
}

/// `PATCH /api/v1/users/{id}`: renames the user or gives it another role (its tokens follow at once).
pub async fn edit_user(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
    Body(body): Body<UserEdit>,
) -> Result<Json<UserJson>, ApiError> {
    let name = body
        .name
        .as_deref()
        .map(|n| checked_name(n, "a user"))
        .transpose()?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let (_, old_name, old_role, ..) = load_user(&mut tx, p.org, id).await?;
    let role = match body.role_id {
        Some(role) if i64::from(role) != old_role => {
            let (role, _, permissions, ..) = body_role(&mut tx, p.org, role).await?;
            ensure_can_grant(&p, parse_permissions(&permissions))?;
            role
        }
        _ => old_role,
    };
    let name = name.unwrap_or(old_name);
    USERS.ensure_free(&mut tx, p.org, &name, Some(id)).await?;
    sqlx::query("UPDATE users SET name = ?, role_id = ? WHERE id = ?")
        .bind(&name)
        .bind(role)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "user.edit",
        &format!("user/{id}"),
        json!({ "name": name, "role_id": role, "role_id_before": old_role }),
        now,
    )
    .await?;
    let row = load_user(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok(Json(user_json(row)))
}

/// `POST /api/v1/users/{id}/api-tokens` → 201 `{ "id", "token", "user_id", "permissions", "effective_permissions" }`:
/// an API token that acts for the user. The secret is shown this once. `permissions` is the token's own subset
/// (nobody grants what they lack); `effective_permissions` is what it may do now, within the user's role.
pub async fn create_user_token(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
    Body(body): Body<NewUserToken>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let name = checked_name(&body.name, "an API token")?;
    let wanted = PermissionSet::parse(body.permissions.iter().map(String::as_str))?;
    ensure_can_grant(&p, wanted)?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let (user_id, user_name, role_id, _, role_permissions, _) =
        load_user(&mut tx, p.org, id).await?;
    let (token_id, secret) =
        store::api_tokens::create(&mut tx, p.org, &name, wanted, Some(p.token_id), now).await?;
    sqlx::query("UPDATE api_tokens SET user_id = ? WHERE id = ?")
        .bind(user_id)
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
    let effective = wanted.intersection(parse_permissions(&role_permissions));
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "api_token.create",
        &format!("api_token/{token_id}"),
        json!({ "name": name, "permissions": wanted.names(), "user_id": user_id, "user": user_name, "role_id": role_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": token_id,
            "token": secret,
            "user_id": user_id,
            "permissions": wanted.names(),
            "effective_permissions": effective.names(),
        })),
    ))
}
