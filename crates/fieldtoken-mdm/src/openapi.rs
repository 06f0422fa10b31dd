//! `GET /api/openapi.json`: the API described as OpenAPI 3.1, generated at compile time with utoipa. The shapes here
//! are the documented wire contracts (`../shared/DESIGN.md`, "HTTP API"); the handlers' own types stay private to
//! their modules, and the tests check that every route the router has is described here.

// The schema types and operation functions are never built or called: they exist for their derived descriptions.
#![allow(dead_code)]

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

/// The document, built once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_json()
        .expect("the OpenAPI document serializes")
});

/// `GET /api/openapi.json`: no sign-in needed (it holds no data), cacheable for a short while.
pub async fn document() -> Response {
    let mut response = DOCUMENT.as_str().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// The OpenAPI description of the MDM's HTTP API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "fieldtoken MDM",
        description = "The reference MDM of fieldtoken: action tokens, devices, fleets, the offline bundle, \
            exactly-once sync, custom roles, signing keys, access tokens and operator sign-in. Authenticate with \
            `Authorization: Bearer <API token>`. No or a bad token is 401 `unauthenticated`; a valid token without \
            the permission an endpoint names is 403 `forbidden`. Every error is \
            `{ \"error\": { \"code\", \"message\" } }`; too many sync requests or failed attempts with a token \
            or code from one client are 429 `rate_limited` with `Retry-After` (seconds)."
    ),
    paths(
        health, openapi_json, me, list_action_tokens, create_action_token, get_action_token,
        delete_action_token, action_token_qr, fleets, devices, device, create_api_token, audit_log_csv,
        offline_bundle, sync, issue_enrolment_code, enrol,
        list_roles, create_role, edit_role, delete_role, list_users, create_user, edit_user, create_user_token,
        list_signing_keys, rotate_signing_key, retire_signing_key,
        list_access_tokens, create_access_token, get_access_token, edit_access_token, delete_access_token,
        set_access_token_effective, set_access_token_not_effective, reset_access_token_pass_code,
        reset_access_token_verification_code, verify_access_token, list_access_token_definitions,
        create_access_token_definition, activate_access_token_definition, list_access_token_classifications,
        create_access_token_classification, list_accounts_receivable, create_accounts_receivable,
        terminate_accounts_receivable, link_accounts_receivable, unlink_accounts_receivable,
        list_rewards_participants, create_rewards_participant, terminate_rewards_participant,
        link_rewards_participant, unlink_rewards_participant, operator_sign_in, operator_sign_out,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, Health, Me, Action, QrTexts, ActionToken, NewActionToken, ActionTokenPage,
        Fleet, FleetList, Device, DeviceList, NewApiToken, CreatedApiToken, OfflineBundle, SyncRequest,
        SyncRedemption, SyncResponse, SyncResult, EnrolmentCode, EnrolmentQr, EnrolRequest, EnrolledDevice,
        Role, RoleList, NewRole, RoleEdit, RoleRef, User, UserList, NewUser, UserEdit, NewUserToken, CreatedUserToken,
        SigningKey, SigningKeyList,
        AccessTokenLog, AccessTokenVerification, AccessToken, AccessTokenWithSecrets, AccessTokenPage,
        NewAccessToken, AccessTokenEdit, VerifyAccessToken, CredentialFieldSettings, PassCodeSettings,
        CredentialSettings, AccessTokenDefinition, AccessTokenDefinitionList, NewAccessTokenDefinition,
        AccessTokenClassification, AccessTokenClassificationList, NewAccessTokenClassification, Party, PartyList,
        NewAccountsReceivable, NewRewardsParticipant, AutomaticOutcome, TerminatedAccountsReceivable,
        UnlinkedAccessToken, OperatorSignIn, OperatorSession,
    )),
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

/// Every error: a stable `code` to branch on and a `message` for people.
#[derive(ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// The error's code and message.
#[derive(ToSchema)]
pub struct ErrorDetail {
    /// A stable word: `unauthenticated`, `forbidden`, `not_found`, `invalid_body`, `malformed_json`,
    /// `rate_limited`, a core rule's code, ...
    code: String,
    /// For people.
    message: String,
}

/// `GET /api/v1/health`.
#[derive(ToSchema)]
pub struct Health {
    /// `ok`.
    status: String,
    /// The core's version.
    version: String,
    /// `ok` when the database answers.
    database: String,
}

/// `GET /api/v1/me`: the token, its organisation and its permissions.
#[derive(ToSchema)]
pub struct Me {
    /// `{ "id", "name" }` of the API token.
    #[schema(value_type = Object)]
    token: Value,
    /// `{ "id", "name" }` of its organisation.
    #[schema(value_type = Object)]
    org: Value,
    /// Stable permission names, e.g. `fms.actiontoken.read`.
    permissions: Vec<String>,
}

/// What a token does.
#[derive(ToSchema)]
pub struct Action {
    /// `put_in_fleet`, `put_in_repair`, `put_in_stock` or `reset_certificate`.
    #[schema(rename = "type")]
    kind: String,
    /// The fleet, for `put_in_fleet` only.
    fleet_id: Option<u32>,
}

/// Both QR texts of a token.
#[derive(ToSchema)]
pub struct QrTexts {
    /// The new format: the signed deep link (`HTTPS://HOST/T/...`).
    new: String,
    /// The old format: the code.
    old: String,
}

