//! Recovery of the search index: an index that cannot be opened never becomes an empty one. At
//! start-up [`check_at_start`] opens every index; if one is broken (kept aside by the engine), or
//! was created empty beside a database that holds records, lookups are blocked
//! ([`crate::readiness`]) and [`run`] rebuilds every index from the database in the background
//! (the `reindex` code), retrying with back-off, then unblocks them. While it runs, it keeps
//! watching: an index found broken later (opened late because another process held it) is
//! rebuilt the same way.

use super::reindex::{ReindexReport, reindex};
use super::{Shutdown, sleep_or_stop};
use crate::state::AppState;
use crate::workers::indexer::IndexError;
use entity::{notice, subject};
use sea_orm::{EntityTrait, PaginatorTrait};
use search::IndexState;
use std::time::Duration;

/// How often the indexes are looked at again once they serve.
const WATCH_EVERY: Duration = Duration::from_secs(10);

/// Opens every index and blocks lookups if one is broken, or, when `at_start`, if one was created
/// empty while the database holds records. Returns whether a rebuild is needed. Fails when the
/// engine cannot open an index at all (another process holds it) or the database fails.
pub async fn inspect(state: &AppState, at_start: bool) -> Result<bool, IndexError> {
    let states = state.search.open_all().await?;
    let broken: Vec<String> = states
        .iter()
        .filter_map(|(_, s)| match s {
            IndexState::Broken(reason) => Some(reason.clone()),
            _ => None,
        })
        .collect();
    let reason = if !broken.is_empty() {
        Some(format!(
            "the search index is being rebuilt from the database: {}",
            broken.join("; ")
        ))
    } else if at_start
        && states.iter().any(|(_, s)| *s == IndexState::Created)
        && holds_records(state).await?
    {
        Some("the search index is being rebuilt from the database: it was missing and has been created empty, while the database holds records".to_owned())
    } else {
        None
    };
    match reason {
        Some(reason) => {
            tracing::error!(
                search.engine = state.search.kind(),
                reason = %reason,
                "not ready: lookups answer 503 until the search index is rebuilt in the background"
            );
            state.readiness.block_search(reason);
            Ok(true)
        }
        None => Ok(false),
    }
}

async fn holds_records(state: &AppState) -> Result<bool, sea_orm::DbErr> {
    Ok(subject::Entity::find().count(&state.db).await? > 0
        || notice::Entity::find().count(&state.db).await? > 0)
}

/// The start-up check of [`crate::startup::Application::build`]: an engine that cannot open an
/// index yet (held by another process) is only logged; [`run`] looks again.
pub async fn check_at_start(state: &AppState) -> Result<(), sea_orm::DbErr> {
    match inspect(state, true).await {
        Ok(_) => Ok(()),
        Err(IndexError::Db(e)) => Err(e),
        Err(IndexError::Search(e)) => {
            tracing::warn!(error = %e, search.engine = state.search.kind(), "cannot open the search index yet; will look again");
            Ok(())
        }
    }
}

/// Rebuilds every index from the database and, when done, lets lookups through again.
pub async fn rebuild(state: &AppState) -> Result<ReindexReport, IndexError> {
    // Not beside a rebuild an administrator asked for: one at a time.
    let _gate = state.rebuilds.exclusive().await;
    let report = reindex(state, &|_, _, _| {}).await?;
    state.readiness.unblock_search();
    tracing::info!(
        subjects = report.subjects,
        entries = report.entries,
        notices = report.notices,
        "search index rebuilt from the database: ready"
    );
    Ok(report)
}

/// Runs until shutdown: rebuilds while lookups are blocked (retrying with back-off), then looks
/// at the indexes again every few seconds.
pub async fn run(state: AppState, mut shutdown: Shutdown) {
    let mut failures = 0u32;
    loop {
        let pause = if state.readiness.search_ready() {
            failures = 0;
            WATCH_EVERY
        } else {
            match rebuild(&state).await {
                Ok(_) => {
                    failures = 0;
                    WATCH_EVERY
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(error = %e, search.engine = state.search.kind(), "rebuilding the search index failed; will retry");
                    Duration::from_secs(Ord::min(1u64 << Ord::min(failures, 6), 60))
                }
            }
        };
        if sleep_or_stop(&mut shutdown, pause).await {
            return;
        }
        if state.readiness.search_ready()
            && let Err(e) = inspect(&state, false).await
        {
            tracing::debug!(error = %e, "cannot look at the search index; will look again");
        }
    }
}
