//! Objections and repair applications from the web forms: the links on the subject page, the
//! forms with their field errors, uploads checked by their content and kept under their hashes,
//! case numbers and follow-up codes, the status page, and posts from other sites refused.

use crate::console_admin::{Console, PASSWORD, member};
use crate::db_tests;
use crate::fixtures::{TIANHAN, TIANHAN_USCC, black_entry, id_of, red_entry};
use crate::helpers::{Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::json;
use std::path::PathBuf;

const CONTACT: &str = "李四 0916-2222222";
/// The smallest file that is a PDF by its content.
pub(crate) const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// One part of a multipart body: a text field, or a file with its name and declared type.
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, Vec<u8>),
}

fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----xinyong-test-boundary-7MA4YWxkTrZu0gW".to_owned();
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, content_type, data) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"materials\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(data);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// The text fields of a good application for Tianhan.
fn standing<'a>() -> Vec<Part<'a>> {
    vec![
        Part::Text("subject_name", TIANHAN),
        Part::Text("subject_uscc", TIANHAN_USCC),
        Part::Text("commitment_letter", "true"),
        Part::Text("contact", CONTACT),
    ]
}

/// Posts the repair form as the browser does (from this site).
async fn post_repair(app: &TestApp, entry_id: &str, parts: &[Part<'_>]) -> (StatusCode, String) {
    let (boundary, body) = multipart(parts);
    let resp = app
        .http
        .post(format!("{}/cases/repair/{entry_id}", app.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .expect("sent");
    (resp.status(), resp.text().await.expect("body"))
}

/// Posts a urlencoded public form from this site.
async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let resp = app
        .http
        .post(format!("{}{path}", app.base))
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .expect("sent");
    (resp.status(), resp.text().await.expect("body"))
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let resp = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("sent");
    (resp.status(), resp.text().await.expect("body"))
}

/// The text of the element with `id`, in a page.
fn by_id(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("#{id} in {html}"));
    let open = html[start..].find('>').expect("tag end") + start + 1;
    let close = html[open..].find('<').expect("text end") + open;
    html[open..close].to_owned()
}

/// A published black entry of Tianhan that may be repaired on the test day (2026-06-15):
/// general, decided 2025-12-01, repairable from 2026-03-01.
async fn repairable_entry(app: &TestApp) -> (String, String) {
    let subject_id = app.a_subject().await;
    let mut entry = black_entry(&subject_id);
    entry["severity"] = json!("general");
    entry["decision_date"] = json!("2025-12-01");
    entry["listing_date"] = json!("2025-12-02");
    entry["document_number"] = json!("汉市监罚〔2025〕88号");
    let entry_id = app.publish_entry(entry).await;
    (subject_id, entry_id)
}

fn materials_dir(app: &TestApp) -> PathBuf {
    app.state.config.data_dir.join("materials")
}

/// The files kept in the material store (staging files included), by name.
fn stored(app: &TestApp) -> Vec<String> {
    let mut names = Vec::new();
    for dir in [materials_dir(app), materials_dir(app).join("staging")] {
        if let Ok(read) = std::fs::read_dir(&dir) {
            for entry in read.flatten() {
                if entry.path().is_file() {
                    names.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
        }
    }
    names.sort();
    names
}

fn sha256_hex(bytes: &[u8]) -> String {
    xinyong::crypto::sha256_hex(bytes)
}

/// The status page for a case number and code.
async fn status_page(app: &TestApp, number: &str, code: &str) -> (StatusCode, String) {
    post_form(app, "/cases", &[("case_number", number), ("code", code)]).await
}

async fn the_repair_form_files_an_application_with_its_uploaded_pdf(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (subject_id, entry_id) = repairable_entry(&app).await;
    // A red entry of the same subject offers an objection but no repair.
    let red_id = app.publish_entry(red_entry(&subject_id)).await;

    let (status, profile) = page(&app, &format!("/subjects/{subject_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        profile.contains(&format!(
            "<a class=\"button\" href=\"/cases/repair/{entry_id}\">信用修复申请</a>"
        )),
        "{profile}"
    );
    assert!(profile.contains(&format!(
        "<a class=\"button\" href=\"/cases/objection/{red_id}\">异议申诉</a>"
    )));
    assert!(!profile.contains(&format!("/cases/repair/{red_id}")));
    let (status, _) = page(&app, &format!("/cases/repair/{red_id}")).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, form) = page(&app, &format!("/cases/repair/{entry_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("信用修复承诺书"), "{form}");
    assert!(form.contains("enctype=\"multipart/form-data\""));
    assert!(form.contains("统一社会信用代码"));
    assert!(
        !form.contains("身份证号码 <span"),
        "an organisation gives its code"
    );

    let mut parts = standing();
    parts.push(Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()));
    // The same content twice: recorded twice, stored once.
    parts.push(Part::File(
        "C:\\扫描\\副本.pdf",
        "application/pdf",
        PDF.to_vec(),
    ));
    let (status, filed) = post_repair(&app, &entry_id, &parts).await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    assert_eq!(by_id(&filed, "case-number"), "XF-20260615-000001");
    let code = by_id(&filed, "follow-up-code");
    assert_eq!(code.len(), 14, "{code}");
    assert!(
        code.replace('-', "")
            .bytes()
            .all(|b| b"23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(&b)),
        "{code}"
    );
    assert!(filed.contains("查询码只显示这一次"));

    // The file is kept once, under its hash; the application records it; nothing is staged.
    let hash = sha256_hex(PDF);
    assert_eq!(stored(&app), vec![hash.clone()]);
    assert_eq!(
        std::fs::read(materials_dir(&app).join(&hash)).expect("kept"),
        PDF
    );
    let rows = entity::repair::Entity::find()
        .all(&app.state.db)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.case_number.as_deref(), Some("XF-20260615-000001"));
    assert_eq!(
        row.material_files,
        Some(json!([
            {"sha256": hash, "name": "缴款凭证.pdf", "size": PDF.len(), "media_type": "application/pdf"},
            {"sha256": hash, "name": "副本.pdf", "size": PDF.len(), "media_type": "application/pdf"},
        ]))
    );
    assert_eq!(row.materials, json!([]));
    assert_eq!(row.contact, CONTACT);
    let follow_up_hash = row.follow_up_hash.clone().expect("hash kept");
    assert_eq!(follow_up_hash.len(), 64);
    assert!(!follow_up_hash.contains(&code.replace('-', "")));
    assert!(!app.table_text("repairs").await.contains(&code));
    assert!(!app.table_text("audit_events").await.contains(&code));

    let id = row.id.to_string();

    // The status page with the right code: state and working-day deadlines.
    let (status, shown) = status_page(&app, "xf-20260615-000001", &code.to_lowercase()).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(by_id(&shown, "case-status"), "已提交，待受理");
    assert!(
        shown.contains("<div><dt>申请日期</dt><dd>2026-06-15</dd></div>"),
        "{shown}"
    );
    assert!(shown.contains("<div><dt>受理期限</dt><dd>2026-06-16</dd></div>"));
    assert!(shown.contains("<div><dt>决定期限</dt><dd>—</dd></div>"));
    // Ten working days from Monday 2026-06-15, the Dragon Boat holiday (19th) skipped.
    assert!(shown.contains("<div><dt>告知结果期限</dt><dd>2026-06-30</dd></div>"));
    assert!(shown.contains("期限按工作日计算。"));
    assert!(!shown.contains(CONTACT));

    // A wrong code and a number that does not exist read alike.
    let (status, wrong) = status_page(&app, "XF-20260615-000001", "AAAA-AAAA-AAAA").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, unknown) = status_page(&app, "XF-20260615-000009", &code).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        wrong.replace("XF-20260615-000001", "N"),
        unknown.replace("XF-20260615-000009", "N")
    );
    assert_eq!(
        by_id(&wrong, "form-error"),
        "未找到该案件。请核对受理编号和查询码（查询码在提交成功的页面上显示）。"
    );

    // The office sees the file and downloads it with a session only.
    member(&app, "王审核", "reviewer", "wang").await;
    let console = Console::sign_in(&app, "wang", PASSWORD).await;
    let case = console.get(&format!("/office/repairs/{id}")).await;
    assert_eq!(case.status, StatusCode::OK);
    let href = format!("/office/repairs/{id}/materials/{hash}");
    assert!(
        case.body
            .contains(&format!("<a href=\"{href}\">缴款凭证.pdf</a>")),
        "{}",
        case.body
    );
    assert!(case.body.contains("XF-20260615-000001"));
    let download = console
        .http
        .get(format!("{}{href}", app.base))
        .header("cookie", format!("xinyong_session={}", console.cookie))
        .send()
        .await
        .expect("sent");
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(
        download.headers()["content-disposition"],
        "attachment; filename=\"material\"; filename*=UTF-8''%E7%BC%B4%E6%AC%BE%E5%87%AD%E8%AF%81%2Epdf"
    );
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), PDF);
    let anonymous = console
        .http
        .get(format!("{}{href}", app.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers()["location"], "/office/login");
    for public in [format!("/materials/{hash}"), format!("/static/{hash}")] {
        let (status, _) = page(&app, &public).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{public}");
    }

    // The office accepts and another reviewer approves, through the API.
    let first = app.token("reviewer").await;
    let second = app.token("reviewer").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/office/repairs/{id}/accept"),
            Some(&first),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, accepted) = status_page(&app, "XF-20260615-000001", &code).await;
    assert_eq!(by_id(&accepted, "case-status"), "已受理，待决定");
    assert!(
        accepted.contains("<div><dt>决定期限</dt><dd>2026-06-18</dd></div>"),
        "{accepted}"
    );
    let (status, body) = app
        .post(
            &format!("/api/v1/office/repairs/{id}/approve"),
            Some(&second),
            json!({"version": 2, "note": "已履行全部义务，准予修复"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, decided) = status_page(&app, "XF-20260615-000001", &code).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_id(&decided, "case-status"), "准予信用修复");
    assert_eq!(
        by_id(&decided, "case-outcome"),
        "准予信用修复：该记录已停止公示，不再出现在信用查询和名单中。"
    );
    assert_eq!(by_id(&decided, "case-answer"), "已履行全部义务，准予修复");
    let (_, profile) = page(&app, &format!("/subjects/{subject_id}")).await;
    assert!(
        !profile.contains(&entry_id),
        "the entry is no longer public"
    );
}

