//! The public pages: server-rendered HTML over a real socket, and once in headless Chromium
//! driven through chromedriver's W3C WebDriver API (which also saves the screenshots under
//! `docs/screenshots/`).

use crate::db_tests;
use crate::fixtures::{black_entry, enc, id_of, red_entry};
use crate::helpers::{Backend, TestApp};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// GETs a page: status, headers and body.
async fn page(app: &TestApp, path: &str) -> (StatusCode, HeaderMap, String) {
    let resp = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("request sent");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.text().await.expect("body read");
    (status, headers, body)
}

/// GETs a page that must answer 200 with HTML.
async fn ok_page(app: &TestApp, path: &str) -> String {
    let (status, headers, body) = page(app, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert_eq!(
        headers["content-type"], "text/html; charset=utf-8",
        "{path}"
    );
    body
}

/// Drafts and publishes an exposure notice naming the black-listed company; its id.
async fn a_notice(app: &TestApp) -> String {
    let body_md = "## 基本案情\n\n汉中市天汉建设工程有限公司拖欠农民工工资。\n\n## 处理结果\n\n列入失信被执行人名单。\n\n## 法律依据\n\n《保障农民工工资支付条例》。";
    app.publish_notice(json!({"title": "汉中市失信典型案例（第一期）", "category": "dishonesty_case",
                              "issuing_unit": "汉中市社会信用体系建设领导小组办公室", "body_md": body_md,
                              "subject_usccs": ["91610702MA6YL3K09Y"]}))
        .await
}

async fn the_lookup_page_introduces_itself_in_chinese(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, headers, body) = page(&app, "/").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert!(body.contains("<html lang=\"zh-CN\">"), "{body}");
    assert!(body.contains("<h1 id=\"page-title\">信用查询</h1>"));
    assert!(body.contains("aria-current=\"page\">信用查询</a>"));
    for link in [
        "href=\"/lists/red\"",
        "href=\"/lists/black\"",
        "href=\"/notices\"",
    ] {
        assert!(body.contains(link), "{link}");
    }
    assert!(body.contains("姓名和身份证号码须同时填写"));
    assert!(body.contains("不会被保存"));
    assert!(!body.contains("<script"), "no scripts on the pages");
    let csp = headers["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    // The stylesheet is linked with a fingerprint and served from the page router.
    let start = body.find("/static/site.css?v=").expect("stylesheet link");
    let href = &body[start..body[start..].find('"').map(|e| start + e).expect("quote")];
    let (status, headers, css) = page(&app, href).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
    assert!(
        headers["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("immutable")
    );
    assert!(css.contains("PingFang SC") && css.contains("Noto Sans CJK SC"));
}

async fn a_published_black_entry_shows_on_the_lookup_profile_and_list_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let entry = app.draft_entry(black_entry(&subject_id)).await;
    app.drain().await;

    // A draft is shown nowhere: the company is on record, without a badge or a record.
    let lookup = ok_page(&app, &format!("/?q={}", enc("天汉"))).await;
    assert!(
        lookup.contains(&format!("href=\"/subjects/{subject_id}\"")),
        "{lookup}"
    );
    assert!(lookup.contains("无红黑名单记录"), "{lookup}");
    assert!(!lookup.contains("黑名单 1"), "{lookup}");
    let profile = ok_page(&app, &format!("/subjects/{subject_id}")).await;
    assert!(!profile.contains("(2026)陕07执123号"), "{profile}");
    let black = ok_page(&app, "/lists/black").await;
    assert!(!black.contains("汉中市天汉建设工程有限公司"), "{black}");
    assert!(black.contains("共 0 条"));

    app.publish_entry_draft(&entry).await;
    app.drain().await;
    let lookup = ok_page(&app, &format!("/?q={}", enc("天汉"))).await;
    assert!(
        lookup.contains(&format!("href=\"/subjects/{subject_id}\"")),
        "{lookup}"
    );
    assert!(
        lookup.contains("<span class=\"badge black\">黑名单 1</span>"),
        "{lookup}"
    );
    assert!(
        lookup.contains("<mark>"),
        "the match is highlighted: {lookup}"
    );
    assert!(lookup.contains("91610702MA6YL3K09Y"));
    assert!(lookup.contains("汉台区"), "the region by name: {lookup}");
    assert!(lookup.contains("失信被执行人"));
    // Facet links keep the query.
    assert!(
        lookup.contains(&format!("href=\"/?q={}&#38;list=black\"", enc("天汉"))),
        "{lookup}"
    );

    let profile = ok_page(&app, &format!("/subjects/{subject_id}")).await;
    assert!(
        profile.contains("<h1>汉中市天汉建设工程有限公司</h1>"),
        "{profile}"
    );
    for text in [
        "(2026)陕07执123号",
        "失信被执行人",
        "有履行能力而拒不履行生效法律文书确定义务",
        "拒不支付工程款",
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        "汉中市中级人民法院",
        "2026-03-10",
        "2029-03-10",
        "失信等级：严重",
        "截至 <time datetime=\"2026-06-15\">",
    ] {
        assert!(profile.contains(text), "{text}: {profile}");
    }
    // The red, key-attention and notice sections are empty.
    assert_eq!(
        profile.matches("查询期内无相关信息").count(),
        3,
        "{profile}"
    );
    let red = &profile[profile.find("id=\"red-title\"").expect("red section")
        ..profile.find("id=\"black-title\"").expect("black section")];
    assert!(red.contains("查询期内无相关信息"), "{red}");

    let black = ok_page(&app, "/lists/black").await;
    assert!(black.contains("汉中市天汉建设工程有限公司"), "{black}");
    assert!(black.contains(&format!("href=\"/subjects/{subject_id}\"")));
    assert!(black.contains("(2026)陕07执123号"));
    assert!(black.contains("aria-current=\"page\">黑名单</a>"));
    let filtered = ok_page(
        &app,
        &format!("/lists/black?authority={}", enc("汉中市中级人民法院")),
    )
    .await;
    assert!(
        filtered.contains("认定部门：汉中市中级人民法院"),
        "{filtered}"
    );
    assert!(filtered.contains("共 1 条"));
    let red = ok_page(&app, "/lists/red").await;
    assert!(!red.contains("汉中市天汉建设工程有限公司"));
}

async fn pagination_and_facet_links_keep_every_parameter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.a_subject().await;
    app.create_subject(
        "individual_business",
        "洋县天汉五金店",
        "92610723MA6YQ0A20M",
    )
    .await;
    app.create_subject(
        "legal_person",
        "西乡县天汉农业专业合作社",
        "93610724MA6YRB7192",
    )
    .await;
    app.publish_entry(black_entry(&first)).await;
    app.drain().await;
    let q = enc("天汉");
    let one = ok_page(&app, &format!("/?q={q}&per_page=1")).await;
    assert!(one.contains("共 3 个主体"), "{one}");
    assert!(
        one.contains(&format!(
            "href=\"/?q={q}&#38;per_page=1&#38;page=2\" rel=\"next\">下一页</a>"
        )),
        "{one}"
    );
    assert!(one.contains("<span class=\"disabled\" aria-disabled=\"true\">上一页</span>"));
    assert!(
        one.contains(&format!("href=\"/?q={q}&#38;per_page=1&#38;page=3\">")),
        "{one}"
    );
    let two = ok_page(&app, &format!("/?q={q}&per_page=1&page=2")).await;
    assert!(
        two.contains(&format!(
            "href=\"/?q={q}&#38;per_page=1\" rel=\"prev\">上一页</a>"
        )),
        "{two}"
    );
    assert!(two.contains("aria-current=\"page\" class=\"current\">"));
    // A facet link keeps the query and the page size, and starts again at page 1.
    assert!(
        two.contains(&format!(
            "href=\"/?q={q}&#38;per_page=1&#38;region=610723\""
        )),
        "{two}"
    );
    let region = ok_page(&app, &format!("/?q={q}&per_page=1&region=610723")).await;
    assert!(region.contains("共 1 个主体"), "{region}");
    assert!(region.contains("洋县<mark>天汉</mark>五金店"), "{region}");
    assert!(region.contains("区域：洋县"), "{region}");
    assert!(
        region.contains(&format!("href=\"/?q={q}&#38;per_page=1\"")),
        "the filter can be removed"
    );
    // Nothing found says what to try.
    let none = ok_page(&app, &format!("/?q={}", enc("不存在的公司名称"))).await;
    assert!(none.contains("共 0 个主体"), "{none}");
    assert!(none.contains("核对统一社会信用代码"));
    assert!(none.contains("只输入字号"));
}

