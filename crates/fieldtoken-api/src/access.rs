//! CRM.COM access tokens, their definitions and classifications, accounts receivable and rewards participants.
//!
//! The life cycle states, code sources and automatic outcomes are enums here, so the schema lists their values;
//! conversions from the core's types are beside them, so the MDM never spells a value twice.

use fieldtoken_core::access as core;
use serde::{Deserialize, Deserializer, Serialize};

use crate::Time;

/// The life cycle state of an access token (seed 002). Only `effective` tokens sign in.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LifeCycleState {
    /// 'Effective': the token signs in.
    Effective,
    /// 'Not Effective': the token does not sign in.
    NotEffective,
    /// 'Pending Verification': the token waits for its verification code.
    PendingVerification,
}

impl From<core::LifeCycleState> for LifeCycleState {
    fn from(state: core::LifeCycleState) -> LifeCycleState {
        match state {
            core::LifeCycleState::Effective => LifeCycleState::Effective,
            core::LifeCycleState::NotEffective => LifeCycleState::NotEffective,
            core::LifeCycleState::PendingVerification => LifeCycleState::PendingVerification,
        }
    }
}

impl From<LifeCycleState> for core::LifeCycleState {
    fn from(state: LifeCycleState) -> core::LifeCycleState {
        match state {
            LifeCycleState::Effective => core::LifeCycleState::Effective,
            LifeCycleState::NotEffective => core::LifeCycleState::NotEffective,
            LifeCycleState::PendingVerification => core::LifeCycleState::PendingVerification,
        }
    }
}

/// Who created and last changed a token, and when.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessTokenLog {
    /// When it was created.
    pub created_at: Time,
    /// Who created it.
    pub created_by: String,
    /// When it last changed.
    pub updated_at: Time,
    /// Who last changed it.
    pub updated_by: String,
}

/// Verification information (seed 002). `code` is the code that verified the token, shown once it is verified.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessTokenVerification {
    /// When it was verified; `null` until then.
    #[serde(default)]
    pub verified_on: Option<Time>,
    /// Who verified it; `null` until then.
    #[serde(default)]
    pub verified_by: Option<String>,
    /// The code that verified it; `null` until then.
    #[serde(default)]
    pub code: Option<String>,
}

/// An access token as the API shows it. Never its pass code nor its hash: `has_pass_code` says whether one is set.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessToken {
    /// The token's number in its organisation: its id in paths.
    pub number: u32,
    /// The code that identifies it at sign-in.
    pub authentication_code: String,
    /// Who it identifies, when it has an identifier.
    #[serde(default)]
    pub identifier: Option<String>,
    /// Whether a pass code is set.
    pub has_pass_code: bool,
    /// Its life cycle state.
    pub state: LifeCycleState,
    /// The state in the seed's words: 'Effective', 'Not Effective', 'Pending Verification'.
    pub state_label: String,
    /// Its accounts receivable.
    #[serde(default)]
    pub accounts_receivable_id: Option<u32>,
    /// Its rewards participant.
    #[serde(default)]
    pub rewards_participant_id: Option<u32>,
    /// Its classification (set only when it is created).
    #[serde(default)]
    pub classification_id: Option<u32>,
    /// Log information.
    pub log: AccessTokenLog,
    /// Verification information.
    pub verification: AccessTokenVerification,
}

/// An access token with the secrets this answer shows once.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessTokenWithSecrets {
    /// The token.
    #[serde(flatten)]
    pub token: AccessToken,
    /// A generated pass code, shown this once (create, edit, reset-pass-code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_code: Option<String>,
    /// A new verification code to send to the operator (create, reset-verification-code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_code: Option<String>,
}

