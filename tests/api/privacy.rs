//! Natural persons' privacy on the partner and public surfaces: screening needs the ID number and
//! the name together and logs every person checked; the public person lookup goes by POST and is
//! limited per name, so the hidden digits of a masked ID number cannot be guessed; and every
//! surface masks ID numbers with the configured style.

use crate::db_tests;
use crate::fixtures::{black_entry, enc};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp, captured_logs};
use reqwest::StatusCode;
use serde_json::{Value, json};
use xinyong::domain::IdMaskStyle;

/// 张三丰, born 2000-01-01.
const CLEAR: &str = "610702200001010018";
const TAX: (&str, &str) = ("国家税务总局汉中市税务局", "11610700MB2961796E");
const COURT: (&str, &str) = ("汉中市中级人民法院", "11610700016176094D");
const LEGAL_BASIS: &str = "《汉中市财政补贴资金管理办法》第十二条";

/// The GB 11643 check character of the first 17 digits.
fn with_check(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).expect("digit") * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// Publishes a black entry of 张三丰 ([`CLEAR`]); the subject's id.
async fn listed_person(app: &TestApp) -> String {
    let person = app.create_person("张三丰", CLEAR).await;
    let mut entry = black_entry(&person);
    entry["document_number"] = json!("(2026)陕0702执88号");
    app.publish_entry(entry).await;
    app.drain().await;
    person
}

