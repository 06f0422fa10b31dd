//! Access token definitions and classifications: their format settings and automations. The core checks that
//! settings can be met (`bad_definition`) and that names are names; the store keeps one active definition per
//! organisation, and activating one deactivates the others in the same transaction.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::access as wire;
use fieldtoken_api::{Items, ServerCode, Time};
use fieldtoken_core::access::{
    AccessTokenDefinition, AccessTokenDefinitionId, Classification, ClassificationId,
};
use serde_json::json;

use super::access_tokens::{AccessCreate, AccessRead, AccessUpdate};
use super::auth::Authorized;
use super::doc::{Always, ById, Guarded, Stateful, WithBody};
use super::extract::{Body, IdPath};
use crate::clock::{now, rfc3339};
use crate::store::access_config::{self as config, StoredDefinition};
use crate::store::audit::Actor;
use crate::{ApiError, AppState, store};

fn definition_json(stored: &StoredDefinition) -> wire::AccessTokenDefinition {
    let definition = &stored.definition;
    wire::AccessTokenDefinition {
        id: definition.id().get(),
        name: definition.name().to_owned(),
        active: definition.is_active(),
        settings: definition.credentials().into(),
        allow_without_identifier_and_pass_code: definition.allow_without_identifier_and_pass_code(),
        not_effective_on_last_removal: definition.not_effective_on_last_removal(),
        requires_verification: definition.requires_verification(),
        created_at: Time(rfc3339(stored.created_at)),
    }
}

fn classification_json(c: &Classification) -> wire::AccessTokenClassification {
    wire::AccessTokenClassification {
        id: c.id().get(),
        name: c.name().to_owned(),
        settings: c.credentials().into(),
    }
}

fn name_taken(what: &str, name: &str) -> ApiError {
    ApiError::server(
        ServerCode::NameTaken,
        format!("a {what} named '{name}' already exists"),
    )
}

/// List access token definitions.
///
/// Permission `fms.accesstoken.read`. Every definition, oldest first.
#[utoipa::path(get, path = "/v1/access-token-definitions", operation_id = "list_access_token_definitions", tag = "access-tokens",
    responses((status = 200, description = "The definitions", body = Items<wire::AccessTokenDefinition>),
        Guarded, Always))]
pub async fn list_definitions(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
) -> Result<Json<Items<wire::AccessTokenDefinition>>, ApiError> {
    let mut tx = state.store.read().await?;
    let definitions = config::definitions(&mut tx, p.org).await?;
    Ok(Json(Items::of(
        definitions.iter().map(definition_json).collect(),
    )))
}

/// Create an access token definition.
///
/// Permission `fms.accesstoken.create`. `active` (default true) makes it the active definition, deactivating the
/// one before. Settings that cannot be met are 422 `bad_definition`; a taken name 409 `name_taken`.
#[utoipa::path(post, path = "/v1/access-token-definitions", operation_id = "create_access_token_definition", tag = "access-tokens",
    request_body = wire::NewAccessTokenDefinition,
    responses((status = 201, description = "The new definition", body = wire::AccessTokenDefinition),
        Guarded, WithBody, Stateful, Always))]
pub async fn create_definition(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<wire::NewAccessTokenDefinition>,
) -> Result<(StatusCode, Json<wire::AccessTokenDefinition>), ApiError> {
    let settings = body.settings.to_core()?;
    // A stand-in id: the core checks the name and settings before anything is written.
    let checked =
        AccessTokenDefinition::new(AccessTokenDefinitionId::new(1)?, &body.name, settings)?
            .with_active(body.active.unwrap_or(true))
            .with_allow_without_identifier_and_pass_code(
                body.allow_without_identifier_and_pass_code.unwrap_or(true),
            )
            .with_not_effective_on_last_removal(body.not_effective_on_last_removal.unwrap_or(false))
            .with_requires_verification(body.requires_verification.unwrap_or(false));
    let now = now();
    let mut tx = state.store.write().await?;
    if config::definition_name_taken(&mut tx, p.org, checked.name()).await? {
        return Err(name_taken("definition", checked.name()));
    }
    let stored = config::insert_definition(&mut tx, p.org, &checked, now).await?;
    let shown = definition_json(&stored);
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token_definition.create",
        &format!("access_token_definition/{}", stored.definition.id()),
        json!(shown),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// Activate an access token definition.
///
/// Permission `fms.accesstoken.update`. Makes it the active definition; the one before is deactivated in the same
/// transaction.
#[utoipa::path(post, path = "/v1/access-token-definitions/{id}/activate", operation_id = "activate_access_token_definition", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The definition's id")),
    responses((status = 200, description = "The definition, now active", body = wire::AccessTokenDefinition),
        Guarded, ById, Always))]
pub async fn activate_definition(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    IdPath(id): IdPath,
) -> Result<Json<wire::AccessTokenDefinition>, ApiError> {
    let id = AccessTokenDefinitionId::from_i64(id)?;
    let now = now();
    let mut tx = state.store.write().await?;
    let stored = config::activate(&mut tx, p.org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("access token definition"))?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token_definition.activate",
        &format!("access_token_definition/{id}"),
        json!({ "name": stored.definition.name() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(definition_json(&stored)))
}

/// List access token classifications.
///
/// Permission `fms.accesstoken.read`. By name.
#[utoipa::path(get, path = "/v1/access-token-classifications", operation_id = "list_access_token_classifications", tag = "access-tokens",
    responses((status = 200, description = "The classifications", body = Items<wire::AccessTokenClassification>),
        Guarded, Always))]
pub async fn list_classifications(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
) -> Result<Json<Items<wire::AccessTokenClassification>>, ApiError> {
    let mut tx = state.store.read().await?;
    let classifications = config::classifications(&mut tx, p.org).await?;
    Ok(Json(Items::of(
        classifications.iter().map(classification_json).collect(),
    )))
}

/// Create an access token classification.
///
/// Permission `fms.accesstoken.create`. Settings that cannot be met are 422 `bad_definition`; a taken name 409
/// `name_taken`.
#[utoipa::path(post, path = "/v1/access-token-classifications", operation_id = "create_access_token_classification", tag = "access-tokens",
    request_body = wire::NewAccessTokenClassification,
    responses((status = 201, description = "The new classification", body = wire::AccessTokenClassification),
        Guarded, WithBody, Stateful, Always))]
pub async fn create_classification(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<wire::NewAccessTokenClassification>,
) -> Result<(StatusCode, Json<wire::AccessTokenClassification>), ApiError> {
    let settings = body.settings.to_core()?;
    let checked = Classification::new(ClassificationId::new(1)?, &body.name, settings)?;
    let now = now();
    let mut tx = state.store.write().await?;
    if config::classification_name_taken(&mut tx, p.org, checked.name()).await? {
        return Err(name_taken("classification", checked.name()));
    }
    let stored = config::insert_classification(&mut tx, p.org, &checked, now).await?;
    let shown = classification_json(&stored);
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token_classification.create",
        &format!("access_token_classification/{}", stored.id()),
        json!(shown),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(shown)))
}
