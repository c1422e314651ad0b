//! Objections (异议申诉): filed publicly at `/api/v1/objections`, handled by the office at
//! `/api/v1/office/objections`.

use super::Paginated;
use super::office::subjects::optional_text;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::{Json, PageParams, Path, Query, Staff};
use crate::services::objections::{self, NewObjection};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use entity::{EntryId, ObjectionId, ObjectionKind, ObjectionStatus, StaffRole, objection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

/// An objection as filed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionIn {
    /// The public entry objected to.
    pub entry_id: Uuid,
    /// `content`, `period` or `repair_result`.
    pub kind: ObjectionKind,
    /// The reasons, with what is wrong and why.
    pub reason: String,
    /// How the office can reach the objector; never published.
    pub contact: String,
}

/// What the objector sees of the case.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionReceipt {
    /// Case id, to follow it.
    pub id: Uuid,
    /// The entry.
    pub entry_id: Uuid,
    /// State.
    pub status: ObjectionStatus,
    /// The office's answer, with reasons.
    pub answer: Option<String>,
    /// Filed on.
    pub filed_on: NaiveDate,
    /// Accepted or returned by (working days).
    pub accept_due: Option<NaiveDate>,
    /// Answered by (working days).
    pub answer_due: Option<NaiveDate>,
}

impl From<objection::Model> for ObjectionReceipt {
    fn from(o: objection::Model) -> Self {
        Self {
            id: o.id.0,
            entry_id: o.entry_id.0,
            status: o.status,
            answer: o.answer,
            filed_on: o.filed_on,
            accept_due: o.accept_due,
            answer_due: o.answer_due,
        }
    }
}

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

fn text(field: &str, value: String, max: usize) -> ApiResult<String> {
    let t = optional_text(Some(value)).ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidCaseField, format!("`{field}`: required."))
    })?;
    if t.chars().count() > max {
        return Err(ApiError::new(
            ErrorCode::InvalidCaseField,
            format!("`{field}`: at most {max} characters."),
        ));
    }
    Ok(t)
}

/// File an objection (异议申诉) against a public entry. Free of charge.
#[utoipa::path(post, path = "/api/v1/objections", tag = "public", request_body = ObjectionIn,
    responses((status = 201, body = ObjectionReceipt), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn file(
    State(state): State<AppState>,
    Json(input): Json<ObjectionIn>,
) -> ApiResult<(StatusCode, Json<ObjectionReceipt>)> {
    let cmd = NewObjection {
        entry_id: EntryId(input.entry_id),
        kind: input.kind,
        reason: text("reason", input.reason, 5000)?,
        contact: text("contact", input.contact, 200)?,
    };
    let txn = begin_write(&state.db).await?;
    let model = objections::file(
        &txn,
        &state.write_ctx("public".into()),
        &state.calendar,
        cmd,
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// Follow an objection.
#[utoipa::path(get, path = "/api/v1/objections/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "Objection id")),
    responses((status = 200, body = ObjectionReceipt), (status = 404, body = ErrorBody)))]
async fn follow(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ObjectionReceipt>> {
    Ok(Json(
        objections::get(&state.db, ObjectionId(id)).await?.into(),
    ))
}

/// The public routes.
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(file))
        .routes(routes!(follow))
}

/// Listing filters.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ObjectionListParams {
    /// Page number.
    #[validate(range(min = 1, max = 10000))]
    pub page: Option<u64>,
    /// Page size.
    #[validate(range(min = 1, max = 100))]
    pub per_page: Option<u64>,
    /// Only this state.
    pub status: Option<ObjectionStatus>,
}

/// A step based on a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseVersionIn {
    /// The version the step is based on.
    pub version: i32,
}

/// A step with an answer or reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseAnswerIn {
    /// The version the step is based on.
    pub version: i32,
    /// The answer, with reasons (sent to the objector; an upheld objection's answer is published with the withdrawal).
    pub answer: String,
}

/// List objections, oldest first.
#[utoipa::path(get, path = "/api/v1/office/objections", tag = "office", params(ObjectionListParams),
    responses((status = 200, body = Paginated<ObjectionOut>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn list(
    State(state): State<AppState>,
    _staff: Staff,
    Query(p): Query<ObjectionListParams>,
) -> ApiResult<Json<Paginated<ObjectionOut>>> {
    let page = PageParams {
        page: p.page,
        per_page: p.per_page,
    }
    .page();
    let (items, total) = objections::list(&state.db, p.status, page).await?;
    Ok(Json(Paginated::new(
        items.into_iter().map(Into::into).collect(),
        page,
        total,
    )))
}

/// Read an objection.
#[utoipa::path(get, path = "/api/v1/office/objections/{id}", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    responses((status = 200, body = ObjectionOut), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn read(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ObjectionOut>> {
    Ok(Json(
        objections::get(&state.db, ObjectionId(id)).await?.into(),
    ))
}

/// Accept an objection: the entry is marked "under objection" (异议处理中) publicly at once.
#[utoipa::path(post, path = "/api/v1/office/objections/{id}/accept", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    request_body = CaseVersionIn,
    responses((status = 200, body = ObjectionOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn accept(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(v): Json<CaseVersionIn>,
) -> ApiResult<Json<ObjectionOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let txn = begin_write(&state.db).await?;
    let model = objections::accept(
        &txn,
        &state.write_ctx(staff.actor()),
        &state.calendar,
        ObjectionId(id),
        v.version,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// Return an objection for materials.
#[utoipa::path(post, path = "/api/v1/office/objections/{id}/return", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    request_body = CaseAnswerIn,
    responses((status = 200, body = ObjectionOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn return_case(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(a): Json<CaseAnswerIn>,
) -> ApiResult<Json<ObjectionOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let answer = text("answer", a.answer, 5000)?;
    let txn = begin_write(&state.db).await?;
    let model = objections::return_for_materials(
        &txn,
        &state.write_ctx(staff.actor()),
        ObjectionId(id),
        a.version,
        answer,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// Uphold an objection: the entry is withdrawn with the answer as its public reason.
#[utoipa::path(post, path = "/api/v1/office/objections/{id}/uphold", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    request_body = CaseAnswerIn,
    responses((status = 200, body = ObjectionOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn uphold(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(a): Json<CaseAnswerIn>,
) -> ApiResult<Json<ObjectionOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let answer = text("answer", a.answer, 5000)?;
    let txn = begin_write(&state.db).await?;
    let model = objections::uphold(
        &txn,
        &state.write_ctx(staff.actor()),
        ObjectionId(id),
        a.version,
        answer,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// Reject an objection with reasons: the entry is no longer marked.
#[utoipa::path(post, path = "/api/v1/office/objections/{id}/reject", tag = "office", params(("id" = Uuid, Path, description = "Objection id")),
    request_body = CaseAnswerIn,
    responses((status = 200, body = ObjectionOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(a): Json<CaseAnswerIn>,
) -> ApiResult<Json<ObjectionOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let answer = text("answer", a.answer, 5000)?;
    let txn = begin_write(&state.db).await?;
    let model = objections::reject(
        &txn,
        &state.write_ctx(staff.actor()),
        ObjectionId(id),
        a.version,
        answer,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// The office routes.
pub fn office_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read))
        .routes(routes!(accept))
        .routes(routes!(return_case))
        .routes(routes!(uphold))
        .routes(routes!(reject))
}