/// The query of `GET /api/v1/access-tokens`: `state` filters, `q` searches identifiers, `cursor` is the `next` of
/// the page before.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AccessTokenQuery {
    /// Only tokens in this state (empty: every state).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(schema_with = state_filter_schema))]
    pub state: Option<String>,
    /// Part of the identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// The `next` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(pattern = "^(0*[1-9][0-9]{0,17})?$"))]
    pub cursor: Option<String>,
    /// How many on a page: 50 when left out; fewer than 1 reads as 1, more than 200 as 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0))]
    pub limit: Option<u32>,
}

/// The schema of [`AccessTokenQuery::state`]: a life cycle state, or empty for every state.
#[cfg(feature = "openapi")]
fn state_filter_schema() -> utoipa::openapi::Object {
    let states = core::LifeCycleState::ALL.map(core::LifeCycleState::as_str);
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some("A life cycle state, or empty for every state."))
        .enum_values(Some(std::iter::once("").chain(states)))
        .build()
}

/// `POST /api/v1/access-tokens` body: the "new access token" screen. Generated fields are left out.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccessToken {
    /// A typed authentication code, when the settings let people type one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_code: Option<String>,
    /// A typed identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// A typed pass code, when the settings do not generate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_code: Option<String>,
    /// Its accounts receivable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 4294967295.0))]
    pub accounts_receivable_id: Option<u32>,
    /// Its rewards participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 4294967295.0))]
    pub rewards_participant_id: Option<u32>,
    /// Its classification, whose settings then apply instead of the active definition's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 4294967295.0))]
    pub classification_id: Option<u32>,
}

/// `PATCH /api/v1/access-tokens/{id}` body: the "edit access token" screen. A field left out is unchanged;
/// `identifier: null` removes the identifier (and the pass code). The accounts receivable, rewards participant and
/// classification may be sent back unchanged, never changed (`association_locked`, `classification_locked`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessTokenEdit {
    /// A new authentication code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_code: Option<String>,
    /// A new identifier; `null` removes it.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    pub identifier: Option<Option<String>>,
    /// A new pass code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_code: Option<String>,
    /// The accounts receivable, unchanged.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 4294967295.0)
    )]
    pub accounts_receivable_id: Option<Option<u32>>,
    /// The rewards participant, unchanged.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 4294967295.0)
    )]
    pub rewards_participant_id: Option<Option<u32>>,
    /// The classification, unchanged.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 4294967295.0)
    )]
    pub classification_id: Option<Option<u32>>,
}

/// `Some(None)` for an explicit `null`, `Some(Some(v))` for a value; a missing field stays `None` (serde default).
fn explicit<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `POST /api/v1/access-tokens/{id}/verify` body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyAccessToken {
    /// The code that was sent to the operator.
    pub verification_code: String,
}

/// How an identifier or authentication code is made: generated (`auto_number`, `auto_id`) or typed in a format
/// (`email`, `number`, `free_text`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeSource {
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

impl CodeSource {
    /// Every source, in the seed's order.
    pub const ALL: [CodeSource; 5] = [
        CodeSource::AutoNumber,
        CodeSource::AutoId,
        CodeSource::Email,
        CodeSource::Number,
        CodeSource::FreeText,
    ];

    /// The core's source.
    pub fn to_core(self) -> core::CodeSource {
        match self {
            CodeSource::AutoNumber => core::CodeSource::AutoNumber,
            CodeSource::AutoId => core::CodeSource::AutoId,
            CodeSource::Email => core::CodeSource::Entered(core::TextFormat::Email),
            CodeSource::Number => core::CodeSource::Entered(core::TextFormat::Number),
            CodeSource::FreeText => core::CodeSource::Entered(core::TextFormat::FreeText),
        }
    }
}

impl From<core::CodeSource> for CodeSource {
    fn from(source: core::CodeSource) -> CodeSource {
        match source {
            core::CodeSource::AutoNumber => CodeSource::AutoNumber,
            core::CodeSource::AutoId => CodeSource::AutoId,
            core::CodeSource::Entered(core::TextFormat::Email) => CodeSource::Email,
            core::CodeSource::Entered(core::TextFormat::Number) => CodeSource::Number,
            core::CodeSource::Entered(core::TextFormat::FreeText) => CodeSource::FreeText,
        }
    }
}

