//! Access token definitions and classifications over HTTP: their format settings on the wire, in storage, and as
//! the core's types. The core checks that settings can be met (`bad_definition`); the store keeps one active
//! definition per organisation (a partial unique index), and activating one deactivates the others in the same
//! transaction.
//!
//! | method and path | permission |
//! |---|---|
//! | `GET /api/v1/access-token-definitions` | `fms.accesstoken.read` |
//! | `POST /api/v1/access-token-definitions` | `fms.accesstoken.create` |
//! | `POST /api/v1/access-token-definitions/{id}/activate` | `fms.accesstoken.update` |
//! | `GET /api/v1/access-token-classifications` | `fms.accesstoken.read` |
//! | `POST /api/v1/access-token-classifications` | `fms.accesstoken.create` |

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_core::access::{
    AccessTokenDefinition, AccessTokenDefinitionId, CharacterRules, Classification,
    ClassificationId, CodeSource, CredentialSettings, FieldSettings, PassCodeSettings, TextFormat,
};
use fieldtoken_core::{OrgId, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::SqliteConnection;

use crate::access::{AccessCreate, AccessRead, AccessUpdate, Items, access_error};
use crate::auth::Authorized;
use crate::clock::{now, rfc3339};
use crate::http::extract::{Body, IdPath};
use crate::store;
use crate::store::audit::Actor;
use crate::{ApiError, AppState};

/// How an identifier or authentication code is made: generated (`auto_number`, `auto_id`) or typed in a format
/// (`email`, `number`, `free_text`).
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum WireSource {
    /// The token's number, zero-padded to the minimum length.
    AutoNumber,
    /// Random characters meeting the rules.
    AutoId,
    /// A typed email address.
    Email,
    /// Typed digits.
    Number,
    /// Typed text.
    FreeText,
}

impl WireSource {
    fn of(source: CodeSource) -> WireSource {
        match source {
            CodeSource::AutoNumber => WireSource::AutoNumber,
            CodeSource::AutoId => WireSource::AutoId,
            CodeSource::Entered(TextFormat::Email) => WireSource::Email,
            CodeSource::Entered(TextFormat::Number) => WireSource::Number,
            CodeSource::Entered(TextFormat::FreeText) => WireSource::FreeText,
        }
    }

    fn source(self) -> CodeSource {
        match self {
            WireSource::AutoNumber => CodeSource::AutoNumber,
            WireSource::AutoId => CodeSource::AutoId,
            WireSource::Email => CodeSource::Entered(TextFormat::Email),
            WireSource::Number => CodeSource::Entered(TextFormat::Number),
            WireSource::FreeText => CodeSource::Entered(TextFormat::FreeText),
        }
    }
}

/// The settings of an identifier or authentication code on the wire. Counts default to 0.
#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
#[serde(deny_unknown_fields)]
pub struct WireField {
    /// How it is made.
    pub source: WireSource,
    /// The fewest characters.
    #[serde(default)]
    pub min_length: u8,
    /// The fewest letters.
    #[serde(default)]
    pub min_letters: u8,
    /// The fewest digits.
    #[serde(default)]
    pub min_digits: u8,
    /// The fewest special characters.
    #[serde(default)]
    pub min_special: u8,
    /// Whether every token needs one (ignored for the authentication code, which always does).
    #[serde(default)]
    pub mandatory: bool,
}

impl WireField {
    fn of(field: &FieldSettings) -> WireField {
        WireField {
            source: WireSource::of(field.source),
            min_length: field.rules.min_length,
            min_letters: field.rules.min_letters,
            min_digits: field.rules.min_digits,
            min_special: field.rules.min_special,
            mandatory: field.mandatory,
        }
    }

    fn settings(&self) -> FieldSettings {
        FieldSettings {
            source: self.source.source(),
            rules: rules(
                self.min_length,
                self.min_letters,
                self.min_digits,
                self.min_special,
            ),
            mandatory: self.mandatory,
        }
    }
}

/// The pass code settings on the wire.
#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
#[serde(deny_unknown_fields)]
pub struct WirePassCode {
    /// Whether the system generates pass codes (then they cannot be typed).
    pub generated: bool,
    /// The fewest characters.
    #[serde(default)]
    pub min_length: u8,
    /// The fewest letters.
    #[serde(default)]
    pub min_letters: u8,
    /// The fewest digits.
    #[serde(default)]
    pub min_digits: u8,
    /// The fewest special characters.
    #[serde(default)]
    pub min_special: u8,
    /// Whether every token needs one.
    #[serde(default)]
    pub mandatory: bool,
}

fn rules(min_length: u8, min_letters: u8, min_digits: u8, min_special: u8) -> CharacterRules {
    CharacterRules {
        min_length,
        min_letters,
        min_digits,
        min_special,
    }
}

/// Format settings on the wire; a part left out takes the core's default (`CredentialSettings::default`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct WireSettings {
    /// Identifier settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<WireField>,
    /// Pass code settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_code: Option<WirePassCode>,
    /// Authentication code settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_code: Option<WireField>,
}

