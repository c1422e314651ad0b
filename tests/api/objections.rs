//! Objections: filing, the public mark while one is handled, upholding and rejecting.

use crate::db_tests;
use crate::fixtures::{black_entry, id_of};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The listed company and its published black entry, with the outbox applied.
async fn published_entry(app: &TestApp) -> (String, String) {
    let subject_id = app.a_subject().await;
    let id = app.publish_entry(black_entry(&subject_id)).await;
    app.drain().await;
    (subject_id, id)
}

async fn marks(app: &TestApp, subject_id: &str) -> (Value, Value, Value) {
    app.drain().await;
    let (_, lookup) = app.get("/api/v1/lookup?list=black", None).await;
    let (_, list) = app.get("/api/v1/lists/black", None).await;
    let (_, profile) = app
        .get(&format!("/api/v1/subjects/{subject_id}"), None)
        .await;
    (
        lookup["hits"][0]["under_objection"].clone(),
        list["entries"][0]["under_objection"].clone(),
        profile["black"][0]["under_objection"].clone(),
    )
}

async fn an_accepted_objection_marks_the_entry_until_it_is_answered(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reviewer = app.token("reviewer").await;
    let (subject_id, entry_id) = published_entry(&app).await;
    let contact = "13800000000 张先生";
    let (status, filed) = app
        .post("/api/v1/objections", None, json!({"entry_id": entry_id, "kind": "content", "reason": "款项已于2026年3月1日付清", "contact": contact}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    assert_eq!(filed["status"], "submitted");
    assert_eq!(filed["filed_on"], "2026-06-15");
    assert_eq!(filed["accept_due"], "2026-06-16");
    assert!(filed.get("contact").is_none());
    let id = id_of(&filed);
    assert_eq!(
        marks(&app, &subject_id).await,
        (json!(false), json!(false), json!(false))
    );

    // Upholding before acceptance is out of order.
    let (status, body) = app
        .post(
            &format!("/api/v1/office/objections/{id}/uphold"),
            Some(&reviewer),
            json!({"version": 1, "answer": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"code": "objection_wrong_state", "type": "conflict", "message": format!("Objection `{id}` is `submitted` and cannot be upheld."), "link": "/api/errors#objection_wrong_state"})
    );
    let (status, accepted) = app
        .post(
            &format!("/api/v1/office/objections/{id}/accept"),
            Some(&reviewer),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    // Seven working days from Monday 2026-06-15: the Dragon Boat holiday (19th-21st) is skipped.
    assert_eq!(accepted["answer_due"], "2026-06-25");
    assert_eq!(
        marks(&app, &subject_id).await,
        (json!(true), json!(true), json!(true))
    );

    let (status, rejected) = app
        .post(
            &format!("/api/v1/office/objections/{id}/reject"),
            Some(&reviewer),
            json!({"version": 2, "answer": "经核实，法院执行案件尚未结案。"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        marks(&app, &subject_id).await,
        (json!(false), json!(false), json!(false))
    );
    let (_, receipt) = app.get(&format!("/api/v1/objections/{id}"), None).await;
    assert_eq!(receipt["status"], "rejected");
    assert_eq!(receipt["answer"], "经核实，法院执行案件尚未结案。");
    assert!(!receipt.to_string().contains(contact));
    assert!(!app.table_text("audit_events").await.contains(contact));
    assert!(!crate::helpers::captured_logs().contains(contact));
}

async fn an_upheld_objection_withdraws_the_entry_with_its_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reviewer = app.token("reviewer").await;
    let (subject_id, entry_id) = published_entry(&app).await;
    let (_, filed) = app
        .post("/api/v1/objections", None, json!({"entry_id": entry_id, "kind": "period", "reason": "公示期计算有误", "contact": "c"}))
        .await;
    let id = id_of(&filed);
    app.post(
        &format!("/api/v1/office/objections/{id}/accept"),
        Some(&reviewer),
        json!({"version": 1}),
    )
    .await;
    let (status, upheld) = app
        .post(
            &format!("/api/v1/office/objections/{id}/uphold"),
            Some(&reviewer),
            json!({"version": 2, "answer": "原决定已被撤销"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{upheld}");
    app.drain().await;
    let (_, list) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(list["total"], 0);
    let (_, profile) = app
        .get(&format!("/api/v1/subjects/{subject_id}"), None)
        .await;
    assert_eq!(profile["black"], json!([]));
    let (_, entry) = app
        .get(
            &format!("/api/v1/office/entries/{entry_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(entry["status"], "withdrawn");
    assert_eq!(entry["under_objection"], false);
    assert_eq!(entry["removal_reason"], "异议成立：原决定已被撤销");
    // A draft cannot be objected to from outside: it is not public.
    let (status, body) = app
        .post(
            "/api/v1/objections",
            None,
            json!({"entry_id": entry_id, "kind": "content", "reason": "r", "contact": "c"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "entry_not_found");
    let (status, body) = app
        .post(
            "/api/v1/objections",
            None,
            json!({"entry_id": entry_id, "kind": "mood", "reason": "r", "contact": "c"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_request_body");
    assert_eq!(
        app.audit_actions(&id).await,
        ["objection.file", "objection.accept", "objection.uphold"]
    );
}

db_tests!(
    an_accepted_objection_marks_the_entry_until_it_is_answered,
    an_upheld_objection_withdraws_the_entry_with_its_answer
);
