//! `/api/v1/office/notices`: exposure notices (曝光台) — draft, update, list, publish, withdraw.

use super::entries::{VersionIn, WithdrawIn};
use super::subjects::optional_text;
use crate::db::begin_write;
use crate::domain::Uscc;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::api::Paginated;
use crate::http::extract::{Json, PageParams, Path, Query, Staff};
use crate::services::notices::{self, NoticeContent};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{NoticeCategory, NoticeId, NoticeStatus, StaffRole, notice};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

/// A notice as sent: to create a draft, or (with `version`) to change one.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeFields {
    /// The version a change is based on; required to change a draft.
    pub version: Option<i32>,
    /// Title.
    pub title: Option<String>,
    /// `dishonesty_case` (失信典型案例) or `integrity_model` (诚信典型).
    pub category: Option<NoticeCategory>,
    /// 发布单位
    pub issuing_unit: Option<String>,
    /// Markdown body with the sections 基本案情, 处理结果, 法律依据, 典型意义.
    pub body_md: Option<String>,
    /// Codes of the linked subjects.
    pub subject_usccs: Option<Vec<String>>,
    /// Publicity ends at the start of this day.
    pub publicity_until: Option<NaiveDate>,
}

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

/// The linked codes stored with a notice.
pub fn usccs(n: &notice::Model) -> Vec<String> {
    serde_json::from_value(n.subject_usccs.clone()).unwrap_or_default()
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

fn text(field: &str, value: Option<String>, max: usize) -> ApiResult<String> {
    let t = optional_text(value).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidNoticeField,
            format!("`{field}`: required."),
        )
    })?;
    if t.chars().count() > max {
        return Err(ApiError::new(
            ErrorCode::InvalidNoticeField,
            format!("`{field}`: at most {max} characters."),
        ));
    }
    Ok(t)
}

fn parse(f: NoticeFields, today: NaiveDate) -> ApiResult<NoticeContent> {
    let subject_usccs = f
        .subject_usccs
        .unwrap_or_default()
        .into_iter()
        .map(|raw| {
            Uscc::parse(&raw).map(String::from).map_err(|e| {
                ApiError::field(
                    ErrorCode::InvalidNoticeField,
                    "subject_usccs",
                    &raw,
                    format!("is not a valid unified social credit code: {e}"),
                )
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    if let Some(until) = f.publicity_until
        && until <= today
    {
        return Err(ApiError::field(
            ErrorCode::InvalidNoticeField,
            "publicity_until",
            &until.to_string(),
            "is not in the future",
        ));
    }
    Ok(NoticeContent {
        title: text("title", f.title, 200)?,
        category: f
            .category
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidNoticeField, "`category`: required."))?,
        issuing_unit: text("issuing_unit", f.issuing_unit, 200)?,
        body_md: text("body_md", f.body_md, 100_000)?,
        subject_usccs,
        publicity_until: f.publicity_until,
    })
}

/// Listing filters.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoticeListParams {
    /// Page number.
    #[validate(range(min = 1, max = 10000))]
    pub page: Option<u64>,
    /// Page size.
    #[validate(range(min = 1, max = 100))]
    pub per_page: Option<u64>,
    /// Only this state.
    pub status: Option<NoticeStatus>,
}

/// Create a draft notice.
#[utoipa::path(post, path = "/api/v1/office/notices", tag = "office", request_body = NoticeFields,
    responses((status = 201, body = NoticeOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create(
    state: State<AppState>,
    staff: Staff,
    Json(input): Json<NoticeFields>,
) -> ApiResult<(StatusCode, Json<NoticeOut>)> {
    staff.require(&[StaffRole::Editor])?;
    if input.version.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidNoticeField,
            "`version`: only sent when changing a notice.",
        ));
    }
    let content = parse(input, state.clock.today())?;
    let txn = begin_write(&state.db).await?;
    let model = notices::create_draft(
        &txn,
        &state.write_ctx(staff.actor()),
        Some(staff.0.id),
        content,
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// Read a notice.
#[utoipa::path(get, path = "/api/v1/office/notices/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")),
    responses((status = 200, body = NoticeOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read(
    state: State<AppState>,
    _staff: Staff,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<NoticeOut>> {
    Ok(Json(notices::get(&state.db, NoticeId(id)).await?.into()))
}

/// Change a draft notice; the fields sent replace the stored ones.
#[utoipa::path(patch, path = "/api/v1/office/notices/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")), request_body = NoticeFields,
    responses((status = 200, body = NoticeOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(p): Json<NoticeFields>,
) -> ApiResult<Json<NoticeOut>> {
    staff.require(&[StaffRole::Editor])?;
    let version = p.version.ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidNoticeField,
            "`version`: required to change a notice.",
        )
    })?;
    let txn = begin_write(&state.db).await?;
    let cur = notices::get(&txn, NoticeId(id)).await?;
    let merged = NoticeFields {
        version: Some(version),
        title: p.title.or(Some(cur.title.clone())),
        category: p.category.or(Some(cur.category)),
        issuing_unit: p.issuing_unit.or(Some(cur.issuing_unit.clone())),
        body_md: p.body_md.or(Some(cur.body_md.clone())),
        subject_usccs: p.subject_usccs.or_else(|| Some(usccs(&cur))),
        publicity_until: p.publicity_until.or(cur.publicity_until),
    };
    let content = parse(merged, state.clock.today())?;
    let model = notices::update_draft(
        &txn,
        &state.write_ctx(staff.actor()),
        NoticeId(id),
        version,
        content,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// Publish a notice.
#[utoipa::path(post, path = "/api/v1/office/notices/{id}/publish", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")), request_body = VersionIn,
    responses((status = 200, body = NoticeOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn publish(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(v): Json<VersionIn>,
) -> ApiResult<Json<NoticeOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let txn = begin_write(&state.db).await?;
    let model = notices::publish(
        &txn,
        &state.write_ctx(staff.actor()),
        NoticeId(id),
        v.version,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// Withdraw a notice with a public reason.
#[utoipa::path(post, path = "/api/v1/office/notices/{id}/withdraw", tag = "office",
    params(("id" = Uuid, Path, description = "Notice id")), request_body = WithdrawIn,
    responses((status = 200, body = NoticeOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn withdraw(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(w): Json<WithdrawIn>,
) -> ApiResult<Json<NoticeOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let reason = optional_text(Some(w.reason)).ok_or_else(|| {
        ApiError::new(
            ErrorCode::MissingWithdrawalReason,
            "`reason`: required; it is published with the withdrawal.",
        )
    })?;
    let txn = begin_write(&state.db).await?;
    let model = notices::withdraw(
        &txn,
        &state.write_ctx(staff.actor()),
        NoticeId(id),
        w.version,
        reason,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// List notices, newest first.
#[utoipa::path(get, path = "/api/v1/office/notices", tag = "office", params(NoticeListParams),
    responses((status = 200, body = Paginated<NoticeOut>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list(
    state: State<AppState>,
    _staff: Staff,
    Query(p): Query<NoticeListParams>,
) -> ApiResult<Json<Paginated<NoticeOut>>> {
    let page = PageParams {
        page: p.page,
        per_page: p.per_page,
    }
    .page();
    let (items, total) = notices::list(&state.db, p.status, page).await?;
    Ok(Json(Paginated::new(
        items.into_iter().map(Into::into).collect(),
        page,
        total,
    )))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(read, update))
        .routes(routes!(publish))
        .routes(routes!(withdraw))
}
