//! `/api/v1/objections`: objections (异议申诉) filed by the public, and followed
//! by their id.

use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::{Json, Path};
use crate::http::filing;
use crate::http::ratelimit::ClientAddr;
use crate::input::cases::ObjectionIn;
use crate::services::objections;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use entity::{ObjectionId, ObjectionStatus, objection};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

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
    /// `true` when a due date above falls after the last day the working-day calendar covers:
    /// it was counted without that year's public holidays and may move. The office's loading of
    /// that year (`PUT /api/v1/office/calendar`) counts it again and turns this `false`.
    pub deadlines_provisional: bool,
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
            deadlines_provisional: o.deadlines_provisional,
        }
    }
}

/// File an objection (异议申诉) against a public entry. Free of charge.
///
/// Anonymous filings are limited: one client may have only so many open objections against one
/// entry (`XINYONG_FILINGS_OPEN_PER_CLIENT`, 3 by default), and an entry takes only so many
/// objections a day from everyone (`XINYONG_FILINGS_PER_ENTRY_DAY`, 20); past them, 429
/// `too_many_filings`.
#[utoipa::path(post, path = "/api/v1/objections", tag = "public", request_body = ObjectionIn,
    responses((status = 201, body = ObjectionReceipt), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "Too many requests (`rate_limited`) or filings (`too_many_filings`) from this client")))]
async fn file_objection(
    State(state): State<AppState>,
    client: ClientAddr,
    Json(input): Json<ObjectionIn>,
) -> ApiResult<(StatusCode, Json<ObjectionReceipt>)> {
    let cmd = input.parse()?;
    let (model, _) = filing::file_objection(&state, client, cmd, filing::Follow::ById).await?;
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// Follow an objection.
#[utoipa::path(get, path = "/api/v1/objections/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "Objection id")),
    responses((status = 200, body = ObjectionReceipt), (status = 404, body = ErrorBody)))]
async fn follow_objection(
    State(state): State<AppState>,
    Path(id): Path<ObjectionId>,
) -> ApiResult<Json<ObjectionReceipt>> {
    Ok(Json(objections::get(&state.db, id).await?.into()))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(file_objection))
        .routes(routes!(follow_objection))
}
