//! Subjects: codes, kinds, ID numbers, optimistic concurrency, atomic writes.

use crate::db_tests;
use crate::fixtures::{enc, id_of, subject};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp, captured_logs};
use reqwest::StatusCode;
use serde_json::json;

const OFFICE: &str = "/api/v1/office/subjects";

async fn creating_a_subject_with_each_valid_code_succeeds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cases = [
        (
            "legal_person",
            "汉中市天汉建设工程有限公司",
            "91610702MA6YL3K09Y",
            "610702",
        ),
        (
            "individual_business",
            "洋县朱鹮饭店",
            "92610723MA6YQ0A20M",
            "610723",
        ),
        (
            "legal_person",
            "西乡县茶农专业合作社",
            "93610724MA6YRB7192",
            "610724",
        ),
        (
            "legal_person",
            "汉中市某事业单位",
            "12610700436000204R",
            "610700",
        ),
        (
            "other_organisation",
            "汉台区某社会团体",
            "52610702098000454E",
            "610702",
        ),
        (
            "legal_person",
            "福州示例企业",
            " 91350100m000100y43 ",
            "350100",
        ),
    ];
    for (kind, name, code, region) in cases {
        let (status, body) = app
            .post(OFFICE, Some(ADMIN_TOKEN), subject(kind, name, code))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{code}: {body}");
        assert_eq!(body["uscc"], code.trim().to_uppercase());
        assert_eq!(body["kind"], kind);
        assert_eq!(body["region_code"], region);
        assert_eq!(body["version"], 1);
        let (status, read) = app
            .get(&format!("{OFFICE}/{}", id_of(&body)), Some(ADMIN_TOKEN))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(read, body);
    }
    assert_eq!(app.count(entity::subject::Entity).await, 6);
    assert_eq!(app.count(entity::audit_event::Entity).await, 6);
    assert_eq!(app.count(entity::outbox::Entity).await, 6);
}

async fn every_invalid_code_is_refused_naming_the_value(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cases = [
        (
            "91350100M000100Y4Z",
            "check character should be `3`, found `Z`",
        ),
        ("91610702MA6YL3K0IY", "character 17 `I` is not allowed"),
        ("9161070MA6YL3K09Y", "must be 18 characters, found 17"),
    ];
    for (code, reason) in cases {
        let (status, body) = app
            .post(
                OFFICE,
                Some(ADMIN_TOKEN),
                subject("legal_person", "某公司", code),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({
                "code": "invalid_subject_uscc",
                "type": "invalid_request",
                "message": format!("`uscc`: `{code}` is not a valid unified social credit code: {reason}"),
                "link": "/api/errors#invalid_subject_uscc",
            })
        );
    }
    assert_eq!(app.count(entity::subject::Entity).await, 0);
    assert_eq!(app.count(entity::audit_event::Entity).await, 0);
}

async fn an_individual_business_with_a_91_code_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, body) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            subject("individual_business", "某个体户", "91610702MA6YL3K09Y"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({
            "code": "subject_kind_code_mismatch",
            "type": "invalid_request",
            "message": "`uscc` does not fit `kind` `individual_business`: an individual business needs a code starting with `92`, found `91`",
            "link": "/api/errors#subject_kind_code_mismatch",
        })
    );
    // And the other way round: a 92 code is never a legal person.
    let (status, body) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            subject("legal_person", "某公司", "92610723MA6YQ0A20M"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "subject_kind_code_mismatch");
    assert_eq!(app.count(entity::subject::Entity).await, 0);
}

async fn a_natural_persons_id_number_never_appears_in_clear(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let clear = "610702200001010018";
    let (status, body) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            json!({"kind": "natural_person", "name": "张三", "id_number": clear}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["id_number_masked"], "610702********0018");
    let id = id_of(&body);
    let (_, read) = app.get(&format!("{OFFICE}/{id}"), Some(ADMIN_TOKEN)).await;
    let (_, list) = app.get(OFFICE, Some(ADMIN_TOKEN)).await;
    let (_, updated) = app
        .patch(
            &format!("{OFFICE}/{id}"),
            Some(ADMIN_TOKEN),
            json!({"version": 1, "name": "张三丰"}),
        )
        .await;
    // The same number again is a duplicate; the refusal must not echo it either.
    let (dup_status, dup) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            json!({"kind": "natural_person", "name": "李四", "id_number": clear}),
        )
        .await;
    assert_eq!(dup_status, StatusCode::CONFLICT);
    // A wrong number is refused without being echoed.
    let wrong = "610702200001010019";
    let (bad_status, bad) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            json!({"kind": "natural_person", "name": "王五", "id_number": wrong}),
        )
        .await;
    assert_eq!(bad_status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["code"], "invalid_subject_id_number");
    for (what, text) in [
        ("create response", body.to_string()),
        ("read response", read.to_string()),
        ("list response", list.to_string()),
        ("update response", updated.to_string()),
        ("duplicate response", dup.to_string()),
        ("subjects table", app.table_text("subjects").await),
        ("audit table", app.table_text("audit_events").await),
        ("outbox table", app.table_text("search_outbox").await),
        ("logs", captured_logs()),
    ] {
        assert!(!text.contains(clear), "clear ID number found in the {what}");
        assert!(
            !text.contains(wrong),
            "clear wrong ID number found in the {what}"
        );
    }
    assert!(
        app.table_text("audit_events")
            .await
            .contains("610702********0018")
    );
    // The office can still recover it with the key.
    let row = entity::subject::Entity::find_by_id(entity::SubjectId(id.parse().expect("uuid")))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("row");
    let cipher = row.id_number_cipher.expect("cipher stored");
    assert_eq!(app.state.keys.decrypt(&cipher).as_deref(), Some(clear));
    assert_eq!(row.id_number_hash, Some(app.state.keys.keyed_hash(clear)));
}

