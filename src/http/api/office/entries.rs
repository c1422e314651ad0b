//! `/api/v1/office/entries`: draft, update, list, publish and withdraw list entries.

use super::subjects::optional_text;
use crate::db::begin_write;
use crate::domain::{ListKind, Severity, Uscc};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::api::Paginated;
use crate::http::extract::{Json, PageParams, Path, Query, Staff};
use crate::services::entries::{self, EntryContent, EntryFilter};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{EntryId, EntryStatus, StaffRole, SubjectId, list_entry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

/// An entry as sent (DOMAIN.md §2.2): to create a draft (`subject_id` required) or to change one
/// (`version` required; the fields sent replace the stored ones).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryFields {
    /// The listed subject; required to create, cannot change.
    pub subject_id: Option<Uuid>,
    /// The version a change is based on; required to change a draft.
    pub version: Option<i32>,
    /// `red`, `black` or `key_attention`.
    #[schema(example = "black")]
    pub list: Option<String>,
    /// 名单名称
    #[schema(example = "失信被执行人")]
    pub list_name: Option<String>,
    /// 失信等级: `minor`, `general` or `serious`; required for black entries.
    #[schema(example = "serious")]
    pub severity: Option<String>,
    /// 列入事由 / 荣誉名称
    pub reason: Option<String>,
    /// 失信行为 / 违法事实
    pub facts: Option<String>,
    /// 认定依据; required for black entries.
    pub legal_basis: Option<String>,
    /// 认定部门
    #[schema(example = "汉中市中级人民法院")]
    pub authority_name: Option<String>,
    /// The deciding authority's code.
    pub authority_uscc: Option<String>,
    /// 决定文书号
    #[schema(example = "(2026)陕07执123号")]
    pub document_number: Option<String>,
    /// 认定日期
    pub decision_date: Option<NaiveDate>,
    /// 列入日期 (default: the decision date).
    pub listing_date: Option<NaiveDate>,
    /// 有效期自 (default: the decision date).
    pub valid_from: Option<NaiveDate>,
    /// 有效期至 (red lists).
    pub valid_until: Option<NaiveDate>,
    /// 数据来源单位 (default: the deciding authority).
    pub source_name: Option<String>,
    /// The data source unit's code.
    pub source_uscc: Option<String>,
}

/// A state change based on a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionIn {
    /// The version the change is based on.
    pub version: i32,
}

/// A rejection: the reason goes back to the editor.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    /// The version the change is based on.
    pub version: i32,
    /// What the editor must fix.
    pub reason: String,
}

/// A withdrawal: the reason is published.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawIn {
    /// The version the change is based on.
    pub version: i32,
    /// Why the decision was changed or revoked; shown publicly.
    pub reason: String,
}

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

impl EntryFields {
    /// The stored content as fields, so a patch can be laid over it and checked whole.
    pub(crate) fn from_model(e: &list_entry::Model) -> Self {
        use crate::projection::enum_str;
        Self {
            subject_id: Some(e.subject_id.0),
            version: Some(e.version),
            list: Some(enum_str(e.list)),
            list_name: Some(e.list_name.clone()),
            severity: e.severity.map(enum_str),
            reason: Some(e.reason.clone()),
            facts: e.facts.clone(),
            legal_basis: e.legal_basis.clone(),
            authority_name: Some(e.authority_name.clone()),
            authority_uscc: e.authority_uscc.clone(),
            document_number: Some(e.document_number.clone()),
            decision_date: Some(e.decision_date),
            listing_date: Some(e.listing_date),
            valid_from: Some(e.valid_from),
            valid_until: e.valid_until,
            source_name: Some(e.source_name.clone()),
            source_uscc: e.source_uscc.clone(),
        }
    }

    fn overlay(mut self, p: EntryFields) -> Self {
        macro_rules! take {
            ($($f:ident),*) => { $( if p.$f.is_some() { self.$f = p.$f; } )* };
        }
        take!(
            list,
            list_name,
            severity,
            reason,
            facts,
            legal_basis,
            authority_name,
            authority_uscc,
            document_number,
            decision_date,
            listing_date,
            valid_from,
            valid_until,
            source_name,
            source_uscc
        );
        self
    }
}

fn required(field: &str, value: Option<String>, max: usize) -> ApiResult<String> {
    let text = optional_text(value).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidEntryField,
            format!("`{field}`: required."),
        )
    })?;
    if text.chars().count() > max {
        return Err(ApiError::new(
            ErrorCode::InvalidEntryField,
            format!("`{field}`: at most {max} characters."),
        ));
    }
    Ok(text)
}

fn code(field: &str, value: Option<String>) -> ApiResult<Option<String>> {
    optional_text(value)
        .map(|raw| {
            Uscc::parse(&raw).map(String::from).map_err(|e| {
                ApiError::field(
                    ErrorCode::InvalidEntryUscc,
                    field,
                    &raw,
                    format!("is not a valid unified social credit code: {e}"),
                )
            })
        })
        .transpose()
}