async fn screen(app: &TestApp, key: &str, purpose: &str, subjects: Value) -> Value {
    let (status, out) = app
        .post(
            "/api/v1/partner/screenings",
            Some(key),
            json!({"purpose": purpose, "legal_basis": LEGAL_BASIS, "subjects": subjects}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    out
}

async fn a_listed_id_number_under_another_name_matches_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    listed_person(&app).await;
    let key = app.agency_key(TAX.0, TAX.1, true, &["screen"]).await;
    let out = screen(
        &app,
        &key,
        "财政补贴发放前核查",
        json!([
            {"reference": "right", "name": "张三丰", "id_number": CLEAR},
            {"reference": "wrong name", "name": "李四", "id_number": CLEAR},
            {"reference": "number alone", "id_number": CLEAR},
        ]),
    )
    .await;
    let results = out["results"].as_array().expect("results");
    assert_eq!(results[0]["status"], "flagged", "{out}");
    // The number is listed, but under another name: no match and no hint that it is listed.
    assert_eq!(results[1]["status"], "clear", "{out}");
    assert_eq!(results[1]["matches"], json!([]), "{out}");
    // A number alone is not screened at all.
    assert_eq!(results[2]["status"], "rejected", "{out}");
    assert_eq!(results[2]["matches"], json!([]));
    assert_eq!(results[2]["error"]["code"], "invalid_screening_field");
    let text = out.to_string();
    assert!(!text.contains("姓名不一致"), "{text}");
    assert!(!text.contains(CLEAR));
    assert_eq!(
        out["summary"],
        json!({"subjects": 3, "flagged": 1, "listed": 0, "clear": 1, "rejected": 1})
    );
}

async fn the_office_sees_every_agency_that_checked_a_person(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // 李四 is checked before being listed, under another name than the one later registered.
    let later = with_check("61070219850505002");
    let tax = app.agency_key(TAX.0, TAX.1, true, &["screen"]).await;
    let court = app.agency_key(COURT.0, COURT.1, true, &["screen"]).await;
    screen(
        &app,
        &tax,
        "政府采购供应商资格审查",
        json!([{"name": "李四", "id_number": later}, {"name": "汉中市清白商贸有限公司"}]),
    )
    .await;
    let person = listed_person(&app).await;
    let first = screen(
        &app,
        &tax,
        "财政补贴发放前核查",
        json!([{"name": "张三丰", "id_number": CLEAR}]),
    )
    .await;
    app.clock.advance(chrono::Duration::minutes(5));
    let second = screen(
        &app,
        &court,
        "执行案件财产调查",
        json!([{"name": "张三", "id_number": CLEAR}]),
    )
    .await;
    assert_eq!(second["results"][0]["status"], "clear");

    let (status, page) = app
        .get(
            &format!("/api/v1/office/subjects/{person}/person-checks"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 2, "{page}");
    let rows: Vec<(Value, Value, Value, Value, Value)> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["agency_name"].clone(),
                i["purpose"].clone(),
                i["legal_basis"].clone(),
                i["matched"].clone(),
                i["screening_id"].clone(),
            )
        })
        .collect();
    // Newest first; the check under a wrong name is listed too (it was a check of this number).
    assert_eq!(
        rows,
        [
            (
                json!(COURT.0),
                json!("执行案件财产调查"),
                json!(LEGAL_BASIS),
                json!(false),
                second["screening_id"].clone()
            ),
            (
                json!(TAX.0),
                json!("财政补贴发放前核查"),
                json!(LEGAL_BASIS),
                json!(true),
                first["screening_id"].clone()
            ),
        ]
    );
    for item in page["items"].as_array().expect("items") {
        assert!(
            item["key_id"].is_string() && item["at"].is_string(),
            "{item}"
        );
    }

    // A person listed after being checked sees the earlier check.
    let registered = app.create_person("李四", &later).await;
    let (_, page) = app
        .get(
            &format!("/api/v1/office/subjects/{registered}/person-checks"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(
        (page["total"].clone(), page["items"][0]["purpose"].clone()),
        (json!(1), json!("政府采购供应商资格审查")),
        "{page}"
    );
    // An organisation is never checked by ID number; an unknown subject is not found.
    let company = app.a_subject().await;
    let (status, page) = app
        .get(
            &format!("/api/v1/office/subjects/{company}/person-checks"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(
        (status, page["total"].clone(), page["items"].clone()),
        (StatusCode::OK, json!(0), json!([]))
    );
    let (status, body) = app
        .get(
            &format!(
                "/api/v1/office/subjects/{}/person-checks",
                uuid::Uuid::new_v4()
            ),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::NOT_FOUND, json!("subject_not_found"))
    );
    let (status, _) = app
        .get(
            &format!("/api/v1/office/subjects/{person}/person-checks"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The rows hold the keyed hash, never the number.
    assert_eq!(app.count(entity::person_check::Entity).await, 3);
    let stored = app.table_text("person_checks").await;
    for clear in [CLEAR, later.as_str(), "20000101", "19850505"] {
        assert!(!stored.contains(clear), "{stored}");
        assert!(!captured_logs().contains(clear));
    }
}

/// POSTs the person lookup from `client` (through the trusted proxy); the status, the
/// `Retry-After` header and the body.
async fn lookup_from(
    app: &TestApp,
    client: &str,
    name: &str,
    id_number: &str,
) -> (StatusCode, Option<String>, Value) {
    let resp = app
        .http
        .post(format!("{}/api/v1/lookup/person", app.base))
        .header("x-forwarded-for", client)
        .json(&json!({"name": name, "id_number": id_number}))
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, retry, resp.json().await.expect("json"))
}

async fn guessing_the_hidden_birth_date_from_many_clients_is_stopped_per_name(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 3;
        c.trusted_proxies = "127.0.0.1".parse().expect("proxies");
    })
    .await;
    listed_person(&app).await;
    // The black list shows 张** and 610702********0018: every valid number with that head and
    // tail is a birth date to guess.
    let guesses: Vec<String> = (1990..2000)
        .flat_map(|year| (1..=12).map(move |month| (year, month)))
        .flat_map(|(year, month)| {
            (1..=28).map(move |day| format!("610702{year}{month:02}{day:02}001"))
        })
        .map(|first17| with_check(&first17))
        .filter(|n| n.ends_with('8') && n != CLEAR)
        .take(12)
        .collect();
    assert_eq!(guesses.len(), 12);
    let limit = app.state.config.person_lookups_per_name_day as usize;
    assert_eq!(limit, 10, "the default");
    for (i, guess) in guesses.iter().enumerate() {
        // Each guess from its own client: no client comes near its own limit.
        let client = format!("198.51.100.{i}");
        let (status, retry, body) = lookup_from(&app, &client, "张三丰", guess).await;
        if i < limit {
            assert_eq!(status, StatusCode::OK, "guess {i}: {body}");
            assert_eq!(body["total"], 0, "{body}");
        } else {
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "guess {i}: {body}");
            assert_eq!(body["code"], "person_lookup_throttled", "{body}");
            let secs: u64 = retry.expect("Retry-After").parse().expect("seconds");
            // 12:00 in Beijing: twelve hours to midnight.
            assert_eq!(secs, 12 * 3600);
        }
    }
    // The right number, after the cap, from a fresh client: refused as well.
    let (status, _, body) = lookup_from(&app, "203.0.113.50", "张三丰", CLEAR).await;
    assert_eq!(
        (status, body["code"].clone()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!("person_lookup_throttled")
        )
    );
    // The name is counted folded: spacing and width do not make it another name.
    let (status, _, _) = lookup_from(&app, "203.0.113.51", " 张三丰 ", CLEAR).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The page's form is counted with the API.
    let (status, headers, html) = app.person_page("张三丰", CLEAR).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{html}");
    assert!(headers.contains_key("retry-after"));
    assert!(html.contains("该姓名今日查询次数已达上限"), "{html}");
    // Another name is still looked up.
    let (status, _, body) = lookup_from(
        &app,
        "203.0.113.52",
        "李四",
        &with_check("61070219850505002"),
    )
    .await;
    assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(0)));
    // The next day the name is looked up again.
    app.clock.advance(chrono::Duration::days(1));
    let (status, _, body) = lookup_from(&app, "203.0.113.53", "张三丰", CLEAR).await;
    assert_eq!(
        (status, body["total"].clone()),
        (StatusCode::OK, json!(1)),
        "{body}"
    );
    // The counts know names only by a keyed hash.
    let stored = app.table_text("person_lookups").await;
    assert!(!stored.is_empty());
    assert!(
        !stored.contains("张三丰") && !stored.contains("李四"),
        "{stored}"
    );

    // One client is limited on the POST as on every public route.
    let mut statuses = Vec::new();
    for i in 0..4 {
        let name = format!("王{i}");
        statuses.push(lookup_from(&app, "192.0.2.9", &name, CLEAR).await.0);
    }
    assert_eq!(statuses[..3], [StatusCode::OK; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
}

async fn a_person_lookup_in_an_address_is_refused_and_never_logged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    listed_person(&app).await;
    let unlogged = "610702199001011239";
    for path in [
        format!("/api/v1/lookup?name={}&id_number={unlogged}", enc("张三丰")),
        format!("/api/v1/lookup?id_number={unlogged}"),
        format!("/api/v1/lookup/person?id_number={unlogged}"),
    ] {
        let (status, body) = if path.starts_with("/api/v1/lookup/person") {
            app.post(&path, None, json!({"name": "张三丰", "id_number": CLEAR}))
                .await
        } else {
            app.get(&path, None).await
        };
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["code"], "id_number_in_url", "{body}");
        let message = body["message"].as_str().expect("message");
        assert!(message.contains("POST /api/v1/lookup/person"), "{message}");
        assert!(!message.contains(unlogged), "{message}");
    }
    // The body is checked like every body: unknown fields are refused.
    let (status, body) = app
        .post(
            "/api/v1/lookup/person",
            None,
            json!({"name": "张三丰", "id_number": CLEAR, "list": "black"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_request_body"))
    );
    let (status, body) = app
        .post(
            "/api/v1/lookup/person",
            None,
            json!({"name": "张三丰", "id_number": "610702200001010019"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(!body.to_string().contains("610702200001010019"), "{body}");
    let (status, found) = app.lookup_person("张三丰", CLEAR).await;
    assert_eq!((status, found["total"].clone()), (StatusCode::OK, json!(1)));
    assert!(!captured_logs().contains(unlogged));
    assert!(!captured_logs().contains(CLEAR));
}

/// The masked number on every surface of `base` (the app, or the same data served with other
/// settings): the change feed, the snapshot, a screening, the lookup, the profile and the page.
async fn shown_everywhere(app: &TestApp, base: &str, key: &str, person: &str) -> Vec<String> {
    let http = &app.http;
    let get = |path: String| http.get(format!("{base}{path}")).bearer_auth(key).send();
    let feed: Value = get("/api/v1/partner/changes".into())
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let snapshot = get("/api/v1/partner/snapshot".into())
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    let first_line: Value =
        serde_json::from_str(snapshot.lines().next().expect("a line")).expect("json");
    let screened: Value = http
        .post(format!("{base}/api/v1/partner/screenings"))
        .bearer_auth(key)
        .json(&json!({"purpose": "资格审查", "legal_basis": LEGAL_BASIS,
            "subjects": [{"name": "张三丰", "id_number": CLEAR}]}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let found: Value = http
        .post(format!("{base}/api/v1/lookup/person"))
        .json(&json!({"name": "张三丰", "id_number": CLEAR}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let profile: Value = http
        .get(format!("{base}/api/v1/subjects/{person}"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let page = http
        .get(format!("{base}/subjects/{person}"))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    let text = |v: &Value| v.as_str().unwrap_or("<missing>").to_owned();
    let mut shown = vec![
        text(&feed["changes"][0]["entry"]["subject_id_number_masked"]),
        text(&first_line["entry"]["subject_id_number_masked"]),
        text(&screened["results"][0]["matches"][0]["id_number_masked"]),
        text(&found["hits"][0]["id_number_masked"]),
        text(&profile["subject"]["id_number_masked"]),
    ];
    let expected = shown[0].clone();
    shown.push(if page.contains(&expected) {
        expected
    } else {
        format!("not on the page: {page}")
    });
    for text in [
        feed.to_string(),
        snapshot,
        screened.to_string(),
        found.to_string(),
        page,
    ] {
        assert!(!text.contains(CLEAR), "{text}");
    }
    shown
}

async fn every_surface_masks_the_id_number_with_the_configured_style(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.id_mask = IdMaskStyle::First3Last4).await;
    let person = listed_person(&app).await;
    let key = app
        .agency_key(TAX.0, TAX.1, true, &["screen", "changes:read"])
        .await;
    let shown = shown_everywhere(&app, &app.base, &key, &person).await;
    assert_eq!(shown, vec!["610***********0018".to_owned(); 6]);

    // The same data served after a restart with another style, without rewriting or
    // reindexing anything: every surface follows the setting.
    let mut config = (*app.state.config).clone();
    config.id_mask = IdMaskStyle::BirthDate;
    let mut restarted = app.state.clone();
    restarted.config = std::sync::Arc::new(config);
    restarted.screening = std::sync::Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = xinyong::http::router(restarted)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let shown = shown_everywhere(&app, &base, &key, &person).await;
    assert_eq!(shown, vec!["6107022000****0018".to_owned(); 6]);
}

db_tests!(
    a_listed_id_number_under_another_name_matches_nothing,
    the_office_sees_every_agency_that_checked_a_person,
    guessing_the_hidden_birth_date_from_many_clients_is_stopped_per_name,
    a_person_lookup_in_an_address_is_refused_and_never_logged,
    every_surface_masks_the_id_number_with_the_configured_style,
);
