//! `xinyong import FILE --agency ID`: list records from an agency's spreadsheet.
//!
//! The flow: [`read_table`] reads a CSV or xlsx file (the Chinese column headings agencies use)
//! into a [`Table`]; [`Columns::new`] maps its headings to record fields once, refusing the whole
//! file when a required heading is missing or one is unknown; [`Columns::record`] turns each row
//! into the `{subject, entry}` record the partner batch API takes, or says which cell it cannot
//! understand. The records then go through the same checks and intake as a partner batch, with
//! the importing agency as the data source. Rows refused at either step are written by
//! [`write_rejected`] with their line and reason; the agency fixes that file and imports it again.

pub mod file;

pub use file::{Columns, FileError, Row, Table, read_table, write_rejected};

use crate::db::begin_write;
use crate::error::{ApiError, ApiResult};
use crate::services::intake::{self, Outcome, Submission};
use crate::state::AppState;
use entity::agency;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::path::{Path, PathBuf};

/// Rows written per transaction: a failure loses at most the chunk under way, and a re-import
/// finds the committed ones unchanged.
pub const ROWS_PER_CHUNK: usize = 5000;

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    /// New entries.
    pub accepted: usize,
    /// Corrected entries.
    pub updated: usize,
    /// Corrections of published entries waiting for review (the agency is not trusted).
    pub held_for_review: usize,
    /// Rows already imported, identical.
    pub unchanged: usize,
    /// Rows refused (written to `rejected_file`).
    pub rejected: usize,
    /// The file of refused rows, when there were any.
    pub rejected_file: Option<PathBuf>,
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be imported at all.
    #[error(transparent)]
    File(#[from] FileError),
    /// No agency has this id or code.
    #[error("no agency has the id or code `{0}`; register it first (POST /api/v1/office/agencies)")]
    UnknownAgency(String),
    /// The rejected-rows file cannot be written.
    #[error("cannot write the rejected rows to `{path}`: {source}")]
    WriteRejected {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database failed; chunks committed before stay, and a re-import skips them.
    #[error("the database failed after {done} rows: {error}")]
    Database {
        /// Rows committed before the failure.
        done: usize,
        /// The cause.
        error: String,
    },
}

/// Where the rejected rows of `file` go by default: `名单.csv` → `名单.rejected.csv`.
pub fn default_rejected_path(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    file.with_file_name(format!("{stem}.rejected.csv"))
}

/// Imports `file` for the agency with id or code `agency_ref`: every row is checked like a
/// partner batch record and written through the same intake, chunk by chunk; refused rows go to
/// `rejected` with their line and reason. `progress(done, total)` follows the rows.
pub async fn run(
    state: &AppState,
    file: &Path,
    agency_ref: &str,
    rejected: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport, ImportError> {
    let table = read_table(file)?;
    let columns = Columns::new(&table.headings)?;
    let agency = find_agency(state, agency_ref).await?;
    let channel = format!(
        "file:{}",
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let ctx = state.write_ctx(format!("agency:{}", agency.id));
    let mut report = ImportReport {
        rows: table.rows.len(),
        ..ImportReport::default()
    };
    progress(0, report.rows);
    let mut refused: Vec<(Row, String)> = Vec::new();
    let db_failed = |done: usize| {
        move |e: ApiError| ImportError::Database {
            done,
            error: e.message,
        }
    };
    // The rows are checked on a blocking thread, one chunk ahead of the chunk being written:
    // checking is CPU work that the writer's task would otherwise wait for.
    let (chunks, mut checked) = tokio::sync::mpsc::channel(1);
    let checker = {
        let (rows, agency, today) = (table.rows, agency.clone(), ctx.today);
        tokio::task::spawn_blocking(move || check_chunks(rows, &columns, &agency, today, &chunks))
    };
    let mut done = 0;
    while let Some((chunk, records)) = checked.recv().await {
        let txn = begin_write(&state.db)
            .await
            .map_err(|e| db_failed(done)(e.into()))?;
        let verdicts = intake::submit(&txn, &ctx, &agency, &channel, records)
            .await
            .map_err(db_failed(done))?;
        txn.commit().await.map_err(|e| db_failed(done)(e.into()))?;
        done += chunk.len();
        for (row, v) in chunk.into_iter().zip(verdicts) {
            match v.outcome {
                Outcome::Accepted => report.accepted += 1,
                Outcome::Updated => report.updated += 1,
                Outcome::HeldForReview => report.held_for_review += 1,
                Outcome::Unchanged => report.unchanged += 1,
                Outcome::Rejected => {
                    report.rejected += 1;
                    let reason = v
                        .error
                        .map(|e| format!("{}: {}", e.code.as_str(), e.message))
                        .unwrap_or_default();
                    refused.push((row, reason));
                }
            }
        }
        progress(done, report.rows);
    }
    // Every chunk arrived unless the checking thread panicked: that panic is the import's.
    if let Err(e) = checker.await {
        std::panic::resume_unwind(e.into_panic());
    }
    if !refused.is_empty() {
        write_rejected(rejected, &table.headings, &refused).map_err(|source| {
            ImportError::WriteRejected {
                path: rejected.to_owned(),
                source,
            }
        })?;
        report.rejected_file = Some(rejected.to_owned());
    }
    tracing::info!(agency.id = %agency.id, rows = report.rows, accepted = report.accepted,
        updated = report.updated, held_for_review = report.held_for_review, unchanged = report.unchanged, rejected = report.rejected, "file import");
    Ok(report)
}

/// Checks `rows` chunk by chunk ([`Columns::record`], then the partner record checks) and sends
/// each chunk with its records; stops early when the receiver is gone (the import failed).
fn check_chunks(
    rows: Vec<Row>,
    columns: &Columns,
    agency: &agency::Model,
    today: chrono::NaiveDate,
    chunks: &tokio::sync::mpsc::Sender<(Vec<Row>, Vec<ApiResult<Submission>>)>,
) {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Row> = rows.by_ref().take(ROWS_PER_CHUNK).collect();
        let records = chunk
            .iter()
            .map(|row| match columns.record(row) {
                Ok(value) => intake::parse_record(value, agency, today),
                Err(reason) => Err(ApiError::new(
                    crate::error::ErrorCode::InvalidFileCell,
                    reason,
                )),
            })
            .collect();
        if chunks.blocking_send((chunk, records)).is_err() {
            return;
        }
    }
}

async fn find_agency(state: &AppState, agency_ref: &str) -> Result<agency::Model, ImportError> {
    let reference = agency_ref.trim();
    let query = match uuid::Uuid::parse_str(reference) {
        Ok(id) => agency::Entity::find().filter(agency::Column::Id.eq(id)),
        Err(_) => {
            agency::Entity::find().filter(agency::Column::Uscc.eq(reference.to_ascii_uppercase()))
        }
    };
    query
        .one(&state.db)
        .await
        .map_err(|e| ImportError::Database {
            done: 0,
            error: e.to_string(),
        })?
        .ok_or_else(|| ImportError::UnknownAgency(reference.to_owned()))
}
