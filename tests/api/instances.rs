//! Several server instances on one PostgreSQL database and one Meilisearch index: writes through
//! both at once end with the index equal to the database's public projection, and the expiry
//! worker, run by both at the same moment, expires each entry once; a partner key's request rate
//! is one budget whichever instance its requests reach.

use crate::fixtures::{black_entry, id_of};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use entity::{EntryStatus, OutboxTarget, audit_event, list_entry, outbox, subject};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use search::{Document, EntryDoc, Filter, Query, SubjectDoc};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use xinyong::domain::RegionCode;
use xinyong::domain::uscc::Uscc;
use xinyong::workers::indexer;

/// Subjects written at once, each with one entry.
const SUBJECTS: usize = 8;
/// Renames of each subject, alternating between the instances.
const RENAMES: usize = 12;

/// A valid code for the `i`-th company of a test.
fn uscc(i: usize) -> String {
    let region = RegionCode::parse("610702").expect("region");
    Uscc::from_parts('9', '1', &region, &format!("MA6YL{i:03}"))
        .expect("valid parts")
        .as_str()
        .to_owned()
}

/// The black entry of the `n`-th company, with a document number of its own.
fn entry_of(n: usize, subject_id: &str) -> Value {
    let mut entry = black_entry(subject_id);
    entry["document_number"] = json!(format!("(2026)陕07执{}号", 100 + n));
    entry
}