async fn a_file_that_is_not_a_pdf_jpg_or_png_is_refused_and_nothing_is_kept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, entry_id) = repairable_entry(&app).await;
    let mut parts = standing();
    parts.push(Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()));
    parts.push(Part::File(
        "收据.pdf",
        "application/pdf",
        b"PDF-1.4 but not really; <html><script>alert(1)</script>".to_vec(),
    ));
    let (status, body) = post_repair(&app, &entry_id, &parts).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        by_id(&body, "err-materials"),
        "文件「收据.pdf」不是 PDF、JPG 或 PNG 文件（按文件内容判断，与文件名无关），请上传这三种格式之一。"
    );
    // What was typed is kept (the files are chosen again).
    assert!(body.contains(&format!("value=\"{TIANHAN_USCC}\"")));
    assert!(body.contains("提交未成功时，请重新选择文件。"));
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    assert_eq!(stored(&app), Vec::<String>::new(), "not even the good PDF");

    // A PNG and a JPEG pass, whatever their names say.
    let mut parts = standing();
    parts.push(Part::File(
        "scan.pdf",
        "application/pdf",
        b"\x89PNG\r\n\x1a\nrest".to_vec(),
    ));
    parts.push(Part::File(
        "photo",
        "text/plain",
        b"\xFF\xD8\xFF\xE0rest".to_vec(),
    ));
    let (status, body) = post_repair(&app, &entry_id, &parts).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = entity::repair::Entity::find()
        .all(&app.state.db)
        .await
        .expect("rows");
    let files = rows[0].material_files.clone().expect("files");
    assert_eq!(files[0]["media_type"], "image/png");
    assert_eq!(files[0]["name"], "scan.pdf");
    assert_eq!(files[1]["media_type"], "image/jpeg");
    assert_eq!(stored(&app).len(), 2);
}

