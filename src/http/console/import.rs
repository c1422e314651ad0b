//! `/office/import`: upload a CSV or xlsx file for an agency. The same import as `xinyong import`
//! runs in the background; `/office/import/{id}` follows it (the page refreshes itself while the
//! rows are being written, no script needed) and then shows its summary with a download of the
//! rejected rows.
//!
//! An import's state is kept beside its file (`status.json` in the upload's directory), written
//! as it advances, so the page reads the same thing whichever instance serves it and a server
//! that stopped mid-import leaves a state that says so.

use super::{ConsoleError, ConsoleResult, Layout, Staff, render, render_with};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::Editor;
use crate::import::{self, ImportReport};
use crate::services::{Page, agencies};
use crate::state::AppState;
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

/// The largest file the console takes.
pub(super) const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

#[derive(Clone)]
struct AgencyOption {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "office/import.html")]
struct ImportPage {
    layout: Layout,
    agencies: Vec<AgencyOption>,
    error: String,
    job: Option<JobView>,
    file_name: String,
}

/// Where an import is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum JobState {
    /// Rows are being read and written.
    Running,
    /// Every row was handled; the report says how.
    Done,
    /// The import stopped; `error` says why (rows before it are kept).
    Failed,
}

/// An import's state as kept in its `status.json`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct JobStatus {
    state: JobState,
    file_name: String,
    agency: String,
    /// Rows handled so far and rows in the file (0 until the file is read).
    done: usize,
    total: usize,
    report: Option<ImportReport>,
    error: Option<String>,
    started_at: chrono::DateTime<chrono::Utc>,
    /// Written at least every [`HEARTBEAT`] while running.
    updated_at: chrono::DateTime<chrono::Utc>,
}

/// How often a running import writes its state.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_millis(500);

/// A running import whose state has not been written for this long was stopped with its server.
const STALE_AFTER_SECS: i64 = 30;

/// What the page shows of an import.
struct JobView {
    id: String,
    status: JobStatus,
    /// Running with a recent heartbeat: the page refreshes itself.
    running: bool,
    /// Running by its file but not written for [`STALE_AFTER_SECS`]: its server stopped.
    interrupted: bool,
    percent: usize,
    rejected_href: String,
}

impl JobView {
    fn of(id: Uuid, status: JobStatus, now: chrono::DateTime<chrono::Utc>) -> Self {
        let live = (now - status.updated_at).num_seconds() < STALE_AFTER_SECS;
        let running = status.state == JobState::Running && live;
        let interrupted = status.state == JobState::Running && !live;
        let percent = (status.done * 100).checked_div(status.total).unwrap_or(0);
        let rejected_href = match &status.report {
            Some(r) if r.rejected_file.is_some() => {
                format!("/office/import/{}/rejected.csv", id.simple())
            }
            _ => String::new(),
        };
        Self {
            id: id.simple().to_string(),
            status,
            running,
            interrupted,
            percent,
            rejected_href,
        }
    }
}

fn status_path(state: &AppState, id: Uuid) -> std::path::PathBuf {
    upload_dir(state, id).join("status.json")
}

/// Writes `status` whole: to a temporary file, then renamed over the last one, so a reader never
/// sees half of it.
async fn write_status(path: &std::path::Path, status: &JobStatus) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(status).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("json.tmp");
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, path).await
}

/// Runs the import of `stored` and keeps `status.json` up to date until it ends.
async fn run_job(
    state: AppState,
    id: Uuid,
    stored: std::path::PathBuf,
    agency: String,
    mut status: JobStatus,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let path = status_path(&state, id);
    let rejected = upload_dir(&state, id).join("rejected.csv");
    let counts = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let seen = Arc::clone(&counts);
    let import = async {
        import::run(&state, &stored, &agency, &rejected, &move |done, total| {
            seen.0.store(done, Ordering::Relaxed);
            seen.1.store(total, Ordering::Relaxed);
        })
        .await
    };
    tokio::pin!(import);
    let mut beat = tokio::time::interval(HEARTBEAT);
    let outcome = loop {
        tokio::select! {
            outcome = &mut import => break outcome,
            _ = beat.tick() => {
                status.done = counts.0.load(Ordering::Relaxed);
                status.total = counts.1.load(Ordering::Relaxed);
                status.updated_at = chrono::Utc::now();
                if let Err(e) = write_status(&path, &status).await {
                    tracing::warn!(upload.id = %id, error = %e, "import progress not written");
                }
            }
        }
    };
    status.updated_at = chrono::Utc::now();
    match outcome {
        Ok(report) => {
            status.state = JobState::Done;
            status.done = report.rows;
            status.total = report.rows;
            status.report = Some(report);
        }
        Err(import::ImportError::Database { .. }) => {
            status.state = JobState::Failed;
            status.done = counts.0.load(Ordering::Relaxed);
            status.error = Some(
                "导入过程中数据库出错，已停止；此前写入的行已保留，可修正后重新导入整个文件（已导入且未变化的行不会重复）。"
                    .into(),
            );
        }
        Err(e) => {
            status.state = JobState::Failed;
            status.error = Some(crate::wording::shown(
                ErrorCode::InvalidFileCell,
                &e.to_string(),
            ));
        }
    }
    if let Err(e) = write_status(&path, &status).await {
        tracing::error!(upload.id = %id, error = %e, "import result not written");
    }
}

async fn agency_options(state: &AppState) -> Result<Vec<AgencyOption>, ConsoleError> {
    let (items, _) = agencies::list(
        &state.db,
        Page {
            page: 1,
            per_page: 100,
        },
    )
    .await?;
    Ok(items
        .into_iter()
        .map(|a| AgencyOption {
            id: a.id.to_string(),
            name: a.name,
        })
        .collect())
}

