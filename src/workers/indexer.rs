//! The indexer: drains the search outbox in batches into the search engine. Each row names a
//! document; the indexer re-reads the current row and upserts the public projection, or deletes
//! the document when the row is gone or no longer public. So replaying a row is harmless, and a
//! batch that fails (engine down) is retried with back-off without losing anything.
//!
//! Several server instances on one PostgreSQL database and one Meilisearch index take turns: a
//! batch runs inside a transaction that first takes the indexer's advisory lock
//! ([`crate::db::Turn::Indexer`]), then claims its rows and reads the current state of what they
//! name. That is what keeps an older document from being written over a newer one. Without the
//! turn, instance A could read entry E, instance B read E after a later change and write it, and
//! A then write its older copy last: Meilisearch replaces a document by id unconditionally, in
//! the order the writes reach it, and would keep A's. With the turn, a batch reads only after
//! the previous batch has handed its writes to the engine (the engine call returns once the
//! write is queued or applied, before the lock is released), so each write carries a state at
//! least as new as every write queued before it, and the engine applies them in that order. A
//! change committed after a batch read its state has an outbox row of its own (written in the
//! same transaction), which a later batch applies.
//!
//! A version number stored in each document and compared before writing would not do it alone:
//! neither engine can write on condition, so the comparison and the write would be two steps
//! that two instances could still interleave; once batches take turns, the re-read gives the
//! same guarantee without it. The cost is that batches do not overlap across instances, which
//! the indexer's throughput (one batch is one engine call per index) makes small.
//!
//! Rows are still claimed with `FOR UPDATE SKIP LOCKED`, so a claim never waits on a row another
//! transaction holds. SQLite has one writer and one server, and takes no turn.

use super::{Shutdown, sleep_or_stop};
use crate::services::projection::{Projector, notice_counts, public_entries_of};
use crate::state::AppState;
use chrono::Duration as ChronoDuration;
use entity::{EntryId, NoticeId, OutboxTarget, SubjectId, list_entry, notice, outbox, subject};
use sea_orm::sea_query::{Expr, ExprTrait as _, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use search::{EntryDoc, NoticeDoc, SubjectDoc};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// Rows per batch.
pub const BATCH: u64 = 500;

/// Why a batch was not applied.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// The search engine failed; the rows stay queued.
    #[error("search engine: {0}")]
    Search(#[from] search::Error),
}

/// Applies one batch; returns the number of outbox rows applied (0: nothing due).
pub async fn run_once(state: &AppState) -> Result<usize, IndexError> {
    let now = state.clock.now();
    let due = outbox::Entity::find()
        .filter(outbox::Column::NotBefore.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(BATCH);
    if crate::db::is_postgres(&state.db) {
        let txn = state.db.begin().await?;
        // Before the claim: this batch reads what the previous one left (module docs).
        crate::db::take_turn(&txn, crate::db::Turn::Indexer).await?;
        let rows = due
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&txn)
            .await?;
        match apply(state, &txn, &rows).await {
            Ok(()) => {
                delete_rows(&txn, &rows).await?;
                txn.commit().await?;
                observe(state, &rows);
                Ok(rows.len())
            }
            Err(e) => {
                txn.rollback().await?;
                postpone(state, &rows, &e).await?;
                Err(e)
            }
        }
    } else {
        let rows = due.all(&state.db).await?;
        match apply(state, &state.db, &rows).await {
            Ok(()) => {
                delete_rows(&state.db, &rows).await?;
                observe(state, &rows);
                Ok(rows.len())
            }
            Err(e) => {
                postpone(state, &rows, &e).await?;
                Err(e)
            }
        }
    }
}

/// Drains everything due (tests and `reindex` use it).
pub async fn drain(state: &AppState) -> Result<usize, IndexError> {
    let mut total = 0;
    loop {
        let n = run_once(state).await?;
        total += n;
        if n == 0 {
            return Ok(total);
        }
    }
}

/// Runs until shutdown: drains as fast as rows come, polls every 100 ms when idle, and backs off
/// while the engine is down.
pub async fn run(state: AppState, mut shutdown: Shutdown) {
    let mut failures = 0u32;
    loop {
        let pause = match run_once(&state).await {
            Ok(n) if n > 0 => {
                failures = 0;
                continue;
            }
            Ok(_) => Duration::from_millis(100),
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(error = %e, search.engine = state.search.kind(), "indexing failed; will retry");
                backoff(failures)
            }
        };
        if sleep_or_stop(&mut shutdown, pause).await {
            return;
        }
    }
}

fn backoff(failures: u32) -> Duration {
    Duration::from_millis(Ord::min(
        250u64.saturating_mul(1 << Ord::min(failures, 8)),
        30_000,
    ))
}

fn observe(state: &AppState, rows: &[outbox::Model]) {
    let now = chrono::Utc::now();
    for row in rows {
        let lag = u64::try_from((now - row.created_at).num_milliseconds()).unwrap_or(0);
        state.metrics.observe_indexed(lag);
    }
}

async fn delete_rows(db: &impl ConnectionTrait, rows: &[outbox::Model]) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    outbox::Entity::delete_many()
        .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(db)
        .await?;
    Ok(())
}

