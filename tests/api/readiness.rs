//! `/readyz` over HTTP: the database, the search engine's health and the outbox's lag, each
//! named in the 200 body; each failure a 503 with the whole error body.

use crate::db_tests;
use crate::helpers::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

fn ready(lag: u64) -> serde_json::Value {
    json!({
        "status": "ok",
        "checks": {"database": "ok", "search": "ok", "outbox": "ok"},
        "outbox_lag_seconds": lag,
    })
}

/// A change to a subject committed `seconds_ago` and not yet indexed.
async fn waiting_change(app: &TestApp, seconds_ago: i64) {
    xinyong::services::outbox::enqueue(
        &app.state.db,
        entity::OutboxTarget::Subject,
        uuid::Uuid::new_v4(),
        app.state.clock.now() - chrono::Duration::seconds(seconds_ago),
    )
    .await
    .expect("outbox row");
}

async fn an_outbox_older_than_the_limit_is_not_ready_until_drained(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/readyz", None).await, (StatusCode::OK, ready(0)));

    // A change committed 301 seconds ago and not yet indexed (the limit is 300 by default).
    waiting_change(&app, 301).await;
    assert_eq!(
        app.get("/readyz", None).await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "code": "indexing_behind",
                "type": "system",
                "message": "Not ready: the oldest change not yet applied to the search index was committed 301 seconds ago, more than the 300 seconds allowed (XINYONG_READY_MAX_OUTBOX_LAG_SECS); lookups may answer stale data until the indexer catches up.",
                "link": "/api/errors#indexing_behind",
            })
        )
    );

    // Within the limit, a waiting change is ready and its lag is shown.
    waiting_change(&app, 30).await;
    assert_eq!(app.drain().await, 2);
    assert_eq!(app.get("/readyz", None).await, (StatusCode::OK, ready(0)));

    waiting_change(&app, 30).await;
    assert_eq!(app.get("/readyz", None).await, (StatusCode::OK, ready(30)));
}

async fn the_outbox_limit_is_configured(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.ready_max_outbox_lag_secs = 10).await;
    waiting_change(&app, 11).await;
    let (status, body) = app.get("/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "indexing_behind");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("11 seconds ago, more than the 10 seconds allowed")),
        "{body}"
    );
}

async fn a_search_engine_that_does_not_answer_is_not_ready(backend: Backend) {
    // A Meilisearch nobody listens on (port 9 discards; nothing serves HTTP there).
    let app = TestApp::spawn_with(backend, |c| {
        c.meili_url = Some("http://127.0.0.1:9".into());
    })
    .await;
    assert_eq!(
        app.get("/readyz", None).await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "code": "search_unavailable",
                "type": "system",
                "message": "Not ready: the search engine (meilisearch) does not answer its health check.",
                "link": "/api/errors#search_unavailable",
            })
        )
    );
}

async fn an_embedded_index_directory_that_is_gone_is_not_ready(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/readyz", None).await.0, StatusCode::OK);
    let search::Engine::Embedded(engine) = &app.state.search else {
        panic!("the tests' default engine is the embedded one");
    };
    let dir = engine.dir().to_path_buf();
    let aside = dir.with_extension("moved");
    std::fs::rename(&dir, &aside).expect("move the index away");
    assert_eq!(
        app.get("/readyz", None).await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "code": "search_unavailable",
                "type": "system",
                "message": "Not ready: the search engine (embedded) does not answer its health check.",
                "link": "/api/errors#search_unavailable",
            })
        )
    );
    std::fs::rename(&aside, &dir).expect("move the index back");
    assert_eq!(app.get("/readyz", None).await, (StatusCode::OK, ready(0)));
}

db_tests!(
    an_outbox_older_than_the_limit_is_not_ready_until_drained,
    the_outbox_limit_is_configured,
    a_search_engine_that_does_not_answer_is_not_ready,
    an_embedded_index_directory_that_is_gone_is_not_ready,
);

// The same, on a Meilisearch engine.
crate::meili_tests!(an_outbox_older_than_the_limit_is_not_ready_until_drained,);
