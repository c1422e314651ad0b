//! The working-day calendar runs out: deadlines past its last covered day are provisional, the
//! server says the calendar needs its next year, and the office loads that year (over the API
//! or with `XINYONG_CALENDAR`), after which open cases' deadlines are counted again.

use crate::db_tests;
use crate::fixtures::black_entry;
use crate::fixtures::subject;
use crate::helpers::{Backend, captured_logs};
use crate::integrity::{Running, Site};
use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xinyong::clock::Clock;

/// An example 2027 table, made up for these tests in the shape of the State Council's notice
/// (New Year on Friday 1 January, Spring Festival around 6 February, …). It is NOT the official
/// 2027 schedule, which had not been published when this was written.
fn example_2027() -> Value {
    json!({
        "_note": "EXAMPLE ONLY - an invented 2027 table for tests, not the official schedule",
        "holidays": [
            "2027-01-01", "2027-01-02", "2027-01-03",
            "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10",
            "2027-02-11", "2027-02-12", "2027-02-13",
            "2027-04-03", "2027-04-04", "2027-04-05",
            "2027-05-01", "2027-05-02", "2027-05-03", "2027-05-04", "2027-05-05",
            "2027-06-09", "2027-06-10", "2027-06-11",
            "2027-09-15", "2027-09-16", "2027-09-17",
            "2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05", "2027-10-06",
            "2027-10-07"
        ],
        "working_weekends": ["2027-01-31", "2027-02-20", "2027-04-25", "2027-05-08", "2027-09-26", "2027-10-09"]
    })
}

/// A moment in Beijing (UTC+8).
fn beijing(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .expect("offset")
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("valid time")
        .with_timezone(&Utc)
}

