//! The running server rebuilds its search index when an administrator asks (office API, or
//! `xinyong reindex --server`), while lookups keep answering from the live index.

use crate::db_tests;
use crate::fixtures::{black_entry, enc, error};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use xinyong::seed;

async fn found(app: &TestApp, q: &str) -> Value {
    let (status, body) = app.get(&format!("/api/v1/lookup?q={}", enc(q)), None).await;
    assert_eq!(status, StatusCode::OK, "{q}: {body}");
    body
}

async fn the_running_server_rebuilds_its_index_while_lookups_keep_answering(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    app.publish_entry(black_entry(&subject_id)).await;
    app.drain().await;
    // Bulk data written without the outbox: in the database, not yet in the index.
    seed::synthetic(&app.state, 3_000, &|_| {})
        .await
        .expect("seeded");
    let bulk: entity::subject::Model = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::subject::Entity::find()
            .filter(entity::subject::Column::Id.ne(subject_id.parse::<uuid::Uuid>().expect("id")))
            .one(&app.state.db)
            .await
            .expect("read")
            .expect("a seeded subject")
    };
    let bulk_code = bulk.uscc.clone().expect("a code");
    assert_eq!(found(&app, &bulk_code).await["total"], 0);

    // Only administrators ask for it.
    let (status, idle) = app.get("/api/v1/office/reindex", Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(idle["state"], "idle", "{idle}");
    let editor = app.editor_token().await.to_owned();
    let (status, body) = app
        .post("/api/v1/office/reindex", Some(&editor), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        error("forbidden", "auth", "The role `editor` may not do this.")
    );

    // One at a time: while another rebuild holds the gate, a request is refused.
    let held = app.state.rebuilds.exclusive().await;
    let (status, body) = app
        .post("/api/v1/office/reindex", Some(ADMIN_TOKEN), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "reindex_running",
            "conflict",
            "A rebuild of the search index is already running; follow it with GET /api/v1/office/reindex."
        )
    );
    drop(held);

    let (status, started) = app
        .post("/api/v1/office/reindex", Some(ADMIN_TOKEN), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    assert_eq!(started["state"], "running");
    let admin = app.staff_id(ADMIN_TOKEN).await;
    assert_eq!(
        started["requested_by"],
        format!("staff:{}", admin.as_str().expect("id"))
    );
    let mut lookups = 0;
    let status = loop {
        // The live index answers all along: the listed company is found with its entry.
        let hit = found(&app, "天汉建设").await;
        assert_eq!(hit["hits"][0]["id"], subject_id.as_str(), "{hit}");
        assert_eq!(hit["hits"][0]["black_count"], 1, "{hit}");
        lookups += 1;
        let (_, status) = app.get("/api/v1/office/reindex", Some(ADMIN_TOKEN)).await;
        if status["state"] != "running" {
            break status;
        }
        assert!(lookups < 2_000, "the rebuild never ended: {status}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(status["state"], "done", "{status}");
    assert_eq!(status["subjects"], 3_001, "{status}");
    assert!(
        status["entries"].as_u64().expect("entries") >= 1,
        "{status}"
    );
    assert!(status["finished_at"].is_string(), "{status}");
    assert_eq!(status["error"], Value::Null);

    // The swapped-in index holds what the database holds.
    let hit = found(&app, &bulk_code).await;
    assert_eq!(hit["total"], 1, "{hit}");
    assert_eq!(hit["hits"][0]["id"], bulk.id.to_string());
    assert_eq!(found(&app, "天汉建设").await["hits"][0]["black_count"], 1);
}

async fn the_reindex_command_asks_the_running_server_and_follows_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    app.publish_entry(black_entry(&subject_id)).await;
    app.drain().await;
    let run = |token: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_xinyong"))
            .args(["reindex", "--server", &app.base, "--token", token])
            .env_remove("XINYONG_TOKEN")
            .output()
            .expect("ran")
    };
    let out = tokio::task::block_in_place(|| run(ADMIN_TOKEN));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("the server is rebuilding the search index"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the server rebuilt 1 subjects, 1 entries, 0 notices and swapped them in"),
        "{stderr}"
    );
    let (_, status) = app.get("/api/v1/office/reindex", Some(ADMIN_TOKEN)).await;
    assert_eq!(status["state"], "done", "{status}");

    // A token that may not: the command says what the server said, and fails.
    let editor = app.editor_token().await.to_owned();
    let out = tokio::task::block_in_place(|| run(&editor));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("the server answered 403: forbidden: The role `editor` may not do this."),
        "{stderr}"
    );
}

/// The embedded engine serves one instance: a second server on the same data directory, or a
/// local `reindex` beside the running one, is refused at start and says what to do instead.
async fn a_second_process_on_the_embedded_index_is_refused_at_start(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let config = (*app.state.config).clone();
    let refused = xinyong::startup::Application::build(
        config.clone(),
        xinyong::clock::Clock::fixed(crate::helpers::test_now()),
    )
    .await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    let expected = format!(
        "configuration: another xinyong process (a running server, or a reindex) holds the embedded search index in {}: the embedded engine serves one instance. Stop that process, ask the running server to rebuild (xinyong reindex --server URL), or run several instances on Meilisearch (MEILI_URL)",
        config.data_dir.display()
    );
    assert_eq!(message, expected);
    let out = tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_xinyong"))
            .arg("--data-dir")
            .arg(&config.data_dir)
            .arg("reindex")
            .env_remove("DATABASE_URL")
            .env_remove("MEILI_URL")
            .output()
            .expect("ran")
    });
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        format!("error: {expected}")
    );
    // The server goes on answering.
    assert_eq!(app.get("/readyz", None).await.0, reqwest::StatusCode::OK);
}

db_tests!(
    the_running_server_rebuilds_its_index_while_lookups_keep_answering,
    the_reindex_command_asks_the_running_server_and_follows_it,
    a_second_process_on_the_embedded_index_is_refused_at_start,
);
