//! Access tokens over HTTP (issue 8, seed 002): each action of the Validations & Restrictions table and its refusal
//! as the API exposes them, the attribute rules the server stores (number, pass code hashed and shown once,
//! association and classification locks), operator sign-in (only 'Effective' tokens), operators on redemptions,
//! permissions, and a database copy that holds no credential.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{self, TestServer, call, token_with};

/// A definition with generated pass codes (10 characters, 2 digits) and random authentication codes.
pub(crate) fn generated_definition(name: &str) -> Value {
    json!({
        "name": name,
        "settings": {
            "identifier": { "source": "email" },
            "pass_code": { "generated": true, "min_length": 10, "min_digits": 2 },
            "authentication_code": { "source": "auto_id", "min_length": 16 }
        }
    })
}

async fn post(server: &TestServer, path: &str, bearer: &str, body: Value) -> (StatusCode, Value) {
    call(server, Method::POST, path, Some(bearer), Some(body)).await
}

async fn get(server: &TestServer, path: &str, bearer: &str) -> (StatusCode, Value) {
    call(server, Method::GET, path, Some(bearer), None).await
}

async fn delete(server: &TestServer, path: &str, bearer: &str) -> (StatusCode, Value) {
    call(server, Method::DELETE, path, Some(bearer), None).await
}

async fn action(server: &TestServer, bearer: &str, number: u64, what: &str) -> (StatusCode, Value) {
    call(
        server,
        Method::POST,
        &format!("/api/v1/access-tokens/{number}/{what}"),
        Some(bearer),
        None,
    )
    .await
}

/// Asserts a refusal: its status and stable code.
fn refused(answer: &(StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code, "{}", answer.1);
    assert!(
        !answer.1["error"]["message"].as_str().unwrap().is_empty(),
        "{}",
        answer.1
    );
}

pub(crate) async fn define(server: &TestServer, admin: &str, body: Value) -> Value {
    let (status, definition) = post(server, "/api/v1/access-token-definitions", admin, body).await;
    assert_eq!(status, StatusCode::CREATED, "{definition}");
    definition
}

pub(crate) async fn new_token(server: &TestServer, admin: &str, body: Value) -> Value {
    let (status, token) = post(server, "/api/v1/access-tokens", admin, body).await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    token
}

