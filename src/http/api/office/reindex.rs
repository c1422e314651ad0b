//! `/api/v1/office/reindex`: the running server rebuilds every search index from the database
//! into fresh ones and swaps each in (admins), while lookups keep answering from the live ones;
//! the same for the embedded engine and Meilisearch.

use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::{Admin, Json, Office};
use crate::state::AppState;
use crate::workers::rebuilds::{self, RebuildStatus};
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The server's last rebuild of the search index: running (with its progress), done (with the
/// documents written) or failed (with why); `idle` when none was asked for since it started.
#[utoipa::path(get, path = "/api/v1/office/reindex", tag = "office", operation_id = "read_reindex",
    responses((status = 200, body = RebuildStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read_reindex(State(state): State<AppState>, _admin: Office<Admin>) -> Json<RebuildStatus> {
    Json(state.rebuilds.status())
}

/// Rebuild every search index from the database in the running server (admins): answers at once
/// with the rebuild running; follow it with `GET /api/v1/office/reindex`. Lookups keep answering
/// from the live indexes until each fresh one is swapped in; changes committed meanwhile are
/// applied again after the swap. 409 `reindex_running` while one runs.
#[utoipa::path(post, path = "/api/v1/office/reindex", tag = "office", operation_id = "start_reindex",
    responses((status = 202, body = RebuildStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn start_reindex(
    State(state): State<AppState>,
    me: Office<Admin>,
) -> ApiResult<(StatusCode, Json<RebuildStatus>)> {
    let status = rebuilds::start(&state, me.actor())?;
    tracing::info!(staff.actor = %me.actor(), "search index rebuild asked for");
    Ok((StatusCode::ACCEPTED, Json(status)))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_reindex, start_reindex))
}
