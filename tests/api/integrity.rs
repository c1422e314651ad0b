//! A search index that cannot be opened never becomes an empty one: the server starts, is not
//! ready, answers lookups with `search_unavailable`, keeps the broken generation aside, rebuilds
//! from the database in the background and is ready when that is done. These tests stop and
//! start the server over the same data directory and database, so they have their own harness.

use crate::db_tests;
use crate::fixtures::subject;
use crate::helpers::{ADMIN_TOKEN, Backend, captured_logs, test_now};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use xinyong::clock::Clock;
use xinyong::config::Config;
use xinyong::crypto::Secret;
use xinyong::startup::Application;
use xinyong::state::AppState;

/// A data directory and a database that outlive one run of the server.
pub struct Site {
    pub config: Config,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

/// One run of the server over a [`Site`].
pub struct Running {
    pub base: String,
    pub http: reqwest::Client,
    pub state: AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Site {
    /// A fresh data directory and database (a new PostgreSQL database for that backend), with
    /// the settings the other tests use.
    pub async fn new(backend: Backend) -> Site {
        captured_logs();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::with_data_dir(dir.path());
        config.bind = "127.0.0.1:0".parse().expect("addr");
        config.admin_token = Some(Secret::new(ADMIN_TOKEN));
        config.hmac_key = Some(Secret::new("11".repeat(32)));
        config.signing_key = Some(Secret::new("33".repeat(32)));
        config.encryption_key = Some(Secret::new("22".repeat(32)));
        config.rate_limit_per_minute = 0;
        let mut pg = None;
        if backend == Backend::Postgres {
            let admin_url =
                std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL for PostgreSQL tests");
            let name = format!("xy_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&admin_url).await.expect("connect");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .expect("a database URL");
            config.database_url = Some(format!("{base}/{name}"));
            pg = Some((admin_url, name));
        }
        Site {
            config,
            _dir: dir,
            pg,
        }
    }

    /// The embedded index directory of one index.
    pub fn index_dir(&self, index: &str) -> PathBuf {
        self.config.data_dir.join("index").join(index)
    }

    /// Starts the server on the tests' fixed day, with its background workers or without (then
    /// the test runs them).
    pub async fn start(&self, workers: bool) -> Running {
        self.start_at(workers, Clock::fixed(test_now())).await
    }

    /// Starts the server on `clock`.
    pub async fn start_at(&self, workers: bool, clock: Clock) -> Running {
        let app = Application::build(self.config.clone(), clock)
            .await
            .expect("the server starts");
        let base = format!("http://{}", app.local_addr().expect("bound"));
        let state = app.state().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let task = tokio::spawn(async move {
            if workers {
                app.run_until_stopped(shutdown).await
            } else {
                app.run_without_workers(shutdown).await
            }
        });
        Running {
            base,
            http: reqwest::Client::new(),
            state,
            stop,
            task,
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let Some((url, name)) = self.pg.take() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(db) = Database::connect(&url).await {
                    let _ = db
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
            });
        })
        .join();
    }
}

impl Running {
    /// GET as the bootstrap administrator.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, Some(ADMIN_TOKEN), None)
            .await
    }

