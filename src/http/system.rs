//! Health, readiness, the error-code table and the API viewer.

use crate::error::{ApiError, ErrorBody, ErrorCode, ErrorType};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Liveness.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, body = Health)))]
async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

/// The checks `/readyz` made, each `ok` when it passed.
#[derive(Serialize, ToSchema)]
pub struct ReadyChecks {
    /// The database answered a ping.
    pub database: &'static str,
    /// The search engine answered its health call (Meilisearch: `/health`; the embedded
    /// engine: every index opened) and no index is being rebuilt.
    pub search: &'static str,
    /// The oldest change not yet applied to the search index is within
    /// `XINYONG_READY_MAX_OUTBOX_LAG_SECS`.
    pub outbox: &'static str,
}

/// Readiness, naming each check.
#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ok`.
    pub status: &'static str,
    /// Each check and its result.
    pub checks: ReadyChecks,
    /// Seconds since the oldest change not yet applied to the search index was committed
    /// (0 when none is waiting).
    #[schema(minimum = 0)]
    pub outbox_lag_seconds: u64,
}

/// How long the search engine's health call may take before the engine counts as not answering.
const SEARCH_HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// The search engine answers a cheap health call: Meilisearch its `/health`, the embedded engine
/// its directory and every index opened (an index that could not be opened does not serve).
async fn search_health(engine: &search::Engine) -> Result<(), String> {
    let check = async {
        engine.health().await.map_err(|e| e.to_string())?;
        if let search::Engine::Embedded(_) = engine {
            for (index, state) in engine.open_all().await.map_err(|e| e.to_string())? {
                if let search::IndexState::Broken(reason) = state {
                    return Err(format!("the index `{index}` does not serve: {reason}"));
                }
            }
        }
        Ok(())
    };
    match tokio::time::timeout(SEARCH_HEALTH_TIMEOUT, check).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "no answer within {} seconds",
            SEARCH_HEALTH_TIMEOUT.as_secs()
        )),
    }
}

/// The database answers, the search engine answers and may be answered from, and the search
/// index is not far behind the database.
///
/// 503 `database_unavailable` when the database does not answer; 503 `search_unavailable` while
/// the search index is rebuilt from the database (it could not be opened, or was missing), or
/// when the search engine does not answer its health call, with the reason in the message;
/// 503 `indexing_behind` when the oldest change not yet applied to the search index is older
/// than `XINYONG_READY_MAX_OUTBOX_LAG_SECS` (default 300).
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Ready, description = "Every check passed"),
        (status = 503, body = crate::error::ErrorBody,
            description = "A check failed: `database_unavailable`, `search_unavailable` or `indexing_behind`")))]
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if let Err(e) = state.db.ping().await {
        return crate::error::ApiError::from(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::Internal(
            e.to_string(),
        )))
        .into_response();
    }
    if let Some(reason) = state.readiness.search_blocked() {
        return crate::error::ApiError {
            code: ErrorCode::SearchUnavailable,
            message: format!("Not ready: {reason}."),
            cause: None,
            retry_after: Some(5),
        }
        .into_response();
    }
    if let Err(reason) = search_health(&state.search).await {
        return crate::error::ApiError {
            code: ErrorCode::SearchUnavailable,
            message: format!(
                "Not ready: the search engine ({}) does not answer its health check.",
                state.search.kind()
            ),
            cause: Some(reason),
            retry_after: Some(5),
        }
        .into_response();
    }
    let oldest = match crate::services::outbox::oldest_pending(&state.db).await {
        Ok(oldest) => oldest,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let lag = oldest
        .map(|at| (state.clock.now() - at).num_seconds().max(0).unsigned_abs())
        .unwrap_or(0);
    let limit = state.config.ready_max_outbox_lag_secs;
    if lag > limit {
        return crate::error::ApiError {
            code: ErrorCode::IndexingBehind,
            message: format!(
                "Not ready: the oldest change not yet applied to the search index was committed {lag} seconds ago, more than the {limit} seconds allowed (XINYONG_READY_MAX_OUTBOX_LAG_SECS); lookups may answer stale data until the indexer catches up."
            ),
            cause: None,
            retry_after: Some(5),
        }
        .into_response();
    }
    (
        StatusCode::OK,
        axum::Json(Ready {
            status: "ok",
            checks: ReadyChecks {
                database: "ok",
                search: "ok",
                outbox: "ok",
            },
            outbox_lag_seconds: lag,
        }),
    )
        .into_response()
}

