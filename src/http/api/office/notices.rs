//! `/api/v1/office/notices`: exposure notices (曝光台) — draft, update, list, publish, withdraw.

use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::extract::{Editor, Json, Listing, Office, Path, Reviewer};
use crate::input::entries::{VersionIn, WithdrawIn, withdrawal_reason};
use crate::input::notices::{
    NoticeFields, NoticeFilterParams, parse_new_notice, parse_notice_patch, patch_version, usccs,
};
use crate::input::paging::PageParams;
use crate::services::{Page, notices};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{NoticeCategory, NoticeId, NoticeStatus, notice};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A notice as the office sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeOut {
    /// Opaque id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Category.
    pub category: NoticeCategory,
    /// 发布单位
    pub issuing_unit: String,
    /// Markdown source.
    pub body_md: String,
    /// The body rendered to sanitised HTML.
    pub body_html: String,
    /// Linked subjects' codes.
    pub subject_usccs: Vec<String>,
    /// 发布日期
    pub publication_date: Option<NaiveDate>,
    /// End of publicity.
    pub publicity_until: Option<NaiveDate>,
    /// State.
    pub status: NoticeStatus,
    /// Public reason of a withdrawal.
    pub withdrawal_reason: Option<String>,
    /// Current version.
    pub version: i32,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<notice::Model> for NoticeOut {
    fn from(n: notice::Model) -> Self {
        Self {
            id: n.id.0,
            subject_usccs: usccs(&n),
            body_html: crate::markdown::render(&n.body_md),
            title: n.title,
            category: n.category,
            issuing_unit: n.issuing_unit,
            body_md: n.body_md,
            publication_date: n.publication_date,
            publicity_until: n.publicity_until,
            status: n.status,
            withdrawal_reason: n.withdrawal_reason,
            version: n.version,
            created_at: n.created_at,
            updated_at: n.updated_at,
        }
    }
}

/// Create a draft notice.
#[utoipa::path(post, path = "/api/v1/office/notices", tag = "office", request_body = NoticeFields,
    responses((status = 201, body = NoticeOut)),
    security(("bearer" = [])))]
async fn create_notice(
    State(state): State<AppState>,
    staff: Office<Editor>,
    Json(input): Json<NoticeFields>,
) -> ApiResult<(StatusCode, Json<NoticeOut>)> {
    let content = parse_new_notice(input, state.clock.today())?;
    let by = Some(staff.id());
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            notices::create_draft(txn, ctx, by, content).await
        })
        .await?;
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// Read a notice.
#[utoipa::path(get, path = "/api/v1/office/notices/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")),
    responses((status = 200, body = NoticeOut), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read_notice(
    State(state): State<AppState>,
    _staff: Office,
    Path(id): Path<NoticeId>,
) -> ApiResult<Json<NoticeOut>> {
    Ok(Json(notices::get(&state.db, id).await?.into()))
}

/// Change a draft notice; the fields sent replace the stored ones.
#[utoipa::path(patch, path = "/api/v1/office/notices/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")), request_body = NoticeFields,
    responses((status = 200, body = NoticeOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_notice(
    State(state): State<AppState>,
    staff: Office<Editor>,
    Path(id): Path<NoticeId>,
    Json(patch): Json<NoticeFields>,
) -> ApiResult<Json<NoticeOut>> {
    let version = patch_version(&patch)?;
    let today = state.clock.today();
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            let current = notices::get(txn, id).await?;
            let content = parse_notice_patch(&current, patch, today)?;
            notices::update_draft(txn, ctx, id, version, content).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Submit a draft notice for review (editors): it can no longer be edited.
#[utoipa::path(post, path = "/api/v1/office/notices/{id}/submit", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")), request_body = VersionIn,
    responses((status = 200, body = NoticeOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn submit_notice(
    State(state): State<AppState>,
    staff: Office<Editor>,
    Path(id): Path<NoticeId>,
    Json(v): Json<VersionIn>,
) -> ApiResult<Json<NoticeOut>> {
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            notices::submit(txn, ctx, id, v.version).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Publish a notice (reviewers; never the member who created it: 403 `reviewer_is_maker`).
#[utoipa::path(post, path = "/api/v1/office/notices/{id}/publish", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")), request_body = VersionIn,
    responses((status = 200, body = NoticeOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn publish_notice(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<NoticeId>,
    Json(v): Json<VersionIn>,
) -> ApiResult<Json<NoticeOut>> {
    let by = Some(staff.id());
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            notices::publish(txn, ctx, id, v.version, by).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Withdraw a notice with a public reason.
#[utoipa::path(post, path = "/api/v1/office/notices/{id}/withdraw", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")), request_body = WithdrawIn,
    responses((status = 200, body = NoticeOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn withdraw_notice(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<NoticeId>,
    Json(w): Json<WithdrawIn>,
) -> ApiResult<Json<NoticeOut>> {
    let reason = withdrawal_reason(w.reason)?;
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            notices::withdraw(txn, ctx, id, w.version, reason).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// List notices, newest first.
#[utoipa::path(get, path = "/api/v1/office/notices", tag = "office", params(PageParams, NoticeFilterParams),
    responses((status = 200, body = Paginated<NoticeOut>)),
    security(("bearer" = [])))]
async fn list_notices(
    State(state): State<AppState>,
    _staff: Office,
    Listing(filter, page): Listing<NoticeFilterParams, Page>,
) -> ApiResult<Json<Paginated<NoticeOut>>> {
    let (items, total) = notices::list(&state.db, filter.status, page).await?;
    Ok(Json(Paginated::of(items, page, total)))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_notice, list_notices))
        .routes(routes!(read_notice, update_notice))
        .routes(routes!(submit_notice))
        .routes(routes!(publish_notice))
        .routes(routes!(withdraw_notice))
}