async fn account(server: &TestServer, admin: &str, name: &str) -> u64 {
    let (status, a) = post(
        server,
        "/api/v1/accounts-receivable",
        admin,
        json!({ "name": name }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    a["id"].as_u64().unwrap()
}

async fn participant(server: &TestServer, admin: &str, name: &str, account: u64) -> u64 {
    let (status, p) = post(
        server,
        "/api/v1/rewards-participants",
        admin,
        json!({ "name": name, "accounts_receivable_id": account }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p["id"].as_u64().unwrap()
}

pub(crate) async fn sign_in(server: &TestServer, body: Value) -> (StatusCode, Value) {
    call(
        server,
        Method::POST,
        "/api/v1/operator/session",
        None,
        Some(body),
    )
    .await
}

fn number(token: &Value) -> u64 {
    token["number"].as_u64().unwrap()
}

/// Creates a token and answers only its number.
async fn new_number(server: &TestServer, admin: &str, body: Value) -> u64 {
    number(&new_token(server, admin, body).await)
}

/// The path segment of each kind of party: links change from the party's side (seed 002).
const ACCOUNTS: &str = "accounts-receivable";
const PARTICIPANTS: &str = "rewards-participants";

/// `POST /api/v1/{parties}/{id}/terminate`.
async fn terminate(
    server: &TestServer,
    admin: &str,
    parties: &str,
    id: u64,
) -> (StatusCode, Value) {
    let path = format!("/api/v1/{parties}/{id}/terminate");
    post(server, &path, admin, json!({})).await
}

fn link_path(parties: &str, id: u64, number: u64) -> String {
    format!("/api/v1/{parties}/{id}/access-tokens/{number}")
}

/// Links the token to the party.
async fn link(
    server: &TestServer,
    admin: &str,
    parties: &str,
    id: u64,
    number: u64,
) -> (StatusCode, Value) {
    let path = link_path(parties, id, number);
    call(server, Method::POST, &path, Some(admin), None).await
}

/// Removes the token from the party.
async fn unlink(
    server: &TestServer,
    admin: &str,
    parties: &str,
    id: u64,
    number: u64,
) -> (StatusCode, Value) {
    delete(server, &link_path(parties, id, number), admin).await
}

/// `POST /api/v1/access-tokens/{number}/verify` with this code.
async fn verify(server: &TestServer, admin: &str, number: u64, code: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/access-tokens/{number}/verify");
    post(server, &path, admin, json!({ "verification_code": code })).await
}

async fn audit_csv(server: &TestServer, admin: &str) -> String {
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/audit-log.csv", server.url))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[tokio::test]
async fn create_starts_effective_numbers_tokens_and_shows_a_generated_pass_code_once() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;

    // Seed 002, "Automatically: SET AS EFFECTIVE: on creating a new Access Token".
    let first = new_token(&server, &admin, json!({ "identifier": "ana@example.com" })).await;
    assert_eq!(first["state"], "effective");
    assert_eq!(first["state_label"], "Effective");
    assert_eq!(number(&first), 1, "Number: auto-generated");
    let pass_code = first["pass_code"].as_str().unwrap();
    assert!(pass_code.len() >= 10);
    assert!(pass_code.chars().filter(char::is_ascii_digit).count() >= 2);
    assert_eq!(first["has_pass_code"], true);
    assert_eq!(first["authentication_code"].as_str().unwrap().len(), 16);
    assert_eq!(first["log"]["created_by"], "Demo administrator");
    let second = new_token(&server, &admin, json!({ "identifier": "bo@example.com" })).await;
    assert_eq!(number(&second), 2);

    // The pass code is never shown again, nor its hash.
    let (status, one) = get(&server, "/api/v1/access-tokens/1", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(one.get("pass_code").is_none(), "{one}");
    assert_eq!(one["identifier"], "ana@example.com");
    let (_, list) = get(&server, "/api/v1/access-tokens", &admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    for text in [one.to_string(), list.to_string()] {
        assert!(!text.contains(pass_code));
        assert!(!text.contains("argon2"), "{text}");
        assert!(!text.contains("\"pass_code\""), "{text}");
        assert!(!text.contains("hash"), "{text}");
    }
    let (_, effective) = get(
        &server,
        "/api/v1/access-tokens?state=effective&q=ana",
        &admin,
    )
    .await;
    assert_eq!(effective["items"].as_array().unwrap().len(), 1);
    refused(
        &get(&server, "/api/v1/access-tokens/99", &admin).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    refused(
        &get(&server, "/api/v1/access-tokens/x", &admin).await,
        StatusCode::BAD_REQUEST,
        "bad_id",
    );
    server.stop().await;
}

#[tokio::test]
async fn create_and_edit_refuse_what_the_definition_and_classification_do_not_allow() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    // No active definition: nothing to create tokens with.
    refused(
        &post(&server, "/api/v1/access-tokens", &admin, json!({})).await,
        StatusCode::CONFLICT,
        "no_active_definition",
    );
    refused(
        &post(
            &server,
            "/api/v1/access-token-definitions",
            &admin,
            json!({ "name": "Bad", "settings": { "identifier": { "source": "number", "min_letters": 1 } } }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_definition",
    );
    // Typed pass codes: at least 8 characters with a letter and a digit (the core's default settings).
    let definition = define(
        &server,
        &admin,
        json!({ "name": "Typed", "allow_without_identifier_and_pass_code": false }),
    )
    .await;
    assert_eq!(definition["active"], true);
    assert_eq!(definition["settings"]["pass_code"]["min_length"], 8);

    for (body, code) in [
        // Attributes, Pass Code: "needs to follow a specific format as defined in the Access Token Definitions".
        (
            json!({ "identifier": "ana", "pass_code": "short1" }),
            "bad_pass_code",
        ),
        // Attributes, Authentication Code: "either 'Read-only' or ...": generated here.
        (
            json!({ "identifier": "ana", "pass_code": "long enough 1", "authentication_code": "typed" }),
            "read_only_field",
        ),
        // Edit/Save, "Mandatory Fields as defined in the" definition.
        (json!({}), "identifier_required"),
        (json!({ "identifier": "ana" }), "pass_code_required"),
    ] {
        refused(
            &post(&server, "/api/v1/access-tokens", &admin, body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        );
    }
    let ana = new_token(
        &server,
        &admin,
        json!({ "identifier": "ana", "pass_code": "long enough 1" }),
    )
    .await;
    assert!(
        ana.get("pass_code").is_none(),
        "a typed pass code is not echoed"
    );
    refused(
        &post(
            &server,
            "/api/v1/access-tokens",
            &admin,
            json!({ "identifier": "ana", "pass_code": "long enough 2" }),
        )
        .await,
        StatusCode::CONFLICT,
        "identifier_taken",
    );

    // Attributes, Classifications: "If a Classification is defined then the formatting settings will be taken from
    // the classification".
    let (status, class) = post(
        &server,
        "/api/v1/access-token-classifications",
        &admin,
        json!({ "name": "Badge numbers", "settings": {
            "identifier": { "source": "number", "min_length": 5 },
            "pass_code": { "generated": true },
            "authentication_code": { "source": "auto_number", "min_length": 6 }
        } }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{class}");
    let class_id = class["id"].as_u64().unwrap();
    refused(
        &post(
            &server,
            "/api/v1/access-tokens",
            &admin,
            json!({ "identifier": "badge", "classification_id": class_id }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_identifier",
    );
    let badge = new_token(
        &server,
        &admin,
        json!({ "identifier": "12345", "classification_id": class_id }),
    )
    .await;
    assert_eq!(badge["authentication_code"], "000002");
    assert!(badge["pass_code"].is_string());
    let (_, classes) = get(&server, "/api/v1/access-token-classifications", &admin).await;
    assert_eq!(classes["items"][0]["name"], "Badge numbers");

    // Edit: the identifier follows the same rules; the classification is set only when creating.
    let path = format!("/api/v1/access-tokens/{}", number(&ana));
    let edit = |body: Value| {
        let path = path.clone();
        let server = &server;
        let admin = admin.clone();
        async move { call(server, Method::PATCH, &path, Some(&admin), Some(body)).await }
    };
    let (status, edited) = edit(json!({ "identifier": "ana.maria" })).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["identifier"], "ana.maria");
    refused(
        &edit(json!({ "classification_id": class_id })).await,
        StatusCode::CONFLICT,
        "classification_locked",
    );
    refused(
        &edit(json!({ "identifier": null })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "identifier_required",
    );
    refused(
        &edit(json!({ "pass_code": "no digits here" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_pass_code",
    );
    refused(
        &edit(json!({ "colour": "red" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
    server.stop().await;
}

#[tokio::test]
async fn life_cycle_set_not_effective_set_effective_and_delete() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;
    let token = new_token(&server, &admin, json!({ "identifier": "ana@example.com" })).await;
    let n = number(&token);
    let path = format!("/api/v1/access-tokens/{n}");

    // Delete: "Access Token is in a 'Not Effective' Life Cycle State".
    refused(
        &delete(&server, &path, &admin).await,
        StatusCode::CONFLICT,
        "delete_needs_not_effective",
    );
    // Manually SET AS 'EFFECTIVE': "Life Cycle State = 'Not Effective'".
    refused(
        &action(&server, &admin, n, "set-effective").await,
        StatusCode::CONFLICT,
        "set_effective_needs_not_effective",
    );
    let (status, off) = action(&server, &admin, n, "set-not-effective").await;
    assert_eq!(status, StatusCode::OK, "{off}");
    assert_eq!(off["state"], "not_effective");
    // Manually SET AS 'NOT EFFECTIVE': "Life Cycle State = 'Effective'".
    refused(
        &action(&server, &admin, n, "set-not-effective").await,
        StatusCode::CONFLICT,
        "set_not_effective_needs_effective",
    );
    // Reset Pass Code: "The Life Cycle State of the Access Token is: 'Effective'".
    refused(
        &action(&server, &admin, n, "reset-pass-code").await,
        StatusCode::CONFLICT,
        "reset_pass_code_needs_effective",
    );
    let (status, on) = action(&server, &admin, n, "set-effective").await;
    assert_eq!(status, StatusCode::OK, "{on}");
    assert_eq!(on["state"], "effective");

    // Delete: "not associated with a Rewards Participant or an Accounts Receivable".
    let acc = account(&server, &admin, "Acme Field Services").await;
    let (status, linked) = link(&server, &admin, ACCOUNTS, acc, n).await;
    assert_eq!(status, StatusCode::OK, "{linked}");
    assert_eq!(linked["accounts_receivable_id"], acc);
    action(&server, &admin, n, "set-not-effective").await;
    refused(
        &delete(&server, &path, &admin).await,
        StatusCode::CONFLICT,
        "delete_needs_unassociated",
    );
    let (status, _) = unlink(&server, &admin, ACCOUNTS, acc, n).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = delete(&server, &path, &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    refused(
        &get(&server, &path, &admin).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // The number is never given again; the identifier is free again.
    let again = new_token(&server, &admin, json!({ "identifier": "ana@example.com" })).await;
    assert_eq!(number(&again), n + 1);
    let csv = audit_csv(&server, &admin).await;
    for entry in [
        "access_token.create",
        "access_token.set_not_effective",
        "access_token.set_effective",
        "accounts_receivable.link",
        "accounts_receivable.unlink",
        "access_token.delete",
    ] {
        assert!(csv.contains(entry), "{entry} in\n{csv}");
    }
    server.stop().await;
}

#[tokio::test]
async fn not_effective_is_refused_while_a_rewards_participant_is_not_terminated() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;
    let acc = account(&server, &admin, "Acme Field Services").await;
    let other = account(&server, &admin, "Other").await;
    let rp = participant(&server, &admin, "Ana's rewards", acc).await;
    // Attributes, Rewards Participant: "should also be related with that Accounts Receivable".
    refused(
        &post(
            &server,
            "/api/v1/access-tokens",
            &admin,
            json!({ "identifier": "x@example.com", "accounts_receivable_id": other, "rewards_participant_id": rp }),
        )
        .await,
        StatusCode::CONFLICT,
        "participant_other_account",
    );
    refused(
        &post(
            &server,
            "/api/v1/access-tokens",
            &admin,
            json!({ "identifier": "x@example.com", "rewards_participant_id": 999 }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let token = new_token(
        &server,
        &admin,
        json!({ "identifier": "ana@example.com", "accounts_receivable_id": acc, "rewards_participant_id": rp }),
    )
    .await;
    let n = number(&token);
    // Edit: "Rewards Participant or Accounts Receivable cannot be removed/updated once set (via Access Token
    // Screens)"; sending them back unchanged is fine.
    let path = format!("/api/v1/access-tokens/{n}");
    for body in [
        json!({ "accounts_receivable_id": other }),
        json!({ "accounts_receivable_id": null }),
        json!({ "rewards_participant_id": null }),
    ] {
        refused(
            &call(&server, Method::PATCH, &path, Some(&admin), Some(body)).await,
            StatusCode::CONFLICT,
            "association_locked",
        );
    }
    let (status, same) = call(
        &server,
        Method::PATCH,
        &path,
        Some(&admin),
        Some(json!({ "accounts_receivable_id": acc, "rewards_participant_id": rp })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{same}");

    // Edit: "cannot be set as 'Not Effective' if it is related to any entity of Rewards Participants which is 'Not
    // Terminated'".
    refused(
        &action(&server, &admin, n, "set-not-effective").await,
        StatusCode::CONFLICT,
        "participant_not_terminated",
    );
    let (status, terminated) = terminate(&server, &admin, PARTICIPANTS, rp).await;
    assert_eq!(status, StatusCode::OK, "{terminated}");
    assert_eq!(terminated["terminated"], true);
    refused(
        &terminate(&server, &admin, PARTICIPANTS, rp).await,
        StatusCode::CONFLICT,
        "already_terminated",
    );
    let (status, off) = action(&server, &admin, n, "set-not-effective").await;
    assert_eq!(status, StatusCode::OK, "{off}");
    assert_eq!(off["state"], "not_effective");
    let (_, participants) = get(&server, "/api/v1/rewards-participants", &admin).await;
    assert_eq!(participants["items"][0]["accounts_receivable_id"], acc);
    server.stop().await;
}

#[tokio::test]
async fn links_are_made_and_removed_from_the_accounts_receivable_and_participant_side() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;
    let acc = account(&server, &admin, "A").await;
    let other = account(&server, &admin, "B").await;
    let rp_other = participant(&server, &admin, "B's participant", other).await;
    let n = new_number(&server, &admin, json!({ "identifier": "ana@example.com" })).await;

    let (status, _) = link(&server, &admin, ACCOUNTS, acc, n).await;
    assert_eq!(status, StatusCode::OK);
    refused(
        &link(&server, &admin, ACCOUNTS, other, n).await,
        StatusCode::CONFLICT,
        "already_associated",
    );
    refused(
        &link(&server, &admin, PARTICIPANTS, rp_other, n).await,
        StatusCode::CONFLICT,
        "participant_other_account",
    );
    refused(
        &unlink(&server, &admin, ACCOUNTS, other, n).await,
        StatusCode::CONFLICT,
        "not_associated",
    );
    refused(
        &link(&server, &admin, ACCOUNTS, 999, n).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    refused(
        &link(&server, &admin, ACCOUNTS, 1, 0).await,
        StatusCode::BAD_REQUEST,
        "bad_id",
    );
    // The definition does not set tokens 'Not Effective' on removing the last association: the state stays.
    let (status, removed) = unlink(&server, &admin, ACCOUNTS, acc, n).await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed["state"], "effective");
    assert_eq!(removed["accounts_receivable_id"], Value::Null);
    let unchanged = json!({ "outcome": "unchanged", "reason": "definition_disabled" });
    assert_eq!(removed["automatic"], unchanged, "{removed}");
    server.stop().await;
}

#[tokio::test]
async fn automatic_not_effective_on_removing_the_last_association_and_on_terminating_the_account() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let mut body = generated_definition("Automatic");
    body["not_effective_on_last_removal"] = json!(true);
    let definition = define(&server, &admin, body).await;
    assert_eq!(definition["not_effective_on_last_removal"], true);
    let acc = account(&server, &admin, "A").await;
    let rp = participant(&server, &admin, "P", acc).await;

    let set_not_effective = json!({ "outcome": "set_not_effective" });

    // "On removing them from Accounts Receivable", with no other association left.
    let a = new_number(
        &server,
        &admin,
        json!({ "identifier": "a@example.com", "accounts_receivable_id": acc }),
    )
    .await;
    let (_, removed) = unlink(&server, &admin, ACCOUNTS, acc, a).await;
    assert_eq!(removed["automatic"], set_not_effective, "{removed}");
    assert_eq!(removed["state"], "not_effective");

    // With a rewards participant still linked the state stays; removing that last one sets it 'Not Effective'
    // ("On removing them from Rewards Participants").
    let b = new_number(
        &server,
        &admin,
        json!({ "identifier": "b@example.com", "accounts_receivable_id": acc, "rewards_participant_id": rp }),
    )
    .await;
    let (_, kept) = unlink(&server, &admin, ACCOUNTS, acc, b).await;
    let unchanged = json!({ "outcome": "unchanged", "reason": "other_association" });
    assert_eq!(kept["automatic"], unchanged, "{kept}");
    assert_eq!(kept["state"], "effective");
    let (_, removed) = unlink(&server, &admin, PARTICIPANTS, rp, b).await;
    assert_eq!(removed["automatic"], set_not_effective, "{removed}");
    assert_eq!(removed["state"], "not_effective");

    // "On Terminating Accounts Receivable": the link stays, the token is set 'Not Effective'.
    let c = new_number(
        &server,
        &admin,
        json!({ "identifier": "c@example.com", "accounts_receivable_id": acc }),
    )
    .await;
    let (status, terminated) = terminate(&server, &admin, ACCOUNTS, acc).await;
    assert_eq!(status, StatusCode::OK, "{terminated}");
    assert_eq!(terminated["terminated"], true);
    assert_eq!(terminated["access_tokens"][0]["number"], c);
    assert_eq!(
        terminated["access_tokens"][0]["outcome"],
        "set_not_effective"
    );
    let (_, token) = get(&server, &format!("/api/v1/access-tokens/{c}"), &admin).await;
    assert_eq!(token["state"], "not_effective");
    assert_eq!(token["accounts_receivable_id"], acc);
    refused(
        &terminate(&server, &admin, ACCOUNTS, acc).await,
        StatusCode::CONFLICT,
        "already_terminated",
    );
    server.stop().await;
}

/// Decision where seed 002 is silent: a terminated accounts receivable takes no new links (its tokens went 'Not
/// Effective' "On Terminating Accounts Receivable"). Each refusal writes nothing.
#[tokio::test]
async fn a_terminated_accounts_receivable_takes_no_new_tokens_or_participants() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Plain")).await;
    let acc = account(&server, &admin, "Closed").await;
    let free = new_number(&server, &admin, json!({ "identifier": "f@example.com" })).await;
    let (status, terminated) = terminate(&server, &admin, ACCOUNTS, acc).await;
    assert_eq!(status, StatusCode::OK, "{terminated}");

    refused(
        &link(&server, &admin, ACCOUNTS, acc, free).await,
        StatusCode::CONFLICT,
        "accounts_receivable_terminated",
    );
    let (_, token) = get(&server, &format!("/api/v1/access-tokens/{free}"), &admin).await;
    assert_eq!(token["accounts_receivable_id"], Value::Null, "{token}");

    refused(
        &post(
            &server,
            "/api/v1/rewards-participants",
            &admin,
            json!({ "name": "Late", "accounts_receivable_id": acc }),
        )
        .await,
        StatusCode::CONFLICT,
        "accounts_receivable_terminated",
    );
    let (_, participants) = get(&server, "/api/v1/rewards-participants", &admin).await;
    assert_eq!(participants["items"], json!([]), "{participants}");

    refused(
        &post(
            &server,
            "/api/v1/access-tokens",
            &admin,
            json!({ "identifier": "g@example.com", "accounts_receivable_id": acc }),
        )
        .await,
        StatusCode::CONFLICT,
        "accounts_receivable_terminated",
    );
    let (_, tokens) = get(&server, "/api/v1/access-tokens", &admin).await;
    assert_eq!(tokens["items"].as_array().unwrap().len(), 1, "{tokens}");
    let audit = audit_csv(&server, &admin).await;
    assert!(!audit.contains("rewards_participant.create"), "{audit}");
    assert!(!audit.contains("accounts_receivable.link"), "{audit}");
    server.stop().await;
}

/// Decision where seed 002 is silent: a terminated rewards participant takes no new tokens either (the seed shields
/// its tokens from 'Not Effective' only while it is 'Not Terminated'). Each refusal names it and writes nothing.
#[tokio::test]
async fn a_terminated_rewards_participant_takes_no_new_tokens() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Plain")).await;
    let acc = account(&server, &admin, "Acme Stores").await;
    let ana = participant(&server, &admin, "Ana", acc).await;
    let free = new_number(&server, &admin, json!({ "identifier": "f@example.com" })).await;
    let (status, terminated) = terminate(&server, &admin, PARTICIPANTS, ana).await;
    assert_eq!(status, StatusCode::OK, "{terminated}");
    let names_ana = |answer: &(StatusCode, Value)| {
        assert_eq!(
            answer.1["error"]["message"],
            format!(
                "rewards participant 'Ana' ({ana}) is terminated: it takes no new access tokens"
            ),
        );
    };

    let linked = link(&server, &admin, PARTICIPANTS, ana, free).await;
    refused(
        &linked,
        StatusCode::CONFLICT,
        "rewards_participant_terminated",
    );
    names_ana(&linked);
    let (_, token) = get(&server, &format!("/api/v1/access-tokens/{free}"), &admin).await;
    assert_eq!(token["rewards_participant_id"], Value::Null, "{token}");

    let create = post(
        &server,
        "/api/v1/access-tokens",
        &admin,
        json!({ "identifier": "g@example.com", "rewards_participant_id": ana }),
    )
    .await;
    refused(
        &create,
        StatusCode::CONFLICT,
        "rewards_participant_terminated",
    );
    names_ana(&create);
    let (_, tokens) = get(&server, "/api/v1/access-tokens", &admin).await;
    assert_eq!(tokens["items"].as_array().unwrap().len(), 1, "{tokens}");
    let audit = audit_csv(&server, &admin).await;
    assert!(!audit.contains("rewards_participant.link"), "{audit}");
    assert_eq!(audit.matches("access_token.create").count(), 1, "{audit}");
    server.stop().await;
}

/// Refusals about accounts receivable and rewards participants name them as people know them (the code stays the
/// program's key).
#[tokio::test]
async fn refusals_name_the_accounts_receivable_and_participants() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Plain")).await;
    let acme = account(&server, &admin, "Acme Stores").await;
    let globex = account(&server, &admin, "Globex").await;
    let ann = participant(&server, &admin, "Ann Lee", acme).await;
    let n = new_number(
        &server,
        &admin,
        json!({ "identifier": "ann@example.com", "rewards_participant_id": ann }),
    )
    .await;
    let message =
        |answer: &(StatusCode, Value)| answer.1["error"]["message"].as_str().unwrap().to_owned();

    let other = link(&server, &admin, ACCOUNTS, globex, n).await;
    refused(&other, StatusCode::CONFLICT, "participant_other_account");
    assert_eq!(
        message(&other),
        format!(
            "rewards participant 'Ann Lee' ({ann}) belongs to accounts receivable 'Acme Stores' ({acme}), not to \
             accounts receivable 'Globex' ({globex})"
        )
    );

    let kept = action(&server, &admin, n, "set-not-effective").await;
    refused(&kept, StatusCode::CONFLICT, "participant_not_terminated");
    assert!(
        message(&kept).contains("rewards participant 'Ann Lee'"),
        "{}",
        kept.1
    );

    assert_eq!(
        terminate(&server, &admin, ACCOUNTS, globex).await.0,
        StatusCode::OK
    );
    let again = terminate(&server, &admin, ACCOUNTS, globex).await;
    refused(&again, StatusCode::CONFLICT, "already_terminated");
    assert!(
        message(&again).contains("accounts receivable 'Globex'"),
        "{}",
        again.1
    );
    let closed = post(
        &server,
        "/api/v1/rewards-participants",
        &admin,
        json!({ "name": "Bo", "accounts_receivable_id": globex }),
    )
    .await;
    refused(
        &closed,
        StatusCode::CONFLICT,
        "accounts_receivable_terminated",
    );
    assert!(
        message(&closed).contains("accounts receivable 'Globex'"),
        "{}",
        closed.1
    );

    let gone = unlink(&server, &admin, ACCOUNTS, acme, n).await;
    refused(&gone, StatusCode::CONFLICT, "not_associated");
    assert_eq!(
        message(&gone),
        format!("access token {n} is not linked to accounts receivable 'Acme Stores' ({acme})")
    );
    server.stop().await;
}

#[tokio::test]
async fn pending_verification_is_left_only_by_verifying_and_its_code_can_be_reset() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let mut body = generated_definition("Verified");
    body["requires_verification"] = json!(true);
    define(&server, &admin, body).await;
    let token = new_token(&server, &admin, json!({ "identifier": "ana@example.com" })).await;
    let n = number(&token);
    assert_eq!(token["state"], "pending_verification");
    let first_code = token["verification_code"].as_str().unwrap().to_owned();
    assert_eq!(first_code.len(), 8);
    let (_, shown) = get(&server, &format!("/api/v1/access-tokens/{n}"), &admin).await;
    assert_eq!(
        shown["verification"]["code"],
        Value::Null,
        "a pending code is not shown again"
    );

    // "the Life Cycle State of Access Tokens which are 'Pending Verification' cannot be switched to 'Effective' or
    // 'Not Effective'".
    for what in ["set-effective", "set-not-effective"] {
        refused(
            &action(&server, &admin, n, what).await,
            StatusCode::CONFLICT,
            "pending_verification_locked",
        );
    }
    refused(
        &action(&server, &admin, n, "reset-pass-code").await,
        StatusCode::CONFLICT,
        "reset_pass_code_needs_effective",
    );
    // Operators cannot sign in yet.
    let pass_code = token["pass_code"].as_str().unwrap();
    refused(
        &sign_in(
            &server,
            json!({ "identifier": "ana@example.com", "pass_code": pass_code }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "access_token_pending_verification",
    );

    // Resetting Access Token Verification Code: a new code replaces the old one.
    let (status, reset) = action(&server, &admin, n, "reset-verification-code").await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    let code = reset["verification_code"].as_str().unwrap().to_owned();
    if first_code != code {
        refused(
            &verify(&server, &admin, n, &first_code).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_verification_code",
        );
    }
    let (status, verified) = verify(&server, &admin, n, &code).await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(verified["state"], "effective");
    assert_eq!(verified["verification"]["code"], code.as_str());
    assert_eq!(
        verified["verification"]["verified_by"],
        "Demo administrator"
    );
    assert!(verified["verification"]["verified_on"].is_string());
    refused(
        &verify(&server, &admin, n, &code).await,
        StatusCode::CONFLICT,
        "verify_needs_pending",
    );
    refused(
        &action(&server, &admin, n, "reset-verification-code").await,
        StatusCode::CONFLICT,
        "reset_verification_needs_pending",
    );
    let (status, _) = sign_in(
        &server,
        json!({ "identifier": "ana@example.com", "pass_code": pass_code }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // Wrong codes are limited: after five, even the right one is refused until the code is reset.
    let other = new_token(&server, &admin, json!({ "identifier": "bo@example.com" })).await;
    let m = number(&other);
    let right = other["verification_code"].as_str().unwrap().to_owned();
    let wrong = if right == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    for _ in 0..5 {
        refused(
            &verify(&server, &admin, m, wrong).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_verification_code",
        );
    }
    refused(
        &verify(&server, &admin, m, &right).await,
        StatusCode::CONFLICT,
        "verification_locked",
    );
    let (_, reset) = action(&server, &admin, m, "reset-verification-code").await;
    let code = reset["verification_code"].as_str().unwrap();
    let (status, _) = verify(&server, &admin, m, code).await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn operators_sign_in_only_with_effective_tokens() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;
    let token = new_token(&server, &admin, json!({ "identifier": "ana@example.com" })).await;
    let n = number(&token);
    let pass_code = token["pass_code"].as_str().unwrap().to_owned();
    let auth_code = token["authentication_code"].as_str().unwrap().to_owned();

    let (status, session) = sign_in(
        &server,
        json!({ "identifier": "ana@example.com", "pass_code": pass_code }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    assert_eq!(session["operator"]["number"], n);
    assert!(session["expires_at"].is_string());
    let bearer = session["token"].as_str().unwrap().to_owned();
    let (status, me) = get(&server, "/api/v1/me", &bearer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me["token"]["name"],
        format!("operator #{n} (ana@example.com)")
    );
    assert_eq!(me["permissions"], json!([]));
    // A session may read the offline bundle and sync, nothing an administrator does.
    let (status, _) = get(&server, "/api/v1/offline-bundle", &bearer).await;
    assert_eq!(status, StatusCode::OK);
    refused(
        &get(&server, "/api/v1/access-tokens", &bearer).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    // By the authentication code alone: only a token with no identifier and no pass code (issue 18: this token's
    // code alone used to sign in).
    refused(
        &sign_in(&server, json!({ "authentication_code": auth_code })).await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );
    let badge = new_token(&server, &admin, json!({})).await;
    let badge_code = badge["authentication_code"].as_str().unwrap().to_owned();
    let (status, by_code) = sign_in(&server, json!({ "authentication_code": badge_code })).await;
    assert_eq!(status, StatusCode::CREATED, "{by_code}");
    assert_eq!(by_code["operator"]["number"], number(&badge));

    // Wrong or unknown credentials are one answer.
    for body in [
        json!({ "identifier": "ana@example.com", "pass_code": "wrong-pass-1" }),
        json!({ "identifier": "nobody@example.com", "pass_code": pass_code }),
        json!({ "authentication_code": "not-a-code" }),
    ] {
        refused(
            &sign_in(&server, body).await,
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
        );
    }
    for body in [
        json!({ "identifier": "ana@example.com" }),
        json!({ "identifier": "ana@example.com", "pass_code": pass_code, "authentication_code": auth_code }),
        json!({}),
    ] {
        refused(
            &sign_in(&server, body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_sign_in",
        );
    }

    // Seed 002, Attributes, Life Cycle State: "Only 'Effective' Access Tokens can be used to access the System."
    action(&server, &admin, n, "set-not-effective").await;
    let answer = sign_in(
        &server,
        json!({ "identifier": "ana@example.com", "pass_code": pass_code }),
    )
    .await;
    refused(&answer, StatusCode::FORBIDDEN, "access_token_not_effective");
    assert!(
        answer.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'Not Effective'"),
        "{}",
        answer.1
    );
    action(&server, &admin, number(&badge), "set-not-effective").await;
    refused(
        &sign_in(&server, json!({ "authentication_code": badge_code })).await,
        StatusCode::FORBIDDEN,
        "access_token_not_effective",
    );
    // The sessions signed in before stop working, and do not come back with the token.
    refused(
        &get(&server, "/api/v1/me", &bearer).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    action(&server, &admin, n, "set-effective").await;
    refused(
        &get(&server, "/api/v1/me", &bearer).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );

    // Reset Pass Code: the old one stops working, the new one is shown once and works.
    let (status, reset) = action(&server, &admin, n, "reset-pass-code").await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    let new_pass = reset["pass_code"].as_str().unwrap().to_owned();
    assert_ne!(new_pass, pass_code);
    refused(
        &sign_in(
            &server,
            json!({ "identifier": "ana@example.com", "pass_code": pass_code }),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );
    let (status, session) = sign_in(
        &server,
        json!({ "identifier": "ana@example.com", "pass_code": new_pass }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let bearer = session["token"].as_str().unwrap().to_owned();
    let (status, _) = delete(&server, "/api/v1/operator/session", &bearer).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    refused(
        &get(&server, "/api/v1/me", &bearer).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    refused(
        &delete(&server, "/api/v1/operator/session", &admin).await,
        StatusCode::FORBIDDEN,
        "not_an_operator_session",
    );

    let csv = audit_csv(&server, &admin).await;
    assert!(csv.contains("operator.sign_in,"), "{csv}");
    assert!(csv.contains("operator.sign_in_failed"), "{csv}");
    assert!(csv.contains("access_token_not_effective"), "{csv}");
    assert!(csv.contains("operator.sign_out"), "{csv}");
    server.stop().await;
}

#[tokio::test]
async fn redemptions_synced_with_an_operator_session_carry_the_operator() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;
    let token = new_token(&server, &admin, json!({ "identifier": "ana@example.com" })).await;
    let n = number(&token);
    let (_, session) = sign_in(
        &server,
        json!({ "identifier": "ana@example.com", "pass_code": token["pass_code"] }),
    )
    .await;
    let bearer = session["token"].as_str().unwrap();
    let (_, actions) = get(&server, "/api/v1/action-tokens", &admin).await;
    let (_, devices) = get(&server, "/api/v1/devices", &admin).await;
    let code = actions["items"][0]["code"].as_str().unwrap();
    let device = devices["items"][0]["id"].as_u64().unwrap();
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64; // not earlier: a scan dated before its token was created is `clock`
    let (status, answer) = call(
        &server,
        Method::POST,
        "/api/v1/sync",
        Some(bearer),
        Some(json!({ "redemptions": [{ "id": "op-1", "token": code, "device_id": device, "scanned_at": at }] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
    let operator: Option<i64> =
        sqlx::query_scalar("SELECT operator FROM redemptions WHERE id = 'op-1'")
            .fetch_one(&server.db)
            .await
            .unwrap();
    assert_eq!(operator, Some(n as i64));
    let csv = audit_csv(&server, &admin).await;
    let line = csv
        .lines()
        .find(|l| l.contains("redemption.apply"))
        .unwrap();
    assert!(
        line.contains(&format!("operator #{n} (ana@example.com)")),
        "{line}"
    );
    assert!(line.contains(&format!("\"\"operator\"\":{n}")), "{line}");
    server.stop().await;
}

/// Issue 18: "org B's admin sets its own access token's pass code to guess G, then signs in with org A's identifier
/// and G: 201 while G is wrong, 409 org_required when G is A's pass code". The organisation comes first: without
/// `org`, an identifier of several organisations is 409 whatever the pass code; with `org`, only that
/// organisation's token is tried.
#[tokio::test]
async fn sign_in_names_its_organisation_first_and_never_tells_another_organisations_pass_code() {
    let server = TestServer::start().await;
    let admin_a = server.seed("Acme").await;
    let admin_b = server.seed("Beta").await;
    let typed = json!({
        "name": "Operators",
        "settings": {
            "identifier": { "source": "email" },
            "pass_code": { "generated": false, "min_length": 10, "min_digits": 2 },
            "authentication_code": { "source": "auto_id", "min_length": 16 }
        }
    });
    define(&server, &admin_a, typed.clone()).await;
    define(&server, &admin_b, typed).await;
    let a_pass = "alpha-secret-42";
    new_token(
        &server,
        &admin_a,
        json!({ "identifier": "ana@example.com", "pass_code": a_pass }),
    )
    .await;
    let (_, me_a) = get(&server, "/api/v1/me", &admin_a).await;
    let (_, me_b) = get(&server, "/api/v1/me", &admin_b).await;
    let (org_a, org_b) = (&me_a["org"]["id"], &me_b["org"]["id"]);
    // Org B's admin gives its own token A's identifier and a guess as pass code, guess after guess.
    let b_token = new_token(
        &server,
        &admin_b,
        json!({ "identifier": "ana@example.com", "pass_code": "guess-number-01" }),
    )
    .await;
    for guess in ["guess-number-01", a_pass] {
        call(
            &server,
            Method::PATCH,
            &format!("/api/v1/access-tokens/{}", number(&b_token)),
            Some(&admin_b),
            Some(json!({ "pass_code": guess })),
        )
        .await;
        // Without `org`: the same answer whether the guess is A's pass code or not.
        refused(
            &sign_in(
                &server,
                json!({ "identifier": "ana@example.com", "pass_code": guess }),
            )
            .await,
            StatusCode::CONFLICT,
            "org_required",
        );
    }
    // With `org`, each organisation's own token.
    let (status, session) = sign_in(
        &server,
        json!({ "identifier": "ana@example.com", "pass_code": a_pass, "org": org_b }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    assert_eq!(&session["org"]["id"], org_b);
    let (status, session) = sign_in(
        &server,
        json!({ "identifier": "ana@example.com", "pass_code": a_pass, "org": org_a }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    assert_eq!(&session["org"]["id"], org_a);
    refused(
        &sign_in(
            &server,
            json!({ "identifier": "ana@example.com", "pass_code": "guess-number-02", "org": org_a }),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );
    server.stop().await;
}

/// Issue 18: "with auto-numbered codes that code is `000002`": an auto-numbered authentication code never signs in
/// alone, nor does any code while the active definition does not allow tokens without identifier and pass code.
#[tokio::test]
async fn the_authentication_code_alone_never_signs_in_an_auto_numbered_code() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(
        &server,
        &admin,
        json!({
            "name": "Badges",
            "settings": {
                "identifier": { "source": "email" },
                "pass_code": { "generated": true, "min_length": 10, "min_digits": 2 },
                "authentication_code": { "source": "auto_number", "min_length": 6 }
            }
        }),
    )
    .await;
    let badge = new_token(&server, &admin, json!({})).await;
    let code = badge["authentication_code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    refused(
        &sign_in(&server, json!({ "authentication_code": code })).await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );
    // A random code signs in alone while the active definition allows it, and no longer once it does not.
    define(&server, &admin, generated_definition("Random")).await;
    let random = new_token(&server, &admin, json!({})).await;
    let code = random["authentication_code"].as_str().unwrap().to_owned();
    let (status, session) = sign_in(&server, json!({ "authentication_code": code })).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let mut strict = generated_definition("Strict");
    strict["allow_without_identifier_and_pass_code"] = json!(false);
    define(&server, &admin, strict).await;
    refused(
        &sign_in(&server, json!({ "authentication_code": code })).await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );
    let csv = audit_csv(&server, &admin).await;
    assert!(csv.contains("code_alone_not_allowed"), "{csv}");
    server.stop().await;
}

/// Issue 18: with an operator session a scan was "bounded only by that session's previous sync; every sign-in
/// starts a new session with no bound". The mark belongs to the operator's access token: signing in again keeps it.
#[tokio::test]
async fn an_operators_clock_mark_survives_a_new_sign_in() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;
    let token = new_token(&server, &admin, json!({ "identifier": "ana@example.com" })).await;
    let credentials = json!({ "identifier": "ana@example.com", "pass_code": token["pass_code"] });
    // The seeded action tokens are made a day old: only the operator's mark bounds these scans.
    sqlx::query("UPDATE action_tokens SET created_at = created_at - 86400000")
        .execute(&server.db)
        .await
        .unwrap();
    let (_, actions) = get(&server, "/api/v1/action-tokens", &admin).await;
    let (_, devices) = get(&server, "/api/v1/devices", &admin).await;
    let code = actions["items"][0]["code"].as_str().unwrap();
    let device = devices["items"][0]["id"].as_u64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let sync = |bearer: String, id: &'static str, at: i64| {
        let server = &server;
        async move {
            let (status, answer) = call(
                server,
                Method::POST,
                "/api/v1/sync",
                Some(&bearer),
                Some(json!({ "redemptions": [{ "id": id, "token": code, "device_id": device, "scanned_at": at }] })),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            answer["results"][0].clone()
        }
    };
    let (_, first) = sign_in(&server, credentials.clone()).await;
    let first = first["token"].as_str().unwrap().to_owned();
    assert_eq!(
        sync(first.clone(), "m-1", now - 1_000).await["status"],
        "applied"
    );

    // A new sign-in, a scan dated an hour before the accepted one: refused, as it would be in the first session.
    let (_, second) = sign_in(&server, credentials).await;
    let second = second["token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let result = sync(second.clone(), "m-2", now - 3_600_000).await;
    assert_eq!(
        (&result["status"], &result["reason"]),
        (&json!("rejected"), &json!("clock")),
        "{result}"
    );
    assert_eq!(sync(first, "m-3", now - 3_600_000).await["reason"], "clock");
    assert_eq!(sync(second, "m-4", now).await["status"], "applied");
    server.stop().await;
}

/// Every access token endpoint that needs a permission: route, body, permission.
fn guarded() -> Vec<(&'static str, Option<Value>, &'static str)> {
    let read = "fms.accesstoken.read";
    let create = "fms.accesstoken.create";
    let update = "fms.accesstoken.update";
    vec![
        ("GET /api/v1/access-tokens", None, read),
        ("GET /api/v1/access-tokens/1", None, read),
        ("POST /api/v1/access-tokens", Some(json!({})), create),
        ("PATCH /api/v1/access-tokens/1", Some(json!({})), update),
        (
            "DELETE /api/v1/access-tokens/1",
            None,
            "fms.accesstoken.delete",
        ),
        ("POST /api/v1/access-tokens/1/set-effective", None, update),
        (
            "POST /api/v1/access-tokens/1/set-not-effective",
            None,
            update,
        ),
        ("POST /api/v1/access-tokens/1/reset-pass-code", None, update),
        (
            "POST /api/v1/access-tokens/1/reset-verification-code",
            None,
            update,
        ),
        (
            "POST /api/v1/access-tokens/1/verify",
            Some(json!({ "verification_code": "1" })),
            update,
        ),
        ("GET /api/v1/access-token-definitions", None, read),
        (
            "POST /api/v1/access-token-definitions",
            Some(json!({ "name": "D" })),
            create,
        ),
        (
            "POST /api/v1/access-token-definitions/1/activate",
            None,
            update,
        ),
        ("GET /api/v1/access-token-classifications", None, read),
        (
            "POST /api/v1/access-token-classifications",
            Some(json!({ "name": "C" })),
            create,
        ),
        ("GET /api/v1/accounts-receivable", None, read),
        (
            "POST /api/v1/accounts-receivable",
            Some(json!({ "name": "A" })),
            create,
        ),
        ("POST /api/v1/accounts-receivable/1/terminate", None, update),
        (
            "POST /api/v1/accounts-receivable/1/access-tokens/1",
            None,
            update,
        ),
        (
            "DELETE /api/v1/accounts-receivable/1/access-tokens/1",
            None,
            update,
        ),
        ("GET /api/v1/rewards-participants", None, read),
        (
            "POST /api/v1/rewards-participants",
            Some(json!({ "name": "P", "accounts_receivable_id": 1 })),
            create,
        ),
        (
            "POST /api/v1/rewards-participants/1/terminate",
            None,
            update,
        ),
        (
            "POST /api/v1/rewards-participants/1/access-tokens/1",
            None,
            update,
        ),
        (
            "DELETE /api/v1/rewards-participants/1/access-tokens/1",
            None,
            update,
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_is_401_without_a_token_and_403_without_its_permission() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let all = [
        "fms.accesstoken.read",
        "fms.accesstoken.create",
        "fms.accesstoken.update",
        "fms.accesstoken.delete",
    ];
    for (route, body, permission) in guarded() {
        let (method, path) = support::route(route);
        let (status, answer) = call(&server, method.clone(), path, None, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: {answer}"
        );
        let others: Vec<&str> = all.iter().copied().filter(|p| *p != permission).collect();
        let without = token_with(&server, &admin, &others).await;
        let answer = call(&server, method.clone(), path, Some(&without), body.clone()).await;
        refused(&answer, StatusCode::FORBIDDEN, "forbidden");
        // With the permission the request gets past the check (to its own answer, never a 5xx).
        let with = token_with(&server, &admin, &[permission]).await;
        let (status, answer) = call(&server, method.clone(), path, Some(&with), body).await;
        assert!(
            status != StatusCode::FORBIDDEN
                && status != StatusCode::UNAUTHORIZED
                && !status.is_server_error(),
            "{method} {path}: {status} {answer}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_input_is_a_json_4xx_never_a_5xx() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;
    for (route, body) in [
        ("POST /api/v1/access-tokens", json!({ "identifier": 5 })),
        (
            "POST /api/v1/access-tokens",
            json!({ "classification_id": 0 }),
        ),
        (
            "POST /api/v1/access-tokens",
            json!({ "identifier": "a\u{7}@example.com" }),
        ),
        (
            "POST /api/v1/access-tokens",
            json!({ "identifier": "x".repeat(10_000) }),
        ),
        (
            "POST /api/v1/access-token-definitions",
            json!({ "name": "", "settings": {} }),
        ),
        (
            "POST /api/v1/access-token-definitions",
            json!({ "name": "X", "settings": { "identifier": { "source": "telepathy" } } }),
        ),
        (
            "POST /api/v1/access-token-definitions",
            json!({ "name": "X", "settings": { "pass_code": { "generated": true, "min_length": 300 } } }),
        ),
        (
            "POST /api/v1/access-token-definitions",
            json!({ "name": "X", "settings": { "pass_code": { "generated": true, "min_length": 200 } } }),
        ),
        (
            "POST /api/v1/rewards-participants",
            json!({ "name": "P", "accounts_receivable_id": 0 }),
        ),
        ("POST /api/v1/accounts-receivable", json!({ "name": "\n" })),
        (
            "POST /api/v1/operator/session",
            json!({ "identifier": "a", "pass_code": "p".repeat(100_000) }),
        ),
        (
            "POST /api/v1/operator/session",
            json!({ "authentication_code": 7 }),
        ),
        ("GET /api/v1/access-tokens?state=sleeping", Value::Null),
        ("GET /api/v1/access-tokens?cursor=-1", Value::Null),
        (
            "POST /api/v1/access-token-definitions/99/activate",
            Value::Null,
        ),
    ] {
        let (method, path) = support::route(route);
        let body = (!body.is_null()).then_some(body);
        let (status, answer) = call(&server, method.clone(), path, Some(&admin), body).await;
        assert!(
            status.is_client_error(),
            "{method} {path}: {status} {answer}"
        );
        assert!(
            answer["error"]["code"].is_string(),
            "{method} {path}: {answer}"
        );
    }
    server.stop().await;
}

/// The names of the active definitions, as the list shows them.
async fn active_definitions(server: &TestServer, admin: &str) -> Vec<String> {
    let (_, list) = get(server, "/api/v1/access-token-definitions", admin).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["active"] == true)
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn definitions_are_one_active_at_a_time() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let first = define(&server, &admin, generated_definition("First")).await;
    let second = define(&server, &admin, generated_definition("Second")).await;
    assert_eq!(active_definitions(&server, &admin).await, ["Second"]);
    assert_eq!(second["active"], true);
    let (status, activated) = post(
        &server,
        &format!("/api/v1/access-token-definitions/{}/activate", first["id"]),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{activated}");
    assert_eq!(active_definitions(&server, &admin).await, ["First"]);
    refused(
        &post(
            &server,
            "/api/v1/access-token-definitions",
            &admin,
            generated_definition("First"),
        )
        .await,
        StatusCode::CONFLICT,
        "name_taken",
    );
    server.stop().await;
}

#[tokio::test]
async fn the_database_alone_holds_no_pass_code_authentication_code_or_session() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    let mut body = generated_definition("Operators");
    body["requires_verification"] = json!(true);
    define(&server, &admin, body).await;
    let mut secrets = Vec::new();
    for who in ["ana", "bo", "cy"] {
        let token = new_token(
            &server,
            &admin,
            json!({ "identifier": format!("{who}@example.com") }),
        )
        .await;
        secrets.push(token["pass_code"].as_str().unwrap().to_owned());
        secrets.push(token["authentication_code"].as_str().unwrap().to_owned());
        secrets.push(token["verification_code"].as_str().unwrap().to_owned());
        let n = number(&token);
        let (_, reset) = action(&server, &admin, n, "reset-verification-code").await;
        let code = reset["verification_code"].as_str().unwrap();
        verify(&server, &admin, n, code).await;
        let (_, reset) = action(&server, &admin, n, "reset-pass-code").await;
        let pass = reset["pass_code"].as_str().unwrap().to_owned();
        let (_, session) = sign_in(
            &server,
            json!({ "identifier": format!("{who}@example.com"), "pass_code": pass }),
        )
        .await;
        secrets.push(pass);
        secrets.push(session["token"].as_str().unwrap().to_owned());
    }
    let copy = server.database_copy();
    let holds = |needle: &[u8]| copy.windows(needle.len()).any(|w| w == needle);
    for secret in &secrets {
        assert!(!holds(secret.as_bytes()), "{secret} lies in the database");
    }
    assert!(
        holds(b"$argon2id$"),
        "pass codes are stored as Argon2id hashes"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_damaged_stored_token_or_definition_is_503_damaged_row_never_a_4xx() {
    let server = TestServer::start().await;
    let admin = server.seed("Acme").await;
    define(&server, &admin, generated_definition("Operators")).await;
    let n = new_number(&server, &admin, json!({ "identifier": "ana@example.com" })).await;
    // An identifier the core never accepts: the row is damaged, the request was fine.
    sqlx::query("UPDATE access_tokens SET identifier = '' WHERE number = ?")
        .bind(n as i64)
        .execute(&server.db)
        .await
        .unwrap();
    refused(
        &get(&server, &format!("/api/v1/access-tokens/{n}"), &admin).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "damaged_row",
    );
    refused(
        &get(&server, "/api/v1/access-tokens", &admin).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "damaged_row",
    );
    sqlx::query("UPDATE access_token_definitions SET name = ''")
        .execute(&server.db)
        .await
        .unwrap();
    refused(
        &get(&server, "/api/v1/access-token-definitions", &admin).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "damaged_row",
    );
    server.stop().await;
}
