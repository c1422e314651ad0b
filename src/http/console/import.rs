//! `/office/import`: upload a CSV or xlsx file for an agency; the same import as `xinyong import`
//! runs, and the page shows its summary with a download of the rejected rows.

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
    report: Option<ImportReport>,
    rejected_href: String,
    file_name: String,
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
        report: None,
        rejected_href: String::new(),
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
                report: None,
                rejected_href: String::new(),
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
    let id = Uuid::new_v4();
    let dir = upload_dir(&state, id);
    let stored = dir.join(&name);
    let rejected = dir.join("rejected.csv");
    let write = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&stored, &bytes).await
    };
    write
        .await
        .map_err(|e| ApiError::internal(format!("storing an upload: {e}")))?;
    tracing::info!(staff.id = %staff.member.id, upload.id = %id, "import uploaded in the console");
    match import::run(&state, &stored, &agency, &rejected, &|_, _| {}).await {
        Ok(report) => {
            let rejected_href = if report.rejected_file.is_some() {
                format!("/office/import/{}/rejected.csv", id.simple())
            } else {
                String::new()
            };
            render(&ImportPage {
                layout: staff.layout("import"),
                agencies: options,
                error: String::new(),
                report: Some(report),
                rejected_href,
                file_name: name,
            })
        }
        Err(import::ImportError::Database { .. }) => Err(ApiError::new(
            ErrorCode::DatabaseUnavailable,
            "The database failed during the import; the rows before it are kept.",
        )
        .into()),
        Err(e) => again(StatusCode::UNPROCESSABLE_ENTITY, e.to_string(), name),
    }
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