impl WireSettings {
    /// The wire form of checked settings, every part present.
    pub fn of(settings: &CredentialSettings) -> WireSettings {
        let p = settings.pass_code();
        WireSettings {
            identifier: Some(WireField::of(settings.identifier())),
            pass_code: Some(WirePassCode {
                generated: p.generated,
                min_length: p.rules.min_length,
                min_letters: p.rules.min_letters,
                min_digits: p.rules.min_digits,
                min_special: p.rules.min_special,
                mandatory: p.mandatory,
            }),
            authentication_code: Some(WireField::of(settings.authentication_code())),
        }
    }

    /// The core's settings, checked (`bad_definition` when they cannot be met).
    pub fn settings(&self) -> Result<CredentialSettings, fieldtoken_core::Error> {
        let defaults = CredentialSettings::default();
        let pass_code = self
            .pass_code
            .map_or(*defaults.pass_code(), |p| PassCodeSettings {
                generated: p.generated,
                rules: rules(p.min_length, p.min_letters, p.min_digits, p.min_special),
                mandatory: p.mandatory,
            });
        CredentialSettings::new(
            self.identifier
                .map_or(*defaults.identifier(), |f| f.settings()),
            pass_code,
            self.authentication_code
                .map_or(*defaults.authentication_code(), |f| f.settings()),
        )
    }
}

/// Stored settings (always written by [`WireSettings::of`]); anything else is a damaged row, not bad input: 503
/// like a value that does not unseal, for the operator to look at.
fn stored_settings(text: &str) -> Result<CredentialSettings, ApiError> {
    let damaged = || {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "damaged_row",
            "stored access token settings cannot be read",
        )
    };
    let wire: WireSettings = serde_json::from_str(text).map_err(|_| damaged())?;
    wire.settings().map_err(|_| damaged())
}

fn settings_text(settings: &CredentialSettings) -> String {
    serde_json::to_string(&WireSettings::of(settings)).expect("settings serialize")
}

/// A definition as the API shows it.
#[derive(Serialize, Debug)]
pub struct DefinitionJson {
    id: u32,
    name: String,
    active: bool,
    settings: WireSettings,
    allow_without_identifier_and_pass_code: bool,
    not_effective_on_last_removal: bool,
    requires_verification: bool,
    created_at: String,
}

/// `POST /api/v1/access-token-definitions` body. `active` (default true) makes it the active definition,
/// deactivating the one before; the flags default to the core's (allow tokens without identifier and pass code,
/// no automatic 'Not Effective', no verification).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDefinition {
    name: String,
    #[serde(default)]
    settings: WireSettings,
    active: Option<bool>,
    allow_without_identifier_and_pass_code: Option<bool>,
    not_effective_on_last_removal: Option<bool>,
    requires_verification: Option<bool>,
}

type DefinitionRow = (i64, String, i64, String, i64, i64, i64, i64);
const DEFINITION_COLUMNS: &str = "id, name, active, settings, allow_without_identifier_and_pass_code, \
     not_effective_on_last_removal, requires_verification, created_at";

fn definition_of_row(row: &DefinitionRow) -> Result<(AccessTokenDefinition, Timestamp), ApiError> {
    let (id, name, active, settings, allow, last_removal, verification, created) = row;
    let definition = AccessTokenDefinition::new(
        AccessTokenDefinitionId::from_i64(*id)?,
        name,
        stored_settings(settings)?,
    )?
    .with_active(*active != 0)
    .with_allow_without_identifier_and_pass_code(*allow != 0)
    .with_not_effective_on_last_removal(*last_removal != 0)
    .with_requires_verification(*verification != 0);
    Ok((definition, Timestamp::from_millis(*created)))
}