/// The settings of an identifier or authentication code. Counts left out are 0.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CredentialFieldSettings {
    /// How it is made.
    pub source: CodeSource,
    /// The fewest characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub min_length: u8,
    /// The fewest letters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub min_letters: u8,
    /// The fewest digits.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub min_digits: u8,
    /// The fewest special characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub min_special: u8,
    /// Whether every token needs one (ignored for the authentication code, which every token has).
    #[serde(default)]
    pub mandatory: bool,
}

impl From<&core::FieldSettings> for CredentialFieldSettings {
    fn from(field: &core::FieldSettings) -> CredentialFieldSettings {
        CredentialFieldSettings {
            source: field.source.into(),
            min_length: field.rules.min_length,
            min_letters: field.rules.min_letters,
            min_digits: field.rules.min_digits,
            min_special: field.rules.min_special,
            mandatory: field.mandatory,
        }
    }
}

impl CredentialFieldSettings {
    /// The core's settings (checked together by [`CredentialSettings::to_core`]).
    pub fn to_core(&self) -> core::FieldSettings {
        core::FieldSettings {
            source: self.source.to_core(),
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

/// The pass code settings. Counts left out are 0.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PassCodeSettings {
    /// Whether the system generates pass codes (then they cannot be typed).
    pub generated: bool,
    /// The fewest characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub min_length: u8,
    /// The fewest letters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub min_letters: u8,
    /// The fewest digits.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub min_digits: u8,
    /// The fewest special characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub min_special: u8,
    /// Whether every token needs one.
    #[serde(default)]
    pub mandatory: bool,
}

impl From<&core::PassCodeSettings> for PassCodeSettings {
    fn from(p: &core::PassCodeSettings) -> PassCodeSettings {
        PassCodeSettings {
            generated: p.generated,
            min_length: p.rules.min_length,
            min_letters: p.rules.min_letters,
            min_digits: p.rules.min_digits,
            min_special: p.rules.min_special,
            mandatory: p.mandatory,
        }
    }
}

impl PassCodeSettings {
    /// The core's settings (checked together by [`CredentialSettings::to_core`]).
    pub fn to_core(&self) -> core::PassCodeSettings {
        core::PassCodeSettings {
            generated: self.generated,
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

fn rules(min_length: u8, min_letters: u8, min_digits: u8, min_special: u8) -> core::CharacterRules {
    core::CharacterRules {
        min_length,
        min_letters,
        min_digits,
        min_special,
    }
}

/// Format settings of a definition or a classification. Answers carry every part; in a request, a part left out
/// (or `null`) takes the core's default (`CredentialSettings::default`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "SettingsParts")]
pub struct CredentialSettings {
    /// Identifier settings.
    #[cfg_attr(feature = "openapi", schema(required = false, nullable))]
    pub identifier: CredentialFieldSettings,
    /// Pass code settings.
    #[cfg_attr(feature = "openapi", schema(required = false, nullable))]
    pub pass_code: PassCodeSettings,
    /// Authentication code settings.
    #[cfg_attr(feature = "openapi", schema(required = false, nullable))]
    pub authentication_code: CredentialFieldSettings,
}

/// [`CredentialSettings`] as a request may send it: any part left out or `null`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsParts {
    #[serde(default)]
    identifier: Option<CredentialFieldSettings>,
    #[serde(default)]
    pass_code: Option<PassCodeSettings>,
    #[serde(default)]
    authentication_code: Option<CredentialFieldSettings>,
}

impl From<SettingsParts> for CredentialSettings {
    fn from(parts: SettingsParts) -> CredentialSettings {
        let defaults = CredentialSettings::default();
        CredentialSettings {
            identifier: parts.identifier.unwrap_or(defaults.identifier),
            pass_code: parts.pass_code.unwrap_or(defaults.pass_code),
            authentication_code: parts
                .authentication_code
                .unwrap_or(defaults.authentication_code),
        }
    }
}

/// The core's defaults.
impl Default for CredentialSettings {
    fn default() -> CredentialSettings {
        CredentialSettings::from(&core::CredentialSettings::default())
    }
}

impl From<&core::CredentialSettings> for CredentialSettings {
    fn from(settings: &core::CredentialSettings) -> CredentialSettings {
        CredentialSettings {
            identifier: settings.identifier().into(),
            pass_code: settings.pass_code().into(),
            authentication_code: settings.authentication_code().into(),
        }
    }
}

impl CredentialSettings {
    /// The core's settings, checked (`bad_definition` when they cannot be met).
    pub fn to_core(&self) -> fieldtoken_core::Result<core::CredentialSettings> {
        core::CredentialSettings::new(
            self.identifier.to_core(),
            self.pass_code.to_core(),
            self.authentication_code.to_core(),
        )
    }
}

/// An access token definition: the organisation's rules for its tokens. One is active at a time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessTokenDefinition {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// Whether it is the active definition.
    pub active: bool,
    /// Its format settings.
    pub settings: CredentialSettings,
    /// Whether tokens may have neither identifier nor pass code.
    pub allow_without_identifier_and_pass_code: bool,
    /// Whether removing a token's last association sets it 'Not Effective'.
    pub not_effective_on_last_removal: bool,
    /// Whether new tokens wait 'Pending Verification' for their verification code.
    pub requires_verification: bool,
    /// When it was created.
    pub created_at: Time,
}

/// `POST /api/v1/access-token-definitions` body. `active` (default true) makes it the active definition,
/// deactivating the one before; the flags default to the core's (allow tokens without identifier and pass code,
/// no automatic 'Not Effective', no verification).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccessTokenDefinition {
    /// Its name, unique in the organisation.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
    /// Its format settings.
    #[serde(default)]
    pub settings: CredentialSettings,
    /// Whether it becomes the active definition (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_without_identifier_and_pass_code: Option<bool>,
    /// Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_effective_on_last_removal: Option<bool>,
    /// Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_verification: Option<bool>,
}

/// A classification: format settings for the tokens created with it, instead of the active definition's.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessTokenClassification {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// Its format settings.
    pub settings: CredentialSettings,
}

/// `POST /api/v1/access-token-classifications` body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccessTokenClassification {
    /// Its name, unique in the organisation.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
    /// Its format settings.
    #[serde(default)]
    pub settings: CredentialSettings,
}