/// Marks the requests of the separate metrics listener (`XINYONG_METRICS_ADDR`).
#[derive(Clone, Copy, Debug)]
pub struct MetricsListener;

/// Whether a request may read the metrics. With `XINYONG_METRICS_TOKEN` set, only with that
/// bearer token, wherever it arrives; without it, only on the separate metrics address — so with
/// neither set, nowhere.
fn metrics_allowed(
    state: &AppState,
    separate: bool,
    headers: &axum::http::HeaderMap,
) -> Result<(), ApiError> {
    match &state.config.metrics_token {
        Some(token) => {
            let sent = headers
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .unwrap_or_default();
            if crate::crypto::constant_time_eq(sent, token.expose()) {
                Ok(())
            } else {
                Err(ApiError::new(
                    ErrorCode::Unauthenticated,
                    "Send the metrics token as `Authorization: Bearer <token>`.",
                ))
            }
        }
        None if separate => Ok(()),
        None => Err(ApiError::new(
            ErrorCode::MetricsDisabled,
            "`/metrics` is not served on this address: set XINYONG_METRICS_TOKEN to read it here with that bearer token, or XINYONG_METRICS_ADDR to serve it on an address of its own.",
        )),
    }
}

/// Prometheus metrics: outbox backlog, indexing lag, rate limiting, the calendar's end.
///
/// Not public: with `XINYONG_METRICS_TOKEN` set, it needs that bearer token (401
/// `unauthenticated` without it); otherwise it is served only on the separate address
/// `XINYONG_METRICS_ADDR`, and here answers 403 `metrics_disabled`.
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, content_type = "application/openmetrics-text", body = String),
        (status = 401, body = ErrorBody, description = "The metrics token was not sent"),
        (status = 403, body = ErrorBody, description = "`/metrics` is not served on this address")),
    security(("metrics_token" = [])))]
pub async fn metrics(
    State(state): State<AppState>,
    listener: Option<axum::Extension<MetricsListener>>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    if let Err(err) = metrics_allowed(&state, listener.is_some(), &headers) {
        return err.into_response();
    }
    // A backlog that cannot be counted shows as the largest value, so an alert on it fires.
    let pending = crate::services::outbox::pending(&state.db)
        .await
        .unwrap_or(u64::MAX);
    state
        .metrics
        .set_calendar_covered_days(crate::services::calendar::covered_days(
            &state.calendar.current(),
            state.clock.today(),
        ));
    (
        [(
            axum::http::header::CONTENT_TYPE,
            crate::metrics::CONTENT_TYPE,
        )],
        state.metrics.render(pending),
    )
        .into_response()
}

/// One row of the error-code table.
#[derive(Serialize, ToSchema)]
pub struct ErrorCodeDoc {
    /// The code.
    pub code: &'static str,
    /// Its class.
    #[serde(rename = "type")]
    pub error_type: ErrorType,
    /// HTTP status.
    pub status: u16,
    /// What it means.
    pub description: &'static str,
}

/// Every error code the API answers with.
#[utoipa::path(get, path = "/api/errors", tag = "system", responses((status = 200, body = Vec<ErrorCodeDoc>)))]
async fn errors() -> axum::Json<Vec<ErrorCodeDoc>> {
    axum::Json(
        ErrorCode::ALL
            .iter()
            .map(|c| ErrorCodeDoc {
                code: c.as_str(),
                error_type: c.error_type(),
                status: c.status().as_u16(),
                description: c.description(),
            })
            .collect(),
    )
}

/// A self-contained viewer of the OpenAPI document (no external scripts, so it works offline).
#[utoipa::path(get, path = "/api/docs", tag = "system", responses((status = 200, content_type = "text/html", body = String)))]
async fn docs() -> Html<&'static str> {
    Html(include_str!("api_viewer.html"))
}

/// The public keys of the signatures on reports, search proofs and screening receipts: the key
/// in force (`current`) and the keys it replaced (`retired`), whose documents still verify. A
/// document's `key_id` is the first 16 hex digits of the SHA-256 of its key.
#[utoipa::path(get, path = "/.well-known/xinyong-keys.json", tag = "system",
    responses((status = 200, body = crate::signing::KeysDocument)))]
async fn signing_keys(State(state): State<AppState>) -> axum::response::Response {
    let mut response = axum::Json(state.signer.keys_document()).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signing_keys))
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .routes(routes!(errors))
        .routes(routes!(docs))
}