async fn a_natural_person_is_shown_masked_and_only_by_name_and_number(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let clear = "610702200001010018";
    let person_id = app.create_person("张三丰", clear).await;
    let mut entry = black_entry(&person_id);
    entry["document_number"] = json!("(2026)陕0702执88号");
    app.publish_entry(entry).await;
    app.drain().await;
    let (status, headers, found) = app.person_page("张三丰", clear).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(found.contains("张**"), "{found}");
    assert!(found.contains("610702********0018"));
    assert!(found.contains(&format!("href=\"/subjects/{person_id}\"")));
    let profile = ok_page(&app, &format!("/subjects/{person_id}")).await;
    assert!(profile.contains("<h1>张**</h1>"), "{profile}");
    assert!(!profile.contains("法定代表人"));
    // Neither the result (which does not fill the form back in) nor the profile repeats them.
    for text in [&found, &profile] {
        assert!(!text.contains(clear) && !text.contains("张三丰"), "{text}");
    }
    // The name alone, typed into the search box, finds nothing.
    let by_name = ok_page(&app, &format!("/?q={}", enc("张三丰"))).await;
    assert!(
        !by_name.contains(&person_id),
        "never browsed by name: {by_name}"
    );
    assert!(!by_name.contains("0018"), "{by_name}");
    assert!(by_name.contains("共 0 个主体"), "{by_name}");
    // Only one of the pair, posted: the form's fault, said on a page.
    let (status, _, body) = app.person_page("张三丰", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("查询条件有误"), "{body}");
    // In an address, never: refused whatever else is asked.
    for path in [
        format!("/?name={}", enc("张三丰")),
        format!("/?name={}&id_number={clear}", enc("张三丰")),
    ] {
        let (status, _, body) = page(&app, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(body.contains("请通过查询表单查询自然人"), "{body}");
        assert!(body.contains("id_number_in_url"), "{body}");
        assert!(!body.contains(clear), "{body}");
    }
}

async fn typed_markup_comes_back_escaped(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.a_subject().await;
    app.drain().await;
    let typed = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let body = ok_page(&app, &format!("/?q={}", enc(typed))).await;
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(!body.contains("<img src=x"), "{body}");
    assert!(
        body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{body}"
    );
    let list = ok_page(&app, &format!("/lists/black?q={}", enc(typed))).await;
    assert!(!list.contains("<script>alert"), "{list}");
    let notices = ok_page(&app, &format!("/notices?q={}", enc(typed))).await;
    assert!(!notices.contains("<script>alert"), "{notices}");
    let (status, _, missing) = page(&app, &format!("/subjects/{}", enc(typed))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!missing.contains("<script>alert"), "{missing}");
}

async fn bad_parameters_render_an_error_page_with_status_400(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (path, message) in [
        (
            "/?per_page=500",
            "`per_page`: `500` must be between 1 and 50",
        ),
        ("/?q=x&page=21&per_page=50", "`page`: `21` is too deep"),
        ("/?page=0", "`page`: `0` must be at least 1"),
        ("/?page=abc", "`page`: `abc` must be a whole number"),
        (
            "/?year=1800",
            "`year`: `1800` must be between 1990 and 2100",
        ),
        (
            "/lists/black?per_page=51",
            "`per_page`: `51` must be between 1 and 50",
        ),
        ("/lists/red?page=101", "`page`: `101` is too deep"),
        ("/notices?category=other", "`category`: `other` must be"),
        ("/notices?page=-1", "`page`: `-1` must be a whole number"),
    ] {
        let (status, headers, body) = page(&app, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(
            headers["content-type"], "text/html; charset=utf-8",
            "{path}"
        );
        assert!(body.contains("<html lang=\"zh-CN\">"), "{path}");
        assert!(
            body.contains("<h1 id=\"page-title\">查询条件有误</h1>"),
            "{path}: {body}"
        );
        assert!(body.contains("invalid_query_parameter"), "{path}");
        // The message, HTML-escaped (backticks are kept).
        assert!(body.contains(message), "{path}: {body}");
        assert!(body.contains("href=\"/\""), "{path}: a way back");
    }
}

async fn unknown_subjects_and_notices_are_404_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (path, title) in [
        (
            format!("/subjects/{}", uuid::Uuid::new_v4()),
            "未找到该信用主体",
        ),
        ("/subjects/not-an-id".to_owned(), "未找到该信用主体"),
        (
            format!("/notices/{}", uuid::Uuid::new_v4()),
            "未找到该曝光信息",
        ),
    ] {
        let (status, headers, body) = page(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert!(
            body.contains(&format!("<h1 id=\"page-title\">{title}</h1>")),
            "{body}"
        );
        assert!(body.contains("<p class=\"error-status\">404</p>"));
    }
}

async fn unknown_page_paths_are_html_404_pages_and_api_paths_stay_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let get = |path: &str, accept: &'static str| {
        app.http
            .get(format!("{}{path}", app.base))
            .header("accept", accept)
            .send()
    };
    for (path, accept) in [
        ("/lists/grey", "*/*"),
        ("/subjects/x/y", "*/*"),
        ("/notices/a/b", "*/*"),
        ("/no/such/page", "text/html,application/xhtml+xml"),
    ] {
        let resp = get(path, accept).await.expect("sent");
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        let headers = resp.headers().clone();
        assert_eq!(
            headers["content-type"], "text/html; charset=utf-8",
            "{path}"
        );
        assert!(
            headers["content-security-policy"]
                .to_str()
                .is_ok_and(|v| v.starts_with("default-src 'none'"))
        );
        let body = resp.text().await.expect("body");
        assert!(
            body.contains("<h1 id=\"page-title\">页面不存在</h1>"),
            "{path}: {body}"
        );
        assert!(body.contains("<p class=\"error-status\">404</p>"), "{path}");
    }
    // The API answers its own contract, whatever a browser asks for.
    let resp = get("/api/v1/nope", "text/html").await.expect("sent");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp.headers().get("content-security-policy").is_none());
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "route_not_found");
    // A form posted to a page that takes none is a 405 page.
    let resp = app
        .http
        .post(format!("{}/lists/red", app.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["content-type"], "text/html; charset=utf-8");
}

