//! Partner agencies and their API keys.

use crate::db_tests;
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
    let keys_url = format!(
        "/api/v1/office/agencies/{}/keys",
        agency["id"].as_str().expect("id")
    );
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

    let revoke = format!(
        "/api/v1/office/keys/{}/revoke",
        issued["id"].as_str().expect("id")
    );
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
    let keys_url = format!(
        "/api/v1/office/agencies/{}/keys",
        agency["id"].as_str().expect("id")
    );
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

db_tests!(
    keys_are_scoped_shown_once_counted_and_revoked_at_once,
    each_key_has_its_own_rate_limit
);
