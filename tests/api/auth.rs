//! Bearer tokens and roles.

use crate::db_tests;
use crate::fixtures::subject;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn an_anonymous_caller_gets_401_with_the_contract_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, body) = app.get("/api/v1/office/subjects", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"code": "unauthenticated", "type": "auth", "message": "Send a staff token as `Authorization: Bearer <token>`.", "link": "/api/errors#unauthenticated"})
    );
    let (status, body) = app
        .get("/api/v1/office/subjects", Some("not-a-token"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"code": "unauthenticated", "type": "auth", "message": "The token is not valid or has been revoked.", "link": "/api/errors#unauthenticated"})
    );
}

async fn an_editor_cannot_do_admin_or_reviewer_things(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.token("editor").await;
    let reviewer = app.token("reviewer").await;
    let (status, body) = app
        .post(
            "/api/v1/office/staff",
            Some(&editor),
            json!({"name": "x", "role": "admin"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"code": "forbidden", "type": "auth", "message": "The role `editor` may not do this.", "link": "/api/errors#forbidden"})
    );
    let (status, _) = app.get("/api/v1/office/staff", Some(&editor)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The editor drafts; the reviewer may not draft, the editor may not publish.
    let (status, _) = app
        .post(
            "/api/v1/office/subjects",
            Some(&editor),
            subject("legal_person", "某公司", "91610702MA6YL3K09Y"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .post(
            "/api/v1/office/subjects",
            Some(&reviewer),
            subject("legal_person", "某公司", "93610724MA6YRB7192"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["message"], "The role `reviewer` may not do this.");
    // Only the admin's bootstrap member and the two created ones exist.
    assert_eq!(app.count(entity::staff::Entity).await, 3);
}

async fn a_revoked_token_is_refused_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.token("editor").await;
    let (status, _) = app.get("/api/v1/office/subjects", Some(&editor)).await;
    assert_eq!(status, StatusCode::OK);
    app.sql(&format!(
        "UPDATE staff_tokens SET revoked_at = created_at WHERE token_hash = '{}'",
        xinyong::crypto::token_hash(&editor)
    ))
    .await;
    let (status, body) = app.get("/api/v1/office/subjects", Some(&editor)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
    // Tokens are stored hashed only.
    assert!(!app.table_text("staff_tokens").await.contains(&editor));
    let (_, list) = app.get("/api/v1/office/staff", Some(ADMIN_TOKEN)).await;
    assert!(!list.to_string().contains(&editor));
}

db_tests!(
    an_anonymous_caller_gets_401_with_the_contract_body,
    an_editor_cannot_do_admin_or_reviewer_things,
    a_revoked_token_is_refused_at_once,
);
