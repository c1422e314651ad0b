//! `xinyong reindex`: rebuilds every index from the database into fresh indexes and swaps each in
//! atomically, while the live ones keep serving. Changes committed during the rebuild are applied
//! again afterwards, so none is lost to the swap.
//!
//! With several instances on one PostgreSQL database, a rebuild first takes the rebuild turn
//! ([`crate::db::Turn::Rebuild`]), held for the whole rebuild, so two instances asked at the
//! same time rebuild one after the other instead of filling the same fresh indexes at once; and
//! the changes are applied again in an indexer turn, so that they are read and written in order
//! with the indexer's batches (see [`crate::workers::indexer`]).

use crate::db::Turn;
use crate::services::projection::{notice_counts, public_entries_of};
use crate::state::AppState;
use crate::workers::indexer::{IndexError, entry_docs, notice_docs, subject_docs};
use chrono::{DateTime, Utc};
use entity::{list_entry, notice, subject};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use search::{EntryDoc, NoticeDoc, SubjectDoc};

const CHUNK: u64 = 1000;

/// What a reindex wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReindexReport {
    /// Subject documents.
    pub subjects: u64,
    /// Entry documents.
    pub entries: u64,
    /// Notice documents.
    pub notices: u64,
}

/// Progress callback: (index, rows read so far, rows in all).
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// Rebuilds the three indexes.
pub async fn reindex(
    state: &AppState,
    progress: Progress<'_>,
) -> Result<ReindexReport, IndexError> {
    // Held (on PostgreSQL) until this function returns: the transaction only carries the lock.
    let turn = if crate::db::is_postgres(&state.db) {
        let txn = state.db.begin().await?;
        crate::db::take_turn(&txn, Turn::Rebuild).await?;
        Some(txn)
    } else {
        None
    };
    let started = state.clock.now();
    let db = &state.db;
    let projector = state.projector();
    let today = projector.today;
    let mut report = ReindexReport::default();

    let total = subject::Entity::find().count(db).await?;
    let counts = notice_counts(db, today).await?;
    let mut rebuild = state.search.rebuild::<SubjectDoc>().await?;
    let mut done = 0;
    let mut last = None;
    loop {
        let mut query = subject::Entity::find()
            .order_by_asc(subject::Column::Id)
            .limit(CHUNK);
        if let Some(after) = last {
            query = query.filter(subject::Column::Id.gt(after));
        }
        let rows = query.all(db).await?;
        let Some(tail) = rows.last() else { break };
        last = Some(tail.id);
        let ids: Vec<_> = rows.iter().map(|s| s.id).collect();
        let entries = public_entries_of(db, &ids, today).await?;
        let empty = Vec::new();
        let docs: Vec<SubjectDoc> = rows
            .iter()
            .filter_map(|s| {
                let count = s
                    .uscc
                    .as_ref()
                    .and_then(|c| counts.get(c))
                    .copied()
                    .unwrap_or(0);
                projector.subject_doc(s, entries.get(&s.id).unwrap_or(&empty), count)
            })
            .collect();
        report.subjects += docs.len() as u64;
        rebuild.add(&docs).await?;
        done += rows.len() as u64;
        progress("subjects", done, total);
    }
    rebuild.finish().await?;

    let total = list_entry::Entity::find_public(today).count(db).await?;
    let mut rebuild = state.search.rebuild::<EntryDoc>().await?;
    let mut done = 0;
    let mut last = None;
    loop {
        // Every entry in key order, publicity judged here (see `public_entries_of`): each chunk
        // is a range of the primary key, never a sort of all public entries.
        let mut query = list_entry::Entity::find()
            .order_by_asc(list_entry::Column::Id)
            .limit(CHUNK)
            .find_also_related(subject::Entity);
        if let Some(after) = last {
            query = query.filter(list_entry::Column::Id.gt(after));
        }
        let rows = query.all(db).await?;
        let Some((tail, _)) = rows.last() else { break };
        last = Some(tail.id);
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|(e, _)| e.is_public_on(today))
            .collect();
        let docs: Vec<EntryDoc> = rows
            .iter()
            .filter_map(|(e, s)| s.as_ref().and_then(|s| projector.entry_doc(e, s)))
            .collect();
        report.entries += docs.len() as u64;
        rebuild.add(&docs).await?;
        done += rows.len() as u64;
        progress("entries", done, total);
    }
    rebuild.finish().await?;

    let rows = notice::Entity::find_public(today).all(db).await?;
    let docs: Vec<NoticeDoc> = rows
        .iter()
        .filter_map(|n| projector.notice_doc(n))
        .collect();
    report.notices = docs.len() as u64;
    let mut rebuild = state.search.rebuild::<NoticeDoc>().await?;
    rebuild.add(&docs).await?;
    rebuild.finish().await?;
    progress("notices", docs.len() as u64, docs.len() as u64);

    // Re-apply what changed while the fresh indexes were being filled.
    if crate::db::is_postgres(db) {
        let txn = db.begin().await?;
        crate::db::take_turn(&txn, Turn::Indexer).await?;
        reapply(state, &txn, started).await?;
        txn.commit().await?;
    } else {
        reapply(state, db, started).await?;
    }
    if let Some(turn) = turn {
        turn.commit().await?;
    }
    Ok(report)
}

/// Writes again the documents of everything changed since `started`, read through `db`.
async fn reapply(
    state: &AppState,
    db: &impl ConnectionTrait,
    started: DateTime<Utc>,
) -> Result<(), IndexError> {
    let projector = state.projector();
    let changed_subjects: Vec<_> = subject::Entity::find()
        .filter(subject::Column::UpdatedAt.gte(started))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let changed_entries: Vec<_> = list_entry::Entity::find()
        .filter(list_entry::Column::UpdatedAt.gte(started))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let changed_notices: Vec<_> = notice::Entity::find()
        .filter(notice::Column::UpdatedAt.gte(started))
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    let (docs, gone) = subject_docs(db, &projector, &changed_subjects).await?;
    state.search.upsert(&docs).await?;
    state.search.delete::<SubjectDoc>(&gone).await?;
    let (docs, gone) = entry_docs(db, &projector, &changed_entries).await?;
    state.search.upsert(&docs).await?;
    state.search.delete::<EntryDoc>(&gone).await?;
    let (docs, gone) = notice_docs(db, &projector, &changed_notices).await?;
    state.search.upsert(&docs).await?;
    state.search.delete::<NoticeDoc>(&gone).await?;
    Ok(())
}
