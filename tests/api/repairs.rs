//! Credit repair (信用修复): applying after the minimum period, the office's flow with its
//! working-day deadlines, the end of publicity on approval, and the repair notice.

use crate::db_tests;
use crate::fixtures::{TIANHAN, TIANHAN_USCC, black_entry, error, id_of, red_entry, with_changes};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp, captured_logs};
use chrono::{DateTime, TimeZone, Utc};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

const REPAIRS: &str = "/api/v1/repairs";
const OFFICE: &str = "/api/v1/office/repairs";
const CONTACT: &str = "李四 13800138000";

/// A moment in Beijing (UTC+8).
fn beijing(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .expect("offset")
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid time")
        .with_timezone(&Utc)
}

/// A published black entry that may already be repaired on the test day: general, decided
/// 2025-12-01, so repair is possible from 2026-03-01 and publicity ends on 2026-12-01.
async fn repairable_entry(app: &TestApp) -> String {
    let subject_id = app.a_subject().await;
    let mut entry = black_entry(&subject_id);
    entry["severity"] = json!("general");
    entry["decision_date"] = json!("2025-12-01");
    entry["listing_date"] = json!("2025-12-02");
    entry["document_number"] = json!("汉市监罚〔2025〕88号");
    app.publish_entry(entry).await
}

fn application(entry_id: &str) -> Value {
    json!({
        "entry_id": entry_id,
        "subject_name": TIANHAN,
        "subject_uscc": TIANHAN_USCC,
        "commitment_letter": true,
        "materials": ["罚款缴纳凭证 汉税罚缴〔2026〕15号", "upload:7f3c2a"],
        "contact": CONTACT,
    })
}

async fn apply(app: &TestApp, entry_id: &str) -> Value {
    let (status, receipt) = app.post(REPAIRS, None, application(entry_id)).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    receipt
}

async fn step(
    app: &TestApp,
    token: &str,
    id: &str,
    verb: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.post(&format!("{OFFICE}/{id}/{verb}"), Some(token), body)
        .await
}

