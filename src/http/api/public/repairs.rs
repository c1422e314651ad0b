//! `/api/v1/repairs`: the public side of credit repair (信用修复). A listed
//! subject applies once the minimum publicity period has passed and follows the case by the
//! application's id. Free of charge; rate-limited like every public route.

use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::{Json, Path};
use crate::http::filing;
use crate::http::ratelimit::ClientAddr;
use crate::input::cases::RepairApplicationIn;
use crate::services::repairs;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use entity::{RepairId, RepairStatus, repair};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// The applicant's receipt: keep the id to follow the case.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepairReceipt {
    /// The application's id.
    pub id: Uuid,
    /// `submitted`.
    pub status: RepairStatus,
    /// Day of the application (China time).
    pub applied_on: NaiveDate,
    /// Accepted or returned by this day (1 working day).
    pub accept_due: NaiveDate,
    /// The applicant is told the result by this day (10 working days).
    pub notify_due: NaiveDate,
    /// `true` when a due date above falls after the last day the working-day calendar covers:
    /// it was counted without that year's public holidays and may move. The office's loading of
    /// that year (`PUT /api/v1/office/calendar`) counts it again and turns this `false`.
    pub deadlines_provisional: bool,
}

/// An application as its applicant follows it: no contact, no materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepairCaseOut {
    /// The application's id.
    pub id: Uuid,
    /// The entry to repair.
    pub entry_id: Uuid,
    /// `submitted`, `accepted`, `returned`, `approved` or `rejected`.
    pub status: RepairStatus,
    /// Why it was returned, rejected or approved.
    pub decision_note: Option<String>,
    /// Day of the application.
    pub applied_on: NaiveDate,
    /// Accepted or returned by this day.
    pub accept_due: NaiveDate,
    /// Decided by this day (set on acceptance).
    pub decide_due: Option<NaiveDate>,
    /// The applicant is told the result by this day.
    pub notify_due: NaiveDate,
    /// `true` when a due date above falls after the last day the working-day calendar covers:
    /// it was counted without that year's public holidays and may move. The office's loading of
    /// that year (`PUT /api/v1/office/calendar`) counts it again and turns this `false`.
    pub deadlines_provisional: bool,
}

impl From<repair::Model> for RepairCaseOut {
    fn from(r: repair::Model) -> Self {
        Self {
            id: r.id.0,
            entry_id: r.entry_id.0,
            status: r.status,
            decision_note: r.decision_note,
            applied_on: r.applied_on,
            accept_due: r.accept_due,
            decide_due: r.decide_due,
            notify_due: r.notify_due,
            deadlines_provisional: r.deadlines_provisional,
        }
    }
}

/// Apply for credit repair (信用修复); free of charge.
///
/// **Credit repair is free of charge: no fee is asked at any step.** It may be applied for once
/// the entry's minimum publicity period has passed (from its `publicity_min_until`), with the
/// credit commitment letter (信用承诺书) and materials showing the obligations were performed.
/// The office accepts or returns the application within 1 working day, the deciding authority
/// decides within 3 working days of acceptance, and the applicant is told within 10 working days
/// of the application. On approval the entry leaves every public surface at once. The contact is
/// used only by the office and is never published.
///
/// Only the listed subject may apply: the application names it — `subject_name` with
/// `subject_uscc` for an organisation, or with `subject_id_number` for a person — and one that
/// does not match the entry's subject is refused with 403 `no_standing` (saying neither which
/// part failed nor what is stored) before anything is kept, so it cannot stand in the way of the
/// subject's own. A client whose applications for one entry keep naming another subject is
/// stopped for a while (`XINYONG_STANDING_FAILURES_PER_HOUR`); filings are limited per client and
/// per entry per day as objections are; past any of them, 429 `too_many_filings`.
#[utoipa::path(post, path = "/api/v1/repairs", tag = "public", request_body = RepairApplicationIn,
    responses((status = 201, body = RepairReceipt), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "`no_standing`: the subject named is not the entry's subject"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "Too many requests (`rate_limited`) or filings (`too_many_filings`) from this client")))]
async fn apply_for_repair(
    State(state): State<AppState>,
    client: ClientAddr,
    Json(input): Json<RepairApplicationIn>,
) -> ApiResult<(StatusCode, Json<RepairReceipt>)> {
    let (model, _) = filing::apply_for_repair(
        &state,
        client,
        input.application(),
        filing::Follow::ById,
        &[],
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(RepairReceipt {
            id: model.id.0,
            status: model.status,
            applied_on: model.applied_on,
            accept_due: model.accept_due,
            notify_due: model.notify_due,
            deadlines_provisional: model.deadlines_provisional,
        }),
    ))
}

/// Follow a credit-repair application: its state, due dates and decision note.
#[utoipa::path(get, path = "/api/v1/repairs/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "Application id, from the receipt")),
    responses((status = 200, body = RepairCaseOut), (status = 404, body = ErrorBody)))]
async fn follow_repair(
    State(state): State<AppState>,
    Path(id): Path<RepairId>,
) -> ApiResult<Json<RepairCaseOut>> {
    Ok(Json(repairs::get(&state.db, id).await?.into()))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(apply_for_repair))
        .routes(routes!(follow_repair))
}