/// An action token.
#[derive(ToSchema)]
pub struct ActionToken {
    id: u32,
    name: String,
    action: Action,
    /// RFC 3339, UTC.
    expires_at: String,
    /// `active` or `expired`.
    status: String,
    /// `XXXX-XXXX-XXXX-XXXX-C`.
    code: String,
    qr: QrTexts,
    /// RFC 3339, UTC.
    created_at: String,
}

/// `POST /api/v1/action-tokens` body (unknown fields are refused).
#[derive(ToSchema)]
pub struct NewActionToken {
    name: String,
    action: Action,
    /// RFC 3339 (any offset) or milliseconds since 1970.
    expires_at: String,
}

/// A page of action tokens, newest first.
#[derive(ToSchema)]
pub struct ActionTokenPage {
    items: Vec<ActionToken>,
    /// The cursor of the next page, when there is one.
    next: Option<String>,
}

/// A fleet.
#[derive(ToSchema)]
pub struct Fleet {
    id: u32,
    name: String,
}

/// `{ "items": [Fleet] }`
#[derive(ToSchema)]
pub struct FleetList {
    items: Vec<Fleet>,
}

/// A device.
#[derive(ToSchema)]
pub struct Device {
    id: u32,
    serial: String,
    /// `in_fleet`, `in_repair` or `in_stock`.
    state: String,
    /// Present when `in_fleet`.
    fleet_id: Option<u32>,
    /// Whether it has a certificate (an enrolled public key).
    enrolled: bool,
}

/// `{ "items": [Device] }`
#[derive(ToSchema)]
pub struct DeviceList {
    items: Vec<Device>,
}

/// `POST /api/v1/api-tokens` body.
#[derive(ToSchema)]
pub struct NewApiToken {
    name: String,
    /// Stable names; only permissions the caller holds.
    permissions: Vec<String>,
}

/// A new API token; the secret is shown this once.
#[derive(ToSchema)]
pub struct CreatedApiToken {
    id: i64,
    token: String,
}

/// The offline bundle: `version`, `org`, `generated_at`, `keys` (Ed25519 public keys by key id), `directory` (keyed
/// hashes of codes), `deleted` token ids, `fleets` and `devices`. The byte-level meaning is in `docs/FORMATS.md`.
#[derive(ToSchema)]
pub struct OfflineBundle {
    version: i64,
    org: u32,
    generated_at: String,
    #[schema(value_type = Vec<Object>)]
    keys: Vec<Value>,
    #[schema(value_type = Object)]
    directory: Value,
    deleted: Vec<u32>,
    fleets: Vec<Fleet>,
    devices: Vec<Device>,
}

/// `POST /api/v1/sync` body: at most 5000 redemptions (unknown fields are refused).
#[derive(ToSchema)]
pub struct SyncRequest {
    redemptions: Vec<SyncRedemption>,
}

/// One queued redemption.
#[derive(ToSchema)]
pub struct SyncRedemption {
    /// The client-made idempotency key.
    id: String,
    /// The scanned text: a signed token, a deep link or a code.
    token: String,
    device_id: i64,
    /// RFC 3339 or milliseconds since 1970, by the phone's clock.
    scanned_at: String,
}

/// The server's decision on each redemption, in order.
#[derive(ToSchema)]
pub struct SyncResponse {
    results: Vec<SyncResult>,
    /// RFC 3339, UTC.
    server_time: String,
}

/// One decision.
#[derive(ToSchema)]
pub struct SyncResult {
    id: String,
    /// `applied`, `duplicate`, `superseded` or `rejected`.
    status: String,
    /// For `rejected` and `superseded`: `expired`, `deleted`, `other_org`, `unknown_token`, `unknown_device`,
    /// `unknown_fleet`, `bad_signature`, `clock`, ...
    reason: Option<String>,
}

/// What every operation behind a bearer token may answer, as the document's description says: 401
/// `unauthenticated` without a valid token, 403 `forbidden` without the permission the operation names.
#[derive(IntoResponses)]
enum Guarded {
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

// The operations. These functions are never called: they carry the descriptions of the handlers in their modules.

#[utoipa::path(get, path = "/api/v1/health", tag = "server", security(()),
    description = "Whether the server and its database answer. No sign-in.",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
fn health() {}

#[utoipa::path(get, path = "/api/openapi.json", tag = "server", security(()),
    description = "This document. No sign-in.",
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
fn openapi_json() {}

#[utoipa::path(get, path = "/api/v1/me", tag = "organisation",
    description = "Who the token is and what it may do. Any valid token.",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
fn me() {}

#[utoipa::path(get, path = "/api/v1/action-tokens", tag = "action-tokens",
    description = "Permission `fms.actiontoken.read`. Newest first; search by name with `q`.",
    params(
        ("q" = Option<String>, Query, description = "Part of the name"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
    ),
    responses((status = 200, body = ActionTokenPage), Guarded, (status = 400, body = ErrorBody)))]
fn list_action_tokens() {}

#[utoipa::path(post, path = "/api/v1/action-tokens", tag = "action-tokens",
    description = "Permission `fms.actiontoken.create`.",
    request_body = NewActionToken,
    responses((status = 201, body = ActionToken), Guarded, (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
fn create_action_token() {}

#[utoipa::path(get, path = "/api/v1/action-tokens/{id}", tag = "action-tokens",
    description = "Permission `fms.actiontoken.read`.",
    params(("id" = u32, Path)),
    responses((status = 200, body = ActionToken), Guarded, (status = 404, body = ErrorBody)))]
