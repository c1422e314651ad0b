//! Batch screening (信用核查) by partner agencies.

use crate::db_tests;
use crate::fixtures::org_code as code;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use xinyong::services::screening;

const PERSON_ID: &str = "610702200001010026";
const TIANHAN: &str = "91610702MA6YL3K09Y";

fn listing(subject: Value, list: &str, document: &str) -> Value {
    let mut entry = json!({"list": list, "list_name": if list == "red" { "纳税信用A级纳税人" } else { "重大税收违法失信主体" },
        "reason": "虚开增值税专用发票", "authority_name": "国家税务总局汉中市税务局",
        "document_number": document, "decision_date": "2026-05-01"});
    if list == "black" {
        entry["severity"] = json!("serious");
        entry["legal_basis"] = json!("《重大税收违法失信主体信息公布管理办法》第六条");
    }
    json!({"subject": subject, "entry": entry})
}

/// Lists a black company, a red company and a black natural person; registers a clean company
/// with a pending entry only.
async fn listed(app: &TestApp) -> String {
    let agency = code("11", "MB296179");
    let key = app
        .agency_key(
            &format!("汉中市某局{agency}"),
            &agency,
            true,
            &["entries:submit", "screen"],
        )
        .await;
    app.register_authorities(&agency, &["国家税务总局汉中市税务局"])
        .await;
    let records = json!({"records": [
        listing(json!({"kind": "legal_person", "name": "汉中市天汉建设工程有限公司", "uscc": "91610702MA6YL3K09Y"}), "black", "汉税稽罚〔2026〕1号"),
        listing(json!({"kind": "legal_person", "name": "陕西秦岭药业股份有限公司", "uscc": code("91", "MA6YL3K1")}), "red", "汉税信〔2026〕2号"),
        listing(json!({"kind": "natural_person", "name": "张三", "id_number": PERSON_ID}), "black", "汉税稽罚〔2026〕3号"),
    ]});
    let (status, out) = app
        .post("/api/v1/partner/batches", Some(&key), records)
        .await;
    assert_eq!(
        (status, out["accepted"].clone()),
        (StatusCode::OK, json!(3)),
        "{out}"
    );
    key
}

async fn screen(app: &TestApp, key: &str, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/partner/screenings", Some(key), body)
        .await
}

fn summary_of(result: &Value) -> (String, Vec<(String, String, f64)>) {
    let matches = result["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| {
            (
                m["name"].as_str().expect("name").to_owned(),
                m["matched_by"].as_str().expect("by").to_owned(),
                m["score"].as_f64().expect("score"),
            )
        })
        .collect();
    (
        result["status"].as_str().expect("status").to_owned(),
        matches,
    )
}

