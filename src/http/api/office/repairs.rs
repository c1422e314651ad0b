//! `/api/v1/office/repairs`: the office's side of credit repair (信用修复, DOMAIN.md §3.2) —
//! the work queue with overdue cases, accept or return, approve (which ends the entry's publicity
//! in the same transaction) or reject — and `/api/v1/office/entries/{id}/repair-notice`, the
//! repair notice (信用修复告知书) delivered with a listing decision. Reviewers and administrators
//! decide; every staff role may read.

use super::entries::VersionIn;
use crate::db::begin_write;
use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::extract::{Json, PageParams, Path, Query, Staff};
use crate::services::repairs::{self, RepairFilter};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{EntryId, RepairId, RepairStatus, StaffRole, repair};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

/// A return or a rejection: the reason is sent to the applicant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepairReasonIn {
    /// The version the step is based on.
    pub version: i32,
    /// Why (for a return: which materials are missing); shown to the applicant.
    pub reason: Option<String>,
}

/// An approval, with an optional note for the applicant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepairApproveIn {
    /// The version the step is based on.
    pub version: i32,
    /// The decision's note; shown to the applicant.
    pub note: Option<String>,
}

/// An application as the office sees it, contact and materials included.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepairOut {
    /// The application's id.
    pub id: Uuid,
    /// The entry to repair.
    pub entry_id: Uuid,
    /// The credit commitment letter was given.
    pub commitment_letter: bool,
    /// References to the materials.
    pub materials: Vec<String>,
    /// How to reach the applicant (personal data: office only).
    pub contact: String,
    /// Lifecycle state.
    pub status: RepairStatus,
    /// Why it was returned, rejected or approved.
    pub decision_note: Option<String>,
    /// Day of the application.
    pub applied_on: NaiveDate,
    /// Accept or return by this day.
    pub accept_due: NaiveDate,
    /// Decide by this day (set on acceptance).
    pub decide_due: Option<NaiveDate>,
    /// Tell the applicant by this day.
    pub notify_due: NaiveDate,
    /// Open and past a due date today.
    pub overdue: bool,
    /// Current version.
    pub version: i32,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl RepairOut {
    fn new(r: repair::Model, today: NaiveDate) -> Self {
        Self {
            overdue: repairs::is_overdue(&r, today),
            materials: repairs::materials_of(&r),
            id: r.id.0,
            entry_id: r.entry_id.0,
            commitment_letter: r.commitment_letter,
            contact: r.contact,
            status: r.status,
            decision_note: r.decision_note,
            applied_on: r.applied_on,
            accept_due: r.accept_due,
            decide_due: r.decide_due,
            notify_due: r.notify_due,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Filters of the application listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RepairListParams {
    /// Page number.
    #[validate(range(min = 1, max = 10000))]
    pub page: Option<u64>,
    /// Page size.
    #[validate(range(min = 1, max = 100))]
    pub per_page: Option<u64>,
    /// Only this state.
    pub status: Option<RepairStatus>,
    /// Only applications for this entry.
    pub entry_id: Option<Uuid>,
    /// `true`: only open applications past a due date today (accept, decide or notify);
    /// `false`: only the others.
    pub overdue: Option<bool>,
}

/// List credit-repair applications, oldest first.
#[utoipa::path(get, path = "/api/v1/office/repairs", tag = "office", operation_id = "list_repairs", params(RepairListParams),
    responses((status = 200, body = Paginated<RepairOut>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list(
    State(state): State<AppState>,
    _staff: Staff,
    Query(p): Query<RepairListParams>,
) -> ApiResult<Json<Paginated<RepairOut>>> {
    let page = PageParams {
        page: p.page,
        per_page: p.per_page,
    }
    .page();
    let filter = RepairFilter {
        status: p.status,
        entry_id: p.entry_id.map(EntryId),
        overdue: p.overdue,
    };
    let today = state.clock.today();
    let (items, total) = repairs::list(&state.db, filter, today, page).await?;
    let items = items
        .into_iter()
        .map(|r| RepairOut::new(r, today))
        .collect();
    Ok(Json(Paginated::new(items, page, total)))
}

/// Read an application, with the applicant's contact and materials.
#[utoipa::path(get, path = "/api/v1/office/repairs/{id}", tag = "office", operation_id = "read_repair",
    params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, body = RepairOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<RepairOut>> {
    let model = repairs::get(&state.db, RepairId(id)).await?;
    Ok(Json(RepairOut::new(model, state.clock.today())))
}

/// Accept a submitted application; the decision is due within 3 working days.
#[utoipa::path(post, path = "/api/v1/office/repairs/{id}/accept", tag = "office", operation_id = "accept_repair",
    params(("id" = Uuid, Path, description = "Application id")), request_body = VersionIn,
    responses((status = 200, body = RepairOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn accept(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<VersionIn>,
) -> ApiResult<Json<RepairOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let ctx = state.write_ctx(staff.actor());
    let txn = begin_write(&state.db).await?;
    let model = repairs::accept(&txn, &ctx, &state.calendar, RepairId(id), input.version).await?;
    txn.commit().await?;
    Ok(Json(RepairOut::new(model, ctx.today)))
}

/// Return a submitted application for materials, with the reason; the applicant may apply again.
#[utoipa::path(post, path = "/api/v1/office/repairs/{id}/return", tag = "office", operation_id = "return_repair",
    params(("id" = Uuid, Path, description = "Application id")), request_body = RepairReasonIn,
    responses((status = 200, body = RepairOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn return_for_materials(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<RepairReasonIn>,
) -> ApiResult<Json<RepairOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let reason = repairs::parse_reason(input.reason)?;
    let ctx = state.write_ctx(staff.actor());
    let txn = begin_write(&state.db).await?;
    let model =
        repairs::return_for_materials(&txn, &ctx, RepairId(id), input.version, reason).await?;
    txn.commit().await?;
    Ok(Json(RepairOut::new(model, ctx.today)))
}

/// Approve an accepted application: in the same transaction the entry is marked `repaired` and
/// leaves every public surface (index, pages, partner change feed).
#[utoipa::path(post, path = "/api/v1/office/repairs/{id}/approve", tag = "office", operation_id = "approve_repair",
    params(("id" = Uuid, Path, description = "Application id")), request_body = RepairApproveIn,
    responses((status = 200, body = RepairOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<RepairApproveIn>,
) -> ApiResult<Json<RepairOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let note = repairs::parse_note(input.note)?;
    let ctx = state.write_ctx(staff.actor());
    let txn = begin_write(&state.db).await?;
    let (model, entry) = repairs::approve(&txn, &ctx, RepairId(id), input.version, note).await?;
    txn.commit().await?;
    tracing::info!(repair.id = %model.id, entry.id = %entry.id, "credit repair approved; publicity ended");
    Ok(Json(RepairOut::new(model, ctx.today)))
}

/// Reject an accepted application, with the reason; the entry stays published.
#[utoipa::path(post, path = "/api/v1/office/repairs/{id}/reject", tag = "office", operation_id = "reject_repair",
    params(("id" = Uuid, Path, description = "Application id")), request_body = RepairReasonIn,
    responses((status = 200, body = RepairOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<RepairReasonIn>,
) -> ApiResult<Json<RepairOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let reason = repairs::parse_reason(input.reason)?;
    let ctx = state.write_ctx(staff.actor());
    let txn = begin_write(&state.db).await?;
    let model = repairs::reject(&txn, &ctx, RepairId(id), input.version, reason).await?;
    txn.commit().await?;
    Ok(Json(RepairOut::new(model, ctx.today)))
}

/// The repair notice (信用修复告知书) of an entry, as Markdown.
///
/// For a black-list or key-attention entry with a minimum period, in any status (it is
/// delivered with the listing decision). It states the listing decision, the publicity period,
/// when and on what conditions repair may be applied for (free of charge), the flow and its
/// deadlines in working days, and where to apply. Natural persons are named as published
/// (masked).
#[utoipa::path(get, path = "/api/v1/office/entries/{id}/repair-notice", tag = "office", operation_id = "repair_notice",
    params(("id" = Uuid, Path, description = "Entry id")),
    responses((status = 200, content_type = "text/markdown; charset=utf-8", body = String),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn repair_notice(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<Uuid>,
) -> ApiResult<impl IntoResponse> {
    let entry = crate::services::entries::get(&state.db, EntryId(id)).await?;
    let subject = crate::services::subjects::get(&state.db, entry.subject_id).await?;
    let projector = state.projector();
    let text = repairs::repair_notice(
        &entry,
        &projector.public_subject(&subject),
        subject.uscc.as_deref(),
        projector.today,
    )?;
    Ok((
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        text,
    ))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read))
        .routes(routes!(accept))
        .routes(routes!(return_for_materials))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(repair_notice))
}