fn get_action_token() {}

#[utoipa::path(delete, path = "/api/v1/action-tokens/{id}", tag = "action-tokens",
    description = "Permission `fms.actiontoken.delete`. The token stays in offline bundles as deleted.",
    params(("id" = u32, Path)),
    responses((status = 204), Guarded, (status = 404, body = ErrorBody)))]
fn delete_action_token() {}

#[utoipa::path(get, path = "/api/v1/action-tokens/{id}/qr", tag = "action-tokens",
    description = "Permission `fms.actiontoken.read`. The token's QR as SVG or PNG, for clients without wasm.",
    params(
        ("id" = u32, Path),
        ("format" = Option<String>, Query, description = "`new` (default) or `old`"),
        ("type" = Option<String>, Query, description = "`svg` (default) or `png`"),
        ("scale" = Option<u32>, Query, description = "pixels per module, 1 to 32, default 8"),
        ("margin" = Option<u32>, Query, description = "quiet zone in modules, 0 to 16, default 4"),
    ),
    responses((status = 200, description = "The image", content_type = "image/svg+xml"), Guarded,
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
fn action_token_qr() {}

#[utoipa::path(get, path = "/api/v1/fleets", tag = "organisation",
    description = "Permission `fms.fleet.read`.",
    responses((status = 200, body = FleetList), Guarded))]
fn fleets() {}

#[utoipa::path(get, path = "/api/v1/devices", tag = "organisation",
    description = "Permission `fms.device.read`.",
    responses((status = 200, body = DeviceList), Guarded))]
fn devices() {}

#[utoipa::path(get, path = "/api/v1/devices/{id}", tag = "organisation",
    description = "Permission `fms.device.read`.",
    params(("id" = u32, Path)),
    responses((status = 200, body = Device), Guarded, (status = 404, body = ErrorBody)))]
fn device() {}

#[utoipa::path(post, path = "/api/v1/api-tokens", tag = "organisation",
    description = "Permission `fms.admin`. Nobody grants a permission they do not hold (403).",
    request_body = NewApiToken,
    responses((status = 201, body = CreatedApiToken), Guarded, (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
fn create_api_token() {}

#[utoipa::path(get, path = "/api/v1/audit-log.csv", tag = "organisation",
    description = "Permission `fms.admin`. The audit log, oldest first: `at,actor,action,target,detail,remote`.",
    responses((status = 200, description = "CSV", content_type = "text/csv"), Guarded))]
fn audit_log_csv() {}

#[utoipa::path(get, path = "/api/v1/offline-bundle", tag = "phones",
    description = "Any valid token. Versioned: the ETag carries `version`, so `If-None-Match` gets 304.",
    responses((status = 200, body = OfflineBundle), (status = 304, description = "Unchanged"),
        (status = 401, body = ErrorBody)))]
fn offline_bundle() {}

#[utoipa::path(post, path = "/api/v1/sync", tag = "phones", security((), ("bearer" = [])),
    description = "Anonymous, or any valid token (then only its organisation's devices are acted on, and the clock \
        rule uses its previous sync). One transaction per batch; idempotent by redemption id (the same id with \
        another payload: 422 `idempotency_conflict`, nothing applied). Rate limited per client (429).",
    request_body = SyncRequest,
    responses((status = 200, body = SyncResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, headers(("Retry-After" = u64, description = "seconds")))))]
fn sync() {}

/// A new enrolment code, shown this once; valid for 24 hours and for one enrolment.
#[derive(ToSchema)]
pub struct EnrolmentCode {
    device_id: i64,
    /// `XXXX-XXXX-XXXX-XXXX-C`.
    code: String,
    /// RFC 3339, UTC.
    expires_at: String,
    qr: EnrolmentQr,
}

/// The enrolment code as a QR.
#[derive(ToSchema)]
pub struct EnrolmentQr {
    /// The QR's text: the code without hyphens (QR alphanumeric mode).
    text: String,
    /// An SVG of the symbol (ECC M).
    svg: String,
}

/// `POST /api/v1/enrol` body (unknown fields are refused).
#[derive(ToSchema)]
pub struct EnrolRequest {
    /// The enrolment code (case, spaces and hyphens are ignored).
    code: String,
    /// The device's Ed25519 public key, 64 hex digits: its certificate. A valid curve point of large order.
    public_key: String,
    /// The device's Ed25519 signature (RFC 8032, 128 hex digits) of the ASCII bytes
    /// `fieldtoken/enrolment/v1:` followed by the code in its canonical form `XXXX-XXXX-XXXX-XXXX-C`
    /// (`docs/FORMATS.md`, "Enrolment proof").
    proof: String,
}

/// The device after enrolment.
#[derive(ToSchema)]
pub struct EnrolledDevice {
    id: i64,
    /// `in_fleet`, `in_repair` or `in_stock`.
    state: String,
    /// `true`.
    enrolled: bool,
}