async fn screening_finds_listed_subjects_by_code_core_name_and_traditional_script(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let key = listed(&app).await;
    let (status, out) = screen(
        &app,
        &key,
        json!({"purpose": "政府采购供应商资格审查（HZCG-2026-118）", "subjects": [
            {"reference": "s1", "uscc": TIANHAN},
            {"reference": "s2", "name": "天汉建设工程"},
            {"reference": "s3", "name": "漢中市天漢建設工程有限公司"},
            {"reference": "s4", "name": "汉中市天汉建设工程有限责任公司"},
            {"reference": "s5", "name": "汉中市天汗建设工程有限公司"},
            {"reference": "s6", "name": "汉中市清白商贸有限公司"},
            {"reference": "s7", "uscc": code("91", "MA6YL3K2")},
            {"reference": "s8", "name": "秦嶺藥業"}
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let results = out["results"].as_array().expect("results");
    let tianhan = "汉中市天汉建设工程有限公司".to_owned();
    assert_eq!(
        summary_of(&results[0]),
        (
            "flagged".into(),
            vec![(tianhan.clone(), "uscc".into(), 1.0)]
        )
    );
    assert_eq!(
        results[0]["matches"][0]["explanation"],
        "统一社会信用代码一致（91610702MA6YL3K09Y）"
    );
    let hit = &results[0]["matches"][0]["hits"][0];
    assert_eq!(
        (
            hit["list"].clone(),
            hit["severity"].clone(),
            hit["document_number"].clone(),
            hit["authority_name"].clone()
        ),
        (
            json!("black"),
            json!("serious"),
            json!("汉税稽罚〔2026〕1号"),
            json!("国家税务总局汉中市税务局")
        )
    );
    // Without 有限公司 and the region.
    assert_eq!(
        summary_of(&results[1]),
        (
            "flagged".into(),
            vec![(tianhan.clone(), "name_core".into(), 0.95)]
        )
    );
    assert_eq!(
        results[1]["matches"][0]["explanation"],
        "去除地域名称和组织形式后一致（天汉建设工程）"
    );
    // Traditional characters.
    assert_eq!(
        summary_of(&results[2]),
        (
            "flagged".into(),
            vec![(tianhan.clone(), "name".into(), 1.0)]
        )
    );
    assert_eq!(
        results[2]["matches"][0]["explanation"],
        "名称一致（繁体字按简体比对）"
    );
    // Another legal form.
    assert_eq!(
        summary_of(&results[3]),
        (
            "flagged".into(),
            vec![(tianhan.clone(), "name_core".into(), 0.95)]
        )
    );
    // A homophone: same reading.
    assert_eq!(
        summary_of(&results[4]),
        ("flagged".into(), vec![(tianhan, "pinyin".into(), 0.85)])
    );
    // A clean company, and an unknown code: nothing.
    assert_eq!(summary_of(&results[5]), ("clear".into(), vec![]));
    assert_eq!(summary_of(&results[6]), ("clear".into(), vec![]));
    // Red list only.
    assert_eq!(
        summary_of(&results[7]),
        (
            "listed".into(),
            vec![("陕西秦岭药业股份有限公司".into(), "name_core".into(), 0.95)]
        )
    );
    assert_eq!(
        out["summary"],
        json!({"subjects": 8, "flagged": 5, "listed": 1, "clear": 2, "rejected": 0})
    );
    assert_eq!(out["threshold"], 0.85);
    assert!(out["snapshot_seq"].as_i64().expect("seq") >= 3, "{out}");

    // A threshold of 1 keeps exact evidence only.
    let (_, strict) = screen(
        &app,
        &key,
        json!({"purpose": "资格审查", "threshold": 1.0, "subjects": [
            {"name": "天汉建设工程"}, {"name": "漢中市天漢建設工程有限公司"}
        ]}),
    )
    .await;
    assert_eq!(strict["results"][0]["status"], "clear", "{strict}");
    assert_eq!(strict["results"][1]["status"], "flagged", "{strict}");

    // Withdrawn entries are no longer hits: the index follows the change feed.
    let entry_id = results[0]["matches"][0]["hits"][0]["entry_id"]
        .as_str()
        .expect("entry")
        .to_owned();
    let (_, entry) = app
        .get(
            &format!("/api/v1/office/entries/{entry_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    let (status, withdrawn) = app
        .post(
            &format!("/api/v1/office/entries/{entry_id}/withdraw"),
            Some(ADMIN_TOKEN),
            json!({"version": entry["version"], "reason": "处罚决定已撤销"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    let (_, after) = screen(
        &app,
        &key,
        json!({"purpose": "资格审查", "subjects": [{"uscc": "91610702MA6YL3K09Y"}]}),
    )
    .await;
    assert_eq!(after["results"][0]["status"], "clear", "{after}");
    assert!(after["snapshot_seq"].as_i64() > out["snapshot_seq"].as_i64());
}

async fn natural_persons_need_a_legal_basis_and_their_id_number(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = listed(&app).await;
    let person = json!({"reference": "p", "name": "张三", "id_number": PERSON_ID});
    let (status, out) = screen(
        &app,
        &key,
        json!({"purpose": "财政补贴发放前核查", "subjects": [person, {"name": "张三"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["results"][0]["status"], "rejected");
    assert_eq!(
        out["results"][0]["error"],
        json!({"code": "missing_screening_legal_basis", "type": "invalid_request",
            "message": "`legal_basis`: screening a natural person by ID number needs the legal basis stated in the request.",
            "link": "/api/errors#missing_screening_legal_basis"})
    );
    // A name alone never finds a natural person.
    assert_eq!(out["results"][1]["status"], "clear");

    let (_, out) = screen(
        &app,
        &key,
        json!({"purpose": "财政补贴发放前核查", "legal_basis": "《汉中市财政补贴资金管理办法》第十二条",
            "subjects": [person, {"name": "李四", "id_number": PERSON_ID}]}),
    )
    .await;
    let m = &out["results"][0]["matches"][0];
    assert_eq!(
        (
            out["results"][0]["status"].clone(),
            m["name"].clone(),
            m["matched_by"].clone(),
            m["score"].clone(),
            m["explanation"].clone()
        ),
        (
            json!("flagged"),
            json!("张*"),
            json!("id_number"),
            json!(1.0),
            json!("身份证号码与姓名一致")
        ),
        "{out}"
    );
    assert_eq!(m["id_number_masked"], "610702********0026");
    // The number under another name matches nothing: the answer does not tell it is listed.
    assert_eq!(out["results"][1]["status"], "clear", "{out}");
    assert_eq!(out["results"][1]["matches"], json!([]));
    assert!(!out.to_string().contains(PERSON_ID));

    // The office sees who screened, when and why; never the ID numbers.
    let (status, log) = app
        .get("/api/v1/office/screenings", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert_eq!(log["total"], 2);
    let latest = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == out["screening_id"])
        .expect("the screening is logged");
    assert_eq!(
        (
            latest["purpose"].clone(),
            latest["legal_basis"].clone(),
            latest["subjects"].clone(),
            latest["persons"].clone(),
            latest["flagged"].clone()
        ),
        (
            json!("财政补贴发放前核查"),
            json!("《汉中市财政补贴资金管理办法》第十二条"),
            json!(2),
            json!(2),
            json!(1)
        )
    );
    assert!(!app.table_text("screenings").await.contains(PERSON_ID));
    assert!(!crate::helpers::captured_logs().contains(PERSON_ID));
}

async fn screening_requests_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = listed(&app).await;
    let agency = code("11", "MB296180");
    let submit_only = app
        .agency_key(
            &format!("汉中市某局{agency}"),
            &agency,
            true,
            &["entries:submit"],
        )
        .await;
    let (status, out) = screen(
        &app,
        &submit_only,
        json!({"purpose": "资格审查", "subjects": []}),
    )
    .await;
    assert_eq!(
        (status, out["code"].clone()),
        (StatusCode::FORBIDDEN, json!("missing_scope"))
    );
    let too_many: Vec<Value> = (0..1001).map(|_| json!({"name": "天汉建设"})).collect();
    let (status, out) = screen(
        &app,
        &key,
        json!({"purpose": "资格审查", "subjects": too_many}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        out["message"],
        "`subjects`: 1001 subjects; at most 1000 per call."
    );
    let (status, out) = screen(&app, &key, json!({"purpose": " ", "subjects": []})).await;
    assert_eq!(
        (status, out["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_screening_field"))
    );
    let (status, out) = screen(
        &app,
        &key,
        json!({"purpose": "资格审查", "threshold": 0.2, "subjects": []}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        out["message"],
        "`threshold`: `0.2` must be between 0.5 and 1"
    );
    let (status, out) = screen(
        &app,
        &key,
        json!({"purpose": "资格审查", "subjects": [{"uscc": "9161070MA6YL3K09Y"}, {}, {"name": "汉"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&Value> = out["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["error"]["code"])
        .collect();
    assert_eq!(codes, [&json!("invalid_screening_field"); 3]);
    assert_eq!(out["summary"]["rejected"], 3);
    // Nothing was logged for refused requests; the last one was screened and logged.
    let (_, log) = app
        .get("/api/v1/office/screenings", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(log["total"], 1);
}

/// The index as the screening API reads it, and one built afresh from the database at the same
/// sequence.
async fn kept_and_rebuilt(app: &TestApp) -> (std::sync::Arc<screening::Index>, screening::Index) {
    let state = &app.state;
    let (today, now) = (state.clock.today(), state.clock.now());
    let kept = state
        .screening
        .current(&state.db, today, now, state.config.id_mask)
        .await
        .map_err(|e| e.message)
        .expect("the kept index");
    let rebuilt = screening::Index::build(&state.db, kept.seq, today, now, state.config.id_mask)
        .await
        .map_err(|e| e.message)
        .expect("a rebuilt index");
    // Read three subjects a page: the same index as read in the usual pages.
    let paged =
        screening::Index::build_in_pages(&state.db, kept.seq, today, now, state.config.id_mask, 3)
            .await
            .map_err(|e| e.message)
            .expect("an index read in small pages");
    assert_eq!(paged.dump(), rebuilt.dump(), "read in pages of three");
    (kept, rebuilt)
}

/// What an index answers for `probe`: the matches as sent, and the person checked.
fn answer(
    app: &TestApp,
    index: &screening::Index,
    probe: &(Option<String>, Option<String>, Option<String>),
    threshold: f64,
) -> (Value, Option<screening::PersonCheck>) {
    let (uscc, name, id_number) = probe.clone();
    let screened = index
        .screen(
            screening::Probe {
                uscc,
                name,
                id_number,
            },
            threshold,
            true,
            &app.state.keys,
        )
        .map_err(|e| e.message)
        .expect("a valid probe");
    (
        serde_json::to_value(&screened.matches).expect("matches"),
        screened.person,
    )
}

/// One subject of the random test: its current name, every name it had, and its code or ID number.
struct Pooled {
    person: bool,
    name: String,
    names: Vec<String>,
    code: String,
    id: Option<String>,
}

/// One entry of the random test, while it is public.
struct Listing {
    subject: usize,
    list: &'static str,
    document: String,
    id: String,
}

fn pooled_subject(p: &Pooled) -> Value {
    if p.person {
        json!({"kind": "natural_person", "name": p.name, "id_number": p.code})
    } else {
        json!({"kind": "legal_person", "name": p.name, "uscc": p.code})
    }
}

fn org_name(rng: &mut impl rand::Rng) -> String {
    const REGION: [&str; 3] = ["汉中市", "", "陕西"];
    // Homophones (天汉/天汗, 秦岭/秦陵) and shared cores, so that names meet in every map.
    const BODY: [&str; 5] = ["天汉", "天汗", "秦岭", "秦陵", "汉江"];
    const TRADE: [&str; 4] = ["建设工程", "建设", "药业", "商贸"];
    const FORM: [&str; 3] = ["有限公司", "有限责任公司", "股份有限公司"];
    format!(
        "{}{}{}{}",
        REGION[rng.gen_range(0..3)],
        BODY[rng.gen_range(0..5)],
        TRADE[rng.gen_range(0..4)],
        FORM[rng.gen_range(0..3)]
    )
}

/// The kept index answers exactly as one rebuilt afresh, through random runs of publications,
/// corrections, withdrawals, repairs and renames (one to three writes between looks), and it
/// was built once and then followed the change feed every time it moved.
async fn the_index_kept_along_the_feed_answers_as_a_rebuilt_one(backend: Backend) {
    use rand::{Rng, SeedableRng};
    let app = TestApp::spawn(backend).await;
    let key = listed(&app).await;
    let region = xinyong::domain::RegionCode::parse("610702").expect("region");
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261203);
    let mut pool: Vec<Pooled> = (0..12)
        .map(|i| {
            let name = org_name(&mut rng);
            Pooled {
                person: false,
                names: vec![name.clone()],
                name,
                code: code("91", &format!("MA{i:06}")),
                id: None,
            }
        })
        .collect();
    const PERSONS: [&str; 4] = ["王五", "赵六", "王伍", "钱七"];
    for (i, name) in PERSONS.iter().enumerate() {
        let birth = chrono::NaiveDate::from_ymd_opt(1980, 1, 1 + i as u32).expect("date");
        pool.push(Pooled {
            person: true,
            name: (*name).to_owned(),
            names: vec![(*name).to_owned()],
            code: xinyong::domain::IdNumber::from_parts(&region, birth, 11)
                .as_str()
                .to_owned(),
            id: None,
        });
    }
    let mut public: Vec<Listing> = Vec::new();
    let mut documents = 0;
    let (mut looks, mut moves) = (0, 0);
    let (first, _) = kept_and_rebuilt(&app).await;
    let mut seq = first.seq;
    for _ in 0..40 {
        for _ in 0..rng.gen_range(1..=3) {
            let op = rng.gen_range(0..100);
            if op < 35 || public.is_empty() {
                // Publish a new entry, for a new or a known subject.
                let subject = rng.gen_range(0..pool.len());
                documents += 1;
                let list = if rng.gen_bool(0.3) { "red" } else { "black" };
                let document = format!("汉税随机〔2026〕{documents}号");
                let (status, out) = app
                    .post(
                        "/api/v1/partner/batches",
                        Some(&key),
                        json!({"records": [listing(pooled_subject(&pool[subject]), list, &document)]}),
                    )
                    .await;
                assert_eq!(
                    (status, out["accepted"].clone()),
                    (StatusCode::OK, json!(1)),
                    "{out}"
                );
                let id = out["results"][0]["entry_id"]
                    .as_str()
                    .expect("entry")
                    .to_owned();
                public.push(Listing {
                    subject,
                    list,
                    document,
                    id,
                });
            } else if op < 55 {
                // Correct a public entry's reason and decision date.
                let l = &public[rng.gen_range(0..public.len())];
                let mut record = listing(pooled_subject(&pool[l.subject]), l.list, &l.document);
                record["entry"]["reason"] = json!(
                    ["虚开增值税专用发票", "逃避缴纳税款", "骗取出口退税"][rng.gen_range(0..3)]
                );
                record["entry"]["decision_date"] =
                    json!(["2026-03-01", "2026-04-15", "2026-05-01"][rng.gen_range(0..3)]);
                let (status, out) = app
                    .post(
                        "/api/v1/partner/batches",
                        Some(&key),
                        json!({"records": [record]}),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{out}");
                assert_eq!(out["rejected"], 0, "{out}");
            } else if op < 70 {
                let l = public.swap_remove(rng.gen_range(0..public.len()));
                let (_, entry) = app
                    .get(
                        &format!("/api/v1/office/entries/{}", l.id),
                        Some(ADMIN_TOKEN),
                    )
                    .await;
                let (status, out) = app
                    .post(
                        &format!("/api/v1/office/entries/{}/withdraw", l.id),
                        Some(ADMIN_TOKEN),
                        json!({"version": entry["version"], "reason": "处罚决定已撤销"}),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{out}");
            } else if op < 80 {
                // An approved repair ends the entry's publicity.
                let l = public.swap_remove(rng.gen_range(0..public.len()));
                let state = &app.state;
                let txn = xinyong::db::begin_write(&state.db)
                    .await
                    .expect("transaction");
                xinyong::services::repairs::end_publicity(
                    &txn,
                    &state.write_ctx("staff:screening-test".into()),
                    entity::EntryId(l.id.parse().expect("uuid")),
                )
                .await
                .map_err(|e| e.message)
                .expect("repaired");
                txn.commit().await.expect("committed");
            } else {
                // Rename a subject the office knows.
                let l = &public[rng.gen_range(0..public.len())];
                let subject = l.subject;
                let id = match &pool[subject].id {
                    Some(id) => id.clone(),
                    None => {
                        let (_, entry) = app
                            .get(
                                &format!("/api/v1/office/entries/{}", l.id),
                                Some(ADMIN_TOKEN),
                            )
                            .await;
                        entry["subject_id"].as_str().expect("subject").to_owned()
                    }
                };
                let name = if pool[subject].person {
                    PERSONS[rng.gen_range(0..PERSONS.len())].to_owned()
                } else {
                    org_name(&mut rng)
                };
                let (_, current) = app
                    .get(&format!("/api/v1/office/subjects/{id}"), Some(ADMIN_TOKEN))
                    .await;
                let (status, out) = app
                    .patch(
                        &format!("/api/v1/office/subjects/{id}"),
                        Some(ADMIN_TOKEN),
                        json!({"version": current["version"], "name": name}),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{out}");
                let p = &mut pool[subject];
                p.id = Some(id);
                p.names.push(name.clone());
                p.name = name;
            }
        }
        let (kept, rebuilt) = kept_and_rebuilt(&app).await;
        looks += 1;
        if kept.seq != seq {
            moves += 1;
            seq = kept.seq;
        }
        assert_eq!(kept.dump(), rebuilt.dump(), "after {looks} looks");
        assert_eq!(kept.listed_subjects(), rebuilt.listed_subjects());
        let mut probes: Vec<(Option<String>, Option<String>, Option<String>)> = Vec::new();
        for p in &pool {
            for name in &p.names {
                if p.person {
                    probes.push((None, Some(name.clone()), Some(p.code.clone())));
                } else {
                    probes.push((None, Some(name.clone()), None));
                    probes.push((None, Some(name.replace('汉', "漢")), None));
                    probes.push((None, Some(xinyong::domain::names::core(name)), None));
                }
            }
            if !p.person {
                probes.push((Some(p.code.clone()), None, None));
            }
        }
        for probe in &probes {
            for threshold in [0.6, 0.85, 1.0] {
                assert_eq!(
                    answer(&app, &kept, probe, threshold),
                    answer(&app, &rebuilt, probe, threshold),
                    "{probe:?} at {threshold}"
                );
            }
        }
    }
    assert!(
        moves >= 20,
        "the feed moved between most looks: {moves} of {looks}"
    );
    assert_eq!(
        app.state.screening.refreshes(),
        screening::Refreshes {
            rebuilt: 1,
            followed: moves
        }
    );
}

/// A withdrawal reaches the next screening: no match, from the next snapshot, read by following
/// the feed rather than by rebuilding.
async fn a_withdrawn_entry_is_no_longer_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = listed(&app).await;
    let body = json!({"purpose": "资格审查", "subjects": [{"uscc": TIANHAN}]});
    let (status, before) = screen(&app, &key, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(
        summary_of(&before["results"][0]),
        (
            "flagged".into(),
            vec![("汉中市天汉建设工程有限公司".into(), "uscc".into(), 1.0)]
        )
    );
    let entry_id = before["results"][0]["matches"][0]["hits"][0]["entry_id"]
        .as_str()
        .expect("entry")
        .to_owned();
    let (_, entry) = app
        .get(
            &format!("/api/v1/office/entries/{entry_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    let (status, out) = app
        .post(
            &format!("/api/v1/office/entries/{entry_id}/withdraw"),
            Some(ADMIN_TOKEN),
            json!({"version": entry["version"], "reason": "处罚决定已撤销"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let (status, after) = screen(&app, &key, body).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["results"][0]["status"], "clear", "{after}");
    assert_eq!(after["results"][0]["matches"], json!([]));
    // One feed row, the removal, and the answer is read from it.
    let seq = before["snapshot_seq"].as_i64().expect("seq");
    assert_eq!(after["snapshot_seq"], json!(seq + 1));
    assert_eq!(after["receipt"]["snapshot_seq"], json!(seq + 1));
    assert_eq!(
        app.state.screening.refreshes(),
        screening::Refreshes {
            rebuilt: 1,
            followed: 1
        }
    );
}

/// Renaming a subject reaches screening: a company by its new name, a natural person by the
/// new name with the ID number, the old names no longer; and a new day rebuilds the index.
async fn a_renamed_subject_is_screened_by_its_new_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = listed(&app).await;
    let ask = json!({"purpose": "资格审查", "legal_basis": "《汉中市财政补贴资金管理办法》第十二条",
    "subjects": [
        {"name": "汉中市天汉建设工程有限公司"}, {"name": "汉中市汉水路桥工程有限公司"},
        {"name": "张三", "id_number": PERSON_ID}, {"name": "张叁", "id_number": PERSON_ID}
    ]});
    let (_, before) = screen(&app, &key, ask.clone()).await;
    let statuses = |out: &Value| -> Vec<String> {
        out["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["status"].as_str().expect("status").to_owned())
            .collect()
    };
    assert_eq!(
        statuses(&before),
        ["flagged", "clear", "flagged", "clear"],
        "{before}"
    );
    for (result, name) in [(0, "汉中市汉水路桥工程有限公司"), (2, "张叁")] {
        let id = before["results"][result]["matches"][0]["subject_id"]
            .as_str()
            .expect("subject")
            .to_owned();
        let (_, subject) = app
            .get(&format!("/api/v1/office/subjects/{id}"), Some(ADMIN_TOKEN))
            .await;
        let (status, out) = app
            .patch(
                &format!("/api/v1/office/subjects/{id}"),
                Some(ADMIN_TOKEN),
                json!({"version": subject["version"], "name": name}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{out}");
    }
    let (_, after) = screen(&app, &key, ask.clone()).await;
    assert_eq!(
        statuses(&after),
        ["clear", "flagged", "clear", "flagged"],
        "{after}"
    );
    assert_eq!(after["results"][3]["matches"][0]["name"], "张*");
    // Each rename recorded a feed row (a person's masked name is the same, but the public
    // document's person key is not).
    let seq = before["snapshot_seq"].as_i64().expect("seq");
    assert_eq!(after["snapshot_seq"], json!(seq + 2));
    assert_eq!(
        app.state.screening.refreshes(),
        screening::Refreshes {
            rebuilt: 1,
            followed: 1
        }
    );
    // Publicity is judged again on a new day: the index is rebuilt.
    app.clock.advance(chrono::Duration::days(1));
    let (_, next_day) = screen(&app, &key, ask).await;
    assert_eq!(
        statuses(&next_day),
        ["clear", "flagged", "clear", "flagged"]
    );
    assert_eq!(app.state.screening.refreshes().rebuilt, 2);
}

db_tests!(
    screening_finds_listed_subjects_by_code_core_name_and_traditional_script,
    natural_persons_need_a_legal_basis_and_their_id_number,
    screening_requests_are_checked,
    the_index_kept_along_the_feed_answers_as_a_rebuilt_one,
    a_withdrawn_entry_is_no_longer_found,
    a_renamed_subject_is_screened_by_its_new_name,
);