async fn minors_and_personal_addresses_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Born 2010-01-01: 16 on the test date.
    let minor = xinyong::domain::IdNumber::from_parts(
        &xinyong::domain::RegionCode::parse("610702").expect("region"),
        chrono::NaiveDate::from_ymd_opt(2010, 1, 1).expect("date"),
        12,
    );
    let (status, body) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            json!({"kind": "natural_person", "name": "小明", "id_number": minor.as_str()}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"code": "subject_is_minor", "type": "invalid_request", "message": "Minors are never published.", "link": "/api/errors#subject_is_minor"})
    );
    let (status, body) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            json!({"kind": "natural_person", "name": "张三", "id_number": "610702200001010026", "address": "汉台区某路1号"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_subject_field");
    assert_eq!(app.count(entity::subject::Entity).await, 0);
}

async fn a_stale_update_is_a_409_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, created) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            subject("legal_person", "旧名称有限公司", "91610702MA6YL3K09Y"),
        )
        .await;
    let url = format!("{OFFICE}/{}", id_of(&created));
    let (status, v2) = app
        .patch(
            &url,
            Some(ADMIN_TOKEN),
            json!({"version": 1, "name": "新名称有限公司"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["name"], "新名称有限公司");
    let (status, body) = app
        .patch(
            &url,
            Some(ADMIN_TOKEN),
            json!({"version": 1, "name": "第三个名称"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({
            "code": "subject_version_conflict",
            "type": "conflict",
            "message": format!("Subject `{}` is at version 2, the update was based on version 1; reload it and try again.", id_of(&created)),
            "link": "/api/errors#subject_version_conflict",
        })
    );
    let (_, now) = app.get(&url, Some(ADMIN_TOKEN)).await;
    assert_eq!(now, v2);
    assert_eq!(app.count(entity::audit_event::Entity).await, 2);
    assert_eq!(app.count(entity::outbox::Entity).await, 2);
}

async fn concurrent_updates_from_the_same_version_let_exactly_one_win(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, created) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            subject("legal_person", "并发测试有限公司", "91610702MA6YL3K09Y"),
        )
        .await;
    let url = format!("{OFFICE}/{}", id_of(&created));
    let mut tasks = Vec::new();
    for i in 0..6 {
        let (http, url) = (app.http.clone(), format!("{}{url}", app.base));
        tasks.push(tokio::spawn(async move {
            let body = json!({"version": 1, "name": format!("名称{i}")});
            http.patch(url)
                .bearer_auth(ADMIN_TOKEN)
                .json(&body)
                .send()
                .await
                .map(|r| r.status())
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task").expect("response"));
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        5,
        "{statuses:?}"
    );
    let (_, now) = app.get(&url, Some(ADMIN_TOKEN)).await;
    assert_eq!(now["version"], 2);
    assert_eq!(app.count(entity::audit_event::Entity).await, 2);
}

async fn a_write_that_fails_midway_leaves_no_row_audit_event_or_outbox_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Break the last step of the write: the subject row and the audit event are written before
    // the outbox row, so all three must roll back together.
    app.sql("ALTER TABLE search_outbox RENAME TO search_outbox_away")
        .await;
    let (status, body) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            subject("legal_person", "中途失败有限公司", "91610702MA6YL3K09Y"),
        )
        .await;
    app.sql("ALTER TABLE search_outbox_away RENAME TO search_outbox")
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        json!({"code": "internal", "type": "system", "message": "An internal error occurred; it has been logged.", "link": "/api/errors#internal"})
    );
    assert_eq!(app.count(entity::subject::Entity).await, 0);
    assert_eq!(app.count(entity::audit_event::Entity).await, 0);
    assert_eq!(app.count(entity::outbox::Entity).await, 0);
    // The same write succeeds once the table is back: nothing was left half-done.
    let (status, _) = app
        .post(
            OFFICE,
            Some(ADMIN_TOKEN),
            subject("legal_person", "中途失败有限公司", "91610702MA6YL3K09Y"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn listing_filters_by_kind_and_name_and_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (kind, name, code) in [
        (
            "legal_person",
            "汉中市天汉建设工程有限公司",
            "91610702MA6YL3K09Y",
        ),
        ("individual_business", "洋县朱鹮饭店", "92610723MA6YQ0A20M"),
        ("legal_person", "西乡县茶农专业合作社", "93610724MA6YRB7192"),
    ] {
        app.post(OFFICE, Some(ADMIN_TOKEN), subject(kind, name, code))
            .await;
    }
    let (_, page) = app
        .get(
            &format!("{OFFICE}?kind=legal_person&per_page=1"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    let (_, found) = app
        .get(&format!("{OFFICE}?q={}", enc("朱鹮")), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["name"], "洋县朱鹮饭店");
    let (status, body) = app
        .get(&format!("{OFFICE}?per_page=500"), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"code": "invalid_query_parameter", "type": "invalid_request", "message": "`per_page`: `500` must be between 1 and 100", "link": "/api/errors#invalid_query_parameter"})
    );
}

use sea_orm::EntityTrait;

db_tests!(
    creating_a_subject_with_each_valid_code_succeeds,
    every_invalid_code_is_refused_naming_the_value,
    an_individual_business_with_a_91_code_is_refused,
    a_natural_persons_id_number_never_appears_in_clear,
    minors_and_personal_addresses_are_refused,
    a_stale_update_is_a_409_and_changes_nothing,
    concurrent_updates_from_the_same_version_let_exactly_one_win,
    a_write_that_fails_midway_leaves_no_row_audit_event_or_outbox_row,
    listing_filters_by_kind_and_name_and_pages,
);
