//! File import (`xinyong import FILE --agency ID`): the same checks and intake as partner
//! batches, with a file of refused rows that can be fixed and imported again.

use crate::db_tests;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use xinyong::import::{self, ImportReport};

const AGENCY_USCC: &str = "11610700MB2961796E";
const HEADINGS: &str = "主体类别,主体名称,统一社会信用代码,名单类型,名单名称,失信等级,列入事由,认定依据,认定部门,决定文书号,认定日期";

fn row(kind: &str, name: &str, code: &str, n: u32, date: &str) -> String {
    format!(
        "{kind},{name},{code},黑名单,重大税收违法失信主体,严重,虚开增值税专用发票,《重大税收违法失信主体信息公布管理办法》第六条,国家税务总局汉中市税务局,汉税稽罚〔2026〕{n}号,{date}"
    )
}

async fn import_file(app: &TestApp, file: &std::path::Path) -> ImportReport {
    let rejected = import::default_rejected_path(file);
    import::run(&app.state, file, AGENCY_USCC, &rejected, &|_, _| {})
        .await
        .expect("imported")
}

async fn a_file_imports_names_refused_rows_and_their_fixed_file_imports_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, agency) = app
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "国家税务总局汉中市税务局", "uscc": AGENCY_USCC, "trusted": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{agency}");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("税务黑名单.csv");
    let lines = [
        HEADINGS.to_owned(),
        row(
            "法人",
            "汉中市天汉建设工程有限公司",
            "91610702MA6YL3K09Y",
            1,
            "2026-05-01",
        ),
        row(
            "法人",
            "汉中市坏代码有限公司",
            "9161070MA6YL3K09Y",
            2,
            "2026/5/2",
        ),
        row(
            "企业法人",
            "汉中市秦岭商贸有限公司",
            "91610702MA6YL3K17R",
            3,
            "2026年5月3日",
        ),
        row(
            "法人",
            "汉中市未来日期有限公司",
            "91610702MA6YL3K25L",
            4,
            "2027-01-01",
        ),
        row(
            "外国法人",
            "汉中市标签错误有限公司",
            "91610702MA6YL3K33F",
            5,
            "2026-05-05",
        ),
    ];
    std::fs::write(&file, format!("\u{feff}{}\n", lines.join("\n"))).expect("written");

    let report = import_file(&app, &file).await;
    let rejected_file = dir.path().join("税务黑名单.rejected.csv");
    assert_eq!(
        report,
        ImportReport {
            rows: 5,
            accepted: 2,
            updated: 0,
            held_for_review: 0,
            unchanged: 0,
            rejected: 3,
            rejected_file: Some(rejected_file.clone()),
        }
    );
    assert_eq!(app.count(entity::list_entry::Entity).await, 2);
    let (_, published) = app
        .get(
            "/api/v1/office/entries?status=published&per_page=1",
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(published["total"], 2);

    // The refused rows, with their spreadsheet line and the reason.
    let table = import::read_table(&rejected_file).expect("rejected file reads");
    assert_eq!(table.headings.first().map(String::as_str), Some("行号"));
    assert_eq!(table.headings.last().map(String::as_str), Some("错误原因"));
    let reasons: Vec<(String, String)> = table
        .rows
        .iter()
        .map(|r| (r.cells[0].clone(), r.cells.last().expect("reason").clone()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("3".to_owned(), "invalid_subject_uscc: `uscc`: `9161070MA6YL3K09Y` is not a valid unified social credit code: must be 18 characters, found 17".to_owned()),
            ("5".to_owned(), "invalid_entry_dates: `decision_date`: `2027-01-01` is in the future".to_owned()),
            ("6".to_owned(), "invalid_file_cell: `主体类别`: `外国法人` is not one of 法人, 企业, 企业法人, 非法人组织, 其他组织, 个体工商户, 自然人 (or the codes legal_person, other_organisation, individual_business, natural_person)".to_owned()),
        ]
    );

    // The agency fixes the three rows in that file and imports it again.
    let fixed = std::fs::read_to_string(&rejected_file)
        .expect("read")
        .replace("9161070MA6YL3K09Y", "91610702MA6YL3K41A")
        .replace(
            "汉中市坏代码有限公司,91610702MA6YL3K41A",
            "汉中市好代码有限公司,91610702MA6YL3K41A",
        )
        .replace("2027-01-01", "2026-01-01")
        .replace("外国法人", "法人");
    std::fs::write(&rejected_file, fixed).expect("written");
    let again = import_file(&app, &rejected_file).await;
    assert_eq!(
        (again.rows, again.accepted, again.rejected),
        (3, 3, 0),
        "{again:?}"
    );
    assert_eq!(app.count(entity::list_entry::Entity).await, 5);

    // The original file again: the imported rows are unchanged.
    let third = import_file(&app, &file).await;
    assert_eq!(
        (third.accepted, third.unchanged, third.rejected),
        (0, 2, 3),
        "{third:?}"
    );
    assert_eq!(app.count(entity::list_entry::Entity).await, 5);

    // An unknown agency stops before anything is read into the database.
    let err = import::run(
        &app.state,
        &file,
        "11610700MB29618094",
        &rejected_file,
        &|_, _| {},
    )
    .await
    .expect_err("unknown agency");
    assert_eq!(
        err.to_string(),
        "no agency has the id or code `11610700MB29618094`; register it first (POST /api/v1/office/agencies)"
    );
}

