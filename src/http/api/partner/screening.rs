//! Batch screening (信用核查): `POST /api/v1/partner/screenings` for agencies with the `screen`
//! scope. Every call is logged for the office.

use super::{Partner, Screen};
use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::{DigestedJson, Json, Path};
use crate::input::screening::ScreeningIn;
use crate::services::screening::{self, Hit, LogEntry, Match};
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::ListKind;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

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
    /// The signed receipt of this screening: keep it to prove what the answer was.
    #[schema(value_type = ScreeningReceipt)]
    pub receipt: serde_json::Value,
    /// The log entry of this screening.
    pub screening_id: Uuid,
    /// The change-feed sequence the answer reflects.
    pub snapshot_seq: i64,
    /// When that public state was read.
    pub snapshot_at: DateTime<Utc>,
    /// The threshold applied.
    pub threshold: f64,
    /// Counts.
    #[schema(value_type = Summary)]
    pub summary: serde_json::Value,
    /// One result per subject, in order.
    #[schema(value_type = Vec<SubjectResult>)]
    pub results: serde_json::Value,
}

/// Screen up to 1,000 subjects against the public lists (信用核查). Needs the `screen` scope.
/// Each subject is matched by exact code; or by name, compared without region names and legal
/// forms, with traditional characters folded, then by reading; or, for a natural person, by
/// name and ID number together with a stated legal basis (an ID number whose listed holder has
/// another name matches nothing). Every call is logged for the office, and every natural person
/// checked is logged by a keyed hash of the ID number, so the office can tell a person who
/// looked them up.
#[utoipa::path(post, path = "/api/v1/partner/screenings", tag = "partner", request_body = ScreeningIn,
    responses((status = 200, body = ScreeningOut)),
    security(("agency_key" = [])))]
async fn screen(
    State(state): State<AppState>,
    partner: Partner<Screen>,
    DigestedJson(input, request_sha256): DigestedJson<ScreeningIn>,
) -> ApiResult<Json<ScreeningOut>> {
    let request = input.parse()?;
    let now = state.clock.now();
    let index = state
        .screening
        .current(&state.db, state.clock.today(), now, state.config.id_mask)
        .await?;
    let mut summary = Summary {
        subjects: request.subjects.len(),
        ..Summary::default()
    };
    let mut persons = 0;
    let mut persons_checked = Vec::new();
    let mut results = Vec::with_capacity(request.subjects.len());
    let has_basis = request.legal_basis.is_some();
    for (i, (reference, probe)) in request.subjects.into_iter().enumerate() {
        persons += usize::from(probe.uscc.is_none() && probe.id_number.is_some());
        let (status, matches, error) =
            match index.screen(probe, request.threshold, has_basis, &state.keys) {
                Err(e) => (Status::Rejected, Vec::new(), Some(e.body())),
                Ok(screened) => {
                    persons_checked.extend(screened.person);
                    (status_of(&screened.matches), screened.matches, None)
                }
            };
        *match status {
            Status::Flagged => &mut summary.flagged,
            Status::Listed => &mut summary.listed,
            Status::Clear => &mut summary.clear,
            Status::Rejected => &mut summary.rejected,
        } += 1;
        results.push(SubjectResult {
            index: i,
            reference,
            status,
            matches,
            error,
        });
    }
    // The screening and its person checks are kept together or not at all.
    let txn = crate::db::begin_write(&state.db).await?;
    let log = screening::log(
        &txn,
        LogEntry {
            agency_id: partner.agency.id.0,
            key_id: partner.key.id.0,
            purpose: &request.purpose,
            legal_basis: request.legal_basis.as_deref(),
            subjects: summary.subjects,
            persons,
            flagged: summary.flagged,
            snapshot_seq: index.seq,
            at: now,
            persons_checked: &persons_checked,
        },
    )
    .await?;
    let request_subjects = summary.subjects;
    let summary = to_json(&summary)?;
    let results = to_json(&results)?;
    let mut fields = serde_json::Map::new();
    fields.insert("agency_id".into(), partner.agency.id.0.to_string().into());
    fields.insert("request_sha256".into(), request_sha256.into());
    fields.insert("snapshot_seq".into(), index.seq.into());
    fields.insert("snapshot_at".into(), to_json(&index.built_at)?);
    fields.insert("threshold".into(), to_json(&request.threshold)?);
    fields.insert("summary".into(), summary.clone());
    fields.insert("results".into(), results.clone());
    let receipt = crate::services::reports::issue_receipt(
        &state,
        &txn,
        log.id,
        partner.agency.id.0,
        now,
        fields,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(agency.id = %partner.agency.id, screening.id = %log.id, subjects = request_subjects,
        flagged = log.flagged, "partner screening");
    Ok(Json(ScreeningOut {
        receipt: receipt.document,
        screening_id: log.id,
        snapshot_seq: index.seq,
        snapshot_at: index.built_at,
        threshold: request.threshold,
        summary,
        results,
    }))
}

fn to_json(value: &impl Serialize) -> ApiResult<serde_json::Value> {
    serde_json::to_value(value)
        .map_err(|e| crate::error::ApiError::internal(format!("serialising a screening: {e}")))
}

/// A screening receipt again, to the agency that screened (any other agency: 404
/// `document_not_found`). It verifies like a report: `POST /api/v1/verify`.
#[utoipa::path(get, path = "/api/v1/partner/screenings/{id}", tag = "partner",
    params(("id" = Uuid, Path, description = "The screening id (`screening_id`)")),
    responses((status = 200, body = ScreeningReceipt), (status = 404, body = ErrorBody)),
    security(("agency_key" = [])))]
async fn receipt(
    State(state): State<AppState>,
    partner: Partner<Screen>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(
        crate::services::reports::receipt(&state, id, partner.agency.id.0).await?,
    ))
}

/// A screening receipt: what an agency was answered, signed like a credit report (Ed25519 over
/// the canonical JSON of every other member; keys at `/.well-known/xinyong-keys.json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningReceipt {
    /// `screening_receipt`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The screening id.
    pub id: Uuid,
    /// Verification code.
    pub verification_code: String,
    /// Moment of the answer, Beijing time.
    pub issued_at: String,
    /// The agency answered.
    pub agency_id: Uuid,
    /// SHA-256 (hex) of the request body exactly as received.
    pub request_sha256: String,
    /// The change-feed sequence answered from.
    pub snapshot_seq: i64,
    /// When that snapshot was taken.
    pub snapshot_at: DateTime<Utc>,
    /// The similarity threshold used.
    pub threshold: f64,
    /// Counts by outcome.
    pub summary: Summary,
    /// One result per subject, in request order.
    pub results: Vec<SubjectResult>,
    /// The signing key.
    pub key_id: String,
    /// Ed25519 signature (base64).
    pub signature: String,
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

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(screen))
        .routes(routes!(receipt))
}