async fn notices_and_a_published_notice_render(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let notice_id = a_notice(&app).await;
    // A draft notice is not listed.
    let draft = app
        .draft_notice(json!({"title": "尚未发布的草稿", "category": "integrity_model", "issuing_unit": "汉中市信用办", "body_md": "草稿"}))
        .await;
    app.drain().await;

    let list = ok_page(&app, "/notices").await;
    assert!(list.contains("汉中市失信典型案例（第一期）"), "{list}");
    assert!(list.contains(&format!("href=\"/notices/{notice_id}\"")));
    assert!(list.contains("失信典型案例"));
    assert!(!list.contains("尚未发布的草稿"), "{list}");
    assert!(list.contains("aria-current=\"page\">曝光台</a>"));
    let models = ok_page(&app, "/notices?category=integrity_model").await;
    assert!(!models.contains("汉中市失信典型案例（第一期）"), "{models}");
    assert!(models.contains("查询期内无相关信息"));

    let notice = ok_page(&app, &format!("/notices/{notice_id}")).await;
    for text in [
        "<h1>汉中市失信典型案例（第一期）</h1>",
        "<h2>基本案情</h2>",
        "<h2>处理结果</h2>",
        "汉中市社会信用体系建设领导小组办公室",
        "2026-06-15",
        "91610702MA6YL3K09Y",
    ] {
        assert!(notice.contains(text), "{text}: {notice}");
    }
    assert!(
        notice.contains(&format!(
            "<a href=\"/subjects/{subject_id}\">汉中市天汉建设工程有限公司</a>"
        )),
        "{notice}"
    );
    let draft_page = page(&app, &format!("/notices/{}", id_of(&draft))).await;
    assert_eq!(draft_page.0, StatusCode::NOT_FOUND);
    // The profile lists the notice in its 曝光台 section.
    let profile = ok_page(&app, &format!("/subjects/{subject_id}")).await;
    assert!(
        profile.contains(&format!("href=\"/notices/{notice_id}\"")),
        "{profile}"
    );
}

