//! The console's administration pages: staff accounts (administrators only) and the audit trail
//! with its chain verification — in a real browser, and over plain HTTP with a console session
//! on both databases.

use crate::browser::Browser;
use crate::db_tests;
use crate::fixtures::id_of;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// Creates a member who can sign in, over the API; their id.
pub(crate) async fn member(app: &TestApp, name: &str, role: &str, login: &str) -> String {
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

/// A member as the API lists them, found by login.
async fn listed(app: &TestApp, login: &str) -> Option<serde_json::Value> {
    let (status, list) = app.get("/api/v1/office/staff", Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array()
        .expect("a list")
        .iter()
        .find(|m| m["login"] == login)
        .cloned()
}

/// The newest audit events with `action`, newest first.
async fn events(app: &TestApp, action: &str) -> Vec<entity::audit_event::Model> {
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(action))
        .order_by_desc(entity::audit_event::Column::Id)
        .all(&app.state.db)
        .await
        .expect("events")
}

/// Writes a checkpoint of the chain's head, as the server does periodically.
async fn checkpoint(app: &TestApp) {
    app.state
        .write("system".into(), async |txn, ctx| {
            Ok(xinyong::services::audit::checkpoint(txn, ctx.keys, ctx.now, false).await?)
        })
        .await
        .expect("checkpoint")
        .expect("written");
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

/// A console session over plain HTTP: the cookie and the CSRF token of a signed-in member.
pub(crate) struct Console {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

/// What a console request answered.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) location: String,
    pub(crate) body: String,
}

impl Console {
    /// Signs in through the console's sign-in form.
    pub(crate) async fn sign_in(app: &TestApp, login: &str, password: &str) -> Console {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let resp = http
            .post(format!("{}/office/login", app.base))
            .form(&[("login", login), ("password", password)])
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{login} signs in");
        let cookie = resp
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("xinyong_session="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned();
        let mut console = Console {
            http,
            base: app.base.clone(),
            cookie,
            csrf: String::new(),
        };
        let home = console.get("/office/").await;
        assert_eq!(home.status, StatusCode::OK);
        let marker = "name=\"csrf\" value=\"";
        let start = home.body.find(marker).expect("a CSRF field") + marker.len();
        let end = home.body[start..].find('"').expect("its end") + start;
        console.csrf = home.body[start..end].to_owned();
        console
    }

    pub(crate) async fn answer(resp: reqwest::Response) -> Answer {
        Answer {
            status: resp.status(),
            location: resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            body: resp.text().await.expect("body"),
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        Self::answer(
            self.http
                .get(format!("{}{path}", self.base))
                .header("cookie", format!("xinyong_session={}", self.cookie))
                .send()
                .await
                .expect("sent"),
        )
        .await
    }

    /// Posts a form with the session's CSRF token.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut form = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(path, &form).await
    }

    /// Posts exactly these fields.
    async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        Self::answer(
            self.http
                .post(format!("{}{path}", self.base))
                .header("cookie", format!("xinyong_session={}", self.cookie))
                .form(fields)
                .send()
                .await
                .expect("sent"),
        )
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "chromedriver is not installed: browser test skipped"
)]
async fn an_administrator_creates_and_disables_an_editor_and_verifies_the_audit_trail_in_a_real_browser()
 {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let base = app.base.clone();
    let admin_id = member(&app, "周管理", "admin", "zhouguanli").await;
    let browser = Browser::start().await;
    sign_in(&browser, &base, "zhouguanli").await;
    let admin_cookie = browser.cookie("xinyong_session").await;

    // The dashboard's rebuild button: the running server rebuilds the index and says so.
    browser.click(&browser.find("#do-reindex").await).await;
    browser.wait_for("#reindex-status", "完成").await;
    assert!(
        browser
            .text(&browser.find("#reindex-status").await)
            .await
            .contains("信用主体 0 个"),
    );

    // A bad login name first: the error is beside the login field, and nothing is created.
    browser.goto(&format!("{base}/office/staff")).await;
    browser.wait_for("h1", "人员账号").await;
    browser.wait_for("#staff-table", "周管理").await;
    browser
        .type_into(&browser.find("#f-name").await, "吴编辑")
        .await;
    browser
        .type_into(&browser.find("#f-login").await, "Wu Bianji")
        .await;
    browser
        .select(&browser.find("#f-role").await, "editor")
        .await;
    browser
        .type_into(&browser.find("#f-password").await, PASSWORD)
        .await;
    browser.click(&browser.find("#do-create").await).await;
    browser.wait_for("#err-login", "lower-case letters").await;
    assert_eq!(
        browser
            .find(".field.has-error input")
            .await
            .attr("id")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("f-login")
    );
    assert_eq!(
        browser
            .find("#f-name")
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("吴编辑"),
        "the form keeps what was typed"
    );
    // Then a short password, submitted from the keyboard (Enter in the password field).
    let login = browser.find("#f-login").await;
    browser.clear(&login).await;
    browser.type_into(&login, "wubianji").await;
    browser
        .type_into(&browser.find("#f-password").await, "short\u{e007}")
        .await;
    browser.wait_for("#err-password", "12 to 128").await;
    assert!(listed(&app, "wubianji").await.is_none(), "nobody created");
    // Fixed: created, and the member's page shows the initial API token once.
    browser
        .type_into(&browser.find("#f-password").await, PASSWORD)
        .await;
    browser.click(&browser.find("#do-create").await).await;
    browser.wait_for("#notice", "账号已创建").await;
    browser.wait_for("#member-role", "编辑（录入）").await;
    let token = browser.text(&browser.find("#shown-secret").await).await;
    let (status, me) = app.get("/api/v1/office/session", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "the token shown works: {me}");
    let editor = listed(&app, "wubianji").await.expect("created");
    assert_eq!(editor["role"], "editor");
    assert_eq!(editor["name"], "吴编辑");
    assert_eq!(editor["disabled_at"], serde_json::Value::Null);
    let editor_id = id_of(&editor);
    assert_eq!(me["staff"]["id"], editor_id.as_str());

    // Every field of the staff pages has a label; the list fits a phone's width.
    for path in [
        "/office/staff".to_owned(),
        format!("/office/staff/{editor_id}"),
    ] {
        browser.goto(&format!("{base}{path}")).await;
        browser.wait_for("h1", "").await;
        let unlabelled = browser
            .run(
                "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]\
                 .filter(e => e.labels.length === 0).map(e => e.name);",
            )
            .await;
        assert_eq!(unlabelled, json!([]), "{path}: fields without a label");
    }
    browser.goto(&format!("{base}/office/staff")).await;
    browser.wait_for("#staff-table", "吴编辑").await;
    browser.screenshot("office-staff").await;
    browser.resize(390, 844).await;
    for path in [
        "/office/staff".to_owned(),
        format!("/office/staff/{editor_id}"),
    ] {
        browser.goto(&format!("{base}{path}")).await;
        browser.wait_for("h1", "").await;
        assert!(
            !browser.overflows().await,
            "{path} scrolls sideways at 390 px"
        );
    }
    browser.resize(1280, 1600).await;

    // The editor signs in, and may not open the staff or audit pages.
    browser.forget_cookies().await;
    sign_in(&browser, &base, "wubianji").await;
    browser.wait_for(".whoami", "吴编辑").await;
    let editor_cookie = browser.cookie("xinyong_session").await;
    for path in ["/office/staff", "/office/audit"] {
        browser.goto(&format!("{base}{path}")).await;
        browser.wait_for(".error-status", "403").await;
        browser.wait_for("h1", "没有权限").await;
        browser.wait_for(".error-detail", "forbidden").await;
    }

    // The administrator disables them: the editor's open session stops at once.
    browser.forget_cookies().await;
    browser.set_cookie("xinyong_session", &admin_cookie).await;
    browser
        .goto(&format!("{base}/office/staff/{editor_id}"))
        .await;
    browser.wait_for("#sessions-title", "当前会话（1）").await;
    browser.click(&browser.find("#do-disable").await).await;
    browser.wait_for("#notice", "账号已停用").await;
    browser.wait_for("#member-status", "已停用").await;
    browser.wait_for("#no-sessions", "没有未结束的会话").await;
    browser.forget_cookies().await;
    browser.set_cookie("xinyong_session", &editor_cookie).await;
    browser.goto(&format!("{base}/office/entries")).await;
    browser.wait_for("h1", "业务工作台登录").await;
    let (status, _) = app.get("/api/v1/office/session", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "their token is revoked");

    // A staff form posted without the CSRF token is refused, and creates nobody.
    browser.forget_cookies().await;
    browser.set_cookie("xinyong_session", &admin_cookie).await;
    browser.goto(&format!("{base}/office/staff")).await;
    browser
        .type_into(&browser.find("#f-name").await, "郑审核")
        .await;
    browser
        .type_into(&browser.find("#f-login").await, "zhengshenhe")
        .await;
    browser
        .type_into(&browser.find("#f-password").await, PASSWORD)
        .await;
    browser
        .run("document.querySelector('#new-staff input[name=csrf]').remove(); return 1;")
        .await;
    browser.click(&browser.find("#do-create").await).await;
    browser.wait_for("h1", "表单已失效").await;
    browser.wait_for(".error-detail", "csrf_failed").await;
    assert!(listed(&app, "zhengshenhe").await.is_none());

    // The audit trail filtered by the administrator: their creation of the account is there,
    // and only their events are.
    checkpoint(&app).await;
    browser.goto(&format!("{base}/office/audit")).await;
    browser
        .select(
            &browser.find("#a-actor").await,
            &format!("staff:{admin_id}"),
        )
        .await;
    browser.click(&browser.find("#do-filter").await).await;
    browser.wait_for("#audit-table", "staff.create").await;
    let table = browser.text(&browser.find("#audit-table").await).await;
    assert!(
        table.contains("吴编辑") && table.contains("staff.disable"),
        "{table}"
    );
    let rows = browser.find_all("#audit-table tbody tr").await;
    assert!(rows.len() >= 3, "login, create, disable: {table}");
    for row in &rows {
        let text = browser.text(row).await;
        assert!(text.contains(&format!("staff:{admin_id}")), "{text}");
    }
    // Verified: intact, with the checkpoint.
    browser.click(&browser.find("#do-verify").await).await;
    browser.wait_for("#verdict-headline", "审计链完整").await;
    browser.wait_for("#verdict", "1 个检查点").await;
    let url = browser.url().await;
    assert!(
        url.contains(&format!("actor=staff%3A{admin_id}")),
        "the filters stay: {url}"
    );
    browser.wait_for("#audit-table", "staff.create").await;
    browser.screenshot("office-audit").await;

    // Someone edits the creation's row in the database: verification names that event.
    let created = events(&app, "staff.create")
        .await
        .into_iter()
        .find(|e| e.target_id == editor_id)
        .expect("the creation's event");
    app.sql(&format!(
        "UPDATE audit_events SET actor = 'someone-else' WHERE id = {}",
        created.id
    ))
    .await;
    browser.click(&browser.find("#do-verify").await).await;
    browser
        .wait_for("#verdict-headline", &format!("第 {} 号事件", created.id))
        .await;
    browser.wait_for("#verdict", "事件内容被改动").await;
    browser.wait_for("#verdict", "edited event").await;

    // A malformed day is an error beside its field, not a server error.
    let from = browser.find("#a-from").await;
    browser.type_into(&from, "2026-02-30").await;
    browser.click(&browser.find("#do-filter").await).await;
    browser.wait_for("#err-from", "is not a date").await;
}

async fn a_staff_post_without_the_csrf_token_is_refused_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    member(&app, "周管理", "admin", "zhouguanli").await;
    let admin = Console::sign_in(&app, "zhouguanli", PASSWORD).await;
    let staff_before = app.count(entity::staff::Entity).await;
    let audit_before = app.count(entity::audit_event::Entity).await;
    let fields = [
        ("name", "吴编辑"),
        ("login", "wubianji"),
        ("role", "editor"),
        ("password", PASSWORD),
    ];
    let missing = admin.post_raw("/office/staff", &fields).await;
    let mut wrong = vec![("csrf", "not-the-token")];
    wrong.extend_from_slice(&fields);
    let wrong = admin.post_raw("/office/staff", &wrong).await;
    for refused in [missing, wrong] {
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("csrf_failed"), "{}", refused.body);
        assert!(refused.body.contains("CSRF token"), "{}", refused.body);
    }
    let member_id = id_of(&listed(&app, "zhouguanli").await.expect("admin"));
    let disable = admin
        .post_raw(
            &format!("/office/staff/{member_id}/sessions"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(disable.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count(entity::staff::Entity).await, staff_before);
    assert_eq!(app.count(entity::audit_event::Entity).await, audit_before);
    assert_eq!(
        admin.get("/office/").await.status,
        StatusCode::OK,
        "still signed in"
    );

    // With the token it is created.
    let created = admin.post("/office/staff", &fields).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert!(created.body.contains("账号已创建"));
    assert_eq!(app.count(entity::staff::Entity).await, staff_before + 1);
    let event = &events(&app, "staff.create").await[0];
    assert_eq!(event.actor, format!("staff:{member_id}"));
}

async fn only_administrators_open_the_staff_and_audit_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin_id = member(&app, "周管理", "admin", "zhouguanli").await;
    member(&app, "吴编辑", "editor", "wubianji").await;
    member(&app, "冯审核", "reviewer", "fengshenhe").await;
    let staff_before = app.count(entity::staff::Entity).await;
    for login in ["wubianji", "fengshenhe"] {
        let other = Console::sign_in(&app, login, PASSWORD).await;
        for path in [
            "/office/staff".to_owned(),
            format!("/office/staff/{admin_id}"),
            "/office/audit".to_owned(),
        ] {
            let refused = other.get(&path).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{login} {path}");
            assert!(refused.body.contains("forbidden"), "{}", refused.body);
        }
        for (path, fields) in [
            (
                "/office/staff".to_owned(),
                vec![
                    ("name", "冒名"),
                    ("login", "maoming"),
                    ("role", "admin"),
                    ("password", PASSWORD),
                ],
            ),
            (
                format!("/office/staff/{admin_id}/disable"),
                vec![("version", "1")],
            ),
            ("/office/audit/verify".to_owned(), vec![]),
            ("/office/reindex".to_owned(), vec![]),
        ] {
            let refused = other.post(&path, &fields).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{login} {path}");
        }
        let home = other.get("/office/").await;
        assert!(
            !home.body.contains("do-reindex"),
            "no rebuild button for {login}"
        );
    }
    assert_eq!(app.count(entity::staff::Entity).await, staff_before);
    let (_, admin) = app.get("/api/v1/office/staff", Some(ADMIN_TOKEN)).await;
    assert!(
        admin
            .as_array()
            .expect("a list")
            .iter()
            .all(|m| m["disabled_at"].is_null())
    );
    let me = Console::sign_in(&app, "zhouguanli", PASSWORD).await;
    for path in ["/office/staff", "/office/audit"] {
        assert_eq!(me.get(path).await.status, StatusCode::OK, "{path}");
    }
}

async fn a_members_role_second_factor_password_and_tokens_change_on_their_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin_id = member(&app, "周管理", "admin", "zhouguanli").await;
    let editor_id = member(&app, "吴编辑", "editor", "wubianji").await;
    let admin = Console::sign_in(&app, "zhouguanli", PASSWORD).await;
    let path = format!("/office/staff/{editor_id}");

    // A stale version is a conflict shown on the page; nothing changes.
    let stale = admin
        .post(
            &format!("{path}/role"),
            &[("version", "7"), ("role", "reviewer")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("version 1, not 7"), "{}", stale.body);
    assert_eq!(listed(&app, "wubianji").await.expect("m")["role"], "editor");

    // The role, at the version read.
    let done = admin
        .post(
            &format!("{path}/role"),
            &[("version", "1"), ("role", "reviewer")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, format!("{path}?done=role"));
    let page = admin.get(&done.location).await;
    assert!(page.body.contains("角色已更改"), "{}", page.body);
    assert!(page.body.contains("审核员"));
    let now = listed(&app, "wubianji").await.expect("m");
    assert_eq!(now["role"], "reviewer");
    assert_eq!(now["version"], 2);
    let bad_role = admin
        .post(
            &format!("{path}/role"),
            &[("version", "2"), ("role", "boss")],
        )
        .await;
    assert_eq!(bad_role.status, StatusCode::BAD_REQUEST);
    assert!(bad_role.body.contains("is not a role"), "{}", bad_role.body);

    // The second factor required.
    let totp = admin
        .post(
            &format!("{path}/totp"),
            &[("version", "2"), ("totp_required", "true")],
        )
        .await;
    assert_eq!(totp.status, StatusCode::SEE_OTHER, "{}", totp.body);
    assert_eq!(
        listed(&app, "wubianji").await.expect("m")["totp_required"],
        true
    );
    let undo = admin
        .post(
            &format!("{path}/totp"),
            &[("version", "3"), ("totp_required", "false")],
        )
        .await;
    assert_eq!(undo.status, StatusCode::SEE_OTHER, "{}", undo.body);

    // A new password: too short first (beside the field), then set; the member signs in with it.
    let short = admin
        .post(
            &format!("{path}/password"),
            &[
                ("version", "4"),
                ("login", "wubianji"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(
        short.body.contains(
            "id=\"err-password\" role=\"alert\">人员信息为空或取值不对（12 to 128 characters）。"
        ),
        "{}",
        short.body
    );
    let new_password = "a new and longer passphrase";
    let set = admin
        .post(
            &format!("{path}/password"),
            &[
                ("version", "4"),
                ("login", "wubianji"),
                ("password", new_password),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    Console::sign_in(&app, "wubianji", new_password).await;

    // Their tokens: listed, and one revoked.
    let (_, tokens) = app
        .get(
            &format!("/api/v1/office/tokens?staff_id={editor_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    let token_id = id_of(&tokens[0]);
    let page = admin.get(&path).await;
    assert!(
        page.body.contains(&format!("revoke-{token_id}")),
        "{}",
        page.body
    );
    let revoked = admin
        .post(&format!("{path}/tokens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    let (_, tokens) = app
        .get(
            &format!("/api/v1/office/tokens?staff_id={editor_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert!(!tokens[0]["revoked_at"].is_null(), "{tokens}");
    assert_eq!(events(&app, "token.revoke").await[0].target_id, token_id);
    // A token of someone else is not found on this member's page.
    let (_, admin_tokens) = app
        .get(
            &format!("/api/v1/office/tokens?staff_id={admin_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    let other = id_of(&admin_tokens[0]);
    let wrong = admin
        .post(&format!("{path}/tokens/{other}/revoke"), &[])
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(
        wrong
            .body
            .contains(&format!("没有找到该令牌（Token `{other}` not found）。")),
        "{}",
        wrong.body
    );

    // An administrator cannot disable themselves: the button says why, the service refuses.
    let own = admin.get(&format!("/office/staff/{admin_id}")).await;
    assert!(
        own.body.contains("不能停用或降级自己的管理员账号"),
        "{}",
        own.body
    );
    let refused = admin
        .post(
            &format!("/office/staff/{admin_id}/disable"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("cannot disable or demote themselves"));
    assert!(listed(&app, "zhouguanli").await.expect("m")["disabled_at"].is_null());
}

async fn ending_a_members_sessions_signs_them_out_everywhere_and_is_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    member(&app, "周管理", "admin", "zhouguanli").await;
    let (status, created) = app
        .post(
            "/api/v1/office/staff",
            Some(ADMIN_TOKEN),
            json!({"name": "吴编辑", "role": "editor", "login": "wubianji", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let editor_id = id_of(&created);
    let token = created["token"].as_str().expect("token").to_owned();
    let office = Console::sign_in(&app, "wubianji", PASSWORD).await;
    let home = Console::sign_in(&app, "wubianji", PASSWORD).await;
    let admin = Console::sign_in(&app, "zhouguanli", PASSWORD).await;
    let page = admin.get(&format!("/office/staff/{editor_id}")).await;
    assert!(page.body.contains("当前会话（2）"), "{}", page.body);

    let ended = admin
        .post(&format!("/office/staff/{editor_id}/sessions"), &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let page = admin.get(&ended.location).await;
    assert!(page.body.contains("已结束该成员的全部会话"));
    assert!(page.body.contains("当前会话（0）"));
    for session in [&office, &home] {
        let next = session.get("/office/entries").await;
        assert_eq!(next.status, StatusCode::SEE_OTHER);
        assert_eq!(next.location, "/office/login");
    }
    let event = &events(&app, "staff.sessions_end").await[0];
    assert_eq!(event.target_id, editor_id);
    assert_eq!(event.after, Some(json!({"sessions_ended": 2})));
    // Their account and API token are untouched: they may sign in again.
    let (status, _) = app.get("/api/v1/office/session", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    Console::sign_in(&app, "wubianji", PASSWORD).await;
    assert_eq!(admin.get("/office/staff").await.status, StatusCode::OK);
}

async fn the_audit_page_filters_by_action_and_day_and_names_a_bad_date(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin_id = member(&app, "周管理", "admin", "zhouguanli").await;
    member(&app, "吴编辑", "editor", "wubianji").await;
    let admin = Console::sign_in(&app, "zhouguanli", PASSWORD).await;

    let created = admin.get("/office/audit?action=staff.create").await;
    assert_eq!(created.status, StatusCode::OK);
    assert!(created.body.contains("共 2 条事件"), "{}", created.body);
    assert!(created.body.contains("name: 吴编辑"), "{}", created.body);
    assert!(!created.body.contains("<code>staff.login</code>"));

    let mine = admin
        .get(&format!("/office/audit?actor=staff:{admin_id}"))
        .await;
    assert!(mine.body.contains("共 1 条事件"), "{}", mine.body);
    assert!(mine.body.contains("<code>staff.login</code>"));

    // The tests' clock is 2026-06-15, 12:00 in Beijing.
    let today = admin
        .get("/office/audit?from=2026-06-15&to=2026-06-15&action=staff.create")
        .await;
    assert!(today.body.contains("共 2 条事件"), "{}", today.body);
    let tomorrow = admin
        .get("/office/audit?from=2026-06-16&action=staff.create")
        .await;
    assert!(tomorrow.body.contains("共 0 条事件"), "{}", tomorrow.body);

    for (query, field, message) in [
        (
            "from=2026-13-01",
            "from",
            "`2026-13-01` is not a date (YYYY-MM-DD)",
        ),
        (
            "from=2026-06-15&to=2026-06-01",
            "to",
            "`2026-06-01` is before `from` (2026-06-15)",
        ),
        (
            "page=abc",
            "page",
            "`abc` is not a page number (1 to 10000)",
        ),
    ] {
        let bad = admin.get(&format!("/office/audit?{query}")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            bad.body.contains(&format!(
                "id=\"err-{field}\" role=\"alert\">查询条件格式不对或超出范围（{message}）。"
            )),
            "{query}: {}",
            bad.body
        );
    }
}

async fn verifying_the_audit_chain_shows_it_intact_then_the_edited_event(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    member(&app, "周管理", "admin", "zhouguanli").await;
    let editor_id = member(&app, "吴编辑", "editor", "wubianji").await;
    let admin = Console::sign_in(&app, "zhouguanli", PASSWORD).await;
    checkpoint(&app).await;

    let intact = admin
        .post("/office/audit/verify?action=staff.create", &[])
        .await;
    assert_eq!(intact.status, StatusCode::OK, "{}", intact.body);
    assert!(intact.body.contains("审计链完整"), "{}", intact.body);
    let events_now = app.count(entity::audit_event::Entity).await;
    assert!(
        intact
            .body
            .contains(&format!("已核验 {events_now} 条事件和 1 个检查点")),
        "{}",
        intact.body
    );
    assert!(intact.body.contains("共 2 条事件"), "the filters stay");

    let created = events(&app, "staff.create")
        .await
        .into_iter()
        .find(|e| e.target_id == editor_id)
        .expect("the creation's event");
    app.sql(&format!(
        "UPDATE audit_events SET actor = 'someone-else' WHERE id = {}",
        created.id
    ))
    .await;
    let broken = admin.post("/office/audit/verify", &[]).await;
    assert_eq!(broken.status, StatusCode::OK);
    assert!(
        broken.body.contains(&format!(
            "审计链已被破坏：第 {} 号事件处，事件内容被改动",
            created.id
        )),
        "{}",
        broken.body
    );
    assert!(broken.body.contains(&format!(
        "edited event at event {}: its content was changed after it was written",
        created.id
    )));
    // Verifying changes nothing: no event is written for it.
    assert_eq!(app.count(entity::audit_event::Entity).await, events_now);
}

db_tests!(
    a_staff_post_without_the_csrf_token_is_refused_and_writes_nothing,
    only_administrators_open_the_staff_and_audit_pages,
    a_members_role_second_factor_password_and_tokens_change_on_their_page,
    ending_a_members_sessions_signs_them_out_everywhere_and_is_audited,
    the_audit_page_filters_by_action_and_day_and_names_a_bad_date,
    verifying_the_audit_chain_shows_it_intact_then_the_edited_event,
);
