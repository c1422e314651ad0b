//! `xinyong reindex`: rebuilds every index from the database into fresh indexes and swaps each in
//! atomically, while the live ones keep serving. Changes committed during the rebuild are applied
//! again afterwards, so none is lost to the swap.

use crate::services::projection::{notice_counts, public_entries_of};
use crate::state::AppState;
use crate::workers::indexer::{IndexError, entry_docs, notice_docs, subject_docs};
use entity::{list_entry, notice, subject};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
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
        let mut query = list_entry::Entity::find_public(today)
            .order_by_asc(list_entry::Column::Id)
            .limit(CHUNK)
            .find_also_related(subject::Entity);
        if let Some(after) = last {
            query = query.filter(list_entry::Column::Id.gt(after));
        }
        let rows = query.all(db).await?;
        let Some((tail, _)) = rows.last() else { break };
        last = Some(tail.id);
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
    Ok(report)
}