/// An import queues one outbox row per new entry and none for the subjects; the indexer
/// refreshes each entry's subject with it, so the lookup shows the new company and the one
/// already on record with their black badge.
async fn an_import_queues_one_outbox_row_per_entry_and_the_lookup_shows_their_subjects(
    backend: Backend,
) {
    use sea_orm::{EntityTrait, QueryOrder};
    let app = TestApp::spawn(backend).await;
    let (status, agency) = app
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "国家税务总局汉中市税务局", "uscc": AGENCY_USCC, "trusted": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{agency}");
    let known = app
        .create_subject(
            "legal_person",
            "汉中市秦岭商贸有限公司",
            "91610702MA6YL3K17R",
        )
        .await;
    app.drain().await;
    let lookup = |name: &'static str| {
        let app = &app;
        async move {
            let query: String =
                percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            let (status, found) = app.get(&format!("/api/v1/lookup?q={query}"), None).await;
            assert_eq!(status, StatusCode::OK, "{found}");
            found
        }
    };
    let before = lookup("汉中市秦岭商贸有限公司").await;
    assert_eq!(before["hits"][0]["id"], known.as_str(), "{before}");
    assert_eq!(before["hits"][0]["black_count"], 0, "{before}");

    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("税务黑名单.csv");
    let lines = [
        HEADINGS.to_owned(),
        row(
            "法人",
            "汉中市天汉建设工程有限公司",
            "91610702MA6YL3K09Y",
            1,
            "2026-05-01",
        ),
        row(
            "法人",
            "汉中市秦岭商贸有限公司",
            "91610702MA6YL3K17R",
            2,
            "2026-05-02",
        ),
    ];
    std::fs::write(&file, lines.join("\n")).expect("written");
    let report = import_file(&app, &file).await;
    assert_eq!((report.accepted, report.rejected), (2, 0), "{report:?}");

    let entries = entity::list_entry::Entity::find()
        .order_by_asc(entity::list_entry::Column::DocumentNumber)
        .all(&app.state.db)
        .await
        .expect("entries");
    let mut queued: Vec<(String, uuid::Uuid)> = entity::outbox::Entity::find()
        .order_by_asc(entity::outbox::Column::Id)
        .all(&app.state.db)
        .await
        .expect("outbox")
        .into_iter()
        .map(|r| (format!("{:?}", r.target), r.target_id))
        .collect();
    let mut expected: Vec<_> = entries
        .iter()
        .map(|e| ("Entry".to_owned(), e.id.0))
        .collect();
    queued.sort();
    expected.sort();
    assert_eq!(queued, expected, "one row per new entry, none per subject");
    assert_eq!(app.drain().await, 2);

    for (name, document) in [
        ("汉中市天汉建设工程有限公司", "汉税稽罚〔2026〕1号"),
        ("汉中市秦岭商贸有限公司", "汉税稽罚〔2026〕2号"),
    ] {
        let found = lookup(name).await;
        assert_eq!(found["hits"][0]["display_name"], name, "{found}");
        assert_eq!(found["hits"][0]["black_count"], 1, "{name}: {found}");
        assert_eq!(
            found["hits"][0]["list_names"],
            json!(["重大税收违法失信主体"]),
            "{name}: {found}"
        );
        let entry = entries
            .iter()
            .find(|e| e.document_number == document)
            .expect("the entry");
        assert_eq!(
            found["hits"][0]["id"],
            entry.subject_id.to_string(),
            "{found}"
        );
    }
    let found = lookup("汉中市秦岭商贸有限公司").await;
    assert_eq!(
        found["hits"][0]["id"],
        known.as_str(),
        "the subject on record"
    );
}

db_tests!(
    a_file_imports_names_refused_rows_and_their_fixed_file_imports_again,
    the_console_import_runs_in_the_background_and_its_page_follows_it,
    an_import_queues_one_outbox_row_per_entry_and_the_lookup_shows_their_subjects,
);