async fn pages_are_rate_limited_per_client(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 2;
    })
    .await;
    assert_eq!(page(&app, "/").await.0, StatusCode::OK);
    assert_eq!(page(&app, "/notices").await.0, StatusCode::OK);
    let (status, headers, _) = page(&app, "/lists/red").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key("retry-after"));
}

db_tests!(
    the_lookup_page_introduces_itself_in_chinese,
    a_published_black_entry_shows_on_the_lookup_profile_and_list_pages,
    pagination_and_facet_links_keep_every_parameter,
    a_natural_person_is_shown_masked_and_only_by_name_and_number,
    typed_markup_comes_back_escaped,
    bad_parameters_render_an_error_page_with_status_400,
    unknown_subjects_and_notices_are_404_pages,
    unknown_page_paths_are_html_404_pages_and_api_paths_stay_json,
    notices_and_a_published_notice_render,
    pages_are_rate_limited_per_client,
);

/// The pages in a real browser: headless Chromium through chromedriver (see `crate::browser`).
mod browser {
    use super::*;
    use crate::browser::Browser;

    /// Seeds what the screenshots show: a black-listed company (with a second, key-attention
    /// record), a red-listed company, other subjects, and a published notice.
    async fn seed(app: &TestApp) -> (String, String) {
        let black_id = app.a_subject().await;
        app.publish_entry(black_entry(&black_id)).await;
        let mut attention = black_entry(&black_id);
        attention["list"] = json!("key_attention");
        attention["list_name"] = json!("拖欠农民工工资失信联合惩戒对象");
        attention["severity"] = json!("general");
        attention["reason"] = json!("拖欠农民工工资");
        attention["facts"] = json!("拖欠23名农民工工资共计41.6万元");
        attention["legal_basis"] = json!("《保障农民工工资支付条例》第四十八条");
        attention["authority_name"] = json!("汉中市人力资源和社会保障局");
        attention["document_number"] = json!("汉人社监〔2026〕7号");
        attention["decision_date"] = json!("2026-05-20");
        attention["listing_date"] = json!("2026-05-22");
        app.publish_entry(attention).await;

        let red_id = app
            .create_subject(
                "legal_person",
                "汉中市汉江药业股份有限公司",
                "93610724MA6YRB7192",
            )
            .await;
        app.publish_entry(red_entry(&red_id)).await;
        let mut second = red_entry(&red_id);
        second["list_name"] = json!("守合同重信用企业");
        second["reason"] = json!("2025年度陕西省守合同重信用企业");
        second["authority_name"] = json!("汉中市市场监督管理局");
        second["document_number"] = json!("汉市监〔2026〕15号");
        app.publish_entry(second).await;

        let shop = app
            .create_subject(
                "individual_business",
                "洋县天汉五金店",
                "92610723MA6YQ0A20M",
            )
            .await;
        let mut shop_black = black_entry(&shop);
        shop_black["list_name"] = json!("重大税收违法失信主体");
        shop_black["severity"] = json!("general");
        shop_black["reason"] = json!("虚开增值税普通发票");
        shop_black["facts"] = json!("2025年虚开增值税普通发票12份，金额共计36万元");
        shop_black["legal_basis"] = json!("《重大税收违法失信主体信息公布管理办法》第六条");
        shop_black["authority_name"] = json!("国家税务总局洋县税务局");
        shop_black["document_number"] = json!("洋税稽罚〔2026〕3号");
        shop_black["decision_date"] = json!("2026-02-18");
        shop_black["listing_date"] = json!("2026-02-20");
        app.publish_entry(shop_black).await;
        // An objection is being handled on the shop's record: it is marked, not hidden. (The
        // outbox rows of the publication are drained below, so the index reads this.)
        app.sql("UPDATE list_entries SET under_objection = TRUE WHERE document_number = '洋税稽罚〔2026〕3号'")
            .await;
        app.create_subject(
            "legal_person",
            "汉中市天汉文化旅游发展有限公司",
            "12610700436000204R",
        )
        .await;

        let notice_id = a_notice(app).await;
        app.publish_notice(json!({"title": "汉中市汉江药业股份有限公司获评诚信典型", "category": "integrity_model",
                                  "issuing_unit": "汉中市发展和改革委员会",
                                  "body_md": "## 基本情况\n\n该企业连续五年纳税信用A级。\n\n## 典型意义\n\n守信者处处受益。",
                                  "subject_usccs": ["93610724MA6YRB7192"]}))
            .await;
        app.drain().await;
        (black_id, notice_id)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(
        not(browser_tests),
        ignore = "chromedriver is not installed: browser test skipped"
    )]
    async fn a_citizen_looks_up_a_company_and_browses_the_lists_in_a_real_browser() {
        let app = TestApp::spawn(Backend::Sqlite).await;
        let (black_id, notice_id) = seed(&app).await;
        let browser = Browser::start().await;
        let base = app.base.clone();

        browser.goto(&format!("{base}/")).await;
        browser.wait_for("h1", "信用查询").await;
        browser.screenshot("lookup").await;

        let search = browser.find("#q").await;
        browser
            .type_into(&search, "汉中市天汉建设工程有限公司")
            .await;
        let button = browser.find(".search-form button[type=submit]").await;
        browser.click(&button).await;
        let hit = browser.wait_for(".hit", "汉中市天汉建设工程有限公司").await;
        assert!(
            browser.text(&hit).await.contains("黑名单 1"),
            "the black-list badge"
        );
        browser.screenshot("results").await;

        let link = browser
            .wait_for(".hit-name a", "汉中市天汉建设工程有限公司")
            .await;
        browser.click(&link).await;
        browser.wait_for("h1", "汉中市天汉建设工程有限公司").await;
        assert_eq!(browser.url().await, format!("{base}/subjects/{black_id}"));
        let record = browser
            .wait_for("#black .record", "(2026)陕07执123号")
            .await;
        assert!(browser.text(&record).await.contains("失信被执行人"));
        browser
            .wait_for("#red .nothing", "查询期内无相关信息")
            .await;
        browser.screenshot("subject").await;

        browser.goto(&format!("{base}/lists/red")).await;
        browser
            .wait_for("table.entries", "汉中市汉江药业股份有限公司")
            .await;
        browser.screenshot("lists-red").await;

        browser.goto(&format!("{base}/lists/black")).await;
        browser
            .wait_for("table.entries", "汉中市天汉建设工程有限公司")
            .await;
        browser.wait_for("table.entries", "异议处理中").await;
        browser.screenshot("lists-black").await;

        browser.goto(&format!("{base}/notices")).await;
        let card = browser
            .wait_for(".notice-card a", "汉中市失信典型案例（第一期）")
            .await;
        browser.screenshot("notices").await;
        browser.click(&card).await;
        browser.wait_for("h1", "汉中市失信典型案例（第一期）").await;
        assert_eq!(browser.url().await, format!("{base}/notices/{notice_id}"));
        browser.wait_for(".notice-body h2", "基本案情").await;
        browser
            .wait_for(".linked a", "汉中市天汉建设工程有限公司")
            .await;
        browser.screenshot("notice").await;

        // The same pages on a phone: no horizontal scrolling.
        browser.resize(390, 844).await;
        browser.goto(&format!("{base}/lists/black")).await;
        browser
            .wait_for("table.entries", "汉中市天汉建设工程有限公司")
            .await;
        assert!(!browser.overflows().await, "the black list fits a phone");
        browser.screenshot("lists-black-phone").await;
        browser.goto(&format!("{base}/subjects/{black_id}")).await;
        browser.wait_for("h1", "汉中市天汉建设工程有限公司").await;
        assert!(!browser.overflows().await, "the profile fits a phone");
        browser.screenshot("subject-phone").await;
    }
}

// The same, on a Meilisearch engine.
crate::meili_tests!(
    a_published_black_entry_shows_on_the_lookup_profile_and_list_pages,
    pagination_and_facet_links_keep_every_parameter,
    a_natural_person_is_shown_masked_and_only_by_name_and_number,
    notices_and_a_published_notice_render,
);
