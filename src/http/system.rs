//! Health, readiness, the error-code table and the API viewer.

use crate::error::{ErrorCode, ErrorType};
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

/// The database answers and the search index may be answered from.
///
/// 503 `database_unavailable` when the database does not answer; 503 `search_unavailable` while
/// the search index is rebuilt from the database (it could not be opened, or was missing), with
/// the reason in the message.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
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
    (StatusCode::OK, axum::Json(Health { status: "ok" })).into_response()
}

/// Prometheus metrics: outbox backlog, indexing lag, rate limiting, the calendar's end.
#[utoipa::path(get, path = "/metrics", tag = "system", responses((status = 200, content_type = "application/openmetrics-text", body = String)))]
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
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

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .routes(routes!(errors))
        .routes(routes!(docs))
}