#[utoipa::path(post, path = "/api/v1/devices/{id}/enrolment", tag = "organisation",
    description = "Permission `fms.device.write`. A one-time enrolment code for a device that is not enrolled \
        (an enrolled one is 409 `already_enrolled`: redeem a reset_certificate token first). Replaces the \
        device's unused code.",
    params(("id" = u32, Path)),
    responses((status = 201, body = EnrolmentCode), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn issue_enrolment_code() {}

#[utoipa::path(post, path = "/api/v1/enrol", tag = "phones", security(()),
    description = "Anonymous: the enrolment code is the credential. Registers the device's public key as its \
        certificate, once the device proved it holds the key (`proof`). Bad key 422 `bad_public_key`, bad proof \
        422 `bad_proof`, unknown code 404 `unknown_code`, used 409 `code_used`, expired 410 `code_expired`, \
        enrolled meanwhile 409 `already_enrolled`. Every failure spends one of the caller's guesses (429 \
        `rate_limited` when none are left).",
    request_body = EnrolRequest,
    responses((status = 200, body = EnrolledDevice), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 410, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, headers(("Retry-After" = u64, description = "seconds")))))]
fn enrol() {}

/// A custom role: an organisation's name for any subset of permissions.
#[derive(ToSchema)]
pub struct Role {
    id: i64,
    name: String,
    /// Stable permission names.
    permissions: Vec<String>,
    /// How many users hold it.
    users: i64,
    /// RFC 3339, UTC.
    created_at: String,
    /// RFC 3339, UTC.
    updated_at: String,
}

/// `{ "items": [Role] }`, by name.
#[derive(ToSchema)]
pub struct RoleList {
    items: Vec<Role>,
}

/// `POST /api/v1/roles` body (unknown fields are refused).
#[derive(ToSchema)]
pub struct NewRole {
    /// 1 to 100 characters, unique in the organisation.
    name: String,
    /// Stable names; only permissions the caller holds.
    permissions: Vec<String>,
}

/// `PATCH /api/v1/roles/{id}` body: a field left out is unchanged.
#[derive(ToSchema)]
pub struct RoleEdit {
    name: Option<String>,
    /// The whole new set; the caller may remove any permission but add only those it holds.
    permissions: Option<Vec<String>>,
}

/// A user's role.
#[derive(ToSchema)]
pub struct RoleRef {
    id: i64,
    name: String,
}

/// A user: a name and a role.
#[derive(ToSchema)]
pub struct User {
    id: i64,
    name: String,
    role: RoleRef,
    /// The role's permissions.
    permissions: Vec<String>,
    /// RFC 3339, UTC.
    created_at: String,
}

/// `{ "items": [User] }`, by name.
#[derive(ToSchema)]
pub struct UserList {
    items: Vec<User>,
}

/// `POST /api/v1/users` body (unknown fields are refused).
#[derive(ToSchema)]
pub struct NewUser {
    /// 1 to 100 characters, unique in the organisation.
    name: String,
    role_id: u32,
}

/// `PATCH /api/v1/users/{id}` body: a field left out is unchanged.
#[derive(ToSchema)]
pub struct UserEdit {
    name: Option<String>,
    role_id: Option<u32>,
}

/// `POST /api/v1/users/{id}/api-tokens` body.
#[derive(ToSchema)]
pub struct NewUserToken {
    name: String,
    /// The token's own subset; only permissions the caller holds.
    permissions: Vec<String>,
}

/// An API token acting for a user; the secret is shown this once.
#[derive(ToSchema)]
pub struct CreatedUserToken {
    id: i64,
    token: String,
    user_id: i64,
    /// The token's own subset.
    permissions: Vec<String>,
    /// What it may do now: its subset within the user's role (evaluated again at every request).
    effective_permissions: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/roles", tag = "roles",
    description = "Permission `fms.admin`. The organisation's custom roles, by name.",
    responses((status = 200, body = RoleList), Guarded))]
fn list_roles() {}

