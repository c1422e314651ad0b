//! Free text never carries an ID number or a mobile number: refused at the input layer with the
//! field named (never the value), so nothing reaches the database, the index or the audit chain.

use crate::db_tests;
use crate::fixtures::{black_entry, error};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp, captured_logs};
use reqwest::StatusCode;
use serde_json::json;

const ID: &str = "610702199001011234";
const MOBILE: &str = "13812345678";

async fn an_id_number_in_an_entrys_facts_is_refused_and_written_nowhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject = app.a_subject().await;
    let events = app.count(entity::audit_event::Entity).await;
    let mut entry = black_entry(&subject);
    entry["facts"] = json!(format!("当事人张三（身份证号{ID}）拒不支付工程款"));
    let (status, body) = app
        .post("/api/v1/office/entries", Some(ADMIN_TOKEN), entry)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        error(
            "personal_data_in_text",
            "invalid_request",
            "`facts`: must not contain an ID number or a mobile number; refer to the person by name or the case number."
        )
    );
    assert_eq!(app.count(entity::list_entry::Entity).await, 0);
    assert_eq!(app.count(entity::audit_event::Entity).await, events);
    assert!(!app.table_text("audit_events").await.contains(ID));
    assert!(!captured_logs().contains(ID));
}

async fn a_mobile_number_in_an_objection_or_a_notice_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject = app.a_subject().await;
    let entry = app.publish_entry(black_entry(&subject)).await;
    let (status, body) = app
        .post(
            "/api/v1/objections",
            None,
            json!({"entry_id": entry, "kind": "content", "reason": format!("请致电{MOBILE}核实"), "contact": MOBILE}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "personal_data_in_text");
    assert_eq!(
        body["message"],
        "`reason`: must not contain an ID number or a mobile number; refer to the person by name or the case number."
    );
    assert_eq!(app.count(entity::objection::Entity).await, 0);
    // The contact field is where a phone number belongs (it is never published).
    let (status, body) = app
        .post(
            "/api/v1/objections",
            None,
            json!({"entry_id": entry, "kind": "content", "reason": "款项已付清", "contact": MOBILE}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .post(
            "/api/v1/office/notices",
            Some(ADMIN_TOKEN),
            json!({"category": "dishonesty_case", "title": "典型案例", "issuing_unit": "汉中市发展和改革委员会",
                   "body_md": format!("举报电话 {MOBILE}")}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["message"],
        "`body_md`: must not contain an ID number or a mobile number; refer to the person by name or the case number."
    );
}

db_tests!(
    an_id_number_in_an_entrys_facts_is_refused_and_written_nowhere,
    a_mobile_number_in_an_objection_or_a_notice_is_refused,
);