/// `GET /office/import`.
pub(super) async fn form(State(state): State<AppState>, staff: Staff<Editor>) -> ConsoleResult {
    render(&ImportPage {
        layout: staff.layout("import"),
        agencies: agency_options(&state).await?,
        error: String::new(),
        job: None,
        file_name: String::new(),
    })
}

/// Where uploads and their rejected rows are kept.
fn upload_dir(state: &AppState, id: Uuid) -> std::path::PathBuf {
    state
        .config
        .data_dir
        .join("imports")
        .join(id.simple().to_string())
}

/// A file name safe to keep: its last component, with only the extension's case kept.
fn safe_name(raw: &str) -> Option<String> {
    let name = raw.rsplit(['/', '\\']).next()?.trim();
    let lower = name.to_ascii_lowercase();
    if name.is_empty() || name.starts_with('.') || name.contains("..") {
        return None;
    }
    (lower.ends_with(".csv") || lower.ends_with(".xlsx")).then(|| name.to_owned())
}

/// `POST /office/import` (multipart: `csrf`, `agency`, `file`): runs the import and shows its
/// summary. The CSRF token is checked before the file is stored.
pub(super) async fn upload(
    State(state): State<AppState>,
    staff: Staff<Editor>,
    req: Request,
) -> ConsoleResult {
    let bad = |m: String| ApiError::new(ErrorCode::InvalidRequestBody, m);
    let mut multipart = Multipart::from_request(req, &state)
        .await
        .map_err(|e| bad(format!("The upload: {e}")))?;
    let (mut csrf, mut agency, mut file) = (None, None, None);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("The upload: {e}")))?
    {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = Some(field.text().await.map_err(|e| bad(e.to_string()))?),
            "agency" => agency = Some(field.text().await.map_err(|e| bad(e.to_string()))?),
            "file" => {
                // Nothing is read before the token is known to be right.
                if !staff.csrf_ok(csrf.as_deref()) {
                    return Err(super::csrf_failed().into());
                }
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                let mut field = field;
                while let Some(chunk) = field.chunk().await.map_err(|e| bad(e.to_string()))? {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > MAX_UPLOAD_BYTES {
                        return Err(ApiError::new(
                            ErrorCode::PayloadTooLarge,
                            format!("A file may have at most {MAX_UPLOAD_BYTES} bytes."),
                        )
                        .into());
                    }
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    if !staff.csrf_ok(csrf.as_deref()) {
        return Err(super::csrf_failed().into());
    }
    let options = agency_options(&state).await?;
    let again = |status: StatusCode, error: String, file_name: String| {
        render_with(
            status,
            &ImportPage {
                layout: staff.layout("import"),
                agencies: options.clone(),
                error,
                job: None,
                file_name,
            },
        )
    };
    let agency = agency.unwrap_or_default();
    if agency.trim().is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择报送单位。".into(),
            String::new(),
        );
    }
    let Some((raw_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择要导入的文件。".into(),
            String::new(),
        );
    };
    let Some(name) = safe_name(&raw_name) else {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "只能导入 .csv 或 .xlsx 文件。".into(),
            raw_name,
        );
    };
    let Some(agency_name) = options
        .iter()
        .find(|a| a.id == agency.trim())
        .map(|a| a.name.clone())
    else {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "所选报送单位不存在，请重新选择。".into(),
            name,
        );
    };
    let id = Uuid::new_v4();
    let dir = upload_dir(&state, id);
    let stored = dir.join(&name);
    let now = chrono::Utc::now();
    let status = JobStatus {
        state: JobState::Running,
        file_name: name.clone(),
        agency: agency_name,
        done: 0,
        total: 0,
        report: None,
        error: None,
        started_at: now,
        updated_at: now,
    };
    let write = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&stored, &bytes).await?;
        write_status(&status_path(&state, id), &status).await
    };
    write
        .await
        .map_err(|e| ApiError::internal(format!("storing an upload: {e}")))?;
    tracing::info!(staff.id = %staff.member.id, upload.id = %id, "import uploaded in the console");
    tokio::spawn(run_job(
        state.clone(),
        id,
        stored,
        agency.trim().to_owned(),
        status,
    ));
    super::see(&format!("/office/import/{}", id.simple()))
}

/// `GET /office/import/{id}`: the import's progress while it runs (the page refreshes itself
/// every second), then its summary and the rejected rows to download.
pub(super) async fn show(
    State(state): State<AppState>,
    staff: Staff<Editor>,
    Path(id): Path<String>,
) -> ConsoleResult {
    let not_found =
        || ConsoleError::Page(ApiError::new(ErrorCode::RouteNotFound, "No such import."));
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let bytes = tokio::fs::read(status_path(&state, id))
        .await
        .map_err(|_| not_found())?;
    let status: JobStatus = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::internal(format!("an import's status.json: {e}")))?;
    let file_name = status.file_name.clone();
    let job = JobView::of(id, status, chrono::Utc::now());
    // While it runs the page refreshes every second and shows no form: nothing to look up.
    let agencies = if job.running {
        Vec::new()
    } else {
        agency_options(&state).await?
    };
    render(&ImportPage {
        layout: staff.layout("import"),
        agencies,
        error: String::new(),
        job: Some(job),
        file_name,
    })
}

/// `GET /office/import/{id}/rejected.csv`: the rejected rows, with their line and reason.
pub(super) async fn rejected(
    State(state): State<AppState>,
    _staff: Staff<Editor>,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let not_found = || {
        ConsoleError::Page(ApiError::new(
            ErrorCode::RouteNotFound,
            "No such rejected-rows file.",
        ))
    };
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let bytes = tokio::fs::read(upload_dir(&state, id).join("rejected.csv"))
        .await
        .map_err(|_| not_found())?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"rejected.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
