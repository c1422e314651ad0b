//! Batch screening (信用核查): `POST /api/v1/partner/screenings` for agencies with the `screen`
//! scope, and the office's log of every screening, `GET /api/v1/office/screenings`.

use super::Paginated;
use super::partner::Partner;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::{Json, PageParams, Query, Staff};
use crate::services::screening::{DEFAULT_THRESHOLD, Hit, MAX_SUBJECTS, Match, Probe};
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::{ListKind, StaffRole, screening};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

/// A screening request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "purpose": "2026年汉中市政府采购项目（HZCG-2026-118）供应商资格审查",
    "subjects": [
        {"reference": "供应商-1", "uscc": "91610702MA6YL3K09Y"},
        {"reference": "供应商-2", "name": "天汉建设工程有限责任公司"},
        {"reference": "供应商-3", "name": "漢中市秦嶺藥業有限公司"}
    ]
}))]
pub struct ScreeningIn {
    /// Why (recorded in the office's log): e.g. the procurement award or grant checked.
    pub purpose: String,
    /// The legal basis; required when any subject is a natural person (name + ID number).
    pub legal_basis: Option<String>,
    /// The lowest score reported, 0.5 to 1 (default 0.85). 1 reports exact codes, ID numbers
    /// and names only.
    pub threshold: Option<f64>,
    /// Up to 1,000 subjects.
    pub subjects: Vec<SubjectIn>,
}

/// One subject to screen: a code, or a name, or a natural person's name and ID number.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectIn {
    /// The caller's own reference, echoed back.
    pub reference: Option<String>,
    /// Unified social credit code: matched exactly, and alone.
    pub uscc: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// A natural person's ID number (with `name`; needs `legal_basis`). Never echoed or logged.
    pub id_number: Option<String>,
}

/// What screening found for one subject.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// On the black or key-attention list: the caller's measures apply.
    Flagged,
    /// On the red list only.
    Listed,
    /// No public entry matched.
    Clear,
    /// The subject could not be screened; see `error`.
    Rejected,
}

/// The answer for one subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectResult {
    /// Position in the request, from 0.
    pub index: usize,
    /// The caller's reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Outcome.
    pub status: Status,
    /// Matching listed subjects, best first, each with its public entries.
    pub matches: Vec<Match>,
    /// Why the subject could not be screened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// Counts over the subjects.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Summary {
    /// Subjects received.
    pub subjects: usize,
    /// On the black or key-attention list.
    pub flagged: usize,
    /// On the red list only.
    pub listed: usize,
    /// Nothing found.
    pub clear: usize,
    /// Not screened.
    pub rejected: usize,
}

/// The answer to a screening request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningOut {
    /// The log entry of this screening.
    pub screening_id: Uuid,
    /// The change-feed sequence the answer reflects.
    pub snapshot_seq: i64,
    /// When that public state was read.
    pub snapshot_at: DateTime<Utc>,
    /// The threshold applied.
    pub threshold: f64,
    /// Counts.
    pub summary: Summary,
    /// One result per subject, in order.
    pub results: Vec<SubjectResult>,
}