    /// POST as the bootstrap administrator.
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(ADMIN_TOKEN), Some(body))
            .await
    }

    /// Drafts `entry` as a new editor and publishes it as the administrator (nobody publishes
    /// what they drafted); the published entry.
    pub async fn publish_entry(&self, entry: Value) -> Value {
        let (status, editor) = self
            .post(
                "/api/v1/office/staff",
                serde_json::json!({"name": "editor", "role": "editor"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{editor}");
        let token = editor["token"].as_str().expect("token");
        let (status, draft) = self
            .send(
                reqwest::Method::POST,
                "/api/v1/office/entries",
                Some(token),
                Some(entry),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        let (status, published) = self
            .post(
                &format!(
                    "/api/v1/office/entries/{}/publish",
                    draft["id"].as_str().expect("id")
                ),
                serde_json::json!({"version": draft["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{published}");
        published
    }

    /// Any request, with a bearer token or none.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.expect("body read");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Stops the server and waits until it has let go of the database and the index.
    pub async fn stop(self) {
        let Running {
            http,
            state,
            stop,
            task,
            ..
        } = self;
        drop(http);
        drop(state);
        let _ = stop.send(());
        task.await.expect("server task").expect("server ran");
    }

    /// Polls `/readyz` until it answers 200.
    pub async fn until_ready(&self) {
        let started = Instant::now();
        loop {
            let (status, body) = self.get("/readyz").await;
            if status == StatusCode::OK {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "not ready after a minute: {body}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

const BLACKLISTED: &str = "汉中市天汉建设工程有限公司";

/// Two subjects, one of them with a published black-list entry, indexed.
async fn seed(app: &Running) {
    let (status, company) = app
        .post(
            "/api/v1/office/subjects",
            subject("legal_person", BLACKLISTED, "91610702MA6YL3K09Y"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{company}");
    let (status, other) = app
        .post(
            "/api/v1/office/subjects",
            subject(
                "legal_person",
                "汉中市秦岭商贸有限公司",
                "91610702MA6YL3K17R",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    app.publish_entry(crate::fixtures::black_entry(
        company["id"].as_str().expect("id"),
    ))
    .await;
    xinyong::workers::indexer::drain(&app.state)
        .await
        .expect("indexed");
}

fn lookup_path() -> String {
    let q: String = BLACKLISTED.bytes().map(|b| format!("%{b:02X}")).collect();
    format!("/api/v1/lookup?q={q}")
}

/// The blacklisted company is found, with its black-list entry.
async fn found_blacklisted(app: &Running) {
    let (status, found) = app.get(&lookup_path()).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["display_name"], BLACKLISTED);
    assert_eq!(found["hits"][0]["black_count"], 1, "{found}");
    let (status, black) = app.get("/api/v1/lists/black").await;
    assert_eq!(status, StatusCode::OK, "{black}");
    assert_eq!(black["total"], 1, "{black}");
}

fn corrupt_live_meta(root: &Path) -> String {
    let live = std::fs::read_to_string(root.join("CURRENT")).expect("CURRENT");
    let live = live.trim().to_owned();
    std::fs::write(root.join(&live).join("meta.json"), "{\"segments\": [tru").expect("corrupt");
    live
}

async fn a_corrupted_index_is_kept_aside_and_rebuilt_before_lookups_are_answered(backend: Backend) {
    let site = Site::new(backend).await;
    let app = site.start(false).await;
    seed(&app).await;
    found_blacklisted(&app).await;
    app.stop().await;

    let subjects = site.index_dir("subjects");
    let entries = site.index_dir("entries");
    let broken_subjects = corrupt_live_meta(&subjects);
    let broken_entries = corrupt_live_meta(&entries);
    assert_eq!(broken_subjects, "gen-000001");

    // The server still starts, but is not ready, and says why.
    let app = site.start(false).await;
    let not_ready = json!({
        "code": "search_unavailable",
        "type": "system",
        "message": "Not ready: the search index is being rebuilt from the database: \
                    the index `subjects` cannot be opened; its generation was kept aside as `gen-000001.broken`; \
                    the index `entries` cannot be opened; its generation was kept aside as `gen-000001.broken`.",
        "link": "/api/errors#search_unavailable",
    });
    assert_eq!(
        app.get("/readyz").await,
        (StatusCode::SERVICE_UNAVAILABLE, not_ready)
    );
    // Lookups do not answer "no records": they answer that search is unavailable.
    let unavailable = json!({
        "code": "search_unavailable",
        "type": "system",
        "message": "Search is unavailable right now: the search index is being rebuilt; try again shortly.",
        "link": "/api/errors#search_unavailable",
    });
    for path in [
        lookup_path().as_str(),
        "/api/v1/lists/black",
        "/api/v1/notices",
    ] {
        assert_eq!(
            app.get(path).await,
            (StatusCode::SERVICE_UNAVAILABLE, unavailable.clone()),
            "{path}"
        );
    }
    // The broken generations are kept aside, not deleted.
    assert!(
        subjects
            .join("gen-000001.broken")
            .join("meta.json")
            .exists()
    );
    assert!(entries.join(format!("{broken_entries}.broken")).exists());
    assert!(!subjects.join("gen-000001").exists());
    assert!(captured_logs().contains("cannot open the live index generation; kept it aside"));

    // The recovery worker, as `serve` runs it, rebuilds from the database in the background.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let recovery = tokio::spawn(xinyong::workers::recovery::run(app.state.clone(), stopped));
    app.until_ready().await;
    assert_eq!(
        app.get("/readyz").await,
        (
            StatusCode::OK,
            json!({"status": "ok", "checks": {"database": "ok", "search": "ok", "outbox": "ok"}, "outbox_lag_seconds": 0})
        )
    );
    found_blacklisted(&app).await;
    assert!(
        subjects
            .join("gen-000001.broken")
            .join("meta.json")
            .exists()
    );
    assert_eq!(
        std::fs::read_to_string(subjects.join("CURRENT")).expect("CURRENT"),
        "gen-000002"
    );
    let _ = stop.send(true);
    recovery.await.expect("recovery stops");
    app.stop().await;

    // The rebuilt index opens as any other at the next start.
    let app = site.start(false).await;
    assert_eq!(app.get("/readyz").await.0, StatusCode::OK);
    found_blacklisted(&app).await;
    app.stop().await;
}

async fn the_server_rebuilds_a_lost_or_broken_index_by_itself(backend: Backend) {
    let site = Site::new(backend).await;
    let app = site.start(true).await;
    seed(&app).await;
    app.stop().await;

    // The whole index directory is lost: the database holds records, so an empty index would
    // lie. `serve` rebuilds it and becomes ready.
    std::fs::remove_dir_all(site.config.data_dir.join("index")).expect("remove the index");
    let app = site.start(true).await;
    app.until_ready().await;
    found_blacklisted(&app).await;
    app.stop().await;

    // A corrupted generation, with the workers running.
    corrupt_live_meta(&site.index_dir("subjects"));
    let app = site.start(true).await;
    app.until_ready().await;
    found_blacklisted(&app).await;
    let kept: Vec<String> = std::fs::read_dir(site.index_dir("subjects"))
        .expect("read")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".broken"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    app.stop().await;
}

db_tests!(
    a_corrupted_index_is_kept_aside_and_rebuilt_before_lookups_are_answered,
    the_server_rebuilds_a_lost_or_broken_index_by_itself,
);
