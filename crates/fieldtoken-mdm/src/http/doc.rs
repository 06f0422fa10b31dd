//! The frame of the OpenAPI document (title, security, tags) and the refusal answers routes document. The
//! operations themselves come from the handlers' `#[utoipa::path]` through the router (see [`super::router`]),
//! and the schemas from `fieldtoken_api`'s types, so the document cannot drift from the code.

use std::collections::BTreeMap;

use fieldtoken_api::ErrorBody;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

/// The document's frame.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "fieldtoken MDM",
        description = "The reference MDM of fieldtoken: action tokens, devices, fleets, the offline bundle, \
            exactly-once sync, custom roles, signing keys, access tokens and operator sign-in. Authenticate with \
            `Authorization: Bearer <API token>`. No or a bad token is 401 `unauthenticated`; a valid token without \
            the permission an endpoint names is 403 `forbidden`. Every error is \
            `{ \"error\": { \"code\", \"message\" } }` with a code from one closed list; too many sync requests or \
            failed attempts with a token or code from one client are 429 `rate_limited` with `Retry-After` \
            (seconds)."
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "server", description = "Health and this document"),
        (name = "action-tokens", description = "Action tokens: what a scan does to a device"),
        (name = "organisation", description = "Fleets, devices, API tokens, the audit log"),
        (name = "roles", description = "Custom roles, users, and API tokens that act for a user within its role"),
        (name = "signing-keys", description = "The organisation's Ed25519 keys: rotation and retirement"),
        (name = "access-tokens", description = "CRM.COM access tokens: operators' credentials, their definitions, \
            classifications and linked parties"),
        (name = "operators", description = "Operators sign in to the PWA with an access token"),
        (name = "phones", description = "What the PWA needs offline, and the upload of its queue"),
    ),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`ftk_` and 64 hex digits); the admin UI's session is one too.",
                    ))
                    .build(),
            ),
        );
    }
}

fn refusal(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    ErrorBody::name(),
                ))))
                .build(),
        )
        .into()
}

macro_rules! refusals {
    ($($(#[$doc:meta])* $name:ident = [$($status:literal: $description:literal),* $(,)?];)*) => {$(
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                BTreeMap::from([$(($status.to_owned(), refusal($description)),)*])
            }
        }
    )*};
}

refusals! {
    /// What any request may meet whatever the endpoint: a limit, or a database that cannot answer.
    Always = [
        "429": "Too many requests or failed guesses from this client: try again after `Retry-After` seconds",
        "503": "The server cannot answer now (database, sealed keys); nothing was changed",
    ];
    /// An endpoint that needs a bearer token and a permission.
    Guarded = [
        "401": "No token, or a token that is not (or no longer) valid",
        "403": "The token lacks the permission this endpoint needs",
    ];
    /// An endpoint with an id in its path.
    ById = [
        "400": "The id is not an id (1 to 4294967295)",
        "404": "Nothing with this id in the caller's organisation",
    ];
    /// An endpoint that reads a JSON body.
    WithBody = [
        "400": "The body is not JSON",
        "413": "The body is larger than the server reads",
        "415": "The body is not sent as application/json",
        "422": "The body is not of this shape, or a value breaks a rule",
    ];
    /// An endpoint whose change the current state may refuse.
    Stateful = [
        "409": "The current state refuses this change",
    ];
    /// An endpoint whose request names something that was good once and is no longer.
    Gone = [
        "410": "What the request names was good once and is no longer (an expired code)",
    ];
    /// An endpoint with query parameters.
    WithQuery = [
        "400": "A query parameter is not of its type",
    ];
}

/// Says in the document what the `Query` extractor refuses (400 `bad_query`): no query parameter's text holds the
/// NUL character. Every string query parameter without a pattern of its own gets one, so that clients (and
/// Schemathesis) read the rule where they read the parameter.
pub fn no_nul_in_query_texts(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in != ParameterIn::Query {
                    continue;
                }
                let Some(RefOr::T(Schema::Object(object))) = &mut parameter.schema else {
                    continue;
                };
                let text = match &object.schema_type {
                    SchemaType::Type(kind) => *kind == Type::String,
                    SchemaType::Array(kinds) => kinds.contains(&Type::String),
                    SchemaType::AnyValue => false,
                };
                if text && object.pattern.is_none() {
                    object.pattern = Some("^[^\\u0000]*$".to_owned());
                }
            }
        }
    }
}
