//! Access token definitions and classifications: their format settings and automations. The store keeps one
//! active definition per organisation (a partial unique index); [`activate`] and [`insert_definition`] deactivate
//! the others in the caller's transaction.
//!
//! Settings are stored as the JSON of the API's `CredentialSettings`: that shape never changes, because clients
//! depend on it, and reading it back goes through the core's check like any request.

use fieldtoken_api::access::CredentialSettings as SettingsJson;
use fieldtoken_core::access::{
    AccessTokenDefinition, AccessTokenDefinitionId, Classification, ClassificationId,
    CredentialSettings,
};
use fieldtoken_core::{OrgId, Timestamp};

use super::{Conn, Result, StoreError, org_key};

fn settings_of(text: &str, table: &str) -> Result<CredentialSettings> {
    let damaged = || StoreError::damaged(format!("{table}.settings cannot be read"));
    let json: SettingsJson = serde_json::from_str(text).map_err(|_| damaged())?;
    json.to_core().map_err(|_| damaged())
}

fn settings_text(settings: &CredentialSettings) -> String {
    serde_json::to_string(&SettingsJson::from(settings)).unwrap_or_default()
}

/// A stored definition and when it was created.
#[derive(Clone, Debug)]
pub struct StoredDefinition {
    /// The core's definition.
    pub definition: AccessTokenDefinition,
    /// When it was created.
    pub created_at: Timestamp,
}

type DefinitionRow = (i64, String, i64, String, i64, i64, i64, i64);

const DEFINITION_COLUMNS: &str = "id, name, active, settings, allow_without_identifier_and_pass_code, \
     not_effective_on_last_removal, requires_verification, created_at";

fn definition_of(row: DefinitionRow) -> Result<StoredDefinition> {
    let (id, name, active, settings, allow, last_removal, verification, created) = row;
    let definition = AccessTokenDefinition::new(
        AccessTokenDefinitionId::from_i64(id)?,
        &name,
        settings_of(&settings, "access_token_definitions")?,
    )?
    .with_active(active != 0)
    .with_allow_without_identifier_and_pass_code(allow != 0)
    .with_not_effective_on_last_removal(last_removal != 0)
    .with_requires_verification(verification != 0);
    Ok(StoredDefinition {
        definition,
        created_at: Timestamp::from_millis(created),
    })
}

/// Every definition of the organisation, oldest first.
pub async fn definitions(conn: &mut Conn, org: OrgId) -> Result<Vec<StoredDefinition>> {
    let rows: Vec<DefinitionRow> = sqlx::query_as(&format!(
        "SELECT {DEFINITION_COLUMNS} FROM access_token_definitions WHERE org_id = ? ORDER BY id"
    ))
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(definition_of).collect()
}

/// The organisation's definitions marked active: one, or none (the core says what either means).
pub async fn active_definitions(conn: &mut Conn, org: OrgId) -> Result<Vec<AccessTokenDefinition>> {
    let rows: Vec<DefinitionRow> = sqlx::query_as(&format!(
        "SELECT {DEFINITION_COLUMNS} FROM access_token_definitions WHERE org_id = ? AND active = 1"
    ))
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| definition_of(row).map(|stored| stored.definition))
        .collect()
}

/// Whether the organisation has a definition of this name.
pub async fn definition_name_taken(conn: &mut Conn, org: OrgId, name: &str) -> Result<bool> {
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM access_token_definitions WHERE org_id = ? AND name = ?")
            .bind(org_key(org))
            .bind(name)
            .fetch_optional(conn)
            .await?;
    Ok(taken.is_some())
}

async fn deactivate_all(conn: &mut Conn, org: OrgId) -> Result<()> {
    sqlx::query("UPDATE access_token_definitions SET active = 0 WHERE org_id = ? AND active = 1")
        .bind(org_key(org))
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a checked definition (its id is ignored: the store gives one), deactivating the others when it is
/// active.
pub async fn insert_definition(
    conn: &mut Conn,
    org: OrgId,
    definition: &AccessTokenDefinition,
    now: Timestamp,
) -> Result<StoredDefinition> {
    if definition.is_active() {
        deactivate_all(conn, org).await?;
    }
    let row: DefinitionRow = sqlx::query_as(&format!(
        "INSERT INTO access_token_definitions (org_id, name, active, settings, allow_without_identifier_and_pass_code,
             not_effective_on_last_removal, requires_verification, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {DEFINITION_COLUMNS}"
    ))
    .bind(org_key(org))
    .bind(definition.name())
    .bind(i64::from(definition.is_active()))
    .bind(settings_text(definition.credentials()))
    .bind(i64::from(definition.allow_without_identifier_and_pass_code()))
    .bind(i64::from(definition.not_effective_on_last_removal()))
    .bind(i64::from(definition.requires_verification()))
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?;
    definition_of(row)
}

/// Makes the organisation's definition `id` the active one, deactivating the others; `None` when the organisation
/// has no such definition.
pub async fn activate(
    conn: &mut Conn,
    org: OrgId,
    id: AccessTokenDefinitionId,
) -> Result<Option<StoredDefinition>> {
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM access_token_definitions WHERE id = ? AND org_id = ?")
            .bind(i64::from(id.get()))
            .bind(org_key(org))
            .fetch_optional(&mut *conn)
            .await?;
    if exists.is_none() {
        return Ok(None);
    }
    deactivate_all(conn, org).await?;
    let row: DefinitionRow = sqlx::query_as(&format!(
        "UPDATE access_token_definitions SET active = 1 WHERE id = ? RETURNING {DEFINITION_COLUMNS}"
    ))
    .bind(i64::from(id.get()))
    .fetch_one(conn)
    .await?;
    definition_of(row).map(Some)
}

fn classification_of((id, name, settings): (i64, String, String)) -> Result<Classification> {
    Ok(Classification::new(
        ClassificationId::from_i64(id)?,
        &name,
        settings_of(&settings, "access_token_classifications")?,
    )?)
}

/// The organisation's classification `id`, if it has one.
pub async fn classification(
    conn: &mut Conn,
    org: OrgId,
    id: ClassificationId,
) -> Result<Option<Classification>> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, settings FROM access_token_classifications WHERE id = ? AND org_id = ?",
    )
    .bind(i64::from(id.get()))
    .bind(org_key(org))
    .fetch_optional(conn)
    .await?;
    row.map(classification_of).transpose()
}

/// Every classification of the organisation, by name.
pub async fn classifications(conn: &mut Conn, org: OrgId) -> Result<Vec<Classification>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, settings FROM access_token_classifications WHERE org_id = ? ORDER BY name, id",
    )
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(classification_of).collect()
}

/// Whether the organisation has a classification of this name.
pub async fn classification_name_taken(conn: &mut Conn, org: OrgId, name: &str) -> Result<bool> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM access_token_classifications WHERE org_id = ? AND name = ?",
    )
    .bind(org_key(org))
    .bind(name)
    .fetch_optional(conn)
    .await?;
    Ok(taken.is_some())
}

/// Stores a checked classification (its id is ignored: the store gives one) and answers it with its id.
pub async fn insert_classification(
    conn: &mut Conn,
    org: OrgId,
    classification: &Classification,
    now: Timestamp,
) -> Result<Classification> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_token_classifications (org_id, name, settings, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(classification.name())
    .bind(settings_text(classification.credentials()))
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?;
    Ok(Classification::new(
        ClassificationId::from_i64(id)?,
        classification.name(),
        *classification.credentials(),
    )?)
}
