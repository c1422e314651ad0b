//! The error contract on bad input of every kind, the system endpoints and the OpenAPI document.

use crate::db_tests;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn raw(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut req = app
        .http
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(ADMIN_TOKEN)
        .body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = req.send().await.expect("sent");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn error(code: &str, ty: &str, message: &str) -> Value {
    json!({"code": code, "type": ty, "message": message, "link": format!("/api/errors#{code}")})
}

async fn bad_input_of_every_kind_answers_with_the_contract(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let post = reqwest::Method::POST;
    let path = "/api/v1/office/subjects";
    let (s, b) = raw(
        &app,
        post.clone(),
        path,
        Some("application/json"),
        b"{\"kind\": ".to_vec(),
    )
    .await;
    assert_eq!(
        (s, b),
        (
            StatusCode::BAD_REQUEST,
            error(
                "malformed_payload",
                "invalid_request",
                "The body is not valid JSON: kind: EOF while parsing a value at line 1 column 9"
            )
        )
    );
    let (s, b) = raw(
        &app,
        post.clone(),
        path,
        Some("application/json"),
        br#"{"kind": 1, "name": "x"}"#.to_vec(),
    )
    .await;
    assert_eq!(
        (s, b),
        (
            StatusCode::BAD_REQUEST,
            error(
                "invalid_request_body",
                "invalid_request",
                "The body does not fit: kind: invalid type: integer `1`, expected a string at line 1 column 10"
            )
        )
    );
    let (s, b) = raw(
        &app,
        post.clone(),
        path,
        Some("application/json"),
        br#"{"kind": "legal_person", "name": "x", "colour": "red"}"#.to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(b["code"], "invalid_request_body");
    assert!(
        b["message"]
            .as_str()
            .is_some_and(|m| m.contains("unknown field `colour`")),
        "{b}"
    );
    let (s, b) = raw(&app, post.clone(), path, Some("text/plain"), b"{}".to_vec()).await;
    assert_eq!(
        (s, b),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            error(
                "invalid_content_type",
                "invalid_request",
                "Send the body as JSON with `Content-Type: application/json`."
            )
        )
    );
    let big = format!(
        "{{\"kind\": \"legal_person\", \"name\": \"{}\"}}",
        "x".repeat(100 * 1024)
    );
    let (s, b) = raw(
        &app,
        post.clone(),
        path,
        Some("application/json"),
        big.into_bytes(),
    )
    .await;
    assert_eq!(
        (s, b),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            error(
                "payload_too_large",
                "invalid_request",
                "The body is larger than the server accepts."
            )
        )
    );
    let (s, b) = app
        .get("/api/v1/office/subjects/not-a-uuid", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(b["code"], "invalid_path_parameter");
    let (s, b) = app
        .get(
            &format!("/api/v1/office/subjects/{}", uuid::Uuid::nil()),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(
        (s, b),
        (
            StatusCode::NOT_FOUND,
            error(
                "subject_not_found",
                "invalid_request",
                "Subject `00000000-0000-0000-0000-000000000000` not found."
            )
        )
    );
    let (s, b) = app.get("/no/such/route", None).await;
    assert_eq!(
        (s, b),
        (
            StatusCode::NOT_FOUND,
            error(
                "route_not_found",
                "invalid_request",
                "No route matches this path."
            )
        )
    );
    let (s, b) = raw(&app, reqwest::Method::DELETE, path, None, Vec::new()).await;
    assert_eq!(
        (s, b),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            error(
                "method_not_allowed",
                "invalid_request",
                "This path does not accept this method."
            )
        )
    );
    let (s, b) = app
        .get("/api/v1/office/subjects?page=0", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(
        (s, b),
        (
            StatusCode::BAD_REQUEST,
            error(
                "invalid_query_parameter",
                "invalid_request",
                "`page`: `0` must be between 1 and 10000"
            )
        )
    );
    let (s, b) = app
        .get("/api/v1/office/subjects?kind=robot", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(b["code"], "invalid_query_parameter");
    assert_eq!(app.count(entity::subject::Entity).await, 0);
}

async fn health_readiness_and_the_error_table_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(
        app.get("/healthz", None).await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    assert_eq!(
        app.get("/readyz", None).await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    let (s, table) = app.get("/api/errors", None).await;
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<&str> = table
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert_eq!(codes.len(), xinyong::error::ErrorCode::ALL.len());
    assert!(codes.contains(&"invalid_subject_uscc"));
    // Readiness follows the database.
    app.state.db.clone().close().await.expect("close");
    let (s, b) = app.get("/readyz", None).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(b["code"], "database_unavailable");
}

async fn the_openapi_document_covers_every_endpoint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (s, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    let mut paths: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    paths.sort();
    let expected = [
        "/api/docs",
        "/api/errors",
        "/api/v1/lists/{list}",
        "/api/v1/lookup",
        "/api/v1/notices",
        "/api/v1/notices/{id}",
        "/api/v1/objections",
        "/api/v1/objections/{id}",
        "/api/v1/office/agencies",
        "/api/v1/office/agencies/{id}/keys",
        "/api/v1/office/audit",
        "/api/v1/office/calendar",
        "/api/v1/office/entries",
        "/api/v1/office/entries/{id}",
        "/api/v1/office/entries/{id}/approve",
        "/api/v1/office/entries/{id}/publish",
        "/api/v1/office/entries/{id}/reject",
        "/api/v1/office/entries/{id}/repair-notice",
        "/api/v1/office/entries/{id}/submit",
        "/api/v1/office/entries/{id}/withdraw",
        "/api/v1/office/keys/{id}/revoke",
        "/api/v1/office/notices",
        "/api/v1/office/notices/{id}",
        "/api/v1/office/notices/{id}/publish",
        "/api/v1/office/notices/{id}/withdraw",
        "/api/v1/office/objections",
        "/api/v1/office/objections/{id}",
        "/api/v1/office/objections/{id}/accept",
        "/api/v1/office/objections/{id}/reject",
        "/api/v1/office/objections/{id}/return",
        "/api/v1/office/objections/{id}/uphold",
        "/api/v1/office/repairs",
        "/api/v1/office/repairs/{id}",
        "/api/v1/office/repairs/{id}/accept",
        "/api/v1/office/repairs/{id}/approve",
        "/api/v1/office/repairs/{id}/reject",
        "/api/v1/office/repairs/{id}/return",
        "/api/v1/office/screenings",
        "/api/v1/office/staff",
        "/api/v1/office/subjects",
        "/api/v1/office/subjects/{id}",
        "/api/v1/partner/batches",
        "/api/v1/partner/changes",
        "/api/v1/partner/screenings",
        "/api/v1/partner/snapshot",
        "/api/v1/partner/whoami",
        "/api/v1/repairs",
        "/api/v1/repairs/{id}",
        "/api/v1/subjects/{id}",
        "/healthz",
        "/metrics",
        "/readyz",
    ];
    assert_eq!(paths, expected);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
            if path.starts_with("/api/v1/office/") {
                assert_eq!(op["security"], json!([{"bearer": []}]), "{method} {path}");
            }
        }
    }
    let resp = app
        .http
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.text()
            .await
            .expect("text")
            .contains("/api/openapi.json")
    );
}

db_tests!(
    bad_input_of_every_kind_answers_with_the_contract,
    health_readiness_and_the_error_table_answer,
    the_openapi_document_covers_every_endpoint,
);
