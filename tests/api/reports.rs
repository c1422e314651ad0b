//! Signed documents: credit reports (JSON, HTML, PDF), proofs of a search and partners'
//! screening receipts; their verification by code, by the document itself, by an uploaded file,
//! and offline with `xinyong report verify`.

use crate::db_tests;
use crate::fixtures::{TIANHAN, TIANHAN_USCC, black_entry, error, org_code as code};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp, captured_logs};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A company with one published black entry; (subject id, entry id).
async fn listed_company(app: &TestApp) -> (String, String) {
    let subject = app.a_subject().await;
    let entry = app.publish_entry(black_entry(&subject)).await;
    app.drain().await;
    (subject, entry)
}

async fn report(app: &TestApp, subject: &str) -> Value {
    let (status, doc) = app
        .get(&format!("/api/v1/subjects/{subject}/report"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    doc
}

async fn verify(app: &TestApp, doc: &Value) -> Value {
    let (status, v) = app.post("/api/v1/verify", None, doc.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

fn code_of(doc: &Value) -> String {
    doc["verification_code"].as_str().expect("code").to_owned()
}

async fn a_report_is_signed_and_one_changed_byte_fails_verification(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (subject, entry) = listed_company(&app).await;
    let doc = report(&app, &subject).await;

    // What the report says: the subject, its entry, what it does not cover.
    let key_id = app.state.signer.key_id().to_owned();
    assert_eq!(doc["type"], "credit_report");
    assert_eq!(doc["key_id"], json!(key_id));
    assert_eq!(doc["content"]["subject"]["display_name"], TIANHAN);
    assert_eq!(doc["content"]["subject"]["uscc"], TIANHAN_USCC);
    assert_eq!(doc["content"]["black"][0]["id"], json!(entry));
    assert_eq!(doc["content"]["red"], json!([]));
    assert_eq!(
        doc["content"]["not_covered"].as_array().map(Vec::len),
        Some(4)
    );
    let number = doc["report_number"].as_str().expect("number");
    assert!(number.starts_with("XYR-2026"), "{number}");
    assert!(doc["issued_at"].as_str().expect("time").ends_with("+08:00"));
    let code = code_of(&doc);
    assert_eq!(
        doc["verify_url"],
        json!(format!(
            "{}/verify?code={code}",
            app.state.config.public_url()
        ))
    );
    // The key that signed it is published.
    let (status, keys) = app.get("/.well-known/xinyong-keys.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        keys,
        serde_json::to_value(app.state.signer.keys_document()).expect("keys")
    );
    assert_eq!(keys["keys"][0]["kid"], json!(key_id));
    assert_eq!(keys["keys"][0]["status"], "current");

    // Genuine, kept, unchanged.
    let v = verify(&app, &doc).await;
    assert_eq!(
        (
            v["genuine"].clone(),
            v["on_record"].clone(),
            v["record_changed"].clone(),
            v["key_status"].clone(),
            v["problem"].clone()
        ),
        (
            json!(true),
            json!(true),
            json!(false),
            json!("current"),
            Value::Null
        ),
        "{v}"
    );
    assert_eq!(v["document"], doc);
    let (status, by_code) = app.get(&format!("/api/v1/reports/{code}"), None).await;
    assert_eq!(status, StatusCode::OK, "{by_code}");
    assert_eq!(by_code["document"], doc);
    assert_eq!(by_code["genuine"], json!(true));
    // The code as a reader types it: lower case, spaces instead of dashes.
    let typed = code.to_lowercase().replace('-', "%20");
    let (status, again) = app.get(&format!("/api/v1/reports/{typed}"), None).await;
    assert_eq!(
        (status, again["document"].clone()),
        (StatusCode::OK, doc.clone())
    );

    // One byte changed in the content: not genuine.
    let text = doc.to_string().replacen("天汉", "天汊", 1);
    let forged: Value = serde_json::from_str(&text).expect("json");
    assert_ne!(forged, doc);
    let v = verify(&app, &forged).await;
    assert_eq!(
        (
            v["genuine"].clone(),
            v["on_record"].clone(),
            v["record_changed"].clone(),
            v["problem"].clone()
        ),
        (
            json!(false),
            json!(false),
            Value::Null,
            json!(
                "the signature does not match the content: the document was changed after it was signed"
            )
        ),
        "{v}"
    );
    // A signature under another key is named as such.
    let mut stranger = doc.clone();
    stranger["key_id"] = json!("0123456789abcdef");
    let v = verify(&app, &stranger).await;
    assert_eq!(
        v["problem"],
        json!("signed with key `0123456789abcdef`, which is not one of this site's keys")
    );
    // An unknown code.
    let (status, body) = app.get("/api/v1/reports/2222-3333-4444-5555", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            error(
                "document_not_found",
                "invalid_request",
                "No report or proof was issued with verification code `2222-3333-4444-5555`."
            )
        )
    );
    // The body of the person's form is checked for anyone: an array or an overlong name is a 400.
    let url = format!("/api/v1/subjects/{subject}/report");
    assert_eq!(
        app.post(&url, None, json!([null, null])).await,
        (
            StatusCode::BAD_REQUEST,
            error(
                "invalid_request_body",
                "invalid_request",
                "The body does not fit: it must be an object with `subject_name` and `subject_id_number`."
            )
        )
    );
    let (status, body) = app
        .post(&url, None, json!({"subject_name": "名".repeat(201)}))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_case_field")),
        "{body}"
    );
    // One row per issued report, and the log names the number, never the subject's name.
    assert_eq!(app.count(entity::signed_document::Entity).await, 1);
    let logs = captured_logs();
    assert!(logs.contains(number), "report issue is logged");
}

async fn a_report_issued_before_a_withdrawal_still_verifies_and_says_the_record_changed(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let (subject, entry) = listed_company(&app).await;
    let doc = report(&app, &subject).await;
    let code = code_of(&doc);
    let (_, read) = app
        .get(
            &format!("/api/v1/office/entries/{entry}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/office/entries/{entry}/withdraw"),
            Some(ADMIN_TOKEN),
            json!({"version": read["version"], "reason": "认定部门撤销原决定"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.drain().await;
    let (status, v) = app.get(&format!("/api/v1/reports/{code}"), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["genuine"].clone(), v["record_changed"].clone()),
        (json!(true), json!(true)),
        "{v}"
    );
    // As of its time: the withdrawn entry is still in it.
    assert_eq!(v["document"]["content"]["black"][0]["id"], json!(entry));
    // A report issued now has no entry, and nothing changed since it.
    let now = report(&app, &subject).await;
    assert_eq!(now["content"]["black"], json!([]));
    assert_eq!(verify(&app, &now).await["record_changed"], json!(false));
    // The verification page says both.
    let page = app
        .http
        .get(format!("{}/verify?code={code}", app.base))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("真实有效"), "{html}");
    assert!(html.contains("id=\"record-changed\""), "{html}");
    assert!(
        html.contains("失信被执行人"),
        "the report as issued: {html}"
    );
}

async fn a_person_report_is_issued_only_to_the_person(backend: Backend) {
    const ID: &str = "610702200001010018";
    let app = TestApp::spawn(backend).await;
    let person = app.create_person("张三", ID).await;
    app.publish_entry(black_entry(&person)).await;
    app.drain().await;
    let url = format!("/api/v1/subjects/{person}/report");
    let refused = error(
        "report_needs_standing",
        "auth",
        format!(
            "A credit report about natural person `{person}` is issued only to that person: send their name and resident ID number, exactly as registered."
        ),
    );
    assert_eq!(
        app.get(&url, None).await,
        (StatusCode::FORBIDDEN, refused.clone())
    );
    let wrong = json!({"subject_name": "张三", "subject_id_number": "610702200001010026"});
    assert_eq!(
        app.post(&url, None, wrong).await,
        (StatusCode::FORBIDDEN, refused)
    );
    let (status, body) = app.post(&url, None, json!({"subject_name": "张三"})).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_case_field")),
        "{body}"
    );
    assert_eq!(app.count(entity::signed_document::Entity).await, 0);
    let own = json!({"subject_name": "张三", "subject_id_number": ID});
    let (status, doc) = app.post(&url, None, own).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    // Shown as the public profile shows the person: masked, never the number itself.
    let subject = &doc["content"]["subject"];
    assert_eq!(subject["kind"], "natural_person");
    let masked = subject["id_number_masked"].as_str().expect("masked");
    assert_ne!(masked, ID);
    assert!(masked.contains('*'), "{masked}");
    assert!(!doc.to_string().contains(ID));
    assert!(!app.table_text("signed_documents").await.contains(ID));
    assert!(!captured_logs().contains(ID));
    // The page asks for the name and number instead of issuing.
    let page = app
        .http
        .get(format!("{}/subjects/{person}/report", app.base))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("name=\"subject_id_number\""), "{html}");
    assert_eq!(app.count(entity::signed_document::Entity).await, 1);
    // The PDF of a person is asked for on that page.
    let pdf = app
        .http
        .get(format!("{}/subjects/{person}/report.pdf", app.base))
        .send()
        .await
        .expect("pdf");
    assert_eq!(pdf.status(), StatusCode::FORBIDDEN);
}

/// The attack: a person's entry is public with a masked ID number; whoever tries the hidden
/// digits one by one on the report form learns the number from the one report issued. Tries are
/// counted per name and day from all clients together, as person lookups are.
async fn guessing_a_persons_id_number_through_reports_is_throttled(backend: Backend) {
    const ID: &str = "610702200001010018";
    let app = TestApp::spawn_with(backend, |c| c.person_lookups_per_name_day = 3).await;
    let person = app.create_person("张三", ID).await;
    app.publish_entry(black_entry(&person)).await;
    app.drain().await;
    let url = format!("/api/v1/subjects/{person}/report");
    for guess in [
        "610702200001010026",
        "610702200001010034",
        "610702200001010042",
    ] {
        let body = json!({"subject_name": "张三", "subject_id_number": guess});
        let (status, out) = app.post(&url, None, body).await;
        assert_eq!(
            (status, out["code"].clone()),
            (StatusCode::FORBIDDEN, json!("report_needs_standing")),
            "{out}"
        );
    }
    // The right number, once the name's tries for the day are spent: refused, no report.
    let (status, out) = app
        .post(
            &url,
            None,
            json!({"subject_name": "张三", "subject_id_number": ID}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{out}");
    assert_eq!(out["code"], "person_lookup_throttled");
    assert_eq!(app.count(entity::signed_document::Entity).await, 0);
    // The next day the person gets their report.
    app.clock.advance(chrono::Duration::days(1));
    let (status, out) = app
        .post(
            &url,
            None,
            json!({"subject_name": "张三", "subject_id_number": ID}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
}

/// Whether this machine can write PDF reports (a CJK font) and read them back (`pdftotext`).
fn pdf_tools() -> bool {
    if let Err(e) = xinyong::pdf::Font::find(None) {
        eprintln!("SKIPPED: the PDF checks need a CJK font (Debian: fonts-noto-cjk): {e}");
        return false;
    }
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: the PDF checks need pdftotext (Debian: poppler-utils)");
        return false;
    }
    true
}

/// Uploads `bytes` as the file of the verification page; the status and the page.
async fn upload(app: &TestApp, bytes: Vec<u8>, name: &'static str) -> (StatusCode, String) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name),
    );
    let page = app
        .http
        .post(format!("{}/verify", app.base))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    (page.status(), page.text().await.expect("html"))
}

fn run_cli(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xinyong"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("XINYONG_SIGNING_KEY")
        .output()
        .expect("xinyong runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn the_pdf_report_shows_the_chinese_name_and_the_code_and_verifies_offline(backend: Backend) {
    if !pdf_tools() {
        return;
    }
    let app = TestApp::spawn(backend).await;
    let (subject, _) = listed_company(&app).await;
    let resp = app
        .http
        .get(format!("{}/subjects/{subject}/report.pdf", app.base))
        .send()
        .await
        .expect("pdf");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = resp.bytes().await.expect("bytes").to_vec();
    let dir = tempfile::tempdir().expect("dir");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, &bytes).expect("write");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    let doc =
        xinyong::services::reports::document_in_file(&bytes).expect("the PDF carries its JSON");
    let code = code_of(&doc);
    assert!(text.contains(TIANHAN), "{text}");
    assert!(text.contains(&code), "{text}");
    assert!(text.contains("失信黑名单"), "{text}");
    // The PDF's document is the one kept.
    let (_, kept) = app.get(&format!("/api/v1/reports/{code}"), None).await;
    assert_eq!(kept["document"], doc);

    // Offline, with the published keys.
    let (_, keys) = app.get("/.well-known/xinyong-keys.json", None).await;
    let keys_file = dir.path().join("keys.json");
    std::fs::write(&keys_file, keys.to_string()).expect("keys");
    let keys_arg = keys_file.to_str().expect("path");
    let (rc, out) = run_cli(&[
        "report",
        "verify",
        pdf.to_str().expect("path"),
        "--keys",
        keys_arg,
    ]);
    assert_eq!(rc, 0, "{out}");
    assert!(
        out.starts_with(&format!(
            "GENUINE: credit_report {}",
            doc["report_number"].as_str().expect("n")
        )),
        "{out}"
    );
    // The JSON, as downloaded, verifies too; one changed byte does not.
    let json_file = dir.path().join("report.json");
    let downloaded = app
        .http
        .get(format!("{}/reports/{code}/report.json", app.base))
        .send()
        .await
        .expect("json")
        .bytes()
        .await
        .expect("bytes");
    std::fs::write(&json_file, &downloaded).expect("write");
    let (rc, out) = run_cli(&[
        "report",
        "verify",
        json_file.to_str().expect("p"),
        "--keys",
        keys_arg,
    ]);
    assert_eq!(rc, 0, "{out}");
    let forged = String::from_utf8_lossy(&downloaded).replacen("失信被执行人", "失信被执行者", 1);
    std::fs::write(&json_file, forged).expect("write");
    let (rc, out) = run_cli(&[
        "report",
        "verify",
        json_file.to_str().expect("p"),
        "--keys",
        keys_arg,
    ]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("NOT VERIFIED"), "{out}");
    assert!(out.contains("changed after it was signed"), "{out}");
    // Another site's key does not vouch for it.
    let (rc, out) = run_cli(&[
        "report",
        "verify",
        pdf.to_str().expect("path"),
        "--public-key",
        &"ab".repeat(32),
    ]);
    assert_eq!(rc, 1, "{out}");

    // Uploaded on the verification page.
    let (status, html) = upload(&app, bytes.clone(), "report.pdf").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("真实有效") && html.contains(&code), "{html}");
    let (status, html) = upload(&app, b"%PDF-1.7 not ours".to_vec(), "x.pdf").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("不是本网站出具的带签名的报告"), "{html}");
}

async fn a_screening_receipt_verifies_and_a_forged_one_does_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    listed_company(&app).await;
    let key = app
        .agency_key(
            "汉中市公共资源交易中心",
            &code("12", "MB296179"),
            true,
            &["screen"],
        )
        .await;
    let body =
        json!({"purpose": "资格审查", "subjects": [{"reference": "s1", "uscc": TIANHAN_USCC}]});
    let (status, out) = app
        .post("/api/v1/partner/screenings", Some(&key), body.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let receipt = out["receipt"].clone();
    let id = out["screening_id"].as_str().expect("id");
    assert_eq!(receipt["type"], "screening_receipt");
    assert_eq!(receipt["id"], json!(id));
    assert_eq!(receipt["results"], out["results"]);
    assert_eq!(receipt["summary"], out["summary"]);
    assert_eq!(receipt["snapshot_seq"], out["snapshot_seq"]);
    assert_eq!(
        receipt["request_sha256"],
        json!(xinyong::crypto::sha256_hex(
            &serde_json::to_vec(&body).expect("bytes")
        ))
    );
    let v = verify(&app, &receipt).await;
    assert_eq!(
        (
            v["genuine"].clone(),
            v["on_record"].clone(),
            v["record_changed"].clone()
        ),
        (json!(true), json!(true), Value::Null),
        "{v}"
    );
    // Returned again to the agency that screened.
    let url = format!("/api/v1/partner/screenings/{id}");
    assert_eq!(
        app.get(&url, Some(&key)).await,
        (StatusCode::OK, receipt.clone())
    );
    // Forged: the answer turned from flagged to clear.
    let mut forged = receipt.clone();
    forged["results"][0]["status"] = json!("clear");
    forged["summary"]["flagged"] = json!(0);
    let v = verify(&app, &forged).await;
    assert_eq!(
        (v["genuine"].clone(), v["on_record"].clone()),
        (json!(false), json!(false)),
        "{v}"
    );
    // Another agency cannot read it.
    let other = app
        .agency_key("汉中市某局", &code("12", "MB296180"), true, &["screen"])
        .await;
    assert_eq!(
        app.get(&url, Some(&other)).await,
        (
            StatusCode::NOT_FOUND,
            error(
                "document_not_found",
                "invalid_request",
                format!("No screening receipt `{id}` was issued to this agency.")
            )
        )
    );
}

async fn a_search_proof_says_what_was_found_or_that_nothing_was(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (subject, _) = listed_company(&app).await;
    let (status, proof) = app
        .get("/api/v1/lookup/proof?q=%E5%A4%A9%E6%B1%89", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{proof}");
    assert_eq!(proof["type"], "search_proof");
    assert_eq!(proof["content"]["query"], json!({"q": "天汉"}));
    assert_eq!(proof["content"]["total"], json!(1));
    assert_eq!(proof["content"]["found"][0]["id"], json!(subject));
    assert_eq!(proof["content"]["found"][0]["black_count"], json!(1));
    assert_eq!(
        proof["content"]["statement"],
        "在信用汉中信用查询中检索“天汉”，共查询到 1 个信用主体。"
    );
    let v = verify(&app, &proof).await;
    assert_eq!(
        (v["genuine"].clone(), v["record_changed"].clone()),
        (json!(true), json!(false))
    );
    let (status, none) = app
        .get(
            "/api/v1/lookup/proof?q=%E7%A7%A6%E5%B2%AD%E8%8D%AF%E4%B8%9A",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{none}");
    assert_eq!(none["content"]["total"], json!(0));
    assert_eq!(none["content"]["found"], json!([]));
    assert_eq!(
        none["content"]["statement"],
        "在信用汉中信用查询中检索“秦岭药业”，未查询到相关信用主体。"
    );
    // A company found later makes the empty proof "changed since".
    let other = app
        .create_subject(
            "legal_person",
            "陕西秦岭药业股份有限公司",
            &code("91", "MA6YL3K1"),
        )
        .await;
    let mut entry = black_entry(&other);
    entry["document_number"] = json!("(2026)陕07执124号");
    app.publish_entry(entry).await;
    app.drain().await;
    assert_eq!(verify(&app, &none).await["record_changed"], json!(true));
    assert_eq!(
        app.get("/api/v1/lookup/proof", None).await,
        (
            StatusCode::BAD_REQUEST,
            error(
                "invalid_query_parameter",
                "invalid_request",
                "`q`: required: a proof of search is about a search for a name or a code."
            )
        )
    );
    // The results page links its proof; the proof page shows the code.
    let html = app
        .http
        .get(format!("{}/?q=%E5%A4%A9%E6%B1%89", app.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("href=\"/proof?q=%E5%A4%A9%E6%B1%89\""),
        "{html}"
    );
    let page = app
        .http
        .get(format!("{}/proof?q=%E5%A4%A9%E6%B1%89", app.base))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("共查询到 1 个信用主体"), "{html}");
    assert!(html.contains("<svg class=\"qr\""), "{html}");
    // Its PDF carries the same signed JSON.
    if xinyong::pdf::Font::find(None).is_ok() {
        let code = code_of(&proof);
        let pdf = app
            .http
            .get(format!("{}/reports/{code}/report.pdf", app.base))
            .send()
            .await
            .expect("pdf");
        assert_eq!(pdf.status(), StatusCode::OK);
        let bytes = pdf.bytes().await.expect("bytes");
        assert_eq!(
            xinyong::services::reports::document_in_file(&bytes),
            Some(proof.clone())
        );
    } else {
        eprintln!("SKIPPED: the proof's PDF needs a CJK font (Debian: fonts-noto-cjk)");
    }
}

async fn issuing_is_limited_per_client(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.reports_per_minute = 2).await;
    let (subject, _) = listed_company(&app).await;
    report(&app, &subject).await;
    report(&app, &subject).await;
    let (status, body) = app
        .get(&format!("/api/v1/subjects/{subject}/report"), None)
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let message = body["message"].as_str().expect("message").to_owned();
    assert!(
        message.starts_with("Too many reports or proofs from this client; retry after "),
        "{message}"
    );
    assert_eq!(body, error("too_many_reports", "invalid_request", message));
    assert_eq!(app.count(entity::signed_document::Entity).await, 2);
}

db_tests!(
    a_report_is_signed_and_one_changed_byte_fails_verification,
    a_report_issued_before_a_withdrawal_still_verifies_and_says_the_record_changed,
    a_person_report_is_issued_only_to_the_person,
    guessing_a_persons_id_number_through_reports_is_throttled,
    the_pdf_report_shows_the_chinese_name_and_the_code_and_verifies_offline,
    a_screening_receipt_verifies_and_a_forged_one_does_not,
    a_search_proof_says_what_was_found_or_that_nothing_was,
    issuing_is_limited_per_client,
);

mod browser {
    use super::{TIANHAN, listed_company};
    use crate::browser::Browser;
    use crate::helpers::{Backend, TestApp};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(
        not(browser_tests),
        ignore = "chromedriver is not installed: browser test skipped"
    )]
    async fn a_company_prints_its_report_and_anyone_checks_it_on_the_verification_page() {
        let app = TestApp::spawn(Backend::Sqlite).await;
        let (subject, _) = listed_company(&app).await;
        let browser = Browser::start().await;
        let base = app.base.clone();

        browser.goto(&format!("{base}/subjects/{subject}")).await;
        browser.wait_for("h1", TIANHAN).await;
        browser.click(&browser.find("#report-link").await).await;
        browser.wait_for("#doc-title", "信用报告").await;
        browser.wait_for("#doc-subject", TIANHAN).await;
        let code = browser.text(&browser.find("#doc-code").await).await;
        assert_eq!(code.len(), 19, "{code}");
        browser.find(".verify-box svg.qr").await;
        browser.screenshot("report").await;

        // The PDF as downloaded, then checked by code and by upload.
        let pdf = app
            .http
            .get(format!("{base}/reports/{code}/report.pdf"))
            .send()
            .await
            .expect("pdf");
        let pdf_ok = pdf.status() == reqwest::StatusCode::OK;
        let bytes = pdf.bytes().await.expect("bytes");

        browser.goto(&format!("{base}/verify")).await;
        browser.wait_for("h1", "报告验证").await;
        browser
            .type_into(&browser.find("#code").await, &code.to_lowercase())
            .await;
        browser
            .click(&browser.find(".search-form button").await)
            .await;
        browser.wait_for("#verdict", "真实有效").await;
        browser.wait_for("#record-unchanged", "没有变化").await;
        browser.wait_for("#doc-code", &code).await;
        browser.screenshot("verify").await;

        if pdf_ok {
            let dir = tempfile::tempdir().expect("dir");
            let path = dir.path().join("report.pdf");
            std::fs::write(&path, &bytes).expect("write");
            browser.goto(&format!("{base}/verify")).await;
            browser
                .type_into(&browser.find("#file").await, path.to_str().expect("path"))
                .await;
            browser
                .click(&browser.find(".upload-form button").await)
                .await;
            browser.wait_for("#verdict", "真实有效").await;
            browser.wait_for("#doc-code", &code).await;
        } else {
            eprintln!("SKIPPED: the PDF upload step needs a CJK font (Debian: fonts-noto-cjk)");
        }

        // A wrong code says so.
        browser
            .goto(&format!("{base}/verify?code=2222-3333-4444-5555"))
            .await;
        browser.wait_for("#verify-error", "没有找到").await;
    }
}

// The same, on a Meilisearch engine.
crate::meili_tests!(a_search_proof_says_what_was_found_or_that_nothing_was,);