/// An accounts receivable or a rewards participant.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// A rewards participant's accounts receivable (absent for an accounts receivable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts_receivable_id: Option<u32>,
    /// Whether it is terminated.
    pub terminated: bool,
    /// When it was terminated; `null` while it is not.
    #[serde(default)]
    pub terminated_at: Option<Time>,
    /// When it was created.
    pub created_at: Time,
}

/// `POST /api/v1/accounts-receivable` body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccountsReceivable {
    /// Its name.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
}

/// `POST /api/v1/rewards-participants` body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRewardsParticipant {
    /// Its name.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
    /// The accounts receivable it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 1, maximum = 4294967295.0))]
    pub accounts_receivable_id: u32,
}

/// What an automatic step did to a token's state.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AutomaticStep {
    /// The token was set 'Not Effective'.
    SetNotEffective,
    /// The state was kept (see the reason).
    Unchanged,
}

/// Why an automatic step kept a token's state.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeptReason {
    /// The active definition does not set tokens 'Not Effective' on removing the last association.
    DefinitionDisabled,
    /// The token is still linked to another accounts receivable or rewards participant.
    OtherAssociation,
    /// 'Pending Verification' is never switched to 'Not Effective'.
    PendingVerification,
    /// The token was 'Not Effective' already.
    AlreadyNotEffective,
}

