//! `/api/v1/office/screenings`: the log of every partner screening (admins and reviewers); and
//! `/api/v1/office/subjects/{id}/person-checks`: who checked a natural person, and why.

use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::extract::{Json, Listing, Office, Path, Reviewer};
use crate::input::paging::PageParams;
use crate::input::screening::{PersonCheckParams, ScreeningLogParams};
use crate::services::{Page, screening, subjects};
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

/// One check of a natural person by a partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonCheckOut {
    /// The screening it was part of.
    pub screening_id: Uuid,
    /// Who checked.
    pub agency_id: Uuid,
    /// The agency's name.
    pub agency_name: Option<String>,
    /// With which key.
    pub key_id: Uuid,
    /// Why, as the screening stated it.
    pub purpose: String,
    /// The legal basis stated.
    pub legal_basis: Option<String>,
    /// Whether the person was on a public list then (name and ID number matched).
    pub matched: bool,
    /// When.
    pub at: DateTime<Utc>,
}

/// Who checked this natural person by name and ID number in a partner screening, with purpose
/// and legal basis, newest first: every check of the person's ID number, whether it matched a
/// public entry or not (so checks made before the person was listed are included). A subject
/// that is not a natural person is never checked by ID number: its page is empty.
#[utoipa::path(get, path = "/api/v1/office/subjects/{id}/person-checks", tag = "office",
    params(("id" = Uuid, Path, description = "Subject id"), PageParams, PersonCheckParams),
    responses((status = 200, body = Paginated<PersonCheckOut>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_person_checks(
    State(state): State<AppState>,
    _staff: Office,
    Path(id): Path<entity::SubjectId>,
    Listing(_filter, page): Listing<PersonCheckParams, Page>,
) -> ApiResult<Json<Paginated<PersonCheckOut>>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let subject = subjects::get(&state.db, id).await?;
    let Some(hash) = subject.id_number_hash.as_deref() else {
        return Ok(Json(Paginated::new(Vec::new(), page, 0)));
    };
    let (rows, total) = screening::person_checks_page(&state.db, hash, page).await?;
    let agency_ids: Vec<entity::AgencyId> =
        rows.iter().map(|r| entity::AgencyId(r.agency_id)).collect();
    let agencies = entity::agency::Entity::find()
        .filter(entity::agency::Column::Id.is_in(agency_ids))
        .all(&state.db)
        .await?;
    let items = rows
        .into_iter()
        .map(|r| PersonCheckOut {
            screening_id: r.screening_id,
            agency_name: agencies
                .iter()
                .find(|a| a.id.0 == r.agency_id)
                .map(|a| a.name.clone()),
            agency_id: r.agency_id,
            key_id: r.key_id,
            purpose: r.purpose,
            legal_basis: r.legal_basis,
            matched: r.subject_id.is_some(),
            at: r.at,
        })
        .collect();
    Ok(Json(Paginated::new(items, page, total)))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_screenings))
        .routes(routes!(list_person_checks))
}