async fn too_many_or_too_large_files_are_refused_and_nothing_is_kept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, entry_id) = repairable_entry(&app).await;
    let mut parts = standing();
    for i in 0..6u8 {
        let mut pdf = PDF.to_vec();
        pdf.push(i);
        parts.push(Part::File("材料.pdf", "application/pdf", pdf));
    }
    let (status, body) = post_repair(&app, &entry_id, &parts).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        by_id(&body, "err-materials"),
        "最多上传 5 个文件，请合并或删减后重新提交。"
    );
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    assert_eq!(stored(&app), Vec::<String>::new());

    let mut large = PDF.to_vec();
    large.resize(10 * 1024 * 1024 + 1, b' ');
    let mut parts = standing();
    parts.push(Part::File("small.pdf", "application/pdf", PDF.to_vec()));
    parts.push(Part::File("large.pdf", "application/pdf", large));
    let (status, body) = post_repair(&app, &entry_id, &parts).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(
        by_id(&body, "err-materials"),
        "文件「large.pdf」超过 10 MB，每个文件最大 10 MB。"
    );
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    assert_eq!(stored(&app), Vec::<String>::new());

    // Exactly 10 MB is allowed; no file at all is not.
    let mut exact = PDF.to_vec();
    exact.resize(10 * 1024 * 1024, b' ');
    let (status, body) = post_repair(&app, &entry_id, &standing()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        by_id(&body, "err-materials"),
        "请上传至少一个证明材料文件（PDF、JPG 或 PNG）。"
    );
    let mut parts = standing();
    parts.push(Part::File("exact.pdf", "application/pdf", exact));
    let (status, body) = post_repair(&app, &entry_id, &parts).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored(&app).len(), 1);
}

