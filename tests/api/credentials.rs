//! Staff accounts, console sessions, staff tokens and partner-key limits: each test replays an
//! attack or a fault and shows it is refused.

use crate::db_tests;
use crate::fixtures::{error, id_of, subject};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";

/// A raw request with optional cookie and extra headers; status, headers and JSON body.
async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = app.http.request(method, format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", format!("xinyong_session={c}"));
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request sent");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body read");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, json)
}

/// A GET with a session cookie; status and body.
async fn get_as(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, Value) {
    let (status, _, body) = call(app, reqwest::Method::GET, path, Some(cookie), &[], None).await;
    (status, body)
}

/// Creates a member with a console login; its id.
async fn member(app: &TestApp, login: &str, role: &str) -> String {
    let (status, body) = app
        .post(
            "/api/v1/office/staff",
            Some(ADMIN_TOKEN),
            json!({"name": login, "role": role, "login": login, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(!body.to_string().contains(PASSWORD));
    id_of(&body)
}

/// Logs in; the status, the session cookie's value and the body.
async fn login(app: &TestApp, body: Value) -> (StatusCode, Option<String>, Value) {
    let (status, headers, body) = call(
        app,
        reqwest::Method::POST,
        "/api/v1/office/session",
        None,
        &[],
        Some(body),
    )
    .await;
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.strip_prefix("xinyong_session="))
        .map(str::to_owned);
    (status, cookie, body)
}

async fn audit_count(app: &TestApp, action: &str) -> usize {
    let (_, body) = app
        .get("/api/v1/office/audit?per_page=100", Some(ADMIN_TOKEN))
        .await;
    body["items"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|e| e["action"] == action).count())
}

async fn a_session_cookie_is_httponly_strict_and_its_posts_need_the_csrf_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    member(&app, "li.editor", "editor").await;
    let (status, headers, body) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/office/session",
        None,
        &[],
        Some(json!({"login": "li.editor", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let set_cookie = headers["set-cookie"].to_str().expect("ascii");
    assert!(set_cookie.contains("; HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("; SameSite=Strict"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    let cookie = set_cookie
        .split(';')
        .next()
        .and_then(|v| v.strip_prefix("xinyong_session="))
        .expect("cookie")
        .to_owned();
    let csrf = body["csrf_token"].as_str().expect("csrf").to_owned();
    assert_eq!(body["credential"], "session");
    // Behind an https proxy the cookie is Secure.
    let (_, headers, _) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/office/session",
        None,
        &[("x-forwarded-proto", "https")],
        Some(json!({"login": "li.editor", "password": PASSWORD})),
    )
    .await;
    assert!(
        headers["set-cookie"]
            .to_str()
            .expect("ascii")
            .contains("; Secure")
    );

    // Reading needs only the cookie.
    let (status, _) = get_as(&app, "/api/v1/office/subjects", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    // A forged cross-site post carries the cookie but not the CSRF token: refused, nothing written.
    let new = subject("legal_person", "某公司", "91610702MA6YL3K09Y");
    for sent in [None, Some("forged")] {
        let headers: Vec<(&str, &str)> = sent.map(|t| ("x-csrf-token", t)).into_iter().collect();
        let (status, _, body) = call(
            &app,
            reqwest::Method::POST,
            "/api/v1/office/subjects",
            Some(&cookie),
            &headers,
            Some(new.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            body,
            error(
                "csrf_failed",
                "auth",
                "Send the session's CSRF token as `X-CSRF-Token`."
            )
        );
    }
    assert_eq!(app.count(entity::subject::Entity).await, 0);
    let (status, _, body) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/office/subjects",
        Some(&cookie),
        &[("x-csrf-token", &csrf)],
        Some(new),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Logout ends the session at once.
    let (status, headers, _) = call(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/office/session",
        Some(&cookie),
        &[("x-csrf-token", &csrf)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        headers["set-cookie"]
            .to_str()
            .expect("ascii")
            .contains("Max-Age=0")
    );
    let (status, body) = get_as(&app, "/api/v1/office/subjects", &cookie).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        error(
            "unauthenticated",
            "auth",
            "The session has ended; log in again."
        )
    );
    assert_eq!(audit_count(&app, "staff.login").await, 2);
    assert_eq!(audit_count(&app, "staff.logout").await, 1);
    // The cookie's token is stored hashed only.
    assert!(!app.table_text("staff_sessions").await.contains(&cookie));
    assert!(!app.table_text("staff_members").await.contains(PASSWORD));
}

async fn repeated_wrong_passwords_lock_the_account_and_every_failure_is_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    member(&app, "wang.reviewer", "reviewer").await;
    let wrong = error(
        "invalid_credentials",
        "auth",
        "The login name, password or code is wrong, or the account is disabled.",
    );
    // An unknown login and a wrong password answer alike.
    let (status, cookie, body) =
        login(&app, json!({"login": "nobody", "password": PASSWORD})).await;
    assert_eq!(
        (status, cookie, body),
        (StatusCode::UNAUTHORIZED, None, wrong.clone())
    );
    for _ in 0..5 {
        let (status, _, body) = login(
            &app,
            json!({"login": "wang.reviewer", "password": "guess-guess-guess"}),
        )
        .await;
        assert_eq!((status, body), (StatusCode::UNAUTHORIZED, wrong.clone()));
    }
    // Locked: even the right password is refused now.
    let (status, cookie, body) = login(
        &app,
        json!({"login": "wang.reviewer", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(cookie, None);
    assert_eq!(
        body,
        error(
            "login_throttled",
            "auth",
            "Too many failed logins for this account; try again later."
        )
    );
    assert_eq!(audit_count(&app, "staff.login_failed").await, 7);
    assert_eq!(audit_count(&app, "staff.locked").await, 1);
    // After the lock the right password works.
    app.clock.advance(Duration::minutes(16));
    let (status, cookie, _) = login(
        &app,
        json!({"login": "wang.reviewer", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(cookie.is_some());
}

async fn logins_are_limited_per_client_whatever_the_account(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.login_rate_per_minute = 3).await;
    for n in 0..3 {
        let (status, _, _) =
            login(&app, json!({"login": format!("user{n}"), "password": "x"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, body) = login(&app, json!({"login": "user9", "password": "x"})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "login_throttled");
}

async fn a_required_second_factor_is_checked_and_each_code_works_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = member(&app, "zhao.admin", "admin").await;
    let (status, totp) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/office/staff/{id}/totp"),
            Some(ADMIN_TOKEN),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{totp}");
    let secret = totp["secret"].as_str().expect("secret").to_owned();
    assert!(
        totp["otpauth_url"]
            .as_str()
            .expect("url")
            .starts_with("otpauth://totp/Xinyong:zhao.admin?secret=")
    );
    assert!(
        !app.table_text("staff_members").await.contains(&secret),
        "the secret is sealed at rest"
    );
    // The password alone no longer opens a session.
    let (status, cookie, body) =
        login(&app, json!({"login": "zhao.admin", "password": PASSWORD})).await;
    assert_eq!((status, cookie), (StatusCode::UNAUTHORIZED, None));
    assert_eq!(
        body,
        error(
            "totp_required",
            "auth",
            "Send the current code of your authenticator app as `totp`."
        )
    );
    let (status, _, body) = login(
        &app,
        json!({"login": "zhao.admin", "password": PASSWORD, "totp": "000000"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_credentials"))
    );
    let code = xinyong::services::sessions::totp_code(&secret, app.clock.now()).expect("code");
    let (status, cookie, body) = login(
        &app,
        json!({"login": "zhao.admin", "password": PASSWORD, "totp": code}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(cookie.is_some());
    // A code seen on the wire cannot be replayed.
    let (status, _, body) = login(
        &app,
        json!({"login": "zhao.admin", "password": PASSWORD, "totp": code}),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_credentials"))
    );
}

async fn sessions_end_after_the_idle_and_the_absolute_timeout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    member(&app, "chen.editor", "editor").await;
    let expired = error(
        "credential_expired",
        "auth",
        "The session has timed out; log in again.",
    );
    let (_, idle, _) = login(&app, json!({"login": "chen.editor", "password": PASSWORD})).await;
    let idle = idle.expect("cookie");
    app.clock.advance(Duration::minutes(31));
    let (status, body) = get_as(&app, "/api/v1/office/session", &idle).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, expired.clone()));
    // Active every 20 minutes, a session still ends 12 hours after login.
    let (_, busy, _) = login(&app, json!({"login": "chen.editor", "password": PASSWORD})).await;
    let busy = busy.expect("cookie");
    for _ in 0..35 {
        app.clock.advance(Duration::minutes(20));
        let (status, _) = get_as(&app, "/api/v1/office/session", &busy).await;
        assert_eq!(status, StatusCode::OK);
    }
    app.clock.advance(Duration::minutes(20));
    let (status, body) = get_as(&app, "/api/v1/office/session", &busy).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, expired));
}

async fn disabling_a_member_ends_their_sessions_and_tokens_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = member(&app, "sun.editor", "editor").await;
    let (_, cookie, _) = login(&app, json!({"login": "sun.editor", "password": PASSWORD})).await;
    let cookie = cookie.expect("cookie");
    let (_, tokens) = app
        .get(
            &format!("/api/v1/office/tokens?staff_id={id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(tokens.as_array().map(Vec::len), Some(1));
    // The admin cannot lock themselves out.
    let (_, me) = app.get("/api/v1/office/session", Some(ADMIN_TOKEN)).await;
    let (status, body) = app
        .patch(
            &format!(
                "/api/v1/office/staff/{}",
                me["staff"]["id"].as_str().expect("id")
            ),
            Some(ADMIN_TOKEN),
            json!({"version": 1, "disabled": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "last_admin",
            "conflict",
            "An administrator cannot disable or demote themselves."
        )
    );

    let (status, body) = app
        .patch(
            &format!("/api/v1/office/staff/{id}"),
            Some(ADMIN_TOKEN),
            json!({"version": 1, "disabled": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["disabled_at"].is_string());
    let (status, _) = get_as(&app, "/api/v1/office/session", &cookie).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, tokens) = app
        .get(
            &format!("/api/v1/office/tokens?staff_id={id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert!(tokens[0]["revoked_at"].is_string(), "{tokens}");
    let (status, _, body) = login(&app, json!({"login": "sun.editor", "password": PASSWORD})).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_credentials"))
    );
    // Enabling again revives nothing: the old session stays ended.
    app.patch(
        &format!("/api/v1/office/staff/{id}"),
        Some(ADMIN_TOKEN),
        json!({"version": 2, "disabled": false}),
    )
    .await;
    let (status, _) = get_as(&app, "/api/v1/office/session", &cookie).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(audit_count(&app, "staff.disable").await, 1);
}

async fn staff_tokens_have_a_name_an_expiry_a_last_use_and_are_revoked_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let editor = app.token("editor").await;
    let (status, short) = app
        .post(
            "/api/v1/office/tokens",
            Some(&editor),
            json!({"name": "报表系统", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{short}");
    let short_token = short["token"].as_str().expect("token").to_owned();
    let (status, _) = app.get("/api/v1/office/subjects", Some(&short_token)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = app.get("/api/v1/office/tokens", Some(&editor)).await;
    let listed = mine.as_array().expect("list");
    assert_eq!(listed.len(), 2);
    let named = |name: &str| {
        listed
            .iter()
            .find(|t| t["name"] == name)
            .expect("listed")
            .clone()
    };
    assert!(named("报表系统")["last_used_at"].is_string());
    assert!(named("报表系统").get("token").is_none());
    // An editor can neither see nor revoke someone else's token.
    let (status, _) = app
        .get(
            "/api/v1/office/tokens?staff_id=00000000-0000-4000-8000-000000000000",
            Some(&editor),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, all) = app.get("/api/v1/office/tokens", Some(ADMIN_TOKEN)).await;
    let bootstrap = all
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["bootstrap"] == true)
        .expect("bootstrap")["id"]
        .clone();
    let (status, body) = app
        .post(
            &format!(
                "/api/v1/office/tokens/{}/revoke",
                bootstrap.as_str().expect("id")
            ),
            Some(&editor),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "token_not_found");
    // The day after, the one-day token has expired.
    app.clock.advance(Duration::days(1));
    let (status, body) = app.get("/api/v1/office/subjects", Some(&short_token)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            error(
                "credential_expired",
                "auth",
                "The token has expired; ask for a new one."
            )
        )
    );
    // Revoking works from the next request on.
    let initial = named("initial");
    let initial = initial["id"].as_str().expect("id");
    let (status, body) = app
        .post(
            &format!("/api/v1/office/tokens/{initial}/revoke"),
            Some(&editor),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app.get("/api/v1/office/subjects", Some(&editor)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!app.table_text("staff_tokens").await.contains(&short_token));
}

async fn changing_the_bootstrap_token_revokes_the_old_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admins = || async {
        let (_, staff) = app
            .get(
                "/api/v1/office/staff",
                Some("rotated-admin-token-9876543210"),
            )
            .await;
        staff
    };
    let before = app.count(entity::staff::Entity).await;
    // What start-up does with a changed XINYONG_ADMIN_TOKEN.
    xinyong::services::staff::ensure_bootstrap_admin(
        &app.state.db,
        &app.state.keys,
        "rotated-admin-token-9876543210",
        app.clock.now(),
    )
    .await
    .expect("rotated");
    let (status, _) = app.get("/api/v1/office/staff", Some(ADMIN_TOKEN)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the previous bootstrap token is revoked"
    );
    let staff = admins().await;
    assert_eq!(
        staff.as_array().map(Vec::len),
        Some(usize::try_from(before).expect("count")),
        "no second admin: {staff}"
    );
    // Starting again with the same token changes nothing.
    xinyong::services::staff::ensure_bootstrap_admin(
        &app.state.db,
        &app.state.keys,
        "rotated-admin-token-9876543210",
        app.clock.now(),
    )
    .await
    .expect("same");
    assert_eq!(app.count(entity::staff_token::Entity).await, 2);
    // And switching back does not revive the revoked token.
    xinyong::services::staff::ensure_bootstrap_admin(
        &app.state.db,
        &app.state.keys,
        ADMIN_TOKEN,
        app.clock.now(),
    )
    .await
    .expect("refused quietly");
    let (status, _) = app.get("/api/v1/office/staff", Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn partner_keys_expire_and_their_daily_quota_is_kept_in_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, agency) = app
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "汉中市市场监督管理局", "uscc": "11610700MB2961796E", "trusted": false}),
        )
        .await;
    let (status, key) = app
        .post(
            &format!("/api/v1/office/agencies/{}/keys", id_of(&agency)),
            Some(ADMIN_TOKEN),
            json!({"name": "核查", "scopes": ["screen"], "daily_quota": 2, "expires_in_days": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    assert_eq!(key["daily_quota"], 2);
    let secret = key["key"].as_str().expect("key").to_owned();
    for _ in 0..2 {
        let (status, _) = app.get("/api/v1/partner/whoami", Some(&secret)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, body) = app.get("/api/v1/partner/whoami", Some(&secret)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        body,
        error(
            "daily_quota_exceeded",
            "invalid_request",
            "This key has used its daily quota; it resets at midnight, Beijing time."
        )
    );
    let (_, keys) = app
        .get(
            &format!("/api/v1/office/agencies/{}/keys", id_of(&agency)),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(keys[0]["quota_used"], 2);
    // A new day (Beijing time) starts a new count.
    app.clock.advance(Duration::days(1));
    let (status, _) = app.get("/api/v1/partner/whoami", Some(&secret)).await;
    assert_eq!(status, StatusCode::OK);
    // After its expiry the key authenticates nobody.
    app.clock.advance(Duration::days(2));
    let (status, body) = app.get("/api/v1/partner/whoami", Some(&secret)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            error(
                "credential_expired",
                "auth",
                "The key has expired; ask the credit office for a new one."
            )
        )
    );
    // A quota or rate of 0 is refused at issue: there is no "unlimited".
    for bad in [
        json!({"daily_quota": 0}),
        json!({"rate_limit_per_minute": 0}),
        json!({"expires_in_days": 0}),
    ] {
        let mut body = json!({"name": "x", "scopes": ["screen"]});
        body.as_object_mut()
            .expect("object")
            .extend(bad.as_object().expect("object").clone());
        let (status, err) = app
            .post(
                &format!("/api/v1/office/agencies/{}/keys", id_of(&agency)),
                Some(ADMIN_TOKEN),
                body,
            )
            .await;
        assert_eq!(
            (status, err["code"].clone()),
            (StatusCode::BAD_REQUEST, json!("invalid_agency_field"))
        );
    }
}

async fn a_key_whose_stored_rate_is_zero_is_refused_not_unlimited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app
        .agency_key("汉中市税务局", "11610700MB2961796E", false, &["screen"])
        .await;
    app.sql("UPDATE api_keys SET rate_limit_per_minute = 0")
        .await;
    for _ in 0..3 {
        let (status, body) = app.get("/api/v1/partner/whoami", Some(&key)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["code"], "rate_limited");
    }
}

db_tests!(
    a_session_cookie_is_httponly_strict_and_its_posts_need_the_csrf_token,
    repeated_wrong_passwords_lock_the_account_and_every_failure_is_audited,
    logins_are_limited_per_client_whatever_the_account,
    a_required_second_factor_is_checked_and_each_code_works_once,
    sessions_end_after_the_idle_and_the_absolute_timeout,
    disabling_a_member_ends_their_sessions_and_tokens_at_once,
    staff_tokens_have_a_name_an_expiry_a_last_use_and_are_revoked_at_once,
    changing_the_bootstrap_token_revokes_the_old_one,
    partner_keys_expire_and_their_daily_quota_is_kept_in_the_database,
    a_key_whose_stored_rate_is_zero_is_refused_not_unlimited,
);
