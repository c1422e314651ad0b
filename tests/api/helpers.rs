//! The test harness: a real application on port 0 over a fresh database (SQLite file or a new
//! PostgreSQL database), migrated by the real migrations, driven over a real socket.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait, Statement};
use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use xinyong::clock::Clock;
use xinyong::config::Config;
use xinyong::crypto::Secret;
use xinyong::startup::Application;
use xinyong::state::AppState;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    /// SQLite with a Meilisearch server (`MEILI_URL`) as the search engine, in indexes of the
    /// test's own.
    Meili,
}

/// Every log line written by this test process, so tests can assert what never reaches a log.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap_or_else(|p| p.into_inner())).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("trace")
            .with_ansi(false)
            .with_writer(move || SharedWriter(writer.clone()))
            .try_init();
        buffer
    })
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The fixed "today" of the tests: 2026-06-15 12:00 in Beijing.
pub fn test_now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 4, 0, 0)
        .single()
        .expect("valid time")
}

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// A running application.
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub state: AppState,
    pub clock: Clock,
    /// The editor who drafts the fixtures' entries (created on first use), so the admin can
    /// publish them: nobody publishes what they drafted.
    editor: tokio::sync::OnceCell<String>,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Drop the test's database on a runtime of its own: Drop cannot await.
        let (url, name) = (self.admin_url.clone(), self.name.clone());
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

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Spawns with a configuration change (rate limits, masking, …).
    pub async fn spawn_with(backend: Backend, change: impl FnOnce(&mut Config)) -> TestApp {
        log_buffer();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::with_data_dir(dir.path());
        config.bind = "127.0.0.1:0".parse().expect("addr");
        config.admin_token = Some(Secret::new(ADMIN_TOKEN));
        config.hmac_key = Some(Secret::new("11".repeat(32)));
        config.signing_key = Some(Secret::new("33".repeat(32)));
        config.encryption_key = Some(Secret::new("22".repeat(32)));
        config.max_body_bytes = 64 * 1024;
        config.rate_limit_per_minute = 0;
        config.reports_per_minute = 1000;
        let mut pg = None;
        if backend == Backend::Postgres {
            let admin_url =
                std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL for PostgreSQL tests");
            let name = format!("xy_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create database");
            config.database_url = Some(with_database(&admin_url, &name));
            pg = Some(PgDatabase { admin_url, name });
        }
        if backend == Backend::Meili {
            config.meili_url =
                Some(std::env::var("MEILI_URL").expect("MEILI_URL for Meilisearch tests"));
            config.meili_api_key = std::env::var("MEILI_API_KEY").ok().map(Secret::new);
            config.meili_index_prefix =
                format!("t{}_", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        }
        // Tests move the clock by years: tokens outlive them unless a test says otherwise.
        config.token_days = 3650;
        change(&mut config);
        let clock = Clock::fixed(test_now());
        let app = Application::build(config, clock.clone())
            .await
            .expect("application starts");
        let addr = app.local_addr().expect("bound");
        let state = app.state().clone();
        // No background workers: tests drain the outbox themselves, so they decide when.
        tokio::spawn(app.run_without_workers(std::future::pending()));
        TestApp {
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
            state,
            clock,
            editor: tokio::sync::OnceCell::new(),
            _dir: dir,
            _pg: pg,
        }
    }

    /// A second server instance beside this one, as a second machine would run it: the same
    /// configuration (database, search engine and index prefix, keys) and clock, a data
    /// directory and a port of its own, no background workers. The first instance owns the
    /// database: drop the second first.
    pub async fn another_instance(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = (*self.state.config).clone();
        config.data_dir = dir.path().to_owned();
        let app = Application::build(config, self.clock.clone())
            .await
            .expect("the second instance starts");
        let addr = app.local_addr().expect("bound");
        let state = app.state().clone();
        tokio::spawn(app.run_without_workers(std::future::pending()));
        TestApp {
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
            state,
            clock: self.clock.clone(),
            editor: tokio::sync::OnceCell::new(),
            _dir: dir,
            _pg: None,
        }
    }

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
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PATCH, path, token, Some(body))
            .await
    }

    /// A token for a new staff member with `role`, created by the admin over the API.
    pub async fn token(&self, role: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/office/staff",
                Some(ADMIN_TOKEN),
                serde_json::json!({"name": format!("{role} one"), "role": role}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// The id of the staff member a token acts for.
    pub async fn staff_id(&self, token: &str) -> serde_json::Value {
        let (status, me) = self.get("/api/v1/office/session", Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        me["staff"]["id"].clone()
    }

    /// The token of the fixtures' editor (see [`TestApp::draft_entry`]).
    pub async fn editor_token(&self) -> &str {
        self.editor
            .get_or_init(|| async { self.token("editor").await })
            .await
    }

    /// Applies every due outbox row to the search engine, as the indexer worker would.
    pub async fn drain(&self) -> usize {
        xinyong::workers::indexer::drain(&self.state)
            .await
            .expect("indexer drains")
    }

    /// Runs SQL on the app's database.
    pub async fn sql(&self, sql: &str) {
        self.state
            .db
            .execute_unprepared(sql)
            .await
            .expect("sql runs");
    }

    /// Every value of every row of a table, as text, for "this never appears anywhere" checks.
    pub async fn table_text(&self, table: &str) -> String {
        let db = &self.state.db;
        let backend = db.get_database_backend();
        let columns_sql = match backend {
            sea_orm::DbBackend::Postgres => format!(
                "SELECT column_name AS name FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position"
            ),
            _ => format!("SELECT name FROM pragma_table_info('{table}')"),
        };
        let columns: Vec<String> = db
            .query_all_raw(Statement::from_string(backend, columns_sql))
            .await
            .expect("columns")
            .iter()
            .map(|r| r.try_get::<String>("", "name").expect("column name"))
            .collect();
        assert!(!columns.is_empty(), "table {table} has columns");
        let concat = columns
            .iter()
            .map(|c| match backend {
                sea_orm::DbBackend::Postgres => format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"),
                // UUIDs are blobs in SQLite: show them as hex rather than as broken text.
                _ => format!("COALESCE(CASE typeof(\"{c}\") WHEN 'blob' THEN hex(\"{c}\") ELSE CAST(\"{c}\" AS TEXT) END, '')"),
            })
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT {concat} AS line FROM {table}"),
            ))
            .await
            .expect("select");
        rows.iter()
            .map(|r| r.try_get::<String>("", "line").expect("line"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub async fn count<E>(&self, _: E) -> u64
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        E::find().count(&self.state.db).await.expect("count")
    }
}

/// Generates `meili::NAME` tests, on SQLite with a Meilisearch server as the engine, for each
/// async `fn NAME(Backend)` given: the end-to-end tests that must hold on both engines. Skipped
/// (reported as ignored) when `MEILI_URL` was not set at build time.
#[macro_export]
macro_rules! meili_tests {
    ($($name:ident),* $(,)?) => {
        mod meili {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(meili_tests), ignore = "MEILI_URL is not set: Meilisearch variant skipped")]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Meili).await
                }
            )*
        }
    };
}

/// Generates `sqlite::NAME` and `postgres::NAME` tests for each async `fn NAME(Backend)` given.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(pg_tests), ignore = "TEST_DATABASE_URL is not set: PostgreSQL variant skipped")]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}
