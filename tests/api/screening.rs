//! Batch screening (信用核查) by partner agencies.

use crate::db_tests;
use crate::fixtures::org_code as code;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

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

db_tests!(
    screening_finds_listed_subjects_by_code_core_name_and_traditional_script,
    natural_persons_need_a_legal_basis_and_their_id_number,
    screening_requests_are_checked,
);
