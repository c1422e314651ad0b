//! `/api/v1/office/repairs`: the office's side of credit repair (信用修复) —
//! the work queue with overdue cases, accept or return, approve (which ends the entry's publicity
//! in the same transaction) or reject — and `/api/v1/office/entries/{id}/repair-notice`, the
//! repair notice (信用修复告知书) delivered with a listing decision. Reviewers and administrators
//! decide; every staff role may read.

use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::extract::{Json, Listing, Office, Path, Reviewer};
use crate::input::cases::{
    RepairApproveIn, RepairFilterParams, RepairReasonIn, parse_note, parse_reason,
};
use crate::input::entries::VersionIn;
use crate::input::paging::PageParams;
use crate::services::{Page, repairs};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{EntryId, RepairId, RepairStatus, repair};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

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
    /// The member who accepted it; another one decides it.
    pub accepted_by: Option<Uuid>,
    /// `true` when a due date above falls after the last day the working-day calendar covers:
    /// it was counted without that year's public holidays and may move. The office's loading of
    /// that year (`PUT /api/v1/office/calendar`) counts it again and turns this `false`.
    pub deadlines_provisional: bool,
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
            accepted_by: r.accepted_by.map(|s| s.0),
            deadlines_provisional: r.deadlines_provisional,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// List credit-repair applications, oldest first.
#[utoipa::path(get, path = "/api/v1/office/repairs", tag = "office", operation_id = "list_repairs", params(PageParams, RepairFilterParams),
    responses((status = 200, body = Paginated<RepairOut>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_repairs(
    State(state): State<AppState>,
    _staff: Office,
    Listing(filter, page): Listing<RepairFilterParams, Page>,
) -> ApiResult<Json<Paginated<RepairOut>>> {
    let today = state.clock.today();
    let (items, total) = repairs::list(&state.db, filter.filter(), today, page).await?;
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
async fn read_repair(
    State(state): State<AppState>,
    _staff: Office,
    Path(id): Path<RepairId>,
) -> ApiResult<Json<RepairOut>> {
    let model = repairs::get(&state.db, id).await?;
    Ok(Json(RepairOut::new(model, state.clock.today())))
}

/// Accept a submitted application; the decision is due within 3 working days.
#[utoipa::path(post, path = "/api/v1/office/repairs/{id}/accept", tag = "office", operation_id = "accept_repair",
    params(("id" = Uuid, Path, description = "Application id")), request_body = VersionIn,
    responses((status = 200, body = RepairOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn accept_repair(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<RepairId>,
    Json(input): Json<VersionIn>,
) -> ApiResult<Json<RepairOut>> {
    let today = state.clock.today();
    let by = staff.id();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            repairs::accept(txn, ctx, &state.calendar.current(), id, input.version, by).await
        })
        .await?;
    Ok(Json(RepairOut::new(model, today)))
}

/// Return a submitted application for materials, with the reason; the applicant may apply again.
#[utoipa::path(post, path = "/api/v1/office/repairs/{id}/return", tag = "office", operation_id = "return_repair",
    params(("id" = Uuid, Path, description = "Application id")), request_body = RepairReasonIn,
    responses((status = 200, body = RepairOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn return_repair(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<RepairId>,
    Json(input): Json<RepairReasonIn>,
) -> ApiResult<Json<RepairOut>> {
    let reason = parse_reason(input.reason)?;
    let today = state.clock.today();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            repairs::return_for_materials(txn, ctx, id, input.version, reason).await
        })
        .await?;
    Ok(Json(RepairOut::new(model, today)))
}

/// Approve an accepted application: in the same transaction the entry is marked `repaired` and
/// leaves every public surface (index, pages, partner change feed). The member who accepted it
/// cannot approve it (403 `reviewer_is_acceptor`).
#[utoipa::path(post, path = "/api/v1/office/repairs/{id}/approve", tag = "office", operation_id = "approve_repair",
    params(("id" = Uuid, Path, description = "Application id")), request_body = RepairApproveIn,
    responses((status = 200, body = RepairOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve_repair(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<RepairId>,
    Json(input): Json<RepairApproveIn>,
) -> ApiResult<Json<RepairOut>> {
    let note = parse_note(input.note)?;
    let today = state.clock.today();
    let by = staff.id();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            let (model, entry) = repairs::approve(txn, ctx, id, input.version, by, note).await?;
            tracing::info!(repair.id = %model.id, entry.id = %entry.id, "credit repair approved; publicity ended");
            Ok(model)
        })
        .await?;
    Ok(Json(RepairOut::new(model, today)))
}

/// Reject an accepted application, with the reason; the entry stays published.
#[utoipa::path(post, path = "/api/v1/office/repairs/{id}/reject", tag = "office", operation_id = "reject_repair",
    params(("id" = Uuid, Path, description = "Application id")), request_body = RepairReasonIn,
    responses((status = 200, body = RepairOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject_repair(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<RepairId>,
    Json(input): Json<RepairReasonIn>,
) -> ApiResult<Json<RepairOut>> {
    let reason = parse_reason(input.reason)?;
    let today = state.clock.today();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            repairs::reject(txn, ctx, id, input.version, reason).await
        })
        .await?;
    Ok(Json(RepairOut::new(model, today)))
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
    _staff: Office,
    Path(id): Path<EntryId>,
) -> ApiResult<impl IntoResponse> {
    let text = repairs::repair_notice_of(&state.db, &state.projector(), id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        text,
    ))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_repairs))
        .routes(routes!(read_repair))
        .routes(routes!(accept_repair))
        .routes(routes!(return_repair))
        .routes(routes!(approve_repair))
        .routes(routes!(reject_repair))
        .routes(routes!(repair_notice))
}
