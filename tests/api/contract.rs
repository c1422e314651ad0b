//! The error contract on bad input of every kind, the system endpoints and the OpenAPI document.

use crate::db_tests;
use crate::fixtures::error;
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
        (
            StatusCode::OK,
            json!({"status": "ok", "checks": {"database": "ok", "search": "ok", "outbox": "ok"}, "outbox_lag_seconds": 0})
        )
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
        "/.well-known/xinyong-keys.json",
        "/api/docs",
        "/api/errors",
        "/api/v1/lists/{list}",
        "/api/v1/lookup",
        "/api/v1/lookup/person",
        "/api/v1/lookup/proof",
        "/api/v1/notices",
        "/api/v1/notices/{id}",
        "/api/v1/objections",
        "/api/v1/objections/{id}",
        "/api/v1/office/agencies",
        "/api/v1/office/agencies/{id}",
        "/api/v1/office/agencies/{id}/authorities",
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
        "/api/v1/office/notices/{id}/submit",
        "/api/v1/office/notices/{id}/withdraw",
        "/api/v1/office/objections",
        "/api/v1/office/objections/{id}",
        "/api/v1/office/objections/{id}/accept",
        "/api/v1/office/objections/{id}/reject",
        "/api/v1/office/objections/{id}/return",
        "/api/v1/office/objections/{id}/uphold",
        "/api/v1/office/reindex",
        "/api/v1/office/repairs",
        "/api/v1/office/repairs/{id}",
        "/api/v1/office/repairs/{id}/accept",
        "/api/v1/office/repairs/{id}/approve",
        "/api/v1/office/repairs/{id}/reject",
        "/api/v1/office/repairs/{id}/return",
        "/api/v1/office/revisions",
        "/api/v1/office/revisions/{id}",
        "/api/v1/office/revisions/{id}/approve",
        "/api/v1/office/revisions/{id}/reject",
        "/api/v1/office/screenings",
        "/api/v1/office/session",
        "/api/v1/office/staff",
        "/api/v1/office/staff/{id}",
        "/api/v1/office/staff/{id}/totp",
        "/api/v1/office/subjects",
        "/api/v1/office/subjects/{id}",
        "/api/v1/office/subjects/{id}/person-checks",
        "/api/v1/office/tokens",
        "/api/v1/office/tokens/{id}/revoke",
        "/api/v1/partner/batches",
        "/api/v1/partner/changes",
        "/api/v1/partner/screenings",
        "/api/v1/partner/screenings/{id}",
        "/api/v1/partner/snapshot",
        "/api/v1/partner/whoami",
        "/api/v1/repairs",
        "/api/v1/repairs/{id}",
        "/api/v1/reports/{verification_code}",
        "/api/v1/subjects/{id}",
        "/api/v1/subjects/{id}/report",
        "/api/v1/verify",
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
            // Every office route needs a credential, except logging in to get one.
            if path.starts_with("/api/v1/office/")
                && !(path == "/api/v1/office/session" && method == "post")
            {
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

async fn every_operation_has_its_own_id_and_documents_the_errors_it_can_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let mut ids = std::collections::BTreeSet::new();
    let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let id = op["operationId"].as_str().expect("operationId").to_owned();
            assert!(
                ids.insert(id.clone()),
                "{method} {path}: operationId `{id}` repeats"
            );
            let statuses: Vec<&str> = op["responses"]
                .as_object()
                .expect("responses")
                .keys()
                .map(String::as_str)
                .collect();
            let static_path = ["/healthz", "/api/errors", "/api/docs"].contains(&path.as_str());
            let mut needed = Vec::new();
            if !static_path {
                needed.extend(["500", "503"]);
            }
            if op.get("requestBody").is_some() {
                needed.extend(["400", "413", "415"]);
            }
            if path.contains('{') {
                needed.extend(["400", "404"]);
            }
            if op.get("security").is_some() {
                needed.extend(["401", "403"]);
            }
            if path.starts_with("/api/v1/") && !path.starts_with("/api/v1/office/") {
                needed.push("429");
            }
            for status in needed {
                assert!(
                    statuses.contains(&status),
                    "{method} {path} lacks {status}: {statuses:?}"
                );
            }
            for status in statuses.iter().filter(|s| s.starts_with(['4', '5'])) {
                assert_eq!(
                    op["responses"][status]["content"]["application/json"]["schema"], error_body,
                    "{method} {path} {status}"
                );
            }
        }
    }
    assert_eq!(ids.len(), 88);
    // One Rust type, three bodies: to create, to change, and from a partner.
    let schemas = &doc["components"]["schemas"];
    let names = |schema: &str| -> Vec<String> {
        let mut keys: Vec<String> = schemas[schema]["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert!(names("NewEntry").contains(&"subject_id".to_owned()));
    assert!(!names("NewEntry").contains(&"version".to_owned()));
    assert!(!names("EntryFields").contains(&"subject_id".to_owned()));
    assert_eq!(schemas["EntryFields"]["required"], json!(["version"]));
    assert!(!names("PartnerEntry").contains(&"version".to_owned()));
    assert!(!names("PartnerEntry").contains(&"subject_id".to_owned()));
    assert_eq!(
        schemas["NewEntry"]["required"],
        json!([
            "subject_id",
            "list",
            "list_name",
            "reason",
            "authority_name",
            "document_number",
            "decision_date"
        ])
    );
    assert_eq!(
        doc["paths"]["/api/v1/office/entries"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"],
        json!({"$ref": "#/components/schemas/NewEntry"})
    );
    let page = doc["paths"]["/api/v1/lookup"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "per_page")
        .cloned()
        .expect("per_page");
    assert_eq!(
        (
            page["schema"]["minimum"].clone(),
            page["schema"]["maximum"].clone()
        ),
        (json!(1), json!(50))
    );
}

async fn versions_sent_as_whole_floats_are_versions(backend: Backend) {
    // JSON Schema counts 1.0 as an integer, so a generated client may send it.
    let app = TestApp::spawn(backend).await;
    let id = app.a_subject().await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/office/subjects/{id}"),
            Some(ADMIN_TOKEN),
            json!({"version": 1.0, "name": "汉中市天汉建设工程集团有限公司"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["version"], 2);
    let (s, b) = app
        .patch(
            &format!("/api/v1/office/subjects/{id}"),
            Some(ADMIN_TOKEN),
            json!({"version": 2.5}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(b["code"], "invalid_request_body");
}

async fn a_page_number_past_64_bits_of_arithmetic_is_a_400_not_a_panic(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in [
        "/api/v1/lookup?q=x&page=9223372036854775808",
        "/api/v1/office/subjects?page=9223372036854775808",
        "/api/v1/office/subjects?page=18446744073709551616",
    ] {
        let (s, b) = app.get(path, Some(ADMIN_TOKEN)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}: {b}");
        assert_eq!(b["code"], "invalid_query_parameter", "{path}");
    }
    let (_, b) = app
        .get("/api/v1/lookup?q=x&page=9223372036854775808", None)
        .await;
    assert_eq!(
        b,
        error(
            "invalid_query_parameter",
            "invalid_request",
            "`page`: `9223372036854775808` is too deep: at most 1000 results can be paged through; narrow the search"
        )
    );
}

db_tests!(
    bad_input_of_every_kind_answers_with_the_contract,
    health_readiness_and_the_error_table_answer,
    the_openapi_document_covers_every_endpoint,
    every_operation_has_its_own_id_and_documents_the_errors_it_can_answer,
    versions_sent_as_whole_floats_are_versions,
    a_page_number_past_64_bits_of_arithmetic_is_a_400_not_a_panic,
);
