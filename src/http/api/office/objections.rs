//! `/api/v1/office/objections`: the office's side of objections (异议申诉) —
//! accept (the entry is marked publicly at once), return for materials, uphold (the entry is
//! withdrawn) or reject, each with its reasons.

use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::api::public::objections::ObjectionReceipt;
use crate::http::extract::{Json, Listing, Office, Path, Reviewer};
use crate::input::cases::{CaseAnswerIn, CaseVersionIn, ObjectionFilterParams};
use crate::input::paging::PageParams;
use crate::services::{Page, objections};
use crate::state::AppState;
use axum::extract::State;
use entity::{ObjectionId, ObjectionKind, objection};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// An objection as the office sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionOut {
    /// The case.
    #[serde(flatten)]
    pub receipt: ObjectionReceipt,
    /// What is objected to.
    pub kind: ObjectionKind,
    /// The reasons.
    pub reason: String,
    /// The objector's contact.
    pub contact: String,
    /// Current version.
    pub version: i32,
}

impl From<objection::Model> for ObjectionOut {
    fn from(o: objection::Model) -> Self {
        Self {
            kind: o.kind,
            reason: o.reason.clone(),
            contact: o.contact.clone(),
            version: o.version,
            receipt: o.into(),
        }
    }
}

/// List objections, oldest first.
#[utoipa::path(get, path = "/api/v1/office/objections", tag = "office", params(PageParams, ObjectionFilterParams),
    responses((status = 200, body = Paginated<ObjectionOut>)), security(("bearer" = [])))]
async fn list_objections(
    State(state): State<AppState>,
    _staff: Office,
    Listing(filter, page): Listing<ObjectionFilterParams, Page>,
) -> ApiResult<Json<Paginated<ObjectionOut>>> {
    let (items, total) = objections::list(&state.db, filter.status, page).await?;
    Ok(Json(Paginated::of(items, page, total)))
}

/// Read an objection.
#[utoipa::path(get, path = "/api/v1/office/objections/{id}", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    responses((status = 200, body = ObjectionOut), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn read_objection(
    State(state): State<AppState>,
    _staff: Office,
    Path(id): Path<ObjectionId>,
) -> ApiResult<Json<ObjectionOut>> {
    Ok(Json(objections::get(&state.db, id).await?.into()))
}

/// Accept an objection: the entry is marked "under objection" (异议处理中) publicly at once.
#[utoipa::path(post, path = "/api/v1/office/objections/{id}/accept", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    request_body = CaseVersionIn,
    responses((status = 200, body = ObjectionOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn accept_objection(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<ObjectionId>,
    Json(v): Json<CaseVersionIn>,
) -> ApiResult<Json<ObjectionOut>> {
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            objections::accept(txn, ctx, &state.calendar.current(), id, v.version).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Return an objection for materials.
#[utoipa::path(post, path = "/api/v1/office/objections/{id}/return", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    request_body = CaseAnswerIn,
    responses((status = 200, body = ObjectionOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn return_objection(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<ObjectionId>,
    Json(a): Json<CaseAnswerIn>,
) -> ApiResult<Json<ObjectionOut>> {
    let (version, answer) = a.answer()?;
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            objections::return_for_materials(txn, ctx, id, version, answer).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Uphold an objection: the entry is withdrawn with the answer as its public reason.
#[utoipa::path(post, path = "/api/v1/office/objections/{id}/uphold", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    request_body = CaseAnswerIn,
    responses((status = 200, body = ObjectionOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn uphold_objection(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<ObjectionId>,
    Json(a): Json<CaseAnswerIn>,
) -> ApiResult<Json<ObjectionOut>> {
    let (version, answer) = a.answer()?;
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            objections::uphold(txn, ctx, id, version, answer).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Reject an objection with reasons: the entry is no longer marked.
#[utoipa::path(post, path = "/api/v1/office/objections/{id}/reject", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    request_body = CaseAnswerIn,
    responses((status = 200, body = ObjectionOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject_objection(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<ObjectionId>,
    Json(a): Json<CaseAnswerIn>,
) -> ApiResult<Json<ObjectionOut>> {
    let (version, answer) = a.answer()?;
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            objections::reject(txn, ctx, id, version, answer).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_objections))
        .routes(routes!(read_objection))
        .routes(routes!(accept_objection))
        .routes(routes!(return_objection))
        .routes(routes!(uphold_objection))
        .routes(routes!(reject_objection))
}