/// A multipart body of text fields and one file, as a browser sends the console's import form.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----xinyong-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{}\"\r\ncontent-type: text/csv\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn the_console_import_runs_in_the_background_and_its_page_follows_it(backend: Backend) {
    use crate::console_admin::{Console, PASSWORD, member};
    let app = TestApp::spawn(backend).await;
    let (status, agency) = app
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "国家税务总局汉中市税务局", "uscc": AGENCY_USCC, "trusted": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{agency}");
    let agency_id = agency["id"].as_str().expect("an id").to_owned();
    member(&app, "钱编辑", "editor", "qianbianji").await;
    let console = Console::sign_in(&app, "qianbianji", PASSWORD).await;
    let csv = [
        HEADINGS.to_owned(),
        row(
            "法人",
            "汉中市秦岭商贸有限公司",
            "91610702MA6YL3K17R",
            1,
            "2026-05-01",
        ),
        row(
            "法人",
            "汉中市坏代码有限公司",
            "9161070MA6YL3K09Y",
            2,
            "2026-05-01",
        ),
    ]
    .join("\n");
    let post = |fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (content_type, body) = multipart(&fields, ("税务黑名单.csv", csv.as_bytes()));
        console
            .http
            .post(format!("{}/office/import", console.base))
            .header("cookie", format!("xinyong_session={}", console.cookie))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let imports = app.state.config.data_dir.join("imports");

    // Without the CSRF token nothing is stored.
    let refused = Console::answer(
        post(vec![("agency", agency_id.clone())])
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(!imports.exists(), "no upload kept");

    // With it, the post answers at once with the import's own page.
    let sent = Console::answer(
        post(vec![
            ("csrf", console.csrf.clone()),
            ("agency", agency_id.clone()),
        ])
        .await
        .expect("sent"),
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let id = sent
        .location
        .strip_prefix("/office/import/")
        .expect("the import's page")
        .to_owned();
    let mut page = console.get(&sent.location).await;
    for _ in 0..200 {
        if page.body.contains("id=\"import-result\"") {
            break;
        }
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("id=\"import-progress\""),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("http-equiv=\"refresh\""),
            "a running import refreshes"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        page = console.get(&sent.location).await;
    }
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"import-result\""), "{}", page.body);
    assert!(
        !page.body.contains("http-equiv=\"refresh\""),
        "a finished import stays"
    );
    assert!(
        page.body
            .contains("<strong id=\"rejected-count\">1</strong>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("国家税务总局汉中市税务局"),
        "{}",
        page.body
    );
    let href = format!("/office/import/{id}/rejected.csv");
    assert!(page.body.contains(&href), "{}", page.body);
    let rejected = console.get(&href).await;
    assert_eq!(rejected.status, StatusCode::OK);
    assert!(
        rejected.body.contains("9161070MA6YL3K09Y"),
        "{}",
        rejected.body
    );
    assert_eq!(
        app.count(entity::list_entry::Entity).await,
        1,
        "the good row is written"
    );

    // A running import's page shows how far it is and refreshes itself; one whose server stopped
    // says it was interrupted; an unknown one is not found.
    let status = |state: &str, updated: chrono::DateTime<chrono::Utc>| {
        json!({
            "state": state, "file_name": "大文件.csv", "agency": "国家税务总局汉中市税务局",
            "done": 4000, "total": 10000, "report": null, "error": null,
            "started_at": updated, "updated_at": updated,
        })
        .to_string()
    };
    let running = uuid::Uuid::new_v4().simple().to_string();
    std::fs::create_dir_all(imports.join(&running)).expect("dir");
    std::fs::write(
        imports.join(&running).join("status.json"),
        status("running", chrono::Utc::now()),
    )
    .expect("written");
    let page = console.get(&format!("/office/import/{running}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<meta http-equiv=\"refresh\" content=\"1\">"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<progress id=\"progress-bar\" value=\"4000\" max=\"10000\">40%</progress>"),
        "{}",
        page.body
    );
    // While it runs the page offers no second upload (it refreshes every second).
    assert!(!page.body.contains("name=\"agency\""), "{}", page.body);
    std::fs::write(
        imports.join(&running).join("status.json"),
        status("running", chrono::Utc::now() - chrono::Duration::minutes(5)),
    )
    .expect("written");
    let page = console.get(&format!("/office/import/{running}")).await;
    assert!(
        page.body.contains("id=\"import-interrupted\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("已处理 4000 / 10000 行"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("http-equiv=\"refresh\""),
        "{}",
        page.body
    );
    let unknown = console
        .get(&format!("/office/import/{}", uuid::Uuid::new_v4().simple()))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        console.get("/office/import/not-an-id").await.status,
        StatusCode::NOT_FOUND
    );
}
