//! The audit chain is anchored by keyed checkpoints of its head: `audit verify` detects an edited
//! event (as the chain alone does), the newest events deleted (the head no longer reaches the
//! last checkpoint) and the whole chain rewritten consistently (a checkpoint's HMAC no longer
//! matches the recomputed head). Each fault is made with SQL against the test database.

use crate::db_tests;
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use crate::integrity::Site;
use clap::Parser as _;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::json;
use std::time::{Duration, Instant};
use xinyong::services::audit::{self, Break, ChainCheck, Checkpoint, Verdict};

/// `n` audited writes (staff members created by the administrator).
async fn writes(app: &TestApp, n: usize) {
    for i in 0..n {
        let (status, body) = app
            .post(
                "/api/v1/office/staff",
                Some(ADMIN_TOKEN),
                json!({"name": format!("editor {i}"), "role": "editor"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

async fn last_event(app: &TestApp) -> i64 {
    entity::audit_event::Entity::find()
        .order_by_desc(entity::audit_event::Column::Id)
        .one(&app.state.db)
        .await
        .expect("read")
        .map_or(0, |e| e.id)
}

/// A checkpoint by the server's checkpointer, a minute after the previous one.
async fn checkpoint(app: &TestApp) -> Checkpoint {
    app.clock.advance(chrono::Duration::minutes(1));
    xinyong::workers::checkpoint::run_once(&app.state)
        .await
        .expect("checkpoint")
        .expect("the head moved")
}

async fn verdict(app: &TestApp, given: &[Checkpoint]) -> Verdict {
    audit::verify_anchored(&app.state.db, &app.state.keys, given)
        .await
        .expect("verify")
}

fn micros(c: &Checkpoint) -> String {
    c.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

async fn deleting_the_newest_events_is_detected_by_the_last_checkpoint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    writes(&app, 3).await;
    let first = checkpoint(&app).await;
    assert_eq!(first.seq, last_event(&app).await);
    // Nothing moved: the checkpointer writes nothing.
    assert!(
        xinyong::workers::checkpoint::run_once(&app.state)
            .await
            .expect("run")
            .is_none()
    );
    writes(&app, 2).await;
    let second = checkpoint(&app).await;
    writes(&app, 1).await;
    let events = u64::try_from(last_event(&app).await).expect("ids");
    assert_eq!(
        verdict(&app, &[]).await,
        Verdict::Intact {
            events,
            checkpoints: 2,
            unanchored: 1
        }
    );

    // The newest events go, the ones the last checkpoint anchored among them.
    app.sql(&format!(
        "DELETE FROM audit_events WHERE id >= {}",
        second.seq - 1
    ))
    .await;
    // The chain alone cannot tell: what is left links up.
    assert!(matches!(
        audit::verify(&app.state.db).await.expect("verify"),
        ChainCheck::Intact { .. }
    ));
    let ends = second.seq - 2;
    assert_eq!(
        verdict(&app, &[]).await,
        Verdict::Broken {
            id: second.seq,
            what: Break::Truncated,
            reason: format!(
                "the chain ends at event {ends}, but checkpoint 2 (of {}) anchored it up to event {}: the newest events were deleted",
                micros(&second),
                second.seq
            ),
        }
    );

    // Deleting the stored checkpoints too hides it from them, not from a checkpoint kept outside.
    app.sql("DELETE FROM audit_checkpoints").await;
    assert!(matches!(verdict(&app, &[]).await, Verdict::Intact { .. }));
    let exported: Checkpoint =
        serde_json::from_str(&serde_json::to_string(&second).expect("json")).expect("back");
    match verdict(&app, &[first.clone(), exported]).await {
        Verdict::Broken { id, what, reason } => {
            assert_eq!((id, what), (second.seq, Break::Truncated));
            assert!(
                reason.starts_with(&format!(
                    "the chain ends at event {ends}, but given checkpoint 2"
                )),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Changes event 2's actor and recomputes every hash from there on, as someone who can write the
/// database (but holds no key) would, to make the chain consistent again.
async fn rewrite_consistently(app: &TestApp) -> Vec<(i64, String)> {
    let events = entity::audit_event::Entity::find()
        .order_by_asc(entity::audit_event::Column::Id)
        .all(&app.state.db)
        .await
        .expect("read");
    let mut prev = String::new();
    let mut hashes = Vec::new();
    for e in events {
        let actor = if e.id == 2 {
            "staff:intruder".to_owned()
        } else {
            e.actor.clone()
        };
        let hash = audit::event_hash(
            &prev,
            &e.at,
            &actor,
            &e.action,
            &e.target_type,
            &e.target_id,
            e.before.as_ref(),
            e.after.as_ref(),
        );
        app.sql(&format!(
            "UPDATE audit_events SET actor = '{actor}', prev_hash = '{prev}', hash = '{hash}' WHERE id = {}",
            e.id
        ))
        .await;
        hashes.push((e.id, hash.clone()));
        prev = hash;
    }
    hashes
}

async fn a_consistently_rewritten_chain_no_longer_matches_its_checkpoints(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    writes(&app, 3).await;
    let anchored = checkpoint(&app).await;
    writes(&app, 2).await;
    assert!(matches!(
        verdict(&app, &[]).await,
        Verdict::Intact { checkpoints: 1, .. }
    ));

    let hashes = rewrite_consistently(&app).await;
    // Every link and every hash fits again: the chain alone is fooled.
    assert!(matches!(
        audit::verify(&app.state.db).await.expect("verify"),
        ChainCheck::Intact { .. }
    ));
    assert_eq!(
        verdict(&app, &[]).await,
        Verdict::Broken {
            id: anchored.seq,
            what: Break::Rewritten,
            reason: format!(
                "the HMAC of checkpoint 1 (of {}) no longer matches the recomputed head at event {}: the chain was rewritten up to it",
                micros(&anchored),
                anchored.seq
            ),
        }
    );

    // Bringing the checkpoint in line needs the key: without it, its HMAC gives it away.
    let new_head = hashes
        .iter()
        .find(|(id, _)| *id == anchored.seq)
        .map(|(_, h)| h.clone())
        .expect("the anchored event");
    app.sql(&format!(
        "UPDATE audit_checkpoints SET head_hash = '{new_head}'"
    ))
    .await;
    assert_eq!(
        verdict(&app, &[]).await,
        Verdict::Broken {
            id: anchored.seq,
            what: Break::AlteredCheckpoint,
            reason: format!(
                "checkpoint 1 (of {}) does not match its HMAC: the checkpoint was altered or forged",
                micros(&anchored)
            ),
        }
    );
}

async fn an_edited_event_and_a_checkpoint_of_another_key_are_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    writes(&app, 3).await;
    let anchored = checkpoint(&app).await;
    // Checked with another audit key, the checkpoint cannot be vouched for.
    let other = (*app.state.keys).clone().with_audit_key([9; 32]);
    match audit::verify_anchored(&app.state.db, &other, &[])
        .await
        .expect("verify")
    {
        Verdict::Broken { id, what, reason } => {
            assert_eq!((id, what), (anchored.seq, Break::OtherKey));
            assert!(
                reason.contains("was sealed with another audit key"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    // An edited row, as before the checkpoints: named at that row.
    app.sql("UPDATE audit_events SET actor = 'someone-else' WHERE id = 2")
        .await;
    assert_eq!(
        verdict(&app, &[]).await,
        Verdict::Broken {
            id: 2,
            what: Break::EditedEvent,
            reason: "its content was changed after it was written".into(),
        }
    );
}

fn cli(app: &TestApp, command: &[&str]) -> xinyong::config::Cli {
    let config = &app.state.config;
    let url = config.database_url();
    let dir = config.data_dir.display().to_string();
    let hmac = "11".repeat(32);
    let enc = "22".repeat(32);
    let signing = "33".repeat(32);
    let mut args = vec![
        "xinyong",
        "--database-url",
        &url,
        "--data-dir",
        &dir,
        "--hmac-key",
        &hmac,
        "--encryption-key",
        &enc,
        "--signing-key",
        &signing,
    ];
    args.extend_from_slice(command);
    xinyong::config::Cli::parse_from(args)
}

async fn the_commands_checkpoint_export_and_verify(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    writes(&app, 2).await;
    let file = app.state.config.data_dir.join("anchors.jsonl");
    let out = file.display().to_string();
    xinyong::cli::run(cli(&app, &["audit", "checkpoint", "--out", &out]))
        .await
        .expect("checkpoint");
    let exported: Checkpoint = serde_json::from_str(
        std::fs::read_to_string(&file)
            .expect("exported")
            .lines()
            .next()
            .expect("a line"),
    )
    .expect("a checkpoint");
    assert_eq!(exported.seq, last_event(&app).await);
    assert_eq!(exported.key_id, app.state.keys.audit_key_id());
    xinyong::cli::run(cli(&app, &["audit", "verify", "--checkpoints", &out]))
        .await
        .expect("intact");

    // The newest event and every stored checkpoint deleted: only the exported one tells.
    app.sql(&format!(
        "DELETE FROM audit_events WHERE id = {}",
        exported.seq
    ))
    .await;
    app.sql("DELETE FROM audit_checkpoints").await;
    xinyong::cli::run(cli(&app, &["audit", "verify"]))
        .await
        .expect("the database alone looks intact");
    let refused = xinyong::cli::run(cli(&app, &["audit", "verify", "--checkpoints", &out]))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(
        refused,
        format!(
            "configuration: audit trail broken (truncated chain) at event {seq}: the chain ends at event {}, but given checkpoint 1 (of {}) anchored it up to event {seq}: the newest events were deleted",
            exported.seq - 1,
            micros(&exported),
            seq = exported.seq,
        )
    );
}

async fn the_server_checkpoints_the_chain_periodically_and_at_shutdown(backend: Backend) {
    let mut site = Site::new(backend).await;
    site.config.audit_checkpoint_secs = 1;
    let app = site.start(true).await;
    let (status, body) = app
        .post(
            "/api/v1/office/staff",
            json!({"name": "editor one", "role": "editor"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let started = Instant::now();
    loop {
        let n = entity::audit_checkpoint::Entity::find()
            .all(&app.state.db)
            .await
            .expect("read")
            .len();
        if n > 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no checkpoint");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, _) = app
        .post(
            "/api/v1/office/staff",
            json!({"name": "editor two", "role": "editor"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let db = app.state.db.clone();
    let keys = app.state.keys.clone();
    app.stop().await;
    let head = entity::audit_event::Entity::find()
        .order_by_desc(entity::audit_event::Column::Id)
        .one(&db)
        .await
        .expect("read")
        .expect("events");
    let newest = entity::audit_checkpoint::Entity::find()
        .order_by_desc(entity::audit_checkpoint::Column::Id)
        .one(&db)
        .await
        .expect("read")
        .expect("checkpoints");
    assert_eq!(
        (newest.seq, newest.head_hash),
        (head.id, head.hash),
        "the last write is anchored at shutdown"
    );
    assert!(matches!(
        audit::verify_anchored(&db, &keys, &[])
            .await
            .expect("verify"),
        Verdict::Intact { unanchored: 0, .. }
    ));
}

db_tests!(
    deleting_the_newest_events_is_detected_by_the_last_checkpoint,
    a_consistently_rewritten_chain_no_longer_matches_its_checkpoints,
    an_edited_event_and_a_checkpoint_of_another_key_are_named,
    the_commands_checkpoint_export_and_verify,
    the_server_checkpoints_the_chain_periodically_and_at_shutdown,
);