fn definition_json(definition: &AccessTokenDefinition, created_at: Timestamp) -> DefinitionJson {
    DefinitionJson {
        id: definition.id().get(),
        name: definition.name().to_owned(),
        active: definition.is_active(),
        settings: WireSettings::of(definition.credentials()),
        allow_without_identifier_and_pass_code: definition.allow_without_identifier_and_pass_code(),
        not_effective_on_last_removal: definition.not_effective_on_last_removal(),
        requires_verification: definition.requires_verification(),
        created_at: rfc3339(created_at),
    }
}

/// The organisation's active definition; 409 `no_active_definition` when none is (the core's words).
pub async fn active_definition(
    conn: &mut SqliteConnection,
    org: OrgId,
) -> Result<AccessTokenDefinition, ApiError> {
    let rows: Vec<DefinitionRow> = sqlx::query_as(&format!(
        "SELECT {DEFINITION_COLUMNS} FROM access_token_definitions WHERE org_id = ? AND active = 1"
    ))
    .bind(i64::from(org.get()))
    .fetch_all(conn)
    .await?;
    let definitions = rows
        .iter()
        .map(|row| definition_of_row(row).map(|(d, _)| d))
        .collect::<Result<Vec<_>, _>>()?;
    // The core says which one is active, and names the fault when the store holds none (or, impossibly, several).
    fieldtoken_core::access::active_definition(&definitions)
        .cloned()
        .map_err(access_error)
}

/// The active definition for the automatic 'Not Effective' steps, which never refuse: with no active definition,
/// nothing enables "Set Access Tokens as 'Not Effective' on removing the last entity association", so a stand-in
/// with that setting off lets the core keep the state (`definition_disabled`).
pub async fn active_definition_or_none(
    conn: &mut SqliteConnection,
    org: OrgId,
) -> Result<AccessTokenDefinition, ApiError> {
    match active_definition(conn, org).await {
        Err(e) if e.code() == "no_active_definition" => Ok(AccessTokenDefinition::new(
            AccessTokenDefinitionId::new(u32::MAX)?,
            "none active",
            CredentialSettings::default(),
        )?
        .with_not_effective_on_last_removal(false)),
        other => other,
    }
}

/// A classification of the organisation; 404 when there is none with this id.
pub async fn classification(
    conn: &mut SqliteConnection,
    org: OrgId,
    id: ClassificationId,
) -> Result<Classification, ApiError> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, settings FROM access_token_classifications WHERE id = ? AND org_id = ?",
    )
    .bind(i64::from(id.get()))
    .bind(i64::from(org.get()))
    .fetch_optional(conn)
    .await?;
    let (id, name, settings) = row.ok_or_else(|| ApiError::not_found("classification"))?;
    Ok(Classification::new(
        ClassificationId::from_i64(id)?,
        &name,
        stored_settings(&settings)?,
    )?)
}

async fn deactivate_all(conn: &mut SqliteConnection, org: OrgId) -> Result<(), ApiError> {
    sqlx::query("UPDATE access_token_definitions SET active = 0 WHERE org_id = ? AND active = 1")
        .bind(i64::from(org.get()))
        .execute(conn)
        .await?;
    Ok(())
}

fn name_taken(what: &str, name: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "name_taken",
        format!("a {what} named '{name}' already exists"),
    )
}

