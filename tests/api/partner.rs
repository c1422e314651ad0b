//! Partner agencies and their API keys.

use crate::db_tests;
use crate::fixtures::{black_entry, id_of, red_entry};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn keys_are_scoped_shown_once_counted_and_revoked_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.token("editor").await;
    let tax =
        json!({"name": "国家税务总局汉中市税务局", "uscc": "11610700MB2961796E", "trusted": true});
    let (status, body) = app
        .post("/api/v1/office/agencies", Some(&editor), tax.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, bad) = app
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "x", "uscc": "11610700MB2961796X"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["code"], "invalid_agency_field");
    assert!(
        bad["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("`uscc`: `11610700MB2961796X` is not a valid")),
        "{bad}"
    );
    let (status, agency) = app
        .post("/api/v1/office/agencies", Some(ADMIN_TOKEN), tax.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{agency}");
    let (status, dup) = app
        .post("/api/v1/office/agencies", Some(ADMIN_TOKEN), tax)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(dup["code"], "agency_already_exists");
    let keys_url = format!("/api/v1/office/agencies/{}/keys", id_of(&agency));
    let (status, bad) = app
        .post(
            &keys_url,
            Some(ADMIN_TOKEN),
            json!({"name": "核查系统", "scopes": ["screen", "delete:all"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad,
        json!({"code": "invalid_agency_field", "type": "invalid_request",
               "message": "`scopes`: `delete:all` is not one of `entries:submit`, `screen`, `changes:read`",
               "link": "/api/errors#invalid_agency_field"})
    );
    let (status, issued) = app
        .post(
            &keys_url,
            Some(ADMIN_TOKEN),
            json!({"name": "核查系统", "scopes": ["screen", "changes:read"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let key = issued["key"].as_str().expect("key shown once").to_owned();
    assert!(key.starts_with("xyk_"));
    assert!(!app.table_text("api_keys").await.contains(&key));
    assert!(!app.table_text("audit_events").await.contains(&key));

    for expected in 1..=2 {
        let (status, me) = app.get("/api/v1/partner/whoami", Some(&key)).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["agency_name"], "国家税务总局汉中市税务局");
        assert_eq!(me["scopes"], json!(["screen", "changes:read"]));
        assert_eq!(me["usage_count"], expected);
    }
    let (_, keys) = app.get(&keys_url, Some(ADMIN_TOKEN)).await;
    assert_eq!(keys[0]["usage_count"], 2);
    assert!(keys[0].get("key").is_none());
    // A staff token is not a partner key, and the reverse.
    let (status, _) = app.get("/api/v1/partner/whoami", Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.get("/api/v1/office/subjects", Some(&key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let revoke = format!("/api/v1/office/keys/{}/revoke", id_of(&issued));
    let (status, revoked) = app.post(&revoke, Some(ADMIN_TOKEN), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["revoked_at"].is_string());
    let (status, body) = app.get("/api/v1/partner/whoami", Some(&key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"code": "unauthenticated", "type": "auth", "message": "The key is not valid or has been revoked.", "link": "/api/errors#unauthenticated"})
    );
}

async fn each_key_has_its_own_rate_limit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, agency) = app
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "汉中市中级人民法院", "uscc": "11610700016176094D"}),
        )
        .await;
    let keys_url = format!("/api/v1/office/agencies/{}/keys", id_of(&agency));
    let (_, slow) = app
        .post(
            &keys_url,
            Some(ADMIN_TOKEN),
            json!({"name": "a", "scopes": ["screen"], "rate_limit_per_minute": 4}),
        )
        .await;
    let (_, fast) = app
        .post(
            &keys_url,
            Some(ADMIN_TOKEN),
            json!({"name": "b", "scopes": ["screen"]}),
        )
        .await;
    let slow = slow["key"].as_str().expect("key").to_owned();
    let fast = fast["key"].as_str().expect("key").to_owned();
    assert_eq!(
        app.get("/api/v1/partner/whoami", Some(&slow)).await.0,
        StatusCode::OK
    );
    let (status, body) = app.get("/api/v1/partner/whoami", Some(&slow)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(
        app.get("/api/v1/partner/whoami", Some(&fast)).await.0,
        StatusCode::OK
    );
}

fn record(i: u32) -> serde_json::Value {
    let region = xinyong::domain::RegionCode::parse("610702").expect("region");
    // Eight alphabet symbols spelling `i` in base 31: a unique organisation body per record.
    let alphabet: Vec<char> = "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().collect();
    let mut n = i as usize;
    let mut body = String::new();
    for _ in 0..6 {
        body.insert(0, alphabet[n % 31]);
        n /= 31;
    }
    body.insert_str(0, "MA");
    let code = xinyong::domain::Uscc::from_parts('9', '1', &region, &body).expect("code");
    json!({
        "subject": {"kind": "legal_person", "name": format!("汉中市批量测试第{i}号有限公司"), "uscc": code.as_str()},
        "entry": {"list": "black", "list_name": "重大税收违法失信主体", "severity": "serious",
                  "reason": "虚开增值税专用发票", "legal_basis": "《重大税收违法失信主体信息公布管理办法》第六条",
                  "authority_name": "国家税务总局汉中市税务局", "document_number": format!("汉税稽罚〔2026〕{i}号"),
                  "decision_date": "2026-05-01"}
    })
}

async fn a_batch_accepts_good_records_names_each_rejection_and_is_idempotent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let tax = app
        .agency_key(
            "国家税务总局汉中市税务局",
            "11610700MB2961796E",
            true,
            &["entries:submit"],
        )
        .await;
    let mut records: Vec<serde_json::Value> = (0..5000).map(record).collect();
    // Every 100th record is bad in one of five ways.
    for (n, i) in (0..5000).step_by(100).enumerate() {
        let r = &mut records[i];
        match n % 5 {
            0 => r["subject"]["uscc"] = json!("9161070MA6YL3K09Y"),
            1 => r["entry"]["legal_basis"] = json!(null),
            2 => r["entry"]["decision_date"] = json!("2027-01-01"),
            3 => r["entry"]["colour"] = json!("red"),
            _ => r["subject"]["kind"] = json!("individual_business"),
        }
    }
    let batch = json!({"records": records});
    let (status, out) = app
        .post("/api/v1/partner/batches", Some(&tax), batch.clone())
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        out.to_string().chars().take(500).collect::<String>()
    );
    assert_eq!(
        (
            out["received"].clone(),
            out["accepted"].clone(),
            out["rejected"].clone()
        ),
        (json!(5000), json!(4950), json!(50))
    );
    let rejected: Vec<&serde_json::Value> = out["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["outcome"] == "rejected")
        .collect();
    assert_eq!(
        rejected
            .iter()
            .map(|r| r["index"].as_u64().expect("index"))
            .collect::<Vec<_>>(),
        (0..5000).step_by(100).collect::<Vec<u64>>()
    );
    let codes: Vec<&str> = rejected
        .iter()
        .take(5)
        .map(|r| r["error"]["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        [
            "invalid_subject_uscc",
            "missing_entry_legal_basis",
            "invalid_entry_dates",
            "invalid_request_body",
            "subject_kind_code_mismatch"
        ]
    );
    assert_eq!(
        rejected[0]["error"]["message"],
        "`uscc`: `9161070MA6YL3K09Y` is not a valid unified social credit code: must be 18 characters, found 17"
    );
    assert_eq!(app.count(entity::list_entry::Entity).await, 4950);
    assert_eq!(app.count(entity::subject::Entity).await, 4950);
    // A trusted agency publishes directly.
    let (_, published) = app
        .get(
            "/api/v1/office/entries?status=published&per_page=1",
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(published["total"], 4950);
    let audit_before = app.count(entity::audit_event::Entity).await;

    // The same batch again changes nothing.
    let (_, again) = app.post("/api/v1/partner/batches", Some(&tax), batch).await;
    assert_eq!(
        (
            again["accepted"].clone(),
            again["unchanged"].clone(),
            again["rejected"].clone()
        ),
        (json!(0), json!(4950), json!(50))
    );
    assert_eq!(app.count(entity::audit_event::Entity).await, audit_before);

    // A correction is an update with a new version and one audit event.
    let mut fixed = record(1);
    fixed["entry"]["facts"] = json!("2023年至2025年虚开增值税专用发票12份");
    let (_, corrected) = app
        .post(
            "/api/v1/partner/batches",
            Some(&tax),
            json!({"records": [fixed]}),
        )
        .await;
    assert_eq!(corrected["updated"], 1, "{corrected}");
    let entry_id = corrected["results"][0]["entry_id"]
        .as_str()
        .expect("entry")
        .to_owned();
    let (_, entry) = app
        .get(
            &format!("/api/v1/office/entries/{entry_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(
        (entry["version"].clone(), entry["status"].clone()),
        (json!(2), json!("published"))
    );
    assert_eq!(
        app.count(entity::audit_event::Entity).await,
        audit_before + 1
    );
}

async fn an_agency_cannot_change_another_agencys_records(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let tax = app
        .agency_key(
            "国家税务总局汉中市税务局",
            "11610700MB2961796E",
            false,
            &["entries:submit"],
        )
        .await;
    let court = app
        .agency_key(
            "汉中市中级人民法院",
            "11610700016176094D",
            false,
            &["entries:submit"],
        )
        .await;
    let (_, out) = app
        .post(
            "/api/v1/partner/batches",
            Some(&tax),
            json!({"records": [record(7)]}),
        )
        .await;
    assert_eq!(out["accepted"], 1, "{out}");
    // Untrusted: waiting for review, not public.
    let (_, entry) = app
        .get(
            &format!(
                "/api/v1/office/entries/{}",
                out["results"][0]["entry_id"].as_str().expect("id")
            ),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(entry["status"], "pending_review");
    assert_eq!(entry["source_uscc"], "11610700MB2961796E");
    let mut changed = record(7);
    changed["entry"]["reason"] = json!("改写他人记录");
    // The court may not submit under the tax bureau's name at all: that authority is not
    // registered for it.
    let (_, out) = app
        .post(
            "/api/v1/partner/batches",
            Some(&court),
            json!({"records": [changed.clone()]}),
        )
        .await;
    assert_eq!(
        out["results"][0]["error"],
        json!({"code": "authority_not_registered", "type": "auth",
               "message": "`authority_name`: `国家税务总局汉中市税务局` is not a deciding authority registered for this agency; the office registers the authorities an agency submits for",
               "link": "/api/errors#authority_not_registered"})
    );
    // Registered for it, the record still belongs to the tax bureau.
    let court_id = app.agency_id("11610700016176094D").await;
    let (status, agency) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/office/agencies/{court_id}/authorities"),
            Some(ADMIN_TOKEN),
            Some(json!({"version": 1, "authorities": [
                {"name": "汉中市中级人民法院", "uscc": "11610700016176094D"},
                {"name": "国家税务总局汉中市税务局"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{agency}");
    let (_, out) = app
        .post(
            "/api/v1/partner/batches",
            Some(&court),
            json!({"records": [changed]}),
        )
        .await;
    assert_eq!(out["rejected"], 1);
    assert_eq!(
        out["results"][0]["error"],
        json!({"code": "entry_owned_by_another_agency", "type": "conflict",
               "message": "Decision `汉税稽罚〔2026〕7号` of `国家税务总局汉中市税务局` was submitted by another data source.",
               "link": "/api/errors#entry_owned_by_another_agency"})
    );
    // The same decision under a new subject: refused, and the subject is not created either.
    let mut elsewhere = record(7);
    elsewhere["subject"] = record(9)["subject"].clone();
    let (_, out) = app
        .post(
            "/api/v1/partner/batches",
            Some(&court),
            json!({"records": [elsewhere]}),
        )
        .await;
    assert_eq!(
        out["results"][0]["error"]["code"],
        "entry_owned_by_another_agency"
    );
    assert_eq!(app.count(entity::subject::Entity).await, 1);
    let mut spoofed = record(8);
    spoofed["entry"]["source_uscc"] = json!("11610700MB2961796E");
    let (_, out) = app
        .post(
            "/api/v1/partner/batches",
            Some(&court),
            json!({"records": [spoofed]}),
        )
        .await;
    assert_eq!(out["results"][0]["error"]["code"], "invalid_entry_field");
    // A key without the scope may not submit.
    let (_, agency) = app.get("/api/v1/office/agencies", Some(ADMIN_TOKEN)).await;
    let url = format!(
        "/api/v1/office/agencies/{}/keys",
        id_of(&agency["items"][0])
    );
    let (_, screen_only) = app
        .post(
            &url,
            Some(ADMIN_TOKEN),
            json!({"name": "核查", "scopes": ["screen"]}),
        )
        .await;
    let (status, body) = app
        .post(
            "/api/v1/partner/batches",
            Some(screen_only["key"].as_str().expect("key")),
            json!({"records": []}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "missing_scope");
    let (_, entry) = app
        .get("/api/v1/office/entries?per_page=5", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(entry["items"][0]["reason"], "虚开增值税专用发票");
}

async fn read_feed(
    app: &TestApp,
    key: &str,
    since: &mut i64,
    replay: &mut std::collections::BTreeMap<String, serde_json::Value>,
    seen: &mut Vec<i64>,
) {
    loop {
        let (status, page) = app
            .get(
                &format!("/api/v1/partner/changes?since={since}&limit=2"),
                Some(key),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for c in page["changes"].as_array().expect("changes") {
            seen.push(c["seq"].as_i64().expect("seq"));
            let id = c["entry_id"].as_str().expect("id").to_owned();
            match c["change"].as_str() {
                Some("added" | "changed") => {
                    replay.insert(id, c["entry"].clone());
                }
                Some("removed") => {
                    replay.remove(&id);
                }
                other => panic!("unknown change {other:?}"),
            }
        }
        *since = page["next_since"].as_i64().expect("next");
        if page["has_more"] != true {
            return;
        }
    }
}

/// Reads `/api/v1/partner/snapshot`, checks its checksum line and `as_of` header, and returns its
/// `as_of` and entries.
async fn read_snapshot(
    app: &TestApp,
    key: &str,
) -> (i64, std::collections::BTreeMap<String, serde_json::Value>) {
    let resp = app
        .http
        .get(format!("{}/api/v1/partner/snapshot", app.base))
        .bearer_auth(key)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/x-ndjson");
    // Streamed: the checksum is known only at the end, in the closing line.
    assert!(resp.headers().get("x-snapshot-sha256").is_none());
    let header_as_of: i64 = resp.headers()["x-snapshot-as-of"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("a number");
    let text = resp.text().await.expect("body");
    let body = text.strip_suffix('\n').expect("ends with a newline");
    let (records, last) = match body.rfind('\n') {
        Some(at) => (&text[..=at], &body[at + 1..]),
        None => ("", body),
    };
    let last: serde_json::Value = serde_json::from_str(last).expect("closing line");
    let sha = xinyong::crypto::sha256_hex(records.as_bytes());
    assert_eq!(last["snapshot"]["sha256"], sha.as_str());
    assert_eq!(last["snapshot"]["as_of"], header_as_of);
    let mut entries = std::collections::BTreeMap::new();
    for line in records.lines() {
        let r: serde_json::Value = serde_json::from_str(line).expect("line");
        entries.insert(
            r["entry_id"].as_str().expect("id").to_owned(),
            r["entry"].clone(),
        );
    }
    assert_eq!(last["snapshot"]["entries"], entries.len());
    (last["snapshot"]["as_of"].as_i64().expect("as_of"), entries)
}

async fn public_entry_ids(app: &TestApp) -> std::collections::BTreeSet<String> {
    entity::list_entry::Entity::find_public(app.state.clock.today())
        .all(&app.state.db)
        .await
        .expect("entries")
        .into_iter()
        .map(|e| e.id.to_string())
        .collect()
}

async fn the_change_feed_replays_exactly_the_public_state(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app
        .agency_key(
            "汉中市发展和改革委员会",
            "11610700MB2961796E",
            false,
            &["changes:read"],
        )
        .await;
    let subject_id = app.a_subject().await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let mut body = black_entry(&subject_id);
        body["document_number"] = json!(format!("(2026)陕07执{i}号"));
        if i == 3 {
            // Still public after the black entries have expired.
            body = red_entry(&subject_id);
            body["valid_until"] = json!("2030-12-31");
        }
        ids.push(app.publish_entry(body).await);
    }
    // A draft never reaches the feed.
    let mut draft = black_entry(&subject_id);
    draft["document_number"] = json!("(2026)陕07执99号");
    app.post("/api/v1/office/entries", Some(ADMIN_TOKEN), draft)
        .await;
    let (status, _) = app
        .post(
            &format!("/api/v1/office/entries/{}/withdraw", ids[1]),
            Some(ADMIN_TOKEN),
            json!({"version": 2, "reason": "原决定撤销"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, filed) = app
        .post(
            "/api/v1/objections",
            None,
            json!({"entry_id": ids[2], "kind": "content", "reason": "r", "contact": "c"}),
        )
        .await;
    let (status, _) = app
        .post(
            &format!("/api/v1/office/objections/{}/accept", id_of(&filed)),
            Some(ADMIN_TOKEN),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (mut since, mut replay, mut seen) = (0, std::collections::BTreeMap::new(), Vec::new());
    read_feed(&app, &key, &mut since, &mut replay, &mut seen).await;
    assert_eq!(
        replay
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        public_entry_ids(&app).await
    );
    assert_eq!(replay[&ids[2]]["under_objection"], true);
    assert_eq!(seen.len(), 6, "4 added, 1 removed, 1 changed: {seen:?}");
    // A consumer starting now takes a snapshot: the same state, as of the same sequence.
    let (midway_as_of, midway) = read_snapshot(&app, &key).await;
    assert_eq!((midway_as_of, &midway), (since, &replay));

    // Years later the black entries expire; the consumer resumes from where it stopped.
    app.clock.set(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2029, 3, 10, 1, 0, 0)
            .single()
            .expect("time"),
    );
    assert_eq!(
        xinyong::workers::expiry::run_once(&app.state)
            .await
            .expect("expiry"),
        2
    );
    read_feed(&app, &key, &mut since, &mut replay, &mut seen).await;
    assert_eq!(
        replay
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        public_entry_ids(&app).await
    );
    assert_eq!(
        replay.keys().cloned().collect::<Vec<_>>(),
        vec![ids[3].clone()]
    );
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "strictly increasing, no repeats: {seen:?}"
    );
    // The snapshot consumer resumes from its `as_of` and arrives at the same state.
    let (mut resumed_since, mut resumed, mut resumed_seen) = (midway_as_of, midway, Vec::new());
    read_feed(
        &app,
        &key,
        &mut resumed_since,
        &mut resumed,
        &mut resumed_seen,
    )
    .await;
    assert_eq!((resumed_since, &resumed), (since, &replay));
    assert_eq!(read_snapshot(&app, &key).await, (since, replay.clone()));
    let (_, empty) = app
        .get(
            &format!("/api/v1/partner/changes?since={since}"),
            Some(&key),
        )
        .await;
    assert_eq!(empty["changes"], json!([]));
    assert_eq!(empty["next_since"], since);
    assert!(
        !empty.to_string().contains("610702"),
        "no ID numbers in the feed"
    );
}

db_tests!(
    the_change_feed_replays_exactly_the_public_state,
    keys_are_scoped_shown_once_counted_and_revoked_at_once,
    each_key_has_its_own_rate_limit,
    a_batch_accepts_good_records_names_each_rejection_and_is_idempotent,
    an_agency_cannot_change_another_agencys_records,
);

// The same, on a Meilisearch engine.
crate::meili_tests!(the_change_feed_replays_exactly_the_public_state,);