#[utoipa::path(post, path = "/api/v1/roles", tag = "roles",
    description = "Permission `fms.admin`. Nobody grants a permission they do not hold (403). Name taken: 409 \
        `name_taken`; bad name: 422 `bad_name`; unknown permission: 400 `unknown_permission`.",
    request_body = NewRole,
    responses((status = 201, body = Role), Guarded, (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn create_role() {}

#[utoipa::path(patch, path = "/api/v1/roles/{id}", tag = "roles",
    description = "Permission `fms.admin`. Renames the role or replaces its permissions; the API tokens of its \
        users act with the new permissions from their next request.",
    params(("id" = u32, Path)),
    request_body = RoleEdit,
    responses((status = 200, body = Role), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn edit_role() {}

#[utoipa::path(delete, path = "/api/v1/roles/{id}", tag = "roles",
    description = "Permission `fms.admin`. A role that users hold is not deleted: 409 `role_in_use`.",
    params(("id" = u32, Path)),
    responses((status = 204), Guarded, (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
fn delete_role() {}

#[utoipa::path(get, path = "/api/v1/users", tag = "roles",
    description = "Permission `fms.admin`. The organisation's users with their roles, by name.",
    responses((status = 200, body = UserList), Guarded))]
fn list_users() {}

#[utoipa::path(post, path = "/api/v1/users", tag = "roles",
    description = "Permission `fms.admin`. A `role_id` the organisation does not have: 422 `unknown_role`; a role \
        with a permission the caller does not hold: 403.",
    request_body = NewUser,
    responses((status = 201, body = User), Guarded, (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
fn create_user() {}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "roles",
    description = "Permission `fms.admin`. Renames the user or gives it another role (its tokens follow at once); \
        a new role with a permission the caller does not hold: 403.",
    params(("id" = u32, Path)),
    request_body = UserEdit,
    responses((status = 200, body = User), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn edit_user() {}

#[utoipa::path(post, path = "/api/v1/users/{id}/api-tokens", tag = "roles",
    description = "Permission `fms.admin`. An API token acting for the user: at every request it may do what both \
        its own `permissions` and the user's role allow. Nobody grants a permission they do not hold (403).",
    params(("id" = u32, Path)),
    request_body = NewUserToken,
    responses((status = 201, body = CreatedUserToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn create_user_token() {}

/// An Ed25519 signing key of the organisation (never its secret half).
#[derive(ToSchema)]
pub struct SigningKey {
    /// The key id signed into tokens.
    key_id: i64,
    /// 64 hex digits.
    public_key: String,
    /// `current` (signs new tokens), `previous` (replaced by a rotation, still verifies what it signed) or
    /// `retired` (verifies nothing; not in the offline bundle).
    status: String,
    /// Whether it signs new tokens.
    current: bool,
    /// RFC 3339, UTC.
    created_at: String,
    /// When a rotation replaced it (RFC 3339).
    replaced_at: Option<String>,
    /// When it was retired (RFC 3339).
    retired_at: Option<String>,
    /// Live action tokens whose QR it signs.
    tokens: i64,
    /// Retirement only: how many tokens moved to the current key.
    moved_tokens: Option<u64>,
}

/// `{ "items": [SigningKey] }`, oldest first.
#[derive(ToSchema)]
pub struct SigningKeyList {
    items: Vec<SigningKey>,
}

#[utoipa::path(get, path = "/api/v1/signing-keys", tag = "signing-keys",
    description = "Permission `fms.admin`. Every key of the organisation with its status.",
    responses((status = 200, body = SigningKeyList), Guarded))]
fn list_signing_keys() {}

#[utoipa::path(post, path = "/api/v1/signing-keys/rotate", tag = "signing-keys",
    description = "Permission `fms.admin`. A new key (sealed with the master key) becomes current and signs new \
        tokens; the one before keeps verifying the tokens it signed, whose QR is shown with it as before. The \
        offline bundle's version and ETag change.",
    responses((status = 201, body = SigningKey), Guarded))]
fn rotate_signing_key() {}

#[utoipa::path(post, path = "/api/v1/signing-keys/{key_id}/retire", tag = "signing-keys",
    description = "Permission `fms.admin`. The key verifies nothing any more and leaves the offline bundle: QR \
        codes signed with it are rejected at sync as `bad_signature`. The live tokens it signed move to the current \
        key (showing their QR again gives a new one); their codes keep working. The current key: 409 \
        `key_is_current` (rotate first); a retired one: 409 `already_retired`.",
    params(("key_id" = u32, Path)),
    responses((status = 200, body = SigningKey), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn retire_signing_key() {}

// Access tokens (issue 8): operators' credentials, their definitions and classifications, the parties they are
// linked to, and operator sign-in. The status of each refusal is the table in `src/access.rs`.

/// Who created and last changed a token, and when.
#[derive(ToSchema)]
pub struct AccessTokenLog {
    /// RFC 3339, UTC.
    created_at: String,
    created_by: String,
    /// RFC 3339, UTC.
    updated_at: String,
    updated_by: String,
}

/// Verification information (seed 002).
#[derive(ToSchema)]
pub struct AccessTokenVerification {
    /// RFC 3339, once verified.
    verified_on: Option<String>,
    verified_by: Option<String>,
    /// The code that verified it (shown once verified).
    code: Option<String>,
}

/// An access token. Never its pass code: `has_pass_code` says whether it has one.
#[derive(ToSchema)]
pub struct AccessToken {
    /// The token's number: its id in paths.
    number: u32,
    authentication_code: String,
    identifier: Option<String>,
    has_pass_code: bool,
    /// `effective`, `not_effective` or `pending_verification`.
    state: String,
    /// The seed's words: 'Effective', 'Not Effective', 'Pending Verification'.
    state_label: String,
    accounts_receivable_id: Option<u32>,
    rewards_participant_id: Option<u32>,
    classification_id: Option<u32>,
    log: AccessTokenLog,
    verification: AccessTokenVerification,
}

/// An access token with the secrets this answer shows once.
#[derive(ToSchema)]
pub struct AccessTokenWithSecrets {
    number: u32,
    authentication_code: String,
    identifier: Option<String>,
    has_pass_code: bool,
    state: String,
    state_label: String,
    accounts_receivable_id: Option<u32>,
    rewards_participant_id: Option<u32>,
    classification_id: Option<u32>,
    log: AccessTokenLog,
    verification: AccessTokenVerification,
    /// A generated pass code, shown this once (create, edit, reset-pass-code).
    pass_code: Option<String>,
    /// A new verification code to send to the operator (create, reset-verification-code).
    verification_code: Option<String>,
}

/// A page of access tokens, newest first.
#[derive(ToSchema)]
pub struct AccessTokenPage {
    items: Vec<AccessToken>,
    /// The cursor of the next page, when there is one.
    next: Option<String>,
}

/// `POST /api/v1/access-tokens` body: the "new access token" screen; generated fields are left out (unknown fields
/// are refused).
#[derive(ToSchema)]
pub struct NewAccessToken {
    authentication_code: Option<String>,
    identifier: Option<String>,
    pass_code: Option<String>,
    accounts_receivable_id: Option<u32>,
    rewards_participant_id: Option<u32>,
    classification_id: Option<u32>,
}

/// `PATCH /api/v1/access-tokens/{id}` body: a field left out is unchanged; `identifier: null` removes the
/// identifier (and the pass code). Associations and classification may be sent back unchanged, never changed.
#[derive(ToSchema)]
pub struct AccessTokenEdit {
    authentication_code: Option<String>,
    identifier: Option<String>,
    pass_code: Option<String>,
    accounts_receivable_id: Option<u32>,
    rewards_participant_id: Option<u32>,
    classification_id: Option<u32>,
}

/// `POST /api/v1/access-tokens/{id}/verify` body.
#[derive(ToSchema)]
pub struct VerifyAccessToken {
    verification_code: String,
}

/// How an identifier or authentication code is made, and its character rules.
#[derive(ToSchema)]
pub struct CredentialFieldSettings {
    /// `auto_number`, `auto_id`, `email`, `number` or `free_text`.
    source: String,
    min_length: Option<u8>,
    min_letters: Option<u8>,
    min_digits: Option<u8>,
    min_special: Option<u8>,
    /// Whether every token needs one.
    mandatory: Option<bool>,
}

/// Pass code settings.
#[derive(ToSchema)]
pub struct PassCodeSettings {
    /// Whether the system generates pass codes (then they cannot be typed).
    generated: bool,
    min_length: Option<u8>,
    min_letters: Option<u8>,
    min_digits: Option<u8>,
    min_special: Option<u8>,
    mandatory: Option<bool>,
}

/// Format settings; a part left out takes the default.
#[derive(ToSchema)]
pub struct CredentialSettings {
    identifier: Option<CredentialFieldSettings>,
    pass_code: Option<PassCodeSettings>,
    authentication_code: Option<CredentialFieldSettings>,
}

/// An access token definition: the organisation's rules for its tokens (one is active).
#[derive(ToSchema)]
pub struct AccessTokenDefinition {
    id: u32,
    name: String,
    active: bool,
    settings: CredentialSettings,
    allow_without_identifier_and_pass_code: bool,
    not_effective_on_last_removal: bool,
    requires_verification: bool,
    /// RFC 3339, UTC.
    created_at: String,
}

/// `{ "items": [AccessTokenDefinition] }`
#[derive(ToSchema)]
pub struct AccessTokenDefinitionList {
    items: Vec<AccessTokenDefinition>,
}

/// `POST /api/v1/access-token-definitions` body: `active` (default true) makes it the active definition.
#[derive(ToSchema)]
pub struct NewAccessTokenDefinition {
    name: String,
    settings: Option<CredentialSettings>,
    active: Option<bool>,
    allow_without_identifier_and_pass_code: Option<bool>,
    not_effective_on_last_removal: Option<bool>,
    requires_verification: Option<bool>,
}

/// A classification: format settings for the tokens created with it.
#[derive(ToSchema)]
pub struct AccessTokenClassification {
    id: u32,
    name: String,
    settings: CredentialSettings,
}

/// `{ "items": [AccessTokenClassification] }`
#[derive(ToSchema)]
pub struct AccessTokenClassificationList {
    items: Vec<AccessTokenClassification>,
}

/// `POST /api/v1/access-token-classifications` body.
#[derive(ToSchema)]
pub struct NewAccessTokenClassification {
    name: String,
    settings: Option<CredentialSettings>,
}

/// An accounts receivable or a rewards participant.
#[derive(ToSchema)]
pub struct Party {
    id: i64,
    name: String,
    /// A participant's accounts receivable.
    accounts_receivable_id: Option<i64>,
    terminated: bool,
    /// RFC 3339, UTC.
    terminated_at: Option<String>,
    /// RFC 3339, UTC.
    created_at: String,
}

/// `{ "items": [Party] }`, oldest first.
#[derive(ToSchema)]
pub struct PartyList {
    items: Vec<Party>,
}

/// `POST /api/v1/accounts-receivable` body.
#[derive(ToSchema)]
pub struct NewAccountsReceivable {
    name: String,
}

/// `POST /api/v1/rewards-participants` body.
#[derive(ToSchema)]
pub struct NewRewardsParticipant {
    name: String,
    accounts_receivable_id: u32,
}

/// What the automatic 'Not Effective' did to a token.
#[derive(ToSchema)]
pub struct AutomaticOutcome {
    /// `set_not_effective` or `unchanged`.
    outcome: String,
    /// For `unchanged`: `definition_disabled`, `other_association`, `pending_verification` or
    /// `already_not_effective`.
    reason: Option<String>,
    /// Termination only: the token's number and state afterwards.
    number: Option<u32>,
    state: Option<String>,
}

/// A terminated accounts receivable and what happened to each of its tokens.
#[derive(ToSchema)]
pub struct TerminatedAccountsReceivable {
    id: i64,
    name: String,
    terminated: bool,
    terminated_at: Option<String>,
    created_at: String,
    access_tokens: Vec<AutomaticOutcome>,
}

/// A token after a link was removed, with what the automatic 'Not Effective' did. The token's fields as in
/// `AccessToken`, and `automatic`.
#[derive(ToSchema)]
pub struct UnlinkedAccessToken {
    number: u32,
    state: String,
    state_label: String,
    accounts_receivable_id: Option<u32>,
    rewards_participant_id: Option<u32>,
    automatic: AutomaticOutcome,
}

/// `POST /api/v1/operator/session` body: `identifier` with `pass_code`, or `authentication_code` alone; `org` when
/// the same credentials exist in several organisations.
#[derive(ToSchema)]
pub struct OperatorSignIn {
    identifier: Option<String>,
    pass_code: Option<String>,
    authentication_code: Option<String>,
    org: Option<u32>,
}

/// An operator session: a bearer token with no permission (it reads the offline bundle and syncs).
#[derive(ToSchema)]
pub struct OperatorSession {
    token: String,
    /// RFC 3339, UTC.
    expires_at: String,
    /// `{ "number", "identifier" }` of the access token.
    #[schema(value_type = Object)]
    operator: Value,
    /// `{ "id" }` of the organisation.
    #[schema(value_type = Object)]
    org: Value,
}

#[utoipa::path(get, path = "/api/v1/access-tokens", tag = "access-tokens",
    description = "Permission `fms.accesstoken.read`. Newest first.",
    params(
        ("state" = Option<String>, Query, description = "`effective`, `not_effective` or `pending_verification`"),
        ("q" = Option<String>, Query, description = "Part of the identifier"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
    ),
    responses((status = 200, body = AccessTokenPage), Guarded, (status = 400, body = ErrorBody)))]
fn list_access_tokens() {}

#[utoipa::path(post, path = "/api/v1/access-tokens", tag = "access-tokens",
    description = "Permission `fms.accesstoken.create`. Checked by the core against the active definition and the \
        classification; a generated pass code (and, when the definition requires verification, the verification \
        code) is shown this once. A terminated accounts receivable or rewards participant is 409 \
        `accounts_receivable_terminated` or `rewards_participant_terminated`.",
    request_body = NewAccessToken,
    responses((status = 201, body = AccessTokenWithSecrets), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn create_access_token() {}

#[utoipa::path(get, path = "/api/v1/access-tokens/{id}", tag = "access-tokens",
    description = "Permission `fms.accesstoken.read`.",
    params(("id" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = AccessToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
fn get_access_token() {}

#[utoipa::path(patch, path = "/api/v1/access-tokens/{id}", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. The \"edit access token\" screen.",
    params(("id" = u32, Path, description = "The access token's number")),
    request_body = AccessTokenEdit,
    responses((status = 200, body = AccessTokenWithSecrets), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn edit_access_token() {}

#[utoipa::path(delete, path = "/api/v1/access-tokens/{id}", tag = "access-tokens",
    description = "Permission `fms.accesstoken.delete`. Only 'Not Effective' tokens without associations (409 \
        `delete_needs_not_effective`, `delete_needs_unassociated`).",
    params(("id" = u32, Path, description = "The access token's number")),
    responses((status = 204), Guarded, (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
fn delete_access_token() {}

#[utoipa::path(post, path = "/api/v1/access-tokens/{id}/set-effective", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Only a 'Not Effective' token (409 \
        `set_effective_needs_not_effective`).",
    params(("id" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = AccessToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn set_access_token_effective() {}

#[utoipa::path(post, path = "/api/v1/access-tokens/{id}/set-not-effective", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Only an 'Effective' token, and not while a rewards \
        participant that is not terminated is linked (409). Its operator sessions end.",
    params(("id" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = AccessToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn set_access_token_not_effective() {}

#[utoipa::path(post, path = "/api/v1/access-tokens/{id}/reset-pass-code", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Only while 'Effective' (409 \
        `reset_pass_code_needs_effective`); the new pass code is shown this once and the operator's sessions end.",
    params(("id" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = AccessTokenWithSecrets), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn reset_access_token_pass_code() {}

#[utoipa::path(post, path = "/api/v1/access-tokens/{id}/reset-verification-code", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Only while 'Pending Verification' (409 \
        `reset_verification_needs_pending`); answers the new code to send.",
    params(("id" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = AccessTokenWithSecrets), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn reset_access_token_verification_code() {}

#[utoipa::path(post, path = "/api/v1/access-tokens/{id}/verify", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. The verification code moves a 'Pending Verification' token \
        to 'Effective'. A wrong code is 422 `wrong_verification_code` and counts; after too many the token is \
        409 `verification_locked` until its code is reset.",
    params(("id" = u32, Path, description = "The access token's number")),
    request_body = VerifyAccessToken,
    responses((status = 200, body = AccessToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn verify_access_token() {}

#[utoipa::path(get, path = "/api/v1/access-token-definitions", tag = "access-tokens",
    description = "Permission `fms.accesstoken.read`. Every definition, oldest first.",
    responses((status = 200, body = AccessTokenDefinitionList), Guarded))]
fn list_access_token_definitions() {}

#[utoipa::path(post, path = "/api/v1/access-token-definitions", tag = "access-tokens",
    description = "Permission `fms.accesstoken.create`. Settings that cannot be met are 422 `bad_definition`; a \
        taken name 409 `name_taken`.",
    request_body = NewAccessTokenDefinition,
    responses((status = 201, body = AccessTokenDefinition), Guarded, (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn create_access_token_definition() {}

#[utoipa::path(post, path = "/api/v1/access-token-definitions/{id}/activate", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Makes it the active definition; the one before is \
        deactivated in the same transaction.",
    params(("id" = u32, Path)),
    responses((status = 200, body = AccessTokenDefinition), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
fn activate_access_token_definition() {}

#[utoipa::path(get, path = "/api/v1/access-token-classifications", tag = "access-tokens",
    description = "Permission `fms.accesstoken.read`.",
    responses((status = 200, body = AccessTokenClassificationList), Guarded))]
fn list_access_token_classifications() {}

#[utoipa::path(post, path = "/api/v1/access-token-classifications", tag = "access-tokens",
    description = "Permission `fms.accesstoken.create`.",
    request_body = NewAccessTokenClassification,
    responses((status = 201, body = AccessTokenClassification), Guarded, (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn create_access_token_classification() {}

#[utoipa::path(get, path = "/api/v1/accounts-receivable", tag = "access-tokens",
    description = "Permission `fms.accesstoken.read`.",
    responses((status = 200, body = PartyList), Guarded))]
fn list_accounts_receivable() {}

#[utoipa::path(post, path = "/api/v1/accounts-receivable", tag = "access-tokens",
    description = "Permission `fms.accesstoken.create`.",
    request_body = NewAccountsReceivable,
    responses((status = 201, body = Party), Guarded, (status = 422, body = ErrorBody)))]
fn create_accounts_receivable() {}

#[utoipa::path(post, path = "/api/v1/accounts-receivable/{id}/terminate", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Its tokens go through the core's automatic 'Not \
        Effective'; a terminated one is 409 `already_terminated`.",
    params(("id" = u32, Path)),
    responses((status = 200, body = TerminatedAccountsReceivable), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn terminate_accounts_receivable() {}

#[utoipa::path(post, path = "/api/v1/accounts-receivable/{id}/access-tokens/{number}", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Links the token to the accounts receivable (seed 002: \
        links change from the party's side only); a terminated one is 409 `accounts_receivable_terminated`.",
    params(("id" = u32, Path), ("number" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = AccessToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn link_accounts_receivable() {}

#[utoipa::path(delete, path = "/api/v1/accounts-receivable/{id}/access-tokens/{number}", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Removes the link, then the core's automatic 'Not \
        Effective' (answered in `automatic`).",
    params(("id" = u32, Path), ("number" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = UnlinkedAccessToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn unlink_accounts_receivable() {}

#[utoipa::path(get, path = "/api/v1/rewards-participants", tag = "access-tokens",
    description = "Permission `fms.accesstoken.read`.",
    responses((status = 200, body = PartyList), Guarded))]
fn list_rewards_participants() {}

#[utoipa::path(post, path = "/api/v1/rewards-participants", tag = "access-tokens",
    description = "Permission `fms.accesstoken.create`. A participant of one of the organisation's accounts \
        receivable; a terminated one is 409 `accounts_receivable_terminated`.",
    request_body = NewRewardsParticipant,
    responses((status = 201, body = Party), Guarded, (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
fn create_rewards_participant() {}

#[utoipa::path(post, path = "/api/v1/rewards-participants/{id}/terminate", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. A terminated participant no longer keeps its tokens from \
        being set 'Not Effective'; a terminated one is 409 `already_terminated`.",
    params(("id" = u32, Path)),
    responses((status = 200, body = Party), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn terminate_rewards_participant() {}

#[utoipa::path(post, path = "/api/v1/rewards-participants/{id}/access-tokens/{number}", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Links the token to the participant; a terminated one is \
        409 `rewards_participant_terminated`.",
    params(("id" = u32, Path), ("number" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = AccessToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn link_rewards_participant() {}

#[utoipa::path(delete, path = "/api/v1/rewards-participants/{id}/access-tokens/{number}", tag = "access-tokens",
    description = "Permission `fms.accesstoken.update`. Removes the link, then the core's automatic 'Not \
        Effective' (answered in `automatic`).",
    params(("id" = u32, Path), ("number" = u32, Path, description = "The access token's number")),
    responses((status = 200, body = UnlinkedAccessToken), Guarded, (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
fn unlink_rewards_participant() {}

#[utoipa::path(post, path = "/api/v1/operator/session", tag = "operators", security(()),
    description = "Anonymous: the access token's credentials are the sign-in. Only 'Effective' tokens sign in (403 \
        `access_token_not_effective`, `access_token_pending_verification`); credentials that match nothing are \
        401 `bad_credentials` and spend one of the client's guesses (429 `rate_limited` when none are left); \
        several organisations match: 409 `org_required`; any other combination of fields: 422 `bad_sign_in`.",
    request_body = OperatorSignIn,
    responses((status = 201, body = OperatorSession), Guarded, (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, headers(("Retry-After" = u64, description = "seconds")))))]
fn operator_sign_in() {}

#[utoipa::path(delete, path = "/api/v1/operator/session", tag = "operators",
    description = "An operator session only: ends the calling session. Other bearer tokens get 403 \
        `not_an_operator_session`.",
    responses((status = 204), Guarded))]
fn operator_sign_out() {}