/// `GET /api/v1/access-token-definitions`: every definition, oldest first.
pub async fn list_definitions(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
) -> Result<Json<Items<DefinitionJson>>, ApiError> {
    let rows: Vec<DefinitionRow> = sqlx::query_as(&format!(
        "SELECT {DEFINITION_COLUMNS} FROM access_token_definitions WHERE org_id = ? ORDER BY id"
    ))
    .bind(i64::from(p.org.get()))
    .fetch_all(state.store.pool())
    .await?;
    let items = rows
        .iter()
        .map(|row| definition_of_row(row).map(|(d, at)| definition_json(&d, at)))
        .collect::<Result<_, _>>()?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/access-token-definitions` → 201 with the definition.
pub async fn create_definition(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<NewDefinition>,
) -> Result<(StatusCode, Json<DefinitionJson>), ApiError> {
    let settings = body.settings.settings().map_err(access_error)?;
    // A stand-in id: the core checks the name and settings before anything is written.
    let checked =
        AccessTokenDefinition::new(AccessTokenDefinitionId::new(1)?, &body.name, settings)
            .map_err(access_error)?;
    let active = body.active.unwrap_or(true);
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM access_token_definitions WHERE org_id = ? AND name = ?")
            .bind(i64::from(p.org.get()))
            .bind(checked.name())
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(name_taken("definition", checked.name()));
    }
    if active {
        deactivate_all(&mut tx, p.org).await?;
    }
    let row: DefinitionRow = sqlx::query_as(&format!(
        "INSERT INTO access_token_definitions (org_id, name, active, settings, allow_without_identifier_and_pass_code,
             not_effective_on_last_removal, requires_verification, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {DEFINITION_COLUMNS}"
    ))
    .bind(i64::from(p.org.get()))
    .bind(checked.name())
    .bind(i64::from(active))
    .bind(settings_text(&settings))
    .bind(i64::from(body.allow_without_identifier_and_pass_code.unwrap_or(true)))
    .bind(i64::from(body.not_effective_on_last_removal.unwrap_or(false)))
    .bind(i64::from(body.requires_verification.unwrap_or(false)))
    .bind(now.as_millis())
    .fetch_one(&mut *tx)
    .await?;
    let (definition, created) = definition_of_row(&row)?;
    let shown = definition_json(&definition, created);
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token_definition.create",
        &format!("access_token_definition/{}", definition.id()),
        json!(shown),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// `POST /api/v1/access-token-definitions/{id}/activate`: makes it the active definition (the one before is
/// deactivated in the same transaction).
pub async fn activate_definition(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    IdPath(id): IdPath,
) -> Result<Json<DefinitionJson>, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM access_token_definitions WHERE id = ? AND org_id = ?")
            .bind(id)
            .bind(i64::from(p.org.get()))
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_none() {
        return Err(ApiError::not_found("access token definition"));
    }
    deactivate_all(&mut tx, p.org).await?;
    let row: DefinitionRow = sqlx::query_as(&format!(
        "UPDATE access_token_definitions SET active = 1 WHERE id = ? RETURNING {DEFINITION_COLUMNS}"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let (definition, created) = definition_of_row(&row)?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token_definition.activate",
        &format!("access_token_definition/{id}"),
        json!({ "name": definition.name() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(definition_json(&definition, created)))
}

/// A classification as the API shows it.
#[derive(Serialize, Debug)]
pub struct ClassificationJson {
    id: u32,
    name: String,
    settings: WireSettings,
}

fn classification_json(c: &Classification) -> ClassificationJson {
    ClassificationJson {
        id: c.id().get(),
        name: c.name().to_owned(),
        settings: WireSettings::of(c.credentials()),
    }
}

/// `POST /api/v1/access-token-classifications` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewClassification {
    name: String,
    #[serde(default)]
    settings: WireSettings,
}

/// `GET /api/v1/access-token-classifications`
pub async fn list_classifications(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
) -> Result<Json<Items<ClassificationJson>>, ApiError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, settings FROM access_token_classifications WHERE org_id = ? ORDER BY name, id",
    )
    .bind(i64::from(p.org.get()))
    .fetch_all(state.store.pool())
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for (id, name, settings) in rows {
        let c = Classification::new(
            ClassificationId::from_i64(id)?,
            &name,
            stored_settings(&settings)?,
        )?;
        items.push(classification_json(&c));
    }
    Ok(Json(Items { items }))
}

/// `POST /api/v1/access-token-classifications` → 201.
pub async fn create_classification(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<NewClassification>,
) -> Result<(StatusCode, Json<ClassificationJson>), ApiError> {
    let settings = body.settings.settings().map_err(access_error)?;
    let checked = Classification::new(ClassificationId::new(1)?, &body.name, settings)
        .map_err(access_error)?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM access_token_classifications WHERE org_id = ? AND name = ?",
    )
    .bind(i64::from(p.org.get()))
    .bind(checked.name())
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        return Err(name_taken("classification", checked.name()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_token_classifications (org_id, name, settings, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(i64::from(p.org.get()))
    .bind(checked.name())
    .bind(settings_text(&settings))
    .bind(now.as_millis())
    .fetch_one(&mut *tx)
    .await?;
    let c = Classification::new(ClassificationId::from_i64(id)?, checked.name(), settings)?;
    let shown = classification_json(&c);
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token_classification.create",
        &format!("access_token_classification/{id}"),
        json!(shown),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(shown)))
}