async fn an_applicant_who_is_not_the_listed_subject_is_refused_and_nothing_is_kept(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let (_, entry_id) = repairable_entry(&app).await;
    let parts = vec![
        Part::Text("subject_name", "汉中市另一家建设有限公司"),
        Part::Text("subject_uscc", TIANHAN_USCC),
        Part::Text("commitment_letter", "true"),
        Part::Text("contact", CONTACT),
        Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()),
    ];
    let (status, body) = post_repair(&app, &entry_id, &parts).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        by_id(&body, "form-error"),
        "申请人提供的主体名称和代码（或姓名和身份证号码）与该条目不符。"
    );
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    assert_eq!(stored(&app), Vec::<String>::new());

    // Without the commitment: the error sits beside the checkbox.
    let parts = vec![
        Part::Text("subject_name", TIANHAN),
        Part::Text("subject_uscc", TIANHAN_USCC),
        Part::Text("contact", CONTACT),
        Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()),
    ];
    let (status, body) = post_repair(&app, &entry_id, &parts).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        by_id(&body, "err-commitment_letter"),
        "申请的必填项为空或内容不对（the credit commitment letter (信用承诺书) is required）。"
    );
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    assert_eq!(stored(&app), Vec::<String>::new());

    // A person shows standing with the ID number, which is never kept nor shown again.
    let clear = "610702200001010018";
    let person = app.create_person("张三丰", clear).await;
    let mut entry = black_entry(&person);
    entry["severity"] = json!("general");
    entry["decision_date"] = json!("2025-12-01");
    entry["listing_date"] = json!("2025-12-02");
    entry["document_number"] = json!("(2025)陕0702执88号");
    let person_entry = app.publish_entry(entry).await;
    let (status, form) = page(&app, &format!("/cases/repair/{person_entry}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("身份证号码 <span"), "{form}");
    assert!(!form.contains("张三丰"), "the name is masked");
    let wrong = [
        Part::Text("subject_name", "张三丰"),
        Part::Text("subject_id_number", "610702200001010026"),
        Part::Text("commitment_letter", "true"),
        Part::Text("contact", CONTACT),
        Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()),
    ];
    let (status, body) = post_repair(&app, &person_entry, &wrong).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(!body.contains("610702200001010026"));
    let right = [
        Part::Text("subject_name", "张三丰"),
        Part::Text("subject_id_number", clear),
        Part::Text("commitment_letter", "true"),
        Part::Text("contact", CONTACT),
        Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()),
    ];
    let (status, body) = post_repair(&app, &person_entry, &right).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.contains(clear));
    assert!(!app.table_text("repairs").await.contains(clear));
}

