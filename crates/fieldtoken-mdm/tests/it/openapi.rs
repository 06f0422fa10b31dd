//! `GET /api/openapi.json`: a valid OpenAPI 3 document, derived from the router's handlers and the wire types. It
//! documents every route by construction (a route is registered together with its description); these tests check
//! that what it says is what the server does.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{TestServer, call};

#[tokio::test]
async fn the_document_describes_every_route() {
    let server = TestServer::start().await;
    let response = reqwest::get(format!("{}/api/openapi.json", server.url))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc: Value = response.json().await.expect("the document is JSON");
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for schema in [
        "ActionToken",
        "ErrorBody",
        "SyncRequest",
        "SyncResponse",
        "OfflineBundle",
        "Device",
        "Role",
        "User",
        "SigningKey",
        "AccessToken",
        "AccessTokenDefinition",
        "OperatorSession",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }

    let mut documented = BTreeSet::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let description = operation["description"].as_str().unwrap_or_default();
            assert!(!description.is_empty(), "{method} {path} has a description");
            let guarded = operation.get("security") != Some(&serde_json::json!([{}]));
            if guarded {
                // Guarded operations name what they need: a permission, any valid token, or an operator session.
                assert!(
                    description.contains("Permission `")
                        || description.contains("Any valid token")
                        || description.contains("Anonymous")
                        || description.contains("An operator session only"),
                    "{method} {path}: {description}"
                );
            }
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    assert!(documented.len() >= 50, "the document has {documented:?}");
    // Every documented operation is served: none of them is the unknown-endpoint 404 or a 405.
    for (method, path) in &documented {
        let concrete = path
            .replace("{id}", "1")
            .replace("{number}", "1")
            .replace("{key_id}", "1");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let (status, answer) = call(&server, method.clone(), &concrete, None, None).await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.starts_with("no API endpoint"),
            "{method} {path} is documented but not routed"
        );
    }

    // Public: no sign-in needed, and an API path that does not exist is still a JSON 404.
    let (status, _) = call(&server, Method::GET, "/api/openapi.yaml", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

/// Every operation documents the refusals every request may meet; one that takes a bearer token documents 401, one
/// that needs a permission 403; every refusal's body is the one error shape.
#[tokio::test]
async fn every_operation_documents_its_refusals_with_the_error_shape() {
    let server = TestServer::start().await;
    let (_, doc) = call(&server, Method::GET, "/api/openapi.json", None, None).await;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            for always in ["429", "503"] {
                assert!(
                    responses.contains_key(always),
                    "{method} {path} lacks {always}"
                );
            }
            if operation.get("security") != Some(&serde_json::json!([{}])) {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
            let description = operation["description"].as_str().unwrap_or_default();
            if description.contains("Permission `") {
                assert!(responses.contains_key("403"), "{method} {path} lacks 403");
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    server.stop().await;
}

/// The closed lists are the core's own: error codes (the core's and the server's) and permissions are enums in the
/// schema, with exactly the values the code knows.
#[tokio::test]
async fn enumerations_are_the_cores_own_lists() {
    let server = TestServer::start().await;
    let (_, doc) = call(&server, Method::GET, "/api/openapi.json", None, None).await;
    let schemas = &doc["components"]["schemas"];
    let listed = |schema: &Value| -> BTreeSet<String> {
        schema["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("an enum: {schema}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let codes: BTreeSet<String> = fieldtoken_api::ErrorCode::all()
        .map(str::to_owned)
        .collect();
    assert_eq!(listed(&schemas["ErrorCode"]), codes);
    for kind in fieldtoken_core::ErrorKind::ALL {
        assert!(codes.contains(kind.code()), "{kind}");
    }
    let permissions: BTreeSet<String> = fieldtoken_core::Permission::ALL
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect();
    assert_eq!(listed(&schemas["Permission"]), permissions);
    // Every error an answer carried in this run is on the list.
    let mut seen = BTreeMap::new();
    for path in ["/api/v1/nowhere", "/api/v1/devices/0", "/api/v1/me"] {
        let (status, answer) = call(&server, Method::GET, path, None, None).await;
        seen.insert(
            path,
            (status, answer["error"]["code"].as_str().unwrap().to_owned()),
        );
    }
    for (path, (_, code)) in &seen {
        assert!(codes.contains(code), "{path}: {code}");
    }
    server.stop().await;
}