/// Parses and checks entry content: required fields by list, codes, dates in order and not in
/// the future, and that the period rule in force allows publication.
pub fn parse_fields(f: EntryFields, today: NaiveDate) -> ApiResult<EntryContent> {
    let list_raw = required("list", f.list, 32)?;
    let list: ListKind = list_raw
        .parse()
        .map_err(|e| ApiError::new(ErrorCode::InvalidEntryList, format!("`list`: {e}")))?;
    let severity: Option<Severity> = optional_text(f.severity)
        .map(|s| {
            s.parse().map_err(|e| {
                ApiError::new(ErrorCode::InvalidEntrySeverity, format!("`severity`: {e}"))
            })
        })
        .transpose()?;
    let legal_basis = optional_text(f.legal_basis);
    if list == ListKind::Black {
        if legal_basis.is_none() {
            return Err(ApiError::new(
                ErrorCode::MissingEntryLegalBasis,
                "`legal_basis`: a black-list entry needs its legal basis (认定依据).",
            ));
        }
        if severity.is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidEntrySeverity,
                "`severity`: a black-list entry needs its severity class: `minor`, `general` or `serious`.",
            ));
        }
    }
    let decision_date = f
        .decision_date
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidEntryDates, "`decision_date`: required."))?;
    let listing_date = f.listing_date.unwrap_or(decision_date);
    let valid_from = f.valid_from.unwrap_or(decision_date);
    let date_error = |field: &str, value: NaiveDate, why: &str| {
        ApiError::field(ErrorCode::InvalidEntryDates, field, &value.to_string(), why)
    };
    if decision_date > today {
        return Err(date_error(
            "decision_date",
            decision_date,
            "is in the future",
        ));
    }
    if listing_date < decision_date {
        return Err(date_error(
            "listing_date",
            listing_date,
            "is before the decision date",
        ));
    }
    if listing_date > today {
        return Err(date_error("listing_date", listing_date, "is in the future"));
    }
    if let Some(until) = f.valid_until
        && until < valid_from
    {
        return Err(date_error(
            "valid_until",
            until,
            "is before the start of validity",
        ));
    }
    let authority_name = required("authority_name", f.authority_name, 200)?;
    let authority_uscc = code("authority_uscc", f.authority_uscc)?;
    let content = EntryContent {
        list,
        list_name: required("list_name", f.list_name, 100)?,
        severity,
        reason: required("reason", f.reason, 2000)?,
        facts: optional_text(f.facts),
        legal_basis,
        source_name: optional_text(f.source_name).unwrap_or_else(|| authority_name.clone()),
        source_uscc: code("source_uscc", f.source_uscc)?.or_else(|| authority_uscc.clone()),
        authority_name,
        authority_uscc,
        document_number: required("document_number", f.document_number, 100)?,
        decision_date,
        listing_date,
        valid_from,
        valid_until: f.valid_until,
    };
    content.publicity()?;
    Ok(content)
}

/// Filters of the entry listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EntryListParams {
    /// Page number.
    #[validate(range(min = 1, max = 10000))]
    pub page: Option<u64>,
    /// Page size.
    #[validate(range(min = 1, max = 100))]
    pub per_page: Option<u64>,
    /// Only this state.
    pub status: Option<EntryStatus>,
    /// Only this subject.
    pub subject_id: Option<Uuid>,
    /// Only this list.
    pub list: Option<entity::ListKind>,
}

