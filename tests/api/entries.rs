//! List entries: drafts, required fields, dates, publication, withdrawal, the audit chain.

use crate::db_tests;
use crate::fixtures::{black_entry, id_of, red_entry, with_changes};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

const ENTRIES: &str = "/api/v1/office/entries";

async fn a_black_entry_is_drafted_reviewed_published_and_withdrawn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let editor = app.token("editor").await;
    let reviewer = app.token("reviewer").await;
    let (status, draft) = app
        .post(ENTRIES, Some(&editor), black_entry(&subject_id))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["status"], "draft");
    // Serious, decided 2026-03-10 under the 2025-06-22 rule: 1 to 3 years.
    assert_eq!(draft["publicity_min_until"], "2027-03-10");
    assert_eq!(draft["publicity_until"], "2029-03-10");
    assert_eq!(draft["source_name"], "汉中市中级人民法院");
    let id = id_of(&draft);
    let url = format!("{ENTRIES}/{id}");

    // Only administrators publish directly; reviewers approve what editors submit.
    let (status, body) = app
        .post(
            &format!("{url}/publish"),
            Some(&reviewer),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app
        .post(
            &format!("{url}/withdraw"),
            Some(&reviewer),
            json!({"version": 1, "reason": "撤销"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"code": "entry_not_published", "type": "conflict",
               "message": format!("Entry `{id}` is `draft` and cannot be withdrawn."),
               "link": "/api/errors#entry_not_published"})
    );
    let (status, body) = app
        .post(
            &format!("{url}/approve"),
            Some(&reviewer),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"code": "entry_not_pending_review", "type": "conflict",
               "message": format!("Entry `{id}` is `draft` and cannot be approved."),
               "link": "/api/errors#entry_not_pending_review"})
    );
    let (status, pending) = app
        .post(
            &format!("{url}/submit"),
            Some(&editor),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{pending}");
    assert_eq!(pending["status"], "pending_review");
    let (status, published) = app
        .post(
            &format!("{url}/approve"),
            Some(&reviewer),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
    assert_eq!(published["version"], 3);
    let (status, body) = app
        .patch(&url, Some(&editor), json!({"version": 3, "reason": "改"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "entry_not_draft");
    let (status, body) = app
        .post(
            &format!("{url}/withdraw"),
            Some(&reviewer),
            json!({"version": 3, "reason": "  "}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "missing_withdrawal_reason");
    let (status, withdrawn) = app
        .post(
            &format!("{url}/withdraw"),
            Some(&reviewer),
            json!({"version": 3, "reason": "原决定已被撤销"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(withdrawn["removal_reason"], "原决定已被撤销");
    assert_eq!(withdrawn["removal_date"], "2026-06-15");

    // One audit event per write (subject, 2 staff, 4 entry writes), chained and intact; two
    // outbox rows (entry and subject) per entry write.
    assert_eq!(app.count(entity::audit_event::Entity).await, 7);
    assert_eq!(app.count(entity::outbox::Entity).await, 1 + 4 * 2);
    assert_eq!(
        xinyong::services::audit::verify(&app.state.db)
            .await
            .expect("verify"),
        xinyong::services::audit::ChainCheck::Intact { events: 7 }
    );
}

async fn the_same_person_cannot_submit_and_approve(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let editor = app.token("editor").await;
    let reviewer = app.token("reviewer").await;
    let id = id_of(&app.draft_entry(black_entry(&subject_id)).await);
    let url = format!("{ENTRIES}/{id}");
    // An administrator may submit, but then may not approve their own submission.
    let (status, _) = app
        .post(
            &format!("{url}/submit"),
            Some(ADMIN_TOKEN),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post(
            &format!("{url}/approve"),
            Some(ADMIN_TOKEN),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"code": "reviewer_is_submitter", "type": "auth",
               "message": format!("Entry `{id}` was submitted by you; another reviewer must review it."),
               "link": "/api/errors#reviewer_is_submitter"})
    );
    // A reviewer sends it back with a reason; the editor fixes and resubmits; the reviewer approves.
    let (status, body) = app
        .post(
            &format!("{url}/reject"),
            Some(&reviewer),
            json!({"version": 2, "reason": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "missing_review_reason");
    let (status, rejected) = app
        .post(
            &format!("{url}/reject"),
            Some(&reviewer),
            json!({"version": 2, "reason": "认定依据条款有误"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rejected["status"], "draft");
    assert_eq!(rejected["review_note"], "认定依据条款有误");
    let basis = "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第（一）项";
    let (status, _) = app
        .patch(
            &url,
            Some(&editor),
            json!({"version": 3, "legal_basis": basis}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            &format!("{url}/submit"),
            Some(&editor),
            json!({"version": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post(
            &format!("{url}/approve"),
            Some(&editor),
            json!({"version": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "forbidden");
    let (status, published) = app
        .post(
            &format!("{url}/approve"),
            Some(&reviewer),
            json!({"version": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(published["status"], "published");
    // Exactly one audit event per transition of the entry, in order.
    assert_eq!(
        app.audit_actions(&id).await,
        [
            "entry.create",
            "entry.submit",
            "entry.reject",
            "entry.update",
            "entry.submit",
            "entry.approve"
        ]
    );
    let (status, _) = app.get("/api/v1/office/audit", Some(&editor)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn an_edited_audit_row_breaks_the_chain_at_that_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    app.post(ENTRIES, Some(ADMIN_TOKEN), black_entry(&subject_id))
        .await;
    app.patch(
        &format!("/api/v1/office/subjects/{subject_id}"),
        Some(ADMIN_TOKEN),
        json!({"version": 1, "legal_representative": "张三"}),
    )
    .await;
    app.sql("UPDATE audit_events SET actor = 'someone-else' WHERE id = 2")
        .await;
    let check = xinyong::services::audit::verify(&app.state.db)
        .await
        .expect("verify");
    assert!(
        matches!(
            check,
            xinyong::services::audit::ChainCheck::Broken { id: 2, .. }
        ),
        "{check:?}"
    );
}

async fn entry_content_is_checked_field_by_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let with = |patch: Value| with_changes(black_entry(&subject_id), &patch);
    let cases = [
        (
            json!({"legal_basis": null}),
            "missing_entry_legal_basis",
            "`legal_basis`: a black-list entry needs its legal basis (认定依据).",
        ),
        (
            json!({"severity": null}),
            "invalid_entry_severity",
            "`severity`: a black-list entry needs its severity class: `minor`, `general` or `serious`.",
        ),
        (
            json!({"list": "grey"}),
            "invalid_entry_list",
            "`list`: `grey` is not one of `red`, `black`, `key_attention`",
        ),
        (
            json!({"decision_date": "2026-07-01", "listing_date": "2026-07-01"}),
            "invalid_entry_dates",
            "`decision_date`: `2026-07-01` is in the future",
        ),
        (
            json!({"listing_date": "2026-03-01"}),
            "invalid_entry_dates",
            "`listing_date`: `2026-03-01` is before the decision date",
        ),
        (
            json!({"authority_uscc": "91610702MA6YL3K0IY"}),
            "invalid_entry_uscc",
            "`authority_uscc`: `91610702MA6YL3K0IY` is not a valid unified social credit code: character 17 `I` is not allowed",
        ),
        (
            json!({"document_number": " "}),
            "invalid_entry_field",
            "`document_number`: required.",
        ),
        (
            json!({"severity": "minor", "decision_date": "2024-01-10", "listing_date": "2024-01-10"}),
            "invalid_entry_severity",
            "`severity`: `minor` cannot be published: minor entries may not be published under the rule in force on 2024-01-10",
        ),
    ];
    for (patch, code, message) in cases {
        let (status, body) = app
            .post(ENTRIES, Some(ADMIN_TOKEN), with(patch.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{patch}: {body}");
        assert_eq!(body["code"], code, "{patch}: {body}");
        assert_eq!(body["message"], message, "{patch}");
    }
    let (status, body) = app
        .post(
            ENTRIES,
            Some(ADMIN_TOKEN),
            with(json!({"subject_id": uuid::Uuid::nil().to_string()})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "subject_not_found");
    assert_eq!(app.count(entity::list_entry::Entity).await, 0);
    // A red entry needs neither legal basis nor severity.
    let (status, body) = app
        .post(ENTRIES, Some(ADMIN_TOKEN), red_entry(&subject_id))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["publicity_until"], Value::Null);
    // The natural key: one document number per authority.
    let (status, _) = app
        .post(ENTRIES, Some(ADMIN_TOKEN), black_entry(&subject_id))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .post(ENTRIES, Some(ADMIN_TOKEN), black_entry(&subject_id))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "entry_already_exists");
    assert_eq!(app.count(entity::list_entry::Entity).await, 2);
}

async fn a_draft_is_edited_with_its_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let draft = app.draft_entry(black_entry(&subject_id)).await;
    let url = format!("{ENTRIES}/{}", id_of(&draft));
    let (status, v2) = app
        .patch(
            &url,
            Some(ADMIN_TOKEN),
            json!({"version": 1, "severity": "general"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!(v2["severity"], "general");
    assert_eq!(v2["publicity_until"], "2027-03-10");
    assert_eq!(v2["reason"], draft["reason"]);
    let (status, body) = app
        .patch(
            &url,
            Some(ADMIN_TOKEN),
            json!({"version": 1, "severity": "serious"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "entry_version_conflict");
    let (_, now) = app.get(&url, Some(ADMIN_TOKEN)).await;
    assert_eq!(now["severity"], "general");
    let (_, list) = app
        .get(
            &format!("{ENTRIES}?status=draft&subject_id={subject_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(list["total"], 1);
}

async fn a_decision_dated_tomorrow_is_accepted_once_the_day_has_come(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let mut body = black_entry(&subject_id);
    body["decision_date"] = json!("2026-06-16");
    body["listing_date"] = json!("2026-06-16");
    let (status, refused) = app.post(ENTRIES, Some(ADMIN_TOKEN), body.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused["message"],
        "`decision_date`: `2026-06-16` is in the future"
    );
    // 2026-06-15 12:00 in Beijing + 12 hours = the 16th at midnight, Beijing time.
    app.clock.advance(chrono::Duration::hours(12));
    let (status, created) = app.post(ENTRIES, Some(ADMIN_TOKEN), body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

async fn the_listing_filters_by_list_name_authority_and_decision_year(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let court = app.draft_entry(black_entry(&subject_id)).await;
    let mut market = black_entry(&subject_id);
    market["list_name"] = json!("严重违法失信企业名单");
    market["authority_name"] = json!("汉中市市场监督管理局");
    market["authority_uscc"] = json!("11610700MB2961788K");
    market["decision_date"] = json!("2025-11-03");
    market["document_number"] = json!("汉市监列〔2025〕3号");
    let market = app.draft_entry(market).await;
    let ids = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(id_of)
            .collect()
    };
    for (query, expected) in [
        ("list_name=%E4%BC%81%E4%B8%9A", vec![id_of(&market)]),
        ("authority=%E6%B3%95%E9%99%A2", vec![id_of(&court)]),
        ("decision_year=2025", vec![id_of(&market)]),
        ("decision_year=2026", vec![id_of(&court)]),
        ("decision_year=2025&authority=%E6%B3%95%E9%99%A2", vec![]),
        // `%` and `_` match only themselves.
        ("authority=%25", vec![]),
        ("list_name=_", vec![]),
    ] {
        let (status, body) = app
            .get(&format!("{ENTRIES}?{query}"), Some(ADMIN_TOKEN))
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(ids(&body), expected, "{query}");
        assert_eq!(body["total"], expected.len(), "{query}");
    }
    let (status, body) = app
        .get(&format!("{ENTRIES}?decision_year=1800"), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        crate::fixtures::error(
            "invalid_query_parameter",
            "invalid_request",
            "`decision_year`: `1800` must be between 1949 and 2100"
        )
    );
}

db_tests!(
    the_listing_filters_by_list_name_authority_and_decision_year,
    a_decision_dated_tomorrow_is_accepted_once_the_day_has_come,
    a_black_entry_is_drafted_reviewed_published_and_withdrawn,
    the_same_person_cannot_submit_and_approve,
    an_edited_audit_row_breaks_the_chain_at_that_row,
    entry_content_is_checked_field_by_field,
    a_draft_is_edited_with_its_version,
);
