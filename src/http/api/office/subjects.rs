//! `/api/v1/office/subjects`: create, read, update and list credit subjects.

use crate::domain::RegionCode;
use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::extract::{Editor, Json, Listing, Office, Path};
use crate::input::paging::PageParams;
use crate::input::subjects::{
    SubjectFilterParams, SubjectIn, SubjectPatch, parse_patch, parse_subject,
};
use crate::services::{Page, subjects};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use entity::{SubjectId, subject};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A subject as the office sees it. A natural person's ID number appears only masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectOut {
    /// Opaque id.
    pub id: Uuid,
    /// Kind.
    #[schema(example = "legal_person")]
    pub kind: entity::SubjectKind,
    /// Name.
    pub name: String,
    /// Unified social credit code.
    pub uscc: Option<String>,
    /// A checksum warning stored with a partner-supplied code.
    pub uscc_warning: Option<String>,
    /// Masked ID number (natural persons).
    #[schema(example = "610702********0018")]
    pub id_number_masked: Option<String>,
    /// 法定代表人
    pub legal_representative: Option<String>,
    /// Division code.
    pub region_code: String,
    /// Division name, where known.
    pub region_name: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Current version; send it back with an update.
    pub version: i32,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<subject::Model> for SubjectOut {
    fn from(s: subject::Model) -> Self {
        let region_name = RegionCode::parse(&s.region_code)
            .ok()
            .and_then(|r| r.name())
            .map(str::to_owned);
        Self {
            id: s.id.0,
            kind: s.kind,
            name: s.name,
            uscc: s.uscc,
            uscc_warning: s.uscc_warning,
            id_number_masked: s.id_number_masked,
            legal_representative: s.legal_representative,
            region_code: s.region_code,
            region_name,
            address: s.address,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// Create a subject.
#[utoipa::path(post, path = "/api/v1/office/subjects", tag = "office", request_body = SubjectIn,
    responses((status = 201, body = SubjectOut), (status = 409, description = "A subject with this code or ID number exists", body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_subject(
    State(state): State<AppState>,
    staff: Office<Editor>,
    Json(input): Json<SubjectIn>,
) -> ApiResult<(StatusCode, Json<SubjectOut>)> {
    let cmd = parse_subject(input, state.clock.today())?;
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            subjects::create(txn, ctx, cmd).await
        })
        .await?;
    tracing::info!(subject.id = %model.id, "subject created");
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// Read a subject.
#[utoipa::path(get, path = "/api/v1/office/subjects/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Subject id")),
    responses((status = 200, body = SubjectOut), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read_subject(
    State(state): State<AppState>,
    _staff: Office,
    Path(id): Path<SubjectId>,
) -> ApiResult<Json<SubjectOut>> {
    Ok(Json(subjects::get(&state.db, id).await?.into()))
}

/// Update a subject (optimistic concurrency: send the version you read).
#[utoipa::path(patch, path = "/api/v1/office/subjects/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Subject id")), request_body = SubjectPatch,
    responses((status = 200, body = SubjectOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_subject(
    State(state): State<AppState>,
    staff: Office<Editor>,
    Path(id): Path<SubjectId>,
    Json(patch): Json<SubjectPatch>,
) -> ApiResult<Json<SubjectOut>> {
    let changes = parse_patch(patch)?;
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            subjects::update(txn, ctx, id, changes).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// List subjects, newest first.
#[utoipa::path(get, path = "/api/v1/office/subjects", tag = "office", params(PageParams, SubjectFilterParams),
    responses((status = 200, body = Paginated<SubjectOut>)),
    security(("bearer" = [])))]
async fn list_subjects(
    State(state): State<AppState>,
    _staff: Office,
    Listing(filter, page): Listing<SubjectFilterParams, Page>,
) -> ApiResult<Json<Paginated<SubjectOut>>> {
    let (items, total) = subjects::list(&state.db, filter.filter(), page).await?;
    Ok(Json(Paginated::of(items, page, total)))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_subject, list_subjects))
        .routes(routes!(read_subject, update_subject))
}