/// The first instance, on PostgreSQL with `meili` as the engine (Meilisearch, in indexes of the
/// test's own) or the embedded engine; and a second one beside it.
async fn two_instances(meili: bool) -> (TestApp, TestApp) {
    let a = TestApp::spawn_with(Backend::Postgres, |config| {
        if meili {
            config.meili_url =
                Some(std::env::var("MEILI_URL").expect("MEILI_URL for Meilisearch tests"));
            config.meili_api_key = std::env::var("MEILI_API_KEY")
                .ok()
                .map(xinyong::crypto::Secret::new);
            config.meili_index_prefix =
                format!("t{}_", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        }
    })
    .await;
    let b = a.another_instance().await;
    (a, b)
}

/// The instance of step `i`: they alternate.
fn pick(apps: &[Arc<TestApp>; 2], i: usize) -> &TestApp {
    &apps[i % 2]
}

async fn ok(app: &TestApp, method: reqwest::Method, path: &str, body: Value) -> Value {
    let (status, body) = app.send(method, path, Some(ADMIN_TOKEN), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// Renames subject `id` `RENAMES` times and then, for odd `n`, withdraws its entry, each step
/// through the other instance than the step before.
async fn write_subject(apps: [Arc<TestApp>; 2], n: usize, id: String, entry: String) {
    let mut version = 1;
    for step in 0..RENAMES {
        let renamed = ok(
            pick(&apps, n + step),
            reqwest::Method::PATCH,
            &format!("/api/v1/office/subjects/{id}"),
            json!({"version": version, "name": format!("汉中市天汉第{n}建设工程有限公司{step}")}),
        )
        .await;
        version = renamed["version"].as_i64().expect("version");
    }
    if n % 2 == 1 {
        let (_, current) = pick(&apps, n)
            .get(
                &format!("/api/v1/office/entries/{entry}"),
                Some(ADMIN_TOKEN),
            )
            .await;
        ok(
            pick(&apps, n + 1),
            reqwest::Method::POST,
            &format!("/api/v1/office/entries/{entry}/withdraw"),
            json!({"version": current["version"], "reason": "原决定已被撤销"}),
        )
        .await;
    }
}

/// The one document of `D` with this id in the index of `app`, if any.
async fn indexed<D: Document>(app: &TestApp, id: &str) -> Option<D> {
    let results = app
        .state
        .search
        .search::<D>(&Query {
            filters: vec![Filter::eq("id", id)],
            ..Query::default()
        })
        .await
        .expect("search");
    assert!(
        results.total <= 1,
        "{id} is indexed {} times",
        results.total
    );
    results.hits.into_iter().next().map(|h| h.doc)
}

/// Every subject and entry document the index holds is the database's projection, and nothing
/// the projection leaves out is indexed; as both instances see it.
async fn assert_index_is_the_projection(apps: [&TestApp; 2]) {
    let state = &apps[0].state;
    let projector = state.projector();
    let subject_ids: Vec<_> = subject::Entity::find()
        .all(&state.db)
        .await
        .expect("subjects")
        .into_iter()
        .map(|s| s.id)
        .collect();
    let entry_ids: Vec<_> = list_entry::Entity::find()
        .all(&state.db)
        .await
        .expect("entries")
        .into_iter()
        .map(|e| e.id)
        .collect();
    let (subjects, gone_subjects) = indexer::subject_docs(&state.db, &projector, &subject_ids)
        .await
        .expect("subject projection");
    let (entries, gone_entries) = indexer::entry_docs(&state.db, &projector, &entry_ids)
        .await
        .expect("entry projection");
    assert_eq!(subjects.len(), SUBJECTS);
    assert_eq!(
        entries.len(),
        SUBJECTS / 2,
        "the odd subjects' entries are withdrawn"
    );
    for app in apps {
        for doc in &subjects {
            assert_eq!(
                indexed::<SubjectDoc>(app, &doc.id).await.as_ref(),
                Some(doc)
            );
        }
        for id in &gone_subjects {
            assert_eq!(indexed::<SubjectDoc>(app, id).await, None, "{id}");
        }
        for doc in &entries {
            assert_eq!(indexed::<EntryDoc>(app, &doc.id).await.as_ref(), Some(doc));
        }
        for id in &gone_entries {
            assert_eq!(indexed::<EntryDoc>(app, id).await, None, "{id}");
        }
        let search = &app.state.search;
        assert_eq!(
            search.count::<SubjectDoc>().await.expect("count"),
            subjects.len() as u64
        );
        assert_eq!(
            search.count::<EntryDoc>().await.expect("count"),
            entries.len() as u64
        );
        // The public lookup answers the same through either instance.
        let (status, found) = app.get("/api/v1/lookup?list=black", None).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert_eq!(found["total"], entries.len(), "{found}");
    }
}

async fn writes_through_two_instances_leave_the_index_equal_to_the_database() {
    let (a, b) = two_instances(true).await;
    let apps = [Arc::new(a), Arc::new(b)];
    let mut written = Vec::new();
    for n in 0..SUBJECTS {
        let id = apps[0]
            .create_subject(
                "legal_person",
                &format!("汉中市天汉第{n}建设工程有限公司"),
                &uscc(n),
            )
            .await;
        // Drafted through one instance, published through the other.
        let draft = pick(&apps, n).draft_entry(entry_of(n, &id)).await;
        pick(&apps, n + 1).publish_entry_draft(&draft).await;
        written.push((id, id_of(&draft)));
    }

    // Both indexers run while the writes go on, as in two servers.
    let stop = Arc::new(AtomicBool::new(false));
    let indexers: Vec<_> = apps
        .iter()
        .map(|app| {
            let state = app.state.clone();
            let stop = Arc::clone(&stop);
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    indexer::run_once(&state).await.expect("a batch");
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    let writers: Vec<_> = written
        .into_iter()
        .enumerate()
        .map(|(n, (id, entry))| tokio::spawn(write_subject(apps.clone(), n, id, entry)))
        .collect();
    for task in writers {
        task.await.expect("writer task");
    }
    stop.store(true, Ordering::Relaxed);
    for task in indexers {
        task.await.expect("indexer task");
    }
    let [a, b] = apps;
    let (da, db) = tokio::join!(indexer::drain(&a.state), indexer::drain(&b.state));
    da.expect("first drains");
    db.expect("second drains");
    assert_eq!(
        outbox::Entity::find()
            .count(&a.state.db)
            .await
            .expect("count"),
        0
    );
    assert_index_is_the_projection([&a, &b]).await;
    // The first instance owns the database: the second goes first.
    drop(b);
}

async fn expiry_run_by_two_instances_at_once_expires_each_entry_once() {
    let (a, b) = two_instances(false).await;
    let mut entries = Vec::new();
    for n in 0..SUBJECTS {
        let id = a
            .create_subject(
                "legal_person",
                &format!("汉中市天汉第{n}建设工程有限公司"),
                &uscc(n),
            )
            .await;
        entries.push(a.publish_entry(entry_of(n, &id)).await);
    }
    let queued = |db: sea_orm::DatabaseConnection| async move {
        outbox::Entity::find()
            .filter(outbox::Column::Target.eq(OutboxTarget::Entry))
            .count(&db)
            .await
            .expect("count")
    };
    let before = queued(a.state.db.clone()).await;
    // The day after the last public day of a black entry decided on 2026-03-10.
    a.clock.set(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2029, 3, 9, 16, 0, 0)
            .single()
            .expect("time"),
    );
    let (ea, eb) = tokio::join!(
        xinyong::workers::expiry::run_once(&a.state),
        xinyong::workers::expiry::run_once(&b.state),
    );
    let (ea, eb) = (ea.expect("first expires"), eb.expect("second expires"));
    assert_eq!(ea + eb, SUBJECTS as u64, "{ea} + {eb}");
    let expired = list_entry::Entity::find()
        .filter(list_entry::Column::Status.eq(EntryStatus::Expired))
        .count(&a.state.db)
        .await
        .expect("count");
    assert_eq!(expired, SUBJECTS as u64);
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("entry.expire"))
        .count(&a.state.db)
        .await
        .expect("count");
    assert_eq!(events, SUBJECTS as u64, "one audit event per entry");
    assert_eq!(
        queued(a.state.db.clone()).await - before,
        SUBJECTS as u64,
        "one outbox row per entry"
    );
    for entry in &entries {
        assert_eq!(
            a.audit_actions(entry).await.last().map(String::as_str),
            Some("entry.expire")
        );
    }
    drop(b);
}

async fn an_indexer_batch_waits_for_the_batch_of_another_instance() {
    let (a, b) = two_instances(false).await;
    let id = a
        .create_subject("legal_person", "汉中市天汉第一建设工程有限公司", &uscc(1))
        .await;
    // The first instance is in the middle of a batch: it holds the indexer's turn.
    let batch = a.state.db.begin().await.expect("begin");
    xinyong::db::take_turn(&batch, xinyong::db::Turn::Indexer)
        .await
        .expect("turn");
    let second = tokio::spawn({
        let state = b.state.clone();
        async move { indexer::run_once(&state).await.expect("a batch") }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !second.is_finished(),
        "the second batch waits for the first"
    );
    assert_eq!(indexed::<SubjectDoc>(&b, &id).await, None);
    batch.commit().await.expect("commit");
    assert_eq!(second.await.expect("batch task"), 1);
    assert_eq!(indexed::<SubjectDoc>(&b, &id).await.map(|d| d.id), Some(id));
    drop(b);
}

async fn a_partner_key_has_one_rate_across_instances() {
    let (a, b) = two_instances(false).await;
    let (status, agency) = a
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "汉中市中级人民法院", "uscc": "11610700016176094D"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{agency}");
    // Four a minute, bursts of one: a request every fifteen seconds.
    let (status, key) = a
        .post(
            &format!("/api/v1/office/agencies/{}/keys", id_of(&agency)),
            Some(ADMIN_TOKEN),
            json!({"name": "a", "scopes": ["screen"], "rate_limit_per_minute": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let key = key["key"].as_str().expect("key").to_owned();
    let (status, body) = a.get("/api/v1/partner/whoami", Some(&key)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The other instance knows the key has spent its burst.
    let (status, body) = b.get("/api/v1/partner/whoami", Some(&key)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(
        body,
        crate::fixtures::error(
            "rate_limited",
            "invalid_request",
            "Too many requests; retry after 15 seconds."
        )
    );
    let (status, body) = a.get("/api/v1/partner/whoami", Some(&key)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    drop(b);
}

async fn a_partner_keys_budget_refills_at_its_rate(backend: Backend) {
    use xinyong::services::key_rates::take;
    let app = TestApp::spawn(backend).await;
    let key = app
        .agency_key(
            "汉中市中级人民法院",
            "11610700016176094D",
            false,
            &["screen"],
        )
        .await;
    let (_, me) = app.get("/api/v1/partner/whoami", Some(&key)).await;
    let id = entity::ApiKeyId(
        me["key_id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("key id"),
    );
    // Four a minute (one every fifteen seconds), bursts of two; later than the request above.
    let t0 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2030, 1, 1, 0, 0, 0)
        .single()
        .expect("time");
    let at = |secs| t0 + chrono::Duration::seconds(secs);
    let db = &app.state.db;
    let mut seen = Vec::new();
    for secs in [0, 0, 0, 10, 15, 15, 45, 45, 45] {
        seen.push(take(db, id, 4, 2, at(secs)).await.expect("taken"));
    }
    assert_eq!(
        seen,
        [
            Ok(()),
            Ok(()),
            Err(15),
            Err(5),
            Ok(()),
            Err(15),
            Ok(()),
            Ok(()),
            Err(15)
        ]
    );
}

crate::db_tests!(a_partner_keys_budget_refills_at_its_rate);

mod postgres_meilisearch {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[cfg_attr(
        not(all(pg_tests, meili_tests)),
        ignore = "TEST_DATABASE_URL and MEILI_URL are both needed: the two-instance test on PostgreSQL and Meilisearch is skipped"
    )]
    async fn writes_through_two_instances_leave_the_index_equal_to_the_database() {
        super::writes_through_two_instances_leave_the_index_equal_to_the_database().await
    }
}

mod two_on_postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[cfg_attr(
        not(pg_tests),
        ignore = "TEST_DATABASE_URL is not set: PostgreSQL variant skipped"
    )]
    async fn expiry_run_by_two_instances_at_once_expires_each_entry_once() {
        super::expiry_run_by_two_instances_at_once_expires_each_entry_once().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[cfg_attr(
        not(pg_tests),
        ignore = "TEST_DATABASE_URL is not set: PostgreSQL variant skipped"
    )]
    async fn an_indexer_batch_waits_for_the_batch_of_another_instance() {
        super::an_indexer_batch_waits_for_the_batch_of_another_instance().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[cfg_attr(
        not(pg_tests),
        ignore = "TEST_DATABASE_URL is not set: PostgreSQL variant skipped"
    )]
    async fn a_partner_key_has_one_rate_across_instances() {
        super::a_partner_key_has_one_rate_across_instances().await
    }
}
