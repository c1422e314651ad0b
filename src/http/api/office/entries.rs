//! `/api/v1/office/entries`: draft, update, list, submit, review, publish and withdraw list
//! entries.

use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::extract::{Admin, Editor, Json, Listing, Office, Path, Reviewer};
use crate::input::entries::{
    EntryFields, EntryFilterParams, RejectIn, VersionIn, WithdrawIn, parse_entry_patch,
    parse_new_entry, patch_version, review_reason, withdrawal_reason,
};
use crate::input::paging::PageParams;
use crate::services::{Page, entries};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{EntryId, EntryStatus, list_entry};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// An entry as the office sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    /// Opaque id.
    pub id: Uuid,
    /// The listed subject.
    pub subject_id: Uuid,
    /// 名单类型
    pub list: entity::ListKind,
    /// 名单名称
    pub list_name: String,
    /// 失信等级
    pub severity: Option<entity::Severity>,
    /// 列入事由
    pub reason: String,
    /// 失信行为
    pub facts: Option<String>,
    /// 认定依据
    pub legal_basis: Option<String>,
    /// 认定部门
    pub authority_name: String,
    /// Its code.
    pub authority_uscc: Option<String>,
    /// 决定文书号
    pub document_number: String,
    /// 认定日期
    pub decision_date: NaiveDate,
    /// 列入日期
    pub listing_date: NaiveDate,
    /// 有效期自
    pub valid_from: NaiveDate,
    /// 有效期至
    pub valid_until: Option<NaiveDate>,
    /// Repair may be applied for from this day.
    pub publicity_min_until: Option<NaiveDate>,
    /// Publicity ends at the start of this day.
    pub publicity_until: Option<NaiveDate>,
    /// 移出日期
    pub removal_date: Option<NaiveDate>,
    /// 移出事由
    pub removal_reason: Option<String>,
    /// 异议标注
    pub under_objection: bool,
    /// 数据来源单位
    pub source_name: String,
    /// Its code.
    pub source_uscc: Option<String>,
    /// Lifecycle state.
    pub status: EntryStatus,
    /// Who created it (none for an agency's record).
    pub created_by: Option<Uuid>,
    /// Who last changed its content (none for an agency's record).
    pub edited_by: Option<Uuid>,
    /// Who submitted it for review.
    pub submitted_by: Option<Uuid>,
    /// Who approved or rejected it.
    pub reviewed_by: Option<Uuid>,
    /// Why a reviewer sent it back.
    pub review_note: Option<String>,
    /// When published.
    pub published_at: Option<DateTime<Utc>>,
    /// Current version.
    pub version: i32,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<list_entry::Model> for EntryOut {
    fn from(e: list_entry::Model) -> Self {
        Self {
            id: e.id.0,
            subject_id: e.subject_id.0,
            list: e.list,
            list_name: e.list_name,
            severity: e.severity,
            reason: e.reason,
            facts: e.facts,
            legal_basis: e.legal_basis,
            authority_name: e.authority_name,
            authority_uscc: e.authority_uscc,
            document_number: e.document_number,
            decision_date: e.decision_date,
            listing_date: e.listing_date,
            valid_from: e.valid_from,
            valid_until: e.valid_until,
            publicity_min_until: e.publicity_min_until,
            publicity_until: e.publicity_until,
            removal_date: e.removal_date,
            removal_reason: e.removal_reason,
            under_objection: e.under_objection,
            source_name: e.source_name,
            source_uscc: e.source_uscc,
            status: e.status,
            created_by: e.created_by.map(|s| s.0),
            edited_by: e.edited_by.map(|s| s.0),
            submitted_by: e.submitted_by.map(|s| s.0),
            reviewed_by: e.reviewed_by.map(|s| s.0),
            review_note: e.review_note,
            published_at: e.published_at,
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// Create a draft entry.
#[utoipa::path(post, path = "/api/v1/office/entries", tag = "office", request_body = EntryFields,
    responses((status = 201, body = EntryOut), (status = 404, description = "No such subject", body = ErrorBody),
        (status = 409, description = "An entry with this authority and document number exists", body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_entry(
    State(state): State<AppState>,
    staff: Office<Editor>,
    Json(input): Json<EntryFields>,
) -> ApiResult<(StatusCode, Json<EntryOut>)> {
    let (subject_id, content) = parse_new_entry(input, state.clock.today())?;
    let by = Some(staff.id());
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            entries::create_draft(txn, ctx, subject_id, by, content).await
        })
        .await?;
    tracing::info!(entry.id = %model.id, subject.id = %model.subject_id, "entry drafted");
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// Read an entry.
#[utoipa::path(get, path = "/api/v1/office/entries/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")),
    responses((status = 200, body = EntryOut), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read_entry(
    State(state): State<AppState>,
    _staff: Office,
    Path(id): Path<EntryId>,
) -> ApiResult<Json<EntryOut>> {
    Ok(Json(entries::get(&state.db, id).await?.into()))
}

/// Change a draft entry: the fields sent replace the stored ones, and the result is checked whole.
#[utoipa::path(patch, path = "/api/v1/office/entries/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = EntryFields,
    responses((status = 200, body = EntryOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_entry(
    State(state): State<AppState>,
    staff: Office<Editor>,
    Path(id): Path<EntryId>,
    Json(patch): Json<EntryFields>,
) -> ApiResult<Json<EntryOut>> {
    let version = patch_version(&patch)?;
    let today = state.clock.today();
    let by = staff.id();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            let current = entries::get(txn, id).await?;
            let content = parse_entry_patch(&current, patch, today)?;
            entries::update_draft(txn, ctx, id, version, by, content).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Publish a draft without the submit step (administrators only; audited). Maker-checker still
/// holds: an administrator cannot publish an entry they created or last edited. The normal path
/// is submit → approve.
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/publish", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = VersionIn,
    responses((status = 200, body = EntryOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn publish_entry(
    State(state): State<AppState>,
    staff: Office<Admin>,
    Path(id): Path<EntryId>,
    Json(v): Json<VersionIn>,
) -> ApiResult<Json<EntryOut>> {
    let by = Some(staff.id());
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            entries::publish(txn, ctx, id, v.version, by).await
        })
        .await?;
    tracing::info!(entry.id = %model.id, "entry published");
    Ok(Json(model.into()))
}

/// Submit a draft for review (maker).
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/submit", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = VersionIn,
    responses((status = 200, body = EntryOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn submit_entry(
    State(state): State<AppState>,
    staff: Office<Editor>,
    Path(id): Path<EntryId>,
    Json(v): Json<VersionIn>,
) -> ApiResult<Json<EntryOut>> {
    let by = staff.id();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            entries::submit(txn, ctx, id, v.version, by).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Approve an entry waiting for review (checker, never its submitter): it is published.
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/approve", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = VersionIn,
    responses((status = 200, body = EntryOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve_entry(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<EntryId>,
    Json(v): Json<VersionIn>,
) -> ApiResult<Json<EntryOut>> {
    let by = staff.id();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            entries::approve(txn, ctx, id, v.version, by).await
        })
        .await?;
    tracing::info!(entry.id = %model.id, "entry approved and published");
    Ok(Json(model.into()))
}

/// Reject an entry waiting for review, with the reason; it returns to draft.
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/reject", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = RejectIn,
    responses((status = 200, body = EntryOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject_entry(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<EntryId>,
    Json(input): Json<RejectIn>,
) -> ApiResult<Json<EntryOut>> {
    let reason = review_reason(input.reason)?;
    let by = staff.id();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            entries::reject(txn, ctx, id, input.version, by, reason).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Withdraw a published entry, with a public reason.
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/withdraw", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = WithdrawIn,
    responses((status = 200, body = EntryOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn withdraw_entry(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<EntryId>,
    Json(input): Json<WithdrawIn>,
) -> ApiResult<Json<EntryOut>> {
    let reason = withdrawal_reason(input.reason)?;
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            entries::withdraw(txn, ctx, id, input.version, reason).await
        })
        .await?;
    tracing::info!(entry.id = %model.id, "entry withdrawn");
    Ok(Json(model.into()))
}

/// List entries, newest first.
#[utoipa::path(get, path = "/api/v1/office/entries", tag = "office", params(PageParams, EntryFilterParams),
    responses((status = 200, body = Paginated<EntryOut>)),
    security(("bearer" = [])))]
async fn list_entries(
    State(state): State<AppState>,
    _staff: Office,
    Listing(filter, page): Listing<EntryFilterParams, Page>,
) -> ApiResult<Json<Paginated<EntryOut>>> {
    let (items, total) = entries::list(&state.db, filter.filter(), page).await?;
    Ok(Json(Paginated::of(items, page, total)))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_entry, list_entries))
        .routes(routes!(read_entry, update_entry))
        .routes(routes!(publish_entry))
        .routes(routes!(submit_entry))
        .routes(routes!(approve_entry))
        .routes(routes!(reject_entry))
        .routes(routes!(withdraw_entry))
}
