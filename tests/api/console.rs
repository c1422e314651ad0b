//! The office console in a real browser: an editor drafts and submits, a second member reviews
//! (and cannot approve their own submission), the entry reaches the public pages, an
//! administrator withdraws it; an import with a bad row; a post without the CSRF token; a
//! disabled member's open session.

use crate::browser::Browser;
use crate::fixtures::{TIANHAN, black_entry, id_of};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const PASSWORD: &str = "correct horse battery staple";

/// Creates a member who can sign in; their id.
async fn member(app: &TestApp, name: &str, role: &str, login: &str) -> String {
    let (status, body) = app
        .post(
            "/api/v1/office/staff",
            Some(ADMIN_TOKEN),
            json!({"name": name, "role": role, "login": login, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id_of(&body)
}

async fn sign_in(browser: &Browser, base: &str, login: &str) {
    browser.goto(&format!("{base}/office/")).await;
    browser.wait_for("h1", "业务工作台登录").await;
    browser
        .type_into(&browser.find("#login").await, login)
        .await;
    browser
        .type_into(&browser.find("#password").await, PASSWORD)
        .await;
    browser
        .click(&browser.find(".login-card button[type=submit]").await)
        .await;
    browser.wait_for("h1", "工作台").await;
}

/// A plain HTTP client with a browser session's cookie, to read what the browser would download.
async fn with_cookie(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}{path}", app.base))
        .header("cookie", format!("xinyong_session={cookie}"))
        .send()
        .await
        .expect("request sent")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "chromedriver is not installed: browser test skipped"
)]
async fn the_office_drafts_reviews_publishes_withdraws_and_imports_in_a_real_browser() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let base = app.base.clone();
    let editor_id = member(&app, "李编辑", "editor", "lieditor").await;
    member(&app, "王审核", "admin", "wangshenhe").await;
    let subject_id = app.a_subject().await;
    let (status, _) = app
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "国家税务总局汉中市税务局", "uscc": "11610700MB2961796E", "trusted": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let browser = Browser::start().await;
    // Signed out, the console sends to its sign-in page.
    browser.goto(&format!("{base}/office/entries")).await;
    browser.wait_for("h1", "业务工作台登录").await;
    sign_in(&browser, &base, "lieditor").await;
    browser.wait_for(".whoami", "李编辑（编辑（录入））").await;

    // The editor finds the company and drafts a black-list entry with a date in the future.
    browser
        .goto(&format!("{base}/office/subjects?q=天汉"))
        .await;
    let link = browser.wait_for("table.data a", TIANHAN).await;
    browser.click(&link).await;
    let new_entry = browser.wait_for("a.button", "为该主体新建条目").await;
    browser.click(&new_entry).await;
    browser.wait_for("h1", "新建名单条目").await;
    browser
        .select(&browser.find("#f-severity").await, "serious")
        .await;
    for (field, value) in [
        ("list_name", "失信被执行人"),
        ("reason", "有履行能力而拒不履行生效法律文书确定义务"),
        (
            "legal_basis",
            "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        ),
        ("authority_name", "汉中市中级人民法院"),
        ("document_number", "(2026)陕07执123号"),
        ("decision_date", "2027-01-01"),
    ] {
        browser
            .type_into(&browser.find(&format!("#f-{field}")).await, value)
            .await;
    }
    browser
        .click(&browser.find("button[value=save]").await)
        .await;
    let error = browser.wait_for("#err-decision_date", "future").await;
    assert!(browser.text(&error).await.contains("2027-01-01"));
    assert_eq!(
        browser
            .find(".field.has-error input")
            .await
            .attr("id")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("f-decision_date")
    );
    browser.screenshot("office-entry-form-error").await;
    // Fixed, the publicity period is shown before saving, then the draft is saved and submitted.
    let date = browser.find("#f-decision_date").await;
    browser.clear(&date).await;
    browser.type_into(&date, "2026-05-01").await;
    browser
        .click(&browser.find("button[value=preview]").await)
        .await;
    browser.wait_for("#publicity", "公示截止 2029-05-01").await;
    browser
        .click(&browser.find("button[value=save]").await)
        .await;
    browser.wait_for("#entry-status", "草稿").await;
    let entry_url = browser.url().await;
    let entry_id = entry_url.rsplit('/').next().expect("an id").to_owned();
    browser.click(&browser.find("#do-submit").await).await;
    browser.wait_for("#notice", "已提交审核").await;
    browser.wait_for("#entry-status", "待审核").await;
    let editor_cookie = browser.cookie("xinyong_session").await;

    // Another draft, which the second member will submit themselves.
    let mut own = black_entry(&subject_id);
    own["document_number"] = json!("(2026)陕07执200号");
    let own_id = id_of(&app.draft_entry(own).await);

    // The second member signs in (in the same browser, the editor's cookie set aside), submits
    // that draft, and then may not approve it: the button says why.
    browser.forget_cookies().await;
    sign_in(&browser, &base, "wangshenhe").await;
    browser
        .goto(&format!("{base}/office/entries/{own_id}"))
        .await;
    browser.click(&browser.find("#do-submit").await).await;
    browser.wait_for("#entry-status", "待审核").await;
    let approve = browser.find("#do-approve").await;
    assert_eq!(
        approve.attr("disabled").await.ok().flatten().as_deref(),
        Some("true")
    );
    browser.wait_for("#why-approve", "须由他人审核").await;
    browser.goto(&format!("{base}/office/")).await;
    browser.wait_for(".queue", "待审核条目（2）").await;
    browser.screenshot("office-dashboard").await;
    browser
        .goto(&format!("{base}/office/entries?status=pending_review"))
        .await;
    browser.wait_for("table.data", "(2026)陕07执123号").await;
    browser.screenshot("office-review-queue").await;

    // The editor's entry: approved by the reviewer.
    browser.goto(&entry_url).await;
    browser.click(&browser.find("#do-approve").await).await;
    browser.wait_for("#notice", "已审核通过").await;
    browser.wait_for("#entry-status", "已公示").await;
    browser.wait_for("table.data", "审核通过并公示").await;

    // Found on the public lookup page.
    app.drain().await;
    browser.goto(&format!("{base}/")).await;
    browser.type_into(&browser.find("#q").await, TIANHAN).await;
    browser
        .click(&browser.find(".search-form button[type=submit]").await)
        .await;
    let hit = browser.wait_for(".hit", TIANHAN).await;
    assert!(browser.text(&hit).await.contains("黑名单 1"));

    // Withdrawn with a public reason: gone from the public pages.
    browser.goto(&entry_url).await;
    browser
        .type_into(
            &browser.find("#reason-withdraw").await,
            "原决定已被依法撤销",
        )
        .await;
    browser.click(&browser.find("#do-withdraw").await).await;
    browser.wait_for("#entry-status", "已撤销").await;
    app.drain().await;
    browser.goto(&format!("{base}/subjects/{subject_id}")).await;
    browser
        .wait_for("#black .nothing", "查询期内无相关信息")
        .await;

    // An import with one bad row ends with its rejected rows to download.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("税务黑名单.csv");
    let row = |name: &str, code: &str, n: u32| {
        format!(
            "法人,{name},{code},黑名单,重大税收违法失信主体,严重,虚开增值税专用发票,《重大税收违法失信主体信息公布管理办法》第六条,国家税务总局汉中市税务局,汉税稽罚〔2026〕{n}号,2026-05-01"
        )
    };
    let csv = [
        "主体类别,主体名称,统一社会信用代码,名单类型,名单名称,失信等级,列入事由,认定依据,认定部门,决定文书号,认定日期".to_owned(),
        row("汉中市秦岭商贸有限公司", "91610702MA6YL3K17R", 1),
        row("汉中市坏代码有限公司", "9161070MA6YL3K09Y", 2),
    ]
    .join("\n");
    std::fs::write(&file, format!("{csv}\n")).expect("written");
    browser.goto(&format!("{base}/office/import")).await;
    browser
        .type_into(
            &browser.find("#f-file").await,
            file.to_str().expect("a path"),
        )
        .await;
    browser
        .click(&browser.find(".entry-form button[type=submit]").await)
        .await;
    browser.wait_for("#import-result", "导入结果").await;
    assert_eq!(
        browser.text(&browser.find("#rejected-count").await).await,
        "1"
    );
    browser.screenshot("office-import").await;
    let href = browser
        .find("#rejected-file")
        .await
        .attr("href")
        .await
        .ok()
        .flatten()
        .expect("a link");
    let cookie = browser.cookie("xinyong_session").await;
    let download = with_cookie(&app, &cookie, &href).await;
    assert_eq!(download.status(), StatusCode::OK);
    let text = download.text().await.expect("body");
    assert!(
        text.contains("错误原因") && text.contains("9161070MA6YL3K09Y"),
        "{text}"
    );
    assert_eq!(
        with_cookie(&app, "", &href).await.status(),
        StatusCode::SEE_OTHER,
        "signed out, no download"
    );
    // While a large file runs, its page shows how far it is (a state as the import writes it).
    let running = app
        .state
        .config
        .data_dir
        .join("imports")
        .join("0000000000004000a000000000000001");
    std::fs::create_dir_all(&running).expect("dir");
    let now = chrono::Utc::now();
    std::fs::write(
        running.join("status.json"),
        serde_json::json!({
            "state": "running", "file_name": "市场监管局经营异常名录.xlsx",
            "agency": "国家税务总局汉中市税务局", "done": 35000, "total": 120000,
            "report": null, "error": null, "started_at": now, "updated_at": now,
        })
        .to_string(),
    )
    .expect("written");
    browser
        .goto(&format!(
            "{base}/office/import/0000000000004000a000000000000001"
        ))
        .await;
    browser.wait_for("#import-progress", "已处理").await;
    browser.screenshot("office-import-progress").await;

    // A form posted without the CSRF token is refused, and nothing happens.
    browser.goto(&format!("{base}/office/")).await;
    browser
        .run("document.querySelector('.whoami input[name=csrf]').remove(); return 1;")
        .await;
    browser.click(&browser.find(".whoami button").await).await;
    browser.wait_for("code", "CSRF").await;
    browser.goto(&format!("{base}/office/")).await;
    browser.wait_for(".whoami", "王审核").await;

    // The phone width: no sideways scrolling.
    browser.resize(390, 844).await;
    for path in [
        "/office/",
        &format!("/office/entries/{entry_id}"),
        "/office/entries/new",
    ] {
        browser.goto(&format!("{base}{path}")).await;
        browser.wait_for("h1", "").await;
        assert!(
            !browser.overflows().await,
            "{path} scrolls sideways at 390 px"
        );
    }

    // Disabling the editor ends their open session at once.
    assert_eq!(
        with_cookie(&app, &editor_cookie, "/office/").await.status(),
        StatusCode::OK
    );
    let (status, body) = app
        .patch(
            &format!("/api/v1/office/staff/{editor_id}"),
            Some(ADMIN_TOKEN),
            json!({"version": 1, "disabled": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = with_cookie(&app, &editor_cookie, "/office/").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        after
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/office/login")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "chromedriver is not installed: browser test skipped"
)]
async fn the_office_decides_a_repair_in_two_hands_and_reviews_an_agencys_correction_in_a_real_browser()
 {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let base = app.base.clone();
    member(&app, "赵审核", "reviewer", "zhaoshenhe").await;
    member(&app, "钱审核", "reviewer", "qianshenhe").await;

    // A repairable black entry and a repair application from the company.
    let subject_id = app.a_subject().await;
    let mut entry = black_entry(&subject_id);
    entry["severity"] = json!("general");
    entry["decision_date"] = json!("2025-12-01");
    entry["document_number"] = json!("汉市监罚〔2025〕88号");
    let entry_id = app.publish_entry(entry).await;
    let (status, receipt) = app
        .post(
            "/api/v1/repairs",
            None,
            json!({"entry_id": entry_id, "subject_name": TIANHAN, "subject_uscc": crate::fixtures::TIANHAN_USCC,
                   "commitment_letter": true, "contact": "0916-2626000",
                   "materials": ["罚款缴纳凭证 汉市监罚缴〔2026〕15号", "信用承诺书"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let repair_id = id_of(&receipt);

    let browser = Browser::start().await;
    sign_in(&browser, &base, "zhaoshenhe").await;
    browser.goto(&format!("{base}/office/repairs")).await;
    let case = browser.wait_for("table.data a", &repair_id[..8]).await;
    browser.click(&case).await;
    browser.wait_for("#case-status", "待受理").await;
    browser.wait_for(".facts", "罚款缴纳凭证").await;
    browser.click(&browser.find("#do-accept").await).await;
    browser.wait_for("#case-status", "已受理").await;
    // The reviewer who accepted it may not approve it: the button says why.
    let approve = browser.find("#do-approve").await;
    assert_eq!(
        approve.attr("disabled").await.ok().flatten().as_deref(),
        Some("true")
    );
    browser.wait_for("#why-approve", "受理与决定分离").await;
    browser.wait_for(".letter", "信用修复告知书").await;
    browser.screenshot("office-case").await;

    // Another reviewer approves it.
    browser.forget_cookies().await;
    sign_in(&browser, &base, "qianshenhe").await;
    browser
        .goto(&format!("{base}/office/repairs/{repair_id}"))
        .await;
    browser
        .type_into(
            &browser.find("#note-approve").await,
            "已履行全部义务，准予修复",
        )
        .await;
    browser.click(&browser.find("#do-approve").await).await;
    browser.wait_for("#case-status", "准予修复").await;
    browser
        .wait_for("table.data", "已履行全部义务，准予修复")
        .await;

    // An untrusted agency corrects a published record: the reviewer compares and approves.
    let key = app
        .agency_key(
            "国家税务总局汉中市税务局",
            "11610700MB2961796E",
            false,
            &["entries:submit"],
        )
        .await;
    let record = |reason: &str| {
        json!({"subject": {"kind": "legal_person", "name": TIANHAN, "uscc": crate::fixtures::TIANHAN_USCC},
               "entry": {"list": "black", "list_name": "重大税收违法失信主体", "severity": "serious",
                         "reason": reason, "legal_basis": "《重大税收违法失信主体信息公布管理办法》第六条",
                         "authority_name": "国家税务总局汉中市税务局", "document_number": "汉税稽罚〔2026〕7号",
                         "decision_date": "2026-05-01"}})
    };
    let (_, out) = app
        .post(
            "/api/v1/partner/batches",
            Some(&key),
            json!({"records": [record("虚开增值税专用发票")]}),
        )
        .await;
    let tax_entry = out["results"][0]["entry_id"]
        .as_str()
        .expect("entry")
        .to_owned();
    let (status, _) = app
        .post(
            &format!("/api/v1/office/entries/{tax_entry}/approve"),
            Some(ADMIN_TOKEN),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, out) = app
        .post(
            "/api/v1/partner/batches",
            Some(&key),
            json!({"records": [record("未按期申报纳税")]}),
        )
        .await;
    assert_eq!(out["results"][0]["outcome"], "held_for_review", "{out}");
    browser.goto(&format!("{base}/office/revisions")).await;
    let compare = browser.wait_for("table.data a", "查看对比").await;
    browser.click(&compare).await;
    let changed = browser.wait_for("tr.changed", "列入事由").await;
    let text = browser.text(&changed).await;
    assert!(
        text.contains("虚开增值税专用发票") && text.contains("未按期申报纳税"),
        "{text}"
    );
    browser.screenshot("office-revision").await;
    browser.click(&browser.find("#do-approve").await).await;
    browser.wait_for("#revision-status", "已采纳").await;
    let (_, stored) = app
        .get(
            &format!("/api/v1/office/entries/{tax_entry}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(stored["reason"], "未按期申报纳税");

    // An editor writes an exposure notice with a preview; a reviewer publishes it.
    member(&app, "孙编辑", "editor", "sunbianji").await;
    browser.forget_cookies().await;
    sign_in(&browser, &base, "sunbianji").await;
    browser.goto(&format!("{base}/office/notices/new")).await;
    browser
        .type_into(
            &browser.find("#f-title").await,
            "汉中市失信典型案例（第二期）",
        )
        .await;
    browser
        .type_into(&browser.find("#f-issuing_unit").await, "汉中市信用办")
        .await;
    browser
        .type_into(
            &browser.find("#f-body_md").await,
            "## 基本案情\n\n某公司拒不履行生效判决。\n\n## 处理结果\n\n列入失信被执行人名单。",
        )
        .await;
    browser
        .click(&browser.find("button[value=preview]").await)
        .await;
    browser
        .wait_for("#preview .notice-body h2", "基本案情")
        .await;
    browser.screenshot("office-notice-preview").await;
    browser
        .click(&browser.find("button[value=save]").await)
        .await;
    browser.wait_for("#notice-status", "草稿").await;
    let notice_url = browser.url().await;
    browser.wait_for("#why-publish", "需要审核员权限").await;
    browser.forget_cookies().await;
    sign_in(&browser, &base, "qianshenhe").await;
    browser.goto(&notice_url).await;
    browser.click(&browser.find("#do-publish").await).await;
    browser.wait_for("#notice-status", "已发布").await;
    app.drain().await;
    let public = notice_url.replace("/office/notices/", "/notices/");
    browser.goto(&public).await;
    browser.wait_for(".notice-body h2", "处理结果").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "chromedriver is not installed: browser test skipped"
)]
async fn the_office_answers_an_objection_edits_a_subject_filters_entries_and_reviews_a_notice_in_a_real_browser()
 {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let base = app.base.clone();
    member(&app, "孙审核", "reviewer", "sunshenhe").await;
    member(&app, "李编辑", "editor", "libianji").await;

    // Two published entries of one subject, decided in different years by different authorities,
    // and an objection to the first.
    let subject_id = app.a_subject().await;
    let entry_id = app.publish_entry(black_entry(&subject_id)).await;
    let mut other = black_entry(&subject_id);
    other["authority_name"] = json!("汉中市市场监督管理局");
    other["authority_uscc"] = json!("11610700MB2961788K");
    other["list_name"] = json!("严重违法失信企业名单");
    other["decision_date"] = json!("2025-11-03");
    other["document_number"] = json!("汉市监列〔2025〕3号");
    app.publish_entry(other).await;
    let (status, filed) = app
        .post(
            "/api/v1/objections",
            None,
            json!({"entry_id": entry_id, "kind": "content", "reason": "款项已于2026年3月1日付清", "contact": "0916-2210000"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let objection_id = id_of(&filed);
    let notice = app
        .draft_notice(
            json!({"title": "汉中市失信典型案例（第二期）", "category": "dishonesty_case",
                             "issuing_unit": "汉中市信用办", "body_md": "## 案例一\n\n拒不履行。",
                             "subject_usccs": [crate::fixtures::TIANHAN_USCC]}),
        )
        .await;
    let notice_id = id_of(&notice);

    // The reviewer finds the objection on the dashboard, accepts it, and must give an answer
    // to uphold it.
    let browser = Browser::start().await;
    sign_in(&browser, &base, "sunshenhe").await;
    browser
        .wait_for("section[aria-labelledby=q-objections]", &objection_id[..8])
        .await;
    browser.goto(&format!("{base}/office/objections")).await;
    let case = browser.wait_for("table.data a", &objection_id[..8]).await;
    browser.click(&case).await;
    browser.wait_for("#case-status", "待受理").await;
    browser.wait_for(".facts", "款项已于2026年3月1日付清").await;
    browser.click(&browser.find("#do-accept").await).await;
    browser.wait_for("#case-status", "已受理，待答复").await;
    let (_, marked) = app
        .get(
            &format!("/api/v1/office/entries/{entry_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(marked["under_objection"], true, "{marked}");
    browser.click(&browser.find("#do-uphold").await).await;
    browser.wait_for("#notice", "answer：此项必填").await;
    browser.wait_for("#case-status", "已受理，待答复").await;
    browser
        .type_into(
            &browser.find("#answer-uphold").await,
            "经核实，款项已付清，撤下该条目。",
        )
        .await;
    browser.click(&browser.find("#do-uphold").await).await;
    browser.wait_for("#case-status", "异议成立").await;
    browser
        .wait_for("table.data", "经核实，款项已付清，撤下该条目。")
        .await;
    browser.screenshot("office-objection").await;
    let (_, read) = app
        .get(
            &format!("/api/v1/office/entries/{entry_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(read["status"], "withdrawn", "{read}");
    assert_eq!(
        read["removal_reason"],
        "异议成立：经核实，款项已付清，撤下该条目。"
    );

    // The notice the editor submitted waits on the reviewer's dashboard.
    browser.forget_cookies().await;
    sign_in(&browser, &base, "libianji").await;
    browser
        .goto(&format!("{base}/office/notices/{notice_id}"))
        .await;
    browser.click(&browser.find("#do-submit").await).await;
    browser.wait_for("#notice-status", "待审核").await;
    assert!(
        browser.find_all("a[href$='/edit']").await.is_empty(),
        "a submitted notice is not edited"
    );

    // The editor corrects the subject: a bad division code is shown beside its field.
    browser
        .goto(&format!("{base}/office/subjects/{subject_id}"))
        .await;
    browser.wait_for("h2", "异议与修复").await;
    browser.wait_for("table.data", "异议成立").await;
    browser
        .wait_for(".plain", "汉中市失信典型案例（第二期）")
        .await;
    browser
        .click(
            &browser
                .find(&format!("a[href='/office/subjects/{subject_id}/edit']"))
                .await,
        )
        .await;
    let region = browser.find("#f-region_code").await;
    browser.clear(&region).await;
    browser.type_into(&region, "6107").await;
    browser
        .type_into(&browser.find("#f-address").await, "汉中市汉台区天汉大道1号")
        .await;
    browser.click(&browser.find(".actions button").await).await;
    browser
        .wait_for("#err-region_code", "`6107` is not a division code")
        .await;
    let region = browser.find("#f-region_code").await;
    assert_eq!(
        region.attr("aria-invalid").await.ok().flatten().as_deref(),
        Some("true")
    );
    browser.clear(&region).await;
    browser.type_into(&region, "610702").await;
    browser.click(&browser.find(".actions button").await).await;
    browser.wait_for(".facts", "汉中市汉台区天汉大道1号").await;
    let (_, subject) = app
        .get(
            &format!("/api/v1/office/subjects/{subject_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(subject["address"], "汉中市汉台区天汉大道1号", "{subject}");
    assert_eq!(subject["version"], 2);

    // Filters by authority and decision year, as the API's listing reads them.
    browser.goto(&format!("{base}/office/entries")).await;
    browser
        .type_into(&browser.find("#f-authority").await, "市场监督")
        .await;
    browser
        .type_into(&browser.find("#f-year").await, "2025")
        .await;
    browser.click(&browser.find(".filters button").await).await;
    browser.wait_for("p.muted", "共 1 条").await;
    browser.wait_for("table.data", "汉市监列〔2025〕3号").await;
    assert!(browser.url().await.contains("decision_year=2025"));
    browser
        .goto(&format!("{base}/office/entries?decision_year=12"))
        .await;
    browser.wait_for("body", "decision_year").await;
    let (status, listed) = app
        .get(
            "/api/v1/office/entries?authority=%E5%B8%82%E5%9C%BA%E7%9B%91%E7%9D%A3&decision_year=2025",
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["items"][0]["document_number"], "汉市监列〔2025〕3号");

    // The reviewer publishes the submitted notice from the dashboard's queue.
    browser.forget_cookies().await;
    sign_in(&browser, &base, "sunshenhe").await;
    let queued = browser
        .wait_for(
            "section[aria-labelledby=q-notices] a",
            "汉中市失信典型案例（第二期）",
        )
        .await;
    browser.click(&queued).await;
    browser.click(&browser.find("#do-publish").await).await;
    browser.wait_for("#notice-status", "已发布").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "chromedriver is not installed: browser test skipped"
)]
async fn an_administrator_registers_an_agency_issues_a_key_shown_once_and_revokes_it_in_a_real_browser()
 {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let base = app.base.clone();
    member(&app, "周管理", "admin", "zhouguanli").await;
    member(&app, "吴编辑", "editor", "wubianji").await;
    let browser = Browser::start().await;

    // Agencies are for administrators only.
    sign_in(&browser, &base, "wubianji").await;
    browser.goto(&format!("{base}/office/agencies")).await;
    browser.wait_for("body", "forbidden").await;
    browser.forget_cookies().await;

    sign_in(&browser, &base, "zhouguanli").await;
    browser.goto(&format!("{base}/office/agencies")).await;
    browser.wait_for("h1", "报送单位").await;
    browser
        .type_into(&browser.find("#f-name").await, "国家税务总局汉中市税务局")
        .await;
    browser
        .type_into(&browser.find("#f-uscc").await, "11610700MB2961796E")
        .await;
    browser
        .type_into(
            &browser.find("#f-authorities").await,
            "国家税务总局汉中市税务局\n汉中市中级人民法院,12345",
        )
        .await;
    browser.click(&browser.find(".actions button").await).await;
    browser.wait_for(".form-error, .field-error", "12345").await;
    assert_eq!(app.count(entity::agency::Entity).await, 0);
    let area = browser.find("#f-authorities").await;
    browser.clear(&area).await;
    browser
        .type_into(
            &area,
            "国家税务总局汉中市税务局\n汉中市中级人民法院,11610700MB2961788K",
        )
        .await;
    browser.click(&browser.find(".actions button").await).await;
    browser.wait_for("h1", "国家税务总局汉中市税务局").await;
    let agency_id = app.agency_id("11610700MB2961796E").await;
    let (_, agency) = app
        .get(
            &format!("/api/v1/office/agencies/{agency_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(
        agency["authorities"],
        json!([{"name": "国家税务总局汉中市税务局", "uscc": null},
               {"name": "汉中市中级人民法院", "uscc": "11610700MB2961788K"}]),
        "{agency}"
    );

    // A key without a name, then with one: shown once, working at once, revoked at once.
    let submit = browser.find("#k-scope_entries_submit").await;
    browser.click(&submit).await;
    browser.click(&browser.find("#issue-key").await).await;
    browser.wait_for("#kerr-name", "此项必填").await;
    assert!(browser.find_all("#issued-key").await.is_empty());
    browser
        .type_into(&browser.find("#k-name").await, "税务核查系统")
        .await;
    browser.click(&browser.find("#k-scope_screen").await).await;
    browser
        .type_into(&browser.find("#k-daily_quota").await, "5000")
        .await;
    browser.click(&browser.find("#issue-key").await).await;
    let shown = browser.wait_for("#issued-key", "").await;
    let key = browser.text(&shown).await;
    assert!(key.len() > 20, "{key}");
    browser.wait_for("#keys", "批量核查").await;
    browser.wait_for("#keys", "0 / 5000").await;
    browser.screenshot("office-agency").await;
    let (status, who) = app.get("/api/v1/partner/whoami", Some(&key)).await;
    assert_eq!(status, StatusCode::OK, "{who}");
    browser
        .goto(&format!("{base}/office/agencies/{agency_id}"))
        .await;
    assert!(
        browser.find_all("#issued-key").await.is_empty(),
        "the key is shown once"
    );
    browser.wait_for("#keys", "有效").await;
    browser
        .click(&browser.find("#keys button.danger").await)
        .await;
    browser.wait_for("#keys", "已吊销").await;
    let (status, body) = app.get("/api/v1/partner/whoami", Some(&key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}