/// A published black entry, general, decided 2026-01-05: repairable from 2026-04-05 and public
/// until 2027-01-05.
async fn repairable_entry(app: &Running) -> String {
    let (status, company) = app
        .post(
            "/api/v1/office/subjects",
            subject(
                "legal_person",
                "汉中市天汉建设工程有限公司",
                "91610702MA6YL3K09Y",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{company}");
    let mut entry = black_entry(company["id"].as_str().expect("id"));
    entry["severity"] = json!("general");
    entry["decision_date"] = json!("2026-01-05");
    entry["listing_date"] = json!("2026-01-06");
    let published = app.publish_entry(entry).await;
    published["id"].as_str().expect("id").to_owned()
}

async fn apply_for_repair(app: &Running, entry_id: &str) -> Value {
    let (status, receipt) = app
        .send(
            Method::POST,
            "/api/v1/repairs",
            None,
            Some(json!({
                "entry_id": entry_id,
                "subject_name": "汉中市天汉建设工程有限公司",
                "subject_uscc": "91610702MA6YL3K09Y",
                "commitment_letter": true,
                "materials": ["罚款缴纳凭证 汉税罚缴〔2026〕15号"],
                "contact": "李四 13800138000",
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    receipt
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// The due dates and the flag of a public answer.
fn dues(v: &Value, fields: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    for f in fields.iter().chain(&["deadlines_provisional"]) {
        out.insert((*f).to_owned(), v[*f].clone());
    }
    Value::Object(out)
}

const REPAIR_DUES: &[&str] = &["accept_due", "decide_due", "notify_due"];
const OBJECTION_DUES: &[&str] = &["accept_due", "answer_due"];

async fn metric(app: &Running, name: &str) -> String {
    let (status, text) = app.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    let text = text.as_str().expect("text").to_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")).map(str::to_owned))
        .unwrap_or_else(|| panic!("{name} in\n{text}"))
}

async fn deadlines_past_the_calendar_are_provisional_until_the_office_loads_the_year(
    backend: Backend,
) {
    let mut site = Site::new(backend).await;
    // `/metrics` answers only with its token; the administrator's serves as one here.
    site.config.metrics_token = Some(xinyong::crypto::Secret::new(crate::helpers::ADMIN_TOKEN));
    let clock = Clock::fixed(beijing(2026, 12, 24, 10));
    let app = site.start_at(false, clock.clone()).await;

    // The calendar (2025-2026) ends in 7 days: the log, the metric and the office say so.
    assert!(
        captured_logs().contains("the working-day calendar needs its next year"),
        "a start-up warning"
    );
    assert_eq!(metric(&app, "xinyong_calendar_covered_days").await, "7");
    let (status, calendar) = app.get("/api/v1/office/calendar").await;
    assert_eq!(status, StatusCode::OK, "{calendar}");
    assert_eq!(
        (
            calendar["years"].clone(),
            calendar["covered_until"].clone(),
            calendar["needs_next_year"].clone()
        ),
        (json!([2025, 2026]), json!("2026-12-31"), json!(true))
    );

    let entry_id = repairable_entry(&app).await;
    // Thursday 24 December: accepted by Friday the 25th (2026, known), told by the 10th working
    // day, which falls in 2027 (1 January counted as worked: its holiday is not known).
    let receipt = apply_for_repair(&app, &entry_id).await;
    assert_eq!(
        dues(&receipt, &["accept_due", "notify_due"]),
        json!({"accept_due": "2026-12-25", "notify_due": "2027-01-07", "deadlines_provisional": true})
    );
    let repair_id = id_of(&receipt);
    // Accepted on Wednesday the 30th: decide by 31 December, 1 and 4 January.
    clock.set(beijing(2026, 12, 30, 10));
    let (status, accepted) = app
        .post(
            &format!("/api/v1/office/repairs/{repair_id}/accept"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(
        dues(&accepted, REPAIR_DUES),
        json!({"accept_due": "2026-12-25", "decide_due": "2027-01-04", "notify_due": "2027-01-07", "deadlines_provisional": true})
    );
    // An objection on Thursday 31 December, accepted the same day.
    clock.set(beijing(2026, 12, 31, 10));
    let (status, filed) = app
        .send(
            Method::POST,
            "/api/v1/objections",
            None,
            Some(json!({"entry_id": entry_id, "kind": "period", "reason": "公示期限计算有误", "contact": "张先生 13800000000"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    assert_eq!(
        dues(&filed, OBJECTION_DUES),
        json!({"accept_due": "2027-01-01", "answer_due": null, "deadlines_provisional": true})
    );
    let objection_id = id_of(&filed);
    let (status, accepted) = app
        .post(
            &format!("/api/v1/office/objections/{objection_id}/accept"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(
        dues(&accepted, OBJECTION_DUES),
        json!({"accept_due": "2027-01-01", "answer_due": "2027-01-11", "deadlines_provisional": true})
    );

    // Only administrators load the calendar, and only a calendar that makes sense.
    let reviewer = {
        let (status, body) = app
            .post(
                "/api/v1/office/staff",
                json!({"name": "reviewer one", "role": "reviewer"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    };
    let put = |token: Option<String>, body: Value| {
        let app = &app;
        async move {
            app.send(
                Method::PUT,
                "/api/v1/office/calendar",
                Some(token.as_deref().unwrap_or(crate::helpers::ADMIN_TOKEN)),
                Some(body),
            )
            .await
        }
    };
    assert_eq!(
        put(Some(reviewer), example_2027()).await,
        (
            StatusCode::FORBIDDEN,
            json!({"code": "forbidden", "type": "auth", "message": "The role `reviewer` may not do this.", "link": "/api/errors#forbidden"})
        )
    );
    let mut no_new_year = example_2027();
    no_new_year["holidays"] = json!(["2027-02-05", "2027-10-01"]);
    let mut weekday = example_2027();
    weekday["working_weekends"] = json!(["2027-09-28"]);
    for (body, message) in [
        (
            no_new_year,
            "The working-day calendar cannot be used: 2027 does not list 1 January (元旦) among its holidays.",
        ),
        (
            weekday,
            "The working-day calendar cannot be used: 2027-09-28 is listed as an adjusted working weekend but is a Tuesday.",
        ),
        (
            json!({"holidays": [], "working_weekends": []}),
            "The working-day calendar cannot be used: no holidays: a year is covered by listing its holidays.",
        ),
    ] {
        assert_eq!(
            put(None, body).await,
            (
                StatusCode::BAD_REQUEST,
                json!({"code": "invalid_calendar", "type": "invalid_request", "message": message, "link": "/api/errors#invalid_calendar"})
            )
        );
    }
    let (status, body) = put(None, json!({"holidays": ["2027-01-01"], "workdays": []})).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_request_body"))
    );

    // The office loads 2027: the open cases are counted again, and no longer provisional.
    let (status, loaded) = put(None, example_2027()).await;
    assert_eq!(status, StatusCode::OK, "{loaded}");
    assert_eq!(
        (
            loaded["years"].clone(),
            loaded["covered_until"].clone(),
            loaded["needs_next_year"].clone(),
            loaded["recomputed_objections"].clone(),
            loaded["recomputed_repairs"].clone(),
        ),
        (
            json!([2025, 2026, 2027]),
            json!("2027-12-31"),
            json!(false),
            json!(1),
            json!(1)
        )
    );
    let (_, repair) = app.get(&format!("/api/v1/repairs/{repair_id}")).await;
    // 1-3 January are now holidays: decide by 31 December, 4 and 5 January; notify on the 8th.
    assert_eq!(
        dues(&repair, REPAIR_DUES),
        json!({"accept_due": "2026-12-25", "decide_due": "2027-01-05", "notify_due": "2027-01-08", "deadlines_provisional": false})
    );
    let (_, office) = app
        .get(&format!("/api/v1/office/repairs/{repair_id}"))
        .await;
    assert_eq!(
        (
            office["version"].clone(),
            office["deadlines_provisional"].clone()
        ),
        (json!(3), json!(false))
    );
    let (_, objection) = app.get(&format!("/api/v1/objections/{objection_id}")).await;
    assert_eq!(
        dues(&objection, OBJECTION_DUES),
        json!({"accept_due": "2027-01-04", "answer_due": "2027-01-12", "deadlines_provisional": false})
    );
    assert_eq!(metric(&app, "xinyong_calendar_covered_days").await, "365");

    // Audited: the load, by the administrator, and each recomputed case.
    let (_, trail) = app.get("/api/v1/office/audit?target_type=calendar").await;
    let event = &trail["items"][0];
    assert_eq!(
        (
            event["action"].clone(),
            event["target_id"].clone(),
            event["after"]["years"][0]["year"].clone(),
            event["after"]["years"][0]["holidays"][0].clone(),
        ),
        (
            json!("calendar.update"),
            json!("2027"),
            json!(2027),
            json!("2027-01-01")
        )
    );
    assert!(
        event["actor"]
            .as_str()
            .is_some_and(|a| a.starts_with("staff:"))
    );
    for (target, action) in [
        (&repair_id, "repair.recompute_deadlines"),
        (&objection_id, "objection.recompute_deadlines"),
    ] {
        let (_, events) = app
            .get(&format!("/api/v1/office/audit?target_id={target}"))
            .await;
        let last = events["items"]
            .as_array()
            .and_then(|items| items.last())
            .cloned()
            .unwrap_or_default();
        assert_eq!(last["action"], action, "{events}");
        assert_eq!(
            (
                last["before"]["deadlines_provisional"].clone(),
                last["after"]["deadlines_provisional"].clone()
            ),
            (json!(true), json!(false))
        );
    }
    app.stop().await;

    // The loaded year outlives a restart, and nothing is counted again for nothing.
    let app = site.start_at(false, clock.clone()).await;
    let (_, calendar) = app.get("/api/v1/office/calendar").await;
    assert_eq!(calendar["years"], json!([2025, 2026, 2027]));
    let (_, office) = app
        .get(&format!("/api/v1/office/repairs/{repair_id}"))
        .await;
    assert_eq!(office["version"], 3);
    app.stop().await;
}

async fn a_calendar_file_with_the_next_year_makes_provisional_deadlines_exact_at_start(
    backend: Backend,
) {
    let mut site = Site::new(backend).await;
    let clock = Clock::fixed(beijing(2026, 12, 31, 10));
    let app = site.start_at(false, clock.clone()).await;
    let entry_id = repairable_entry(&app).await;
    let receipt = apply_for_repair(&app, &entry_id).await;
    assert_eq!(
        dues(&receipt, &["accept_due", "notify_due"]),
        json!({"accept_due": "2027-01-01", "notify_due": "2027-01-14", "deadlines_provisional": true})
    );
    app.stop().await;

    // The office's own calendar file: the built-in years and the (example) 2027 table.
    let built_in: Value =
        serde_json::from_str(xinyong::domain::workdays::BUILT_IN).expect("built-in calendar");
    let mut file = example_2027();
    for list in ["holidays", "working_weekends"] {
        let mut days = built_in[list].as_array().cloned().unwrap_or_default();
        days.extend(file[list].as_array().cloned().unwrap_or_default());
        file[list] = Value::Array(days);
    }
    let path = site.config.data_dir.join("calendar.json");
    std::fs::write(&path, file.to_string()).expect("write the calendar file");
    site.config.calendar = Some(path);
    let app = site.start_at(false, clock.clone()).await;
    let (_, repair) = app
        .get(&format!("/api/v1/repairs/{}", id_of(&receipt)))
        .await;
    // 1-3 January are holidays: accepted by Monday the 4th, told by the 10th working day (the
    // 15th).
    assert_eq!(
        dues(&repair, &["accept_due", "notify_due"]),
        json!({"accept_due": "2027-01-04", "notify_due": "2027-01-15", "deadlines_provisional": false})
    );
    let (_, trail) = app
        .get(&format!(
            "/api/v1/office/audit?target_id={}",
            id_of(&receipt)
        ))
        .await;
    let last = trail["items"]
        .as_array()
        .and_then(|items| items.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (last["action"].clone(), last["actor"].clone()),
        (json!("repair.recompute_deadlines"), json!("system"))
    );
    app.stop().await;

    // A calendar file that does not make sense stops the start, saying why.
    std::fs::write(
        site.config.data_dir.join("calendar.json"),
        r#"{"holidays": ["2027-05-01"], "working_weekends": []}"#,
    )
    .expect("write");
    let refused = xinyong::startup::Application::build(site.config.clone(), clock.clone()).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("2027 does not list 1 January (元旦) among its holidays"),
        "{message}"
    );
}

db_tests!(
    deadlines_past_the_calendar_are_provisional_until_the_office_loads_the_year,
    a_calendar_file_with_the_next_year_makes_provisional_deadlines_exact_at_start,
);