/// Create a draft entry.
#[utoipa::path(post, path = "/api/v1/office/entries", tag = "office", request_body = EntryFields,
    responses((status = 201, body = EntryOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create(
    state: State<AppState>,
    staff: Staff,
    Json(input): Json<EntryFields>,
) -> ApiResult<(StatusCode, Json<EntryOut>)> {
    staff.require(&[StaffRole::Editor])?;
    let subject_id = input
        .subject_id
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidEntryField, "`subject_id`: required."))?;
    if input.version.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidEntryField,
            "`version`: only sent when changing an entry.",
        ));
    }
    let content = parse_fields(input, state.clock.today())?;
    let txn = begin_write(&state.db).await?;
    let ctx = state.write_ctx(staff.actor());
    let model =
        entries::create_draft(&txn, &ctx, SubjectId(subject_id), Some(staff.0.id), content).await?;
    txn.commit().await?;
    tracing::info!(entry.id = %model.id, subject.id = %model.subject_id, "entry drafted");
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// Read an entry.
#[utoipa::path(get, path = "/api/v1/office/entries/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")),
    responses((status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read(
    state: State<AppState>,
    _staff: Staff,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<EntryOut>> {
    Ok(Json(entries::get(&state.db, EntryId(id)).await?.into()))
}

/// Change a draft entry.
#[utoipa::path(patch, path = "/api/v1/office/entries/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = EntryFields,
    responses((status = 200, body = EntryOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(patch): Json<EntryFields>,
) -> ApiResult<Json<EntryOut>> {
    staff.require(&[StaffRole::Editor])?;
    let version = patch.version.ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidEntryField,
            "`version`: required to change an entry.",
        )
    })?;
    let txn = begin_write(&state.db).await?;
    let current = entries::get(&txn, EntryId(id)).await?;
    if patch.subject_id.is_some_and(|s| s != current.subject_id.0) {
        return Err(ApiError::new(
            ErrorCode::InvalidEntryField,
            "`subject_id`: an entry cannot move to another subject.",
        ));
    }
    let content = parse_fields(
        EntryFields::from_model(&current).overlay(patch),
        state.clock.today(),
    )?;
    let model = entries::update_draft(
        &txn,
        &state.write_ctx(staff.actor()),
        EntryId(id),
        version,
        content,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// Publish a draft directly, bypassing review (administrators only; audited). The normal path is
/// submit → approve.
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/publish", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = VersionIn,
    responses((status = 200, body = EntryOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn publish(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<VersionIn>,
) -> ApiResult<Json<EntryOut>> {
    staff.require(&[])?;
    let txn = begin_write(&state.db).await?;
    let model = entries::publish(
        &txn,
        &state.write_ctx(staff.actor()),
        EntryId(id),
        input.version,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(entry.id = %model.id, "entry published");
    Ok(Json(model.into()))
}

/// Submit a draft for review (maker).
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/submit", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = VersionIn,
    responses((status = 200, body = EntryOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn submit(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<VersionIn>,
) -> ApiResult<Json<EntryOut>> {
    staff.require(&[StaffRole::Editor])?;
    let txn = begin_write(&state.db).await?;
    let model = entries::submit(
        &txn,
        &state.write_ctx(staff.actor()),
        EntryId(id),
        input.version,
        staff.0.id,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// Approve an entry waiting for review (checker, never its submitter): it is published.
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/approve", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = VersionIn,
    responses((status = 200, body = EntryOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<VersionIn>,
) -> ApiResult<Json<EntryOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let txn = begin_write(&state.db).await?;
    let model = entries::approve(
        &txn,
        &state.write_ctx(staff.actor()),
        EntryId(id),
        input.version,
        staff.0.id,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(entry.id = %model.id, "entry approved and published");
    Ok(Json(model.into()))
}

/// Reject an entry waiting for review, with the reason; it returns to draft.
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/reject", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = RejectIn,
    responses((status = 200, body = EntryOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<RejectIn>,
) -> ApiResult<Json<EntryOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let reason = optional_text(Some(input.reason)).ok_or_else(|| {
        ApiError::new(
            ErrorCode::MissingReviewReason,
            "`reason`: required; it tells the editor what to fix.",
        )
    })?;
    let txn = begin_write(&state.db).await?;
    let model = entries::reject(
        &txn,
        &state.write_ctx(staff.actor()),
        EntryId(id),
        input.version,
        staff.0.id,
        reason,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// Withdraw a published entry, with a public reason.
#[utoipa::path(post, path = "/api/v1/office/entries/{id}/withdraw", tag = "office",
    params(("id" = Uuid, Path, description = "Entry id")), request_body = WithdrawIn,
    responses((status = 200, body = EntryOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn withdraw(
    state: State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(input): Json<WithdrawIn>,
) -> ApiResult<Json<EntryOut>> {
    staff.require(&[StaffRole::Reviewer])?;
    let reason = optional_text(Some(input.reason)).ok_or_else(|| {
        ApiError::new(
            ErrorCode::MissingWithdrawalReason,
            "`reason`: required; it is published with the withdrawal.",
        )
    })?;
    let txn = begin_write(&state.db).await?;
    let model = entries::withdraw(
        &txn,
        &state.write_ctx(staff.actor()),
        EntryId(id),
        input.version,
        reason,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(entry.id = %model.id, "entry withdrawn");
    Ok(Json(model.into()))
}

/// List entries, newest first.
#[utoipa::path(get, path = "/api/v1/office/entries", tag = "office", params(EntryListParams),
    responses((status = 200, body = Paginated<EntryOut>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list(
    state: State<AppState>,
    _staff: Staff,
    Query(p): Query<EntryListParams>,
) -> ApiResult<Json<Paginated<EntryOut>>> {
    let page = PageParams {
        page: p.page,
        per_page: p.per_page,
    }
    .page();
    let filter = EntryFilter {
        status: p.status,
        subject_id: p.subject_id.map(SubjectId),
        list: p.list,
    };
    let (items, total) = entries::list(&state.db, filter, page).await?;
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
        .routes(routes!(submit))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(withdraw))
}
