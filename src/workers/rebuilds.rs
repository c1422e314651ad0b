//! Rebuilding the search index inside the running server: an administrator asks for it (office
//! API, console, or `xinyong reindex --server`), the server rebuilds every index from the database
//! into fresh ones and swaps each in atomically (the `reindex` code), while lookups keep answering
//! from the live indexes. One rebuild at a time per process: the recovery worker's rebuild of a
//! broken index takes the same gate.

use super::reindex::reindex;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use tokio::sync::OwnedMutexGuard;
use utoipa::ToSchema;

/// Where the server's last rebuild is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RebuildState {
    /// None was asked for since the server started.
    #[default]
    Idle,
    /// The indexes are being rebuilt; lookups answer from the live ones meanwhile.
    Running,
    /// The last rebuild finished and was swapped in.
    Done,
    /// The last rebuild stopped; the live indexes were kept as they were.
    Failed,
}

/// The server's last rebuild of the search index.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct RebuildStatus {
    /// Where it is.
    pub state: RebuildState,
    /// Who asked for it (`staff:<id>`, or `recovery` for the rebuild of a broken index).
    pub requested_by: Option<String>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// The index being filled while it runs: `subjects`, `entries` or `notices`.
    pub index: Option<String>,
    /// Rows of that index read so far.
    pub done: u64,
    /// Rows of that index in all.
    pub total: u64,
    /// Documents written, once done.
    pub subjects: Option<u64>,
    /// Entry documents written, once done.
    pub entries: Option<u64>,
    /// Notice documents written, once done.
    pub notices: Option<u64>,
    /// Why it failed.
    pub error: Option<String>,
}

/// The gate and the status of this process's rebuilds.
#[derive(Default)]
pub struct Rebuilds {
    gate: Arc<tokio::sync::Mutex<()>>,
    status: Mutex<RebuildStatus>,
}

impl Rebuilds {
    /// The last rebuild's status.
    pub fn status(&self) -> RebuildStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn update(&self, change: impl FnOnce(&mut RebuildStatus)) {
        if let Ok(mut s) = self.status.lock() {
            change(&mut s);
        }
    }

    /// Waits for any running rebuild, then holds the gate (the recovery worker's rebuild).
    pub async fn exclusive(&self) -> OwnedMutexGuard<()> {
        Arc::clone(&self.gate).lock_owned().await
    }
}

/// Runs one rebuild under `guard`, keeping the status up to date.
async fn run(state: &AppState, requested_by: String, guard: OwnedMutexGuard<()>) {
    // `start` has marked it running.
    let rebuilds = &state.rebuilds;
    let outcome = reindex(state, &|index, done, total| {
        rebuilds.update(|s| {
            s.index = Some(index.to_owned());
            s.done = done;
            s.total = total;
        })
    })
    .await;
    drop(guard);
    rebuilds.update(|s| {
        s.finished_at = Some(Utc::now());
        match outcome {
            Ok(report) => {
                s.state = RebuildState::Done;
                s.index = None;
                s.subjects = Some(report.subjects);
                s.entries = Some(report.entries);
                s.notices = Some(report.notices);
                tracing::info!(
                    requested_by = %requested_by,
                    subjects = report.subjects,
                    entries = report.entries,
                    notices = report.notices,
                    "search index rebuilt in the running server and swapped in"
                );
            }
            Err(e) => {
                s.state = RebuildState::Failed;
                s.error = Some(e.to_string());
                tracing::error!(requested_by = %requested_by, error = %e, "rebuilding the search index failed; the live indexes are kept");
            }
        }
    });
}

/// Starts a rebuild in the background for `requested_by`; refused while one runs.
pub fn start(state: &AppState, requested_by: String) -> Result<RebuildStatus, ApiError> {
    let guard = Arc::clone(&state.rebuilds.gate)
        .try_lock_owned()
        .map_err(|_| {
            ApiError::new(
                ErrorCode::ReindexRunning,
                "A rebuild of the search index is already running; follow it with GET /api/v1/office/reindex.",
            )
        })?;
    // Marked running before the answer, so a status read right after never says idle.
    state.rebuilds.update(|s| {
        *s = RebuildStatus {
            state: RebuildState::Running,
            requested_by: Some(requested_by.clone()),
            started_at: Some(Utc::now()),
            ..RebuildStatus::default()
        }
    });
    let status = state.rebuilds.status();
    let state = state.clone();
    tokio::spawn(async move {
        run(&state, requested_by, guard).await;
    });
    Ok(status)
}