async fn the_objection_form_gives_a_case_number_to_follow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let entry_id = app.publish_entry(black_entry(&subject_id)).await;
    let path = format!("/cases/objection/{entry_id}");
    let (_, profile) = page(&app, &format!("/subjects/{subject_id}")).await;
    assert!(profile.contains(&format!("<a class=\"button\" href=\"{path}\">异议申诉</a>")));
    // Serious, decided 2026-03-10: no repair before 2027-03-10.
    assert!(!profile.contains("/cases/repair/"), "{profile}");
    let (status, form) = page(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("(2026)陕07执123号"), "{form}");

    let (status, body) = post_form(
        &app,
        &path,
        &[("reason", "款项已付清"), ("contact", CONTACT)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(by_id(&body, "err-kind"), "请选择异议的类型。");
    let (status, body) = post_form(
        &app,
        &path,
        &[("kind", "content"), ("reason", "  "), ("contact", CONTACT)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        by_id(&body, "err-reason"),
        "申请的必填项为空或内容不对（此项必填）。"
    );
    assert!(body.contains(&format!("value=\"{CONTACT}\"")));
    assert_eq!(app.count(entity::objection::Entity).await, 0);

    let (status, filed) = post_form(
        &app,
        &path,
        &[
            ("kind", "content"),
            ("reason", "款项已于2026年3月1日付清"),
            ("contact", CONTACT),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    assert_eq!(by_id(&filed, "case-number"), "YY-20260615-000001");
    let code = by_id(&filed, "follow-up-code");
    // A second objection of the day is the next number.
    let (_, second) = post_form(
        &app,
        &path,
        &[
            ("kind", "period"),
            ("reason", "公示期限计算有误"),
            ("contact", CONTACT),
        ],
    )
    .await;
    assert_eq!(by_id(&second, "case-number"), "YY-20260615-000002");
    // The API's objections keep no number: they are followed by id.
    let (status, api) = app
        .post("/api/v1/objections", None, json!({"entry_id": entry_id, "kind": "content", "reason": "另一异议", "contact": CONTACT}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{api}");
    let api_row = entity::objection::Entity::find_by_id(entity::ObjectionId(
        id_of(&api).parse().expect("uuid"),
    ))
    .one(&app.state.db)
    .await
    .expect("read")
    .expect("row");
    assert_eq!((api_row.case_number, api_row.follow_up_hash), (None, None));

    let (status, shown) = status_page(&app, "YY-20260615-000001", &code).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(by_id(&shown, "case-status"), "已提交，待受理");
    assert!(shown.contains("<div><dt>提交日期</dt><dd>2026-06-15</dd></div>"));
    assert!(shown.contains("<div><dt>受理期限</dt><dd>2026-06-16</dd></div>"));
    assert!(shown.contains("<div><dt>答复期限</dt><dd>—</dd></div>"));

    let reviewer = app.token("reviewer").await;
    let id = entity::objection::Entity::find()
        .all(&app.state.db)
        .await
        .expect("rows")
        .into_iter()
        .find(|o| o.case_number.as_deref() == Some("YY-20260615-000001"))
        .expect("filed")
        .id;
    let (status, body) = app
        .post(
            &format!("/api/v1/office/objections/{id}/accept"),
            Some(&reviewer),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/office/objections/{id}/reject"),
            Some(&reviewer),
            json!({"version": 2, "answer": "经核实，法院执行案件尚未结案。"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, answered) = status_page(&app, "YY-20260615-000001", &code).await;
    assert_eq!(by_id(&answered, "case-status"), "异议不成立");
    assert_eq!(
        by_id(&answered, "case-answer"),
        "经核实，法院执行案件尚未结案。"
    );
    assert!(answered.contains("<div><dt>答复期限</dt><dd>2026-06-25</dd></div>"));
    // The other case's code does not open this one.
    let other = by_id(&second, "follow-up-code");
    let (status, _) = status_page(&app, "YY-20260615-000001", &other).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn failed_status_lookups_are_limited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for i in 0..20 {
        let (status, _) = status_page(&app, &format!("XF-20260615-{i:06}"), "AAAA-BBBB-CCCC").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = status_page(&app, "XF-20260615-000001", "AAAA-BBBB-CCCC").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let error = by_id(&body, "form-error");
    assert!(
        error.starts_with("查询失败次数过多。为防止猜测查询码，请在 "),
        "{error}"
    );
}

async fn a_post_from_another_site_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, entry_id) = repairable_entry(&app).await;
    let objection = format!("{}/cases/objection/{entry_id}", app.base);
    let form = [
        ("kind", "content"),
        ("reason", "款项已付清"),
        ("contact", CONTACT),
    ];
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
    ] {
        let resp = app
            .http
            .post(&objection)
            .header(header, value)
            .form(&form)
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        let body = resp.text().await.expect("body");
        assert!(body.contains("表单已失效"), "{body}");
        assert!(
            body.contains("The form was sent from another site"),
            "{body}"
        );
    }
    let mut parts = standing();
    parts.push(Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()));
    let (boundary, body) = multipart(&parts);
    let resp = app
        .http
        .post(format!("{}/cases/repair/{entry_id}", app.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "cross-site")
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = app
        .http
        .post(format!("{}/cases", app.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("case_number", "XF-20260615-000001"), ("code", "AAAA")])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(entity::objection::Entity).await, 0);
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    assert_eq!(stored(&app), Vec::<String>::new());

    // From this site's own page (by Origin, for a browser without Sec-Fetch-Site) it goes through.
    let host = app.base.trim_start_matches("http://").to_owned();
    let resp = app
        .http
        .post(&objection)
        .header("origin", format!("http://{host}"))
        .form(&form)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(app.count(entity::objection::Entity).await, 1);
}

async fn the_web_forms_share_the_apis_filing_limits(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.filings_open_per_client = 1;
        c.standing_failures_per_hour = 1;
    })
    .await;
    let (_, entry_id) = repairable_entry(&app).await;
    // One open objection per client and entry, whether filed through the API or the form.
    let (status, api) = app
        .post("/api/v1/objections", None, json!({"entry_id": entry_id, "kind": "content", "reason": "款项已付清", "contact": CONTACT}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{api}");
    let path = format!("/cases/objection/{entry_id}");
    let (status, body) = post_form(
        &app,
        &path,
        &[
            ("kind", "content"),
            ("reason", "款项已付清"),
            ("contact", CONTACT),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(
        by_id(&body, "form-error"),
        "该条目的申请过多（您的申请尚在办理中，或今日申请已达上限），请稍后再试。"
    );
    assert_eq!(app.count(entity::objection::Entity).await, 1);

    // A client whose application named another subject is stopped for a while, also on the form.
    let mut wrong = vec![
        Part::Text("subject_name", "汉中市另一家建设有限公司"),
        Part::Text("subject_uscc", TIANHAN_USCC),
        Part::Text("commitment_letter", "true"),
        Part::Text("contact", CONTACT),
    ];
    wrong.push(Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()));
    let (status, _) = post_repair(&app, &entry_id, &wrong).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut right = standing();
    right.push(Part::File("缴款凭证.pdf", "application/pdf", PDF.to_vec()));
    let (status, body) = post_repair(&app, &entry_id, &right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(app.count(entity::repair::Entity).await, 0);
    assert_eq!(stored(&app), Vec::<String>::new());
    let (status, body) = app
        .post(
            "/api/v1/repairs",
            None,
            json!({
                "entry_id": entry_id, "subject_name": TIANHAN, "subject_uscc": TIANHAN_USCC,
                "commitment_letter": true, "materials": ["罚款缴纳凭证"], "contact": CONTACT,
            }),
        )
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::TOO_MANY_REQUESTS, json!("too_many_filings"))
    );
}

db_tests!(
    the_web_forms_share_the_apis_filing_limits,
    the_repair_form_files_an_application_with_its_uploaded_pdf,
    a_file_that_is_not_a_pdf_jpg_or_png_is_refused_and_nothing_is_kept,
    too_many_or_too_large_files_are_refused_and_nothing_is_kept,
    an_applicant_who_is_not_the_listed_subject_is_refused_and_nothing_is_kept,
    the_objection_form_gives_a_case_number_to_follow,
    failed_status_lookups_are_limited,
    a_post_from_another_site_is_refused,
);

mod browser_walk {
    use super::*;
    use crate::browser::Browser;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(
        not(browser_tests),
        ignore = "chromedriver is not installed: browser test skipped"
    )]
    async fn a_company_applies_for_repair_in_a_real_browser_and_follows_it_to_the_outcome() {
        let app = TestApp::spawn(Backend::Sqlite).await;
        let (subject_id, entry_id) = repairable_entry(&app).await;
        app.drain().await;
        // A fixed name, so the screenshot stays the same from run to run.
        let dir = tempfile::tempdir().expect("temp dir");
        let upload = dir.path().join("缴款凭证.pdf");
        std::fs::write(&upload, PDF).expect("written");
        let browser = Browser::start().await;
        let base = app.base.clone();

        browser.goto(&format!("{base}/subjects/{subject_id}")).await;
        browser
            .wait_for("#black .record", "汉市监罚〔2025〕88号")
            .await;
        let link = browser
            .wait_for("#black .record-actions a", "信用修复申请")
            .await;
        browser.click(&link).await;
        browser.wait_for("h1", "信用修复申请").await;
        // Tall enough for the whole form in the screenshot.
        browser.resize(1280, 1900).await;
        assert_eq!(
            browser.url().await,
            format!("{base}/cases/repair/{entry_id}")
        );
        browser
            .type_into(&browser.find("#f-subject_name").await, TIANHAN)
            .await;
        browser
            .type_into(&browser.find("#f-subject_uscc").await, TIANHAN_USCC)
            .await;
        browser
            .click(&browser.find("#f-commitment_letter").await)
            .await;
        browser
            .type_into(&browser.find("#f-contact").await, CONTACT)
            .await;
        browser
            .type_into(
                &browser.find("#f-materials").await,
                &upload.display().to_string(),
            )
            .await;
        browser.screenshot("repair-form").await;
        // On a phone: no sideways scrolling.
        browser.resize(390, 844).await;
        assert!(!browser.overflows().await, "the form fits a phone");
        browser.resize(1280, 1900).await;
        browser.click(&browser.find("#submit").await).await;
        let number = browser.wait_for("#case-number", "XF-").await;
        let number = browser.text(&number).await;
        assert_eq!(number, "XF-20260615-000001");
        let code = browser.text(&browser.find("#follow-up-code").await).await;
        assert_eq!(code.len(), 14, "{code}");
        let hash = sha256_hex(PDF);
        assert_eq!(stored(&app), vec![hash]);

        // The office accepts and another reviewer approves, through the API.
        let id = entity::repair::Entity::find()
            .all(&app.state.db)
            .await
            .expect("rows")[0]
            .id;
        let first = app.token("reviewer").await;
        let second = app.token("reviewer").await;
        let (status, body) = app
            .post(
                &format!("/api/v1/office/repairs/{id}/accept"),
                Some(&first),
                json!({"version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app
            .post(
                &format!("/api/v1/office/repairs/{id}/approve"),
                Some(&second),
                json!({"version": 2, "note": "罚款已缴清，准予信用修复"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        app.drain().await;

        browser.goto(&format!("{base}/cases")).await;
        browser.wait_for("h1", "办理进度查询").await;
        browser
            .type_into(&browser.find("#f-case_number").await, &number)
            .await;
        browser
            .type_into(&browser.find("#f-code").await, &code)
            .await;
        browser.click(&browser.find("#lookup").await).await;
        browser.wait_for("#case-status", "准予信用修复").await;
        browser.wait_for("#case-outcome", "该记录已停止公示").await;
        browser
            .wait_for("#case-answer", "罚款已缴清，准予信用修复")
            .await;
        browser.screenshot("case-status").await;

        // The entry is gone from the lookup.
        browser
            .goto(&format!("{base}/?q={}", crate::fixtures::enc(TIANHAN)))
            .await;
        let hit = browser.wait_for(".hit", TIANHAN).await;
        let text = browser.text(&hit).await;
        assert!(text.contains("无红黑名单记录"), "{text}");

        // The company's report now, downloaded as JSON, is checked on the verification page.
        browser.click(&browser.find(".hit-name a").await).await;
        browser.click(&browser.find("#report-link").await).await;
        browser.wait_for("#doc-title", "信用报告").await;
        browser.wait_for("#doc-black-title", "0 条").await;
        let code = browser.text(&browser.find("#doc-code").await).await;
        let json = app
            .http
            .get(format!("{base}/reports/{code}/report.json"))
            .send()
            .await
            .expect("download")
            .bytes()
            .await
            .expect("bytes");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("report.json");
        std::fs::write(&path, &json).expect("write");
        browser.goto(&format!("{base}/verify")).await;
        browser
            .type_into(&browser.find("#file").await, path.to_str().expect("path"))
            .await;
        browser
            .click(&browser.find(".upload-form button").await)
            .await;
        browser.wait_for("#verdict", "真实有效").await;
        browser.wait_for("#doc-code", &code).await;
    }
}