async fn overdue_ids(app: &TestApp, query: &str) -> Vec<String> {
    let (status, page) = app
        .get(&format!("{OFFICE}?{query}"), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

async fn repair_is_refused_before_the_minimum_period_and_possible_from_its_last_day(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    // Serious, decided 2026-03-10: repair from 2027-03-10.
    let entry_id = app.publish_entry(black_entry(&subject_id)).await;
    let too_early = error(
        "repair_too_early",
        "conflict",
        format!(
            "Credit repair of entry `{entry_id}` may be applied for from 2027-03-10, once its minimum publicity period has passed."
        ),
    );
    let (status, body) = app.post(REPAIRS, None, application(&entry_id)).await;
    assert_eq!((status, body), (StatusCode::CONFLICT, too_early.clone()));
    // The last minute of 2027-03-09 in Beijing is still too early.
    app.clock.set(beijing(2027, 3, 9, 23, 59));
    let (status, body) = app.post(REPAIRS, None, application(&entry_id)).await;
    assert_eq!((status, body), (StatusCode::CONFLICT, too_early));
    assert_eq!(app.count(entity::repair::Entity).await, 0);

    // Midnight in Beijing, 2027-03-10 (still 2027-03-09 in UTC).
    app.clock.set(beijing(2027, 3, 10, 0, 0));
    let receipt = apply(&app, &entry_id).await;
    // Wednesday + 1 working day; + 10 working days (no holiday in between). The built-in
    // calendar does not cover 2027: the dates are provisional.
    assert_eq!(
        receipt,
        json!({"id": receipt["id"], "status": "submitted", "applied_on": "2027-03-10",
               "accept_due": "2027-03-11", "notify_due": "2027-03-24", "deadlines_provisional": true})
    );
    assert_eq!(app.count(entity::repair::Entity).await, 1);
}

async fn an_approved_repair_ends_publicity_everywhere_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let entry_id = app.publish_entry(black_entry(&subject_id)).await;
    app.drain().await;
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["total"], 1, "{black}");
    let editor = app.token("editor").await;
    let reviewer = app.token("reviewer").await;

    app.clock.set(beijing(2027, 3, 10, 9, 30));
    let receipt = apply(&app, &entry_id).await;
    let id = id_of(&receipt);

    // Every staff role reads the whole application; only reviewers and admins decide.
    let (status, case) = app.get(&format!("{OFFICE}/{id}"), Some(&editor)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["contact"], CONTACT);
    assert_eq!(
        case["materials"],
        json!(["罚款缴纳凭证 汉税罚缴〔2026〕15号", "upload:7f3c2a"])
    );
    assert_eq!(case["commitment_letter"], true);
    assert_eq!(
        (
            case["status"].clone(),
            case["version"].clone(),
            case["overdue"].clone()
        ),
        (json!("submitted"), json!(1), json!(false))
    );
    let (status, body) = step(&app, &editor, &id, "accept", json!({"version": 1})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], "forbidden");

    let (status, accepted) = step(&app, &reviewer, &id, "accept", json!({"version": 1})).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    // Wednesday 2027-03-10 + 3 working days.
    assert_eq!(accepted["decide_due"], "2027-03-15");
    assert_eq!(accepted["version"], 2);
    assert_eq!(accepted["accepted_by"], app.staff_id(&reviewer).await);
    let outbox_before = app.count(entity::outbox::Entity).await;
    // Whoever accepted the application does not decide it: another reviewer approves.
    let (status, body) = step(&app, &reviewer, &id, "approve", json!({"version": 2})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        error(
            "reviewer_is_acceptor",
            "auth",
            format!(
                "Repair application `{id}` was accepted by you; another reviewer must decide it."
            )
        )
    );
    let second = app.token("reviewer").await;
    let (status, approved) = step(
        &app,
        &second,
        &id,
        "approve",
        json!({"version": 2, "note": "已履行全部义务，准予修复"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["version"], 3);

    // The entry ended in the same transaction, with its own event and outbox rows.
    let (_, entry) = app
        .get(&format!("/api/v1/office/entries/{entry_id}"), Some(&editor))
        .await;
    assert_eq!(entry["status"], "repaired");
    assert_eq!(entry["removal_date"], "2027-03-10");
    assert_eq!(entry["removal_reason"], "信用修复");
    assert_eq!(entry["version"], 3);
    let row =
        entity::list_entry::Entity::find_by_id(entity::EntryId(entry_id.parse().expect("uuid")))
            .one(&app.state.db)
            .await
            .expect("read")
            .expect("entry kept for the office");
    assert_eq!(row.repair_status.as_deref(), Some("repaired"));
    assert_eq!(app.count(entity::outbox::Entity).await, outbox_before + 2);

    // The applicant follows the case: state, dates and note, never contact or materials.
    let (status, followed) = app.get(&format!("{REPAIRS}/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        followed,
        json!({"id": id, "entry_id": entry_id, "status": "approved", "decision_note": "已履行全部义务，准予修复",
               "applied_on": "2027-03-10", "accept_due": "2027-03-11", "decide_due": "2027-03-15",
               "notify_due": "2027-03-24", "deadlines_provisional": true})
    );

    // Gone from every public surface once the outbox is applied.
    app.drain().await;
    let (_, found) = app.get("/api/v1/lookup?list=black", None).await;
    assert_eq!(found["total"], 0, "{found}");
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["total"], 0, "{black}");
    let (status, profile) = app
        .get(&format!("/api/v1/subjects/{subject_id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["black"], json!([]));

    // Exactly one audit event per step, by the public and then by the reviewer.
    assert_eq!(
        app.audit_actions(&id).await,
        ["repair.apply", "repair.accept", "repair.approve"]
    );
    assert_eq!(
        app.audit_actions(&entry_id).await,
        ["entry.create", "entry.publish", "entry.repair"]
    );
    let (_, trail) = app
        .get(
            &format!("/api/v1/office/audit?target_id={id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(trail["items"][0]["actor"], "public");
    assert_eq!(
        xinyong::services::audit::verify(&app.state.db)
            .await
            .expect("verify"),
        xinyong::services::audit::ChainCheck::Intact {
            events: app.count(entity::audit_event::Entity).await
        }
    );
    // The contact is personal data: only the office's own view shows it.
    for (what, text) in [
        ("audit table", app.table_text("audit_events").await),
        ("outbox table", app.table_text("search_outbox").await),
        ("public case", followed.to_string()),
        ("receipt", receipt.to_string()),
        ("logs", captured_logs()),
    ] {
        assert!(!text.contains("13800138000"), "contact found in the {what}");
    }
}

async fn a_returned_application_can_be_filed_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let entry_id = repairable_entry(&app).await;
    let first = id_of(&apply(&app, &entry_id).await);

    // One open application per entry.
    let (status, body) = app.post(REPAIRS, None, application(&entry_id)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "repair_wrong_state",
            "conflict",
            format!(
                "Entry `{entry_id}` already has an open credit-repair application (`submitted`, filed on 2026-06-15); another can be filed once it is decided or returned."
            ),
        )
    );

    let (status, body) = step(
        &app,
        ADMIN_TOKEN,
        &first,
        "return",
        json!({"version": 1, "reason": "  "}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        error(
            "invalid_case_field",
            "invalid_request",
            "`reason`: required; it is sent to the applicant."
        )
    );
    let (status, body) = step(
        &app,
        ADMIN_TOKEN,
        &first,
        "return",
        json!({"version": 7, "reason": "缺少罚款缴纳凭证"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "repair_version_conflict",
            "conflict",
            format!(
                "Repair application `{first}` is at version 1, the update was based on version 7; reload it and try again."
            ),
        )
    );
    let (status, returned) = step(
        &app,
        ADMIN_TOKEN,
        &first,
        "return",
        json!({"version": 1, "reason": "缺少罚款缴纳凭证"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    assert_eq!(returned["status"], "returned");
    let (_, followed) = app.get(&format!("{REPAIRS}/{first}"), None).await;
    assert_eq!(
        (
            followed["status"].clone(),
            followed["decision_note"].clone()
        ),
        (json!("returned"), json!("缺少罚款缴纳凭证"))
    );

    // A returned application is closed: no further step, but a new application may be filed.
    for verb in ["accept", "return", "approve", "reject"] {
        let (past, body) = match verb {
            "accept" => ("accepted", json!({"version": 2})),
            "return" => ("returned", json!({"version": 2, "reason": "x"})),
            "approve" => ("approved", json!({"version": 2})),
            _ => ("rejected", json!({"version": 2, "reason": "x"})),
        };
        let (status, body) = step(&app, ADMIN_TOKEN, &first, verb, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{verb}");
        assert_eq!(
            body,
            error(
                "repair_wrong_state",
                "conflict",
                format!("Repair application `{first}` is `returned` and cannot be {past}.")
            ),
            "{verb}"
        );
    }
    let second = id_of(&apply(&app, &entry_id).await);
    assert_ne!(first, second);
    assert_eq!(
        app.audit_actions(&first).await,
        ["repair.apply", "repair.return"]
    );
    assert_eq!(app.audit_actions(&second).await, ["repair.apply"]);
    let (status, body) = app
        .get(&format!("{REPAIRS}/{}", uuid::Uuid::nil()), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        error(
            "repair_not_found",
            "invalid_request",
            format!("Repair application `{}` not found.", uuid::Uuid::nil())
        )
    );
}

async fn a_rejected_application_leaves_the_entry_published(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let entry_id = repairable_entry(&app).await;
    let reviewer = app.token("reviewer").await;
    let id = id_of(&apply(&app, &entry_id).await);

    // Decisions come after acceptance.
    let (status, body) = step(&app, &reviewer, &id, "approve", json!({"version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "repair_wrong_state",
            "conflict",
            format!("Repair application `{id}` is `submitted` and cannot be approved.")
        )
    );
    let (status, body) = step(
        &app,
        &reviewer,
        &id,
        "reject",
        json!({"version": 1, "reason": "未履行义务"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "repair_wrong_state");
    let (status, _) = step(&app, &reviewer, &id, "accept", json!({"version": 1})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = step(&app, &reviewer, &id, "accept", json!({"version": 2})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "repair_wrong_state",
            "conflict",
            format!("Repair application `{id}` is `accepted` and cannot be accepted.")
        )
    );
    let (status, body) = step(
        &app,
        &reviewer,
        &id,
        "return",
        json!({"version": 2, "reason": "补充材料"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "repair_wrong_state");
    // A stale version is refused before anything else.
    let (status, body) = step(&app, &reviewer, &id, "approve", json!({"version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "repair_version_conflict");
    let (status, body) = step(&app, &reviewer, &id, "reject", json!({"version": 2})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_case_field");

    let (status, rejected) = step(
        &app,
        &reviewer,
        &id,
        "reject",
        json!({"version": 2, "reason": "罚款尚未缴清"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(
        (
            rejected["status"].clone(),
            rejected["decision_note"].clone()
        ),
        (json!("rejected"), json!("罚款尚未缴清"))
    );
    let (status, body) = step(&app, &reviewer, &id, "approve", json!({"version": 3})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "repair_wrong_state",
            "conflict",
            format!("Repair application `{id}` is `rejected` and cannot be approved.")
        )
    );
    let (_, entry) = app
        .get(
            &format!("/api/v1/office/entries/{entry_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(
        (entry["status"].clone(), entry["version"].clone()),
        (json!("published"), json!(2))
    );
    assert_eq!(
        app.audit_actions(&id).await,
        ["repair.apply", "repair.accept", "repair.reject"]
    );
    assert_eq!(
        app.audit_actions(&entry_id).await,
        ["entry.create", "entry.publish"]
    );
    // A rejected application is closed: the subject may apply again.
    apply(&app, &entry_id).await;
}

async fn applications_are_checked_in_order_with_clear_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let nil = uuid::Uuid::nil().to_string();
    let not_found = |id: &str| {
        error(
            "entry_not_found",
            "invalid_request",
            format!("Entry `{id}` not found."),
        )
    };
    let (status, body) = app.post(REPAIRS, None, application(&nil)).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, not_found(&nil)));
    // A draft is not public: it cannot be repaired, nor even be said to exist.
    let mut draft = black_entry(&subject_id);
    draft["document_number"] = json!("(2026)陕07执999号");
    let draft = app.draft_entry(draft).await;
    let (status, body) = app.post(REPAIRS, None, application(&id_of(&draft))).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, not_found(&id_of(&draft)))
    );

    // Red entries and entries without a minimum period are not repaired.
    let red = app.publish_entry(red_entry(&subject_id)).await;
    let (status, body) = app.post(REPAIRS, None, application(&red)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "repair_not_applicable",
            "conflict",
            format!(
                "Entry `{red}` is on the red list; credit repair applies only to black-list and key-attention entries."
            ),
        )
    );
    let key = app
        .publish_entry(json!({"subject_id": subject_id, "list": "key_attention", "list_name": "重点关注对象", "reason": "多次违规",
               "authority_name": "汉中市市场监督管理局", "document_number": "汉市监关〔2026〕3号",
               "decision_date": "2026-04-01"}),
    )
    .await;
    let (status, body) = app.post(REPAIRS, None, application(&key)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "repair_not_applicable",
            "conflict",
            format!(
                "Entry `{key}` has no minimum publicity period; credit repair applies only to entries with one."
            ),
        )
    );
    // Timing is told before what the application lacks.
    let serious = app.publish_entry(black_entry(&subject_id)).await;
    let mut lacking = application(&serious);
    lacking["commitment_letter"] = json!(false);
    let (status, body) = app.post(REPAIRS, None, lacking).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::CONFLICT, json!("repair_too_early"))
    );

    let mut entry = black_entry(&subject_id);
    entry["severity"] = json!("general");
    entry["decision_date"] = json!("2025-12-01");
    entry["document_number"] = json!("汉市监罚〔2025〕88号");
    let entry_id = app.publish_entry(entry).await;
    let with = |patch: Value| with_changes(application(&entry_id), &patch);
    let letter = "`commitment_letter`: the credit commitment letter (信用承诺书) is required";
    let long = "材".repeat(201);
    let cases = [
        (json!({"commitment_letter": false}), letter.to_owned()),
        (json!({"commitment_letter": null}), letter.to_owned()),
        (json!({"materials": []}), "`materials`: at least one is required: references to uploaded files or document numbers showing that the obligations were performed (e.g. the receipt of the paid fine).".to_owned()),
        (json!({"materials": null}), "`materials`: at least one is required: references to uploaded files or document numbers showing that the obligations were performed (e.g. the receipt of the paid fine).".to_owned()),
        (json!({"materials": vec!["凭证"; 21]}), "`materials`: at most 20 items, 21 were sent.".to_owned()),
        (json!({"materials": ["凭证", " "]}), "`materials[1]`: empty.".to_owned()),
        (json!({"materials": [long]}), "`materials[0]`: at most 200 characters.".to_owned()),
        (json!({"contact": null}), "`contact`: required; the office uses it to tell you the result.".to_owned()),
        (json!({"contact": " "}), "`contact`: required; the office uses it to tell you the result.".to_owned()),
    ];
    for (patch, message) in cases {
        let (status, body) = app.post(REPAIRS, None, with(patch.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{patch}");
        assert_eq!(
            body,
            error("invalid_case_field", "invalid_request", message),
            "{patch}"
        );
    }
    let (status, body) = app
        .post(REPAIRS, None, with(json!({"fee_paid": true})))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_request_body"))
    );
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    // Twenty materials of 200 characters are fine.
    let (status, body) = app
        .post(
            REPAIRS,
            None,
            with(json!({"materials": vec!["证".repeat(200); 20]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn deadlines_are_counted_in_working_days_on_the_holiday_calendar(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let entry_id = repairable_entry(&app).await;
    // 00:30 on Friday 2026-09-18 in Beijing is still Thursday in UTC: the day is China's.
    app.clock.set(beijing(2026, 9, 18, 0, 30));
    let receipt = apply(&app, &entry_id).await;
    assert_eq!(receipt["applied_on"], "2026-09-18");
    // Saturday the 19th is off; Sunday the 20th is an adjusted working day (calendar/cn.json).
    assert_eq!(receipt["accept_due"], "2026-09-20");
    // 20, 21, 22, 23, 24 (25-27 holiday), 28, 29, 30 (1-7 October holiday), 8, 9.
    assert_eq!(receipt["notify_due"], "2026-10-09");
    // Accepted on Thursday the 24th: 25-27 are holidays, so 28, 29, 30.
    app.clock.set(beijing(2026, 9, 24, 10, 0));
    let (status, accepted) = step(
        &app,
        ADMIN_TOKEN,
        &id_of(&receipt),
        "accept",
        json!({"version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["decide_due"], "2026-09-30");
}

async fn the_overdue_listing_shows_a_case_once_a_due_date_has_passed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let entry_id = repairable_entry(&app).await;
    let editor = app.token("editor").await;
    app.clock.set(beijing(2026, 9, 18, 15, 0));
    let id = id_of(&apply(&app, &entry_id).await);

    // Due to be accepted by Sunday the 20th (a working day): not overdue on that day.
    app.clock.set(beijing(2026, 9, 20, 23, 59));
    assert!(overdue_ids(&app, "overdue=true").await.is_empty());
    assert_eq!(overdue_ids(&app, "overdue=false").await, [id.as_str()]);
    let (status, page) = app.get(OFFICE, Some(&editor)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        (page["total"].clone(), page["items"][0]["overdue"].clone()),
        (json!(1), json!(false))
    );
    // Overdue from the next day.
    app.clock.set(beijing(2026, 9, 21, 0, 0));
    assert_eq!(overdue_ids(&app, "overdue=true").await, [id.as_str()]);
    assert!(overdue_ids(&app, "overdue=false").await.is_empty());
    assert_eq!(
        overdue_ids(&app, "overdue=true&status=submitted").await,
        [id.as_str()]
    );
    assert!(overdue_ids(&app, "status=accepted").await.is_empty());
    assert_eq!(
        overdue_ids(&app, &format!("entry_id={entry_id}&per_page=5&page=1")).await,
        [id.as_str()]
    );
    let (_, case) = app.get(&format!("{OFFICE}/{id}"), Some(&editor)).await;
    assert_eq!(case["overdue"], true);

    // Accepted late on Monday the 21st: decide by Thursday the 24th.
    let (status, accepted) = step(&app, ADMIN_TOKEN, &id, "accept", json!({"version": 1})).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(
        (accepted["decide_due"].clone(), accepted["overdue"].clone()),
        (json!("2026-09-24"), json!(false))
    );
    assert!(overdue_ids(&app, "overdue=true").await.is_empty());
    app.clock.set(beijing(2026, 9, 24, 18, 0));
    assert!(overdue_ids(&app, "overdue=true").await.is_empty());
    app.clock.set(beijing(2026, 9, 25, 8, 0));
    assert_eq!(
        overdue_ids(&app, "overdue=true&status=accepted").await,
        [id.as_str()]
    );
    // A decided case is never overdue.
    let (status, _) = step(
        &app,
        ADMIN_TOKEN,
        &id,
        "reject",
        json!({"version": 2, "reason": "罚款尚未缴清"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(overdue_ids(&app, "overdue=true").await.is_empty());

    let (status, body) = app
        .get(&format!("{OFFICE}?overdue=maybe"), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_query_parameter"))
    );
    let (status, body) = app.get(OFFICE, None).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unauthenticated"))
    );
}

async fn notice(
    app: &TestApp,
    entry_id: &str,
    token: &str,
) -> (StatusCode, Option<String>, String) {
    let resp = app
        .http
        .get(format!(
            "{}/api/v1/office/entries/{entry_id}/repair-notice",
            app.base
        ))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, content_type, resp.text().await.expect("text"))
}

async fn the_repair_notice_tells_the_subject_when_and_how_to_apply(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let editor = app.token("editor").await;
    // Delivered with the decision: a draft has its notice too.
    let draft = app.draft_entry(black_entry(&subject_id)).await;
    let (status, content_type, text) = notice(&app, &id_of(&draft), &editor).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        content_type.as_deref(),
        Some("text/markdown; charset=utf-8")
    );
    for expected in [
        "# 信用修复告知书",
        "汉中市天汉建设工程有限公司",
        "91610702MA6YL3K09Y",
        "失信被执行人",
        "汉中市中级人民法院",
        "(2026)陕07执123号",
        "认定日期：2026年3月10日",
        "最短公示期届满日期：2027年3月10日",
        "最长公示期届满日期：2029年3月10日",
        "自2027年3月10日起，你（单位）可以申请信用修复",
        "信用承诺书",
        "信用修复不收取任何费用",
        "1个工作日内",
        "3个工作日内",
        "10个工作日内",
        "POST /api/v1/repairs",
        "/cases/repair/",
        "受理编号和查询码",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }

    // A natural person is addressed as published: masked name and ID number.
    let clear = "610702200001010018";
    let mut entry = black_entry(&app.create_person("张三丰", clear).await);
    entry["document_number"] = json!("(2026)陕0702执88号");
    let entry_id = app.publish_entry(entry).await;
    let (status, _, text) = notice(&app, &entry_id, &editor).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(!text.contains("张三丰") && !text.contains(clear), "{text}");
    // Markdown-escaped in the source; rendered, the mask reads as published.
    let html = xinyong::markdown::render(&text);
    assert!(
        html.contains("张**：") && html.contains("610702********0018"),
        "{html}"
    );
    assert!(html.contains("(2026)陕0702执88号"), "{html}");

    // Only for entries that can be repaired.
    let red = app.publish_entry(red_entry(&subject_id)).await;
    let (status, _, text) = notice(&app, &red, &editor).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(text.contains("repair_not_applicable"), "{text}");
    let (status, _, text) = notice(&app, &uuid::Uuid::nil().to_string(), &editor).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(text.contains("entry_not_found"), "{text}");
    let (status, body) = app
        .get(
            &format!("/api/v1/office/entries/{entry_id}/repair-notice"),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unauthenticated"))
    );
}

db_tests!(
    repair_is_refused_before_the_minimum_period_and_possible_from_its_last_day,
    an_approved_repair_ends_publicity_everywhere_at_once,
    a_returned_application_can_be_filed_again,
    a_rejected_application_leaves_the_entry_published,
    applications_are_checked_in_order_with_clear_errors,
    deadlines_are_counted_in_working_days_on_the_holiday_calendar,
    the_overdue_listing_shows_a_case_once_a_due_date_has_passed,
    the_repair_notice_tells_the_subject_when_and_how_to_apply,
);