/// What the automatic 'Not Effective' (seed 002) did to a token: `set_not_effective`, or `unchanged` with the
/// reason.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AutomaticOutcome {
    /// What it did.
    pub outcome: AutomaticStep,
    /// Why the state was kept (only with `unchanged`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<KeptReason>,
}

impl From<core::Automatic> for AutomaticOutcome {
    fn from(outcome: core::Automatic) -> AutomaticOutcome {
        match outcome {
            core::Automatic::SetNotEffective => AutomaticOutcome {
                outcome: AutomaticStep::SetNotEffective,
                reason: None,
            },
            core::Automatic::Unchanged(reason) => AutomaticOutcome {
                outcome: AutomaticStep::Unchanged,
                reason: Some(match reason {
                    core::KeptReason::DefinitionDisabled => KeptReason::DefinitionDisabled,
                    core::KeptReason::OtherAssociation => KeptReason::OtherAssociation,
                    core::KeptReason::PendingVerification => KeptReason::PendingVerification,
                    core::KeptReason::AlreadyNotEffective => KeptReason::AlreadyNotEffective,
                }),
            },
        }
    }
}

/// What terminating an accounts receivable did to one of its tokens.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TerminationOutcome {
    /// What the automatic 'Not Effective' did.
    #[serde(flatten)]
    pub automatic: AutomaticOutcome,
    /// The token's number.
    pub number: u32,
    /// The token's state afterwards.
    pub state: LifeCycleState,
}

/// A terminated accounts receivable, with what the automatic 'Not Effective' did to each linked token.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TerminatedAccountsReceivable {
    /// The accounts receivable.
    #[serde(flatten)]
    pub party: Party,
    /// Its tokens, by number.
    pub access_tokens: Vec<TerminationOutcome>,
}

/// A token after a link was removed, with what the automatic 'Not Effective' did.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnlinkedAccessToken {
    /// The token.
    #[serde(flatten)]
    pub token: AccessToken,
    /// What the automatic 'Not Effective' did.
    pub automatic: AutomaticOutcome,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_core_and_parts_left_out_take_its_defaults() {
        let defaults = core::CredentialSettings::default();
        let wire = CredentialSettings::from(&defaults);
        assert_eq!(wire.to_core().unwrap(), defaults);
        let read: CredentialSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(read, wire);
        let read: CredentialSettings =
            serde_json::from_str(r#"{ "identifier": null, "pass_code": { "generated": false } }"#)
                .unwrap();
        assert_eq!(read.identifier, wire.identifier);
        assert!(!read.pass_code.generated);
        assert!(serde_json::from_str::<CredentialSettings>(r#"{ "colour": 1 }"#).is_err());
        let text = serde_json::to_value(wire).unwrap();
        assert!(text["identifier"]["source"].is_string(), "{text}");
        assert!(text["pass_code"]["generated"].is_boolean(), "{text}");
    }

    #[test]
    fn an_edit_tells_null_from_left_out() {
        let edit: AccessTokenEdit =
            serde_json::from_str(r#"{ "identifier": null, "classification_id": 3 }"#).unwrap();
        assert_eq!(edit.identifier, Some(None));
        assert_eq!(edit.classification_id, Some(Some(3)));
        assert_eq!(edit.accounts_receivable_id, None);
        assert_eq!(
            serde_json::to_value(&edit).unwrap(),
            serde_json::json!({ "identifier": null, "classification_id": 3 })
        );
    }

    #[test]
    fn automatic_outcomes_name_their_reason_only_when_kept() {
        let kept = AutomaticOutcome::from(core::Automatic::Unchanged(
            core::KeptReason::OtherAssociation,
        ));
        assert_eq!(
            serde_json::to_value(kept).unwrap(),
            serde_json::json!({ "outcome": "unchanged", "reason": "other_association" })
        );
        assert_eq!(
            serde_json::to_value(AutomaticOutcome::from(core::Automatic::SetNotEffective)).unwrap(),
            serde_json::json!({ "outcome": "set_not_effective" })
        );
    }
}
