//! Operators' sessions: signing in to the PWA with an access token.

use serde::{Deserialize, Serialize};

use crate::Time;

/// `POST /api/v1/operator/session` body: `identifier` with `pass_code`, or `authentication_code` alone; `org`, the
/// organisation signed in to, required when the server holds several. Its schema states the two shapes (see the
/// `utoipa::PartialSchema` impl); any other combination is 422 `bad_sign_in`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct OperatorSignIn {
    /// The access token's identifier (with `pass_code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The access token's pass code (with `identifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_code: Option<String>,
    /// The access token's authentication code (alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_code: Option<String>,
    /// The organisation's id; required when the server holds several organisations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<u32>,
}

/// The two shapes of the sign-in credentials, each with a required `verification_code` when `verifying`.
#[cfg(feature = "openapi")]
fn credentials_schema(verifying: bool) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{
        AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
    };
    // Spaces around an identifier or a code are trimmed: it needs one other character.
    let trimmed = |description: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("\\S"))
            .description(Some(description))
    };
    let absent = || ObjectBuilder::new().schema_type(Type::Null);
    let org = || {
        ObjectBuilder::new()
            .schema_type(
                [Type::Integer, Type::Null]
                    .into_iter()
                    .collect::<utoipa::openapi::schema::SchemaType>(),
            )
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(0))
            .maximum(Some(4_294_967_295_i64))
            .description(Some(
                "The organisation's id; required when the server holds several organisations.",
            ))
    };
    let verification_code = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("\\S"))
            .description(Some("The verification code the operator was sent."))
    };
    let with_code = |shape: ObjectBuilder| {
        if verifying {
            shape
                .property("verification_code", verification_code())
                .required("verification_code")
        } else {
            shape
        }
    };
    let by_pass_code = ObjectBuilder::new()
        .title(Some("Identifier and pass code"))
        .property("identifier", trimmed("The access token's identifier."))
        .required("identifier")
        .property(
            "pass_code",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .description(Some("The access token's pass code.")),
        )
        .required("pass_code")
        .property("authentication_code", absent())
        .property("org", org())
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    let by_code = ObjectBuilder::new()
        .title(Some("Authentication code"))
        .property(
            "authentication_code",
            trimmed("The access token's authentication code."),
        )
        .required("authentication_code")
        .property("identifier", absent())
        .property("pass_code", absent())
        .property("org", org())
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    OneOfBuilder::new()
        .item(with_code(by_pass_code))
        .item(with_code(by_code))
        .description(Some(
            "An identifier with its pass code, or an authentication code alone; `org` names the \
                 organisation (required when the server holds several).",
        ))
        .into()
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for OperatorSignIn {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        credentials_schema(false)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for OperatorSignIn {}

/// `POST /api/v1/operator/verify` body: the sign-in's credentials (see [`OperatorSignIn`]) and the verification code
/// the operator was sent, which moves a 'Pending Verification' access token to 'Effective' and signs in.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct OperatorVerify {
    /// The access token's identifier (with `pass_code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The access token's pass code (with `identifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_code: Option<String>,
    /// The access token's authentication code (alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_code: Option<String>,
    /// The organisation's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<u32>,
    /// The verification code the operator was sent.
    pub verification_code: String,
}

impl OperatorVerify {
    /// The sign-in part, and the verification code.
    pub fn split(self) -> (OperatorSignIn, String) {
        (
            OperatorSignIn {
                identifier: self.identifier,
                pass_code: self.pass_code,
                authentication_code: self.authentication_code,
                org: self.org,
            },
            self.verification_code,
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for OperatorVerify {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        credentials_schema(true)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for OperatorVerify {}

/// The access token an operator signed in with.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionOperator {
    /// The access token's number.
    pub number: u32,
    /// Its identifier, when it has one.
    #[serde(default)]
    pub identifier: Option<String>,
}

/// The organisation a session belongs to.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionOrg {
    /// The organisation's id.
    pub id: u32,
}

/// An operator session: a bearer token with no permission (it reads the offline bundle and syncs), which ends when
/// it expires or when its access token stops being 'Effective'.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorSession {
    /// The bearer secret, shown this once.
    pub token: String,
    /// When the session ends at the latest.
    pub expires_at: Time,
    /// Who signed in.
    pub operator: SessionOperator,
    /// Where.
    pub org: SessionOrg,
}
