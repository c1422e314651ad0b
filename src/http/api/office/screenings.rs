//! `/api/v1/office/screenings`: the log of every partner screening (admins and reviewers).

use crate::error::ApiResult;
use crate::http::api::Paginated;
use crate::http::extract::{Json, Listing, Office, Reviewer};
use crate::input::paging::PageParams;
use crate::input::screening::ScreeningLogParams;
use crate::services::{Page, screening};
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// One logged screening.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningLogOut {
    /// Id, as returned to the caller.
    pub id: Uuid,
    /// Who.
    pub agency_id: Uuid,
    /// With which key.
    pub key_id: Uuid,
    /// Why.
    pub purpose: String,
    /// The legal basis stated.
    pub legal_basis: Option<String>,
    /// Subjects screened.
    pub subjects: i32,
    /// Of which natural persons.
    pub persons: i32,
    /// Flagged subjects.
    pub flagged: i32,
    /// The change-feed sequence answered from.
    pub snapshot_seq: i64,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<entity::screening::Model> for ScreeningLogOut {
    fn from(s: entity::screening::Model) -> Self {
        Self {
            id: s.id,
            agency_id: s.agency_id,
            key_id: s.key_id,
            purpose: s.purpose,
            legal_basis: s.legal_basis,
            subjects: s.subjects,
            persons: s.persons,
            flagged: s.flagged,
            snapshot_seq: s.snapshot_seq,
            at: s.at,
        }
    }
}

/// The screening log, newest first (admins and reviewers).
#[utoipa::path(get, path = "/api/v1/office/screenings", tag = "office", params(PageParams, ScreeningLogParams),
    responses((status = 200, body = Paginated<ScreeningLogOut>)),
    security(("bearer" = [])))]
async fn list_screenings(
    State(state): State<AppState>,
    _me: Office<Reviewer>,
    Listing(filter, page): Listing<ScreeningLogParams, Page>,
) -> ApiResult<Json<Paginated<ScreeningLogOut>>> {
    let (items, total) = screening::log_page(&state.db, filter.agency_id, page).await?;
    Ok(Json(Paginated::of(items, page, total)))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_screenings))
}
