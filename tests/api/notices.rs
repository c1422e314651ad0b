//! Exposure notices.

use crate::db_tests;
use crate::fixtures::id_of;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn a_notice_is_drafted_rendered_safely_published_and_withdrawn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body_md = "## 基本案情\n\n某公司拖欠工资。<script>alert(1)</script>\n\n[详情](javascript:alert(1))\n\n## 处理结果\n\n列入失信名单。";
    let (status, draft) = app
        .post(
            "/api/v1/office/notices",
            Some(ADMIN_TOKEN),
            json!({"title": "汉中市失信典型案例（第一期）", "category": "dishonesty_case", "issuing_unit": "汉中市信用办",
                   "body_md": body_md, "subject_usccs": ["91610702ma6yl3k09y"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["subject_usccs"], json!(["91610702MA6YL3K09Y"]));
    let html = draft["body_html"].as_str().expect("html");
    assert!(html.contains("<h2>基本案情</h2>"));
    assert!(
        !html.contains("<script>") && !html.contains("javascript:"),
        "{html}"
    );
    let url = format!("/api/v1/office/notices/{}", id_of(&draft));
    // Whoever wrote it does not publish it.
    let (status, body) = app
        .post(
            &format!("{url}/publish"),
            Some(ADMIN_TOKEN),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"code": "reviewer_is_maker", "type": "auth",
               "message": format!("Notice `{}` was created by you; another member must review and publish it.", id_of(&draft)),
               "link": "/api/errors#reviewer_is_maker"})
    );
    let reviewer = app.token("reviewer").await;
    let (status, published) = app
        .post(
            &format!("{url}/publish"),
            Some(&reviewer),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(published["status"], "published");
    assert_eq!(published["publication_date"], "2026-06-15");
    let (status, body) = app
        .patch(
            &url,
            Some(ADMIN_TOKEN),
            json!({"version": 2, "title": "改"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "notice_not_draft");
    let (status, withdrawn) = app
        .post(
            &format!("{url}/withdraw"),
            Some(ADMIN_TOKEN),
            json!({"version": 2, "reason": "案例信息有误"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(withdrawn["withdrawal_reason"], "案例信息有误");
    assert_eq!(
        app.audit_actions(&id_of(&draft)).await,
        ["notice.create", "notice.publish", "notice.withdraw"]
    );
    assert_eq!(app.count(entity::outbox::Entity).await, 3);
}

async fn a_notice_with_a_bad_linked_code_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, body) = app
        .post(
            "/api/v1/office/notices",
            Some(ADMIN_TOKEN),
            json!({"title": "t", "category": "integrity_model", "issuing_unit": "u", "body_md": "b", "subject_usccs": ["123"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"code": "invalid_notice_field", "type": "invalid_request",
               "message": "`subject_usccs`: `123` is not a valid unified social credit code: must be 18 characters, found 3",
               "link": "/api/errors#invalid_notice_field"})
    );
    assert_eq!(app.count(entity::notice::Entity).await, 0);
}

async fn a_submitted_notice_is_no_longer_edited_and_waits_for_another_member(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let draft = app
        .draft_notice(json!({"title": "诚信典型（第三期）", "category": "integrity_model",
                             "issuing_unit": "汉中市信用办", "body_md": "守合同重信用。", "subject_usccs": []}))
        .await;
    let id = id_of(&draft);
    let editor = app.editor_token().await.to_owned();
    let reviewer = app.token("reviewer").await;
    let submit = format!("/api/v1/office/notices/{id}/submit");
    // A reviewer does not submit; the editor does, with the version they read.
    let (status, body) = app
        .post(&submit, Some(&reviewer), json!({"version": 1}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app
        .post(&submit, Some(&editor), json!({"version": 2}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "notice_version_conflict");
    let (status, submitted) = app
        .post(&submit, Some(&editor), json!({"version": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["status"], "pending_review");
    assert_eq!(submitted["version"], 2);
    // It is no longer edited, nor submitted again.
    let (status, body) = app
        .patch(
            &format!("/api/v1/office/notices/{id}"),
            Some(&editor),
            json!({"version": 2, "title": "改过的标题"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "notice_not_draft");
    let (status, body) = app
        .post(&submit, Some(&editor), json!({"version": 2}))
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::CONFLICT,
            crate::fixtures::error(
                "notice_not_draft",
                "conflict",
                format!("Notice `{id}` is `pending_review` and cannot be submitted.")
            )
        )
    );
    assert_eq!(
        app.table_text("audit_events")
            .await
            .matches("notice.submit")
            .count(),
        1
    );
    // Its author does not publish it; a reviewer does.
    let publish = format!("/api/v1/office/notices/{id}/publish");
    let (status, body) = app
        .post(&publish, Some(&editor), json!({"version": 2}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, published) = app
        .post(&publish, Some(&reviewer), json!({"version": 2}))
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
}

db_tests!(
    a_submitted_notice_is_no_longer_edited_and_waits_for_another_member,
    a_notice_is_drafted_rendered_safely_published_and_withdrawn,
    a_notice_with_a_bad_linked_code_is_refused
);
