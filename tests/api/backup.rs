//! `xinyong backup` / `restore` in the embedded mode: a snapshot taken while writes go on
//! restores with an audit chain that verifies and a search index rebuilt to equal the database;
//! other keys, a damaged snapshot or a data directory in use are refused.

use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use xinyong::config::Config;
use xinyong::crypto::Secret;

fn code(n: u32) -> String {
    let region = xinyong::domain::RegionCode::parse("610702").expect("region");
    let body = format!("{n:08}").replace('0', "Q");
    xinyong::domain::Uscc::from_parts('9', '1', &region, &body)
        .expect("code")
        .as_str()
        .to_owned()
}

fn restore_config(dir: &std::path::Path, hmac: &str) -> Config {
    let mut config = Config::with_data_dir(dir);
    config.hmac_key = Some(Secret::new(hmac.repeat(32)));
    config.encryption_key = Some(Secret::new("22".repeat(32)));
    config.signing_key = Some(Secret::new("33".repeat(32)));
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_writes_go_on_restores_verified_with_a_rebuilt_index() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Writes go on while the backup is taken.
    let writer = {
        let (http, base) = (app.http.clone(), app.base.clone());
        tokio::spawn(async move {
            for n in 1..=40u32 {
                let resp = http
                    .post(format!("{base}/api/v1/office/subjects"))
                    .bearer_auth(ADMIN_TOKEN)
                    .json(&json!({"kind": "legal_person", "name": format!("汉中市备份测试第{n}有限公司"), "uscc": code(n)}))
                    .send()
                    .await
                    .expect("sent");
                assert_eq!(resp.status(), StatusCode::CREATED);
            }
        })
    };
    while app.count(entity::subject::Entity).await < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let backups = tempfile::tempdir().expect("dir");
    let out = backups.path().join("b1");
    let manifest = xinyong::backup::backup(&app.state.db, &app.state.config, app.clock.now(), &out)
        .await
        .expect("backup");
    writer.await.expect("writer");
    assert!(manifest.subjects >= 10, "{manifest:?}");
    assert!(manifest.audit_events >= manifest.subjects, "{manifest:?}");
    assert_eq!(
        manifest.keys,
        xinyong::backup::fingerprints(&app.state.config).expect("keys")
    );
    // A second backup into the same directory is refused.
    let again =
        xinyong::backup::backup(&app.state.db, &app.state.config, app.clock.now(), &out).await;
    assert!(
        again
            .err()
            .is_some_and(|e| e.to_string().contains("already holds a backup"))
    );

    // Other keys: refused before anything is written.
    let wrong = tempfile::tempdir().expect("dir");
    let refused = xinyong::backup::restore(restore_config(wrong.path(), "44"), &out).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.starts_with(
            "configuration: XINYONG_HMAC_KEY is not the key this backup was made with"
        ),
        "{message}"
    );
    assert!(!wrong.path().join("xinyong.db").exists());

    // The backup's keys: restored, migrated, index rebuilt, audit chain verified.
    let target = tempfile::tempdir().expect("dir");
    let restored = xinyong::backup::restore(restore_config(target.path(), "11"), &out)
        .await
        .expect("restore");
    assert_eq!(restored.indexed.0, manifest.subjects);
    assert_eq!(restored.audit_events, manifest.audit_events);
    // The rebuilt index equals the database: every restored subject is found by its code, and
    // none that the snapshot did not hold.
    let state = xinyong::startup::build_state(
        restore_config(target.path(), "11"),
        xinyong::clock::Clock::fixed(crate::helpers::test_now()),
    )
    .await
    .expect("state");
    let subjects = entity::subject::Entity::find()
        .all(&state.db)
        .await
        .expect("subjects");
    assert_eq!(subjects.len() as u64, manifest.subjects);
    assert_eq!(
        state
            .search
            .count::<search::SubjectDoc>()
            .await
            .expect("count"),
        manifest.subjects
    );
    let page = xinyong::services::public::PublicPage {
        page: 1,
        per_page: 10,
    };
    for n in 1..=40u32 {
        let criteria = xinyong::services::public::LookupCriteria {
            q: code(n),
            ..Default::default()
        };
        let found = xinyong::services::public::lookup(&state, &criteria, page)
            .await
            .expect("lookup");
        let held = subjects
            .iter()
            .any(|s| s.uscc.as_deref() == Some(code(n).as_str()));
        assert_eq!(found.total, u64::from(held), "subject {n}");
    }
    // Into a data directory that holds a database: refused.
    let refused = xinyong::backup::restore(restore_config(target.path(), "11"), &out).await;
    assert!(refused.err().is_some_and(|e| {
        e.to_string()
            .contains("restore into an empty data directory")
    }));

    // A damaged snapshot is refused.
    let damaged = backups.path().join("b1").join("xinyong.db");
    let mut bytes = std::fs::read(&damaged).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&damaged, bytes).expect("write");
    let empty = tempfile::tempdir().expect("dir");
    let refused = xinyong::backup::restore(restore_config(empty.path(), "11"), &out).await;
    assert!(
        refused
            .err()
            .is_some_and(|e| e.to_string().contains("the backup is damaged"))
    );
    assert_eq!(
        entity::audit_event::Entity::find()
            .count(&state.db)
            .await
            .expect("events"),
        manifest.audit_events
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_is_for_the_embedded_mode() {
    let mut config = Config::with_data_dir(std::env::temp_dir());
    config.database_url = Some("postgres://nobody@127.0.0.1:1/none".into());
    let db = sea_orm::Database::connect("sqlite::memory:")
        .await
        .expect("db");
    let refused =
        xinyong::backup::backup(&db, &config, chrono::Utc::now(), &std::env::temp_dir()).await;
    assert_eq!(
        refused.err().map(|e| e.to_string()).unwrap_or_default(),
        "configuration: `xinyong backup` is for the embedded mode (SQLite); with PostgreSQL, use pg_dump and pg_restore"
    );
}