async fn postpone(
    state: &AppState,
    rows: &[outbox::Model],
    error: &IndexError,
) -> Result<(), DbErr> {
    state.metrics.count_index_error();
    let now = state.clock.now();
    let attempts = rows.iter().map(|r| r.attempts).max().unwrap_or(0) + 1;
    let wait = backoff(attempts as u32);
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .col_expr(
            outbox::Column::NotBefore,
            Expr::value(now + ChronoDuration::from_std(wait).unwrap_or_default()),
        )
        .col_expr(outbox::Column::LastError, Expr::value(error.to_string()))
        .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Brings the engine in line with the current rows named by `rows`. An entry row refreshes the
/// entry's subject too (its badges and counts follow its public entries), so a writer that adds
/// or changes entries queues only the entries; a subject row is for a change to the subject
/// alone.
async fn apply(
    state: &AppState,
    db: &impl ConnectionTrait,
    rows: &[outbox::Model],
) -> Result<(), IndexError> {
    let mut ids: HashMap<OutboxTarget, BTreeSet<uuid::Uuid>> = HashMap::new();
    for row in rows {
        ids.entry(row.target).or_default().insert(row.target_id);
    }
    let projector = state.projector();
    let mut subjects: BTreeSet<uuid::Uuid> =
        ids.get(&OutboxTarget::Subject).cloned().unwrap_or_default();
    if let Some(set) = ids.get(&OutboxTarget::Entry) {
        let ids: Vec<EntryId> = set.iter().copied().map(EntryId).collect();
        let (docs, gone, of) = entry_docs_and_subjects(db, &projector, &ids).await?;
        subjects.extend(of.into_iter().map(|id| id.0));
        state.search.upsert(&docs).await?;
        state.search.delete::<EntryDoc>(&gone).await?;
    }
    if !subjects.is_empty() {
        let ids: Vec<SubjectId> = subjects.into_iter().map(SubjectId).collect();
        let (docs, gone) = subject_docs(db, &projector, &ids).await?;
        state.search.upsert(&docs).await?;
        state.search.delete::<SubjectDoc>(&gone).await?;
    }
    if let Some(set) = ids.get(&OutboxTarget::Notice) {
        let ids: Vec<NoticeId> = set.iter().copied().map(NoticeId).collect();
        let (docs, gone) = notice_docs(db, &projector, &ids).await?;
        state.search.upsert(&docs).await?;
        state.search.delete::<NoticeDoc>(&gone).await?;
    }
    Ok(())
}

/// Public documents of the given subjects, and the ids that must not be in the index.
pub async fn subject_docs(
    db: &impl ConnectionTrait,
    projector: &Projector<'_>,
    ids: &[SubjectId],
) -> Result<(Vec<SubjectDoc>, Vec<String>), DbErr> {
    let rows = subject::Entity::find()
        .filter(subject::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let entries = public_entries_of(db, ids, projector.today).await?;
    let notices = notice_counts(db, projector.today).await?;
    let mut docs = Vec::with_capacity(rows.len());
    let mut present = BTreeSet::new();
    for s in &rows {
        let empty = Vec::new();
        let public = entries.get(&s.id).unwrap_or(&empty);
        let count = s
            .uscc
            .as_ref()
            .and_then(|c| notices.get(c))
            .copied()
            .unwrap_or(0);
        if let Some(doc) = projector.subject_doc(s, public, count) {
            present.insert(s.id);
            docs.push(doc);
        }
    }
    let gone = ids
        .iter()
        .filter(|id| !present.contains(id))
        .map(ToString::to_string)
        .collect();
    Ok((docs, gone))
}

/// Public documents of the given entries, and the ids that must not be in the index.
pub async fn entry_docs(
    db: &impl ConnectionTrait,
    projector: &Projector<'_>,
    ids: &[EntryId],
) -> Result<(Vec<EntryDoc>, Vec<String>), DbErr> {
    let (docs, gone, _) = entry_docs_and_subjects(db, projector, ids).await?;
    Ok((docs, gone))
}

/// [`entry_docs`], and the subjects of the entries found (public or not).
async fn entry_docs_and_subjects(
    db: &impl ConnectionTrait,
    projector: &Projector<'_>,
    ids: &[EntryId],
) -> Result<(Vec<EntryDoc>, Vec<String>, BTreeSet<SubjectId>), DbErr> {
    let rows = list_entry::Entity::find()
        .filter(list_entry::Column::Id.is_in(ids.iter().copied()))
        .find_also_related(subject::Entity)
        .all(db)
        .await?;
    let mut docs = Vec::with_capacity(rows.len());
    let mut present = BTreeSet::new();
    let mut subjects = BTreeSet::new();
    for (e, s) in &rows {
        subjects.insert(e.subject_id);
        if let Some(s) = s
            && let Some(doc) = projector.entry_doc(e, s)
        {
            present.insert(e.id);
            docs.push(doc);
        }
    }
    let gone = ids
        .iter()
        .filter(|id| !present.contains(id))
        .map(ToString::to_string)
        .collect();
    Ok((docs, gone, subjects))
}

/// Public documents of the given notices, and the ids that must not be in the index.
pub async fn notice_docs(
    db: &impl ConnectionTrait,
    projector: &Projector<'_>,
    ids: &[NoticeId],
) -> Result<(Vec<NoticeDoc>, Vec<String>), DbErr> {
    let rows = notice::Entity::find()
        .filter(notice::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut docs = Vec::with_capacity(rows.len());
    let mut present = BTreeSet::new();
    for n in &rows {
        if let Some(doc) = projector.notice_doc(n) {
            present.insert(n.id);
            docs.push(doc);
        }
    }
    let gone = ids
        .iter()
        .filter(|id| !present.contains(id))
        .map(ToString::to_string)
        .collect();
    Ok((docs, gone))
}