/// Screen up to 1,000 subjects against the public lists (信用核查). Needs the `screen` scope.
/// Each subject is matched by exact code; or by name, compared without region names and legal
/// forms, with traditional characters folded, then by reading; or, for a natural person, by
/// name and ID number with a stated legal basis. Every call is logged for the office.
#[utoipa::path(post, path = "/api/v1/partner/screenings", tag = "partner", request_body = ScreeningIn,
    responses((status = 200, body = ScreeningOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
async fn screen(
    State(state): State<AppState>,
    partner: Partner,
    Json(input): Json<ScreeningIn>,
) -> ApiResult<Json<ScreeningOut>> {
    partner.require("screen")?;
    let purpose = input.purpose.trim();
    if purpose.is_empty() || purpose.chars().count() > 500 {
        return Err(ApiError::new(
            ErrorCode::InvalidScreeningField,
            "`purpose`: required, at most 500 characters: say what the screening is for.",
        ));
    }
    let legal_basis = input
        .legal_basis
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if legal_basis.is_some_and(|s| s.chars().count() > 500) {
        return Err(ApiError::new(
            ErrorCode::InvalidScreeningField,
            "`legal_basis`: at most 500 characters.",
        ));
    }
    let threshold = input.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.5..=1.0).contains(&threshold) {
        return Err(ApiError::field(
            ErrorCode::InvalidScreeningField,
            "threshold",
            &threshold.to_string(),
            "must be between 0.5 and 1",
        ));
    }
    if input.subjects.len() > MAX_SUBJECTS {
        return Err(ApiError::new(
            ErrorCode::BatchTooLarge,
            format!(
                "`subjects`: {} subjects; at most {MAX_SUBJECTS} per call.",
                input.subjects.len()
            ),
        ));
    }
    let now = state.clock.now();
    let index = state
        .screening
        .current(&state.db, state.clock.today(), now)
        .await?;
    let mut summary = Summary {
        subjects: input.subjects.len(),
        ..Summary::default()
    };
    let mut persons = 0;
    let mut results = Vec::with_capacity(input.subjects.len());
    for (i, s) in input.subjects.into_iter().enumerate() {
        persons += usize::from(s.uscc.is_none() && s.id_number.is_some());
        let probe = Probe {
            uscc: s.uscc,
            name: s.name,
            id_number: s.id_number,
        };
        let (status, matches, error) =
            match index.screen(probe, threshold, legal_basis.is_some(), &state.keys) {
                Err(e) => (Status::Rejected, Vec::new(), Some(e.body())),
                Ok(matches) => (status_of(&matches), matches, None),
            };
        *match status {
            Status::Flagged => &mut summary.flagged,
            Status::Listed => &mut summary.listed,
            Status::Clear => &mut summary.clear,
            Status::Rejected => &mut summary.rejected,
        } += 1;
        results.push(SubjectResult {
            index: i,
            reference: s.reference,
            status,
            matches,
            error,
        });
    }
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let log = screening::ActiveModel {
        id: Set(Uuid::new_v4()),
        agency_id: Set(partner.agency.id.0),
        key_id: Set(partner.key.id.0),
        purpose: Set(purpose.to_owned()),
        legal_basis: Set(legal_basis.map(str::to_owned)),
        subjects: Set(count(summary.subjects)),
        persons: Set(count(persons)),
        flagged: Set(count(summary.flagged)),
        snapshot_seq: Set(index.seq),
        at: Set(now),
    }
    .insert(&state.db)
    .await?;
    tracing::info!(agency.id = %partner.agency.id, screening.id = %log.id, subjects = summary.subjects,
        flagged = summary.flagged, "partner screening");
    Ok(Json(ScreeningOut {
        screening_id: log.id,
        snapshot_seq: index.seq,
        snapshot_at: index.built_at,
        threshold,
        summary,
        results,
    }))
}

fn status_of(matches: &[Match]) -> Status {
    let lists = || {
        matches
            .iter()
            .flat_map(|m| m.hits.iter().map(|h: &Hit| h.list))
    };
    if lists().any(|l| l != ListKind::Red) {
        Status::Flagged
    } else if lists().next().is_some() {
        Status::Listed
    } else {
        Status::Clear
    }
}

/// Filters of the screening log.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogParams {
    /// Only this agency's screenings.
    pub agency_id: Option<Uuid>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 10000))]
    pub page: Option<u64>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    pub per_page: Option<u64>,
}

/// One logged screening.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningLogOut {
    /// Id, as returned to the caller.
    pub id: Uuid,
    /// Who.
    pub agency_id: Uuid,
    /// With which key.
    pub key_id: Uuid,
    /// Why.
    pub purpose: String,
    /// The legal basis stated.
    pub legal_basis: Option<String>,
    /// Subjects screened.
    pub subjects: i32,
    /// Of which natural persons.
    pub persons: i32,
    /// Flagged subjects.
    pub flagged: i32,
    /// The change-feed sequence answered from.
    pub snapshot_seq: i64,
    /// When.
    pub at: DateTime<Utc>,
}

/// The screening log, newest first (admins and reviewers).
#[utoipa::path(get, path = "/api/v1/office/screenings", tag = "office", params(LogParams),
    responses((status = 200, body = Paginated<ScreeningLogOut>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn log(
    State(state): State<AppState>,
    me: Staff,
    Query(p): Query<LogParams>,
) -> ApiResult<Json<Paginated<ScreeningLogOut>>> {
    me.require(&[StaffRole::Reviewer])?;
    let page = PageParams {
        page: p.page,
        per_page: p.per_page,
    }
    .page();
    let mut query = screening::Entity::find().order_by_desc(screening::Column::At);
    if let Some(agency) = p.agency_id {
        query = query.filter(screening::Column::AgencyId.eq(agency));
    }
    let pages = query.paginate(&state.db, page.per_page);
    let total = pages.num_items().await?;
    let items = pages.fetch_page(page.page - 1).await?;
    Ok(Json(Paginated::new(
        items
            .into_iter()
            .map(|s| ScreeningLogOut {
                id: s.id,
                agency_id: s.agency_id,
                key_id: s.key_id,
                purpose: s.purpose,
                legal_basis: s.legal_basis,
                subjects: s.subjects,
                persons: s.persons,
                flagged: s.flagged,
                snapshot_seq: s.snapshot_seq,
                at: s.at,
            })
            .collect(),
        page,
        total,
    )))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(screen))
        .routes(routes!(log))
}
